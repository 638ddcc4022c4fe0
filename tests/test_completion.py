"""Shell completion (click's own: `_BPCHECK_COMPLETE=bash_source bpcheck`): the script README shows is
generated for bash, zsh and fish and run by that shell, completing command names, options, --format's
and --feedback's choices, and EXERCISE (a built-in name, a YAML file, a folder).

bash and fish complete for real (bash: the completion function with COMP_WORDS and COMP_CWORD set, as
bash sets them at a Tab; fish: `complete -C`, fish's own "what would Tab offer"). zsh's completion
builtins (compadd, _describe) work only inside its line editor, so the script runs with those two
replaced by functions that print what they were given. A shell that is missing here is skipped; in CI
(.ci/run installs zsh and fish) it must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bpcheck import builtin_exercises

BUILT_IN = builtin_exercises()


def missing(shell: str):
    reason = f"{shell} is not installed here (.ci/run installs it, so CI runs this)"
    return pytest.mark.skipif(shutil.which(shell) is None and not os.environ.get("CI"), reason=reason)


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory) -> dict[str, str]:
    """PATH with a `bpcheck` that runs this checkout, as the scripts call it by name."""
    bin_folder = tmp_path_factory.mktemp("bin")
    launcher = bin_folder / "bpcheck"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bpcheck "$@"\n')
    launcher.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture()
def course(tmp_path) -> Path:
    """A folder as a student's: an exercise file, a note that is not one, a folder of two exercises."""
    (tmp_path / "hw1.yaml").write_text("")
    (tmp_path / "hw-notes.txt").write_text("")
    (tmp_path / ".hidden.yaml").write_text("")
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "week2.yml").write_text("")
    (tmp_path / "sheets" / "week3.YAML").write_text("")
    return tmp_path


def script(shell: str, env) -> str:
    result = subprocess.run(["bpcheck"], env={**env, "_BPCHECK_COMPLETE": f"{shell}_source"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_bpcheck_completion" in result.stdout
    return result.stdout


def run(argv: list[str], cwd: Path, env, timeout: int = 60) -> list[str]:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


# What Tab offers after each command line (the last word being completed), in every shell.
CASES = [
    ("bpcheck so", ["solve"]),
    ("bpcheck gr", ["gradcheck", "grade"]),  # click lists commands sorted
    ("bpcheck solve --fo", ["--format"]),
    ("bpcheck solve --format ", ["text", "json", "markdown", "html", "latex"]),
    ("bpcheck grade --feedback ", ["full", "hint", "verdict", "score"]),
    ("bpcheck practice --feedback h", ["hint"]),
    ("bpcheck schema ", ["exercise", "answers"]),
    ("bpcheck solve e", BUILT_IN),
    ("bpcheck solve ex1", ["ex1"]),
    ("bpcheck solve h", ["hw1.yaml"]),  # not hw-notes.txt
    ("bpcheck train sh", ["sheets/week2.yml", "sheets/week3.YAML"]),  # the folder alone matches: opened
    ("bpcheck solve .h", [".hidden.yaml"]),
    ("bpcheck grade a.yaml --exercise e", BUILT_IN),
    ("bpcheck export prairielearn ex", BUILT_IN),
    ("bpcheck check ex1 ex", BUILT_IN),
]


def words(line: str) -> list[str]:
    return line.split(" ")  # a trailing space leaves an empty last word, as the shell's is


def test_the_cases_are_what_bpcheck_itself_completes(course, monkeypatch):
    """The reference, without a shell: the completion click computes from bpcheck's own commands."""
    from click.shell_completion import ShellComplete

    from bpcheck.cli import main

    assert BUILT_IN[:2] == ["ex1", "ex2"]
    monkeypatch.chdir(course)
    for line, expected in CASES:
        *args, incomplete = words(line)
        found = ShellComplete(main, {}, "bpcheck", "_BPCHECK_COMPLETE").get_completions(args[1:], incomplete)
        assert [item.value for item in found] == expected, line


def every_exercise_parameter():
    """(command path, parameter) for every argument or option of every command that takes an exercise."""
    import click

    from bpcheck.cli import main

    def walk(command, path):
        if isinstance(command, click.Group):
            for name in command.list_commands(click.Context(command)):
                yield from walk(command.get_command(click.Context(command), name), f"{path} {name}")
            return
        for param in command.params:
            if param.name == "exercise" or param.metavar == "EXERCISE":
                yield path, param

    return list(walk(main, "bpcheck"))


def test_every_exercise_parameter_completes_the_built_in_names(course, monkeypatch):
    """A command added later (handout was) completes EXERCISE as the others do."""
    import click

    from bpcheck.cli import main

    monkeypatch.chdir(course)
    found = every_exercise_parameter()
    assert {path for path, _ in found} >= {"bpcheck solve", "bpcheck grade", "bpcheck handout",
                                           "bpcheck export moodle"}
    for path, param in found:
        values = [item.value for item in param.shell_complete(click.Context(main), "ex")]
        assert values == BUILT_IN, path


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash(shell_env, course):
    source = course / "bpcheck.bash"
    source.write_text(script("bash", shell_env))
    for line, expected in CASES:
        typed = words(line)
        array = " ".join(f"'{word}'" for word in typed)
        program = (f'source {source}; COMP_WORDS=({array}); COMP_CWORD={len(typed) - 1}; '
                   f'_bpcheck_completion bpcheck; printf "%s\\n" "${{COMPREPLY[@]}}"')
        assert run(["bash", "-c", program], course, shell_env) == expected, line


@missing("zsh")
def test_zsh(shell_env, course):
    source = course / "bpcheck.zsh"
    source.write_text(script("zsh", shell_env))
    # compadd and _describe, which need zsh's line editor, print their candidates; compdef registers nothing.
    stubs = ('compdef() { : }; '
             '_describe() { print -rl -- "${completions_with_descriptions[@]%%:*}" }; '
             'compadd() { print -rl -- "${completions[@]}" }')
    for line, expected in CASES:
        typed = words(line)
        array = " ".join(f"'{word}'" for word in typed)
        program = f"{stubs}; source {source}; words=({array}); CURRENT={len(typed)}; _bpcheck_completion"
        assert sorted(run(["zsh", "-f", "-c", program], course, shell_env)) == sorted(expected), line


@missing("fish")
def test_fish(shell_env, course):
    source = course / "bpcheck.fish"
    source.write_text(script("fish", shell_env))
    for line, expected in CASES:
        found = run(["fish", "--no-config", "-c", f"source {source}; complete -C '{line}'"], course, shell_env)
        # fish shows a command's help after a tab, and sorts the candidates itself
        assert sorted(candidate.split("\t")[0] for candidate in found) == sorted(expected), line


def test_a_tab_imports_neither_rich_nor_yaml_nor_the_solver(course):
    """A Tab runs bpcheck: it must be quick, so it loads no Rich, no PyYAML and solves nothing (the
    built-in names come from bpcheck/builtin.py, apart from loading.py)."""
    env = {**os.environ, "_BPCHECK_COMPLETE": "bash_complete", "COMP_WORDS": "bpcheck solve ", "COMP_CWORD": "2"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bpcheck"], cwd=course, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "plain,ex1" in result.stdout.splitlines()
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "bpcheck.builtin" in imported  # the reference of the check below: importtime lists the modules
    assert not {name for name in imported if name.split(".")[0] in ("rich", "yaml") or name in (
        "bpcheck.loading", "bpcheck.formulas", "bpcheck.solver", "bpcheck.report.text", "bpcheck.grading")}
