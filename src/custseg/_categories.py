"""Categorical answers (survey levels, contact kinds) as small integer codes.

Survey and CRM exports spell the same answer many ways: ``"Very satisfied"``,
``"very_satisfied"``, ``"很满意"``, or an ordinal code ``5`` on a 1-5 scale.
:func:`as_category` accepts them all for one field and returns codes
``0 .. k-1`` in the order of the field's levels, with ``-1`` for a missing
answer. An unknown spelling is an :class:`~custseg.errors.InputError` that
names every unknown value and lists the accepted ones: a typo never becomes a
silent "missing".

Layer 0: pandas objects are read through their NumPy form; pandas is imported
only to hash text answers (``pandas.factorize``), inside the call.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._validate import (
    describe,
    first_offender,
    is_missing_scalar,
    pandas_extension,
    unmask,
)
from .errors import InputError

__all__ = ["MISSING", "as_category", "normalize"]

#: The code of a missing answer.
MISSING = -1

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize(text: str) -> str:
    """The key a spelling is matched by: stripped, case-folded, and runs of
    spaces, hyphens and underscores made one underscore.

    >>> normalize("  Very-Satisfied ")
    'very_satisfied'
    >>> normalize("很满意")
    '很满意'
    """
    return _SEPARATORS.sub("_", text.strip().casefold()).strip("_")


def _lookup(levels: Sequence[str], aliases: Mapping[str, int] | None) -> dict[str, int]:
    table = {normalize(name): code for code, name in enumerate(levels)}
    for alias, code in (aliases or {}).items():
        table[normalize(alias)] = int(code)
    return table


def _accepted(levels: Sequence[str], aliases: Mapping[str, int] | None) -> str:
    shown = list(levels)
    for alias in aliases or {}:
        if alias not in shown:
            shown.append(alias)
    return ", ".join(repr(s) for s in shown)


def _plain(x: Any, field: str) -> np.ndarray:
    """A 1-D NumPy array of the values (pandas categoricals and nullable
    columns become object arrays with ``None`` for missing)."""
    if isinstance(x, np.ma.MaskedArray):
        x = unmask(x)
    if hasattr(x, "dtype") and hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        dtype = x.dtype
        if pandas_extension(dtype):
            kind = getattr(dtype, "kind", "O")
            if kind in "iu" and not bool(x.isna().any()):
                return np.asarray(x.to_numpy(dtype=np.int64))
            if kind == "b" and not bool(x.isna().any()):
                return np.asarray(x.to_numpy(dtype=bool))
            if kind == "f":  # nullable or Arrow floats: numbers, NaN missing
                return np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
            return np.asarray(x.to_numpy(dtype=object, na_value=None))
        return np.asarray(x.to_numpy())
    if isinstance(x, dict | set | frozenset | str | bytes):
        raise InputError(
            field,
            f"must be an array-like of answers, got {type(x).__name__}",
            fix="pass a list, NumPy array or pandas Series",
        )
    if isinstance(x, list | tuple):
        # value by value: NumPy would make ['a', nan] the text 'nan'
        arr = np.empty(len(x), dtype=object)
        arr[:] = list(x)
        kinds = {type(a) for a in x}
        try:
            if kinds and kinds <= {int}:
                return np.asarray(x, dtype=np.int64)
            if kinds and kinds <= {bool}:
                return np.asarray(x, dtype=bool)
            if kinds and kinds <= {float, int}:
                return np.asarray(x, dtype=np.float64)
        except OverflowError:  # an int past int64 (or float): judged as a value
            pass
        return arr
    arr = np.asarray(x) if not isinstance(x, np.ndarray) else x
    if arr.ndim == 0:
        arr = arr.reshape(1)
    return arr


def as_category(
    x: Any,
    field: str,
    levels: Sequence[str],
    *,
    aliases: Mapping[str, int] | None = None,
    integers: int | None = None,
    booleans: bool = False,
) -> np.ndarray:
    """Codes ``0 .. k-1`` of the answers in *x*, ``-1`` where missing.

    Parameters
    ----------
    x
        The answers: a list, NumPy array or pandas Series / Categorical of
        text, integers or booleans. Whole numbers of another type (``4.0``,
        ``Decimal("4")``, ``decimal128[pyarrow]``) are integers. Missing
        answers (``None``, NaN, ``pd.NA``, empty or blank text) give ``-1``.
    field
        The argument name, used in error messages.
    levels
        The canonical names, in code order (code ``i`` is ``levels[i]``).
    aliases
        Other accepted spellings (translations, synonyms) and their codes.
        Text is matched after :func:`normalize` (case, blanks, ``-``/``_``).
    integers
        When given, integer answers are ordinal codes on a scale starting at
        this value: answer ``v`` is code ``v - integers`` (``1`` for a 1-5
        survey scale). When ``None``, integers are refused.
    booleans
        Whether ``True``/``False`` are accepted as codes 1 and 0 (for yes/no
        fields with ``levels=("no", "yes")``).

    Returns
    -------
    numpy.ndarray
        ``int8`` codes (``int16`` beyond 127 levels), ``-1`` for missing.

    Raises
    ------
    InputError
        An unknown spelling (every unknown value is named, with the accepted
        ones), an integer outside the scale, or a kind of value the field does
        not take.

    Examples
    --------
    >>> levels = ("very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied")
    >>> as_category(["Very satisfied", None, "neutral"], "satisfaction", levels).tolist()
    [4, -1, 2]
    >>> as_category([1, 5], "satisfaction", levels, integers=1).tolist()
    [0, 4]
    >>> from decimal import Decimal
    >>> as_category([Decimal("2"), Decimal("5.0")], "satisfaction", levels, integers=1).tolist()
    [1, 4]
    >>> as_category(["great", "meh", "neutral"], "satisfaction", levels)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'satisfaction' has unknown answers 'great', 'meh' (first at row 0, 2 rows affected): use one of 'very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very_satisfied' (case, blanks and '-' / '_' do not matter), or map the answers first
    """
    k = len(levels)
    dtype = np.int8 if k < 127 else np.int16
    xdtype = getattr(x, "dtype", None)
    if (
        xdtype is not None
        and not isinstance(xdtype, np.dtype)
        and hasattr(x, "factorize")
        and getattr(x, "ndim", 1) == 1
    ):
        # a pandas column of an extension dtype (str, categorical, nullable):
        # its own factorize reads only the distinct values as Python objects
        inverse, uniques = x.factorize(use_na_sentinel=True)
        floats = getattr(xdtype, "kind", "O") == "f"  # numbers, as NumPy's are
        try:
            known = as_category(
                np.asarray(uniques, dtype=np.float64 if floats else object),
                field,
                levels,
                aliases=aliases,
                integers=integers,
                booleans=booleans,
            )
        except InputError:  # again on the rows, so the error names the row
            known = None
        if known is not None:
            table = np.append(known, MISSING).astype(dtype)
            return table[np.asarray(inverse)]  # -1 (missing) takes the last entry
    arr = _plain(x, field)
    if arr.ndim != 1:
        raise InputError(field, f"must be one-dimensional: got shape {arr.shape}")
    n = len(arr)
    kind = arr.dtype.kind
    if kind == "b":
        if not booleans:
            raise InputError(
                field,
                "is boolean",
                fix=f"pass one of {_accepted(levels, aliases)}",
            )
        return arr.astype(dtype)
    if kind in "iu":
        return _from_integers(
            arr, field, k, integers, dtype, pair=_pair(levels, booleans)
        )
    if kind == "f":
        missing = np.isnan(arr)
        whole = ~missing & (arr == np.floor(arr)) & np.isfinite(arr)
        if integers is None or not bool((whole | missing).all()):
            bad = ~(whole | missing)
            if integers is None:
                bad = ~missing
            first, count = first_offender(bad) if bad.any() else (0, 0)
            if count:
                raise InputError(
                    field,
                    f"has numbers ({describe(float(arr[first]))}) where answers are expected",
                    first_row=first,
                    n_rows=count,
                    fix=f"pass one of {_accepted(levels, aliases)}"
                    + _codes_hint(integers, levels, booleans),
                )
        out = np.full(n, MISSING, dtype=dtype)
        if (~missing).any():
            ints = arr[~missing].astype(np.int64)
            out[~missing] = _from_integers(
                ints,
                field,
                k,
                integers,
                dtype,
                offset=np.flatnonzero(~missing),
                pair=_pair(levels, booleans),
            )
        return out
    if kind in "US":
        arr = arr.astype(object)
    if kind not in "OUS":
        raise InputError(
            field,
            f"has dtype {arr.dtype}, expected answers as text or codes",
            fix=f"pass one of {_accepted(levels, aliases)}",
        )
    return _from_objects(arr, field, levels, aliases, integers, booleans, dtype)


def _pair(levels: Sequence[str], booleans: bool) -> Sequence[str] | None:
    """The two answers of a field that also takes True/False, else None."""
    return levels if booleans and len(levels) == 2 else None


def _codes_hint(integers: int | None, levels: Sequence[str], booleans: bool) -> str:
    """How the numbers a field takes are written in a fix: a two-answer
    field's two codes, a scale's first code, or nothing."""
    if integers is None:
        return ""
    pair = _pair(levels, booleans)
    if pair is not None:
        return f", or {integers} for {pair[0]!r} and {integers + 1} for {pair[1]!r}"
    return f", or whole codes from {integers}"


def _from_integers(
    arr: np.ndarray,
    field: str,
    k: int,
    integers: int | None,
    dtype: Any,
    offset: np.ndarray | None = None,
    pair: Sequence[str] | None = None,
) -> np.ndarray:
    if integers is None:
        raise InputError(
            field,
            "has integer codes, but this field takes answers as text",
            fix="map the codes to the answer names first",
        )
    codes = arr.astype(np.int64) - integers
    bad = (codes < 0) | (codes >= k)
    if bad.any():
        first, count = first_offender(bad)
        row = int(offset[first]) if offset is not None else first
        if pair is not None:
            raise InputError(
                field,
                f"takes two answers but has the number {int(arr[first])}",
                first_row=row,
                n_rows=count,
                fix=f"give {integers} for {pair[0]!r} and {integers + 1} for "
                f"{pair[1]!r} (or False/True)",
            )
        raise InputError(
            field,
            f"has code {int(arr[first])} outside the scale {integers}..{integers + k - 1}",
            first_row=row,
            n_rows=count,
            fix="check the survey's scale",
        )
    return codes.astype(dtype)


def _from_objects(
    arr: np.ndarray,
    field: str,
    levels: Sequence[str],
    aliases: Mapping[str, int] | None,
    integers: int | None,
    booleans: bool,
    dtype: Any,
) -> np.ndarray:
    table = _lookup(levels, aliases)
    k = len(levels)
    # Few distinct answers: match each distinct value once, then broadcast
    # (pandas hashes the object array in C; missing values get -1).
    import pandas as pd

    try:
        inverse, uniques = pd.factorize(arr, use_na_sentinel=True)
    except TypeError:  # unhashable cells: a list (a Parquet list column) or dict
        cells = arr.tolist()
        bad = np.fromiter(
            (isinstance(c, list | dict | set | np.ndarray) for c in cells),
            bool,
            len(cells),
        )
        first, count = first_offender(bad)
        raise InputError(
            field,
            f"has {type(cells[first]).__name__} cells such as {describe(cells[first])}, "
            "but each row holds one answer",
            first_row=first,
            n_rows=count,
            fix="give one answer per row (pick one, or join the list into text "
            "and map it to an answer first)",
        ) from None
    values = [None, *uniques.tolist()]  # position 0: the missing values
    inverse = inverse.astype(np.int64) + 1
    codes = np.empty(len(values), dtype=np.int64)
    unknown: list[int] = []
    for j, value in enumerate(values):
        code = _code_of(value, table, k, integers, booleans)
        if code is None:
            unknown.append(j)
            code = MISSING
        codes[j] = code
    if unknown:
        bad = np.isin(inverse, np.asarray(unknown))
        first, count = first_offender(bad)
        shown = [describe(values[j]) for j in unknown[:10]]
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        plural = "s" if len(unknown) != 1 else ""
        raise InputError(
            field,
            f"has unknown answer{plural} {', '.join(shown)}{more}",
            first_row=first,
            n_rows=count,
            fix=f"use one of {_accepted(levels, aliases)} (case, blanks and "
            "'-' / '_' do not matter)"
            + _codes_hint(integers, levels, booleans)
            + ", or map the answers first",
        )
    return codes[inverse].astype(dtype)


def _code_of(
    value: Any,
    table: dict[str, int],
    k: int,
    integers: int | None,
    booleans: bool,
) -> int | None:
    if is_missing_scalar(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return int(value) if booleans else None
    if isinstance(value, decimal.Decimal):  # a number, as float or int would be
        if value.is_nan():
            return MISSING
        if not value.is_finite() or value != value.to_integral_value():
            return None
        value = int(value)
    if isinstance(value, int | np.integer) or (
        isinstance(value, float | np.floating) and float(value).is_integer()
    ):
        if integers is None:
            return None
        code = int(value) - integers
        return code if 0 <= code < k else None
    if isinstance(value, str):
        key = normalize(value)
        if not key:
            return MISSING
        if key in table:
            return table[key]
        if integers is not None and re.fullmatch(r"[+-]?\d+", key):
            code = int(key) - integers
            return code if 0 <= code < k else None
        return None
    return None
