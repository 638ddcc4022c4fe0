"""`bpcheck export prairielearn`: the question folder, and its server.py called as PrairieLearn calls it.

PrairieLearn (docs/question/server.md) calls generate(data) for a new variant; when a student submits,
each pl-number-input parses its box and grades it against data["correct_answers"] with its rtol and
atol (partial_scores[NAME] = {score 0 or 1, weight}), then server.py's grade(data) runs, and last
PrairieLearn sets the score to the weighted mean of the partial scores (freeform.ts). `PrairieLearn`
below plays those parts, written from those documents and not from bpcheck's code.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import os
import re
import tempfile
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import jsonschema
import pytest
from helpers import EX1_YAML, assert_bad_input_line
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpcheck import BpcheckError, grade, load_exercise, solve
from bpcheck.grading import CREDITED
from bpcheck.report.exercise_file import exercise_yaml
from bpcheck.variants import make_variant, new_exercise

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "prairielearn-infoQuestion.schema.json").read_text("utf-8"))
FILES = ["info.json", "question.html", "server.py", "exercise.yaml", "README.md"]
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source", "track", "embed"}
_MODULES = count()


def export(cli, folder: Path, spec: str, *options: str) -> Path:
    result = cli("export", "prairielearn", spec, str(folder), *options)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote the PrairieLearn question ") and result.stderr == ""
    return folder


class Inputs(HTMLParser):
    """The pl-number-input elements of question.html, and a check that every tag is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "pl-number-input":
            self.inputs.append(dict(attrs))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def number_inputs(html: str) -> list[dict[str, str]]:
    parser = Inputs()
    parser.feed(html)
    parser.close()
    assert parser.open == [], f"not closed: {parser.open}"
    return parser.inputs


class PrairieLearn:
    """One question as PrairieLearn runs it: server.py imported from the folder, its elements from question.html."""

    def __init__(self, folder: Path):
        spec = importlib.util.spec_from_file_location(f"pl_server_{next(_MODULES)}", folder / "server.py")
        self.server = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.server)
        self.elements = {element["answers-name"]: element for element in
                         number_inputs((folder / "question.html").read_text("utf-8"))}

    def new_variant(self, seed: int) -> dict:
        data = {"params": {}, "correct_answers": {}, "variant_seed": seed, "options": {}, "preferences": {}}
        self.server.generate(data)
        json.dumps(data, allow_nan=False)  # PrairieLearn stores it as JSON
        return data

    def submit(self, variant: dict, raw: dict[str, str]) -> dict:
        """A submission of the text in each box (a name left out: the box left blank)."""
        data = {**json.loads(json.dumps(variant)), "raw_submitted_answers": dict(raw), "submitted_answers": {},
                "format_errors": {}, "partial_scores": {}, "feedback": {}, "score": 0.0, "gradable": True}
        for name, element in self.elements.items():  # each element's parse(), then its grade()
            self.element_grade(data, name, element, raw.get(name, ""))
        self.element_scores = {name: entry["score"] for name, entry in data["partial_scores"].items()}
        assert data["format_errors"] == {}
        self.server.grade(data)
        json.dumps(data, allow_nan=False)
        assert data["score"] == pytest.approx(prairielearn_score(data["partial_scores"]), abs=1e-12)
        return data

    @staticmethod
    def element_grade(data: dict, name: str, element: dict, text: str) -> None:
        """pl-number-input with allow-blank and blank-value "": a blank box is submitted as "" and scores 0;
        a number scores 1 when |given - correct| <= atol + rtol·|correct| (comparison relabs)."""
        assert element["allow-blank"] == "true" and element["blank-value"] == "" and element["comparison"] == "relabs"
        if not text.strip():
            data["submitted_answers"][name], score = "", 0.0
        else:
            given, correct = float(text), float(data["correct_answers"][name])
            data["submitted_answers"][name] = given
            tolerance = float(element["atol"]) + float(element["rtol"]) * abs(correct)
            score = 1.0 if abs(given - correct) <= tolerance else 0.0
        data["partial_scores"][name] = {"score": score, "weight": int(element.get("weight", "1")), "feedback": ""}


def prairielearn_score(partial_scores: dict) -> float:
    """The score PrairieLearn sets after grade(): Σ weight·score / Σ weight (weight 1 where absent)."""
    weights = [entry.get("weight", 1) for entry in partial_scores.values()]
    total = sum(weights)
    return sum(w * entry["score"] for w, entry in zip(weights, partial_scores.values())) / (total or 1)


