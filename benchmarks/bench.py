"""Benchmarks for bpcheck, measured (not asserted): start-up, batch grading and the worst cases.

    python benchmarks/bench.py              # all three, with the ratios and budgets the issues ask about
    python benchmarks/bench.py startup      # `bpcheck solve ex1` and one-file `grade --format json`
    python benchmarks/bench.py batch        # grading 1,000 answers files vs PyYAML's C loader parsing them
    python benchmarks/bench.py worst        # slipped answers on the widest and deepest exercises allowed
    python benchmarks/bench.py train        # `train ex1 --iterations 10000` vs a plain Python loop

Each start-up figure is the median of many runs of a fresh process (what a user waits for), the runs of
the commands compared taken in turn, since these machines are noisy. Run it against an installed
bpcheck (`pip install .`) so that bytecode is compiled, as for users; with PYTHONDONTWRITEBYTECODE set
nothing is compiled and every run pays for it.

Budgets (a figure over budget is marked OVER):
- one-file `bpcheck grade answers.yaml --format json` at most 1.2 x `python -c "import click, yaml"`;
- `bpcheck grade` of 1,000 files, 20% of values slipped, CSV written: grading work at most 2 x the
  parsing work of PyYAML's C loader on the same files;
- `train ex1 --iterations 10000` at most 3 x a plain Python loop doing the same arithmetic
  (benchmarks/plain_loop.py), in process and as whole commands; and linear in the iterations.
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
BARE = [PYTHON, "-c", "import click, yaml"]
STARTUP_BUDGET = 1.2
BATCH_BUDGET = 2.0
TRAIN_BUDGET = 3.0


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


def alternated(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, their runs taken in turn so that load hits all alike."""
    for command in commands.values():
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def verdict(ratio: float, budget: float) -> str:
    return f"(budget {budget:g}: {'ok' if ratio <= budget else 'OVER'})"


def startup(runs: int = 41) -> None:
    answers = Path(tempfile.mkdtemp()) / "answers.yaml"
    answers.write_text(answers_text(random.Random(0)), encoding="utf-8")
    times = alternated({"rich": BASELINE, "bare": BARE, "solve": bpcheck_command("solve", "ex1"),
                        "grade": bpcheck_command("grade", str(answers)),
                        "json": bpcheck_command("grade", str(answers), "--format", "json")}, runs)
    base, bare, solve, grade, json_ = (times[key] for key in ("rich", "bare", "solve", "grade", "json"))
    print(f"import click, yaml, rich.console, rich.table: {base * 1000:7.1f} ms")
    print(f"import click, yaml:                         {bare * 1000:7.1f} ms")
    print(f"bpcheck solve ex1:                          {solve * 1000:7.1f} ms  ratio {solve / base:.2f}")
    print(f"bpcheck grade answers.yaml (one file):      {grade * 1000:7.1f} ms  ratio {grade / base:.2f}"
          f"  ({grade / solve:.2f} x solve)")
    print(f"bpcheck grade answers.yaml --format json:   {json_ * 1000:7.1f} ms  "
          f"{json_ / bare:.2f} x import click, yaml {verdict(json_ / bare, STARTUP_BUDGET)}")


def answers_text(rng: random.Random, slipped: float = 0.15) -> str:
    """A plausible student's answers to ex1: mostly right, some slips."""
    from bpcheck import load_exercise, solve

    solution = solve(load_exercise("ex1"))
    lines = ["exercise: ex1", "answers:"]
    for name in solution.asked:
        value = solution.values[name]
        if rng.random() < slipped:
            value *= rng.choice([-1, 1.05, 0.5])
        lines.append(f"  {name}: {value:.4g}")
    return "\n".join(lines) + "\n"


def batch(count: int = 1000, runs: int = 5) -> None:
    folder = Path(tempfile.mkdtemp())
    rng = random.Random(1)
    for index in range(count):
        (folder / f"student{index:04d}.yaml").write_text(answers_text(rng, slipped=0.2), encoding="utf-8")
    marks = folder.parent / f"{folder.name}-marks.csv"
    parse_only = [PYTHON, "-c",
                  "import sys, yaml, pathlib\n"
                  "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
                  "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)", str(folder)]
    one = folder / "student0000.yaml"
    parse = wall_time(parse_only, runs)
    python_start = wall_time([PYTHON, "-c", "pass"], runs * 3)
    start_up = wall_time(bpcheck_command("grade", str(one)), runs * 3)  # bpcheck's own start-up, one file
    grade = wall_time(bpcheck_command("grade", str(folder), "--csv", str(marks)), runs)
    json_grade = wall_time(bpcheck_command("grade", str(folder), "--format", "json"), runs)
    parse_work = parse - python_start
    grade_work = grade - start_up
    print(f"{count} answers files, 20% of the values slipped")
    print(f"PyYAML CSafeLoader, parse only:     {parse * 1000:7.1f} ms  ({parse_work * 1000:.1f} ms of parsing)")
    print(f"bpcheck grade ONE_FILE (start-up):  {start_up * 1000:7.1f} ms")
    print(f"bpcheck grade FOLDER --csv:         {grade * 1000:7.1f} ms  ({grade_work * 1000:.1f} ms past start-up)")
    print(f"bpcheck grade FOLDER (json):        {json_grade * 1000:7.1f} ms")
    ratio = grade_work / parse_work
    print(f"grading work / parsing work:        {ratio:.2f}  {verdict(ratio, BATCH_BUDGET)}")
    print(f"grade / (2 x parsing + start-up):   {grade / (2 * parse_work + start_up):.2f}  (at most 1 is the goal)")


