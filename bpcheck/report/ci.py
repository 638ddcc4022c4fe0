"""Reports that CI systems read, each a pure function of the grade records (``batch.Outcome``):

- JUnit XML (``junit_xml``), read by mikepenz/action-junit-report, EnricoMi/publish-unit-test-result-action,
  dorny/test-reporter and GitLab;
- Gradescope's results.json (``gradescope_results``);
- GitHub Classroom's grading-reporter result (``classroom_result``), base64 JSON for $GITHUB_OUTPUT;
- Classroom 50's result.json (``classroom50_result``) and the Markdown of its Release (``release_body``);
- GitHub Actions annotations (``workflow_annotations``) and the Markdown step summary (``step_summary``).

docs/reference/reports.md says what each holds. Everything a student can read here obeys the outcome's feedback level:
at ``score`` only the total, at ``verdict`` no notes, at ``hint`` no expected value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..errors import BpcheckError
from ..feedback import note, shows_results
from ..grading import CREDITED
from ..numbers import counted
from ..safetext import escape_controls
from .grades import flag_lines, score_line

ANNOTATION_LIMIT = 10  # GitHub shows at most 10 errors a step; the rest would vanish without a word
SUMMARY_LIMIT = 1024 * 1024  # GitHub's limit for one step's summary, in bytes
RELEASE_BODY_LIMIT = 125_000  # GitHub's limit for a Release's text, in characters (so in bytes too)
STEP_OUTPUT_LIMIT = 1000 * 1000  # and for one step's outputs


def _label(outcome) -> str:
    grade = outcome.grade
    label = outcome.exercise_label
    return f"{label} (variant {grade.variant})" if grade.variant else label


def _score_text(grade) -> str:
    """`Score: 2 / 35 (5.7%)`: the report's score line, the total only."""
    return score_line(grade, "score").rstrip(".")


def _failure_text(result, level: str) -> str:
    """`delta3: wrong (sign-flip): The sign is flipped ...`, as much as the level shows."""
    head = f"{result.name}: {result.verdict.replace('_', ' ')}"
    if result.misconception and level in ("full", "hint"):
        head += f" ({result.misconception})"
    text = note(result, level)
    if result.verdict == "missing":  # "a4: missing: not answered; ..." says it twice
        text = text.removeprefix("not answered; ")
    return f"{head}: {text}" if text else head


# ---------------------------------------------------------------- JUnit XML


def junit_xml(outcomes: Sequence, pass_mark: float | None = None) -> str:
    """A testsuite per answers file and a testcase per asked quantity (with the answer's file and line);
    wrong and missing values fail with the note the feedback level allows; a file that could not be
    read is one testcase in error. At the ``score`` level a file is one testcase, its total."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="bpcheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for outcome in outcomes:
        suite = ET.SubElement(root, "testsuite", name=_xml(outcome.file or outcome.identifier or ""))
        cases = _junit_cases(outcome, pass_mark)
        counts = {"tests": len(cases), "failures": sum(case[3] == "failure" for case in cases),
                  "errors": sum(case[3] == "error" for case in cases)}
        suite.attrib.update({key: str(value) for key, value in counts.items()}, skipped="0", time="0")
        for key in totals:
            totals[key] += counts[key]
        for classname, name, line, kind, message, why in cases:
            case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(name),
                                 file=_xml(outcome.file), time="0")
            if line is not None:
                case.set("line", str(line))
            if kind:
                failure = ET.SubElement(case, kind, message=_xml(message), type=_xml(why))
                failure.text = _xml(message)
        if outcome.flags:  # read by EnricoMi's action and GitLab
            ET.SubElement(suite, "system-out").text = _xml("\n".join(flag_lines(outcome)))
    root.attrib.update({key: str(value) for key, value in totals.items()})
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _junit_cases(outcome, pass_mark: float | None) -> list[tuple[str, str, int | None, str, str, str]]:
    """(classname, name, line, "" | "failure" | "error", message, type) per testcase; the type is the
    verdict, or the named mistake where the level shows it."""
    if not outcome.handed_in:
        return [("bpcheck", "hand in an answers file", None, "failure", "no file handed in", "no file")]
    if outcome.grade is None:
        error = outcome.error
        return [("bpcheck", "read answers file", getattr(error, "line", None), "error", str(error), "bad input")]
    grade, level = outcome.grade, outcome.feedback
    if not shows_results(level):
        return [(_label(outcome), "score", None, "" if outcome.passed(pass_mark) else "failure", _score_text(grade),
                 "score")]
    named = level in ("full", "hint")
    return [(_label(outcome), result.name, result.line, "" if result.verdict in CREDITED else "failure",
             _failure_text(result, level), (named and result.misconception) or result.verdict)
            for result in grade.results]


def _xml(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped: they are written as \\x1b."""
    return escape_controls(text)