def texts(values: dict[str, float]) -> dict[str, str]:
    return {name: repr(float(value)) for name, value in values.items()}


def variant_solution(spec: str, seed: int):
    exercise = load_exercise(spec)
    return solve(exercise if exercise.variants is None else make_variant(exercise, f"pl-{seed}"))


def key(name: str) -> str:
    """answers-name as the README documents it: y3[2] is y3_ex2."""
    return re.sub(r"\[(\d+)\]$", r"_ex\1", name)


def with_slip(solution, slipped: str, factor: float) -> dict[str, float]:
    """Every asked value worked from the student's own earlier values, one of them off by ``factor``."""
    worked = dict(solution.values)
    for quantity in solution.graph:
        if quantity.form is not None:
            worked[quantity.name] = quantity.evaluate(worked) * (factor if quantity.name == slipped else 1.0)
    return {key(name): worked[name] for name in solution.asked}


def points_of(solution, names) -> float:
    return sum(solution.exercise.points.get(name, 1.0) for name in names)


def total_points(solution) -> float:
    """Every asked value's points, and the step check's where the exercise gives it some."""
    return points_of(solution, solution.asked) + solution.exercise.points.get("downhill", 0.0)


# ---------------------------------------------------------------- the folder


def test_the_folder_holds_a_question_and_the_exercise(cli, tmp_path):
    folder = export(cli, tmp_path / "questions" / "hw1", "ex1")
    assert sorted(path.name for path in folder.iterdir()) == sorted(FILES)
    assert (folder / "exercise.yaml").read_bytes() == Path(load_exercise("ex1").path).read_bytes()
    info = json.loads((folder / "info.json").read_text("utf-8"))
    jsonschema.Draft7Validator(SCHEMA).validate(info)
    assert info["type"] == "v3" and info["title"] == "Exercise 1: the tutorial's network"
    assert info["topic"] == "Backpropagation" and info["tags"] == [] and info["partialCredit"] is True
    assert info["showCorrectAnswer"] is False  # hint: the answer panel would show expected values
    assert "singleVariant" not in info


def test_the_uuid_is_stable_for_the_exercise_and_its_questions(cli, tmp_path):
    def uuid_of(text: str, name: str) -> str:
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return json.loads((export(cli, tmp_path / name, str(path)) / "info.json").read_text("utf-8"))["uuid"]

    first = uuid_of(EX1_YAML, "a")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)  # uuid5
    assert uuid_of(EX1_YAML, "b") == first  # another file name, another folder
    assert uuid_of(EX1_YAML.replace("the tutorial's network", "Homework 1") + "points: {E: 3}\n", "c") == first
    assert uuid_of(EX1_YAML.replace("x1: 0.35", "x1: 0.4"), "d") != first
    assert uuid_of(EX1_YAML + "asked: [forward]\n", "e") != first  # other questions: PrairieLearn needs two UUIDs


def test_options_set_topic_tags_and_feedback(cli, tmp_path):
    folder = export(cli, tmp_path / "q", "ex3", "--topic", "Neural networks", "--tag", "week5", "--tag", "hand",
                    "--feedback", "full")
    info = json.loads((folder / "info.json").read_text("utf-8"))
    jsonschema.Draft7Validator(SCHEMA).validate(info)
    assert (info["topic"], info["tags"], info["showCorrectAnswer"]) == ("Neural networks", ["week5", "hand"], True)
    assert "FEEDBACK = 'full'" in (folder / "server.py").read_text("utf-8")
    html = (folder / "question.html").read_text("utf-8")
    assert "show-correct-answer" not in html and "<pl-answer-panel>" in html


def test_the_exercise_s_own_feedback_level_is_the_default(cli, tmp_path):
    path = tmp_path / "hw.yaml"
    path.write_text(EX1_YAML + "feedback: score\n", encoding="utf-8")
    folder = export(cli, tmp_path / "q", str(path))
    html = (folder / "question.html").read_text("utf-8")
    assert "FEEDBACK = 'score'" in (folder / "server.py").read_text("utf-8")
    assert "{{feedback." not in html and html.count('show-score="false"') == 35


