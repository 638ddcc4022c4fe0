"""Reports that CI systems read (README, "Reports for CI"): JUnit XML parsed with an XML parser,
Gradescope's results.json, GitHub Classroom's result decoded as its reporter decodes it, annotations
and the step summary; the gradebook CSV read back with the csv module; standard input; `bpcheck check`
and the JSON Schemas. Every student-visible output is searched for expected values under hint.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import EX1_YAML, assert_bad_input_line, runner_refuses

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter
from bpcheck.report.ci import (
    CLASSROOM50_RESULT_LIMIT,
    RELEASE_BODY_LIMIT,
    SUMMARY_LIMIT,
    classroom50_json,
    release_body,
    step_summary,
)
from bpcheck.report.gradebook import safe_cell
from bpcheck.report.views import Section
from bpcheck.variants import make_variant

EX1 = solve(load_exercise("ex1")).values
SLIPS = {"a3": 0.755, "y3": 0.6803, "delta5": 0.04068, "E": 0.03619}  # right, right, sign flipped, ½ missing


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def answers_file(path: Path, answers: dict, exercise: str | None = "ex1", **top) -> Path:
    lines = [f"exercise: {exercise}"] if exercise else []
    lines += [f"{key}: {json.dumps(value)}" for key, value in top.items()]
    lines += ["answers:"] + [f"  {name}: {value!r}" for name, value in answers.items()]
    return write(path, "\n".join(lines) + "\n")


def leaks(text: str, credited=("a3", "y3")) -> list[str]:
    """Expected values of ex1 (not the student's right answers) at 2-6 significant digits in ``text``."""
    found = []
    for name, value in EX1.items():
        if name in credited or name not in solve(load_exercise("ex1")).asked:
            continue
        for digits in range(2, 7):
            for form in {number_formatter(digits)(value), f"{value:.{digits}g}"}:
                if re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) and form not in ("0.04068", "0.03619"):
                    found.append(f"{name}={form}")
    return found


# ---------------------------------------------------------------- JUnit XML


