"""The package as it is released (issue 20; CONTRIBUTING.md, "Releasing"):

- one version, `__version__` in bpcheck/__init__.py, which hatch reads and `bpcheck --version` prints;
- .github/workflows/release.yml: on a version tag it builds, checks, and publishes by PyPI's trusted
  publishing; its tag check is run here on made-up distributions and changelogs;
- CHANGELOG.md in Keep a Changelog's form, with a heading and a link per release;
- hatch_build.py: the long description is README.md with every link absolute, rendered as PyPI does;
- slow (CI): the workflow's build job, its commands as written, on an export of the working tree: the sdist
  and the wheel built (the wheel from the sdist) and passing `twine check --strict`; the sdist holding the
  whole tree (the tests run from it) and building the same wheel as the tree; the wheel holding the package
  and the built-in exercises; then the wheel installed alone, with no package index, into a virtual
  environment made without pip as README's set-up makes one, where `bpcheck --version` and
  `bpcheck solve ex1` run outside the tree and print what the tree's bpcheck prints.
"""

from __future__ import annotations

import datetime
import email.parser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from test_setup_commands import OFFLINE, TIMEOUT, clean_environment, copy_repository, skip_if_offline, tail

from bpcheck import __version__

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
CHANGELOG = ROOT / "CHANGELOG.md"
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
REPOSITORY = re.search(r'^Repository = "(https://github\.com/[^"]+)"$', PYPROJECT, flags=re.M).group(1)
TAG = f"v{__version__}"
SDIST = f"bpcheck-{__version__}.tar.gz"
WHEEL = f"bpcheck-{__version__}-py3-none-any.whl"
TAG_CHECK = "Check the tag is the package's version, released in CHANGELOG.md"
INSTALL_AND_RUN = "Install the wheel in a fresh virtual environment and run it"
SECTION_KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")  # Keep a Changelog's


def hatch_build():
    """hatch_build.py, loaded from its file (it lives at the top of the repository, not in the package)."""
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def release_workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def step(job: dict, name: str) -> dict:
    (found,) = [each for each in job["steps"] if each.get("name") == name]
    return found


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A workflow's `run`, as GitHub runs it when no shell is named (`bash -e {0}`)."""
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)


# ---------------------------------------------------------------- the version


def test_the_version_is_written_once_and_printed_by_version(cli):
    project = PYPROJECT.split("[project]\n", 1)[1].split("\n[", 1)[0]
    assert not re.search(r"^version\s*=", project, flags=re.M)  # no second copy for hatch to disagree with
    assert re.search(r'^dynamic = \[.*"version".*\]', project, flags=re.M)
    assert re.search(r'^\[tool\.hatch\.version\]\npath = "bpcheck/__init__.py"', PYPROJECT, flags=re.M)
    written = re.findall(r'^__version__ = "([^"]+)"$', (ROOT / "bpcheck" / "__init__.py").read_text(), flags=re.M)
    assert written == [__version__]
    result = cli("--version")
    assert result.exit_code == 0 and result.output == f"bpcheck, version {__version__}\n"


# ---------------------------------------------------------------- the release workflow


