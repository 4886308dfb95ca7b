"""Audit 33, round 2 (part A): dates and ids on the engines.

1. An Arrow ``dictionary<string_view>`` date or id column (Polars' newest
   ``Categorical``) crashed PyArrow with a raw ``ArrowNotImplementedError``.
2. A Dask categorical of time-zone-aware dates was refused as "text dates"
   whose format must be given.
3. Integer dates in an all-digit ``date_format`` (02012024 stored as the
   number 2012024 in ``'%d%m%Y'``) lost their leading zero on Dask (read as
   20 January) and were refused by the other engines: pandas pads them.
4. Number dates that are not whole (DECIMAL or float) were refused by the
   engines as "not dates in the format '%Y%m%d'", naming no value and
   pointing at date_format=.
5. A long DECIMAL date was quoted as its float (100000000020240096).
"""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
dd = pytest.importorskip("dask.dataframe")

from custseg._validate import arrow_decoded  # noqa: E402
from custseg.errors import InputError  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402

AS_OF = "2025-01-01"


def _engine(name: str, df: pd.DataFrame) -> Any:
    """The pandas frame *df* in the engine *name*."""
    if name == "pandas":
        return df
    if name == "dask":
        return dd.from_pandas(df, npartitions=1)
    table = pa.Table.from_pandas(df, preserve_index=False)
    if name == "pyarrow":
        return table
    if name == "polars":
        return pl.from_arrow(table)
    return duckdb.connect().from_arrow(table)


ENGINES = ["pandas", "pyarrow", "polars", "duckdb", "dask"]


def _summary(frame: Any, **kwargs: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's own warnings
        return summarize_frame(frame, as_of=AS_OF, output="pandas", **kwargs)


def _refusal(frame: Any, **kwargs: Any) -> InputError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError) as info:
            summarize_frame(frame, as_of=AS_OF, **kwargs)
    return info.value


# --------------------------------------------------------------------------
# 3. integer dates in an all-digit format keep their leading zeros

DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31))
# (Polars refuses an hour without minutes in any format: %H%M)
FORMATS = ["%d%m%Y", "%m%d%Y", "%d%m%y", "%m%d%y%H%M"]


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(DAYS, min_size=1, max_size=3),
    fmt=st.sampled_from(FORMATS),
    engine=st.sampled_from(ENGINES),
    form=st.sampled_from(["int", "float", "category"]),
)
@example(
    days=[dt.date(2024, 1, 2), dt.date(2024, 2, 1)],
    fmt="%d%m%Y",
    engine="dask",
    form="int",
)
def test_numbers_in_an_all_digit_format_keep_their_zeros(days, fmt, engine, form):
    """Every engine reads ``int(day.strftime(fmt))`` as the day itself (its
    leading zero put back), as pandas does."""
    numbers = [int(d.strftime(fmt)) for d in days]
    values: Any = numbers
    if form == "float":
        values = [float(n) for n in numbers]
    elif form == "category":
        values = pd.Categorical(numbers)
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(days))],
            "date": values,
            "amount": 1.0,
        }
    )
    got = _summary(_engine(engine, df), date_format=fmt)
    want = [pd.Timestamp(d) for d in days]
    assert got.loc[df["customer_id"], "first_purchase"].tolist() == want


def test_dask_zero_padded_numbers_the_report():
    df = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": [2012024, 1022024], "amount": [1.0, 2.0]}
    )
    for frame in (df, dd.from_pandas(df, npartitions=1)):
        got = _summary(frame, date_format="%d%m%Y")["first_purchase"]
        assert got.tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-02-01")]


@settings(max_examples=20, deadline=None)
@given(
    number=st.one_of(st.integers(100_000_000, 10**12), st.integers(-(10**8), -1)),
    engine=st.sampled_from(ENGINES),
)
def test_numbers_too_long_for_the_format_are_refused_alike(number, engine):
    """A number with more digits than the format (or negative) is refused
    on every engine with pandas' words, quoting it."""
    df = pd.DataFrame({"customer_id": ["a"], "date": [number], "amount": [1.0]})
    err = _refusal(_engine(engine, df), date_format="%d%m%Y")
    assert err.field == "date"
    assert "cannot match the date format '%d%m%Y'" in str(err)
    assert f"such as {number}" in str(err)


# --------------------------------------------------------------------------
# 1. dictionary<string_view> dates and ids


def _view_dictionary(texts: list[str]) -> Any:
    order = sorted(set(texts))
    indices = pa.array([order.index(t) for t in texts], pa.uint32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(order, pa.string_view()))


@settings(max_examples=20, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b", "ä", "10"]), st.integers(0, 300)),
        min_size=1,
        max_size=6,
    ),
    view_ids=st.booleans(),
    view_dates=st.booleans(),
)
@example(rows=[("a", 0), ("b", 31), ("a", 60)], view_ids=False, view_dates=True)
@example(rows=[("a", 0), ("b", 31), ("a", 60)], view_ids=True, view_dates=False)
def test_dictionary_of_string_views_is_read_as_its_text(rows, view_ids, view_dates):
    """Dates and ids of an Arrow ``dictionary<string_view>`` are read as
    their text, as the same table with plain text is read; the ids keep
    their type."""
    ids = [r[0] for r in rows]
    dates = [(dt.date(2024, 1, 1) + dt.timedelta(days=r[1])).isoformat() for r in rows]
    plain = pa.table({"customer_id": ids, "date": dates, "amount": [1.0] * len(rows)})
    table = plain
    if view_ids:
        table = table.set_column(0, "customer_id", _view_dictionary(ids))
    if view_dates:
        table = table.set_column(1, "date", _view_dictionary(dates))
    got = summarize_frame(table, as_of=AS_OF)
    want = summarize_frame(plain, as_of=AS_OF)
    assert (
        got.schema.field("customer_id").type == table.schema.field("customer_id").type
    )
    assert got.drop_columns("customer_id").equals(want.drop_columns("customer_id"))
    assert (
        got.column("customer_id").to_pylist() == want.column("customer_id").to_pylist()
    )