@pytest.mark.parametrize("spec", ["ex1", "ex3", "ex4", "ex5", "ex6", "ex7", "ex8"])
def test_question_html_shows_the_network_and_asks_every_quantity_once(cli, tmp_path, spec):
    folder = export(cli, tmp_path / "q", spec)
    html = (folder / "question.html").read_text("utf-8")
    solution = solve(load_exercise(spec))
    inputs = number_inputs(html)
    names = [element["answers-name"] for element in inputs]
    assert names == [key(name) for name in solution.asked]  # each exactly once, in solving order
    for element, name in zip(inputs, solution.asked):
        assert float(element["rtol"]) == solution.exercise.rtol and float(element["atol"]) == solution.exercise.atol
        assert element["aria-label"] == name and element["label"].endswith(" =")
        assert f"{{{{#feedback.{key(name)}}}}}" in html and html.count(f"{{{{feedback.{key(name)}}}}}") == 1
    givens = [q.name for q in solution.graph if q.stage == "given"]
    assert sorted(re.findall(r"\{\{params\.(\w+)\}\}", html)) == sorted(key(name) for name in givens)
    # every mustache tag is one of ours: a params number, or a feedback note and its section
    for tag in re.findall(r"\{\{(.*?)\}\}", html):
        assert re.fullmatch(r"params\.\w+|[#/]?feedback\.\w+", tag), tag
    for heading in ("Step 1: forward pass", "Step 2: error", "Step 3: deltas"):
        assert f"<h4>{heading}</h4>" in html
    network = solution.exercise.network
    assert f"<td>{network.activations[0]}" in html.replace("hidden, ", "").replace("outputs, ", "")
    assert "Loss: E = " in html and "Sign convention" in html


