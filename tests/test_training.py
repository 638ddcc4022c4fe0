"""Training runs, datasets, optimizers, each layer's mean |δ| and the gradient check (issue 10).

Every expected number is worked here by hand or by an independent loop (benchmarks/plain_loop.py,
which shares no code with bpcheck), never read back from bpcheck."""

from __future__ import annotations

import json
import math
import random
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from helpers import EX1_YAML, LINEAR_DATASET_YAML, assert_bad_input_line, network_yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_solver_oracle import cases

from bpcheck import builtin_exercises, grade, load_exercise, solve
from bpcheck.gradcheck import FAIL, KINK, PASS, gradient_check
from bpcheck.loading import load_exercise_text
from bpcheck.names import canonical_name
from bpcheck.network import OPTIMIZER_SETTINGS, Example, Exercise, Optimizer
from bpcheck.training import DECREASING, DIVERGING, OSCILLATING, loss_behaviour, mean_abs_deltas, train

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import plain_loop  # noqa: E402  (benchmarks/ is not a package)

README = (ROOT / "README.md").read_text(encoding="utf-8")
TRAINING_PAGE = (ROOT / "docs" / "students" / "training.md").read_text(encoding="utf-8")
EXERCISE_FORMAT = (ROOT / "docs" / "reference" / "exercise-format.md").read_text(encoding="utf-8")
MANUAL = "\n".join(page.read_text(encoding="utf-8") for page in sorted((ROOT / "docs").rglob("*.md")))
XOR = ROOT / "examples" / "training" / "xor.yaml"


def ex1():
    return load_exercise("ex1").network


# ---------------------------------------------------------------- a run against an independent loop


def test_ex1_loss_matches_an_independent_loop_and_decreases():
    weights, biases, examples = plain_loop.tutorial_network()
    expected = plain_loop.train(weights, biases, examples, 1.0, 1000)
    result = train(ex1(), 1000)
    assert len(result.loss) == 1000
    assert result.loss[0] == pytest.approx(0.01810390383656677, rel=1e-15)  # ½(0.5 - 0.690283)², §13
    for index, (ours, theirs) in enumerate(zip(result.loss, expected)):
        if theirs > 1e-25:  # above the rounding floor, where the two loops are the same arithmetic
            assert abs(ours - theirs) <= 1e-12 * theirs, (index, ours, theirs)
        else:  # below it bpcheck writes t - y at its rounding level as 0 (README, "Sums that cancel")
            assert ours <= 1e-25
    assert all(after <= before for before, after in zip(result.loss, result.loss[1:]))
    assert result.loss[1] < result.loss[0] * 0.92  # "one iteration shrinks the error by about 4%" at η = 0.5
    assert result.behaviour.kind == DECREASING


def test_the_first_update_is_solve_s_step():
    step = solve(load_exercise("ex1")).values
    result = train(ex1(), 1)
    assert result.final == {name: step[f"{name}_new"] for name in result.final}
    assert result.final_loss == step["E_after"]


def test_a_dataset_with_biases_matches_the_independent_loop():
    exercise = load_exercise(str(XOR))
    network = exercise.network
    weights = [[[network.weights[(1, 3)], network.weights[(2, 3)]], [network.weights[(1, 4)], network.weights[(2, 4)]]],
               [[network.weights[(3, 5)], network.weights[(4, 5)]]]]
    biases = [[network.biases[3], network.biases[4]], [network.biases[5]]]
    examples = [((e.inputs[1], e.inputs[2]), (e.targets[5],)) for e in network.examples]
    expected = plain_loop.train(weights, biases, examples, network.learning_rate, 300)
    result = train(network, 300)
    assert result.loss == pytest.approx(expected, rel=1e-12)
    assert result.final["W13"] == pytest.approx(weights[0][0][0], rel=1e-12)
    assert result.final["b5"] == pytest.approx(biases[1][0], rel=1e-12)


def test_until_reports_the_first_update_below():
    result = train(ex1(), 100, until=0.001)
    below = next(index for index, value in enumerate(result.loss) if value < 0.001)
    assert result.first_below == below
    assert result.loss[below - 1] >= 0.001
    assert train(ex1(), 5, until=1e-9).first_below is None


