"""Each quantity's formula as a small tree, so that its plausible wrong versions can be made from it.

The solver attaches a tree (``Quantity.form``) to every computed quantity: products of factors, sums of
terms, an activation applied, a slope, a logarithm, each part labelled with its ``role`` (slope, eta,
weight, bias ...). ``evaluate`` computes it as the solver does (a test holds the two equal on every
exercise); ``variants`` makes the wrong versions a tutor recognises by editing the tree: a factor left
out or repeated, a term left out, another activation's function or slope, a pre-activation where an
output belongs, the wrong logarithm, an extra slope where it cancels. Each gets a mistake id
(misconceptions.MISCONCEPTIONS). Pure: no I/O.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, Union

from .activations import ACTIVATIONS
from .numbers import exact_sum

MAX_VARIANTS = 48  # wrong versions tried per quantity, at most: grading stays proportional to solving
MAX_TERMS = 8  # a sum's terms are edited one by one only up to this many (a hand calculation's sums are short)


class Ref(NamedTuple):
    name: str
    role: str = ""


class Num(NamedTuple):
    value: float
    role: str = ""


class Prod(NamedTuple):
    factors: tuple
    role: str = ""


class Sum(NamedTuple):
    terms: tuple
    role: str = ""


class Sub(NamedTuple):  # left - right: t - y
    left: Ref
    right: Ref
    role: str = ""


class Square(NamedTuple):
    arg: Any  # a Sub
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
    arg: Ref
    base: float = math.e
    role: str = ""


Node = Union[Ref, Num, Prod, Sum, Sub, Square, Act, Slope, Log]


def evaluate(node: Node, values: Mapping[str, float]) -> float:
    if isinstance(node, Ref):
        return values[node.name]
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Prod):
        return math.prod(evaluate(factor, values) for factor in node.factors)
    if isinstance(node, Sum):
        return exact_sum(evaluate(term, values) for term in node.terms)
    if isinstance(node, Sub):
        return exact_sum((evaluate(node.left, values), -evaluate(node.right, values)))
    if isinstance(node, Square):
        return evaluate(node.arg, values) ** 2
    if isinstance(node, Act):
        function = ACTIVATIONS[node.activation].function
        assert function is not None
        return function(evaluate(node.arg, values))
    if isinstance(node, Slope):
        slope = ACTIVATIONS[node.activation].slope
        return 1.0 if slope is None else slope(evaluate(node.arg, values))
    if isinstance(node, Log):
        return math.log(evaluate(node.arg, values), node.base)
    raise TypeError(node)


def renamed(node: Any, rename) -> Any:
    """The same tree with every name ``rename``d (y3 -> y3[2] for an example of a dataset)."""
    if isinstance(node, Ref):
        return node._replace(name=rename(node.name))
    if isinstance(node, Num):
        return node
    if isinstance(node, Prod):
        return node._replace(factors=tuple(renamed(part, rename) for part in node.factors))
    if isinstance(node, Sum):
        return node._replace(terms=tuple(renamed(part, rename) for part in node.terms))
    if isinstance(node, Sub):
        return node._replace(left=renamed(node.left, rename), right=renamed(node.right, rename))
    return node._replace(arg=renamed(node.arg, rename))


# ---------------------------------------------------------------- wrong versions


# A factor left out, by its role: the id of the mistake.
DROPPED_FACTOR = {"slope": "missing-activation-derivative", "eta": "missing-learning-rate", "half": "missing-half",
                  "sign": "sign-flip", "output": "missing-source-output", "delta": "missing-delta",
                  "weight": "missing-weight", "error": "missing-output-error", "mean": "missing-average"}
# A term left out of a sum, by its role.
DROPPED_TERM = {"bias": "missing-bias", "input": "missing-input-term", "downstream": "missing-downstream-term",
                "output-term": "missing-output-term", "change": "not-updated", "before": "missing-old-value",
                "example-term": "missing-example-term"}
HAND_WORKED = ("sigmoid", "tanh", "relu", "linear")  # activations a student may confuse with another


class Variant(NamedTuple):
    mistake: str
    form: Node
    detail: str  # what was changed, for the sentence: "y3 instead of a3", "tanh"


@functools.lru_cache(maxsize=8192)  # a class's files ask for the same few quantities' versions
def variants(form: Node) -> tuple[Variant, ...]:
    """The wrong versions of ``form``, at most MAX_VARIANTS, most common slips first. They name values
    of the same graph (a3 for y3); one that names a value a graph lacks fails to evaluate, and is skipped."""
    return tuple(itertools.islice(_edits(form), MAX_VARIANTS))


def _edits(node: Node) -> Iterator[Variant]:
    """Every edit of ``node`` and of its parts, each as the whole tree rebuilt around it."""
    if isinstance(node, Prod):
        yield from _product_edits(node)
    if isinstance(node, Sum):
        yield from _sum_edits(node)
    if isinstance(node, Sub):  # t - a where t - y belongs (or a - t)
        for side in ("left", "right"):
            ref = getattr(node, side)
            if ref.name.startswith("y"):
                swapped = ref._replace(name=_preactivation(ref.name))
                yield Variant("preactivation-used", node._replace(**{side: swapped}), f"{swapped.name} for {ref.name}")
    if isinstance(node, Act):
        for other in HAND_WORKED:
            if other != node.activation:
                yield Variant("wrong-activation", node._replace(activation=other), other)
    if isinstance(node, Slope):
        for other in HAND_WORKED:
            entry = ACTIVATIONS[other]
            if other == node.activation or entry.slope is None:
                continue
            arg = node.arg._replace(name=_value_of(node.arg.name, entry.slope_of))
            yield Variant("wrong-activation-slope", node._replace(activation=other, arg=arg), other)
    if isinstance(node, Log):
        for base in (10.0, 2.0):
            yield Variant("wrong-log-base", node._replace(base=base), f"log{base:g}")
    children = _children(node)
    if isinstance(node, Sum) and len(children) > MAX_TERMS:
        return  # each of 50 terms left out or edited in turn: 50 sums of 50 terms, for one wrong answer
    for index, child in enumerate(children):
        for variant in _edits(child):
            yield variant._replace(form=_with_child(node, index, variant.form))


def _product_edits(node: Prod) -> Iterator[Variant]:
    factors = node.factors
    for index, factor in enumerate(factors):
        mistake = DROPPED_FACTOR.get(factor.role)
        if mistake is not None and len(factors) > 1 and factor != Num(1.0, "sign"):  # a factor of 1 changes nothing
            yield Variant(mistake, node._replace(factors=factors[:index] + factors[index + 1:]), _term_name(factor))
    for index, factor in enumerate(factors):
        if factor.role == "slope":
            yield Variant("derivative-applied-twice", node._replace(factors=factors[:index + 1] + factors[index:]),
                          "slope")
    if node.role == "output-delta-cancelled":  # softmax with cross-entropy: y(1 - y) cancels; not written
        y = next(f.right.name for f in factors if isinstance(f, Sub))
        yield Variant("extra-activation-derivative", node._replace(factors=(Slope("sigmoid", Ref(y)),) + factors),
                      y)


def _sum_edits(node: Sum) -> Iterator[Variant]:
    terms = node.terms
    if 1 < len(terms) <= MAX_TERMS:
        for index, term in enumerate(terms):
            mistake = DROPPED_TERM.get(term.role)
            if mistake is not None:
                yield Variant(mistake, node._replace(terms=terms[:index] + terms[index + 1:]), _term_name(term))
    outputs = [_output_ref(term) for term in terms]
    swapped = tuple(_swap_output(term) for term in terms)
    if any(ref is not None for ref in outputs) and swapped != terms:
        names = ", ".join(f"{_preactivation(ref.name)} for {ref.name}" for ref in outputs if ref is not None)
        yield Variant("preactivation-used", node._replace(terms=swapped), names)
    yield from _every_term_edits(node)


def _every_term_edits(node: Sum) -> Iterator[Variant]:
    """The same slip in every term at once: log10 for ln throughout, a for y in every output's error."""
    terms = node.terms
    if len(terms) < 2:
        return
    if all(isinstance(term, Prod) and isinstance(term.factors[-1], Log) for term in terms):
        for base in (10.0, 2.0):
            yield Variant("wrong-log-base", node._replace(terms=tuple(
                term._replace(factors=term.factors[:-1] + (term.factors[-1]._replace(base=base),)) for term in terms)),
                f"log{base:g}")
    if all(isinstance(term, Square) and isinstance(term.arg, Sub) for term in terms):
        swapped = tuple(term._replace(arg=term.arg._replace(right=term.arg.right._replace(
            name=_preactivation(term.arg.right.name)))) for term in terms)
        yield Variant("preactivation-used", node._replace(terms=swapped), "a for y in every output")


