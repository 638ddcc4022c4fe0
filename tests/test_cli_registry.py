"""The command line's two registries (bpcheck/cli/pages.py, bpcheck/cli/side_files.py), tested entry by
entry, so that a format added tomorrow is held to the same rules:

- every page format is a choice of its command's --format, and what the command prints is exactly its
  entry's ``render(record)`` (off a terminal);
- every side file is an option of `bpcheck grade` (or its CI runner's variable), is written, is never
  written onto an input of the run, is written whole or not at all (the CI runner's own files only
  after every other), and is refused for a class where it holds one student's result;
- a command imports only its own family's module and the renderer it prints with.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Cli

from bpcheck import grade_files, load_exercise, solve
from bpcheck.cli import COMMANDS, main, pages, side_files
from bpcheck.gradcheck import gradient_check
from bpcheck.training import train

ROOT = Path(__file__).resolve().parent.parent
# The house environment (the `cli` fixture's), with a Classroom 50 runner's identity for its result.json.
run = Cli({"COLUMNS": "100", "CLASSROOM": "c", "ASSIGNMENT": "a", "SUBMISSION_TAG": "s", "COMMIT_URL": "https://x/c",
           "RELEASE_URL": "https://x/r"})
ANSWERS = "exercise: ex1\nstudent: ada\nanswers:\n  a3: 0.755\n  y3: 0.6803\n  delta5: 0.04068\n"


def command_option(command: str, name: str):
    return next(param for param in main.commands[command].params if param.name == name)


# ---------------------------------------------------------------- the group


def test_every_command_is_in_its_family_s_module():
    assert set(main.commands) == set(COMMANDS)
    for name, (module, attribute) in COMMANDS.items():
        command = main.commands[name]
        assert command.name == name and type(command).__module__.startswith("click")
        assert sys.modules[f"bpcheck.cli.{module}"].__dict__[attribute] is command


# ---------------------------------------------------------------- page formats


@pytest.mark.parametrize(("command", "registry"), [("solve", pages.SOLUTION_PAGES), ("grade", pages.GRADE_PAGES),
                                                   ("train", pages.TRAINING_PAGES),
                                                   ("gradcheck", pages.GRADCHECK_PAGES)])
def test_format_s_choices_and_help_are_the_registry_s(command, registry):
    option = command_option(command, "output_format")
    assert list(option.type.choices) == list(registry) and option.default == "text"
    assert all(page.help in option.help for page in registry.values())
    assert all((page.blocks is not None) == (name == "text") for name, page in registry.items())


EX1 = load_exercise("ex1")
EX1_SOLVED = solve(EX1)


@pytest.mark.parametrize("name", list(pages.SOLUTION_PAGES))
def test_solve_prints_its_page_s_render(name):
    printed = run("solve", "ex1", "--format", name, "--precision", "5")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == pages.SOLUTION_PAGES[name].render(pages.SolvedPage(EX1, EX1_SOLVED, 5))
    assert printed.stdout.endswith("\n")


@pytest.mark.parametrize("name", list(pages.GRADE_PAGES))
@pytest.mark.parametrize("files", [1, 2])
def test_grade_prints_its_page_s_render(tmp_path, name, files):
    paths = [tmp_path / f"s{index}.yaml" for index in range(files)]
    for path in paths:
        path.write_text(ANSWERS, encoding="utf-8")
    printed = run("grade", *paths, "--format", name, "--pass-mark", "5")
    assert printed.exit_code == 0, printed.output
    graded = grade_files(paths)
    single = files == 1
    report = None
    if name != "json":
        from bpcheck.cli.grade import _text_report

        report = _text_report(graded, single, 5, 4)
    record = pages.GradedPage(graded, single, 5, report, False, None)
    assert printed.stdout == pages.GRADE_PAGES[name].render(record)


@pytest.mark.parametrize("name", list(pages.TRAINING_PAGES))
def test_train_prints_its_page_s_render(name):
    printed = run("train", "ex1", "--iterations", "30", "--format", name)
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == pages.TRAINING_PAGES[name].render(pages.TrainedPage(EX1, train(EX1.network, 30), 4))


@pytest.mark.parametrize("name", list(pages.GRADCHECK_PAGES))
def test_gradcheck_prints_its_page_s_render(name):
    printed = run("gradcheck", "ex1", "--format", name)
    assert printed.exit_code == 0, printed.output
    checks = gradient_check(EX1_SOLVED)
    assert printed.stdout == pages.GRADCHECK_PAGES[name].render(pages.CheckedPage(EX1, checks, 4))


def test_a_text_page_on_a_terminal_is_drawn_from_its_blocks():
    """What Rich draws and what plain text renders come from one list of blocks."""
    from rich.console import Console

    from bpcheck.report.text import emit

    blocks, heading = pages.SOLUTION_PAGES["text"].blocks(pages.SolvedPage(EX1, EX1_SOLVED, 4))
    console = Console(width=200, record=True, color_system=None)
    emit(blocks, heading=heading, console=console)
    drawn = console.export_text()
    assert drawn.startswith("Exercise 1: the tutorial's network (ex1)\n") and "W13·x1 + W23·x2" in drawn
    assert "│ x1 0.35 │" in drawn and drawn != pages.SOLUTION_PAGES["text"].render(pages.SolvedPage(EX1, EX1_SOLVED, 4))


# ---------------------------------------------------------------- side files

WHOLE = [entry for entry in side_files.SIDE_FILES if not entry.variable]
RUNNERS = [entry for entry in side_files.SIDE_FILES if entry.variable]


def _asked(entry, tmp_path: Path) -> tuple[list[str], dict]:
    """The arguments and environment that ask for ``entry``'s file, written into ``tmp_path``."""
    target = tmp_path / f"{entry.name}.out"
    if not entry.variable:
        return [f"--{entry.name}", str(target)], {}
    env = {entry.variable: str(target)}
    return ([f"--{entry.name}"], env) if entry.help else ([], {**env, "GITHUB_ACTIONS": "true"})


