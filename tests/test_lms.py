"""Moodle and Canvas (issue 19, part 3): the quizzes bpcheck exports, read as each system's importer reads
them, and the responses each system exports, graded back with carried-forward credit.

The exports are checked with parsers written here, apart from bpcheck's: ElementTree for the XML, a Cloze
field reader after Moodle's own ANSWER_REGEX and NUMBER_REGEX (question/type/multianswer/questiontype.php),
and the margin each value is accepted within worked from the exercise's tolerance. The responses are CSV
files as the systems write them: Moodle's Responses report (header, BOM, quoting, the question summary the
report copies from the question's text, "part N: ..." response summaries, decimal commas) and Canvas's
Student Analysis ("ID: question text" columns, each beside its points). Every attempt's score is worked out
here: right values, a value carried forward from a wrong one, a sign slip named, blanks and words that are
no number leaving that value unanswered.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from helpers import EX1_YAML, LINEAR_DATASET_YAML, assert_bad_input_line, sigmoid, worked

from bpcheck import load_exercise, solve
from bpcheck.variants import make_variant

NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"  # Moodle's NUMBER_REGEX
FIELD = re.compile(r"\{([0-9]*):(?:NUMERICAL|NM):=(" + NUMBER + r"):(" + NUMBER + r")\}")
ANY_FIELD = re.compile(r"\{[0-9]*:[A-Z_]+:")  # the start of any Cloze field Moodle's ANSWER_START_REGEX could take
QTI = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
MANIFEST = {"m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
CANVAS = {"c": "http://canvas.instructure.com/xsd/cccv1p0"}

HOSTILE_YAML = EX1_YAML.replace(
    "title: the tutorial's network",
    'title: "Braces {1:NUMERICAL:=5:0} ]]> <script>alert(1)</script> & \\e[31m red"\n'
    "instructions: |\n  A field {2:NM:=1:0} and {#1} and ~ # }} in the text.\n\n  <b>Second</b> paragraph ]]>.")


def margin(solution, name: str) -> float:
    """The exercise's tolerance as an absolute range around the value: atol + rtol·|value|."""
    exercise = solution.exercise
    return exercise.atol + exercise.rtol * abs(solution.values[name])


def variant(spec: str, name: str | None):
    exercise = load_exercise(spec)
    return solve(make_variant(exercise, name) if name is not None else exercise)


def cloze_fields(text: str) -> list[tuple[int, float, float]]:
    """Every Cloze field of a question's text: (weight, value, absolute margin); no other field may stand."""
    fields = [(int(weight or 1), float(value.replace(",", ".")), float(tolerance.replace(",", ".")))
              for weight, value, tolerance in FIELD.findall(text)]
    assert len(ANY_FIELD.findall(text)) == len(fields), "a text outside the fields opens a Cloze field"
    return fields


# ---------------------------------------------------------------- Moodle XML


def export_moodle(cli, tmp_path: Path, spec: str, *options: str) -> ET.Element:
    out = tmp_path / "quiz.xml"
    result = cli("export", "moodle", spec, str(out), *options)
    assert result.exit_code == 0, result.output
    assert "written to" in result.stdout
    return ET.fromstring(out.read_bytes())


def test_moodle_xml_has_a_cloze_question_per_variant_with_each_value_and_margin(cli, tmp_path):
    root = export_moodle(cli, tmp_path, "ex1", "--variants", "alice,Bob")
    assert root.tag == "quiz"
    assert root.find("question[@type='category']/category/text").text == "$course$/top/bpcheck ex1"
    questions = root.findall("question[@type='cloze']")
    assert [q.find("name/text").text for q in questions] == ["ex1, variant alice", "ex1, variant bob"]
    for question, name in zip(questions, ("alice", "bob")):
        solution = variant("ex1", name)
        assert question.find("questiontext").get("format") == "html"
        text = question.find("questiontext/text").text
        assert text.startswith(f"<p>[bpcheck ex1 variant {name} check ")
        fields = cloze_fields(text)
        assert len(fields) == len(solution.asked) == 35
        assert fields == [(1, solution.values[asked], margin(solution, asked)) for asked in solution.asked]
        for asked in solution.asked:  # each field stands beside its name, in solving order
            assert re.search(rf"<td>{re.escape(asked)}</td><td>\{{1:NUMERICAL:", text), asked
        assert "<td>x1</td><td>" in text  # the given numbers, as text
    alice, bob = (q.find("questiontext/text").text for q in questions)
    assert cloze_fields(alice) != cloze_fields(bob)


