"""Each quantity's formula, written once, as a small tree; everything else is made from it.

A tree is built of the node kinds below (a name, a number, a product, a sum, a difference, a square, an
activation, a slope, a logarithm, a quotient, a square root, a power, softmax, cross-entropy, a mean),
each part labelled with its ``role`` (slope, eta, weight, bias ...). From one tree come:
- ``evaluate``: its value, walking the tree (for the wrong versions of it, which are evaluated once each);
- ``code``: Python source that computes the same value bit for bit, compiled once per shape of tree
  (``compiled``) for solving, training, the gradient check and the grader's re-evaluations;
- ``refs``: the names it reads, each once, in the order written;
- ``tokens``: the formula as written, with names (``W13·x1 + W23·x2``) or with the numbers substituted
  (``(0.1)(0.35) + (0.8)(0.9)``), as a list of typed tokens that the text and the LaTeX both join
  (report/latex.py sets each token; nothing re-parses text);
- ``variants``: the wrong versions a tutor recognises, made by editing the tree: a factor or term left
  out or repeated, another activation's function or slope, a pre-activation where an output belongs, the
  wrong logarithm, a slope where it cancels, an optimizer's part left out. Each has a mistake id
  (misconceptions.MISCONCEPTIONS).
Where numbers need a stable path (softmax's shift, cross-entropy from the logits) the node carries that
computation; its edits are made on the plain formula it stands for (``expanded``). Pure: no I/O.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .activations import ACTIVATIONS, relu_slope
from .losses import cross_entropy
from .nodes import (
    Abs,
    Act,
    CrossEntropy,
    Div,
    Log,
    Mean,
    Node,
    Num,
    Power,
    Prod,
    Ref,
    Shown,
    Slope,
    Softmax,
    Sqrt,
    Square,
    Step,
    Sub,
    Sum,
)
from .numbers import ROUNDING, Formatter, exact_pair, exact_sum

MAX_VARIANTS = 48  # wrong versions tried per quantity, at most: grading stays proportional to solving
MAX_TERMS = 8  # a sum's terms are edited one by one only up to this many (a hand calculation's sums are short)
GREEK = {"eta": "η", "beta": "β", "beta1": "β1", "beta2": "β2", "epsilon": "ε"}  # names written as symbols


def slope_tree(activation: str, arg: Ref) -> Node | None:
    """f'(a) as a tree, from the unit's output y (or its a for relu); None for a slope of 1 (linear)."""
    entry = ACTIVATIONS[activation]
    return None if entry.slope_tree is None else entry.slope_tree(arg)


def expanded(node: Node) -> Node:
    """The plain formula a node with a stable path stands for, and a slope's own tree."""
    if isinstance(node, Slope):
        return slope_tree(node.activation, node.arg) or Num(1.0)
    if isinstance(node, CrossEntropy):
        return Prod((Num(-1.0, "sign"), Sum(tuple(Prod((t, Log(y)), "output-term")
                                                  for t, y in zip(node.targets, node.outputs)))))
    if isinstance(node, Mean):
        return Prod((Sum(tuple(node.terms)), Num(1.0 / len(node.terms), "mean")))
    return node


# ---------------------------------------------------------------- what a tree reads, and its parts


def children(node: Node) -> tuple:
    """The parts of a node that an edit may change, in the order written."""
    if isinstance(node, Prod):
        return node.factors
    if isinstance(node, (Sum, Mean)):
        return node.terms
    if isinstance(node, Sub):
        return (node.left, node.right)
    if isinstance(node, Div):
        return (node.numerator, node.denominator)
    if isinstance(node, Power):
        return (node.base, node.exponent)
    if isinstance(node, Softmax):
        return node.logits
    if isinstance(node, CrossEntropy):
        return node.targets + node.outputs + node.logits
    if isinstance(node, (Square, Act, Slope, Log, Sqrt, Abs, Shown, Step)):
        return (node.arg,)
    return ()


