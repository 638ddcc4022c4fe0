"""Training, datasets, optimizers, mean |δ| and gradcheck (issue 10) against an independent oracle, and
what a hostile or confused user, an instructor or a held-out acceptance test would try on them.

The numbers are checked against an oracle written here in plain Python (forward pass, backward pass and
the updates of plain gradient descent, PyTorch's SGD with momentum and PyTorch's Adam, in PyTorch's own
arrangement of the formulas), which shares no code with bpcheck; and against values worked by hand.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest
from helpers import EX1_YAML, LINEAR_DATASET_YAML, assert_bad_input_line, sigmoid
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

import bpcheck
from bpcheck import grade, load_exercise, solve
from bpcheck.gradcheck import FAIL, KINK, PASS, gradient_check
from bpcheck.loading import load_exercise_text
from bpcheck.training import DECREASING, DIVERGING, FLAT, OSCILLATING, loss_behaviour, train

ROOT = Path(__file__).resolve().parent.parent
XOR = ROOT / "examples" / "training" / "xor.yaml"


@pytest.fixture(scope="module")
def cli(cli):
    return cli.with_env(COLUMNS="100")  # the loss curve and the tables at the width they were written for


def written(tmp_path: Path, text: str, name: str = "exercise.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ==================================================================== an independent oracle

REL = 1e-9  # what the oracle and bpcheck must agree to
CANCELLING = 1e-6  # a sum this much smaller than its terms amplifies rounding past REL: such draws are skipped


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


# value, slope from (a, y)
_FUNCTIONS = {
    "sigmoid": (_sigmoid, lambda a, y: y * (1.0 - y)),
    "tanh": (math.tanh, lambda a, y: 1.0 - y * y),
    "relu": (lambda a: a if a > 0 else 0.0, lambda a, y: 1.0 if a > 0 else 0.0),
    "linear": (lambda a: a, lambda a, y: 1.0),
}


def _name(source: int, dest: int) -> str:
    return f"W{source}{dest}" if source < 10 and dest < 10 else f"W{source}_{dest}"


class Oracle:
    """A layered network trained by the textbook's formulas, parameters by their bpcheck names."""

    def __init__(self, spec: dict):
        self.sizes, self.acts, self.loss_name = spec["sizes"], spec["acts"], spec["loss"]
        self.layers, first = [], 1
        for size in self.sizes:
            self.layers.append(list(range(first, first + size)))
            first += size
        self.params = {_name(s, d): w for (s, d), w in spec["weights"].items()}
        self.params.update({f"b{u}": b for u, b in spec["biases"].items()})
        self.frozen = set(spec["frozen"])
        self.examples = spec["examples"]
        self.eta = spec["eta"]
        self.optimizer = spec.get("optimizer") or {"name": "sgd"}
        self.suspect = False  # a sum that nearly cancelled, or a softmax output at the edge of double precision

    def total(self, terms) -> float:
        terms = list(terms)
        value = math.fsum(terms)
        if value and abs(value) <= CANCELLING * math.fsum(abs(term) for term in terms):
            self.suspect = True
        return value

    def forward(self, params, inputs):
        out = dict(inputs)
        pre = {}
        for depth, layer in enumerate(self.layers[1:], start=1):
            for unit in layer:
                terms = [params[_name(s, unit)] * out[s] for s in self.layers[depth - 1]]
                if f"b{unit}" in params:
                    terms.append(params[f"b{unit}"])
                pre[unit] = self.total(terms)
            act = self.acts[depth - 1]
            if act == "softmax":
                top = max(pre[u] for u in layer)
                exps = [math.exp(pre[u] - top) for u in layer]
                whole = math.fsum(exps)
                for unit, e in zip(layer, exps):
                    out[unit] = e / whole
                    if out[unit] < 1e-250:
                        self.suspect = True
            else:
                for unit in layer:
                    out[unit] = _FUNCTIONS[act][0](pre[unit])
        return pre, out

    def example_loss(self, params, inputs, targets) -> float:
        _, out = self.forward(params, inputs)
        if self.loss_name == "squared_error":
            return 0.5 * math.fsum(self.total([t, -out[u]]) ** 2 for u, t in targets.items())
        if any(out[u] == 0 for u, t in targets.items() if t):  # underflowed: already suspect, and ln 0 is -inf
            return math.inf
        return -math.fsum(t * math.log(out[u]) for u, t in targets.items() if t)

    def mean_loss(self, params) -> float:
        return math.fsum(self.example_loss(params, x, t) for x, t in self.examples) / len(self.examples)

    def example_gradient(self, params, inputs, targets) -> dict[str, float]:
        out, grad_a = self.unit_gradients(params, inputs, targets)
        gradient = {}
        for depth, layer in enumerate(self.layers[1:], start=1):
            for unit in layer:
                for source in self.layers[depth - 1]:
                    gradient[_name(source, unit)] = grad_a[unit] * out[source]
                if f"b{unit}" in params:
                    gradient[f"b{unit}"] = grad_a[unit]
        return gradient

    def unit_gradients(self, params, inputs, targets):
        """Each unit's output, and dE/da of each unit after the inputs (|δ|, under either convention)."""
        pre, out = self.forward(params, inputs)
        grad_a = {}
        last = self.acts[-1]
        for unit in self.layers[-1]:
            error = self.total([out[unit], -targets[unit]])  # y - t
            grad_a[unit] = error if last == "softmax" else _FUNCTIONS[last][1](pre[unit], out[unit]) * error
        for depth in range(len(self.layers) - 2, 0, -1):
            act = self.acts[depth - 1]
            for unit in self.layers[depth]:
                downstream = self.total(params[_name(unit, k)] * grad_a[k] for k in self.layers[depth + 1])
                grad_a[unit] = _FUNCTIONS[act][1](pre[unit], out[unit]) * downstream
        return out, grad_a

    def batch_gradient(self, params, batch) -> dict[str, float]:
        each = [self.example_gradient(params, *self.examples[index]) for index in batch]
        return {name: self.total(g[name] for g in each) / len(each) for name in each[0]}

    def train(self, iterations: int, batch_size=None, seed=None):
        """(loss before each update, loss after the last, final parameters, optimizer state)."""
        params = dict(self.params)
        count = len(self.examples)
        size = min(batch_size or count, count)
        opt = self.optimizer
        trained = [name for name in params if name not in self.frozen]
        state = {f"{kind}_{name}": opt.get("state", {}).get(f"{kind}_{name}", 0.0)
                 for name in trained for kind in {"sgd": (), "momentum": ("v",), "adam": ("m", "v")}[opt["name"]]}
        order, shuffler = list(range(count)), random.Random(seed) if seed is not None else None

        def batches():
            while True:
                if shuffler is not None:
                    shuffler.shuffle(order)
                for start in range(0, count, size):
                    yield order[start:start + size]

        feed, losses = batches(), []
        for done in range(iterations):
            losses.append(self.mean_loss(params))
            gradient = self.batch_gradient(params, next(feed))
            for name in trained:
                g = gradient[name]
                if opt["name"] == "sgd":
                    params[name] = self.total([params[name], -self.eta * g])
                elif opt["name"] == "momentum":  # torch.optim.SGD(momentum=β, dampening=0)
                    buf = self.total([opt["beta"] * state[f"v_{name}"], g])
                    state[f"v_{name}"] = buf
                    params[name] = self.total([params[name], -self.eta * buf])
                else:  # torch.optim.Adam, single-tensor path, as written in PyTorch
                    t = opt.get("step", 1) + done
                    b1, b2, eps = opt["beta1"], opt["beta2"], opt["epsilon"]
                    m = self.total([b1 * state[f"m_{name}"], (1 - b1) * g])
                    v = b2 * state[f"v_{name}"] + (1 - b2) * g * g
                    state[f"m_{name}"], state[f"v_{name}"] = m, v
                    bias_correction1, bias_correction2 = 1 - b1 ** t, 1 - b2 ** t
                    step_size = self.eta / bias_correction1
                    denom = math.sqrt(v) / math.sqrt(bias_correction2) + eps
                    params[name] = self.total([params[name], -step_size * m / denom])
        return losses, self.mean_loss(params), params, state


# -------------------------------------------------------------------- random exercises, as YAML


def number(value: float) -> str:
    return repr(float(value))


