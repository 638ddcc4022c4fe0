"""What a Moodle and a Canvas quiz share: the variants solved, the marker each question carries, the
exercise as HTML, the margin each value is accepted within, and a response read as a number.

The marker, ``[bpcheck hw1 variant alice check 3fa2c1d0]`` (Canvas items add ``value a3``), is the first
line of every question. Both systems copy the question's text into their response exports, so the marker
says, for every attempt, which variant to grade it as; its check is a hash of the variant's numbers and
what it asks, so that responses are never graded against numbers other than those the students saw (an
exercise file edited after the export). Its fields are percent-escaped: no space, bracket, brace, HTML character or CSV
delimiter in them, whatever a variant or exercise is named.
"""

from __future__ import annotations

import re
from html import escape
from typing import NamedTuple

from ..errors import BpcheckError
from ..network import Exercise
from ..safetext import byte_position, escape_controls, path_shown, quoted
from ..solution import Solution, solve

MARKER = re.compile(r"\[bpcheck (?P<exercise>[^\s\[\]]+)(?: variant (?P<variant>[^\s\[\]]+))? "
                    r"check (?P<check>[0-9a-f]{8})(?: value (?P<value>[^\s\[\]]+))?\]")
ESCAPED = set('%[]{}<>&"\',;')  # in a marker's fields, besides spaces and what cannot be printed
ROSTER_BYTES = 10 * 1024 * 1024


class Marker(NamedTuple):
    """A question's marker, read back: the exercise's name, the variant (None: its own numbers), the check
    of the variant's values, and (Canvas) the value the item asks."""

    exercise: str
    variant: str | None
    check: str
    value: str | None = None


def check_of(solution: Solution) -> str:
    """Eight hex digits of SHA-256 over what the students were given and asked: the variant's numbers and
    settings (``variants.exercise_key``), its optimizer, frozen parameters and asked names. Givens, not
    computed values, so that the check is the same on every platform (a libm may round exp differently)."""
    import hashlib
    import json

    from ..variants import exercise_key

    network = solution.exercise.network
    optimizer = network.optimizer
    text = json.dumps([exercise_key(solution.exercise),
                       None if optimizer is None else [optimizer.name, sorted(optimizer.settings.items()),
                                                       sorted(optimizer.state.items()), optimizer.step],
                       sorted(network.frozen), list(solution.asked)], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:8]


def marker(solution: Solution, value: str | None = None) -> str:
    exercise = solution.exercise
    variant = f" variant {_field(exercise.variant)}" if exercise.variant is not None else ""
    asked = f" value {_field(value)}" if value is not None else ""
    return f"[bpcheck {_field(exercise.name)}{variant} check {check_of(solution)}{asked}]"


def find_marker(text: str) -> Marker | None:
    """The marker that starts ``text`` (an export's cell or column: the question's text made plain), or
    None. Only at the start: a student's response can hold a marker's text, never start a question's."""
    from urllib.parse import unquote

    found = MARKER.match(text.lstrip())
    if found is None:
        return None
    variant, value = found["variant"], found["value"]
    return Marker(unquote(found["exercise"]), None if variant is None else unquote(variant), found["check"],
                  None if value is None else unquote(value))


def _field(text: str) -> str:
    return "".join(char if char.isprintable() and not char.isspace() and char not in ESCAPED
                   else "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
                   for char in text)


# ---------------------------------------------------------------- variants


def solved_variants(exercise: Exercise, names: list[str], *,
                    without: str = "export it without --variants and --variants-from") -> list[Solution]:
    """The exercise solved for each variant named (its own numbers when none is), in the order given;
    ``without``: what to do instead when the exercise has no variants."""
    if not names:
        return [solve(exercise)]
    if exercise.variants is None:
        raise BpcheckError(f"{exercise.name} has no variants (its file says variants: false)", file=exercise.path,
                           hint=without)
    from ..variants import make_variant

    own = solve(exercise)
    solved = []
    for name in names:
        try:
            solved.append(solve(make_variant(exercise, name, solution=own)))
        except BpcheckError as error:
            raise BpcheckError(f"variant {quoted(name)}: {error.message}", file=error.file or exercise.path,
                               hint=error.hint) from None
    return solved


def listed_variants(text: str, file: str | None = None) -> list[str]:
    """Variant names: ``--variants a,b,c`` (``file`` None), or a roster file's text (``roster.roster_students``:
    a CSV with an id column, or one id a line). An empty, unprintable or repeated name is refused where it
    stands."""
    from ..roster import roster_students
    from ..variants import variant_name

    if file is not None:
        return [student.variant for student in roster_students(text, file)]
    names: list[str] = []
    for item in text.split(","):
        try:
            name = variant_name(item)
        except BpcheckError as error:
            raise BpcheckError(f"--variants: {error.message}", hint=error.hint) from None
        if name in names:
            raise BpcheckError(f"--variants: variant {quoted(name)} is listed twice",
                               hint="give each student one variant")
        names.append(name)
    return names


