"""Grading through the Python API: verdicts (correct, carried_forward, wrong, missing), tolerances, named
mistakes, points, and the guards that keep carried-forward credit from rewarding nonsense.

Every student value here is computed in this file by ``by_hand``: the tutorial's four formulas (§12)
written out with plain ``math``, never bpcheck's own solver. A "slip" replaces one value where the student
computes it, and everything after it is then worked from the slipped value, as a student would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import EX1_YAML, sigmoid

from bpcheck import load_exercise, solve
from bpcheck.batch import GradingSession
from bpcheck.errors import AnswersError
from bpcheck.grading import Grade, Tolerance, grade
from bpcheck.loading import load_exercise_text
from bpcheck.misconceptions import MISCONCEPTIONS
from bpcheck.names import canonical_name
from bpcheck.report.views import number_formatter

# ---------------------------------------------------------------- the networks, by hand


@dataclass(frozen=True)
class Net:
    """A 2-2-k sigmoid network without biases (units 1, 2 | 3, 4 | 5, ...), as in exercises 1-3."""

    x: dict[int, float]
    w: dict[tuple[int, int], float]
    t: dict[int, float]
    eta: float


EX1 = Net(x={1: 0.35, 2: 0.9}, w={(1, 3): 0.1, (2, 3): 0.8, (1, 4): 0.4, (2, 4): 0.6, (3, 5): 0.3, (4, 5): 0.9},
          t={5: 0.5}, eta=1.0)
EX2 = Net(x={1: 0.2, 2: 0.7}, w={(1, 3): 0.5, (2, 3): -0.3, (1, 4): 0.2, (2, 4): 0.9, (3, 5): -0.4, (4, 5): 0.7},
          t={5: 0.9}, eta=0.5)
EX3 = Net(x={1: 0.35, 2: 0.9}, w={(1, 3): 0.1, (2, 3): 0.8, (1, 4): 0.4, (2, 4): 0.6, (3, 5): 0.3, (4, 5): 0.9,
                                  (3, 6): 0.5, (4, 6): -0.2},
          t={5: 0.5, 6: 0.9}, eta=1.0)
NETS = {"ex1": EX1, "ex2": EX2, "ex3": EX3}



def by_hand(net: Net, slips: dict[str, float] | None = None) -> dict[str, float]:
    """Every value of one gradient-descent step (tutorial §12 and §13), in full precision.

    ``slips`` replaces a value where it is computed; everything after it uses the replacement."""
    slips = slips or {}
    values: dict[str, float] = {}

    def put(name: str, value: float) -> float:
        values[name] = slips.get(name, value)
        return values[name]

    hidden, outputs = (3, 4), tuple(sorted(net.t))

    def forward(weights: dict[tuple[int, int], float], suffix: str) -> dict[int, float]:
        o = dict(net.x)
        for sources, layer in (((1, 2), hidden), (hidden, outputs)):
            for j in layer:
                a = put(f"a{j}{suffix}", sum(weights[(i, j)] * o[i] for i in sources))
                o[j] = put(f"y{j}{suffix}", sigmoid(a))
        put(f"E{suffix}", 0.5 * sum((net.t[k] - o[k]) ** 2 for k in outputs))
        return o

    o = forward(net.w, "")
    delta = {}
    for k in outputs:
        delta[k] = put(f"delta{k}", o[k] * (1 - o[k]) * (net.t[k] - o[k]))
    for j in hidden:
        delta[j] = put(f"delta{j}", o[j] * (1 - o[j]) * sum(net.w[(j, k)] * delta[k] for k in outputs))
    new = {}
    for (i, j), weight in net.w.items():
        name = f"W{i}{j}"
        put(f"dE_d{name}", -delta[j] * o[i])
        change = put(f"d{name}", net.eta * delta[j] * o[i])
        new[(i, j)] = put(f"{name}_new", weight + change)
    forward(new, "_after")
    return values


def solution_of(name: str):
    return solve(load_exercise(name))


def verdicts(result: Grade) -> dict[str, set[str]]:
    """{verdict: the names that got it}, for comparing whole sets at once."""
    sets: dict[str, set[str]] = {}
    for r in result.values:
        sets.setdefault(r.verdict, set()).add(r.name)
    return sets


def results_by_name(result: Grade) -> dict:
    return {r.name: r for r in result.values}


def write_answers(folder: Path, exercise: str, answers: dict[str, object], name: str = "answers.yaml") -> Path:
    lines = [f"exercise: {exercise}", "answers:"] + [f"  {key}: {value}" for key, value in answers.items()]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_exercise(folder: Path, extra: str, name: str = "exercise.yaml") -> Path:
    path = folder / name
    path.write_text(EX1_YAML + extra, encoding="utf-8")
    return path


# Every quantity ex1 asks for, in solving order (tutorial §13: forward, error, deltas, updates, check).
EX1_ASKED = ["a3", "y3", "a4", "y4", "a5", "y5", "E", "delta5", "delta3", "delta4",
             "dE_dW13", "dW13", "W13_new", "dE_dW23", "dW23", "W23_new", "dE_dW14", "dW14", "W14_new",
             "dE_dW24", "dW24", "W24_new", "dE_dW35", "dW35", "W35_new", "dE_dW45", "dW45", "W45_new",
             "a3_after", "y3_after", "a4_after", "y4_after", "a5_after", "y5_after", "E_after"]

# Tutorial §13 at its printed precision (E ≈ 0.018 is printed in §5).
SECTION_13 = {
    "a3": 0.755, "y3": 0.6803, "a4": 0.68, "y4": 0.6637, "a5": 0.8014, "y5": 0.6903, "E": 0.018,
    "delta5": -0.0407, "delta3": -0.00266, "delta4": -0.00817,
    "dW13": -0.000931, "W13_new": 0.0991, "dW23": -0.00239, "W23_new": 0.7976,
    "dW14": -0.00286, "W14_new": 0.3971, "dW24": -0.00735, "W24_new": 0.5926,
    "dW35": -0.0277, "W35_new": 0.2723, "dW45": -0.0270, "W45_new": 0.8730,
    "y3_after": 0.6797, "y4_after": 0.6620, "y5_after": 0.6820,
}


# ---------------------------------------------------------------- the oracle itself


@pytest.mark.parametrize("name", ["ex1", "ex2", "ex3"])
def test_by_hand_agrees_with_the_solver(name):
    """The hand computation in this file is the yardstick; it must be the same step bpcheck solves."""
    solution = solution_of(name)
    mine = by_hand(NETS[name])
    assert set(solution.asked) == set(mine)
    for quantity in solution.asked:
        assert mine[quantity] == pytest.approx(solution.values[quantity], rel=1e-12, abs=1e-15), quantity


def test_ex1_asks_every_quantity_in_solving_order():
    assert list(solution_of("ex1").asked) == EX1_ASKED


# ---------------------------------------------------------------- tutorial §13


def test_tutorial_section_13_at_its_printed_precision_is_fully_correct():
    result = grade(solution_of("ex1"), SECTION_13)
    graded = results_by_name(result)
    assert {name: graded[name].verdict for name in SECTION_13} == {name: "correct" for name in SECTION_13}
    # §13 does not print the gradients dE_dW or the a's and E of the second forward pass.
    assert verdicts(result)["missing"] == set(EX1_ASKED) - set(SECTION_13)
    assert result.score == 25 and result.max_score == 35


def test_tutorial_section_13_against_an_exercise_asking_exactly_those(tmp_path):
    asked = ", ".join(SECTION_13)
    exercise = load_exercise(str(write_exercise(tmp_path, f"asked: [{asked}]\n")))
    result = grade(solve(exercise), SECTION_13)
    assert [r.name for r in result.values] == [name for name in EX1_ASKED if name in SECTION_13]
    assert verdicts(result) == {"correct": set(SECTION_13)}
    assert (result.score, result.max_score) == (25, 25)
    assert result.passed() and result.first_wrong is None
    for r in result.values:
        assert r.given == SECTION_13[r.name] and r.misconception is None


# ---------------------------------------------------------------- carried forward


def test_a_slip_early_is_wrong_once_and_carried_forward_after():
    """y3 off by 3% (0.7007 for 0.6803), everything after it worked in full precision from 0.7007.

    Which later values the slip moves by more than 1% (computed by ``by_hand``, then written out):
    delta3 and dW35 are proportional to y3(1 - y3) and to y3; dE_dW13, dW13, dE_dW23 and dW23 are
    proportional to delta3; E = ½(t5 - y5)² squares a difference that moves by 0.7%. Everything else moves
    less than 1%: a5 gets only W35 = 0.3 of the slip, y5, delta5 and delta4 move less still, the new
    weights move by a change that is small next to the weight, and the second forward pass reads those.
    So: y3 is the one wrong value, those eight are carried forward, and the other 26 are correct.
    """
    exact = by_hand(EX1)
    slipped = by_hand(EX1, slips={"y3": exact["y3"] * 1.03})
    moved = {name for name in EX1_ASKED if abs(slipped[name] - exact[name]) > 0.01 * abs(exact[name])}
    carried = {"E", "delta3", "dE_dW13", "dW13", "dE_dW23", "dW23", "dE_dW35", "dW35"}
    assert moved == {"y3"} | carried

    result = grade(solution_of("ex1"), {name: slipped[name] for name in EX1_ASKED})

    assert verdicts(result) == {
        "wrong": {"y3"},
        "carried_forward": carried,
        "correct": set(EX1_ASKED) - moved,
    }
    graded = results_by_name(result)
    assert graded["y3"].misconception is None  # a 3% slip is no known mistake
    assert "follows from your y3 = 0.7007" in graded["delta3"].message
    assert graded["delta3"].follows_from == ("y3",)
    assert "follows from your delta3 = -0.002571" in graded["dW13"].message
    assert graded["dW35"].follows_from == ("y3",)
    assert result.score == 34 and result.max_score == 35
    assert not result.passed()


def test_correct_means_within_tolerance_of_the_exact_value():
    """The minimal case of the slip above: y5 0.5% high (still correct) and E = ½(t5 - y5)² worked from it,
    which lands 3.7% from the exact E. E follows from the student's own y5 but is not within 1% of the exact
    value, so it is carried_forward, not correct."""
    exact = by_hand(EX1)
    y5 = exact["y5"] * 1.005
    e = 0.5 * (0.5 - y5) ** 2
    assert abs(e - exact["E"]) > 0.03 * exact["E"]
    result = grade(solution_of("ex1"), {"y5": y5, "E": e})
    graded = results_by_name(result)
    assert graded["y5"].verdict == "correct"
    assert graded["E"].verdict == "carried_forward", graded["E"].message


def test_carried_forward_credit_still_needs_the_right_formula():
    """delta3 worked from the slipped y3 but with a mistake of its own earns nothing."""
    exact = by_hand(EX1)
    slipped = by_hand(EX1, slips={"y3": 0.7007})
    answers = {"y3": 0.7007, "delta3": slipped["delta3"] * 1.05}
    graded = results_by_name(grade(solution_of("ex1"), answers))
    assert graded["y3"].verdict == "wrong"
    assert graded["delta3"].verdict == "wrong"
    assert graded["delta3"].given == pytest.approx(slipped["delta3"] * 1.05)
    assert graded["delta3"].expected == pytest.approx(exact["delta3"], rel=1e-12)


def test_all_zero_answers_earn_nothing():
    result = grade(solution_of("ex1"), {name: 0.0 for name in EX1_ASKED})
    assert verdicts(result) == {"wrong": set(EX1_ASKED)}
    assert result.score == 0


def test_all_zero_answers_earn_only_the_values_that_really_are_zero(tmp_path):
    """With x2 = 0 the changes of W23 and W24 (and their gradients) are exactly 0; nothing else is."""
    text = EX1_YAML.replace("x2: 0.9", "x2: 0")
    assert text != EX1_YAML
    path = tmp_path / "x2-zero.yaml"
    path.write_text(text, encoding="utf-8")
    solution = solve(load_exercise(str(path)))
    result = grade(solution, {name: 0.0 for name in solution.asked})
    truly_zero = {"dE_dW23", "dW23", "dE_dW24", "dW24"}
    assert {name for name in solution.asked if solution.values[name] == 0} == truly_zero
    assert verdicts(result) == {"correct": truly_zero, "wrong": set(solution.asked) - truly_zero}
    assert result.score == 4


@pytest.mark.parametrize("impossible", [5.0, 1.5, -0.2])
def test_an_impossible_sigmoid_output_earns_nothing_in_the_values_that_read_it(impossible):
    """A sigmoid output lies between 0 and 1 (either end only by rounding); values worked directly from y3 = 5
    are not credited."""
    slipped = by_hand(EX1, slips={"y3": impossible})
    graded = results_by_name(grade(solution_of("ex1"), {name: slipped[name] for name in EX1_ASKED}))
    for name in ("y3", "a5", "delta3", "dE_dW35", "dW35"):
        assert graded[name].verdict == "wrong", (name, graded[name].message)


def test_an_impossible_sigmoid_output_earns_no_carried_forward_credit_anywhere_downstream():
    """Everything after y3 = 5, worked consistently from it, is downstream of an impossible value: no
    carried-forward credit at all (y5, E, delta5 ... follow from y3 through a5). Values that land within 1%
    of the exact ones anyway are correct; here those are the ones that do not depend on y3 at all, and the
    new weights whose change is small next to the weight."""
    exact = by_hand(EX1)
    slipped = by_hand(EX1, slips={"y3": 5.0})
    close = {name for name in EX1_ASKED if abs(slipped[name] - exact[name]) <= 0.01 * abs(exact[name])}
    assert close == {"a3", "a4", "y4", "W14_new", "W24_new", "W45_new", "a4_after", "y4_after"}
    result = grade(solution_of("ex1"), {name: slipped[name] for name in EX1_ASKED})
    assert verdicts(result) == {"correct": close, "wrong": set(EX1_ASKED) - close}
    assert result.score == 8


# ---------------------------------------------------------------- named mistakes


# (id, exercise, quantity, how the answers file spells it, the mistaken value from the exact values v)
MISTAKE_CASES = [
    ("sign-flip", "ex1", "delta5", "delta5", lambda v, n: -v["delta5"]),
    ("sign-flip", "ex2", "dW35", "ΔW35", lambda v, n: -v["dW35"]),
    ("missing-activation-derivative", "ex1", "delta5", "δ5", lambda v, n: n.t[5] - v["y5"]),
    ("missing-activation-derivative", "ex1", "delta4", "delta4", lambda v, n: n.w[(4, 5)] * v["delta5"]),
    ("preactivation-derivative", "ex1", "delta5", "delta5",
     lambda v, n: v["a5"] * (1 - v["a5"]) * (n.t[5] - v["y5"])),
    ("preactivation-derivative", "ex2", "delta3", "d3",
     lambda v, n: v["a3"] * (1 - v["a3"]) * n.w[(3, 5)] * v["delta5"]),
    ("updated-weight-used", "ex1", "delta3", "delta3",
     lambda v, n: v["y3"] * (1 - v["y3"]) * v["W35_new"] * v["delta5"]),
    ("updated-weight-used", "ex2", "delta4", "delta4",
     lambda v, n: v["y4"] * (1 - v["y4"]) * v["W45_new"] * v["delta5"]),
    ("missing-downstream-term", "ex3", "delta3", "delta3",
     lambda v, n: v["y3"] * (1 - v["y3"]) * n.w[(3, 5)] * v["delta5"]),
    ("missing-downstream-term", "ex3", "delta4", "delta4",
     lambda v, n: v["y4"] * (1 - v["y4"]) * n.w[(4, 6)] * v["delta6"]),
    ("wrong-source-output", "ex1", "dW13", "dW13", lambda v, n: n.eta * v["delta3"] * v["y3"]),
    ("wrong-source-output", "ex1", "dW45", "delta_W45", lambda v, n: n.eta * v["delta5"] * v["y5"]),
    ("missing-learning-rate", "ex2", "dW13", "dW13", lambda v, n: v["delta3"] * n.x[1]),
    ("missing-learning-rate", "ex2", "dW45", "dW45", lambda v, n: v["delta5"] * v["y4"]),
    ("subtracted-update", "ex1", "W13_new", "W13'", lambda v, n: n.w[(1, 3)] - v["dW13"]),
    ("subtracted-update", "ex2", "W35_new", "new_W35", lambda v, n: n.w[(3, 5)] - v["dW35"]),
    ("missing-half", "ex1", "E", "E", lambda v, n: (n.t[5] - v["y5"]) ** 2),
    ("missing-half", "ex3", "E", "E", lambda v, n: (n.t[5] - v["y5"]) ** 2 + (n.t[6] - v["y6"]) ** 2),
    ("swapped-weight-indices", "ex1", "a3", "a3", lambda v, n: n.w[(1, 3)] * n.x[1] + n.w[(1, 4)] * n.x[2]),
    ("swapped-weight-indices", "ex1", "a4", "a4", lambda v, n: n.w[(2, 3)] * n.x[1] + n.w[(2, 4)] * n.x[2]),
]


@pytest.mark.parametrize("misconception, exercise, quantity, spelled, mistaken", MISTAKE_CASES,
                         ids=[f"{case[0]}-{case[1]}-{case[2]}" for case in MISTAKE_CASES])
def test_a_named_mistake_is_recognised(tmp_path, misconception, exercise, quantity, spelled, mistaken):
    """An answers file holding the mistaken value, rounded to 4 significant digits as a student writes it."""
    exact = by_hand(NETS[exercise])
    value = mistaken(exact, NETS[exercise])
    assert abs(value - exact[quantity]) > 0.015 * abs(exact[quantity]), "the mistake must be visible"
    path = write_answers(tmp_path, exercise, {spelled: f"{value:.4g}"})
    outcome = GradingSession().grade_file(path)
    assert outcome.error is None, outcome.error
    graded = results_by_name(outcome.grade)
    result = graded[quantity]
    assert (result.verdict, result.misconception) == ("wrong", misconception), result.message
    assert result.given == float(f"{value:.4g}")
    assert result.line == 3
    explanation, _, expected = result.message.partition(" expected ")
    assert explanation and "±" in expected, "a sentence about the mistake, then the expected range"
    assert {name for name, r in graded.items() if r.verdict != "missing"} == {quantity}


def test_the_mistake_cases_cover_every_named_misconception():
    ids = {"sign-flip", "missing-activation-derivative", "preactivation-derivative", "updated-weight-used",
           "missing-downstream-term", "wrong-source-output", "missing-learning-rate", "subtracted-update",
           "missing-half", "swapped-weight-indices"}
    # not-updated is within tolerance: its own test below; other-numbers in tests/test_course.py; the
    # mistakes made from the formulas' trees in tests/test_formulas.py
    generated = {"missing-source-output", "missing-delta", "missing-weight", "missing-output-error", "missing-bias",
                 "missing-input-term", "missing-output-term", "missing-old-value", "derivative-applied-twice",
                 "wrong-activation", "wrong-activation-slope", "preactivation-used", "wrong-log-base",
                 "extra-activation-derivative", "missing-average", "missing-example-term",
                 "missing-decay-factor", "missing-momentum-term", "missing-moment-weight", "missing-square",
                 "missing-bias-correction", "missing-square-root"}  # the optimizers' (tests/test_formula_trees.py)
    # uphill-step is the downhill check's (tests/test_downhill.py)
    assert set(MISCONCEPTIONS) == ids | {"not-updated", "other-numbers", "uphill-step"} | generated
    assert {case[0] for case in MISTAKE_CASES} == ids


@pytest.mark.parametrize("name, value, verdict", [
    ("W13_new", 0.1, "wrong"),  # W13 itself; 0.09907 to 1 digit too
    ("W13_new", 0.0991, "correct"),   # the tutorial's own rounding of the new value
    ("a3_after", 0.755, "wrong"),  # a3 from the first pass, within 1% of a3_after = 0.7525
    ("a3_after", 0.7525, "correct"),
    ("y5_after", 0.6903, "wrong"),  # y5 before the step
])
def test_one_value_before_the_step_for_the_value_after_it_earns_nothing_and_names_nothing(name, value, verdict):
    """One such value is as likely a coincidence (or rounding) as a step not taken: no mistake named."""
    solution = solve(load_exercise("ex1"))
    graded = {r.name: r for r in grade(solution, {name: value}).values}[name]
    assert (graded.verdict, graded.misconception) == (verdict, None)


# Steps large enough to show in 2 digits: 0.15 is not W13_new rounded, as ex1's 0.1 is.
TWO_DIGIT_WEIGHTS = EX1_YAML.replace("{W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9}",
                                     "{W13: 0.15, W23: 0.85, W14: 0.45, W24: 0.65, W35: 0.35, W45: 0.95}"
                                     ).replace("learning_rate: 1", "learning_rate: 10")


def test_several_values_before_the_step_for_the_values_after_it_are_named_not_updated():
    """Every weight written unchanged, and the first forward pass copied out as the second. (ex1's
    weights have one digit: 0.1 is W13_new = 0.09907 rounded as well, and names nothing.)"""
    solution = solve(load_exercise_text(TWO_DIGIT_WEIGHTS))
    values = solution.values
    unchanged = {f"{name}_new": values[name] for name in ("W13", "W23", "W14", "W24", "W35", "W45")}
    copied = {f"{name}_after": round(values[name], 4) for name in ("a3", "y3", "a4", "y4", "a5", "y5")}
    graded = {r.name: r for r in grade(solution, unchanged).values if r.name in unchanged}
    assert {(r.verdict, r.misconception) for r in graded.values()} == {("wrong", "not-updated")}
    assert "So are your W23_new, W14_new, W24_new, W35_new and W45_new." in graded["W13_new"].message
    two = dict(list(unchanged.items())[:2])  # two alike are not yet several: a coincidence is possible
    assert {r.misconception for r in grade(solution, two).values if r.name in two} == {None}
    # The pass copied: each a names it; each y follows from that a, is refused as trivial, and says why.
    graded = {r.name: r for r in grade(solution, copied).values if r.name in copied}
    assert {name: r.misconception for name, r in graded.items()} == {
        "a3_after": "not-updated", "y3_after": None, "a4_after": "not-updated", "y4_after": None,
        "a5_after": "not-updated", "y5_after": None}
    assert "So are your a4_after and a5_after." in graded["a3_after"].message
    assert graded["y3_after"].hint == ("it follows from your a3_after = 0.8175, but that slip leaves y3_after almost "
                                       "where y3 was: a step an earlier slip has made vanish earns no "
                                       "carried-forward credit")
    assert all(r.verdict == "wrong" for r in graded.values())


@pytest.mark.parametrize("name, value, digits", [
    ("W23_new", 0.8, 1),     # 0.7976 to 2 digits (0.80), and also W23 to the letter
    ("a3_after", 0.75, 2),   # 0.7525 to 2 digits
    ("W14_new", 0.4, 1),     # 0.3971 to 2 digits (0.40), and also W14
])
def test_a_value_after_the_step_rounded_too_early_names_no_mistake_and_agrees_with_its_range(name, value, digits):
    graded = {r.name: r for r in grade(solve(load_exercise("ex1")), {name: value}).values}[name]
    assert (graded.verdict, graded.misconception) == ("wrong", None)
    assert f"rounded to {digits} significant digit" in graded.message
    assert "outside" not in graded.message and "too coarse for the tolerance" not in graded.message
    low, high = (float(x) for x in graded.message.split(": ")[-2].split("; ")[0].split(" … "))
    assert low <= value <= high  # the range printed holds the value, and the message says so
    assert "is in that range but has not taken the step" in graded.message


def test_a_change_smaller_than_the_digits_written_is_no_mistake():
    """ex6's W12 moves by 4.8e-5: 0.9000 is W12_new to 4 digits, not a skipped update."""
    solution = solve(load_exercise("ex6"))
    assert abs(solution.values["dW12"]) < 1e-4
    graded = grade(solution, {"W12_new": 0.9000}).values
    assert {r.name: r.verdict for r in graded}["W12_new"] == "correct"


