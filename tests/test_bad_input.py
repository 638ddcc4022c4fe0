"""Hostile and unusual input to template, grade, solve and check: each ends in a clear line or a grade,
never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from helpers import assert_bad_input_line

EX1 = (Path(__file__).resolve().parent.parent / "exercises" / "ex1.yaml").read_text(encoding="utf-8")


def assert_bad_input(result, *words: str) -> None:
    assert_bad_input_line(result, "", words)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def big_network() -> str:
    """3-6-2 with biases: unit numbers reach 11, so names such as W9_10, b10 and db11 appear."""
    weights = {f"W{s}{d}" if d < 10 else f"W{s}_{d}": round(0.1 * ((s + d) % 7) - 0.3, 2)
               for s, d in [(s, d) for s in (1, 2, 3) for d in range(4, 10)] + [(s, d) for s in range(4, 10)
                                                                              for d in (10, 11)]}
    return yaml.safe_dump({"layers": [3, 6, 2], "inputs": {"x1": 0.5, "x2": -0.2, "x3": 0.9},
                           "weights": weights, "biases": {"b10": 0.1, "b11": -0.1},
                           "targets": {"t10": 1, "t11": 0}, "learning_rate": 0.5})


def test_names_past_unit_nine_survive_template_and_grade(cli, tmp_path):
    exercise = write(tmp_path / "big.yaml", big_network())
    template = cli("template", str(exercise), cwd=tmp_path)
    assert template.exit_code == 0
    for name in ("dE_dW9_10", "dW9_10", "W9_10_new", "dE_db10", "db11", "b11_new", "delta10"):
        assert f"  {name}:\n" in template.stdout
    solved = yaml.safe_load(cli("solve", str(exercise), "-f", "json").stdout)["values"]
    answers = yaml.safe_load(template.stdout)
    answers["answers"] = {name: solved[name] for name in answers["answers"]}
    graded = cli("grade", str(write(tmp_path / "answers.yaml", yaml.safe_dump(answers, allow_unicode=True))))
    assert graded.exit_code == 0, graded.output
    assert "100.0%" in graded.stdout


@pytest.mark.parametrize("answers", [
    {"y5": 1e200, "E": 1.0},
    {"y3": 1.5e308, "y4": 1.5e308, "a5": 1.0},
    {"delta5": -1e308, "dW35": 1e308, "W35_new": -1e308},
])
def test_numbers_that_overflow_are_graded_wrong_not_crashed(cli, tmp_path, answers):
    path = write(tmp_path / "a.yaml", yaml.safe_dump({"exercise": "ex1", "answers": answers}))
    result = cli("grade", str(path), "-f", "json")
    assert result.exit_code == 1, result.output
    verdicts = {r["name"]: r["verdict"] for r in yaml.safe_load(result.stdout)["results"]}
    assert {verdicts[name] for name in answers} == {"wrong"}


def test_an_exercise_whose_numbers_overflow_is_refused(cli, tmp_path):
    path = write(tmp_path / "e.yaml", "layers: [2, 1]\nactivation: linear\ninputs: {x1: 1e308, x2: 1e308}\n"
                                      "weights: {W13: 1, W23: 1}\ntargets: {t3: 0}\nlearning_rate: 1\n")
    assert_bad_input(cli("solve", str(path)), "e.yaml", "a3", "too large for double precision")


def test_files_that_are_not_regular_files(cli, tmp_path):
    assert_bad_input(cli("solve", "/dev/zero"), "/dev/zero", "not a regular file")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert_bad_input(cli("grade", str(fifo)), "pipe.yaml", "not a regular file")


def test_a_five_thousand_digit_integer(cli, tmp_path):
    path = write(tmp_path / "a.yaml", "exercise: ex1\nanswers:\n  y3: " + "9" * 5000 + "\n")
    result = cli("grade", str(path), "--format", "json")
    y3 = next(r for r in json.loads(result.stdout)["results"] if r["name"] == "y3")
    assert (result.exit_code, y3["verdict"], y3["line"]) == (1, "unreadable", 3)  # the value's verdict, not the file's
    assert y3["message"].startswith("a number with more than 400 digits") and len(y3["message"]) < 200
    assert_bad_input(cli("grade", str(path), "--strict"), "a.yaml:3: y3: a number with more than 400 digits")


@pytest.mark.parametrize("extra, words", [
    ("points: {E: 1.0e+308}\n", ["points for E", "1,000,000"]),
    ("asked: [W13, x1]\n", ["asked: 'W13'"]),
    ("points: {W13: 2}\n", ["points: 'W13'"]),
])
def test_exercise_keys_that_would_grade_nothing_or_overflow(cli, tmp_path, extra, words):
    assert_bad_input(cli("solve", str(write(tmp_path / "e.yaml", EX1 + extra))), *words)


def test_spellings_of_names_in_exercise_files(cli, tmp_path):
    text = EX1.replace("W13: 0.1", "W_13: 0.1") + "biases: {b3: 0.1}\nfrozen: [W_13, b_3]\nloss: null\n"
    result = cli("solve", str(write(tmp_path / "e.yaml", text)), "-f", "json")
    assert result.exit_code == 0, result.output
    values = yaml.safe_load(result.stdout)["values"]
    assert "W13_new" not in values and "b3_new" not in values and "W23_new" in values


def test_capital_delta_marks_a_change_never_a_delta(cli, tmp_path):
    path = write(tmp_path / "a.yaml", "exercise: ex1\nanswers:\n  Δ3: -0.00265\n")
    result = cli("grade", str(path))
    assert result.exit_code == 1 and "⚑ line 3: 'Δ3' is not a quantity of this exercise; it was not graded" in result.stdout
    record = json.loads(cli("grade", str(path), "--format", "json").stdout)
    assert next(r for r in record["results"] if r["name"] == "delta3")["verdict"] == "missing"  # never read as delta3
    assert_bad_input(cli("grade", str(path), "--strict"), "a.yaml:3:3", "'Δ3' is not a quantity", "did you mean")


def test_a_template_of_a_path_grades_where_it_is_saved(cli, tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "hw.yaml", EX1)
    template = cli("template", "sub/hw.yaml", cwd=tmp_path)
    write(tmp_path / "sub" / "answers.yaml", template.stdout)
    result = cli("grade", "sub/answers.yaml", cwd=tmp_path)
    assert result.exit_code == 1 and "35 missing" in result.stdout, result.output


def test_usage_errors_are_one_line(cli):
    assert_bad_input(cli("solve"), "Missing argument 'EXERCISE'", "bpcheck solve --help")
    assert_bad_input(cli("frobnicate"), "No such command")


def test_plain_bpcheck_prints_the_help(cli):
    result = cli()
    assert "Usage: bpcheck" in result.stdout and "solve" in result.stdout


@pytest.mark.parametrize("option", [["--atol", "inf"], ["--atol", "1e400"], ["--rtol", "nan"]])
def test_tolerances_must_be_finite(cli, tmp_path, option):
    path = write(tmp_path / "a.yaml", "exercise: ex1\nanswers:\n  a3: 0.755\n")
    assert_bad_input(cli("grade", str(path), *option), "--")


def test_a_softmax_over_one_unit_is_refused(cli, tmp_path):
    text = "layers: [2, 1]\nloss: cross_entropy\ninputs: {x1: 1, x2: 0}\nweights: {W13: 0.5, W23: 0.5}\n" \
           "targets: {t3: 1}\nlearning_rate: 1\n"
    assert_bad_input(cli("solve", str(write(tmp_path / "e.yaml", text))), "two output units")


def test_a_class_is_listed_in_natural_order_and_wide_names_stay_aligned(cli, tmp_path):
    for name in ("s10", "s9", "张伟"):
        write(tmp_path / f"{name}.yaml", "exercise: ex1\nanswers:\n  a3: 0.755\n")
    lines = cli("grade", str(tmp_path)).stdout.splitlines()
    rows = [line for line in lines if ".yaml" in line]
    assert [row.split(".yaml")[0].rsplit("/", 1)[-1] for row in rows] == ["s9", "s10", "张伟"]
    from bpcheck.report.plain import width

    # The names take 2, 3 and 4 columns (张伟 is two wide characters); the next column lines up all the same.
    assert len({width(row[: row.index(".yaml")]) for row in rows}) == 3
    assert len({width(row[: row.index("ex1")]) for row in rows}) == 1


def test_the_tutorial_note_stands_under_the_tutorial_network_only(cli):
    assert "δ3 ≈ -0.00266" in cli("solve", "ex1").stdout
    assert "δ3 ≈ -0.00266" not in cli("solve", "ex2").stdout
    assert "differ in the last digit." in cli("solve", "ex2").stdout
