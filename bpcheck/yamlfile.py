"""Reading YAML the careful way: safe loading only, every value's line and column kept,
duplicate keys, tags, NaN, huge and deeply nested files refused with one clear message.

PyYAML's own loaders silently keep the last of two duplicate keys and forget where values were, so
we compose the node tree (with the C parser when there is one) and build plain Python values from
it ourselves.
"""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

import yaml

from .errors import BpcheckError
from .safetext import byte_position, quoted, shown

# The base loader resolves no plain scalar (every one is text): bpcheck reads them itself by YAML 1.2's
# core schema (``_plain``), one rule where PyYAML would apply YAML 1.1's, and faster for skipping it.
try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    def resolve(self, kind, value, implicit):
        # Every node gets its kind's plain tag (explicit tags are kept by the composer): what the base
        # resolver does too, minus its checks for resolvers that it does not have, for every scalar.
        return _DEFAULT_TAGS[kind]


MAX_DEPTH = 20
MAX_ALIAS_REPEATS = 1_000


class Limits(NamedTuple):
    """How much of a file bpcheck reads: enough for the largest exercise the format allows, and for
    its template filled in at full precision; never a whole disk."""

    max_bytes: int
    max_nodes: int


EXERCISE_LIMITS = Limits(1_000_000, 50_000)
ANSWERS_LIMITS = Limits(4_000_000, 150_000)
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _TAG + "seq", yaml.MappingNode: _TAG + "map"}


class Document:
    """Plain values (dict, list, str, int, float, bool, None) and where each one stands."""

    def __init__(self, file: str, data: Any = None):
        self.file = file
        self.data = data
        # PyYAML marks (0-based line and column), turned into 1-based numbers only when asked for.
        self.value_marks: dict[tuple, Any] = {}
        self.key_marks: dict[tuple, Any] = {}
        self.texts: dict[tuple, str] = {}  # a scalar's text as written, where it was read as not text

    def text(self, path: tuple, value: Any) -> str:
        """A value read as text exactly as written: `student: 01234567` stays 01234567, 12:30 stays 12:30."""
        written = self.texts.get(path)  # every number's text is kept: str() only for the rest
        if written is not None:
            return written
        return value if isinstance(value, str) else str(value)

    def where(self, path: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
        """(line, column) of the value at ``path`` (or of its key), or of the nearest parent."""
        marks = self.key_marks if key else self.value_marks
        while path and path not in marks:
            path = path[:-1]
        mark = marks.get(path) or self.value_marks.get(())
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)  # an empty file


def read_document(path: Path, error: type[BpcheckError], display: str | None = None,
                  limits: Limits = EXERCISE_LIMITS) -> Document:
    """Read and parse ``path``; every problem becomes ``error`` with file, line and column."""
    display = display or str(path)
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer; then only regular files are
        # read (/dev/zero has no end), and never more than the limit.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise error("is not a regular file", file=display, hint="name a .yaml file")
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise error("no such file", file=display, hint="check the path and its spelling") from None
    except IsADirectoryError:
        raise error("is a folder, not a YAML file", file=display, hint="name a .yaml file") from None
    except OSError as exc:
        message, hint = _unreadable(exc)
        raise error(message, file=display, hint=hint) from None
    return parse_document(raw, display, error, limits)


def _unreadable(exc: OSError) -> tuple[str, str]:
    """What went wrong opening a file, and what to do about it."""
    import errno

    if exc.errno == errno.ELOOP:
        return "is a symbolic link that leads round in a loop", "point the link at a real file, or name the file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for this system", "move the file to a shorter path"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)", "check its permissions"
    return f"cannot be read ({exc.strerror})", "check that the file is there and readable"


def parse_document(raw: bytes, display: str, error: type[BpcheckError],
                   limits: Limits = EXERCISE_LIMITS) -> Document:
    if len(raw) > limits.max_bytes:
        raise error(f"is larger than bpcheck reads (at most {limits.max_bytes:,} bytes)", file=display,
                    hint="check that this is the right file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(raw, exc.start)
        raise error(f"byte 0x{raw[exc.start]:02x} is not UTF-8 text", file=display, line=line,
                    column=column, hint="save the file as UTF-8") from None
    _refuse_control_characters(text, display, error)
    _refuse_deep_flow_nesting(text, display, error)
    _refuse_deep_block_nesting(text, display, error)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, display, error) from None
    except yaml.YAMLError:  # the reader's own errors, which _refuse_control_characters already caught
        raise error("not valid YAML", file=display, hint="check the file's syntax") from None
    finally:
        loader.dispose()
    document = Document(display, None)
    if node is None:
        return document
    builder = _Builder(document, error, limits.max_nodes)
    document.data = builder.build(node, ())
    return document


