"""Grading answers files: one, or a whole class in one call, each exercise solved once, a bad file
reported in its own row. Returns records (``Outcome``, ``ClassGrade``); rendering is the report's job."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple, TextIO

from .answers import locate_exercise, parse_answers, read_answers
from .errors import AnswersError, BpcheckError
from .files import identities, identity, is_dir
from .grading import Grade, grade
from .loading import YAML_SUFFIXES, load_exercise, natural_order
from .numbers import number_formatter
from .safetext import path_shown
from .solution import Solution, solve

PROGRESS_FROM = 20  # files: a shorter batch is over before a progress bar would say anything


class Outcome(NamedTuple):
    """One answers file: its grade, or the error that kept it from being graded."""

    file: str  # as it may be printed (see safetext.path_shown)
    grade: Grade | None = None
    error: BpcheckError | None = None
    student: str | None = None

    def passed(self, pass_mark: float | None = None) -> bool:
        return self.grade is not None and self.grade.passed(pass_mark)

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FILE --format json` prints; {"file", "error"} for a bad file."""
        if self.grade is None:
            return {"file": self.file, "error": str(self.error)}
        record = self.grade.to_dict(self.file, pass_mark)
        if self.student:
            record["student"] = self.student
        return record


class ClassGrade(NamedTuple):
    """Many answers files: an outcome each, and the exercises found among them (inputs, not graded)."""

    outcomes: tuple[Outcome, ...]
    exercises_skipped: tuple[str, ...] = ()
    answers_files: tuple[Path, ...] = ()  # every input of the run: no output may overwrite one
    exercise_files: tuple[Path, ...] = ()

    def exit_code(self, pass_mark: float | None = None) -> int:
        """2 when any file could not be read, else 1 when any did not pass, else 0."""
        return exit_code(self.outcomes, pass_mark)

    def to_dict(self, pass_mark: float | None = None) -> dict:
        """The record `bpcheck grade FOLDER --format json` prints."""
        return {"files": [outcome.to_dict(pass_mark) for outcome in self.outcomes],
                "passed": self.exit_code(pass_mark) == 0, "exercises_skipped": list(self.exercises_skipped)}


def grade_files(paths, *, rtol: float | None = None, atol: float | None = None, precision: int = 4,
                progress=None) -> ClassGrade:
    """Grade answers files and folders of them (see ``expand_paths``). ``progress(files, grade_one)``,
    when given, runs the grading of a long batch (a progress bar) and returns the outcomes in order."""
    files = expand_paths([Path(path) for path in paths])
    session = GradingSession(rtol=rtol, atol=atol, precision=precision)
    outcomes = session.grade_files(files, progress=progress)
    return ClassGrade(tuple(outcomes), tuple(session.skipped), tuple(files), tuple(session.exercise_files))


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


class GradingSession:
    """Solves each exercise once however many files name it."""

    def __init__(self, rtol: float | None = None, atol: float | None = None, precision: int = 4):
        self.rtol, self.atol = rtol, atol
        self.fmt = number_formatter(precision)
        self._solutions: dict[str, tuple[Solution, list[str], frozenset[int]] | BpcheckError] = {}
        self._located: dict[tuple[str, Path], tuple[Path | None, str]] = {}
        self.exercise_files: set[Path] = set()  # every exercise read: inputs no output may overwrite
        self.skipped: list[str] = []  # exercise files met among the answers files

    def solution_for(self, document, spec: str, path: Path):
        where = (spec, path.parent)
        if where not in self._located:  # a class's files name the same few exercises: look once
            folder, exercise_path = locate_exercise(document, spec, path)
            self.exercise_files.add(exercise_path)
            self._located[where] = folder, os.path.realpath(exercise_path)
        folder, key = self._located[where]  # the file, not the name: two classes may each have a hw.yaml
        if key not in self._solutions:
            try:
                solution = solve(load_exercise(spec, folder))
            except BpcheckError as error:  # a fault of the exercise: one line naming both files
                self._solutions[key] = error
            else:
                self._solutions[key] = (solution, solution.graph.names(),
                                        frozenset(solution.exercise.network.layers[0]))
        found = self._solutions[key]
        if isinstance(found, BpcheckError):
            line, column = document.where(("exercise",))
            raise AnswersError(f"the exercise it names cannot be used: {found}", file=document.file, line=line,
                               column=column)
        return found

    def grade_file(self, path: Path) -> Outcome:
        shown = path_shown(path)  # a name that is not UTF-8, or holds an escape sequence, printed safely
        try:
            document, spec = read_answers(path, shown)
            solution, names, inputs = self.solution_for(document, spec, path)
            answers = parse_answers(document, names, inputs)
        except BpcheckError as error:
            return Outcome(shown, error=error)
        result = grade(solution, answers.values, lines=answers.lines, rtol=self.rtol, atol=self.atol,
                       fmt=self.fmt)
        return Outcome(shown, grade=result, student=answers.student)

    def grade_files(self, files: list[Path], progress=None) -> list[Outcome]:
        """An outcome per answers file; a file that another names as its exercise (hw.yaml in the class
        folder) is an input, not an answers file, and gets no row (see ``skipped``)."""
        if progress is None or len(files) < PROGRESS_FROM:
            outcomes = [self.grade_file(path) for path in files]
        else:
            outcomes = progress(files, self.grade_file)
        exercises = identities(self.exercise_files)
        is_exercise = [identity(path) in exercises for path in files]
        self.skipped = [outcome.file for outcome, skip in zip(outcomes, is_exercise) if skip]
        return [outcome for outcome, skip in zip(outcomes, is_exercise) if not skip] or outcomes


def exit_code(outcomes, pass_mark: float | None) -> int:
    """2 when any file could not be read, else 1 when any did not pass, else 0."""
    if any(outcome.error for outcome in outcomes):
        return 2
    return 0 if all(outcome.passed(pass_mark) for outcome in outcomes) else 1


def write_csv(handle: TextIO, outcomes: list[Outcome]) -> None:
    """A row per file, a column per quantity (its verdict), in solving order across exercises."""
    import csv

    columns: dict[str, None] = {}
    for outcome in outcomes:
        for result in outcome.grade.results if outcome.grade else ():
            columns.setdefault(result.name)
    writer = csv.writer(handle)
    writer.writerow(["file", "student", "exercise", "score", "max_score", "error", *columns])
    for outcome in outcomes:
        if outcome.grade is None:
            writer.writerow([outcome.file, outcome.student or "", "", "", "", str(outcome.error)]
                            + [""] * len(columns))
            continue
        verdicts = {r.name: r.verdict + (f":{r.misconception}" if r.misconception else "")
                    for r in outcome.grade.results}
        writer.writerow([outcome.file, outcome.student or "", outcome.grade.exercise,
                         f"{outcome.grade.score:g}", f"{outcome.grade.max_score:g}", "",
                         *(verdicts.get(name, "") for name in columns)])