# ---------------------------------------------------------------- how the loss behaved


def test_a_too_large_eta_is_reported_as_diverging():
    network = load_exercise("ex3").network._replace(learning_rate=300)
    result = train(network, 1000)
    assert result.behaviour.kind == DIVERGING
    assert result.final_loss > result.loss[0]
    assert "diverges" in result.behaviour.sentence


def test_a_borderline_eta_is_reported_as_oscillating():
    network = load_exercise("ex3").network._replace(learning_rate=150)
    result = train(network, 1000)
    assert result.behaviour.kind == OSCILLATING
    rises = sum(after > before for before, after in zip(result.loss, result.loss[1:] + [result.final_loss]))
    assert result.behaviour.rises == rises > 100
    assert result.final_loss < result.loss[0]


def test_numbers_that_overflow_stop_the_run_as_diverging():
    text = EX1_YAML.replace("layers: [2, 2, 1]\nactivation: sigmoid", "layers: [2, 2, 1]\nactivation: linear") \
        .replace("learning_rate: 1", "learning_rate: 50")
    result = train(load_exercise_text(text).network, 500)
    assert result.behaviour.kind == DIVERGING
    assert result.overflowed_at is not None and len(result.loss) == result.overflowed_at - 1 < 500
    assert math.isinf(result.final_loss) and result.depth_end == []


def test_the_error_before_an_update_that_overflows_stays_on_the_curve():
    # y = W13·x1 + W23·x2 = 2, t = 0: E = 2 is a number, but W13 - 1e308·2 is not.
    text = ("title: t\nlayers: [2, {units: 1, activation: linear}]\ninputs: {x1: 1, x2: 1}\n"
            "weights: {W13: 1, W23: 1}\ntargets: {t3: 0}\nlearning_rate: 1e308\n")
    result = train(load_exercise_text(text).network, 10)
    assert result.loss == [2.0] and result.overflowed_at == 1 and result.behaviour.kind == DIVERGING
    assert result.final == result.initial  # the last parameters that were numbers


@pytest.mark.parametrize("curve, kind, rises", [
    ([4, 3, 2, 1], DECREASING, 0),
    ([4, 3, 3, 3], DECREASING, 0),  # a plateau is no rise
    ([4, 2, 3, 1, 1.5, 0.5], OSCILLATING, 2),
    ([4, 5, 4.5, 6, 5.5, 7], DIVERGING, 3),
    ([1.0, 1.0 + 1e-14, 0.5], DECREASING, 0),  # a rise at the rounding level is no rise
    ([1.0, 2e-31, 3e-31, 1e-31], DECREASING, 0),  # nor jitter once E has converged to rounding
    ([0.1, math.inf], DIVERGING, 0),
])
def test_behaviour_is_read_from_the_curve(curve, kind, rises):
    behaviour = loss_behaviour(curve, stopped=math.isinf(curve[-1]))
    assert (behaviour.kind, behaviour.rises) == (kind, rises)


# ---------------------------------------------------------------- a dataset worked by hand

# A 1-1 linear unit with a bias, y = w·x + b, E_n = ½(t - y)², η = 0.1: every number below is worked
# by hand (and exact in binary to the digits shown, or compared to 1e-12).
LINEAR = LINEAR_DATASET_YAML


def linear_loss(w: float, b: float) -> float:
    return sum(0.5 * (t - (w * x + b)) ** 2 for x, t in ((1, 2), (2, 3), (3, 5))) / 3


