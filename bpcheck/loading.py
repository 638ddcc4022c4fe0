"""Exercise files: YAML -> a validated Exercise, with file:line:column for every problem.

The format is documented in docs/reference/exercise-format.md. Built-in exercises are found by name in
the ``exercises`` folder shipped inside the package (or beside it, in a source checkout).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

from .activations import ACTIVATIONS
from .builtin import EXERCISE_DIRS, YAML_SUFFIXES, builtin_exercises
from .errors import ExerciseError, did_you_mean
from .feedback import LEVELS as FEEDBACK_LEVELS
from .files import identity
from .losses import LOSSES
from .names import canonical_name, unit_of, weight_units
from .network import (
    CONVENTIONS,
    OPTIMIZER_ALIASES,
    OPTIMIZER_SETTINGS,
    OPTIMIZER_STATE,
    Example,
    Exercise,
    Network,
    Optimizer,
    bias_name,
    setting_problem,
    weight_name,
)
from .quantities import STAGES
from .safetext import escape_controls, path_shown, quoted, shorten, shown
from .yamlfile import EXERCISE_LIMITS, Document, as_number, read_document

TOP_LEVEL_KEYS = ("title", "instructions", "layers", "activation", "inputs", "weights", "biases", "frozen",
                  "targets", "learning_rate", "loss", "convention", "asked", "tolerance", "points", "feedback",
                  "variants", "examples", "optimizer")
LOSS_ALIASES = {"softmax_cross_entropy": "cross_entropy", "mse": "squared_error"}
CONVENTION_ALIASES = {"t-y": "target_minus_output", "y-t": "output_minus_target",
                      "plus": "target_minus_output", "minus": "output_minus_target"}
STAGE_WORDS = tuple(stage for stage in STAGES if stage != "given")
SINGULAR = {"inputs": "input", "biases": "bias", "targets": "target"}
# Networks worked by hand are small; these bounds keep every path through bpcheck quick, and the
# template of the largest exercise within what an answers file may hold (yamlfile.ANSWERS_LIMITS).
MAX_UNITS_PER_LAYER = 50
MAX_LAYERS = 100
MAX_WEIGHTS = 10_000
MAX_EXAMPLES = 100
MAX_ADAM_STEP = 1_000_000




def resolve_exercise(spec: str, relative_to: Path | None = None) -> tuple[str, Path]:
    """(name, path) of a built-in name or a path to a YAML file (relative to ``relative_to``)."""
    builtins = builtin_exercises()
    for name in (spec, spec.lower()):  # EX1 is ex1: a name typed in a hurry, or by a workflow
        if name in builtins:
            return name, builtins[name]
    path = Path(spec)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.suffix.lower() in YAML_SUFFIXES or identity(path) is not None or "/" in spec or "\\" in spec:
        return path.stem, path
    hint = did_you_mean(spec, builtins, "run `bpcheck list` to see them, or give a path to a .yaml file")
    raise ExerciseError(f"{quoted(spec)} is neither a built-in exercise nor a YAML file", hint=hint)


def load_exercise(spec: str, relative_to: Path | None = None) -> Exercise:
    name, path = resolve_exercise(spec, relative_to)
    display = path_shown(path) if path.parent not in EXERCISE_DIRS else f"{name}.yaml"
    try:
        document = read_document(path, ExerciseError, display)
    except ExerciseError as error:
        if error.quotes_content and not _looks_like_an_exercise(path):  # a .env's key is not to be shown
            raise ExerciseError(_NOT_AN_EXERCISE[0], file=display, line=error.line, column=error.column,
                                hint=_NOT_AN_EXERCISE[1]) from None
        raise
    exercise = _ExerciseReader(document).exercise(shown(name))
    return exercise._replace(path=str(path))


_NOT_AN_EXERCISE = ("is not an exercise file (an exercise is a YAML mapping with layers:, weights:, ...)",
                    "name an exercise file; see docs/reference/exercise-format.md")
_EXERCISE_KEY = re.compile(r"(?:^|[\r\n])(?:layers|weights|inputs|targets|learning_rate)[ \t]*:")  # \r ends lines too


def _looks_like_an_exercise(path: Path) -> bool:
    """Does a file that YAML could not read start a line with an exercise key? If not (a .env, a key
    file, a log), its errors are not shown, for they would quote it."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(EXERCISE_LIMITS.max_bytes).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _EXERCISE_KEY.search(text) is not None