def test_the_right_value_is_never_called_a_mistake():
    exact = by_hand(EX2)
    result = grade(solution_of("ex2"), exact)
    assert verdicts(result) == {"correct": set(exact)}
    assert all(r.misconception is None and r.message == "" for r in result.values)


def test_a_wrong_value_that_matches_no_known_mistake_has_no_id():
    exact = by_hand(EX1)
    graded = results_by_name(grade(solution_of("ex1"), {"delta5": exact["delta5"] * 1.2}))
    assert graded["delta5"].verdict == "wrong"
    assert graded["delta5"].misconception is None
    assert graded["delta5"].message == "expected -0.04068 ± 1%: -0.04109 … -0.04027"


# ---------------------------------------------------------------- tolerances and their text


@pytest.mark.parametrize("factor, verdict", [(1.0099, "correct"), (0.9901, "correct"),
                                             (1.0101, "wrong"), (0.9899, "wrong")])
def test_the_default_tolerance_is_one_percent(factor, verdict):
    graded = results_by_name(grade(solution_of("ex1"), {"a3": 0.755 * factor}))
    assert graded["a3"].verdict == verdict


def test_rtol_and_atol_arguments_override_the_default():
    solution = solution_of("ex1")
    assert results_by_name(grade(solution, {"y3": 0.7007}))["y3"].verdict == "wrong"
    assert results_by_name(grade(solution, {"y3": 0.7007}, rtol=0.05))["y3"].verdict == "correct"
    assert results_by_name(grade(solution, {"a3": 0.764}, rtol=0, atol=0.01))["a3"].verdict == "correct"
    assert results_by_name(grade(solution, {"a3": 0.766}, rtol=0, atol=0.01))["a3"].verdict == "wrong"
    loose = grade(solution, {}, rtol=0.05, atol=0.002)
    assert (loose.tolerance.rtol, loose.tolerance.atol) == (0.05, 0.002)


