"""The example course repository (examples/course/; README, "Using bpcheck in a course"), run as its
users would run it, offline, on a copy in a temporary folder:

- every `bpcheck` line of its GitHub workflows, read from the YAML, with the GitHub expressions filled
  in and GITHUB_ACTIONS, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set as a runner sets them: annotations,
  the step summary, JUnit XML, and GitHub Classroom's result decoded as its reporter decodes it;
- classroom50/autograder.py as Classroom 50's runner runs it: bundled by the README's commands, in a
  student's checkout, with the runner's environment; its result.json checked by Classroom 50's rules;
- gradescope/run_autograder on a fake /autograder tree (AUTOGRADER_ROOT): a submission, none, a
  malformed one, one per student's variant;
- the pre-commit hooks at the repository's root, each entry run on the course's files;
- the exercise and the answers file, as `bpcheck check --strict` and the JSON Schemas see them.

Under --feedback hint no report a student reads may hold an expected value: each is searched for the
solution's values (`bpcheck solve --variant octocat --format json`) rounded to 2 to 6 significant digits.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import runner_refuses

from bpcheck.numbers import number_formatter

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "examples" / "course"
USER = "octocat"  # the student whose answers/answers.yaml is; the GitHub actor of the workflows' runs
EXERCISE = "exercises/hw1.yaml"
ANSWERS = "answers/answers.yaml"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory) -> Path:
    """A `bpcheck` command first on PATH that runs this interpreter's bpcheck (the one under test)."""
    folder = tmp_path_factory.mktemp("bin")
    command = folder / "bpcheck"
    command.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m bpcheck "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    return folder


@pytest.fixture
def course(tmp_path) -> Path:
    return Path(shutil.copytree(COURSE, tmp_path / "course"))


@pytest.fixture(scope="module")
def key(cli) -> dict:
    """octocat's solution: every value at full precision, and the asked names in solving order."""
    result = cli("solve", COURSE / EXERCISE, "--variant", USER, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def graded(cli) -> dict:
    """The grade of answers/answers.yaml at the full level: the truth the other reports are checked by."""
    result = cli("grade", COURSE / ANSWERS, "--exercise", COURSE / EXERCISE, "--variant", USER, "--feedback", "full",
                 "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def environment(bin_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without anything of GitHub's, with the test's bpcheck first on PATH."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("GITHUB_", "RUNNER_")) and name not in ("CI", "FORCE_COLOR", "AUTOGRADER_ROOT",
                                                                           "VARIANT_FROM")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", COLUMNS="250", NO_COLOR="1", **extra)
    return env


def answer_lines(path: Path) -> dict[str, int]:
    """The line of each quantity in an answers file as `bpcheck template` writes it."""
    return {match.group(1): number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if (match := re.match(r"  (\w+):", line))}


# ---------------------------------------------------------------- no expected value under hint


def number_forms(value: float, digits=range(2, 7)) -> set[str]:
    return {form for n in digits for form in (number_formatter(n)(value), f"{value:.{n}g}")}


def leaks(text: str, key: dict, graded: dict) -> list[str]:
    """Expected values of the solution, rounded to 2 to 6 significant digits, found in ``text``: all but
    those of the values the student has right (theirs to see), and all but a form that is one of the
    student's own numbers or a number the exercise gives them (W13 = 0.85 is W13_new to 2 digits)."""
    credited = {r["name"] for r in graded["results"] if r["verdict"] in ("correct", "carried_forward")}
    visible = {form for r in graded["results"] if r["given"] is not None
               for form in (repr(abs(r["given"])), number_formatter(4)(abs(r["given"])))}
    visible |= {repr(abs(value)) for name, value in key["values"].items() if name not in key["asked"]}
    found = []
    for name in key["asked"]:
        if name in credited:
            continue
        for form in {form.lstrip("-") for form in number_forms(key["values"][name])} - visible:
            if re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text):
                found.append(f"{name}={form}")
    return found


def test_the_leak_search_finds_what_the_full_level_shows(course, bin_dir, key, graded):
    """The search below is worth something: at --feedback full, the same report gives the values away."""
    result = subprocess.run(["bpcheck", "grade", ANSWERS, "--exercise", EXERCISE, "--variant", USER, "--feedback",
                             "full"], cwd=course, env=environment(bin_dir), capture_output=True, text=True)
    assert result.returncode == 1
    found = {leak.split("=")[0] for leak in leaks(result.stdout, key, graded)}
    assert {"delta4", "W13_new", "E_after"} <= found


# ---------------------------------------------------------------- the workflows, as GitHub runs them


