"""Plain-text rendering, for output that is not a terminal: one line per row, nothing wrapped, no Rich.

Piped output goes to files, pagers and other programs, which want stable lines more than a layout that
fits a window; and leaving Rich unimported is most of what keeps `bpcheck solve ex1 > file` quick.
``plain=True`` (--plain, BPCHECK_PLAIN) draws nothing either, for a screen reader: drawings in words,
tables without their rule or bars (no character of Unicode's box drawing and block elements).
"""

from __future__ import annotations

import re
import unicodedata

from ..safetext import escape_controls
from .views import Section, drawings_as

COLUMN_GAP = "  "  # between two columns
DRAWN = re.compile("[\u2500-\u259f]")  # Unicode's box drawing and block elements: rules, boxes, bars


def table_lines(section: Section, plain: bool = False) -> list[str]:
    """Header, rule and rows, each column as wide as its widest cell, numbers aligned right; every cell
    with its control characters escaped (a student's name must not retitle or clear the terminal).
    ``plain``: no rule, and bars taken out of the cells (a column that held only bars goes)."""
    columns = [escape_controls(column) for column in section.columns]
    rows = [[escape_controls(cell) for cell in row] for row in section.rows]
    numeric = set(section.numeric)
    if plain:
        rows = [[DRAWN.sub("", cell).strip() for cell in row] for row in rows]
        kept = [i for i, column in enumerate(columns) if column or any(row[i] for row in rows)]
        numeric = {kept.index(i) for i in numeric if i in kept}
        columns, rows = [columns[i] for i in kept], [[row[i] for i in kept] for row in rows]
    widths = [max([width(columns[i])] + [width(row[i]) for row in rows]) for i in range(len(columns))]

    def pad(cell: str, column: int) -> str:
        space = " " * (widths[column] - width(cell))
        return space + cell if column in numeric else cell + space

    def line(cells) -> str:
        return COLUMN_GAP.join(pad(cell, column) for column, cell in enumerate(cells)).rstrip()

    rule = [] if plain else [COLUMN_GAP.join("─" * width for width in widths)]
    return [line(columns), *rule] + [line(row) for row in rows]


def width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two (a student named 张伟)."""
    return len(text) + sum(unicodedata.east_asian_width(char) in "WF" for char in text if ord(char) > 0x1000)


def render(blocks, heading: str | None = None, plain: bool = False) -> str:
    """The heading (if any) and a blank line, then headings and paragraphs as they are; each table with
    its title above and its notes below; every string with its control characters escaped. Drawings
    drawn, or when ``plain`` in words (views.Drawing)."""
    lines: list[str] = []
    for block in headed(drawings_as(blocks, plain), heading):
        if isinstance(block, Section):
            notes = [escape_controls(note) for note in block.notes]
            lines += [escape_controls(block.title), *table_lines(block, plain), ""] + ([*notes, ""] if notes else [])
        else:
            lines.append(escape_controls(block))
    return "\n".join(lines).rstrip("\n") + "\n"


def headed(blocks, heading: str | None) -> list:
    """A page's blocks under its heading, a blank line between: as text, in Rich or plain."""
    return ([heading, ""] if heading else []) + list(blocks)
