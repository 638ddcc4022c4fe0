"""The step check `downhill` (issue 17): from the student's own new weights, does E fall?"""

from __future__ import annotations

import json

import pytest
from helpers import EX1_YAML, sigmoid, worked

from bpcheck import load_exercise, solve
from bpcheck.grading import grade
from bpcheck.loading import load_exercise_text
from bpcheck.numbers import number_formatter
from bpcheck.variants import make_variant

FMT = number_formatter(4)


def ex1_uphill_by_hand() -> float:
    """ex1's E after a step taken the wrong way: every change of the exact step subtracted."""
    x1, x2, t5 = 0.35, 0.9, 0.5
    w = {"13": 0.1, "23": 0.8, "14": 0.4, "24": 0.6, "35": 0.3, "45": 0.9}
    y3, y4 = sigmoid(w["13"] * x1 + w["23"] * x2), sigmoid(w["14"] * x1 + w["24"] * x2)
    y5 = sigmoid(w["35"] * y3 + w["45"] * y4)
    d5 = y5 * (1 - y5) * (t5 - y5)
    d3, d4 = y3 * (1 - y3) * w["35"] * d5, y4 * (1 - y4) * w["45"] * d5
    source = {"1": x1, "2": x2, "3": y3, "4": y4}
    delta = {"3": d3, "4": d4, "5": d5}
    up = {pair: weight - delta[pair[1]] * source[pair[0]] for pair, weight in w.items()}  # η = 1
    y3, y4 = sigmoid(up["13"] * x1 + up["23"] * x2), sigmoid(up["14"] * x1 + up["24"] * x2)
    return 0.5 * (t5 - sigmoid(up["35"] * y3 + up["45"] * y4)) ** 2


def test_a_sign_convention_flipped_throughout_is_seen_going_uphill():
    solution = solve(load_exercise("ex1"))
    answers = worked(solution, flip_output_deltas=True)
    graded = grade(solution, answers)
    check = graded.check
    uphill = ex1_uphill_by_hand()
    assert answers["E_after"] == pytest.approx(uphill, rel=1e-12) and uphill > solution.values["E"]  # 0.01969
    assert (check.name, check.verdict, check.misconception, check.points) == ("downhill", "wrong", "uphill-step", 0)
    assert check.message.startswith(f"E rises from 0.01810 to {FMT(uphill)} with your new weights: your step goes "
                                    "uphill. A sign the wrong way round")
    assert check.hint.startswith(f"E rises with your new weights (your E = 0.01810, E_after = {FMT(uphill)})")
    # The values: only delta5 named; the rest follow from it; the check costs nothing unless given points.
    assert [(r.name, r.misconception) for r in graded.values if r.verdict == "wrong"] == [("delta5", "sign-flip")]
    assert graded.score == 34 and graded.first_wrong.name == "delta5"


def test_the_check_can_carry_points_and_then_decides_passing():
    solution = solve(load_exercise_text(EX1_YAML + "points: {downhill: 3}\n"))
    uphill = grade(solution, worked(solution, flip_output_deltas=True))
    assert (uphill.score, uphill.max_score) == (34, 38)
    right = grade(solution, worked(solution, digits=4))
    assert (right.check.verdict, right.score, right.max_score, right.passed()) == ("correct", 38, 38, True)
    assert right.check.message == "E falls from 0.01811 to 0.01656 with your new weights"  # theirs, at 4 digits


@pytest.mark.parametrize("name", ["alice", "bob", "s1234567"])
@pytest.mark.parametrize("spec", ["ex2", "ex3", "ex5"])
def test_honest_work_goes_downhill_and_a_flipped_sign_goes_uphill_on_variants(spec, name):
    solution = solve(make_variant(load_exercise(spec), name))
    for digits in (3, 4, None):
        assert grade(solution, worked(solution, digits=digits)).check.verdict == "correct", digits
    flipped = grade(solution, worked(solution, flip_output_deltas=True, digits=4))
    assert (flipped.check.verdict, flipped.check.misconception) == ("wrong", "uphill-step")


