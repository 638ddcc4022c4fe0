"""What several commands share: the exercise they name, loaded (a variant of it, with --optimizer's
optimizer) and solved; the network drawn for the terminal or as an SVG file; and the options they have
in common (--variant, --optimizer, --precision, --feedback, --svg)."""

from __future__ import annotations

from pathlib import Path

import click

from ..feedback import LEVELS as FEEDBACK_LEVELS
from . import bad_input, plain_asked, sigterm_interrupts


def load(spec: str, variant: str | None = None, optimizer=None):
    """The exercise: a variant of it, with --optimizer's optimizer."""
    from .. import load_exercise

    exercise = load_exercise(spec)
    if variant is not None:
        from ..variants import make_variant

        exercise = make_variant(exercise, variant)
    if optimizer is not None:
        exercise = _with_optimizer(exercise, optimizer)
    return exercise


def solved(spec: str, variant: str | None = None, optimizer=None):
    """The exercise, as ``load`` gives it, and its solution."""
    from .. import solve

    exercise = load(spec, variant, optimizer)
    return exercise, solve(exercise)


def heading(exercise) -> str:
    from ..report.views import exercise_heading

    return exercise_heading(exercise)


def check_nameable(spec: str) -> None:
    """An answers file names its exercise: refuse a path whose name YAML text cannot hold."""
    try:
        spec.encode("utf-8")
    except UnicodeEncodeError:  # a file name from a zip made on Windows
        from ..safetext import path_shown

        bad_input(f"{path_shown(spec)}: its name has bytes that are not UTF-8, which an answers file "
                  "cannot name; rename the file (e.g. with only letters, digits, '-' and '_')")


def quoted_argument(text: str) -> str:
    """``text`` as a shell argument in a command to copy, its control characters escaped (a path may
    hold an escape sequence)."""
    import shlex

    from ..safetext import escape_controls

    return escape_controls(shlex.quote(text))


def emit(blocks, heading: str | None = None) -> None:
    """A page's blocks printed: Rich on a terminal, plain lines anywhere else, and with nothing drawn
    when --plain or BPCHECK_PLAIN asks."""
    from ..report.text import emit as write

    write(blocks, heading=heading, plain=plain_asked())


def terminal_columns(fallback: int = 80) -> int:
    """The terminal's width: $COLUMNS if set, else the terminal's, else ``fallback`` (off a terminal).
    shutil.get_terminal_size's rule, without importing shutil and the archive modules it loads."""
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return columns or fallback


def network_drawing(solution, *, step: bool = False, precision: int = 4):
    """The network drawn for the terminal's width (80 columns, or $COLUMNS, when not on a terminal), and
    in words for --plain."""
    from ..report.diagram import network_lines, network_words
    from ..report.views import Drawing

    return Drawing(network_lines(solution, width=terminal_columns(), step=step, precision=precision),
                   network_words(solution, step=step, precision=precision))


def write_svg(path: Path, exercise, solution, *, step: bool, precision: int = 4) -> None:
    """The network as an SVG file, written whole or not at all, and never onto the exercise it draws."""
    from .. import files
    from ..report.diagram import network_svg

    files.check_output_paths([(path, "svg")], files.identities([Path(exercise.path)] if exercise.path else []))
    sigterm_interrupts(click.get_current_context())
    svg = network_svg(solution, step=step, precision=precision)
    files.write_atomically(path, lambda stream: stream.write(svg), "svg")


def _optimizer(ctx, param, value: str | None):
    """``adam`` or ``momentum,beta=0.95``: a name and settings, checked when the exercise is loaded."""
    if value is None:
        return None
    from ..network import OPTIMIZER_ALIASES, OPTIMIZER_SETTINGS

    name, *pairs = [part.strip() for part in value.split(",")]
    name = OPTIMIZER_ALIASES.get(name.lower(), name.lower())
    if name not in OPTIMIZER_SETTINGS:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(OPTIMIZER_SETTINGS)}")
    settings = {}
    for pair in pairs:
        key, equals, number = pair.partition("=")
        try:
            settings[key.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"write settings as KEY=NUMBER, e.g. {name},beta=0.9") from None
        if not equals:
            raise click.BadParameter(f"write settings as KEY=NUMBER, e.g. {name},beta=0.9")
    return name, settings


