"""The node kinds of a formula's tree (formulas.py makes everything else from them). Pure data."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Union


class Ref(NamedTuple):
    name: str
    role: str = ""


class Num(NamedTuple):
    value: float
    role: str = ""  # "sign" (±1, written as a sign), "half" (½), "one" (the 1 of 1 - y), "mean"


class Prod(NamedTuple):
    factors: tuple
    role: str = ""
    slip: Any = None  # a factor a student may wrongly multiply in (the next unit's slope again); edits only


class Sum(NamedTuple):
    terms: tuple
    role: str = ""


class Sub(NamedTuple):  # left - right: t - y; exact: a difference that cancels on paper is 0 (numbers.exact_sum)
    left: Any
    right: Any
    role: str = ""
    exact: bool = True


class Square(NamedTuple):
    arg: Any
    role: str = ""


class Act(NamedTuple):  # y = f(a)
    activation: str
    arg: Ref
    role: str = ""


class Slope(NamedTuple):  # f'(a), from the value the activation computes it from (y, or a for relu)
    activation: str
    arg: Ref
    role: str = "slope"


class Log(NamedTuple):
    arg: Any
    base: float = math.e
    role: str = ""


class Div(NamedTuple):
    numerator: Any
    denominator: Any
    role: str = ""


class Sqrt(NamedTuple):
    arg: Any
    role: str = ""


class Power(NamedTuple):  # base^exponent, the exponent a count (Adam's step)
    base: Any
    exponent: Ref
    role: str = ""


class Abs(NamedTuple):
    arg: Any
    role: str = ""


class Shown(NamedTuple):  # written with names, but with the numbers substituted shown as its value: (1 - y)
    arg: Any
    role: str = ""


class Step(NamedTuple):  # relu'(a): 1 above 0, else 0
    arg: Ref
    role: str = ""


class Softmax(NamedTuple):  # exp(a_k) / Σ exp(a_j), computed with the largest logit taken out
    position: int  # k: which of the logits is this output's
    logits: tuple
    role: str = ""


class CrossEntropy(NamedTuple):  # -Σ t·ln y, computed from the logits where y rounds to 0
    targets: tuple
    outputs: tuple
    logits: tuple
    role: str = ""


class Mean(NamedTuple):  # (Σ terms) / their number: a dataset's mean over its examples
    terms: tuple
    role: str = ""


Node = Union[Ref, Num, Prod, Sum, Sub, Square, Act, Slope, Log, Div, Sqrt, Power, Abs, Shown, Step, Softmax,
             CrossEntropy, Mean]


