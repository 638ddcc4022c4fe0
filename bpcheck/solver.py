"""Builds the graph of one gradient-descent step, tutorial §12 in order:
forward pass -> error -> deltas -> gradients and updates -> forward pass with the new weights.

Pure: no I/O, no click, rich or yaml. Each quantity's formula sits beside its rendering, so what is
printed is what was computed.
"""

from __future__ import annotations

import math
import re

from . import formulas as f
from .activations import ACTIVATIONS
from .losses import LOSSES
from .network import OPTIMIZER_SETTINGS, OPTIMIZER_STATE, Network, Optimizer, bias_name, weight_name
from .numbers import exact_sum, in_parentheses
from .quantities import Graph, Quantity

# ---------------------------------------------------------------- activations, numerically stable


def slope(network: Network, unit: int, values) -> float:
    """f'(a) of a unit from ``values`` (its y, or its a for relu); 1 for a linear unit."""
    activation = ACTIVATIONS[network.activation_of(unit)]
    if activation.slope is None:
        return 1.0
    return activation.slope(values[f"{activation.slope_of}{unit}"])


def output_name(network: Network, unit: int, suffix: str = "") -> str:
    """What a unit passes on: x1 for an input, y3 (or y3_after) for any other unit."""
    return f"x{unit}" if unit in network.layers[0] else f"y{unit}{suffix}"


def softmax(*logits: float) -> list[float]:
    top = max(logits)
    exps = [math.exp(a - top) for a in logits]
    total = math.fsum(exps)
    return [e / total for e in exps]


# ---------------------------------------------------------------- rendering helpers



def _sum_of_products(pairs: list[tuple[str, str]], bias: str | None):
    """Symbolic text, numeric shower and compute function for Σ W·o (+ b)."""
    symbolic = " + ".join(f"{w}·{o}" for w, o in pairs)
    if bias:
        symbolic += f" + {bias}"
    count = len(pairs)

    def compute(*v):
        terms = [v[2 * k] * v[2 * k + 1] for k in range(count)]
        if bias:
            terms.append(v[-1])
        return exact_sum(terms)

    def show(v, fmt):
        text = " + ".join(in_parentheses(fmt, v[2 * k]) + in_parentheses(fmt, v[2 * k + 1]) for k in range(count))
        return text + (f" + {in_parentheses(fmt, v[-1])}" if bias else "")

    inputs = tuple(name for pair in pairs for name in pair) + ((bias,) if bias else ())
    return inputs, compute, symbolic, show


# ---------------------------------------------------------------- the graph