def test_the_exercise_tolerance_is_used_and_arguments_override_it(tmp_path):
    solution = solve(load_exercise(str(write_exercise(tmp_path, "tolerance: {rtol: 0.05}\n"))))
    assert results_by_name(grade(solution, {"y3": 0.7007}))["y3"].verdict == "correct"
    assert results_by_name(grade(solution, {"y3": 0.7007}, rtol=0.01))["y3"].verdict == "wrong"
    assert grade(solution, {}).tolerance == Tolerance(0.05, 0.0)


def test_the_tolerance_is_shown_as_a_range():
    delta3 = by_hand(EX1)["delta3"]
    three_digits = number_formatter(3)
    assert Tolerance(0.01, 1e-8).describe(delta3, three_digits) == "-0.00265 ± 1%: -0.00268 … -0.00263"
    assert Tolerance(0, 0.001).describe(0.755, three_digits) == "0.755 ± 0.001: 0.754 … 0.756"
    graded = results_by_name(grade(solution_of("ex1"), {"delta3": -0.0031}))
    assert graded["delta3"].message == "expected -0.002654 ± 1%: -0.002681 … -0.002628"


def test_a_value_rounded_too_early_gets_a_hint():
    graded = results_by_name(grade(solution_of("ex1"), {"delta3": -0.003, "delta4": -0.0082}))
    assert graded["delta3"].verdict == "wrong"
    assert graded["delta3"].message.startswith("This is the exact value rounded to 1 significant digit,")
    assert graded["delta4"].verdict == "correct"  # -0.0082 is within 1% of -0.008172


