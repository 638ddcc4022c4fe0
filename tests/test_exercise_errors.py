"""Bad exercise files: one line on stderr (file:line:column, what is wrong, what to do), exit code 2,
no traceback, and the file left exactly as it was.

Every case is a YAML text with known line numbers, the line and column the message must name, and words
the message must contain. Each case runs through the CLI (``bpcheck solve PATH``) and through
``bpcheck.loading.load_exercise``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_bad_input_line

from bpcheck.errors import BpcheckError, ExerciseError
from bpcheck.loading import load_exercise
from bpcheck.solution import solve

# A fixed width and no colour; variables that would force a terminal on rich are unset (None).


@pytest.fixture(scope="module")
def cli(cli):
    return cli.with_env(COLUMNS="100")  # the width these messages were written against


# The tutorial's 2-2-1 network; the trailing comments are the line numbers the cases refer to.
BASE = """\
title: a good exercise                 # 1
layers: [2, 2, 1]                      # 2
activation: sigmoid                    # 3
inputs: {x1: 0.35, x2: 0.9}            # 4
weights:                               # 5
  W13: 0.1                             # 6
  W23: 0.8                             # 7
  W14: 0.4                             # 8
  W24: 0.6                             # 9
  W35: 0.3                             # 10
  W45: 0.9                             # 11
targets: {t5: 0.5}                     # 12
learning_rate: 1                       # 13
"""

# A 2-2-2 softmax / cross-entropy network (softmax is implied by the loss).
CROSS_ENTROPY = """\
title: softmax outputs                 # 1
layers: [2, 2, 2]                      # 2
loss: cross_entropy                    # 3
inputs: {x1: 0.35, x2: 0.9}            # 4
weights:                               # 5
  W13: 0.1                             # 6
  W23: 0.8                             # 7
  W14: 0.4                             # 8
  W24: 0.6                             # 9
  W35: 0.3                             # 10
  W45: 0.9                             # 11
  W36: 0.5                             # 12
  W46: -0.2                            # 13
