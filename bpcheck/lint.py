"""`bpcheck check`: what an instructor should know about an exercise before students work it. Pure.

A file that cannot be solved is an error (loading reports it); these are warnings about one that can:
numbers a person cannot work by hand, targets no output can reach, saturated or dead units, values
that rounding to 4 digits would cost marks, and an exercise that cannot vary.
"""

from __future__ import annotations

from typing import NamedTuple

from .activations import ACTIVATIONS
from .errors import BpcheckError
from .losses import LOSSES
from .network import Exercise
from .solution import solve
from .variants import make_variant, number_problems, numbers_of

HAND_DECIMALS = 3  # more decimals than this is a number copied from a computer, not worked by hand


class Finding(NamedTuple):
    name: str | None  # the given number it is about (W13, t5), for its line in the file; None for the whole
    message: str
    severity: str = "warning"  # or "note": worth knowing, and often meant (a sigmoid target of 1)


def lint(exercise: Exercise) -> list[Finding]:
    """Warnings about an exercise that loads and solves; empty when a student can work it by hand."""
    solution = solve(exercise)
    network = exercise.network
    warnings = [Finding(number.name, f"{number.name} = {number.value:g} has more than {HAND_DECIMALS} "
                                      "decimals; numbers worked by hand have one or two")
                for number in numbers_of(network) if round(number.value, HAND_DECIMALS) != number.value]
    warnings += _unreachable_targets(exercise)
    dead: frozenset[int] = frozenset()  # a dead ReLU unit is worth a warning here: the exercise may mean it, or not
    for problem in number_problems(solution, dead):
        warnings.append(Finding(_named(problem), problem))
    if exercise.variants is not None:
        try:
            make_variant(exercise, "check", solution=solution)
        except BpcheckError as error:
            warnings.append(Finding(None, f"variants: {error.message}"))
    return warnings


def _unreachable_targets(exercise: Exercise) -> list[Finding]:
    """A note for a target an output only approaches (one beyond reach is number_problems' warning)."""
    network = exercise.network
    if LOSSES[network.loss].probability_targets:
        return []  # one-hot targets: loading checked them
    activation = network.activations[-1]
    low, high = ACTIVATIONS[activation].output_range
    return [Finding(f"t{unit}", f"t{unit} = {target:g} is reached only as a{unit} grows without bound (fine for "
                    f"one step; for training, {0.9 * target + 0.1 * (low + high) / 2:g} is reachable)", "note")
            for unit, target in sorted({pair for example in network.dataset for pair in example.targets.items()})
            if target in (low, high) and ACTIVATIONS[activation].saturates]


def _named(problem: str) -> str | None:
    first = problem.split(" ", 1)[0]
    return first if first[:1] in "xWbt" and first[1:2].isdigit() else None
