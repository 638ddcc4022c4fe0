"""An exercise written out as a file in README's format, commented, ready to solve, template and grade."""

from __future__ import annotations

import json

from ..losses import LOSSES
from ..network import Exercise, bias_name, weight_name
from ..numbers import shortest
from ..safetext import escape_controls

INSTRUCTIONS = ("Do one step of gradient descent on this network: the forward pass, the error, the deltas\n"
                "(output units first, then hidden), every weight update, and the forward pass again with\n"
                "the new weights.")
DATASET_INSTRUCTIONS = ("Do one step of full-batch gradient descent on these examples: each example's forward\n"
                        "pass, error, deltas and gradients; the mean of each gradient over the examples; every\n"
                        "weight update; and each example's forward pass again with the new weights.")


def exercise_yaml(exercise: Exercise, made_by: str) -> str:
    network = exercise.network
    layers = network.layers
    roles = " | ".join(f"{_span(layer)} ({role})" for layer, role in
                       zip(layers, ["inputs"] + ["hidden"] * (len(layers) - 2) + ["outputs"]))
    hidden, output = network.activations[0], network.activations[-1]
    sizes = [str(size) for size in network.layer_sizes]
    if output != hidden:  # a softmax output layer under another hidden activation
        sizes[-1] = f"{{units: {sizes[-1]}, activation: {output}}}"
    lines = [f"# Made by: {escape_controls(made_by)}",  # a comment stays one line, whatever the title holds
             "# Solve it: bpcheck solve THIS_FILE.yaml   Answers to fill in: bpcheck template THIS_FILE.yaml",
             f"title: {json.dumps(exercise.title, ensure_ascii=False)}",
             "instructions: |",
             *(f"  {line}" for line in (DATASET_INSTRUCTIONS if network.examples else INSTRUCTIONS).splitlines()),
             f"layers: [{', '.join(sizes)}]   # units {roles}",
             f"activation: {hidden}",
             f"loss: {network.loss}   # E = {LOSSES[network.loss].description}",
             *([] if network.examples else [f"inputs: {_inputs(network.inputs)}"]),
             "weights:   # W13 runs from unit 1 to unit 3",
             *(f"  {weight_name(source, dest)}: {shortest(network.weights[source, dest])}"
               for dest in (unit for layer in layers[1:] for unit in layer) for source in network.incoming(dest))]
    if network.biases:
        lines.append(f"biases: {_mapping({bias_name(unit): value for unit, value in network.biases.items()})}")
    if network.examples:  # a dataset: E is the mean of the examples' losses, and the step is along the mean gradient
        lines += ["examples:   # each example's values are named x1[1], y3[2] ...",
                  *(f"  - {{inputs: {_inputs(example.inputs)}, targets: {_targets(example.targets)}}}"
                    for example in network.examples)]
    else:
        lines.append(f"targets: {_targets(network.targets)}")
    lines.append(f"learning_rate: {shortest(network.learning_rate)}   # η")
    return "\n".join(lines) + "\n"


def _inputs(inputs: dict[int, float]) -> str:
    return _mapping({f"x{unit}": value for unit, value in inputs.items()})


def _targets(targets: dict[int, float]) -> str:
    return _mapping({f"t{unit}": value for unit, value in targets.items()})


def _mapping(values: dict[str, float]) -> str:
    return "{" + ", ".join(f"{name}: {shortest(value)}" for name, value in values.items()) + "}"


def _span(layer: tuple[int, ...]) -> str:
    return f"{layer[0]}" if len(layer) == 1 else f"{layer[0]}-{layer[-1]}"
