"""Student ids from answers files' paths: for the gradebook's `id` column and `--variant-from-id`. Pure."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath


def roots_of(paths: Sequence[Path]) -> list[str]:
    """The folders ids are read under: each folder given, and for files given one by one
    (`sub/*/answers.yaml`), their common parent."""
    from .files import is_dir
    from .safetext import path_shown

    folders = [path_shown(path) for path in paths if is_dir(path)]
    loose = [path for path in paths if not is_dir(path) and str(path) != "-"]
    if len(loose) > 1:
        try:
            folders.append(path_shown(Path(os.path.commonpath([str(path.parent) for path in loose]))))
        except ValueError:  # one absolute, one relative: no common parent
            pass
    return folders


def inferred_safely(files: Sequence[str], roots: Sequence[str]) -> bool:
    """Can ids be read off these paths without a pattern? Yes when every file lies directly in a folder
    given (`alice.yaml`), or every file in a student's folder under one, two or more of them (so that
    the assignment prefix shows); not for one folder alone, a lone file, or a mix."""
    owned = [_own_name(file, roots) for file in files]
    if all(not in_folder for _, in_folder in owned):
        return all(_under(file, roots) for file in files)
    return all(in_folder for _, in_folder in owned) and len({name for name, _ in owned}) > 1


def _under(file: str, roots: Sequence[str]) -> bool:
    parts = PurePosixPath(file.replace("\\", "/")).parts
    return any(parts[:len(PurePosixPath(root.replace("\\", "/")).parts)] == PurePosixPath(root.replace("\\", "/")).parts
               for root in roots if root)


def duplicate_id(files: Sequence[str], ids: Sequence[str]) -> tuple[str, str, str] | None:
    """(one file, another, the id they share), for the first id two files give; None if none."""
    first: dict[str, str] = {}
    for file, identifier in zip(files, ids):
        if identifier in first:
            return first[identifier], file, identifier
        first[identifier] = file
    return None


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


def folders_give_ids(root: str, names: Sequence[str], file: str) -> bool:
    """Do the files ``root/NAME/file`` give back each NAME (as variants compare names) as their id,
    safely, without a pattern? Not when the names share a prefix ending in '-' (dropped as an
    assignment's), nor for a single folder."""
    from .variants import variant_name

    files = [str(PurePosixPath(root, name, file)) for name in names]
    return (inferred_safely(files, [root])
            and [variant_name(found) for found in path_ids(files, [root])] == [variant_name(name) for name in names])
