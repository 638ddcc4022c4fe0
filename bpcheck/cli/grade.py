"""`bpcheck grade`: answers files (one, a class, or a quiz exported to Moodle or Canvas) graded, the
report printed in the format asked (cli/pages.py) and the files asked for written beside it
(cli/side_files.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BpcheckError
from . import PLAIN, bad_input, plain_asked, sigterm_interrupts
from .common import complete_exercise, feedback_option, precision_option
from .pages import GRADE_PAGES, GradedPage, format_option, print_page
from .side_files import Run, SideFiles, side_file_options


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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--rtol", type=float, callback=_tolerance,
              help="Relative tolerance, a fraction (default: the exercise's, else 0.01 = 1%).")
@click.option("--atol", type=float, callback=_tolerance,
              help="Absolute tolerance, added to the relative one for every value (default 0).")
@click.option("--pass-mark", type=float, callback=_pass_mark,
              help="Pass (exit 0) at this score in percent, instead of only when every value is right.")
@format_option(GRADE_PAGES)
@precision_option()
@click.option("--exercise", "-e", "pinned_exercise", metavar="EXERCISE", shell_complete=complete_exercise,
              help="Grade every file against EXERCISE (a built-in name or a file); a file naming another is "
                   "flagged. Marks that count need it. A file's own variant: is then not trusted: each file "
                   "is graded as its student id's variant (as --variant-from-id), if any file names one.")
@click.option("--variant", metavar="NAME",
              help="Grade every file as variant NAME; a file naming another is flagged.")
@click.option("--variant-from-id", is_flag=True,
              help="Grade each file as the variant of its student id, taken from its path (as --id-from filename).")
@click.option("--variant-from-file", is_flag=True,
              help="Grade each file as the variant it names itself: for self-study or files you trust only.")
@feedback_option("What the report shows: full (expected values), hint (no expected values), verdict, or "
                 "score (the total only). Default: the exercise's feedback:, else full.")
@click.option("--id-pattern", metavar="REGEX", callback=_pattern,
              help="Take the id from the file's path by this pattern (its group 'id', else its first group).")
@side_file_options
@click.option("--no-annotations", is_flag=True,
              help="With GITHUB_ACTIONS=true, write no annotations and no step summary.")
@click.option("--mistakes", is_flag=True,
              help="Add where the class went wrong: per quantity, and the named mistakes with counts.")
@click.option("--strict", is_flag=True,
              help="Exit 2 when a value is not a number or a file is flagged (for pre-commit).")
@click.option("--from-moodle", "moodle_path", type=click.Path(path_type=Path), metavar="RESPONSES.csv",
              help="Grade every attempt in a Moodle quiz's Responses report (CSV) of an exported quiz.")
@click.option("--from-canvas", "canvas_path", type=click.Path(path_type=Path), metavar="STUDENT_ANALYSIS.csv",
              help="Grade every attempt in a Canvas quiz's Student Analysis (CSV, or a folder of them).")
@PLAIN
def grade(paths, rtol, atol, pass_mark, output_format, precision, pinned_exercise, variant, variant_from_id,
          variant_from_file, feedback, id_pattern, no_annotations, mistakes, strict, moodle_path, canvas_path,
          **file_options):
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

    from .. import batch, files

    github = os.environ.get("GITHUB_ACTIONS") == "true" and not no_annotations
    side_files = SideFiles(file_options, os.environ, github=github)
    if side_files.whole():
        sigterm_interrupts(click.get_current_context())
    # For long batches (batch.PROGRESS_FROM); a bar is drawn, so not with --plain.
    progress = _progress_bar() if sys.stderr.isatty() and not plain_asked() else None
    stdin = sum(str(path) == "-" for path in paths)
    try:
        if sum(map(bool, (variant, variant_from_id, variant_from_file))) > 1:
            raise click.UsageError("--variant, --variant-from-id and --variant-from-file say where the variant "
                                   "comes from; give one")
        if stdin > 1 or (stdin and variant_from_id):
            raise click.UsageError("- (standard input) can be read once, and has no path to take an id from")
        side_files.check_environment()
        if moodle_path is not None or canvas_path is not None:
            graded = _lms_graded(paths, moodle_path, canvas_path, pinned_exercise, rtol, atol, precision,
                                 feedback, variant or variant_from_id or variant_from_file or id_pattern
                                 or side_files.names(one_student=True))
        else:
            if not paths:
                raise click.UsageError("give answers files (or a folder of them), or --from-moodle / --from-canvas")
            graded = batch.grade_files(paths, rtol=rtol, atol=atol, precision=precision, progress=progress,
                                       exercise=pinned_exercise, variant=variant,
                                       feedback=feedback.lower() if feedback else None,
                                       variant_from="id" if variant_from_id else "file" if variant_from_file else None,
                                       id_pattern=id_pattern)
        # Nothing has been written yet: what cannot be written refuses the run here.
        side_files.check_graded(graded, pass_mark, files.identities(graded.answers_files + graded.exercise_files))
    except BpcheckError as error:
        bad_input(str(error))
    outcomes = list(graded.outcomes)
    single = len(outcomes) == 1 and len(paths) == 1 and not files.is_dir(paths[0])
    found = shown = None
    if mistakes or side_files.reads("mistakes"):
        from ..classreport import class_mistakes, visible_to

        found = class_mistakes(outcomes)  # the CSV's, in full: the course's own file
        shown = visible_to(found, outcomes) if mistakes else None  # what every student may see of it
    report = None
    if output_format != "json" or side_files.reads("report"):  # text, a step summary, a Release
        report = _text_report(graded, single, pass_mark, precision)
        if mistakes:
            from ..report.grades import class_sections

            withheld = ["Where the class went wrong is withheld at the score feedback level (--mistakes-csv "
                        "has it)."]
            report = ([*report[0], *(class_sections(shown) if shown is not None else withheld)], report[1])
    try:  # before the report: if one cannot be written, nothing has been printed
        side_files.write(Run(graded, paths, pass_mark, id_pattern, file_options, report, found,
                             side_files.classroom50_result))
    except BpcheckError as error:
        bad_input(str(error))
    if github:
        from ..report.ci import workflow_annotations

        for line in workflow_annotations(outcomes):  # beside JSON or a page, on stderr: the runner reads both
            click.echo(line, err=output_format in ("json", "html"))
    if single and outcomes[0].error is not None:
        bad_input(str(outcomes[0].error))
    problems = [problem for outcome in outcomes for problem in outcome.problems()] if strict else []
    if problems:  # as bad input: the files are written, the report is not printed
        more = (f" (and {len(problems) - 1} more: grade without --strict to see them all)" if len(problems) > 1
                else "")
        bad_input(f"{problems[0]}{more}")
    print_page(GRADE_PAGES, output_format, GradedPage(graded, single, pass_mark, report, mistakes, shown))
    sys.exit(graded.exit_code(pass_mark))


def _progress_bar():
    from ..report.text import progress_bar

    return progress_bar


def _lms_graded(paths, moodle_path, canvas_path, exercise, rtol, atol, precision, feedback, other):
    """An LMS export's attempts graded (lms/responses.py)."""
    from ..lms.responses import regrade

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
    from ..numbers import number_formatter
    from ..report.grades import file_report, summary_section

    outcome = graded.outcomes[0]
    if single and outcome.grade is not None:
        return file_report(outcome, number_formatter(precision))
    return [summary_section(list(graded.outcomes), pass_mark, list(graded.exercises_skipped),
                            graded.pinned_exercise, graded.variant_from)], None
