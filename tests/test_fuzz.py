"""Fuzzing the command line with hostile and malformed files, in process (click's CliRunner).

Exercise files and answers files come from the built-in exercises and their templates, mutated
(values, keys, types, nesting, tags, aliases, duplicates, bytes, encodings), and from scratch (random
YAML, raw bytes); file names are odd, unicode or not UTF-8; files are symlinks, loops, folders, devices.
Whatever the files and their names hold, every run must:

- end in a report or a one-line refusal: no traceback, exit code 0, 1 or 2;
- refuse one bad file (exit 2) with exactly one line on stderr, `bpcheck: ...`, nothing on stdout, and
  `file:line:column:` when the file has a line to name (a regular file small enough to be read);
- leave every input file as it was (also with --csv pointing at a fresh path);
- put no raw control character (ESC, BEL, NUL, CSI, bidi overrides, ...) on stdout or stderr, and echo
  no more than ~100 characters of any one value in a message;
- give byte-identical stdout, stderr and CSV when run again (and across hash seeds, in a subprocess);
- score the exact values at least as high as the same answers with any one value changed.

Hypothesis draws the structure of each case (what kind of file, which mutations, which names) and a
seed from which the bulk of the text is made, which keeps a case cheap enough for 10,000 of them in CI.
Case counts scale with the Hypothesis profile (tests/conftest.py): `dev` by default, `ci` when CI is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import traceback
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from click.testing import CliRunner
from helpers import assert_bad_input_line
from hypothesis import given, note, settings
from hypothesis import strategies as st

from bpcheck.cli import main

REPO = Path(__file__).resolve().parent.parent
BUILTINS = [f"ex{number}" for number in range(1, 9)]
EX1 = (REPO / "exercises" / "ex1.yaml").read_text(encoding="utf-8")
READ_LIMIT = 1_000_000  # a regular file smaller than this is read, so a refusal can name a line in it


def cases(share: float) -> int:
    """This test's number of cases: a share of the profile's max_examples (40 in dev, 1000 in ci)."""
    return max(5, round(settings.default.max_examples * share))


# ================================================================ running and checking


class Run(NamedTuple):
    result: Any
    csv: bytes | None  # the CSV written, if any (removed after reading, for the next run)

    @property
    def key(self):
        return self.result.exit_code, self.result.stdout_bytes, self.result.stderr_bytes, self.csv


def invoke(args: list[str], cwd: Path, csv: Path | None = None) -> Run:
    """bpcheck ``args`` run in ``cwd``, as on a terminal that shows colour (click strips no escape)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, color=True)
    finally:
        os.chdir(old)
    data = None
    if csv is not None and os.path.lexists(csv):
        data = csv.read_bytes() if csv.is_file() else b"<not a file>"
        os.remove(csv)
    return Run(result, data)


def describe(result) -> str:
    text = f"exit code {result.exit_code}\nstdout: {result.stdout_bytes[:3000]!r}\n" \
           f"stderr: {result.stderr_bytes[:3000]!r}"
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        text += "\n" + "".join(traceback.format_exception(*result.exc_info))[-4000:]
    return text


def run_twice(args: list[str], cwd: Path, csv: Path | None = None) -> Run:
    """Runs twice: the same input must give byte-identical output and CSV."""
    first = invoke(args, cwd, csv)
    second = invoke(args, cwd, csv)
    assert first.key == second.key, f"two runs of {args} differ:\n{describe(first.result)}\n---\n" \
                                    f"{describe(second.result)}\ncsv: {first.csv!r}\n---\n{second.csv!r}"
    return first


# Raw characters that act on a terminal: C0 but tab and newline, DEL, C1 (0x9b is CSI), the bidi
# marks, embeddings, overrides and isolates, and the line and paragraph separators.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# Long values are one character repeated; a message may show ~100 of them (in any escaped form), not more.
ECHO_LIMIT = 100
LONG_CHARS = ("Q", "é", "张", "\x1b", "\u202e")


def _forms(char: str) -> list[str]:
    code = ord(char)
    forms = {char, json.dumps(char)[1:-1], repr(char)[1:-1], char.encode("unicode_escape").decode(),
             f"\\u{code:04x}", f"\\u{code:04X}", f"\\U{code:08x}", f"#x{code:04x}", f"#x{code:04X}"}
    if code < 0x100:
        forms |= {f"\\x{code:02x}", f"\\x{code:02X}"}
    if char == "\x1b":
        forms |= {"\\e", "^["}
    return sorted(forms, key=len, reverse=True)


_ECHO_FORMS = [(char, _forms(char)) for char in LONG_CHARS]


def assert_no_long_echo(text: str, where: str) -> None:
    for char, forms in _ECHO_FORMS:
        if not any(form in text for form in forms):
            continue
        for form in forms:  # every escaped form back to the character, then look for a long run of it
            text = text.replace(form, char)
        run = re.search(f"{re.escape(char)}{{{ECHO_LIMIT + 1},}}", text)
        assert run is None, f"{where} echoes {len(run.group())} characters of one value ({char!r} repeated)"


def assert_sane(result, *, grading: bool = False, json_output: bool = False) -> None:
    """No traceback, a known exit code, UTF-8 without raw control characters, no value echoed at length
    (on stderr; and on a grade's stdout, in the messages of its JSON)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), describe(result)
    assert result.exit_code in (0, 1, 2), describe(result)
    for stream, data in (("stdout", result.stdout_bytes), ("stderr", result.stderr_bytes)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AssertionError(f"{stream} is not UTF-8 ({error})\n{describe(result)}") from None
        assert "Traceback (most recent call last)" not in text, describe(result)
        found = FORBIDDEN.search(text)
        assert found is None, f"raw control character {found.group()!r} on {stream}\n{describe(result)}"
    assert_no_long_echo(result.stderr, "stderr")
    if grading and result.stdout:
        if json_output:
            try:
                record = json.loads(result.stdout)
            except ValueError as error:
                raise AssertionError(f"--format json printed what is not JSON ({error})\n{describe(result)}") from None
            for message in _messages(record):
                assert_no_long_echo(message, "a message in the JSON")
        else:
            assert_no_long_echo(result.stdout, "stdout")


def _messages(record) -> list[str]:
    if isinstance(record, list):
        return [text for item in record for text in _messages(item)]
    if isinstance(record, dict):
        return [text for key, value in record.items()
                for text in ([value] if key in ("message", "error") and isinstance(value, str) else _messages(value))]
    return []


LOCATION = re.compile(r"^.+?:[1-9][0-9]*:[1-9][0-9]*: ", re.S)


def assert_refusal(result, has_line: bool) -> None:
    """The contract for one bad file: exit 2, one line `bpcheck: ...` on stderr, nothing on stdout, and
    `file:line:column:` when the file has a line to name."""
    message = assert_bad_input_line(result, "", ())
    assert len(result.stderr.splitlines()) == 1, f"more than one line: {result.stderr!r}"
    if has_line:
        assert LOCATION.match(message), f"the file has lines, but the message names none: {message!r}"


def has_a_line(path: Path) -> bool:
    """A regular file (through any symlinks) small enough to be read: a refusal can point into it."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size < READ_LIMIT


_HASHES: dict[tuple, str] = {}


