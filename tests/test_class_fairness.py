"""Issue 17: is grading fair to a class? The class benchmarks/fairness.py generates (honest files in six
rounding styles, files with one injected mistake worked on from), graded as a course grades it.

The goals: no honest value named with a mistake; injected mistakes named right in at least RIGHT_FLOOR
of the files; the values worked on from a mistake named with no other mistake, and credited unless a
rule README states says otherwise. A small class runs in the default suite, the full 200 + 200 in CI.
Goals the grader misses today are marked LEAD, for the lead's grading change to flip; the cases below
them are the harness's own findings, one student each.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from helpers import sigmoid

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import fairness  # noqa: E402  (benchmarks/ is not a package)

from bpcheck import load_exercise, misconceptions  # noqa: E402
from bpcheck.solution import solve  # noqa: E402

LEAD = pytest.mark.xfail(strict=True, reason="issue 17: lead's grading change")
SEED = 17
SMALL, FULL = 28, 200  # students in each class: 28 is two of each exercise (about a second), 200 the issue's
# Over 16 seeds of 200 injected files (3,200 files) the grader named 3,189 mistakes right (99.7%), and
# no seed fewer than 198 of 200; every miss was other-numbers named in the right one's place (a value
# within 1% of the exercise's own by chance). 98% allows 4 such chances in 200 files, twice the worst seen.
RIGHT_FLOOR = 0.98
STYLES = {style.name: style for style in fairness.HONEST_STYLES + fairness.INJECTED_STYLES}

_measured: dict[int, fairness.Measured] = {}


def measured(students: int) -> fairness.Measured:
    if students not in _measured:  # one class of each size per run, shared by the goals
        _measured[students] = fairness.run(students, SEED)
    return _measured[students]


def both(*full_marks):
    return pytest.mark.parametrize("students", [
        pytest.param(SMALL, id=f"{SMALL}+{SMALL}"),
        pytest.param(FULL, id=f"{FULL}+{FULL}", marks=[pytest.mark.slow, *full_marks])])


# ---------------------------------------------------------------- the goals, on a class


@both()
def test_every_file_is_graded_as_its_students_variant(students):
    result = measured(students)
    assert result.errors == []
    assert len({mark.paper.sid for mark in result.honest}) == students
    assert len(fairness.judged(result)) == students


@both()
def test_misconceptions_offer_every_mistake_worked_by_hand_at_its_value(students):
    assert measured(students).cross_check == []


@both()
def test_three_or_more_significant_digits_are_always_credited(students):
    uncredited = [(mark.paper.course.label, mark.name, mark.paper.style) for mark in measured(students).honest
                  if mark.verdict not in fairness.CREDITED and not mark.paper.style.endswith("-2")]
    assert uncredited == []


@both(LEAD)
def test_no_honest_value_is_named_with_a_mistake(students):
    named = [(mark.paper.course.label, mark.name, mark.paper.style, mark.misconception)
             for mark in measured(students).honest if mark.misconception is not None]
    assert named == []


@both()
def test_injected_mistakes_are_named_right(students):
    figures = fairness.figures(measured(students))
    assert figures.injected_credited == 0
    assert figures.injected_right >= RIGHT_FLOOR * figures.injected_files


@both(LEAD)
def test_values_worked_on_from_a_mistake_are_not_named_with_another(students):
    named = [(mark.paper.course.label, mark.name, mark.misconception)
             for item in fairness.judged(measured(students)) for mark in item.others_named]
    assert named == []


@both(LEAD)
def test_values_worked_on_from_a_mistake_are_credited_unless_a_rule_says_otherwise(students):
    unexplained = [(mark.paper.course.label, mark.name, why) for item in fairness.judged(measured(students))
                   for mark, why in item.others_uncredited if why.startswith("unexplained")]
    assert unexplained == []


# ---------------------------------------------------------------- what the full class found, one student each


def graded(paper: fairness.Paper, folder: Path) -> dict[str, fairness.Marked]:
    errors: list[str] = []
    marks = fairness.grade_class(folder, [paper], errors)
    assert errors == []
    return {mark.name: mark for mark in marks}


def course(label: str, folder: Path) -> fairness.Course:
    return next(course for course in fairness.courses(folder) if course.label == label)


@LEAD
@pytest.mark.parametrize("label, sid, name, written", [
    ("ex1", "s050", "E", "0.018"),  # 0.017737 to 2 digits; ex1's own E is 0.018104
    ("new-2-3-1-relu", "s126", "W15_new", "0.50"),  # 0.50455 to 2 digits; the exercise's own is 0.49785
])
def test_a_value_rounded_to_two_digits_is_not_named_other_numbers(label, sid, name, written, tmp_path):
    paper = fairness.honest_paper(sid, course(label, tmp_path), STYLES["exact-2"])
    assert paper.answers[name] == written
    assert graded(paper, tmp_path / "class")[name].misconception is None


@LEAD
@pytest.mark.parametrize("label, sid, style, kind, name", [
    ("ex7", "s270", "exact", "after-pass-copied", "a5_after"),  # a5 = 1.0546; ex7's own a5_after is 1.0569
    ("ex5", "s378", "exact", "sign-at-output", "delta5"),  # 0.4570 flipped; ex5's own delta5 is 0.4559
    ("new-2-2-2-sigmoid", "s368", "worked-4", "sign-at-output", "delta5"),  # 0.09733; its own 0.09735
])
def test_a_mistake_is_named_for_itself_when_the_exercise_s_own_value_is_near(label, sid, style, kind, name,
                                                                              tmp_path):
    paper = fairness.injected_paper(sid, course(label, tmp_path), STYLES[style], kind, random.Random(SEED), [])
    item = fairness._judged(paper, graded(paper, tmp_path / "class"))
    assert item.heads[name].misconception == fairness.EXPECTED_ID[kind]
    assert [why for _, why in item.others_uncredited if why.startswith("unexplained")] == []


@LEAD
def test_a_value_carried_forward_is_not_named_other_numbers(tmp_path):
    """y - t for t - y in ex5, worked at 4 digits: a4_after = 0.3895 follows from the student's own
    flipped deltas, and is within 1% of ex5's own a4_after (0.3903)."""
    paper = fairness.injected_paper("s298", course("ex5", tmp_path), STYLES["worked-4"], "sign-at-output",
                                    random.Random(SEED), [])
    marks = graded(paper, tmp_path / "class")
    assert (paper.answers["a4_after"], marks["delta5"].misconception) == ("0.3895", "sign-flip")
    assert marks["a4_after"].misconception is None


