"""The checks CI runs beside the tests: ruff (rules in pyproject.toml) and mypy on the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean():
    result = run("ruff", "check", "bpcheck", "tests", "benchmarks", "hatch_build.py")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(sys.version_info < (3, 10), reason="mypy checks with Python 3.10 or newer (the test extra)")
def test_mypy_is_clean():
    if shutil.which("mypy") is None and run("mypy", "--version").returncode != 0:
        pytest.fail("mypy is not installed: see README, Set-up on a fresh machine")
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
