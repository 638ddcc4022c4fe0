"""Answers against the solution: a verdict for every asked quantity, the way a patient tutor marks.

For each quantity the student gave:
1. ``correct`` when it is within tolerance of the exact value;
2. else ``carried_forward`` when it is within tolerance of the same formula evaluated on the student's
   own answers to the asked upstream quantities (exact values for the rest), at least one of which
   differs from the exact value (see ``_carry_forward_allowed`` for what earns no such credit);
3. else ``wrong``, naming a known mistake when the value matches one (misconceptions.py).
Asked quantities the student left out are ``missing``. Pure: no I/O, no printing.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Mapping
from typing import NamedTuple

from .activations import ACTIVATIONS
from .errors import AnswersError
from .misconceptions import MISCONCEPTIONS, candidates
from .network import Network
from .numbers import Formatter, number_formatter
from .quantities import DOWNHILL, Graph, Quantity
from .solution import Solution

CREDITED = ("correct", "carried_forward")
SEVERAL = 3  # values of one file that must agree before a copy (other-numbers) or a step not taken is named
_EDGE = 8 * 2.0 ** -52  # a few ulps: 2.02 - 2 is 0.020000000000000018 in binary, and 2.02 is the range's end
TRIVIAL = 0.1  # a slip that leaves under a tenth of a value (or of a change) has trivialised it


class Tolerance(NamedTuple):
    rtol: float
    atol: float

    def accepts(self, given: float, expected: float) -> bool:
        # The margin's own rounding is allowed for, so that the ends of the range printed are in it.
        rtol, atol = self  # unpacked once: a class's grading asks this of every candidate mistake
        error, margin = abs(given - expected), atol + rtol * abs(expected)
        return error <= margin or error <= margin + _EDGE * (abs(given) + abs(expected))

    def describe(self, expected: float, fmt) -> str:
        """What people read: ``-0.002654 ± 1%: -0.00268 … -0.00263``."""
        margin = self.atol + self.rtol * abs(expected)
        low, high = expected - margin, expected + margin
        spread = f"{self.rtol * 100:g}%" if self.rtol else f"{self.atol:g}"
        return f"{fmt(expected)} ± {spread}: {fmt(low)} … {fmt(high)}"


class Result(NamedTuple):
    name: str
    stage: str
    verdict: str  # correct, carried_forward, wrong, missing, unreadable (see with_readings)
    given: float | None
    expected: float
    points: float = 1.0
    misconception: str | None = None
    message: str = ""
    line: int | None = None
    follows_from: tuple[str, ...] = ()
    hint: str = ""  # the note with no expected value in it, for --feedback hint
    rounded: bool = False  # wrong only for being the student's own number rounded too coarsely
    check: bool = False  # a check of the whole step (downhill), not a value the student wrote

    @property
    def earned(self) -> float:
        return self.points if self.verdict in CREDITED else 0.0


class Grade(NamedTuple):
    exercise: str
    results: tuple[Result, ...]
    tolerance: Tolerance = Tolerance(0.01, 0.0)
    variant: str | None = None
    feedback: str = "full"  # what a student may read of it (feedback.LEVELS): to_dict() and its HTML obey it

    @property
    def score(self) -> float:
        # ``Result.earned`` spelt out in a list: a gradebook asks a class's grades for it several times each.
        return math.fsum([r.points if r.verdict in CREDITED else 0.0 for r in self.results])

    @property
    def max_score(self) -> float:
        return math.fsum([result.points for result in self.results])

    @property
    def first_wrong(self) -> Result | None:
        """The first value not credited; a check (downhill) only where the exercise gives it points."""
        return next((r for r in self.results if r.verdict not in CREDITED and (r.points or not r.check)), None)

    @property
    def values(self) -> tuple[Result, ...]:
        """The results of the values the student writes, without the step check."""
        return tuple(r for r in self.results if not r.check)

    @property
    def check(self) -> Result | None:
        """The step check (downhill), where the exercise asks for the step."""
        return next((r for r in self.results if r.check), None)

    @property
    def percent(self) -> float | None:
        """The score in percent; None when no points are at stake (0 / 0 is no percentage)."""
        return self.score / self.max_score * 100 if self.max_score else None

    def to_dict(self, file: str | None = None, pass_mark: float | None = None, feedback: str | None = None) -> dict:
        """The record `bpcheck grade --format json` prints (docs/reference/reports.md), with what
        the feedback level (``feedback``, else the grade's own) withholds left out (feedback.LEVELS)."""
        from .feedback import result_fields

        feedback = feedback or self.feedback

        record: dict[str, object] = {
            "exercise": self.exercise,
            "variant": self.variant,
            "feedback": feedback,
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "passed": self.passed(pass_mark),
            "tolerance": {"rtol": self.tolerance.rtol, "atol": self.tolerance.atol},
        }
        fields = result_fields(feedback)
        if fields:
            record["results"] = [{field: _field(result, field) for field in fields} for result in self.results]
        return {"file": file, **record} if file is not None else record

    def _repr_html_(self) -> str:
        """The grade in a notebook (Jupyter calls this): the tables of `bpcheck grade --format html`, at
        the grade's feedback level, without the page around them."""
        from .report.html import grade_fragment

        return grade_fragment(self)

    def passed(self, pass_mark: float | None = None) -> bool:
        """Every asked quantity credited; or, with a pass mark in percent, a score at least that high.
        With no points at stake a pass mark cannot be reached: every value must be credited."""
        if pass_mark is None or self.percent is None:
            return self.first_wrong is None
        return self.percent >= pass_mark - 1e-9


def grade(solution: Solution, answers: Mapping[str, float | None], *, lines: Mapping[str, int] | None = None,
          rtol: float | None = None, atol: float | None = None, fmt: Formatter | None = None,
          others: Mapping[str, float] | None = None, digits: Mapping[str, int] | None = None) -> Grade:
    """Verdicts for every asked quantity of ``solution`` given ``answers`` (canonical name -> number),
    then the step check ``downhill`` (see ``downhill``). ``digits``: the significant digits each value
    was written with, where known (a file's 0.002100 has 4, the number 0.0021 only 2).

    ``others``: for a variant, the values of the exercise's own numbers. Several wrong values that are
    the exercise's own (worked from numbers that are not the variant's) are named ``other-numbers``,
    and earn nothing downstream: a copied solution is not carried forward.
    """
    fmt = fmt or number_formatter(4)
    exercise = solution.exercise
    unknown = [name for name in answers if name not in solution.graph.by_name]
    if unknown:  # canonical names only here: bpcheck.grade reads every spelling
        raise AnswersError(f"{unknown[0]!r} is not a quantity of this exercise",
                           hint="give canonical names (delta3, W13_new), or call bpcheck.grade")
    tolerance = Tolerance(exercise.rtol if rtol is None else rtol, exercise.atol if atol is None else atol)
    marker = _Marker(solution, tolerance, fmt, others or {}, digits)
    asked = set(solution.asked)
    # Only asked values count: an unasked slip must not buy carried-forward credit downstream.
    student = {name: value for name, value in answers.items() if value is not None and name in asked}
    marker.mark_all(student)
    lines = lines or {}
    results = []
    by_name = solution.graph.by_name  # the graph's own dict: read for every value of every file
    for name in solution.asked:
        quantity = by_name[name]
        points = exercise.points.get(name, 1.0)
        if name not in student:
            results.append(Result(name, quantity.stage, "missing", None, solution.values[name], points,
                                  message=f"not answered; expected {tolerance.describe(solution.values[name], fmt)}",
                                  line=lines.get(name), hint=f"not answered; work it out as {_formula(quantity)}"))
            continue
        mark = marker.marks[name]
        results.append(Result(name, quantity.stage, mark.verdict, student[name], solution.values[name], points,
                              mark.misconception, mark.message, lines.get(name), mark.follows, mark.hint,
                              rounded=mark.rounded))
    # No slip in the step: every value of it right, carried forward from earlier work, or the student's own
    # number rounded. Rounding alone can tip an E that barely falls: it is not a step gone uphill.
    step_right = all(marker.marks[name].verdict != "wrong" or marker.marks[name].rounded for name in student
                     if by_name[name].stage in STEP_STAGES)
    check = downhill(solution, student, fmt, exercise.points.get(DOWNHILL, 0.0), lines.get("E_after"), step_right,
                     digits or {})
    if check is not None:
        results.append(check)
    return Grade(exercise.name, tuple(results), tolerance, exercise.variant, exercise.feedback or "full")


def _formula(quantity: Quantity) -> str:
    return f"{quantity.name} = {quantity.symbolic}"


# ---------------------------------------------------------------- the step check


STEP_STAGES = ("backward", "gradient", "update", "check")  # what a student works to take the step
NEW_WEIGHTS = ("update", "check")  # an exercise that asks for neither asks for no step to check


def downhill(solution: Solution, student: Mapping[str, float], fmt: Formatter, points: float = 0.0,
             line: int | None = None, step_right: bool = False, digits: Mapping[str, int] | None = None
             ) -> Result | None:
    """Does the student's own step go downhill? E after it, from their own new weights (their forward
    pass after the step where they gave it, else bpcheck's from their numbers), against E before it
    (theirs where given). None when the exercise asks nothing of the step.

    It speaks only of a step with a slip in it: when no value the student gave of it is wrong but for
    rounding (``step_right``), their step is the one their work gives, whatever their rounding makes of
    E (the new weights written to 2 digits may well rise where the exact step barely falls). A rise within
    the rounding of E and E_after as the student wrote them is no rise; and when the exact step itself
    goes uphill (a learning rate that overshoots) the check passes, saying so."""
    graph, exact = solution.graph, solution.values
    if not asks_step(solution):
        return None
    if not any(graph.by_name[name].stage in STEP_STAGES for name in student):
        return Result(DOWNHILL, "check", "missing", None, exact["E"], points, message="no step given to check",
                      line=line, hint="no step given to check: work the deltas and the new weights", check=True)
    # Like with like: their own E and E_after where they gave both, else both from their other numbers
    # (an E without its ½ beside an E_after bpcheck works out would seem to fall).
    given = student.get("E_after")
    written = [name for name in ("E", "E_after") if name in student]
    if len(written) < 2:
        written = []
        student = {name: value for name, value in student.items() if graph[name].kind != "E"}
    theirs = own_values(graph, exact, student)
    before, after = theirs.get("E"), theirs.get("E_after")
    if before is None or after is None:  # their numbers overflow the forward pass
        return Result(DOWNHILL, "check", "wrong", given, exact["E"], points, "uphill-step",
                      "E after the step cannot be worked from your numbers: they overflow", line,
                      hint="E after the step cannot be worked from your numbers", check=True)
    digits = digits or {}
    allowance = sum(_half_unit(student[name], max(2, digits.get(name) or significant_digits(student[name])))
                    for name in written)
    allowance += 1e-12 * abs(before)
    rose = after - before > allowance and not step_right
    shown = f"from {fmt(before)} to {fmt(after)}"
    yours = f" (your {', '.join(f'{name} = {fmt(student[name])}' for name in written)})" if written else ""
    if exact["E_after"] >= exact["E"]:  # the exercise's own step overshoots: nothing to tell from this one
        return Result(DOWNHILL, "check", "correct", given, before, points,
                      message=f"E goes {shown} with your step; the exact step goes uphill too (the learning rate "
                              "overshoots), so this check tells nothing here", line=line, check=True)
    if not rose:
        how = (f"E falls {shown} with your new weights" if after < before else
               f"E goes {shown} with your new weights, no more than the rounding of your numbers")
        return Result(DOWNHILL, "check", "correct", given, before, points, message=how, line=line, check=True)
    return Result(DOWNHILL, "check", "wrong", given, before, points, "uphill-step",
                  f"E rises {shown} with your new weights: your step goes uphill. {UPHILL}", line,
                  hint=f"E rises with your new weights{yours}: your step goes uphill. {UPHILL}", check=True)


def asks_step(solution: Solution) -> bool:
    """Does the exercise ask for the step (a new weight, or the forward pass after it), so that a grade
    carries the step check?"""
    by_name = solution.graph.by_name
    return any(by_name[name].stage in NEW_WEIGHTS for name in solution.asked)


UPHILL = ("A sign the wrong way round (y - t for t - y in a delta, or a change subtracted instead of added) "
          "sends every weight uphill: check the sign of each delta and of each change")


def own_values(graph: Graph, exact: Mapping[str, float], student: Mapping[str, float]) -> dict[str, float]:
    """Every value as the student's own numbers give it: theirs where given, else each formula on their
    numbers (the exact values where nothing of theirs reaches). A value their numbers overflow is
    left out, and so is all that reads it."""
    values = dict(exact)
    changed: set[str] = set()
    lost: set[str] = set()
    for quantity in graph:
        name = quantity.name
        if name in student:
            values[name] = student[name]
            if student[name] != exact[name]:
                changed.add(name)
        elif quantity.form is not None and any(source in changed or source in lost for source in quantity.inputs):
            value = None if any(source in lost for source in quantity.inputs) else _evaluate(quantity, values)
            if value is None:
                lost.add(name)
                del values[name]
            else:
                values[name] = value
                changed.add(name)
    return values


def _field(result: Result, field: str):
    value = getattr(result, field)
    return list(value) if isinstance(value, tuple) else value


class Mark(NamedTuple):
    """A value's verdict as the marker finds it, with the note at full and the hint (no expected value)."""

    verdict: str
    misconception: str | None = None
    message: str = ""
    follows: tuple[str, ...] = ()
    hint: str = ""
    rounded: bool = False  # the student's own number, rounded too coarsely


_CORRECT = Mark("correct")


class _Marker:
    def __init__(self, solution: Solution, tolerance: Tolerance, fmt, others: Mapping[str, float],
                 written: Mapping[str, int] | None = None):
        self.solution = solution
        self.written = written or {}  # the digits each value was written with (0.002100: 4), where known
        self.graph = solution.graph
        self.others = others
        self.network: Network = solution.exercise.network
        self.exact = solution.values
        self.tolerance = tolerance
        self.fmt = fmt
        self.marks: dict[str, Mark] = {}
        self.tainted: dict[str, str] = {}  # off and impossible, or built on such a value: name -> its root
        self.slipped: set[str] = set()  # wrong, or carried forward from a slip
        self.before = _before_names(solution.graph)
        self.student: Mapping[str, float] = {}
        self.copied: list[str] = []  # values that are the exercise's own numbers', not the variant's
        self.stale: list[str] = []  # values after the step that are the student's own values before it
        self.steps_shown = self._exact_steps_shown()
        self.mixed: Mapping[str, float] = {}
        self.own_values: dict[str, float | None] = {}  # _own's, for this file

    def mark_all(self, student: dict[str, float]) -> None:
        # Graph order: every upstream verdict is known before a quantity that reads it.
        mixed = {**self.exact, **student}  # the student's values where given, else the exact ones
        self.mixed, self.student, self.own_values = mixed, student, {}
        self.copied, self.stale = self._evidence(student, mixed)
        rtol, atol = self.tolerance
        for quantity in self.graph:
            name = quantity.name
            if name not in student:
                continue
            given, exact = student[name], self.exact[name]
            if abs(given - exact) <= atol + rtol * abs(exact) and name not in self.before:
                self.marks[name] = _CORRECT  # most values of most files: the short way
                continue
            mark = self.marks[name] = self.mark(quantity, given, mixed)
            if mark.verdict == "correct":
                continue
            if mark.misconception == "other-numbers" or not _possible_output(self.network, quantity, given):
                self.tainted[name] = name  # a root: nothing built on it earns credit
            else:
                root = next((self.tainted[source] for source in quantity.inputs if source in self.tainted), None)
                if root is not None:
                    self.tainted[name] = root

    def _own(self, quantity: Quantity, mixed: Mapping[str, float]) -> float | None:
        """``_evaluate(quantity, mixed)``, worked once a value where ``mixed`` is the file's own (mark_all's,
        which marking never changes): a value not credited, and each source of one, is asked for it again."""
        if mixed is not self.mixed:
            return _evaluate(quantity, mixed)
        if quantity.name not in self.own_values:
            self.own_values[quantity.name] = _evaluate(quantity, mixed)
        return self.own_values[quantity.name]

    def digits(self, name: str) -> int:
        """The significant digits the student wrote ``name`` with: as written in the file where known
        (0.002100 has 4), else as many as its number needs (0.0021: 2)."""
        return self.written.get(name) or significant_digits(self.student[name])

    def _evidence(self, student: Mapping[str, float], mixed: Mapping[str, float]) -> tuple[list[str], list[str]]:
        """The values of the file that agree with a copy of the exercise's own numbers (``others``), and
        those after the step that are the student's own values before it, neither being the student's
        own number rounded. One such value is a coincidence; several are how the file was worked."""
        copied, stale = [], []
        accepts = self.tolerance.accepts
        for name, given in student.items():
            exact, other = self.exact[name], self.others.get(name)
            # Not the variant's own value: off it, or (after the step) within its range without taking its step.
            if other is not None and accepts(given, other) and not self._correct(self.graph[name], given, exact,
                                                                                  digits=self.written.get(name)):
                if self._rounding_of_own(self.graph[name], given, mixed) is None:
                    copied.append(name)
            before_name = self.before.get(name)
            if before_name is None or self._step_hidden(name, self.exact[before_name], exact):
                continue
            quantity = self.graph[name]
            before = mixed[before_name]
            unmoved = given == before or is_rounding(given, before, digits=self.digits(name))
            if unmoved and self._rounding_of_own(quantity, given, mixed) is None:
                stale.append(name)
        return copied, stale

    def mark(self, quantity: Quantity, given: float, mixed: Mapping[str, float]) -> Mark:
        name, exact = quantity.name, self.exact[quantity.name]
        if self._correct(quantity, given, exact, digits=self.digits(quantity.name)):
            return _CORRECT
        # The student's own upstream values that differ from the exact ones (slips, or just rounding).
        own = tuple(source for source in dict.fromkeys(quantity.inputs)
                    if source in self.marks and mixed[source] != self.exact[source])
        carried = self._own(quantity, mixed) if own else None
        follows_own = carried is not None and self._matches(quantity, given, carried, self.digits(quantity.name))
        refusal = None
        if follows_own:
            assert carried is not None
            slips = tuple(source for source in own if self._slip(source, mixed))
            refusal = self._carry_forward_refusal(quantity, carried, exact, slips, mixed)
            if refusal is None:
                if slips:
                    self.slipped.add(name)  # what follows from a slip may not trivialise what follows it
                follows = tuple(source for source in own if self.marks[source].verdict != "correct") or own
                yours = ", ".join(f"{source} = {self.fmt(mixed[source])}" for source in follows)
                return Mark("carried_forward", None,
                            f"follows from your {yours} (the exact value is {self.fmt(exact)})", follows,
                            f"follows from your {yours}")
        expected = f"expected {self._expected(name)}"
        if self.tolerance.accepts(given, exact):  # in the range printed, so rejected only for not taking the step
            expected += self._no_step(quantity, given, exact)
        if refusal is not None:
            # Right from their own numbers, but not credited: what they did is the right formula, so no
            # mistake of method is named for it; the note says why no credit is carried.
            self.slipped.add(name)
            return Mark("wrong", None, f"{refusal}; {expected}", (), refusal)
        rounding = self._rounding_of_own(quantity, given, mixed)
        if rounding is not None:  # honest, if too coarse: what follows from it is no slip's
            return self._rounded(quantity, given, exact, rounding, expected)
        self.slipped.add(name)
        if name in self.copied and len(self.copied) >= SEVERAL:
            return Mark("wrong", "other-numbers", f"{MISCONCEPTIONS['other-numbers']}.{self._also(name, self.copied)} "
                        f"{expected}", (), f"{MISCONCEPTIONS['other-numbers']}; the formula is {_formula(quantity)}")
        # On the student's own numbers first where one of them is a slip; numbers off only by rounding give
        # the mistakes the exact ones give, within the tolerance (and those are worked out once a class).
        slipped = any(source in self.slipped for source in own)
        best = self._named_mistake(quantity, given, exact, mixed if slipped else None)
        if best is not None:
            also = self._also(name, self.stale) if best.misconception == "not-updated" else ""
            return Mark("wrong", best.misconception, f"{best.message}{also} {expected}", (),
                        f"{MISCONCEPTIONS[best.misconception]}; the formula is {_formula(quantity)}")
        if self.tolerance.accepts(given, exact) and quantity.before:
            hint = f"check the step: the formula is {_formula(quantity)}"
        else:
            yours = ", ".join(f"{source} = {self.fmt(self.student[source])}"
                              for source in dict.fromkeys(quantity.inputs) if source in self.student)
            hint = f"check {_formula(quantity)}" + (f" with your {yours}" if yours else "")
        return Mark("wrong", None, expected, (), hint)

    def _named_mistake(self, quantity: Quantity, given: float, exact: float, mixed: Mapping[str, float] | None):
        """The known mistake the value matches, on the student's own numbers first, then on the exact
        ones; None when none does, or when two different mistakes give the number as written."""
        accepts = self.tolerance.accepts
        stale_named = quantity.name in self.stale and len(self.stale) >= SEVERAL
        matches = []
        for values in (mixed, self.exact) if mixed is not None else (self.exact,):  # their own numbers first
            offered = (candidates(quantity, self.network, values) if values is mixed
                       else self._exact_candidates(quantity))
            matches = [candidate for candidate in offered
                       if accepts(given, candidate.value)
                       and not self._correct(quantity, candidate.value, exact, digits=self.digits(quantity.name))
                       and abs(candidate.value) > self.tolerance.atol]
            if matches:
                break
        # W - dW and W may both be near: the mistake the value is nearest to.
        best = min(matches, key=lambda candidate: abs(given - candidate.value), default=None)
        if best is not None and any(other.misconception != best.misconception and (
                abs(other.value - best.value) <= 1e-12 * abs(best.value)
                or (given != best.value and is_rounding(given, other.value, digits=self.digits(quantity.name))))
                for other in matches):
            return None  # two mistakes give this number as written: naming one could name the wrong one
        if best is not None and best.misconception == "not-updated" and not stale_named:
            return None  # one value like the one before the step may be a coincidence: several are named
        return best

    def _exact_candidates(self, quantity: Quantity) -> list:
        """The known mistakes of ``quantity`` on the exact values: the same for every file of a class, so
        worked out once a class (a class's slips fall on the same few quantities)."""
        found = _class_cache(_EXACT_CANDIDATES, self.graph, self.exact)  # per graph and its exact values
        if quantity.name not in found:
            found[quantity.name] = list(candidates(quantity, self.network, self.exact))
        return found[quantity.name]

    def _also(self, name: str, agreeing: list[str]) -> str:
        """Which other values of the file agree with a copy or a step not taken (the evidence, at full)."""
        others = [other for other in agreeing if other != name]
        if not others:
            return ""
        listed = others[:5] + ([f"{len(others) - 5} more"] if len(others) > 5 else [])
        return f" So are your {', '.join(listed[:-1])} and {listed[-1]}." if len(listed) > 1 else \
            f" So is your {listed[0]}."

    def _rounded(self, quantity: Quantity, given: float, exact: float, what: str, expected: str) -> Mark:
        """The student's own number rounded too coarsely: no mistake of method, a word on the digits."""
        too_coarse = ("too coarse to show the step" if self.tolerance.accepts(given, exact)
                      else "too coarse for the tolerance")
        advice = f"keep at least {max(4, self.digits(quantity.name) + 1)} significant digits as you work"
        return Mark("wrong", None, f"This is {what}, {too_coarse}: {advice}. {expected}", (),
                    f"{advice}; the formula is {_formula(quantity)}", rounded=True)

    def _rounding_of_own(self, quantity: Quantity, given: float, mixed: Mapping[str, float]) -> str | None:
        """Is ``given`` the student's own number, only rounded? How, in words: the exact value, or the
        formula on their own numbers, rounded to some digits, or within the rounding that the numbers it
        is worked from carry; None when rounding does not explain it."""
        digits = self.digits(quantity.name)
        rounded = f"rounded to {digits} significant digit{'s' if digits > 1 else ''}"
        if is_rounding(given, self.exact[quantity.name], digits=digits):
            return f"the exact value {rounded}"
        own = self._own(quantity, mixed) if quantity.form is not None else None
        if own is None or not given:
            return None
        if is_rounding(given, own, digits=digits):
            return f"the value your own numbers give, {rounded}"
        if abs(given - own) <= self._rounding_band(quantity, given, own, mixed) * (1 + 1e-9):
            return "the value your own numbers give, within the rounding of the numbers it is worked from"
        return None

    def _rounding_band(self, quantity: Quantity, given: float, own: float, mixed: Mapping[str, float]) -> float:
        """How far the formula can move when each number the student wrote and it reads is off by the
        rounding it was written with, plus the rounding of ``given`` itself. What they did not write
        (a given of the exercise, a value not asked) moves nothing: its rounding is not known."""
        band = _half_unit(given, max(2, self.digits(quantity.name)))
        inputs = quantity.inputs
        arguments = [mixed[name] for name in inputs]  # the formula's, read once for every source moved
        for source in dict.fromkeys(inputs):
            if source not in self.student:
                continue
            value = mixed[source]
            step = _half_unit(value, max(2, self.digits(source)))
            moved = [_guarded(quantity.compute, *[value + shift if name == source else argument
                                                  for name, argument in zip(inputs, arguments)])
                     for shift in (step, -step)]
            if None in moved:
                return 0.0
            band += max(abs(m - own) for m in moved if m is not None)
        return band

    def _no_step(self, quantity: Quantity, given: float, exact: float) -> str:
        """Why a value within the range is not credited: after the step, it has not taken the step."""
        before_name = self.before[quantity.name]
        before = self.exact[before_name]
        fmt = self.fmt
        # A change smaller than the digits shown is shown as none, never as floating-point noise.
        moved = ("it leaves it unchanged" if fmt(given) == fmt(before)
                 else f"it changes it by {fmt(given - before)}")
        return (f"; yours is in that range but has not taken the step from {before_name} = {fmt(before)}: "
                f"{moved}, the step is {fmt(exact - before)}")

    def _correct(self, quantity: Quantity, value: float, exact: float, digits: int | None = None) -> bool:
        return self._matches(quantity, value, exact, digits)

    def _matches(self, quantity: Quantity, value: float, target: float, digits: int | None = None) -> bool:
        """Within tolerance of ``target`` (the exact value, or the one carried forward); and, for a
        value after the step (W13_new, y3_after), one that took the step towards it.

        W13_new is often within 1% of W13 itself, so the change it implies, value - W13, must be
        between half and one and a half times the change to ``target``; unless the value is the
        target rounded to 3 or more digits (``digits``: those the student wrote it with, where known),
        or that change is too small to show in 4 digits.
        """
        if not self.tolerance.accepts(value, target):
            return False
        before_name = self.before.get(quantity.name)
        if before_name is None:
            return True
        before = self.exact[before_name]
        if self._step_hidden(quantity.name, before, target):
            return True
        return (0.5 <= (value - before) / (target - before) <= 1.5
                or is_rounding(value, target, min_digits=3, digits=digits))

    def _carry_forward_refusal(self, quantity: Quantity, carried: float, exact: float,
                               slips: tuple[str, ...], mixed) -> str | None:
        """Why a value that follows from the student's own numbers earns no credit, in plain words
        without an expected value; None when it earns it.

        Nothing built on an output its activation cannot produce (a sigmoid output of 5), or on a value
        worked from the exercise's own numbers instead of the variant's, earns credit, however far
        downstream. Nor does a value that a slip has trivialised (``_trivial``). Rounding alone may
        trivialise a value honestly (y3 = 1.00 for a saturated tanh makes 1 - y3² = 0): values built
        only on honest rounding are always followed.
        """
        root = next((self.tainted[source] for source in quantity.inputs
                     if source in self.marks and source in self.tainted), None)
        if root is not None:
            if self.marks[root].misconception == "other-numbers":
                why = "which is worked from the exercise's own numbers, not your variant's"
            else:
                low, high = ACTIVATIONS[self.network.activation_of(self.graph[root].unit)].output_range
                why = f"which its activation cannot produce (its outputs lie from {low:g} to {high:g})"
            return (f"it follows from your {root} = {self.fmt(mixed[root])}, {why}: nothing built on it earns "
                    "carried-forward credit")
        if not slips or not self._trivial(quantity, carried, exact):
            return None
        # Trivial all the same with the slips put right? Then honest rounding did it, not the slips.
        mended = _evaluate(quantity, {**mixed, **{source: self.exact[source] for source in slips}})
        if mended is not None and self._trivial(quantity, mended, exact):
            return None
        yours = ", ".join(f"{source} = {self.fmt(mixed[source])}" for source in slips)
        if quantity.before and not _at_most_a_tenth(carried, exact):  # the step vanished, not the value
            return (f"it follows from your {yours}, but that slip leaves {quantity.name} almost where "
                    f"{quantity.before} was: a step an earlier slip has made vanish earns no carried-forward credit")
        return (f"it follows from your {yours}, but that slip makes {quantity.name} almost 0: a value an earlier "
                "slip has made vanish earns no carried-forward credit")

    def _trivial(self, quantity: Quantity, value: float, exact: float) -> bool:
        """At most a tenth of the exact value; or, for a value after a step that shows in 4 digits, a
        change from the exact value before it of at most a tenth of the real change (W13_new = W13,
        y3_after = y3). A step too small to show (early layers of a deep chain) makes nothing trivial."""
        if _at_most_a_tenth(value, exact):
            return True
        before_name = self.before.get(quantity.name)
        if before_name is None:
            return False
        before = self.exact[before_name]
        if self._step_hidden(quantity.name, before, exact):
            return False
        return _at_most_a_tenth(value - before, exact - before)

    def _step_hidden(self, name: str, before: float, after: float) -> bool:
        """``_step_too_small`` for a step from ``before`` (the exact value before it) to ``name``'s ``after``:
        looked up where ``after`` is the exact value, worked out otherwise."""
        if after == self.exact[name]:
            return name not in self.steps_shown
        return self._step_too_small(before, after)

    def _exact_steps_shown(self) -> frozenset[str]:
        """The values after the step whose exact step shows (not ``_step_too_small``): the same for every
        file of a class, so worked out once for its exact values and atol."""
        found = _class_cache(_EXACT_STEPS_SHOWN, self.graph, self.exact, self.tolerance.atol)
        if "shown" not in found:
            found["shown"] = frozenset(name for name, before in self.before.items()
                                       if not self._step_too_small(self.exact[before], self.exact[name]))
        return found["shown"]

    def _expected(self, name: str) -> str:
        """``0.755 ± 1%: 0.7475 … 0.7626`` for ``name``'s exact value: the same for every file of a class,
        so written once for its exact values, tolerance and number format."""
        # By repr: a tolerance of -0.0 equals one of 0.0, but is written "-0".
        found = _class_cache(_EXPECTED_TEXTS, self.graph, self.exact, repr(self.tolerance), self.fmt)
        if name not in found:
            found[name] = self.tolerance.describe(self.exact[name], self.fmt)
        return found[name]

    def _step_too_small(self, before: float, after: float) -> bool:
        """A step from ``before`` to ``after`` too small to show in 4 significant digits (or the tolerance)."""
        return abs(after - before) <= max(self.tolerance.atol, _half_unit(after, 4))

    def _slip(self, name: str, mixed) -> bool:
        """Off by a mistake rather than by rounding: marked wrong, carried forward from a slip, or within
        tolerance yet neither the exact value rounded nor its own formula on the student's values
        rounded (an output written equal to a nearby target)."""
        verdict, value = self.marks[name].verdict, mixed[name]
        if verdict != "correct":
            return name in self.slipped
        if is_rounding(value, self.exact[name], digits=self.digits(name)):
            return False
        own_value = self._own(self.graph[name], mixed)
        return own_value is None or not is_rounding(value, own_value, min_digits=2, digits=self.digits(name))


def _at_most_a_tenth(part: float, whole: float) -> bool:
    """The one test of "trivialised", for a value and for a change alike: |part| ≤ a tenth of |whole|."""
    return abs(part) <= TRIVIAL * abs(whole)


_EXACT_CANDIDATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # see _class_cache: name -> candidates
_EXACT_STEPS_SHOWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # see _class_cache
_EXPECTED_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _class_cache(store: weakref.WeakKeyDictionary, graph: Graph, exact: Mapping[str, float], *key) -> dict:
    """A dict for what is the same for every file of a class, kept in ``store`` per graph for its exact
    values and ``key``. A graph is shared by the numbers a variant draws (variants.make_variant), so the
    exact values are part of the key, by identity (the entry keeps them alive: no other dict takes their id);
    other values or another key start the dict afresh."""
    cached = store.get(graph)
    if cached is None or cached[0] is not exact or cached[1] != key:
        cached = store[graph] = (exact, key, {})
    return cached[2]


def _possible_output(network: Network, quantity: Quantity, value: float) -> bool:
    """Could this unit's activation produce ``value``? (Anything goes for other kinds of quantity.)"""
    if quantity.kind != "y":
        return True
    low, high = ACTIVATIONS[network.activation_of(quantity.unit)].output_range
    return low <= value <= high


@functools.lru_cache(maxsize=16)  # one graph serves a whole class's files
def _before_names(graph: Graph) -> dict[str, str]:
    """W13 for W13_new, y3 for y3_after: what each value after the step was before it."""
    return {q.name: q.before for q in graph if q.before}


def _half_unit(value: float, digits: int) -> float:
    """Half a unit in the ``digits``-th significant digit of ``value``: the most rounding can move it."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1) if value else 0.0


def _evaluate(quantity: Quantity, values: Mapping[str, float]) -> float | None:
    """The formula on a student's values, or None where their numbers overflow it."""
    return _guarded(quantity.evaluate, values)


def _guarded(function, *arguments) -> float | None:
    """``function(*arguments)``, or None where the numbers overflow it."""
    try:
        value = function(*arguments)
    except (ArithmeticError, ValueError):
        return None
    return value if math.isfinite(value) else None


def is_rounding(value: float, exact: float, *, min_digits: int = 1, max_digits: int = 17,
                digits: int | None = None) -> bool:
    """Is ``value`` the exact value rounded to some number (in the range) of significant digits?

    Only one rounding need be tried: the value's own digits (0.6620 is 0.662, 3 digits), or the
    fewest allowed, when the value has fewer (0.9 is 0.900048 to 3 digits).
    """
    if value == exact:
        return True
    if value == 0:
        return False
    digits = max(digits or significant_digits(value), min_digits)
    if digits > max_digits or not math.isfinite(exact):
        return False
    rounded = float(f"{exact:.{digits}g}")
    if value == rounded:
        return True
    # A tie rounded half up, as a person rounds: 0.35·0.7 = 0.245 is 0.25 on paper, though binary
    # floating point reads 0.245 as 0.24499999… and rounds it down.
    unit = 2.0 * _half_unit(exact, digits)
    return abs(abs(value - exact) - unit / 2) <= 1e-9 * unit and abs(value - rounded) <= unit * (1 + 1e-9)


def significant_digits(value: float) -> int:
    """3 for 0.0991, 1 for 0.9, 2 for 1200.0: the digits of the shortest text that reads back as value."""
    mantissa = repr(abs(value)).lower().split("e")[0].replace(".", "").strip("0")
    return max(len(mantissa), 1)


UNREADABLE = "unreadable"  # a value that is not a number: it earns nothing, and is not given downstream


def with_readings(graded: Grade, unreadable: Mapping[str, str] | None = None,
                  notes: Mapping[str, str] | None = None) -> Grade:
    """``graded`` (graded without the values that could not be read as numbers, so that whatever
    follows from one is graded on the exact value) with each asked one of them ``unreadable``, its
    note saying why; and the note on how a value was read (``'0,51' was read as 0.51``) after its own."""
    unreadable, notes = unreadable or {}, notes or {}
    if not unreadable and not notes:
        return graded
    results = []
    for result in graded.results:
        if result.name in unreadable:
            why = unreadable[result.name]
            result = result._replace(verdict=UNREADABLE, given=None, message=why, hint=why)
        elif result.name in notes:
            note = notes[result.name]
            result = result._replace(message="; ".join(filter(None, (result.message, note))),
                                     hint="; ".join(filter(None, (result.hint, note))))
        results.append(result)
    return graded._replace(results=tuple(results))
