"""HTML pages: a worked solution, or a grade report, as one self-contained file; and the same as a
fragment that a notebook shows (Jupyter's ``_repr_html_``).

The page is built from the same sections as the text and Markdown reports (views.py, grades.py), so a
grade page shows exactly what the feedback level lets those show. It loads nothing: the style is
inline, there is no script, no font, no image by URL, and the network's picture is inline SVG. Every
string from a section (titles, names, notes, a student's name, a file path) is HTML-escaped, with its
control characters made visible first. Wide tables scroll inside their own box, never the page; a
verdict is a coloured word (✓ correct, ✗ wrong ...), so it reads without colour and on paper.
"""

from __future__ import annotations

import itertools
from html import escape

from ..safetext import escape_controls
from .views import Section, instruction_paragraphs, solution_sections

# Verdict colours (grades.VERDICT_STYLES, and a file's pass or fail in a class summary), each at least
# 7:1 against the white page (WCAG AAA; tests/test_html.py measures them).
COLOURS = {"green": "#116329", "yellow": "#6f4400", "red": "#a40e26"}
INK, MUTED, PAGE = "#1f2328", "#57606a", "#ffffff"

STYLE = """
:root { color-scheme: light; --ink: @INK@; --muted: @MUTED@; --page: @PAGE@; --line: #d0d7de; @COLOURS@ }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h1, h2, p { overflow-wrap: anywhere; }
p.note { color: var(--muted); }
.scroll { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top;
  white-space: nowrap; }
thead th { border-bottom: 2px solid var(--ink); }
tbody th { font-weight: 600; border-left: .3rem solid transparent; }
td.num { text-align: right; }
td.verdict { font-weight: 600; }
td.prose { white-space: normal; min-width: 14rem; }
tr.green > th { border-left-color: var(--green); }
tr.yellow > th { border-left-color: var(--yellow); }
tr.red > th { border-left-color: var(--red); }
tr.green > td.verdict { color: var(--green); }
tr.yellow > td.verdict { color: var(--yellow); }
tr.red > td.verdict { color: var(--red); }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
@media screen and (max-width: 40rem) {
  /* On a phone a row is a line, not a table too wide to see whole: a formula reads as the tutorial
     writes it (name = formula = numbers = value), a grade as its values and verdict, its note below. No
     number here: a grade page that withholds expected values holds none, even in its style sheet. */
  table.formulas thead, table.grades thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.formulas tr, table.grades tr { display: block; padding: .3rem 0; border-bottom: 1px solid var(--line); }
  table.formulas :is(th, td), table.grades :is(th, td) { display: inline; padding: 0 .4rem 0 0; border-bottom: 0;
    white-space: normal; }
  table.formulas td::before { content: "= "; }
  table.formulas td:empty::before { content: none; }
  table.formulas tbody th { border-left: 0; }
  table.grades tbody th { padding-left: .3rem; }
  table.grades td.num::before { content: attr(data-label) " "; color: var(--muted); }
  table.grades td:empty { display: none; }
  table.grades td.verdict { white-space: nowrap; }
  table.grades td.prose { display: block; min-width: 0; padding-left: .6rem; }
}
@media print {
  body { font-size: 10pt; }
  *, *::before, *::after { background: transparent !important; box-shadow: none !important; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h1, h2 { break-after: avoid; }
}
""".replace("@INK@", INK).replace("@MUTED@", MUTED).replace("@PAGE@", PAGE).replace(
    "@COLOURS@", " ".join(f"--{name}: {colour};" for name, colour in COLOURS.items()))


def _text(value: object) -> str:
    """Any string a student or an exercise may control, as HTML text (attribute-safe too)."""
    return escape(escape_controls(str(value)), quote=True)


def _cell(text: str, kind: str, label: str) -> str:
    """A cell; a number's column name goes with it, for a phone, which shows no table head."""
    if kind == "num":
        return f'<td class="num" data-label="{_text(label)}">{_text(text)}</td>'
    return f'<td class="{kind}">{_text(text)}</td>' if kind else f"<td>{_text(text)}</td>"


def _table(section: Section, number: int, ids: str = "t", level: int = 2) -> str:
    """A section as a titled table (a heading of ``level``, whose id is ``ids`` and its number) in a box
    of its own, which scrolls when the table is wider. A row's first cell heads it; its colour (a
    verdict's, or a file's pass or fail) marks the row and the verdict, whose words say the same."""
    heading = f"{ids}{number}"
    columns, last = section.columns, len(section.columns) - 1
    prose = any(len(row[last]) > 40 for row in section.rows if len(row) > last)  # notes wrap; names, bars do not
    kinds = ["num" if column in section.numeric else "verdict" if name == "verdict"
             else "prose" if column == last and prose else "" for column, name in enumerate(columns)]
    rows = []
    for index, row in enumerate(section.rows):
        style = section.row_styles[index] if index < len(section.row_styles) else ""
        cells = "".join(_cell(cell, kinds[column], columns[column]) for column, cell in enumerate(row) if column)
        styled = f' class="{style}"' if style in COLOURS else ""
        rows.append(f'<tr{styled}><th scope="row">{_text(row[0])}</th>{cells}</tr>')
    head = "".join(f'<th scope="col">{_text(column)}</th>' for column in columns)
    kind = ' class="formulas"' if "formula" in columns else ' class="grades"' if "verdict" in columns else ""
    table = f'<table{kind} aria-labelledby="{heading}">'  # named by its heading, as a caption would name it
    notes = "".join(f'<p class="note">{_text(note)}</p>\n' for note in section.notes)
    return (f'<section aria-labelledby="{heading}">\n<h{level} id="{heading}">{_text(section.title)}</h{level}>\n'
            f'<div class="scroll" role="region" aria-labelledby="{heading}" tabindex="0">\n'
            f"{table}\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) +
            f"\n</tbody>\n</table>\n</div>\n{notes}</section>\n")


