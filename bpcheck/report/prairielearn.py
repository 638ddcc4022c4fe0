"""A PrairieLearn question's files: question.html, info.json, server.py and a README for the instructor
(PrairieLearn's docs: question/template.md, elements/pl-number-input.md, question/server.md), and the
exercise beside them (``question_folder``). What server.py runs is bpcheck/prairielearn.py.

question.html is a mustache template: ``{{params.W13}}`` for each given number (they vary per variant),
``{{feedback.W13_new}}`` where grading's notes show. Every other brace is written as an entity, so that
no title, instruction or LaTeX name can open a mustache tag, and every text is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..errors import BpcheckError
from ..losses import LOSSES
from ..network import Exercise
from ..prairielearn import DEFAULT_FEEDBACK, DOWNHILL, EXERCISE_FILE, answer_key, variant_of_seed
from ..quantities import STAGES
from ..safetext import escape_controls
from ..solution import Solution
from .latex import name as latex_name
from .views import exercise_sections, optimizer_note

# A question's UUID is uuid5(NAMESPACE, its key): the same exercise gives the same UUID on every export.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/bpcheck/bpcheck#prairielearn")
SAMPLED_SEEDS = (0, 1, 2)  # variants made at export, so that an exercise that cannot vary is refused then

# The givens as the question lists them, a row per kind (quantities' kind); the optimizer's settings and state last.
GIVEN_ROWS = (("x", "Inputs"), ("W", "Weights"), ("b", "Biases"), ("t", "Targets"), ("eta", "Learning rate"))
# Each sign convention's δ, and the change of plain gradient descent on one example written with it.
CONVENTIONS = {"target_minus_output": ("Sign convention (target minus output): δ = -∂E/∂a", "ΔW = η·δ·o"),
               "output_minus_target": ("Sign convention (output minus target): δ = ∂E/∂a", "ΔW = -η·δ·o")}


def text(value: object) -> str:
    """Text for the template: control characters escaped, HTML escaped, braces as entities (no mustache)."""
    return html.escape(escape_controls(str(value))).replace("{", "&#123;").replace("}", "&#125;")


def math_name(name: str) -> str:
    """A quantity's name as the tutorial sets it, for MathJax (``$W_{13}^{\\text{new}}$``); a name LaTeX has
    no form for (bias_correction1) as it is."""
    typeset = latex_name(name)
    return name if typeset.startswith("\\text") else f"${typeset}$"


def question_html(solution: Solution, level: str) -> str:
    """The question: the network and its numbers (shown only while it is worked), then an input per asked
    quantity under its stage's heading, each stage's notes after grading, and the step check's."""
    graph = solution.graph
    parts = ["<pl-question-panel>", *_exercise_text(solution), "</pl-question-panel>"]
    for stage, title in STAGES.items():
        names = [name for name in solution.asked if graph[name].stage == stage]
        if not names:
            continue
        parts.append(f"<h4>{text(title)}</h4>")
        parts += [_number_input(solution, name, level) for name in names]
        if level != "score":
            parts += _notes_panel([(answer_key(name), math_name(name)) for name in names])
    if level != "score":  # the step check (downhill): no input, a note once graded
        parts += _notes_panel([(DOWNHILL, "The step")])
    if level == "full":
        parts += ["<pl-answer-panel>", "<p>These are the exact values. A value worked from your own earlier values "
                  "is credited too (carried forward), so yours may differ from them and still be right.</p>",
                  "</pl-answer-panel>"]
    return "\n".join(parts) + "\n"


