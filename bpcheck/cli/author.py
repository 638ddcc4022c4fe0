"""`bpcheck new`, `check` and `schema`: exercise files made, checked before students work them, and
described for editors."""

from __future__ import annotations

import sys

import click

from ..activations import ACTIVATIONS
from ..errors import BpcheckError
from ..losses import LOSSES
from . import bad_input, reports_bad_input
from .common import complete_exercise

MAX_EXAMPLES = 100  # loading.MAX_EXAMPLES, without importing the loader (and PyYAML) to build the options


def _shape(ctx, param, value: str) -> tuple[int, ...]:
    from ..loading import MAX_LAYERS, MAX_UNITS_PER_LAYER, MAX_WEIGHTS

    parts = value.split("-")
    if len(parts) < 2 or not all(part.isdigit() and part.isascii() for part in parts):
        raise click.BadParameter("give the units of each layer joined by '-', inputs first, e.g. 2-3-1")
    sizes = tuple(int(part) for part in parts)
    if not all(1 <= size <= MAX_UNITS_PER_LAYER for size in sizes) or len(sizes) > MAX_LAYERS:
        raise click.BadParameter(f"each layer has 1 to {MAX_UNITS_PER_LAYER} units, in at most {MAX_LAYERS} layers")
    weights = sum(before * after for before, after in zip(sizes, sizes[1:]))
    if weights > MAX_WEIGHTS:
        raise click.BadParameter(f"{value} needs {weights:,} weights; bpcheck takes at most {MAX_WEIGHTS:,}")
    return sizes


@click.command()
@click.option("--shape", required=True, callback=_shape, metavar="2-3-1",
              help="Units in each layer, inputs first.")
@click.option("--activation", type=click.Choice([name for name, entry in ACTIVATIONS.items() if entry.hidden]),
              default="sigmoid", show_default=True,
              help="Activation of the hidden and output layers (softmax at the output with cross_entropy).")
@click.option("--loss", type=click.Choice(tuple(LOSSES)), default="squared_error", show_default=True)
@click.option("--biases", is_flag=True, help="Give every unit after the inputs a bias.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1),
              help="The same seed, the same exercise (default: a fresh one, written in the file).")
@click.option("--title", help="The exercise's title.")
@click.option("--examples", type=click.IntRange(1, MAX_EXAMPLES), metavar="N",
              help=f"A dataset of N examples (1 to {MAX_EXAMPLES}) in place of one, each with its own numbers.")
@reports_bad_input
def new(shape, activation, loss, biases, seed, title, examples):
    """Print a fresh exercise of this shape, with numbers a person can work by hand.

    \b
      bpcheck new --shape 2-3-1 > hw.yaml
      bpcheck new --shape 2-2-2 --activation tanh --loss cross_entropy --biases --seed 7
      bpcheck new --shape 2-3-1 --examples 4
    """
    from ..report.exercise_file import exercise_yaml
    from ..variants import new_exercise

    if loss == "cross_entropy" and shape[-1] < 2:
        raise click.BadParameter("cross_entropy needs two or more output units, e.g. 2-3-2",
                                 param_hint="'--shape'")
    if examples:
        _check_dataset_size(shape, biases, examples)
    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
    try:
        exercise = new_exercise(shape, activation, loss, biases=biases, seed=seed, title=title,
                                examples=examples or 0)
    except BpcheckError:  # the rules refused every draw: nothing in a file to widen here
        bad_input(f"no numbers for a {'-'.join(map(str, shape))} {activation} network meet the rules for hand "
                  f"calculation with --seed {seed}; try another --seed, or fewer units a layer"
                  + (" or examples" if examples else ""))
    import shlex

    command = ["bpcheck new --shape", "-".join(map(str, shape)), f"--activation {activation}", f"--loss {loss}",
               *(["--biases"] if biases else []), *([f"--examples {examples}"] if examples else []),
               f"--seed {seed}"]
    if title:
        command.append(f"--title {shlex.quote(title)}")
    click.echo(exercise_yaml(exercise, " ".join(command)), nl=False)


def _check_dataset_size(shape: tuple[int, ...], biases: bool, examples: int) -> None:
    """A dataset within the exercise limits: at most MAX_WEIGHTS gradients (examples × parameters)."""
    from ..loading import MAX_WEIGHTS

    parameters = sum(a * b for a, b in zip(shape, shape[1:])) + (sum(shape[1:]) if biases else 0)
    if examples * parameters > MAX_WEIGHTS:
        most = MAX_WEIGHTS // parameters
        fix = f"give at most {most} examples, or a smaller --shape" if most else \
            "give a smaller --shape, or no --examples"
        raise click.BadParameter(
            f"{examples} examples of {parameters:,} weights and biases make {examples * parameters:,} gradients; "
            f"bpcheck takes at most {MAX_WEIGHTS:,}: {fix}",
            param_hint="'--examples'")


@click.command()
@click.argument("exercises", nargs=-1, required=True, shell_complete=complete_exercise)
@click.option("--strict", is_flag=True, help="Exit 1 when there is any warning (for CI and pre-commit).")
@reports_bad_input
def check(exercises, strict):
    """Check exercise files before students work them: numbers by hand, reachable targets, no
    saturated or dead unit, fair to rounding, able to vary. Warnings exit 0 unless --strict."""
    from .. import builtin_exercises, load_exercise
    from ..lint import lint
    from ..loading import given_lines
    from ..safetext import path_shown

    warned = 0
    for spec in exercises:
        exercise = load_exercise(spec)
        findings = lint(exercise)
        lines = given_lines(spec) if findings else {}
        shown = f"{exercise.name}.yaml" if spec.lower() in builtin_exercises() else path_shown(spec)
        for finding in findings:
            line = lines.get(finding.name or "")
            click.echo(f"{shown}:{line}: {finding.severity}: {finding.message}" if line
                       else f"{shown}: {finding.severity}: {finding.message}")
        warnings = sum(finding.severity == "warning" for finding in findings)
        if not warnings:
            click.echo(f"{shown}: ready: it solves, and a person can work it by hand")
        warned += warnings
    if warned and strict:
        sys.exit(1)


@click.command()
@click.argument("kind", type=click.Choice(["exercise", "answers"]))
def schema(kind):
    """Print the JSON Schema (draft-07) of exercise or answers files, for editors and CI."""
    from importlib.resources import files

    click.echo(files("bpcheck").joinpath("schemas", f"{kind}.schema.json").read_text(encoding="utf-8"), nl=False)
