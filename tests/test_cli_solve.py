"""The command line: `bpcheck solve` as text, JSON and Markdown, `list`, `show`, `--version`,
`python -m bpcheck`, no escape codes without a terminal, and the built-in exercises all solving.

Numbers are checked against an independent forward/backward pass written here from the tutorial's
formulas (§12, §16, §19), not against bpcheck's own solver.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

import bpcheck
from bpcheck.builtin import EXERCISE_DIRS
from bpcheck.loading import load_exercise
from bpcheck.solution import solve

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_FILES = sorted((ROOT / "exercises").glob("*.yaml"))
ANSI = "\x1b["


@pytest.fixture(scope="module")
def cli(cli):
    return cli.with_env(COLUMNS="100")  # the worked solution is printed as a 100-column terminal shows it


# ---------------------------------------------------------------- an independent solver


def reference_solution(data: dict) -> dict[str, float]:
    """One step of gradient descent on a layered, fully connected network, straight from the tutorial:
    a_j = Σ W_ij·o_i + b_j, o_j = f(a_j); output delta (t - y)·f'(a) (squared error) or t - y (softmax
    with cross-entropy); hidden delta f'(a_j)·Σ W_jk·delta_k; W_ij += η·delta_j·o_i (η·delta_j for b_j)."""
    assert data.get("convention", "target_minus_output") in ("target_minus_output", "t-y")
    loss = {"mse": "squared_error", "softmax_cross_entropy": "cross_entropy"}.get(
        data.get("loss", "squared_error"), data.get("loss", "squared_error"))
    default = data.get("activation", "sigmoid")
    sizes, activations = [], []
    for layer in data["layers"]:
        if isinstance(layer, dict):
            sizes.append(layer["units"])
            activations.append(layer.get("activation", default))
        else:
            sizes.append(layer)
            activations.append(default)
    if loss == "cross_entropy" and not isinstance(data["layers"][-1], dict) and "activation" not in data:
        activations[-1] = "softmax"
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size

    def unit(name: str) -> int:
        return int(re.sub(r"\D", "", name))

    x = {unit(k): float(v) for k, v in data["inputs"].items()}
    t = {unit(k): float(v) for k, v in data["targets"].items()}
    w = {}
    for name, value in data["weights"].items():
        digits = name[1:].replace("_", " ").split() if "_" in name else list(name[1:])
        w[int(digits[0]), int(digits[1])] = float(value)
    b = {unit(k): float(v) for k, v in (data.get("biases") or {}).items()}
    frozen = set(data.get("frozen") or [])
    eta = float(data["learning_rate"])

    def f(kind: str, a: float) -> float:
        return {"sigmoid": lambda: 1 / (1 + math.exp(-a)), "tanh": lambda: math.tanh(a),
                "relu": lambda: max(a, 0.0), "linear": lambda: a}[kind]()

    def f_prime(kind: str, a: float, y: float) -> float:
        return {"sigmoid": y * (1 - y), "tanh": 1 - y * y, "relu": 1.0 if a > 0 else 0.0, "linear": 1.0}[kind]

    def forward(w, b):
        a, y = {}, dict(x)
        for depth in range(1, len(layers)):
            for j in layers[depth]:
                a[j] = sum(w[i, j] * y[i] for i in layers[depth - 1]) + b.get(j, 0.0)
            if activations[depth] == "softmax":
                total = sum(math.exp(a[j]) for j in layers[depth])
                y.update({j: math.exp(a[j]) / total for j in layers[depth]})
            else:
                y.update({j: f(activations[depth], a[j]) for j in layers[depth]})
        if loss == "cross_entropy":
            error = -sum(t[j] * math.log(y[j]) for j in layers[-1])
        else:
            error = 0.5 * sum((t[j] - y[j]) ** 2 for j in layers[-1])
        return a, y, error

    a, y, error = forward(w, b)
    values = {"E": error, "eta": eta}
    values.update({f"x{i}": v for i, v in x.items()})
    values.update({f"t{j}": v for j, v in t.items()})
    values.update({f"a{j}": v for j, v in a.items()})
    values.update({f"y{j}": y[j] for j in a})
    delta = {}
    for j in layers[-1]:
        if loss == "cross_entropy":
            delta[j] = t[j] - y[j]
        else:
            delta[j] = f_prime(activations[-1], a[j], y[j]) * (t[j] - y[j])
    for depth in range(len(layers) - 2, 0, -1):
        for j in layers[depth]:
            downstream = sum(w[j, k] * delta[k] for k in layers[depth + 1])
            delta[j] = f_prime(activations[depth], a[j], y[j]) * downstream
    values.update({f"delta{j}": d for j, d in delta.items()})
    new_w, new_b = dict(w), dict(b)
    for (i, j), old in w.items():
        name = f"W{i}{j}" if i < 10 and j < 10 else f"W{i}_{j}"
        values[name] = old
        if name not in frozen:
            values[f"dE_d{name}"] = -delta[j] * y[i]
            values[f"d{name}"] = eta * delta[j] * y[i]
            new_w[i, j] = values[f"{name}_new"] = old + eta * delta[j] * y[i]
    for j, old in b.items():
        values[f"b{j}"] = old
        if f"b{j}" not in frozen:
            values[f"dE_db{j}"] = -delta[j]
            values[f"db{j}"] = eta * delta[j]
            new_b[j] = values[f"b{j}_new"] = old + eta * delta[j]
    a_after, y_after, values["E_after"] = forward(new_w, new_b)
    values.update({f"a{j}_after": v for j, v in a_after.items()})
    values.update({f"y{j}_after": y_after[j] for j in a_after})
    return values


