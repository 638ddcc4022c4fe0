"""Where the class went wrong (`bpcheck grade FOLDER --mistakes`, `--mistakes-csv`): a generated class of
200 files with known injected mistakes must be counted exactly, in every output."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from bpcheck import load_exercise, solve

EX1 = solve(load_exercise("ex1"))
ANSWERED = ("a3", "y3", "a4", "y4", "a5", "y5", "E", "delta5", "delta3", "delta4", "dW13", "W13_new")


def mistaken(values: dict, name: str, kind: str) -> float:
    """The value a student writes who makes mistake ``kind`` on ``name``, upstream values exact."""
    exact = values[name]
    return {"sign-flip": -exact, "missing-half": 2 * exact, "rounded": float(f"{exact:.1g}"),
            "subtracted-update": values.get("W13", 0.0) - values.get("dW13", 0.0), "slip": exact * 1.9}[kind]


@pytest.fixture(scope="module")
def generated_class(tmp_path_factory):
    """200 files; each injected mistake is recorded, so that every count is known."""
    folder = tmp_path_factory.mktemp("class")
    rng = random.Random(12)
    values = EX1.values
    injected: dict[tuple[str, str], set[str]] = {}  # (mistake, quantity) -> files
    plan = [("delta5", "sign-flip"), ("E", "missing-half"), ("delta3", "rounded"), ("W13_new", "subtracted-update"),
            ("a4", "slip")]
    for index in range(200):
        answers = {name: values[name] for name in ANSWERED}
        for name, kind in plan:
            if rng.random() < 0.25:
                answers[name] = mistaken(values, name, kind)
                injected.setdefault((kind, name), set()).add(f"s{index:03d}.yaml")
        if rng.random() < 0.1:
            del answers["delta4"]
        # a4 slipped: y4, a5, y5, E ... follow from it (carried forward), and are counted so below
        path = folder / f"s{index:03d}.yaml"
        path.write_text("exercise: ex1\nanswers:\n" + "".join(f"  {k}: {v!r}\n" for k, v in answers.items()),
                        encoding="utf-8")
    (folder / "broken.yaml").write_text("exercise: ex1\nanswers: [\n", encoding="utf-8")
    return folder, injected


def test_every_injected_mistake_is_counted_exactly(cli, generated_class):
    folder, injected = generated_class
    result = cli("grade", folder, "--mistakes", "-f", "json")
    assert result.exit_code == 2  # broken.yaml: counted nowhere, reported in its row
    report = json.loads(result.stdout)["mistakes"]
    assert report["graded"] == 200
    counts = {m["mistake"]: (m["students"], m["quantities"]) for m in report["mistakes"]}
    assert counts["sign-flip"] == (len(injected["sign-flip", "delta5"]), ["delta5"])
    assert counts["missing-half"] == (len(injected["missing-half", "E"]), ["E"])
    assert counts["subtracted-update"] == (len(injected["subtracted-update", "W13_new"]), ["W13_new"])
    assert counts["rounded too early"] == (len(injected["rounded", "delta3"]), ["delta3"])
    # δ5's sign flipped sends the student's step uphill (the downhill check), and nothing else here does.
    assert counts["uphill-step"] == (len(injected["sign-flip", "delta5"]), ["downhill"])
    assert set(counts) == {"sign-flip", "uphill-step", "missing-half", "subtracted-update",
                           "rounded too early"}  # a slip names none
    by_quantity = {q["name"]: q for q in report["quantities"]}
    slipped = len(injected["slip", "a4"])
    assert (by_quantity["a4"]["correct"], by_quantity["a4"]["wrong"]) == (200 - slipped, slipped)
    assert by_quantity["delta5"]["wrong"] == len(injected["sign-flip", "delta5"])
    missing_delta4 = by_quantity["delta4"]["missing"]
    assert 0 < missing_delta4 < 60 and by_quantity["dE_dW13"]["missing"] == 200
    lost = [q["lost"] for q in report["quantities"]]
    assert lost == sorted(lost, reverse=True)
    examples = {m["mistake"]: m["example"] for m in report["mistakes"]}
    assert Path(examples["sign-flip"]).name in injected["sign-flip", "delta5"]


def test_the_text_report_and_the_csv_say_the_same(cli, generated_class, tmp_path):
    folder, injected = generated_class
    result = cli("grade", folder, "--mistakes", "--mistakes-csv", tmp_path / "m.csv")
    text = result.stdout
    assert "Where the class lost marks" in text and "Named mistakes" in text and "█" in text
    row = next(line for line in text.splitlines() if line.startswith("sign-flip "))
    assert f" {len(injected['sign-flip', 'delta5'])} " in row and "delta5" in row
    with open(tmp_path / "m.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mistakes = {row["mistake"]: row for row in rows if row["row"] == "mistake"}
    assert int(mistakes["missing-half"]["students"]) == len(injected["missing-half", "E"])
    quantity = next(row for row in rows if row["row"] == "quantity" and row["quantity"] == "delta5")
    assert (int(quantity["wrong"]), int(quantity["correct"])) == (len(injected["sign-flip", "delta5"]),
                                                                  200 - len(injected["sign-flip", "delta5"]))


def test_without_mistakes_the_reports_are_as_before(cli, generated_class):
    folder, _ = generated_class
    result = cli("grade", folder, "-f", "json")
    assert "mistakes" not in json.loads(result.stdout)
    assert "Named mistakes" not in cli("grade", folder).stdout
