"""The network figure (report/figure.py) as a self-contained SVG: units as circles in columns by layer,
each unit's values under it, each edge labelled with its weight. Pure: the text of an SVG file.

The layout is computed once (``_layout``), in SVG units: the columns' widths from their texts, the
units one pitch apart and each column centred on the others, as Fig. 1 draws them; then, between each
pair of layers, each edge's label at the point along its edge that overlaps no label placed before and
lies over the fewest other edges (so crossing edges get their labels at different fractions along
them), the two layers moved apart until every label has such a point. Text is set in a monospace font,
whose characters are 0.6 em wide (or narrower), so the estimated sizes hold. Where labels cannot be
placed readably (too many edges) they are left off and a caption says so; the edges between wide layers
are drawn as one band, so that the file stays small for the largest networks.
"""

from __future__ import annotations

import html
from typing import NamedTuple

from ..safetext import escape_controls
from .figure import FIXED, Figure, Parameter, Unit
from .plain import width as cells

FONT = 12
CHAR = 0.6 * FONT  # a monospace character's width
TITLE_FONT = 14
LINE = 16  # baseline to baseline
RADIUS = 18
PAD = 3  # around a text on its background
LABEL_CLEARANCE = 5  # between two edge labels
MARGIN = 16
UNIT_GAP = 20  # between two units of a column
MIN_PITCH = 6 * LINE  # from one unit's centre to the next's: room for the labels between
SPACE_STEP, SPACE_MOST = 24, 640  # how the gap between two layers grows for their labels, and up to where
LABELLED_MOST = 24  # edges between two layers that each get a label
LINES_MOST = 64  # edges between two layers drawn one by one (when the network has at most EDGES_MOST)
EDGES_MOST = 2000
VALUES_MOST = 400  # units whose values are written under them
FONT_FAMILY = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace"
# One colour per destination unit (Okabe-Ito hues, darkened to 4.5:1 on white), so that a weight's label
# and its edge read together; the names say it as well, for a reader without colour.
COLOURS = ("#0b5fa5", "#b34700", "#00785a", "#9c3f7a", "#7a5c00", "#4d4d4d")


class Box(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, margin: float = 2) -> bool:
        return (self.x0 < other.x1 + margin and other.x0 < self.x1 + margin
                and self.y0 < other.y1 + margin and other.y0 < self.y1 + margin)


class Placed(NamedTuple):
    unit: Unit
    y: float  # the circle's centre; x is its column's
    lines: tuple[str, ...]  # written under it


class Edge(NamedTuple):
    source: Placed
    dest: Placed
    parameter: Parameter
    colour: str


class Pair(NamedTuple):
    """How the edges between two adjacent layers are drawn."""

    edges: tuple[Edge, ...]
    space: float  # between the two columns
    labels: tuple[tuple[int, Box], ...]  # (the edge's index, its label), x from the source column's centre
    band: bool  # one band, not an edge each


class Layout(NamedTuple):
    """Every position, computed once: column by column the units' places, between columns the edges."""

    columns: list[list[Placed]]
    xs: list[float]  # each column's centre
    half_widths: list[float]
    pairs: list[Pair]
    notes: list[str]
    bottom: float  # of the lowest unit's text
    width: float
    height: float