def test_the_release_workflow_builds_checks_and_publishes_by_trusted_publishing():
    workflow = release_workflow()
    assert workflow.get(True, workflow.get("on")) == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]

    # Build: a checkout that keeps no credentials, then the commands this file runs, every check before the
    # upload (a failed step stops the job, and publish needs it).
    assert [each.get("name") or each["uses"].split("@")[0] for each in build["steps"]] == [
        "actions/checkout", "actions/setup-python", "Install build and twine", "Build the sdist, and the wheel from it",
        "Check the metadata and the description PyPI shows", TAG_CHECK, INSTALL_AND_RUN, "actions/upload-artifact"]
    assert build["steps"][0]["with"] == {"persist-credentials": False}
    assert step(build, "Install build and twine")["run"] == "python3 -m pip install build twine"
    assert step(build, "Build the sdist, and the wheel from it")["run"] == "python3 -m build"
    assert step(build, "Check the metadata and the description PyPI shows")["run"] == \
        "python3 -m twine check --strict dist/*"
    upload = build["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"] == "dist/"
    assert "permissions" not in build  # the top level's read only: no id token where the code is built

    # Publish: only what was built, into PyPI, by the id token of a job in a protected environment.
    assert publish["needs"] == "build"
    assert publish["environment"] == {"name": "pypi", "url": "https://pypi.org/p/bpcheck"}
    assert publish["permissions"] == {"id-token": "write"}
    download, upload_to_pypi = publish["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": upload["with"]["name"], "path": "dist/"}
    assert upload_to_pypi["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "with" not in upload_to_pypi  # no password, no token: trusted publishing
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


RELEASED = f"# Changelog\n\n## [Unreleased]\n\n## [{__version__}] - 2026-12-05\n\n### Added\n- bpcheck.\n"


@pytest.mark.parametrize(("tag", "changelog", "refused"), [
    (TAG, RELEASED, None),
    ("v9.8.7", RELEASED, f"::error::the tag v9.8.7 is not the version in bpcheck/__init__.py: built {WHEEL}"),
    (TAG, "# Changelog\n\n## [Unreleased]\n\n### Added\n- bpcheck.\n",
     f"::error::CHANGELOG.md has no heading '## [{__version__}] - YYYY-MM-DD'"),
    (TAG, RELEASED.replace(f"## [{__version__}] - 2026-12-05", f"## [{__version__}]"), "::error::CHANGELOG.md"),
    (TAG, RELEASED.replace(f"## [{__version__}]", f"## [1{__version__}]"), "::error::CHANGELOG.md"),
    (TAG, RELEASED.replace(f"## [{__version__}]", f"- [{__version__}]"), "::error::CHANGELOG.md"),
])
def test_the_tag_check_refuses_a_tag_that_is_not_the_released_version(tmp_path, tag, changelog, refused):
    script = step(release_workflow()["jobs"]["build"], TAG_CHECK)["run"]
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / WHEEL).write_bytes(b"")
    (tmp_path / "dist" / SDIST).write_bytes(b"")
    (tmp_path / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    result = bash(script, tmp_path, dict(os.environ, GITHUB_REF_NAME=tag))
    if refused is None:
        assert result.returncode == 0 and result.stdout == "", tail(result)
    else:
        assert result.returncode == 1 and result.stdout.startswith(refused), tail(result)


# ---------------------------------------------------------------- the changelog


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def changelog_problems(text: str, version: str, repository: str) -> list[str]:
    """What keeps ``text`` from Keep a Changelog's form as CONTRIBUTING.md's "Releasing" keeps it:
    `## [Unreleased]` first, then `## [X.Y.Z] - YYYY-MM-DD` per release, newest first; `### Added` (or
    Changed, Deprecated, Removed, Fixed, Security; a note in brackets may follow) with entries; at the
    bottom a link per heading, comparing each release with the one before; the package's version never
    behind the newest release."""
    problems = []
    lines = text.splitlines()
    if lines[:1] != ["# Changelog"]:
        problems.append("the first line is not '# Changelog'")
    headings = [line for line in lines if line.startswith("## ")]
    if headings[:1] != ["## [Unreleased]"]:
        problems.append(f"the first version heading is not '## [Unreleased]': {headings[:1]}")
    releases = []
    for heading in headings[1:]:
        match = re.fullmatch(r"## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})", heading)
        if not match:
            problems.append(f"not '## [X.Y.Z] - YYYY-MM-DD': {heading!r}")
            continue
        try:
            datetime.date.fromisoformat(match[2])
        except ValueError:
            problems.append(f"not a date: {heading!r}")
        releases.append((match[1], match[2]))
    for (newer, newer_date), (older, older_date) in zip(releases, releases[1:]):
        if version_key(newer) <= version_key(older) or newer_date < older_date:
            problems.append(f"releases not newest first: {newer} ({newer_date}) above {older} ({older_date})")
    if releases and version_key(version) < version_key(releases[0][0]):
        problems.append(f"the package's version {version} is behind the newest release {releases[0][0]}")

    section, entries = None, 0
    for line in [*lines, "## (end)"]:
        if line.startswith(("## ", "### ")) and section is not None and entries == 0:
            problems.append(f"no entries under {section!r}")
        if line.startswith("### "):
            section, entries = line, 0
            if not re.fullmatch(rf"### ({'|'.join(SECTION_KINDS)})( \(.+\))?", line):
                problems.append(f"not one of Keep a Changelog's kinds of change: {line!r}")
        elif line.startswith("## "):
            section = None
        elif line.startswith("- "):
            entries += 1
    for (release, _), body in zip(releases, text.split("\n## [")[2:]):
        if "\n### " not in body:
            problems.append(f"release {release} lists no changes")

    definitions = [index for index, line in enumerate(lines) if re.match(r"\[[^\]]+\]: ", line)]
    if not definitions or any(line.strip() and index not in definitions
                              for index, line in enumerate(lines) if index > definitions[0]):
        problems.append("the links are not the last lines")
    links = dict(line.split(": ", 1) for line in lines if re.match(r"\[[^\]]+\]: ", line))
    versions = [release for release, _ in releases]
    expected = {"[Unreleased]": f"{repository}/compare/v{versions[0]}...HEAD" if versions
                else f"{repository}/commits/main"}
    for newer, older in zip(versions, [*versions[1:], None]):
        expected[f"[{newer}]"] = (f"{repository}/compare/v{older}...v{newer}" if older
                                  else f"{repository}/releases/tag/v{newer}")
    if links != expected:
        problems.append(f"the links are {links}, not {expected}")
    return problems


def test_the_changelog_keeps_a_changelog_form():
    assert changelog_problems(CHANGELOG.read_text(encoding="utf-8"), __version__, REPOSITORY) == []


REPO = "https://github.com/bpcheck/bpcheck"
TWO_RELEASES = f"""# Changelog

Intro.

## [Unreleased]

### Added (issue 21)
- c.

## [0.2.0] - 2027-01-10

### Fixed
- b.

## [0.1.0] - 2026-12-05

### Added
- a.

[Unreleased]: {REPO}/compare/v0.2.0...HEAD
[0.2.0]: {REPO}/compare/v0.1.0...v0.2.0
[0.1.0]: {REPO}/releases/tag/v0.1.0
"""


@pytest.mark.parametrize(("broken", "problem"), [
    (TWO_RELEASES, None),
    (TWO_RELEASES.replace("### Added (issue 21)\n- c.\n", ""), None),  # a release has just emptied it
    (TWO_RELEASES.replace("## [Unreleased]\n", "## Unreleased\n"), "is not '## [Unreleased]'"),
    (TWO_RELEASES.replace("[0.2.0] - 2027-01-10", "[0.2.0] 2027-01-10"), "not '## [X.Y.Z] - YYYY-MM-DD'"),
    (TWO_RELEASES.replace("2027-01-10", "2027-13-10"), "not a date"),
    (TWO_RELEASES.replace("[0.1.0] - 2026-12-05", "[0.3.0] - 2026-12-05"), "releases not newest first"),
    (TWO_RELEASES.replace("2026-12-05", "2027-02-01"), "releases not newest first"),
    (TWO_RELEASES.replace("### Fixed", "### Bugs"), "not one of Keep a Changelog's kinds"),
    (TWO_RELEASES.replace("### Fixed\n- b.\n", "### Fixed\n"), "no entries under '### Fixed'"),
    (TWO_RELEASES.replace("### Fixed\n- b.\n", ""), "release 0.2.0 lists no changes"),
    (TWO_RELEASES.replace("compare/v0.2.0...HEAD", "compare/v0.1.0...HEAD"), "the links are"),
    (TWO_RELEASES.replace("[0.1.0]: ", "[0.0.9]: "), "the links are"),
    (TWO_RELEASES + "\nMore text.\n", "the links are not the last lines"),
])
def test_the_changelog_rules_catch_each_break(broken, problem):
    problems = changelog_problems(broken, "0.2.0", REPO)
    assert (problems == []) if problem is None else any(problem in each for each in problems), problems


def test_the_package_version_is_never_behind_the_newest_release():
    assert changelog_problems(TWO_RELEASES, "0.3.0", REPO) == []  # bumped, being released
    assert any("is behind the newest release" in each for each in changelog_problems(TWO_RELEASES, "0.1.0", REPO))


# ---------------------------------------------------------------- the long description


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.targets += [value or "" for name, value in attrs if name in ("href", "src")]


def description_problems(markdown: str, tree: Path) -> list[str]:
    """Rendered as PyPI renders it (readme_renderer, GitHub-flavoured), each link and picture of the
    description must be absolute or a heading's anchor on the page, and one into this repository at this
    release's tag must name a file of ``tree`` (a picture at its raw file, which shows; another file at its
    page)."""
    import readme_renderer.markdown

    html = readme_renderer.markdown.render(markdown)
    assert html, "the description does not render"
    parser = Links()
    parser.feed(html)
    raw = REPOSITORY.replace("https://github.com/", "https://raw.githubusercontent.com/") + f"/{TAG}/"
    page = f"{REPOSITORY}/blob/{TAG}/"
    problems = [f"not absolute: {target}" for target in parser.targets
                if not target.startswith("https://") and not target.startswith("#")]
    problems += [f"no such heading: {target}" for target in parser.targets
                 if target.startswith("#") and f' id="{target[1:]}"' not in html]
    for target in parser.targets:
        if target.startswith((raw, page)):
            path = target.removeprefix(raw).removeprefix(page).split("#", 1)[0]
            if not (tree / path).exists():
                problems.append(f"no such file at the tag: {target}")
    return problems


def test_the_readme_renders_on_pypi_with_every_link_absolute_at_the_release_tag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert description_problems(hatch_build().absolute_links(readme, REPOSITORY, TAG), ROOT) == []


def test_the_description_check_finds_relative_links_missing_files_and_anchors():
    page = f"{REPOSITORY}/blob/{TAG}"
    markdown = f"# Set-up\n\n![a](docs/a.svg) [b]({page}/docs/missing.html) [c](#set-up) [d](#nowhere)\n"
    assert description_problems(markdown, ROOT) == [
        "not absolute: docs/a.svg", "no such heading: #user-content-nowhere",
        f"no such file at the tag: {page}/docs/missing.html"]


def test_relative_links_are_made_absolute_and_code_is_left_alone():
    markdown = """\
A picture ![network](docs/a.svg), a page [key](./docs/key.html "the key"), a folder [course](examples/course/),
a section [set-up](#set-up), kept: [site](https://example.org/x), [mail](mailto:a@example.org), `[c](d)`.

[ref]: docs/b.PNG
<img src="docs/c.svg" alt="c"> <a href="https://example.org">x</a>

````sh
[fenced](kept) ``` still fenced
````
~~~
[also](kept)
~~~
``` unclosed
[to the](end)
"""
    raw, page = "https://raw.githubusercontent.com/o/r/v1.2.3", "https://github.com/o/r/blob/v1.2.3"
    made_absolute = {"](docs/a.svg)": f"]({raw}/docs/a.svg)",  # a picture: its raw file, which shows
                     '](./docs/key.html "the key")': f']({page}/docs/key.html "the key")',  # a file: its page
                     "](examples/course/)": f"]({page}/examples/course/)",
                     "[ref]: docs/b.PNG": f"[ref]: {raw}/docs/b.PNG",
                     'src="docs/c.svg"': f'src="{raw}/docs/c.svg"'}
    expected = markdown
    for relative, absolute in made_absolute.items():
        assert markdown.count(relative) == 1
        expected = expected.replace(relative, absolute)
    assert hatch_build().absolute_links(markdown, "https://github.com/o/r", "v1.2.3") == expected


# ---------------------------------------------------------------- built, checked, installed, run (slow)


def export_tree(dest: Path) -> Path:
    """The files hatch puts in the sdist, as a clean checkout has them: what git tracks or would add
    (not ignored), as they are in the working tree; without git (a tree unpacked from the sdist), a copy."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, timeout=60) if shutil.which("git") else None
    if listed is None or listed.returncode != 0 or not (ROOT / ".git").exists():
        copy_repository(dest)
        (dest / "PKG-INFO").unlink(missing_ok=True)  # hatch writes its own
        return dest
    for name in filter(None, listed.stdout.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # not a file deleted in the working tree
            (dest / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / os.fsdecode(name))
    return dest


def files_of(tree: Path) -> dict[str, bytes]:
    return {path.relative_to(tree).as_posix(): path.read_bytes() for path in tree.rglob("*") if path.is_file()}


def wheel_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as wheel:
        return {name: wheel.read(name) for name in wheel.namelist()}


def sdist_files(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as sdist:
        members = [member for member in sdist.getmembers() if member.isfile()]
        assert all(member.name.startswith(f"bpcheck-{__version__}/") for member in members)
        return {member.name.split("/", 1)[1]: sdist.extractfile(member).read() for member in members}


def python3_first_on_path(bin_dir: Path) -> dict[str, str]:
    """The environment of a fresh shell whose `python3` is the Python running the tests (which has build,
    twine and pip), as setup-python's is on GitHub's runner."""
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python3").chmod(0o755)
    return clean_environment(bin_dir)


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt" or shutil.which("bash") is None, reason="the workflow's steps are bash")
def test_the_distributions_build_pass_twine_and_run_from_a_fresh_venv_without_the_index(tmp_path):
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def timed(what: str, result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
        nonlocal clock
        timings[what], clock = time.monotonic() - clock, time.monotonic()
        return result

    source = export_tree(tmp_path / "source")
    env = python3_first_on_path(tmp_path / "bin")
    build_job = release_workflow()["jobs"]["build"]

    # The workflow's build and twine steps, as written: the sdist, then the wheel built from it.
    built = timed("python3 -m build", bash(step(build_job, "Build the sdist, and the wheel from it")["run"],
                                           source, env))
    skip_if_offline(built, "python3 -m build: hatchling from the package index")
    assert built.returncode == 0, tail(built)
    assert sorted(path.name for path in (source / "dist").iterdir()) == [WHEEL, SDIST]
    checked = timed("twine check --strict", bash(step(build_job, "Check the metadata and the description PyPI "
                                                                 "shows")["run"], source, env))
    assert checked.returncode == 0 and checked.stdout.count("PASSED") == 2, tail(checked)
    assert "WARNING" not in checked.stdout + checked.stderr, tail(checked)

    # The sdist is the tree (so that the tests run from it); the wheel, the package and its exercises.
    tree = files_of(source)
    del tree[f"dist/{SDIST}"], tree[f"dist/{WHEEL}"]
    sdist = sdist_files(source / "dist" / SDIST)
    assert sorted(sdist) == sorted([*tree, "PKG-INFO"])
    assert all(sdist[name] == content for name, content in tree.items())
    wheel = wheel_files(source / "dist" / WHEEL)
    info = f"bpcheck-{__version__}.dist-info/"
    package = {name: content for name, content in tree.items()
               if name.startswith("bpcheck/") and "__pycache__" not in name}
    exercises = {f"bpcheck/{name}": content for name, content in tree.items() if name.startswith("exercises/")}
    assert len(exercises) >= 8 and "bpcheck/exercises/ex1.yaml" in exercises
    assert sorted(wheel) == sorted([*package, *exercises, *(info + name for name in (
        "METADATA", "WHEEL", "entry_points.txt", "licenses/LICENSE", "RECORD"))])
    assert all(wheel[name] == content for name, content in {**package, **exercises}.items())
    assert wheel[info + "licenses/LICENSE"] == tree["LICENSE"]

    metadata = email.parser.Parser().parsestr(wheel[info + "METADATA"].decode("utf-8"))
    assert (metadata["Name"], metadata["Version"], metadata["License-Expression"]) == ("bpcheck", __version__, "MIT")
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = metadata.get_payload()
    assert description.rstrip("\n") == hatch_build().absolute_links(
        tree["README.md"].decode("utf-8"), REPOSITORY, TAG).rstrip("\n")
    assert description_problems(description, source) == []

    # The tree builds the very wheel the sdist built.
    from_tree = timed("python3 -m build --wheel (from the tree)", subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "from-tree"), str(source)],
        env=env, capture_output=True, text=True, timeout=TIMEOUT))
    assert from_tree.returncode == 0, tail(from_tree)
    assert wheel_files(tmp_path / "from-tree" / WHEEL) == wheel

    # The wheel's dependencies, and nothing else, from the package index (pip's own settings).
    fetched = timed("pip download (click, rich, pyyaml)", subprocess.run(
        [sys.executable, "-m", "pip", "download", "--dest", str(tmp_path / "wheelhouse"), "--timeout", "30",
         str(source / "dist" / WHEEL)], env=env, capture_output=True, text=True, timeout=TIMEOUT))
    skip_if_offline(fetched, "pip download of the wheel's dependencies")
    assert fetched.returncode == 0, tail(fetched)

    # The workflow's install step, as written, in a venv without pip, with no index: the wheel alone.
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    offline = dict(env, RUNNER_TEMP=str(runner_temp), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path / "wheelhouse"))
    ran = timed("fresh venv, install, run", bash(step(build_job, INSTALL_AND_RUN)["run"], source, offline))
    assert ran.returncode == 0 and not OFFLINE.search(ran.stdout + ran.stderr), tail(ran)
    expected = subprocess.run([sys.executable, "-m", "bpcheck", "solve", "ex1"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT)
    assert expected.returncode == 0 and "0.6903" in expected.stdout, tail(expected)  # y5, the tutorial's
    assert ran.stdout.endswith(f"bpcheck, version {__version__}\n{expected.stdout}"), tail(ran)

    venv_python = runner_temp / "bpcheck" / "bin" / "python"
    assert subprocess.run([str(venv_python), "-m", "pip", "--version"], capture_output=True, env=env).returncode != 0
    where = subprocess.run([str(venv_python), "-c", "import bpcheck, click, rich, yaml, importlib.metadata as m; "
                            "print(m.version('bpcheck')); print(bpcheck.__file__); print(yaml.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    version, *files = where.stdout.splitlines()
    assert version == __version__ and all(Path(file).is_relative_to(runner_temp / "bpcheck") for file in files), \
        tail(where)

    timings["total"] = sum(timings.values())
    print("\n" + "\n".join(f"  {what}: {seconds:.1f}s" for what, seconds in timings.items()))
