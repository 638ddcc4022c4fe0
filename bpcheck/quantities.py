"""Named quantities and the graph of one training step.

Every number a student writes down is a Quantity: a name (``delta3``), a stage, and its formula as a
tree, from which come the names it reads, how it is computed and how it is written. Solving evaluates
the graph; grading re-evaluates single nodes on a student's own upstream values. Nothing here knows
whether it is solving or grading.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Callable

from .errors import ExerciseError
from .formulas import compiled, refs, renamed, written
from .formulas import evaluate as walk
from .numbers import Formatter

if TYPE_CHECKING:
    from .network import Network
    from .nodes import Node

DOWNHILL = "downhill"  # the step check's name (grading.downhill): worth points only where an exercise says so

# Stages in solving order, with the headings a person reads.
STAGES = {
    "given": "Given",
    "forward": "Step 1: forward pass",
    "loss": "Step 2: error",
    "backward": "Step 3: deltas",
    "gradient": "Step 3b: gradients, and their means over the examples",
    "update": "Step 4: gradients and weight updates",
    "check": "Step 5: forward pass with the new weights",
}

class Quantity:
    """One named value of a training step.

    ``kind`` says what sort of value it is (``a``, ``y``, ``E``, ``delta``, ``dE_dW``, ``dW``,
    ``W_new`` ...); ``unit`` is the unit it belongs to (the destination, for a weight; 0 for E and η)
    and ``source`` the source unit of a weight (None for a bias). ``parameter`` names the weight or bias
    a gradient, change or new value is of (W13 for dW13); ``before`` the value a value after the step
    was before it (W13 for W13_new, y3 for y3_after). Givens have a ``given`` value and no ``form``.
    Code reads these fields, never the name's letters.

    ``form`` is the formula, written once as a tree (formulas.py): what it reads (``inputs``), how it is
    computed (``compute``, compiled from it), and how it is written (``symbolic``, ``substituted``).
    """

    __slots__ = ("name", "stage", "kind", "form", "inputs", "given", "unit", "source", "parameter", "before",
                 "example", "_compute", "_symbolic", "__weakref__")

    def __init__(self, name: str, stage: str, kind: str, form: Node | None = None, *, given: float | None = None,
                 unit: int = 0, source: int | None = None, parameter: str = "", before: str = "", example: int = 0):
        self.name, self.stage, self.kind, self.form, self.given = name, stage, kind, form, given
        self.unit, self.source, self.parameter, self.before, self.example = unit, source, parameter, before, example
        self.inputs: tuple[str, ...] = refs(form) if form is not None else ()
        self._compute: Callable[..., float] | None = None
        self._symbolic: str | None = None

    def __repr__(self) -> str:
        return f"Quantity({self.name!r}, {self.stage!r}, {self.kind!r})"

    @property
    def compute(self) -> Callable[..., float] | None:
        """The formula compiled, its arguments the ``inputs`` in order; None for a given."""
        if self._compute is None and self.form is not None:
            self._compute = compiled(self.form, self.inputs)
        return self._compute

    @property
    def symbolic(self) -> str:
        """The formula with names: ``W13·x1 + W23·x2`` (written once: messages quote it often)."""
        if self._symbolic is None:
            self._symbolic = written(self.form) if self.form is not None else ""
        return self._symbolic

    def evaluate(self, values: Mapping[str, float]) -> float:
        """This quantity's formula applied to ``values`` (which must hold every input)."""
        compute = self.compute
        if compute is None:
            return values[self.name] if self.name in values else float(self.given or 0.0)
        return compute(*[values[name] for name in self.inputs])

    def substituted(self, values: Mapping[str, float], fmt: Formatter) -> str:
        """The formula with the input values written in, e.g. ``(0.1)(0.35) + (0.8)(0.9)``."""
        return written(self.form, values, fmt) if self.form is not None else ""

    _FIELDS = ("name", "stage", "kind", "form", "given", "unit", "source", "parameter", "before", "example")

    def replace(self, **changes) -> Quantity:
        """A copy with some fields changed (``form=None, given=0.0`` makes it a given)."""
        fields = {field: changes.get(field, getattr(self, field)) for field in self._FIELDS}
        return Quantity(fields.pop("name"), fields.pop("stage"), fields.pop("kind"), fields.pop("form"), **fields)

    def renamed(self, rename: Callable[[str], str], example: int) -> Quantity:
        """The same quantity for one example of a dataset: y3 -> y3[2], its formula's names likewise."""
        form = renamed(self.form, rename) if self.form is not None else None
        return self.replace(name=rename(self.name), form=form,
                            before=rename(self.before) if self.before else "", example=example)


