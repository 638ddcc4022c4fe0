"""Writes the manual's generated reference pages from the code itself: every command and option from the
Click commands, and the named mistakes from bpcheck.misconceptions.MISCONCEPTIONS.

    python docs/generate.py      (after a change to a command, an option or a named mistake)

tests/test_docs.py compares the committed pages with what this writes, so a stale page fails the suite."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import click

DOCS = Path(__file__).resolve().parent

# What each named mistake is, in the words of a hand calculation, and an example of it. The id and the
# sentence the grader's note starts with come from the code; a new mistake needs its line here.
MISTAKES = {
    "sign-flip": ("`y − t` for `t − y`, or a delta, gradient or ΔW with the wrong sign", ""),
    "missing-activation-derivative": ("a delta without the `y(1 − y)` factor", ""),
    "preactivation-derivative": ("`a(1 − a)` for `y(1 − y)`", ""),
    "updated-weight-used": ("a hidden delta computed with the already-updated downstream weight", ""),
    "missing-downstream-term": ("a hidden delta summing over only some of the units it feeds (Exercise 3)", ""),
    "wrong-source-output": ("ΔW with the destination's output instead of the source's", ""),
    "missing-learning-rate": ("ΔW or the new weight without η", ""),
    "subtracted-update": ("`W − ΔW` where the change is added", ""),
    "missing-half": ("E without the ½", ""),
    "swapped-weight-indices": ("`W14` and `W23` mixed up in the forward pass", ""),
    "not-updated": ("the value before the step given for `W13_new` or `y3_after`, in three or more values of "
                    "the file", ""),
    "other-numbers": ("graded as a variant, the value the exercise's own numbers give (a copied solution), in "
                      "three or more values of the file: nothing that follows from it is carried forward", ""),
    "uphill-step": ("the `downhill` check: E rises after the student's step", ""),
    "missing-source-output": ("a product without the source's output", "`dW13 = η·delta3`"),
    "missing-delta": ("a product without the delta", "`dW13 = η·x1`"),
    "missing-weight": ("a product without its weight", "`delta3 = y3(1 - y3)·delta5`, `a3 = x1 + W23·x2`"),
    "missing-output-error": ("an output delta without `t - y`", "`delta5 = y5(1 - y5)`"),
    "missing-bias": ("a sum without its bias", "`a3 = W13·x1 + W23·x2` when `b3` is given"),
    "missing-input-term": ("a pre-activation without one term", "`a3 = W13·x1`"),
    "missing-output-term": ("the error without one output's term", "`E = ½(t5 - y5)²` with two outputs"),
    "missing-old-value": ("a new weight that is the change alone", "`W13_new = dW13`"),
    "derivative-applied-twice": ("the slope as a factor twice, or the next unit's slope again",
                                 "`delta5 = y5(1 - y5)·y5(1 - y5)(t5 - y5)`, "
                                 "`delta3 = y3(1 - y3)·W35·delta5·y5(1 - y5)`"),
    "wrong-activation": ("another activation's function",
                         "`y3 = tanh(a3)` in a sigmoid layer, `y5 = σ(a5)` for a softmax output"),
    "wrong-activation-slope": ("another activation's slope", "`1 - y3²` in a sigmoid layer"),
    "preactivation-used": ("`a` where the output `y` belongs",
                           "`a5 = W35·a3 + W45·a4`, `delta5 = y5(1 - y5)(t5 - a5)`, `dW35 = η·delta5·a3`"),
    "wrong-log-base": ("log₁₀ or log₂ for ln", "`E = -(t5·log10 y5 + t6·log10 y6)`"),
    "extra-activation-derivative": ("a slope where it cancels",
                                    "`delta5 = y5(1 - y5)(t5 - y5)` with softmax and cross-entropy"),
    "missing-average": ("a dataset's sum not divided by the number of examples", "`E = E[1] + E[2] + E[3]`"),
    "missing-example-term": ("a dataset's mean without one example", "`dE_dW13 = (dE_dW13[1] + dE_dW13[2]) / 3`"),
    "missing-decay-factor": ("momentum's or Adam's old value without its β", "`v_W13_new = v_W13 + dE_dW13`"),
    "missing-momentum-term": ("momentum's velocity without the old one", "`v_W13_new = dE_dW13`"),
    "missing-moment-weight": ("Adam's new gradient without its weight 1 − β", "`m_W13_new = β1·m_W13 + dE_dW13`"),
    "missing-square": ("Adam's second moment with the gradient not squared",
                       "`v_W13_new = β2·v_W13 + (1 - β2)·dE_dW13`"),
    "missing-bias-correction": ("Adam's moment not divided by 1 − βᵗ", "`mhat_W13 = m_W13_new`"),
    "missing-square-root": ("Adam's step without the square root", "`dW13 = -η·mhat_W13 / (vhat_W13 + ε)`"),
}

GENERATED = "<!-- Generated from {source} by docs/generate.py: after a change there, run python docs/generate.py. -->"


def mistakes_page(misconceptions: dict[str, str]) -> str:
    unknown = [identifier for identifier in misconceptions if identifier not in MISTAKES]
    if unknown:
        raise ValueError(f"docs/generate.py: describe {', '.join(unknown)} in MISTAKES")
    rows = [f"| `{identifier}` | {MISTAKES[identifier][0]} | {MISTAKES[identifier][1]} | {sentence} |"
            for identifier, sentence in misconceptions.items()]
    return "\n".join([
        GENERATED.format(source="bpcheck.misconceptions.MISCONCEPTIONS"),
        "",
        "# Named mistakes",
        "",
        "Every mistake the grader can name, with its stable id (in the JSON, the CSV and `--mistakes`), what it",
        "is, an example, and the sentence the report's note starts with. How the grader finds them, and when it",
        "names none, is in [The named mistakes](../students/mistakes.md).",
        "",
        "| id | the mistake | e.g. | the note |",
        "|---|---|---|---|",
        *rows,
        "",
    ])


def _help_paragraphs(text: str) -> list[str]:
    """Click's help text as Markdown: a paragraph marked \\b of command lines is a ```sh block."""
    out = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip() != "\b"]
        if paragraph.startswith("\b") and all(line.startswith("bpcheck ") for line in lines):
            out.append("```sh\n" + "\n".join(lines) + "\n```")
        else:
            out.append(" ".join(lines))
    return out


