"""Feedback levels: what a student may read of a grade before the deadline. Pure.

- ``full``: every verdict with the expected value, its range and a note (self-study; after the deadline);
- ``hint``: verdicts, the named mistake, and the formula to check (with the student's own numbers),
  but no expected value, range or anything else from which one can be read;
- ``verdict``: one verdict per quantity, nothing else;
- ``score``: the total only.

The course's own files (the CSV) always hold the full verdicts.
"""

from __future__ import annotations

LEVELS = ("full", "hint", "verdict", "score")


def checked_level(level: str) -> str:
    """``level`` if it is one of LEVELS; else BpcheckError, saying which there are."""
    if level not in LEVELS:
        from .errors import BpcheckError
        from .safetext import shown

        raise BpcheckError(f"unknown feedback level {shown(level)}", hint=f"use one of {', '.join(LEVELS)}")
    return level


# The fields of each result a level shows, in the order JSON writes them.
_RESULT_FIELDS = {
    "full": ("name", "verdict", "given", "expected", "misconception", "message", "hint", "line", "points",
             "follows_from"),
    "hint": ("name", "verdict", "given", "misconception", "hint", "line", "points", "follows_from"),
    "verdict": ("name", "verdict", "line", "points"),
    "score": (),
}


def result_fields(level: str) -> tuple[str, ...]:
    """The fields of a result shown at ``level`` (none at ``score``: the total only)."""
    return _RESULT_FIELDS[level]


def shows_results(level: str) -> bool:
    return level != "score"


def shows_notes(level: str) -> bool:
    """Named mistakes and hints (or, at full, the notes with expected values)."""
    return level in ("full", "hint")


def note(result, level: str) -> str:
    """A result's note as the level shows it: the full message, the hint, or nothing."""
    return {"full": result.message, "hint": result.hint}.get(level, "")
