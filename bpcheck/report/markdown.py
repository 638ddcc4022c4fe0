"""Markdown rendering of sections: a heading and a pipe table each.

Every string passes through ``escape_controls``: besides keeping escape sequences out of a terminal that
shows the file, it writes a newline (or CR, U+2028) as ``\\x0a``, so no cell can end its table row early.
"""

from __future__ import annotations

from ..safetext import escape_controls
from .views import Section


def _cell(text: str) -> str:
    return escape_controls(text).replace("|", "\\|") or " "


def _row(cells) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def markdown_sections(sections: list[Section], heading: str | None = None) -> str:
    lines = [f"# {escape_controls(heading)}", ""] if heading else []
    for section in sections:
        lines += [f"## {escape_controls(section.title)}", ""]
        lines.append(_row(section.columns))
        lines.append("|" + "|".join("---:" if i in section.numeric else "---"
                                    for i in range(len(section.columns))) + "|")
        lines += [_row(row) for row in section.rows]
        lines.append("")
        for note in section.notes:
            lines += [escape_controls(note), ""]
    return "\n".join(lines)
