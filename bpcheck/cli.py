"""The command line: parse, call the core, render, and turn bad input into one line and exit code 2."""

from __future__ import annotations

import functools
import json
import sys

import click

from . import __version__
from .errors import BpcheckError

FORMATS = click.Choice(["text", "json", "markdown"], case_sensitive=False)
EXIT_BAD_INPUT = 2


def reports_bad_input(command):
    """Bad input becomes one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BpcheckError as error:
            click.echo(f"bpcheck: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpcheck")
def main():
    """Check a backpropagation step worked by hand, value by value.

    \b
      bpcheck list                  the built-in exercises
      bpcheck show ex1              an exercise as a student reads it
      bpcheck solve ex1             the worked solution, step by step
    """


def _load(spec: str):
    from .loading import load_exercise
    from .solution import solve

    exercise = load_exercise(spec)
    return exercise, solve(exercise)


def _precision(ctx, param, value: int) -> int:
    if not 1 <= value <= 17:
        raise click.BadParameter("give a number of significant digits from 1 to 17")
    return value


@main.command()
@click.argument("exercise")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown in the tables.")
@click.option("--format", "-f", "output_format", type=FORMATS, default="text", show_default=True,
              help="text tables, json (every value at full precision) or markdown.")
@reports_bad_input
def solve(exercise: str, precision: int, output_format: str):
    """Print the worked solution of EXERCISE (a built-in name such as ex1, or a YAML file)."""
    exercise_, solution = _load(exercise)
    if output_format == "json":
        click.echo(json.dumps(solution_json(solution), indent=2, ensure_ascii=False))
        return
    from .report.views import solution_sections

    sections = solution_sections(solution, precision)
    heading = f"{exercise_.title} ({exercise_.name})"
    if output_format == "markdown":
        from .report.markdown import markdown_sections

        click.echo(markdown_sections(sections, heading))
        return
    from .report.text import make_console, print_sections

    print_sections(make_console(), sections, heading)


def solution_json(solution) -> dict:
    """Every named quantity (givens too) at full double precision, and how each was computed."""
    graph, values = solution.graph, solution.values
    return {
        "exercise": solution.exercise.name,
        "title": solution.exercise.title,
        "values": values,
        "quantities": [{"name": q.name, "stage": q.stage, "formula": q.symbolic or None,
                        "reads": list(dict.fromkeys(q.inputs)), "value": values[q.name]} for q in graph],
        "asked": solution.asked,
    }


@main.command(name="list")
@reports_bad_input
def list_exercises():
    """List the built-in exercises with their titles."""
    from .loading import builtin_exercises, load_exercise
    from .report.text import make_console
    from .report.views import Section
    from .report.text import print_sections

    rows = []
    for name in builtin_exercises():
        exercise = load_exercise(name)
        sizes = "-".join(str(size) for size in exercise.network.layer_sizes)
        rows.append((name, exercise.title, sizes))
    print_sections(make_console(), [Section("Built-in exercises", ("name", "title", "layers"), rows)])


@main.command()
@click.argument("exercise")
@reports_bad_input
def show(exercise: str):
    """Show EXERCISE as a student reads it: the network, its numbers and what is asked."""
    from .report.text import make_console, print_sections
    from .report.views import exercise_sections
    from rich.text import Text

    exercise_, solution = _load(exercise)
    console = make_console()
    console.print(Text(f"{exercise_.title} ({exercise_.name})", style="bold underline"))
    if exercise_.instructions:
        console.print(Text(exercise_.instructions))
    console.print()
    print_sections(console, exercise_sections(exercise_, solution))


if __name__ == "__main__":  # pragma: no cover
    main()
