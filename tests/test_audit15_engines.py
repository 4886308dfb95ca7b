"""Audit 15: engine frames give the pandas path's customers, or a clear error.

- Text ids under a case- or accent-insensitive collation (DuckDB ``COLLATE
  NOCASE``, ``SET default_collation``; Spark 4 ``UTF8_LCASE``) were grouped
  as one customer ('AB12', 'ab12' and 'Ab12' summed together); customer and
  order ids are now grouped, joined and counted byte for byte.
- Categorical (dictionary) ids of integers became text on PyArrow and Dask
  ([5, 10, 9] gave ['10', '5', '9']); they now keep their categories' type.
- Polars ``Int128`` / ``UInt128`` ids failed with a bare ``ArrowInvalid``
  when collected; they are now read (and kept) as integers.
- ``float16`` amounts were read bit for bit on PyArrow and Polars
  (0.1 - 1.0 gave -0.9000244140625); they are now read as the decimals they
  print as, as the pandas path reads them.
- UUID and fixed-size binary ids were refused as holding "Unknown" values,
  and Arrow decimal32 / decimal64 / decimal256 amounts too; the message now
  names the engine's type, and the decimals of up to 38 digits are read.
"""

from __future__ import annotations

import uuid
import warnings
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._validate import widen_narrow
from custseg.errors import InputError
from custseg.frame import segment_frame, summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import engines
from test_engines import need, spark

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

AS_OF = "2024-06-01"
DATES = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-02", "2024-04-05"]

#: ids that a case- or accent-insensitive collation would take as equal
VARIANTS = ["AB12", "ab12", "Ab12", "é", "e", "É", "E", "x"]


def _quiet(call: Any, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kw)


# --------------------------------------------------------------------------
# 1. collations: every grouping on ids is byte for byte

#: how the customer column gets its collation
COLLATIONS = {
    "column nocase": ("VARCHAR COLLATE NOCASE", None),
    "column nocase.noaccent": ("VARCHAR COLLATE NOCASE.NOACCENT", None),
    "default nocase": ("VARCHAR", "nocase"),
    "default nocase.noaccent": ("VARCHAR", "nocase.noaccent"),
}


def _duckdb_table(
    rows: list[tuple[str, str, int, float]], collation: str
) -> tuple[Any, pd.DataFrame]:
    """A DuckDB relation of (customer, order, day index, amount) rows with
    the collation *collation* on both id columns, and its pandas frame."""
    duckdb = need("duckdb")
    column, default = COLLATIONS[collation]
    con = duckdb.connect()
    if default is not None:
        con.execute(f"SET default_collation = '{default}'")
    con.execute(
        f"CREATE TABLE tx (customer_id {column}, order_id {column}, "
        "date TIMESTAMP, amount DOUBLE)"
    )
    con.executemany(
        "INSERT INTO tx VALUES (?, ?, ?, ?)",
        [(c, o, DATES[d], a) for c, o, d, a in rows],
    )
    rel = con.table("tx")
    return rel, rel.df()


