"""Responses downloaded from Moodle (the quiz's Responses report) or Canvas (the quiz's Student Analysis),
as CSV, graded again by bpcheck: every attempt as the variant its question names, with carried-forward
credit and named mistakes. A response that is blank, or not a number, leaves only that value unanswered.

A CSV is read as UTF-8 (a byte-order mark allowed), its delimiter (comma, semicolon or tab: a file saved
again by a spreadsheet) told from its header. A file that is not such an export, or whose questions were
exported from other numbers than the exercise has now, is refused in one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from ..batch import ClassGrade, GradingSession, max_score
from ..errors import BpcheckError
from ..numbers import written_digits
from ..safetext import path_shown, quoted, shown
from . import canvas, moodle
from .quiz import Marker, check_of, find_marker, read_text, response_decimal, response_number

MAX_BYTES = 64 * 1024 * 1024
FIELD_LIMIT = 16 * 1024 * 1024  # a question's text can be long; Python's csv stops at 128 KiB by default
DELIMITERS = (",", ";", "\t")
SYSTEMS = {"moodle": ("a Moodle Responses report", "--from-moodle"),
           "canvas": ("a Canvas Student Analysis report", "--from-canvas")}
MOODLE_IDS = ("id number", "username", "email address", "email")
CANVAS_IDS = ("sis_id", "id")


class Attempt(NamedTuple):
    """One attempt at one bpcheck question, as an export gives it."""

    file: str  # where: the CSV and the line of its row
    marker: Marker  # the question's: its exercise, variant and check
    identifier: str  # the student's id (or name, or where the row is)
    student: str | None = None
    texts: dict[str, str] | None = None  # Canvas: each value's response, by name
    summary: str | None = None  # Moodle: the Cloze question's response summary
    unsure: bool = False  # Moodle: read from a column that could be the Right answer (moodle.Slot)

    def responses(self, asked: tuple[str, ...]) -> dict[str, str | None]:
        """Each asked value's response: its text, "" when blank, None when it cannot be told apart."""
        if self.summary is not None:
            return moodle.parts_read(self.summary, asked)
        texts = self.texts or {}
        return {name: texts[name] for name in asked if name in texts}


def regrade(path: Path, system: str, exercise: str, *, rtol: float | None = None, atol: float | None = None,
            precision: int = 4, feedback: str | None = None) -> ClassGrade:
    """Every attempt in the export at ``path`` (a CSV file, or a folder of them: Canvas gives one a quiz)
    graded against ``exercise``, as `bpcheck grade --exercise` grades answers files. A blank response is
    missing; one that is not a number is ``unreadable`` (grading.with_readings), never the attempt's zero."""
    session = GradingSession(rtol=rtol, atol=atol, precision=precision, exercise=exercise, feedback=feedback)
    sources = export_files(path)
    outcomes = []
    checks: dict[str | None, str] = {}  # each variant's check, worked once
    for source in sources:
        attempts = read_export(source, system)
        _check_not_the_key(session, attempts, source, checks)
        for attempt in attempts:
            found = _variant_found(session, attempt, checks)
            values, digits, unreadable = _read(attempt.responses(found.solution.asked))
            outcomes.append(session.grade_values(attempt.file, found, values, student=attempt.student,
                                                 identifier=attempt.identifier, digits=digits, unreadable=unreadable))
    pinned = session.pinned
    assert pinned is not None
    variant_from = "question" if any(variant is not None for variant in checks) else None
    return ClassGrade(tuple(outcomes), (), tuple(sources), tuple(session.exercise_files), pinned.label, None,
                      max_score(pinned.found.solution), variant_from)


def _read(responses: dict[str, str | None]):
    """Numbers, the digits each was written with, and why each unreadable response is not a number."""
    values: dict[str, float | None] = {}
    digits: dict[str, int] = {}
    unreadable: dict[str, str] = {}
    for name, text in responses.items():
        if text is None:
            unreadable[name] = ("its part of the response cannot be told from another (it holds '; part N:'); "
                                "write one number in each field")
            continue
        if not text.strip():
            continue  # blank: missing
        decimal = response_decimal(text)
        if decimal is None:
            unreadable[name] = f"{quoted(text)} is not a number; write a decimal such as 0.755 or 0,755"
            continue
        values[name] = float(decimal)
        digits[name] = written_digits(decimal) or 0
    return values, {name: count for name, count in digits.items() if count}, unreadable


