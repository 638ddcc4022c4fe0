"""`bpcheck handout`: a class's handouts from a roster: each student's answers file for their own variant
(and sheet to print), and the keys for staff."""

from __future__ import annotations

from pathlib import Path

import click

from . import reports_bad_input, sigterm_interrupts
from .common import EXERCISE, ROSTER_FORMS, check_nameable, precision_option, quoted_argument

# A pattern giving the id of a student's folder, for rosters whose ids the folders alone do not give back.
SAME_FOLDER_HINT = ("ids must differ in more than case or Unicode's form (é as one character, or as e and an "
                    "accent); give one of them another")
ID_PATTERN = r"(?P<id>[^/\\]+)[/\\]answers\.yaml$"


@click.command()
@EXERCISE
@click.option("--roster", "roster_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help=f"The class: {ROSTER_FORMS}.")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--format", "-f", "output_format", type=click.Choice(["yaml", "html"], case_sensitive=False),
              default="yaml", show_default=True,
              help="yaml (each student's answers file, headed by their exercise), or html (that, and a sheet "
              "to print or post).")
@click.option("--keys", type=click.Choice(["md", "csv"], case_sensitive=False), default="md", show_default=True,
              help="The keys for staff: md (OUTDIR/keys/ID.md, each student's worked solution) or csv (one "
              "OUTDIR/keys.csv, a row a student, every value asked at full precision).")
@click.option("--no-keys", is_flag=True, help="Write no keys.")
@precision_option("Significant digits in the Markdown keys.")
@reports_bad_input
def handout(exercise: str, roster_path: Path, outdir: Path, output_format: str, keys: str, no_keys: bool,
            precision: int):
    """Write, for each student of the roster, their answers file for their own variant
    (OUTDIR/ID/answers.yaml, headed by the exercise as they read it) and, for staff, their key. Nothing is
    written if any file is there already.

    \b
      bpcheck handout hw1.yaml --roster roster.csv handouts/
      bpcheck handout hw1.yaml --roster roster.csv handouts/ --format html --keys csv
    """
    from .. import files, load_exercise
    from ..lms.quiz import read_roster, solved_variants
    from ..roster import roster_students
    from ..safetext import path_shown

    check_nameable(exercise)
    exercise_ = load_exercise(exercise)
    students = roster_students(read_roster(roster_path), path_shown(roster_path))
    keys_mode = None if no_keys else keys.lower()
    _check_folder_names(students, roster_path, keys_mode)
    same = f"bpcheck template {quoted_argument(exercise)}"
    solutions = solved_variants(exercise_, [student.variant for student in students],
                                without=f"every student would get the same numbers: hand out the one answers file "
                                f"`{same}` writes, or remove variants: false")
    contents = _handout_files(exercise, solutions, students, output_format.lower(), keys_mode, precision)
    inputs = files.identities([Path(path) for path in (exercise_.path, roster_path) if path])
    sigterm_interrupts(click.get_current_context())
    files.write_files(outdir, contents, inputs, "handouts", overwrite=False)
    _summary(outdir, exercise, roster_path, students, output_format.lower(), keys_mode)


def _check_folder_names(students, roster_path: Path, keys_mode: str | None) -> None:
    """Every id names its own folder, on every system: none unsafe as a folder name, none the same folder as
    another's (or as the keys') where case is ignored."""
    from ..errors import BpcheckError
    from ..roster import folder_key, folder_problem
    from ..safetext import path_shown, quoted

    shown = path_shown(roster_path)
    keys = {"md": ("keys", "the keys' folder, keys/"), "csv": ("keys.csv", "the keys, keys.csv")}.get(keys_mode or "")
    taken = {folder_key(keys[0]): (keys[1], "give --keys csv or --no-keys, or another id")} if keys else {}
    for student in students:
        problem = folder_problem(student.id)
        if problem:
            raise BpcheckError(f"the id {quoted(student.id)} {problem}", file=shown, line=student.line,
                               hint="give ids that are letters, digits, '-', '_', '.' or '@' (a student number, "
                               "a login, an email)")
        key = folder_key(student.id)
        if key in taken:
            what, fix = taken[key]
            raise BpcheckError(f"the id {quoted(student.id)} would share a folder with {what}", file=shown,
                               line=student.line, hint=fix)
        taken[key] = (f"the id on line {student.line}", SAME_FOLDER_HINT)


def _handout_files(spec: str, solutions, students, output_format: str, keys_mode: str | None,
                   precision: int) -> dict[str, bytes]:
    """Each file's path below OUTDIR, and its bytes."""
    from ..report.handout import ANSWERS_FILE, SHEET_FILE, answers_file, keys_csv, sheet_html
    from .pages import SOLUTION_PAGES, SolvedPage

    named = Path(spec).name  # the exercise beside the answers file, where a student keeps it
    contents: dict[str, str] = {}
    for solution, student in zip(solutions, students):
        contents[f"{student.id}/{ANSWERS_FILE}"] = answers_file(solution, named, student)
        if output_format == "html":
            contents[f"{student.id}/{SHEET_FILE}"] = sheet_html(solution, student)
        if keys_mode == "md":
            page = SolvedPage(solution.exercise, solution, precision)
            contents[f"keys/{student.id}.md"] = SOLUTION_PAGES["markdown"].render(page)
    if keys_mode == "csv":
        contents["keys.csv"] = keys_csv(solutions, students)
    return {name: text.encode("utf-8") for name, text in contents.items()}


def _summary(outdir: Path, spec: str, roster_path: Path, students, output_format: str, keys_mode: str | None) -> None:
    """What was written, where the keys are, and the command that grades the files handed back (against
    the roster: a student who hands in nothing has a row)."""
    from ..ids import folders_give_ids
    from ..numbers import counted
    from ..safetext import escape_controls

    folder = escape_controls(str(outdir)).rstrip("/\\") or "."  # whole (not path_shown's cut): it is copied
    sheet = " and sheet.html" if output_format == "html" else ""
    click.echo(f"Handouts for {counted(len(students), 'student')} in {folder}/: {folder}/ID/answers.yaml{sheet}, "
               "each for the student's own variant.")
    where = {"md": f"{folder}/keys/ID.md", "csv": f"{folder}/keys.csv"}.get(keys_mode or "")
    click.echo(f"Keys, for staff only: {where} (keep them out of what you hand out)." if where else "No keys.")
    pattern = [] if folders_give_ids(folder, [s.id for s in students], "answers.yaml") else \
        ["--id-pattern", ID_PATTERN]
    command = " ".join(map(quoted_argument, ["bpcheck", "grade", f"{folder}/", "--exercise", spec,
                                             "--variant-from-id", *pattern, "--feedback", "hint",
                                             "--roster", str(roster_path)]))
    click.echo(f"Grade the files handed back, laid out as {folder}/ID/answers.yaml:\n  {command}")
