"""How numbers are shown: significant digits, trailing zeros kept, short decimals written short. Pure."""

from __future__ import annotations

from typing import Callable

Formatter = Callable[[float], str]


def number_formatter(precision: int) -> Formatter:
    """``precision`` significant digits with trailing zeros kept (0.6620, as the tutorial writes it);
    a value that is a short decimal, but for floating-point noise, is written short (0.755, 0.35)."""
    short, rounded = f".{precision}g", f"#.{precision}g"

    def fmt(value: float) -> str:
        if value == 0:
            return "0"
        text = format(value, short)
        if abs(float(text) - value) <= 1e-12 * abs(value):
            return text
        return format(value, rounded)

    return fmt
