"""The network drawn as the tutorial's figures draw it (Fig. 1 and Fig. 4): units in layers, inputs on
the left, a weight on each edge, and each unit's a and y after the forward pass; for a solved step, the
deltas and the new weights too.

report/figure.py reads what is drawn from the solution's graph once, and two renderers lay it out:
``network_lines`` here for a terminal of a given width, report/diagram_svg.py for the SVG. Pure: no
click, no Rich, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .figure import FIXED, Figure, Layer, Parameter, Unit, figure
from .plain import width as cells

if TYPE_CHECKING:
    from ..solution import Solution


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
    return _network(solution, width, step, precision, suffix, boxed=True)


def network_words(solution: Solution, *, step: bool = False, precision: int = 4) -> list[str]:
    """The network in words, for --plain: the compact form, each line whole (``3 ← W13 0.1, W23 0.8``,
    then ``Hidden layer: 3: a 0.755 y 0.6803; …``), the same at any width."""
    return _network(solution, UNWRAPPED, step, precision, "", boxed=False)


UNWRAPPED = 1 << 30  # a width no line reaches


def _network(solution: Solution, width: int, step: bool, precision: int, suffix: str, boxed: bool) -> list[str]:
    drawn = figure(solution, step=step, precision=precision, suffix=suffix)
    title = f"The network {drawn.caption}" + (": each weight before → after the step" if step else "")
    words = title.replace(" → ", "\u00a0→\u00a0").split(" ")  # "before → after" stays on one line
    lines = [line.replace("\u00a0", " ") for line in _wrapped([[word] for word in words], width, indent="")]
    boxes = _boxed_lines(drawn) if boxed else None
    if boxes is not None and max(map(cells, boxes)) <= width:
        return lines + boxes
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
