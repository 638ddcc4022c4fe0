"""Student ids from answers files' paths: for the gradebook's `id` column and `--variant-from-id`. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath


def path_ids(files: Sequence[str], roots: Sequence[str], pattern: str | None = None) -> list[str]:
    """Each file's student id from its path (as shown): ``pattern``'s group `id` (or its first group,
    else the whole match), searched in the path; without a pattern, the name of the file's folder or
    file under the folder given on the command line (``roots``), less the assignment prefix that every
    such folder name shares: GitHub Classroom's `hw1-alice/answers.yaml` and `hw1-bob/answers.yaml`
    give alice and bob, and `alice.yaml` gives alice."""
    owned = [_own_name(file, roots) for file in files]
    prefix = _shared_prefix([name for name, in_folder in owned if in_folder])
    if pattern is not None:
        return [_matched(pattern, file) for file in files]
    return [name[len(prefix):] if in_folder and name.startswith(prefix) else name for name, in_folder in owned]


def _own_name(file: str, roots: Sequence[str]) -> tuple[str, bool]:
    """(`hw1-alice`, True) for `submissions/hw1-alice/answers.yaml` under the root `submissions`: the
    student's folder; (`alice`, False) for `alice.yaml`, a file of its own."""
    path = PurePosixPath(file.replace("\\", "/"))
    for root in sorted(roots, key=len, reverse=True):
        root_parts = PurePosixPath(root.replace("\\", "/")).parts
        if root_parts and path.parts[:len(root_parts)] == root_parts:
            below = path.parts[len(root_parts):]
            if len(below) > 1:
                return below[0], True
            break
    return path.stem, False


def _shared_prefix(names: Sequence[str]) -> str:
    """The longest prefix ending in '-' that two or more distinct names all share (GitHub Classroom's
    assignment name): `hw1-` for hw1-alice and hw1-bob; nothing for a single name."""
    distinct = sorted(set(names))
    if len(distinct) < 2:
        return ""
    first, last = distinct[0], distinct[-1]
    common = next((i for i, (a, b) in enumerate(zip(first, last)) if a != b), min(len(first), len(last)))
    cut = first.rfind("-", 0, common)
    return first[:cut + 1] if cut > 0 else ""


def _matched(pattern: str, file: str) -> str:
    found = re.search(pattern, file)
    if found is None:
        return ""
    if "id" in found.groupdict():
        return found.group("id") or ""
    return (found.group(1) if found.re.groups else found.group(0)) or ""
