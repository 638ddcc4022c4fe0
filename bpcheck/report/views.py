"""What the tables say, as plain data: sections of rows, shared by the text and Markdown renderers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..losses import LOSSES
from ..numbers import exact_sum, number_formatter
from ..quantities import STAGES, mean_abs_deltas

if TYPE_CHECKING:
    from ..network import Exercise
    from ..solution import Solution


def instruction_paragraphs(exercise: Exercise) -> list[str]:
    """The instructions, a line a paragraph: the YAML's own line breaks fall mid-sentence, and a reader
    (a terminal, a page, a comment) wraps them where it needs to."""
    import re

    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", exercise.instructions) if part.strip()]


def exercise_heading(exercise: Exercise) -> str:
    """What an exercise's pages and drawings are headed: its title, with its name and variant."""
    variant = f", variant {exercise.variant}" if exercise.variant else ""
    return f"{exercise.title} ({exercise.name}{variant})"


class Section:
    """A titled table: columns, rows of text, notes under it; ``numeric`` columns align right."""

    def __init__(self, title: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]],
                 notes: list[str] | None = None, numeric: tuple[int, ...] = (), hand_laid: bool = False):
        self.title = title
        self.hand_laid = hand_laid  # laid out by bpcheck even on a terminal (a class of a thousand rows)
        self.columns = columns
        self.rows = list(rows)
        self.notes = notes if notes is not None else []
        self.numeric = numeric
        self.row_styles: list[str] = []  # colour per row on a terminal (optional)


class Drawing:
    """Lines that draw (the network, a loss curve) and the same facts in words: blocks (lines and tables)
    for --plain, whose reader may be a screen reader, to which a box or a bar is noise."""

    def __init__(self, lines: list[str], words: list):
        self.lines = lines
        self.words = words


def drawings_as(blocks, plain: bool) -> list:
    """A page's blocks with each Drawing given as its lines, or when ``plain`` as its words."""
    found: list = []
    for block in blocks:
        if isinstance(block, Drawing):
            found += block.words if plain else block.lines
        else:
            found.append(block)
    return found


# The network of the tutorial's §13, whose printed figures a reader compares with ours.
TUTORIAL_NETWORK = {"inputs": {1: 0.35, 2: 0.9}, "targets": {5: 0.5},
                    "weights": {(1, 3): 0.1, (2, 3): 0.8, (1, 4): 0.4, (2, 4): 0.6, (3, 5): 0.3, (4, 5): 0.9}}


def precision_note(precision: int, network) -> str:
    note = (f"Every value is computed at full double precision and shown to {precision} significant "
            "digits. A hand calculation that multiplies rounded numbers can differ in the last digit")
    if all(getattr(network, key) == value for key, value in TUTORIAL_NETWORK.items()) and not network.biases:
        return note + ": the tutorial's δ3 ≈ -0.00266 is -0.0026544890 exactly."
    return note + "."


def solution_sections(solution: Solution, precision: int) -> list[Section]:
    fmt = number_formatter(precision)
    network, values = solution.exercise.network, solution.values
    if network.examples or network.optimizer is not None:
        sections = _step_sections(solution, fmt)
    else:
        sections = [_formula_section(solution, STAGES[stage], stage, fmt)
                    for stage in ("forward", "loss", "backward", "check")]
        sections.insert(3, update_section(solution, fmt))
    depth = depth_section(solution, fmt)
    if depth is not None:
        # After the deltas; on a dataset, after every example's and their means, before the update.
        place = (max(i for i, section in enumerate(sections) if section.title.endswith("deltas")) + 1
                 if not network.examples else
                 next(i for i, section in enumerate(sections) if section.title == _update_title(network)))
        sections.insert(place, depth)
    before, after = values["E"], values["E_after"]
    change = (after - before) / before * 100 if before else 0.0
    sections[-1].notes.append(f"E went from {fmt(before)} to {fmt(after)} ({change:+.1f}%).")
    for unit in network.output_units if not network.examples else ():  # the tutorial's "0.5 - 0.682 = -0.182"
        target = values[f"t{unit}"]
        before, after = (exact_sum((target, -values[f"y{unit}{suffix}"])) for suffix in ("", "_after"))
        sections[-1].notes.append(f"t{unit} - y{unit}: {fmt(before)} before the step, {fmt(after)} after it.")
    sections[-1].notes.append(precision_note(precision, network))
    return [section for section in sections if section.rows]  # every parameter frozen: no update table


