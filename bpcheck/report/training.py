"""`bpcheck train` and `bpcheck gradcheck` as tables, a loss curve drawn in text, and JSON records."""

from __future__ import annotations

import math

from ..gradcheck import FAIL, KINK, PASS, RELATIVE_TOLERANCE, Check
from ..numbers import counted, for_count, number_formatter
from ..training import TrainingRun
from .views import Section, delta_bars

CURVE_HEIGHT = 13  # odd: the middle label sits on the row of E's midpoint


def loss_curve(loss: list[float], width: int, height: int = CURVE_HEIGHT) -> list[str]:
    """E against the iteration, in text: each column the range of E over its iterations (so an
    oscillating stretch fills a bar), with E's scale on the left and the iterations below."""
    finite = [value for value in loss if math.isfinite(value)]
    if not finite:
        return []
    fmt = number_formatter(3)
    top, bottom = max(finite), min(finite)
    labels = [fmt(top), fmt((top + bottom) / 2), fmt(bottom)]
    margin = max(map(len, labels)) + 2
    columns = max(8, min(len(finite), width - margin - 1))
    span = (top - bottom) or 1.0
    rows = [[" "] * columns for _ in range(height)]
    for column in range(columns):
        start = column * len(finite) // columns
        chunk = finite[start:max(start + 1, (column + 1) * len(finite) // columns)]
        high, low = (round((height - 1) * (top - value) / span) for value in (max(chunk), min(chunk)))
        for row in range(high, low + 1):
            rows[row][column] = "│" if high != low else "─"
    lines = []
    for index, cells in enumerate(rows):
        label = labels[0] if index == 0 else labels[1] if index == height // 2 else labels[2] if index == height - 1 \
            else ""
        lines.append(f"{label:>{margin - 2}} ┤" + "".join(cells).rstrip())
    end = str(len(finite) - 1)
    lines.append(" " * (margin - 1) + "└" + "─" * columns)
    lines.append(" " * margin + "0" + end.rjust(columns - 1) if columns > len(end) + 1 else " " * margin + "0")
    lines.append(" " * margin + "updates →".center(columns))
    return lines


def loss_table(loss: list[float], precision: int, points: int = 11) -> Section:
    """The curve in words, for --plain: E before the first update, at every tenth of the run, and after
    the last update."""
    fmt = number_formatter(precision)
    shown = sorted({round(point * (len(loss) - 1) / (points - 1)) for point in range(points)}) if loss else []
    return Section("E before each update, and after the last", ("updates made", "E"),
                   [(str(index), fmt(loss[index])) for index in shown], numeric=(0, 1))


def training_sections(run: TrainingRun, precision: int) -> list:
    """The summary, the final parameters and each layer's mean |δ| at the start and the end."""
    fmt = number_formatter(precision)
    settings = run.settings
    summary = Section("Summary", ("what", "value"), [
        ("E at the start", fmt(run.loss[0]) if run.loss else "—"),
        (f"E after {counted(len(run.loss), 'update')}",
         fmt(run.final_loss) if math.isfinite(run.final_loss) else "overflowed"),
        ("the loss", run.behaviour.sentence),
    ])
    if settings["until"] is not None:
        summary.rows.append((f"E below {fmt(settings['until'])}",
                             f"after {counted(run.first_below, 'update')}" if run.first_below is not None else "never"))
    if run.overflowed_at:
        summary.notes.append(f"Update {run.overflowed_at} overflowed double precision; the run stopped there.")
    if settings["batch_size"] < settings["examples"]:
        summary.notes.append(f"Each update steps on {settings['batch_size']} of the {settings['examples']} examples, "
                             "so E over all of them can rise on some updates while falling overall (§18).")
    parameters = Section("Parameters", ("name", "start", "end", "change"),
                         [(name, fmt(run.initial[name]), fmt(run.final[name]),
                           fmt(run.final[name] - run.initial[name])) for name in run.initial], numeric=(1, 2, 3))
    blocks = [summary, parameters]
    if len(run.depth_start) >= 2:
        blocks.append(delta_bars("Mean |δ| per layer at the start", run.depth_start, fmt))
        if run.depth_end:
            blocks[-1].notes.clear()  # said once, under the last chart
            title = f"Mean |δ| per layer after {counted(len(run.loss), 'update')}"
            blocks.append(delta_bars(title, run.depth_end, fmt))
    return blocks


def describe_settings(run: TrainingRun) -> str:
    """One line: how the run trained (η, optimizer, batches)."""
    settings = run.settings
    fmt = number_formatter(6)
    optimizer = {"sgd": "plain gradient descent", "momentum": f"momentum β = {fmt(settings.get('beta', 0))}",
                 "adam": "Adam β1 = {}, β2 = {}, ε = {}".format(*(fmt(settings.get(key, 0))
                                                                  for key in ("beta1", "beta2", "epsilon")))}
    size, count = settings["batch_size"], settings["examples"]
    batches = (f"full batch ({counted(count, 'example')})" if size == count else
               f"batches of {size} of {counted(count, 'example')}, "
               + ("shuffled (seed " + str(settings["shuffle_seed"]) + ")" if settings["shuffle_seed"] is not None
                  else "in order"))
    return (f"{counted(settings['iterations'], 'iteration')}, η = {fmt(settings['eta'])}, "
            f"{optimizer[settings['optimizer']]}, {batches}")


def training_json(exercise, run: TrainingRun) -> dict:
    """`bpcheck train --format json` (docs/students/training.md)."""
    return {
        "exercise": exercise.name, "variant": exercise.variant, "title": exercise.title,
        "settings": run.settings,
        "loss": run.loss,
        "final_loss": run.final_loss if math.isfinite(run.final_loss) else None,
        "initial": run.initial, "final": run.final, "state": run.state,
        "behaviour": run.behaviour._asdict(),
        "first_below": run.first_below,
        "overflowed_at": run.overflowed_at,
        "mean_abs_delta": {"start": dict(run.depth_start), "end": dict(run.depth_end)},
    }


def gradcheck_section(checks: list[Check], precision: int) -> Section:
    fmt = number_formatter(precision)
    rows = [(check.parameter, fmt(check.backprop), fmt(check.numeric), f"{check.relative_difference:.1e}",
             check.verdict) for check in checks]
    section = Section("Backprop against central finite differences", ("parameter", "backprop ∂E/∂p",
                      "(E(p+h) - E(p-h)) / 2h", "relative difference", ""), rows, numeric=(1, 2, 3))
    section.row_styles = ["green" if check.verdict == PASS else "red" for check in checks]
    return section


def gradcheck_summary(checks: list[Check]) -> str:
    """'34 of 35 gradients agree (...); 1 sits on a ReLU or softsign kink.', each count with its words."""
    agree, kinks, fail = (sum(check.verdict == verdict for check in checks) for verdict in (PASS, KINK, FAIL))
    return (f"{agree} of {counted(len(checks), 'gradient')} {for_count(agree, 'agrees', 'agree')} (a relative "
            f"difference of at most {RELATIVE_TOLERANCE:g}, or less than rounding in E can show)"
            + (f"; {kinks} {for_count(kinks, 'sits', 'sit')} on a ReLU or softsign kink" if kinks else "")
            + (f"; {fail} {for_count(fail, 'does', 'do')} not." if fail else "."))
