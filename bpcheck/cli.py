"""The command line: parse, call the core, render, and turn bad input into one line and exit code 2."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BpcheckError

SOLVE_FORMATS = click.Choice(["text", "json", "markdown", "html", "latex"], case_sensitive=False)
GRADE_FORMATS = click.Choice(["text", "json", "html"], case_sensitive=False)  # LaTeX is for exam keys only
# The core's names (feedback.LEVELS, ACTIVATIONS, LOSSES) without importing it for every command; a test
# checks that they agree.
FEEDBACK_LEVELS = ("full", "hint", "verdict", "score")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softsign")
LOSS_NAMES = ("squared_error", "cross_entropy")
GRADESCOPE_VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")
MAX_EXAMPLES = 100  # loading.MAX_EXAMPLES, without importing the loader to build the options
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 128  # plus the signal's number, as shells report it: 130 for Ctrl-C, 143 for SIGTERM
SIGINT, SIGTERM = 2, 15  # the same on every POSIX system and on Windows; `signal` is imported only when needed
SIGNAL_NAMES = {SIGINT: "SIGINT", SIGTERM: "SIGTERM"}
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later


def _bad_input(message: str):
    """One line on stderr and exit code 2, never a traceback."""
    from .safetext import escape_controls

    click.echo(f"bpcheck: {escape_controls(message)}", err=True)
    sys.exit(EXIT_BAD_INPUT)


class Interrupted(Exception):
    """Ctrl-C or SIGTERM, carried past click (which would turn it into "Aborted!" and exit code 1)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame):
    raise Interrupted(signum)


def _progress_bar():
    from .report.text import progress_bar

    return progress_bar


def _sigterm_interrupts(ctx: click.Context) -> None:
    """While a file is being written, SIGTERM interrupts as Ctrl-C does: the file is left whole."""
    import signal

    previous = signal.signal(signal.SIGTERM, _terminate)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def reports_bad_input(command):
    """Bad input raised by the core becomes one line on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BpcheckError as error:
            _bad_input(str(error))

    return wrapper


class OneLineErrors(click.Group):
    """Usage errors as one line too (click prints three), a closed pipe ends quietly, and an interrupted
    run says so and exits 130 (Ctrl-C) or 143 (SIGTERM), never 1: any file it was writing is untouched."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted(SIGINT) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Interrupted as interruption:
            click.echo(f"bpcheck: interrupted ({SIGNAL_NAMES.get(interruption.signum, interruption.signum)}); "
                       "no file was changed", err=True)
            sys.exit(EXIT_INTERRUPTED + interruption.signum)
        except _NO_ARGS_IS_HELP as error:  # plain `bpcheck`: the help, as asked
            click.echo(error.ctx.get_help())
            sys.exit(0)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "bpcheck"
            _bad_input(f"{error.format_message().rstrip('.')}; see `{command} --help`")
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except BrokenPipeError:  # `bpcheck solve ex1 | head`: the reader has all it wants
            sys.stderr.close()
            sys.exit(0)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


@click.group(name="bpcheck", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpcheck")
def main():
    """Check a backpropagation step worked by hand, value by value.

    \b
      bpcheck list                  the built-in exercises
      bpcheck show ex1              an exercise as a student reads it
      bpcheck solve ex1             the worked solution, step by step
      bpcheck template ex1 > a.yaml an answers file to fill in
      bpcheck grade a.yaml          check the answers, value by value
    """


def _exercise(spec: str, variant: str | None = None, optimizer=None):
    """The exercise: a variant of it, with --optimizer's optimizer."""
    from . import load_exercise

    exercise = load_exercise(spec)
    if variant is not None:
        from .variants import make_variant

        exercise = make_variant(exercise, variant)
    if optimizer is not None:
        exercise = _with_optimizer(exercise, optimizer)
    return exercise


def _load(spec: str, variant: str | None = None, optimizer=None):
    """The exercise, as _exercise gives it, solved."""
    from . import solve

    exercise = _exercise(spec, variant, optimizer)
    return exercise, solve(exercise)


def _heading(exercise) -> str:
    variant = f", variant {exercise.variant}" if exercise.variant else ""
    return f"{exercise.title} ({exercise.name}{variant})"


VARIANT = click.option("--variant", metavar="NAME",
                       help="The variant NAME (a student id, say): the same questions with its own numbers.")
SVG = click.option("--svg", "svg_path", type=click.Path(path_type=Path, dir_okay=False), metavar="PATH",
                   help="Also write the network drawn, with its numbers, as an SVG file.")


def _diagram_lines(solution, *, step: bool = False, precision: int = 4) -> list[str]:
    """The network drawn for the terminal's width (80 columns, or $COLUMNS, when not on a terminal)."""
    import shutil

    from .report.diagram import network_lines

    return network_lines(solution, width=shutil.get_terminal_size().columns, step=step, precision=precision)


def _write_svg(path: Path, exercise, solution, *, step: bool, precision: int = 4) -> None:
    """The network as an SVG file, written whole or not at all, and never onto the exercise it draws."""
    from . import files
    from .report.diagram import network_svg

    files.check_output_paths([(path, "svg")], files.identities([Path(exercise.path)] if exercise.path else []))
    _sigterm_interrupts(click.get_current_context())
    svg = network_svg(solution, step=step, precision=precision)
    files.write_atomically(path, lambda stream: stream.write(svg), "svg")


# network.OPTIMIZER_SETTINGS and OPTIMIZER_ALIASES without importing the core for every command (a test checks)
OPTIMIZERS = ("sgd", "momentum", "adam")
OPTIMIZER_ALIASES = {"gd": "sgd", "plain": "sgd"}


def _optimizer(ctx, param, value: str | None):
    """``adam`` or ``momentum,beta=0.95``: a name and settings, checked when the exercise is loaded."""
    if value is None:
        return None
    name, *pairs = [part.strip() for part in value.split(",")]
    name = OPTIMIZER_ALIASES.get(name.lower(), name.lower())
    if name not in OPTIMIZERS:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(OPTIMIZERS)}")
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
    from .network import OPTIMIZER_SETTINGS, Optimizer, setting_problem

    name, settings = chosen
    unknown = sorted(set(settings) - set(OPTIMIZER_SETTINGS[name]))
    if unknown:
        _bad_input(f"--optimizer: {name} has no setting {unknown[0]}; it takes "
                   f"{', '.join(OPTIMIZER_SETTINGS[name]) or 'none'}")
    merged = {**OPTIMIZER_SETTINGS[name], **settings}
    for key, number in merged.items():
        problem = setting_problem(key, number)
        if problem:
            default = OPTIMIZER_SETTINGS[name][key]
            _bad_input(f"--optimizer: {problem}; PyTorch's default is {default:g}, e.g. {name},{key}={default:g}")
    return exercise._replace(network=exercise.network._replace(optimizer=Optimizer(name, merged)))


