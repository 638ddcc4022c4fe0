"""What several test files share: bpcheck's command line under the house environment (tests/conftest.py
hands it out as the `cli` fixture), the tutorial's network as YAML, the reference sigmoid, the contract
for bad input, and what Classroom 50 accepts of a result.json. (tests/conftest.py holds the Hypothesis
profiles; this module is imported by name, as pytest puts the tests folder on the path.)"""

from __future__ import annotations

import math
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bpcheck.network import weight_name

ROOT = Path(__file__).resolve().parent.parent

# The environment every CLI test runs in, whatever the shell or CI runner that starts pytest holds: no
# colour and no terminal tricks, lines wide enough that no table wraps, and none of the variables that make
# `grade` write GitHub annotations, side files or a Classroom 50 result. None unsets a variable.
HOUSE_ENV: dict[str, str | None] = {
    "COLUMNS": "250", "NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None,
    "GITHUB_ACTIONS": None, "GITHUB_OUTPUT": None, "GITHUB_STEP_SUMMARY": None,
    "CLASSROOM": None, "ASSIGNMENT": None, "SUBMISSION_TAG": None, "COMMIT_URL": None, "RELEASE_URL": None,
    "REVIEW_URL": None,
}


def _argument(arg) -> str:
    """A command-line word: paths (str, bytes or Path) as the file system names them, numbers as text."""
    return os.fsdecode(arg) if isinstance(arg, (bytes, os.PathLike)) else str(arg)


class Cli:
    """bpcheck's command line under HOUSE_ENV, changed by ``env``.

    ``cli("solve", "ex1")`` runs it in-process (Click's CliRunner) and returns the click Result:
    ``.exit_code``, ``.stdout`` and ``.stderr`` apart, ``.output`` both. Arguments may be paths or numbers;
    ``input=`` is standard input, ``env=`` changes the environment (None unsets), ``cwd=`` the folder it
    runs in. An exception other than SystemExit is raised, not returned: a traceback is never an answer.

    ``cli.process(...)`` runs ``python -m bpcheck`` as a real process (subprocess.run, text, captured) for
    what CliRunner cannot show: signals, a closed stdin, a pseudo-terminal, the interpreter's start-up.
    ``cli.popen(...)`` starts one; ``cli.environ(env)`` is the environment either gives the process."""

    def __init__(self, env: dict[str, str | None] | None = None):
        self.env = {**HOUSE_ENV, **(env or {})}

    def with_env(self, **env: str | None) -> Cli:
        """The same command line with ``env`` changed, for a file whose every test needs it."""
        return Cli({**self.env, **env})

    def __call__(self, *args, input: str | bytes | None = None, env: dict[str, str | None] | None = None,
                 cwd: str | os.PathLike | None = None):
        from click.testing import CliRunner

        from bpcheck.cli import main

        before = os.getcwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            result = CliRunner().invoke(main, [_argument(arg) for arg in args], input=input,
                                        env={**self.env, **(env or {})}, prog_name="bpcheck")
        finally:
            os.chdir(before)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def environ(self, env: dict[str, str | None] | None = None) -> dict[str, str]:
        """os.environ changed by the house environment and ``env`` (None unsets), with this checkout's
        bpcheck first on the import path, for a real process."""
        merged = {**os.environ, **self.env, "PYTHONPATH": str(ROOT), **(env or {})}
        return {key: value for key, value in merged.items() if value is not None}

    def process(self, *args, env: dict[str, str | None] | None = None, timeout: float = 60,
                python: tuple[str, ...] = (), **options) -> subprocess.CompletedProcess:
        """``python [PYTHON...] -m bpcheck ARGS`` run to its end; ``options`` go to subprocess.run."""
        return subprocess.run(self.argv(*args, python=python), env=self.environ(env), timeout=timeout,
                              capture_output=True, text=True, encoding="utf-8", **options)

    def popen(self, *args, env: dict[str, str | None] | None = None, **options) -> subprocess.Popen:
        """``python -m bpcheck ARGS`` started; ``options`` (stdin, stdout, cwd ...) go to subprocess.Popen."""
        return subprocess.Popen(self.argv(*args), env=self.environ(env), **options)

    @staticmethod
    def argv(*args, python: tuple[str, ...] = ()) -> list[str]:
        return [sys.executable, *python, "-m", "bpcheck", *(_argument(arg) for arg in args)]

# exercises/ex1.yaml's network, to add 'asked:', 'tolerance:', 'points:' ... to.
EX1_YAML = """\
title: the tutorial's network
layers: [2, 2, 1]
activation: sigmoid
inputs: {x1: 0.35, x2: 0.9}
weights: {W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9}
targets: {t5: 0.5}
learning_rate: 1
"""


# A 1-1 linear unit with a bias, y = w·x + b, and three examples: a dataset small enough to train by hand
# (tests/test_training.py works its steps out).
LINEAR_DATASET_YAML = """\
title: three examples
layers: [1, {units: 1, activation: linear}]
weights: {W12: 0.5}
biases: {b2: 0}
examples:
  - {inputs: {x1: 1}, targets: {t2: 2}}
  - {inputs: {x1: 2}, targets: {t2: 3}}
  - {inputs: {x1: 3}, targets: {t2: 5}}
learning_rate: 0.1
"""


