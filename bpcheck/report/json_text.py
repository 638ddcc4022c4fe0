"""JSON as bpcheck prints and writes it (solve, train, gradcheck, grade, Gradescope, Classroom).

A zero is written 0.0, never -0.0: a zero gradient is −δ·o with δ = 0, which IEEE arithmetic signs, and
json writes floats by repr. The sign of a zero means nothing to a student, and -0.0 in a report reads as
a bug (or, compared as text, as a different value).
"""

from __future__ import annotations

import json
from collections.abc import Iterator


def dumps(record, **options) -> str:
    """``json.dumps`` of ``record`` (UTF-8 text as it is, no ASCII escapes) with every -0.0 written 0.0."""
    return json.dumps(unsigned_zeros(record), ensure_ascii=False, **options)


_REPR = float.__repr__
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def json_lines(record: dict) -> str:
    """``record`` as JSON with its keys one a line, and a dict or list value one entry a line, each entry
    written compactly by the standard library's C encoder. (``indent=2`` goes through the pure-Python
    encoder: for the 41,000 quantities of the largest network it took longer than solving them.)"""
    return "\n".join(_lines(record))


_CHUNK = 4096  # lines a piece


def json_chunks(record: dict) -> Iterator[str]:
    """``json_lines(record)`` and a last newline, in pieces of a few thousand lines: printed piece by
    piece, the 8.5 MB of the largest network's record are never held whole (nor as 80,000 lines)."""
    batch: list[str] = []
    for line in _lines(record):
        batch.append(line)
        if len(batch) == _CHUNK:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:  # none left when the lines fill the last piece exactly
        yield "\n".join(batch) + "\n"


def _lines(record: dict) -> Iterator[str]:
    yield "{"
    last_key = len(record) - 1
    for index, (key, value) in enumerate(record.items()):
        comma = "," if index < last_key else ""
        head = f"  {_ENCODE(key)}: "
        if isinstance(value, dict) and value:
            yield head + "{"
            last = len(value) - 1
            for place, (name, item) in enumerate(value.items()):
                yield f"    {_ENCODE(name)}: {_unsigned(item)}{',' if place < last else ''}"
            yield "  }" + comma
        elif isinstance(value, (list, tuple)) and value:
            yield head + "["
            last = len(value) - 1
            for place, item in enumerate(value):
                yield f"    {_unsigned(item)}{',' if place < last else ''}"
            yield "  ]" + comma
        else:
            yield head + _unsigned(value) + comma
    yield "}"


def _unsigned(value) -> str:
    """One value encoded, its zeros unsigned: re-encoded only where the text holds a -0.0 (rare)."""
    if type(value) is float and value and value - value == 0:  # finite, not zero: the encoder writes its repr
        return _REPR(value)
    text = _ENCODE(value)
    return _ENCODE(unsigned_zeros(value)) if "-0.0" in text else text


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
