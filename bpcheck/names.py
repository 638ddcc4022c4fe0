"""The ways people write quantity names, mapped onto the one scheme (delta3, W13, dW13, W13_new ...).

δ3, d3, delta_3 -> delta3;  W_13, w13, W1_3 -> W13;  ΔW13, delta_W13 -> dW13;  W13', new_W13 -> W13_new;
o3 -> y3;  y3', y3_new -> y3_after;  dE/dW13, ∂E/∂W13 -> dE_dW13;  E' -> E_after;  η -> eta.
A dataset's example index follows in brackets: y3[2], delta_3[2], y3(2), y3^(2) -> y3[2].  An optimizer's state:
v_W13, m_w13, v_W13', mhat_W13 (m̂_W13), vhat_W13; its settings beta, beta1, beta2, epsilon (β, ε), step.
"""

from __future__ import annotations

import functools
import re

from .network import weight_name

_CHARACTERS = str.maketrans({"δ": "delta", "∂": "d", "′": "'", "’": "'", "η": "eta", "/": "", " ": "",
                             "-": "", **{chr(0x2080 + digit): str(digit) for digit in range(10)}})
_UNITS = r"(?:(\d+)\|(\d+)|(\d)(\d))"
_PATTERNS = [  # ASCII: \d must not match other scripts' digits
    (re.compile(rf"^ded(?:(w){_UNITS}|(b)(\d+))$", re.ASCII), "gradient"),
    (re.compile(rf"^(?:delta|d|Δ)(?:(w){_UNITS}|(b)(\d+))$", re.ASCII), "change"),
    (re.compile(rf"^(w){_UNITS}$", re.ASCII), "weight"),
    (re.compile(r"^(delta|d|a|y|o|x|t|b)(\d+)$", re.ASCII), "unit"),
]
_AFTER_SUFFIXES = ("'", "_new", "new", "_after", "after", "_updated", "updated", "+")
_AFTER_PREFIXES = ("new_", "new")


# y3[2], and as people also write it: y3(2), y3^(2), y3^[2]
_EXAMPLE = re.compile(r"^(.+?)\s*\^?\s*(?:\[\s*(\d+)\s*\]|\(\s*(\d+)\s*\))$", re.ASCII)


def without_example_index(raw: str) -> str | None:
    """y3 for y3[2] (as written: not made canonical); None for a name with no example index."""
    match = _EXAMPLE.match(str(raw).strip())
    return match.group(1) if match else None
_STATE = re.compile(r"^(mhat|vhat|m|v)_(.+)$", re.ASCII | re.IGNORECASE)
_SETTINGS = {"beta": "beta", "β": "beta", "beta1": "beta1", "β1": "beta1", "beta2": "beta2", "β2": "beta2",
             "epsilon": "epsilon", "eps": "epsilon", "ε": "epsilon", "step": "step",
             "bias_correction1": "bias_correction1", "bias_correction2": "bias_correction2"}


@functools.lru_cache(maxsize=4096)  # a class writes the same few dozen names in every file
def canonical_name(raw: str, input_units: frozenset[int] = frozenset()) -> str | None:
    """The scheme's name for ``raw``, or None when it is not a name bpcheck knows how to read."""
    text = str(raw).strip().replace("m̂", "mhat").replace("v̂", "vhat")
    example = _EXAMPLE.match(text)
    if example:
        plain = canonical_name(example.group(1), input_units)
        return None if plain is None or plain in _SETTINGS.values() or plain == "eta" else \
            f"{plain}[{int(example.group(2) or example.group(3))}]"
    if text.lower() in _SETTINGS or text in _SETTINGS:
        return _SETTINGS.get(text.lower(), _SETTINGS.get(text))
    state = _STATE.match(text)
    if state:
        return _state_name(state.group(1).lower(), state.group(2))
    text = text.translate(_CHARACTERS)
    after, text = _strip_after_marker(text)
    # Δ marks a change (ΔW13), never a delta: it survives lower() as Δ's own lower case, δ.
    lower = re.sub(r"(?<=\d)_(?=\d)", "|", text.replace("Δ", "\0").lower()).replace("_", "").replace("\0", "Δ")
    base: str | None
    if lower in ("e", "loss", "error"):
        base = "E"
    elif lower in ("eta", "learningrate", "lr"):
        return None if after else "eta"
    else:
        base = _unit_name(lower, input_units)
        if base is None:
            return None
    if not after:
        return base
    # A prime marks the value after the update: W13' is W13_new, y3' is y3_after (tutorial §13 step 5).
    if base[0] in "Wb" and not base.startswith("d"):
        return f"{base}_new"
    if base == "E" or base[0] in "ay":
        return f"{base}_after"
    return None


def _state_name(state: str, of: str) -> str | None:
    """v_W13 (and v_W13_new) for an optimizer's state of W13; None when ``of`` is no parameter."""
    parameter = canonical_name(of)
    if parameter is None:
        return None
    new = parameter.endswith("_new")
    base = parameter[:-4] if new else parameter
    if not (weight_units(base) or unit_of(base, "b")) or (new and state in ("mhat", "vhat")):
        return None
    return f"{state}_{parameter}"


def _strip_after_marker(text: str) -> tuple[bool, str]:
    lower = text.lower()
    for suffix in _AFTER_SUFFIXES:
        if lower.endswith(suffix) and len(text) > len(suffix):
            return True, text[: -len(suffix)]
    for prefix in _AFTER_PREFIXES:
        if lower.startswith(prefix) and len(text) > len(prefix):
            return True, text[len(prefix):]
    return False, text


def _weight(groups: tuple) -> str:
    source, dest = (groups[0], groups[1]) if groups[0] else (groups[2], groups[3])
    return weight_name(int(source), int(dest))


def _unit_name(lower: str, input_units: frozenset[int]) -> str | None:
    for pattern, shape in _PATTERNS:
        match = pattern.match(lower)
        if not match:
            continue
        if shape == "unit":
            letter, unit = match.group(1), int(match.group(2))
            if letter in ("d", "delta"):
                return f"delta{unit}"
            if letter == "o":
                return f"x{unit}" if unit in input_units else f"y{unit}"
            return f"{letter}{unit}"
        if shape == "weight":
            return _weight(match.groups()[1:])
        groups = match.groups()  # (w, four unit groups, b, unit)
        parameter = _weight(groups[1:5]) if groups[0] else f"b{groups[6]}"
        return f"dE_d{parameter}" if shape == "gradient" else f"d{parameter}"
    return None


def weight_units(name: str) -> tuple[int, int] | None:
    """(1, 3) for W13, (9, 10) for W9_10; None for anything that is not a weight's canonical name."""
    match = _CANONICAL_WEIGHT.match(name)
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2))) if match.group(1) else \
        (int(match.group(3)), int(match.group(4)))


def unit_of(name: str, letter: str) -> int | None:
    """3 for ("b3", "b"): the unit of a canonical one-unit name with that letter, else None."""
    match = _CANONICAL_UNIT.match(name)
    return int(match.group(2)) if match and match.group(1) == letter else None


_CANONICAL_WEIGHT = re.compile(r"^W(?:(\d+)_(\d+)|(\d)(\d))$", re.ASCII)
_CANONICAL_UNIT = re.compile(r"^([a-z]+)(\d+)$", re.ASCII)