def export_files(path: Path) -> list[Path]:
    """The CSV file given, or every .csv file in the folder given (not its subfolders), in natural order."""
    from ..builtin import natural_order
    from ..files import is_dir, is_file

    if is_dir(path):
        try:
            names = [name for name in os.listdir(path) if name.lower().endswith(".csv") and not name.startswith(".")]
        except OSError as error:
            raise BpcheckError(f"cannot list the folder ({error.strerror})", file=path_shown(path),
                               hint="check its permissions") from None
        found = sorted((path / name for name in names if is_file(path / name)), key=natural_order)
        if not found:
            raise BpcheckError("no .csv files in the folder", file=path_shown(path),
                               hint="give the CSV you downloaded, or the folder that holds them")
        return found
    return [path]


def _variant_found(session: GradingSession, attempt: Attempt, checks: dict[str | None, str]):
    """The variant its question names, solved; refused when its numbers are not those the question had."""
    variant = attempt.marker.variant
    named = f"variant {shown(variant)}" if variant is not None else "the exercise's own numbers"
    try:
        found = session.pinned_variant(variant)
    except BpcheckError as error:
        raise BpcheckError(f"{attempt.file}: {named}: {error.message}", hint=error.hint) from None
    if variant not in checks:
        checks[variant] = check_of(found.solution)
    if checks[variant] != attempt.marker.check:
        assert session.pinned is not None
        raise BpcheckError(f"{attempt.file}: its question ({shown(attempt.marker.exercise)}, {named}) was exported "
                           f"from other numbers or other asked values than {session.pinned.label} gives now",
                           hint="grade with the exercise file as it was when the quiz was exported")
    return found


def _check_not_the_key(session: GradingSession, attempts: list[Attempt], source: Path, checks) -> None:
    """A report in another language whose only column beside the questions holds every exact value of
    every attempt is the Right answer column, not the responses: refuse it rather than give full marks.
    Exact to 12 digits: Moodle keeps an answer as PHP writes a float (14 significant digits), and no
    student writes 12 right digits in every field of every attempt."""
    unsure = [attempt for attempt in attempts if attempt.unsure]
    if not unsure or len(unsure) < len(attempts):
        return
    for attempt in unsure:
        solution = _variant_found(session, attempt, checks).solution
        for name, text in attempt.responses(solution.asked).items():
            given, exact = response_number(text or ""), solution.values[name]
            if given is None or abs(given - exact) > 1e-12 * abs(exact):
                return
    raise BpcheckError("its column beside the questions holds the right answers, not the responses",
                       file=path_shown(source), hint="in the quiz's Results > Responses, show the Response too, "
                                                     "then download the report again")


# ---------------------------------------------------------------- reading an export


def read_export(path: Path, system: str) -> list[Attempt]:
    """The attempts in one exported CSV; bad input (not UTF-8, not CSV, not such an export) raises."""
    file = path_shown(path)
    rows = _rows(read_text(path, MAX_BYTES, "give the CSV file the course system downloaded (UTF-8; a "
                                    "spreadsheet saves it as CSV UTF-8)"), file)
    header = rows[0][1] if rows else []
    body = rows[1:]
    what, option = SYSTEMS[system]
    found = _system_of(header, body)
    if found is None:
        raise BpcheckError(f"is not {what} of a quiz that bpcheck exported (no question names a bpcheck variant)",
                           file=file, hint=_download_hint(system))
    if found != system:
        raise BpcheckError(f"is {SYSTEMS[found][0]}, not {what}", file=file, hint=f"grade it with {SYSTEMS[found][1]}")
    attempts = (_moodle_attempts if system == "moodle" else _canvas_attempts)(header, body, file)
    if not attempts:
        raise BpcheckError(f"has no attempt at bpcheck's questions in it ({option} reads submitted attempts)",
                           file=file, hint=_download_hint(system))
    return attempts


def _system_of(header: list[str], body) -> str | None:
    """Which system wrote the export: Canvas names bpcheck's questions in its header, Moodle in its cells
    (the header first: a student can type a marker into a cell, never into a header)."""
    if canvas.question_markers(header):
        return "canvas"
    if any(find_marker(cell) for _, cells in body for cell in cells):
        return "moodle"
    return None