def _formula_section(solution: Solution, title: str, stage: str, fmt, example: int | None = None) -> Section:
    """One stage's quantities (of one example of a dataset, when given) with formulas and numbers."""
    rows = [(q.name, q.symbolic, q.substituted(solution.values, fmt), fmt(solution.values[q.name]))
            for q in solution.graph if q.stage == stage and (example is None or q.example == example)]
    return Section(title, ("quantity", "formula", "with the numbers", "value"), rows, numeric=(3,))


def _step_sections(solution: Solution, fmt) -> list[Section]:
    """A step on a dataset (each example's passes and gradients, then their averages) or with an
    optimizer (its state, named, in the update table)."""
    network = solution.exercise.network
    if not network.examples:
        sections = [_formula_section(solution, STAGES[stage], stage, fmt) for stage in ("forward", "loss", "backward")]
        gradients = _formula_section(solution, "Step 4: gradients", "update", fmt)
        gradients.rows = [row for row in gradients.rows if solution.graph[row[0]].kind.startswith("dE_d")]
    else:
        count = len(network.examples)
        sections = []
        for index in range(1, count + 1):
            for stage, title in (("forward", "forward pass"), ("loss", "error"), ("backward", "deltas"),
                                 ("gradient", "gradients")):
                sections.append(_formula_section(solution, f"Example {index} of {count}: {title}", stage, fmt, index))
        gradients = _formula_section(solution, "Step 3b: the means over the examples", "gradient", fmt, 0)
        gradients.notes.append("E and each gradient are the mean over the examples (tutorial §18): "
                               "one step of full-batch gradient descent.")
        sections[0].notes.append(f"Each example's values are named with its number in brackets (y3[2]); the "
                                 f"weights are shared by all {count}.")
    update = _formula_section(solution, _update_title(network), "update", fmt, 0)
    update.rows = [row for row in update.rows if not solution.graph[row[0]].kind.startswith("dE_d")]
    update.notes.append(optimizer_note(network))
    check = _formula_section(solution, STAGES["check"], "check", fmt)
    return [*sections, gradients, update, check]


def _update_title(network) -> str:
    name = (network.optimizer.name if network.optimizer else "sgd")
    return {"sgd": "Step 4: weight updates", "momentum": "Step 4: momentum and weight updates",
            "adam": "Step 4: Adam's moments and weight updates"}[name]


def optimizer_note(network) -> str:
    optimizer = network.optimizer
    if optimizer is None or optimizer.name == "sgd":
        return "ΔW = -η·∂E/∂W and W_new = W + ΔW (tutorial §7)."
    if optimizer.name == "momentum":
        return ("Momentum (torch.optim.SGD, no dampening): v_new = β·v + ∂E/∂W, ΔW = -η·v_new; "
                "v_new is the v of the next step.")
    return (f"Adam (torch.optim.Adam), step {optimizer.step}: m and v are running means of the gradient and of "
            "its square; mhat and vhat undo their start at 0 (bias correction); ΔW = -η·mhat/(√vhat + ε).")


def depth_section(solution: Solution, fmt) -> Section | None:
    """Each layer's mean |δ| as a bar (tutorial §15): how much of the error signal reaches it."""
    means = mean_abs_deltas(solution.exercise.network, solution.values)
    if len(means) < 2:
        return None
    return delta_bars("Mean |δ| per layer (vanishing gradients, tutorial §15)", means, fmt)


