"""The solver against an independent oracle on random networks.

The oracle is a forward pass written here from the tutorial's definitions (§3, §5, §16, §19), without
any of bpcheck's code. Its central finite differences of E give the true gradients that bpcheck's
dE_dW / dE_db must match, and re-running it on the new weights gives the check pass (y*_after, E_after).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pytest
from helpers import sigmoid
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpcheck.network import Network
from bpcheck.solver import build_graph

EPS = 2.0 ** -52  # machine epsilon of a double
H = 1e-6          # finite-difference step
RTOL = 1e-6       # gradients must agree to this, relative
ATOL = 1e-8       # ... or absolutely, for gradients near zero
RELU_MARGIN = 1e-4  # relu pre-activations closer to 0 than this are avoided: relu' jumps at 0
# Rounding noise allowed for, in units of EPS times E's error scale (Pass.noise). Over ~350,000
# random gradients the finite differences' actual error reached about 1 such unit: 10 leaves room.
NOISE_ULPS = 10

ELEMENTWISE = ("sigmoid", "tanh", "relu", "linear", "softsign")
CONVENTIONS = ("target_minus_output", "output_minus_target")


# ---------------------------------------------------------------- the network, in the test's own terms


def wname(source: int, dest: int) -> str:
    return f"W{source}_{dest}" if source >= 10 or dest >= 10 else f"W{source}{dest}"


def bname(unit: int) -> str:
    return f"b{unit}"


@dataclass(frozen=True)
class Case:
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    inputs: dict[int, float]
    weights: dict[tuple[int, int], float]
    biases: dict[int, float]
    targets: dict[int, float]
    eta: float
    loss: str = "squared_error"
    convention: str = "target_minus_output"
    frozen: frozenset = field(default_factory=frozenset)

    @property
    def layers(self) -> list[list[int]]:
        layers, first = [], 1
        for size in self.sizes:
            layers.append(list(range(first, first + size)))
            first += size
        return layers

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by name."""
        params = {wname(s, d): w for (s, d), w in self.weights.items()}
        params.update({bname(u): b for u, b in self.biases.items()})
        return params

    def with_parameters(self, params: dict[str, float]) -> Case:
        weights = {(s, d): params[wname(s, d)] for (s, d) in self.weights}
        biases = {u: params[bname(u)] for u in self.biases}
        return replace(self, weights=weights, biases=biases)

    def network(self, convention: str | None = None) -> Network:
        return Network(layer_sizes=self.sizes, activations=self.activations, inputs=self.inputs,
                       weights=self.weights, targets=self.targets, learning_rate=self.eta,
                       biases=self.biases, loss=self.loss, convention=convention or self.convention,
                       frozen=self.frozen)


def solve(case: Case, convention: str | None = None) -> dict[str, float]:
    return build_graph(case.network(convention)).evaluate()


# ---------------------------------------------------------------- the independent forward pass


def activate(name: str, a: float) -> float:
    return {"sigmoid": sigmoid, "tanh": math.tanh, "relu": lambda v: max(v, 0.0),
            "linear": lambda v: v, "softsign": lambda v: v / (1 + abs(v))}[name](a)


def slope(name: str, a: float, y: float) -> float:
    return {"sigmoid": y * (1 - y), "tanh": 1 - y * y, "relu": float(a > 0), "linear": 1.0,
            "softsign": 1 / (1 + abs(a)) ** 2}[name]  # softsign's from a: bpcheck writes it from y


@dataclass
class Pass:
    a: dict[int, float]
    y: dict[int, float]  # outputs of every unit, inputs included
    E: float
    noise: float         # E's rounding error is of order EPS·noise (see forward)

    def relu_pattern(self, case: Case) -> tuple[bool, ...]:
        return tuple(self.a[u] > 0 for depth, layer in enumerate(case.layers[1:])
                     if case.activations[depth] == "relu" for u in layer)


