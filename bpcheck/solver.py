"""Builds the graph of one gradient-descent step, tutorial §12 in order:
forward pass -> error -> deltas -> gradients and updates -> forward pass with the new weights.

Each quantity's formula is written here once, as a tree (nodes.py); how it is computed, what it reads
and how it is printed all come from that tree (formulas.py), so what is printed is what was computed.
Pure: no I/O, no click, rich or yaml.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from .activations import ACTIVATIONS
from .formulas import slope_function
from .losses import LOSSES
from .network import OPTIMIZER_SETTINGS, OPTIMIZER_STATE, Network, Optimizer, bias_name, weight_name
from .nodes import Act as Activated
from .nodes import Div, Mean, Node, Num, Power, Prod, Ref, Slope, Softmax, Sqrt, Sub, Sum
from .quantities import Graph, Quantity


def slope(network: Network, unit: int, values) -> float:
    """f'(a) of a unit from ``values`` (its y, or its a for relu); 1 for a linear unit."""
    activation = ACTIVATIONS[network.activation_of(unit)]
    function = slope_function(activation.name)
    if function is None:
        return 1.0
    return function(values[f"{activation.slope_of}{unit}"])


def output_name(network: Network, unit: int, suffix: str = "") -> str:
    """What a unit passes on: x1 for an input, y3 (or y3_after) for any other unit."""
    return f"x{unit}" if unit <= network.layers[0][-1] else f"y{unit}{suffix}"


def slope_factor(network: Network, unit: int) -> tuple[Node, ...]:
    """A unit's slope as a factor of a delta's tree; none for a linear unit."""
    activation = ACTIVATIONS[network.activation_of(unit)]
    if activation.slope_tree is None:
        return ()
    return (Slope(activation.name, Ref(f"{activation.slope_of}{unit}")),)


# ---------------------------------------------------------------- the graph


