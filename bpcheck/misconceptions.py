"""Known mistakes, each a wrong formula for one kind of quantity, with a stable id and one sentence.

A candidate is evaluated on a value lookup (exact values, or the student's own upstream values), so a
mistake is recognised even after an earlier slip. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Callable, NamedTuple

from .activations import ACTIVATIONS
from .formulas import slope_function, written_slope
from .losses import LOSSES
from .network import Network, weight_name
from .quantities import ExampleValues, Quantity
from .solver import output_name, slope

MISCONCEPTIONS = {
    "sign-flip": "The sign is flipped",
    "missing-activation-derivative": "The activation's derivative is missing",
    "preactivation-derivative": "The derivative was taken at the pre-activation",
    "updated-weight-used": "An already-updated weight was used",
    "missing-downstream-term": "A downstream term is missing from the sum",
    "wrong-source-output": "The destination's output was used instead of the source's",
    "missing-learning-rate": "The learning rate is missing",
    "subtracted-update": "The change was subtracted",
    "missing-half": "The ½ is missing",
    "swapped-weight-indices": "The weight indices are swapped",
    "not-updated": "The value before the step was written for the value after it",
    "other-numbers": "This is the value for the exercise's own numbers, not for your variant's",
    "uphill-step": "E rises after the step: the step goes uphill",
    # Made from each formula's tree (formulas.py): a factor or term left out or repeated, another
    # activation, a pre-activation for an output, the wrong logarithm, a slope where it cancels.
    "missing-source-output": "The source's output is missing from the product",
    "missing-delta": "The delta is missing from the product",
    "missing-weight": "A weight is missing from the product",
    "missing-output-error": "The output's error is missing",
    "missing-bias": "The bias is missing from the sum",
    "missing-input-term": "A term is missing from the sum",
    "missing-output-term": "One output's term is missing from the error",
    "missing-old-value": "The value before the step is missing: only the change was written",
    "derivative-applied-twice": "The activation's derivative is applied twice",
    "wrong-activation": "Another activation function was used",
    "wrong-activation-slope": "Another activation's derivative was used",
    "preactivation-used": "A pre-activation a is used where the output y belongs",
    "wrong-log-base": "The logarithm has the wrong base",
    "extra-activation-derivative": "An activation's derivative was multiplied in where it cancels",
    "missing-average": "The sum over the examples was not divided by their number",
    # Momentum and Adam (tutorial §19), made from their formulas' trees too.
    "missing-decay-factor": "The decay factor β is missing from the old velocity or moment",
    "missing-momentum-term": "The old velocity is missing: the velocity is β·v plus the gradient",
    "missing-moment-weight": "The new gradient's weight (1 - β) is missing",
    "missing-square": "The gradient is not squared in the second moment",
    "missing-bias-correction": "The bias correction is missing: the moment was not divided by 1 - β^t",
    "missing-square-root": "The square root of the second moment is missing",
    "missing-example-term": "One example's term is missing from the average",
}

# What a generated mistake's sentence adds after its title ({detail}: what was changed).
_DETAILS = {
    "wrong-activation": "this is {detail}, not this unit's activation",
    "wrong-activation-slope": "this is the derivative of {detail}, not of this unit's activation",
    "wrong-log-base": "this is {detail}; cross-entropy uses the natural logarithm ln",
    "extra-activation-derivative": "with softmax and cross-entropy the output delta is just t - y",
    "missing-bias": "{detail} belongs in it",
    "missing-input-term": "{detail} belongs in it",
    "missing-output-term": "{detail} belongs in it",
    "missing-example-term": "{detail} belongs in it",
    "missing-source-output": "{detail} belongs in it",
    "missing-delta": "{detail} belongs in it",
    "missing-weight": "{detail} belongs in it",
    "missing-output-error": "{detail} belongs in it",
    "preactivation-used": "{detail}",
    "missing-bias-correction": "{detail} belongs in it",
    "missing-square-root": "√{detail} belongs in it",
}


class Candidate(NamedTuple):
    misconception: str
    value: float
    explain: Callable[[], str]  # the sentence, written only for the candidate a value matches

    @property
    def message(self) -> str:
        return self.explain()


Values = Mapping[str, float]


def candidates(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    """Every known wrong value of ``quantity`` computed from ``values``: the mistakes written by hand
    below, then those made from the formula's tree (formulas.variants), each once."""
    finder = _FINDERS.get(quantity.kind)
    if (network.optimizer is not None or network.examples) and quantity.kind in ("dW", "db") or (
            network.examples and quantity.example == 0 and quantity.kind.startswith("dE_d")):
        finder = None  # written for ΔW = η·δ·o and one example's ∂E/∂W, not for an optimizer's or a mean
    if quantity.example:
        values = ExampleValues(values, quantity.example)  # the mistakes by hand read y3 for y3[2]
    seen: dict[tuple[float, int], list[tuple[str, bool]]] = {}  # a value -> (id, by hand) of each giving it
    finders = [_not_updated(quantity, values)] + ([finder(quantity, network, values)] if finder else [])
    for found in finders:
        try:  # one guard per finder: numbers it cannot evaluate end its candidates, not the others'
            for candidate in found:
                seen.setdefault(_key(candidate.value), []).append((candidate.misconception, True))
                yield candidate
        except (ValueError, ArithmeticError):
            continue  # a student's numbers that overflow, or a log of a negative: no such candidate
    yield from _generated(quantity, values, seen)


