"""The documentation keeps up with the program: README.md and the manual in docs/.

Every example in them that shows output is run and compared. A fenced block of output (```text, ```json,
```console or a bare ```) must follow one of these markers, on the line just above it:

    <!-- output: [NAME=VALUE ...] bpcheck ARGS [< FILE] -->   the block is what the command prints
    <!-- written: PATH -->                                    the block is the file PATH a command wrote
    <!-- tested-by: tests/test_x.py::test_name -->            a test of its own reads it from the page

and `<!-- file: PATH -->` above a block writes that block to PATH for the page's later commands (each page
runs in a folder of its own, which holds a link to examples/). Output is compared line by line, without
trailing spaces; a block may show part of it, and a line that is only `…` stands for lines left out. The
```pycon blocks of a page run as one doctest. Links between pages, and into the repository, must resolve.
"""

from __future__ import annotations

import csv
import doctest
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bpcheck import __version__
from bpcheck.cli import main
from bpcheck.loading import load_exercise_text
from bpcheck.solution import solve

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = sorted(DOCS.rglob("*.md"))
DOCUMENTS = [ROOT / "README.md", *PAGES]
REPOSITORY = "https://github.com/bpcheck/bpcheck/"
# Commands the manual already shows that a later change adds.
PENDING_COMMANDS: set[str] = set()

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```$", re.M | re.S)
MARKER = re.compile(r"<!-- (output|written|file|tested-by): (.*?) -->")
OUTPUT_LANGUAGES = {"", "text", "json", "console"}


def name(document: Path) -> str:
    return str(document.relative_to(ROOT))


def blocks(document: Path) -> list[tuple[str, str, str, str]]:
    """(marker kind, marker argument, language, text) of every fenced block, in order; kind '' if none."""
    text = document.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.fullmatch(before.strip())
        kind, argument = (marker.group(1), marker.group(2)) if marker else ("", "")
        found.append((kind, argument, match.group(1), match.group(2)))
    return found


# ---------------------------------------------------------------- what the pages show is what bpcheck prints


def shown_in(output: str, shown: str) -> bool:
    """Whether ``shown``'s lines appear in ``output`` in order, contiguous but where a line `…` cuts."""
    lines = [line.rstrip() for line in output.splitlines()]
    position = None
    for part in re.split(r"(?m)^…\n?", shown):
        wanted = [line.rstrip() for line in part.splitlines()]
        if not wanted:
            continue
        start = 0 if position is None else position
        at = next((index for index in range(start, len(lines) - len(wanted) + 1)
                   if lines[index:index + len(wanted)] == wanted), None)
        if at is None:
            return False
        position = at + len(wanted)
    return position is not None


def run_marked_command(command: str, folder: Path):
    words = shlex.split(command)
    env = {"COLUMNS": "80", "GITHUB_ACTIONS": None, "NO_COLOR": None}
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    assert words[0] == "bpcheck", command
    stdin = None
    if "<" in words:
        index = words.index("<")
        stdin = (folder / words[index + 1]).read_text(encoding="utf-8")
        words = words[:index]
    return CliRunner(env=env).invoke(main, words[1:], input=stdin)


def pages_with(*kinds: str) -> list[Path]:
    return [document for document in DOCUMENTS if any(kind in kinds for kind, *_ in blocks(document))]


@pytest.mark.parametrize("document", pages_with("output"), ids=name)
def test_every_output_a_page_shows_is_what_bpcheck_prints(document, tmp_path, monkeypatch):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    ran = 0
    for kind, argument, _, text in blocks(document):
        if kind == "file":
            (tmp_path / argument).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / argument).write_text(text, encoding="utf-8")
        elif kind == "output":
            result = run_marked_command(argument, tmp_path)
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
            assert shown_in(result.output, text), (
                f"{name(document)}: `{argument}` no longer prints what the page shows.\n--- the page:\n{text}"
                f"--- bpcheck:\n{result.output}")
            ran += 1
        elif kind == "written":
            written = (tmp_path / argument).read_text(encoding="utf-8")
            assert shown_in(written, text), f"{name(document)}: {argument} is not what the page shows:\n{written}"
    assert ran


def test_a_shown_excerpt_is_matched_line_by_line():
    output = "a\nb\nc\nd\ne\n"
    assert shown_in(output, "b\nc\n") and shown_in(output, "a\n…\nd\ne\n") and shown_in(output, "…\ne\n")
    assert not shown_in(output, "b\nd\n") and not shown_in(output, "c\n…\nb\n") and not shown_in(output, "f\n")
    assert not shown_in(output, "b  \nx\n") and shown_in(output, "b  \nc\n")  # trailing spaces do not count


def test_every_block_of_output_is_run_or_tested():
    unmarked = [f"{name(document)}: a ```{language} block: {text[:60]!r}"
                for document in DOCUMENTS for kind, _, language, text in blocks(document)
                if language in OUTPUT_LANGUAGES and kind not in ("output", "written", "tested-by")]
    assert unmarked == []