class _Builder:
    def __init__(self, network: Network):
        self.net = network
        self.quantities: list[Quantity] = []
        self.plus = network.convention == "target_minus_output"
        self.frozen = network.frozen

    def add(self, name: str, stage: str, kind: str, form: Node | None = None, **fields) -> None:
        self.quantities.append(Quantity(name, stage, kind, form, **fields))

    def output_name(self, unit: int, suffix: str = "") -> str:
        return output_name(self.net, unit, suffix)

    def trainable(self, name: str) -> bool:
        return name not in self.frozen

    # -- givens
    def givens(self) -> None:
        net = self.net
        for unit in net.layers[0]:
            self.add(f"x{unit}", "given", "x", given=net.inputs[unit], unit=unit)
        for (source, dest), value in self.weight_items():
            self.add(weight_name(source, dest), "given", "W", given=value, unit=dest, source=source)
        for unit, value in sorted(net.biases.items()):
            self.add(bias_name(unit), "given", "b", given=value, unit=unit)
        for unit in net.output_units:
            self.add(f"t{unit}", "given", "t", given=net.targets[unit], unit=unit)
        self.add("eta", "given", "eta", given=net.learning_rate)

    def weight_items(self):
        """Weights grouped by destination, sources ascending: the tutorial's table order."""
        return sorted(self.net.weights.items(), key=lambda item: (item[0][1], item[0][0]))

    # -- forward pass (also re-run with the new weights, suffix "_after")
    def forward(self, suffix: str = "", stage: str = "forward") -> None:
        net = self.net
        for depth in range(1, len(net.layers)):
            layer = net.layers[depth]
            activation = net.activations[depth - 1]
            sources = [(src, self.output_name(src, suffix)) for src in net.layers[depth - 1]]
            for unit in layer:
                terms: tuple[Node, ...] = tuple(
                    Prod((Ref(self.parameter(weight_name(src, unit), suffix), "weight"), Ref(out, "output")), "input")
                    for src, out in sources)
                if unit in net.biases:
                    terms += (Ref(self.parameter(bias_name(unit), suffix), "bias"),)
                self.add(f"a{unit}{suffix}", stage, "a", Sum(terms), unit=unit, before=f"a{unit}" if suffix else "")
                if activation != "softmax":
                    self.add(f"y{unit}{suffix}", stage, "y", Activated(activation, Ref(f"a{unit}{suffix}")),
                             unit=unit, before=f"y{unit}" if suffix else "")
            if activation == "softmax":
                logits = tuple(Ref(f"a{k}{suffix}") for k in layer)
                for index, unit in enumerate(layer):
                    self.add(f"y{unit}{suffix}", stage, "y", Softmax(index, logits), unit=unit,
                             before=f"y{unit}" if suffix else "")

    def parameter(self, name: str, suffix: str) -> str:
        """In the re-run forward pass, a trained parameter is read at its new value."""
        return f"{name}_new" if suffix and self.trainable(name) else name

    # -- error
    def loss(self, suffix: str = "", stage: str = "loss") -> None:
        outputs = self.net.output_units
        targets = tuple(Ref(f"t{k}") for k in outputs)
        ys = tuple(Ref(f"y{k}{suffix}") for k in outputs)
        form = LOSSES[self.net.loss].form(targets, ys, tuple(Ref(f"a{k}{suffix}") for k in outputs))
        self.add(f"E{suffix}", stage, "E", form, before="E" if suffix else "")

    # -- deltas
    def output_delta(self, unit: int) -> None:
        t, y = Ref(f"t{unit}"), Ref(f"y{unit}")
        # Default convention: delta = -dE/da = f'(a)(t - y); the other one flips it to (y - t).
        error = Sub(t, y, "error") if self.plus else Sub(y, t, "error")
        if LOSSES[self.net.loss].slope_cancels:  # softmax with cross-entropy: the slope cancels (§19)
            form = Prod((error,), "output-delta-cancelled")
        else:
            form = Prod(slope_factor(self.net, unit) + (error,))
        self.add(f"delta{unit}", "backward", "delta", form, unit=unit)

    def hidden_delta(self, unit: int) -> None:
        net = self.net
        terms = tuple(Prod((Ref(weight_name(unit, k), "weight"), Ref(f"delta{k}", "delta")), "downstream",
                           slip=next(iter(slope_factor(net, k)), None))  # the next unit's slope, again
                      for k in net.outgoing(unit))
        self.add(f"delta{unit}", "backward", "delta", Prod(slope_factor(net, unit) + (Sum(terms),)), unit=unit)

    def deltas(self) -> None:
        net = self.net
        for unit in net.output_units:
            self.output_delta(unit)
        for depth in range(len(net.layers) - 2, 0, -1):
            for unit in net.layers[depth]:
                self.hidden_delta(unit)

    # -- gradients and updates
    def factors(self, unit: int, source: int | None) -> tuple[Node, ...]:
        """δ·o for a weight, δ for a bias (whose o is 1)."""
        delta = Ref(f"delta{unit}", "delta")
        return (delta, Ref(self.output_name(source), "output")) if source is not None else (delta,)

    def update(self, name: str, unit: int, source: int | None) -> None:
        """dE_dW, dW and W_new of one weight (source given) or bias (source None, o = 1), as the tutorial
        writes them: ΔW = η·δ·o under the default convention, -η·δ·o under the other."""
        self.gradient(name, unit, source)
        kind = "W" if source is not None else "b"
        sign = Num(1.0 if self.plus else -1.0, "sign")
        self.add(f"d{name}", "update", f"d{kind}", Prod((sign, Ref("eta", "eta")) + self.factors(unit, source)),
                 unit=unit, source=source, parameter=name)
        self.new_value(name, unit, source)

    def gradient(self, name: str, unit: int, source: int | None, stage: str = "update") -> None:
        """dE_dW = -delta·o under the default convention, +delta·o under the other (tutorial §9)."""
        sign = Num(-1.0 if self.plus else 1.0, "sign")
        self.add(f"dE_d{name}", stage, f"dE_d{'W' if source is not None else 'b'}",
                 Prod((sign,) + self.factors(unit, source)), unit=unit, source=source, parameter=name)

    def new_value(self, name: str, unit: int, source: int | None) -> None:
        kind = "W" if source is not None else "b"
        self.add(f"{name}_new", "update", f"{kind}_new", Sum((Ref(name, "before"), Ref(f"d{name}", "change"))),
                 unit=unit, source=source, parameter=name, before=name)

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
        self.quantities += [quantity.renamed(rename, index if self.indexed else 0) for quantity in single.quantities]

    def givens(self) -> None:
        for index in range(1, len(self.net.dataset) + 1):
            self.example(index, lambda b: [b.add(f"x{u}", "given", "x", given=v, unit=u)
                                           for u, v in b.net.inputs.items()])
        for (source, dest), value in self.weight_items():
            self.add(weight_name(source, dest), "given", "W", given=value, unit=dest, source=source)
        for unit, value in sorted(self.net.biases.items()):
            self.add(bias_name(unit), "given", "b", given=value, unit=unit)
        for index in range(1, len(self.net.dataset) + 1):
            self.example(index, lambda b: [b.add(f"t{u}", "given", "t", given=v, unit=u)
                                           for u, v in sorted(b.net.targets.items())])
        self.add("eta", "given", "eta", given=self.net.learning_rate)
        optimizer = self.optimizer
        for setting, default in OPTIMIZER_SETTINGS[optimizer.name].items():  # PyTorch's, where not given
            self.add(setting, "given", setting, given=optimizer.settings.get(setting, default))
        if optimizer.name == "adam":
            self.add("step", "given", "step", given=float(optimizer.step))
        for name, *_ in self.trained():
            for state in OPTIMIZER_STATE[optimizer.name]:
                self.add(f"{state}_{name}", "given", state, parameter=name,
                         given=optimizer.state.get(f"{state}_{name}", 0.0))

    def mean(self, name: str, stage: str, kind: str, **fields) -> None:
        """The mean over the examples of name[1], name[2] ... (tutorial §18: E_total = (1/N) Σ E_n)."""
        terms = tuple(Ref(f"{name}[{index}]", "example-term") for index in range(1, len(self.net.dataset) + 1))
        self.add(name, stage, kind, Mean(terms), **fields)

    def change(self, name: str, unit: int, source: int | None) -> None:
        """The optimizer's state after this step, then ΔW (PyTorch's rules: SGD with momentum and no
        dampening; Adam with bias correction)."""
        kind, grad, fields = "W" if source is not None else "b", f"dE_d{name}", {"unit": unit, "source": source,
                                                                                  "parameter": name}
        step = grad
        if self.optimizer.name == "momentum":
            velocity = Prod((Ref("beta", "decay"), Ref(f"v_{name}")), "history")
            self.add(f"v_{name}_new", "update", "v_new", Sum((velocity, Ref(grad, "gradient"))), before=f"v_{name}",
                     **fields)
            step = f"v_{name}_new"
        elif self.optimizer.name == "adam":
            self.adam_moments(name, grad, fields)
            change = Div(Prod((Num(-1.0, "sign"), Ref("eta", "eta"), Ref(f"mhat_{name}"))),
                         Sum((Sqrt(Ref(f"vhat_{name}")), Ref("epsilon"))))
            self.add(f"d{name}", "update", f"d{kind}", change, **fields)
            return
        self.add(f"d{name}", "update", f"d{kind}", Prod((Num(-1.0, "sign"), Ref("eta", "eta"), Ref(step, "gradient"))),
                 **fields)

    def adam_moments(self, name: str, grad: str, fields: dict) -> None:
        m, v = f"m_{name}", f"v_{name}"
        for moment, beta, new_gradient in ((m, "beta1", (Ref(grad),)),
                                           (v, "beta2", (Ref(grad, "squared-gradient"),) * 2)):
            weight = Sub(Num(1.0, "one"), Ref(beta), "moment-weight", exact=False)
            self.add(f"{moment}_new", "update", f"{moment[0]}_new",
                     Sum((Prod((Ref(beta, "decay"), Ref(moment))), Prod((weight,) + new_gradient))),
                     before=moment, **fields)
        for hat, moment, index in ((f"mhat_{name}", m, 1), (f"vhat_{name}", v, 2)):
            corrected = Div(Ref(f"{moment}_new"), Ref(f"bias_correction{index}"), "bias-corrected")
            self.add(hat, "update", hat[:4], corrected, **fields)

    def bias_corrections(self) -> None:
        """Adam's 1 - β^t, which undoes the moments' start at 0 (PyTorch's bias_correction1 and 2)."""
        for index in (1, 2):
            self.add(f"bias_correction{index}", "update", "bias_correction",
                     Sub(Num(1.0, "one"), Power(Ref(f"beta{index}"), Ref("step")), exact=False))

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