# ---------------------------------------------------------------- missing, points, passing


def test_nothing_given_is_all_missing():
    result = grade(solution_of("ex1"), {})
    assert [r.name for r in result.values] == EX1_ASKED
    assert verdicts(result) == {"missing": set(EX1_ASKED)}
    assert (result.score, result.max_score) == (0, 35)
    a3 = result.values[0]
    assert (a3.given, a3.line, a3.misconception) == (None, None, None)
    assert a3.message == "not answered; expected 0.755 ± 1%: 0.7475 … 0.7626"


def test_blank_answers_count_as_missing():
    result = grade(solution_of("ex1"), {"a3": None, "y3": 0.6803})
    graded = results_by_name(result)
    assert graded["a3"].verdict == "missing" and graded["y3"].verdict == "correct"


def test_points_weight_the_quantities(tmp_path):
    extra = "asked: [forward, E, delta3]\npoints: {E: 2, delta3: 3.5}\n"
    solution = solve(load_exercise(str(write_exercise(tmp_path, extra))))
    assert list(solution.asked) == ["a3", "y3", "a4", "y4", "a5", "y5", "E", "delta3"]
    exact = by_hand(EX1)
    result = grade(solution, {"a3": exact["a3"], "E": exact["E"], "delta3": -1.0})
    assert result.max_score == 6 + 2 + 3.5
    assert result.score == 1 + 2
    points = {r.name: r.points for r in result.values}
    assert points == {"a3": 1, "y3": 1, "a4": 1, "y4": 1, "a5": 1, "y5": 1, "E": 2, "delta3": 3.5}


