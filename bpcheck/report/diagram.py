"""The network drawn as the tutorial's figures draw it (Fig. 1 and Fig. 4): units in layers, inputs on
the left, a weight on each edge, and each unit's a and y after the forward pass; for a solved step, the
deltas and the new weights too.

``figure`` reads what is drawn from the solution's graph once (by each quantity's kind, unit and stage,
never by the letters of its name), and two renderers lay it out: ``network_lines`` for a terminal of a
given width (report/diagram_svg.py for the SVG). Pure: no click, no Rich, no I/O.
"""

from __future__ import annotations

from typing import NamedTuple

from ..numbers import number_formatter
from ..safetext import escape_controls, shown
from ..solution import Solution
from .plain import width as cells

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
    """As `bpcheck show` names layers: "inputs", "hidden, sigmoid", "output, softmax"."""
    if depth == 0:
        return "inputs"
    last = depth == len(net.layers) - 1
    role = ("outputs" if net.layer_sizes[depth] > 1 else "output") if last else "hidden"
    return f"{role}, {net.activations[depth - 1]}"


def _title(solution: Solution) -> str:
    exercise = solution.exercise
    variant = f", variant {exercise.variant}" if exercise.variant else ""
    return shown(f"{exercise.title} ({exercise.name}{variant})", 120)


def parameter_text(parameter: Parameter) -> str:
    """``W13 0.1``, or with the step ``W13 0.1 → 0.09907`` (``b3 0.35 fixed`` when frozen)."""
    if not parameter.new_text:
        return f"{parameter.name} {parameter.text}"
    if parameter.new_text == FIXED:
        return f"{parameter.name} {parameter.text} {FIXED}"
    return f"{parameter.name} {parameter.text} → {parameter.new_text}"


# --- the terminal -------------------------------------------------------------------------------------

# Beyond this many units in a layer (or weights into a unit) the boxes grow taller than a screen: the
# compact form lists them instead.
BOXED_MOST = 8
GAP = "  "


def network_lines(solution: Solution, *, width: int, step: bool = False, precision: int = 4,
                  suffix: str = "") -> list[str]:
    """The network for a terminal ``width`` columns wide: layers as columns of boxed units, each box
    with the unit's values and its incoming weights beside it; where that does not fit, a compact form
    (a line per layer, a line per unit's incoming weights). No line is wider than ``width``, and no
    number is cut (a single number wider than the terminal runs on)."""
    drawn = figure(solution, step=step, precision=precision, suffix=suffix)
    title = f"The network {drawn.caption}" + (": each weight before → after the step" if step else "")
    words = title.replace(" → ", "\u00a0→\u00a0").split(" ")  # "before → after" stays on one line
    lines = [line.replace("\u00a0", " ") for line in _wrapped([[word] for word in words], width, indent="")]
    boxed = _boxed_lines(drawn)
    if boxed is not None and max(map(cells, boxed)) <= width:
        return lines + boxed
    return lines + _compact_lines(drawn, width)


def _boxed_lines(drawn: Figure) -> list[str] | None:
    if any(len(layer.units) > BOXED_MOST or any(len(unit.incoming) > BOXED_MOST for unit in layer.units)
           for layer in drawn.layers):
        return None
    columns = [_layer_column(layer) for layer in drawn.layers]
    height = max(len(column) for column in columns)
    padded = []
    for column in columns:  # each column centred on the tallest, its heading on the first line
        column_width = max(map(cells, column))
        above = (height - len(column)) // 2
        body = [""] * above + column[1:] + [""] * (height - len(column) - above)
        padded.append([_pad(line, column_width) for line in [column[0], *body]])
    return [GAP.join(row).rstrip() for row in zip(*padded)]


def _layer_column(layer: Layer) -> list[str]:
    """The heading, then each unit's box with its incoming weights on the left, a blank line apart."""
    entries = {unit.number: [parameter_text(p) for p in unit.incoming] for unit in layer.units}
    entries = {number: _aligned(texts) for number, texts in entries.items()}
    left = max((cells(text) for texts in entries.values() for text in texts), default=-3) + 3
    inner = max(cells(text) for unit in layer.units for text in _box_content(unit))
    lines = [" " * left + layer.heading]
    for index, unit in enumerate(layer.units):
        if index:
            lines.append("")
        content, incoming = _box_content(unit), entries[unit.number]
        rows = max(len(content), len(incoming))
        lines.append(" " * left + "┌" + "─" * (inner + 2) + "┐")
        for row in range(rows):
            text = content[row] if row < len(content) else ""
            edge = _pad(incoming[row], left - 3) + " ──┤" if row < len(incoming) else " " * left + "│"
            lines.append(f"{edge} {_pad(text, inner)} │")
        lines.append(" " * left + "└" + "─" * (inner + 2) + "┘")
    return lines