def test_a_dataset_step_in_solve_is_the_mean_of_the_examples():
    values = solve(load_exercise_text(LINEAR)).values
    # y = 0.5, 1, 1.5; t - y = 1.5, 2, 3.5; E_n = 1.125, 2, 6.125
    assert [values[f"y2[{n}]"] for n in (1, 2, 3)] == [0.5, 1.0, 1.5]
    assert [values[f"E[{n}]"] for n in (1, 2, 3)] == [1.125, 2.0, 6.125]
    assert values["E"] == pytest.approx(9.25 / 3, rel=1e-15)
    # dE/dw_n = -(t - y)·x = -1.5, -4, -10.5 (mean -16/3); dE/db_n = -1.5, -2, -3.5 (mean -7/3)
    assert [values[f"dE_dW12[{n}]"] for n in (1, 2, 3)] == [-1.5, -4.0, -10.5]
    assert values["dE_dW12"] == pytest.approx(-16 / 3, rel=1e-15)
    assert values["dE_db2"] == pytest.approx(-7 / 3, rel=1e-15)
    assert values["W12_new"] == pytest.approx(0.5 + 1.6 / 3, rel=1e-15)
    assert values["b2_new"] == pytest.approx(0.7 / 3, rel=1e-14)
    assert values["E_after"] == pytest.approx(linear_loss(0.5 + 1.6 / 3, 0.7 / 3), rel=1e-14)


def test_full_batch_training_on_the_dataset():
    result = train(load_exercise_text(LINEAR).network, 2)
    w, b = 0.5 + 1.6 / 3, 0.7 / 3  # the step above
    assert result.loss == pytest.approx([9.25 / 3, linear_loss(w, b)], rel=1e-14)
    assert result.settings["batch_size"] == 3


def test_stochastic_training_takes_the_examples_in_order():
    result = train(load_exercise_text(LINEAR).network, 3, batch_size=1)
    # on x=1: y = 0.5, t - y = 1.5: w = 0.65, b = 0.15; on x=2: y = 1.45, 1.55: w = 0.96, b = 0.305;
    # on x=3: y = 3.185, 1.815: w = 1.5045, b = 0.4865
    assert result.final["W12"] == pytest.approx(1.5045, rel=1e-14)
    assert result.final["b2"] == pytest.approx(0.4865, rel=1e-14)
    assert result.loss == pytest.approx([linear_loss(0.5, 0), linear_loss(0.65, 0.15), linear_loss(0.96, 0.305)],
                                        rel=1e-14)


def test_mini_batches_of_two_average_two_examples_then_take_the_rest():
    result = train(load_exercise_text(LINEAR).network, 2, batch_size=2)
    # on x=1, 2: gradients (-1.5, -4) and (-1.5, -2): w = 0.5 + 0.1·2.75 = 0.775, b = 0.175;
    # then x=3 alone: y = 2.5, t - y = 2.5: w = 0.775 + 0.75 = 1.525, b = 0.425
    assert result.final["W12"] == pytest.approx(1.525, rel=1e-14)
    assert result.final["b2"] == pytest.approx(0.425, rel=1e-14)
    assert result.loss[1] == pytest.approx(linear_loss(0.775, 0.175), rel=1e-14)


def test_shuffled_batches_follow_the_documented_order():
    seed, w, b = 7, 0.5, 0.0
    order, expected = list(range(3)), []
    shuffler = random.Random(seed)
    for _ in range(2):  # two epochs: reshuffled at the start of each
        shuffler.shuffle(order)
        for index in order:
            x, t = ((1, 2), (2, 3), (3, 5))[index]
            expected.append(linear_loss(w, b))
            error = t - (w * x + b)
            w, b = w + 0.1 * error * x, b + 0.1 * error
    result = train(load_exercise_text(LINEAR).network, 6, batch_size=1, seed=seed)
    assert result.loss == pytest.approx(expected, rel=1e-13)
    assert result.final["W12"] == pytest.approx(w, rel=1e-13)
    assert result.settings["shuffle_seed"] == seed


