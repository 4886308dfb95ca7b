"""``custseg migrate BEFORE AFTER``: how customers moved between two runs.

Reads two output files of ``custseg segment`` (the customer id in the first
column), matches the customers by id and prints, for each label column the
files share (or the ones named with ``--column``), the transition matrix:
counts, then row shares. Customers only in AFTER are the row ``(new)``,
those only in BEFORE the column ``(gone)``. ``--output`` writes the matrices
as one long table (column, before, after, customers, share), one row per
pair of classes some customer made (pairs without customers left out).
"""

from __future__ import annotations

import argparse
import functools
import math
import re
import shlex
import warnings
from typing import Any

import numpy as np
import pandas as pd

from . import _display
from ._align import written_apart
from ._display import composed
from ._files import (
    _MONEY_COLUMNS,
    SCIENTIFIC_IDS_FIX,
    _check_path,
    _csv_ready,
    _read_table,
    _shortest_text,
    check_sep,
    members,
    no_rows,
    parse_date_column,
    scientific_ids,
    table_columns,
    table_format,
    with_line,
    write_table,
)
from ._validate import refuse_narrow_ids
from .errors import CustsegWarning, InputError
from .labels import sorted_names
from .migration import (
    MAX_CELLS,
    TransitionMatrix,
    _transition_matrix,
    look_alike_pairs,
    numbers_apart,
    outside_names,
)
from .summary import FACT_COLUMNS

__all__ = ["register"]

#: Columns of ``custseg segment`` output that are dates, not labels.
_NOT_LABELS = frozenset({"first_purchase", "last_purchase"})
#: Score columns: classes too, when asked for with --column.
_SCORES = ("r", "f", "m", "rfm")


def _id_text(index: pd.Index) -> pd.Index:
    """Customer ids as text, floats as a CSV output writes them
    (:func:`custseg._files._shortest_text`): a whole one as the int it is,
    in full (17.0 -> "17", 1e20 -> "100000000000000000000"), others as
    their shortest text (0.5 -> "0.5"), so a Parquet file's ids meet a CSV
    file's."""

    def text(x: Any) -> str:
        if isinstance(x, float | np.floating) and np.isfinite(x):
            return str(_shortest_text(np.array([x]))[0])
        return str(x)

    kind = index.dtype.kind
    if kind == "f":
        v = index.to_numpy(dtype=np.float64)
        if np.isfinite(v).all():
            return pd.Index(_shortest_text(v)).astype(str)  # at once
    elif kind != "O" or pd.api.types.infer_dtype(index, skipna=False) == "string":
        return index.astype(str)  # text or ints: no float to mend
    # some floats are not whole, or objects of mixed kinds: one by one
    return pd.Index([text(x) for x in index]).astype(str)


def _lossy_float_ids(index: pd.Index) -> np.ndarray:
    """Which of the ids *index* are floats of 2**53 or more in size (a
    Parquet ``double`` column, or floats among objects): no float tells such
    an integer from its neighbours, so the id may be another customer's.

    >>> _lossy_float_ids(pd.Index([7.0, 2.0**53, 1e20])).tolist()
    [False, True, True]
    >>> _lossy_float_ids(pd.Index([2**53 + 1, 7])).tolist()  # integers: exact
    [False, False]
    """
    kind = index.dtype.kind
    if kind == "f":
        x = np.abs(index.to_numpy(dtype=np.float64, na_value=np.nan))
        with np.errstate(invalid="ignore"):
            return np.isfinite(x) & (x >= 2.0**53)
    if kind != "O":
        return np.zeros(len(index), dtype=bool)
    return np.fromiter(
        (
            isinstance(x, float | np.floating)
            and math.isfinite(x)
            and abs(float(x)) >= 2.0**53
            for x in index
        ),
        dtype=bool,
        count=len(index),
    )


_BOOLS = {
    "True": True,
    "TRUE": True,
    "true": True,
    "False": False,
    "FALSE": False,
    "false": False,
}


def _typed(col: pd.Series, money: bool = False) -> pd.Series:
    """A column read as text exactly as written (only an empty cell missing)
    with the type pandas would give it, as long as no cell changes: numbers
    as numbers, ``True``/``False`` as booleans; any other text (a label
    ``None``, ``NA`` or ``N/A`` among them) stays text. With *money* (a
    money column custseg writes in cents: ``monetary``), numbers as
    written in cents (``20.00``) are numbers too.

    >>> _typed(pd.Series(["1", "2", None])).tolist()
    [1.0, 2.0, nan]
    >>> _typed(pd.Series(["Gold", "None", "N/A", None])).tolist()
    ['Gold', 'None', 'N/A', nan]
    >>> _typed(pd.Series(["01", "1"])).tolist()  # two labels, as written
    ['01', '1']
    >>> _typed(pd.Series(["20.00", "15.50"]), money=True).tolist()
    [20.0, 15.5]
    """
    known = col.notna().to_numpy()
    if not known.any():
        return col.astype(np.float64)  # an empty column, as pandas reads it
    try:
        number = pd.to_numeric(col)
    except (ValueError, TypeError):
        pass  # text: labels
    else:
        if not (number.isna().to_numpy() & known).any() and (  # "NaN": a label
            money or all(_written_as(text) for text in col[known].unique().tolist())
        ):
            return number
    values = col[known]
    if values.isin(list(_BOOLS)).all():
        flags = col.map(_BOOLS)
        return flags.astype(bool) if known.all() else flags
    return col


def _written_as(text: object) -> bool:
    """Whether *text* is a number written as pandas writes it back (``1``,
    ``2.5``, ``1.0``), not a label that only reads as one: ``01``, ``1E1``,
    ``+1`` and ``1.50`` are labels of their own (``01`` is not ``1``)."""
    if not isinstance(text, str):
        return True
    try:
        value = float(text)
    except ValueError:
        return False
    whole = value.is_integer() and abs(value) < 2**53
    return text == repr(value) or (whole and text == str(int(value)))


def _read_verbatim(
    path: str,
    sep: str | None = None,
    encoding: str | None = None,
    typed: bool = True,
    sep_fix: str | None = None,
) -> pd.DataFrame:
    """A table file whose text cells are read exactly as written: labels
    such as ``None``, ``NA``, ``N/A`` or ``null`` stay labels (only an empty
    cell is missing), the first column (the ids) stays text, and the columns
    of numbers are numbers (:func:`_typed`). Parquet columns keep their
    stored types, but text columns are typed as a CSV file's text is, so
    one run saved as CSV and as Parquet reads back alike (``true`` and
    ``false`` as booleans from both). Without *typed* the text columns stay
    text (objects), to be typed with another file's (:func:`_typed_together`).
    *sep_fix* replaces the advice to pass ``--sep`` for a header that looks
    separated by another character (a file read by its extension)."""
    names = table_columns(path, sep, encoding)
    verbatim = table_format(path) != "parquet" if names else False
    _check_path(path)
    check_sep(sep)
    df = _read_table(
        path,
        sep=sep,
        encoding=encoding,
        text_columns=names if verbatim else names[:1],
        sep_fix=sep_fix,
    )
    for i in range(1, len(df.columns)):
        col = df.iloc[:, i]
        if not verbatim:  # Parquet: its text columns as a CSV file's text
            if isinstance(col.dtype, pd.CategoricalDtype) and "" in set(
                col.dtype.categories
            ):  # an empty text is missing, as an empty cell of a CSV file is
                col = col.cat.remove_categories([""])
            if isinstance(col.dtype, pd.CategoricalDtype) and not col.dtype.ordered:
                # an unordered dictionary (its order is first appearance):
                # text, as the same labels written to CSV
                col = col.astype(object)
            elif isinstance(col.dtype, pd.CategoricalDtype):  # ordered: kept
                _put(df, i, col)
                continue
            if not (pd.api.types.is_object_dtype(col) or _is_text(col.dtype)):
                continue
            text = col.astype(object)
            # an empty text is missing, as an empty cell of a CSV file is
            text = text.where(col.notna() & (text != ""), np.nan)
            if pd.api.types.infer_dtype(text, skipna=True) not in ("string", "empty"):
                continue  # (Decimals, dates...: their stored types)
            col = text
        if not typed:
            if not verbatim:
                _put(df, i, col)
            continue
        money = str(df.columns[i]) in _MONEY_COLUMNS  # written in cents
        _put(df, i, _typed(col, money))
    return df


