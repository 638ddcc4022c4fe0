"""HTML pages without a browser: `bpcheck solve EX --format html` and `bpcheck grade ... --format html`.

What a page holds (the tutorial's numbers, verdicts in words), what a feedback level withholds, that
nothing a student or an exercise writes can become markup, that the page loads nothing, and that the
example page in docs/ is what the command prints. tests/test_html_browser.py shows them in chromium.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import EX1_YAML, Cli, assert_bad_input_line

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter
from bpcheck.report import html
from bpcheck.report.views import solution_sections

ROOT = Path(__file__).resolve().parent.parent
run = Cli()  # the `cli` fixture's command line, for the helpers that build pages
# The tutorial's §13, as the page shows them.
EX1_VALUES = ("(0.1)(0.35) + (0.8)(0.9)", "0.755", "0.6803", "0.6637", "0.6903", "0.01810", "-0.04068", "-0.002654",
              "-0.008172", "0.0009291", "-0.0009291", "0.09907", "0.7976", "0.2723", "0.8730", "0.6820", "0.01657")
ANSWERS = """\
exercise: ex1
student: "<script>alert('Ada')</script> & Co"
answers:
  a3: 0.755
  y3: 0.6803
  a4: 0.68
  delta3: 0.00266
  W13_new: 0.0991
"""
# Values of ex1 the student above did not write: a page that withholds expected values has none of them.
EXPECTED_ONLY = ("0.6637", "0.6903", "0.01810", "-0.04068", "-0.002654", "-0.008172", "0.7976", "0.8730", "0.6820")
VOID = {"meta", "link", "br", "img", "input", "hr", "col", "wbr", "source"}


class Structure(HTMLParser):
    """The page's elements: every one closed, and in order; the text, the attributes and the headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):  # <rect .../> in the SVG
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        if not self.open or self.open[-1] != "style":
            self.text.append(data)


def structure(page: str) -> Structure:
    parsed = Structure()
    parsed.feed(page)
    parsed.close()
    assert parsed.open == [], f"unclosed: {parsed.open}"
    return parsed


def assert_self_contained(page: str) -> None:
    """No script, no stylesheet, font or image by URL: the only URLs are data: (the favicon) and the SVG
    namespace, which is a name, not something loaded."""
    parsed = structure(page)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags and "img" not in parsed.tags
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)  # no event handler
        if name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            assert value is not None and value.startswith("data:"), (tag, name, value)
    assert "url(" not in page and "@import" not in page


def ex1_page() -> str:
    result = run("solve", "ex1", "--format", "html")
    assert result.exit_code == 0, result.output
    return result.stdout


# --------------------------------------------------------------------------------- the solution


def test_the_solution_page_is_a_whole_accessible_document():
    page = ex1_page()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>Exercise 1: the tutorial&#x27;s network (ex1)</title>" in page
    parsed = structure(page)
    assert parsed.tags.count("h1") == 1 and parsed.tags.count("main") == 1
    headings = re.findall(r"<h2 id=\"t\d+\">([^<]*)</h2>", page)
    assert headings[:3] == ["Step 1: forward pass", "Step 2: error", "Step 3: deltas"]
    assert headings[-2:] == ["Step 4: gradients and weight updates", "Step 5: forward pass with the new weights"]
    sections = solution_sections(solve(load_exercise("ex1")), 4)
    scopes = [value for tag, name, value in parsed.attributes if tag == "th" and name == "scope"]
    assert scopes.count("col") == sum(len(section.columns) for section in sections)
    assert scopes.count("row") == sum(len(section.rows) for section in sections) == parsed.tags.count("th") - scopes.count("col")
    assert_self_contained(page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}  # a name, not loaded


def test_the_solution_page_shows_every_step_with_its_numbers():
    page = ex1_page()
    for value in EX1_VALUES:
        assert value in page, value
    assert "<td>W13·x1 + W23·x2</td><td>(0.1)(0.35) + (0.8)(0.9)</td>" in page
    assert re.search(r'<th scope="row">delta3</th><td>y3\(1 - y3\)·W35·delta5</td><td>\(0\.6803\)\(0\.3197\)\(0\.3\)'
                     r'\(-0\.04068\)</td><td class="num" data-label="value">-0\.002654</td>', page)