def snapshot(root: Path, skip: Path | None = None) -> dict:
    """Every entry under ``root`` (symlinks not followed): kind, mode, size, times and content hash."""
    entries = {}
    skip_bytes = os.fsencode(skip) if skip is not None else None
    for folder, folders, files in os.walk(os.fsencode(root)):
        folders[:] = [name for name in folders if os.path.join(folder, name) != skip_bytes]
        for name in folders + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                entries[path] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                signature = (path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                if signature not in _HASHES:  # a file changed in any way has a new ctime
                    with open(path, "rb") as handle:
                        _HASHES[signature] = hashlib.sha256(handle.read()).hexdigest()
                entries[path] = ("file", info.st_mode, info.st_size, info.st_mtime_ns, _HASHES[signature])
            else:
                entries[path] = ("other", info.st_mode, info.st_mtime_ns)
    return entries


def write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def note_files(files: dict) -> None:
    for name, data in files.items():
        shown = data if len(data) <= 3000 else data[:1500] + b"..." + data[-500:]
        note(f"file {name!r} ({len(data)} bytes): {shown!r}")


def flat(options: list[list[str]]) -> list[str]:
    return [word for option in options for word in option]


# ================================================================ the built-in exercises, solved


@cache
def solved(spec: str) -> dict:
    result = CliRunner().invoke(main, ["solve", spec, "--format", "json"])
    assert result.exit_code == 0, describe(result)
    return json.loads(result.stdout)


@cache
def template_lines(spec: str) -> tuple[str, ...]:
    result = CliRunner().invoke(main, ["template", spec])
    assert result.exit_code == 0, describe(result)
    return tuple(result.stdout.splitlines())


@cache
def exercise_text(spec: str) -> str:
    return (REPO / "exercises" / f"{spec}.yaml").read_text(encoding="utf-8")


@cache
def exercise_json(spec: str) -> str:
    """A built-in exercise's mapping, as JSON text: json.loads makes a fresh copy quickly."""
    return json.dumps(yaml.safe_load(exercise_text(spec)))


def significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits - 1}e}")


# ================================================================ hostile pieces of YAML


def quote(text: str, ascii_only: bool = True) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=ascii_only)


CONTROL_TEXTS = ["\x1b[2J\x1b[H", "\x1b]0;owned\x07", "\x1b[31mred\x1b[0m", "\x1bc", "\x00", "\x07", "\x9b31m",
                 "\u202eabc", "a\rb", "\x08\x08\x08", "\x7f", "\u2066x\u2069", "\ufeff", "\x85", "\u2028",
                 "\u2029", "\udce9", "\x1b", "a\nb", "\t", "\u200b", "\u061c"]
ODD_CHARS = "é张²³٣\u0301\U0001f600ａΩΔδη∂’′−\u00a0 '\"#:,[]{}&*!|>%@`\\-?~=<"

HOSTILE_NUMBERS = [
    "1e400", "-1e400", "1e-400", "1.0e+400", "-1.0e-400", "4.9e-324", "1.7976931348623157e308", "2e308",
    "-0.0", "0", "0.0", ".inf", "-.inf", ".nan", ".NaN", "+.inf", "1e309", "1" + "0" * 309, "9" * 400,
    "9" * 401, "9" * 5000, "-" + "9" * 5000, "0." + "0" * 5000 + "1", "1" + "0" * 400 + ".5", "1e" + "9" * 50,
    "0x7FFFFFFF", "0o17", "017", "0b1010", "0x" + "F" * 500, "1_000.5", "1:30", "190:20:30", "1e-3", "+.5",
    "\u22120.0027", "-0.0027", "1,5", "0,755", "'0.755'", '"1e400"', '"inf"', '"-Infinity"', '"nan"', '"NaN"',
    "'  0.755  '", "1e", "e3", "--1", "0.755.1", "\u0661\u0662\u0663", "\u00b2", "0x", "True", "yes", "off",
    "~", "null", "", "[]", "{}", "[1, 2]", "{a: 1}", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:00",
    "Infinity", "'1e999'", "1e-323", "5e-324", "-5e-324", "0.755 # comment", "0.755e0", "7.55E-1",
    "'9" + "9" * 5000 + "'",
]

TAGGED = [
    "!!python/object:os.system {}", "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system",
    "!!python/tuple [1, 2]", "!!python/str x", "!!timestamp 2001-12-14", "!!binary aGVsbG8=", "!!set {a, b}",
    "!!omap [a: 1, b: 2]", "!!pairs [a: 1]", "!!str 0.755", "!!float '0.755'", "!!float 1e400", "!!float x",
    "!!int '3'", "!!int 0x10", "!!int '" + "9" * 5000 + "'", "!!bool yes", "!!null ''", "!!map {}", "!!seq []",
    "!local 1", "!<tag:example.com,2000:x> 1", "!<!> 1", "!!merge <<", "!!value =", "!!yaml !", "=", "<<",
    "!!float", "!!binary ''", "!!timestamp '2001-12-14t21:59:43.10-05:00'", "!!str", "! 1", "!!python/bytes 'aGk='",
]

ODD_VALUES = ["*a", "*b9", "&a 1", "&a", "*", "&", "|", ">", "- 1", "? a", "a: b", "a: b: c", "[1, 2", "{a: 1",
              "'open", '"open', '"\\q"', '"\\x1b[2J"', '"\\e"', '"\\a"', '"\\0"', '"\\x9b"', '"\\u202E"', '"\\N"',
              '"\\_"', '"\\L"', '"\\P"', '"\\udce9"', '"\\U0010FFFF"', '"\\U00110000"', "`", "@", "%", "!", "#", ",",
              "]", "}", ":", "-", "--- a", "... a", "'it''s'", '"\\"\\""', "a #b", "a#b"]

QUANTITY_NAMES = [
    "a3", "y3", "a4", "y4", "a5", "y5", "E", "delta5", "delta3", "delta4", "dE_dW13", "dW13", "W13_new",
    "W13", "x1", "x2", "t5", "eta", "a3_after", "y5_after", "E_after", "b3", "db3", "b3_new", "dE_db3",
    "δ3", "d3", "delta_3", "W_13", "w13", "W1_3", "ΔW13", "delta_W13", "W13'", "new_W13", "o3", "y3'",
    "dE/dW13", "∂E/∂W13", "E'", "η", "Δ3", "y6", "W9_10", "a0", "x0", "t1", "W11", "W31", "W1_12", "y5'",
]

HOSTILE_NAMES = [
    "W1\u00b23", "y\u00b3", "delta\u0663", "W\u0661\u0663", "a\u2083", "a" + "9" * 30, "W" + "1" * 500,
    "a" + "9" * 1000, "x" + "1" * 1000, "W" + "9" * 900 + "_1", "a3 ", " a3", "A3", "Y3", "e", "LOSS", "new_",
    "'", "+", "Δ", "δ", "W", "W_", "W__13", "W1__3", "a-3", "a/3", "a 3", "a\x003", "\x1b[2Ja3", "\u202ea3",
    "a3\u200b", "ａ３", "exercise", "answers", "student", "<<", "~", "null", "true", "3", "0.5", "1e400",
    "title", "[a, b]", "{a: 1}", "? a3", "- a3", "&a a3", "*a", "!!str a3", "'a3'", '"a3"', "a3:", "a3 #",
    "Q" * 150, "W13_new_new", "newnew_W13", "W13''", "dE_dE", "delta" * 50 + "3",
]

ANSWER_KEYS = ["exercise", "answers", "student", "Exercise", "answer", "ANSWERS", "exercise ", "exercises"]
EXERCISE_KEYS = ["title", "instructions", "layers", "activation", "inputs", "weights", "biases", "frozen",
                 "targets", "learning_rate", "loss", "convention", "asked", "tolerance", "points"]

# What an answers file's `exercise:` may name (in the world build_world makes).
EXERCISE_REFS = [
    "ex1", "ex9", "EX1", " ex1", "ex1 ", "ex1.yaml", "./ex.yaml", "ex.yaml", "ex", "sub", "sub/", ".", "..",
    "/", "/dev/null", "/dev/zero", "/dev/stdin", "/dev/full", "/proc/self/environ", "/etc/passwd",
    "answers.yaml", "other.yaml", "loop.yaml", "loopa.yaml", "dangling.yaml", "link.yaml", "linkdir.yaml",
    "null.yaml", "notex.yaml", "binary.yaml", "empty.yaml", "dir.yaml", "fifo.yaml", "sub/inner.yaml",
    "~/ex.yaml", "../ex.yaml", "exercises/ex1.yaml", "s1\u00b22.yaml", "loop.yaml/x.yaml", "ex.yaml/",
    "big.yaml", "ex.yml", "EX.YAML", "ex.yaml\n", "ex1\x00", "caf\udce9.yaml", "Q" * 300 + ".yaml",
    "a" * 5000, "Q" * 150, "\x1b[2J.yaml", "\u202elmay.yaml", "ex1\x1b", "1", "0", "-1", "1e400", "[ex1]",
    "{a: 1}", "null", "''", "true", "ex1.yaml.yaml", "\\ex.yaml", "C:\\ex.yaml", "file:///etc/passwd",
]


def pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


def plain_or_quoted(text: str, rng: random.Random) -> str:
    """A string as a YAML scalar: plain when that reads back as the same string, else double quoted."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", text) and text.lower() not in (
            "yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return text
    return quote(text, rng.random() < 0.5)


def random_text(rng: random.Random, size: int = 12) -> str:
    pools = ("abcxyzAW0123456789_", ODD_CHARS, "".join(CONTROL_TEXTS), "".join(chr(rng.randrange(0x20, 0x3000))
                                                                            for _ in range(8)))
    return "".join(pick(rng, pick(rng, pools)) for _ in range(rng.randrange(1, size + 1)))


def long_text(rng: random.Random, limit: int = 3000) -> str:
    return pick(rng, LONG_CHARS) * rng.randrange(101, limit)


def number_text(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return pick(rng, HOSTILE_NUMBERS)
    if kind == 1:
        return repr(pick(rng, [rng.uniform(-2, 2), rng.uniform(-1e308, 1e308), float("inf"), -float("inf"),
                               float("nan"), 5e-324, -0.0, 10 ** rng.uniform(-330, 308)]))
    if kind == 2:
        return repr(round(rng.uniform(-2, 2), rng.randrange(1, 17)))
    if kind == 3:
        return pick(rng, ["", "-", "+"]) + "9" * rng.choice([1, 17, 308, 309, 399, 400, 401, 4300, 4301, 6000]) + \
            pick(rng, ["", ".5", "e-400", "e400", "e" + "9" * 400, ".0" + "0" * 500])
    if kind == 4:
        return str(rng.randint(-(10 ** 30), 10 ** 30))
    return f"{pick(rng, ['', '-'])}{rng.randrange(10)}.{rng.randrange(10 ** 6)}e{rng.randint(-330, 330)}"


def flow_nesting(rng: random.Random) -> str:
    depth = rng.choice([1, 2, 5, 19, 20, 21, 22, 30, 200, 1000, 5000, rng.randrange(1, 40)])
    kind = rng.randrange(5)
    if kind == 0:
        return "[" * depth + "1" + "]" * depth
    if kind == 1:
        return "{a: " * depth + "1" + "}" * depth
    if kind == 2:
        return "[{a: " * depth + "1" + "}]" * depth
    if kind == 3:
        return "[" * depth  # never closed
    return "[" * depth + "1" + "]" * (depth + 3)  # closed too often


def block_nesting(depth: int, indent: int, kind: int) -> list[str]:
    """Lines nested ``depth`` levels deep in block style, under a key at column ``indent``."""
    innermost = " " * (indent + 2 * depth + 2) + "1"
    if kind == 0:
        return [" " * (indent + 2 * (level + 1)) + "a:" for level in range(depth)] + [innermost]
    if kind == 1:
        return [" " * (indent + 2) + "- " * depth + "1"]
    if kind == 2:
        return [" " * (indent + 2 * (level + 1)) + "-" for level in range(depth)] + [innermost]
    return [" " * (indent + 2) + "? " * depth + "a"]


def value_text(rng: random.Random) -> str:
    """Any one-line YAML value: numbers, text, control characters, tags, collections, aliases."""
    kind = rng.randrange(10)
    if kind <= 2:
        return number_text(rng)
    if kind == 3:
        return plain_or_quoted(pick(rng, CONTROL_TEXTS + list(LONG_CHARS)) * rng.randrange(1, 4), rng)
    if kind == 4:
        return plain_or_quoted(long_text(rng), rng)
    if kind == 5:
        return pick(rng, TAGGED)
    if kind == 6:
        return flow_nesting(rng)
    if kind == 7:
        return plain_or_quoted(random_text(rng, 30), rng)
    if kind == 8:
        return pick(rng, ODD_VALUES)
    return pick(rng, QUANTITY_NAMES + EXERCISE_REFS[:20])


def key_text(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind <= 1:
        return pick(rng, QUANTITY_NAMES)
    if kind == 2:
        return pick(rng, HOSTILE_NAMES)
    if kind == 3:
        return plain_or_quoted(pick(rng, HOSTILE_NAMES + CONTROL_TEXTS), rng)
    if kind == 4:
        return plain_or_quoted(long_text(rng, 600), rng)
    return plain_or_quoted(random_text(rng), rng)


LINES = ["---", "...", "--- !!map", "%YAML 1.1", "%YAML 1.3", "%TAG ! tag:x,2000:", "# a comment \x1b[2J",
         "#" * 3000, "? [a, b]", ": 1", "<<: *a", "<<: {a3: 1}", "&x", "!!binary |", "|", ">", "\t", "\ta3: 1",
         " \t", "\x0c", "\\", "\ufeff", "answers:", "exercise: ex1", "student: x", "answers: ~", "answers: []"]


def line_text(rng: random.Random) -> str:
    """A whole line to insert anywhere."""
    kind = rng.randrange(7)
    indent = " " * pick(rng, [0, 0, 2, 2, 4, 1, 3])
    if kind <= 2:
        return f"{indent}{key_text(rng)}: {value_text(rng)}"
    if kind == 3:
        return f"{indent}- {value_text(rng)}"
    if kind == 4:
        return pick(rng, LINES)
    if kind == 5:
        return random_text(rng, 40)
    return indent + pick(rng, ANSWER_KEYS + EXERCISE_KEYS) + ": " + value_text(rng)


def alias_bomb(rng: random.Random) -> list[str]:
    """Billion laughs: ten levels of anchors, each a list of aliases of the level below."""
    width = pick(rng, [2, 9, 10])
    indent = " " * pick(rng, [0, 2])
    kind = rng.randrange(3)
    if kind == 0:
        first = "[" + ", ".join(["lol"] * width) + "]"
    elif kind == 1:
        first = "{" + ", ".join(f"k{i}: 1" for i in range(width)) + "}"
    else:  # one long string, referred to many times
        first = quote("Q" * 5000)
    return [f"{indent}b0: &b0 {first}"] + \
           [f"{indent}b{level}: &b{level} [{', '.join([f'*b{level - 1}'] * width)}]" for level in range(1, 10)]


def _split(line: str) -> tuple[str, str] | None:
    """(the line up to and including 'key:', the value), for a 'key: value' line."""
    match = re.match(r"^(\s*[^\s#:][^:]*:)(\s.*|)$", line)
    return (match.group(1), match.group(2).strip()) if match else None


def digits(number: int, base: int) -> list[int]:
    """Up to a few choices packed in one integer (one draw, which shrinks towards none): its digits in
    ``base``, a digit 0 meaning no choice."""
    choices = []
    while number:
        number, digit = divmod(number, base)
        if digit:
            choices.append(digit - 1)
    return choices


MUTATIONS = st.integers(0, 15 ** 4 - 1)  # up to four of the 14 mutations of mutate_lines


def mutate_lines(rng: random.Random, lines: list[str], ops: int, *, answers: bool) -> list[str]:
    """The mutations ``ops`` applied to a file's lines, at places and with values chosen by ``rng``."""
    lines = list(lines)
    for op in digits(ops, 15):
        index = rng.randrange(len(lines)) if lines else 0
        pair = _split(lines[index]) if lines else None
        if op in (0, 1, 2) and pair:  # a value
            lines[index] = f"{pair[0]} {value_text(rng)}"
        elif op == 3 and pair:  # a key
            indent = re.match(r"\s*", lines[index]).group()
            lines[index] = f"{indent}{key_text(rng)}: {pair[1]}"
        elif op == 4 and lines:  # a duplicate: the same key twice
            lines.insert(rng.randrange(index, len(lines) + 1), lines[index])
        elif op == 5 and lines:
            del lines[index]
        elif op == 6:
            lines.insert(index, line_text(rng))
        elif op == 7 and lines:  # indentation
            lines[index] = pick(rng, [" ", "   ", "\t", ""]) + lines[index].lstrip(pick(rng, [" ", ""]))
        elif op == 8 and pair:  # deep block nesting under this key
            indent = len(lines[index]) - len(lines[index].lstrip())
            depth = rng.choice([3, 19, 20, 21, 25, 100, 1000, rng.randrange(1, 30)])
            lines[index: index + 1] = [pair[0]] + block_nesting(depth, indent, rng.randrange(4))
        elif op == 9:  # an alias bomb, then a reference to it
            lines[index:index] = alias_bomb(rng)
            target = rng.randrange(len(lines))
            split = _split(lines[target])
            if split:
                lines[target] = f"{split[0]} *b{rng.randrange(10)}"
        elif op == 10 and len(lines) > 1:
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        elif op == 11 and answers:
            ref = pick(rng, EXERCISE_REFS)
            text = ref if rng.random() < 0.5 and ref == ref.strip() and ref.isprintable() and ref else \
                quote(ref, rng.random() < 0.5)
            found = [i for i, line in enumerate(lines) if line.startswith("exercise:")]
            if found:
                lines[found[0]] = f"exercise: {text}"
            else:
                lines.insert(0, f"exercise: {text}")
        elif op == 12:
            key = "student" if answers else pick(rng, ["title", "instructions"])
            lines.insert(index, f"{key}: {value_text(rng)}")
        elif op == 13 and pair:  # the same quantity under another spelling
            name = pair[0].strip()[:-1]
            spelling = {"delta": "δ", "W": "w", "_new": "'", "dW": "ΔW", "y": "o", "dE_dW": "dE/dW"}
            for old, new in spelling.items():
                if old in name:
                    lines.insert(index + 1, lines[index].replace(name, name.replace(old, new, 1), 1))
                    break
    return lines