def with_child(node: Node, index: int, child: Node) -> Node:
    if isinstance(node, Prod):
        return node._replace(factors=_put(node.factors, index, child))
    if isinstance(node, Sum):
        return node._replace(terms=_put(node.terms, index, child))
    if isinstance(node, Sub):
        return node._replace(left=child) if index == 0 else node._replace(right=child)
    if isinstance(node, Div):
        return node._replace(numerator=child) if index == 0 else node._replace(denominator=child)
    if isinstance(node, (Square, Log, Sqrt, Abs, Shown)):
        return node._replace(arg=child)
    raise TypeError(node)


def _put(parts: tuple, index: int, part: Node) -> tuple:
    return parts[:index] + (part,) + parts[index + 1:]


def refs(node: Node) -> tuple[str, ...]:
    """The names a tree reads, each once, in the order they are written."""
    found: dict[str, None] = {}
    _collect(node, found)
    return tuple(found)


def _collect(node: Node, found: dict[str, None]) -> None:
    # The solver builds tens of thousands of trees for a large network: the common kinds come first.
    kind = type(node)
    if kind is Ref:
        found[node.name] = None  # type: ignore[union-attr]
    elif kind is Prod:
        for factor in node.factors:  # type: ignore[union-attr]
            if type(factor) is Ref:
                found[factor.name] = None
            else:
                _collect(factor, found)
    elif kind is Sum:
        for term in node.terms:  # type: ignore[union-attr]
            _collect(term, found)
    elif kind is Slope:
        _collect(node.arg, found)  # type: ignore[union-attr]
    else:
        for part in children(node):
            _collect(part, found)


def renamed(node: Any, rename: Callable[[str], str]) -> Any:
    """The same tree with every name ``rename``d (y3 -> y3[2] for an example of a dataset)."""
    if isinstance(node, Ref):
        return node._replace(name=rename(node.name))
    if isinstance(node, tuple) and not hasattr(node, "_fields"):
        return tuple(renamed(part, rename) for part in node)
    if not hasattr(node, "_fields"):
        return node
    return node._replace(**{field: renamed(getattr(node, field), rename) for field in node._fields
                            if field not in ("role", "activation", "base", "exact", "position", "value")})


# ---------------------------------------------------------------- evaluation, walked


def evaluate(node: Node, values: Mapping[str, float]) -> float:
    """The tree's value on ``values``, computed as ``code`` computes it, operation for operation."""
    if isinstance(node, Ref):
        return values[node.name]
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Prod):
        factors = iter(node.factors)
        value = evaluate(next(factors), values)
        for factor in factors:
            value = value * evaluate(factor, values)
        return value
    if isinstance(node, Sum):
        return exact_sum([evaluate(term, values) for term in node.terms])
    if isinstance(node, Sub):
        left, right = evaluate(node.left, values), evaluate(node.right, values)
        return exact_sum((left, -right)) if node.exact else left - right
    if isinstance(node, Square):
        value = evaluate(node.arg, values)
        return value * value
    if isinstance(node, Act):
        function = ACTIVATIONS[node.activation].function
        assert function is not None
        return function(evaluate(node.arg, values))
    if isinstance(node, Log):
        return math.log(evaluate(node.arg, values), node.base)
    if isinstance(node, Div):
        return evaluate(node.numerator, values) / evaluate(node.denominator, values)
    if isinstance(node, Sqrt):
        return math.sqrt(evaluate(node.arg, values))
    if isinstance(node, Power):
        return evaluate(node.base, values) ** evaluate(node.exponent, values)
    if isinstance(node, Abs):
        return abs(evaluate(node.arg, values))
    if isinstance(node, Shown):
        return evaluate(node.arg, values)
    if isinstance(node, Step):
        return relu_slope(evaluate(node.arg, values))
    if isinstance(node, Softmax):
        return softmax([evaluate(logit, values) for logit in node.logits])[node.position]
    if isinstance(node, CrossEntropy):
        return cross_entropy(*([evaluate(part, values) for part in parts]
                               for parts in (node.targets, node.outputs, node.logits)))
    if isinstance(node, Mean):
        return exact_sum([evaluate(term, values) for term in node.terms]) * (1.0 / len(node.terms))
    if isinstance(node, Slope):
        return evaluate(expanded(node), values)
    raise TypeError(node)


def softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(a - top) for a in logits]
    total = math.fsum(exps)
    return [e / total for e in exps]