def test_like_is_compared_with_like():
    """An E without its ½ beside an E_after bpcheck works out would seem to fall: when the student gives
    only one of the two, both come from their other numbers."""
    solution = solve(load_exercise("ex1"))
    answers = worked(solution, flip_output_deltas=True)
    del answers["E_after"]
    answers["E"] = 2 * answers["E"]  # ½ missing: 0.03621
    check = grade(solution, answers).check
    assert (check.verdict, check.given) == ("wrong", None)
    assert check.message.startswith("E rises from 0.01810 to 0.01969")
    assert check.hint.startswith("E rises with your new weights: your step goes uphill")  # no number of theirs


def test_no_step_given_is_missing_and_no_step_asked_is_no_check():
    solution = solve(load_exercise("ex1"))
    check = grade(solution, {"a3": 0.755}).check
    assert (check.verdict, check.message) == ("missing", "no step given to check")
    forward_only = solve(load_exercise_text(EX1_YAML + "asked: [forward, loss, backward]\n"))
    assert grade(forward_only, {"a3": 0.755}).check is None


def test_an_exact_step_that_overshoots_passes_and_says_so():
    """A learning rate of 300 on ex3 overshoots: the exact step itself raises E."""
    exercise = load_exercise("ex3")
    network = exercise.network._replace(learning_rate=300.0)
    solution = solve(exercise._replace(network=network))
    assert solution.values["E_after"] > solution.values["E"]
    check = grade(solution, worked(solution, flip_output_deltas=True)).check
    assert check.verdict == "correct" and "the exact step goes uphill too" in check.message


def test_a_rise_within_the_rounding_of_what_was_written_is_no_rise():
    """All else right, E and E_after written to 2 digits so that E_after reads above E: no uphill."""
    solution = solve(load_exercise("ex1"))
    answers = worked(solution, flip_output_deltas=True)
    answers.update(E=0.018, E_after=0.0185)  # the flipped step's 0.01969 would be a rise of 0.0017
    assert grade(solution, answers).check.verdict == "correct"
    answers.update(E=0.0181, E_after=0.0197)
    assert grade(solution, answers).check.verdict == "wrong"


def test_a_dataset_step_is_checked_on_the_mean_loss():
    exercise = load_exercise("examples/training/xor.yaml")
    solution = solve(exercise)
    assert grade(solution, worked(solution, digits=4)).check.verdict == "correct"
    flipped = grade(solution, worked(solution, flip_output_deltas=True))
    assert flipped.check.verdict == "wrong"


@pytest.mark.parametrize("level", ["full", "hint", "verdict", "score"])
def test_every_report_shows_the_check_and_obeys_the_level(cli, tmp_path, level):
    solution = solve(load_exercise("ex1"))
    answers = worked(solution, flip_output_deltas=True, digits=4)
    del answers["E"], answers["E_after"]
    path = tmp_path / "a.yaml"
    path.write_text("exercise: ex1\nanswers:\n" + "".join(f"  {k}: {v!r}\n" for k, v in answers.items()),
                    encoding="utf-8")
    text = cli("grade", str(path), "--feedback", level).stdout
    record = json.loads(cli("grade", str(path), "--feedback", level, "-f", "json").stdout)
    full = json.loads(cli("grade", str(path), "-f", "json").stdout)["results"][-1]["message"]
    before, after = full.split("E rises from ", 1)[1].split(" with", 1)[0].split(" to ")  # bpcheck's from theirs
    if level == "score":
        assert "results" not in record and "downhill" not in text
        return
    check = record["results"][-1]
    assert (check["name"], check["verdict"]) == ("downhill", "wrong")
    assert "✗ uphill" in text and text.rstrip().endswith("The step goes uphill.")
    # E and E_after were not written: below full their values (E is the expected one) appear nowhere.
    assert (f"E rises from {before} to {after}" in text) == (level == "full")
    assert before == "0.01811" and (after in text) == (before in text) == (level == "full")
    assert ("A sign the wrong way round" in text) == (level in ("full", "hint"))