def _download_hint(system: str) -> str:
    if system == "moodle":
        return ("in the quiz, open Results > Responses, show the Question text and the Response, and download "
                "the table as CSV")
    return "in the quiz, open Quiz Statistics > Student Analysis and download its CSV"


def _rows(text: str, file: str) -> list[tuple[int, list[str]]]:
    """(line, cells) for each record that is not blank. The delimiter is the one that splits the header
    into the most columns: a comma as the systems write it, a semicolon or tab as spreadsheets save it."""
    import csv
    import io

    previous = csv.field_size_limit(FIELD_LIMIT)
    line = 1
    try:
        delimiter = max(DELIMITERS, key=lambda candidate: len(next(csv.reader(io.StringIO(text, newline=""),
                                                                              delimiter=candidate), [])))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise BpcheckError(f"is not CSV ({error})", file=f"{file}:{line}",
                           hint="give the CSV file the course system downloaded") from None
    finally:
        csv.field_size_limit(previous)
    return rows


def _moodle_attempts(header: list[str], body, file: str) -> list[Attempt]:
    """An attempt per row and bpcheck question slot; rows without one (a student with no attempt) are left
    out."""
    slots = moodle.slots(header, [cells for _, cells in body], file)
    columns = _columns(header)
    attempts = []
    for line, cells in body:
        for slot in slots:
            found = find_marker(moodle.cell(cells, slot.question))
            if found is None:
                continue
            where = f"{file}:{line}" if len(slots) == 1 else f"{file}:{line} ({shown(header[slot.question])})"
            student = _moodle_student(cells, columns)
            attempts.append(Attempt(where, found, _value(cells, columns, MOODLE_IDS) or student or where, student,
                                    summary=moodle.cell(cells, slot.response), unsure=slot.unsure))
    return attempts


def _moodle_student(cells: list[str], columns: dict[str, int]) -> str | None:
    """First name and last name: under those names in English; the report's first two columns (last name,
    first name, in every download) in any other language."""
    names = (("first name",), ("last name", "surname"))
    if all(any(name in columns for name in either) for either in names):
        first, last = (_value(cells, columns, either) for either in names)
    else:
        last, first = (shown(moodle.cell(cells, column).strip()) for column in (0, 1))
    return " ".join(part for part in (first, last) if part and part != "-") or None


def _canvas_attempts(header: list[str], body, file: str) -> list[Attempt]:
    """An attempt per row (a submission): the bpcheck questions it had (their points cell is not empty; a
    question the submission did not have leaves it empty), all of one variant."""
    markers = canvas.question_markers(header)
    variants = {(found.variant, found.check) for found in markers.values()}
    columns = _columns(header)
    attempts = []
    for line, cells in body:
        had = [column for column in markers if moodle.cell(cells, column + 1).strip()]
        if not had and len(variants) == 1:  # no points at all: every question is the one variant's
            had = list(markers)
        seen = {(markers[column].variant, markers[column].check) for column in had}
        if len(seen) > 1:
            names = ", ".join(sorted(shown(variant or "(own numbers)") for variant, _ in seen))
            raise BpcheckError(f"the row answers questions of several variants ({names})", file=f"{file}:{line}",
                               hint="give each variant's quiz its own Student Analysis CSV")
        if not had:
            continue
        texts = {str(markers[column].value): moodle.cell(cells, column) for column in had}
        student = _value(cells, columns, ("name",)) or None
        where = f"{file}:{line}"
        attempts.append(Attempt(where, markers[had[0]]._replace(value=None),
                                _value(cells, columns, CANVAS_IDS) or student or where, student, texts=texts))
    return attempts


def _columns(header: list[str]) -> dict[str, int]:
    """Each column's index by its name, lower-cased (the first of two of the same name)."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    return columns


def _value(cells: list[str], columns: dict[str, int], names) -> str:
    """The first non-empty cell under one of ``names``, safe to print ("" when none)."""
    for name in names:
        if name in columns:
            text = moodle.cell(cells, columns[name]).strip()
            if text and text != "-":
                return shown(text)
    return ""