def forward(case: Case) -> Pass:
    """a, y and E of ``case``. Alongside, a first-order bound on how far rounding can move each value
    (scale_*: the sum of absolute values it is built from, shrunk by the activation's slope), so the
    finite differences know how much of their result is rounding noise."""
    a, y, scale_o, scale_a = {}, {}, {}, {}
    for unit in case.layers[0]:
        y[unit] = case.inputs[unit]
        scale_o[unit] = abs(y[unit])
    for depth, layer in enumerate(case.layers[1:]):
        activation, previous = case.activations[depth], case.layers[depth]
        for unit in layer:
            terms = [case.weights[(s, unit)] * y[s] for s in previous] + [case.biases.get(unit, 0.0)]
            a[unit] = math.fsum(terms)
            scale_a[unit] = sum(abs(case.weights[(s, unit)]) * scale_o[s] for s in previous) \
                + abs(case.biases.get(unit, 0.0)) + abs(a[unit])
        if activation == "softmax":
            top = max(a[u] for u in layer)
            exps = {u: math.exp(a[u] - top) for u in layer}
            total = math.fsum(exps.values())
            for unit in layer:
                y[unit] = exps[unit] / total
        else:
            for unit in layer:
                y[unit] = activate(activation, a[unit])
                scale_o[unit] = abs(slope(activation, a[unit], y[unit])) * scale_a[unit] + abs(y[unit])
    outputs = case.layers[-1]
    if case.loss == "cross_entropy":
        # -Σ t ln y with ln y_k = a_k - logsumexp(a): finite even when y_k underflows to 0.
        top = max(a[u] for u in outputs)
        lse = top + math.log(math.fsum(math.exp(a[u] - top) for u in outputs))
        E = math.fsum(case.targets[u] * (lse - a[u]) for u in outputs)
        noise = abs(E) + 2 * sum(scale_a[u] for u in outputs)
    else:
        E = 0.5 * math.fsum((case.targets[u] - y[u]) ** 2 for u in outputs)
        noise = abs(E) + sum(abs(case.targets[u] - y[u]) * scale_o[u] for u in outputs)
    return Pass(a, y, E, noise)


def finite_difference(case: Case, name: str, base: Pass) -> tuple[float, float]:
    """Central difference of E in parameter ``name``, and the absolute tolerance it deserves.

    Rounding errors of size EPS·noise in E(W ± H) become EPS·noise/H in the difference: with E ≈ 1
    that is ~1e-10, but a deep linear network can have E ≈ 1e6, so the tolerance is ATOL plus that
    noise (with room to spare), never a fixed number.
    """
    params = case.parameters()
    shifted = []
    for step in (+H, -H):
        run = forward(case.with_parameters({**params, name: params[name] + step}))
        # A step that flips a relu on or off measures the kink, not the slope: skip such a case.
        assume(run.relu_pattern(case) == base.relu_pattern(case))
        shifted.append(run)
    gradient = (shifted[0].E - shifted[1].E) / (2 * H)
    noise = NOISE_ULPS * EPS * max(run.noise for run in shifted) / H
    return gradient, ATOL + noise


# ---------------------------------------------------------------- random networks

unit_value = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@st.composite
def cases(draw) -> Case:
    # 2 to 5 layers in all (1 to 4 after the inputs), each of 1 to 4 units.
    sizes = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=5)))
    loss = draw(st.sampled_from(("squared_error", "cross_entropy")))
    hidden = [draw(st.sampled_from(ELEMENTWISE)) for _ in sizes[1:-1]]
    output = "softmax" if loss == "cross_entropy" else draw(st.sampled_from(ELEMENTWISE))
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size
    inputs = {u: draw(unit_value) for u in layers[0]}
    weights = {(s, d): draw(unit_value)
               for below, above in zip(layers, layers[1:]) for d in above for s in below}
    non_input = [u for layer in layers[1:] for u in layer]
    biased = draw(st.lists(st.sampled_from(non_input), unique=True))
    biases = {u: draw(unit_value) for u in sorted(biased)}
    if loss == "cross_entropy":  # targets form a probability distribution, often one-hot
        raw = [draw(st.floats(0.0, 1.0)) for _ in layers[-1]]
        raw[draw(st.integers(0, len(raw) - 1))] += 1.0
        targets = {u: r / math.fsum(raw) for u, r in zip(layers[-1], raw)}
    else:
        targets = {u: draw(unit_value) for u in layers[-1]}
    # (0, 2], kept clear of subnormal rates, for which η·dE_dW loses its precision
    eta = draw(st.floats(min_value=1e-6, max_value=2.0))
    names = sorted({wname(s, d) for s, d in weights} | {bname(u) for u in biases})
    frozen = frozenset(draw(st.lists(st.sampled_from(names), unique=True, max_size=3)))
    return Case(sizes=sizes, activations=tuple(hidden + [output]), inputs=inputs, weights=weights,
                biases=biases, targets=targets, eta=eta, loss=loss,
                convention=draw(st.sampled_from(CONVENTIONS)), frozen=frozen)