def render(drawn: Figure, *, standalone: bool = True) -> str:
    layout = _layout(drawn)
    parts = [_header(drawn, layout, standalone), *_edges_svg(layout), *_units_svg(drawn, layout)]
    for depth, pair in enumerate(layout.pairs):
        parts += [_label_svg(pair.edges[index], box, layout.xs[depth]) for index, box in pair.labels]
    parts += [_text(MARGIN, layout.bottom + MARGIN + LINE * index, note, fill="#333")
              for index, note in enumerate(layout.notes)]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _layout(drawn: Figure) -> Layout:
    write_values = sum(len(layer.units) for layer in drawn.layers) <= VALUES_MOST
    columns, half_widths = _columns(drawn, MARGIN + TITLE_FONT + 3 * LINE, write_values)
    total_edges = sum(parameter.source is not None for layer in drawn.layers for unit in layer.units
                      for parameter in unit.incoming)
    pairs = [_pair(columns[d], columns[d + 1], half_widths[d], half_widths[d + 1],
                   band=len(columns[d]) * len(columns[d + 1]) > LINES_MOST or total_edges > EDGES_MOST)
             for d in range(len(columns) - 1)]
    xs = [MARGIN + half_widths[0]]
    for d, pair in enumerate(pairs):
        xs.append(xs[-1] + half_widths[d] + pair.space + half_widths[d + 1])
    notes = _notes(drawn, pairs, write_values)
    bottom = max(unit.y + RADIUS + len(unit.lines) * LINE + PAD for column in columns for unit in column)
    width = max([xs[-1] + half_widths[-1] + MARGIN, 2 * MARGIN + cells(drawn.title) * 0.6 * TITLE_FONT]
                + [2 * MARGIN + cells(text) * CHAR for text in [f"The network {drawn.caption}", *notes]])
    return Layout(columns, xs, half_widths, pairs, notes, bottom, width, bottom + MARGIN + LINE * len(notes))


# --- the layout ---------------------------------------------------------------------------------------


def _unit_lines(unit: Unit) -> tuple[str, ...]:
    """What is written under a unit: its values, its bias (and the bias after the step), its target."""
    lines = [f"{value.name} = {value.text}" for value in unit.values if value.symbol != "t"]
    for parameter in unit.incoming:
        if parameter.source is None:
            lines += _parameter_lines(parameter)
    return tuple(lines + [f"{value.name} = {value.text}" for value in unit.values if value.symbol == "t"])


def _parameter_lines(parameter: Parameter) -> list[str]:
    """``W13 = 0.1``, and after the step ``W13_new = 0.09907`` (or ``b3 = 0.35 (fixed)``)."""
    if parameter.new_text == FIXED:
        return [f"{parameter.name} = {parameter.text} ({FIXED})"]
    lines = [f"{parameter.name} = {parameter.text}"]
    if parameter.new_text:
        lines.append(f"{parameter.new_name} = {parameter.new_text}")
    return lines


def _columns(drawn: Figure, top: float, write_values: bool) -> tuple[list[list[Placed]], list[float]]:
    """Each layer's units at x 0 (moved once the gaps are known), one pitch apart in every column, the
    columns centred on one another as the tutorial draws them; and each column's half width."""
    lines = [[_unit_lines(unit) if write_values else () for unit in layer.units] for layer in drawn.layers]
    half_widths = [max([cells(line) * CHAR / 2 + PAD for texts in column for line in texts]
                       + [cells(layer.heading) * CHAR / 2, RADIUS]) for layer, column in zip(drawn.layers, lines)]
    tallest = max(len(texts) for column in lines for texts in column)
    pitch = max(2 * RADIUS + (tallest * LINE + 2 * PAD if tallest else 0) + UNIT_GAP, MIN_PITCH)
    middle = top + RADIUS + (max(len(layer.units) for layer in drawn.layers) - 1) / 2 * pitch
    columns = [[Placed(unit, middle + (index - (len(layer.units) - 1) / 2) * pitch, texts)
                for index, (unit, texts) in enumerate(zip(layer.units, column))]
               for layer, column in zip(drawn.layers, lines)]
    return columns, half_widths


def _pair(sources: list[Placed], dests: list[Placed], source_half: float, dest_half: float, band: bool) -> Pair:
    """The edges between two layers, and the gap between them that their labels need."""
    by_number = {placed.unit.number: placed for placed in sources}
    edges = tuple(Edge(by_number[p.source], dest, p, COLOURS[index % len(COLOURS)])
                  for index, dest in enumerate(dests) for p in dest.unit.incoming if p.source in by_number)
    space = 4.0 * RADIUS
    if band or len(edges) > LABELLED_MOST:
        return Pair(edges, space, (), band)
    widest = max((cells(line) * CHAR for edge in edges for line in _parameter_lines(edge.parameter)), default=0)
    space = max(space, 1.6 * widest + 40)
    while space <= SPACE_MOST:
        labels = _placed_labels(edges, source_half, source_half + space + dest_half, dest_half)
        if labels is not None:
            return Pair(edges, space, labels, band)
        space += SPACE_STEP
    return Pair(edges, 4.0 * RADIUS, (), band)