def read_roster(path) -> str:
    """A roster file's text (``read_text``)."""
    return read_text(path, ROSTER_BYTES, "give a CSV or a text file with one id a line, saved as CSV UTF-8")


def read_text(path, limit: int, hint: str) -> str:
    """A text file given to bpcheck (a roster, an LMS export): UTF-8 (a byte-order mark allowed), or UTF-16
    with its byte-order mark (Excel's "Unicode text"), at most ``limit`` bytes; anything else raises, saying
    where and what to do (``hint``)."""
    import codecs

    shown = path_shown(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise BpcheckError(f"cannot read it ({error.strerror or error})", file=shown, hint=hint) from None
    if len(data) > limit:
        raise BpcheckError(f"is larger than {limit // 2 ** 20} MiB", file=shown, hint=hint)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise BpcheckError(f"is not UTF-16 text, as its byte-order mark says (byte {error.start + 1})",
                               file=shown, hint=hint) from None
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\0" in data:  # UTF-16 without its byte-order mark, or not text at all
        line, column = byte_position(data, data.index(b"\0"))
        raise BpcheckError("holds a NUL byte, so it is not a text file (UTF-16 without a byte-order mark?)",
                           file=shown, line=line, column=column, hint=hint)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise BpcheckError(f"byte 0x{data[error.start]:02x} is not UTF-8 text", file=shown, line=line,
                           column=column, hint=hint) from None


# ---------------------------------------------------------------- numbers


def margin(solution: Solution, name: str) -> float:
    """How far from the exact value an answer is accepted, as grading.Tolerance accepts it."""
    exercise = solution.exercise
    return exercise.atol + exercise.rtol * abs(solution.values[name])


def number_text(value: float) -> str:
    """The shortest decimal that reads back as the same double (never -0.0)."""
    return repr(value + 0.0)


EXPONENT = re.compile(r"(?:e|E|(?:x|\*|×)10(?:\^|\*\*))([+-]?[0-9]+)")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?")  # ASCII digits, as PHP's \d


def response_decimal(text: str) -> str | None:
    """A response as Moodle's numerical questions read one (qtype_numerical_answer_processor::apply_units),
    written as a plain decimal: spaces dropped; 1.5x10^-3, 1.5*10**-3 and 1.5E-3 as 1.5e-3; a lone comma is
    the decimal point (0,755), commas beside a point or several commas separate thousands. A typographic
    minus is a minus. None when the whole text is not a finite number (Moodle would take 0.5abc as 0.5
    with a unit; bpcheck does not). The digits as written stay (0,7550 is 0.7550: four)."""
    import math

    written = EXPONENT.sub(r"e\1", text.strip().replace(" ", "").replace("\u2212", "-"))
    if "." in written or written.count(",") > 1:
        written = written.replace(",", "")
    else:
        written = written.replace(",", ".")
    if not DECIMAL.fullmatch(written) or not math.isfinite(float(written)):
        return None
    return written


def response_number(text: str) -> float | None:
    """The number a response is (``response_decimal``), or None."""
    decimal = response_decimal(text)
    return None if decimal is None else float(decimal)


# ---------------------------------------------------------------- the question's text


def html_text(text: str) -> str:
    """Text an exercise or a student controls, as HTML: controls made visible, markup escaped, and braces
    as character references, so that no text can open a Cloze field (Moodle looks for {1:NUMERICAL:...}
    anywhere in a question's text)."""
    return escape(escape_controls(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def exercise_html(solution: Solution) -> str:
    """The exercise as a quiz shows it: the title, the instructions, the network and its numbers."""
    from ..report.views import exercise_sections, instruction_paragraphs

    exercise = solution.exercise
    parts = [f"<p>{html_text(exercise.title)}</p>",
             *(f"<p>{html_text(part)}</p>" for part in instruction_paragraphs(exercise))]
    for section in exercise_sections(exercise, solution)[:2]:  # the network and the given numbers
        parts.append(html_table(section.title, section.columns, section.rows, section.notes))
    parts.append("<p>Write each value as a decimal (0.755, or 0,755). Your teacher regrades the quiz with "
                 "bpcheck, which credits a value worked correctly from your own earlier answers.</p>")
    return "\n".join(parts)


def html_table(title: str, columns, rows, notes=(), raw_last: bool = False) -> str:
    """A titled table; ``raw_last``: each row's last cell is markup already (a Cloze field)."""
    head = "".join(f"<th>{html_text(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell if raw_last and index == len(row) - 1 else html_text(cell)}</td>"
                                    for index, cell in enumerate(row)) + "</tr>" for row in rows)
    notes_html = "".join(f"<p>{html_text(note)}</p>" for note in notes)
    return f"<p>{html_text(title)}</p><table><tr>{head}</tr>{body}</table>{notes_html}"


def stage_title(solution: Solution, name: str) -> str:
    from ..quantities import STAGES

    return STAGES[solution.graph[name].stage]
