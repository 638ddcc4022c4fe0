"""Per-student variants: the same network and questions with other numbers, drawn deterministically.

A variant is named (a student id such as ``alice``). Its numbers come from SHA-256 alone, so they are
the same on every platform, Python version and bpcheck release (docs/instructors/variants.md specifies the
algorithm; tests pin several variants). Each draw is tried against the number rules a person working
by hand needs (``number_problems``); the first draw that meets them is the variant. Pure: no I/O.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from .activations import ACTIVATIONS
from .errors import ExerciseError
from .losses import LOSSES
from .network import Example, Exercise, Network, bias_name, weight_name
from .quantities import example_values

if TYPE_CHECKING:
    from .solution import Solution

GROUPS = ("inputs", "weights", "biases", "targets", "learning_rate")
NONZERO = ("inputs", "weights", "biases")  # a 0 here makes a product, or a whole change, vanish
MAX_ATTEMPTS = 1000  # draws tried before a variant is declared impossible under the exercise's ranges
WORK_PER_VARIANT = 200_000  # quantities solved at most in looking for one: fewer draws for a large network
MAX_GRID = 10_000  # values a range may hold: min to max in steps
MIN_STEP = 0.0001  # a range's smallest step: numbers worked by hand have a few decimals
MAX_VARIED = 1e6  # and are no larger than this
SATURATED = 3.0  # |a| above this flattens a sigmoid or tanh: its slope is under 0.1 (sigmoid: 0.045)
MIN_OUTPUT_ERROR = 0.05  # |t - y|: an output next to its target leaves every delta ~ 0
VERSION = b"bpcheck-variant-1"  # changes only if the algorithm does, which would change every variant
MAX_NAME = 100


class Rule(NamedTuple):
    """How one number varies: ``fixed`` (as the exercise gives it), ``choices`` (one of ``values``),
    ``range`` (``low`` to ``high`` in steps of ``step``, 0 left out for inputs, weights and biases) or
    ``one_hot`` (cross-entropy targets: which output is 1)."""

    kind: str
    values: tuple[float, ...] = ()
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0


FIXED = Rule("fixed")
ONE_HOT = Rule("one_hot")


# ---------------------------------------------------------------- names


def variant_name(text: str) -> str:
    """The form a variant name is compared and hashed in: surrounding spaces removed, in Unicode's
    composed form (NFC: a folder named José on a file system that decomposes names is still José), and
    ASCII letters lower-cased (``Alice`` is ``alice``; GitHub user names ignore case). Raises
    ExerciseError for an empty, over-long or unprintable name."""
    name = str(text).strip()
    if not name.isascii():
        import unicodedata  # here: only a name with a letter outside ASCII needs it

        name = unicodedata.normalize("NFC", name)
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise ExerciseError(f"a variant name is 1 to {MAX_NAME} printable characters",
                            hint="use e.g. a student id such as alice or s1234567")
    return "".join(chr(ord(char) + 32) if "A" <= char <= "Z" else char for char in name)


# ---------------------------------------------------------------- the generator


class Draws:
    """SHA-256 in counter mode: draw k is the first 8 bytes, big-endian, of SHA-256(seed ‖ k as 8
    bytes, big-endian), reduced modulo the number of choices. The bias of the modulo is under
    choices / 2⁶⁴: nothing a person could see."""

    def __init__(self, seed: bytes):
        self.seed = seed
        self.counter = 0

    def below(self, count: int) -> int:
        import hashlib  # here, not at the top: reading an exercise with variants: must not pay for OpenSSL

        block = hashlib.sha256(self.seed + self.counter.to_bytes(8, "big")).digest()
        self.counter += 1
        return int.from_bytes(block[:8], "big") % count

    def choice(self, values: tuple[float, ...]) -> float:
        return values[self.below(len(values))]


def seed_of(exercise: Exercise, name: str) -> bytes:
    """SHA-256 of ``bpcheck-variant-1``, the exercise's key and the variant name, joined by newlines."""
    import hashlib

    text = b"\n".join([VERSION, exercise_key(exercise).encode("utf-8"), variant_name(name).encode("utf-8")])
    return hashlib.sha256(text).digest()