def test_author_text_cannot_open_a_mustache_tag_or_an_html_element(cli, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(EX1_YAML.replace("title: the tutorial's network", 'title: "{{params.x1}} <script>x</script>"')
                    + 'instructions: "Work it. {{#feedback.a3}} </pl-question-panel> \\x1b[2J"\n', encoding="utf-8")
    html = (export(cli, tmp_path / "q", str(path)) / "question.html").read_text("utf-8")
    number_inputs(html)  # well-formed
    for tag in re.findall(r"\{\{(.*?)\}\}", html):
        assert re.fullmatch(r"params\.\w+|[#/]?feedback\.\w+", tag), tag
    assert "<script>" not in html and html.count("</pl-question-panel>") == 1 and "\x1b" not in html
    assert "&#123;&#123;#feedback.a3&#125;&#125;" in html  # shown as written, not run
    info = json.loads((tmp_path / "q" / "info.json").read_text("utf-8"))
    assert info["title"] == "{{params.x1}} <script>x</script>"  # PrairieLearn escapes titles itself


def test_a_path_of_quotes_and_backslashes_leaves_server_py_valid(cli, tmp_path):
    folder = tmp_path / 'a"""b\\N{c}'
    folder.mkdir()
    path = folder / "hw'1.yaml"
    path.write_text(EX1_YAML, encoding="utf-8")
    question = PrairieLearn(export(cli, tmp_path / "q", str(path)))  # imports server.py
    assert question.new_variant(1)["params"]["bpcheck_variant"] == "pl-1"
    info = json.loads((tmp_path / "q" / "info.json").read_text("utf-8"))
    assert str(path) in info["comment"]


def test_a_dataset_has_keys_mustache_can_read(cli, tmp_path):
    folder = export(cli, tmp_path / "q", str(ROOT / "examples" / "training" / "xor.yaml"))
    html = (folder / "question.html").read_text("utf-8")
    assert "[" not in "".join(element["answers-name"] for element in number_inputs(html))
    assert 'answers-name="y5_ex2"' in html and "{{params.x1_ex2}}" in html
    assert "the means over the 4 examples" in html and "ΔW = η·δ·o" not in html


def test_an_optimizer_s_update_is_the_one_shown(cli, tmp_path):
    html = (export(cli, tmp_path / "q", str(ROOT / "examples" / "training" / "adam.yaml")) / "question.html").read_text("utf-8")
    assert "Adam (torch.optim.Adam)" in html and "ΔW = η·δ·o" not in html
    assert "{{params.beta1}}" in html and "{{params.m_W13}}" in html and 'answers-name="mhat_W13"' in html


def test_the_page_shows_the_variant_s_numbers_then_the_notes(cli, tmp_path):
    """question.html rendered as a mustache template (chevron, as PrairieLearn renders templates)."""
    import chevron

    folder = export(cli, tmp_path / "q", "ex1")
    template = (folder / "question.html").read_text("utf-8")
    question = PrairieLearn(folder)
    variant = question.new_variant(11)
    page = html.unescape(chevron.render(template, {**variant, "feedback": {}}))
    params = variant["params"]
    assert f"$x_{{1}}$ = {params['x1']}, $x_{{2}}$ = {params['x2']}" in page
    assert f"$W_{{45}}$ = {params['W45']}" in page and f"$t_{{5}}$ = {params['t5']}" in page
    assert "<li>" not in page  # no note before a submission
    exact = variant["correct_answers"]
    data = question.submit(variant, texts({**exact, "delta5": -exact["delta5"]}))
    page = chevron.render(template, data)
    number_inputs(page)
    assert html.unescape(page).count("<li>") == 35 + 1  # a note per value, and the step check's
    assert "<li>$\\delta_{5}$: ✗ wrong (sign-flip): The sign is flipped" in html.unescape(page)
    assert "<li>The step: ✓ downhill</li>" in page


# ---------------------------------------------------------------- server.py, as PrairieLearn calls it


def test_generate_makes_bpcheck_s_variant_of_the_seed(cli, tmp_path):
    path = tmp_path / "hw1.yaml"
    path.write_text(EX1_YAML, encoding="utf-8")
    question = PrairieLearn(export(cli, tmp_path / "q", str(path)))
    seen = set()
    for seed in (0, 7, 123456789):
        variant = question.new_variant(seed)
        # the same numbers as `bpcheck solve hw1.yaml --variant pl-SEED`, from the course's own file
        result = cli("solve", str(path), "--variant", f"pl-{seed}", "--format", "json")
        values = json.loads(result.stdout)["values"]
        params = variant["params"]
        assert params.pop("bpcheck_variant") == f"pl-{seed}"
        assert {name: float(text) for name, text in params.items()} == \
            {name: values[name] for name in ("x1", "x2", "W13", "W23", "W14", "W24", "W35", "W45", "t5", "eta")}
        assert variant["correct_answers"]["delta3"] == values["delta3"]
        assert set(variant["correct_answers"]) == set(json.loads(result.stdout)["asked"])
        seen.add(tuple(sorted(params.items())))
    assert len(seen) == 3


def test_an_exercise_without_variants_is_one_question_for_everyone(cli, tmp_path):
    path = tmp_path / "fixed.yaml"
    path.write_text(EX1_YAML + "variants: false\n", encoding="utf-8")
    folder = export(cli, tmp_path / "q", str(path))
    assert json.loads((folder / "info.json").read_text("utf-8"))["singleVariant"] is True
    question = PrairieLearn(folder)
    for seed in (1, 2):
        params = question.new_variant(seed)["params"]
        assert (params["x1"], params["W45"], params["t5"], params["bpcheck_variant"]) == ("0.35", "0.9", "0.5", "")


def test_the_tutorial_s_answers_score_one_and_its_delta3_is_credited(cli, tmp_path):
    path = tmp_path / "fixed.yaml"
    path.write_text(EX1_YAML + "variants: false\n", encoding="utf-8")
    question = PrairieLearn(export(cli, tmp_path / "q", str(path)))
    variant = question.new_variant(5)
    # §13's figures as the tutorial prints them, worked by hand from rounded numbers
    tutorial = {"a3": "0.755", "y3": "0.680", "a4": "0.68", "y4": "0.664", "a5": "0.801", "y5": "0.690",
                "delta5": "-0.0407", "delta3": "-0.00266", "delta4": "-0.00816"}
    data = question.submit(variant, tutorial)
    for name in tutorial:
        assert data["partial_scores"][name]["score"] == 1.0, (name, data["feedback"][name])
    assert data["score"] == pytest.approx(9 / 35)
    assert data["feedback"]["W13_new"].startswith("· missing")


def test_a_carried_forward_value_is_raised_to_full_credit_and_says_why(cli, tmp_path):
    path = tmp_path / "fixed.yaml"
    path.write_text(EX1_YAML + "variants: false\n", encoding="utf-8")
    question = PrairieLearn(export(cli, tmp_path / "q", str(path)))
    variant = question.new_variant(0)
    # y3 slipped: σ(0.755) is 0.6803, written 0.75; a5 = W35·y3 + W45·y4 = 0.3·0.75 + 0.9·σ(0.68) = 0.8224
    # follows from it, 2.6% from the exact 0.8014.
    y3 = 0.75
    a5 = 0.3 * y3 + 0.9 * (1 / (1 + math.exp(-0.68)))
    assert a5 == pytest.approx(0.8224, abs=1e-4)
    data = question.submit(variant, {"a3": "0.755", "y3": str(y3), "a5": repr(a5)})
    assert data["partial_scores"]["y3"]["score"] == 0.0
    assert data["partial_scores"]["a5"]["score"] == 1.0  # the element's own tolerance gave it 0
    assert abs(a5 - variant["correct_answers"]["a5"]) > 0.01 * variant["correct_answers"]["a5"]
    assert data["feedback"]["a5"].startswith("✓ carried forward")
    assert "0.75" in data["feedback"]["a5"] and "0.8014" not in data["feedback"]["a5"]
    assert data["score"] == pytest.approx(2 / 35)


def test_a_new_weight_the_element_accepts_but_not_updated_is_lowered(cli, tmp_path):
    """W13 = 0.1 for W13_new = 0.09907 is within the element's 1%; bpcheck's rule for values after the step
    (README, "The value after the step") refuses it, and the partial score follows bpcheck."""
    path = tmp_path / "fixed.yaml"
    path.write_text(EX1_YAML + "variants: false\n", encoding="utf-8")
    question = PrairieLearn(export(cli, tmp_path / "q", str(path)))
    data = question.submit(question.new_variant(0), {"W13_new": "0.1"})
    assert abs(0.1 - 0.0990709) <= 0.01 * 0.0990709  # the element's own grading gave it 1
    assert data["partial_scores"]["W13_new"]["score"] == 0.0
    assert data["feedback"]["W13_new"].startswith("✗ wrong") and "0.09907" not in data["feedback"]["W13_new"]


def test_points_weigh_the_partial_scores_and_the_step_check_counts_when_it_has_points(cli, tmp_path):
    path = tmp_path / "hw.yaml"
    path.write_text(EX1_YAML + "points: {E: 3, delta3: 0.5, downhill: 2}\n", encoding="utf-8")
    folder = export(cli, tmp_path / "q", str(path))
    html = (folder / "question.html").read_text("utf-8")
    assert 'answers-name="E"' in html and re.search(r'answers-name="E"[^>]* weight="3"', html)
    assert not re.search(r'answers-name="delta3"[^>]* weight=', html)  # the element takes whole weights only
    question = PrairieLearn(folder)
    variant = question.new_variant(3)
    exact = variant["correct_answers"]
    data = question.submit(variant, texts({"E": exact["E"], "delta3": -exact["delta3"]}))
    assert data["partial_scores"]["E"] == {"score": 1.0, "weight": 3, "feedback": ""}
    assert data["partial_scores"]["delta3"]["score"] == 0.0 and data["partial_scores"]["delta3"]["weight"] == 0.5
    assert data["partial_scores"]["downhill"]["weight"] == 2
    downhill = data["partial_scores"]["downhill"]["score"]
    assert data["score"] == pytest.approx((3 + 2 * downhill) / (33 + 3 + 0.5 + 2))
    data = question.submit(variant, texts({"E": exact["E"]}))  # nothing of the step
    assert data["partial_scores"]["downhill"] == {"score": 0.0, "weight": 2}
    assert data["feedback"]["downhill"].startswith("· no step")
    assert data["score"] == pytest.approx(3 / (33 + 3 + 0.5 + 2))
    data = question.submit(variant, texts(exact))
    assert data["partial_scores"]["downhill"] == {"score": 1.0, "weight": 2} and data["score"] == 1.0


def test_a_value_that_is_not_a_number_is_a_format_error_not_a_grade(cli, tmp_path):
    question = PrairieLearn(export(cli, tmp_path / "q", "ex1"))
    data = {**question.new_variant(1), "submitted_answers": {"a3": "abc", "y3": True}, "format_errors": {},
            "partial_scores": {}, "feedback": {}}
    question.server.grade(data)
    assert set(data["format_errors"]) == {"a3", "y3"} and "decimal number" in data["format_errors"]["a3"]
    assert data["partial_scores"] == {} and "score" not in data


def test_a_changed_exercise_is_never_graded_against_numbers_the_student_did_not_see(cli, tmp_path):
    path = tmp_path / "hw1.yaml"
    path.write_text(EX1_YAML + "variants: false\n", encoding="utf-8")
    folder = export(cli, tmp_path / "q", str(path))
    question = PrairieLearn(folder)
    variant = question.new_variant(4)
    (folder / "exercise.yaml").write_text(EX1_YAML.replace("W13: 0.1", "W13: 0.2") + "variants: false\n", "utf-8")
    with pytest.raises(BpcheckError, match=r"showed W13 = 0\.1, but the exercise now gives W13 = 0\.2"):
        question.submit(variant, texts(variant["correct_answers"]))
    biased = EX1_YAML + "biases: {b3: 0.1}\nvariants: false\n"  # a number the student was never shown
    (folder / "exercise.yaml").write_text(biased, "utf-8")
    with pytest.raises(BpcheckError, match=r"showed no b3, but the exercise now gives b3 = 0\.1"):
        question.submit(variant, texts(variant["correct_answers"]))


# ---------------------------------------------------------------- exercises and variants no test names


SHAPES = st.lists(st.integers(1, 3), min_size=1, max_size=2).map(lambda hidden: [2, *hidden])


@st.composite
def fresh_exercises(draw):
    """`bpcheck new`'s exercises: a shape, activation, loss, biases and seed drawn."""
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu", "softsign"]))
    loss = draw(st.sampled_from(["squared_error", "cross_entropy"]))
    outputs = draw(st.integers(2 if loss == "cross_entropy" else 1, 3))
    sizes = (*draw(SHAPES), outputs)
    biases, seed = draw(st.booleans()), draw(st.integers(0, 10**6))
    try:
        exercise = new_exercise(sizes, activation, loss, biases=biases, seed=seed)
    except Exception:  # no numbers for hand calculation under this seed: `bpcheck new` says so too
        assume(False)
    return exercise_yaml(exercise, f"bpcheck new --seed {seed}")


def check_question(folder: Path, spec: str, seeds) -> None:
    """Exact answers score 1; one slip early costs that value alone; a flipped output delta is named
    and costs itself alone; blanks are missing; no expected value is in any note (hint)."""
    question = PrairieLearn(folder)
    for seed in seeds:
        variant = question.new_variant(seed)
        solution = variant_solution(spec, seed)
        assert {name: float(text) for name, text in variant["params"].items() if name != "bpcheck_variant"} == \
            {key(q.name): solution.values[q.name] for q in solution.graph if q.stage == "given"}
        total, exact = total_points(solution), variant["correct_answers"]
        assert total == points_of(solution, solution.asked)  # the step check has no points here

        data = question.submit(variant, texts(exact))
        assert data["score"] == 1.0 and all(entry["score"] == 1.0 for entry in data["partial_scores"].values())

        slipped = next(name for name in solution.asked if solution.values[name] != 0)
        rtol = solution.exercise.rtol
        student = with_slip(solution, slipped, 1 + max(0.25, 3 * rtol))
        data = question.submit(variant, texts(student))
        lost = {name for name, entry in data["partial_scores"].items() if entry["score"] < 1}
        # PrairieLearn's partial scores are bpcheck's verdicts on the same answers ...
        verdicts = {key(result.name): result.verdict for result in grade(solution, student).values}
        assert lost == {name for name, verdict in verdicts.items() if verdict not in CREDITED}
        # ... which credit everything but the slip, save a value README's rules refuse although it follows
        # from the student's numbers (a sum the slip makes nearly cancel: "made vanish")
        assert key(slipped) in lost
        for name in lost - {key(slipped)}:
            assert "earns no carried-forward credit" in data["feedback"][name], data["feedback"][name]
        raised = {name for name in question.element_scores if question.element_scores[name] < 1} - lost
        assert all(data["feedback"][name].startswith("✓ carried forward") for name in raised)
        assert data["score"] == pytest.approx((total - points_of(solution, [
            name for name in solution.asked if key(name) in lost])) / total)
        assert_no_expected_values(data, solution)

        network = solution.exercise.network
        delta = next(name for name in solution.asked if solution.graph[name].kind == "delta"
                     and solution.graph[name].unit in network.output_units and solution.values[name] != 0)
        answers = dict(exact)
        answers[key(delta)] = -exact[key(delta)]
        data = question.submit(variant, texts(answers))
        assert data["feedback"][key(delta)].startswith("✗ wrong (sign-flip): ")
        assert data["score"] == pytest.approx((total - points_of(solution, [delta])) / total)
        assert_no_expected_values(data, solution)

        half = solution.asked[: len(solution.asked) // 2]
        data = question.submit(variant, texts({key(name): exact[key(name)] for name in half}))
        for name in solution.asked[len(half):]:
            assert data["feedback"][key(name)].startswith("· missing: ")
            assert data["partial_scores"][key(name)]["score"] == 0.0
        assert data["score"] == pytest.approx(points_of(solution, half) / total)
        assert_no_expected_values(data, solution)


NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e-?\d+)?")


def assert_no_expected_values(data, solution) -> None:
    """At hint, a note's numbers are the student's own (or the givens): never the value they should have got."""
    own = [float(value) for value in data["submitted_answers"].values() if value != ""]
    own += [solution.values[q.name] for q in solution.graph if q.stage == "given"]
    for name, note in data["feedback"].items():
        for number in map(float, NUMBER.findall(note)):
            assert any(math.isclose(number, value, rel_tol=5e-3, abs_tol=1e-12) for value in own), (name, note)


SEEDS = st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2, unique=True)  # PrairieLearn's variant seeds
EXAMPLES = 40 if os.environ.get("CI") else 3


