"""The network of one exercise: units numbered across layers, weights, biases, loss, learning rate.

Pure data and the naming scheme; no I/O. Units are numbered across the network, inputs first
(tutorial §2), so with layers (2, 2, 1) the inputs are units 1 and 2, the hidden units 3 and 4 and the
output unit 5. Weight (i, j) runs from unit i to unit j.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

# target_minus_output: delta = -dE/da, dW = +eta*delta*o (tutorial §9, the default).
# output_minus_target: delta = +dE/da, dW = -eta*delta*o (tutorial §18, convention 2).
CONVENTIONS = ("target_minus_output", "output_minus_target")


@functools.lru_cache(maxsize=64)  # grading asks for the layers of one network thousands of times
def _numbered_layers(sizes: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    layers, first = [], 1
    for size in sizes:
        layers.append(tuple(range(first, first + size)))
        first += size
    return tuple(layers)


def weight_name(source: int, dest: int) -> str:
    """W13 runs from unit 1 to unit 3; once a unit number reaches 10 an underscore keeps it readable."""
    if source >= 10 or dest >= 10:
        return f"W{source}_{dest}"
    return f"W{source}{dest}"


def bias_name(unit: int) -> str:
    return f"b{unit}"


class Example(NamedTuple):
    """One training example of a dataset: its inputs and its targets."""

    inputs: dict[int, float]  # unit -> x
    targets: dict[int, float]  # output unit -> t


# What each optimizer reads besides η, with PyTorch's defaults (torch.optim.SGD momentum, torch.optim.Adam).
OPTIMIZER_SETTINGS: dict[str, dict[str, float]] = {
    "sgd": {},
    "momentum": {"beta": 0.9},
    "adam": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
OPTIMIZER_ALIASES = {"gd": "sgd", "plain": "sgd"}


def setting_problem(key: str, value: float) -> str | None:
    """What is wrong with an optimizer's setting (None: nothing): the βs lie in [0, 1), ε is positive."""
    if key == "epsilon":
        return None if 0 < value < math.inf else "epsilon must be a positive number"
    return None if 0 <= value < 1 else f"{key} must be from 0 up to, not including, 1"


# The state each optimizer carries from step to step, per parameter (v_W13: velocity, or second moment).
OPTIMIZER_STATE: dict[str, tuple[str, ...]] = {"sgd": (), "momentum": ("v",), "adam": ("m", "v")}


class Optimizer(NamedTuple):
    """How a gradient becomes a change: plain gradient descent, momentum or Adam (tutorial §19).

    ``state`` holds the state before this step by name (v_W13, m_W13), 0 where absent; ``step`` is the
    number of the step taken (Adam's t, from 1), which its bias correction reads."""

    name: str = "sgd"
    settings: dict[str, float] = {}
    state: dict[str, float] = {}
    step: int = 1


class Network(NamedTuple):
    """One training step's worth of givens. Layers are fully connected, each to the next."""

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]  # one per non-input layer
    inputs: dict[int, float]  # unit -> x
    weights: dict[tuple[int, int], float]  # (source, dest) -> W
    targets: dict[int, float]  # output unit -> t
    learning_rate: float
    biases: dict[int, float] = {}  # unit -> b; units without one have none (never mutated)
    loss: str = "squared_error"
    convention: str = "target_minus_output"
    frozen: frozenset[str] = frozenset()  # parameter names held fixed (not updated)
    # A dataset (``examples:``): every example's inputs and targets; inputs/targets then hold the first's.
    # Empty: one example, inputs/targets, and names without an example index.
    examples: tuple[Example, ...] = ()
    optimizer: Optimizer | None = None  # None: plain gradient descent, written as the tutorial does

    @property
    def dataset(self) -> tuple[Example, ...]:
        """The examples trained on: those of ``examples:``, or the one of inputs/targets."""
        return self.examples or (Example(self.inputs, self.targets),)

    @property
    def parameters(self) -> list[str]:
        """Every weight and bias by name, grouped by destination unit (the tutorial's table order)."""
        by_unit: dict[int, list[str]] = {}
        for source, dest in sorted(self.weights, key=lambda pair: (pair[1], pair[0])):
            by_unit.setdefault(dest, []).append(weight_name(source, dest))
        for unit in self.biases:
            by_unit.setdefault(unit, []).append(bias_name(unit))
        return [name for unit in sorted(by_unit) for name in by_unit[unit]]

    @property
    def layers(self) -> tuple[tuple[int, ...], ...]:
        """The unit numbers of each layer, inputs first."""
        return _numbered_layers(self.layer_sizes)

    @property
    def output_units(self) -> tuple[int, ...]:
        return self.layers[-1]

    def activation_of(self, unit: int) -> str:
        for depth, layer in enumerate(self.layers):
            if unit in layer:
                return "input" if depth == 0 else self.activations[depth - 1]
        raise KeyError(unit)

    def layer_of(self, unit: int) -> tuple[int, ...]:
        """The units of the layer ``unit`` is in."""
        return next(layer for layer in self.layers if unit in layer)

    def incoming(self, unit: int) -> tuple[int, ...]:
        """Units that feed this one (the previous layer)."""
        layers = self.layers
        for depth in range(1, len(layers)):
            if unit in layers[depth]:
                return layers[depth - 1]
        return ()

    def outgoing(self, unit: int) -> tuple[int, ...]:
        """Units this one feeds (the next layer)."""
        layers = self.layers
        for depth in range(len(layers) - 1):
            if unit in layers[depth]:
                return layers[depth + 1]
        return ()


class Exercise(NamedTuple):
    """A network plus what the student is told and asked, and how answers are marked."""

    name: str
    title: str
    network: Network
    instructions: str = ""
    asked: tuple[str, ...] | None = None  # None: every computed quantity
    rtol: float = 0.01  # 1% relative, PrairieLearn's default
    atol: float = 0.0  # no floor: a value 0 on paper is computed as exactly 0 (numbers.exact_sum)
    points: dict[str, float] = {}  # name -> points; 1 when not listed (never mutated)
    path: str | None = None
    feedback: str | None = None  # what a student sees of a grade (feedback.LEVELS); None: full
    variants: tuple | None = ()  # (name or group, variants.Rule) pairs; () the defaults; None forbids them
    variant: str | None = None  # the variant these numbers are, by name (variants.make_variant)
