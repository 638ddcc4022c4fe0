"""Marks a course can defend (issue 17): no free copy, and no zero for one slip.

- Part 2: graded against a pinned exercise, a file's own `variant:` is never trusted for marks: the
  variant comes from `--variant NAME`, from the student id its path gives, or (explicitly) from the
  file; copies are flagged.
- Part 3: a file naming another exercise is graded against the pinned one, flagged; a value that is
  not a number is that value's verdict, `unreadable`; a decimal comma between digits is read as a point.

Every case runs on exercises made here by `bpcheck new` (shapes and seeds no other test uses) and on
variants named here, through the command line and through the library. Expected values come from the
solver of each variant (the oracle the rest of the suite checks against the tutorial, hand-worked
networks and finite differences); what is tested is which variant, which exercise and which values a
file is graded on, and what every output says of it.
"""

from __future__ import annotations

import base64
import csv
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import assert_bad_input_line

import bpcheck
from bpcheck import grade_file, grade_files, load_exercise, solve
from bpcheck.variants import make_variant

CREDITED = ("correct", "carried_forward")
# (shape, options): a sigmoid network with biases and two outputs, and a tanh one
SHAPES = {"3-2-2": ("--biases", "--seed", "4101"), "2-3-1": ("--activation", "tanh", "--seed", "4102")}


def new_exercise(cli, folder: Path, shape: str, extra: str = "") -> Path:
    made = cli("new", "--shape", shape, *SHAPES[shape])
    assert made.exit_code == 0, made.output
    path = folder / f"hw-{shape}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(made.stdout + extra, encoding="utf-8")
    return path


def values_of(exercise: Path, variant: str | None = None) -> dict[str, float]:
    """The exact values of the exercise's asked quantities, for ``variant`` (None: its own numbers)."""
    loaded = load_exercise(str(exercise))
    solution = solve(make_variant(loaded, variant) if variant is not None else loaded)
    return {name: solution.values[name] for name in solution.asked}


def answers(path: Path, values: dict[str, object], *, exercise: str | None = None, variant: str | None = None,
            student: str | None = None) -> Path:
    head = [f"{key}: {value}" for key, value in (("exercise", exercise), ("student", student), ("variant", variant))
            if value is not None]
    body = [f"  {name}: {value!r}" if isinstance(value, float) else f"  {name}: {value}"
            for name, value in values.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*head, "answers:", *body]) + "\n", encoding="utf-8")
    return path


def by_file(record: dict) -> dict[str, dict]:
    """The batch JSON's records by the student's folder (hw2-s1701) or file name."""
    return {Path(f["file"]).parts[-3] if f["file"].endswith("answers/answers.yaml") else Path(f["file"]).name: f
            for f in record["files"]}


def score_against(exercise: Path, variant: str | None, given: dict[str, float]) -> float:
    """What ``given`` scores when graded as ``variant``, from scratch: the grader on that variant's
    solution, which knows the exercise's own values (a value worked from them is `other-numbers`)."""
    from bpcheck.grading import grade

    loaded = load_exercise(str(exercise))
    if variant is None:
        return grade(solve(loaded), given).score
    return grade(solve(make_variant(loaded, variant)), given, others=solve(loaded).values).score


# ---------------------------------------------------------------- Part 2: no free copy


@pytest.fixture(params=sorted(SHAPES))
def classroom(cli, request, tmp_path):
    """A GitHub Classroom download: hw2-s1700 worked their own variant and (as the starter file did)
    names none; hw2-s1701 (alice) names hers; hw2-s1702 (bob) handed in alice's file, variant line and all."""
    exercise = new_exercise(cli, tmp_path / "course", request.param)
    subs = tmp_path / "subs"
    own = {sid: values_of(exercise, sid) for sid in ("s1700", "s1701", "s1702")}
    answers(subs / "hw2-s1700" / "answers" / "answers.yaml", own["s1700"])
    alice = answers(subs / "hw2-s1701" / "answers" / "answers.yaml", own["s1701"], variant="s1701")
    bob = subs / "hw2-s1702" / "answers" / "answers.yaml"
    bob.parent.mkdir(parents=True)
    bob.write_bytes(alice.read_bytes())
    return exercise, subs, own


