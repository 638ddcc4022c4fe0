"""Is grading fair to a class? (issue 17) A generated class, graded as a course grades it, measured.

    python3 benchmarks/fairness.py [--students 200] [--seed 17] [--worst 12] [--seeds 1] [--held-out]

Two classes of ``--students`` each. Every student works a variant (named by their id, s001 ...) of one
of the exercises (the built-ins ex1..ex8, and shapes `bpcheck new` makes); their answers are written to
real YAML files, one folder per student, and each exercise's class is graded as a course grades it:
``grade_files([folder], exercise=..., variant_from_id=True)``.

- Honest files, in six styles: the exact values rounded to 4, 3 or 2 significant digits as they are
  written (exact-4, exact-3, exact-2), or worked at 4, 3 or 2 digits throughout, each value from the
  student's own rounded earlier values (worked-4, worked-3, worked-2). Measured: values named with a
  mistake (the goal is none), values not credited, and files the step check (downhill) sees going
  uphill (the goal is none).
- Injected files: worked exactly (exact) or at 4 digits throughout (worked-4), with one mistake, and
  worked on from it: a named mistake at a random quantity (candidate), every output delta's sign
  flipped, y - t for t - y (sign-at-output: the step check must see the step go uphill wherever it
  does, ``own_step_uphill``; momentum's velocity may keep it downhill), the exercise's
  own numbers copied for the variant's (other-numbers: the whole file, or the forward pass and the
  error with the rest worked on from them), or the forward pass after the step copied from the first
  one (after-pass-copied). Measured: files whose mistake is named right (``_judged`` says what that
  is), named with a wrong id, not named, or credited, and those a known grader bug misses (counted
  apart, ``lost_zeros``: its reproduction is marked xfail in the tests); and the other values, which
  should be credited (carried forward) unless a rule in README says otherwise.

A mistake is injected only where a grader can tell it from honest work (README, "Rounding is never a
mistake": ``visible``), and a copy or a step not taken only where at least SEVERAL values show it
(README, "A copy, or a step not taken, is named only on evidence"); elsewhere the student makes a
candidate mistake instead. The common mistakes' wrong values are worked here by hand
(``hand_mistakes``), apart from bpcheck/misconceptions.py, and every quantity of every injected file is
checked against what it offers (``cross_check``); only the rarer mistakes take their value from its
candidates. The honest work reads the solver's formulas (``Quantity.evaluate``), which have an oracle
of their own (tests/test_solver_oracle.py). Deterministic for a seed; ``--seeds N`` measures the N
classes from ``--seed`` on, a line each. ``--held-out`` measures a class of other exercises (deeper,
linear and softsign units, datasets, momentum, Adam: HELD_OUT_SHAPES, EXAMPLE_FILES), for a grader
change that fits the first class alone. tests/test_class_fairness.py asserts the goals on both.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from bpcheck import load_exercise
from bpcheck.batch import grade_files
from bpcheck.grading import CREDITED
from bpcheck.misconceptions import candidates
from bpcheck.network import Exercise, Network, bias_name, weight_name
from bpcheck.quantities import Graph, Quantity
from bpcheck.report.exercise_file import exercise_yaml
from bpcheck.solution import Solution, solve
from bpcheck.variants import make_variant, new_exercise

BUILT_IN = tuple(f"ex{number}" for number in range(1, 9))
# What `bpcheck new` makes: shape, activation, loss, biases, seed, examples (0: one example).
NEW_SHAPES = (
    ((2, 2, 1), "sigmoid", "squared_error", False, 1, 0),
    ((2, 2, 2), "sigmoid", "squared_error", False, 2, 0),
    ((2, 3, 1), "tanh", "squared_error", False, 3, 0),
    ((3, 2, 2), "sigmoid", "squared_error", True, 4, 0),
    ((2, 2, 3), "sigmoid", "cross_entropy", False, 5, 0),
    ((2, 3, 1), "relu", "squared_error", False, 6, 0),
)
# The held-out class (--held-out): exercises the class above has none like, for a grader change that
# fits it alone: deeper, one input, linear and softsign units, ReLU with biases, cross-entropy with
# biases, datasets; and README's example files (a dataset, momentum with a state, Adam).
HELD_OUT_SHAPES = (
    ((2, 2, 2, 1), "sigmoid", "squared_error", False, 11, 0),
    ((3, 3, 2), "tanh", "squared_error", True, 12, 0),
    ((2, 2, 1), "relu", "squared_error", True, 13, 0),
    ((2, 3, 2), "softsign", "squared_error", False, 14, 0),
    ((2, 2, 1), "linear", "squared_error", False, 15, 0),
    ((3, 2, 3), "sigmoid", "cross_entropy", True, 16, 0),
    ((2, 2, 1), "sigmoid", "squared_error", False, 17, 2),
    ((2, 3, 2), "tanh", "squared_error", True, 18, 3),
    ((2, 2, 2, 2), "tanh", "squared_error", True, 19, 0),
    ((1, 2, 1), "sigmoid", "squared_error", False, 20, 0),
)
EXAMPLE_FILES = ("examples/training/xor.yaml", "examples/training/momentum.yaml", "examples/training/adam.yaml",
                 "examples/course/exercises/hw1.yaml")
ROOT = Path(__file__).resolve().parent.parent


class Style(NamedTuple):
    name: str
    digits: int | None  # significant digits written; None: every digit a float has
    throughout: bool  # worked from their own rounded values (else from full-precision ones)


HONEST_STYLES = (Style("exact-4", 4, False), Style("exact-3", 3, False), Style("exact-2", 2, False),
                 Style("worked-4", 4, True), Style("worked-3", 3, True), Style("worked-2", 2, True))
INJECTED_STYLES = (Style("exact", None, False), Style("worked-4", 4, True))
# Of every ten injected files, seven make a named mistake at a random quantity.
INJECTIONS = ("candidate",) * 7 + ("sign-at-output", "other-numbers", "after-pass-copied")
# README, "A copy, or a step not taken, is named only on evidence": at least SEVERAL values of a file.
SEVERAL = 3
ON_EVIDENCE = ("other-numbers", "not-updated")
EXPECTED_ID = {"sign-at-output": "sign-flip", "other-numbers": "other-numbers", "after-pass-copied": "not-updated"}
OUTPUT_RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0),
                 "relu": (0.0, math.inf)}


class Course(NamedTuple):
    label: str  # ex1, new-2-3-1-tanh
    spec: str  # what --exercise gets: a built-in name or the exercise file's path
    exercise: Exercise
    own_values: dict[str, float]  # the exercise's own solution (what a copied answer holds)


class Paper(NamedTuple):
    """One student's answers file, and what the harness knows of how it was made."""

    sid: str
    course: Course
    style: str
    answers: dict[str, str]  # name -> the number as written
    solution: Solution  # of the student's variant
    kind: str = "honest"  # or one of INJECTIONS
    heads: dict[str, str] = {}  # where the mistake shows -> the id that names it
    origin: str = ""  # where a candidate mistake's value came from ("hand", "candidates"); a copy's shape
    downstream: frozenset[str] = frozenset()  # the other values worked on from the mistake
    impossible: frozenset[str] = frozenset()  # outputs written that the unit's activation cannot give

    def value(self, name: str) -> float:
        return Written(self.answers[name])

    def exact(self, name: str) -> float:
        return self.solution.values[name]