def test_every_side_file_is_an_option_of_grade_or_a_runner_s_variable():
    help_text = run("grade", "--help").stdout
    for entry in side_files.SIDE_FILES:
        assert (f"--{entry.name} " in help_text) == bool(entry.help), entry.name
        assert entry.help or entry.variable, entry.name  # one or the other asks for it
    assert [entry.name for entry in side_files.SIDE_FILES if entry.one_student] == [
        "gradescope", "classroom", "classroom50", "classroom50-body"]


@pytest.mark.parametrize("entry", side_files.SIDE_FILES, ids=lambda entry: entry.name)
def test_every_side_file_is_written(tmp_path, entry):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    args, env = _asked(entry, tmp_path)
    result = run("grade", answers, *args, env=env)
    assert result.exit_code == 1, result.output  # a wrong and a missing value
    written = (tmp_path / f"{entry.name}.out").read_text(encoding="utf-8")
    expected = {"csv": "ada", "junit-xml": "<testsuites", "gradescope": '"tests"', "mistakes-csv": "sign-flip",
                "classroom50": '"points-factor"', "classroom50-body": "delta5", "step-summary": "delta5"}
    if entry.name == "classroom":
        assert json.loads(base64.b64decode(written.removeprefix("result=")))["status"] == "fail"
    else:
        assert expected[entry.name] in written, written[:300]


@pytest.mark.parametrize("entry", side_files.SIDE_FILES, ids=lambda entry: entry.name)
def test_no_side_file_is_written_onto_an_input(tmp_path, entry):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    (tmp_path / f"{entry.name}.out").symlink_to(answers)  # a second name for the answers file
    args, env = _asked(entry, tmp_path)
    result = run("grade", answers, *args, env=env)
    assert result.exit_code == 2 and "input of this run" in result.stderr, result.output
    assert answers.read_text(encoding="utf-8") == ANSWERS