OPTIMIZER = click.option("--optimizer", callback=_optimizer, metavar="NAME[,KEY=VALUE]",
                         help="sgd, momentum or adam, with settings, e.g. momentum,beta=0.9 (default: the exercise's).")


def _precision(ctx, param, value: int) -> int:
    if not 1 <= value <= 17:
        raise click.BadParameter("give a number of significant digits from 1 to 17")
    return value


@main.command()
@click.argument("exercise")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown in the tables.")
@click.option("--format", "-f", "output_format", type=SOLVE_FORMATS, default="text", show_default=True,
              help="text tables, json (every value at full precision), markdown, html (a self-contained page) "
                   "or latex (a fragment for an exam key).")
@VARIANT
@OPTIMIZER
@SVG
@reports_bad_input
def solve(exercise: str, precision: int, output_format: str, variant: str | None, optimizer, svg_path: Path | None):
    """Print the worked solution of EXERCISE (a built-in name such as ex1, or a YAML file)."""
    exercise_, solution = _load(exercise, variant, optimizer)
    if svg_path is not None:  # before anything is printed: a file that cannot be written is one line
        _write_svg(svg_path, exercise_, solution, step=True, precision=precision)
    if output_format == "json":
        from .report.json_text import json_lines
        from .report.views import solution_json

        click.echo(json_lines(solution_json(solution)))
        return
    from .report.views import solution_sections

    heading = _heading(exercise_)
    if output_format == "html":
        from .report.html import solution_html

        click.echo(solution_html(solution, precision, heading), nl=False)
        return
    if output_format == "latex":
        from .report.latex import solution_latex

        click.echo(solution_latex(solution, precision, heading), nl=False)
        return
    sections = solution_sections(solution, precision)
    if output_format == "markdown":
        from .report.markdown import markdown_sections

        click.echo(markdown_sections(sections, heading))
        return
    from .report.text import emit

    emit([*_diagram_lines(solution, precision=precision), "", *sections], heading=heading)


@main.command(name="list")
@reports_bad_input
def list_exercises():
    """List the built-in exercises with their titles."""
    from . import builtin_exercises, load_exercise
    from .report.text import emit
    from .report.views import Section

    rows = []
    for name in builtin_exercises():
        exercise = load_exercise(name)
        sizes = "-".join(str(size) for size in exercise.network.layer_sizes)
        rows.append((name, exercise.title, sizes))
    emit([Section("Built-in exercises", ("name", "title", "layers"), rows)])


@main.command()
@click.argument("exercise")
@VARIANT
@click.option("--diagram", is_flag=True,
              help="Draw the network with each unit's values after the forward pass and each weight.")
@click.option("--step", is_flag=True,
              help="Draw the step too: the deltas and the new weights (with --diagram or --svg).")
@SVG
@reports_bad_input
def show(exercise: str, variant: str | None, diagram: bool, step: bool, svg_path: Path | None):
    """Show EXERCISE as a student reads it: the network, its numbers and what is asked."""
    from .report.text import emit
    from .report.views import exercise_sections

    if step and not (diagram or svg_path):
        raise click.UsageError("--step draws the step on --diagram or --svg; give one of them")
    exercise_, solution = _load(exercise, variant)
    if svg_path is not None:
        _write_svg(svg_path, exercise_, solution, step=step)
    # The YAML's own line breaks fall mid-sentence: one line a paragraph, for the terminal to wrap.
    paragraphs = [" ".join(p.split()) for p in exercise_.instructions.split("\n\n") if p.strip()]
    drawing = [*_diagram_lines(solution, step=step), ""] if diagram else []
    emit([*paragraphs, "", *drawing, *exercise_sections(exercise_, solution)], heading=_heading(exercise_))


@main.command()
@click.argument("exercise")
@VARIANT
@reports_bad_input
def template(exercise: str, variant: str | None):
    """Print an answers file for EXERCISE to fill in (every asked quantity, in solving order)."""
    from .report.template import answers_template

    _, solution = _load(exercise, variant)
    try:
        exercise.encode("utf-8")
    except UnicodeEncodeError:  # a file name from a zip made on Windows: YAML text cannot hold it
        from .safetext import path_shown

        _bad_input(f"{path_shown(exercise)}: its name has bytes that are not UTF-8, which an answers file "
                   "cannot name; rename the file (e.g. with only letters, digits, '-' and '_')")
    click.echo(answers_template(solution, exercise), nl=False)