def delta_bars(title: str, means: list[tuple[str, float]], fmt, width: int = 30) -> Section:
    """Bars as long as each layer's mean |δ| is large next to the largest: a shrinking signal at a glance."""
    largest = max(value for _, value in means) or 1.0
    rows = []
    for label, value in means:
        bar = "█" * round(width * value / largest) or ("▏" if value else "")
        rows.append((label, fmt(value), f"{value / largest:.2g}×" if value else "0", bar))
    section = Section(title, ("layer", "mean |δ|", "of the largest", ""), rows, numeric=(1, 2))
    section.notes.append("A hidden unit's δ is the next layer's δs, weighted, times its slope f'(a) (at most 0.25 "
                         "for sigmoid): through saturating units it shrinks layer by layer towards the inputs.")
    return section


def update_section(solution: Solution, fmt) -> Section:
    """The table of tutorial §13 step 4: each parameter with its destination's delta and source's output."""
    graph, values = solution.graph, solution.values
    rows = []
    for quantity in graph:
        if quantity.kind not in ("dW", "db"):
            continue
        parameter = quantity.parameter
        source = quantity.source
        output = "1" if source is None else fmt(values[quantity.inputs[2]])
        rows.append((parameter, fmt(values[parameter]), fmt(values[f"delta{quantity.unit}"]), output,
                     fmt(values[f"dE_d{parameter}"]), fmt(values[quantity.name]),
                     fmt(values[f"{parameter}_new"])))
    convention = ("ΔW = η·δ·o and W_new = W + ΔW (δ = target minus output, tutorial §9)"
                  if solution.exercise.network.convention == "target_minus_output"
                  else "ΔW = -η·δ·o and W_new = W + ΔW (δ = ∂E/∂a, output minus target)")
    section = Section(STAGES["update"], ("weight", "old", "δ dest", "o source", "∂E/∂W",
                                         "ΔW", "new"), rows, numeric=(1, 2, 3, 4, 5, 6))
    section.notes.append(convention + "; ∂E/∂W is the gradient itself.")
    return section


def exercise_sections(exercise: Exercise, solution: Solution, precision: int = 6) -> list[Section]:
    """The exercise as a student reads it: the network, its numbers, what is asked."""
    net = exercise.network
    fmt = number_formatter(precision)
    shape = []
    for depth, layer in enumerate(net.layers):
        role = "inputs" if depth == 0 else "outputs" if depth == len(net.layers) - 1 else "hidden"
        activation = "" if depth == 0 else f", {net.activations[depth - 1]}"
        shape.append((f"layer {depth + 1}", f"{role}{activation}", ", ".join(str(u) for u in layer)))
    network = Section("The network", ("layer", "role", "units"), shape)
    network.notes.append(f"Loss: {LOSSES[net.loss].description}.  Learning rate η = {fmt(net.learning_rate)}.  "
                         f"Sign convention: {net.convention.replace('_', ' ')}.")
    if net.frozen:
        network.notes.append(f"Held fixed (not updated): {', '.join(sorted(net.frozen))}.")
    givens = Section("Given", ("name", "value"),
                     [(q.name, fmt(q.given)) for q in solution.graph if q.stage == "given"], numeric=(1,))
    asked = Section("Asked", ("stage", "quantities"), [], [])
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if solution.graph[name].stage == stage]
        if names:
            asked.rows.append((title, ", ".join(names)))
    return [network, givens, asked]


def solution_json(solution) -> dict:
    """Every named quantity (givens too) at full double precision, and how each was computed."""
    graph, values = solution.graph, solution.values
    return {
        "exercise": solution.exercise.name,
        "variant": solution.exercise.variant,
        "title": solution.exercise.title,
        "values": values,
        "quantities": [{"name": q.name, "stage": q.stage, "formula": q.symbolic or None,
                        "reads": list(dict.fromkeys(q.inputs)), "value": values[q.name]} for q in graph],
        "asked": solution.asked,
        "mean_abs_delta": dict(mean_abs_deltas(solution.exercise.network, values)),
    }
