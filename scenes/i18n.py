"""Every word a viewer sees or hears goes through ``_()`` (gettext), so a language is a catalog.

``_("...{name}...").format(name=...)``: a literal message with named fields, never an f-string,
so that message extraction (Babel, see ``babel.cfg``) finds it. ``N_()`` marks a message for
extraction where it is defined (e.g. chapter titles in the registry) and ``_()`` translates it where
it is shown.

Catalogs are gettext ``.po`` files, ``scenes/locale/<code>/LC_MESSAGES/convreel.po``, read as they
are (adding a language is adding a catalog; nothing to compile).
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

DOMAIN = "convreel"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


class Catalog(gettext.NullTranslations):
    """The translated messages of one ``.po`` file; untranslated (or fuzzy) ones fall back to the
    message itself."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        from babel.messages.pofile import read_po

        with open(path, "rb") as fh:
            catalog = read_po(fh)
        self.messages: dict[str, str | tuple[str, ...]] = {}
        for m in catalog:
            if not m.id or m.fuzzy or not m.string or not any(m.string if isinstance(m.string, tuple) else [m.string]):
                continue
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            self.messages[key] = m.string
        self.plural = catalog.plural_expr

    def gettext(self, message: str) -> str:
        s = self.messages.get(message, message)
        return s[0] if isinstance(s, tuple) else s

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        s = self.messages.get(singular)
        if not isinstance(s, tuple):
            return singular if n == 1 else plural
        return s[min(_plural_index(self.plural, n), len(s) - 1)]


def _plural_index(expr: str, n: int) -> int:
    from babel.plural import to_python

    return int(to_python(expr)(n)) if expr and expr != "0" else 0


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """English and every language with a catalog."""
    return (
        [DEFAULT_LANGUAGE, *sorted(p.name for p in LOCALE_DIR.iterdir() if catalog_path(p.name).exists())]
        if (LOCALE_DIR.is_dir())
        else [DEFAULT_LANGUAGE]
    )


@cache
def _catalog(code: str) -> Catalog:
    return Catalog(catalog_path(code))


def set_language(code: str | None = None) -> str:
    """Use the catalog of ``code`` (default: ``$CONVREEL_LANG`` or English) for every later ``_()``."""
    global _translations, _language
    code = code or os.environ.get("CONVREEL_LANG") or DEFAULT_LANGUAGE
    if code == DEFAULT_LANGUAGE:
        _translations = gettext.NullTranslations()
    elif catalog_path(code).exists():
        _translations = _catalog(code)
    else:
        raise ValueError(f"no translation for language {code!r}; choose from {', '.join(languages())}")
    _language = code
    return code


def language() -> str:
    return _language


@contextmanager
def speaking(code: str) -> Iterator[str]:
    """The language ``code`` inside the block (e.g. to write a page in its clips' language), the
    language before it afterwards."""
    before = _language
    set_language(code)
    try:
        yield code
    finally:
        set_language(before)


def language_name(code: str) -> str:
    """The language's own name for itself, for menus and caption tracks: "English", "中文"."""
    from babel import Locale

    return Locale.parse(code).get_display_name(code)


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def tidy(text: str) -> str:
    """``text`` without the spaces that joining whole sentences leaves after Chinese punctuation
    ("…0.977。 没有…"): Chinese puts none there."""
    return re.sub(r"(?<=[。！？；：，、）」』”])[ \t]+", "", text)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def listed(items: Iterable[str]) -> str:
    """Items of a list in a sentence, with the language's separator ("a, b, c"; Chinese "a、b、c")."""
    # Translators: the separator between the items of a list.
    return _(", ").join(items)


def clauses(items: Iterable[str]) -> str:
    """Clauses of one sentence, with the language's separator ("a; b"; Chinese "a；b")."""
    # Translators: the separator between the clauses of one sentence.
    return _("; ").join(items)
