"""Output for people: Rich tables on a terminal, plain lines (report/plain.py) anywhere else."""

from __future__ import annotations

import os
import sys

from .views import Section


def emit(blocks, *, heading: str | None = None, stream=None) -> None:
    """Write headings, paragraphs (str) and tables (Section) to ``stream`` (stdout by default)."""
    stream = stream or sys.stdout
    blocks = ([heading, ""] if heading else []) + list(blocks)
    if not stream.isatty():
        from .plain import render

        stream.write(render(blocks))
        return
    _print_rich(blocks, stream)


def _print_rich(blocks, stream) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .plain import table_lines

    # NO_COLOR (no-color.org) asks for plain text: no bold or underline either.
    console = Console(file=stream, highlight=False, emoji=False,
                      **({"color_system": None} if os.environ.get("NO_COLOR") else {}))
    for index, block in enumerate(blocks):
        if not isinstance(block, Section):
            console.print(Text(block, style="bold underline" if index == 0 and block else ""))
        elif block.hand_laid:  # a Rich table of a thousand rows takes longer to lay out than to grade
            styled = Text(block.title + "\n", style="bold")
            lines = table_lines(block)
            styled.append("\n".join(lines[:2]) + "\n", style="bold")
            for line, style in zip(lines[2:], block.row_styles or [None] * len(lines)):
                styled.append(line + "\n", style=style)
            console.print(styled, soft_wrap=True, end="")
            for note in block.notes:
                console.print(Text(note, style="dim"))
        else:
            table = Table(title=Text(block.title, style="bold"), title_justify="left", box=box.SIMPLE_HEAD,
                          pad_edge=False)
            for column_index, column in enumerate(block.columns):
                numeric = column_index in block.numeric  # names and numbers never break; formulas wrap
                table.add_column(column, justify="right" if numeric else "left",
                                 no_wrap=numeric or column_index == 0, overflow="fold")
            for row_index, row in enumerate(block.rows):
                style = block.row_styles[row_index] if row_index < len(block.row_styles) else None
                table.add_row(*(Text(cell) for cell in row), style=style)
            console.print(table)
            for note in block.notes:
                console.print(Text(note, style="dim"))
            console.print()


def progress_console():
    """Where a progress bar goes: stderr, leaving stdout to the report."""
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, emoji=False)
