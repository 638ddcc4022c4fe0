"""The HTML pages bpcheck writes, as a student, a class and a browser meet them: a solution page loads
nothing from anywhere (no URL of any kind), a grade page below `full` holds no expected value anywhere in
its source, and hostile student names and paths are escaped on one student's page and a class's.
(tests/test_html.py checks the pages' structure and contents.)"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter

ROOT = Path(__file__).resolve().parent.parent
ADAM, XOR = "examples/training/adam.yaml", "examples/training/xor.yaml"


@pytest.fixture(autouse=True)
def _from_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples are named from the repository's root, as README names them


URL_LIKE = re.compile(r"https?:|//|src\s*=|url\(|@import|<script|<link(?![^>]*href=\"data:)", re.I)


def _urls(page: str) -> list[str]:
    """Whatever could load something, or looks as if it might; SVG's namespace on <svg> is a name, never
    fetched (tests/test_diagram.py keeps the inline SVG the file's, namespace and all)."""
    page = page.replace('<svg xmlns="http://www.w3.org/2000/svg" ', "<svg ")
    return [page[max(0, m.start() - 30):m.end() + 30] for m in URL_LIKE.finditer(page)]


@pytest.mark.parametrize("spec", ["ex1", ADAM, XOR])
def test_a_solution_page_names_no_url_at_all(cli, spec):
    page = cli("solve", spec, "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert _urls(page) == []


def _wrong_answers_file(path: Path, student: str) -> Path:
    path.write_text(f"exercise: ex1\nstudent: {json.dumps(student)}\nanswers:\n  a3: 0.7\n  y3: 0.6803\n"
                    "  delta5: 0.04068\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("level", ["hint", "verdict", "score"])
def test_a_grade_page_below_full_holds_no_expected_value_anywhere_in_its_source(cli, tmp_path, level):
    """Not in its text, its attributes, or its style sheet's comments: a3 = 0.755 is the expected a3."""
    answers = _wrong_answers_file(tmp_path / "a.yaml", "Ada")
    page = cli("grade", answers, "--format", "html", "--feedback", level).stdout
    solution = solve(load_exercise("ex1"))
    own = {"0.7", "0.6803", "0.04068"}
    for name in set(solution.asked) - {"y3"}:
        for form in {number_formatter(digits)(solution.values[name]) for digits in range(3, 6)} - own:
            assert not re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", page), (level, name, form)
    assert _urls(page) == []


def test_hostile_student_names_and_paths_are_escaped_on_one_page_and_a_class_page(cli, tmp_path):
    folder = tmp_path / 'we<ird>&"dir'
    folder.mkdir()
    _wrong_answers_file(folder / "x<img src=x onerror=alert(1)>.yaml", "<script>alert(1)</script> & \x1b[31m")
    for target, extra in ((next(folder.iterdir()), ()), (folder, ("--mistakes",))):
        page = cli("grade", target, "--format", "html", "--feedback", "hint", *extra).stdout
        body = page.split("</style>", 1)[1]
        assert "<script" not in body and "<img" not in body and "\x1b" not in page, target
        assert "&lt;img src=x onerror=alert(1)&gt;" in body and "we&lt;ird&gt;&amp;&quot;dir" in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\x1b[31m" in body
        text = unescape(re.sub(r"<[^>]+>", " ", body))
        assert ("Score: 1 / 35" in text) if not extra else (" 1/35 " in text and "1 file: 0 passed" in text)