class Markup:
    """A block that is HTML already (the network's picture, made and escaped by diagram.py)."""

    def __init__(self, html: str):
        self.html = html


def _body(blocks: list, ids: str = "t", level: int = 2) -> str:
    """Tables for sections (headed at ``level``, with ids ``ids`` and a number), paragraphs for strings
    (an empty one is only a gap in the text report)."""
    parts, number = [], 0
    for block in blocks:
        if isinstance(block, Section):
            number += 1
            parts.append(_table(block, number, ids, level))
        elif isinstance(block, Markup):
            parts.append(block.html)
        elif block:
            parts.append(f"<p>{_text(block)}</p>\n")
    return "".join(parts)


def page(blocks: list, heading: str) -> str:
    """A complete HTML document: the heading, then the blocks (sections, paragraphs, markup)."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="icon" href="data:,">\n'  # no request for a favicon: the page loads nothing
            f"<title>{_text(heading)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{_text(heading)}</h1>\n{_body(blocks)}</main>\n</body>\n</html>\n")


_FRAGMENTS = itertools.count(1)  # each fragment's ids its own: a notebook shows many in one document
# The page's style is the whole page's (body, headings, every table); a fragment lives in a notebook's
# page, so its few rules apply inside its own box only.
FRAGMENT_STYLE = (".bpcheck table { border-collapse: collapse; font-variant-numeric: tabular-nums; } "
                  ".bpcheck th, .bpcheck td { padding: .2rem .5rem; text-align: left; vertical-align: top; "
                  "white-space: nowrap; } .bpcheck td.num { text-align: right; } "
                  ".bpcheck td.prose { white-space: normal; min-width: 14rem; } "
                  ".bpcheck td.verdict { font-weight: 600; } .bpcheck .scroll { overflow-x: auto; } "
                  + " ".join(f".bpcheck tr.{name} > td.verdict {{ color: {colour}; }}"
                             for name, colour in COLOURS.items()))


def fragment(blocks: list, heading: str) -> str:
    """The blocks under a heading as an HTML fragment for a notebook (no document, head or page-wide
    style around them: a box of class ``bpcheck`` with its own few rules), its ids unlike any other
    fragment's, so that two in one notebook never share one."""
    ids = f"bpcheck{next(_FRAGMENTS)}-t"
    return (f'<div class="bpcheck">\n<style>{FRAGMENT_STYLE}</style>\n<h3>{_text(heading)}</h3>\n'
            f"{_body(blocks, ids, level=4)}</div>\n")


def network_picture(solution, precision: int, *, step: bool = False) -> Markup:
    """The network as the tutorial draws it (diagram.py: an SVG with its own title and caption)."""
    from .diagram import network_svg

    svg = network_svg(solution, step=step, precision=precision, standalone=False)
    return Markup(f'<figure>\n<div class="scroll">{svg}</div>\n</figure>\n')


def solution_html(solution, precision: int = 4, heading: str | None = None) -> str:
    """The worked solution as a page (``solution_blocks``)."""
    return page(solution_blocks(solution, precision), heading or solution.exercise.title)


def solution_fragment(solution, precision: int = 4) -> str:
    """The worked solution as a notebook shows it: the page's blocks, without the page."""
    return fragment(solution_blocks(solution, precision), solution.exercise.title)


def solution_blocks(solution, precision: int) -> list:
    """The instructions, the network's picture and a table per step, each formula with its numbers
    substituted (the sections `bpcheck solve` prints), and the network again with the step's deltas
    and new weights before the forward pass that checks them."""
    sections = solution_sections(solution, precision)
    # The network after the forward pass first; the step (deltas, new weights) before the check.
    return [*instruction_paragraphs(solution.exercise), network_picture(solution, precision), *sections[:-1],
            network_picture(solution, precision, step=True), sections[-1]]


def grade_html(blocks: list, heading: str | None) -> str:
    """A grade report as a page: the blocks `bpcheck grade` prints as text (grades.file_report for one
    file, the summary for a class), which already hold only what the feedback level shows. It has no
    picture of the network: the picture's values are the expected ones."""
    return page(list(blocks), heading or "bpcheck grade")


def grade_fragment(grade, precision: int = 4) -> str:
    """A Grade as a notebook shows it: the tables of a grade page at the grade's feedback level (none
    of the expected values below ``full``), without the page."""
    from ..numbers import number_formatter
    from .grades import grade_blocks, who_and_what

    header = [who_and_what(grade.exercise, grade.variant, grade.feedback)]
    return fragment(grade_blocks(grade, number_formatter(precision), grade.feedback, header), grade.exercise)