@pytest.mark.parametrize("document", pages_with("tested-by"), ids=name)
def test_a_block_tested_elsewhere_is_read_by_that_test(document):
    for kind, argument, _, _ in blocks(document):
        if kind == "tested-by":
            path, test = argument.split("::")
            source = (ROOT / path).read_text(encoding="utf-8")
            assert f"def {test}(" in source, argument
            assert f'"{document.name}"' in source, f"{path} never reads {name(document)}"


def run_doctests(document: Path) -> doctest.DocTestRunner:
    """The document's ```pycon blocks, run in order as one doctest."""
    examples = "\n".join(text for _, _, language, text in blocks(document) if language == "pycon")
    test = doctest.DocTestParser().get_doctest(examples, {}, name(document), str(document), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if any(lang == "pycon" for _, _, lang, _ in blocks(d))],
                         ids=name)
def test_the_python_examples_run_as_doctests(document):
    runner = run_doctests(document)
    assert runner.failures == 0 and runner.tries >= 1


def test_the_python_api_page_shows_the_api_at_work():
    runner = run_doctests(DOCS / "api.md")
    assert runner.failures == 0 and runner.tries >= 8


# ---------------------------------------------------------------- commands and options the pages name


def command_lines(document: Path) -> list[str]:
    """Each `bpcheck ...` command of the document's ```sh blocks, up to a comment, pipe or redirection."""
    found = []
    for _, _, language, text in blocks(document):
        if language == "sh":
            for line in text.replace("\\\n", " ").splitlines():
                for match in re.finditer(r"(?:^|[\s;&|(])bpcheck ([^#|>;&]*)", line):
                    found.append(match.group(1))
    return found


def test_every_option_a_command_line_shows_exists():
    wrong = []
    for document in DOCUMENTS:
        for words in (line.split() for line in command_lines(document)):
            command, rest = main, words
            while rest and hasattr(command, "commands") and rest[0] in command.commands:
                command, rest = command.commands[rest[0]], rest[1:]
            if command is main:
                if not rest or rest[0].startswith("-"):
                    continue
                if rest[0] not in PENDING_COMMANDS:
                    wrong.append(f"{name(document)}: bpcheck {rest[0]} is no command")
                continue
            options = {option for param in command.params for option in (*param.opts, *param.secondary_opts)}
            wrong += [f"{name(document)}: bpcheck {' '.join(words)}: {word}" for word in rest
                      if word.startswith("-") and word != "-" and word.split("=")[0] not in options | {"--help"}]
    assert wrong == []


def test_every_command_is_in_the_readme_and_the_reference():
    reference = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    for command_name in main.commands:
        assert f"`bpcheck {command_name}" in README, command_name
        assert f"## `bpcheck {command_name}`" in reference, command_name


