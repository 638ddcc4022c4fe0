"""Markdown rendering of sections: a heading and a pipe table each.

Every string passes through ``escape_controls``: besides keeping escape sequences out of a terminal that
shows the file, it writes a newline (or CR, U+2028) as ``\\x0a``, so no cell can end its table row early.
"""

from __future__ import annotations

import re

from ..safetext import escape_controls


def _inline(text: str) -> str:
    """Text as Markdown shows it, never as a link, an image, HTML or code: what a student wrote (a file
    name, a student name) is shown as written."""
    text = escape_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _AUTOLINK.sub(lambda found: found.group(0).replace(":", "&#58;").replace(".", "&#46;"), text)
    text = text.replace("@", "&#64;")  # an e-mail address is a link too
    return re.sub(r"([`\[\]|!])", r"\\\1", text)


# What GitHub-flavoured Markdown turns into a link by itself: a scheme (http://, mailto:) or www.
_AUTOLINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*:(?=//|\S)|www\.)(?=\S)")


def _cell(text: str) -> str:
    return _inline(text) or " "


def _row(cells) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def markdown_sections(sections: list, heading: str | None = None) -> str:
    """A heading, then each section as a table; a string among them is a paragraph."""
    lines = [f"# {_inline(heading)}", ""] if heading else []
    for section in sections:
        if isinstance(section, str):
            lines += [_inline(section), ""] if section else []
            continue
        lines += [f"## {_inline(section.title)}", ""]
        lines.append(_row(section.columns))
        lines.append("|" + "|".join("---:" if i in section.numeric else "---"
                                    for i in range(len(section.columns))) + "|")
        lines += [_row(row) for row in section.rows]
        lines.append("")
        for note in section.notes:
            lines += [_inline(note), ""]
    return "\n".join(lines)