def test_moodle_xml_of_the_exercises_own_numbers_and_its_tolerance(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML + "tolerance: {rtol: 0.02, atol: 0.001}\nasked: [a3, delta5, W13_new]\n")
    root = export_moodle(cli, tmp_path, str(exercise))
    (question,) = root.findall("question[@type='cloze']")
    assert question.find("name/text").text == "hw"
    text = question.find("questiontext/text").text
    assert text.startswith("<p>[bpcheck hw check ")
    solution = solve(load_exercise(str(exercise)))
    fields = cloze_fields(text)
    assert fields == [(1, solution.values[name], 0.001 + 0.02 * abs(solution.values[name]))
                      for name in ("a3", "delta5", "W13_new")]
    # By hand (tutorial §13): a3 = 0.1·0.35 + 0.8·0.9; δ5 = (t5 - y5)·y5(1 - y5); W13_new = W13 + η·δ3·x1.
    y3, y4 = sigmoid(0.755), sigmoid(0.68)
    y5 = sigmoid(0.3 * y3 + 0.9 * y4)
    delta5 = (0.5 - y5) * y5 * (1 - y5)
    w13_new = 0.1 + 1 * (y3 * (1 - y3) * 0.3 * delta5) * 0.35
    assert [value for _, value, _ in fields] == pytest.approx([0.755, delta5, w13_new], rel=1e-12)
    assert fields[0][2] == pytest.approx(0.001 + 0.02 * 0.755, rel=1e-12)


