"""Chinese end to end: every chapter builds with Chinese on screen and in the captions, within the
layout rules; the pages speak the clips' language; the voice and the CLI follow ``--lang``.

The ``zh`` fixture uses scenes/locale/zh when it is there, else a pseudo translation of Chinese
length (tests/catalogs.py), so the scenes always draw real CJK text in the CJK font."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from manim import Text

from convreel import classpage, deck, gallery, present, voice
from convreel.batch import Batch, Outcome, Student
from convreel.cli import main
from scenes import i18n, style
from scenes.base import ChapterScene
from scenes.registry import CHAPTERS, chapters_for
from tests.conftest import convreel
from tests.scene_helpers import build

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


def kept_words(locale: Path) -> set[str]:
    """Latin words the translation itself keeps (ReLU, softmax, ...): allowed on screen."""
    with open(locale / "zh" / "LC_MESSAGES" / "convreel.po", "rb") as fh:
        catalog = read_po(fh)
    strings = [s for m in catalog if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    return {w for s in strings for w in LATIN.findall(re.sub(r"\{[^}]*\}", "", s))}


@pytest.fixture
def drawn(monkeypatch):
    """Every text on screen at any play of the next build."""
    seen: set[str] = set()
    check = ChapterScene.check_layout

    def record(scene):
        seen.update(t.original_text for m in scene.mobjects for t in m.get_family() if isinstance(t, Text))
        check(scene)

    monkeypatch.setattr(ChapterScene, "check_layout", record)
    return seen


BUILDS = [(c.id, "tick-cross") for c in chapters_for("tick-cross")] + [
    (c.id, "face") for c in CHAPTERS if "tick-cross" not in c.examples
]


@pytest.mark.parametrize("chapter, example", BUILDS)
def test_every_chapter_builds_in_chinese(chapter, example, zh, drawn):
    """The layout checks hold with Chinese text, every caption is Chinese, and no English word is
    drawn but the network's layer names, the image's file name and words the translation keeps."""
    scene = build(chapter, example)
    assert style.font() == "Noto Sans CJK SC"
    assert scene.captions and all(CJK.search(text) for *_, text in scene.captions)
    assert any(CJK.search(t) for t in drawn)
    kept = kept_words(zh)
    names = [s.name for s in scene.trace.steps] + [scene.story.image_path.name]
    untranslated = set()
    for text in drawn | {text for *_, text in scene.captions}:
        rest = re.sub("|".join(rf"\b{re.escape(n)}\b" for n in names), "", text)
        untranslated |= set(LATIN.findall(rest)) - kept
    assert not untranslated, untranslated


def test_text_breaks_between_chinese_characters_and_keeps_numbers_whole(zh):
    from scenes.parts.text import wrapped

    text = "放大镜在图像上一格一格地滑动，共 28 × 28 个位置，每一步都算出一个数。"
    lines = [m.original_text for m in wrapped(text, 3.0, size=style.LABEL)]
    assert len(lines) > 2 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[0] in "，。" for line in lines)
    assert all("28" not in line or " 28 " in f" {line} " for line in lines)


# -- the pages ------------------------------------------------------------------------------------
def _clip(tmp_path: Path) -> dict:
    (tmp_path / "captions.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n你好\n", encoding="utf-8")
    return {
        "chapter": "pixels",
        "title": i18n._("The image becomes numbers"),
        "order": 1,
        "example": "face",
        "image": {"file": "countess.png"},
        "label": "Countess",
        "label_assumed": False,
        "prediction": "Countess",
        "probabilities": {"Countess": 0.9, "Professor": 0.05, "Captain": 0.05},
        "duration": 12.0,
        "resolution": [854, 480],
        "fps": 15,
        "format": "mp4",
        "language": "zh",
        "files": {
            "video": "01-pixels.mp4",
            "poster": "01-pixels.png",
            "captions": {"srt": "captions.srt", "vtt": "captions.vtt"},
            "tracks": [
                {"language": "zh", "srt": "captions.srt", "vtt": "captions.vtt"},
                {"language": "en", "srt": "captions.en.srt", "vtt": "captions.en.vtt"},
            ],
        },
        "sections": [{"name": "title", "start": 0.0, "duration": 2.0}, {"name": "glass", "start": 2.0, "duration": 10}],
    }


def test_gallery_and_presenter_speak_the_clips_language(zh, tmp_path):
    with i18n.speaking("zh"):
        data = {"clips": [_clip(tmp_path)]}
        words = [i18n._(m) for m in ("How a CNN sees: the explainer", "Present in class", "glass", "Countess")]
        ui = {k: i18n._(m) for k, m in present.UI.items()}
    i18n.set_language("en")  # the pages take their language from the clips, not from the caller
    page = gallery.render_html(data)
    assert '<html lang="zh">' in page
    assert '<track kind="captions" src="captions.vtt" srclang="zh" label="中文" default>' in page
    assert '<track kind="captions" src="captions.en.vtt" srclang="en" label="English">' in page
    assert all(w in page and CJK.search(w) for w in words), words
    html = present.render_html(tmp_path, data)
    assert '<html lang="zh">' in html and "{{" not in html
    assert all(f">{ui[k]}<" in html for k in ("help_title", "chapters", "help_next")), ui
    assert '"lang": "zh", "language": "中文"' in html
    assert f'"title": "{words[2]}"' in html  # the section's name, translated for the strip
    assert i18n.language() == "en"


def test_class_page_speaks_the_batch_language(zh, tmp_path):
    job = SimpleNamespace(settings=SimpleNamespace(language="zh"), chapters=("pixels",))
    student = Student("ann.png", tmp_path / "ann.png", "ann", job, "Countess", 0.9, "Professor")
    result = SimpleNamespace(chapter="pixels", files={"poster": "poster.png"}, meta={"duration": 60.0})
    batch = Batch(tmp_path, tmp_path, "face", ("pixels",), [student], {}, [])
    page = classpage.render_html(batch, {"ann.png": Outcome(student, [result])})
    with i18n.speaking("zh"):
        words = [i18n._("Countess"), i18n._("label: {name}").format(name=i18n._("Professor"))]
        words.append(i18n.ngettext("{n} explainer", "{n} explainers", 1).format(n=1))
    assert '<html lang="zh">' in page
    assert all(w in page and CJK.search(w) for w in words), words


def test_deck_dates_in_its_language(zh):
    with i18n.speaking("zh"):
        assert deck._date(dt.date(2026, 11, 30)) == "2026年11月30日"
    with i18n.speaking("en"):
        assert deck._date(dt.date(2026, 11, 30)) == "30 November 2026"


# -- the voice and the CLI --------------------------------------------------------------------------
def test_espeak_reads_chinese_with_its_mandarin_voice(tmp_path, monkeypatch):
    spoken = []
    run = voice._run
    monkeypatch.setattr(voice, "_run", lambda cmd, *a, **kw: spoken.append(cmd) or run(cmd, *a, **kw))
    narrator = voice.Narrator.from_spec("espeak", tmp_path, "zh")
    speech = narrator.speak("卷积核在图像上滑动。", "convolution.sweep.1")
    assert speech is not None and speech.duration > 0.5
    synth = next(cmd for cmd in spoken if "-w" in cmd)
    assert synth[synth.index("-v") + 1] == "cmn"
    # The same sentence in English words is another cache entry.
    english = voice.Narrator.from_spec("espeak:cmn", tmp_path, "en").speak(
        "卷积核在图像上滑动。", "convolution.sweep.1"
    )
    assert english.path != speech.path


def test_festival_refuses_chinese_in_one_line(zh, tmp_path):
    result = CliRunner().invoke(main, ["render", "pixels", "-e", "face", "--lang", "zh", "--voice", "festival",
                                       "-o", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: festival speaks English only; for 'zh' use --voice espeak"], (
        result.output
    )
    assert not (tmp_path / "out").exists()


def test_list_shows_chinese_titles():
    """Needs the Chinese catalog itself (scenes/locale/zh), as a user's `convreel list --lang zh`."""
    assert i18n.catalog_path("zh").exists(), "the Chinese catalog scenes/locale/zh/LC_MESSAGES/convreel.po"
    proc = convreel("list", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    with i18n.speaking("zh"):
        titles = [i18n._(c.title) for c in CHAPTERS]
    assert all(CJK.search(t) and t in proc.stdout for t in titles), proc.stdout
