"""The command line for grading: `bpcheck template`, `bpcheck grade` on one file (text and JSON reports,
tolerances, points, exit codes), whole classes (summary, CSV, JSON), and bad answers files, which must
give one line on stderr (file:line:column: what is wrong; what to do), exit code 2, no traceback, and
leave the file exactly as it was.

Expected numbers are the tutorial's own (§13) or worked here with plain ``math``.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from helpers import EX1_YAML, assert_bad_input_line, sigmoid

# Wide enough that no table row wraps; no colour; nothing that would make rich think it is on a terminal.

EX1_ASKED = ["a3", "y3", "a4", "y4", "a5", "y5", "E", "delta5", "delta3", "delta4",
             "dE_dW13", "dW13", "W13_new", "dE_dW23", "dW23", "W23_new", "dE_dW14", "dW14", "W14_new",
             "dE_dW24", "dW24", "W24_new", "dE_dW35", "dW35", "W35_new", "dE_dW45", "dW45", "W45_new",
             "a3_after", "y3_after", "a4_after", "y4_after", "a5_after", "y5_after", "E_after"]

# Tutorial §13, as printed (E ≈ 0.018 from §5). Strings, so the file holds exactly the printed digits.
SECTION_13 = {
    "a3": "0.755", "y3": "0.6803", "a4": "0.68", "y4": "0.6637", "a5": "0.8014", "y5": "0.6903",
    "E": "0.018", "delta5": "-0.0407", "delta3": "-0.00266", "delta4": "-0.00817",
    "dW13": "-0.000931", "W13_new": "0.0991", "dW23": "-0.00239", "W23_new": "0.7976",
    "dW14": "-0.00286", "W14_new": "0.3971", "dW24": "-0.00735", "W24_new": "0.5926",
    "dW35": "-0.0277", "W35_new": "0.2723", "dW45": "-0.0270", "W45_new": "0.8730",
    "y3_after": "0.6797", "y4_after": "0.6620", "y5_after": "0.6820",
}


def run_json(cli, *args):
    result = cli(*args, "--format", "json")
    return result, json.loads(result.stdout)


def answers_text(exercise: str, answers: dict[str, object], student: str | None = None) -> str:
    lines = [f"exercise: {exercise}"] + ([f"student: {student}"] if student else []) + ["answers:"]
    return "\n".join(lines + [f"  {name}: {value}" for name, value in answers.items()]) + "\n"


def write(path: Path, text: str) -> bytes:
    # surrogateescape lets a case hold a byte that is not UTF-8 ("\udce9" is written as the byte 0xe9).
    raw = text.encode("utf-8", "surrogateescape")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return raw


def write_answers(path: Path, exercise: str, answers: dict[str, object], student: str | None = None) -> Path:
    write(path, answers_text(exercise, answers, student))
    return path


def write_exercise(path: Path, extra: str = "", text: str = EX1_YAML) -> Path:
    write(path, text + extra)
    return path


def section_13_exercise(folder: Path) -> Path:
    """An exercise asking exactly the quantities §13 prints."""
    return write_exercise(folder / "section13.yaml", f"asked: [{', '.join(SECTION_13)}]\n")


def by_name(payload: dict) -> dict[str, dict]:
    return {record["name"]: record for record in payload["results"]}


def ex1_forward() -> dict[str, float]:
    """Exercise 1's forward pass and output delta, by hand (tutorial §13 steps 1-2)."""
    y3, y4 = sigmoid(0.1 * 0.35 + 0.8 * 0.9), sigmoid(0.4 * 0.35 + 0.6 * 0.9)
    y5 = sigmoid(0.3 * y3 + 0.9 * y4)
    return {"y3": y3, "y4": y4, "y5": y5, "delta5": y5 * (1 - y5) * (0.5 - y5)}


def table_row(stdout: str, first_cell: str) -> list[str]:
    """The cells of the text table row that starts with ``first_cell`` (cells are 2+ spaces apart)."""
    rows = [line.strip() for line in stdout.splitlines() if line.strip().startswith(first_cell + " ")]
    assert len(rows) == 1, (first_cell, rows)
    return re.split(r"\s{2,}", rows[0])


def assert_one_line_error(result, location: str, words: list[str]) -> str:
    """The CLI's contract for bad input; ``location`` is 'file:line:column' (or less); returns the message."""
    return assert_bad_input_line(result, location, words)


# ---------------------------------------------------------------- template


def test_template_lists_every_asked_quantity_blank_in_solving_order(cli):
    result = cli("template", "ex1")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "exercise: ex1" in lines and "answers:" in lines
    assert yaml.safe_load(result.stdout) == {"exercise": "ex1", "answers": {name: None for name in EX1_ASKED}}
    assert list(yaml.safe_load(result.stdout)["answers"]) == EX1_ASKED
    body = lines[lines.index("answers:") + 1:]
    assert [line for line in body if not line.lstrip().startswith("#")] == [f"  {name}:" for name in EX1_ASKED]
    # A short comment heads each stage, right before the stage's first quantity.
    comments = [index for index, line in enumerate(body) if line.lstrip().startswith("#")]
    assert [body[index + 1] for index in comments] == ["  a3:", "  E:", "  delta5:", "  dE_dW13:", "  a3_after:"]
    titles = ["Step 1: forward pass", "Step 2: error", "Step 3: deltas", "Step 4: gradients and weight updates",
              "Step 5: forward pass with the new weights"]
    assert [title in body[index] for index, title in zip(comments, titles)] == [True] * 5
    assert all(len(body[index]) < 150 for index in comments)