class Marked(NamedTuple):
    """A graded value."""

    paper: Paper
    name: str
    verdict: str
    misconception: str | None
    message: str


# ---------------------------------------------------------------- the exercises


def courses(folder: Path, held_out: bool = False) -> list[Course]:
    """The built-ins, and each of NEW_SHAPES written into ``folder`` as `bpcheck new` writes it; or, held
    out, each of HELD_OUT_SHAPES so written and the EXAMPLE_FILES."""
    specs = ([(Path(path).stem, str(ROOT / path)) for path in EXAMPLE_FILES] if held_out
             else [(name, name) for name in BUILT_IN])
    for shape, activation, loss, biases, seed, examples in HELD_OUT_SHAPES if held_out else NEW_SHAPES:
        extras = ["biases"] * biases + ["ce"] * (loss == "cross_entropy") + [f"x{examples}"] * bool(examples)
        label = "-".join(["new", *map(str, shape), activation, *extras])
        path = folder / f"{label}.yaml"
        exercise = new_exercise(shape, activation, loss, biases=biases, seed=seed, examples=examples)
        path.write_text(exercise_yaml(exercise, f"benchmarks/fairness.py: {label}"), encoding="utf-8")
        specs.append((label, str(path)))
    return [Course(label, spec, exercise, solve(exercise).values)
            for label, spec in specs for exercise in [load_exercise(spec)]]


# ---------------------------------------------------------------- working a variant


def number_text(value: float, digits: int | None) -> str:
    """``value`` as a student writes it: ``digits`` significant digits, trailing zeros kept (0.50), no
    exponent (0.000027); or, with no digits, every digit a float has."""
    if digits is None:
        return repr(value)
    if value == 0:
        return "0"
    return format(Decimal(f"{value:.{digits - 1}e}"), "f")


def work(graph: Graph, style: Style, overrides: Mapping[str, float] = {}) -> tuple[dict[str, str], dict[str, float]]:
    """Every computed value in solving order as written, and the values worked from: each from the
    earlier ones, or from ``overrides`` (a mistake), kept whole, or as written when the style works at
    its digits throughout."""
    basis: dict[str, float] = {}
    written: dict[str, str] = {}
    for quantity in graph:
        if quantity.compute is None:
            basis[quantity.name] = quantity.evaluate({})
            continue
        value = overrides[quantity.name] if quantity.name in overrides else quantity.evaluate(basis)
        written[quantity.name] = number_text(value, style.digits)
        basis[quantity.name] = Written(written[quantity.name]) if style.throughout else value
    return written, basis


def descendants(graph: Graph, heads: Iterable[str]) -> frozenset[str]:
    """Every value that reads one of ``heads``, directly or through others."""
    reached = set(heads)
    for quantity in graph:
        if any(name in reached for name in quantity.inputs):
            reached.add(quantity.name)
    return frozenset(reached - set(heads))


def within(given: float, target: float, exercise: Exercise) -> bool:
    return abs(given - target) <= exercise.atol + exercise.rtol * abs(target)


class Written(float):
    """A number as a student wrote it: its value, and the significant digits of its text (0.002100: 4,
    the trailing zeros kept, as bpcheck keeps them from the file)."""

    digits: int

    def __new__(cls, text: str) -> Written:
        number = super().__new__(cls, float(text))
        mantissa = text.strip().lstrip("+-").lower().split("e")[0].replace(".", "")
        number.digits = len(mantissa.lstrip("0"))
        return number


def significant(value: float) -> int:
    """The significant digits of ``value``: as written (a Written number), else as a float gives them:
    3 for 0.0991 and 0.09910 alike, 2 for 1200."""
    if isinstance(value, Written) and value.digits:
        return value.digits
    return len(Decimal(repr(abs(value))).normalize().as_tuple().digits)


def rounds(shown: float, target: float) -> bool:
    """Is ``shown`` ``target`` rounded to some number of significant digits: those it was written with (a
    Written number), else any from 1 to 17?"""
    written = isinstance(shown, Written) and shown.digits
    return shown == target or any(rounds_to(shown, target, digits)
                                  for digits in ([shown.digits] if written else range(1, 18)))  # type: ignore[union-attr]


def rounds_to(shown: float, target: float, digits: int) -> bool:
    """Is ``shown`` ``target`` rounded to ``digits`` significant digits, as a float formats it or as a
    person rounds the digits a sum by hand gives (0.95 - 0.35 - 0.3 + 0.35 is 0.65, where binary leaves
    0.6499999999999999): a tie either way (0.65 is 0.7 half up, 0.6 half down; 0.245 is 0.25, though
    binary makes it 0.24)?"""
    if shown == float(f"{target:.{digits}g}"):
        return True
    for printed in {Decimal(repr(target)), Decimal(f"{target:.15g}")}:
        unit = Decimal(1).scaleb(printed.adjusted() - digits + 1)
        if any(shown == float(printed.quantize(unit, rounding=way)) for way in (ROUND_HALF_UP, ROUND_HALF_DOWN)):
            return True
    return False


def half_unit(value: float) -> float:
    """The most rounding moves a number as written: half a unit of its last digit, at least its second
    (README: a number they wrote "moved by half a unit of its last digit, at least its second")."""
    if value == 0:
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - max(2, significant(value)) + 1)


def rounding_band(quantity: Quantity, shown: float, values: Mapping[str, float], solution: Solution) -> float:
    """How far rounding alone can take ``shown`` from the formula on the student's ``values``: each
    number of theirs it reads (an asked value; a given's rounding is not theirs) moved by its
    ``half_unit`` either way, plus ``shown``'s own. 0 when a moved number breaks the formula."""
    own = quantity.evaluate(values)
    band = half_unit(shown)
    for source in dict.fromkeys(quantity.inputs):
        if source not in solution.asked:
            continue
        try:
            band += max(abs(quantity.evaluate({**values, source: values[source] + shift}) - own)
                        for shift in (half_unit(values[source]), -half_unit(values[source])))
        except (ArithmeticError, ValueError):
            return 0.0
    return band


def explained_by_rounding(quantity: Quantity, shown: float, values: Mapping[str, float], solution: Solution) -> bool:
    """README, "Rounding is never a mistake": ``shown`` is the exact value, or the formula on the
    student's own ``values``, rounded to any number of significant digits, or within the rounding their
    written numbers carry into the formula (``rounding_band``). Such a value names no mistake."""
    own = quantity.evaluate(values)
    return (rounds(shown, solution.values[quantity.name]) or rounds(shown, own)  # at the band's edge is within it
            or abs(shown - own) <= rounding_band(quantity, shown, values, solution) * (1 + 1e-9))


