"""A practice session: the asked quantities one at a time, each answer checked at once by the grader.

A state machine, pure (no I/O, no click): ``Practice.prompt`` says what is being asked, ``feed(line)``
takes the line the student typed there and returns the events to show (records; report/practice_text.py
renders them). Every check is ``grading.grade`` on all the answers so far, so a verdict, a
carried-forward credit, a named mistake and a hint are exactly what `bpcheck grade` says of the same
answers file; the feedback level (feedback.py) decides what an event may carry.

One line answers one prompt (docs/students/practice.md):

- at a value prompt (``a3``) and at a second try (``a3, second try``): a number; an empty line skips
  (an answer already given is kept); ``<`` or ``:back`` goes back to the value asked before;
  ``q`` or ``:quit`` ends the session; ``?`` or ``:help`` shows the commands and asks again; anything
  else is "not a number" and the same prompt is asked again;
- after a wrong first answer comes the second try (at the full, hint and verdict levels); after a
  wrong second try, at the full level only, ``show the answer? [y/N]``: ``y`` or ``yes`` shows it,
  anything else goes on;
- no more lines (end of input, Ctrl-D) ends the session as ``q`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Callable, NamedTuple, Union

from .feedback import LEVELS, shows_notes, shows_results
from .grading import CREDITED, Grade, Result, grade
from .numbers import Formatter, number_formatter
from .quantities import STAGES
from .solution import Solution

QUIT, BACK, HELP, YES = ("q", ":quit"), ("<", ":back"), ("?", ":help"), ("y", "yes")

HELP_TEXT = ("Type the value you computed (0.755, -2.65e-3). An empty line skips it (an answer you gave is "
             "kept); < or :back goes back to the value before; q or :quit ends the session (Ctrl-D too); "
             "? or :help shows this. Your answers are saved as you go.")


class Prompt(NamedTuple):
    kind: str  # "value"; "retry", the second try after a wrong answer; "reveal", show the answer? [y/N]
    name: str  # the quantity asked


class Intro(NamedTuple):
    givens: tuple[tuple[str, float], ...]  # the exercise's numbers, to work from
    asked: int  # how many values the session asks
    right: int  # how many are already right (resuming)


class Ask(NamedTuple):
    name: str
    formula: str  # the formula to use: "delta3 = y3(1 - y3)·W35·delta5"
    stage: str  # the stage's heading when it is not the last asked value's, else ""
    current: float | None  # the answer already given (going back, resuming); None: none yet
    verdict: str  # its verdict where the level shows verdicts, else ""


class Checked(NamedTuple):
    name: str
    verdict: str  # correct, carried_forward or wrong, as the grader says
    misconception: str | None  # the named mistake, at the full and hint levels
    note: str  # carried forward: what it follows from; wrong: the hint, which never holds the expected value
    worked: str  # after a wrong answer: the formula with the student's own numbers ("" when not shown)
    attempt: int  # 1, or 2 for the second try
    score: float
    max_score: float


class Noted(NamedTuple):
    """At the score level an answer is kept and nothing is said of it."""

    name: str


class Revealed(NamedTuple):
    name: str
    worked: str  # "delta3 = y3(1 - y3)·W35·delta5 = (0.6803)(0.3197)(0.3)(-0.04068) = -0.002654"
    expected: str  # "-0.002654 ± 1%: -0.002681 … -0.002628"


class Said(NamedTuple):
    kind: str  # "help", "problem" (the line was not understood) or "note"
    text: str


class Finished(NamedTuple):
    grade: Grade  # of every answer given, as `bpcheck grade` would grade the answers file
    feedback: str
    quit: bool  # ended by q, Ctrl-D or the end of input, rather than by answering the last value


Event = Union[Intro, Ask, Checked, Noted, Revealed, Said, Finished]


def _read_number(text: str) -> tuple[float, str]:
    """A number by the answers file's rule (yamlfile.read_answer): 0.755, -1.5e-3, −0.0027, and 0,755
    read as 0.755 with a note saying so."""
    from .yamlfile import read_answer  # the reader of answers files, so that the file reads back the same

    return read_answer(text)


class Practice:
    """One session over ``solution``'s asked quantities, in solving order.

    ``answers``: those already given (canonical name -> number; resuming): a value already credited
    is not asked again; ``notes``, what to say of that file after the introduction (a value in it that
    is not a number). ``others``: for a variant, the exercise's own values (``grading.grade``).
    ``answers`` after each ``feed`` holds every answer given, for the answers file; ``version`` counts
    the changes to it. ``read_number(text)`` gives a number and a note on how it was read ("" if none).
    """

    def __init__(self, solution: Solution, *, feedback: str = "full",
                 answers: Mapping[str, float | None] | None = None, others: Mapping[str, float] | None = None,
                 fmt: Formatter | None = None, read_number: Callable[[str], tuple[float, str]] | None = None,
                 notes: Sequence[str] = ()):
        if feedback not in LEVELS:
            raise ValueError(f"unknown feedback level {feedback!r}")
        self.solution = solution
        self.feedback = feedback
        self.fmt = fmt or number_formatter(4)
        self.others = others
        self.read_number = read_number or _read_number
        self.notes = tuple(notes)
        self.answers: dict[str, float] = {name: value for name, value in (answers or {}).items() if value is not None}
        self.version = 0
        self.grade = self._grade()
        self.todo = [r.name for r in self.grade.values if r.verdict not in CREDITED]
        self.index = 0
        self.prompt: Prompt | None = None  # None once the session has finished
        self._stage = ""
        self._first_hint = ""

    @property
    def finished(self) -> bool:
        return self.prompt is None

    def start(self) -> list[Event]:
        givens = tuple((q.name, self.solution.values[q.name]) for q in self.solution.graph if q.form is None)
        intro = Intro(givens, len(self.todo), len(self.solution.asked) - len(self.todo))
        said = [Said("note", note) for note in self.notes]
        return [intro, *said, *self._ask()] if self.todo else [intro, *said, self._finish(quit=False)]

    def feed(self, line: str | None) -> list[Event]:
        """What to say after the student typed ``line`` at ``prompt`` (None: no more input)."""
        assert self.prompt is not None, "the session has finished"
        text = "" if line is None else line.replace("\ufeff", "").strip()  # a script saved with a byte-order mark
        command = text.lower()
        if line is None or command in QUIT:
            return [self._finish(quit=True)]
        if command in HELP:
            return [Said("help", HELP_TEXT)]
        if command in BACK:
            return self._back()
        if self.prompt.kind == "reveal":
            return ([self._revealed(self.prompt.name)] if command in YES else []) + self._next()
        if not text:
            return self._next()
        try:
            value, note = self.read_number(text)
        except ValueError as error:
            return [Said("problem", f"{error}: type a number such as 0.25 or -1.5e-3, or ? for help")]
        return [Said("note", note)] * bool(note) + self._answer(value)

    # --- the steps -------------------------------------------------------------------------------

    def _answer(self, value: float) -> list[Event]:
        assert self.prompt is not None
        name, attempt = self.prompt.name, 2 if self.prompt.kind == "retry" else 1
        self.answers[name] = value
        self.version += 1
        self.grade = self._grade()
        if not shows_results(self.feedback):
            return [Noted(name), *self._next()]
        result = self._result(name)
        credited = result.verdict in CREDITED
        note, worked = self._notes(result)
        if attempt == 2 and note == self._first_hint:  # the same hint again says nothing new
            note = worked = ""
        elif attempt == 1:
            self._first_hint = note
        named = result.misconception if shows_notes(self.feedback) else None
        events: list[Event] = [Checked(name, result.verdict, named, note, worked, attempt, self.grade.score,
                                       self.grade.max_score)]
        if credited:
            return events + self._next()
        if attempt == 1:
            self.prompt = Prompt("retry", name)
            return events
        if self.feedback == "full":
            self.prompt = Prompt("reveal", name)
            return events
        return events + [Said("note", f"The answer is not shown at the {self.feedback} feedback level.")] + self._next()

    def _notes(self, result: Result) -> tuple[str, str]:
        """(note, worked) as the level shows them: never the expected value before the answer is asked for."""
        if not shows_notes(self.feedback) or result.verdict == "correct":
            return "", ""
        if result.verdict == "carried_forward":
            return (result.message if self.feedback == "full" else result.hint), ""
        return result.hint, self._worked(result.name)

    def _worked(self, name: str) -> str:
        """The formula with the student's own numbers written in: only when every value it reads is one
        of theirs or a given, so that no value they have not worked out is shown."""
        graph = self.solution.graph
        quantity = graph[name]
        asked = set(self.solution.asked)
        theirs = {n: v for n, v in self.answers.items() if n in asked}
        if quantity.form is None or any(graph[source].form is not None and source not in theirs
                                        for source in quantity.inputs):
            return ""
        return f"{name} = {quantity.substituted({**self.solution.values, **theirs}, self.fmt)}"

    def _revealed(self, name: str) -> Revealed:
        quantity, values, fmt = self.solution.graph[name], self.solution.values, self.fmt
        substituted = quantity.substituted(values, fmt)
        steps = [f"{name} = {quantity.symbolic}", *([substituted] if substituted else []), fmt(values[name])]
        return Revealed(name, " = ".join(steps), self.grade.tolerance.describe(values[name], fmt))

    def _next(self) -> list[Event]:
        self.index += 1
        return self._ask() if self.index < len(self.todo) else [self._finish(quit=False)]

    def _back(self) -> list[Event]:
        if self.index == 0:
            assert self.prompt is not None
            return [Said("problem", f"{self.prompt.name} is the first value asked: there is none before it")]
        self.index -= 1
        self._stage = ""  # say where we are again
        return self._ask()

    def _ask(self) -> list[Event]:
        name = self.todo[self.index]
        quantity = self.solution.graph[name]
        self.prompt = Prompt("value", name)
        stage = STAGES.get(quantity.stage, quantity.stage)
        heading, self._stage = ("" if stage == self._stage else stage), stage
        current = self.answers.get(name)
        verdict = self._result(name).verdict if current is not None and shows_results(self.feedback) else ""
        return [Ask(name, f"{name} = {quantity.symbolic}", heading, current, verdict)]

    def _finish(self, quit: bool) -> Finished:
        self.prompt = None
        return Finished(self.grade, self.feedback, quit)

    def _grade(self) -> Grade:
        return grade(self.solution, self.answers, fmt=self.fmt, others=self.others)

    def _result(self, name: str) -> Result:
        return next(result for result in self.grade.values if result.name == name)
