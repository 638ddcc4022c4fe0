"""A practice session's events as lines, and its answers file. Pure: records in, text out.

Each line is (style, text): the style is Rich's, for a terminal; plain output ignores it. Verdicts are
labelled as the grade report labels them (report/grades.py).
"""

from __future__ import annotations

import json
import re

from ..numbers import counted, for_count
from ..practice import Ask, Checked, Event, Finished, Intro, Noted, Revealed, Said
from ..solution import Solution
from .grades import VERDICT_LABELS, VERDICT_STYLES, score_line
from .template import answers_template

Line = tuple[str, str]

PROMPTS = {"value": "{name}", "retry": "{name}, second try", "reveal": "show the answer? [y/N]"}


def prompt_text(kind: str, name: str) -> str:
    """What a prompt says, before its ': '."""
    return PROMPTS[kind].format(name=name)


def intro_lines(intro: Intro, heading: str, feedback: str, saved_to: str, fmt) -> list[Line]:
    lines = [("bold underline", f"Practice: {heading}"),
             ("dim", f"Feedback: {feedback} · every answer is saved as you go to {saved_to}")]
    if intro.givens:
        lines.append(("", "Given: " + ", ".join(f"{name} = {fmt(value)}" for name, value in intro.givens)))
    if intro.right:
        lines.append(("", f"Resuming: {intro.right} of {counted(intro.right + intro.asked, 'value')} "
                          f"{for_count(intro.right, 'is', 'are')} already right; "
                          f"{intro.asked} to go."))
    lines.append(("dim", "Type each value as you work it out; an empty line skips, < goes back, q quits, ? helps."))
    return lines


def event_lines(event: Event, fmt) -> list[Line]:
    """What the student reads after a line they typed (or at the start)."""
    if isinstance(event, Ask):
        lines = [("", ""), ("bold", event.stage)] if event.stage else []
        lines.append(("cyan", event.formula))
        if event.current is not None:
            verdict = f" ({VERDICT_LABELS[event.verdict]})" if event.verdict else ""
            lines.append(("dim", f"  yours: {fmt(event.current)}{verdict}; an empty line keeps it"))
        return lines
    if isinstance(event, Checked):
        return _checked_lines(event)
    if isinstance(event, Noted):
        return [("dim", "  noted")]
    if isinstance(event, Revealed):
        return [("magenta", f"  answer: {event.worked}"), ("dim", f"  accepted: {event.expected}")]
    if isinstance(event, Said):
        style = {"problem": "red", "note": "dim"}.get(event.kind, "")
        return [(style, f"  {event.text}")]
    if isinstance(event, Finished):
        return finished_lines(event)
    return []


def _checked_lines(event: Checked) -> list[Line]:
    label = VERDICT_LABELS[event.verdict]
    if event.misconception:
        label += f" ({event.misconception})"
    if event.attempt == 2 and event.verdict != "wrong":
        label += " on the second try"
    style = VERDICT_STYLES[event.verdict]
    lines = [(style, f"  {label} · score {event.score:g}/{event.max_score:g}")]
    if event.note:
        lines.append(("" if event.verdict != "wrong" else "yellow",
                      f"  {'hint: ' if event.verdict == 'wrong' else ''}{event.note}"))
    if event.worked:
        lines.append(("yellow", f"  with your numbers: {event.worked}"))
    return lines


def finished_lines(event: Finished) -> list[Line]:
    """The score as `bpcheck grade` counts it, and (where the level shows verdicts) what was right,
    carried forward, wrong and missing."""
    grade, feedback = event.grade, event.feedback
    lines: list[Line] = [("", ""), ("bold", score_line(grade, feedback))]
    if feedback == "score":
        return lines
    named = feedback in ("full", "hint")
    for verdict, title in (("correct", "right"), ("carried_forward", "carried forward"), ("wrong", "wrong"),
                           ("missing", "missing")):
        names = [f"{r.name} ({r.misconception})" if named and r.misconception else r.name
                 for r in grade.values if r.verdict == verdict]
        if names:
            lines.append((VERDICT_STYLES[verdict], f"  {title}: {', '.join(names)}"))
    return lines


def closing_lines(saved_to: str | None, grade_command: str, resume_command: str) -> list[Line]:
    if saved_to is None:
        return [("dim", "No answer was given, so no answers file was written.")]
    return [("dim", f"Your answers are in {saved_to}: `{grade_command}` shows the report, "
                    f"`{resume_command}` goes on.")]


def answers_file(solution: Solution, spec: str, answers: dict[str, float], student: str | None = None) -> str:
    """The answers file `bpcheck template` writes, filled in: each answer after its name (the shortest
    text that reads back as the same number), values written down that are not asked after them."""
    asked = set(solution.asked)
    lines = []
    for line in answers_template(solution, spec).splitlines():
        name = line.strip()[:-1]
        if line.startswith("  ") and line.endswith(":") and name in answers:
            line = f"{line} {_number(answers[name])}"
        lines.append(line)
        if student is not None and line.startswith("exercise:"):
            lines.append(f"student: {_quoted(student)}")
    lines += [f"  {name}: {_number(value)}" for name, value in answers.items() if name not in asked]
    return "\n".join(lines) + "\n"


# Characters a YAML file may not hold as they are (DEL, the C1 controls) or that YAML reads as a line break
# (NEL, the line and paragraph separators) or drops (a byte-order mark): written as escapes instead.
_ESCAPED_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def _quoted(text: str) -> str:
    """A double-quoted YAML string that reads back as ``text``: JSON's escapes (a JSON string is YAML
    too), and \\uXXXX for what YAML refuses or folds, so that a resumed file stays readable."""
    return _ESCAPED_IN_YAML.sub(lambda found: f"\\u{ord(found.group()):04x}", json.dumps(text, ensure_ascii=False))


def _number(value: float) -> str:
    """repr: the shortest text that reads back as exactly this float (0.755, -0.002654, 1e-05)."""
    return repr(float(value))
