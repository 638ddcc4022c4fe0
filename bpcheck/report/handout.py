"""A class's handouts (`bpcheck handout`): each student's answers file, headed by the exercise as they
read it; their sheet to print; and the staff's keys as one CSV, a row a student.

A student's files hold their own numbers and what is asked, never a computed value: the exercise as
`bpcheck show --variant` prints it, and the template `bpcheck template --variant` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..quantities import STAGES
from .template import STAGE_HINTS, answers_template
from .views import Section, exercise_heading, exercise_sections, instruction_paragraphs

if TYPE_CHECKING:
    from ..roster import Student
    from ..solution import Solution

ANSWERS_FILE = "answers.yaml"
SHEET_FILE = "sheet.html"
BLANK = "_" * 16  # room to write a value on paper
COMMENT_WIDTH = 100


def exercise_blocks(solution: Solution) -> list:
    """The exercise as a student reads it (`bpcheck show`): the instructions, the network, the given
    numbers and what is asked."""
    return [*instruction_paragraphs(solution.exercise), "", *exercise_sections(solution.exercise, solution)]


def answers_file(solution: Solution, spec: str, student: Student) -> str:
    """The answers file for the student's variant, `student:` their id, headed by the exercise as they
    read it in comments (the file stays an answers file: every line of the exercise starts with #)."""
    import textwrap

    from ..safetext import escape_controls
    from .plain import render

    exercise = solution.exercise
    blocks = [line for block in exercise_blocks(solution)  # an editor shows a comment's paragraph unwrapped
              for line in (textwrap.wrap(block, COMMENT_WIDTH) or [""] if isinstance(block, str) else [block])]
    shown = render(blocks, exercise_heading(exercise))
    who = escape_controls(f"# For {student.id}" + (f" ({student.name})" if student.name else "") + ".")
    preface = (who, "#", *(f"# {line}".rstrip() for line in shown.splitlines()), "#")
    return answers_template(solution, spec, student=student.id, preface=preface)


def sheet_html(solution: Solution, student: Student) -> str:
    """The exercise as the student reads it, as a page to print or post, with a blank for each value
    asked, stage by stage, in solving order."""
    from .html import page

    blanks = []
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if solution.graph[name].stage == stage]
        if names:
            blanks.append(Section(f"{title}: {STAGE_HINTS[stage]}", ("quantity", "your value"),
                                  [(name, BLANK) for name in names]))
    closing = (f"Write each value in {ANSWERS_FILE} (beside this page) after its name, then check them: "
               f"bpcheck grade {ANSWERS_FILE}")
    return page([f"For {student.id}.", *exercise_blocks(solution), *blanks, closing],
                exercise_heading(solution.exercise))


def keys_csv(solutions: Sequence[Solution], students: Sequence[Student]) -> str:
    """A row a student: their id, name, email and variant (control characters escaped, a formula's start
    made text), then every value asked, at full precision (the shortest decimal that reads back as the
    same double)."""
    import csv
    import io

    from ..lms.quiz import number_text
    from ..safetext import escape_controls
    from .gradebook import safe_cell

    asked = list(solutions[0].asked) if solutions else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "email", "variant", *asked])
    for solution, student in zip(solutions, students):  # a name's escape sequence is shown, never run
        cells = (student.id, student.name or "", student.email or "", student.variant)
        writer.writerow([*(safe_cell(escape_controls(cell)) for cell in cells),
                         *(number_text(solution.values[name]) for name in asked)])
    return out.getvalue()
