"""The ``convreel`` command line: parse arguments, call the pipeline, report."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

import engine

from . import __version__
from .predict import predict as run_predict
from .predict import train as run_train

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
    help="Where to write the weights (default: the bundled copy in assets/).",
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

    path, accuracy = run_train(example, output, data, on_epoch=show)
    if accuracy is not None:
        click.echo(f"held-out accuracy: {accuracy:.4f}")
    click.echo(f"saved {path}")


@main.command("list")
def list_() -> None:
    """List the examples and their classes."""
    for ex in engine.EXAMPLES.values():
        click.echo(f"{ex.name}: {ex.title} ({', '.join(ex.class_names)})")
