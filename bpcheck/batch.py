"""Grading answers files: one, or a whole class in one call, each exercise solved once, a bad file
reported in its own row. Returns records (``Outcome``, ``ClassGrade``); rendering is the report's job."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .answers import (
    SLIPS_SAID,
    STDIN,
    STDIN_SHOWN,
    answers_variant,
    locate_exercise,
    parse_answers,
    read_answers,
    student_name,
    written,
)
from .builtin import YAML_SUFFIXES, builtin_exercises, natural_order
from .errors import AnswersError, BpcheckError, ExerciseError, IsAnExercise
from .files import identities, identity, is_dir
from .grading import DOWNHILL, Grade, asks_step, grade, with_readings
from .loading import load_exercise
from .network import Exercise
from .numbers import number_formatter
from .safetext import path_shown, shown
from .solution import Solution, solve

PROGRESS_FROM = 20  # files: a shorter batch is over before a progress bar would say anything
FLAG_KINDS = ("other-exercise", "other-variant", "variant-claimed-twice", "not-graded", "not-on-roster",
              "no-file")


class Flag(NamedTuple):
    """A note on an answers file, for whoever reads its grade (docs/instructors/class.md): what it was graded
    against where that is not what it says (``other-exercise``, ``other-variant``), a variant that
    another file of the run names too (``variant-claimed-twice``), what of it was not graded
    (``not-graded``), and under --roster a file whose id is not on it (``not-on-roster``) or a student
    who handed in no file (``no-file``, the row of no file). Never a word about the answers: every
    feedback level shows flags."""

    kind: str  # one of FLAG_KINDS
    fact: str  # what the file says that is not graded as it says (safe to print)
    done: str = ""  # what was graded instead
    line: int | None = None
    column: int | None = None

    @property
    def message(self) -> str:
        return f"{self.fact}; {self.done}" if self.done else self.fact

    @property
    def text(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "line": self.line}


class Outcome(NamedTuple):
    """One answers file: its grade, or the error that kept it from being graded; and its flags."""

    file: str  # as it may be printed (see safetext.path_shown)
    grade: Grade | None = None
    error: BpcheckError | None = None
    student: str | None = None
    exercise_file: str | None = None  # what it was graded against: a built-in name, or the file's path
    feedback: str = "full"  # what the student may read of it (feedback.LEVELS)
    flags: tuple[Flag, ...] = ()
    identifier: str | None = None  # the student id its source gives (an LMS export's row), for the gradebook

    @property
    def handed_in(self) -> bool:
        """False for the row of a roster's student with no answers file (``with_roster``): no grade, no error."""
        return self.grade is not None or self.error is not None

    def problems(self) -> list[str]:
        """What --strict refuses: each flag, and each value that could not be read, as one line; nothing for
        a student who handed in no file (no file's problem: its row says so)."""
        results = self.grade.results if self.grade is not None else ()
        values = [f"{self.file}{'' if result.line is None else f':{result.line}'}: {result.name}: {result.message}"
                  for result in results if result.verdict == "unreadable"]  # an LMS export's value has no line
        return [f"{self.file}:{flag.line}:{flag.column}: {flag.message}" if flag.line is not None else
                f"{self.file}: {flag.message}" for flag in self.flags if flag.kind != "no-file"] + values

    def passed(self, pass_mark: float | None = None) -> bool:
        return self.grade is not None and self.grade.passed(pass_mark)

    @property
    def exercise_label(self) -> str:
        """What it was graded against, as reports name it: ex1, or the exercise file's path."""
        return self.exercise_file or (self.grade.exercise if self.grade is not None else "")

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FILE --format json` prints; {"file", "error"} for a bad file."""
        flags = [flag.to_dict() for flag in self.flags]
        if not self.handed_in:
            return {"file": None, "student": self.student, "handed_in": False, "score": 0, "passed": False,
                    "flags": flags}
        if self.grade is None:
            return {"file": self.file, "student": self.student, "error": str(self.error), "flags": flags}
        record = self.grade.to_dict(self.file, pass_mark, self.feedback)
        return {"file": self.file, "student": self.student, "exercise_file": self.exercise_file, "flags": flags,
                **record}


class ClassGrade(NamedTuple):
    """Many answers files: an outcome each, and the exercises found among them (inputs, not graded)."""

    outcomes: tuple[Outcome, ...]
    exercises_skipped: tuple[str, ...] = ()
    answers_files: tuple[Path, ...] = ()  # every input of the run: no output may overwrite one
    exercise_files: tuple[Path, ...] = ()

    def exit_code(self, pass_mark: float | None = None) -> int:
        """2 when any file could not be read, else 1 when any did not pass, else 0."""
        return exit_code(self.outcomes, pass_mark)

    pinned_exercise: str | None = None  # --exercise, as shown
    pinned_variant: str | None = None
    pinned_max_score: float | None = None  # the pinned exercise's points: what an unreadable file scores 0 of
    variant_from: str | None = None  # where each file's variant came from (GradingSession.variant_from)
    roster: str | None = None  # --roster, as shown: each outcome's identifier is its roster id (with_roster)

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FOLDER --format json` prints; with a roster, each record has its
        student's id first, and a student who handed in nothing scores 0 of the exercise's points."""
        records = [outcome.to_dict(pass_mark) for outcome in self.outcomes]
        if self.roster is not None:
            records = [{"id": outcome.identifier, **record,
                        **({} if outcome.handed_in else {"max_score": self.pinned_max_score})}
                       for outcome, record in zip(self.outcomes, records)]
        return {"files": records,
                "passed": self.exit_code(pass_mark) == 0, "exercises_skipped": list(self.exercises_skipped),
                "pinned_exercise": self.pinned_exercise, "pinned_variant": self.pinned_variant,
                "variant_from": self.variant_from, **({"roster": self.roster} if self.roster is not None else {})}


def grade_files(paths, *, rtol: float | None = None, atol: float | None = None, precision: int = 4,
                progress=None, exercise: str | None = None, variant: str | None = None,
                feedback: str | None = None, variant_from: str | None = None,
                id_pattern: str | None = None, roster=None, roster_file: str | None = None) -> ClassGrade:
    """Grade answers files and folders of them (see ``expand_paths``). ``progress(files, grade_one)``,
    when given, runs the grading of a long batch (a progress bar) and returns the outcomes in order.
    ``exercise``/``variant`` pin what every file is graded against, and ``variant_from`` ("id" or
    "file") where each file's variant comes from (see ``GradingSession``); the student ids are those
    the paths give (``ids.path_ids``, with ``id_pattern``). With a ``roster`` (roster.Student records,
    read from ``roster_file``), the ids are matched against it (``with_roster``)."""
    session = GradingSession(rtol=rtol, atol=atol, precision=precision, exercise=exercise, variant=variant,
                             feedback=feedback, variant_from=variant_from)
    files = expand_paths([Path(path) for path in paths])
    if session.rule in ("id", "auto") or roster is not None:
        session.take_ids([Path(path) for path in paths], files, id_pattern, roster)
    outcomes = session.grade_files(files, progress=progress)
    pinned = session.pinned
    if roster is not None:
        assert pinned is not None and roster_file is not None  # the command refuses --roster without --exercise
        ids = {_shown(path): identifier for path, identifier in session.ids.items()}
        outcomes = with_roster(outcomes, [ids[outcome.file] for outcome in outcomes], roster, roster_file,
                               Outcome("", exercise_file=pinned.label,
                                       feedback=session.feedback or pinned.exercise.feedback or "full"))
    return ClassGrade(tuple(outcomes), tuple(session.skipped), tuple(files), tuple(session.exercise_files),
                      pinned.label if pinned else None, session.variant,
                      max_score(pinned.found.solution) if pinned else None, session.variant_from, roster_file)


def with_roster(outcomes: list[Outcome], ids: list[str], roster, roster_file: str, blank: Outcome) -> list[Outcome]:
    """The rows of a class graded against its roster: each roster student's, in the roster's order (the
    order of the instructor's own list, so that a gradebook column lines up with it), their file's outcome
    or, for a student who handed in none, ``blank`` with their id, name and a ``no-file`` flag; then each
    file whose id (``ids``, as ``ids.roster_ids`` matched them) is not on the roster, flagged and graded
    all the same, in path order. Every row's ``identifier`` is its student's id."""
    from .roster import folder_key

    by_id = {identifier: outcome for outcome, identifier in zip(outcomes, ids)}
    rows = []
    for student in roster:
        found = by_id.pop(student.id, None)
        rows.append(found._replace(identifier=student.id) if found is not None else
                    blank._replace(student=shown(student.name) if student.name else None, identifier=student.id,
                                   flags=(Flag("no-file", "no file handed in"),)))
    on_roster = {folder_key(student.id) for student in roster}
    for outcome, identifier in zip(outcomes, ids):
        if folder_key(identifier) not in on_roster:
            flag = Flag("not-on-roster", f"its id {shown(identifier)} is not on the roster {roster_file}",
                        "it was graded all the same")
            rows.append(outcome._replace(identifier=identifier, flags=(*outcome.flags, flag)))
    return rows


def expand_paths(paths) -> list[Path]:
    """Files as given, and every .yaml/.yml file (any case) in a folder and its subfolders, in natural
    order. Hidden files and folders (.git, .github) are not searched. Whatever is not a folder gets a
    row: a broken link or an unreadable file is reported there, never skipped without a word."""
    files: list[Path] = []
    for path in paths:
        if is_dir(path):
            files += sorted(_answers_files_under(path), key=natural_order)
        else:
            files.append(path)
    if not files:
        raise BpcheckError("no answers files (.yaml or .yml) there", file=path_shown(paths[0]),
                           hint="give answers files or a folder that holds them")
    return files


def _answers_files_under(folder: Path):
    for root, folders, names in os.walk(folder, onerror=_raise):  # symlinked folders are not followed
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in YAML_SUFFIXES:
                yield Path(root, name)


def _raise(error: OSError) -> None:
    raise BpcheckError(f"cannot list the folder ({error.strerror})", file=path_shown(error.filename or ""),
                       hint="check its permissions")


class Pinned(NamedTuple):
    """The exercise a course grades every file against (``--exercise``)."""

    identity: tuple[int, int] | None  # its file's device and inode
    found: Found

    @property
    def label(self) -> str:
        return self.found.label

    @property
    def exercise(self) -> Exercise:
        return self.found.solution.exercise


class Found(NamedTuple):
    """An exercise ready to grade against: solved, its names and input units, and how it is shown."""

    solution: Solution
    names: list[str]
    inputs: frozenset[int]
    label: str  # a built-in name, or the file's path as shown
    others: dict[str, float] | None = None  # for a variant: the values of the exercise's own numbers


def _found(exercise: Exercise, label: str, others: dict[str, float] | None = None) -> Found:
    solution = solve(exercise)
    return Found(solution, solution.graph.names(), frozenset(exercise.network.layers[0]), label, others)


def exercise_label(path: Path) -> str:
    """ex1 for a built-in exercise's file, else the file's path as it may be printed."""
    found = identity(path)
    return next((name for name, builtin in builtin_exercises().items() if identity(builtin) == found),
                path_shown(path))


IDS_HINT = ("give --id-pattern with a group id, e.g. --id-pattern 'hw1-(?P<id>[^/]+)/', or --variant NAME for one "
            "student, or --variant-from-file for a collection you trust")


ROSTER_IDS_HINT = ("grade the folder `bpcheck handout` wrote (OUTDIR/ID/answers.yaml), or give --id-pattern with a "
                   "group id, e.g. --id-pattern 'hw1-(?P<id>[^/]+)/'")


class RunRefused(BpcheckError):
    """A run that cannot go on for any file: what it was asked cannot be done without guessing."""


class GradingSession:
    """Solves each exercise, and each variant, once however many files name it.

    With ``exercise`` pinned (a course's --exercise), every file is graded against it alone: its
    tolerance, points and questions. A file may name the same exercise (the same built-in name, a path
    to the same file, or a file with the same network, numbers and settings) or none; one that names
    another is graded against the pinned one all the same, and flagged. ``feedback`` overrides the
    exercise's ``feedback:``.

    The variant a file is graded as (``rule``): ``variant`` pinned (--variant NAME) for every file;
    with ``variant_from="id"``, the student id its path gives (``take_ids``); with
    ``variant_from="file"``, or with no exercise pinned (self-study), the one the file names. With an
    exercise pinned and neither, a file's own `variant:` is not trusted for marks ("auto"): if no file
    names a variant, or the exercise has none, every file is graded against the exercise's own
    numbers; once one does, each is graded as its id's variant, and a run whose paths give no safe ids
    is refused. Wherever the variant graded is not the one a file names, the file is flagged; and
    where each student has their own, so is every file naming a variant that another file names too.
    """

    def __init__(self, rtol: float | None = None, atol: float | None = None, precision: int = 4, *,
                 exercise: str | None = None, variant: str | None = None, feedback: str | None = None,
                 variant_from: str | None = None):
        self.rtol, self.atol = rtol, atol
        self.fmt = number_formatter(precision)
        from .feedback import checked_level

        if variant_from not in (None, "id", "file") or (variant is not None and variant_from is not None):
            raise BpcheckError(f"variant_from={variant_from!r} with variant={variant!r}",
                               hint='give variant, or variant_from "id" or "file", or none')
        self.feedback = checked_level(feedback) if feedback is not None else None
        self._solutions: dict[str, Found | BpcheckError] = {}
        self._located: dict[tuple[str, Path], tuple[Path | None, str, str]] = {}
        self._variants: dict[tuple[str, str], Found | BpcheckError] = {}
        self._same: dict[tuple[str, Path], bool] = {}
        self.exercise_files: set[Path] = set()  # every exercise read: inputs no output may overwrite
        self.skipped: list[str] = []  # exercise files met among the answers files
        self.variant = _variant_name(variant) if variant is not None else None
        self.pinned = self._pin(exercise) if exercise is not None else None
        self.rule = ("pinned" if self.variant is not None else variant_from if variant_from is not None
                     else "auto" if self.pinned is not None else "file")
        if self.rule == "auto" and self.pinned is not None and not _can_vary(self.pinned.exercise):
            self.rule = "none"  # a course without variants: every file against the exercise's own numbers
        if self.rule == "id" and self.pinned is not None and not _can_vary(self.pinned.exercise):
            raise BpcheckError(f"--variant-from-id: {self.pinned.label} has no variants (variants: false)",
                               hint="grade it without --variant-from-id")
        self.ids: dict[Path, str] = {}  # each file's student id, by its path (take_ids)
        self.ids_refused: str | None = None  # why the paths give no safe ids, when they do not
        self.variants_named = False  # "auto": has a file named a variant?
        self._graded_as_base: list[Path] = []  # "auto": graded before any file named a variant
        self._claims: dict[Path, tuple[str, int | None, int | None]] = {}  # the variant each file names, where

    @property
    def variant_from(self) -> str | None:
        """Where each file's variant came from: "option" (--variant), "id", "file", or None: none."""
        if self.rule == "auto":
            return "id" if self.variants_named else None
        return {"pinned": "option", "none": None}.get(self.rule, self.rule)

    def take_ids(self, given: list[Path], files: list[Path], pattern: str | None, roster=None) -> None:
        """Each file's student id from its path (``ids.path_ids``), or why these paths give none safely
        (one student's folder, a lone file, a mix, two files with one id): raised at once for
        --variant-from-id or a ``roster``, and in "auto" once a file names a variant. With a roster, a
        file whose own name or id is on it has the roster's id (``ids.roster_ids``), safe by that."""
        from .ids import duplicate_id, inferred_safely, path_ids, roots_of, roster_ids

        shown_files = [_shown(path) for path in files]
        roots = roots_of(given)
        course_files = identities(self.exercise_files)  # the course's exercise may lie in the class folder
        answers = [name for name, path in zip(shown_files, files) if identity(path) not in course_files]
        ids = path_ids(shown_files, roots, pattern)
        listed = roster_ids(shown_files, roots, [s.id for s in roster], pattern) if roster is not None else None
        strays = answers
        if listed is not None:
            ids = [student or identifier for student, identifier in zip(listed, ids)]
            strays = [name for name, student in zip(shown_files, listed) if name in answers and student is None]
        twice = duplicate_id(shown_files, ids)
        if listed is not None and not any(listed):
            self.ids_refused = (f"no id these paths give ({', '.join(map(shown, ids[:3]))}"
                                f"{', ...' if len(ids) > 3 else ''}) is on the roster")
        elif pattern is None and strays and not inferred_safely(answers, roots):  # none stray: each id is the roster's
            self.ids_refused = ("the student ids cannot be told from these paths (one student's folder, a lone "
                                "file, or files both in and out of students' folders)")
        elif twice is not None:  # two students graded as one variant: refuse rather than guess
            self.ids_refused = f"{twice[0]} and {twice[1]} both give the id {shown(twice[2])}"
        if self.ids_refused is not None and roster is not None:
            raise RunRefused(f"--roster: {self.ids_refused}", hint=ROSTER_IDS_HINT)
        if self.ids_refused is not None and self.rule == "id":
            raise RunRefused(f"--variant-from-id: {self.ids_refused}", hint=IDS_HINT)
        if self.ids_refused is None:
            self.ids = dict(zip(files, ids))
        elif len(files) == 1:
            self.ids_refused = None  # a lone file: refused at its own variant: line (see _refuse_variant)

    def _pin(self, spec: str) -> Pinned:
        from .loading import resolve_exercise

        path = resolve_exercise(spec)[1]
        exercise = load_exercise(spec)
        self.exercise_files.add(path)
        found = _found(exercise, exercise_label(path))
        pinned = Pinned(identity(path), found)
        if self.variant is not None:  # a variant the exercise cannot have stops the run before any file
            self._variant_of("pinned", found, self.variant)
        return pinned

    def solution_for(self, document, spec: str, path: Path) -> tuple[str, Found]:
        """The exercise an answers file names (self-study): its key and what grading needs of it."""
        where = (spec, path.parent)
        if where not in self._located:  # a class's files name the same few exercises: look once
            folder, exercise_path = locate_exercise(document, spec, path)
            self.exercise_files.add(exercise_path)
            self._located[where] = folder, os.path.realpath(exercise_path), exercise_label(exercise_path)
        folder, key, label = self._located[where]  # the file, not the name: two classes may each have a hw.yaml
        if key not in self._solutions:
            try:
                self._solutions[key] = _found(load_exercise(spec, folder), label)
            except BpcheckError as error:  # a fault of the exercise: one line naming both files
                self._solutions[key] = error
        found = self._solutions[key]
        if isinstance(found, BpcheckError):
            line, column = document.where(("exercise",))
            raise AnswersError(f"the exercise it names cannot be used: {found}", file=document.file, line=line,
                               column=column)
        return key, found

    def pinned_for(self, document, spec: str | None, path: Path) -> tuple[str, Found, list[Flag]]:
        """The pinned exercise, and a flag when the answers file names another."""
        assert self.pinned is not None
        if spec is None or self._names_pinned(spec, path):
            return "pinned", self.pinned.found, []
        line, column = document.where(("exercise",))
        flag = Flag("other-exercise", f"exercise: {shown(spec)} is not the exercise being graded, {self.pinned.label}",
                    f"it was graded against {self.pinned.label}", line, column)
        return "pinned", self.pinned.found, [flag]

    def _names_pinned(self, spec: str, path: Path) -> bool:
        """Does ``spec``, written in the answers file at ``path``, name the pinned exercise? The same
        built-in, the same file, or a file with the same network, numbers and settings (a copy); or a
        file not there whose name is the pinned exercise's (a template made where the exercise was)."""
        from .loading import resolve_exercise

        where = (spec, path.parent)
        pinned = self.pinned
        assert pinned is not None
        if where not in self._same:
            folder: Path | None
            try:
                folder, exercise_path = path.parent, resolve_exercise(spec, path.parent)[1]
                if identity(exercise_path) is None and identity(resolve_exercise(spec)[1]) is not None:
                    folder, exercise_path = None, resolve_exercise(spec)[1]
            except BpcheckError:
                self._same[where] = False
            else:
                if identity(exercise_path) is None:
                    self._same[where] = exercise_path.stem == pinned.exercise.name
                elif identity(exercise_path) == pinned.identity:
                    self.exercise_files.add(exercise_path)
                    self._same[where] = True
                else:  # a copy, or another exercise: an input either way, not an answers file
                    self.exercise_files.add(exercise_path)
                    self._same[where] = _same_content(spec, folder, pinned.exercise)
        return self._same[where]

    def _variant_of(self, key: str, found: Found, variant: str | None) -> Found:
        """The variant's numbers, solved once for all the files that name it."""
        if variant is None:
            return found
        from .variants import make_variant

        if (key, variant) not in self._variants:
            try:
                exercise = make_variant(found.solution.exercise, variant, solution=found.solution)
                self._variants[key, variant] = _found(exercise, found.label, found.solution.values)
            except BpcheckError as error:
                self._variants[key, variant] = error
        made = self._variants[key, variant]
        if isinstance(made, BpcheckError):
            raise made
        return made

    def variant_for(self, document, path: Path) -> tuple[str | None, list[Flag]]:
        """The variant a file is graded as (see the class's rules), and a flag when it names another."""
        if self.rule == "file":  # trusted: the variant named is the one graded (a bad name is a bad file)
            variant = answers_variant(document)
            if self.pinned is not None:  # a course's run (--variant-from-file), not self-study's
                self._claim(document, path, variant)
            return variant, []
        text = written(document, "variant")
        if self.rule == "pinned":
            graded, why = self.variant, "the variant being graded, {} (--variant)"
        elif self.rule == "none":
            graded, why = None, ""
        elif self.rule == "auto" and text is None and not self.variants_named:
            self._graded_as_base.append(path)  # graded again as its id's variant if a later file names one
            return None, []
        else:
            self.variants_named = True
            if path not in self.ids:
                self._refuse_variant(document, path)
            if not self.ids[path]:
                raise AnswersError("its path gives no student id to take the variant from", file=document.file,
                                   hint="check --id-pattern, or the folder names")
            graded, why = _variant_name(self.ids[path]), "its student's variant, {} (the id its path gives)"
            self._claim(document, path, _claimed(text))
        if text is None or _claimed(text) == graded:
            return graded, []
        line, column = document.where(("variant",))
        if graded is None:
            label = self.pinned.label if self.pinned is not None else "the exercise"
            return None, [Flag("other-variant", f"variant: {shown(text)} is not taken: {label} has no variants",
                               "it was graded against the exercise's own numbers", line, column)]
        return graded, [Flag("other-variant", f"variant: {shown(text)} is not {why.format(shown(graded))}",
                             f"it was graded as {shown(graded)}", line, column)]

    def _refuse_variant(self, document, path: Path):
        """A file names a variant, and there is no id to check it against: refuse the run, or a lone file."""
        if self.ids_refused is not None:
            raise RunRefused(f"{_shown(path)} names a variant, and {self.ids_refused}; a file's own variant: is "
                             "not taken for marks", hint=IDS_HINT)
        line, column = document.where(("variant",))
        raise AnswersError("the variant a file names is not taken for marks (--exercise), and a lone file's path "
                           "gives no student id", file=document.file, line=line, column=column,
                           hint="grade it with --variant and the student's id, or with --variant-from-file for "
                                "a file you trust; in a course without variants, delete the variant: line")

    def _claim(self, document, path: Path, variant: str | None) -> None:
        if variant is not None:
            self._claims[path] = (variant, *document.where(("variant",)))

    def grade_file(self, path: Path) -> Outcome:
        shown_path = _shown(path)
        student = None
        flags: list[Flag] = []
        try:
            document, spec = read_answers(path, shown_path, exercise_required=self.pinned is None)
            student = student_name(document)
            if self.pinned is not None:
                key, found, flags = self.pinned_for(document, spec, path)
            else:
                assert spec is not None
                key, found = self.solution_for(document, spec, path)
            variant, named = self.variant_for(document, path)
            flags += named
            try:
                found = self._variant_of(key, found, variant)
            except BpcheckError as error:  # no such variant: said at the line that asks for it
                line, column = document.where(("variant",) if "variant" in document.data else ())
                raise AnswersError(f"variant {shown(variant or '')}: {error.message}", file=document.file,
                                   line=line, column=column, hint=error.hint) from None
            answers = parse_answers(document, found.names, found.inputs)
        except RunRefused:
            raise
        except BpcheckError as error:
            return Outcome(shown_path, error=error, student=student, flags=tuple(flags))
        asked = set(found.solution.asked)
        flags += _not_graded([(name, error) for name, error in answers.slips if name not in asked])
        return self.grade_values(shown_path, found, answers.values, lines=answers.lines, student=answers.student,
                                 digits=answers.digits, unreadable=answers.unreadable, notes=answers.notes,
                                 flags=tuple(flags))

    def grade_values(self, file: str, found: Found, values, *, lines=None, student: str | None = None,
                     identifier: str | None = None, digits=None, unreadable=None, notes=None,
                     flags: tuple[Flag, ...] = ()) -> Outcome:
        """The Outcome of answers already read: canonical name -> number (None for a blank), ``digits`` each
        was written with, and why each value ``unreadable`` is not a number (its verdict says so)."""
        asked = set(found.solution.asked)
        result = grade(found.solution, values, lines=lines, rtol=self.rtol, atol=self.atol, fmt=self.fmt,
                       others=found.others, digits=digits)
        result = with_readings(result, {name: why for name, why in (unreadable or {}).items() if name in asked},
                               notes)
        feedback = self.feedback or result.feedback
        return Outcome(file, grade=result._replace(feedback=feedback), student=student, exercise_file=found.label,
                       feedback=feedback, flags=flags, identifier=identifier)

    def pinned_variant(self, variant: str | None) -> Found:
        """The pinned exercise (``exercise``), or its variant ``variant``, solved once for every caller."""
        assert self.pinned is not None
        return self._variant_of("pinned", self.pinned.found, variant)

    def grade_files(self, files: list[Path], progress=None) -> list[Outcome]:
        """An outcome per answers file; a file that another names as its exercise (hw.yaml in the class
        folder) is an input, not an answers file, and gets no row (see ``skipped``)."""
        if progress is None or len(files) < PROGRESS_FROM:
            outcomes = [self.grade_file(path) for path in files]
        else:
            outcomes = progress(files, self.grade_file)
        if self.variants_named and self._graded_as_base:  # graded before the first file named a variant
            again = set(self._graded_as_base)
            outcomes = [self.grade_file(path) if path in again else outcome for path, outcome in zip(files, outcomes)]
        outcomes = self._flag_claimed_twice(files, outcomes)
        exercises = identities(self.exercise_files)
        # Named as an exercise, and one: a student cannot hide another's row by naming it.
        is_exercise = [identity(path) in exercises and isinstance(outcome.error, IsAnExercise)
                       for path, outcome in zip(files, outcomes)]
        self.skipped = [outcome.file for outcome, skip in zip(outcomes, is_exercise) if skip]
        return [outcome for outcome, skip in zip(outcomes, is_exercise) if not skip] or outcomes

    def _flag_claimed_twice(self, files: list[Path], outcomes: list[Outcome]) -> list[Outcome]:
        """Each file naming a variant that another file of the run names too, where every student has
        their own: the other files, in the flag (which only a report of the whole run shows)."""
        by_variant: dict[str, list[Path]] = {}
        for path, (variant, _, _) in self._claims.items():
            by_variant.setdefault(variant, []).append(path)
        shown_of = {path: outcome.file for path, outcome in zip(files, outcomes)}
        flagged = []
        for path, outcome in zip(files, outcomes):
            if path in self._claims:
                variant, line, column = self._claims[path]
                others = [shown_of[other] for other in by_variant[variant] if other != path]
                more = f" and {len(others) - 3} more" if len(others) > 3 else ""
                if others:
                    flag = Flag("variant-claimed-twice", f"variant: {shown(variant)} is named by "
                                f"{', '.join(others[:3])}{more} too", "", line, column)
                    outcome = outcome._replace(flags=(*outcome.flags, flag))
            flagged.append(outcome)
        return flagged


def _shown(path: Path) -> str:
    """A name that is not UTF-8, or holds an escape sequence, printed safely; `-` is standard input."""
    return STDIN_SHOWN if str(path) == STDIN else path_shown(path)


def max_score(solution: Solution) -> float:
    """The points a file graded against ``solution`` can earn: its asked values', and the step check's."""
    import math

    points = solution.exercise.points
    check = points.get(DOWNHILL, 0.0) if asks_step(solution) else 0.0
    return math.fsum([*(points.get(name, 1.0) for name in solution.asked), check])


def _variant_name(text: str) -> str:
    from .variants import variant_name

    return variant_name(text)


def _claimed(text: str | None) -> str | None:
    """The variant a `variant:` line names, as variants are compared; None for none, or a name that
    cannot be a variant (flagged where it is not taken, a bad file where it is)."""
    if text is None:
        return None
    try:
        return _variant_name(text)
    except ExerciseError:
        return None


def _can_vary(exercise: Exercise) -> bool:
    """Has the exercise variants? Not with variants: false (datasets vary too: variants.make_variant)."""
    return exercise.variants is not None


def _not_graded(slips: list[tuple[str | None, AnswersError]]) -> list[Flag]:
    """Flags for what a file holds that is not graded: a name that is not a quantity, a value that is
    not a number where nothing is asked; the first SLIPS_SAID, then how many more."""
    flags = [Flag("not-graded", error.message, f"it was not graded ({error.hint})" if name is None else
                  f"{name} is not asked, so it was not graded", error.line, error.column)
             for name, error in slips[:SLIPS_SAID]]
    if len(slips) > SLIPS_SAID:
        flags.append(Flag("not-graded", f"{len(slips) - SLIPS_SAID} more names or values were not graded"))
    return flags


def _same_content(spec: str, folder: Path | None, pinned: Exercise) -> bool:
    """Is the exercise at ``spec`` the pinned one but for its name and wording? A file that is not an
    exercise at all (or cannot be read) is not."""
    try:
        other = load_exercise(spec, folder)
    except BpcheckError:
        return False
    return _settings(other) == _settings(pinned)


def _settings(exercise: Exercise) -> Exercise:
    """What grading reads of an exercise: not its name, wording or feedback level (the pinned one's rules)."""
    return exercise._replace(name="", title="", instructions="", path=None, feedback=None)


def exit_code(outcomes, pass_mark: float | None) -> int:
    """2 when any file could not be read, else 1 when any did not pass, else 0."""
    if any(outcome.error for outcome in outcomes):
        return 2
    return 0 if all(outcome.passed(pass_mark) for outcome in outcomes) else 1
