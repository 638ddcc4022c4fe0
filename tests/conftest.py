"""Hypothesis profiles: `dev` (the default, quick) and `ci` (when CI is set: many cases, reproducible)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_RELAXED = [check for check in HealthCheck
            if check.name in ("too_slow", "filter_too_much", "data_too_large", "large_base_example")]
_PHASES = [phase for phase in Phase if phase.name != "explain"]  # explaining a failure can take minutes

# Tests that name their own max_examples keep it; tests/test_fuzz.py scales its cases from this one.
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_RELAXED, phases=_PHASES)
settings.register_profile("ci", max_examples=1000, deadline=None, suppress_health_check=_RELAXED, phases=_PHASES,
                          derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