ID_ROWS = st.lists(
    st.tuples(
        st.sampled_from(VARIANTS),
        st.sampled_from(VARIANTS),
        st.integers(0, len(DATES) - 1),
        st.sampled_from([-1.5, 0.0, 2.25, 10.0]),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.parametrize("collation", list(COLLATIONS))
@settings(max_examples=15, deadline=None)
@given(rows=ID_ROWS)
def test_duckdb_collated_ids_are_distinct_customers(
    collation: str, rows: list[tuple[str, str, int, float]]
) -> None:
    """Customers, orders, distinct days and BTYD periods as in pandas."""
    rel, df = _duckdb_table(rows, collation)
    for options in ({}, {"frequency": "days"}, {"order": "order_id"}):
        ref = summarize_frame(df, as_of=AS_OF, **options)
        got = summarize_frame(rel, as_of=AS_OF, output="pandas", **options)
        pd.testing.assert_frame_equal(got, ref, obj=str(options))
    ref_b = custseg.btyd_summary(
        df["customer_id"],
        df["date"],
        df["amount"],
        observation_end="2024-05-01",
        after_observation_end="drop",
    )
    got_b = engines.engine_btyd_summary(
        rel, observation_end="2024-05-01", after_observation_end="drop"
    )
    assert got_b.customer_id.tolist() == ref_b.customer_id.tolist()
    np.testing.assert_array_equal(got_b.frequency, ref_b.frequency)
    np.testing.assert_array_equal(got_b.monetary_value, ref_b.monetary_value)


def test_duckdb_collation_example() -> None:
    """The auditor's case: three customers, not one, in segment() too."""
    rel, df = _duckdb_table(
        [("AB12", "o1", 0, 100.0), ("ab12", "o1", 3, 5.0), ("Ab12", "o1", 4, 7.0)],
        "column nocase",
    )
    got = summarize_frame(rel, as_of=AS_OF, output="pandas")
    assert got.index.tolist() == ["AB12", "Ab12", "ab12"]
    assert got["monetary"].tolist() == [100.0, 7.0, 5.0]
    seg = _quiet(custseg.segment, rel, as_of=AS_OF)
    assert len(seg.customers) == len(_quiet(custseg.segment, df, as_of=AS_OF).customers)
    # the facts still in the engine hold three customers as well
    ef = engines.engine_facts(rel, as_of=AS_OF)
    assert len(ef.frame.collect()) == 3


def test_spark_collated_ids(spark: Any) -> None:
    """Spark 4's UTF8_LCASE: three customers (and three orders), not one."""
    frame = spark.sql(
        "SELECT CAST(c AS STRING COLLATE UTF8_LCASE) AS customer_id, "
        "CAST(c AS STRING COLLATE UTF8_LCASE) AS order_id, "
        "CAST(d AS DATE) AS date, a AS amount FROM VALUES "
        "('AB12', '2024-01-01', 100.0D), ('ab12', '2024-05-01', 5.0D), "
        "('Ab12', '2024-05-02', 7.0D) AS t(c, d, a)"
    )
    got = summarize_frame(frame, as_of=AS_OF, output="pandas", order="order_id")
    assert got.index.tolist() == ["AB12", "Ab12", "ab12"]
    assert got["monetary"].tolist() == [100.0, 7.0, 5.0]


def test_polars_has_no_collation_to_undo() -> None:
    """Polars (no collations): case variants are distinct customers, as ever."""
    pl = need("polars")
    df = pd.DataFrame(
        {
            "customer_id": VARIANTS,
            "date": pd.to_datetime([DATES[i % 5] for i in range(len(VARIANTS))]),
            "amount": np.arange(len(VARIANTS), dtype=float),
        }
    )
    got = summarize_frame(pl.from_pandas(df), as_of=AS_OF, output="pandas")
    pd.testing.assert_frame_equal(got, summarize_frame(df, as_of=AS_OF))


# --------------------------------------------------------------------------
# 2. categorical ids keep their categories' type


def _same_as_pandas(engine: str, df: pd.DataFrame) -> None:
    """The summary of *df* on *engine* is pandas' own."""
    ref = summarize_frame(df, as_of=AS_OF)
    got = _quiet(summarize_frame, _to_engine(engine, df), as_of=AS_OF, output="pandas")
    pd.testing.assert_frame_equal(got, ref)


def _to_engine(engine: str, df: pd.DataFrame) -> Any:
    if engine == "pyarrow":
        return need("pyarrow").Table.from_pandas(df, preserve_index=False)
    if engine == "dask":
        dd = need("dask.dataframe")
        return dd.from_pandas(df, npartitions=2)
    if engine == "polars":
        return need("polars").from_pandas(df)
    return need("duckdb").from_df(df)


CATEGORY_VALUES = {
    "int64": st.integers(-(2**40), 2**40),
    "uint8": st.integers(0, 255),
    "float64": st.sampled_from([0.0, -0.0, 1.5, 2.0, 10.0, -3.25]),
    "str": st.sampled_from(["10", "5", "9", "a", "B"]),
}


@pytest.mark.parametrize("engine", ["pyarrow", "dask", "polars", "duckdb"])
@pytest.mark.parametrize("kind", list(CATEGORY_VALUES))
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_categorical_ids_keep_their_type(engine: str, kind: str, data: Any) -> None:
    values = data.draw(st.lists(CATEGORY_VALUES[kind], min_size=1, max_size=8))
    ids = pd.Categorical(np.asarray(values, dtype=None if kind == "str" else kind))
    n = len(values)
    df = pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime([DATES[i % 5] for i in range(n)]),
            "amount": np.arange(1, n + 1, dtype=float),
        }
    )
    _same_as_pandas(engine, df)


