"""Named quantities and the graph of one training step.

Every number a student writes down is a Quantity: a name (``delta3``), a stage, the names it reads, a
function that computes it from them, and two renderings of its formula (with names, and with the
numbers substituted). Solving evaluates the graph; grading re-evaluates single nodes on a student's own
upstream values. Nothing here knows whether it is solving or grading.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Callable, NamedTuple

from .errors import ExerciseError

# Stages in solving order, with the headings a person reads.
STAGES = {
    "given": "Given",
    "forward": "Step 1: forward pass",
    "loss": "Step 2: error",
    "backward": "Step 3: deltas",
    "update": "Step 4: gradients and weight updates",
    "check": "Step 5: forward pass with the new weights",
}

Formatter = Callable[[float], str]
Shower = Callable[[Sequence[float], Formatter], str]


class Quantity(NamedTuple):
    """One named value of a training step.

    ``kind`` says what sort of value it is (``a``, ``y``, ``E``, ``delta``, ``dE_dW``, ``dW``,
    ``W_new`` ...); ``unit`` is the unit it belongs to (the destination, for a weight) and ``source``
    the source unit of a weight. Givens have a ``given`` value and no ``compute``.
    """

    name: str
    stage: str
    kind: str
    inputs: tuple[str, ...] = ()
    compute: Callable[..., float] | None = None
    symbolic: str = ""
    show: Shower | None = None
    given: float | None = None
    unit: int | None = None
    source: int | None = None

    def evaluate(self, values: Mapping[str, float]) -> float:
        """This quantity's formula applied to ``values`` (which must hold every input)."""
        if self.compute is None:
            return values[self.name] if self.name in values else self.given
        return self.compute(*(values[name] for name in self.inputs))

    def substituted(self, values: Mapping[str, float], fmt: Formatter) -> str:
        """The formula with the input values written in, e.g. ``(0.1)(0.35) + (0.8)(0.9)``."""
        if self.show is None:
            return ""
        return self.show([values[name] for name in self.inputs], fmt)


def value_before_step(name: str) -> str | None:
    """W13 for W13_new, y3 for y3_after: what a value after the step was before it (None for others)."""
    for suffix in ("_new", "_after"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


class Graph:
    """The quantities of one step, in solving order (every input comes before its reader)."""

    def __init__(self, quantities: Iterable[Quantity]):
        self.quantities: tuple[Quantity, ...] = tuple(quantities)
        self.by_name: dict[str, Quantity] = {q.name: q for q in self.quantities}

    def __iter__(self):
        return iter(self.quantities)

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def __getitem__(self, name: str) -> Quantity:
        return self.by_name[name]

    def names(self, *, computed_only: bool = False) -> list[str]:
        return [q.name for q in self.quantities if not (computed_only and q.compute is None)]

    def evaluate(self) -> dict[str, float]:
        """Every value, in order; a value that is not finite means the numbers overflowed double precision."""
        values: dict[str, float] = {}
        for quantity in self.quantities:
            try:
                value = quantity.evaluate(values)
            except (OverflowError, ValueError):  # math.fsum overflows, or meets inf - inf
                value = math.inf
            if not math.isfinite(value):
                raise ExerciseError(
                    f"{quantity.name} comes out as {value}: the numbers are too large for double precision",
                    hint="use smaller weights, inputs or learning rate")
            values[quantity.name] = value
        return values

