"""Canvas: a QTI 1.2 package with one quiz per variant; and the Student Analysis report read back.

The package is laid out as Canvas's own QTI export (canvas-lms lib/cc/qti/qti_generator.rb) and
gpoore/text2qti (xml_imsmanifest.py, xml_assessment.py, xml_assessment_meta.py) write it: imsmanifest.xml
at the root, and for each quiz a folder ID holding ID/ID.xml (questestinterop/assessment/section/item) and
ID/assessment_meta.xml (Canvas's settings of the quiz), the manifest listing the two as a resource of type
imsqti_xmlv1p2 and its dependency. A value is a numerical_question item: render_fib fibtype="Decimal",
and score 100 when the response lies within vargte and varlte, the exact value less and plus its margin.

Why one quiz per variant: a Canvas question group draws items at random, one by one, and so cannot keep a
variant's items together, nor give a student a group of their own. A quiz per variant, assigned to its
student (Assign to), can; each is visible only to those it is assigned to.

The Student Analysis report (canvas-lms app/models/quizzes/quiz_statistics/student_analysis.rb, to_csv)
has the columns name, id, sis_id, section, section_id, section_sis_id, submitted, attempt (some only when
they apply), then per question "QUESTION_ID: its text, tags stripped" and its points, then n correct,
n incorrect, score. A question the submission did not have leaves both its cells empty.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree as ET

from ..solution import Solution
from .quiz import Marker, exercise_html, find_marker, html_text, margin, marker, number_text, stage_title

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
MANIFEST = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QUESTION = re.compile(r"[0-9]+: ")  # a question's column: its id, a colon, its text


def identifier(solution: Solution) -> str:
    """The quiz's identifier: the same variant of the same numbers, the same quiz (a re-import updates it)."""
    from .quiz import check_of

    key = f"{check_of(solution)}\n{solution.exercise.variant}".encode("utf-8", "surrogatepass")
    return "bpcheck_" + hashlib.sha256(key).hexdigest()[:16]


def qti_files(solutions: list[Solution]) -> dict[str, bytes]:
    """The package's files, path -> content: the manifest, then each quiz's assessment and settings."""
    files = {"imsmanifest.xml": _xml(_manifest(solutions))}
    for solution in solutions:
        ident = identifier(solution)
        files[f"{ident}/{ident}.xml"] = _xml(_assessment(solution, ident))
        files[f"{ident}/assessment_meta.xml"] = _xml(_settings(solution, ident))
    return files