# ---------------------------------------------------------------- Gradescope and Classroom: one student


def check_one_student(outcomes: Sequence, formats: Sequence[str]) -> None:
    """Gradescope's results.json and Classroom's result are one student's: refuse a run of several
    answers files (the rows of its summary: each file given or found in a folder, an unreadable one
    too, but not the exercise the answers name found among them) rather than merge them into one."""
    if formats and len(outcomes) > 1:
        options = " and ".join(f"--{what}" for what in formats)
        raise BpcheckError(f"{options} with {len(outcomes)} answers files: these formats hold one student's result",
                           hint="grade one submission at a time, as the autograder does")


# ---------------------------------------------------------------- Gradescope


def gradescope_results(outcome, visibility: str = "visible") -> dict:
    """results.json for Gradescope, of one answers file: a test per asked quantity with its score and
    max_score, the total, and the output the feedback level allows (with the file's flags); for a file
    that could not be read, a score of 0 and why."""
    results = {"score": 0.0, "output": "", "output_format": "text", "visibility": visibility,
               "stdout_visibility": "hidden", "tests": []}
    if outcome.grade is None:  # the error names its file
        error = outcome.error
        results["output"] = "\n".join([str(error) if getattr(error, "file", None) else f"{outcome.file}: {error}",
                                       *flag_lines(outcome)])
        return results
    grade, level = outcome.grade, outcome.feedback
    results.update(score=grade.score, output="\n".join([f"{_label(outcome)}. {_score_text(grade)}.",
                                                        *flag_lines(outcome)]))
    if shows_results(level):
        results["tests"] = [{"name": result.name, "number": str(number), "score": result.earned,
                             "max_score": result.points, "status": "passed" if result.verdict in CREDITED else "failed",
                             "output": _failure_text(result, level), "output_format": "text"}
                            for number, result in enumerate(grade.results, 1)]
    return results


# ---------------------------------------------------------------- GitHub Classroom


def classroom_result(outcome, pass_mark: float | None = None, unreadable_max: float | None = None) -> dict:
    """The JSON that classroom-resources/autograding-grading-reporter decodes, of one answers file: a
    test per asked quantity with its fractional score, so that it posts `Points X/Y` with per-quantity
    credit. A file that cannot be read scores 0 of ``unreadable_max`` (the pinned exercise's points):
    the reporter posts nothing at all for a result whose max_score is 0."""
    if outcome.grade is None:
        error = outcome.error
        return {"version": 1, "status": "error", "max_score": unreadable_max or 0.0,
                "tests": [_classroom_test("read answers file", "error", 0.0, str(error), outcome.file,
                                          getattr(error, "line", None))]}
    grade, level = outcome.grade, outcome.feedback
    passed = outcome.passed(pass_mark)
    if shows_results(level):
        tests = [_classroom_test(result.name, "pass" if result.verdict in CREDITED else "fail", result.earned,
                                 _failure_text(result, level), outcome.file, result.line) for result in grade.results]
    else:
        tests = [_classroom_test(f"{outcome.file}: score", "pass" if passed else "fail", grade.score,
                                 _score_text(grade), outcome.file, None)]
    return {"version": 1, "status": "pass" if passed else "fail", "max_score": grade.max_score, "tests": tests}


def _classroom_test(name: str, status: str, score: float, message: str, file: str, line: int | None) -> dict:
    return {"name": name, "status": status, "score": score, "message": message, "test_code": "",
            "filename": file, "line_no": line or 0, "duration": 0}


def classroom_output(result: dict) -> str:
    """The line for $GITHUB_OUTPUT: `result=` and the JSON in base64, as the grading reporter reads it."""
    import base64

    from .json_text import dumps

    line = "result=" + base64.b64encode(dumps(result).encode("utf-8")).decode("ascii")
    if len(line) > STEP_OUTPUT_LIMIT:
        raise BpcheckError(f"--classroom: the result is {len(line):,} bytes, more than a step output holds (1 MB)",
                           hint="grade with --feedback score, which gives Classroom one test, the total")
    return line + "\n"


# ---------------------------------------------------------------- GitHub Actions


