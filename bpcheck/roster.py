"""A class roster: each student's id (their variant's name), and their name and email when given.

A roster is a CSV file with a header, one row a student (as an LMS or GitHub Classroom exports it:
commas, semicolons or tabs), or a plain list of ids, one a line. Blank lines and lines starting with #
are left out. Ids compare as variant names do (``variants.variant_name``: ``Alice`` is ``alice``).
``folder_problem`` says whether an id can name a student's folder on every system a class uses. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .errors import BpcheckError
from .safetext import quoted

# Header names, compared lower-cased with spaces and hyphens as '_'; the first found is the id column.
ID_COLUMNS = ("id", "student_id", "id_number", "sis_user_id", "username", "user_name", "login",
              "github_username", "identifier", "student", "email", "email_address", "e_mail")
NAME_COLUMNS = ("name", "full_name", "student_name", "display_name")
GIVEN_NAME_COLUMNS = ("first_name", "given_name", "firstname")
FAMILY_NAME_COLUMNS = ("last_name", "surname", "family_name", "lastname")
EMAIL_COLUMNS = ("email", "email_address", "e_mail", "mail")
HEADER_WORDS = frozenset(ID_COLUMNS + NAME_COLUMNS + GIVEN_NAME_COLUMNS + FAMILY_NAME_COLUMNS + EMAIL_COLUMNS)
DELIMITERS = ",;\t"
ROSTER_HINT = "give a CSV with a header and an id column (id, student_id, username, email ...), or one id a line"
# Windows refuses these as file names, with any extension, in any case.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in "123456789¹²³"),
                            *(f"lpt{n}" for n in "123456789¹²³")})
FORBIDDEN_IN_NAMES = set('/\\:*?"<>|')  # a folder separator somewhere, or refused by Windows or macOS
LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")  # after \n, \r\n or a lone \r: a spreadsheet's line breaks
MAX_NAME_BYTES = 200  # file systems allow 255 bytes a name: room for a key's ".md" and a temporary's prefix


class Student(NamedTuple):
    id: str  # as written, surrounding spaces removed
    variant: str  # the id as variants compare and draw it
    line: int  # where the roster gives it
    name: str | None = None
    email: str | None = None


def roster_students(text: str, file: str | None) -> list[Student]:
    """The students of a roster file's text (``file``: its path, as messages name it). An empty roster, a
    header without an id column, an empty or unprintable id, or an id given twice is refused where it
    stands."""
    pieces = LINE_BREAK.split(text)
    lines = [(number, piece.rstrip("\r\n")) for number, piece in enumerate(pieces, start=1) if _kept(piece)]
    if not lines:
        raise BpcheckError("no student ids in it", file=file, hint=ROSTER_HINT)
    number, first = lines[0]
    delimiter = max(DELIMITERS, key=first.count) if any(mark in first for mark in DELIMITERS) else None
    # One column: a plain list of ids, unless its first line is a header ("Name" is no student's id).
    if delimiter is None and _column(first) not in HEADER_WORDS:
        students = [_student(line, number, file) for number, line in lines]
    else:
        rows = _rows(pieces, delimiter, file) if delimiter else [(number, [line]) for number, line in lines]
        students = _csv_students(rows, file)
    return _once_each(students, file)


def _kept(line: str) -> bool:
    """Not a blank line, nor a comment."""
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _rows(pieces: list[str], delimiter: str, file: str | None) -> list[tuple[int, list[str]]]:
    """Each row's first line and cells, as a spreadsheet writes them: a quoted cell may hold the delimiter,
    a doubled quote or line breaks (``pieces``: the lines, each with its line break); blank lines and
    comments between rows are left out."""
    import csv

    start = 0  # the line the row being read starts on

    def fed():
        nonlocal start
        for number, piece in enumerate(pieces, start=1):
            if start or _kept(piece):  # inside a row, a blank line is part of a quoted cell
                start = start or number
                yield piece

    reader = csv.reader(fed(), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            raise BpcheckError("is not a CSV row (a quote left open?)", file=file, line=start,
                               hint="close the quote, or save the roster again as CSV") from None
        rows.append((start, cells))
        start = 0


def _csv_students(rows: list[tuple[int, list[str]]], file: str | None) -> list[Student]:
    """Each row's student, by the columns the header (the first row) names."""
    number, first = rows[0]
    header = [_column(cell) for cell in first]
    found = {name: header.index(name) for name in reversed(header)}  # a name's first column
    id_column = _column_for(ID_COLUMNS, header, found, file, number)
    if id_column is None:
        raise BpcheckError(f"no id column in the header ({', '.join(header)})", file=file, line=number,
                           hint=f"name the column of student ids id (or one of {', '.join(ID_COLUMNS[1:])})")
    name_column, given_column, family_column, email_column = (
        _column_for(names, header, found, file, number)
        for names in (NAME_COLUMNS, GIVEN_NAME_COLUMNS, FAMILY_NAME_COLUMNS, EMAIL_COLUMNS))

    def cell(cells: list[str], column: int | None) -> str | None:
        text = cells[column].strip() if column is not None and column < len(cells) else ""
        return text or None

    students = []
    for number, cells in rows[1:]:
        if id_column >= len(cells) or not cells[id_column].strip():
            raise BpcheckError(f"no id in the column {header[id_column]}", file=file, line=number,
                               hint="fill it in, or delete the line (or start it with #)")
        given = " ".join(filter(None, (cell(cells, given_column), cell(cells, family_column))))
        students.append(_student(cells[id_column], number, file, cell(cells, name_column) or given or None,
                                 cell(cells, email_column)))
    if not students:
        raise BpcheckError("a header and no student under it", file=file, line=number,
                           hint="give one student a row under the header")
    return students


