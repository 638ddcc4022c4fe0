"""Grading properties on random networks: a careful student is never marked wrong, and one slip costs
one mark. The student is simulated the way people work: each value computed from their own earlier,
rounded values, then rounded itself."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpcheck.grading import grade
from bpcheck.network import Exercise, Network
from bpcheck.solution import solve

HIDDEN = ["sigmoid", "tanh", "relu", "linear"]


def round_significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits - 1}e}")


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    cross_entropy = draw(st.booleans()) and sizes[-1] > 1
    activations = [draw(st.sampled_from(HIDDEN)) for _ in sizes[1:-1]]
    activations.append("softmax" if cross_entropy else draw(st.sampled_from(HIDDEN)))
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size
    number = st.floats(-2, 2).map(lambda v: round(v, 2))  # numbers an instructor would write
    weights = {(i, j): draw(number) for d in range(1, len(layers)) for j in layers[d] for i in layers[d - 1]}
    if cross_entropy:
        hot = draw(st.sampled_from(layers[-1]))
        targets = {unit: float(unit == hot) for unit in layers[-1]}
    else:
        targets = {unit: draw(st.floats(0, 1).map(lambda v: round(v, 2))) for unit in layers[-1]}
    return Network(
        layer_sizes=tuple(sizes), activations=tuple(activations),
        inputs={unit: draw(number) for unit in layers[0]}, weights=weights, targets=targets,
        learning_rate=draw(st.sampled_from([1.0, 0.5, 0.1])),
        biases={unit: draw(number) for unit in range(layers[1][0], first) if draw(st.booleans())},
        loss="cross_entropy" if cross_entropy else "squared_error",
        convention=draw(st.sampled_from(["target_minus_output", "output_minus_target"])))


def work_by_hand(solution, digits: int, slip: str | None = None, factor: float = 1.0) -> dict[str, float]:
    """Every computed value from the student's own rounded values; ``slip`` is multiplied by ``factor``."""
    student: dict[str, float] = {}
    for quantity in solution.graph:
        if quantity.compute is None:
            continue
        value = quantity.evaluate({**solution.values, **student})
        if quantity.name == slip:
            value *= factor
        student[quantity.name] = round_significant(value, digits)
    return student


def trivialised(solution, student: dict[str, float], name: str) -> bool:
    value, exact = student[name], solution.values[name]
    if abs(value - exact) <= 1e-6 * abs(exact):  # not moved by the slip
        return False
    if abs(value) <= 0.1 * abs(exact):
        return True
    if name.endswith(("_new", "_after")):  # after the step: its change too
        before = solution.values[name.rsplit("_", 1)[0]]
        return abs(value - before) <= 0.1 * abs(exact - before)
    return False


def output_is_possible(network: Network, name: str, value: float) -> bool:
    if not name.startswith("y"):
        return True
    activation = network.activation_of(int(name[1:].split("_")[0]))
    return {"sigmoid": 0 <= value <= 1, "softmax": 0 <= value <= 1, "tanh": -1 <= value <= 1,
            "relu": value >= 0}.get(activation, True)


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(networks(), st.sampled_from([3, 4, 6]))
def test_a_student_who_rounds_every_step_is_never_marked_wrong(network, digits):
    solution = solve(Exercise("random", "random", network))
    graded = grade(solution, work_by_hand(solution, digits))
    assert [r.name for r in graded.values if r.verdict != "correct" and r.verdict != "carried_forward"] == []
    assert graded.score == graded.max_score


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(networks(), st.data())
def test_one_slip_costs_at_most_that_one_mark(network, data):
    solution = solve(Exercise("random", "random", network))
    slip = data.draw(st.sampled_from(solution.asked))
    factor = data.draw(st.sampled_from([1.05, 0.9, 1.3]))
    student = work_by_hand(solution, 6, slip, factor)
    assume(output_is_possible(network, slip, student[slip]))  # nonsense upstream earns nothing (tested elsewhere)
    # A slip that happens to shrink a later value under a tenth (an output landing near its target) earns
    # nothing there, by design: that is how all-zero answers are refused. Such coincidences are left out.
    assume(not any(trivialised(solution, student, name) for name in student))
    graded = grade(solution, student)
    wrong = [r.name for r in graded.values if r.verdict == "wrong"]
    assert wrong in ([], [slip])
    if abs(solution.values[slip]) > 1e-6:  # a slip of 5% or more on a value that is not ~0 is caught
        assert wrong == [slip]