class ExampleValues(Mapping):
    """One example's values of a dataset read by their plain names: y3 is y3[2] (for example 2), and a
    name no example has (W13, eta) is the shared value. Lets code written for one example (the
    hand-written mistakes, the checks of an exercise's numbers) read any example's. For lookups only:
    iterating it gives the underlying names, as the values they read hold them."""

    def __init__(self, values: Mapping[str, float], example: int):
        self._values, self._suffix = values, f"[{example}]"

    def __getitem__(self, name: str) -> float:
        own = name + self._suffix
        return self._values[own] if own in self._values else self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def example_values(network, values: Mapping[str, float]) -> list[Mapping[str, float]]:
    """Each example's values (ExampleValues), or just ``values`` for an exercise of one example."""
    return [ExampleValues(values, index) for index in range(1, len(network.examples) + 1)] or [values]


def mean_abs_deltas(network: Network, values: Mapping[str, float]) -> list[tuple[str, float]]:
    """(layer label, mean |δ| over its units and every example) for each layer after the inputs."""
    suffixes = [f"[{index}]" for index in range(1, len(network.examples) + 1)] or [""]
    means = []
    last = len(network.layers) - 1
    for depth, layer in enumerate(network.layers[1:], start=1):
        deltas = [abs(values[f"delta{unit}{suffix}"]) for unit in layer for suffix in suffixes]
        role = "output" if depth == last else "hidden"
        means.append((f"{depth + 1} ({role}, units {layer[0]}-{layer[-1]})" if len(layer) > 1
                      else f"{depth + 1} ({role}, unit {layer[0]})", sum(deltas) / len(deltas)))
    return means


class Graph:
    """The quantities of one step, in solving order (every input comes before its reader)."""

    def __init__(self, quantities: Iterable[Quantity]):
        self.quantities: tuple[Quantity, ...] = tuple(quantities)
        self.by_name: dict[str, Quantity] = {}
        by_name = self.by_name
        for quantity in self.quantities:  # solving order: every input is defined before it is read
            for name in quantity.inputs:  # a plain loop: a generator per quantity cost a tenth of building
                if name not in by_name:
                    raise ValueError(f"{quantity.name} reads {name}, not yet defined")
            if quantity.name in by_name:
                raise ValueError(f"{quantity.name} is defined twice")
            by_name[quantity.name] = quantity

    def __iter__(self):
        return iter(self.quantities)

    def __getitem__(self, name: str) -> Quantity:
        return self.by_name[name]

    def names(self, *, computed_only: bool = False) -> list[str]:
        return [q.name for q in self.quantities if not (computed_only and q.form is None)]

    def evaluate(self, givens: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every value, in order, with ``givens`` (by name) in place of the graph's own given numbers; a
        value that is not finite means the numbers overflowed double precision."""
        values: dict[str, float] = {}
        givens = givens or {}
        for quantity in self.quantities:
            try:
                if quantity.form is None:
                    value = givens[quantity.name] if quantity.name in givens else float(quantity.given or 0.0)
                else:  # walked once, not compiled: compiling costs more than one evaluation saves
                    value = walk(quantity.form, values)
            except (OverflowError, ValueError):  # math.fsum overflows, or meets inf - inf
                value = math.inf
            if not math.isfinite(value):
                raise ExerciseError(
                    f"{quantity.name} comes out as {value}: the numbers are too large for double precision",
                    hint="use smaller weights, inputs or learning rate")
            values[quantity.name] = value
        return values

