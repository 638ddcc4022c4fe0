"""The command line: the group, its exit codes, and bad input turned into one line and exit code 2.

Each family of commands is a module of this package (``COMMANDS``), imported when one of its commands
runs or --help lists it: `bpcheck solve ex1` builds none of `grade`'s options. A command parses, makes
one call to the core, prints its page in the format asked (cli/pages.py), writes the files asked for
beside it (cli/side_files.py) and picks the exit code.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from typing import NoReturn

import click

from .. import __version__
from ..errors import BpcheckError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 128  # plus the signal's number, as shells report it: 130 for Ctrl-C, 143 for SIGTERM
SIGINT, SIGTERM = 2, 15  # the same on every POSIX system and on Windows; `signal` is imported only when needed
SIGNAL_NAMES = {SIGINT: "SIGINT", SIGTERM: "SIGTERM"}
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later

# Each command: the module of this package that defines it, and its name there.
COMMANDS = {
    "list": ("solve", "list_exercises"), "show": ("solve", "show"), "solve": ("solve", "solve"),
    "template": ("solve", "template"),
    "grade": ("grade", "grade"),
    "practice": ("practice", "practice"),
    "train": ("train", "train"), "gradcheck": ("train", "gradcheck"),
    "new": ("author", "new"), "check": ("author", "check"), "schema": ("author", "schema"),
    "export": ("export", "export"),
    "handout": ("handout", "handout"),
}


def bad_input(message: str):
    """One line on stderr and exit code 2, never a traceback."""
    from ..safetext import escape_controls

    click.echo(f"bpcheck: {escape_controls(message)}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def plain_asked() -> bool:
    """--plain, or BPCHECK_PLAIN set to anything but "" or "0" (as NO_COLOR is): plain lines with nothing
    drawn, on a terminal too (for a screen reader, a braille display, a log)."""
    context = click.get_current_context(silent=True)
    return bool(context and context.meta.get(_PLAIN)) or os.environ.get("BPCHECK_PLAIN", "") not in ("", "0")


def _ask_plain(ctx: click.Context, param, value: bool) -> None:
    if value:
        ctx.meta[_PLAIN] = True  # one dict for every context of the run: the group's --plain reaches its command


_PLAIN = "bpcheck.plain"
PLAIN = click.option("--plain", is_flag=True, expose_value=False, callback=_ask_plain,
                     help="Plain lines, with nothing drawn (no boxes, bars, network drawings or colour), on a "
                          "terminal too: for a screen reader. Or set BPCHECK_PLAIN=1.")


class Interrupted(Exception):
    """Ctrl-C or SIGTERM, carried past click (which would turn it into "Aborted!" and exit code 1)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def terminate(signum, frame):
    raise Interrupted(signum)


def sigterm_interrupts(ctx: click.Context) -> None:
    """While a file is being written, SIGTERM interrupts as Ctrl-C does: the file is left whole."""
    import signal

    previous = signal.signal(signal.SIGTERM, terminate)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def reports_bad_input(command):
    """Bad input raised by the core becomes one line on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BpcheckError as error:
            bad_input(str(error))

    return wrapper


class Commands(MutableMapping):
    """A group's commands by name (what click reads as ``group.commands``), each imported from its module
    when first asked for."""

    def __init__(self, where: Mapping[str, tuple[str, str]]):
        self._commands: dict[str, object] = dict(where)  # a command, or (module, name) until imported

    def __getitem__(self, name: str) -> click.Command:
        command = self._commands[name]
        if isinstance(command, tuple):
            module, attribute = command
            command = self._commands[name] = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


def reader_gone() -> NoReturn:
    """`bpcheck solve ex1 | head`: the reader has all it wants; end quietly, as a finished command."""
    sys.stderr.close()
    sys.exit(0)


class OneLineErrors(click.Group):
    """Usage errors as one line too (click prints three), a closed pipe ends quietly, and an interrupted
    run says so and exits 130 (Ctrl-C) or 143 (SIGTERM), never 1: any file it was writing is untouched."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted(SIGINT) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Interrupted as interruption:
            click.echo(f"bpcheck: interrupted ({SIGNAL_NAMES.get(interruption.signum, interruption.signum)}); "
                       "no file was changed", err=True)
            sys.exit(EXIT_INTERRUPTED + interruption.signum)
        except _NO_ARGS_IS_HELP as error:  # plain `bpcheck`: the help, as asked
            click.echo(error.ctx.get_help())
            sys.exit(0)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "bpcheck"
            bad_input(f"{error.format_message().rstrip('.')}; see `{command} --help`")
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except BrokenPipeError:
            reader_gone()
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


@click.group(name="bpcheck", cls=OneLineErrors, commands=Commands(COMMANDS),
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bpcheck")
@PLAIN
def main():
    """Check a backpropagation step worked by hand, value by value.

    \b
      bpcheck list                  the built-in exercises
      bpcheck show ex1              an exercise as a student reads it
      bpcheck solve ex1             the worked solution, step by step
      bpcheck template ex1 > a.yaml an answers file to fill in
      bpcheck grade a.yaml          check the answers, value by value
    """
