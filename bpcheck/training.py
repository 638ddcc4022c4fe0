"""Training runs: the solver's step repeated (tutorial §14), on a dataset in batches (§18), with the
optimizer's state carried from step to step (§19); and the size of each layer's δ (§15).

One source of the math: a step is the graph solver.build_graph makes, compiled once into a list of
(slot, function, input slots) and evaluated again and again with the new parameters; nothing here
repeats a formula. Pure: no I/O, no click, rich or yaml.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from typing import NamedTuple

from .errors import ExerciseError
from .formulas import step_function
from .network import OPTIMIZER_STATE, Example, Network, Optimizer
from .numbers import counted
from .quantities import Graph, mean_abs_deltas
from .solver import build_graph

# How a loss curve behaved, told from the curve itself (tutorial §7 and §14).
DECREASING, OSCILLATING, DIVERGING, FLAT = "decreasing", "oscillating", "diverging", "flat"
_RISE = 1e-12  # a rise smaller than this, relative to E, is rounding, not a rise
_FLOOR = 1e-20  # below this fraction of the first E, a loss has converged to rounding: its jitter is no rise


# ---------------------------------------------------------------- a step, compiled once


class Program:
    """A step's graph compiled to be evaluated again and again: every value in one list, the formulas of
    the quantities ``wanted`` needs (and only those) generated as one Python function (formulas.step_function)."""

    def __init__(self, graph: Graph, wanted: Iterable[str], *, keep_all: bool = False):
        """``keep_all``: every value a run computes is stored, not only those wanted (a base for ``partial``)."""
        wanted = list(wanted)
        needed = set(wanted)
        for quantity in reversed(graph.quantities):
            if quantity.name in needed:
                needed.update(quantity.inputs)
        kept = [quantity for quantity in graph if quantity.name in needed]
        self.slot = {quantity.name: index for index, quantity in enumerate(kept)}
        self.values = [float(quantity.given or 0.0) for quantity in kept]
        self.step = step_function([(q.name, q.form) for q in kept if q.form is not None], self.slot,
                                  None if keep_all else wanted)
        self.wanted = wanted
        self.reads: list[int] = []  # a trainer's: the slots of what a step carries in, and of what it makes
        self.writes: list[int] = []

    def run(self) -> list[float]:
        return self.step(self.values)

    def partial(self, graph: Graph, moved: Iterable[str]) -> Program:
        """A program that recomputes only what moving the givens ``moved`` changes, reading every other
        value from this program's last run (its list, copied: made with ``keep_all``). The same numbers
        as a whole run, bit for bit (the same lines, on the same inputs): the gradient check of a large
        network moves each of 10,000 parameters twice, and a whole step each time redid the layers
        before the parameter's."""
        changed = set(moved)
        for quantity in graph:  # solving order: a reader comes after what it reads
            if quantity.name in self.slot and not changed.isdisjoint(quantity.inputs):
                changed.add(quantity.name)
        program = Program.__new__(Program)
        program.slot, program.values = self.slot, list(self.values)
        program.reads, program.writes = [], []
        program.step = step_function([(q.name, q.form) for q in graph
                                      if q.form is not None and q.name in changed and q.name in self.slot],
                                     self.slot, self.wanted)
        program.wanted = self.wanted
        return program

    def setter(self, names: Iterable[str]) -> list[int]:
        return [self.slot[name] for name in names]


# ---------------------------------------------------------------- training runs


class Behaviour(NamedTuple):
    """What the loss did: ``kind`` is decreasing, oscillating, diverging or flat; ``rises`` counts the
    iterations after which E went up."""

    kind: str
    rises: int
    sentence: str


class TrainingRun(NamedTuple):
    loss: list[float]  # E before each update (a dataset's mean over every example)
    final_loss: float  # E after the last update (inf when the numbers overflowed)
    initial: dict[str, float]  # every parameter before the first update
    final: dict[str, float]  # every parameter after the last update
    state: dict[str, float]  # the optimizer's state after the last update (v_W13 ...)
    behaviour: Behaviour
    first_below: int | None  # the number of updates after which E first fell below ``until``
    overflowed_at: int | None  # the update whose numbers overflowed double precision (the run stops)
    depth_start: list[tuple[str, float]]  # each layer's mean |δ| before the first update
    depth_end: list[tuple[str, float]]  # ... and after the last one (empty when it overflowed)
    settings: dict