def _exercise_text(solution: Solution) -> list[str]:
    """The exercise as a student reads it (`bpcheck show`): instructions, layers, loss, convention, givens."""
    exercise, network = solution.exercise, solution.exercise.network
    paragraphs = [" ".join(p.split()) for p in exercise.instructions.split("\n\n") if p.strip()]
    layers = exercise_sections(exercise, solution)[0]
    rows = ["<tr>" + "".join(f"<th>{text(column)}</th>" for column in layers.columns) + "</tr>",
            *("<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in layers.rows)]
    delta, change = CONVENTIONS[network.convention]
    plain = not network.examples and (network.optimizer is None or network.optimizer.name == "sgd")
    notes = [f"Loss: E = {LOSSES[network.loss].description}.",
             f"{delta}, and {change}." if plain else f"{delta}. {optimizer_note(network)}"]
    if network.examples:
        notes.append(f"E and every gradient are the means over the {len(network.examples)} examples (tutorial §18); "
                     f"{math_name('x1[2]')} is example 2's {math_name('x1')}.")
    if network.frozen:
        notes.append(f"Held fixed (not updated): {', '.join(sorted(network.frozen))}.")
    return [*(f"<p>{text(paragraph)}</p>" for paragraph in paragraphs),
            '<table class="table table-sm w-auto">', *rows, "</table>",
            *(f"<p>{text(note)}</p>" for note in notes),
            '<table class="table table-sm w-auto">', *_given_rows(solution), "</table>"]


def _given_rows(solution: Solution) -> list[str]:
    givens = [q for q in solution.graph if q.stage == "given"]
    known = {kind for kind, _ in GIVEN_ROWS}
    groups = [(title, [q for q in givens if q.kind == kind]) for kind, title in GIVEN_ROWS]
    groups.append(("Optimizer", [q for q in givens if q.kind not in known]))
    return [f"<tr><th>{text(title)}</th><td>"
            + ", ".join(f"{text(math_name(q.name))} = {{{{params.{answer_key(q.name)}}}}}" for q in quantities)
            + "</td></tr>" for title, quantities in groups if quantities]


def _number_input(solution: Solution, name: str, level: str) -> str:
    """A pl-number-input with the exercise's tolerance. A blank is allowed (graded as missing), so that a
    student can submit the first steps before the last; the correct answer and the score badge are shown
    only where the feedback level shows them."""
    exercise = solution.exercise
    attributes = {"answers-name": answer_key(name), "label": f"{math_name(name)} =", "aria-label": name,
                  "comparison": "relabs", "rtol": repr(float(exercise.rtol)), "atol": repr(float(exercise.atol)),
                  "allow-blank": "true", "blank-value": "", "display": "block"}
    points = exercise.points.get(name, 1.0)
    if points != 1 and float(points).is_integer():  # the element takes whole weights; server.py sets every one
        attributes["weight"] = str(int(points))
    if level != "full":
        attributes["show-correct-answer"] = "false"
    if level == "score":
        attributes["show-score"] = "false"
    written = " ".join(f'{key}="{text(value)}"' for key, value in attributes.items())
    return f"<pl-number-input {written}></pl-number-input>"


def _notes_panel(items: list[tuple[str, str]]) -> list[str]:
    """A list, shown with a submission, of the notes grading left: an item for each (key, label) that has one."""
    return ["<pl-submission-panel>", "<ul>",
            *(f"{{{{#feedback.{key}}}}}<li>{text(label)}: {{{{feedback.{key}}}}}</li>{{{{/feedback.{key}}}}}"
              for key, label in items), "</ul>", "</pl-submission-panel>"]


def info_json(solution: Solution, question_uuid: str, *, topic: str, tags: list[str], level: str,
              made_by: str) -> str:
    """info.json: PrairieLearn's required uuid, type, title and topic, and the settings this question needs."""
    info: dict[str, object] = {
        "uuid": question_uuid,
        "title": escape_controls(solution.exercise.title),
        "topic": topic,
        "tags": tags,
        "type": "v3",
        "partialCredit": True,  # carried-forward credit is partial credit
        "showCorrectAnswer": level == "full",  # the answer panel holds expected values
        "comment": f"Written by {made_by}. Variant seed N is bpcheck's variant pl-N of exercise.yaml.",
    }
    if solution.exercise.variants is None:
        info["singleVariant"] = True
    return json.dumps(info, indent=2, ensure_ascii=False) + "\n"


def server_py(level: str) -> str:
    """server.py: PrairieLearn's generate and grade, handed to bpcheck. Nothing an exercise or a path
    controls is written into it (a path's quotes or backslashes could end a string)."""
    from .. import __version__

    return f'''"""PrairieLearn question code, written by `bpcheck export prairielearn` (bpcheck {__version__}).

Variant seed N is bpcheck's variant pl-N of exercise.yaml, beside this file: `bpcheck solve exercise.yaml
--variant pl-N` shows a student's worked solution. bpcheck grades the answers together: a value worked
from the student's own earlier values earns carried-forward credit, and a known mistake is named.
bpcheck must be importable here (bpcheck's manual, docs/instructors/prairielearn.md).
"""

from pathlib import Path

from bpcheck.prairielearn import generate_variant, grade_submission

EXERCISE = Path(__file__).with_name("exercise.yaml")
FEEDBACK = {level!r}  # what a student reads of a grade: full, hint, verdict or score


def generate(data):
    generate_variant(data, EXERCISE)


def grade(data):
    grade_submission(data, EXERCISE, FEEDBACK)
'''


def readme(solution: Solution, level: str, made_by: str, source: str) -> str:
    """The question's README.md, which PrairieLearn shows instructors above the question's preview."""
    forbids = solution.exercise.variants is None
    return "\n".join([
        f"# {escape_controls(solution.exercise.title)}", "",
        f"Written by `{made_by}`. Change the exercise and export it again rather than editing these files.", "",
        f"- `exercise.yaml`: a copy of `{source}`, which `server.py` reads.",
        "- Every student works the exercise's own numbers (it says `variants: false`)." if forbids else
        "- Variant seed N is bpcheck's variant `pl-N`: `bpcheck solve exercise.yaml --variant pl-N` shows a "
        "student's worked solution.",
        f"- Feedback level `{level}`: what a student reads of a grade (bpcheck's manual, "
        "docs/instructors/feedback.md).",
        "- `server.py` imports bpcheck: install it into the course's `serverFilesCourse` (bpcheck's manual, "
        "docs/instructors/prairielearn.md).", ""])


# ---------------------------------------------------------------- the question folder


def question_uuid(solution: Solution) -> str:
    """uuid5 of the exercise's canonical key (its network, numbers and variants: rules) and the names it
    asks: mended wording, points or tolerance keep the UUID; another network, or other questions on the
    same network (which PrairieLearn must tell apart in one course), get another."""
    from ..variants import exercise_key

    key = exercise_key(solution.exercise) + "\n" + json.dumps(list(solution.asked))
    return str(uuid.uuid5(NAMESPACE, key))


class Question(NamedTuple):
    files: dict[str, bytes]  # by name, in the order they are listed
    exercise_path: Path  # the exercise exported: an input, never to be written over


def question_folder(spec: str, *, feedback: str | None = None, topic: str = "Backpropagation",
                    tags: Iterable[str] = ()) -> Question:
    """Every file of the question for exercise ``spec`` (a built-in name or a path), by name. The
    feedback level is ``feedback``, else the exercise's, else hint. Raises ExerciseError for an exercise
    that cannot be solved, or that allows variants none of which can be made."""
    from .. import __version__, load_exercise
    from ..safetext import path_shown
    from ..solution import solve

    exercise = load_exercise(spec)
    solution = solve(exercise)
    _check_variants(exercise, solution)
    level = feedback or exercise.feedback or DEFAULT_FEEDBACK
    source = path_shown(spec)
    made_by = f"bpcheck export prairielearn {source} (bpcheck {__version__})"
    files = {
        "info.json": info_json(solution, question_uuid(solution), topic=topic, tags=list(tags), level=level,
                               made_by=made_by).encode("utf-8"),
        "question.html": question_html(solution, level).encode("utf-8"),
        "server.py": server_py(level).encode("utf-8"),
        EXERCISE_FILE: _read_exercise(exercise),
        "README.md": readme(solution, level, made_by, source).encode("utf-8"),
    }
    return Question(files, Path(exercise.path or spec))


def _check_variants(exercise: Exercise, solution: Solution) -> None:
    """A few variants made now: an exercise whose variants: rules no draw can meet is refused at export,
    not when a student opens the question."""
    from ..variants import make_variant

    if exercise.variants is None:
        return
    for seed in SAMPLED_SEEDS:
        make_variant(exercise, variant_of_seed(seed), solution=solution)


def _read_exercise(exercise: Exercise) -> bytes:
    from ..safetext import path_shown

    path = Path(exercise.path or "")
    try:
        return path.read_bytes()
    except OSError as error:
        raise BpcheckError(f"cannot read it again to copy it ({error.strerror or error})", file=path_shown(path),
                           hint="check that it is still there and readable") from None
