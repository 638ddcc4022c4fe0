"""Benchmarks for bpcheck, measured (not asserted): start-up, batch grading, the largest networks,
training, and the worst cases of grading. Each prints its ratios beside the budgets issue 18 set.

    python benchmarks/bench.py              # all of them
    python benchmarks/bench.py startup      # `solve ex1` piped and one-file `grade --format json`
    python benchmarks/bench.py batch        # grading 1,000 answers files vs PyYAML's C loader parsing them
    python benchmarks/bench.py large        # 10,000 weights: solve JSON, gradcheck, 100 updates, memory
    python benchmarks/bench.py train        # ex1 and XOR, 10,000 updates, vs a plain Python loop
    python benchmarks/bench.py worst        # slipped answers on the widest and deepest exercises allowed

Each figure is the median of several runs of a fresh process (what a user waits for), the commands
compared taken in turn, since these machines are noisy. Run it against an installed bpcheck (`pip
install .`) so that bytecode is compiled, as for users.

Budgets (a ratio over budget is marked OVER):
- `bpcheck solve ex1` piped (no Rich) at most 1.3 x `python -c "import click, yaml"`; one-file
  `bpcheck grade answers.yaml --format json` at most 1.2 x it;
- grading 1,000 files (20% of the values slipped, `--csv` written) at most 2 x parsing them with
  PyYAML's C loader, for ex1 and for a 4-6-6-3 exercise. Each side's cost per file past its own start:
  (the run on 1,000 files - the same run on one file), so that neither start-up is counted;
- at 10,000 weights: `solve --format json` at most 5 x `solve ex1`; `gradcheck` at most 10 x that solve;
  100 `train` updates at most 3 x a plain Python loop doing the same arithmetic; solve JSON's peak memory at
  most 100 MiB;
- XOR, 10,000 updates: at most 1.5 x a plain Python loop (ex1 is shown beside it).
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
BARE = [PYTHON, "-c", "import click, yaml"]
SOLVE_BUDGET, JSON_BUDGET = 1.3, 1.2
BATCH_BUDGET = 2.0
LARGE_SOLVE_BUDGET, GRADCHECK_BUDGET, LARGE_TRAIN_BUDGET, MEMORY_BUDGET_MIB = 5.0, 10.0, 3.0, 100
XOR_BUDGET = 1.5
ROOT = Path(__file__).resolve().parent.parent


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
    times = alternated({"bare": BARE, "solve": bpcheck_command("solve", "ex1"),
                        "json": bpcheck_command("grade", str(answers), "--format", "json")}, runs)
    bare, solve, json_ = times["bare"], times["solve"], times["json"]
    print(f"import click, yaml:                         {bare * 1000:7.1f} ms")
    print(f"bpcheck solve ex1 (piped):                  {solve * 1000:7.1f} ms  ratio {solve / bare:.2f} "
          f"{verdict(solve / bare, SOLVE_BUDGET)}")
    print(f"bpcheck grade answers.yaml --format json:   {json_ * 1000:7.1f} ms  ratio {json_ / bare:.2f} "
          f"{verdict(json_ / bare, JSON_BUDGET)}")


def answers_text(rng: random.Random, slipped: float = 0.15, exercise: str = "ex1") -> str:
    """A plausible student's answers: mostly right, some slips."""
    from bpcheck import load_exercise, solve

    solution = solve(load_exercise(exercise))
    lines = [f"exercise: {exercise}", "answers:"]
    for name in solution.asked:
        value = solution.values[name]
        if rng.random() < slipped:
            value *= rng.choice([-1, 1.05, 0.5])
        lines.append(f"  {name}: {value:.4g}")
    return "\n".join(lines) + "\n"


def batch(count: int = 1000, runs: int = 5) -> None:
    """Grading a class against parsing it, each side's cost per file past its own start-up."""
    folder = Path(tempfile.mkdtemp())
    wide = folder / "wide.yaml"  # 4-6-6-3: a class exercise larger than ex1
    subprocess.run(bpcheck_command("new", "--shape", "4-6-6-3", "--seed", "7"), stdout=wide.open("w"), check=True)
    for label, exercise in (("ex1", "ex1"), ("4-6-6-3", str(wide))):
        files = folder / label
        files.mkdir()
        rng = random.Random(1)
        for index in range(count):
            (files / f"student{index:04d}.yaml").write_text(answers_text(rng, 0.2, exercise), encoding="utf-8")
        one = folder / f"{label}-one"
        one.mkdir()
        (one / "student0000.yaml").write_text((files / "student0000.yaml").read_text(), encoding="utf-8")
        marks = folder / f"{label}-marks.csv"

        def parse(where: Path) -> list[str]:
            return [PYTHON, "-c", "import sys, yaml, pathlib\n"
                    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
                    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)", str(where)]

        times = alternated({"parse": parse(files), "parse one": parse(one),
                            "grade": bpcheck_command("grade", str(files), "--csv", str(marks)),
                            "grade one": bpcheck_command("grade", str(one), "--csv", str(marks))}, runs)
        parsing = (times["parse"] - times["parse one"]) / (count - 1)
        grading = (times["grade"] - times["grade one"]) / (count - 1)
        ratio = grading / parsing
        print(f"{label}: {count} files, 20% of the values slipped: grading {times['grade'] * 1000:.0f} ms "
              f"({grading * 1e6:.0f} µs a file past start-up), parsing {times['parse'] * 1000:.0f} ms "
              f"({parsing * 1e6:.0f} µs a file): ratio {ratio:.2f} {verdict(ratio, BATCH_BUDGET)}")


