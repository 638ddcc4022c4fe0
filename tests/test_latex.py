"""`bpcheck solve EX --format latex`: a fragment for exam keys, needing only amsmath and booktabs.

Always checked by structure (braces and environments balanced, math closed, every value present, the
tutorial's names, hostile text escaped); compiled in a minimal document when a TeX engine is on PATH
(pdflatex, lualatex or xelatex), and skipped otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import EX1_YAML

from bpcheck import load_exercise, solve
from bpcheck.numbers import number_formatter
from bpcheck.report import latex

ENGINE = next((shutil.which(engine) for engine in ("pdflatex", "lualatex", "xelatex") if shutil.which(engine)), None)
PDFLATEX = shutil.which("pdflatex")  # the strictest of the three about the text it sets
DOCUMENT = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{booktabs}\n\\begin{document}\n%s\\end{document}\n"
HOSTILE_TITLE = r"100% #1 & $x$ ~ {a_b^c} \end{document} <x>"
DATASET_ADAM = (EX1_YAML.replace("inputs: {x1: 0.35, x2: 0.9}\n", "").replace("targets: {t5: 0.5}\n", "")
                + "examples:\n  - {inputs: {x1: 0.35, x2: 0.9}, targets: {t5: 0.5}}\n"
                  "  - {inputs: {x1: 0.1, x2: 0.2}, targets: {t5: 0.9}}\noptimizer: adam\n")
ROOT = Path(__file__).resolve().parent.parent


def fragment(cli, spec: str = "ex1") -> str:
    result = cli("solve", spec, "--format", "latex")
    assert result.exit_code == 0, result.output
    return result.stdout


def hostile_exercise(tmp_path, yaml: str = EX1_YAML) -> str:
    path = tmp_path / "hostile.yaml"
    title = HOSTILE_TITLE.replace("\\", "\\\\")
    path.write_text(yaml.replace("title: the tutorial's network", f'title: "{title}"')
                    + 'instructions: "Work it by hand: 50% of the marks; \\\\ is not a newline. 中"\n', encoding="utf-8")
    return str(path)


def assert_well_formed(tex: str) -> None:
    """Braces balanced (escaped ones aside), environments nested and closed, inline math closed on each
    line, and nothing that belongs to a document rather than a fragment."""
    bare = re.sub(r"\\[\\{}$%#&_]", "", tex)  # \\, \{, \}, \$ ... are characters, not structure
    bare = re.sub(r"(?m)%.*$", "", bare)  # comments
    depth = 0
    for char in bare:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, "a } closes nothing"
    assert depth == 0, "a { is not closed"
    environments: list[str] = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", bare):
        if kind == "begin":
            environments.append(name)
        else:
            assert environments and environments.pop() == name, name
    assert environments == []
    for line in bare.splitlines():
        assert line.count("$") % 2 == 0, line
    assert "\\documentclass" not in tex and "\\begin{document}" not in tex and "\\usepackage" not in tex.split("\n", 1)[1]


# ----------------------------------------------------------------------------------- structure


def test_the_fragment_is_well_formed_and_needs_amsmath_and_booktabs(cli):
    tex = fragment(cli)
    assert_well_formed(tex)
    assert tex.startswith("% bpcheck solve --format latex: needs \\usepackage{amsmath} and \\usepackage{booktabs}\n"
                          "\\section*{Exercise 1: the tutorial's network (ex1)}\n")
    assert tex.count("\\begin{align*}") == 4 and tex.count("\\begin{tabular}") == 2  # the updates, and mean |δ|
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex


def test_every_value_is_there_with_the_tutorials_names(cli):
    tex = fragment(cli)
    solution = solve(load_exercise("ex1"))
    fmt = number_formatter(4)
    for quantity in solution.graph:
        if quantity.stage != "given":
            assert fmt(solution.values[quantity.name]) in tex, quantity.name
    for line in ("  a_{3} &= W_{13}\\cdot x_{1} + W_{23}\\cdot x_{2} = (0.1)(0.35) + (0.8)(0.9) = 0.755 \\\\",
                 "  y_{3} &= \\sigma(a_{3}) = \\sigma(0.755) \\approx 0.6803 \\\\",
                 "  E &= \\tfrac{1}{2}(t_{5} - y_{5})^2 = \\tfrac{1}{2}(0.5 - 0.6903)^2 \\approx 0.01810",
                 "  \\delta_{3} &= y_{3}(1 - y_{3})\\cdot W_{35}\\cdot\\delta_{5} = (0.6803)(0.3197)(0.3)(-0.04068)"
                 " \\approx -0.002654 \\\\",
                 "$W_{13}$ & $0.1$ & $-0.002654$ & $0.35$ & $0.0009291$ & $-0.0009291$ & $0.09907$ \\\\",
                 "  {y_{3}^{\\text{after}}} &= \\sigma({a_{3}^{\\text{after}}}) = \\sigma(0.7525) \\approx 0.6797 \\\\"):
        assert line + "\n" in tex, line
    assert "weight & old & $\\delta_j$ & $o_i$ & $\\partial E/\\partial W$ & $\\Delta W$ & new \\\\" in tex
    assert "{W_{13}^{\\text{new}}}\\cdot x_{1}" in tex  # as the check's formula reads it


def test_a_long_formula_breaks_after_its_symbols(cli):
    tex = fragment(cli)
    assert ("  {a_{5}^{\\text{after}}} &= {W_{35}^{\\text{new}}}\\cdot{y_{3}^{\\text{after}}} + "
            "{W_{45}^{\\text{new}}}\\cdot{y_{4}^{\\text{after}}} \\\\\n  &= (0.2723)(0.6797) + (0.8730)(0.6620) "
            "\\approx 0.7631 \\\\\n") in tex


def test_exercise_text_is_escaped(cli, tmp_path):
    tex = fragment(cli, hostile_exercise(tmp_path))
    assert_well_formed(tex)
    assert ("\\section*{100\\% \\#1 \\& \\$x\\$ \\textasciitilde{} \\{a\\_b\\textasciicircum{}c\\} "
            "\\textbackslash{}end\\{document\\} \\textless{}x\\textgreater{} (hostile)}\n") in tex
    assert "Work it by hand: 50\\% of the marks; \\textbackslash{} is not a newline. [U+4E2D]" in tex
    assert "\\end{document}" not in tex


def test_names_are_typeset_as_the_tutorial_writes_them():
    assert latex.name("W13") == "W_{13}" and latex.name("W9_10") == "W_{9,10}" and latex.name("b3") == "b_{3}"
    assert latex.name("delta3") == "\\delta_{3}" and latex.name("eta") == "\\eta" and latex.name("E") == "E"
    assert latex.name("dE_dW13") == "\\partial E/\\partial W_{13}" and latex.name("db3") == "\\Delta b_{3}"
    assert latex.name("W13_new") == "{W_{13}^{\\text{new}}}" and latex.name("E_after") == "{E^{\\text{after}}}"
    assert latex.name("y3[2]") == "{y_{3}^{(2)}}" and latex.name("a3_after[1]") == "{a_{3}^{\\text{after}(1)}}"
    assert latex.name("dE_dW13[2]") == "{(\\partial E/\\partial W_{13})^{(2)}}"
    assert latex.name("v_W13") == "v_{W_{13}}" and latex.name("mhat_W13") == "\\hat{m}_{W_{13}}"
    assert latex.name("m_W13_new") == "{m_{W_{13}}^{\\text{new}}}"
    assert latex.name("bias_correction1") == "\\text{bias\\_correction1}"  # a name of a form not known here
    assert latex.name("q#1") == "\\text{q\\#1}"


def test_formulas_and_numbers_become_math():
    """Each token of a formula's tree set as the tutorial sets it; no text is re-parsed."""
    from bpcheck.formulas import tokens
    from bpcheck.nodes import Abs, CrossEntropy, Num, Power, Prod, Ref, Square, Sub

    def math(tree, values=None):
        return latex.formula(tokens(tree, values, number_formatter(4)))

    assert math(Ref("y"), {"y": 1.2e-05}) == "(1.2\\times 10^{-5})"
    moment = Prod((Sub(Num(1.0, "one"), Ref("beta2"), exact=False), Ref("dE_dW13"), Ref("dE_dW13")))
    assert math(moment) == "(1 - \\beta_{2})\\cdot(\\partial E/\\partial W_{13})^2"
    assert math(Sub(Num(1.0, "one"), Power(Ref("beta1"), Ref("step")), exact=False)) == "1 - \\beta_{1}^{\\text{step}}"
    entropy = CrossEntropy((Ref("t5"), Ref("t6")), (Ref("y5"), Ref("y6")), (Ref("a5"), Ref("a6")))
    assert math(entropy) == "-(t_{5}\\cdot\\ln y_{5} + t_{6}\\cdot\\ln y_{6})"
    assert math(Square(Sub(Num(1.0, "one"), Abs(Ref("y")), exact=False)), {"y": 0.5}) == "(1 - |0.5|)^2"
    assert latex.formula([("symbol", "✓ #")]) == "\\text{[U+2713]} \\text{\\#}"
    assert latex.text("ΔW = η·δ·o") == "$\\Delta$W = $\\eta\\cdot\\delta\\cdot$o"


