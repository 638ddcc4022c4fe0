"""The README's two set-up commands work as written on a Python that refuses `pip install` (PEP 668,
"externally-managed-environment", as the python3 of Debian 12, Ubuntu 23.04+, Homebrew and Arch does).

No Debian is needed: the test builds a stand-in of the Python running it, outside any virtual environment
(a venv is never externally managed, and a venv's stdlib is its base's, so the marker cannot go there),
and makes it externally managed:

    tmp/em-python/bin/python3.X    a copy of the base interpreter's executable
    tmp/em-python/lib/python3.X/   a symlink to every entry of the real stdlib, except
        site-packages/             ... a real, empty one (pip goes here, by ensurepip), and
        EXTERNALLY-MANAGED         ... the PEP 668 marker, which only this stand-in sees

puts its bin/ first on PATH, checks that a plain `python3 -m pip install .` is refused (the simulation is
real), then runs the README's commands, exactly as written, in a fresh copy of the repository: first the
main job, then the test command in the same copy (so the second runs over an existing .venv: a re-run).

The nested test run is kept short with PYTEST_ADDOPTS (which adds a path to the command line, so pytest
runs those tests instead of the testpaths): the command itself is run verbatim; what this test checks is
the install, not the suite a second time.

Slow (about a minute: a venv, downloads from the package index, an editable build): runs with CI set.
Skipped, with the reason, on Windows, without network to the package index, or where the running Python
cannot be stood in for (no ensurepip, a framework build, a stdlib laid out otherwise)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Set-up on a fresh machine"
NESTED = "BPCHECK_IN_SETUP_COMMANDS_TEST"  # set for the nested run, so that this test never runs itself
NESTED_TESTS = "tests/test_solver_tutorial.py"  # what the nested `pytest` runs: quick, and stable
TIMEOUT = 900  # seconds, for one command

# Left out of the copy at the top of the repository (a fresh clone has none of them).
NOT_COPIED = {".git", ".venv", "venv", ".tox", ".nox", "build", "dist", ".pytest_cache", ".mypy_cache",
              ".ruff_cache", ".hypothesis", ".benchmarks"}

# What pip prints when the package index cannot be reached: such a failure is a skip, not a failure.
OFFLINE = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|"
    r"Name or service not known|nodename nor servname|Network is unreachable|No route to host|"
    r"ConnectTimeoutError|ReadTimeoutError|Connection refused|ProxyError|CERTIFICATE_VERIFY_FAILED")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name == "nt", reason="the README's set-up commands are POSIX sh"),
    pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside the set-up commands test"),
]


def readme_setup_commands() -> tuple[str, str]:
    """The first two ```sh blocks under the README's set-up heading: (main job, tests)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n{SECTION}\n" in readme, f"README.md has no {SECTION!r} section"
    section = readme.split(f"\n{SECTION}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)\n```$", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 2, f"expected two ```sh blocks under {SECTION!r}, found {len(blocks)}"
    run, test = (block.strip() for block in blocks[:2])
    assert "\n" not in run and "\n" not in test, "each set-up command is one line"
    return run, test


def copy_repository(dest: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder).resolve() == ROOT
        return {name for name in names
                if name == "__pycache__" or name.endswith(".egg-info") or (top and name in NOT_COPIED)}

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


def base_interpreter() -> Path:
    """The executable of the Python installation the running one is (or whose venv it is)."""
    for candidate in (getattr(sys, "_base_executable", None), sys.executable):
        if candidate and Path(candidate).exists():
            path = Path(os.path.realpath(candidate))
            if Path(sys.base_prefix).resolve() in path.parents:
                return path
    pytest.skip(f"cannot find the executable of the base Python at {sys.base_prefix}")


def externally_managed_python(root: Path) -> Path:
    """A stand-in of the base Python at ``root``, with pip, whose pip refuses to install (PEP 668); or,
    when the base Python is externally managed already, that Python itself.
    Returns a bin/ folder that holds `python3`."""
    base = Path(sys.base_prefix).resolve()
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix})).resolve()
    purelib = Path(sysconfig.get_path("purelib", vars={"base": sys.base_prefix})).resolve()
    if base not in stdlib.parents or purelib.parent != stdlib:
        pytest.skip(f"this Python's layout is not <prefix>/lib/pythonX.Y/site-packages: {stdlib}, {purelib}")
    executable = base_interpreter()
    if (stdlib / "EXTERNALLY-MANAGED").is_file():  # the real thing (Debian's python3 with python3-pip, say)
        bin_dir = root / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "python3").symlink_to(executable)
        has_pip = subprocess.run([str(bin_dir / "python3"), "-m", "pip", "--version"], capture_output=True,
                                 env=clean_environment(bin_dir), timeout=60)
        if has_pip.returncode != 0:
            pytest.skip(f"{executable} is externally managed but has no pip (Debian: apt install python3-pip)")
        return bin_dir

    stand_in_stdlib = root / stdlib.relative_to(base)
    stand_in_stdlib.mkdir(parents=True)
    for entry in stdlib.iterdir():  # the stdlib, by symlinks; never site-packages nor a marker of its own
        if entry.name not in (purelib.name, "EXTERNALLY-MANAGED"):
            (stand_in_stdlib / entry.name).symlink_to(entry)
    (stand_in_stdlib / purelib.name).mkdir()
    for entry in (base / "lib").iterdir():  # libpythonX.Y.so, for an executable linked to $ORIGIN/../lib
        if not (root / "lib" / entry.name).exists():
            (root / "lib" / entry.name).symlink_to(entry)
    if (base / "include").is_dir():
        (root / "include").symlink_to(base / "include")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shutil.copy2(executable, bin_dir / executable.name)
    (bin_dir / "python3").symlink_to(executable.name)
    python3 = bin_dir / "python3"

    probe = subprocess.run([str(python3), "-c", "import sys, sysconfig; print(sys.prefix == sys.base_prefix, "
                            "sys.prefix, sysconfig.get_path('stdlib'), sep='\\n')"],
                           capture_output=True, text=True, env=clean_environment(bin_dir), timeout=60)
    lines = probe.stdout.splitlines()
    if probe.returncode != 0 or lines[:2] != ["True", str(root)] or Path(lines[2]) != stand_in_stdlib:
        pytest.skip(f"a copy of {executable} does not run as a Python of its own here: {probe.stdout}{probe.stderr}")
    ensurepip = subprocess.run([str(python3), "-m", "ensurepip", "--default-pip"], capture_output=True,
                               text=True, env=clean_environment(bin_dir), timeout=300)
    if ensurepip.returncode != 0:
        pytest.skip(f"this Python cannot install pip by ensurepip: {' | '.join(tail(ensurepip, 3).splitlines())}")

    # Written last: ensurepip runs pip install, which the marker would refuse.
    (stand_in_stdlib / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=This Python is externally managed (simulated by tests/test_setup_commands.py).\n",
        encoding="utf-8")
    return bin_dir


def clean_environment(bin_dir: Path) -> dict[str, str]:
    """The environment of a fresh shell whose `python3` is the stand-in: no venv active, no Python path,
    no pip setting that would install elsewhere or break through the marker; the CI speed off, so the
    nested pytest runs the quick profile."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONUSERBASE", "PYTHONSTARTUP",
                           "PYTEST_ADDOPTS", "CI", "__PYVENV_LAUNCHER__")
           and not name.startswith(("PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT", "PIP_REQUIRE_VIRTUALENV",
                                    "CONDA_"))}
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", os.defpath)])
    env["PIP_BREAK_SYSTEM_PACKAGES"] = "0"  # overrides a pip.conf that would let installs through
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def sh(command: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    result = subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    return result, time.monotonic() - start


def skip_if_offline(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0 and OFFLINE.search(result.stdout + result.stderr):
        found = OFFLINE.search(result.stdout + result.stderr)
        pytest.skip(f"no network to the package index ({what}: {found.group(0) if found else ''})")


def tail(result: subprocess.CompletedProcess, lines: int = 40) -> str:
    text = (result.stdout + "\n" + result.stderr).strip().splitlines()
    return "\n".join(text[-lines:])


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh to run the README's commands with")
def test_the_readme_set_up_commands_work_on_an_externally_managed_python(tmp_path):
    run_command, test_command = readme_setup_commands()
    timings: dict[str, float] = {}
    start = time.monotonic()
    bin_dir = externally_managed_python(tmp_path / "em-python")
    timings["externally managed python3, with pip"] = time.monotonic() - start
    env = clean_environment(bin_dir)
    repo = copy_repository(tmp_path / "bpcheck")

    # The simulation is real: the stand-in is the python3 on PATH, and its pip refuses a plain install.
    which, _ = sh("command -v python3", repo, env)
    assert which.stdout.strip() == str(bin_dir / "python3"), which.stdout
    refused, timings["plain pip install (refused)"] = sh("python3 -m pip install .", repo, env)
    assert refused.returncode != 0, tail(refused)
    assert "externally-managed-environment" in refused.stdout + refused.stderr, tail(refused)

    # Network: one package the build needs, through the stand-in's pip and the machine's pip settings.
    probe, timings["network probe"] = sh(
        f"python3 -m pip download --no-deps --no-cache-dir --timeout 15 --retries 1 -d '{tmp_path / 'probe'}' "
        "hatchling", repo, env)
    if probe.returncode != 0:
        pytest.skip(f"no network to the package index (pip download hatchling: {' | '.join(tail(probe, 3).splitlines())})")

    ran, timings["README main job"] = sh(run_command, repo, env)
    skip_if_offline(ran, "the main job's install")
    assert ran.returncode == 0, f"$ {run_command}\n{tail(ran)}"
    assert ran.stdout.strip(), f"$ {run_command} printed nothing"

    # The test command, in the same copy: over the .venv the main job made (a re-run).
    nested = dict(env, **{NESTED: "1", "PYTEST_ADDOPTS": f"-q -p no:cacheprovider {NESTED_TESTS}"})
    tested, timings["README test command"] = sh(test_command, repo, nested)
    skip_if_offline(tested, "the test command's install")
    assert tested.returncode == 0, f"$ {test_command}\n{tail(tested)}"
    assert re.search(r"\b\d+ passed\b", tested.stdout), tail(tested)

    # Nothing went into the stand-in itself (no --break-system-packages). (A real externally managed
    # Python is not looked at: it may hold anything.)
    for site_packages in bin_dir.parent.glob("lib/python3*/site-packages"):
        assert not list(site_packages.glob("bpcheck*")), sorted(p.name for p in site_packages.iterdir())

    timings["total"] = time.monotonic() - start
    print("\n" + "\n".join(f"  {what}: {seconds:.1f}s" for what, seconds in timings.items()))
