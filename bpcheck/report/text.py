"""Output for people: Rich tables on a terminal, plain lines (report/plain.py) anywhere else.

A number is never cut or split, and no line is wider than the terminal. A table wider than the terminal
wraps its text columns (formulas, notes, a class's names, paths and messages) at spaces, and a word too
long for its line where no number is cut; when even then it cannot fit with its names and numbers whole,
each row is stacked, a line per column. A class's tables are laid out here, not by Rich (see
``hand_laid_lines``). Everything printed passes through ``escape_controls``: student text reaches the
terminal as visible escapes, never as escape sequences.
"""

from __future__ import annotations

import os
import re
import sys

from ..safetext import escape_controls
from .plain import COLUMN_GAP, headed, render
from .views import Section, drawings_as


def emit(blocks, *, heading: str | None = None, stream=None, console=None, plain: bool = False) -> None:
    """Write headings, paragraphs (str), tables (Section) and drawings (Drawing) to ``stream`` (stdout by
    default), or to a Rich ``console`` when one is given (tests give one of a chosen width). ``plain``
    (--plain): plain lines with nothing drawn, on a terminal too."""
    stream = stream or sys.stdout
    if console is None and (plain or not stream.isatty()):
        stream.write(render(blocks, heading, plain=plain))
        return
    _print_rich(headed(drawings_as(blocks, plain=False), heading), console or terminal_console(stream))


def terminal_console(stream):
    from rich.console import Console

    # NO_COLOR (no-color.org) asks for plain text: no bold or underline either.
    return Console(file=stream, highlight=False, emoji=False,
                   color_system=None if os.environ.get("NO_COLOR") else "auto")


def _print_rich(blocks, console) -> None:
    from rich.text import Text

    for index, block in enumerate(blocks):
        if not isinstance(block, Section):
            # A line that fits is printed as it is (a drawing's, a curve's); a longer one is wrapped here,
            # where no number is cut, not folded by Rich wherever the edge falls.
            text = escape_controls(block)
            lines = [text] if _cell_width(text) <= console.width else _wrap_words(text, console.width)
            console.print(Text("\n".join(lines), style="bold underline" if index == 0 and block else ""),
                          soft_wrap=True)
        elif block.hand_laid:  # a Rich table of a thousand rows takes longer to lay out than to grade
            _print_hand_laid(block, console)
        else:
            _print_table(block, console)


def _print_hand_laid(section: Section, console) -> None:
    """A class's table, laid out by bpcheck rather than by Rich (see ``hand_laid_lines``), styled."""
    from rich.text import Text

    styled = Text()
    for line, style in hand_laid_lines(section, console.width):
        styled.append(line + "\n", style=style)
    console.print(styled, soft_wrap=True, end="")


def _print_notes(section: Section, console) -> None:
    from rich.text import Text

    for note in section.notes:
        console.print(Text("\n".join(_wrap_words(escape_controls(note), console.width)), style="dim"), soft_wrap=True)


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
    if text.isascii():  # printable (controls are escaped before they get here): a cell a character
        return len(text)
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
    for row, style in zip(rows, _row_styles(section)):
        table.add_row(*(Text(cell) for cell in row), style=style or None)
    console.print(table)
    _print_notes(section, console)
    console.print()


# --- stacked rows, for a terminal too narrow for the table -----------------------------------------

LABEL_GAP = 2  # spaces between a column's heading and its cell
INDENT = 2


def _print_stacked(section: Section, columns, rows, console) -> None:
    """Each row as its name, then a line per non-empty cell (``stacked_lines``)."""
    from rich.text import Text

    console.print(Text(escape_controls(section.title), style="bold"))
    console.print()
    text = Text()
    for line, style in stacked_lines(columns, rows, _row_styles(section), console.width):
        text.append(line + "\n", style=style)
    console.print(text, soft_wrap=True, end="")  # laid out here, each line within the width
    console.print()
    _print_notes(section, console)
    console.print()


def _row_styles(section: Section) -> list[str]:
    """A style per row: the section's, "" for a row it gives none."""
    return [section.row_styles[i] if i < len(section.row_styles) else "" for i in range(len(section.rows))]


def stacked_lines(columns, rows, styles, width: int) -> list[tuple[str, str]]:
    """Each row as its name, then a line per non-empty cell: 'heading  cell', wrapped beside the
    heading; where the room beside the headings is narrower than a piece no break may cut, each cell
    goes under its heading instead."""
    label_width = max((_cell_width(heading) for heading in columns[1:]), default=0)
    beside = width - INDENT - label_width - LABEL_GAP
    longest = max((_longest_unbreakable(cell) for row in rows for cell in row[1:]), default=0)
    lines = []
    for row, style in zip(rows, styles):
        lines += [(line, f"bold {style}".strip()) for line in _wrap_words(row[0], width)]
        cells = (_cells_beside(columns, row, label_width, beside) if longest <= beside
                 else _cells_below(columns, row, width - 2 * INDENT))
        lines += [(line, style) for line in cells]
    return lines


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
    """``text`` in lines of at most ``room`` columns, broken at spaces; a word too long for a line is
    broken where it can be without cutting a number or an escape (``_break_positions``)."""
    lines: list[str] = []
    for word in text.split():
        pieces = [word] if _cell_width(word) <= room else _word_pieces(word, room)
        for glue, piece in zip([" "] + [""] * len(pieces), pieces):
            if lines and _cell_width(lines[-1]) + len(glue) + _cell_width(piece) <= room:
                lines[-1] += glue + piece
            else:
                lines.append(piece)
    return lines or [""]