@contextmanager
def _collector_paused():
    """The collector rescans every tree built so far each few hundred allocations: building a large
    graph with it running costs nearly three times as long, and the graph holds no cycle to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_BUILT: dict[int, tuple[Network, Graph]] = {}  # the last few graphs, by the network object they were built for
_KEPT = 4
_FROZEN_FROM = 5000  # quantities: a network of some 1,000 weights


def build_graph(network: Network) -> Graph:
    """The quantities of one gradient-descent step on ``network``, in solving order. A command that
    loads an exercise (which checks its names against the graph) and solves it builds the graph once:
    the same network object gets the same graph (networks are never changed once made)."""
    built = _BUILT.get(id(network))
    if built is not None and built[0] is network:
        return built[1]
    with _collector_paused():
        graph = (_StepBuilder(network) if network.examples or network.optimizer is not None
                 else _Builder(network)).build()
        if len(graph.quantities) >= _FROZEN_FROM:
            # Kept for the command (and in _BUILT) and holding no cycle, a large graph's trees need no
            # collecting: frozen (before the collector resumes), neither the collection that resuming sets
            # off nor those of the record, report or training rescan them (for 10,000 weights each cost
            # about as much as writing the record).
            gc.freeze()
    if len(_BUILT) >= _KEPT:
        del _BUILT[next(iter(_BUILT))]
    _BUILT[id(network)] = (network, graph)
    return graph
