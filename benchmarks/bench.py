"""Benchmarks for bpcheck, measured (not asserted): start-up and batch grading.

    python benchmarks/bench.py            # both, with the ratios the issues ask about
    python benchmarks/bench.py startup    # `bpcheck solve ex1` vs importing click, yaml and rich
    python benchmarks/bench.py batch      # grading 1,000 answers files vs PyYAML's C loader parsing them

Each figure is the median of several runs of a fresh process (what a user waits for).
Run it against an installed bpcheck (`pip install .`) so that bytecode is compiled, as for users.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
BASELINE = [PYTHON, "-c", "import click, yaml, rich.console, rich.table"]


def bpcheck_command(*args: str) -> list[str]:
    script = shutil.which("bpcheck")
    return [script, *args] if script else [PYTHON, "-m", "bpcheck", *args]


def wall_time(command: list[str], runs: int, cwd: str | None = None) -> float:
    """Median wall time of ``runs`` fresh processes, after one warm-up run."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(runs: int = 21) -> None:
    base = wall_time(BASELINE, runs)
    solve = wall_time(bpcheck_command("solve", "ex1"), runs)
    answers = Path(tempfile.mkdtemp()) / "answers.yaml"
    answers.write_text(answers_text(random.Random(0)), encoding="utf-8")
    grade = wall_time(bpcheck_command("grade", str(answers)), runs)
    print(f"import click, yaml, rich.console, rich.table: {base * 1000:7.1f} ms")
    print(f"bpcheck solve ex1:                          {solve * 1000:7.1f} ms  ratio {solve / base:.2f}")
    print(f"bpcheck grade answers.yaml (one file):      {grade * 1000:7.1f} ms  ratio {grade / base:.2f}"
          f"  ({grade / solve:.2f} x solve)")


def answers_text(rng: random.Random) -> str:
    """A plausible student's answers to ex1: mostly right, some slips."""
    from bpcheck import load_exercise, solve

    solution = solve(load_exercise("ex1"))
    lines = ["exercise: ex1", "answers:"]
    for name in solution.asked:
        value = solution.values[name]
        if rng.random() < 0.15:
            value *= rng.choice([-1, 1.05, 0.5])
        lines.append(f"  {name}: {value:.4g}")
    return "\n".join(lines) + "\n"


def batch(count: int = 1000, runs: int = 5) -> None:
    folder = Path(tempfile.mkdtemp())
    rng = random.Random(1)
    for index in range(count):
        (folder / f"student{index:04d}.yaml").write_text(answers_text(rng), encoding="utf-8")
    parse_only = [PYTHON, "-c",
                  "import sys, yaml, pathlib\n"
                  "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
                  "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)", str(folder)]
    one = folder / "student0000.yaml"
    parse = wall_time(parse_only, runs)
    python_start = wall_time([PYTHON, "-c", "pass"], runs * 3)
    start_up = wall_time(bpcheck_command("grade", str(one)), runs * 3)  # bpcheck's own start-up, one file
    grade = wall_time(bpcheck_command("grade", str(folder)), runs)
    json_grade = wall_time(bpcheck_command("grade", str(folder), "--format", "json"), runs)
    parse_work = parse - python_start
    grade_work = grade - start_up
    print(f"{count} answers files")
    print(f"PyYAML CSafeLoader, parse only:     {parse * 1000:7.1f} ms  ({parse_work * 1000:.1f} ms of parsing)")
    print(f"bpcheck grade ONE_FILE (start-up):  {start_up * 1000:7.1f} ms")
    print(f"bpcheck grade FOLDER (text):        {grade * 1000:7.1f} ms  ({grade_work * 1000:.1f} ms past start-up)")
    print(f"bpcheck grade FOLDER (json):        {json_grade * 1000:7.1f} ms")
    print(f"grading work / parsing work:        {grade_work / parse_work:.2f}  (at most 2 is the goal)")
    print(f"grade / (2 x parsing + start-up):   {grade / (2 * parse_work + start_up):.2f}  (at most 1 is the goal)")


if __name__ == "__main__":
    which = sys.argv[1:] or ["startup", "batch"]
    if "startup" in which:
        startup()
    if "batch" in which:
        batch()
