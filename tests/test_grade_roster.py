"""`bpcheck grade FOLDER --roster FILE`: a row per roster student, "no file handed in" for one who handed in
nothing, a file whose id is not on the roster flagged and graded; in the text summary, JSON, HTML and the
gradebook CSV. The class is made by `bpcheck handout` and handed back as students fill it in."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpcheck import load_exercise
from bpcheck.ids import roster_ids
from bpcheck.lms.quiz import solved_variants
from bpcheck.roster import folder_key
from bpcheck.variants import variant_name

ROSTER = "id,name,email\nalice,Alice Ames,alice@uni.edu\nBob,Bob Bell,bob@uni.edu\ncarol,,carol@uni.edu\n" \
         "dave,Dave Dunn,\nerin,Erin Eck,erin@uni.edu\n"
GRADE = ("grade", "h/", "--exercise", "ex1", "--variant-from-id", "--feedback", "hint", "--roster", "roster.csv")


def fill(path, student: str, slip: str | None = None) -> None:
    """The handout at ``path`` filled in with its student's variant's values, ``slip`` with its sign flipped."""
    solution = solved_variants(load_exercise("ex1"), [variant_name(student)])[0]
    values = {name: -value if name == slip else value for name, value in solution.values.items()}
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^  (\w+):$", lambda m: f"  {m.group(1)}: {values[m.group(1)]!r}", text),
                    encoding="utf-8")


def max_points() -> int:
    return len(solved_variants(load_exercise("ex1"), ["alice"])[0].asked)  # ex1: a point a value


@pytest.fixture
def handed_back(cli, tmp_path):
    """5 students handed out; alice right, Bob with delta5's sign flipped, carol's untouched; dave and erin
    hand in nothing; zed, not on the roster, hands in alice's answers as his own folder."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert cli("handout", "ex1", "--roster", "roster.csv", "h/", cwd=tmp_path).exit_code == 0
    fill(tmp_path / "h/alice/answers.yaml", "alice")
    fill(tmp_path / "h/Bob/answers.yaml", "Bob", slip="delta5")
    shutil.rmtree(tmp_path / "h/dave")
    shutil.rmtree(tmp_path / "h/erin")
    (tmp_path / "h/zed").mkdir()
    (tmp_path / "h/zed/answers.yaml").write_text((tmp_path / "h/alice/answers.yaml").read_text()
                                                 .replace("variant: alice", "variant: zed"), encoding="utf-8")
    return tmp_path


def test_the_text_summary_has_a_row_per_roster_student_in_roster_order_then_the_stray(cli, handed_back):
    result = cli(*GRADE, cwd=handed_back)
    assert result.exit_code == 1, result.output  # missing files do not pass
    rows = [line.split() for line in result.stdout.splitlines()[3:9]]
    top = max_points()
    assert rows == [
        ["alice", "h/alice/answers.yaml", "alice", "ex1", "alice", f"{top}/{top}"],
        ["Bob", "h/Bob/answers.yaml", "Bob", "ex1", "bob", f"{top - 1}/{top}", "delta5", "(wrong)"],
        ["carol", "h/carol/answers.yaml", "carol", "ex1", "carol", f"0/{top}", "a3", "(missing)"],
        ["dave", "Dave", "Dunn", "ex1", f"0/{top}", "no-file", "no", "file", "handed", "in"],
        ["erin", "Erin", "Eck", "ex1", f"0/{top}", "no-file", "no", "file", "handed", "in"],
        # zed hands in alice's file (student: alice): graded as his own variant, zed, it is wrong
        ["zed", "h/zed/answers.yaml", "alice", "ex1", "zed", *rows[5][5:6], "not-on-roster", "a3", "(wrong)"],
    ]
    assert "6 students (1 not on the roster): 1 passed, 3 did not, 2 handed in nothing, 0 could not be read." \
        in result.stdout
    assert "⚑ h/zed/answers.yaml: its id zed is not on the roster roster.csv; it was graded all the same" \
        in result.stdout
    assert "⚑ :" not in result.stdout  # a missing student's row says it: no flag note without a file


def test_the_gradebook_csv_has_a_row_per_student_with_the_roster_name(cli, handed_back):
    assert cli(*GRADE, "--csv", "marks.csv", cwd=handed_back).exit_code == 1
    rows = list(csv.DictReader(io.StringIO((handed_back / "marks.csv").read_text(encoding="utf-8"))))
    top = str(max_points())
    assert [row["id"] for row in rows] == ["alice", "Bob", "carol", "dave", "erin", "zed"]
    assert [(row["score"], row["max_score"], row["passed"]) for row in rows[:5]] == [
        (top, top, "true"), (str(int(top) - 1), top, "false"), ("0", top, "false"), ("0", top, "false"),
        ("0", top, "false")]
    dave = rows[3]
    assert (dave["student"], dave["file"], dave["exercise"], dave["variant"], dave["percent"], dave["error"],
            dave["flags"]) == ("Dave Dunn", "", "ex1", "", "0", "", "no-file: no file handed in")
    quantities = list(rows[0])[11:]
    assert quantities[-1] == "downhill" and len(quantities) == int(top) + 1  # the step check scores no points
    assert {dave[name] for name in quantities} == {"missing"}
    assert rows[1]["delta5"] == "wrong:sign-flip" and rows[1]["flags"] == ""
    assert rows[4]["student"] == "Erin Eck"
    assert rows[5]["flags"] == "not-on-roster: its id zed is not on the roster roster.csv; it was graded all the same"
    assert rows[5]["file"] == "h/zed/answers.yaml" and rows[5]["passed"] == "false"