def test_a_dataset_templates_and_grades_with_indexed_names(cli, tmp_path):
    exercise = tmp_path / "three.yaml"
    exercise.write_text(LINEAR)
    template = cli("template", str(exercise)).stdout
    names = re.findall(r"^  (\S+):$", template, flags=re.M)
    assert names[:4] == ["a2[1]", "y2[1]", "a2[2]", "y2[2]"]
    assert names.index("dE_dW12[3]") < names.index("dE_dW12") < names.index("dW12") < names.index("E_after")
    solution = solve(load_exercise(str(exercise)))
    answers = {name: solution.values[name] for name in names}
    assert grade(solution, answers).score == len(names)
    # E written as the sum of the examples' errors: the mean's 1/3 forgotten
    answers["E"] = 1.125 + 2 + 6.125
    result = next(r for r in grade(solution, answers).results if r.name == "E")
    assert (result.verdict, result.misconception) == ("wrong", "missing-average")
    # an example's slip is carried into that example's later values only
    answers["E"] = solution.values["E"]
    answers["y2[2]"] = 1.1
    answers["E[2]"] = 0.5 * (3 - 1.1) ** 2
    verdicts = {r.name: r.verdict for r in grade(solution, answers).results}
    assert verdicts["y2[2]"] == "wrong" and verdicts["E[2]"] == "carried_forward" and verdicts["E[1]"] == "correct"


@pytest.mark.parametrize("written, canonical", [
    ("y3[2]", "y3[2]"), ("δ3 [1]", "delta3[1]"), ("y3(2)", "y3[2]"), ("y3^(2)", "y3[2]"), ("δ3^[1]", "delta3[1]"),
    ("delta(3)", None), ("dE/dW13[3]", "dE_dW13[3]"), ("y3'[2]", "y3_after[2]"),
    ("v_W13", "v_W13"), ("v_w13'", "v_W13_new"), ("m̂_W13", "mhat_W13"), ("β1", "beta1"), ("ε", "epsilon"),
    ("eta[1]", None), ("mhat_W13_new", None), ("v_x1", None),
])
def test_names_of_examples_and_optimizer_state(written, canonical):
    assert canonical_name(written) == canonical