def test_moodle_xml_escapes_what_an_exercise_or_a_variant_name_holds(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(HOSTILE_YAML)
    roster = tmp_path / "roster.txt"
    roster.write_text("\ufeff# a comment\nali ce]]>{3:NM:=1:0}\n\no'brien & <co>\nZoë 中文;%\n", encoding="utf-8")
    out = tmp_path / "quiz.xml"
    result = cli("export", "moodle", str(exercise), str(out), "--variants-from", str(roster))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert b"\x1b" not in data and b"<script>" not in data
    root = ET.fromstring(data)  # well-formed, whatever the names held
    questions = root.findall("question[@type='cloze']")
    assert [q.find("name/text").text for q in questions] == ["hw, variant ali ce]]>{3:nm:=1:0}",
                                                            "hw, variant o'brien & <co>", "hw, variant zoë 中文;%"]
    assert data.count(b"]]]]><![CDATA[>") == 1  # the name's ]]>, split as Moodle splits it
    for question, name in zip(questions, ("ali ce]]>{3:NM:=1:0}", "o'brien & <co>", "Zoë 中文;%")):
        text = question.find("questiontext/text").text
        solution = variant(str(exercise), name)
        assert cloze_fields(text) == [(1, solution.values[a], margin(solution, a)) for a in solution.asked]
        assert "&#123;1:NUMERICAL:=5:0&#125;" in text and "&lt;script&gt;" in text and "\\x1b[31m" in text
        plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
        from bpcheck.lms.quiz import find_marker

        assert find_marker(plain).variant == name.lower()  # as variant names are compared: ASCII lower-cased


def test_moodle_export_refuses_to_overwrite_its_inputs_and_bad_rosters(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML)
    before = exercise.read_bytes()
    result = cli("export", "moodle", str(exercise), str(exercise))
    assert_bad_input_line(result, f"{exercise}: OUT would overwrite", ["input"])
    assert exercise.read_bytes() == before
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob\nAlice\n")
    result = cli("export", "qti", str(exercise), str(tmp_path / "q.zip"), "--variants-from", str(roster))
    assert_bad_input_line(result, f"{roster}:3: variant 'alice' is listed twice (first on line 1)", [])
    result = cli("export", "qti", str(exercise), str(roster), "--variants-from", str(roster))
    assert_bad_input_line(result, f"{roster}: OUT would overwrite", [])
    roster.write_bytes(b"alice\n\xff\xfe\n")
    result = cli("export", "moodle", str(exercise), str(tmp_path / "q.xml"), "--variants-from", str(roster))
    assert_bad_input_line(result, f"{roster}:2:1: byte 0xff is not UTF-8 text", ["UTF-8"])
    result = cli("export", "moodle", str(exercise), str(tmp_path / "q.xml"), "--variants", "a,,b")
    assert_bad_input_line(result, "--variants: a variant name is 1 to 100 printable characters", [])
    result = cli("export", "moodle", str(exercise), str(tmp_path / "q.xml"), "--variants", "a",
                 "--variants-from", str(roster))
    assert_bad_input_line(result, "--variants and --variants-from", [])
    exercise.write_text(EX1_YAML + "variants: false\n")
    result = cli("export", "qti", str(exercise), str(tmp_path / "q.zip"), "--variants", "a")
    assert_bad_input_line(result, f"{exercise}: hw has no variants", ["without --variants"])
    assert not (tmp_path / "q.xml").exists() and not (tmp_path / "q.zip").exists()


# ---------------------------------------------------------------- Canvas QTI


def export_qti(cli, tmp_path: Path, spec: str, *options: str) -> zipfile.ZipFile:
    out = tmp_path / "quiz.zip"
    result = cli("export", "qti", spec, str(out), *options)
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(out)


def test_qti_package_is_a_quiz_per_variant_with_a_numerical_item_per_value(cli, tmp_path):
    package = export_qti(cli, tmp_path, "ex1", "--variants", "alice,bob")
    names = package.namelist()
    assert names[0] == "imsmanifest.xml" and len(names) == 5
    trees = {name: ET.fromstring(package.read(name)) for name in names}  # every file parses
    resources = trees["imsmanifest.xml"].findall("m:resources/m:resource", MANIFEST)
    quizzes = [r for r in resources if r.get("type") == "imsqti_xmlv1p2"]
    assert len(quizzes) == 2
    for quiz, name in zip(quizzes, ("alice", "bob")):
        ident = quiz.get("identifier")
        assert quiz.find("m:file", MANIFEST).get("href") == f"{ident}/{ident}.xml"
        meta = quiz.find("m:dependency", MANIFEST).get("identifierref")
        (settings_resource,) = [r for r in resources if r.get("identifier") == meta]
        assert settings_resource.find("m:file", MANIFEST).get("href") == f"{ident}/assessment_meta.xml"
        settings = trees[f"{ident}/assessment_meta.xml"]
        assert settings.find("c:title", CANVAS).text == f"Exercise 1: the tutorial's network (variant {name})"
        assert settings.find("c:points_possible", CANVAS).text == "35"
        assert settings.find("c:only_visible_to_overrides", CANVAS).text == "true"
        assert "<td>x1</td>" in settings.find("c:description", CANVAS).text
        solution = variant("ex1", name)
        assessment = trees[f"{ident}/{ident}.xml"].find("q:assessment", QTI)
        items = assessment.findall("q:section/q:item", QTI)
        assert [item.get("title") for item in items] == list(solution.asked)
        for item, asked in zip(items, solution.asked):
            fields = {f.find("q:fieldlabel", QTI).text: f.find("q:fieldentry", QTI).text
                      for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", QTI)}
            assert fields["question_type"] == "numerical_question" and fields["points_possible"] == "1"
            assert item.find("q:presentation/q:response_str/q:render_fib", QTI).get("fibtype") == "Decimal"
            text = item.find("q:presentation/q:material/q:mattext", QTI).text
            assert re.match(rf"<p>\[bpcheck ex1 variant {name} check [0-9a-f]{{8}} value {asked}\]</p>", text)
            condition = item.find("q:resprocessing/q:respcondition", QTI)
            value, within = solution.values[asked], margin(solution, asked)
            assert float(condition.find("q:conditionvar/q:vargte", QTI).text) == value - within
            assert float(condition.find("q:conditionvar/q:varlte", QTI).text) == value + within
            assert condition.find("q:setvar", QTI).text == "100"
    again = tmp_path / "again.zip"
    assert cli("export", "qti", "ex1", str(again), "--variants", "alice,bob").exit_code == 0
    assert again.read_bytes() == (tmp_path / "quiz.zip").read_bytes()  # the same package, byte for byte


def test_qti_package_of_a_dataset_and_hostile_text_parses_and_keeps_every_name(cli, tmp_path):
    exercise = tmp_path / "data.yaml"
    exercise.write_text(LINEAR_DATASET_YAML.replace("title: three examples", 'title: "x ]]> <b> {1:NM:=1:0} \\e"'))
    package = export_qti(cli, tmp_path, str(exercise))
    solution = solve(load_exercise(str(exercise)))
    from bpcheck.lms.quiz import find_marker

    for name in package.namelist():
        root = ET.fromstring(package.read(name))
        for mattext in root.iter(f"{{{QTI['q']}}}mattext"):
            plain = re.sub(r"<[^>]+>", "", mattext.text)
            assert find_marker(plain).value in solution.asked  # y2[1] and the like, escaped and back
    settings = [n for n in package.namelist() if n.endswith("assessment_meta.xml")][0]
    title = ET.fromstring(package.read(settings)).find("c:title", CANVAS).text
    assert title == "x ]]> <b> {1:NM:=1:0} \\x1b" and "y2[1]" in solution.asked


# ---------------------------------------------------------------- Moodle's Responses report


def question_summary(question_html: str) -> str:
    """What Moodle's Responses report shows as "Question N": the text made plain, each field a blank."""
    text = re.sub(r"\{1:NUMERICAL:[^}]*\}", "_____", question_html)
    return html.unescape(re.sub(r"<[^>]+>", "\n", text)).strip()


def response_summary(parts: list[str], label: str = "part") -> str:
    """A Cloze response summary as qtype_multianswer writes it; a blank part ends in ": " (trimmed at the end)."""
    return "; ".join(f"{label} {index}: {text}" for index, text in enumerate(parts, start=1)).strip()


def moodle_csv(rows, header=("Last name", "First name", "Email address", "State", "Started on", "Completed",
                             "Duration", "Grade/35.00", "Question 1", "Response 1"), delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def moodle_row(last, first, email, summary, response):
    return [last, first, email, "Finished", "1 June 2026  10:02 AM", "1 June 2026  10:40 AM", "38 mins 2 secs",
            "12.00", summary, response]


def exported_questions(cli, tmp_path: Path, spec: str, names: str) -> dict[str, str]:
    """Each variant's question summary, from the Moodle XML bpcheck exports (as Moodle would show it)."""
    root = export_moodle(cli, tmp_path, spec, "--variants", names)
    return {q.find("name/text").text.split("variant ")[1]: question_summary(q.find("questiontext/text").text)
            for q in root.findall("question[@type='cloze']")}


def decimal_comma(value: float) -> str:
    return f"{value:.4g}".replace(".", ",")


def grade_export(cli, tmp_path: Path, option: str, path: Path, *extra: str, exercise: str = "ex1"):
    marks = tmp_path / "marks.csv"
    result = cli("grade", option, str(path), "--exercise", exercise, "--csv", str(marks), *extra)
    rows = list(csv.DictReader(io.StringIO(marks.read_text(encoding="utf-8")))) if marks.exists() else []
    return result, rows


def test_moodle_responses_are_graded_as_each_questions_variant_with_carried_forward_credit(cli, tmp_path):
    summaries = exported_questions(cli, tmp_path, "ex1", "alice,bob,carol,erin")
    alice, bob, carol = (variant("ex1", name) for name in ("alice", "bob", "carol"))
    # Alice works every value by hand to 4 digits, each from her own rounded values, with decimal commas.
    alice_parts = [decimal_comma(value) for value in worked(alice, digits=4).values()]
    # Bob's a3 is 0.5 too large; his y3 is worked from it; he writes a word for y4 and leaves the rest.
    a3 = bob.values["a3"] + 0.5
    bob_parts = [str(a3), str(sigmoid(a3)), "", "about 0.6"] + [""] * 31
    # Carol flips delta5's sign and writes every other value exactly (a3 to 6 decimals, with a comma).
    carol_values = dict(carol.values)
    carol_values["delta5"] = -carol_values["delta5"]
    carol_parts = [repr(carol_values[name]) for name in carol.asked]
    carol_parts[0] = f"{carol.values['a3']:.6f}".replace("0.", "0,")
    # Erin types "part 2: ..." into her first field: neither of her first two values can be told.
    erin_parts = ["0,5; part 2: 0,6"] + [""] * 34
    rows = [moodle_row("Lovelace", "Ada", "alice@example.edu", summaries["alice"], response_summary(alice_parts)),
            moodle_row("Babbage", "Bob", "bob@example.edu", summaries["bob"], response_summary(bob_parts)),
            ["Nobody", "Nora", "nora@example.edu", "-", "-", "-", "-", "-", "-", "-"],  # enrolled, no attempt
            moodle_row("Curie", "Carol", "carol@example.edu", summaries["carol"], response_summary(carol_parts)),
            moodle_row("Eve", "Erin", "=HYPERLINK(1)", summaries["erin"], response_summary(erin_parts))]
    export = tmp_path / "responses.csv"
    export.write_bytes(moodle_csv(rows))
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export)
    assert result.exit_code == 1, result.output
    assert [(m["id"], m["student"], m["variant"], m["score"], m["max_score"]) for m in marks] == [
        ("alice@example.edu", "Ada Lovelace", "alice", "35", "35"),
        ("bob@example.edu", "Bob Babbage", "bob", "1", "35"),
        ("carol@example.edu", "Carol Curie", "carol", "34", "35"),
        ("'=HYPERLINK(1)", "Erin Eve", "erin", "0", "35")]
    lines = export.read_text(encoding="utf-8-sig").splitlines()  # a row starts on its student's line
    starts = [next(n for n, line in enumerate(lines, start=1) if line.startswith(last + ","))
              for last in ("Lovelace", "Babbage", "Curie", "Eve")]
    assert [m["file"] for m in marks] == [f"{export}:{line}" for line in starts] and starts[0] == 2
    assert marks[1]["a3"].startswith("wrong")  # whether a mistake is named or not
    assert (marks[1]["y3"], marks[1]["a4"], marks[1]["y4"]) == ("carried_forward", "missing", "unreadable")
    assert marks[2]["delta5"] == "wrong:sign-flip" and marks[2]["a3"] == "correct"
    assert (marks[3]["a3"], marks[3]["y3"], marks[3]["a4"]) == ("unreadable", "unreadable", "missing")
    assert result.stderr == ""
    # The summary says where each attempt's variant came from: its question, not --variant-from-id (refused here).
    assert "graded as the variant its question names" in result.stdout and "without variants" not in result.stdout
    strict = cli("grade", "--from-moodle", str(export), "--exercise", "ex1", "--strict")
    assert_bad_input_line(strict, f"{export}:{starts[1]}: y4: 'about 0.6' is not a number", ["(and 2 more: grade without --strict to see them all)", "0,755"])
    bob = cli("grade", "--from-moodle", str(export), "--exercise", "ex1", "--format", "json")
    assert __import__("json").loads(bob.stdout)["variant_from"] == "question"
    records = __import__("json").loads(bob.stdout)["files"]
    (y4,) = [r for r in records[1]["results"] if r["name"] == "y4"]
    assert (y4["verdict"], y4["given"], y4["message"]) == (
        "unreadable", None, "'about 0.6' is not a number; write a decimal such as 0.755 or 0,755")


def test_moodle_responses_in_another_language_saved_again_by_a_spreadsheet(cli, tmp_path):
    summaries = exported_questions(cli, tmp_path, "ex1", "alice")
    solution = variant("ex1", "alice")
    parts = [decimal_comma(value) for value in worked(solution, digits=4).values()]
    parts[5] = ""  # y5 left blank
    header = ("Nachname", "Vorname", "E-Mail-Adresse", "Status", "Begonnen", "Beendet", "Dauer", "Bewertung/35,00",
              "Frage 1", "Antwort 1", "Richtige Antwort 1")
    row = ["Lovelace", "Ada", "ada@example.edu", "Beendet", "-", "-", "-", "34,00", summaries["alice"],
           response_summary(parts, "Teil"), "Teil 1: 0,755"]
    export = tmp_path / "antworten.csv"
    export.write_bytes(moodle_csv([row], header, delimiter=";"))
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export)
    assert result.exit_code == 1, result.output
    assert [(m["student"], m["variant"], m["score"], m["y5"]) for m in marks] == [
        ("Ada Lovelace", "alice", "34", "missing")]
    assert marks[0]["id"] == "Ada Lovelace"  # no column bpcheck knows as an id in German: the name


def test_a_marker_a_student_types_makes_no_question_of_their_response(cli, tmp_path):
    summaries = exported_questions(cli, tmp_path, "ex1", "alice")
    solution = variant("ex1", "alice")
    key = response_summary([repr(solution.values[name]) for name in solution.asked])
    forged = summaries["alice"].splitlines()[0]  # the marker of the student's own question, key and all
    header = ("Last name", "First name", "Email address", "State", "Started on", "Completed", "Duration",
              "Grade/36.00", "Question 1", "Response 1", "Right answer 1", "Question 2", "Response 2",
              "Right answer 2")
    row = moodle_row("Lovelace", "Ada", "ada@example.edu", summaries["alice"], response_summary([""] * 35))
    row += [key, "Explain backpropagation in a sentence.", forged, key]  # an essay slot, and a forged marker
    export = tmp_path / "responses.csv"
    export.write_bytes(moodle_csv([row], header))
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export)
    assert result.exit_code == 1, result.output
    assert [(m["variant"], m["score"]) for m in marks] == [("alice", "0")]  # one attempt, its blanks unanswered