def workflow_annotations(outcomes: Sequence) -> list[str]:
    """`::error` workflow commands at the file and line of each value not credited (each unreadable
    file), the first ANNOTATION_LIMIT of them, then one `::notice` saying how many more; a `::warning`
    per flag (the first ANNOTATION_LIMIT). At the ``score`` level, one notice per file with its score."""
    absent = [_command("error", None, None, "bpcheck: no file", f"{outcome.identifier}: no file handed in")
              for outcome in outcomes if not outcome.handed_in]  # no file to annotate: first, a line on the run
    errors, warnings, notices = absent, [], []
    for outcome in outcomes:
        if not outcome.handed_in:
            continue
        warnings += [_command("warning", outcome.file, flag.line, f"bpcheck: {flag.kind}", flag.message)
                     for flag in outcome.flags]
        if outcome.grade is None:
            errors.append(_command("error", outcome.file, getattr(outcome.error, "line", None),
                                   "bpcheck: cannot grade", str(outcome.error)))
            continue
        grade, level = outcome.grade, outcome.feedback
        if not shows_results(level):
            notices.append(_command("notice", outcome.file, None, "bpcheck", _score_text(grade)))
            continue
        errors += [_command("error", outcome.file, result.line, f"{result.name}: {result.verdict}",
                            _failure_text(result, level))
                   for result in grade.results if result.verdict not in CREDITED]
    shown = errors[:ANNOTATION_LIMIT]
    if len(errors) > ANNOTATION_LIMIT:
        more = len(errors) - ANNOTATION_LIMIT
        shown.append(_command("notice", None, None, "bpcheck",
                              f"{counted(more, 'more wrong or missing value')} not annotated "
                              "(GitHub shows 10 a step); see the step summary or the report"))
    return shown + warnings[:ANNOTATION_LIMIT] + notices[:ANNOTATION_LIMIT]


def _command(kind: str, file: str | None, line: int | None, title: str, message: str) -> str:
    properties = []
    if file is not None:
        properties.append(f"file={_property(file)}")
    if line is not None:
        properties.append(f"line={line}")
    properties.append(f"title={_property(title)}")
    return f"::{kind} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    return escape_controls(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def step_summary(blocks: list, heading: str | None) -> str:
    """The report as GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY, kept under GitHub's 1 MiB: a
    class too large for it loses its last rows, and says how many."""
    return _markdown_within(blocks, heading, SUMMARY_LIMIT, "GitHub's summary holds 1 MiB")


def _markdown_within(blocks: list, heading: str | None, limit: int, why: str) -> str:
    """The report as Markdown of at most ``limit`` bytes: what does not fit is left out, and counted."""
    from .markdown import markdown_sections

    text = markdown_sections(blocks, heading or "bpcheck grade")
    if len(text.encode("utf-8")) <= limit - 1024:
        return text
    lines = text.splitlines()
    kept, size = [], 0
    for line in lines:
        size += len(line.encode("utf-8")) + 1
        if size > limit - 2048:
            break
        kept.append(line)
    dropped = len(lines) - len(kept)
    return "\n".join(kept) + f"\n\n… {counted(dropped, 'more line')} left out ({why}).\n"


# ---------------------------------------------------------------- Classroom 50

CLASSROOM50_SCHEMA = "classroom50/result/v1"
# The submission's identity, as result.json names it and as Classroom 50's runner gives it to autograder.py.
CLASSROOM50_IDENTITY = (("classroom", "CLASSROOM"), ("assignment", "ASSIGNMENT"), ("submission", "SUBMISSION_TAG"),
                        ("commit", "COMMIT_URL"), ("release", "RELEASE_URL"), ("review", "REVIEW_URL"))
POINTS_FACTOR_MOST = 1000  # points of up to three decimals can be made whole
CLASSROOM50_RESULT_LIMIT = 10 * 1024 * 1024  # the largest result.json Classroom 50 reads, in bytes


def classroom50_identity(environ: Mapping[str, str]) -> dict[str, str]:
    """result.json's identity fields from the runner's environment; ``review`` falls back to the commit,
    as the runner's own results do. Raises BpcheckError for a variable that is not set."""
    identity: dict[str, str] = {}
    for field, variable in CLASSROOM50_IDENTITY:
        value = environ.get(variable, "").strip() or (identity["commit"] if field == "review" else "")
        if not value:
            raise BpcheckError(f"--classroom50 takes the submission's identity from ${variable}, which is not set",
                               hint="run it in Classroom 50's autograder.py, or set CLASSROOM, ASSIGNMENT, "
                                    "SUBMISSION_TAG, COMMIT_URL and RELEASE_URL")
        identity[field] = value
    return identity