@main.command()
@click.argument("exercise")
@VARIANT
@click.option("--save", "save_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The answers file written as you go (default: NAME-answers.yaml in the current folder, NAME "
                   "being the exercise's).")
@click.option("--resume", is_flag=True,
              help="Go on from the --save answers file: what is right there is not asked again.")
@click.option("--feedback", type=click.Choice(FEEDBACK_LEVELS, case_sensitive=False),
              help="full; hint (never an expected value); verdict (no hint); score (the score at the end only). "
                   "Default: the exercise's feedback:, else full.")
@reports_bad_input
def practice(exercise: str, variant: str | None, save_path: Path | None, resume: bool, feedback: str | None):
    """Work EXERCISE value by value: each answer is checked at once, with a hint and a second try when
    it is wrong, and saved as you go to an answers file that `bpcheck grade` reads.

    \b
    At each prompt type a number, or: an empty line to skip, < to go back,
    q to quit (Ctrl-D too), ? for help. Piped, it reads one line a prompt.
    Exit code 0 when every asked value is right, 1 otherwise, 130 on Ctrl-C.
    """
    from . import files
    from .practice import Practice
    from .practice_cli import answers_text, quoted_argument, resumed, run_session, spec_beside
    from .safetext import path_shown

    try:
        exercise.encode("utf-8")
    except UnicodeEncodeError:  # as for `template`: an answers file cannot name it
        _bad_input(f"{path_shown(exercise)}: its name has bytes that are not UTF-8, which an answers file "
                   "cannot name; rename the file (e.g. with only letters, digits, '-' and '_')")
    base, base_solution = _load(exercise)
    save = save_path or Path(f"{base.name}-answers.yaml")
    files.check_output_path(save, files.identities([Path(base.path)] if base.path else []), "save")
    answers: dict = {}
    student = None
    notes: list[str] = []  # on the file gone on from: a value in it that is not a number
    if resume and files.is_file(save):
        variant, answers, student, notes = resumed(save, exercise, variant)
    elif files.identity(save) is not None:
        raise BpcheckError("there is already a file there, and practice never overwrites one",
                           file=path_shown(save), hint="go on from it with --resume, or give another --save PATH")
    exercise_, solution = _load(exercise, variant) if variant is not None else (base, base_solution)
    level = feedback.lower() if feedback else (exercise_.feedback or "full")
    session = Practice(solution, feedback=level, answers=answers, notes=notes,
                       others=base_solution.values if variant is not None else None)
    spec = spec_beside(exercise, save)
    saved_as = ["--save", quoted_argument(str(save))] if save_path else []
    resume_command = " ".join(["bpcheck practice", quoted_argument(exercise), *saved_as, "--resume"])
    run_session(session, save, lambda: answers_text(session, spec, student), _heading(exercise_),
                resume_command, written=files.is_file(save))


# ---------------------------------------------------------------- training


MAX_ITERATIONS = 1_000_000


def _positive(ctx, param, value: float | None):
    import math

    if value is not None and not (math.isfinite(value) and value > 0):
        raise click.BadParameter("give a positive number")
    return value


@main.command()
@click.argument("exercise")
@click.option("--iterations", "-n", type=click.IntRange(1, MAX_ITERATIONS), default=1000, show_default=True,
              help="Updates to make.")
@click.option("--eta", type=float, callback=_positive, help="The learning rate η (default: the exercise's).")
@click.option("--until", type=float, callback=_positive, metavar="E",
              help="Report the first update after which E is below this.")
@click.option("--batch-size", type=click.IntRange(1, None), metavar="K",
              help="Examples per update: 1 is stochastic, K mini-batch (default: all, full batch).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Shuffle the examples every epoch with this seed.")
@OPTIMIZER
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text", show_default=True, help="text (the curve and a summary) or json.")
@click.option("--plot", metavar="PATH", help="Also write the curve as PNG or SVG (needs matplotlib, the plot extra).")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown.")
@VARIANT
@reports_bad_input
def train(exercise, iterations, eta, until, batch_size, seed, optimizer, output_format, plot, precision, variant):
    """Train EXERCISE: repeat the step and watch the loss (tutorial §14)."""
    from .training import train as run_training

    exercise_ = _exercise(exercise, variant, optimizer)  # not solved: --eta may be what makes it solvable
    if eta is not None:
        exercise_ = exercise_._replace(network=exercise_.network._replace(learning_rate=eta))
    if plot is not None:
        _check_plot(plot, exercise_)
    progress = _training_progress(iterations) if sys.stderr.isatty() and iterations >= 20_000 else None
    with progress or _nothing() as advance:
        try:
            run = run_training(exercise_.network, iterations, batch_size=batch_size, seed=seed, until=until,
                               progress=advance)
        except BpcheckError as error:  # numbers too large: say which file's
            error.file = error.file or exercise_.path
            raise
    if plot is not None:
        _write_plot(plot, run, _heading(exercise_))
    if output_format == "json":
        from .report.json_text import dumps
        from .report.training import training_json

        click.echo(dumps(training_json(exercise_, run), indent=2, allow_nan=False))
    else:
        _print_training(exercise_, run, precision)
    if plot is not None:  # after the report; beside JSON on stderr, so that stdout stays JSON
        from .safetext import path_shown

        click.echo(f"The loss curve is in {path_shown(plot)}.", err=output_format == "json")


