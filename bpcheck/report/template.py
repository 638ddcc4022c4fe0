"""An answers file to fill in: every asked quantity in solving order, blank, a comment per stage."""

from __future__ import annotations

import json
import re

from ..quantities import STAGES
from ..solution import Solution

# Editors that read this line (VS Code's YAML extension and others) check the file as it is typed.
SCHEMA_URL = "https://raw.githubusercontent.com/bpcheck/bpcheck/main/bpcheck/schemas/answers.schema.json"

STAGE_HINTS = {
    "forward": "a = Σ W·o (+ b), then y = the activation of a",
    "loss": "the error of the outputs",
    "backward": "output units first, then hidden: delta = f'(a)·(t - y) or f'(a)·Σ W·delta",
    "gradient": "each example's dE_dW, then the means over the examples of E and of each gradient",
    "update": "for each weight: dE_dW (the gradient), dW (the change), W_new = W + dW",
    "check": "the forward pass again with the new weights, and the new error",
}


def _yaml_scalar(text: str) -> str:
    """A plain name stays plain; a path with spaces, '#' or other YAML punctuation is quoted."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", text) and not text.startswith(("-", ".-")):
        return text
    # A JSON string is a valid YAML double-quoted scalar; what a terminal would act on stays escaped.
    return "".join(char if char.isprintable() else _escape(char) for char in json.dumps(text, ensure_ascii=False))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def answers_template(solution: Solution, spec: str) -> str:
    exercise = solution.exercise
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}",
             f"# Answers for {exercise.title} ({exercise.name}).",
             "# Write each value you computed after its name; leave blank what you did not.",
             "# Then check them: bpcheck grade THIS_FILE.yaml",
             f"exercise: {_yaml_scalar(spec)}",
             *([f"variant: {_yaml_scalar(exercise.variant)}"] if exercise.variant else []),
             "answers:"]
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if solution.graph[name].stage == stage]
        if names:
            lines.append(f"  # {title}: {STAGE_HINTS[stage]}")
            lines += [f"  {name}:" for name in names]
    return "\n".join(lines) + "\n"