targets: {t5: 1, t6: 0}                # 14
learning_rate: 1                       # 15
"""


def replace_line(number: int, new: str, text: str = BASE) -> str:
    """``text`` with line ``number`` (1-based) replaced by ``new``; the other lines keep their numbers."""
    lines = text.splitlines()
    assert 1 <= number <= len(lines)
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def insert_after(number: int, new: str, text: str = BASE) -> str:
    """``text`` with ``new`` inserted as line ``number + 1``."""
    lines = text.splitlines()
    lines.insert(number, new)
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> bytes:
    # surrogateescape lets a case hold a byte that is not UTF-8 ("\udce9" is written as the byte 0xe9).
    raw = text.encode("utf-8", "surrogateescape")
    path.write_bytes(raw)
    return raw


ANYWHERE = "anywhere"  # line or column not checked (an alias bomb has no one line to blame)

# (id, YAML text, line, column (None: the message names none), words the message must contain)
BAD_EXERCISES = [
    # not YAML at all
    ("extra-bracket", replace_line(2, "layers: [2, 2, 1]]"), 2, 18, ["not valid YAML"]),
    ("indented-key", replace_line(3, "  activation: sigmoid"), 3, 3, ["not valid YAML", "indentation"]),
    ("over-indented-weight", replace_line(8, "   W14: 0.4"), 8, 4, ["not valid YAML"]),
    ("tab-indent", replace_line(8, "\tW14: 0.4"), 8, 1, ["not valid YAML"]),
    ("top-level-list", "- 1\n- 2\n", 1, 1, ["is not an exercise file"]),
    # wrong types
    ("layers-as-text", replace_line(2, 'layers: "two"'), 2, 9, ["'layers:'", "two layers", "layers: [2, 2, 1]"]),
    ("weight-as-text", replace_line(9, '  W24: "abc"'), 9, 8, ["W24", "'abc' is not a number", "decimal number"]),
    ("weight-as-bare-word", replace_line(9, "  W24: abc"), 9, 8, ["W24", "'abc' is not a number"]),
    ("weight-as-list", replace_line(9, "  W24: [0.6]"), 9, 8, ["W24", "a list is not a number"]),
    ("weight-as-mapping", replace_line(9, "  W24: {value: 0.6}"), 9, 8, ["W24", "a mapping is not a number"]),
    ("weight-true", replace_line(9, "  W24: true"), 9, 8, ["W24", "true is not a number"]),
    ("learning-rate-true", replace_line(13, "learning_rate: true"), 13, 16, ["learning_rate", "true is not a number"]),
    ("input-as-text", replace_line(4, "inputs: {x1: 0.35, x2: high}"), 4, 24, ["x2", "'high' is not a number"]),
    ("decimal-comma", replace_line(9, '  W24: "0,6"'), 9, 8, ["W24", "decimal comma"]),
    ("layer-size-text", replace_line(2, "layers: [2, two, 1]"), 2, 13, ["layer 2", "whole number"]),
    ("layer-size-float", replace_line(2, "layers: [2, 2.5, 1]"), 2, 13, ["layer 2", "whole number"]),
    # the network's shape
    ("weight-missing", replace_line(9, "  # W24 forgotten"), 5, 1, ["W24", "missing", "weights:"]),
    ("two-weights-missing", replace_line(9, "  # W24 forgotten", replace_line(7, "  # W23 forgotten")),
     5, 1, ["W23 and W24 are missing"]),
    ("weight-to-no-unit", insert_after(11, "  W36: 0.2"), 12, 3, ["W36", "unit 6", "does not exist", "1-5"]),
    ("weight-from-no-unit", insert_after(11, "  W75: 0.2"), 12, 3, ["W75", "unit 7", "does not exist"]),
    ("weight-skips-layer", insert_after(11, "  W15: 0.2"), 12, 3, ["W15", "next layer", "3-4"]),
    ("weight-backwards", insert_after(11, "  W31: 0.2"), 12, 3, ["W31", "next layer"]),
    ("weight-bad-name", insert_after(11, "  V13: 0.2"), 12, 3, ["'V13' is not a weight name", "W13"]),
    ("same-weight-twice", insert_after(11, "  W1_3: 0.2"), 12, 3, ["W1_3", "same weight"]),
    ("empty-layer", replace_line(2, "layers: [2, 0, 1]"), 2, 13, ["layer 2 has 0 units", "at least one unit"]),
    ("one-layer", replace_line(2, "layers: [2]"), 2, 9, ["at least two layers"]),
    ("target-missing", replace_line(12, "targets: {}"), 12, 1, ["t5 is missing", "targets:"]),
    ("target-of-hidden-unit", replace_line(12, "targets: {t4: 0.5}"), 12, 11, ["t4", "unit 4", "units 5"]),
    ("input-missing", replace_line(4, "inputs: {x1: 0.35}"), 4, 1, ["x2 is missing", "inputs:"]),
    ("input-of-no-unit", replace_line(4, "inputs: {x1: 0.35, x2: 0.9, x9: 1}"), 4, 29, ["x9", "unit 9", "does not exist"]),
    # unknown words
    ("unknown-activation", replace_line(3, "activation: sigmod"), 3, 13,
     ["unknown activation 'sigmod'", "did you mean sigmoid?"]),
    ("unknown-layer-activation", replace_line(2, "layers: [2, {units: 2, activation: tanhh}, 1]"), 2, 36,
     ["unknown activation 'tanhh'", "did you mean tanh?"]),
    ("unknown-loss", insert_after(3, "loss: squared_eror"), 4, 7, ["unknown loss 'squared_eror'", "did you mean squared_error?"]),
    ("unknown-loss-far", insert_after(3, "loss: hinge"), 4, 7, ["unknown loss 'hinge'", "squared_error", "cross_entropy"]),
    ("unknown-key", insert_after(13, "learning_rat: 2"), 14, 1, ["unknown key 'learning_rat'", "did you mean learning_rate?"]),
    ("unknown-key-far", insert_after(13, "momentum: 0.9"), 14, 1, ["unknown key 'momentum'", "learning_rate"]),
    ("unknown-asked", insert_after(13, "asked: [delta3, deltta4]"), 14, 17,
     ["asked: 'deltta4' is not a quantity", "did you mean delta4?"]),
    ("asked-no-such-unit", insert_after(13, "asked: [forward, delta9]"), 14, 18, ["'delta9' is not a quantity"]),
    # duplicate keys
    ("duplicate-weight", insert_after(11, "  W13: 0.2"), 12, 3, ["W13 is given twice", "first on line 6"]),
    ("duplicate-top-level", insert_after(13, "learning_rate: 2"), 14, 1, ["learning_rate is given twice", "first on line 13"]),
    ("duplicate-crlf", insert_after(11, "  W13: 0.2").replace("\n", "\r\n"), 12, 3, ["W13 is given twice", "first on line 6"]),
    ("duplicate-in-flow", replace_line(4, "inputs: {x1: 0.35, x2: 0.9, x1: 0.4}"), 4, 29, ["x1 is given twice", "first on line 4"]),
    # numbers bpcheck cannot check
    ("nan-weight", replace_line(9, "  W24: .nan"), 9, 8, ["W24", "NaN"]),
    ("inf-weight", replace_line(9, "  W24: .inf"), 9, 8, ["W24", "infinity"]),
    ("minus-inf-weight", replace_line(9, "  W24: -.inf"), 9, 8, ["W24", "infinity"]),
    ("overflowing-weight", replace_line(9, "  W24: 1e999"), 9, 8, ["W24"]),
    ("learning-rate-zero", replace_line(13, "learning_rate: 0"), 13, 16, ["learning_rate must be positive, not 0"]),
    ("learning-rate-negative", replace_line(13, "learning_rate: -0.5"), 13, 16, ["learning_rate must be positive, not -0.5"]),
    # YAML features that are refused
    ("python-tag", replace_line(9, '  W24: !!python/object/apply:os.system ["echo hacked"]'), 9, 8,
     ["YAML tag", "python/object/apply:os.system", "not allowed"]),
    ("python-name-tag", replace_line(9, "  W24: !!python/name:os.system"), 9, 8, ["YAML tag", "not allowed"]),
    ("binary-tag", replace_line(9, "  W24: !!binary aGVsbG8="), 9, 8, ["!!binary", "not allowed"]),
    ("local-tag", replace_line(9, "  W24: !weight 0.6"), 9, 8, ["YAML tag", "not allowed"]),
    ("merge-key", replace_line(12, "targets: {<<: {t5: 0.5}}"), 12, 11, ["merge keys", "not allowed"]),
    ("billion-laughs", "layers: [2, 1]\n"  # an exercise's key: its error may be shown
                       "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", ANYWHERE, ANYWHERE, ["too large"]),
    # not text, too big, too deep
    ("not-utf8", replace_line(1, "title: caf\udce9"), 1, 11, ["byte 0xe9", "not UTF-8", "save the file as UTF-8"]),
    ("not-utf8-later-line", replace_line(12, "targets: {t5: 0.5}  # \udcff"), 12, 23, ["byte 0xff", "not UTF-8"]),
    ("not-utf8-crlf", replace_line(12, "targets: {t5: 0.5}  # \udcff").replace("\n", "\r\n"), 12, 23, ["byte 0xff"]),
    ("huge", BASE + "#" + "x" * 1_100_000 + "\n", None, None, ["bytes", "at most 1,000,000"]),
    ("deep-flow", "[" * 10000, 1, 21, ["nested more than", "levels deep"]),  # at the 21st bracket
    ("deep-flow-in-a-value", replace_line(12, "targets: " + "[" * 10000), 12, 30, ["nested more than"]),
    # The column depends on PyYAML: 6.0.4 stops at its own depth limit before bpcheck counts 20 levels.
    ("deep-block", "- " * 10000 + "1\n", 1, ANYWHERE, ["too large or too deeply nested"]),
    # rules of the loss and the layers
    ("cross-entropy-targets-sum", replace_line(14, "targets: {t5: 0.5, t6: 0.7}", CROSS_ENTROPY), 14, 1,
     ["cross_entropy targets", "summing to 1", "1.2", "one-hot"]),
    ("cross-entropy-negative-target", replace_line(14, "targets: {t5: 1.5, t6: -0.5}", CROSS_ENTROPY), 14, 1,
     ["cross_entropy targets"]),
    ("softmax-hidden", replace_line(2, "layers: [2, {units: 2, activation: softmax}, 1]"), 2, 13,
     ["softmax can only be the output layer's activation", "hidden layers"]),
    ("softmax-output-squared-error", replace_line(2, "layers: [2, 2, {units: 1, activation: softmax}]"), 2, 16,
     ["softmax outputs and cross_entropy loss go together"]),
    ("cross-entropy-sigmoid-output", insert_after(3, "loss: cross_entropy"), 4, 7,
     ["softmax outputs and cross_entropy loss go together"]),
]

# The line numbers in these cases are only right if the bases themselves are good exercises.
# (Checked separately in test_the_base_exercises_are_valid.)
CASE_IDS = [case[0] for case in BAD_EXERCISES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


def location(path: Path, line: int | None, column: int | None) -> str:
    if ANYWHERE in (line, column):
        return f"{path}:"
    return ":".join(str(part) for part in (path, line, column) if part is not None)


def assert_one_line_error(result, path: Path, line: int | None, column: int | None, words: list[str]) -> str:
    """The CLI's contract for bad input; returns the message (without the 'bpcheck: ' prefix)."""
    prefix = location(path, line, column) + ("" if ANYWHERE in (line, column) else ": ")
    return assert_bad_input_line(result, prefix, words)