def _command_section(command: click.Command, ctx: click.Context) -> list[str]:
    usage = command.get_usage(ctx).removeprefix("Usage: ")
    lines = [f"## `{ctx.command_path}`", "", f"`{usage}`", ""]
    for paragraph in _help_paragraphs(command.help or ""):
        lines += [paragraph, ""]
    return [*lines, *_options(command, ctx), ""]


def _options(command: click.Command, ctx: click.Context) -> list[str]:
    """A line per option, as --help prints it (--help itself, which every command takes, left out)."""
    records = (param.get_help_record(ctx) for param in command.params if isinstance(param, click.Option))
    return [f"- `{opts}`: {help_text}" for opts, help_text in (record for record in records if record)]


def commands_page(group: click.Group) -> str:
    root = click.Context(group, info_name="bpcheck")
    lines = [
        GENERATED.format(source="the Click commands (bpcheck.cli)"),
        "",
        "# Commands",
        "",
        "Every command and option, as `bpcheck COMMAND --help` prints them. `EXERCISE` is a built-in name",
        "(`ex1` … `ex8`, listed by `bpcheck list`) or a path to an exercise file; `python -m bpcheck` works the",
        "same as `bpcheck`. Exit codes are in [Exit codes](exit-codes.md).",
        "",
        "`bpcheck [OPTIONS] COMMAND [ARGS]...`",
        "",
        *_options(group, root),
        "- `--help`: Show the command's help and exit (every command takes it).",
        "",
    ]

    def walk(command: click.Command, ctx: click.Context) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            lines.extend(_command_section(sub, sub_ctx))
            walk(sub, sub_ctx)

    walk(group, root)
    return "\n".join(lines).rstrip("\n") + "\n"


def pages() -> dict[str, str]:
    """Each generated page, by its path under docs/."""
    from bpcheck.cli import main
    from bpcheck.misconceptions import MISCONCEPTIONS

    return {"reference/commands.md": commands_page(main), "reference/mistakes.md": mistakes_page(MISCONCEPTIONS)}


if __name__ == "__main__":
    for path, text in pages().items():
        (DOCS / path).write_text(text, encoding="utf-8")
        print(f"wrote docs/{path}", file=sys.stderr)
