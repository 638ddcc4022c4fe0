"""What the HTML pages meet for a reader with a screen reader, low vision or no colour vision (the manual's
"Accessibility", docs/instructors/pages.md): a language, one h1 and headings in order, tables named by
their heading with column and row headers, verdicts in words, an SVG with a role and a title, and every
text colour of the style sheet and of the SVG at WCAG 2.x AA contrast (4.5:1) on its background, computed
here from the colours themselves, so that a colour changed later and too light fails.

The pages are those the commands print: a worked solution, one file's grade (full and hint feedback) and a
class's summary with --mistakes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from helpers import ANN_ANSWERS as ANN
from helpers import Cli, contrast

from bpcheck.report import html
from bpcheck.report.grades import VERDICT_LABELS

BOB = "exercise: ex1\nanswers:\n  a3: 0.75\n"


class Page(HTMLParser):
    """The elements of a page as (tag, attributes, text inside), in order, and its style sheets."""

    def __init__(self, text: str):
        super().__init__()
        self.elements: list[list] = []
        self.open: list[list] = []
        self.styles: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in ("meta", "link", "br", "rect", "circle", "line", "polygon", "path"):
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element[2] += data
        if self.open and self.open[-1][0] == "style":
            self.styles.append(data)

    def all(self, tag: str) -> list[list]:
        return [element for element in self.elements if element[0] == tag]


def printed(tmp_path, *args: str) -> str:
    (tmp_path / "class").mkdir(exist_ok=True)
    (tmp_path / "class" / "ann.yaml").write_text(ANN, encoding="utf-8")
    (tmp_path / "class" / "bob.yaml").write_text(BOB, encoding="utf-8")
    args = tuple(str(tmp_path / arg) if arg.startswith("class") else arg for arg in args)
    result = Cli()(*args, "--format", "html")
    assert result.stdout.startswith("<!DOCTYPE html>"), result.stderr
    return result.stdout


PAGES = {
    "solve": ("solve", "ex1"),
    "grade": ("grade", "class/ann.yaml"),
    "grade at hint": ("grade", "class/ann.yaml", "--feedback", "hint"),
    "class": ("grade", "class", "--mistakes"),
}


@pytest.fixture(params=list(PAGES))
def page(request, tmp_path) -> Page:
    return Page(printed(tmp_path, *PAGES[request.param]))


def test_a_language_a_title_and_one_h1_with_headings_in_order(page):
    (document,) = page.all("html")
    assert document[1].get("lang") == "en"
    assert page.all("title")[0][2].strip()
    levels = [int(element[0][1]) for element in page.elements if re.fullmatch(r"h[1-6]", element[0])]
    assert levels[0] == 1 and levels.count(1) == 1 and len(levels) >= 2
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:])), levels  # no level skipped
    assert page.all("main")  # a landmark to jump to


def test_each_table_is_named_and_has_column_and_row_headers(page):
    ids = {element[1]["id"]: element[2] for element in page.elements if "id" in element[1]}
    tables = page.all("table")
    assert tables
    for table in tables:
        named = table[1].get("aria-labelledby")
        captions = [element for element in page.all("caption") if element[2] and element[2] in table[2]]
        assert captions or (named in ids and ids[named].strip()), table[1]
    headers = page.all("th")
    assert all(header[1].get("scope") in ("col", "row") for header in headers)
    # every row of a table body starts with its row header; every head cell is a column header
    rows = [element for element in page.elements if element[0] in ("tr", "th", "td")]
    for index, element in enumerate(rows):
        if element[0] == "tr":
            first = rows[index + 1]
            assert first[0] == "th", "a row without a header cell"
    assert sum(header[1].get("scope") == "col" for header in headers) >= len(tables)


def test_a_verdict_is_a_word_not_only_a_colour(page):
    verdicts = [cell for cell in page.all("td") if cell[1].get("class") == "verdict"]
    words = [label.split(" ", 1)[-1] for label in VERDICT_LABELS.values()]
    for cell in verdicts:  # "✓ correct", "✗ wrong (sign-flip)", "✗ uphill": a mark and a word
        assert re.search(r"[a-z]{4,}", cell[2]), cell[2]
    coloured = [row for row in page.all("tr") if row[1].get("class") in html.COLOURS]
    for row in coloured:  # a row's colour (a verdict's, or a file's pass or fail) is said in its words too
        assert any(word in row[2] for word in [*words, "/"]), row[2]


def test_a_grade_page_has_its_verdicts_in_words(tmp_path):
    verdicts = [cell[2] for cell in Page(printed(tmp_path, "grade", "class/ann.yaml")).all("td")
                if cell[1].get("class") == "verdict"]
    assert "✓ correct" in verdicts and "✗ wrong (sign-flip)" in verdicts


def test_every_picture_has_a_role_and_a_title(page):
    for svg in page.all("svg"):
        assert svg[1].get("role") == "img"
        titles = [element for element in page.elements if element[0] == "title" and element[2] in svg[2]]
        assert titles and titles[-1][2].strip()
    assert not page.all("img")  # no picture by URL, which would need an alt


# ---------------------------------------------------------------- contrast


def blended(colour: str, opacity: float, over: str) -> str:
    """``colour`` at ``opacity`` over ``over``, as the eye sees it."""
    mix = [round(opacity * int(colour.lstrip("#")[i:i + 2], 16) + (1 - opacity) * int(over.lstrip("#")[i:i + 2], 16))
           for i in (0, 2, 4)]
    return "#" + "".join(f"{channel:02x}" for channel in mix)


def test_the_contrast_measure():
    """The reference values of WCAG's own definition: black on white 21:1, a colour on itself 1:1."""
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # just short of AA
    assert contrast("#123456", "#123456") == 1
    assert blended("#888888", 0.18, "#ffffff") == "#eaeaea"


