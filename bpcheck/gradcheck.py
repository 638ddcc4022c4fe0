"""The chain rule checked numerically (tutorial §6): each gradient backprop computes beside a central
finite difference of E, (E(p + h) - E(p - h)) / 2h. Pure: no I/O.

E is evaluated by the solver's own graph (its forward pass and loss), compiled once; nothing here
repeats a formula. A ReLU (or softsign) unit whose pre-activation changes sign between p - h and p + h
sits on its kink, where a difference quotient is off by the step itself: such a parameter is reported
as a kink, not failed.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .activations import ACTIVATIONS
from .errors import ExerciseError
from .solution import Solution
from .training import Program

RELATIVE_TOLERANCE = 1e-5  # central differences in double precision agree with backprop to ~1e-8
STEP = 1e-6  # h, relative to max(1, |p|): small for the O(h²) error, large against rounding in E

# Rounding in E shows in a difference quotient as about 1e-16·E/h: gradients this close (relative to E)
# agree however small they are (the vanishing gradients of a deep network's first layers).
NOISE = 1e-8

PASS, FAIL, KINK = "pass", "FAIL", "kink"


class Check(NamedTuple):
    parameter: str
    backprop: float
    numeric: float
    relative_difference: float
    verdict: str  # pass, FAIL or kink


def gradient_check(solution: Solution) -> list[Check]:
    """A Check for every trained weight and bias of the solved exercise."""
    graph, values = solution.graph, solution.values
    network = solution.exercise.network
    kinks = [q.name for q in graph if q.kind == "a" and q.stage != "check"
             and ACTIVATIONS[network.activation_of(q.unit)].kinked]
    whole = Program(graph, ["E", *kinks], keep_all=True)
    whole.run()
    programs = _programs(whole, graph, network)
    checks = []
    for name in network.parameters:
        if f"dE_d{name}" not in values:
            continue  # frozen: no gradient is computed for it
        program = programs[name]
        h = STEP * max(1.0, abs(values[name]))
        (plus, plus_a), (minus, minus_a) = (_loss(program, name, values[name] + step, kinks) for step in (h, -h))
        if not math.isfinite(plus - minus):  # E at the edge of double precision: no difference to take
            raise ExerciseError(f"E overflows double precision when {name} moves by {h:.3g}, so its finite "
                                "difference cannot be taken", file=solution.exercise.path,
                                hint="use smaller weights, inputs or learning rate")
        numeric = (plus - minus) / (2 * h)
        backprop = values[f"dE_d{name}"]
        difference = _relative_difference(backprop, numeric)
        kinked = any((a > 0) != (b > 0) for a, b in zip(plus_a, minus_a))
        agree = difference <= RELATIVE_TOLERANCE or abs(backprop - numeric) <= NOISE * max(1.0, abs(values["E"]))
        verdict = PASS if agree else KINK if kinked else FAIL
        checks.append(Check(name, backprop, numeric, difference, verdict))
    return checks


def _programs(whole: Program, graph, network) -> dict[str, Program]:
    """Each parameter's program: one a layer, recomputing only what that layer's weights and biases feed."""
    by_layer: dict[tuple[int, ...], list[str]] = {}
    for name in network.parameters:
        by_layer.setdefault(network.layer_of(graph[name].unit), []).append(name)
    programs = {}
    for names in by_layer.values():
        program = whole.partial(graph, names)
        programs.update(dict.fromkeys(names, program))
    return programs


def _loss(program: Program, name: str, value: float, kinks: list[str]) -> tuple[float, list[float]]:
    """E with one parameter moved, and the ReLU pre-activations it gives; the parameter is put back."""
    slot = program.slot[name]
    saved, program.values[slot] = program.values[slot], value
    try:
        values = program.run()
        return values[program.slot["E"]], [values[program.slot[a]] for a in kinks]
    except (OverflowError, ValueError, ZeroDivisionError):  # math.fsum overflows, or meets inf - inf
        return math.inf, []
    finally:
        program.values[slot] = saved


def _relative_difference(backprop: float, numeric: float) -> float:
    """|g - fd| / max(|g|, |fd|) (0 when both are 0)."""
    largest = max(abs(backprop), abs(numeric))
    return abs(backprop - numeric) / largest if largest else 0.0
