"""The manual's "Variants" algorithm (docs/instructors/variants.md), re-implemented here from its text alone,
against bpcheck's variants.

The draws, the key, the order, the grids, the targets and the attempts are written from the manual; only the
arithmetic of a forward pass and the rules' check (tests/test_course.py's, itself written apart from
variants.number_problems) come from elsewhere. If the two ever disagree, the manual no longer specifies
what bpcheck does, and a variant made by a course's own tool would differ from bpcheck's.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_course import CROSS_ENTROPY_DATASET, DATASET, XOR, assert_meets_the_rules

from bpcheck import load_exercise
from bpcheck.loading import load_exercise_text
from bpcheck.network import Example
from bpcheck.variants import make_variant

# The rules a test file gives under variants:, as README's key writes them: [kind, choices, min, max, step].
RULES = {"x1": ["choices", [0.5, 1.0], 0.0, 0.0, 0.0], "x2[3]": ["fixed", [], 0.0, 0.0, 0.0],
         "t6": ["range", [], 0.1, 0.9, 0.2], "weights": ["range", [], -0.6, 0.6, 0.3]}
RULES_YAML = "variants:\n  x1: [0.5, 1]\n  x2[3]: fixed\n  t6: {min: 0.1, max: 0.9, step: 0.2}\n" \
             "  weights: {min: -0.6, max: 0.6, step: 0.3}\n"
ACTIVATIONS = {"sigmoid": (lambda a: 1 / (1 + math.exp(-a)), (0.0, 1.0)), "tanh": (math.tanh, (-1.0, 1.0))}


def weight_name(source: int, dest: int) -> str:
    return f"W{source}_{dest}" if source >= 10 or dest >= 10 else f"W{source}{dest}"


class Stream:
    """Step 4: draw k is SHA-256(seed ‖ k, 8 bytes big-endian), its first 8 bytes big-endian."""

    def __init__(self, seed: bytes):
        self.seed, self.k = seed, 0

    def pick(self, choices: list[float]) -> float:
        block = hashlib.sha256(self.seed + self.k.to_bytes(8, "big")).digest()
        self.k += 1
        return choices[int.from_bytes(block[:8], "big") % len(choices)]


def readme_variant(exercise, name: str, rules: dict) -> tuple:
    """(examples, weights, biases, eta) of variant ``name``, as README's steps 1-6 make it (sigmoid or tanh
    hidden layers; squared error or cross-entropy; no ReLU, so no unit is kept alive)."""
    net = exercise.network
    layers, first = [], 1
    for size in net.layer_sizes:
        layers.append(list(range(first, first + size)))
        first += size
    examples = list(net.examples) or [Example(net.inputs, net.targets)]
    indexed = bool(net.examples)

    def named(letter, unit, index):
        return f"{letter}{unit}[{index}]" if indexed else f"{letter}{unit}"

    # Steps 1-3: the name, the key and the seed.
    name = "".join(c.lower() if "A" <= c <= "Z" else c for c in unicodedata.normalize("NFC", name.strip()))
    key = {"layers": list(net.layer_sizes), "activations": list(net.activations), "loss": net.loss,
           "convention": net.convention, "learning_rate": float(net.learning_rate),
           "weights": {weight_name(s, d): float(w) for (s, d), w in net.weights.items()},
           "biases": {f"b{unit}": float(b) for unit, b in net.biases.items()}, "variants": rules}
    ex_key = [{"inputs": {f"x{u}": float(x) for u, x in e.inputs.items()},
               "targets": {f"t{u}": float(t) for u, t in e.targets.items()}} for e in examples]
    if indexed:
        key["examples"] = ex_key
    else:
        key.update(ex_key[0])
    text = json.dumps(key, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    stream = Stream(hashlib.sha256(b"bpcheck-variant-1\n" + text.encode() + b"\n" + name.encode()).digest())

    # The default rules, and a rule's choices (step 4; 0 left out of inputs, weights and biases).
    def rule(number, group, plain=None):
        for written in (number, plain, group):
            if written in rules:
                return rules[written]
        if group == "inputs":
            return ["range", [], 0.1, 1.0, 0.05]
        if group == "weights":
            return None  # by the fan-in of its destination: weight_rule
        if group == "biases":
            return ["range", [], -0.5, 0.5, 0.05]
        if group == "targets":
            if net.loss == "cross_entropy":
                return ["one_hot"]
            low, high = ACTIVATIONS[net.activations[-1]][1]
            return ["range", [], max(low + 0.1, -1.0), min(high - 0.1, 1.0), 0.1]
        return ["fixed"]

    def weight_rule(number, dest):
        given = rule(number, "weights")
        if given is not None:
            return given
        fan_in = len(next(layers[depth - 1] for depth, layer in enumerate(layers) if dest in layer))
        limit = 1.0 if fan_in <= 3 else 0.05 * max(1, 60 // fan_in)
        return ["range", [], -limit, limit, 0.05]

    def choices(given, nonzero):
        kind = given[0]
        if kind == "choices":
            values = list(given[1])
        else:
            low, high, step = (Decimal(repr(float(v))) for v in given[2:5])
            values, k = [], 0
            while low + k * step <= high:
                values.append(float(low + k * step))
                k += 1
        return [v for v in values if not (nonzero and v == 0)]

    # Step 5, in order: inputs example by example, weights by destination then source, biases, η.
    order = [(named("x", u, i + 1), "inputs", ("x", i, u)) for i, e in enumerate(examples) for u in sorted(e.inputs)]
    order += [(weight_name(s, d), "weights", ("W", s, d)) for (s, d) in sorted(net.weights, key=lambda p: (p[1], p[0]))]
    order += [(f"b{u}", "biases", ("b", u)) for u in sorted(net.biases)]
    order += [("eta", "learning_rate", ("eta",))]
    for _ in range(1000):  # step 6
        x = [dict(e.inputs) for e in examples]
        w, b, eta = dict(net.weights), dict(net.biases), net.learning_rate
        for number, group, where in order:
            given = weight_rule(number, where[2]) if group == "weights" else \
                rule(number, group, number.split("[")[0])
            if given[0] == "fixed":
                continue
            value = stream.pick(choices(given, group in ("inputs", "weights", "biases")))
            if where[0] == "x":
                x[where[1]][where[2]] = value
            elif where[0] == "W":
                w[where[1], where[2]] = value
            elif where[0] == "b":
                b[where[1]] = value
            else:
                eta = value
        targets, ended = [], False
        for index, example in enumerate(examples):
            outputs = forward(net, layers, x[index], w, b)
            kept = dict(example.targets)
            units = sorted(example.targets)
            if net.loss == "cross_entropy" and rule(named("t", units[0], index + 1), "targets", f"t{units[0]}")[0] \
                    == "one_hot":
                hot = stream.pick(units)
                kept = {u: float(u == hot) for u in units}
            else:
                for unit in units:
                    given = rule(named("t", unit, index + 1), "targets", f"t{unit}")
                    if given[0] == "fixed":
                        continue
                    allowed = [t for t in choices(given, False) if abs(t - outputs[unit]) >= 0.05]
                    if not allowed:
                        ended = True
                        break
                    kept[unit] = stream.pick(allowed)
            if ended:
                break
            targets.append(kept)
        if ended:
            continue
        drawn = [Example(inputs, kept) for inputs, kept in zip(x, targets)]
        candidate = exercise._replace(network=net._replace(
            inputs=drawn[0].inputs, targets=drawn[0].targets, examples=tuple(drawn) if indexed else (),
            weights=w, biases=b, learning_rate=eta))
        try:
            assert_meets_the_rules(candidate)
        except AssertionError:
            continue
        return [(e.inputs, e.targets) for e in drawn], w, b, eta
    raise AssertionError("no variant in 1000 attempts")


def forward(net, layers, inputs, weights, biases) -> dict[int, float]:
    """Each unit's output, written out (README: the outputs the drawn numbers give)."""
    y = dict(inputs)
    for depth in range(1, len(layers)):
        a = {unit: sum(weights[source, unit] * y[source] for source in layers[depth - 1]) + biases.get(unit, 0.0)
             for unit in layers[depth]}
        activation = net.activations[depth - 1]
        if activation == "softmax":
            top = max(a.values())
            total = sum(math.exp(v - top) for v in a.values())
            y.update({unit: math.exp(v - top) / total for unit, v in a.items()})
        else:
            y.update({unit: ACTIVATIONS[activation][0](v) for unit, v in a.items()})
    return y


