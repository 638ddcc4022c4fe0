"""`bpcheck list`, `show`, `solve` and `template`: an exercise as a student reads it, worked, or to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from . import PLAIN, reports_bad_input
from .common import (
    EXERCISE,
    OPTIMIZER,
    SVG,
    VARIANT,
    check_nameable,
    emit,
    heading,
    network_drawing,
    precision_option,
    solved,
    write_svg,
)
from .pages import SOLUTION_PAGES, SolvedPage, format_option, print_page


@click.command()
@EXERCISE
@precision_option("Significant digits shown in the tables.")
@format_option(SOLUTION_PAGES)
@VARIANT
@OPTIMIZER
@SVG
@PLAIN
@reports_bad_input
def solve(exercise: str, precision: int, output_format: str, variant: str | None, optimizer, svg_path: Path | None):
    """Print the worked solution of EXERCISE (a built-in name such as ex1, or a YAML file)."""
    exercise_, solution = solved(exercise, variant, optimizer)
    if svg_path is not None:  # before anything is printed: a file that cannot be written is one line
        write_svg(svg_path, exercise_, solution, step=True, precision=precision)
    print_page(SOLUTION_PAGES, output_format, SolvedPage(exercise_, solution, precision))


@click.command(name="list")
@PLAIN
@reports_bad_input
def list_exercises():
    """List the built-in exercises with their titles."""
    from .. import builtin_exercises, load_exercise
    from ..report.views import Section

    rows = []
    for name in builtin_exercises():
        exercise = load_exercise(name)
        sizes = "-".join(str(size) for size in exercise.network.layer_sizes)
        rows.append((name, exercise.title, sizes))
    emit([Section("Built-in exercises", ("name", "title", "layers"), rows)])


@click.command()
@EXERCISE
@VARIANT
@click.option("--diagram", is_flag=True,
              help="Draw the network with each unit's values after the forward pass and each weight.")
@click.option("--step", is_flag=True,
              help="Draw the step too: the deltas and the new weights (with --diagram or --svg).")
@SVG
@PLAIN
@reports_bad_input
def show(exercise: str, variant: str | None, diagram: bool, step: bool, svg_path: Path | None):
    """Show EXERCISE as a student reads it: the network, its numbers and what is asked."""
    from ..report.views import exercise_sections, instruction_paragraphs

    if step and not (diagram or svg_path):
        raise click.UsageError("--step draws the step on --diagram or --svg; give one of them")
    exercise_, solution = solved(exercise, variant)
    if svg_path is not None:
        write_svg(svg_path, exercise_, solution, step=step)
    drawing = [network_drawing(solution, step=step), ""] if diagram else []
    emit([*instruction_paragraphs(exercise_), "", *drawing, *exercise_sections(exercise_, solution)],
         heading=heading(exercise_))


@click.command()
@EXERCISE
@VARIANT
@reports_bad_input
def template(exercise: str, variant: str | None):
    """Print an answers file for EXERCISE to fill in (every asked quantity, in solving order)."""
    from ..report.template import answers_template

    _, solution = solved(exercise, variant)
    check_nameable(exercise)
    click.echo(answers_template(solution, exercise), nl=False)
