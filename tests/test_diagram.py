"""The network drawn (report/diagram.py): the SVG holds every weight and value and is well-formed,
self-contained and escaped, its labels never overlap; the terminal drawing never runs past the width;
`show --diagram`, `solve` and `--svg` on the command line; the manual's drawing and docs/ex1-network.svg
are what bpcheck draws today.

Set BPCHECK_REWRITE_DOCS=1 to rewrite docs/ex1-network.svg from the current code (then look at it).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from helpers import EX1_YAML, assert_bad_input_line
from rich.cells import cell_len

from bpcheck import builtin_exercises, load_exercise, solve
from bpcheck.loading import load_exercise_text
from bpcheck.network import weight_name
from bpcheck.numbers import number_formatter
from bpcheck.quantities import Graph
from bpcheck.report.diagram import network_lines, network_svg
from bpcheck.report.plain import width as cells
from bpcheck.solution import Solution

ROOT = Path(__file__).resolve().parent.parent
SVG_NS = "{http://www.w3.org/2000/svg}"
EXERCISES = builtin_exercises()
WIDTHS = (40, 60, 80, 120)
FMT = number_formatter(4)
TRAINING = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "examples" / "training").glob("*.yaml"))
BUILT_IN = [f"ex{number}" for number in range(1, 9)]
ADAM = "examples/training/adam.yaml"


@pytest.fixture(scope="module")
def cli(cli):
    return cli.with_env(COLUMNS="100")  # the drawing at a width that makes a 2-2-1 network wrap nothing and a wide one wrap


def wide_exercise(sizes, biases: bool = False) -> str:
    """A fully connected network of the given layer sizes, every weight a small number worked out here."""
    layers, first = [], 1
    for size in sizes:
        layers.append(range(first, first + size))
        first += size
    weights = {weight_name(s, d): round((((s * 7 + d * 3) % 17) - 8) / 10 / len(a), 4) or 0.01
               for a, b in zip(layers, layers[1:]) for d in b for s in a}
    text = (f"title: wide\nlayers: {list(sizes)}\n"
            "inputs: {" + ", ".join(f"x{u}: 0.5" for u in layers[0]) + "}\n"
            "weights: {" + ", ".join(f"{name}: {value}" for name, value in weights.items()) + "}\n"
            "targets: {" + ", ".join(f"t{u}: 0.5" for u in layers[-1]) + "}\nlearning_rate: 1\n")
    if biases:
        text += "biases: {" + ", ".join(f"b{u}: 0.1" for layer in layers[1:] for u in layer) + "}\n"
    return text


def solved(text: str, name: str = "wide") -> Solution:
    return solve(load_exercise_text(text, name=name))


# ---------------------------------------------------------------- reading an SVG back


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return root


def texts(svg: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every <text> with its estimated box: 0.6 em a character, from 0.8 em above the baseline to 0.2
    em below, placed by its text-anchor (inherited, as font-size, from the groups around it)."""
    found = []

    def walk(element, size: float, anchor: str) -> None:
        size = float(element.get("font-size", size))
        anchor = element.get("text-anchor", anchor)
        if element.tag == f"{SVG_NS}text":
            text = "".join(element.itertext())
            width = 0.6 * size * len(text)
            x, y = float(element.get("x")), float(element.get("y"))
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            found.append((text, (left, y - 0.8 * size, left + width, y + 0.2 * size)))
        for child in element:
            walk(child, size, anchor)

    walk(parsed(svg), 16.0, "start")
    return found


def text_set(svg: str) -> set[str]:
    return {text for text, _ in texts(svg)}


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# ---------------------------------------------------------------- the SVG


