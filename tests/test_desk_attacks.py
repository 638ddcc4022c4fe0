"""An adversarial review of issue 11 ("At the student's desk"): practice mode, the network drawn, HTML
pages and LaTeX exam keys, checked as a course instructor and an acceptance test would check them.

- practice: the scripted protocol exactly as README's "Practice" documents it (help, not a number,
  second try, going back, skip, reveal or not, quit), the answers file grading the same as the session
  said, every built-in exercise, a dataset, momentum, Adam and a variant credited when fed the exact
  answers, the hint level never showing an expected value (the "with your numbers" line included),
  SIGTERM and a full session on a real pseudo-terminal, a student's name written back readable;
- the drawing: every exercise at every width from 20 to 200 columns, the SVG well-formed with every
  weight and value, for a dataset and Adam too;
- pages: no URL of any kind, no expected value anywhere in the source of a page below `full`, hostile
  names and paths escaped; LaTeX: a dataset with Adam and a title in a Latin script compile on a page;
- start-up: `bpcheck --help` and `bpcheck solve ex1` import none of the new renderers.

Numbers are the tutorial's §13 (ex1): a3 = 0.755, y3 = 0.6803, y5 = 0.6903, E = 0.01810,
delta5 = -0.04068, delta3 = -0.002654, W13_new = 0.09907.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from helpers import EX1_YAML

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter
from bpcheck.report.diagram import network_lines, network_svg
from bpcheck.report.plain import width as cells

ROOT = Path(__file__).resolve().parent.parent
TRAINING = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "examples" / "training").glob("*.yaml"))
BUILT_IN = [f"ex{number}" for number in range(1, 9)]
ADAM, XOR, MOMENTUM = "examples/training/adam.yaml", "examples/training/xor.yaml", "examples/training/momentum.yaml"
FMT = number_formatter(4)


@pytest.fixture(autouse=True)
def _from_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples are named from the repository's root, as README names them


def grade_json(cli, path: Path, *extra: str) -> dict:
    result = cli("grade", path, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def exact(cli, spec: str, *variant: str) -> tuple[dict, list]:
    """Every value of ``spec`` at full precision and the asked names, as `solve --format json` gives them."""
    record = json.loads(cli("solve", spec, "--format", "json", *variant).stdout)
    return record["values"], record["asked"]


def summary(output: str) -> dict[str, list[str]]:
    """The session's closing lists: right, carried forward, wrong, missing (names without their mistakes)."""
    found = {}
    for title in ("right", "carried forward", "wrong", "missing"):
        match = re.search(rf"^  {title}: (.*)$", output, flags=re.M)
        found[title] = [name.split(" (")[0] for name in match.group(1).split(", ")] if match else []
    return found


def verdicts(record: dict) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {"right": [], "carried forward": [], "wrong": [], "missing": []}
    titles = {"correct": "right", "carried_forward": "carried forward", "wrong": "wrong", "missing": "missing"}
    for result in record["results"]:
        if result["name"] != "downhill":  # the step check: the session's summary lists values only
            lists[titles[result["verdict"]]].append(result["name"])
    return lists


# ------------------------------------------------------------------------------ practice: the protocol


