"""`bpcheck handout`: a roster's answers files, sheets and keys, refusals that write nothing, and the
handed-out folder graded back."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpcheck.errors import BpcheckError
from bpcheck.lms.quiz import listed_variants
from bpcheck.roster import folder_key, folder_problem, roster_students
from tests.helpers import Cli, assert_bad_input_line

EXERCISE = """\
title: Homework 1
instructions: One step by hand.
layers: [2, 2, 1]
activation: sigmoid
loss: squared_error
inputs: {x1: 0.2, x2: 0.8}
weights: {W13: 0.5, W23: -0.3, W14: 0.4, W24: 0.6, W35: 0.7, W45: -0.2}
targets: {t5: 0.9}
learning_rate: 0.5
"""


bpcheck = Cli({"COLUMNS": "80"})  # the conftest fixture's command line, as a function hypothesis can call


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("hw1.yaml").write_text(EXERCISE, encoding="utf-8")
    return tmp_path


def solved(student: str) -> dict:
    result = bpcheck("solve", "hw1.yaml", "--variant", student, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def every_file(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def filled_in(text: str, values: dict) -> str:
    """A student's answers file with each asked value written after its name, as the student would."""
    return re.sub(r"(?m)^  (\w+):$", lambda m: f"  {m.group(1)}: {values[m.group(1)]!r}", text)


# ---------------------------------------------------------------- what each student and the staff get


