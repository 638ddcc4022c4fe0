"""Output for people: Rich tables on a terminal, plain lines (report/plain.py) anywhere else.

A number is never cut or split. A table wider than the terminal wraps its text columns (formulas, notes)
at spaces only; when even then it cannot fit with its names and numbers whole, each row is stacked, a
line per column. Everything printed passes through ``escape_controls``: student text reaches the
terminal as visible escapes, never as escape sequences.
"""

from __future__ import annotations

import os
import re
import sys

from ..safetext import escape_controls
from .views import Section


def emit(blocks, *, heading: str | None = None, stream=None, console=None) -> None:
    """Write headings, paragraphs (str) and tables (Section) to ``stream`` (stdout by default), or to a
    Rich ``console`` when one is given (tests give one of a chosen width)."""
    stream = stream or sys.stdout
    blocks = ([heading, ""] if heading else []) + list(blocks)
    if console is None and not stream.isatty():
        from .plain import render

        stream.write(render(blocks))
        return
    _print_rich(blocks, console or terminal_console(stream))


def terminal_console(stream):
    from rich.console import Console

    # NO_COLOR (no-color.org) asks for plain text: no bold or underline either.
    return Console(file=stream, highlight=False, emoji=False,
                   color_system=None if os.environ.get("NO_COLOR") else "auto")


def _print_rich(blocks, console) -> None:
    from rich.text import Text

    for index, block in enumerate(blocks):
        if not isinstance(block, Section):
            console.print(Text(escape_controls(block), style="bold underline" if index == 0 and block else ""))
        elif block.hand_laid:  # a Rich table of a thousand rows takes longer to lay out than to grade
            _print_hand_laid(block, console)
        else:
            _print_table(block, console)


def _print_hand_laid(section: Section, console) -> None:
    """plain.py's lines, styled; a line longer than the terminal runs on rather than being cut."""
    from rich.text import Text

    from .plain import table_lines

    styled = Text(escape_controls(section.title) + "\n", style="bold")
    lines = table_lines(section)
    styled.append("\n".join(lines[:2]) + "\n", style="bold")
    for line, style in zip(lines[2:], section.row_styles or [""] * len(lines)):
        styled.append(line + "\n", style=style)
    console.print(styled, soft_wrap=True, end="")
    _print_notes(section, console)


def _print_notes(section: Section, console) -> None:
    from rich.text import Text

    for note in section.notes:
        console.print(Text(escape_controls(note), style="dim"))


# --- tables that fit the terminal -------------------------------------------------------------------


def _print_table(section: Section, console) -> None:
    """A Rich table as wide as its content when it fits; else with its text columns narrowed; else
    stacked. Only text columns other than the first (names) ever wrap, and only at spaces."""
    columns = [escape_controls(column) for column in section.columns]
    rows = [[escape_controls(cell) for cell in row] for row in section.rows]
    room = console.width - _table_frame_width(len(columns))
    natural = _natural_widths(columns, rows)
    if sum(natural) <= room:
        _print_rich_table(section, columns, rows, console, widths=None)
        return
    widths = _narrowed_widths(natural, _least_widths(columns, rows, _whole_columns(section), natural), room)
    if widths is None:
        _print_stacked(section, columns, rows, console)
    else:
        _print_rich_table(section, columns, rows, console, widths=widths)


def _whole_columns(section: Section) -> set[int]:
    """Columns whose cells never wrap: the names (first) and the numbers."""
    return {0, *section.numeric}


def _table_frame_width(column_count: int) -> int:
    """What box.SIMPLE_HEAD with pad_edge=False adds to the cells: an edge each side (2), a separator
    between columns (n - 1) and one space of padding each side of a cell but the outer two (2n - 2).
    rich.table.Table._extra_width and _get_padding_width, rich 13 to 15."""
    return 2 + (column_count - 1) + (2 * column_count - 2)


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _longest_word(text: str) -> int:
    return max((_cell_width(word) for word in text.split()), default=0)


def _natural_widths(columns, rows) -> list[int]:
    """Each column as wide as its widest cell or heading: Rich's own measure, nothing wrapped."""
    return [max([_cell_width(columns[i])] + [_cell_width(row[i]) for row in rows]) for i in range(len(columns))]


# A text column narrowed below this reads as a word a line: better stack the rows.
READABLE_WIDTH = 16


def _least_widths(columns, rows, whole: set[int], natural: list[int]) -> list[int]:
    """The narrowest each column may be: whole cells in ``whole`` columns; elsewhere the longest word (a
    formula breaks at its spaces, never inside '(0.6803)(0.3197)') and READABLE_WIDTH. Headings may
    wrap between their words."""
    least = []
    for i, heading in enumerate(columns):
        if i in whole:
            least.append(max([_longest_word(heading)] + [_cell_width(row[i]) for row in rows]))
        else:
            words = max([_longest_word(heading)] + [_longest_word(row[i]) for row in rows])
            least.append(max(words, min(natural[i], READABLE_WIDTH)))
    return least