def test_every_command_has_help():
    runner = CliRunner()
    for command_name in main.commands:
        result = runner.invoke(main, [command_name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, command_name


# ---------------------------------------------------------------- generated reference pages


def generator():
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_reference_pages_are_up_to_date():
    """To rewrite them after a change to a command or a named mistake: python docs/generate.py"""
    for path, text in generator().pages().items():
        assert (DOCS / path).read_text(encoding="utf-8") == text, f"docs/{path} is stale: run python docs/generate.py"


def test_the_command_reference_has_every_option_of_every_command():
    reference = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")

    def walk(command, path):
        yield path, command
        for sub_name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {sub_name}")

    for path, command in walk(main, "bpcheck"):
        section = (reference.split(f"## `{path}`\n", 1)[1] if command is not main else reference).split("\n## ", 1)[0]
        for param in command.params:
            for option in param.opts if param.param_type_name == "option" else ():
                assert f"`{option}" in section or f", {option}" in section, (path, option)


def test_every_named_mistake_is_in_the_reference_with_an_example():
    from bpcheck.misconceptions import MISCONCEPTIONS

    reference = (DOCS / "reference" / "mistakes.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (.*) \|$", reference, flags=re.M)
    assert [row[0] for row in rows] == list(MISCONCEPTIONS)
    for identifier, cells in rows:
        assert MISCONCEPTIONS[identifier] in cells, identifier
    with pytest.raises(ValueError, match="no-such-mistake"):  # a new mistake without an example is refused
        generator().mistakes_page({**MISCONCEPTIONS, "no-such-mistake": "A mistake"})


# ---------------------------------------------------------------- links


def github_slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def mkdocs_slug(heading: str) -> str:  # Python-Markdown's toc.slugify, which mkdocs uses
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(document: Path) -> set[str]:
    """The anchors both GitHub and mkdocs give the document's headings (a link must work on both)."""
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    headings = [re.sub(r"[`*]", "", heading) for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)]
    return {github_slug(heading) for heading in headings} & {mkdocs_slug(heading) for heading in headings}


def links(document: Path) -> list[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_every_link_resolves():
    broken = []
    for document in DOCUMENTS:
        for target in links(document):
            if target.startswith(REPOSITORY):
                path = re.sub(r"^(blob|tree)/main/", "", target[len(REPOSITORY):]).split("#")[0]
                if not (ROOT / path).exists():
                    broken.append(f"{name(document)}: {target}")
                continue
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (document.parent / path).resolve() if path else document
            if not file.exists() or (file.is_relative_to(DOCS) != document.is_relative_to(DOCS)
                                     and document != ROOT / "README.md"):
                broken.append(f"{name(document)}: {target}")
            elif anchor and anchor not in anchors(file):
                broken.append(f"{name(document)}: {target} (no such heading)")
    assert broken == []


def test_every_page_is_in_the_manual_and_nowhere_twice():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def listed(entries):
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            yield from listed(value) if isinstance(value, list) else [value]

    pages = list(listed(config["nav"]))
    assert sorted(pages) == sorted(str(page.relative_to(DOCS)) for page in PAGES)


def test_every_page_is_linked_from_the_manuals_first_page():
    first = DOCS / "index.md"
    linked = {(first.parent / target.split("#")[0]).resolve() for target in links(first) if not target.startswith("http")}
    assert set(PAGES) - {first} <= linked


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mkdocs") is None and importlib.util.find_spec("mkdocs") is None,
                    reason="mkdocs is not installed (the docs extra); .ci/run builds the manual anyway")
def test_the_manual_builds_strictly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- README, CI and the changelog


def test_ci_runs_exactly_the_test_command_the_readme_shows():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd ", "export "))]
    test_command = 'python3 -m venv --without-pip .venv && python3 -m pip --python .venv/bin/python install pip -e ".[test]" && .venv/bin/python -m pytest'
    assert ci_lines[-1] == test_command and f"```sh\n{test_command}\n```" in README  # its summary closes the run
    assert not any("pytest" in line for line in ci_lines[:-1])  # set-up only (chromium, the manual), no tests
    (build,) = [line for line in ci_lines if "mkdocs build" in line]  # the manual: a broken link fails CI
    assert '-e ".[docs]"' in build and "mkdocs build --strict" in build


def test_the_readme_shows_the_main_job_from_a_fresh_machine():
    assert "```sh\npython3 -m venv --without-pip .venv && python3 -m pip --python .venv/bin/python install pip . && .venv/bin/bpcheck solve ex1\n```" in README


def test_the_readme_is_short_and_points_into_the_manual():
    assert len(README.splitlines()) <= 150
    assert {(ROOT / target.split("#")[0]).resolve() for target in links(ROOT / "README.md") if target.startswith("docs/")} >= {
        DOCS / "index.md", DOCS / "instructors" / "ten-commands.md", DOCS / "reference" / "commands.md", DOCS / "api.md"}


def test_changelog_has_an_unreleased_section_with_entries():
    """Unreleased lists what changed since the last release: empty only on the release's own commit,
    whose heading is the package's version (CONTRIBUTING.md, "Releasing"; the form: tests/test_release.py)."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\] - ", changelog, flags=re.M)
    just_released = newest is not None and newest.group(1) == __version__
    assert re.search(r"^- ", unreleased, flags=re.M) or just_released


def test_version_is_one_string():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'path = "bpcheck/__init__.py"' in pyproject  # hatch reads the version from the package
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


# ---------------------------------------------------------------- the examples that are inputs


EXERCISE_FORMAT = (DOCS / "reference" / "exercise-format.md").read_text(encoding="utf-8")
API = (DOCS / "api.md").read_text(encoding="utf-8")


def test_the_example_exercise_is_valid_and_uses_every_key():
    example = EXERCISE_FORMAT.split("A complete example, with every key:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    solution = solve(load_exercise_text(example, name="example"))
    from bpcheck.loading import TOP_LEVEL_KEYS

    # examples: replaces inputs: and targets:, so it and optimizer: have their own example (tests/test_training.py)
    assert all(re.search(rf"^{key}:", example, flags=re.M) for key in TOP_LEVEL_KEYS
               if key not in ("examples", "optimizer"))
    assert solution.exercise.network.activations == ("tanh", "sigmoid")
    assert "b6_new" not in solution.values and "b5_new" in solution.values  # b6 is frozen
    assert solution.exercise.points == {"E": 2.0, "delta3": 2.0}


def test_the_notebook_example_shows_itself():
    """Each cell of docs/api.md's "Notebooks" ends in something a notebook shows: its value has _repr_html_
    or _repr_svg_ (the protocol Jupyter calls), which gives HTML or SVG."""
    import ast

    block = API.split("## Notebooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    shown = []
    for statement in ast.parse(block).body:
        code = ast.Module(body=[statement], type_ignores=[])
        if isinstance(statement, ast.Expr):
            value = eval(compile(ast.Expression(statement.value), "docs/api.md", "eval"), namespace)
            shown.append(value._repr_html_() if hasattr(value, "_repr_html_") else value._repr_svg_())
        else:
            exec(compile(code, "docs/api.md", "exec"), namespace)
    assert [text[:20] for text in shown] == ['<div class="bpcheck"', "<svg xmlns=\"http://w", '<div class="bpcheck"']
    assert "Feedback: hint" in shown[2] and "expected" not in shown[2]


def test_the_library_is_typed_and_exports_its_api():
    import bpcheck

    assert (ROOT / "bpcheck" / "py.typed").exists()
    for api_name in ("load_exercise", "solve", "grade", "grade_file", "grade_files"):
        assert api_name in bpcheck.__all__ and callable(getattr(bpcheck, api_name))
        assert getattr(bpcheck, api_name).__doc__


# ---------------------------------------------------------------- the instructors' ten commands


def test_the_ten_commands_run_as_written(tmp_path, monkeypatch):
    """docs/instructors/ten-commands.md: its ten lines, as written, on a class of three: alice right
    throughout, bob with delta5's sign flipped, carol's file left blank."""
    page = DOCS / "instructors" / "ten-commands.md"
    lines = next(text for _, _, language, text in blocks(page) if language == "sh").splitlines()
    assert len(lines) == 10
    (handout_output,) = [text for kind, _, language, text in blocks(page) if kind == "tested-by" and language == "text"]
    monkeypatch.chdir(tmp_path)
    class_ = ["alice", "bob", "carol"]
    Path("roster.csv").write_text("id\n" + "\n".join(class_) + "\n", encoding="utf-8")

    def bpcheck(*args: str):
        return CliRunner(env={"COLUMNS": "80", "GITHUB_ACTIONS": None}).invoke(main, list(args))

    def hand_in(student: str, handout: str) -> None:
        """The student fills in their answers file (the collect step puts it at submissions/ID/answers.yaml)."""
        values = json.loads(bpcheck("solve", "hw1.yaml", "--variant", student, "--format", "json").stdout)["values"]
        if student == "bob":
            values["delta5"] = -values["delta5"]
        if student != "carol":
            handout = re.sub(r"(?m)^  (\w+):$", lambda m: f"  {m.group(1)}: {values[m.group(1)]!r}", handout)
        Path("submissions", student).mkdir(parents=True)
        Path("submissions", student, "answers.yaml").write_text(handout, encoding="utf-8")

    exit_codes = []
    for line in lines:
        words = shlex.split(line)
        target = words[words.index(">") + 1] if ">" in words else None
        words = words[:words.index(">")] if target else words
        assert words[0] == "bpcheck", line
        result = bpcheck(*words[1:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (line, result.exception)
        if words[1] == "handout":  # each student fills in the answers file handed to them
            assert sorted(path.name for path in Path(words[-1]).iterdir()) == [*class_, "keys"]
            for student in class_:
                hand_in(student, Path(words[-1], student, "answers.yaml").read_text(encoding="utf-8"))
            assert shown_in(result.stdout, handout_output), result.stdout
        if target:
            Path(target).write_text(result.stdout, encoding="utf-8")
        exit_codes.append(result.exit_code)
        if "--mistakes" in words:
            assert "sign-flip" in result.stdout and "submissions/bob/answers.yaml" in result.stdout
    assert exit_codes == [0, 0, 0, 0, 0, 1, 1, 1, 1, 0], exit_codes
    with open("marks.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert [(rows[s]["variant"], rows[s]["passed"]) for s in class_] == [(s, v) for s, v in
                                                                          zip(class_, ["true", "false", "false"])]
    assert rows["bob"]["delta5"] == "wrong:sign-flip" and rows["bob"]["delta3"] == "correct"
    assert rows["carol"]["score"] == "0" and rows["carol"]["a3"] == "missing"
    page_html = Path("alice.html").read_text(encoding="utf-8")
    assert page_html.startswith("<!DOCTYPE html>") and "Feedback: hint" in page_html
    # Step 6's promise: a copy of another student's file is flagged, and --strict stops at it.
    Path("submissions", "dave").mkdir()
    shutil.copy(Path("submissions", "alice", "answers.yaml"), Path("submissions", "dave", "answers.yaml"))
    strict = bpcheck(*shlex.split(lines[5])[1:])
    assert strict.exit_code == 2 and "submissions/dave/answers.yaml" in strict.stderr