def test_passing_needs_every_asked_value_credited_or_a_pass_mark():
    exact = by_hand(EX1)
    nearly = {name: exact[name] for name in EX1_ASKED if name != "E_after"}  # 34 of 35
    result = grade(solution_of("ex1"), nearly)
    assert result.first_wrong.name == "E_after" and result.first_wrong.verdict == "missing"
    assert not result.passed()
    assert result.passed(pass_mark=97)      # 34/35 = 97.14%
    assert not result.passed(pass_mark=98)


def test_credited_values_pass_even_when_carried_forward(tmp_path):
    """y3 is asked and slipped: it costs its own mark, and delta3, which follows from it, passes."""
    solution = solve(load_exercise(str(write_exercise(tmp_path, "asked: [y3, delta5, delta3]\n"))))
    slipped = by_hand(EX1, slips={"y3": 0.7007})
    result = grade(solution, {"y3": 0.7007, "delta5": slipped["delta5"], "delta3": slipped["delta3"]})
    assert [(r.name, r.verdict) for r in result.values] == [("y3", "wrong"), ("delta5", "correct"),
                                                             ("delta3", "carried_forward")]
    assert not result.passed() and result.score == 2
    assert result.passed(pass_mark=60)


def test_an_unasked_value_buys_no_carried_forward_credit(tmp_path):
    """Only W13_new is asked: a made-up dW13 beside it must not make any W13_new 'consistent'."""
    solution = solve(load_exercise(str(write_exercise(tmp_path, "asked: [W13_new]\n"))))
    result = grade(solution, {"dW13": 5.0, "W13_new": 5.1})
    assert [(r.name, r.verdict) for r in result.values] == [("W13_new", "wrong")]
    assert result.score == 0


