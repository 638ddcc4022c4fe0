"""The gradebook CSV (`--csv`): a row per answers file, for a spreadsheet or an LMS (Canvas, Moodle).

Columns: id, student, file, exercise, variant, score, max_score, percent, passed, error, flags (each as
`kind: line N: message`, joined by ` | `), then one per asked quantity holding its full verdict
(`wrong:sign-flip`); the CSV is the course's own file, so the feedback level does not apply. Graded
against a roster (--roster), the id is the roster's, and a student who handed in nothing has a row: their
name, no file, 0 points, the flag `no-file: no file handed in`, every quantity `missing`. A batch of
several exercises gets a column set per exercise (`hw1.yaml:a4`, `hw2.yaml:a4`). Text that a
spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

HEADER = ("id", "student", "file", "exercise", "variant", "score", "max_score", "percent", "passed", "error",
          "flags")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP, "CSV Injection"


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe,
    as OWASP recommends (`=HYPERLINK(...)` is written `'=HYPERLINK(...)`)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_gradebook(handle: TextIO, outcomes: Sequence, ids: Sequence[str], *, excel: bool = False,
                    max_score: float | None = None, pass_mark: float | None = None) -> None:
    """``ids``: one per outcome (``file_ids``). ``max_score``: the pinned exercise's, for the row of a file
    that could not be read (its score is 0). ``excel`` starts with the byte-order mark Excel needs to
    read UTF-8."""
    import csv

    if excel:
        handle.write("\ufeff")
    labels = {outcome.exercise_label for outcome in outcomes if outcome.grade is not None}
    columns: dict[tuple[str, str], None] = {}
    for outcome in outcomes:
        for result in outcome.grade.results if outcome.grade else ():
            columns.setdefault((outcome.exercise_label, result.name))
    names = [f"{label}:{name}" if len(labels) > 1 else name for label, name in columns]
    writer = csv.writer(handle)
    writer.writerow([*HEADER, *(safe_cell(name) for name in names)])
    for outcome, identifier in zip(outcomes, ids):
        writer.writerow([safe_cell(cell) for cell in _cells(outcome, identifier, max_score, pass_mark)]
                        + _verdicts(outcome, columns))


def _cells(outcome, identifier: str, max_score: float | None, pass_mark: float | None) -> list[str]:
    student = outcome.student or ""
    flags = " | ".join(f"{flag.kind}: {flag.text}" for flag in outcome.flags)
    if not outcome.handed_in:
        return [identifier, student, "", outcome.exercise_label, "", "0", "" if max_score is None else f"{max_score:g}",
                "0" if max_score else "", "false", "", flags]
    if outcome.grade is None:  # unreadable: 0 points, and why
        return [identifier, student, outcome.file, "", "", "0", "" if max_score is None else f"{max_score:g}",
                "0" if max_score else "", "false", str(outcome.error), flags]
    grade = outcome.grade
    percent = "" if grade.percent is None else f"{grade.percent:.2f}"
    return [identifier, student, outcome.file, outcome.exercise_label, grade.variant or "", f"{grade.score:g}",
            f"{grade.max_score:g}", percent, "true" if outcome.passed(pass_mark) else "false", "", flags]


def _verdicts(outcome, columns) -> list[str]:
    if not outcome.handed_in:
        return ["missing" if label == outcome.exercise_label else "" for label, _ in columns]
    if outcome.grade is None:
        return [""] * len(columns)
    label = outcome.exercise_label
    verdicts = {(label, r.name): r.verdict + (f":{r.misconception}" if r.misconception else "")
                for r in outcome.grade.results}
    return [verdicts.get(column, "") for column in columns]


def file_ids(outcomes: Sequence, roots: Sequence[str], source: str = "student",
             pattern: str | None = None) -> list[str]:
    """Each file's student id: the one its source gives (an LMS export's row), else its `student:`
    (``source="student"``, the default) when it gives one, else the id its path gives (``ids.path_ids``;
    always, with ``source="filename"``)."""
    from ..ids import path_ids

    from_paths = path_ids([outcome.file for outcome in outcomes], roots, pattern)
    return [outcome.identifier or (outcome.student if source == "student" and outcome.student else from_path)
            for outcome, from_path in zip(outcomes, from_paths)]


MISTAKES_HEADER = ("row", "exercise", "quantity", "correct", "carried_forward", "wrong", "missing", "unreadable",
                   "mistake", "students", "example")


def write_mistakes(handle: TextIO, found) -> None:
    """`--mistakes-csv`: a row per quantity (its counts), then a row per named mistake (its students and
    an example file), in the order of the class report."""
    import csv

    writer = csv.writer(handle)
    writer.writerow(MISTAKES_HEADER)
    for q in found.quantities:
        writer.writerow(["quantity", safe_cell(q.exercise), q.name, q.correct, q.carried_forward, q.wrong, q.missing,
                         q.unreadable, "", q.lost, ""])
    for m in found.mistakes:
        writer.writerow(["mistake", safe_cell(m.exercise), " ".join(m.quantities), "", "", "", "", "", m.mistake,
                         m.students, safe_cell(m.example)])
