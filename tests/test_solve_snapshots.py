"""Every formula's text and every value, byte for byte and bit for bit, as they were before the formulas
became one tree each (issue 18): for every built-in, the training examples, both optimizers, a variant,
and exercises that reach every activation, loss, convention, bias and frozen parameter.

The snapshots in tests/snapshots/ were written by the solver as it was; a change that alters any of
them must be deliberate. To write them anew (only for such a change, and say so in the commit):
    BPCHECK_WRITE_SNAPSHOTS=1 python -m pytest tests/test_solve_snapshots.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter
from bpcheck.variants import make_variant

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
WRITE = bool(os.environ.get("BPCHECK_WRITE_SNAPSHOTS"))

# Exercises that together reach softsign, relu and linear units, output_minus_target, biases and frozen
# parameters, beside the built-ins (sigmoid, tanh, softmax with cross-entropy).
EXTRA = {
    "softsign-linear-minus": """\
title: softsign, a linear output, the other convention
layers: [2, {units: 2, activation: softsign}, {units: 1, activation: linear}]
inputs: {x1: 0.5, x2: -0.25}
weights: {W13: 0.3, W23: -0.6, W14: 0.45, W24: 0.2, W35: -0.7, W45: 0.55}
biases: {b3: 0.1, b5: -0.05}
targets: {t5: 0.4}
learning_rate: 0.3
convention: output_minus_target
""",
    "relu-frozen": """\
title: relu hidden units, a frozen weight
layers: [2, {units: 3, activation: relu}, 2]
inputs: {x1: 0.8, x2: 0.35}
weights: {W13: 0.5, W23: 0.25, W14: -0.4, W24: 0.9, W15: 0.15, W25: 0.6,
          W36: 0.7, W46: -0.3, W56: 0.45, W37: -0.2, W47: 0.65, W57: 0.1}
biases: {b3: 0.05, b4: 0.1, b6: -0.15}
frozen: [W13, b4]
targets: {t6: 0.3, t7: 0.8}
learning_rate: 0.8
""",
    "readme-example": None,  # the manual's complete example, read from docs/reference/exercise-format.md
}
CASES = [*(f"ex{n}" for n in range(1, 9)), "examples/training/xor.yaml", "examples/training/momentum.yaml",
         "examples/training/adam.yaml", "ex1 --optimizer momentum,beta=0.9", "ex3 --optimizer adam",
         "ex5 --variant alice", "ex2 --variant s0042", *EXTRA]
FORMATS = ("text", "markdown", "latex")  # JSON: its values and formulas are the quantities snapshot


def readme_example() -> str:
    page = (ROOT / "docs" / "reference" / "exercise-format.md").read_text(encoding="utf-8")
    return page.split("A complete example, with every key:\n\n```yaml\n", 1)[1].split("```", 1)[0]


def case_exercise(case: str, folder: Path) -> tuple[str, list[str]]:
    """The exercise argument and the options of a case, writing an extra exercise into ``folder``."""
    spec, *options = case.split()
    if case in EXTRA:
        path = folder / f"{case}.yaml"
        path.write_text(EXTRA[case] or readme_example(), encoding="utf-8")
        spec = str(path)
    elif "/" in spec:
        spec = str(ROOT / spec)
    return spec, options


def loaded(spec: str, options: list[str]):
    exercise = load_exercise(spec)
    if options[:1] == ["--variant"]:
        exercise = make_variant(exercise, options[1])
    if options[:1] == ["--optimizer"]:
        from bpcheck.network import OPTIMIZER_SETTINGS, Optimizer

        name, *pairs = options[1].split(",")
        settings = {**OPTIMIZER_SETTINGS[name], **{k: float(v) for k, v in (pair.split("=") for pair in pairs)}}
        exercise = exercise._replace(network=exercise.network._replace(optimizer=Optimizer(name, settings)))
    return exercise


def quantities(solution) -> list[dict]:
    values = solution.values
    return [{"name": q.name, "stage": q.stage, "kind": q.kind, "inputs": list(q.inputs), "symbolic": q.symbolic,
             **{f"with numbers at {p}": q.substituted(values, number_formatter(p)) for p in (4, 17)},
             "value": values[q.name].hex()} for q in solution.graph]


def snapshot_name(case: str) -> str:
    return case.replace("examples/training/", "").replace(".yaml", "").replace(" --", "-").replace(",", "-") \
        .replace("=", "").replace(" ", "-")


def compare(path: Path, actual: str) -> None:
    if WRITE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs from its snapshot"


@pytest.mark.parametrize("case", CASES)
def test_every_formula_and_value_is_unchanged(case, tmp_path):
    spec, options = case_exercise(case, tmp_path)
    solution = solve(loaded(spec, options))
    text = json.dumps(quantities(solution), indent=1, ensure_ascii=False) + "\n"
    compare(SNAPSHOTS / f"{snapshot_name(case)}.quantities.json", text)


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_every_solve_format_is_unchanged(cli, case, output_format, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec, options = case_exercise(case, tmp_path)
    result = cli("solve", spec, *options, "--format", output_format, env={"COLUMNS": "100"})  # the snapshots' width
    assert result.exit_code == 0, result.output
    compare(SNAPSHOTS / f"{snapshot_name(case)}.{output_format}", result.stdout.replace(str(tmp_path), "TMP"))


@pytest.mark.parametrize("case", CASES)
def test_compiled_and_walked_evaluations_agree_to_the_last_bit(case, tmp_path):
    """One formula, three ways to compute it: the tree walked (solve), each quantity's compiled function
    (the grader's re-evaluations), and the whole step as one generated function (train, gradcheck)."""
    from bpcheck.training import Program

    spec, options = case_exercise(case, tmp_path)
    solution = solve(loaded(spec, options))
    values = solution.values
    program = Program(solution.graph, solution.graph.names())
    stepped = program.run()
    for quantity in solution.graph:
        assert stepped[program.slot[quantity.name]].hex() == values[quantity.name].hex(), quantity.name
        if quantity.form is not None:
            assert quantity.evaluate(values).hex() == values[quantity.name].hex(), quantity.name