def ex1_reference() -> dict[str, float]:
    return reference_solution(yaml.safe_load((ROOT / "exercises" / "ex1.yaml").read_text(encoding="utf-8")))


def test_the_reference_solver_reproduces_the_tutorial():
    """§13 of the tutorial, to the digits it prints (a check on the checker)."""
    values = ex1_reference()
    assert values["a3"] == pytest.approx(0.755) and values["y3"] == pytest.approx(0.6803, abs=5e-5)
    assert values["a4"] == pytest.approx(0.68) and values["y4"] == pytest.approx(0.6637, abs=5e-5)
    assert values["a5"] == pytest.approx(0.8014, abs=5e-5) and values["y5"] == pytest.approx(0.6903, abs=5e-5)
    assert values["delta5"] == pytest.approx(-0.0407, abs=5e-5)
    assert values["delta4"] == pytest.approx(-0.00817, abs=5e-6)
    assert values["W24_new"] == pytest.approx(0.5926, abs=5e-5)
    assert values["W45_new"] == pytest.approx(0.8730, abs=5e-5)
    assert values["y5_after"] == pytest.approx(0.6820, abs=5e-5)


# ---------------------------------------------------------------- solve ex1 as text


# The whole output when not on a terminal (plain lines, one per row); "$" marks each line's end. Every number was checked against the tutorial §13 and the reference solver above:
# the tutorial rounds as it goes (δ3 ≈ -0.00266, W13 → 0.0991), bpcheck does not (-0.002654, 0.09907).
EXPECTED_EX1_TEXT = """\
Exercise 1: the tutorial's network (ex1)$
$
The network after the forward pass$
inputs                 hidden, sigmoid            output, sigmoid$
                       ┌──────────┐$
             W13 0.1 ──┤ 3        │$
┌─────────┐  W23 0.8 ──┤ a 0.755  │               ┌──────────┐$
│ x1 0.35 │            │ y 0.6803 │     W35 0.3 ──┤ 5        │$
└─────────┘            └──────────┘     W45 0.9 ──┤ a 0.8014 │$
                                                  │ y 0.6903 │$
┌─────────┐            ┌──────────┐               │ t 0.5    │$
│ x2 0.9  │  W14 0.4 ──┤ 4        │               └──────────┘$
└─────────┘  W24 0.6 ──┤ a 0.68   │$
                       │ y 0.6637 │$
                       └──────────┘$
$
Step 1: forward pass$
quantity  formula          with the numbers                value$
────────  ───────────────  ─────────────────────────────  ──────$
a3        W13·x1 + W23·x2  (0.1)(0.35) + (0.8)(0.9)        0.755$
y3        σ(a3)            σ(0.755)                       0.6803$
a4        W14·x1 + W24·x2  (0.4)(0.35) + (0.6)(0.9)         0.68$
y4        σ(a4)            σ(0.68)                        0.6637$
a5        W35·y3 + W45·y4  (0.3)(0.6803) + (0.9)(0.6637)  0.8014$
y5        σ(a5)            σ(0.8014)                      0.6903$
$
Step 2: error$
quantity  formula      with the numbers    value$
────────  ───────────  ────────────────  ───────$
E         ½(t5 - y5)²  ½(0.5 - 0.6903)²  0.01810$
$
Step 3: deltas$
quantity  formula                with the numbers                     value$
────────  ─────────────────────  ───────────────────────────────  ─────────$
delta5    y5(1 - y5)(t5 - y5)    (0.6903)(0.3097)(0.5 - 0.6903)    -0.04068$
delta3    y3(1 - y3)·W35·delta5  (0.6803)(0.3197)(0.3)(-0.04068)  -0.002654$
delta4    y4(1 - y4)·W45·delta5  (0.6637)(0.3363)(0.9)(-0.04068)  -0.008172$
$
Mean |δ| per layer (vanishing gradients, tutorial §15)$
layer                  mean |δ|  of the largest$
─────────────────────  ────────  ──────────────  ──────────────────────────────$
2 (hidden, units 3-4)  0.005413           0.13×  ████$
3 (output, unit 5)      0.04068              1×  ██████████████████████████████$
$
A hidden unit's δ is the next layer's δs, weighted, times its slope f'(a) (at most 0.25 for sigmoid): through saturating units it shrinks layer by layer towards the inputs.$
$
Step 4: gradients and weight updates$
weight  old     δ dest  o source      ∂E/∂W          ΔW      new$
──────  ───  ─────────  ────────  ─────────  ──────────  ───────$
W13     0.1  -0.002654      0.35  0.0009291  -0.0009291  0.09907$
W23     0.8  -0.002654       0.9   0.002389   -0.002389   0.7976$
W14     0.4  -0.008172      0.35   0.002860   -0.002860   0.3971$
W24     0.6  -0.008172       0.9   0.007354   -0.007354   0.5926$
W35     0.3   -0.04068    0.6803    0.02767    -0.02767   0.2723$
W45     0.9   -0.04068    0.6637    0.02700    -0.02700   0.8730$
$
ΔW = η·δ·o and W_new = W + ΔW (δ = target minus output, tutorial §9); ∂E/∂W is the gradient itself.$
$
Step 5: forward pass with the new weights$
quantity  formula                              with the numbers                       value$
────────  ───────────────────────────────────  ───────────────────────────────────  ───────$
a3_after  W13_new·x1 + W23_new·x2              (0.09907)(0.35) + (0.7976)(0.9)       0.7525$
y3_after  σ(a3_after)                          σ(0.7525)                             0.6797$
a4_after  W14_new·x1 + W24_new·x2              (0.3971)(0.35) + (0.5926)(0.9)        0.6724$
y4_after  σ(a4_after)                          σ(0.6724)                             0.6620$
a5_after  W35_new·y3_after + W45_new·y4_after  (0.2723)(0.6797) + (0.8730)(0.6620)   0.7631$
y5_after  σ(a5_after)                          σ(0.7631)                             0.6820$
E_after   ½(t5 - y5_after)²                    ½(0.5 - 0.6820)²                     0.01657$
$
E went from 0.01810 to 0.01657 (-8.5%).$
t5 - y5: -0.1903 before the step, -0.1820 after it.$
Every value is computed at full double precision and shown to 4 significant digits. A hand calculation that multiplies rounded numbers can differ in the last digit: the tutorial's δ3 ≈ -0.00266 is -0.0026544890 exactly.$
""".replace("$\n", "\n")


