"""Every file `bpcheck grade` writes beside its report, registered once, as pytest's junitxml owns its
option and its writer: an entry of ``SIDE_FILES`` is the file's option and help, the options only it
reads, and its writer.

``side_file_options`` makes every entry's options. ``SideFiles`` holds the files one run asks for and
refuses, before anything is written, what cannot be: a CI runner's file whose variable is not set, a
format of one student's result (Gradescope, Classroom) for several files, an output that is an input
of the run or that two options name. Then it writes them all in one loop: each file whole or not at
all (files.write_atomically), and the CI runner's own files, appended to, after them.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each field's annotation when it
# is a string, some 75 µs a field at every start; these annotations are evaluated as they are written.
import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple, Optional

import click

from ..errors import BpcheckError

GRADESCOPE_VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")


class Run(NamedTuple):
    """What the files are made of: one grading run."""

    graded: Any  # batch.ClassGrade
    paths: Sequence[Path]  # as given: the CSV's ids come from them
    pass_mark: Optional[float]
    id_pattern: Optional[str]
    options: Mapping[str, Any]  # the side files' options by name: csv_excel, id_from, gradescope_visibility ...
    report: Optional[tuple[list, Optional[str]]]  # the text report's blocks and heading, for a file that reads it
    mistakes: Any  # where the class went wrong in full (classreport.ClassMistakes), for a file that reads it
    classroom50: dict  # Classroom 50's result.json, when --classroom50 is asked


class SideFile(NamedTuple):
    name: str  # its option is --NAME; messages call the file so
    help: str  # "": no option, written whenever its variable is set on GitHub Actions
    write: Callable[[Run, IO[str]], object]
    one_student: bool = False  # a format of one student's result: refused for several answers files
    reads: frozenset[str] = frozenset()  # what it is made of besides the grades: "report", "mistakes"
    options: tuple = ()  # click options that only it reads
    variable: str = ""  # a CI runner's file, named by this environment variable: appended to, never replaced


def _gradebook(run: Run, stream) -> None:
    from ..ids import roots_of
    from ..report.gradebook import file_ids, write_gradebook

    outcomes = list(run.graded.outcomes)
    source = "filename" if run.id_pattern else run.options["id_from"]
    ids = file_ids(outcomes, roots_of(list(run.paths)), source, run.id_pattern)
    write_gradebook(stream, outcomes, ids, excel=run.options["csv_excel"], max_score=run.graded.pinned_max_score,
                    pass_mark=run.pass_mark)


def _junit_xml(run: Run, stream) -> None:
    from ..report.ci import junit_xml

    stream.write(junit_xml(list(run.graded.outcomes), run.pass_mark))


def _gradescope(run: Run, stream) -> None:
    from ..report.ci import gradescope_results
    from ..report.json_text import dumps

    stream.write(dumps(gradescope_results(run.graded.outcomes[0], run.options["gradescope_visibility"]),
                       indent=2) + "\n")


def _classroom(run: Run, stream) -> None:
    from ..report.ci import classroom_output, classroom_result

    stream.write(classroom_output(classroom_result(run.graded.outcomes[0], run.pass_mark,
                                                   run.graded.pinned_max_score)))


def _mistakes_csv(run: Run, stream) -> None:
    from ..report.gradebook import write_mistakes

    write_mistakes(stream, run.mistakes)


def _classroom50(run: Run, stream) -> None:
    from ..report.ci import classroom50_json

    stream.write(classroom50_json(run.classroom50))


def _release_body(run: Run, stream) -> None:
    from ..report.ci import release_body

    assert run.report is not None
    blocks, heading = run.report
    stream.write(release_body(blocks, heading, run.classroom50.get("points-factor", 1)))


def _step_summary(run: Run, stream) -> None:
    from ..report.ci import step_summary

    assert run.report is not None
    stream.write(step_summary(*run.report))


SIDE_FILES = (
    SideFile("csv", "Also write a gradebook CSV: a row per file, a column per quantity.", _gradebook, options=(
        click.option("--csv-excel", is_flag=True, help="Start the CSV with the byte-order mark Excel needs for UTF-8."),
        click.option("--id-from", type=click.Choice(["student", "filename"]), default="student", show_default=True,
                     help="The CSV's id: the file's student:, else its file name; or always the file name."))),
    SideFile("junit-xml", "Also write JUnit XML: a testsuite per file, a testcase per quantity.", _junit_xml),
    SideFile("gradescope", "Also write Gradescope's results.json.", _gradescope, one_student=True, options=(
        click.option("--gradescope-visibility", type=click.Choice(GRADESCOPE_VISIBILITY), default="visible",
                     show_default=True, help="When students see the Gradescope results."),)),
    SideFile("classroom", "Write GitHub Classroom's result (per-quantity partial credit) to $GITHUB_OUTPUT. GitHub "
             "Classroom is deprecated upstream: see --classroom50.", _classroom, one_student=True,
             variable="GITHUB_OUTPUT"),
    SideFile("mistakes-csv", "Also write where the class went wrong as a CSV.", _mistakes_csv,
             reads=frozenset({"mistakes"})),
    SideFile("classroom50", "Also write Classroom 50's result.json: a test per quantity in whole points, the "
             "submission named by the runner's $CLASSROOM, $ASSIGNMENT, $SUBMISSION_TAG, $COMMIT_URL and "
             "$RELEASE_URL.", _classroom50, one_student=True),
    SideFile("classroom50-body", "Also write the report as Markdown for Classroom 50's Release (release-body.md).",
             _release_body, one_student=True, reads=frozenset({"report"})),
    SideFile("step-summary", "", _step_summary, reads=frozenset({"report"}), variable="GITHUB_STEP_SUMMARY"),
)


def _parameter(entry: SideFile) -> str:
    return entry.name.replace("-", "_")


def side_file_options(command):
    """Every side file's option, each followed by the options only it reads, in the registry's order."""
    options = []
    for entry in SIDE_FILES:
        if entry.variable and entry.help:  # a flag: the file is the runner's
            options.append(click.option(f"--{entry.name}", _parameter(entry), is_flag=True, help=entry.help))
        elif entry.help:
            options.append(click.option(f"--{entry.name}", _parameter(entry), help=entry.help,
                                        type=click.Path(path_type=Path, dir_okay=False)))
        options += entry.options
    for option in reversed(options):  # a decorator list applies from the bottom up
        command = option(command)
    return command


class SideFiles:
    """The side files one run asks for, in the registry's order, each with where it goes: a path, or the
    file a CI runner's variable names (None: the variable is not set)."""

    def __init__(self, options: Mapping[str, Any], environ: Mapping[str, str], *, github: bool):
        self.asked: list[tuple[SideFile, Any]] = []
        for entry in SIDE_FILES:
            given = options.get(_parameter(entry))
            if entry.variable and (given if entry.help else github):
                self.asked.append((entry, environ.get(entry.variable) or None))
            elif not entry.variable and given is not None:
                self.asked.append((entry, given))
        self.environ = environ
        self.classroom50_identity: Optional[dict[str, str]] = None  # read before grading, when --classroom50 is asked
        self.classroom50_result: dict = {}  # made once graded: whole points, or one line saying why not
        self.when = ""  # when the run started (UTC), as result.json says

    def names(self, *, one_student: bool = False) -> list[str]:
        return [entry.name for entry, _ in self.asked if entry.one_student or not one_student]

    def whole(self) -> list[tuple[Path, str]]:
        """The files written whole, as (path, name)."""
        return [(where, entry.name) for entry, where in self.asked if not entry.variable]

    def reads(self, what: str) -> bool:
        """Does a file asked for read the text report ("report") or the class's mistakes ("mistakes")?"""
        return any(what in entry.reads for entry, where in self.asked if where is not None)

    def check_environment(self) -> None:
        """Before grading: a CI runner's file asked for by its option is named, and Classroom 50's
        submission is named by the runner's environment."""
        for entry, where in self.asked:
            if entry.help and entry.variable and where is None:
                raise BpcheckError(f"--{entry.name} writes to ${entry.variable}, which is not set",
                                   hint=f"run it in a GitHub Actions step, or set {entry.variable} to a file")
        if "classroom50" in self.names():
            import datetime

            from ..report.ci import classroom50_identity

            self.classroom50_identity = classroom50_identity(self.environ)
            self.when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def check_graded(self, graded, pass_mark: Optional[float], inputs: set[tuple[int, int]]) -> None:
        """Once graded, before anything is written: one student's formats for one file; Classroom 50's
        points made whole; no file an input of the run (``inputs``), and no two the same."""
        from .. import files

        one_student = self.names(one_student=True)
        if one_student:
            from ..report.ci import check_one_student

            check_one_student(graded.outcomes, one_student)
        if self.classroom50_identity is not None:
            from ..report.ci import classroom50_result

            self.classroom50_result = classroom50_result(graded.outcomes[0], self.classroom50_identity, self.when,
                                                         pass_mark, graded.pinned_max_score)
        files.check_output_paths(self.whole(), inputs)
        files.check_append_targets([(where, entry.variable) for entry, where in self.asked if entry.variable],
                                   inputs)

    def write(self, run: Run) -> None:
        """Every file asked for, in one loop: the files written whole first, then the CI runner's, so
        that a file that cannot be written leaves the runner's as they were."""
        import io

        from .. import files

        for entry, where in sorted(self.asked, key=lambda asked: bool(asked[0].variable)):
            if where is None:  # $GITHUB_STEP_SUMMARY not set: no summary
                continue
            if entry.variable:
                text = io.StringIO()
                entry.write(run, text)
                files.append_to(where, text.getvalue())
            else:
                files.write_atomically(where, functools.partial(entry.write, run), entry.name)
