"""Terminal output at any width from 40 columns: a number is never cut or split, and student text never
reaches the terminal as an escape sequence (plain, Rich and Markdown renderers).

Real sections (worked solutions, a graded answers file) are printed to a Rich console of a given width
writing to a StringIO; what the plain renderer shows is the reference for every number.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from bpcheck import load_exercise, solve
from bpcheck.batch import GradingSession
from bpcheck.report.grades import grade_sections, score_line, summary_section
from bpcheck.report.markdown import markdown_sections
from bpcheck.report.plain import render
from bpcheck.report.text import emit
from bpcheck.report.views import Section, exercise_sections, solution_sections
from bpcheck.safetext import escape_controls

WIDTHS = (40, 50, 60, 70, 80, 120)

# A number standing alone: not the 13 of W13 or the 3 of δ3, and with any trailing '.' (a cut '-0.').
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d*)?(?:e[+-]?\d+)?(?![\w.])")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own styling: colour, bold, dim, underline

HOSTILE = ("\x1b]0;pwned\x07", "\x1b[2J")
HOSTILE_SHOWN = ("\\x1b]0;pwned\\x07", "\\x1b[2J")

# Tutorial §13's figures, some wrong, some missing: every verdict and long notes.
ANSWERS = """\
exercise: ex1
student: Ann Lee
answers:
  a3: 0.755
  y3: 0.6803
  a4: 0.68
  y4: 0.6637
  a5: 0.8014
  y5: 0.6903
  E: 0.018
  delta5: 0.0407
  delta3: -0.00266
  dW13: -0.000931
  W13_new: 0.0991
  dW23: -0.0239
  dW35: -0.0277
  W35_new: 0.2723
  y5_after: 0.6820
"""


def rich_output(blocks, width: int, color_system: str | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system=color_system,
                      highlight=False, emoji=False)
    emit(blocks, console=console)
    return buffer.getvalue()


def solution_blocks(exercise: str, precision: int) -> list:
    return ["Worked solution", "", *solution_sections(solve(load_exercise(exercise)), precision)]


def graded_blocks(tmp_path: Path, precision: int = 4) -> list:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    session = GradingSession(precision=precision)
    outcome = session.grade_file(path)
    assert outcome.error is None, outcome.error
    # The file's name, not its temporary path: a path longer than the terminal is folded like any long word.
    return [f"{path.name}: {outcome.grade.exercise}", "", *grade_sections(outcome.grade, session.fmt),
            score_line(outcome.grade)]


def numeric_cells(blocks) -> list[str]:
    return [escape_controls(row[column]) for block in blocks if isinstance(block, Section)
            for row in block.rows for column in block.numeric if row[column]]


def assert_numbers_whole(blocks, width: int) -> str:
    """Every number of the plain output, as often and no other: a cut or split number would show as a
    fragment ('-0.', '0270') the plain output does not hold. Every numeric cell is a whole token."""
    shown = rich_output(blocks, width)
    assert Counter(NUMBER.findall(shown)) == Counter(NUMBER.findall(render(blocks))), shown
    for cell in numeric_cells(blocks):
        assert re.search(rf"(?<![\w.]){re.escape(cell)}(?![\w.])", shown), f"{cell!r} not whole at {width}:\n{shown}"
    return shown


def assert_lines_fit(shown: str, width: int) -> None:
    """Nothing runs past the edge, where a terminal would wrap the line inside a number."""
    for line in shown.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("exercise", ["ex1", "ex3", "ex5"])
def test_solution_numbers_are_whole_at_every_width(exercise, width):
    shown = assert_numbers_whole(solution_blocks(exercise, 4), width)
    assert_lines_fit(shown, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_long_numbers_are_whole_at_every_width(width):
    # 10 digits: formulas such as '(0.6802672966)(0.3197327034)(0.3)(-0.04068...)' outgrow 40 columns.
    assert_numbers_whole(solution_blocks("ex3", 10), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_grade_numbers_are_whole_at_every_width(tmp_path, width):
    shown = assert_numbers_whole(graded_blocks(tmp_path), width)
    assert_lines_fit(shown, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_exercise_and_summary_numbers_are_whole_at_every_width(tmp_path, width):
    exercise = load_exercise("ex3")
    blocks = [*exercise_sections(exercise, solve(exercise))]
    assert_numbers_whole(blocks, width)
    session = GradingSession()
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    assert_numbers_whole([summary_section([session.grade_file(path)], None)], width)


def test_a_wide_terminal_keeps_one_line_a_row():
    blocks = solution_blocks("ex1", 4)
    lines = rich_output(blocks, 120).splitlines()
    for section in blocks[2:]:
        for row in section.rows:
            pattern = r"\s+".join(re.escape(cell) for cell in row if cell)
            assert any(re.search(pattern, line) for line in lines), row


def test_a_narrow_terminal_stacks_rows_it_cannot_lay_out():
    shown = rich_output(solution_blocks("ex1", 4), 40)
    assert "\nW13\n" in shown
    assert re.search(r"\n  ΔW +-0\.0009291\n", shown)


def hostile_blocks() -> list:
    wide = Section(f"title {HOSTILE[0]}", ("name", f"note {HOSTILE[1]}", "value"),
                   [(HOSTILE[0], f"by {HOSTILE[1]}\nline two", "0.5")], notes=[f"note {HOSTILE[0]}"], numeric=(2,))
    many = Section(f"summary {HOSTILE[1]}", ("file", "score"), [(f"{HOSTILE[0]}.yaml", "1/2")], numeric=(1,),
                   hand_laid=True)
    many.notes.append(HOSTILE[1])
    return [f"heading {HOSTILE[0]}", f"paragraph {HOSTILE[1]}", wide, many]


def assert_shown_escaped(text: str) -> None:
    for shown in HOSTILE_SHOWN:
        assert shown in text
    assert "\x07" not in text


def test_plain_output_shows_escape_sequences_as_text():
    text = render(hostile_blocks())
    assert_shown_escaped(text)
    assert "\x1b" not in text
    buffer = io.StringIO()  # not a terminal: emit's plain path
    emit(hostile_blocks(), stream=buffer)
    assert buffer.getvalue() == text


@pytest.mark.parametrize("width", [40, 120])  # stacked rows and a Rich table
def test_rich_output_shows_escape_sequences_as_text(width):
    plain = rich_output(hostile_blocks(), width)
    assert_shown_escaped(plain)
    assert "\x1b" not in plain  # no colour system: no escape at all
    coloured = rich_output(hostile_blocks(), width, color_system="truecolor")
    assert SGR.search(coloured)
    assert "\x1b" not in SGR.sub("", coloured)
    assert_shown_escaped(SGR.sub("", coloured))


def test_no_color_terminal_gets_no_escape_at_all(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    stream = Terminal()
    emit(hostile_blocks(), stream=stream)
    assert_shown_escaped(stream.getvalue())
    assert "\x1b" not in stream.getvalue()


def test_markdown_shows_escape_sequences_and_keeps_rows_whole():
    sections = [block for block in hostile_blocks() if isinstance(block, Section)]
    text = markdown_sections(sections, heading=f"heading {HOSTILE[0]}")
    assert_shown_escaped(re.sub(r"\\([`\[\]|!])", r"\1", text))  # as Markdown shows it: no link, no code
    assert "\x1b" not in text
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == sum(2 + len(section.rows) for section in sections)  # a newline broke none
    assert all(line.endswith("|") for line in table_lines)
    assert "by \\x1b\\[2J\\x0aline two" in text