def test_the_base_exercises_are_valid(cli, tmp_path):
    """The cases change one line of a good exercise; the good exercises themselves solve."""
    for text, output_units in ((BASE, 1), (CROSS_ENTROPY, 2)):
        path = tmp_path / "good.yaml"
        write(path, text)
        exercise = load_exercise(str(path))
        assert exercise.network.layer_sizes[-1] == output_units
        values = solve(exercise).values
        assert values["x1"] == 0.35 and values["W13"] == 0.1
        result = cli("solve", path)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
    # the base is the tutorial's network (§13): a3 = 0.755
    path = tmp_path / "good.yaml"
    write(path, BASE)
    assert solve(load_exercise(str(path))).values["a3"] == pytest.approx(0.755, rel=1e-12)


@pytest.mark.parametrize("text, line, column, words", [case[1:] for case in BAD_EXERCISES], ids=CASE_IDS)
def test_bad_exercise_through_the_cli(cli, tmp_path, text, line, column, words):
    path = tmp_path / "exercise.yaml"
    before = write(path, text)
    result = cli("solve", path)
    assert_one_line_error(result, path, line, column, words)
    assert path.read_bytes() == before, "the exercise file was modified"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exercise.yaml"], "files appeared beside the exercise"


@pytest.mark.parametrize("text, line, column, words", [case[1:] for case in BAD_EXERCISES], ids=CASE_IDS)
def test_bad_exercise_through_load_exercise(tmp_path, text, line, column, words):
    path = tmp_path / "exercise.yaml"
    before = write(path, text)
    with pytest.raises(ExerciseError) as caught:
        load_exercise(str(path))
    error = caught.value
    assert isinstance(error, BpcheckError)
    assert error.file == str(path)
    if ANYWHERE not in (line, column):
        assert (error.line, error.column) == (line, column)
    assert error.hint, "every error says what to do"
    assert "\n" not in str(error)
    for word in words:
        assert word in str(error)
    assert path.read_bytes() == before