def test_json_has_each_students_id_and_shows_nothing_of_a_missing_students_solution(cli, handed_back):
    for level in ("full", "hint", "verdict", "score"):
        result = cli(*GRADE[:-4], "--feedback", level, "--roster", "roster.csv", "--format", "json", cwd=handed_back)
        assert result.exit_code == 1
        record = json.loads(result.stdout)
        assert record["roster"] == "roster.csv" and record["passed"] is False
        files = record["files"]
        assert [(f["id"], f["file"]) for f in files] == [
            ("alice", "h/alice/answers.yaml"), ("Bob", "h/Bob/answers.yaml"), ("carol", "h/carol/answers.yaml"),
            ("dave", None), ("erin", None), ("zed", "h/zed/answers.yaml")]
        assert files[3] == {"id": "dave", "file": None, "student": "Dave Dunn", "handed_in": False, "score": 0,
                            "passed": False, "max_score": max_points(),
                            "flags": [{"kind": "no-file", "message": "no file handed in", "line": None}]}
        assert [flag["kind"] for flag in files[5]["flags"]][-1] == "not-on-roster"


def test_the_html_class_page_has_the_missing_students_rows(cli, handed_back):
    result = cli(*GRADE, "--format", "html", cwd=handed_back)
    assert result.exit_code == 1
    assert result.stdout.count("no file handed in") == 2
    assert "2 handed in nothing" in result.stdout and "Dave Dunn" in result.stdout