def _box_content(unit: Unit) -> list[str]:
    if not unit.values or unit.values[0].symbol == "x":  # an input: "x1 0.35" on one line
        return [" ".join([unit.label, *(value.text for value in unit.values)])]
    return [unit.label] + [f"{value.symbol} {value.text}" for value in unit.values]


def _aligned(texts: list[str]) -> list[str]:
    """Incoming weights as a small table: names, then numbers, each column aligned."""
    split = [text.split(" ", 1) for text in texts]
    name_width = max((cells(parts[0]) for parts in split), default=0)
    return [_pad(parts[0], name_width) + " " + parts[-1] for parts in split]


def _pad(text: str, size: int) -> str:
    return text + " " * (size - cells(text))


def _compact_lines(drawn: Figure, width: int) -> list[str]:
    """A line per layer with its units' values, each layer but the first after a line per unit with
    its incoming weights (``3 ← W13 0.1, W23 0.8``), each wrapped to ``width``."""
    lines = []
    for layer in drawn.layers:
        for unit in layer.units:
            if unit.incoming:
                weights = [parameter_text(p).split(" ") for p in unit.incoming]
                lines += _wrapped([[f"{unit.label} ←"], *_separated(weights, ",")], width)
        lines += _wrapped([[f"{layer.heading}:"], *_separated([_unit_words(unit) for unit in layer.units], ";")],
                          width)
    return lines


def _unit_words(unit: Unit) -> list[str]:
    """``x1 0.35`` for an input, ``3: a 0.755 y 0.6803`` for any other unit (a value's symbol and
    number kept on one line)."""
    if not unit.values or unit.values[0].symbol == "x":
        return [" ".join([unit.label, *(value.text for value in unit.values)])]
    return [f"{unit.label}:", *(f"{value.symbol} {value.text}" for value in unit.values)]


def _separated(items: list[list[str]], separator: str) -> list[list[str]]:
    return [item[:-1] + [item[-1] + separator] for item in items[:-1]] + items[-1:]


def _wrapped(items: list[list[str]], width: int, indent: str = "    ") -> list[str]:
    """``items`` (each a list of words) joined by spaces into lines of at most ``width`` columns, later
    lines indented. An item goes whole onto the line, else whole onto the next; one too long for any
    line breaks between its words; a word longer than a line (a number at a high precision) runs on."""
    lines: list[str] = []

    def add(text: str) -> None:
        if lines and cells(lines[-1]) + 1 + cells(text) <= width:
            lines[-1] += " " + text
        else:
            lines.append((indent if lines else "") + text)

    for item in items:
        whole = " ".join(item)
        if cells(indent) + cells(whole) <= width:
            add(whole)
        else:
            for word in item:
                add(word)
    return lines


class NetworkDrawing:
    """The network drawn as an SVG (``svg``, without an XML declaration), which shows itself in a
    notebook: Jupyter calls ``_repr_svg_``. What ``Solution.diagram()`` returns."""

    def __init__(self, solution: Solution, *, step: bool = False, precision: int = 4):
        drawn = figure(solution, step=step, precision=precision)
        from .diagram_svg import render

        self.title = f"{drawn.title}: the network {drawn.caption}"
        self.svg = render(drawn, standalone=False)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<NetworkDrawing {self.title}>"


def network_svg(solution: Solution, *, step: bool = False, precision: int = 4, suffix: str = "",
                standalone: bool = True) -> str:
    """The network as a self-contained SVG document: no fonts, images or scripts from elsewhere, a
    viewBox so that it scales, and every text XML-escaped. ``standalone=False`` leaves out the XML
    declaration, for an SVG inline in an HTML page."""
    from .diagram_svg import render

    return render(figure(solution, step=step, precision=precision, suffix=suffix), standalone=standalone)
