"""The ``convreel`` command line: parse arguments, call the pipeline, report."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

import engine
from scenes import i18n
from scenes.registry import CHAPTERS

from . import __version__, cache
from . import batch as batches
from .cluster import ClusterError
from .predict import predict as run_predict
from .predict import train as run_train
from .progress import run_batch_with_progress, run_with_progress
from .render import FORMATS, QUALITIES, RenderError, Settings, make_job
from .voice import RATES, VOICE_HELP

EXAMPLE = click.Choice(sorted(engine.EXAMPLES))


class _Errors(click.Group):
    """Turn the engine's input errors into one-line CLI errors (exit 1, no traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (engine.ImageError, engine.ModelError, FileNotFoundError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Errors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="convreel")
def main() -> None:
    """Animated explainers of a real convolutional neural network."""


@main.command()
@click.argument("image", type=click.Path(path_type=Path))
@click.option("--example", "-e", type=EXAMPLE, required=True, help="Which bundled example's network to use.")
@click.option("--model", type=click.Path(path_type=Path), help="A weights file instead of the bundled model.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
def predict(image: Path, example: str, model: Path | None, as_json: bool) -> None:
    """Classify IMAGE and print the class probabilities."""
    result = run_predict(image, example, model)
    if as_json:
        click.echo(json.dumps(result.to_json()))
        return
    table = Table(title=f"{image.name} ({example})")
    table.add_column("class")
    table.add_column("probability", justify="right")
    for name, p in zip(result.class_names, result.probabilities):
        style = "bold green" if name == result.prediction else ""
        table.add_row(name, f"{p:.4f}", style=style)
    console = Console()
    console.print(table)
    console.print(f"prediction: [bold]{result.prediction}[/bold]")


@main.command()
@click.argument("example", type=EXAMPLE)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Where to write the weights (default: ./EXAMPLE.npz; `make assets` regenerates the bundled copies).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    help="Train on a folder of images, one sub-folder per class.",
)
def train(example: str, output: Path | None, data: Path | None) -> None:
    """Train EXAMPLE's network from scratch and save its weights."""
    console = Console(stderr=True)

    def show(r: engine.EpochRecord) -> None:
        console.print(
            f"epoch {r.epoch:2d}  loss {r.train_loss:.4f}  acc {r.train_accuracy:.3f}"
            f"  val loss {r.val_loss:.4f}  val acc {r.val_accuracy:.3f}"
        )

    result = run_train(example, output or Path(f"{example}.npz"), data, on_epoch=show)
    # A folder has no generated held-out set: its own validation split is the measure. ECE is the
    # expected calibration error over 10 equal-width confidence bins (0: confidence = accuracy).
    name, figures = ("held-out", result.held_out) if result.held_out else ("validation", result.validation)
    click.echo(f"{name} accuracy: {figures['accuracy']:.4f} ({figures['n']} images)")
    click.echo(f"{name} ECE (10 bins): {figures['ece']:.4f}")
    click.echo(f"saved {result.path}")


def _language(ctx, param, value: str | None):
    if value is not None and value not in i18n.languages():
        raise click.BadParameter(f"unknown language {value!r}; choose from {', '.join(i18n.languages())}")
    return value


def _languages(ctx, param, value: str | None) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in (value or "").split(",") if c.strip())
    for code in codes:
        _language(ctx, param, code)
    return codes


LANG_HELP = "Language of every word on screen, in the captions and in the voice (en, zh)."


@main.command("list")
@click.option("--lang", callback=_language, default="en", show_default=True, help=LANG_HELP)
def list_(lang: str) -> None:
    """List the examples and the chapters, in teaching order."""
    i18n.set_language(lang)
    _ = i18n._
    click.echo(_("Examples:"))
    for ex in engine.EXAMPLES.values():
        classes = ", ".join(_(c) for c in ex.class_names)
        click.echo(f"  {ex.name:12s} {_(ex.title)} ({classes})")
    click.echo(_("Chapters:"))
    for n, ch in enumerate(CHAPTERS, 1):
        only = (
            ""
            if len(ch.examples) == len(engine.EXAMPLES)
            else "  " + _("[{examples} only]").format(examples=", ".join(ch.examples))
        )
        click.echo(f"  {n:2d}. {ch.id:15s} {_(ch.title)}{only}")


