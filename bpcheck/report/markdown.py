"""Markdown rendering of sections: a heading and a pipe table each."""

from __future__ import annotations

from .views import Section


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or " "


def markdown_sections(sections: list[Section], heading: str | None = None) -> str:
    lines = [f"# {heading}", ""] if heading else []
    for section in sections:
        lines += [f"## {section.title}", ""]
        lines.append("| " + " | ".join(section.columns) + " |")
        lines.append("|" + "|".join("---:" if i in section.numeric else "---"
                                    for i in range(len(section.columns))) + "|")
        lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in section.rows]
        lines.append("")
        for note in section.notes:
            lines += [note, ""]
    return "\n".join(lines)