def _placed_labels(edges: tuple[Edge, ...], source_half: float, distance: float,
                   dest_half: float) -> tuple[tuple[int, Box], ...] | None:
    """Each edge's label at a point along its edge between the two columns, clear of every label placed
    before: the point whose label lies over the fewest other edges, then the nearest its preferred
    fraction, which spreads the labels by source (crossing edges get theirs at different fractions).
    None when some label has no such point."""
    placed: list[tuple[int, Box]] = []
    lowest, highest = source_half + 6, distance - dest_half - 6
    sources = list(dict.fromkeys(edge.source.unit.number for edge in edges))
    segments = [(RADIUS, edge.source.y, distance - RADIUS, edge.dest.y) for edge in edges]
    for index, edge in enumerate(edges):
        lines = _parameter_lines(edge.parameter)
        width = max(cells(line) for line in lines) * CHAR + 2 * PAD
        height = (len(lines) - 1) * LINE + FONT + 2 * PAD
        start, end = (lowest + width / 2) / distance, (highest - width / 2) / distance
        if start > end:
            return None
        spread = sources.index(edge.source.unit.number) / (len(sources) - 1) if len(sources) > 1 else 0.5
        preferred = start + (end - start) * (0.2 + 0.6 * spread)
        best: tuple[tuple[int, float], Box] | None = None
        for k in range(17):
            t = start + (end - start) * k / 16
            x, y = t * distance, edge.source.y + t * (edge.dest.y - edge.source.y)
            box = Box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            if any(box.overlaps(other, LABEL_CLEARANCE) for _, other in placed):
                continue
            crossed = sum(_crosses(box, *segment) for other, segment in enumerate(segments) if other != index)
            if best is None or (crossed, abs(t - preferred)) < best[0]:
                best = ((crossed, abs(t - preferred)), box)
        if best is None:
            return None
        placed.append((index, best[1]))
    return tuple(placed)