def _resolution(ctx, param, value: str | None):
    if value is None:
        return None
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter("use WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
        raise click.BadParameter("width and height must be even, between 16x16 and 7680x4320")
    return (w, h)


def _stacked(*options):
    """One decorator applying ``options`` in the order given (as if written one above the other)."""

    def apply(command):
        for option in reversed(options):
            command = option(command)
        return command

    return apply


# --model, --quality, --format, --resolution and --fps, shared by render and batch.
_picture_options = _stacked(
    click.option("--model", type=click.Path(path_type=Path), help="A weights file instead of the bundled model."),
    click.option("--quality", "-q", type=click.Choice(QUALITIES), default="low", show_default=True),
    click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp4", show_default=True),
    click.option(
        "--resolution", callback=_resolution, metavar="WxH", help="Pixel size, e.g. 1280x720 (overrides --quality's)."
    ),
    click.option("--fps", type=click.IntRange(1, 120), help="Frame rate (overrides --quality's)."),
)

# --lang, --captions, --voice, --speech-rate and --burn-captions, shared by render and batch.
_narration_options = _stacked(
    click.option("--lang", callback=_language, default="en", show_default=True, help=LANG_HELP),
    click.option(
        "--captions",
        "caption_langs",
        callback=_languages,
        metavar="LANGS",
        help="Further caption tracks, e.g. en,zh (the picture stays in --lang).",
    ),
    click.option(
        "--voice",
        default="none",
        show_default=True,
        metavar="VOICE",
        help=f"Narration: {VOICE_HELP}. Each beat lasts at least as long as its speech.",
    ),
    click.option(
        "--speech-rate",
        type=click.FloatRange(*RATES),
        default=1.0,
        show_default=True,
        help="Speaking pace of a synthetic voice, as a multiple of its own.",
    ),
    click.option("--burn-captions", is_flag=True, help="Draw the captions into the frames (caption band)."),
)


@main.command()
@click.argument("chapters", nargs=-1, type=click.Choice(["all", *[c.id for c in CHAPTERS]]))
@click.option(
    "--example", "-e", type=EXAMPLE, default="tick-cross", show_default=True, help="Which example to explain."
)
@click.option("--image", type=click.Path(path_type=Path), help="Your own image (default: the example's shipped image).")
@click.option("--label", help="The image's true class, for the loss (default: the shipped image's class).")
@_picture_options
@click.option("--transparent", is_flag=True, help="Transparent background (webm or mov).")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: renders/EXAMPLE-IMAGE).",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Parallel render processes (default: number of cores).")
@click.option("--force", is_flag=True, help="Re-render even when a cached clip matches.")
@_narration_options
def render(
    chapters,
    example,
    image,
    label,
    model,
    quality,
    fmt,
    transparent,
    resolution,
    fps,
    output,
    jobs,
    force,
    lang,
    caption_langs,
    voice,
    speech_rate,
    burn_captions,
) -> None:
    """Render CHAPTERS (or all) of the explainer as video clips."""
    if not chapters:
        raise click.UsageError("name chapters to render, or 'all' (see `convreel list`)")
    settings = Settings(
        quality, fmt, transparent, resolution, fps, lang, caption_langs, voice, speech_rate, burn_captions
    )
    job = make_job(chapters, example, image, label, model, settings, output)
    try:
        results = run_with_progress(job, jobs, force)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: finished clips are kept in the cache; run again to continue") from None
    except RenderError as exc:
        raise click.ClickException(str(exc)) from None
    total = sum(r.meta["duration"] for r in results)
    click.echo(f"{len(results)} clips ({total:.0f} s of video) in {job.output}")


@main.command()
@click.argument("images", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("chapters", nargs=-1, type=click.Choice(["all", *[c.id for c in CHAPTERS]]))
@click.option("--example", "-e", type=EXAMPLE, required=True, help="Which example's network explains the images.")
@click.option(
    "--labels",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A CSV file of IMAGE,LABEL rows: each image's true class (default: the prediction is assumed).",
)
@_picture_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Batch folder: one explainer folder per image and the class index.html (default: renders/IMAGES).",
)
@click.option("--scheduler", metavar="ADDRESS", help="Render on a Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Local render processes (default: number of cores).")
@click.option("--force", is_flag=True, help="Re-render even when a cached clip matches.")
@_narration_options
def batch(
    images,
    chapters,
    example,
    labels,
    model,
    quality,
    fmt,
    resolution,
    fps,
    output,
    scheduler,
    jobs,
    force,
    lang,
    caption_langs,
    voice,
    speech_rate,
    burn_captions,
) -> None:
    """Render an explainer for every image in IMAGES (CHAPTERS, default all), and a class index page.

    Bad images are reported, one line each, and the others still render; the exit code is 1 when
    any image failed. A re-run takes finished clips from the cache.
    """
    settings = Settings(quality, fmt, False, resolution, fps, lang, caption_langs, voice, speech_rate, burn_captions)
    plan = batches.plan(images, chapters or ("all",), example, labels, model, settings, output)
    console = Console(stderr=True)
    for problem in plan.problems.values():
        console.print(f"[red]bad image[/red] {problem}", highlight=False, soft_wrap=True)
    if plan.ignored:
        console.print(
            f"[dim]ignored (not image files): {', '.join(plan.ignored)}[/dim]", highlight=False, soft_wrap=True
        )
    if not plan.students:
        raise click.ClickException(f"{images}: none of the images can be rendered")
    try:
        outcomes = run_batch_with_progress(plan, jobs, force, scheduler)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: finished clips are kept in the cache; run again to continue") from None
    except ClusterError as exc:
        raise click.ClickException(str(exc)) from None
    failed = batches.failures(plan, outcomes)
    done = len(plan.students) - sum(1 for o in outcomes.values() if o.problem())
    click.echo(f"{done} explainers in {plan.output} (class page: {plan.output / 'index.html'})")
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(plan.students) + len(plan.problems)} images failed")


