"""Every count a report writes agrees with its noun and verb: 0 files, 1 file, 2 files; 1 sits, 2 sit
(numbers.counted and numbers.for_count), in gradcheck, train, practice, the class summary and the CI
reports."""

from __future__ import annotations

import re

import pytest

from bpcheck import grade, load_exercise, solve
from bpcheck.batch import Outcome
from bpcheck.classreport import class_mistakes
from bpcheck.gradcheck import FAIL, KINK, PASS, Check
from bpcheck.grading import CREDITED
from bpcheck.numbers import counted, for_count, number_formatter
from bpcheck.practice import Intro
from bpcheck.report.ci import SUMMARY_LIMIT, step_summary, workflow_annotations
from bpcheck.report.grades import class_sections, summary_section
from bpcheck.report.practice_text import intro_lines
from bpcheck.report.training import gradcheck_summary
from bpcheck.training import loss_behaviour


@pytest.mark.parametrize(("count", "text", "verb"), [(0, "0 files", "sit"), (1, "1 file", "sits"), (2, "2 files", "sit")])
def test_a_count_takes_the_singular_for_one_only(count, text, verb):
    assert counted(count, "file") == text
    assert for_count(count, "sits", "sit") == verb
    assert counted(count, "mouse", "mice") == f"{count} {'mouse' if count == 1 else 'mice'}"


# ---------------------------------------------------------------- gradcheck

AGREE = "(a relative difference of at most 1e-05, or less than rounding in E can show)"


@pytest.mark.parametrize(("verdicts", "summary"), [
    ([PASS], f"1 of 1 gradient agrees {AGREE}."),
    ([PASS, PASS], f"2 of 2 gradients agree {AGREE}."),
    ([KINK], f"0 of 1 gradient agree {AGREE}; 1 sits on a ReLU or softsign kink."),
    ([PASS, KINK, KINK], f"1 of 3 gradients agrees {AGREE}; 2 sit on a ReLU or softsign kink."),
    ([FAIL], f"0 of 1 gradient agree {AGREE}; 1 does not."),
    ([PASS, PASS, KINK, FAIL, FAIL], f"2 of 5 gradients agree {AGREE}; 1 sits on a ReLU or softsign kink; 2 do not."),
])
def test_the_gradcheck_summary_counts_in_words_that_agree(verdicts, summary):
    assert gradcheck_summary([Check(f"W{i}", 0.5, 0.5, 0.0, verdict) for i, verdict in enumerate(verdicts)]) == summary


KINKS = """\
title: ReLU units on their kink
layers:
  - units: {inputs}
  - units: 1
    activation: relu
  - units: 1
    activation: linear
inputs: {{{inputs_given}}}
weights: {{{weights}}}
targets: {{t{output}: 1}}
learning_rate: 0.5
"""


