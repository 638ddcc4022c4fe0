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
from collections.abc import Mapping
from typing import NamedTuple

from .activations import ACTIVATIONS
from .errors import AnswersError
from .misconceptions import MISCONCEPTIONS, candidates
from .network import Network
from .numbers import Formatter, number_formatter
from .quantities import Graph, Quantity
from .solution import Solution

CREDITED = ("correct", "carried_forward")
_EDGE = 8 * 2.0 ** -52  # a few ulps: 2.02 - 2 is 0.020000000000000018 in binary, and 2.02 is the range's end
_CORRECT = ("correct", None, "", ())
TRIVIAL = 0.1  # a slip that leaves under a tenth of a value (or of a change) has trivialised it


class Tolerance(NamedTuple):
    rtol: float
    atol: float

    def accepts(self, given: float, expected: float) -> bool:
        # The margin's own rounding is allowed for, so that the ends of the range printed are in it.
        error, margin = abs(given - expected), self.atol + self.rtol * abs(expected)
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
    hint: str = ""  # the note with no expected value in it, for --feedback hint (see _hint)

    @property
    def earned(self) -> float:
        return self.points if self.verdict in CREDITED else 0.0


class Grade(NamedTuple):
    exercise: str
    results: tuple[Result, ...]
    tolerance: Tolerance = Tolerance(0.01, 0.0)
    variant: str | None = None

    @property
    def score(self) -> float:
        return math.fsum(result.earned for result in self.results)

    @property
    def max_score(self) -> float:
        return math.fsum(result.points for result in self.results)

    @property
    def first_wrong(self) -> Result | None:
        return next((r for r in self.results if r.verdict not in CREDITED), None)

    @property
    def percent(self) -> float | None:
        """The score in percent; None when no points are at stake (0 / 0 is no percentage)."""
        return self.score / self.max_score * 100 if self.max_score else None

    def to_dict(self, file: str | None = None, pass_mark: float | None = None, feedback: str = "full") -> dict:
        """The record `bpcheck grade --format json` prints (README, "Reports and exit codes"), with what
        the feedback level withholds left out (feedback.LEVELS)."""
        from .feedback import result_fields

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

    def passed(self, pass_mark: float | None = None) -> bool:
        """Every asked quantity credited; or, with a pass mark in percent, a score at least that high.
        With no points at stake a pass mark cannot be reached: every value must be credited."""
        if pass_mark is None or self.percent is None:
            return self.first_wrong is None
        return self.percent >= pass_mark - 1e-9


def grade(solution: Solution, answers: Mapping[str, float | None], *, lines: Mapping[str, int] | None = None,
          rtol: float | None = None, atol: float | None = None, fmt: Formatter | None = None,
          others: Mapping[str, float] | None = None) -> Grade:
    """Verdicts for every asked quantity of ``solution`` given ``answers`` (canonical name -> number).

    ``others``: for a variant, the values of the exercise's own numbers. A wrong value that is the
    exercise's own (worked from numbers that are not the variant's) is named ``other-numbers``, and
    earns nothing downstream: a copied solution is not carried forward.
    """
    fmt = fmt or number_formatter(4)
    exercise = solution.exercise
    unknown = [name for name in answers if name not in solution.graph.by_name]
    if unknown:  # canonical names only here: bpcheck.grade reads every spelling
        raise AnswersError(f"{unknown[0]!r} is not a quantity of this exercise",
                           hint="give canonical names (delta3, W13_new), or call bpcheck.grade")
    tolerance = Tolerance(exercise.rtol if rtol is None else rtol, exercise.atol if atol is None else atol)
    marker = _Marker(solution, tolerance, fmt, others or {})
    asked = set(solution.asked)
    # Only asked values count: an unasked slip must not buy carried-forward credit downstream.
    student = {name: value for name, value in answers.items() if value is not None and name in asked}
    marker.mark_all(student)
    lines = lines or {}
    results = []
    for name in solution.asked:
        quantity = solution.graph[name]
        points = exercise.points.get(name, 1.0)
        if name not in student:
            results.append(Result(name, quantity.stage, "missing", None, solution.values[name], points,
                                  message=f"not answered; expected {tolerance.describe(solution.values[name], fmt)}",
                                  line=lines.get(name), hint=f"not answered; work it out as {_formula(quantity)}"))
            continue
        verdict, misconception, message, follows = marker.marks[name]
        results.append(Result(name, quantity.stage, verdict, student[name], solution.values[name], points,
                              misconception, message, lines.get(name), follows,
                              _hint(quantity, verdict, misconception, follows, student, marker)))
    return Grade(exercise.name, tuple(results), tolerance, exercise.variant)


