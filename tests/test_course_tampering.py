"""Course mode against tampering, as a hostile student and a careful instructor would try it: gaming
`--exercise` and `--variant`, reading expected values out of `--feedback hint|verdict|score`, variants
(determinism, the manual's algorithm, the number rules, hostile `variants:` specs) and `bpcheck new`.

Expected values come from `bpcheck solve ... --format json`; the manual's variant algorithm (docs/instructors/variants.md) is re-implemented
here from its text alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import EX1_YAML, Cli, assert_bad_input_line

from bpcheck import load_exercise, solve
from bpcheck.variants import make_variant

CREDITED = ("correct", "carried_forward")
# The course's exercise: settings a student would like to change.
PINNED = EX1_YAML + "points: {y5: 3}\ntolerance: {rtol: 0.02}\nasked: [forward, loss]\nfeedback: hint\n"
PINNED_ASKED = ["a3", "y3", "a4", "y4", "a5", "y5", "E"]
EVE = {"a3": 0.755, "y5": 0.5}  # a3 right; y5 wrong (0.6903), right only under rtol 0.99


def solved(cli, *args) -> dict:
    return json.loads(cli("solve", *args, "--format", "json").stdout)["values"]


def answers(path: Path, exercise: str | None, values: dict, variant: str | None = None) -> Path:
    head = ([f"exercise: {exercise}"] if exercise is not None else []) + ([f"variant: {variant}"] if variant else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head + ["answers:"] + [f"  {k}: {v!r}" for k, v in values.items()]) + "\n")
    return path


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course").mkdir()
    (tmp_path / "subs").mkdir()
    (tmp_path / "course/hw1.yaml").write_text(PINNED)
    return tmp_path


# ---------------------------------------------------------------- 1. gaming --exercise and --variant

EVIL = {"points": PINNED.replace("{y5: 3}", "{y5: 87}"), "tolerance": PINNED.replace("0.02", "0.99"),
        "asked": PINNED.replace("[forward, loss]", "[a3]"), "network": PINNED.replace("W13: 0.1", "W13: 0.2"),
        "feedback": PINNED.replace("feedback: hint", "feedback: full").replace("0.02", "0.99")}


def grade_eve(cli, spec: str | None, *extra):
    answers(Path("subs/eve.yaml"), spec, EVE)
    return cli("grade", "subs/eve.yaml", "--exercise", "course/hw1.yaml", "--format", "json", *extra)


def assert_pinned_grade(result, feedback="hint"):
    assert result.exit_code == 1, result.output
    record = json.loads(result.stdout)
    assert (record["tolerance"]["rtol"], record["max_score"], record["score"]) == (0.02, 9.0, 1.0)
    assert [r["name"] for r in record["results"]] == PINNED_ASKED
    assert record["feedback"] == feedback and record["exercise_file"] == "course/hw1.yaml"
    return record


@pytest.mark.parametrize("how", ["beside", "absolute", "outside", "symlink"])
@pytest.mark.parametrize("change", sorted(EVIL))
def test_own_exercise_is_graded_as_pinned_and_flagged(cli, course, how, change):
    target = course / ("outside" if how == "outside" else "subs") / "mine.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(EVIL[change])
    spec = {"beside": "mine.yaml", "absolute": str(target), "outside": "../outside/mine.yaml",
            "symlink": "link.yaml"}[how]
    if how == "symlink":
        (course / "subs/link.yaml").symlink_to(target)
    assert_graded_as_pinned_and_flagged(grade_eve(cli, spec), spec)


def assert_graded_as_pinned_and_flagged(result, spec: str):
    """Issue 17: another exercise named is no way round the pinned one, and no zero either: the file is
    graded against the pinned exercise, with a flag at its exercise: line."""
    record = assert_pinned_grade(result)
    (flag,) = record["flags"]
    assert (flag["kind"], flag["line"]) == ("other-exercise", 1)
    assert flag["message"] == (f"exercise: {spec} is not the exercise being graded, course/hw1.yaml; it was "
                               "graded against course/hw1.yaml")


@pytest.mark.parametrize("spec", ["ex2", "ex1", "/etc/passwd", "/dev/zero", "hw2.yaml", ".", "subs"])
def test_other_names_are_graded_as_pinned_and_flagged(cli, course, spec):
    assert_graded_as_pinned_and_flagged(grade_eve(cli, spec), spec)


@pytest.mark.parametrize("how", ["none", "relative", "absolute", "cwd", "missing-same-stem", "symlink", "copy",
                                 "crlf", "title", "instructions"])
def test_the_pinned_exercise_under_any_name_is_graded_as_pinned(cli, course, how):
    text = {"crlf": PINNED.replace("\n", "\r\n"), "title": PINNED.replace("title: the", "title: my copy of the"),
            "instructions": PINNED + "instructions: work it by hand\n"}.get(how, PINNED)
    (course / "subs/copy.yaml").write_text(text, newline="")
    (course / "subs/link.yaml").symlink_to(course / "course/hw1.yaml")
    spec = {"none": None, "relative": "../course/hw1.yaml", "absolute": str(course / "course/hw1.yaml"),
            "cwd": "course/hw1.yaml", "missing-same-stem": "hw1.yaml", "symlink": "link.yaml"}.get(how, "copy.yaml")
    assert_pinned_grade(grade_eve(cli, spec))


def test_a_copy_saying_feedback_full_still_gets_the_pinned_level(cli, course):
    (course / "subs/copy.yaml").write_text(PINNED.replace("feedback: hint", "feedback: full"))
    result = grade_eve(cli, "copy.yaml")
    if result.exit_code != 2:
        assert "expected" not in json.dumps(assert_pinned_grade(result))


@pytest.mark.parametrize("written", ["alice", "Alice", " ALICE ", None])
def test_the_pinned_variant_under_any_spelling(cli, course, written):
    values = {"a3": solved(cli, "course/hw1.yaml", "--variant", "alice")["a3"]}
    answers(Path("subs/eve.yaml"), "course/hw1.yaml", values, variant=written and f"'{written}'")
    result = cli("grade", "subs/eve.yaml", "-e", "course/hw1.yaml", "--variant", "ALICE", "--format", "json")
    record = json.loads(result.stdout)
    assert (record["variant"], record["score"], record["max_score"]) == ("alice", 1.0, 9.0)


@pytest.mark.parametrize("other", ["bob", "alice2", "Àlice"])
def test_another_variant_is_graded_as_the_pinned_one_and_flagged(cli, course, other):
    alice = solved(cli, "course/hw1.yaml", "--variant", "alice")
    theirs = solved(cli, "course/hw1.yaml", "--variant", other)
    answers(Path("subs/eve.yaml"), "course/hw1.yaml", {name: theirs[name] for name in PINNED_ASKED}, variant=other)
    result = cli("grade", "subs/eve.yaml", "-e", "course/hw1.yaml", "--variant", "alice", "--format", "json")
    record = json.loads(result.stdout)
    assert (result.exit_code, record["variant"]) == (1, "alice")
    assert record["flags"] == [{"kind": "other-variant", "line": 2, "message": f"variant: {other} is not the "
                                "variant being graded, alice (--variant); it was graded as alice"}]
    # the other variant's numbers earn nothing where alice's differ from them
    verdicts = {r["name"]: r["verdict"] for r in record["results"]}
    assert all(verdicts[name] == "wrong" for name in ("a3", "a4") if not math.isclose(alice[name], theirs[name],
                                                                                     rel_tol=0.02))


def test_a_student_cannot_hide_another_students_row(cli, course):
    answers(course / "subs/bob.yaml", "course/hw1.yaml", {"a3": 0.755})
    answers(course / "subs/eve.yaml", "bob.yaml", EVE)
    result = cli("grade", "subs", "-e", "course/hw1.yaml", "--format", "json")
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"bob.yaml", "eve.yaml"} and result.exit_code == 1
    assert files["bob.yaml"]["score"] == 1.0 and files["eve.yaml"]["score"] == 1.0
    assert [flag["kind"] for flag in files["eve.yaml"]["flags"]] == ["other-exercise"]


def test_a_copy_among_the_submissions_is_an_input_not_a_bad_file(cli, course):
    (course / "subs/hw1.yaml").write_text(PINNED)
    answers(course / "subs/ada.yaml", "hw1.yaml", {k: v for k, v in solved(cli, "course/hw1.yaml").items()
                                                     if k in PINNED_ASKED})
    result = cli("grade", "subs", "-e", "course/hw1.yaml", "--format", "json")
    record = json.loads(result.stdout)
    assert [Path(f["file"]).name for f in record["files"]] == ["ada.yaml"]
    assert result.exit_code == 0


# ---------------------------------------------------------------- 2. feedback levels

EX1 = solved(Cli(), "ex1")  # at import: the scenarios below are built from it
SCENARIOS = {
    "blank": {},
    "wrong": {"a3": 0.5, "y3": 0.5, "delta5": 0.3, "W13_new": 0.5, "E_after": 0.9},
    "named": {"delta5": 0.04068, "delta3": 0.002654, "dW13": 0.000929, "E": 0.0362078, "dE_dW35": -0.02767},
    "chain": {"a3": 0.755, "y3": 0.7007, "delta3": -0.00266, "dW13": -0.000931, "W13_new": 0.0991},
    "rounded": {"delta3": -0.0027, "y5": 0.7, "E": 0.02, "W13_new": 0.1, "dW13": -0.0009, "W35_new": 0.3},
    "no-step": {"W13_new": 0.1, "W23_new": 0.7999, "y3_after": EX1["y3"], "y5_after": 0.6903, "dW13": 0},
    "variant": {k: EX1[k] for k in ("a3", "y3", "y5", "E", "delta5", "W35_new", "y5_after")},
}
NUMBER = re.compile(r"(?<![\w.])[-−]?\d+\.\d+(?:e[-+]?\d+)?(?![\w])")


def leaked(text: str, expected: dict[str, float], given: list[float]) -> list:
    """Numbers in ``text`` that are an expected value rounded to 2-6 significant digits (not the student's own)."""
    found = []
    for token in NUMBER.findall(text):
        value = float(token.replace("−", "-"))
        if any(value == g or value == float(f"{g:.4g}") for g in given):
            continue
        found += [(token, name, digits) for name, e in expected.items() for digits in range(2, 7)
                  if e != 0 and value == float(f"{e:.{digits}g}")]
    return found


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_expected_value_below_full(cli, tmp_path, scenario):
    variant = ("--variant", "alice") if scenario == "variant" else ()
    path = answers(tmp_path / "one" / f"{scenario}.yaml", "ex1", SCENARIOS[scenario])
    full = json.loads(cli("grade", path, "-e", "ex1", *variant, "--format", "json").stdout)
    expected = {r["name"]: r["expected"] for r in full["results"] if r["verdict"] not in CREDITED}
    assert len(expected) >= 20  # most of the 35 are not credited in every scenario
    given = list(SCENARIOS[scenario].values())
    assert len(leaked(cli("grade", path, "-e", "ex1", *variant).output, expected, given)) >= 20  # the search works
    for level in ("hint", "verdict", "score"):
        for target in (path, path.parent):
            for fmt in ("text", "json"):
                result = cli("grade", target, "-e", "ex1", *variant, "--feedback", level, "--format", fmt)
                assert result.exit_code == 1 and "Traceback" not in result.output
                assert leaked(result.output, expected, given) == [], (level, target, fmt)
                assert not re.search(r"\bexpected\b", result.output)


FIELDS = {"hint": {"name", "verdict", "given", "misconception", "hint", "line", "points", "follows_from"},
          "verdict": {"name", "verdict", "line", "points"}}


@pytest.mark.parametrize("level", ["hint", "verdict", "score"])
def test_json_fields_per_level_and_the_csv_keeps_everything(cli, tmp_path, level):
    path = answers(tmp_path / "subs/a.yaml", "ex1", SCENARIOS["named"])
    single = json.loads(cli("grade", path, "-e", "ex1", "--feedback", level, "--format", "json").stdout)
    csv = tmp_path / "m.csv"
    result = cli("grade", path.parent, "-e", "ex1", "--feedback", level, "--format", "json", "--csv", csv)
    batch = json.loads(result.stdout)["files"][0]
    for record in (single, batch):
        assert record["feedback"] == level and record["score"] == 3.0
        if level == "score":
            assert "results" not in record
        else:
            assert [set(r) for r in record["results"]] == [FIELDS[level]] * (35 + 1)  # and the downhill check
    assert "wrong:sign-flip" in csv.read_text() and "wrong:missing-half" in csv.read_text()
    text = cli("grade", path, "-e", "ex1", "--feedback", level).stdout
    assert ("sign-flip" in text) == (level == "hint") and ("Score: 3 / 35" in text)


# ---------------------------------------------------------------- 3. variants


def test_variants_are_deterministic_across_processes_and_case(cli):
    other = cli.process("solve", "ex3", "--variant", "Alice", "--format", "json", env={"PYTHONHASHSEED": "7"})
    alice = solved(cli, "ex3", "--variant", "alice")
    assert json.loads(other.stdout)["values"] == alice == solved(cli, "ex3", "--variant", " ALICE ")
    assert alice != solved(cli, "ex3", "--variant", "bob") != solved(cli, "ex3")


def test_the_readme_algorithm_reproduces_a_variant(cli):
    key = json.dumps({"layers": [2, 2, 1], "activations": ["sigmoid", "sigmoid"], "loss": "squared_error",
                      "convention": "target_minus_output", "learning_rate": 1.0, "inputs": {"x1": 0.35, "x2": 0.9},
                      "weights": {"W13": 0.1, "W23": 0.8, "W14": 0.4, "W24": 0.6, "W35": 0.3, "W45": 0.9},
                      "biases": {}, "targets": {"t5": 0.5}, "variants": {}}, sort_keys=True, separators=(",", ":"))
    seed = hashlib.sha256(b"\n".join([b"bpcheck-variant-1", key.encode(), b"alice"])).digest()
    draws = (int.from_bytes(hashlib.sha256(seed + k.to_bytes(8, "big")).digest()[:8], "big") for k in range(99))

    def grid(low, high, step):
        count = int((Decimal(high) - Decimal(low)) / Decimal(step)) + 1
        return [float(Decimal(low) + k * Decimal(step)) for k in range(count)]

    inputs, weights = [x for x in grid("0.1", "1", "0.05") if x], [w for w in grid("-1", "1", "0.05") if w]
    x1, x2 = (inputs[next(draws) % len(inputs)] for _ in range(2))
    w13, w23, w14, w24, w35, w45 = (weights[next(draws) % len(weights)] for _ in range(6))
    sigmoid = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    y5 = sigmoid(w35 * sigmoid(w13 * x1 + w23 * x2) + w45 * sigmoid(w14 * x1 + w24 * x2))
    targets = [t for t in grid("0.1", "0.9", "0.1") if abs(t - y5) >= 0.05]
    t5 = targets[next(draws) % len(targets)]
    values = solved(cli, "ex1", "--variant", "Alice")  # the first attempt meets the rules for this name
    assert [values[n] for n in ("x1", "x2", "W13", "W23", "W14", "W24", "W35", "W45", "t5", "eta")] == \
        [x1, x2, w13, w23, w14, w24, w35, w45, t5, 1.0]


def fill(template: str, values: dict) -> str:
    return re.sub(r"^  (\w+):$", lambda m: f"  {m[1]}: {values[m[1]]!r}", template, flags=re.M)


@pytest.mark.parametrize("exercise", ["ex1", "ex4", "ex5", "ex8"])
def test_a_variant_template_filled_with_its_solution_gets_full_marks(cli, tmp_path, exercise):
    text = cli("template", exercise, "--variant", "Zoë 42").stdout
    assert re.search(r'^variant: "?zoë 42"?$', text, re.M)
    path = tmp_path / "a.yaml"
    path.write_text(fill(text, solved(cli, exercise, "--variant", "zoë 42")))
    record = json.loads(cli("grade", path, "--format", "json").stdout)
    assert record["score"] == record["max_score"] > 0 and record["variant"] == "zoë 42"
    path.write_text(fill(text, solved(cli, exercise)))
    assert json.loads(cli("grade", path, "--format", "json").stdout)["score"] < record["max_score"] / 2


def test_the_base_solution_earns_nothing_for_a_variant(cli, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(fill(cli("template", "ex1", "--variant", "alice").stdout, EX1))
    assert json.loads(cli("grade", path, "--format", "json").stdout)["score"] == 0


def test_variants_meet_the_number_rules():
    for exercise in (load_exercise(f"ex{i}") for i in range(1, 9)):
        for name in ("alice", "bob", "s1234567", "李", "x" * 100, "0", "a b"):
            network = (variant := solve(make_variant(exercise, name))).exercise.network
            assert 0 not in [*network.inputs.values(), *network.weights.values(), *network.biases.values()]
            for unit in (u for layer in network.layers[1:] for u in layer):
                if network.activation_of(unit) in ("sigmoid", "tanh", "softsign"):
                    assert abs(variant.values[f"a{unit}"]) <= 3, (exercise.name, name, unit)
            if network.loss == "squared_error":
                assert all(abs(variant.values[f"t{u}"] - variant.values[f"y{u}"]) >= 0.05 for u in network.output_units)


def test_variants_false_refuses_every_variant(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("hw.yaml").write_text(EX1_YAML + "variants: false\n")
    for args in (("solve", "hw.yaml"), ("template", "hw.yaml"), ("show", "hw.yaml")):
        assert_bad_input_line(cli(*args, "--variant", "alice"), "hw.yaml", ["variants: false"])
    answers(Path("a.yaml"), "hw.yaml", EVE)
    assert_bad_input_line(cli("grade", "a.yaml", "-e", "hw.yaml", "--variant", "alice"), "hw.yaml", ["variants"])
    answers(Path("a.yaml"), "hw.yaml", EVE, variant="alice")
    # Marks (--exercise): the variant line is not taken, and the file is graded against the exercise, flagged.
    record = json.loads(cli("grade", "a.yaml", "-e", "hw.yaml", "-f", "json").stdout)
    assert (record["variant"], record["score"]) == (None, 1.0)
    assert record["flags"] == [{"kind": "other-variant", "line": 2, "message": "variant: alice is not taken: hw.yaml "
                                "has no variants; it was graded against the exercise's own numbers"}]
    assert_bad_input_line(cli("grade", "a.yaml", "-e", "hw.yaml", "--variant-from-id"), "",
                          ["--variant-from-id: hw.yaml has no variants"])
    for trusted in (("-e", "hw.yaml", "--variant-from-file"), ()):  # the variant named is the one graded
        assert_bad_input_line(cli("grade", "a.yaml", *trusted), "a.yaml:2:", ["variant", "variants: false"])


HOSTILE = ["[]", '"no"', "0", "{weights: []}", "{weights: {min: 1, max: 0, step: 0.1}}",
           "{weights: {min: 0, max: 1, step: 0}}", "{weights: {min: 0, max: 1, step: -0.1}}",
           "{weights: {min: -1000, max: 1000, step: 0.0001}}", "{weights: {min: 0, max: 0, step: 0.1}}",
           "{weights: {min: 0, max: 1, step: 0.1, foo: 1}}", "{weights: {min: 0, max: 1}}", "{foo: fixed}",
           "{W99: fixed}", "{weights: wide}", "{weights: null}", "{weights: true}", "{x1: [.nan]}", "{x1: [abc]}",
           "{weights: [0]}", "{inputs: {min: 1e-400, max: 1, step: 0.1}}"]


def assert_one_line_quickly(cli, args, prefix="v.yaml"):
    start = time.monotonic()
    result = cli(*args)
    assert time.monotonic() - start < 10
    assert_bad_input_line(result, prefix, [])


@pytest.mark.parametrize("spec", HOSTILE)
def test_hostile_variant_rules_are_one_line(cli, tmp_path, monkeypatch, spec):
    monkeypatch.chdir(tmp_path)
    Path("v.yaml").write_text(EX1_YAML + f"variants: {spec}\n")
    assert_one_line_quickly(cli, ("solve", "v.yaml", "--variant", "alice"))


@pytest.mark.parametrize("spec", ["{x1: {min: 1, max: 1, step: 1e-30}}",
                                  "{learning_rate: {min: 1, max: 1, step: 1e-40}}"])
def test_a_tiny_step_is_not_a_traceback(cli, tmp_path, monkeypatch, spec):
    monkeypatch.chdir(tmp_path)
    Path("v.yaml").write_text(EX1_YAML + f"variants: {spec}\n")
    answers(Path("subs/eve.yaml"), "../v.yaml", EVE, variant="x")  # a student's file must not stop a class
    answers(Path("subs/bob.yaml"), "ex1", EVE)
    result = cli("grade", "subs", "--format", "json")
    assert "Traceback" not in result.output and result.exit_code in (1, 2)  # refused, or one value: 1
    assert len(json.loads(result.stdout)["files"]) == 2


@pytest.mark.parametrize("spec", ["[0]", "[-1]", "{min: -1, max: -0.5, step: 0.5}"])
def test_a_variant_learning_rate_is_positive(cli, tmp_path, monkeypatch, spec):
    monkeypatch.chdir(tmp_path)
    Path("v.yaml").write_text(EX1_YAML + f"variants: {{learning_rate: {spec}}}\n")
    result = cli("solve", "v.yaml", "--variant", "alice", "--format", "json")
    assert result.exit_code == 2 or json.loads(result.stdout)["values"]["eta"] > 0


RANGES = {"inputs": ("{min: 0.15, max: 0.95, step: 0.1}", "x", 0.15, 0.95),
          "weights": ("{min: -0.95, max: -0.15, step: 0.1}", "W", -0.95, -0.15)}


def drawn(tmp_path, group):
    spec, prefix, _, _ = RANGES[group]
    path = tmp_path / "v.yaml"
    path.write_text(EX1_YAML + f"variants: {{{group}: {spec}}}\n")
    exercise = load_exercise(str(path))
    return [value for name in ("a", "b", "c", "d", "e", "f") for key, value in
            solve(make_variant(exercise, name)).values.items() if re.fullmatch(prefix + r"\d+", key)]


@pytest.mark.parametrize("group", sorted(RANGES))
def test_a_range_draws_inside_min_and_max(tmp_path, group):
    _, _, low, high = RANGES[group]
    assert all(low <= value <= high for value in drawn(tmp_path, group))


def test_a_range_draws_min_plus_steps(tmp_path):
    assert {round((value - 0.15) / 0.1, 9) % 1 for value in drawn(tmp_path, "inputs")} == {0.0}


def test_one_number_ruled_twice_is_refused(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("v.yaml").write_text(EX1_YAML + "variants: {W13: [0.5], w13: [0.7]}\n")
    assert_one_line_quickly(cli, ("solve", "v.yaml", "--variant", "alice"))


# ---------------------------------------------------------------- 4. bpcheck new


@pytest.mark.parametrize("options", [("--shape", "2-3-1"), ("--shape", "3-2-2", "--activation", "tanh", "--biases"),
                                     ("--shape", "2-2-2", "--loss", "cross_entropy", "--activation", "relu"),
                                     ("--shape", "1-1-1-1", "--activation", "softsign", "--title", 'a "quiz": #3')])
def test_new_loads_solves_templates_and_grades(cli, tmp_path, options):
    text = cli("new", *options, "--seed", "11").stdout
    assert text == cli("new", *options, "--seed", "11").stdout != cli("new", *options, "--seed", "12").stdout
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    if "--title" in options:
        assert load_exercise(str(path)).title == options[-1]
    template = cli("template", path).stdout
    filled = tmp_path / "a.yaml"
    filled.write_text(fill(template, solved(cli, path)))
    record = json.loads(cli("grade", filled, "-e", path, "--format", "json").stdout)
    assert record["score"] == record["max_score"] >= 10


def test_new_without_a_seed_can_be_made_again(cli):
    text = cli("new", "--shape", "2-2-1").stdout
    command = re.fullmatch(r"# Made by: bpcheck (.*)", text.splitlines()[0])[1].split()
    assert cli(*command).stdout == text


@pytest.mark.parametrize("shape", ["0-1", "2-0-1", "2-51-1", "51-1", "2--1", "a-b", "2-٣-1", "2-２-1", "2", "",
                                   "-2-1", "2-1-", "2-3-1 ", "+2-1", "1e1-1", "2.0-1", "-".join(["1"] * 101)])
def test_new_refuses_bad_shapes(cli, shape):
    assert_bad_input_line(cli("new", "--shape", shape, "--seed", "1"), "", ["--shape"])


def test_new_refuses_cross_entropy_with_one_output(cli):
    assert_bad_input_line(cli("new", "--shape", "2-3-1", "--loss", "cross_entropy"), "", ["cross_entropy", "two"])


def test_new_refuses_a_shape_bpcheck_cannot_load(cli):
    result = cli("new", "--shape", "2-50-50-50-50-50", "--seed", "1")  # 10,100 weights
    assert result.exit_code == 2, result.stdout[:80]
    assert_bad_input_line(result, "", ["10,000"])