def test_a_full_class_graded_back_gives_every_student_exactly_one_row(cli, tmp_path):
    """Folders named as the roster names the students (case aside: a folder renamed BOB is Bob's), and ids
    sharing a prefix that is not an assignment's (ann-lee, ann-smith: bob's missing file must not make
    them lee and smith)."""
    (tmp_path / "roster.csv").write_text("id\nann-lee\nann-smith\nBob\nÉlodie\n", encoding="utf-8")
    assert cli("handout", "ex1", "--roster", "roster.csv", "h/", cwd=tmp_path).exit_code == 0
    for student in ("ann-lee", "ann-smith", "Bob", "Élodie"):
        fill(tmp_path / "h" / student / "answers.yaml", student)
    (tmp_path / "h/Bob").rename(tmp_path / "h/BOB")
    result = cli("grade", "h/", "--exercise", "ex1", "--roster", "roster.csv", "--csv", "m.csv", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"))))
    assert [(row["id"], row["variant"], row["passed"], row["flags"]) for row in rows] == [
        ("ann-lee", "ann-lee", "true", ""), ("ann-smith", "ann-smith", "true", ""), ("Bob", "bob", "true", ""),
        ("Élodie", variant_name("Élodie"), "true", "")]
    assert "4 students: 4 passed, 0 did not, 0 handed in nothing, 0 could not be read." in result.stdout
    shutil.rmtree(tmp_path / "h/BOB")
    result = cli("grade", "h/", "--exercise", "ex1", "--roster", "roster.csv", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 1
    assert [(f["id"], f.get("handed_in", True), f["passed"]) for f in json.loads(result.stdout)["files"]] == [
        ("ann-lee", True, True), ("ann-smith", True, True), ("Bob", False, False), ("Élodie", True, True)]


def test_github_classroom_folders_are_matched_less_their_assignment_prefix(cli, tmp_path):
    (tmp_path / "roster.csv").write_text("id\nalice\nbob\ncarol\n", encoding="utf-8")
    assert cli("handout", "ex1", "--roster", "roster.csv", "h/", cwd=tmp_path).exit_code == 0
    fill(tmp_path / "h/alice/answers.yaml", "alice")
    fill(tmp_path / "h/bob/answers.yaml", "bob")
    (tmp_path / "s").mkdir()
    for student in ("alice", "bob"):
        shutil.copytree(tmp_path / "h" / student, tmp_path / "s" / f"hw1-{student}")
    result = cli("grade", "s/", "--exercise", "ex1", "--variant-from-id", "--roster", "roster.csv", cwd=tmp_path)
    assert result.exit_code == 1
    assert "3 students: 2 passed, 0 did not, 1 handed in nothing, 0 could not be read." in result.stdout


@pytest.mark.parametrize(("options", "words"), [
    (("h/alice/answers.yaml", "--exercise", "ex1"), "give the folder of the files handed back, not one file"),
    (("h/", "--exercise", "ex1", "--variant-from-file"), "--variant and --variant-from-file do not take"),
    (("h/", "--exercise", "ex1", "--variant", "alice"), "--variant and --variant-from-file do not take"),
    (("h/",), "--roster needs --exercise EXERCISE"),
    (("h/alice", "--exercise", "ex1"), "--roster: no id these paths give (answers) is on the roster"),
    (("-", "--exercise", "ex1"), "- (standard input) can be read once, and has no path to take an id from"),
])
def test_runs_whose_ids_are_not_known_are_refused_in_one_line(cli, handed_back, options, words):
    result = cli("grade", *options, "--roster", "roster.csv", cwd=handed_back, input="")
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr


def test_a_bad_roster_is_refused_where_it_stands(cli, handed_back):
    (handed_back / "roster.csv").write_text("id,name\nalice,A\nALICE,B\n", encoding="utf-8")
    result = cli(*GRADE, cwd=handed_back)
    assert result.exit_code == 2
    assert result.stderr.startswith("bpcheck: roster.csv:3: variant 'alice' is listed twice")


def test_the_run_without_a_roster_is_as_before(cli, handed_back):
    result = cli(*GRADE[:-2], cwd=handed_back)
    assert "4 files: 1 passed, 3 did not, 0 could not be read." in result.stdout
    assert "no file handed in" not in result.stdout and result.stdout.splitlines()[1].startswith("file ")


def test_the_command_handout_prints_grades_the_class_against_its_roster(cli, tmp_path):
    (tmp_path / "roster.csv").write_text("id\nalice\nbob\n", encoding="utf-8")
    printed = cli("handout", "ex1", "--roster", "roster.csv", "h/", cwd=tmp_path).stdout.splitlines()[-1].split()
    assert printed[-2:] == ["--roster", "roster.csv"]
    fill(tmp_path / "h/alice/answers.yaml", "alice")
    shutil.rmtree(tmp_path / "h/bob")
    result = cli(*printed[1:], cwd=tmp_path)
    assert result.exit_code == 1
    assert "2 students: 1 passed, 0 did not, 1 handed in nothing, 0 could not be read." in result.stdout


def test_strict_stops_at_a_file_not_on_the_roster_not_at_a_student_with_no_file(cli, handed_back):
    shutil.rmtree(handed_back / "h/zed")
    assert cli(*GRADE, "--strict", cwd=handed_back).exit_code == 1  # dave and erin: rows, not problems
    (handed_back / "h/zed").mkdir()
    (handed_back / "h/zed/answers.yaml").write_text((handed_back / "h/carol/answers.yaml").read_text()
                                                    .replace("carol", "zed"), encoding="utf-8")
    result = cli(*GRADE, "--strict", cwd=handed_back)
    assert result.exit_code == 2
    assert result.stderr == ("bpcheck: h/zed/answers.yaml: its id zed is not on the roster roster.csv; it was graded "
                             "all the same\n")


def test_a_roster_name_is_printed_escaped_and_junit_and_annotations_name_the_missing(cli, handed_back):
    (handed_back / "roster.csv").write_text(ROSTER.replace("Erin Eck", "Erin\x1b[31mEck"), encoding="utf-8")
    result = cli(*GRADE, "--csv", "m.csv", "--junit-xml", "j.xml", env={"GITHUB_ACTIONS": "true"}, cwd=handed_back)
    assert result.exit_code == 1 and "\x1b" not in result.output and "Erin\\x1b[31mEck" in result.stdout
    marks = (handed_back / "m.csv").read_text(encoding="utf-8")
    assert "\x1b" not in marks and "erin,Erin\\x1b[31mEck,,ex1," in marks
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations[:2] == ["::error title=bpcheck%3A no file::dave: no file handed in",
                               "::error title=bpcheck%3A no file::erin: no file handed in"]
    junit = (handed_back / "j.xml").read_text(encoding="utf-8")
    assert junit.count('name="hand in an answers file"') == 2 and '<testsuite name="dave"' in junit


IDS = st.text(alphabet="abAB-_.1é", min_size=1, max_size=6).filter(lambda name: not name.startswith((".", "-"))
                                                                      and not name.endswith("."))


@given(st.lists(IDS, min_size=1, max_size=8, unique_by=folder_key), st.data())
def test_any_part_of_a_class_handed_back_is_matched_to_its_own_ids(roster, data):
    """Whoever hands back, in folders named as the roster names them (in any case), each file is its own
    student's: a prefix the handed-back folders happen to share is not taken for an assignment's."""
    back = data.draw(st.lists(st.sampled_from(roster), min_size=1, unique=True))
    files = [f"h/{data.draw(st.sampled_from([name, name.upper()]))}/answers.yaml" for name in back]
    assert roster_ids(files, ["h"], roster) == back