def test_the_solution_page_holds_the_network_pictures_inline():
    page = ex1_page()
    assert page.count("<svg") == 2 and page.count("</svg>") == 2 and "<?xml" not in page
    first, second = page.split("<svg")[1], page.split("<svg")[2]
    assert "W13 = 0.1" in first and "y3 = 0.6803" in first and "δ3" not in first
    assert "W13_new = 0.09907" in second and "δ3 = -0.002654" in second
    # The forward picture comes first; the step's, before the forward pass that checks it.
    assert page.index("<svg") < page.index("Step 1: forward pass")
    assert page.index("Step 4: gradients") < page.rindex("<svg") < page.index("Step 5: forward pass")


def test_a_hostile_exercise_cannot_write_markup(tmp_path):
    hostile = tmp_path / "evil.yaml"
    hostile.write_text(EX1_YAML.replace("title: the tutorial's network",
                                        'title: "</title><script>alert(1)</script>\\x1b[2J <img src=x onerror=y>"')
                       + 'instructions: "<a href=\'http://evil.example\'>click</a> & \\"quoted\\""\n',
                       encoding="utf-8")
    result = run("solve", str(hostile), "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert_self_contained(page)
    assert "<script" not in page and "<img" not in page and "<a " not in page and "\x1b" not in page
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J &lt;img src=x onerror=y&gt;" in page
    assert "&lt;a href=&#x27;http://evil.example&#x27;&gt;click&lt;/a&gt; &amp; &quot;quoted&quot;" in page


def test_a_dataset_with_an_optimizer_is_a_page_too(tmp_path):
    exercise = tmp_path / "adam.yaml"
    exercise.write_text(EX1_YAML.replace("inputs: {x1: 0.35, x2: 0.9}\n", "").replace("targets: {t5: 0.5}\n", "")
                        + "examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n"
                          "  - {inputs: {x1: 0.1, x2: 0.2}, targets: {t5: 0.9}}\noptimizer: adam\n", encoding="utf-8")
    page = run("solve", str(exercise), "--format", "html").stdout
    assert_self_contained(page)
    assert '<th scope="row">y3[2]</th>' in page and '<th scope="row">mhat_W13</th>' in page
    assert "Example 2 of 2: deltas" in page


# ------------------------------------------------------------------------------------ grade pages


def grade_page(tmp_path, *args: str) -> tuple[int, str]:
    answers = tmp_path / "ada.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = run("grade", str(answers), "--format", "html", *args)
    assert result.stderr == "", result.stderr
    return result.exit_code, result.stdout


def test_a_grade_page_at_full_has_verdicts_in_words_with_colours_and_the_expected_values(tmp_path):
    code, page = grade_page(tmp_path)
    assert code == 1  # as the text report: a wrong value
    assert_self_contained(page)
    assert "&lt;script&gt;alert(&#x27;Ada&#x27;)&lt;/script&gt; &amp; Co" in page and "<script" not in page
    assert re.search(r'<tr class="red"><th scope="row">delta3</th><td class="num" data-label="yours">0\.00266</td>'
                     r'<td class="num" data-label="expected">-0\.002654</td><td class="verdict">✗ wrong \(sign-flip\)'
                     r"</td><td class=\"prose\">The sign is flipped", page)
    assert '<tr class="green"><th scope="row">a3</th>' in page and "✓ correct" in page and "· missing" in page
    for value in EXPECTED_ONLY:
        assert value in page, value
    assert "Score: 4 / 35 (11.4%): 4 correct, 0 carried forward, 1 wrong, 30 missing." in page
    assert "<svg" not in page  # a picture of the network would show expected values


@pytest.mark.parametrize("level", ["hint", "verdict", "score"])
def test_a_grade_page_shows_no_expected_value_below_full(tmp_path, level):
    code, page = grade_page(tmp_path, "--feedback", level)
    assert code == 1
    assert_self_contained(page)
    text = "".join(structure(page).text)
    for withheld in (*EXPECTED_ONLY, "expected", "±", "…"):
        assert withheld not in text, (level, withheld)
    assert "Score: 4 / 35" in text and f"Feedback: {level}" in text
    if level == "hint":
        assert "✗ wrong (sign-flip)" in text and "The sign is flipped; the formula is delta3 = y3(1 - y3)·W35·delta5" in text
    if level == "verdict":
        assert "✗ wrong" in text and "sign-flip" not in text and "formula" not in text
    if level == "score":
        assert "<table" not in page and "✗" not in text


@pytest.mark.parametrize("level", ["hint", "verdict", "score"])
@pytest.mark.parametrize("batch", [False, True])
def test_no_expected_value_can_be_read_anywhere_on_the_page(tmp_path, level, batch):
    """Every value the student did not get right, to 2 to 6 significant digits, is absent from the whole
    page (its text, attributes and markup, the style aside), one file's or a class's."""
    _, page = grade_page(tmp_path, "--feedback", level) if not batch else (0, "")
    if batch:
        (tmp_path / "bob.yaml").write_text(ANSWERS.replace("a3: 0.755", "a3: 0.7"), encoding="utf-8")
        page = run("grade", str(tmp_path), "--format", "html", "--feedback", level, "--mistakes").stdout
    assert expected_values_in(page) == [], level


def expected_values_in(page: str) -> list[str]:
    """The values of ex1 that ANSWERS (and bob's a3) did not get right, to 2 to 6 significant digits,
    found anywhere in ``page`` (its text, attributes and markup), its style aside."""
    solution = solve(load_exercise("ex1"))
    own = {"0.755", "0.6803", "0.68", "0.00266", "0.0991", "0.7"}
    markup = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    found = []
    for name in set(solution.asked) - {"a3", "y3", "a4", "W13_new"}:
        value = solution.values[name]
        for form in {number_formatter(digits)(value) for digits in range(2, 7)} - own:
            if re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", markup):
                found.append(f"{name}={form}")
    return found


def test_a_class_page_has_the_summary_and_where_the_class_went_wrong(tmp_path):
    (tmp_path / "ada.yaml").write_text(ANSWERS, encoding="utf-8")
    (tmp_path / "bob.yaml").write_text(ANSWERS.replace("delta3: 0.00266", "delta3: -0.002654"), encoding="utf-8")
    (tmp_path / "<bad>.yaml").write_text("answers: [", encoding="utf-8")
    result = run("grade", str(tmp_path), "--format", "html", "--mistakes")
    assert result.exit_code == 2  # a file could not be read, as in text
    page = result.stdout
    assert_self_contained(page)
    assert "<title>bpcheck grade</title>" in page and "<h2 id=\"t1\">Summary</h2>" in page
    assert "&lt;bad&gt;.yaml" in page and "<bad>" not in page
    assert "Where the class lost marks" in page and "sign-flip" in page


def test_github_annotations_stay_off_the_page(tmp_path):
    answers = tmp_path / "ada.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = run("grade", str(answers), "--format", "html", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.endswith("</html>\n")
    assert "::error" not in result.stdout and "::error file=" in result.stderr


def test_latex_is_for_worked_solutions_only(tmp_path):
    answers = tmp_path / "ada.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = run("grade", str(answers), "--format", "latex")
    assert_bad_input_line(result, "Invalid value for '--format'", ["'latex' is not one of", "'html'", "grade --help"])


def test_the_colours_are_dark_enough_to_read():
    from helpers import contrast

    for colour in (*html.COLOURS.values(), html.INK):
        assert contrast(colour, html.PAGE) >= 7, colour  # WCAG AAA
    assert contrast(html.MUTED, html.PAGE) >= 4.5  # AA, for the notes
    assert contrast("#777777", html.PAGE) < 7  # the measure can fail


def test_the_page_prints_and_fits_a_phone_by_its_style():
    style = html.STYLE
    assert "@media print" in style and "break-inside: avoid" in style and "background: transparent !important" in style
    assert ".scroll { overflow-x: auto;" in style and "@media screen and (max-width: 40rem)" in style


# ------------------------------------------------------------------------------- notebooks
# Jupyter shows an object by calling its _repr_html_ (or _repr_svg_): the protocol is the methods, so
# these need no Jupyter.

ANSWERED = {"a3": 0.755, "y3": 0.6803, "a4": 0.68, "delta3": 0.00266, "W13_new": 0.0991}  # ANSWERS' values


class Tables(HTMLParser):
    """Each table's rows, as the text of their cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(markup: str) -> list[list[list[str]]]:
    parsed = Tables()
    parsed.feed(markup)
    return parsed.tables


def assert_a_fragment(markup: str) -> Structure:
    """A fragment a notebook's page holds: no document around it, every element closed, self-contained,
    its style scoped to its own box."""
    parsed = structure(markup)
    assert not {"html", "head", "body", "main", "meta", "link", "h1"} & set(parsed.tags)
    assert markup.startswith('<div class="bpcheck">\n<style>') and "<!DOCTYPE" not in markup
    style = re.search(r"<style>(.*?)</style>", markup, re.S).group(1)
    assert all(rule.strip().startswith(".bpcheck") for rule in re.findall(r"(?:^|})\s*([^{}]+){", style))
    assert_self_contained(markup)
    return parsed


def test_a_solution_shows_itself_in_a_notebook_as_the_pages_tables():
    solution = solve(load_exercise("ex1"))
    fragment = solution._repr_html_()
    parsed = assert_a_fragment(fragment)
    page = html.solution_html(solution)
    assert tables(fragment) == tables(page) and len(tables(fragment)) == 6
    assert fragment.count("<svg") == 2 and "<?xml" not in fragment  # the network, before and after the step
    for value in EX1_VALUES:
        assert value in fragment, value
    assert "<h3>Exercise 1: the tutorial&#x27;s network</h3>" in fragment
    assert [tag for tag in parsed.tags if tag[0] == "h" and tag[1:].isdigit()] == ["h3"] + ["h4"] * 6
    # Two in one notebook share no id.
    ids = [value for _, name, value in parsed.attributes if name == "id"]
    again = [value for _, name, value in structure(solution._repr_html_()).attributes if name == "id"]
    assert len(set(ids)) == len(ids) == 6 and not set(ids) & set(again)


def test_a_hostile_exercise_cannot_write_markup_in_a_notebook(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(EX1_YAML.replace("title: the tutorial's network", 'title: "<script>alert(1)</script>"') +
                    'instructions: "<img src=x onerror=alert(1)>"\n', encoding="utf-8")
    fragment = solve(load_exercise(str(path)))._repr_html_()
    assert_a_fragment(fragment)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment and "&lt;img src=x onerror=alert(1)&gt;" in fragment


@pytest.mark.parametrize("level", ["full", "hint", "verdict", "score"])
def test_a_grade_shows_itself_in_a_notebook_at_its_feedback_level(tmp_path, level):
    from bpcheck import grade

    graded = grade(solve(load_exercise("ex1")), ANSWERED, feedback=level)
    fragment = graded._repr_html_()
    assert_a_fragment(fragment)
    text = "".join(structure(fragment).text)
    assert f"Exercise: ex1 · Feedback: {level}" in text and "Score: 4 / 35 (11.4%)" in text
    # The same tables as the grade page of the same answers at the same level.
    (tmp_path / "ada.yaml").write_text(ANSWERS, encoding="utf-8")
    _, page = grade_page(tmp_path, "--feedback", level)
    assert tables(fragment) == tables(page)
    heads = [table[0] for table in tables(fragment)]
    if level == "full":
        assert heads[0] == ["quantity", "yours", "expected", "verdict", "note"]
        assert {"delta3=-0.002654", "y5=0.6903"} <= set(expected_values_in(fragment))  # the search can fail
        return
    assert expected_values_in(fragment) == [] and "expected" not in text and "±" not in text
    assert heads == {"hint": [["quantity", "yours", "verdict", "hint"]] * 5,  # a table per stage
                     "verdict": [["quantity", "verdict"]] * 5, "score": []}[level]


def test_grade_takes_a_feedback_level_and_defaults_to_the_exercises(tmp_path):
    from bpcheck import BpcheckError, grade, grade_file

    solution = solve(load_exercise("ex1"))
    assert grade(solution, ANSWERED).feedback == "full"
    record = grade(solution, ANSWERED, feedback="hint").to_dict()
    assert record["feedback"] == "hint" and "expected" not in record["results"][0]
    assert "results" not in grade(solution, ANSWERED, feedback="score").to_dict()
    full = grade(solution, ANSWERED, feedback="hint").to_dict(feedback="full")
    assert full["results"][0]["expected"] == solution.values["a3"]
    path = tmp_path / "hw.yaml"
    path.write_text(EX1_YAML + "feedback: verdict\n", encoding="utf-8")
    assert grade(load_exercise(str(path)), ANSWERED).feedback == "verdict"
    assert grade(load_exercise(str(path)), ANSWERED, feedback="full").feedback == "full"
    with pytest.raises(BpcheckError, match=r"unknown feedback level hints; use one of full, hint, verdict, score"):
        grade(solution, ANSWERED, feedback="hints")
    # A file graded with --feedback: its Grade shows what its report shows.
    (tmp_path / "ada.yaml").write_text(ANSWERS, encoding="utf-8")
    outcome = grade_file(tmp_path / "ada.yaml", feedback="hint")
    assert outcome.feedback == outcome.grade.feedback == "hint"


def test_a_solution_draws_its_network_in_a_notebook():
    import xml.etree.ElementTree as ET

    from bpcheck.report.diagram import network_svg

    solution = solve(load_exercise("ex1"))
    drawing = solution.diagram()
    svg = drawing._repr_svg_()
    assert svg == network_svg(solution, standalone=False) and svg.startswith("<svg ")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(root.itertext())
    assert "0.755" in text and "δ" not in text and "0.09907" not in text  # the forward pass only
    stepped = solution.diagram(step=True)._repr_svg_()
    assert "δ3" in stepped and "0.09907" in stepped  # the deltas and the new weights
    assert repr(drawing) == ("<NetworkDrawing Exercise 1: the tutorial's network (ex1): the network after the "
                             "forward pass>")


def test_the_notebook_methods_keep_import_bpcheck_light():
    """The core imports no report module, and showing a solution, a grade or a drawing imports no
    click and no Rich."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from bpcheck import grade, load_exercise, solve\n"
        "solution = solve(load_exercise('ex1'))\n"
        "graded = grade(solution, {'a3': 0.755}, feedback='hint')\n"
        "print(sorted(name for name in sys.modules if name.startswith('bpcheck.report')))\n"
        "solution._repr_html_(), graded._repr_html_(), solution.diagram()._repr_svg_()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('click', 'rich')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n[]\n", result.stdout


# ------------------------------------------------------------------------------- the example page


def test_the_example_page_in_docs_is_what_solve_prints():
    """docs/ex1-solution.html, linked from the manual (docs/instructors/pages.md). To rewrite it: bpcheck solve ex1 --format html > docs/ex1-solution.html"""
    committed = (ROOT / "docs" / "ex1-solution.html").read_text(encoding="utf-8")
    assert committed == ex1_page(), "rewrite it: bpcheck solve ex1 --format html > docs/ex1-solution.html"


def test_solution_html_is_a_pure_function_of_the_solution():
    solution = solve(load_exercise("ex1"))
    assert html.solution_html(solution, 4, "Exercise 1: the tutorial's network (ex1)") == ex1_page()
    assert "0.68027" in html.solution_html(solution, 5)  # y3 to 5 significant digits