def _narrowed_widths(natural: list[int], least: list[int], room: int) -> list[int] | None:
    """``natural`` narrowed to fit ``room``, the widest column first (as Rich does), none below its
    ``least``; None when even the least widths do not fit."""
    if sum(least) > room:
        return None
    widths = list(natural)
    excess = sum(widths) - room
    while excess > 0:
        slack = [i for i in range(len(widths)) if widths[i] > least[i]]
        widest = max(slack, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def _print_rich_table(section: Section, columns, rows, console, widths: list[int] | None) -> None:
    """``widths`` None: Rich measures (the table fits as it is). Else each column gets its width, which
    holds every name and number whole and every word of the text columns."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(escape_controls(section.title), style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for index, heading in enumerate(columns):
        numeric = index in section.numeric
        # Given widths already hold every cell whole, so a long heading may wrap between its words.
        no_wrap = widths is None and index in _whole_columns(section)
        table.add_column(Text(heading), justify="right" if numeric else "left", no_wrap=no_wrap,
                         overflow="fold", width=None if widths is None else widths[index])
    for index, row in enumerate(rows):
        style = section.row_styles[index] if index < len(section.row_styles) else None
        table.add_row(*(Text(cell) for cell in row), style=style)
    console.print(table)
    _print_notes(section, console)
    console.print()


# --- stacked rows, for a terminal too narrow for the table -----------------------------------------

_FACTOR_BOUNDARY = re.compile(r"(?<=\))(?=[(\[])")  # '(0.3)(0.68)': between the factors, never in a number
LABEL_GAP = 2  # spaces between a column's heading and its cell
INDENT = 2


def _print_stacked(section: Section, columns, rows, console) -> None:
    """Each row as its name, then a line per non-empty cell: 'heading  cell'. Cells wrap at spaces; when
    the room beside the headings is narrower than a word, each cell goes under its heading instead."""
    from rich.text import Text

    label_width = max((_cell_width(heading) for heading in columns[1:]), default=0)
    beside = console.width - INDENT - label_width - LABEL_GAP
    longest = max((_longest_word(cell) for row in rows for cell in row[1:]), default=0)
    console.print(Text(escape_controls(section.title), style="bold"))
    console.print()
    for index, row in enumerate(rows):
        lines = (_cells_beside(columns, row, label_width, beside) if longest <= beside
                 else _cells_below(columns, row, console.width - 2 * INDENT))
        style = section.row_styles[index] if index < len(section.row_styles) else ""
        text = Text(row[0], style="bold")
        text.append("".join("\n" + line for line in lines))
        text.stylize(style)
        console.print(text, soft_wrap=True)  # lines are laid out here; a word too long runs on, uncut
    console.print()
    _print_notes(section, console)
    console.print()


def _cells_beside(columns, row, label_width: int, room: int) -> list[str]:
    lines = []
    hanging = " " * (INDENT + label_width + LABEL_GAP)
    for heading, cell in zip(columns[1:], row[1:]):
        if not cell:
            continue
        wrapped = _wrap_words(cell, room)
        label = heading + " " * (label_width - _cell_width(heading))
        lines.append(" " * INDENT + label + " " * LABEL_GAP + wrapped[0])
        lines += [hanging + line for line in wrapped[1:]]
    return lines


def _cells_below(columns, row, room: int) -> list[str]:
    lines = []
    for heading, cell in zip(columns[1:], row[1:]):
        if cell:
            lines.append(" " * INDENT + heading)
            lines += [" " * (2 * INDENT) + line for line in _wrap_words(cell, room)]
    return lines


def _wrap_words(text: str, room: int) -> list[str]:
    """``text`` in lines of at most ``room`` columns, broken at spaces, or where a word too long for a
    line has ')(' or ')[' (between two factors); a piece longer still runs on rather than being split."""
    lines: list[str] = []
    for word in text.split():
        pieces = [word] if _cell_width(word) <= room else _FACTOR_BOUNDARY.split(word)
        for glue, piece in zip([" "] + [""] * len(pieces), pieces):
            if lines and _cell_width(lines[-1]) + len(glue) + _cell_width(piece) <= room:
                lines[-1] += glue + piece
            else:
                lines.append(piece)
    return lines or [""]


def progress_bar(files, grade_one) -> list:
    """Call ``grade_one`` on each file under a progress bar on stderr; the outcomes, in order."""
    from rich.progress import Progress

    outcomes = []
    with Progress(console=progress_console(), transient=True) as progress:
        task = progress.add_task("Grading", total=len(files))
        for path in files:
            outcomes.append(grade_one(path))
            progress.advance(task)
    return outcomes


def progress_console():
    """Where a progress bar goes: stderr, leaving stdout to the report."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, emoji=False)


def training_progress(total: int):
    """A progress bar on stderr for a long training run: a context giving ``advance(done)``."""
    import contextlib

    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(console=progress_console(), transient=True) as progress:
            task = progress.add_task("Training", total=total)
            yield lambda done: progress.update(task, completed=done)

    return bar()