def _put(df: pd.DataFrame, i: int, col: Any) -> None:
    """Column *i* of *df* (a frame read here, or a copy) set to the Series
    *col*, its dtype kept."""
    df.isetitem(i, col)


def as_written(df: pd.DataFrame) -> pd.DataFrame:
    """*df* (a run in memory: the customers of a :func:`custseg.segment`
    result) as its output file reads back untyped (:func:`_read_verbatim`
    without *typed*): each cell the text
    :func:`custseg._files.write_table` writes (floats as their shortest
    text, flags ``True`` and ``False``), an empty one missing; for
    :func:`_typed_together`, which types it as a file's.

    >>> written = as_written(pd.DataFrame({"band": [1.0, None],
    ...                                    "vip": [True, False]}))
    >>> written["band"].tolist(), written["vip"].tolist()
    (['1', nan], ['True', 'False'])
    """
    ready = _csv_ready(df)
    cells = {}
    for i in range(len(ready.columns)):
        # each value's text once, then the rows (-1, a missing one: None)
        codes, values = pd.factorize(ready.iloc[:, i])
        texts = [str(x) for x in values]
        written = np.array([t if t else None for t in texts] + [None], dtype=object)
        cells[i] = written[codes]
    out = pd.DataFrame(cells, index=df.index)
    out.columns = df.columns
    return out


def _is_read_text(col: pd.Series) -> bool:
    """Whether *col* is text as :func:`_read_verbatim` reads it untyped
    (objects or a text dtype: text and missing cells only)."""
    kind = col.dtype
    return (pd.api.types.is_object_dtype(kind) or _is_text(kind)) and (
        pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    )