def _syntax_error(exc, text: str, display: str, error: type[BpcheckError]) -> BpcheckError:
    """Point at the line a person must mend: where an unclosed bracket or quote opened, when the parser
    only noticed at the end of the file; otherwise where it stopped."""
    problem, mark, context = exc.problem or "malformed YAML", exc.problem_mark, exc.context_mark
    if "single document" in (exc.context or "") + problem:  # a '---' (or '...' and more) after the first
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        return error("a second YAML document starts here; a bpcheck file is one document", file=display,
                     line=line, column=column, hint="delete this '---' line and anything after it that is not yours")
    if "nesting depth" in problem:  # PyYAML 6.0.4 and later stop at 1,000 levels, before we count 20
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        return error("too large or too deeply nested", file=display, line=line, column=column,
                     hint="bpcheck files are flat mappings of names to numbers")
    ran_off_the_end = mark is not None and mark.index >= len(text.rstrip())
    what = (exc.context or "").replace("while scanning ", "").replace("while parsing ", "")
    what = what[2:] if what.startswith("a ") else what
    opened = "flow" in what or "quoted" in what  # brackets and quotes open on one line, close on another
    if context is not None and opened and (mark is None or ran_off_the_end or context.line != mark.line):
        if mark is None or ran_off_the_end:
            message = f"not valid YAML: the {what} that starts here is never closed"
            hint = "close the bracket or quote that opens on this line"
        else:
            message = f"not valid YAML: {problem} on line {mark.line + 1}, inside the {what} that starts here"
            hint = "check the brackets, quotes and indentation from here on"
        mark = context
    else:
        message, hint = f"not valid YAML: {problem}", "check the indentation and the colons near that line"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return error(message, file=display, line=line, column=column, hint=hint)


# What YAML lets a file hold (YAML 1.1 §5.1, which PyYAML's reader enforces): tab, line breaks and
# printable characters. Found here first, so that the message has a line and column and names the fix.
_NOT_YAML_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _refuse_control_characters(text: str, display: str, error: type[BpcheckError]) -> None:
    found = _NOT_YAML_TEXT.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    code = ord(found.group())
    raise error(f"control character U+{code:04X} is not allowed in a YAML file", file=display, line=line,
                column=column, hint="delete it; the file may have been saved by a program that is not a text editor")


def _refuse_deep_block_nesting(text: str, display: str, error: type[BpcheckError]) -> None:
    # libyaml's composer recurses once per level and overflows the C stack (a segmentation fault, past
    # every Python guard) somewhere beyond 10,000 levels. Within the size limit, only compact block
    # indicators ("- - - - 1", "? ? ? a") reach such depths; indentation alone stays under 1,500.
    if text.count("- ") + text.count("? ") <= _MAX_BLOCK_INDICATORS:
        return
    for line_number, line in enumerate(text.splitlines(), 1):
        if line.count("- ") + line.count("? ") > _MAX_BLOCK_INDICATORS:
            raise error("too large or too deeply nested", file=display, line=line_number, column=1,
                        hint="bpcheck files are flat mappings of names to numbers")


_MAX_BLOCK_INDICATORS = 1_000


def _refuse_deep_flow_nesting(text: str, display: str, error: type[BpcheckError]) -> None:
    # The composer recurses once per level; refuse [[[[...]]]] before it meets them. Brackets are
    # counted as they stand, in quotes and comments too, so only a depth no file means (past
    # _MAX_FLOW_BRACKETS) is refused here, at the bracket that went past MAX_DEPTH; the builder finds
    # real nesting past MAX_DEPTH exactly.
    if text.count("[") + text.count("{") <= _MAX_FLOW_BRACKETS:
        return
    depth, first_too_deep = 0, (0, 0)
    for line_number, line in enumerate(text.splitlines(), 1):
        for column, char in enumerate(line, 1):
            if char in "[{":
                depth += 1
                if depth == MAX_DEPTH + 1:
                    first_too_deep = line_number, column
                if depth > _MAX_FLOW_BRACKETS:
                    raise error(f"nested more than {MAX_DEPTH} levels deep", file=display, line=first_too_deep[0],
                                column=first_too_deep[1], hint="bpcheck files are flat mappings of names to numbers")
            elif char in "]}":
                depth = max(0, depth - 1)


_MAX_FLOW_BRACKETS = 1_000