def test_solve_ex1_text_is_exactly_the_worked_solution(cli):
    result = cli("solve", "ex1")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == EXPECTED_EX1_TEXT


def table_rows(text: str, title: str) -> list[list[str]]:
    """The rows of one table in the text output, split into cells on runs of 2+ spaces. A line whose
    first cell is blank continues a wrapped formula; it is left out."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(title))
    rows = []
    for line in lines[start + 3:]:  # past the title, the header and the rule
        if not line.strip():
            break
        if not line.startswith("  "):
            rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


@pytest.mark.parametrize("precision", [4, 6, 9])
def test_every_value_in_the_text_is_the_reference_value_rounded(cli, precision):
    values = ex1_reference()
    result = cli("solve", "ex1", "--precision", str(precision))
    assert result.exit_code == 0, result.output

    def shown(name: str) -> str:
        # Trailing zeros are kept (0.6620, as the tutorial writes it) unless the value is a short decimal.
        value = values[name]
        text = format(value, f".{precision}g")
        return text if abs(float(text) - value) <= 1e-12 * abs(value) else format(value, f"#.{precision}g")

    checked = 0
    for title in ("Step 1: forward pass", "Step 2: error", "Step 3: deltas",
                  "Step 5: forward pass with the new weights"):
        for name, *_, value in table_rows(result.stdout, title):
            assert value == shown(name), (name, value)
            checked += 1
    for weight, old, delta, source, gradient, change, new in table_rows(result.stdout, "Step 4:"):
        destination = weight[-1]
        source_unit = weight[1]
        assert (old, delta, gradient, change, new) == (
            shown(weight), shown(f"delta{destination}"), shown(f"dE_d{weight}"), shown(f"d{weight}"),
            shown(f"{weight}_new"))
        assert source == shown(f"x{source_unit}" if f"x{source_unit}" in values else f"y{source_unit}")
        checked += 1
    assert checked == 6 + 1 + 3 + 6 + 7


def test_precision_6_shows_six_digits(cli):
    result = cli("solve", "ex1", "--precision", "6")
    assert result.exit_code == 0
    y3 = next(line for line in result.stdout.splitlines() if line.startswith("y3 "))
    assert y3.split() == ["y3", "σ(a3)", "σ(0.755)", "0.680267"]
    assert "(0.3)(0.680267) + (0.9)(0.663739)" in result.stdout
    assert " 0.6803 " not in result.stdout


@pytest.mark.parametrize("precision", ["0", "18", "-1", "four"])
def test_a_precision_out_of_range_is_a_usage_error(cli, precision):
    result = cli("solve", "ex1", "--precision", precision)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert "--precision" in result.stderr
    assert result.stderr.startswith("bpcheck: ") and result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("see `bpcheck solve --help`")


# ---------------------------------------------------------------- JSON and Markdown


def test_json_has_every_value_at_full_precision(cli):
    result = cli("solve", "ex1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["exercise"] == "ex1"
    assert document["title"] == "Exercise 1: the tutorial's network"
    values = document["values"]
    reference = ex1_reference()
    assert set(values) == set(reference)
    for name, value in reference.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name
    # the givens, as written
    assert (values["x1"], values["x2"], values["t5"], values["eta"]) == (0.35, 0.9, 0.5, 1)
    assert (values["W13"], values["W23"], values["W14"], values["W24"], values["W35"], values["W45"]) == (
        0.1, 0.8, 0.4, 0.6, 0.3, 0.9)
    # full precision, not the 4 digits of the tables
    assert values["delta3"] == pytest.approx(-0.00265448903088474, rel=1e-13)  # Decimal, 40 digits
    assert values["y3"] == pytest.approx(0.6802671966986485, rel=1e-14)
    assert values["W13_new"] == pytest.approx(0.09907092883919034, rel=1e-14)
    assert values["E_after"] == pytest.approx(0.016565382326770402, rel=1e-13)


def test_json_quantities_describe_every_value(cli):
    document = json.loads(cli("solve", "ex1", "-f", "json").stdout)
    quantities = document["quantities"]
    assert [q["name"] for q in quantities] == list(document["values"])
    by_name = {q["name"]: q for q in quantities}
    for q in quantities:
        assert set(q) == {"name", "stage", "formula", "reads", "value"}
        assert q["value"] == document["values"][q["name"]]
        assert all(name in by_name for name in q["reads"]), q
    assert {q["name"] for q in quantities if q["stage"] == "given"} == {
        "x1", "x2", "W13", "W23", "W14", "W24", "W35", "W45", "t5", "eta"}
    assert by_name["x1"]["formula"] is None and by_name["x1"]["reads"] == []
    assert by_name["a3"]["formula"] == "W13·x1 + W23·x2"
    assert set(by_name["a3"]["reads"]) == {"W13", "x1", "W23", "x2"}
    assert by_name["delta3"]["stage"] == by_name["delta5"]["stage"]
    # asked: every computed quantity, none of the givens
    assert "delta3" in document["asked"] and "W45_new" in document["asked"] and "x1" not in document["asked"]


def test_json_ignores_precision(cli):
    plain = json.loads(cli("solve", "ex1", "-f", "json").stdout)
    coarse = json.loads(cli("solve", "ex1", "-f", "json", "-p", "2").stdout)
    assert coarse["values"] == plain["values"]


def test_markdown(cli):
    result = cli("solve", "ex1", "--format", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "# Exercise 1: the tutorial's network (ex1)"
    assert "## Step 1: forward pass" in lines
    assert "| a3 | W13·x1 + W23·x2 | (0.1)(0.35) + (0.8)(0.9) | 0.755 |" in lines
    assert "| delta3 | y3(1 - y3)·W35·delta5 | (0.6803)(0.3197)(0.3)(-0.04068) | -0.002654 |" in lines
    assert "| W13 | 0.1 | -0.002654 | 0.35 | 0.0009291 | -0.0009291 | 0.09907 |" in lines
    assert "| quantity | formula | with the numbers | value |" in lines
    assert "|---|---|---|---:|" in lines
    assert ANSI not in result.stdout


def test_format_is_case_insensitive_and_checked(cli):
    assert cli("solve", "ex1", "--format", "JSON").exit_code == 0
    result = cli("solve", "ex1", "--format", "yaml")
    assert result.exit_code == 2 and "--format" in result.stderr and result.stdout == ""


# ---------------------------------------------------------------- which exercise


def test_an_unknown_exercise_name(cli):
    result = cli("solve", "ex99")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("bpcheck: 'ex99' is neither a built-in exercise nor a YAML file; ")
    assert "bpcheck list" in result.stderr


def test_a_near_miss_gets_a_did_you_mean(cli):
    result = cli("solve", "exx1")
    assert result.exit_code == 2
    assert result.stderr == "bpcheck: 'exx1' is neither a built-in exercise nor a YAML file; did you mean ex1?\n"


def test_built_in_names_in_any_case(cli):
    assert cli("solve", "EX1", "-f", "json").stdout == cli("solve", "ex1", "-f", "json").stdout


TUTORIAL_NET = (ROOT / "exercises" / "ex1.yaml").read_text(encoding="utf-8").replace(
    "Exercise 1: the tutorial's network", "My own copy")


def test_solve_a_yaml_file_by_path(cli, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(TUTORIAL_NET, encoding="utf-8")
    before = path.read_bytes()
    result = cli("solve", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "My own copy (mine)"
    assert result.stdout.replace("My own copy (mine)", "Exercise 1: the tutorial's network (ex1)") == EXPECTED_EX1_TEXT
    document = json.loads(cli("solve", str(path), "-f", "json").stdout)
    assert document["exercise"] == "mine"
    assert document["values"] == json.loads(cli("solve", "ex1", "-f", "json").stdout)["values"]
    assert path.read_bytes() == before


def test_solve_a_relative_path(cli, tmp_path, monkeypatch):
    (tmp_path / "mine.yml").write_text(TUTORIAL_NET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("solve", "mine.yml", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["values"]["delta3"] == pytest.approx(-0.00265448903, rel=1e-9)


# ---------------------------------------------------------------- list, show, --version


def test_list_names_every_builtin_exercise_with_its_title(cli):
    result = cli("list")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    rows = table_rows(result.stdout, "Built-in exercises")
    assert [row[0] for row in rows] == [f"ex{n}" for n in range(1, 9)]
    for name, title, layers in rows:
        data = yaml.safe_load((ROOT / "exercises" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert title == data["title"]
        sizes = [layer["units"] if isinstance(layer, dict) else layer for layer in data["layers"]]
        assert layers == "-".join(map(str, sizes))
    assert rows[0] == ["ex1", "Exercise 1: the tutorial's network", "2-2-1"]
    assert rows[5] == ["ex6", "Exercise 6: deep sigmoid chain, vanishing deltas", "1-1-1-1-1-1"]


def test_show_gives_the_givens_and_what_is_asked_but_no_answers(cli):
    result = cli("show", "ex1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == "Exercise 1: the tutorial's network (ex1)"
    assert "Do one step of gradient descent on this 2-2-1 sigmoid network" in out
    givens = dict(table_rows(out, "Given"))
    assert givens == {"x1": "0.35", "x2": "0.9", "W13": "0.1", "W23": "0.8", "W14": "0.4", "W24": "0.6",
                      "W35": "0.3", "W45": "0.9", "t5": "0.5", "eta": "1"}
    network = table_rows(out, "The network")
    assert network == [["layer 1", "inputs", "1, 2"], ["layer 2", "hidden, sigmoid", "3, 4"],
                       ["layer 3", "outputs, sigmoid", "5"]]
    assert "Learning rate η = 1." in out
    asked = out[out.index("\nAsked"):]  # the last table; its lists of names wrap
    for name in ("a3", "y5", "E", "delta5", "delta3", "delta4", "W13_new", "W45_new", "E_after"):
        assert re.search(rf"\b{name}\b", asked), name
    # the answers are what the student works out: show must not print them
    for answer in ("0.6803", "0.6903", "0.04068", "0.002654", "0.09907"):
        assert answer not in out


def test_show_an_unknown_exercise(cli):
    result = cli("show", "ex99")
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.count("\n") == 1


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"bpcheck, version {bpcheck.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", bpcheck.__version__)


# ---------------------------------------------------------------- a real process, terminals and colour


def test_python_dash_m_bpcheck_solve(cli):
    process = cli.process("solve", "ex1")
    assert process.returncode == 0, process.stderr
    assert process.stderr == ""
    assert process.stdout == EXPECTED_EX1_TEXT


@pytest.mark.parametrize("args", [("solve", "ex1"), ("list",), ("show", "ex5"), ("solve", "ex7", "-f", "markdown")])
@pytest.mark.parametrize("env", [{}, {"NO_COLOR": None}], ids=["NO_COLOR", "not-a-terminal"])
def test_no_escape_codes_without_a_terminal(cli, args, env):
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert ANSI not in result.output


def run_on_a_terminal(cli, args: list[str], env: dict) -> str:
    """Run ``python -m bpcheck ARGS`` with a pseudo-terminal as its stdout and stderr."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    process = cli.popen(*args, stdout=slave, stderr=slave, env={"NO_COLOR": None, "TERM": "xterm-256color", **env})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_on_a_terminal_means_no_escape_codes(cli):
    output = run_on_a_terminal(cli, ["solve", "ex1"], {"NO_COLOR": "1", "COLUMNS": "100"})
    assert "a3" in output and "0.6803" in output
    assert ANSI not in output, repr(output[:120])