# ---------------------------------------------------------------- names and answers files


@pytest.mark.parametrize("spelled, canonical", [
    ("δ3", "delta3"), ("d3", "delta3"), ("delta_3", "delta3"), ("delta3", "delta3"),
    ("W_13", "W13"), ("w13", "W13"),
    ("ΔW13", "dW13"), ("delta_W13", "dW13"), ("ΔW_13", "dW13"),
    ("W13'", "W13_new"), ("new_W13", "W13_new"), ("W13_new", "W13_new"),
    ("o3", "y3"), ("o5", "y5"), ("y3'", "y3_after"),
])
def test_the_usual_spellings_of_names(spelled, canonical):
    assert canonical_name(spelled, frozenset({1, 2})) == canonical


@pytest.mark.parametrize("spelled", ["Wx13", "delta", "weight13", "y"])
def test_names_bpcheck_cannot_read(spelled):
    assert canonical_name(spelled, frozenset({1, 2})) is None


def test_an_answers_file_in_the_usual_spellings_grades_like_the_canonical_one(tmp_path):
    exact = by_hand(EX1)
    spelled = {"o3": "y3", "δ3": "delta3", "d4": "delta4", "delta_5": "delta5", "ΔW13": "dW13",
               "delta_W23": "dW23", "W13'": "W13_new", "new_W23": "W23_new", "w14'": "W14_new"}
    path = write_answers(tmp_path, "ex1", {key: repr(exact[name]) for key, name in spelled.items()})
    outcome = GradingSession().grade_file(path)
    assert outcome.error is None, outcome.error
    graded = results_by_name(outcome.grade)
    assert {name for name, r in graded.items() if r.verdict == "correct"} == set(spelled.values())
    assert {name: graded[name].line for name in spelled.values()} == {
        name: line for line, name in enumerate(spelled.values(), start=3)}


