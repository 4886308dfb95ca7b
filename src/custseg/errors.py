"""Exceptions raised by custseg.

Every exception derives from :class:`CustsegError` and from the builtin a caller
would naturally catch, so ``except ValueError`` keeps working. Errors about the
*data* (:class:`InputError`) are kept apart from errors about the *definition*
of a segmentation (:class:`ThresholdError`).
"""

from __future__ import annotations

__all__ = ["CustsegError", "InputError", "ThresholdError"]


class CustsegError(Exception):
    """Base class of every error custseg raises on purpose.

    Examples
    --------
    >>> issubclass(InputError, CustsegError) and issubclass(InputError, ValueError)
    True
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

    Examples
    --------
    >>> err = InputError("amount", "contains NaN", first_row=3, n_rows=2,
    ...                  fix="drop or fill the missing amounts first")
    >>> print(err)
    'amount' contains NaN (first at row 3, 2 rows affected): drop or fill the missing amounts first
    >>> err.field, err.first_row, err.n_rows
    ('amount', 3, 2)
    """

    def __init__(
        self,
        field: str,
        problem: str,
        *,
        fix: str = "",
        first_row: int | None = None,
        n_rows: int | None = None,
    ) -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        self.first_row = first_row
        self.n_rows = n_rows
        where = ""
        if first_row is not None:
            where = f" (first at row {first_row}"
            if n_rows is not None:
                where += f", {n_rows} row{'s' if n_rows != 1 else ''} affected"
            where += ")"
        message = f"{field!r} {problem}{where}"
        if fix:
            message += f": {fix}"
        super().__init__(message)


class ThresholdError(CustsegError, ValueError):
    """A parameter of a classifier (a threshold, cutoff or bin count) is invalid.

    Messages use interval notation and name the parameter, the rule and the
    value received.

    Examples
    --------
    >>> print(ThresholdError("'silent' must be > 'active' (90): got 60"))
    'silent' must be > 'active' (90): got 60
    """
