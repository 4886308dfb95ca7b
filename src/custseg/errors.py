"""Exceptions raised by custseg.

Every exception derives from :class:`CustsegError` and from the builtin a caller
would naturally catch, so ``except ValueError`` keeps working. Errors about the
*data* (:class:`InputError`) are kept apart from errors about the *definition*
of a segmentation (:class:`ThresholdError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "CustsegError",
    "CustsegWarning",
    "Diagnostic",
    "InputError",
    "RulesError",
    "ThresholdError",
]


class CustsegError(Exception):
    """Base class of every error custseg raises on purpose.

    Examples
    --------
    >>> issubclass(InputError, CustsegError) and issubclass(InputError, ValueError)
    True
    """


class CustsegWarning(UserWarning):
    """Base class of every warning custseg gives: the result is usable, but
    probably not what was meant (an empty score, too few customers to fit
    edges, segments that contradict lifecycle stages).

    Filter them or turn them into errors with the :mod:`warnings` module.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", CustsegWarning)
    ...     try:
    ...         warnings.warn("score 2 of F is empty", CustsegWarning, stacklevel=1)
    ...     except CustsegWarning as w:
    ...         print(w)
    score 2 of F is empty
    """


class InputError(CustsegError, ValueError):
    """The data is wrong: a field has a bad value, type or length.

    The message names the field, says what is wrong and how to fix it, and
    gives the index of the first offending row and how many rows are affected.
    The same facts are available as attributes.

    Parameters
    ----------
    field
        Name of the argument or column at fault (``"amount"``).
    problem
        What is wrong, as a phrase (``"contains NaN"``).
    fix
        What the caller can do about it.
    first_row
        Position (0-based) of the first offending row, if the problem is per row.
    n_rows
        How many rows have the problem, if the problem is per row.
    line
        Where *first_row* is in the file it was read from, for a person
        (``"line 3 of 'sales.csv'"``: the command line reads CSV files);
        said instead of the row's position.

    Examples
    --------
    >>> err = InputError("amount", "contains NaN", first_row=3, n_rows=2,
    ...                  fix="drop or fill the missing amounts first")
    >>> print(err)
    'amount' contains NaN (first at row 3, 2 rows affected): drop or fill the missing amounts first
    >>> err.field, err.first_row, err.n_rows
    ('amount', 3, 2)
    >>> print(InputError("amount", "contains NaN", first_row=3, n_rows=2,
    ...                  line="line 5 of 'sales.csv'"))
    'amount' contains NaN (first at line 5 of 'sales.csv', 2 rows affected)
    """

    def __init__(
        self,
        field: str,
        problem: str,
        *,
        fix: str = "",
        first_row: int | None = None,
        n_rows: int | None = None,
        line: str | None = None,
    ) -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        self.first_row = first_row
        self.n_rows = n_rows
        self.line = line
        where = ""
        if first_row is not None:
            where = f" (first at {line or f'row {first_row}'}"
            if n_rows is not None:
                where += f", {n_rows} row{'s' if n_rows != 1 else ''} affected"
            where += ")"
        message = f"{field!r} {problem}{where}"
        if fix:
            message += f": {fix}"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        # picklable (multiprocessing, joblib): rebuild from the fields
        return (
            _input_error,
            (
                self.field,
                self.problem,
                self.fix,
                self.first_row,
                self.n_rows,
                self.line,
            ),
        )


def _input_error(
    field: str,
    problem: str,
    fix: str,
    first_row: int | None,
    n_rows: int | None,
    line: str | None = None,
) -> InputError:
    return InputError(
        field, problem, fix=fix, first_row=first_row, n_rows=n_rows, line=line
    )


class ThresholdError(CustsegError, ValueError):
    """A parameter of a classifier (a threshold, cutoff or bin count) is invalid.

    Messages use interval notation and name the parameter, the rule and the
    value received.

    Examples
    --------
    >>> from custseg import LifecycleWindows
    >>> LifecycleWindows(breaks=(90, 60, 270))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'sleeping' must be > 'silent' (90): got 60
    """


@attrs.frozen
class Diagnostic:
    """One problem found in a rules file.

    Lines and columns are 1-based and count *characters* (not UTF-8 bytes), so
    a caret under a Chinese label points at the right place.

    Parameters
    ----------
    path
        File name (``"<string>"`` for text).
    line, column, end_column
        Where the problem is; ``end_column`` is exclusive.
    severity
        ``"error"`` (the file cannot be used), ``"warning"`` (it can, but
        something is probably wrong) or ``"info"``.
    code
        Stable name of the check, e.g. ``"unknown-name"``; every code is
        documented in "Reading custseg errors".
    message
        What is wrong.
    hint
        How to fix it (may be empty).
    source_line
        The text of the offending line, for rendering.

    Examples
    --------
    >>> d = Diagnostic("shop.toml", 3, 8, 9, "error", "disallowed-syntax",
    ...                "'&' is not allowed", "use and/or/not", 'when = "a & b"')
    >>> print(d.render())
    shop.toml:3:8: error[disallowed-syntax]: '&' is not allowed
      3 | when = "a & b"
        |        ^
      = hint: use and/or/not
    """

    path: str
    line: int
    column: int
    end_column: int
    severity: Literal["error", "warning", "info"]
    code: str
    message: str
    hint: str = ""
    source_line: str = ""

    def render(self) -> str:
        """``path:line:col: severity[code]: message``, the line and a caret.

        The caret spans ``column`` to ``end_column``; without ``source_line``
        only the message and the hint are shown.

        Examples
        --------
        >>> d = Diagnostic("shop.toml", 7, 9, 19, "warning", "never-matches",
        ...                "rule 1 ('vip') of kind can never match",
        ...                "check the thresholds and the field bounds",
        ...                'when = "visits < 0"')
        >>> print(d.render())
        shop.toml:7:9: warning[never-matches]: rule 1 ('vip') of kind can never match
          7 | when = "visits < 0"
            |         ^^^^^^^^^^
            = hint: check the thresholds and the field bounds
        >>> print(Diagnostic("r.toml", 1, 1, 2, "error", "toml-syntax",
        ...                  "expected '='", "write key = value").render())
        r.toml:1:1: error[toml-syntax]: expected '='
          = hint: write key = value
        >>> print(Diagnostic("r.toml", 2, 12, 13, "error", "bad-syntax", "'>>'",
        ...                  "", 'label = "网店", when = "x >> 3"').render())
        r.toml:2:12: error[bad-syntax]: '>>'
          2 | label = "网店", when = "x >> 3"
            |             ^
        """
        head = f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
        out = [head + self.message]
        if self.source_line:
            num = str(self.line)
            pad = " " * len(num)
            from ._display import text_width

            # in terminal columns: a CJK character takes two, a combining
            # accent none; a tab stays a tab, so the caret lines up with it
            line = self.source_line
            before = line[: self.column - 1]
            span = line[self.column - 1 : max(self.end_column, self.column) - 1]
            indent = "".join(
                "\t" if ch == "\t" else " " * text_width(ch) for ch in before
            )
            width = max(1, text_width(span))
            out.append(f"  {num} | {line}")
            out.append(f"  {pad} | {indent}{'^' * width}")
            if self.hint:
                out.append(f"  {pad} = hint: {self.hint}")
        elif self.hint:
            out.append(f"  = hint: {self.hint}")
        return "\n".join(out)


class RulesError(CustsegError, ValueError):
    """A rules file (or rules text) has errors; ``.diagnostics`` lists them all.

    Every problem is collected before raising, so one run shows them all. The
    message is the rendered diagnostics, one block each.

    Parameters
    ----------
    diagnostics
        The :class:`Diagnostic` values found.

    Examples
    --------
    >>> err = RulesError([Diagnostic("r.toml", 1, 1, 2, "error", "toml-syntax",
    ...                              "expected '='")])
    >>> err.diagnostics[0].code
    'toml-syntax'
    >>> print(err)
    r.toml:1:1: error[toml-syntax]: expected '='
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def __reduce__(self) -> tuple[Any, ...]:
        return (RulesError, (self.diagnostics,))
