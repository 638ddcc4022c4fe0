"""The `cli` fixture, and the suite's two speeds. `dev` (the default): Hypothesis draws a few dozen cases a property and tests
marked `slow` are skipped, so the edit-test loop stays short. `ci` (when CI is set, as in `.ci/run`):
a thousand cases a property, reproducibly, and every test."""

from __future__ import annotations

import importlib.metadata
import os

import pytest
from helpers import Cli
from hypothesis import HealthCheck, Phase, settings

THOROUGH = bool(os.environ.get("CI"))

_RELAXED = [check for check in HealthCheck
            if check.name in ("too_slow", "filter_too_much", "data_too_large", "large_base_example")]
_PHASES = [phase for phase in Phase if phase.name != "explain"]  # explaining a failure can take minutes

# Tests that name their own max_examples keep it; tests/test_fuzz.py scales its cases from this one.
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_RELAXED, phases=_PHASES)
settings.register_profile("ci", max_examples=1000, deadline=None, suppress_health_check=_RELAXED, phases=_PHASES,
                          derandomize=True, print_blob=True)
settings.load_profile("ci" if THOROUGH else "dev")


def pytest_collection_modifyitems(config, items):
    if THOROUGH:
        return
    skip = pytest.mark.skip(reason="slow: runs in CI, or locally with CI=true python3 -m pytest")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

# The CLI tests read result.stdout and result.stderr apart: click 8.2 and later (the test extra pins it).
_CLICK = tuple(int(part) for part in importlib.metadata.version("click").split(".")[:2])
assert _CLICK >= (8, 2), "the tests need click 8.2 or later: see README, Set-up on a fresh machine"


@pytest.fixture(scope="session")
def cli() -> Cli:
    """bpcheck's command line under the house environment (helpers.Cli): ``cli("solve", "ex1")``,
    ``cli("grade", path, input=..., env={...}, cwd=...)``, ``cli.process(...)`` for a real process. A file
    whose every test needs another environment overrides it: ``def cli(cli): return cli.with_env(...)``."""
    return Cli()