@pytest.mark.parametrize("spec", ["ex1", "ex2", "ex3", "ex4", "ex5", "ex6", "ex7", "ex8"])
def test_built_in_exercises_grade_as_bpcheck_does_on_unnamed_variants(cli, tmp_path, spec):
    folder = export(cli, tmp_path / "q", spec)

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(SEEDS)
    def check(seeds):
        check_question(folder, spec, seeds)

    check()


@settings(max_examples=EXAMPLES, deadline=None)
@given(fresh_exercises(), SEEDS)
def test_fresh_exercises_grade_as_bpcheck_does_on_unnamed_variants(cli, text, seeds):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.yaml"
        path.write_text(text, encoding="utf-8")
        check_question(export(cli, Path(folder) / "q", str(path)), str(path), seeds)


# ---------------------------------------------------------------- bad input


def test_the_exercise_is_never_written_over(cli, tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "exercise.yaml").write_text(EX1_YAML, encoding="utf-8")
    result = cli("export", "prairielearn", str(folder / "exercise.yaml"), str(folder))
    assert_bad_input_line(result, f"{folder / 'exercise.yaml'}: ", ["input", "another folder"])
    assert sorted(path.name for path in folder.iterdir()) == ["exercise.yaml"]
    assert (folder / "exercise.yaml").read_text("utf-8") == EX1_YAML


