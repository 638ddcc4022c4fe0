"""Grading answers files: one, or a whole class in one call, each exercise solved once, a bad file
reported in its own row. Returns records (``Outcome``, ``ClassGrade``); rendering is the report's job."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .answers import STDIN, STDIN_SHOWN, answers_variant, locate_exercise, parse_answers, read_answers, student_name
from .errors import AnswersError, BpcheckError, IsAnExercise
from .files import identities, identity, is_dir
from .grading import Grade, grade
from .loading import YAML_SUFFIXES, builtin_exercises, load_exercise, natural_order
from .network import Exercise
from .numbers import number_formatter
from .safetext import path_shown, shown
from .solution import Solution, solve

PROGRESS_FROM = 20  # files: a shorter batch is over before a progress bar would say anything


class Outcome(NamedTuple):
    """One answers file: its grade, or the error that kept it from being graded."""

    file: str  # as it may be printed (see safetext.path_shown)
    grade: Grade | None = None
    error: BpcheckError | None = None
    student: str | None = None
    exercise_file: str | None = None  # what it was graded against: a built-in name, or the file's path
    feedback: str = "full"  # what the student may read of it (feedback.LEVELS)
    identifier: str | None = None  # the student id its source gives (an LMS export's row), for the gradebook

    def passed(self, pass_mark: float | None = None) -> bool:
        return self.grade is not None and self.grade.passed(pass_mark)

    @property
    def exercise_label(self) -> str:
        """What it was graded against, as reports name it: ex1, or the exercise file's path."""
        return self.exercise_file or (self.grade.exercise if self.grade is not None else "")

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FILE --format json` prints; {"file", "error"} for a bad file."""
        if self.grade is None:
            return {"file": self.file, "student": self.student, "error": str(self.error)}
        record = self.grade.to_dict(self.file, pass_mark, self.feedback)
        return {"file": self.file, "student": self.student, "exercise_file": self.exercise_file, **record}


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

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FOLDER --format json` prints."""
        return {"files": [outcome.to_dict(pass_mark) for outcome in self.outcomes],
                "passed": self.exit_code(pass_mark) == 0, "exercises_skipped": list(self.exercises_skipped),
                "pinned_exercise": self.pinned_exercise, "pinned_variant": self.pinned_variant}


def grade_files(paths, *, rtol: float | None = None, atol: float | None = None, precision: int = 4,
                progress=None, exercise: str | None = None, variant: str | None = None,
                feedback: str | None = None, variant_from_id: bool = False,
                id_pattern: str | None = None) -> ClassGrade:
    """Grade answers files and folders of them (see ``expand_paths``). ``progress(files, grade_one)``,
    when given, runs the grading of a long batch (a progress bar) and returns the outcomes in order.
    ``exercise``/``variant`` pin what every file is graded against (see ``GradingSession``);
    ``variant_from_id`` pins each file's variant to the student id its path gives (``ids.path_ids``,
    with ``id_pattern``), never to what the file itself says."""
    session = GradingSession(rtol=rtol, atol=atol, precision=precision, exercise=exercise, variant=variant,
                             feedback=feedback)
    files = expand_paths([Path(path) for path in paths])
    if variant_from_id:
        from .ids import duplicate_id, inferred_safely, path_ids, roots_of

        shown_files = [_shown(path) for path in files]
        roots = roots_of([Path(path) for path in paths])
        course_files = identities(session.exercise_files)  # the course's exercise may lie in the class folder
        answers = [name for name, path in zip(shown_files, files) if identity(path) not in course_files]
        if id_pattern is None and not inferred_safely(answers, roots):
            raise BpcheckError("--variant-from-id cannot tell the student ids from these paths (one student's "
                               "folder, a lone file, or files both in and out of students' folders)",
                               hint="give --id-pattern with a group id, or --variant NAME for one student")
        ids = path_ids(shown_files, roots, id_pattern)
        twice = duplicate_id(shown_files, ids)
        if twice is not None:  # two students graded as one variant: refuse rather than guess
            raise BpcheckError(f"--variant-from-id: {twice[0]} and {twice[1]} both give the id {shown(twice[2])}",
                               hint="give --id-pattern with a group id, e.g. --id-pattern 'hw1-(?P<id>[^/]+)/'")
        session.variant_of_path = dict(zip(files, ids))
    outcomes = session.grade_files(files, progress=progress)
    pinned = session.pinned
    return ClassGrade(tuple(outcomes), tuple(session.skipped), tuple(files), tuple(session.exercise_files),
                      pinned.label if pinned else None, session.variant,
                      max_score(pinned.found.solution) if pinned else None)


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


class GradingSession:
    """Solves each exercise, and each variant, once however many files name it.

    With ``exercise`` pinned (a course's --exercise), every file is graded against it alone: its
    tolerance, points and questions. A file may name the same exercise (the same built-in name, a path
    to the same file, or a file with the same network, numbers and settings) or none; one that names
    another is refused at its line. ``variant`` pins the variant the same way. ``feedback`` overrides
    the exercise's ``feedback:``.
    """

    def __init__(self, rtol: float | None = None, atol: float | None = None, precision: int = 4, *,
                 exercise: str | None = None, variant: str | None = None, feedback: str | None = None):
        self.rtol, self.atol = rtol, atol
        self.fmt = number_formatter(precision)
        from .feedback import LEVELS

        if feedback is not None and feedback not in LEVELS:
            raise BpcheckError(f"unknown feedback level {shown(feedback)}", hint=f"use one of {', '.join(LEVELS)}")
        self.feedback = feedback
        self._solutions: dict[str, Found | BpcheckError] = {}
        self._located: dict[tuple[str, Path], tuple[Path | None, str, str]] = {}
        self._variants: dict[tuple[str, str], Found | BpcheckError] = {}
        self._same: dict[tuple[str, Path], bool] = {}
        self.exercise_files: set[Path] = set()  # every exercise read: inputs no output may overwrite
        self.skipped: list[str] = []  # exercise files met among the answers files
        self.variant = _variant_name(variant) if variant is not None else None
        self.variant_of_path: dict[Path, str] = {}  # --variant-from-id: each file's student id
        self.pinned = self._pin(exercise) if exercise is not None else None

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

    def pinned_for(self, document, spec: str | None, path: Path) -> tuple[str, Found]:
        """The pinned exercise, once the answers file is seen to name it or none."""
        assert self.pinned is not None
        if spec is not None and not self._names_pinned(spec, path):
            line, column = document.where(("exercise",))
            raise AnswersError(f"exercise: {shown(spec)} is not the exercise being graded, {self.pinned.label}",
                               file=document.file, line=line, column=column,
                               hint=f"work {self.pinned.label} (`bpcheck template {self.pinned.label}`), "
                                    "or delete the exercise: line")
        return "pinned", self.pinned.found

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

    def variant_for(self, document, path: Path) -> str | None:
        """The variant a file is graded as: the pinned one (a file naming another is refused), else its own."""
        written = answers_variant(document)
        pinned = self.variant
        if path in self.variant_of_path:  # --variant-from-id: the student's own, by the path
            if not self.variant_of_path[path]:
                raise AnswersError("its path gives no student id to take the variant from", file=document.file,
                                   hint="check --id-pattern, or the folder names")
            pinned = _variant_name(self.variant_of_path[path])
        if pinned is not None and written is not None and written != pinned:
            line, column = document.where(("variant",))
            raise AnswersError(f"variant: {shown(written)} is not the variant being graded, {shown(pinned)}",
                               file=document.file, line=line, column=column,
                               hint=f"work variant {shown(pinned)} (`bpcheck template EXERCISE --variant "
                                    f"{shown(pinned)}`), or delete the variant: line")
        return pinned or written

    def grade_file(self, path: Path) -> Outcome:
        shown_path = _shown(path)
        student = None
        try:
            document, spec = read_answers(path, shown_path, exercise_required=self.pinned is None)
            student = student_name(document)
            if self.pinned is not None:
                key, found = self.pinned_for(document, spec, path)
            else:
                assert spec is not None
                key, found = self.solution_for(document, spec, path)
            variant = self.variant_for(document, path)
            try:
                found = self._variant_of(key, found, variant)
            except BpcheckError as error:  # no such variant: said at the line that asks for it
                line, column = document.where(("variant",) if "variant" in document.data else ())
                raise AnswersError(f"variant {shown(variant or '')}: {error.message}", file=document.file,
                                   line=line, column=column, hint=error.hint) from None
            answers = parse_answers(document, found.names, found.inputs)
        except BpcheckError as error:
            return Outcome(shown_path, error=error, student=student)
        return self.grade_values(shown_path, found, answers.values, lines=answers.lines, student=answers.student)

    def grade_values(self, file: str, found: Found, values, *, lines=None, student: str | None = None,
                     identifier: str | None = None) -> Outcome:
        """The Outcome of answers already read (canonical name -> number, None for a blank)."""
        result = grade(found.solution, values, lines=lines, rtol=self.rtol, atol=self.atol, fmt=self.fmt,
                       others=found.others)
        feedback = self.feedback or found.solution.exercise.feedback or "full"
        return Outcome(file, grade=result, student=student, exercise_file=found.label, feedback=feedback,
                       identifier=identifier)

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
        exercises = identities(self.exercise_files)
        # Named as an exercise, and one: a student cannot hide another's row by naming it.
        is_exercise = [identity(path) in exercises and isinstance(outcome.error, IsAnExercise)
                       for path, outcome in zip(files, outcomes)]
        self.skipped = [outcome.file for outcome, skip in zip(outcomes, is_exercise) if skip]
        return [outcome for outcome, skip in zip(outcomes, is_exercise) if not skip] or outcomes


def _shown(path: Path) -> str:
    """A name that is not UTF-8, or holds an escape sequence, printed safely; `-` is standard input."""
    return STDIN_SHOWN if str(path) == STDIN else path_shown(path)


def max_score(solution: Solution) -> float:
    import math

    return math.fsum(solution.exercise.points.get(name, 1.0) for name in solution.asked)


def _variant_name(text: str) -> str:
    from .variants import variant_name

    return variant_name(text)


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
