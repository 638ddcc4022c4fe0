"""`bpcheck train` and `bpcheck gradcheck`: the step repeated, and each gradient checked numerically."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BpcheckError
from . import PLAIN, plain_asked, reports_bad_input, sigterm_interrupts
from .common import EXERCISE, OPTIMIZER, VARIANT, heading, load, precision_option, solved
from .pages import GRADCHECK_PAGES, TRAINING_PAGES, CheckedPage, TrainedPage, format_option, print_page

MAX_ITERATIONS = 1_000_000


def _positive(ctx, param, value: float | None):
    import math

    if value is not None and not (math.isfinite(value) and value > 0):
        raise click.BadParameter("give a positive number")
    return value


@click.command()
@EXERCISE
@click.option("--iterations", "-n", type=click.IntRange(1, MAX_ITERATIONS), default=1000, show_default=True,
              help="Updates to make.")
@click.option("--eta", type=float, callback=_positive, help="The learning rate η (default: the exercise's).")
@click.option("--until", type=float, callback=_positive, metavar="E",
              help="Report the first update after which E is below this.")
@click.option("--batch-size", type=click.IntRange(1, None), metavar="K",
              help="Examples per update: 1 is stochastic, K mini-batch (default: all, full batch).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Shuffle the examples every epoch with this seed.")
@OPTIMIZER
@format_option(TRAINING_PAGES)
@click.option("--plot", metavar="PATH", help="Also write the curve as PNG or SVG (needs matplotlib, the plot extra).")
@precision_option()
@VARIANT
@PLAIN
@reports_bad_input
def train(exercise, iterations, eta, until, batch_size, seed, optimizer, output_format, plot, precision, variant):
    """Train EXERCISE: repeat the step and watch the loss (tutorial §14)."""
    from ..training import train as run_training

    exercise_ = load(exercise, variant, optimizer)  # not solved: --eta may be what makes it solvable
    if eta is not None:
        exercise_ = exercise_._replace(network=exercise_.network._replace(learning_rate=eta))
    if plot is not None:
        _check_plot(plot, exercise_)
    drawn = sys.stderr.isatty() and not plain_asked()  # a progress bar, not with --plain
    progress = _training_progress(iterations) if drawn and iterations >= 20_000 else None
    with progress or _nothing() as advance:
        try:
            run = run_training(exercise_.network, iterations, batch_size=batch_size, seed=seed, until=until,
                               progress=advance)
        except BpcheckError as error:  # numbers too large: say which file's
            error.file = error.file or exercise_.path
            raise
    if plot is not None:
        _write_plot(plot, run, heading(exercise_))
    print_page(TRAINING_PAGES, output_format, TrainedPage(exercise_, run, precision))
    if plot is not None:  # after the report; beside JSON on stderr, so that stdout stays JSON
        from ..safetext import path_shown

        click.echo(f"The loss curve is in {path_shown(plot)}.", err=output_format == "json")


def _nothing():
    import contextlib

    return contextlib.nullcontext(None)


def _training_progress(total: int):
    from ..report.text import training_progress

    return training_progress(total)


def _check_plot(path: str, exercise) -> None:
    from ..files import check_output_paths, identities
    from ..report.plot import check_plot_path, load_matplotlib

    check_plot_path(path)
    load_matplotlib()  # before the run: a missing extra is said at once
    inputs = identities([Path(exercise.path)]) if exercise.path else set()
    check_output_paths([(Path(path), "plot")], inputs)


def _write_plot(path: str, run, title: str) -> None:
    from ..files import write_atomically
    from ..report.plot import check_plot_path, loss_plot

    image = loss_plot(run, title, check_plot_path(path))
    sigterm_interrupts(click.get_current_context())
    write_atomically(Path(path), lambda stream: stream.write(image), "plot", binary=True)


@click.command()
@EXERCISE
@precision_option()
@format_option(GRADCHECK_PAGES)
@VARIANT
@PLAIN
@reports_bad_input
def gradcheck(exercise, precision, output_format, variant):
    """Check every backprop gradient of EXERCISE against a central finite difference of E (tutorial §6).

    Exit code 1 if any disagrees."""
    from ..gradcheck import FAIL, gradient_check

    exercise_, solution = solved(exercise, variant)
    checks = gradient_check(solution)
    print_page(GRADCHECK_PAGES, output_format, CheckedPage(exercise_, checks, precision))
    sys.exit(1 if any(check.verdict == FAIL for check in checks) else 0)
