"""Grade records as plain data for the renderers: per-file tables, JSON, the class summary and CSV rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..feedback import shows_notes, shows_results
from ..numbers import counted
from ..quantities import STAGES
from .views import Section

if TYPE_CHECKING:
    from ..grading import Grade, Result

VERDICT_LABELS = {"correct": "✓ correct", "carried_forward": "✓ carried forward",
                  "wrong": "✗ wrong", "missing": "· missing", "unreadable": "✗ unreadable"}
VERDICT_STYLES = {"correct": "green", "carried_forward": "yellow", "wrong": "red", "missing": "red",
                  "unreadable": "red"}
FLAG_MARK = "⚑"


CHECK_LABELS = {"correct": "✓ downhill", "wrong": "✗ uphill", "missing": "· no step"}  # the downhill check's


def verdict_label(result: Result, named: bool = True) -> str:
    if result.check:
        return CHECK_LABELS[result.verdict]
    label = VERDICT_LABELS[result.verdict]
    return f"{label} ({result.misconception})" if result.misconception and named else label


def expected_shown(result: Result, fmt) -> str:
    """The expected column: the value, or for the downhill check the E its E_after must fall below."""
    return f"< {fmt(result.expected)}" if result.check else fmt(result.expected)


def grade_sections(grade: Grade, fmt, feedback: str = "full") -> list[Section]:
    """A table per stage; the columns are what the feedback level shows (feedback.py): at ``full`` the
    expected value and a note, at ``hint`` a hint, at ``verdict`` the verdict alone, at ``score`` none."""
    if not shows_results(feedback):
        return []
    columns = {"full": ("quantity", "yours", "expected", "verdict", "note"),
               "hint": ("quantity", "yours", "verdict", "hint"), "verdict": ("quantity", "verdict")}[feedback]
    sections = []
    for stage, title in STAGES.items():
        results = [r for r in grade.results if r.stage == stage]
        if not results:
            continue
        section = Section(title, columns, [], numeric=(1, 2) if feedback == "full" else (1,) * (feedback == "hint"))
        for result in results:
            yours = "" if result.given is None else fmt(result.given)
            label = verdict_label(result, named=shows_notes(feedback))
            section.rows.append({"full": (result.name, yours, expected_shown(result, fmt), label, result.message),
                                 "hint": (result.name, yours, label, result.hint),
                                 "verdict": (result.name, label)}[feedback])
            section.row_styles.append(VERDICT_STYLES[result.verdict])
        sections.append(section)
    return sections


def score_line(grade: Grade, feedback: str = "full") -> str:
    percent = "no points at stake" if grade.percent is None else f"{grade.percent:.1f}%"
    total = f"Score: {grade.score:g} / {grade.max_score:g} ({percent})"
    if not shows_results(feedback):
        return total + "."
    counts = {verdict: sum(r.verdict == verdict for r in grade.values) for verdict in VERDICT_LABELS}
    parts = [f"{counts['correct']} correct", f"{counts['carried_forward']} carried forward",
             f"{counts['wrong']} wrong", f"{counts['missing']} missing"]
    if counts["unreadable"]:
        parts.append(f"{counts['unreadable']} unreadable")
    check = grade.check
    step = {"correct": " The step goes downhill.", "wrong": " The step goes uphill.", "missing": ""}
    return f"{total}: " + ", ".join(parts) + "." + (step[check.verdict] if check is not None else "")


def who_and_what(exercise: str, variant: str | None, feedback: str, student: str | None = None) -> str:
    """The header line: the student, the exercise graded against, its variant and the feedback level."""
    parts = [f"Student: {student}"] if student else []
    parts.append(f"Exercise: {exercise}")
    if variant:
        parts.append(f"Variant: {variant}")
    parts.append(f"Feedback: {feedback}")
    return " · ".join(parts)


def flag_lines(outcome) -> list[str]:
    """A line per flag (batch.Flag), at every feedback level: they say what the file was graded
    against and what of it was not graded, nothing of the answers."""
    return [f"{FLAG_MARK} {flag.text}" for flag in outcome.flags]


def grade_blocks(grade: Grade, fmt, feedback: str, header: list[str]) -> list:
    """A grade's report: the header lines, a table per stage and the score line, as ``feedback`` shows
    them."""
    return [*header, "", *grade_sections(grade, fmt, feedback), score_line(grade, feedback)]


def file_report(outcome, fmt) -> tuple[list, str]:
    """One answers file's report (``grade_blocks``), headed by who and what and its flags, and its heading."""
    grade, feedback = outcome.grade, outcome.feedback
    header = [who_and_what(outcome.exercise_label, grade.variant, feedback, outcome.student), *flag_lines(outcome)]
    return grade_blocks(grade, fmt, feedback, header), f"{outcome.file}: {grade.exercise}"