def takes(quantity: Quantity, shown: float, target: float, solution: Solution) -> bool:
    """Is ``shown`` credited against ``target`` (the exact value, or the formula on the student's own
    values)? Within the tolerance; and, after a step that shows in 4 significant digits, a change from
    the value before it between half and one and a half times the step (README, "The value after the
    step")."""
    if not within(shown, target, solution.exercise):
        return False
    if not quantity.before:
        return True
    before = solution.values[quantity.before]
    step = target - before
    too_small = 0.5 * 10.0 ** (math.floor(math.log10(abs(target))) - 3) if target else 0.0
    return abs(step) <= max(solution.exercise.atol, too_small) or 0.5 <= (shown - before) / step <= 1.5


def visible(quantity: Quantity, shown: float, values: Mapping[str, float], solution: Solution) -> bool:
    """Can a grader tell ``shown``, a mistaken value, from honest work on the student's own ``values``
    (every earlier value as they wrote it, the variant's givens)? Not when it is 0 (a blank: no mistake
    is matched by 0), nor what honest work may write (``honest``)."""
    return shown != 0 and not honest(quantity, shown, values, solution)


def honest(quantity: Quantity, shown: float, values: Mapping[str, float], solution: Solution) -> bool:
    """Is ``shown`` what honest work on the student's own ``values`` may write: explained by rounding
    (``explained_by_rounding``), or ``credited``?"""
    return explained_by_rounding(quantity, shown, values, solution) or credited(quantity, shown, values, solution)


def credited(quantity: Quantity, shown: float, values: Mapping[str, float], solution: Solution) -> bool:
    """Is ``shown`` credited against the exact value or the formula on the student's own ``values``
    (``takes``)?"""
    targets = (solution.values[quantity.name], quantity.evaluate(values))
    return any(takes(quantity, shown, target, solution) for target in targets)


# ---------------------------------------------------------------- wrong values, worked by hand


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


FUNCTIONS = {"sigmoid": _sigmoid, "tanh": math.tanh, "relu": lambda a: max(a, 0.0), "linear": lambda a: a}
# Slopes a student writes from the unit's output (and, mistaken, applies to its pre-activation).
SLOPE_FROM_OUTPUT = {"sigmoid": lambda y: y * (1.0 - y), "tanh": lambda y: 1.0 - y * y}


def _slope(activation: str, a: float, y: float) -> float | None:
    if activation in SLOPE_FROM_OUTPUT:
        return SLOPE_FROM_OUTPUT[activation](y)
    return {"relu": 1.0 if a > 0 else 0.0, "linear": 1.0}.get(activation)


def _output(network: Network, unit: int, suffix: str = "") -> str:
    return f"x{unit}" if unit in network.layers[0] else f"y{unit}{suffix}"


def hand_mistakes(quantity: Quantity, network: Network, v: Mapping[str, float]) -> list[tuple[str, float]]:
    """(id, wrong value) of the common mistakes at ``quantity``, worked from ``v`` (every earlier value;
    W13_new too, for the already-updated weight) without misconceptions.py. Empty for what is not
    worked here (another activation's slope, softsign, a dataset, an optimizer)."""
    if network.examples or network.optimizer is not None:
        return []
    worker = {"a": _preactivation, "y": _activation, "E": _loss, "delta": _delta,
              "dE_dW": _gradient, "dE_db": _gradient, "dW": _change, "db": _change,
              "W_new": _new, "b_new": _new}.get(quantity.kind)
    found = worker(quantity, network, v) if worker else []
    if quantity.before and quantity.kind not in ("W_new", "b_new"):
        found.append(("not-updated", v[quantity.before]))
    return found


def _plus(network: Network) -> bool:
    return network.convention == "target_minus_output"


