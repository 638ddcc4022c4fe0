"""`bpcheck practice`: the exercise worked value by value at the terminal. The session itself is
practice.Practice (pure); here are its prompts, what it says, the answers file rewritten whole as it
goes, and Ctrl-C."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BpcheckError
from . import EXIT_INTERRUPTED, PLAIN, SIGNAL_NAMES, Interrupted, plain_asked, reports_bad_input, terminate
from .common import EXERCISE, VARIANT, check_nameable, feedback_option, heading, quoted_argument, solved


@click.command()
@EXERCISE
@VARIANT
@click.option("--save", "save_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The answers file written as you go (default: NAME-answers.yaml in the current folder, NAME "
                   "being the exercise's).")
@click.option("--resume", is_flag=True,
              help="Go on from the --save answers file: what is right there is not asked again.")
@feedback_option("full; hint (never an expected value); verdict (no hint); score (the score at the end only). "
                 "Default: the exercise's feedback:, else full.")
@PLAIN
@reports_bad_input
def practice(exercise: str, variant: str | None, save_path: Path | None, resume: bool, feedback: str | None):
    """Work EXERCISE value by value: each answer is checked at once, with a hint and a second try when
    it is wrong, and saved as you go to an answers file that `bpcheck grade` reads.

    \b
    At each prompt type a number, or: an empty line to skip, < to go back,
    q to quit (Ctrl-D too), ? for help. Piped, it reads one line a prompt.
    Exit code 0 when every asked value is right, 1 otherwise, 130 on Ctrl-C.
    """
    from .. import files
    from ..practice import Practice
    from ..safetext import path_shown

    check_nameable(exercise)  # as for `template`: an answers file names it
    base, base_solution = solved(exercise)
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
    exercise_, solution = solved(exercise, variant) if variant is not None else (base, base_solution)
    level = feedback.lower() if feedback else (exercise_.feedback or "full")
    session = Practice(solution, feedback=level, answers=answers, notes=notes,
                       others=base_solution.values if variant is not None else None)
    spec = spec_beside(exercise, save)
    saved_as = ["--save", quoted_argument(str(save))] if save_path else []
    resume_command = " ".join(["bpcheck practice", quoted_argument(exercise), *saved_as, "--resume"])
    run_session(session, save, lambda: answers_text(session, spec, student), heading(exercise_),
                resume_command, written=files.is_file(save))


def resumed(save: Path, spec: str, variant: str | None) -> tuple[str | None, dict, str | None, list[str]]:
    """(variant, answers, student, notes) of an answers file to go on from, read as `bpcheck grade
    --exercise SPEC [--variant NAME | --variant-from-file]` reads it. Practice rewrites the file, so
    whatever grade would flag (another exercise or variant, a name that is not a quantity) is refused
    at its line; an asked value that is not a number is asked again, and the notes say so."""
    from ..answers import parse_answers, read_answers, written
    from ..batch import GradingSession
    from ..errors import AnswersError
    from ..safetext import path_shown

    session = GradingSession(exercise=spec, variant=variant, variant_from=None if variant is not None else "file")
    outcome = session.grade_file(save)
    if outcome.error is not None:
        raise outcome.error
    for flag in outcome.flags:
        raise AnswersError(flag.fact, file=outcome.file, line=flag.line, column=flag.column,
                           hint="practice rewrites the file it goes on from, and cannot keep this line as it is: "
                                "mend it, or give another --save")
    assert outcome.grade is not None
    variant = outcome.grade.variant
    exercise_, solution = solved(spec, variant)
    document, _ = read_answers(save, path_shown(save), exercise_required=False)
    answers = parse_answers(document, solution.graph.names(), frozenset(exercise_.network.layers[0]))
    notes = [f"{path_shown(save)}:{result.line}: {result.name}: {result.message}: asked again"
             for result in outcome.grade.results if result.verdict == "unreadable"]
    return variant, answers.values, written(document, "student"), notes


def spec_beside(spec: str, save: Path) -> str:
    """What the answers file's `exercise:` says: the built-in name or the path as given, as `template`
    writes it; a path from the answers file's folder when that is not the current one."""
    import os

    from .. import builtin_exercises
    from ..loading import resolve_exercise

    folder = os.path.realpath(save.parent)
    if spec.lower() in builtin_exercises() or folder == os.path.realpath("."):
        return spec
    try:
        return os.path.relpath(os.path.realpath(resolve_exercise(spec)[1]), folder)
    except ValueError:  # another drive, on Windows
        return os.path.realpath(resolve_exercise(spec)[1])


