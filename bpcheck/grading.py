"""Answers against the solution: a verdict for every asked quantity, the way a patient tutor marks.

For each quantity the student gave:
1. ``correct`` when it is within tolerance of the exact value;
2. else ``carried_forward`` when it is within tolerance of the same formula evaluated on the student's
   own upstream values (exact values for those they did not give), at least one of which differs from
   the exact value (see ``_carry_forward_allowed`` for what earns no such credit);
3. else ``wrong``, naming a known mistake when the value matches one (misconceptions.py).
Asked quantities the student left out are ``missing``. Pure: no I/O, no printing.
"""

from __future__ import annotations

import math
from collections import ChainMap
from typing import Mapping, NamedTuple

from .misconceptions import candidates
from .network import Network
from .quantities import Quantity
from .solution import Solution

CREDITED = ("correct", "carried_forward")


class Tolerance(NamedTuple):
    rtol: float
    atol: float

    def accepts(self, given: float, expected: float) -> bool:
        return abs(given - expected) <= self.atol + self.rtol * abs(expected)

    def describe(self, expected: float, fmt) -> str:
        """What people read: ``-0.002654 ± 1%: -0.00268 … -0.00263``."""
        margin = self.atol + self.rtol * abs(expected)
        low, high = expected - margin, expected + margin
        spread = f"{self.rtol * 100:g}%" if self.rtol else f"{self.atol:g}"
        return f"{fmt(expected)} ± {spread}: {fmt(low)} … {fmt(high)}"


class Result(NamedTuple):
    name: str
    stage: str
    verdict: str  # correct, carried_forward, wrong, missing
    given: float | None
    expected: float
    points: float = 1.0
    misconception: str | None = None
    message: str = ""
    line: int | None = None
    follows_from: tuple[str, ...] = ()

    @property
    def earned(self) -> float:
        return self.points if self.verdict in CREDITED else 0.0


class Grade(NamedTuple):
    exercise: str
    results: tuple[Result, ...]
    tolerance: Tolerance = Tolerance(0.01, 1e-8)

    @property
    def score(self) -> float:
        return math.fsum(result.earned for result in self.results)

    @property
    def max_score(self) -> float:
        return math.fsum(result.points for result in self.results)

    @property
    def first_wrong(self) -> Result | None:
        return next((r for r in self.results if r.verdict not in CREDITED), None)

    def passed(self, pass_mark: float | None = None) -> bool:
        """Every asked quantity credited; or, with a pass mark in percent, a score at least that high."""
        if pass_mark is None:
            return self.first_wrong is None
        return self.max_score == 0 or self.score / self.max_score * 100 >= pass_mark - 1e-9


def default_formatter(value: float) -> str:
    return "0" if value == 0 else format(value, ".4g")


def grade(solution: Solution, answers: Mapping[str, float | None], *, lines: Mapping[str, int] | None = None,
          rtol: float | None = None, atol: float | None = None, fmt=default_formatter) -> Grade:
    """Verdicts for every asked quantity of ``solution`` given ``answers`` (canonical name -> number)."""
    exercise = solution.exercise
    tolerance = Tolerance(exercise.rtol if rtol is None else rtol, exercise.atol if atol is None else atol)
    marker = _Marker(solution, tolerance, fmt)
    student = {name: value for name, value in answers.items()
               if value is not None and name in solution.graph and solution.graph[name].compute is not None}
    marker.mark_all(student)
    lines = lines or {}
    results = []
    for name in solution.asked:
        quantity = solution.graph[name]
        points = exercise.points.get(name, 1.0)
        if name not in student:
            results.append(Result(name, quantity.stage, "missing", None, solution.values[name], points,
                                  message=f"not answered; expected {tolerance.describe(solution.values[name], fmt)}"))
            continue
        verdict, misconception, message, follows = marker.marks[name]
        results.append(Result(name, quantity.stage, verdict, student[name], solution.values[name], points,
                              misconception, message, lines.get(name), follows))
    return Grade(exercise.name, tuple(results), tolerance)