def test_the_scripted_protocol_line_by_line_and_the_file_grades_as_the_session_said(cli, tmp_path):
    save = tmp_path / "p.yaml"
    script = ["?", "abc", "0.755",  # help and a line that is not a number re-ask a3; then right
              "0.7", "0.6803",  # y3 rounded too early, right on the second try
              "<", "", "",  # back to y3, keep it, skip a4
              "0.6637", "0.8014", "0.6903",  # y4, a5, y5
              "0.5", "0.4", "y",  # E wrong twice, the answer shown
              "1", "2", "n",  # delta5 wrong twice, not shown
              "-0.0122", "q"]  # delta3 without y3(1 - y3), then quit at the second try
    result = cli("practice", "ex1", "--save", save, input="\n".join(script) + "\n")
    out = result.stdout
    assert result.exit_code == 1, out
    expected_run = """\
a3 = W13·x1 + W23·x2
a3: ?
  Type the value you computed (0.755, -2.65e-3). An empty line skips it (an answer you gave is kept); < or :back \
goes back to the value before; q or :quit ends the session (Ctrl-D too); ? or :help shows this. Your answers are \
saved as you go.
a3: abc
  'abc' is not a number: type a number such as 0.25 or -1.5e-3, or ? for help
a3: 0.755
  ✓ correct · score 1/35
y3 = σ(a3)
y3: 0.7
  ✗ wrong · score 1/35
  hint: keep at least 4 significant digits as you work; the formula is y3 = σ(a3)
  with your numbers: y3 = σ(0.755)
y3, second try: 0.6803
  ✓ correct on the second try · score 2/35
a4 = W14·x1 + W24·x2
a4: <

Step 1: forward pass
y3 = σ(a3)
  yours: 0.6803 (✓ correct); an empty line keeps it
y3:\x20
a4 = W14·x1 + W24·x2
a4:\x20
y4 = σ(a4)
y4: 0.6637
  ✓ correct · score 3/35
"""
    assert expected_run in out
    assert """\
E: 0.5
  ✗ wrong · score 5/35
  hint: check E = ½(t5 - y5)² with your y5 = 0.6903
  with your numbers: E = ½(0.5 - 0.6903)²
E, second try: 0.4
  ✗ wrong · score 5/35
show the answer? [y/N]: y
  answer: E = ½(t5 - y5)² = ½(0.5 - 0.6903)² = 0.01810
  accepted: 0.01810 ± 1%: 0.01792 … 0.01828
""" in out
    assert "delta5, second try: 2\n  ✗ wrong · score 5/35\nshow the answer? [y/N]: n\ndelta3 = " in out
    assert "  ✗ wrong (missing-activation-derivative) · score 5/35\n" in out
    assert ("delta3, second try: q\n\nScore: 5 / 35 (14.3%): 5 correct, 0 carried forward, 3 wrong, 27 missing. "
            "The step goes uphill.\n") in out
    said = summary(out)
    assert said["right"] == ["a3", "y3", "y4", "a5", "y5"] and said["wrong"] == ["E", "delta5", "delta3"]
    text = save.read_text(encoding="utf-8")
    for line in ("  a3: 0.755\n", "  y3: 0.6803\n", "  a4:\n", "  E: 0.4\n", "  delta5: 2.0\n", "  delta3: -0.0122\n"):
        assert line in text, line
    record = grade_json(cli, save)
    assert record["score"] == 5.0 and verdicts(record) == said
    assert next(r for r in record["results"] if r["name"] == "delta3")["misconception"] == "missing-activation-derivative"


@pytest.mark.parametrize("spec", [*BUILT_IN, ADAM, XOR, MOMENTUM, "ex3 --variant alice"])
def test_the_exact_answers_are_all_credited_and_the_file_grades_the_same(cli, tmp_path, spec):
    spec, *variant = spec.split(" ")
    values, asked = exact(cli, spec, *variant)
    save = tmp_path / "answers.yaml"
    result = cli("practice", spec, *variant, "--save", save, input="".join(f"{values[n]!r}\n" for n in asked))
    total = len(asked)
    assert result.exit_code == 0, result.stdout[-2000:]
    assert f"Score: {total} / {total} (100.0%): {total} correct, 0 carried forward, 0 wrong, 0 missing." in result.stdout
    assert result.stdout.count("✓ correct · score") == total
    # Self-study trusts the file's own variant: line; marks (--exercise) take the variant from the course.
    for graded in (grade_json(cli, save), grade_json(cli, save, "--exercise", spec, *variant)):
        assert graded["score"] == graded["max_score"] == total and graded["variant"] == (variant[1] if variant else None)


def test_a_dataset_is_asked_by_its_example_names_and_the_mean_shows_the_students_own_terms(cli, tmp_path):
    values, asked = exact(cli, XOR)
    script = []
    for name in asked:
        script += ["0.5", "0.5"] if name == "E" else [repr(values[name])]
        if name == "E":
            break
    result = cli("practice", XOR, "--save", tmp_path / "x.yaml", "--feedback", "hint", input="\n".join(script) + "\nq\n")
    out = result.stdout
    assert "y3[2] = σ(a3[2])\ny3[2]: " in out
    terms = " + ".join(f"({FMT(values[f'E[{n}]'])})" for n in range(1, 5))
    assert f"  with your numbers: E = ({terms}) / 4\n" in out
    assert FMT(values["E"]) not in out  # the mean itself is the expected value