def bpchecks(exercise, name: str) -> tuple:
    net = make_variant(exercise, name).network
    examples = net.examples or (Example(net.inputs, net.targets),)
    return [(e.inputs, e.targets) for e in examples], net.weights, net.biases, net.learning_rate


EXERCISES = {
    "xor": lambda: (load_exercise(str(XOR)), {}),
    "dataset": lambda: (load_exercise_text(DATASET), {}),
    "dataset with rules": lambda: (load_exercise_text(DATASET + RULES_YAML), RULES),
    "cross-entropy dataset": lambda: (load_exercise_text(CROSS_ENTROPY_DATASET), {}),
    "ex1": lambda: (load_exercise("ex1"), {}),
    "ex5": lambda: (load_exercise("ex5"), {}),
}


@pytest.mark.parametrize("which", list(EXERCISES))
def test_readme_gives_bpchecks_variants(which):
    exercise, rules = EXERCISES[which]()
    for name in ("alice", "Bob ", "s1234567"):
        assert readme_variant(exercise, name, rules) == bpchecks(exercise, name)


@settings(max_examples=10, deadline=None)
@given(name=st.text(st.characters(min_codepoint=33, max_codepoint=0x36F, exclude_categories=("Cc", "Zs")), min_size=1, max_size=12),
       which=st.sampled_from(["xor", "dataset with rules", "cross-entropy dataset"]))
