"""Carried-forward credit must not reward answers made trivially consistent by nonsense upstream
(cases found by a reviewer trying to game the grader); a careful student still loses nothing."""

from __future__ import annotations

import math

import pytest
from helpers import sigmoid

from bpcheck import load_exercise, solve
from bpcheck.grading import grade

SOLUTION = solve(load_exercise("ex1"))
WEIGHTS = {"13": 0.1, "23": 0.8, "14": 0.4, "24": 0.6, "35": 0.3, "45": 0.9}


def worked(overrides: dict[str, float]) -> dict[str, float]:
    """ex1 worked in full precision, each value from the earlier ones, with ``overrides`` written in."""
    x, t, values = {"1": 0.35, "2": 0.9}, 0.5, {}

    def put(name, value):
        values[name] = overrides.get(name, value)
        return values[name]

    def forward(weights, suffix):
        y3 = put(f"y3{suffix}", sigmoid(put(f"a3{suffix}", weights["13"] * x["1"] + weights["23"] * x["2"])))
        y4 = put(f"y4{suffix}", sigmoid(put(f"a4{suffix}", weights["14"] * x["1"] + weights["24"] * x["2"])))
        y5 = put(f"y5{suffix}", sigmoid(put(f"a5{suffix}", weights["35"] * y3 + weights["45"] * y4)))
        put(f"E{suffix}", 0.5 * (t - y5) ** 2)
        return y3, y4, y5

    y3, y4, y5 = forward(WEIGHTS, "")
    delta = {"5": put("delta5", y5 * (1 - y5) * (t - y5))}
    delta["3"] = put("delta3", y3 * (1 - y3) * WEIGHTS["35"] * delta["5"])
    delta["4"] = put("delta4", y4 * (1 - y4) * WEIGHTS["45"] * delta["5"])
    outputs, new = {**x, "3": y3, "4": y4}, {}
    for pair, weight in WEIGHTS.items():
        source, dest = pair
        put(f"dE_dW{pair}", -delta[dest] * outputs[source])
        new[pair] = put(f"W{pair}_new", weight + put(f"dW{pair}", delta[dest] * outputs[source]))
    forward(new, "_after")
    return values


def score(overrides: dict[str, float]) -> float:
    return grade(SOLUTION, worked(overrides)).score


def test_the_worked_chain_matches_the_solver():
    assert all(math.isclose(value, SOLUTION.values[name], rel_tol=1e-12) for name, value in worked({}).items())
    assert score({}) == 35


@pytest.mark.parametrize("overrides, at_most", [
    ({"a3": 0, "a4": 0, "a5": 0}, 3),             # only y = σ(0) = 0.5 follows honestly; then y5 = t5 zeroes all
    ({"y5": 0.5005}, 5),                          # an output slipped next to its target: every delta ~ 0
    ({"delta5": -4.1e-5}, 7),                     # a delta a thousand times too small: changes ~ 0
    ({"delta5": 0.0}, 7),
    ({f"dW{pair}": 0.0 for pair in WEIGHTS}, 16),   # no update, then the first pass copied out again
])
def test_nonsense_upstream_earns_no_credit_downstream(overrides, at_most):
    assert score(overrides) <= at_most


def test_a_new_weight_must_take_the_step():
    """ex2's W13 moves by 0.0008: 0.4975 is within 1% of W13_new = 0.4992 but moves it three times as far."""
    ex2 = solve(load_exercise("ex2"))
    assert abs(ex2.values["dW13"]) < 0.001
    result = {r.name: r for r in grade(ex2, {"W13_new": 0.4975, "W23_new": round(ex2.values["W23_new"], 4)})
              .values}
    assert result["W13_new"].verdict == "wrong"
    assert result["W23_new"].verdict == "correct"


def test_one_honest_slip_costs_one_mark():
    """y3 off by 3%, the rest worked from it: only y3 is wrong."""
    result = grade(SOLUTION, worked({"y3": SOLUTION.values["y3"] * 1.03}))
    assert [r.name for r in result.values if r.verdict == "wrong"] == ["y3"]


@pytest.mark.parametrize("answers, name, misconception", [
    # One value equal to the one before the step names nothing (issue 17): 0.1 is also W13_new = 0.09907
    # rounded to 1 digit, and one such value may be a coincidence (tests/test_grading.py names several).
    ({"dW13": -0.0009291, "W13_new": 0.1}, "W13_new", None),   # the old weight, beside a right dW
    ({"dW35": -0.02767, "W35_new": 0.3}, "W35_new", None),     # 0.2723 to 1 digit
    ({"dW23": -0.002389, "W23_new": 0.800}, "W23_new", None),   # 0.7976 to 2 digits, and W23
    ({"W13_new": 0.09907, "W23_new": 0.7976, "a3_after": 0.755}, "a3_after", None),  # the first pass, once
    ({"dW23": -0.002389, "W23_new": 0.8024}, "W23_new", "subtracted-update"),  # W - dW
])
def test_a_value_after_the_step_that_did_not_take_it_earns_nothing(answers, name, misconception):
    result = {r.name: r for r in grade(SOLUTION, answers).values}[name]
    assert (result.verdict, result.misconception) == ("wrong", misconception)


@pytest.mark.parametrize("exercise, answers", [
    ("ex7", {"W13_new": 0.1498, "W23_new": 0.1996, "y3_after": 0.5932}),  # y3 moves by 1.3e-5: under 4 digits
    ("ex6", {"W12_new": 0.9000, "y2_after": 0.7109}),
])
def test_a_change_too_small_for_four_digits_is_not_asked_to_show(exercise, answers):
    result = grade(solve(load_exercise(exercise)), answers)
    assert {r.name: r.verdict for r in result.values if r.verdict != "missing"} == dict.fromkeys(answers, "correct")