# ------------------------------------------------------------------------- practice: the hint level


def _no_expected_value_shown(cli, spec: str, tmp_path: Path, level: str) -> None:
    """Every third value right, every third wrong twice, every third skipped: no value the student never
    got right appears (to 3, 4 or 5 digits, with its sign) unless it is also one of their numbers or a given."""
    values, asked = exact(cli, spec)
    typed: list[float] = []
    script: list[str] = []
    for index, name in enumerate(asked):
        if index % 3 == 0:
            typed.append(values[name])
            script.append(repr(values[name]))
        elif index % 3 == 1:
            wrong = [values[name] * 1.37 + 0.0123, values[name] * 1.51 + 0.0123]
            typed += wrong
            script += [repr(wrong[0])] + ([repr(wrong[1])] if level != "score" else [])
        else:
            script.append("")
    result = cli("practice", spec, "--save", tmp_path / "h.yaml", "--feedback", level, input="\n".join(script) + "\n")
    out = result.stdout
    assert "Score:" in out and "answer:" not in out and "accepted:" not in out and "show the answer" not in out
    right = {name for index, name in enumerate(asked) if index % 3 == 0}
    givens = [value for name, value in values.items() if name not in asked]
    allowed = {number_formatter(digits)(value) for value in [*typed, *givens] for digits in (3, 4, 5)}
    for name in set(asked) - right:
        for digits in (3, 4, 5):
            form = number_formatter(digits)(values[name])
            if form in allowed or len(form.strip("-0.")) < 2:
                continue
            assert not re.search(rf"(?<![\d.\-]){re.escape(form)}(?!\d)", out), (spec, level, name, form)


@pytest.mark.parametrize("spec", ["ex1", "ex5", ADAM, XOR])
def test_the_hint_level_never_shows_an_expected_value(cli, tmp_path, spec):
    _no_expected_value_shown(cli, spec, tmp_path, "hint")


def test_the_verdict_and_score_levels_show_no_expected_value_and_no_hint(cli, tmp_path):
    for level in ("verdict", "score"):
        (tmp_path / level).mkdir()
        _no_expected_value_shown(cli, MOMENTUM, tmp_path / level, level)
    result = cli("practice", "ex1", "--save", tmp_path / "v.yaml", "--feedback", "verdict", input="0.7\n0.7\nq\n")
    assert "hint" not in result.stdout and "with your numbers" not in result.stdout
    assert "a3, second try: 0.7\n  ✗ wrong · score 0/35\n  The answer is not shown at the verdict feedback level." \
        in result.stdout


def test_with_your_numbers_is_left_out_while_a_value_it_reads_is_not_the_students(cli, tmp_path):
    """a5 = W35·y3 + W45·y4: with y3 skipped, writing the formula out would show the expected y3."""
    script = "0.755\n\n0.68\n0.6637\n0.9\n"  # a3, y3 skipped, a4, y4, a5 wrong
    result = cli("practice", "ex1", "--save", tmp_path / "s.yaml", "--feedback", "hint", input=script + "q\n")
    after_a5 = result.stdout.split("\na5: 0.9\n", 1)[1]
    assert "  ✗ wrong (missing-source-output) · score 3/35\n" in after_a5
    assert "with your numbers" not in after_a5 and "0.6803" not in result.stdout


# ----------------------------------------------------------------------- practice: files and signals


@pytest.mark.parametrize("written", ['"a\\x7fb"', '"Zo\\u00eb \\x9b Smith"', '"tab\\there"', "'it''s \"quoted\"'",
                                     '"\\U0001F600 Ada"'])