def text_colours(style: str) -> dict[str, str]:
    """Every `color:` of the style sheet (custom properties resolved), by the rule it is in."""
    properties = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", style))
    found = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style):
        for value in re.findall(r"(?<![-\w])color:\s*([^;}]+)", body):
            value = value.strip()
            name = re.fullmatch(r"var\(--([\w-]+)\)", value)
            found[f"{selector.strip()} {value}"] = properties[name.group(1)] if name else value
    return found


def test_every_text_colour_of_the_pages_meets_aa_on_the_page():
    colours = text_colours(html.STYLE)
    assert len(colours) >= 5 and html.PAGE == "#ffffff"  # the ink, the notes and the three verdicts at least
    assert "background: var(--page)" in html.STYLE and "color-scheme: light" in html.STYLE  # light only
    for rule, colour in colours.items():
        assert contrast(colour, html.PAGE) >= 4.5, (rule, colour, contrast(colour, html.PAGE))
    fragment_colours = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", html.FRAGMENT_STYLE)
    assert fragment_colours and all(contrast(colour, "#ffffff") >= 4.5 for colour in fragment_colours)
    assert contrast("#949494", html.PAGE) < 4.5  # the check can fail: a grey a designer might pick


def test_every_text_colour_of_the_network_picture_meets_aa_on_what_is_under_it(tmp_path):
    page = Page(printed(tmp_path, "solve", "ex1"))
    texts = page.all("text")
    assert texts
    # What text may sit on: the white picture, a unit's #f4f4f4 disc, a label's white box, a layer's band.
    grounds = {"#ffffff", "#f4f4f4"}
    for polygon in page.all("polygon"):
        grounds.add(blended(polygon[1]["fill"], float(polygon[1].get("fill-opacity", 1)), "#ffffff"))
    fills = set()
    for element in page.elements:
        if element[0] == "text":
            fills.add(element[1].get("fill", "#000000"))
        elif element[0] == "g" and element[1].get("fill"):
            fills.add(element[1]["fill"])  # an edge's label: its text takes the group's colour
    assert len(fills) >= 3
    for fill in fills:
        worst = min(contrast(fill, ground) for ground in grounds)
        assert worst >= 4.5, (fill, worst)
