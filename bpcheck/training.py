"""Training runs: the solver's step repeated (tutorial §14), on a dataset in batches (§18), with the
optimizer's state carried from step to step (§19); and the size of each layer's δ (§15).

One source of the math: a step is the graph solver.build_graph makes, compiled once into a list of
(slot, function, input slots) and evaluated again and again with the new parameters; nothing here
repeats a formula. Pure: no I/O, no click, rich or yaml.
"""

from __future__ import annotations

from collections.abc import Mapping

from .network import Network


def mean_abs_deltas(network: Network, values: Mapping[str, float]) -> list[tuple[str, float]]:
    """(layer label, mean |δ| over its units and every example) for each layer after the inputs."""
    suffixes = [f"[{index}]" for index in range(1, len(network.examples) + 1)] or [""]
    means = []
    last = len(network.layers) - 1
    for depth, layer in enumerate(network.layers[1:], start=1):
        deltas = [abs(values[f"delta{unit}{suffix}"]) for unit in layer for suffix in suffixes]
        role = "output" if depth == last else "hidden"
        means.append((f"{depth + 1} ({role}, units {layer[0]}-{layer[-1]})" if len(layer) > 1
                      else f"{depth + 1} ({role}, unit {layer[0]})", sum(deltas) / len(deltas)))
    return means