class _Builder:
    def __init__(self, network: Network):
        self.net = network
        self.quantities: list[Quantity] = []
        self.plus = network.convention == "target_minus_output"

    def add(self, **fields) -> None:
        self.quantities.append(Quantity(**fields))

    def output_name(self, unit: int, suffix: str = "") -> str:
        return output_name(self.net, unit, suffix)

    def trainable(self, name: str) -> bool:
        return name not in self.net.frozen

    # -- givens
    def givens(self) -> None:
        net = self.net
        for unit in net.layers[0]:
            self.add(name=f"x{unit}", stage="given", kind="x", given=net.inputs[unit], unit=unit)
        for (source, dest), value in self.weight_items():
            self.add(name=weight_name(source, dest), stage="given", kind="W", given=value,
                     unit=dest, source=source)
        for unit, value in sorted(net.biases.items()):
            self.add(name=bias_name(unit), stage="given", kind="b", given=value, unit=unit)
        for unit in net.output_units:
            self.add(name=f"t{unit}", stage="given", kind="t", given=net.targets[unit], unit=unit)
        self.add(name="eta", stage="given", kind="eta", given=net.learning_rate)

    def weight_items(self):
        """Weights grouped by destination, sources ascending: the tutorial's table order."""
        return sorted(self.net.weights.items(), key=lambda item: (item[0][1], item[0][0]))

    # -- forward pass (also re-run with the new weights, suffix "_after")
    def forward(self, suffix: str = "", stage: str = "forward") -> None:
        net = self.net
        for depth in range(1, len(net.layers)):
            layer = net.layers[depth]
            activation = net.activations[depth - 1]
            for unit in layer:
                pairs = [(self.parameter(weight_name(src, unit), suffix), self.output_name(src, suffix))
                         for src in net.layers[depth - 1]]
                bias = self.parameter(bias_name(unit), suffix) if unit in net.biases else None
                inputs, compute, symbolic, show = _sum_of_products(pairs, bias)
                form = f.Sum(tuple(f.Prod((f.Ref(w, "weight"), f.Ref(o, "output")), "input") for w, o in pairs)
                             + ((f.Ref(bias, "bias"),) if bias else ()))
                self.add(name=f"a{unit}{suffix}", stage=stage, kind="a", inputs=inputs, compute=compute,
                         symbolic=symbolic, show=show, unit=unit, before=f"a{unit}" if suffix else "", form=form)
                if activation != "softmax":
                    self.activation(unit, activation, suffix, stage)
            if activation == "softmax":
                for unit in layer:
                    self.softmax_output(unit, layer, suffix, stage)

    def parameter(self, name: str, suffix: str) -> str:
        """In the re-run forward pass, a trained parameter is read at its new value."""
        return f"{name}_new" if suffix and self.trainable(name) else name

    def activation(self, unit: int, activation: str, suffix: str, stage: str) -> None:
        entry, a = ACTIVATIONS[activation], f"a{unit}{suffix}"
        fn, symbol = entry.function, entry.symbol
        self.add(name=f"y{unit}{suffix}", stage=stage, kind="y", inputs=(a,), compute=fn,
                 symbolic=f"{symbol}({a})" if symbol else a,
                 show=lambda v, fmt: f"{symbol}({fmt(v[0])})" if symbol else fmt(v[0]), unit=unit,
                 before=f"y{unit}" if suffix else "", form=f.Act(activation, f.Ref(a)))

    def softmax_output(self, unit: int, layer: tuple[int, ...], suffix: str, stage: str) -> None:
        logits = tuple(f"a{k}{suffix}" for k in layer)
        index = layer.index(unit)
        denominator = " + ".join(f"exp({a})" for a in logits)
        self.add(name=f"y{unit}{suffix}", stage=stage, kind="y", inputs=logits,
                 compute=lambda *v: softmax(*v)[index],
                 symbolic=f"exp(a{unit}{suffix}) / ({denominator})",
                 show=lambda v, fmt: f"exp({fmt(v[index])}) / ("
                                     + " + ".join(f"exp({fmt(x)})" for x in v) + ")",
                 unit=unit, before=f"y{unit}" if suffix else "")

    # -- error
    def loss(self, suffix: str = "", stage: str = "loss") -> None:
        outputs = self.net.output_units
        terms = LOSSES[self.net.loss].terms(tuple(f"t{k}" for k in outputs), tuple(f"y{k}{suffix}" for k in outputs),
                                            tuple(f"a{k}{suffix}" for k in outputs))
        self.add(name=f"E{suffix}", stage=stage, kind="E", inputs=terms.inputs, compute=terms.compute,
                 symbolic=terms.symbolic, show=terms.show, before="E" if suffix else "",
                 form=self.loss_form(outputs, suffix))

    def loss_form(self, outputs, suffix: str):
        """½Σ(t - y)², or -Σ t·ln y, as a tree (the solver computes cross-entropy from the logits too)."""
        if LOSSES[self.net.loss].halved:
            return f.Prod((f.Num(0.5, "half"), f.Sum(tuple(
                f.Square(f.Sub(f.Ref(f"t{k}"), f.Ref(f"y{k}{suffix}")), "output-term") for k in outputs))))
        return f.Prod((f.Num(-1.0, "sign"), f.Sum(tuple(
            f.Prod((f.Ref(f"t{k}"), f.Log(f.Ref(f"y{k}{suffix}"))), "output-term") for k in outputs))))

    def slope_form(self, unit: int) -> tuple:
        """The slope as a factor of a delta's tree; none for a linear unit."""
        activation = ACTIVATIONS[self.net.activation_of(unit)]
        if activation.slope is None:
            return ()
        return (f.Slope(activation.name, f.Ref(f"{activation.slope_of}{unit}")),)

    # -- deltas
    def slope(self, unit: int):
        """f'(a) of a unit as (inputs, compute, symbolic, show); linear units have none."""
        activation = ACTIVATIONS[self.net.activation_of(unit)]
        if activation.slope is None:
            return ((), None, "", None)
        value = f"{activation.slope_of}{unit}"
        return ((value,), activation.slope, activation.written_slope(value), activation.slope_shown)

    def output_delta(self, unit: int) -> None:
        t, y = f"t{unit}", f"y{unit}"
        # Default convention: delta = -dE/da = f'(a)(t - y); the other one flips it to (y - t).
        error_sym = f"({t} - {y})" if self.plus else f"({y} - {t})"
        sign = 1.0 if self.plus else -1.0
        slope_inputs, slope_fn, slope_sym, slope_show = self.slope(unit)
        if LOSSES[self.net.loss].slope_cancels:  # softmax with cross-entropy: the slope cancels (§19)
            slope_inputs, slope_fn, slope_sym, slope_show = (), None, "", None
        n = len(slope_inputs)

        def compute(*v):
            error = sign * exact_sum((v[n], -v[n + 1]))  # t - y: 0 when the output is on its target
            return slope_fn(*v[:n]) * error if slope_fn else error

        def show(v, fmt):
            error = f"({fmt(v[n])} - {fmt(v[n + 1])})" if self.plus else f"({fmt(v[n + 1])} - {fmt(v[n])})"
            return (slope_show(*v[:n], fmt) if slope_show else "") + error

        error = f.Sub(f.Ref(t), f.Ref(y), "error") if self.plus else f.Sub(f.Ref(y), f.Ref(t), "error")
        cancels = LOSSES[self.net.loss].slope_cancels
        form = f.Prod((error,), "output-delta-cancelled") if cancels else f.Prod(self.slope_form(unit) + (error,))
        self.add(name=f"delta{unit}", stage="backward", kind="delta", inputs=slope_inputs + (t, y),
                 compute=compute, symbolic=slope_sym + error_sym, show=show, unit=unit, form=form)

    def hidden_delta(self, unit: int) -> None:
        downstream = self.net.outgoing(unit)
        pairs = [(weight_name(unit, k), f"delta{k}") for k in downstream]
        slope_inputs, slope_fn, slope_sym, slope_show = self.slope(unit)
        n, count = len(slope_inputs), len(pairs)
        total_sym = " + ".join(f"{w}·{d}" for w, d in pairs)
        if not slope_sym:  # a linear unit: just the sum
            symbolic = total_sym
        else:
            symbolic = slope_sym + (f"·{total_sym}" if count == 1 else f"·({total_sym})")

        def compute(*v):
            total = exact_sum(v[n + 2 * k] * v[n + 2 * k + 1] for k in range(count))
            return slope_fn(*v[:n]) * total if slope_fn else total

        def show(v, fmt):
            terms = [in_parentheses(fmt, v[n + 2 * k]) + in_parentheses(fmt, v[n + 2 * k + 1]) for k in range(count)]
            total = terms[0] if count == 1 else "[" + " + ".join(terms) + "]"
            return (slope_show(*v[:n], fmt) if slope_show else "") + total

        total = f.Sum(tuple(f.Prod((f.Ref(w, "weight"), f.Ref(d, "delta")), "downstream") for w, d in pairs))
        self.add(name=f"delta{unit}", stage="backward", kind="delta",
                 inputs=slope_inputs + tuple(name for pair in pairs for name in pair),
                 compute=compute, symbolic=symbolic, show=show, unit=unit,
                 form=f.Prod(self.slope_form(unit) + (total,)))

    def deltas(self) -> None:
        net = self.net
        for unit in net.output_units:
            self.output_delta(unit)
        for depth in range(len(net.layers) - 2, 0, -1):
            for unit in net.layers[depth]:
                self.hidden_delta(unit)

    # -- gradients and updates
    def update(self, name: str, unit: int, source: int | None) -> None:
        """dE_dW, dW and W_new of one weight (source given) or bias (source None, o = 1), as the tutorial
        writes them: ΔW = η·δ·o."""
        self.gradient(name, unit, source)
        delta, o = f"delta{unit}", self.output_name(source) if source is not None else None
        reads, product = ((delta, o), f"{delta}·{o}") if o else ((delta,), delta)
        kind, sign = "W" if source is not None else "b", -1.0 if self.plus else 1.0
        factors = (f.Ref(delta, "delta"),) + ((f.Ref(o, "output"),) if o else ())
        # The change: +eta·delta·o under the default convention, -eta·delta·o under the other.
        self.add(name=f"d{name}", stage="update", kind=f"d{kind}", inputs=("eta",) + reads,
                 compute=lambda *v: -sign * math.prod(v),
                 symbolic=f"{'' if self.plus else '-'}η·{product}", unit=unit, source=source, parameter=name,
                 form=f.Prod((f.Num(-sign, "sign"), f.Ref("eta", "eta")) + factors))
        self.new_value(name, unit, source)

    def gradient(self, name: str, unit: int, source: int | None, stage: str = "update") -> None:
        """dE_dW = -delta·o under the default convention, +delta·o under the other (tutorial §9)."""
        delta, o = f"delta{unit}", self.output_name(source) if source is not None else None
        reads, product = ((delta, o), f"{delta}·{o}") if o else ((delta,), delta)
        sign = -1.0 if self.plus else 1.0

        def gradient(*v):
            return sign * (v[0] * v[1] if o else v[0])

        def show(v, fmt):
            return ("-" if self.plus else "") + "".join(in_parentheses(fmt, x) for x in v)

        factors = (f.Ref(delta, "delta"),) + ((f.Ref(o, "output"),) if o else ())
        self.add(name=f"dE_d{name}", stage=stage, kind=f"dE_d{'W' if o else 'b'}", inputs=reads, show=show,
                 compute=gradient, symbolic=("-" if self.plus else "") + product, unit=unit, source=source,
                 parameter=name, form=f.Prod((f.Num(sign, "sign"),) + factors))

    def new_value(self, name: str, unit: int, source: int | None) -> None:
        kind = "W" if source is not None else "b"
        self.add(name=f"{name}_new", stage="update", kind=f"{kind}_new", inputs=(name, f"d{name}"),
                 compute=lambda w, dw: exact_sum((w, dw)), symbolic=f"{name} + d{name}", unit=unit,
                 source=source, parameter=name, before=name,
                 form=f.Sum((f.Ref(name, "before"), f.Ref(f"d{name}", "change"))))

    def trained(self):
        """(name, unit, source) of every parameter that is updated, in the tutorial's table order."""
        units: dict[str, tuple[int, int | None]] = {weight_name(s, d): (d, s) for s, d in self.net.weights}
        units.update({bias_name(unit): (unit, None) for unit in self.net.biases})
        return [(name, *units[name]) for name in self.net.parameters if self.trainable(name)]

    def updates(self) -> None:
        for name, unit, source in self.trained():
            self.update(name, unit, source)

    def build(self) -> Graph:
        self.givens()
        self.forward()
        self.loss()
        self.deltas()
        self.updates()
        self.forward("_after", "check")
        self.loss("_after", "check")
        return Graph(self.quantities)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)  # a name in a formula's text: y3, W13_new, delta5