def _crosses(box: Box, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the segment from (x0, y0) to (x1, y1) passes through ``box`` (Liang-Barsky clipping)."""
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box.x0), (x1 - x0, box.x1 - x0), (y0 - y1, y0 - box.y0), (y1 - y0, box.y1 - y0)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return low <= high


def _notes(drawn: Figure, pairs: list[Pair], write_values: bool) -> list[str]:
    """The legend, and what the drawing leaves out and why (a line each, however many layers)."""
    notes = []
    banded = [depth for depth, pair in enumerate(pairs, start=1) if pair.band]
    unlabelled = [depth for depth, pair in enumerate(pairs, start=1) if not pair.band and not pair.labels]
    if banded:
        weights = sum(len(pairs[depth - 1].edges) for depth in banded)
        notes.append(f"Between {_layer_pairs(banded)}, every unit feeds every unit of the next layer "
                     f"({weights} weights), drawn as one band.")
    if unlabelled:
        weights = sum(len(pairs[depth - 1].edges) for depth in unlabelled)
        notes.append(f"Between {_layer_pairs(unlabelled)}, too many weights to label ({weights}); "
                     "each edge names its weight when pointed at.")
    if not write_values:
        units = sum(len(layer.units) for layer in drawn.layers)
        notes.append(f"The values of a network of {units} units are not written here.")
    if notes:
        notes.append("`bpcheck solve` lists every value and weight.")
    legend = "a: weighted sum, y: output" + (", δ: delta" if drawn.step else "") + ", t: target."
    return [legend, *notes]


def _layer_pairs(depths: list[int]) -> str:
    """"layers 2 and 3", "layers 1 and 2, 2 and 3", or "12 pairs of layers"."""
    if len(depths) > 3:
        return f"{len(depths)} pairs of layers"
    return "layers " + ", ".join(f"{depth} and {depth + 1}" for depth in depths)


# --- the SVG text -------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return format(round(value, 1), "g")


def _escaped(text: str) -> str:
    """Text as XML holds it: controls made visible first (XML 1.0 cannot hold most of them at all)."""
    return html.escape(escape_controls(text), quote=True)


def _text(x: float, y: float, text: str, *, anchor: str = "", size: int = 0, fill: str = "",
          weight: str = "") -> str:
    attributes = f'x="{_number(x)}" y="{_number(y)}"'
    for name, value in (("text-anchor", anchor), ("font-size", size), ("fill", fill), ("font-weight", weight)):
        if value:
            attributes += f' {name}="{value}"'
    return f"<text {attributes}>{_escaped(text)}</text>"


def _header(drawn: Figure, layout: Layout, standalone: bool) -> str:
    title = f"{drawn.title}: the network {drawn.caption}"
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else ""
    width, height = _number(layout.width), _number(layout.height)
    return (f'{declaration}<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT_FAMILY}" font-size="{FONT}" '
            'style="max-width:100%;height:auto">\n'
            f"<title>{_escaped(title)}</title>\n"
            '<rect width="100%" height="100%" fill="#ffffff"/>\n'
            + _text(MARGIN, MARGIN + TITLE_FONT, drawn.title, size=TITLE_FONT, weight="bold", fill="#111") + "\n"
            + _text(MARGIN, MARGIN + TITLE_FONT + LINE, f"The network {drawn.caption}", fill="#333"))


def _edges_svg(layout: Layout) -> list[str]:
    parts = ['<g stroke-width="1.3">']
    for depth, pair in enumerate(layout.pairs):
        left, right = layout.xs[depth] + RADIUS, layout.xs[depth + 1] - RADIUS
        if pair.band:
            sources, dests = layout.columns[depth], layout.columns[depth + 1]
            points = [(left, sources[0].y - RADIUS), (right, dests[0].y - RADIUS),
                      (right, dests[-1].y + RADIUS), (left, sources[-1].y + RADIUS)]
            shape = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
            parts.append(f'<polygon points="{shape}" fill="#888888" fill-opacity="0.18"/>')
            continue
        for edge in pair.edges:
            line = (f'<line x1="{_number(left)}" y1="{_number(edge.source.y)}" x2="{_number(right)}" '
                    f'y2="{_number(edge.dest.y)}" stroke="{edge.colour}"')
            if pair.labels:
                parts.append(line + "/>")
            else:  # unlabelled: the weight shows when the edge is pointed at
                tip = ", ".join(_parameter_lines(edge.parameter))
                parts.append(f"{line}><title>{_escaped(tip)}</title></line>")
    parts.append("</g>")
    return parts


def _units_svg(drawn: Figure, layout: Layout) -> list[str]:
    parts = []
    for x, layer in zip(layout.xs, drawn.layers):
        parts.append(_text(x, MARGIN + TITLE_FONT + 2 * LINE + PAD, layer.heading, anchor="middle", fill="#333"))
    for x, column, half in zip(layout.xs, layout.columns, layout.half_widths):
        for placed in column:
            parts.append(f'<circle cx="{_number(x)}" cy="{_number(placed.y)}" r="{RADIUS}" '
                         'fill="#f4f4f4" stroke="#222" stroke-width="1.5"/>')
            parts.append(_text(x, placed.y + 0.35 * FONT, placed.unit.label, anchor="middle", weight="bold"))
            if placed.lines:
                top = placed.y + RADIUS
                parts.append(f'<rect x="{_number(x - half)}" y="{_number(top)}" width="{_number(2 * half)}" '
                             f'height="{_number(len(placed.lines) * LINE + PAD)}" fill="#ffffff" fill-opacity="0.9"/>')
                parts += [_text(x, top + PAD + 0.8 * FONT + index * LINE, line, anchor="middle")
                          for index, line in enumerate(placed.lines)]
    return parts


def _label_svg(edge: Edge, box: Box, shift: float) -> str:
    lines = _parameter_lines(edge.parameter)
    left, right = box.x0 + shift, box.x1 + shift
    texts = "".join(_text((left + right) / 2, box.y0 + PAD + 0.8 * FONT + index * LINE, line, anchor="middle")
                    for index, line in enumerate(lines))
    return (f'<g fill="{edge.colour}"><rect x="{_number(left)}" y="{_number(box.y0)}" '
            f'width="{_number(right - left)}" height="{_number(box.y1 - box.y0)}" fill="#ffffff" '
            f'stroke="{edge.colour}" stroke-width="0.8" rx="3"/>{texts}</g>')
