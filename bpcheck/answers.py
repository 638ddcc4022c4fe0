"""Answers files: YAML -> canonical name -> number, with file:line:column for every problem.

    exercise: ex1          # a built-in name, or a path relative to this file
    variant: alice         # optional: the variant worked (bpcheck template ex1 --variant alice)
    student: Ada Lovelace  # optional
    answers:
      a3: 0.755
      δ3: -0.00265         # any of the usual spellings; see names.py
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple, NoReturn

from .errors import AnswersError, ExerciseError, IsAnExercise, did_you_mean
from .files import is_file
from .names import canonical_name
from .numbers import written_digits
from .safetext import path_shown, quoted, shown
from .yamlfile import ANSWERS_LIMITS, Document, read_answer, read_document

TOP_LEVEL_KEYS = ("exercise", "answers", "student", "variant")
SLIPS_SAID = 10  # names that are not quantities said one by one (each with a did-you-mean); the rest counted
STDIN, STDIN_SHOWN = "-", "<stdin>"  # the path that means standard input, and how it is shown


class Slip(NamedTuple):
    """A value of an answers file that is not graded as written, and why: a name that is not a quantity
    of the exercise (``name`` None), or a value that is not a number."""

    raw: str  # the name as written
    name: str | None  # its canonical name
    reason: str  # "'abc' is not a number", "'W99' is not a quantity of this exercise"
    hint: str

    @property
    def message(self) -> str:
        return self.reason if self.name is None else f"{shown(self.raw)}: {self.reason}"


class Answers:
    def __init__(self, file: str, student: str | None = None):
        self.file = file
        self.values: dict[str, float | None] = {}  # canonical name -> number (None: left blank)
        self.lines: dict[str, int] = {}
        self.student = student
        self.notes: dict[str, str] = {}  # canonical name -> how its value was read (a decimal comma)
        # (canonical name, or None for a name that is not a quantity; the slip at its line and column)
        self.slips: list[tuple[str | None, AnswersError]] = []
        self.unreadable: dict[str, str] = {}  # canonical name -> why its value is not a number, what to do
        self.digits: dict[str, int] = {}  # canonical name -> the significant digits it was written with


def read_answers(path: Path, display: str | None = None, *,
                 exercise_required: bool = True) -> tuple[Document, str | None]:
    """The parsed file and the exercise it names (checked for shape only; None when it names none and
    none is required, the course having pinned one)."""
    if str(path) == STDIN:  # `bpcheck grade -`: what a pipe or CI step hands over
        import sys

        from .yamlfile import parse_document

        if sys.stdin is None:  # `bpcheck grade - <&-`: there is nothing to read
            raise AnswersError("standard input is closed, so there are no answers to read",
                               file=STDIN_SHOWN, hint="pipe an answers file in, or name one")
        document = parse_document(sys.stdin.buffer.read(ANSWERS_LIMITS.max_bytes + 1), STDIN_SHOWN, AnswersError,
                                  ANSWERS_LIMITS)
    else:
        document = read_document(path, AnswersError, display or str(path), ANSWERS_LIMITS)
    data = document.data
    fail = _failer(document)
    if isinstance(data, dict) and "layers" in data and "answers" not in data:
        raise IsAnExercise("is an exercise file, not an answers file", file=document.file, line=1, column=1,
                           hint=f"make an answers file for it with `bpcheck template {document.file} > answers.yaml`")
    # Not an answers file at all: say so without quoting any of it.
    if not isinstance(data, dict) or not any(key in TOP_LEVEL_KEYS for key in data):
        fail((), "is not an answers file: an answers file must be a YAML mapping with 'exercise:' and 'answers:'",
             "run `bpcheck template EXERCISE` for one to fill in")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            fail((key,), f"unknown key {quoted(key)}",
                 did_you_mean(key, TOP_LEVEL_KEYS, "an answers file has 'exercise:' and 'answers:'"), key=True)
    spec = data.get("exercise")
    if spec is None and exercise_required:
        fail((), "'exercise:' is missing", "add e.g. exercise: ex1 (a built-in name or a path to a .yaml file)")
    if spec is not None and (isinstance(spec, (dict, list)) or not document.text(("exercise",), spec).strip()):
        fail(("exercise",), "'exercise' must be a name such as ex1 or a path", "write e.g. exercise: ex1")
    for key, example in (("student", "student: Ada Lovelace"), ("variant", "variant: alice")):
        if isinstance(data.get(key), (dict, list)):
            fail((key,), f"'{key}' must be a name or a number", f"write e.g. {example}")
    return document, None if spec is None else document.text(("exercise",), spec)


def locate_exercise(document: Document, spec: str, answers_path: Path) -> tuple[Path | None, Path]:
    """(folder to resolve ``spec`` from, the file it names) for an answers file's ``exercise:``.

    A path is relative to the answers file; failing that, to the current folder, where
    `bpcheck template sub/ex.yaml > answers.yaml` found it. A name that leads nowhere is reported
    at the answers file's line.
    """
    from .loading import resolve_exercise

    fail = _failer(document)
    folder: Path | None
    try:
        folder, path = answers_path.parent, resolve_exercise(spec, answers_path.parent)[1]
        if not is_file(path) and is_file(resolve_exercise(spec)[1]):
            folder, path = None, resolve_exercise(spec)[1]
    except ExerciseError as error:
        fail(("exercise",), f"exercise: {error.message}", error.hint or "")
    if not is_file(path):
        fail(("exercise",), f"exercise: there is no file {path_shown(path)}",
             "give a built-in name such as ex1, or a path relative to the answers file")
    return folder, path


def parse_answers(document: Document, known: list[str], input_units: frozenset[int]) -> Answers:
    """Canonical names and numbers. A name given twice is an error; a name that is not a quantity and
    a value that is not a number are slips, kept with their lines (``Answers.slips``) for the grade to
    report: one slip does not cost the whole file."""
    fail = _failer(document)
    given = document.data.get("answers")
    if given is None:
        given = {}
    elif not isinstance(given, dict):
        fail(("answers",), "'answers' must be a mapping of quantity names to numbers",
             "write one 'name: number' per line under answers:")
    answers = Answers(document.file, student=student_name(document))

    def fail_at(raw: str, message: str, hint: str, key: bool) -> NoReturn:
        fail(("answers", raw), message, hint, key=key)

    def first_line(raw: str) -> str:
        return f" on line {document.where(('answers', raw), key=True)[0]}"

    read = canonical_answers(given, known, input_units, fail_at, first_line)
    answers.values, answers.notes = read.values, read.notes
    answers.lines = {name: document.value_marks[("answers", raw)].line + 1 for name, raw in read.spelled.items()}
    for name, raw in read.spelled.items():
        if read.values.get(name) is not None:
            digits = written_digits(document.text(("answers", raw), given[raw]))
            if digits:
                answers.digits[name] = digits
    for slip in read.slips:
        line, column = document.where(("answers", slip.raw), key=slip.name is None)
        answers.slips.append((slip.name, AnswersError(slip.message, file=document.file, line=line, column=column,
                                                      hint=slip.hint)))
        if slip.name is not None:
            answers.unreadable[slip.name] = f"{slip.reason}; {slip.hint}"
    return answers


class Read(NamedTuple):
    values: dict[str, float | None]  # canonical name -> number (None: left blank), in order
    notes: dict[str, str]  # canonical name -> how its value was read (a decimal comma)
    slips: list[Slip]
    spelled: dict[str, str]  # canonical name -> the name as written


def canonical_answers(given: Mapping, known: Iterable[str], input_units: frozenset[int],
                      fail: Callable[[str, str, str, bool], NoReturn] | None = None,
                      where: Callable[[str], str] = lambda raw: "") -> Read:
    """Numbers by canonical name from answers in any accepted spelling, in order.

    A quantity given twice (also as two spellings) is an error: ``fail(raw_name, message, hint, key)``
    must raise; by default an AnswersError. A name that is not a quantity, and a value that is not a
    number (``yamlfile.read_answer``: a decimal comma between digits is read, with a note), are slips.
    """
    fail = fail or _fail_without_place
    known = list(known)
    known_set = set(known)
    read = Read({}, {}, [], {})
    for raw, value in given.items():
        raw = str(raw)
        name = canonical_name(raw, input_units)
        if name is None or name not in known_set:  # a suggestion searches every name: only for those said
            read.slips.append(Slip(raw, None, f"{quoted(raw)} is not a quantity of this exercise",
                                   _suggest(raw, name, known) if len(read.slips) < SLIPS_SAID else ""))
            continue
        if name in read.spelled:
            fail(raw, f"{name} is given twice (as {shown(read.spelled[name])}{where(read.spelled[name])} and as "
                      f"{shown(raw)})", "keep one of them and delete the other", True)
        read.spelled[name] = raw
        try:
            number, note = (None, "") if value is None else read_answer(value)
        except ValueError as error:
            read.slips.append(Slip(raw, name, str(error), "write a decimal number such as 0.25 or -1.5e-3"))
            continue
        read.values[name] = number
        if note:
            read.notes[name] = note
    return read


def _fail_without_place(raw: str, message: str, hint: str, key: bool) -> NoReturn:
    raise AnswersError(message, hint=hint)


def student_name(document: Document) -> str | None:
    """The `student:` exactly as written (01234567 stays 01234567), safe to print; None when absent."""
    text = written(document, "student")
    return shown(text) if text else None


def written(document: Document, key: str) -> str | None:
    """A top-level scalar exactly as written, stripped; None when absent or blank."""
    value = document.data.get(key)
    if value is None:
        return None
    return document.text((key,), value).strip() or None


def answers_variant(document: Document) -> str | None:
    """The `variant:` named, in the form variants are compared in; None when absent. A name that
    cannot be a variant is reported at its line."""
    text = written(document, "variant")
    if text is None:
        return None
    from .variants import variant_name  # only for a file that names a variant

    try:
        return variant_name(text)
    except ExerciseError as error:
        _failer(document)(("variant",), f"variant: {error.message}", error.hint or "")


def _suggest(raw: str, name: str | None, known: list[str]) -> str:
    from .names import canonical_name, without_example_index

    base = without_example_index(raw)
    shared = canonical_name(base) if base is not None else None
    if shared in known and "[" not in shared:  # eta[1], W13[2]: one value for every example
        return f"{shared} is shared by every example: write it without an index, as {shared}"
    return did_you_mean(name or raw, known, "run `bpcheck template EXERCISE` to see the names", cutoff=0.5)


def _failer(document: Document) -> Callable[..., NoReturn]:
    def fail(path: tuple, message: str, hint: str, *, key: bool = False) -> NoReturn:
        line, column = document.where(path, key=key)
        raise AnswersError(message, file=document.file, line=line, column=column, hint=hint or None)

    return fail
