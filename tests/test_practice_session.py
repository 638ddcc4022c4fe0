"""`bpcheck practice`, a session end to end, as a course instructor and an acceptance test would check it:
the scripted protocol exactly as README's "Practice" documents it (help, not a number, second try, going
back, skip, reveal or not, quit), the answers file grading the same as the session said, every built-in
exercise, a dataset, momentum, Adam and a variant credited when fed the exact answers, the hint level never
showing an expected value (the "with your numbers" line included), SIGINT/SIGTERM, a closed standard input
and a full session on a real pseudo-terminal, a student's name written back readable.
(tests/test_practice.py tests the session's rules one at a time.)

Numbers are the tutorial's §13 (ex1): a3 = 0.755, y3 = 0.6803, y5 = 0.6903, E = 0.01810,
delta5 = -0.04068, delta3 = -0.002654, W13_new = 0.09907.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import practice_summary

from bpcheck.numbers import number_formatter

ROOT = Path(__file__).resolve().parent.parent
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
    said = practice_summary(out)
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