def test_a_moodle_report_with_only_the_right_answers_beside_the_questions_is_refused(cli, tmp_path):
    summaries = exported_questions(cli, tmp_path, "ex1", "alice")
    solution = variant("ex1", "alice")
    key = response_summary([repr(solution.values[name]) for name in solution.asked])
    english = moodle_csv([moodle_row("L", "A", "a@x", summaries["alice"], key)],
                         header=("Last name", "First name", "Email address", "State", "Started on", "Completed",
                                 "Duration", "Grade/35.00", "Question 1", "Right answer 1"))
    export = tmp_path / "responses.csv"
    export.write_bytes(english)
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export)
    assert_bad_input_line(result, f"{export}: the column 'Question 1' has no Response column", ["Response"])
    # Moodle keeps each answer as PHP writes a float, to 14 significant digits, with the language's comma.
    key = response_summary([f"{solution.values[name]:.14g}".replace(".", ",") for name in solution.asked], "Teil")
    german = moodle_csv([moodle_row("L", "A", "a@x", summaries["alice"], key)],
                        header=("Nachname", "Vorname", "E-Mail", "Status", "B", "E", "D", "Bewertung", "Frage 1",
                                "Richtige Antwort 1"))
    export.write_bytes(german)
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export)
    assert_bad_input_line(result, f"{export}: its column beside the questions holds the right answers", [])
    assert marks == []


