"""The command line: parse, call the core, render, and turn bad input into one line and exit code 2."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BpcheckError

FORMATS = click.Choice(["text", "json", "markdown"], case_sensitive=False)
# The core's names (feedback.LEVELS, ACTIVATIONS, LOSSES) without importing it for every command; a test
# checks that they agree.
FEEDBACK_LEVELS = ("full", "hint", "verdict", "score")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softsign")
LOSS_NAMES = ("squared_error", "cross_entropy")
GRADESCOPE_VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")
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


def _load(spec: str, variant: str | None = None):
    from . import load_exercise, solve

    exercise = load_exercise(spec)
    if variant is not None:
        from .variants import make_variant

        exercise = make_variant(exercise, variant)
    return exercise, solve(exercise)


def _heading(exercise) -> str:
    variant = f", variant {exercise.variant}" if exercise.variant else ""
    return f"{exercise.title} ({exercise.name}{variant})"


VARIANT = click.option("--variant", metavar="NAME",
                       help="The variant NAME (a student id, say): the same questions with its own numbers.")


def _precision(ctx, param, value: int) -> int:
    if not 1 <= value <= 17:
        raise click.BadParameter("give a number of significant digits from 1 to 17")
    return value


@main.command()
@click.argument("exercise")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown in the tables.")
@click.option("--format", "-f", "output_format", type=FORMATS, default="text", show_default=True,
              help="text tables, json (every value at full precision) or markdown.")
@VARIANT
@reports_bad_input
def solve(exercise: str, precision: int, output_format: str, variant: str | None):
    """Print the worked solution of EXERCISE (a built-in name such as ex1, or a YAML file)."""
    exercise_, solution = _load(exercise, variant)
    if output_format == "json":
        import json

        from .report.views import solution_json

        click.echo(json.dumps(solution_json(solution), indent=2, ensure_ascii=False))
        return
    from .report.views import solution_sections

    sections = solution_sections(solution, precision)
    heading = _heading(exercise_)
    if output_format == "markdown":
        from .report.markdown import markdown_sections

        click.echo(markdown_sections(sections, heading))
        return
    from .report.text import emit

    emit(sections, heading=heading)


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
@reports_bad_input
def show(exercise: str, variant: str | None):
    """Show EXERCISE as a student reads it: the network, its numbers and what is asked."""
    from .report.text import emit
    from .report.views import exercise_sections

    exercise_, solution = _load(exercise, variant)
    # The YAML's own line breaks fall mid-sentence: one line a paragraph, for the terminal to wrap.
    paragraphs = [" ".join(p.split()) for p in exercise_.instructions.split("\n\n") if p.strip()]
    emit([*paragraphs, "", *exercise_sections(exercise_, solution)], heading=_heading(exercise_))


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
@reports_bad_input
def new(shape, activation, loss, biases, seed, title):
    """Print a fresh exercise of this shape, with numbers a person can work by hand.

    \b
      bpcheck new --shape 2-3-1 > hw.yaml
      bpcheck new --shape 2-2-2 --activation tanh --loss cross_entropy --biases --seed 7
    """
    from .report.exercise_file import exercise_yaml
    from .variants import new_exercise

    if loss == "cross_entropy" and shape[-1] < 2:
        raise click.BadParameter("cross_entropy needs two or more output units, e.g. 2-3-2",
                                 param_hint="'--shape'")
    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
    try:
        exercise = new_exercise(shape, activation, loss, biases=biases, seed=seed, title=title)
    except BpcheckError:  # the rules refused every draw: nothing in a file to widen here
        _bad_input(f"no numbers for a {'-'.join(map(str, shape))} {activation} network meet the rules for hand "
                   f"calculation with --seed {seed}; try another --seed, or fewer units a layer")
    import shlex

    command = ["bpcheck new --shape", "-".join(map(str, shape)), f"--activation {activation}", f"--loss {loss}",
               *(["--biases"] if biases else []), f"--seed {seed}"]
    if title:
        command.append(f"--title {shlex.quote(title)}")
    click.echo(exercise_yaml(exercise, " ".join(command)), nl=False)


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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--rtol", type=float, callback=_tolerance,
              help="Relative tolerance, a fraction (default: the exercise's, else 0.01 = 1%).")
@click.option("--atol", type=float, callback=_tolerance,
              help="Absolute tolerance, added to the relative one for every value (default 0).")
@click.option("--pass-mark", type=float, callback=_pass_mark,
              help="Pass (exit 0) at this score in percent, instead of only when every value is right.")
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text", show_default=True, help="text tables or json.")
@click.option("--precision", "-p", default=4, show_default=True, callback=_precision,
              help="Significant digits shown.")
@click.option("--exercise", "-e", "pinned_exercise", metavar="EXERCISE",
              help="Grade every file against EXERCISE (a built-in name or a file); a file naming another is "
                   "refused. Marks that count need it.")
@click.option("--variant", metavar="NAME",
              help="Grade every file as variant NAME; a file naming another is refused.")
@click.option("--variant-from-id", is_flag=True,
              help="Grade each file as the variant of its student id, taken from its path (as --id-from filename).")
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
              help="Write GitHub Classroom's result (per-quantity partial credit) to $GITHUB_OUTPUT.")
@click.option("--no-annotations", is_flag=True,
              help="With GITHUB_ACTIONS=true, write no annotations and no step summary.")
@click.option("--mistakes", is_flag=True,
              help="Add where the class went wrong: per quantity, and the named mistakes with counts.")
@click.option("--mistakes-csv", "mistakes_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write where the class went wrong as a CSV.")
def grade(paths, rtol, atol, pass_mark, output_format, precision, pinned_exercise, variant, variant_from_id, feedback,
          csv_path, csv_excel, id_from, id_pattern, junit_path, gradescope_path, gradescope_visibility, classroom,
          no_annotations, mistakes, mistakes_path):
    """Check answers files (or folders of them; - reads standard input) against the worked solution.

    One file: a table per stage with a verdict and a note for every value.
    Several files or a folder: one summary row per file. Exit code 0 when
    every file passes, 1 when any has a wrong or missing value, 2 when any
    file could not be read. For marks that count, pin the exercise:
    bpcheck grade submissions/ --exercise hw1.yaml --feedback hint
    """
    import os

    from . import batch, files

    written = [(path, what) for path, what in ((csv_path, "csv"), (junit_path, "junit-xml"),
                                                (gradescope_path, "gradescope"), (mistakes_path, "mistakes-csv"))
               if path is not None]
    if written:
        _sigterm_interrupts(click.get_current_context())
    github = os.environ.get("GITHUB_ACTIONS") == "true" and not no_annotations
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if github else None
    output_file = os.environ.get("GITHUB_OUTPUT") if classroom else None
    progress = _progress_bar() if sys.stderr.isatty() else None  # for long batches (batch.PROGRESS_FROM)
    stdin = sum(str(path) == "-" for path in paths)
    try:
        if variant and variant_from_id:
            raise click.UsageError("--variant and --variant-from-id pin the variant two ways; give one")
        if stdin > 1 or (stdin and variant_from_id):
            raise click.UsageError("- (standard input) can be read once, and has no path to take an id from")
        if classroom and not output_file:
            raise BpcheckError("--classroom writes to $GITHUB_OUTPUT, which is not set",
                               hint="run it in a GitHub Actions step, or set GITHUB_OUTPUT to a file")
        graded = batch.grade_files(paths, rtol=rtol, atol=atol, precision=precision, progress=progress,
                                   exercise=pinned_exercise, variant=variant,
                                   feedback=feedback.lower() if feedback else None,
                                   variant_from_id=variant_from_id, id_pattern=id_pattern)
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
    if output_format != "json" or summary_file:  # the text report, or GitHub's step summary
        report = _text_report(graded, single, pass_mark, precision)
        if mistakes:
            from .report.grades import class_sections

            withheld = ["Where the class went wrong is withheld at the score feedback level (--mistakes-csv "
                        "has it)."]
            report = ([*report[0], *(class_sections(shown) if shown is not None else withheld)], report[1])
    try:  # before the report: if one cannot be written, nothing has been printed
        for path, what in written:
            render = _file_renderer(what, graded, paths, id_from, id_pattern, csv_excel, gradescope_visibility,
                                    found, pass_mark)
            files.write_atomically(path, render, what)
        if output_file:
            from .report.ci import classroom_output, classroom_result

            files.append_to(output_file, classroom_output(classroom_result(outcomes, pass_mark,
                                                                           graded.pinned_max_score)))
        if summary_file and report is not None:
            from .report.ci import step_summary

            files.append_to(summary_file, step_summary(*report))
    except BpcheckError as error:
        _bad_input(str(error))
    if github:
        from .report.ci import workflow_annotations

        for line in workflow_annotations(outcomes):  # beside JSON on stdout, on stderr: the runner reads both
            click.echo(line, err=output_format == "json")
    if single and outcomes[0].error is not None:
        _bad_input(str(outcomes[0].error))
    if output_format == "json":
        import json

        if single and not mistakes:
            click.echo(json.dumps(outcomes[0].to_dict(pass_mark), indent=2, ensure_ascii=False))
        else:  # one line: the C encoder, several times faster on a whole class, which machines read
            record = graded.to_dict(pass_mark)
            if mistakes and shown is not None:
                record["mistakes"] = shown.to_dict()
            click.echo(json.dumps(record, ensure_ascii=False))
    elif report is not None:
        from .report.text import emit

        blocks, heading = report
        emit(blocks, heading=heading)
    sys.exit(graded.exit_code(pass_mark))


def _text_report(graded, single: bool, pass_mark, precision: int) -> tuple[list, str | None]:
    """The report's blocks and heading: one file's tables, or the class summary."""
    from .numbers import number_formatter
    from .report.grades import file_report, summary_section

    outcome = graded.outcomes[0]
    if single and outcome.grade is not None:
        return file_report(outcome, number_formatter(precision))
    return [summary_section(list(graded.outcomes), pass_mark, list(graded.exercises_skipped),
                            graded.pinned_exercise)], None


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
    import json

    from .report.ci import gradescope_results

    return lambda stream: stream.write(json.dumps(gradescope_results(outcomes, visibility), indent=2,
                                                  ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
