"""The built-in exercises: where they are, their names, and the natural order bpcheck lists files in.

Apart from loading.py (which imports PyYAML and the formulas) so that a shell's Tab, which lists the
names, stays quick. Pure."""

from __future__ import annotations

import functools
import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
EXERCISE_DIRS = (_PACKAGE / "exercises", _PACKAGE.parent / "exercises")
YAML_SUFFIXES = (".yaml", ".yml")  # in any case: .YAML too


def exercise_folder() -> Path | None:
    return next((folder for folder in EXERCISE_DIRS if folder.is_dir()), None)


@functools.lru_cache(maxsize=1)
def builtin_exercises() -> dict[str, Path]:
    """Built-in exercise names and their files, in natural order (ex2 before ex10)."""
    folder = exercise_folder()
    if folder is None:
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml"), key=natural_order)}


def natural_order(path: Path) -> tuple:
    """A sort key that puts ex2 before ex10 and student9 before student10: total and stable for any name
    (text and ASCII numbers alternate, so like meets like; the whole name breaks ties such as 01 and 1)."""
    text = str(path)
    parts = _ASCII_NUMBERS.split(text)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), text


_ASCII_NUMBERS = re.compile(r"([0-9]+)")