def test_bob_copies_alice_and_is_graded_as_bob_with_both_files_flagged(cli, classroom, tmp_path):
    exercise, subs, own = classroom
    asked = len(own["s1701"])
    result = cli("grade", subs, "--exercise", exercise, "--feedback", "hint", "--csv", tmp_path / "marks.csv",
                 "--format", "json")
    assert result.exit_code == 1, result.output
    record = json.loads(result.stdout)
    assert record["variant_from"] == "id"
    files = by_file(record)
    alice, bob, first = files["hw2-s1701"], files["hw2-s1702"], files["hw2-s1700"]
    assert (alice["variant"], alice["score"], alice["max_score"]) == ("s1701", asked, asked)
    bobs = score_against(exercise, "s1702", own["s1701"])  # alice's numbers, graded as bob's variant
    assert (bob["variant"], bob["score"]) == ("s1702", bobs) and bobs < asked / 2
    # the first file in the class named no variant: graded as its student's own, though no file before it
    # had named one (it is graded again once one does), not against the exercise's own numbers
    assert (first["variant"], first["score"], first["flags"]) == ("s1700", asked, [])
    alice_file, bob_file = (f"{subs}/hw2-{sid}/answers/answers.yaml" for sid in ("s1701", "s1702"))
    assert alice["flags"] == [{"kind": "variant-claimed-twice", "line": 1,
                               "message": f"variant: s1701 is named by {bob_file} too"}]
    assert bob["flags"] == [
        {"kind": "other-variant", "line": 1, "message": "variant: s1701 is not its student's variant, s1702 (the id "
                                                        "its path gives); it was graded as s1702"},
        {"kind": "variant-claimed-twice", "line": 1, "message": f"variant: s1701 is named by {alice_file} too"}]
    with open(tmp_path / "marks.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert (rows["s1702"]["variant"], float(rows["s1702"]["score"])) == ("s1702", bobs)
    assert rows["s1702"]["flags"].startswith("other-variant: line 1: variant: s1701 is not its student's variant")
    assert rows["s1701"]["flags"] == f"variant-claimed-twice: line 1: variant: s1701 is named by {bob_file} too"
    assert rows["s1700"]["flags"] == ""
    # the library gives the same records
    assert grade_files([subs], exercise=str(exercise), feedback="hint").to_dict() == record
    # and the text summary says so where the instructor reads it
    text = cli("grade", subs, "--exercise", exercise, "--feedback", "hint").stdout
    assert "Each file was graded as the variant of the student id its path gives" in text
    assert f"⚑ {bob_file}: line 1: variant: s1701 is not its student's variant, s1702" in text
    assert f"⚑ {alice_file}: line 1: variant: s1701 is named by {bob_file} too" in text


def test_the_old_way_trusts_the_files_only_when_told_to(cli, classroom):
    exercise, subs, own = classroom
    asked = len(own["s1701"])
    trusted = json.loads(cli("grade", subs, "-e", exercise, "--variant-from-file", "-f", "json").stdout)
    assert trusted["variant_from"] == "file"
    files = by_file(trusted)
    assert (files["hw2-s1702"]["variant"], files["hw2-s1702"]["score"]) == ("s1701", asked)  # trusted: the copy pays
    assert [f["kind"] for f in files["hw2-s1702"]["flags"]] == ["variant-claimed-twice"]  # but is still flagged
    assert (files["hw2-s1700"]["variant"], files["hw2-s1700"]["score"]) == (None, score_against(exercise, None,
                                                                                               own["s1700"]))
    # self-study (no --exercise) trusts the file too, and flags nothing: nothing there is a mark
    alice = subs / "hw2-s1701" / "answers" / "answers.yaml"
    alice.write_text(alice.read_text(encoding="utf-8").replace("answers:", f"exercise: {exercise}\nanswers:", 1),
                     encoding="utf-8")
    alone = json.loads(cli("grade", alice, "-f", "json").stdout)
    assert (alone["variant"], alone["score"], alone["flags"]) == ("s1701", asked, [])


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_course_without_variants_grades_everyone_against_the_exercise(cli, tmp_path, shape):
    exercise = new_exercise(cli, tmp_path, shape)
    base, theirs = values_of(exercise), values_of(exercise, "kim-lee")
    answers(tmp_path / "subs" / "ann.yaml", base)
    answers(tmp_path / "subs" / "kim-lee.yaml", theirs)  # a variant's answers, its line dropped to dodge
    record = json.loads(cli("grade", tmp_path / "subs", "-e", exercise, "-f", "json").stdout)
    files = by_file(record)
    assert record["variant_from"] is None
    assert (files["ann.yaml"]["variant"], files["ann.yaml"]["score"]) == (None, len(base))
    assert files["kim-lee.yaml"]["score"] == score_against(exercise, None, theirs) < len(base) / 2  # no free copy
    assert "Graded without variants: no file names one" in cli("grade", tmp_path / "subs", "-e", exercise).stdout


def test_an_exercise_without_variants_ignores_the_variant_a_file_names(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "3-2-2", "variants: false\n")
    base = values_of(exercise)
    answers(tmp_path / "subs" / "ann.yaml", base, variant="ann")
    answers(tmp_path / "subs" / "bo.yaml", base)
    record = json.loads(cli("grade", tmp_path / "subs", "-e", exercise, "-f", "json").stdout)
    ann = by_file(record)["ann.yaml"]
    assert (ann["variant"], ann["score"]) == (None, len(base))
    assert ann["flags"] == [{"kind": "other-variant", "line": 1, "message": f"variant: ann is not taken: "
                             f"{exercise} has no variants; it was graded against the exercise's own numbers"}]


@pytest.mark.parametrize("layout", ["one student's folder", "in and out of folders", "one id twice"])
def test_variants_the_paths_cannot_tell_apart_are_refused_never_guessed(cli, tmp_path, layout):
    exercise = new_exercise(cli, tmp_path, "2-3-1")
    subs = tmp_path / "subs"
    files = {"one student's folder": ["hw2-s1/a.yaml", "hw2-s1/b.yaml"],
             "in and out of folders": ["hw2-s1/a.yaml", "s2.yaml"],
             "one id twice": ["x-s1/a.yaml", "y-s1/a.yaml"]}[layout]
    for name in files:
        answers(subs / name, values_of(exercise, "s1"), variant="s1")
    pattern = () if layout != "one id twice" else ("--id-pattern", r"[xy]-(?P<id>\w+)/")
    result = cli("grade", subs, "-e", exercise, *pattern, "--csv", tmp_path / "marks.csv")
    message = assert_bad_input_line(result, "", ["names a variant", "--id-pattern", "--variant NAME",
                                                 "--variant-from-file"])
    assert "both give the id s1" in message if layout == "one id twice" else "cannot be told" in message
    assert not (tmp_path / "marks.csv").exists()
    with pytest.raises(bpcheck.BpcheckError, match="names a variant"):
        grade_files([subs], exercise=str(exercise), id_pattern=pattern[1] if pattern else None)
    # what the line says to give works
    graded = cli("grade", subs, "-e", exercise, *pattern, "--variant", "s1", "-f", "json")
    assert graded.exit_code == 0 and {f["variant"] for f in json.loads(graded.stdout)["files"]} == {"s1"}


def test_a_lone_file_naming_a_variant_under_exercise_is_refused_at_that_line(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "3-2-2")
    own = values_of(exercise, "Zoë")
    path = answers(tmp_path / "answers.yaml", own, exercise=exercise.name, variant="Zoë")
    message = assert_bad_input_line(cli("grade", path, "-e", exercise), f"{path}:2:10: ",
                                    ["not taken for marks", "--variant", "--variant-from-file"])
    assert "delete the variant: line" in message
    outcome = grade_file(path, exercise=str(exercise))
    assert outcome.grade is None and (outcome.error.line, outcome.error.column) == (2, 10)
    # self-study trusts it; the course's own ways take the variant from elsewhere
    assert json.loads(cli("grade", path, "-f", "json").stdout)["score"] == len(own)
    assert grade_file(path, exercise=str(exercise), variant_from="file").grade.score == len(own)
    pinned = grade_file(path, exercise=str(exercise), variant="zoë")
    assert (pinned.grade.variant, pinned.grade.score, pinned.flags) == ("zoë", len(own), ())
    other = grade_file(path, exercise=str(exercise), variant="s1702")  # --variant NAME: graded as NAME, flagged
    assert (other.grade.variant, other.grade.score) == ("s1702", score_against(exercise, "s1702", own))
    assert [(f.kind, f.line, f.column) for f in other.flags] == [("other-variant", 2, 10)]
    assert other.flags[0].message == ("variant: Zoë is not the variant being graded, s1702 (--variant); it was "
                                      "graded as s1702")


# ---------------------------------------------------------------- Part 3: no zero for one slip


@pytest.mark.parametrize("named", ["last-week.yaml", "ex3", "../elsewhere/nothing.yaml"])
def test_an_exercise_line_from_another_file_is_graded_against_the_pinned_one(cli, tmp_path, named):
    exercise = new_exercise(cli, tmp_path / "course", "2-3-1")
    new_exercise(cli, tmp_path / "subs", "3-2-2").rename(tmp_path / "subs" / "last-week.yaml")
    base = values_of(exercise)
    path = answers(tmp_path / "subs" / "ann.yaml", base, exercise=named)
    result = cli("grade", path, "-e", exercise, "--feedback", "score", "-f", "json")
    record = json.loads(result.stdout)
    assert (result.exit_code, record["score"], record["exercise_file"]) == (0, len(base), str(exercise))
    assert record["flags"] == [{"kind": "other-exercise", "line": 1, "message": f"exercise: {named} is not the "
                                f"exercise being graded, {exercise}; it was graded against {exercise}"}]
    text = cli("grade", path, "-e", exercise, "--feedback", "score").stdout  # at the score level too
    assert text.splitlines()[3] == f"⚑ line 1: {record['flags'][0]['message']}"
    # a file written for the other exercise simply earns little: names this one lacks are not graded
    theirs = answers(tmp_path / "subs" / "bo.yaml", values_of(tmp_path / "subs" / "last-week.yaml"),
                     exercise="last-week.yaml")
    outcome = grade_file(theirs, exercise=str(exercise))
    assert outcome.grade.score < len(base) / 2
    assert {f.kind for f in outcome.flags} == {"other-exercise", "not-graded"}
    assert len(outcome.flags) <= 12  # the first 10 names not graded, then how many more


def slipped(exercise: Path) -> tuple[dict[str, object], dict[str, float], str, str]:
    """Exact answers but for three slips: the first hidden pre-activation as `abc`, the first output's
    pre-activation with a decimal comma, and a delta written -1,5e-3 style. Returns (written, exact,
    the name written abc, the output of that unit)."""
    exact = values_of(exercise)
    written: dict[str, object] = dict(exact)
    hidden = next(name for name in exact if name.startswith("a"))
    output = f"y{hidden[1:]}"
    comma_name = [name for name in exact if name.startswith("a")][-1]
    delta = next(name for name in exact if name.startswith("delta"))
    written[hidden] = "abc"
    written[comma_name] = f"{exact[comma_name]:.6f}".replace(".", ",")
    mantissa, exponent = f"{exact[delta]:.5e}".split("e")
    written[delta] = f"{mantissa.replace('.', ',')}e{int(exponent)}"
    return written, exact, hidden, output


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_value_that_is_not_a_number_costs_that_value_alone(cli, tmp_path, shape):
    exercise = new_exercise(cli, tmp_path, shape)
    written, exact, hidden, output = slipped(exercise)
    path = answers(tmp_path / "a.yaml", written, exercise=exercise.name)
    for outcome in (grade_file(path), grade_file(path, exercise=str(exercise))):
        results = {r.name: r for r in outcome.grade.results}
        assert outcome.grade.score == len(exact) - 1  # the one value that is not a number, and only it
        assert (results[hidden].verdict, results[hidden].given, results[hidden].line) == ("unreadable", None, 3)
        assert results[hidden].message == results[hidden].hint == (
            "'abc' is not a number; write a decimal number such as 0.25 or -1.5e-3")
        # downstream, the value is not given: what follows is graded on the exact value
        assert results[output].verdict == "correct"
    # the output worked from what they meant (a slip of 0.5) earns nothing: that value is not given
    slip = exact[hidden] + 0.5
    meant = dict(written, **{output: math.tanh(slip) if shape == "2-3-1" else 1 / (1 + math.exp(-slip))})
    record = json.loads(cli("grade", answers(tmp_path / "b.yaml", meant, exercise=exercise.name), "-f",
                            "json").stdout)
    assert next(r for r in record["results"] if r["name"] == output)["verdict"] == "wrong"


@pytest.mark.parametrize("written, read", [("0,51", 0.51), ("-1,5e-3", -0.0015), ("1,5", 1.5), ("+2,25E+1", 22.5)])
def test_a_decimal_comma_is_read_with_a_note_and_graded_normally(cli, tmp_path, written, read):
    exercise = new_exercise(cli, tmp_path, "2-3-1")
    first = next(iter(values_of(exercise)))
    path = answers(tmp_path / "a.yaml", {first: written}, exercise=exercise.name)
    result = next(r for r in grade_file(path).grade.results if r.name == first)
    assert result.given == read and result.message.endswith(f"'{written}' was read as {read!r}")
    assert result.verdict == ("correct" if math.isclose(read, values_of(exercise)[first], rel_tol=0.01) else "wrong")


def test_every_output_says_unreadable_as_the_level_allows(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "3-2-2")
    written, exact, hidden, _ = slipped(exercise)
    path = answers(tmp_path / "subs" / "a.yaml", written, exercise=f"../{exercise.name}")
    answers(tmp_path / "subs" / "b.yaml", exact, exercise=f"../{exercise.name}")
    reason = "'abc' is not a number; write a decimal number such as 0.25 or -1.5e-3"
    for level in ("full", "hint", "verdict", "score"):
        one = cli("grade", path, "--feedback", level).stdout
        record = json.loads(cli("grade", path, "--feedback", level, "-f", "json").stdout)
        if level == "score":
            assert "unreadable" not in one and "results" not in record
            continue
        assert f"{hidden} " in one and "✗ unreadable" in one
        assert ("1 unreadable." in one) and ((reason in one) == (level in ("full", "hint")))
        slip = next(r for r in record["results"] if r["name"] == hidden)
        assert (slip["verdict"], slip["line"], slip.get("given")) == ("unreadable", 3, None)
        assert (slip.get("message"), slip.get("hint")) == {"full": (reason, reason), "hint": (None, reason),
                                                           "verdict": (None, None)}[level]
        assert ("was read as" in one) == (level in ("full", "hint"))  # the comma's note is a note
    out = tmp_path / "out"
    out.mkdir()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(out / "o"), "GITHUB_STEP_SUMMARY": str(out / "s")}
    result = cli("grade", path, "--feedback", "hint", "--junit-xml", out / "j.xml", "--gradescope", out / "g.json",
                 "--classroom", "--csv", out / "m.csv", env=env)
    assert result.exit_code == 1
    case = ET.parse(out / "j.xml").getroot().find(f".//testcase[@name='{hidden}']")
    assert (case.get("line"), case.find("failure").get("type")) == ("3", "unreadable")
    assert case.find("failure").get("message") == f"{hidden}: unreadable: {reason}"
    test = next(t for t in json.loads((out / "g.json").read_text())["tests"] if t["name"] == hidden)
    assert (test["score"], test["status"], test["output"]) == (0.0, "failed", f"{hidden}: unreadable: {reason}")
    classroom = json.loads(base64.b64decode((out / "o").read_text().strip().removeprefix("result=")))
    test = next(t for t in classroom["tests"] if t["name"] == hidden)
    assert (test["status"], test["line_no"], test["score"]) == ("fail", 3, 0.0)
    assert f"::error file={path},line=3,title={hidden}%3A unreadable::{hidden}: unreadable: {reason}" in result.stdout
    (row,) = [line for line in (out / "s").read_text().splitlines() if line.startswith(f"| {hidden} |")]
    assert row.endswith(f"| ✗ unreadable | {reason} |")  # the step summary
    with open(out / "m.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))[hidden] == "unreadable"
    page = cli("grade", path, "--feedback", "hint", "-f", "html").stdout
    assert "✗ unreadable" in page and "&#x27;abc&#x27; is not a number" in page
    # the class report counts it, as its own column, in the text, the JSON and the CSV
    batch = cli("grade", tmp_path / "subs", "--mistakes", "--mistakes-csv", out / "k.csv", "-f", "json")
    row = next(q for q in json.loads(batch.stdout)["mistakes"]["quantities"] if q["name"] == hidden)
    assert (row["unreadable"], row["correct"], row["lost"]) == (1, 1, 1)
    assert "  unreadable  " in cli("grade", tmp_path / "subs", "--mistakes").stdout
    with open(out / "k.csv", newline="", encoding="utf-8") as handle:
        assert next(r for r in csv.DictReader(handle) if r["quantity"] == hidden)["unreadable"] == "1"


@pytest.mark.parametrize("value, shown", [
    ('"\\e]0;pwned\\a0.5"', "\\x1b]0;pwned\\x070.5"),  # an escape sequence that would retitle a terminal
    ('"\\u202e5.0"', "\\u202e5.0"),  # a right-to-left override
    ('"\\0"', "\\x00"),
])
def test_control_characters_in_a_value_are_shown_escaped_everywhere(cli, tmp_path, value, shown):
    exercise = new_exercise(cli, tmp_path, "2-3-1")
    first = next(iter(values_of(exercise)))
    path = tmp_path / "a.yaml"
    path.write_text(f"exercise: {exercise.name}\nanswers:\n  {first}: {value}\n", encoding="utf-8")
    text = cli("grade", path).stdout
    assert f"'{shown}' is not a number" in text
    assert all(ch.isprintable() or ch == "\n" for ch in text)
    record = json.loads(cli("grade", path, "-f", "json").stdout)
    assert record["results"][0]["message"].startswith(f"'{shown}' is not a number")
    strict = assert_bad_input_line(cli("grade", path, "--strict"), f"{path}:3: {first}: ", [shown])
    assert strict.isprintable()


def test_a_huge_value_is_cut_short_in_its_note(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "2-3-1")
    first = next(iter(values_of(exercise)))
    path = tmp_path / "a.yaml"
    path.write_text(f"exercise: {exercise.name}\nanswers:\n  {first}: '{'7,' * 1_500_000}'\n", encoding="utf-8")
    result = next(r for r in grade_file(path).grade.results if r.name == first)
    assert result.verdict == "unreadable" and len(result.message) < 120 and "…" in result.message


def test_strict_says_the_first_slip_and_how_many_more(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "3-2-2")
    written, _, hidden, _ = slipped(exercise)
    path = answers(tmp_path / "a.yaml", {**written, "W99": 1, "detla6": 2}, exercise=exercise.name)
    message = assert_bad_input_line(cli("grade", path, "--strict"), f"{path}:", ["(and 2 more: grade without --strict to see them all)"])
    assert message.startswith(f"{path}:") and "'W99' is not a quantity of this exercise" in message
    assert cli("grade", path).exit_code == 1  # without --strict: graded, the slips noted


# ---------------------------------------------------------------- practice, where it applies


def test_practice_reads_a_decimal_comma_and_asks_again_for_a_value_that_is_not_a_number(cli, tmp_path):
    exercise = new_exercise(cli, tmp_path, "2-3-1")
    exact = values_of(exercise, "s1703")
    first, second = list(exact)[:2]
    comma = f"{exact[first]:.6f}".replace(".", ",")
    save = tmp_path / "p.yaml"
    session = cli("practice", exercise, "--variant", "s1703", "--save", save, input=f"{comma}\nq\n")
    assert f"  '{comma}' was read as {float(comma.replace(',', '.'))!r}\n  ✓ correct" in session.stdout
    text = save.read_text(encoding="utf-8")
    save.write_text(text.replace(f"  {second}:\n", f"  {second}: 0,5,1\n"), encoding="utf-8")
    resumed = cli("practice", exercise, "--variant", "s1703", "--save", save, "--resume", input="q\n")
    assert f"{save}:" in resumed.stdout and f"{second}: '0,5,1' is not a number" in resumed.stdout
    assert "asked again" in resumed.stdout and f"\n{second}: q\n" in resumed.stdout  # the first value asked
    # a file practice would have to rewrite without one of its lines is refused, as before
    save.write_text(text.replace("variant: s1703", "variant: s1704"), encoding="utf-8")
    assert_bad_input_line(cli("practice", exercise, "--variant", "s1703", "--save", save, "--resume"), f"{save}:",
                          ["variant: s1704 is not the variant being graded, s1703", "another --save"])


def test_thousands_of_names_that_are_not_quantities_are_counted_not_searched(cli, tmp_path):
    """Each did-you-mean searches every name of the exercise: only the first ten are said."""
    exercise = new_exercise(cli, tmp_path, "3-2-2")
    path = answers(tmp_path / "a.yaml", {f"q{index}": 1 for index in range(20_000)}, exercise=exercise.name)
    outcome = grade_file(path)
    assert [flag.line for flag in outcome.flags[:10]] == list(range(3, 13))
    assert outcome.flags[10].message == "19990 more names or values were not graded" and len(outcome.flags) == 11
    assert outcome.grade.score == 0