@pytest.mark.parametrize("step", [False, True], ids=["forward", "step"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_svg_holds_every_weight_and_every_unit_value(exercise, step):
    solution = solve(load_exercise(exercise))
    svg = network_svg(solution, step=step)
    shown = text_set(svg)
    values = solution.values
    for quantity in solution.graph:
        value = FMT(values[quantity.name])
        if quantity.kind in ("W", "b"):
            assert any(text.startswith(f"{quantity.name} = {value}") for text in shown), quantity.name
        elif quantity.kind in ("x", "a", "y", "t") and quantity.stage in ("given", "forward"):
            assert f"{quantity.name} = {value}" in shown, quantity.name
        elif quantity.kind == "delta":
            assert (f"δ{quantity.unit} = {value}" in shown) == step, quantity.name
        elif quantity.kind in ("W_new", "b_new"):
            assert (f"{quantity.name} = {value}" in shown) == step, quantity.name
    if not step:
        assert not any("_new" in text or "δ" in text for text in shown)
    network = solution.exercise.network
    for unit in range(1, sum(network.layer_sizes) + 1):  # each unit named in its circle
        assert (f"x{unit}" if unit in network.layers[0] else str(unit)) in shown


def test_the_svg_of_ex1_has_the_tutorials_numbers():
    shown = text_set(network_svg(solve(load_exercise("ex1")), step=True))
    assert {"x1 = 0.35", "x2 = 0.9", "W13 = 0.1", "W23 = 0.8", "W14 = 0.4", "W24 = 0.6", "W35 = 0.3", "W45 = 0.9",
            "a3 = 0.755", "y3 = 0.6803", "y4 = 0.6637", "y5 = 0.6903", "t5 = 0.5", "δ5 = -0.04068",
            "δ3 = -0.002654", "W13_new = 0.09907", "W45_new = 0.8730"} <= shown
    assert "y3 = 0.680267" in text_set(network_svg(solve(load_exercise("ex1")), precision=6))


def test_frozen_parameters_say_so_in_the_step():
    shown = text_set(network_svg(solve(load_exercise("ex7")), step=True))
    assert {"b3 = 0.35 (fixed)", "b5 = 0.6 (fixed)", "W35_new = 0.3589"} <= shown
    assert not any(text.startswith("b3_new") for text in shown)


@pytest.mark.parametrize("step", [False, True], ids=["forward", "step"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_no_two_texts_overlap_and_all_lie_inside(exercise, step):
    svg = network_svg(solve(load_exercise(exercise)), step=step)
    root = parsed(svg)
    _, _, width, height = map(float, root.get("viewBox").split())
    boxes = texts(svg)
    for (text, box), (other, other_box) in itertools.combinations(boxes, 2):
        assert not overlap(box, other_box), (text, box, other, other_box)
    for text, (left, top, right, bottom) in boxes:
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, text


@pytest.mark.parametrize("exercise", ["ex1", "ex3"])
def test_crossing_edges_have_their_labels_at_different_places(exercise):
    """Labels sit on their own edge: each label's centre lies on the line between its two units."""
    svg = network_svg(solve(load_exercise(exercise)), step=True)
    units = {text: box for text, box in texts(svg) if re.fullmatch(r"x?\d+", text)}
    centre = {name.lstrip("x"): ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) for name, box in units.items()}
    labels = [(text, box) for text, box in texts(svg) if re.fullmatch(r"W\d\d = \S+", text)]
    assert len(labels) == len(solve(load_exercise(exercise)).exercise.network.weights)
    places = set()
    for text, box in labels:
        source, dest = text[1], text[2]
        (x0, y0), (x1, y1) = centre[source], centre[dest]
        x = (box[0] + box[2]) / 2
        t = (x - x0) / (x1 - x0)
        assert 0.1 < t < 0.9, text
        y_on_edge = y0 + t * (y1 - y0)
        assert box[1] - 12 <= y_on_edge <= box[3] + 12, (text, y_on_edge, box)  # its label lies on its edge
        places.add(round(x))
    assert len(places) >= 2


def test_the_svg_is_self_contained_and_scales():
    svg = network_svg(solve(load_exercise("ex1")))
    root = parsed(svg)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert root.get("role") == "img" and len(root.get("viewBox").split()) == 4
    assert root[0].tag == f"{SVG_NS}title" and "Exercise 1" in root[0].text
    for banned in ("href", "<script", "<style", "url(", "@import", "<image", "<foreignObject"):
        assert banned not in svg
    inline = network_svg(solve(load_exercise("ex1")), standalone=False)
    assert inline.startswith("<svg ") and "<?xml" not in inline
    assert inline == svg.split("\n", 1)[1]
    assert 'id="' not in svg  # two drawings inline on one page cannot clash


def test_hostile_titles_and_names_are_escaped():
    exercise_text = EX1_YAML.replace("title: the tutorial's network",
                                     "title: '</title><script>alert(1)</script> & ]]> <!-- x'")
    solution = solved(exercise_text, name='a<b&"c')
    svg = network_svg(solution, step=True)
    root = parsed(svg)
    assert not list(root.iter(f"{SVG_NS}script")) and "<script>" not in svg
    assert root[0].text.startswith("</title><script>alert(1)</script> & ]]> <!-- x (a<b&\"c)")
    assert any(text.startswith("</title><script>alert(1)</script> & ]]> <!-- x") for text in text_set(svg))
    controls = solution._replace(exercise=solution.exercise._replace(title="\x1b]0;pwned\x07\x00\ufffe", variant="\u202e"))
    hostile = network_svg(controls)
    title = parsed(hostile)[0].text
    assert "\\x1b]0;pwned\\x07\\x00\\ufffe" in title and "\\u202e" in title
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202e\ufffe]", hostile)


def examples_of(solution: Solution, count: int = 2) -> Solution:
    """The solution as a dataset would give it: each input, target, a, y and delta once per example,
    suffixed [1], [2] ... (example n's values are the exercise's plus n, to tell them apart)."""
    quantities, values = [], {}
    for quantity in solution.graph:
        if quantity.kind in ("x", "t", "a", "y", "delta") and quantity.stage != "check":
            for n in range(1, count + 1):
                name = f"{quantity.name}[{n}]"
                quantities.append(quantity.replace(name=name, form=None, given=0.0))
                values[name] = solution.values[quantity.name] + n
        else:
            quantities.append(quantity.replace(form=None, given=0.0))
            values[quantity.name] = solution.values[quantity.name]
    return solution._replace(graph=Graph(quantities), values=values)


def test_a_dataset_draws_example_1_unless_told_another():
    dataset = examples_of(solve(load_exercise("ex1")))
    first = network_svg(dataset, step=True)
    assert "example 1" in parsed(first)[0].text
    assert {"x1 = 1.35", "a3 = 1.755", "δ3 = 0.9973", "W13 = 0.1"} <= text_set(first)
    second = text_set(network_svg(dataset, suffix="[2]"))
    assert {"x1 = 2.35", "a3 = 2.755", "W13 = 0.1"} <= second and "a3 = 1.755" not in second
    assert network_lines(dataset, width=80)[0] == "The network after the forward pass (example 1)"
    with pytest.raises(ValueError, match="no example"):
        network_svg(dataset, suffix="[3]")


def test_a_real_dataset_draws_its_first_example():
    solution = solve(load_exercise(str(ROOT / "examples" / "training" / "xor.yaml")))
    svg = network_svg(solution, step=True)
    assert parsed(svg)[0].text.endswith("(example 1; the weights move on all the examples)")
    shown = text_set(svg)
    assert {"x1 = 0.1", "a3 = 0.11", "t5 = 0.1", "b3 = 0.1", "W13 = 0.5"} <= shown
    assert f"W13_new = {FMT(solution.values['W13_new'])}" in shown
    assert f"δ3 = {FMT(solution.values['delta3[1]'])}" in shown
    fourth = network_lines(solution, width=60, suffix="[4]")
    assert fourth[0] == "The network after the forward pass (example 4)" and "inputs: x1 0.9; x2 0.9" in fourth


def test_a_name_the_drawing_does_not_know_is_left_out_not_a_crash():
    solution = solve(load_exercise("ex1"))
    extra = solution.graph.quantities + (solution.graph["W13"].replace(name="v_W13", kind="v"),)
    solution = solution._replace(graph=Graph(extra), values={**solution.values, "v_W13": 0.5})
    assert "W13 = 0.1" in text_set(network_svg(solution))


def test_wide_networks_stay_small_and_say_what_they_leave_out():
    svg = network_svg(solved(wide_exercise((2, 50, 50, 1))), step=True)
    root = parsed(svg)
    assert len(svg) < 120_000
    assert len(list(root.iter(f"{SVG_NS}polygon"))) == 3  # 2700 weights: each pair of layers one band
    captions = " ".join(text_set(svg))
    assert "Between layers 1 and 2, 2 and 3, 3 and 4, every unit feeds every unit" in captions
    assert "(2650 weights), drawn as one band" in captions
    assert "y52 = " in captions  # values still written for 103 units
    middle = network_svg(solved(wide_exercise((6, 6, 6))))
    assert "Between layers 1 and 2, 2 and 3, too many weights to label (72)" in " ".join(text_set(middle))
    tips = [element.text for element in parsed(middle).iter(f"{SVG_NS}title")][1:]
    assert len(tips) == 72 and "W17 = " in " ".join(tips)  # each edge names its weight when pointed at


def test_a_network_of_hundreds_of_units_leaves_their_values_out():
    svg = network_svg(solved(wide_exercise((50, 1) * 9)))
    assert len(svg) < 250_000
    shown = text_set(svg)
    assert "The values of a network of 459 units are not written here." in shown
    assert "Between 17 pairs of layers, too many weights to label (850); each edge names its weight when pointed at." in shown
    assert not any(text.startswith("a51 = ") for text in shown)


# ---------------------------------------------------------------- the terminal


def assert_fits(lines: list[str], width: int) -> None:
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
        assert line == line.rstrip()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_terminal_drawing_fits_and_shows_every_number(exercise, width):
    solution = solve(load_exercise(exercise))
    for step in (False, True):
        lines = network_lines(solution, width=width, step=step)
        assert_fits(lines, width)
        shown = "\n".join(lines)
        for quantity in solution.graph:
            if quantity.kind in ("W", "b"):
                value = re.escape(FMT(solution.values[quantity.name]))
                assert re.search(rf"(?<!\w){quantity.name} +{value}(?![\d.])", shown), (quantity.name, shown)
            if quantity.kind in ("x", "a", "y") and quantity.stage != "check":
                assert re.search(rf"(?<![\w.]){re.escape(FMT(solution.values[quantity.name]))}(?![\d.])", shown)
            if quantity.kind in ("W_new", "delta") and step:
                assert re.search(rf"(?<![\w.]){re.escape(FMT(solution.values[quantity.name]))}(?![\d.])", shown)
        assert ("δ" in shown and "→" in shown) == step


def test_boxes_where_they_fit_and_a_compact_form_where_they_do_not():
    solution = solve(load_exercise("ex1"))
    boxed = network_lines(solution, width=80)
    assert boxed[0] == "The network after the forward pass"
    assert "│ x1 0.35 │" in boxed[3] + boxed[4] + boxed[5] and any("W13 0.1 ──┤ 3 " in line for line in boxed)
    compact = network_lines(solution, width=40)
    assert compact == [
        "The network after the forward pass",
        "inputs: x1 0.35; x2 0.9",
        "3 ← W13 0.1, W23 0.8",
        "4 ← W14 0.4, W24 0.6",
        "hidden, sigmoid: 3: a 0.755 y 0.6803;",
        "    4: a 0.68 y 0.6637",
        "5 ← W35 0.3, W45 0.9",
        "output, sigmoid:",
        "    5: a 0.8014 y 0.6903 t 0.5",
    ]


@functools.lru_cache(maxsize=1)
def wide_solution() -> Solution:
    return solved(wide_exercise((2, 50, 50, 1), biases=True))


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_layers_take_the_compact_form_within_the_width(width):
    solution = wide_solution()
    lines = network_lines(solution, width=width, step=True)
    assert_fits(lines, width)
    shown = "\n".join(lines)
    assert "┌" not in shown
    weights = [q.name for q in solution.graph if q.kind == "W"]
    assert len(weights) == 2 * 50 + 50 * 50 + 50
    assert Counter(re.findall(r"(?<!\w)(W\d+_\d+|W\d\d) ", shown)) == Counter(weights)  # each once
    assert sum(line.startswith(f"{unit} ← ") for unit in range(3, 104) for line in lines) == 101


def test_a_number_wider_than_the_terminal_runs_on_whole():
    solution = solve(load_exercise("ex1"))
    lines = network_lines(solution, width=20, step=True, precision=17)
    assert number_formatter(17)(solution.values["W13_new"]) == "0.099070928839190345"
    assert any(re.search(r"(?<![\d.])0\.099070928839190345(?![\d.])", line) for line in lines)


# ---------------------------------------------------------------- the command line


def test_show_diagram_prints_the_drawing_with_the_exercise(cli):
    result = cli("show", "ex1", "--diagram", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("The network after the forward pass")
    assert lines[start + 1].startswith("inputs") and "W13 0.1 ──┤ 3" in result.stdout
    assert "Given" in lines and "δ" not in result.stdout
    step = cli("show", "ex1", "--diagram", "--step", env={"COLUMNS": "60"})
    assert step.exit_code == 0
    assert "3 ← W13 0.1 → 0.09907, W23 0.8 → 0.7976" in step.stdout and "δ -0.002654" in step.stdout
    lines = step.stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("The network after"))
    assert_fits(lines[start:lines.index("", start)], 60)


def test_show_step_needs_something_to_draw_it_on(cli):
    assert_bad_input_line(cli("show", "ex1", "--step"), "--step", ["--diagram or --svg"])


def test_solve_starts_with_the_drawing_in_text_only(cli):
    text = cli("solve", "ex3").stdout
    lines = text.splitlines()
    assert lines[2] == "The network after the forward pass" and lines.index("Step 1: forward pass") > 10
    for output_format in ("json", "markdown"):
        assert "The network after" not in cli("solve", "ex3", "-f", output_format).stdout


def test_the_drawing_uses_the_variants_numbers(cli):
    variant = load_exercise("ex1")
    from bpcheck.variants import make_variant

    numbers = solve(make_variant(variant, "alice"))
    result = cli("show", "ex1", "--variant", "alice", "--diagram")
    w13 = FMT(numbers.values["W13"])
    assert w13 != "0.1" and re.search(rf"W13 +{re.escape(w13)} ", result.stdout)


def test_svg_files_written_by_show_and_solve(cli, tmp_path):
    shown = tmp_path / "show.svg"
    assert cli("show", "ex1", "--svg", str(shown)).exit_code == 0
    assert shown.read_text(encoding="utf-8") == network_svg(solve(load_exercise("ex1")))
    stepped = tmp_path / "step.svg"
    assert cli("show", "ex1", "--svg", str(stepped), "--step").exit_code == 0
    assert "W13_new = 0.09907" in text_set(stepped.read_text(encoding="utf-8"))
    solved_svg = tmp_path / "solve.svg"
    result = cli("solve", "ex1", "--svg", str(solved_svg), "-f", "json", "-p", "6")
    assert result.exit_code == 0 and result.stdout.startswith("{")
    assert "W13_new = 0.0990709" in text_set(solved_svg.read_text(encoding="utf-8"))
    assert not [path.name for path in tmp_path.iterdir() if path.name.endswith(".partial")]


@pytest.mark.parametrize("command", ["show", "solve"])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_svg_onto_the_exercise_is_refused_and_the_file_unchanged(cli, tmp_path, command, how):
    exercise = tmp_path / "hw.yaml"
    exercise.write_text(EX1_YAML, encoding="utf-8")
    target = tmp_path / "out.svg"
    if how == "same":
        target = exercise
    elif how == "symlink":
        target.symlink_to(exercise)
    else:
        os.link(exercise, target)
    result = cli(command, str(exercise), "--svg", str(target))
    assert_bad_input_line(result, f"{target}: ", ["--svg would overwrite an input", "name another file"])
    assert exercise.read_text(encoding="utf-8") == EX1_YAML


def test_svg_into_a_missing_folder_is_one_line(cli, tmp_path):
    assert_bad_input_line(cli("show", "ex1", "--svg", str(tmp_path / "no" / "x.svg")), "", ["no folder"])


# ---------------------------------------------------------------- the manual's drawing and docs/ex1-network.svg


PAGE = (ROOT / "docs" / "students" / "diagram.md").read_text(encoding="utf-8")
DOCS_SVG = ROOT / "docs" / "ex1-network.svg"


def test_the_manual_shows_the_drawing_bpcheck_prints(cli):
    block = PAGE.split("<!-- output: bpcheck show ex1 --diagram -->\n```text\n", 1)[1].split("```", 1)[0]
    output = cli("show", "ex1", "--diagram", env={"COLUMNS": "80"}).stdout.splitlines()
    start = output.index("The network after the forward pass")
    drawing = output[start:output.index("", start)]
    assert block.splitlines() == drawing


def test_docs_svg_is_what_bpcheck_draws_and_the_manual_shows_it():
    svg = network_svg(solve(load_exercise("ex1")), step=True)
    if os.environ.get("BPCHECK_REWRITE_DOCS"):
        DOCS_SVG.parent.mkdir(exist_ok=True)
        DOCS_SVG.write_text(svg, encoding="utf-8")
    assert DOCS_SVG.read_text(encoding="utf-8") == svg, "run with BPCHECK_REWRITE_DOCS=1 to rewrite it"
    assert "](../ex1-network.svg)" in PAGE


def test_the_manual_shows_the_drawing_the_svg_and_links_the_example_page_and_changelog_lists_it_all():
    drawn = (ROOT / "docs" / "students" / "diagram.md").read_text(encoding="utf-8")
    pages = (ROOT / "docs" / "instructors" / "pages.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    drawing = drawn.split("<!-- output: bpcheck show ex1 --diagram -->\n```text\n", 1)[1].split("```")[0]
    assert "│ x1 0.35 │" in drawing and "W13 0.1 ──┤" in drawing and "│ y 0.6903 │" in drawing
    assert "](../ex1-network.svg)" in drawn and (ROOT / "docs" / "ex1-network.svg").is_file()
    assert "](../ex1-solution.html)" in pages and (ROOT / "docs" / "ex1-solution.html").is_file()
    ET.parse(ROOT / "docs" / "ex1-network.svg")
    for entry in ("`bpcheck practice EXERCISE", "`bpcheck show EXERCISE --diagram`", "`--svg PATH`", "--format html",
                  "--format latex", "chromium"):
        assert entry in changelog, entry


# ---------------------------------------------------------------- every exercise, built-in and shipped, at every width


@pytest.mark.parametrize("spec", [*BUILT_IN, *TRAINING])
def test_the_terminal_drawing_fits_every_width_from_20_to_200(spec, monkeypatch):
    monkeypatch.chdir(ROOT)  # the shipped examples are named from the repository's root, as README names them
    solution = solve(load_exercise(spec))
    for step in (False, True):
        for width in range(20, 201):
            lines = network_lines(solution, width=width, step=step)
            assert max(map(cells, lines)) <= width, (spec, step, width)
    boxed = network_lines(solution, width=200, step=True)
    for quantity in solution.graph:
        if quantity.kind in ("W", "b") and quantity.stage == "given":
            assert any(quantity.name in line and FMT(solution.values[quantity.name]) in line for line in boxed)


def test_show_diagram_of_a_hostile_title_at_20_columns(cli, tmp_path):
    exercise = tmp_path / "hostile.yaml"
    exercise.write_text(EX1_YAML.replace("title: the tutorial's network",
                                         'title: "\\e[31m<b>&amp;\\u202e \\\\textbf{x} 中文 \\x07"'), encoding="utf-8")
    result = cli("show", exercise, "--diagram", "--step", env={"COLUMNS": "20"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    drawing = result.stdout.split("The network after", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert drawing and max(map(cells, drawing)) <= 20, drawing


@pytest.mark.parametrize("spec", [*BUILT_IN, *TRAINING])
def test_the_svg_is_well_formed_and_holds_every_weight_and_value(cli, spec, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    solution = solve(load_exercise(spec))
    values = solution.values
    suffix = "[1]" if any(name.endswith("[1]") for name in values) else ""
    path = tmp_path / "n.svg"
    result = cli("show", spec, "--svg", path, "--step")
    assert result.exit_code == 0, result.output
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    shown = {"".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")}
    for quantity in solution.graph:
        if quantity.kind in ("W", "b") and quantity.stage == "given":
            frozen = quantity.name in solution.exercise.network.frozen
            assert f"{quantity.name} = {FMT(values[quantity.name])}{' (fixed)' if frozen else ''}" in shown, quantity.name
        if quantity.kind in ("W_new", "b_new"):
            assert f"{quantity.name} = {FMT(values[quantity.name])}" in shown, quantity.name
    symbols = {"a": "a", "y": "y", "delta": "δ"}
    for quantity in solution.graph:
        if quantity.kind in symbols and quantity.stage in ("forward", "backward") and \
                (quantity.name.endswith(suffix) if suffix else "[" not in quantity.name):
            assert f"{symbols[quantity.kind]}{quantity.unit} = {FMT(values[quantity.name])}" in shown, quantity.name


def test_the_svg_of_adam_has_the_new_weights_a_step_of_adam_gives():
    shown = network_svg(solve(load_exercise(str(ROOT / ADAM))), step=True)
    for name, new in (("W13_new", "0.09000"), ("W23_new", "0.7900"), ("W35_new", "0.2900"), ("W45_new", "0.8900")):
        assert f">{name} = {new}<" in shown