def assume_no_relu_kink(case: Case, run: Pass) -> None:
    # relu's slope jumps at 0, and softsign's curvature does (|a|): a central difference there is off
    # by the step itself.
    for depth, layer in enumerate(case.layers[1:]):
        if case.activations[depth] in ("relu", "softsign"):
            for unit in layer:
                assume(abs(run.a[unit]) > RELU_MARGIN)


def close(x: float, y: float, scale: float, ulps: float = 8) -> bool:
    """Equal up to ``ulps`` roundings of numbers of size ``scale`` (and past the subnormal range)."""
    return abs(x - y) <= ulps * EPS * scale + 1e-300


# ---------------------------------------------------------------- the property tests


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(cases())
def test_gradients_match_finite_differences(case):
    run = forward(case)
    assume_no_relu_kink(case, run)
    values = solve(case)
    for name in case.parameters():
        gradient_name = f"dE_d{name}"
        if name in case.frozen:
            assert gradient_name not in values
            continue
        expected, atol = finite_difference(case, name, run)
        assert math.isclose(values[gradient_name], expected, rel_tol=RTOL, abs_tol=atol), \
            (gradient_name, values[gradient_name], expected, atol)


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(cases())
def test_forward_pass_and_loss_match_the_oracle(case):
    run = forward(case)
    values = solve(case)
    tolerance = NOISE_ULPS * EPS * run.noise  # E's own rounding
    assert abs(values["E"] - run.E) <= tolerance, (values["E"], run.E)
    for unit, a in run.a.items():
        assert math.isclose(values[f"a{unit}"], a, rel_tol=1e-12, abs_tol=1e-12 * (1 + abs(a)))
        assert math.isclose(values[f"y{unit}"], run.y[unit], rel_tol=1e-12, abs_tol=1e-12)


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(cases())
def test_both_conventions_take_the_same_step(case):
    """§18: the conventions differ in the sign of delta only; gradients and new values agree."""
    plus = solve(case, "target_minus_output")
    minus = solve(case, "output_minus_target")
    for unit in (u for layer in case.layers[1:] for u in layer):
        assert minus[f"delta{unit}"] == pytest.approx(-plus[f"delta{unit}"], rel=1e-15, abs=0)
    for name in case.parameters():
        if name in case.frozen:
            continue
        for quantity in (f"{name}_new", f"dE_d{name}", f"d{name}"):
            assert minus[quantity] == pytest.approx(plus[quantity], rel=1e-15, abs=0), quantity


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(cases())
def test_update_rule_and_delta_meaning(case):
    """W_new = W - η·dE_dW; dE_dW = -δ·o (t - y convention) or +δ·o (y - t convention)."""
    values = solve(case)
    sign = -1.0 if case.convention == "target_minus_output" else 1.0
    output_of = {u: values[f"x{u}"] for u in case.layers[0]}
    output_of.update({u: values[f"y{u}"] for layer in case.layers[1:] for u in layer})
    sources = {**{wname(s, d): (d, output_of[s]) for s, d in case.weights},
               **{bname(u): (u, 1.0) for u in case.biases}}
    for name, value in case.parameters().items():
        if name in case.frozen:
            assert {f"d{name}", f"{name}_new"}.isdisjoint(values)
            continue
        unit, o = sources[name]
        gradient, step = values[f"dE_d{name}"], values[f"d{name}"]
        assert close(gradient, sign * values[f"delta{unit}"] * o, abs(gradient))
        assert close(step, -case.eta * gradient, abs(step))
        new = value - case.eta * gradient
        assert close(values[f"{name}_new"], new, abs(value) + abs(case.eta * gradient))


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(cases())
def test_check_pass_is_the_forward_pass_on_the_new_parameters(case):
    values = solve(case)
    params = case.parameters()
    new = {name: (value if name in case.frozen else values[f"{name}_new"])
           for name, value in params.items()}
    after = forward(case.with_parameters(new))
    tolerance = NOISE_ULPS * EPS * after.noise
    assert abs(values["E_after"] - after.E) <= tolerance, (values["E_after"], after.E)
    for unit, a in after.a.items():
        assert math.isclose(values[f"a{unit}_after"], a, rel_tol=1e-12, abs_tol=1e-12 * (1 + abs(a)))
        assert math.isclose(values[f"y{unit}_after"], after.y[unit], rel_tol=1e-12, abs_tol=1e-12)


# ---------------------------------------------------------------- fixed cases

