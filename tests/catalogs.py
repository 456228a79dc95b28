"""Message catalogs for tests: a fresh extraction of the code's messages, and a Chinese catalog
to build scenes with (the real one, or a pseudo translation of Chinese length while it is absent).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from scenes import i18n

ROOT = Path(__file__).resolve().parent.parent
POT = i18n.LOCALE_DIR / "convreel.pot"
# As `make messages` does; section names ("sweep") are shown on the pages.
EXTRACT = ["-F", "babel.cfg", "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "section", "--no-wrap"]


def extract(out: Path) -> Catalog:
    """Every message of the code now, extracted as ``make messages`` does."""
    with contextlib.chdir(ROOT):
        CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT, "-o", str(out), "."])
    with open(out, "rb") as fh:
        return read_po(fh)


# Common characters of CNN tutorials, cycled: any of them missing from the font would show as a box.
HANZI = "卷积核特征图池化全连接层交叉熵损失函数概率像素数值滤波器侦探放大镜线索每一个输入输出训练学习"
_WORD = re.compile(r"\{[^}]*\}|[A-Za-z][A-Za-z'’-]*")


def pseudo(message: str, chars=None) -> str:
    """``message`` with every English word replaced by Chinese characters, a third of its letters
    (at least one): about the length real Chinese runs to. Fields, numbers and signs stay."""
    chars = chars or itertools.cycle(HANZI)

    def word(m: re.Match) -> str:
        w = m.group(0)
        return w if w.startswith("{") else "".join(next(chars) for _ in range(max(1, len(w) // 3)))

    out = _WORD.sub(word, message)
    # Chinese puts no spaces between words.
    return re.sub(rf"(?<=[{HANZI}]) (?=[{HANZI}])", "", out)


def pseudo_zh(folder: Path) -> Path:
    """A ``zh`` catalog in ``folder`` (a stand-in for scenes/locale) translating every message of
    the code with ``pseudo``."""
    catalog = extract(folder / "convreel.pot")
    catalog.locale = "zh_Hans"  # Chinese: one plural form
    for m in catalog:
        if m.id:
            m.string = tuple(pseudo(i) for i in m.id[:1]) if isinstance(m.id, tuple) else pseudo(m.id)
    po = folder / "zh" / "LC_MESSAGES" / "convreel.po"
    po.parent.mkdir(parents=True)
    with open(po, "wb") as fh:
        write_po(fh, catalog)
    return folder


_FIELD = re.compile(r"\{[^{}]*\}")


def key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def problems(po: Path, fresh: Catalog) -> list[str]:
    """What is wrong with the catalog ``po`` against a fresh extraction: a message of the code
    untranslated or fuzzy, a message the code no longer has, a {field} missing or added."""
    with open(po, "rb") as fh:
        catalog = read_po(fh)
    found = []
    wanted = {key(m): m for m in fresh if m.id}
    have = {key(m): m for m in catalog if m.id}
    for k in wanted.keys() - have.keys():
        found.append(f"untranslated: {k!r}")
    for k in have.keys() - wanted.keys():
        found.append(f"unused by the code: {k!r}")
    for k in wanted.keys() & have.keys():
        m = have[k]
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        if m.fuzzy:
            found.append(f"fuzzy: {k!r}")
        if not all(strings):
            found.append(f"untranslated: {k!r}")
            continue
        if isinstance(wanted[k].id, tuple) != isinstance(m.id, tuple):
            found.append(f"singular/plural differs from the code: {k!r}")
        # Every form has the msgid's fields; a plural's forms those of its plural msgid (the last
        # form, the only one in Chinese), except that other forms may leave out the count.
        fields = sorted(_FIELD.findall(ids[-1]))
        for i, s in enumerate(strings):
            got = sorted(_FIELD.findall(s))
            if got != fields and not (i < len(strings) - 1 and set(got) <= set(fields)):
                found.append(f"fields {fields} not in translation {s!r} of {k!r}")
    return sorted(found)