# ---------------------------------------------------------------- evaluation, compiled


def code(node: Node, name: Callable[[str], str], temps: Iterator[int] | None = None, inline: bool = True) -> str:
    """Python source computing the tree, names read through ``name`` (``_3``, or ``v[3]``). A sum of two
    terms is written out in place (``inline``, its temporaries numbered by ``temps``) or called."""
    temps = itertools.count() if temps is None else temps

    def part(child: Node) -> str:
        return code(child, name, temps, inline)

    def pair(left: str, right: str) -> str:
        return _exact_pair(left, right, temps) if inline else f"exact_pair({left}, {right})"

    if isinstance(node, Ref):
        return name(node.name)
    if isinstance(node, Num):
        return repr(float(node.value))
    if isinstance(node, Prod):
        return "(" + " * ".join(part(factor) for factor in node.factors) + ")"
    if isinstance(node, Sum):
        if len(node.terms) == 2:
            return pair(part(node.terms[0]), part(node.terms[1]))
        return "exact_sum((" + "".join(part(term) + ", " for term in node.terms) + "))"
    if isinstance(node, Sub):
        left, right = part(node.left), part(node.right)
        return pair(left, f"-{right}") if node.exact else f"({left} - {right})"
    if isinstance(node, Square):
        return f"square({part(node.arg)})"
    if isinstance(node, Act):
        return f"{node.activation}({part(node.arg)})"
    if isinstance(node, Log):
        base = "" if node.base == math.e else f", {node.base!r}"
        return f"log({part(node.arg)}{base})"
    if isinstance(node, Div):
        return f"({part(node.numerator)} / {part(node.denominator)})"
    if isinstance(node, Sqrt):
        return f"sqrt({part(node.arg)})"
    if isinstance(node, Power):
        return f"({part(node.base)} ** {part(node.exponent)})"
    if isinstance(node, Abs):
        return f"abs({part(node.arg)})"
    if isinstance(node, Shown):
        return part(node.arg)
    if isinstance(node, Step):
        return f"relu_slope({part(node.arg)})"
    if isinstance(node, Softmax):
        return f"softmax(({''.join(part(logit) + ', ' for logit in node.logits)}))[{node.position}]"
    if isinstance(node, CrossEntropy):
        parts = (node.targets, node.outputs, node.logits)
        return "cross_entropy(" + ", ".join("(" + "".join(part(p) + ", " for p in group) + ")"
                                            for group in parts) + ")"
    if isinstance(node, Mean):
        terms = "".join(part(term) + ", " for term in node.terms)
        return f"(exact_sum(({terms})) * {1.0 / len(node.terms)!r})"
    if isinstance(node, Slope):
        return part(expanded(node))
    raise TypeError(node)


def _exact_pair(left: str, right: str, temps: Iterator[int]) -> str:
    """numbers.exact_sum of two terms written out in place (no call: a new weight is W + ΔW, ten
    thousand times a step). The same number to the last bit: math.fsum of two floats is their sum
    correctly rounded, which is what + gives, and so is the sum of their magnitudes."""
    s, p, q = (f"_t{next(temps)}" for _ in range(3))
    return (f"(0.0 if ({s} := ({p} := {left}) + ({q} := {right})) and abs({s}) <= {ROUNDING!r} * "
            f"(abs({p}) + abs({q})) and {s} - {s} == 0.0 else {s})")


def square(value: float) -> float:
    return value * value


NAMESPACE: dict[str, Any] = {
    "exact_sum": exact_sum, "exact_pair": exact_pair, "square": square, "log": math.log, "sqrt": math.sqrt,
    "softmax": softmax, "cross_entropy": cross_entropy, "relu_slope": relu_slope,
    **{name: entry.function for name, entry in ACTIVATIONS.items() if entry.function is not None},
}


@functools.lru_cache(maxsize=4096)
def _function(source: str, count: int) -> Callable[..., float]:
    """The function of one shape of tree: its arguments the names it reads, in order."""
    arguments = ", ".join(f"_{index}" for index in range(count))
    return eval(f"lambda {arguments}: {source}", dict(NAMESPACE))  # noqa: S307 - source made here, from a tree


