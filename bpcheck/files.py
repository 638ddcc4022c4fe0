"""Files: what a path leads to, asked without raising; and files bpcheck writes, never one of its
inputs, and whole or not at all.

An output path is compared with every input of the run (answers files, and the exercises they name) by
device and inode, so neither a hard link, a symlink nor a second spelling of a path can turn `--csv` onto
a course's exercise or a student's answers. The file is written to a temporary file in the same folder and
renamed into place only when complete: Ctrl-C, SIGTERM or a full disk leave the previous file as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Callable

from .errors import BpcheckError
from .safetext import path_shown


def _stat(path: Path):
    """os.stat, or None for any path that leads nowhere (missing, a loop, too long, a NUL byte)."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def is_file(path: Path) -> bool:
    found = _stat(path)
    return found is not None and stat.S_ISREG(found.st_mode)


def is_dir(path: Path) -> bool:
    found = _stat(path)
    return found is not None and stat.S_ISDIR(found.st_mode)


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` leads to; None when it leads to no file."""
    found = _stat(path)
    return None if found is None else (found.st_dev, found.st_ino)


def identities(paths: Iterable[Path]) -> set[tuple[int, int]]:
    return {found for found in map(identity, paths) if found is not None}


def check_output_path(path: Path, inputs: set[tuple[int, int]], what: str, *, named: str | None = None) -> None:
    """Refuse, before anything is written, an output that is an input or cannot be written there. Messages
    name it as the option ``--what``, or as ``named`` (an argument, such as OUT)."""
    shown = path_shown(path)
    option = named or f"--{what}"
    try:
        os.stat(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise BpcheckError(f"{option} leads round a loop of symbolic links", file=shown,
                               hint="name a plain file to write") from None
    if identity(path) in inputs:
        raise BpcheckError(f"{option} would overwrite an input of this run (an answers file or an exercise)",
                           file=shown, hint=f"name another file for the {what.upper()}")
    found = _stat(path)
    if found is not None and not stat.S_ISREG(found.st_mode):  # a device, a FIFO, /dev/stdout, a folder
        raise BpcheckError(f"{option} names something that is not a regular file", file=shown,
                           hint=f"name a file for the {what.upper()}")
    if found is not None and not found.st_mode & 0o222:
        raise BpcheckError(f"{option} names a read-only file", file=shown,
                           hint="make it writable, or name another file")
    folder = Path(os.path.realpath(path)).parent
    if not is_dir(folder):
        raise BpcheckError(f"there is no folder {path_shown(path.parent)!r} to write the {what.upper()} in",
                           file=shown, hint="create it or name another path")


def check_output_paths(outputs, inputs) -> None:
    """``check_output_path`` for each (path, what), and no two outputs the same file."""
    seen: dict = {}
    for path, what in outputs:
        check_output_path(path, inputs, what)
        key = identity(path) or os.path.realpath(path)
        if key in seen:
            raise BpcheckError(f"--{what} and --{seen[key]} name the same file", file=path_shown(path),
                               hint="give each report its own file")
        seen[key] = what


def check_append_targets(targets, inputs) -> None:
    """The files a CI runner names for bpcheck to append to (None: not used) must not be inputs."""
    for path, variable in targets:
        if path is not None and identity(Path(path)) in inputs:
            raise BpcheckError(f"${variable} names an input of this run (an answers file or an exercise)",
                               file=path_shown(Path(path)), hint=f"set {variable} to the runner's own file")


def append_to(path: str, text: str) -> None:
    """Add ``text`` at the end of a file a CI runner reads ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY)."""
    try:
        with open(path, "a", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise BpcheckError(f"cannot append to it ({error.strerror or error})", file=path_shown(path),
                           hint="check the variable that names it") from None


def write_atomically(path: Path, write: Callable[[Any], object], what: str, *, binary: bool = False) -> None:
    """Call ``write`` on a temporary file beside ``path`` (a text stream, or a bytes one if ``binary``),
    then rename it into place; on any failure or interruption the temporary file is removed and
    ``path`` is left as it was."""
    target = Path(os.path.realpath(path))  # a symlinked output updates what it points at
    temporary = _written_beside(target, write, what, binary, shown=path)
    _replace_all([(temporary, target)], path, what)


def write_files(folder: Path, contents: Mapping[str, bytes], inputs: set[tuple[int, int]], what: str, *,
                overwrite: bool = True) -> None:
    """Write each file of ``contents`` (a name, or a path below ``folder`` such as ``alice/answers.yaml``,
    -> bytes) into ``folder``, created with its parents if need be: every one to a temporary file first,
    then all renamed into place, so that an error or an interruption while writing leaves the folder as
    it was (and no folder made for it). None may be an input of the run, or anything but a regular file;
    with ``overwrite`` False, none may exist at all. Everything is checked before anything is written."""
    if _stat(folder) is not None and not is_dir(folder):
        raise BpcheckError(f"is not a folder, so the {what} cannot be written into it", file=path_shown(folder),
                           hint=f"name a folder for the {what} (it is created if it does not exist)")
    if _stat(folder) is None and os.path.lexists(folder):
        raise BpcheckError("is a symbolic link that leads nowhere (to nothing, or round a loop)",
                           file=path_shown(folder), hint=f"point it at a folder, or name another for the {what}")
    for name in contents:
        _check_target(folder / name, inputs, what, overwrite)
    made: list[Path] = []
    temporaries: list[str] = []
    written: list[tuple[str, Path]] = []
    try:
        for name in contents:
            _make_folders(folder / Path(name).parent, made)
        for name, content in contents.items():
            target = Path(os.path.realpath(folder / name))
            written.append((_written_beside(target, _writer(content), what, True, shown=folder / name,
                                            temporaries=temporaries), target))
        _replace_all(written, folder, what)
    except BaseException:
        for temporary in temporaries:
            _remove(temporary)
        for _, target in written if not overwrite else ():  # all new: those renamed into place go too
            _remove(str(target))
        for made_folder in reversed(made):
            _remove_folder(made_folder)
        raise


def _check_target(path: Path, inputs: set[tuple[int, int]], what: str, overwrite: bool) -> None:
    if identity(path) in inputs:
        raise BpcheckError(f"is an input of this run; the {what} would overwrite it", file=path_shown(path),
                           hint=f"write the {what} into another folder")
    found = _stat(path)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise BpcheckError("is in the way: it is not a regular file", file=path_shown(path),
                           hint=f"move it, or write the {what} into another folder")
    if found is not None and not overwrite:
        raise BpcheckError(f"is there already, and bpcheck never writes {what} over a file", file=path_shown(path),
                           hint="write into a new or empty folder, or move the old files away")
    if _stat(path.parent) is not None and not is_dir(path.parent):
        raise BpcheckError(f"is in the way: it is not a folder, so the {what} cannot be written into it",
                           file=path_shown(path.parent), hint=f"move it, or write the {what} into another folder")


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, each added to ``made`` (outermost first) before it is
    created: an interruption at any point leaves ``made`` naming every folder this may have made."""
    made += [path for path in (folder, *folder.parents) if _stat(path) is None][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BpcheckError(f"cannot create the folder ({error.strerror or error})", file=path_shown(folder),
                           hint="check the path and its permissions") from None


def _remove_folder(path: Path) -> None:
    try:
        os.rmdir(path)  # only if empty: what was there before stays
    except OSError:
        pass


def _writer(content: bytes) -> Callable[[Any], object]:
    return lambda stream: stream.write(content)


def _written_beside(target: Path, write: Callable[[Any], object], what: str, binary: bool, *, shown: Path,
                    temporaries: list[str] | None = None) -> str:
    """A temporary file beside ``target`` holding what ``write`` wrote, on disk (fsync); on any failure or
    interruption it is removed. Its name is added to ``temporaries`` before the file exists, so that a
    caller cleaning up after an interruption that lands just after this returns knows it too."""
    temporaries = [] if temporaries is None else temporaries
    try:
        handle = _new_temporary(target, temporaries)
    except OSError as error:
        raise _cannot_write(shown, what, error) from None
    except BaseException:
        _remove(temporaries[-1])
        raise
    temporary = temporaries[-1]
    try:
        os.chmod(temporary, _mode_for(target))
        with (os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", newline="", encoding="utf-8")) as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException as error:  # Ctrl-C and SIGTERM too: never leave a half file behind
        _remove(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(shown, what, error) from None
        raise
    return temporary


def _new_temporary(target: Path, temporaries: list[str]) -> int:
    """Create an empty file ``.NAME.RANDOM.partial`` beside ``target``, as tempfile.mkstemp does, its name
    added to ``temporaries`` before it is created (mkstemp names it only once it exists); its descriptor."""
    import secrets  # only when a file is written: start-up stays light

    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    while True:
        temporaries.append(str(target.parent / f".{target.name}.{secrets.token_hex(6)}.partial"))
        try:
            return os.open(temporaries[-1], flags, 0o600)
        except FileExistsError:
            temporaries.pop()  # another's file: never removed; draw another name


def _replace_all(written: list[tuple[str, Path]], shown: Path, what: str) -> None:
    """Rename each temporary file onto its target; on a failure, the temporaries not yet renamed are removed."""
    try:
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException as error:
        for temporary, _ in written:
            _remove(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(shown, what, error) from None
        raise


def _mode_for(target: Path) -> int:
    """The existing file's permissions, else what a new file gets under the umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _cannot_write(path: Path, what: str, error: OSError) -> BpcheckError:
    return BpcheckError(f"cannot write the {what.upper()} ({error.strerror or error}); any previous file is unchanged",
                        file=path_shown(path), hint="check the folder, its permissions and the free space")