def _generated(quantity: Quantity, values: Values,
               seen: dict[tuple[float, int], list[tuple[str, bool]]]) -> Iterator[Candidate]:
    from .formulas import evaluate, variants

    if quantity.form is None:
        return
    for variant in variants(quantity.form):
        try:
            value = _evaluated(variant.form, values, evaluate)
        except KeyError:  # an edit naming a value this graph lacks (the a of an input) is no candidate
            continue
        except (ValueError, ArithmeticError):  # numbers it cannot evaluate on
            continue
        if not math.isfinite(value):
            continue
        # The same number as a mistake already listed is no new explanation of it (relu's slope of 1
        # is the slope left out); two new ones with the same number are left for the grader to refuse.
        given = seen.setdefault(_key(value), [])
        if any(mistake == variant.mistake or hand_written for mistake, hand_written in given):
            continue
        given.append((variant.mistake, False))
        yield Candidate(variant.mistake, value,
                        partial(_sentence, quantity, variant.mistake, variant.detail))


_WALKED: dict = {}  # a wrong version's tree -> its compiled function, once it has been walked once


def _evaluated(form, values: Values, evaluate) -> float:
    """A wrong version's value: walked the first time (one file asks few), compiled the second (a class
    asks the same ones again and again: a compiled tree runs several times faster than a walk)."""
    function = _WALKED.get(form)
    if function is None:
        if len(_WALKED) >= 20_000:  # a bound on memory across many exercises in one process
            _WALKED.clear()
        _WALKED[form] = False
        return evaluate(form, values)
    if function is False:
        from .formulas import compiled, refs

        names = refs(form)
        function = _WALKED[form] = (compiled(form, names), names)
    compute, names = function
    return compute(*[values[name] for name in names])


def _key(value: float) -> tuple[float, int]:
    """A number as far as "the same number" goes: floating point's last bits left out."""
    mantissa, exponent = math.frexp(value)
    return round(mantissa, 11), exponent


def _sentence(quantity: Quantity, mistake: str, detail: str) -> str:
    added = _DETAILS.get(mistake, "").format(detail=detail)
    formula = f"{quantity.name} = {quantity.symbolic}"
    return f"{MISCONCEPTIONS[mistake]}{': ' + added if added else ''}. The formula is {formula}."


# ---------------------------------------------------------------- helpers


def _plus(network: Network) -> bool:
    return network.convention == "target_minus_output"