def test_missing_file(cli, tmp_path):
    path = tmp_path / "nowhere.yaml"
    result = cli("solve", path)
    message = assert_one_line_error(result, path, None, None, ["no such file", "check the path"])
    assert message == f"{path}: no such file; check the path and its spelling"
    assert not path.exists()


def test_missing_file_through_load_exercise(tmp_path):
    with pytest.raises(ExerciseError) as caught:
        load_exercise(str(tmp_path / "nowhere.yaml"))
    assert caught.value.file == str(tmp_path / "nowhere.yaml")
    assert (caught.value.line, caught.value.column) == (None, None)


def test_a_folder(cli, tmp_path):
    folder = tmp_path / "exercises.yaml"
    folder.mkdir()
    result = cli("solve", folder)
    assert_one_line_error(result, folder, None, None, ["is a folder", ".yaml file"])
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_folder_without_yaml_suffix(cli, tmp_path):
    folder = tmp_path / "homework"
    folder.mkdir()
    result = cli("solve", folder)
    assert_one_line_error(result, folder, None, None, ["is a folder"])


def test_python_tag_executes_nothing(cli, tmp_path):
    marker = tmp_path / "hacked"
    path = tmp_path / "exercise.yaml"
    before = write(path, replace_line(9, f'  W24: !!python/object/apply:os.system ["touch {marker}"]'))
    result = cli("solve", path)
    assert_one_line_error(result, path, 9, 8, ["not allowed"])
    with pytest.raises(ExerciseError):
        load_exercise(str(path))
    assert not marker.exists(), "the YAML tag ran a command"
    assert path.read_bytes() == before