def _typed_together(
    before: pd.DataFrame, after: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """*before* and *after* (read untyped, :func:`_read_verbatim`) with
    their text columns typed (:func:`_typed`): a column both files have is
    typed as one column, so that a label written the same way in both is
    one class. Numbers (or booleans) only when every cell of both is one;
    when one file's column also holds other text (``x``), both stay text,
    and ``1.0`` meets ``1.0``, never the number 1 (written ``1``). A column
    empty in one file, or only in one, is typed on its own.

    >>> b = pd.DataFrame({"tier": ["1.0", "1.0"], "r": ["1", "2"]})
    >>> a = pd.DataFrame({"tier": ["1.0", "x"], "r": ["2", "2"]})
    >>> old, new = _typed_together(b, a)
    >>> old["tier"].tolist(), new["tier"].tolist(), old["r"].tolist()
    (['1.0', '1.0'], ['1.0', 'x'], [1, 2])
    """
    old, new = before.copy(), after.copy()
    paired: set[int] = set()
    for i, name in enumerate(old.columns):
        col = old.iloc[:, i]
        if not _is_read_text(col):
            continue
        money = str(name) in _MONEY_COLUMNS  # written in cents
        at = np.flatnonzero(new.columns == name)
        twin = new.iloc[:, int(at[0])] if len(at) == 1 else None
        if twin is not None and _text_categories(twin):
            continue  # beside an ordered dictionary's labels: text as written
        if (
            twin is None
            or int(at[0]) in paired
            or not _is_read_text(twin)
            or not (col.notna().any() and twin.notna().any())
        ):
            _put(old, i, _typed(col, money))
            continue
        j = int(at[0])
        both = _typed(pd.concat([col, twin], ignore_index=True), money)
        _put(old, i, _part(both, 0, len(col), col.index))
        _put(new, j, _part(both, len(col), len(both), twin.index))
        paired.add(j)
    for j, name in enumerate(new.columns):
        col = new.iloc[:, j]
        at = np.flatnonzero(old.columns == name)
        twin = old.iloc[:, int(at[0])] if len(at) == 1 else None
        if twin is not None and _text_categories(twin):
            continue  # beside an ordered dictionary's labels: text as written
        if j not in paired and _is_read_text(col):
            _put(new, j, _typed(col, str(name) in _MONEY_COLUMNS))
    return old, new


def _text_categories(col: pd.Series) -> bool:
    """Whether *col* is a categorical of text (an ordered dictionary of a
    Parquet file: its labels are text, never numbers or flags)."""
    return isinstance(col.dtype, pd.CategoricalDtype) and (
        pd.api.types.infer_dtype(col.dtype.categories, skipna=True) == "string"
    )


def _part(both: pd.Series, start: int, stop: int, index: pd.Index) -> pd.Series:
    """Rows *start* to *stop* of a column typed with another file's, on
    *index*; flags without a missing cell as booleans (as :func:`_typed`
    gives a file's own), though the other file's column had one."""
    part = both.iloc[start:stop].set_axis(index)
    if (
        pd.api.types.is_object_dtype(part.dtype)
        and len(part)
        and part.notna().all()
        and all(isinstance(x, bool) for x in part.unique().tolist())
    ):
        return part.astype(bool)
    return part


def _is_text(dtype: Any) -> bool:
    """A pandas text dtype (``string``, Arrow's ``string``)."""
    return isinstance(dtype, pd.StringDtype) or str(dtype).startswith(
        ("string", "large_string")
    )


def no_common_class(
    column: str, before: pd.Series, after: pd.Series, where: str, how: str
) -> str | None:
    """The warning for a label *column* whose classes in *before* and
    *after* share no name (made with other rules or in another language):
    every customer would count as moved. None when they share one (or one
    side has no class). *where* names the two runs ("in the two files"),
    *how* the option that gives the language ("another --lang").

    >>> print(no_common_class("tier", pd.Series(["Gold"]), pd.Series(["金卡"]),
    ...                       "in the two files", "another --lang"))
    'tier' has no class in common in the two files (e.g. 'Gold' and '金卡'): were they made with other rules or another --lang? Every customer counts as moved
    >>> no_common_class("tier", pd.Series(["Gold"]), pd.Series(["Gold", "X"]),
    ...                 "", "") is None
    True

    Two classes that only read alike are shown by their code points:

    >>> print(no_common_class("tier", pd.Series(["Gold"]),
    ...                       pd.Series(["Gold\u200b"]), "", ""))  # doctest: +ELLIPSIS
    'tier' has no class in common  (e.g. 'Gold' and 'Gold\u200b'): ...
    """
    examples = disjoint_classes(before, after)
    if examples is None:
        return None
    # two that read alike (an invisible character apart): by code points
    old, (new,) = _display.apart(examples[0], [examples[1]])
    return (
        f"{column!r} has no class in common {where} (e.g. {old!r} and "
        f"{new!r}): were they made with other rules or {how}? Every "
        "customer counts as moved"
    )


def disjoint_classes(before: pd.Series, after: pd.Series) -> tuple[str, str] | None:
    r"""A class of *before* and one of *after* (the first by name) when the
    two share no class name (compared as text, in one Unicode form: ``Café``
    with its accent stored apart is ``Café``, as
    :func:`~custseg.migration.transition_matrix` matches them), else None
    (also when one has no class at all).

    >>> disjoint_classes(pd.Series(["b", "a"]), pd.Series(["c", None]))
    ('a', 'c')
    >>> disjoint_classes(pd.Series([1, 2]), pd.Series(["2"])) is None
    True
    >>> disjoint_classes(pd.Series(["Café"]), pd.Series(["Café"])) is None
    True
    """
    old = {composed(str(x)): str(x) for x in pd.unique(before.dropna().to_numpy())}
    new = {composed(str(x)): str(x) for x in pd.unique(after.dropna().to_numpy())}
    if not old or not new or old.keys() & new.keys():
        return None
    return old[min(old)], new[min(new)]


#: The header pandas gives the row numbers it writes first (``to_csv()``
#: without ``index=False``: an empty header, read back as ``Unnamed: 0``;
#: ``__index_level_0__`` in a Parquet file)
_ROW_NUMBER_HEADERS = frozenset({"", "Unnamed: 0", "__index_level_0__"})


def ids_first(
    df: pd.DataFrame, path: str, name: str = "customer_id", what: str = "customer id"
) -> pd.DataFrame:
    """*df* (a table read from *path* whose first column holds the ids) with
    pandas' row numbers left out: a first column with no name
    (:data:`_ROW_NUMBER_HEADERS`) of whole numbers is row numbers, never
    ids; the ids are then the column *name*, moved first, and without one
    it is an error. Any other first column is the ids, as it is.

    >>> rows = pd.DataFrame({"Unnamed: 0": ["0", "1"], "customer_id": ["b", "a"],
    ...                      "rfm": ["1", "2"]})
    >>> ids_first(rows, "june.csv").columns.tolist()
    ['customer_id', 'rfm']
    >>> ids_first(rows.drop(columns="customer_id"), "june.csv")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'june.csv' has row numbers in its first column, ...
    """
    first = str(df.columns[0])
    if first.strip() not in _ROW_NUMBER_HEADERS or len(df.columns) < 2:
        return df
    cells = df.iloc[:, 0]
    text = cells.astype(str).str.strip()
    if not (len(text) and text.str.fullmatch(r"[0-9]+").all()):
        return df  # an unnamed column of ids that are not row numbers
    rest = df.iloc[:, 1:]
    if name in rest.columns:
        return rest[[name, *(c for c in rest.columns if c != name)]]
    raise InputError(
        path,
        "has row numbers in its first column, which has no name (pandas' "
        f"to_csv() writes them unless index=False), and no {name!r} column, "
        f"so no column holds the {what}s",
        fix="write it with to_csv(index=False), or delete its first column",
    )


def _read(
    path: str,
    sep: str | None = None,
    encoding: str | None = None,
    typed: bool = True,
    sep_fix: str | None = None,
) -> pd.DataFrame:
    """One ``custseg segment`` output, indexed by its first column; the
    labels read exactly as written (:func:`_read_verbatim`; without *typed*
    left as text, for :func:`_typed_together`; *sep_fix* as there)."""
    df = _read_verbatim(path, sep, encoding, typed, sep_fix)
    if len(df.columns) < 2:
        raise InputError(
            path,
            "has fewer than two columns",
            fix="pass output files of custseg segment (customer id first, then "
            "the facts, scores and labels)",
        )
    if not len(df):
        raise InputError(
            path,
            no_rows(path, "customers"),
            fix="pass an output of custseg segment for a period with customers",
        )
    moved = ids_first(df, path)
    if moved is not df and not typed:
        # the ids column of a file with row numbers first, typed as
        # _read_verbatim types it (17.0 is the id 17)
        moved = moved.copy()
        _put(moved, 0, _typed(moved.iloc[:, 0]))
    df = moved.set_index(moved.columns[0])
    # the rows named as due and assign name them: a CSV file's line, a
    # Parquet file's 0-based row
    rows = len(df)
    if df.index.hasnans:
        missing = np.asarray(df.index.isna())
        raise with_line(
            InputError(
                path,
                f"has missing customer ids in its first column {str(df.index.name)!r}",
                first_row=int(np.flatnonzero(missing)[0]),
                n_rows=int(missing.sum()),
                fix="pass output files of custseg segment (one row per customer, "
                "each with its id)",
            ),
            path,
            sep=sep,
            encoding=encoding,
            rows=rows,
        )
    scientific = scientific_ids(df.index)
    if scientific is not None:
        first, n, shown = scientific
        raise with_line(
            InputError(
                path,
                f"has customer ids written in scientific notation in its first "
                f"column {str(df.index.name)!r}, such as {shown!r}",
                first_row=first,
                n_rows=n,
                fix=SCIENTIFIC_IDS_FIX,
            ),
            path,
            sep=sep,
            encoding=encoding,
            rows=rows,
        )
    try:  # float32 past 2**24: two customers' ids may be stored as one
        refuse_narrow_ids(df.index, path)
    except InputError as err:
        # the file and its id column, as the other refusals of its ids say
        problem = err.problem.replace(
            "has customer ids stored as",
            f"has customer ids in its first column {str(df.index.name)!r} stored as",
            1,
        )
        named = InputError(
            path, problem, first_row=err.first_row, n_rows=err.n_rows, fix=err.fix
        )
        raise with_line(named, path, sep=sep, encoding=encoding, rows=rows) from None
    # floats past 2**53 (a Parquet double column) are told beside the other
    # run's ids (check_float_ids): as text they are exact only beside floats
    float_ids = float_id_info(df.index)
    all_floats = df.index.dtype.kind == "f"
    # ids are compared as text: a Parquet file keeps integer ids, a CSV file
    # is read as text, and 17 (or 17.0) must meet "17"
    df.index = _id_text(df.index).rename(df.index.name)
    if not df.index.is_unique:
        again = np.asarray(df.index.duplicated())
        first = int(np.flatnonzero(again)[0])
        raise with_line(
            InputError(
                path,
                f"has customer {df.index[first]!r} more than once in its first "
                f"column {str(df.index.name)!r}",
                first_row=first,
                n_rows=int(again.sum()),
                fix="pass output files of custseg segment (one row per customer)",
            ),
            path,
            sep=sep,
            encoding=encoding,
            rows=rows,
        )
    df.attrs["float_ids"], df.attrs["all_float_ids"] = float_ids, all_floats
    return df


def float_id_info(index: pd.Index) -> tuple[int, int, str] | None:
    """``(first row, rows, the first shown)`` of the ids of *index* that are
    floats past 2**53 (:func:`_lossy_float_ids`), or None."""
    lossy = _lossy_float_ids(index)
    if not lossy.any():
        return None
    first = int(np.flatnonzero(lossy)[0])
    shown = str(_shortest_text(np.array([float(index[first])]))[0])
    return first, int(lossy.sum()), shown


def float_ids_error(
    found: tuple[int, int, str], field: str, other: str, column: Any
) -> InputError:
    """The refusal of ids that are floats past 2**53 (*found*, as
    :func:`float_id_info` gives it) in *field*, beside *other*, whose ids
    are not all floats: a float holds no integer past 2**53 exactly
    (``2**53 + 1`` is stored as ``2**53``), so the customer
    ``9007199254740993`` of one run would meet ``9007199254740992`` of the
    other as another customer (or another customer as the same one), as
    :func:`custseg.transition_matrix` refuses such ids. Two runs of float
    ids pair float by float, as there."""
    first, n, shown = found
    return InputError(
        field,
        f"has customer ids stored as floats past 2**53 in its column "
        f"{str(column)!r}, such as {shown}, and {other} does not store its "
        "ids as floats: a float holds no integer past 2**53 exactly "
        "(9007199254740993 is stored as 9007199254740992), so these ids "
        "cannot be paired with the other run's exactly",
        first_row=first,
        n_rows=n,
        fix="write the ids as integers or as text where the file is made (an "
        "int64 or string Parquet column; custseg segment writes them as it "
        "read them)",
    )


def check_float_ids(
    before: pd.DataFrame,
    after: pd.DataFrame,
    paths: tuple[str, str],
    sep: str | None = None,
    encoding: str | None = None,
) -> None:
    """Refuse a run whose ids are floats past 2**53 (as :func:`_read` found
    them) beside a run whose ids are not all floats
    (:func:`float_ids_error`)."""
    both = before.attrs.get("all_float_ids") and after.attrs.get("all_float_ids")
    for k, df in enumerate((before, after)):
        found = df.attrs.get("float_ids")
        if found is None or both:
            continue
        raise with_line(
            float_ids_error(found, paths[k], repr(paths[1 - k]), df.index.name),
            paths[k],
            sep=sep,
            encoding=encoding,
            rows=len(df),
        )


#: a date (and time) as custseg's outputs write them: records such as
#: last_contact and birthday, copied into a segment output, are no classes
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _is_label(col: pd.Series) -> bool:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return True
    if (
        pd.api.types.is_numeric_dtype(col.dtype)
        or pd.api.types.is_bool_dtype(col.dtype)
        or pd.api.types.is_datetime64_any_dtype(col.dtype)
    ):
        return False
    # Python strings: pandas' own text dtype refuses a lone surrogate
    distinct = pd.unique(col.dropna().to_numpy(dtype=object))
    texts = [t for t in map(str, distinct) if t.strip()]
    # dates kept as text (as the files are read): a date column, not classes
    return not (texts and all(_DATE_TEXT.fullmatch(t) for t in texts))


def _as_classes(col: pd.Series) -> pd.Series:
    """A label column as a categorical Series: numbers (scores) in numeric
    order, whole floats (a score column with gaps) as integers. A
    categorical (a Parquet dictionary column) keeps its order only when it
    is ordered; otherwise its classes are sorted as a text column's are,
    since pyarrow and Polars build a dictionary in order of first
    appearance, the row order of the file.

    >>> _as_classes(pd.Series(["b", "a"], dtype="category").cat.reorder_categories(
    ...     ["b", "a"])).cat.categories.tolist()
    ['a', 'b']
    >>> _as_classes(pd.Series(pd.Categorical(["b", "a"], ["b", "a"], ordered=True))
    ...             ).cat.categories.tolist()
    ['b', 'a']
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        if col.cat.ordered:
            return col
        categories = col.cat.categories
        try:
            order = categories.sort_values()
        except TypeError:  # classes of mixed kinds: by their text
            order = categories[np.argsort(categories.astype(str), kind="stable")]
        return col.cat.reorder_categories(_whole_numbers_first(order))
    if pd.api.types.is_bool_dtype(col.dtype):
        # yes/no (a group column): the classes False and True, as a column
        # with blank cells (read as objects) has them, never the numbers 0
        # and 1 (which pandas counts bools as, and which match no bool)
        flags = col.astype(object).where(col.notna(), None)
        return pd.Series(
            pd.Categorical(flags, categories=[False, True]),
            index=col.index,
            name=col.name,
        )
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        known = values[~missing]
        if (known == np.round(known)).all() and (np.abs(known) < 2.0**53).all():
            # (built with its mask: the same whatever pandas' NaN/NA option)
            whole = np.where(missing, 0, values).astype(np.int64)
            col = pd.Series(
                pd.arrays.IntegerArray(whole, missing), index=col.index, name=col.name
            )
    if pd.api.types.is_numeric_dtype(col.dtype):
        col = col.astype(object).where(col.notna(), None)
        classes = sorted({int(x) if float(x).is_integer() else x for x in col.dropna()})
        return pd.Series(
            pd.Categorical(col, categories=classes), index=col.index, name=col.name
        )
    col = col.astype("category")
    return col.cat.reorder_categories(_whole_numbers_first(col.cat.categories))


@functools.cache
def _known_orders() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The classes custseg's own ordered columns hold, in their order, by
    column name, in English and Chinese: the stages of ``lifecycle``, the
    ``abc`` classes, ``present`` and ``relationship``, and the tables of the
    presets (``care_phase``, ``nps_band``). A CSV file keeps no order of its
    classes and a Parquet file of a rules file's table does, so these are
    the one order a column gets whatever the file type (:func:`in_one_order`).
    """
    from .frame import PRESENT_NAMES, PRESENT_ZH
    from .lifecycle import _ZH_STAGES
    from .pareto import ABC_NAMES
    from .relationship import _ZH as RELATIONSHIP_ZH
    from .relationship import NO_SALE, RELATIONSHIP_TYPES, UNKNOWN
    from .rules import load

    orders: dict[str, list[tuple[str, ...]]] = {}

    def add(column: str, names: tuple[str, ...], zh: Any) -> None:
        orders.setdefault(column, []).append(tuple(names))
        orders[column].append(tuple(zh.get(n, n) for n in names))

    add("lifecycle", tuple(_ZH_STAGES), _ZH_STAGES)
    add("abc", ABC_NAMES, {})
    add("present", PRESENT_NAMES, PRESENT_ZH)
    add("relationship", (*RELATIONSHIP_TYPES, NO_SALE, UNKNOWN), RELATIONSHIP_ZH)
    # (every preset extends base, whose tables they share)
    for name, table in load("base").tables.items():
        for lang, words in table.translations.items():
            if lang == "zh":
                add(name, table.names, words)
    return {k: tuple(dict.fromkeys(v)) for k, v in orders.items()}


def rules_orders(rs: Any) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The classes of every table and segmentation of the rules *rs* (a
    :class:`~custseg.rules.RuleSet`, or None: none), in its order, by output
    name, with each translation's names in the same order: what ``migrate
    --rules`` / ``--preset`` orders those columns by (:func:`in_one_order`),
    which a CSV file cannot carry.

    >>> from custseg import rules
    >>> own = rules.loads('''format = 1
    ... [fields]
    ... frequency = { type = "integer", min = 0 }
    ... [segments.tier]
    ... order = ["zeta", "alpha", "mid"]
    ... rules = [{ label = "zeta", when = "frequency >= 5" },
    ...          { label = "alpha", when = "frequency >= 3" }]
    ... default = "mid"
    ... ''')
    >>> rules_orders(own)["tier"]
    (('zeta', 'alpha', 'mid'),)
    >>> rules_orders(rules.preset("beauty_salon"))["visit_tier"][1][:2]
    ('散客', '普通会员')
    """
    if rs is None:
        return {}
    orders: dict[str, list[tuple[str, ...]]] = {}
    for outputs in (rs.tables, rs.segments):
        for name, out in outputs.items():
            names = tuple(str(n) for n in out.names)
            kept = orders.setdefault(str(name), [])
            kept.append(names)
            for words in dict(out.translations).values():
                kept.append(tuple(str(words.get(n, n)) for n in names))
    return {k: tuple(dict.fromkeys(v)) for k, v in orders.items()}


def in_one_order(
    column: Any,
    old: pd.Series,
    new: pd.Series,
    orders: dict[str, tuple[tuple[str, ...], ...]] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """*old* and *new* (from :func:`_as_classes`), their text classes in one
    order whatever the file type: the classes some customer of the file
    holds (a Parquet file's empty dictionary entries are left out, as a
    CSV file has none), in custseg's own order where the column is one of
    its ordered columns (:func:`_known_orders`: ``lifecycle`` ``active``
    before ``silent``), else in text order (numbers by value), also when a
    Parquet file stored another order (a CSV file of the same run cannot).
    *orders* (:func:`rules_orders`: the tables and segmentations of
    ``migrate --rules`` / ``--preset``) come first: a column whose classes
    are all among them is in the rules' order. Columns of other classes
    (numbers, yes/no) are as they are.

    >>> a = pd.Series(pd.Categorical(["gone", "active"],
    ...     ["active", "silent", "gone", "no_purchase"], ordered=True))
    >>> b = pd.Series(pd.Categorical(["silent", "active"]))
    >>> [s.cat.categories.tolist() for s in in_one_order("lifecycle", a, b)]
    [['active', 'gone'], ['active', 'silent']]
    >>> c = pd.Series(pd.Categorical(["Gold", "Silver"], ["Gold", "Silver"],
    ...                              ordered=True))
    >>> [s.cat.categories.tolist() for s in in_one_order("tier", c, c)]
    [['Gold', 'Silver'], ['Gold', 'Silver']]
    >>> own = {"tier": (("Silver", "Gold"),)}
    >>> [s.cat.categories.tolist() for s in in_one_order("tier", c, c, own)]
    [['Silver', 'Gold'], ['Silver', 'Gold']]
    """
    categories = [*old.cat.categories, *new.cat.categories]
    if not all(isinstance(c, str) for c in categories):
        return old, new
    held_old = set(pd.unique(old.dropna().to_numpy(dtype=object)))
    held_new = set(pd.unique(new.dropna().to_numpy(dtype=object)))
    classes = held_old | held_new
    order = None
    candidates = (*(orders or {}).get(str(column), ()),)
    candidates += _known_orders().get(str(column), ())
    for known in candidates:
        if classes <= set(known):
            order = [c for c in known if c in classes]
            break
    if order is None:
        order = sorted_names(list(classes))
    # each file its own classes (look-alike pairs are told across the two)
    return (
        old.cat.set_categories([c for c in order if c in held_old], ordered=False),
        new.cat.set_categories([c for c in order if c in held_new], ordered=False),
    )


def _whole_numbers_first(categories: pd.Index) -> list[Any]:
    """Text classes with those written as numbers first, by value
    (``"9"`` before ``"10"``, as a Parquet file's integers are ordered;
    ``"0.5"`` before ``"1"``), then the rest in text order; classes of other
    kinds as they are.

    >>> _whole_numbers_first(pd.Index(["10", "9", "a"]))
    ['9', '10', 'a']
    """
    items = list(categories)
    if not items or not all(isinstance(x, str) for x in items):
        return items
    return sorted_names(items)


def _columns(
    before: pd.DataFrame,
    after: pd.DataFrame,
    asked: list[str] | None,
    names: tuple[str, str] = ("BEFORE", "AFTER"),
    paths: tuple[str, str] | None = None,
) -> list[str]:
    """The label columns to compare: *asked* (each in both files), or every
    column both files have that is a label column in either
    (:func:`compared_columns`, the choice the report's migration section
    makes too: text, a dictionary, flags, or whole numbers of few values,
    at most :data:`_FEW_CLASSES` in each file, such as a rules table's
    labels ``1`` and ``2`` read from a CSV file; not the facts, scores and
    dates of ``custseg segment``, nor a measure in either file: numbers not
    all whole, or whole numbers of more values, such as the records' fields
    ``visits`` and ``points``); empty in one file, it is compared too (its
    customers' labels are missing there). A label column of more classes
    than a transition matrix holds (:data:`~custseg.migration.MAX_CELLS`
    cells, the free text of a records field) is not compared either. Any
    other column both have (empty in both, measures, too many classes) is
    named in a warning (:func:`left_out`), with the --column that compares
    it. A label column of each file whose names only read alike
    (:func:`look_alike_columns`) is said in a warning. When no column is
    compared, those are said in the error, named by *paths* (the files).

    >>> b = pd.DataFrame({"tier": [np.nan, np.nan], "band": [1, 2]})
    >>> _columns(b, b.assign(tier=["gold", "silver"]), None)
    ['tier', 'band']
    """
    if asked:
        for name in asked:
            for path, df in ((names[0], before), (names[1], after)):
                if name not in df.columns:
                    said, columns = _display.listed(name, [str(c) for c in df.columns])
                    problem = (
                        f"is the id column of {path} (customers are matched "
                        "by it), not a label column"
                        if name == df.index.name
                        else f"is not a column of {path}"
                    )
                    raise InputError(said, problem, fix=f"pick one of [{columns}]")
        return asked
    shared, skipped, note = compared_columns(before, after, names)
    left = left_out(skipped)
    if not shared:
        # scores are classes too when asked for with --column
        scores = [str(c) for c in _SCORES if c in before.columns and c in after.columns]
        if scores and not skipped:
            fix = (
                f"name a score column with --column (the files share "
                f"[{_display.listed('', scores)[1]}]), e.g. --column "
                f"{shlex.quote(scores[0])}"
            )
        elif skipped:
            fix = f"name a column with --column, e.g. --column {shlex.quote(skipped[0][0])}"
        else:
            both = [str(c) for c in before.columns if c in after.columns]
            fix = (
                "pass two outputs of custseg segment made with the same rules "
                "(the files share "
                + (
                    f"only [{_display.listed('', both)[1]}], facts and dates, not "
                    "labels,"
                    if both
                    else "no column"
                )
                + " besides the customer id)"
            )
        said = [n for n in (left, note) if n is not None]
        raise InputError(
            paths[0] if paths is not None else names[0],
            f"shares no label column with {names[1]}"
            + (f" ({'; '.join(said)})" if said else ""),
            fix=fix,
        )
    if left is not None:
        left += f": compare {_one(skipped)} with --column {shlex.quote(skipped[0][0])}"
    for n in (left, note):
        if n is not None:
            warnings.warn(n, CustsegWarning, stacklevel=2)
    return shared


def compared_columns(
    before: pd.DataFrame,
    after: pd.DataFrame,
    names: tuple[str, str] = ("BEFORE", "AFTER"),
) -> tuple[list[str], list[tuple[str, str]], str | None]:
    """Which columns of two runs are label columns, compared by default: the
    one choice of ``custseg migrate`` (:func:`_columns`) and of the report's
    migration section (``custseg report --previous``), so that both compare
    the same columns of the same two runs.

    *before* and *after* are read as files are (:func:`_read_verbatim`,
    typed together: :func:`_typed_together`; a frame in memory as
    :func:`as_written` writes it). Gives the label columns both have, in
    *before*'s order (text, a dictionary, flags or whole numbers of at most
    :data:`_FEW_CLASSES` values in each, :func:`_role`; not the facts,
    scores and dates of ``custseg segment``, and no more classes than a
    matrix holds); the other columns both have, each with why it is left
    out (for :func:`left_out`); and the warning about label columns whose
    names only read alike (:func:`look_alike_columns`), or None. *names*
    name the two runs in the reasons.

    >>> b = pd.DataFrame({"tier": ["gold", "silver"], "decile": range(1, 3),
    ...                   "points": [1.5, 2.0], "recency_days": [3, 4]})
    >>> a = b.assign(decile=range(11, 13))
    >>> shared, skipped, note = compared_columns(b, a)
    >>> shared, skipped, note
    (['tier', 'decile'], [('points', 'numbers not all whole, a measure in both')], None)
    """
    shared, skipped = [], []
    for c in before.columns:
        if c not in after.columns or c in _NOT_LABELS or c in _NOT_CLASSES:
            continue
        roles = {_role(before[c]), _role(after[c])}
        if roles & {"classes", "whole numbers"} and not roles & {
            "dates",
            "numbers",
            "many numbers",
        }:
            # a label column in either file: compared (its empty side is the
            # class missing; labels "1", "2" of a CSV file read as numbers),
            # unless a matrix of its classes would be too large
            counts = before[c].nunique(), after[c].nunique()
            if (counts[0] + 1) * (counts[1] + 1) > MAX_CELLS:
                skipped.append(
                    (
                        str(c),
                        f"{counts[0]:,d} and {counts[1]:,d} classes, a matrix "
                        f"of more than {MAX_CELLS:,d} cells",
                    )
                )
            else:
                shared.append(c)
        elif roles - {"dates", "empty"} or roles == {"empty"}:
            skipped.append((str(c), _why_not(before[c], after[c], names)))
    return shared, skipped, look_alike_columns(before, after, names)


def _one(skipped: list[tuple[str, str]]) -> str:
    return "it" if len(skipped) == 1 else "one"


def left_out(skipped: list[tuple[str, str]], runs: str = "both files") -> str | None:
    """The warning naming the columns *skipped* (column, why:
    :func:`compared_columns`) that *runs* (``"both files"``, ``"both
    runs"``) have and that are not compared; None when there are none. The
    first :data:`_SHOWN_SKIPPED` are named, with why.

    >>> print(left_out([("points", "numbers not all whole, a measure in both")]))
    1 column both files have is not compared: 'points' (numbers not all whole, a measure in both)
    """
    if not skipped:
        return None
    shown = "; ".join(f"{c!r} ({why})" for c, why in skipped[:_SHOWN_SKIPPED])
    more = len(skipped) - _SHOWN_SKIPPED
    return (
        f"{len(skipped):,d} column{'s' if len(skipped) != 1 else ''} {runs} have "
        f"{'is' if len(skipped) == 1 else 'are'} not compared: "
        + shown
        + (f"; {more:,d} more" if more > 0 else "")
    )


#: Columns of ``custseg segment`` output that are facts or scores, not
#: labels: not compared unless named with --column (scores are classes
#: then).
_NOT_CLASSES = frozenset({*FACT_COLUMNS, *_MONEY_COLUMNS, *_SCORES})
#: Columns named in the warning of the columns left out.
_SHOWN_SKIPPED = 3
#: The most values of a column of whole numbers compared by default (in
#: each file): a rules table's labels (tiers 1 .. 5, deciles); whole
#: numbers of more values (a records field such as ``points``) are a
#: measure, compared only when named with --column.
_FEW_CLASSES = 10


def _role(col: pd.Series) -> str:
    """What a column of a segment output holds, for the columns compared by
    default: ``"classes"`` (text, a dictionary, flags), ``"whole numbers"``
    (at most :data:`_FEW_CLASSES` values, labels such as ``1`` and ``2``
    read as numbers: a rules table's), ``"many numbers"`` (whole numbers
    of more values: a measure, such as a records field ``points``),
    ``"numbers"`` (not all whole: a measure), ``"dates"`` or ``"empty"``
    (every cell missing: a label nobody had that period).

    >>> [_role(pd.Series(x)) for x in (["a"], [1.0, 2.0], [1.5], [None, None])]
    ['classes', 'whole numbers', 'numbers', 'empty']
    >>> _role(pd.Series(range(11)))
    'many numbers'
    """
    if not col.notna().to_numpy().any():
        return "empty"  # (a dictionary too: the same in a CSV file)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return "classes"
    if pd.api.types.is_bool_dtype(col.dtype):
        return "classes"  # yes/no: False and True (as with a missing cell)
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        known = values[~np.isnan(values)]
        whole = np.isfinite(known).all() and (known == np.round(known)).all()
        if not whole:
            return "numbers"
        few = len(np.unique(known)) <= _FEW_CLASSES
        return "whole numbers" if few else "many numbers"
    return "classes" if _is_label(col) else "dates"


def _why_not(before: pd.Series, after: pd.Series, names: tuple[str, str]) -> str:
    """Why a column both files have is not compared, for the warning."""
    said = []
    for name, col in ((names[0], before), (names[1], after)):
        role = _role(col)
        shown = {
            "numbers": "numbers not all whole, a measure",
            "many numbers": f"whole numbers of more than {_FEW_CLASSES} values, "
            "a measure",
        }.get(role, role)
        said.append(f"{shown} in {name}")
    if said[0].split(" in ")[0] == said[1].split(" in ")[0]:
        return said[0].split(" in ")[0] + " in both"
    return ", ".join(said)


def look_alike_columns(
    before: pd.DataFrame,
    after: pd.DataFrame,
    names: tuple[str, str] = ("BEFORE", "AFTER"),
) -> str | None:
    r"""The warning for label columns of *before* and *after* whose names
    read alike (:func:`custseg._display.alike`, blanks around them left
    out: a zero-width space, a soft hyphen, an accent stored apart) but are
    other texts, so that neither is compared; None when there are none.
    Names by their code points.

    Only the columns without a namesake in the other file are paired, as a
    column is matched by its exact name; it is not compared under the
    other's name (which file's would the output use, and a file may hold
    both spellings), only said.

    >>> b = pd.DataFrame({"lifecycle": ["a"], "abc": ["A"]})
    >>> a = pd.DataFrame({"life­cycle": ["a"], "abc": ["A"]})
    >>> print(look_alike_columns(b, a))  # doctest: +ELLIPSIS
    a label column of BEFORE and one of AFTER read alike but are other texts ('lifecycle' in BEFORE, 'life­cycle' in AFTER), so they are not compared: ...
    >>> look_alike_columns(b, b) is None
    True
    """

    def labels(df: pd.DataFrame, other: pd.DataFrame) -> list[Any]:
        return [
            c
            for c in df.columns
            if c not in other.columns
            and c not in _NOT_LABELS
            and isinstance(c, str)
            and _is_label(df[c])
        ]

    pairs = look_alike_pairs(labels(before, after), labels(after, before), case=True)
    if not pairs:
        return None
    n = len(pairs)
    shown = "; ".join(
        f"{_display.Escaped(b)!r} in {names[0]}, {_display.Escaped(a)!r} in {names[1]}"
        for b, a in pairs[:3]
    )
    more = f"; {n - 3:,d} more" if n > 3 else ""
    what = (
        f"a label column of {names[0]} and one of {names[1]} read alike"
        if n == 1
        else f"{n:,d} pairs of label columns, one of {names[0]} and one of "
        f"{names[1]}, read alike"
    )
    return (
        f"{what} but are other texts ({shown}{more}), so they are not compared: "
        "a column is matched by its exact name; write the header the same way "
        "in both files"
    )


#: A score and the fact it scores, where the fact never falls between two
#: runs of the same customers without the score's edges having moved.
_SCORED = (("f", "frequency"), ("m", "monetary"))


def refitted_scores(
    before: pd.DataFrame, after: pd.DataFrame, lang: str = "en"
) -> str | None:
    """A warning when the two runs' score edges differ: customers (matched by
    id) whose F (or M) score fell while their purchase count (or spend) did
    not, which fixed edges cannot give; None when there are none (or the
    files lack the columns). *lang* ``"zh"`` writes it in Chinese (for the
    page of ``custseg report --lang zh``).

    >>> b = pd.DataFrame({"f": [3, 2], "frequency": [4, 2]}, index=["a", "b"])
    >>> a = pd.DataFrame({"f": [2, 2], "frequency": [5, 2]}, index=["a", "b"])
    >>> print(refitted_scores(b, a))  # doctest: +ELLIPSIS
    the two runs' score edges differ: 1 customer's f score fell while their frequency did not. The ...)
    >>> print(refitted_scores(b, a, lang="zh"))  # doctest: +ELLIPSIS
    两期的评分分界值不同:1 位客户的 f 评分下降了,而其 frequency 没有下降。...
    """
    ids = before.index.intersection(after.index)
    found = []
    for score, fact in _SCORED:
        if not all(c in df.columns for df in (before, after) for c in (score, fact)):
            continue
        numbers = [
            pd.to_numeric(df.loc[ids, c], errors="coerce").to_numpy(dtype=np.float64)
            for df in (before, after)
            for c in (score, fact)
        ]
        s0, x0, s1, x1 = numbers
        with np.errstate(invalid="ignore"):
            odd = (s1 < s0) & (x1 >= x0)
        n = int(np.count_nonzero(odd))
        if n and lang == "zh":
            found.append(f"{n:,d} 位客户的 {score} 评分下降了,而其 {fact} 没有下降")
        elif n:
            who = "customer's" if n == 1 else "customers'"
            found.append(f"{n:,d} {who} {score} score fell while their {fact} did not")
    if not found:
        return None
    if lang == "zh":
        return (
            "两期的评分分界值不同:"
            + ";".join(found)
            + "。评分在每期各自重新拟合,所以它们的变动(以及基于评分的类别,如 "
            "rfm11、rfm8 的变动)部分是分界值的变动:请用相同的分界值为两期评分"
            "(规则文件中固定的 [scores],或 custseg.segment_history)。"
        )
    return (
        "the two runs' score edges differ: "
        + "; ".join(found)
        + ". The scores were fitted anew on each run, so their moves (and those "
        "of classes built on them, such as rfm11 or rfm8) are partly the edges' "
        "moves: score both periods with the same edges (fixed [scores] in a "
        "rules file, or custseg.segment_history)"
    )


def run_day(df: pd.DataFrame) -> pd.Timestamp | None:
    """The day a ``custseg segment`` output was made for (its as_of): a
    buyer's ``last_purchase`` day plus their ``recency_days``; None when the
    table lacks either column or has no buyer.

    >>> run_day(pd.DataFrame({"last_purchase": ["2025-01-10", None],
    ...                       "recency_days": [21, None]}))
    Timestamp('2025-01-31 00:00:00')
    """
    if "last_purchase" not in df.columns or "recency_days" not in df.columns:
        return None
    last = df["last_purchase"]
    if pd.api.types.is_datetime64_any_dtype(last.dtype):
        if getattr(last.dtype, "tz", None) is not None:
            last = last.dt.tz_localize(None)  # the wall-clock day
        days = last.dt.floor("D")
    else:  # text as written: its ISO day (a time of day or an offset after it)
        written = last.astype(object).where(last.notna(), None)
        text = written.astype("string")
        days = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        if (days.isna() & text.notna()).any():
            # re-saved by a spreadsheet (2024/12/31 4:07): read as the date
            # column is, or an error; never a guard skipped in silence
            days = parse_date_column(
                written,
                "last_purchase",
                fix="write the dates as custseg segment writes them (2024-12-31), "
                "so that the day of the run can be told",
            ).dt.floor("D")
    recency = pd.to_numeric(df["recency_days"], errors="coerce")
    day = (days + pd.to_timedelta(recency, unit="D")).dropna()
    return pd.Timestamp(day.max()) if len(day) else None


def check_order(
    before: pd.DataFrame, after: pd.DataFrame, names: tuple[str, str], fix: str
) -> None:
    """Refuse two runs given in the wrong order (*before* made for a later
    day than *after*, :func:`run_day`): customers who arrived in between
    would count as gone. *names* name the two in the message (the field,
    then a phrase: ``"the run of AFTER"``), *fix* says what to do."""
    first, last = run_day(before), run_day(after)
    if first is not None and last is not None and first > last:
        raise InputError(
            names[0],
            f"is a run of {first:%Y-%m-%d}, after {names[1]} "
            f"({last:%Y-%m-%d}; a run's day is a customer's last_purchase plus "
            "recency_days): compared in this order, customers who arrived in "
            "between would count as gone",
            fix=fix,
        )


def apart_note(
    before: pd.Index, after: pd.Index, where: tuple[str, str], lang: str = "en"
) -> str | None:
    """The warning for customers who seem gone from *before* and new in
    *after* only because their ids are written differently (``17`` and
    ``00017``, ``17.0``, spaces, case); None when there are none. *where*
    names the two runs; *lang* ``"zh"`` writes it in Chinese.

    >>> print(apart_note(pd.Index(["17", "23"]), pd.Index(["00017", "23"]),
    ...                  ("BEFORE", "AFTER")))  # doctest: +ELLIPSIS
    1 customer of BEFORE matches one of AFTER only once written alike (such as '17' in BEFORE and '00017' in AFTER), ...
    """
    gone, new = before[~members(before, after)], after[~members(after, before)]
    n, a, b = written_apart(gone, new)
    if not n:
        return None
    if lang == "zh":
        return (
            f"{n:,d} 位{where[0]}的客户只有在忽略写法差异后才与{where[1]}的客户"
            f"编号相同(例如{where[0]}的 {a!r} 与{where[1]}的 {b!r}),所以他们被"
            "算作流失又算作新增:编号按原样比较(00017 与 17 是不同的编号),"
            "请在两期中用同一种写法。"
        )
    who = "customer" if n == 1 else "customers"
    verb = "matches" if n == 1 else "match"
    return (
        f"{n:,d} {who} of {where[0]} {verb} one of {where[1]} only once written "
        f"alike (such as {a!r} in {where[0]} and {b!r} in {where[1]}), so they "
        "count as gone and as new: ids match only as written (00017 and 17, "
        "C7 and c7 are different ids); write them the same way in both runs"
    )


#: Facts a label may be a step function of (lifecycle and R of recency, a
#: rules table on one fact): the same value must get the same class in two
#: runs made with the same thresholds.
_STEP_FACTS = ("recency_days", "frequency", "monetary")
#: Columns fitted anew on each run by design (ABC: shares of this run's
#: revenue) or told by :func:`refitted_scores` (F and M).
_REFIT = frozenset({"abc", "f", "m"})
#: Customers who share their fact's value with another, in each run, before
#: a label that gives each shared value one class is taken for a function
#: of that fact (fewer could agree by chance).
_SHARED_MIN = 20


def _steps(facts: pd.Series, labels: pd.Series) -> pd.Series | None:
    """The class of each value of *facts* when *labels* is a step function
    of it in this run (one class per value, each class one run of values
    in order, two classes or more, enough customers sharing a value); else
    None."""
    known = facts.notna().to_numpy() & labels.notna().to_numpy()
    x = pd.to_numeric(facts[known], errors="coerce")
    y = labels[known].astype(str)
    if x.isna().any() or y.nunique() < 2:
        return None
    shared = int(x.duplicated(keep=False).sum())
    if shared < _SHARED_MIN:
        return None
    per = pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()}).drop_duplicates()
    if per["x"].duplicated().any():  # one value, two classes: not a function
        return None
    per = per.sort_values("x")
    runs = int((per["y"] != per["y"].shift()).sum())
    if runs != per["y"].nunique():  # a class in two places: not steps
        return None
    return pd.Series(per["y"].to_numpy(), index=per["x"].to_numpy())


def edited_thresholds(
    before: pd.DataFrame,
    after: pd.DataFrame,
    columns: list[str],
    lang: str = "en",
) -> str | None:
    """A warning when a label column is a step function of one fact
    (``recency_days``, ``frequency``, ``monetary``) in both runs, but one
    value of the fact has another class in each: the thresholds were edited
    between the runs, so part of the movement is theirs. None otherwise.

    >>> days = list(range(60, 90)) * 2 + [140]
    >>> jan = pd.DataFrame({"recency_days": days,
    ...                     "lifecycle": ["active"] * 60 + ["silent"]})
    >>> feb = jan.assign(lifecycle=["silent"] * 60 + ["sleeping"])
    >>> print(edited_thresholds(jan, feb, ["lifecycle"]))  # doctest: +ELLIPSIS
    lifecycle: the same recency_days has another class in each run (60: 'active' before, 'silent' after; 31 values so). ...
    """
    found = []
    for column in columns:
        if column in _REFIT or column not in before or column not in after:
            continue
        for fact in _STEP_FACTS:
            if fact not in before.columns or fact not in after.columns:
                continue
            old = _steps(before[fact], before[column])
            new = _steps(after[fact], after[column])
            if old is None or new is None:
                continue
            both = old.index.intersection(new.index)
            differ = both[(old[both] != new[both]).to_numpy()]
            if len(differ):
                x = differ[0]
                shown = int(x) if float(x).is_integer() else x
                a, b = old[x], new[x]
                if lang == "zh":
                    found.append(
                        f"{column}:同一个 {fact} 在两期中属于不同的类别({shown}:"
                        f"之前为 {a!r},之后为 {b!r};共 {len(differ):,d} 个值如此)"
                    )
                else:
                    found.append(
                        f"{column}: the same {fact} has another class in each run "
                        f"({shown}: {a!r} before, {b!r} after; {len(differ):,d} "
                        "values so)"
                    )
                break
    if not found:
        return None
    if lang == "zh":
        return (
            ";".join(found)
            + "。两期的分界值不同(每期重新拟合,或规则文件被修改过?),所以部分变动"
            "来自分界值而不是客户:请用同一套规则和固定的分界值为两期分类。"
        )
    return (
        "; ".join(found)
        + ". The two runs used other thresholds (fitted anew on each run, or "
        "the rules file edited?), so part of the movement is the thresholds', "
        "not the customers': label both runs with the same rules and fixed "
        "edges"
    )


def moved_counts(tm: TransitionMatrix) -> tuple[int, int, int]:
    """The customers in both runs, only in the later one (*new*) and only in
    the earlier one (*gone*): the share that stayed is of the first.

    >>> from custseg.migration import transition_matrix
    >>> moved_counts(transition_matrix(pd.Series(["a"], index=["c1"]),
    ...                                pd.Series(["a", "b"], index=["c1", "c2"])))
    (1, 1, 0)
    """
    new = int(tm.matrix[-1].sum()) if tm.new is not None else 0
    gone = int(tm.matrix[:, -1].sum()) if tm.gone is not None else 0
    return tm.n_both, new, gone


def _report(column: str, tm: TransitionMatrix) -> str:
    stayed = tm.stayed
    kept = _display.percent(stayed)
    both, new, gone = moved_counts(tm)
    return "\n".join(
        [
            # the share is of the customers in both runs: that count beside it
            f"{column}: {tm.n:,d} customer{'s' if tm.n != 1 else ''} ({both:,d} in both runs, {new:,d} new, "
            f"{gone:,d} gone); of the {both:,d} in both, {kept} in the same class",
            "",
            "customers",
            tm.text("counts"),
            "",
            "share of the row",
            tm.text("shares"),
        ]
    )


def _file_names(before: str, after: str) -> tuple[str, str]:
    """How messages name the two files: ``BEFORE 'june.csv'``, ``AFTER
    'dec.csv'`` (the placeholders of the usage line, and the files given).

    >>> _file_names("june.csv", "dec.csv")
    ("BEFORE 'june.csv'", "AFTER 'dec.csv'")
    """
    return f"BEFORE {str(before)!r}", f"AFTER {str(after)!r}"


#: A fix that names a reading option and its value: ``--encoding gbk``,
#: ``--sep ';'``
_OPTION_VALUE = re.compile(r"(--encoding|--sep) ('[^']*'|\S+?)(?=[\s;,)]|$)")


def _read_both(
    before: str, after: str, args: argparse.Namespace
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """BEFORE and AFTER read untyped with the one ``--sep`` and
    ``--encoding`` (:func:`_one_reading` when only one of them reads so)."""
    names = _file_names(before, after)
    frames = []
    for path, other in ((before, (after, names[1])), (after, (before, names[0]))):
        try:
            frames.append(_read(path, args.sep, args.encoding, typed=False))
        except InputError as exc:
            raise _one_reading(exc, path, other, args) from None
    check_float_ids(frames[0], frames[1], (before, after), args.sep, args.encoding)
    return frames[0], frames[1]


def _one_reading(
    exc: InputError, path: str, other: tuple[str, str], args: argparse.Namespace
) -> InputError:
    """*exc* (reading *path*; *other*, the other file and how messages name
    it: ``AFTER 'dec.csv'``) with the reason its fix alone would not do, when
    it names another ``--encoding`` or ``--sep`` and the other file reads
    with the options given: one option reads both files, so the two must
    be saved alike (a GBK file beside a UTF-8 one, a ';'-separated one
    beside a comma one)."""
    # (a header of another separator says it in the problem)
    said = f"{exc.problem} {exc.fix}"
    asked = _OPTION_VALUE.findall(said) if exc.field == path else []
    if not asked:
        return exc
    option = asked[0][0]
    try:
        _read(other[0], args.sep, args.encoding, typed=False)
    except InputError:
        return exc  # neither reads so: the fix may serve both
    if option == "--encoding":
        given, alike, more = f"in {args.encoding or 'utf-8'}", "in one encoding", ""
    else:
        given = (
            f"with --sep {shlex.quote(args.sep)}" if args.sep else "by its extension"
        )
        alike = "with one separator"
        more = "; or name both .txt and leave --sep out: each .txt file's separator is sniffed"
    why = (
        f"but {option} reads both files, and {other[1]} reads {given}: save the "
        f"two {alike} (re-save one of them), then give that {option}{more}"
    )
    return InputError(
        exc.field,
        exc.problem,
        first_row=exc.first_row,
        n_rows=exc.n_rows,
        fix=f"{exc.fix}; {why}" if exc.fix else why,
    )


def _cmd(args: argparse.Namespace) -> int:
    from .cli import _check_output, _emit, _inputs_of

    _check_output(args.output, _inputs_of(args))
    orders = {}
    if args.rules is not None or args.preset is not None:
        from .frame import _load_rules

        # (checked before the files are read, as segment checks them)
        orders = rules_orders(_load_rules(args.preset, args.rules))
    # typed together: a label written the same way in both files is one class
    before, after = _typed_together(*_read_both(args.before, args.after, args))
    # a column named twice is compared once (each row of the output once)
    given = None if args.column is None else list(dict.fromkeys(args.column))
    names = _file_names(args.before, args.after)
    columns = _columns(before, after, given, names, (args.before, args.after))
    check_order(
        before,
        after,
        (str(args.before), f"the run of {names[1]}"),  # (the file, as a field)
        "give the earlier run first: custseg migrate EARLIER LATER",
    )
    tms, notes, thresholds = {}, [], []
    read: list[str] = []  # (text read as the other file's numbers)
    for column in columns:
        old, new = _as_classes(before[column]), _as_classes(after[column])
        # one order whatever the file type (a CSV file keeps none)
        old, new = in_one_order(column, old, new, orders)
        # a class called (new), (gone) or missing: the extra row and column
        # (and the row of missing labels) get a '*'
        classes = [*old.cat.categories, *new.cat.categories]
        missing = outside_names(classes, "missing")[0]
        first, last = outside_names([*classes, missing])
        # (no_common_class says below what the classes' languages would; the
        # note of a column's text read as the other file's numbers is kept
        # for the warnings, in their order)
        tm = tms[column] = _transition_matrix(
            old,
            new,
            None,
            first,
            last,
            missing,
            languages=False,
            apart=False,
            noted=read,
        )
        # the classes as the matrix names them (a Parquet file's float 1.0
        # and a CSV file's text 1.0 are one), the missing labels left out
        rows, cols, _ = tm._in_both()
        old_names = pd.Series([c for c in rows if c != missing], dtype=object)
        new_names = pd.Series([c for c in cols if c != missing], dtype=object)
        note = no_common_class(
            str(column), old_names, new_names, "in the two files", "another --lang"
        )
        apart = numbers_apart(old_names, new_names)
        if apart is None and disjoint_classes(old_names, new_names) is None:
            # classes that share no name (another --lang), or one number
            # written two ways, say nothing of thresholds: that diagnosis
            # comes alone
            thresholds.append(column)
        if apart is not None:
            # the cause, not other rules or another --lang
            note = (
                f"{str(column)!r}: {apart[0]!r} in {names[0]} and {apart[1]!r} in "
                f"{names[1]} are one number written two ways, but the column "
                "holds text that is not a number as pandas writes it (a label "
                "such as x, or 01 or 1.50), so its labels are compared as "
                "written and these are two classes: their customers count as "
                "moved; write the labels the same way in both runs"
            )
        notes.append(note)
    for note in (
        apart_note(before.index, after.index, names),
        refitted_scores(before, after),
        *read,
        *notes,
        edited_thresholds(before, after, thresholds),
    ):
        if note is not None:
            warnings.warn(note, CustsegWarning, stacklevel=1)
    reports, frames = [], []
    for column in columns:
        tm = tms[column]
        reports.append(_report(str(column), tm))
        if args.output:
            # the pairs some customer made, not every cell: a matrix of
            # thousands of classes is mostly zeros (the text shows 12 x 12)
            long = tm.to_pandas(zeros=False)
            long.insert(0, "column", str(column))
            frames.append(long)
    if args.output:
        table: Any = pd.concat(frames, ignore_index=True)
        for c in ("before", "after"):
            table[c] = table[c].astype(str)
        write_table(table, args.output)
    _emit("\n\n".join(reports))
    return 0


def register(sub: Any) -> None:
    """Add ``migrate`` to the subcommands *sub* of the ``custseg`` parser.

    >>> p = argparse.ArgumentParser()
    >>> register(p.add_subparsers(dest="command"))
    >>> p.parse_args(["migrate", "jan.csv", "feb.csv", "--column", "rfm8"]).column
    ['rfm8']
    """
    p = sub.add_parser(
        "migrate",
        help="count how customers moved between classes in two segment outputs",
        description="Match the customers of two `custseg segment` output files "
        "by id (the first column) and print, per label column, how many moved "
        "from each class to each other: counts and row shares. Customers only "
        "in AFTER are counted as (new), those only in BEFORE as (gone).",
    )
    p.add_argument(
        "before",
        metavar="BEFORE",
        help="the earlier segment output (.csv, .tsv, .txt, optionally "
        ".gz/.zip/.bz2/.xz, or .parquet)",
    )
    p.add_argument("after", metavar="AFTER", help="the later segment output")
    own = p.add_mutually_exclusive_group()
    own.add_argument(
        "--rules",
        metavar="FILE",
        help="the rules file of the two runs: its tables and segmentations "
        "are listed in its order (default: text order; a CSV file keeps none)",
    )
    own.add_argument(
        "--preset",
        metavar="NAME",
        help="the preset of the two runs, for the order of its classes",
    )
    p.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help="a label column to compare (repeat for several; default: every "
        "label column both files have; scores such as r work too)",
    )
    p.add_argument(
        "--sep",
        default=None,
        help="separator of text files: one character, 'tab' or 'whitespace' "
        "(default: ',' for .csv, tab for .tsv, sniffed for .txt)",
    )
    p.add_argument(
        "--encoding",
        default=None,
        help="text encoding, e.g. cp1252, gbk, gb18030, big5 (default: utf-8)",
    )
    p.add_argument(
        "--output",
        default=None,
        metavar="PATH",
        help="write the matrices as one table (column, before, after, customers, "
        "share), one row per pair of classes some customer made: .csv, .tsv, "
        ".txt (optionally .gz/.zip/.bz2/.xz) or .parquet",
    )
    p.set_defaults(func=_cmd)