def _nothing():
    import contextlib

    return contextlib.nullcontext(None)


def _training_progress(total: int):
    from .report.text import training_progress

    return training_progress(total)


def _check_plot(path: str, exercise) -> None:
    from .files import check_output_paths, identities
    from .report.plot import check_plot_path, load_matplotlib

    check_plot_path(path)
    load_matplotlib()  # before the run: a missing extra is said at once
    inputs = identities([Path(exercise.path)]) if exercise.path else set()
    check_output_paths([(Path(path), "plot")], inputs)


def _write_plot(path: str, run, title: str) -> None:
    from .files import write_atomically
    from .report.plot import check_plot_path, loss_plot

    image = loss_plot(run, title, check_plot_path(path))
    _sigterm_interrupts(click.get_current_context())
    write_atomically(Path(path), lambda stream: stream.write(image), "plot", binary=True)


def _print_training(exercise, run, precision: int) -> None:
    import shutil

    from .report.text import emit
    from .report.training import describe_settings, loss_curve, training_sections

    width = shutil.get_terminal_size((100, 24)).columns
    curve = loss_curve(run.loss + [run.final_loss], min(width, 100))
    emit([describe_settings(run), "", "E before each update, and after the last:", *curve, "",
          *training_sections(run, precision)], heading=f"Training {_heading(exercise)}")


@main.command()
@click.argument("exercise")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown.")
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text", show_default=True)
@VARIANT
@reports_bad_input
def gradcheck(exercise, precision, output_format, variant):
    """Check every backprop gradient of EXERCISE against a central finite difference of E (tutorial §6).

    Exit code 1 if any disagrees."""
    from .gradcheck import FAIL, RELATIVE_TOLERANCE, gradient_check

    exercise_, solution = _load(exercise, variant)
    checks = gradient_check(solution)
    if output_format == "json":
        from .report.json_text import dumps

        click.echo(dumps({"exercise": exercise_.name, "variant": exercise_.variant,
                          "relative_tolerance": RELATIVE_TOLERANCE,
                          "checks": [check._asdict() for check in checks]}, indent=2))
    else:
        from .report.text import emit
        from .report.training import gradcheck_section, gradcheck_summary

        emit([gradcheck_section(checks, precision), gradcheck_summary(checks)],
             heading=f"Gradient check of {_heading(exercise_)}")
    sys.exit(1 if any(check.verdict == FAIL for check in checks) else 0)


def _shape(ctx, param, value: str) -> tuple[int, ...]:
    from .loading import MAX_LAYERS, MAX_UNITS_PER_LAYER, MAX_WEIGHTS

    parts = value.split("-")
    if len(parts) < 2 or not all(part.isdigit() and part.isascii() for part in parts):
        raise click.BadParameter("give the units of each layer joined by '-', inputs first, e.g. 2-3-1")
    sizes = tuple(int(part) for part in parts)
    if not all(1 <= size <= MAX_UNITS_PER_LAYER for size in sizes) or len(sizes) > MAX_LAYERS:
        raise click.BadParameter(f"each layer has 1 to {MAX_UNITS_PER_LAYER} units, in at most {MAX_LAYERS} layers")
    weights = sum(before * after for before, after in zip(sizes, sizes[1:]))
    if weights > MAX_WEIGHTS:
        raise click.BadParameter(f"{value} needs {weights:,} weights; bpcheck takes at most {MAX_WEIGHTS:,}")
    return sizes


@main.command()
@click.option("--shape", required=True, callback=_shape, metavar="2-3-1",
              help="Units in each layer, inputs first.")
@click.option("--activation", type=click.Choice(HIDDEN_ACTIVATIONS), default="sigmoid", show_default=True,
              help="Activation of the hidden and output layers (softmax at the output with cross_entropy).")
@click.option("--loss", type=click.Choice(LOSS_NAMES), default="squared_error", show_default=True)
@click.option("--biases", is_flag=True, help="Give every unit after the inputs a bias.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1),
              help="The same seed, the same exercise (default: a fresh one, written in the file).")
@click.option("--title", help="The exercise's title.")
@click.option("--examples", type=click.IntRange(1, MAX_EXAMPLES), metavar="N",
              help=f"A dataset of N examples (1 to {MAX_EXAMPLES}) in place of one, each with its own numbers.")
@reports_bad_input
def new(shape, activation, loss, biases, seed, title, examples):
    """Print a fresh exercise of this shape, with numbers a person can work by hand.

    \b
      bpcheck new --shape 2-3-1 > hw.yaml
      bpcheck new --shape 2-2-2 --activation tanh --loss cross_entropy --biases --seed 7
      bpcheck new --shape 2-3-1 --examples 4
    """
    from .report.exercise_file import exercise_yaml
    from .variants import new_exercise

    if loss == "cross_entropy" and shape[-1] < 2:
        raise click.BadParameter("cross_entropy needs two or more output units, e.g. 2-3-2",
                                 param_hint="'--shape'")
    if examples:
        _check_dataset_size(shape, biases, examples)
    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
    try:
        exercise = new_exercise(shape, activation, loss, biases=biases, seed=seed, title=title,
                                examples=examples or 0)
    except BpcheckError:  # the rules refused every draw: nothing in a file to widen here
        _bad_input(f"no numbers for a {'-'.join(map(str, shape))} {activation} network meet the rules for hand "
                   f"calculation with --seed {seed}; try another --seed, or fewer units a layer"
                   + (" or examples" if examples else ""))
    import shlex

    command = ["bpcheck new --shape", "-".join(map(str, shape)), f"--activation {activation}", f"--loss {loss}",
               *(["--biases"] if biases else []), *([f"--examples {examples}"] if examples else []),
               f"--seed {seed}"]
    if title:
        command.append(f"--title {shlex.quote(title)}")
    click.echo(exercise_yaml(exercise, " ".join(command)), nl=False)