def _children(node: Node) -> tuple:
    if isinstance(node, Prod):
        return node.factors
    if isinstance(node, Sum):
        return node.terms
    if isinstance(node, Square):
        return (node.arg,)
    return ()


def _with_child(node: Node, index: int, child: Node) -> Node:
    if isinstance(node, Prod):
        return node._replace(factors=node.factors[:index] + (child,) + node.factors[index + 1:])
    if isinstance(node, Sum):
        return node._replace(terms=node.terms[:index] + (child,) + node.terms[index + 1:])
    if isinstance(node, Square):
        return node._replace(arg=child)
    raise TypeError(node)


def _preactivation(output: str) -> str:
    """a3 for y3, a3_after for y3_after."""
    return "a" + output[1:]


def _value_of(name: str, letter: str) -> str:
    return letter + name[1:]


def _output_ref(term: Node) -> Ref | None:
    if isinstance(term, Prod):
        return next((f for f in term.factors if isinstance(f, Ref) and f.role == "output"), None)
    return None


def _swap_output(term: Node) -> Node:
    """W35·y3 written W35·a3: the pre-activation where the output belongs."""
    ref = _output_ref(term)
    if ref is None or not ref.name.startswith("y"):
        return term
    assert isinstance(term, Prod)
    return term._replace(factors=tuple(ref._replace(name=_preactivation(ref.name)) if f is ref else f
                                       for f in term.factors))


def _term_name(term: Node) -> str:
    if isinstance(term, Ref):
        return term.name
    if isinstance(term, Prod):
        return "·".join(_term_name(factor) for factor in term.factors)
    if isinstance(term, Square) and isinstance(term.arg, Sub):
        return f"({term.arg.left.name} - {term.arg.right.name})²"
    if isinstance(term, Log):
        return f"ln {term.arg.name}"
    if isinstance(term, Slope):
        return "the slope"
    if isinstance(term, Sub):
        return f"({term.left.name} - {term.right.name})"
    return term.role
