r"""LaTeX of a worked solution, for exam keys: a fragment to \input into a document (no \documentclass).

It needs amsmath (align*, \text) and booktabs (\toprule ...), nothing else. Each step is a section of
views.solution_sections: a stage of formulas becomes an align* of ``name = formula = numbers = value``,
the update table a booktabs tabular. Names are typeset as the tutorial writes them (W_{13}, \delta_{3},
\eta, y_{3}^{\text{after}}); a name of a form this module does not know is set as written, in \text.
Every string an exercise controls (the title, the instructions) is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..formulas import Token, tokens
from ..numbers import number_formatter
from ..safetext import escape_controls
from .views import Section, solution_sections

# TeX's special characters in text mode.
_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
             "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
             ">": r"\textgreater{}", "|": r"\textbar{}", "§": r"\S{}",
             "█": r"\rule{0.3em}{1ex}", "▏": r"\rule{0.05em}{1ex}"}
# The symbols of bpcheck's formulas and notes, in math mode.
_SYMBOLS = {"σ": r"\sigma", "η": r"\eta", "δ": r"\delta", "Δ": r"\Delta", "∂": r"\partial", "Σ": r"\sum",
            "·": r"\cdot", "≈": r"\approx", "½": r"\tfrac{1}{2}", "²": "^2", "−": "-", "…": r"\dots",
            "→": r"\to", "≤": r"\le", "≥": r"\ge", "±": r"\pm", "×": r"\times", "β": r"\beta",
            "ε": r"\epsilon", "√": r"\surd"}
# Words in bpcheck's formulas that are functions, not quantities.
_FUNCTIONS = {"ln": r"\ln", "exp": r"\exp", "tanh": r"\tanh", "log": r"\log", "log10": r"\log_{10}",
              "log2": r"\log_{2}", "max": r"\max", "relu": r"\operatorname{relu}",
              "softmax": r"\operatorname{softmax}"}
_MATH_SAFE = set("()[]+-*/=.,;:!|'<> ^")


def text(value: object) -> str:
    """Text for text mode (a title, a note): specials escaped, bpcheck's math symbols set as math, a run
    of them in one $...$ (η·δ·o as $\\eta\\cdot\\delta\\cdot$o)."""
    runs: list[list] = []  # [in math, text]
    for char in escape_controls(str(value)):
        math = char in _SYMBOLS
        piece = _SYMBOLS[char] if math else _SPECIALS.get(char) or _typeset(char)
        if runs and runs[-1][0] == math:
            runs[-1][1] += piece
        else:
            runs.append([math, piece])
    typeset = "".join(f"${piece}$" if math else piece for math, piece in runs)
    return re.sub(r"(?:\\rule\{0\.3em\}\{1ex\})+",  # a bar of blocks as one rule
                  lambda bar: rf"\rule{{{0.3 * bar.group(0).count('rule'):.1f}em}}{{1ex}}", typeset)


# What pdflatex sets with its default fonts and only amsmath and booktabs loaded, each character compiled
# alone (TeX Live 2022): below U+0180 all but _NOT_SET (which stop the key compiling: "not set up for use
# with LaTeX", or a command the default OT1 encoding lacks), and the few of _SET_TOO above it.
_NOT_SET = frozenset("«»ÐÞðþĄąĐđĘęĦħĮįĸĿŀŉŊŋŦŧŲųſ")
_SET_TOO = frozenset("–—‘’“”•€ƒǄǅǆǇǈǉǊǋǌǍǎǏǐǑǒǓǔǢǣǦǧǨǩǰǴǵȘșȚțȲȳȷ")


def _typeset(char: str) -> str:
    """A character pdflatex sets as it is (ASCII, most Latin letters, typographic punctuation), else its
    code ([U+4E2D]): a title in another script is still shown, and never stops the key compiling."""
    return char if (ord(char) < 0x180 and char not in _NOT_SET) or char in _SET_TOO else f"[U+{ord(char):04X}]"


_PARAMETER = re.compile(r"([Wb])(?:(\d)(\d)|(\d+)_(\d+)|(\d+))")


def _parameter(word: str) -> str | None:
    """W13 as W_{13}, W9_10 as W_{9,10}, b3 as b_{3}; None for any other word."""
    found = _PARAMETER.fullmatch(word)
    if not found:
        return None
    letter, first, second, source, dest, unit = found.groups()
    return f"{letter}_{{{first}{second}}}" if first else f"{letter}_{{{source},{dest}}}" if source else \
        f"{letter}_{{{unit}}}"


def _base(word: str) -> str | None:
    """A name without its suffixes as the tutorial typesets it; None for a form not known here."""
    if word in ("eta", "E"):
        return r"\eta" if word == "eta" else "E"
    if _parameter(word):
        return _parameter(word)
    if word.startswith("dE_d") and _parameter(word[4:]):
        return rf"\partial E/\partial {_parameter(word[4:])}"
    if word.startswith("d") and _parameter(word[1:]):
        return rf"\Delta {_parameter(word[1:])}"
    found = re.fullmatch(r"(delta|[xtay])(\d+)", word)
    if found:
        return (r"\delta" if found.group(1) == "delta" else found.group(1)) + f"_{{{found.group(2)}}}"
    found = re.fullmatch(r"([a-z])(hat)?_(.+)", word)  # an optimizer's state of a weight: v_W13, mhat_W13
    inner = _base(found.group(3)) if found else None
    if not found or not inner:
        return None
    return (rf"\hat{{{found.group(1)}}}" if found.group(2) else found.group(1)) + f"_{{{inner}}}"


def name(quantity: str) -> str:
    r"""A quantity's name in math mode: y3_after as {y_{3}^{\text{after}}}, W13_new as
    {W_{13}^{\text{new}}}, delta5[2] (example 2) as {\delta_{5}^{(2)}}; one of an unknown form as
    \text{...}. A name with a superscript is braced, so that a square after it is no double superscript."""
    found = re.fullmatch(r"(.+?)(_new|_after)?(\[\d+\])?", quantity)
    base = _base(found.group(1)) if found else None
    if found is None or base is None:
        return rf"\text{{{text(quantity)}}}"
    marks = (rf"\text{{{found.group(2)[1:]}}}" if found.group(2) else "") + (
        f"({found.group(3)[1:-1]})" if found.group(3) else "")
    if not marks:
        return base
    return f"{{({base})^{{{marks}}}}}" if "/" in base else f"{{{base}^{{{marks}}}}}"


def formula(written: Sequence[Token]) -> str:
    """A formula as the tree writes it (formulas.tokens: ``W13·x1 + W23·x2``, ``σ(0.755)``, ``1.2e-05``),
    in math mode: each name, number and function token set as the tutorial sets it."""
    out: list[str] = []
    pieces = [piece for token in written for piece in _pieces(token)]
    for index, (kind, piece) in enumerate(pieces):
        if out and out[-1] == "^":  # β1^step: the exponent in braces
            out[-1] = "^{"
            out.append(formula([(kind, piece)]) + "}")
        elif piece in _SYMBOLS:  # σ, η, ², ½ ...
            out.append(_SYMBOLS[piece])
        elif kind == "name" and piece[0] in "βε":  # β1
            out.append(f"{_SYMBOLS[piece[0]]}_{{{piece[1:]}}}")
        elif kind in ("name", "function"):
            typeset = _FUNCTIONS.get(piece) or name(piece)
            squared = index + 1 < len(pieces) and pieces[index + 1][1] == "²"
            out.append(f"({typeset})" if squared and "/" in typeset else typeset)  # (∂E/∂W13)², not ∂E/∂W13²
        elif kind == "number":
            out.append(number(piece))
        elif piece in _MATH_SAFE:
            out.append(piece)
        else:
            out.append(rf"\text{{{text(piece)}}}")
    if out and out[-1] == "^":  # a caret with nothing after it
        out[-1] = r"\hat{}"
    joined = ""
    for part in out:  # a space only where TeX needs one: \cdot x_{1}, but \cdot\delta_{5} and \sigma(a_{3})
        joined += " " + part if part[:1].isalpha() and re.search(r"\\[a-zA-Z]+$", joined) else part
    return joined.strip()


def _pieces(token: Token) -> list[tuple[str, str]]:
    """A token as the pieces TeX sets one by one: a symbol's characters, a number's sign apart from it,
    relu' as relu and its prime."""
    kind, text = token
    if kind == "symbol":
        return [("symbol", char) for char in text]
    if kind == "number" and text.startswith("-"):
        return [("symbol", "-"), ("number", text[1:])]
    if kind == "function" and text.endswith("'"):
        return [("function", text[:-1]), ("symbol", "'")]
    return [token]