def _check_dataset_size(shape: tuple[int, ...], biases: bool, examples: int) -> None:
    """A dataset within the exercise limits: at most MAX_WEIGHTS gradients (examples × parameters)."""
    from .loading import MAX_WEIGHTS

    parameters = sum(a * b for a, b in zip(shape, shape[1:])) + (sum(shape[1:]) if biases else 0)
    if examples * parameters > MAX_WEIGHTS:
        most = MAX_WEIGHTS // parameters
        fix = f"give at most {most} examples, or a smaller --shape" if most else \
            "give a smaller --shape, or no --examples"
        raise click.BadParameter(
            f"{examples} examples of {parameters:,} weights and biases make {examples * parameters:,} gradients; "
            f"bpcheck takes at most {MAX_WEIGHTS:,}: {fix}",
            param_hint="'--examples'")


@main.command()
@click.argument("exercises", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Exit 1 when there is any warning (for CI and pre-commit).")
@reports_bad_input
def check(exercises, strict):
    """Check exercise files before students work them: numbers by hand, reachable targets, no
    saturated or dead unit, fair to rounding, able to vary. Warnings exit 0 unless --strict."""
    from . import builtin_exercises, load_exercise
    from .lint import lint
    from .loading import given_lines
    from .safetext import path_shown

    warned = 0
    for spec in exercises:
        exercise = load_exercise(spec)
        findings = lint(exercise)
        lines = given_lines(spec) if findings else {}
        shown = f"{exercise.name}.yaml" if spec.lower() in builtin_exercises() else path_shown(spec)
        for finding in findings:
            line = lines.get(finding.name or "")
            click.echo(f"{shown}:{line}: {finding.severity}: {finding.message}" if line
                       else f"{shown}: {finding.severity}: {finding.message}")
        warnings = sum(finding.severity == "warning" for finding in findings)
        if not warnings:
            click.echo(f"{shown}: ready: it solves, and a person can work it by hand")
        warned += warnings
    if warned and strict:
        sys.exit(1)


@main.command()
@click.argument("kind", type=click.Choice(["exercise", "answers"]))
def schema(kind):
    """Print the JSON Schema (draft-07) of exercise or answers files, for editors and CI."""
    from importlib.resources import files

    click.echo(files("bpcheck").joinpath("schemas", f"{kind}.schema.json").read_text(encoding="utf-8"), nl=False)


# ---------------------------------------------------------------- exports to course systems


@main.group()
def export():
    """Write an exercise as a question or quiz for a course system.

    \b
      bpcheck export prairielearn hw1.yaml questions/bpcheck/hw1
      bpcheck export moodle hw1.yaml hw1.xml --variants-from roster.txt
      bpcheck export qti hw1.yaml hw1.zip --variants-from roster.txt
    """


VARIANTS_OPTIONS = [click.option("--variants", metavar="A,B,...", help="The variants, one a student (default: the "
                             "exercise's own numbers)."),
                click.option("--variants-from", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
                             help="The variants from a roster file: one name (a student id) a line.")]


def _variants_options(command):
    for option in reversed(VARIANTS_OPTIONS):
        command = option(command)
    return command


@export.command()
@click.argument("exercise")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@_variants_options
@reports_bad_input
def moodle(exercise, out, variants, variants_from):
    """Write a Moodle XML quiz OUT: a Cloze question per variant, in a category to draw one from at random."""
    _export(exercise, out, variants, variants_from, "moodle")


@export.command()
@click.argument("exercise")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@_variants_options
@reports_bad_input
def qti(exercise, out, variants, variants_from):
    """Write a Canvas QTI 1.2 package OUT (a zip): a quiz per variant, to assign each to its student."""
    _export(exercise, out, variants, variants_from, "qti")


def _export(spec: str, out: Path, variants: str | None, variants_from: Path | None, system: str) -> None:
    """The exercise solved for each variant asked and written to OUT, once OUT is known to be no input."""
    from . import files, load_exercise
    from .lms.quiz import listed_variants, read_roster, solved_variants
    from .numbers import counted
    from .safetext import path_shown

    if variants is not None and variants_from is not None:
        raise click.UsageError("--variants and --variants-from name the variants two ways; give one")
    exercise = load_exercise(spec)
    inputs = files.identities([Path(path) for path in (exercise.path, variants_from) if path])
    what = "xml" if system == "moodle" else "zip"
    files.check_output_path(out, inputs, what, named="OUT")
    names = (listed_variants(variants) if variants is not None else
             listed_variants(read_roster(variants_from), path_shown(variants_from)) if variants_from is not None
             else [])
    solutions = solved_variants(exercise, names)
    _sigterm_interrupts(click.get_current_context())
    if system == "moodle":
        from .lms.moodle import moodle_xml

        xml = moodle_xml(solutions)
        files.write_atomically(out, lambda stream: stream.write(xml), what)
        then = ("import it in Moodle (Question bank > Import, Moodle XML format), then add a random question "
                "from its category to a quiz")
    else:
        from .lms.canvas import write_qti

        files.write_atomically(out, lambda stream: write_qti(stream, solutions), what, binary=True)
        then = ("import it in Canvas (Settings > Import Course Content, QTI .zip file); each variant is a quiz "
                "of its own, to assign to its student")
    written = counted(len(solutions), "Cloze question") if system == "moodle" else counted(len(solutions), "quiz",
                                                                                            "quizzes")
    click.echo(f"{written} written to {path_shown(out)}: {then}.")


def _pattern(ctx, param, value):
    if value is None:
        return None
    import re

    try:
        re.compile(value)
    except re.error as error:
        raise click.BadParameter(f"not a regular expression ({error})") from None
    return value


def _pass_mark(ctx, param, value):
    if value is not None and not 0 <= value <= 100:
        raise click.BadParameter("give a percentage from 0 to 100")
    return value


def _tolerance(ctx, param, value):
    if value is not None and not (0 <= value < 1 if param.name == "rtol" else 0 <= value < float("inf")):
        raise click.BadParameter("rtol is a fraction from 0 to below 1 (0.01 is 1%); atol is 0 or more")
    return value


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--rtol", type=float, callback=_tolerance,
              help="Relative tolerance, a fraction (default: the exercise's, else 0.01 = 1%).")
