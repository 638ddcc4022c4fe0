"""Rich rendering of sections for a terminal (plain text with no colour when not on one)."""

from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .views import Section


def make_console(stderr: bool = False) -> Console:
    # Off a terminal Rich writes no escape codes; NO_COLOR (no-color.org) asks for plain text on one
    # too, so it drops bold and underline as well as colour.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, emoji=False,
                   **({"color_system": None} if plain else {}))


def section_table(section: Section) -> Table:
    table = Table(title=Text(section.title, style="bold"), title_justify="left", expand=False,
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for index, column in enumerate(section.columns):
        # Names and numbers never break; formulas wrap between terms.
        numeric = index in section.numeric
        table.add_column(column, justify="right" if numeric else "left",
                         no_wrap=numeric or index == 0, overflow="fold")
    for index, row in enumerate(section.rows):
        style = section.row_styles[index] if index < len(section.row_styles) else None
        table.add_row(*(Text(cell) for cell in row), style=style)
    return table


def print_sections(console: Console, sections: list[Section], heading: str | None = None) -> None:
    if heading:
        console.print(Text(heading, style="bold underline"))
        console.print()
    for section in sections:
        console.print(section_table(section))
        for note in section.notes:
            console.print(Text(note, style="dim"))
        console.print()


def print_report(console: Console, outcome, fmt) -> None:
    """One student's answers, a table per stage, then the score."""
    from .grades import grade_sections, score_line

    grade = outcome.grade
    print_sections(console, grade_sections(grade, fmt), f"{outcome.file}: {grade.exercise}")
    console.print(Text(score_line(grade), style="bold"))


def print_summary(console: Console, outcomes, pass_mark) -> None:
    """A whole class: one row per file. Laid out by hand, since a Rich table of a thousand rows takes
    longer to measure than grading them does."""
    from .grades import summary_section

    section = summary_section(outcomes, pass_mark)
    widths = [max([len(section.columns[i])] + [len(row[i]) for row in section.rows])
              for i in range(len(section.columns))]

    def line(cells) -> str:
        return "  ".join(cell.rjust(width) if i in section.numeric else cell.ljust(width)
                         for i, (cell, width) in enumerate(zip(cells, widths))).rstrip()

    lines = [(section.title, "bold"), (line(section.columns), "bold"),
             ("  ".join("─" * width for width in widths), None)]
    lines += [(line(row), style) for row, style in zip(section.rows, section.row_styles)]
    lines += [(note, "dim") for note in section.notes]
    if console.color_system is None:  # piped, or NO_COLOR: plain lines, written directly
        console.file.write("".join(text + "\n" for text, _ in lines))
        return
    styled = Text()
    for text, style in lines:
        styled.append(text + "\n", style=style)
    console.print(styled, soft_wrap=True, end="")