@pytest.mark.parametrize("text, opened_on", [
    (replace_line(4, "inputs: {x1: 0.35, x2: 0.9"), 4),   # '{' never closed
    (replace_line(2, "layers: [2, 2, 1"), 2),             # '[' never closed
    (replace_line(12, "targets: {t5: 0.5"), 12),          # '{' never closed
    (replace_line(1, 'title: "a good exercise'), 1),       # '"' never closed
], ids=["brace-line-4", "bracket-line-2", "brace-line-12", "quote-line-1"])
def test_unclosed_bracket_or_quote_names_the_line_where_it_opened(cli, tmp_path, text, opened_on):
    """The parser only notices an unclosed bracket or quote on a later line (or at the end of the file);
    the real problem is where it was opened, so the message must name that line: as its location or
    as 'line N' in the text."""
    path = tmp_path / "exercise.yaml"
    before = write(path, text)
    result = cli("solve", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    message = result.stderr.strip()
    assert "not valid YAML" in message
    assert (message.startswith(f"bpcheck: {path}:{opened_on}:") or f"line {opened_on}" in message), message
    reported_line = int(message[len(f"bpcheck: {path}:"):].split(":")[0])
    assert reported_line <= text.count("\n"), f"line {reported_line} is past the end of the file: {message}"
    assert path.read_bytes() == before


@pytest.mark.parametrize("text, words", [
    ("[" * 10000, ["nested more than"]),
    (replace_line(9, '  W24: !!python/object/apply:os.system ["echo hacked"]'), ["not allowed"]),
    (replace_line(1, "title: caf\udce9"), ["not UTF-8"]),
], ids=["deep-flow", "python-tag", "not-utf8"])
def test_a_real_process_prints_one_line_and_exits_2(cli, tmp_path, text, words):
    """CliRunner catches exceptions; a real process shows what a user sees."""
    path = tmp_path / "exercise.yaml"
    before = write(path, text)
    process = cli.process("solve", path)
    assert process.returncode == 2
    assert process.stdout == ""
    assert "Traceback" not in process.stderr
    assert process.stderr.count("\n") == 1 and process.stderr.startswith(f"bpcheck: {path}:")
    for word in words:
        assert word in process.stderr
    assert "hacked" not in process.stdout
    assert path.read_bytes() == before

