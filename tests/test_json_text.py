"""A value that is zero is written 0.0 in every JSON output, never -0.0 (report/json_text.py).

The exercise has a ReLU unit that is dead (a3 < 0, so delta3 = 0) and an input of 0: its gradients
dE_dW13, dE_dW23, dE_dW24 and dE_dW35 are -δ·o with a zero factor, which IEEE arithmetic makes -0.0.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import pytest

from bpcheck import load_exercise, solve
from bpcheck.report.json_text import dumps, unsigned_zeros

DEAD_RELU = """\
title: A dead ReLU unit and an input of 0
layers:
  - units: 2
  - units: 2
    activation: relu
  - units: 1
    activation: sigmoid
inputs: {x1: 0.5, x2: 0}
weights: {W13: -0.4, W23: 0.3, W14: 0.6, W24: -0.2, W35: 0.5, W45: 0.7}
targets: {t5: 0.9}
learning_rate: 1
"""
SIGNED = ("dE_dW13", "dE_dW23", "dE_dW24", "dE_dW35")


def negative_zeros(value, where: str = "") -> list[str]:
    """Where in a parsed JSON document a -0.0 is (json.loads reads '-0.0' as the float -0.0)."""
    if isinstance(value, float):
        return [where] if value == 0 and math.copysign(1.0, value) < 0 else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in negative_zeros(item, f"{where}/{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in negative_zeros(item, f"{where}/{index}")]
    return []


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dead.yaml").write_text(DEAD_RELU, encoding="utf-8")
    # A student who writes the zero gradient as -0.0 and -0, and a wrong value.
    (tmp_path / "a.yaml").write_text("exercise: dead.yaml\nanswers:\n  a3: -0.2\n  dE_dW13: -0.0\n  dE_dW23: -0\n"
                                     "  dE_dW35: 0.1\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("exercise: dead.yaml\nanswers:\n  a3: -0.2\n", encoding="utf-8")
    return tmp_path


def test_the_gradients_of_a_dead_relu_are_negative_zeros(folder):
    values = solve(load_exercise(str(folder / "dead.yaml"))).values
    assert [math.copysign(1.0, values[name]) for name in SIGNED] == [-1.0] * 4
    assert all(values[name] == 0 for name in SIGNED)


def json_outputs(cli, folder: Path) -> dict[str, str]:
    """Every JSON bpcheck prints or writes, on the exercise and its answers files."""
    outputs = {}
    for name, args in {"solve": ("solve", "dead.yaml", "--format", "json"),
                       "train": ("train", "dead.yaml", "--iterations", 3, "--format", "json"),
                       "gradcheck": ("gradcheck", "dead.yaml", "--format", "json"),
                       "grade": ("grade", "a.yaml", "--format", "json"),
                       "batch": ("grade", "a.yaml", "b.yaml", "--format", "json", "--mistakes")}.items():
        result = cli(*args)
        assert result.exit_code in (0, 1), result.output
        outputs[name] = result.stdout
    assert cli("grade", "a.yaml", "--gradescope", "results.json").exit_code == 1
    outputs["gradescope"] = (folder / "results.json").read_text(encoding="utf-8")
    assert cli("grade", "a.yaml", "--classroom", env={"GITHUB_OUTPUT": str(folder / "out")}).exit_code == 1
    line = (folder / "out").read_text(encoding="utf-8").strip()
    outputs["classroom"] = base64.b64decode(line.removeprefix("result=")).decode("utf-8")
    return outputs


def test_every_json_output_writes_a_zero_as_0_0(cli, folder):
    outputs = json_outputs(cli, folder)
    for name, text in outputs.items():
        assert negative_zeros(json.loads(text)) == [], name
        assert "-0.0," not in text and "-0.0\n" not in text and "-0.0}" not in text, name
    values = json.loads(outputs["solve"])["values"]
    assert all(values[name] == 0 and repr(values[name]) == "0.0" for name in SIGNED)
    assert '"dE_dW13": 0.0,' in outputs["solve"]
    checks = {check["parameter"]: check for check in json.loads(outputs["gradcheck"])["checks"]}
    assert (checks["W13"]["backprop"], checks["W13"]["verdict"]) == (0.0, "pass")
    results = {result["name"]: result for result in json.loads(outputs["grade"])["results"]}
    # The student's -0.0 and -0 are 0, the expected -0.0 is 0.0: and both are right.
    assert [(results[name]["given"], results[name]["expected"], results[name]["verdict"]) for name in
            ("dE_dW13", "dE_dW23")] == [(0.0, 0.0, "correct")] * 2
    assert '"given": 0.0' in outputs["grade"] and '"expected": 0.0' in outputs["grade"]
    batch = json.loads(outputs["batch"])
    assert [record["file"] for record in batch["files"]] == ["a.yaml", "b.yaml"]


def test_dumps_unsigns_zeros_at_any_depth_and_nothing_else():
    record = {"a": -0.0, "b": [0.0, -0.0, (1, -0.0)], "c": {"d": [{"e": -0.0}]}, "f": -1e-300, "g": "-0.0",
              "h": math.inf, "i": -math.inf, "j": False, "k": None, "l": 0}
    assert dumps(record) == ('{"a": 0.0, "b": [0.0, 0.0, [1, 0.0]], "c": {"d": [{"e": 0.0}]}, "f": -1e-300, '
                             '"g": "-0.0", "h": Infinity, "i": -Infinity, "j": false, "k": null, "l": 0}')
    assert math.isnan(unsigned_zeros([math.nan])[0])
    assert dumps({"name": "δ3"}) == '{"name": "δ3"}'  # UTF-8 as it is
    with pytest.raises(ValueError):
        dumps({"a": math.nan}, allow_nan=False)


def test_json_in_pieces_is_the_json_lines_text_and_its_newline(monkeypatch):
    """solve --format json is printed in pieces of _CHUNK lines: joined, they are json_lines's text and
    a last newline, byte for byte, wherever a piece ends (inside a dict, a list, at the end)."""
    from bpcheck.report import json_text

    record = {"exercise": "ex1", "values": {"y3": 0.5, "W13": -0.0}, "quantities": [{"name": "y3"}, 1.5, "a"],
              "asked": [], "empty": {}, "last": None}
    whole = json_text.json_lines(record) + "\n"
    assert whole.count("\n") == 15 and '"W13": 0.0\n' in whole
    for size in (1, 2, 3, 7, 100):
        monkeypatch.setattr(json_text, "_CHUNK", size)
        pieces = list(json_text.json_chunks(record))
        assert "".join(pieces) == whole and all(piece.endswith("\n") for piece in pieces)
        assert len(pieces) == -(-15 // size)  # no piece of its own for the newline alone