class _StepBuilder(_Builder):
    """A step on a dataset (``examples:``: each example's values named y3[1], y3[2] ..., their mean
    gradient stepped along), or with momentum or Adam (tutorial §18, §19): gradient, then the
    optimizer's state, then the change ΔW = -η·(what the optimizer makes of the gradient)."""

    def __init__(self, network: Network):
        super().__init__(network)
        self.optimizer = network.optimizer or Optimizer()
        self.indexed = bool(network.examples)

    def example_name(self, index: int):
        """Renames one example's values (y3 -> y3[2]); the parameters and η are shared."""
        shared = {"eta", *self.net.parameters, *(f"{name}_new" for name, *_ in self.trained())}
        return lambda name: name if name in shared or not self.indexed else f"{name}[{index}]"

    def example(self, index: int, run) -> None:
        """The quantities ``run`` builds for one example, renamed to it."""
        chosen = self.net.dataset[index - 1]
        single = _Builder(self.net._replace(inputs=chosen.inputs, targets=chosen.targets, examples=()))
        run(single)
        rename = self.example_name(index)
        # Only the names of values are renamed in a formula's text, never a function's (tanh, exp, ln).
        names = {q.name for q in single.quantities} | {name for q in single.quantities for name in q.inputs}
        for quantity in single.quantities:
            self.quantities.append(quantity._replace(
                name=rename(quantity.name), inputs=tuple(rename(name) for name in quantity.inputs),
                symbolic=_NAME.sub(lambda match: rename(match.group()) if match.group() in names else match.group(),
                                   quantity.symbolic),
                before=rename(quantity.before) if quantity.before else "",
                form=f.renamed(quantity.form, rename) if quantity.form is not None else None,
                example=index if self.indexed else 0))

    def givens(self) -> None:
        for index in range(1, len(self.net.dataset) + 1):
            self.example(index, lambda b: [b.add(name=f"x{u}", stage="given", kind="x", given=v, unit=u)
                                           for u, v in b.net.inputs.items()])
        for (source, dest), value in self.weight_items():
            self.add(name=weight_name(source, dest), stage="given", kind="W", given=value, unit=dest, source=source)
        for unit, value in sorted(self.net.biases.items()):
            self.add(name=bias_name(unit), stage="given", kind="b", given=value, unit=unit)
        for index in range(1, len(self.net.dataset) + 1):
            self.example(index, lambda b: [b.add(name=f"t{u}", stage="given", kind="t", given=v, unit=u)
                                           for u, v in sorted(b.net.targets.items())])
        self.add(name="eta", stage="given", kind="eta", given=self.net.learning_rate)
        optimizer = self.optimizer
        for setting, default in OPTIMIZER_SETTINGS[optimizer.name].items():  # PyTorch's, where not given
            self.add(name=setting, stage="given", kind=setting, given=optimizer.settings.get(setting, default))
        if optimizer.name == "adam":
            self.add(name="step", stage="given", kind="step", given=float(optimizer.step))
        for name, *_ in self.trained():
            for state in OPTIMIZER_STATE[optimizer.name]:
                self.add(name=f"{state}_{name}", stage="given", kind=state, parameter=name,
                         given=optimizer.state.get(f"{state}_{name}", 0.0))

    def mean(self, name: str, stage: str, kind: str, **fields) -> None:
        """The mean over the examples of name[1], name[2] ... (tutorial §18: E_total = (1/N) Σ E_n)."""
        count = len(self.net.dataset)
        terms = tuple(f"{name}[{index}]" for index in range(1, count + 1))
        self.add(name=name, stage=stage, kind=kind, inputs=terms,
                 compute=lambda *v: exact_sum(v) * (1.0 / count),
                 symbolic=f"({' + '.join(terms)}) / {count}",
                 show=lambda v, fmt: f"({' + '.join(in_parentheses(fmt, x) for x in v)}) / {count}",
                 form=f.Prod((f.Num(1.0 / count, "mean"), f.Sum(tuple(f.Ref(t, "example-term") for t in terms)))),
                 **fields)

    def change(self, name: str, unit: int, source: int | None) -> None:
        """The optimizer's state after this step, then ΔW (PyTorch's rules: SGD with momentum and no
        dampening; Adam with bias correction)."""
        kind, grad, fields = "W" if source is not None else "b", f"dE_d{name}", {"unit": unit, "source": source,
                                                                                  "parameter": name}
        step = grad
        if self.optimizer.name == "momentum":
            self.add(name=f"v_{name}_new", stage="update", kind="v_new", inputs=("beta", f"v_{name}", grad),
                     compute=lambda beta, v, g: exact_sum((beta * v, g)), symbolic=f"β·v_{name} + {grad}",
                     show=lambda v, fmt: f"{in_parentheses(fmt, v[0])}{in_parentheses(fmt, v[1])} + "
                                         f"{in_parentheses(fmt, v[2])}", before=f"v_{name}", **fields)
            step = f"v_{name}_new"
        elif self.optimizer.name == "adam":
            self.adam_moments(name, grad, fields)
            self.add(name=f"d{name}", stage="update", kind=f"d{kind}",
                     inputs=("eta", f"mhat_{name}", f"vhat_{name}", "epsilon"),
                     compute=lambda eta, m, v, eps: -eta * m / (math.sqrt(v) + eps),
                     symbolic=f"-η·mhat_{name} / (√vhat_{name} + ε)",
                     show=lambda v, fmt: f"-{in_parentheses(fmt, v[0])}{in_parentheses(fmt, v[1])} / "
                                         f"(√{in_parentheses(fmt, v[2])} + {fmt(v[3])})", **fields)
            return
        self.add(name=f"d{name}", stage="update", kind=f"d{kind}", inputs=("eta", step),
                 compute=lambda eta, g: -eta * g, symbolic=f"-η·{step}",
                 show=lambda v, fmt: f"-{in_parentheses(fmt, v[0])}{in_parentheses(fmt, v[1])}",
                 form=f.Prod((f.Num(-1.0, "sign"), f.Ref("eta", "eta"), f.Ref(step, "gradient"))), **fields)

    def adam_moments(self, name: str, grad: str, fields: dict) -> None:
        m, v = f"m_{name}", f"v_{name}"
        self.add(name=f"{m}_new", stage="update", kind="m_new", inputs=("beta1", m, grad),
                 compute=lambda b, old, g: exact_sum((b * old, (1.0 - b) * g)),
                 symbolic=f"β1·{m} + (1 - β1)·{grad}",
                 show=lambda x, fmt: f"{in_parentheses(fmt, x[0])}{in_parentheses(fmt, x[1])} + "
                                     f"(1 - {fmt(x[0])}){in_parentheses(fmt, x[2])}", before=m, **fields)
        self.add(name=f"{v}_new", stage="update", kind="v_new", inputs=("beta2", v, grad),
                 compute=lambda b, old, g: exact_sum((b * old, (1.0 - b) * g * g)),
                 symbolic=f"β2·{v} + (1 - β2)·{grad}²",
                 show=lambda x, fmt: f"{in_parentheses(fmt, x[0])}{in_parentheses(fmt, x[1])} + "
                                     f"(1 - {fmt(x[0])}){in_parentheses(fmt, x[2])}²", before=v, **fields)
        self.add(name=f"mhat_{name}", stage="update", kind="mhat", inputs=(f"{m}_new", "bias_correction1"),
                 compute=lambda x, c: x / c, symbolic=f"{m}_new / bias_correction1",
                 show=lambda x, fmt: f"{in_parentheses(fmt, x[0])} / {in_parentheses(fmt, x[1])}", **fields)
        self.add(name=f"vhat_{name}", stage="update", kind="vhat", inputs=(f"{v}_new", "bias_correction2"),
                 compute=lambda x, c: x / c, symbolic=f"{v}_new / bias_correction2",
                 show=lambda x, fmt: f"{in_parentheses(fmt, x[0])} / {in_parentheses(fmt, x[1])}", **fields)

    def bias_corrections(self) -> None:
        """Adam's 1 - β^t, which undoes the moments' start at 0 (PyTorch's bias_correction1 and 2)."""
        for index in (1, 2):
            beta = f"beta{index}"
            self.add(name=f"bias_correction{index}", stage="update", kind="bias_correction", inputs=(beta, "step"),
                     compute=lambda b, t: 1.0 - b ** t, symbolic=f"1 - β{index}^step",
                     show=lambda x, fmt: f"1 - {in_parentheses(fmt, x[0])}^{x[1]:g}")

    def build(self) -> Graph:
        count = len(self.net.dataset)
        self.givens()
        # Each example's gradients are averaged before any step: they belong with the averages.
        stage = "gradient" if self.indexed else "update"
        for index in range(1, count + 1):
            self.example(index, lambda b: (b.forward(), b.loss(), b.deltas(),
                                           [b.gradient(*entry, stage=stage) for entry in self.trained()]))
        if self.indexed:
            self.mean("E", "gradient", "E")
            for name, unit, source in self.trained():
                self.mean(f"dE_d{name}", "gradient", f"dE_d{'W' if source is not None else 'b'}", unit=unit,
                          source=source, parameter=name)
        if self.optimizer.name == "adam":
            self.bias_corrections()
        for name, unit, source in self.trained():
            self.change(name, unit, source)
            self.new_value(name, unit, source)
        for index in range(1, count + 1):
            self.example(index, lambda b: (b.forward("_after", "check"), b.loss("_after", "check")))
        if self.indexed:
            self.mean("E_after", "check", "E", before="E")
        return Graph(self.quantities)


def build_graph(network: Network) -> Graph:
    """The quantities of one gradient-descent step on ``network``, in solving order."""
    if network.examples or network.optimizer is not None:
        return _StepBuilder(network).build()
    return _Builder(network).build()
