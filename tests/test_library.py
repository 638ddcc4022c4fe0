"""The library under the CLI: its API grades as the CLI does, and each idea lives in one place."""

from __future__ import annotations

import json

import pytest
from helpers import EX1_YAML

import bpcheck
from bpcheck.activations import ACTIVATIONS
from bpcheck.formulas import refs, written
from bpcheck.losses import LOSSES
from bpcheck.nodes import Ref
from bpcheck.quantities import Graph, Quantity

SOLUTION = bpcheck.solve(bpcheck.load_exercise("ex1"))


def test_grade_reads_every_spelling_an_answers_file_accepts():
    spelled = {"δ3": SOLUTION.values["delta3"], "W13'": SOLUTION.values["W13_new"],
               "dE/dW13": SOLUTION.values["dE_dW13"], "ΔW13": SOLUTION.values["dW13"], "o3": "0.68027",
               "y3'": SOLUTION.values["y3_after"], "E'": f"{SOLUTION.values['E_after']:.6g}"}
    result = bpcheck.grade(SOLUTION, spelled)
    credited = {r.name for r in result.values if r.verdict == "correct"}
    assert credited == {"delta3", "W13_new", "dE_dW13", "dW13", "y3", "y3_after", "E_after"}


@pytest.mark.parametrize("answers, words", [
    ({"delta_9": 1}, "'delta_9' is not a quantity of this exercise; did you mean delta5?"),
    ({"δ3": 1, "d3": 2}, "delta3 is given twice (as δ3 and as d3)"),
    ({"a3": "0,5,1"}, "a3: '0,5,1' is not a number"),
    ({"a3": "1,000"}, "a3: '1,000' could mean 1000 (a thousands separator) or 1.000 (a decimal comma)"),
    ({"a3": [0, 755]}, "a3: a list is not a number"),
])
def test_grade_raises_on_what_an_answers_file_may_not_hold(answers, words):
    """In a script a value that is not a number is a mistake to mend, not a student's slip to mark."""
    with pytest.raises(bpcheck.AnswersError) as raised:
        bpcheck.grade(SOLUTION, answers)
    assert words in str(raised.value)


def test_grade_reads_a_decimal_comma_as_an_answers_file_does_and_says_so():
    result = bpcheck.grade(SOLUTION, {"a3": "0,755", "delta3": "-2,654e-3"})
    a3, delta3 = (next(r for r in result.results if r.name == name) for name in ("a3", "delta3"))
    assert (a3.verdict, a3.given, a3.message, a3.hint) == ("correct", 0.755, "'0,755' was read as 0.755",
                                                           "'0,755' was read as 0.755")
    assert (delta3.verdict, delta3.given) == ("correct", -0.002654)
    assert delta3.message.endswith("'-2,654e-3' was read as -0.002654")


def test_the_core_grader_refuses_names_it_does_not_know():
    from bpcheck.grading import grade

    with pytest.raises(bpcheck.AnswersError, match="'δ3' is not a quantity"):
        grade(SOLUTION, {"δ3": 1.0})  # canonical names only: bpcheck.grade reads the spellings


def test_grade_takes_an_exercise_too_and_its_tolerance_can_be_overridden():
    exercise = bpcheck.load_exercise("ex1")
    loose = bpcheck.grade(exercise, {"y3": 0.7}, rtol=0.05)
    assert {r.name: r.verdict for r in loose.values}["y3"] == "correct"


def test_the_records_give_exactly_the_json_the_cli_prints(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML, encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text("exercise: hw.yaml\nstudent: Ada\nanswers:\n  a3: 0.755\n  y3: 0.7\n", encoding="utf-8")
    one = cli("grade", str(answers), "--format", "json")
    assert json.loads(one.stdout) == bpcheck.grade_file(answers).to_dict()
    many = cli("grade", str(tmp_path), "--format", "json", "--pass-mark", "1")
    assert json.loads(many.stdout) == bpcheck.grade_files([tmp_path]).to_dict(pass_mark=1)
    assert bpcheck.grade_files([tmp_path]).exercises_skipped == (str(exercise),)


def test_the_graph_refuses_a_value_read_before_it_is_defined():
    with pytest.raises(ValueError, match="a3 reads x1, not yet defined"):
        Graph([Quantity("a3", "forward", "a", Ref("x1"))])
    with pytest.raises(ValueError, match="x1 is defined twice"):
        Graph([Quantity("x1", "given", "x", given=1.0), Quantity("x1", "given", "x", given=2.0)])


def test_every_activation_is_in_the_finite_difference_oracle():
    """Adding an activation means adding its oracle case (CONTRIBUTING.md)."""
    from test_solver_oracle import ELEMENTWISE

    assert set(ACTIVATIONS) - {"softmax"} == set(ELEMENTWISE)
    for name, entry in ACTIVATIONS.items():
        low, high = entry.output_range
        assert low < high, name
        if entry.function is not None:
            assert low <= entry.function(0.3) <= high and low <= entry.function(-2.0) <= high, name


def test_every_loss_names_what_the_rest_of_bpcheck_reads():
    for name, loss in LOSSES.items():
        assert loss.name == name and loss.description
        form = loss.form(*((Ref(f"{letter}5"), Ref(f"{letter}6")) for letter in "tya"))
        assert set(refs(form)) >= {"t5", "t6", "y5", "y6"} and written(form)
        if loss.output_activation:
            assert loss.output_activation in ACTIVATIONS