BYTE_MUTATIONS = st.integers(0, 15)


def mutate_bytes(rng: random.Random, text: str, op: int) -> bytes:
    """The text encoded, and maybe damaged as bytes: cut short, binary inserted, another encoding."""
    data = text.encode("utf-8", "surrogatepass")
    if op == 0:
        return data[: rng.randrange(len(data) + 1)]
    if op == 1:
        at = rng.randrange(len(data) + 1)
        junk = pick(rng, [b"\x00", b"\x1b", b"\x9b", b"\xc2\x9b", b"\xe2\x80\xae", b"\xff", b"\xe9", b"\xc3",
                          b"\xed\xb3\xa9", b"\xef\xbb\xbf", b"\x07", bytes(rng.randrange(256) for _ in range(6))])
        return data[:at] + junk + data[at:]
    if op == 2:
        return b"\xef\xbb\xbf" + data
    if op == 3:
        return text.encode(pick(rng, ["utf-16", "utf-16-le", "utf-32"]), "surrogatepass")
    if op == 4:
        return data.replace(b"\n", b"\r\n")
    if op == 5:
        return data.replace(b"\n", b"\r")
    if op == 6:
        return data.rstrip(b"\n")
    if op == 7:
        return data + pick(rng, [b"---\n", b"---\nexercise: ex2\n", b"...\n", b"...\ngarbage: [\n", b"\n\n\n",
                                 b"# \x1b[2J\n"])
    return data


