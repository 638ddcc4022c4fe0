"""`bpcheck practice`: a session fed through standard input (the script protocol) and through a real
pseudo-terminal; the state machine itself; and the answers file it writes, which `bpcheck grade` must
grade to the same score and verdicts as the session said.

Numbers are the tutorial's §13 (ex1): y3 = 0.6803, delta5 = -0.04068, delta3 = -0.002654 ...
"""

from __future__ import annotations

import json
import os
import re
import select
import sys
import time
from pathlib import Path

import pytest
from helpers import assert_bad_input_line, practice_summary

from bpcheck import load_exercise, solve
from bpcheck.practice import Ask, Checked, Finished, Intro, Noted, Practice, Prompt, Revealed, Said

ROOT = Path(__file__).resolve().parent.parent
EX1 = solve(load_exercise("ex1"))
EXACT = EX1.values
ASKED = list(EX1.asked)
SLOPE_LEFT_OUT = EXACT["W35"] * EXACT["delta5"]  # delta3 without y3(1 - y3): -0.0122


def practice(cli, *args, input: str):
    return cli("practice", *args, input=input)


def grade_json(cli, path: Path) -> tuple[int, dict]:
    result = cli("grade", path, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def lines(*values) -> str:
    """A script: one line a prompt; a float is written as the shortest text that reads back as it."""
    return "".join(f"{value!r}\n" if isinstance(value, float) else f"{value}\n" for value in values)


def worked_from(own: dict[str, float]) -> dict[str, float]:
    """Every value worked on from a student's own ``own`` values (exact arithmetic otherwise)."""
    values: dict[str, float] = {}
    for quantity in EX1.graph:
        values[quantity.name] = own[quantity.name] if quantity.name in own else quantity.evaluate(values)
    return values


def block(output: str, prompt: str) -> str:
    """What was said after the prompt line that starts ``prompt`` (e.g. 'delta3: '): the indented
    lines that follow it (a formula, a heading or the next prompt is not indented)."""
    after = output.split(f"\n{prompt}", 1)[1].split("\n")[1:]
    said = []
    for line in after:
        if not line.startswith("  "):
            break
        said.append(line)
    return "\n".join(said)


# ---------------------------------------------------------------- a session fed through standard input


def test_one_slip_is_named_hinted_with_the_students_numbers_and_the_second_try_is_accepted(cli, tmp_path):
    save = tmp_path / "mine.yaml"
    script = [EXACT[name] for name in ASKED]
    slip = ASKED.index("delta3")
    script[slip:slip + 1] = [SLOPE_LEFT_OUT, EXACT["delta3"]]
    result = practice(cli, "ex1", "--save", save, input=lines(*script))
    output = result.stdout
    assert result.exit_code == 0, output
    assert output.startswith("Practice: Exercise 1: the tutorial's network (ex1)\n")
    assert "Given: x1 = 0.35, x2 = 0.9, W13 = 0.1, W23 = 0.8, W14 = 0.4, W24 = 0.6, W35 = 0.3, W45 = 0.9" in output
    # The formula to use comes before each prompt, the stage's heading before its first.
    assert "\nStep 3: deltas\ndelta5 = y5(1 - y5)(t5 - y5)\ndelta5: -0.04068112511233903\n" in output
    assert block(output, "a3: ") == "  ✓ correct · score 1/35"
    assert block(output, "delta5: ") == "  ✓ correct · score 8/35"
    assert "\ndelta3 = y3(1 - y3)·W35·delta5\ndelta3: -0.012204337533701709\n" in output
    assert block(output, "delta3: ").splitlines() == [
        "  ✗ wrong (missing-activation-derivative) · score 8/35",
        "  hint: The activation's derivative is missing; the formula is delta3 = y3(1 - y3)·W35·delta5",
        "  with your numbers: delta3 = (0.6803)(0.3197)(0.3)(-0.04068)"]
    assert block(output, "delta3, second try: ") == "  ✓ correct on the second try · score 9/35"
    before_the_second_try = output.split("delta3, second try:")[0]
    assert "0.002654" not in before_the_second_try and "0.00265" not in before_the_second_try
    assert "show the answer" not in output  # only after a wrong second try
    assert ("\nScore: 35 / 35 (100.0%): 35 correct, 0 carried forward, 0 wrong, 0 missing. The step goes downhill.\n"
            in output)
    assert practice_summary(output)["right"] == ASKED
    # The file it wrote: what `bpcheck template` writes, filled in, and graded the same.
    text = save.read_text(encoding="utf-8")
    assert "\nexercise: ex1\nanswers:\n  # Step 1: forward pass" in text
    assert "\n  delta3: -0.002654489030884742\n" in text
    code, record = grade_json(cli, save)
    assert (code, record["exercise"], record["score"], record["max_score"]) == (0, "ex1", 35.0, 35.0)


def test_a_slip_carried_forward_is_credited_as_grade_credits_it_and_the_file_grades_the_same(cli, tmp_path):
    save = tmp_path / "ex1-answers.yaml"
    own = worked_from({"y3": 0.73})  # y3 slipped; everything after it worked on from 0.73
    script: list[object] = []
    for name in ASKED:
        script += [0.73, 0.73, "n"] if name == "y3" else [own[name]]
    result = practice(cli, "ex1", "--save", save, input=lines(*script))
    output = result.stdout
    assert block(output, "y3: ").splitlines() == ["  ✗ wrong · score 1/35",
                                                  "  hint: check y3 = σ(a3) with your a3 = 0.755",
                                                  "  with your numbers: y3 = σ(0.755)"]
    assert block(output, "y3, second try: ") == "  ✗ wrong · score 1/35"  # the same hint is not said twice
    assert "\nshow the answer? [y/N]: n\n" in output
    assert block(output, "a5: ") == ("  ✓ carried forward · score 4/35\n"
                                     "  follows from your y3 = 0.73 (the exact value is 0.8014)")
    said = practice_summary(output)
    assert said["wrong"] == ["y3"] and "a5" in said["carried forward"] and "a4" in said["right"]
    code, record = grade_json(cli, save)
    graded = {verdict: [r["name"] for r in record["results"] if r["verdict"] == verdict and r["name"] != "downhill"]
              for verdict in ("correct", "carried_forward", "wrong", "missing")}
    assert said == {"right": graded["correct"], "carried forward": graded["carried_forward"],
                    "wrong": graded["wrong"], "missing": graded["missing"]}
    assert f"Score: {record['score']:g} / 35 " in output and record["score"] == 34.0
    assert result.exit_code == 1 == code  # as grade: a wrong value is exit code 1


def test_the_answer_is_shown_when_asked_for_after_a_wrong_second_try(cli, tmp_path):
    script = [EXACT[name] for name in ASKED[:ASKED.index("delta3")]] + [SLOPE_LEFT_OUT, SLOPE_LEFT_OUT, "y", "q"]
    result = practice(cli, "ex1", "--save", tmp_path / "a.yaml", input=lines(*script))
    assert block(result.stdout, "show the answer? [y/N]: ").splitlines() == [
        "  answer: delta3 = y3(1 - y3)·W35·delta5 = (0.6803)(0.3197)(0.3)(-0.04068) = -0.002654",
        "  accepted: -0.002654 ± 1%: -0.002681 … -0.002628"]
    assert "\ndelta4 = y4(1 - y4)·W45·delta5\ndelta4: q\n" in result.stdout  # then on to the next value


def test_skip_back_help_a_line_that_is_not_a_number_and_quit(cli, tmp_path):
    save = tmp_path / "s.yaml"
    script = ["<", "?", "0.755", "", ":back", "abc", "0.6803", "", "q"]
    result = practice(cli, "ex1", "--save", save, input=lines(*script))
    output = result.stdout
    assert block(output, "a3: <") == "  a3 is the first value asked: there is none before it"
    assert "? or :help shows this" in block(output, "a3: ?")
    # y3 skipped, then back to it from a4; a line that is not a number asks again, costing no try.
    assert "\ny3: \na4 = W14·x1 + W24·x2\na4: :back\n\nStep 1: forward pass\ny3 = σ(a3)\ny3: abc\n" in output
    assert "  'abc' is not a number: type a number such as 0.25 or -1.5e-3, or ? for help\ny3: 0.6803\n" in output
    assert "\na4: \ny4 = σ(a4)\ny4: q\n" in output
    assert "\nScore: 2 / 35 (5.7%): 2 correct, 0 carried forward, 0 wrong, 33 missing.\n" in output
    assert result.exit_code == 1
    text = save.read_text(encoding="utf-8")
    assert "\n  a3: 0.755\n  y3: 0.6803\n  a4:\n  y4:\n" in text


def test_the_end_of_input_ends_the_session_as_quit_does(cli, tmp_path):
    result = practice(cli, "ex1", "--save", tmp_path / "e.yaml", input="0.755\n")
    assert result.exit_code == 1
    assert result.stdout.endswith("Score: 1 / 35 (2.9%): 1 correct, 0 carried forward, 0 wrong, 34 missing.\n"
                                  "  right: a3\n  missing: " + ", ".join(ASKED[1:]) + "\n"
                                  f"Your answers are in {tmp_path / 'e.yaml'}: `bpcheck grade "
                                  f"{tmp_path / 'e.yaml'}` shows the report, `bpcheck practice ex1 --save "
                                  f"{tmp_path / 'e.yaml'} --resume` goes on.\n")


def test_resume_skips_what_is_right_keeps_the_rest_and_an_existing_file_is_never_overwritten(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = practice(cli, "ex1", input=lines(0.755, 0.6803, 0.68, 0.6637, 0.9, 0.9, "n", "q"))
    assert first.exit_code == 1
    save = tmp_path / "ex1-answers.yaml"  # the default: the exercise's name, in the current folder
    before = save.read_bytes()
    again = practice(cli, "ex1", input="0.755\n")
    assert_bad_input_line(again, "ex1-answers.yaml: ", ["already a file there", "--resume", "--save"])
    assert save.read_bytes() == before
    resumed = practice(cli, "ex1", "--resume", input=lines("", EXACT["y5"], "q"))
    output = resumed.stdout
    assert "Resuming: 4 of 35 values are already right; 31 to go." in output
    assert "\na3: " not in output and "\ny4: " not in output
    assert "\na5 = W35·y3 + W45·y4\n  yours: 0.9 (✗ wrong); an empty line keeps it\na5: \n" in output
    assert block(output, "y5: ") == "  ✓ correct · score 5/35"
    text = save.read_text(encoding="utf-8")
    assert "\n  a5: 0.9\n" in text and f"\n  y5: {EXACT['y5']!r}\n" in text
    code, record = grade_json(cli, save)
    assert record["score"] == 5.0 and code == 1


def test_resume_keeps_the_students_name_the_variant_and_values_not_asked(cli, tmp_path):
    save = tmp_path / "r.yaml"
    save.write_text("exercise: ex1\nvariant: alice\nstudent: \"007\"\nanswers:\n  x1: 0.1\n  a3: 0.755\n",
                    encoding="utf-8")
    result = practice(cli, "ex1", "--save", save, "--resume", input="q\n")
    assert "Practice: Exercise 1: the tutorial's network (ex1, variant alice)" in result.stdout
    assert "\na3 = W13·x1 + W23·x2\n  yours: 0.755 (✗ wrong); an empty line keeps it\n" in result.stdout
    from bpcheck.variants import make_variant

    alice = solve(make_variant(load_exercise("ex1"), "alice")).values
    result = practice(cli, "ex1", "--save", save, "--resume", input=lines(alice["a3"], "q"))
    assert block(result.stdout, "a3: ") == "  ✓ correct · score 1/35"
    text = save.read_text(encoding="utf-8")
    assert "\nexercise: ex1\nstudent: \"007\"\nvariant: alice\nanswers:\n" in text
    assert text.endswith("  E_after:\n  x1: 0.1\n")
    other = practice(cli, "ex1", "--save", save, "--resume", "--variant", "bob", input="q\n")
    assert_bad_input_line(other, f"{save}:", ["variant: alice is not the variant being graded, bob"])


def test_the_hint_level_never_shows_an_expected_value(cli, tmp_path):
    """a3 right; y3 and a4 wrong twice; the rest worked on from them (carried forward). No expected
    value may appear at 3 to 6 significant digits, but the student's own numbers and the givens do."""
    own = worked_from({"y3": 0.73, "a4": 0.7})
    script: list[object] = []
    for name in ASKED:
        script += [own[name], own[name]] if name in ("y3", "a4") else [own[name]]
    result = practice(cli, "ex1", "--save", tmp_path / "h.yaml", "--feedback", "hint", input=lines(*script))
    output = result.stdout
    assert "Feedback: hint" in output
    assert block(output, "y3, second try: ").splitlines() == [
        "  ✗ wrong · score 1/35", "  The answer is not shown at the hint feedback level."]
    assert block(output, "a5: ") == "  ✓ carried forward · score 3/35\n  follows from your y3 = 0.73"
    assert "show the answer" not in output and "expected" not in output and "exact value" not in output
    summary = practice_summary(output)
    assert summary["wrong"] == ["y3", "a4"] and {"a5", "delta3", "dW35"} <= set(summary["carried forward"])
    for name in summary["wrong"] + summary["carried forward"]:  # what is right is the student's own number
        for digits in range(3, 7):
            for text in {f"{abs(EXACT[name]):.{digits}g}", f"{abs(EXACT[name]):#.{digits}g}"}:
                assert not re.search(rf"(?<![\d.]){re.escape(text)}(?!\d)", output), (name, text)
    assert result.exit_code == 1


def test_the_verdict_level_gives_no_hint_and_the_score_level_only_the_score_at_the_end(cli, tmp_path):
    verdict = practice(cli, "ex1", "--save", tmp_path / "v.yaml", "--feedback", "verdict",
                       input=lines(0.755, SLOPE_LEFT_OUT, SLOPE_LEFT_OUT, "q"))
    assert block(verdict.stdout, "y3: ") == "  ✗ wrong · score 1/35"
    assert block(verdict.stdout, "y3, second try: ").splitlines() == [
        "  ✗ wrong · score 1/35", "  The answer is not shown at the verdict feedback level."]
    assert "hint" not in verdict.stdout.split("Type each value")[1].replace("? helps", "")
    wrong = [EXACT[name] * 1.5 for name in ASKED]
    score = practice(cli, "ex1", "--save", tmp_path / "s.yaml", "--feedback", "score", input=lines(*wrong))
    session = score.stdout.split("\nScore:")[0]
    assert session.count("\n  noted\n") == 35 and "second try" not in session
    assert not re.search(r"correct|wrong|carried|score \d|hint", session.split("helps.")[1])
    assert score.stdout.endswith("Score: 0 / 35 (0.0%).\n" + score.stdout.rsplit("Score: 0 / 35 (0.0%).\n")[1])
    assert "right:" not in score.stdout and score.exit_code == 1


def test_the_exercises_feedback_level_is_obeyed_and_the_option_overrides_it(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text((ROOT / "exercises" / "ex1.yaml").read_text(encoding="utf-8") + "feedback: verdict\n",
                        encoding="utf-8")
    result = practice(cli, exercise, "--save", tmp_path / "a.yaml", input=lines(0.7, 0.7))
    assert "Feedback: verdict" in result.stdout and "hint:" not in result.stdout
    full = practice(cli, exercise, "--save", tmp_path / "b.yaml", "--feedback", "full", input=lines(0.7))
    assert "  hint: check a3 = W13·x1 + W23·x2" in full.stdout


def test_a_variant_uses_its_numbers_records_its_name_and_names_the_exercises_own_numbers(cli, tmp_path):
    """One value of the exercise's own numbers may be a coincidence and names nothing; by the third
    that agrees with them (a3, a4, a5: each worked from the exercise's givens), it is named."""
    from bpcheck.variants import make_variant

    alice = solve(make_variant(load_exercise("ex1"), "alice")).values
    save = tmp_path / "alice.yaml"
    result = practice(cli, "ex1", "--variant", "alice", "--save", save, "--feedback", "hint",
                      input=lines(EXACT["a3"], EXACT["a3"], EXACT["y3"], EXACT["a4"], EXACT["a4"], EXACT["y4"],
                                  EXACT["a5"], "q"))
    output = result.stdout
    assert f"Given: x1 = {alice['x1']:g}, x2 = {alice['x2']:g}, W13 = {alice['W13']:g}" in output
    assert block(output, "a3: ").startswith("  ✗ wrong · score 0/35\n  hint: check a3 = W13·x1 + W23·x2")
    assert block(output, "y3: ") == "  ✓ carried forward · score 1/35\n  follows from your a3 = 0.755"
    # At a5 the third value agrees: a3, a4 and a5 are named, and what followed from them loses its credit.
    assert block(output, "a5: ").startswith("  ✗ wrong (other-numbers) · score 0/35\n"
                                            "  hint: This is the value for the exercise's own numbers")
    text = save.read_text(encoding="utf-8")
    assert "\nexercise: ex1\nvariant: alice\nanswers:\n" in text
    code, record = grade_json(cli, save)
    assert (record["variant"], record["score"]) == ("alice", 0.0)
    assert [r["misconception"] for r in record["results"] if r["verdict"] == "wrong"] == [
        "other-numbers", None, "other-numbers", None, "other-numbers"]


def test_an_answers_file_beside_another_folder_names_the_exercise_from_there(cli, tmp_path, monkeypatch):
    course = tmp_path / "course"
    course.mkdir()
    (course / "hw1.yaml").write_text((ROOT / "exercises" / "ex1.yaml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path)
    result = practice(cli, "course/hw1.yaml", "--save", "work/a.yaml", input="0.755\n")
    assert result.exit_code == 1
    assert "\nexercise: ../course/hw1.yaml\n" in (tmp_path / "work" / "a.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    code, record = grade_json(cli, Path("a.yaml"))
    assert record["exercise_file"] == "../course/hw1.yaml" and record["score"] == 1.0


def test_bad_input_is_one_line(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text((ROOT / "exercises" / "ex1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert_bad_input_line(practice(cli, exercise, "--save", exercise, "--resume", input=""), f"{exercise}: ",
                          ["--save would overwrite an input"])
    assert_bad_input_line(practice(cli, "ex1", "--save", tmp_path, input=""), "", ["--save", "is a directory"])
    assert_bad_input_line(practice(cli, "ex9000", input=""), "", ["ex9000"])
    assert_bad_input_line(practice(cli, "ex1", "--feedback", "loud", input=""), "", ["--feedback"])


def test_the_practice_transcript_is_real_output(cli, tmp_path, monkeypatch):
    page = (ROOT / "docs" / "students" / "practice.md").read_text(encoding="utf-8")
    shown = page.split("\n```text\nPractice: ", 1)[1].split("\n```", 1)[0]
    shown = "Practice: " + shown
    monkeypatch.chdir(tmp_path)
    script = ["0.755", "0.7", "0.6803", "0.68", "0.6637", "0.8014", "0.6903", "0.0181", "-0.04068", "-0.0122",
              "-0.0122", "y", "q"]
    output = practice(cli, "ex1", input=lines(*script)).stdout.rstrip("\n")
    head, tail = shown.split("\n…\n")
    assert output.startswith(head + "\n") and output.endswith("\n" + tail)
    assert "\ny5: 0.6903\n  ✓ correct · score 6/35\n" in output  # what the page cuts is right too


# ---------------------------------------------------------------- the state machine itself


def test_the_session_is_a_state_machine_of_prompts_and_events():
    session = Practice(EX1)
    intro, ask = session.start()
    assert isinstance(intro, Intro) and intro.asked == 35 and intro.right == 0
    assert ask == Ask("a3", "a3 = W13·x1 + W23·x2", "Step 1: forward pass", None, "")
    assert session.prompt == Prompt("value", "a3") and session.version == 0
    [checked] = session.feed("0.7")
    assert isinstance(checked, Checked) and (checked.verdict, checked.attempt, checked.score) == ("wrong", 1, 0.0)
    assert (checked.note, checked.worked) == ("check a3 = W13·x1 + W23·x2", "a3 = (0.1)(0.35) + (0.8)(0.9)")
    assert session.prompt == Prompt("retry", "a3") and session.answers == {"a3": 0.7} and session.version == 1
    [checked] = session.feed("0.71")
    assert checked.attempt == 2 and session.prompt == Prompt("reveal", "a3")
    [revealed, ask] = session.feed("yes")
    assert revealed == Revealed("a3", "a3 = W13·x1 + W23·x2 = (0.1)(0.35) + (0.8)(0.9) = 0.755",
                                "0.755 ± 1%: 0.7475 … 0.7626")
    assert ask.name == "y3" and ask.stage == ""
    assert session.feed("−0.5")[0].verdict == "wrong"  # a typographic minus, as an answers file allows
    [finished] = session.feed(None)
    assert isinstance(finished, Finished) and finished.quit and session.finished
    assert finished.grade.score == 0.0 and session.answers == {"a3": 0.71, "y3": -0.5}


def test_the_score_level_says_nothing_of_an_answer_and_gives_no_second_try():
    session = Practice(EX1, feedback="score")
    session.start()
    events = session.feed("0.7")
    assert isinstance(events[0], Noted) and events[1].name == "y3" and session.prompt == Prompt("value", "y3")
    assert session.feed("nonsense")[0] == Said("problem", "'nonsense' is not a number: type a number such as 0.25 "
                                                          "or -1.5e-3, or ? for help")


def test_a_session_with_every_value_already_right_finishes_at_once():
    session = Practice(EX1, answers={name: EXACT[name] for name in ASKED})
    intro, finished = session.start()
    assert intro.right == 35 and intro.asked == 0
    assert isinstance(finished, Finished) and not finished.quit and finished.grade.passed()


# ---------------------------------------------------------------- a real terminal


class Terminal:
    """`python -m bpcheck ...` on a pseudo-terminal: what it prints is read until a text appears,
    never longer than the deadline, so that a test cannot hang."""

    def __init__(self, cli, args, cwd: Path, deadline: float):
        import pty

        self.deadline = deadline
        env = cli.environ({"COLUMNS": "200", "LINES": "50"})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: its terminal is the pty's other end
            try:
                os.chdir(cwd)
                os.execve(sys.executable, cli.argv(*args), env)
            finally:
                os._exit(127)
        self._resize(200, 50)
        self.status: int | None = None  # the child's wait status, once it has ended
        self.seen = ""
        self.unread = ""

    def _resize(self, columns: int, rows: int) -> None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child has gone: Linux says EIO
            return False
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
        self.seen += text
        self.unread += text
        return bool(data)

    def expect(self, text: str, timeout: float = 15) -> str:
        """Everything printed up to and including ``text``."""
        end = min(time.monotonic() + timeout, self.deadline)
        while text not in self.unread:
            if time.monotonic() >= end:
                raise AssertionError(f"waited for {text!r}; the terminal shows:\n{self.seen[-2000:]}")
            if not self._read(end - time.monotonic()) and self._ended():
                self._read(0.1)
                if text not in self.unread:
                    raise AssertionError(f"the program ended before {text!r}:\n{self.seen[-2000:]}")
        before, after = self.unread.split(text, 1)
        self.unread = after
        return before + text

    def _ended(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode("utf-8"))

    def exit_code(self) -> int:
        while not self._ended():
            if time.monotonic() >= self.deadline:
                raise AssertionError(f"the program did not end:\n{self.seen[-2000:]}")
            self._read(0.1)  # drain, so that the child is never blocked writing
        return os.waitstatus_to_exitcode(self.status)

    def kill(self) -> None:
        """Stop the child if it is still running, and close the terminal."""
        import signal

        if not self._ended():
            os.kill(self.pid, signal.SIGKILL)
            self.status = os.waitpid(self.pid, 0)[1]
        os.close(self.fd)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_session_on_a_terminal_with_one_slip_then_ctrl_c_keeps_every_answer(cli, tmp_path):
    deadline = time.monotonic() + 60
    save = tmp_path / "ex1-answers.yaml"
    terminal = Terminal(cli, ["practice", "ex1", "--save", str(save)], tmp_path, deadline)
    try:
        said = terminal.expect("a3: ")
        assert "Practice: Exercise 1: the tutorial's network (ex1)" in said
        for index, name in enumerate(ASKED[:ASKED.index("delta3")]):
            assert f"\n{name} = {EX1.graph[name].symbolic}\n" in said
            terminal.type(f"{EXACT[name]!r}\r")  # Enter, as a terminal sends it
            said = terminal.expect(f"{ASKED[index + 1]}: ")
            assert said.startswith(f"{EXACT[name]!r}\n  ✓ correct · score {index + 1}/35\n")  # echoed as typed
        terminal.type(f"{SLOPE_LEFT_OUT!r}\r")
        said = terminal.expect("delta3, second try: ")
        assert ("  ✗ wrong (missing-activation-derivative) · score 8/35\n"
                "  hint: The activation's derivative is missing; the formula is delta3 = y3(1 - y3)·W35·delta5\n"
                "  with your numbers: delta3 = (0.6803)(0.3197)(0.3)(-0.04068)\n") in said
        terminal.type("-0.002654\r")
        said = terminal.expect("delta4: ")
        assert "  ✓ correct on the second try · score 9/35\n" in said
        # Ctrl-C, as the terminal sends it: SIGINT to the session. A signal that lands between the
        # prompt being written and the read that waits for the line is only seen when the read returns
        # (CPython runs handlers between bytecodes): give the child time to block in the read, and
        # press Ctrl-C again, as a person would, if the first went unseen.
        time.sleep(0.5)
        terminal.type("\x03")
        try:
            said = terminal.expect("saved in", timeout=5)
        except AssertionError:
            terminal.type("\x03")
            said = terminal.expect("saved in", timeout=15)
        assert "bpcheck: interrupted (SIGINT); your answers are saved in" in said
        assert terminal.exit_code() == 130
    finally:
        terminal.kill()
    text = save.read_text(encoding="utf-8")
    for name in ASKED[:ASKED.index("delta3")]:
        assert f"\n  {name}: {EXACT[name]!r}\n" in text
    assert "\n  delta3: -0.002654\n  delta4:\n" in text
    code, record = grade_json(cli, save)
    assert record["score"] == 9.0 and code == 1
    assert not [path.name for path in tmp_path.iterdir() if path.name != save.name]  # no temporary file left


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_ctrl_d_on_a_terminal_ends_the_session_with_its_summary(cli, tmp_path):
    terminal = Terminal(cli, ["practice", "ex1", "--save", str(tmp_path / "d.yaml")], tmp_path, time.monotonic() + 60)
    try:
        terminal.expect("a3: ")
        terminal.type("0.755\r")
        terminal.expect("y3: ")
        terminal.type("\x04")  # Ctrl-D at the start of a line: the end of input
        said = terminal.expect("goes on.")
        assert "Score: 1 / 35 (2.9%): 1 correct, 0 carried forward, 0 wrong, 34 missing." in said
        assert terminal.exit_code() == 1
    finally:
        terminal.kill()