def _formula(quantity: Quantity) -> str:
    return f"{quantity.name} = {quantity.symbolic}"


def _hint(quantity: Quantity, verdict: str, misconception: str | None, follows: tuple[str, ...],
          student: Mapping[str, float], marker: _Marker) -> str:
    """What a tutor says without giving the answer away: the mistake named, the formula to check with
    its symbols, and the student's own upstream numbers; never an expected value or its range."""
    if verdict == "correct":
        return ""
    fmt = marker.fmt
    if verdict == "carried_forward":
        return "follows from your " + ", ".join(f"{source} = {fmt(student[source])}" for source in follows)
    given, exact = student[quantity.name], marker.exact[quantity.name]
    if misconception is not None:
        return f"{MISCONCEPTIONS[misconception]}; the formula is {_formula(quantity)}"
    in_range = marker.tolerance.accepts(given, exact)
    if _rounding_hint(given, exact, in_range):  # how close it is would tell the answer: only what to do
        return f"keep at least 4 significant digits as you work; the formula is {_formula(quantity)}"
    if in_range and quantity.before:
        return f"check the step: the formula is {_formula(quantity)}"
    yours = [f"{source} = {fmt(student[source])}" for source in dict.fromkeys(quantity.inputs) if source in student]
    return f"check {_formula(quantity)}" + (f" with your {', '.join(yours)}" if yours else "")


def _field(result: Result, field: str):
    value = getattr(result, field)
    return list(value) if isinstance(value, tuple) else value