@click.option("--atol", type=float, callback=_tolerance,
              help="Absolute tolerance, added to the relative one for every value (default 0).")
@click.option("--pass-mark", type=float, callback=_pass_mark,
              help="Pass (exit 0) at this score in percent, instead of only when every value is right.")
@click.option("--format", "-f", "output_format", type=GRADE_FORMATS, default="text", show_default=True,
              help="text tables, json, or html (a self-contained page).")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown.")
@click.option("--exercise", "-e", "pinned_exercise", metavar="EXERCISE",
              help="Grade every file against EXERCISE (a built-in name or a file); a file naming another is "
                   "flagged. Marks that count need it. A file's own variant: is then not trusted: each file "
                   "is graded as its student id's variant (as --variant-from-id), if any file names one.")
@click.option("--variant", metavar="NAME",
              help="Grade every file as variant NAME; a file naming another is flagged.")
@click.option("--variant-from-id", is_flag=True,
              help="Grade each file as the variant of its student id, taken from its path (as --id-from filename).")
@click.option("--variant-from-file", is_flag=True,
              help="Grade each file as the variant it names itself: for self-study or files you trust only.")
@click.option("--feedback", type=click.Choice(FEEDBACK_LEVELS, case_sensitive=False),
              help="What the report shows: full (expected values), hint (no expected values), verdict, or "
                   "score (the total only). Default: the exercise's feedback:, else full.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a gradebook CSV: a row per file, a column per quantity.")
@click.option("--csv-excel", is_flag=True, help="Start the CSV with the byte-order mark Excel needs for UTF-8.")
@click.option("--id-from", type=click.Choice(["student", "filename"]), default="student", show_default=True,
              help="The CSV's id: the file's student:, else its file name; or always the file name.")
@click.option("--id-pattern", metavar="REGEX", callback=_pattern,
              help="Take the id from the file's path by this pattern (its group 'id', else its first group).")
@click.option("--junit-xml", "junit_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write JUnit XML: a testsuite per file, a testcase per quantity.")
@click.option("--gradescope", "gradescope_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write Gradescope's results.json.")
@click.option("--gradescope-visibility", type=click.Choice(GRADESCOPE_VISIBILITY), default="visible",
              show_default=True, help="When students see the Gradescope results.")
@click.option("--classroom", is_flag=True,
              help="Write GitHub Classroom's result (per-quantity partial credit) to $GITHUB_OUTPUT. GitHub "
                   "Classroom is deprecated upstream: see --classroom50.")
@click.option("--classroom50", "classroom50_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write Classroom 50's result.json: a test per quantity in whole points, the submission "
                   "named by the runner's $CLASSROOM, $ASSIGNMENT, $SUBMISSION_TAG, $COMMIT_URL and $RELEASE_URL.")
@click.option("--classroom50-body", "classroom50_body_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the report as Markdown for Classroom 50's Release (release-body.md).")
@click.option("--no-annotations", is_flag=True,
              help="With GITHUB_ACTIONS=true, write no annotations and no step summary.")
@click.option("--mistakes", is_flag=True,
              help="Add where the class went wrong: per quantity, and the named mistakes with counts.")
@click.option("--mistakes-csv", "mistakes_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write where the class went wrong as a CSV.")
@click.option("--strict", is_flag=True,
              help="Exit 2 when a value is not a number or a file is flagged (for pre-commit).")
@click.option("--from-moodle", "moodle_path", type=click.Path(path_type=Path), metavar="RESPONSES.csv",
              help="Grade every attempt in a Moodle quiz's Responses report (CSV) of an exported quiz.")
@click.option("--from-canvas", "canvas_path", type=click.Path(path_type=Path), metavar="STUDENT_ANALYSIS.csv",
              help="Grade every attempt in a Canvas quiz's Student Analysis (CSV, or a folder of them).")
