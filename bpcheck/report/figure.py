"""What the network figure shows, read once from a solution's graph: units in layers, each unit's values
and the weights and biases into it, formatted; for a solved step, the deltas and the new weights too.
``figure`` reads it by each quantity's kind, unit and stage, never by the letters of its name; the
terminal (report/diagram.py) and the SVG (report/diagram_svg.py) lay the same Figure out. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..numbers import number_formatter
from ..safetext import escape_controls, shown
from .views import exercise_heading

if TYPE_CHECKING:
    from ..solution import Solution

# What a unit shows, in this order: kind -> (the stage it is computed in, the symbol the figure writes).
UNIT_VALUES = {"x": ("given", "x"), "a": ("forward", "a"), "y": ("forward", "y"),
               "delta": ("backward", "δ"), "t": ("given", "t")}
FIXED = "fixed"  # a frozen parameter's "new value": it has none


class Value(NamedTuple):
    symbol: str  # "a", "y", "δ" ...
    name: str  # as the figure writes it: "a3", "δ3"
    text: str  # the number, as number_formatter prints it


class Parameter(NamedTuple):
    """A weight (``source`` a unit) or a bias (``source`` None) into unit ``dest``."""

    name: str
    source: int | None
    dest: int
    text: str
    new_name: str = ""  # "W13_new"; "" when the step is not drawn or the parameter is frozen
    new_text: str = ""  # its value; FIXED for a frozen parameter in a drawn step


class Unit(NamedTuple):
    number: int
    label: str  # "x1" for an input, else the unit's number
    values: tuple[Value, ...]
    incoming: tuple[Parameter, ...]  # its weights, then its bias


class Layer(NamedTuple):
    heading: str  # "inputs", "hidden, sigmoid", "outputs, softmax"
    units: tuple[Unit, ...]


class Figure(NamedTuple):
    title: str  # the exercise: "Exercise 1: the tutorial's network (ex1)", escaped
    caption: str  # what the drawing shows: "after the forward pass (example 1)"
    layers: tuple[Layer, ...]
    step: bool


def figure(solution: Solution, *, step: bool = False, precision: int = 4, suffix: str = "") -> Figure:
    """What is drawn: every unit's values and every weight and bias, formatted to ``precision``
    significant digits. ``suffix`` picks one example of a dataset ("[2]"); by default the first."""
    if not 1 <= precision <= 17:
        raise ValueError("precision is a number of significant digits from 1 to 17")
    fmt = number_formatter(precision)
    graph, values = solution.graph, solution.values
    suffix = _example_suffix(solution, suffix)
    unit_values: dict[int, list[tuple[int, Value]]] = {}
    parameters: dict[int, list[Parameter]] = {}
    new: dict[str, str] = {}  # parameter -> the name of its new value
    order = list(UNIT_VALUES)
    for quantity in graph:
        shown_as = UNIT_VALUES.get(quantity.kind)
        if shown_as and quantity.stage == shown_as[0] and _of_example(quantity.name, suffix):
            if quantity.kind == "delta" and not step:
                continue
            symbol = shown_as[1]
            value = Value(symbol, f"{symbol}{quantity.unit}", fmt(values[quantity.name]))
            unit_values.setdefault(quantity.unit, []).append((order.index(quantity.kind), value))
        elif quantity.kind in ("W", "b") and quantity.stage == "given":
            parameters.setdefault(quantity.unit, []).append(
                Parameter(quantity.name, quantity.source, quantity.unit, fmt(values[quantity.name])))
        elif quantity.kind in ("W_new", "b_new") and quantity.parameter:
            new[quantity.parameter] = quantity.name
    net = solution.exercise.network
    layers = []
    for depth, numbers in enumerate(net.layers):
        units = []
        for number in numbers:
            incoming = sorted(parameters.get(number, ()), key=lambda p: (p.source is None, p.source or 0))
            if step:
                incoming = [p._replace(new_name=new.get(p.name, ""),
                                       new_text=fmt(values[new[p.name]]) if p.name in new else FIXED)
                            for p in incoming]
            shown_values = tuple(value for _, value in sorted(unit_values.get(number, ()), key=lambda v: v[0]))
            units.append(Unit(number, f"x{number}" if depth == 0 else str(number), shown_values, tuple(incoming)))
        layers.append(Layer(_heading(net, depth), tuple(units)))
    caption = "after the forward pass" + (", with the deltas and the new weights" if step else "")
    if suffix:  # a dataset: the units' values are one example's, the step is the one on all of them
        caption += f" (example {suffix.strip('[]')}" + ("; the weights move on all the examples)" if step else ")")
    return Figure(_title(solution), caption, tuple(layers), step)


def _example_suffix(solution: Solution, suffix: str) -> str:
    """The dataset example drawn: ``suffix`` as given, or "[1]" when the graph has examples."""
    names = solution.graph.names()
    if suffix:
        if not any(name.endswith(suffix) for name in names):
            raise ValueError(f"this exercise has no example {escape_controls(suffix)}")
        return suffix
    return "[1]" if any(name.endswith("[1]") for name in names) else ""


def _of_example(name: str, suffix: str) -> bool:
    return name.endswith(suffix) if suffix else "[" not in name


def _heading(net, depth: int) -> str:
    """A layer's heading in the drawing: "inputs", "hidden, sigmoid", "output, sigmoid" for one output
    unit, "outputs, softmax" for several (`bpcheck show`'s table says "outputs" for any number)."""
    if depth == 0:
        return "inputs"
    last = depth == len(net.layers) - 1
    role = ("outputs" if net.layer_sizes[depth] > 1 else "output") if last else "hidden"
    return f"{role}, {net.activations[depth - 1]}"


def _title(solution: Solution) -> str:
    return shown(exercise_heading(solution.exercise), 120)