class _Builder:
    def __init__(self, document: Document, error: type[BpcheckError], max_nodes: int = EXERCISE_LIMITS.max_nodes):
        self.document = document
        self.error = error
        self.max_nodes = max_nodes
        self.count = 0
        self.built: set[int] = set()  # composite nodes built once; building one again expands an alias
        self.repeats = 0

    def fail(self, node, message: str, hint: str, *, quotes_content: bool = False) -> NoReturn:
        error = self.error(message, file=self.document.file, line=node.start_mark.line + 1,
                           column=node.start_mark.column + 1, hint=hint)
        error.quotes_content = quotes_content  # a tag or a key of the file, which might not be an exercise
        raise error

    def build(self, node, path: tuple) -> Any:
        self.count += 1
        if len(path) > MAX_DEPTH:
            self.fail(node, f"too large or too deeply nested (more than {MAX_DEPTH} levels)",
                      "bpcheck files are flat mappings of names to numbers")
        if self.count > self.max_nodes:
            self.fail(node, "too large or too deeply nested (are aliases expanding?)",
                      "bpcheck files are flat mappings of names to numbers")
        self.document.value_marks[path] = node.start_mark
        tag = node.tag
        if not tag.startswith(_TAG):
            self.fail(node, f"the YAML tag {quoted(tag)} is not allowed",
                      "remove it: bpcheck reads plain numbers, text, lists and mappings only", quotes_content=True)
        kind = tag[len(_TAG):]
        if not isinstance(node, yaml.ScalarNode):
            self.count_alias_expansion(node)
        if kind == "map" and isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if kind == "seq" and isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node, kind)
            if not isinstance(value, str):
                self.document.texts[path] = node.value
            return value
        self.fail(node, f"the YAML tag !!{kind} is not allowed",
                  "remove it: bpcheck reads plain numbers, text, lists and mappings only")

    def count_alias_expansion(self, node) -> None:
        # A billion laughs: aliases of aliases multiply; files people write reuse a list or two at most.
        if id(node) not in self.built:
            self.built.add(id(node))
            return
        self.repeats += 1
        if self.repeats > MAX_ALIAS_REPEATS:
            self.fail(node, "too large or too deeply nested (are aliases expanding?)",
                      "write the values out: bpcheck files are flat mappings of names to numbers")

    def mapping(self, node, path: tuple) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
                key = key_node.value  # the usual plain name: no need for the general builder
                if key == "<<" and not key_node.style:
                    self.fail(key_node, "YAML merge keys (<<) are not allowed", "write each entry out")
            else:
                key = self.build(key_node, path + ("<key>",))
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                self.fail(key_node, "a key must be a plain name", "write it as text, e.g. W13")
            key = str(key)
            if key in result:
                first = self.document.key_marks[path + (key,)].line + 1
                self.fail(key_node, f"{shown(key)} is given twice (first on line {first})",
                          "keep one of them and delete the other", quotes_content=True)
            self.document.key_marks[path + (key,)] = key_node.start_mark
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode and not value_node.style:
                self.count += 1  # a plain value (an answer): the common case, built the short way
                where = path + (key,)
                self.document.value_marks[where] = value_node.start_mark
                value = result[key] = _plain(value_node.value)
                if not isinstance(value, str):  # read as written: a student: 01234567, an answer's 0.002100
                    self.document.texts[where] = value_node.value
            else:
                result[key] = self.build(value_node, path + (key,))
        return result

    def scalar(self, node, kind: str) -> Any:
        """Plain Python values under YAML 1.2's core schema, which is what people mean: 0755 and
        "0755" are both 755, yes and 12:30 are text, 1e-3 is a number. PyYAML resolves YAML 1.1."""
        if kind == "str":
            return node.value if node.style else _plain(node.value)  # plain: "" (libyaml) or None
        if kind == "null":
            return None
        if kind == "bool":
            return _CORE_BOOLEANS.get(node.value, node.value)  # yes, no, on, off: text in YAML 1.2
        if kind in ("int", "float", "timestamp"):
            return _number_or_text(node.value)  # 2024-01-01, 1:30, 1_000: text, refused where a number goes
        self.fail(node, f"the YAML tag !!{kind} is not allowed",
                  "remove it: bpcheck reads plain numbers, text, lists and mappings only")


_CORE_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# YAML 1.2 core schema numbers (https://yaml.org/spec/1.2.2/#1032-tag-resolution), ASCII digits only.
_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_OCTAL_OR_HEX = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
MAX_DIGITS = 400  # past any float, and past Python's limit on converting long integers


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NUMBER_START = frozenset("0123456789+-.\u2212")
_NUMBER_CHARACTERS = "0123456789.eE+-"