def test_an_answers_file_with_a_name_given_twice_is_refused(tmp_path):
    path = write_answers(tmp_path, "ex1", {"δ3": -0.00266, "a3": 0.755, "delta3": -0.00266})
    outcome = GradingSession().grade_file(path)
    assert outcome.grade is None
    error = outcome.error
    assert isinstance(error, AnswersError)
    assert (error.file, error.line, error.column) == (str(path), 5, 3)
    assert "delta3 is given twice" in error.message and "δ3 on line 3" in error.message


def test_an_answers_file_with_an_unknown_name_suggests_one_and_grades_the_rest(tmp_path):
    path = write_answers(tmp_path, "ex1", {"a3": 0.755, "detla3": -0.00266})
    outcome = GradingSession().grade_file(path)
    assert outcome.error is None and outcome.grade is not None and outcome.grade.score == 1  # a slip is not a zero
    (flag,) = outcome.flags
    assert (flag.kind, flag.line, flag.column) == ("not-graded", 4, 3)
    assert flag.message == "'detla3' is not a quantity of this exercise; it was not graded (did you mean delta3?)"
    assert next(r for r in outcome.grade.results if r.name == "delta3").verdict == "missing"


SOFTSIGN = """
layers: [2, {units: 1, activation: softsign}, 1]
inputs: {x1: 0.5, x2: -1.0}
weights: {W13: 0.4, W23: -0.6, W34: 0.8}
targets: {t4: 0.9}
learning_rate: 0.5
"""


