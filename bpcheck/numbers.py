"""Numbers as a person works them: sums that cancel are 0, and values are shown to so many significant
digits, trailing zeros kept, short decimals written short. Pure."""

from __future__ import annotations

import functools
import math
from typing import Callable

Formatter = Callable[[float], str]


def in_parentheses(fmt: Formatter, value: float) -> str:
    """A number in parentheses, the way the tutorial substitutes: (0.35)."""
    return f"({fmt(value)})"


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


def shortest(value: float) -> str:
    """The shortest text that reads back as the value, as an exercise file writes it: 0.35, -1, 0."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def for_count(count: int, singular: str, plural: str | None = None) -> str:
    """The word that agrees with ``count``: ``singular`` for exactly 1, else the plural (0 files, 2 files;
    1 sits, 2 sit)."""
    return singular if count == 1 else plural if plural is not None else singular + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun: '1 file', '0 files', '2 files'."""
    return f"{count} {for_count(count, singular, plural)}"


def exact_sum(terms) -> float:
    """Σ terms, read as a person computing in decimals would: a sum no larger than the rounding error its
    terms can carry is exactly 0. 0.1·0.2 + 1·(-0.02) is 3.5e-18 in binary floating point, yet 0 on
    paper, where a ReLU's slope is 0 and an answer of 0 must match; 0.3 - (0.1 + 0.2) is 0 too."""
    terms = terms if isinstance(terms, (list, tuple)) else list(terms)
    total = math.fsum(terms)
    if total and abs(total) <= ROUNDING * math.fsum(map(abs, terms)) and math.isfinite(total):
        return 0.0
    return total


def exact_pair(left: float, right: float) -> float:
    """``exact_sum((left, right))``, without building a list: the same number to the last bit (math.fsum
    of two floats is their sum correctly rounded, as + is, and so is the sum of their magnitudes)."""
    total = left + right
    if total and abs(total) <= ROUNDING * (abs(left) + abs(right)) and total - total == 0.0:
        return 0.0
    return total


# Each term is a product or sum of decimals rounded to binary once or twice: at most about 2⁻⁵² of its
# size each time. A sum this close to 0 is rounding noise; one that is not (1e6 - 1e6 + 1e-9) is kept.
ROUNDING = 2.0 ** -51


@functools.lru_cache(maxsize=4096)  # pure in its text; a class writes the same few numbers again and again
def written_digits(text: str) -> int | None:
    """The significant digits a number was written with: 4 for 0.002100 (its zeros kept, as a float's
    0.0021 cannot), 2 for -1.5e-3 and 0,51; None for text that is not a plain decimal, or a zero."""
    mantissa = text.strip().lstrip("+-−").split("e")[0].split("E")[0]
    digits = mantissa.replace(".", "", 1).replace(",", "", 1)
    if not digits.isdigit() or not digits.isascii():
        return None
    return len(digits.lstrip("0")) or None