def _column_for(names: tuple[str, ...], header: list[str], found: dict[str, int], file: str | None,
                number: int) -> int | None:
    """The column of the first of ``names`` the header has; a header naming that column twice is refused,
    as the roster does not say which of the two it means."""
    name = next((name for name in names if name in found), None)
    if name is None:
        return None
    if header.count(name) > 1:
        columns = [str(index + 1) for index, column in enumerate(header) if column == name]
        raise BpcheckError(f"the header names the column {name} twice (columns {' and '.join(columns[:2])})",
                           file=file, line=number, hint="rename or delete one of them")
    return found[name]


def _column(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().strip('"').strip().lower())


def _student(text: str, number: int, file: str | None, name: str | None = None,
             email: str | None = None) -> Student:
    from .variants import variant_name

    try:
        variant = variant_name(text)
    except BpcheckError as error:
        raise BpcheckError(f"the id {quoted(text)}: {error.message}", file=file, line=number,
                           hint=error.hint) from None
    return Student(text.strip(), variant, number, name, email)


def _once_each(students: list[Student], file: str | None) -> list[Student]:
    first: dict[str, Student] = {}
    for student in students:
        if student.variant in first:
            raise BpcheckError(f"variant {quoted(student.variant)} is listed twice (first on line "
                               f"{first[student.variant].line})", file=file, line=student.line,
                               hint="give each student one line (ids that differ only in case, or in Unicode's "
                               "form, are one id)")
        first[student.variant] = student
    return students


# ---------------------------------------------------------------- ids as folder names


def folder_problem(name: str) -> str | None:
    """Why ``name`` cannot name a folder of its own on Linux, macOS and Windows alike, found the same
    way by everyone who copies it (a student's folder, graded back by the id its name gives); None if
    it can."""
    if name in (".", "..") or name.startswith("."):
        return "starts with '.' (a hidden folder, which grading passes over)"
    bad = sorted(FORBIDDEN_IN_NAMES & set(name))
    if bad:
        return f"holds {bad[0]!r}, which a folder name cannot hold on every system"
    if not name.isprintable():
        return "holds a character that cannot be printed"
    if name != name.strip() or name.endswith("."):
        return "ends in a space or '.', which Windows drops"
    if name.split(".")[0].strip().lower() in RESERVED_NAMES:
        return "is a name Windows reserves for a device"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def folder_key(name: str) -> str:
    """The form in which two names are one folder on a case-insensitive system (Windows, macOS):
    Unicode's compatibility normalization and case folding."""
    return unicodedata.normalize("NFKC", name).casefold()
