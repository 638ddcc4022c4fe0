"""Where the class went wrong: per quantity, how many students got it right, carried forward, wrong and
missing; and the named mistakes with their counts and an example file. Pure: records in, records out.

Rounding too early (a wrong value that is the student's own number rounded too coarsely, with no
mistake named: grading.Result.rounded) is counted on its own line, not as a mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

ROUNDED = "rounded too early"  # the line that is not a mistake


class QuantityCounts(NamedTuple):
    exercise: str
    name: str
    correct: int
    carried_forward: int
    wrong: int
    missing: int
    unreadable: int = 0  # not a number (grading.UNREADABLE)

    @property
    def lost(self) -> int:
        """Students who lost its marks: wrong, missing or unreadable."""
        return self.wrong + self.missing + self.unreadable


class MistakeCount(NamedTuple):
    exercise: str
    mistake: str  # a misconception id, or ROUNDED
    students: int
    quantities: tuple[str, ...]  # where it was made, most often first
    example: str  # one file that made it


class ClassMistakes(NamedTuple):
    quantities: tuple[QuantityCounts, ...]  # most students who lost marks first
    mistakes: tuple[MistakeCount, ...]  # most students first; ROUNDED among them, by its count
    graded: int  # files graded (those that could not be read are not counted)

    def to_dict(self) -> dict:
        return {"graded": self.graded,
                "quantities": [{**q._asdict(), "lost": q.lost} for q in self.quantities],
                "mistakes": [{**m._asdict(), "quantities": list(m.quantities)} for m in self.mistakes]}


def class_mistakes(outcomes: Sequence) -> ClassMistakes:
    """Counts over every graded file; each student counts once per mistake, however often they made it."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    made: dict[tuple[str, str], dict[str, list[str]]] = {}  # (exercise, mistake) -> file -> quantities
    graded = [outcome for outcome in outcomes if outcome.grade is not None]
    for outcome in graded:
        exercise = outcome.exercise_label
        for result in outcome.grade.results:
            verdicts = counts.setdefault((exercise, result.name), dict.fromkeys(
                ("correct", "carried_forward", "wrong", "missing", "unreadable"), 0))
            verdicts[result.verdict] += 1
            mistake = _mistake(result)
            if mistake is not None:
                made.setdefault((exercise, mistake), {}).setdefault(outcome.file, []).append(result.name)
    quantities = sorted((QuantityCounts(exercise, name, **verdicts) for (exercise, name), verdicts in counts.items()),
                        key=lambda q: -q.lost)  # stable: solving order among equals
    mistakes = [MistakeCount(exercise, mistake, len(files), _most_often(files), next(iter(files)))
                for (exercise, mistake), files in made.items()]
    mistakes.sort(key=lambda m: (-m.students, m.mistake == ROUNDED, m.exercise, m.mistake))
    return ClassMistakes(tuple(quantities), tuple(mistakes), len(graded))


def _mistake(result) -> str | None:
    if result.verdict != "wrong":
        return None
    if result.misconception:
        return result.misconception
    if result.rounded:
        return ROUNDED
    return None


def _most_often(files: dict[str, list[str]]) -> tuple[str, ...]:
    tally: dict[str, int] = {}
    for names in files.values():
        for name in dict.fromkeys(names):
            tally[name] = tally.get(name, 0) + 1
    return tuple(sorted(tally, key=lambda name: -tally[name]))


def visible_to(found: ClassMistakes, outcomes: Sequence) -> ClassMistakes | None:
    """What the feedback level lets a student see of the class report, at the most withholding level
    among the files: at ``score`` none of it, at ``verdict`` the counts without the named mistakes."""
    from .feedback import LEVELS

    levels = [outcome.feedback for outcome in outcomes if outcome.grade is not None] or ["full"]
    level = max(levels, key=LEVELS.index)
    if level == "score":
        return None
    return found._replace(mistakes=()) if level == "verdict" else found