def _preactivation(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    unit, suffix = quantity.unit, "_after" if quantity.before else ""

    def parameter(name: str) -> float:
        return v[f"{name}_new" if suffix and name not in network.frozen else name]

    sources = network.incoming(unit)
    terms = [parameter(weight_name(source, unit)) * v[_output(network, source, suffix)] for source in sources]
    bias = [parameter(bias_name(unit))] if unit in network.biases else []
    total = math.fsum(terms + bias)
    found = [("missing-bias", math.fsum(terms))] if bias else []
    for source, term in zip(sources, terms):
        if len(terms) + len(bias) > 1:
            found.append(("missing-input-term", total - term))
        found.append(("missing-weight", total - term + v[_output(network, source, suffix)]))
        found.append(("missing-source-output", total - term + parameter(weight_name(source, unit))))
    if any(source not in network.layers[0] for source in sources):  # W35·a3 for W35·y3
        found.append(("preactivation-used", math.fsum(
            [parameter(weight_name(s, unit)) * v[f"a{s}{suffix}" if s not in network.layers[0] else f"x{s}"]
             for s in sources] + bias)))
    layer = network.layer_of(unit)
    if len(sources) == len(layer) > 1:  # W14 read for W23: the layer's matrix transposed
        k = layer.index(unit)
        found.append(("swapped-weight-indices", math.fsum(
            [parameter(weight_name(sources[k], dest)) * v[_output(network, source, suffix)]
             for dest, source in zip(layer, sources)] + bias)))
    return found


def _activation(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    activation = network.activation_of(quantity.unit)
    if activation not in FUNCTIONS:
        return []
    a = v[f"a{quantity.unit}{'_after' if quantity.before else ''}"]
    return [("wrong-activation", other(a)) for name, other in FUNCTIONS.items() if name != activation]


def _loss(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    suffix = "_after" if quantity.before else ""
    outputs = network.output_units
    t = {k: v[f"t{k}"] for k in outputs}
    y = {k: v[f"y{k}{suffix}"] for k in outputs}
    if network.loss == "cross_entropy":
        found = [("wrong-log-base", -math.fsum(t[k] * math.log(y[k], base) for k in outputs)) for base in (10, 2)]
        terms = {k: -t[k] * math.log(y[k]) for k in outputs}
    elif network.loss == "squared_error":
        terms = {k: 0.5 * (t[k] - y[k]) ** 2 for k in outputs}
        swapped = {k: 0.5 * (t[k] - v[f"a{k}{suffix}"]) ** 2 for k in outputs}  # a5 for y5
        found = [("missing-half", 2 * math.fsum(terms.values())), ("preactivation-used", math.fsum(swapped.values()))]
        if len(outputs) > 1:
            found += [("preactivation-used", math.fsum(terms.values()) - terms[k] + swapped[k]) for k in outputs]
    else:
        return []
    if len(outputs) > 1:
        found += [("missing-output-term", math.fsum(terms.values()) - terms[k]) for k in outputs]
    return found


def _delta(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    unit = quantity.unit
    activation = network.activation_of(unit)
    a, y = v[f"a{unit}"], v[f"y{unit}"]
    if unit in network.output_units:
        error = v[f"t{unit}"] - y if _plus(network) else y - v[f"t{unit}"]
        if network.loss == "cross_entropy":  # softmax: the slope cancels, delta is the error alone
            return [("sign-flip", -error), ("extra-activation-derivative", y * (1.0 - y) * error)]
        slope = _slope(activation, a, y)
        if slope is None:
            return []
        found = [("sign-flip", -slope * error)]
        if activation != "linear":  # a linear unit's delta is its error alone: without it, no formula is left
            found.append(("missing-output-error", slope))
    else:
        downstream = network.outgoing(unit)
        terms = {k: v[weight_name(unit, k)] * v[f"delta{k}"] for k in downstream}
        error = math.fsum(terms.values())
        slope = _slope(activation, a, y)
        if slope is None:
            return []
        found = [("sign-flip", -slope * error)]
        if any(weight_name(unit, k) not in network.frozen for k in downstream):
            found.append(("updated-weight-used", slope * math.fsum(
                _updated(network, weight_name(unit, k), unit, k, v) * v[f"delta{k}"] for k in downstream)))
        for k in downstream:
            next_slope = _slope(network.activation_of(k), v[f"a{k}"], v[f"y{k}"])
            if next_slope is not None and network.activation_of(k) not in ("softmax", "linear"):  # δk holds its slope
                found.append(("derivative-applied-twice", slope * (error - terms[k] + terms[k] * next_slope)))
            found.append(("missing-weight", slope * (error - terms[k] + v[f"delta{k}"])))
            found.append(("missing-delta", slope * (error - terms[k] + v[weight_name(unit, k)])))
            if len(downstream) > 1:
                found.append(("missing-downstream-term", slope * (error - terms[k])))
                found.append(("missing-downstream-term", slope * terms[k]))
    found.append(("derivative-applied-twice", slope * slope * error))
    if activation in SLOPE_FROM_OUTPUT:
        found.append(("missing-activation-derivative", error))
        found.append(("preactivation-derivative", SLOPE_FROM_OUTPUT[activation](a) * error))
    return found


def _updated(network: Network, weight: str, source: int, dest: int, v) -> float:
    """The weight after the step: the student's own W35_new once worked, else W + η·δ·o worked here."""
    if weight in network.frozen:
        return v[weight]
    if f"{weight}_new" in v:
        return v[f"{weight}_new"]
    sign = 1.0 if _plus(network) else -1.0
    return v[weight] + sign * v["eta"] * v[f"delta{dest}"] * v[f"y{source}"]


def _gradient(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    """dE_dW13 = -delta3·x1 (+delta3·x1 under the other convention)."""
    sign = -1.0 if _plus(network) else 1.0
    delta = v[f"delta{quantity.unit}"]
    if quantity.source is None:
        return [("sign-flip", -sign * delta)]
    source = v[_output(network, quantity.source)]
    found = [("sign-flip", -sign * delta * source), ("wrong-source-output", sign * delta * v[f"y{quantity.unit}"]),
             ("missing-source-output", sign * delta), ("missing-delta", sign * source)]
    if quantity.source not in network.layers[0]:  # the source's a for its y
        found.append(("preactivation-used", sign * delta * v[f"a{quantity.source}"]))
    return found


def _change(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    """dW13 = η·delta3·x1 (-η·delta3·x1 under the other convention)."""
    sign, eta = (1.0 if _plus(network) else -1.0), v["eta"]
    delta = v[f"delta{quantity.unit}"]
    if quantity.source is None:
        return [("sign-flip", -sign * eta * delta), ("missing-learning-rate", sign * delta)]
    source = v[_output(network, quantity.source)]
    found = [("sign-flip", -sign * eta * delta * source), ("missing-learning-rate", sign * delta * source),
             ("wrong-source-output", sign * eta * delta * v[f"y{quantity.unit}"]),
             ("missing-source-output", sign * eta * delta), ("missing-delta", sign * eta * source)]
    if quantity.source not in network.layers[0]:  # the source's a for its y
        found.append(("preactivation-used", sign * eta * delta * v[f"a{quantity.source}"]))
    return found


def _new(quantity: Quantity, network: Network, v) -> list[tuple[str, float]]:
    old, change = v[quantity.parameter], v[f"d{quantity.parameter}"]
    found = [("subtracted-update", old - change), ("not-updated", old), ("missing-old-value", change)]
    if quantity.source is not None:
        found.append(("missing-learning-rate", old + change / v["eta"]))
    return found


# ---------------------------------------------------------------- the mistakes a quantity allows


class Mistake(NamedTuple):
    id: str
    value: float
    origin: str  # "hand", or "candidates" for a value only misconceptions.py works out


def offered(quantity: Quantity, network: Network, v: Mapping[str, float]) -> list[tuple[str, float]]:
    return [(candidate.misconception, candidate.value) for candidate in candidates(quantity, network, v)]


def _same(a: float, b: float) -> bool:
    """The same number but for the last bits (a sum that cancels may leave 1e-17 for 0)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-15


def every_mistake(quantity: Quantity, network: Network, v: Mapping[str, float]) -> list[Mistake]:
    """The mistakes worked by hand, then those misconceptions.py offers besides (another id, or
    another value)."""
    hand = [Mistake(i, value, "hand") for i, value in hand_mistakes(quantity, network, v) if math.isfinite(value)]
    return hand + [Mistake(i, value, "candidates") for i, value in offered(quantity, network, v)
                   if not any(i == mistake.id and _same(value, mistake.value) for mistake in hand)]


def mistakes_at(quantity: Quantity, solution: Solution, v: Mapping[str, float], style: Style) -> list[Mistake]:
    """The mistakes a student working from ``v`` in ``style`` can be named for at ``quantity`` alone:
    those whose value as written a grader can tell from honest work (``visible``), and from every other
    mistake's (``ambiguous``); and whose value as worked it would not credit (``credited``: a right
    value, only rounded out of the tolerance or the step's range, is no mistake). Its value as worked is
    not read as if written: 0.3 worked and written 0.3000 is not 0.27 rounded to 1 digit. Not a copy or
    a step not taken (ON_EVIDENCE): one such value is a coincidence, named only with others that agree."""
    every = every_mistake(quantity, solution.exercise.network, v)
    return [mistake for mistake in every if mistake.id not in ON_EVIDENCE
            and visible(quantity, Written(number_text(mistake.value, style.digits)), v, solution)
            and not credited(quantity, mistake.value, v, solution)
            and not any(other.id != mistake.id and ambiguous(mistake, other, style.digits) for other in every)]


def ambiguous(mistake: Mistake, other: Mistake, digits: int | None) -> bool:
    """Can a grader not tell ``mistake``, written to ``digits`` (or all) significant digits, from
    ``other``: the same value, or the number written is ``other``'s rounded?"""
    written = Written(number_text(mistake.value, digits))
    return _same(mistake.value, other.value) or (written != mistake.value and rounds(written, other.value))


def cross_check(quantity: Quantity, network: Network, v: Mapping[str, float]) -> list[str]:
    """Where misconceptions.py and the hand disagree at ``quantity``: a mistake worked by hand that it
    does not offer at that value (under any id: it lists a number once), or one of the ids the hand
    works that it offers at another value. Values equal to the right one are no mistakes (η = 1)."""
    right = quantity.evaluate(v)
    hand = [(i, value) for i, value in hand_mistakes(quantity, network, v)
            if math.isfinite(value) and not _same(value, right)]
    if not hand:
        return []
    theirs = [(i, value) for i, value in offered(quantity, network, v) if not _same(value, right)]
    worked = {i for i, _ in hand}
    return ([f"{quantity.name}: {i} = {value:.6g} worked by hand, not offered"
             for i, value in hand if not any(_same(value, other) for _, other in theirs)]
            + [f"{quantity.name}: {i} = {value:.6g} offered, not worked by hand" for i, value in theirs
               if i in worked and not any(i == j and _same(value, other) for j, other in hand)])


# ---------------------------------------------------------------- the students


def asked_computed(solution: Solution) -> list[Quantity]:
    asked = set(solution.asked)
    return [quantity for quantity in solution.graph if quantity.compute is not None and quantity.name in asked]


def honest_paper(sid: str, course: Course, style: Style) -> Paper:
    solution = solve(make_variant(course.exercise, sid))
    return Paper(sid, course, style.name, work(solution.graph, style)[0], solution)


def injected_paper(sid: str, course: Course, style: Style, kind: str, rng: random.Random,
                   problems: list[str]) -> Paper:
    """A student who works ``course``'s variant ``sid`` in ``style`` and makes a mistake of ``kind``
    (one of another kind where that one cannot show). Adds to ``problems`` what ``cross_check`` finds on
    every quantity of the student's honest work."""
    solution = solve(make_variant(course.exercise, sid))
    network, graph = solution.exercise.network, solution.graph
    honest = work(graph, style)[1]
    for quantity in asked_computed(solution):
        problems += [f"{course.label} {sid} {problem}" for problem in cross_check(quantity, network, honest)]
    paper = Paper(sid, course, style.name, {}, solution, kind)
    if kind == "sign-at-output":  # y - t for t - y: every output delta flipped, the rest worked from them
        overrides = {q.name: -q.evaluate(honest) for q in graph if q.kind == "delta" and q.unit in network.output_units}
    elif kind == "after-pass-copied":  # every value after the step written as it was before it
        overrides = {q.name: honest[q.before] for q in graph if q.before and q.kind not in ("W_new", "b_new")}
    elif kind == "other-numbers":
        overrides, shape = _copy(course, solution, style, rng)
        paper = paper._replace(origin=shape)
    else:
        return _candidate_paper(paper, honest, style, rng)
    written, basis = work(graph, style, overrides)
    # Where the mistake shows (``shows``): a copy or a step not taken only where SEVERAL values show it.
    heads = {name: EXPECTED_ID[kind] for name in overrides if shows(paper, graph[name], Written(written[name]), basis)}
    if len(heads) < (SEVERAL if EXPECTED_ID[kind] in ON_EVIDENCE else 1):
        return _candidate_paper(paper._replace(kind="candidate", origin=""), honest, style, rng)
    return _made(paper, written, heads, descendants(graph, overrides) | set(overrides))


def shows(paper: Paper, quantity: Quantity, shown: float, values: Mapping[str, float]) -> bool:
    """Does the mistake show at ``quantity``, written ``shown`` by a student whose values are ``values``?
    Where a grader can tell it from honest work on their own values (``visible``): a value that follows
    from their own mistaken ones (y3_after copied from y3 follows from a3_after copied from a3; the
    exercise's y3 from the exercise's a3) shows nothing. A copy shows only where it is the exercise's own
    value and not credited as the variant's (a number the variant left alone copies right; a new weight
    within the tolerance that has not taken the variant's step is still the copy)."""
    if paper.kind != "other-numbers":
        return visible(quantity, shown, values, paper.solution)
    exercise = paper.solution.exercise  # a copied 0 is the copy, where the exercise's own value is 0
    return (within(shown, paper.course.own_values[quantity.name], exercise)
            and not takes(quantity, shown, paper.exact(quantity.name), paper.solution)
            and not honest(quantity, shown, values, paper.solution))


def _candidate_paper(paper: Paper, honest: dict[str, float], style: Style, rng: random.Random) -> Paper:
    """One mistake at a random quantity, chosen at random among those it allows (``mistakes_at``)."""
    solution = paper.solution
    quantities = asked_computed(solution)
    for quantity in rng.sample(quantities, len(quantities)):
        pool = mistakes_at(quantity, solution, honest, style)
        if not pool:
            continue
        chosen = rng.choice(sorted({mistake.id for mistake in pool}))
        mistake = rng.choice([mistake for mistake in pool if mistake.id == chosen])
        try:
            written = work(solution.graph, style, {quantity.name: mistake.value})[0]
        except (ArithmeticError, ValueError):  # a wrong value the rest cannot be worked from
            continue
        return _made(paper._replace(origin=mistake.origin), written, {quantity.name: mistake.id},
                     descendants(solution.graph, [quantity.name]))
    raise RuntimeError(f"{paper.sid}: no mistake fits anywhere in {paper.course.label}")


COPY_SHAPES = ("whole file", "forward pass")


def _copy(course: Course, solution: Solution, style: Style, rng: random.Random) -> tuple[dict[str, float], str]:
    """What a copier hands in, and its shape: the exercise's own numbers (not the variant's) worked in
    ``style``, for the whole file, or for the forward pass and the error only, the rest worked on from
    them with the variant's numbers (the deltas from the copied outputs and the variant's targets)."""
    own = work(solve(course.exercise).graph, style)[1]
    shape = rng.choice(COPY_SHAPES)
    copied = [q.name for q in asked_computed(solution) if shape == "whole file" or q.stage in ("forward", "loss")]
    return {name: own[name] for name in copied}, shape


def _made(paper: Paper, written: dict[str, str], heads: dict[str, str], reached: Iterable[str]) -> Paper:
    """``paper`` with its answers, where its mistake shows, the other values worked on from it, and the
    outputs written that their unit's activation cannot give."""
    network = paper.solution.exercise.network

    def possible(quantity: Quantity) -> bool:
        low, high = OUTPUT_RANGES.get(network.activation_of(quantity.unit), (-math.inf, math.inf))
        return low <= float(written[quantity.name]) <= high

    impossible = frozenset(q.name for q in paper.solution.graph if q.kind == "y" and not possible(q))
    return paper._replace(answers=written, heads=heads, downstream=frozenset(reached) - set(heads),
                          impossible=impossible)


# ---------------------------------------------------------------- the class, graded


def assigned(count: int, first: int, styles: tuple[Style, ...], courses: list[Course],
             seed: int) -> list[tuple[str, Course, Style]]:
    """(student id, exercise, style) for ``count`` students from s{first}: every exercise, and every
    style with every exercise, as often as the count allows; who gets which is drawn by the seed."""
    pairs = [(courses[i % len(courses)], styles[(i // len(courses) + i % len(courses)) % len(styles)])
             for i in range(count)]
    random.Random(f"fairness {seed} {first}").shuffle(pairs)
    return [(f"s{first + i:03d}", course, style) for i, (course, style) in enumerate(pairs)]


class Measured(NamedTuple):
    honest: list[Marked]  # every graded value of the honest files
    injected: list[Paper]
    injected_marks: list[Marked]
    cross_check: list[str]  # where misconceptions.py and the hand disagree (there should be nothing)
    errors: list[str]  # files not graded as their student's variant (there should be none)
    seconds: float
    honest_checks: list[Marked] = []  # each honest file's step check (downhill): none should go uphill
    injected_checks: list[Marked] = []


def run(students: int = 200, seed: int = 17, held_out: bool = False) -> Measured:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bpcheck-fairness-") as temporary:
        folder = Path(temporary)
        course_list = courses(folder, held_out)
        honest = [honest_paper(sid, course, style)
                  for sid, course, style in assigned(students, 1, HONEST_STYLES, course_list, seed)]
        problems: list[str] = []
        injected = [injected_paper(sid, course, style, INJECTIONS[index % len(INJECTIONS)],
                                   random.Random(f"fairness {seed} {sid}"), problems)
                    for index, (sid, course, style)
                    in enumerate(assigned(students, students + 1, INJECTED_STYLES, course_list, seed))]
        errors: list[str] = []
        honest_checks: list[Marked] = []
        injected_checks: list[Marked] = []
        honest_marks = grade_class(folder / "honest", honest, errors, honest_checks)
        injected_marks = grade_class(folder / "injected", injected, errors, injected_checks)
    return Measured(honest_marks, injected, injected_marks, problems, errors, time.perf_counter() - start,
                    honest_checks, injected_checks)


def uphill(checks: list[Marked]) -> int:
    """Files whose step check found the step going uphill."""
    return sum(check.verdict == "wrong" for check in checks)


def flipped(measured: Measured) -> list[Marked]:
    """The step checks of the files with every output delta's sign flipped whose step goes uphill
    (``own_step_uphill``), where the exact step goes downhill (where it overshoots, README says the
    check tells nothing). With momentum a flipped gradient may leave the step downhill: no uphill step."""
    return [check for check in measured.injected_checks if check.paper.kind == "sign-at-output"
            and check.paper.exact("E_after") < check.paper.exact("E") and own_step_uphill(check.paper)]


def own_step_uphill(paper: Paper) -> bool:
    """Does the student's step go uphill: E after it, worked exactly from the new weights and biases as
    they wrote them (the givens otherwise), above the exact E before it?"""
    values = dict(paper.solution.values)
    for quantity in paper.solution.graph:
        if quantity.kind in ("W_new", "b_new") and quantity.name in paper.answers:
            values[quantity.name] = paper.value(quantity.name)
        elif quantity.stage == "check" and quantity.compute is not None:
            values[quantity.name] = quantity.evaluate(values)
    return values["E_after"] > values["E"]


def grade_class(folder: Path, papers: list[Paper], errors: list[str], checks: list[Marked]) -> list[Marked]:
    """Each exercise's papers written to ``folder/<exercise>/hw-<id>/answers.yaml`` and graded as a
    course does: the exercise pinned, each file's variant its student's id. The values' marks are
    returned; each file's step check (downhill) is added to ``checks``."""
    marks = []
    for label in dict.fromkeys(paper.course.label for paper in papers):
        mine = {paper.sid: paper for paper in papers if paper.course.label == label}
        course = next(iter(mine.values())).course
        for paper in mine.values():
            (folder / label / f"hw-{paper.sid}").mkdir(parents=True)
            (folder / label / f"hw-{paper.sid}" / "answers.yaml").write_text(answers_yaml(paper), encoding="utf-8")
        pattern = None if len(mine) > 1 else r"hw-(?P<id>[^/]+)/"  # one folder alone shows no id prefix
        graded = grade_files([folder / label], exercise=course.spec, variant_from="id", id_pattern=pattern)
        for outcome in graded.outcomes:
            if outcome.grade is None or outcome.student not in mine or outcome.grade.variant != outcome.student:
                errors.append(f"{outcome.file}: {outcome.error or 'not graded as its student variant'}")
                continue
            paper = mine[outcome.student]
            marks += [Marked(paper, r.name, r.verdict, r.misconception, r.message) for r in outcome.grade.values]
            check = outcome.grade.check
            if check is not None:
                checks.append(Marked(paper, check.name, check.verdict, check.misconception, check.message))
    return marks


def answers_yaml(paper: Paper) -> str:
    """The answers file a student hands in: the exercise as `bpcheck template` names it, their variant."""
    spec = paper.course.spec
    lines = [f"exercise: {spec if spec in BUILT_IN else Path(spec).as_posix()}", f"variant: {paper.sid}",
             f"student: {paper.sid}", "answers:"]
    return "\n".join(lines + [f"  {name}: {text}" for name, text in paper.answers.items()]) + "\n"


# ---------------------------------------------------------------- what was measured


class Injected(NamedTuple):
    """How one injected file was graded."""

    paper: Paper
    outcome: str  # right, wrong-id, not-named, credited
    heads: dict[str, Marked]  # how each value where the mistake shows was graded
    others_named: list[Marked]  # other values named with a mistake (the mistake shows only at the heads)
    others_uncredited: list[tuple[Marked, str]]  # other values not credited, and why (``why_uncredited``)
    others_credited: list[Marked] = []  # values built on a copy that earned carried-forward credit (none may)


def judged(measured: Measured) -> list[Injected]:
    by_paper: dict[str, dict[str, Marked]] = {}
    for mark in measured.injected_marks:
        by_paper.setdefault(mark.paper.sid, {})[mark.name] = mark
    return [_judged(paper, by_paper[paper.sid]) for paper in measured.injected if paper.sid in by_paper]


def _judged(paper: Paper, marks: dict[str, Marked]) -> Injected:
    """The file's outcome. Named right: every head named with its mistake's id. For a copy
    (other-numbers) also, as README states it: no other value named with any mistake, and nothing built
    on a head carried forward; so a copy earns only the values it has right for the variant (a number
    the variant left alone) and those that follow from copies rounding cannot tell apart. A file whose
    every miss is a known grader bug's (``lost_zeros``) is "grader-bug", and what follows from such a
    head is judged by the rules, not as after a false name."""
    heads = {name: marks[name] for name in paper.heads}
    others = [mark for name, mark in marks.items() if name not in paper.heads]
    named = [mark for mark in others if mark.misconception is not None]
    copied = built_on_copy(paper, marks)
    credited = [mark for mark in others if mark.verdict == "carried_forward" and mark.name in copied]
    missed = [name for name, mark in heads.items() if mark.misconception != paper.heads[name]]
    known = [name for name in missed if lost_zeros(paper, name)]
    if credited or any(mark.verdict in CREDITED for mark in heads.values()):
        outcome = "credited"
    elif missed and known == missed and not named:
        outcome = "grader-bug"
    elif (any(mark.misconception not in (None, paper.heads[name]) for name, mark in heads.items())
          or (paper.kind == "other-numbers" and named)):
        outcome = "wrong-id"
    elif all(mark.misconception == paper.heads[name] for name, mark in heads.items()):
        outcome = "right"
    else:
        outcome = "not-named"
    falsely = [mark.name for mark in named] + [name for name, mark in heads.items() if name not in known
                                               and mark.misconception not in (None, paper.heads[name])]
    after_false = descendants(paper.solution.graph, falsely)
    uncredited = [(mark, "unexplained: named falsely" if mark.name in falsely
                   else f"unexplained: after a false {marks[falsely[0]].misconception} upstream"
                   if mark.name in after_false else why_uncredited(paper, mark, copied))
                  for mark in others if mark.verdict not in CREDITED]
    return Injected(paper, outcome, heads, named, uncredited, credited)


def lost_zeros(paper: Paper, name: str) -> bool:
    """Is the head ``name`` missed by the grader's known bug (tests/test_class_fairness.py,
    test_a_step_not_taken_is_named_whatever_zeros_its_number_ends_with, xfail)? A value after the step
    written as the value before it, with zeros its float does not keep (0.3000 for a3_after, where a3 =
    0.3): at the digits written it has not taken the step, but the grader weighs the mistake not-updated
    at its float's digits (0.3, taken to 3 digits: a3_after = 0.2998 rounded, so "right") and leaves it
    out, naming nothing or another mistake within the tolerance. README names it not-updated."""
    if paper.heads.get(name) != "not-updated":
        return False
    quantity, shown = paper.solution.graph[name], paper.value(name)
    plain = float(shown)
    return (shown == student_values(paper)[quantity.before] and significant(plain) < significant(shown)
            and rounds_to(plain, paper.exact(name), max(3, significant(plain))))


def built_on_copy(paper: Paper, marks: Mapping[str, Marked]) -> frozenset[str]:
    """The values of a copy built on one of its heads (README: they earn no carried-forward credit),
    through values not credited ``correct``: a value within the tolerance of the variant's own is right
    whatever it was worked from (a new weight whose step is too small to show), and what follows from it
    is followed. Empty for other mistakes."""
    if paper.kind != "other-numbers":
        return frozenset()
    reached = set(paper.heads)
    for quantity in paper.solution.graph:
        if any(name in reached and (name in paper.heads or marks[name].verdict != "correct")
               for name in quantity.inputs if name in marks):
            reached.add(quantity.name)
    return frozenset(reached - set(paper.heads))


def student_values(paper: Paper) -> dict[str, float]:
    """Every value as the student's file gives it: their asked values as written, the variant's for the rest."""
    asked = set(paper.solution.asked)
    return {**paper.solution.values, **{name: paper.value(name) for name in paper.answers if name in asked}}


def why_uncredited(paper: Paper, mark: Marked, copied: frozenset[str] = frozenset()) -> str:
    """Why an injected file's other value earns nothing: a rule README states, or "unexplained". The
    rules: nothing built on a value named other-numbers (``copied``, see ``built_on_copy``), or on an
    output the unit's activation cannot give, is carried forward; nor is a value a slip trivialised (its
    formula on the student's own values under a tenth of the exact value, or, after the step, moved less
    than a tenth of the step); and a value that rounding explains (``explained_by_rounding``), or 0,
    cannot be told from rounding or a blank."""
    if mark.name not in paper.downstream:
        return "unexplained (not downstream of the mistake)"
    quantity, value = paper.solution.graph[mark.name], paper.value(mark.name)
    if mark.name in copied:
        return "rule: built on other-numbers"
    if mark.name in descendants(paper.solution.graph, paper.impossible):
        return "rule: built on an impossible output"
    values = student_values(paper)
    exact = paper.exact(mark.name)
    carried = quantity.evaluate(values)
    before = paper.solution.values.get(quantity.before, math.nan)
    if abs(carried) <= 0.1 * abs(exact) or abs(carried - before) <= 0.1 * abs(exact - before):
        return "rule: trivialised"
    if value == 0 or explained_by_rounding(quantity, value, values, paper.solution):
        return "rule: the mistake cannot be told from rounding or a blank"
    return "unexplained"


class Figures(NamedTuple):
    honest_values: int
    honest_named: int
    honest_uncredited: int
    injected_files: int
    injected_right: int
    injected_wrong_id: int
    injected_not_named: int
    injected_credited: int
    injected_grader_bug: int  # missed by the grader's known bug (``lost_zeros``), apart from the rest
    others_named: int
    others_unexplained: int
    others_credited: int  # values built on a copy carried forward
    honest_uphill: int  # honest files the step check saw going uphill
    flips_uphill: int  # files with every output delta's sign flipped that it saw going uphill
    flips: int  # such files, where the exact step goes downhill
    copies: int
    copies_earned: float  # the share of its values a copy earns, on average


def figures(measured: Measured, injected: list[Injected] | None = None) -> Figures:
    injected = judged(measured) if injected is None else injected
    outcomes = Counter(item.outcome for item in injected)
    copies = [item.paper.sid for item in injected if item.paper.kind == "other-numbers"]
    earned = [mark.verdict in CREDITED for mark in measured.injected_marks if mark.paper.sid in set(copies)]
    return Figures(
        len(measured.honest), sum(mark.misconception is not None for mark in measured.honest),
        sum(mark.verdict not in CREDITED for mark in measured.honest),
        len(injected), outcomes["right"], outcomes["wrong-id"], outcomes["not-named"], outcomes["credited"],
        outcomes["grader-bug"],
        sum(len(item.others_named) for item in injected),
        sum(why.startswith("unexplained") for item in injected for _, why in item.others_uncredited),
        sum(len(item.others_credited) for item in injected),
        uphill(measured.honest_checks), uphill(flipped(measured)), len(flipped(measured)),
        len(copies), sum(earned) / len(earned) if earned else 0.0)


# ---------------------------------------------------------------- the report


def table(title: str, header: list[str], rows: list[list]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = "  ".join(f"{{:{'<' if i == 0 else '>'}{width}}}" for i, width in enumerate(widths))
    return "\n".join([title, line.format(*header)] + [line.format(*map(str, row)) for row in rows])


def _groups(items: Iterable, key) -> list[tuple]:
    """(key, items) for each key, the largest group first."""
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items(), key=lambda pair: (-len(pair[1]), str(pair[0])))


def honest_rows(marks: list[Marked], key) -> list[list]:
    return [[name, len({m.paper.sid for m in group}), len(group), sum(m.misconception is not None for m in group),
             sum(m.verdict not in CREDITED for m in group)] for name, group in sorted(_groups(marks, key))]


def injected_rows(items: list[Injected], key) -> list[list]:
    rows = []
    for name, group in sorted(_groups(items, key)):
        outcomes = Counter(item.outcome for item in group)
        reasons = [why.startswith("unexplained") for item in group for _, why in item.others_uncredited]
        rows.append([name, len(group), outcomes["right"], outcomes["wrong-id"], outcomes["not-named"],
                     outcomes["credited"], outcomes["grader-bug"], sum(len(item.others_named) for item in group),
                     sum(reasons),
                     len(reasons) - sum(reasons)])
    return rows


def report(measured: Measured, worst: int = 12) -> str:
    items = judged(measured)
    numbers = figures(measured, items)
    honest_header = ["", "files", "values", "named", "not credited"]
    injected_header = ["", "files", "right", "wrong id", "not named", "credited", "grader bug", "others named",
                       "others unexplained", "others by rule"]
    parts = [
        f"Honest: {numbers.honest_named} of {numbers.honest_values} values named with a mistake (goal 0); "
        f"{numbers.honest_uncredited} not credited.",
        f"Injected: {numbers.injected_right} of {numbers.injected_files} files name the mistake right; "
        f"{numbers.injected_wrong_id} with a wrong id, {numbers.injected_not_named} not named, "
        f"{numbers.injected_credited} credited, {numbers.injected_grader_bug} missed by the grader's known bug "
        f"(lost_zeros); {numbers.others_named} other values named, "
        f"{numbers.others_unexplained} other values not credited with no rule to say why.",
        f"Copies: {numbers.copies} files earn {numbers.copies_earned:.0%} of their values on average (what the "
        f"variant left alone, or rounding cannot tell apart); {numbers.others_credited} values built on a copy "
        "carried forward (goal 0).",
        f"Step check: {numbers.honest_uphill} of {len(measured.honest_checks)} honest files seen going uphill "
        f"(goal 0); {numbers.flips_uphill} of {numbers.flips} files with every output delta's sign flipped seen "
        "going uphill (where their step goes uphill and the exact step downhill).",
        table("\nHonest files by style", honest_header, honest_rows(measured.honest, lambda m: m.paper.style)),
        table("\nHonest files by exercise", honest_header,
              honest_rows(measured.honest, lambda m: m.paper.course.label)),
        table("\nInjected files by mistake", injected_header,
              injected_rows(items, lambda i: i.paper.kind + (f" ({i.paper.origin})" if i.paper.origin else ""))),
        table("\nInjected files by style", injected_header, injected_rows(items, lambda i: i.paper.style)),
        table("\nInjected files by exercise", injected_header, injected_rows(items, lambda i: i.paper.course.label)),
        offenders(measured.honest, items, worst),
        "\nStep checks not as they should be (honest files uphill, flipped signs not):",
        *([f"  {_place(check)}: {check.verdict}; {check.message}"
           for check in measured.honest_checks + flipped(measured)
           if (check.verdict == "wrong") == (check.paper.kind == "honest")] or ["  none"]),
    ]
    for title, lines in (("misconceptions.py and the hand disagree", measured.cross_check),
                         ("Files not graded as their student's variant", measured.errors)):
        if lines:
            parts.append(f"\n{title} ({len(lines)}):\n  " + "\n  ".join(lines[:worst]))
    parts.append(f"\nRun time: {measured.seconds:.1f} s")
    return "\n".join(parts)


def offenders(honest: list[Marked], items: list[Injected], worst: int) -> str:
    """The false names, most frequent first, with where they fall and examples (the value written, the
    exact one, the exercise's own, and the grader's message); the mistakes missed; and the other values
    of injected files not credited, by reason."""
    lines = ["\nHonest values named with a mistake (exercise quantity style (student): written; message):"]
    lines += _named([mark for mark in honest if mark.misconception is not None], worst)
    lines.append("\nInjected files' other values named with a mistake (it shows at the heads alone):")
    lines += _named([mark for item in items for mark in item.others_named], worst)
    lines.append("\nInjected mistakes not named right (exercise quantity style (student): made -> named; message):")
    misses = [item for item in items if item.outcome != "right"]
    for (outcome, kind), group in _groups(misses, lambda item: (item.outcome, item.paper.kind)):
        lines.append(f"  {outcome} ({kind}): {len(group)}")
        for item in group[:worst]:
            name, mark = next(((name, mark) for name, mark in item.heads.items()
                               if mark.misconception != item.paper.heads[name]), (None, None))
            if mark is not None:
                lines.append(f"    {_place(mark)}: {item.paper.heads[name]} -> {mark.misconception}; "
                             f"{_numbers(mark)}; {mark.message}")
            for other in item.others_named[:1] + item.others_credited[:1]:  # a copy's heads right, not the rest
                lines.append(f"    {_place(other)} (not a head): {other.verdict} {other.misconception or ''}; "
                             f"{_numbers(other)}; {other.message}")
    lines.append("\nInjected files' other values not credited, by reason:")
    uncredited = [(mark, why) for item in items for mark, why in item.others_uncredited]
    for why, group in _groups(uncredited, lambda pair: pair[1]):
        lines.append(f"  {why}: {len(group)}")
        for mark, _ in group[:min(worst, 3) if why.startswith("rule") else worst]:
            lines.append(f"    {_place(mark)} ({mark.paper.kind} at {', '.join(mark.paper.heads)}): "
                         f"{_numbers(mark)}; {mark.message}")
    return "\n".join(lines)


def _named(marks: list[Marked], worst: int) -> list[str]:
    lines = []
    for misconception, group in _groups(marks, lambda mark: mark.misconception):
        places = Counter(f"{m.name} {m.paper.course.label} {m.paper.style}" for m in group)
        lines.append(f"  {misconception}: {len(group)} values; most at "
                     + ", ".join(f"{place} ×{count}" for place, count in places.most_common(4)))
        lines += [f"    {_place(mark)}: {_numbers(mark)}; {mark.message}" for mark in group[:worst]]
    return lines


def _place(mark: Marked) -> str:
    return f"{mark.paper.course.label} {mark.name} {mark.paper.style} ({mark.paper.sid})"


def _numbers(mark: Marked) -> str:
    paper = mark.paper
    return (f"wrote {paper.answers[mark.name]}, exact {paper.exact(mark.name):.6g}, "
            f"the exercise's own {paper.course.own_values[mark.name]:.6g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200, help="students in each class (default 200)")
    parser.add_argument("--seed", type=int, default=17, help="which class (default 17)")
    parser.add_argument("--worst", type=int, default=12, help="examples listed per offender (default 12)")
    parser.add_argument("--seeds", type=int, default=1, help="classes measured, from --seed on: one line each")
    parser.add_argument("--held-out", action="store_true",
                        help="the held-out class: shapes, datasets and optimizers the class has none like")
    args = parser.parse_args(argv)
    if args.students < 1 or args.seeds < 1:
        parser.error("--students and --seeds must be at least 1")
    if args.seeds == 1:
        print(report(run(args.students, args.seed, args.held_out), args.worst))
    else:
        print(seeds_table(args.students, range(args.seed, args.seed + args.seeds), args.held_out))
    return 0


def seeds_table(students: int, seeds: Iterable[int], held_out: bool = False) -> str:
    """Each class's figures, a row per seed, and their sums."""
    rows = [[seed, *figures(run(students, seed, held_out))] for seed in seeds]
    columns = list(zip(*rows))[1:]
    total = [sum(column) for column in columns]
    total[Figures._fields.index("copies_earned")] = (
        sum(row[1 + Figures._fields.index("copies_earned")] * row[1 + Figures._fields.index("copies")] for row in rows)
        / max(1, total[Figures._fields.index("copies")]))
    cells = [[f"{cell:.0%}" if isinstance(cell, float) else cell for cell in row] for row in rows + [["all", *total]]]
    return table(f"{students} + {students} students a class", ["seed", *Figures._fields], cells)


if __name__ == "__main__":
    sys.exit(main())
