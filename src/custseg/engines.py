"""Beyond one machine: the per-customer summary pushed down into the engine.

Transactions held in a Polars frame (eager or lazy), a PyArrow table, a
DuckDB relation, a Dask or a PySpark DataFrame are summarised *by that
engine*, through `narwhals <https://narwhals-dev.github.io/narwhals/>`_: the
facts per customer (count, sum, min, max, distinct days) are group-by
aggregates, and only the customer table (one row per customer) is collected.
Edges, scores and rules then run in NumPy on that table, exactly as for
pandas input, so every engine gives the labels of the pandas path.

:func:`engine_facts` is the in-engine step (the facts as a narwhals frame,
still in the engine); :func:`collect_facts` collects them as a
:class:`~custseg.CustomerFacts`; :func:`engine_btyd_summary` is
:func:`~custseg.btyd_summary` in the engine. :func:`custseg.segment`,
:func:`~custseg.summarize_frame`, :func:`~custseg.segment_frame` and
:func:`~custseg.apply_rules` call them for any frame that is not pandas.

When even the customer table is too big to collect, :func:`label_in_engine`
adds the scores and every rules output to the facts inside the engine, with
edges given or from :func:`approx_rfm_edges` (:func:`compile_rules` is the
compiler behind it).
"""

from __future__ import annotations

import importlib.util
import math
import re
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._display import WHITESPACE
from ._engine_rules import (
    EngineRules,
    approx_rfm_edges,
    compile_rules,
    decimal_floats,
    label_in_engine,
)
from ._exact import MAX_LIMBS, SCALES, limb_plan, round_limbs
from .errors import CustsegWarning, InputError
from .summary import FACT_COLUMNS, CustomerFacts, _refuse_overflow

if TYPE_CHECKING:
    import pandas as pd

    from .btyd import BtydSummary

__all__ = [
    "EngineFacts",
    "EngineRules",
    "approx_rfm_edges",
    "collect_facts",
    "compile_rules",
    "engine_btyd_summary",
    "engine_facts",
    "is_engine_frame",
    "label_in_engine",
    "to_native",
]

Output = Literal["native", "pandas"]

_FIX_COLUMN = "name the column with {arg}= (on the command line: --{arg} COLUMN)"
#: engine_btyd_summary's fixes for a missing column: no command runs it, so
#: they name no command-line option; its amounts are optional
_BTYD_FIX_COLUMN = {
    "customer": "name the column with customer=",
    "date": "name the column with date=",
    "amount": "name the column with amount=, or pass amount=None for the "
    "table without monetary_value",
}
_DATE_FIX = (
    "use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00) or YYYYMMDD "
    "(20240131), or give the format with date_format=, or cast the column to "
    "a timestamp in the engine"
)
#: The fix for a Binary date column (bytes holding text dates)
_BINARY_DATE_FIX = (
    "cast the column to text in the engine (Polars: "
    "pl.col({name!r}).cast(pl.String); DuckDB: decode({name}); PyArrow: "
    "pyarrow.compute.cast(column, pa.string()); Spark: CAST({name} AS "
    "STRING)), or pass the rows as a pandas DataFrame (PyArrow: "
    "table.to_pandas())"
)
#: The fix when the column was read as ISO 8601 text (no ``date_format``)
_GUESSED_DATE_FIX = (
    "use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00, shapes may mix "
    "as pandas mixes them) or YYYYMMDD (20240131), or give the format with "
    "date_format=, or cast the column to a timestamp in the engine"
)
#: How many text dates :func:`_sample_format` reads to find their format.
_FORMAT_SAMPLE = 64
_EXACT = 2**53
#: Decimal amounts are summed as integers of their last place while the sum
#: of those integers' magnitudes stays below this (as custseg._exact does).
_DECIMAL_BOUND = float(2**52)
#: The private name of the customer column in the queries. The first query
#: selects the user's columns under private names only (``_c``, ``_d``,
#: ``_d_null``, ``_a``), so no column name of the data can collide with
#: them; the customer column gets its own name back only in the result (see
#: :func:`engine_facts`).
_KEY = "_c"
#: the order ids of order lines (``order=``), under this private name
_ORDER = "_o"
#: The columns of :attr:`EngineFacts.frame` besides the customer's.
_FACT_COLUMNS = (*FACT_COLUMNS, "n_rows")
#: The prefix of the facts' sum columns (see :class:`_SumPlan`).
_MONEY = "_monetary"


# --------------------------------------------------------------------------
# recognising and converting frames


def _narwhals() -> Any:
    try:
        import narwhals.stable.v2 as nw_stable
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            "transactions",
            "is not a pandas DataFrame, and narwhals (which reads other "
            "frames) is not installed",
            fix="pip install 'custseg[polars]' (or [duckdb], [dask], [spark]), or "
            "pass a pandas DataFrame",
        ) from None
    return nw_stable


def _from_native(native: Any) -> Any:
    nw = _narwhals()
    _refuse_duplicate_columns(native)
    # a pandas frame's Arrow string_view columns as large_string (pandas
    # has no kernels for them; Arrow tables are made plain in the queries)
    return nw.from_native(v.arrow_plain(native), pass_through=True)


def _zones_read(native: Any, date: Hashable) -> Any:
    """*native* (a pandas or Dask frame) with its time-zone-aware *date*
    column, when narwhals cannot name its zone (it reads only letters and
    ``/``: ``America/New_York``, ``Etc/GMT+5`` and ``EST5EDT`` are
    ``Unknown`` to it), as its local wall-clock time, which is what the
    engines count days in (the zone, read from the frame itself, reads an
    aware ``as_of``: :func:`_dates_zone`); any other frame or column as it
    is (an aware id column in such a zone is refused as ``Unknown``: its
    instants are the ids).

    >>> import pandas as pd
    >>> d = pd.Series(pd.to_datetime(["2024-01-01 23:30"])).dt.tz_localize("EST5EDT")
    >>> _zones_read(pd.DataFrame({"date": d}), "date").dtypes["date"]
    dtype('<M8[us]')
    """
    import pandas as pd

    module = type(native).__module__.split(".")[0]
    if module == "pandas" and isinstance(native, pd.DataFrame):
        meta = native
    elif module == "dask" and isinstance(getattr(native, "_meta", None), pd.DataFrame):
        meta = native._meta
    else:
        return native
    where = [i for i, name in enumerate(meta.columns) if name == date]
    if len(where) != 1 or not isinstance(
        meta.dtypes.iloc[where[0]], pd.DatetimeTZDtype
    ):
        return native  # absent, doubled (refused later) or not aware
    nw = _narwhals()
    if nw.from_native(meta.iloc[:0, where]).schema[date] != nw.Unknown:
        return native  # a zone narwhals names: it keeps it with the column
    if module == "pandas":
        out = native.copy(deep=False)
        out.isetitem(where[0], native.iloc[:, where[0]].dt.tz_localize(None))
        return out
    if not isinstance(date, str):  # pragma: no cover
        return native  # Dask's assign takes text names: left to narwhals
    return native.assign(**{date: native[date].dt.tz_localize(None)})


def _refuse_duplicate_columns(native: Any) -> None:
    """An InputError for a PyArrow, DuckDB, Dask or Spark frame with two
    columns of one name (narwhals, Dask and Spark would fail on them with
    their own errors, DuckDB read one of them; a Polars frame cannot hold
    them, a pandas one is checked where its columns are read)."""
    module = type(native).__module__.split(".")[0]
    if module not in ("pyarrow", "dask", "pyspark", "duckdb", "_duckdb"):
        return
    names = getattr(native, "column_names" if module == "pyarrow" else "columns", None)
    if names is None:
        return
    try:
        names = list(names)
    except TypeError:  # pragma: no cover - not a frame's columns
        return
    seen: set[Any] = set()
    for name in names:
        if name in seen:
            raise InputError(
                str(name),
                "names more than one column of the frame",
                fix="rename the duplicates (or drop them) before passing the frame",
            )
        seen.add(name)


def _refuse_case_alike(frame: Any, read: Iterable[Any]) -> None:
    """An InputError for a DuckDB or Spark frame (or a narwhals frame of
    one) where a column custseg reads (*read*) is named like another but
    for case (``customer_id`` and ``Customer_ID``): DuckDB reads the first
    of them under either name (ASCII letters only are folded), Spark
    refuses either as ambiguous unless ``spark.sql.caseSensitive`` is true
    (it folds case as Java's ``equalsIgnoreCase`` does). Columns alike
    that custseg does not read (``note`` and ``Note``) are left alone, as
    the engines leave them."""
    native = frame
    if type(frame).__module__.split(".")[0] == "narwhals":
        native = _narwhals().to_native(frame)
    module = type(native).__module__.split(".")[0]
    if module not in ("pyspark", "duckdb", "_duckdb"):
        return
    try:
        names = list(native.columns)
    except TypeError:  # pragma: no cover - not a frame's columns
        return

    def key(name: Any) -> str:
        text = str(name)
        if module == "pyspark":
            return "".join(_java_fold(ch) for ch in text)
        return "".join(ch.lower() if ch.isascii() else ch for ch in text)

    wanted = {key(name) for name in read if name is not None}
    first: dict[str, Any] = {}
    for name in names:
        text = str(name)
        other = first.setdefault(key(name), name)
        if other == name or key(name) not in wanted:
            continue
        if module == "pyspark":
            conf = native.sparkSession.conf.get("spark.sql.caseSensitive", "false")
            if str(conf).lower() == "true":
                return
            how = (
                "Spark reads column names without regard to case "
                "(spark.sql.caseSensitive is false), so either name is ambiguous"
            )
            fix = (
                "rename or drop one of them (df.toDF(*names) renames all "
                "the columns), or set spark.sql.caseSensitive to true"
            )
        else:
            how = (
                "DuckDB reads column names without regard to case, so either "
                f"name reads the column {str(other)!r}"
            )
            fix = "rename or drop one of them in the query that makes the relation"
        raise InputError(
            text,
            f"and {str(other)!r} are columns named alike but for case, and {how}",
            fix=fix,
        )


def _java_fold(ch: str) -> str:
    """*ch* as Java's ``String.equalsIgnoreCase`` compares it: lower case of
    its upper case, one character each (Java maps no character to two)."""
    upper = ch.upper()
    upper = upper if len(upper) == 1 else ch
    lower = upper.lower()
    return lower if len(lower) == 1 else upper


def is_engine_frame(obj: Any) -> bool:
    """Whether *obj* is a frame custseg reads through narwhals (not pandas).

    True for Polars DataFrames and LazyFrames, PyArrow tables, DuckDB
    relations, Dask and PySpark DataFrames (and anything else narwhals
    reads, narwhals frames included); False for pandas DataFrames (read
    directly) and everything else. A frame of one of those engines when
    narwhals is not installed raises :class:`~custseg.errors.InputError`
    naming the extra to install.

    Parameters
    ----------
    obj
        Anything.

    Returns
    -------
    bool
        Whether :func:`custseg.segment` and the frame functions summarise
        *obj* in its engine.

    Examples
    --------
    >>> import pandas as pd
    >>> is_engine_frame(pd.DataFrame({"a": [1]}))
    False
    >>> import pyarrow as pa
    >>> is_engine_frame(pa.table({"a": [1]}))
    True
    """
    import pandas as pd

    if isinstance(obj, pd.DataFrame | str | bytes) or obj is None:
        return False
    module = type(obj).__module__.split(".")[0]
    if module not in {"polars", "pyarrow", "duckdb", "_duckdb", "dask", "pyspark"}:
        if module == "narwhals":
            return True
        if not hasattr(obj, "__narwhals_dataframe__") and not hasattr(
            obj, "__narwhals_lazyframe__"
        ):
            return False
    if module != "narwhals" and importlib.util.find_spec("narwhals") is None:
        _narwhals()  # a frame of a known engine: InputError naming the extra
        return False  # pragma: no cover
    nw = _narwhals()
    wrapped = _from_native(obj)
    return isinstance(wrapped, nw.DataFrame | nw.LazyFrame)


def _lazy(native: Any) -> tuple[Any, bool]:
    """The narwhals LazyFrame of *native*, and whether the input was eager."""
    nw = _narwhals()
    frame = _from_native(native)
    if isinstance(frame, nw.DataFrame):
        return frame.lazy(), True
    if isinstance(frame, nw.LazyFrame):
        return frame, False
    raise InputError(
        "transactions",
        f"must be a DataFrame (pandas, Polars, PyArrow, DuckDB, Dask or "
        f"PySpark), got {type(native).__name__}",
        fix="pass one row per transaction in a frame",
    )


def to_native(out: pd.DataFrame, like: Any, output: str = "native") -> Any:
    """The pandas result *out* as a frame of the same kind as *like*.

    Eager in, eager out: a Polars DataFrame or a PyArrow table. Lazy in, a
    lazy handle of the same engine on the (already computed) result: a
    Polars LazyFrame, a DuckDB relation, a Dask DataFrame (one partition), a
    PySpark DataFrame in *like*'s session, with a schema fixed by *out*'s
    dtypes, not inferred from the values (integers of their width, doubles,
    strings; dates held at ``[s]`` as DATE, other datetimes as
    TIMESTAMP_NTZ; NULL for missing values). Engines have no row index: the
    customer id (*out*'s named index) becomes the first column.
    ``output="pandas"`` returns *out* itself.

    Parameters
    ----------
    out
        A result of the pandas path (one row per customer).
    like
        The caller's input frame, whose kind the result takes.
    output
        ``"native"`` (the kind of *like*) or ``"pandas"``.

    Returns
    -------
    Any
        The frame, of *like*'s library.

    Examples
    --------
    >>> import pandas as pd, polars as pl
    >>> out = pd.DataFrame({"frequency": [2, 1]},
    ...                    index=pd.Index(["a", "b"], name="customer_id"))
    >>> to_native(out, pl.DataFrame({"x": [1]}))
    shape: (2, 2)
    ┌─────────────┬───────────┐
    │ customer_id ┆ frequency │
    │ ---         ┆ ---       │
    │ str         ┆ i64       │
    ╞═════════════╪═══════════╡
    │ a           ┆ 2         │
    │ b           ┆ 1         │
    └─────────────┴───────────┘
    """
    import pandas as pd

    v.choice(output, "output", ("native", "pandas"))
    if not isinstance(out, pd.DataFrame):
        raise InputError(
            "out",
            f"must be a pandas DataFrame (a result of the pandas path): got "
            f"{type(out).__name__}",
            fix="pass the frame to convert",
        )
    if output == "pandas":
        return out
    wrapped = type(like).__module__.split(".")[0] == "narwhals"
    if not (wrapped or is_engine_frame(like) or isinstance(like, pd.DataFrame)):
        raise InputError(
            "like",
            f"must be the caller's input frame: got {type(like).__name__}",
            fix="pass the frame whose kind the result takes (Polars, PyArrow, "
            "DuckDB, Dask, PySpark), or output='pandas'",
        )
    if wrapped:  # wrapped in, wrapped out
        return _narwhals().from_native(to_native(out, like.to_native()))

    if out.index.name is not None and out.index.name in out.columns:
        raise InputError(
            str(out.index.name),
            "is the customer column, and the result has a column of that name "
            "too: a frame of the engine cannot hold both (engine frames have "
            "no index)",
            fix="rename the customer column, or pass output='pandas' (the ids "
            "are then the index)",
        )
    flat = out.reset_index() if out.index.name is not None else out
    flat = flat.reset_index(drop=True)
    flat.attrs = dict(out.attrs)
    module = type(like).__module__.split(".")[0]
    if module == "polars":
        return _polars_frame(flat, like, out.index.name)
    if module == "pyarrow":
        return _arrow_table(flat, like, out.index.name)
    if module in ("duckdb", "_duckdb", "pyspark"):  # names without case
        seen: dict[str, str] = {}
        for col in map(str, flat.columns):
            first = seen.setdefault(col.lower(), col)
            if first != col:
                raise InputError(
                    first,
                    f"and {col!r} are columns of the result named alike but for "
                    f"case (a column of the input and one custseg adds), and "
                    f"{module.strip('_')} names columns without regard to case: "
                    "one would be hidden behind the other",
                    fix="rename or drop the input's column first, or pass "
                    "output='pandas'",
                )
    if module in ("duckdb", "_duckdb"):
        return _duckdb_relation(flat, like, out.index.name)
    if module == "dask":
        import dask.dataframe as dd

        return dd.from_pandas(flat, npartitions=1)  # type: ignore[no-untyped-call]
    if module == "pyspark":
        return _spark_frame(flat, like.sparkSession, _spark_zoned(like, out.index.name))
    nw = _narwhals()
    frame = _from_native(like)
    if isinstance(frame, nw.DataFrame):  # another eager library narwhals knows
        return nw.from_dict(
            {c: flat[c].to_numpy() for c in flat.columns},
            backend=frame.implementation,
        ).to_native()
    return out  # pragma: no cover - an unknown lazy engine: pandas


def _polars_frame(flat: pd.DataFrame, like: Any, key: Hashable) -> Any:
    """*flat* as a Polars frame, lazy when *like* is; an ``Int128`` /
    ``UInt128`` customer column of *like* keeps its type (Arrow, through
    which ``from_pandas`` goes, has no 128-bit integers: the ids are made
    from the Python integers), and so does a ``Date`` or other temporal
    one, and a ``Categorical`` or ``Enum`` one (its text ids are cast
    back), so that the result joins back onto *like*."""
    import polars as pl

    wide = dtype = None
    if isinstance(key, str) and key in flat.columns:
        dtype = like.collect_schema().get(key)
        if dtype in (pl.Int128, pl.UInt128):
            wide = dtype
    if wide is None or not isinstance(key, str):
        result = pl.from_pandas(flat)
        if (
            isinstance(key, str)
            and dtype is not None
            and (dtype.is_temporal() or isinstance(dtype, pl.Categorical | pl.Enum))
            and result[key].dtype != dtype
        ):
            # Date ids come through pandas as datetime64[ms], categories as
            # their text: back to the input's type, so that the result
            # joins onto the input
            result = result.with_columns(result[key].cast(dtype))
    else:
        ids = pl.Series(key, [int(x) for x in flat[key].tolist()], dtype=wide)
        rest = pl.from_pandas(flat.drop(columns=[key]))
        result = rest.insert_column(list(flat.columns).index(key), ids)
    return result.lazy() if isinstance(like, pl.LazyFrame) else result


def _duckdb_relation(flat: pd.DataFrame, like: Any, key: Hashable) -> Any:
    """*flat* as a DuckDB relation; a HUGEINT / UHUGEINT customer column of
    *like* keeps its type (Arrow has no 128-bit integers: the ids travel as
    text and are cast back), and so does an ``ENUM`` one (its text ids are
    cast back to the input's ``ENUM``)."""
    import pyarrow as pa

    wide = None
    if isinstance(key, str) and key in flat.columns and key in like.columns:
        kind = str(like.types[list(like.columns).index(key)])
        if kind in ("HUGEINT", "UHUGEINT"):
            wide = kind
            flat = flat.copy()
            flat[key] = [str(int(x)) for x in flat[key].tolist()]
        elif kind.startswith("ENUM("):  # DuckDB's text of the type, quoted
            wide = kind
    table = pa.Table.from_pandas(flat, preserve_index=False)
    rel = _arrow_on_connection(table, like)
    if wide is None:
        return rel
    quoted = '"' + str(key).replace('"', '""') + '"'
    others = [c for c in flat.columns if c != key]
    rest = ", ".join('"' + str(c).replace('"', '""') + '"' for c in others)
    return rel.select(
        f"CAST({quoted} AS {wide}) AS {quoted}" + (f", {rest}" if rest else "")
    )


def _arrow_table(flat: pd.DataFrame, like: Any, key: Hashable) -> Any:
    """*flat* as a PyArrow table whose customer column *key* has the type of
    *like*'s, so that the result joins back onto *like* (Arrow's joins
    need key columns of one type): pandas' text ids would be
    ``large_string`` where the input's are ``string`` or ``string_view``,
    a dictionary's ids its values, ``date64`` ids ``date32``. Other types
    come through pandas as they were given (whole float ids become
    integers, as in pandas).

    >>> import pandas as pd, pyarrow as pa
    >>> flat = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [2, 1]})
    >>> like = pa.table({"customer_id": pa.array(["a"]).dictionary_encode()})
    >>> _arrow_table(flat, like, "customer_id").schema.field("customer_id").type
    DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
    """
    import pyarrow as pa

    table = pa.Table.from_pandas(flat, preserve_index=False)
    if not (isinstance(key, str) and key in table.column_names):
        return table
    if key not in like.column_names:
        return table
    given = like.schema.field(key).type
    ids = table.column(key)
    if ids.type == given:
        return table
    values = given.value_type if pa.types.is_dictionary(given) else None
    if values is not None and (
        values == ids.type or pa.types.is_date64(values) or _arrow_text(values)
    ):
        # (a dictionary of other values, float16 ones, stays as pandas gave
        # it: pandas cannot read a dictionary of float16 back)
        ids = ids.cast(values).dictionary_encode().cast(given)
    elif pa.types.is_date64(given) or _arrow_text(given):
        ids = ids.cast(given)
    else:
        return table
    index = table.column_names.index(key)
    return table.set_column(index, table.schema.field(key).with_type(given), ids)


def _arrow_text(t: Any) -> bool:
    """Whether the Arrow type *t* is text: ``string``, ``large_string`` or
    ``string_view``."""
    import pyarrow as pa

    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_string_view(t)
    )


def _arrow_on_connection(table: Any, like: Any) -> Any:
    """The Arrow *table* as a relation of the connection *like* (a DuckDB
    relation) belongs to, so that the caller can join it with that
    connection's tables or write it into its database: ``duckdb.from_arrow``
    alone puts it on DuckDB's default connection, another database.

    DuckDB's relations do not name their connection in their public API:
    the table is read through *like*'s own connection by a replacement scan
    (DuckDB reads a Python variable named in the query). Where replacement
    scans are turned off (``SET python_enable_replacements = false``), the
    relation's connection attribute of DuckDB 2 serves, else the default
    connection, as before."""
    import duckdb

    __custseg_result = table  # read by its name in the query below
    try:
        return like.query("__custseg_like", "SELECT * FROM __custseg_result")
    except duckdb.Error:
        connection = getattr(like, "_con", None)
        if connection is not None:
            return connection.from_arrow(table)
        return duckdb.from_arrow(table)


def _spark_zoned(like: Any, key: Hashable) -> str | None:
    """*key* when it names a TIMESTAMP (with the session's zone) column of
    the Spark frame *like*: the ids are instants, written back as such."""
    if key is None:
        return None
    try:
        kind = like.schema[str(key)].dataType.typeName()
    except (KeyError, AttributeError):  # pragma: no cover - a renamed column
        return None
    return str(key) if kind == "timestamp" else None


def _spark_frame(flat: pd.DataFrame, session: Any, zoned: str | None = None) -> Any:
    """*flat* as a PySpark DataFrame with a schema fixed by the dtypes, not
    inferred from the values (an all-missing column would be ``void``, no
    rows an error, a date a zoned TIMESTAMP): integers of their width, doubles,
    strings, booleans; dates held at ``[s]`` and all midnights (engine DATE
    columns arrive so) as DATE, other datetimes as TIMESTAMP_NTZ (the
    wall-clock time the days were counted in, read alike in every session
    zone). The column *zoned* (customer ids that were a TIMESTAMP column,
    instants) is a TIMESTAMP of the same instants, so it joins back onto the
    input in any session zone. Missing values are NULL."""
    import pandas as pd
    from pyspark.sql import types as T

    ints = {1: T.ByteType(), 2: T.ShortType(), 4: T.IntegerType(), 8: T.LongType()}
    fields, columns = [], []
    for name in flat.columns:
        col = flat[name]
        dtype = col.dtype
        missing = col.isna().to_numpy()
        kind: Any
        if isinstance(dtype, pd.CategoricalDtype):
            dtype = dtype.categories.dtype
        if pd.api.types.is_bool_dtype(dtype):
            kind = T.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            size = int(getattr(dtype, "itemsize", 8))
            signed = pd.api.types.is_signed_integer_dtype(dtype)
            kind = ints.get(size if signed else 2 * size, T.LongType())
        elif pd.api.types.is_float_dtype(dtype):
            kind = T.DoubleType()
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            stamps = col
            if str(name) == zoned and getattr(dtype, "tz", None) is not None:
                fields.append(T.StructField(str(name), T.TimestampType(), True))
                columns.append(
                    [
                        None if m else x.to_pydatetime()  # aware: the instant
                        for x, m in zip(stamps, missing, strict=True)
                    ]
                )
                continue
            if getattr(dtype, "tz", None) is not None:
                stamps = stamps.dt.tz_localize(None)
            days = stamps[~missing]
            if stamps.dt.unit == "s" and (days == days.dt.normalize()).all():
                kind = T.DateType()
                values = [
                    None if m else x.date()
                    for x, m in zip(stamps, missing, strict=True)
                ]
            else:
                kind = T.TimestampNTZType()
                values = [
                    None if m else x.to_pydatetime()
                    for x, m in zip(stamps, missing, strict=True)
                ]
            fields.append(T.StructField(str(name), kind, True))
            columns.append(values)
            continue
        else:
            known = col[~missing].tolist()
            if not all(isinstance(x, str) for x in known):
                # other objects: Spark's inference, as before
                plain = flat.astype(object).where(flat.notna(), None)
                return session.createDataFrame(plain)
            kind = T.StringType()
        values = col.astype(object).tolist()
        if missing.any():
            values = [None if m else x for x, m in zip(values, missing, strict=True)]
        fields.append(T.StructField(str(name), kind, True))
        columns.append(values)
    rows = list(zip(*columns, strict=True)) if columns else [()] * len(flat)
    return session.createDataFrame(rows, schema=T.StructType(fields))


def to_pandas_frame(native: Any, arg: str = "seg") -> pd.DataFrame:
    """A per-customer table of any engine as pandas (collected when lazy).

    Parameters
    ----------
    native
        A frame narwhals reads (one row per customer: it is collected).
    arg
        The argument's name, for the error message.

    Returns
    -------
    pandas.DataFrame
        The rows, with a default index.

    Examples
    --------
    >>> import polars as pl
    >>> to_pandas_frame(pl.DataFrame({"r": [1, 2]})).to_dict("list")
    {'r': [1, 2]}
    """
    nw = _narwhals()
    frame = _from_native(native)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, nw.DataFrame):
        raise InputError(
            arg,
            f"must be a DataFrame, got {type(native).__name__}",
            fix="pass one row per customer, e.g. segment_frame(...) output",
        )
    return frame.to_pandas()


# --------------------------------------------------------------------------
# the schema: columns and types, checked before any data is read


def _find_column(
    schema: dict[str, Any],
    name: Hashable,
    arg: str,
    index: Iterable[Hashable] = (),
    fixes: Mapping[str, str] | None = None,
) -> str:
    """*name*, a column of *schema*; InputError for one that is not, told
    so when it names the data's *index* (a Dask frame's, as pandas'
    is), with the fix *fixes* gives for *arg* (default: the argument and
    the command line's option)."""
    if not isinstance(name, str) or name not in schema:
        if name in index:
            from .frame import _index_error

            raise _index_error(name, schema, "df")
        field, columns = _display.listed(str(name), schema)
        raise InputError(
            field,
            f"is not a column of the data (columns: {columns})",
            fix=_FIX_COLUMN.format(arg=arg) if fixes is None else fixes[arg],
        )
    return name


def _index_names(native: Any) -> list[Hashable]:
    """The name of a Dask frame's index (``ddf.set_index("customer_id")``:
    its metadata, no data is read), in a list; none for other frames
    (engines have no index)."""
    if type(native).__module__.split(".")[0] != "dask":
        return []
    name = getattr(getattr(native, "index", None), "name", None)
    return [] if name is None else [name]


def _kind(dtype: Any) -> str:
    """``int``, ``float``, ``decimal``, ``str``, ``bool``, ``date``,
    ``datetime``, ``category`` or ``other`` for a narwhals dtype."""
    nw = _narwhals()
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype.is_decimal():
        return "decimal"
    if dtype == nw.String:
        return "str"
    if dtype == nw.Boolean:
        return "bool"
    if dtype == nw.Date:
        return "date"
    if dtype == nw.Datetime:
        return "datetime"
    if dtype in (nw.Categorical, nw.Enum):
        return "category"
    return "other"


@attrs.frozen
class _Columns:
    customer: str
    date: str
    amount: str | None
    id_kind: str
    date_kind: str
    amount_kind: str | None
    date_format: str | None
    time_zone: str | None
    date_unit: str
    backend: str = ""
    #: the names the queries read the columns under, when they differ from
    #: the user's (Spark reads a dot in a name as a struct field)
    renamed: dict[str, str] = attrs.field(factory=dict, eq=False)
    #: the order id column of order lines (``order=``) and its kind
    order: str | None = None
    order_kind: str | None = None
    #: the customer ids are the text of integers beyond 64 bits (Dask object
    #: ids, which no Dask integer type holds): made integers when collected
    text_ints: bool = False
    #: Spark: the column the text dates were parsed into (see
    #: :func:`_spark_dates`)
    parsed: str | None = None
    #: ISO 8601 text dates of more than one shape (no ``date_format``):
    #: each written in one shape first (:func:`_iso_text`), read with
    #: :data:`_ISO_MIXED`; a column of one shape is read in it directly
    iso_mixed: bool = False

    def q(self, name: str) -> str:
        """The name the queries read column *name* under."""
        return self.renamed.get(name, name)