def test_responses_to_questions_exported_from_other_numbers_are_refused(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML)
    summaries = exported_questions(cli, tmp_path, str(exercise), "alice")
    export = tmp_path / "responses.csv"
    export.write_bytes(moodle_csv([moodle_row("L", "A", "a@x", summaries["alice"], "part 1: 0,7")]))
    exercise.write_text(EX1_YAML.replace("W13: 0.1", "W13: 0.2"))  # the exercise edited after the export
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export, exercise=str(exercise))
    assert_bad_input_line(result, f"{export}:2: its question (hw, variant alice) was exported from other numbers",
                          ["as it was when the quiz was exported"])
    assert marks == []


@pytest.mark.parametrize("content, words", [
    (b"", ["is not a Moodle Responses report"]),
    (b"\xff\xfeL\x00a\x00", ["is not a Moodle Responses report"]),  # UTF-16 with its BOM is read
    (b"La\n\xe9t\xe9\n", [":2:1: byte 0xe9 is not UTF-8 text"]),
    (b"name,score\nAda,3\n", ["is not a Moodle Responses report of a quiz that bpcheck exported"]),
    (b"Last name,Question 1,Response 1\nL,[bpcheck ex1 check 00000000],part 1: 1\n",
     ["exported from other numbers"]),
])
def test_a_file_that_is_not_a_moodle_export_is_one_line_and_exit_2(cli, tmp_path, content, words):
    export = tmp_path / "responses.csv"
    export.write_bytes(content)
    result, _ = grade_export(cli, tmp_path, "--from-moodle", export)
    assert_bad_input_line(result, str(export), words)


