"""Text that students and exercise authors control, made safe to print.

A file name, a `student:` name, a key or a value in a message can hold escape sequences that retitle or
clear a terminal, bidirectional overrides that reorder a line, bytes that are not UTF-8 (a zip made on
Windows) or a megabyte of one value. Everything such a string shows passes through here: control and
format characters become visible escapes (``\\x1b``), undecodable bytes their ``\\xNN`` escape, and long
text is cut with an ellipsis. Pure: no I/O.
"""

from __future__ import annotations

import os

ELLIPSIS = "…"
NAME_LIMIT = 80  # a file name, a student's name, a key: more than a line's worth says nothing more
VALUE_LIMIT = 40  # a quoted value in a message


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, smuggled through os.fsdecode
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_controls(text: str) -> str:
    """``text`` with every character that is not printable (controls, format characters such as
    bidirectional overrides, lone surrogates) written as its escape; the plain space stays."""
    if text.isprintable():  # nearly every string: the check is one fast pass in C
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def shown(text: object, limit: int = NAME_LIMIT) -> str:
    """A student- or author-controlled string as it may be printed: escaped, then cut short."""
    return shorten(escape_controls(str(text)), limit)


def quoted(text: object, limit: int = VALUE_LIMIT) -> str:
    """A value quoted in a message: ``'tahn'``, escaped and cut short (never a whole file's content)."""
    return "'" + shown(text, limit).replace("'", "\\'") + "'"


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in characters, both from 1) of byte ``offset`` of ``raw`` (UTF-8 up to there),
    for a message that points at a byte which is not UTF-8."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1


def path_shown(path: str | os.PathLike[str]) -> str:
    """A path as it may be printed: bytes that were not UTF-8 become ``\\xNN``, controls are escaped,
    and each overlong folder or file name keeps its start and end (where students' names and the
    suffix are) around an ellipsis."""
    text = escape_controls(os.fspath(path) if not isinstance(path, str) else path)
    if len(text) <= PART_LIMIT:
        return text
    return "/".join(_middle_cut(part, PART_LIMIT) for part in text.split("/"))


PART_LIMIT = 64


def _middle_cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + ELLIPSIS + text[len(text) - (limit - 1 - keep):]
