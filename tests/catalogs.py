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
EXTRACT = ["-F", "babel.cfg", "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "--no-wrap"]  # as `make messages`


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