def _with_optimizer(exercise, chosen):
    """The exercise with --optimizer's settings (validated as the exercise file's would be)."""
    from ..network import OPTIMIZER_SETTINGS, Optimizer, setting_problem

    name, settings = chosen
    unknown = sorted(set(settings) - set(OPTIMIZER_SETTINGS[name]))
    if unknown:
        bad_input(f"--optimizer: {name} has no setting {unknown[0]}; it takes "
                  f"{', '.join(OPTIMIZER_SETTINGS[name]) or 'none'}")
    merged = {**OPTIMIZER_SETTINGS[name], **settings}
    for key, number in merged.items():
        problem = setting_problem(key, number)
        if problem:
            default = OPTIMIZER_SETTINGS[name][key]
            bad_input(f"--optimizer: {problem}; PyTorch's default is {default:g}, e.g. {name},{key}={default:g}")
    return exercise._replace(network=exercise.network._replace(optimizer=Optimizer(name, merged)))


def _precision(ctx, param, value: int) -> int:
    if not 1 <= value <= 17:
        raise click.BadParameter("give a number of significant digits from 1 to 17")
    return value


def complete_exercise(ctx, param, incomplete: str) -> list:
    """What EXERCISE takes, for the shell's completion: the built-in names, then YAML files and folders
    (a folder that alone matches is opened, so that Tab goes on into it). Imports neither Rich nor the
    solver: a Tab must be quick."""
    from click.shell_completion import CompletionItem

    from ..builtin import builtin_exercises

    names = [name for name in builtin_exercises() if name.startswith(incomplete)]
    found = _yaml_files_and_folders(incomplete)
    if len(found) == 1 and found[0].endswith("/"):
        found = _yaml_files_and_folders(found[0]) or found
    return [CompletionItem(value) for value in names + found]


def _yaml_files_and_folders(incomplete: str) -> list[str]:
    """Entries of the folder ``incomplete`` names (up to its last /) that start as its rest does: YAML
    files, and folders with a / after them. Hidden ones only when the rest starts with a dot."""
    import os

    from ..builtin import YAML_SUFFIXES

    folder, start = incomplete[:incomplete.rfind("/") + 1], incomplete[incomplete.rfind("/") + 1:]
    try:
        entries = sorted(os.scandir(os.path.expanduser(folder) or "."), key=lambda entry: entry.name)
    except OSError:  # no such folder, or not readable: nothing to offer
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
            continue
        try:
            if entry.is_dir():
                found.append(f"{folder}{entry.name}/")
            elif entry.name.lower().endswith(YAML_SUFFIXES):
                found.append(folder + entry.name)
        except OSError:
            continue
    return found


EXERCISE = click.argument("exercise", shell_complete=complete_exercise)
# What a roster file may be (roster.py reads it), as --roster and --variants-from say.
ROSTER_FORMS = ("a CSV with a header and an id column (name and email columns too, if you like), or one student "
                "id a line")
VARIANT = click.option("--variant", metavar="NAME",
                       help="The variant NAME (a student id, say): the same questions with its own numbers.")
SVG = click.option("--svg", "svg_path", type=click.Path(path_type=Path, dir_okay=False), metavar="PATH",
                   help="Also write the network drawn, with its numbers, as an SVG file.")
OPTIMIZER = click.option("--optimizer", callback=_optimizer, metavar="NAME[,KEY=VALUE]",
                         help="sgd, momentum or adam, with settings, e.g. momentum,beta=0.9 (default: the exercise's).")


def precision_option(help: str = "Significant digits shown."):
    return click.option("--precision", "-p", default=4, show_default=True, callback=_precision, help=help)


def feedback_option(help: str):
    return click.option("--feedback", type=click.Choice(FEEDBACK_LEVELS, case_sensitive=False), help=help)