def train(network: Network, iterations: int, *, batch_size: int | None = None, seed: int | None = None,
          until: float | None = None, progress: Callable[[int], None] | None = None) -> TrainingRun:
    """``iterations`` updates of ``network`` (its η, optimizer, examples): full batch by default, else
    batches of ``batch_size`` examples taken in order, or shuffled every epoch when ``seed`` is given
    (tutorial §18). ``progress`` is called with the number of updates done, now and then."""
    if (batch_size is not None and batch_size < 1) or iterations < 0:
        raise ValueError("batch_size is at least 1, and iterations at least 0")
    dataset = network.dataset
    size = min(batch_size or len(dataset), len(dataset))
    trainer = _Trainer(network, size)
    _check_start(trainer)
    loss: list[float] = []
    batches = _batches(len(dataset), size, seed)
    overflowed_at = None
    depth_start = trainer.depth()
    for done in range(iterations):
        try:
            loss.append(trainer.step([dataset[index] for index in next(batches)], done))
        except Overflow as overflow:  # the E before the update that overflowed is still on the curve
            loss += [overflow.loss] if overflow.loss is not None else []
            overflowed_at = done + 1
            break
        if progress is not None and done % 256 == 255:
            progress(done + 1)
    after = None if overflowed_at else trainer.finite_loss()  # finite weights may still give an E that overflows
    final_loss = math.inf if after is None else after
    if not math.isfinite(final_loss):
        overflowed_at = overflowed_at or iterations
    depth_end = [] if overflowed_at else trainer.depth()
    below = next((index for index, value in enumerate(loss + [final_loss]) if until is not None and value < until),
                 None)
    optimizer = network.optimizer or Optimizer()
    settings = {"iterations": iterations, "eta": network.learning_rate, "optimizer": optimizer.name,
                **optimizer.settings, "batch_size": size, "examples": len(dataset),
                "shuffle_seed": seed if size < len(dataset) else None, "until": until}
    return TrainingRun(loss, final_loss, trainer.initial, trainer.parameters(), trainer.state(),
                       loss_behaviour(loss + [final_loss], stopped=overflowed_at is not None), below,
                       overflowed_at, depth_start, depth_end, settings)


def _check_start(trainer: _Trainer) -> None:
    """Numbers whose E overflows before any update are no run to watch, but bad input (as in `solve`)."""
    if trainer.finite_loss() is None:
        raise ExerciseError("E comes out as inf before any update: the numbers are too large for double precision",
                            hint="use smaller weights, inputs or learning rate")


def _batches(count: int, size: int, seed: int | None):
    """Example indices, batch after batch: in order, or reshuffled every epoch (PyTorch's DataLoader
    with shuffle=True and drop_last=False: the last batch of an epoch may be smaller)."""
    order = list(range(count))
    shuffler = random.Random(seed) if seed is not None else None
    while True:
        if shuffler is not None:
            shuffler.shuffle(order)
        for start in range(0, count, size):
            yield order[start:start + size]


ARITHMETIC = (OverflowError, ValueError, ZeroDivisionError)  # math.fsum overflows, or meets inf - inf


class Overflow(Exception):
    """An update whose numbers grew past double precision; ``loss`` is E before it, if that is a number."""

    def __init__(self, loss: float | None):
        super().__init__(loss)
        self.loss = loss


