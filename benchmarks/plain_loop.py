"""Gradient descent on a layered sigmoid network with squared error, as a plain Python loop: the
independent oracle of tests/test_training.py and the baseline `benchmarks/bench.py train` compares
`bpcheck train` with. It shares no code with bpcheck.

weights[n][j][i] is the weight from unit i of layer n to unit j of layer n + 1 (the tutorial's
companion verifier's layout, §18); biases[n][j] that of unit j of layer n + 1, or biases None for a
network without them.
"""

from __future__ import annotations

import math


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def train(weights, biases, examples, eta: float, iterations: int) -> list[float]:
    """Full-batch gradient descent; returns E (the mean over the examples) before every update.
    ``weights`` and ``biases`` are updated in place."""
    losses = []
    count = len(examples)
    trained_biases = biases is not None
    biases = biases if trained_biases else [[0.0] * len(layer) for layer in weights]
    for _ in range(iterations):
        grads_w = [[[0.0] * len(row) for row in layer] for layer in weights]
        grads_b = [[0.0] * len(layer) for layer in biases]
        total = 0.0
        for inputs, targets in examples:
            outputs = [list(inputs)]
            for layer, layer_biases in zip(weights, biases):
                previous = outputs[-1]
                outputs.append([sigmoid(sum(w * o for w, o in zip(row, previous)) + b)
                                for row, b in zip(layer, layer_biases)])
            total += 0.5 * sum((t - y) ** 2 for t, y in zip(targets, outputs[-1]))
            # dE/da of each unit, output layer first
            deltas = [(y - t) * y * (1 - y) for t, y in zip(targets, outputs[-1])]
            for n in range(len(weights) - 1, -1, -1):
                below = outputs[n]
                for j, d in enumerate(deltas):
                    grads_b[n][j] += d
                    for i, o in enumerate(below):
                        grads_w[n][j][i] += d * o
                if n:
                    deltas = [y * (1 - y) * sum(weights[n][j][i] * deltas[j] for j in range(len(deltas)))
                              for i, y in enumerate(below)]
        losses.append(total / count)
        for n, layer in enumerate(weights):
            for j, row in enumerate(layer):
                for i in range(len(row)):
                    row[i] -= eta * grads_w[n][j][i] / count
                if trained_biases:
                    biases[n][j] -= eta * grads_b[n][j] / count
    return losses


def tutorial_network():
    """Exercise 1 (tutorial §13): weights, biases (none) and its one example."""
    return [[[0.1, 0.8], [0.4, 0.6]], [[0.3, 0.9]]], None, [((0.35, 0.9), (0.5,))]