def test_usage_of_the_lms_options(cli, tmp_path):
    export = tmp_path / "r.csv"
    export.write_text("x\n")
    cases = [(["grade", "--from-moodle", str(export)], "needs --exercise"),
             (["grade", "--from-moodle", str(export), "--exercise", "ex1", "a.yaml"], "give no answers files"),
             (["grade", "--from-moodle", str(export), "--from-canvas", str(export), "--exercise", "ex1"],
              "give one export at a time"),
             (["grade", "--from-canvas", str(export), "--exercise", "ex1", "--variant", "a"], "do not apply"),
             (["grade"], "give answers files")]
    for args, words in cases:
        assert_bad_input_line(cli(*args), "", [words])


# ---------------------------------------------------------------- Canvas's Student Analysis


def analysis_header(package: zipfile.ZipFile, ident_base: int = 5000) -> dict[str, list[str]]:
    """Each quiz's question columns as Student Analysis writes them: "ID: the text, tags stripped"."""
    columns = {}
    for name in package.namelist():
        if name.endswith(".xml") and "/" in name and not name.endswith("assessment_meta.xml"):
            root = ET.fromstring(package.read(name))
            title = root.find("q:assessment", QTI).get("title")
            texts = [mattext.text for mattext in root.iter(f"{{{QTI['q']}}}mattext")]
            columns[title] = [f"{ident_base + index}: {html.escape(re.sub(r'<[^>]+>', '', text), quote=False)}"
                              for index, text in enumerate(texts)]
    return columns