def test_every_built_in_exercise_and_a_dataset_with_adam_are_well_formed(cli, tmp_path):
    for number in range(1, 9):
        assert_well_formed(fragment(cli, f"ex{number}"))
    tex = fragment(cli, hostile_exercise(tmp_path, DATASET_ADAM))
    assert_well_formed(tex)
    assert "{\\delta_{3}^{(2)}} &= {y_{3}^{(2)}}(1 - {y_{3}^{(2)}})\\cdot W_{35}\\cdot{\\delta_{5}^{(2)}}" in tex
    assert "\\hat{m}_{W_{13}} &= {m_{W_{13}}^{\\text{new}}} / \\text{bias\\_correction1}" in tex


def test_the_precision_option_is_obeyed(cli):
    result = cli("solve", "ex1", "--format", "latex", "--precision", "6")
    assert "\\sigma(0.755) \\approx 0.680267" in result.stdout


# ------------------------------------------------------------------------------------- compiled


def compiled(tmp_path, key: str, engine: str | None = ENGINE) -> str:
    """The log of ``key`` compiled in a minimal document that inputs it; the engine's errors if it fails."""
    (tmp_path / "key.tex").write_text(key, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(DOCUMENT % "\\input{key}\n", encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, errors="replace", timeout=300)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, "\n".join(line for line in log.splitlines() if line.startswith("!"))[:2000]
    return log


@pytest.mark.skipif(ENGINE is None, reason="no TeX engine (pdflatex, lualatex, xelatex) on PATH")
@pytest.mark.parametrize("spec", ["ex1", "ex5", "ex8", "hostile dataset with adam"])
def test_the_fragment_compiles_in_a_minimal_document(cli, tmp_path, spec):
    if spec.startswith("hostile"):
        spec = hostile_exercise(tmp_path, DATASET_ADAM)
    log = compiled(tmp_path, fragment(cli, spec))
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    assert "Missing character" not in log


@pytest.mark.skipif(PDFLATEX is None, reason="no pdflatex")
@pytest.mark.parametrize("spec", ["examples/training/adam.yaml", "examples/training/xor.yaml"])
def test_an_exam_key_of_a_dataset_or_adam_stays_on_its_pages(cli, tmp_path, spec):
    """An align* cannot break across pages unless told it may: one taller than a page runs off it."""
    log = compiled(tmp_path, cli("solve", spec, "--format", "latex", cwd=ROOT).stdout, PDFLATEX)
    assert "Overfull \\vbox" not in log, "a display runs off the bottom of the page"


@pytest.mark.skipif(PDFLATEX is None, reason="no pdflatex")
def test_a_title_in_a_latin_script_compiles_with_the_two_packages(cli, tmp_path):
    title = "«Übung 3» Ćwiczenie: część ą ę; Þór ð; Đorđe; ſ ƒ ǅ"
    exercise = tmp_path / "latin.yaml"
    exercise.write_text(EX1_YAML.replace("title: the tutorial's network", f'title: "{title}"'), encoding="utf-8")
    key = cli("solve", exercise, "--format", "latex").stdout
    assert "Übung 3" in key and "Ćwiczenie" in key  # what pdflatex sets is kept as it is
    compiled(tmp_path, key, PDFLATEX)


def test_a_broken_fragment_fails_the_structure_check():
    for broken in ("% c\n\\section*{a", "% c\n\\begin{align*}x\\end{tabular}", "% c\n$x", "% c\n}{"):
        with pytest.raises(AssertionError):
            assert_well_formed(broken)