class _Trainer:
    """The parameters and optimizer state, carried from one compiled step to the next."""

    def __init__(self, network: Network, size: int):
        self.network = network
        self.optimizer = network.optimizer or Optimizer()
        self.full = len(network.dataset) == size
        self.trained = [name for name in network.parameters if name not in network.frozen]
        states = OPTIMIZER_STATE[self.optimizer.name]
        # What one step reads and what it makes of it: W13 -> W13_new, v_W13 -> v_W13_new.
        self.carried = self.trained + [f"{state}_{name}" for name in self.trained for state in states]
        graph = build_graph(network)
        self.initial = {name: float(graph[name].given or 0.0) for name in network.parameters}
        self.current = [float(graph[name].given or 0.0) for name in self.carried]
        self.programs: dict[int, Program] = {}
        self.graph = graph
        self.deltas = [quantity.name for quantity in graph if quantity.kind == "delta"]
        self._watch: Program | None = None

    @property
    def watch(self) -> Program:
        """What E and each layer's mean |δ| are read from at the current parameters: the full batch's
        step itself (it computes both on its way), else a program of the forward pass and deltas."""
        if self._watch is None:
            self._watch = self.program(len(self.network.dataset)) if self.full else Program(
                self.graph, ["E", *self.deltas])
        return self._watch

    def program(self, size: int) -> Program:
        """The step for a batch of ``size`` examples, compiled on first use."""
        if size not in self.programs:
            network = self.network
            if network.examples:
                network = network._replace(examples=network.examples[:size])
            wanted = [f"{name}_new" for name in self.carried] + (["E", *self.deltas] if self.full else [])
            program = self.programs[size] = Program(build_graph(network), wanted)
            program.reads = program.setter(self.carried)
            program.writes = program.setter(f"{name}_new" for name in self.carried)
        return self.programs[size]

    def step(self, batch: list[Example], done: int) -> float:
        """One update on ``batch``; returns E over every example before it."""
        program = self.program(len(batch))
        values = program.values
        _place(program, self.network, batch)
        for slot, value in zip(program.reads, self.current):
            values[slot] = value
        if "step" in program.slot:  # Adam's t (not read when every parameter is frozen)
            values[program.slot["step"]] = float(self.optimizer.step + done)
        try:
            program.run()
        except ARITHMETIC:
            raise Overflow(self.finite_loss()) from None
        loss = values[program.slot["E"]] if self.full else self.finite_loss()
        current = [values[slot] for slot in program.writes]
        if loss is None or not all(map(math.isfinite, current)):  # σ(∞) would hide an infinite weight
            raise Overflow(loss if loss is not None and math.isfinite(loss) else None)
        self.current = current
        return loss

    def finite_loss(self) -> float | None:
        """E over every example at the current parameters; None where it overflows."""
        loss = self.watched(["E"])["E"]
        return loss if math.isfinite(loss) else None

    def depth(self) -> list[tuple[str, float]]:
        """Each layer's mean |δ| at the current parameters, from the forward pass and the deltas alone (the
        step after them may overflow: a run that diverges says so); empty when the deltas overflow too."""
        means = mean_abs_deltas(self.network, self.watched(self.deltas))
        return means if all(math.isfinite(mean) for _, mean in means) else []

    def watched(self, names: list[str]) -> dict[str, float]:
        """``names`` computed at the current parameters, NaN where the numbers overflow. The program that
        computes them may be a whole step, whose update can overflow after they are computed: each is
        set to NaN before it runs, and what the run wrote before it stopped is kept."""
        program = self.watch
        slots = program.setter(names)
        for slot in slots:
            program.values[slot] = math.nan
        try:
            self.at_current(program)
        except ARITHMETIC:
            pass
        return {name: program.values[slot] for name, slot in zip(names, slots)}

    def at_current(self, program: Program) -> list[float]:
        """``program`` run at the current parameters."""
        for name, value in zip(self.trained, self.current):
            if name in program.slot:
                program.values[program.slot[name]] = value
        return program.run()

    def parameters(self) -> dict[str, float]:
        return {**self.initial, **dict(zip(self.trained, self.current))}

    def state(self) -> dict[str, float]:
        return dict(zip(self.carried[len(self.trained):], self.current[len(self.trained):]))


def _place(program: Program, network: Network, batch: list[Example]) -> None:
    """Writes the batch's inputs and targets where the program reads them (x1[1] ... or x1)."""
    values, slot = program.values, program.slot
    for index, example in enumerate(batch, start=1):
        suffix = f"[{index}]" if network.examples else ""
        for letter, given in (("x", example.inputs), ("t", example.targets)):
            for unit, value in given.items():
                name = f"{letter}{unit}{suffix}"
                if name in slot:  # not when every weight it feeds is frozen: the step never reads it
                    values[slot[name]] = value


def loss_behaviour(loss: list[float], *, stopped: bool = False) -> Behaviour:
    """Decreasing (E never rose), oscillating (it rose on some iterations but ends lower than it
    began), diverging (it ends no lower than it began, or overflowed) or flat (it never changed: every
    parameter frozen, or E at 0 from the start). Told from the curve, not from η."""
    finite = [value for value in loss if math.isfinite(value)]
    floor = _FLOOR * finite[0] if finite else 0.0
    rises = sum(1 for before, after in zip(finite, finite[1:]) if after > before * (1 + _RISE) and after > floor)
    if stopped or not finite:
        return Behaviour(DIVERGING, rises, "diverges: the numbers grew past double precision")
    if max(finite) - min(finite) <= _RISE * max(finite):
        return Behaviour(FLAT, 0, "stays where it began: no update changes E")
    tail = finite[-max(1, len(finite) // 10):]
    if len(finite) > 1 and min(tail) >= finite[0]:
        return Behaviour(DIVERGING, rises, f"diverges: E rose on {rises} of {counted(len(finite) - 1, 'iteration')} "
                                           "and ends no lower than it began; η is too large")
    if rises:
        ends = "ends lower than it began" if finite[-1] < finite[0] else "ends no lower than it began"
        return Behaviour(OSCILLATING, rises, f"oscillates: E rose on {rises} of {counted(len(finite) - 1, 'iteration')}"
                                             f", overshooting the minimum; it {ends}")
    return Behaviour(DECREASING, 0, "decreases: E never rose from one iteration to the next")
