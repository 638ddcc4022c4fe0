"""Plain-text rendering, for output that is not a terminal: one line per row, nothing wrapped, no Rich.

Piped output goes to files, pagers and other programs, which want stable lines more than a layout that
fits a window; and leaving Rich unimported is most of what keeps `bpcheck solve ex1 > file` quick.
"""

from __future__ import annotations

import unicodedata

from ..safetext import escape_controls
from .views import Section

COLUMN_GAP = "  "  # between two columns


def table_lines(section: Section) -> list[str]:
    """Header, rule and rows, each column as wide as its widest cell, numbers aligned right; every cell
    with its control characters escaped (a student's name must not retitle or clear the terminal)."""
    columns = [escape_controls(column) for column in section.columns]
    rows = [[escape_controls(cell) for cell in row] for row in section.rows]
    widths = [max([width(columns[i])] + [width(row[i]) for row in rows]) for i in range(len(columns))]

    def pad(cell: str, column: int) -> str:
        space = " " * (widths[column] - width(cell))
        return space + cell if column in section.numeric else cell + space

    def line(cells) -> str:
        return COLUMN_GAP.join(pad(cell, column) for column, cell in enumerate(cells)).rstrip()

    return [line(columns), COLUMN_GAP.join("─" * width for width in widths)] + [line(row) for row in rows]


def width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two (a student named 张伟)."""
    return len(text) + sum(unicodedata.east_asian_width(char) in "WF" for char in text if ord(char) > 0x1000)


def render(blocks, heading: str | None = None) -> str:
    """The heading (if any) and a blank line, then headings and paragraphs as they are; each table with
    its title above and its notes below; every string with its control characters escaped."""
    lines: list[str] = []
    for block in headed(blocks, heading):
        if isinstance(block, Section):
            notes = [escape_controls(note) for note in block.notes]
            lines += [escape_controls(block.title), *table_lines(block), ""] + ([*notes, ""] if notes else [])
        else:
            lines.append(escape_controls(block))
    return "\n".join(lines).rstrip("\n") + "\n"


def headed(blocks, heading: str | None) -> list:
    """A page's blocks under its heading, a blank line between: as text, in Rich or plain."""
    return ([heading, ""] if heading else []) + list(blocks)