def _written_slope(network: Network, unit: int, values: Values, *, of_preactivation: bool = False):
    """The slope written from the output, y(1 - y) or 1 - y² (or, mistaken, a(1 - a)); None where
    there is none to forget."""
    activation = ACTIVATIONS[network.activation_of(unit)]
    function = slope_function(activation.name)
    if function is None or not activation.slope_from_output:
        return None
    return function(values[f"a{unit}"] if of_preactivation else values[f"y{unit}"])


# ---------------------------------------------------------------- per kind


def _not_updated(quantity: Quantity, values: Values) -> Iterator[Candidate]:
    name, old = quantity.name, quantity.before
    if not old:
        return
    if quantity.parameter:  # W13_new: a new weight or bias
        yield Candidate("not-updated", values[old],
                        lambda: f"This is {old} before the update: {name} = {old} + d{old}.")
    else:
        yield Candidate("not-updated", values[old],
                        lambda: (f"This is {old} from the first forward pass: {name} is computed again, "
                                 "with the new weights."))



def _delta(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    unit = quantity.unit
    right = quantity.evaluate(values)
    yield Candidate("sign-flip", -right,
                    lambda: (f"The sign is flipped: under this exercise's convention delta{unit} uses "
                             + ("(t - y), target minus output." if _plus(network)
                                else "(y - t), output minus target.")))
    is_output = unit in network.output_units
    if is_output:
        t, y = values[f"t{unit}"], values[f"y{unit}"]
        error = (t - y) if _plus(network) else (y - t)
        sum_text = "(t - y)" if _plus(network) else "(y - t)"
        if LOSSES[network.loss].slope_cancels:  # t - y is the whole delta: no slope to forget
            return
    else:
        downstream = network.outgoing(unit)
        terms = {k: values[weight_name(unit, k)] * values[f"delta{k}"] for k in downstream}
        error = math.fsum(terms.values())
        sum_text = "Σ W·delta"
        unit_slope = slope(network, unit, values)
        yield from _updated_weight(unit, downstream, values, unit_slope)
        names = {k: f"{weight_name(unit, k)}·delta{k}" for k in downstream}
        for subset in _partial_sums(downstream):
            partial = unit_slope * math.fsum(terms[k] for k in subset)
            yield Candidate("missing-downstream-term", partial,
                            lambda: (f"Unit {unit} feeds units {', '.join(map(str, downstream))}, so its delta sums "
                                     f"over all of them: " + " + ".join(names[k] for k in downstream) + "."))
    written = _written_slope(network, unit, values)
    if written is None:
        return
    activation = ACTIVATIONS[network.activation_of(unit)]
    yield Candidate("missing-activation-derivative", error,
                    lambda: (f"The activation's derivative {written_slope(activation.name, 'y')} is missing: "
                             f"delta{unit} = {written_slope(activation.name, f'y{unit}')}·{sum_text}."))
    yield Candidate("preactivation-derivative", _written_slope(network, unit, values, of_preactivation=True) * error,
                    lambda: (f"The derivative uses the output: {written_slope(activation.name, f'y{unit}')}, "
                             f"not the pre-activation a{unit}."))


def _partial_sums(downstream: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """The sums a student who missed part of Σ W·delta writes: one term forgotten, or only one term kept.

    Every subset would be 2^n sums (36 s for one answer on a unit feeding 22); these 2n are the slips
    people make, and they are all of the subsets for a unit that feeds up to three others.
    """
    count = len(downstream)
    if count < 2:
        return
    seen = set()
    for k in range(count):
        for subset in (downstream[:k] + downstream[k + 1:], (downstream[k],)):
            if subset not in seen:
                seen.add(subset)
                yield subset


def _updated_weight(unit: int, downstream, values: Values, slope: float) -> Iterator[Candidate]:
    updated = [f"{weight_name(unit, k)}_new" in values for k in downstream]
    if not any(updated):  # every downstream weight frozen: there is no updated one to use
        return
    total = math.fsum(values[f"{weight_name(unit, k)}_new" if new else weight_name(unit, k)] * values[f"delta{k}"]
                      for k, new in zip(downstream, updated))
    names = ", ".join(weight_name(unit, k) for k in downstream)
    yield Candidate("updated-weight-used", slope * total,
                    lambda: (f"This used the already-updated weight ({names} after the update); the hidden deltas "
                             f"use the weights as they were during the forward pass."))


def _gradient_or_change(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    right = quantity.evaluate(values)
    is_change = quantity.kind in ("dW", "db")
    parameter = quantity.parameter
    if is_change:
        rule = f"d{parameter} = {'' if _plus(network) else '-'}η·delta·{'o' if quantity.source else '1'}"
    else:
        rule = f"dE_d{parameter} = {'-' if _plus(network) else ''}delta·{'o' if quantity.source else '1'}"
    yield Candidate("sign-flip", -right, lambda: f"The sign is flipped: {rule} under this exercise's convention.")
    if quantity.source is None:
        return
    unit, source = quantity.unit, quantity.source
    sign = (1.0 if _plus(network) else -1.0) * (1.0 if is_change else -1.0)
    eta = values["eta"] if is_change else 1.0
    delta = values[f"delta{unit}"]
    what = "The change" if is_change else "The gradient"
    yield Candidate("wrong-source-output", sign * eta * delta * values[f"y{unit}"],
                    lambda: (f"{what} multiplies by the output of the weight's source, {output_name(network, source)}, "
                             f"not of its destination y{unit}."))
    if is_change and values["eta"] != 1.0:
        yield Candidate("missing-learning-rate", sign * delta * values[output_name(network, source)],
                        lambda: (f"The learning rate η = {values['eta']:g} is missing: d{parameter} = η·delta{unit}·"
                                 f"{output_name(network, source)}."))


def _new_parameter(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    parameter = quantity.parameter
    old, change = values[parameter], values[f"d{parameter}"]
    yield Candidate("subtracted-update", old - change,
                    lambda: (f"The change is added: {parameter}_new = {parameter} + d{parameter} "
                             "(d" + parameter + " already carries the sign)."))
    if values["eta"] != 1.0 and quantity.source is not None:
        unshrunk = change / values["eta"]
        yield Candidate("missing-learning-rate", old + unshrunk,
                        lambda: f"The learning rate η = {values['eta']:g} is missing from the update of {parameter}.")


def _loss(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    if LOSSES[network.loss].halved:
        yield Candidate("missing-half", 2.0 * quantity.evaluate(values),
                        lambda: "E = ½Σ(t - y)²: this is twice that, without the ½.")


def _preactivation(quantity: Quantity, network: Network, values: Values) -> Iterator[Candidate]:
    """a_j computed with the layer's weight matrix transposed (W14 used for W23 and so on)."""
    unit, suffix = quantity.unit, "_after" if quantity.before else ""
    sources, dests = network.incoming(unit), network.layer_of(unit)
    if len(sources) != len(dests) or len(sources) < 2:
        return
    k = dests.index(unit)
    terms = []
    for i, source in enumerate(sources):
        weight = weight_name(sources[k], dests[i])
        name = f"{weight}_new" if suffix and f"{weight}_new" in values else weight
        output = output_name(network, source, suffix)
        terms.append(values[name] * values[output])
    bias = f"b{unit}_new" if suffix and f"b{unit}_new" in values else f"b{unit}"
    if unit in network.biases:
        terms.append(values[bias])
    example = " + ".join(f"{weight_name(s, unit)}·{output_name(network, s)}" for s in sources)
    yield Candidate("swapped-weight-indices", math.fsum(terms),
                    lambda: ("The weight indices are swapped: W13 runs from unit 1 to unit 3, "
                             f"so a{unit} = {example}."))


_FINDERS: dict[str, Callable] = {
    "delta": _delta,
    "dW": _gradient_or_change, "db": _gradient_or_change,
    "dE_dW": _gradient_or_change, "dE_db": _gradient_or_change,
    "W_new": _new_parameter, "b_new": _new_parameter,
    "E": _loss,
    "a": _preactivation,
}
