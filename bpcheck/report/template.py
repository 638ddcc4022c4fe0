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


# Plain words YAML reads as something other than text (null, a boolean): quoted, as is anything that
# starts as a number does (01234567 would lose its 0, 1.50 its last digit).
YAML_WORDS = frozenset({"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"})


def _yaml_scalar(text: str) -> str:
    """A plain name stays plain; a path with spaces, '#' or other YAML punctuation is quoted, and so is a
    name that YAML would read as a number, a boolean or nothing."""
    if (re.fullmatch(r"[A-Za-z0-9_./-]+", text) and not text.startswith(("-", ".-"))
            and not re.match(r"\.?[0-9]|\.(inf|nan)$", text, re.I) and text.lower() not in YAML_WORDS):
        return text
    # A JSON string is a valid YAML double-quoted scalar; what a terminal would act on stays escaped.
    return "".join(char if char.isprintable() else _escape(char) for char in json.dumps(text, ensure_ascii=False))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def answers_template(solution: Solution, spec: str, *, student: str | None = None,
                     preface: tuple[str, ...] = ()) -> str:
    """``spec``: the exercise as the file names it; ``student``: the `student:` (an id); ``preface``:
    comment lines after the first (a handout's exercise, as the student reads it)."""
    exercise = solution.exercise
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}",
             *preface,
             f"# Answers for {exercise.title} ({exercise.name}).",
             "# Write each value you computed after its name; leave blank what you did not.",
             "# Then check them: bpcheck grade THIS_FILE.yaml",
             *([f"student: {_yaml_scalar(student)}"] if student is not None else []),
             f"exercise: {_yaml_scalar(spec)}",
             *([f"variant: {_yaml_scalar(exercise.variant)}"] if exercise.variant else []),
             "answers:"]
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if solution.graph[name].stage == stage]
        if names:
            lines.append(f"  # {title}: {STAGE_HINTS[stage]}")
            lines += [f"  {name}:" for name in names]
    return "\n".join(lines) + "\n"
