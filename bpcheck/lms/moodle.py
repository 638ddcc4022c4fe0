"""Moodle: a Moodle XML quiz of Cloze questions, one a variant; and its quiz's Responses report read back.

The XML is what Moodle's importer (question/format/xml/format.php, ``import_multianswer``) reads: a
``<question type="cloze">`` with ``name/text`` and ``questiontext/text``, the text in CDATA as Moodle's own
export writes it. The Cloze fields are those ``qtype_multianswer_extract_question`` parses:
``{1:NUMERICAL:=VALUE:MARGIN}``, an absolute margin around the exact value. A category question first puts
the questions in a category of their own, ``bpcheck NAME``, from which a quiz draws one at random.

The Responses report (mod/quiz/report/responses) has, per question slot N, the columns "Question N"
(the question's text made plain: it starts with the marker), "Response N" (the Cloze response summary,
``part 1: 0,755; part 2: ; part 3: -0.0027``, each part as the student typed it) and "Right answer N".
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import BpcheckError
from ..solution import Solution
from .quiz import exercise_html, find_marker, html_table, margin, marker, number_text, stage_title

# ---------------------------------------------------------------- export


def cloze_field(solution: Solution, name: str) -> str:
    """One NUMERICAL field: weight 1, the exact value, and the margin bpcheck grants around it."""
    return f"{{1:NUMERICAL:={number_text(solution.values[name])}:{number_text(margin(solution, name))}}}"


def question_html(solution: Solution) -> str:
    """The marker, the exercise, and a table of the asked values with a Cloze field each, in solving order."""
    rows = [(stage_title(solution, name), name, cloze_field(solution, name)) for name in solution.asked]
    asked = html_table("Your answers", ("step", "value", "your answer"), rows, raw_last=True)
    return f"<p>{marker(solution)}</p>\n{exercise_html(solution)}\n{asked}"


def question_name(solution: Solution) -> str:
    exercise = solution.exercise
    return exercise.name if exercise.variant is None else f"{exercise.name}, variant {exercise.variant}"


def moodle_xml(solutions: list[Solution]) -> str:
    """A Moodle XML file: a category, then a Cloze question per variant."""
    from ..safetext import escape_controls

    # A path of categories; a / within a name is written // (qformat_xml's rule).
    category = "$course$/top/" + f"bpcheck {escape_controls(solutions[0].exercise.name)}".replace("/", "//")
    questions = [f"""  <question type="category">
    <category>
      <text>{_cdata(category)}</text>
    </category>
  </question>
"""]
    for solution in solutions:
        questions.append(f"""  <question type="cloze">
    <name>
      <text>{_cdata(escape_controls(question_name(solution)))}</text>
    </name>
    <questiontext format="html">
      <text>{_cdata(question_html(solution))}</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <hidden>0</hidden>
  </question>
""")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "".join(questions) + "</quiz>\n"


def _cdata(text: str) -> str:
    """``text`` in CDATA, split where it holds ]]> (as Moodle's own qformat_xml::xml_escape does)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# ---------------------------------------------------------------- the Responses report


SLOT = re.compile(r"(\d+)\s*$")  # "Question 3", "Frage 3": the slot number ends a column's name
# A part of a Cloze response summary: "part 2: 0,5" in English, "partie 2 : 0,5" in French.
PART = re.compile(r"(?P<label>[^\d;]*?)\s?(?P<index>\d{1,9})\s?:\s?(?P<text>.*)", re.S)


class Slot(NamedTuple):
    question: int  # the column holding the question's text (its marker)
    response: int  # the column holding the response summary
    unsure: bool = False  # named in a language bpcheck does not read: it could be the Right answer instead


def slots(header: list[str], rows: list[list[str]], file: str) -> list[Slot]:
    """The question slots whose "Question N" cells start with a bpcheck marker, each with its response
    column. The columns of slot N stand together, in the order question, response, right answer, their
    names ending in N in every language; so the question column is the first of its slot's columns, and
    a marker a student types into a response never makes a question of it. With one column beside the
    question, its English name says which it is; in another language it is taken as the response,
    ``unsure``, for the grader to check against the key."""
    found = []
    for columns in _slot_columns(header):
        question, beside = columns[0], columns[1:3]
        name = header[question].strip().lower()
        if name.startswith(("response", "right answer")) or not any(find_marker(cell(row, question)) for row in rows):
            continue
        beside_name = header[beside[0]].strip().lower() if beside else ""
        if not beside or (len(beside) == 1 and beside_name.startswith("right answer")):
            raise BpcheckError(f"the column {header[question]!r} has no Response column beside it", file=file,
                               hint="in the quiz's Results > Responses, show the Question text and the Response, "
                                    "then download the report again")
        found.append(Slot(question, beside[0], unsure=len(beside) == 1 and not beside_name.startswith("response")))
    return found


def _slot_columns(header: list[str]) -> list[list[int]]:
    """The columns in runs whose names end in the same number ("Question 3", "Response 3"); a column whose
    name ends in none stands alone."""
    runs: list[list[int]] = []
    for column, name in enumerate(header):
        number = _slot_of(name)
        if runs and number is not None and _slot_of(header[runs[-1][0]]) == number:
            runs[-1].append(column)
        else:
            runs.append([column])
    return runs


def cell(row: list[str], column: int) -> str:
    """A row's cell; a short (ragged) row's missing cells are empty."""
    return row[column] if column < len(row) else ""


def _slot_of(name: str) -> str | None:
    number = SLOT.search(name)
    return number[1] if number else None


def cloze_parts(summary: str, count: int) -> list[str | None]:
    """The text of each of ``count`` parts of a Cloze response summary ("part 1: 0,755; part 2: ; ..."),
    "" for a blank part, None for a part whose bounds cannot be told. The word before the number is the
    language's ("part", "Teil", "partie"). A student's own text may hold "; part 2: ...": a part is read
    only when its label and the next part's each stand once, so such text makes only that student's parts
    unreadable, and never puts a number in a part the student left."""
    if summary.strip() in ("", "-"):  # no response at all
        return [""] * count
    tokens = summary.split("; ")
    first = PART.fullmatch(tokens[0])
    if first is None or first["index"] != "1":
        return [None] * count
    places: dict[int, list[int]] = {}
    texts: dict[int, str] = {}
    for place, token in enumerate(tokens):
        part = PART.fullmatch(token)
        if part is not None and part["label"] == first["label"] and 1 <= int(part["index"]) <= count:
            places.setdefault(int(part["index"]), []).append(place)
            texts[place] = part["text"]
    found: list[str | None] = []
    for index in range(1, count + 1):
        here = places.get(index, [])
        ends = places.get(index + 1, []) if index < count else [len(tokens)]
        if len(here) != 1 or len(ends) != 1 or ends[0] <= here[0]:
            found.append(None)
            continue
        found.append("; ".join([texts[here[0]], *tokens[here[0] + 1:ends[0]]]))
    return found


def parts_read(summary: str, asked: tuple[str, ...]) -> dict[str, str | None]:
    """Each asked value's response text (in the order the fields stand), "" blank, None unreadable."""
    return dict(zip(asked, cloze_parts(summary, len(asked))))