def number(shown: str) -> str:
    """A number as shown (``0.6803``, ``1.2e-05``) in math mode: 1.2\\times 10^{-5}."""
    mantissa, _, exponent = shown.partition("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}" if exponent else mantissa


def _result(shown: str, value: float) -> str:
    """``= 0.755`` for a value shown exactly, ``\\approx 0.6803`` for one rounded to be shown."""
    exact = abs(float(shown) - value) <= 1e-12 * abs(value)
    return ("= " if exact else r"\approx ") + number(shown)


LINE = 64  # what fits a line of an article's text, in _width's units


def _width(math: str) -> int:
    """About how many digits wide ``math`` is set: a symbol is one (an operator's name its letters, a
    word in \\text a third more), braces, scripts' marks and spaces none, a relation or plus two."""
    words = sum(len(word) for word in re.findall(r"\\text\{([^{}]*)\}", math))
    bare = re.sub(r"\\text\{([^{}]*)\}", r"\1", math).replace(r"\hat", "")
    bare = re.sub(r"\\([a-zA-Z]+)", lambda found: found.group(1) if found.group(1) in _OPERATORS else "x", bare)
    return (len(re.sub(r"[{}_^ &\\]", "", bare)) + words // 3
            + sum(math.count(mark) for mark in ("+", "=", " - ")))


_OPERATORS = {"exp", "ln", "log", "tanh", "max", "operatorname"}


def _aligned(section: Section, solution, fmt) -> list[str]:
    """A stage of formulas: ``name &= formula = numbers = value``, broken after the formula if long."""
    lines = []
    for quantity, _, substituted, shown in section.rows:
        result = _result(shown, solution.values[quantity])
        form = solution.graph[quantity].form
        worked = f"= {formula(tokens(form, solution.values, fmt))} {result}" if substituted else result
        left = f"{name(quantity)} &= {formula(tokens(form))}"
        lines.append(f"{left} \\\\\n  &{worked}" if _width(left + worked) > LINE else f"{left} {worked}")
    # A display longer than the page may break between its lines (amsmath forbids it by default, and a
    # step of a dataset or of Adam runs to dozens of lines); the group keeps the setting to this display.
    return [r"{\allowdisplaybreaks%", r"\begin{align*}", "  " + " \\\\\n  ".join(lines), r"\end{align*}}"]


# The update table's headings as the tutorial writes them.
_HEADINGS = {"δ dest": r"$\delta_j$", "o source": r"$o_i$", "∂E/∂W": r"$\partial E/\partial W$",
             "ΔW": r"$\Delta W$"}


def _tabular(section: Section, solution) -> list[str]:
    """A table of numbers (the updates), set with booktabs; the first column names the rows."""
    names = solution.graph.by_name
    spec = "".join("r" if column in section.numeric else "l" for column in range(len(section.columns)))
    lines = [r"{\setlength{\tabcolsep}{4pt}%", rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
             " & ".join(_HEADINGS.get(column) or text(column) for column in section.columns) + r" \\", r"\midrule"]
    for first, *cells in section.rows:
        row = [f"${name(first)}$" if first in names else text(first)]
        row += [f"${number(cell)}$" if re.fullmatch(r"-?\d+(\.\d*)?(e[+-]?\d+)?", cell) else text(cell)
                for cell in cells]
        lines.append(" & ".join(row) + r" \\")
    return lines + [r"\bottomrule", r"\end{tabular}}"]


def solution_latex(solution, precision: int = 4, heading: str | None = None) -> str:
    """The worked solution as a LaTeX fragment: a section per step, formulas aligned, updates tabulated."""
    lines = [r"% bpcheck solve --format latex: needs \usepackage{amsmath} and \usepackage{booktabs}",
             rf"\section*{{{text(heading or solution.exercise.title)}}}"]
    for paragraph in re.split(r"\n\s*\n", solution.exercise.instructions.strip()):  # as TeX reads them
        if paragraph.strip():
            lines += ["", text(" ".join(paragraph.split()))]
    fmt = number_formatter(precision)
    for section in solution_sections(solution, precision):
        lines += ["", rf"\subsection*{{{text(section.title)}}}"]
        lines += _aligned(section, solution, fmt) if "formula" in section.columns else _tabular(section, solution)
        lines += ["", *(text(note) + r"\par" for note in section.notes)] if section.notes else []
    return "\n".join(lines) + "\n"