def answers_text(session, spec: str, student: str | None) -> str:
    from ..report.practice_text import answers_file

    return answers_file(session.solution, spec, session.answers, student)


def run_session(session, save: Path, file_text, heading: str, resume_command: str, written: bool):
    """The I/O of a session: prompts (click's, on a terminal; a line a prompt otherwise), events printed
    (Rich on a terminal), the answers file rewritten whole after every answer. Ctrl-C or SIGTERM saves
    what was given and exits 130 or 143 with one line."""
    import signal

    from .. import files
    from ..numbers import number_formatter
    from ..report import practice_text
    from ..safetext import path_shown

    interactive, fmt = sys.stdin is not None and sys.stdin.isatty(), number_formatter(4)
    show = _printer()
    saved = [session.version]

    def save_answers() -> None:
        if session.version == saved[0]:
            return
        text = file_text()

        def write(stream) -> None:
            stream.write(text)

        files.write_atomically(save, write, "answers file")
        saved[0] = session.version

    handlers = {signum: signal.signal(signum, terminate) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        events = session.start()
        show(practice_text.intro_lines(events[0], heading, session.feedback, path_shown(save), fmt))
        for event in events[1:]:
            show(practice_text.event_lines(event, fmt))
        while not session.finished:
            line = _line(practice_text.prompt_text(*session.prompt), interactive)
            events = session.feed(line)
            save_answers()
            for event in events:
                show(practice_text.event_lines(event, fmt))
    except Interrupted as interruption:
        for signum in handlers:  # a second Ctrl-C must not stop the last save half way
            signal.signal(signum, signal.SIG_IGN)
        save_answers()
        kept = (f"your answers are saved in {path_shown(save)}" if written or session.version
                else "no answer was given, so no file was written")
        if interactive:  # the prompt's line is unfinished
            click.echo()
        click.echo(f"bpcheck: interrupted ({SIGNAL_NAMES.get(interruption.signum, interruption.signum)}); {kept}",
                   err=True)
        sys.exit(EXIT_INTERRUPTED + interruption.signum)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    shown = path_shown(save) if written or session.version else None
    show(practice_text.closing_lines(shown, f"bpcheck grade {quoted_argument(str(save))}", resume_command))
    sys.exit(0 if session.grade.passed() else 1)


def _line(prompt: str, interactive: bool) -> str | None:
    """The line typed at ``prompt``; None at the end of input (Ctrl-D). Piped input is echoed after the
    prompt, so that the transcript reads as a session at a terminal does."""
    if interactive:
        import os

        text = prompt if os.environ.get("NO_COLOR") or plain_asked() else click.style(prompt, bold=True)
        try:
            return click.prompt(text, default="", show_default=False, prompt_suffix=": ")
        except click.Abort:  # Ctrl-D (Ctrl-C raises Interrupted: see terminate)
            click.echo()
            return None
    if sys.stdin is None:  # closed (`<&-`): the end of input
        return None
    stdin = getattr(sys.stdin, "buffer", None)
    raw = stdin.readline() if stdin is not None else sys.stdin.readline().encode("utf-8", "surrogateescape")
    if not raw:
        return None
    line = raw.decode("utf-8", "replace").rstrip("\r\n")
    from ..safetext import escape_controls

    click.echo(f"{prompt}: {escape_controls(line)}")
    return line


def _printer():
    """A function printing (style, text) lines: Rich, styled, on a terminal; plain text otherwise (and
    with --plain)."""
    from ..safetext import escape_controls

    if plain_asked() or not sys.stdout.isatty():
        def plain(lines) -> None:
            for _, text in lines:
                click.echo(escape_controls(text))

        return plain
    from rich.text import Text

    from ..report.text import terminal_console

    console = terminal_console(sys.stdout)

    def styled(lines) -> None:
        for style, text in lines:
            console.print(Text(escape_controls(text), style=style))

    return styled
