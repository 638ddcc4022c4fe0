"""The gradebook CSV (`--csv`): a row per answers file, for a spreadsheet or an LMS (Canvas, Moodle).

Columns: id, student, file, exercise, variant, score, max_score, percent, passed, error, then one per
asked quantity holding its full verdict (`wrong:sign-flip`); the CSV is the course's own file, so the
feedback level does not apply. A batch of several exercises gets a column set per exercise
(`hw1.yaml:a4`, `hw2.yaml:a4`). Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TextIO

HEADER = ("id", "student", "file", "exercise", "variant", "score", "max_score", "percent", "passed", "error")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP, "CSV Injection"
ID_SOURCES = ("student", "filename")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe,
    as OWASP recommends (`=HYPERLINK(...)` is written `'=HYPERLINK(...)`)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_gradebook(handle: TextIO, outcomes: Sequence, ids: Sequence[str], *, excel: bool = False,
                    max_score: float | None = None) -> None:
    """``ids``: one per outcome (``file_ids``). ``max_score``: the pinned exercise's, for the row of a file
    that could not be read (its score is 0). ``excel`` starts with the byte-order mark Excel needs to
    read UTF-8."""
    import csv

    if excel:
        handle.write("\ufeff")
    labels = {_exercise(outcome) for outcome in outcomes if outcome.grade is not None}
    columns: dict[tuple[str, str], None] = {}
    for outcome in outcomes:
        for result in outcome.grade.results if outcome.grade else ():
            columns.setdefault((_exercise(outcome), result.name))
    names = [f"{label}:{name}" if len(labels) > 1 else name for label, name in columns]
    writer = csv.writer(handle)
    writer.writerow([*HEADER, *(safe_cell(name) for name in names)])
    for outcome, identifier in zip(outcomes, ids):
        writer.writerow([safe_cell(cell) for cell in _cells(outcome, identifier, max_score)]
                        + _verdicts(outcome, columns))


def _exercise(outcome) -> str:
    return outcome.exercise_file or outcome.grade.exercise


def _cells(outcome, identifier: str, max_score: float | None) -> list[str]:
    student = outcome.student or ""
    if outcome.grade is None:  # unreadable: 0 points, and why
        return [identifier, student, outcome.file, "", "", "0", "" if max_score is None else f"{max_score:g}",
                "0" if max_score else "", "false", str(outcome.error)]
    grade = outcome.grade
    percent = "" if grade.percent is None else f"{grade.percent:.2f}"
    return [identifier, student, outcome.file, _exercise(outcome), grade.variant or "", f"{grade.score:g}",
            f"{grade.max_score:g}", percent, "true" if outcome.passed() else "false", ""]


def _verdicts(outcome, columns) -> list[str]:
    if outcome.grade is None:
        return [""] * len(columns)
    label = _exercise(outcome)
    verdicts = {(label, r.name): r.verdict + (f":{r.misconception}" if r.misconception else "")
                for r in outcome.grade.results}
    return [verdicts.get(column, "") for column in columns]


# ---------------------------------------------------------------- student ids


def file_ids(outcomes: Sequence, roots: Sequence[str], source: str = "student",
             pattern: str | None = None) -> list[str]:
    """Each file's student id.

    ``source="student"`` (the default): the file's `student:`, else as for ``filename``.
    ``source="filename"``: ``pattern``'s group `id` (or its first group, else the whole match) searched
    in the file's path; without a pattern, the name of the file's folder or file under the folder
    given on the command line (``roots``), less the assignment prefix every such name shares: GitHub
    Classroom's `hw1-alice/answers.yaml` and `hw1-bob/answers.yaml` give alice and bob, and `alice.yaml`
    gives alice.
    """
    owned = [_own_name(outcome.file, roots) for outcome in outcomes]
    prefix = _shared_prefix([name for name, in_folder in owned if in_folder])
    ids = []
    for outcome, (name, in_folder) in zip(outcomes, owned):
        if source == "student" and outcome.student:
            ids.append(outcome.student)
        elif pattern is not None:
            ids.append(_matched(pattern, outcome.file))
        else:
            ids.append(name[len(prefix):] if in_folder and name.startswith(prefix) else name)
    return ids


def _own_name(file: str, roots: Sequence[str]) -> tuple[str, bool]:
    """(`hw1-alice`, True) for `submissions/hw1-alice/answers.yaml` under the root `submissions`: the
    student's folder; (`alice`, False) for `alice.yaml`, a file of its own."""
    path = PurePosixPath(file.replace("\\", "/"))
    for root in sorted(roots, key=len, reverse=True):
        root_parts = PurePosixPath(root.replace("\\", "/")).parts
        if root_parts and path.parts[:len(root_parts)] == root_parts:
            below = path.parts[len(root_parts):]
            if len(below) > 1:
                return below[0], True
            break
    return path.stem, False


def _shared_prefix(names: Sequence[str]) -> str:
    """The longest prefix ending in '-' that two or more distinct names all share (GitHub Classroom's
    assignment name): `hw1-` for hw1-alice and hw1-bob; nothing for a single name."""
    distinct = sorted(set(names))
    if len(distinct) < 2:
        return ""
    first, last = distinct[0], distinct[-1]
    common = next((i for i, (a, b) in enumerate(zip(first, last)) if a != b), min(len(first), len(last)))
    cut = first.rfind("-", 0, common)
    return first[:cut + 1] if cut > 0 else ""


def _matched(pattern: str, file: str) -> str:
    found = re.search(pattern, file)
    if found is None:
        return ""
    if "id" in found.groupdict():
        return found.group("id") or ""
    return (found.group(1) if found.re.groups else found.group(0)) or ""