@pytest.mark.parametrize(("inputs", "summary"), [
    (1, f"1 of 2 gradients agrees {AGREE}; 1 sits on a ReLU or softsign kink."),
    (2, f"1 of 3 gradients agrees {AGREE}; 2 sit on a ReLU or softsign kink."),
])
def test_bpcheck_gradcheck_says_1_sits_and_2_sit(cli, tmp_path, inputs, summary):
    # Every weight into the ReLU is 0, so its pre-activation is 0: each such weight sits on the kink.
    hidden, output = inputs + 1, inputs + 2
    path = tmp_path / "kinks.yaml"
    path.write_text(KINKS.format(inputs=inputs, inputs_given=", ".join(f"x{i}: 1" for i in range(1, inputs + 1)),
                                 weights=", ".join([f"W{i}{hidden}: 0" for i in range(1, inputs + 1)]
                                                   + [f"W{hidden}{output}: 0.5"]), output=output), encoding="utf-8")
    result = cli("gradcheck", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == summary


# ---------------------------------------------------------------- train


@pytest.mark.parametrize("iterations", [1, 2])
def test_bpcheck_train_counts_updates_and_iterations(cli, iterations):
    result = cli("train", "ex1", "--iterations", iterations, "--until", 0.0181)
    assert result.exit_code == 0, result.output
    updates = "1 update" if iterations == 1 else "2 updates"
    assert f"{'1 iteration' if iterations == 1 else '2 iterations'}, η = 1, plain gradient descent, full batch " \
           "(1 example)" in result.stdout
    assert re.search(rf"^E after {updates} +0\.01", result.stdout, flags=re.M)
    assert re.search(r"^E below 0\.0181 +after 1 update$", result.stdout, flags=re.M)  # E(1) = 0.01657
    assert f"Mean |δ| per layer after {updates}\n" in result.stdout
    assert "1 updates" not in result.stdout and "1 iterations" not in result.stdout


@pytest.mark.parametrize(("loss", "sentence"), [
    ([1.0, 2.0], "diverges: E rose on 1 of 1 iteration and ends no lower than it began; η is too large"),
    ([1.0, 2.0, 3.0], "diverges: E rose on 2 of 2 iterations and ends no lower than it began; η is too large"),
    ([1.0, 2.0, 0.5], "oscillates: E rose on 1 of 2 iterations, overshooting the minimum; it ends lower than it began"),
])
def test_how_the_loss_behaved_counts_iterations(loss, sentence):
    assert loss_behaviour(loss).sentence == sentence


# ---------------------------------------------------------------- practice


@pytest.mark.parametrize(("right", "line"), [(1, "Resuming: 1 of 35 values is already right; 34 to go."),
                                             (2, "Resuming: 2 of 35 values are already right; 33 to go.")])
def test_practice_resuming_counts_the_values_right(right, line):
    lines = intro_lines(Intro((), 35 - right, right), "ex1", "full", "ex1-answers.yaml", number_formatter(4))
    assert ("", line) in lines


# ---------------------------------------------------------------- the class summary and class report


def outcomes(count: int) -> list[Outcome]:
    solution = solve(load_exercise("ex1"))
    return [Outcome(f"s{i}.yaml", grade=grade(solution, {"a3": 0.755})) for i in range(count)]


@pytest.mark.parametrize(("count", "files"), [(1, "1 file"), (2, "2 files")])
def test_the_class_summary_and_report_count_files(count, files):
    assert summary_section(outcomes(count), None).notes[0] == f"{files}: 0 passed, {count} did not, 0 could not be read."
    quantities = class_sections(class_mistakes(outcomes(count)))[0]
    assert quantities.notes[0].startswith(f"{files} graded; ")


# ---------------------------------------------------------------- CI reports


def outcome_with_errors(errors: int) -> Outcome:
    """ex1 graded with every asked value right but ``errors`` of them (left out, so missing)."""
    solution = solve(load_exercise("ex1"))
    values = list(solution.asked)
    for given in range(len(values) + 1):
        graded = grade(solution, {name: solution.values[name] for name in values[:given]})
        if sum(result.verdict not in CREDITED for result in graded.results) == errors:
            return Outcome("a.yaml", grade=graded)
    raise AssertionError(f"no way to leave {errors} errors")


@pytest.mark.parametrize(("errors", "notice"), [(11, "1 more wrong or missing value not annotated"),
                                                (12, "2 more wrong or missing values not annotated")])
def test_annotations_count_the_values_left_out(errors, notice):
    lines = workflow_annotations([outcome_with_errors(errors)])
    assert len(lines) == 11 and lines[-1].startswith("::notice title=bpcheck::" + notice + " (GitHub shows 10")


@pytest.mark.parametrize(("filler", "dropped"), [(SUMMARY_LIMIT - 2055, "1 more line"),
                                                 (SUMMARY_LIMIT - 2054, "2 more lines")])
def test_the_step_summary_counts_the_lines_left_out(filler, dropped):
    # Lines '# h', '', filler, '', last: the cut at SUMMARY_LIMIT - 2048 bytes falls before the last
    # line, or before the blank line and the last line.
    text = step_summary(["x" * filler, "y" * 2000], "h")
    assert text.endswith(f"\n\n… {dropped} left out (GitHub's summary holds 1 MiB).\n")
