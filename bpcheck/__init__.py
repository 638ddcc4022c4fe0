"""bpcheck: check a backpropagation step worked by hand, value by value.

The library the command line is built on (docs/api.md)::

    from bpcheck import grade, load_exercise, solve

    solution = solve(load_exercise("ex1"))
    solution.values["delta3"]                    # -0.002654489030884...
    result = grade(solution, {"δ3": -0.00266, "y3": 0.6803})
    result.score, result.max_score               # 2.0, 35.0
    result.to_dict()                             # what `bpcheck grade --format json` prints

Bad input raises ``BpcheckError`` (``ExerciseError``, ``AnswersError``) saying where, what is wrong and
what to do; a wrong answer is a result, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "builtin_exercises", "load_exercise", "solve", "grade", "grade_file", "grade_files",
           "Solution", "BpcheckError", "ExerciseError", "AnswersError"]

from .errors import AnswersError, BpcheckError, ExerciseError

if TYPE_CHECKING:  # the records these functions return; imported when called, to keep start-up light
    from pathlib import Path

    from .batch import ClassGrade, Outcome
    from .grading import Grade
    from .network import Exercise
    from .solution import Solution


def __getattr__(name: str):
    """``bpcheck.Solution``, imported when first asked for (PEP 562): `bpcheck --help` needs no solver."""
    if name == "Solution":
        from .solution import Solution

        return Solution
    raise AttributeError(f"module 'bpcheck' has no attribute {name!r}")


def solve(exercise: Exercise) -> Solution:
    """Every value of one gradient-descent step on the exercise's network, at full double precision:
    ``values`` maps each name (givens too) to its value, ``graph`` holds each quantity's formula, and
    ``asked`` the names the student computes, in solving order. Raises ExerciseError when the numbers
    overflow double precision."""
    from .solution import solve as solved

    return solved(exercise)


def builtin_exercises() -> list[str]:
    """The names of the built-in exercises, in natural order (ex2 before ex10)."""
    from .builtin import builtin_exercises as found

    return list(found())


def load_exercise(spec: str, relative_to: str | Path | None = None) -> Exercise:
    """An Exercise from a built-in name (``ex1``) or a path to a YAML file (relative to ``relative_to``,
    else to the current folder). Raises ExerciseError for a file that cannot be solved as written."""
    from pathlib import Path

    from .loading import load_exercise as load  # keeps PyYAML off the import path of the core

    return load(spec, Path(relative_to) if relative_to is not None else None)


def grade(solution_or_exercise: Solution | Exercise, answers: Mapping[str, object], *,
          rtol: float | None = None, atol: float | None = None, feedback: str | None = None) -> Grade:
    """Verdicts for every asked quantity, as `bpcheck grade` gives them.

    ``answers`` maps names in any spelling an answers file accepts (``δ3``, ``W13'``, ``dE/dW13``) to
    numbers (or numeric text, read by the same rule, a decimal comma too, with a note; None for a
    blank). An unknown name, a quantity given twice or a value that is not a number raises
    AnswersError: in a script that is a mistake to mend, not a student's slip to mark. ``rtol``/``atol``
    override the exercise's tolerance; ``feedback`` (full, hint, verdict, score; default: the
    exercise's ``feedback:``, else full) is what the Grade's ``to_dict()`` and its HTML in a notebook
    show.
    """
    from .answers import canonical_answers
    from .feedback import checked_level
    from .grading import grade as mark
    from .grading import with_readings

    level = checked_level(feedback) if feedback is not None else None
    from .solution import Solution

    solution = solution_or_exercise if isinstance(solution_or_exercise, Solution) else solve(solution_or_exercise)
    known = solution.graph.names()
    read = canonical_answers(answers, known, frozenset(solution.exercise.network.layers[0]))
    if read.slips:
        raise AnswersError(read.slips[0].message, hint=read.slips[0].hint)
    from .numbers import written_digits

    # Numbers given as text keep the digits they were written with (0.002100: 4), as a file's do.
    texts = {name: answers[raw] for name, raw in read.spelled.items()}
    digits = {name: written_digits(text) for name, text in texts.items() if isinstance(text, str)}
    graded = with_readings(mark(solution, read.values, rtol=rtol, atol=atol,
                                digits={name: d for name, d in digits.items() if d}), notes=read.notes)
    return graded._replace(feedback=level) if level else graded


def grade_file(path: str | Path, *, rtol: float | None = None, atol: float | None = None,
               precision: int = 4, exercise: str | None = None, variant: str | None = None,
               feedback: str | None = None, variant_from: str | None = None) -> Outcome:
    """One answers file: an Outcome holding its Grade, or the error that kept it from being graded
    (never raised: a batch goes on), and its flags. ``precision``: the significant digits of numbers
    in messages. ``exercise``/``variant`` pin what it is graded against, as `bpcheck grade --exercise
    --variant` do (a pinned exercise that cannot be loaded raises), and ``variant_from="file"`` trusts
    the variant the file names, as --variant-from-file does; ``feedback`` is the level its
    ``to_dict()`` shows (docs/instructors/feedback.md)."""
    from pathlib import Path

    from .batch import GradingSession

    session = GradingSession(rtol=rtol, atol=atol, precision=precision, exercise=exercise, variant=variant,
                             feedback=feedback, variant_from=variant_from)
    if session.rule in ("id", "auto"):  # a lone file's path gives no id: refused as the command line refuses it
        session.take_ids([Path(path)], [Path(path)], None)
    return session.grade_file(Path(path))


def grade_files(paths: Iterable[str | Path], *, rtol: float | None = None, atol: float | None = None,
                precision: int = 4, exercise: str | None = None, variant: str | None = None,
                feedback: str | None = None, variant_from: str | None = None,
                id_pattern: str | None = None) -> ClassGrade:
    """Answers files and folders of them (searched with their subfolders), each exercise solved once:
    a ClassGrade with an Outcome per file. Raises BpcheckError only when there is no file at all, a
    pinned exercise or variant cannot be used, or the variants cannot be told without guessing
    (docs/instructors/class.md). ``variant_from``: "id" (each file's student id, from its
    path, with ``id_pattern``) or "file"; the other keywords are ``grade_file``'s."""
    from .batch import grade_files as grade_all

    return grade_all(list(paths), rtol=rtol, atol=atol, precision=precision, exercise=exercise,
                     variant=variant, feedback=feedback, variant_from=variant_from, id_pattern=id_pattern)