def test_junit_xml_a_suite_per_file_a_case_per_quantity(cli, tmp_path):
    one = answers_file(tmp_path / "one.yaml", SLIPS)
    two = answers_file(tmp_path / "two.yaml", {"a3": 0.755})
    bad = write(tmp_path / "bad.yaml", "exercise: ex1\nanswers: 0,755\n")
    result = cli("grade", one, two, bad, "--junit-xml", tmp_path / "r.xml")
    assert result.exit_code == 2
    root = ET.parse(tmp_path / "r.xml").getroot()
    # A case per quantity and one for the step check (downhill): one.yaml's step goes uphill (delta5's sign).
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures"), root.get("errors")) == ("73", "69", "1")
    suites = {Path(suite.get("name")).name: suite for suite in root}
    suite = suites["one.yaml"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("36", "34", "0", "0")
    cases = {case.get("name"): case for case in suite}
    assert cases["a3"].get("line") == "3" and cases["a3"].get("file") == str(one) and cases["a3"].find("failure") is None
    failure = cases["delta5"].find("failure")
    assert cases["delta5"].get("line") == "5" and failure.get("type") == "sign-flip"
    assert failure.get("message").startswith("delta5: wrong (sign-flip): The sign is flipped")
    assert cases["a4"].find("failure").get("type") == "missing" and cases["a4"].get("line") is None
    assert cases["a3"].get("classname") == "ex1"
    error = suites["bad.yaml"].find("testcase/error")
    assert error.get("message").startswith(f"{bad}:2:10: 'answers' must be a mapping")


def test_junit_xml_obeys_the_feedback_level(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    cli("grade", answers, "--feedback", "hint", "--junit-xml", tmp_path / "hint.xml")
    text = (tmp_path / "hint.xml").read_text(encoding="utf-8")
    assert leaks(text) == [] and "expected" not in text
    cli("grade", answers, "--feedback", "verdict", "--junit-xml", tmp_path / "verdict.xml")
    failure = ET.parse(tmp_path / "verdict.xml").getroot().find(".//testcase[@name='delta5']/failure")
    assert (failure.get("message"), failure.get("type")) == ("delta5: wrong", "wrong")
    cli("grade", answers, "--feedback", "score", "--junit-xml", tmp_path / "score.xml")
    cases = ET.parse(tmp_path / "score.xml").getroot().findall(".//testcase")
    assert [(case.get("name"), case.find("failure").get("message")) for case in cases] == [
        ("score", "Score: 2 / 35 (5.7%)")]


def test_junit_xml_holds_no_control_character(cli, tmp_path):
    answers = answers_file(tmp_path / "a\x1b[2J.yaml", {"a3": 1}, student="\x07Eve")
    cli("grade", answers, "--junit-xml", tmp_path / "r.xml")
    text = (tmp_path / "r.xml").read_text(encoding="utf-8")
    ET.fromstring(text)  # well-formed
    assert "\x1b" not in text and "\\x1b[2J" in text


# ---------------------------------------------------------------- Gradescope


def test_gradescope_results(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    cli("grade", answers, "--gradescope", tmp_path / "results.json", "--gradescope-visibility", "after_published")
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert (results["score"], results["visibility"], results["stdout_visibility"]) == (2.0, "after_published", "hidden")
    tests = {test["name"]: test for test in results["tests"]}
    assert len(tests) == 35 + 1 and sum(test["max_score"] for test in tests.values()) == 35
    assert (tests["downhill"]["max_score"], tests["downhill"]["status"]) == (0.0, "failed")  # uphill: delta5's sign
    assert tests["a3"] == {"name": "a3", "number": "1", "score": 1.0, "max_score": 1.0, "status": "passed",
                           "output": "a3: correct", "output_format": "text"}
    assert (tests["delta5"]["score"], tests["delta5"]["status"]) == (0.0, "failed")
    assert "expected -0.04068" in tests["delta5"]["output"]  # full: the answer is shown


@pytest.mark.parametrize("level", ["hint", "verdict", "score"])
def test_gradescope_obeys_the_feedback_level(cli, tmp_path, level):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    cli("grade", answers, "--feedback", level, "--gradescope", tmp_path / "results.json")
    text = (tmp_path / "results.json").read_text(encoding="utf-8")
    assert leaks(text) == []
    results = json.loads(text)
    assert results["score"] == 2.0 and ("Score: 2 / 35" in results["output"])
    assert (results["tests"] == []) == (level == "score")


def test_gradescope_for_an_unreadable_submission(cli, tmp_path):
    bad = write(tmp_path / "a.yaml", "exercise: ex1\nanswers: [1, 2]\n")
    result = cli("grade", bad, "--exercise", "ex1", "--gradescope", tmp_path / "results.json")
    assert_bad_input_line(result, f"{bad}:2:10: ", ["'answers' must be a mapping"])
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and results["tests"] == [] and "'answers' must be a mapping" in results["output"]


# ---------------------------------------------------------------- GitHub Classroom


def decode_result(output_file: Path) -> dict:
    """As classroom-resources/autograding-grading-reporter does: `result=` base64 of JSON."""
    line = output_file.read_text(encoding="utf-8").splitlines()[-1]
    name, _, value = line.partition("=")
    assert name == "result"
    return json.loads(base64.b64decode(value).decode("utf-8"))


def test_classroom_partial_credit(cli, tmp_path):
    output = write(tmp_path / "github_output", "earlier=1\n")
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    result = cli("grade", answers, "--classroom", "--feedback", "hint", env={"GITHUB_OUTPUT": str(output)})
    assert result.exit_code == 1
    assert output.read_text(encoding="utf-8").startswith("earlier=1\nresult=")  # appended
    decoded = decode_result(output)
    assert (decoded["version"], decoded["status"], decoded["max_score"]) == (1, "fail", 35.0)
    assert sum(test["score"] for test in decoded["tests"]) == 2.0  # the reporter's Points 2/35
    tests = {test["name"]: test for test in decoded["tests"]}
    assert tests["delta5"] == {"name": "delta5", "status": "fail", "score": 0.0,
                               "message": "delta5: wrong (sign-flip): The sign is flipped; the formula is "
                                          "delta5 = y5(1 - y5)(t5 - y5)",
                               "test_code": "", "filename": str(answers), "line_no": 5, "duration": 0}
    assert leaks(json.dumps(decoded, ensure_ascii=False)) == []


def test_classroom_points_with_weights_and_a_pass(cli, tmp_path):
    write(tmp_path / "hw.yaml", EX1_YAML + "asked: [a3, y3]\npoints: {a3: 2.5}\n")
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755, "y3": 0.6803}, exercise="hw.yaml")
    output = tmp_path / "out"
    assert cli("grade", answers, "--classroom", env={"GITHUB_OUTPUT": str(output)}).exit_code == 0
    decoded = decode_result(output)
    assert (decoded["status"], decoded["max_score"], [t["score"] for t in decoded["tests"]]) == ("pass", 3.5, [2.5, 1.0])


def test_classroom_needs_github_output(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    assert_bad_input_line(cli("grade", answers, "--classroom"), "", ["$GITHUB_OUTPUT, which is not set"])


# ---------------------------------------------------------------- Classroom 50

RUNNER = {"CLASSROOM": "nn-2026", "ASSIGNMENT": "hw1", "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
          "COMMIT_URL": "https://github.com/nn/nn-2026-hw1-ada/commit/a1b2c3d",
          "RELEASE_URL": "https://github.com/nn/nn-2026-hw1-ada/releases/tag/submit%2F2026-06-01T14-32-05Z-a1b2c3d",
          "REVIEW_URL": "https://github.com/nn/nn-2026-hw1-ada/compare/0a0a0a0...a1b2c3d"}


def classroom50_run(cli, tmp_path: Path, *args, env=None):
    """`bpcheck grade ARGS --classroom50 result.json --classroom50-body release-body.md` as the runner runs it."""
    result = cli("grade", *args, "--classroom50", tmp_path / "result.json", "--classroom50-body",
                 tmp_path / "release-body.md", env={**RUNNER, **(env or {})})
    written = json.loads((tmp_path / "result.json").read_text(encoding="utf-8")) if (tmp_path / "result.json").exists() \
        else None
    return result, written


def test_classroom50_result_a_test_per_quantity_in_whole_points(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    result, written = classroom50_run(cli, tmp_path, answers, "--feedback", "hint")
    assert result.exit_code == 1 and runner_refuses(written) == []
    assert runner_refuses({**written, "score": 2.0}) == ["score / max-score"]  # the check can fail
    assert {key: written[key] for key in ("schema", "classroom", "assignment", "submission", "commit", "release",
                                          "review")} == {
        "schema": "classroom50/result/v1", "classroom": "nn-2026", "assignment": "hw1",
        "submission": RUNNER["SUBMISSION_TAG"], "commit": RUNNER["COMMIT_URL"], "release": RUNNER["RELEASE_URL"],
        "review": RUNNER["REVIEW_URL"]}
    # ex1 asks 35 values (1 point each) and has the step check (0 points): a3 and y3 right, the rest not.
    assert (written["score"], written["max-score"], written["points-factor"]) == (2, 35, 1)
    tests = {test["test-name"]: test for test in written["tests"]}
    assert list(tests) == [*solve(load_exercise("ex1")).asked, "downhill"]
    assert tests["a3"] == {"test-name": "a3", "passed": True, "score": 1, "max-score": 1, "message": "a3: correct"}
    assert tests["delta5"] == {"test-name": "delta5", "passed": False, "score": 0, "max-score": 1,
                               "message": "delta5: wrong (sign-flip): The sign is flipped; the formula is "
                                          "delta5 = y5(1 - y5)(t5 - y5)"}
    assert (tests["downhill"]["passed"], tests["downhill"]["max-score"]) == (False, 0)  # uphill: delta5's sign
    import datetime

    when = datetime.datetime.strptime(written["datetime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) < 120  # now, in UTC
    raw = (tmp_path / "result.json").read_text(encoding="utf-8") + (tmp_path / "release-body.md").read_text("utf-8")
    assert leaks(raw) == [] and "expected" not in raw


@pytest.mark.parametrize("level", ["full", "hint", "verdict", "score"])
def test_classroom50_obeys_the_feedback_level(cli, tmp_path, level):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    result, written = classroom50_run(cli, tmp_path, answers, "--feedback", level)
    assert result.exit_code == 1 and runner_refuses(written) == []
    assert (written["score"], written["max-score"]) == (2, 35)
    text = (tmp_path / "result.json").read_text(encoding="utf-8")
    body = (tmp_path / "release-body.md").read_text(encoding="utf-8")
    if level == "full":  # the search below finds what it looks for
        assert "delta5=-0.04068" in leaks(text) and "delta5=-0.04068" in leaks(body)
        return
    assert leaks(text) == [] and leaks(body) == []
    if level == "score":
        assert written["tests"] == [{"test-name": "score", "passed": False, "score": 2, "max-score": 35,
                                     "message": "Score: 2 / 35 (5.7%)"}]
        assert "delta5" not in text + body and "Score: 2 / 35 (5.7%)." in body
    if level == "verdict":
        assert {test["message"] for test in written["tests"]} >= {"delta5: wrong", "a3: correct"}


@pytest.mark.parametrize("level", ["hint", "score"])
def test_classroom50_holds_the_files_flags_at_every_level(cli, tmp_path, level):
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755, "detla3": 0.00266}, variant="bob")
    result, written = classroom50_run(cli, tmp_path, answers, "--exercise", "ex1", "--variant", "alice",
                                      "--feedback", level)
    assert result.exit_code == 1 and runner_refuses(written) == []
    assert [(flag["kind"], flag["line"]) for flag in written["flags"]] == [("other-variant", 2), ("not-graded", 5)]
    assert "it was graded as alice" in written["flags"][0]["message"]
    _, unflagged = classroom50_run(cli, tmp_path, answers_file(tmp_path / "b.yaml", {"a3": 0.755}))
    assert unflagged["flags"] == []


def test_classroom50_points_made_whole_by_the_smallest_factor(cli, tmp_path):
    write(tmp_path / "hw.yaml", EX1_YAML + "asked: [a3, y3, a4]\npoints: {a3: 2.5, y3: 0.25}\n")
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755, "y3": 0.6803, "a4": 0.5}, exercise="hw.yaml")
    result, written = classroom50_run(cli, tmp_path, answers)
    # 2.5, 0.25 and 1 points (3.75, of which a3 and y3's 2.75 earned) are 10, 1 and 4 (15, 11 earned) times 4.
    assert result.exit_code == 1 and runner_refuses(written) == []
    assert [(test["test-name"], test["score"], test["max-score"]) for test in written["tests"]] == [
        ("a3", 10, 10), ("y3", 1, 1), ("a4", 0, 4)]
    assert (written["score"], written["max-score"], written["points-factor"]) == (11, 15, 4)
    body = (tmp_path / "release-body.md").read_text(encoding="utf-8")
    assert "Score: 2.75 / 3.75 (73.3%)" in body and "each point here is 4 in its score" in body


@pytest.mark.parametrize("points", ["0.0001", "0.3333333", "123456.0004"])
def test_classroom50_refuses_points_no_factor_makes_whole(cli, tmp_path, points):
    write(tmp_path / "hw.yaml", EX1_YAML + f"asked: [a3, y3]\npoints: {{a3: 1, y3: {points}}}\n")
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755}, exercise="hw.yaml")
    result, written = classroom50_run(cli, tmp_path, answers)
    assert assert_bad_input_line(result, "", []) == (
        f"--classroom50: y3 is worth {points} points, and Classroom 50 counts whole points: no factor up to "
        "1,000 makes every one of the exercise's points whole; give points: with at most three decimals")
    assert written is None and not (tmp_path / "release-body.md").exists()