def exercise_key(exercise: Exercise) -> str:
    """The exercise as far as its numbers go, as canonical JSON (sorted keys, no spaces, ASCII):
    the shape, activations, loss, convention, every given number and the variants: rules. Title,
    instructions, asked, points, tolerance and feedback do not change a variant's numbers, so a copy
    of the file under another name, or with its wording mended, gives every student the same numbers."""
    import json

    network = exercise.network
    key: dict[str, object] = {
        "layers": list(network.layer_sizes), "activations": list(network.activations), "loss": network.loss,
        "convention": network.convention, "learning_rate": float(network.learning_rate),
        **_example_key(Example(network.inputs, network.targets)),
        "weights": {weight_name(*pair): float(value) for pair, value in network.weights.items()},
        "biases": {bias_name(unit): float(value) for unit, value in network.biases.items()},
        "variants": {name: [rule.kind, [float(v) for v in rule.values], float(rule.low), float(rule.high),
                            float(rule.step)] for name, rule in (exercise.variants or ())},
    }
    if network.examples:  # a dataset: its examples, in order, in place of one example's inputs and targets
        del key["inputs"], key["targets"]
        key["examples"] = [_example_key(example) for example in network.examples]
    return json.dumps(key, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _example_key(example: Example) -> dict[str, dict[str, float]]:
    return {"inputs": {f"x{unit}": float(value) for unit, value in example.inputs.items()},
            "targets": {f"t{unit}": float(value) for unit, value in example.targets.items()}}


# ---------------------------------------------------------------- what varies, and how


class Given(NamedTuple):
    name: str  # x1, W13, b3, t5, eta; a dataset's inputs and targets x1[2], t5[2]
    group: str  # one of GROUPS
    value: float
    unit: int = 0  # the unit it belongs to (a weight's destination)
    example: int = 0  # a dataset's example (from 1) an input or target belongs to; 0: none

    @property
    def plain(self) -> str:
        """The name without its example index: x1 for x1[2] (a rule for x1 is a rule for every example's)."""
        return self.name.split("[", 1)[0]


def numbers_of(network: Network) -> list[Given]:
    """Every given number, in the order they are drawn: inputs (example by example, each by unit),
    weights (by destination, then source), biases (by unit), the learning rate, and last the targets
    (example by example, each by unit), which are drawn knowing the outputs the other numbers give."""
    weights = sorted(network.weights, key=lambda pair: (pair[1], pair[0]))
    examples = list(enumerate(network.examples, start=1)) or [(0, Example(network.inputs, network.targets))]
    return ([Given(_named("x", unit, index), "inputs", example.inputs[unit], unit, index)
             for index, example in examples for unit in sorted(example.inputs)]
            + [Given(weight_name(*pair), "weights", network.weights[pair], pair[1]) for pair in weights]
            + [Given(bias_name(unit), "biases", network.biases[unit], unit) for unit in sorted(network.biases)]
            + [Given("eta", "learning_rate", network.learning_rate)]
            + [Given(_named("t", unit, index), "targets", example.targets[unit], unit, index)
               for index, example in examples for unit in sorted(example.targets)])


def _named(letter: str, unit: int, example: int) -> str:
    """x1, or x1[2] for example 2 of a dataset (the solver's names)."""
    return f"{letter}{unit}[{example}]" if example else f"{letter}{unit}"


def rule_names(network: Network) -> dict[str, str]:
    """The names a ``variants:`` rule may give, each with its group: every given number, and for a
    dataset also each input and target without its index (x1: every example's x1)."""
    numbers = numbers_of(network)
    return {**{number.plain: number.group for number in numbers}, **{number.name: number.group for number in numbers}}


def default_rule(network: Network, number: Given, dead_units: frozenset[int] = frozenset()) -> Rule:
    """Numbers a person multiplies by hand: inputs 0.1 to 1 and weights -1 to 1 (narrower for a wide
    layer, so that sums stay unsaturated) in steps of 0.05, biases -0.5 to 0.5, targets inside the
    output activation's range in steps of 0.1 (one-hot for cross-entropy); the learning rate as given.
    Into a ReLU unit that must stay alive, weights and bias are positive (0.05 up), so that it does."""
    alive_relu = (number.group in ("weights", "biases") and ACTIVATIONS[network.activation_of(number.unit)].can_die
                  and number.unit not in dead_units)
    if number.group == "inputs":
        return Rule("range", low=0.1, high=1.0, step=0.05)
    if number.group == "weights":
        limit = _weight_limit(len(network.incoming(number.unit)))
        return Rule("range", low=0.05 if alive_relu else -limit, high=limit, step=0.05)
    if number.group == "biases":
        return Rule("range", low=0.05 if alive_relu else -0.5, high=0.5, step=0.05)
    if number.group == "targets":
        if LOSSES[network.loss].probability_targets:
            return ONE_HOT
        low, high = ACTIVATIONS[network.activations[-1]].output_range
        return Rule("range", low=max(low + 0.1, -1.0), high=min(high - 0.1, 1.0), step=0.1)
    return FIXED


def _weight_limit(fan_in: int) -> float:
    """1 for up to three inputs to a unit; else about 3 / fan-in, in steps of 0.05, at least 0.05."""
    from decimal import Decimal

    if fan_in <= 3:
        return 1.0
    return float(max(Decimal(1), Decimal(60) // fan_in) * Decimal("0.05"))


def rules_for(exercise: Exercise, dead_units: frozenset[int] = frozenset()) -> dict[str, Rule]:
    """Every given number's rule: the exercise's own for it (x1[2]), else for its name in every example
    (x1, in a dataset), else for its group, else the default."""
    network = exercise.network
    given = dict(exercise.variants or ())
    return {number.name: given.get(number.name) or given.get(number.plain) or given.get(number.group)
            or default_rule(network, number, dead_units) for number in numbers_of(network)}


@functools.lru_cache(maxsize=256)  # a class's variants share a few rules
def grid(rule: Rule, nonzero: bool) -> tuple[float, ...]:
    """The values a rule allows, exactly as decimals: min, min + step, ... up to max (0 left out if asked)."""
    if rule.kind == "choices":
        values = rule.values
    else:
        from decimal import Decimal

        low, high, step = (Decimal(repr(float(v))) for v in (rule.low, rule.high, rule.step))
        steps = int((high - low) / step)  # the loader bounds this by MAX_GRID
        values = tuple(float(low + k * step) for k in range(steps + 1) if low + k * step <= high)
    return tuple(v for v in values if v != 0) if nonzero else values


# ---------------------------------------------------------------- making a variant


def make_variant(exercise: Exercise, name: str, *, dead_units: frozenset[int] | None = None,
                 solution: Solution | None = None) -> Exercise:
    """The exercise with numbers drawn for variant ``name``: the first draw (of ``attempts_for``) whose
    numbers meet ``number_problems``. ReLU units dead in the exercise stay dead, and only those
    (``dead_units`` overrides). ``solution``: the exercise solved, when the caller has it (saves
    solving it again). Raises ExerciseError when the exercise forbids variants or no draw meets the
    rules."""
    from .solution import Solution, asked_names, solve
    from .solver import build_graph

    if exercise.variants is None:
        raise ExerciseError(f"{exercise.name} has no variants (its file says variants: false)",
                            file=exercise.path, hint="grade it without --variant, and without 'variant:'")
    normalized = variant_name(name)
    # A step's quantities and formulas depend on the exercise's shape and settings, never on its numbers
    # (training relies on it too): built once, the graph is evaluated with each attempt's numbers.
    if dead_units is None:
        solution = solution or solve(exercise)
        dead_units = _dead_relu_units(solution)
    graph = solution.graph if solution is not None else build_graph(exercise.network)
    asked = asked_names(exercise, graph)
    draws = Draws(seed_of(exercise, normalized))
    numbers = numbers_of(exercise.network)
    rules = rules_for(exercise, dead_units)
    grids = {number.name: grid(rules[number.name], nonzero=number.group in NONZERO) for number in numbers
             if rules[number.name].kind in ("range", "choices")}
    if any(not values for values in grids.values()):
        empty = next(name for name, values in grids.items() if not values)
        raise ExerciseError(f"variants: the rule for {empty} allows no number (0 is left out)",
                            file=exercise.path, hint="widen its range")
    attempts = attempts_for(exercise)
    for _ in range(attempts):
        drawn = _drawn(numbers, grids, draws)
        try:
            drawn |= _drawn_targets(graph, drawn, numbers, rules, grids, draws)
            candidate = exercise._replace(network=_with_numbers(exercise.network, numbers, drawn), variant=normalized)
            solved = Solution(candidate, graph, graph.evaluate(drawn), asked)
        except ExerciseError:  # overflow, or no target far enough from its output: not numbers to work with
            continue
        if not number_problems(solved, dead_units):
            return candidate
    raise ExerciseError(f"no numbers for variant {normalized} of {exercise.name} meet the rules for hand "
                        f"calculation in {attempts} draws", file=exercise.path,
                        hint="widen the ranges under 'variants:', or fix fewer numbers")


def attempts_for(exercise: Exercise) -> int:
    """MAX_ATTEMPTS draws, or fewer for a large network or dataset, so that no exercise stalls a batch:
    at least 10."""
    network = exercise.network
    sizes = network.layer_sizes
    per_example = 3 * sum(a * b for a, b in zip(sizes, sizes[1:])) + 4 * sum(sizes)  # about: per weight and unit
    return max(10, min(MAX_ATTEMPTS, WORK_PER_VARIANT // (len(network.dataset) * per_example)))


def _drawn(numbers: list[Given], grids: dict[str, tuple[float, ...]], draws: Draws) -> dict[str, float]:
    """Every number but the targets drawn, in order, by name (a fixed number takes no draw)."""
    return {number.name: draws.choice(grids[number.name]) for number in numbers
            if number.group != "targets" and number.name in grids}


def _drawn_targets(graph, drawn: dict[str, float], numbers: list[Given], rules: dict[str, Rule],
                   grids: dict[str, tuple[float, ...]], draws: Draws) -> dict[str, float]:
    """The targets, drawn last, example by example: one-hot, one draw picks the output that is 1; else
    each from its rule's values at least MIN_OUTPUT_ERROR from the output the drawn numbers give (the
    example's forward pass)."""
    targets = [number for number in numbers if number.group == "targets"]
    chosen: dict[str, float] = {}
    if any(rules[number.name].kind == "one_hot" for number in targets):
        for index in sorted({number.example for number in targets}):
            outputs = [number.name for number in targets if number.example == index]  # by unit
            hot = draws.below(len(outputs))
            chosen.update((name, float(place == hot)) for place, name in enumerate(outputs))
        return chosen
    values = graph.evaluate(drawn)  # the exercise's own targets stand in for those not drawn yet
    for number in targets:
        y = values[_named("y", number.unit, number.example)]
        if number.name not in grids:
            continue
        allowed = tuple(t for t in grids[number.name] if abs(t - y) >= MIN_OUTPUT_ERROR)
        if not allowed:
            raise ExerciseError(f"no target for {_named('y', number.unit, number.example)} = {y:.3g}")
        chosen[number.name] = draws.choice(allowed)
    return chosen


def _with_numbers(network: Network, numbers: list[Given], drawn: dict[str, float]) -> Network:
    """The network with the numbers ``drawn`` (by name); every other given number keeps its value."""
    value = {number.name: drawn.get(number.name, number.value) for number in numbers}

    def example(index: int, given: Example) -> Example:
        return Example({unit: value[_named("x", unit, index)] for unit in given.inputs},
                       {unit: value[_named("t", unit, index)] for unit in given.targets})

    examples = tuple(example(index, given) for index, given in enumerate(network.examples, start=1))
    first = examples[0] if examples else example(0, Example(network.inputs, network.targets))
    return network._replace(
        inputs=first.inputs, targets=first.targets, examples=examples,
        weights={pair: value[weight_name(*pair)] for pair in network.weights},
        biases={unit: value[bias_name(unit)] for unit in network.biases},
        learning_rate=value["eta"])


# ---------------------------------------------------------------- the rules


def number_problems(solution, dead_units: frozenset[int] = frozenset()) -> list[str]:
    """What keeps these numbers from being worked fairly by hand, one sentence each (empty: none):
    a weight, bias or input of 0; a sigmoid, tanh or softsign unit with |a| > 3 (saturated); a ReLU
    unit dead (a ≤ 0) other than ``dead_units``; an output within 0.05 of its target (squared error);
    or a value that a student who rounds every value to 4 significant digits, and works on from the
    rounded values, would not get credit for."""
    network = solution.exercise.network
    problems = [f"{number.name} is 0" for number in numbers_of(network)
                if number.group in NONZERO and number.value == 0]
    indices = range(1, len(network.examples) + 1) or [0]
    for index, values in zip(indices, example_values(network, solution.values)):
        problems += _unit_problems(network, values, dead_units, index)
    if not problems:
        problems += _unfair_to_rounding(solution)
    return problems


def _unit_problems(network, values, dead_units: frozenset[int], example: int = 0) -> list[str]:
    """Saturated or dead units, and outputs their targets make too easy, from one example's values
    (named as the solver names them: a3[2] for example 2 of a dataset)."""
    problems = []
    for unit in (unit for layer in network.layers[1:] for unit in layer):
        activation, a, a_name = network.activation_of(unit), values[f"a{unit}"], _named("a", unit, example)
        if ACTIVATIONS[activation].saturates and abs(a) > SATURATED:
            problems.append(f"unit {unit} is saturated (|{a_name}| > {SATURATED:g})")
        # A dataset's unit may be dead for one example and alive for another: only an unexpected death counts.
        if ACTIVATIONS[activation].can_die and (a <= 0) != (unit in dead_units) and (a <= 0 or not network.examples):
            problems.append(f"unit {unit} is {'dead' if a <= 0 else 'alive'} ({a_name} = {a:.3g})")
    if not LOSSES[network.loss].probability_targets:
        low, high = ACTIVATIONS[network.activations[-1]].output_range
        problems += [f"{_named('t', unit, example)} = {values[f't{unit}']:g} is outside what a "
                     f"{network.activations[-1]} output can be ({low:g} to {high:g})"
                     for unit in network.output_units if not low <= values[f"t{unit}"] <= high]
        problems += [f"{_named('y', unit, example)} is within {MIN_OUTPUT_ERROR:g} of its target"
                     for unit in network.output_units
                     if abs(values[f"t{unit}"] - values[f"y{unit}"]) < MIN_OUTPUT_ERROR]
    return problems


def _unfair_to_rounding(solution) -> list[str]:
    from .grading import grade

    graded = grade(solution, worked_by_hand(solution, 4))
    return [f"{result.name} is not credited when worked with 4 significant digits"
            for result in graded.values if result.verdict not in ("correct", "carried_forward")]


def worked_by_hand(solution, digits: int) -> dict[str, float]:
    """Every computed value as a careful student works it: from their own earlier values, each rounded
    to ``digits`` significant digits."""
    worked = dict(solution.values)
    student: dict[str, float] = {}
    for quantity in solution.graph:
        if quantity.form is not None:
            student[quantity.name] = worked[quantity.name] = float(f"{quantity.evaluate(worked):.{digits - 1}e}")
    return student


def _dead_relu_units(solution) -> frozenset[int]:
    network = solution.exercise.network
    return frozenset(unit for layer in network.layers[1:] for unit in layer for values in
                     example_values(network, solution.values)
                     if ACTIVATIONS[network.activation_of(unit)].can_die and values[f"a{unit}"] <= 0)


# ---------------------------------------------------------------- fresh exercises


def new_exercise(sizes: tuple[int, ...], activation: str = "sigmoid", loss: str = "squared_error", *,
                 biases: bool = False, seed: int = 0, title: str | None = None, examples: int = 0) -> Exercise:
    """A fresh exercise of this shape, its numbers drawn as a variant's are (the default rules, no
    dead ReLU unit), deterministically from the shape, the settings and ``seed``: one example, or with
    ``examples`` a dataset of that many (each example's inputs and targets drawn)."""
    layers = Network(sizes, (), {}, {}, {}, 1.0).layers
    output = LOSSES[loss].output_activation or activation
    example = Example({unit: 0.5 for unit in layers[0]}, {unit: float(unit == layers[-1][0]) for unit in layers[-1]})
    network = Network(
        layer_sizes=tuple(sizes), activations=(activation,) * (len(sizes) - 2) + (output,),
        inputs=example.inputs,
        weights={(source, dest): 0.5 for before, after in zip(layers, layers[1:]) for dest in after
                 for source in before},
        targets=example.targets,
        learning_rate=0.5, biases={unit: 0.1 for layer in layers[1:] for unit in layer} if biases else {},
        loss=loss, examples=(example,) * examples)
    shape = "-".join(str(size) for size in sizes)
    extras = " and ".join(["biases"] * biases + ["cross-entropy"] * (loss == "cross_entropy"))
    dataset = f" on {examples} example{'s' * (examples > 1)}" if examples else ""
    title = title or f"A {shape} {activation} network" + (f" with {extras}" if extras else "") + dataset
    base = Exercise(name=f"new-{shape}", title=title, network=network)
    return make_variant(base, f"seed {seed}", dead_units=frozenset())._replace(variant=None)