def worst(runs: int = 3) -> None:
    """Slipped answers on the widest and deepest exercises the format allows, graded in one process:
    the time and its ratio to solving (an exponential search shows as thousands)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_hardening import _slipped, network_yaml

    from bpcheck.grading import grade
    from bpcheck.loading import load_exercise_text
    from bpcheck.solution import solve as solve_exercise

    shapes = {"1-1-22 (a unit feeding 22)": (1, 1, 22), "2-50-50": (2, 50, 50),
              "50-50-50-50-50 (widest)": (50,) * 5, "10 x 100 layers (deepest, wide)": (10,) * 100,
              "1 x 100 layers (deepest chain)": (1,) * 100}
    for label, sizes in shapes.items():
        exercise = load_exercise_text(network_yaml(sizes))
        solving, grading = [], []
        for _ in range(runs):
            start = time.perf_counter()
            solution = solve_exercise(exercise)
            solving.append(time.perf_counter() - start)
            answers = _slipped(solution, random.Random(3))
            start = time.perf_counter()
            grade(solution, answers)
            grading.append(time.perf_counter() - start)
        solve_s, grade_s = statistics.median(solving), statistics.median(grading)
        print(f"{label:32} {len(solution.asked):6} values  solve {solve_s * 1000:8.1f} ms  "
              f"grade {grade_s * 1000:8.1f} ms  ratio {grade_s / solve_s:5.2f}")


def train(runs: int = 5, iterations: int = 10_000) -> None:
    """Training ex1 against benchmarks/plain_loop.py, side by side: in process (the fastest of ``runs``
    each, taken in turn), as whole commands (start-up included), and at 10x the iterations."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plain_loop

    from bpcheck import load_exercise
    from bpcheck.training import train as run_training

    network = load_exercise("ex1").network

    def plain(count: int) -> float:
        weights, biases, examples = plain_loop.tutorial_network()
        start = time.perf_counter()
        plain_loop.train(weights, biases, examples, 1.0, count)
        return time.perf_counter() - start

    def ours(count: int) -> float:
        start = time.perf_counter()
        run_training(network, count)
        return time.perf_counter() - start

    loop_s, train_s = [], []
    for _ in range(runs):
        loop_s.append(plain(iterations))
        train_s.append(ours(iterations))
    ratio = min(train_s) / min(loop_s)
    print(f"in process, {iterations:,} iterations: train {min(train_s) * 1000:.0f} ms, plain loop "
          f"{min(loop_s) * 1000:.0f} ms: ratio {ratio:.2f} {verdict(ratio, TRAIN_BUDGET)}")
    longer = min(ours(iterations * 10) for _ in range(2)) / min(train_s)
    print(f"10x the iterations takes {longer:.1f}x the time (linear: 10)")
    here = str(Path(__file__).resolve().parent)
    script = (f"import sys; sys.path.insert(0, {here!r}); import plain_loop, json; "
              "w, b, e = plain_loop.tutorial_network(); "
              f"print(json.dumps(plain_loop.train(w, b, e, 1.0, {iterations})))")
    times = alternated({"train": bpcheck_command("train", "ex1", "--iterations", str(iterations), "--format", "json"),
                        "loop": [PYTHON, "-c", script]}, runs=max(3, runs))
    ratio = times["train"] / times["loop"]
    print(f"whole commands: `bpcheck train ex1 --iterations {iterations} --format json` {times['train'] * 1000:.0f} "
          f"ms, a plain loop script {times['loop'] * 1000:.0f} ms: ratio {ratio:.2f} {verdict(ratio, TRAIN_BUDGET)}")


if __name__ == "__main__":
    which = sys.argv[1:] or ["startup", "batch", "worst", "train"]
    if "startup" in which:
        startup()
    if "batch" in which:
        batch()
    if "worst" in which:
        worst()
    if "train" in which:
        train()