def test_template_of_an_exercise_that_asks_less(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_exercise(tmp_path / "hw.yaml", "asked: [delta3, backward, W13_new]\n")
    result = cli("template", "hw.yaml")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data == {"exercise": "hw.yaml", "answers": {"delta5": None, "delta3": None, "delta4": None,
                                                       "W13_new": None}}
    assert sum(line.lstrip().startswith("#") for line in result.stdout.splitlines()
               if line.startswith("  ")) == 2


def test_the_template_graded_unchanged_is_all_missing(cli, tmp_path):
    template = cli("template", "ex1")
    path = tmp_path / "answers.yaml"
    before = write(path, template.stdout)
    result, payload = run_json(cli, "grade", path)
    assert result.exit_code == 1, result.output
    # Every value missing, and the step check (downhill, worth 0 points) with no step to check.
    assert [(r["name"], r["verdict"], r["given"]) for r in payload["results"]] == [
        (name, "missing", None) for name in EX1_ASKED + ["downhill"]]
    assert (payload["score"], payload["max_score"]) == (0, 35)
    text = cli("grade", path)
    assert text.exit_code == 1
    assert text.stdout.rstrip().splitlines()[-1] == "Score: 0 / 35 (0.0%): 0 correct, 0 carried forward, 0 wrong, 35 missing."
    assert path.read_bytes() == before


def test_the_template_of_an_exercise_file_grades_when_saved_beside_it(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_exercise(tmp_path / "hw1.yaml")
    (tmp_path / "answers.yaml").write_text(cli("template", "hw1.yaml").stdout, encoding="utf-8")
    result, payload = run_json(cli, "grade", "answers.yaml")
    assert result.exit_code == 1, result.output
    assert {r["verdict"] for r in payload["results"]} == {"missing"} and len(payload["results"]) == 35 + 1


def test_the_template_of_an_exercise_whose_name_yaml_would_misread(cli, tmp_path, monkeypatch):
    """'week #3.yaml' is a fine file name, but unquoted after 'exercise:' YAML reads ' #3.yaml' as a comment."""
    monkeypatch.chdir(tmp_path)
    write_exercise(tmp_path / "week #3.yaml")
    template = cli("template", "week #3.yaml")
    assert template.exit_code == 0, template.output
    assert yaml.safe_load(template.stdout)["exercise"] == "week #3.yaml"
    (tmp_path / "answers.yaml").write_text(template.stdout, encoding="utf-8")
    result = cli("grade", "answers.yaml")
    assert result.exit_code == 1, result.output


def test_template_of_an_unknown_exercise(cli):
    result = cli("template", "ex99")
    assert_one_line_error(result, "'ex99' is neither a built-in exercise nor a YAML file", ["ex99"])


# ---------------------------------------------------------------- one file: verdicts, reports, exit codes


def test_tutorial_section_13_grades_fully_correct(cli, tmp_path):
    section_13_exercise(tmp_path)
    path = write_answers(tmp_path / "answers.yaml", "section13.yaml", SECTION_13)
    result = cli("grade", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.rstrip().splitlines()[-1] == (
        "Score: 25 / 25 (100.0%): 25 correct, 0 carried forward, 0 wrong, 0 missing. The step goes downhill.")
    result, payload = run_json(cli, "grade", path)
    assert result.exit_code == 0
    assert [(r["name"], r["verdict"]) for r in payload["results"]] == [
        (name, "correct") for name in EX1_ASKED + ["downhill"] if name in [*SECTION_13, "downhill"]]
    assert {r["name"]: r["given"] for r in payload["results"] if r["name"] != "downhill"} == {
        k: float(v) for k, v in SECTION_13.items()}
    assert payload["passed"] is True


def test_tutorial_section_13_against_ex1_leaves_the_unprinted_values_missing(cli, tmp_path):
    path = write_answers(tmp_path / "answers.yaml", "ex1", SECTION_13)
    result, payload = run_json(cli, "grade", path)
    assert result.exit_code == 1
    verdicts = {r["name"]: r["verdict"] for r in payload["results"]}
    assert {name for name, v in verdicts.items() if v == "correct"} == {*SECTION_13, "downhill"}
    assert {name for name, v in verdicts.items() if v == "missing"} == set(EX1_ASKED) - set(SECTION_13)
    assert (payload["score"], payload["max_score"]) == (25, 35)


def test_the_json_report(cli, tmp_path):
    """The documented keys; results in solving order; the answers file's line of each value."""
    path = write_answers(tmp_path / "answers.yaml", "ex1", {"y3": 0.6803, "a3": 0.755, "E": 0.0362})
    result, payload = run_json(cli, "grade", path)
    assert result.exit_code == 1
    assert {"exercise", "score", "max_score", "results"} <= set(payload)
    assert (payload["exercise"], payload["score"], payload["max_score"]) == ("ex1", 2, 35)
    assert [r["name"] for r in payload["results"]] == EX1_ASKED + ["downhill"]
    for record in payload["results"]:
        assert {"name", "verdict", "given", "expected", "misconception", "message", "line"} <= set(record)
    records = by_name(payload)
    assert (records["y3"]["line"], records["a3"]["line"], records["E"]["line"]) == (3, 4, 5)
    assert records["a3"]["expected"] == pytest.approx(0.755, rel=1e-12)   # 0.1·0.35 + 0.8·0.9
    assert records["a4"]["expected"] == pytest.approx(0.68, rel=1e-12)
    assert records["y3"]["expected"] == pytest.approx(sigmoid(0.755), rel=1e-12)
    assert records["E"] == {**records["E"], "verdict": "wrong", "given": 0.0362, "misconception": "missing-half"}
    assert records["a4"]["given"] is None and records["a4"]["line"] is None
    assert records["a4"]["verdict"] == "missing"


def test_the_text_report_has_a_table_per_stage_then_the_score(cli, tmp_path):
    forward = ex1_forward()
    y3 = 0.7007
    delta3 = y3 * (1 - y3) * 0.3 * forward["delta5"]      # worked from the student's own y3
    path = write_answers(tmp_path / "answers.yaml", "ex1",
                         {"a3": 0.755, "y3": y3, "E": 0.0362, "delta3": repr(delta3)})
    result = cli("grade", path)
    assert result.exit_code == 1
    out = result.stdout
    assert out.splitlines()[0] == f"{path}: ex1"
    titles = ["Step 1: forward pass", "Step 2: error", "Step 3: deltas", "Step 4: gradients and weight updates",
              "Step 5: forward pass with the new weights"]
    positions = [out.index(title) for title in titles]
    assert positions == sorted(positions)
    assert out.rstrip().splitlines()[-1] == ("Score: 2 / 35 (5.7%): 1 correct, 1 carried forward, 2 wrong, 31 missing. "
                                             "The step goes downhill.")
    assert table_row(out, "a3")[:4] == ["a3", "0.755", "0.755", "✓ correct"]
    assert table_row(out, "y3") == ["y3", "0.7007", "0.6803", "✗ wrong", "expected 0.6803 ± 1%: 0.6735 … 0.6871"]
    assert table_row(out, "E")[3] == "✗ wrong (missing-half)"
    assert table_row(out, "delta3")[3] == "✓ carried forward"
    assert "follows from your y3 = 0.7007" in table_row(out, "delta3")[4]
    assert table_row(out, "delta5")[:3] == ["delta5", "-0.04068", "· missing"]  # no "yours" cell
    # the stage tables sit between the heading and the score: the a3 row in step 1, delta3 in step 3
    assert positions[0] < out.index("\na3 ") < positions[1] < positions[2] < out.index("\ndelta3 ") < positions[3]


def test_the_tolerance_is_shown_as_a_range(cli, tmp_path):
    path = write_answers(tmp_path / "answers.yaml", "ex1", {"delta3": -0.0031})
    result, payload = run_json(cli, "grade", path, "--precision", "3")
    assert by_name(payload)["delta3"]["message"] == "expected -0.00265 ± 1%: -0.00268 … -0.00263"
    result, payload = run_json(cli, "grade", path)
    assert by_name(payload)["delta3"]["message"] == "expected -0.002654 ± 1%: -0.002681 … -0.002628"


def test_a_carried_forward_message_names_the_students_value(cli, tmp_path):
    y3 = 0.7003
    delta3 = y3 * (1 - y3) * 0.3 * ex1_forward()["delta5"]
    path = write_answers(tmp_path / "answers.yaml", "ex1", {"y3": y3, "delta3": f"{delta3:.4g}"})
    result, payload = run_json(cli, "grade", path)
    record = by_name(payload)["delta3"]
    assert record["verdict"] == "carried_forward"
    assert "follows from your y3 = 0.7003" in record["message"]
    assert record["follows_from"] == ["y3"]
    assert by_name(payload)["y3"]["verdict"] == "wrong"


@pytest.mark.parametrize("extra, options, exit_code", [
    ("", [], 1),                                   # y3 = 0.7007 is 3% off the exact 0.6803
    ("", ["--rtol", "0.05"], 0),
    ("", ["--rtol", "0", "--atol", "0.03"], 0),    # |0.7007 - 0.6803| = 0.0204
    ("", ["--rtol", "0", "--atol", "0.01"], 1),
    ("tolerance: {rtol: 0.05}\n", [], 0),
    ("tolerance: {rtol: 0.05}\n", ["--rtol", "0.01"], 1),
], ids=["default", "rtol-5%", "atol-0.03", "atol-0.01", "exercise-5%", "option-beats-exercise"])
def test_tolerances(cli, tmp_path, extra, options, exit_code):
    write_exercise(tmp_path / "hw.yaml", "asked: [y3]\n" + extra)
    path = write_answers(tmp_path / "answers.yaml", "hw.yaml", {"y3": 0.7007})
    result, payload = run_json(cli, "grade", path, *options)
    assert result.exit_code == exit_code, result.output
    assert payload["results"][0]["verdict"] == ("correct" if exit_code == 0 else "wrong")


def test_points_weight_the_score(cli, tmp_path):
    write_exercise(tmp_path / "hw.yaml", "asked: [y3, E, delta3]\npoints: {E: 2, delta3: 3}\n")
    path = write_answers(tmp_path / "answers.yaml", "hw.yaml", {"y3": 0.6803, "E": 0.0181, "delta3": 0.00266})
    result, payload = run_json(cli, "grade", path)
    assert result.exit_code == 1
    assert (payload["score"], payload["max_score"]) == (3, 6)
    assert by_name(payload)["delta3"]["misconception"] == "sign-flip"
    text = cli("grade", path)
    assert text.stdout.rstrip().splitlines()[-1] == "Score: 3 / 6 (50.0%): 2 correct, 0 carried forward, 1 wrong, 0 missing."
    assert "downhill" not in by_name(payload)  # nothing of the update is asked: no step to check


@pytest.mark.parametrize("options, exit_code", [([], 1), (["--pass-mark", "70"], 0), (["--pass-mark", "72"], 1),
                                                (["--pass-mark", "0"], 0)])
def test_pass_mark(cli, tmp_path, options, exit_code):
    """§13 against ex1: 25 of 35 (71.4%)."""
    path = write_answers(tmp_path / "answers.yaml", "ex1", SECTION_13)
    result, payload = run_json(cli, "grade", path, *options)
    assert result.exit_code == exit_code
    assert payload["passed"] is (exit_code == 0)


def test_carried_forward_values_pass(cli, tmp_path):
    """With t5 = 0.69 the output error t5 - y5 is tiny, so the rounded y5 = 0.6903 moves delta5 by 6%:
    still the student's own correct arithmetic, so carried forward, and exit code 0."""
    write_exercise(tmp_path / "hw.yaml", "asked: [y5, delta5]\n",
                   text=EX1_YAML.replace("t5: 0.5", "t5: 0.69"))
    delta5 = 0.6903 * (1 - 0.6903) * (0.69 - 0.6903)
    path = write_answers(tmp_path / "answers.yaml", "hw.yaml", {"y5": 0.6903, "delta5": repr(delta5)})
    result, payload = run_json(cli, "grade", path)
    assert [(r["name"], r["verdict"]) for r in payload["results"]] == [("y5", "correct"),
                                                                      ("delta5", "carried_forward")]
    assert abs(delta5 / payload["results"][1]["expected"] - 1) > 0.05
    assert result.exit_code == 0


# ---------------------------------------------------------------- names and exercise paths


def test_the_usual_spellings_are_accepted(cli, tmp_path):
    spelled = {"a3": "0.755", "o3": "0.6803", "δ5": "-0.0407", "d3": "-0.00266", "delta_4": "-0.00817",
               "ΔW13": "-0.000931", "delta_W23": "-0.00239", "W13'": "0.0991", "new_W23": "0.7976",
               "w14'": "0.3971", "ΔW_24": "-0.00735", "y5'": "0.6820", "W_13": "0.1", "w23": "0.8"}
    path = write_answers(tmp_path / "answers.yaml", "ex1", spelled)
    result, payload = run_json(cli, "grade", path)
    assert result.stderr == ""
    assert result.exit_code == 1  # not everything is answered
    graded = {r["name"]: (r["verdict"], r["line"]) for r in payload["results"]
              if r["verdict"] != "missing" and r["name"] != "downhill"}
    assert graded == {"a3": ("correct", 3), "y3": ("correct", 4), "delta5": ("correct", 5),
                      "delta3": ("correct", 6), "delta4": ("correct", 7), "dW13": ("correct", 8),
                      "dW23": ("correct", 9), "W13_new": ("correct", 10), "W23_new": ("correct", 11),
                      "W14_new": ("correct", 12), "dW24": ("correct", 13), "y5_after": ("correct", 14)}


def test_an_exercise_path_relative_to_the_answers_file_from_another_cwd(cli, tmp_path, monkeypatch):
    """course/answers/alice.yaml names ../exercises/hw.yaml; a decoy hw.yaml with other numbers sits at the
    same relative path from the working directory, so resolving against the cwd would grade a3 as wrong."""
    write_exercise(tmp_path / "course" / "exercises" / "hw.yaml", "asked: [a3, y3]\n")
    decoy = EX1_YAML.replace("x1: 0.35", "x1: 0.9")
    write_exercise(tmp_path / "elsewhere" / "exercises" / "hw.yaml", "asked: [a3, y3]\n", text=decoy)
    cwd = tmp_path / "elsewhere" / "deeper"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    answers = write_answers(tmp_path / "course" / "answers" / "alice.yaml", "../exercises/hw.yaml",
                            {"a3": 0.755, "y3": 0.6803})
    for given in ("../../course/answers/alice.yaml", str(answers)):
        result, payload = run_json(cli, "grade", given)
        assert result.exit_code == 0, result.output
        assert [(r["name"], r["verdict"]) for r in payload["results"]] == [("a3", "correct"), ("y3", "correct")]
        assert by_name(payload)["a3"]["expected"] == pytest.approx(0.755, rel=1e-12)


@pytest.mark.parametrize("name, suggestion", [("detla3", "delta3"), ("W13_nwe", "W13_new"),
                                              ("a3_aftr", "a3_after")])
def test_an_unknown_name_is_flagged_with_a_suggestion_and_the_rest_graded(cli, tmp_path, name, suggestion):
    """Issue 17: a typo'd name costs its value, not the file; self-study says so at the top of the report."""
    path = tmp_path / "answers.yaml"
    before = write(path, answers_text("ex1", {"a3": 0.755, name: 0.5}))
    result = cli("grade", path)
    assert result.exit_code == 1 and "Score: 1 / 35" in result.stdout
    header = result.stdout.split("Step 1")[0]
    assert (f"⚑ line 4: {name!r} is not a quantity of this exercise; it was not graded (did you mean "
            f"{suggestion}?)") in header
    message = assert_one_line_error(cli("grade", path, "--strict"), f"{path}:4:3: ", [repr(name)])
    assert message == (f"{path}:4:3: {name!r} is not a quantity of this exercise; it was not graded (did you mean "
                       f"{suggestion}?)")
    assert path.read_bytes() == before


# ---------------------------------------------------------------- bad answers files

ANYWHERE = "anywhere"  # location not checked (an alias bomb or an empty file has no one place to blame)

ALIAS_BOMB = ("exercise: ex1\n"
              "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
              "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
              "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n")


def answers(*lines: str) -> str:
    """exercise: ex1 on line 1, answers: on line 2, then ``lines`` from line 3."""
    return "\n".join(["exercise: ex1", "answers:", *lines]) + "\n"


# (id, text, line, column (None: not named), words the message must contain)
BAD_ANSWERS = [
    # not YAML, or not the right shape
    ("over-indented", answers("  a3: 0.755", "   y3: 0.68"), 4, 6, ["not valid YAML"]),
    ("tab-indent", answers("\ta3: 0.755"), 3, 1, ["not valid YAML"]),
    ("top-level-list", "- ex1\n- 0.755\n", 1, 1, ["must be a YAML mapping"]),
    ("plain-text", "just some numbers\n", 1, 1, ["must be a YAML mapping"]),
    ("empty-file", "", ANYWHERE, ANYWHERE, ["must be a YAML mapping"]),
    ("answers-a-list", answers("  - 0.755"), 3, 3, ["'answers' must be a mapping"]),
    ("unknown-top-level-key", "exercise: ex1\nanswer:\n  a3: 0.755\n", 2, 1, ["unknown key 'answer'",
                                                                               "did you mean answers?"]),
    # the exercise
    ("exercise-missing", "answers:\n  a3: 0.755\n", 1, 1, ["'exercise:' is missing"]),
    ("exercise-unknown", answers("  a3: 0.755").replace("ex1", "ex99"), 1, 11, ["'ex99'", "neither"]),
    ("exercise-path-missing", answers("  a3: 0.755").replace("ex1", "../nowhere/ex1.yaml"), 1, 11,
     ["there is no file", "nowhere"]),
    ("exercise-a-list", answers("  a3: 0.755").replace("ex1", "[ex1]"), 1, 11, ["'exercise' must be a name"]),
    ("exercise-twice", "exercise: ex1\nexercise: ex2\nanswers:\n  a3: 0.755\n", 2, 1,
     ["exercise is given twice", "first on line 1"]),
    # a quantity given twice
    ("same-name-twice", answers("  W13_new: 0.0991", "  a3: 0.755", "  W13_new: 0.0991"), 5, 3,
     ["W13_new is given twice", "first on line 3"]),
    ("weight-twice", answers("  W13: 0.1", "  a3: 0.755", "  W13: 0.1"), 5, 3, ["W13 is given twice"]),
    ("two-spellings-of-delta3", answers("  δ3: -0.00266", "  a3: 0.755", "  delta3: -0.00266"), 5, 3,
     ["delta3 is given twice", "δ3 on line 3", "delta3"]),
    ("two-spellings-of-dW13", answers("  ΔW13: -0.000931", "  dW13: -0.000931"), 4, 3,
     ["dW13 is given twice", "ΔW13 on line 3"]),
    ("two-spellings-of-W13_new", answers("  W13': 0.0991", "  new_W13: 0.0991"), 4, 3, ["W13_new is given twice"]),
    # YAML features that are refused
    ("python-tag", answers('  a3: !!python/object/apply:os.system ["echo hacked"]'), 3, 7,
     ["YAML tag", "python/object/apply:os.system", "not allowed"]),
    ("python-tag-on-exercise", answers("  a3: 0.755").replace("ex1", "!!python/object:bpcheck.Solution {}"), 1, 11,
     ["YAML tag", "not allowed"]),
    ("local-tag", answers("  a3: !number 0.755"), 3, 7, ["YAML tag", "not allowed"]),
    ("merge-key", answers("  <<: {a3: 0.755}"), 3, 3, ["merge keys"]),
    ("alias-bomb", ALIAS_BOMB, ANYWHERE, ANYWHERE, ["too large"]),
    # not text, too big, too deep
    ("not-utf8", answers("  a3: 0.755  # caf\udce9"), 3, 19, ["byte 0xe9", "not UTF-8"]),
    ("not-utf8-in-a-name", answers("  a\udcff3: 0.755"), 3, 4, ["byte 0xff", "not UTF-8"]),
    ("huge", answers("  a3: 0.755") + "#" + "x" * 4_100_000 + "\n", None, None, ["bytes", "at most 4,000,000"]),
    ("deep-flow", answers("  a3: " + "[" * 10000), 3, 27, ["nested more than"]),  # at the 21st bracket
    ("deep-block", answers("  a3:", "    " + "- " * 100 + "1"), 4, 43, ["too large or too deeply nested"]),
]
CASE_IDS = [case[0] for case in BAD_ANSWERS]
assert len(set(CASE_IDS)) == len(CASE_IDS)


def location(path: Path, line, column) -> str:
    if ANYWHERE in (line, column):
        return f"{path}:"
    return ":".join(str(part) for part in (path, line, column) if part is not None) + ": "


# Slips (issue 17): one value that is not a number, or one name that is not a quantity, costs that value,
# never the file. (id, text, line, column of the name's flag (None: a value's verdict), words)
SLIPS = [
    ("text", answers("  a3: abc"), 3, None, ["a3", "'abc' is not a number"]),
    ("boolean", answers("  a3: true"), 3, None, ["a3", "true is not a number"]),
    ("list", answers("  a3: [0.755, 0.76]"), 3, None, ["a3", "a list is not a number"]),
    ("flow-list-of-a-decimal-comma", answers("  a3: [0,755]"), 3, None, ["a3", "a list is not a number"]),
    ("mapping", answers("  a3: {value: 0.755}"), 3, None, ["a3", "a mapping is not a number"]),
    ("nan", answers("  a3: 0.755", "  y3: .nan"), 4, None, ["y3", "NaN"]),
    ("infinity", answers("  y3: .inf"), 3, None, ["y3", "infinity"]),
    ("minus-infinity", answers("  y3: -.inf"), 3, None, ["y3", "infinity"]),
    ("overflow", answers("  y3: 1e999"), 3, None, ["y3", "too large for double precision"]),
    ("two-commas", answers("  a3: 0,5,1"), 3, None, ["a3", "'0,5,1' is not a number"]),
    ("thousands-or-decimals", answers("  a3: 1,000"), 3, None, ["a3", "'1,000' could mean 1000", "or 1.000"]),
    ("comma-and-point", answers("  a3: 1.000,5"), 3, None, ["a3", "'1.000,5' is not a number"]),
    ("escape-sequence", answers('  a3: "\\e[2J\\u202e0.755"'), 3, None, ["a3", "\\x1b[2J\\u202e0.755"]),
    ("huge-string", answers("  a3: '" + "x" * 3_000_000 + "'"), 3, None, ["a3", "'xxxxx", "…"]),
    ("unknown-name", answers("  a3: 0.755", "  detla3: -0.00266"), 4, 3, ["'detla3'", "did you mean delta3?"]),
    ("name-of-another-exercise", answers("  delta6: 0.01"), 3, 3, ["'delta6' is not a quantity of this exercise"]),
]


@pytest.mark.parametrize("text, line, column, words", [case[1:] for case in SLIPS], ids=[case[0] for case in SLIPS])
def test_a_slip_costs_its_value_not_the_file(cli, tmp_path, text, line, column, words):
    path = tmp_path / "answers.yaml"
    before = write(path, text)
    result = cli("grade", path, "--format", "json")
    assert result.exit_code == 1, result.output  # graded: one value not credited
    record = json.loads(result.stdout)
    if column is None:  # a value: its verdict, at its line, with why
        (slip,) = [r for r in record["results"] if r["verdict"] == "unreadable"]
        assert (slip["line"], slip["given"], slip["points"]) == (line, None, 1.0)
        assert words[0] == slip["name"] and all(word in slip["message"] for word in words[1:]), slip["message"]
        assert len(slip["message"]) < 300 and slip["message"].isprintable()
        assert record["flags"] == []
    else:  # a name: a flag; the value is not graded
        (flag,) = record["flags"]
        assert (flag["kind"], flag["line"]) == ("not-graded", line)
        assert all(word in flag["message"] for word in words)
    assert record["score"] == sum(r["verdict"] in ("correct", "carried_forward") for r in record["results"])
    strict = cli("grade", path, "--strict")  # pre-commit: the same slip as one line, exit 2
    assert_one_line_error(strict, location(path, line, column), words)
    assert path.read_bytes() == before, "the answers file was modified"


@pytest.mark.parametrize("written, read", [("0,51", 0.51), ('"0,51"', 0.51), ("-1,5e-3", -0.0015), ("1,5", 1.5),
                                           ("−0,0027", -0.0027), ("0,000", 0.0), ("1,0001", 1.0001)])
def test_a_decimal_comma_between_digits_is_read_as_a_point_with_a_note(cli, tmp_path, written, read):
    path = tmp_path / "a.yaml"
    write(path, answers(f"  a3: {written}"))
    record = json.loads(cli("grade", path, "--format", "json").stdout)
    a3 = record["results"][0]
    shown = written.strip('"')
    assert (a3["given"], a3["line"]) == (read, 3)
    assert a3["message"].endswith(f"'{shown}' was read as {read!r}")
    hint = json.loads(cli("grade", path, "--format", "json", "--feedback", "hint").stdout)["results"][0]
    assert hint["hint"].endswith(f"'{shown}' was read as {read!r}")
    assert cli("grade", path, "--strict").exit_code == 1  # graded normally: nothing for --strict to stop


@pytest.mark.parametrize("text, line, column, words", [case[1:] for case in BAD_ANSWERS], ids=CASE_IDS)
def test_a_bad_answers_file(cli, tmp_path, text, line, column, words):
    path = tmp_path / "answers.yaml"
    before = write(path, text)
    assert_one_line_error(cli("grade", path), location(path, line, column), words)
    assert path.read_bytes() == before, "the answers file was modified"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"], "files appeared beside it"


@pytest.mark.parametrize("text, line, column, words", [case[1:] for case in BAD_ANSWERS], ids=CASE_IDS)
def test_a_bad_answers_file_as_json(cli, tmp_path, text, line, column, words):
    """--format json does not turn bad input into a JSON report: still one line on stderr and exit 2."""
    path = tmp_path / "answers.yaml"
    write(path, text)
    assert_one_line_error(cli("grade", path, "--format", "json"), location(path, line, column), words)


def test_an_unclosed_bracket_is_reported_on_a_line_of_the_file(cli, tmp_path):
    path = tmp_path / "answers.yaml"
    before = write(path, "exercise: ex1\nanswers: {a3: 0.755, y3: 0.68\n")
    message = assert_one_line_error(cli("grade", path), f"{path}:2:", ["not valid YAML"])
    assert path.read_bytes() == before
    assert "never closed" in message


def test_a_python_tag_runs_nothing(cli, tmp_path):
    marker = tmp_path / "hacked"
    path = tmp_path / "answers.yaml"
    before = write(path, answers(f'  a3: !!python/object/apply:os.system ["touch {marker}"]'))
    assert_one_line_error(cli("grade", path), f"{path}:3:7: ", ["not allowed"])
    assert not marker.exists(), "the YAML tag ran a command"
    assert path.read_bytes() == before


def test_a_missing_answers_file(cli, tmp_path):
    path = tmp_path / "nowhere.yaml"
    message = assert_one_line_error(cli("grade", path), f"{path}: ", ["no such file"])
    assert message == f"{path}: no such file; check the path and its spelling"


@pytest.mark.parametrize("text, words", [
    (answers("  a3: 0.755", "  a3: 0.68"), ["a3 is given twice"]),
    (answers("  a3: 0.755  # caf\udce9"), ["not UTF-8"]),
    (answers("  a3: " + "[" * 10000), ["nested more than"]),
], ids=["name-twice", "not-utf8", "deep-flow"])
def test_a_real_process_prints_one_line_and_exits_2(cli, tmp_path, text, words):
    """CliRunner catches exceptions; a real process shows what a user sees."""
    path = tmp_path / "answers.yaml"
    before = write(path, text)
    process = cli.process("grade", path)
    assert process.returncode == 2
    assert process.stdout == ""
    assert "Traceback" not in process.stderr
    assert process.stderr.count("\n") == 1 and process.stderr.startswith(f"bpcheck: {path}:")
    for word in words:
        assert word in process.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("args", [
    ["grade"],
    ["grade", "a.yaml", "--rtol", "1.5"],
    ["grade", "a.yaml", "--atol", "-1"],
    ["grade", "a.yaml", "--pass-mark", "150"],
    ["grade", "a.yaml", "--format", "xml"],
    ["grade", "a.yaml", "--precision", "0"],
    ["grade", "a.yaml", "--no-such-option"],
    ["template"],
], ids=["no-paths", "rtol", "atol", "pass-mark", "format", "precision", "unknown-option", "template-no-exercise"])
def test_usage_errors_exit_2(cli, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    write_answers(tmp_path / "a.yaml", "ex1", {"a3": 0.755})
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, "one line, as for every bad input"
    assert result.stderr.startswith("bpcheck: ") and "--help`" in result.stderr


# ---------------------------------------------------------------- a whole class


@pytest.fixture
def classroom(tmp_path, monkeypatch):
    """Three students in tmp_path, the working directory: a passes §13-only, b slips, c is unreadable."""
    monkeypatch.chdir(tmp_path)
    section_13_exercise(tmp_path)
    write_answers(tmp_path / "a.yaml", "section13.yaml", SECTION_13, student="Ada")
    write_answers(tmp_path / "b.yaml", "ex1", {"a3": 0.755, "y3": 0.7007, "E": 0.0362})
    bad = write(tmp_path / "c.yaml", answers("  a3: 0.755", "  a3: 0.76"))
    return tmp_path, bad


C_ERROR = "c.yaml:4:3: a3 is given twice (first on line 3); keep one of them and delete the other"


def test_a_bad_file_in_a_batch_is_reported_in_its_row(cli, classroom):
    folder, bad = classroom
    result = cli("grade", "a.yaml", "c.yaml", "b.yaml")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    out = result.stdout
    # a.yaml names a student: Ada; the exercise is the file it was graded against
    assert table_row(out, "a.yaml") == ["a.yaml", "Ada", "section13.yaml", "25/25"]
    assert table_row(out, "b.yaml") == ["b.yaml", "ex1", "1/35", "y3 (wrong)"]
    assert table_row(out, "c.yaml") == ["c.yaml", "bad file", C_ERROR]
    assert [line.split()[0] for line in out.splitlines() if line.strip()[:2] in ("a.", "b.", "c.")] == [
        "a.yaml", "c.yaml", "b.yaml"]
    assert "3 files: 1 passed, 1 did not, 1 could not be read." in out
    assert (folder / "c.yaml").read_bytes() == bad


def test_a_batch_as_json(cli, classroom):
    result, payload = run_json(cli, "grade", "a.yaml", "c.yaml", "b.yaml")
    assert result.exit_code == 2
    assert payload["passed"] is False
    files = payload["files"]
    assert [record["file"] for record in files] == ["a.yaml", "c.yaml", "b.yaml"]
    assert files[1] == {"file": "c.yaml", "student": None, "error": C_ERROR, "flags": []}
    assert (files[0]["exercise"], files[0]["exercise_file"], files[2]["exercise_file"]) == (
        "section13", "section13.yaml", "ex1")
    assert (files[0]["score"], files[0]["max_score"], files[0]["student"]) == (25, 25, "Ada")
    assert (files[2]["score"], files[2]["max_score"]) == (1, 35)
    assert by_name(files[2])["E"]["misconception"] == "missing-half"


@pytest.mark.parametrize("names, exit_code", [(["a.yaml"], 0), (["a.yaml", "a.yaml"], 0),
                                              (["a.yaml", "b.yaml"], 1), (["b.yaml", "c.yaml"], 2)])
def test_batch_exit_codes(cli, classroom, names, exit_code):
    result = cli("grade", *names)
    assert result.exit_code == exit_code, result.output


def test_a_folder_is_every_yaml_file_in_it(cli, tmp_path):
    folder = tmp_path / "submissions"
    write_answers(folder / "b.yaml", "ex1", {"a3": 0.755})
    write_answers(folder / "a.yml", "ex1", {"a3": 0.755, "y3": 0.6803})
    write(folder / "notes.txt", "not an answers file\n")
    (folder / "old.yaml").mkdir()
    result, payload = run_json(cli, "grade", folder)
    assert result.exit_code == 1, result.output
    assert [record["file"] for record in payload["files"]] == [str(folder / "a.yml"), str(folder / "b.yaml")]
    assert [record["score"] for record in payload["files"]] == [2, 1]


def test_an_empty_folder(cli, tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    assert_one_line_error(cli("grade", folder), f"{folder}: ", ["no answers files"])


def test_the_csv(cli, classroom):
    folder, _ = classroom
    result = cli("grade", "a.yaml", "c.yaml", "b.yaml", "--csv", "marks.csv")
    assert result.exit_code == 2
    with open(folder / "marks.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = ["id", "student", "file", "exercise", "variant", "score", "max_score", "percent", "passed", "error",
              "flags"]
    # Two exercises: a column set each, in solving order (§13's quantities, then all of ex1's).
    quantities = ([f"section13.yaml:{name}" for name in EX1_ASKED if name in SECTION_13] + ["section13.yaml:downhill"]
                  + [f"ex1:{name}" for name in EX1_ASKED] + ["ex1:downhill"])
    assert rows[0] == header + quantities
    assert len(rows) == 4 and all(len(row) == len(rows[0]) for row in rows)
    a, c, b = (dict(zip(rows[0], row)) for row in rows[1:])
    assert {k: a[k] for k in header} == {"id": "Ada", "student": "Ada", "file": "a.yaml",
                                        "exercise": "section13.yaml", "variant": "", "score": "25",
                                        "max_score": "25", "percent": "100.00", "passed": "true", "error": "",
                                        "flags": ""}
    assert {a[f"section13.yaml:{name}"] for name in [*SECTION_13, "downhill"]} == {"correct"}
    assert {a[f"ex1:{name}"] for name in EX1_ASKED} == {""}
    assert {k: b[k] for k in header} == {"id": "b", "student": "", "file": "b.yaml", "exercise": "ex1",
                                        "variant": "", "score": "1", "max_score": "35", "percent": "2.86",
                                        "passed": "false", "error": "", "flags": ""}
    assert (b["ex1:a3"], b["ex1:y3"], b["ex1:E"], b["ex1:delta3"]) == (
        "correct", "wrong", "wrong:missing-half", "missing")
    assert c == {**{name: "" for name in rows[0]}, "id": "c", "file": "c.yaml", "score": "0", "passed": "false",
                 "error": C_ERROR}


def test_the_csv_into_a_folder_that_does_not_exist(cli, classroom):
    folder, _ = classroom
    result = cli("grade", "a.yaml", "b.yaml", "--csv", "no/such/folder/marks.csv")
    assert "Traceback" not in result.output
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "marks.csv" in result.stderr


def test_the_csv_never_overwrites_an_answers_file(cli, classroom):
    folder, _ = classroom
    before = (folder / "b.yaml").read_bytes()
    result = cli("grade", "a.yaml", "b.yaml", "--csv", "b.yaml")
    assert result.exit_code == 2
    assert (folder / "b.yaml").read_bytes() == before


def test_a_batch_grades_each_file_against_its_own_exercise(cli, tmp_path):
    """Two classes, each with an exercise file called 'hw' beside its answers (a path relative to the answers
    file, as the README says); the two differ in x1, so a3 is 0.755 in one and 0.81 in the other."""
    write_exercise(tmp_path / "class1" / "hw")
    write_exercise(tmp_path / "class2" / "hw", text=EX1_YAML.replace("x1: 0.35", "x1: 0.9"))
    first = write_answers(tmp_path / "class1" / "s.yaml", "hw", {"a3": 0.755})
    second = write_answers(tmp_path / "class2" / "s.yaml", "hw", {"a3": 0.81})   # 0.1·0.9 + 0.8·0.9
    for path in (first, second):
        result, payload = run_json(cli, "grade", path)
        assert by_name(payload)["a3"]["verdict"] == "correct", path
    result, payload = run_json(cli, "grade", first, second)
    expected = [by_name(record)["a3"]["expected"] for record in payload["files"]]
    assert expected == [pytest.approx(0.755), pytest.approx(0.81)]
    assert [by_name(record)["a3"]["verdict"] for record in payload["files"]] == ["correct", "correct"]
