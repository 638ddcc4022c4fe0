"""bpcheck: check a backpropagation step worked by hand, value by value.

The small public API::

    from bpcheck import load_exercise, solve
    solution = solve(load_exercise("ex1"))
    solution.values["delta3"]   # -0.0026544885...
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__", "load_exercise", "solve", "Solution", "BpcheckError"]

from .errors import BpcheckError
from .solution import Solution, solve


def load_exercise(spec: str):
    """An Exercise from a built-in name (``ex1``) or a path to a YAML file."""
    from .loading import load_exercise as load  # keeps PyYAML off the import path of the core

    return load(spec)