def test_polars_newest_categorical_the_report():
    tx = pl.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "amount": [1.0, 2.0, 3.0],
        }
    ).with_columns(pl.col("date").cast(pl.Categorical))
    table = tx.to_arrow(compat_level=pl.CompatLevel.newest())
    got = summarize_frame(table, as_of="2024-04-01", output="pandas")
    assert got["recency_days"].tolist() == [31.0, 60.0]


def test_arrow_decoded_reads_a_dictionary_of_views():
    col = pa.chunked_array([_view_dictionary(["x", "y", "x"])])
    assert arrow_decoded(col).to_pylist() == ["x", "y", "x"]


# --------------------------------------------------------------------------
# 2. Dask categoricals of aware dates (and of pandas' nullable numbers)


@settings(max_examples=20, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 300 * 24 * 60), min_size=1, max_size=4),
    zone=st.sampled_from(["Asia/Tokyo", "America/New_York", "UTC", "Europe/Berlin"]),
)
@example(minutes=[23 * 60 + 30, 31 * 24 * 60], zone="Asia/Tokyo")
def test_dask_categorical_of_aware_dates_is_read_as_pandas_reads_it(minutes, zone):
    stamps = pd.DatetimeIndex(
        [pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=m) for m in minutes]
    ).tz_localize(zone, nonexistent="shift_forward", ambiguous=False)
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(minutes))],
            "date": pd.Categorical(stamps),
            "amount": 1.0,
        }
    )
    want = _summary(df)
    got = _summary(dd.from_pandas(df, npartitions=1))
    pd.testing.assert_frame_equal(
        got.sort_index(), want.sort_index(), check_dtype=False
    )


def test_dask_categorical_of_nullable_numbers():
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.Categorical(pd.array([20240101.0, 20240201.0], dtype="Float64")),
            "amount": [1.0, 2.0],
        }
    )
    got = _summary(dd.from_pandas(df, npartitions=1))
    assert got["recency_days"].tolist() == _summary(df)["recency_days"].tolist()


# --------------------------------------------------------------------------
# 4. and 5. number dates that are not whole, or too long: named as written


@settings(max_examples=30, deadline=None)
@given(
    whole=st.integers(2000_01_01, 2024_12_28),
    cents=st.integers(1, 99),
    engine=st.sampled_from(ENGINES),
    decimal=st.booleans(),
)
@example(whole=2024_01_01, cents=50, engine="pyarrow", decimal=True)
def test_dates_that_are_not_whole_are_named(whole, cents, engine, decimal):
    """A date of 20240101.50 is refused on every engine as a number that
    is no YYYYMMDD date, quoting it as written (a DECIMAL with its scale)."""
    written = Decimal(whole) + Decimal(cents).scaleb(-2)
    if decimal:
        column = pa.array([written, Decimal("20240201.00")], pa.decimal128(10, 2))
        text = str(written)
    else:
        column = pa.array([float(written), 20240201.0])
        text = repr(float(written))
    table = pa.table({"customer_id": ["a", "b"], "date": column, "amount": [1.0, 2.0]})
    frame = table if engine == "pyarrow" else _engine(engine, table.to_pandas())
    if engine in ("polars", "duckdb"):
        frame = pl.from_arrow(table) if engine == "polars" else duckdb.from_arrow(table)
    err = _refusal(frame)
    assert err.field == "date"
    assert "holds numbers that are not YYYYMMDD dates" in str(err)
    assert f"such as {text}" in str(err)
    assert "date_format=" not in str(err)


@settings(max_examples=20, deadline=None)
@given(
    number=st.integers(10**16, 10**18),
    engine=st.sampled_from(ENGINES),
    decimal=st.booleans(),
)
@example(number=100000000020240101, engine="pandas", decimal=True)
@example(number=100000000020240101, engine="pyarrow", decimal=False)
def test_long_number_dates_are_quoted_exactly(number, engine, decimal):
    """A number date past 2**53 is quoted as written, not as its float."""
    column = (
        pa.array([Decimal(number), Decimal(20240201)], pa.decimal128(20, 0))
        if decimal
        else pa.array([number, 20240201], pa.int64())
    )
    table = pa.table({"customer_id": ["a", "b"], "date": column, "amount": [1.0, 2.0]})
    if engine == "pyarrow":
        frame: Any = table
    elif engine == "polars":
        frame = pl.from_arrow(table)
    elif engine == "duckdb":
        frame = duckdb.from_arrow(table)
    else:
        frame = _engine(engine, table.to_pandas())
    err = _refusal(frame)
    assert f"such as {number}" in str(err)
    assert "holds numbers that are not YYYYMMDD dates" in str(err)