def test_an_outdir_that_is_a_file_or_an_exercise_that_cannot_be_read_is_one_line(cli, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = cli("export", "prairielearn", "ex1", str(tmp_path / "file"))
    assert_bad_input_line(result, f"{tmp_path / 'file'}: ", ["not a folder"])
    result = cli("export", "prairielearn", str(tmp_path / "none.yaml"), str(tmp_path / "q"))
    assert_bad_input_line(result, "", ["none.yaml"])
    assert not (tmp_path / "q").exists()
    result = cli("export", "prairielearn", "ex1", str(tmp_path / "q"), "--topic", " ")
    assert_bad_input_line(result, "", ["topic"])


def test_an_exercise_whose_variants_cannot_be_made_is_refused_at_export(cli, tmp_path):
    path = tmp_path / "narrow.yaml"
    # y5 = 0.6903 for every variant, and a target 0.05 from its output at least: no draw can meet the rules
    path.write_text(EX1_YAML + "variants: {inputs: fixed, weights: fixed, t5: [0.69]}\n", encoding="utf-8")
    result = cli("export", "prairielearn", str(path), str(tmp_path / "q"))
    assert_bad_input_line(result, f"{path}: ", ["no numbers for variant pl-0", "widen"])
    assert not (tmp_path / "q").exists()


def test_the_server_code_imports_neither_click_nor_rich():
    import subprocess
    import sys

    code = ("import sys; from bpcheck.prairielearn import generate_variant, grade_submission;"
            "d = {'params': {}, 'correct_answers': {}, 'variant_seed': 3}; generate_variant(d, sys.argv[1]);"
            "d.update(submitted_answers={}, partial_scores={}, feedback={}, format_errors={});"
            "grade_submission(d, sys.argv[1]);"
            "print(sorted(m for m in ('click', 'rich') if m in sys.modules))")
    exercise = Path(load_exercise("ex1").path)
    out = subprocess.run([sys.executable, "-c", code, str(exercise)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