class _Marker:
    def __init__(self, solution: Solution, tolerance: Tolerance, fmt):
        self.solution = solution
        self.network: Network = solution.exercise.network
        self.exact = solution.values
        self.tolerance = tolerance
        self.fmt = fmt
        self.marks: dict[str, tuple[str, str | None, str, tuple[str, ...]]] = {}
        self.tainted: set[str] = set()

    def mark_all(self, student: dict[str, float]) -> None:
        # Graph order: every upstream verdict is known before a quantity that reads it.
        mixed = ChainMap(student, self.exact)
        for quantity in self.solution.graph:
            name = quantity.name
            if name not in student:
                continue
            self.marks[name] = self.mark(quantity, student[name], mixed)
            # A value that is off and impossible, or off and built on such a value, taints what follows.
            if self.marks[name][0] != "correct" and (
                    not _possible_output(self.network, quantity, student[name])
                    or any(source in self.tainted for source in quantity.inputs)):
                self.tainted.add(name)

    def mark(self, quantity: Quantity, given: float, mixed: Mapping[str, float]):
        exact = self.exact[quantity.name]
        accepts = self.tolerance.accepts
        if accepts(given, exact):
            return "correct", None, "", ()
        # The student's own upstream values that differ from the exact ones (slips, or just rounding).
        own = tuple(source for source in dict.fromkeys(quantity.inputs)
                    if source in self.marks and mixed[source] != self.exact[source])
        if own:
            carried = quantity.evaluate(mixed)
            slips = tuple(source for source in own if self.marks[source][0] == "wrong")
            if accepts(given, carried) and self._carry_forward_allowed(carried, own, slips):
                follows = tuple(source for source in own if self.marks[source][0] != "correct") or own
                yours = ", ".join(f"{source} = {self.fmt(mixed[source])}" for source in follows)
                return ("carried_forward", None,
                        f"follows from your {yours} (the exact value is {self.fmt(exact)})", follows)
        expected = f"expected {self.tolerance.describe(exact, self.fmt)}"
        for values in (mixed, self.exact) if own else (self.exact,):
            for candidate in candidates(quantity, self.network, values):
                if (accepts(given, candidate.value) and not accepts(candidate.value, exact)
                        and self._not_collapsed(candidate.value)):
                    return "wrong", candidate.misconception, f"{candidate.message} {expected}", ()
        return "wrong", None, _rounding_hint(given, exact) + expected, ()

    def _not_collapsed(self, value: float) -> bool:
        """Zero (within the absolute tolerance) where the exact value is not: the quantity is gone."""
        return abs(value) > self.tolerance.atol

    def _carry_forward_allowed(self, carried: float, own: tuple[str, ...], slips: tuple[str, ...]) -> bool:
        """No credit for values made trivially consistent by nonsense upstream.

        A value that a slip has collapsed to zero (all-zero answers, or an output written equal to its
        target, make every delta and change 0) earns nothing, and neither does anything built on an output its
        activation cannot produce (a sigmoid output of 5), however far downstream. Rounding alone
        may collapse a value honestly (y3 = 1.00 for a saturated tanh makes 1 - y3² = 0), so
        upstream values that are correct or themselves carried forward are always followed.
        """
        if any(source in self.tainted for source in own):
            return False
        return not slips or self._not_collapsed(carried)


def _possible_output(network: Network, quantity: Quantity, value: float) -> bool:
    """Could this unit's activation produce ``value``? (Anything goes for other kinds of quantity.)"""
    if quantity.kind != "y":
        return True
    activation = network.activation_of(quantity.unit)
    if activation in ("sigmoid", "softmax"):
        return 0.0 < value < 1.0
    if activation == "tanh":
        return -1.0 < value < 1.0
    if activation == "relu":
        return value >= 0.0
    return True


def _rounding_hint(given: float, exact: float) -> str:
    """A kind word when the value is the right one rounded too early."""
    for digits in (1, 2):
        if given != 0 and given == float(f"{exact:.{digits}g}"):
            return (f"This is the exact value rounded to {digits} significant digit{'s' if digits > 1 else ''}, "
                    "too coarse for the tolerance: keep at least 4 digits. ")
    return ""