def exercise_text(spec: dict, *, as_dataset: bool = True) -> str:
    layers = [str(spec["sizes"][0])] + [f"{{units: {size}, activation: {act}}}"
                                        for size, act in zip(spec["sizes"][1:], spec["acts"])]
    lines = ["title: random", f"layers: [{', '.join(layers)}]", f"loss: {spec['loss']}",
             f"convention: {spec.get('convention', 'target_minus_output')}",
             "weights: {" + ", ".join(f"{_name(s, d)}: {number(w)}" for (s, d), w in spec["weights"].items()) + "}"]
    if spec["biases"]:
        lines.append("biases: {" + ", ".join(f"b{u}: {number(b)}" for u, b in spec["biases"].items()) + "}")
    if spec["frozen"]:
        lines.append(f"frozen: [{', '.join(spec['frozen'])}]")

    def mapping(letter, values):
        return "{" + ", ".join(f"{letter}{u}: {number(v)}" for u, v in values.items()) + "}"

    if as_dataset or len(spec["examples"]) > 1:
        lines.append("examples:")
        lines += [f"  - {{inputs: {mapping('x', x)}, targets: {mapping('t', t)}}}" for x, t in spec["examples"]]
    else:
        x, t = spec["examples"][0]
        lines += [f"inputs: {mapping('x', x)}", f"targets: {mapping('t', t)}"]
    lines.append(f"learning_rate: {number(spec['eta'])}")
    opt = spec.get("optimizer")
    if opt:
        settings_ = {key: value for key, value in opt.items() if key in ("beta", "beta1", "beta2", "epsilon")}
        parts = [f"name: {opt['name']}"] + [f"{key}: {number(value)}" for key, value in settings_.items()]
        if "step" in opt:
            parts.append(f"step: {opt['step']}")
        if opt.get("state"):
            parts.append("state: {" + ", ".join(f"{k}: {number(v)}" for k, v in opt["state"].items()) + "}")
        lines.append("optimizer: {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"


magnitude = st.floats(0.05, 2.0)
value = st.one_of(st.just(0.0), magnitude, magnitude.map(lambda v: -v))


@st.composite
def specs(draw, *, optimizers=("sgd", "momentum", "adam"), max_examples=4):
    loss = draw(st.sampled_from(("squared_error", "cross_entropy")))
    hidden = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    outputs = draw(st.integers(2, 3)) if loss == "cross_entropy" else draw(st.integers(1, 2))
    sizes = [draw(st.integers(1, 3))] + hidden + [outputs]
    elementwise = ("sigmoid", "tanh", "relu", "linear")
    acts = [draw(st.sampled_from(elementwise)) for _ in hidden]
    acts.append("softmax" if loss == "cross_entropy" else draw(st.sampled_from(elementwise)))
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size
    weights = {(s, d): draw(value) for below, above in zip(layers, layers[1:]) for d in above for s in below}
    non_input = [u for layer in layers[1:] for u in layer]
    biases = {u: draw(value) for u in sorted(draw(st.lists(st.sampled_from(non_input), unique=True, max_size=3)))}
    examples = []
    for _ in range(draw(st.integers(1, max_examples))):
        inputs = {u: draw(value) for u in layers[0]}
        if loss == "cross_entropy":
            raw = [draw(st.sampled_from((0.0, 0.0, 0.25, 1.0))) for _ in layers[-1]]
            raw[draw(st.integers(0, len(raw) - 1))] += 1.0
            targets = {u: r / math.fsum(raw) for u, r in zip(layers[-1], raw)}
        else:
            targets = {u: draw(st.floats(-1.0, 1.0)) for u in layers[-1]}
        examples.append((inputs, targets))
    names = [_name(s, d) for s, d in weights] + [f"b{u}" for u in biases]
    frozen = draw(st.lists(st.sampled_from(names), unique=True, max_size=2))
    assume(len(frozen) < len(names))
    name = draw(st.sampled_from(optimizers))
    optimizer = None
    trained = [n for n in names if n not in frozen]
    if name == "momentum":
        optimizer = {"name": "momentum", "beta": draw(st.floats(0.0, 0.99))}
        if draw(st.booleans()):
            optimizer["state"] = {f"v_{n}": draw(st.floats(-0.5, 0.5)) for n in trained[:2]}
    elif name == "adam":
        optimizer = {"name": "adam", "beta1": draw(st.floats(0.0, 0.99)), "beta2": draw(st.floats(0.5, 0.9999)),
                     "epsilon": draw(st.sampled_from((1e-8, 1e-6, 1e-3))), "step": draw(st.integers(1, 5))}
        if draw(st.booleans()):
            optimizer["state"] = {f"{kind}_{n}": draw(st.floats(0.0, 0.3)) for n in trained[:2] for kind in "mv"}
    elif draw(st.booleans()):
        optimizer = {"name": "sgd"}
    return {"sizes": sizes, "acts": acts, "loss": loss, "weights": weights, "biases": biases, "frozen": frozen,
            "examples": examples, "eta": draw(st.floats(0.01, 1.0)), "optimizer": optimizer,
            "convention": draw(st.sampled_from(("target_minus_output", "output_minus_target")))}


def close(ours: float, theirs: float, rel: float = REL) -> bool:
    return abs(ours - theirs) <= rel * max(abs(ours), abs(theirs))


def assert_matches_oracle(result, oracle_run, frozen=()):
    losses, final_loss, params, state = oracle_run
    assert len(result.loss) == len(losses)
    for index, (ours, theirs) in enumerate(zip(result.loss, losses)):
        assert close(ours, theirs), ("loss", index, ours, theirs)
    assert close(result.final_loss, final_loss), ("final loss", result.final_loss, final_loss)
    assert set(result.final) == set(params)
    for name, theirs in params.items():
        assert close(result.final[name], theirs), (name, result.final[name], theirs)
    assert set(result.state) == set(state)
    for name, theirs in state.items():
        assert close(result.state[name], theirs), (name, result.state[name], theirs)
    for name in frozen:
        assert result.final[name] == result.initial[name]
        assert not any(key.endswith(f"_{name}") for key in result.state)


# ==================================================================== 1. training against the oracle


@settings(deadline=None)
@given(specs(), st.integers(1, 6), st.data())
def test_training_matches_the_oracle_on_random_networks(spec, iterations, data):
    count = len(spec["examples"])
    batch_size = data.draw(st.sampled_from([None] + list(range(1, count + 1))), label="batch_size")
    seed = data.draw(st.one_of(st.none(), st.integers(0, 2**32)), label="seed")
    as_dataset = data.draw(st.booleans(), label="as_dataset")
    oracle = Oracle(spec)
    try:
        expected = oracle.train(iterations, batch_size, seed)
    except (OverflowError, ValueError) as error:  # a run past a double's range: x ** 2 overflows, fsum meets inf - inf
        if isinstance(error, ValueError) and "inf" not in str(error):
            raise  # an error of the oracle's own, not an overflow
        reject()  # discarded, as the runs below whose losses are not finite
    assume(not oracle.suspect)
    assume(all(math.isfinite(value) for value in expected[0] + [expected[1]]))
    network = load_exercise_text(exercise_text(spec, as_dataset=as_dataset)).network
    result = train(network, iterations, batch_size=batch_size, seed=seed)
    assert result.overflowed_at is None
    assert_matches_oracle(result, expected, spec["frozen"])
    size = min(batch_size or count, count)
    assert result.settings["batch_size"] == size and result.settings["examples"] == count
    assert result.settings["shuffle_seed"] == (seed if size < count else None)


# A dataset with every feature at once, pinned: tanh and relu hidden layers, biases, a frozen weight, five
# examples in mini-batches of two (the last of an epoch a batch of one), shuffled.
PINNED = {
    "sizes": [2, 3, 2, 1], "acts": ["tanh", "relu", "sigmoid"], "loss": "squared_error",
    "weights": {(1, 3): 0.3, (2, 3): -0.7, (1, 4): 0.9, (2, 4): 0.25, (1, 5): -0.4, (2, 5): 0.6,
                (3, 6): 0.8, (4, 6): -0.5, (5, 6): 0.35, (3, 7): 0.45, (4, 7): 0.65, (5, 7): -0.2,
                (6, 8): 1.1, (7, 8): -0.9},
    "biases": {3: 0.1, 6: 0.05, 8: -0.3}, "frozen": ["W24"],
    "examples": [({1: 0.5, 2: -0.3}, {8: 0.2}), ({1: 0.9, 2: 0.1}, {8: 0.7}), ({1: -0.6, 2: 0.8}, {8: 0.9}),
                 ({1: 0.2, 2: 0.4}, {8: 0.1}), ({1: -0.1, 2: -0.9}, {8: 0.5})],
    "eta": 0.3, "optimizer": None,
}


@pytest.mark.parametrize("optimizer", [
    None,
    {"name": "momentum", "beta": 0.9},
    {"name": "momentum", "beta": 0.5, "state": {"v_W13": 0.02, "v_b8": -0.01}},
    {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
    {"name": "adam", "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "step": 4, "state": {"m_W13": 0.01, "v_W13": 4e-4}},
])
@pytest.mark.parametrize("batch_size, seed", [(None, None), (1, None), (2, None), (2, 11), (3, 2**40), (9, 5)])
def test_a_pinned_dataset_matches_the_oracle(optimizer, batch_size, seed):
    spec = {**PINNED, "optimizer": optimizer}
    oracle = Oracle(spec)
    expected = oracle.train(23, batch_size, seed)  # Adam's near-zero moments amplify rounding to ~1e-11
    result = train(load_exercise_text(exercise_text(spec)).network, 23, batch_size=batch_size, seed=seed)
    assert_matches_oracle(result, expected, ["W24"])
    assert result.final["W24"] == 0.25


def test_cross_entropy_with_soft_targets_matches_the_oracle():
    spec = {"sizes": [2, 2, 3], "acts": ["sigmoid", "softmax"], "loss": "cross_entropy",
            "weights": {(1, 3): 0.1, (2, 3): 0.8, (1, 4): 0.4, (2, 4): 0.6, (3, 5): 0.3, (4, 5): 0.9,
                        (3, 6): -0.5, (4, 6): 0.2, (3, 7): 0.7, (4, 7): -0.1},
            "biases": {5: 0.1, 7: -0.2}, "frozen": [],
            "examples": [({1: 0.35, 2: 0.9}, {5: 0.25, 6: 0.25, 7: 0.5}), ({1: -0.2, 2: 0.4}, {5: 0.0, 6: 1.0, 7: 0.0})],
            "eta": 0.5, "optimizer": {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}}
    oracle = Oracle(spec)
    expected = oracle.train(40, 1, 3)
    result = train(load_exercise_text(exercise_text(spec)).network, 40, batch_size=1, seed=3)
    assert_matches_oracle(result, expected)
    # the cross-entropy of the soft target has a floor: the entropy of (¼, ¼, ½), ln 2 · 1.5
    assert min(result.loss) > 0.5 * 1.5 * math.log(2)


# -------------------------------------------------------------------- continuing a run from a file


def continued_text(spec: dict, result, step: int) -> str:
    """The exercise with the run's weights and biases, its optimizer state and the next step's number."""
    weights = {pair: result.final[_name(*pair)] for pair in spec["weights"]}
    biases = {unit: result.final[f"b{unit}"] for unit in spec["biases"]}
    optimizer = {**spec["optimizer"], "state": dict(result.state)}
    if optimizer["name"] == "adam":
        optimizer["step"] = step
    return exercise_text({**spec, "weights": weights, "biases": biases, "optimizer": optimizer})


@pytest.mark.parametrize("optimizer", [
    {"name": "momentum", "beta": 0.9},
    {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
    {"name": "adam", "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-3, "step": 7, "state": {"m_W13": -0.02, "v_W13": 0.003}},
])
@pytest.mark.parametrize("first, then", [(1, 1), (3, 5), (12, 9)])
def test_a_run_continued_from_its_state_in_a_file_is_the_same_run(optimizer, first, then):
    spec = {**PINNED, "optimizer": optimizer}
    whole = train(load_exercise_text(exercise_text(spec)).network, first + then)
    start = train(load_exercise_text(exercise_text(spec)).network, first)
    rest = train(load_exercise_text(continued_text(spec, start, optimizer.get("step", 1) + first)).network, then)
    # The same arithmetic on the same numbers (repr round-trips a double): equal to the last bit.
    assert start.loss + rest.loss == whole.loss
    assert rest.final == whole.final and rest.state == whole.state
    assert rest.final_loss == whole.final_loss
    # and the state is what the oracle says
    assert_matches_oracle(whole, Oracle(spec).train(first + then), ["W24"])


def test_adam_state_given_with_the_wrong_step_is_not_the_same_run():
    spec = {**PINNED, "optimizer": {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}}
    whole = train(load_exercise_text(exercise_text(spec)).network, 4)
    start = train(load_exercise_text(exercise_text(spec)).network, 2)
    wrong = train(load_exercise_text(continued_text(spec, start, 1)).network, 2)  # step restarted: bias correction
    assert wrong.final["W13"] != pytest.approx(whole.final["W13"], rel=1e-6)


def test_optimizer_on_the_command_line_starts_from_zero_state(cli, tmp_path):
    spec = {**PINNED, "optimizer": {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "step": 9,
                                    "state": {"m_W13": 0.5, "v_W13": 0.25}}}
    path = written(tmp_path, exercise_text(spec))
    data = json.loads(cli("train", path, "-n", "5", "--optimizer", "adam", "-f", "json").stdout)
    fresh = Oracle({**PINNED, "optimizer": {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}}).train(5)
    assert all(close(ours, theirs) for ours, theirs in zip(data["loss"], fresh[0]))
    assert close(data["final"]["W13"], fresh[2]["W13"]) and close(data["state"]["m_W13"], fresh[3]["m_W13"])
    from_file = json.loads(cli("train", path, "-n", "5", "-f", "json").stdout)
    assert not close(from_file["final"]["W13"], fresh[2]["W13"], 1e-6)  # the file's state and step count


# ==================================================================== 2. solve is train's first step


@pytest.mark.parametrize("optimizer", [None, {"name": "momentum", "beta": 0.7, "state": {"v_W13": 0.03}},
                                       {"name": "adam", "beta1": 0.85, "beta2": 0.995, "epsilon": 1e-7, "step": 3,
                                        "state": {"m_W36": 0.02, "v_W36": 0.001}}])
def test_solve_is_the_first_update_of_train_and_its_E_after_the_second_loss(optimizer):
    spec = {**PINNED, "optimizer": optimizer}
    exercise = load_exercise_text(exercise_text(spec))
    values = solve(exercise).values
    one, two = train(exercise.network, 1), train(exercise.network, 2)
    assert one.final == {name: values.get(f"{name}_new", values[name]) for name in one.final}
    assert one.state == {name: values[f"{name}_new"] for name in one.state}
    assert one.final_loss == values["E_after"] == two.loss[1]
    assert one.loss == [values["E"]]
    # and the oracle agrees with every per-example value and mean of the step
    oracle = Oracle(spec)
    for index, (inputs, targets) in enumerate(spec["examples"], start=1):
        pre, out = oracle.forward(oracle.params, inputs)
        for unit in (3, 4, 5, 6, 7, 8):
            assert close(values[f"a{unit}[{index}]"], pre[unit]) and close(values[f"y{unit}[{index}]"], out[unit])
        assert close(values[f"E[{index}]"], oracle.example_loss(oracle.params, inputs, targets))
        gradient = oracle.example_gradient(oracle.params, inputs, targets)
        assert all(close(values[f"dE_d{name}[{index}]"], g) for name, g in gradient.items() if name != "W24")
    mean = oracle.batch_gradient(oracle.params, range(5))
    assert all(close(values[f"dE_d{name}"], g) for name, g in mean.items() if name != "W24")
    assert "dE_dW24" not in values and "W24_new" not in values and "v_W24" not in values


def test_solve_of_the_shipped_momentum_and_adam_examples_is_train_s_first_step():
    for name in ("momentum", "adam"):
        exercise = load_exercise(str(ROOT / "examples" / "training" / f"{name}.yaml"))
        values = solve(exercise).values
        result = train(exercise.network, 1)
        assert result.final == {p: values[f"{p}_new"] for p in result.final}
        assert result.final_loss == values["E_after"]


def test_adam_first_step_moves_every_weight_by_eta_as_the_example_says():
    values = solve(load_exercise(str(ROOT / "examples" / "training" / "adam.yaml"))).values
    for name in ("W13", "W23", "W14", "W24", "W35", "W45"):
        g = values[f"dE_d{name}"]
        # m = 0.1 g, v = 0.001 g², mhat = g, vhat = g²: dW = -η·g/(|g| + ε)
        assert values[f"mhat_{name}"] == pytest.approx(g, rel=1e-12)
        assert values[f"vhat_{name}"] == pytest.approx(g * g, rel=1e-12)
        assert values[f"d{name}"] == pytest.approx(-0.01 * g / (abs(g) + 1e-8), rel=1e-12)
    assert values["bias_correction1"] == pytest.approx(0.1, rel=1e-14)
    assert values["bias_correction2"] == pytest.approx(0.001, rel=1e-12)


# ==================================================================== 3. hostile files

HEAD = """title: hostile
layers: [2, 2, 1]
weights: {W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9}
learning_rate: 1
"""
ONE = "examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n"


@pytest.mark.parametrize("tail, where, words", [
    ("examples:\n  - {inputs: {x1: 0.35, x3: 0.9}, targets: {t5: 0.5}}\n", ":6:25: ", ["x3", "inputs belong to units 1-2"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t3: 0.5}}\n", ":6:45: ", ["t3", "targets belong to units 5"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {}}\n", ":6:35: ", ["t5 is missing"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}}\n", ":6:5: ", ["exactly 'inputs:' and 'targets:'"]),
    ("examples:\n  - [0.35, 0.9]\n", ":6:5: ", ["example 1 must have"]),
    ("examples:\n  - 7\n", ":6:5: ", ["example 1 must have"]),
    ("examples:\n  - {inputs: [0.35, 0.9], targets: {t5: 0.5}}\n", ":6:14: ", ["'inputs' must be a mapping"]),
    ("examples: {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n", ":5:11: ", ["1 to 100 examples"]),
    ("examples:\n", ":5:10: ", ["1 to 100 examples"]),
    ("examples:\n" + "  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n" * 101, ":6:3: ", ["1 to 100 examples"]),
    ("examples:\n  - {inputs: {x1: .nan, x2: 0.9}, targets: {t5: 0.5}}\n", ":6:19: ", ["NaN"]),
    ("examples:\n  - {inputs: {x1: 'nan', x2: 0.9}, targets: {t5: 0.5}}\n", ":6:19: ", ["NaN"]),
    ("examples:\n  - {inputs: {x1: 'inf', x2: 0.9}, targets: {t5: 0.5}}\n", ":6:19: ", ["infinity"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: -.inf}, targets: {t5: 0.5}}\n", ":6:29: ", ["infinity"]),
    ("examples:\n  - {inputs: {x1: 1e400, x2: 0.9}, targets: {t5: 0.5}}\n", ":6:19: ", ["too large"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n  - {inputs: {x1: 0.1, x2: 0.9}, targets: "
     "{t5: 0.5, t5: 0.6}}\n", ":7:", ["t5"]),
    (ONE + "inputs: {x1: 0.35, x2: 0.9}\n", ":7:1: ", ["'inputs:' and 'examples:'"]),
    (ONE + "targets: {t5: 0.5}\n", ":7:1: ", ["'targets:' and 'examples:'"]),
    (ONE + "optimizer: {name: momentum, beta: 'abc'}\n", ":7:35: ", ["beta", "not a number"]),
    (ONE + "optimizer: {name: momentum, beta: 1}\n", ":7:35: ", ["beta must be from 0"]),
    (ONE + "optimizer: {name: momentum, beta: -0.1}\n", ":7:35: ", ["beta must be from 0"]),
    (ONE + "optimizer: {name: adam, beta1: 1}\n", ":7:32: ", ["beta1"]),
    (ONE + "optimizer: {name: adam, beta2: 1.0}\n", ":7:32: ", ["beta2"]),
    (ONE + "optimizer: {name: adam, epsilon: 0}\n", ":7:34: ", ["epsilon must be a positive number"]),
    (ONE + "optimizer: {name: adam, epsilon: -1e-8}\n", ":7:34: ", ["epsilon must be a positive number"]),
    (ONE + "optimizer: {name: adam, state: {v_W13: -0.001}}\n", ":7:40: ", ["v_W13", "cannot be negative"]),
    (ONE + "optimizer: {name: adam, step: 1.5}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: adam, step: 2.0}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: adam, step: true}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: adam, step: '3'}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: adam, step: 0}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: adam, step: 1000001}\n", ":7:31: ", ["whole number"]),
    (ONE + "optimizer: {name: momentum, step: 2}\n", ":7:29: ", ["'step' is not a setting of momentum"]),
    (ONE + "frozen: [W13]\noptimizer: {name: momentum, state: {v_W13: 0.1}}\n", ":8:37: ", ["v_W13"]),
    (ONE + "optimizer: {name: momentum, state: {v_W99: 0.1}}\n", ":7:37: ", ["v_W99"]),
    (ONE + "optimizer: {name: momentum, state: {m_W13: 0.1}}\n", ":7:37: ", ["m_W13", "did you mean v_W13"]),
    (ONE + "optimizer: {name: momentum, state: {v_W13_new: 0.1}}\n", ":7:37: ", ["v_W13_new"]),
    (ONE + "optimizer: {name: sgd, state: {v_W13: 0.1}}\n", ":7:32: ", ["sgd keeps no state"]),
    (ONE + "optimizer: {name: momentum, state: [0.1]}\n", ":7:36: ", ["'state' must map"]),
    (ONE + "optimizer: nadam\n", ":7:12: ", ["unknown optimizer", "did you mean adam"]),
    (ONE + "optimizer: 5\n", ":7:12: ", ["unknown optimizer"]),
])
@pytest.mark.parametrize("command", ["solve", "train", "gradcheck"])
def test_hostile_datasets_and_optimizers_are_one_line(cli, tmp_path, tail, where, words, command):
    path = written(tmp_path, HEAD + tail)
    before = path.read_bytes()
    assert_bad_input_line(cli(command, path), f"{path}{where}", words)
    assert path.read_bytes() == before


def test_the_largest_dataset_allowed_trains(cli, tmp_path):
    rows = "".join(f"  - {{inputs: {{x1: {i / 100}, x2: {1 - i / 100}}}, targets: {{t5: {0.2 + i / 200}}}}}\n"
                   for i in range(100))
    path = written(tmp_path, HEAD + "examples:\n" + rows)
    data = json.loads(cli("train", path, "-n", "3", "-f", "json").stdout)
    assert data["settings"]["examples"] == 100 and len(data["loss"]) == 3
    expected = 0.5 * sum((0.2 + i / 200 - forward_tutorial(i / 100, 1 - i / 100)) ** 2 for i in range(100)) / 100
    assert data["loss"][0] == pytest.approx(expected, rel=1e-12)


def forward_tutorial(x1: float, x2: float) -> float:
    y3, y4 = sigmoid(0.1 * x1 + 0.8 * x2), sigmoid(0.4 * x1 + 0.6 * x2)
    return sigmoid(0.3 * y3 + 0.9 * y4)


def test_too_many_gradients_in_a_dataset_is_one_line(cli, tmp_path):
    layers = "layers: [50, 50, 1]\n"
    weights = ", ".join(f"W{s}_{d}" + ": 0.01" for d in range(51, 101) for s in range(1, 51)) + ", " + \
        ", ".join(f"W{s}_101: 0.01" for s in range(51, 101))
    row = "  - {inputs: {" + ", ".join(f"x{u}: 0.1" for u in range(1, 51)) + "}, targets: {t101: 0.5}}\n"
    path = written(tmp_path, f"title: wide\n{layers}weights: {{{weights}}}\nlearning_rate: 1\nexamples:\n" + row * 4)
    assert_bad_input_line(cli("train", path, "-n", "1"), f"{path}:", ["10,000"])


@pytest.mark.parametrize("tail, words", [
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5, t6: 0.5}}\n", []),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.7, t6: 0.7}}\n", ["sum to 1.4"]),
    ("examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 1, t6: 0}}\n"
     "  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 1.5, t6: -0.5}}\n", ["probabilities"]),
])
def test_cross_entropy_datasets_take_probabilities(cli, tmp_path, tail, words):
    text = HEAD.replace("layers: [2, 2, 1]", "layers: [2, 2, 2]\nloss: cross_entropy").replace(
        "W45: 0.9}", "W45: 0.9, W36: -0.5, W46: 0.2}") + tail
    path = written(tmp_path, text)
    result = cli("train", path, "-n", "5", "-f", "json")
    if not words:  # a soft target is a distribution too, and its E cannot fall below its entropy, ln 2
        assert result.exit_code == 0, result.output
        assert min(json.loads(result.stdout)["loss"]) > math.log(2)
        return
    assert_bad_input_line(result, f"{path}:", words)


def test_huge_inputs_that_overflow_are_one_line_in_every_command(cli, tmp_path):
    text = HEAD.replace("layers: [2, 2, 1]", "layers: [2, 2, 1]\nactivation: linear") + \
        "examples:\n  - {inputs: {x1: 1e200, x2: 1e200}, targets: {t5: 0.5}}\n"
    path = written(tmp_path, text)
    for command in ("solve", "train", "gradcheck", "check", "template", "show"):
        result = cli(command, path)
        assert "Traceback" not in result.output
        if command == "show":  # the exercise as a student reads it: no step is taken
            continue
        assert_bad_input_line(result, f"{path}: ", ["too large for double precision"])


def test_saturated_huge_inputs_still_train_and_check(cli, tmp_path):
    path = written(tmp_path, HEAD + "examples:\n  - {inputs: {x1: 1e308, x2: 1e308}, targets: {t5: 0.5}}\n")
    data = json.loads(cli("train", path, "-n", "4", "-f", "json").stdout)
    # y3 = y4 = 1 exactly: the hidden deltas are 0, only W35 and W45 learn, as y5 = σ(1.2)
    y5 = sigmoid(1.2)
    assert data["loss"][0] == pytest.approx(0.5 * (0.5 - y5) ** 2, rel=1e-14)
    assert data["final"]["W13"] == 0.1 and data["final"]["W24"] == 0.6
    checks = json.loads(cli("gradcheck", path, "-f", "json").stdout)["checks"]
    assert {c["parameter"]: c["verdict"] for c in checks} == dict.fromkeys(["W13", "W23", "W14", "W24", "W35", "W45"],
                                                                            PASS)


def test_a_dataset_with_variants_gives_the_variant_in_every_command(cli, tmp_path):
    # Issue 17: a dataset varies (it was refused before); its variants: rules are followed in every command.
    path = written(tmp_path, HEAD + ONE + "variants: {weights: {min: -1, max: 1, step: 0.1}}\n")
    values = json.loads(cli("solve", path, "--variant", "alice", "-f", "json").stdout)["values"]
    assert all(round(values[name], 1) == values[name] and values[name] != 0 for name in ("W13", "W23", "W35"))
    for command in ("train", "gradcheck"):
        result = cli(command, path, "--variant", "alice", "-f", "json")
        assert result.exit_code == 0 and json.loads(result.stdout)["variant"] == "alice", result.output
    assert "variant: alice\n" in cli("template", path, "--variant", "alice").stdout
    shown = cli("show", path, "--variant", "alice")
    assert shown.exit_code == 0 and "(exercise, variant alice)" in shown.stdout
    practice = cli("practice", path, "--variant", "alice", "--save", tmp_path / "p.yaml", input="")
    assert "variant alice" in practice.stdout and f"W13 = {values['W13']:g}," in practice.stdout


# -------------------------------------------------------------------- every command on a dataset with Adam

ADAM_DATASET = """title: "Adam on <b>two</b> examples"
layers: [2, 2, 1]
weights: {W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9}
biases: {b3: 0.1, b5: -0.2}
frozen: [W24]
examples:
  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}
  - {inputs: {x1: 0.1, x2: 0.2}, targets: {t5: 0.9}}
learning_rate: 0.1
optimizer: {name: adam, beta1: 0.9, beta2: 0.999, epsilon: 1.0e-8, step: 3, state: {m_W13: 0.01, v_W13: 0.0004}}
"""


@pytest.fixture
def adam_dataset(tmp_path):
    return written(tmp_path, ADAM_DATASET, "adam-two.yaml")


def test_check_template_show_and_solve_formats_on_a_dataset_with_adam(cli, adam_dataset):
    values = solve(load_exercise(str(adam_dataset))).values
    check = cli("check", adam_dataset)
    assert check.exit_code == 0 and "Traceback" not in check.output
    template = cli("template", adam_dataset)
    assert template.exit_code == 0
    for name in ("y3[2]:", "E[1]:", "dE_dW13[2]:", "m_W13_new:", "v_W13_new:", "mhat_W13:", "bias_correction2:",
                 "E_after:"):
        assert f"  {name}\n" in template.stdout, name
    assert "W24_new" not in template.stdout and "m_W24" not in template.stdout
    diagram = cli("show", adam_dataset, "--diagram")
    assert diagram.exit_code == 0 and "example 1" in diagram.stdout
    data = json.loads(cli("solve", adam_dataset, "--format", "json").stdout)
    assert data["values"]["bias_correction1"] == pytest.approx(1 - 0.9 ** 3, rel=1e-14)
    assert data["values"]["m_W13_new"] == pytest.approx(0.9 * 0.01 + 0.1 * values["dE_dW13"], rel=1e-14)
    assert data["values"]["v_W13_new"] == pytest.approx(0.999 * 0.0004 + 0.001 * values["dE_dW13"] ** 2, rel=1e-14)
    html = cli("solve", adam_dataset, "--format", "html")
    assert html.exit_code == 0 and "<b>two</b>" not in html.stdout and "&lt;b&gt;two&lt;/b&gt;" in html.stdout
    assert "mhat_W13" in html.stdout and "y3[2]" in html.stdout
    latex = cli("solve", adam_dataset, "--format", "latex")
    assert latex.exit_code == 0 and r"\hat{m}_{W_{13}}" in latex.stdout and "{x_{1}^{(2)}}" in latex.stdout
    assert "<b>" not in latex.stdout and r"\textless" in latex.stdout
    markdown = cli("solve", adam_dataset, "--format", "markdown")
    assert markdown.exit_code == 0 and "| mhat_W13 |" in markdown.stdout and r"| y3\[2\] |" in markdown.stdout


def test_grade_of_a_filled_template_on_a_dataset_with_adam(cli, adam_dataset, tmp_path):
    solution = solve(load_exercise(str(adam_dataset)))
    template = cli("template", adam_dataset).stdout
    filled = []
    for line in template.splitlines():
        name = line.strip()[:-1] if line.startswith("  ") and line.endswith(":") else None
        filled.append(f"{line} {solution.values[name]!r}" if name else line)
    answers = written(tmp_path, "\n".join(filled) + "\n", "answers.yaml")
    data = json.loads(cli("grade", answers, "-f", "json").stdout)
    assert data["score"] == data["max_score"] == len(solution.asked) > 60
    # a student who forgets Adam's bias correction: mhat = m_new
    slip = answers.read_text().replace(f"mhat_W13: {solution.values['mhat_W13']!r}",
                                       f"mhat_W13: {solution.values['m_W13_new']!r}")
    answers.write_text(slip)
    data = json.loads(cli("grade", answers, "-f", "json").stdout)
    verdicts = {r["name"]: r["verdict"] for r in data["results"]}
    assert verdicts["mhat_W13"] == "wrong" and verdicts["m_W13_new"] == "correct"


def test_practice_a_dataset_with_adam_right_through(cli, adam_dataset, tmp_path):
    solution = solve(load_exercise(str(adam_dataset)))
    save = tmp_path / "mine.yaml"
    typed = "".join(f"{solution.values[name]!r}\n" for name in solution.asked)
    result = cli("practice", adam_dataset, "--save", save, input=typed)
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output[-800:]
    graded = json.loads(cli("grade", save, "-f", "json").stdout)
    assert graded["score"] == graded["max_score"] == len(solution.asked)


# ==================================================================== 4. the command line


def test_one_million_iterations_are_accepted_and_one_more_refused(cli, monkeypatch):
    import bpcheck.training

    real, asked = bpcheck.training.train, []

    def quick(network, iterations, **options):
        asked.append(iterations)
        return real(network, 1, **options)

    monkeypatch.setattr(bpcheck.training, "train", quick)
    result = cli("train", "ex1", "--iterations", "1000000", "-f", "json")
    assert result.exit_code == 0, result.output
    assert asked == [1_000_000]
    assert_bad_input_line(cli("train", "ex1", "--iterations", "1000001"), "", ["--iterations", "1000000"])
    assert asked == [1_000_000]


@pytest.mark.parametrize("args, words", [
    (["--plot", "loss.gif"], ["write a .png or .svg"]),
    (["--eta", "-1"], ["--eta"]),
    (["--optimizer", "nadam"], ["nadam"]),
    (["--optimizer", "adam,beta=0.9"], ["adam has no setting beta"]),
    (["--optimizer", "momentum,beta"], ["KEY=NUMBER"]),
    (["--iterations", "0"], ["--iterations"]),
    (["--iterations", "-3"], ["--iterations"]),
    (["--iterations", "2.5"], ["--iterations"]),
    (["--until", "0"], ["--until", "positive"]),
    (["--until", "-0.01"], ["--until", "positive"]),
    (["--until", "nan"], ["--until"]),
    (["--until", "inf"], ["--until"]),
    (["--eta", "0"], ["--eta", "positive"]),
    (["--eta", "nan"], ["--eta"]),
    (["--eta", "inf"], ["--eta"]),
    (["--eta", "-inf"], ["--eta"]),
    (["--eta", "abc"], ["--eta"]),
    (["--batch-size", "0"], ["--batch-size"]),
    (["--seed", "-1"], ["--seed"]),
    (["--optimizer", "momentum,beta=abc"], ["KEY=NUMBER"]),
    (["--optimizer", "momentum,beta=0.5,"], ["KEY=NUMBER"]),
    (["--optimizer", "momentum;beta=0.5"], ["not one of"]),
    (["--optimizer", ",beta=0.5"], ["not one of"]),
    (["--optimizer", "sgd,beta=0.9"], ["sgd has no setting beta"]),
    (["--optimizer", "adam,BETA1=0.9"], ["no setting BETA1"]),
    (["--format", "xml"], ["--format"]),
])
def test_bad_train_options_are_one_line(cli, args, words):
    assert_bad_input_line(cli("train", "ex1", *args), "", words)


@pytest.mark.parametrize("setting", ["adam,epsilon=0", "adam,epsilon=-1", "adam,beta2=1", "momentum,beta=nan",
                                     "momentum,beta=-0.5", "adam,epsilon=nan"])
def test_out_of_range_optimizer_settings_say_what_to_do(cli, setting):
    # Like every bad-input line, it says what is wrong and what to do (the '; ...' part).
    message = assert_bad_input_line(cli("train", "ex1", "-n", "2", "--optimizer", setting), "--optimizer", [])
    assert setting.split(",")[1].split("=")[0] in message


def test_an_infinite_epsilon_is_refused_as_an_option_not_blamed_on_the_exercise(cli):
    # An infinite ε is the option's fault, not the exercise's (not "ex1.yaml: epsilon comes out as inf").
    assert_bad_input_line(cli("train", "ex1", "-n", "2", "--optimizer", "adam,epsilon=inf"), "--optimizer",
                          ["epsilon"])


def test_batch_size_past_the_dataset_is_full_batch_and_a_seed_alone_changes_nothing(cli):
    full = json.loads(cli("train", XOR, "-n", "30", "-f", "json").stdout)
    large = json.loads(cli("train", XOR, "-n", "30", "--batch-size", "1000", "-f", "json").stdout)
    seeded = json.loads(cli("train", XOR, "-n", "30", "--seed", "3", "-f", "json").stdout)
    assert large["loss"] == full["loss"] == seeded["loss"] and large["final"] == full["final"] == seeded["final"]
    assert large["settings"]["batch_size"] == 4 and large["settings"]["shuffle_seed"] is None
    assert seeded["settings"]["shuffle_seed"] is None
    shuffled = json.loads(cli("train", XOR, "-n", "30", "--batch-size", "1", "--seed", "3", "-f", "json").stdout)
    in_order = json.loads(cli("train", XOR, "-n", "30", "--batch-size", "1", "-f", "json").stdout)
    assert shuffled["settings"]["shuffle_seed"] == 3 and in_order["settings"]["shuffle_seed"] is None
    assert shuffled["final"] != in_order["final"]


def test_until_is_reported_in_text_and_json(cli):
    data = json.loads(cli("train", "ex1", "-n", "60", "--until", "0.0005", "-f", "json").stdout)
    below = data["first_below"]
    assert below is not None and data["loss"][below] < 0.0005 <= data["loss"][below - 1]
    assert f"after {below} updates" in cli("train", "ex1", "-n", "60", "--until", "0.0005").stdout
    assert json.loads(cli("train", "ex1", "-n", "3", "--until", "1e-9", "-f", "json").stdout)["first_below"] is None
    # already below at the start: after 0 updates
    assert json.loads(cli("train", "ex1", "-n", "3", "--until", "1", "-f", "json").stdout)["first_below"] == 0


LINEAR_DATASET = LINEAR_DATASET_YAML


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("eta, overflowed_at, losses", [
    ("1e150", 3, 2),  # the numbers grow past double precision on the third update
    ("1e300", 2, 1),  # E after the first update is already infinite
])
def test_an_overflowing_run_is_strict_json_and_reported_as_diverging(cli, tmp_path, eta, overflowed_at, losses):
    path = written(tmp_path, LINEAR_DATASET)
    result = cli("train", path, "-n", "50", "--eta", eta, "-f", "json")
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    assert data["final_loss"] is None and data["overflowed_at"] == overflowed_at
    assert len(data["loss"]) == losses and data["loss"][0] == pytest.approx(9.25 / 3, rel=1e-15)
    assert data["behaviour"]["kind"] == DIVERGING and data["mean_abs_delta"]["end"] == {}
    text = cli("train", path, "-n", "50", "--eta", eta)
    assert text.exit_code == 0 and "diverges" in text.stdout and "overflowed" in text.stdout


def test_a_run_that_ends_just_before_overflowing_is_reported_not_crashed(cli, tmp_path):
    # One update at η = 1e150 leaves finite weights (E ≈ 9.4e301) whose next step would overflow: the
    # run is over and must be reported; its mean |δ| at the end is still finite.
    path = written(tmp_path, LINEAR_DATASET)
    result = cli("train", path, "-n", "1", "--eta", "1e150", "-f", "json")
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    assert data["overflowed_at"] is None and data["final_loss"] > 1e300
    assert data["behaviour"]["kind"] == DIVERGING
    assert list(data["mean_abs_delta"]["end"].values())[0] > 1e150


def test_finite_weights_whose_loss_overflows_are_a_diverging_run_not_a_traceback():
    # W13 = W23 = 1 - 8e307·2 ≈ -1.6e308 are finite, but a = W13 + W23 is not: math.fsum raises.
    text = "title: t\nlayers: [2, {units: 1, activation: linear}]\ninputs: {x1: 1, x2: 1}\n" \
           "weights: {W13: 1, W23: 1}\ntargets: {t3: 0}\nlearning_rate: 0.1\n"
    network = load_exercise_text(text).network
    for eta in (1e300, 5e307, 8e307, 1e308):
        result = train(network._replace(learning_rate=eta), 1)
        assert result.behaviour.kind == DIVERGING and math.isinf(result.final_loss)
        assert result.overflowed_at == 1 and result.depth_start == [("2 (output, unit 3)", 2.0)]
        assert result.depth_end == []
    assert train(network, 1).final_loss == pytest.approx(0.5 * (2 - 0.1 * 2 * 2) ** 2, rel=1e-15)


def test_the_exercise_s_own_eta_does_not_stop_a_smaller_eta_from_training(cli, tmp_path):
    # The file's own η overflows; --eta replaces it before anything is computed.
    path = written(tmp_path, LINEAR_DATASET.replace("learning_rate: 0.1", "learning_rate: 1e300"))
    result = cli("train", path, "-n", "3", "--eta", "0.1", "-f", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout)["final"]["W12"] == pytest.approx(
        train(load_exercise_text(LINEAR_DATASET).network, 3).final["W12"], rel=1e-15)


# -------------------------------------------------------------------- --plot


def test_plot_to_a_folder_a_missing_folder_or_the_exercise_is_one_line(cli, tmp_path):
    pytest.importorskip("matplotlib")
    exercise = written(tmp_path, EX1_YAML, "ex.svg")
    (tmp_path / "folder.png").mkdir()
    cases = [(tmp_path / "folder.png", ["not a regular file"]), (tmp_path / "missing" / "loss.png", ["no folder"]),
             (exercise, ["overwrite an input"]), (tmp_path, ["write a .png or .svg"]),
             (tmp_path / "loss.gif", ["write a .png or .svg"])]
    link = tmp_path / "link.svg"
    link.symlink_to(exercise)
    cases.append((link, ["overwrite an input"]))
    for target, words in cases:
        assert_bad_input_line(cli("train", exercise, "-n", "5", "--plot", target), "", words)
    assert exercise.read_text() == EX1_YAML
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ex.svg", "folder.png", "link.svg"]  # no temporary file


def test_plot_of_an_overflowing_run_and_upper_case_suffix(cli, tmp_path):
    pytest.importorskip("matplotlib")
    path = written(tmp_path, LINEAR_DATASET)
    target = tmp_path / "LOSS.PNG"
    result = cli("train", path, "-n", "20", "--eta", "1e150", "--plot", target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_fails_before_training(cli, monkeypatch, tmp_path):
    import bpcheck.training

    def never(*args, **kwargs):
        raise AssertionError("trained before saying matplotlib is missing")

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    monkeypatch.setattr(bpcheck.training, "train", never)
    target = tmp_path / "loss.svg"
    assert_bad_input_line(cli("train", "ex1", "-n", "1000000", "--plot", target), "--plot needs matplotlib",
                          ["install the plot extra into the Python bpcheck runs in: python3 -m pip --python "])
    assert not target.exists() and list(tmp_path.iterdir()) == []


# ==================================================================== 5. gradcheck

RELU_KINK = """title: a relu unit on its kink
layers: [2, {units: 2, activation: relu}, 1]
inputs: {x1: 1, x2: 1}
weights: {W13: 0.5, W23: -0.5, W14: 0.3, W24: -0.8, W35: 0.7, W45: -0.4}
targets: {t5: 0.9}
learning_rate: 1
"""


def test_gradcheck_at_a_relu_kink_and_a_dead_unit(cli, tmp_path):
    solution = solve(load_exercise_text(RELU_KINK))
    values = solution.values
    assert values["a3"] == 0.0 and values["a4"] == pytest.approx(-0.5)  # unit 3 on its kink, unit 4 dead
    checks = {check.parameter: check for check in gradient_check(solution)}
    # backprop takes relu'(0) = 0; the central difference sees half the slope from the right:
    # E(W13 + h) - E(W13) = dE/dy3·h, E(W13 - h) = E(W13)
    y5 = sigmoid(0.0)
    dE_dy3 = 0.7 * (y5 - 0.9) * y5 * (1 - y5)
    for name in ("W13", "W23"):
        assert checks[name].backprop == 0.0 and checks[name].verdict == KINK
        assert checks[name].numeric == pytest.approx(dE_dy3 / 2, rel=1e-5)
    for name in ("W14", "W24", "W35", "W45"):  # the dead unit and the zero outputs: 0 both ways
        assert checks[name].backprop == checks[name].numeric == 0.0 and checks[name].verdict == PASS
    result = cli("gradcheck", written(tmp_path, RELU_KINK))
    assert result.exit_code == 0 and "kink" in result.stdout and "FAIL" not in result.stdout


@settings(deadline=None)
@given(specs(max_examples=3))
def test_gradcheck_agrees_with_the_oracle_on_random_datasets_with_optimizers(spec):
    oracle = Oracle(spec)
    mean = oracle.batch_gradient(oracle.params, range(len(spec["examples"])))
    assume(not oracle.suspect)
    solution = solve(load_exercise_text(exercise_text(spec)))
    checks = gradient_check(solution)
    assert [check.parameter for check in checks] == [name for name in solution.exercise.network.parameters
                                                     if name not in spec["frozen"]]
    for check in checks:
        assert close(check.backprop, mean[check.parameter], 1e-9), check
        assert check.verdict in (PASS, KINK), check
        if check.verdict == PASS:
            assert abs(check.numeric - mean[check.parameter]) <= 1e-5 * abs(mean[check.parameter]) + \
                1e-8 * max(1.0, solution.values["E"])


def test_gradcheck_on_a_dataset_with_biases_softmax_and_a_frozen_weight():
    text = """title: soft
layers: [2, {units: 2, activation: tanh}, {units: 3, activation: softmax}]
loss: cross_entropy
weights: {W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9, W36: -0.5, W46: 0.2, W37: 0.7, W47: -0.1}
biases: {b3: 0.2, b6: -0.3}
frozen: [W46, b3]
examples:
  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 1, t6: 0, t7: 0}}
  - {inputs: {x1: -0.5, x2: 0.1}, targets: {t5: 0, t6: 0.5, t7: 0.5}}
learning_rate: 0.5
optimizer: momentum
"""
    checks = gradient_check(solve(load_exercise_text(text)))
    names = [check.parameter for check in checks]
    assert "W46" not in names and "b3" not in names and len(names) == 10
    assert all(check.verdict == PASS and check.relative_difference < 1e-7 for check in checks), checks


def test_gradcheck_of_vanishing_and_huge_gradients():
    chain = "title: chain\nlayers: [1" + ", 1" * 9 + "]\ninputs: {x1: 1}\nweights: {" + \
        ", ".join(f"{_name(u, u + 1)}: 0.5" for u in range(1, 10)) + "}\ntargets: {t10: 0.9}\nlearning_rate: 1\n"
    checks = gradient_check(solve(load_exercise_text(chain)))
    first = checks[0]
    assert first.parameter == "W12" and abs(first.backprop) < 1e-5  # shrunk about fourfold a layer
    assert all(check.verdict == PASS for check in checks)
    assert first.numeric == pytest.approx(first.backprop, abs=1e-10)  # rounding in E / h: ~1e-11
    big = "title: big\nlayers: [1, {units: 1, activation: linear}]\ninputs: {x1: 1000}\nweights: {W12: 2000}\n" \
          "targets: {t2: 1}\nlearning_rate: 1e-9\n"
    (check,) = gradient_check(solve(load_exercise_text(big)))
    assert check.backprop == pytest.approx((2e6 - 1) * 1000, rel=1e-15)  # dE/dW = (y - t)·x
    assert check.verdict == PASS and check.relative_difference < 1e-6


def test_gradcheck_exits_1_and_says_fail_when_backprop_is_wrong(cli, monkeypatch):
    real = bpcheck.solve

    def slipped(exercise):
        solution = real(exercise)
        solution.values["dE_dW13"] *= 1.01
        return solution

    monkeypatch.setattr(bpcheck, "solve", slipped)
    result = cli("gradcheck", "ex1")
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("W13 "))
    assert "FAIL" in row and "5 of 6 gradients agree" in result.stdout
    data = strict_json(cli("gradcheck", "ex1", "-f", "json").stdout)
    assert set(data) == {"exercise", "variant", "relative_tolerance", "checks"}
    assert data["exercise"] == "ex1" and data["relative_tolerance"] == 1e-5
    assert [c["parameter"] for c in data["checks"]] == ["W13", "W23", "W14", "W24", "W35", "W45"]
    assert all(set(c) == {"parameter", "backprop", "numeric", "relative_difference", "verdict"} for c in data["checks"])
    w13 = data["checks"][0]
    assert w13["verdict"] == FAIL and w13["relative_difference"] == pytest.approx(0.01 / 1.01, rel=1e-4)


@pytest.mark.parametrize("text", [
    # two outputs whose squared errors each fit a double but whose sum overflows once W12 moves by h
    "title: t\nlayers: [1, {units: 2, activation: linear}]\ninputs: {x1: 9.480751860705417e-147}\n"
    "weights: {W12: 1.0e+300, W13: 1.0e+300}\ntargets: {t2: 0, t3: 0}\nlearning_rate: 1.0e-300\n",
    # one output whose squared error overflows once W12 moves by h
    "title: t\nlayers: [1, {units: 1, activation: linear}]\ninputs: {x1: 1.3407806e-146}\n"
    "weights: {W12: 1.0e+300}\ntargets: {t2: 0}\nlearning_rate: 1.0e-300\n",
])
def test_gradcheck_at_the_edge_of_double_precision_is_one_line(cli, tmp_path, text):
    path = written(tmp_path, text)
    assert cli("solve", path).exit_code == 0  # the exercise itself solves
    for fmt in ("text", "json"):
        assert_bad_input_line(cli("gradcheck", path, "-f", fmt), f"{path}: ", ["E overflows", "W12"])


# ==================================================================== 6. names in answers files

THREE = """title: three examples
layers: [2, 2, 1]
weights: {W13: 0.1, W23: 0.8, W14: 0.4, W24: 0.6, W35: 0.3, W45: 0.9}
examples:
  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}
  - {inputs: {x1: 0.1, x2: 0.2}, targets: {t5: 0.9}}
  - {inputs: {x1: 0.7, x2: -0.3}, targets: {t5: 0.1}}
learning_rate: 1
"""


def by_hand_three():
    """Example 2's forward pass, delta3 and its forward pass after the step, and example 1's dE/dW13."""
    w = {"W13": 0.1, "W23": 0.8, "W14": 0.4, "W24": 0.6, "W35": 0.3, "W45": 0.9}
    rows = ((0.35, 0.9, 0.5), (0.1, 0.2, 0.9), (0.7, -0.3, 0.1))

    def passes(w):
        out = []
        for x1, x2, t in rows:
            y3, y4 = sigmoid(w["W13"] * x1 + w["W23"] * x2), sigmoid(w["W14"] * x1 + w["W24"] * x2)
            y5 = sigmoid(w["W35"] * y3 + w["W45"] * y4)
            d5 = (t - y5) * y5 * (1 - y5)
            out.append((x1, x2, y3, y4, y5, d5, y3 * (1 - y3) * w["W35"] * d5, y4 * (1 - y4) * w["W45"] * d5))
        return out

    before = passes(w)
    grads = {"W13": [-r[6] * r[0] for r in before], "W23": [-r[6] * r[1] for r in before],
             "W14": [-r[7] * r[0] for r in before], "W24": [-r[7] * r[1] for r in before],
             "W35": [-r[5] * r[2] for r in before], "W45": [-r[5] * r[3] for r in before]}
    new = {name: w[name] - sum(g) / 3 for name, g in grads.items()}
    after = passes(new)
    return {"δ3[2]": before[1][6], "y3'[2]": after[1][2], "dE/dW13[1]": grads["W13"][0], "y5[3]": before[2][4]}


def test_dataset_names_written_as_the_readme_promises_grade(cli, tmp_path):
    exercise = written(tmp_path, THREE, "three.yaml")
    expected = by_hand_three()
    assert expected["y3'[2]"] == pytest.approx(0.5423599178569857, rel=1e-12)
    lines = [f"exercise: {exercise}", "answers:"] + [f"  {name}: {value!r}" for name, value in expected.items()]
    answers = written(tmp_path, "\n".join(lines) + "\n", "answers.yaml")
    data = json.loads(cli("grade", answers, "-f", "json").stdout)
    verdicts = {r["name"]: r["verdict"] for r in data["results"]}
    assert {name: verdicts[name] for name in ("delta3[2]", "y3_after[2]", "dE_dW13[1]", "y5[3]")} == \
        dict.fromkeys(("delta3[2]", "y3_after[2]", "dE_dW13[1]", "y5[3]"), "correct")
    assert data["score"] == 4
    # and the Python API takes the same spellings
    assert grade(solve(load_exercise(str(exercise))), expected).score == 4


@pytest.mark.parametrize("name, suggestion", [
    ("y3[0]", "did you mean y3["), ("y3[4]", "did you mean y3[3]"), ("y3[x]", "did you mean y3["),
    ("y3[-1]", "did you mean y3["), ("y3[2][1]", "did you mean y3[2]"), ("W13_new[2]", "write it without an index, as W13_new"),
    ("delta9[1]", "did you mean delta"),
])
def test_out_of_range_and_malformed_example_indices_are_flagged_not_graded(cli, tmp_path, name, suggestion):
    exercise = written(tmp_path, THREE, "three.yaml")
    answers = written(tmp_path, f"exercise: {exercise}\nanswers:\n  \"{name}\": 0.5\n", "answers.yaml")
    graded = cli("grade", answers)
    assert graded.exit_code == 1 and f"⚑ line 3: '{name}' is not a quantity" in graded.stdout  # a slip, not a zero
    assert_bad_input_line(cli("grade", answers, "--strict"), f"{answers}:3:3: ", [name, suggestion])


def test_an_example_index_on_a_shared_value_points_at_the_shared_name(cli, tmp_path):
    # Weights, biases and η have no example index (README, Names): W13[1] is W13, not dE_dW13[1].
    exercise = written(tmp_path, THREE, "three.yaml")
    answers = written(tmp_path, f"exercise: {exercise}\nanswers:\n  \"eta[1]\": 1\n", "answers.yaml")
    message = assert_bad_input_line(cli("grade", answers, "--strict"), f"{answers}:3:3: ", ["eta[1]"])
    assert "delta5" not in message  # not "did you mean delta5[1]?"


# ==================================================================== 7. how the loss behaved


@pytest.mark.parametrize("curve, kind, rises", [
    ([1.0, 3.0, 2.0, 0.5], OSCILLATING, 1),  # a rise, then below the start
    ([1.0, 0.5, 0.4, 1.2], DIVERGING, 1),  # ends higher than it began, and the tail stays there
    ([1.0, 0.1, 5.0, 0.9], OSCILLATING, 1),
    ([1.0] * 50 + [1.5] + [0.9] * 5, OSCILLATING, 1),  # a late spike, but the tail dips below the start
    ([2.0, 1.0] * 10 + [1.9], OSCILLATING, 10),  # ping-pong ending below the start
    ([2.0, 2.0, 2.0], FLAT, 0),  # flat: nothing rose, nothing fell
    ([1.0, 1.0 + 5e-13, 1.0], FLAT, 0),  # a rise of 5e-13 of E is rounding: nothing changed
    ([1.0, 1.0 + 5e-12, 0.9], OSCILLATING, 1),  # one of 5e-12 is not
    ([0.5, 1e-25, 3e-25, 0.0], DECREASING, 0),  # converged: jitter below 1e-20 of the start
    ([0.5, 1e-15, 3e-15, 0.0], OSCILLATING, 1),  # above that floor it is a rise
    ([3.0, 1.0, math.inf], DIVERGING, 0),
])
def test_loss_behaviour_on_curves_built_by_hand(curve, kind, rises):
    behaviour = loss_behaviour(curve, stopped=math.isinf(curve[-1]))
    assert (behaviour.kind, behaviour.rises) == (kind, rises)
    assert behaviour.sentence.split(":")[0] in ("decreases", "oscillates", "diverges", "stays where it began")


def test_stochastic_training_that_rises_sometimes_but_falls_overall_is_not_diverging(cli, tmp_path):
    network = load_exercise_text(LINEAR_DATASET).network
    result = train(network, 60, batch_size=1)
    losses = result.loss + [result.final_loss]
    rises = sum(after > before for before, after in zip(losses, losses[1:]))
    assert rises >= 5 and losses[-1] < losses[0] / 10  # E over the dataset rose on some updates
    assert result.behaviour.kind == OSCILLATING and result.behaviour.rises == rises
    text = cli("train", written(tmp_path, LINEAR_DATASET), "-n", "60", "--batch-size", "1").stdout
    assert "oscillates" in text and "diverges" not in text and "can rise on some updates" in text


def test_xor_with_shuffled_single_examples_is_not_diverging():
    result = train(load_exercise(str(XOR)).network, 3000, batch_size=1, seed=7)
    assert result.final_loss < result.loss[0] / 10
    assert result.behaviour.kind in (OSCILLATING, DECREASING)


# ==================================================================== and more


def test_invariants_that_hold_to_the_last_bit():
    base = load_exercise_text(exercise_text(PINNED)).network
    reference = train(base, 15)
    # the other sign convention flips every delta's sign, which is exact: the same run
    other = base._replace(convention="output_minus_target")
    assert train(other, 15).loss == reference.loss and train(other, 15).final == reference.final
    # momentum with β = 0 is plain gradient descent
    momentum = load_exercise_text(exercise_text({**PINNED, "optimizer": {"name": "momentum", "beta": 0.0}})).network
    assert train(momentum, 15).final == reference.final
    # a full batch does not depend on the order of the examples (its sums are exactly rounded) ...
    reordered = base._replace(examples=base.examples[::-1])
    assert train(reordered, 15).loss == reference.loss and train(reordered, 15).final == reference.final
    # ... nor on each example being given twice (the mean is the same)
    doubled = base._replace(examples=base.examples * 2)
    assert train(doubled, 15).final == reference.final
    # one example under examples: is the same as inputs: and targets:
    single = {**PINNED, "examples": PINNED["examples"][:1]}
    as_dataset = train(load_exercise_text(exercise_text(single)).network, 9)
    plain = train(load_exercise_text(exercise_text(single, as_dataset=False)).network, 9)
    assert as_dataset.loss == plain.loss and as_dataset.final == plain.final


@pytest.mark.parametrize("optimizer", [None, "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 1])
def test_every_parameter_frozen_trains_nothing_and_does_not_crash(cli, tmp_path, optimizer, batch_size):
    text = EX1_YAML + "frozen: [W13, W23, W14, W24, W35, W45]\n"
    if batch_size:
        text = text.replace("inputs: {x1: 0.35, x2: 0.9}\n", "").replace("targets: {t5: 0.5}\n", "") + \
            "examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n" \
            "  - {inputs: {x1: 0.1, x2: 0.2}, targets: {t5: 0.9}}\n"
    path = written(tmp_path, text)
    args = ["train", path, "-n", "4", "-f", "json"] + (["--optimizer", optimizer] if optimizer else []) + \
        (["--batch-size", str(batch_size)] if batch_size else [])
    result = cli(*args)
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    assert data["final"] == data["initial"] and data["state"] == {}
    assert len(set(data["loss"])) == 1 and data["final_loss"] == data["loss"][0]
    assert cli("gradcheck", path).exit_code == 0


def test_a_loss_that_never_changes_is_not_said_to_decrease():
    # Every parameter frozen, or E = 0 from the start: a flat curve, said to be flat.
    behaviour = loss_behaviour([0.0162, 0.0162, 0.0162, 0.0162])
    assert behaviour.kind == FLAT
    assert "decreases" not in behaviour.sentence


def test_progress_is_reported_every_256_updates():
    seen = []
    train(load_exercise("ex1").network, 1000, progress=seen.append)
    assert seen == [256, 512, 768]


def test_train_trains_a_student_s_variant(cli):
    data = json.loads(cli("train", "ex1", "--variant", "alice", "-n", "2", "-f", "json").stdout)
    values = json.loads(cli("solve", "ex1", "--variant", "alice", "-f", "json").stdout)["values"]
    assert data["variant"] == "alice"
    assert data["initial"] == {name: values[name] for name in data["initial"]}
    assert data["loss"][0] == values["E"] and data["loss"][1] == values["E_after"]
    assert data["initial"] != json.loads(cli("train", "ex1", "-n", "2", "-f", "json").stdout)["initial"]


def test_solve_optimizer_option_is_train_s_first_step(cli):
    for name in ("momentum,beta=0.5", "adam,beta1=0.8,epsilon=0.001"):
        values = json.loads(cli("solve", "ex1", "--optimizer", name, "-f", "json").stdout)["values"]
        data = json.loads(cli("train", "ex1", "-n", "1", "--optimizer", name, "-f", "json").stdout)
        assert data["final"] == {p: values[f"{p}_new"] for p in data["final"]}
        assert data["final_loss"] == values["E_after"]


def test_titles_are_escaped_in_train_and_gradcheck(cli, tmp_path):
    path = written(tmp_path, 'title: "evil\\e[2J\\u202e"\n' + EX1_YAML.split("\n", 1)[1])
    for command in ("train", "gradcheck"):
        result = cli(command, path, *(["-n", "2"] if command == "train" else []))
        assert "\x1b" not in result.output and "\u202e" not in result.output
        assert "evil\\x1b[2J\\u202e" in result.stdout
    data = strict_json(cli("train", path, "-n", "2", "-f", "json").stdout)
    assert data["title"] == "evil\\x1b[2J\\u202e"


def test_plot_title_with_dollars_is_text_not_mathtext(cli, tmp_path):
    # Fixed (report/plot.py): a title with $...$ was parsed as mathtext, and an invalid one crashed
    # matplotlib after the whole run (ParseSyntaxException, a traceback).
    pytest.importorskip("matplotlib")
    path = written(tmp_path, 'title: "costs $\\\\frac{1}{$ and $^^$"\n' + EX1_YAML.split("\n", 1)[1])
    for suffix in ("svg", "png"):
        target = tmp_path / f"loss.{suffix}"
        result = cli("train", path, "-n", "5", "--plot", target)
        assert result.exit_code == 0, result.output
    assert "costs $\\frac{1}{$ and $^^$" in (tmp_path / "loss.svg").read_text()


def test_the_same_run_writes_the_same_plot_bytes(cli, tmp_path):
    # Fixed (report/plot.py): matplotlib salts SVG ids at random unless svg.hashsalt is set.
    pytest.importorskip("matplotlib")
    for suffix in ("svg", "png"):
        first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        assert cli("train", "ex1", "-n", "40", "--plot", first).exit_code == 0
        assert cli("train", "ex1", "-n", "40", "--plot", second).exit_code == 0
        assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a.svg").read_bytes() != run_plot_bytes(cli, tmp_path, 41)


def run_plot_bytes(cli, tmp_path: Path, iterations: int) -> bytes:
    target = tmp_path / f"other{iterations}.svg"
    assert cli("train", "ex1", "-n", iterations, "--plot", target).exit_code == 0
    return target.read_bytes()


def test_an_update_that_overflows_at_once_is_reported_in_text(cli, tmp_path):
    path = written(tmp_path, "title: t\nlayers: [2, {units: 1, activation: linear}]\ninputs: {x1: 1, x2: 1}\n"
                             "weights: {W13: 1, W23: 1}\ntargets: {t3: 0}\nlearning_rate: 0.1\n")
    result = cli("train", path, "-n", "10", "--eta", "8e307")
    assert result.exit_code == 0, result.output
    assert "diverges: the numbers grew past double precision" in result.stdout
    # W13 = W23 = 1 - 8e307·2 = -1.6e308 are still numbers; a3 = W13 + W23 is not: update 2 overflows.
    assert "Update 2 overflowed double precision" in result.stdout
    data = strict_json(cli("train", path, "-n", "10", "--eta", "8e307", "-f", "json").stdout)
    assert data["loss"] == [2.0] and data["overflowed_at"] == 2 and data["first_below"] is None


def test_optimizer_state_spellings_grade(cli, adam_dataset, tmp_path):
    values = solve(load_exercise(str(adam_dataset))).values
    spelled = {"m_w13'": values["m_W13_new"], "v_W13_new": values["v_W13_new"], "m̂_W13": values["mhat_W13"],
               "v̂_b3": values["vhat_b3"], "bias_correction1": values["bias_correction1"],
               "δ5[2]": values["delta5[2]"], "dE/db5": values["dE_db5"]}
    lines = [f"exercise: {adam_dataset}", "answers:"] + [f"  {name}: {value!r}" for name, value in spelled.items()]
    answers = written(tmp_path, "\n".join(lines) + "\n", "answers.yaml")
    data = json.loads(cli("grade", answers, "-f", "json").stdout)
    correct = {r["name"] for r in data["results"] if r["verdict"] == "correct"}
    assert correct == {"m_W13_new", "v_W13_new", "mhat_W13", "vhat_b3", "bias_correction1", "delta5[2]", "dE_db5",
                       "downhill"}


def test_adam_at_the_largest_step_number(cli, tmp_path):
    path = written(tmp_path, EX1_YAML + "optimizer: {name: adam, step: 1000000}\n")
    values = json.loads(cli("solve", path, "-f", "json").stdout)["values"]
    assert values["bias_correction1"] == 1.0 and values["bias_correction2"] == 1.0  # 0.999^1e6 underflows to 0
    # with corrections of 1 and zero moments: m = 0.1 g, v = 0.001 g², dW = -η·0.1g/(√0.001·|g| + ε)
    g = values["dE_dW13"]
    assert values["dW13"] == pytest.approx(-0.1 * g / (math.sqrt(0.001) * abs(g) + 1e-8), rel=1e-12)
    data = json.loads(cli("train", path, "-n", "3", "-f", "json").stdout)
    assert data["final"]["W13"] != 0.1 and len(data["loss"]) == 3


def test_two_spellings_of_one_state_are_refused(cli, tmp_path):
    # v_W13 and v_w13 name one value: refused, as inputs: and weights: refuse two names of one thing.
    path = written(tmp_path, HEAD + ONE + "optimizer: {name: momentum, state: {v_W13: 0.1, v_w13: 0.2}}\n")
    assert_bad_input_line(cli("solve", path), f"{path}:7:", ["v_w13"])


def test_an_optimizer_mapping_without_a_name_is_said_plainly(cli, tmp_path):
    # A mapping without a name says the name is missing (never Python's repr of the mapping).
    path = written(tmp_path, HEAD + ONE + "optimizer: {beta: 0.5}\n")
    message = assert_bad_input_line(cli("solve", path), f"{path}:7:", ["name"])
    assert "{'beta'" not in message


def test_gradcheck_sees_a_kink_in_the_second_example_of_a_dataset():
    text = RELU_KINK.replace("inputs: {x1: 1, x2: 1}\n", "").replace("targets: {t5: 0.9}\n", "") + \
        "examples:\n  - {inputs: {x1: 0.2, x2: -0.6}, targets: {t5: 0.9}}\n" \
        "  - {inputs: {x1: 1, x2: 1}, targets: {t5: 0.9}}\n"
    solution = solve(load_exercise_text(text))
    assert solution.values["a3[2]"] == 0.0 and solution.values["a3[1]"] == pytest.approx(0.4)
    checks = {check.parameter: check for check in gradient_check(solution)}
    # example 1 has unit 3 active; example 2 adds half its one-sided slope to the difference, not to backprop
    y5_2 = sigmoid(0.0)
    half = 0.5 * 0.7 * (y5_2 - 0.9) * y5_2 * (1 - y5_2) / 2  # mean over 2 examples, then half of it
    assert checks["W13"].verdict == KINK
    assert checks["W13"].numeric - checks["W13"].backprop == pytest.approx(half * 1, rel=1e-4)
    assert checks["W23"].numeric - checks["W23"].backprop == pytest.approx(half * 1, rel=1e-4)


def test_each_layer_s_mean_abs_delta_at_the_start_and_the_end_matches_the_oracle():
    oracle = Oracle(PINNED)
    result = train(load_exercise_text(exercise_text(PINNED)).network, 30, batch_size=2, seed=4)
    final = oracle.train(30, 2, 4)[2]
    for params, depth in ((oracle.params, result.depth_start), (final, result.depth_end)):
        deltas: dict[int, list[float]] = {}
        for inputs, targets in PINNED["examples"]:
            for unit, grad_a in oracle.unit_gradients(params, inputs, targets)[1].items():
                deltas.setdefault(unit, []).append(abs(grad_a))
        layers = {"2 (hidden, units 3-5)": (3, 4, 5), "3 (hidden, units 6-7)": (6, 7), "4 (output, unit 8)": (8,)}
        expected = {label: sum(sum(deltas[u]) for u in units) / (len(units) * 5) for label, units in layers.items()}
        assert [label for label, _ in depth] == list(expected)
        for label, mean in depth:
            assert close(mean, expected[label], 1e-9), (label, mean, expected[label])
