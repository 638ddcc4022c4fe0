"""The one exception type the core raises for bad input; the CLI turns it into exit code 2."""

from __future__ import annotations


class BpcheckError(Exception):
    """Bad input: says where (file, line, column), what is wrong and what to do."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.quotes_content = False  # does the message quote the file (a key, a tag)?

    def __str__(self) -> str:
        from .safetext import escape_controls

        where = ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)
        text = f"{where}: {self.message}" if where else self.message
        # Printed on a terminal, and written into CSV and JSON: one line, never an escape sequence.
        return escape_controls(f"{text}; {self.hint}" if self.hint else text)


class ExerciseError(BpcheckError):
    """An exercise file that cannot be solved as written."""


class AnswersError(BpcheckError):
    """An answers file that cannot be graded as written."""


class IsAnExercise(AnswersError):
    """An exercise file given where an answers file was expected (in a class folder: the exercise itself)."""


def did_you_mean(word: str, choices, otherwise: str, cutoff: float = 0.6) -> str:
    """A hint naming the closest choice ("did you mean sigmoid?"), else ``otherwise``."""
    import difflib  # only on the error path: start-up stays light

    # Names are short: a long word matches none, and comparing it costs time quadratic in its length.
    close = difflib.get_close_matches(str(word)[:60], list(choices), n=1, cutoff=cutoff)
    return f"did you mean {close[0]}?" if close else otherwise