# ---------------------------------------------------------------- the harness itself


@pytest.mark.parametrize("value, digits, text", [
    (0.5, 2, "0.50"), (-2.7e-05, 2, "-0.000027"), (123.4, 2, "120"), (0.0, 3, "0"), (0.755, 2, "0.76"),
    (-0.0026544890308, 4, "-0.002654"), (0.1 + 0.2, None, "0.30000000000000004"),
])
def test_numbers_are_written_as_a_student_writes_them(value, digits, text):
    assert fairness.number_text(value, digits) == text


def test_a_student_working_at_three_digits_works_from_their_own_rounded_values():
    """ex1: y3 = σ(0.755) and y4 = σ(0.68) are written 0.680 and 0.664, so a5 = 0.3·0.680 + 0.9·0.664 =
    0.8016, written 0.802, where the exact a5 = 0.80145 rounds to 0.801; then y5 = σ(0.802) = 0.690 and
    δ5 = 0.690·0.310·(0.5 - 0.690) = -0.04064."""
    graph = solve(load_exercise("ex1")).graph
    throughout = fairness.work(graph, STYLES["worked-3"])[0]
    rounded = fairness.work(graph, STYLES["exact-3"])[0]
    assert (throughout["y3"], throughout["y4"]) == (rounded["y3"], rounded["y4"]) == ("0.680", "0.664")
    assert (throughout["a5"], rounded["a5"]) == ("0.802", "0.801")
    assert throughout["y5"] == "0.690"
    assert (throughout["delta5"], rounded["delta5"]) == ("-0.0406", "-0.0407")


