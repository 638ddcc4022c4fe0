"""`bpcheck train --plot PATH`: the loss curve as PNG or SVG, drawn by matplotlib (the optional extra
`bpcheck[plot]`), imported only when a plot is asked for."""

from __future__ import annotations

import io
import math

from ..errors import BpcheckError
from ..training import TrainingRun

FORMATS = (".png", ".svg")
EXTRA = 'pip install "bpcheck[plot]"'


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
        raise BpcheckError("--plot needs matplotlib, which is not installed",
                           hint=f"install the plot extra: {EXTRA}") from None
    return pyplot


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
