"""Grade records as plain data for the renderers: per-file tables, JSON, the class summary and CSV rows."""

from __future__ import annotations

from collections.abc import Sequence

from ..grading import Grade, Result
from ..quantities import STAGES
from .views import Section

VERDICT_LABELS = {"correct": "✓ correct", "carried_forward": "✓ carried forward",
                  "wrong": "✗ wrong", "missing": "· missing"}
VERDICT_STYLES = {"correct": "green", "carried_forward": "yellow", "wrong": "red", "missing": "red"}


def verdict_label(result: Result) -> str:
    label = VERDICT_LABELS[result.verdict]
    return f"{label} ({result.misconception})" if result.misconception else label


def grade_sections(grade: Grade, fmt) -> list[Section]:
    sections = []
    for stage, title in STAGES.items():
        results = [r for r in grade.results if r.stage == stage]
        if not results:
            continue
        section = Section(title, ("quantity", "yours", "expected", "verdict", "note"), [], numeric=(1, 2))
        for result in results:
            yours = "" if result.given is None else fmt(result.given)
            section.rows.append((result.name, yours, fmt(result.expected), verdict_label(result),
                                 result.message))
            section.row_styles.append(VERDICT_STYLES[result.verdict])
        sections.append(section)
    return sections


def score_line(grade: Grade) -> str:
    counts = {verdict: sum(r.verdict == verdict for r in grade.results) for verdict in VERDICT_LABELS}
    percent = "no points at stake" if grade.percent is None else f"{grade.percent:.1f}%"
    parts = [f"{counts['correct']} correct", f"{counts['carried_forward']} carried forward",
             f"{counts['wrong']} wrong", f"{counts['missing']} missing"]
    return f"Score: {grade.score:g} / {grade.max_score:g} ({percent}): " + ", ".join(parts) + "."


def file_report(file: str, grade: Grade, fmt) -> tuple[list, str]:
    """One answers file's report: a table per stage and the score line, and its heading."""
    return [*grade_sections(grade, fmt), score_line(grade)], f"{file}: {grade.exercise}"


def summary_section(outcomes, pass_mark: float | None, skipped: Sequence[str] = ()) -> Section:
    section = Section("Summary", ("file", "exercise", "score", "first wrong quantity"), [], numeric=(2,),
                      hand_laid=True)
    for outcome in outcomes:
        if outcome.grade is None:
            section.rows.append((outcome.file, "", "bad file", str(outcome.error)))
            section.row_styles.append("red")
            continue
        grade = outcome.grade
        first = grade.first_wrong
        section.rows.append((outcome.file, grade.exercise, f"{grade.score:g}/{grade.max_score:g}",
                             "" if first is None else f"{first.name} ({first.verdict})"))
        section.row_styles.append("green" if grade.passed(pass_mark) else "red")
    bad = sum(o.grade is None for o in outcomes)
    passed = sum(o.grade is not None and o.grade.passed(pass_mark) for o in outcomes)
    section.notes.append(f"{len(outcomes)} files: {passed} passed, {len(outcomes) - passed - bad} did not, "
                         f"{bad} could not be read.")
    if skipped:
        section.notes.append(f"Not graded, being the exercise the answers files name: {', '.join(skipped)}.")
    return section
