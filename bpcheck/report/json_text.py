"""JSON as bpcheck prints and writes it (solve, train, gradcheck, grade, Gradescope, Classroom).

A zero is written 0.0, never -0.0: a zero gradient is −δ·o with δ = 0, which IEEE arithmetic signs, and
json writes floats by repr. The sign of a zero means nothing to a student, and -0.0 in a report reads as
a bug (or, compared as text, as a different value).
"""

from __future__ import annotations

import json


def dumps(record, **options) -> str:
    """``json.dumps`` of ``record`` (UTF-8 text as it is, no ASCII escapes) with every -0.0 written 0.0."""
    return json.dumps(unsigned_zeros(record), ensure_ascii=False, **options)


def unsigned_zeros(value):
    """``value`` with every float -0.0 in it, however deep in dicts, lists and tuples, made 0.0."""
    kind = type(value)
    if kind is float:
        return value if value else 0.0  # -0.0 is falsy; NaN and the infinities are not
    if kind is dict:
        return {key: unsigned_zeros(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [unsigned_zeros(item) for item in value]
    return value