@pytest.mark.parametrize("entry", [entry for entry in side_files.SIDE_FILES if entry.one_student],
                         ids=lambda entry: entry.name)
def test_one_student_s_files_are_refused_for_a_class(tmp_path, entry):
    paths = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for path in paths:
        path.write_text(ANSWERS, encoding="utf-8")
    args, env = _asked(entry, tmp_path)
    result = run("grade", *paths, *args, env=env)
    assert result.exit_code == 2 and f"--{entry.name} with 2 answers files" in result.stderr, result.output
    assert not (tmp_path / f"{entry.name}.out").exists()


@pytest.mark.parametrize("entry", WHOLE, ids=lambda entry: entry.name)
def test_a_side_file_that_fails_half_written_leaves_the_old_one_and_the_runner_s_untouched(tmp_path, monkeypatch,
                                                                                           entry):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    target = tmp_path / f"{entry.name}.out"
    target.write_text("the previous file\n", encoding="utf-8")
    output = tmp_path / "github-output"

    def half_then_fail(run_, stream):
        stream.write("half a fi")
        raise OSError(28, "No space left on device")

    broken = tuple(other._replace(write=half_then_fail) if other is entry else other
                   for other in side_files.SIDE_FILES)
    monkeypatch.setattr(side_files, "SIDE_FILES", broken)
    result = run("grade", answers, f"--{entry.name}", target, "--classroom", env={"GITHUB_OUTPUT": str(output)})
    assert result.exit_code == 2 and "No space left on device" in result.stderr, result.output
    assert target.read_text(encoding="utf-8") == "the previous file\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["a.yaml", target.name])  # nothing appended
    assert result.stdout == ""


def test_a_runner_s_file_asked_for_by_its_option_must_be_named():
    for entry in RUNNERS:
        if entry.help:
            result = run("grade", "ex1.yaml", f"--{entry.name}")
            assert result.exit_code == 2, entry.name
            assert f"--{entry.name} writes to ${entry.variable}, which is not set" in result.stderr


# ---------------------------------------------------------------- what a command imports


def imported(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "bpcheck", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""})
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


RENDERERS = {"json": {"bpcheck.report.json_text"}, "markdown": {"bpcheck.report.markdown"},
             "html": {"bpcheck.report.html"}, "latex": {"bpcheck.report.latex"},
             "text": {"bpcheck.report.text", "bpcheck.report.plain", "bpcheck.report.diagram"}}


@pytest.mark.parametrize("name", list(pages.SOLUTION_PAGES))
def test_solve_imports_its_own_renderer_only(name):
    loaded = imported("solve", "ex1", "--format", name)
    assert RENDERERS[name] <= loaded
    others = set().union(*(modules for other, modules in RENDERERS.items() if other != name)) - RENDERERS[name]
    if name == "html":  # a page draws the network (report/diagram.py, which measures text with report/plain.py)
        others -= {"bpcheck.report.diagram", "bpcheck.report.plain"}
    assert not others & loaded, sorted(others & loaded)
    assert not {module for module in loaded if module.split(".")[0] in ("rich", "yaml") and name != "text"} - {
        module for module in loaded if module.startswith("yaml")}  # PyYAML reads the exercise; Rich never loads
    assert "bpcheck.cli.side_files" not in loaded and "bpcheck.batch" not in loaded  # grade's family


def test_one_file_graded_as_json_imports_no_text_renderer_and_no_ci_format(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    loaded = imported("grade", str(answers), "--format", "json")
    assert {"bpcheck.cli.side_files", "bpcheck.report.json_text"} <= loaded
    assert not {"bpcheck.report.ci", "bpcheck.report.grades", "bpcheck.report.text", "bpcheck.report.html",
                "bpcheck.report.views", "rich"} & loaded