def compiled(node: Node, names: tuple[str, ...] | None = None) -> Callable[..., float]:
    """A function computing the tree from its ``names`` (default: ``refs``) given positionally. Trees of
    one shape (the same formula over other names: every ΔW of a network) share one compiled function."""
    names = refs(node) if names is None else names
    slot = {name: f"_{index}" for index, name in enumerate(names)}
    return _function(code(node, slot.__getitem__), len(names))


@functools.cache
def slope_function(activation: str) -> Callable[[float], float] | None:
    """f'(a) of the activation as a function of the value it is computed from (its ``slope_of``); None
    for a slope of 1 (linear) or none to write (softmax)."""
    tree = ACTIVATIONS[activation].slope_tree
    return None if tree is None else compiled(tree(Ref("v")), ("v",))


def written_slope(activation: str, value_name: str) -> str:
    """The activation's slope written with a name: y3(1 - y3)."""
    tree = ACTIVATIONS[activation].slope_tree
    assert tree is not None
    return written(tree(Ref(value_name)))


def step_function(steps: Sequence[tuple[str, Node]], slot: Mapping[str, int],
                  kept: Iterable[str] | None = None) -> Callable[[list[float]], list[float]]:
    """One Python function computing a whole step: each (name, tree) in order, from the values in
    ``v[slot[name]]`` of the names it reads. Generated as straight-line source from the trees and compiled
    once, so that training and the gradient check run a step about as fast as Python runs the
    arithmetic; each line computes what ``evaluate`` computes, operation for operation. Values are held
    in local variables; those ``kept`` (default: all) are stored back into ``v`` as soon as computed, so
    that what a step computed before an overflow stopped it can still be read."""
    computed = {name for name, _ in steps}
    kept = computed if kept is None else set(kept)
    read = sorted({ref for _, tree in steps for ref in refs(tree)} - computed, key=slot.__getitem__)
    inline = len(steps) <= INLINE_PAIRS_UP_TO

    def local(name: str) -> str:
        return f"_{slot[name]}"

    lines = ["def step(v):", *(f"    {local(name)} = v[{slot[name]}]" for name in read)]
    for name, tree in steps:
        lines.append(f"    {local(name)} = {code(tree, local, inline=inline)}")
        if name in kept:
            lines.append(f"    v[{slot[name]}] = {local(name)}")
    namespace = dict(NAMESPACE)
    exec(compile("\n".join([*lines, "    return v"]), "<bpcheck step>", "exec"), namespace)  # noqa: S102
    return namespace["step"]


INLINE_PAIRS_UP_TO = 2000  # quantities a step: beyond, a sum of two is a call (written out, it costs more to compile)


# ---------------------------------------------------------------- the formula as written


# A piece of a formula as written: (kind, text), kind being name (a quantity: y3, W13_new, η), number (as
# the formatter wrote it), function (σ, tanh, ln, exp, relu', √) or symbol (operators, brackets, ², ½).
Token = tuple[str, str]


def written(node: Node, values: Mapping[str, float] | None = None, fmt: Formatter | None = None) -> str:
    """The formula as text: with names (``values`` None), or with the numbers substituted."""
    return "".join([text for _, text in tokens(node, values, fmt)])


def tokens(node: Node, values: Mapping[str, float] | None = None, fmt: Formatter | None = None) -> list[Token]:
    """The formula as tokens: with names, or with ``values`` substituted and written by ``fmt``."""
    out: list[Token] = []
    _Writer(values, fmt, out).top(node)
    return out


