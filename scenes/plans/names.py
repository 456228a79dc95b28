"""Names a viewer sees that come from the data: the examples' titles and class names.

The engine knows them as plain strings; they are marked here for the message catalogs and shown
with ``shown(name)`` (a class of a user's own folder has no translation and shows as it is).
"""

from __future__ import annotations

from scenes.i18n import N_, _

MESSAGES = (
    N_("Tick or cross"),
    N_("Which suspect?"),
    N_("tick"),
    N_("cross"),
    N_("Countess"),
    N_("Professor"),
    N_("Captain"),
)


def shown(name: str) -> str:
    """``name`` in the current language; a user's own class (say a folder named "map") as it is."""
    return _(name) if name in MESSAGES else name