def _imported(cli, *args: str) -> set[str]:
    # As a user's shell starts it: colour on, the width left to the terminal.
    done = cli.process(*args, python=("-X", "importtime"), cwd=ROOT, env={"NO_COLOR": None, "COLUMNS": None})
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_start_up_imports_none_of_the_renderers_it_does_not_print_with(cli):
    at_help = _imported(cli, "--help")
    assert not {name for name in at_help if name.split(".")[0] in ("rich", "yaml")}
    assert not {name for name in at_help if name.startswith("bpcheck.report") or name == "bpcheck.practice"}
    at_solve = _imported(cli, "solve", "ex1")
    assert {"bpcheck.practice", "bpcheck.report.html", "bpcheck.report.latex", "bpcheck.report.practice_text",
            "bpcheck.report.diagram_svg"}.isdisjoint(at_solve)
    assert "bpcheck.report.diagram" in at_solve  # the drawing atop the tables, as the manual says


# ---------------------------------------------------------------- the built-in exercises


def test_the_wheel_ships_the_exercises():
    """A wheel build is too slow for the suite; check the configuration that puts the exercises in it,
    and that the loader looks where the wheel puts them."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        tomllib = pytest.importorskip("tomli")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["exercises"] == "bpcheck/exercises"
    assert "bpcheck" in wheel["packages"]
    package = Path(bpcheck.__file__).resolve().parent
    assert package / "exercises" in EXERCISE_DIRS
    assert len(EXERCISE_FILES) == 8


@pytest.mark.parametrize("path", EXERCISE_FILES, ids=[path.stem for path in EXERCISE_FILES])
def test_every_builtin_exercise_loads_and_solves(cli, path):
    reference = reference_solution(yaml.safe_load(path.read_text(encoding="utf-8")))
    for exercise in (load_exercise(path.stem), load_exercise(str(path))):
        values = solve(exercise).values
        assert set(values) == set(reference)
        for name, value in reference.items():
            assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-15), (path.stem, name)
        assert values["E_after"] < values["E"], "one step downhill lowers the error"
    assert exercise.title
    result = cli("solve", path.stem)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{exercise.title} ({path.stem})\n")
    assert json.loads(cli("solve", str(path), "-f", "json").stdout)["values"] == pytest.approx(reference, rel=1e-12)


def test_exercise_7_matches_the_published_worked_example():
    """Exercise 7 uses the numbers of Mazur's 'A Step by Step Backpropagation Example' (2015)."""
    values = solve(load_exercise("ex7")).values
    assert values["E"] == pytest.approx(0.298371109, abs=1e-9)
    published = {"W35_new": 0.35891648, "W45_new": 0.408666186, "W36_new": 0.511301270,
                 "W46_new": 0.561370121, "W13_new": 0.149780716, "W23_new": 0.19956143,
                 "W14_new": 0.24975114, "W24_new": 0.29950229}
    for name, value in published.items():
        assert values[name] == pytest.approx(value, abs=1e-8), name
    assert not any(name.startswith("b") and name.endswith("_new") for name in values), "biases are frozen"