def large(runs: int = 3) -> None:
    """The largest network the format allows (50-50-50-50-50, 10,000 weights)."""
    folder = Path(tempfile.mkdtemp())
    big = folder / "big.yaml"
    subprocess.run(bpcheck_command("new", "--shape", "50-50-50-50-50", "--seed", "1"), stdout=big.open("w"),
                   check=True)
    times = alternated({"ex1": bpcheck_command("solve", "ex1"),
                        "json": bpcheck_command("solve", str(big), "--format", "json"),
                        "gradcheck": bpcheck_command("gradcheck", str(big))}, runs)
    ratio = times["json"] / times["ex1"]
    print(f"solve --format json: {times['json'] * 1000:.0f} ms, {ratio:.1f} x solve ex1 ({times['ex1'] * 1000:.0f} ms) "
          f"{verdict(ratio, LARGE_SOLVE_BUDGET)}")
    ratio = times["gradcheck"] / times["json"]
    print(f"gradcheck: {times['gradcheck'] * 1000:.0f} ms, {ratio:.1f} x that solve {verdict(ratio, GRADCHECK_BUDGET)}")
    peak = _peak_mib(bpcheck_command("solve", str(big), "--format", "json"))
    print(f"solve --format json peak memory: {peak:.0f} MiB {verdict(peak, MEMORY_BUDGET_MIB)}")
    ours, loop = _training(big, 100, runs)
    print(f"100 updates, in process: train {ours * 1000:.0f} ms (graph and compiling included), plain loop "
          f"{loop * 1000:.0f} ms: ratio {ours / loop:.2f} {verdict(ours / loop, LARGE_TRAIN_BUDGET)}")


def _peak_mib(command: list[str]) -> float:
    """The peak resident memory of a command, in MiB (Linux reports kilobytes)."""
    script = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PYTHON, "-c", script, *command], capture_output=True, text=True, check=True).stdout
    return int(out) / 1024


def _plain_network(network):
    """An exercise's network in benchmarks/plain_loop.py's layout (weights[n][j][i], biases[n][j], examples)."""
    from bpcheck.network import Example

    layers = network.layers
    weights = [[[network.weights[(i, j)] for i in layers[n]] for j in layers[n + 1]] for n in range(len(layers) - 1)]
    biases = ([[network.biases.get(j, 0.0) for j in layers[n + 1]] for n in range(len(layers) - 1)]
              if network.biases else None)
    examples = network.examples or (Example(network.inputs, network.targets),)
    return weights, biases, [([example.inputs[u] for u in layers[0]], [example.targets[u] for u in layers[-1]])
                             for example in examples]


def _training(spec, iterations: int, runs: int) -> tuple[float, float]:
    """(bpcheck's fastest run, the plain loop's fastest run) of ``iterations`` full-batch updates, in process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plain_loop

    from bpcheck import load_exercise
    from bpcheck.training import train as run_training

    ours, loop = [], []
    for _ in range(runs):
        exercise = load_exercise(str(spec))  # a network of its own: its graph is built and compiled in the run
        start = time.perf_counter()
        run_training(exercise.network, iterations)
        ours.append(time.perf_counter() - start)
        weights, biases, examples = _plain_network(exercise.network)
        start = time.perf_counter()
        plain_loop.train(weights, biases, examples, exercise.network.learning_rate, iterations)
        loop.append(time.perf_counter() - start)
    return min(ours), min(loop)


def worst(runs: int = 3) -> None:
    """Slipped answers on the widest and deepest exercises the format allows, graded in one process:
    the time and its ratio to solving (an exponential search shows as thousands)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers import network_yaml, slipped_answers

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
            answers = slipped_answers(solution, random.Random(3))
            start = time.perf_counter()
            grade(solution, answers)
            grading.append(time.perf_counter() - start)
        solve_s, grade_s = statistics.median(solving), statistics.median(grading)
        print(f"{label:32} {len(solution.asked):6} values  solve {solve_s * 1000:8.1f} ms  "
              f"grade {grade_s * 1000:8.1f} ms  ratio {grade_s / solve_s:5.2f}")


def train(runs: int = 5, iterations: int = 10_000) -> None:
    """ex1 and XOR trained in process against benchmarks/plain_loop.py (which shares no code with bpcheck),
    and ex1 as whole commands."""
    for label, spec, budget in (("ex1", "ex1", None), ("XOR", ROOT / "examples" / "training" / "xor.yaml", XOR_BUDGET)):
        ours, loop = _training(spec, iterations, runs)
        shown = verdict(ours / loop, budget) if budget else ""
        print(f"{label}, {iterations:,} updates in process: train {ours * 1000:.0f} ms, plain loop "
              f"{loop * 1000:.0f} ms: ratio {ours / loop:.2f} {shown}")
    here = str(Path(__file__).resolve().parent)
    script = (f"import sys; sys.path.insert(0, {here!r}); import plain_loop, json; "
              "w, b, e = plain_loop.tutorial_network(); "
              f"print(json.dumps(plain_loop.train(w, b, e, 1.0, {iterations})))")
    times = alternated({"train": bpcheck_command("train", "ex1", "--iterations", str(iterations), "--format", "json"),
                        "loop": [PYTHON, "-c", script]}, runs=max(3, runs))
    print(f"whole commands: `bpcheck train ex1 --iterations {iterations} --format json` {times['train'] * 1000:.0f} "
          f"ms, a plain loop script {times['loop'] * 1000:.0f} ms: ratio {times['train'] / times['loop']:.2f}")


BENCHMARKS = {"startup": startup, "batch": batch, "large": large, "train": train, "worst": worst}

if __name__ == "__main__":
    if set(sys.argv[1:]) & {"-h", "--help"}:
        sys.exit(print(__doc__))
    unknown = [name for name in sys.argv[1:] if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"bench.py: no benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)} (none: all of them)")
    for name in sys.argv[1:] or BENCHMARKS:
        BENCHMARKS[name]()