@main.command()
@click.argument("chapters", nargs=-1, type=click.Choice(["all", *[c.id for c in CHAPTERS]]))
@click.option(
    "--example", "-e", type=EXAMPLE, default="tick-cross", show_default=True, help="Which example to explain."
)
@click.option("--image", type=click.Path(path_type=Path), help="Your own image (default: the example's shipped image).")
@click.option("--label", help="The image's true class (default: the shipped image's class).")
@click.option("--model", type=click.Path(path_type=Path), help="A weights file instead of the bundled model.")
@click.option("--lang", callback=_language, default="en", show_default=True, help=LANG_HELP)
@click.option("--quality", "-q", type=click.Choice(QUALITIES), default="low", show_default=True,
              help="The render the times are for (its frame rate).")  # fmt: skip
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for script.md and the .srt files (default: script/EXAMPLE-IMAGE[-LANG]).",
)
def script(chapters, example, image, label, model, lang, quality, output) -> None:
    """Write the narration of CHAPTERS (or all) as a script to record in your own voice.

    script.md lists every beat (its id, start, length and text) chapter by chapter; one .srt per
    chapter has the same cues. Record one file per beat, named by its id (e.g. pixels.title.1.wav),
    then render with --voice recorded:FOLDER.
    """
    from .script import write as write_script  # imports Manim: only for this command

    if not chapters:
        raise click.UsageError("name chapters, or 'all' (see `convreel list`)")
    job = make_job(chapters, example, image, label, model, Settings(quality, language=lang), output)
    folder = output or Path("script") / (job.output.name + ("" if lang == "en" else f"-{lang}"))
    with Console(stderr=True).status("timing the beats") as status:
        written = write_script(job, folder, notify=lambda c: status.update(f"timing the beats of {c}"))
    click.echo(f"{written[0]} and {len(written) - 1} .srt files in {folder}")


@main.command("cache")
@click.option("--clear", is_flag=True, help="Remove every cached clip.")
@click.option(
    "--max-size",
    metavar="SIZE",
    help=f"Set the size bound (e.g. 500M, 20G; default {cache.human(cache.DEFAULT_MAX_SIZE)}) and prune to it now.",
)
def cache_(clear: bool, max_size: str | None) -> None:
    """Show the clip cache (where, how big, what), clear it, or bound its size.

    Renders keep the cache within its bound by removing the least recently used clips.
    """
    if clear:
        n = cache.clear()
        click.echo(f"removed {n} cached clips from {cache.root()}")
        return
    if max_size is not None:
        limit = cache.parse_size(max_size)
        cache.set_max_size(limit)
        removed = cache.prune(limit)
        click.echo(
            f"size bound set to {cache.human(limit)}; removed {len(removed)} least recently used clips"
            f" ({cache.human(sum(e.bytes for e in removed))})"
        )
    found = cache.entries()
    total = sum(e.bytes for e in found)
    click.echo(f"cache: {cache.root()}  ($CONVREEL_CACHE overrides)")
    click.echo(f"{len(found)} clips, {cache.human(total)} of {cache.human(cache.max_size())}")
    if not found:
        return
    for e in found:
        d = e.description
        size = f"{d['resolution'][0]}x{d['resolution'][1]}" if d.get("resolution") else d.get("quality", "?")
        fps = f"@{d['fps']}" if d.get("fps") else ""
        click.echo(
            f"  {cache.age(e.last_used):>11s} {cache.human(e.bytes):>9s}  {d.get('chapter', '?'):15s}"
            f" {d.get('example', '?'):11s} {d.get('image', '?')}  ({size}{fps} {d.get('format', '?')})  {e.key[:12]}"
        )


@main.group()
def export() -> None:
    """Export a render folder for other tools."""


@export.command("pptx")
@click.argument("render_dir", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The deck to write (default: RENDER_DIR's name + .pptx, in the current folder).",
)
@click.option("--per-section", is_flag=True, help="One slide per section, each with its cut of the clip.")
def pptx(render_dir: Path, output: Path | None, per_section: bool) -> None:
    """Write a PowerPoint deck of RENDER_DIR: a title slide, then one video slide per chapter.

    Each clip starts by itself when its slide appears, its narration in the speaker notes.
    """
    from .deck import default_output, export_pptx  # python-pptx loads only for this command

    output = output or default_output(render_dir)
    with Console(stderr=True).status("writing the deck") as status:
        path, slides = export_pptx(render_dir, output, per_section, notify=status.update)
    click.echo(f"{slides} slides in {path}")
