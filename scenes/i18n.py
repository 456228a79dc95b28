"""Every word a viewer sees or hears goes through ``_()`` (gettext), so a language is a catalog.

``_("...{name}...").format(name=...)``: a literal message with named fields, never an f-string,
so that message extraction finds it. ``N_()`` marks a message for extraction where it is defined
(e.g. chapter titles in the registry) and ``_()`` translates it where it is shown.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "convreel"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def set_language(code: str | None = None) -> str:
    """Use the catalog of ``code`` (default: ``$CONVREEL_LANG`` or English) for every later ``_()``."""
    global _translations, _language
    code = code or os.environ.get("CONVREEL_LANG") or DEFAULT_LANGUAGE
    if code == DEFAULT_LANGUAGE:
        _translations = gettext.NullTranslations()
    else:
        try:
            _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
        except FileNotFoundError:
            raise ValueError(f"no translation for language {code!r}") from None
    _language = code
    return code


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message