def test_readme_gives_bpchecks_variants_for_any_name(name, which):
    assume(name.strip() and name.isprintable())  # what bpcheck takes as a variant name (variants.variant_name)
    exercise, rules = EXERCISES[which]()
    assert readme_variant(exercise, name, rules) == bpchecks(exercise, name)


def test_a_name_in_either_unicode_form_is_one_variant(cli, tmp_path):
    """José typed (é one character) and José read back from a file system that decomposes names (e and
    a combining accent) are one student: the same numbers, and a folder in either form graded as them."""
    composed, decomposed = "Jos\u00e9", "Jose\u0301"
    assert composed != decomposed and unicodedata.normalize("NFC", decomposed) == composed
    exercise = load_exercise(str(XOR))
    assert bpchecks(exercise, decomposed) == bpchecks(exercise, composed)
    assert bpchecks(exercise, "jose") != bpchecks(exercise, composed)  # the accent still counts
    right = json.loads(cli("solve", "ex1", "--variant", composed, "--format", "json").stdout)["values"]
    for name in (composed, decomposed, "alice"):
        folder = tmp_path / name
        folder.mkdir()
        answers = {key: right[key] for key in ("a3", "y3")}
        (folder / "answers.yaml").write_text(json.dumps({"answers": answers}), encoding="utf-8")
    graded = json.loads(cli("grade", tmp_path, "--exercise", "ex1", "--variant-from-id", "--format", "json").stdout)
    scores = {Path(record["file"]).parent.name: record["score"] for record in graded["files"]}
    assert scores == {composed: 2, decomposed: 2, "alice": 1}  # alice: a3 wrong, y3 carried forward from it