def write_qti(stream: BinaryIO, solutions: list[Solution]) -> None:
    """The package as a zip, the same bytes for the same exercise and variants (no clock in it)."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for path, content in qti_files(solutions).items():
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, content)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)  # readable; no element holds both text and children, so the content is the same
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _element(parent: ET.Element | None, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _title(solution: Solution) -> str:
    from ..safetext import escape_controls

    exercise = solution.exercise
    variant = f" (variant {exercise.variant})" if exercise.variant is not None else ""
    return escape_controls(f"{exercise.title}{variant}")


def _points(solution: Solution, name: str) -> str:
    return f"{solution.exercise.points.get(name, 1.0):g}"


def _manifest(solutions: list[Solution]) -> ET.Element:
    root = _element(None, "manifest", identifier=identifier(solutions[0]) + "_manifest", xmlns=MANIFEST)
    metadata = _element(root, "metadata")
    _element(metadata, "schema", "IMS Content")
    _element(metadata, "schemaversion", "1.1.3")
    _element(root, "organizations")
    resources = _element(root, "resources")
    for solution in solutions:
        ident = identifier(solution)
        quiz = _element(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
        _element(quiz, "file", href=f"{ident}/{ident}.xml")
        _element(quiz, "dependency", identifierref=f"{ident}_meta")
        settings = _element(resources, "resource", identifier=f"{ident}_meta",
                            type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                            href=f"{ident}/assessment_meta.xml")
        _element(settings, "file", href=f"{ident}/assessment_meta.xml")
    return root


def _assessment(solution: Solution, ident: str) -> ET.Element:
    root = _element(None, "questestinterop", xmlns=QTI)
    assessment = _element(root, "assessment", ident=ident, title=_title(solution))
    _metadata(assessment, {"cc_maxattempts": "1"})
    section = _element(assessment, "section", ident="root_section")
    for index, name in enumerate(solution.asked, start=1):
        _item(section, solution, name, f"{ident}_{index}")
    return root


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    metadata = _element(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _element(metadata, "qtimetadatafield")
        _element(field, "fieldlabel", label)
        _element(field, "fieldentry", entry)


def _item(section: ET.Element, solution: Solution, name: str, ident: str) -> None:
    """One asked value: the marker and its name as the question, a decimal blank, 100 within the margin."""
    item = _element(section, "item", ident=ident, title=name)
    _metadata(_element(item, "itemmetadata"), {
        "question_type": "numerical_question", "points_possible": _points(solution, name),
        "original_answer_ids": f"{ident}_answer", "assessment_question_identifierref": f"{ident}_ref"})
    presentation = _element(item, "presentation")
    text = f"<p>{marker(solution, name)}</p><p>{html_text(name)} ({html_text(stage_title(solution, name))})</p>"
    _element(_element(presentation, "material"), "mattext", text, texttype="text/html")
    response = _element(presentation, "response_str", ident="response1", rcardinality="Single")
    _element(_element(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    processing = _element(item, "resprocessing")
    _element(_element(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
             vartype="Decimal")
    condition = _element(processing, "respcondition", **{"continue": "No"})
    inside = _element(condition, "conditionvar")
    value, within = solution.values[name], margin(solution, name)
    _element(inside, "vargte", number_text(value - within), respident="response1")
    _element(inside, "varlte", number_text(value + within), respident="response1")
    _element(condition, "setvar", "100", action="Set", varname="SCORE")


def _settings(solution: Solution, ident: str) -> ET.Element:
    """assessment_meta.xml: the quiz's settings. The exercise is its description (Canvas shows it above
    the questions); correct answers are shown only at the full feedback level; a variant's quiz is seen
    only by those it is assigned to."""
    import math

    exercise = solution.exercise
    points = f"{math.fsum(exercise.points.get(name, 1.0) for name in solution.asked):g}"
    own = "true" if exercise.variant is not None else "false"
    root = _element(None, "quiz", identifier=ident, xmlns=CANVAS)
    for tag, text in (("title", _title(solution)), ("description", exercise_html(solution)),
                      ("shuffle_answers", "false"), ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"),
                      ("points_possible", points),
                      ("show_correct_answers", "true" if (exercise.feedback or "full") == "full" else "false"),
                      ("allowed_attempts", "1"), ("one_question_at_a_time", "false"), ("cant_go_back", "false"),
                      ("available", "false"), ("only_visible_to_overrides", own)):
        _element(root, tag, text)
    assignment = _element(root, "assignment", identifier=f"{ident}_assignment")
    for tag, text in (("title", _title(solution)), ("workflow_state", "unpublished"), ("quiz_identifierref", ident),
                      ("points_possible", points), ("grading_type", "points"), ("submission_types", "online_quiz"),
                      ("only_visible_to_overrides", own)):
        _element(assignment, tag, text)
    return root


# ---------------------------------------------------------------- the Student Analysis report


def question_markers(header: list[str]) -> dict[int, Marker]:
    """The columns of bpcheck's questions, each with its marker: "ID: text", the text starting with a
    marker that names the value asked. Each is followed by the column of the points the submission earned."""
    found = {}
    for column, name in enumerate(header[:-1]):
        number = QUESTION.match(name)
        item = find_marker(name[number.end():]) if number else None
        if item is not None and item.value is not None:
            found[column] = item
    return found
