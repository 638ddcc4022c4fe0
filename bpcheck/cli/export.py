"""`bpcheck export`: an exercise as a question or quiz for a course system (PrairieLearn, Moodle, Canvas)."""

from __future__ import annotations

from pathlib import Path

import click

from . import reports_bad_input, sigterm_interrupts
from .common import EXERCISE, ROSTER_FORMS, feedback_option


@click.group()
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
                             help=f"The variants from a roster, one a student: {ROSTER_FORMS}.")]


def _quiz_arguments(command):
    """EXERCISE, OUT and the variants: what every quiz export takes."""
    decorators = [EXERCISE, click.argument("out", type=click.Path(path_type=Path, dir_okay=False)),
                  *VARIANTS_OPTIONS, reports_bad_input]
    for decorate in reversed(decorators):  # as if written one above the other
        command = decorate(command)
    return command


@export.command()
@_quiz_arguments
def moodle(exercise, out, variants, variants_from):
    """Write a Moodle XML quiz OUT: a Cloze question per variant, in a category to draw one from at random."""
    _export(exercise, out, variants, variants_from, "moodle")


@export.command()
@_quiz_arguments
def qti(exercise, out, variants, variants_from):
    """Write a Canvas QTI 1.2 package OUT (a zip): a quiz per variant, to assign each to its student."""
    _export(exercise, out, variants, variants_from, "qti")


def _export(spec: str, out: Path, variants: str | None, variants_from: Path | None, system: str) -> None:
    """The exercise solved for each variant asked and written to OUT, once OUT is known to be no input."""
    from .. import files, load_exercise
    from ..lms.quiz import listed_variants, read_roster, solved_variants
    from ..numbers import counted
    from ..safetext import path_shown

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
    sigterm_interrupts(click.get_current_context())
    if system == "moodle":
        from ..lms.moodle import moodle_xml

        xml = moodle_xml(solutions)
        files.write_atomically(out, lambda stream: stream.write(xml), what)
        then = ("import it in Moodle (Question bank > Import, Moodle XML format), then add a random question "
                "from its category to a quiz")
    else:
        from ..lms.canvas import write_qti

        files.write_atomically(out, lambda stream: write_qti(stream, solutions), what, binary=True)
        then = ("import it in Canvas (Settings > Import Course Content, QTI .zip file); each variant is a quiz "
                "of its own, to assign to its student")
    written = counted(len(solutions), "Cloze question") if system == "moodle" else counted(len(solutions), "quiz",
                                                                                            "quizzes")
    click.echo(f"{written} written to {path_shown(out)}: {then}.")


@export.command(name="prairielearn", short_help="EXERCISE as a PrairieLearn question in the folder OUTDIR.")
@EXERCISE
@click.argument("outdir", type=click.Path(path_type=Path))
@feedback_option("What a student reads of a grade (default: the exercise's feedback:, else hint).")
@click.option("--topic", default="Backpropagation", show_default=True, help="The question's topic in info.json.")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag in info.json (repeat for more).")
@reports_bad_input
def export_prairielearn(exercise: str, outdir: Path, feedback: str | None, topic: str, tags: tuple[str, ...]):
    """Write EXERCISE as a PrairieLearn question in the folder OUTDIR: info.json, question.html,
    server.py (bpcheck's variants and grading) and the exercise beside it."""
    from .. import files
    from ..report.prairielearn import question_folder
    from ..safetext import path_shown

    if not topic.strip():
        raise click.BadParameter("a question needs a topic", param_hint="'--topic'")
    question = question_folder(exercise, feedback=feedback.lower() if feedback else None, topic=topic, tags=tags)
    sigterm_interrupts(click.get_current_context())
    files.write_files(outdir, question.files, files.identities([question.exercise_path]), "question")
    click.echo(f"Wrote the PrairieLearn question {path_shown(outdir)}: {', '.join(question.files)}")
