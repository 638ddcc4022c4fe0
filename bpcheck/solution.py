"""One solved exercise: its graph and every value, plus the quantities the student is asked for."""

from __future__ import annotations

from typing import NamedTuple

from .errors import ExerciseError
from .network import Exercise
from .quantities import Graph
from .solver import build_graph


class Solution(NamedTuple):
    exercise: Exercise
    graph: Graph
    values: dict[str, float]
    asked: tuple[str, ...]  # what the student computes, in solving order

    def _repr_html_(self) -> str:
        """The worked solution in a notebook (Jupyter calls this): what `bpcheck solve --format html`
        shows (the instructions, the network drawn, a table per step), without the page around it."""
        from .report.html import solution_fragment

        return solution_fragment(self)

    def diagram(self, *, step: bool = False, precision: int = 4):
        """The network drawn, each unit's values after the forward pass (``step``: its delta, and each
        weight before and after the step too), as a NetworkDrawing that shows itself in a notebook."""
        from .report.diagram import NetworkDrawing

        return NetworkDrawing(self, step=step, precision=precision)


def asked_names(exercise: Exercise, graph: Graph) -> tuple[str, ...]:
    """The asked quantities (names or whole stages) in solving order; default: every computed one."""
    computed = graph.names(computed_only=True)
    if exercise.asked is None:
        return tuple(computed)
    wanted = set(exercise.asked)
    return tuple(name for name in computed if name in wanted or graph[name].stage in wanted)


def solve(exercise: Exercise) -> Solution:
    """Every value of one gradient-descent step on the exercise's network, at full double precision:
    ``values`` maps each name (givens too) to its value, ``graph`` holds each quantity's formula, and
    ``asked`` the names the student computes, in solving order. Raises ExerciseError when the numbers
    overflow double precision."""
    graph = build_graph(exercise.network)
    try:
        values = graph.evaluate()
    except ExerciseError as error:  # overflow: say which file's numbers are too large
        error.file = error.file or exercise.path
        raise
    return Solution(exercise, graph, values, asked_names(exercise, graph))