class _Writer:
    """One walk with one set of rules for both ways of writing. A substituted number is written in
    parentheses, (0.35), except as a function's argument (σ(0.755)) or an operand of a difference
    (0.5 - 0.6903). In a product, names are joined by ·, but not after a sign or ½ nor before a
    difference (y3(1 - y3)); numbers are juxtaposed. A sum inside a product, or a quotient's operand,
    is grouped: in brackets when it holds parentheses itself, else in parentheses."""

    def __init__(self, values, fmt, out: list[Token]):
        self.values, self.fmt, self.out = values, fmt, out

    def emit(self, kind: str, text: str) -> None:
        self.out.append((kind, text))

    def symbol(self, text: str) -> None:
        self.emit("symbol", text)

    def top(self, node: Node) -> None:
        if isinstance(node, Sub):
            self.difference(node, grouped=False)
        elif isinstance(node, Prod) and len(node.factors) == 1:
            self.node(node.factors[0])  # (t5 - y5): a delta's error alone keeps its parentheses
        else:
            self.node(node)

    def number(self, value: float, bare: bool) -> None:
        assert self.fmt is not None
        if bare:
            self.emit("number", self.fmt(value))
        else:
            self.symbol("(")
            self.emit("number", self.fmt(value))
            self.symbol(")")

    def ref(self, ref: Ref, bare: bool = False) -> None:
        if self.values is None:
            self.emit("name", GREEK.get(ref.name, ref.name))
        else:
            self.number(self.values[ref.name], bare)

    def value_of(self, node: Node) -> float:
        assert self.values is not None
        return evaluate(node, self.values)

    def node(self, node: Node, bare: bool = False) -> None:
        if isinstance(node, Ref):
            self.ref(node, bare)
        elif isinstance(node, Num):
            self.emit("number", f"{node.value:g}")
        elif isinstance(node, Prod):
            self.product(node)
        elif isinstance(node, Sum):
            self.sum(node.terms)
        elif isinstance(node, Sub):
            self.difference(node, grouped=True)
        elif isinstance(node, Square):
            self.squared(node.arg)
        elif isinstance(node, Act):
            self.call(ACTIVATIONS[node.activation].symbol, node.arg)
        elif isinstance(node, Slope):
            self.node(expanded(node))
        elif isinstance(node, Shown):
            if self.values is None:
                self.node(node.arg)
            else:
                self.number(self.value_of(node.arg), bare=False)
        elif isinstance(node, Step):
            if self.values is None:
                self.call("relu'", node.arg)
            else:
                self.number(self.value_of(node), bare=False)
        elif isinstance(node, Abs):
            self.symbol("|")
            self.node(node.arg, bare=True)
            self.symbol("|")
        elif isinstance(node, Log):
            self.emit("function", "ln" if node.base == math.e else f"log{node.base:g}")
            self.symbol(" ")
            self.node(node.arg)
        elif isinstance(node, Div):
            self.operand(node.numerator)
            self.symbol(" / ")
            self.operand(node.denominator)
        elif isinstance(node, Sqrt):
            self.emit("function", "√")
            self.node(node.arg)
        elif isinstance(node, Power):
            self.node(node.base)
            self.symbol("^")
            if self.values is None:
                self.node(node.exponent)
            else:
                self.emit("number", f"{self.values[node.exponent.name]:g}")
        elif isinstance(node, Softmax):
            self.call("exp", node.logits[node.position])
            self.symbol(" / (")
            for index, logit in enumerate(node.logits):
                if index:
                    self.symbol(" + ")
                self.call("exp", logit)
            self.symbol(")")
        elif isinstance(node, CrossEntropy):
            self.symbol("-(")
            for index, (target, output) in enumerate(zip(node.targets, node.outputs)):
                if index:
                    self.symbol(" + ")
                self.node(target)
                self.symbol("·")
                self.node(Log(output))
            self.symbol(")")
        elif isinstance(node, Mean):
            self.symbol("(")
            self.sum(node.terms)
            self.symbol(") / ")
            self.emit("number", str(len(node.terms)))
        else:
            raise TypeError(node)

    def call(self, function: str, arg: Node) -> None:
        """σ(a3), σ(0.755); a function with no symbol (linear) is its argument itself."""
        if not function:
            self.node(arg, bare=True)
            return
        self.emit("function", function)
        self.symbol("(")
        self.node(arg, bare=True)
        self.symbol(")")

    def sum(self, terms: Sequence[Node]) -> None:
        for index, term in enumerate(terms):
            if index:
                self.symbol(" + ")
            self.node(term)

    def grouped_sum(self, node: Sum, always_round: bool = False) -> None:
        """A sum as one factor or operand: its terms in parentheses, or in brackets when they hold some."""
        if len(node.terms) == 1:
            self.node(node.terms[0])
            return
        inner: list[Token] = []
        _Writer(self.values, self.fmt, inner).sum(node.terms)
        square = not always_round and any(kind == "symbol" and text in ("(", ")") for kind, text in inner)
        self.symbol("[" if square else "(")
        self.out += inner
        self.symbol("]" if square else ")")

    def operand(self, node: Node) -> None:
        if isinstance(node, Sum):
            self.grouped_sum(node, always_round=True)
        else:
            self.node(node)

    def difference(self, node: Sub, grouped: bool) -> None:
        if grouped:
            self.symbol("(")
        self.node(node.left, bare=True)
        self.symbol(" - ")
        self.node(node.right, bare=True)
        if grouped:
            self.symbol(")")

    def squared(self, arg: Node) -> None:
        self.node(arg)
        self.symbol("²")

    def product(self, node: Prod) -> None:
        refs_only = node.factors[_is_coefficient(node.factors[0]):]
        if all(type(f) is Ref for f in refs_only) and all(a != b for a, b in zip(refs_only, refs_only[1:])):
            self.names_multiplied(node.factors[0] if len(refs_only) < len(node.factors) else None, refs_only)
            return
        factors = list(_flattened(node))
        previous: Node | None = None
        index = 0
        while index < len(factors):
            factor = factors[index]
            repeated = index + 1 < len(factors) and isinstance(factor, Ref) and factors[index + 1] == factor
            if isinstance(factor, Num) and factor.role in ("sign", "half"):
                if factor.value != 1.0:
                    self.symbol({-1.0: "-", 0.5: "½"}[factor.value])
            else:
                if previous is not None and not _is_coefficient(previous):
                    if self.values is None and not _is_difference(factor):
                        self.symbol("·")
                    elif self.values is not None and isinstance(factor, Log):
                        self.symbol("·")
                if isinstance(factor, Sum):
                    self.grouped_sum(factor)
                elif repeated:
                    self.squared(factor)
                    index += 1
                else:
                    self.node(factor)
            previous = factor
            index += 1


    def names_multiplied(self, sign: Node | None, names: Sequence[Ref]) -> None:
        """The commonest product, a sign and names (η·delta3·x1): written at once, as ``product`` would."""
        if sign is not None and sign.value != 1.0:  # type: ignore[union-attr]
            self.out.append(("symbol", {-1.0: "-", 0.5: "½"}[sign.value]))  # type: ignore[union-attr]
        if self.values is None:
            for index, ref in enumerate(names):
                if index:
                    self.out.append(("symbol", "·"))
                self.out.append(("name", GREEK.get(ref.name, ref.name)))
        else:
            fmt, values = self.fmt, self.values
            for ref in names:
                self.out += [("symbol", "("), ("number", fmt(values[ref.name])), ("symbol", ")")]