def test_softsign_is_one_entry_solved_by_hand_with_its_mistakes_named():
    solution = solve(load_exercise_text(SOFTSIGN))
    values = solution.values
    # By hand: a3 = 0.2 + 0.6 = 0.8; y3 = 0.8/1.8 = 4/9; f'(a3) = (1 - 4/9)² = 25/81.
    assert values["a3"] == pytest.approx(0.8) and values["y3"] == pytest.approx(4 / 9)
    y4 = 1 / (1 + math.exp(-0.8 * 4 / 9))
    delta4 = y4 * (1 - y4) * (0.9 - y4)
    assert values["delta4"] == pytest.approx(delta4)
    assert values["delta3"] == pytest.approx(25 / 81 * 0.8 * delta4)
    graph = solution.graph
    assert graph["y3"].symbolic == "softsign(a3)" and graph["delta3"].symbolic == "(1 - |y3|)²·W34·delta4"
    error = 0.8 * delta4
    named = grade(solution, {"delta3": error, "y3": -4 / 9}).values
    assert {r.name: r.misconception for r in named}["delta3"] == "missing-activation-derivative"
    assert "(1 - |y3|)²" in {r.name: r.message for r in named}["delta3"]
    preactivation = grade(solution, {"delta3": (1 - 0.8) ** 2 * error}).values
    assert {r.name: r.misconception for r in preactivation}["delta3"] == "preactivation-derivative"
    impossible = grade(solution, {"y3": 1.5, "a3": 0.8}).values  # softsign outputs lie in (-1, 1)
    assert {r.name: r.verdict for r in impossible}["y3"] == "wrong"


def test_solutions_sharing_a_graph_are_each_graded_on_their_own_exact_values():
    # A variant's drawn numbers are checked on the exercise's own graph (variants.make_variant): what
    # grading keeps once a class must follow the exact values, not the graph. With eta = 0 no step is
    # taken: every new weight is its old one, which is right there and would be a step not taken in ex1.
    base = solve(load_exercise("ex1"))
    still = base._replace(values=base.graph.evaluate({"eta": 0.0}))
    assert still.values["W13_new"] == still.values["W13"] and base.values["W13_new"] != base.values["W13"]
    for first, second in ((base, still), (still, base)):
        grade(first, dict(first.values))
        graded = grade(second, {name: second.values[name] for name in second.asked})
        assert graded.first_wrong is None and graded.score == graded.max_score
    unmoved = grade(base, {**{name: base.values[name] for name in base.asked}, "W13_new": base.values["W13"]})
    assert next(r for r in unmoved.results if r.name == "W13_new").verdict == "wrong"


def test_the_mistakes_worked_on_the_exact_values_follow_the_values_not_the_graph():
    # E without its ½ is named from the exact values (nothing upstream is the student's): worked once a
    # class, so a solution sharing the graph with other numbers (here another target) must
    # not be offered the first one's mistakes, whichever is graded first.
    base = solve(load_exercise("ex1"))
    other = base._replace(values=base.graph.evaluate({"t5": 0.9}))
    assert other.values["E"] != base.values["E"]
    for first, second in ((base, other), (other, base)):
        assert [r.misconception for r in grade(first, {"E": 2 * first.values["E"]}).results
                if r.name == "E"] == ["missing-half"]
        named = [r.misconception for r in grade(second, {"E": 2 * second.values["E"]}).results if r.name == "E"]
        assert named == ["missing-half"], (first.values["t5"], second.values["t5"])