def test_classroom50_takes_the_submission_from_the_runner(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    for missing in ("CLASSROOM", "SUBMISSION_TAG", "RELEASE_URL"):
        result, written = classroom50_run(cli, tmp_path, answers, env={missing: ""})
        assert_bad_input_line(result, "", [f"--classroom50 takes the submission's identity from ${missing}, which is "
                                           "not set", "autograder.py"])
        assert written is None and not (tmp_path / "release-body.md").exists()
    result, written = classroom50_run(cli, tmp_path, answers, env={"REVIEW_URL": None})  # as the runner does
    assert written["review"] == written["commit"] == RUNNER["COMMIT_URL"] and runner_refuses(written) == []
    # The body alone needs no identity: it is the report, as Markdown.
    (tmp_path / "release-body.md").unlink()
    body = cli("grade", answers, "--classroom50-body", tmp_path / "release-body.md")
    assert body.exit_code == 1 and (tmp_path / "release-body.md").read_text("utf-8").startswith(f"# {answers}: ex1")


def test_classroom50_for_an_unreadable_file_scores_0_of_the_pinned_points(cli, tmp_path):
    bad = write(tmp_path / "a.yaml", "exercise: hw.yaml\nanswers: [0.755]\n")
    write(tmp_path / "hw.yaml", EX1_YAML + "points: {E: 2, downhill: 3}\n")
    result, written = classroom50_run(cli, tmp_path, bad, "--exercise", tmp_path / "hw.yaml")
    assert_bad_input_line(result, f"{bad}:2:10: ", ["'answers' must be a mapping"])
    assert runner_refuses(written) == []
    # 35 values, E worth 2, and the step check worth 3: 39 points, none earned.
    assert written["tests"] == [{"test-name": "read answers file", "passed": False, "score": 0, "max-score": 39,
                                 "message": result.stderr.removeprefix("bpcheck: ").rstrip("\n")}]
    body = (tmp_path / "release-body.md").read_text(encoding="utf-8")
    assert "'answers' must be a mapping" in body
    readable = answers_file(tmp_path / "b.yaml", {"a3": 0.755}, exercise="hw.yaml")
    _, graded = classroom50_run(cli, tmp_path, readable, "--exercise", tmp_path / "hw.yaml")
    assert graded["max-score"] == 39  # the same points as a file that can be read


def test_classroom50_is_one_students_and_never_an_input(cli, tmp_path):
    one = answers_file(tmp_path / "class" / "alice.yaml", SLIPS)
    answers_file(tmp_path / "class" / "bob.yaml", {"a3": 0.755})
    result, written = classroom50_run(cli, tmp_path, tmp_path / "class")
    assert assert_bad_input_line(result, "", []) == (f"--classroom50 and --classroom50-body with 2 answers files: "
                                                     f"{ONE_STUDENT}")
    assert written is None and not (tmp_path / "release-body.md").exists()
    body = cli("grade", tmp_path / "class", "--classroom50-body", tmp_path / "release-body.md")
    assert assert_bad_input_line(body, "", []) == f"--classroom50-body with 2 answers files: {ONE_STUDENT}"
    before = one.read_bytes()
    for args in (("--classroom50", one), ("--classroom50-body", one)):
        refused = cli("grade", one, *args, env=RUNNER)
        assert_bad_input_line(refused, f"{one}: ", [f"{args[0]} would overwrite an input"])
    same = cli("grade", one, "--classroom50", tmp_path / "r", "--classroom50-body", tmp_path / "r", env=RUNNER)
    assert_bad_input_line(same, f"{tmp_path / 'r'}: ", ["--classroom50-body and --classroom50 name the same file"])
    assert one.read_bytes() == before and not (tmp_path / "r").exists()


def test_the_release_body_of_a_large_report_stays_under_githubs_limit():
    section = Section("Step 4", ("quantity", "verdict"), [(f"dE_dW{i}", "✓ correct") for i in range(20_000)])
    text = release_body([section], "answers.yaml: big", factor=2)
    assert len(text) < RELEASE_BODY_LIMIT and text.startswith("# answers.yaml: big\n")
    assert re.search(r"… \d+ more lines left out \(a Release holds 125,000 characters\)\.\n$", text)


def test_a_result_json_too_large_for_classroom50_keeps_its_points_and_loses_its_messages():
    tests = [{"test-name": f"dE_dW{i}", "passed": False, "score": 0, "max-score": 1, "message": "x" * 400}
             for i in range(30_000)]
    result = {"schema": "classroom50/result/v1", "score": 0, "max-score": 30_000, "tests": tests}
    text = classroom50_json(result)
    assert len(text.encode("utf-8")) < CLASSROOM50_RESULT_LIMIT < len(json.dumps(result, indent=2))
    assert json.loads(text) == {**result, "tests": [{key: value for key, value in test.items() if key != "message"}
                                                    for test in tests]}
    small = {**result, "tests": tests[:10], "max-score": 10}
    assert json.loads(classroom50_json(small)) == small


def test_classroom_is_marked_deprecated_upstream(cli):
    help_text = " ".join(cli("grade", "--help").stdout.split())
    assert "GitHub Classroom is deprecated upstream: see --classroom50." in help_text


# ---------------------------------------------------------------- one student's result

ONE_STUDENT = "these formats hold one student's result; grade one submission at a time, as the autograder does"


def one_student_runs(cli, tmp_path: Path, *paths, csv_too: bool = True):
    """`grade PATHS --gradescope` and `grade PATHS --classroom` (each with --csv too): the results."""
    output = write(tmp_path / "github_output", "earlier=1\n")
    csv_path = tmp_path / "marks.csv"
    extra = ["--csv", csv_path] if csv_too else []
    gradescope = cli("grade", *paths, "--gradescope", tmp_path / "results.json", *extra)
    classroom = cli("grade", *paths, "--classroom", *extra, env={"GITHUB_OUTPUT": str(output)})
    return gradescope, classroom, output, csv_path


@pytest.mark.parametrize("layout", ["two files", "a folder of two", "one and an unreadable one", "one twice"])
def test_gradescope_and_classroom_refuse_several_answers_files(cli, tmp_path, layout):
    one = answers_file(tmp_path / "class" / "alice.yaml", SLIPS)
    other = {"two files": lambda: answers_file(tmp_path / "class" / "bob.yaml", {"a3": 0.755}),
             "a folder of two": lambda: answers_file(tmp_path / "class" / "bob" / "answers.yaml", {"a3": 0.755}),
             "one and an unreadable one": lambda: write(tmp_path / "class" / "notes.yaml", "exercise: ex1\nanswers: [1]\n"),
             "one twice": lambda: one}[layout]()
    paths = [tmp_path / "class"] if layout == "a folder of two" else [one, other]
    gradescope, classroom, output, csv_path = one_student_runs(cli, tmp_path, *paths)
    assert assert_bad_input_line(gradescope, "", []) == f"--gradescope with 2 answers files: {ONE_STUDENT}"
    assert assert_bad_input_line(classroom, "", []) == f"--classroom with 2 answers files: {ONE_STUDENT}"
    # Nothing written: no results.json, no CSV, nothing appended to $GITHUB_OUTPUT.
    assert not (tmp_path / "results.json").exists() and not csv_path.exists()
    assert output.read_text(encoding="utf-8") == "earlier=1\n"
    both = cli("grade", *paths, "--gradescope", tmp_path / "results.json", "--classroom",
               env={"GITHUB_OUTPUT": str(output), "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "s")})
    assert assert_bad_input_line(both, "", []) == f"--gradescope and --classroom with 2 answers files: {ONE_STUDENT}"
    assert not (tmp_path / "s").exists() and output.read_text(encoding="utf-8") == "earlier=1\n"


def test_one_answers_file_beside_its_exercise_is_one_student(cli, tmp_path):
    """A submission folder with the answers file and the exercise it names: one student, graded."""
    write(tmp_path / "submission" / "hw.yaml", EX1_YAML)
    answers = answers_file(tmp_path / "submission" / "answers.yaml", SLIPS, exercise="hw.yaml")
    gradescope, classroom, output, csv_path = one_student_runs(cli, tmp_path, tmp_path / "submission")
    assert (gradescope.exit_code, classroom.exit_code) == (1, 1), (gradescope.output, classroom.output)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 2.0 and len(results["tests"]) == 36 and results["tests"][0]["name"] == "a3"
    decoded = decode_result(output)
    assert (decoded["status"], decoded["max_score"], decoded["tests"][0]["filename"]) == ("fail", 35.0, str(answers))
    assert "Not graded, being the exercise the answers files name" in gradescope.stdout
    # The same with the lone file, and with the exercise named beside it: one answers file each time.
    for paths in ([answers], [answers, tmp_path / "submission" / "hw.yaml"]):
        result = cli("grade", *paths, "--gradescope", tmp_path / "again.json")
        assert result.exit_code == 1 and json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == results


# ---------------------------------------------------------------- GitHub Actions


def test_annotations_at_the_file_and_line_of_each_wrong_and_missing_value(cli, tmp_path):
    answers = answers_file(tmp_path / "a,b: c.yaml", SLIPS)
    result = cli("grade", answers, "--feedback", "hint", env={"GITHUB_ACTIONS": "true"})
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == 11  # 33 wrong or missing and the uphill step: the first ten, and a notice
    file = str(answers).replace(":", "%3A").replace(",", "%2C")
    assert commands[0] == f"::error file={file},title=a4%3A missing::a4: missing: work it out as a4 = W14·x1 + W24·x2"
    assert commands[5] == (f"::error file={file},line=5,title=delta5%3A wrong::delta5: wrong (sign-flip): "
                           "The sign is flipped; the formula is delta5 = y5(1 - y5)(t5 - y5)")
    assert commands[-1] == ("::notice title=bpcheck::24 more wrong or missing values not annotated (GitHub shows "
                            "10 a step); see the step summary or the report")
    assert leaks("\n".join(commands)) == []


def test_annotations_go_to_stderr_beside_json_and_off_with_no_annotations(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    result = cli("grade", answers, "-f", "json", env={"GITHUB_ACTIONS": "true"})
    assert json.loads(result.stdout)["score"] == 2 and result.stderr.startswith("::error file=")
    quiet = cli("grade", answers, "--no-annotations", env={"GITHUB_ACTIONS": "true"})
    assert "::" not in quiet.stdout + quiet.stderr


def test_the_step_summary_is_markdown_and_appended(cli, tmp_path):
    summary = write(tmp_path / "summary.md", "# earlier step\n")
    answers = answers_file(tmp_path / "a.yaml", SLIPS, student="Ada")
    cli("grade", answers, "--feedback", "hint", env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n# ") and "Student: Ada · Exercise: ex1 · Feedback: hint" in text
    tables = [line for line in text.splitlines() if line.startswith("|")]
    assert tables and all(line.endswith("|") for line in tables)
    assert "| delta5 | 0.04068 | ✗ wrong (sign-flip) | The sign is flipped; the formula is" in text
    assert leaks(text) == []


def test_the_step_summary_of_a_large_class_stays_under_githubs_limit():
    section = Section("Summary", ("file", "score"), [(f"student{i:06d}/answers.yaml", "1/35") for i in range(40_000)])
    text = step_summary([section], "bpcheck grade")
    assert len(text.encode("utf-8")) < SUMMARY_LIMIT
    assert re.search(r"… \d+ more lines left out \(GitHub's summary holds 1 MiB\)\.\n$", text)


# ---------------------------------------------------------------- the gradebook CSV


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict]:
    with open(path, newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def test_the_gradebook_neutralises_formulas_and_reads_back(cli, tmp_path):
    hostile = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3", "@SUM(A1)", "\tx", "Ana, \"the\" best"]
    files = [answers_file(tmp_path / "sub" / f"s{i}.yaml", {"a3": 0.755}, student=name)
             for i, name in enumerate(hostile)]
    bad = write(tmp_path / "sub" / "z.yaml", "exercise: ex1\nanswers: 3\n")
    result = cli("grade", *files, bad, "--csv", tmp_path / "marks.csv", "--exercise", "ex1")
    assert result.exit_code == 2
    rows = read_csv(tmp_path / "marks.csv")
    written = [name.strip() for name in hostile]  # student: is read stripped
    assert [row["student"] for row in rows[:-1]] == ["'" + name if name[0] in "=+-@" else name for name in written]
    assert [row["id"] for row in rows[:-1]] == [row["student"] for row in rows[:-1]]
    assert rows[0]["score"] == "1" and rows[0]["percent"] == "2.86" and rows[0]["passed"] == "false"
    assert (rows[-1]["id"], rows[-1]["score"], rows[-1]["max_score"], rows[-1]["percent"], rows[-1]["passed"]) == (
        "z", "0", "35", "0", "false")
    assert "'answers' must be a mapping" in rows[-1]["error"]


def test_safe_cell():
    assert [safe_cell(text) for text in ("=1", "ok", "", "-x", "\rx")] == ["'=1", "ok", "", "'-x", "'\rx"]


def test_mixed_exercises_get_a_column_set_each(cli, tmp_path):
    write(tmp_path / "hw2.yaml", EX1_YAML)
    first = answers_file(tmp_path / "a.yaml", {"a3": 0.755})
    second = answers_file(tmp_path / "b.yaml", {"a3": 0.755, "y3": 0.1}, exercise="hw2.yaml")
    cli("grade", first, second, "--csv", tmp_path / "m.csv")
    rows = read_csv(tmp_path / "m.csv")
    assert (rows[0]["ex1:a3"], rows[0][f"{tmp_path / 'hw2.yaml'}:a3"]) == ("correct", "")
    assert (rows[1]["ex1:a3"], rows[1][f"{tmp_path / 'hw2.yaml'}:a3"], rows[1][f"{tmp_path / 'hw2.yaml'}:y3"]) == (
        "", "correct", "wrong")
    assert "a3" not in rows[0]


def test_csv_excel_starts_with_a_byte_order_mark(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755}, student="Zoë")
    cli("grade", answers, "--csv", tmp_path / "m.csv", "--csv-excel")
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbfid,student,")
    assert read_csv(tmp_path / "m.csv", "utf-8-sig")[0]["student"] == "Zoë"


def test_ids_from_github_classroom_folders(cli, tmp_path):
    for user in ("alice", "bob-smith", "carol"):
        answers_file(tmp_path / "submissions" / f"hw1-{user}" / "answers.yaml", {"a3": 0.755}, student=f"Real {user}")
    cli("grade", tmp_path / "submissions", "--csv", tmp_path / "m.csv", "--id-from", "filename")
    assert [row["id"] for row in read_csv(tmp_path / "m.csv")] == ["alice", "bob-smith", "carol"]
    cli("grade", tmp_path / "submissions", "--csv", tmp_path / "s.csv")
    assert [row["id"] for row in read_csv(tmp_path / "s.csv")] == ["Real alice", "Real bob-smith", "Real carol"]
    cli("grade", tmp_path / "submissions", "--csv", tmp_path / "p.csv", "--id-from", "filename",
        "--id-pattern", r"hw1-(?P<id>[a-z]+)")
    assert [row["id"] for row in read_csv(tmp_path / "p.csv")] == ["alice", "bob", "carol"]
    assert_bad_input_line(cli("grade", tmp_path / "submissions", "--id-pattern", "("), "Invalid value for "
                          "'--id-pattern': ", ["not a regular expression"])


def test_no_report_may_overwrite_an_input_or_another_report(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", {"a3": 0.755})
    before = answers.read_bytes()
    assert_bad_input_line(cli("grade", answers, "--junit-xml", answers), f"{answers}: ",
                          ["--junit-xml would overwrite an input"])
    assert_bad_input_line(cli("grade", answers, "--csv", tmp_path / "r", "--gradescope", tmp_path / "r"),
                          f"{tmp_path / 'r'}: ", ["--gradescope and --csv name the same file"])
    assert answers.read_bytes() == before and not (tmp_path / "r").exists()


# ---------------------------------------------------------------- what CI hands over


def test_standard_input(cli, tmp_path):
    result = cli("grade", "-", "-f", "json", input="exercise: EX1\nstudent: Ada\nanswers: {a3: 0.755}\n")
    record = json.loads(result.stdout)
    assert (record["file"], record["student"], record["exercise_file"], record["score"]) == ("<stdin>", "Ada", "ex1", 1)
    slip = json.loads(cli("grade", "-", "-f", "json", input="exercise: ex1\nanswers: {a3: x}\n").stdout)
    assert (slip["results"][0]["verdict"], slip["results"][0]["line"]) == ("unreadable", 2)
    bad = cli("grade", "-", input="exercise: ex1\nanswers: {a3: 1, a3: 2}\n")
    assert_bad_input_line(bad, "<stdin>:2:18: ", ["a3 is given twice"])


# ---------------------------------------------------------------- check and schema


def test_check_warns_with_lines_and_strict_fails(cli, tmp_path):
    exercise = write(tmp_path / "hw.yaml", "layers: [2, 1]\ninputs: {x1: 0.123456, x2: 0}\n"
                                           "weights: {W13: 5, W23: 1}\ntargets: {t3: 1.5}\nlearning_rate: 1\n")
    result = cli("check", exercise)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{exercise}:2: warning: x1 = 0.123456 has more than 3 decimals; numbers worked by hand have one or two",
        f"{exercise}:2: warning: x2 is 0",
        f"{exercise}:4: warning: t3 = 1.5 is outside what a sigmoid output can be (0 to 1)"]
    assert cli("check", exercise, "--strict").exit_code == 1
    clean = cli("check", "ex1", "ex4", "--strict")
    assert clean.exit_code == 0 and clean.stdout.splitlines() == [
        "ex1.yaml: ready: it solves, and a person can work it by hand",
        "ex4.yaml:17: note: t5 = 1 is reached only as a5 grows without bound (fine for one step; for training, "
        "0.95 is reachable)", "ex4.yaml: ready: it solves, and a person can work it by hand"]


def test_check_saturated_and_dead_units(cli, tmp_path):
    exercise = write(tmp_path / "hw.yaml", "layers: [1, {units: 2, activation: relu}, 1]\ninputs: {x1: 1}\n"
                                           "weights: {W12: -0.5, W13: 0.5, W24: 1, W34: 8}\ntargets: {t4: 0.5}\n"
                                           "learning_rate: 1\n")
    lines = cli("check", exercise).stdout.splitlines()
    assert f"{exercise}: warning: unit 2 is dead (a2 = -0.5)" in lines
    assert f"{exercise}: warning: unit 4 is saturated (|a4| > 3)" in lines


def test_check_names_each_examples_numbers_at_their_lines_and_tries_a_datasets_variants(cli, tmp_path):
    text = ("layers: [2, 1]\nweights: {W13: 0.1, W23: 0.8}\nexamples:\n"
            "  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t3: 0.5}}\n"
            "  - {inputs: {x1: 0, x2: 0.2123}, targets: {t3: 1.5}}\nlearning_rate: 1\n")
    exercise = write(tmp_path / "hw.yaml", text + "variants:\n  x1[2]: fixed\n")  # its 0 cannot vary away
    assert cli("check", exercise).stdout.splitlines() == [
        f"{exercise}:5: warning: x2[2] = 0.2123 has more than 3 decimals; numbers worked by hand have one or two",
        f"{exercise}:5: warning: x1[2] is 0",
        f"{exercise}:5: warning: t3[2] = 1.5 is outside what a sigmoid output can be (0 to 1)",
        f"{exercise}: warning: variants: no numbers for variant check of hw meet the rules for hand calculation "
        "in 1000 draws"]
    varies = write(tmp_path / "ok.yaml", text.replace("x1: 0,", "x1: 0.5,").replace("0.2123", "0.2")
                   .replace("t3: 1.5", "t3: 0.9"))
    assert cli("check", varies, "--strict").stdout == f"{varies}: ready: it solves, and a person can work it by hand\n"


def test_a_broken_exercise_is_one_line(cli, tmp_path):
    exercise = write(tmp_path / "hw.yaml", "layers: [2, 1]\n")
    assert_bad_input_line(cli("check", exercise), f"{exercise}:", ["is missing"])


def schema(cli, kind: str) -> dict:
    result = cli("schema", kind)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(document)
    return document


def test_the_schemas_accept_every_builtin_exercise_template_and_the_manuals_example(cli):
    exercise_schema, answers_schema = schema(cli, "exercise"), schema(cli, "answers")
    for path in sorted(Path(__file__).resolve().parents[1].joinpath("exercises").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), exercise_schema)
    page = Path(__file__).resolve().parents[1].joinpath("docs", "reference", "exercise-format.md").read_text(encoding="utf-8")
    example = page.split("A complete example, with every key:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    jsonschema.validate(yaml.safe_load(example), exercise_schema)
    template = cli("template", "ex1", "--variant", "alice").stdout
    assert template.startswith("# yaml-language-server: $schema=https://") and "answers.schema.json\n" in template
    jsonschema.validate(yaml.safe_load(template), answers_schema)
    filled = yaml.safe_load(template.replace("  a3:\n", "  a3: 0.755\n").replace("  y3:\n", "  y3: '−0.5'\n"))
    jsonschema.validate(filled, answers_schema)


@pytest.mark.parametrize("kind, document", [
    ("exercise", {"layers": [2, 1], "inputs": {}, "weights": {}, "targets": {}, "learning_rate": 1, "colour": 1}),
    ("exercise", {"layers": [2], "inputs": {}, "weights": {}, "targets": {}, "learning_rate": 1}),
    ("exercise", {"layers": [2, 1], "inputs": {}, "weights": {}, "targets": {}, "learning_rate": 1,
                  "feedback": "all"}),
    ("answers", {"exercise": "ex1", "answers": {"a3": "abc"}}),
    ("answers", {"exercise": "ex1", "anwsers": {}}),
])
def test_the_schemas_refuse_what_bpcheck_refuses(cli, kind, document):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema(cli, kind))


def test_variant_from_id_pins_each_students_own_variant_by_the_path(cli, tmp_path):
    """A class graded at once: each file as the variant of its folder's student, whatever it says."""
    alice = solve(make_variant(load_exercise("ex1"), "alice"))
    own = {"a3": alice.values["a3"]}
    answers_file(tmp_path / "subs" / "hw1-alice" / "answers.yaml", own)
    answers_file(tmp_path / "subs" / "hw1-bob" / "answers.yaml", own)  # bob copied alice's numbers
    answers_file(tmp_path / "subs" / "hw1-carol" / "answers.yaml", own, variant="alice")  # and says so
    result = cli("grade", tmp_path / "subs", "-e", "ex1", "--variant-from-id", "-f", "json")
    files = {Path(record["file"]).parent.name: record for record in json.loads(result.stdout)["files"]}
    assert (files["hw1-alice"]["variant"], files["hw1-alice"]["score"], files["hw1-alice"]["flags"]) == ("alice", 1, [])
    assert (files["hw1-bob"]["variant"], files["hw1-bob"]["score"], files["hw1-bob"]["flags"]) == ("bob", 0, [])
    assert (files["hw1-carol"]["variant"], files["hw1-carol"]["score"]) == ("carol", 0)  # not refused: graded as carol
    assert [flag["message"] for flag in files["hw1-carol"]["flags"]] == [
        "variant: alice is not its student's variant, carol (the id its path gives); it was graded as carol"]
    assert_bad_input_line(cli("grade", tmp_path / "subs", "--variant", "x", "--variant-from-id"), "",
                          ["--variant, --variant-from-id and --variant-from-file", "give one"])


def test_the_class_report_obeys_the_feedback_level(cli, tmp_path):
    for index in range(3):
        answers_file(tmp_path / "c" / f"s{index}.yaml", SLIPS)
    score = cli("grade", tmp_path / "c", "--mistakes", "--feedback", "score", "-f", "json")
    assert "mistakes" not in json.loads(score.stdout)
    assert "Where the class lost marks" not in cli("grade", tmp_path / "c", "--mistakes", "--feedback", "score").stdout
    verdict = json.loads(cli("grade", tmp_path / "c", "--mistakes", "--feedback", "verdict", "-f", "json").stdout)
    assert verdict["mistakes"]["mistakes"] == [] and verdict["mistakes"]["quantities"][0]["lost"] == 3
    cli("grade", tmp_path / "c", "--mistakes-csv", tmp_path / "m.csv", "--feedback", "score")
    assert "sign-flip" in (tmp_path / "m.csv").read_text(encoding="utf-8")  # the course's own file: in full


def test_the_pass_mark_holds_in_the_csv_and_junit(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)  # 2 of 35: 5.7%
    result = cli("grade", answers, "--pass-mark", "5", "--csv", tmp_path / "m.csv", "--feedback", "score",
                 "--junit-xml", tmp_path / "j.xml")
    assert result.exit_code == 0
    assert read_csv(tmp_path / "m.csv")[0]["passed"] == "true"
    assert ET.parse(tmp_path / "j.xml").getroot().find(".//testcase/failure") is None


def test_github_files_may_not_be_inputs(cli, tmp_path):
    answers = answers_file(tmp_path / "a.yaml", SLIPS)
    before = answers.read_bytes()
    result = cli("grade", answers, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(answers)})
    assert_bad_input_line(result, f"{answers}: ", ["$GITHUB_STEP_SUMMARY names an input"])
    result = cli("grade", answers, "--classroom", env={"GITHUB_OUTPUT": str(answers)})
    assert_bad_input_line(result, f"{answers}: ", ["$GITHUB_OUTPUT names an input"])
    assert answers.read_bytes() == before


def test_standard_input_is_read_once(cli):
    assert_bad_input_line(cli("grade", "-", "-", input="exercise: ex1\nanswers: {}\n"), "",
                          ["standard input) can be read once"])


def test_variant_from_id_refuses_what_it_cannot_read(cli, tmp_path):
    answers_file(tmp_path / "one" / "hw1-alice" / "answers.yaml", {"a3": 0.755})
    assert_bad_input_line(cli("grade", tmp_path / "one", "-e", "ex1", "--variant-from-id"), "",
                          ["student ids cannot be told from these paths", "--id-pattern"])
    answers_file(tmp_path / "two" / "x-alice" / "answers.yaml", {"a3": 0.755})
    answers_file(tmp_path / "two" / "y-alice" / "answers.yaml", {"a3": 0.755})
    result = cli("grade", tmp_path / "two", "-e", "ex1", "--variant-from-id", "--id-pattern", "two/[a-z]-(?P<id>[a-z]+)/")
    assert_bad_input_line(result, "", ["both give the id alice"])