def analysis_csv(questions: list[str], rows) -> bytes:
    header = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted", "attempt"]
    for question in questions:
        header += [question, "1.0"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header + ["n correct", "n incorrect", "score"])
    for student, answers, points in rows:
        cells = list(student)
        for answer, point in zip(answers, points):
            cells += [answer, point]
        writer.writerow(cells + ["0", "0", "0"])
    return out.getvalue().encode("utf-8")


def test_canvas_student_analysis_of_each_variants_quiz_graded_from_a_folder(cli, tmp_path):
    columns = analysis_header(export_qti(cli, tmp_path, "ex1", "--variants", "alice,bob"))
    alice, bob = variant("ex1", "alice"), variant("ex1", "bob")
    title = "Exercise 1: the tutorial's network (variant {})"
    reports = tmp_path / "reports"
    reports.mkdir()
    alice_answers = [f"{value:.4g}" for value in worked(alice, digits=4).values()]
    (reports / "alice.csv").write_bytes(analysis_csv(columns[title.format("alice")], [
        (["Ada Lovelace", "101", "s-ada", "A", "7", "", "2026-06-01 10:40:00 UTC", "1"], alice_answers,
         ["1.0"] * 35)]))
    bob_answers = [repr(bob.values[name]) for name in bob.asked]
    bob_answers[0] = bob_answers[0].replace(".", ",")  # a decimal comma
    bob_answers[1], bob_answers[2] = "", "n/a"  # a blank and a word: those two count as not answered
    bob_answers[6] = str(-bob.values["E"])  # E with the wrong sign
    points = ["1.0"] * 35
    points[1] = points[2] = points[6] = "0.0"
    (reports / "bob.csv").write_bytes(analysis_csv(columns[title.format("bob")], [
        (["Bob Babbage", "102", "", "A", "7", "", "2026-06-01 10:41:00 UTC", "1"], bob_answers, points)]))
    (reports / "notes.txt").write_text("not a report")
    result, marks = grade_export(cli, tmp_path, "--from-canvas", reports)
    assert result.exit_code == 1, result.output
    assert [(m["id"], m["student"], m["variant"], m["score"]) for m in marks] == [
        ("s-ada", "Ada Lovelace", "alice", "35"), ("102", "Bob Babbage", "bob", "32")]
    assert (marks[1]["y3"], marks[1]["a4"], marks[1]["E"]) == ("missing", "unreadable", "wrong")


def test_canvas_rows_only_answer_the_questions_their_submission_had(cli, tmp_path):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML + "asked: [a3, y3]\n")
    columns = analysis_header(export_qti(cli, tmp_path, str(exercise), "--variants", "alice,bob"))
    alice, bob = variant(str(exercise), "alice"), variant(str(exercise), "bob")
    merged = columns["the tutorial's network (variant alice)"] + columns["the tutorial's network (variant bob)"]
    export = tmp_path / "analysis.csv"
    a3 = alice.values["a3"] + 0.2
    export.write_bytes(analysis_csv(merged, [
        (["Ada", "1", "", "", "", "", "", "1"], [str(a3), str(sigmoid(a3)), "", ""], ["0.0", "0.0", "", ""]),
        (["Bob", "2", "", "", "", "", "", "1"], ["", "", repr(bob.values["a3"]), ""], ["", "", "1.0", "0.0"])]))
    result, marks = grade_export(cli, tmp_path, "--from-canvas", export, exercise=str(exercise))
    assert [(m["student"], m["variant"], m["score"], m["a3"], m["y3"]) for m in marks] == [
        ("Ada", "alice", "1", "wrong", "carried_forward"), ("Bob", "bob", "1", "correct", "missing")]
    export.write_bytes(analysis_csv(merged, [
        (["Eve", "3", "", "", "", "", "", "1"], ["1", "1", "1", "1"], ["0.0", "0.0", "0.0", "0.0"])]))
    result, _ = grade_export(cli, tmp_path, "--from-canvas", export, exercise=str(exercise))
    assert_bad_input_line(result, f"{export}:2: the row answers questions of several variants (alice, bob)", [])


def test_an_export_given_to_the_other_systems_option_says_which_to_use(cli, tmp_path):
    columns = analysis_header(export_qti(cli, tmp_path, "ex1", "--variants", "alice"))
    export = tmp_path / "analysis.csv"
    export.write_bytes(analysis_csv(next(iter(columns.values())), []))
    result, _ = grade_export(cli, tmp_path, "--from-moodle", export)
    assert_bad_input_line(result, f"{export}: is a Canvas Student Analysis report", ["--from-canvas"])
    result, _ = grade_export(cli, tmp_path, "--from-canvas", export)
    assert_bad_input_line(result, f"{export}: has no attempt", [])
    empty = tmp_path / "empty"
    empty.mkdir()
    result, _ = grade_export(cli, tmp_path, "--from-canvas", empty)
    assert_bad_input_line(result, f"{empty}: no .csv files in the folder", [])


