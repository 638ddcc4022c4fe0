"""`bpcheck train --plot PATH`: the loss curve as PNG or SVG, drawn by matplotlib (the optional extra
`plot`), imported only when a plot is asked for."""

from __future__ import annotations

import io
import math

from ..errors import BpcheckError
from ..training import TrainingRun

FORMATS = (".png", ".svg")


def check_plot_path(path: str) -> str:
    """The format of ``path`` (png or svg) from its suffix; one line naming the fix otherwise."""
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    if suffix not in FORMATS:
        raise BpcheckError(f"--plot {path}: write a .png or .svg file", hint="e.g. --plot loss.png")
    return suffix[1:]


def load_matplotlib():
    """matplotlib's pyplot on a backend that needs no display, or one line naming the extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        raise BpcheckError("--plot needs matplotlib, which is not installed", hint="install the plot extra into "
                           f"the Python bpcheck runs in: {install_command()}") from None
    return pyplot


def install_command() -> str:
    """The command that installs the plot extra's matplotlib into the Python running bpcheck, in the form
    of README's set-up (`python3 -m pip --python .venv/bin/python install ...`): the system's pip
    installs into that Python, which needs no pip of its own, and no system Python is touched (PEP 668)."""
    import os
    import shlex
    import sys

    python = sys.executable or "python3"
    inside = os.path.abspath(python).startswith(os.path.join(os.getcwd(), ""))
    return (f"python3 -m pip --python {shlex.quote(os.path.relpath(python) if inside else python)} install "
            f'"{_plot_requirement()}"')


def _plot_requirement() -> str:
    """matplotlib as the installed bpcheck's `plot` extra pins it (pyproject.toml), else plain matplotlib."""
    from importlib import metadata

    try:
        requirements = metadata.requires("bpcheck") or []
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        requirements = []
    return next((requirement.partition(";")[0].strip() for requirement in requirements
                 if requirement.replace('"', "'").endswith("extra == 'plot'")), "matplotlib")


def loss_plot(run: TrainingRun, title: str, kind: str) -> bytes:
    """The curve of E against the number of updates, as PNG or SVG bytes."""
    pyplot = load_matplotlib()
    figure, axes = pyplot.subplots(figsize=(7, 4), dpi=100)
    try:
        curve = [value for value in run.loss + [run.final_loss] if math.isfinite(value)]
        axes.plot(range(len(curve)), curve, color="#0f766e", linewidth=1.5)
        axes.set_xlabel("updates")
        axes.set_ylabel("E")
        axes.set_title(title, parse_math=False)  # the exercise's title as written: its $ is no mathtext
        axes.grid(True, alpha=0.3)
        axes.annotate(run.behaviour.sentence, xy=(0.99, 0.97), xycoords="axes fraction", ha="right", va="top",
                      fontsize=8)
        figure.tight_layout()
        buffer = io.BytesIO()
        # No timestamp in the file, and SVG ids from a fixed salt, not a random one: the same run writes the
        # same bytes.
        metadata = {"Date": None} if kind == "svg" else {"Software": None}
        with pyplot.rc_context({"svg.hashsalt": "bpcheck"}):
            figure.savefig(buffer, format=kind, metadata=metadata)
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