def _flattened(node: Prod) -> Iterator[Node]:
    """A product's factors, with a one-term sum and a product inside it read as their own factors."""
    for factor in node.factors:
        while isinstance(factor, Sum) and len(factor.terms) == 1:
            factor = factor.terms[0]
        if isinstance(factor, Prod):
            yield from _flattened(factor)
        elif isinstance(factor, Slope) and isinstance(expanded(factor), Prod):
            yield from _flattened(expanded(factor))  # type: ignore[arg-type]
        else:
            yield factor


def _is_coefficient(node: Node) -> bool:
    return isinstance(node, Num) and node.role in ("sign", "half")


def _is_difference(node: Node) -> bool:
    """Written in parentheses of its own: (1 - y3), (t5 - y5)², (1 - |y5|)², relu'(a5) is not."""
    if isinstance(node, Slope):
        node = expanded(node)
    while isinstance(node, (Shown, Square)):
        node = node.arg
    return isinstance(node, Sub)


# ---------------------------------------------------------------- wrong versions


# A factor left out, by its role: the id of the mistake.
DROPPED_FACTOR = {"slope": "missing-activation-derivative", "eta": "missing-learning-rate", "half": "missing-half",
                  "sign": "sign-flip", "output": "missing-source-output", "delta": "missing-delta",
                  "weight": "missing-weight", "error": "missing-output-error", "mean": "missing-average",
                  "decay": "missing-decay-factor", "moment-weight": "missing-moment-weight",
                  "squared-gradient": "missing-square"}
