"""Mistakes made from each formula's tree (bpcheck/formulas.py): the tree computes what the solver
computes; every wrong version of every asked quantity, given with exact upstream values, is named with
its own id, or with the hand-written mistake that gives the same number, or with none when two mistakes
give it; right and rounded answers are never named; the edits tried per quantity are bounded."""

from __future__ import annotations

import os

import pytest
from helpers import EX1_YAML
from hypothesis import given, settings
from test_grading_properties import networks

from bpcheck import load_exercise
from bpcheck.formulas import MAX_VARIANTS, evaluate, variants
from bpcheck.grading import grade, is_rounding
from bpcheck.loading import load_exercise_text
from bpcheck.misconceptions import MISCONCEPTIONS, candidates
from bpcheck.network import Exercise
from bpcheck.solution import solve

BUILTINS = [f"ex{n}" for n in range(1, 9)]
EXAMPLES = 150 if os.environ.get("CI") else 8


def same(one: float, two: float) -> bool:
    return abs(one - two) <= 1e-12 * max(abs(one), abs(two))


def assert_tree_computes_what_the_solver_does(solution):
    for quantity in solution.graph:
        if quantity.form is not None:
            assert same(evaluate(quantity.form, solution.values), solution.values[quantity.name]), quantity.name


def assert_every_variant_is_named(solution):
    """Each edit of each asked quantity, written alone (upstream exact), gets its own id, or the id of
    the one other mistake that gives the very same number, or none when two do."""
    network, values = solution.exercise.network, solution.values
    checked = 0
    for name in solution.asked:
        quantity = solution.graph[name]
        if quantity.form is None:
            continue
        listed = list(candidates(quantity, network, values))
        for variant in variants(quantity.form):
            try:
                value = evaluate(variant.form, values)
            except (ValueError, ArithmeticError):
                continue
            result = grade(solution, {name: value}).results[solution.asked.index(name)]
            if (result.verdict == "correct" or value == 0 or is_rounding(value, values[name])
                    or variant.mistake == "not-updated"):
                # A factor of 1 changes nothing; 0, or the right value rounded, names nothing; and a value
                # after the step equal to the one before it is named only beside others (tests/test_carried_forward.py).
                continue
            ids = {c.misconception for c in listed if same(c.value, value)}
            # The edit is offered: under its own id, or under the one that gave its number first (a
            # mistake written by hand, or another edit of the same number).
            assert ids and ids <= set(MISCONCEPTIONS), (name, variant)
            if ids == {"not-updated"}:
                continue  # the value before the step: named only beside several like it (tests/test_grading.py)
            if len(ids) == 1:
                assert result.misconception == ids.pop(), (name, variant, value, result.message)
            else:
                assert result.misconception is None, (name, variant, ids)
            checked += 1
    return checked


@pytest.mark.parametrize("exercise", BUILTINS)
def test_every_builtin(exercise):
    solution = solve(load_exercise(exercise))
    assert_tree_computes_what_the_solver_does(solution)
    assert assert_every_variant_is_named(solution) > 20


@settings(deadline=None, max_examples=EXAMPLES)
@given(networks())
def test_random_networks(network):
    solution = solve(Exercise("random", "random", network))
    assert_tree_computes_what_the_solver_does(solution)
    assert_every_variant_is_named(solution)


@pytest.mark.parametrize("exercise", BUILTINS)
@pytest.mark.parametrize("digits", [2, 3, 4, 6])
def test_right_and_rounded_answers_name_no_mistake(exercise, digits):
    solution = solve(load_exercise(exercise))
    answers = {name: float(f"{solution.values[name]:.{digits - 1}e}") for name in solution.asked}
    assert [(r.name, r.misconception) for r in grade(solution, answers).results if r.misconception] == []


TANH_HIDDEN = EX1_YAML.replace("layers: [2, 2, 1]", "layers: [2, {units: 2, activation: tanh}, 1]")
BIASED = EX1_YAML + "biases: {b3: 0.1, b4: -0.2, b5: 0.05}\n"


