"""The documentation keeps up with the program: commands, CI, changelog, the README's own example."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from bpcheck import __version__
from bpcheck.cli import main
from bpcheck.loading import load_exercise_text
from bpcheck.solution import solve

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_exactly_the_test_command_the_readme_shows():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci_lines[-1] == 'python3 -m venv --without-pip .venv && python3 -m pip --python .venv/bin/python install pip -e ".[test]" && .venv/bin/python -m pytest'
    assert not any("pytest" in line or "pip" in line for line in ci_lines[:-1])  # set-up only (chromium), no tests
    assert f"```sh\n{ci_lines[-1]}\n```" in README


def test_the_readme_shows_the_main_job_from_a_fresh_machine():
    assert "```sh\npython3 -m venv --without-pip .venv && python3 -m pip --python .venv/bin/python install pip . && .venv/bin/bpcheck solve ex1\n```" in README


def test_every_command_is_in_the_readme():
    for name in main.commands:
        assert f"`bpcheck {name}" in README, name


def test_every_command_has_help():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, name


def test_changelog_has_an_unreleased_section_with_entries():
    """Unreleased lists what changed since the last release: empty only on the release's own commit,
    whose heading is the package's version (CONTRIBUTING.md, "Releasing"; the form: tests/test_release.py)."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\] - ", changelog, flags=re.M)
    just_released = newest is not None and newest.group(1) == __version__
    assert re.search(r"^- ", unreleased, flags=re.M) or just_released


def test_the_readme_example_exercise_is_valid_and_uses_every_key():
    example = README.split("A complete example, with every key:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    solution = solve(load_exercise_text(example, name="example"))
    from bpcheck.loading import TOP_LEVEL_KEYS

    # examples: replaces inputs: and targets:, so it and optimizer: have their own example (tests/test_training.py)
    assert all(re.search(rf"^{key}:", example, flags=re.M) for key in TOP_LEVEL_KEYS
               if key not in ("examples", "optimizer"))
    assert solution.exercise.network.activations == ("tanh", "sigmoid")
    assert "b6_new" not in solution.values and "b5_new" in solution.values  # b6 is frozen
    assert solution.exercise.points == {"E": 2.0, "delta3": 2.0}


def test_every_misconception_id_is_documented():
    from bpcheck.misconceptions import MISCONCEPTIONS

    for identifier in MISCONCEPTIONS:
        assert f"| `{identifier}` |" in README, identifier


def test_version_is_one_string():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'path = "bpcheck/__init__.py"' in pyproject  # hatch reads the version from the package
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_the_python_api_examples_in_the_readme_run():
    import doctest

    section = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
    examples = section.split("```pycon\n", 1)[1].split("```", 1)[0]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(examples, {}, "README Python API", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 8


def test_the_notebook_example_in_the_readme_shows_itself():
    """Each cell of README's "Notebooks" ends in something a notebook shows: its value has _repr_html_
    or _repr_svg_ (the protocol Jupyter calls), which gives HTML or SVG."""
    import ast

    block = README.split("### Notebooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    shown = []
    for statement in ast.parse(block).body:
        code = ast.Module(body=[statement], type_ignores=[])
        if isinstance(statement, ast.Expr):
            value = eval(compile(ast.Expression(statement.value), "README", "eval"), namespace)
            shown.append(value._repr_html_() if hasattr(value, "_repr_html_") else value._repr_svg_())
        else:
            exec(compile(code, "README", "exec"), namespace)
    assert [text[:20] for text in shown] == ['<div class="bpcheck"', "<svg xmlns=\"http://w", '<div class="bpcheck"']
    assert "Feedback: hint" in shown[2] and "expected" not in shown[2]


def test_the_library_is_typed_and_exports_its_api():
    import bpcheck

    assert (ROOT / "bpcheck" / "py.typed").exists()
    for name in ("load_exercise", "solve", "grade", "grade_file", "grade_files"):
        assert name in bpcheck.__all__ and callable(getattr(bpcheck, name))
        assert getattr(bpcheck, name).__doc__