class _Marker:
    def __init__(self, solution: Solution, tolerance: Tolerance, fmt, others: Mapping[str, float]):
        self.solution = solution
        self.others = others
        self.network: Network = solution.exercise.network
        self.exact = solution.values
        self.tolerance = tolerance
        self.fmt = fmt
        self.marks: dict[str, tuple[str, str | None, str, tuple[str, ...]]] = {}
        self.tainted: set[str] = set()  # off and impossible, or built on such a value
        self.slipped: set[str] = set()  # wrong, or carried forward from a slip
        self.before = _before_names(solution.graph)

    def mark_all(self, student: dict[str, float]) -> None:
        # Graph order: every upstream verdict is known before a quantity that reads it.
        mixed = {**self.exact, **student}  # the student's values where given, else the exact ones
        rtol, atol = self.tolerance
        for quantity in self.solution.graph:
            name = quantity.name
            if name not in student:
                continue
            given, exact = student[name], self.exact[name]
            if abs(given - exact) <= atol + rtol * abs(exact) and name not in self.before:
                self.marks[name] = _CORRECT  # most values of most files: the short way
                continue
            self.marks[name] = self.mark(quantity, given, mixed)
            if self.marks[name][0] != "correct" and self._other_numbers(quantity, given):
                self.marks[name] = ("wrong", "other-numbers", f"{MISCONCEPTIONS['other-numbers']}. expected "
                                    f"{self.tolerance.describe(exact, self.fmt)}", ())
                self.tainted.add(name)
            # A value that is off and impossible, or off and built on such a value, taints what follows.
            if self.marks[name][0] != "correct" and (
                    not _possible_output(self.network, quantity, student[name])
                    or any(source in self.tainted for source in quantity.inputs)):
                self.tainted.add(name)

    def _other_numbers(self, quantity: Quantity, given: float) -> bool:
        """Is this wrong value the one the exercise's own numbers give, worked from a given that is not
        this variant's (a3 from the exercise's W13 and x1)?"""
        other = self.others.get(quantity.name)
        graph = self.solution.graph
        return (other is not None and self.tolerance.accepts(given, other)
                and any((graph[source].compute is None and self.others.get(source) != self.exact[source])
                        or self.marks.get(source, _CORRECT)[1] == "other-numbers" for source in quantity.inputs))

    def mark(self, quantity: Quantity, given: float, mixed: Mapping[str, float]):
        name, exact = quantity.name, self.exact[quantity.name]
        accepts = self.tolerance.accepts
        if self._correct(quantity, given, exact):
            return _CORRECT
        # The student's own upstream values that differ from the exact ones (slips, or just rounding).
        own = tuple(source for source in dict.fromkeys(quantity.inputs)
                    if source in self.marks and mixed[source] != self.exact[source])
        carried = _evaluate(quantity, mixed) if own else None
        follows_own = carried is not None and self._matches(quantity, given, carried)
        if carried is not None and follows_own:
            slips = tuple(source for source in own if self._slip(source, mixed))
            if self._carry_forward_allowed(quantity, carried, exact, slips, mixed):
                if slips:
                    self.slipped.add(name)  # what follows from a slip may not trivialise what follows it
                follows = tuple(source for source in own if self.marks[source][0] != "correct") or own
                yours = ", ".join(f"{source} = {self.fmt(mixed[source])}" for source in follows)
                return ("carried_forward", None,
                        f"follows from your {yours} (the exact value is {self.fmt(exact)})", follows)
        self.slipped.add(name)
        expected = f"expected {self.tolerance.describe(exact, self.fmt)}"
        if accepts(given, exact):  # in the range printed, so rejected only for not taking the step
            expected += self._no_step(quantity, given, exact)
        if follows_own or (carried is not None and is_rounding(given, carried, min_digits=2, max_digits=3)):
            # Right from their own numbers, but not credited (built on nonsense, or trivialised): what
            # they did is the right formula, so no mistake of method is named for it.
            return "wrong", None, expected, ()
        matches = []
        for values in (mixed, self.exact) if own else (self.exact,):  # their own numbers first
            matches = [candidate for candidate in candidates(quantity, self.network, values)
                       if accepts(given, candidate.value) and not self._correct(quantity, candidate.value, exact)
                       and abs(candidate.value) > self.tolerance.atol]
            if matches:
                break
        # W - dW and W may both be near: the mistake the value is nearest to. A value that is the right
        # one rounded to 2 or 3 digits names no mistake, even when it is also a mistaken value to the
        # letter (W23_new = 0.7976 is 0.80, and W23 is 0.8): a class's mistake counts must not count
        # rounding. One digit is too coarse to tell (W35_new = 0.2723 is 0.3, and so is W35 unchanged).
        best = min(matches, key=lambda candidate: abs(given - candidate.value), default=None)
        if best is not None and any(other.misconception != best.misconception and (
                abs(other.value - best.value) <= 1e-12 * abs(best.value)
                or (given != best.value and is_rounding(given, other.value))) for other in matches):
            best = None  # two mistakes give this number as written: naming one could name the wrong one
        rounded = is_rounding(given, exact, max_digits=3)
        if best is not None and not is_rounding(given, exact, min_digits=2, max_digits=3):
            return "wrong", best.misconception, f"{best.message} {expected}", ()
        return "wrong", None, (_rounding_hint(given, exact, accepts(given, exact)) if rounded else "") + expected, ()

    def _no_step(self, quantity: Quantity, given: float, exact: float) -> str:
        """Why a value within the range is not credited: after the step, it has not taken the step."""
        before_name = self.before[quantity.name]
        before = self.exact[before_name]
        return (f"; yours is in that range but has not taken the step from {before_name} = {self.fmt(before)}: "
                f"it changes it by {self.fmt(given - before)}, the step is {self.fmt(exact - before)}")

    def _correct(self, quantity: Quantity, value: float, exact: float) -> bool:
        return self._matches(quantity, value, exact)

    def _matches(self, quantity: Quantity, value: float, target: float) -> bool:
        """Within tolerance of ``target`` (the exact value, or the one carried forward); and, for a
        value after the step (W13_new, y3_after), one that took the step towards it.

        W13_new is often within 1% of W13 itself, so the change it implies, value - W13, must be
        between half and one and a half times the change to ``target``; unless the value is the
        target rounded to 3 or more digits, or that change is too small to show in 4 digits.
        """
        if not self.tolerance.accepts(value, target):
            return False
        before_name = self.before.get(quantity.name)
        if before_name is None:
            return True
        before = self.exact[before_name]
        if self._step_too_small(before, target):
            return True
        return 0.5 <= (value - before) / (target - before) <= 1.5 or is_rounding(value, target, min_digits=3)

    def _carry_forward_allowed(self, quantity: Quantity, carried: float, exact: float,
                               slips: tuple[str, ...], mixed) -> bool:
        """No credit for values made trivially consistent by nonsense upstream.

        Nothing built on an output its activation cannot produce (a sigmoid output of 5) earns
        credit, however far downstream. Nor does a value that a slip has trivialised: under a tenth
        of the exact value (all-zero answers, or an output written equal to its target, make every
        later delta and change 0), or a value after the step that has barely moved from the value
        before it (dW13 written as 0, so W13_new = W13, and the first pass copied out again as the
        second). Rounding alone may trivialise a value honestly (y3 = 1.00 for a saturated tanh makes
        1 - y3² = 0): values built only on honest rounding are always followed.
        """
        if any(source in self.tainted for source in quantity.inputs if source in self.marks):
            return False
        if not slips or not self._trivial(quantity, carried, exact):
            return True
        # Trivial all the same with the slips put right? Then honest rounding did it, not the slips.
        mended = _evaluate(quantity, {**mixed, **{source: self.exact[source] for source in slips}})
        return mended is not None and self._trivial(quantity, mended, exact)

    def _trivial(self, quantity: Quantity, value: float, exact: float) -> bool:
        """Under a tenth of the exact value; or, for a value after a step that shows in 4 digits, a
        change from the exact value before it under a tenth of the real change (W13_new = W13,
        y3_after = y3). A step too small to show (early layers of a deep chain) makes nothing trivial."""
        if abs(value) <= TRIVIAL * abs(exact):
            return True
        before_name = self.before.get(quantity.name)
        if before_name is None:
            return False
        before = self.exact[before_name]
        if self._step_too_small(before, exact):
            return False
        return abs(value - before) <= TRIVIAL * abs(exact - before)

    def _step_too_small(self, before: float, after: float) -> bool:
        """A step from ``before`` to ``after`` too small to show in 4 significant digits (or the tolerance)."""
        return abs(after - before) <= max(self.tolerance.atol, _half_unit_of_4_digits(after))

    def _slip(self, name: str, mixed) -> bool:
        """Off by a mistake rather than by rounding: marked wrong, carried forward from a slip, or within
        tolerance yet neither the exact value rounded nor its own formula on the student's values
        rounded (an output written equal to a nearby target)."""
        verdict, value = self.marks[name][0], mixed[name]
        if verdict != "correct":
            return name in self.slipped
        if is_rounding(value, self.exact[name]):
            return False
        own_value = _evaluate(self.solution.graph[name], mixed)
        return own_value is None or not is_rounding(value, own_value, min_digits=2)


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