@pytest.mark.parametrize("source, name, wrong, mistake", [
    # the eight a tutor sees every term (issue: "none of eight was named")
    (TANH_HIDDEN, "delta3", lambda v: v["y3"] * (1 - v["y3"]) * v["W35"] * v["delta5"], "wrong-activation-slope"),
    ("ex5", "delta5", lambda v: v["y5"] * (1 - v["y5"]) * (v["t5"] - v["y5"]), "extra-activation-derivative"),
    ("ex1", "dW13", lambda v: v["eta"] * v["delta3"], "missing-source-output"),
    ("ex1", "a5", lambda v: v["W35"] * v["a3"] + v["W45"] * v["a4"], "preactivation-used"),
    (BIASED, "a3", lambda v: v["W13"] * v["x1"] + v["W23"] * v["x2"], "missing-bias"),
    ("ex5", "E", lambda v: -(v["t5"] * __import__("math").log10(v["y5"]) + v["t6"] * __import__("math").log10(v["y6"])),
     "wrong-log-base"),
    ("ex1", "y3", lambda v: __import__("math").tanh(v["a3"]), "wrong-activation"),
    ("ex1", "delta5", lambda v: (v["y5"] * (1 - v["y5"])) ** 2 * (v["t5"] - v["y5"]), "derivative-applied-twice"),
])
def test_the_eight_mistakes_a_tutor_sees(source, name, wrong, mistake):
    exercise = load_exercise(source) if source.startswith("ex") else load_exercise_text(source)
    solution = solve(exercise)
    value = wrong(solution.values)
    result = next(r for r in grade(solution, {name: value}).results if r.name == name)
    assert (result.verdict, result.misconception) == ("wrong", mistake), result.message
    assert result.message.startswith(MISCONCEPTIONS[mistake]) and f"{name} = " in result.message
    assert result.hint.startswith(MISCONCEPTIONS[mistake])


def test_the_edits_tried_are_bounded():
    widest = solve(load_exercise_text(
        "layers: [50, 50, 1]\ninputs: {" + ", ".join(f"x{i}: 0.1" for i in range(1, 51)) + "}\n"
        "weights: {" + ", ".join(f"W{i}_{j}: 0.01" for j in range(51, 101) for i in range(1, 51)) + ", "
        + ", ".join(f"W{j}_101: 0.01" for j in range(51, 101)) + "}\ntargets: {t101: 0.5}\nlearning_rate: 1\n"))
    for quantity in widest.graph:
        if quantity.form is not None:
            assert sum(1 for _ in variants(quantity.form)) <= MAX_VARIANTS


def test_a_value_right_from_the_students_own_numbers_names_no_mistake():
    """dW13 = η·delta3·x1 from their own (trivially small) delta3 is the right formula: not sign-flip."""
    solution = solve(load_exercise("ex2"))
    values = solution.values
    answers = {"delta3": 0.0005, "dW13": values["eta"] * 0.0005 * values["x1"]}
    result = next(r for r in grade(solution, answers).results if r.name == "dW13")
    assert (result.verdict, result.misconception) == ("wrong", None)


def test_updated_weight_used_with_a_frozen_downstream_weight():
    exercise = load_exercise_text(EX1_YAML.replace("layers: [2, 2, 1]", "layers: [2, 2, 2]").replace(
        "W45: 0.9}", "W45: 0.9, W36: 0.5, W46: -0.2}").replace("targets: {t5: 0.5}", "targets: {t5: 0.5, t6: 0.9}")
        + "frozen: [W46]\n")
    solution = solve(exercise)
    v = solution.values
    value = v["y4"] * (1 - v["y4"]) * (v["W45_new"] * v["delta5"] + v["W46"] * v["delta6"])
    result = next(r for r in grade(solution, {"delta4": value}).results if r.name == "delta4")
    assert result.misconception == "updated-weight-used"


def test_the_same_slip_in_every_term_is_named():
    import math

    text = (EX1_YAML.replace("layers: [2, 2, 1]", "layers: [2, 2, {units: 2, activation: softmax}]")
            .replace("W45: 0.9}", "W45: 0.9, W36: 0.5, W46: -0.2}").replace("targets: {t5: 0.5}",
                                                                           "targets: {t5: 0.3, t6: 0.7}")
            + "loss: cross_entropy\n")
    solution = solve(load_exercise_text(text))
    v = solution.values
    value = -(v["t5"] * math.log10(v["y5"]) + v["t6"] * math.log10(v["y6"]))
    result = next(r for r in grade(solution, {"E": value}).results if r.name == "E")
    assert result.misconception == "wrong-log-base"


def test_a_hint_on_rounding_says_what_to_do_not_how_close():
    solution = solve(load_exercise("ex1"))
    result = next(r for r in grade(solution, {"delta3": -0.0027}).results if r.name == "delta3")
    assert result.hint.startswith("keep at least 4 significant digits") and "rounded" not in result.hint