def test_the_students_name_is_written_back_so_that_it_reads_the_same(cli, tmp_path, written):
    """--resume rewrites the file whole: a name the student wrote with YAML escapes must read back."""
    save = tmp_path / "r.yaml"
    save.write_text(f"exercise: ex1\nstudent: {written}\nanswers:\n  a3: 0.755\n", encoding="utf-8")
    before = grade_json(cli, save)["student"]  # as reports show it (a control character made visible)
    result = cli("practice", "ex1", "--save", save, "--resume", input="0.6803\nq\n")
    assert result.exit_code == 1, result.output
    graded = cli("grade", save, "--format", "json")
    assert graded.exit_code == 1, graded.output  # 2: the file practice wrote is not a readable answers file
    record = json.loads(graded.stdout)
    assert record["student"] == before and record["score"] == 2.0


def test_a_byte_order_mark_at_the_start_of_a_script_does_not_shift_every_answer(cli, tmp_path):
    """A script saved by Notepad starts with U+FEFF; the first line is still the answer to a3."""
    result = cli("practice", "ex1", "--save", tmp_path / "b.yaml", input="\ufeff0.755\n0.6803\nq\n")
    assert "  ✓ correct · score 1/35\n" in result.stdout and "  ✓ correct · score 2/35\n" in result.stdout
    assert "not a number" not in result.stdout


def test_resume_asks_only_what_is_not_yet_right_and_keeps_the_rest(cli, tmp_path):
    save = tmp_path / "r.yaml"
    cli("practice", "ex1", "--save", save, input="0.755\n0.7\n0.71\nq\n")
    result = cli("practice", "ex1", "--save", save, "--resume", input="\n0.68\nq\n")
    out = result.stdout
    assert "Resuming: 1 of 35 values is already right; 34 to go." in out
    assert "a3 = W13" not in out and "y3 = σ(a3)\n  yours: 0.71 (✗ wrong); an empty line keeps it\ny3: \n" in out
    assert "a4: 0.68\n  ✓ correct · score 2/35\n" in out
    assert "  y3: 0.71\n  a4: 0.68\n" in save.read_text(encoding="utf-8")