def assert_bad_input_line(result, prefix: str, words) -> str:
    """The CLI's contract for bad input: exit 2, nothing on stdout, one line on stderr starting
    'bpcheck: ' + ``prefix`` (a location such as 'file:line:column: '), saying what is wrong and what
    to do, holding each of ``words``. Returns the message without 'bpcheck: '."""
    assert "Traceback" not in result.output
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"bpcheck: {prefix}"), f"expected {prefix!r} in {result.stderr!r}"
    message = result.stderr[len("bpcheck: "):].rstrip("\n")
    what, _, todo = message.partition("; ")
    assert what and todo, f"the message must say what is wrong and what to do: {message!r}"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def network_yaml(sizes, seed: int = 0, activation: str = "sigmoid") -> str:
    """A fully connected network of layer ``sizes`` with two-decimal numbers, units numbered across layers."""
    rng = random.Random(seed)
    layers, first = [], 1
    for size in sizes:
        layers.append(range(first, first + size))
        first += size
    weights = {weight_name(s, d): rng.choice([-1, 1]) * rng.randint(1, 99) / 100
               for depth in range(1, len(layers)) for d in layers[depth] for s in layers[depth - 1]}
    return yaml.safe_dump({"layers": list(sizes), "activation": activation,
                           "inputs": {f"x{u}": rng.randint(1, 99) / 100 for u in layers[0]},
                           "weights": weights, "targets": {f"t{u}": rng.randint(10, 90) / 100 for u in layers[-1]},
                           "learning_rate": 0.5})


def slipped_answers(solution, rng: random.Random) -> dict[str, float]:
    """The asked values at 4 significant digits, about a quarter of them slipped (negated, halved, doubled,
    5 % off or 0): answers that make the grader search for carried-forward credit."""
    answers = {}
    for name in solution.asked:
        value = solution.values[name]
        if rng.random() < 0.25:
            value *= rng.choice([-1.0, 0.5, 1.05, 0.0, 2.0])
        answers[name] = float(f"{value:.4g}")
    return answers


def fastest(work, runs: int) -> float:
    """The fastest of ``runs`` runs of ``work()``, in seconds: a busy moment in one run does not count."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def sigmoid(a: float) -> float:
    """The reference logistic function the tests compute by hand with, written apart from bpcheck's:
    1/(1 + e^-a), or e^a/(1 + e^a) for negative a, so that e^-a cannot overflow."""
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    return math.exp(a) / (1.0 + math.exp(a))


def worked(solution, *, digits: int | None = None, flip_output_deltas: bool = False,
           values: dict[str, float] | None = None) -> dict[str, float]:
    """Every asked value as a student works it, each from their own earlier values as they wrote them:
    rounded to ``digits`` significant digits when written (so later values are worked from the rounded
    ones: "2 digits throughout"), with the output deltas' sign flipped (y - t where the convention says
    t - y) if asked, and from ``values`` for the givens (another exercise's numbers: a copy) if given."""
    known = dict(values or solution.values)
    for quantity in solution.graph:
        if quantity.compute is None:
            continue
        value = quantity.evaluate(known)
        if flip_output_deltas and quantity.kind == "delta" and quantity.unit in solution.exercise.network.output_units:
            value = -value
        known[quantity.name] = float(f"{value:.{digits}g}") if digits else value
    return {name: known[name] for name in solution.asked}


def runner_refuses(result: dict, classroom: str = "nn-2026", assignment: str = "hw1") -> list[str]:
    """What Classroom 50's runner and score collector refuse in a result.json (foundation50/classroom50:
    runner.py's validate_result, collect_scores.py's, and the wiki's contract), written apart from
    bpcheck: each problem found, none for a result they take."""
    problems = []
    if result.get("schema") != "classroom50/result/v1":
        problems.append("schema")
    problems += [field for field, want in (("classroom", classroom), ("assignment", assignment)) if result.get(field) != want]
    problems += [field for field in ("submission", "commit", "release", "review", "datetime")
                 if not isinstance(result.get(field), str) or not result[field]]
    if not str(result.get("submission", "")).startswith("submit/"):
        problems.append("submission is no submit/ tag")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(result.get("datetime"))):
        problems.append("datetime is not UTC ISO 8601")

    def whole(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if not whole(result.get("score")) or not whole(result.get("max-score")) or result["score"] > result["max-score"]:
        problems.append("score / max-score")
    tests = result.get("tests")
    if not isinstance(tests, list):
        return [*problems, "tests"]
    for index, test in enumerate(tests):
        if not isinstance(test.get("test-name"), str) or not test["test-name"] or not isinstance(test.get("passed"), bool):
            problems.append(f"tests[{index}] name or passed")
        if not whole(test.get("score")) or not whole(test.get("max-score")) or test["score"] > test["max-score"]:
            problems.append(f"tests[{index}] score")
    if len({test.get("test-name") for test in tests}) != len(tests):
        problems.append("test names repeat")
    if tests and (sum(t["score"] for t in tests), sum(t["max-score"] for t in tests)) != (result["score"],
                                                                                          result["max-score"]):
        problems.append("totals are not the tests' sums")
    return problems


# One student's answers to ex1: some right, delta5 with its sign flipped, the rest missing.
ANN_ANSWERS = """\
exercise: ex1
student: Ann Lee
answers:
  a3: 0.755
  y3: 0.6803
  E: 0.0181
  delta5: 0.04068
"""


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of #rgb or #rrggbb."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(2 * char for char in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2.x contrast ratio, from 1 to 21."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def practice_summary(output: str) -> dict[str, list[str]]:
    """A practice session's closing lists: right, carried forward, wrong, missing (names without their
    mistakes)."""
    import re

    found = {}
    for title in ("right", "carried forward", "wrong", "missing"):
        match = re.search(rf"^  {title}: (.*)$", output, flags=re.M)
        found[title] = [name.split(" (")[0] for name in match.group(1).split(", ")] if match else []
    return found