def test_each_student_gets_their_own_variant_and_the_staff_the_keys(course):
    Path("roster.csv").write_text("id,name,email\nalice,Alice Liddell,alice@uni.edu\nbob,Bob,bob@uni.edu\n",
                                  encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.csv", "handouts")
    assert result.exit_code == 0, result.output
    assert every_file(course / "handouts") == ["alice", "alice/answers.yaml", "bob", "bob/answers.yaml", "keys",
                                               "keys/alice.md", "keys/bob.md"]
    assert result.stdout.startswith("Handouts for 2 students in handouts/: handouts/ID/answers.yaml")
    assert result.stdout.rstrip().endswith(
        "bpcheck grade handouts/ --exercise hw1.yaml --variant-from-id --feedback hint --roster roster.csv")
    keys = {}
    for student in ("alice", "bob"):
        text = Path("handouts", student, "answers.yaml").read_text(encoding="utf-8")
        document = yaml.safe_load(text)
        solution = solved(student)
        asked = solution["asked"]
        # Exactly the asked names, in solving order, blank; the student's id and variant; the exercise beside it.
        template = bpcheck("template", "hw1.yaml", "--variant", student).stdout
        assert list(document["answers"]) == list(yaml.safe_load(template)["answers"]) == asked
        assert all(value is None for value in document["answers"].values())
        assert (document["student"], document["variant"], document["exercise"]) == (student, student, "hw1.yaml")
        # Headed by the exercise as the student reads it: `show --variant`'s lines, as comments.
        shown = bpcheck("show", "hw1.yaml", "--variant", student).stdout
        comments = [line[2:] for line in text.splitlines() if line.startswith("# ")]
        for line in ("Given", *[line for line in shown.splitlines() if re.match(r"^(x|W|t)\d", line)]):
            assert line in comments, line
        # No value the key holds, at 4 digits or in full, anywhere in the student's file.
        for name in asked:
            value = solution["values"][name]
            assert repr(value) not in text and f"{value:.4g}" not in text.split("answers:")[1], name
        # The key is `solve --variant --format markdown`, byte for byte.
        key = Path("handouts", "keys", f"{student}.md").read_text(encoding="utf-8")
        assert key == bpcheck("solve", "hw1.yaml", "--variant", student, "--format", "markdown").stdout
        keys[student] = solution["values"]
    assert "Alice Liddell" in Path("handouts/alice/answers.yaml").read_text(encoding="utf-8")
    assert "Alice Liddell" not in Path("handouts/bob/answers.yaml").read_text(encoding="utf-8")
    assert keys["alice"]["x1"] != keys["bob"]["x1"] or keys["alice"]["W13"] != keys["bob"]["W13"]
    assert keys["alice"]["y5"] != keys["bob"]["y5"]


def test_keys_as_one_csv_hold_every_asked_value_at_full_precision(course):
    Path("roster.txt").write_text("alice\n=cmd\n", encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out", "--keys", "csv")
    assert result.exit_code == 0, result.output
    assert every_file(course / "out") == ["=cmd", "=cmd/answers.yaml", "alice", "alice/answers.yaml", "keys.csv"]
    with open("out/keys.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == ["alice", "'=cmd"]  # a spreadsheet shows it as text
    for row, student in zip(rows, ("alice", "=cmd")):
        values = solved(student)["values"]
        asked = list(yaml.safe_load(Path("out", student, "answers.yaml").read_text(encoding="utf-8"))["answers"])
        assert list(row)[4:] == asked
        assert {name: float(row[name]) for name in asked} == {name: values[name] for name in asked}
    assert rows[0]["a3"] != rows[1]["a3"]


def test_names_and_paths_with_escape_sequences_are_shown_escaped_in_the_keys_and_the_summary(course):
    Path("roster.csv").write_text('id,name,email\nalice,\x1b[31mRed\x1b]0;owned\x07 \u202eX,"=HYPERLINK(""http://e"")"\n'
                                  'bob,"Bo\tb",+1\n', encoding="utf-8")
    Path("h\x1b[2Jw.yaml").write_text(EXERCISE, encoding="utf-8")
    result = bpcheck("handout", "h\x1b[2Jw.yaml", "--roster", "roster.csv", "out", "--keys", "csv")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "--exercise 'h\\x1b[2Jw.yaml'" in result.stdout
    with open("out/keys.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["id"], row["name"], row["email"]) for row in rows] == [
        ("alice", "\\x1b[31mRed\\x1b]0;owned\\x07 \\u202eX", '\'=HYPERLINK("http://e")'), ("bob", "Bo\\x09b", "'+1")]
    assert "# For alice (\\x1b[31mRed\\x1b]0;owned\\x07 \\u202eX)." in Path("out/alice/answers.yaml").read_text(
        encoding="utf-8")


def test_no_keys_writes_none(course):
    Path("roster.txt").write_text("alice\nbob\n", encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out", "--no-keys")
    assert result.exit_code == 0 and "No keys." in result.stdout
    assert every_file(course / "out") == ["alice", "alice/answers.yaml", "bob", "bob/answers.yaml"]


def test_the_html_sheet_is_a_self_contained_page_with_a_blank_for_each_value(course):
    Path("roster.csv").write_text('id,name\nalice,"<script>alert(1)</script>"\no&b,Bob\n', encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.csv", "out", "--format", "html")
    assert result.exit_code == 0, result.output
    sheet = Path("out/o&b/sheet.html").read_text(encoding="utf-8")
    assert sheet.startswith("<!DOCTYPE html>") and "For o&amp;b." in sheet and "o&b" not in sheet
    assert "http" not in sheet.replace('"http://www.w3.org/2000/svg"', "") and "<script" not in sheet
    asked = list(yaml.safe_load(Path("out/o&b/answers.yaml").read_text(encoding="utf-8"))["answers"])
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>_{16}</td></tr>', sheet)
    assert rows == asked
    values = solved("o&b")["values"]
    assert not any(f"{values[name]:.4g}" in sheet for name in asked if abs(values[name]) > 1e-3)
    assert "alert" not in Path("out/alice/sheet.html").read_text(encoding="utf-8")  # the name: answers.yaml only
    assert "<script>alert(1)</script>" in Path("out/alice/answers.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- graded back


@pytest.mark.parametrize("ids", [["alice", "bob", "carol"], ["hw1-alice", "hw1-bob"], ["s001"], ["Zoë", "李"], ["007", "null", "True"]])
def test_the_handed_out_folder_grades_back_as_each_students_variant(course, ids):
    Path("roster.csv").write_text("Student ID,Name\n" + "".join(f"{i},Someone\n" for i in ids), encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.csv", "handouts", "--format", "html")
    assert result.exit_code == 0, result.output
    answers = Path("handouts", ids[0], "answers.yaml")
    answers.write_text(filled_in(answers.read_text(encoding="utf-8"), solved(ids[0])["values"]), encoding="utf-8")
    command = result.stdout.splitlines()[-1].strip()
    assert ("--id-pattern" in command) == (ids[0].startswith("hw1-") or len(ids) == 1)
    import shlex

    words = shlex.split(command)
    assert words[:2] == ["bpcheck", "grade"]
    graded = bpcheck(*words[1:], "--format", "json", "--csv", "marks.csv")
    assert graded.exit_code == (0 if len(ids) == 1 else 1), graded.output
    with open("marks.csv", newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(ids)
    assert float(rows[ids[0]]["percent"]) == 100 and rows[ids[0]]["flags"] == ""
    assert all(rows[i]["variant"] == i.lower() for i in ids)


# ---------------------------------------------------------------- refusals: one line, exit 2, nothing written


@pytest.mark.parametrize("roster, where, words", [
    ("", "roster.csv: no student ids", []),
    ("# only a comment\n\n", "roster.csv: no student ids", []),
    ("name,phone\nAlice,123\n", "roster.csv:1: no id column", ["name, phone"]),
    ("id,name\n", "roster.csv:1: a header and no student", []),
    ("id,name\nalice,A\n,B\n", "roster.csv:3: no id in the column id", []),
    ("alice\nbob\nAlice\n", "roster.csv:3: variant 'alice' is listed twice (first on line 1)", []),
    ("id\nZoë\nZOË\n", "roster.csv:3: the id 'ZOË' would share a folder with the id on line 2", []),
    ("id\nJos\u00e9\nJose\u0301\n", "roster.csv:3: variant 'jos\u00e9' is listed twice (first on line 2)",
     ["Unicode's form"]),  # one variant since names are hashed in NFC: listed twice, before it is a folder
    ("id\nkeys\n", "roster.csv:2: the id 'keys' would share a folder with the keys' folder", ["--keys csv"]),
    ("id\na/b\n", "roster.csv:2: the id 'a/b' holds '/'", []),
    ("id\n..\n", "roster.csv:2: the id '..' starts with '.'", []),
    ("id\n.git\n", "roster.csv:2: the id '.git' starts with '.'", []),
    ("id\nCON\n", "roster.csv:2: the id 'CON' is a name Windows reserves", []),
    ("id\nnul.txt\n", "roster.csv:2: the id 'nul.txt' is a name Windows reserves", []),
    ("id\nbob.\n", "roster.csv:2: the id 'bob.' ends in a space or '.'", []),
    ('id,name\n"alice,A\n', "roster.csv:2: is not a CSV row", []),
    ('id,name\nalice,"A\n\nbob,B\n', "roster.csv:2: is not a CSV row", []),
    ("id,ID,name\nalice,bob,A\n", "roster.csv:1: the header names the column id twice (columns 1 and 2)", []),
    ("Student ID;Name;name\ns1;A;B\n", "roster.csv:1: the header names the column name twice (columns 2 and 3)",
     ["rename or delete one"]),
    ("id\nal\x07ice\n", "roster.csv:2: the id 'al\\x07ice': a variant name is 1 to 100 printable", []),
    ("id\n" + "李" * 100 + "\n", "roster.csv:2: the id", ["longer than 200 bytes"]),
])
def test_a_bad_roster_is_refused_and_nothing_is_written(course, roster, where, words):
    Path("roster.csv").write_text(roster, encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.csv", "out")
    assert_bad_input_line(result, where, words)
    assert not Path("out").exists()


def test_nothing_is_overwritten_and_nothing_written_when_one_file_is_there(course):
    Path("roster.txt").write_text("alice\nbob\n", encoding="utf-8")
    Path("out/bob").mkdir(parents=True)
    Path("out/bob/answers.yaml").write_text("mine", encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out")
    assert_bad_input_line(result, "out/bob/answers.yaml: is there already", ["never writes handouts over a file"])
    assert every_file(course / "out") == ["bob", "bob/answers.yaml"]
    assert Path("out/bob/answers.yaml").read_text(encoding="utf-8") == "mine"
    Path("out/bob/answers.yaml").unlink()
    Path("out/keys").mkdir()
    Path("out/keys/alice.md").write_text("old key", encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out")
    assert_bad_input_line(result, "out/keys/alice.md: is there already", [])
    assert every_file(course / "out") == ["bob", "keys", "keys/alice.md"]
    # Another format's files are not in the way: an existing folder with other files is fine.
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out", "--keys", "csv")
    assert result.exit_code == 0, result.output
    assert Path("out/keys/alice.md").read_text(encoding="utf-8") == "old key"


def test_outdir_that_is_a_file_or_an_exercise_without_variants_is_refused(course):
    Path("roster.txt").write_text("alice\n", encoding="utf-8")
    Path("taken").write_text("x", encoding="utf-8")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "taken")
    assert_bad_input_line(result, "taken: is not a folder", [])
    Path("fixed.yaml").write_text(EXERCISE + "variants: false\n", encoding="utf-8")
    result = bpcheck("handout", "fixed.yaml", "--roster", "roster.txt", "out")
    assert_bad_input_line(result, "fixed.yaml: fixed has no variants",
                          ["every student would get the same numbers", "`bpcheck template fixed.yaml`"])
    assert not Path("out").exists()
    result = bpcheck("handout", "hw1.yaml", "--roster", "missing.csv", "out")
    assert_bad_input_line(result, "missing.csv: cannot read it", [])


def test_an_outdir_that_is_a_link_to_nothing_or_a_loop_is_refused_and_left_alone(course):
    import os

    Path("roster.txt").write_text("alice\n", encoding="utf-8")
    os.symlink("nowhere", "dangling")
    os.symlink("loop2", "loop1")
    os.symlink("loop1", "loop2")
    for outdir in ("dangling", "loop1"):
        result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", outdir)
        assert_bad_input_line(result, f"{outdir}: is a symbolic link that leads nowhere", ["point it at a folder"])
    assert os.readlink("dangling") == "nowhere" and not os.path.lexists("nowhere")
    os.mkdir("real")
    os.symlink("real", "link")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "link", "--no-keys")
    assert result.exit_code == 0, result.output
    assert every_file(course / "real") == ["alice", "alice/answers.yaml"] and os.readlink("link") == "real"


@pytest.mark.parametrize("call, when", [("mkdir", 2), ("open", 3), ("replace", 3)])
def test_an_interruption_at_any_step_leaves_no_folder_and_no_file(course, monkeypatch, call, when):
    """Ctrl-C just after the second folder is made, the third temporary file is created, or the third file is
    renamed into place: the call has done its work, and the interruption lands before bpcheck hears of it."""
    import os

    Path("roster.txt").write_text("alice\nbob\n", encoding="utf-8")
    Path("out").mkdir()
    Path("out/mine.txt").write_text("mine", encoding="utf-8")
    real, calls = getattr(os, call), []

    def interrupted(*args, **kwargs):
        done = real(*args, **kwargs)
        calls.append(args)
        if len(calls) == when:
            if call == "open":
                os.close(done)
            raise KeyboardInterrupt
        return done

    monkeypatch.setattr(os, call, interrupted)
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out")
    monkeypatch.setattr(os, call, real)
    assert len(calls) == when and result.exit_code == 130, result.output
    assert "interrupted" in result.stderr
    assert every_file(course / "out") == ["mine.txt"]
    assert Path("out/mine.txt").read_text(encoding="utf-8") == "mine"


def test_the_exercise_and_the_roster_are_left_as_they_were(course):
    roster = "\ufeffid;name\r\n# a comment\r\n\r\nalice;A\r\nbob;B\r\n"
    Path("roster.csv").write_text(roster, encoding="utf-8", newline="")
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.csv", ".")  # an existing folder
    assert result.exit_code == 0, result.output
    assert Path("hw1.yaml").read_text(encoding="utf-8") == EXERCISE
    assert Path("roster.csv").read_bytes() == roster.encode("utf-8")
    assert sorted(p.name for p in Path(".").iterdir()) == ["alice", "bob", "hw1.yaml", "keys", "roster.csv"]


def test_the_grade_command_it_prints_escapes_what_a_terminal_would_act_on(course, cli):
    """The exercise's path is printed in a command to copy: an escape sequence in it is shown, not run."""
    named = "hw\x1b]0;owned\x07 1.yaml"
    Path(named).write_text(EXERCISE, encoding="utf-8")
    Path("roster.txt").write_text("alice\nbob\n", encoding="utf-8")
    result = cli("handout", named, "--roster", "roster.txt", "out")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert result.stdout.splitlines()[-1] == ("  bpcheck grade out/ --exercise 'hw\\x1b]0;owned\\x07 1.yaml' "
                                              "--variant-from-id --feedback hint --roster roster.txt")


def test_the_grade_command_it_prints_names_a_long_folder_whole(course, cli):
    """A command to copy names OUTDIR as given, however long its name: never cut with an ellipsis."""
    Path("roster.txt").write_text("alice\nbob\n", encoding="utf-8")
    outdir = "handouts-" + "x" * 80
    result = cli("handout", "hw1.yaml", "--roster", "roster.txt", outdir)
    assert result.exit_code == 0, result.output
    command = result.stdout.splitlines()[-1].split()
    assert command[:4] == ["bpcheck", "grade", f"{outdir}/", "--exercise"]
    assert cli(*command[1:4], "hw1.yaml", *command[5:]).exit_code == 1  # graded: every value missing


def test_a_roster_saved_as_excels_unicode_text_is_read_and_other_encodings_are_pointed_at(course):
    """Excel's "Unicode text" is UTF-16 with a byte-order mark, tab-separated: read as it is. Latin-1 from an
    old Excel, or UTF-16 without its mark, is refused at the line and column of the first byte that shows it."""
    Path("roster.txt").write_bytes("id\tname\r\nzoë\tZoë Ø\r\nbob\tBob\r\n".encode("utf-16"))
    result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out", "--keys", "csv")
    assert result.exit_code == 0, result.output
    assert every_file(course / "out") == ["bob", "bob/answers.yaml", "keys.csv", "zoë", "zoë/answers.yaml"]
    assert "# For zoë (Zoë Ø)." in Path("out/zoë/answers.yaml").read_text(encoding="utf-8")
    for name, data, where in [("latin1.csv", "id,name\nzoe,Zoë\n".encode("latin-1"), "latin1.csv:2:7: byte 0xeb"),
                              ("utf16.txt", "id\nzoe\n".encode("utf-16-le"), "utf16.txt:1:2: holds a NUL byte"),
                              ("bom.csv", b"\xef\xbb\xbfid\nz\xf6e\n", "bom.csv:2:2: byte 0xf6 is not UTF-8"),
                              ("odd.txt", b"\xff\xfei\x00\x00\xd8", "odd.txt: is not UTF-16 text")]:
        Path(name).write_bytes(data)
        result = bpcheck("handout", "hw1.yaml", "--roster", name, "refused")
        assert_bad_input_line(result, where, ["saved as CSV UTF-8"])
        result = bpcheck("export", "moodle", "hw1.yaml", "q.xml", "--variants-from", name)
        assert_bad_input_line(result, where, [])
        assert Path(name).read_bytes() == data
    assert not Path("refused").exists() and not Path("q.xml").exists()


# ---------------------------------------------------------------- the roster reader


def test_roster_columns_are_found_by_name_in_any_case_and_order():
    text = "Last Name,First Name,SIS User ID,Email Address\nLovelace,Ada,s1,ada@x.org\n"
    (student,) = roster_students(text, "r.csv")
    assert (student.id, student.name, student.email, student.line) == ("s1", "Ada Lovelace", "ada@x.org", 2)
    (student,) = roster_students("email\n Alice@X.org \n", "r.csv")
    assert (student.id, student.variant, student.email) == ("Alice@X.org", "alice@x.org", "Alice@X.org")
    assert [s.id for s in roster_students("alice\n# bob\n\ncarol\n", "r.txt")] == ["alice", "carol"]
    assert [s.id for s in roster_students("username\tname\nal\tA\nbo\tB\n", "r.tsv")] == ["al", "bo"]


def test_a_one_column_roster_headed_by_a_name_column_is_no_list_of_ids():
    """"Name" over a column of names is a header without an id column, not a student called Name."""
    for header in ("Name", "Full Name", "last_name", "First-Name"):
        with pytest.raises(BpcheckError) as refused:
            roster_students(f"{header}\nAda Lovelace\nAlan Turing\n", "r.csv")
        assert str(refused.value).startswith("r.csv:1: no id column in the header (")
    assert [s.id for s in roster_students("Login\nada\nalan\n", "r.csv")] == ["ada", "alan"]
    assert [s.id for s in roster_students("nameless\nada\n", "r.txt")] == ["nameless", "ada"]


def test_a_quoted_cell_may_hold_the_delimiter_a_quote_and_line_breaks_as_a_spreadsheet_writes_it():
    text = ('id,name,email\r\n# staff\r\nalice,"Smith, Alice",a@x.org\r\nbob,"Bob\r\n\r\n# ""Bobby""\r\nJones",b@x.org\r\n'
            '\r\ncarol,C\u2028D,c@x.org\rdan,Dan,d@x.org')
    students = roster_students(text, "r.csv")
    assert [(s.id, s.name, s.email, s.line) for s in students] == [
        ("alice", "Smith, Alice", "a@x.org", 3), ("bob", 'Bob\r\n\r\n# "Bobby"\r\nJones', "b@x.org", 4),
        ("carol", "C\u2028D", "c@x.org", 9), ("dan", "Dan", "d@x.org", 10)]
    with pytest.raises(BpcheckError) as refused:  # a line separator inside an id is not a line break
        roster_students("alice\u2028bob\n", "r.txt")
    assert str(refused.value).startswith("r.txt:1: the id 'alice\\u2028bob': a variant name is 1 to 100 printable")


def test_export_reads_the_same_rosters():
    assert listed_variants("id,name\nAlice,A\nbob,B\n", "r.csv") == ["alice", "bob"]
    with pytest.raises(BpcheckError, match="no id column"):
        listed_variants("name,phone\nA,1\n", "r.csv")


def test_roster_options_say_the_same_of_what_a_roster_may_be(cli):
    """export --variants-from reads handout's rosters: its help says a CSV too, in handout's words."""
    forms = "a CSV with a header and an id column (name and email columns too, if you like), or one student id a line"
    for command in (["handout"], ["export", "moodle"], ["export", "qti"]):
        assert forms in " ".join(cli(*command, "--help", env={"COLUMNS": "500"}).stdout.split()), command


ID_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@given(st.lists(st.text(ID_CHARACTERS, min_size=1, max_size=12), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_a_plain_roster_gives_its_ids_or_one_clear_refusal(ids):
    text = "\n".join(ids) + "\n"
    try:
        students = roster_students(text, "r.txt")
    except BpcheckError as error:
        assert error.file == "r.txt" and error.hint
        return
    kept = [i.strip() for i in ids if i.strip() and not i.lstrip().startswith("#")]
    if kept and any(mark in kept[0] for mark in ",;\t"):
        return  # read as a CSV header
    assert [s.id for s in students] == kept[len(kept) - len(students):]
    assert len({s.variant for s in students}) == len(students)


SAFE_ID = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Lo", "Nd"), whitelist_characters="-_.@"),
                  min_size=1, max_size=10)


@given(st.lists(SAFE_ID, min_size=2, max_size=4, unique_by=folder_key))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_roster_of_safe_ids_grades_back(tmp_path_factory, ids):
    """Whatever the ids, the first student's file, filled in right, grades 100% as their own variant."""
    ids = [i for i in ids if folder_problem(i) is None and i.lower() not in ("keys",)]
    if len({i.lower() for i in ids}) < len(ids) or len(ids) < 1:
        return
    folder = tmp_path_factory.mktemp("class")
    (folder / "hw1.yaml").write_text(EXERCISE, encoding="utf-8")
    (folder / "roster.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    import os

    before = os.getcwd()
    os.chdir(folder)
    try:
        result = bpcheck("handout", "hw1.yaml", "--roster", "roster.txt", "out", "--no-keys")
        if result.exit_code == 2:  # the roster's own rules (an id that reads as a header, say)
            assert result.stderr.startswith("bpcheck: roster.txt"), result.stderr
            return
        assert result.exit_code == 0, result.output
        students = [s.id for s in roster_students(Path("roster.txt").read_text(encoding="utf-8"), "roster.txt")]
        first = Path("out", students[0], "answers.yaml")
        first.write_text(filled_in(first.read_text(encoding="utf-8"), solved(students[0])["values"]), encoding="utf-8")
        import shlex

        graded = bpcheck(*shlex.split(result.stdout.splitlines()[-1])[1:], "--csv", "marks.csv")
        assert graded.exit_code in (0, 1), graded.output
        with open("marks.csv", newline="", encoding="utf-8") as handle:
            rows = {row["file"]: row for row in csv.DictReader(handle)}
        row = rows[f"out/{students[0]}/answers.yaml"]
        assert float(row["percent"]) == 100 and row["flags"] == "", row
    finally:
        os.chdir(before)
