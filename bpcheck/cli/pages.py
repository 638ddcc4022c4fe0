"""Every page format, registered once: what `--format NAME` prints, for each command that has formats.

A command's formats are a registry (``SOLUTION_PAGES``, ``GRADE_PAGES``, ``TRAINING_PAGES``,
``GRADCHECK_PAGES``) of its record's renderers: ``render(record) -> str`` is the page as printed, and a
text page also gives ``blocks(record)``, its headings, paragraphs and tables with its heading, which
Rich draws on a terminal (what ``render`` gives is report/plain.py's text of the same blocks, printed
anywhere else). ``format_option`` makes a command's --format from its registry, choices and help, and
``print_page`` prints any format: a new format is a new entry (CONTRIBUTING.md, "Adding an output
format"). Each renderer imports its report module when its format is asked for, so that a command
loads only the renderer it prints with.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each field's annotation when it
# is a string, some 75 µs a field at every start; these annotations are evaluated as they are written.
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Optional

import click

from . import reader_gone
from .common import emit, heading, network_drawing, terminal_columns

Blocks = tuple[list, Optional[str]]  # a text page's headings, paragraphs and tables, and its heading


class Page(NamedTuple):
    help: str  # what --help says of the format: "html (a self-contained page)"
    render: Callable[[Any], str]  # the page as printed, to its last newline
    blocks: Optional[Callable[[Any], Blocks]] = None  # a text page's blocks
    chunks: Optional[Callable[[Any], Iterable[str]]] = None  # a long page in pieces (``render`` joins them)


def chunked_page(help: str, chunks: Callable[[Any], Iterable[str]]) -> Page:
    """A page printed piece by piece, so that a long one (the largest network's JSON) is never held whole."""
    return Page(help, lambda record: "".join(chunks(record)), chunks=chunks)


def text_page(help: str, blocks: Callable[[Any], Blocks]) -> Page:
    """A text page: its blocks drawn by Rich on a terminal, and as plain lines elsewhere."""

    def render(record) -> str:
        from ..report.plain import render as plain

        return plain(*blocks(record))

    return Page(help, render, blocks)


def format_option(pages: Mapping[str, Page]):
    """--format: the registry's names as its choices (the first the default), their phrases as its help."""
    names, phrases = list(pages), [page.help for page in pages.values()]
    listed = f"{', '.join(phrases[:-1])} or {phrases[-1]}" if len(phrases) > 1 else phrases[0]
    return click.option("--format", "-f", "output_format", type=click.Choice(names, case_sensitive=False),
                        default=names[0], show_default=True, help=f"{listed}.")


def print_page(pages: Mapping[str, Page], name: str, record) -> None:
    page = pages[name]
    if page.chunks is not None:
        try:
            for chunk in page.chunks(record):
                click.echo(chunk, nl=False)
        except BrokenPipeError:  # a later piece: click's own handler would exit 1, not quietly as one write does
            reader_gone()
        return
    if page.blocks is None:
        click.echo(page.render(record), nl=False)
        return
    blocks, title = page.blocks(record)
    emit(blocks, heading=title)  # Rich on a terminal; anywhere else (or --plain), plain lines


# ---------------------------------------------------------------- bpcheck solve


class SolvedPage(NamedTuple):
    exercise: Any  # as loaded: a variant, another optimizer
    solution: Any
    precision: int  # significant digits shown


def _solution_text(page: SolvedPage) -> Blocks:
    from ..report.views import solution_sections

    drawn = network_drawing(page.solution, precision=page.precision)
    return [drawn, "", *solution_sections(page.solution, page.precision)], heading(page.exercise)


def _solution_json(page: SolvedPage) -> Iterator[str]:
    from ..report.json_text import json_chunks
    from ..report.views import solution_json

    return json_chunks(solution_json(page.solution))


def _solution_markdown(page: SolvedPage) -> str:
    from ..report.markdown import markdown_sections
    from ..report.views import solution_sections

    return markdown_sections(solution_sections(page.solution, page.precision), heading(page.exercise)) + "\n"


def _solution_html(page: SolvedPage) -> str:
    from ..report.html import solution_html

    return solution_html(page.solution, page.precision, heading(page.exercise))


def _solution_latex(page: SolvedPage) -> str:
    from ..report.latex import solution_latex

    return solution_latex(page.solution, page.precision, heading(page.exercise))


SOLUTION_PAGES = {
    "text": text_page("text tables", _solution_text),
    "json": chunked_page("json (every value at full precision)", _solution_json),
    "markdown": Page("markdown", _solution_markdown),
    "html": Page("html (a self-contained page)", _solution_html),
    "latex": Page("latex (a fragment for an exam key)", _solution_latex),
}


# ---------------------------------------------------------------- bpcheck grade


class GradedPage(NamedTuple):
    graded: Any  # batch.ClassGrade
    single: bool  # one file was given: its tables, else the class's summary
    pass_mark: Optional[float]
    report: Optional[Blocks]  # the text report's blocks and heading; None for JSON alone
    mistakes_asked: bool  # --mistakes
    mistakes: Any  # where the class went wrong, as every student may see it; None when withheld or not asked


def _grade_text(page: GradedPage) -> Blocks:
    assert page.report is not None
    return page.report


def _grade_json(page: GradedPage) -> str:
    from ..report.json_text import dumps

    if page.single and not page.mistakes_asked:
        return dumps(page.graded.outcomes[0].to_dict(page.pass_mark), indent=2) + "\n"
    record = page.graded.to_dict(page.pass_mark)  # one line: the C encoder, several times faster on a class
    if page.mistakes is not None:
        record["mistakes"] = page.mistakes.to_dict()
    return dumps(record) + "\n"


def _grade_html(page: GradedPage) -> str:
    from ..report.html import grade_html

    return grade_html(*_grade_text(page))


GRADE_PAGES = {  # no LaTeX: exam keys only
    "text": text_page("text tables", _grade_text),
    "json": Page("json", _grade_json),
    "html": Page("html (a self-contained page)", _grade_html),
}


# ---------------------------------------------------------------- bpcheck train and gradcheck


class TrainedPage(NamedTuple):
    exercise: Any
    run: Any  # training.TrainingRun
    precision: int


def _training_text(page: TrainedPage) -> Blocks:
    from ..report.training import describe_settings, loss_curve, loss_table, training_sections
    from ..report.views import Drawing

    run, loss = page.run, page.run.loss + [page.run.final_loss]
    curve = loss_curve(loss, min(terminal_columns(fallback=100), 100))
    drawing = Drawing(["E before each update, and after the last:", *curve, ""], [loss_table(loss, page.precision)])
    return ([describe_settings(run), "", drawing, *training_sections(run, page.precision)],
            f"Training {heading(page.exercise)}")


def _training_json(page: TrainedPage) -> str:
    from ..report.json_text import dumps
    from ..report.training import training_json

    return dumps(training_json(page.exercise, page.run), indent=2, allow_nan=False) + "\n"


TRAINING_PAGES = {
    "text": text_page("text (the curve and a summary)", _training_text),
    "json": Page("json", _training_json),
}


class CheckedPage(NamedTuple):
    exercise: Any
    checks: list  # gradcheck.Check, one a parameter
    precision: int


def _gradcheck_text(page: CheckedPage) -> Blocks:
    from ..report.training import gradcheck_section, gradcheck_summary

    return ([gradcheck_section(page.checks, page.precision), gradcheck_summary(page.checks)],
            f"Gradient check of {heading(page.exercise)}")


def _gradcheck_json(page: CheckedPage) -> str:
    from ..gradcheck import RELATIVE_TOLERANCE
    from ..report.json_text import dumps

    return dumps({"exercise": page.exercise.name, "variant": page.exercise.variant,
                  "relative_tolerance": RELATIVE_TOLERANCE,
                  "checks": [check._asdict() for check in page.checks]}, indent=2) + "\n"


GRADCHECK_PAGES = {
    "text": text_page("text (a row a parameter, and a verdict)", _gradcheck_text),
    "json": Page("json", _gradcheck_json),
}
