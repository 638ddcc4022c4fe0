"""Activation functions: one entry each, holding everything bpcheck knows of it.

The solver reads the function and its slope, the renderers its symbol and how the slope is written, the
grader the outputs it can produce, and the named mistakes whether its slope can be forgotten or taken at
the pre-activation. Adding an activation is adding an entry here (see CONTRIBUTING.md). Pure: no I/O.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

from .nodes import Abs, Node, Num, Prod, Ref, Shown, Square, Step, Sub


class Activation(NamedTuple):
    """One activation function.

    The slope f'(a) is a formula's tree (nodes.py) of one value of the unit: its output ``y`` (as the
    tutorial writes it, §3: y(1 - y) for sigmoid) or its pre-activation ``a`` (relu), passed in as a
    Ref. From it come the slope's value (formulas.slope_function), its text (formulas.written_slope:
    y3(1 - y3), with the numbers (0.6803)(0.3197)), its LaTeX and the mistakes that edit it (formulas.py).
    """

    name: str
    function: Callable[[float], float] | None  # None for softmax, which needs the whole layer
    symbol: str  # y3 = σ(a3); "" for linear, whose output is its pre-activation
    output_range: tuple[float, float]  # ends included: a saturated output rounds to them
    slope_tree: Callable[[Ref], Node] | None = None  # None: a slope of 1 (linear), or none to write (softmax)
    slope_of: str = "y"  # the value the slope is computed from: "y" or "a"
    hidden: bool = True  # may a hidden layer use it?
    saturates: bool = False  # flat for large |a|: variants and `bpcheck check` keep |a| small
    can_die: bool = False  # 0 with slope 0 for a < 0 (a dead unit): variants keep units alive
    kinked: bool = False  # its slope (relu) or curvature (softsign) jumps at a = 0: gradcheck says so there

    @property
    def slope_from_output(self) -> bool:
        """Written from the output, so that it can be forgotten or taken at a instead (named mistakes)."""
        return self.slope_tree is not None and self.slope_of == "y"


def sigmoid(a: float) -> float:
    # Two branches so that exp never overflows (a = -1000 would overflow exp(-a)).
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def relu(a: float) -> float:
    return a if a > 0 else 0.0


def relu_slope(a: float) -> float:
    # The derivative at exactly 0 is taken as 0, as PyTorch and most courses do.
    return 1.0 if a > 0 else 0.0


def softsign(a: float) -> float:
    return a / (1.0 + abs(a))


ACTIVATIONS: dict[str, Activation] = {entry.name: entry for entry in (
    # y(1 - y): written with the numbers as (0.6803)(0.3197), the second factor shown as its value.
    Activation("sigmoid", sigmoid, "σ", (0.0, 1.0),
               slope_tree=lambda y: Prod((y, Shown(Sub(Num(1.0, "one"), y, exact=False)))), saturates=True),
    Activation("tanh", math.tanh, "tanh", (-1.0, 1.0),
               slope_tree=lambda y: Sub(Num(1.0, "one"), Square(y), exact=False), saturates=True),
    Activation("relu", relu, "relu", (0.0, math.inf), slope_tree=Step, slope_of="a", can_die=True, kinked=True),
    Activation("linear", lambda a: a, "", (-math.inf, math.inf)),
    # f'(a) = 1/(1 + |a|)², which from the output y = a/(1 + |a|) is (1 - |y|)².
    Activation("softsign", softsign, "softsign", (-1.0, 1.0),
               slope_tree=lambda y: Square(Sub(Num(1.0, "one"), Abs(y), exact=False)), saturates=True, kinked=True),
    Activation("softmax", None, "softmax", (0.0, 1.0), hidden=False),
)}