def _half_unit_of_4_digits(value: float) -> float:
    """Half a unit in the 4th significant digit of ``value``: changes smaller than this cannot show."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - 3) if value else 0.0


def _evaluate(quantity: Quantity, values: Mapping[str, float]) -> float | None:
    """The formula on a student's values, or None where their numbers overflow it."""
    try:
        value = quantity.evaluate(values)
    except (ArithmeticError, ValueError):
        return None
    return value if math.isfinite(value) else None


def is_rounding(value: float, exact: float, *, min_digits: int = 1, max_digits: int = 17) -> bool:
    """Is ``value`` the exact value rounded to some number (in the range) of significant digits?

    Only one rounding need be tried: the value's own digits (0.6620 is 0.662, 3 digits), or the
    fewest allowed, when the value has fewer (0.9 is 0.900048 to 3 digits).
    """
    if value == exact:
        return True
    if value == 0:
        return False
    digits = max(significant_digits(value), min_digits)
    return digits <= max_digits and value == float(f"{exact:.{digits}g}")


def significant_digits(value: float) -> int:
    """3 for 0.0991, 1 for 0.9, 2 for 1200.0: the digits of the shortest text that reads back as value."""
    mantissa = repr(abs(value)).lower().split("e")[0].replace(".", "").strip("0")
    return max(len(mantissa), 1)


def _rounding_hint(given: float, exact: float, in_range: bool) -> str:
    """A kind word when the value is the right one rounded too early."""
    too_coarse = "too coarse to show the step" if in_range else "too coarse for the tolerance"
    for digits in (1, 2, 3):
        if is_rounding(given, exact, min_digits=digits, max_digits=digits):
            return (f"This is the exact value rounded to {digits} significant digit{'s' if digits > 1 else ''}, "
                    f"{too_coarse}: keep at least 4. ")
    return ""


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