def points_factor(points: Iterable[tuple[str, float]]) -> int:
    """The smallest whole number (up to POINTS_FACTOR_MOST) that makes every one of the (name, points)
    whole when they are multiplied by it: Classroom 50 counts whole points, and points of 2.5 and 1 are
    the same marks as 5 and 2. Raises BpcheckError for points no such factor makes whole."""
    import math
    from fractions import Fraction

    factor = 1
    for value, name in {value: name for name, value in reversed(list(points))}.items():  # each value's first name
        fraction = Fraction(value).limit_denominator(POINTS_FACTOR_MOST)
        factor = factor * fraction.denominator // math.gcd(factor, fraction.denominator)
        if abs(fraction - Fraction(value)) > 1e-12 * max(1.0, value) or factor > POINTS_FACTOR_MOST:
            raise BpcheckError(f"--classroom50: {name} is worth {value!r} points, and Classroom 50 counts whole "
                               f"points: no factor up to {POINTS_FACTOR_MOST:,} makes every one of the exercise's "
                               "points whole", hint="give points: with at most three decimals")
    return factor


def classroom50_result(outcome, identity: Mapping[str, str], when: str, pass_mark: float | None = None,
                       unreadable_max: float | None = None) -> dict:
    """Classroom 50's result.json (schema classroom50/result/v1) of one answers file: the identity, the
    time ``when`` (UTC), a test per asked quantity and the step check with whole points (every point
    multiplied by ``points_factor``, written as ``points-factor``), and totals that are their sums. At
    the ``score`` level one test, the total; a file that cannot be read is one failed test of the
    pinned exercise's points (``unreadable_max``), with why. Each test's ``message`` obeys the level;
    the file's flags, which say nothing of the answers, are there at every level (``flags``)."""
    grade, level = outcome.grade, outcome.feedback
    if grade is None:
        factor = points_factor([("the exercise", unreadable_max or 0.0)])
        tests = [_classroom50_test("read answers file", False, 0.0, unreadable_max or 0.0, factor, str(outcome.error))]
    else:
        factor = points_factor((result.name, result.points) for result in grade.results)
        if shows_results(level):
            tests = [_classroom50_test(result.name, result.verdict in CREDITED, result.earned, result.points, factor,
                                       _failure_text(result, level)) for result in grade.results]
        else:  # the total only: one test, whose points are the sums of the values' whole points
            tests = [{"test-name": "score", "passed": outcome.passed(pass_mark),
                      "score": sum(round(result.earned * factor) for result in grade.results),
                      "max-score": sum(round(result.points * factor) for result in grade.results),
                      "message": _score_text(grade)}]
    return {"schema": CLASSROOM50_SCHEMA, **identity, "datetime": when,
            "score": sum(test["score"] for test in tests), "max-score": sum(test["max-score"] for test in tests),
            "points-factor": factor, "flags": [flag.to_dict() for flag in outcome.flags], "tests": tests}


def classroom50_json(result: dict) -> str:
    """result.json's text, within the size Classroom 50 reads: past it (tens of thousands of quantities,
    each with a long note), the tests lose their messages, which the Release's text holds, and keep
    their points."""
    from .json_text import dumps

    text = dumps(result, indent=2) + "\n"
    if len(text.encode("utf-8")) <= CLASSROOM50_RESULT_LIMIT:
        return text
    tests = [{key: value for key, value in test.items() if key != "message"} for test in result["tests"]]
    return dumps({**result, "tests": tests}, indent=2) + "\n"


def _classroom50_test(name: str, passed: bool, score: float, points: float, factor: int, message: str) -> dict:
    return {"test-name": name, "passed": passed, "score": round(score * factor), "max-score": round(points * factor),
            "message": message}


def release_body(blocks: list, heading: str | None, factor: int = 1) -> str:
    """The report as Markdown for a Classroom 50 submission's Release (release-body.md), within GitHub's
    limit for a Release's text; with points made whole (``factor`` above 1), it says so."""
    if factor > 1:
        blocks = [*blocks, f"Classroom 50 counts whole points: each point here is {factor} in its score."]
    return _markdown_within(blocks, heading, RELEASE_BODY_LIMIT, "a Release holds 125,000 characters")