SIMPLE = Case(sizes=(2, 2, 1), activations=("relu", "sigmoid"), inputs={1: 1.0, 2: 1.0},
              weights={(1, 3): 0.5, (2, 3): -0.5, (1, 4): 0.3, (2, 4): 0.2, (3, 5): 0.7, (4, 5): 0.4},
              biases={}, targets={5: 1.0}, eta=1.0)


def test_relu_slope_at_exactly_zero_is_zero():
    """a3 = 0.5 - 0.5 = 0 exactly: relu'(0) is taken as 0, so nothing flows back through unit 3."""
    values = solve(SIMPLE)
    assert values["a3"] == 0.0 and values["y3"] == 0.0
    assert values["delta3"] == 0.0
    assert values["dE_dW13"] == 0.0 and values["dW23"] == 0.0 and values["W13_new"] == 0.5
    assert values["delta4"] != 0.0  # while the live unit does learn


def test_weight_names_past_unit_nine_use_an_underscore():
    # 4-4-4-1: units 1-4, 5-8, 9-12, 13. W5_10 needs the "_" (W510 could be W5_10 or W51_0);
    # W59 and W48 join single-digit units and keep the plain form.
    sizes = (4, 4, 4, 1)
    case = Case(sizes=sizes, activations=("tanh", "sigmoid", "linear"),
                inputs={u: 0.1 * u for u in range(1, 5)},
                weights={(s, d): 0.1 for s, d in
                         [(s, d) for s in range(1, 5) for d in range(5, 9)]
                         + [(s, d) for s in range(5, 9) for d in range(9, 13)]
                         + [(s, 13) for s in range(9, 13)]},
                biases={}, targets={13: 0.5}, eta=0.5)
    values = solve(case)
    for name in ("W59", "W48", "W5_10", "W8_12", "W9_13", "W12_13", "dE_dW5_10", "dW9_13",
                 "W9_13_new"):
        assert name in values, name
    assert {"W5_9", "W510", "W913", "W1213"}.isdisjoint(values)


# Numerical stability: the solver must not overflow where the mathematics is finite.


def test_saturated_sigmoids_stay_finite():
    """Pre-activations of ±1000: e^1000 overflows a double, so a naive σ would raise OverflowError."""
    case = Case(sizes=(1, 2, 1), activations=("sigmoid", "sigmoid"), inputs={1: 1.0},
                weights={(1, 2): 1000.0, (1, 3): -1000.0, (2, 4): -1000.0, (3, 4): 1000.0},
                biases={}, targets={4: 0.5}, eta=1.0)
    values = solve(case)  # raises OverflowError (or bpcheck's "too large") if exp overflows
    assert all(math.isfinite(v) for v in values.values())
    assert values["a2"] == 1000.0 and values["a3"] == -1000.0
    assert values["y2"] == 1.0
    assert 0.0 <= values["y3"] < 1e-300  # σ(-1000) ≈ e^-1000 ≈ 0
    assert values["a4"] == pytest.approx(-1000.0)
    assert 0.0 <= values["y4"] < 1e-300
    assert values["E"] == pytest.approx(0.125)  # ½(0.5 - 0)²
    assert values["delta4"] == pytest.approx(0.0, abs=1e-300)  # σ' vanishes when saturated


def test_saturated_wrong_softmax_gives_a_large_finite_cross_entropy():
    """Logits -1000 (target class) and +1000: y_target = e^-2000 underflows to 0, so -ln y would be
    inf; the true loss is ln(1 + e^2000) ≈ 2000, the logit gap."""
    case = Case(sizes=(1, 2), activations=("softmax",), inputs={1: 1.0},
                weights={(1, 2): -1000.0, (1, 3): 1000.0}, biases={}, targets={2: 1.0, 3: 0.0},
                eta=1.0, loss="cross_entropy")
    values = solve(case)
    assert all(math.isfinite(v) for v in values.values())
    assert values["E"] == pytest.approx(2000.0, rel=1e-12)
    assert values["y2"] == pytest.approx(0.0, abs=1e-300) and values["y3"] == pytest.approx(1.0)
    assert values["delta2"] == pytest.approx(1.0) and values["delta3"] == pytest.approx(-1.0)
    assert values["dE_dW12"] == pytest.approx(-1.0)  # the true gradient: y2 - t2 = -1, times x1 = 1
    # One step of η = 1 moves each logit by 1: the gap is 1998.
    assert values["E_after"] == pytest.approx(1998.0, rel=1e-12)