@pytest.mark.parametrize("engine", ["pyarrow", "dask"])
def test_categorical_int_ids_example(engine: str) -> None:
    df = pd.DataFrame(
        {
            "customer_id": pd.Categorical([5, 10, 5, 9]),
            "date": pd.to_datetime(DATES[:4]),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    got = _quiet(summarize_frame, _to_engine(engine, df), output="pandas")
    assert got.index.tolist() == [5, 9, 10]
    assert got.index.dtype == np.int64


@pytest.mark.parametrize("engine", ["pyarrow", "dask"])
def test_categorical_ids_missing_refused(engine: str) -> None:
    df = pd.DataFrame(
        {
            "customer_id": pd.Categorical([5, None, 5]),
            "date": pd.to_datetime(DATES[:3]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError, match="missing customer ids") as info:
        _quiet(summarize_frame, _to_engine(engine, df))
    assert info.value.field == "customer_id"


# --------------------------------------------------------------------------
# 3. Polars 128-bit integer ids


@pytest.mark.parametrize("dtype", ["Int128", "UInt128"])
@settings(max_examples=15, deadline=None)
@given(
    ids=st.lists(st.integers(0, 2**100), min_size=1, max_size=8),
    order=st.booleans(),
)
def test_polars_128_bit_ids(dtype: str, ids: list[int], order: bool) -> None:
    pl = need("polars")
    if not hasattr(pl, dtype):
        pytest.skip(f"this Polars has no {dtype}")
    wide = getattr(pl, dtype)
    n = len(ids)
    dates = [DATES[i % 5] for i in range(n)]
    amounts = [float(i + 1) for i in range(n)]
    frame = pl.DataFrame(
        {
            "customer_id": pl.Series(ids, dtype=wide),
            "order_id": pl.Series(ids, dtype=wide),
            "date": dates,
            "amount": amounts,
        }
    )
    column = np.empty(n, dtype=object)
    column[:] = ids
    if max(ids) < 2**63:
        column = column.astype(np.int64)
    df = pd.DataFrame(
        {
            "customer_id": column,
            "order_id": column,
            "date": pd.to_datetime(dates),
            "amount": amounts,
        }
    )
    options = {"order": "order_id"} if order else {}
    ref = summarize_frame(df, as_of=AS_OF, **options)
    got = summarize_frame(frame, as_of=AS_OF, output="pandas", **options)
    pd.testing.assert_frame_equal(got, ref)
    native = summarize_frame(frame.lazy(), as_of=AS_OF, **options).collect()
    assert native.schema["customer_id"] == wide
    assert native["customer_id"].to_list() == sorted(set(ids))
    btyd = engines.engine_btyd_summary(
        frame, observation_end="2024-05-01", after_observation_end="drop"
    )
    assert btyd.customer_id.tolist() == sorted(set(ids))


def test_polars_int128_segment() -> None:
    """The auditor's case: summarize_frame and segment on Int128 ids."""
    pl = need("polars")
    frame = pl.DataFrame(
        {
            "customer_id": pl.Series([5, 1, 5], dtype=pl.Int128),
            "date": DATES[:3],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    got = summarize_frame(frame)
    assert got["customer_id"].dtype == pl.Int128
    assert got["customer_id"].to_list() == [1, 5]
    seg = _quiet(custseg.segment, frame)
    assert seg.customers.index.tolist() == [1, 5]
    assert _quiet(segment_frame, frame)["customer_id"].dtype == pl.Int128


# --------------------------------------------------------------------------
# 4. float16 amounts as printed


def _all_halves() -> np.ndarray:
    half = np.arange(2**16, dtype=np.uint16).view(np.float16)
    return half[np.isfinite(half)]


def test_every_float16_read_as_printed() -> None:
    """Every finite float16 (and NaN, infinities), exactly as widen_narrow."""
    nw = pytest.importorskip("narwhals.stable.v2")
    pa = need("pyarrow")
    half = np.concatenate(
        [_all_halves(), np.array([np.nan, np.inf, -np.inf], np.float16)]
    )
    want = widen_narrow(half)
    frames = [pa.table({"a": half})]
    pl = need("polars")
    if hasattr(pl, "Float16"):
        frames.append(pl.DataFrame({"a": pl.Series(half, dtype=pl.Float16)}))
    for native in frames:
        col = nw.col("a").cast(nw.Float64)
        got = (
            nw.from_native(native)
            .select(engines._half_as_printed(col).alias("a"))["a"]
            .to_numpy()
        )
        np.testing.assert_array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))


HALVES = st.integers(0, 2**16 - 1).map(
    lambda bits: float(np.array([bits], np.uint16).view(np.float16)[0])
)


@pytest.mark.parametrize("engine", ["pyarrow", "polars", "dask"])
@settings(max_examples=15, deadline=None)
@given(
    amounts=st.lists(HALVES.filter(lambda x: np.isfinite(x)), min_size=1, max_size=10)
)
def test_float16_amounts_as_pandas(engine: str, amounts: list[float]) -> None:
    n = len(amounts)
    df = pd.DataFrame(
        {
            "customer_id": [i % 3 for i in range(n)],
            "date": pd.to_datetime([DATES[i % 5] for i in range(n)]),
            "amount": np.array(amounts, dtype=np.float16),
        }
    )
    if engine == "polars" and not hasattr(need("polars"), "Float16"):
        pytest.skip("this Polars has no Float16")
    _same_as_pandas(engine, df)


@pytest.mark.parametrize("engine", ["pyarrow", "polars"])
def test_float16_example(engine: str) -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": pd.to_datetime(DATES[:2]),
            "amount": np.array([0.1, -1.0], dtype=np.float16),
        }
    )
    if engine == "polars" and not hasattr(need("polars"), "Float16"):
        pytest.skip("this Polars has no Float16")
    got = summarize_frame(_to_engine(engine, df), as_of=AS_OF, output="pandas")
    assert got["monetary"].tolist() == [-0.9]


# --------------------------------------------------------------------------
# 5. types narwhals does not know: named, or read


def _arrow_id_tables() -> dict[str, tuple[Any, str]]:
    pa = need("pyarrow")
    ids = {
        "uuid": (
            pa.array([uuid.uuid4().bytes for _ in range(2)], pa.uuid()),
            "uuid",
        ),
        "fixed_size_binary": (pa.array([b"ab", b"cd"], pa.binary(2)), "binary[2]"),
    }
    return {
        name: (
            pa.table({"customer_id": col, "date": DATES[:2], "amount": [1.0, 2.0]}),
            shown,
        )
        for name, (col, shown) in ids.items()
    }


@pytest.mark.parametrize("case", ["uuid", "fixed_size_binary", "duckdb uuid"])
@pytest.mark.parametrize("column", ["customer", "order"])
def test_unknown_id_types_named(case: str, column: str) -> None:
    if case == "duckdb uuid":
        duckdb = need("duckdb")
        frame = duckdb.connect().sql(
            "SELECT uuid() AS customer_id, uuid() AS order_id, "
            "DATE '2024-01-01' AS date, 1.0::DOUBLE AS amount"
        )
        shown = "DuckDB UUID"
    else:
        table, shown = _arrow_id_tables()[case]
        frame = table.append_column("order_id", table["customer_id"])
    options = {"order": "order_id"} if column == "order" else {}
    if column == "order":
        frame = (
            frame.select("* REPLACE (1 AS customer_id)")
            if case == "duckdb uuid"
            else frame.set_column(0, "customer_id", need("pyarrow").array([1, 2]))
        )
    with pytest.raises(InputError) as info:
        summarize_frame(frame, **options)
    message = str(info.value)
    assert info.value.field == f"{column}_id"
    assert "Unknown" not in message
    assert shown in message
    assert "cast the column to text" in message


@pytest.mark.parametrize("kind", ["decimal32", "decimal64", "decimal256"])
@settings(max_examples=15, deadline=None)
@given(
    cents=st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=8),
    scale=st.integers(-2, 3),
)
def test_arrow_narrow_and_wide_decimals_read(
    kind: str, cents: list[int], scale: int
) -> None:
    pa = need("pyarrow")
    values = [Decimal(c).scaleb(-scale) for c in cents]
    precision = {"decimal32": 9, "decimal64": 18, "decimal256": 30}[kind]
    amounts = pa.array(values, pa.decimal128(38, max(scale, 0))).cast(
        getattr(pa, kind)(precision, scale)
    )
    n = len(values)
    table = pa.table(
        {
            "customer_id": [i % 3 for i in range(n)],
            "date": [DATES[i % 5] for i in range(n)],
            "amount": amounts,
        }
    )
    ref = summarize_frame(table.to_pandas(), as_of=AS_OF)
    got = summarize_frame(table, as_of=AS_OF, output="pandas")
    pd.testing.assert_frame_equal(got, ref)


def test_arrow_decimal_beyond_38_digits_named() -> None:
    pa = need("pyarrow")
    table = pa.table(
        {
            "customer_id": ["a"],
            "date": ["2024-01-01"],
            "amount": pa.array([Decimal("0.10")], pa.decimal256(40, 2)),
        }
    )
    with pytest.raises(InputError) as info:
        summarize_frame(table)
    assert info.value.field == "amount"
    assert "decimal256(40, 2)" in str(info.value)
    assert "Unknown" not in str(info.value)