def given_lines(spec: str) -> dict[str, int]:
    """The line of each given number in an exercise file (x1, W13, b3, t5, eta; a dataset's x1[2], t5[2]),
    for messages about them."""
    path = resolve_exercise(spec)[1]
    try:
        document = read_document(path, ExerciseError)
    except ExerciseError:
        return {}
    data = document.data if isinstance(document.data, dict) else {}
    examples = data.get("examples")
    places: list[tuple[tuple, Any, str]] = [((group,), data.get(group), "")
                                            for group in ("inputs", "weights", "biases", "targets")]
    places += [(("examples", index, group), example.get(group), f"[{index + 1}]")  # x1[2]: example 2's x1
               for index, example in enumerate(examples if isinstance(examples, list) else [])
               if isinstance(example, dict)
               for group in ("inputs", "targets")]
    lines = {}
    for at, given, suffix in places:
        for key in given if isinstance(given, dict) else ():
            name = canonical_name(str(key))
            if name is not None:
                lines[name + suffix] = document.where(at + (key,), key=True)[0]
    if "learning_rate" in data:
        lines["eta"] = document.where(("learning_rate",), key=True)[0]
    return {name: line for name, line in lines.items() if line is not None}


def load_exercise_text(text: str, name: str = "exercise", display: str = "<exercise>") -> Exercise:
    """An exercise from YAML text (used by tests and tools that generate exercises)."""
    from .yamlfile import parse_document
    return _ExerciseReader(parse_document(text.encode("utf-8"), display, ExerciseError)).exercise(name)


# ---------------------------------------------------------------- validation


