"""An answers file to fill in: every asked quantity in solving order, blank, a comment per stage."""

from __future__ import annotations

from ..quantities import STAGES
from ..solution import Solution

STAGE_HINTS = {
    "forward": "a = Σ W·o (+ b), then y = the activation of a",
    "loss": "the error of the outputs",
    "backward": "output units first, then hidden: delta = f'(a)·(t - y) or f'(a)·Σ W·delta",
    "update": "for each weight: dE_dW (the gradient), dW (the change), W_new = W + dW",
    "check": "the forward pass again with the new weights, and the new error",
}


def answers_template(solution: Solution, spec: str) -> str:
    exercise = solution.exercise
    lines = [f"# Answers for {exercise.title} ({exercise.name}).",
             "# Write each value you computed after its name; leave blank what you did not.",
             "# Then check them: bpcheck grade THIS_FILE.yaml",
             f"exercise: {spec}",
             "answers:"]
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if solution.graph[name].stage == stage]
        if names:
            lines.append(f"  # {title}: {STAGE_HINTS[stage]}")
            lines += [f"  {name}:" for name in names]
    return "\n".join(lines) + "\n"
