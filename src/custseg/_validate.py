"""Input coercion and checks, in one place.

Every public function coerces its array arguments here, once, so that the rest
of the code works on contiguous 1-D NumPy arrays of a known dtype and every bad
input produces the same kind of :class:`~custseg.errors.InputError`.

This module imports only NumPy; pandas objects are handled by duck typing.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import math
import numbers
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress as _suppress
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from ._display import alike_pair
from ._threads import numpy_str, warnings_filtered
from .errors import InputError, ThresholdError

__all__ = [
    "as_datetime",
    "as_datetime_scalar",
    "as_numeric",
    "check_same_length",
    "choice",
    "day_number",
    "decimal_inexact",
    "describe",
    "first_offender",
    "flag_param",
    "id_order",
    "is_int",
    "is_missing_scalar",
    "label_param",
    "label_problem",
    "label_tuple_param",
    "native",
    "number_param",
    "number_tuple_param",
    "refuse_alike",
    "repeated",
    "standard_datetimes",
    "text_param",
    "text_tuple_param",
    "to_days",
    "widen_narrow",
    "zone_key",
    "zone_named",
    "zone_of",
]

NanPolicy = Literal["raise", "allow"]

_TEXT_UNIT = "datetime64[us]"
_I64_MIN = int(np.iinfo(np.int64).min)  # also NaT
_I64_MAX = int(np.iinfo(np.int64).max)
#: Length of one tick of each datetime64 unit, in attoseconds (Python ints).
_ATTOSECONDS = {
    "as": 1,
    "fs": 10**3,
    "ps": 10**6,
    "ns": 10**9,
    "us": 10**12,
    "ms": 10**15,
    "s": 10**18,
    "m": 60 * 10**18,
    "h": 3600 * 10**18,
    "D": 86400 * 10**18,
    "W": 7 * 86400 * 10**18,
}
#: Units kept as they are (with a multiplier of 1): a whole number of their
#: ticks makes a day, and every value they hold is a valid date.
_STANDARD_UNITS = ("D", "h", "m", "s", "ms", "us", "ns")
#: Calendar units: their values in years (months) that ``datetime64[D]`` holds.
_CALENDAR_LIMIT = {"Y": 10**15, "M": 10**16}


#: A customer id written as a whole number, as ``str(int)`` writes it: no
#: sign but ``-``, no leading zero, ASCII digits (``"007"``, ``"+7"``, ``" 7"``,
#: ``"-0"`` and ``"７"`` are other ids than ``7``, and stay text).
_WHOLE_ID = re.compile(r"0|-?[1-9][0-9]*")


def id_order(ids: np.ndarray) -> np.ndarray | None:
    """The order of text customer ids in which a whole number written as
    text sorts as that number, or None when no id is one (sort as usual).

    Ids read from a CSV file are text, the same ids in a Parquet file or an
    integer column are numbers: a choice that falls to the lower id (a tie)
    must make the same choice for both, so ``"9"`` comes before ``"10"`` as
    9 before 10. Ids written as ``str(n)`` writes a whole number come first,
    in numeric order; the other ids (``"007"``, ``"c10"``) follow, in text
    order, as they have no integer form. Equal ids stay next to each other
    (a check for repeats on ``ids[order]`` still works).

    >>> ids = np.array(["10", "9", "c1", "007", "-2"])
    >>> ids[id_order(ids)].tolist()
    ['-2', '9', '10', '007', 'c1']
    >>> id_order(np.array(["b", "a"])) is None
    True
    >>> ids = np.array(list(np.array(["10", "9"])), dtype=object)  # np.str_
    >>> [str(x) for x in ids[id_order(ids)]]
    ['9', '10']
    """
    if ids.dtype.kind == "O":  # text with trailing NULs, which "U" would drop
        # str and its subclasses (NumPy's np.str_, the items of list(array))
        if not len(ids) or not all(isinstance(x, str) for x in ids.tolist()):
            return None
        maybe = np.arange(len(ids))
    elif ids.dtype.kind == "U" and len(ids):
        maybe = np.flatnonzero(
            np.strings.isdecimal(ids) | np.strings.startswith(ids, "-")
        )
    else:
        return None
    whole: np.ndarray | None = None
    if ids.dtype.kind == "U":
        try:  # NumPy reads '+1', ' 3', '007', full-width digits too: the
            # round trip keeps only the ids written as str(n) writes n
            numbers = ids[maybe].astype(np.int64)
        except (ValueError, OverflowError):  # '-', '--1', past int64
            pass
        else:
            exact = numbers.astype(str) == ids[maybe]
            whole, numbers = maybe[exact], numbers[exact]
            if not len(whole):
                return None
            by_value = whole[np.argsort(numbers, kind="stable")]
    if whole is None:
        rows = [
            i
            for i, x in zip(maybe.tolist(), ids[maybe].tolist(), strict=True)
            if _WHOLE_ID.fullmatch(x)
        ]
        if not rows:
            return None
        whole = np.array(rows, dtype=np.intp)
        values = [int(x) for x in ids[whole].tolist()]
        if all(_I64_MIN <= x <= _I64_MAX for x in values):
            by_value = whole[
                np.argsort(np.array(values, dtype=np.int64), kind="stable")
            ]
        else:  # past int64: Python ints, sorted as Python sorts them
            by_value = whole[sorted(range(len(values)), key=values.__getitem__)]
    rest = np.ones(len(ids), dtype=bool)
    rest[whole] = False
    others = np.flatnonzero(rest)
    if len(others):
        others = others[np.argsort(ids[others], kind="stable")]
    return np.concatenate([by_value, others]).astype(np.intp, copy=False)


def first_offender(mask: np.ndarray) -> tuple[int, int]:
    """Return the index of the first ``True`` in *mask* and how many there are.

    >>> first_offender(np.array([False, True, True]))
    (1, 2)
    """
    count = int(np.count_nonzero(mask))
    first = int(np.argmax(mask)) if count else -1
    return first, count


def refuse_early_tenure(tenure: np.ndarray, recency: np.ndarray) -> None:
    """A tenure below the recency (a first purchase after the last) is an
    InputError naming the rows: :func:`custseg.customer_status`,
    :func:`custseg.lifecycle_stage`, :func:`custseg.care_phase` and the
    rules refuse it alike. NaN on either side is not compared.

    >>> refuse_early_tenure(np.array([5.0, np.nan]), np.array([5.0, 9.0]))
    >>> refuse_early_tenure(np.array([4.0]), np.array([5.0]))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'tenure_days' is below recency_days (a first purchase after the last) (first at row 0, 1 row affected): pass days since the first purchase as tenure_days and days since the last as recency_days, both to the same reference day
    """
    with np.errstate(invalid="ignore"):
        early = tenure < recency  # False where either is NaN
    if early.any():
        first, count = first_offender(early)
        raise InputError(
            "tenure_days",
            "is below recency_days (a first purchase after the last)",
            first_row=first,
            n_rows=count,
            fix="pass days since the first purchase as tenure_days and days "
            "since the last as recency_days, both to the same reference day",
        )


def refuse_buffer(x: Any, field: str) -> None:
    """An :class:`~custseg.errors.InputError` naming *field* when *x* is a
    buffer of bytes (``bytearray``, ``memoryview``): NumPy calls a
    memoryview a scalar and reads a bytearray as its bytes, so
    ``bytearray(b"ab")`` would be the numbers 97 and 98 (or the ids, the
    labels 97 and 98), whatever the buffer held. Nothing for other inputs.

    >>> refuse_buffer([1, 2], "value") is None
    True
    >>> refuse_buffer(bytearray(b"ab"), "value")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'value' must be an array-like of values, got a bytearray (a buffer of bytes, whose values custseg cannot tell): pass np.asarray(buffer) for the buffer of an array, or a list, NumPy array or pandas Series
    """
    if isinstance(x, memoryview | bytearray):
        raise InputError(
            field,
            f"must be an array-like of values, got a {type(x).__name__} (a "
            "buffer of bytes, whose values custseg cannot tell)",
            fix="pass np.asarray(buffer) for the buffer of an array, or a "
            "list, NumPy array or pandas Series",
        )


def refuse_spark(x: Any, field: str) -> None:
    """An :class:`~custseg.errors.InputError` naming *field* when *x* is a
    Spark object (a ``pyspark.sql`` Column or DataFrame, a pandas-on-Spark
    Series): a Column is an expression, not data, and answers every
    attribute custseg asks of a column (``dtype``, ``tz``, ``ordered``) with
    another Column, so it failed deep inside custseg with a PySpark or
    ``TypeError`` traceback. A buffer of bytes too (:func:`refuse_buffer`).
    Nothing for other inputs.

    >>> refuse_spark([1, 2], "value") is None
    True
    >>> Column = type("Column", (), {"__module__": "pyspark.sql.column"})
    >>> refuse_spark(Column(), "value")  # as pyspark's df.value
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'value' is a Spark Column: custseg reads the columns of per-customer functions in memory, and a Spark Column is an expression, not data: collect it first (df.select('customer_id', 'value').toPandas().set_index('customer_id')['value'], a pandas Series on the customer ids), or use the frame functions (custseg.segment, ...), which take Spark DataFrames
    """
    refuse_buffer(x, field)
    kind = type(x)
    if kind.__module__.partition(".")[0] != "pyspark":
        return
    name = field if field.isidentifier() else "value"
    if ".pandas" in kind.__module__:  # pandas-on-Spark: an index NumPy drops
        raise InputError(
            field,
            f"is a pandas-on-Spark {kind.__name__}: custseg reads the columns "
            "of per-customer functions in memory, where NumPy would drop its "
            "index (the customer ids)",
            fix=f"pass {name}.to_pandas(), a pandas {kind.__name__} on the "
            "customer ids",
        )
    what = (
        "Column is an expression, not data"
        if kind.__name__ == "Column"
        else (f"{kind.__name__} is not one column in memory")
    )
    raise InputError(
        field,
        f"is a Spark {kind.__name__}: custseg reads the columns of per-customer "
        f"functions in memory, and a Spark {what}",
        fix="collect it first (df.select('customer_id', "
        f"'{name}').toPandas().set_index('customer_id')['{name}'], a pandas "
        "Series on the customer ids), or use the frame functions "
        "(custseg.segment, ...), which take Spark DataFrames",
    )


def _to_numpy(x: Any, field: str, *, cells: bool = False) -> np.ndarray:
    """Turn an array-like into a 1-D NumPy array without copying where possible.

    A column whose rows each hold several values (an Arrow, pandas-Arrow or
    Polars list, array, struct or map column: :func:`several_values`) is an
    InputError naming *field*, as every caller reads one value a row; with
    *cells* it is read as an object array of its cells
    (:func:`cells_of`), as a profile field reads a Parquet list column.
    """
    refuse_spark(x, field)
    if isinstance(x, (str, bytes)) or np.isscalar(x):
        raise InputError(
            field,
            f"must be an array-like of values, got a scalar {describe(x)}",
            fix="pass a list, NumPy array or pandas Series",
        )
    if (
        x is None
        or isinstance(x, set | frozenset | dict)
        or (hasattr(x, "__next__") and not hasattr(x, "__len__"))
    ):
        raise InputError(
            field,
            f"must be an array-like of values, got {type(x).__name__}",
            fix="pass a list, NumPy array or pandas Series (list(...) of a "
            "generator or a set, in the customers' order)",
        )
    if isinstance(x, np.ma.MaskedArray):
        x = unmask(x)
    x = arrow_decoded(x)
    if several_values(x) is not None:
        if not cells:
            refuse_several_values(x, field)
        return cells_of(x)
    wide = wide_ints(x)
    if wide is not None:
        x = wide
    try:
        arr = as_array(x)
    except (ValueError, TypeError):  # ragged: lists or tuples among the values
        if not isinstance(x, list | tuple):
            raise InputError(
                field,
                f"cannot be read as an array ({type(x).__name__})",
                fix="pass a list, NumPy array or pandas Series",
            ) from None
        arr = np.fromiter(x, dtype=object, count=len(x))
    if arr.ndim != 1:
        raise not_one_column(field, arr, x)
    return native(arr)


#: The call that makes a pandas DataFrame of another library's frame.
_TO_PANDAS = {
    "polars": "to_pandas()",
    "pyarrow": "to_pandas()",
    "duckdb": "df()",
    "_duckdb": "df()",
    "dask": "compute()",
    "pyspark": "toPandas()",
}


def to_pandas_call(data: Any) -> str | None:
    """The call that makes a pandas DataFrame of *data*, a table of another
    library (a Polars DataFrame or LazyFrame, a PyArrow Table, a DuckDB
    relation, a Dask or PySpark DataFrame); None for anything else (pandas
    itself, a column of one of them).

    >>> import pytest
    >>> duckdb = pytest.importorskip("duckdb")
    >>> to_pandas_call(duckdb.sql("select 1 as a"))
    'df()'
    >>> to_pandas_call([1, 2]) is None
    True
    """
    kind = type(data)
    library = kind.__module__.partition(".")[0]
    call = _TO_PANDAS.get(library)
    # (attributes of the type: a LazyFrame's .columns resolves its schema;
    # a Dask Series has columns too, but one dimension)
    if call is None or not hasattr(kind, "columns") or getattr(data, "ndim", 2) != 2:
        return None
    if library == "polars" and hasattr(kind, "collect"):  # a LazyFrame
        return "collect().to_pandas()"
    return call


#: How the libraries of :data:`_TO_PANDAS` are named to a reader.
_LIBRARY_NAMES = {
    "polars": "Polars",
    "pyarrow": "PyArrow",
    "duckdb": "DuckDB",
    "_duckdb": "DuckDB",
    "dask": "Dask",
    "pyspark": "PySpark",
}


def refuse_other_table(data: Any, field: str, reads: str) -> None:
    """An :class:`~custseg.errors.InputError` naming *field* when *data* is
    a table of another library that *reads* (what the function takes, such
    as ``"a pandas DataFrame or a mapping of columns"``) does not cover (a
    Dask or PySpark DataFrame, a DuckDB relation, a Polars LazyFrame),
    with the call that makes a pandas DataFrame of it
    (:func:`to_pandas_call`); nothing for any other object. Said so, not as
    "must be a DataFrame, got DataFrame".

    >>> import pytest
    >>> duckdb = pytest.importorskip("duckdb")
    >>> refuse_other_table(duckdb.sql("select 1 as a"), "facts", "a pandas DataFrame")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'facts' is a DuckDB relation (DuckDBPyRelation), not a pandas DataFrame: pass facts.df()
    """
    call = to_pandas_call(data)
    if call is None:
        return
    kind = type(data)
    library = _LIBRARY_NAMES.get(kind.__module__.partition(".")[0], "")
    name = kind.__name__
    shown = (
        f"{library} relation ({name})"
        if library == "DuckDB"
        else f"{library} {name}".strip()
    )
    receiver = field if field.isidentifier() else "data"
    raise InputError(field, f"is a {shown}, not {reads}", fix=f"pass {receiver}.{call}")


def other_frame_columns(data: Any, field: str) -> dict[str, Any] | None:
    """The columns of a Polars DataFrame or a PyArrow Table (or RecordBatch)
    by name, in order, for readers of a mapping of columns; None for any
    other object. A Polars LazyFrame (no rows until collected) and a table
    with two columns of one name are InputErrors naming *field*.

    >>> other_frame_columns({"a": [1]}, "data") is None
    True
    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> list(other_frame_columns(pa.table({"a": [1], "b": [2]}), "data"))
    ['a', 'b']
    """
    library = type(data).__module__.partition(".")[0]
    # (attributes of the type: a LazyFrame's .columns resolves its schema)
    if library == "polars" and hasattr(type(data), "columns"):
        if not hasattr(type(data), "get_columns"):  # (a LazyFrame)
            raise InputError(
                field,
                "is a Polars LazyFrame, which holds no rows until it is collected",
                fix="pass frame.collect()",
            )
        names = [str(c) for c in data.columns]
        columns = list(data.get_columns())
    elif library == "pyarrow" and hasattr(data, "column_names"):
        names = [str(c) for c in data.column_names]
        columns = [data.column(i) for i in range(len(names))]
    else:
        return None
    if len(set(names)) != len(names):
        raise InputError(
            sorted(repeated(names)[0])[0],
            f"names more than one column of {field!r}",
            fix="rename the duplicates",
        )
    return dict(zip(names, columns, strict=True))


def not_one_column(
    field: str, arr: np.ndarray, x: Any, fix: str = "pass a single column"
) -> InputError:
    """The error for *x*, read by NumPy as *arr*, which is not 1-D: another
    object than an array (a result such as ``CustomerFacts`` is a 0-d array
    of one object) is named by its type, and its column *field* offered if it
    has one; an array by its shape.

    >>> class Facts:
    ...     recency_days = [1, 2]
    >>> print(not_one_column("recency_days", np.asarray(Facts()), Facts()))
    'recency_days' must be an array-like of values, got Facts: pass its column (.recency_days)
    >>> print(not_one_column("x", np.zeros((2, 2)), None))
    'x' must be one-dimensional, got shape (2, 2): pass a single column (a 1-D array or a Series)
    """
    if arr.ndim == 0 and (isinstance(x, np.ndarray | np.generic) or np.isscalar(x)):
        return InputError(  # a 0-d array: one value
            field,
            f"must be an array-like of values, got a scalar {describe(x)}",
            fix="pass a list, NumPy array or pandas Series",
        )
    if arr.ndim == 0:
        name = type(x).__name__
        own = field.isidentifier() and hasattr(x, field)
        return InputError(
            field,
            f"must be an array-like of values, got {name}",
            fix=f"pass its column (.{field})"
            if own
            else "pass a list, NumPy array or pandas Series",
        )
    return InputError(
        field,
        f"must be one-dimensional, got shape {arr.shape}",
        fix=f"{fix} (a 1-D array or a Series)",
    )


def as_array(x: Any) -> np.ndarray:
    """``np.asarray(x)``, but a Polars text Series as an object array of its
    values: NumPy makes a Polars ``String`` column without nulls fixed-width
    ``<U`` text, which drops trailing NULs (``"a\\x00"`` would read ``"a"``,
    another value), as it does for no other container.

    >>> import pytest
    >>> pl = pytest.importorskip("polars")
    >>> as_array(pl.Series(["a\\x00", "a"])).tolist()
    ['a\\x00', 'a']
    """
    if (
        type(x).__module__.partition(".")[0] == "polars"
        and type(getattr(x, "dtype", None)).__name__ in ("String", "Utf8")
        and hasattr(x, "to_list")
    ):
        arr = np.asarray(x.to_numpy())  # (Polars gives its text as objects)
        if arr.dtype.kind != "O":
            arr = np.fromiter(x.to_list(), dtype=object, count=len(x))
        return arr
    return np.asarray(x)


#: Arrow's view layouts of text and bytes, and the types read in their place.
_ARROW_VIEWS = {"string_view": "large_string", "binary_view": "large_binary"}


def _arrow_view(dtype: Any) -> str | None:
    """The Arrow type to read a pandas ``ArrowDtype`` (or Arrow type) of a
    view layout as (``"large_string"``, ``"large_binary"``); None else."""
    arrow = getattr(dtype, "pyarrow_dtype", dtype)
    if type(arrow).__module__.partition(".")[0] != "pyarrow":
        return None
    return _ARROW_VIEWS.get(str(arrow))


def arrow_plain(x: Any) -> Any:
    """*x* with its Arrow ``string_view`` / ``binary_view`` data (what Polars
    exports, read by ``to_pandas(types_mapper=pd.ArrowDtype)``) as the same
    values of ``large_string`` / ``large_binary``: a pandas Series (also its
    index), Index, DataFrame (every such column, and the index) or Arrow
    extension array, and a PyArrow Array or ChunkedArray. Anything else, and
    data of no view type, is returned as it is; the caller's object is never
    changed (a new object shares the other columns).

    pandas has no kernels for the view types: ``np.asarray``, ``to_numpy``,
    ``factorize``, ``dropna``, ``take`` and filters raise, and ``unique``
    reads a null as ``''``. Read as ``large_string``, a column is what an
    ``ArrowDtype(pa.string())`` column is: the same ids, missing ones missing.

    >>> import pytest
    >>> pd = pytest.importorskip("pandas")
    >>> pa = pytest.importorskip("pyarrow")
    >>> if not hasattr(pa, "string_view"):
    ...     pytest.skip("pyarrow without string_view")
    >>> view = pd.ArrowDtype(pa.string_view())
    >>> s = pd.Series(["007", None], index=["c1", "c2"], name="id", dtype=view)
    >>> plain = arrow_plain(s)
    >>> plain.dtype, plain.tolist(), plain.index.tolist(), plain.name
    (large_string[pyarrow], ['007', <NA>], ['c1', 'c2'], 'id')
    >>> s.dtype  # the caller's column is unchanged
    string_view[pyarrow]
    >>> arrow_plain(pd.DataFrame({"id": s, "n": [1, 2]})).dtypes.tolist()
    [large_string[pyarrow], dtype('int64')]
    """
    kind = type(x)
    library = kind.__module__.partition(".")[0]
    if library == "pyarrow":
        plain = _arrow_view(getattr(x, "type", None))
        if plain is None or not hasattr(x, "cast"):
            return x
        pa = sys.modules["pyarrow"]  # (loaded: x is one of its arrays)
        return x.cast(getattr(pa, plain)())
    if library != "pandas":
        return x
    if hasattr(x, "dtypes") and hasattr(x, "columns") and hasattr(x, "isetitem"):
        columns = [i for i, dtype in enumerate(x.dtypes) if _arrow_view(dtype)]
        index = arrow_plain(x.index)
        if not columns and index is x.index:
            return x
        out = x.copy(deep=False)
        for i in columns:
            out.isetitem(i, arrow_plain(x.iloc[:, i]))
        out.index = index
        return out
    dtype = getattr(x, "dtype", None)
    plain = _arrow_view(dtype)
    if hasattr(x, "index") and hasattr(x, "iloc"):  # a Series
        index = arrow_plain(x.index)
        if plain is None and index is x.index:
            return x
        values = arrow_plain(x.array) if plain else x.array
        return kind(values, index=index, name=x.name, copy=False)
    if plain is None:
        return x
    if hasattr(x, "__arrow_array__") and not hasattr(x, "array"):  # an array
        return kind(arrow_plain(x.__arrow_array__()))
    if hasattr(x, "array") and getattr(x, "nlevels", 1) == 1:  # an Index
        return kind(arrow_plain(x.array), name=x.name)
    return x


def arrow_decoded(x: Any) -> Any:
    """A PyArrow ``ChunkedArray`` of a dictionary type (a categorical read
    from Parquet) as one decoded array; a pandas column of Arrow
    ``string_view`` / ``binary_view`` as ``large_string`` / ``large_binary``
    (:func:`arrow_plain`); anything else as it is (a list, struct or map
    column too: only a dictionary type has values to decode). NumPy reads
    such a chunked column through its dictionary indices and takes a null
    for the value of index 0: a missing answer would become another one.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> col = pa.chunked_array([pa.array(["big", None, "small"]).dictionary_encode()])
    >>> arrow_decoded(col).to_pylist()
    ['big', None, 'small']
    >>> arrow_decoded(pa.chunked_array([pa.array([["tea"], []])])).type
    ListType(list<item: string>)
    """
    x = arrow_plain(x)
    kind = type(x)
    if kind.__name__ != "ChunkedArray" or not kind.__module__.startswith("pyarrow"):
        return x
    pa = sys.modules["pyarrow"]  # (loaded: x is one of its arrays)
    # (a list type has a value_type too: its element type, no decoding)
    if not pa.types.is_dictionary(x.type):
        return x
    x = x.cast(arrow_dictionary_plain(x.type))
    return x.cast(x.type.value_type).combine_chunks()


def arrow_dictionary_plain(arrow: Any) -> Any:
    """The Arrow dictionary type *arrow* with values of a view type
    (``dictionary<string_view>``: Polars' newest ``Categorical``) as the
    same dictionary of ``large_string`` / ``large_binary`` values (as
    :func:`arrow_plain` reads views); any other type as it is. Arrow has
    no cast of a dictionary to a view type, nor a ``take`` of one: a
    dictionary of views is decoded in two steps, its values made plain
    first (a cast Arrow has), then the dictionary cast to its values.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> if not hasattr(pa, "string_view"):
    ...     pytest.skip("pyarrow without string_view")
    >>> arrow_dictionary_plain(pa.dictionary(pa.uint32(), pa.string_view()))
    DictionaryType(dictionary<values=large_string, indices=uint32, ordered=0>)
    >>> arrow_dictionary_plain(pa.dictionary(pa.int8(), pa.string()))
    DictionaryType(dictionary<values=string, indices=int8, ordered=0>)
    """
    pa = sys.modules["pyarrow"]  # (loaded: *arrow* is one of its types)
    if not pa.types.is_dictionary(arrow):
        return arrow
    plain = _arrow_view(arrow.value_type)
    if plain is None:
        return arrow
    return pa.dictionary(arrow.index_type, getattr(pa, plain)(), arrow.ordered)


def arrow_numbers(arrow: Any) -> bool:
    """Whether an Arrow type holds numbers: integers, floats or decimals.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> arrow_numbers(pa.int8()), arrow_numbers(pa.decimal128(9, 2)), arrow_numbers(pa.string())
    (True, True, False)
    """
    pa = sys.modules["pyarrow"]  # (loaded: *arrow* is one of its types)
    return bool(
        pa.types.is_integer(arrow)
        or pa.types.is_floating(arrow)
        or pa.types.is_decimal(arrow)
    )


def _arrow_type(x: Any) -> Any:
    """The Arrow type of a PyArrow array or of a pandas column of an
    ``ArrowDtype``; None for anything else."""
    library = type(x).__module__.partition(".")[0]
    if library == "pyarrow":
        return getattr(x, "type", None)
    if library == "pandas":
        return getattr(getattr(x, "dtype", None), "pyarrow_dtype", None)
    return None


def several_values(x: Any) -> str | None:
    """The type of a column whose rows each hold several values: an Arrow
    list (large, fixed-size, view), struct, map or union column (a PyArrow
    array or a pandas column of that ``ArrowDtype``), a Polars ``List``,
    ``Array`` or ``Struct`` Series; None for any other column (a Python
    list of lists is judged by its cells).

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> several_values(pa.array([{"city": "杭州"}])), several_values(pa.array([1]))
    ('struct<city: string>', None)
    """
    arrow = _arrow_type(x)
    if arrow is not None:
        pa = sys.modules["pyarrow"]  # (loaded: x holds Arrow data)
        if not isinstance(arrow, pa.DataType):
            return None
        if pa.types.is_dictionary(arrow):
            arrow = arrow.value_type
        return str(arrow) if pa.types.is_nested(arrow) else None
    if type(x).__module__.partition(".")[0] == "polars" and hasattr(x, "to_list"):
        nested = getattr(getattr(x, "dtype", None), "is_nested", None)
        if callable(nested) and nested():
            return str(x.dtype)
    return None


def cells_of(x: Any) -> np.ndarray:
    """A column of :func:`several_values` as an object array of its cells,
    as Python reads them: a list for a list or array cell, a dict for a
    struct or map cell (by key: the values read as a struct's), None for a
    null row.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> cells_of(pa.chunked_array([pa.array([["tea"], [], None])])).tolist()
    [['tea'], [], None]
    """
    if type(x).__module__.partition(".")[0] == "polars":
        values = x.to_list()
    else:
        data = x if type(x).__module__.startswith("pyarrow") else x.array
        if not type(data).__module__.startswith("pyarrow"):
            data = data.__arrow_array__()  # (a pandas ArrowExtensionArray)
        values = data.to_pylist(maps_as_pydicts="lossy")
    return np.fromiter(values, dtype=object, count=len(values))


def refuse_several_values(x: Any, field: str, what: str = "value") -> None:
    """Refuse a column whose rows each hold several values
    (:func:`several_values`) where one *what* a row is needed, naming
    *field* and the column's type.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> refuse_several_values(pa.array([["tea", "yoga"], []]), "hobbies")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'hobbies' holds several values a row (a column of list<item: string>), but each row holds one value: pass one value per row: pick one (the first: pyarrow.compute.list_element(column, 0), Polars column.list.first(), pandas column.list[0]) or join them into one text
    """
    kind = several_values(x)
    if kind is None:
        return
    if kind.lower().startswith("struct"):
        fix = (
            "pass one of its fields as the column (pyarrow.compute."
            "struct_field(column, 'name'), Polars column.struct.field('name'), "
            "pandas column.struct.field('name'))"
        )
    else:
        fix = (
            f"pass one {what} per row: pick one (the first: pyarrow.compute."
            "list_element(column, 0), Polars column.list.first(), pandas "
            "column.list[0]) or join them into one text"
        )
    raise InputError(
        field,
        f"holds several values a row (a column of {kind}), but each row holds "
        f"one {what}",
        fix=fix,
    )


def wide_ints(x: Any) -> np.ndarray | None:
    """A pandas column of integers (nullable ``Int64``, Arrow integers, a
    categorical of integers) with a missing value and a value beyond 2**53,
    as Python ints with None where missing; None for anything else.

    ``np.asarray`` reads such a column through float64, rounding those
    values (two 19-digit codes would become one), as :func:`unmask` avoids
    for NumPy masked arrays.
    """
    dtype = getattr(x, "dtype", None)
    if dtype is None or isinstance(dtype, np.dtype) or not hasattr(x, "to_numpy"):
        return None
    cats = getattr(dtype, "categories", None)
    # (a Polars Categorical's categories are a Categories object, no dtype)
    kind = getattr(
        dtype if cats is None else getattr(cats, "dtype", None), "kind", None
    )
    if kind not in ("i", "u"):
        return None
    try:
        if not bool(x.isna().any()):
            return None  # no missing value: read as int64 / uint64, exact
        span = x if cats is None else cats
        lo, hi = int(span.min()), int(span.max())
        if lo >= -_EXACT and hi <= _EXACT:
            return None
        return np.asarray(x.to_numpy(dtype=object, na_value=None))
    except (TypeError, ValueError, AttributeError):  # all missing, or unusual
        return None


def unmask(x: np.ma.MaskedArray) -> np.ndarray:
    """A NumPy masked array with its masked entries missing (NaN, NaT, or
    None), never the values hidden under the mask (``np.asarray`` keeps them).

    >>> unmask(np.ma.masked_array([9, 0], mask=[False, True]))
    array([ 9., nan])
    >>> unmask(np.ma.masked_array(["a", "b"], mask=[True, False]))
    array([None, 'b'], dtype=object)
    """
    data = np.ma.getdata(x)
    mask = np.ma.getmaskarray(x)
    if not mask.any():
        return data
    kind = data.dtype.kind
    if kind in "iu":
        out = data.astype(np.float64)  # exactness is checked on the floats
        if len(data) and (int(data.max()) > 2**53 or int(data.min()) < -(2**53)):
            out = data.astype(object)
            out[mask] = None
            return out
    elif kind in "fc" or kind in "mM":
        out = data.copy()
    else:
        out = data.astype(object)
    out[mask] = {"m": np.timedelta64("NaT"), "M": np.datetime64("NaT")}.get(
        kind, None if out.dtype == object else np.nan
    )
    return out


def native(arr: np.ndarray) -> np.ndarray:
    """*arr* in the machine's byte order (a copy only when it was not).

    Big-endian data (from a file written elsewhere) would otherwise be read as
    garbage by ``view`` and refused by pandas.

    >>> native(np.array([1, 2], dtype=">i8")).dtype.isnative
    True
    """
    if arr.dtype.isnative:
        return arr
    return arr.astype(arr.dtype.newbyteorder("="))


def check_order_column(order: Any, **others: Any) -> None:
    """Refuse an order column that is also the customer, date or amount
    column (every line of a customer would be one order, say)."""
    check_column_apart(
        order,
        "order",
        "pass the column of order ids as order= (the lines of one order share "
        "it), or leave order= out to count every row",
        **others,
    )


def check_column_apart(column: Any, arg: str, fix: str, **others: Any) -> None:
    """Refuse *column* (the argument *arg*) when another argument of
    *others* names it too; None is no column.

    >>> check_column_apart("qty", "price", "name two columns", quantity="qty")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'qty' is named by both quantity= and price=: name two columns
    """
    if column is None:
        return
    for other, name in others.items():
        try:
            same = bool(column == name)
        except (TypeError, ValueError):  # labels that do not compare
            same = False
        if same:
            raise InputError(
                str(column), f"is named by both {other}= and {arg}=", fix=fix
            )


def check_columns_apart(fix: str, **columns: Any) -> None:
    """Refuse two arguments of *columns* (argument -> column; None: not
    given) that name one column: amounts summed from the ids, say.

    >>> check_columns_apart("name each column once", customer="id", amount="id")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'id' is named by both customer= and amount=: name each column once
    """
    seen: dict[str, Any] = {}
    for arg, column in columns.items():
        check_column_apart(column, arg, fix, **seen)
        if column is not None:
            seen[arg] = column


def check_same_length(**arrays: np.ndarray) -> int:
    """Check that all arrays have one length and return it.

    >>> check_same_length(a=np.zeros(3), b=np.ones(3))
    3
    >>> check_same_length(a=np.zeros(3), b=np.ones(2))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'b' has 2 rows but 'a' has 3: pass columns of the same table
    """
    items = list(arrays.items())
    name0, arr0 = items[0]
    n = len(arr0)
    for name, arr in items[1:]:
        if len(arr) != n:
            raise InputError(
                name,
                f"has {len(arr)} rows but {name0!r} has {n}",
                fix="pass columns of the same table",
            )
    return n


def as_numeric(
    x: Any,
    field: str,
    *,
    nan: NanPolicy = "raise",
    allow_inf: bool = False,
    sums: bool | Literal["exact"] = False,
    exact: bool = False,
) -> np.ndarray:
    """Coerce *x* to a contiguous 1-D integer or float array.

    Integer input stays integer; float, pandas nullable and numeric text input
    become ``float64``. Booleans, dates and non-numeric values are refused.
    A ``float32`` or ``float16`` value is read as the decimal it prints as
    (``np.float32(0.1)`` is ``0.1``, not ``0.10000000149011612``; see
    :func:`widen_narrow`), so it gives the same answers as the ``float64``
    column of the same printed amounts.

    Parameters
    ----------
    x
        The values (list, NumPy array, pandas Series).
    field
        The argument name, used in error messages.
    nan
        ``"raise"`` (default) refuses NaN / missing values; ``"allow"`` keeps
        them as NaN.
    allow_inf
        Whether infinite values are accepted.
    sums
        Whether to refuse values so large that a plain sum of them overflows
        (``float64`` beyond about 1.8e308, ``int64`` beyond 2**63 - 1), for
        callers that total them with ``np.sum``. Checked with two reductions,
        and a third pass only when the largest value times the number of
        values passes the limit. ``"exact"``: the caller sums exactly and
        checks its own sums (``[1e308, -1e308, 3.0]`` sums to 3.0), so only
        the integer check of *exact* below is made.
    exact
        Whether to refuse integers that ``float64`` does not hold exactly
        (beyond 2**53), in any container (an ``int64`` array, a list NumPy
        would round, an object array of Python ints), for callers that sum
        integer amounts in ``float64``; and likewise decimal numbers
        (:class:`decimal.Decimal`, ``decimal128[pyarrow]``) beyond 2**53 in
        their last place (``9007199254740993``, ``90071992547409.93``), and
        exact numbers other than 0 that float64 reads as 0
        (``Decimal("1E-400")``, ``Fraction(1, 10**400)``). With *sums* too,
        integers each float64 holds whose magnitudes add up past 2**53
        (:func:`_check_int_sums`: their sums would be rounded).

    Floats wider than float64 (``np.longdouble``) are read as their double
    when float64 holds them exactly, else as the decimal they print as
    (:func:`wide_values`): refused or kept as such a ``Decimal`` is.

    Examples
    --------
    >>> as_numeric([1, 2, 3], "frequency")
    array([1, 2, 3])
    >>> as_numeric([1.5, None], "amount", nan="allow")
    array([1.5, nan])
    >>> as_numeric([1.5, None], "amount")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' contains missing values (NaN) (first at row 1, 1 row affected): drop or fill them first, or ask for an explicit unknown label where the function offers one
    """
    refuse_spark(x, field)
    x = arrow_plain(x)
    dtype = getattr(x, "dtype", None)
    # whether the values are integers (for the check of their sums' exactness)
    ints = dtype is not None and getattr(dtype, "kind", "O") in "iu"
    # pandas extension dtypes (Int64, Float64, ...): missing values become NaN
    if (
        dtype is not None
        and not isinstance(dtype, np.dtype)
        and getattr(dtype, "kind", "O") in "iufb"
        and hasattr(x, "to_numpy")
    ):
        if dtype.kind == "b":
            raise InputError(
                field,
                "is boolean, not numeric",
                fix="convert it explicitly, e.g. with .astype(int)",
            )
        has_na = bool(x.isna().any()) if hasattr(x, "isna") else False
        if dtype.kind == "f":  # Float32, float[pyarrow]: widened below
            narrow = getattr(dtype, "numpy_dtype", None)
            if not isinstance(narrow, np.dtype) or narrow.kind != "f":
                narrow = np.dtype(np.float64)
            x = x.to_numpy(dtype=narrow, na_value=np.nan)
        else:  # the integers as they are (0 for NA), checked before widening
            x = _extension_ints(x, dtype, field, has_na, exact)
    arr = _to_numpy(x, field)
    if arr.dtype.kind == "f" and arr.dtype.itemsize > 8:  # np.longdouble
        arr = wide_values(arr)  # values float64 does not hold: as decimals
    kind = arr.dtype.kind
    if kind in "iuf" and isinstance(x, list | tuple) and _holds_bools(x, arr):
        # NumPy promotes [True, 5] to int64: each value is judged instead
        arr = np.fromiter(x, dtype=object, count=len(x))
        kind = "O"
    elif arr.dtype == np.float64 and isinstance(x, list | tuple) and _holds_narrow(x):
        # NumPy widens [0.7, np.float32(0.7)] bit for bit: each float32 is
        # read instead as the decimal it prints as, as in a float32 array
        arr = np.fromiter(x, dtype=object, count=len(x))
        kind = "O"
    if kind == "b":
        raise InputError(
            field,
            "is boolean, not numeric",
            fix="convert it explicitly, e.g. with .astype(int)",
        )
    if kind in "mM":
        raise InputError(
            field,
            f"has dtype {arr.dtype}, expected numbers",
            fix="pass numeric values (days as numbers, amounts as floats)",
        )
    if kind == "u" and arr.dtype.itemsize >= 8:
        _check_uint64(arr, field, exact)
        arr = arr.astype(np.int64)
    ints = ints or kind in "iu"
    objects = None
    if kind not in "iuf":
        objects = arr
        arr = _object_to_float(arr, field, exact=exact)
    elif exact:
        if kind == "f":
            _exact_list_ints(x, arr, field)
        elif len(arr) and max(-int(arr.min()), int(arr.max())) > _EXACT:
            inexact = (arr > _EXACT) | (arr < -_EXACT)
            first, count = first_offender(inexact)
            _refuse_inexact(field, first, count)
    if arr.dtype.kind == "f":
        if arr.dtype.itemsize < 8:
            arr = widen_narrow(arr)
        elif arr.dtype != np.float64:
            arr = arr.astype(np.float64)
        # Reductions first (no temporary arrays); masks only to report an error.
        with np.errstate(all="ignore"):  # inf - inf or an overflowing sum: fine here
            total = np.add.reduce(arr) if len(arr) else 0.0
        if nan == "raise" and np.isnan(total):
            bad = np.isnan(arr)
            if bad.any():
                first, count = first_offender(bad)
                raise InputError(
                    field,
                    "contains missing values (NaN)",
                    first_row=first,
                    n_rows=count,
                    fix="drop or fill them first, or ask for an explicit unknown label "
                    "where the function offers one",
                )
        if (
            not allow_inf
            and len(arr)
            and (np.fmax.reduce(arr) == np.inf or np.fmin.reduce(arr) == -np.inf)
        ):
            inf = np.isinf(arr)
            first, count = first_offender(inf)
            raise InputError(
                field,
                # a file's 1e400 is read as inf, so both causes are named
                "contains infinite values (inf, or a number beyond ±1.8e308, the "
                "largest a double holds)",
                first_row=first,
                n_rows=count,
                fix="replace them with finite numbers",
            )
    if sums:
        if sums != "exact":
            _check_sums(arr, field)
        if exact:
            _check_int_sums(arr, field, ints, objects)
    return np.ascontiguousarray(arr)


def _check_int_sums(
    arr: np.ndarray, field: str, ints: bool, objects: np.ndarray | None
) -> None:
    """Refuse integers (*ints*: an integer column; or *objects*, the
    object array *arr* was read from, all of whose values are integers)
    that float64 holds one by one but whose sum may pass 2**53, beyond
    which float64 sums are not exact: the sum of their magnitudes bounds
    every partial sum, as :func:`custseg.summarize` bounds a customer's
    (a class, a group or the Total row of the column would be rounded).

    >>> _check_int_sums(np.array([2**52, 2**52, 1]), "frequency", True, None)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'frequency' has integers whose sum may pass 2**53 (their magnitudes add up to 9007199254740993), beyond which float64 sums are not exact: scale them down (e.g. to thousands), or convert them to float yourself if rounding their sums is acceptable
    >>> _check_int_sums(np.array([2**52, 2**52]), "frequency", True, None)
    >>> _check_int_sums(np.array([2.0**52, 2.0**52, 1.0]), "monetary", False, None)
    """
    if not len(arr):
        return
    with np.errstate(invalid="ignore"):  # as a float: no int64 product to wrap
        big = float(np.fmax.reduce(np.abs(arr)))  # NaN (missing) left out
    if not big * len(arr) > _EXACT:  # the cheap bound first (NaN: all missing)
        return
    if not ints:
        if objects is None:
            return  # floats: summed to the correctly rounded sum, as documented
        values = [e for e in objects.tolist() if not is_missing_scalar(e)]
        if not values or not all(is_int(e) for e in values):
            return
    mags = np.abs(arr[~np.isnan(arr)] if arr.dtype.kind == "f" else arr)
    rough = float(np.add.reduce(mags, dtype=np.float64))
    # the float sum of n magnitudes is within n units of 2**-53 of theirs
    if rough <= 2**52:
        return
    total = None
    if rough < 2**54:  # the exact sum, in int64 (below 2**55: no overflow)
        total = int(np.add.reduce(mags.astype(np.int64), dtype=np.int64))
        if total <= _EXACT:
            return
    raise InputError(
        field,
        "has integers whose sum may pass 2**53"
        + ("" if total is None else f" (their magnitudes add up to {total})")
        + ", beyond which float64 sums are not exact",
        fix="scale them down (e.g. to thousands), or convert them to float "
        "yourself if rounding their sums is acceptable",
    )


def _holds_narrow(x: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a list holds a ``float16`` or ``float32`` scalar.

    >>> _holds_narrow([0.5, 1]), _holds_narrow([0.5, np.float32(0.7)])
    (False, True)
    """
    return any(issubclass(t, _NARROW) for t in set(map(type, x)))


_NARROW = (np.float16, np.float32)


def wide_float(value: Any) -> bool:
    """Whether *value* is a NumPy float wider than ``float64``
    (``np.longdouble``: 80 bits on x86, 128 on some platforms).

    >>> wide_float(np.longdouble(1)), wide_float(np.float64(1)), wide_float(1.0)
    (True, False, False)
    """
    return isinstance(value, np.floating) and value.dtype.itemsize > 8


def wide_number(value: Any) -> Any:
    """A wide float (:func:`wide_float`) as the number it is: its ``float``
    when float64 holds it exactly (NaN and infinities too), else the
    decimal it prints as, a :class:`~decimal.Decimal` that every reader of
    decimals then compares exactly or refuses (``2**53 + 1``, ``1e-4000``,
    ``1e400``), never rounded silently to the nearest double. Other
    values are returned as they are.

    >>> wide_number(np.longdouble(2) ** 53 + 1), wide_number(np.longdouble(0.5))
    (Decimal('9007199254740993.0'), 0.5)
    """
    if not wide_float(value):
        return value
    with np.errstate(all="ignore"):
        f = float(value)
        held = not np.isfinite(value) or (
            math.isfinite(f) and np.longdouble(f) == value
        )
    return f if held else _decimal.Decimal(numpy_str(value))


def wide_values(arr: np.ndarray) -> np.ndarray:
    """A NumPy array of wide floats (``np.longdouble``) as ``float64`` when
    float64 holds every value exactly, else as an object array of
    :func:`wide_number`'s values (floats, and the others as decimals).

    >>> wide_values(np.array([0.5, 2.0], dtype=np.longdouble)).dtype
    dtype('float64')
    >>> wide_values(np.array([2**53, 1], dtype=np.longdouble) + 1).tolist()
    [Decimal('9007199254740993.0'), 2.0]
    """
    with np.errstate(all="ignore"):
        narrow = arr.astype(np.float64)
        held = (narrow == arr) | ~np.isfinite(arr)
    if held.all():
        return narrow
    out = narrow.astype(object)
    out[~held] = [wide_number(v) for v in arr[~held]]
    return out


def _holds_bools(x: list[Any] | tuple[Any, ...], arr: np.ndarray) -> bool:
    """Whether a list holds a ``bool`` or ``np.bool_``, which NumPy read as
    the 0 or 1 in *arr* (``np.asarray(x)``): only those rows' types are
    looked at, found by one vectorised comparison.

    >>> _holds_bools([1.5, 1], np.array([1.5, 1.0])), _holds_bools([1.5, True], np.array([1.5, 1.0]))
    (False, True)
    """
    rows = np.flatnonzero((arr == 0) | (arr == 1))
    if not len(rows):
        return False
    kinds = set(map(type, map(x.__getitem__, rows.tolist())))
    return bool in kinds or np.bool_ in kinds


def _extension_ints(
    x: Any, dtype: Any, field: str, has_na: bool, exact: bool
) -> np.ndarray:
    """A nullable integer column (``Int64``, ``UInt64``, ``int64[pyarrow]``)
    as ``int64``, or ``float64`` with NaN where it is missing: values past
    ``int64`` refused as for a NumPy ``uint64`` array (never wrapped round),
    and with *exact* values past 2**53 refused before NaN makes them float.
    The bounds are checked on the integers themselves (NA as 0)."""
    native = getattr(dtype, "numpy_dtype", None)
    unsigned = dtype.kind == "u" and (
        not isinstance(native, np.dtype) or native.itemsize >= 8
    )
    if len(x) and (unsigned or exact):
        kind = np.uint64 if dtype.kind == "u" else np.int64
        values = np.asarray(x.to_numpy(dtype=kind, na_value=0))  # NA: 0
        if values.dtype.kind == "u":
            _check_uint64(values, field, exact)
        hi, lo = int(values.max()), int(values.min())
        if exact and max(-lo, hi) > _EXACT:
            values = values.astype(np.int64, copy=False)
            first, count = first_offender((values > _EXACT) | (values < -_EXACT))
            _refuse_inexact(field, first, count)
    if has_na:
        return np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
    return np.asarray(x.to_numpy(dtype=np.int64))


def _check_uint64(values: np.ndarray, field: str, exact: bool) -> None:
    """Refuse the ``uint64`` *values* (a NumPy array) that ``int64`` does not
    hold (past 2**63 - 1: never wrapped round to negatives), naming the
    first row, as any value refused is named; with *exact*, those past
    2**53 first, as the integers of an ``int64`` column past it are (pandas
    reads a text file's whole numbers from 2**63 to 2**64 - 1 as
    ``uint64``, the smaller ones as ``int64``: one message for both).

    >>> _check_uint64(np.array([1, 2**63], dtype=np.uint64), "amount", True)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' has integers beyond 2**53, which float64 sums do not hold exactly (first at row 1, 1 row affected): scale the amounts down (e.g. to thousands), or convert them to float yourself if rounding them is acceptable
    >>> _check_uint64(np.array([2**63, 2**53 + 1], dtype=np.uint64), "visits", False)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'visits' has values above 2**63 - 1, the largest int64 (first at row 0, 1 row affected): use smaller whole numbers, or floats (convert the column to float yourself if rounding them is acceptable)
    """
    if not len(values):
        return
    hi = int(values.max())
    if exact and hi > _EXACT:
        first, count = first_offender(values > _EXACT)
        _refuse_inexact(field, first, count)
    if hi > _INT64_MAX:
        first, count = first_offender(values > _INT64_MAX)
        raise InputError(
            field,
            "has values above 2**63 - 1, the largest int64",
            first_row=first,
            n_rows=count,
            fix="use smaller whole numbers, or floats (convert the column to "
            "float yourself if rounding them is acceptable)",
        )


_INT64_MAX = int(np.iinfo(np.int64).max)
_FLOAT_MAX = float(np.finfo(np.float64).max)
#: Exact powers of ten (as far as float64 holds them), by exponent.
_POW10 = np.array([float(10**p) for p in range(64)])
#: Rows per pass of :func:`widen_narrow` (its temporaries stay in the cache).
_NARROW_CHUNK = 1 << 14


def widen_narrow(arr: np.ndarray) -> np.ndarray:
    """*arr* (``float16`` or ``float32``) as ``float64``, each value read as
    the decimal it prints as.

    Widening bit for bit turns ``np.float32(0.1)`` into
    ``0.10000000149011612``, which is no decimal of few places: equal spends
    would sum to unequal totals. Each finite value becomes instead the
    ``float64`` of its shortest repr: the decimal of the fewest significant
    digits that narrows back to it (the nearest such, as NumPy prints it).
    NaN and infinities are kept. Vectorised: one pass reads the values of
    up to two decimal places (amounts in cents); the others take one pass
    per number of digits beyond the type's precision (at most five).

    >>> widen_narrow(np.array([0.1, 0.2, 19.99, 1 / 3], dtype=np.float32)).tolist()
    [0.1, 0.2, 19.99, 0.33333334]
    >>> widen_narrow(np.array([0.1, 65504.0, 0.015625], dtype=np.float16)).tolist()
    [0.1, 65500.0, 0.01563]
    """
    dtype = arr.dtype
    info = np.finfo(dtype)
    # below this, half a unit in the last place is under 0.005: only the
    # nearest 2-place decimal can narrow back to a value
    cents_below = 2.0 ** (info.nmant - 6)
    wide = arr.astype(np.float64)
    with np.errstate(all="ignore"):
        for start in range(0, len(wide), _NARROW_CHUNK):
            part = wide[start : start + _NARROW_CHUNK]
            read = np.rint(part * 100.0)
            read /= 100.0
            ok = (read.astype(dtype) == arr[start : start + _NARROW_CHUNK]) & (
                np.abs(part) < cents_below
            )
            np.copyto(part, read, where=ok)
            rest = np.flatnonzero(~ok & np.isfinite(part) & (part != 0))
            if len(rest):
                part[rest] = _shortest(part[rest], dtype)
    return wide


def _shortest(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """:func:`widen_narrow` of finite non-zero values *x* (narrow values
    widened bit for bit), by significant digits, as NumPy prints them.

    A normal value is first tried at the type's precision (6 digits for
    float32): a decimal of at most that many digits that narrows back to it
    is the nearest decimal of that many digits, so one pass reads every
    value printed with that few. The others (and the
    subnormal values, from one digit) take one more digit a pass, the
    nearest decimal first (ties to even, as NumPy prints), else the one on
    the other side (near a power of two only the farther one may narrow
    back). A value no decimal of up to the precision + 4 digits narrows back
    to keeps its bits.
    """
    info = np.finfo(dtype)
    out = x.copy()
    narrow = x.astype(dtype)
    magnitude = np.abs(x)
    exponent = np.floor(np.log10(magnitude)).astype(np.int64)
    normal = magnitude >= float(info.smallest_normal)
    top = len(_POW10) - 1
    for rows, first in (
        (np.flatnonzero(normal), info.precision),
        (np.flatnonzero(~normal), 1),
    ):
        for digits in range(first, info.precision + 5):
            if not len(rows):
                break
            places = digits - 1 - exponent[rows]
            up = _POW10[np.clip(places, 0, top)]
            down = _POW10[np.clip(-places, 0, top)]
            scaled = x[rows] * up / down
            near = np.rint(scaled)
            read = _scaled_decimals(near, places)
            ok = read.astype(dtype) == narrow[rows]
            if digits > info.precision or first == 1:
                no = np.flatnonzero(~ok)
                side = np.where(near[no] > scaled[no], -1.0, 1.0)
                other = _scaled_decimals(near[no] + side, places[no])
                back = other.astype(dtype) == narrow[rows[no]]
                read[no[back]] = other[back]
                ok[no[back]] = True
            out[rows[ok]] = read[ok]
            rows = rows[~ok]
    return out


def _scaled_decimals(digits: np.ndarray, places: np.ndarray) -> np.ndarray:
    """The doubles nearest ``digits * 10**-places`` (whole *digits* below
    2**53): one division or multiplication by an exact power of ten where
    ``|places| <= 22``, else Python's correctly rounded reading of the
    decimal text (tiny or huge values: ``14660108 / 1e44`` is one unit in
    the last place off ``1.4660108e-37``, as ``1e44`` is not exact).

    >>> _scaled_decimals(np.array([14660108.0, 1999.0]), np.array([44, 2])).tolist()
    [1.4660108e-37, 19.99]
    """
    out = np.empty(len(digits), dtype=np.float64)
    exact = np.abs(places) <= _EXACT_POW10
    p = places[exact]
    out[exact] = np.where(
        p >= 0,
        digits[exact] / _POW10[np.clip(p, 0, _EXACT_POW10)],
        digits[exact] * _POW10[np.clip(-p, 0, _EXACT_POW10)],
    )
    for i in np.flatnonzero(~exact).tolist():
        out[i] = float(f"{int(digits[i])}e{-int(places[i])}")
    return out


#: The largest power of ten a double holds exactly (10**22).
_EXACT_POW10 = 22


def _check_sums(arr: np.ndarray, field: str) -> None:
    """Refuse finite values whose absolute sum overflows the array's type."""
    if not len(arr):
        return
    if arr.dtype.kind == "f":
        hi, lo = float(np.fmax.reduce(arr)), float(np.fmin.reduce(arr))
        big = max(abs(hi) if hi != np.inf else 0.0, abs(lo) if lo != -np.inf else 0.0)
        if big * len(arr) <= _FLOAT_MAX or np.isnan(big):
            return
        finite = np.isfinite(arr)
        with np.errstate(over="ignore"):
            total = np.add.reduce(np.abs(arr[finite]))
        if total <= _FLOAT_MAX:
            return
        limit = "float64 holds (about 1.8e308)"
    else:
        if max(-int(arr.min()), int(arr.max())) * len(arr) <= _I64_MAX:
            return
        if float(np.add.reduce(np.abs(arr.astype(np.float64)))) <= _I64_MAX:
            return
        limit = "int64 holds (2**63 - 1)"
    raise InputError(
        field,
        f"has values so large that their sum passes what {limit}",
        fix="scale them down (e.g. to thousands)",
    )


def above_one(value: float) -> str:
    """What a number above 1 in a column of probabilities or rates may be:
    rounding noise (1.0000000000000002, from ``a / b * b``: clip at 1; up
    to a few steps of ``float32``, whose next number after 1 is 1.0000001),
    a percentage (``""`` past 100: neither).

    >>> above_one(1.0000000000000002), above_one(1.0000001), above_one(70.0)
    ('noise', 'noise', 'percentage')
    >>> above_one(250.0)
    ''
    """
    if value <= 1 + 1e-6:
        return "noise"
    return "percentage" if value <= 100 else ""


def describe(value: Any, limit: int = 40) -> str:
    """A short printable description of *value*, for messages.

    Huge integers are described by their size (their decimal form can run to
    thousands of digits, beyond what Python prints); other values by their
    ``repr``, cut to *limit* characters.

    >>> describe(10**400)
    'an integer of 401 digits'
    >>> describe("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    >>> describe(np.str_("abc")), describe(np.float64(1.5))
    ("'abc'", '1.5')
    """
    if isinstance(value, np.generic) and not isinstance(
        value, np.datetime64 | np.timedelta64
    ):
        value = value.item()  # np.str_('a') is shown as 'a'
    if isinstance(value, int | np.integer) and not isinstance(
        value,
        bool | np.bool_ | np.timedelta64,  # NumPy calls durations integers
    ):
        n = int(value)
        if abs(n) >= 10**limit or n.bit_length() > 128:
            digits = len(str(abs(n))) if n.bit_length() < 10_000 else None
            if digits is None:
                return f"an integer of about {int(n.bit_length() * 0.30103)} digits"
            return f"an integer of {digits} digits"
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails: its type is enough
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_EXACT = 2**53  # float64 holds every integer up to this exactly


#: what a number's text holds besides its significant digits
_DIGITS = re.compile(r"[^0-9]")
_EXPONENT = re.compile(r"[eE].*\Z")


def _object_to_float(arr: np.ndarray, field: str, *, exact: bool = False) -> np.ndarray:
    """Convert an object or text array to float64, naming the first bad row.

    Integers too large for ``float64`` (Python ints beyond about 1.8e308) are
    refused with an :class:`InputError`, and with *exact* so are integers that
    ``float64`` does not hold exactly (beyond 2**53), and exact numbers
    other than 0 that it reads as 0 (``Decimal("1E-400")``). A wide float
    (``np.longdouble``) is read as :func:`wide_number` gives it.
    """
    out = np.empty(len(arr), dtype=np.float64)
    bad: list[int] = []
    huge: list[int] = []
    tiny: list[int] = []
    foreign: list[int] = []
    inexact: list[int] = []
    changed: list[int] = []
    undecodable: list[int] = []
    values = arr.tolist()
    for i, v in enumerate(values):
        if isinstance(v, bytes):
            # bytes (a NumPy "S" array, an Arrow or Polars binary column) as
            # the text they hold, so that every check of text below sees them:
            # float(b"89.99999999999999999") is 90.0 without a word
            try:
                v = values[i] = v.decode("utf-8")
            except UnicodeDecodeError:
                undecodable.append(i)
                continue
        if v is None or (not isinstance(v, str | bytes) and is_missing_scalar(v)):
            out[i] = np.nan  # None, pd.NA, NaT, NaN: missing
            continue
        if isinstance(v, (bool, np.bool_)) or (
            # Python reads 12_50 as 1250: no export writes numbers so
            isinstance(v, str | bytes)
            and ("_" in v if isinstance(v, str) else b"_" in v)
        ):
            bad.append(i)
            continue
        if wide_float(v):  # np.longdouble: as the decimal it prints as
            v = values[i] = wide_number(v)
        try:
            f = out[i] = float(v)
            if isinstance(v, _NARROW):  # the decimal it prints as, as in arrays
                f = out[i] = float(widen_narrow(np.array([v]))[0])
        except OverflowError:
            huge.append(i)
        except (TypeError, ValueError):
            bad.append(i)
        else:
            if math.isinf(f) and _beyond_float(v):
                huge.append(i)  # "1e400": read as inf, though no infinity
                continue
            if isinstance(v, str) and not v.isascii():
                # Python reads full-width digits and strips any Unicode
                # space: text the file readers' checks (significant digits,
                # dotted thousands) did not see as a number
                foreign.append(i)
                continue
            if (
                f == 0
                and isinstance(v, str | bytes)
                and _UNDERFLOW.search(v if isinstance(v, str) else v.decode("latin-1"))
            ):
                tiny.append(i)  # 1e-400: not 0, but below every float64
            elif f == 0 and exact and not isinstance(v, str | bytes) and v != 0:
                # Decimal("1E-400"), Fraction(1, 10**400): an amount read as
                # 0 would change sign (a refund) and count as a zero amount
                tiny.append(i)
            if (
                isinstance(v, str)
                and len(v) > 15  # (cheap first: 16 digits need 16 characters)
                and len(_DIGITS.sub("", _EXPONENT.sub("", v)).strip("0")) > 15
                and changed_by_float(v, f)
            ):
                changed.append(i)  # "89.99999999999999999" read as 90.0
            if not exact:
                continue
            if is_int(v):
                if not -_EXACT <= int(v) <= _EXACT:
                    inexact.append(i)
            elif (
                isinstance(v, _decimal.Decimal)
                # cheap first: at most 15 digits and within 2**53 is exact
                and (not -_EXACT <= f <= _EXACT or _DIGITS_15.plus(v) != v)
                and decimal_inexact(v)
            ):
                inexact.append(i)
    if undecodable:  # worded as bytes_as_text words it, for every reader
        raise undecodable_bytes(field, values[undecodable[0]], undecodable)
    if bad:
        if isinstance(values[bad[0]], str):
            # 1,234.50 or 1.234,50 from a spreadsheet: the file readers' own
            # diagnosis (thousands separators, decimal commas) names them
            marks = np.zeros(len(values), dtype=bool)
            marks[bad] = True
            check_number_words(values, marks, field)
        raise InputError(
            field,
            f"has non-numeric values such as {describe(values[bad[0]])}",
            first_row=bad[0],
            n_rows=len(bad),
            fix="clean the column so it holds only numbers",
        )
    if foreign:
        raise InputError(
            field,
            "has numbers written with characters other than ASCII digits, such "
            f"as {describe(values[foreign[0]])} (full-width digits, or spaces "
            "such as U+00A0 or U+3000 around them)",
            first_row=foreign[0],
            n_rows=len(foreign),
            fix="write them with the digits 0-9 and no spaces but ASCII ones "
            "(replace full-width digits and non-breaking spaces in the "
            "spreadsheet or the export)",
        )
    if huge:
        raise InputError(
            field,
            f"has numbers beyond the range float64 holds (about 1.8e308), such as "
            f"{describe(values[huge[0]])}",
            first_row=huge[0],
            n_rows=len(huge),
            fix="check the column (a unit or parsing error?) or scale the values down",
        )
    if tiny:
        raise underflow_error(field, describe(values[tiny[0]]), tiny[0], len(tiny))
    if changed:
        first = changed[0]
        raise more_digits_error(
            field, describe(values[first]), float(out[first]), first, len(changed)
        )
    if inexact:
        first = values[inexact[0]]
        _refuse_inexact(
            field,
            inexact[0],
            len(inexact),
            example=first if isinstance(first, _decimal.Decimal) else None,
        )
    return out


def _beyond_float(value: Any) -> bool:
    """Whether a value float64 reads as infinite is a finite number beyond
    its range (the text ``"1e400"``, ``Decimal("1e400")``), not an infinity
    (``"inf"``, ``"-Infinity"``).

    >>> _beyond_float("1e400"), _beyond_float(" -inf"), _beyond_float(b"1E999")
    (True, False, True)
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return "inf" not in value.lower()
    if isinstance(value, _decimal.Decimal):
        return value.is_finite()
    return False


def changed_by_float(text: str, value: float) -> bool:
    """Whether *text* is a number other than *value* (exactly) and its
    shortest form: more significant digits than float64 holds.

    >>> changed_by_float("89.99999999999999999", 90.0), changed_by_float("0.10", 0.1)
    (True, False)
    """
    try:
        exact = _decimal.Decimal(text.strip())
    except _decimal.InvalidOperation:
        return False
    if not exact.is_finite() or value != value:
        return False
    return exact != _decimal.Decimal(value) and exact != _decimal.Decimal(repr(value))


def more_digits_error(
    field: str, example: str, value: float, first_row: int, n_rows: int
) -> InputError:
    """The error for numbers whose text float64 changes (more significant
    digits than it holds): read as floats, they could fall in another class."""
    return InputError(
        field,
        "has numbers with more significant digits than float64 holds, such "
        f"as {example} (read as {value!r})",
        first_row=first_row,
        n_rows=n_rows,
        fix="round them (e.g. to cents; a program writing floats in full, "
        "'%.17g', writes 0.1 as 0.10000000000000001) or scale them down "
        "(e.g. to thousands), pass them as decimal.Decimal to compare them "
        "exactly, or convert them to float yourself if rounding them is "
        "acceptable",
    )


def underflow_error(
    field: str, example: str, first_row: int, n_rows: int
) -> InputError:
    """The error for numbers whose text float64 reads as 0 (``1e-400``)."""
    return InputError(
        field,
        "has numbers too small for float64 (below about 5e-324), which would "
        f"be read as 0, such as {example}",
        first_row=first_row,
        n_rows=n_rows,
        fix="check the column (a unit or parsing error?) or scale the values up",
    )


#: a number's text with a non-zero digit before its exponent (if any): if
#: float64 reads it as 0, it underflowed (``1e-400``, ``0.000...01``)
_UNDERFLOW = re.compile(r"\A[^eE]*[1-9]")


#: Rounds a Decimal to 15 significant digits (every such decimal is below
#: 2**53 in its last place).
_DIGITS_15 = _decimal.Context(prec=15)


def decimal_inexact(value: _decimal.Decimal) -> bool:
    """Whether a finite :class:`~decimal.Decimal` is beyond 2**53 in its
    last (non-zero) place, or as an integer: ``float64`` sums of such
    amounts are not exact. Trailing zeros do not count
    (``decimal128(38, 20)`` writes 1 as ``1.00000000000000000000``).

    >>> D = _decimal.Decimal
    >>> decimal_inexact(D("90071992547409.93")), decimal_inexact(D("90071992547409.9"))
    (True, False)
    >>> decimal_inexact(D("9007199254740993")), decimal_inexact(D("1.00000000000000000000"))
    (True, False)
    """
    if not value.is_finite():
        return False
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    text = "".join(map(str, digits))
    kept = text.rstrip("0")
    if not kept:
        return False  # zero
    exponent += len(text) - len(kept)
    # the digits of the whole number of the last place (kept, then zeros
    # when the exponent is positive): compared by length first, so that
    # 1e100000000 or 5,000 digits are never made into a Python int
    length = len(kept) + max(exponent, 0)
    if length != 16:  # 2**53 has 16 digits
        return length > 16
    return int(kept) * 10 ** max(exponent, 0) > _EXACT


#: Fields that are counts, not amounts (:func:`_refuse_inexact`'s fix).
_COUNT_FIELDS = frozenset({"frequency", "orders", "n_orders", "n_rows", "n_purchases"})


def _refuse_inexact(
    field: str, first: int, count: int, example: _decimal.Decimal | None = None
) -> None:
    if example is not None:
        problem = (
            f"has decimal numbers beyond 2**53 in their last place, such as "
            f"{describe(example)}, which float64 sums do not hold exactly"
        )
        fix = (
            "round them (e.g. to cents) or scale them down (e.g. to thousands), "
            "or convert them to float yourself if rounding them is acceptable"
        )
    elif str(field) in _COUNT_FIELDS:  # counts: no amounts to scale
        problem = "has integers beyond 2**53, which float64 sums do not hold exactly"
        fix = (
            f"check the column: a count of 2**53 or more is no count of "
            f"purchases (pass the column that holds the counts as {field!r})"
        )
    else:
        problem = "has integers beyond 2**53, which float64 sums do not hold exactly"
        fix = (
            "scale the amounts down (e.g. to thousands), or convert "
            "them to float yourself if rounding them is acceptable"
        )
    raise InputError(field, problem, first_row=first, n_rows=count, fix=fix)


def _exact_list_ints(x: Any, arr: np.ndarray, field: str) -> None:
    """Refuse a list or tuple whose Python ints NumPy rounded to float64.

    ``np.asarray([2**63 + 5, -1])`` is a float64 array, silently rounded; only
    looked at when the array holds a value beyond 2**53.
    """
    if not len(arr) or not isinstance(x, list | tuple):
        return
    with np.errstate(invalid="ignore"):
        big = np.fmax.reduce(np.abs(arr))
    if not big > _EXACT:
        return
    rows = [i for i, e in enumerate(x) if is_int(e) and not -_EXACT <= int(e) <= _EXACT]
    if rows:
        _refuse_inexact(field, rows[0], len(rows))


def _is_period(v: Any) -> bool:
    """A pandas ``Period`` (duck-typed: this module imports only NumPy)."""
    return (
        type(v).__name__ == "Period"
        and hasattr(v, "start_time")
        and hasattr(v, "freqstr")
    )


def _period_long(v: Any) -> bool:
    """A ``Period`` longer than a day (a week, a month, ...): it names no day."""
    return bool(v.end_time - v.start_time >= _dt.timedelta(days=1))


_PERIOD_FIX = (
    "convert the periods to dates first: col.dt.to_timestamp() gives the "
    "first day of each period (how='end' the last), if that is the day meant"
)


def _period_starts(x: Any, field: str) -> Any:
    """A pandas column of periods (``period[D]``, ``period[h]``, ...) as
    the instants they start at; periods longer than a day (weeks, months,
    quarters, years) name no day and are refused, as the text ``2024-03``
    is. Other input is returned as it is."""
    if not str(getattr(x, "dtype", "")).startswith("period["):
        return x
    periods = x.dt if hasattr(x, "dt") else x
    start = np.asarray(periods.start_time)  # in pandas' unit for them
    end = np.asarray(periods.end_time)
    long = (end - start) >= np.timedelta64(1, "D")  # NaT: False
    if long.any():
        first, count = first_offender(long)
        value = np.asarray(x, dtype=object)[first]
        raise InputError(
            field,
            f"holds periods of {value.freqstr!r}, such as {value!r}, which "
            "name no day (a week, a month or longer)",
            first_row=first,
            n_rows=count,
            fix=_PERIOD_FIX,
        )
    return start


def _localize(x: Any) -> Any:
    """Drop the time zone of tz-aware data, keeping local wall time: pandas
    data, and Arrow arrays and Polars Series, which ``np.asarray`` would
    otherwise give as UTC instants."""
    if getattr(getattr(x, "type", None), "tz", None):  # pyarrow (Chunked)Array
        x = x.to_pandas()
    elif getattr(getattr(x, "dtype", None), "time_zone", None):  # polars Series
        return x.dt.replace_time_zone(None)
    tz = getattr(getattr(x, "dtype", None), "tz", None)
    if tz is None:
        return x
    if hasattr(x, "dt"):
        return x.dt.tz_localize(None)
    return x.tz_localize(None)


def as_datetime(x: Any, field: str, *, nan: NanPolicy = "raise") -> np.ndarray:
    """Coerce *x* to a contiguous 1-D ``datetime64`` array.

    Accepts NumPy ``datetime64`` arrays of any unit and byte order, pandas
    datetime Series and indexes, and sequences of ISO 8601 strings,
    :class:`datetime.date` or :class:`datetime.datetime` objects (parsed to
    microseconds). The result is in the machine's byte order and in one of the
    units ``D``, ``h``, ``m``, ``s``, ``ms``, ``us``, ``ns``; see
    :func:`standard_datetimes`.

    Time-zone-aware pandas input is converted to its *local wall-clock time*
    and the zone is dropped: a purchase at 23:30 in Shanghai counts on that
    Shanghai calendar day, which is the day the shop and the customer saw.

    Text is read in the years 1 to 9999 (the engines' and Python's): text
    of another year (``0000-08-15``, ``20240-01-01``) raises
    :class:`~custseg.errors.InputError`. ``datetime64`` values keep any
    year their unit holds.

    Examples
    --------
    >>> as_datetime(["2024-01-05", "2024-02-01T10:30"], "date")
    array(['2024-01-05T00:00:00.000000', '2024-02-01T10:30:00.000000'],
          dtype='datetime64[us]')
    >>> as_datetime(["2024-01-05", "next week"], "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has values that are not dates, such as 'next week' (first at row 1, 1 row affected): use ISO 8601 text (2024-01-31 or 2024-01-31T14:05) or datetime values
    """
    refuse_spark(x, field)
    x = _period_starts(_localize(arrow_plain(x)), field)
    arr = _to_numpy(x, field)
    if arr.dtype.kind == "U" and isinstance(x, list | tuple):
        arr = _listed_dates(x, arr)
    if arr.size == 0 and arr.dtype.kind != "M":
        return np.empty(0, dtype=_TEXT_UNIT)
    if arr.dtype.kind != "M":
        if arr.dtype.kind in "iufbcmV":
            given = getattr(x, "dtype", arr.dtype)  # the caller's (Int64, not float64)
            raise InputError(
                field,
                f"has dtype {given}, expected dates",
                fix="convert it first: YYYYMMDD numbers with "
                "custseg.frame.parse_date_column(col, name) (whole numbers, "
                "missing ones too) or pandas.to_datetime(col.astype('Int64')"
                ".astype(str), format='%Y%m%d'), Unix seconds with "
                "pandas.to_datetime(col, unit='s')",
            )
        arr = _parse_dates(arr, field)
    arr = standard_datetimes(arr, field)
    # NaT is int64's minimum: a reduction finds it without a mask of the rows
    if nan == "raise" and len(arr) and int(arr.view(np.int64).min()) == _I64_MIN:
        bad = np.isnat(arr)
        if bad.any():
            first, count = first_offender(bad)
            raise InputError(
                field,
                "contains missing dates (NaT)",
                first_row=first,
                n_rows=count,
                fix="drop or fill the rows without a date",
            )
    return np.ascontiguousarray(arr)


def _listed_dates(x: list[Any] | tuple[Any, ...], arr: np.ndarray) -> np.ndarray:
    """A list's dates as NumPy read them (*arr*, text), or as objects when
    the list holds more than text: NumPy writes NaN among text as the text
    ``'nan'`` (and 0 as ``'0'``), which a list with a None, or a Series,
    keeps as a missing value (a number) instead.

    >>> _listed_dates(["2024-01-05", float("nan")], np.asarray(["2024-01-05", "nan"]))
    array(['2024-01-05', nan], dtype=object)
    """
    if all(issubclass(k, str) for k in set(map(type, x))):
        return arr
    return np.fromiter(x, dtype=object, count=len(x))


_CALENDAR_FIX = (
    "give the day meant: .astype('datetime64[D]') makes the first day of each "
    "month or year, if that is the day meant"
)


def standard_datetimes(arr: np.ndarray, field: str) -> np.ndarray:
    """*arr* (``datetime64``) in native byte order and a standard unit, exactly.

    The units ``D``, ``h``, ``m``, ``s``, ``ms``, ``us`` and ``ns`` are kept;
    multiples of a unit (``[5h]``, ``[13m]``, ``[2D]``) become their base unit
    and weeks become days, exactly (integer multiplication); years and months
    name no day and are refused (as the text ``2024-03`` and monthly periods
    are); ``ps``, ``fs`` and ``as`` become nanoseconds,
    floored (the day of every instant is kept; digits below a nanosecond are
    dropped). NaT stays NaT. Values the new unit cannot hold raise
    :class:`~custseg.errors.InputError` instead of wrapping round.

    >>> standard_datetimes(np.array([1, 5], dtype=">M8[5h]"), "date")
    array(['1970-01-01T05', '1970-01-02T01'], dtype='datetime64[h]')
    >>> standard_datetimes(np.array([-1500], dtype="M8[ps]"), "date")
    array(['1969-12-31T23:59:59.999999998'], dtype='datetime64[ns]')
    >>> standard_datetimes(np.array([2**62], dtype="M8[5D]"), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has dates outside the range datetime64[D] holds (first at row 0, 1 row affected): check the column's unit (pandas.to_datetime(col, unit=...)) or drop the rows
    """
    arr = native(arr)
    unit, count = np.datetime_data(arr.dtype)
    if unit == "generic":  # no unit: every value is NaT
        return arr.astype(_TEXT_UNIT)
    if count == 1 and unit in _STANDARD_UNITS:
        return arr
    if unit in _CALENDAR_LIMIT:  # years and months name no day
        ticks = arr.view(np.int64)
        known = ticks != _I64_MIN
        if known.any():
            first, n_rows = first_offender(known)
            raise InputError(
                field,
                f"holds dates of unit {unit if count == 1 else f'{count}{unit}'}"
                f", such as {str(arr[first])!r}, which name no day (a year or a "
                "month only)",
                first_row=first,
                n_rows=n_rows,
                fix=_CALENDAR_FIX,
            )
        return arr.astype("datetime64[D]")  # every value NaT
    if _ATTOSECONDS[unit] < _ATTOSECONDS["ns"]:
        return rescale_datetimes(arr, "ns", field)
    return rescale_datetimes(arr, "D" if unit == "W" else unit, field)


def rescale_datetimes(arr: np.ndarray, target: str, field: str) -> np.ndarray:
    """*arr* (native ``datetime64`` of a fixed unit) in unit *target*, exactly.

    Each value is floored to a tick of *target*; NaT stays NaT; a value the
    new unit cannot hold raises :class:`~custseg.errors.InputError`.

    >>> rescale_datetimes(np.array(["2024-03-01"], "M8[D]"), "us", "as_of")
    array(['2024-03-01T00:00:00.000000'], dtype='datetime64[us]')
    >>> rescale_datetimes(np.array(["300000-01-01"], "M8[D]"), "us", "as_of")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'as_of' has dates outside the range datetime64[us] holds (first at row 0, 1 row affected): check the column's unit (pandas.to_datetime(col, unit=...)) or drop the rows
    """
    unit, count = np.datetime_data(arr.dtype)
    if (unit, count) == (target, 1):
        return arr
    num, den = count * _ATTOSECONDS[unit], _ATTOSECONDS[target]
    g = math.gcd(num, den)
    num, den = num // g, den // g
    ticks = arr.view(np.int64)
    nat = ticks == _I64_MIN
    lo, hi = 0, 0
    if len(arr) and not nat.all():
        valid = ticks[~nat] if nat.any() else ticks
        lo, hi = int(valid.min()), int(valid.max())
    if not (lo * num // den > _I64_MIN and hi * num // den <= _I64_MAX):
        new = [(int(t) * num) // den for t in ticks.tolist()]
        bad = np.array([not _I64_MIN < t <= _I64_MAX for t in new], dtype=bool)
        _refuse_range(field, bad, nat, target)
    if den == 1:
        out = ticks * np.int64(num)
    elif num * den < 2**62:  # floor(t * num / den) without overflow
        q, r = np.divmod(ticks, np.int64(den))
        out = q * np.int64(num) + (r * np.int64(num)) // np.int64(den)
    else:  # absurd multipliers: exact Python integers
        big = [(int(t) * num) // den if t != _I64_MIN else 0 for t in ticks.tolist()]
        out = np.array(big, dtype=np.int64)
    out[nat] = _I64_MIN
    return out.view(f"datetime64[{target}]")


def _refuse_range(field: str, bad: np.ndarray, nat: np.ndarray, target: str) -> None:
    first, count = first_offender(bad & ~nat)
    raise InputError(
        field,
        f"has dates outside the range datetime64[{target}] holds",
        first_row=first,
        n_rows=count,
        fix="check the column's unit (pandas.to_datetime(col, unit=...)) "
        "or drop the rows",
    )


#: NumPy's warnings when it converts text with a UTC offset to UTC.
#: this module, for warning filters that touch only what it raises (NumPy
#: attributes its notes to the line that calls it)
_HERE = re.escape(__name__) + "$"

_NUMPY_ZONE_NOTE = (
    "(no explicit representation of timezones|parsing timezone aware datetimes)"
)


#: the kinds pandas' ``infer_dtype`` (missing values skipped) names that
#: hold no bytes: :func:`bytes_as_text` returns such arrays as they are
_NO_BYTES = frozenset(
    {
        "string",
        "empty",
        "floating",
        "integer",
        "mixed-integer-float",
        "decimal",
        "boolean",
        "datetime",
        "datetime64",
        "date",
        "timedelta",
        "timedelta64",
        "time",
        "period",
    }
)


def undecodable_bytes(field: str, example: bytes, rows: list[int]) -> InputError:
    """The one refusal of bytes that are not UTF-8 text (*rows*: their
    positions, *example* the first), as every reader of text or numbers
    words it.

    >>> print(undecodable_bytes("date", b"\\xff", [3]))
    'date' has bytes that are not UTF-8 text, such as b'\\xff' (first at row 3, 1 row affected): decode them with their encoding first (column.str.decode('gbk'), or bytes.decode)
    """
    return InputError(
        field,
        f"has bytes that are not UTF-8 text, such as {describe(example)}",
        first_row=rows[0],
        n_rows=len(rows),
        fix="decode them with their encoding first (column.str.decode('gbk'), "
        "or bytes.decode)",
    )


def bytes_as_text(
    arr: np.ndarray, field: str, *, undecodable: str = "raise", objects: bool = False
) -> np.ndarray:
    """*arr* with its bytes values (a NumPy ``S`` array; ``bytes`` among
    objects, as Arrow and Polars binary columns, HDF5 files and some database
    drivers give text) as the UTF-8 text they hold, so that every check of
    text sees them: NumPy reads ``b"2024"`` as 2024-01-01 and ``b"1"`` as
    0001-01-01, where the text ``"2024"`` is refused as naming no day. Bytes
    that are not UTF-8 are an :class:`~custseg.errors.InputError` naming
    *field* (``undecodable="keep"``: left as bytes, and the values always
    in an object array, as a profile reads them: filled values). The
    decoded values are in an object array when *objects* (labels: a text
    ending in ``"\x00"`` kept apart), else in a ``str`` array when they are
    all text. Other arrays are returned as they are.

    >>> bytes_as_text(np.array([b"2024-01-05"]), "date")
    array(['2024-01-05'], dtype='<U10')
    >>> bytes_as_text(np.array([b"2024-01-05", None], dtype=object), "date")
    array(['2024-01-05', None], dtype=object)
    >>> bytes_as_text(np.array([b"n/a", b"\\xff", 1], dtype=object), "phone",
    ...               undecodable="keep").tolist()
    ['n/a', b'\\xff', 1]
    >>> bytes_as_text(np.array([b"\\xff"], dtype=object), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has bytes that are not UTF-8 text, such as b'\\xff' (first at row 0, 1 row affected): decode them with their encoding first (column.str.decode('gbk'), or bytes.decode)
    """
    if arr.dtype.kind == "S":
        arr = arr.astype(object)
    elif arr.dtype != object:
        return arr
    pd = sys.modules.get("pandas")  # (loaded wherever columns are pandas')
    if pd is not None and pd.api.types.infer_dtype(arr, skipna=True) in _NO_BYTES:
        return arr  # one pass in C: text, numbers or dates alone (3x the types')
    values = arr.tolist()
    if not any(issubclass(k, bytes) for k in set(map(type, values))):
        return arr
    out = np.empty(len(values), dtype=object)
    bad: list[int] = []
    for i, v in enumerate(values):
        if isinstance(v, bytes):
            try:
                v = v.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(i)
        out[i] = v
    if bad and undecodable != "keep":  # (kept: the bytes stand in out)
        raise undecodable_bytes(field, values[bad[0]], bad)
    if undecodable == "keep" or objects:  # objects as they are ("\x00" stays)
        return out
    if all(isinstance(v, str) for v in out.tolist()):  # text alone, as NumPy's
        return out.astype(str)
    return out


def _parse_dates(arr: np.ndarray, field: str) -> np.ndarray:
    arr = bytes_as_text(arr, field)
    values = arr.tolist()
    # NumPy converts tz-aware datetimes and ISO text with a UTC offset to UTC
    # (with a warning); we keep local wall time, as for pandas input, so those
    # go through the per-value path, as do missing values (None, NaN).
    aware = False
    if arr.dtype == object:
        kinds = set(map(type, values))  # one C pass; text alone needs no more
        if any(issubclass(k, _NOT_DATES) for k in kinds):
            _refuse_numbers(values, field)  # NumPy reads 0 as 1970-01-01
        aware = any(k.__name__ == "Period" for k in kinds) or (
            any(issubclass(k, _dt.datetime) for k in kinds)
            and any(getattr(x, "tzinfo", None) is not None for x in values)
        )
    if not aware:
        try:
            # only NumPy's note on offsets is raised (then read per value):
            # other threads' warnings meanwhile are left as they are
            with warnings_filtered("error", message=_NUMPY_ZONE_NOTE, module=_HERE):
                parsed = np.asarray(arr, dtype=_TEXT_UNIT)
                # NumPy wraps a value the unit cannot hold (a year such as
                # 300000) round without a word; days cannot wrap, so a value
                # whose day differs from its day parsed alone has wrapped
                days = np.asarray(arr, dtype="datetime64[D]")
        except (ValueError, TypeError, OverflowError, Warning):
            pass
        else:
            _refuse_text_dates(values, days, field)
            wrapped = to_days(parsed) != days.view(np.int64)
            if wrapped.any():
                _refuse_range(field, wrapped, np.isnat(days), "us")
            refuse_far_text(values, days, field)
            return parsed
    out = np.empty(len(values), dtype=_TEXT_UNIT)
    bad: list[int] = []
    for i, v in enumerate(values):
        try:
            out[i] = _scalar_to_datetime64(v)
        except (ValueError, TypeError, OverflowError):
            bad.append(i)
    if bad:
        first = values[bad[0]]
        why = _not_a_day(first)
        if why is not None:
            raise InputError(
                field, why[0], first_row=bad[0], n_rows=len(bad), fix=why[1]
            )
        if _is_period(first):
            raise InputError(
                field,
                f"holds periods such as {first!r}, which name no day (a week, "
                "a month or longer)",
                first_row=bad[0],
                n_rows=len(bad),
                fix=_PERIOD_FIX,
            )
        raise InputError(
            field,
            f"has values that are not dates, such as {describe(first)}",
            first_row=bad[0],
            n_rows=len(bad),
            fix="use ISO 8601 text (2024-01-31 or 2024-01-31T14:05) or datetime values",
        )
    refuse_far_text(values, out, field)
    return out


#: Scalars that are no date, though NumPy reads the integers among them (a
#: bool too) as ticks since 1970-01-01 and ``np.uint64(2**63)`` as NaT.
_NOT_DATES = (numbers.Number, np.number, np.bool_)


def _refuse_numbers(values: list[Any], field: str) -> None:
    """Refuse the numbers and booleans among *values* (date objects and
    text); missing values (None, NaN, ``Decimal("NaN")``) stay missing.

    >>> _refuse_numbers(["2024-01-05", None, float("nan")], "date")
    >>> _refuse_numbers(["2024-01-05", 0, False], "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has values that are not dates, such as 0 (first at row 1, 2 rows affected): use ISO 8601 text (2024-01-31 or 2024-01-31T14:05) or datetime values; convert numbers first: YYYYMMDD numbers with pandas.to_datetime(col.astype(str), format='%Y%m%d'), Unix seconds with pandas.to_datetime(col, unit='s')
    """
    bad = [
        i
        for i, x in enumerate(values)
        if isinstance(x, _NOT_DATES) and not is_missing_scalar(x)
    ]
    if bad:
        raise InputError(
            field,
            f"has values that are not dates, such as {describe(values[bad[0]])}",
            first_row=bad[0],
            n_rows=len(bad),
            fix="use ISO 8601 text (2024-01-31 or 2024-01-31T14:05) or datetime "
            "values; convert numbers first: YYYYMMDD numbers with "
            "pandas.to_datetime(col.astype(str), format='%Y%m%d'), Unix seconds "
            "with pandas.to_datetime(col, unit='s')",
        )


def _bare_digits(value: Any) -> bool:
    """Text of ASCII digits only, other than 4 of them (ISO 8601 reads
    ``"202403"`` as the year 202403; nobody means that). Four digits, a
    year, are refused too, as naming no day (:func:`_vague_date`)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.isascii() and text.isdigit() and len(text) != 4


_DIGITS_FIX = (
    "write dates as ISO 8601 text (2024-03-01): digits are read as YYYYMMDD "
    "only by summarize_frame, segment and the command line; here parse them "
    "first, e.g. pandas.to_datetime(col, format='%Y%m%d') (or the digits' own "
    "format)"
)


def _vague_date(value: Any) -> str | None:
    """Why a text NumPy reads as a date names no day, or None: the words
    ``today`` / ``now`` (the moment of the run, not of the purchase),
    ISO 8601 text of a year or month only (``2024``, ``2024-03``, also
    with ``/`` or ``.``: which day is a guess), and a month and a day with
    no year (``12-25``: which year is a guess; :func:`_vague_fix` gives its
    fix).

    >>> _vague_date("2024-03"), _vague_date("12-25")
    ("'2024-03' names no day (a year or a month only)", "'12-25' names no year (a month and a day only)")
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in ("today", "now"):
        return f"{text!r} is the time of the run, not a date"
    date = text.lstrip("+-").split("T")[0].split(" ")[0]
    # pandas reads 2024/03 and 2024.03 as ISO 8601 too
    date = date.replace("/", "-").replace(".", "-")
    iso = date[:1].isdigit() and all(c.isdigit() or c == "-" for c in date)
    if iso and date.count("-") == 1 and len(date.split("-")[1]) == 3:
        return f"{text!r} is a day of the year (an ISO ordinal date), which is not read"
    if _no_year(date):
        return f"{text!r} names no year (a month and a day only)"
    if iso and date.count("-") < 2 and not (len(date) == 8 and date.isdigit()):
        return f"{text!r} names no day (a year or a month only)"
    return None


def _no_year(date: str) -> bool:
    """*date* (its separators made ``-``) is two groups of 1 or 2 digits, a
    month and a day (``12-25``, ``25-12``): no year, which NumPy and pandas
    would take from the digits or the calendar of the run."""
    parts = date.split("-")
    return len(parts) == 2 and all(p.isdigit() and len(p) <= 2 for p in parts)


_VAGUE_FIX = (
    "write each date with its day (2024-03-01); a missing date is left empty "
    "and reported, never guessed"
)

_NO_YEAR_FIX = (
    "write each date with its year, as ISO 8601 (2024-12-25); a year is never guessed"
)


def _vague_fix(value: Any) -> str:
    """The fix for *value*, which :func:`_vague_date` refuses: add the year
    to a month and a day, else the day to a year or a month."""
    return _NO_YEAR_FIX if "names no year" in (_vague_date(value) or "") else _VAGUE_FIX


def _short_year(value: Any) -> bool:
    """ISO-like text whose year has fewer than 4 digits (``24-03-01``,
    ``1-2-3``): NumPy reads it as the year 24, nobody means that.

    >>> _short_year("24-03-01"), _short_year("0024-03-01"), _short_year("2024-3-1")
    (True, False, False)
    >>> _short_year("31/12/2024")  # day first: its year has 4 digits
    False
    """
    if not isinstance(value, str):
        return False
    text = value.strip().lstrip("+-").replace("/", "-").replace(".", "-")
    parts = text.split("T")[0].split(" ")[0].split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return False
    return 0 < len(parts[0]) < 4 and all(len(p) <= 2 for p in parts[1:])


_SHORT_YEAR_FIX = (
    "write the year with its 4 digits (2024-03-01): a 2-digit year is not "
    "guessed; parse such text first, e.g. pandas.to_datetime(col, "
    "format='%y-%m-%d')"
)


def _not_a_day(value: Any) -> tuple[str, str] | None:
    """(problem, fix) for a text NumPy reads as a date that is none: bare
    digits (see _bare_digits), text naming no day (see _vague_date) or a
    year of fewer than 4 digits (see _short_year)."""
    if _bare_digits(value):
        return f"has values that are not dates, such as {describe(value)}", _DIGITS_FIX
    vague = _vague_date(value)
    if vague is not None:
        return f"has values that are not dates: {vague}", _vague_fix(value)
    if _short_year(value):
        return (
            f"has values that are not dates: {describe(value)} has a year of "
            "fewer than 4 digits",
            _SHORT_YEAR_FIX,
        )
    return None


#: 1000-01-01 in days since 1970: a year of 3 digits or fewer is before it
_YEAR_1000 = int(np.datetime64("1000-01-01", "D").astype(np.int64))
#: 0001-01-01 and 9999-12-31 in days since 1970: the first and last day of
#: Python's years 1 to 9999, the only ones the engines (and ``datetime``) hold
FIRST_DAY = int(np.datetime64("0001-01-01", "D").astype(np.int64))
LAST_DAY = int(np.datetime64("9999-12-31", "D").astype(np.int64))

#: The problem and fix of text or numbers read as a day outside the years 1
#: to 9999: NumPy and pandas read ``0000-08-15`` (and ``-0001-08-15``,
#: ``20240-01-01``, ``815`` in ``'%Y%m%d'``), which every engine refuses; no
#: purchase was made then, and the recency would be 739,176 days.
FAR_YEARS = "has dates outside the years 1 to 9999"
FAR_YEARS_FIX = (
    "correct them (a year has 4 digits, from 0001 to 9999), or leave the cells "
    "of unknown dates empty"
)


def far_days(dates: np.ndarray) -> np.ndarray | None:
    """The mask of the dates of the ``datetime64`` array *dates* (any unit)
    outside the years 1 to 9999 (NaT is none), or None when it holds none.
    Only for dates read from text or numbers: ``datetime64`` values given
    as such keep any year NumPy holds.

    >>> far_days(np.array(["0000-08-15", "NaT", "2024-01-01"], "M8[D]"))
    array([ True, False, False])
    >>> far_days(np.array(["9999-12-31T23:59", "1677-09-22"], "M8[ns]")) is None
    True
    """
    if not len(dates):
        return None
    if np.datetime_data(dates.dtype)[0] == "ns":  # 1677 to 2262: none there
        return None
    days = to_days(dates)
    known = days != _I64_MIN
    far = known & ((days < FIRST_DAY) | (days > LAST_DAY))
    return far if far.any() else None


def refuse_far_text(values: list[Any], dates: np.ndarray, field: str) -> None:
    """InputError for the dates of *dates* (``datetime64``, read from
    *values*, one per row) outside the years 1 to 9999 whose value was text
    (:data:`FAR_YEARS`), at the first one, quoted as written; dates read
    from ``datetime64`` values (and date objects) keep any year.

    >>> refuse_far_text(["2024-01-01", "0000-08-15"],
    ...                 np.array(["2024-01-01", "0000-08-15"], "M8[D]"), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has dates outside the years 1 to 9999, such as '0000-08-15' (first at row 1, 1 row affected): correct them (a year has 4 digits, from 0001 to 9999), or leave the cells of unknown dates empty
    >>> refuse_far_text([np.datetime64("0000-08-15")], np.array(["0000-08-15"], "M8[D]"), "d")
    """
    far = far_days(dates)
    if far is None:
        return
    rows = np.flatnonzero(far)
    text = np.zeros(len(far), dtype=bool)
    text[rows] = [isinstance(values[i], str | bytes) for i in rows.tolist()]
    if text.any():
        first, count = first_offender(text)
        raise InputError(
            field,
            f"{FAR_YEARS}, such as {describe(values[first])}",
            first_row=first,
            n_rows=count,
            fix=FAR_YEARS_FIX,
        )


def _refuse_text_dates(values: list[Any], days: np.ndarray, field: str) -> None:
    """Refuse text NumPy parsed although it is no day (see _not_a_day).

    Such text parses to the 1st of a month (bare digits: of January), to
    the run's day or before the year 1000 (a short year), so only those rows
    are looked at (vectorised casts find them).
    """
    day = days.astype(np.int64)
    first = days.astype("datetime64[M]").astype(days.dtype) == days
    today = np.datetime64("today", "D").astype(np.int64)
    near = np.abs(day - today) <= 1  # 'today' and 'now' are UTC in NumPy
    ancient = day < _YEAR_1000
    rows = np.flatnonzero((first | near | ancient) & ~np.isnat(days))
    bad = [i for i in rows.tolist() if _not_a_day(values[i]) is not None]
    if bad:
        problem, fix = _not_a_day(values[bad[0]]) or ("", "")
        raise InputError(field, problem, first_row=bad[0], n_rows=len(bad), fix=fix)


def is_missing_scalar(v: Any) -> bool:
    """None, NaN (``Decimal("NaN")`` and NumPy floats too), pandas NA or NaT.

    >>> is_missing_scalar(None), is_missing_scalar(float("nan")), is_missing_scalar(0)
    (True, True, False)
    >>> is_missing_scalar(_decimal.Decimal("NaN")), is_missing_scalar(np.float32("nan"))
    (True, True)
    """
    return (
        v is None
        or (isinstance(v, float) and v != v)
        or (isinstance(v, np.floating) and bool(v != v))
        or (isinstance(v, _decimal.Decimal) and v.is_nan())
        or type(v).__name__ in ("NAType", "NaTType")
    )


def is_int(x: Any) -> bool:
    """A whole-number scalar (Python or NumPy integer), not a bool and not a
    ``np.timedelta64`` (a subclass of ``np.signedinteger`` that ``int()``
    refuses).

    >>> is_int(3), is_int(np.int8(3)), is_int(True), is_int(np.timedelta64(1, "D"))
    (True, True, False, False)
    """
    return isinstance(x, numbers.Integral | np.integer) and not isinstance(
        x, bool | np.bool_ | np.timedelta64 | np.datetime64
    )


def flag_param(value: Any, field: str) -> bool:
    """A True/False switch: only ``bool`` or ``np.bool_`` (never truthiness:
    ``"False"`` is not False, and ``pd.NA`` has no truth value).

    >>> flag_param(np.True_, "explain")
    True
    >>> flag_param("False", "explain")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'explain' must be True or False: got 'False'
    """
    if not isinstance(value, bool | np.bool_):
        raise ThresholdError(f"{field!r} must be True or False: got {describe(value)}")
    return bool(value)


def utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when *head* (a file's first bytes,
    without a byte-order mark) looks like UTF-16 text: every other byte a
    NUL, not one stray NUL in UTF-8 text; ``"utf-32-le"`` or
    ``"utf-32-be"`` when three bytes in four are; else None.

    >>> utf16_without_bom("customer_id".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_without_bom("customer_id".encode("utf-32-be"))
    'utf-32-be'
    >>> utf16_without_bom("format = 1".encode("utf-8")) is None
    True
    """
    quads = len(head) // 4
    if quads >= 4:
        at = [sum(b == 0 for b in head[k : 4 * quads : 4]) for k in range(4)]
        if min(at[1:]) > 0.9 * quads and at[0] < 0.05 * quads:
            return "utf-32-le"
        if min(at[:3]) > 0.9 * quads and at[3] < 0.05 * quads:
            return "utf-32-be"
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even = sum(b == 0 for b in head[0 : 2 * pairs : 2])
    odd = sum(b == 0 for b in head[1 : 2 * pairs : 2])
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


#: characters of two bytes or more from which text is taken for UTF-8
#: (GBK text is valid UTF-8 only where every character's bytes happen to
#: form UTF-8 sequences: four in a row, about 1 in 3,000)
UTF8_SURE = 4

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]+")


def utf8_damage(chunks: Iterable[bytes]) -> tuple[int, int, int]:
    """Read *chunks* (a file's bytes in order) as UTF-8: the characters
    beyond ASCII that decode, the places (runs of bytes) that do not, and
    whether the last of them ends the text inside a character (1: a file cut
    short; else 0).

    >>> utf8_damage(["客户 a".encode()]), utf8_damage(["客户".encode()[:-1]])
    ((2, 0, 0), (1, 1, 1))
    """
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    good = bad = 0
    for chunk in chunks:
        text = decoder.decode(chunk)
        if not text.isascii():
            runs = _ESCAPED.findall(text)
            good += len(_NOT_ASCII.findall(text)) - sum(map(len, runs))
            bad += len(runs)
    tail = int(bool(decoder.decode(b"", final=True)))
    return good, bad + tail, tail


def damaged_utf8(good: int, bad: int, tail: int) -> bool:
    """Whether text of :func:`utf8_damage`'s counts is UTF-8 with a defect
    (cut short inside its last character, or a few stray bytes among much
    UTF-8) rather than text of another encoding: then no other encoding may
    be offered, which would read every character beyond ASCII as another.

    >>> damaged_utf8(0, 1, 1), damaged_utf8(40, 1, 0), damaged_utf8(3, 60, 0)
    (True, True, False)
    """
    if not bad:
        return False
    if bad == tail:  # the only defect: the last character cut short
        return True
    # GBK or Big5 read as UTF-8 breaks at most of its characters, and few
    # decode by chance; UTF-8 with a stray byte, the other way round
    return good >= UTF8_SURE and 4 * (bad - tail) <= good


def id_text(x: Any) -> Any:
    """One id (or tag value) as text; ``None`` for missing, ``False`` for a
    value that is no id. Whole numbers are written as integers: ``7.0``,
    from a CSV column with blanks, is ``"7"``.

    >>> id_text(7.0), id_text("007"), id_text(None), id_text(True)
    ('7', '007', None, False)
    """
    if is_missing_scalar(x):
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, bool | np.bool_):
        return False
    if is_int(x):
        return str(int(x))
    if (
        isinstance(x, float | np.floating)
        and math.isfinite(x)
        and float(x).is_integer()
    ):
        return str(int(x))
    return False


def _scalar_to_datetime64(v: Any) -> np.datetime64:
    if is_missing_scalar(v):
        return np.datetime64("NaT", "us")
    if isinstance(v, np.datetime64):
        return _scalar_to_us(v)
    if _is_period(v):  # a day or shorter: its start; longer names no day
        if _period_long(v):
            raise ValueError(f"{v!r} is a period that names no day")
        return _scalar_to_us(v.start_time.to_datetime64())
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)  # local wall time, as for pandas input
        return np.datetime64(v, "us")
    if isinstance(v, _dt.date):
        return np.datetime64(_dt.datetime(v.year, v.month, v.day), "us")
    if isinstance(v, str):
        why = _not_a_day(v)
        if why is not None:
            raise ValueError(why[0])
        text = v.strip()
        try:
            parsed = _offset_text(text)
        except ValueError:
            far = _far_offset_text(text)
            if far is None:
                raise
            return far  # refused, quoted as written, by refuse_far_text
        if parsed is not None:
            # an offset such as +08:00 or Z: keep the local wall-clock time
            return np.datetime64(parsed.replace(tzinfo=None), "us")
        text = text.replace(" ", "T", 1)
        # offsets were read above; NumPy's note on them for text it then
        # refuses (a comma before the fraction) would only mislead
        with warnings_filtered("ignore", message=_NUMPY_ZONE_NOTE, module=_HERE):
            out, day = np.datetime64(text, "us"), np.datetime64(text, "D")
        if not np.isnat(day) and to_days(np.asarray([out]))[0] != day.astype(np.int64):
            raise OverflowError(f"{v!r} is outside the range datetime64[us] holds")
        return out
    raise TypeError(type(v).__name__)


def _offset_text(text: str) -> _dt.datetime | None:
    """*text* (stripped) as an aware datetime when its time of day ends in
    an offset (``+08:00``, ``Z``), else None; ValueError when such text is
    no date."""
    # the time of day (after "T" or a space; a year may be signed or have
    # more than 4 digits) may end in an offset
    seps = [i for i in (text.find("T"), text.find(" ")) if i >= 0]
    clock = text[min(seps) + 1 :] if seps else ""
    if not any(c in clock for c in "+-Z"):
        return None
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _far_offset_text(text: str) -> np.datetime64 | None:
    """The wall-clock time of ISO text with a UTC offset whose year is
    outside 1 to 9999 (``0000-08-15T10:00+01:00``), which Python's
    ``datetime`` cannot read, so that it is refused as such
    (:data:`FAR_YEARS`) and not as no date; None for other text.

    >>> _far_offset_text("0000-08-15T10:00+01:00")
    np.datetime64('0000-08-15T10:00:00.000000')
    >>> _far_offset_text("2024-08-15T10:00+01:00") is None
    True
    """
    local = re.sub(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", "", text).replace(" ", "T", 1)
    if local == text:
        return None
    try:
        with warnings_filtered("ignore", message=_NUMPY_ZONE_NOTE, module=_HERE):
            out = np.datetime64(local, "us")
    except (ValueError, TypeError, OverflowError):
        return None
    return out if far_days(np.asarray([out])) is not None else None


def _scalar_to_us(v: np.datetime64) -> np.datetime64:
    """One datetime64 in microseconds, exactly; OverflowError out of range."""
    try:
        out = rescale_datetimes(standard_datetimes(np.asarray([v]), "date"), "us", "")
    except InputError:
        raise OverflowError(f"{v} is outside the range datetime64[us] holds") from None
    return out[0]


def as_datetime_scalar(value: Any, field: str, *, like: Any = None) -> np.datetime64:
    """Coerce one date (text, date, datetime, Timestamp, datetime64) to datetime64.

    Besides ISO 8601 text, the compact form ``YYYYMMDD`` is read, as text or
    as an integer (``"20240301"``, ``20240301``), and the year-first shapes
    the date column is read in (:func:`custseg.frame.parse_date_column`,
    ``--as-of``): ``/`` or ``.`` between the parts, or ``YYYYMMDD``
    followed by a time (``"2024/03/01 23:00"``, ``"2024.3.1"``,
    ``"20240301 23:00"``). Other text of bare digits
    is refused (``"202403"`` is not the year 202403), and so is text that
    names no day: ``"2024"``, ``"2024-03"``, ``"today"``, ``"now"``.
    A 0-d NumPy array counts as the value it holds.

    A tz-aware *value* (a Timestamp or datetime with a zone, or text with an
    offset such as ``+00:00`` or ``Z``) is read in its local wall time,
    unless *like* is given: the dates it is compared with (the column as the
    caller received it, before :func:`as_datetime`), or their zone (a
    :class:`datetime.tzinfo`, see :func:`zone_of`). When those are tz-aware
    in one zone, an aware *value* is converted to that zone first, so that
    its day is the day the shop saw at that instant (``2024-04-01 20:00
    UTC`` is 2 April for dates in Shanghai); naive dates, several zones, or
    UTC offsets written value by value (which name no zone, see
    :func:`zone_of`) leave it in its own wall time.

    >>> as_datetime_scalar("2024-03-01", "as_of")
    np.datetime64('2024-03-01T00:00:00.000000')
    >>> import datetime as dt
    >>> import zoneinfo
    >>> shanghai = [dt.datetime(2024, 4, 2, 3, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))]
    >>> as_datetime_scalar("2024-04-01T20:00Z", "as_of", like=shanghai)
    np.datetime64('2024-04-02T04:00:00.000000')
    >>> as_datetime_scalar("2024-04-01T20:00Z", "as_of")
    np.datetime64('2024-04-01T20:00:00.000000')
    >>> as_datetime_scalar(20240301, "as_of")
    np.datetime64('2024-03-01T00:00:00.000000')
    >>> as_datetime_scalar("2024/03/01 23:00", "as_of")
    np.datetime64('2024-03-01T23:00:00.000000')
    >>> as_datetime_scalar("202403", "as_of")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'as_of' is not a date: '202403' (digits alone are read as YYYYMMDD): write it as 2024-03-01 or 20240301
    >>> as_datetime_scalar("2024-03", "as_of")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'as_of' is not a date: '2024-03' names no day (a year or a month only): write each date with its day (2024-03-01); a missing date is left empty and reported, never guessed
    >>> as_datetime_scalar("soon", "as_of")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'as_of' is not a date: 'soon': use ISO 8601 text such as '2024-03-31', or a date/datetime value
    """
    given = value
    value = _localize_scalar(value, like, field)
    if isinstance(value, np.ndarray):
        if value.ndim:
            raise InputError(
                field,
                f"must be one date, got an array of shape {value.shape}",
                fix="pass a single date such as '2024-03-31'",
            )
        value = value[()]  # a 0-d array: its value (native byte order)
    if isinstance(value, np.datetime64):  # any unit and byte order, exactly
        if np.datetime_data(value.dtype)[0] in _CALENDAR_LIMIT and not np.isnat(value):
            raise InputError(
                field,
                f"is not a date: np.datetime64({str(value)!r}) names no day (a "
                "year or a month only)",
                fix=_CALENDAR_FIX,
            )
        days = standard_datetimes(native(np.asarray([value])), field)
        out = rescale_datetimes(days, "us", field)[0]
        if np.isnat(out):
            raise InputError(field, "is missing (NaT)", fix="give a real date")
        return out
    compact = _compact_date(value, field)
    if compact is not None:
        return compact
    try:
        out = _scalar_to_datetime64(value)
    except OverflowError:
        if isinstance(value, str):  # text beyond datetime64[us]: far past 9999
            raise _far_scalar(value, field) from None
        raise InputError(
            field,
            f"is outside the range datetime64[us] holds: {describe(value)}",
            fix="give a date between the years -290307 and 294246",
        ) from None
    except (ValueError, TypeError):
        iso = _year_first_iso(given)
        if iso is not None and iso != given.strip():
            # 2024/06/30 23:00, 2024.06.30, 20240630 23:00: the year-first
            # shapes the date column is read in, read as the ISO text
            with _suppress(InputError):
                return as_datetime_scalar(iso, field, like=like)
        if _is_period(value):
            raise InputError(
                field,
                f"is a period, {value!r}, which names no day (a week, a month "
                "or longer)",
                fix="give the day meant: period.start_time (or end_time)",
            ) from None
        vague = _vague_date(value)
        if vague is not None:
            raise InputError(
                field, f"is not a date: {vague}", fix=_vague_fix(value)
            ) from None
        raise InputError(
            field,
            f"is not a date: {describe(value)}",
            fix="use ISO 8601 text such as '2024-03-31', or a date/datetime value",
        ) from None
    if np.isnat(out):
        raise InputError(field, "is missing (NaT)", fix="give a real date")
    if isinstance(value, str) and far_days(np.asarray([out])) is not None:
        raise _far_scalar(value, field)
    return out


#: a year-first date with "/" or "." between its parts (months and days of
#: one or two digits), or YYYYMMDD followed by a time; then the rest
_YEAR_FIRST = re.compile(
    r"\s*(\d{4})(?:([/.-])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2})(?=[ T]\d))"
    r"((?:[ T].*)?)"
)


def _year_first_iso(value: Any) -> str | None:
    """The ISO 8601 text of a year-first date written with ``/`` or ``.``
    between its parts, or of ``YYYYMMDD`` followed by a time, as the date
    column reads them (:func:`custseg.frame.parse_date_column`, the
    command line's ``--as-of``); None for anything else (other text is
    not rewritten: ``06/30/2024`` names no year first).

    >>> _year_first_iso("2024/6/30 23:00"), _year_first_iso("20240630T23:00")
    ('2024-06-30 23:00', '2024-06-30T23:00')
    >>> _year_first_iso("30/06/2024") is None
    True
    """
    if not isinstance(value, str):
        return None
    found = _YEAR_FIRST.fullmatch(value.rstrip())
    if found is None:
        return None
    year, _, month, day, month8, day8, rest = found.groups()
    month, day = (month, day) if month is not None else (month8, day8)
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


def _far_scalar(value: str, field: str) -> InputError:
    """InputError for the text *value*, a day outside the years 1 to 9999
    (``0000-08-15``, ``20240-01-01``), which the engines refuse: a
    ``datetime64`` value keeps any year it holds."""
    return InputError(
        field,
        f"is outside the years 1 to 9999: {describe(value)}",
        fix="give a date of a year from 0001 to 9999 (2024-03-31)",
    )


def _compact_date(value: Any, field: str) -> np.datetime64 | None:
    """A ``YYYYMMDD`` date (text or int), None for anything else but bare
    digits, which are refused (a 4-digit year later, as naming no day)."""
    if isinstance(value, bool | np.bool_ | np.timedelta64):  # NumPy: an integer
        return None
    if isinstance(value, int | np.integer):
        text = str(int(value)) if 0 <= value < 10**8 else ""
        if len(text) != 8:
            raise InputError(
                field,
                f"is not a date: {describe(value)} (a number is read as YYYYMMDD)",
                fix="give a date as text (2024-03-01) or as a YYYYMMDD number "
                "(20240301)",
            )
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) == 4:
            return None
    else:
        return None
    try:
        if len(text) != 8:
            raise ValueError(text)
        day = _dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InputError(
            field,
            f"is not a date: {describe(value)} (digits alone are read as YYYYMMDD)",
            fix="write it as 2024-03-01 or 20240301",
        ) from None
    return np.datetime64(day, "us")


def _localize_scalar(value: Any, like: Any, field: str) -> Any:
    """*value* without its time zone (see :func:`as_datetime_scalar`): an
    aware value is first converted to the one zone of the dates *like*,
    when they have one; then its wall time is kept."""
    if like is not None:
        aware = _aware_scalar(value)
        zone = zone_of(like) if aware is not None else None
        if aware is not None and zone is not None:
            try:
                value = aware.astimezone(zone)
            except (OverflowError, ValueError):
                raise InputError(
                    field,
                    f"is outside the range of dates: {describe(value)}",
                    fix="give a date between the years 1 and 9999",
                ) from None
    if getattr(value, "tzinfo", None) is not None and hasattr(value, "tz_localize"):
        return value.tz_localize(None)
    if hasattr(value, "to_datetime64") and not isinstance(value, np.datetime64):
        return value.to_datetime64()
    return value


def _aware_scalar(value: Any) -> _dt.datetime | None:
    """*value* as an aware datetime (a Timestamp stays one) when it is a
    datetime with a zone or text with an offset; else None."""
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo is not None else None
    if isinstance(value, str):
        try:
            return _offset_text(value.strip())
        except ValueError:
            return None  # no date: as_datetime_scalar says so
    return None


def zone_of(dates: Any) -> Any:
    """The one time zone (a :class:`datetime.tzinfo`) of tz-aware dates,
    None for naive dates, dates in several zones, dates that carry only UTC
    offsets value by value, or no dates (a tzinfo stands for itself).

    Read from the dtype for pandas data (``datetime64[ns, tz]``, Arrow
    timestamps with a zone, a Categorical of aware dates); else value by
    value (aware datetimes), stopping at the first naive value. A fixed
    UTC offset of a value (text such as ``2024-01-02T10:00+08:00``, a
    datetime with a :class:`datetime.timezone`) names no zone: ``+01:00``
    is the winter time of Berlin and the summer time of London, so a log
    of one zone with summer time holds two offsets, and counting one
    offset as a zone would make the day of an aware ``as_of`` depend on
    whether the other half of the year is in the data.

    >>> import datetime as dt, zoneinfo
    >>> berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    >>> zone_of([dt.datetime(2024, 1, 1, tzinfo=berlin), None, dt.datetime(2024, 7, 1, tzinfo=berlin)])
    zoneinfo.ZoneInfo(key='Europe/Berlin')
    >>> zone_of(["2024-01-02T10:00+08:00", "2024-01-03T10:00+08:00"]) is None
    True
    >>> zone_of(["2024-01-01T10:00+08:00", "2024-01-01"]) is None
    True
    """
    if isinstance(dates, _dt.tzinfo):  # the zone itself
        return dates
    arrow_type = getattr(dates, "type", None)  # a pyarrow (Chunked)Array
    if arrow_type is not None and hasattr(arrow_type, "tz"):
        return zone_named(arrow_type.tz) if arrow_type.tz else None
    dtype = getattr(dates, "dtype", None)
    polars_zone = getattr(dtype, "time_zone", None)  # a Polars Series
    if polars_zone:
        return zone_named(polars_zone)
    if dtype is not None:
        tz = getattr(dtype, "tz", None)
        if tz is not None:
            return tz
        arrow = getattr(dtype, "pyarrow_dtype", None)
        if arrow is not None and hasattr(arrow, "tz"):  # an Arrow timestamp
            return zone_named(arrow.tz) if arrow.tz else None
        categories = getattr(dtype, "categories", None)
        if categories is not None:
            return zone_of(categories)
        if isinstance(dtype, np.dtype) and dtype.kind not in "OU":
            return None  # datetime64 (naive), numbers
    if isinstance(dates, str | bytes) or not hasattr(dates, "__iter__"):
        return None
    zone, key = None, None
    for value in dates:
        if is_missing_scalar(value):
            continue
        aware = _aware_scalar(value)
        if aware is None:
            return None  # a naive value (or no date): no one zone
        tz = aware.tzinfo
        if isinstance(tz, _dt.timezone):
            return None  # an offset, not a zone (see above)
        this = zone_key(tz)
        if key is None:
            zone, key = tz, this
        elif this != key:
            return None
    return zone


def zone_key(tz: Any) -> str:
    """The name of a time zone (a :class:`datetime.tzinfo`), the same for the
    zone whichever library made it (zoneinfo, pytz, pandas' UTC).

    >>> import datetime as dt, zoneinfo
    >>> zone_key(zoneinfo.ZoneInfo("Asia/Shanghai")), zone_key(dt.timezone.utc)
    ('Asia/Shanghai', 'UTC')
    """
    return str(getattr(tz, "key", None) or getattr(tz, "zone", None) or tz)


def zone_named(name: str) -> Any:
    """The tzinfo of an Arrow zone name (``Asia/Shanghai``, ``+08:00``),
    None for a name no zone has.

    >>> zone_named("+08:00"), zone_named("Asia/Shanghai"), zone_named("Mars/Base")
    (datetime.timezone(datetime.timedelta(seconds=28800)), zoneinfo.ZoneInfo(key='Asia/Shanghai'), None)
    """
    import zoneinfo

    text = name.strip()
    if text[:1] in "+-" and len(text) == 6 and text[3] == ":":
        try:
            hours, minutes = int(text[1:3]), int(text[4:6])
        except ValueError:
            return None
        sign = -1 if text[0] == "-" else 1
        return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))
    try:
        return zoneinfo.ZoneInfo(text)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def day_number(value: Any, field: str, *, like: Any = None) -> int:
    """The calendar day of one date (days since 1970-01-01): *value* read by
    :func:`as_datetime_scalar` (an aware *value* in the zone of the dates
    *like*, when they have one), then floored to its day.

    >>> day_number("1970-01-02T23:59", "as_of")
    1
    >>> import zoneinfo
    >>> day_number("1970-01-01T20:00Z", "as_of", like=zoneinfo.ZoneInfo("Asia/Shanghai"))
    1
    """
    return int(to_days(np.asarray([as_datetime_scalar(value, field, like=like)]))[0])


def to_days(dates: np.ndarray) -> np.ndarray:
    """Whole calendar days since 1970-01-01 (floored), as int64.

    Floored with integer division where a whole number of ticks makes a day
    (NumPy's own cast to days is off near the int64 limits); NaT stays the
    NaT value.

    >>> to_days(np.array(["1970-01-02T23:59", "1969-12-31T01:00"], "datetime64[m]"))
    array([ 1, -1])
    """
    dates = native(dates)
    unit, count = np.datetime_data(dates.dtype)
    tick = count * _ATTOSECONDS.get(unit, 0)
    if not tick or _ATTOSECONDS["D"] % tick:
        return dates.astype("datetime64[D]").view(np.int64)  # calendar units
    ticks = dates.view(np.int64)
    days = ticks // np.int64(_ATTOSECONDS["D"] // tick)
    days[ticks == _I64_MIN] = _I64_MIN
    return days


# --------------------------------------------------------------------------
# parameters (ThresholdError)


def _is_real(value: Any) -> bool:
    """A real number (int, float, their NumPy kinds, Fraction), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(
        value, bool | np.bool_ | np.timedelta64 | np.datetime64
    )


def is_number(value: Any) -> bool:
    """Whether :func:`number_param` takes *value* for a number (it may
    still refuse one float64 cannot hold): an int, float, ``Decimal`` or
    ``Fraction`` (or their NumPy kinds, a 0-d array of one), not a bool.

    >>> is_number(2.5), is_number(Fraction(1, 3)), is_number(True), is_number("7")
    (True, True, False, False)
    """
    value = _number_scalar(value)
    return isinstance(value, _decimal.Decimal) or _is_real(value)


def _number_scalar(value: Any) -> Any:
    """A 0-d array of a number as the number (its NumPy type); others as given."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return value[()]
    return value


def number_param(value: Any, field: str) -> float:
    """*value* (one real number) as a float; :class:`ThresholdError` otherwise.

    Text, booleans, sequences, None and integers beyond the float range are
    refused; NaN and infinities are returned for the caller to judge. A
    ``float32`` or ``float16`` value (a quantile or maximum of a float32
    column, an item of a float32 array) is read as the decimal it prints
    as, the way :func:`as_numeric` reads data of that dtype
    (:func:`widen_narrow`): a value equal to it in the data is then equal
    to it here too, and falls on the documented side. A float wider than
    float64 (``np.longdouble``) is its double when float64 holds it
    exactly, else the decimal it prints as, taken or refused as that
    ``Decimal`` is (:func:`wide_number`).

    >>> number_param(3, "a")
    3.0
    >>> number_param(np.float32(199.9), "a")
    199.9
    >>> number_param("1.5", "a")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'a' must be a number: got str '1.5'

    A :class:`~decimal.Decimal`, a :class:`~fractions.Fraction` or an
    integer is taken when float64 holds it as the decimal it prints as
    (``Decimal("0.1")``, ``2**60``), and refused when it would be compared as
    another number (``2**53 + 1`` as ``2**53``, ``Decimal("0.1000000000000000001")``
    as 0.1): a threshold is never rounded silently.

    >>> from decimal import Decimal
    >>> number_param(Decimal("499.5"), "min_points")
    499.5
    >>> number_param(2**53 + 1, "min_points")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'min_points' must be a number float64 holds as written: got 9007199254740993, which it holds as 9007199254740992.0; give at most 15 significant digits
    """
    value = _number_scalar(value)
    if isinstance(value, _decimal.Decimal):
        return _decimal_param(value, field)
    if not _is_real(value):
        raise ThresholdError(
            f"{field!r} must be a number: got {type(value).__name__} {describe(value)}"
        )
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return float(widen_narrow(np.array([value]))[0])
    if wide_float(value):  # np.longdouble: as the decimal it prints as
        value = wide_number(value)
        if isinstance(value, _decimal.Decimal):
            return _decimal_param(value, field)
    try:
        out = float(value)
    except OverflowError:
        raise ThresholdError(
            f"{field!r} must be a number float64 holds (up to about 1.8e308): "
            f"got {describe(value)}"
        ) from None
    if isinstance(value, float | np.floating) or not math.isfinite(out):
        return out
    if isinstance(value, int | np.integer):
        held = int(out) == int(value)
    else:  # a Fraction or another Real: as the decimal its float prints as
        try:
            held = Fraction(repr(out)) == Fraction(value)
        except (TypeError, ValueError):  # a Real Fraction cannot read
            held = True
    if not held:
        _not_held(field, value, out)
    return out


def _decimal_param(value: _decimal.Decimal, field: str) -> float:
    """:func:`number_param` of a ``Decimal``: NaN and infinities as floats,
    others when float64 holds them as the decimal it prints them as."""
    if value.is_nan():
        return math.nan
    out = float(value)
    if math.isinf(out) and not value.is_infinite():
        raise ThresholdError(
            f"{field!r} must be a number float64 holds (up to about 1.8e308): "
            f"got {describe(value)}"
        )
    if math.isfinite(out) and _decimal.Decimal(repr(out)) != value:
        _not_held(field, value, out)
    return out


def _not_held(field: str, value: Any, out: float) -> None:
    """Refuse *value*, which float64 holds as *out*: too many digits, or so
    close to 0 that float64 holds it as 0.0 or with fewer digits (below its
    smallest normal number, about 2.2e-308), where digits are no fix.

    >>> _not_held("a_min", _decimal.Decimal("1E-400"), 0.0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'a_min' must be a number float64 holds as written: got 1E-400, which it holds as 0.0, being closer to 0 than float64's smallest normal number (about 2.2e-308); give 0 or a number of at least 2.2e-308

    A fraction of more digits than Python writes (4,300) is named by its
    type, never a ``ValueError`` of its own:

    >>> from fractions import Fraction
    >>> _not_held("a_min", Fraction(1, 10**5000), 0.0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'a_min' must be a number float64 holds as written: got a Fraction, which it holds as 0.0, being closer to 0 than float64's smallest normal number (about 2.2e-308); give 0 or a number of at least 2.2e-308
    """
    try:
        shown = str(value)
    except ValueError:  # an int part past sys.get_int_max_str_digits()
        shown = describe(value)
    if abs(out) < sys.float_info.min:
        raise ThresholdError(
            f"{field!r} must be a number float64 holds as written: got "
            f"{shown}, which it holds as {out!r}, being closer to 0 than "
            "float64's smallest normal number (about 2.2e-308); give 0 or a "
            "number of at least 2.2e-308"
        )
    raise ThresholdError(
        f"{field!r} must be a number float64 holds as written: got "
        f"{shown}, which it holds as {out!r}; give at most 15 significant digits"
    )


def _param_sequence(values: Any, field: str, what: str) -> list[Any]:
    """The items of a parameter given as a sequence (not text, not a mapping,
    not a table: a pandas DataFrame iterates its column labels and a Polars
    DataFrame its columns, so ``ScoreEdges(pd.DataFrame([[30, 90]]))``
    would be the cuts 0 and 1, and a Polars frame of rows read by column).

    >>> import pandas as pd
    >>> _param_sequence(pd.DataFrame([[30, 90]]), "cuts", "numbers")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'cuts' must be a sequence of numbers (a tuple or list), not a table: got DataFrame of shape (1, 2); pass its rows or one column as a list (frame.to_numpy().tolist(), frame['column'].tolist())
    """
    shape = getattr(values, "shape", None)
    if (
        not isinstance(values, np.ndarray)
        and isinstance(shape, tuple)
        and len(shape) >= 2
    ):  # a DataFrame (pandas, Polars), an Arrow Table
        raise ThresholdError(
            f"{field!r} must be a sequence of {what} (a tuple or list), not a "
            f"table: got {type(values).__name__} of shape {tuple(shape)}; pass "
            "its rows or one column as a list (frame.to_numpy().tolist(), "
            "frame['column'].tolist())"
        )
    if isinstance(values, str | bytes | bytearray | memoryview | dict) or (
        isinstance(values, np.ndarray) and values.ndim != 1
    ):
        raise ThresholdError(
            f"{field!r} must be a sequence of {what} (a tuple or list): "
            f"got {type(values).__name__} {describe(values)}"
        )
    if isinstance(values, set | frozenset):
        raise ThresholdError(
            f"{field!r} must be an ordered sequence of {what} (a tuple or list), "
            f"not a {type(values).__name__}"
        )
    try:
        return list(values)
    except TypeError:
        raise ThresholdError(
            f"{field!r} must be a sequence of {what} (a tuple or list): "
            f"got {type(values).__name__} {describe(values)}"
        ) from None


def number_tuple_param(values: Any, field: str) -> tuple[float, ...]:
    """*values* (a sequence of real numbers) as a tuple of floats.

    Text and bytes are not sequences of numbers here (``"19"`` is not
    ``(1, 9)``); every item must be a number (see :func:`number_param`).

    >>> number_tuple_param([1, 2.5], "cuts")
    (1.0, 2.5)
    >>> number_tuple_param(b"12", "cuts")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'cuts' must be a sequence of numbers (a tuple or list): got bytes b'12'
    """
    items = _param_sequence(values, field, "numbers")
    return tuple(number_param(x, f"{field}[{i}]") for i, x in enumerate(items))


def text_param(value: Any, field: str) -> str:
    """*value* if it is text; :class:`ThresholdError` otherwise.

    >>> text_param("lost", "no_purchase")
    'lost'
    >>> text_param(3, "no_purchase")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'no_purchase' must be text: got int 3
    """
    if not isinstance(value, str):
        raise ThresholdError(
            f"{field!r} must be text: got {type(value).__name__} {describe(value)}"
        )
    return str(value)


def text_tuple_param(
    values: Any, field: str, *, numbers: bool = True
) -> tuple[str, ...]:
    """*values* (a sequence of names, not itself text) as a tuple of str.

    A name is text or, with *numbers*, a number (written as text: ``7`` is
    ``"7"``); anything else (None, bytes, a list; NaN and numbers without
    *numbers*: label names, where a NaN from a spreadsheet would become a
    class called "nan") is refused.

    >>> text_tuple_param(["a", 7], "labels")
    ('a', '7')
    >>> text_tuple_param("abc", "labels")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'labels' must be a sequence of names (a tuple or list): got str 'abc'
    >>> text_tuple_param(["a", float("nan")], "labels", numbers=False)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'labels[1]' must be text: got float nan
    """
    items = _param_sequence(values, field, "names")
    return tuple(
        numpy_str(x) if numbers and _is_real(x) else text_param(x, f"{field}[{i}]")
        for i, x in enumerate(items)
    )


#: The longest label name, in rules files and label parameters alike.
MAX_LABEL = 100
# C0 and C1 controls (terminal escapes, NUL, line ends), bidi controls and
# marks, invisible characters (zero-width space, word joiner, BOM, soft
# hyphen: a label holding one reads as another label) and lone surrogates:
# never in a label, which terminals print and files keep (the zero-width
# joiners of emoji and Persian words are kept)
#: Characters no label name holds (rules files and label parameters).
UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
#: Those of :data:`UNPRINTABLE` that print as nothing.
INVISIBLE = frozenset(
    "\xad\u061c\u180e\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_LABEL_FIX = (
    "labels are printed on terminals and written to files: write "
    "them as plain text (no control, bidi-control, invisible or lone "
    "surrogate characters)"
)


def label_problem(value: Any, quoted: str) -> tuple[str, str | None] | None:
    """What makes *value* no label name, as (problem, fix), or None: text
    that is not blank (an empty name is a blank cell in a written file,
    read back as missing), of at most :data:`MAX_LABEL` characters and
    with no :data:`UNPRINTABLE` character. *quoted* is the argument or key
    as the message names it (``"'labels[1]'"``). Rules files
    (:mod:`custseg.rules`) and the label parameters
    (:func:`label_param`) make this one check.

    >>> label_problem("lost", "'missing'") is None
    True
    >>> label_problem(" ", "'missing'")
    ("'missing' must be a non-empty string of at most 100 characters, got ' '", None)
    """
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL:
        if isinstance(value, str) and len(value) > MAX_LABEL:
            # a long text is quoted by its start (a label parameter of a
            # million characters made a message of that size)
            shown = f"a text of {len(value):,d} characters, {describe(value, 60)}"
        else:
            shown = describe(value, limit=4 * MAX_LABEL + 2)
        return (
            f"{quoted} must be a non-empty string "
            f"of at most {MAX_LABEL} characters, got {shown}",
            None,
        )
    bad = UNPRINTABLE.search(value)
    if bad is not None:
        what = "invisible" if bad.group() in INVISIBLE else "control"
        return (
            f"{quoted} {describe(value, limit=60)} holds the {what} character "
            f"U+{ord(bad.group()):04X}",
            _LABEL_FIX,
        )
    return None


def label_param(value: Any, field: str) -> str:
    """*value* as a label name (text, checked by :func:`label_problem`, as
    rules files check theirs); :class:`ThresholdError` otherwise.

    >>> label_param("no_purchase", "no_purchase")
    'no_purchase'
    >>> label_param("", "no_purchase")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'no_purchase' must be a non-empty string of at most 100 characters, got ''
    """
    text = text_param(value, field)
    problem = label_problem(text, repr(field))
    if problem is not None:
        message, fix = problem
        raise ThresholdError(message + ("" if fix is None else f": {fix}"))
    return text


def label_tuple_param(values: Any, field: str) -> tuple[str, ...]:
    """*values* (a sequence of label names) as a tuple of str, each checked
    by :func:`label_param` (numbers and NaN are refused, as by
    :func:`text_tuple_param` without *numbers*).

    >>> label_tuple_param(["care", "stimulate"], "labels")
    ('care', 'stimulate')
    >>> label_tuple_param(["care", " "], "labels")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'labels[1]' must be a non-empty string of at most 100 characters, got ' '
    """
    names = text_tuple_param(values, field, numbers=False)
    for i, name in enumerate(names):
        label_param(name, f"{field}[{i}]")
    return names


def refuse_alike(names: Iterable[str], field: str) -> None:
    r"""A :class:`ThresholdError` when two different *names* read alike
    (:func:`custseg._display.alike_pair`: an accent stored apart,
    full-width letters, an invisible character), as a rules file refuses
    the labels of one table (``duplicate-name``): they would print as one
    name in counts, tables and files, and a comparison with the name as
    typed would select only one of them. *field* names the parameters as
    the message says them (``"'labels'"``). Exact repeats are the caller's
    to refuse first, with its own message.

    >>> refuse_alike(["care", "stimulate"], "'labels'")
    >>> refuse_alike(["caf\u00e9", "cafe\u0301"], "'labels'")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'labels' have names that read alike: 'caf\xe9' and 'cafe\u0301': write each label one way (Unicode forms and full-width letters apart)
    """
    pair = alike_pair(names)
    if pair is not None:
        raise ThresholdError(
            f"{field} have names that read alike: {pair[0]!r} and {pair[1]!r}: "
            "write each label one way (Unicode forms and full-width letters apart)"
        )


def choice(value: Any, field: str, options: tuple[str, ...]) -> str:
    """*value* if it is one of the text *options*; :class:`ThresholdError` otherwise.

    >>> choice("D", "unit", ("D", "W"))
    'D'
    >>> choice(["D"], "unit", ("D", "W"))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'unit' must be 'D' or 'W': got ['D']
    """
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
        raise ThresholdError(f"{field!r} must be {listed}: got {describe(value)}")
    return str(value)


def pandas_extension(dtype: Any) -> bool:
    """Whether *dtype* is a pandas extension dtype (nullable, Arrow,
    categorical, ...): not NumPy's, and not another library's (a Polars
    Series also has a ``dtype``, whose ``to_numpy`` takes no ``dtype=``).

    >>> import pandas as pd
    >>> pandas_extension(pd.Int64Dtype()), pandas_extension(np.dtype("f8"))
    (True, False)
    """
    return (
        dtype is not None
        and not isinstance(dtype, np.dtype)
        and type(dtype).__module__.startswith("pandas")
    )


def _is_exact_only(value: Any) -> bool:
    """Whether *value* is a number that ``float64`` may round: a
    :class:`~decimal.Decimal`, a :class:`~fractions.Fraction` (or another
    :class:`numbers.Rational` that is not an integer type), or an integer
    (Python's or NumPy's, not a bool) beyond 2**53.

    >>> from decimal import Decimal as D
    >>> [_is_exact_only(x) for x in (D("0.1"), Fraction(1, 3), 2**60, 7, 0.5, True)]
    [True, True, True, False, False, False]
    """
    if isinstance(value, float):  # (most values: no ABC check)
        return False
    if isinstance(value, _decimal.Decimal):
        return True
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return not -_EXACT <= int(value) <= _EXACT
    if wide_float(value):  # np.longdouble float64 does not hold
        return isinstance(wide_number(value), _decimal.Decimal)
    return isinstance(value, numbers.Rational)


def exact_number(value: Any) -> _decimal.Decimal | Fraction:
    """An exact value (:func:`_is_exact_only`: a ``Decimal``, a rational
    such as a ``Fraction``, an integer) as a number that compares exactly
    with a ``Decimal`` and with each other: the ``Decimal`` itself, an
    integer as a ``Decimal``, a rational as a ``Fraction``.

    >>> exact_number(2**60), exact_number(Fraction(1, 3))
    (Decimal('1152921504606846976'), Fraction(1, 3))
    """
    if isinstance(value, _decimal.Decimal):
        return value
    if isinstance(value, int | np.integer):
        return _decimal.Decimal(int(value))
    if wide_float(value):  # np.longdouble: the decimal it prints as
        return _decimal.Decimal(numpy_str(value))
    return Fraction(value.numerator, value.denominator)


def _decimal_values(x: Any, n: int, arr: np.ndarray | None = None) -> np.ndarray | None:
    """The values of *x* as an object array (None where not exact only:
    :func:`_is_exact_only`) when some are (a list or object column of
    decimals, fractions or integers beyond 2**53, a ``decimal128[pyarrow]``
    column or bare Arrow decimal array; a column of integers with missing
    values, read as floats in *arr*, when one of them is beyond 2**53:
    pandas ``Int64`` / ``int64[pyarrow]``, Polars, Arrow; so is a NumPy or
    pandas ``int64`` column its caller cast to floats), else None: other
    NumPy number arrays are not looked at (an ``int64`` array read as it is
    is exact, see :func:`_exact_int_sides`)."""
    x = arrow_plain(x)
    dtype = getattr(x, "dtype", None)

    def far() -> bool:  # integers float64 may have rounded (floats for a gap)
        if arr is None or arr.dtype.kind != "f" or not len(arr):
            return False
        return bool(max(np.fmax.reduce(arr), -np.fmin.reduce(arr)) >= _EXACT)

    if isinstance(dtype, np.dtype):
        if dtype.kind in "iu" and far():  # int64 the caller cast to floats
            values = np.asarray(x).astype(object)  # Python ints
        elif dtype.kind == "f" and dtype.itemsize > 8:  # np.longdouble
            values = np.asarray(x).astype(object)  # its own scalars
        elif dtype.kind != "O":
            return None
        else:
            values = x.to_numpy() if hasattr(x, "to_numpy") else np.asarray(x)
    elif pandas_extension(dtype):  # decimals are kind "O"
        kind = getattr(dtype, "kind", "O")
        if not hasattr(x, "to_numpy") or not (kind == "O" or (kind in "iu" and far())):
            return None
        values = x.to_numpy(dtype=object, na_value=None)
    elif dtype is not None:  # another library's column (a Polars Series)
        values = np.asarray(x)
        integers = getattr(dtype, "is_integer", None)
        if callable(integers) and integers() and hasattr(x, "to_list") and far():
            values = np.empty(len(x), dtype=object)  # with None: Python ints
            values[:] = x.to_list()
        elif values.dtype.kind != "O":
            return None
    elif hasattr(x, "to_pylist") and hasattr(x, "type"):  # a bare Arrow array
        kind = str(x.type)
        if not (
            kind.startswith("decimal") or (kind.startswith(("int", "uint")) and far())
        ):
            return None
        values = np.empty(len(x), dtype=object)
        values[:] = x.to_pylist()
    elif isinstance(x, list | tuple):
        values = np.empty(len(x), dtype=object)
        values[:] = list(x)
    else:
        return None
    if values.ndim != 1 or len(values) != n:
        return None
    is_dec = np.fromiter(map(_is_exact_only, values.tolist()), dtype=bool, count=n)
    if not is_dec.any():
        return None
    values = values.copy()
    values[~is_dec] = None
    for i in np.flatnonzero(is_dec).tolist():
        if wide_float(values[i]):  # np.longdouble: the decimal it prints as
            values[i] = exact_number(values[i])
    return values


def integer_column(x: Any) -> bool:
    """Whether *x* is a column of integers (with missing values): an
    integer dtype (NumPy, pandas ``Int64`` / ``int64[pyarrow]``, Polars,
    Arrow), or a list or ``object`` column of ints and ``None`` / NaN /
    ``pd.NA`` (not bools, not whole floats).

    >>> import pandas as pd
    >>> integer_column(pd.Series([1, None], dtype="Int64")), integer_column([1, None])
    (True, True)
    >>> integer_column([1.0, None]), integer_column(pd.Series([1.5]))
    (False, False)
    """
    dtype = getattr(x, "dtype", None)
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iu":
            return True
        if dtype.kind != "O":
            return False
        values: Any = x.to_numpy() if hasattr(x, "to_numpy") else np.asarray(x)
    elif pandas_extension(dtype):
        return getattr(dtype, "kind", "") in ("i", "u")
    elif dtype is not None:  # another library's column (a Polars Series)
        integers = getattr(dtype, "is_integer", None)
        return bool(callable(integers) and integers())
    elif hasattr(x, "to_pylist") and hasattr(x, "type"):  # a bare Arrow array
        return str(x.type).startswith(("int", "uint"))
    elif isinstance(x, list | tuple):
        values = x
    else:
        return False
    seen = False
    for value in values:
        if is_int(value):
            seen = True
        elif not is_missing_scalar(value):
            return False
    return seen


def require_column(x: Any, field: str) -> None:
    """Refuse a scalar (text, a number, None, a mapping) where a column of
    answers is needed, naming the argument *field*.

    >>> require_column("large", "assets")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'assets' must be an array-like of answers (one per customer), got a scalar 'large': pass a list, NumPy array or pandas Series
    """
    refuse_spark(x, field)
    if (
        x is None
        or isinstance(x, str | bytes | dict | set | frozenset)
        or np.isscalar(x)
        or (isinstance(x, np.ndarray) and x.ndim == 0)
    ):
        what = "None" if x is None else f"a scalar {describe(x)}"
        if isinstance(x, dict | set | frozenset):
            what = f"a {type(x).__name__}"
        raise InputError(
            field,
            f"must be an array-like of answers (one per customer), got {what}",
            fix="pass a list, NumPy array or pandas Series",
        )
    refuse_iterator(x, field, "answers (one per customer)")


def refuse_iterator(x: Any, field: str, what: str = "answers") -> None:
    """Refuse an iterator (a generator, ``map(...)``, ``iter(...)``) where
    a column of *what* is needed, naming the argument *field*: it has no
    length and is read once, so it would be taken as one value.

    >>> refuse_iterator(iter([True, False]), "vip")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'vip' must be an array-like of answers, got list_iterator: pass a list, NumPy array or pandas Series (list(...) of a generator, in the customers' order)
    """
    if hasattr(x, "__next__") and not hasattr(x, "__len__"):  # read once only
        raise InputError(
            field,
            f"must be an array-like of {what}, got {type(x).__name__}",
            fix="pass a list, NumPy array or pandas Series (list(...) of a "
            "generator, in the customers' order)",
        )


def describe_at(x: Any, arr: np.ndarray, i: int) -> str:
    """Row *i* of *x* described as written: the ``Decimal`` itself where *x*
    holds one (its float, or the float :func:`exact_sides` moved it to, is a
    value that is not in the data), else :func:`describe` of ``arr[i]``.

    >>> from decimal import Decimal as D
    >>> describe_at([D("2.9999999999999999999")], np.array([3.0]), 0)
    "Decimal('2.9999999999999999999')"
    >>> describe_at([2.5], np.array([2.5]), 0)
    '2.5'
    """
    values = _decimal_values(x, len(arr), arr)
    if values is not None and values[i] is not None:
        return describe(values[i])
    return describe(float(arr[i]))


Move = Literal["up", "down", "both"]


def exact_sides(
    x: Any,
    arr: np.ndarray,
    cuts: Iterable[float | None] = (),
    *,
    whole: bool = False,
    move: Move | Iterable[Move] = "both",
    field: str = "values",
) -> np.ndarray:
    """*arr* (*x* as read by :func:`as_numeric`) with every
    decimal value that float64 rounds onto a cut moved one float toward its
    exact side, so comparisons with the cuts are those of the decimals.

    A ``Decimal`` (or ``decimal128[pyarrow]``) with more digits than float64
    holds is rounded to the nearest double: ``0.700000000000000001`` becomes
    ``0.7`` and would not be above a cut of 0.7; so is a Python integer
    beyond 2**53 in a list or an ``object`` column, and a
    :class:`~fractions.Fraction` (or another :class:`numbers.Rational`:
    ``Fraction(1, 3)``, ``90 - Fraction(1, 10**17)``). Rounding is monotone, so a
    decimal can land *on* a cut but never across it: only such rows are
    moved. A cut is read as the decimal it prints as (0.7 is 0.7), so
    ``Decimal("0.7")`` stays on the cut 0.7; a cut beyond 2**53 (always a
    whole number) is the integer it holds, as for ``int64`` data. Zero is always a cut (negative
    values), and with *whole* every integer is (a count check
    ``x != floor(x)`` then sees ``2.0000000000000000001``). Float inputs
    are returned as they are, without a pass over the rows; so are integer
    arrays unless a cut is at or beyond 2**53, where ``int64`` values
    compare with the cut as their rounded floats: those on the cut are
    moved the same way, as *move* says (to a ``float64`` array). An
    ``int64`` column the caller cast to floats (*arr*) is read exactly from
    *x* when a value is beyond 2**53.

    *move* says which comparisons the caller makes with a cut, one word
    for all cuts or one per cut: ``"up"`` for ``x > cut`` (or
    ``x <= cut``), where only a decimal above the cut it landed on needs a
    move (one below compares as the cut does), ``"down"`` for ``x >= cut``
    (or ``x < cut``), where only one below does, ``"both"`` (default) for
    both kinds. It matters when two cuts are adjacent doubles
    (``999999999999.9999`` and ``1e12``): a decimal strictly between their
    decimals has no double of its own, and a move lands on the other cut.
    That is right when the other cut is compared the same way (with
    ``"up"`` everywhere, a decimal moved up onto ``1e12`` is not above it);
    when one comparison needs the decimal above the lower cut and another
    needs it below the upper one, no float64 can serve both, and an
    :class:`~custseg.errors.InputError` naming *field* says so. Zero, and
    with *whole* every integer, is moved both ways.

    >>> from decimal import Decimal as D
    >>> exact_sides([D("0.700000000000000001"), D("0.7"), D("0.1")],
    ...             np.array([0.7, 0.7, 0.1]), (0.7,)).tolist()
    [0.7000000000000001, 0.7, 0.1]
    >>> exact_sides(None, np.array([2**53 + 1, 2**53]), (2.0**53,)).tolist()
    [9007199254740994.0, 9007199254740992.0]
    >>> big = np.array([2**53 + 1, 2**53], dtype=object)
    >>> exact_sides(big, np.array([2.0**53, 2.0**53]), (2.0**53,)).tolist()
    [9007199254740994.0, 9007199254740992.0]
    >>> from fractions import Fraction as F
    >>> exact_sides([F(90) - F(1, 10**17), F(90)], np.array([90.0, 90.0]),
    ...             (90.0,)).tolist()
    [89.99999999999999, 90.0]
    >>> between = [D("999999999999.99995")]  # float64 rounds it onto 1e12
    >>> exact_sides(between, np.array([1e12]), (999999999999.9999, 1e12),
    ...             move="down").tolist()
    [999999999999.9999]
    """
    cuts = list(cuts)
    moves = [move] * len(cuts) if isinstance(move, str) else list(move)
    if len(moves) != len(cuts) or not set(moves) <= {"up", "down", "both"}:
        raise ValueError(f"move: one of 'up', 'down', 'both' per cut, got {move!r}")
    # per cut, whether decimals above it (up) and below it (down) move
    sides: dict[float, tuple[bool, bool]] = {0.0: (True, True)}
    for c, m in zip(cuts, moves, strict=True):
        if c is not None:
            up, down = sides.get(float(c), (False, False))
            sides[float(c)] = (up or m != "down", down or m != "up")
    if arr.dtype.kind in "iu" and len(arr):
        return _exact_int_sides(arr, sides, field)
    if arr.dtype.kind != "f" or not len(arr):
        return arr
    values = _decimal_values(x, len(arr), arr)
    if values is None:
        return arr
    on_cut = np.isin(arr, np.array(list(sides)))
    if whole:
        with np.errstate(invalid="ignore"):
            on_cut |= arr == np.trunc(arr)
    rows = np.flatnonzero(on_cut & (values != np.array(None)))
    if not len(rows):
        return arr
    out = arr.copy()
    for i in rows.tolist():  # only the decimals that landed on a cut
        exact, cut = values[i], float(arr[i])
        # a cut beyond 2**53 is the integer it holds (as for int64 data:
        # its shortest print, 1.152921504606847e+18 for 2**60, is not it)
        big = _EXACT <= abs(cut) < math.inf
        at = _decimal.Decimal(int(cut) if big else repr(cut))  # inf: Infinity
        up, down = sides.get(cut, (False, False))
        if whole and cut == np.trunc(cut) and not _whole_number(exact):
            up = down = True  # every integer is a cut for a fraction
        if exact > at and up:
            target, clash = math.nextafter(cut, math.inf), 1  # no NumPy underflow
        elif exact < at and down:
            target, clash = math.nextafter(cut, -math.inf), 0
        else:
            continue
        if sides.get(target, (False, False))[clash]:
            _refuse_between(field, exact, cut, target, i)
        out[i] = target
    return out


def _whole_number(value: Any) -> bool:
    """Whether the exact value *value* (an ``int``, a rational such as a
    ``Fraction``, or a finite or infinite ``Decimal``) is a whole number.

    >>> from decimal import Decimal as D
    >>> _whole_number(2**60), _whole_number(D("3.000")), _whole_number(D("3.5"))
    (True, True, False)
    >>> _whole_number(Fraction(6, 2)), _whole_number(Fraction(7, 2))
    (True, False)
    """
    if isinstance(value, int | np.integer):
        return True
    if isinstance(value, numbers.Rational):
        return bool(value.denominator == 1)
    return bool(value.is_finite() and value == value.to_integral_value())


def _refuse_between(field: str, exact: Any, cut: float, target: float, i: int) -> None:
    """Refuse the exact value *exact* (row *i*) that lies between the
    adjacent doubles *cut* and *target*, compared one way with each, so that
    no float64 compares with both as it does (:func:`exact_sides`)."""
    raise InputError(
        field,
        f"has {describe(exact)} between the thresholds "
        f"{describe(min(cut, target))} and {describe(max(cut, target))}, "
        "adjacent doubles: no float64 compares "
        "with both as this value does",
        first_row=i,
        fix="use thresholds at least two doubles apart, or round the "
        "values to 15 significant digits",
    )


def threshold_value(t: float) -> _decimal.Decimal:
    """The number a threshold *t* stands for when exact values are compared
    with it (:func:`exact_sides`): the decimal it prints as (0.07 is 0.07),
    or from 2**53 the integer it holds.

    >>> threshold_value(0.07), threshold_value(2.0**60)
    (Decimal('0.07'), Decimal('1152921504606846976'))
    """
    return _decimal.Decimal(int(t)) if abs(t) >= _EXACT else _decimal.Decimal(repr(t))


def exact_doubles(
    x: Any, arr: np.ndarray, side: Literal["floor", "ceil"]
) -> np.ndarray:
    """*x* (read as *arr* by :func:`as_numeric`) as float64 for fitting
    thresholds that exact values are then compared with: each decimal or
    big integer that no double holds becomes, with ``"floor"``, the largest
    double whose :func:`threshold_value` is at or below it, with ``"ceil"``
    the smallest at or above it (float64 rounds to the nearest, which may be
    on either side). Then ``e >= t`` holds exactly when ``floor(e) >= t``,
    and ``e > t`` exactly when ``ceil(e) > t``, for every double *t*: edges
    fitted on these doubles put each value, compared exactly
    (:func:`exact_sides`), on the side the fit counted it on (fitted on the
    nearest doubles, ``9999.999999999999999999`` would be 10000.0 to the fit
    and below 10000.0 when compared). Other values are as read (a copy).

    >>> from decimal import Decimal as D
    >>> x = [D("9999.999999999999999999"), D("0.07"), 2**53 + 1]
    >>> near = np.array([10000.0, 0.07, 2.0**53])
    >>> exact_doubles(x, near, "floor").tolist()
    [9999.999999999998, 0.07, 9007199254740992.0]
    >>> exact_doubles(x, near, "ceil").tolist()
    [10000.0, 0.07, 9007199254740994.0]
    """
    out = arr.astype(np.float64)  # (a copy: arr is not changed)
    if arr.dtype.kind in "iu":
        rows = np.flatnonzero((arr > _EXACT) | (arr < -_EXACT))
        exact = [int(e) for e in arr[rows].tolist()]
    elif arr.dtype.kind == "f":
        values = _decimal_values(x, len(arr), arr)
        if values is None:
            return out
        rows = np.flatnonzero(values != np.array(None))
        exact = values[rows].tolist()
    else:
        return out
    toward = -math.inf if side == "floor" else math.inf
    for i, value in zip(rows.tolist(), exact, strict=True):
        f = float(out[i])
        if not math.isfinite(f):
            continue
        stands, e = threshold_value(f), exact_number(value)
        wrong = stands > e if side == "floor" else stands < e
        if wrong:  # the nearest double is past it: the next one is not
            out[i] = math.nextafter(f, toward)
    return out


def _exact_int_sides(
    arr: np.ndarray, sides: Mapping[float, tuple[bool, bool]], field: str
) -> np.ndarray:
    """:func:`exact_sides` of an integer array, with *sides* its cuts and
    the moves (up, down) their comparisons need: *arr* itself unless a cut
    is at or beyond 2**53 (only there can an integer round onto a cut it
    does not equal), else a ``float64`` copy with the integers that rounded
    onto a cut and compare with it otherwise than the cut does moved one
    float toward their exact side. With cuts 2**53 and 2**53 + 2, both
    ``x >= cut``, 2**53 + 1 rounds onto 2**53 and is left there (moved up,
    it would be on the upper cut); an integer between two adjacent cuts
    that one comparison needs above the lower and another below the upper
    is refused, as a decimal is.

    >>> big = np.array([2**53 + 1, 2**53 + 3])  # 2**53 and 2**53 + 4 as floats
    >>> down = {2.0**53: (False, True), 2.0**53 + 4: (False, True)}
    >>> _exact_int_sides(big, down, "assets").tolist()  # only 2**53 + 3 moves
    [9007199254740992.0, 9007199254740994.0]
    >>> _exact_int_sides(big, {2.0**53: (True, True)}, "assets").tolist()
    [9007199254740994.0, 9007199254740996.0]
    """
    far = sorted(c for c in sides if _EXACT <= abs(c) < math.inf)
    if not far or arr.dtype.itemsize < 8:  # int32 and below are exact in float64
        return arr
    wide = arr.astype(np.float64)
    out: np.ndarray | None = None
    for cut in far:
        on_cut = wide == cut
        if not on_cut.any():
            continue
        up, down = sides[cut]
        info = np.iinfo(arr.dtype)
        exact = int(cut)  # a float this large is a whole number
        if exact > int(info.max):  # 2**63: above every int64
            above, below = np.zeros_like(on_cut), on_cut
        elif exact < int(info.min):
            above, below = on_cut, np.zeros_like(on_cut)
        else:
            above, below = on_cut & (arr > exact), on_cut & (arr < exact)
        for mask, way, clash in ((above, math.inf, 1), (below, -math.inf, 0)):
            if not (up if clash else down) or not mask.any():
                continue
            target = math.nextafter(cut, way)
            if sides.get(target, (False, False))[clash]:
                i = int(np.argmax(mask))
                _refuse_between(field, int(arr[i]), cut, target, i)
            out = wide.copy() if out is None else out  # wide stays as read
            out[mask] = target
    return arr if out is None else out


#: 1.234 or 12.000.000: a dot before each group of three digits, as European
#: exports (';'-separated, decimal commas) group thousands
DOT_GROUPS = re.compile(r"\s*[-+]?[0-9]{1,3}(?:\.[0-9]{3})+\s*")
#: 1,5 or 1.234,50: a decimal comma
_DECIMAL_COMMA = re.compile(r"\s*[-+]?[0-9]{1,3}(?:[. ]?[0-9]{3})*,[0-9]+\s*")
#: 1,234 or 1,234,567.89: a comma before each group of three digits
_THOUSANDS = re.compile(r"\s*[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?\s*")
_POINT = re.compile(r"\s*[-+]?[0-9]*\.[0-9]+\s*")


def _matches(pattern: re.Pattern[str], texts: list[str]) -> np.ndarray:
    return np.fromiter(
        (pattern.fullmatch(t) is not None for t in texts), bool, len(texts)
    )


def check_number_words(values: list[Any], bad: np.ndarray, field: str) -> None:
    """Refuse numbers written as text the way some exports write them (1,5
    with a decimal comma, 1,234 with a thousands comma, 1.234.567 with dots
    between thousands), naming the separator and the fix. *values* are a
    column's values, *bad* (a bool array) marks those that are not read as
    numbers; other text is left to the caller's own message.

    >>> check_number_words(["1,234.00", "5.5"], np.array([True, False]), "amount")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' holds numbers written with thousands separators, such as '1,234.00' (first at row 0, 1 row affected): remove the thousands separators (1,234 as 1234, 1,234.50 as 1234.50): export the file without them, or delete the commas
    """
    texts = [str(x) for x in values]
    first = int(np.argmax(bad))
    value = values[first]
    if not (isinstance(value, str) and "," in value):
        groups = _matches(DOT_GROUPS, texts)
        if groups[bad].all():  # 1.234.567 (and 1.234 beside it): thousands
            first = int(np.argmax(groups))
            value = texts[first].strip()
            raise InputError(
                field,
                f"holds numbers with a dot between thousands, such as {value!r} "
                f"({value.replace('.', '')})",
                first_row=first,
                n_rows=int(groups.sum()),
                fix="export the file without thousands separators (1.234.567 as "
                "1234567)",
            )
        return
    text = [texts[i] for i in np.flatnonzero(bad)]
    good = [texts[i] for i in np.flatnonzero(~bad)]
    grouped = _matches(_THOUSANDS, text)
    decimal = _matches(_DECIMAL_COMMA, text)
    # other rows with a decimal point: the commas cannot be decimal commas
    points = bool(
        _matches(_POINT, good).any()
        or any("." in t for t, g in zip(text, grouped, strict=True) if g)
    )
    n_rows = int(bad.sum())
    if grouped.all() and points:
        raise InputError(
            field,
            f"holds numbers written with thousands separators, such as {value!r}",
            first_row=first,
            n_rows=n_rows,
            fix="remove the thousands separators (1,234 as 1234, 1,234.50 as "
            "1234.50): export the file without them, or delete the commas",
        )
    if grouped.all() and decimal.all():
        raise InputError(
            field,
            f"holds numbers written with a comma, such as {value!r}",
            first_row=first,
            n_rows=n_rows,
            fix="if the comma separates thousands, remove it (1,234 as 1234); "
            "if it is a decimal comma, write a decimal point (1,5 as 1.5); "
            "export the file without thousands separators and with '.' as the "
            "decimal separator",
        )
    dots = _matches(DOT_GROUPS, good)
    if _DECIMAL_COMMA.fullmatch(value) and not grouped[0] and dots.any():
        other = good[int(np.argmax(dots))].strip()
        raise InputError(
            field,
            f"holds numbers written with a decimal comma, such as {value!r}, "
            f"beside numbers such as {other!r}, where the dot separates "
            f"thousands ({other} as {other.replace('.', '')})",
            first_row=first,
            n_rows=n_rows,
            fix="export the file with '.' as the decimal separator and without "
            "thousands separators (1.234,50 as 1234.50); replacing only the "
            "commas would read 1.234 as one",
        )
    if _DECIMAL_COMMA.fullmatch(value) and not grouped[0]:
        fix = (
            "write them with a decimal point (1,5 as 1.5): export the file "
            "with '.' as the decimal separator, or replace the commas"
        )
        if re.search(r"[0-9][. ][0-9]{3}", value):  # 1.234,50: dots too
            fix = (
                "export the file with '.' as the decimal separator and without "
                "thousands separators (1.234,50 as 1234.50)"
            )
        raise InputError(
            field,
            f"holds numbers written with a decimal comma, such as {value!r}",
            first_row=first,
            n_rows=n_rows,
            fix=fix,
        )


def repeated(items: Iterable[Any], *, shown: int = 10) -> tuple[list[Any], str]:
    """The items given more than once (each once, in the order first seen;
    linear, for thousands of names) and how a message shows them: the
    first *shown* and a count of the rest.

    >>> repeated(["b", "a", "b", "c", "a"])
    (['b', 'a'], "'b', 'a'")
    >>> repeated([f"t{i % 12}" for i in range(24)], shown=2)[1]
    "'t0', 't1' and 10 more"
    """
    twice = [x for x, n in Counter(items).items() if n > 1]
    text = ", ".join(repr(x) for x in twice[:shown])
    if len(twice) > shown:
        text += f" and {len(twice) - shown:,} more"
    return twice, text


#: the significand bits of the narrow floats: a whole number is held
#: exactly only below 2**bits (float32 stores 16777217 as 16777216)
NARROW_ID_BITS = {"float16": 11, "float32": 24}


def narrow_float_kind(dtype: Any) -> str | None:
    """``"float32"`` or ``"float16"`` when *dtype* holds such floats
    (NumPy, pandas' nullable ``Float32``, Arrow's ``float`` and
    ``halffloat``), else None.

    >>> narrow_float_kind(np.dtype("float32")), narrow_float_kind(np.dtype("float64"))
    ('float32', None)
    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> narrow_float_kind(pa.dictionary(pa.int32(), pa.float32()))
    'float32'
    """
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None and type(dtype).__module__.partition(".")[0] == "pyarrow":
        arrow = dtype  # (an Arrow type itself: a PyArrow array's .type)
    if arrow is not None:
        # a dictionary's values are the ids (Parquet's dictionary pages)
        arrow = getattr(arrow, "value_type", arrow)
        return {"float": "float32", "halffloat": "float16"}.get(str(arrow))
    numpy = getattr(dtype, "numpy_dtype", dtype)
    if isinstance(numpy, np.dtype) and numpy.kind == "f" and numpy.itemsize < 8:
        return str(numpy)
    return None


def narrow_id_error(
    field: str,
    kind: str,
    value: Any,
    noun: str = "customer",
    *,
    first_row: int | None = None,
    n_rows: int | None = None,
) -> InputError:
    """The refusal of *noun* ids held as *kind* (``float32``, ``float16``)
    numbers at or past the whole numbers that type holds exactly: worded
    alike on every path (:func:`refuse_narrow_ids`, the engines)."""
    bits = NARROW_ID_BITS[kind]
    bound = 2**bits
    shown = str(int(value)) if float(value).is_integer() else repr(float(value))
    return InputError(
        field,
        f"has {noun} ids stored as {kind} numbers, which hold whole numbers "
        f"exactly only below {bound:,} (2**{bits}): past it two ids can be "
        f"stored as one ({bound + 1} as {bound}), so two {noun}s would be "
        f"counted as one; such as {shown}",
        first_row=first_row,
        n_rows=n_rows,
        fix="store the ids as integers (int64) or text where they are "
        "written (or read the column as text): a cast of the float column "
        "cannot bring back the id written",
    )


#: the kinds pandas' ``infer_dtype`` names that hold no float scalar
_NO_NARROW_KINDS = frozenset(
    ("string", "integer", "bytes", "boolean", "date", "datetime", "datetime64")
)


def refuse_narrow_ids(ids: Any, field: str, noun: str = "customer") -> None:
    """Refuse *noun* ids held as ``float32`` (``float16``) numbers at or
    past 2**24 (2**11), the whole numbers the type holds exactly: float32
    stores the ids 16777216 and 16777217 as one number, so two customers
    (or orders) would silently become one. An array, Series, Index or
    pandas array of such a type is checked as a whole; an object array,
    list or tuple value by value (its ``np.float32`` scalars); an Arrow
    dictionary of such floats (a PyArrow array, or a pandas ``ArrowDtype``)
    by its values, and a pandas MultiIndex level by level. Other ids,
    and narrow floats below the bound, pass.

    >>> refuse_narrow_ids(np.array([1.0, 16777215.0], dtype=np.float32), "customer_id")
    >>> refuse_narrow_ids(np.array([5.0, 16777216.0], dtype=np.float32), "customer_id")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'customer_id' has customer ids stored as float32 numbers, which hold whole numbers exactly only below 16,777,216 (2**24): past it two ids can be stored as one (16777217 as 16777216), so two customers would be counted as one; such as 16777216 (first at row 1, 1 row affected): store the ids as integers (int64) or text where they are written (or read the column as text): a cast of the float column cannot bring back the id written
    """
    if type(ids).__module__.partition(".")[0] == "pyarrow" and hasattr(ids, "type"):
        kind = narrow_float_kind(ids.type)  # a PyArrow array, dictionary
        if kind is not None:
            plain = ids.cast(getattr(ids.type, "value_type", ids.type))
            if hasattr(plain, "combine_chunks"):
                plain = plain.combine_chunks()
            refuse_narrow_ids(plain.to_numpy(zero_copy_only=False), field, noun)
        return
    levels = getattr(ids, "levels", None)
    if levels is not None and hasattr(ids, "get_level_values"):  # a MultiIndex
        for i, level in enumerate(levels):
            if narrow_float_kind(level.dtype) is not None:  # its ids, row by row
                refuse_narrow_ids(ids.get_level_values(i), field, noun)
        return
    if isinstance(ids, np.ndarray) and ids.dtype == np.complex64:
        for part in (ids.real, ids.imag):  # two float32 numbers each
            refuse_narrow_ids(part, field, noun)
        return
    kind = narrow_float_kind(getattr(ids, "dtype", None))
    if kind is not None:
        to_numpy = getattr(ids, "to_numpy", None)
        with np.errstate(all="ignore"):
            if isinstance(ids, np.ndarray) or to_numpy is None:
                x = np.asarray(ids, dtype=np.float64)
            else:
                x = np.asarray(to_numpy(dtype=np.float64, na_value=np.nan))
            x = x.reshape(-1)
            past = np.isfinite(x) & (np.abs(x) >= 2 ** NARROW_ID_BITS[kind])
        if past.any():
            first, count = first_offender(past)
            raise narrow_id_error(
                field, kind, x[first], noun, first_row=first, n_rows=count
            )
        return
    dtype = getattr(ids, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", None) != "O":
        return
    if getattr(dtype, "pyarrow_dtype", None) is not None:
        return  # an Arrow column: narrow floats are told by its type (above)
    if dtype is None and not isinstance(ids, list | tuple):
        return
    inferred = getattr(ids, "inferred_type", None)  # (a pandas Index knows it)
    pd = sys.modules.get("pandas")  # (loaded wherever ids are pandas objects)
    if inferred is None and dtype is not None and pd is not None:
        # an object array or Series: one pass in C, 4x faster than the types
        inferred = pd.api.types.infer_dtype(ids, skipna=False)
    if inferred in _NO_NARROW_KINDS:
        return  # (text, integers, bytes, dates...: no narrow float among them)
    if not set(map(type, ids)) & {np.float32, np.float16}:
        return  # (one pass in C over the types: text ids cost little)
    found: list[int] = []
    kinds: list[str] = []
    for i, x in enumerate(ids):
        if isinstance(x, np.floating) and x.dtype.itemsize < 8:
            name = str(x.dtype)
            if np.isfinite(x) and abs(float(x)) >= 2 ** NARROW_ID_BITS[name]:
                found.append(i)
                kinds.append(name)
    if found:
        raise narrow_id_error(
            field,
            kinds[0],
            float(ids[found[0]]),
            noun,
            first_row=found[0],
            n_rows=len(found),
        )
