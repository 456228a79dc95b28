"""The message catalogs (scenes/locale/): the template is a fresh extraction of the code, and every
language's catalog translates each of its messages, fields intact, and nothing else."""

from __future__ import annotations

import ast

import pytest
from babel.messages.pofile import read_po, write_po

from scenes import i18n
from tests.catalogs import POT, ROOT, extract, key, problems, pseudo

CATALOGS = sorted(p.parent.parent.name for p in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/convreel.po"))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return extract(tmp_path_factory.mktemp("pot") / "convreel.pot")


def test_the_template_is_a_fresh_extraction(fresh):
    with open(POT, "rb") as fh:
        committed = read_po(fh)
    assert len(fresh) > 300  # the extraction found the code's messages
    stale = {key(m) for m in committed if m.id} ^ {key(m) for m in fresh if m.id}
    assert not stale, f"scenes/locale/convreel.pot is out of date (run `make messages`): {sorted(stale)[:10]}"


def test_every_catalog_translates_every_message_and_no_other(fresh):
    assert i18n.languages() == ["en", *CATALOGS]
    found = {code: problems(i18n.catalog_path(code), fresh) for code in CATALOGS}
    assert not any(found.values()), {code: p[:20] for code, p in found.items() if p}


def test_the_check_finds_each_kind_of_fault(fresh, tmp_path):
    """A catalog with one fault of each kind fails the check, naming each."""
    catalog = extract(tmp_path / "convreel.pot")
    for m in catalog:
        if m.id:
            m.string = tuple(pseudo(i) for i in m.id) if isinstance(m.id, tuple) else pseudo(m.id)
    assert problems(_write(catalog, tmp_path), fresh) == []
    with_fields = next(m for m in catalog if isinstance(m.id, str) and "{" in m.id)
    with_fields.string = "没有字段"
    catalog.get("Chapters").string = ""
    catalog.get("Keys").flags.add("fuzzy")
    catalog.add("A message the code never says", "代码里没有")
    found = problems(_write(catalog, tmp_path), fresh)
    assert [f.split(" ")[0] for f in found] == ["fields", "fuzzy:", "untranslated:", "unused"], found


def _write(catalog, folder):
    path = folder / "convreel.po"
    with open(path, "wb") as fh:
        write_po(fh, catalog)
    return path


def test_extraction_finds_every_message_the_code_translates(fresh):
    """Each literal given to _(), N_() or ngettext() is in the extraction (Babel misses calls
    inside f-strings, for one)."""
    ids = {key(m) for m in fresh if m.id}
    missed = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if path.parts[len(ROOT.parts)] not in ("engine", "scenes", "convreel"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_", "ngettext"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and first.value not in ids:
                    missed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {first.value!r}")
    assert not missed, missed