def _check_schema(
    lf: Any,
    customer: Hashable,
    date: Hashable,
    amount: Hashable | None,
    date_format: str | None,
    order: Hashable | None = None,
    index: Iterable[Hashable] = (),
    fixes: Mapping[str, str] | None = None,
) -> _Columns:
    """The columns' names and kinds; InputError for a missing column (or
    one that is the *index* of the data; *fixes*: see :func:`_find_column`)
    or a type no customer id, order id, date or amount has (no data is
    read)."""
    schema = dict(lf.collect_schema())
    index = list(index)
    c = _find_column(schema, customer, "customer", index, fixes)
    d = _find_column(schema, date, "date", index, fixes)
    a = None if amount is None else _find_column(schema, amount, "amount", index, fixes)
    o = None if order is None else _find_column(schema, order, "order", index, fixes)
    _refuse_case_alike(lf, [c, d, a, o])
    v.check_columns_apart(
        "name the customer, date, amount (and order) columns, each once",
        customer=c,
        date=d,
        amount=a,
        order=o,
    )
    id_kind = _id_column_kind(lf, schema, c, "customer")
    order_kind = None if o is None else _id_column_kind(lf, schema, o, "order")
    date_kind = _kind(schema[d])
    if schema[d] == _narwhals().Binary:
        _refuse_all_missing(lf, d, "date")
        raise InputError(
            d,
            "holds Binary values (bytes), which custseg reads as dates only in "
            "a pandas DataFrame (as the UTF-8 text they hold), not in an engine",
            fix=_BINARY_DATE_FIX.format(name=d),
        )
    if date_kind in ("bool", "other", "decimal", "category"):
        _refuse_all_missing(lf, d, "date")
        raise InputError(
            d,
            f"holds {_type_name(lf, schema, d)} values, not dates",
            fix=_DATE_FIX,
        )
    amount_kind = None if a is None else _kind(schema[a])
    backend = _backend_name(lf)
    if a is not None and amount_kind not in ("int", "float", "decimal"):
        _refuse_all_missing(lf, a, "amount")
        text = amount_kind == "str"
        raise InputError(
            a,
            f"holds {_type_name(lf, schema, a)} values, not numbers"
            + (" (text)" if text else "")
            + (
                " (Dask turns an object column, e.g. of Decimals, into text "
                "when the frame is made, unless dask.config's "
                "'dataframe.convert-string' is False)"
                if text and backend == "dask"
                else ""
            ),
            fix="cast the column to numbers in the engine (e.g. Polars: "
            "pl.col(...).cast(pl.Float64); SQL: CAST(amount AS DOUBLE)); "
            "negative amounts are refunds",
        )
    tz = None
    unit = "us"
    if date_kind == "datetime":
        tz = getattr(schema[d], "time_zone", None)
        unit = getattr(schema[d], "time_unit", "us") or "us"
    elif date_kind == "date":
        unit = "s"  # as pandas holds Python dates
    if tz is not None and backend == "duckdb":
        warnings.warn(
            f"{d!r} is a DuckDB TIMESTAMP WITH TIME ZONE: DuckDB keeps the "
            "instants, not the zone they were written in, so custseg counts "
            f"days in the connection's TimeZone ({tz}), which may not be the "
            "data's local time (pandas counts in the data's own zone). Set "
            "the zone the days should be counted in (SET TimeZone = "
            "'Asia/Tokyo'), or pass local times: timezone('Asia/Tokyo', "
            f"{d}) is a TIMESTAMP",
            CustsegWarning,
            stacklevel=4,
        )
    return _Columns(
        c,
        d,
        a,
        id_kind,
        date_kind,
        amount_kind,
        date_format,
        tz,
        unit,
        backend,
        order=o,
        order_kind=order_kind,
    )


def _id_column_kind(lf: Any, schema: dict[str, Any], name: str, what: str) -> str:
    """The kind of the id column *name* of *lf* (*what*: ``customer`` or
    ``order``); InputError for a type no id has in an engine, naming the
    engine's own type (``DuckDB UUID``, ``Arrow fixed_size_binary[16]``)
    where narwhals has no name for it."""
    kind = _kind(schema[name])
    nw = _narwhals()
    if schema[name] == nw.Binary:
        # bytes ids grouped as the bytes they are, as the pandas path keeps
        # them (b"c1" is not the text "c1")
        return "binary"
    if schema[name] in (nw.Float32, nw.Float16):
        _refuse_narrow_ids(lf, name, what, schema[name] == nw.Float32)
    if kind == "bool":
        raise InputError(
            name,
            f"holds True/False values, not {what} ids",
            fix=f"pass the column of {what} ids (a mask selects rows: ids[mask])",
        )
    if kind in ("other", "decimal"):
        _refuse_all_missing(lf, name, what)
        raise InputError(
            name,
            f"holds {_type_name(lf, schema, name)} values, which custseg does not "
            f"read as {what} ids in an engine (ids are integers, text or dates)",
            fix=_ID_CAST_FIX.format(name=name),
        )
    return kind


def _past_exact(x: Any, bits: int) -> Any:
    """The narwhals expression of the finite numbers of float64 expression
    *x* at or past ``2**bits`` (the whole numbers a narrow float holds
    exactly end there): null, NaN and infinities are not (Polars orders NaN
    above every number)."""
    return (
        ~x.is_null()
        & ~x.is_nan()
        & (x.abs() >= float(2**bits))
        & (x.abs() != float("inf"))
    )


def _refuse_narrow_ids(lf: Any, name: str, what: str, float32: bool) -> None:
    """Refuse a ``float32`` (*float32* False: ``float16``) id column *name*
    holding a number at or past the whole numbers its type holds exactly
    (2**24, 2**11), as the pandas path refuses it
    (:func:`custseg._validate.refuse_narrow_ids`): float32 stores the ids
    16777216 and 16777217 as one number, so two customers (or orders)
    would be grouped as one. One more pass, for such columns only."""
    from ._validate import NARROW_ID_BITS, narrow_id_error

    type_name = "float32" if float32 else "float16"
    nw = _narwhals()
    x = nw.col(name).cast(nw.Float64)
    past = _past_exact(x, NARROW_ID_BITS[type_name])
    found = lf.filter(past).select(x.alias(name)).head(1).collect()[name]
    if not len(found):
        return
    n_rows = int(lf.filter(past).select(nw.len()).collect().item())
    raise narrow_id_error(
        name, type_name, float(found.to_list()[0]), what, n_rows=n_rows
    )


def _refuse_all_missing(lf: Any, name: str, what: str) -> None:
    """InputError when column *name* holds only missing values (a column of
    ``None`` has no type of its own: Polars makes it text or ``Null``), said
    as pandas says it, before a message about its type would advise a cast.
    Read only on the way to that error."""
    nw = _narwhals()
    try:
        counts = lf.select(
            nw.col(name).null_count().alias("missing"), nw.len().alias("rows")
        ).collect()
        missing, rows = (int(x) for x in counts.row(0))
    except Exception:  # the type's own message follows
        return
    if rows and missing == rows:
        raise InputError(
            name,
            f"contains missing values (NULL) only ({rows:,d} "
            f"row{'s' if rows != 1 else ''}: no {what} is given)",
            fix="drop or fill them first, or name the column that holds the "
            f"{what}s ({what}=...)",
        )


#: How to make ids of another type (UUIDs, decimals, nested values)
#: readable in an engine (bytes ids, Binary, are read as they are).
_ID_CAST_FIX = (
    "cast the column to text (or to integers) in the engine, e.g. DuckDB: "
    "CAST({name} AS VARCHAR) (a UUID's usual text); Polars: "
    "pl.col(...).cast(pl.String); Spark: CAST({name} AS STRING); or pass "
    "the rows as a pandas DataFrame (PyArrow: table.to_pandas()), where "
    "such ids are read as they are"
)


def _type_name(lf: Any, schema: dict[str, Any], name: str) -> str:
    """The type of column *name* as the messages show it: narwhals' name
    (``String``, ``Datetime(...)``), or, for a type narwhals does not
    recognise (``Unknown``: UUIDs, fixed-size binaries, Arrow's decimal32,
    decimal64 and decimal256), the engine's own (``Arrow uuid``, ``DuckDB
    UUID``)."""
    nw = _narwhals()
    dtype = schema[name]
    if dtype != nw.Unknown:
        return str(dtype)
    try:
        native = lf.to_native()
        backend = _backend_name(lf)
        if backend == "pyarrow":
            return f"Arrow {native.schema.field(name).type}"
        if backend == "duckdb":
            return f"DuckDB {native.types[list(native.columns).index(name)]}"
        if backend == "pyspark":
            return f"Spark {native.schema[name].dataType.simpleString()}"
        if backend == "polars":
            return f"Polars {native.collect_schema()[name]}"
        if backend == "dask":
            return f"Dask {native.dtypes[name]}"
    except Exception:  # pragma: no cover - another engine: narwhals' name
        pass
    return f"{dtype} (a type narwhals does not recognise)"  # pragma: no cover


def _backend_name(lf: Any) -> str:
    """``polars``, ``pyarrow``, ``duckdb``, ``dask``, ``pyspark``, ..."""
    return str(lf.implementation).rsplit(".", 1)[-1].lower()


def _sample_format(lf: Any, cols: _Columns) -> str:
    """The ``strftime`` format of a text date column: that of the first of a
    few values in a shape custseg knows (a placeholder such as ``'N/A'`` or
    a blank before it is then reported as a value that is not a date)."""
    nw = _narwhals()
    if cols.date_format is not None:
        return cols.date_format
    first = (
        lf.select(nw.col(cols.q(cols.date)))
        .filter(~nw.col(cols.q(cols.date)).is_null())
        .head(_FORMAT_SAMPLE)
        .collect()
    )
    values = first[cols.q(cols.date)].to_list() if len(first) else []
    if not values:
        return "%Y-%m-%d"  # no dates at all: refused later as missing
    texts = [str(x).strip() for x in values]
    for text in texts:
        fmt = _iso_format(text)
        if fmt is not None:
            return fmt
    text = next((t for t in texts if t), texts[0])
    far = _far_text(text, None, cols.date)
    if far is not None:
        raise far  # '+10000-01-01': a year outside 1 to 9999, as pandas says
    raise InputError(
        cols.date,
        f"holds text dates such as {v.describe(text)}, whose format custseg does "
        "not guess in an engine",
        fix="give the format with date_format= (e.g. '%d/%m/%Y'), or cast the "
        "column to a timestamp in the engine",
    )


#: The ISO 8601 text dates pandas reads without a ``date_format`` that an
#: engine reads with one ``strftime`` format (:func:`_iso_format`): a day
#: (``2024-06-30``, ``2024/6/3``, ``2024.06.30``, ``20240630``), then a
#: time (``T`` or a blank, an hour, minutes, seconds, a fraction of up to
#: 18 digits, as pandas reads it; an hour alone has 2 digits, as pandas
#: reads it) and a UTC offset (``Z``, ``+02``, ``+0200``, ``+02:00``, after
#: a blank or none).
_ISO_SHAPE = re.compile(
    r"\d{4}(?:(?P<sep>[-/.])\d{1,2}(?P=sep)\d{1,2}|\d{4})"
    r"(?:(?P<t>[T ])(?:\d{1,2}(?P<M>:\d{1,2}(?P<S>:\d{1,2}(?P<f>\.\d{0,18})?)?)|\d{2})"
    r"(?P<z>(?P<zs> ?)(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
)


def _far_text(text: str, fmt: str | None, field: str = "date") -> InputError | None:
    """The pandas path's refusal of the text date *text* (in *fmt*, or ISO
    8601) as outside the years 1 to 9999 (``0000-08-15``, ``+10000-01-01``,
    ``15.08.0000`` in ``'%d.%m.%Y'``), quoting it, for the column *field*
    of an engine (which has no row order: no row is named); None for text
    pandas reads or refuses otherwise.

    >>> print(_far_text("+10000-01-01", None))
    'date' has dates outside the years 1 to 9999, such as '+10000-01-01': correct them (a year has 4 digits, from 0001 to 9999), or leave the cells of unknown dates empty
    >>> _far_text("2024-01-01", None) is None
    True
    """
    import pandas as pd

    from ._files import parse_date_column
    from ._validate import FAR_YEARS

    try:
        parse_date_column(pd.Series([text], dtype=object), "d", date_format=fmt)
    except InputError as err:
        if err.problem.startswith(FAR_YEARS):
            return InputError(field, err.problem, fix=err.fix)
    return None


def _iso_whole(fmt: str) -> str:
    """The regular expression (every engine's dialect) of the whole text
    (blanks around it skipped) pandas' ISO 8601 reader reads in the shape
    *fmt* that :func:`_iso_format` recognised: strptime's own pattern reads
    more (a day of ``YYYYMMDD`` of 6 or 7 digits, ``'2024061T10:00'``, read
    as 1 June; an hour alone of one digit, ``'2024-07-01 9'``), which
    pandas refuses. Fractions with and without, and an offset after a blank
    or none, are read alike, as pandas reads them.

    >>> import re
    >>> shape = _iso_whole("%Y%m%dT%H:%M")
    >>> [bool(re.search(shape, t)) for t in ("20240630T9:05", "2024061T10:00")]
    [True, False]
    >>> shape = _iso_whole("%Y-%m-%d %H%z")
    >>> [bool(re.search(shape, t)) for t in ("2024-7-1 09 +02", "2024-07-01 9Z")]
    [True, False]
    """
    digits = "[0-9]"
    if fmt.startswith("%Y%m%d"):
        out = "^" + digits + "{8}"
    else:
        sep = re.escape(fmt[2])
        out = f"^{digits}{{4}}{sep}{digits}{{1,2}}{sep}{digits}{{1,2}}"
    if "%H" in fmt:
        out += fmt[fmt.index("%H") - 1]
        if ":%M" in fmt:
            out += f"{digits}{{1,2}}:{digits}{{1,2}}"
            if ":%S" in fmt:
                out += f"(?::{digits}{{1,2}}(?:[.]{digits}{{0,18}})?)"
        else:
            out += digits + "{2}"
    if "%z" in fmt:
        out += f" ?(?:Z|[+-]{digits}{{2}}(?::?{digits}{{2}})?)"
    return out + "$"


#: The one format an engine reads ISO 8601 text dates with (no
#: ``date_format``): :func:`_iso_text` writes each in this shape first.
_ISO_MIXED = "%Y-%m-%d %H:%M:%S"
#: An ISO 8601 text date of any shape pandas reads without a
#: ``date_format`` (every engine's dialect: no back-references): a day
#: (``2024-06-30``, ``2024/6/3``, ``2024.06.30``, ``20240630``), then
#: optionally a time after ``T`` or a blank (an hour of 2 digits, hours and
#: minutes, seconds, a fraction of up to 18 digits) and a UTC offset
#: (``Z``, ``+02``, ``+0200``, ``+02:00``, after a blank or none).
_ISO_ANY = (
    "^[0-9]{4}(?:-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}"
    "|[.][0-9]{1,2}[.][0-9]{1,2}|[0-9]{4})"
    "(?:[T ](?:[0-9]{1,2}:[0-9]{1,2}(?::[0-9]{1,2}(?:[.][0-9]{0,18})?)?"
    "|[0-9]{2})"
    "(?: ?(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?))?)?$"
)


def _iso_text(text: Any, backend: str) -> tuple[Any, Any]:
    """ISO 8601 text dates *text* (blanks around them skipped) written in
    the one shape :data:`_ISO_MIXED` reads, and where they are ISO 8601 as
    pandas reads them without a ``date_format`` (:data:`_ISO_ANY`, with an
    upper-case ``T`` and ``Z``: ``'2024-06-30t10:00'`` is no date there).
    Shapes mix as pandas mixes them (``2024-01-05`` beside ``2024-01-05
    10:00:00``, ``2024/01/05T10:00Z``, ``20240105``): the offset is dropped
    (the local time written counts, as in pandas), the day written
    ``YYYY-M-D``, ``T`` made a blank, and a missing time, minutes or
    seconds made ``00``."""
    nw = _narwhals()
    ref = "$" if backend in ("polars", "pyspark") else "\\"
    valid = ~text.str.contains("[a-z]", literal=False) & text.str.contains(
        _ISO_ANY, literal=False
    )
    day = f"{ref}1-{ref}2-{ref}3"
    # (an offset only after a time: a day's '-01' is none)
    timed = text.str.contains("[T ]", literal=False)
    offset = " ?(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)$"
    text = (
        nw.when(timed)
        .then(text.str.replace_all(offset, "", literal=False))
        .otherwise(text)
    )
    text = text.str.replace_all(
        "^([0-9]{4})([0-9]{2})([0-9]{2})", day, literal=False
    ).str.replace_all("^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})", day, literal=False)
    text = text.str.replace_all("T", " ", literal=True)

    def ends(pattern: str) -> Any:
        return text.str.contains(pattern, literal=False)

    def then(tail: str) -> Any:
        return nw.concat_str([text, nw.lit(tail)])

    text = (
        nw.when(~ends(" "))
        .then(then(" 00:00:00"))
        .otherwise(
            nw.when(ends(" [0-9]{2}$"))
            .then(then(":00:00"))
            .otherwise(
                nw.when(ends(" [0-9]{1,2}:[0-9]{1,2}$"))
                .then(then(":00"))
                .otherwise(text)
            )
        )
    )
    return text, valid


def _other_shapes(lf: Any, cols: _Columns, fmt: str) -> bool:
    """Whether some text date of *lf* (blanks around it skipped) is not of
    the ISO 8601 shape *fmt* of its first dates (:func:`_iso_format`), as
    pandas reads that shape (:func:`_iso_whole`): then the column is read as
    ISO text of every shape (:func:`_iso_text`), which costs more. One pass
    over the column, counting."""
    nw = _narwhals()
    col = nw.col(cols.q(cols.date))
    text = col.str.replace_all(_ENDS_BLANK, "", literal=False)
    one = ~text.str.contains("[a-z]", literal=False) & text.str.contains(
        _iso_whole(fmt), literal=False
    )
    other = (~one & ~col.is_null()).cast(nw.Int64).sum()
    found = lf.select(other.alias("n")).collect()
    return bool(found["n"].to_list()[0] or 0)


def _iso_format(text: str) -> str | None:
    """The ``strftime`` format an engine reads the ISO 8601 text date *text*
    with, as pandas reads it without a ``date_format``; None for text of
    another shape.

    >>> _iso_format("2024-06-30"), _iso_format("2024/6/3"), _iso_format("20240630")
    ('%Y-%m-%d', '%Y/%m/%d', '%Y%m%d')
    >>> _iso_format("2024-06-30T10:00:00.5+02:00")
    '%Y-%m-%dT%H:%M:%S.%f%z'
    >>> _iso_format("2024-06-30 10:00Z"), _iso_format("30/06/2024") is None
    ('%Y-%m-%d %H:%M%z', True)
    """
    m = _ISO_SHAPE.fullmatch(text)
    if m is None:
        return None
    sep = m["sep"] or ""
    fmt = f"%Y{sep}%m{sep}%d"
    if m["t"] is not None:
        fmt += m["t"] + "%H"
        fmt += ":%M" if m["M"] else ""
        fmt += ":%S" if m["S"] else ""
        fmt += ".%f" if m["f"] else ""
        fmt += m["zs"] + "%z" if m["z"] else ""
    return fmt


#: A UTC offset at the end of a text date, as ``%z`` reads it.
#: (hours 00 to 23, minutes and seconds 00 to 59, with colons or without:
#: ``+2400``, ``+0160`` and ``+0100:30`` are refused, as pandas refuses them)
_OFFSET = (
    r"(?:[+-](?:[01][0-9]|2[0-3])(?:(?::[0-5][0-9]){1,2}|(?:[0-5][0-9]){1,2})?|Z)$"
)
#: The UTC offset of ISO 8601 text, as pandas reads it without a
#: ``date_format``: no seconds.
_ISO_OFFSET = r"(?:[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?|Z)$"
#: Days from a date in 1969-1999 to the same date a century later (both
#: sides hold 25 leap days).
_CENTURY_DAYS = 36525


def _date_expr(cols: _Columns, fmt: str | None) -> Any:
    """The date column as a naive datetime (or date) expression; null where
    a value is not a date of *fmt* (counted as such by the first pass)."""
    nw = _narwhals()
    col = nw.col(cols.q(cols.date))
    if cols.parsed is not None:  # Spark: parsed by _spark_dates, checked there
        parsed = nw.col(cols.parsed).cast(nw.Datetime("us"))
        parsed = _two_digit_years(parsed, fmt or "%Y%m%d")
        return _whole(col, cols.date_kind, parsed)
    if cols.date_kind == "str":
        return _text_dates(col, cols, fmt or "%Y-%m-%d")
    if cols.date_kind in ("int", "float"):
        parsed = (
            _number_text(col, cols, fmt or "%Y%m%d")
            .str.to_datetime(fmt or "%Y%m%d")
            .cast(nw.Datetime("us"))
        )
        return _whole(col, cols.date_kind, _two_digit_years(parsed, fmt or "%Y%m%d"))
    if cols.date_kind == "datetime" and cols.time_zone is not None:
        return col.dt.replace_time_zone(None)  # local wall-clock time
    return col


def _number_text(col: Any, cols: _Columns, fmt: str) -> Any:
    """``YYYYMMDD`` numbers (or numbers in *fmt*) as text; null for a float
    that is not whole (engines would truncate or round it into a date).

    In a given ``date_format`` of digits only, each of a fixed width
    (``'%d%m%Y'``), the number is zero-padded to the format's width, as the
    pandas path pads it: 02012024 was stored as the number 2012024, whose
    digits ``%d%m%Y`` would pair anew (Dask: 20 January) or refuse (the
    other engines). Without a ``date_format`` nothing is padded, and a
    number that is not 8 digits (below 10000000, negative or longer) is
    null, no date, as the pandas path refuses it
    (:func:`custseg._files._numeric_dates`): 240101 is not read as the
    year 24, nor 2024011 as 1 January 2024."""
    from ._files import _digit_width

    nw = _narwhals()
    if cols.date_kind == "float":
        # a day of *fmt* stands in for the others (missing, NaN, not whole:
        # then null, by _whole): one the format cannot read (19700101 in
        # '%d%m%Y') made the engine's parser refuse the whole column
        stand_in = nw.lit(float(_stand_in(fmt)))
        col = nw.when(_whole_number(col)).then(col).otherwise(stand_in)
    text = col.cast(nw.Int64).cast(nw.String)
    if cols.date_format is None:
        eight = (text.str.len_chars() == 8) & ~text.str.starts_with("-")
        return nw.when(eight).then(text)
    width = _digit_width(fmt)
    return text if width is None else text.str.zfill(width)


def _missing_date(cols: _Columns) -> Any:
    """Where the date is missing: null, or NaN in a column of float dates
    (Polars holds NaN apart from null), as the pandas path reads NaN."""
    col = _narwhals().col(cols.q(cols.date))
    return col.is_null() | col.is_nan() if cols.date_kind == "float" else col.is_null()


def _whole(col: Any, kind: str, parsed: Any) -> Any:
    """*parsed* where the number *col* is whole (null elsewhere)."""
    return (
        parsed if kind != "float" else _narwhals().when(_whole_number(col)).then(parsed)
    )


def _whole_number(col: Any) -> Any:
    """Where the float *col* is a whole number: not NaN (which Polars holds
    equal to itself, and so to its rounding), not null, not a fraction."""
    return (col == col.round()) & ~col.is_nan()


def _stand_in(fmt: str) -> int:
    """A number the all-digit *fmt* reads as a day (1 January 2000 written
    in it), to stand in for the float dates that are none before they are
    parsed; ``20000101`` for other formats, which no number matches.

    >>> _stand_in("%d%m%Y"), _stand_in("%Y%j"), _stand_in("%d/%m/%Y")
    (1012000, 2000001, 20000101)
    """
    import datetime as dt

    text = dt.datetime(2000, 1, 1).strftime(fmt)
    return int(text) if text.isascii() and text.isdigit() else 20000101


def _text_dates(col: Any, cols: _Columns, fmt: str) -> Any:
    """Text dates parsed alike by every engine, as custseg parses them in
    pandas: blanks around a date are skipped (padded exports), with or
    without a given *date_format*; a ``%z``
    offset at the end gives the written local time (engines would convert
    to UTC); ``%y`` puts 69-99 in 1969-1999 (Polars and Spark put some in
    2069-2099); ``%Y`` takes 4 digits, as Python's (engines read ``24-03-01``
    as the year 24: a year before 1000 must be written with its zeros);
    only ASCII text (and the format's own) is a date, as in the core (not
    ``２０２４-01-06``).
    (Spark's are parsed by :func:`_spark_dates`.)"""
    nw = _narwhals()
    text, valid, fmt = _text_parts(col, cols, fmt)
    if cols.backend in ("duckdb", "polars") and _hour_without_half(fmt):
        # Python reads %I without %p as a morning hour (12:30 is 00:30);
        # DuckDB reads it as %H, Polars refuses it: the morning said
        text = nw.concat_str([text, nw.lit(" AM")])
        fmt += " %p"
    codes = set(re.findall(r"%.", fmt.replace("%%", "")))
    if cols.backend == "polars" and codes & {"%H", "%I"} and "%M" not in codes:
        # Polars (chrono) refuses an hour without minutes ('2024-06-30T10',
        # which Python and pandas read): the minute 00 said
        text = nw.concat_str([text, nw.lit(" 00")])
        fmt += " %M"
    micro = None
    if cols.backend == "pyarrow" and _ends_in_fraction(fmt):
        # Arrow's strptime has no %f: the fraction (1 to 6 digits, checked
        # by _text_parts) is read apart, as microseconds, and added
        digits = text.str.replace_all(r"^.*\.", "", literal=False).str.replace_all(
            "[^0-9]", "", literal=False
        )
        micro = nw.concat_str([digits, nw.lit("000000")]).str.slice(0, 6).cast(nw.Int64)
        text = text.str.replace_all(r"\.[^.]*$", "", literal=False)
        fmt = fmt[:-3]
    parsed = _two_digit_years(text.str.to_datetime(fmt).cast(nw.Datetime("us")), fmt)
    if micro is not None:
        parsed = parsed + micro.cast(nw.Duration("us"))
    # ASCII only (and the format's own text: "%Y年%m月%d日"), as the core
    # reads dates: pandas (so Dask) parses full-width and other digits
    # ("２０２４-01-06") as the year 2024
    from ._files import foreign_text

    plain = ~text.str.contains(foreign_text(fmt), literal=False)
    valid = plain if valid is None else valid & plain
    return nw.when(valid).then(parsed)


#: directives whose text holds no blank (the locale's %c, %x and %X do)
_NO_BLANK_CODES = frozenset(f"%{c}" for c in "YymdHIMSfjbBpaA%")


def _hour_without_half(fmt: str) -> bool:
    """Whether *fmt* has ``%I`` (a 12-hour clock) without ``%p``.

    >>> _hour_without_half("%d/%m/%Y %I:%M"), _hour_without_half("%I:%M %p")
    (True, False)
    """
    codes = re.findall(r"%.", fmt)
    return "%I" in codes and "%p" not in codes


def _strptime_shape(fmt: str) -> str | None:
    """The regular expression of the whole text Python's strptime reads
    with *fmt* (case-insensitive; groups without names, as every engine's
    dialect writes them); None for a format it cannot read. Engines read
    more: ``%Y`` of 1 to 4 digits (``24-03-01`` the year 24), a month or a
    minute after a blank (``2024- 6-03``), which pandas refuses.

    >>> import re
    >>> shape = _strptime_shape("%Y-%m-%d")
    >>> [bool(re.search(shape, t)) for t in ("2024-06-03", "24-06-03", "2024- 6-03")]
    [True, False, False]
    """
    from ._files import strptime_pattern

    pattern = strptime_pattern(fmt)
    if pattern is None:
        return None
    return "(?i)^(?:" + _java_regex(pattern) + ")$"


#: Blanks at either end of a text, as Python's ``str.strip`` (the core's)
#: sees them (U+3000, U+00A0 too), written as the characters themselves:
#: DuckDB's and Arrow's ``\s`` (RE2) are ASCII only, and the engines'
#: regular expressions write other escapes differently
_BLANKS = "".join(map(chr, WHITESPACE))
_ENDS_BLANK = f"^[{_BLANKS}]+|[{_BLANKS}]+$"