VARIANT_NOTES = {  # where each file's variant came from, under --exercise (batch.GradingSession.variant_from)
    "id": "Each file was graded as the variant of the student id its path gives, whatever its variant: line says.",
    "file": "Each file was graded as the variant it names (--variant-from-file): for files you trust only.",
    "question": "Each attempt was graded as the variant its question names (the marker the export wrote).",
    None: "Graded without variants: no file names one, or the exercise has none (if each student worked their "
          "own, give --variant-from-id).",
}


def summary_section(outcomes, pass_mark: float | None, skipped: Sequence[str] = (),
                    pinned: str | None = None, variant_from: str | None = None) -> Section:
    """A row per file: the exercise it was graded against (and variant), its score, and (where the
    feedback level shows verdicts) the first quantity not credited."""
    students = any(o.student for o in outcomes)
    variants = any(o.grade is not None and o.grade.variant for o in outcomes)
    flagged = [o for o in outcomes if o.flags]
    columns = ("file", *(("student",) if students else ()), "exercise", *(("variant",) if variants else ()),
               "score", *(("flags",) if flagged else ()), "first wrong quantity")
    section = Section("Summary", columns, [], numeric=(columns.index("score"),), hand_laid=True)
    for outcome in outcomes:
        student = (outcome.student or "",) if students else ()
        flags = (" ".join(dict.fromkeys(flag.kind for flag in outcome.flags)),) if flagged else ()
        if outcome.grade is None:
            section.rows.append((outcome.file, *student, "", *(("",) if variants else ()), "bad file", *flags,
                                 str(outcome.error)))
            section.row_styles.append("red")
            continue
        grade = outcome.grade
        first = grade.first_wrong if shows_results(outcome.feedback) else None
        section.rows.append((outcome.file, *student, outcome.exercise_label,
                             *((grade.variant or "",) if variants else ()), f"{grade.score:g}/{grade.max_score:g}",
                             *flags, "" if first is None else f"{first.name} ({first.verdict})"))
        section.row_styles.append("green" if grade.passed(pass_mark) else "red")
    bad = sum(o.grade is None for o in outcomes)
    passed = sum(o.grade is not None and o.grade.passed(pass_mark) for o in outcomes)
    section.notes.append(f"{counted(len(outcomes), 'file')}: {passed} passed, {len(outcomes) - passed - bad} did not, "
                         f"{bad} could not be read.")
    if pinned:
        section.notes.append(f"Every file was graded against {pinned} (--exercise).")
        if variant_from in VARIANT_NOTES:
            section.notes.append(VARIANT_NOTES[variant_from])
    else:
        section.notes.append("Each file was graded against the exercise it names; for marks that count, "
                             "pin it with --exercise.")
    if skipped:
        section.notes.append(f"Not graded, being the exercise the answers files name: {', '.join(skipped)}.")
    section.notes += [f"{FLAG_MARK} {outcome.file}: {flag.text}" for outcome in flagged for flag in outcome.flags]
    return section


BAR_WIDTH = 20


def _bar(count: int, most: int) -> str:
    """A bar of up to BAR_WIDTH blocks, at least one for any count above 0."""
    return "█" * max(1, round(BAR_WIDTH * count / most)) if count else ""


def class_sections(found) -> list[Section]:
    """Where the class went wrong (classreport.ClassMistakes): quantities by students who lost their
    marks, with a bar each; then the named mistakes by students who made them, with an example file."""
    several = len({q.exercise for q in found.quantities}) > 1
    most = max((q.lost for q in found.quantities), default=0) or 1
    unreadable = any(q.unreadable for q in found.quantities)  # a column only when a value was not a number
    quantities = Section("Where the class lost marks", (
        "quantity", "right", "carried forward", "wrong", "missing", *(("unreadable",) if unreadable else ()),
        "students who lost marks"), [], numeric=(1, 2, 3, 4, 5) if unreadable else (1, 2, 3, 4), hand_laid=True)
    for q in found.quantities:
        name = f"{q.exercise}: {q.name}" if several else q.name
        counts = (q.correct, q.carried_forward, q.wrong, q.missing, *((q.unreadable,) if unreadable else ()))
        quantities.rows.append((name, *map(str, counts), f"{_bar(q.lost, most)} {q.lost}".strip()))
    quantities.notes.append(f"{counted(found.graded, 'file')} graded; sorted by how many "
                            "students lost each quantity's marks.")
    top = max((m.students for m in found.mistakes), default=0) or 1
    mistakes = Section("Named mistakes", ("mistake", "students", "", "where", "for example"), [], numeric=(1,),
                       hand_laid=True)
    for m in found.mistakes:
        where = ", ".join(m.quantities[:4]) + (", …" if len(m.quantities) > 4 else "")
        mistakes.rows.append((f"{m.exercise}: {m.mistake}" if several else m.mistake, str(m.students),
                              _bar(m.students, top), where, m.example))
    mistakes.notes.append("A student counts once per mistake. \"rounded too early\" is a value that is the student's "
                          "own number rounded too coarsely, not a mistake of method.")
    return [quantities, mistakes] if found.mistakes else [quantities]