class _ExerciseReader:
    def __init__(self, document: Document):
        self.doc = document
        self.data = document.data

    def fail(self, path: tuple, message: str, hint: str, *, key: bool = False) -> NoReturn:
        line, column = self.doc.where(path, key=key)
        raise ExerciseError(message, file=self.doc.file, line=line, column=column, hint=hint)

    # -- small typed getters
    def number(self, path: tuple, value: Any) -> float:
        try:
            return as_number(value)
        except ValueError as exc:
            self.fail(path, f"{_label(path)}: {exc}", "write a decimal number such as 0.35")

    def mapping(self, key: str, required: bool = True) -> dict:
        value = self.data.get(key)
        if value is None and not required:
            return {}
        if value is None:
            self.fail((), f"'{key}:' is missing", f"add a '{key}:' mapping (see docs/reference/exercise-format.md)")
        if not isinstance(value, dict):
            self.fail((key,), f"'{key}' must be a mapping of names to numbers", f"write it as {key}: {{...}}")
        return value

    def text(self, key: str, default: str, limit: int = 200, *, lines: bool = False) -> str:
        """Text as written (`title: 1.10` stays 1.10), control characters escaped, cut to ``limit``;
        on one line unless ``lines``."""
        value = self.data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail((key,), f"'{key}' must be text", "write it as a quoted string")
        parts = [escape_controls(line) for line in self.doc.text((key,), value).splitlines()]
        return shorten(("\n" if lines else " ").join(parts), limit)

    def choice(self, key: str, choices: tuple[str, ...], aliases: dict[str, str], default: str,
               path: tuple | None = None, value: Any = None) -> str:
        path = path or (key,)
        if value is None:
            value = self.data.get(key)
            value = default if value is None else value
        word = str(value).strip().lower()
        word = aliases.get(word, word)
        if word not in choices:
            self.fail(path, f"unknown {key} {quoted(value)}",
                      did_you_mean(word, choices, f"use one of {', '.join(choices)}"))
        return word

    # -- the exercise
    def exercise(self, name: str) -> Exercise:
        # A file that is not an exercise at all (a .env, a key file, another program's YAML) is refused
        # without quoting any of it: an answers file may name any readable file.
        if not isinstance(self.data, dict) or not any(key in TOP_LEVEL_KEYS for key in self.data):
            self.fail((), *_NOT_AN_EXERCISE)
        for key in self.data:
            if key not in TOP_LEVEL_KEYS:
                self.fail((key,), f"unknown key {quoted(key)}",
                          did_you_mean(key, TOP_LEVEL_KEYS, f"the keys are {', '.join(TOP_LEVEL_KEYS)}"), key=True)
        network = self.network()
        from .solver import build_graph  # validates names asked and weighted against the real graph
        graph_names = build_graph(network).names(computed_only=True)  # givens are neither asked nor marked
        rtol, atol = self.tolerance()
        return Exercise(name=name, title=self.text("title", name), network=network,
                        instructions=self.text("instructions", "", limit=5000, lines=True).strip(),
                        asked=self.asked(graph_names), rtol=rtol, atol=atol,
                        points=self.points(graph_names), variants=self.variants(network),
                        feedback=self.choice("feedback", FEEDBACK_LEVELS, {}, "full") if "feedback" in self.data
                        else None)

    def network(self) -> Network:
        sizes, activations = self.layers()
        layers, first = [], 1
        for size in sizes:
            layers.append(range(first, first + size))
            first += size
        units = first - 1
        loss = self.choice("loss", tuple(LOSSES), LOSS_ALIASES, "squared_error")
        activations = self.check_softmax(activations, loss, len(sizes))
        examples = self.examples(layers, units, loss) if "examples" in self.data else ()
        if examples:
            inputs, targets = examples[0]
        else:
            inputs = self.unit_values("inputs", "x", layers[0], units)
            targets = self.targets(layers[-1], units, loss)
        weights = self.weights(layers, units)
        learning_rate = self.learning_rate()
        biases = self.unit_values("biases", "b", range(layers[1].start, first), units, required=False)
        parameters = {weight_name(*pair) for pair in weights} | {bias_name(unit) for unit in biases}
        if len(examples) * len(parameters) > MAX_WEIGHTS:
            self.fail(("examples",), f"{len(examples)} examples of {len(parameters):,} weights and biases make "
                      f"{len(examples) * len(parameters):,} gradients; bpcheck takes at most {MAX_WEIGHTS:,}",
                      "use fewer examples or a smaller network")
        frozen = self.frozen(parameters)
        return Network(
            layer_sizes=tuple(sizes), activations=tuple(activations), inputs=inputs, weights=weights,
            targets=targets, learning_rate=learning_rate, biases=biases, loss=loss,
            convention=self.choice("convention", CONVENTIONS, CONVENTION_ALIASES, "target_minus_output"),
            frozen=frozen, examples=examples, optimizer=self.optimizer(parameters - frozen),
        )

    def examples(self, layers: list[range], unit_count: int, loss: str) -> tuple[Example, ...]:
        """``examples:`` in place of inputs/targets: a list of {inputs: {...}, targets: {...}}."""
        for key in ("inputs", "targets"):
            if key in self.data:
                self.fail((key,), f"'{key}:' and 'examples:' are both given",
                          "give each example's inputs and targets under 'examples:', and delete this one",
                          key=True)
        given = self.data["examples"]
        if not isinstance(given, list) or not given or len(given) > MAX_EXAMPLES:
            self.fail(("examples",), f"'examples' must list 1 to {MAX_EXAMPLES} examples",
                      "write e.g. examples: [{inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}, ...]")
        examples = []
        for index, example in enumerate(given):
            path = ("examples", index)
            if not isinstance(example, dict) or set(example) != {"inputs", "targets"}:
                self.fail(path, f"example {index + 1} must have exactly 'inputs:' and 'targets:'",
                          "write it as {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}")
            inputs = self.unit_values("inputs", "x", layers[0], unit_count, given=example["inputs"], at=path)
            targets = self.targets(layers[-1], unit_count, loss, given=example["targets"], at=path)
            examples.append(Example(inputs, targets))
        return tuple(examples)

    def optimizer(self, trained: set[str]) -> Optimizer | None:
        """``optimizer: adam`` or ``optimizer: {name: momentum, beta: 0.9, state: {v_W13: 0.01}}``."""
        given = self.data.get("optimizer")
        if given is None:
            return None
        if not isinstance(given, dict):
            given = {"name": given}
        if "name" not in given:
            self.fail(("optimizer",), "optimizer: 'name' is missing",
                      "write e.g. optimizer: {name: momentum, beta: 0.9}")
        name = self.choice("optimizer", tuple(OPTIMIZER_SETTINGS), OPTIMIZER_ALIASES, "sgd",
                           path=("optimizer", "name") if "name" in given else ("optimizer",), value=given.get("name"))
        allowed = {"name", "state", *OPTIMIZER_SETTINGS[name], *(("step",) if name == "adam" else ())}
        for key in given:
            if key not in allowed:
                self.fail(("optimizer", key), f"optimizer: {quoted(key)} is not a setting of {name}",
                          f"{name} takes {', '.join(sorted(allowed))}", key=True)
        settings = {}
        for key, default in OPTIMIZER_SETTINGS[name].items():
            value = self.number(("optimizer", key), given.get(key, default))
            problem = setting_problem(key, value)
            if problem:
                self.fail(("optimizer", key), f"optimizer: {problem}", f"PyTorch's default is {default:g}")
            settings[key] = value
        step = given.get("step", 1)
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= MAX_ADAM_STEP:
            self.fail(("optimizer", "step"), "optimizer: step is the number of this step, a whole number from 1",
                      "write step: 1 for the first step (Adam's t)")
        return Optimizer(name, settings, self.optimizer_state(name, given.get("state"), trained), step)

    def optimizer_state(self, name: str, given: Any, trained: set[str]) -> dict[str, float]:
        """The state before this step, e.g. {v_W13: 0.01}; 0 where not given (a first step)."""
        if given is None:
            return {}
        known = [f"{state}_{parameter}" for state in OPTIMIZER_STATE[name] for parameter in sorted(trained)]
        if not isinstance(given, dict):
            self.fail(("optimizer", "state"), "optimizer: 'state' must map names such as v_W13 to numbers",
                      "write e.g. state: {v_W13: 0.01}")
        state: dict[str, float] = {}
        spelled: dict[str, str] = {}
        for key, value in given.items():
            canonical = canonical_name(str(key))
            if canonical not in known:
                self.fail(("optimizer", "state", key), f"optimizer state: {quoted(key)} is not a state of {name} "
                          "for a trained weight or bias", did_you_mean(str(key), known, f"{name} keeps "
                          + (", ".join(f"{s}_W13" for s in OPTIMIZER_STATE[name]) or "no state")), key=True)
            if canonical in state:
                self.fail(("optimizer", "state", key), f"optimizer state: {canonical} is given twice (as "
                          f"{shown(spelled[canonical])} and as {shown(key)})", "keep one of them", key=True)
            spelled[canonical] = str(key)
            state[canonical] = self.number(("optimizer", "state", key), value)
            if canonical.startswith("v_") and name == "adam" and state[canonical] < 0:
                self.fail(("optimizer", "state", key), f"{canonical} is a mean of squares and cannot be negative",
                          "write 0 or a positive number")
        return state

    def layers(self) -> tuple[list[int], list[str]]:
        layers = self.data.get("layers")
        if not isinstance(layers, list) or len(layers) < 2:
            self.fail(("layers",) if "layers" in self.data else (),
                      "'layers:' must list at least two layers (inputs first, outputs last)",
                      "write e.g. layers: [2, 2, 1]")
        default = self.choice("activation", tuple(ACTIVATIONS), {}, "sigmoid")
        sizes, activations = [], []
        for index, layer in enumerate(layers):
            path = ("layers", index)
            size, activation = layer, default
            if isinstance(layer, dict):
                unknown = set(layer) - {"units", "activation"}
                if unknown:
                    self.fail(path + (sorted(unknown)[0],), f"unknown layer key {quoted(sorted(unknown)[0])}",
                              "a layer has 'units:' and, optionally, 'activation:'", key=True)
                size = layer.get("units")
                if "activation" in layer:
                    if index == 0:
                        self.fail(path + ("activation",), "the input layer has no activation",
                                  "remove 'activation:' from the first layer")
                    activation = self.choice("activation", tuple(ACTIVATIONS), {}, default,
                                             path + ("activation",), layer["activation"])
            if isinstance(size, bool) or not isinstance(size, int):
                self.fail(path, f"layer {index + 1}: the number of units must be a whole number",
                          "write e.g. {units: 2} or just 2")
            if size < 1:
                self.fail(path, f"layer {index + 1} has {size} units", "every layer needs at least one unit")
            if size > MAX_UNITS_PER_LAYER:
                self.fail(path, f"layer {index + 1} has {size} units; bpcheck is for networks worked by hand",
                          f"use at most {MAX_UNITS_PER_LAYER} units a layer")
            sizes.append(size)
            if index:
                activations.append(activation)
        self.check_size(sizes)
        return sizes, activations

    def check_size(self, sizes: list[int]) -> None:
        if len(sizes) > MAX_LAYERS:
            self.fail(("layers",), f"{len(sizes)} layers; bpcheck is for networks worked by hand",
                      f"use at most {MAX_LAYERS} layers")
        weights = sum(before * after for before, after in zip(sizes, sizes[1:]))
        if weights > MAX_WEIGHTS:
            self.fail(("layers",), f"these layers need {weights:,} weights; bpcheck is for networks worked by hand",
                      f"use layers that need at most {MAX_WEIGHTS:,} weights")

    def check_softmax(self, activations: list[str], loss: str, depth: int) -> list[str]:
        needed = LOSSES[loss].output_activation
        if needed and "activation" not in self._last_layer() and "activation" not in self.data:
            activations[-1] = needed  # softmax is implied by cross-entropy (§19)
        for index, activation in enumerate(activations[:-1]):
            if not ACTIVATIONS[activation].hidden:
                hidden = ", ".join(name for name, entry in ACTIVATIONS.items() if entry.hidden)
                self.fail(("layers", index + 1), f"{activation} can only be the output layer's activation",
                          f"use one of {hidden} for hidden layers")
        if (activations[-1] == "softmax") != (loss == "cross_entropy"):
            self.fail(("loss",) if "loss" in self.data else ("layers", depth - 1),
                      "softmax outputs and cross_entropy loss go together",
                      "use loss: cross_entropy with a softmax output layer, or neither")
        if loss == "cross_entropy" and self._output_size() < 2:
            self.fail(("layers", depth - 1), "cross_entropy needs at least two output units "
                      "(a softmax over one unit is always 1, and nothing is learned)",
                      "give the output layer two or more units, or use loss: squared_error")
        return activations

    def _output_size(self) -> int:
        last = self.data["layers"][-1]
        return last.get("units", 0) if isinstance(last, dict) else last

    def _last_layer(self) -> dict:
        last = self.data["layers"][-1]
        return last if isinstance(last, dict) else {}

    def unit_values(self, key: str, letter: str, units: range, unit_count: int, *,
                    required: bool = True, given: Any = None, at: tuple = ()) -> dict[int, float]:
        """x1, x2 ... under ``key:`` (or under ``given``, an example's mapping at path ``at``)."""
        if at and not isinstance(given, dict):
            self.fail(at + (key,), f"'{key}' must be a mapping of names to numbers", f"write it as {key}: {{...}}")
        given = given if at else self.mapping(key, required)
        values: dict[int, float] = {}
        for name, value in given.items():
            unit = unit_of(canonical_name(name) or "", letter)
            if unit is None:
                self.fail(at + (key, name), f"{quoted(name)} is not {_a(SINGULAR[key])} name",
                          f"name them {letter}{units.start}, {letter}{units.start + 1}, ...", key=True)
            if unit in values:
                self.fail(at + (key, name), f"{shown(name)} names the same unit as another entry", "keep one of them",
                          key=True)
            if unit not in units:
                self.fail(at + (key, name), f"{shown(name)}: unit {unit} {_unit_role(unit, unit_count)}",
                          f"{key} belong to units {_span(units)}", key=True)
            values[unit] = self.number(at + (key, name), value)
        if required:
            missing = [f"{letter}{unit}" for unit in units if unit not in values]
            if missing:
                self.fail(at + (key,), f"{_list(missing)} {'is' if len(missing) == 1 else 'are'} missing",
                          f"add {_list(missing)} under '{key}:'", key=True)
        return values

    def weights(self, layers: list[range], unit_count: int) -> dict[tuple[int, int], float]:
        given = self.mapping("weights")
        layer_of = {unit: depth for depth, layer in enumerate(layers) for unit in layer}
        weights: dict[tuple[int, int], float] = {}
        for name, value in given.items():
            source, dest = self.weight_units(("weights", name), name)
            for unit in (source, dest):
                if unit not in layer_of:
                    self.fail(("weights", name), f"{shown(name)} leads to unit {unit}, which does not exist "
                              f"(this network has units 1-{unit_count})",
                              "check the unit numbers: W13 runs from unit 1 to unit 3", key=True)
            if layer_of[dest] != layer_of[source] + 1:
                following = layer_of[source] + 1
                feeds = (f"unit {source} feeds units {_span(layers[following])}" if following < len(layers)
                         else f"unit {source} is an output and feeds no unit")
                self.fail(("weights", name), f"{shown(name)} does not join a unit to the next layer ({feeds})",
                          "weights run from each layer to the next: W13 is from unit 1 to unit 3", key=True)
            if (source, dest) in weights:
                self.fail(("weights", name), f"{shown(name)} names the same weight as another entry",
                          "keep one of them", key=True)
            weights[(source, dest)] = self.number(("weights", name), value)
        missing = [weight_name(s, d) for depth in range(1, len(layers))
                   for d in layers[depth] for s in layers[depth - 1] if (s, d) not in weights]
        if missing:
            self.fail(("weights",), f"weight{'s' if len(missing) > 1 else ''} {_list(missing)} "
                      f"{'is' if len(missing) == 1 else 'are'} missing",
                      "every unit connects to every unit of the next layer; add "
                      f"{'them' if len(missing) > 1 else 'it'} under 'weights:'", key=True)
        return weights

    def weight_units(self, path: tuple, name: str) -> tuple[int, int]:
        # A name already canonical (W13, W9_10: what `bpcheck new` writes) is read without canonical_name's
        # patterns, which for 10,000 weights took a fifth of loading; any other spelling goes through them.
        units = weight_units(name) if isinstance(name, str) else None
        if units is None or weight_name(*units) != name:
            units = weight_units(canonical_name(name) or "")
        if units is None:
            self.fail(path, f"{quoted(name)} is not a weight name",
                      "name weights W<from><to>, e.g. W13, or W9_10 once a unit number reaches 10", key=True)
        return units

    def targets(self, outputs: range, unit_count: int, loss: str, *, given: Any = None,
                at: tuple = ()) -> dict[int, float]:
        targets = self.unit_values("targets", "t", outputs, unit_count, given=given, at=at)
        problem = LOSSES[loss].check_targets(list(targets.values()))
        if problem:
            self.fail(at + ("targets",), problem, "use a one-hot target such as t5: 1, t6: 0", key=True)
        return targets

    def learning_rate(self) -> float:
        if "learning_rate" not in self.data:
            self.fail((), "'learning_rate:' is missing", "add e.g. learning_rate: 1 (the tutorial's η)")
        rate = self.number(("learning_rate",), self.data["learning_rate"])
        if rate <= 0:
            self.fail(("learning_rate",), f"learning_rate must be positive, not {rate:g}",
                      "gradient descent steps with a positive η such as 0.5")
        return rate

    def frozen(self, parameters: set[str]) -> frozenset[str]:
        frozen = self.data.get("frozen") or []
        if not isinstance(frozen, list) or not all(isinstance(n, str) for n in frozen):
            self.fail(("frozen",), "'frozen' must list parameter names", "write e.g. frozen: [b3, b4]")
        names = []
        for index, written in enumerate(frozen):
            name = canonical_name(written)
            if name is None or name not in parameters:
                self.fail(("frozen", index), f"frozen: {quoted(written)} is not a weight or bias of this exercise",
                          "list names given under 'weights:' or 'biases:'")
            names.append(name)
        return frozenset(names)

    def tolerance(self) -> tuple[float, float]:
        tolerance = self.data.get("tolerance") or {}
        if not isinstance(tolerance, dict) or set(tolerance) - {"rtol", "atol"}:
            self.fail(("tolerance",), "'tolerance' takes rtol and atol",
                      "write e.g. tolerance: {rtol: 0.01, atol: 0}")
        rtol = self.number(("tolerance", "rtol"), tolerance.get("rtol", 0.01))
        atol = self.number(("tolerance", "atol"), tolerance.get("atol", 0.0))
        if rtol < 0 or atol < 0 or rtol >= 1:
            self.fail(("tolerance",), "tolerances must be at least 0 (and rtol below 1)",
                      "write e.g. tolerance: {rtol: 0.01}")
        return rtol, atol

    def asked(self, graph_names: list[str]) -> tuple[str, ...] | None:
        asked = self.data.get("asked")
        if asked is None or asked == "all":
            return None
        if not isinstance(asked, list) or not asked:
            self.fail(("asked",), "'asked' must list quantity names or stages",
                      f"write e.g. asked: [forward, delta5, W13_new]; stages are {', '.join(STAGE_WORDS)}")
        for index, name in enumerate(asked):
            if name not in graph_names and name not in STAGE_WORDS:
                self.fail(("asked", index), f"asked: {quoted(name)} is not a quantity of this exercise",
                          did_you_mean(name, graph_names + list(STAGE_WORDS),
                                       "run `bpcheck solve` on it to see the names"))
        return tuple(str(name) for name in asked)

    def points(self, graph_names: list[str]) -> dict[str, float]:
        points = self.data.get("points") or {}
        if not isinstance(points, dict):
            self.fail(("points",), "'points' must map quantity names to points", "write e.g. points: {E: 2}")
        result = {}
        from .quantities import DOWNHILL  # the step check: worth 0 points unless the exercise gives it some

        checks = (DOWNHILL,)
        for name, value in points.items():
            if name not in graph_names and name not in checks:
                self.fail(("points", name), f"points: {quoted(name)} is not a quantity of this exercise",
                          did_you_mean(name, [*graph_names, *checks], "use the names `bpcheck solve` shows"), key=True)
            result[name] = self.number(("points", name), value)
            if not 0 <= result[name] <= 1e6:
                self.fail(("points", name), f"points for {name} must be from 0 to 1,000,000",
                          "write e.g. 1 or 2")
        return result


    def variants(self, network: Network) -> tuple | None:
        """``variants: false`` forbids them; else each entry says how a group (inputs, weights, biases,
        targets, learning_rate) or one number (x1, W13, b3, t5; in a dataset x1[2], or x1 for every
        example's) varies: ``fixed``, a list of choices, or {min, max, step}."""
        given = self.data.get("variants")
        if given is False:
            return None
        if given is None or given is True:
            return ()
        from .variants import FIXED, GROUPS, rule_names

        if not isinstance(given, dict):
            self.fail(("variants",), "'variants' must be a mapping, or false",
                      "write e.g. variants: {weights: {min: -1, max: 1, step: 0.1}}, or variants: false")
        numbers = rule_names(network)
        rules: dict[str, Any] = {}
        for key, value in given.items():
            path = ("variants", key)
            name = key if key in GROUPS else canonical_name(str(key)) if key not in ("eta", "η") else "eta"
            if name not in GROUPS and name not in numbers:
                self.fail(path, f"variants: {quoted(key)} is neither a group nor a given number of this exercise",
                          did_you_mean(str(key), list(GROUPS) + list(numbers),
                                       f"use {', '.join(GROUPS)}, or a name such as W13"), key=True)
            if name in rules:
                self.fail(path, f"variants: {shown(key)} names the same number as another entry", "keep one of them",
                          key=True)
            group = name if name in GROUPS else numbers[name]
            if group == "targets" and LOSSES[network.loss].probability_targets and value != "fixed":
                self.fail(path, "cross-entropy targets are one-hot: a variant picks which output is 1",
                          "leave targets out of 'variants:' (or write targets: fixed)")
            if group == "targets" and name != "targets" and LOSSES[network.loss].probability_targets:
                self.fail(path, "cross-entropy targets vary together", "write targets: fixed for all of them",
                          key=True)
            rules[name] = FIXED if value == "fixed" else self.variant_rule(path, value)
            rule = rules[name]
            if group == "learning_rate" and rule.kind != "fixed" and min(rule.values or (rule.low,)) <= 0:
                self.fail(path, "variants: the learning rate must stay positive",
                          "give choices or a range above 0, such as [0.5, 1]")
        return tuple(rules.items())

    def variant_rule(self, path: tuple, value: Any):
        from .variants import MAX_GRID, MAX_VARIED, MIN_STEP, Rule

        if isinstance(value, list):
            choices = tuple(self.number(path + (index,), item) for index, item in enumerate(value))
            if not choices:
                self.fail(path, "an empty list of choices", "list at least one number, or write fixed")
            for index, choice in enumerate(choices):
                if abs(choice) > MAX_VARIED or round(choice, 4) != choice:
                    self.fail(path + (index,), f"{_label(path)}: {choice:g} is not a number a person works by hand",
                              "use numbers with at most four decimals, such as 0.25")
            return Rule("choices", values=choices)
        if not isinstance(value, dict) or set(value) != {"min", "max", "step"}:
            self.fail(path, f"{_label(path)}: write fixed, a list of numbers, or {{min, max, step}}",
                      "e.g. weights: {min: -1, max: 1, step: 0.1}")
        low, high, step = (self.number(path + (key,), value[key]) for key in ("min", "max", "step"))
        if not (low <= high and step > 0):
            self.fail(path, f"{_label(path)}: min must not exceed max, and step must be positive",
                      "e.g. {min: -1, max: 1, step: 0.1}")
        if step < MIN_STEP or max(abs(low), abs(high)) > MAX_VARIED:
            self.fail(path, f"{_label(path)}: steps under {MIN_STEP:g}, or numbers beyond ±{MAX_VARIED:g}, are "
                      "not numbers a person works by hand", "use a step such as 0.1 or 0.05")
        if (high - low) / step > MAX_GRID:
            self.fail(path, f"{_label(path)}: more than {MAX_GRID:,} values from min to max in these steps",
                      "use a larger step: numbers a person multiplies by hand have one or two decimals")
        return Rule("range", low=low, high=high, step=step)


def _label(path: tuple) -> str:
    return shown(next((str(part) for part in reversed(path) if not isinstance(part, int)), "value"))


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _span(units: range) -> str:
    return f"{units.start}" if len(units) == 1 else f"{units.start}-{units.stop - 1}"


def _list(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _unit_role(unit: int, unit_count: int) -> str:
    return "does not exist" if not 1 <= unit <= unit_count else "is not in that layer"