def _bpcheck(cli, args, cwd: Path, **options) -> subprocess.Popen:
    return cli.popen(*args, cwd=cwd, env={"COLUMNS": "120"}, text=True, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, **options)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_waiting_for_a_piped_line_keeps_every_answer(cli, tmp_path, signum):
    process = _bpcheck(cli, ["practice", "ex1", "--save", "t.yaml"], tmp_path, stdin=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("0.755\n0.6803\n")
    process.stdin.flush()
    seen = ""
    while "score 2/35" not in seen:  # y3's verdict: the session now waits for a4's line
        line = process.stdout.readline()
        assert line, seen
        seen += line
    time.sleep(0.3)
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, err
    assert err == f"bpcheck: interrupted ({signal.Signals(signum).name}); your answers are saved in t.yaml\n"
    assert "  a3: 0.755\n  y3: 0.6803\n  a4:\n" in (tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["t.yaml"]


def test_a_closed_standard_input_ends_the_session_without_a_traceback(cli, tmp_path):
    """`bpcheck practice ex1 <&-` (cron, some CI runners): Python's sys.stdin is then None."""
    process = _bpcheck(cli, ["practice", "ex1", "--save", "c.yaml"], tmp_path, stdin=subprocess.DEVNULL,
                       preexec_fn=lambda: os.close(0))
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err[-600:]
    assert process.returncode in (1, 2) and (err.startswith("bpcheck: ") or "Score: 0 / 35" in out)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_whole_session_on_a_terminal_with_one_slip_and_the_file_grades_the_same(cli, tmp_path):
    import pty
    import select

    values, asked = exact(cli, "ex1")
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.chdir(tmp_path)
            os.execve(sys.executable, cli.argv("practice", "ex1", "--save", "t.yaml"), cli.environ({"COLUMNS": "200"}))
        finally:
            os._exit(127)
    seen, transcript = "", []
    deadline = time.monotonic() + 45

    def expect(text: str) -> str:
        nonlocal seen
        while text not in seen:
            assert time.monotonic() < deadline, f"waited for {text!r}:\n{seen[-1500:]}"
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    seen += os.read(fd, 65536).decode("utf-8", "replace").replace("\r\n", "\n")
                except OSError:
                    break
        before, _, seen = seen.partition(text)
        transcript.append(before + text)
        return before + text

    try:
        for name in asked:
            expect(f"{name}: ")
            if name == "delta3":
                os.write(fd, b"-0.0122\r")  # the slip: y3(1 - y3) left out
                said = expect("delta3, second try: ")
                assert "✗ wrong (missing-activation-derivative) · score 8/35" in said
                assert "with your numbers: delta3 = (0.6803)(0.3197)(0.3)(-0.04068)" in said
            os.write(fd, f"{values[name]!r}\r".encode())
        said = expect("goes on.")
        assert "✓ correct on the second try · score 9/35" in "".join(transcript)
        assert "Score: 35 / 35 (100.0%): 35 correct, 0 carried forward, 0 wrong, 0 missing." in said
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    record = grade_json(cli, tmp_path / "t.yaml")
    assert record["score"] == 35.0 and all(r["verdict"] == "correct" for r in record["results"])


# ----------------------------------------------------------------------------------- the drawing


@pytest.mark.parametrize("spec", [*BUILT_IN, *TRAINING])
def test_the_terminal_drawing_fits_every_width_from_20_to_200(spec):
    solution = solve(load_exercise(spec))
    for step in (False, True):
        for width in range(20, 201):
            lines = network_lines(solution, width=width, step=step)
            assert max(map(cells, lines)) <= width, (spec, step, width)
    boxed = network_lines(solution, width=200, step=True)
    for quantity in solution.graph:
        if quantity.kind in ("W", "b") and quantity.stage == "given":
            assert any(quantity.name in line and FMT(solution.values[quantity.name]) in line for line in boxed)


def test_show_diagram_of_a_hostile_title_at_20_columns(cli, tmp_path):
    exercise = tmp_path / "hostile.yaml"
    exercise.write_text(EX1_YAML.replace("title: the tutorial's network",
                                         'title: "\\e[31m<b>&amp;\\u202e \\\\textbf{x} 中文 \\x07"'), encoding="utf-8")
    result = cli("show", exercise, "--diagram", "--step", env={"COLUMNS": "20"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    drawing = result.stdout.split("The network after", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert drawing and max(map(cells, drawing)) <= 20, drawing


@pytest.mark.parametrize("spec", [*BUILT_IN, *TRAINING])
def test_the_svg_is_well_formed_and_holds_every_weight_and_value(cli, spec, tmp_path):
    solution = solve(load_exercise(spec))
    values = solution.values
    suffix = "[1]" if any(name.endswith("[1]") for name in values) else ""
    path = tmp_path / "n.svg"
    result = cli("show", spec, "--svg", path, "--step")
    assert result.exit_code == 0, result.output
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    shown = {"".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")}
    for quantity in solution.graph:
        if quantity.kind in ("W", "b") and quantity.stage == "given":
            frozen = quantity.name in solution.exercise.network.frozen
            assert f"{quantity.name} = {FMT(values[quantity.name])}{' (fixed)' if frozen else ''}" in shown, quantity.name
        if quantity.kind in ("W_new", "b_new"):
            assert f"{quantity.name} = {FMT(values[quantity.name])}" in shown, quantity.name
    symbols = {"a": "a", "y": "y", "delta": "δ"}
    for quantity in solution.graph:
        if quantity.kind in symbols and quantity.stage in ("forward", "backward") and \
                (quantity.name.endswith(suffix) if suffix else "[" not in quantity.name):
            assert f"{symbols[quantity.kind]}{quantity.unit} = {FMT(values[quantity.name])}" in shown, quantity.name


def test_the_svg_of_adam_has_the_new_weights_a_step_of_adam_gives():
    shown = network_svg(solve(load_exercise(ADAM)), step=True)
    for name, new in (("W13_new", "0.09000"), ("W23_new", "0.7900"), ("W35_new", "0.2900"), ("W45_new", "0.8900")):
        assert f">{name} = {new}<" in shown


# ----------------------------------------------------------------------------------------- pages


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
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\x1b[31m" in body or extra
        text = unescape(re.sub(r"<[^>]+>", " ", body))
        assert ("Score: 1 / 35" in text) if not extra else (" 1/35 " in text and "1 file: 0 passed" in text)


# ------------------------------------------------------------------------------------------ LaTeX


PDFLATEX = shutil.which("pdflatex")
DOCUMENT = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{booktabs}\n\\begin{document}\n" \
           "\\input{key}\n\\end{document}\n"


def _compiled(tmp_path: Path, key: str) -> str:
    (tmp_path / "key.tex").write_text(key, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(DOCUMENT, encoding="utf-8")
    done = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, errors="replace", timeout=300)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, "\n".join(line for line in log.splitlines() if line.startswith("!"))[:1500]
    return log


@pytest.mark.skipif(PDFLATEX is None, reason="no pdflatex")
@pytest.mark.parametrize("spec", [ADAM, XOR])
def test_an_exam_key_of_a_dataset_or_adam_stays_on_its_pages(cli, tmp_path, spec):
    """An align* cannot break across pages unless told it may: one taller than a page runs off it."""
    log = _compiled(tmp_path, cli("solve", spec, "--format", "latex").stdout)
    assert "Overfull \\vbox" not in log, "a display runs off the bottom of the page"


@pytest.mark.skipif(PDFLATEX is None, reason="no pdflatex")
def test_a_title_in_a_latin_script_compiles_with_the_two_packages(cli, tmp_path):
    title = "«Übung 3» Ćwiczenie: część ą ę; Þór ð; Đorđe; ſ ƒ ǅ"
    exercise = tmp_path / "latin.yaml"
    exercise.write_text(EX1_YAML.replace("title: the tutorial's network", f'title: "{title}"'), encoding="utf-8")
    key = cli("solve", exercise, "--format", "latex").stdout
    assert "Übung 3" in key and "Ćwiczenie" in key  # what pdflatex sets is kept as it is
    _compiled(tmp_path, key)


# --------------------------------------------------------------------------------------- start-up


def _imported(cli, *args: str) -> set[str]:
    # As a user's shell starts it: colour on, the width left to the terminal.
    done = cli.process(*args, python=("-X", "importtime"), cwd=ROOT, env={"NO_COLOR": None, "COLUMNS": None})
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_start_up_imports_none_of_the_new_renderers(cli):
    at_help = _imported(cli, "--help")
    assert not {name for name in at_help if name.split(".")[0] in ("rich", "yaml")}
    assert not {name for name in at_help if name.startswith("bpcheck.report") or name == "bpcheck.practice"}
    at_solve = _imported(cli, "solve", "ex1")
    assert {"bpcheck.practice", "bpcheck.report.html", "bpcheck.report.latex", "bpcheck.report.practice_text",
            "bpcheck.report.diagram_svg"}.isdisjoint(at_solve)
    assert "bpcheck.report.diagram" in at_solve  # the drawing atop the tables, as the manual says


# ----------------------------------------------------------------------------------------- the docs


def test_the_manual_shows_the_drawing_the_svg_and_links_the_example_page_and_changelog_lists_it_all():
    drawn = (ROOT / "docs" / "students" / "diagram.md").read_text(encoding="utf-8")
    pages = (ROOT / "docs" / "instructors" / "pages.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    drawing = drawn.split("<!-- output: bpcheck show ex1 --diagram -->\n```text\n", 1)[1].split("```")[0]
    assert "│ x1 0.35 │" in drawing and "W13 0.1 ──┤" in drawing and "│ y 0.6903 │" in drawing
    assert "](../ex1-network.svg)" in drawn and (ROOT / "docs" / "ex1-network.svg").is_file()
    assert "](../ex1-solution.html)" in pages and (ROOT / "docs" / "ex1-solution.html").is_file()
    ET.parse(ROOT / "docs" / "ex1-network.svg")
    for entry in ("`bpcheck practice EXERCISE", "`bpcheck show EXERCISE --diagram`", "`--svg PATH`", "--format html",
                  "--format latex", "chromium"):
        assert entry in changelog, entry
