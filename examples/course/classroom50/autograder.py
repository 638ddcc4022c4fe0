#!/usr/bin/env python3
"""Classroom 50's autograder for hw1, graded by bpcheck.

Classroom 50's runner runs this file once per submission, in the student's checkout, with the files
beside it (this folder of the classroom50 repository: CLASSROOM/autograders/ASSIGNMENT/) bundled at
Path(__file__).parent. It grades the student's answers/answers.yaml against the course's own copy of
the exercise, exercises/hw1.yaml beside this file (never the student's copy: the student owns their
repository), as the student's own variant (their GitHub user name, from $OWNER or $USERNAME), and
writes ./result.json (classroom50/result/v1: a test per asked quantity, with hints and no expected
values) and ./release-body.md (the same report as Markdown, shown on the submission's Release).

Exit code 0 when it graded, whatever the marks: pass and fail are in result.json, and an answers file
that is missing or cannot be read scores 0 there with the reason. Any other exit code tells the runner
that grading itself broke (bpcheck could not be installed or run, or the runner gave no student), and
it records an error instead of a score.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXERCISE = "exercises/hw1.yaml"  # inside HERE, as in the course's repository
ANSWERS = "answers/answers.yaml"  # inside the student's checkout
FEEDBACK = "hint"  # verdicts, named mistakes and formulas to check; never an expected value
# Pin a tag or a commit for the whole term, so that every submission is graded by the same release:
# "bpcheck @ git+https://github.com/bpcheck/bpcheck@v0.1.0"; once released, "bpcheck==0.1.*".
BPCHECK = "bpcheck @ git+https://github.com/bpcheck/bpcheck"


def main() -> int:
    checkout = Path.cwd()
    result, body = checkout / "result.json", checkout / "release-body.md"
    for stale in (result, body):  # a result.json committed by the student must never stand as the grade
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale)
        elif stale.is_symlink() or stale.exists():
            stale.unlink()
    student = os.environ.get("OWNER", "").strip() or os.environ.get("USERNAME", "").strip()
    if not student:
        print("autograder: neither $OWNER nor $USERNAME is set, so there is no student to grade as", file=sys.stderr)
        return 1
    if importlib.util.find_spec("bpcheck") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", BPCHECK], check=True)
    # From the bundle's folder, so that the exercise is named as the course's repository names it
    # (exercises/hw1.yaml) and an answers file's `exercise: exercises/hw1.yaml` finds the course's copy.
    graded = subprocess.run([sys.executable, "-m", "bpcheck", "grade", str(checkout / ANSWERS),
                             "--exercise", EXERCISE, "--variant", student, "--feedback", FEEDBACK,
                             "--classroom50", str(result), "--classroom50-body", str(body)], cwd=HERE)
    # 0: every value credited; 1: some wrong or missing; 2: the answers file cannot be read. In each
    # case bpcheck has written result.json, with the reason.
    print(f"autograder: bpcheck exited {graded.returncode}")
    if not result.is_file():
        print("autograder: bpcheck wrote no result.json", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