@pytest.mark.parametrize("change, where, words", [
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\ninputs: {x1: 1}\n", ":8:1: ", ["'inputs:' and 'examples:'"]),
    ("examples: []\n", ":6:11: ", ["1 to 100 examples"]),
    ("examples:\n  - {inputs: {x1: 1}}\n", ":7:5: ", ["example 1 must have exactly"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t3: 2}}\n", ":7:33: ", ["t3"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\noptimizer: {name: adam, beta: 0.9}\n", ":8:25: ",
     ["not a setting of adam"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\noptimizer: {name: momentum, beta: 1}\n", ":8:35: ",
     ["beta must be from 0"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\noptimizer: {name: adam, step: 0}\n", ":8:31: ",
     ["step"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\noptimizer: {name: adam, state: {v_W13: 1}}\n", ":8:33: ",
     ["v_W13"]),
    ("examples:\n  - {inputs: {x1: 1}, targets: {t2: 2}}\noptimizer: nadam\n", ":8:12: ", ["unknown optimizer"]),
])
def test_bad_datasets_and_optimizers_are_one_line(cli, tmp_path, change, where, words):
    head = "layers: [1, {units: 1, activation: linear}]\nweights: {W12: 0.5}\nbiases: {b2: 0}\nlearning_rate: 0.1\n" \
           "title: bad\n"
    path = tmp_path / "bad.yaml"
    path.write_text(head + change)
    assert_bad_input_line(cli("solve", str(path)), f"{path}{where}", words)


def test_a_dataset_varies_per_student_and_its_variant_trains(cli):
    # Issue 17 lifted the refusal of a dataset's variants (README, "Variants"): XOR gets a student's own numbers.
    path = str(XOR)
    base, ada = (json.loads(cli("solve", path, *variant, "-f", "json").stdout)["values"] for variant in
                 ([], ["--variant", "ada"]))
    names = [f"x{unit}[{index}]" for index in range(1, 5) for unit in (1, 2)] + ["W13", "W45", "b3"]
    assert [ada[name] for name in names] != [base[name] for name in names]
    trained = json.loads(cli("train", path, "--variant", "ada", "-n", "3", "-f", "json").stdout)
    assert trained["variant"] == "ada" and trained["initial"]["W13"] == ada["W13"]
    assert trained["loss"][0] == pytest.approx(ada["E"], rel=1e-12)


# ---------------------------------------------------------------- optimizers, two steps by hand

# One example x = 2, t = 3 on y = w·x (linear, no bias), w = 0.5, η = 0.1: g = dE/dw = -(t - w·x)·x.
ONE = """\
title: one weight
layers: [1, {units: 1, activation: linear}]
inputs: {x1: 2}
weights: {W12: 0.5}
targets: {t2: 3}
learning_rate: 0.1
"""


def gradient(w: float) -> float:
    return -(3 - 2 * w) * 2


def test_momentum_two_steps_by_hand():
    exercise = load_exercise_text(ONE + "optimizer: {name: momentum, beta: 0.9}\n")
    # step 1: g = -4, v = -4, w = 0.5 + 0.4 = 0.9; step 2: g = -(3 - 1.8)·2 = -2.4, v = 0.9·(-4) - 2.4 = -6,
    # w = 0.9 + 0.6 = 1.5
    result = train(exercise.network, 2)
    assert result.final["W12"] == pytest.approx(1.5, rel=1e-15)
    assert result.state == {"v_W12": pytest.approx(-6.0, rel=1e-15)}
    second = load_exercise_text(ONE.replace("w: 0.5", "w: 0.9").replace("W12: 0.5", "W12: 0.9")
                                + "optimizer: {name: momentum, beta: 0.9, state: {v_W12: -4}}\n")
    values = solve(second).values
    assert values["dE_dW12"] == pytest.approx(-2.4, rel=1e-15)
    assert values["v_W12_new"] == pytest.approx(-6.0, rel=1e-15)
    assert values["dW12"] == pytest.approx(0.6, rel=1e-15)
    assert values["W12_new"] == pytest.approx(1.5, rel=1e-15)


def test_adam_two_steps_by_hand():
    beta1, beta2, eps, eta = 0.9, 0.999, 1e-8, 0.1
    w, m, v, steps = 0.5, 0.0, 0.0, []
    for t in (1, 2):  # torch.optim.Adam's rule, written out
        g = gradient(w)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        mhat, vhat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        w = w - eta * mhat / (math.sqrt(vhat) + eps)
        steps.append((g, m, v, mhat, vhat, w))
    # step 1 moves by η·g/(|g| + ε): almost exactly η
    assert steps[0][5] == pytest.approx(0.5 + 0.1 * 4 / (4 + 1e-8), rel=1e-15)
    result = train(load_exercise_text(ONE + "optimizer: adam\n").network, 2)
    assert result.final["W12"] == pytest.approx(steps[1][5], rel=1e-14)
    assert result.state == {"m_W12": pytest.approx(steps[1][1], rel=1e-14),
                            "v_W12": pytest.approx(steps[1][2], rel=1e-14)}
    w1, m1, v1 = steps[0][5], steps[0][1], steps[0][2]
    second = load_exercise_text(ONE.replace("W12: 0.5", f"W12: {w1!r}")
                                + f"optimizer: {{name: adam, step: 2, state: {{m_W12: {m1!r}, v_W12: {v1!r}}}}}\n")
    values = solve(second).values
    g, m2, v2, mhat, vhat, w2 = steps[1]
    assert values["bias_correction1"] == pytest.approx(0.19, rel=1e-14)
    assert values["bias_correction2"] == pytest.approx(1 - 0.999 ** 2, rel=1e-14)
    for name, expected in (("dE_dW12", g), ("m_W12_new", m2), ("v_W12_new", v2), ("mhat_W12", mhat),
                           ("vhat_W12", vhat), ("W12_new", w2)):
        assert values[name] == pytest.approx(expected, rel=1e-13), name


def test_optimizer_state_is_asked_and_graded():
    solution = solve(load_exercise_text(ONE + "optimizer: adam\n"))
    assert {"m_W12_new", "v_W12_new", "mhat_W12", "vhat_W12", "bias_correction1"} <= set(solution.asked)
    answers = {name: solution.values[name] for name in solution.asked}
    answers["m̂_W12"] = answers.pop("mhat_W12") * 1.5
    result = next(r for r in grade(solution, answers).results if r.name == "mhat_W12")
    assert result.verdict == "wrong"


def test_train_optimizer_option_matches_the_exercise_key(cli):
    from_file = train(load_exercise_text(ONE + "optimizer: {name: momentum, beta: 0.5}\n").network, 3)
    result = cli("train", "-", "--iterations", "3")  # '-' is no exercise: the option path is tested below
    assert result.exit_code == 2
    path = Path(__file__).parent / "_one.yaml"
    try:
        path.write_text(ONE)
        data = json.loads(cli("train", str(path), "-n", "3", "--optimizer", "momentum,beta=0.5", "-f", "json").stdout)
    finally:
        path.unlink()
    assert data["final"]["W12"] == from_file.final["W12"]
    assert data["settings"]["optimizer"] == "momentum" and data["settings"]["beta"] == 0.5


# ---------------------------------------------------------------- each layer's mean |δ|


def test_mean_abs_delta_of_ex1_by_hand_and_ex6_shrinks(cli):
    values = solve(load_exercise("ex1")).values
    means = dict(mean_abs_deltas(ex1(), values))
    assert means == {"2 (hidden, units 3-4)": (abs(values["delta3"]) + abs(values["delta4"])) / 2,
                     "3 (output, unit 5)": abs(values["delta5"])}
    deep = json.loads(cli("solve", "ex6", "--format", "json").stdout)["mean_abs_delta"]
    sizes = list(deep.values())
    assert len(sizes) == 5 and all(a < b / 3 for a, b in zip(sizes, sizes[1:]))  # each layer < ⅓ of the next
    text = cli("solve", "ex6").stdout
    assert "Mean |δ| per layer" in text and "0.00046×" in text


def test_train_shows_the_bars_at_the_start_and_the_end(cli):
    text = cli("train", "ex6", "-n", "50").stdout
    assert "Mean |δ| per layer at the start" in text and "Mean |δ| per layer after 50 updates" in text


# ---------------------------------------------------------------- the gradient check


@pytest.mark.parametrize("name", builtin_exercises())
def test_gradcheck_agrees_on_every_built_in(name):
    checks = gradient_check(solve(load_exercise(name)))
    assert checks and all(check.verdict == PASS for check in checks), checks
    assert max(check.relative_difference for check in checks) < 1e-6


@settings(deadline=None)
@given(cases(), st.lists(st.floats(-2, 2), min_size=0, max_size=6))
def test_gradcheck_agrees_on_random_networks_and_datasets(case, extra):
    network = case.network()
    if extra and case.loss == "squared_error":  # a second example: other inputs and targets
        second = Example({u: x for u, x in zip(network.layers[0], extra + [0.3] * 4)},
                         {u: t + 0.1 for u, t in network.targets.items()})
        network = network._replace(examples=(Example(network.inputs, network.targets), second))
    checks = gradient_check(solve(Exercise("random", "random", network)))
    for check in checks:
        assert check.verdict in (PASS, KINK), check


def test_gradcheck_fails_a_wrong_gradient():
    solution = solve(load_exercise("ex1"))
    solution.values["dE_dW13"] *= 1.001
    verdicts = {check.parameter: check.verdict for check in gradient_check(solution)}
    assert verdicts["W13"] == FAIL and verdicts["W23"] == PASS


def test_gradcheck_command(cli):
    result = cli("gradcheck", "ex5")
    assert result.exit_code == 0 and "FAIL" not in result.stdout
    assert re.search(r"^W13 +-?\d", result.stdout, flags=re.M) and "gradients agree" in result.stdout
    data = json.loads(cli("gradcheck", str(XOR), "--format", "json").stdout)
    assert len(data["checks"]) == 9 and {check["verdict"] for check in data["checks"]} == {PASS}


# ---------------------------------------------------------------- the command


def test_train_json(cli):
    data = json.loads(cli("train", "ex1", "--iterations", "25", "--until", "0.01", "--format", "json").stdout)
    assert len(data["loss"]) == 25 and data["loss"][0] == pytest.approx(0.01810390383656677)
    assert set(data["final"]) == {"W13", "W23", "W14", "W24", "W35", "W45"}
    assert data["settings"] == {"iterations": 25, "eta": 1.0, "optimizer": "sgd", "batch_size": 1, "examples": 1,
                                "shuffle_seed": None, "until": 0.01}
    assert data["behaviour"]["kind"] == "decreasing"
    assert data["first_below"] == next(i for i, e in enumerate(data["loss"]) if e < 0.01)
    assert data["final"] == train(ex1(), 25).final


def test_train_text_has_the_curve_and_the_summary(cli):
    result = cli("train", "ex1", "--iterations", "50", "--eta", "2")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "50 iterations, η = 2, plain gradient descent, full batch (1 example)" in text
    assert "0.0181 ┤" in text and "└" in text and "updates →" in text
    assert re.search(r"E at the start +0\.01810", text)
    assert "decreases: E never rose from one iteration to the next" in text


def test_plot_png_and_svg_are_well_formed(cli, tmp_path):
    pytest.importorskip("matplotlib")
    png, svg = tmp_path / "loss.png", tmp_path / "loss.svg"
    assert cli("train", "ex1", "-n", "100", "--plot", str(png)).exit_code == 0
    assert cli("train", "ex1", "-n", "100", "--plot", str(svg)).exit_code == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (700, 400)
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "updates" in svg.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.png", "loss.svg"]  # no temporary file left


def test_plot_without_the_extra_names_it(cli, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    target = tmp_path / "loss.png"
    assert_bad_input_line(cli("train", "ex1", "--plot", str(target)), "--plot needs matplotlib",
                          ["install the plot extra into the Python bpcheck runs in: python3 -m pip --python "])
    assert not target.exists()


def test_plot_hint_is_the_set_up_command_for_the_python_bpcheck_runs_in(cli, monkeypatch, tmp_path):
    """README's set-up makes .venv and installs with `python3 -m pip --python .venv/bin/python install`:
    the hint is that command, with the plot extra's requirement, for the Python running bpcheck."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "executable", str(tmp_path / ".venv" / "bin" / "python"))
    message = assert_bad_input_line(cli("train", "ex1", "--plot", "loss.png"), "--plot needs matplotlib", [])
    command = message.split("install the plot extra into the Python bpcheck runs in: ")[1]
    set_up = re.search(r"python3 -m venv --without-pip \.venv && (python3 -m pip --python \.venv/bin/python install) "
                       r"pip \. &&", README).group(1)
    extra = re.search(r'^plot = \["matplotlib([^"]*)"\]', (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
                      flags=re.M).group(1)
    assert command.startswith(set_up + ' "matplotlib')
    specifiers = command.removeprefix(set_up + ' "matplotlib').rstrip('"')
    assert set(specifiers.split(",")) == set(extra.split(","))  # the extra's, in the installed metadata's order
    assert f"`{command}`" in TRAINING_PAGE  # the manual names the same command
    # Elsewhere (pipx, a venv out of the current folder): the interpreter's whole path.
    monkeypatch.setattr(sys, "executable", "/opt/pipx/venvs/bpcheck/bin/python")
    message = assert_bad_input_line(cli("train", "ex1", "--plot", "loss.png"), "--plot needs matplotlib", [])
    assert message.endswith(f'python3 -m pip --python /opt/pipx/venvs/bpcheck/bin/python install "matplotlib{specifiers}"')


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_plot_says_where_it_wrote_the_curve(cli, tmp_path, output_format):
    pytest.importorskip("matplotlib")
    target = tmp_path / "loss.svg"
    result = cli("train", "ex1", "-n", "20", "--plot", str(target),
                                                             "--format", output_format, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    said = f"The loss curve is in {target}.\n"
    if output_format == "json":  # stdout is the JSON alone; the line is on stderr
        assert json.loads(result.stdout)["settings"]["iterations"] == 20 and result.stderr == said
    else:  # the report's last line
        assert result.stdout.endswith("\n" + said) and result.stderr == ""


def test_plot_is_never_written_onto_the_exercise(cli, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "ex.svg"
    path.write_text(EX1_YAML)
    result = cli("train", str(path), "--plot", str(path))
    assert result.exit_code == 2 and path.read_text() == EX1_YAML


# ---------------------------------------------------------------- the manual


def test_the_manuals_dataset_example_is_valid():
    example = EXERCISE_FORMAT.split("## Datasets and optimizers", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    exercise = load_exercise_text(example)
    assert len(exercise.network.examples) == 2
    assert exercise.network.optimizer == Optimizer("momentum", {"beta": 0.9}, {"v_W13": 0.001}, 1)
    assert solve(exercise).values["v_W13_new"] == pytest.approx(0.9 * 0.001 + solve(exercise).values["dE_dW13"])


def test_the_manuals_curve_is_the_real_output(cli):
    marker = "<!-- output: bpcheck train examples/training/xor.yaml --iterations 3000 -->\n```text\n"
    curve = TRAINING_PAGE.split(marker, 1)[1].split("\n```", 1)[0]
    result = cli("train", str(XOR), "--iterations", "3000", env={"COLUMNS": "80"})
    assert curve in result.stdout


def test_every_documented_setting_is_an_optimizer_setting():
    documented = set(re.findall(r"`(beta\d?|epsilon|step)`", MANUAL))
    assert documented == {key for settings in OPTIMIZER_SETTINGS.values() for key in settings} | {"step"}


DOCS_TRAIN_SVG = ROOT / "docs" / "train-xor.svg"


def test_the_manuals_picture_of_the_curve_is_what_train_prints(cli):
    """docs/train-xor.svg is the terminal showing the curve and summary; BPCHECK_REWRITE_DOCS=1 rewrites it."""
    import io
    import os

    from rich.console import Console
    from rich.text import Text

    result = cli("train", str(XOR), "--iterations", "3000", env={"COLUMNS": "80"})
    shown = result.stdout.split("\n\nParameters", 1)[0]
    console = Console(record=True, width=80, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(Text(shown))
    svg = console.export_svg(title="bpcheck train examples/training/xor.yaml --iterations 3000")
    if os.environ.get("BPCHECK_REWRITE_DOCS"):
        DOCS_TRAIN_SVG.write_text(svg, encoding="utf-8")
    assert DOCS_TRAIN_SVG.read_text(encoding="utf-8") == svg, "run with BPCHECK_REWRITE_DOCS=1 to rewrite it"
    assert "](../train-xor.svg)" in TRAINING_PAGE


@pytest.mark.parametrize("source", ["relu", "xor"])
def test_a_partial_program_gives_a_whole_run_s_numbers_bit_for_bit(source):
    """gradcheck's programs recompute only what a layer's parameters feed: for every parameter moved,
    E and every pre-activation they give are those of a whole step, to the last bit."""
    from bpcheck.solver import build_graph
    from bpcheck.training import Program

    exercise = (load_exercise_text(network_yaml((3, 4, 4, 2), seed=5, activation="relu")) if source == "relu"
                else load_exercise(str(Path(__file__).resolve().parent.parent / "examples" / "training" / "xor.yaml")))
    network = exercise.network
    graph = build_graph(network)
    wanted = ["E", *(q.name for q in graph if q.kind == "a" and q.stage != "check")]
    whole = Program(graph, wanted, keep_all=True)
    whole.run()
    moved_e = set()
    for layer in network.layers[1:]:
        moved = [name for name in network.parameters if graph[name].unit in layer]
        partial = whole.partial(graph, moved)
        for name in moved:
            fresh = Program(graph, wanted)
            for program in (fresh, partial):
                program.values[program.slot[name]] += 0.01
            expected, got = fresh.run(), partial.run()
            assert [expected[fresh.slot[w]] for w in wanted] == [got[partial.slot[w]] for w in wanted], name
            partial.values[partial.slot[name]] -= 0.01
            if got[partial.slot["E"]] != whole.values[whole.slot["E"]]:
                moved_e.add(graph[name].unit)
    assert len(moved_e) >= len(network.layers) - 1  # moves in every layer changed E (a dead ReLU's do not)