def grade(paths, rtol, atol, pass_mark, output_format, precision, pinned_exercise, variant, variant_from_id,
          variant_from_file, feedback, csv_path, csv_excel, id_from, id_pattern, junit_path, gradescope_path,
          gradescope_visibility, classroom, classroom50_path, classroom50_body_path, no_annotations, mistakes,
          mistakes_path, strict, moodle_path, canvas_path):
    """Check answers files (or folders of them; - reads standard input) against the worked solution.

    One file: a table per stage with a verdict and a note for every value.
    Several files or a folder: one summary row per file. Exit code 0 when
    every file passes, 1 when any has a wrong or missing value, 2 when any
    file could not be read. For marks that count, pin the exercise:
    bpcheck grade submissions/ --exercise hw1.yaml --feedback hint

    A quiz exported with `bpcheck export`: bpcheck grade --from-moodle
    RESPONSES.csv (or --from-canvas) --exercise hw1.yaml --csv marks.csv
    """
    import os

    from . import batch, files

    written = [(path, what) for path, what in ((csv_path, "csv"), (junit_path, "junit-xml"),
                                                (gradescope_path, "gradescope"), (mistakes_path, "mistakes-csv"),
                                                (classroom50_path, "classroom50"),
                                                (classroom50_body_path, "classroom50-body"))
               if path is not None]
    if written:
        _sigterm_interrupts(click.get_current_context())
    github = os.environ.get("GITHUB_ACTIONS") == "true" and not no_annotations
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if github else None
    output_file = os.environ.get("GITHUB_OUTPUT") if classroom else None
    progress = _progress_bar() if sys.stderr.isatty() else None  # for long batches (batch.PROGRESS_FROM)
    stdin = sum(str(path) == "-" for path in paths)
    try:
        if sum(map(bool, (variant, variant_from_id, variant_from_file))) > 1:
            raise click.UsageError("--variant, --variant-from-id and --variant-from-file say where the variant "
                                   "comes from; give one")
        if stdin > 1 or (stdin and variant_from_id):
            raise click.UsageError("- (standard input) can be read once, and has no path to take an id from")
        if classroom and not output_file:
            raise BpcheckError("--classroom writes to $GITHUB_OUTPUT, which is not set",
                               hint="run it in a GitHub Actions step, or set GITHUB_OUTPUT to a file")
        classroom50 = _Classroom50(classroom50_path) if classroom50_path or classroom50_body_path else None
        if moodle_path is not None or canvas_path is not None:
            graded = _lms_graded(paths, moodle_path, canvas_path, pinned_exercise, rtol, atol, precision,
                                 feedback, variant or variant_from_id or variant_from_file or id_pattern
                                 or gradescope_path or classroom or classroom50)
        else:
            if not paths:
                raise click.UsageError("give answers files (or a folder of them), or --from-moodle / --from-canvas")
            graded = batch.grade_files(paths, rtol=rtol, atol=atol, precision=precision, progress=progress,
                                       exercise=pinned_exercise, variant=variant,
                                       feedback=feedback.lower() if feedback else None,
                                       variant_from="id" if variant_from_id else "file" if variant_from_file else None,
                                       id_pattern=id_pattern)
        from .report.ci import check_one_student

        check_one_student(graded.outcomes, [what for what, asked in (
            ("gradescope", gradescope_path), ("classroom", classroom), ("classroom50", classroom50_path),
            ("classroom50-body", classroom50_body_path)) if asked])
        if classroom50 is not None:
            classroom50.grade(graded, pass_mark)  # whole points, or one line, before anything is written
        inputs = files.identities(graded.answers_files + graded.exercise_files)
        files.check_output_paths(written, inputs)  # nothing has been written yet: no input may be an output
        files.check_append_targets([(summary_file, "GITHUB_STEP_SUMMARY"), (output_file, "GITHUB_OUTPUT")], inputs)
    except BpcheckError as error:
        _bad_input(str(error))
    outcomes = list(graded.outcomes)
    single = len(outcomes) == 1 and len(paths) == 1 and not files.is_dir(paths[0])
    found = None
    if mistakes or mistakes_path is not None:
        from .classreport import class_mistakes, visible_to

        found = class_mistakes(outcomes)  # the CSV's, in full: the course's own file
        shown = visible_to(found, outcomes) if mistakes else None  # what every student may see of it
    report = None
    if output_format != "json" or summary_file or classroom50_body_path:  # text, a step summary, a Release
        report = _text_report(graded, single, pass_mark, precision)
        if mistakes:
            from .report.grades import class_sections

            withheld = ["Where the class went wrong is withheld at the score feedback level (--mistakes-csv "
                        "has it)."]
            report = ([*report[0], *(class_sections(shown) if shown is not None else withheld)], report[1])
    try:  # before the report: if one cannot be written, nothing has been printed
        for path, what in written:
            render = (classroom50.writer(what, report) if classroom50 and what.startswith("classroom50") else
                      _file_renderer(what, graded, paths, id_from, id_pattern, csv_excel, gradescope_visibility,
                                     found, pass_mark))
            files.write_atomically(path, render, what)
        if output_file:
            from .report.ci import classroom_output, classroom_result

            files.append_to(output_file, classroom_output(classroom_result(outcomes[0], pass_mark,
                                                                           graded.pinned_max_score)))
        if summary_file and report is not None:
            from .report.ci import step_summary

            files.append_to(summary_file, step_summary(*report))
    except BpcheckError as error:
        _bad_input(str(error))
    if github:
        from .report.ci import workflow_annotations

        for line in workflow_annotations(outcomes):  # beside JSON or a page, on stderr: the runner reads both
            click.echo(line, err=output_format in ("json", "html"))
    if single and outcomes[0].error is not None:
        _bad_input(str(outcomes[0].error))
    problems = [problem for outcome in outcomes for problem in outcome.problems()] if strict else []
    if problems:  # as bad input: the files are written, the report is not printed
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        _bad_input(f"{problems[0]}{more}")
    if output_format == "json":
        from .report.json_text import dumps

        if single and not mistakes:
            click.echo(dumps(outcomes[0].to_dict(pass_mark), indent=2))
        else:  # one line: the C encoder, several times faster on a whole class, which machines read
            record = graded.to_dict(pass_mark)
            if mistakes and shown is not None:
                record["mistakes"] = shown.to_dict()
            click.echo(dumps(record))
    elif output_format == "html" and report is not None:
        from .report.html import grade_html

        click.echo(grade_html(*report), nl=False)
    elif report is not None:
        from .report.text import emit

        blocks, heading = report
        emit(blocks, heading=heading)
    sys.exit(graded.exit_code(pass_mark))


