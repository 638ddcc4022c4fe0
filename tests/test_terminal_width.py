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
from bpcheck.batch import GradingSession, grade_files
from bpcheck.classreport import class_mistakes
from bpcheck.report.grades import class_sections, grade_sections, score_line, summary_section
from bpcheck.report.markdown import markdown_sections
from bpcheck.report.plain import render
from bpcheck.report.text import _break_positions, _wrap_words, emit
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
    # The heading as `bpcheck grade` prints it: the temporary path (with its digits) is longer than 40 columns.
    return [f"{path}: {outcome.grade.exercise}", "", *grade_sections(outcome.grade, session.fmt),
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
    assert_lines_fit(assert_numbers_whole(solution_blocks("ex3", 10), width), width)


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


# ---------------------------------------------------------------- a class's tables (hand laid)

CLASS_WIDTHS = range(40, 201)  # every width: where a column narrows by one, a break moves
LONG_NAME = "Maria Fernanda de la Concepción Rodríguez-Hernández y Montoya"


def class_file(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory) -> list:
    """The summary and the class report of a class whose names, paths and errors outgrow any terminal:
    long names with and without spaces, wide characters, ids of digits, escape sequences, deep folders
    with years in their names, and the longest messages of files that cannot be read."""
    folder = tmp_path_factory.mktemp("class")
    deep = "hw1-submissions-of-the-autumn-term-2024-section-B/student-" + "x" * 40 + "-2024-resubmitted-twice"
    class_file(folder, f"{deep}/answers.yaml", f"exercise: ex1\nstudent: {LONG_NAME}\nanswers:\n  a3: 0.755\n"
                                              "  y3: 0.7\n  delta5: 0.04068\n")
    class_file(folder, "张伟-answers.yaml", "exercise: ex1\nstudent: 张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟\n"
                                           "answers:\n  a3: 0.755\n  E: 0.03619\n")
    class_file(folder, "id.yaml", "exercise: ex1\nstudent: '01234567890123456789'\nvariant: a-very-long-variant-name"
                                  "-for-someone-2024\nanswers:\n  a3: 1.5\n")
    class_file(folder, "escape\x1b[2J.yaml", 'exercise: ex1\nstudent: "\\e]0;pwned\\a Eve"\nanswers:\n  a3: 0.755\n')
    class_file(folder, "one-word.yaml", f"exercise: ex1\nstudent: {'Wolfeschlegelsteinhausenbergerdorff' * 3}\n"
                                        "answers:\n  a3: 0.755\n")
    class_file(folder, "bad-number.yaml", "exercise: ex1\nanswers:\n  a3: 0,755\n  y3: -1.5e-3.2\n")
    class_file(folder, "bad-exercise.yaml", "exercise: missing/folder/that/does/not/exist/2024/hw1-exercise-file"
                                            "-with-a-long-name.yaml\nanswers:\n  a3: 0.755\n")
    class_file(folder, "bad-name.yaml", "exercise: ex1\nanswers:\n  delta_99: 1\n")
    # A value that is not a number, or a name that is no quantity, is that value's verdict or a flag now
    # (issue 17): files YAML cannot parse, or that are no answers file, are still bad files.
    class_file(folder, "broken-yaml-with-a-long-name-2024-resubmission.yaml",
               "exercise: ex1\nanswers: {a3: [0.755\n")
    class_file(folder, "a-list-not-an-answers-file.yaml", "- exercise: ex1\n- answers\n")
    outcomes = list(grade_files([folder]).outcomes)
    assert sum(outcome.grade is None for outcome in outcomes) == 3
    return [summary_section(outcomes, None), *class_sections(class_mistakes(outcomes))]


@pytest.mark.parametrize("width", CLASS_WIDTHS)
def test_a_class_fits_the_terminal_with_every_number_whole(hostile_class, width):
    shown = assert_numbers_whole(hostile_class, width)
    assert_lines_fit(shown, width)
    assert "\x1b" not in shown and "\\x1b" in shown  # the escape in a file name, shown as text
    assert "bad file" in shown and "01234567890123456789" in shown


def test_a_class_wide_enough_keeps_one_line_a_row(hostile_class):
    summary = render([hostile_class[0]]).splitlines()[:-4]  # less the notes
    assert max(map(cell_len, summary)) > 400
    assert rich_output([hostile_class[0]], 1000).splitlines()[:len(summary)] == summary


def test_a_narrow_terminal_stacks_a_class_a_line_a_column(hostile_class):
    lines = rich_output([hostile_class[0]], 40).splitlines()
    # Too narrow beside the headings for the id of 20 digits: each cell under its heading, a word broken.
    row = lines.index("    WolfeschlegelsteinhausenbergerdorffW")
    assert lines[row - 1:row + 3] == ["  student", "    WolfeschlegelsteinhausenbergerdorffW",
                                      "    olfeschlegelsteinhausenbergerdorffWo", "    lfeschl…"]
    assert lines[lines.index("  variant") + 1:lines.index("  variant") + 3] == [
        "    a-very-long-variant-name-for-", "    someone-2024"]
    wider = rich_output([hostile_class[0]], 80).splitlines()
    assert "  variant               a-very-long-variant-name-for-someone-2024" in wider


def test_a_bar_is_never_broken(hostile_class):
    for width in (44, 52, 60):
        bars = re.findall(r"█+", rich_output(hostile_class[2:], width))
        assert bars and all(len(bar) == 20 for bar in bars)  # each named mistake's, whole, at any width


def test_a_class_report_piped_is_one_line_a_row(hostile_class):
    buffer = io.StringIO()  # not a terminal
    emit(hostile_class, stream=buffer)
    assert buffer.getvalue() == render(hostile_class)
    summary = buffer.getvalue().split("\n\n")[0].splitlines()
    assert len(summary) == 3 + len(hostile_class[0].rows) and max(map(cell_len, summary)) > 200


@pytest.mark.parametrize(("text", "room", "lines"), [
    ("sub/bad.yaml:3:7: a3: '0.75.5' is not a number", 12,
     ["sub/bad.yaml", ":3:7: a3:", "'0.75.5' is", "not a number"]),
    # never 'term-' and '2024/...' (a number alone at a line's start), nor 'term' and '-2024'
    ("hw1-submissions-of-the-term-2024/answers.yaml", 16, ["hw1-submissions-", "of-the-", "term-2024/", "answers.yaml"]),
    ("write -1.5e-3 or −0.0027", 8, ["write", "-1.5e-3", "or", "−0.0027"]),
    ("\\x1b]0;pwned\\x07", 6, ["\\x1b", "]0;", "pwned", "\\x07"]),
    ("(0.6802672966)(0.3197327034)(0.3)", 20, ["(0.6802672966)", "(0.3197327034)(0.3)"]),
    ("12345678901234567890", 8, ["12345678", "90123456", "7890"]),  # wider than the line, which no number is
])
def test_words_break_only_where_no_number_or_escape_is_cut(text, room, lines):
    assert _wrap_words(text, room) == lines


@pytest.mark.parametrize(("word", "positions"), [
    ("ab/c", [1, 2, 3]), ("W13x", []), ("a-b1.c", [1, 2]), ("x-0.5", []), ("\\x1b!", [4]), ("██ █", [2, 3])])
def test_break_positions_keep_numbers_escapes_and_bars_whole(word, positions):
    assert _break_positions(word) == positions
