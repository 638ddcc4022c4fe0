"""Loss functions: one entry each, holding everything bpcheck knows of it.

The solver reads E's formula (a tree: how it is computed and written comes from it) and whether the
output slope cancels from the output delta; exercise validation reads which output activation it needs
and what targets it takes; the named mistakes read whether it has a ½ to forget; the exercise view
reads its description. Adding a loss is adding an entry here. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Callable, NamedTuple

from .nodes import CrossEntropy, Node, Num, Prod, Ref, Square, Sub, Sum


class Loss(NamedTuple):
    name: str
    description: str  # for the exercise as a student reads it
    form: Callable[[tuple[Ref, ...], tuple[Ref, ...], tuple[Ref, ...]], Node]  # E's tree of (targets, outputs, logits)
    output_activation: str | None = None  # the output layer it needs (and implies), if any
    slope_cancels: bool = False  # the output delta is just t - y (§19)
    halved: bool = False  # E = ½Σ...: a ½ a student can forget (the missing-half mistake)
    probability_targets: bool = False  # targets are probabilities summing to 1

    def check_targets(self, targets: Sequence[float]) -> str | None:
        """What is wrong with these targets for this loss, or None."""
        if self.probability_targets:
            total = math.fsum(targets)
            if abs(total - 1.0) > 1e-9 or min(targets) < 0:
                return f"{self.name} targets must be probabilities summing to 1 (these sum to {total:g})"
        return None


def _squared_error(targets, outputs, logits) -> Node:
    """½Σ(t - y)²."""
    return Prod((Num(0.5, "half"), Sum(tuple(Square(Sub(t, y), "output-term") for t, y in zip(targets, outputs)))))


def _cross_entropy(targets, outputs, logits) -> Node:
    """-Σ t·ln y, computed from the logits where an output rounds to 0 (``cross_entropy``)."""
    return CrossEntropy(tuple(targets), tuple(outputs), tuple(logits))


def log_sum_exp(logits) -> float:
    top = max(logits)
    return top + math.log(math.fsum(math.exp(a - top) for a in logits))


def cross_entropy(targets, outputs, logits) -> float:
    """-Σ t·ln y, from the outputs while they are representable, else from the logits (no log(0))."""
    if all(y > 1e-300 for t, y in zip(targets, outputs) if t):
        loss = -math.fsum(t * math.log(y) for t, y in zip(targets, outputs) if t)
    else:
        lse = log_sum_exp(logits)
        loss = math.fsum(t * (lse - a) for t, a in zip(targets, logits) if t)
    return loss + 0.0  # never -0.0: an output of exactly 1 has no loss


LOSSES: dict[str, Loss] = {entry.name: entry for entry in (
    Loss("squared_error", "½Σ(t - y)²", _squared_error, halved=True),
    Loss("cross_entropy", "cross-entropy -Σ t·ln y", _cross_entropy, output_activation="softmax",
         slope_cancels=True, probability_targets=True),
)}