def _short_digits(text: Any, fmt: str) -> Any:
    """Where the text dates *text* (blanks around them skipped) are digits
    alone of another count than the all-digit *fmt* has (``'2012024'`` in
    ``'%d%m%Y'``): no date, whose digits every parser pairs its own way,
    as the pandas path refuses it (:func:`custseg._files.width_refusal`);
    None for a format that is not digits alone."""
    from ._files import _digit_width

    width = _digit_width(fmt)
    if width is None:
        return None
    return text.str.contains("^[0-9]+$", literal=False) & (
        text.str.len_chars() != width
    )


def _ends_in_fraction(fmt: str) -> bool:
    """Whether *fmt* ends with ``.%f`` and has no other ``%f``.

    >>> _ends_in_fraction("%H:%M:%S.%f"), _ends_in_fraction("%S%f")
    (True, False)
    >>> _ends_in_fraction("%S.%f%z"), _ends_in_fraction("%f.%S.%f")
    (False, False)
    """
    head = fmt[:-3]
    return (
        fmt.endswith(".%f")
        and "%f" not in head.replace("%%", "")
        and not (len(head) - len(head.rstrip("%"))) % 2
    )


def _text_parts(col: Any, cols: _Columns, fmt: str) -> tuple[Any, Any, str]:
    """The text dates *col* made ready for the engine's parser: the text
    (blanks around it skipped, a ``%z`` offset at the end dropped), where
    it can be a date (None: anywhere; the offset's shape, no leap second,
    Polars' fraction) and the format left to parse it with (blanks at its
    ends were dropped by :func:`~custseg._files.check_date_format`)."""
    nw = _narwhals()
    valid = None
    # (replace_all: DuckDB has no replace)
    text = col.str.replace_all(_ENDS_BLANK, "", literal=False)
    offset = _OFFSET
    if cols.iso_mixed:
        # ISO text of several shapes (see _other_shapes): every shape pandas
        # reads, mixed as pandas reads them, written in the one shape
        # _ISO_MIXED reads
        text, valid = _iso_text(text, cols.backend)
    elif cols.date_format is None:
        # ISO text of one shape, recognised by _iso_format: read as pandas
        # reads ISO text, with an upper-case T and Z ('2024-06-30t10:00' is
        # no date there; the engines' parsers and strptime ignore case),
        # and an offset without seconds
        valid = ~text.str.contains("[a-z]", literal=False) & text.str.contains(
            _iso_whole(fmt), literal=False
        )
        # an offset after a blank or none, as pandas reads it beside the
        # other ('10:00:00+02:00', '10:00:00.5 +02:00')
        offset = " ?" + _ISO_OFFSET
    for zone in ("%z", "%:z"):
        if zone in fmt:
            if not fmt.endswith(zone):
                raise InputError(
                    "date_format",
                    f"has {zone} before its end ({fmt!r}), which custseg reads "
                    "in an engine only at the end of the format",
                    fix=f"move {zone} to the end of the format, or cast the "
                    "column to a timestamp in the engine",
                )
            # the offset is checked and dropped: the days are counted in the
            # local time written, as pandas counts them
            zoned = text.str.contains(offset, literal=False)
            valid = zoned if valid is None else valid & zoned
            text = text.str.replace_all(offset, "", literal=False)
            fmt = fmt[: -len(zone)]
            if cols.date_format is None:
                fmt = fmt.rstrip(" ")  # the blank went with the offset
            break
    if cols.date_format is None and (fmt.endswith(":%S") or _ends_in_fraction(fmt)):
        # ISO times with and without a fraction in one column, as Python's
        # isoformat() writes them (no fraction when it is 0), which pandas
        # reads alike: read with one, '.0' where none is written
        dotted = text.str.contains(r"\.[0-9]*$", literal=False)
        text = nw.when(dotted).then(text).otherwise(nw.concat_str([text, nw.lit(".0")]))
        fmt = fmt if _ends_in_fraction(fmt) else fmt + ".%f"
    if _ends_in_fraction(fmt):
        # pandas reads a fraction of 0 to 18 digits ('10:00:00.' is 10:00,
        # '.123456789' to the nanosecond), strptime and the engines 1 to 6:
        # read as pandas reads it, to the microsecond, as custseg reads
        # every time ('.123456789' is .123456)
        text = text.str.replace_all(r"\.$", ".0", literal=False)
        ref = "$1" if cols.backend in ("polars", "pyspark") else "\\1"
        text = text.str.replace_all(r"(\.[0-9]{6})[0-9]{1,12}$", ref, literal=False)
    from ._files import leap_second_pattern

    leap = leap_second_pattern(fmt)
    if leap is not None:  # engines read 23:59:60 as the next day, pandas refuses it
        # the whole text (the offset dropped) read with a second of 60 or
        # 61: not a prefix of it (20200219061600 read 06:1:60 and a 0 left)
        ok = ~text.str.contains(leap + "$", literal=False)
        valid = ok if valid is None else valid & ok
    shape = _strptime_shape(fmt)
    if shape is not None:
        fits = text.str.contains(shape, literal=False)
        valid = fits if valid is None else valid & fits
        codes = set(re.findall(r"%.", fmt))
        plain = codes <= _NO_BLANK_CODES  # no directive reads a blank itself
        if (
            "%d" in codes
            and plain
            and not any(c.isspace() for c in re.sub(r"%.", "", fmt))
        ):
            # the one blank Python reads inside a date: before a one-digit
            # day ("2024-06- 3"); the format has no other, the engines none
            text = text.str.replace_all(" ", "", literal=True)
        elif cols.backend == "pyarrow" and plain:
            # a blank of the format reads any run of blanks in Python's
            # strptime ("2024-06-01  10:00" in "%Y-%m-%d %H:%M"), and in
            # Polars, DuckDB and Dask; Arrow's reads the one written
            text = text.str.replace_all(f"[{_BLANKS}]+", " ", literal=False)
            fmt = re.sub(r"\s+", " ", fmt)
    short = _short_digits(text, fmt)
    if short is not None:
        # digits alone of another count than an all-digit format's
        # ('2012024' in '%d%m%Y'): no date, as the pandas path says
        # (Polars and DuckDB read 20 December of the year 24, Dask 20
        # January 2024)
        valid = ~short if valid is None else valid & ~short
    fmt, fraction = _fraction_format(fmt, cols.backend, cols.date_format or fmt)
    if fraction is not None:
        fits = text.str.contains(fraction, literal=False)
        valid = fits if valid is None else valid & fits
    return text, valid, fmt


#: Python's strptime directives as Spark datetime pattern letters: numbers
#: with one letter (1 or 2 digits, as strptime reads them) when no number
#: directive touches them, two (or three) when one does (``%Y%m%d``); a
#: fraction of 1 to 6 digits; month names short and full; ``%p`` AM or PM.
_SPARK_LETTERS = {
    "Y": "yyyy",
    "y": "yy",
    "m": "M",
    "d": "d",
    "H": "H",
    "I": "h",
    "M": "m",
    "S": "s",
    "j": "D",
    "f": "SSSSSS",
    "p": "a",
    "b": "MMM",
    "B": "MMMM",
}
#: the directives written in digits
_SPARK_NUMBERS = frozenset("YymdHIMSjf")
#: what a quote of a format's literal text is written as, in the text and
#: in the Spark pattern (:func:`_spark_format`)
_SPARK_QUOTE = "_"
#: weekday names, which Spark parses in no pattern ('E' only formats) and
#: strptime only checks: matched as strptime matches them, then dropped
_SPARK_DROPPED = frozenset("aA")


def _spark_format(fmt: str, given: str) -> tuple[str, str, str]:
    """A ``strftime`` *fmt* (without ``%z``) for Spark: the Spark datetime
    pattern, a Java regular expression of the text Python's strptime reads
    with *fmt* (case-insensitive, whole text; groups for what is kept) and
    the replacement that writes that text as the pattern reads it (the
    literals of *fmt* as written, weekday names dropped). InputError naming
    a directive Spark's parser cannot read (*given*: the format as the
    user wrote it, for the message).

    Each run of literal text (``%%`` included) is quoted once: ``' '' '``
    would read as a quote between blanks (Java's pattern writes a quote
    ``''``), so a literal on each side of a dropped weekday (``%d (%a)``)
    is one run. Only number directives are given a fixed width beside
    another number (``%Y%m%d``: Spark reads a one-letter number greedily;
    ``aa`` is no pattern). ``%p`` without ``%I`` is checked and dropped as
    a weekday is: strptime ignores it (``%H`` reads the hour), Spark would
    refuse ``22 PM`` and ``10 PM`` as hours of the morning. A quote of
    the literal text is written as ``_`` in the replacement and the
    pattern alike: Spark parses by splitting its pattern at every quote,
    where Java's ``''`` (one quote) is read as two or three.

    >>> pattern, regex, repl = _spark_format("%A %d %B %Y, %H.%M", "")
    >>> pattern, repl
    ("' 'd' 'MMMM' 'yyyy', 'H'.'m", ' $1 $2 $3, $4.$5')
    >>> _spark_format("%d/%m/%Y (%a) %I:%M%p %%", "")[0]
    "d'/'M'/'yyyy' () 'h':'ma' %'"
    >>> pattern, regex, repl = _spark_format("%Y'%m'%d %H:%M:%S.%f", "")
    >>> pattern, repl
    ("yyyy'_'M'_'d' 'H':'m':'s'.'SSSSSS", '$1_$2_$3 $4:$5:$6.$7')
    """
    from ._files import strptime_pattern

    tokens = re.findall(r"%.|[^%]+", fmt)
    dropped = set(_SPARK_DROPPED) if "%I" in tokens else {*_SPARK_DROPPED, "p"}
    kept = [t for t in tokens if t[0] != "%" or t[1:] not in dropped]

    def number(i: int) -> bool:
        return 0 <= i < len(kept) and kept[i][0] == "%" and kept[i][1] in _SPARK_NUMBERS

    pattern, regex, repl = [], ["(?i)^"], []
    literal = ""  # the run of literal text not yet written to the pattern
    group = 0
    for token in tokens:
        if token == "%%" or token[0] != "%":
            text = "%" if token == "%%" else token
            # a quote is written as _ in the text and the pattern alike:
            # Spark parses (with its fraction of 1 to 6 digits) by
            # splitting the pattern at every quote, so the Java way of
            # writing one ('' inside or beside a quoted run) reads as two
            # or three quotes there ("%Y'%m'%d ... %f")
            text = text.replace("'", _SPARK_QUOTE)
            literal += text
            regex.append("(?:" + _java_regex(strptime_pattern(token)) + ")")
            repl.append(re.sub(r"([\\$])", r"\\\1", text))
            continue
        code = token[1]
        if code in dropped:
            regex.append("(?:" + _java_regex(strptime_pattern(token)) + ")")
            continue
        if code not in _SPARK_LETTERS:
            raise InputError(
                "date_format",
                f"has {token} ({given!r}), which Spark's date parser cannot "
                "read (custseg reads %Y %y %m %d %H %I %M %S %f %p %j %b %B, "
                "%a and %A, and %z at the end, in Spark)",
                fix="cast the column to a timestamp in Spark first "
                "(F.to_timestamp with a Spark datetime pattern), or pass the "
                "data as a pandas, Polars or DuckDB frame",
            )
        if literal:
            pattern.append("'" + literal + "'")
            literal = ""
        letters = _SPARK_LETTERS[code]
        i = kept.index(token)
        if (
            len(letters) == 1
            and code in _SPARK_NUMBERS
            and (number(i - 1) or number(i + 1))
        ):
            letters *= 3 if code == "j" else 2  # fixed widths between numbers
        pattern.append(letters)
        group += 1
        regex.append("(" + _java_regex(strptime_pattern(token)) + ")")
        repl.append(f"${group}")
    if literal:
        pattern.append("'" + literal + "'")
    regex.append("$")
    return "".join(pattern), "".join(regex), "".join(repl)


def _year_zero_text(text: Any, fmt: str) -> Any | None:
    """Where the text dates *text* (made ready by :func:`_text_parts`) are
    dates of *fmt* (what is left of the format) in the year 0
    (``15.08.0000`` in ``'%d.%m.%Y'``); None for a format without ``%Y``."""
    from ._files import year_zero_pattern

    # (Polars' '%.f' is Python's '.%f', see _fraction_format)
    zero = year_zero_pattern(fmt.replace("%.f", ".%f"))
    if zero is None:
        return None
    return text.str.contains("(?i)^(?:" + _java_regex(zero) + ")$", literal=False)


def _java_regex(pattern: str | None) -> str:
    """A strptime regular expression (:func:`custseg._files.strptime_pattern`)
    in Java's dialect: named groups made plain groups without a name."""
    if pattern is None:  # pragma: no cover - checked by check_date_format
        raise InputError(
            "date_format",
            "cannot be read by Python's strptime",
            fix="use strftime codes, e.g. '%d/%m/%Y'",
        )
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _spark_dates(lf: Any, cols: _Columns, fmt: str) -> tuple[Any, _Columns]:
    """*lf* with the text (or ``YYYYMMDD`` number) dates parsed by Spark
    into a column of their own (its name in :attr:`_Columns.parsed`; null
    where a value is not a date of *fmt*).

    narwhals' translation of ``strftime`` formats for Spark reads ``%f`` as
    one digit, ``%A`` as an abbreviated name, has no ``%b`` nor ``%B``,
    leaves letters of the format's literal text unquoted and replaces every
    ``T`` of the data (``Tuesday``) with a blank. Here the text must match
    the pattern of Python's strptime (case-insensitive, as it reads), is
    written as a Spark pattern reads it (:func:`_spark_format`: the
    format's literals as written, weekday names, which Spark cannot parse
    and strptime only checks, dropped) and parsed with that pattern; only
    matching text is parsed (so Spark's ANSI mode, which raises on text
    that does not parse, raises for impossible days only: 2024-02-30)."""
    from pyspark.sql import functions as F

    nw = _narwhals()
    col = nw.col(cols.q(cols.date))
    if cols.date_kind == "str":
        text, valid, rest = _text_parts(col, cols, fmt)
    else:
        text, valid, rest = _number_text(col, cols, fmt), None, fmt
    pattern, regex, repl = _spark_format(rest, cols.date_format or fmt)
    shape = text.str.contains(regex, literal=False)
    valid = shape if valid is None else valid & shape
    zero = _year_zero_text(text, rest) if cols.date_kind == "str" else None
    if zero is not None:
        # the year 0 ('0000-08-15'), which Spark's parser refuses with an
        # error of its own: no date here, named as outside the years 1 to
        # 9999 by _date_refusal, as pandas names it
        valid = valid & ~zero
    taken = set(lf.collect_schema())
    names = []
    for base in ("_custseg_text", "_custseg_ok", "_custseg_parsed"):
        while base in taken:
            base += "_"
        taken.add(base)
        names.append(base)
    text_name, ok_name, parsed_name = names
    native = lf.with_columns(
        text.str.replace_all(regex, repl, literal=False).alias(text_name),
        valid.alias(ok_name),
    ).to_native()
    parsed = F.when(
        F.col(ok_name), F.to_timestamp_ntz(F.col(text_name), F.lit(pattern))
    )
    native = native.withColumn(parsed_name, parsed).drop(text_name, ok_name)
    frame, _ = _lazy(native)
    return frame, attrs.evolve(cols, parsed=parsed_name)


#: The fraction Python's ``.%f`` reads at the end of a text date: a dot
#: and 1 to 6 digits.
_FRACTION = r"\.[0-9]{1,6}$"


def _fraction_format(fmt: str, backend: str, given: str) -> tuple[str, str | None]:
    """*fmt* for *backend*'s parser where ``%f`` (fractional seconds) needs
    a change, with a pattern the text must match (or None); InputError
    where the engine cannot read ``%f`` as Python's strptime does (*given*:
    the format as the user wrote it, for the message).

    Polars (chrono) reads ``%f`` as a whole number of nanoseconds ('.5' is
    5 ns): a ``.%f`` at the end becomes chrono's ``%.f`` (a fraction of a
    second), and the text must end in a dot and 1 to 6 digits, as Python
    requires. Arrow's strptime has no ``%f`` at all.
    """
    if "%f" not in fmt.replace("%%", ""):
        return fmt, None
    if backend == "pyarrow":
        if not _ends_in_fraction(fmt):
            raise InputError(
                "date_format",
                f"has %f ({given!r}) where custseg cannot read it in PyArrow: "
                "Arrow's strptime has no %f (fractional seconds), and custseg "
                "reads %f there only as '.%f' at the end of the format (before "
                "any %z)",
                fix="end the format with '.%f' (e.g. '%Y-%m-%d %H:%M:%S.%f'), "
                "cast the column to timestamps first (e.g. with "
                "pyarrow.compute.cast or pandas.to_datetime), or pass the data "
                "as a pandas, Polars or DuckDB frame",
            )
        # read apart from the rest (_text_dates), as a number of microseconds
        return fmt, _FRACTION
    if backend == "polars":
        head = fmt[:-3]
        if not _ends_in_fraction(fmt):
            raise InputError(
                "date_format",
                f"has %f ({given!r}) where custseg cannot read it in Polars: "
                "Polars reads %f as a whole number of nanoseconds ('.5' as "
                "5 ns), and custseg translates %f only as '.%f' at the end "
                "of the format (before any %z)",
                fix="end the format with '.%f' (e.g. '%Y-%m-%d %H:%M:%S.%f'), "
                "cast the column to timestamps first, or pass the data as a "
                "pandas or DuckDB frame",
            )
        return head + "%.f", _FRACTION
    return fmt, None


def _two_digit_years(parsed: Any, fmt: str) -> Any:
    """*parsed* with Python's century for ``%y`` (69-99 are 1969-1999):
    Polars reads '69' as 2069 and Spark 70-99 as 2070-2099."""
    import datetime as dt

    nw = _narwhals()
    if "%y" not in fmt.replace("%%", "") or "%Y" in fmt:
        return parsed
    back = parsed - nw.lit(dt.timedelta(days=_CENTURY_DAYS))
    return nw.when(parsed.dt.year() >= 2069).then(back).otherwise(parsed)


#: 9999-12-31 in days since 1970: no engine date (nor Python's) is later
_LAST_DAY = int(np.datetime64("9999-12-31", "D").astype(np.int64))
#: 0001-01-01, Python's first date, in days since 1970
_FIRST_DAY = int(np.datetime64("0001-01-01", "D").astype(np.int64))
#: Nanoseconds in a day: the ticks of a nanosecond column (int64) hold
#: the midnights of 1677-09-22 to 2262-04-11
_NS_DAY = 86_400 * 10**9