class _Classroom50:
    """Classroom 50's files (--classroom50, --classroom50-body), made in steps that can each refuse the run
    before anything is written: the submission's identity from the runner's environment (before grading),
    the result in whole points (once graded), then a writer for either file."""

    def __init__(self, result_path):
        import datetime
        import os

        from .report.ci import classroom50_identity

        self.identity = classroom50_identity(os.environ) if result_path is not None else None
        self.when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.result: dict = {}

    def grade(self, graded, pass_mark) -> None:
        from .report.ci import classroom50_result

        if self.identity is not None:
            self.result = classroom50_result(graded.outcomes[0], self.identity, self.when, pass_mark,
                                             graded.pinned_max_score)

    def writer(self, what: str, report):
        from .report.ci import classroom50_json, release_body

        if what == "classroom50":
            return lambda stream: stream.write(classroom50_json(self.result))
        blocks, heading = report
        return lambda stream: stream.write(release_body(blocks, heading, self.result.get("points-factor", 1)))


def _lms_graded(paths, moodle_path, canvas_path, exercise, rtol, atol, precision, feedback, other):
    """An LMS export's attempts graded (lms/responses.py)."""
    from .lms.responses import regrade

    option = "--from-moodle" if moodle_path is not None else "--from-canvas"
    if moodle_path is not None and canvas_path is not None:
        raise click.UsageError("--from-moodle and --from-canvas: give one export at a time")
    if paths:
        raise click.UsageError(f"{option} grades the export; give no answers files beside it")
    if other:
        raise click.UsageError(f"{option} takes each attempt's variant and id from the export: --variant, "
                               "--variant-from-id, --variant-from-file, --id-pattern, --gradescope and --classroom "
                               "do not apply")
    if exercise is None:
        raise click.UsageError(f"{option} needs --exercise EXERCISE, the exercise the quiz was exported from")
    return regrade(moodle_path or canvas_path, "moodle" if moodle_path is not None else "canvas", exercise,
                   rtol=rtol, atol=atol, precision=precision, feedback=feedback.lower() if feedback else None)


def _text_report(graded, single: bool, pass_mark, precision: int) -> tuple[list, str | None]:
    """The report's blocks and heading: one file's tables, or the class summary."""
    from .numbers import number_formatter
    from .report.grades import file_report, summary_section

    outcome = graded.outcomes[0]
    if single and outcome.grade is not None:
        return file_report(outcome, number_formatter(precision))
    return [summary_section(list(graded.outcomes), pass_mark, list(graded.exercises_skipped),
                            graded.pinned_exercise, graded.variant_from)], None


def _file_renderer(what: str, graded, paths, id_from: str, id_pattern, excel: bool, visibility: str, found,
                   pass_mark):
    """A function that writes the report ``what`` to a stream."""
    outcomes = list(graded.outcomes)
    if what == "mistakes-csv":
        from .report.gradebook import write_mistakes

        return lambda stream: write_mistakes(stream, found)
    if what == "csv":
        from .ids import roots_of
        from .report.gradebook import file_ids, write_gradebook

        ids = file_ids(outcomes, roots_of(list(paths)), "filename" if id_pattern else id_from, id_pattern)
        return lambda stream: write_gradebook(stream, outcomes, ids, excel=excel, max_score=graded.pinned_max_score,
                                              pass_mark=pass_mark)
    if what == "junit-xml":
        from .report.ci import junit_xml

        return lambda stream: stream.write(junit_xml(outcomes, pass_mark))
    from .report.ci import gradescope_results
    from .report.json_text import dumps

    return lambda stream: stream.write(dumps(gradescope_results(outcomes[0], visibility), indent=2) + "\n")


@export.command(name="prairielearn", short_help="EXERCISE as a PrairieLearn question in the folder OUTDIR.")
@click.argument("exercise")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--feedback", type=click.Choice(FEEDBACK_LEVELS, case_sensitive=False),
              help="What a student reads of a grade (default: the exercise's feedback:, else hint).")
@click.option("--topic", default="Backpropagation", show_default=True, help="The question's topic in info.json.")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag in info.json (repeat for more).")
@reports_bad_input
def export_prairielearn(exercise: str, outdir: Path, feedback: str | None, topic: str, tags: tuple[str, ...]):
    """Write EXERCISE as a PrairieLearn question in the folder OUTDIR: info.json, question.html,
    server.py (bpcheck's variants and grading) and the exercise beside it."""
    from . import files
    from .report.prairielearn import question_folder
    from .safetext import path_shown

    if not topic.strip():
        raise click.BadParameter("a question needs a topic", param_hint="'--topic'")
    question = question_folder(exercise, feedback=feedback.lower() if feedback else None, topic=topic, tags=tags)
    _sigterm_interrupts(click.get_current_context())
    files.write_files(outdir, question.files, files.identities([question.exercise_path]), "question")
    click.echo(f"Wrote the PrairieLearn question {path_shown(outdir)}: {', '.join(question.files)}")


if __name__ == "__main__":  # pragma: no cover
    main()