# ---------------------------------------------------------------- reading numbers and summaries


@pytest.mark.parametrize("text, number", [
    ("0.755", 0.755), ("0,755", 0.755), (" -0,0027 ", -0.0027), ("\u22120.5", -0.5), ("1,234.5", 1234.5),
    ("1,234,567", 1234567.0), ("1 234,5", 1234.5), ("1.5x10^-3", 0.0015), ("2*10**2", 200.0), ("7E-1", 0.7),
    (".5", 0.5), ("+3", 3.0), ("abc", None), ("0.5abc", None), ("1e999", None), ("\u0663", None), ("", None),
    ("0.5; part 2: 1", None), ("--1", None),
])
def test_a_response_is_read_as_moodles_numerical_questions_read_it(text, number):
    from bpcheck.lms.quiz import response_number

    assert response_number(text) == number


@pytest.mark.parametrize("summary, parts", [
    ("part 1: 0,5; part 2: ; part 3: 7", ["0,5", "", "7"]),
    ("partie 1 : 0,5; partie 2 : x; partie 3 :", ["0,5", "x", ""]),
    ("-", ["", "", ""]),
    ("part 1: 1; part 2: 2; part 2: 5; part 3: 3", [None, None, "3"]),  # a forged part 2: parts 1-2 unknown
    ("part 1: 1; part 3: 3", [None, None, "3"]),
    ("part 1: 1; part 2: 2; part 3: 3; part 4: 4", ["1", "2", "3; part 4: 4"]),  # text after the last part is its
    ("Teil 1: 1; part 2: 2; Teil 2: 3; Teil 3: 9", ["1; part 2: 2", "3", "9"]),  # the language's word only
])
def test_cloze_response_summaries_are_split_into_parts(summary, parts):
    from bpcheck.lms.moodle import cloze_parts

    assert cloze_parts(summary, 3) == parts


# ---------------------------------------------------------------- every built-in exercise, both ways


@pytest.mark.parametrize("name", [f"ex{n}" for n in range(1, 9)])
def test_every_builtin_exercise_goes_round_both_systems(cli, tmp_path, name):
    """Exact answers earn every point and blanks none, through Moodle and through Canvas, for every
    built-in network (datasets, optimizers, ReLU, softmax and biases among them)."""
    exercise = load_exercise(name)
    names = "v1,v2" if exercise.variants is not None else None
    options = ("--variants", names) if names else ()
    root = export_moodle(cli, tmp_path, name, *options)
    questions = root.findall("question[@type='cloze']")
    solutions = [variant(name, v) for v in (names.split(",") if names else [None])]
    rows = []
    for index, (question, solution) in enumerate(zip(questions, solutions)):
        text = question.find("questiontext/text").text
        assert cloze_fields(text) == [(1, solution.values[a], margin(solution, a)) for a in solution.asked]
        parts = [repr(solution.values[a]) if index == 0 else "" for a in solution.asked]
        rows.append(moodle_row(f"S{index}", "A", f"s{index}@x", question_summary(text), response_summary(parts)))
    export = tmp_path / "responses.csv"
    export.write_bytes(moodle_csv(rows))
    result, marks = grade_export(cli, tmp_path, "--from-moodle", export, exercise=name)
    points = f"{sum(solution.exercise.points.get(a, 1.0) for a in solution.asked):g}"
    assert [(m["score"], m["max_score"]) for m in marks] == [(points, points), ("0", points)][:len(solutions)]
    columns = analysis_header(export_qti(cli, tmp_path, name, *options))
    reports = tmp_path / "reports"
    reports.mkdir()
    for index, solution in enumerate(solutions):
        title = solution.exercise.title + (f" (variant {solution.exercise.variant})" if names else "")
        answers = [repr(solution.values[a]) for a in solution.asked]
        (reports / f"{index}.csv").write_bytes(analysis_csv(columns[title], [
            (["S", str(index), "", "", "", "", "", "1"], answers, ["1.0"] * len(answers))]))
    result, marks = grade_export(cli, tmp_path, "--from-canvas", reports, exercise=name)
    assert [m["score"] for m in marks] == [points] * len(solutions), result.output