def _plain(text: str) -> Any:
    """A plain scalar by YAML 1.2's core schema: null, true/false, a number, or else text."""
    if text in _NULLS:
        return None
    if text in _CORE_BOOLEANS:
        return _CORE_BOOLEANS[text]
    return _number_or_text(text) if text[0] in _NUMBER_START else text


def _number_or_text(text: str) -> Any:
    try:
        return parse_number(text)
    except ValueError:
        return text


def parse_number(text: str) -> int | float:
    """A number written as YAML 1.2's core schema writes one, with a typographic minus allowed
    (−0.0027); anything else raises ValueError saying what is wrong with it."""
    if not text.strip(_NUMBER_CHARACTERS) and len(text) <= MAX_DIGITS:
        # The common case, the short way: for text of these characters, float() accepts just what
        # the core schema's pattern does.
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if number - number == 0.0 and (number or not _nonzero_mantissa(text)):
                return number if ("." in text or "e" in text or "E" in text) else int(text)
    written = text.strip().replace("\u2212", "-")
    if _DECIMAL.fullmatch(written):
        if len(written) > MAX_DIGITS:
            raise ValueError(f"a number with more than {MAX_DIGITS} digits")
        if _INTEGER.fullmatch(written):
            return int(written)
        number = float(written)
        if number in (math.inf, -math.inf):
            raise ValueError(f"{quoted(text, 24)} is too large for double precision")
        if number == 0.0 and _nonzero_mantissa(written):
            raise ValueError(f"{quoted(text, 24)} is too small for double precision (it would read as 0)")
        return number
    if _OCTAL_OR_HEX.fullmatch(written):
        return int(written, 0)
    raise ValueError(_not_a_number(text, written))


def _nonzero_mantissa(written: str) -> bool:
    """Does the number have a digit other than 0 before its exponent? (1e-400 does, and reads as 0.)"""
    return any(char in "123456789" for char in written.lower().split("e")[0])


def _not_a_number(text: str, written: str) -> str:
    lower = written.lower().lstrip("+-")
    if lower in (".nan", "nan"):
        return "NaN is not a number bpcheck can check"
    if lower in (".inf", "inf", "infinity"):
        return "infinity is not a number bpcheck can check"
    if "," in written and "." not in written and _DECIMAL.fullmatch(written.replace(",", ".")):
        return f"{quoted(text)} is not a number (a decimal comma?)"
    if any(not char.isascii() and (char.isdigit() or char in "－＋．") for char in written):
        return f"{quoted(text)} is not a number (write it with ASCII digits 0-9)"
    if "_" in written or ":" in written:
        return f"{quoted(text)} is not a number (YAML 1.2 has no '_' or ':' in numbers)"
    return f"{quoted(text)} is not a number"


# A decimal comma between digits, as much of Europe writes one: 0,51, -1,5e-3 (answers only: see read_answer).
_DECIMAL_COMMA = re.compile("[-+\u2212]?[0-9]+,[0-9]+(?:[eE][-+]?[0-9]+)?")
# 1,000 or -12,500: as likely one thousand (a thousands separator) as one (three decimals kept).
_THOUSANDS_OR_DECIMALS = re.compile("[-+\u2212]?[1-9][0-9]{0,2},[0-9]{3}")


def read_answer(value: Any) -> tuple[float, str]:
    """An answer as a number, and a note on how it was read ("" when it is written as a number is):
    by ``as_number``'s rule, except that one decimal comma between digits is read as a decimal point
    (0,51 is 0.51; the note says so). 1,000 could be one thousand or one, and is refused as ambiguous,
    as is anything else that is not a number (0,5,1; a list), with ValueError saying why."""
    try:
        return as_number(value), ""
    except ValueError:
        if not isinstance(value, str):
            raise
        text = value.strip()
        if _THOUSANDS_OR_DECIMALS.fullmatch(text):
            raise ValueError(f"{quoted(value)} could mean {text.replace(',', '')} (a thousands separator) or "
                             f"{text.replace(',', '.')} (a decimal comma)") from None
        if not _DECIMAL_COMMA.fullmatch(text):
            raise
    number = as_number(text.replace(",", "."))
    return number, f"{quoted(value)} was read as {number!r}"


def as_number(value: Any) -> float:
    """A finite float from a YAML value, by one rule for plain and quoted values alike (``parse_number``);
    anything else raises ValueError saying what it is."""
    if type(value) is float and value - value == 0.0:  # finite float: the common case, fast
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{'empty' if value is None else str(value).lower()} is not a number")
    if isinstance(value, str):
        value = parse_number(value)
    elif not isinstance(value, (int, float)):
        raise ValueError(f"a {'list' if isinstance(value, list) else 'mapping'} is not a number")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{str(value)[:20]}… is too large for double precision") from None