def workflow(name: str) -> dict:
    return yaml.safe_load((COURSE / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def steps(document: dict) -> list[dict]:
    (job,) = document["jobs"].values()
    return job["steps"]


def invokes_bpcheck(script: str) -> bool:
    return any(line.split()[:1] == ["bpcheck"] for line in script.splitlines())


def github_expressions(text: str, values: dict[str, str]) -> str:
    """`${{ expr }}` filled in as GitHub does before the shell sees the line; an unknown one fails the test."""
    def fill(match: re.Match) -> str:
        expression = match.group(1).strip()
        assert expression in values, f"the test does not know the expression {expression!r}"
        return values[expression]
    return re.sub(r"\$\{\{(.*?)\}\}", fill, text)


def run_step(step: dict, course: Path, bin_dir: Path, actor: str = USER) -> tuple[subprocess.CompletedProcess, Path,
                                                                                 Path]:
    """A `run:` step as an ubuntu-latest runner runs it: bash -eo pipefail, in the checkout, with GitHub's files."""
    output, summary = course.parent / "github_output", course.parent / "step_summary.md"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    script = github_expressions(step["run"], {"github.actor": actor})
    env = environment(bin_dir, GITHUB_ACTIONS="true", CI="true", GITHUB_ACTOR=actor, GITHUB_WORKSPACE=str(course),
                      GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
    process = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=course, env=env,
                             capture_output=True, text=True, timeout=60)
    return process, output, summary


def step_outputs(path: Path) -> dict[str, str]:
    outputs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        assert name and "<<" not in name, line
        outputs[name] = value
    return outputs


def annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """GitHub's workflow commands on stdout: (command, properties, message), unescaped as the runner does."""
    def unescape(text: str) -> str:
        return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    found = []
    for line in stdout.splitlines():
        match = re.fullmatch(r"::(error|warning|notice)(?: ([^:]*))?::(.*)", line)
        if match:
            properties = dict(item.split("=", 1) for item in (match.group(2) or "").split(",") if item)
            found.append((match.group(1), {k: unescape(v) for k, v in properties.items()}, unescape(match.group(3))))
    return found


@pytest.mark.parametrize("name", ["grade.yml", "classroom.yml"])
def test_each_workflow_installs_bpcheck_one_way_and_shows_the_other(name):
    text = (COURSE / ".github" / "workflows" / name).read_text(encoding="utf-8")
    installs = [step["run"] for step in steps(workflow(name)) if "pip install" in step.get("run", "")]
    assert installs == ['python -m pip install "bpcheck @ git+https://github.com/bpcheck/bpcheck"']
    assert re.search(r'^\s*#\s+run: python -m pip install "bpcheck==[\d.*]+"$', text, re.M)  # once released
    assert re.search(r"^\s*- uses: actions/setup-python@v\d+$|^\s*uses: actions/setup-python@v\d+$", text, re.M)
    document = workflow(name)
    assert "push" in document[True]  # YAML 1.1 reads the key `on` as true


def test_grade_workflow_annotates_summarises_and_keeps_junit(course, bin_dir, key, graded):
    document = workflow("grade.yml")
    (step,) = [step for step in steps(document) if invokes_bpcheck(step.get("run", ""))]
    assert step["run"] == ('bpcheck grade answers/answers.yaml --exercise exercises/hw1.yaml --variant '
                           '"${{ github.actor }}" --feedback hint --junit-xml bpcheck-junit.xml')
    process, _, summary = run_step(step, course, bin_dir)
    assert process.returncode == 1, process.stderr  # some values wrong or missing: a red cross
    assert process.stderr == ""

    # Annotations: the first ten wrong or missing values, in solving order, at their file and line.
    lines = answer_lines(course / ANSWERS)
    unfinished = [r["name"] for r in graded["results"] if r["verdict"] in ("wrong", "missing")]
    assert len(unfinished) == 24 and graded["score"] == 13.0 and graded["max_score"] == 37.0
    found = annotations(process.stdout)
    errors = [(props, message) for command, props, message in found if command == "error"]
    assert [props["title"].split(":")[0] for props, _ in errors] == unfinished[:10]
    assert all(props["file"] == ANSWERS for props, _ in errors)
    assert [int(props["line"]) for props, _ in errors] == [lines[name] for name in unfinished[:10]]
    assert errors[0] == ({"file": ANSWERS, "line": "19", "title": "delta3: wrong"},
                         "delta3: wrong (sign-flip): The sign is flipped; the formula is delta3 = y3(1 - y3)·W35·delta5")
    assert errors[1][1] == "delta4: missing: work it out as delta4 = y4(1 - y4)·W45·delta5"
    assert found[-1] == ("notice", {"title": "bpcheck"}, "14 more wrong or missing values not annotated (GitHub "
                                                         "shows 10 a step); see the step summary or the report")
    assert len(found) == 11
    assert leaks(process.stdout, key, graded) == []

    # The step summary: Markdown, a table per stage, the student's own numbers, no expected value.
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(f"# {ANSWERS}: hw1\n")
    assert f"Exercise: {EXERCISE} · Variant: {USER} · Feedback: hint" in text
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == 5 * 2 + len(key["asked"]) + 1  # a header and a rule per stage, a row per quantity, downhill
    tables = re.findall(r"(?m)^(\|.*\|)\n(\|.*\|)\n((?:\|.*\|\n)+)", text)
    assert len(tables) == 5
    for header, rule, body in tables:
        assert header == "| quantity | yours | verdict | hint |" and rule == "|---|---:|---|---|"
        assert all(len(re.split(r"(?<!\\)\|", row)) == 6 for row in body.splitlines())  # four cells
    assert "| delta3 | -0.006288 | ✗ wrong (sign-flip) | The sign is flipped; the formula is delta3 = " in text
    assert "| W35_new | 0.4671 | ✓ correct |" in text
    assert "expected" not in text and "±" not in text
    assert "Score: 13 / 37 (35.1%): 11 correct, 0 carried forward, 1 wrong, 23 missing." in text
    assert leaks(text, key, graded) == []

    # JUnit XML, the file the next step uploads as an artifact.
    (upload,) = [s for s in steps(document) if s.get("uses", "").startswith("actions/upload-artifact@")]
    root = ET.parse(course / upload["with"]["path"]).getroot()
    (suite,) = root
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors")) == (ANSWERS, "36", "24",
                                                                                                  "0")
    cases = {case.get("name"): case for case in suite}
    assert list(cases) == key["asked"] + ["downhill"]
    assert (cases["delta3"].find("failure").get("type"), cases["delta3"].get("line")) == ("sign-flip", "19")
    assert cases["a3"].find("failure") is None and cases["a3"].get("file") == ANSWERS
    assert leaks(ET.tostring(root, encoding="unicode"), key, graded) == []


def test_grade_workflow_for_another_actor_grades_octocats_file_as_theirs_and_flags_it(course, bin_dir, key):
    """A file copied from another student's repository names their variant: graded as the actor's own
    numbers (it earns little), with a warning at its variant: line."""
    (step,) = [step for step in steps(workflow("grade.yml")) if invokes_bpcheck(step.get("run", ""))]
    process, _, summary = run_step(step, course, bin_dir, actor="hubot")
    assert process.returncode == 1 and process.stderr == ""
    found = annotations(process.stdout)
    flag = "variant: octocat is not the variant being graded, hubot (--variant); it was graded as hubot"
    assert ("warning", {"file": ANSWERS, "line": "6", "title": "bpcheck: other-variant"}, flag) in found
    text = summary.read_text(encoding="utf-8")
    assert f"⚑ line 6: {flag}" in text and "Variant: hubot" in text
    score = float(re.search(r"Score: ([\d.]+) / 37", text).group(1))
    assert score < 13  # octocat's 13 are not hubot's: a copy is no free mark


def test_classroom_workflow_follows_classrooms_rules():
    document = workflow("classroom.yml")
    assert document["name"] == "Autograding Tests"
    assert list(document["jobs"]) == ["run-autograding-tests"]
    assert document["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    all_steps = steps(document)
    (index,) = [i for i, step in enumerate(all_steps) if step.get("id") == "bpcheck"]
    grader = all_steps[index]
    assert invokes_bpcheck(grader["run"]) and "--classroom" in grader["run"]
    # A wrong value exits 1: the step must not stop the job before the reporter runs.
    assert grader.get("continue-on-error") is True or grader["run"].rstrip().endswith("|| true")
    (reporter,) = [step for step in all_steps[index + 1:]
                   if step.get("uses") == "classroom-resources/autograding-grading-reporter@v1"]
    assert reporter["with"] == {"runners": "bpcheck"}
    assert reporter["env"] == {"BPCHECK_RESULTS": "${{ steps.bpcheck.outputs.result }}"}


def reporter_reads(reporter: dict, outputs: dict[str, dict[str, str]]) -> list[dict]:
    """classroom-resources/autograding-grading-reporter (src/main.js): for each runner id, the env variable
    ID_RESULTS (upper-cased), base64 decoded, parsed as JSON."""
    env = {name: github_expressions(value, {f"steps.{step}.outputs.{output}": text
                                            for step, values in outputs.items() for output, text in values.items()})
           for name, value in reporter["env"].items()}
    decoded = []
    for runner in filter(None, re.split(r"[\s,]", reporter["with"]["runners"])):
        encoded = env[f"{runner.strip().upper()}_RESULTS"]
        decoded.append(json.loads(base64.b64decode(encoded, validate=True).decode("utf-8")))
    return decoded


def points_notice(results: list[dict]) -> str:
    """The reporter's notice to Classroom (src/notify-classroom.js): every test's score over max_score."""
    counted = [r for r in results if r["max_score"]]
    total = sum(test["score"] for r in counted for test in r["tests"])
    return f"Points {total:g}/{sum(r['max_score'] for r in counted):g}" if counted else ""


def test_classroom_workflow_reports_per_quantity_credit(course, bin_dir, key, graded):
    all_steps = steps(workflow("classroom.yml"))
    grader = next(step for step in all_steps if step.get("id") == "bpcheck")
    reporter = next(step for step in all_steps if "autograding-grading-reporter" in step.get("uses", ""))
    process, output, summary = run_step(grader, course, bin_dir)
    assert process.returncode == 1 and process.stderr == ""
    outputs = step_outputs(output)
    assert list(outputs) == ["result"]
    (result,) = reporter_reads(reporter, {"bpcheck": outputs})
    assert (result["version"], result["status"], result["max_score"]) == (1, "fail", 37.0)
    assert [test["name"] for test in result["tests"]] == key["asked"] + ["downhill"]
    assert sum(test["score"] for test in result["tests"]) == graded["score"] == 13.0
    assert points_notice([result]) == "Points 13/37"
    tests = {test["name"]: test for test in result["tests"]}
    assert (tests["E"]["score"], tests["E"]["status"]) == (2.0, "pass")  # points: {E: 2}
    assert tests["delta3"] == {"name": "delta3", "status": "fail", "score": 0.0,
                               "message": "delta3: wrong (sign-flip): The sign is flipped; the formula is "
                                          "delta3 = y3(1 - y3)·W35·delta5",
                               "test_code": "", "filename": ANSWERS, "line_no": 19, "duration": 0}
    assert {test["status"] for test in result["tests"]} == {"pass", "fail"}
    assert all((test["status"] == "pass") == (test["score"] > 0) for test in result["tests"][:-1])
    assert (tests["downhill"]["status"], tests["downhill"]["score"]) == ("pass", 0.0)  # worth 0 points here
    assert leaks(json.dumps(result, ensure_ascii=False), key, graded) == []
    assert leaks(process.stdout + summary.read_text(encoding="utf-8"), key, graded) == []


UNREADABLE = "exercise: exercises/hw1.yaml\nanswers:\n  a3: 0.755\n  a3: 0.755\n"  # YAML: one key twice


def test_classroom_result_for_an_unreadable_file_says_why(course, bin_dir):
    (course / ANSWERS).write_text(UNREADABLE, encoding="utf-8")
    grader = next(step for step in steps(workflow("classroom.yml")) if step.get("id") == "bpcheck")
    process, output, _ = run_step(grader, course, bin_dir)
    assert process.returncode == 2
    result = json.loads(base64.b64decode(step_outputs(output)["result"], validate=True))
    assert (result["status"], [t["status"] for t in result["tests"]], result["tests"][0]["line_no"]) == (
        "error", ["error"], 4)
    assert "a3 is given twice" in result["tests"][0]["message"]


def test_classroom_result_for_a_value_that_is_not_a_number_is_that_values_test(course, bin_dir):
    text = (course / ANSWERS).read_text(encoding="utf-8").replace("  a3: 0.365\n", "  a3: 0.3.65\n")
    (course / ANSWERS).write_text(text, encoding="utf-8")
    grader = next(step for step in steps(workflow("classroom.yml")) if step.get("id") == "bpcheck")
    process, output, _ = run_step(grader, course, bin_dir)
    assert process.returncode == 1
    result = json.loads(base64.b64decode(step_outputs(output)["result"], validate=True))
    tests = {test["name"]: test for test in result["tests"]}
    assert (tests["a3"]["status"], tests["a3"]["score"], tests["a3"]["line_no"]) == ("fail", 0.0, 9)
    assert tests["a3"]["message"] == ("a3: unreadable: '0.3.65' is not a number; write a decimal number such as "
                                      "0.25 or -1.5e-3")
    assert points_notice([result]) == "Points 12/37"  # a3's point alone is lost; y3 follows from the exact a3


def test_classroom_result_for_an_unreadable_file_counts_the_pinned_points(course, bin_dir):
    (course / ANSWERS).write_text(UNREADABLE, encoding="utf-8")
    grader = next(step for step in steps(workflow("classroom.yml")) if step.get("id") == "bpcheck")
    _, output, _ = run_step(grader, course, bin_dir)
    result = json.loads(base64.b64decode(step_outputs(output)["result"], validate=True))
    assert result["max_score"] == 37.0 and points_notice([result]) == "Points 0/37"


# ---------------------------------------------------------------- Gradescope


def autograder_tree(tmp_path: Path) -> Path:
    """/autograder as Gradescope lays it out: the bundle unzipped in source/, an empty submission/."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    shutil.copytree(COURSE / "exercises", root / "source" / "exercises")
    for script in ("setup.sh", "run_autograder"):
        shutil.copy2(COURSE / "gradescope" / script, root / "source" / script)
    return root


def run_autograder(root: Path, bin_dir: Path, **extra: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    process = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, capture_output=True, text=True,
                             env=environment(bin_dir, AUTOGRADER_ROOT=str(root), **extra), timeout=60)
    text = (root / "results" / "results.json").read_text(encoding="utf-8")
    return process, json.loads(text), text


def test_the_gradescope_scripts_are_executable_shell():
    for name, shell in (("setup.sh", "bash"), ("run_autograder", "sh")):
        path = COURSE / "gradescope" / name
        assert path.stat().st_mode & stat.S_IXUSR, f"{name} must be executable"
        assert path.read_text(encoding="utf-8").startswith(("#!/bin/sh\n", "#!/usr/bin/env bash\n", "#!/bin/bash\n"))
        assert subprocess.run([shell, "-n", str(path)], capture_output=True).returncode == 0
    setup = (COURSE / "gradescope" / "setup.sh").read_text(encoding="utf-8")
    assert "apt-get install -y --no-install-recommends python3 python3-pip" in setup
    assert 'python3 -m pip install --no-cache-dir "bpcheck @ git+https://github.com/bpcheck/bpcheck"' in setup


@pytest.mark.parametrize("where", ["answers.yaml", "answers/answers.yaml"])  # uploaded; or a GitHub submission
def test_gradescope_grades_a_submission(tmp_path, bin_dir, key, graded, where):
    root = autograder_tree(tmp_path)
    (root / "submission" / where).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(COURSE / ANSWERS, root / "submission" / where)
    metadata = {"users": [{"email": "o@example.edu", "id": 1234, "name": USER.capitalize()}]}  # Gradescope's fields
    (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    process, results, text = run_autograder(root, bin_dir, VARIANT_FROM="name")  # Octocat is variant octocat
    assert process.returncode == 0, process.stderr
    assert results["score"] == graded["score"] == 13.0
    assert results["output"] == f"{EXERCISE} (variant {USER}). Score: 13 / 37 (35.1%)."
    assert [test["name"] for test in results["tests"]] == key["asked"] + ["downhill"]
    assert sum(test["max_score"] for test in results["tests"]) == 37.0
    assert sum(test["score"] for test in results["tests"]) == 13.0
    tests = {test["name"]: test for test in results["tests"]}
    assert (tests["E"]["score"], tests["E"]["max_score"], tests["E"]["status"]) == (2.0, 2.0, "passed")
    assert (tests["delta3"]["score"], tests["delta3"]["status"]) == (0.0, "failed")
    assert tests["delta3"]["output"] == ("delta3: wrong (sign-flip): The sign is flipped; the formula is "
                                         "delta3 = y3(1 - y3)·W35·delta5")
    assert leaks(text, key, graded) == [] and leaks(process.stdout, key, graded) == []


def test_gradescope_without_an_answers_file_says_what_was_uploaded(tmp_path, bin_dir):
    root = autograder_tree(tmp_path)
    shutil.copy(COURSE / ANSWERS, root / "submission" / "hw1-answers.yml")
    (root / "submission" / "answers.yaml").mkdir()  # a folder of that name is not an answers file
    process, results, _ = run_autograder(root, bin_dir)
    assert process.returncode == 0
    assert (results["score"], results["tests"]) == (0.0, [])
    assert results["output"] == (
        "No answers.yaml was found in your submission, so nothing was graded yet (score 0). Your submission holds "
        "hw1-answers.yml. Upload your answers file under the name answers.yaml (start one with `bpcheck template "
        "exercises/hw1.yaml > answers.yaml`) and submit again.")


def test_gradescope_with_an_empty_submission(tmp_path, bin_dir):
    root = autograder_tree(tmp_path)
    process, results, _ = run_autograder(root, bin_dir)
    assert process.returncode == 0 and results["score"] == 0.0
    assert "Your submission is empty." in results["output"]


def test_gradescope_with_a_malformed_answers_file(tmp_path, bin_dir, key, graded):
    root = autograder_tree(tmp_path)
    text = (COURSE / ANSWERS).read_text(encoding="utf-8").replace("  a3: 0.365\n", "  a3: 0.365\n  a3: 0.365\n")
    (root / "submission" / "answers.yaml").write_text(text, encoding="utf-8")
    process, results, raw = run_autograder(root, bin_dir)
    assert process.returncode == 0
    assert "run_autograder: bpcheck exited 2" in process.stderr + process.stdout
    path = root / "submission" / "answers.yaml"
    assert process.stderr == (f"bpcheck: {path}:10:3: a3 is given twice (first on line 9); keep one of them and "
                              "delete the other\n")
    assert (results["score"], results["tests"]) == (0.0, [])
    assert f"{path}:10:3: a3 is given twice" in results["output"]
    assert leaks(raw, key, graded) == []


def test_gradescope_output_names_an_unreadable_file_once(tmp_path, bin_dir):
    root = autograder_tree(tmp_path)
    (root / "submission" / "answers.yaml").write_text(UNREADABLE, encoding="utf-8")
    _, results, _ = run_autograder(root, bin_dir)
    path = root / "submission" / "answers.yaml"
    assert results["output"] == f"{path}:4:3: a3 is given twice (first on line 3); keep one of them and delete the other"


def test_gradescope_without_variant_from_grades_the_exercises_numbers_and_trusts_no_variant_line(cli, tmp_path, bin_dir):
    """VARIANT_FROM empty: a course without variants. A file naming one cannot be checked against its
    submitter, so it is refused with the reason (never graded as the variant it names)."""
    root = autograder_tree(tmp_path)
    shutil.copy(COURSE / ANSWERS, root / "submission" / "answers.yaml")
    process, results, _ = run_autograder(root, bin_dir)
    assert "bpcheck exited 2" in process.stdout and results["score"] == 0.0
    assert "6:10: the variant a file names is not taken for marks" in results["output"]
    assert "delete the variant: line" in results["output"]
    values = json.loads(cli("solve", COURSE / EXERCISE, "--format", "json").stdout)["values"]
    (root / "submission" / "answers.yaml").write_text(  # no variant line, the exercise's own numbers, a comma
        f"exercise: {EXERCISE}\nanswers:\n  a3: {values['a3']!r}\n  y3: {str(round(values['y3'], 4)).replace('.', ',')}\n",
        encoding="utf-8")
    _, results, _ = run_autograder(root, bin_dir)
    assert results["score"] == 2.0 and results["output"] == f"{EXERCISE}. Score: 2 / 37 (5.4%)."
    y3 = next(test for test in results["tests"] if test["name"] == "y3")
    assert y3["output"].endswith(f"was read as {round(values['y3'], 4)!r}")


def test_gradescope_variant_from_the_submitters_email(cli, tmp_path, bin_dir):
    root = autograder_tree(tmp_path)
    email = "ada@example.edu"
    ada = cli("solve", COURSE / EXERCISE, "--variant", email, "--format", "json")
    values = json.loads(ada.stdout)["values"]
    template = cli("template", COURSE / EXERCISE, "--variant", email).stdout
    (root / "submission" / "answers.yaml").write_text(
        template.replace("  a3:\n", f"  a3: {values['a3']:.4g}\n").replace("  y3:\n", f"  y3: {values['y3']:.4g}\n"),
        encoding="utf-8")
    (root / "submission_metadata.json").write_text(json.dumps({"id": 1, "users": [{"email": email, "name": "Ada"}]}),
                                                   encoding="utf-8")
    _, results, _ = run_autograder(root, bin_dir, VARIANT_FROM="email")
    assert (results["score"], results["output"]) == (2.0, f"{EXERCISE} (variant {email}). Score: 2 / 37 (5.4%).")

    # octocat's file, uploaded by Ada: graded as Ada's own numbers (it earns little), and says why.
    shutil.copy(COURSE / ANSWERS, root / "submission" / "answers.yaml")
    _, results, _ = run_autograder(root, bin_dir, VARIANT_FROM="email")
    assert results["score"] < 13 and results["output"].splitlines()[1] == (
        f"⚑ line 6: variant: octocat is not the variant being graded, {email} (--variant); it was graded as {email}")

    (root / "submission_metadata.json").unlink()
    _, results, _ = run_autograder(root, bin_dir, VARIANT_FROM="email")
    assert results["score"] == 0.0 and "could not tell whose submission this is" in results["output"]


def readme_block(text: str, heading: str) -> str:
    """The first ```sh block after ``heading`` in a README."""
    return re.search(rf"^{re.escape(heading)}\n.*?```sh\n(.*?)```", text, flags=re.S | re.M).group(1)


def without_bpcheck(path: str) -> str:
    """PATH less every folder that holds a bpcheck command: what a fresh shell has after README's set-up."""
    return os.pathsep.join(folder for folder in path.split(os.pathsep)
                           if folder and not (Path(folder) / "bpcheck").exists())


def test_gradescope_readme_try_it_runs_as_written(tmp_path):
    """gradescope/README.md, "Try it before uploading": its commands, as written, in examples/course/ of a
    clone whose .venv is README's set-up (a bpcheck that runs this interpreter's, put on the PATH by
    .venv/bin/activate as a virtual environment's is), from a shell where bpcheck is not on the PATH."""
    block = readme_block((COURSE / "gradescope" / "README.md").read_text(encoding="utf-8"), "## Try it before uploading")
    clone = tmp_path / "clone"
    course = Path(shutil.copytree(COURSE, clone / "examples" / "course"))
    venv_bin = clone / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "bpcheck").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m bpcheck "$@"\n',
                                      encoding="utf-8")
    (venv_bin / "bpcheck").chmod(0o755)
    (venv_bin / "activate").write_text(f'PATH={shlex.quote(str(venv_bin))}:"$PATH"\nexport PATH\n', encoding="utf-8")
    env = {**environment(tmp_path), "PATH": without_bpcheck(os.environ.get("PATH", "")), "TMPDIR": str(tmp_path)}
    assert subprocess.run(["sh", "-c", "command -v bpcheck"], env=env, capture_output=True).returncode != 0
    process = subprocess.run(["sh", "-e", "-c", block], cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr
    assert "run_autograder: bpcheck exited 1" in process.stdout
    results = json.loads(process.stdout[process.stdout.index("{"):])
    assert (results["score"], results["output"]) == (13.0, f"{EXERCISE} (variant {USER}). Score: 13 / 37 (35.1%).")
    # Without the first line, as the README had it, the autograder cannot find bpcheck.
    broken = subprocess.run(["sh", "-e", "-c", block.split("\n", 1)[1]], cwd=course, env=env, capture_output=True,
                            text=True, timeout=120)
    assert "bpcheck: not found" in broken.stderr or "could not grade" in broken.stdout


def test_gradescope_readme_zips_the_bundle_with_the_scripts_at_its_root():
    text = (COURSE / "gradescope" / "README.md").read_text(encoding="utf-8")
    assert "zip -r hw1-autograder.zip exercises/hw1.yaml" in text
    assert "(cd gradescope && zip ../hw1-autograder.zip setup.sh run_autograder)" in text


# ---------------------------------------------------------------- Classroom 50

RUNNER = {"CLASSROOM": "nn-2026", "ASSIGNMENT": "hw1", "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
          "COMMIT_URL": "https://github.com/nn/nn-2026-hw1-octocat/commit/a1b2c3d",
          "RELEASE_URL": "https://github.com/nn/nn-2026-hw1-octocat/releases/tag/submit%2F2026-06-01T14-32-05Z-a1b2c3d",
          "REVIEW_URL": "https://github.com/nn/nn-2026-hw1-octocat/compare/0a0a0a0...a1b2c3d",
          "OWNER": USER, "USERNAME": USER, "ASSIGNMENT_TYPE": "individual", "GITHUB_ACTIONS": "true"}


def classroom50_bundle(tmp_path: Path) -> Path:
    """CLASSROOM/autograders/ASSIGNMENT/ of the classroom50 repository, as the runner extracts it: made by
    the commands of the course README's section 5, run from a copy of the course."""
    instructor = tmp_path / "instructor"
    bundle = instructor / "classroom50" / "nn-2026" / "autograders" / "hw1"
    if not bundle.exists():
        shutil.copytree(COURSE, instructor / "course")
        commands = readme_block((COURSE / "README.md").read_text(encoding="utf-8"), "## 5. Classroom 50: "
                                "`classroom50/autograder.py`")
        subprocess.run(["sh", "-ec", commands], cwd=instructor / "course", check=True)
    return bundle


def run_classroom50(tmp_path: Path, checkout: Path, bin_dir: Path, **extra: str | None):
    """The runner's step: autograder.py run with the runner's environment, in the student's checkout;
    its exit code, result.json (None if none) and release-body.md."""
    env = environment(bin_dir, **RUNNER)
    env.update({name: value for name, value in extra.items() if value is not None})
    for name in [name for name, value in extra.items() if value is None]:
        env.pop(name, None)
    process = subprocess.run([sys.executable, str(classroom50_bundle(tmp_path) / "autograder.py")], cwd=checkout,
                             env=env, capture_output=True, text=True, timeout=120)
    result, body = checkout / "result.json", checkout / "release-body.md"
    return (process, json.loads(result.read_text(encoding="utf-8")) if result.exists() else None,
            body.read_text(encoding="utf-8") if body.exists() else "")


def test_the_readmes_make_the_classroom50_bundle(tmp_path):
    bundle = classroom50_bundle(tmp_path)
    assert sorted(str(path.relative_to(bundle)) for path in bundle.rglob("*")) == [
        "autograder.py", "exercises", "exercises/hw1.yaml"]
    assert (bundle / "autograder.py").stat().st_mode & stat.S_IXUSR
    # The manual's, in the classroom50 repository with bpcheck's clone beside it (its `git` line aside): the
    # same files.
    commands = readme_block((REPO / "docs" / "instructors" / "classroom50.md").read_text(encoding="utf-8"), "# Classroom 50")
    (tmp_path / "root" / "classroom50").mkdir(parents=True)
    (tmp_path / "root" / "bpcheck").mkdir()
    (tmp_path / "root" / "bpcheck" / "examples").symlink_to(REPO / "examples")
    subprocess.run(["sh", "-ec", "\n".join(line for line in commands.splitlines() if not line.startswith("git "))],
                   cwd=tmp_path / "root" / "classroom50", check=True)
    made = tmp_path / "root" / "classroom50" / "nn-2026" / "autograders" / "hw1"
    for name in ("autograder.py", EXERCISE):
        assert (made / name).read_bytes() == (bundle / name).read_bytes()


def test_classroom50_autograder_grades_the_students_checkout(tmp_path, course, bin_dir, key, graded):
    process, result, body = run_classroom50(tmp_path, course, bin_dir)
    assert process.returncode == 0, process.stderr
    assert runner_refuses(result) == []
    assert (result["score"], result["max-score"], result["points-factor"], result["flags"]) == (13, 37, 1, [])
    assert [test["test-name"] for test in result["tests"]] == key["asked"] + ["downhill"]
    tests = {test["test-name"]: test for test in result["tests"]}
    assert (tests["E"]["score"], tests["E"]["max-score"], tests["E"]["passed"]) == (2, 2, True)
    assert tests["delta3"]["message"] == ("delta3: wrong (sign-flip): The sign is flipped; the formula is "
                                          "delta3 = y3(1 - y3)·W35·delta5")
    assert (result["classroom"], result["assignment"], result["submission"]) == ("nn-2026", "hw1",
                                                                                 RUNNER["SUBMISSION_TAG"])
    # The report, as Markdown for the Release: named as the course's repository names the exercise.
    assert "Exercise: exercises/hw1.yaml · Variant: octocat · Feedback: hint" in body
    assert "Score: 13 / 37 (35.1%)" in body and "| delta3 | -0.006288 | ✗ wrong (sign-flip) |" in body
    assert "autograder: bpcheck exited 1" in process.stdout
    for text in (json.dumps(result, ensure_ascii=False), body, process.stdout, process.stderr):
        assert leaks(text, key, graded) == []


def test_classroom50_autograder_grades_against_the_courses_exercise(tmp_path, course, bin_dir):
    """The student owns the repository: their exercises/hw1.yaml, a result.json they commit (even a link
    to the course's exercise), change nothing."""
    hw1 = course / EXERCISE
    hw1.write_text(hw1.read_text(encoding="utf-8").replace("points: {E: 2, delta5: 2}", "points: {E: 87}"),
                   encoding="utf-8")
    (course / "result.json").write_text('{"schema": "classroom50/result/v1", "score": 37, "max-score": 37}\n')
    (course / "release-body.md").symlink_to(classroom50_bundle(tmp_path) / EXERCISE)
    course_exercise = (COURSE / EXERCISE).read_bytes()
    process, result, body = run_classroom50(tmp_path, course, bin_dir)
    assert process.returncode == 0, process.stderr
    assert (result["score"], result["max-score"]) == (13, 37) and not (course / "release-body.md").is_symlink()
    assert (classroom50_bundle(tmp_path) / EXERCISE).read_bytes() == course_exercise


def test_classroom50_autograder_scores_a_missing_or_unreadable_file_0(tmp_path, course, bin_dir):
    (course / ANSWERS).unlink()
    process, result, body = run_classroom50(tmp_path, course, bin_dir)
    assert process.returncode == 0 and runner_refuses(result) == []
    assert (result["score"], result["max-score"]) == (0, 37)
    [test] = result["tests"]
    assert test["test-name"] == "read answers file" and test["message"].endswith(
        "answers/answers.yaml: no such file; check the path and its spelling")
    assert "no such file" in body

    answers = course / ANSWERS
    answers.write_text((COURSE / ANSWERS).read_text(encoding="utf-8").replace("answers:\n", "answers: [\n"),
                       encoding="utf-8")
    process, result, _ = run_classroom50(tmp_path / "again", course, bin_dir)
    assert process.returncode == 0 and result["score"] == 0
    assert result["tests"][0]["message"].startswith(f"{answers}:7:") and "YAML" in result["tests"][0]["message"]


def test_classroom50_autograder_grades_each_student_as_their_own_variant(tmp_path, course, bin_dir):
    # octocat's file in another student's repository: graded as hubot's variant (it earns little), and flagged.
    process, result, body = run_classroom50(tmp_path, course, bin_dir, OWNER="hubot", USERNAME="hubot")
    assert process.returncode == 0 and runner_refuses(result) == [] and result["score"] < 13
    assert [flag["kind"] for flag in result["flags"]] == ["other-variant"]
    assert "variant: octocat is not the variant being graded, hubot" in result["flags"][0]["message"]
    assert "variant: octocat is not the variant being graded, hubot" in body
    # $USERNAME when the runner gives no $OWNER; neither: no student, so no grade (the runner records an error).
    process, result, _ = run_classroom50(tmp_path / "two", course, bin_dir, OWNER=None)
    assert process.returncode == 0 and result["score"] == 13
    process, result, _ = run_classroom50(tmp_path / "three", course, bin_dir, OWNER=None, USERNAME=None)
    assert process.returncode == 1 and result is None
    assert process.stderr == "autograder: neither $OWNER nor $USERNAME is set, so there is no student to grade as\n"


def test_classroom50_autograder_fails_when_bpcheck_writes_nothing(tmp_path, course, bin_dir):
    """An infrastructure error (here: the runner gives no submission tag) is a non-zero exit, never a
    result.json of the autograder's own making."""
    process, result, _ = run_classroom50(tmp_path, course, bin_dir, SUBMISSION_TAG=None)
    assert process.returncode == 1 and result is None
    assert "$SUBMISSION_TAG, which is not set" in process.stderr


# ---------------------------------------------------------------- pre-commit


def hooks() -> dict[str, dict]:
    document = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in document}


def selected(hook: dict, course: Path) -> list[str]:
    """The course's files pre-commit passes to the hook: `files` matches (re.search), `types: [yaml]`."""
    names = sorted(path.relative_to(course).as_posix() for path in course.rglob("*") if path.is_file())
    return [name for name in names if re.search(hook["files"], name)
            and ("yaml" not in hook.get("types", []) or name.endswith((".yaml", ".yml")))]


def run_hook(hook: dict, course: Path, bin_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    files = selected(hook, course)
    assert files, f"{hook['id']} selects no file"
    return subprocess.run(shlex.split(hook["entry"]) + files, cwd=course, env=environment(bin_dir, **extra),
                          capture_output=True, text=True, timeout=60)


def test_pre_commit_hooks_have_the_keys_pre_commit_requires():
    found = hooks()
    assert set(found) == {"bpcheck-answers", "bpcheck-exercise"}
    script = re.search(r"(?m)^\[project\.scripts\]\n(\w+) = ", (REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] == script.group(1)  # language: python runs a console script
        assert hook["types"] == ["yaml"]
    assert found["bpcheck-answers"]["entry"] == ("bpcheck grade --pass-mark 0 --feedback verdict --no-annotations "
                                                 "--strict")
    assert found["bpcheck-exercise"]["entry"] == "bpcheck check --strict"
    answers, exercise = found["bpcheck-answers"]["files"], found["bpcheck-exercise"]["files"]
    for name in ("answers/answers.yaml", "answers.yaml", "hw1/answers.yml", "answers/alice.yaml"):
        assert re.search(answers, name) and not re.search(exercise, name), name
    for name in ("exercises/hw1.yaml", "course/exercises/quiz.yml"):
        assert re.search(exercise, name) and not re.search(answers, name), name
    for name in (".github/workflows/grade.yml", ".pre-commit-config.yaml", "myanswers.yaml"):
        assert not re.search(answers, name) and not re.search(exercise, name), name


def test_pre_commit_answers_hook_passes_a_half_done_file_and_stops_a_malformed_one(cli, course, bin_dir):
    hook = hooks()["bpcheck-answers"]
    assert selected(hook, course) == [ANSWERS]
    half_done = run_hook(hook, course, bin_dir, GITHUB_ACTIONS="true")  # as in pre-commit run by CI
    assert half_done.returncode == 0, half_done.stderr
    assert "Score: 13 / 37 (35.1%)" in half_done.stdout and "✗ wrong" in half_done.stdout
    assert "::" not in half_done.stdout and "sign-flip" not in half_done.stdout  # verdicts only, no annotations

    template = cli("template", course / EXERCISE, "--variant", USER).stdout
    (course / "answers" / "blank.yaml").write_text(template, encoding="utf-8")
    assert run_hook(hook, course, bin_dir).returncode == 0  # nothing filled in yet: still commits

    (course / "answers" / "broken.yaml").write_text(template.replace("  a3:\n", "  a3: 0.3.6\n"), encoding="utf-8")
    broken = run_hook(hook, course, bin_dir)
    assert broken.returncode == 2  # a value that is not a number: marked on its own by grade, stopped by --strict
    assert broken.stderr == ("bpcheck: answers/broken.yaml:9: a3: '0.3.6' is not a number; write a decimal number "
                             "such as 0.25 or -1.5e-3\n")

    (course / "answers" / "broken.yaml").write_text(template.replace("  a3:\n", "  a3:\n  a33: 1\n"), encoding="utf-8")
    typo = run_hook(hook, course, bin_dir)
    assert typo.returncode == 2 and typo.stderr.startswith("bpcheck: answers/broken.yaml:10:3: 'a33' is not a quantity")


def test_pre_commit_exercise_hook_is_check_strict(course, bin_dir):
    hook = hooks()["bpcheck-exercise"]
    assert selected(hook, course) == [EXERCISE]
    clean = run_hook(hook, course, bin_dir)
    assert (clean.returncode, clean.stdout) == (0, f"{EXERCISE}: ready: it solves, and a person can work it by hand\n")
    text = (course / EXERCISE).read_text(encoding="utf-8").replace("  W13: -0.7\n", "  W13: -0.7123\n")
    (course / "exercises" / "hw2.yaml").write_text(text, encoding="utf-8")
    warned = run_hook(hook, course, bin_dir)
    assert warned.returncode == 1
    assert ("exercises/hw2.yaml:18: warning: W13 = -0.7123 has more than 3 decimals; numbers worked by hand have one "
            "or two") in warned.stdout


def test_the_readmes_pre_commit_config_uses_the_hooks():
    text = (COURSE / "README.md").read_text(encoding="utf-8")
    (snippet,) = [block for block in re.findall(r"```yaml\n(.*?)```", text, re.S) if block.startswith("repos:")]
    (repo,) = yaml.safe_load(snippet)["repos"]
    assert repo["repo"] == "https://github.com/bpcheck/bpcheck"
    assert [hook["id"] for hook in repo["hooks"]] == ["bpcheck-answers", "bpcheck-exercise"]
    assert {hook["id"] for hook in repo["hooks"]} <= set(hooks())


# ---------------------------------------------------------------- the exercise and the answers file


def test_the_exercise_passes_check_strict_and_its_schema(cli):
    result = cli("check", "--strict", COURSE / EXERCISE)
    assert result.exit_code == 0 and result.stdout.endswith("ready: it solves, and a person can work it by hand\n")
    document = yaml.safe_load((COURSE / EXERCISE).read_text(encoding="utf-8"))
    assert (document["feedback"], document["layers"], document["activation"]) == ("hint", [2, 2, 1], "sigmoid")
    jsonschema.validate(document, json.loads(cli("schema", "exercise").stdout))


def test_the_exercise_is_what_bpcheck_new_made(cli):
    """README: made with `bpcheck new --shape 2-2-1 --seed 1`, then edited by hand (not its numbers)."""
    made = yaml.safe_load(cli("new", "--shape", "2-2-1", "--seed", "1", "--title", "Homework 1: one step by hand").stdout)
    ours = yaml.safe_load((COURSE / EXERCISE).read_text(encoding="utf-8"))
    for field in ("title", "layers", "activation", "loss", "inputs", "weights", "targets", "learning_rate"):
        assert ours[field] == made[field], field


def test_the_answers_file_is_a_partly_filled_template_that_validates(cli, monkeypatch):
    monkeypatch.chdir(COURSE)  # as the student runs it, in their repository
    text = (COURSE / ANSWERS).read_text(encoding="utf-8")
    template = cli("template", EXERCISE, "--variant", USER).stdout
    assert template.startswith("# yaml-language-server: $schema=https://") and text.splitlines()[0] == \
        template.splitlines()[0]
    blanked = re.sub(r"(?m)^(  \w+):.+$", r"\1:", text)
    assert blanked == template
    document = yaml.safe_load(text)
    assert (document["exercise"], document["variant"]) == (EXERCISE, USER)
    filled = {name for name, value in document["answers"].items() if value is not None}
    assert filled == {"a3", "y3", "a4", "y4", "a5", "y5", "E", "delta5", "delta3", "dE_dW35", "dW35", "W35_new"}
    assert len(document["answers"]) == 35
    jsonschema.validate(document, json.loads(cli("schema", "answers").stdout))


# ---------------------------------------------------------------- the gradebook CSV


def test_the_readmes_gradebook_command(cli, tmp_path):
    """README §9: a folder of Classroom repositories, one row per student, id without the assignment prefix."""
    exercise = shutil.copytree(COURSE / "exercises", tmp_path / "exercises")
    submissions = tmp_path / "hw1-submissions"
    for student in ("octocat", "hubot"):
        (submissions / f"hw1-{student}" / "answers").mkdir(parents=True)
    shutil.copy(COURSE / ANSWERS, submissions / "hw1-octocat" / ANSWERS)
    hubot = cli("template", exercise / "hw1.yaml", "--variant", "hubot").stdout.replace("  a3:\n", "  a3: 0.5\n")
    (submissions / "hw1-hubot" / ANSWERS).write_text(hubot, encoding="utf-8")
    result = cli("grade", submissions, "--exercise", exercise / "hw1.yaml", "--feedback", "hint", "--csv",
                 tmp_path / "hw1-marks.csv")
    assert result.exit_code == 1
    with open(tmp_path / "hw1-marks.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"octocat", "hubot"}
    assert [rows["octocat"][c] for c in ("variant", "score", "max_score", "percent", "passed", "delta3")] == [
        "octocat", "13", "37", "35.14", "false", "wrong:sign-flip"]
    assert [rows["hubot"][c] for c in ("variant", "score", "a3", "y3")] == ["hubot", "0", "wrong", "missing"]


def test_the_manuals_github_actions_workflow_is_the_example_workflow_complete():
    page = (Path(__file__).resolve().parents[1] / "docs" / "instructors" / "github-actions.md").read_text(encoding="utf-8")
    section = page.split("## The workflow", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow = Path(__file__).resolve().parents[1] / "examples" / "course" / ".github" / "workflows" / "grade.yml"
    assert block == workflow.read_text(encoding="utf-8")