# A term left out of a sum, by its role.
DROPPED_TERM = {"bias": "missing-bias", "input": "missing-input-term", "downstream": "missing-downstream-term",
                "output-term": "missing-output-term", "change": "not-updated", "before": "missing-old-value",
                "example-term": "missing-example-term", "history": "missing-momentum-term"}
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
    if isinstance(node, (CrossEntropy, Mean)):
        yield from _edits(expanded(node))
        return
    if isinstance(node, Prod):
        yield from _product_edits(node)
    if isinstance(node, Sum):
        yield from _sum_edits(node)
    if isinstance(node, Sub) and node.exact:  # t - a where t - y belongs (or a - t)
        for index, ref in enumerate((node.left, node.right)):
            if isinstance(ref, Ref) and ref.name.startswith("y"):
                swapped = ref._replace(name=_preactivation(ref.name))
                yield Variant("preactivation-used", with_child(node, index, swapped), f"{swapped.name} for {ref.name}")
    if isinstance(node, Act):
        for other in HAND_WORKED:
            if other != node.activation:
                yield Variant("wrong-activation", node._replace(activation=other), other)
    if isinstance(node, Softmax):  # each output on its own, as if it were a sigmoid unit
        yield Variant("wrong-activation", Act("sigmoid", node.logits[node.position]), "sigmoid")
        if len(node.logits) > 2:
            for index in range(len(node.logits)):
                if index != node.position:
                    kept = node.logits[:index] + node.logits[index + 1:]
                    shorter = node._replace(logits=kept, position=kept.index(node.logits[node.position]))
                    yield Variant("missing-input-term", shorter, f"exp({node.logits[index].name})")
    if isinstance(node, Slope):
        for other in HAND_WORKED:
            entry = ACTIVATIONS[other]
            if other == node.activation or entry.slope_tree is None:
                continue
            arg = node.arg._replace(name=_value_of(node.arg.name, entry.slope_of))
            yield Variant("wrong-activation-slope", node._replace(activation=other, arg=arg), other)
    if isinstance(node, Log):
        for base in (10.0, 2.0):
            yield Variant("wrong-log-base", node._replace(base=base), f"log{base:g}")
    if isinstance(node, Div) and node.denominator != Num(1.0) and node.role == "bias-corrected":
        yield Variant("missing-bias-correction", node.numerator, _term_name(node.denominator))
    if isinstance(node, Sqrt):
        yield Variant("missing-square-root", node.arg, _term_name(node.arg))
    parts = children(node)
    if isinstance(node, Sum) and len(parts) > MAX_TERMS:
        return  # each of 50 terms left out or edited in turn: 50 sums of 50 terms, for one wrong answer
    if isinstance(node, (Slope, Softmax, Power, Step)):
        return
    for index, part in enumerate(parts):
        for variant in _edits(part):
            yield variant._replace(form=with_child(node, index, variant.form))


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
    if node.slip is not None:  # the next unit's slope again, though its delta already holds it
        yield Variant("derivative-applied-twice", node._replace(factors=factors + (node.slip,), slip=None),
                      _term_name(node.slip))
    for index, factor in enumerate(factors):  # ΔW = η·δ·a: the source's pre-activation for its output
        if (isinstance(factor, Ref) and factor.role == "output" and factor.name.startswith("y")
                and node.role != "input"):  # a pre-activation's terms: swapped all at once (_sum_edits)
            swapped = factor._replace(name=_preactivation(factor.name))
            yield Variant("preactivation-used", node._replace(factors=_put(factors, index, swapped)),
                          f"{swapped.name} for {factor.name}")
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


def _preactivation(output: str) -> str:
    """a3 for y3, a3_after for y3_after, a3[2] for y3[2]."""
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
    """A part of a formula, named in a mistake's sentence."""
    if isinstance(term, Slope):
        return "the slope"
    if isinstance(term, Num):
        return term.role
    out: list[Token] = []
    _Writer(None, None, out).node(term)
    return "".join([text for _, text in out])