def _literal_days(cols: _Columns) -> tuple[int, int]:
    """The first and last day (days since 1970) whose midnight is a value of
    the naive date expression ``_d`` of *cols*: for a nanosecond column,
    those its int64 ticks hold (1677-09-22 to 2262-04-11: an engine refuses
    a literal outside them, ``Casting from timestamp[us] to timestamp[ns]
    would result in out of bounds timestamp``, ``Could not convert
    Timestamp to higher precision``); else Python's years 1 to 9999.

    >>> cols = _Columns("c", "d", "a", "str", "datetime", "float", None, None, "ns")
    >>> [str(np.datetime64(day, "D")) for day in _literal_days(cols)]
    ['1677-09-22', '2262-04-11']
    """
    if cols.date_kind == "datetime" and cols.date_unit == "ns":
        return -(2**63 // _NS_DAY), (2**63 - 1) // _NS_DAY
    return _FIRST_DAY, _LAST_DAY


def _day_literal(day: int, date_kind: str) -> Any:
    """Midnight of *day* (days since 1970) as a Python date or datetime, the
    type the date column compares with."""
    import datetime as dt

    value = np.datetime64(day, "D").item()
    if date_kind == "date":
        return value
    return dt.datetime.combine(value, dt.time())


def _before_day(d: Any, day: int, cols: _Columns, *, after: bool = False) -> Any:
    """Whether the dates *d* (the naive ``_d`` expression) fall before
    midnight of *day* (days since 1970), or with *after* on or after it
    (not the negation: a missing date is neither, in pandas-backed engines
    too): compared with a literal of their own type. On Spark timestamps
    the literal is the text of midnight cast in the engine: a Python
    datetime is a Spark ``TIMESTAMP`` literal read in the *driver's* zone,
    and the wall-clock ``_d`` is compared with it in the *session's*, so
    where the two zones differ the cut moved by their offsets (rows after
    as_of kept, rows of the as_of day dropped); text cast in the engine is
    read in the session's zone, as ``_d`` is. (Day numbers need no zone
    either, but their arithmetic, repeated in the checks, made each Spark
    query plan several times slower to build.)

    A *day* whose midnight the column's type cannot hold
    (:func:`_literal_days`: after 9999-12-31, or a nanosecond column's
    2262-04-11, or before its 1677-09-22) is no literal of it: every date
    is before a day after the last one, and on or after a day before the
    first (a column, not a literal)."""
    first, last = _literal_days(cols)
    if not first <= day <= last:
        known = ~d.is_null()
        return known if (day > last) != after else known & ~known
    if cols.backend == "pyspark" and cols.date_kind != "date":
        midnight = f"{np.datetime64(day, 'D')} 00:00:00"
        left, right = d, _narwhals().lit(midnight).cast(_narwhals().Datetime("us"))
    else:
        left, right = d, _narwhals().lit(_day_literal(day, cols.date_kind))
    return left >= right if after else left < right


def _purchase(amount: Any, zero_amount: str) -> Any:
    return amount > 0 if zero_amount == "ignore" else amount >= 0


# --------------------------------------------------------------------------
# the facts in the engine


@attrs.frozen(eq=False)
class EngineFacts:
    """The per-customer facts still in the engine (see :func:`engine_facts`).

    Attributes
    ----------
    frame
        A narwhals LazyFrame, one row per customer (in no particular order):
        the customer column (named as in the input, its type unchanged but
        for a collation: a collated text column, DuckDB ``COLLATE NOCASE``
        or Spark ``UTF8_LCASE``, comes back as plain text, its ids compared
        byte for byte, as docs/engines.md says),
        ``frequency`` (Int64), ``monetary`` (Float64), ``first_purchase``,
        ``last_purchase`` (naive datetimes or dates; null for no purchase),
        ``recency_days`` and ``tenure_days`` (Float64 whole days to
        ``as_of``; null for no purchase) and ``n_rows`` (Int64, the customer's
        transactions).
    as_of
        The reference day (``datetime64[D]``).
    n_rows
        Transactions used.
    n_dropped
        Transactions dropped as later than ``as_of``.
    unit
        The NumPy unit the dates are collected in (``"us"``, ``"s"``, ...).
    customer
        The name of the customer column.
    int_amounts
        Whether the amounts are integers (their sums are exact below 2**53).
    amount
        The name of the amount column (for messages).
    limbs
        For float amounts that are not all decimals of one scale of few
        places: the plan ``(p, w, k)`` of :func:`_engine_limb_plan`
        their binary sums were computed with, and ``frame`` then also has
        the exact limb sums ``_monetary_0`` ... ``_monetary_{k-1}`` (Float64
        whole numbers), which :func:`collect_facts` rounds once; None
        otherwise.
    sums
        How the amounts were summed (private). When the amounts are not all
        decimals of one scale, ``frame`` also has, per customer, the
        largest decimal scale its amounts need (``_monetary_scale``) and
        its sums at each scale (``_monetary_t0``, ``_monetary_m0``, ...),
        from which :func:`collect_facts` takes each customer's decimal sum
        or binary sum, as :func:`~custseg.summarize` does.
    orders
        Whether the rows were order lines collapsed into orders in the
        engine (``order=`` of the frame functions): ``n_rows`` then counts
        the lines used, and :func:`collect_facts` counts the orders (the
        sum of ``frame``'s ``n_rows``).
    text_ints
        Whether ``frame``'s customer ids are the text of integers (a Dask
        object column of Python integers beyond 64 bits, which no Dask
        integer type holds): :func:`collect_facts` makes them integers
        again, sorted as numbers.
    """

    frame: Any
    as_of: np.datetime64
    n_rows: int
    n_dropped: int
    unit: str
    customer: str
    int_amounts: bool = False
    amount: str = "amount"
    limbs: tuple[int, int, int] | None = None
    sums: _SumPlan = attrs.field(factory=lambda: _SumPlan(), repr=False)
    orders: bool = False
    text_ints: bool = False


def engine_facts(
    transactions: Any,
    *,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable = "amount",
    as_of: Any = None,
    frequency: str = "transactions",
    zero_amount: str = "purchase",
    after_as_of: str = "raise",
    date_format: str | None = None,
    order: Hashable | None = None,
) -> EngineFacts:
    """The facts of :func:`~custseg.summarize`, computed in the engine.

    *transactions* is any frame narwhals reads (Polars eager or lazy,
    PyArrow, DuckDB, Dask, PySpark). Two aggregate passes run in the engine:
    one over the whole table (row count, NULL ids, dates and amounts, NaN
    and infinite amounts, the latest date and the rows after ``as_of``) and
    the group-by per customer; nothing else is read. The definitions are
    those of :func:`~custseg.summarize`: negative amounts are refunds
    (in ``monetary``, not purchases), ``zero_amount``, ``frequency="days"``
    (distinct calendar days with a purchase), ``as_of`` (default: the day
    after the last transaction) and ``after_as_of`` (``"raise"`` or
    ``"drop"``).

    Parameters
    ----------
    transactions
        One row per transaction, in any engine narwhals reads.
    customer, date, amount
        Column names. Ids are integers, text or dates (categoricals are read as
        their categories' values; text ids are compared byte for byte,
        whatever the engine's collation); dates are timestamps (time-zone-aware ones count in their
        local time), dates, ISO 8601 text or ``YYYYMMDD`` numbers (integers,
        floats or decimals), or text in *date_format*; amounts are numbers
        (refunds negative). Categorical dates and amounts are read as their
        categories' values.
    as_of, frequency, zero_amount, after_as_of
        As for :func:`~custseg.summarize`.
    date_format
        A ``strftime`` format for text dates (default: recognised from the
        first value among ISO 8601 dates, ``YYYY-MM-DD HH:MM[:SS]`` and
        ``YYYYMMDD``).
    order
        Order id column, when the rows are order lines: a customer's lines
        sharing an order id are one transaction, collapsed in the engine as
        ``order_id=`` of :func:`~custseg.summarize` collapses them
        (``.n_rows`` then counts the lines used, and the facts of
        :func:`collect_facts` the orders).

    Returns
    -------
    EngineFacts
        ``.frame`` is a narwhals LazyFrame, one row per customer, still in
        the engine (nothing of it is collected); ``.as_of``, ``.n_rows``,
        ``.n_dropped`` come from the first pass. :func:`collect_facts`
        collects it as a :class:`~custseg.CustomerFacts`.

    Raises
    ------
    InputError
        A missing column, ids that are booleans or nested values, dates that
        are not dates (or text that does not parse, or float ``YYYYMMDD``
        numbers that are not whole), dates outside the years 1 to 9999 or
        infinite (DuckDB) unless dropped as after ``as_of``, amounts that
        are not numbers, NULL ids, dates or amounts, NaN or infinite
        amounts, or transactions after ``as_of`` (with
        ``after_as_of="raise"``).

    Notes
    -----
    Each customer is summed from its own amounts, as
    :func:`~custseg.summarize` sums it: decimal amounts of few places
    (cents; up to 8 places) as integers of their last place, divided once
    (the correctly rounded decimal sum), other float amounts (``1/3``, many
    digits, ``1e16`` with refunds) exactly as limbs of whole numbers
    (:attr:`EngineFacts.limbs`), which :func:`collect_facts` rounds once
    (the correctly rounded binary sum). When one decimal scale fits every
    amount, that is one column of the group-by; otherwise the group-by
    also keeps, per customer, its sums at each decimal scale and the
    largest scale its amounts need, and :func:`collect_facts` picks the
    decimal sum for a customer whose amounts are all decimals (``0.1 +
    0.2`` is ``0.3`` beside another customer's ``10/3``). Either way
    ``monetary`` is the core's bit for bit, in any row order; the frame's
    own ``monetary`` is exact for decimal customers and else the same in
    any row order, within a unit in the last place. Amounts spanning more
    binary places than the limbs hold (``1e300`` beside ``1e-300``) keep
    the engine's float sum, which can depend on the row order in the last
    bit.

    Examples
    --------
    >>> import polars as pl
    >>> tx = pl.DataFrame({"customer_id": ["a", "b", "a"],
    ...                    "date": ["2024-01-01", "2024-01-05", "2024-01-09"],
    ...                    "amount": [10.0, 5.0, -2.0]})
    >>> ef = engine_facts(tx)
    >>> ef.as_of, ef.n_rows
    (np.datetime64('2024-01-10'), 3)
    >>> ef.frame.sort("customer_id").select("customer_id", "frequency",
    ...     "monetary", "recency_days").collect().to_native()
    shape: (2, 4)
    ┌─────────────┬───────────┬──────────┬──────────────┐
    │ customer_id ┆ frequency ┆ monetary ┆ recency_days │
    │ ---         ┆ ---       ┆ ---      ┆ ---          │
    │ str         ┆ i64       ┆ f64      ┆ f64          │
    ╞═════════════╪═══════════╪══════════╪══════════════╡
    │ a           ┆ 1         ┆ 8.0      ┆ 9.0          │
    │ b           ┆ 1         ┆ 5.0      ┆ 5.0          │
    └─────────────┴───────────┴──────────┴──────────────┘
    """
    ef = _engine_facts(
        transactions,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        frequency=frequency,
        zero_amount=zero_amount,
        after_as_of=after_as_of,
        date_format=date_format,
        order=order,
    )
    name = str(customer)
    if name in _FACT_COLUMNS or name in ef.sums.extra(_MONEY):
        # a frame cannot hold two columns of one name
        raise InputError(
            name,
            "is the customer column, but engine_facts' frame has a column of "
            "that name too",
            fix="rename the customer column in the engine (or use "
            "summarize_frame / custseg.segment with output='pandas', where the "
            "ids are the index)",
        )
    return attrs.evolve(ef, frame=ef.frame.rename({_KEY: name}), customer=name)


def _engine_facts(
    transactions: Any,
    *,
    customer: Hashable,
    date: Hashable,
    amount: Hashable,
    as_of: Any = None,
    frequency: str = "transactions",
    zero_amount: str = "purchase",
    after_as_of: str = "raise",
    date_format: str | None = None,
    need_rows: bool = False,
    order: Hashable | None = None,
) -> EngineFacts:
    """:func:`engine_facts`; *need_rows*: refuse a frame without rows (as
    :func:`custseg.segment` does) before anything else is said about it;
    *order*: the order id column of order lines (see :func:`_orders`)."""
    nw = _narwhals()
    if amount is None:  # engine_btyd_summary's "no amounts": not a summary's
        raise InputError(
            "amount",
            "is None, but the summary sums the amounts (monetary)",
            fix='name the amount column: amount="..." (no engine column is None)',
        )
    v.check_order_column(order, customer=customer, date=date, amount=amount)
    v.choice(frequency, "frequency", ("transactions", "days"))
    v.choice(zero_amount, "zero_amount", ("purchase", "ignore"))
    v.choice(after_as_of, "after_as_of", ("raise", "drop"))
    as_of_day = None
    if as_of is not None:
        as_of_day = v.day_number(as_of, "as_of", like=_dates_zone(transactions, date))
    base, cols, checks = _prepare(
        transactions,
        customer,
        date,
        amount,
        date_format,
        None if as_of_day is None else as_of_day + 1,
        order,
    )
    n_total = checks["n"]
    date_kind = "date" if cols.date_kind == "date" else "datetime"
    if need_rows and not n_total:
        raise InputError(
            "transactions",
            "has no transactions (the frame has no rows), so there is nothing "
            "to segment",
            fix="pass one row per transaction",
        )
    if as_of_day is None:
        if not n_total:
            raise InputError(
                cols.date,
                "is empty, so there is no default as_of",
                fix="pass as_of explicitly",
            )
        latest = np.datetime64(checks["max_date"], "D")
        as_of_day = int(latest.astype(np.int64)) + 1
    as_of_d = np.datetime64(as_of_day, "D")
    n_after = checks.get("n_after", 0)
    if n_after:
        if after_as_of == "raise":
            raise _rows_error(
                cols.date,
                f"has transactions after as_of ({as_of_d})",
                n_after,
                fix="pass a later as_of, filter the rows, or use "
                "after_as_of='drop' (on the command line: --after-as-of drop) "
                "to drop them",
            )
        base = base.filter(_before_day(nw.col("_d"), as_of_day + 1, cols))
    if cols.order is not None:  # the lines up to as_of, collapsed into orders
        base = _orders(base, cols, checks["plan"])
    frame = _group_facts(
        base,
        _KEY,
        zero_amount,
        frequency,
        date_kind,
        as_of_day,
        checks["plan"],
        summed=_sums_per_order(cols, checks["plan"]),
    )
    return EngineFacts(
        frame=frame,
        as_of=as_of_d,
        n_rows=n_total - n_after,
        n_dropped=n_after,
        unit=cols.date_unit,
        customer=_KEY,
        int_amounts=cols.amount_kind == "int",
        amount=str(cols.amount),
        limbs=checks["plan"].limbs,
        sums=checks["plan"],
        orders=cols.order is not None,
        text_ints=cols.text_ints,
    )


def _orders(base: Any, cols: _Columns, plan: _SumPlan) -> Any:
    """The lines of *base* collapsed into orders, as
    :func:`custseg.orders.collapse` collapses them: one row per customer
    and order id, its earliest date ``_d`` and ``_a``, the exact sum of its
    lines, or (see :func:`_order_sign`) a number of its exact sign.

    Integer amounts are summed by the engine (their sums are checked), and
    decimal amounts of one scale as integers of the last place, divided
    once (the correctly rounded decimal sum, the core's). Other float
    amounts are summed as :func:`_group_facts` sums them per customer, the
    per-line columns of :func:`_with_sums` summed per order first (sums and
    maxima, so a customer's aggregates over its orders are those over its
    lines: monetary is the net of the lines, as the core's for such
    amounts), and ``_a`` is the order's sign: -1, 0 or 1, all that
    ``_purchase`` reads. Refused only on Dask for amounts spanning more
    binary places than six limbs hold (1e300 beside 1e-300), whose carries
    nest past Python's recursion limit there."""
    nw = _narwhals()
    assert cols.order is not None
    keys = (_KEY, _ORDER)
    if _sums_per_order(cols, plan):
        if plan.limbs is None or (
            # Dask nests each carry of _order_sign in the one before: past
            # a few limbs its expression passes Python's recursion limit
            plan.limbs[2] > MAX_LIMBS and base.implementation.is_dask()
        ):
            raise InputError(
                cols.order,
                "(order lines) needs exact order sums, which this engine cannot "
                f"make: the amounts in {cols.amount!r} span more binary places "
                "than exact sums hold (such as 1e300 beside 1e-300)",
                fix="round the amounts in the engine (e.g. to cents), or pass a "
                "pandas DataFrame",
            )
        lines = _with_sums(base, "_a", plan, _MONEY)
        summed = lines.group_by(*keys).agg(nw.col("_d").min(), *_sum_aggs(plan, _MONEY))
        return _order_sign(summed, plan, _MONEY)
    if plan.scale is None:  # integers (or no amounts): the engine's sum
        return base.group_by(*keys).agg(nw.col("_d").min(), nw.col("_a").sum())
    whole = _rint(nw.col("_a") * float(plan.scale), False).cast(nw.Int64)
    orders = base.with_columns(whole.alias("_a")).group_by(*keys)
    summed = orders.agg(nw.col("_d").min(), nw.col("_a").sum())
    return summed.with_columns(_divide(nw.col("_a"), plan.scale).alias("_a"))


def _sums_per_order(cols: _Columns, plan: _SumPlan) -> bool:
    """Whether :func:`_orders` gives the per-order aggregates of the
    monetary sums (float amounts of no one decimal scale) rather than the
    orders' sums."""
    return (
        cols.order is not None
        and cols.amount_kind in ("float", "decimal")
        and plan.scale is None
    )


def _order_sign(orders: Any, plan: _SumPlan, prefix: str) -> Any:
    """*orders* (the per-order aggregates of :func:`_with_sums`' columns,
    named by :meth:`_SumPlan.columns` under *prefix*) with ``_a``, the exact
    sign of each order's sum as the core sums it (-1.0, 0.0 or 1.0): the
    sign of the decimal sum when every line of the order is a decimal (at
    the order's largest first scale, or the shared one), else that of the
    binary sum in limbs (as :func:`custseg._exact.order_free_sums` decides:
    a decimal sum whose scaled magnitudes reach 2**52 is made in binary).

    The binary sign carries the limb sums ``L_j`` (whole numbers, ``|L_j| <
    n * 2**w``) upwards, ``c = floor(t / 2**w)`` and ``r = t - c * 2**w``
    with ``t = L_j + c``: each ``t`` stays below 2**53 (``n * 2**w <=
    2**53 - 2**w`` and ``|c| <= n + 1``), so every step is exact in
    float64. The lower digits ``r`` are then in ``[0, 2**w)`` and the
    value is ``top * 2**(w*(k-1))`` plus less than that power: its sign is
    the top's, or, for a zero top, positive when a lower digit is not
    zero."""
    nw = _narwhals()
    assert plan.limbs is not None
    _, w, k = plan.limbs
    base = 2.0**w
    carry = None
    lower = None
    for j in range(k - 1):
        t = nw.col(f"{prefix}_{j}").cast(nw.Float64)
        if carry is not None:
            t = t + nw.col(carry)
        name = f"{prefix}_c{j}"
        orders = orders.with_columns((t / base).floor().cast(nw.Float64).alias(name))
        digit = (t - nw.col(name) * base != 0.0).cast(nw.Int64)
        orders = orders.with_columns(
            digit.alias(f"{prefix}_r{j}")
            if lower is None
            else (nw.col(lower) + digit).alias(f"{prefix}_r{j}")
        )
        carry, lower = name, f"{prefix}_r{j}"
    top = nw.col(f"{prefix}_{k - 1}").cast(nw.Float64)
    if carry is not None:
        top = top + nw.col(carry)
    rest = nw.lit(False) if lower is None else nw.col(lower) > 0

    def sign(x: Any, tail: Any) -> Any:
        return (
            nw.when(x > 0)
            .then(nw.lit(1.0))
            .otherwise(nw.when(x < 0).then(nw.lit(-1.0)).otherwise(tail))
        )

    binary = sign(top, nw.when(rest).then(nw.lit(1.0)).otherwise(nw.lit(0.0)))
    zero = nw.lit(0.0)
    if plan.shared:
        t = nw.col(f"{prefix}_t")
        out = (
            nw.when(nw.col(f"{prefix}_odd") == 0).then(sign(t, zero)).otherwise(binary)
        )
    else:
        out = binary
        for i in range(plan.scales - 1, -1, -1):
            t = nw.col(f"{prefix}_t{i}")
            mine = (nw.col(f"{prefix}_scale") == i) & (
                nw.col(f"{prefix}_m{i}") < _DECIMAL_BOUND
            )
            out = nw.when(mine).then(sign(t, zero)).otherwise(out)
    temps = [f"{prefix}_{x}{j}" for j in range(k - 1) for x in "cr"]
    return orders.with_columns(out.alias("_a")).drop(*temps)


def _dates_zone(transactions: Any, date: Hashable) -> Any:
    """The zone (a tzinfo) the engine counts the days of a time-zone-aware
    date column in, from the schema (no data is read); None for other
    columns. An aware ``as_of`` is read in it, as the core reads it in the
    zone of its dates."""
    import pandas as pd

    try:
        module = type(transactions).__module__.split(".")[0]
        if module == "dask" or isinstance(transactions, pd.DataFrame):
            # the frame's own dtype: narwhals cannot name every zone
            dtype = transactions.dtypes.get(date)
            if isinstance(dtype, pd.DatetimeTZDtype):
                return dtype.tz
            if module == "dask":
                return _arrow_zone(dtype)
        lf, _ = _lazy(transactions)
        dtype = dict(lf.collect_schema()).get(date)
        zone = getattr(dtype, "time_zone", None)
        if zone and _backend_name(lf) == "pyspark":
            # narwhals calls every Spark TIMESTAMP "UTC"; its days are those
            # of the session's zone, where the wall-clock time is read
            return _spark_zone(lf.to_native())
        return v.zone_named(zone) if zone else None  # also +08:00
    except Exception:  # a bad frame or column: refused later, with a message
        return None


def _spark_zone(native: Any) -> Any:
    """The tzinfo of a Spark DataFrame's session time zone: a region
    (``Asia/Shanghai``) or an offset (``+08:00``, ``UTC+8``, ``GMT-05:30``,
    ``Z``)."""
    import datetime as dt
    import zoneinfo

    name = str(native.sparkSession.conf.get("spark.sql.session.timeZone")).strip()
    offset = re.fullmatch(
        r"(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?", name
    )
    if name in ("Z", "UTC", "GMT", "UT"):
        return dt.UTC
    if offset:
        sign = -1 if offset[1] == "-" else 1
        hours, minutes, seconds = (int(offset[i] or 0) for i in (2, 3, 4))
        return dt.timezone(
            sign * dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
        )
    return zoneinfo.ZoneInfo(name)


def _prepare(
    transactions: Any,
    customer: Hashable,
    date: Hashable,
    amount: Hashable | None,
    date_format: str | None,
    end_day: int | None,
    order: Hashable | None = None,
    fixes: Mapping[str, str] | None = None,
) -> tuple[Any, _Columns, dict[str, Any]]:
    """The rows as a LazyFrame of the id, ``_d`` (naive datetimes or dates)
    and ``_a`` (Float64 amounts, 0 without *amount*), and with *order* the
    order id ``_o``, checked by one aggregate pass (counts of NULLs and bad
    values, the latest date, the rows on or after *end_day*): InputError
    for bad data, as pandas input gets. *fixes*: those of a function no
    command runs, for a missing column (see :func:`_find_column`); its
    messages then name no command-line option (a *date_format*'s neither)."""
    nw = _narwhals()
    if date_format is not None:
        from ._files import check_date_format

        date_format = check_date_format(date_format, command_line=fixes is None)
    text_ints = False
    index = _index_names(transactions)
    transactions = _zones_read(transactions, date)
    if type(transactions).__module__.split(".")[0] == "dask":
        transactions, text_ints = _dask_objects(
            transactions, customer, date, amount, order, date_format
        )
    if type(transactions).__module__.split(".")[0] == "pyarrow":
        transactions = _arrow_plain(transactions, [customer, order], amount, date)
    lf, _ = _lazy(transactions)
    lf = _plain_types(lf, [customer, date, amount, order])
    lf = _binary_dates(lf, date)
    written = lf  # (decimal dates: quoted as written in a refusal)
    lf = _date_values(lf, date, date_format)
    cols = _check_schema(lf, customer, date, amount, date_format, order, index, fixes)
    if text_ints:
        cols = attrs.evolve(cols, text_ints=True)
    lf, cols = _query_names(lf, cols)
    fmt = None
    if cols.date_kind == "str":
        fmt = _sample_format(lf, cols)
        if cols.date_format is None and _other_shapes(lf, cols, fmt):
            # ISO 8601 text of several shapes, mixed as pandas reads them:
            # each value is written in one shape first (_iso_text), read
            # with this (one pass more; a column of one shape, the usual
            # case, is read in its shape, 5-17x faster)
            fmt = _ISO_MIXED
            cols = attrs.evolve(cols, iso_mixed=True)
    elif cols.date_kind in ("int", "float"):
        fmt = date_format or "%Y%m%d"
    c, a = cols.customer, cols.amount
    ids = _id_expr(nw.col(cols.q(c)), cols.id_kind)
    if a is not None and cols.amount_kind == "int" and cols.backend == "pyarrow":
        _check_arrow_ints(lf, a)  # Arrow refuses to cast them to float
    if a is None:
        amounts = nw.lit(0.0)
    elif cols.amount_kind == "decimal":
        # Arrow's decimal -> float64 cast is not correctly rounded (19.99 ->
        # 19.990000000000002), nor DuckDB's before 2.0.1: their text is
        # exact and its parse correctly rounded, the amounts of the pandas
        # path
        dtype = lf.collect_schema()[cols.q(a)]
        amounts = decimal_floats(nw.col(cols.q(a)), dtype, cols.backend)
    elif lf.collect_schema()[cols.q(a)] == nw.Float16:
        # float16 read as the decimals they print as, as the pandas path
        # reads them (the engines' text of a float16 is not NumPy's)
        amounts = _half_as_printed(nw.col(cols.q(a)).cast(nw.Float64))
    elif lf.collect_schema()[cols.q(a)] == nw.Float32:
        # float32 read as the decimals they print as (0.1, not
        # 0.10000000149011612), as the pandas path reads them
        # (custseg._validate.widen_narrow): the engines print the shortest
        # text that reads back as the same float32
        amounts = nw.col(cols.q(a)).cast(nw.String).cast(nw.Float64)
    else:
        amounts = nw.col(cols.q(a)).cast(nw.Float64)
    extra = []
    if cols.order is not None:
        assert cols.order_kind is not None
        extra.append(
            _id_expr(nw.col(cols.q(cols.order)), cols.order_kind).alias(_ORDER)
        )
    if a is not None and cols.amount_kind == "decimal":
        extra.append(_decimal_inexact(nw.col(cols.q(a))).alias("_a_inexact"))
    if a is not None and cols.amount_kind == "int" and cols.backend != "pyarrow":
        # compared before the cast to Float64, which rounds 2**53 + 1 down
        extra.append(_int_inexact(lf, cols.q(a)).alias("_a_big"))
    if cols.backend == "pyarrow" and fmt is not None:
        extra.append(_rolled_dates(cols, fmt).alias("_d_rolled"))
    if cols.backend == "pyspark" and fmt is not None:
        lf, cols = _spark_dates(lf, cols, fmt)
    example = _date_example(lf, cols, fmt, written)
    with _parsing(cols, fmt, example=example):  # eager frames parse right here
        base = lf.select(
            ids.alias(_KEY),
            _date_expr(cols, fmt).alias("_d"),
            _missing_date(cols).alias("_d_null"),
            amounts.alias("_a"),
            *extra,
        )
    base = _binary_ids(base, cols)
    checks = _first_pass(base, cols, end_day, fmt, example)
    if checks["null_id"]:
        raise _rows_error(
            c,
            "has missing customer ids",
            checks["null_id"],
            fix=f"drop the rows without a customer id first (those where {c!r} "
            + _drop_missing_fix(c, cols.id_kind)
            + "), or give them an id",
        )
    if checks.get("null_order"):
        assert cols.order is not None
        raise _rows_error(
            cols.order,
            "has missing order ids",
            checks["null_order"],
            fix="drop the lines without an order or give them an id"
            + (
                f" (those where {cols.order!r} "
                + _drop_missing_fix(cols.order, cols.order_kind)
                + ")"
                if cols.order_kind == "float"
                else ""
            ),
        )
    bad_dates = checks["bad_date"] + checks.get("rolled", 0)
    if bad_dates:
        raise _date_refusal(cols, fmt, example, n_rows=bad_dates)
    if checks["null_date"]:
        raise _rows_error(
            cols.date,
            "has missing dates (NULL or NaN)"
            if cols.date_kind == "float"
            else "has missing dates (NULL)",
            checks["null_date"],
            fix="drop or fill those rows",
        )
    if checks["far_date"]:
        problem = v.FAR_YEARS + (
            # (only DuckDB has infinite dates: named on its frames alone)
            ", or infinite (DuckDB's 'infinity' and '-infinity' stand for no date)"
            if cols.backend == "duckdb"
            else ""
        )
        fix = (
            "drop those rows (or fix their dates); dates after as_of are "
            "dropped with as_of and after_as_of='drop'"
        )
        found = _far_example(lf, cols, fmt, end_day)
        if found is not None and cols.date_kind in ("str", "int", "float"):
            # text or numbers read as such a day (never DuckDB's infinity):
            # one as written, with the pandas path's words
            problem, fix = v.FAR_YEARS, v.FAR_YEARS_FIX
        if found is not None:
            problem += f", such as {found}"
        raise _rows_error(cols.date, problem, checks["far_date"], fix=fix)
    if a is None:
        return base, cols, checks
    if checks["null_amount"]:
        raise _rows_error(
            a,
            "contains missing values (NULL or NaN)",
            checks["null_amount"],
            fix="drop or fill them first",
        )
    if checks["inf_amount"]:
        raise _rows_error(
            a,
            "contains infinite values",
            checks["inf_amount"],
            fix="replace them with finite numbers",
        )
    if checks.get("big"):
        raise _rows_error(
            a,
            "has integers beyond 2**53, which float64 sums do not hold exactly",
            checks["big"],
            fix="scale the amounts down (e.g. to thousands), or convert them to "
            "float yourself if rounding them is acceptable",
        )
    if checks.get("inexact"):
        found = _inexact_example(lf, cols)
        raise _rows_error(
            a,
            "has decimal numbers beyond 2**53 in their last place"
            + ("" if found is None else f", such as {found}")
            + ", which float64 sums do not hold exactly",
            checks["inexact"],
            fix="round them (e.g. to cents) or scale them down (e.g. to "
            "thousands), or convert them to float yourself if rounding them "
            "is acceptable",
        )
    if (
        cols.amount_kind == "int"
        and checks["max_abs"] is not None
        and checks["max_abs"] * checks["n"] >= _EXACT
    ):
        _check_exact_sums(base, _KEY, a)
    return base, cols, checks


@cache
def _half_table() -> tuple[list[float], list[float]]:
    """Every finite nonzero ``float16`` value (as float64) that
    :func:`custseg._validate.widen_narrow` reads as another float64 (the
    decimal it prints as: ``0.0999755859375`` as ``0.1``), and that
    decimal: about 51,000 pairs, made once."""
    half = np.arange(2**16, dtype=np.uint16).view(np.float16)
    half = half[np.isfinite(half) & (half != 0)]
    exact = half.astype(np.float64)
    printed = v.widen_narrow(half)
    changed = printed != exact
    return exact[changed].tolist(), printed[changed].tolist()


def _half_as_printed(x: Any) -> Any:
    """The ``float16`` amounts *x* (cast exactly to Float64) each read as the
    decimal it prints as, as :func:`custseg._validate.widen_narrow` reads
    them in the pandas path: looked up among the 2**16 values the type
    has (:func:`_half_table`); zeros, NaN, infinities and NULLs pass
    through. (Dask's float16 columns are read by ``widen_narrow`` itself,
    per partition: see :func:`_dask_objects`.)"""
    nw = _narwhals()
    old, new = _half_table()
    return x.replace_strict(old, new, default=x, return_dtype=nw.Float64)


def _binary_ids(base: Any, cols: _Columns) -> Any:
    """*base* with its text ids (``_c``, and ``_o`` of order lines) compared
    byte for byte, as pandas compares them, in every group-by, join and
    distinct that follows (:func:`_binary_text`)."""
    names = [(_KEY, cols.id_kind)]
    if cols.order_kind is not None:
        names.append((_ORDER, cols.order_kind))
    text = [n for n, kind in names if kind in ("str", "category")]
    return _binary_text(base, _collated(base, text)) if text else base


def _is_duckdb(native: Any) -> bool:
    """Whether *native* is a DuckDB relation (``duckdb._relation`` in
    DuckDB 2, ``_duckdb`` in 1.x).

    >>> _is_duckdb(object())
    False
    """
    return type(native).__module__.split(".")[0] in ("duckdb", "_duckdb")


def _collated(frame: Any, names: Iterable[str]) -> list[str]:
    """The text columns among *names* of the narwhals *frame* whose values
    may be compared other than byte for byte: in DuckDB every ``VARCHAR``
    (``COLLATE NOCASE``, or any text under ``SET default_collation``: the
    type does not show it), in Spark 4 a ``STRING`` whose collation is not
    ``UTF8_BINARY`` (``UTF8_LCASE``, ``UNICODE_CI``); none in the other
    engines, which have no collations."""
    native = frame.to_native()
    module = type(native).__module__
    if _is_duckdb(native):
        types = dict(zip(native.columns, native.types, strict=True))
        return [n for n in names if str(types.get(n)) == "VARCHAR"]
    if module.startswith("pyspark"):
        fields = {f.name: f.dataType for f in native.schema.fields}
        return [
            n
            for n in names
            if n in fields
            and getattr(fields[n], "collation", "UTF8_BINARY") != "UTF8_BINARY"
        ]
    return []


def _binary_text(frame: Any, names: list[str]) -> Any:
    """The narwhals *frame* (lazy) with its text columns *names*
    (:func:`_collated`) compared byte for byte, as pandas compares text,
    in every comparison, group-by, join and distinct that follows.

    A collation travels with a text column's type in DuckDB (``VARCHAR
    COLLATE NOCASE``, or any text under ``SET default_collation``) and in
    Spark 4 (``STRING COLLATE UTF8_LCASE``): under it ``'AB12'`` and
    ``'ab12'`` (or ``'é'`` and ``'e'``) are one value. DuckDB's columns are
    given the ``binary`` collation (which a default collation does not
    override), Spark's ``UTF8_BINARY``."""
    if not names:
        return frame
    native = frame.to_native()
    if _is_duckdb(native):
        quoted = [n.replace('"', '""') for n in names]
        replaced = ", ".join(f'"{n}" COLLATE "binary" AS "{n}"' for n in quoted)
        native = native.select(f"* REPLACE ({replaced})")
    else:
        from pyspark.sql import functions as F

        for name in names:
            col = F.col("`" + name.replace("`", "``") + "`")
            native = native.withColumn(name, F.collate(col, "UTF8_BINARY"))
    return _narwhals().from_native(native)


def _id_expr(ids: Any, kind: str) -> Any:
    """Id column *ids* of *kind* as it is grouped: categories as text
    (Polars' and DuckDB's hold text; Arrow's and Dask's of other values are
    decoded to them first: :func:`_arrow_plain`, :func:`_dask_objects`), and
    -0.0 as the id 0.0, as in pandas (Arrow's group_by tells the two zeros
    apart); NaN and NULL pass through, refused by the first pass."""
    nw = _narwhals()
    if kind == "category":
        return ids.cast(nw.String)
    if kind == "float":
        return nw.when(ids == 0).then(nw.lit(0.0, nw.Float64)).otherwise(ids)
    return ids


def _arrow_plain(
    table: Any,
    ids: list[Hashable | None],
    amount: Hashable | None,
    date: Hashable | None = None,
) -> Any:
    """*table* with the Arrow types narwhals does not read made readable,
    each cast exactly (to the values the pandas path reads from
    ``table.to_pandas()``):

    - dictionary-encoded columns (*ids*: the customer and order columns,
      the *amount* and the *date*: what pandas' categoricals become, in
      Parquet too) decoded to their values' type, so that integer
      categories stay integers (sorted as numbers), as in pandas; text
      categories stay text, and dates, timestamps, numbers and text dates
      are read as such (a dictionary of ``string_view``, Polars' newest
      ``Categorical``, as ``large_string``:
      :func:`~custseg._validate.arrow_dictionary_plain`); ``float16`` ids
      as ``float64`` (Arrow has no float16 comparison);
    - ``decimal32``, ``decimal64`` and ``decimal256`` columns of at most 38
      digits as ``decimal128`` of the same precision and scale;
    - decimals of negative scale (``decimal128(5, -3)`` holds thousands),
      which narwhals refuses, as the same whole numbers at scale 0;
    - a time-zone-aware *date* column with instants before 1902 or from
      2038 on as its local wall-clock times, made by pandas (Arrow's
      conversion loses summer time there: 00:30 on 1 July 2040 in Berlin
      was 23:30 on 30 June);
    - a ``date64`` *date* or id column (milliseconds, which narwhals does
      not read) as ``date32``, the day of each value, as ``to_pandas``
      reads it (and as Dask's Arrow dates are read: :func:`_arrow_date`);
      the customer table's ids are made ``date64`` again
      (:func:`_arrow_table`).

    An amount column of more than 38 digits (as whole numbers) is refused,
    naming its type; other columns are left as they are.
    """
    import pyarrow as pa

    schema = getattr(table, "schema", None)
    if schema is None or not hasattr(table, "cast"):
        return table
    id_names = {name for name in ids if isinstance(name, str)}
    decoded = id_names | {n for n in (amount, date) if isinstance(n, str)}
    views: dict[str, Any] = {}
    fields = []
    for field in schema:
        t = field.type
        if field.name in decoded and pa.types.is_dictionary(t):
            plain = v.arrow_dictionary_plain(t)
            if plain != t:
                # dictionary<string_view> (Polars' newest Categorical): its
                # values made large_string first (Arrow decodes no views)
                views[field.name] = t = plain
            t = t.value_type
            field = field.with_type(t)
        if field.name in id_names and pa.types.is_float16(t):
            # Arrow compares no float16 (the -0.0 of _id_expr): the ids as
            # float64, exactly, as pandas, Polars and DuckDB read them
            field = field.with_type(pa.float64())
        elif pa.types.is_decimal(t) and (t.scale < 0 or not pa.types.is_decimal128(t)):
            digits = t.precision - min(t.scale, 0)
            if digits <= 38:
                field = field.with_type(pa.decimal128(digits, max(t.scale, 0)))
            elif field.name == amount:
                raise InputError(
                    field.name,
                    f"is an Arrow {t} column, whose values need {digits} digits"
                    + (" as whole numbers" if t.scale < 0 else "")
                    + ": custseg reads decimals of up to 38 digits in an engine",
                    fix="cast it to decimal128(38, s) (pyarrow.compute.cast) if "
                    "its values fit, or to float64, or pass table.to_pandas(), "
                    "where Decimal amounts are read exactly",
                )
        fields.append(field)
    new = pa.schema(fields, metadata=schema.metadata)
    if views:
        table = table.cast(
            pa.schema(
                [f.with_type(views.get(f.name, f.type)) for f in schema],
                metadata=schema.metadata,
            )
        )
    table = table if new.equals(table.schema) else table.cast(new)
    for name in (*id_names, date):
        if name in new.names and pa.types.is_date64(new.field(name).type):
            table = table.set_column(
                new.get_field_index(name),
                pa.field(name, pa.date32()),
                _date64_days(table.column(name)),
            )
    if isinstance(date, str) and date in new.names:
        t = new.field(date).type
        if pa.types.is_timestamp(t) and t.tz is not None:
            local = _far_local_times(table.column(date), t)
            if local is not None:
                table = table.set_column(
                    new.get_field_index(date), pa.field(date, local.type), local
                )
    return table


def _date64_days(col: Any) -> Any:
    """An Arrow ``date64`` column as ``date32``: the day of each value
    (milliseconds floored to days, which midnights, all the format allows,
    are exactly; Arrow's own cast refuses other values, or truncates them
    toward 1970 when unsafe)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ms = col.cast(pa.int64()).cast(pa.float64())  # exact: |ms| < 2**53
    days = pc.floor(pc.divide(ms, float(86_400_000)))
    return days.cast(pa.int32()).cast(pa.date32())


#: Arrow's zone rules hold from 1902 to 2037 (its tz database's 32-bit
#: transitions), in seconds since 1970
_ARROW_ZONE_YEARS = (-2145916800, 2145916800)  # 1902-01-01, 2038-01-01 UTC


def _far_local_times(col: Any, t: Any) -> Any:
    """The local wall-clock times of an aware Arrow timestamp column, as
    naive timestamps of its unit, when some instant is outside
    :data:`_ARROW_ZONE_YEARS` (else None: Arrow's own conversion is right)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    per_second = {"s": 1, "ms": 1000, "us": 10**6, "ns": 10**9}[t.unit]
    bounds = pc.min_max(col.cast(pa.int64()))
    lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
    if lo is None or (
        lo >= _ARROW_ZONE_YEARS[0] * per_second
        and hi < _ARROW_ZONE_YEARS[1] * per_second
    ):
        return None
    wall = pd.Series(col.to_pandas()).dt.tz_localize(None)
    return pa.array(wall, type=pa.timestamp(t.unit), from_pandas=True)


def _plain_types(lf: Any, names: list[Hashable | None]) -> Any:
    """*lf* with the Arrow types the queries have no kernels for made plain:
    ``string_view`` (Arrow >= 16 and Polars export text so) as ``string``,
    DuckDB's ``TIMESTAMPTZ_NS`` as ``TIMESTAMPTZ``, and the ``null`` type (an all-None or empty object column of pandas,
    PyArrow and DuckDB, Spark's ``void`` of a NULL literal) as text for the ids and dates, float64 for the
    amounts, so that the checks count the missing values."""
    nw = _narwhals()
    backend = _backend_name(lf)
    if backend not in ("pyarrow", "duckdb", "pyspark"):
        return lf
    schema = dict(lf.collect_schema())
    native = lf.to_native()
    if backend == "pyarrow":
        import pyarrow as pa

        kinds = {f.name: f.type for f in native.schema}

        def is_null(name: str) -> bool:
            return pa.types.is_null(kinds[name])

        def is_view(name: str) -> bool:
            return pa.types.is_string_view(kinds[name])
    elif backend == "pyspark":  # NULL literals: Spark's void type
        kinds = {f.name: f.dataType for f in native.schema.fields}

        def is_null(name: str) -> bool:
            return type(kinds[name]).__name__ == "NullType"

        def is_view(name: str) -> bool:
            return False
    else:
        kinds = dict(zip(native.columns, (str(t) for t in native.types), strict=True))

        def is_null(name: str) -> bool:
            return kinds[name] == '"NULL"'

        def is_view(name: str) -> bool:
            return False

    if backend == "duckdb":
        # DuckDB >= 2 reads a zoned timestamp of nanoseconds (pandas' own,
        # in Parquet) as TIMESTAMPTZ_NS, a type narwhals does not know:
        # microseconds are as good for days
        zoned = [
            n for n in names if isinstance(n, str) and kinds.get(n) == "TIMESTAMPTZ_NS"
        ]
        if zoned:
            quoted = ['"' + n.replace('"', '""') + '"' for n in zoned]
            replace = ", ".join(f"{q}::TIMESTAMPTZ AS {q}" for q in quoted)
            lf = nw.from_native(native.project(f"* REPLACE ({replace})"))
            schema = dict(lf.collect_schema())
    casts = []
    for i, name in enumerate(names):
        if not isinstance(name, str) or name not in schema or name not in kinds:
            continue
        if is_null(name):
            casts.append(nw.col(name).cast(nw.Float64 if i == 2 else nw.String))
        elif is_view(name):
            casts.append(nw.col(name).cast(nw.String))
    if not casts:
        return lf
    return lf.with_columns(*casts)


def _binary_dates(lf: Any, date: Hashable) -> Any:
    """*lf* with a ``Binary`` *date* column (bytes, as HDF5 files and some
    database drivers give text dates) decoded as the UTF-8 text it holds,
    as the pandas path reads bytes (:func:`custseg._validate.bytes_as_text`),
    so that every check of text dates follows; InputError naming the column
    when some bytes are not UTF-8 text (one more pass, for such columns
    only; the message gives an example and the row count on every engine).
    Polars decodes with ``cast(pl.String)``, PyArrow with its cast
    to ``string``, DuckDB with ``decode``, Spark with ``CAST(... AS
    STRING)`` checked by ``is_valid_utf8`` (Spark 4 keeps any bytes cast
    so; Spark 3 by decoding and encoding back, which puts U+FFFD in place
    of bytes that are not UTF-8)."""
    if not isinstance(date, str) or date not in lf.collect_schema():
        return lf
    backend = _backend_name(lf)
    native = lf.to_native()
    if not _binary_column(lf, native, backend, date):
        return lf
    bad: Any = None  # (an example of bytes that are not UTF-8, if found)
    n_bad = 0
    if backend == "polars":
        import polars as pl

        out = native.with_columns(pl.col(date).cast(pl.String))
        try:
            out.select(pl.col(date).null_count()).collect()
        except pl.exceptions.ComputeError:
            # Polars' cast names no value: read the column in slices (on
            # this error path only) for an example and a count, as the
            # other engines and the pandas path give them
            column = (
                native.select(pl.col(date)).collect()
                if isinstance(native, pl.LazyFrame)
                else native.select(pl.col(date))
            ).to_series()
            n_bad = 0
            for start in range(0, len(column), 65_536):
                k, first = _undecodable(column.slice(start, 65_536).to_list())
                n_bad += k
                if bad is None:
                    bad = first
            n_bad = n_bad or -1
        decoded = _lazy(out)[0]
    elif backend == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        column = native.column(date)
        if pa.types.is_fixed_size_binary(column.type):
            column = pc.cast(column, pa.binary())
        try:
            text = pc.cast(column, pa.large_string())
        except pa.ArrowInvalid:
            n_bad, bad = _undecodable(column.to_pylist())
            text = None
        decoded = (
            None
            if text is None
            else _lazy(
                native.set_column(native.schema.get_field_index(date), date, text)
            )[0]
        )
    elif backend == "duckdb":
        q = '"' + date.replace('"', '""') + '"'
        found = native.filter(f"{q} IS NOT NULL AND try(decode({q})) IS NULL")
        n_bad = int(found.aggregate("count(*)").fetchall()[0][0])
        if n_bad:
            bad = found.project(q).limit(1).fetchall()[0][0]
        decoded = _lazy(native.project(f"* REPLACE (decode({q}) AS {q})"))[0]
    elif backend == "pyspark":
        from pyspark.sql import functions as F

        col = F.col("`" + date.replace("`", "``") + "`")
        text = col.cast("string")
        if int(native.sparkSession.version.split(".")[0]) >= 4:
            # Spark 4's strings keep the bytes cast to them, valid or not
            valid = F.call_function("is_valid_utf8", col)
        else:  # pragma: no cover - Spark 3 decodes with U+FFFD for them
            valid = F.encode(F.decode(col, "UTF-8"), "UTF-8") == col
        found = native.filter(col.isNotNull() & ~valid)
        n_bad = found.count()
        if n_bad:
            bad = found.select(col).head(1)[0][0]
        decoded = _lazy(native.withColumn(date, text))[0]
    else:  # pragma: no cover - another engine: the schema check refuses it
        return lf
    if n_bad:
        example = "" if bad is None else f", such as {v.describe(bytes(bad))}"
        count = "" if n_bad < 0 else f" ({n_bad:,d} row{'s' if n_bad != 1 else ''})"
        raise InputError(
            date,
            f"has bytes that are not UTF-8 text{example}{count}",
            fix="decode them with their encoding first and pass the text "
            "(e.g. in pandas: column.str.decode('gbk')), or leave the cells "
            "of unknown dates empty",
        )
    return decoded


def _binary_column(lf: Any, native: Any, backend: str, name: str) -> bool:
    """Whether column *name* of *lf* (*native*, of *backend*) holds bytes:
    Polars' ``Binary``; Arrow's ``binary``, ``large_binary``,
    ``binary_view`` and ``fixed_size_binary``; DuckDB's ``BLOB``; Spark's
    ``BINARY``."""
    if backend == "pyarrow":
        import pyarrow as pa

        t = native.schema.field(name).type
        return bool(
            pa.types.is_binary(t)
            or pa.types.is_large_binary(t)
            or pa.types.is_fixed_size_binary(t)
            or getattr(pa.types, "is_binary_view", lambda _: False)(t)
        )
    if backend == "duckdb":
        types = dict(zip(native.columns, native.types, strict=True))
        return str(types.get(name)) == "BLOB"
    if backend in ("polars", "pyspark"):
        return bool(lf.collect_schema()[name] == _narwhals().Binary)
    return False


def _undecodable(values: list[Any]) -> tuple[int, Any]:
    """How many of the bytes *values* are not UTF-8 text, and the first.

    >>> _undecodable([b"2024-01-05", b"\\xff", None, b"\\xfe"])
    (2, b'\\xff')
    """
    bad = []
    for x in values:
        if x is None:
            continue
        try:
            bytes(x).decode("utf-8")
        except UnicodeDecodeError:
            bad.append(x)
    return len(bad), (bad[0] if bad else None)


def _date_values(lf: Any, date: Hashable, date_format: str | None = None) -> Any:
    """*lf* with a *date* column of categories or decimals read as the
    values they hold, as the pandas path reads them: categories (Polars'
    ``Categorical`` and ``Enum``, DuckDB's ``ENUM``: text) as text dates;
    decimals (``DECIMAL(8, 0)``, a ``NUMBER(8)`` date key) as the numbers
    they are, correctly rounded floats read as ``YYYYMMDD`` (or in
    *date_format*) as float dates are: whole ones are dates, others are
    refused. (Arrow's dictionaries are decoded to their values by
    :func:`_arrow_plain`.)"""
    nw = _narwhals()
    schema = lf.collect_schema()
    if not isinstance(date, str) or date not in schema:
        return lf  # refused by _check_schema
    dtype = schema[date]
    kind = _kind(dtype)
    if dtype in (nw.Float32, nw.Float16):
        _refuse_narrow_dates(lf, date, "float32" if dtype == nw.Float32 else "float16")
    if kind == "category":
        return lf.with_columns(nw.col(date).cast(nw.String))
    if kind == "decimal":
        scale = getattr(dtype, "scale", None)
        if scale is None or scale > 0:  # (no fraction in a scale of 0 or less)
            _refuse_decimal_fractions(lf, date, date_format)
        floats = decimal_floats(nw.col(date), dtype, _backend_name(lf))
        return lf.with_columns(floats.alias(date))
    return lf


def _refuse_narrow_dates(lf: Any, date: str, type_name: str) -> None:
    """Refuse a ``float32`` (``float16``) *date* column holding a number at
    or past the whole numbers its type holds exactly (2**24, 2**11), as the
    pandas path refuses it (:func:`custseg._files._numeric_dates`): float32
    stores 20240103 as 20240104, so every ``YYYYMMDD`` date from 1678 on
    may be another day than the one written. Smaller numbers (``240103``
    in ``'%y%m%d'``) are exact and read as before. One more pass, for
    such columns only."""
    from ._files import NARROW_DATE_FIX, NARROW_FLOAT_BITS, narrow_date_problem

    nw = _narwhals()
    x = nw.col(date).cast(nw.Float64)
    past = _past_exact(x, NARROW_FLOAT_BITS[type_name])
    found = lf.filter(past).select(x.alias(date)).head(1).collect()[date]
    if not len(found):
        return
    value = float(found.to_list()[0])
    first = str(int(value)) if value.is_integer() else repr(value)
    n_rows = int(lf.filter(past).select(nw.len()).collect().item())
    raise InputError(
        date,
        f"{narrow_date_problem(type_name)}, such as {first} "
        f"({n_rows} row{'s' if n_rows != 1 else ''})",
        fix=NARROW_DATE_FIX,
        n_rows=n_rows,
    )


def _refuse_decimal_fractions(lf: Any, date: str, date_format: str | None) -> None:
    """Refuse a decimal *date* column holding a number with a fraction,
    which no ``YYYYMMDD`` date (or all-digit *date_format*) has, as the
    pandas path refuses it (:func:`custseg._files._numeric_dates`): its
    float may be whole (``20240101.0000000001`` is the double
    ``20240101.0``), so the fraction is looked for in its text, where the
    engines write every digit of its scale."""
    nw = _narwhals()
    text = nw.col(date).cast(nw.String)
    fraction = text.str.contains(r"\.[0-9]*[1-9]")
    found = lf.filter(fraction).select(text.alias(date)).head(1).collect()[date]
    if not len(found):
        return
    first = str(found.to_list()[0])
    n_rows = int(lf.filter(fraction).select(nw.len()).collect().item())
    problem, fix = _number_refusal(first, date_format)
    raise InputError(
        date,
        f"{problem}, such as {first} ({n_rows} row{'s' if n_rows != 1 else ''})",
        fix=fix,
        n_rows=n_rows,
    )


def _query_names(lf: Any, cols: _Columns) -> tuple[Any, _Columns]:
    """*lf* with the columns an engine would not read by their name renamed
    to private names the queries read them under: Spark reads ``a.b`` as
    field ``b`` of a struct ``a`` (and a backtick quotes), Polars reads ``*``
    as every column and ``^...$`` as a pattern, DuckDB 1.x reads ``a.b`` as
    column ``b`` of a table ``a`` and a double quote as a quote."""
    used = [cols.customer, cols.date, cols.amount, cols.order]
    if cols.backend == "pyspark":
        odd = [n for n in used if n is not None and ("." in n or "`" in n)]
    elif cols.backend == "polars":
        odd = [
            n
            for n in used
            if n is not None and (n == "*" or (n.startswith("^") and n.endswith("$")))
        ]
    elif cols.backend == "duckdb":
        odd = [n for n in used if n is not None and (n == "*" or "." in n or '"' in n)]
    else:
        return lf, cols
    if not odd:
        return lf, cols
    names = list(lf.collect_schema())
    taken = set(names)
    renamed: dict[str, str] = {}
    for i, name in enumerate(dict.fromkeys(odd)):
        private = f"_custseg_{i}"
        while private in taken:
            private += "_"
        taken.add(private)
        renamed[name] = private
    if cols.backend == "pyspark":  # by position: no name is parsed
        frame = lf.to_native().toDF(*[renamed.get(n, n) for n in names])
        lf, _ = _lazy(frame)
    elif cols.backend == "duckdb":  # quoted identifiers: no name is parsed

        def quoted(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        frame = lf.to_native().select(
            ", ".join(f"{quoted(n)} AS {quoted(renamed.get(n, n))}" for n in names)
        )
        lf, _ = _lazy(frame)
    else:
        lf = lf.rename(renamed)
    return lf, attrs.evolve(cols, renamed=renamed)


def _dask_objects(
    native: Any,
    customer: Hashable,
    date: Hashable,
    amount: Hashable | None,
    order: Hashable | None = None,
    date_format: str | None = None,
) -> tuple[Any, bool]:
    """A Dask frame with what narwhals misreads in pandas dtypes made plain,
    and whether its customer ids are now the text of integers beyond 64
    bits (:attr:`_Columns.text_ints`).

    - a time-zone-aware date column becomes its local wall-clock time (as
      pandas counts it; narwhals does not recognise zones such as
      ``America/New_York`` in Dask's dtypes), an Arrow ``date32`` one (a
      Parquet DATE) ``datetime64[s]`` at midnight;
    - a dictionary-encoded Arrow column (``pd.ArrowDtype(pa.dictionary(
      ...))``, as ``table.to_pandas(types_mapper=pd.ArrowDtype)`` of a
      dictionary-encoded Arrow table gives one) of ids,
      dates or amounts becomes its values (:func:`_dask_dictionaries`), as
      every other engine and the pandas path read it: narwhals reads it as
      a ``Categorical`` of text, which would make the ids ``-0.0`` and
      ``0.0`` two customers and the integer id ``1`` the text ``'1'``;
    - an object column of ids (customers, and orders with *order*) is
      checked as :func:`~custseg.summarize` checks it (``1`` and ``"1"`` are
      never one customer) and read as it reads it
      (:func:`_object_id_column`): integers as integers (beyond 64 bits as
      their text, made integers again when collected), floats as floats;
    - a categorical column of ids, dates or amounts of numbers or dates
      becomes its categories' values (:func:`_dask_category_ids`; text
      dates are read as text by :func:`_date_values`); one of ids whose
      categories are Python objects not all text (``1`` beside ``"1"``)
      is checked and read as an object column of them is
      (:func:`_object_categories`, :func:`_dask_id_kinds`), not as their
      text;
    - an object column of dates that are not all text (Python datetimes,
      aware or naive, dates, numbers) is parsed as the pandas path parses
      it (:func:`custseg.frame.parse_date_column`, *date_format*);
    - an object column of amounts (Decimals, numbers) is converted to
      float64 as :func:`~custseg.summarize` converts it, and a ``float16``
      one read as the decimals it prints as
      (:func:`custseg._validate.widen_narrow`, per partition); so is an
      ``np.longdouble`` (``float128``) one
      (:func:`custseg._validate.wide_number`: refused where float64 does
      not hold it as a sum would need, as in pandas).

    For a frame made by ``dd.from_pandas``, whose object columns Dask has
    made text, these are read from the pandas frame it was made from. The
    object columns of other frames cost one more pass over them (only they
    are read); Dask makes object columns text when the frame is built
    unless ``dataframe.convert-string`` is off, so they are rare.
    """
    import pandas as pd

    id_columns = [(customer, "customer")]
    if order is not None:
        id_columns.append((order, "order"))
    text_ints = False
    source = _dask_source(native)
    if source is None:
        for name, what in id_columns:
            _check_derived_ids(native, name, what)
        _check_derived_dates(native, date)
    else:  # dd.from_pandas made object columns text
        plain: dict[str, Any] = {}
        for name, what in id_columns:
            if has_object(source, name):
                ids = source[name].to_numpy(dtype=object)
                made, wide = _object_id_column(ids, str(name), what)
                if made is not None:
                    plain[str(name)] = made
                text_ints = text_ints or (wide and what == "customer")
        if has_object(source, date) and _not_text(source[date]):
            plain[str(date)] = _object_dates(source[date], str(date), date_format)
        if has_object(source, amount):
            field = str(amount)
            values = source[field].to_numpy(dtype=object)
            plain[field] = v._object_to_float(values, field, exact=True)
        if plain:
            import dask.dataframe as dd

            expr: Any = native.expr
            remade = dd.from_pandas(  # type: ignore[no-untyped-call]
                source.assign(**plain),
                npartitions=native.npartitions,
                sort=expr.operand("sort"),
            )
            native = remade[list(native.columns)]
    native = _dask_dictionaries(
        native, [name for name, _ in id_columns], [date, amount]
    )
    dtypes = native.dtypes
    changes: dict[str, Any] = {}

    def has(name: Hashable | None) -> bool:
        return isinstance(name, str) and name in dtypes

    if has_object(native, date):  # convert-string off: Python dates
        changes[str(date)] = _dask_object_dates(native, str(date), date_format)
    elif has(date) and isinstance(dtypes[date], pd.DatetimeTZDtype):
        changes[str(date)] = native[date].dt.tz_localize(None)
    elif has(date) and _arrow_zone(dtypes[date]) is not None:
        # Arrow-backed (read_parquet(dtype_backend="pyarrow")): wall-clock
        # times by pandas, right in every year
        unit = dtypes[date].pyarrow_dtype.unit
        changes[str(date)] = native[date].map_partitions(
            _wall_times, meta=(str(date), f"datetime64[{unit}]")
        )
    elif has(date) and _arrow_date(dtypes[date]):
        # an Arrow DATE (dd.read_parquet of a Parquet date): midnight of the
        # day, as datetime64[s] (Dask cannot aggregate datetime.date values)
        changes[str(date)] = native[date].astype("datetime64[s]")
    elif has(date) and isinstance(dtypes[date], pd.CategoricalDtype):
        changes.update(_dask_category_ids(native, str(date)))  # text: _date_values
    elif has(date) and _wide_float(dtypes[date]):
        changes[str(date)] = _dask_wide_dates(native, str(date), date_format)
    for name, what in id_columns:
        if has_object(native, name):
            made, wide = _dask_id_kinds(native, str(name), what)
            changes.update(made)
            text_ints = text_ints or (wide and what == "customer")
        elif has(name) and _object_categories(native, str(name)):
            # categories of Python objects, not all text (1 beside "1"):
            # checked and read as an object column of them is
            made, wide = _dask_id_kinds(
                native.assign(**{str(name): native[name].astype(object)}),
                str(name),
                what,
            )
            changes.update(made)
            text_ints = text_ints or (wide and what == "customer")
        elif has(name) and isinstance(dtypes[name], pd.CategoricalDtype):
            changes.update(_dask_category_ids(native, str(name)))
        elif has(name) and _wide_float(dtypes[name]):
            changes[str(name)] = _dask_wide_ids(native, str(name), what)
    if has_object(native, amount):
        field = str(amount)

        def floats(part: pd.Series) -> pd.Series:
            values = part.to_numpy(dtype=object)
            out = v._object_to_float(values, field, exact=True)
            return pd.Series(out, index=part.index, name=part.name)

        changes[field] = native[field].map_partitions(
            _per_partition(floats), meta=(field, "f8")
        )
    elif has(amount) and isinstance(dtypes[amount], pd.CategoricalDtype):
        changes.update(_dask_category_ids(native, str(amount)))
    elif has(amount) and dtypes[amount] == np.float16:
        field = str(amount)

        def printed(part: pd.Series) -> pd.Series:
            # float16 read as the decimals they print as, as the pandas path
            # reads them
            out = v.widen_narrow(part.to_numpy(dtype=np.float16))
            return pd.Series(out, index=part.index, name=part.name)

        changes[field] = native[field].map_partitions(printed, meta=(field, "f8"))
    elif has(amount) and _arrow_narrow_float(dtypes[amount]):
        # Dask prints an Arrow float32 as its double (19.989999771118164):
        # NumPy's float32, whose text is the decimal it prints as
        changes[str(amount)] = native[amount].astype("float32")
    elif has(amount) and _wide_float(dtypes[amount]):
        field = str(amount)

        def longdouble(part: pd.Series) -> pd.Series:
            # np.longdouble, as the pandas path reads it: its double when
            # float64 holds it, else the decimal it prints as (refused
            # beyond 2**53 in its last place, or read as 0)
            out = v._object_to_float(part.to_numpy().astype(object), field, exact=True)
            return pd.Series(out, index=part.index, name=part.name)

        changes[field] = native[field].map_partitions(
            _per_partition(longdouble), meta=(field, "f8")
        )
    return (native.assign(**changes) if changes else native), text_ints


def _dask_dictionaries(
    native: Any, ids: list[Hashable], others: list[Hashable | None]
) -> Any:
    """Dask frame *native* with its dictionary-encoded Arrow columns among
    *ids* and *others* (dates, amounts) decoded to their values, per
    partition (:func:`custseg._validate.arrow_decoded`), as
    :func:`_arrow_plain` decodes a PyArrow table's and the pandas path
    reads them; a ``float16`` id as ``float64`` (exactly), as there. Other
    columns, and frames without such a column, are returned as they are.

    narwhals reads a dictionary column of a Dask frame as a
    ``Categorical``, which custseg reads as text: the ids ``-0.0`` and
    ``0.0``, one customer, would be the two texts ``'-0.0'`` and ``'0.0'``,
    and the integer id ``1`` would come back as ``'1'``.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> dd = pytest.importorskip("dask.dataframe")
    >>> import pandas as pd
    >>> ids = pa.DictionaryArray.from_arrays(pa.array([0, 1]), pa.array([-0.0, 0.0]))
    >>> frame = pd.DataFrame({"customer_id": pd.array(ids, dtype=pd.ArrowDtype(ids.type))})
    >>> out = _dask_dictionaries(dd.from_pandas(frame, npartitions=1), ["customer_id"], [])
    >>> out.dtypes["customer_id"]
    double[pyarrow]
    >>> out.compute()["customer_id"].tolist()
    [-0.0, 0.0]
    """
    import pandas as pd

    dtypes = native.dtypes
    changes: dict[str, Any] = {}
    for name in [*ids, *others]:
        if not isinstance(name, str) or name not in dtypes or name in changes:
            continue
        arrow = getattr(dtypes[name], "pyarrow_dtype", None)
        if arrow is None:
            continue
        import pyarrow as pa

        if not pa.types.is_dictionary(arrow):
            continue
        values = v.arrow_dictionary_plain(arrow).value_type
        if name in ids and pa.types.is_float16(values):
            values = pa.float64()
        target = pd.ArrowDtype(values)

        def decoded(part: pd.Series, target: Any = target) -> pd.Series:
            chunked = pa.chunked_array(part.array.__arrow_array__())
            out = v.arrow_decoded(chunked).cast(target.pyarrow_dtype)
            return pd.Series(
                pd.arrays.ArrowExtensionArray(out), index=part.index, name=part.name
            )

        changes[name] = native[name].map_partitions(decoded, meta=(name, target))
    return native.assign(**changes) if changes else native


def _dask_wide_dates(native: Any, field: str, date_format: str | None) -> Any:
    """The ``float128`` (``np.longdouble``) number date column *field* of a
    Dask frame as ``float64``, read then as float dates are (``YYYYMMDD``,
    or in *date_format*), as the pandas path reads it; a value float64
    does not hold exactly has a fraction or is past 2**53, so it is no
    date, and is refused in the words of the pandas path."""
    import pandas as pd

    def narrow(part: pd.Series) -> pd.Series:
        values = part.to_numpy()
        with np.errstate(all="ignore"):
            out = values.astype(np.float64)
            held = (out == values) | np.isnan(values)
        if not held.all():
            first = str(values[int(np.argmin(held))])
            problem, fix = _number_refusal(first, date_format)
            raise InputError(field, f"{problem}, such as {first}", fix=fix)
        return pd.Series(out, index=part.index, name=part.name)

    return native[field].map_partitions(narrow, meta=(field, "f8"))


def _dask_wide_ids(native: Any, field: str, what: str) -> Any:
    """The ``float128`` (``np.longdouble``) id column *field* of a Dask
    frame read as :func:`custseg.summary._wide_ids` reads the pandas one
    (one more pass over the column to choose for every partition alike):
    ``float64`` when it holds every id exactly, ``int64`` when every id is
    a whole number within its range, else refused (float64 would make two
    ids one customer)."""
    import pandas as pd

    from .summary import wide_id_error

    def kinds(part: pd.Series) -> pd.Series:
        values = part.to_numpy()
        with np.errstate(all="ignore"):
            held = (values.astype(np.float64) == values) | np.isnan(values)
            whole = np.isfinite(values) & (values == np.trunc(values))
            within = whole & (np.abs(np.where(whole, values, 0)) < 2**63)
        n = int((~held).sum())
        first = values[int(np.argmin(held))] if n else None
        return pd.Series([(n, bool(within.all()), first)], dtype=object)

    found = native[field].map_partitions(kinds, meta=(field, object)).compute().tolist()
    dtype: np.dtype[Any]
    if not any(n for n, _, _ in found):
        dtype = np.dtype(np.float64)
    elif all(within for _, within, _ in found):
        dtype = np.dtype(np.int64)
    else:
        first = next(x for n, _, x in found if n)
        raise wide_id_error(field, what, first, None, sum(n for n, _, _ in found))

    def read(part: pd.Series) -> pd.Series:
        return pd.Series(
            part.to_numpy().astype(dtype), index=part.index, name=part.name
        )

    return native[field].map_partitions(read, meta=(field, dtype))


def _wide_float(dtype: Any) -> bool:
    """Whether a pandas dtype is a NumPy float wider than float64
    (``np.longdouble``), which narwhals does not read as a number."""
    return isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize > 8


def _arrow_narrow_float(dtype: Any) -> bool:
    """Whether a pandas dtype is an Arrow ``float32``."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return False
    import pyarrow as pa

    return bool(pa.types.is_float32(arrow))


def _object_id_column(ids: np.ndarray, field: str, what: str) -> tuple[Any, bool]:
    """The object ids *ids* of a pandas frame given to ``dd.from_pandas``
    as :func:`~custseg.summarize` reads them, for Dask (which would make
    them text: ``2.0`` and ``-0.0`` would be the customers ``'2.0'`` and
    ``'-0.0'``), and whether they became the text of integers.

    Mixed kinds, unhashable values and booleans are refused as
    :func:`~custseg.summarize` refuses them. Integers become ``int64``
    (pandas' ``Int64`` beside missing ids, which the first pass refuses),
    or their text when some are beyond 64 bits (made integers again when
    collected: :func:`_collected`); floats become ``float64`` (``-0.0``
    and ``0.0`` one customer, whole numbers integer ids when collected);
    text stays Dask's (None: nothing to change). Ids of other types
    (``Decimal``, ``bytes``, dates), which pandas keeps as objects, are
    refused: Dask would make them text."""
    import pandas as pd

    from .summary import _check_id_kinds, _id_kind

    _check_id_kinds(ids, field, what)
    kinds = [_id_kind(x) for x in ids.tolist()]
    found = {k for k in kinds if k is not None}
    if not found or found == {"str"}:
        return None, False
    kind = found.pop()
    if kind == "float":
        return np.asarray(
            [
                np.nan if k is None else float(x)
                for x, k in zip(ids, kinds, strict=True)
            ],
            dtype=np.float64,
        ), False
    if kind == "int":
        ints = [None if k is None else int(x) for x, k in zip(ids, kinds, strict=True)]
        known = [i for i in ints if i is not None]
        if all(-(2**63) <= i < 2**63 for i in known):
            if len(known) < len(ints):
                return pd.array(ints, dtype="Int64"), False
            return np.asarray(ints, dtype=np.int64), False
        # no Dask integer type holds them: their text, exact, made integers
        # again (and sorted as numbers) when the customer table is collected
        text = np.asarray([None if i is None else str(i) for i in ints], dtype=object)
        return text, True
    raise _object_ids_error(field, kind, what)


def _object_ids_error(field: str, kind: str, what: str) -> InputError:
    """InputError for object ids of a Python type Dask cannot hold as ids."""
    return InputError(
        field,
        f"holds Python {kind} values as {what} ids, which custseg does not read "
        f"in a Dask frame (Dask makes them text, so b'1' and '1', or "
        f"Decimal('1.0') and '1.0', would print alike)",
        fix=f"convert the ids to text or integers in pandas before dd.from_pandas "
        f"(e.g. df[{field!r}].astype(str)), or pass the pandas DataFrame, "
        f"where such ids are read as they are",
    )


def _not_text(col: pd.Series) -> bool:
    """Whether an object column holds some value that is not text (or
    missing): Python datetimes or dates, numbers."""
    return any(
        not isinstance(x, str) and not v.is_missing_scalar(x) for x in col.tolist()
    )


def _object_dates(col: pd.Series, field: str, date_format: str | None) -> pd.Series:
    """An object column of dates (Python datetimes, naive or aware, dates,
    numbers, text among them) parsed as the pandas path parses it, at the
    local wall-clock time of aware ones; missing dates are NaT (refused by
    the first pass)."""
    from ._files import parse_date_column

    parsed = parse_date_column(col, field, date_format=date_format)
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _per_partition(fn: Callable[[Any], Any]) -> Callable[..., Any]:
    """*fn* (a Series of one partition to a Series) for ``map_partitions``,
    an :class:`InputError` it raises told in the rows of its partition:
    the row numbers and counts *fn* finds are those of the partition
    alone (its row 0 is no row 0 of the frame), so they are given as such,
    with the partition's number."""

    def run(part: Any, partition_info: dict[str, Any] | None = None) -> Any:
        try:
            return fn(part)
        except InputError as err:
            if err.first_row is None:
                raise
            number = (partition_info or {}).get("number")
            where = "a partition" if number is None else f"partition {number}"
            counted = (
                "" if err.n_rows is None else f", {err.n_rows} of its rows affected"
            )
            raise InputError(
                err.field,
                f"{err.problem} (in {where} of the Dask frame: first at its row "
                f"{err.first_row}{counted})",
                fix=err.fix,
            ) from None

    return run


def _dask_object_dates(native: Any, field: str, date_format: str | None) -> Any:
    """The object date column *field* of a Dask frame (built with
    ``convert-string`` off) parsed per partition as the pandas path parses
    it (:func:`_object_dates`), in the finest unit a partition needs
    (``[s]`` for dates alone, as pandas holds them): one more pass over the
    column to find that unit."""
    import pandas as pd

    def unit(part: pd.Series) -> pd.Series:
        parsed = _object_dates(part, field, date_format)
        return pd.Series([parsed.dt.unit], dtype=object)

    found = set(
        native[field]
        .map_partitions(_per_partition(unit), meta=(field, object))
        .compute()
    )
    finest = max(found, key=["s", "ms", "us", "ns"].index, default="us")

    dtype = np.dtype(f"datetime64[{finest}]")

    def parse(part: pd.Series) -> pd.Series:
        return _object_dates(part, field, date_format).astype(dtype)

    return native[field].map_partitions(_per_partition(parse), meta=(field, dtype))


def _dask_id_kinds(native: Any, field: str, what: str) -> tuple[dict[str, Any], bool]:
    """The object column of ids *field* of a Dask frame checked (one kind of
    id; *what*: ``customer`` or ``order``, for the message) and, when it
    holds only integers, floats or booleans, the column of that type
    (integers beyond 64 bits as their text: then also True)."""
    import pandas as pd

    from .summary import _ID_FIX, _id_kind

    def kinds(part: pd.Series) -> pd.Series:
        counts: dict[str, int] = {}
        for x in part.tolist():
            kind = _id_kind(x)
            key = "missing" if kind is None else kind
            counts[key] = counts.get(key, 0) + 1
            if kind == "int" and not -(2**63) <= int(x) < 2**63:
                counts[" wide"] = counts.get(" wide", 0) + 1
        return pd.Series([counts], dtype=object)

    parts = native[field].map_partitions(kinds, meta=(field, object))
    found: dict[str, int] = {}
    for counts in parts.compute().tolist():
        for kind, n in counts.items():
            found[kind] = found.get(kind, 0) + n
    # missing ids (None, NaN) are counted and refused by the first pass
    missing = found.pop("missing", 0)
    wide = found.pop(" wide", 0)
    if len(found) > 1:
        ranked = sorted(found, key=lambda k: -found[k])
        listed = ", ".join(
            f"{k} ({found[k]} row{'s' if found[k] != 1 else ''})" for k in ranked
        )
        made = _made_text(native, field) if "str" in found else None
        nouns = {"int": "integers", "float": "floats"}
        noun = nouns.get(made, f"{made} values") if made else ""
        raise InputError(
            field,
            f"mixes ids of different types: {listed}; ids of different "
            f"types are never one {what}, even when they print alike"
            + (
                f" (its text ids include the {noun} of an object column of a "
                "pandas frame this Dask frame was computed from, which "
                "dd.from_pandas made text)"
                if made
                else ""
            ),
            n_rows=sum(found[k] for k in ranked[1:]),
            fix=(
                "convert that object column in pandas before dd.from_pandas "
                "(.astype('int64') for integers, .astype('float64') for "
                "floats), or make every id text"
                if made
                else _ID_FIX
            ),
        )
    if set(found) == {"bool"}:  # refused as booleans by the schema check
        return {field: native[field].astype("bool")}, False
    if set(found) == {"int"} and wide:
        # beyond 64 bits: their text, made integers again when collected

        def text(part: pd.Series) -> pd.Series:
            out = [None if _id_kind(x) is None else str(int(x)) for x in part.tolist()]
            return pd.Series(out, index=part.index, name=part.name, dtype=object)

        return {field: native[field].map_partitions(text, meta=(field, object))}, True
    if set(found) == {"int"}:  # beside missing ones: pandas' nullable ints
        return {field: native[field].astype("Int64" if missing else "int64")}, False
    if set(found) == {"float"}:
        return {field: native[field].astype("float64")}, False
    if found and set(found) != {"str"}:
        raise _object_ids_error(field, next(iter(found)), what)
    return {}, False


def _arrow_zone(dtype: Any) -> Any:
    """The tzinfo of a pandas Arrow ``timestamp`` dtype with a zone, else
    None (``+08:00`` too: :func:`custseg._validate.zone_named`)."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return None
    import pyarrow as pa

    if not pa.types.is_timestamp(arrow) or arrow.tz is None:
        return None
    return v.zone_named(arrow.tz)


def _wall_times(part: pd.Series) -> pd.Series:
    """An Arrow-backed aware timestamp Series as its local wall-clock times
    (naive ``datetime64`` of its unit), converted by pandas: Arrow's own
    conversion loses summer time before 1902 and from 2038 on."""
    import pandas as pd

    unit = getattr(part.dtype, "pyarrow_dtype").unit  # noqa: B009 (typed Any)
    zone = _arrow_zone(part.dtype)
    instants = pd.Series(
        part.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(f"datetime64[{unit}]"),
        index=part.index,
        name=part.name,
    )
    return instants.dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)


def _arrow_date(dtype: Any) -> bool:
    """Whether a pandas dtype is an Arrow ``date32`` / ``date64``."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return False
    import pyarrow as pa

    return bool(pa.types.is_date(arrow))


def _object_categories(native: Any, field: str) -> bool:
    """Whether the column *field* of Dask frame *native* is a categorical
    one whose categories are Python objects that are not all text
    (``pd.Categorical([1, "1"])``, dates, Decimals): narwhals reads it as
    text (``1`` and ``"1"`` one customer ``'1'``), where the pandas path
    reads the values (and refuses ids of mixed types). Categories Dask
    does not know yet are asked for (one pass over the column).

    >>> import pytest
    >>> dd = pytest.importorskip("dask.dataframe")
    >>> import pandas as pd
    >>> mixed = pd.Categorical([1, "1"], categories=pd.Index([1, "1"], dtype=object))
    >>> frame = dd.from_pandas(pd.DataFrame({"c": mixed, "t": pd.Categorical(["1", "2"])}), npartitions=1)
    >>> _object_categories(frame, "c"), _object_categories(frame, "t")
    (True, False)
    """
    import pandas as pd

    column = native[field]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return False
    if not getattr(column.cat, "known", True):
        column = column.cat.as_known()
    categories = column.dtype.categories
    return bool(categories.dtype == object) and not all(
        isinstance(c, str) for c in categories
    )


def _dask_category_ids(native: Any, field: str) -> dict[str, Any]:
    """The categorical column *field* of a Dask frame (ids, dates or
    amounts) as its categories' values when they are numbers or dates
    (integer categories stay integers, as the pandas path reads them;
    missing ones as pandas' nullable integers, refused by the first pass;
    time-zone-aware dates as their local wall-clock times, as an aware
    column is read; pandas' nullable ``Int64`` or ``boolean`` categories
    as such), else nothing (text categories are read as text)."""
    import pandas as pd

    column = native[field]
    if not getattr(column.cat, "known", True):
        # astype("category") in Dask: categories not known until computed
        # (a pass over the ids); read as text they would turn the integer
        # ids 5, 9, 10 into '10', '5', '9'
        column = column.cat.as_known()
    dtype = column.dtype
    values = dtype.categories.dtype
    if not isinstance(values, np.dtype):
        # extension types: aware dates (as the column of them is read: the
        # local wall-clock time), pandas' nullable numbers and booleans
        if isinstance(values, pd.DatetimeTZDtype):
            return {field: column.astype(values).dt.tz_localize(None)}
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            return {field: column.astype(values)}
        return {}  # text: read as text
    if values.kind not in "iufbmM":
        return {}  # text: read as text
    if values.kind in "iu":
        target: Any = pd.api.types.pandas_dtype(
            f"{'U' if values.kind == 'u' else ''}Int{8 * values.itemsize}"
        )
    elif values.kind == "b":
        target = pd.BooleanDtype()  # refused as booleans by the schema check
    else:
        target = values
    return {field: column.astype(target)}


def has_object(frame: Any, name: Hashable | None) -> bool:
    """Whether pandas-like *frame* has an object column *name*."""
    return (
        isinstance(name, str) and name in frame.columns and frame[name].dtype == object
    )


def _dask_source(native: Any) -> pd.DataFrame | None:
    """The pandas frame behind ``dd.from_pandas(df)`` when Dask turns its
    object columns into text (``dataframe.convert-string``, on by default),
    which loses the types of mixed ids and Decimal amounts; None for any
    other Dask frame (read from files, or computed)."""

    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        expr: Any = native.expr
        if isinstance(expr, FromPandas):
            return _converted_source(expr)
    except Exception:  # pragma: no cover - another Dask version: no source
        return None
    return None


def _converted_source(expr: Any) -> pd.DataFrame | None:
    """The pandas frame of a ``FromPandas`` expression whose object columns
    Dask made text, or None."""
    import pandas as pd

    operand = getattr(expr, "operand", None)
    if (
        operand is not None
        and operand("pyarrow_strings_enabled")
        and operand("_partitions") is None
    ):
        source = operand("frame")
        source = getattr(source, "_data", source)  # Dask's wrapper
        if isinstance(source, pd.DataFrame) and any(
            pd.api.types.is_object_dtype(t) for t in source.dtypes
        ):
            return source
    return None


def _check_derived_ids(native: Any, name: Hashable, what: str = "customer") -> None:
    """Refuse a Dask frame computed from ``dd.from_pandas(df)`` (a filter, an
    assign) when *df*'s object ids (in column *name*, of *what*: customers
    or orders) mix types: Dask made them text, so ``1`` and ``"1"`` would
    be one customer, and the frame no longer tells."""
    from .summary import _check_id_kinds, _id_kind

    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        found = [_converted_source(e) for e in native.expr.find_operations(FromPandas)]
    except Exception:  # pragma: no cover - another Dask version: no sources
        return
    for source, column in (
        (source, column)
        for source in found
        if source is not None
        for column in _lineage(native.expr, name)
    ):
        if not has_object(source, column):
            continue
        ids = source[column].to_numpy(dtype=object)
        try:
            _check_id_kinds(ids, str(name), what)
        except InputError as err:
            raise InputError(
                err.field,
                f"{err.problem}, in the pandas frame this Dask frame was computed "
                f"from (dd.from_pandas made them text, which would make 1 and "
                f"'1' one {what})",
                n_rows=err.n_rows,
                fix=err.fix,
            ) from None
        kinds = {_id_kind(x) for x in ids.tolist()} - {None, "int", "str"}
        if kinds and _text_column(native, name):
            # the text of an integer is that integer's alone, but 0.0 and
            # -0.0 (or Decimal('1') and Decimal('1.0')) would be two customers
            raise InputError(
                str(name),
                f"holds {kinds.pop()} {what} ids in the pandas frame this Dask "
                "frame was computed from, which dd.from_pandas made text "
                f"('0.0' and '-0.0' would be two {what}s)",
                fix="convert the ids in pandas before dd.from_pandas "
                "(df[col].astype('float64') for floats, .astype(str) for "
                "others), or pass the frame dd.from_pandas made itself",
            )
    if _text_column(native, name):
        _check_sources_agree(native, name, what)


def _made_text(native: Any, name: Hashable) -> str | None:
    """The kind (``"int"``, ``"float"``) of the ids that are not text in an
    object column (traced through renames and assigns to column *name*) of
    a pandas frame Dask frame *native* was computed from by
    ``dd.from_pandas``, which Dask made text (``convert-string``), or None:
    the text ids of *native* then hold such ids written as text."""
    from .summary import _id_kind

    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        sources = [
            _converted_source(e) for e in native.expr.find_operations(FromPandas)
        ]
    except Exception:  # pragma: no cover - another Dask version: no sources
        return None
    lineage = _lineage(native.expr, name)
    for source in sources:
        if source is None:
            continue
        for column in lineage:
            if has_object(source, column):
                for x in source[column].to_numpy(dtype=object).tolist():
                    kind = _id_kind(x)
                    if kind is not None and kind != "str":
                        return kind
    return None


#: pandas' ``infer_dtype`` of an object column of ids of one kind, as the
#: kind :func:`custseg.summary._id_kind` gives each of its ids
_INFERRED_KINDS = {"string": "str", "integer": "int", "floating": "float"}


def _check_sources_agree(native: Any, name: Hashable, what: str = "customer") -> None:
    """Refuse a Dask frame computed from several ``dd.from_pandas`` frames
    (``dd.concat`` of them, a merge) whose ids in column *name* (of *what*)
    are of one kind in each frame but of different kinds across them:
    integer ids of an object column, which Dask made text, beside text ids
    of another frame would make ``1`` and ``"1"`` one customer, as no
    frame alone shows. Each frame is checked on its own by
    :func:`_check_derived_ids`; here the kinds of all of them are counted
    together, as :func:`~custseg.summarize` counts them in the frame
    ``pd.concat`` makes of them."""
    import pandas as pd

    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        frames = []
        for expr in native.expr.find_operations(FromPandas):
            frame = expr.operand("frame")
            frames.append(getattr(frame, "_data", frame))  # Dask's wrapper
    except Exception:  # pragma: no cover - another Dask version: no sources
        return
    from .summary import _id_kind

    lineage = _lineage(native.expr, name)
    # sources that are not pandas frames (files read by dd.read_parquet,
    # dd.read_csv, ...) whose column of the lineage is text: their ids are
    # text, which the text Dask made of another frame's integers would meet
    read = _text_sources(native.expr, lineage)
    if len(frames) + len(read) < 2:
        return  # (one frame: its ids are checked by _check_derived_ids)
    counts: dict[str, int] = {}
    for frame in frames:
        if not isinstance(frame, pd.DataFrame):
            continue
        # the column the ids came from: the earliest name of the lineage the
        # frame has (an assign from another column overwrote *name*)
        present = [c for c in lineage if c in frame.columns]
        if not present or not isinstance(frame[present[-1]], pd.Series):
            continue
        col = frame[present[-1]]
        if col.dtype == object:
            # one kind (what each frame mostly holds): counted in C
            kind = _INFERRED_KINDS.get(pd.api.types.infer_dtype(col, skipna=True))
            if kind is not None:
                n = int(col.notna().sum())
                counts[kind] = counts.get(kind, 0) + n
                continue
            for x in col.to_numpy(dtype=object).tolist():
                kind = _id_kind(x)
                if kind is not None:
                    counts[kind] = counts.get(kind, 0) + 1
        elif pd.api.types.is_string_dtype(col.dtype) and not isinstance(
            col.dtype, pd.CategoricalDtype
        ):
            n = int(col.notna().sum())
            if n:
                counts["str"] = counts.get("str", 0) + n
    if read and set(counts) - {"str"}:
        kind = min(set(counts) - {"str"})
        raise InputError(
            str(name),
            f"holds {kind} {what} ids ({counts[kind]} row"
            f"{'s' if counts[kind] != 1 else ''}) in a pandas frame this Dask "
            f"frame was computed from, which dd.from_pandas made text, beside "
            f"the text ids of a frame read from files ({', '.join(read)}), as "
            f"dd.concat or a merge gives: 1 and '1' would be one {what}",
            n_rows=counts[kind],
            fix="convert the ids to one type before combining the frames "
            "(df[col].astype(str) in pandas before dd.from_pandas for text "
            "ids, or read the files' ids as integers: dtype={col: 'int64'})",
        )
    if len(counts) > 1:
        ranked = sorted(counts, key=lambda k: (-counts[k], k))
        listed = ", ".join(
            f"{k} ({counts[k]} row{'s' if counts[k] != 1 else ''})" for k in ranked
        )
        raise InputError(
            str(name),
            f"mixes ids of different types across the pandas frames this Dask "
            f"frame was computed from (dd.concat of dd.from_pandas frames, a "
            f"merge): {listed}; dd.from_pandas made them text, which would make "
            f"1 and '1' one {what}",
            n_rows=sum(counts[k] for k in ranked[1:]),
            fix="convert the ids to one type in every pandas frame before "
            "dd.from_pandas (.astype(str) for text ids, .astype('int64') for "
            "integer ones)",
        )


def _text_sources(expr: Any, lineage: list[Hashable]) -> list[str]:
    """The sources of Dask expression *expr* other than pandas frames whose
    column of *lineage* (see :func:`_lineage`) is text, as the messages
    name them (``dd.read_parquet``)."""
    import pandas as pd

    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        leaves = [n for n in expr.walk() if not n.dependencies()]
    except Exception:  # pragma: no cover - another Dask version: no sources
        return []
    out = []
    for leaf in leaves:
        if isinstance(leaf, FromPandas):
            continue
        meta = getattr(leaf, "_meta", None)
        if not isinstance(meta, pd.DataFrame):
            continue
        present = [c for c in lineage if c in meta.columns]
        if not present:
            continue
        dtype = meta[present[-1]].dtype
        if pd.api.types.is_string_dtype(dtype) and not isinstance(
            dtype, pd.CategoricalDtype
        ):
            kind = type(leaf).__name__
            out.append(
                "dd.read_parquet"
                if "Parquet" in kind
                else "dd.read_csv or another reader"
                if "FromMap" in kind
                else kind
            )
    return sorted(set(out))


def _lineage(expr: Any, name: Hashable) -> list[Hashable]:
    """The columns of the frames a Dask expression was computed from that
    its column *name* may be a copy of: *name*, the names it had before a
    ``rename``, and the columns an ``assign`` of it read (``ddf.assign(
    customer_id=ddf.cid)``), so that the source's object column is checked
    whatever it is called now. Unknown operations add nothing."""
    names: list[Hashable] = [name]
    try:
        nodes = list(expr.walk())
    except Exception:  # pragma: no cover - another Dask version
        return names
    for _ in range(len(nodes)):  # until no name is added (a few rounds)
        grown = False
        for node in nodes:
            kind = type(node).__name__
            found: list[Hashable] = []
            if kind == "RenameFrame":
                mapping = node.operand("columns")
                if isinstance(mapping, Mapping):
                    found = [old for old, new in mapping.items() if new in names]
            elif kind == "Assign":
                ops = node.operands[1:]  # key, value, key, value ...
                for key, value in zip(ops[::2], ops[1::2], strict=False):
                    if key in names and hasattr(value, "walk"):
                        found += [
                            col
                            for sub in value.walk()
                            if type(sub).__name__ == "Projection"
                            for col in _projected(sub.operand("columns"))
                        ]
            new = [f for f in found if f not in names]
            names += new
            grown = grown or bool(new)
        if not grown:
            break
    return names


def _projected(columns: Any) -> list[Hashable]:
    """The column names of a Dask ``Projection`` (one name, or a list)."""
    if isinstance(columns, list | tuple):
        return list(columns)
    return [columns]


def _text_column(native: Any, name: Hashable) -> bool:
    """Whether Dask frame *native* has column *name* as text still (not
    converted since ``dd.from_pandas`` made it text)."""
    import pandas as pd

    return name in native.columns and pd.api.types.is_string_dtype(native.dtypes[name])


def _check_derived_dates(native: Any, name: Hashable) -> None:
    """Refuse a Dask frame computed from ``dd.from_pandas(df)`` when *df*'s
    object date column *name* holds Python datetimes, dates or numbers:
    Dask made them text (``str`` of a datetime, with or without its
    microseconds and offset), which is no format of the data's."""
    try:
        from dask.dataframe.dask_expr.io.io import FromPandas

        found = [_converted_source(e) for e in native.expr.find_operations(FromPandas)]
    except Exception:  # pragma: no cover - another Dask version: no sources
        return
    for source, column in (
        (source, column)
        for source in found
        if source is not None
        for column in _lineage(native.expr, name)
    ):
        if (
            has_object(source, column)
            and _text_column(native, name)
            and _not_text(source[column])
        ):
            raise InputError(
                str(name),
                "holds Python datetimes (or dates, numbers) in the pandas frame "
                "this Dask frame was computed from, which dd.from_pandas made "
                "text",
                fix="convert them in pandas before dd.from_pandas "
                "(pandas.to_datetime, or custseg.frame.parse_date_column), or "
                "pass the frame dd.from_pandas made itself",
            )


def _check_arrow_ints(lf: Any, field: str) -> None:
    """Refuse integer amounts beyond 2**53 in Arrow, whose cast to float64
    refuses them (other engines cast and :func:`_check_exact_sums` refuses
    the sums), with the InputError :func:`~custseg.summarize` gives."""
    nw = _narwhals()
    if not _holds_past_exact(lf.collect_schema()[field]):
        return  # (a narrow type: 2**53 is no value of it, nor a literal of it)
    big = _int_inexact(lf, field)
    count = lf.select(big.cast(nw.Int64).sum().alias("n")).collect().item()
    if count:
        raise _rows_error(
            field,
            "has integers beyond 2**53, which float64 sums do not hold exactly",
            int(count),
            fix="scale the amounts down (e.g. to thousands), or convert them to "
            "float yourself if rounding them is acceptable",
        )


def _rolled_dates(cols: _Columns, fmt: str) -> Any:
    """Where a parsed date does not print back as its text (Boolean).

    Arrow's parser rolls impossible days over (2024-02-30 is read as
    2024-03-01) where every other engine, and pandas, refuse them. Formatted
    back, such a date differs from its text; the comparison ignores case,
    surrounding spaces and leading zeros of numbers (``2024-1-5`` parses
    too). Formats with a zone or fractions are not checked.
    """
    nw = _narwhals()
    if any(f in fmt for f in ("%z", "%Z", "%f", "%:z")):
        return nw.lit(False)
    col = nw.col(cols.q(cols.date))
    text = col if cols.date_kind == "str" else _number_text(col, cols, fmt)
    if cols.iso_mixed:
        # ISO text of several shapes: compared as _iso_text writes it
        text, _ = _iso_text(
            text.str.replace_all(_ENDS_BLANK, "", literal=False), cols.backend
        )

    def norm(x: Any) -> Any:
        x = x.str.replace_all(_ENDS_BLANK, "", literal=False).str.to_lowercase()
        # a run of blanks is one, as strptime reads a blank of the format
        x = x.str.replace_all(f"[{_BLANKS}]+", " ", literal=False)
        return x.str.replace_all(r"(^|\D)0+(\d)", r"\1\2", literal=False)

    parsed = _date_expr(cols, fmt)
    if cols.date_format is None and cols.date_kind == "str" and fmt.endswith(":%S"):
        # ISO text with or without a fraction (read by _text_parts): the
        # day and time to the second compared, the fraction dropped
        text = text.str.replace_all(r"\.[0-9]*$", "", literal=False)
        parsed = parsed.dt.truncate("1s")
    parsed = parsed.cast(nw.Datetime("s"))
    back = parsed.dt.to_string(fmt)
    return (~parsed.is_null() & (norm(back) != norm(text))).fill_null(False)


def _int_inexact(lf: Any, name: str) -> Any:
    """Where an integer amount is beyond 2**53 (Boolean), compared in the
    column's own type (unsigned columns with an unsigned literal)."""
    nw = _narwhals()
    col = nw.col(name)
    dtype = lf.collect_schema()[name]
    if not _holds_past_exact(dtype):
        return nw.lit(False)
    if dtype.is_unsigned_integer():
        # compared as unsigned: Arrow casts a signed literal's operands to
        # int64, which refuses values past 2**63 - 1 (those are past 2**53
        # too: the same error as custseg.summarize's for a uint64 column)
        return col > nw.lit(_EXACT, dtype)
    return (col > _EXACT) | (col < -_EXACT)


def _holds_past_exact(dtype: Any) -> bool:
    """Whether the integer type *dtype* holds values beyond 2**53: not the
    types of 32 bits or fewer, of which 2**53 is no value (an engine
    refuses it as a literal of their type: ``Integer value
    9007199254740992 not in range: 0 to 255``)."""
    nw = _narwhals()
    narrow = (nw.Int8, nw.Int16, nw.Int32, nw.UInt8, nw.UInt16, nw.UInt32)
    return not any(dtype == t for t in narrow)


#: The split of an amount's absolute value into high and low parts, summed
#: apart in Int64 (exact, and far from overflow) by :func:`_check_exact_sums`.
_HALF = 2**26


def _check_exact_sums(base: Any, c: str, field: str) -> None:
    """Refuse integer amounts whose sum of absolute values per customer
    passes 2**53 (the float64 sums may round), as :func:`~custseg.summarize`
    does; one more aggregate, run only when the whole column's bound fails.

    Every amount is at most 2**53 here (larger ones are refused first), so
    ``_a`` holds it exactly; the bound is summed in integers, split in two
    parts of 26 and 27 bits (a Float64 sum would round 2**53 + 1 down)."""
    nw = _narwhals()
    whole = nw.col("_a").abs().cast(nw.Int64)
    half = nw.lit(_HALF, nw.Int64)
    sums = (
        base.with_columns(
            (whole // half).alias("_hi"),
            (whole % half).alias("_lo"),
        )
        .group_by(c)
        .agg(nw.col("_hi").sum(), nw.col("_lo").sum())
    )
    hi = nw.col("_hi") + nw.col("_lo") // half
    lo = nw.col("_lo") % half
    limit = _EXACT // _HALF
    bad = (
        sums.filter((hi > limit) | ((hi == limit) & (lo > 0)))
        .select(nw.len().alias("n"))
        .collect()
        .item()
    )
    if bad:
        raise InputError(
            field,
            f"has integers whose sum for {bad} customer{'s' if bad != 1 else ''} "
            "may pass 2**53, beyond which float64 sums are not exact",
            fix="scale the amounts down (e.g. to thousands), or convert them to "
            "float yourself if rounding them is acceptable",
        )


@contextmanager
def _parsing(
    cols: _Columns,
    fmt: str | None,
    dates_alone: Callable[[], Any] | None = None,
    example: Callable[[], str | None] | None = None,
) -> Iterator[None]:
    """Turn an engine's refusal to parse text dates into InputError; when
    *dates_alone* (the dates computed without the other columns) runs
    without the error, the fault is elsewhere (an id or amount expression
    the engine cannot compute), and the error says so instead of blaming
    the dates. *example* finds a value as written that is not of *fmt*
    (see :func:`_date_refusal`)."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        if cols.date_kind not in ("str", "int", "float"):
            raise
        if type(exc).__name__ == "ColumnNotFoundError":  # not the date's fault
            raise
        text = str(exc).strip()
        first = text.splitlines()[0][:200] if text else ""
        if dates_alone is not None:
            try:
                dates_alone()
            except Exception:
                pass  # the dates fail alone too: theirs is the error
            else:
                raise InputError(
                    "transactions",
                    "could not be computed by the engine, though the dates "
                    f"parse (the engine says: {first or type(exc).__name__})",
                    fix="check the customer id and amount columns: an "
                    "expression in them that fails for some rows (a cast of "
                    "text that is no number, an overflow) fails the query",
                ) from None
        raise _date_refusal(cols, fmt, example, engine_says=first) from None


def _first_pass(
    base: Any,
    cols: _Columns,
    end_day: int | None,
    fmt: str | None,
    example: Callable[[], str | None] | None = None,
) -> dict[str, Any]:
    """Row count, NULL and bad-value counts, latest date: one aggregate."""
    nw = _narwhals()
    d = nw.col("_d")
    a = nw.col("_a")
    exprs = [
        nw.len().alias("n"),
        (d.is_null() & ~nw.col("_d_null")).cast(nw.Int64).sum().alias("bad_date"),
        nw.col("_d_null").cast(nw.Int64).sum().alias("null_date"),
        (a.is_null() | a.is_nan()).cast(nw.Int64).sum().alias("null_amount"),
        (~a.is_null() & ~a.is_nan() & ~a.is_finite())
        .cast(nw.Int64)
        .sum()
        .alias("inf_amount"),
        a.abs().max().alias("max_abs"),
    ]
    # dates Python cannot hold (DuckDB's infinite dates, years past 9999 or
    # before 1) are counted, and left out of the latest date (collected as a
    # Python datetime); those after as_of are dropped or refused as such
    readable = _readable_dates(d, cols)
    exprs.append(nw.when(readable).then(d).max().alias("max_date"))
    far = ~d.is_null() & ~readable
    kept = a
    before = None  # every row is used
    if end_day is not None:
        before = _before_day(d, end_day, cols)
        later = _before_day(d, end_day, cols, after=True)
        exprs.append(later.cast(nw.Int64).sum().alias("n_after"))
        kept = nw.when(before).then(a).otherwise(nw.lit(0.0))
        far = far & before
    exprs.append(far.fill_null(False).cast(nw.Int64).sum().alias("far_date"))
    if cols.amount_kind in ("float", "decimal"):
        exprs += _scale_checks(kept)
    # missing ids of the rows used (those after as_of are dropped unread, as
    # the pandas path drops them before it groups)
    ids = [(_KEY, cols.id_kind, "null_id")]
    if cols.order_kind is not None:
        ids.append((_ORDER, cols.order_kind, "null_order"))
    for name, kind, alias in ids:
        missing = _missing_ids(name, kind)
        if before is not None:
            missing = (missing & before).fill_null(False)
        exprs.append(missing.cast(nw.Int64).sum().alias(alias))
    schema = base.collect_schema()
    if "_d_rolled" in schema:
        exprs.append(nw.col("_d_rolled").cast(nw.Int64).sum().alias("rolled"))
    if "_a_big" in schema:
        exprs.append(
            nw.col("_a_big").fill_null(False).cast(nw.Int64).sum().alias("big")
        )
    if "_a_inexact" in schema:
        inexact = nw.col("_a_inexact").fill_null(False).cast(nw.Int64)
        exprs.append(inexact.sum().alias("inexact"))

    def dates_alone() -> Any:
        return base.select(nw.col("_d").is_null().cast(nw.Int64).sum()).collect()

    with _parsing(cols, fmt, dates_alone, example):
        row = base.select(*exprs).collect().rows(named=True)[0]
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("max_date", "max_abs", "abs_sum", "top", "low"):
            out[key] = value
        else:
            out[key] = 0 if value is None else int(value)
    out["plan"] = _SumPlan()  # integers: the engine's sum is exact
    if cols.amount_kind in ("float", "decimal"):
        out["plan"] = _sum_plan(out, out["n"] - out.get("n_after", 0))
    return out


def _sql_name(name: Any) -> str:
    """*name* as an SQL identifier: as it is when it is a plain one
    (``customer_id``), else in double quotes (``"Customer ID"``: an export's
    column with a space, which unquoted is a syntax error).

    >>> _sql_name("customer_id"), _sql_name("Customer ID")
    ('customer_id', '"Customer ID"')
    """
    text = str(name)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        return text
    return '"' + text.replace('"', '""') + '"'


def _drop_missing_fix(name: Any, kind: str | None) -> str:
    """How to drop the rows whose id in column *name* is missing: NULL, and
    NaN for floats, which ``drop_nulls`` and ``IS NOT NULL`` keep. Only the
    rows missing *that* column's value: ``df.drop_nulls()`` alone drops a
    row with a null anywhere (an order line without a description), and
    with it a customer's purchase.

    >>> _drop_missing_fix("customer_id", "str")
    "is null: polars df.drop_nulls('customer_id'), SQL WHERE customer_id IS NOT NULL"
    >>> print(_drop_missing_fix("Customer ID", "float"))
    is null or NaN: polars df.filter(pl.col('Customer ID').is_not_null() & pl.col('Customer ID').is_not_nan()), SQL WHERE "Customer ID" IS NOT NULL AND NOT isnan("Customer ID")
    """
    sql = _sql_name(name)
    if kind != "float":
        return f"is null: polars df.drop_nulls({name!r}), SQL WHERE {sql} IS NOT NULL"
    return (
        f"is null or NaN: polars df.filter(pl.col({name!r}).is_not_null() & "
        f"pl.col({name!r}).is_not_nan()), SQL WHERE {sql} IS NOT NULL AND NOT "
        f"isnan({sql})"
    )


def _missing_ids(name: str, kind: str) -> Any:
    """Whether the id in column *name* (of *kind*) is missing: NULL, or NaN
    for floats, as in pandas."""
    nw = _narwhals()
    missing = nw.col(name).is_null()
    if kind == "float":
        missing = missing | nw.col(name).is_nan().fill_null(False)
    return missing


def _readable_dates(d: Any, cols: _Columns) -> Any:
    """Whether the dates *d* lie in Python's years 1 to 9999 (Boolean; null
    for a null date). Spark's dates and nanosecond columns cannot leave
    them."""
    import datetime as dt

    nw = _narwhals()
    if cols.backend == "pyspark":
        return ~d.is_null()
    if cols.date_kind == "date":
        return (d >= nw.lit(dt.date.min)) & (d <= nw.lit(dt.date.max))
    if cols.date_kind == "datetime" and cols.date_unit == "ns":
        return ~d.is_null()
    return (d >= nw.lit(dt.datetime.min)) & (d <= nw.lit(dt.datetime.max))


#: Below this, ``rint(a * s)`` and the engine's rounding of ``a * s`` give
#: the same fits and sums: a tie ``m + 1/2`` there is no decimal at ``s``
#: (``fl(m / s)`` and ``fl((m + 1) / s)`` are both more than half a unit in
#: the last place from ``a``), and a decimal at ``s`` is one at ``10 * s``.
_TIE_FREE = float(2**51)


def _rint(y: Any, ties: bool) -> Any:
    """``y`` rounded to a whole number. Engines round ties away from zero
    (DuckDB, Spark, Polars) or to even (PyArrow, pandas); with *ties* they
    are rounded to even, as NumPy's ``rint``: a tie (``r - y`` is exactly a
    half; the difference is exact for ``|y| < 2**52``, and larger doubles
    are whole) is rounded again as twice ``y / 2`` rounded, which is no tie
    and is even. Without *ties* (every ``|y|`` below :data:`_TIE_FREE`,
    where ties change nothing) the engine's own rounding."""
    r = y.round()
    if not ties:
        return r
    nw = _narwhals()
    return nw.when((r - y).abs() == 0.5).then((y * 0.5).round() * 2.0).otherwise(r)


def _unfit(amount: Any, scale: int, ties: bool) -> Any:
    """Whether *amount* is no decimal at *scale* (``rint(a * s) / s != a``)."""
    k = _rint(amount * float(scale), ties)
    return ~(_divide(k, scale) == amount).fill_null(False)


def _scale_checks(amount: Any) -> list[Any]:
    """The first pass's aggregates that find how the amounts are summed
    (:func:`_sum_plan`): per scale of :data:`~custseg._exact.SCALES`, the
    rows that do not round-trip at it (the engine's rounding: exact where
    the plan relies on it, see :data:`_TIE_FREE`), the sum of the
    magnitudes, and the largest and smallest nonzero magnitude (the plan of
    exact sums in limbs)."""
    nw = _narwhals()
    exprs = [
        _unfit(amount, scale, False).cast(nw.Int64).sum().alias(f"unfit_{i}")
        for i, scale in enumerate(SCALES)
    ]
    exprs.append(amount.abs().sum().alias("abs_sum"))
    exprs.append(amount.abs().max().alias("top"))
    exprs.append(nw.when(amount != 0.0).then(amount.abs()).min().alias("low"))
    return exprs


@attrs.frozen
class _SumPlan:
    """How an engine sums each customer's float amounts so that the sum is
    :func:`custseg._exact.order_free_sums`' bit for bit: one decimal *scale*
    for every amount (integers of the last place, divided once), or, per
    customer, the decimal sum at the customer's own scale when all its
    amounts are decimals (sums at the first *scales* scales of
    :data:`~custseg._exact.SCALES`) and else its binary sum: exact *limbs*
    (rounded once when collected), or the engine's float sum when the
    amounts span more binary places than the limbs hold. *ties*: whether
    the roundings must break ties to even (:func:`_rint`). *shared*: the
    decimal sums are all taken at the last of the *scales* (a customer's
    amounts decimals at its own scale are decimals there too, and their sum
    at the larger scale is the same rational, so the same float), which a
    bound on every amount's magnitude (:func:`_sums_fit`) shows exact for
    every customer: one scaled sum and one flag a customer instead of two
    sums a scale and the scale index."""

    scale: int | None = None
    scales: int = 0
    limbs: tuple[int, int, int] | None = None
    ties: bool = False
    shared: bool = False

    def columns(self, prefix: str) -> list[str]:
        """The per-customer aggregates of the sums (:func:`_with_sums`): the
        one sum *prefix* (integers of the last place for one scale, else the
        float sum), or the largest first scale of the customer's amounts
        ``{prefix}_scale``, the sums ``{prefix}_t{i}`` of ``rint(a * s)``
        and ``{prefix}_m{i}`` of its magnitude per scale (*shared*: the sum
        ``{prefix}_t`` at the last scale and ``{prefix}_odd``, whether some
        amount is no decimal there), and the limb sums ``{prefix}_{j}`` (or
        the float sum *prefix* without limbs)."""
        if self.scale is not None or not (self.scales or self.limbs):
            return [prefix]
        out = []
        if self.shared:
            out += [f"{prefix}_t", f"{prefix}_odd"]
        elif self.scales:
            out.append(f"{prefix}_scale")
            for i in range(self.scales):
                out += [f"{prefix}_t{i}", f"{prefix}_m{i}"]
        if self.limbs is not None:
            return out + [f"{prefix}_{j}" for j in range(self.limbs[2])]
        return [*out, prefix]

    def extra(self, prefix: str) -> list[str]:
        """The aggregates :func:`_collected_sums` reads besides the engine's
        own sum (none when that is exact: one scale, or integers)."""
        cols = self.columns(prefix)
        return [] if cols == [prefix] else cols


def _sum_plan(checks: dict[str, Any], n: int) -> _SumPlan:
    """The :class:`_SumPlan` of *n* amounts with the aggregates *checks* of
    :func:`_scale_checks`: one scale for all when the engine's float sum of
    magnitudes proves the scaled integers' sum below 2**52 with room for
    its rounding (near the bound the per-customer plan gives the same sums
    exactly), else per customer. Per customer, the scales are those up to
    the last one a decimal row needs (from the counts of unfit rows, which
    only grow smaller with the scale while every ``|a * s|`` is below
    :data:`_TIE_FREE`), or all of them when some amount is larger; then
    ties are rounded to even as well."""
    top = checks.get("top")
    top = None if top is None else float(top)
    ties = top is not None and top * SCALES[-1] >= _TIE_FREE
    scale = _pick_scale(checks, n)
    if scale is not None and not (top is not None and top * scale >= _TIE_FREE):
        return _SumPlan(scale=scale)
    unfit = [checks[f"unfit_{i}"] for i in range(len(SCALES))]
    scales = len(SCALES)  # with ties: the engine's counts may be off, and a
    # decimal at 100 need not be one at 10**8 past 2**51: every scale
    shared = False
    if not ties:  # the decimal rows are those that fit at the last scale
        scales = 0 if unfit[-1] >= n else 1 + unfit.index(unfit[-1])
        shared = bool(scales) and _sums_fit(checks, SCALES[scales - 1], n)
    low = checks.get("low")
    limbs = None
    if top is not None and low is not None and n:
        low = float(low)
        if math.isfinite(top) and math.isfinite(low) and top != 0.0:
            limbs = _engine_limb_plan(top, low, n)
    return _SumPlan(scales=scales, limbs=limbs, ties=ties, shared=shared)


def _engine_limb_plan(top: float, low: float, n: int) -> tuple[int, int, int] | None:
    """The limb plan ``(p, w, k)`` of :func:`custseg._exact.limb_plan` for
    the engines, without its cap on the number of limbs: amounts spanning
    more binary places (``1e300`` beside ``1e-300``, ``1e308`` beside
    ``5.0``) get more limbs (one more aggregate each) rather than the
    engine's float sum, whose result depends on the row order and can
    cancel (``1e16, 1.0, -1e16`` as 0.0) or overflow (``1e308, 1e308,
    -1e308``) where the exact sum does not. :func:`_limbs` scales each
    amount without overflow for such plans. None only when *n* amounts
    cannot be summed exactly in limbs at all (``w`` below one bit).

    Examples
    --------
    >>> _engine_limb_plan(100.0, 0.01, 1_000)  # as limb_plan
    (-59, 43, 2)
    >>> _engine_limb_plan(1e300, 1e-300, 10)
    (-1049, 49, 42)
    """
    plan = limb_plan(top, low, n)
    if plan is not None:
        return plan
    e_top = int(np.frexp(top)[1])  # top < 2**e_top
    p = int(np.frexp(low)[1]) - 53  # every amount is a multiple of 2**p
    w = 53 - int(n).bit_length()  # n limbs below 2**w sum below 2**53
    if w < 1:
        return None
    return p, w, -(-(e_top - p) // w)


def _pow2(e: int) -> list[float]:
    """Factors whose product is ``2**e``, each a finite double (one, or two
    when ``2**e`` is not: past 2**1023, below 2**-1074), so that multiplying
    by them in turn is exact while the product is a normal double."""
    if e > 1000:
        return [2.0**1000, 2.0 ** (e - 1000)]
    if e < -1000:
        return [2.0**-1000, 2.0 ** (e + 1000)]
    return [2.0**e]


def _pick_scale(checks: dict[str, Any], n: int) -> int | None:
    """The smallest scale every amount round-trips at, when the sum of the
    scaled magnitudes is surely below 2**52 (then exact in any order), or
    None. The engine's float sum of magnitudes is within a relative
    ``n * 2**-52`` of the exact one, and each ``|rint(a * s)|`` within a
    half of ``|a| * s``: both are allowed for (near the bound the
    per-customer plan gives the same sums)."""
    for i, scale in enumerate(SCALES):
        if not checks[f"unfit_{i}"]:
            return scale if _sums_fit(checks, scale, n) else None
    return None


def _sums_fit(checks: dict[str, Any], scale: int, n: int) -> bool:
    """Whether the magnitudes of the *n* amounts scaled by *scale* and
    rounded surely sum below 2**52, from the engine's float sum of the
    magnitudes (see :func:`_pick_scale`)."""
    total = checks["abs_sum"]
    if total is None:  # no rows
        return True
    bound = float(total) * scale * (1.0 + (n + 2) * 2.0**-52) + n
    return bound < _DECIMAL_BOUND


def _limbs(amount: Any, plan: tuple[int, int, int]) -> list[Any]:
    """The *k* limbs of float *amount* (Float64 whole numbers) for the plan
    ``(p, w, k)`` of :func:`_engine_limb_plan`: limb ``j`` is
    ``R(a * 2**-(p + j*w)) - 2**w * R(a * 2**-(p + (j+1)*w))``, the top one
    ``R(a * 2**-(p + (k-1)*w))``, with ``R`` the engine's rounding to a whole
    number. Every step is exact in float64 (products by powers of two,
    whole numbers, differences that are whole numbers below 2**w), the
    limbs add up to ``a / 2**p`` exactly, and any *n* of them sum exactly,
    so their per-customer sums are the same in any row order and
    :func:`custseg._exact.round_limbs` rounds them once, as the core's sums
    are rounded."""
    nw = _narwhals()
    p, w, k = plan

    def part(a: Any, j: int) -> Any:
        for factor in _pow2(-(p + j * w)):
            a = a * factor
        return a.round()

    parts = [part(amount, j) for j in range(k)]
    limbs = []
    for j in range(k - 1):
        # an amount of 2**(p + (j+1)*w + 53) or more is a whole multiple of
        # 2**(p + (j+1)*w): its limb j is 0, and its part j may overflow
        # (wide plans of :func:`_engine_limb_plan`); those rows are set to 0
        # before scaling, the others give parts below 2**(w + 53)
        # (every amount is below 2**(p + k*w), so part j below 2**((k-j)*w))
        bound = p + (j + 1) * w + 53
        if (k - j) * w <= 1000 or bound > 1023:
            limbs.append(parts[j] - parts[j + 1] * 2.0**w)
            continue
        big = amount.abs() >= 2.0**bound
        small = nw.when(big).then(amount * 0.0).otherwise(amount)
        limbs.append(part(small, j) - part(small, j + 1) * 2.0**w)
    return [*limbs, parts[k - 1]]


def _with_sums(rows: Any, amount: str, plan: _SumPlan, prefix: str) -> Any:
    """*rows* with the columns whose per-customer aggregates
    (:func:`_sum_aggs`) give the sums of the column *amount* under *plan*,
    named by :meth:`_SumPlan.columns`. The scaled integers are made once
    and read again for their magnitudes and the row's first scale."""
    nw = _narwhals()
    a = nw.col(amount)
    if plan.scale is not None:
        # integers of the last place: exact sums, the same in any row order
        k = _rint(a * float(plan.scale), False).cast(nw.Int64)
        return rows.with_columns(k.alias(prefix))
    first = []
    if plan.limbs is not None:
        first += [e.alias(f"{prefix}_{j}") for j, e in enumerate(_limbs(a, plan.limbs))]
    else:
        first.append(a.alias(prefix))
    if not plan.scales:
        return rows.with_columns(*first)
    if plan.shared:
        scale = SCALES[plan.scales - 1]
        k = _rint(a * float(scale), False)
        odd = ~(_divide(k, scale) == a).fill_null(False)
        return rows.with_columns(
            *first,
            k.cast(nw.Int64).alias(f"{prefix}_t"),
            odd.cast(nw.Int64).alias(f"{prefix}_odd"),
        )
    t = [f"{prefix}_t{i}" for i in range(plan.scales)]
    for i, name in enumerate(t):
        first.append(_rint(a * float(SCALES[i]), plan.ties).alias(name))
    index, open_ = None, None
    for i, name in enumerate(t):
        # the first scale the amount is a decimal at (plan.scales for none),
        # as custseg._exact.row_scales finds it
        unfit = ~(_divide(nw.col(name), SCALES[i]) == a).fill_null(False)
        open_ = unfit if open_ is None else open_ & unfit
        term = open_.cast(nw.Int64)
        index = term if index is None else index + term
    return rows.with_columns(*first).with_columns(
        index.alias(f"{prefix}_scale"),  # type: ignore[union-attr]
        *(nw.col(name).abs().alias(f"{prefix}_m{i}") for i, name in enumerate(t)),
    )


def _sum_aggs(plan: _SumPlan, prefix: str) -> list[Any]:
    """The per-customer aggregates of :func:`_with_sums`' columns."""
    nw = _narwhals()
    return [
        nw.col(name).max()
        if name in (f"{prefix}_scale", f"{prefix}_odd")
        else nw.col(name).sum()
        for name in plan.columns(prefix)
    ]


def _engine_sum(plan: _SumPlan, prefix: str) -> Any:
    """The sums in the engine (Float64) from :func:`_sum_aggs`' columns: exact
    for one scale (divided once, correctly rounded), and per customer for
    decimal amounts of its own scale; a binary sum in limbs is their value
    in floats (the same for every row order, within a few units in the last
    place of the correctly rounded sum :func:`_collected_sums` gives)."""
    nw = _narwhals()
    if plan.scale is not None:
        return _divide(nw.col(prefix), plan.scale)
    if plan.limbs is None:
        total = nw.col(prefix).cast(nw.Float64)
    else:
        p, w, k = plan.limbs
        total = None
        for j in range(k - 1, -1, -1):
            term = nw.col(f"{prefix}_{j}").cast(nw.Float64) * 2.0 ** (p + j * w)
            total = term if total is None else total + term
    if plan.shared:
        decimal = _divide(nw.col(f"{prefix}_t"), SCALES[plan.scales - 1])
        return nw.when(nw.col(f"{prefix}_odd") == 0).then(decimal).otherwise(total)
    for i in range(plan.scales - 1, -1, -1):
        mine = (nw.col(f"{prefix}_scale") == i) & (
            nw.col(f"{prefix}_m{i}") < _DECIMAL_BOUND
        )
        decimal = _divide(nw.col(f"{prefix}_t{i}"), SCALES[i])
        total = nw.when(mine).then(decimal).otherwise(total)
    return total


def _collected_sums(
    pdf: pd.DataFrame, plan: _SumPlan, prefix: str, value: str
) -> np.ndarray:
    """The per-customer sums from the collected aggregates of *pdf*, as
    :func:`custseg._exact.order_free_sums` gives them: the engine's own sum
    *value* when exact (:meth:`_SumPlan.extra` is empty), else per customer
    the decimal sum at its own scale when all its amounts are decimals with
    magnitudes below 2**52, else the binary sum (the limbs rounded once, or
    the float sum). Missing rows (customers without rows) sum to 0."""

    def col(name: str) -> np.ndarray:
        return pdf[name].to_numpy(dtype=np.float64, na_value=0.0)

    if not plan.extra(prefix):
        return col(value) + 0.0  # -0.0 as 0.0: the core's sums start at +0.0
    if plan.limbs is not None:
        p, w, k = plan.limbs
        limbs = [col(f"{prefix}_{j}").astype(np.int64) for j in range(k)]
        out = round_limbs(limbs, w, p)
    else:
        out = col(prefix)
    if plan.shared:
        decimal = col(f"{prefix}_t") / SCALES[plan.scales - 1]
        out = np.where(col(f"{prefix}_odd") == 0, decimal, out)
    elif plan.scales:
        need = col(f"{prefix}_scale")
        with np.errstate(invalid="ignore"):
            for i in range(plan.scales):
                mine = (need == i) & (col(f"{prefix}_m{i}") < _DECIMAL_BOUND)
                out = np.where(mine, col(f"{prefix}_t{i}") / SCALES[i], out)
    return out + 0.0  # -0.0 as 0.0: the core's sums start at +0.0


def _divide(x: Any, scale: int) -> Any:
    """``x / scale`` correctly rounded (Float64). The divisor is a column,
    not a literal: Polars divides by a scalar as a multiplication by its
    reciprocal, which is not the correctly rounded quotient (``2315 / 100``
    gives 23.150000000000002 there)."""
    nw = _narwhals()
    x = x.cast(nw.Float64)
    return x / (x * 0.0 + float(scale))


#: 2**53, the largest whole number of the last place a float64 sum holds
#: exactly, as text (16 digits: compared as text with others of 16).
_EXACT_TEXT = str(2**53)


def _decimal_inexact(col: Any) -> Any:
    """Whether each decimal of *col* is beyond 2**53 in its last non-zero
    place, or as an integer (as :func:`custseg._validate.decimal_inexact`
    decides for Python Decimals): from its text, the digits without the
    sign, the point, the leading zeros and a fraction's trailing zeros,
    compared with 2**53 by length, then as text. Small values may print
    with an exponent (Arrow: ``9.0071992547409000000E-7``): a fraction, so
    only the digits before it count (a positive exponent comes only with a
    negative scale, read as scale 0 first: :func:`_arrow_whole_scales`)."""
    nw = _narwhals()
    t = col.cast(nw.String).str.replace_all("-", "", literal=True)
    t = t.str.replace_all("[eE].*$", "")
    fraction = t.str.contains(".", literal=True)
    digits = t.str.replace_all("0+$", "").str.replace_all(".", "", literal=True)
    t = nw.when(fraction).then(digits).otherwise(t).str.replace_all("^0+", "")
    length = t.str.len_chars()
    return (length > 16) | ((length == 16) & (t > nw.lit(_EXACT_TEXT)))


def _inexact_example(lf: Any, cols: _Columns) -> str | None:
    """One decimal amount of *lf* beyond 2**53 in its last place (as
    :func:`_decimal_inexact` finds them), as the engine writes it
    (``99999999.99999999``), for the refusal to quote as the pandas path
    does; None when none is found or the search fails (a message must not
    fail in its turn)."""
    nw = _narwhals()
    if cols.amount is None:
        return None
    col = nw.col(cols.q(cols.amount))
    try:
        rows = (
            lf.filter(~col.is_null() & _decimal_inexact(col))
            .select(col.cast(nw.String).alias("_x"))
            .head(1)
            .collect()["_x"]
            .to_list()
        )
    except Exception:  # (only an example for the message)
        return None
    return str(rows[0]) if rows else None


def _far_example(
    lf: Any, cols: _Columns, fmt: str | None, end_day: int | None
) -> str | None:
    """One date of *lf* outside the years 1 to 9999 (and before *end_day*,
    as :func:`_first_pass` counts them), quoted as written (text, or a
    number as its digits); None when none is found or the search fails
    (a message must not fail in its turn)."""
    nw = _narwhals()
    raw = nw.col(cols.q(cols.date))
    try:
        d = _date_expr(cols, fmt)
        far = ~d.is_null() & ~_readable_dates(d, cols)
        if end_day is not None:
            far = far & _before_day(d, end_day, cols)
        rows = (lf.filter(far.fill_null(False)).select(raw).head(1).collect())[
            cols.q(cols.date)
        ].to_list()
    except Exception:
        return None
    if not rows or rows[0] is None:
        return None
    value = rows[0]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text_as_written(value)
    return v.describe(str(value) if not isinstance(value, str) else value)


def _rows_error(field: str, problem: str, n_rows: int, *, fix: str) -> InputError:
    """InputError for *n_rows* bad rows: engines have no row order, so the
    count is given (in the message too) and no first row."""
    return InputError(
        field,
        f"{problem} ({n_rows} row{'s' if n_rows != 1 else ''})",
        fix=fix,
        n_rows=n_rows,
    )


def _date_refusal(
    cols: _Columns,
    fmt: str | None,
    example: Callable[[], str | None] | None,
    *,
    n_rows: int | None = None,
    engine_says: str = "",
) -> InputError:
    """InputError for dates that are not of *fmt*: where the format was
    recognised from the first dates (no ``date_format``), the message says
    so, and its fix is one shape throughout; one value that is not of the
    format is quoted as written when *example* finds one (engines have no
    row order: some such value, not the first row's), else the engine's
    own words (which may quote the text as prepared for its parser)."""
    guessed = cols.date_format is None and cols.date_kind == "str"
    problem = f"has values that are not dates in the format {fmt!r}"
    if guessed:
        # (read as ISO 8601 text, of any shape pandas reads: _iso_text)
        problem = (
            "has values that are not ISO 8601 dates (the shapes pandas reads "
            "without a date_format, which the column's first dates have)"
        )
    found = None
    if example is not None:
        try:
            found = example()
        except Exception:  # the message must not fail in its turn
            found = None
    if found is not None and cols.date_kind in ("int", "float"):
        # numbers (decimals too): the pandas path's words and advice
        problem, fix = _number_refusal(found, cols.date_format)
        problem += f", such as {found}"
        if n_rows is not None:
            problem += f" ({n_rows} row{'s' if n_rows != 1 else ''})"
        return InputError(cols.date, problem, fix=fix, n_rows=n_rows)
    far = None
    if found is not None and cols.date_kind == "str":
        far = _far_text(found, cols.date_format, cols.date)
    if far is not None:
        # a year outside 1 to 9999 ('+10000-01-01', '15.08.0000' in
        # '%d.%m.%Y'): the pandas path's words
        problem = far.problem
        if n_rows is not None:
            problem += f" ({n_rows} row{'s' if n_rows != 1 else ''})"
        return InputError(cols.date, problem, fix=far.fix, n_rows=n_rows)
    if found is not None and fmt is not None and _of_other_width(found, cols, fmt):
        # digits alone of another count than the format's: the pandas
        # path's words, with the padded day
        from ._files import width_refusal

        problem, fix = width_refusal(found, fmt)
        problem += f", such as {v.describe(found)}"
        if n_rows is not None:
            problem += f" ({n_rows} row{'s' if n_rows != 1 else ''})"
        return InputError(cols.date, problem, fix=fix, n_rows=n_rows)
    if found is not None:
        problem += f", such as {v.describe(found)}"
    elif engine_says:
        problem += f" (the engine says: {engine_says})"
    if n_rows is not None:
        problem += f" ({n_rows} row{'s' if n_rows != 1 else ''})"
    return InputError(
        cols.date,
        problem,
        fix=_GUESSED_DATE_FIX if guessed else _DATE_FIX,
        n_rows=n_rows,
    )


def _of_other_width(found: str, cols: _Columns, fmt: str) -> bool:
    """Whether *found*, a text date of a given all-digit *fmt*, is digits
    alone of another count than the format's (:func:`_short_digits`)."""
    from ._files import _digit_width, of_other_width

    width = _digit_width(fmt) if cols.date_format is not None else None
    return (
        width is not None and cols.date_kind == "str" and of_other_width(found, width)
    )


def _number_refusal(found: str, date_format: str | None) -> tuple[str, str]:
    """The problem and fix of a refusal of number dates such as *found*
    (its text), worded as the pandas path words them
    (:func:`custseg._files._numeric_dates`): without a format, numbers
    that are not ``YYYYMMDD`` dates; with one, numbers that cannot match
    it (not whole, negative, more digits than an all-digit format has) or
    values that do not match it.

    >>> _number_refusal("20240101.50", None)[0]
    'holds numbers that are not YYYYMMDD dates'
    >>> _number_refusal("20240101.5", "%d%m%Y")[0]
    "holds numbers that cannot match the date format '%d%m%Y'"
    >>> _number_refusal("31022024", "%d%m%Y")[0]
    "has values that do not match the date format '%d%m%Y'"
    """
    from ._files import _DATE_FIX as date_fix
    from ._files import _NUMBER_FIX, _digit_width

    if date_format is None:
        return "holds numbers that are not YYYYMMDD dates", _NUMBER_FIX
    number = Decimal(found)
    width = _digit_width(date_format)
    cannot = (
        number != number.to_integral_value()
        or abs(number) >= 10**15
        or (width is not None and (number < 0 or len(str(int(number))) > width))
    )
    if cannot:
        return (
            f"holds numbers that cannot match the date format {date_format!r}",
            _NUMBER_FIX,
        )
    return f"has values that do not match the date format {date_format!r}", date_fix


def _bad_number(cols: _Columns, fmt: str) -> Any:
    """Where a number date (int or float: decimals are read as floats) can
    be no date of *fmt* (Boolean), by the checks of the pandas path
    (:func:`custseg._files._numeric_dates`) before it parses: not whole,
    not below 10**15; without a date_format, from 10000101 to 99991231;
    in an all-digit format, not negative nor longer than its digits."""
    from ._files import _digit_width

    nw = _narwhals()
    width = 8 if cols.date_format is None else _digit_width(fmt)
    col = nw.col(cols.q(cols.date))
    if cols.date_kind == "int":
        # by their text: Arrow casts no integer past 2**53 to a float, nor
        # compares an unsigned one past 2**63 with a signed literal
        text = col.cast(nw.String)
        digits = text.str.len_chars()
        bad = digits >= 16
        if width is not None:
            bad = bad | (digits > width) | text.str.starts_with("-")
        if cols.date_format is None:
            bad = bad | (digits < width)
        return bad & ~col.is_null()
    x = col.cast(nw.Float64)
    bad = (x != x.round()) | (x.abs() >= 1e15)
    if cols.date_format is None:
        bad = bad | (x < 10000101.0) | (x > 99991231.0)
    elif width is not None:
        bad = bad | (x < 0.0) | (x >= float(10**width))
    return bad & ~x.is_null() & ~x.is_nan()


def _no_day(cols: _Columns, fmt: str) -> Any | None:
    """Where a whole number date of an all-digit *fmt* (``YYYYMMDD``
    without a date_format), its zeros put back, names no day (Boolean): a
    year 0, a month outside 1-12, a day past its month's end (29 February
    out of leap years), a day of the year past its year's end, an hour,
    minute or second out of range; None when *fmt* is not all digits.

    The numbers are split by arithmetic, so no engine raises here: an
    engine's parser raises on 20241301 where pandas refuses it as a value,
    and this finds such a value for the refusal to quote. Only the finder
    of an example uses it (:func:`_date_example`): the parsers decide what
    is a date."""
    from ._files import _DIGIT_WIDTHS, _digit_width

    nw = _narwhals()
    width = _digit_width(fmt)
    if width is None:
        return None
    col = nw.col(cols.q(cols.date))
    if cols.date_kind == "float":  # not whole: found by _bad_number
        col = nw.when(_whole_number(col)).then(col)
    number = col.cast(nw.Int64)
    fields: dict[str, Any] = {}
    place = width
    for part in re.findall(r"%.|.", fmt, flags=re.DOTALL):
        size = _DIGIT_WIDTHS[part[1]] if part.startswith("%") else 1
        place -= size
        if part.startswith("%"):
            fields[part[1]] = (number // 10**place) % 10**size
    one = nw.lit(1)
    if "Y" in fields:
        year = fields["Y"]
    elif "y" in fields:  # Python's century: 69-99 are 1969-1999
        year = fields["y"] + nw.when(fields["y"] >= 69).then(1900).otherwise(2000)
    else:
        year = nw.lit(1900)
    leap = ((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))).cast(nw.Int64)
    month, day = fields.get("m", one), fields.get("d", one)
    short = month.is_in([4, 6, 9, 11]).cast(nw.Int64)
    february = (month == 2).cast(nw.Int64)
    last = 31 - short - february * (3 - leap)
    bad = (year < 1) | (month < 1) | (month > 12) | (day < 1) | (day > last)
    if "j" in fields:
        bad = bad | (fields["j"] < 1) | (fields["j"] > 365 + leap)
    for letter, top in (("H", 23), ("M", 59), ("S", 59)):
        if letter in fields:
            bad = bad | (fields[letter] > top)
    return bad.fill_null(False)


def _number_text_as_written(value: Any) -> str:
    """A number date collected from an engine as the user wrote it: a
    Decimal as its text (``20240101.50``), a whole float as an integer, other
    floats by their shortest repr."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date_example(
    lf: Any, cols: _Columns, fmt: str | None, written: Any = None
) -> Callable[[], str | None]:
    """A finder of one text date, as written, that is not of *fmt* by its
    shape (blanks around it skipped, as custseg parses): None when every
    value has the shape (the engine then refused a value of the right
    shape, such as February 30th) or the dates are not text. For number
    dates, one that is no date (:func:`_bad_number`, else one the engine
    parsed to nothing), as written: a decimal date's text is found in
    *written* (the frame before :func:`_date_values` read it as floats)."""

    def find() -> str | None:
        if cols.date_kind in ("int", "float") and fmt is not None:
            return find_number()
        if cols.date_kind != "str" or fmt is None:
            return None
        nw = _narwhals()
        raw = nw.col(cols.q(cols.date))
        _, valid, _ = _text_parts(raw, cols, fmt)
        if valid is None:
            return None
        rows = (
            lf.filter(~raw.is_null() & ~valid)
            .select(raw)
            .head(1)
            .collect()[cols.q(cols.date)]
            .to_list()
        )
        if not rows:
            # of the format's shape, in the year 0 ('15.08.0000'), which
            # some engines' parsers refuse in their own words (Dask, Spark)
            text, _, rest = _text_parts(raw, cols, fmt)
            zero = _year_zero_text(text, rest)
            if zero is not None:
                rows = (
                    lf.filter(~raw.is_null() & zero)
                    .select(raw)
                    .head(1)
                    .collect()[cols.q(cols.date)]
                    .to_list()
                )
        return str(rows[0]) if rows else None

    def find_number() -> str | None:
        assert fmt is not None
        nw = _narwhals()
        raw = nw.col(cols.q(cols.date))
        rows = (lf.filter(_bad_number(cols, fmt)).select(raw).head(1).collect())[
            cols.q(cols.date)
        ].to_list()
        impossible = _no_day(cols, fmt) if not rows else None
        if impossible is not None:  # of the right size, no day (20241301)
            rows = (lf.filter(impossible).select(raw).head(1).collect())[
                cols.q(cols.date)
            ].to_list()
        if not rows:  # whole numbers of the right size, no date (20240230)
            parsed = _date_expr(cols, fmt)
            rows = (
                lf.filter(~raw.is_null() & parsed.is_null())
                .select(raw)
                .head(1)
                .collect()
            )[cols.q(cols.date)].to_list()
        if not rows:
            return None
        value = rows[0]
        schema = None if written is None else written.collect_schema()
        if (
            isinstance(value, float)
            and schema is not None
            and isinstance(cols.date, str)
            and cols.date in schema
            and isinstance(schema[cols.date], nw.Decimal)
        ):
            # the decimal whose float this is, as written (20240101.50,
            # 100000000020240101: not its float, 100000000020240096)
            col = nw.col(cols.date)
            floats = decimal_floats(col, schema[cols.date], cols.backend)
            texts = (
                written.filter(floats == nw.lit(value))
                .select(col.cast(nw.String))
                .head(1)
                .collect()
            )[cols.date].to_list()
            if texts and texts[0] is not None:
                return str(texts[0])
        return _number_text_as_written(value)

    return find


def _group_facts(
    base: Any,
    c: str,
    zero_amount: str,
    frequency: str,
    date_kind: str,
    as_of_day: int,
    plan: _SumPlan,
    *,
    summed: bool = False,
) -> Any:
    """The group-by: one row per customer (a narwhals LazyFrame); *plan*:
    how the amounts are summed (see :func:`_sum_plan`); *summed*: the rows
    (orders) already hold the columns of :func:`_with_sums`, summed over
    their lines (see :func:`_orders`)."""
    nw = _narwhals()
    p = _purchase(nw.col("_a"), zero_amount)
    rows = base.with_columns(
        p.cast(nw.Int64).alias("_p"), nw.when(p).then(nw.col("_d")).alias("_pd")
    )
    if not summed:
        rows = _with_sums(rows, "_a", plan, _MONEY)
    facts = rows.group_by(c).agg(
        *_sum_aggs(plan, _MONEY),
        nw.col("_p").sum().alias("_freq"),
        nw.col("_pd").min().alias("first_purchase"),
        nw.col("_pd").max().alias("last_purchase"),
        nw.len().alias("n_rows"),
    )
    if frequency == "days":
        if date_kind == "date":
            day = nw.col("_d")
        elif rows.implementation.is_pandas_like():  # no dt.date() there
            day = nw.col("_d").dt.truncate("1d")
        else:
            day = nw.col("_d").dt.date()
        days = (
            rows.filter(nw.col("_p") == 1)
            .select(nw.col(c), day.alias("_day"))
            .unique()
            .group_by(c)
            .agg(nw.len().alias("_days"))
        )
        facts = (
            _joinable(facts)
            .join(_joinable(days), on=c, how="left")
            .with_columns(nw.col("_days").fill_null(0).alias("_freq"))
        )
    as_of = np.datetime64(as_of_day, "D").item()
    monetary = _engine_sum(plan, _MONEY)
    return facts.select(
        nw.col(c),
        _recency(nw.col("last_purchase"), as_of, date_kind).alias("recency_days"),
        nw.col("_freq").cast(nw.Int64).alias("frequency"),
        monetary.alias("monetary"),
        nw.col("first_purchase"),
        nw.col("last_purchase"),
        _recency(nw.col("first_purchase"), as_of, date_kind).alias("tenure_days"),
        nw.col("n_rows").cast(nw.Int64),
        *(nw.col(name).cast(nw.Float64) for name in plan.extra(_MONEY)),
    )


def _joinable(frame: Any) -> Any:
    """*frame* (a narwhals LazyFrame), ready to be joined: on Dask, its
    partitions passed through an identity ``map_partitions``. A group-by
    of 16 partitions or more is split over several output partitions by
    a shuffle, and Dask's optimiser then fuses the shuffle with the join
    and renames wrongly (a ``KeyError`` or ``TypeError`` from inside
    Dask); the identity step hides how the partitions were made, so the
    join shuffles both sides itself. Other engines: *frame* unchanged.

    >>> import narwhals as nw, polars as pl
    >>> lf = nw.from_native(pl.LazyFrame({"c": [1, 2]}))
    >>> _joinable(lf) is lf
    True
    """
    if not frame.implementation.is_dask():
        return frame
    nw = _narwhals()
    native = frame.to_native()
    return nw.from_native(native.map_partitions(_identity, meta=native._meta))


def _identity(part: Any) -> Any:
    """*part* itself (:func:`_joinable`: a function Dask cannot see
    through)."""
    return part


def _recency(expr: Any, as_of: Any, date_kind: str) -> Any:
    """Whole calendar days from *expr*'s day to *as_of* (Float64)."""
    nw = _narwhals()
    as_of_day = int(np.datetime64(as_of, "D").astype(np.int64))
    return (nw.lit(as_of_day) - _day_number(expr)).cast(nw.Float64)


def _day_number(expr: Any) -> Any:
    """Days since 1970-01-01 of a date or datetime expression, by integer
    arithmetic on its year, month and day (H. Hinnant's days_from_civil), so
    every engine computes it alike."""
    nw = _narwhals()
    # no casts to Int64: pandas-backed engines (Dask) hold a missing date's
    # parts as NaN floats, which an integer cast refuses; the arithmetic is
    # exact in float64 as in integers at these magnitudes
    y = expr.dt.year()
    m = expr.dt.month()
    d = expr.dt.day()
    early = nw.when(m <= 2).then(1).otherwise(0)
    yy = y - early
    mm = m + 12 * early - 3  # March = 0 ... February = 11
    return (
        365 * yy
        + yy // 4
        - yy // 100
        + yy // 400
        + (153 * mm + 2) // 5
        + d
        - 1
        - 719468
    )


# --------------------------------------------------------------------------
# collecting the customer table


def _id_array(values: np.ndarray, *, wide: bool = False) -> np.ndarray:
    """Collected ids in the form :func:`~custseg.summarize` gives them;
    *wide*: 128-bit integer ids collected as their text (see
    :func:`_collected`)."""
    if values.dtype.kind == "f":  # integral floats become ints, as in summarize
        if np.array_equal(values, np.trunc(values)) and (
            np.abs(values).max(initial=0) < 2**63  # (whole floats are exact)
        ):
            return values.astype(np.int64)
        return values
    if values.dtype.kind in "OUT" or wide:
        values = np.asarray(values, dtype=object)
        if len(values) and (wide or isinstance(values[0], Decimal)):
            # DuckDB's HUGEINT / UHUGEINT ids arrive as DECIMAL(38, 0), Polars'
            # Int128 / UInt128 as text: made integers again (a pass over the
            # customers, for these types only)
            ints = [int(x) for x in values.tolist()]
            if min(ints) >= -(2**63) and max(ints) < 2**63:
                return np.asarray(ints, dtype=np.int64)
            out = np.empty(len(ints), dtype=object)
            out[:] = ints
            return out
    return values


def _collected(
    frame: Any, c: str, *, text_ints: bool = False
) -> tuple[pd.DataFrame, np.ndarray]:
    """The customer table *frame* (a narwhals LazyFrame) collected as
    pandas, sorted by its ids *c*, and those ids as :func:`_id_array` gives
    them.

    128-bit integer ids (Polars' ``Int128`` / ``UInt128``, DuckDB's
    ``HUGEINT`` / ``UHUGEINT``), which Arrow, and so ``to_pandas``, cannot
    hold (DuckDB exports them as ``decimal128(38, 0)``, which wraps past
    10**38 and 2**127), travel as their text, cast in the engine, and so do
    the ids *text_ints* says are the text of integers already (Dask object
    ids beyond 64 bits): they are made integers again and sorted as numbers
    here."""
    nw = _narwhals()
    wide = text_ints or frame.collect_schema()[c] in (nw.Int128, nw.UInt128)
    if not wide:
        pdf = frame.collect().sort(c).to_pandas()
        if frame.collect_schema()[c] == nw.Date and pdf[c].dtype.kind == "M":
            # Polars gives a Date column as datetime64[ms]; PyArrow, DuckDB
            # and Spark as Python dates: every engine's ids as dates
            pdf[c] = pdf[c].dt.date
        return pdf, _id_array(pdf[c].to_numpy())
    pdf = frame.with_columns(nw.col(c).cast(nw.String)).collect().to_pandas()
    ids = _id_array(pdf[c].to_numpy(), wide=True)
    if ids.dtype == object:  # Python integers beyond 64 bits
        order = np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)
    else:
        order = np.argsort(ids, kind="stable")
    pdf = pdf.iloc[order].reset_index(drop=True)
    return pdf, ids[order]


def collect_facts(ef: EngineFacts) -> CustomerFacts:
    """Collect the customer table of :func:`engine_facts` as CustomerFacts.

    Sorted by id (text in code point order, as :func:`~custseg.summarize`
    sorts it); recency and tenure recomputed in NumPy from the collected
    purchase dates, exactly as :func:`~custseg.summarize` does.

    Parameters
    ----------
    ef
        What :func:`engine_facts` returned.

    Returns
    -------
    CustomerFacts
        The facts, as :func:`~custseg.summarize` gives them for the same rows.

    Raises
    ------
    InputError
        A customer's sum overflowing ``float64``.

    Examples
    --------
    >>> import polars as pl
    >>> tx = pl.DataFrame({"customer_id": [2, 1, 2],
    ...                    "date": ["2024-01-01", "2024-01-05", "2024-01-09"],
    ...                    "amount": [10.0, 5.0, -2.0]})
    >>> facts = collect_facts(engine_facts(tx))
    >>> facts.customer_id.tolist(), facts.frequency.tolist()
    ([1, 2], [1, 1])
    """
    if not isinstance(ef, EngineFacts):
        raise InputError(
            "ef",
            f"must be what engine_facts(...) returned: got {type(ef).__name__}",
            fix="pass engine_facts(frame, ...) (custseg.engines)",
        )
    c = ef.customer
    names = ef.sums.extra(_MONEY)
    counted = ["n_rows"] if ef.orders else []  # the orders, counted per customer
    table = ef.frame.select(
        c,
        "frequency",
        "monetary",
        "first_purchase",
        "last_purchase",
        *names,
        *counted,
    )
    pdf, ids = _collected(table, c, text_ints=ef.text_ints)
    freq = pdf["frequency"].to_numpy(dtype=np.int64)
    monetary = _collected_sums(pdf, ef.sums, _MONEY, "monetary")
    unit = ef.unit
    first = _as_datetime64(pdf["first_purchase"], unit)
    last = _as_datetime64(pdf["last_purchase"], unit)
    _refuse_overflow(monetary, ids.__getitem__, ef.amount)
    as_of_day = int(ef.as_of.astype(np.int64))
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))  # type: ignore[call-overload]
    none = freq == 0
    last_t = last.view(np.int64)
    first_t = first.view(np.int64)
    recency = (as_of_day - np.floor_divide(last_t, per_day)).astype(np.float64)
    tenure = (as_of_day - np.floor_divide(first_t, per_day)).astype(np.float64)
    recency[none] = np.nan
    tenure[none] = np.nan
    return CustomerFacts(
        customer_id=ids,
        recency_days=recency,
        frequency=freq,
        monetary=monetary,
        first_purchase=first,
        last_purchase=last,
        tenure_days=tenure,
        as_of=ef.as_of,
        n_rows=int(pdf["n_rows"].sum()) if ef.orders else ef.n_rows,
        n_dropped=ef.n_dropped,
    )


def _as_datetime64(col: pd.Series, unit: str) -> np.ndarray:
    """A collected date column as ``datetime64[unit]`` (NaT for missing)."""
    import pandas as pd

    if not pd.api.types.is_datetime64_any_dtype(col.dtype):
        col = pd.to_datetime(col)  # Python dates (DuckDB, Spark) or objects
    if getattr(col.dtype, "tz", None) is not None:
        col = col.dt.tz_localize(None)
    return col.to_numpy(dtype=f"datetime64[{unit}]")


def native_facts(
    transactions: Any,
    customer: Hashable,
    date: Hashable,
    amount: Hashable,
    as_of: Any,
    options: dict[str, Any],
    *,
    need_rows: bool = False,
) -> CustomerFacts:
    """What ``custseg.frame._facts`` gives for a pandas frame, for any engine."""
    options = dict(options)
    ef = _engine_facts(
        transactions,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        date_format=options.pop("date_format", None),
        need_rows=need_rows,
        **options,
    )
    return collect_facts(ef)


# --------------------------------------------------------------------------
# BTYD


def engine_btyd_summary(
    transactions: Any,
    *,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable | None = "amount",
    observation_end: Any,
    unit: Literal["D", "W"] = "D",
    time_scaler: float = 1.0,
    after_observation_end: str = "raise",
    date_format: str | None = None,
) -> BtydSummary:
    """:func:`~custseg.btyd_summary` computed in the engine.

    The same definitions (every row a transaction, refunds included; days
    or Monday-to-Sunday weeks; ``frequency`` = distinct periods - 1,
    ``recency``, ``T``, ``monetary_value`` = mean spend per repeat period):
    the engine computes, per customer, the first and last period, the
    number of distinct periods and the spend of the repeat periods, summed
    from the rows outside the customer's first period (group-bys and one
    join; not the total less the first period's spend, which would lose a
    small repeat spend to rounding beside a large first purchase);
    recency, T and the mean are computed from them in NumPy as
    :func:`~custseg.btyd_summary` computes them.

    Parameters
    ----------
    transactions
        One row per transaction, in any engine narwhals reads.
    customer, date, amount
        Column names (*amount* ``None``: no ``monetary_value``).
    observation_end, unit, time_scaler, after_observation_end
        As for :func:`~custseg.btyd_summary`.
    date_format
        A ``strftime`` format for text dates (see :func:`engine_facts`).

    Returns
    -------
    BtydSummary
        Sorted by customer id, as :func:`~custseg.btyd_summary` gives it.

    Raises
    ------
    InputError
        As :func:`engine_facts`, transactions after the period of
        ``observation_end`` with ``after_observation_end="raise"``, and a
        customer's repeat spend passing what float64 holds (as
        :func:`~custseg.btyd_summary`).
    ThresholdError
        An unknown ``unit`` or ``after_observation_end``, a bad
        ``time_scaler``.

    Examples
    --------
    >>> import polars as pl
    >>> tx = pl.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": ["2024-01-01", "2024-01-01", "2024-01-11",
    ...                             "2024-01-05"],
    ...                    "amount": [10.0, 5.0, 30.0, 8.0]})
    >>> s = engine_btyd_summary(tx, observation_end="2024-01-31")
    >>> s.frequency.tolist(), s.recency.tolist(), s.T.tolist()
    ([1.0, 0.0], [10.0, 0.0], [30.0, 26.0])
    >>> s.monetary_value.tolist()
    [30.0, 0.0]
    """
    from .btyd import (
        BtydSummary,
        _check_scaled,
        _check_time_scaler,
        _check_unit,
        _period_start,
        _scaled,
    )

    nw = _narwhals()
    step = _check_unit(unit)
    scaler = _check_time_scaler(time_scaler)
    v.choice(after_observation_end, "after_observation_end", ("raise", "drop"))
    end_day = v.day_number(
        observation_end, "observation_end", like=_dates_zone(transactions, date)
    )
    end_period = int(_period_start(np.asarray([end_day]), unit)[0])
    base, cols, checks = _prepare(
        transactions,
        customer,
        date,
        amount,
        date_format,
        end_period + step,
        fixes=_BTYD_FIX_COLUMN,
    )
    c = _KEY
    n_after = checks.get("n_after", 0)
    if n_after:
        if after_observation_end == "raise":
            end = np.datetime64(end_day, "D")
            shown = (
                str(end)
                if unit == "D"
                else f"{end}, in the week ending {np.datetime64(end_period + 6, 'D')}"
            )
            raise _rows_error(
                cols.date,
                f"has transactions after observation_end ({shown})",
                n_after,
                fix="pass a later observation_end, filter the rows, or use "
                "after_observation_end='drop' to drop them",
            )
        base = base.filter(_before_day(nw.col("_d"), end_period + step, cols))
    day = _day_number(nw.col("_d"))
    # weeks start on the Monday (1970-01-01 was a Thursday): a floor division
    # (narwhals floors on every engine, as _day_number needs; Dask has no
    # modulo for Arrow-backed integers)
    period = (day + 3) // 7 * 7 - 3 if unit == "W" else day
    plan = checks.get("plan", _SumPlan())
    rows = base.select(nw.col(c), period.alias("_per"), nw.col("_a"))
    per_customer = rows.group_by(c).agg(
        nw.col("_per").min().alias("_first"),
        nw.col("_per").max().alias("_last"),
    )
    n_periods = rows.select(c, "_per").unique().group_by(c).agg(nw.len().alias("_n"))
    # the repeat periods' rows summed as such (as the core does), not the
    # total less the first period's: a large first purchase would cancel a
    # small repeat spend
    per_customer = _joinable(per_customer)
    repeat = rows.join(per_customer.select(c, "_first"), on=c, how="inner").filter(
        nw.col("_per") != nw.col("_first")
    )
    if (
        amount is not None
        and plan.scale is None
        and cols.amount_kind in ("float", "decimal")
    ):
        # the core sums the repeat rows as custseg._exact does, choosing
        # from those rows alone: one more aggregate pass over them
        found = (
            repeat.select(nw.len().alias("n"), *_scale_checks(nw.col("_a")))
            .collect()
            .rows(named=True)[0]
        )
        found = {
            k: (0 if x is None else int(x)) if k.startswith("unfit") else x
            for k, x in found.items()
        }
        plan = _sum_plan(found, int(found["n"] or 0))
    # the columns made first: a group-by aggregates plain columns only
    repeat = _with_sums(repeat, "_a", plan, "_repeat")
    repeat_spend = (
        repeat.group_by(c)
        .agg(*_sum_aggs(plan, "_repeat"))
        .with_columns(_engine_sum(plan, "_repeat").alias("_repeat_spend"))
    )
    table = _joinable(per_customer.join(_joinable(n_periods), on=c, how="inner")).join(
        _joinable(repeat_spend), on=c, how="left"
    )
    pdf, ids = _collected(table, c, text_ints=cols.text_ints)
    first = pdf["_first"].to_numpy(dtype=np.int64)
    last = pdf["_last"].to_numpy(dtype=np.int64)
    freq = (pdf["_n"].to_numpy(dtype=np.int64) - 1).astype(np.float64)
    recency = _scaled((last - first) / step, scaler)
    t = _scaled((end_period - first) / step, scaler)
    _check_scaled(recency, t, time_scaler=scaler)
    monetary = None
    if amount is not None:
        # no repeat period: no row joined (missing), monetary 0
        spend = _collected_sums(pdf, plan, "_repeat", "_repeat_spend")
        # the repeat spend the core refuses too (the mean alone might fit)
        _refuse_overflow(spend, ids.__getitem__, cols.amount or "amount")
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(freq > 0, spend / freq, 0.0)
    return BtydSummary(
        customer_id=ids,
        frequency=freq,
        recency=recency,
        T=t,
        monetary_value=monetary,
        observation_end=np.datetime64(end_period, "D"),
        unit=unit,
        n_dropped=n_after,
        time_scaler=scaler,
    )
