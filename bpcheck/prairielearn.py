"""PrairieLearn: the code a question folder's server.py runs (the folder itself: report/prairielearn.py).

A PrairieLearn question is a folder (its docs, question/overview.md): ``info.json``, ``question.html``
and ``server.py``; here the exercise file sits beside them. PrairieLearn calls ``generate(data)`` for a
new variant and ``grade(data)`` after its ``pl-number-input`` elements have each graded one value
against ``data["correct_answers"]`` (question/server.md). The server.py bpcheck writes hands both to
``generate_variant`` and ``grade_submission`` below, so that a question grades as `bpcheck grade`
does: bpcheck's own variants, carried-forward credit, named mistakes and the feedback level.
Imports no click or rich and prints nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from .errors import ExerciseError
from .solution import Solution

EXERCISE_FILE = "exercise.yaml"  # the exercise, bundled beside server.py
VARIANT_PREFIX = "pl-"  # PrairieLearn's variant seed 17 is bpcheck's variant pl-17
VARIANT_PARAM = "bpcheck_variant"  # the params key naming it (no quantity's name starts with bpcheck)
DOWNHILL = "downhill"  # the step check's key in partial_scores and feedback (grading.DOWNHILL)
DEFAULT_FEEDBACK = "hint"  # a PrairieLearn question counts for marks: no expected value unless asked


# ---------------------------------------------------------------- names


def answer_key(name: str) -> str:
    """A quantity's name as an answers-name and a params key: letters, digits and ``_`` only, for
    mustache reads ``{{params.x1_ex2}}`` but not ``x1[2]``. Example 2's y3, ``y3[2]``, is ``y3_ex2``
    (no name bpcheck gives contains ``_ex``)."""
    base, _, index = name.partition("[")
    return f"{base}_ex{index[:-1]}" if index else base


def variant_of_seed(seed: int) -> str:
    """The bpcheck variant a PrairieLearn variant seed names: ``pl-17``."""
    return f"{VARIANT_PREFIX}{int(seed)}"


# ---------------------------------------------------------------- what server.py runs


def generate_variant(data: MutableMapping[str, Any], exercise_path: str | Path) -> None:
    """PrairieLearn's generate(data): the variant of ``data["variant_seed"]``, its given numbers as
    ``data["params"]`` (as the question shows them) and its exact values as ``data["correct_answers"]``."""
    solution = _variant(exercise_path, data["variant_seed"])
    data["params"].update(given_params(solution))
    data["params"][VARIANT_PARAM] = solution.exercise.variant or ""
    for name in solution.asked:
        data["correct_answers"][answer_key(name)] = solution.values[name] + 0.0  # never -0.0 in the JSON


def grade_submission(data: MutableMapping[str, Any], exercise_path: str | Path,
                     feedback: str = DEFAULT_FEEDBACK) -> None:
    """PrairieLearn's grade(data), after the elements have graded each value: bpcheck grades the submitted
    answers together. Each value's partial score becomes bpcheck's verdict (1 where the value is credited,
    also when carried forward from the student's own earlier values; 0 where it is not), weighted by its
    points; the step check counts where the exercise gives it points; ``data["feedback"]`` holds each
    verdict with what ``feedback`` lets a student read; ``data["score"]`` is the weighted fraction, as
    PrairieLearn itself computes it from the partial scores. A value that is not a number is a format
    error (the submission is then not graded)."""
    from . import grade

    solution = _variant(exercise_path, data["variant_seed"])
    _check_numbers_shown(data.get("params") or {}, solution, exercise_path)
    answers, errors = _submitted(data.get("submitted_answers") or {}, solution.asked)
    if errors:
        data.setdefault("format_errors", {}).update(errors)
        return
    partial_scores = data.setdefault("partial_scores", {})
    notes = data.setdefault("feedback", {})
    for result in grade(solution, answers).results:
        key = DOWNHILL if result.check else answer_key(result.name)
        if not result.check or result.points:
            partial_scores[key] = _partial_score(partial_scores.get(key) or {}, result)
        text = feedback_text(result, feedback)
        if text:
            notes[key] = text
    data["score"] = weighted_score(partial_scores)


def _variant(exercise_path: str | Path, seed: int) -> Solution:
    """The variant ``seed`` names, solved: bpcheck's variant pl-SEED of the exercise, or the exercise
    itself when it forbids variants (``variants: false``)."""
    from . import load_exercise
    from .solution import solve
    from .variants import make_variant

    exercise = load_exercise(str(exercise_path))
    return solve(exercise if exercise.variants is None else make_variant(exercise, variant_of_seed(seed)))


def given_params(solution: Solution) -> dict[str, str]:
    """Every given number by its params key, written as an exercise file writes it (0.35, -1)."""
    from .numbers import shortest

    return {answer_key(q.name): shortest(solution.values[q.name]) for q in solution.graph if q.stage == "given"}


def _check_numbers_shown(params: Mapping[str, Any], solution: Solution, exercise_path: str | Path) -> None:
    """The student worked the numbers the question showed; if the exercise (or bpcheck's variant
    algorithm) has changed since, grading them against other numbers would be silently wrong."""
    now = given_params(solution)
    shown = {key: str(value) for key, value in params.items() if key != VARIANT_PARAM}
    changed = next((key for key in [*now, *shown] if now.get(key) != shown.get(key)), None)
    if changed is None:
        return
    was, gives = (f"{changed} = {numbers[changed]}" if changed in numbers else f"no {changed}"
                for numbers in (shown, now))
    raise ExerciseError(f"variant {solution.exercise.variant or '(the exercise itself)'} showed {was}, but the "
                        f"exercise now gives {gives}: it (or bpcheck's variants) changed after this variant was made",
                        file=Path(exercise_path).name,
                        hint="restore the exercise, or give the students new variants of the question")


def _submitted(submitted: Mapping[str, Any], asked: Iterable[str]) -> tuple[dict[str, float | None], dict[str, str]]:
    """The answers by quantity name (None for a blank), and a format error for each one that is not a number."""
    from .yamlfile import as_number

    answers: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for name in asked:
        value = submitted.get(answer_key(name))
        if value is None or (isinstance(value, str) and not value.strip()):
            answers[name] = None
            continue
        try:
            answers[name] = as_number(value)
        except ValueError as error:
            errors[answer_key(name)] = f"{error}; write a decimal number such as 0.25 or -1.5e-3"
    return answers, errors


def _partial_score(element: Mapping[str, Any], result) -> dict[str, Any]:
    """The element's partial score with bpcheck's verdict as its score: 1 for a credited value. That
    raises the element's 0 where the value is carried forward, and lowers its 1 where bpcheck's rules
    refuse a value the element's tolerance let through (a new weight within 1% of the old one that has
    not taken the step: docs/students/verdicts.md); the element's own note, which a changed
    score contradicts ("insufficient precision", "the correct answer was"), then goes. Weighted by the points."""
    from .grading import CREDITED

    score = 1.0 if result.verdict in CREDITED else 0.0
    entry = {key: value for key, value in element.items() if key != "feedback" or element.get("score") == score}
    return {**entry, "score": score, "weight": _weight(result.points)}


def _weight(points: float) -> float | int:
    return int(points) if float(points).is_integer() else points


def weighted_score(partial_scores: Mapping[str, Any]) -> float:
    """The total PrairieLearn computes after grade() from the partial scores (freeform.ts): Σ weight·score
    / Σ weight, a weight of 1 and a score of 0 where absent, and 0 when no weight is at stake."""
    total = weighted = 0.0
    for entry in partial_scores.values():
        entry = entry if isinstance(entry, Mapping) else {}
        score, weight = entry.get("score"), entry.get("weight")
        weight = weight if isinstance(weight, (int, float)) else 1
        total += weight
        weighted += weight * (score if isinstance(score, (int, float)) else 0.0)
    return weighted / total if total else 0.0


def feedback_text(result, level: str) -> str:
    """A result as ``data["feedback"]`` holds it at this level: the verdict (with the named mistake at
    full and hint), then the note (full) or the hint without expected values (hint); at score, nothing."""
    from .feedback import note, shows_notes, shows_results
    from .report.grades import verdict_label

    if not shows_results(level):
        return ""
    label = verdict_label(result, named=shows_notes(level))
    text = note(result, level)
    return f"{label}: {text}" if text else label
