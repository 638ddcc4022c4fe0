"""JSON as people and programs both read it: the record's keys one a line, and a large list or mapping
one entry a line, each entry written compactly by the standard library's C encoder. (``indent=2`` goes
through the pure-Python encoder: for the 41,000 quantities of the largest network it took longer than
solving them, and held the whole text three times over.)"""

from __future__ import annotations

import json

_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode


def json_lines(record: dict) -> str:
    """``record`` as JSON: one line a key; a dict or list value one line an entry."""
    lines = ["{"]
    for index, (key, value) in enumerate(record.items()):
        comma = "," if index < len(record) - 1 else ""
        head = f"  {_ENCODE(key)}: "
        if isinstance(value, dict) and value:
            entries = [f"    {_ENCODE(name)}: {_ENCODE(item)}," for name, item in value.items()]
            lines += [head + "{", *entries[:-1], entries[-1][:-1], "  }" + comma]
        elif isinstance(value, (list, tuple)) and value:
            entries = [f"    {_ENCODE(item)}," for item in value]
            lines += [head + "[", *entries[:-1], entries[-1][:-1], "  ]" + comma]
        else:
            lines.append(head + _ENCODE(value) + comma)
    return "\n".join([*lines, "}"])
