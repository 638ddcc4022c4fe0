"""--plain and BPCHECK_PLAIN: on a real terminal (a pseudo-terminal, as a terminal emulator gives), every
command that prints a report prints plain lines with nothing drawn, the same as it prints them piped with
--plain: no escape codes, no box drawing or block elements (U+2500–U+259F: rules, boxes, bars, curves).

Without --plain the same terminal gets Rich's tables and drawings: the reference that shows the terminal is
one. Piped without --plain, output is as before (drawings and table rules kept, for files and pagers); --plain
takes out only what is drawn.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

import pytest
from helpers import ANN_ANSWERS as ONE
from helpers import Cli

DRAWN = re.compile("[\u2500-\u259f]")

OTHER = """\
exercise: ex1
answers:
  a3: 0.75
  delta5: -0.04068
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    (folder / "class").mkdir()
    (folder / "class" / "ann.yaml").write_text(ONE)
    (folder / "class" / "bob.yaml").write_text(OTHER)
    return folder


COMMANDS = [
    ["list"],
    ["solve", "ex1"],
    ["show", "ex1", "--diagram", "--step"],
    ["grade", "class/ann.yaml"],
    ["grade", "class", "--mistakes"],
    ["train", "ex1", "-n", "50"],
    ["train", "ex6", "-n", "20"],  # two hidden layers: mean |δ| bars
    ["gradcheck", "ex1"],
]


def run(args: list[str], cwd: Path, *, terminal: bool, env: dict | None = None, stdin: str = "") -> tuple[str, int]:
    """bpcheck's stdout (and exit code): on a pseudo-terminal 100 columns wide, or piped."""
    cleared = {name: None for name in ("NO_COLOR", "BPCHECK_PLAIN", "CI")}
    env = Cli().environ({**cleared, "COLUMNS": "100", "TERM": "xterm-256color", **(env or {})})
    argv = Cli.argv(*args)
    if not terminal:
        result = subprocess.run(argv, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120)
        return result.stdout, result.returncode
    main, secondary = pty.openpty()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=secondary,
                               stderr=subprocess.DEVNULL)
    os.close(secondary)
    process.stdin.write(stdin.encode())
    process.stdin.close()
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    code = process.wait(timeout=120)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n"), code


def env_with(**values) -> dict:
    base = {"BPCHECK_PLAIN": None, "NO_COLOR": None}
    return {**base, **values}


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_plain_on_a_terminal_is_what_plain_prints_piped_and_draws_nothing(args, folder):
    piped, piped_code = run([*args, "--plain"], folder, terminal=False, env=env_with())
    drawn, _ = run(args, folder, terminal=True, env=env_with())
    assert "\x1b[" in drawn or DRAWN.search(drawn), "the reference: without --plain the terminal gets Rich"
    for shown, code in (run([*args, "--plain"], folder, terminal=True, env=env_with()),
                        run(["--plain", *args], folder, terminal=True, env=env_with()),
                        run(args, folder, terminal=True, env=env_with(BPCHECK_PLAIN="1")),
                        run(args, folder, terminal=True, env=env_with(BPCHECK_PLAIN="yes"))):
        assert shown == piped and code == piped_code
    assert piped.strip() and "\x1b" not in piped and not DRAWN.search(piped), DRAWN.findall(piped)[:5]
    assert run(args, folder, terminal=True, env=env_with(BPCHECK_PLAIN="0"))[0] == drawn  # "0" asks for nothing


@pytest.mark.parametrize("args", [["grade", "class/ann.yaml"], ["gradcheck", "ex1"], ["list"]], ids=" ".join)
def test_plain_takes_out_only_the_rules_where_nothing_else_is_drawn(args, folder):
    """A report with tables and nothing drawn: --plain is the piped report, each table without its rule."""
    piped, _ = run(args, folder, terminal=False, env=env_with())
    plain, _ = run([*args, "--plain"], folder, terminal=False, env=env_with())
    rules = [line for line in piped.splitlines() if line and set(line) <= {"─", " "}]
    assert rules and plain.splitlines() == [line for line in piped.splitlines() if line not in rules]


def test_plain_gives_the_network_and_the_curve_in_words(folder):
    solved, _ = run(["solve", "ex1", "--plain"], folder, terminal=False, env=env_with())
    assert "3 ← W13 0.1, W23 0.8\n" in solved and "output, sigmoid: 5: a 0.8014 y 0.6903 t 0.5\n" in solved
    piped, _ = run(["solve", "ex1"], folder, terminal=False, env=env_with())
    def tables(text: str) -> str:  # the steps' tables, up to the mean |δ| bars
        return text.split("Step 1: forward pass", 1)[1].split("Mean |δ| per layer", 1)[0]

    assert tables(solved) == "\n".join(line for line in tables(piped).split("\n")
                                       if not (line and set(line) <= {"─", " "}))
    trained, _ = run(["train", "ex1", "-n", "10", "--plain"], folder, terminal=False, env=env_with())
    curve = trained.split("E before each update, and after the last\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # ex1's E before the first update is the tutorial's 0.0181; the table gives every update of a short run
    assert curve[0].split() == ["updates", "made", "E"] and curve[1].split() == ["0", "0.01810"]
    assert [line.split()[0] for line in curve[1:]] == [str(n) for n in range(11)]


def test_mean_delta_bars_leave_their_numbers(folder):
    piped, _ = run(["solve", "ex1"], folder, terminal=False, env=env_with())
    plain, _ = run(["solve", "ex1", "--plain"], folder, terminal=False, env=env_with())
    bars = piped.split("Mean |δ| per layer", 1)[1].split("\n\n", 1)[0].splitlines()[3:]
    words = plain.split("Mean |δ| per layer", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert len(bars) == len(words) >= 2
    for drawn, said in zip(bars, words):
        assert "█" in drawn or "▏" in drawn
        assert said.split() == DRAWN.sub("", drawn).split()


def test_practice_on_a_terminal_with_plain_prints_its_lines_plain(folder, tmp_path):
    typed = "0.755\nq\n"
    args = ["practice", "ex1", "--save", str(tmp_path / "a.yaml")]
    piped, code = run([*args, "--plain"], folder, terminal=False, env=env_with(), stdin=typed)
    (tmp_path / "a.yaml").unlink()
    shown, shown_code = run([*args, "--plain"], folder, terminal=True, env=env_with(), stdin=typed)
    assert shown == piped and code == shown_code and "a3" in piped
    assert "\x1b" not in shown and not DRAWN.search(shown)
    (tmp_path / "a.yaml").unlink()
    styled, _ = run(args, folder, terminal=True, env=env_with(), stdin=typed)
    assert "\x1b[" in styled  # the reference: Rich styles the lines on the same terminal
