"""Reading YAML the careful way: safe loading only, every value's line and column kept,
duplicate keys, tags, NaN, huge and deeply nested files refused with one clear message.

PyYAML's own loaders silently keep the last of two duplicate keys and forget where values were, so
we compose the node tree (with the C parser when there is one) and build plain Python values from
it ourselves.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

from .errors import BpcheckError

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 50_000
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_FLOAT = _TAG + "float"
_constructor = yaml.constructor.SafeConstructor()


class Document:
    """Plain values (dict, list, str, int, float, bool, None) and where each one stands."""

    def __init__(self, file: str, data: Any = None):
        self.file = file
        self.data = data
        # PyYAML marks (0-based line and column), turned into 1-based numbers only when asked for.
        self.value_marks: dict[tuple, Any] = {}
        self.key_marks: dict[tuple, Any] = {}

    def where(self, path: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
        """(line, column) of the value at ``path`` (or of its key), or of the nearest parent."""
        marks = self.key_marks if key else self.value_marks
        while path and path not in marks:
            path = path[:-1]
        mark = marks.get(path) or self.value_marks.get(())
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)  # an empty file


def read_document(path: Path, error: type[BpcheckError], display: str | None = None) -> Document:
    """Read and parse ``path``; every problem becomes ``error`` with file, line and column."""
    display = display or str(path)
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer; then only regular files are
        # read (/dev/zero has no end), and never more than the limit.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise error("is not a regular file", file=display, hint="name a .yaml file")
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error("no such file", file=display, hint="check the path and its spelling") from None
    except IsADirectoryError:
        raise error("is a folder, not a YAML file", file=display, hint="name a .yaml file") from None
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror})", file=display, hint="check its permissions") from None
    return parse_document(raw, display, error)


def parse_document(raw: bytes, display: str, error: type[BpcheckError]) -> Document:
    if len(raw) > MAX_BYTES:
        raise error(f"is larger than bpcheck reads (at most {MAX_BYTES:,} bytes)", file=display,
                    hint="check that this is the right file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", errors="replace")) + 1  # in characters
        raise error(f"byte 0x{raw[exc.start]:02x} is not UTF-8 text", file=display, line=line,
                    column=column, hint="save the file as UTF-8") from None
    _refuse_deep_flow_nesting(text, display, error)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, display, error) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}", file=display, hint="check the file's syntax") from None
    finally:
        loader.dispose()
    document = Document(display, None)
    if node is None:
        return document
    builder = _Builder(document, error)
    document.data = builder.build(node, ())
    return document


def _syntax_error(exc, text: str, display: str, error: type[BpcheckError]) -> BpcheckError:
    """Point at the line a person must mend: where an unclosed bracket or quote opened, when the parser
    only noticed at the end of the file; otherwise where it stopped."""
    problem, mark, context = exc.problem or "malformed YAML", exc.problem_mark, exc.context_mark
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


def _refuse_deep_flow_nesting(text: str, display: str, error: type[BpcheckError]) -> None:
    # The parsers recurse once per nesting level; refuse [[[[...]]]] before it reaches them.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for line_number, line in enumerate(text.splitlines(), 1):
        for column, char in enumerate(line, 1):
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise error(f"nested more than {MAX_DEPTH} levels deep", file=display, line=line_number,
                                column=column, hint="bpcheck files are flat mappings of names to numbers")
            elif char in "]}":
                depth = max(0, depth - 1)


class _Builder:
    def __init__(self, document: Document, error: type[BpcheckError]):
        self.document = document
        self.error = error
        self.count = 0

    def fail(self, node, message: str, hint: str) -> None:
        raise self.error(message, file=self.document.file, line=node.start_mark.line + 1,
                         column=node.start_mark.column + 1, hint=hint)

    def build(self, node, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH:
            self.fail(node, "too large or too deeply nested (are aliases expanding?)",
                      "bpcheck files are flat mappings of names to numbers")
        self.document.value_marks[path] = node.start_mark
        tag = node.tag
        if not tag.startswith(_TAG):
            self.fail(node, f"the YAML tag {tag} is not allowed",
                      "remove it: bpcheck reads plain numbers, text, lists and mappings only")
        kind = tag[len(_TAG):]
        if kind == "map" and isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if kind == "seq" and isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, kind)
        self.fail(node, f"the YAML tag !!{kind} is not allowed",
                  "remove it: bpcheck reads plain numbers, text, lists and mappings only")

    def mapping(self, node, path: tuple) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.fail(key_node, "YAML merge keys (<<) are not allowed", "write each entry out")
            if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
                key = key_node.value  # the usual plain name: no need for the general builder
            else:
                key = self.build(key_node, path + ("<key>",))
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                self.fail(key_node, "a key must be a plain name", "write it as text, e.g. W13")
            key = str(key)
            if key in result:
                first = self.document.key_marks[path + (key,)].line + 1
                self.fail(key_node, f"{key} is given twice (first on line {first})",
                          "keep one of them and delete the other")
            self.document.key_marks[path + (key,)] = key_node.start_mark
            if value_node.tag == _FLOAT and type(value_node) is yaml.ScalarNode:  # an answer: the common case
                self.count += 1
                self.document.value_marks[path + (key,)] = value_node.start_mark
                result[key] = self.scalar(value_node, "float")
            else:
                result[key] = self.build(value_node, path + (key,))
        return result

    def scalar(self, node, kind: str) -> Any:
        if kind == "str":
            return node.value
        if kind == "int":
            text = node.value.lstrip("-+")
            if len(text) > 400:  # past any float, and past Python's limit on converting long integers
                self.fail(node, "a number with more than 400 digits", "write it with an exponent, e.g. 1.5e-3")
            if text.isdigit() and (text[0] != "0" or text == "0"):  # plain decimal: the common case, fast
                return int(node.value)
            return _constructor.construct_yaml_int(node)  # 0x1F, 017 (octal in YAML 1.1), 1:30 ...
        if kind == "float":
            try:
                return float(node.value)  # what the resolver tags float is a Python float but for .inf, 1:30
            except ValueError:
                return _constructor.construct_yaml_float(node)
        if kind == "bool":
            return _constructor.construct_yaml_bool(node)
        if kind == "null":
            return None
        self.fail(node, f"the YAML tag !!{kind} is not allowed",
                  "remove it: bpcheck reads plain numbers, text, lists and mappings only")


def as_number(value: Any) -> float:
    """A finite float from a YAML value. Quoted numbers, 1e-3 (which YAML 1.1 reads as text) and the
    typographic minus sign are accepted; anything else raises ValueError saying what it is."""
    if type(value) is float and value - value == 0.0:  # finite float: the common case, fast
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{'empty' if value is None else str(value).lower()} is not a number")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{value} is too large") from None
    elif isinstance(value, str):
        text = value.strip().replace("\u2212", "-").replace("_", "")
        if "," in text and "." not in text:
            raise ValueError(f"{value!r} is not a number (a decimal comma?)")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise ValueError(f"a {'list' if isinstance(value, list) else 'mapping'} is not a number")
    if number != number:
        raise ValueError("NaN is not a number bpcheck can check")
    if number in (float("inf"), float("-inf")):
        if "inf" in str(value).lower():
            raise ValueError("infinity is not a number bpcheck can check")
        raise ValueError(f"{str(value)[:20]}... is too large for double precision")
    return number