def random_data(rng: random.Random, depth: int = 0):
    """Random plain data for yaml.safe_dump: scalars of every type, lists and mappings, nested."""
    kind = rng.randrange(12 if depth < 4 else 9)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return pick(rng, [rng.randint(-(10 ** 30), 10 ** 30), rng.randint(-3, 60), 10 ** 400, -(10 ** 400)])
    if kind == 3:
        return pick(rng, [rng.uniform(-2, 2), float("inf"), float("nan"), 1e308, 5e-324, -0.0, 1e-320])
    if kind in (4, 5):
        return random_text(rng, 20)
    if kind == 6:
        return pick(rng, QUANTITY_NAMES + HOSTILE_NAMES + BUILTINS)
    if kind == 7:
        return long_text(rng)
    if kind == 8:
        return pick(rng, CONTROL_TEXTS[:-6])
    if kind == 9:
        return [random_data(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {pick(rng, [random_text(rng, 8), pick(rng, QUANTITY_NAMES)]): random_data(rng, depth + 1)
            for _ in range(rng.randrange(5))}


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(rng: random.Random, data) -> str:
    """``data`` as YAML in one of PyYAML's styles."""
    try:
        return yaml.dump(data, Dumper=_DUMPER, allow_unicode=rng.random() < 0.5, sort_keys=rng.random() < 0.5,
                         default_flow_style=pick(rng, [None, True, False]), width=pick(rng, [80, 10 ** 6]))
    except (yaml.YAMLError, ValueError, UnicodeError):  # something PyYAML cannot write: write something else
        return repr(data)


# ================================================================ whole files


SEEDS = st.integers(0, 2 ** 32 - 1)


@st.composite
def template_answers(draw) -> bytes:
    """A template of a built-in exercise, filled in (exact, rounded, blank, mixed), then mutated."""
    spec = draw(st.sampled_from(BUILTINS))
    mode = draw(st.sampled_from(["exact", "rounded", "blank", "mixed"]))
    rng = random.Random(draw(SEEDS))
    values = solved(spec)["values"]
    lines = []
    for line in template_lines(spec):
        if not (line.startswith("  ") and line.endswith(":") and "#" not in line):
            lines.append(line)
            continue
        how = pick(rng, ["exact", "rounded", "blank", "slip"]) if mode == "mixed" else mode
        value = values[line.strip()[:-1]]
        if how == "exact":
            lines.append(f"{line} {value!r}")
        elif how == "rounded":
            lines.append(f"{line} {significant(value, rng.randrange(1, 6))!r}")
        elif how == "slip":
            lines.append(f"{line} {value * pick(rng, [-1, 0, 2, 1.5, 0.5, 1e300])!r}")
        else:
            lines.append(line)
    if spec == "ex1" and rng.random() < 0.3:
        lines = [("exercise: ex.yaml" if line == "exercise: ex1" else line) for line in lines]
    lines = mutate_lines(rng, lines, draw(MUTATIONS), answers=True)
    return mutate_bytes(rng, "\n".join(lines) + "\n", draw(BYTE_MUTATIONS))


@st.composite
def scratch_answers(draw) -> bytes:
    """Random YAML, often with the right keys holding the wrong types."""
    rng = random.Random(draw(SEEDS))
    if draw(st.booleans()):
        data = random_data(rng)
    else:
        data = {}
        if rng.random() < 0.8:
            data["exercise"] = pick(rng, BUILTINS + ["ex.yaml", "other.yaml", "notex.yaml"]) \
                if rng.random() < 0.6 else random_data(rng, 2)
        if rng.random() < 0.8:
            data["answers"] = {pick(rng, [pick(rng, QUANTITY_NAMES + HOSTILE_NAMES), random_text(rng, 6)]):
                               random_data(rng, 3) for _ in range(rng.randrange(8))} \
                if rng.random() < 0.7 else random_data(rng, 2)
        if rng.random() < 0.3:
            data["student"] = random_data(rng, 3)
        if rng.random() < 0.2:
            data[random_text(rng, 8)] = random_data(rng, 3)
    lines = mutate_lines(rng, dump(rng, data).splitlines(), draw(MUTATIONS), answers=True)
    return mutate_bytes(rng, "\n".join(lines) + "\n", draw(BYTE_MUTATIONS))


SPECIAL_FILES = {
    "empty": b"", "bom": b"\xef\xbb\xbf", "bom doc": b"\xef\xbb\xbfexercise: ex1\nanswers: {a3: 0.755}\n",
    "doc marker": b"---", "doc end": b"...", "null": b"~\n", "list": b"[]", "map": b"{}", "seq": b"- 1\n",
    "exercise only": b"exercise: ex1", "answers only": b"answers:", "no answers": b"exercise: ex1\nanswers:\n",
    "nul": b"\x00", "utf16": "exercise: ex1\nanswers: {a3: 0.755}\n".encode("utf-16"),
    "directive": b"%YAML 1.2\n---\nexercise: ex1\n", "two docs": b"exercise: ex1\n---\nexercise: ex2\n",
    "comments": b"#" * 5000 + b"\n", "huge": b"exercise: ex1\nanswers:\n" + b"  # padding\n" * 100_000,
    "huge value": b"exercise: ex1\nanswers:\n  a3: " + b"9" * 1_100_000 + b"\n",
    "ansi": b"exercise: ex1\nstudent: \"\\e[2J\\e]0;owned\\a\\x9b\\u202E\"\nanswers: {a3: 0.755}\n",
    "raw esc": b"exercise: ex1\nstudent: \x1b[2J\nanswers: {a3: 0.755}\n",
    "raw c1": "exercise: ex1\nstudent: \x9b2J\u202e\nanswers: {a3: 0.755}\n".encode(),
    "surrogate": b"exercise: ex1\nstudent: \"\\udce9\"\nanswers: {a3: 0.755}\n",
    "long student": ("exercise: ex1\nstudent: " + "Q" * 5000 + "\nanswers: {a3: 0.755}\n").encode(),
    "long key": ("exercise: ex1\nanswers:\n  " + "Q" * 1000 + ": 1\n").encode(),
    "long quoted key": ("exercise: ex1\nanswers:\n  \"" + "Q" * 5000 + "\": 1\n").encode(),
    "long text value": ("exercise: ex1\nanswers:\n  a3: " + "Q" * 5000 + "\n").encode(),
    "long number key": ("exercise: ex1\nanswers:\n  \"a" + "9" * 5000 + "\": 1\n").encode(),
    "recursive alias": b"exercise: ex1\nanswers: &a {a3: *a}\n",
    "recursive list": b"exercise: ex1\nanswers:\n  a3: &a [*a]\n",
    "merge": b"exercise: ex1\nbase: &b {a3: 0.755}\nanswers:\n  <<: *b\n",
    "complex key": b"exercise: ex1\nanswers:\n  ? [a3, y3]\n  : 1\n",
    "tab indent": b"exercise: ex1\nanswers:\n\ta3: 0.755\n",
    "duplicate": b"exercise: ex1\nanswers:\n  a3: 0.755\n  a3: 0.7\n",
    "duplicate top": b"exercise: ex1\nexercise: ex2\nanswers: {}\n",
    "two spellings": b"exercise: ex1\nanswers:\n  delta3: 1\n  \xce\xb43: 2\n",
}
SPECIAL_CONTENTS = list(SPECIAL_FILES.values())


@st.composite
def raw_answers(draw) -> bytes:
    kind = draw(st.integers(0, 4))
    rng = random.Random(draw(SEEDS))
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
    if kind == 1:
        return random_text(rng, 300).encode("utf-8", "surrogatepass")
    if kind == 2:
        return draw(st.sampled_from(SPECIAL_CONTENTS))
    if kind == 3:  # deep nesting, flow or block, at the top or under answers:
        if rng.random() < 0.5:
            return ("exercise: ex1\nanswers:\n  a3: " + flow_nesting(rng) + "\n").encode()
        depth = rng.choice([19, 20, 21, 100, 1000, 5000, rng.randrange(1, 30)])
        return ("exercise: ex1\nanswers:\n  a3:\n" + "\n".join(block_nesting(depth, 2, rng.randrange(4)))
                + "\n").encode()
    return ("exercise: ex1\n" + "\n".join(alias_bomb(rng)) + "\nanswers:\n  a3: *b9\n").encode()


ANSWERS_FILES = st.one_of(template_answers(), template_answers(), template_answers(), template_answers(),
                          scratch_answers(), raw_answers())


def network_data(rng: random.Random, large: bool = True) -> dict:
    """A valid exercise as a mapping: random shape, activations, numbers, biases and options."""
    sizes = [rng.randint(1, 3) for _ in range(rng.randint(2, 4))]
    if large and rng.random() < 0.1:
        sizes = [rng.randint(1, 5), rng.randint(5, 9), rng.randint(1, 3)]  # unit numbers past 10
    cross_entropy = sizes[-1] > 1 and rng.random() < 0.4
    number = lambda: round(rng.uniform(-2, 2), 2)  # noqa: E731
    hidden = ["sigmoid", "tanh", "relu", "linear"]
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size
    data: dict = {"title": pick(rng, ["generated", "Réseau 张", "a"]),
                  "layers": [sizes[0]] + [{"units": size, "activation": pick(rng, hidden)} for size in sizes[1:-1]]
                  + [{"units": sizes[-1], "activation": "softmax" if cross_entropy else pick(rng, hidden)}]}
    weight = lambda s, d: f"W{s}{d}" if s < 10 and d < 10 else f"W{s}_{d}"  # noqa: E731
    data["inputs"] = {f"x{unit}": number() for unit in layers[0]}
    data["weights"] = {weight(s, d): number() for depth in range(1, len(layers))
                       for d in layers[depth] for s in layers[depth - 1]}
    biased = [unit for unit in range(layers[1][0], first) if rng.random() < 0.5]
    if biased:
        data["biases"] = {f"b{unit}": number() for unit in biased}
        if rng.random() < 0.5:
            data["frozen"] = [f"b{pick(rng, biased)}"]
    if cross_entropy:
        hot = pick(rng, layers[-1])
        data["targets"] = {f"t{unit}": int(unit == hot) for unit in layers[-1]}
        data["loss"] = "cross_entropy"
    else:
        data["targets"] = {f"t{unit}": round(rng.random(), 2) for unit in layers[-1]}
    data["learning_rate"] = pick(rng, [1, 0.5, 0.1, 0.9])
    if rng.random() < 0.5:
        data["convention"] = "output_minus_target"
    if rng.random() < 0.5:
        data["asked"] = rng.sample(["forward", "loss", "backward", "update", "check"], rng.randint(1, 3)) + \
            (["E"] if rng.random() < 0.5 else [])
    if rng.random() < 0.5:
        data["tolerance"] = {"rtol": pick(rng, [0, 0.001, 0.01, 0.05, 0.5]), "atol": pick(rng, [0, 1e-8, 1e-4])}
    if rng.random() < 0.5:
        data["points"] = {"E": pick(rng, [0, 2, 0.5, 10])}
    return data


HOSTILE_FIELDS = [
    None, True, 0, -1, 1e308, -1e308, 5e-324, float("inf"), float("nan"), 10 ** 400, "1e400", "\u22120.5",
    "0.35", [], {}, [[[[1]]]], "sigmoid", "Sigmoid", " tanh ", "softmax", "relu", "linear", "t-y", "mse",
    "all", "forward", ["forward"], ["x1"], ["W13"], [True], [None], [2.0, 2], ["2", 2], [10 ** 30, 1], [0, 1],
    [51, 1], [2, 2, 1] * 20, [1], [-1, 1], [{"units": 2, "activation": "softmax"}, 1], [{"units": True}, 1],
    {"rtol": -1}, {"rtol": 1}, {"atol": float("inf")}, {"x": 1}, {"E": 1e308}, {"E": -1}, {"E": "2"},
    {"Q" * 3000: 1}, {"rtol": 0.999999, "atol": 0}, "Q" * 5000, "\x1b[2J" * 3, "\u202e" * 200, [50, 50, 50],
    {"x1": 1, "x2": 2, "x3": 3}, {"t5": 1, "t6": 0}, ["b3", "W13"], ["x1"], {"E": 1, "delta3": 1e6},
]


def hostile_field(rng: random.Random):
    return pick(rng, HOSTILE_FIELDS) if rng.random() < 0.6 else random_data(rng, 2)


EXERCISE_MUTATIONS = st.integers(1, 13 ** 3 - 1)  # one to three of the 12 of mutate_exercise_data


def mutate_exercise_data(rng: random.Random, data: dict, ops: int) -> dict:
    """Changes to an exercise's mapping: wrong types, extreme numbers, odd names, keys dropped."""
    data = json.loads(json.dumps(data))  # a deep copy
    for op in digits(ops, 13):
        key = pick(rng, EXERCISE_KEYS)
        if op <= 2:
            data[key] = hostile_field(rng)
        elif op == 3:
            data.pop(key, None)
        elif op == 4:
            data[pick(rng, [random_text(rng, 10), "Layers", "weight", "activations", pick(rng, HOSTILE_NAMES)])] = \
                random_data(rng, 3)
        elif op in (5, 6, 7, 8) and isinstance(data.get(key), dict) and data[key]:
            inner = pick(rng, sorted(data[key], key=str))
            if op in (5, 6):
                data[key][inner] = pick(rng, [hostile_field(rng), number_text(rng), rng.uniform(-1e308, 1e308)])
            else:
                data[key][pick(rng, [pick(rng, HOSTILE_NAMES + QUANTITY_NAMES), random_text(rng, 6)])] = \
                    data[key].pop(inner)
        elif op in (9, 10) and isinstance(data.get("layers"), list) and data["layers"]:
            index = rng.randrange(len(data["layers"]))
            units = pick(rng, [-2, 0, 1, 2, 50, 51, 2.5, "2"])
            data["layers"][index] = pick(rng, [hostile_field(rng), {"units": units},
                                               {"units": 2, "activation": hostile_field(rng)},
                                               {"units": 2, "extra": 1}, {"activation": "tanh"}])
        elif op == 11:
            data["weights"] = {**data.get("weights", {}), **{f"W{rng.randrange(20)}{rng.randrange(20)}": 0.5}} \
                if isinstance(data.get("weights"), dict) else data.get("weights")
    return data


@st.composite
def exercise_files(draw) -> bytes:
    kind = draw(st.integers(0, 9))
    rng = random.Random(draw(SEEDS))
    ops = draw(EXERCISE_MUTATIONS)
    if kind <= 2:  # a built-in, its mapping changed
        text = dump(rng, mutate_exercise_data(rng, json.loads(exercise_json(pick(rng, BUILTINS))), ops))
    elif kind <= 4:  # a generated network, maybe changed
        data = network_data(rng)
        text = dump(rng, mutate_exercise_data(rng, data, ops) if rng.random() < 0.6 else data)
    elif kind <= 6:  # a built-in's text, changed line by line
        text = exercise_text(pick(rng, BUILTINS))
    elif kind == 7:  # from scratch
        text = dump(rng, {key: hostile_field(rng) for key in EXERCISE_KEYS if rng.random() < 0.6}
                    if rng.random() < 0.7 else random_data(rng))
    elif kind == 8:
        return draw(raw_answers())
    else:
        return draw(st.sampled_from(SPECIAL_CONTENTS))
    lines = text.splitlines()
    if kind > 4 or rng.random() < 0.5:
        lines = mutate_lines(rng, lines, draw(MUTATIONS), answers=False)
    return mutate_bytes(rng, "\n".join(lines) + "\n", draw(BYTE_MUTATIONS))


# ================================================================ file names and the world around them


ODD_NAMES = [
    "s1\u00b22.yaml", "my answers.yaml", " lead.yaml", "trail .yaml", "张伟.yaml", "\u202egnp.yaml", "\u202excod.yml",
    "\x1b[31mred.yaml", "\x1b]0;owned\x07.yaml", "bell\x07.yaml", "a\nb.yaml", "tab\t.yaml", "-dash.yaml",
    "--csv.yaml", "x.YAML", ".hidden.yaml", "a'b\".yaml", "$(rm -rf).yaml", "#.yaml", "%s%n.yaml", "{}.yaml",
    "ex1.yaml", "a:1:2: b.yaml", "\u00e9\u0301.yaml", "Ω.yml", "\U0001f600.yaml", "\ufeffbom.yaml", "\x9b.yaml",
    "\x7f.yaml", "back\\slash.yaml", "Q" * 150 + ".yaml", "a" * 250 + ".yaml", "s10.yaml", "s9.yaml", "s٣.yaml",
    "\r.yaml", "\u2028.yaml", "~.yaml", "*.yaml", "[a].yaml", "-.yaml", "..yaml", "...yaml", "s²³.yaml",
    "ex.yaml", "other.yaml",
]
BYTE_NAMES = [b"caf\xe9.yaml", b"\xff\xfe.yaml", b"\xc3(.yaml", b"\x9b.yaml", b"\xed\xa0\x80.yaml", b"\x80.yml",
              b"\x1b[2J\xe9.yaml", b"ok.yaml", b"\xe2\x80\xae\xff.yaml"]


@st.composite
def file_names(draw) -> bytes:
    """A file name as the file system holds it (bytes): odd, unicode, or not UTF-8 at all."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        name = draw(st.sampled_from(ODD_NAMES)).encode("utf-8", "surrogatepass")
    elif kind == 1:
        name = draw(st.sampled_from(BYTE_NAMES))
    elif kind == 2:
        rng = random.Random(draw(SEEDS))
        name = random_text(rng, 30).replace("/", "_").replace("\x00", "_").encode("utf-8", "surrogatepass") + \
            pick(rng, [b".yaml", b".yml"])
    else:
        rng = random.Random(draw(SEEDS))
        name = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 30))).replace(b"/", b"_") + b".yaml"
    return name if len(name) <= 255 else name[-255:]


def arg(path: Path | str) -> str:
    """A path as a command-line argument (as Python's argv holds a name that is not UTF-8), kept from
    reading as an option."""
    text = os.fspath(path)
    return "./" + text if text.startswith("-") else text


def build_world(root: Path) -> None:
    """Files for `exercise:` to name: an exercise, other answers, folders, links, loops, devices, junk."""
    (root / "ex.yaml").write_text(EX1, encoding="utf-8")
    (root / "other.yaml").write_text("exercise: ex1\nanswers:\n  a3: 0.755\n", encoding="utf-8")
    (root / "notex.yaml").write_text("a: 1\nb: [1, 2]\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "inner.yaml").write_text("exercise: ../ex.yaml\nanswers: {a3: 0.755}\n", encoding="utf-8")
    (root / "dir.yaml").mkdir()
    (root / "binary.yaml").write_bytes(bytes(range(256)))
    (root / "empty.yaml").write_bytes(b"")
    (root / "big.yaml").write_bytes(b"# " + b"x" * 1_100_000 + b"\n")
    (root / os.fsdecode(b"caf\xe9.yaml")).write_text(EX1, encoding="utf-8")
    (root / "s1\u00b22.yaml").write_text(EX1, encoding="utf-8")
    os.symlink("loop.yaml", root / "loop.yaml")
    os.symlink("loopb.yaml", root / "loopa.yaml")
    os.symlink("loopa.yaml", root / "loopb.yaml")
    os.symlink("missing.yaml", root / "dangling.yaml")
    os.symlink("ex.yaml", root / "link.yaml")
    os.symlink("sub", root / "linkdir.yaml")
    os.symlink("/dev/null", root / "null.yaml")
    os.mkfifo(root / "fifo.yaml")
    (root / "fresh").mkdir()  # for a case whose file name the world uses already
    (root / "out").mkdir()  # for the CSV
    (root / "case").mkdir()  # for an exercise file and the answers naming it


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    build_world(root)
    return root


def place(world: Path, folder: Path, name: bytes) -> Path:
    """Where a case's file named ``name`` goes: in ``folder``, or in fresh/ when the name is taken."""
    path = folder / os.fsdecode(name)
    return world / "fresh" / os.fsdecode(name) if os.path.lexists(path) else path


OPTIONS = st.sampled_from([
    [], [], [], [["--format", "json"]], [["-f", "json"]], [["--format", "text"]], [["--rtol", "0"]],
    [["--rtol", "0.5"], ["-f", "json"]], [["--atol", "0"], ["--rtol", "0"]], [["--atol", "1e300"]],
    [["--pass-mark", "0"]], [["--pass-mark", "100"], ["-f", "json"]], [["--pass-mark", "50"], ["-p", "1"]],
    [["-p", "17"], ["--format", "json"]], [["-p", "1"]],
])


def json_requested(options: list[list[str]]) -> bool:
    return any(option[-1] == "json" for option in options)


def grade_and_check(world: Path, args: list[str], csv: Path | None, options, alone: Path | None) -> Run:
    """Runs a grade twice (the same bytes), checks inputs are untouched and the output sane, and, for
    one file graded alone, the refusal contract."""
    note(f"bpcheck {args}")
    out = world / "out"
    before = snapshot(world, skip=out)
    run = run_twice(args, world, csv)
    assert snapshot(world, skip=out) == before, "grading changed, created or removed an input file"
    assert_sane(run.result, grading=True, json_output=json_requested(options))
    if run.result.exit_code == 2 and alone is not None:
        assert_refusal(run.result, has_a_line(alone))
    return run


# ================================================================ the tests


@pytest.mark.fuzz
@settings(max_examples=cases(2.2))
@given(content=ANSWERS_FILES, name=st.sampled_from([b"answers.yaml"]) | file_names(), options=OPTIONS,
       with_csv=st.booleans())
def test_one_answers_file(world, content, name, options, with_csv):
    """Grading one answers file: a grade or a one-line refusal, inputs untouched, the same twice."""
    note_files({name: content})
    path = place(world, world, name)
    write(path, content)
    try:
        csv = world / "out" / "marks.csv"
        args = ["grade", arg(path.relative_to(world)), *flat(options)] + (["--csv", str(csv)] if with_csv else [])
        grade_and_check(world, args, csv if with_csv else None, options, alone=path)
    finally:
        remove(path)


@pytest.mark.fuzz
@settings(max_examples=cases(4.6))
@given(content=exercise_files(), name=st.sampled_from([b"ex.yaml"]) | file_names(), command=st.sampled_from([
    ["solve"], ["solve", "-f", "json"], ["solve", "-f", "markdown"], ["solve", "-p", "17"], ["show"], ["template"],
    ["grade"], ["grade", "-f", "json"]]), answers=st.sampled_from([
        "answers: {}\n", "answers:\n  a3: 0.755\n  E: 0.1\n", "answers:\n  y5: 0.5\n  delta5: 0\n  W13_new: 0.1\n"]))
def test_one_exercise_file(world, content, name, command, answers):
    """solve, show, template on an exercise file, and grade on answers naming it: output or a one-line
    refusal, files untouched, the same twice."""
    note_files({name: content})
    case = world / "case"
    try:
        path = case / os.fsdecode(name)
        write(path, content)
        spec = os.fsdecode(name)
        spec = spec if spec.endswith((".yaml", ".yml")) and not spec.startswith("-") else "./" + spec
        if command[0] == "grade":
            answers_path = case / ("answers.yaml" if name != b"answers.yaml" else "answers2.yaml")
            write(answers_path, f"exercise: {quote(spec)}\n{answers}".encode("utf-8", "surrogatepass"))
            args = ["grade", answers_path.name, *command[1:]]
        else:
            args = [command[0], spec, *command[1:]]
        note(f"bpcheck {args}")
        before = snapshot(case)
        run = run_twice(args, case)
        assert snapshot(case) == before, "bpcheck changed, created or removed a file"
        grading = command[0] == "grade"
        assert_sane(run.result, grading=grading, json_output=grading and command[-1] == "json")
        if run.result.exit_code == 2:
            # An exercise whose name YAML text cannot hold has no template: that refusal is about the name.
            unnamable = command == ["template"] and not os.fsdecode(name).encode("utf-8", "ignore") == name
            assert_refusal(run.result, has_a_line(answers_path if grading else path) and not unnamable)
        elif not grading:
            assert run.result.exit_code == 0, describe(run.result)
    finally:
        for entry in os.listdir(case):
            remove(case / entry)


@pytest.mark.fuzz
@settings(max_examples=cases(0.3))
@given(ref=st.sampled_from(EXERCISE_REFS), quoted=st.booleans(), answers=st.sampled_from([
    "answers: {a3: 0.755}\n", "answers:\n", "answers: {}\n", "answers:\n  a3: 0.755\n  y3: 0.6803\n  E: 0.1\n",
    "student: Ada\nanswers: {delta5: -0.03}\n"]), extra=st.lists(st.sampled_from(
    ["other.yaml", "sub/inner.yaml", "loop.yaml", "dangling.yaml", "dir.yaml", "fifo.yaml", "empty.yaml"]),
    max_size=2), options=OPTIONS, name=st.sampled_from(["answers.yaml", "a.yaml", "sub/b.yaml"]))
def test_what_an_answers_file_names_as_its_exercise(world, ref, quoted, answers, extra, options, name):
    """`exercise:` naming another answers file, a folder, a device, a loop, a non-exercise, itself...: a
    grade or a one-line refusal at the answers file's line (when graded alone)."""
    plain = not quoted and ref and ref == ref.strip() and ref.isprintable()
    content = f"exercise: {ref if plain else quote(ref, False)}\n{answers}".encode("utf-8", "surrogatepass")
    note_files({name: content})
    path = world / name
    write(path, content)
    try:
        csv = world / "out" / "marks.csv"
        args = ["grade", name, *extra, "--csv", str(csv), *flat(options)]
        grade_and_check(world, args, csv, options, alone=None if extra else path)
    finally:
        remove(path)


CONTENTS = st.sampled_from([
    b"exercise: ex1\nanswers:\n  a3: 0.755\n", b"exercise: ex1\nanswers: {}\n", b"exercise: ../ex.yaml\nanswers: {}\n",
    b"not: [valid\n", b"", b"\xff\xfe\x00", b"exercise: ex1\nstudent: \"\\e[2J\"\nanswers: {a3: 0.755}\n",
]) | template_answers()


@pytest.mark.fuzz
@settings(max_examples=cases(0.35))
@given(name=file_names(), content=CONTENTS, kind=st.sampled_from(
    ["file", "file", "link", "dangling", "loop", "loop2", "dir link", "folder", "fifo", "devnull"]),
    alone=st.booleans(), options=OPTIONS)
def test_odd_file_names_and_links(world, name, content, kind, alone, options):
    """Unicode, control characters and bytes that are not UTF-8 in file names; symlinks to a file,
    dangling, in a loop; folders and devices named as answers files. Graded alone and in a folder."""
    note_files({name: content})
    note(f"kind: {kind}")
    folder = world / "fresh" / "class"
    folder.mkdir()
    try:
        path = folder / os.fsdecode(name)
        target = world / "fresh" / "target.yaml"
        write(target, content)
        if kind == "file":
            write(path, content)
        elif kind == "link":
            os.symlink(target, path)
        elif kind == "dangling":
            os.symlink(world / "fresh" / "nowhere.yaml", path)
        elif kind == "loop":
            os.symlink(path, path)
        elif kind == "loop2":
            os.symlink(folder / "other-end.yaml", path)
            os.symlink(path, folder / "other-end.yaml")
        elif kind == "dir link":
            os.symlink(world / "sub", path)
        elif kind == "folder":
            path.mkdir()
            write(path / "inside.yaml", content)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            os.symlink("/dev/null", path)
        csv = world / "out" / "marks.csv"
        where = arg(path.relative_to(world)) if alone else arg(folder.relative_to(world))
        args = ["grade", where, "--csv", str(csv), *flat(options)]
        grade_and_check(world, args, csv, options, alone=path if alone and kind not in ("folder", "dir link") else None)
    finally:
        remove(folder)
        remove(world / "fresh" / "target.yaml")


@pytest.mark.fuzz
@settings(max_examples=cases(0.2))
@given(files=st.lists(st.tuples(file_names(), ANSWERS_FILES), min_size=2, max_size=4,
                      unique_by=lambda pair: pair[0]),
       explicit=st.booleans(), clutter=st.booleans(), options=OPTIONS)
def test_a_class_folder(world, files, explicit, clutter, options):
    """A folder of answers files (or the files named one by one) with --csv: a row each, whatever they
    hold; inputs untouched; the same output and CSV twice."""
    note_files(dict(files))
    folder = world / "fresh" / "class"
    folder.mkdir()
    try:
        for name, content in files:
            write(folder / os.fsdecode(name), content)
        if clutter:
            (folder / "notes.txt").write_text("not graded\n")
            (folder / "nested").mkdir()
            (folder / "nested" / "deep.yaml").write_text("exercise: ex1\nanswers: {}\n")
            if not os.path.lexists(folder / "zz-loop.yaml"):
                os.symlink("../../loop.yaml", folder / "zz-loop.yaml")
        csv = world / "out" / "marks.csv"
        where = [arg((folder / os.fsdecode(name)).relative_to(world)) for name, _ in files] if explicit \
            else [arg(folder.relative_to(world))]
        grade_and_check(world, ["grade", *where, "--csv", str(csv), *flat(options)], csv, options, alone=None)
    finally:
        remove(folder)


# -- a wrong answer never earns more than a right one

_EXACT: dict[str, tuple[str, dict, float, float]] = {}


def grade_score(folder: Path, spec: str, values: dict) -> tuple[float, float] | None:
    lines = [f"exercise: {spec}", "answers:"]
    lines += [f"  {name}:" if value is None else f"  {name}: {value!r}" for name, value in values.items()]
    write(folder / "answers.yaml", ("\n".join(lines) + "\n").encode())
    result = invoke(["grade", "answers.yaml", "--format", "json"], folder).result
    assert_sane(result, grading=True, json_output=True)
    if result.exit_code == 2:
        assert_refusal(result, True)
        return None
    record = json.loads(result.stdout)
    return record["score"], record["max_score"]


def exact_grade(folder: Path, exercise: str) -> tuple[str, dict, float, float]:
    """(the exercise as an answers file names it, its exact values, their score, the maximum score)."""
    if exercise not in _EXACT:
        spec = exercise if exercise in BUILTINS else f"gen{len(_EXACT)}.yaml"
        if spec != exercise:
            (folder / spec).write_text(exercise, encoding="utf-8")
        solution = invoke(["solve", spec, "--format", "json"], folder).result
        assert_sane(solution)
        assert solution.exit_code == 0, f"{exercise}\n{describe(solution)}"
        values = json.loads(solution.stdout)["values"]
        score = grade_score(folder, spec, values)
        assert score is not None, "the exact values were refused"
        _EXACT[exercise] = (spec, values, *score)
    return _EXACT[exercise]


@pytest.fixture(scope="module")
def exercise_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("exercises")


@cache
def generated_exercise(seed: int) -> str:
    return yaml.dump(network_data(random.Random(seed), large=seed % 50 == 0), Dumper=_DUMPER, allow_unicode=True)


EXERCISES = st.sampled_from(BUILTINS) | st.sampled_from(BUILTINS) | st.integers(0, 199).map(generated_exercise)
CHANGES = ["blank", "any", "near", "negated", "doubled", "halved", "times ten", "plus one", "0.1% off", "2% off",
           "1.1% off", "rounded", "another value", "zero", "huge", "tiny"]


@pytest.mark.fuzz
@settings(max_examples=cases(2.4))
@given(exercise=EXERCISES, which=st.integers(0, 10 ** 6), change=st.sampled_from(CHANGES),
       number=st.floats(allow_nan=False, allow_infinity=False), digits=st.integers(1, 6))
def test_a_wrong_answer_never_outscores_the_right_one(exercise_folder, exercise, which, change, number, digits):
    """The exact values (all of them, givens too) score at least as much as the same answers with any one
    value changed or left blank; and they earn full marks."""
    note(f"exercise: {exercise}")
    spec, values, exact, maximum = exact_grade(exercise_folder, exercise)
    names = sorted(values)
    name = names[which % len(names)]
    value = values[name]
    others = [v for v in values.values() if v != value] or [0.0]
    changed = {"blank": None, "any": number, "near": value + number % 1, "negated": -value, "doubled": 2 * value,
               "halved": value / 2, "times ten": 10 * value, "plus one": value + 1, "0.1% off": value * 1.001,
               "2% off": value * 1.02, "1.1% off": value * (1 - 0.011), "rounded": significant(value, digits),
               "another value": others[which % len(others)], "zero": 0.0, "huge": 1e308, "tiny": 5e-324}[change]
    note(f"{name}: {value!r} -> {changed!r}")
    score = grade_score(exercise_folder, spec, {**values, name: changed})
    if score is not None:
        assert score[0] <= exact + 1e-9, f"{name} = {changed!r} scores {score[0]}; the exact {value!r} scores {exact}"
    assert exact == maximum, f"the exact values score {exact} of {maximum}"


# -- across hash seeds


def _class_for_hash_seeds(folder: Path) -> None:
    """Students of every built-in exercise: rounded values with one to three slips (carried forward,
    named mistakes), odd names, a local exercise, broken files."""
    rng = random.Random(20240607)
    students = ["Ada", "张伟", "Zoë", "O'Neil", "\u202eevil"]
    (folder / "hw.yaml").write_text(EX1 + "biases: {b3: 0.1, b5: -0.2}\nasked: [forward, loss, backward, W13_new]\n"
                                    "points: {E: 2}\n", encoding="utf-8")
    for spec in BUILTINS:
        values = solved(spec)["values"]
        names = [line.strip()[:-1] for line in template_lines(spec) if line.startswith("  ") and line.endswith(":")]
        for student in range(3):
            answers = {name: significant(values[name], 4) for name in names}
            for slip in rng.sample(names, k=min(len(names), student + 1)):
                answers[slip] *= pick(rng, [-1, 2, 0.5, 1.3, 0])
            lines = [f"exercise: {spec}", f"student: {quote(pick(rng, students) + f' {student}', False)}",
                     "answers:"] + [f"  {name}: {value!r}" for name, value in answers.items()]
            (folder / f"{spec}-s{student}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "hw-answers.yaml").write_text("exercise: hw.yaml\nanswers:\n  a3: 0.8\n  y3: 0.69\n  E: 0.1\n")
    (folder / "typo.yaml").write_text("exercise: ex1\nanswers:\n  a3: 0.755\n  yy3: 1\n")
    (folder / "twice.yaml").write_text("exercise: ex1\nanswers:\n  delta3: 1\n  δ3: 2\n", encoding="utf-8")
    (folder / "s1\u00b22.yaml").write_text("exercise: ex1\nanswers: {a3: 0.755}\n", encoding="utf-8")
    (folder / "张伟.yaml").write_text("exercise: ex3\nanswers: {a3: 0.755, y5: 0.7}\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("exercise: ex1\nanswers: [\n")
    (folder / "unknown.yaml").write_text("exercize: ex1\nanswer: {}\n")


@pytest.mark.fuzz
def test_the_same_class_gives_the_same_bytes_under_any_hash_seed(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    _class_for_hash_seeds(folder)
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        seen = []
        for options in (["--format", "json"], ["--format", "text"]):
            csv = tmp_path / "marks.csv"
            done = subprocess.run([sys.executable, "-m", "bpcheck", "grade", "class", "--csv", csv.name, *options],
                                  cwd=tmp_path, env=env, capture_output=True, timeout=120)
            assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
            assert done.returncode in (0, 1, 2), done
            seen.append((done.returncode, done.stdout, done.stderr, csv.read_bytes() if csv.exists() else None))
            csv.unlink(missing_ok=True)
        outputs.append(seen)
    for first, second, label in zip(outputs[0], outputs[1], ("json", "text")):
        assert first == second, f"--format {label}: PYTHONHASHSEED=0 and 12345 give different bytes:\n" \
                                f"{first[1][:3000]!r}\n---\n{second[1][:3000]!r}\n" \
                                f"csv:\n{first[3]!r}\n---\n{second[3]!r}"


# -- nesting deep enough to exhaust the parser's C stack: in a subprocess, so that a crash is reported


@pytest.mark.fuzz
@pytest.mark.parametrize("text", [
    "- " * 30_000 + "1\n",
    "exercise: ex1\nanswers:\n  a3: " + "- " * 100_000 + "1\n",
    "exercise: ex1\nanswers:\n  a3:\n    " + "- " * 100_000 + "1\n",
    "? " * 100_000 + "a\n",
    "[" * 100_000 + "]" * 100_000 + "\n",
], ids=["top-level sequences", "sequences after a key", "sequences under a key", "complex keys", "flow"])
def test_deep_block_nesting_is_refused_not_crashed(tmp_path, text):
    for command, name in (("grade", "answers.yaml"), ("solve", "ex.yaml")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "bpcheck", command, name], cwd=tmp_path,
                              capture_output=True, timeout=120)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2, f"bpcheck {command} {name}: exit code {done.returncode}\n{stderr[-3000:]}"
        assert done.stdout == b"" and stderr.startswith("bpcheck: ") and stderr.count("\n") == 1, stderr[-3000:]