def test_the_wrong_values_are_worked_by_hand_from_the_tutorial_s_numbers():
    """ex1 (tutorial §13): y3 = σ(0.755), y4 = σ(0.68), a5 = 0.3·y3 + 0.9·y4, y5 = σ(a5), t5 = 0.5, η = 1."""
    solution = solve(load_exercise("ex1"))
    values, network = solution.values, solution.exercise.network
    y3, y4 = sigmoid(0.755), sigmoid(0.68)
    a5 = 0.3 * y3 + 0.9 * y4
    y5 = sigmoid(a5)
    delta5 = y5 * (1 - y5) * (0.5 - y5)
    delta3 = y3 * (1 - y3) * 0.3 * delta5
    expected = {
        "delta5": {"sign-flip": -delta5, "missing-activation-derivative": 0.5 - y5,
                   "preactivation-derivative": a5 * (1 - a5) * (0.5 - y5), "missing-output-error": y5 * (1 - y5),
                   "derivative-applied-twice": (y5 * (1 - y5)) ** 2 * (0.5 - y5)},
        "delta3": {"updated-weight-used": y3 * (1 - y3) * (0.3 + delta5 * y3) * delta5,
                   "missing-weight": y3 * (1 - y3) * delta5, "sign-flip": -delta3},
        "dW35": {"wrong-source-output": delta5 * y5, "missing-source-output": delta5, "missing-delta": y3},
        "W35_new": {"subtracted-update": 0.3 - delta5 * y3, "not-updated": 0.3, "missing-old-value": delta5 * y3},
        "a3": {"swapped-weight-indices": 0.1 * 0.35 + 0.4 * 0.9, "missing-input-term": 0.8 * 0.9},
        "E": {"missing-half": (0.5 - y5) ** 2},
    }
    for name, mistakes in expected.items():
        worked = fairness.hand_mistakes(solution.graph[name], network, values)
        for mistake, value in mistakes.items():
            assert any(i == mistake and v == pytest.approx(value, rel=1e-12) for i, v in worked), (name, mistake)


def test_the_cross_check_finds_a_wrong_candidate(monkeypatch):
    """A bug in misconceptions.py cannot hide itself: a change that forgets η where η is 1 and
    multiplies by the destination's output twice is reported at every change of the exercise."""
    solution = solve(load_exercise("ex1"))
    graph, network = solution.graph, solution.exercise.network
    assert [problem for q in graph for problem in fairness.cross_check(q, network, solution.values)] == []

    def wrong(quantity, network, values):
        right = quantity.evaluate(values)
        yield misconceptions.Candidate("wrong-source-output", right * values[f"y{quantity.unit}"] ** 2, lambda: "")

    monkeypatch.setitem(misconceptions._FINDERS, "dW", wrong)
    problems = [problem for q in graph for problem in fairness.cross_check(q, network, solution.values)]
    assert {problem.split(":")[0] for problem in problems} == {f"dW{pair}" for pair in ("13", "23", "14", "24", "35", "45")}
    assert any("wrong-source-output" in problem and "offered, not worked by hand" in problem for problem in problems)


@pytest.mark.parametrize("exercise", fairness.BUILT_IN)
def test_the_hand_and_misconceptions_agree_on_every_built_in_exercise(exercise):
    solution = solve(load_exercise(exercise))
    network = solution.exercise.network
    assert [problem for q in solution.graph for problem in fairness.cross_check(q, network, solution.values)] == []