# A break looks best after these: between two factors '(0.3)(0.68)', a path's folders, a name's parts.
_NICE_AFTER = frozenset("/-_,;:)")
# Shown escapes ('\x1b', '\u202e') are read as one thing: never broken.
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def _break_positions(word: str) -> list[int]:
    """Where ``word`` may be broken across lines (the index of the first character of the next line):
    never beside a digit, before a sign or point that starts a number ('-0.5', '.5'), after a number's
    point ('0.'), inside an escape or inside a bar ('████'). So no number is cut, and no fragment reads
    as another number."""
    inside = {index for found in _ESCAPE.finditer(word) for index in range(found.start() + 1, found.end())}
    positions = []
    for index in range(1, len(word)):
        before, after = word[index - 1], word[index]
        following = word[index + 1] if index + 1 < len(word) else ""
        if (before.isdigit() or after.isdigit() or (after in "-+." and following.isdigit())
                or (before == "." and index >= 2 and word[index - 2].isdigit()) or index in inside
                or (_is_block(before) and _is_block(after))):
            continue
        positions.append(index)
    return positions


def _is_block(char: str) -> bool:
    return "\u2580" <= char <= "\u259f"  # Unicode's block elements, of which bars are drawn


def _word_pieces(word: str, room: int) -> list[str]:
    """A word wider than ``room`` in pieces that fit it: each broken as late as it may be, at a nice
    place (``_NICE_AFTER``) when one lies past the first third of the line. Only a run that cannot be
    broken and is wider than the whole line (no number is) is cut where the line ends."""
    pieces = []
    while _cell_width(word) > room:
        fit, used = 0, 0
        while used + _cell_width(word[fit]) <= room:  # the word is wider than the room: this ends
            used += _cell_width(word[fit])
            fit += 1
        # What follows the line's end decides too: a digit, or the rest of an escape (at most 10 characters).
        safe = [index for index in _break_positions(word[:fit + 10]) if index <= fit]
        nice = [index for index in safe if word[index - 1] in _NICE_AFTER]
        cut = nice[-1] if nice and 3 * nice[-1] >= fit else safe[-1] if safe else max(fit, 1)
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + [word] if word else pieces


def _longest_unbreakable(text: str) -> int:
    """The widest piece of ``text`` that ``_wrap_words`` never breaks."""
    longest = 0
    for word in text.split():
        if _cell_width(word) <= longest:
            continue
        ends = [0, *_break_positions(word), len(word)]
        longest = max(longest, *(_cell_width(word[start:end]) for start, end in zip(ends, ends[1:])))
    return longest


# --- a class's tables, laid out by bpcheck ---------------------------------------------------------


def hand_laid_lines(section: Section, width: int) -> list[tuple[str, str]]:
    """The section as (line, style) pairs no wider than ``width``, for a class of any size (a Rich
    table of a thousand rows takes longer to lay out than to grade): plain.py's lines when they fit;
    else with the text columns wrapped, each no narrower than READABLE_WIDTH; else each row stacked.
    Names, paths and messages break at spaces, then where no number is cut (``_break_positions``)."""
    columns = [escape_controls(column) for column in section.columns]
    rows = [[escape_controls(cell) for cell in row] for row in section.rows]
    styles = _row_styles(section)
    lines = [(line, "bold") for line in _wrap_words(escape_controls(section.title), width)]
    table = _laid_table(columns, rows, styles, set(section.numeric), width)
    lines += table if table is not None else stacked_lines(columns, rows, styles, width)
    return lines + [(line, "dim") for note in section.notes for line in _wrap_words(escape_controls(note), width)]


def _laid_table(columns, rows, styles, numeric: set[int], width: int) -> list[tuple[str, str]] | None:
    """Header, rule and rows with each column as wide as its widest cell, or narrowed (the widest
    first) to fit ``width``; numbers are never narrowed. None when even the least widths do not fit."""
    natural = _natural_widths(columns, rows)
    room = width - len(COLUMN_GAP) * (len(columns) - 1)
    widths: list[int] | None = natural
    if sum(natural) > room:
        least = [max([_longest_word(heading)] + [_cell_width(row[i]) for row in rows]) if i in numeric else
                 max([_longest_word(heading), min(natural[i], READABLE_WIDTH)] + [_longest_unbreakable(row[i])
                                                                                   for row in rows])
                 for i, heading in enumerate(columns)]
        widths = _narrowed_widths(natural, least, room)
    if widths is None:
        return None
    lines = [(line, "bold") for line in _laid_row(columns, widths, numeric)]
    lines.append((COLUMN_GAP.join("─" * column for column in widths), "bold"))
    for row, style in zip(rows, styles):
        lines += [(line, style) for line in _laid_row(row, widths, numeric)]
    return lines


def _laid_row(cells, widths: list[int], numeric: set[int]) -> list[str]:
    """One row as lines: each cell wrapped to its column, numbers aligned right."""
    pieces = [[cell] if _cell_width(cell) <= width else _wrap_words(cell, width) for cell, width in zip(cells, widths)]
    lines = []
    for index in range(max(len(piece) for piece in pieces)):
        parts = []
        for column, (piece, width) in enumerate(zip(pieces, widths)):
            text = piece[index] if index < len(piece) else ""
            space = " " * (width - _cell_width(text))
            parts.append(space + text if column in numeric else text + space)
        lines.append(COLUMN_GAP.join(parts).rstrip())
    return lines


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
