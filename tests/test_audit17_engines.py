"""Audit 17: engine parity findings.

- Dask: object ids of ``dd.from_pandas(df)`` other than plain integers kept
  the text Dask made of them (``0.0`` and ``-0.0`` became the customers
  ``'0.0'`` and ``'-0.0'``, ``2.5`` the text ``'2.5'``); integers beyond
  int64 raised a bare ``OverflowError``. They are now read as pandas reads
  them (floats as floats, integers of any size as integers), or refused
  with an ``InputError`` (``Decimal``, ``bytes``, dates).
- DuckDB ``UHUGEINT`` ids from 2**127 on came back as negative ids (DuckDB
  exports them to Arrow as ``decimal128(38, 0)``, which wraps), and the
  native result failed when fetched; they are now exact, type kept.
- Spark refused valid text dates in formats with ``%f`` of 2 to 6 digits,
  ``%b``, ``%B``, ``%A`` (narwhals' translation of the format); they are
  now parsed as Python's strptime reads them, and directives Spark cannot
  read are refused naming the directive.
- PyArrow ``date64`` date columns were refused as not dates.
- Dask: object columns of Python datetimes (with microseconds, aware, dates
  beside datetimes) were refused (Dask had made them text); they are now
  parsed as the pandas path parses them.
"""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from test_engines import need, spark

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

AS_OF = "2024-06-01"


def _quiet(call: Any, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kw)


def _frame(ids: list[Any], dates: Any = None) -> pd.DataFrame:
    n = len(ids)
    if dates is None:
        dates = pd.to_datetime(["2024-03-01"] * n) + pd.to_timedelta(range(n), "D")
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object),
            "date": dates,
            "amount": [float(i + 1) for i in range(n)],
        }
    )


def _same_as_pandas(df: pd.DataFrame, frame: Any, **kw: Any) -> None:
    """*frame* (an engine's) gives the pandas path's result for *df*, or the
    same refusal (an InputError naming the same column)."""
    try:
        want = _quiet(summarize_frame, df, as_of=AS_OF, **kw)
    except InputError as err:
        with pytest.raises(InputError) as got:
            _quiet(summarize_frame, frame, as_of=AS_OF, output="pandas", **kw)
        assert got.value.field == err.field
        return
    got = _quiet(summarize_frame, frame, as_of=AS_OF, output="pandas", **kw)
    pd.testing.assert_frame_equal(got, want, check_index_type=True)


# --------------------------------------------------------------------------
# 1 and 4. Dask: object ids are read as pandas reads them


def _dask(df: pd.DataFrame, npartitions: int = 2) -> Any:
    dd = need("dask.dataframe")
    return dd.from_pandas(df, npartitions=npartitions)


#: one kind of id per column, as pandas reads each: floats (both zeros,
#: whole and not), integers of any size, NumPy scalars
_ONE_KIND_IDS = st.one_of(
    st.lists(
        st.sampled_from([0.0, -0.0, 2.0, 10.0, 2.5, -1.0, 1e15, 0.1]),
        min_size=1,
        max_size=8,
    ),
    st.lists(
        st.integers(-(2**70), 2**70) | st.sampled_from([2**63, 2**64 - 1, -(2**63)]),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.integers(0, 2**64 - 1).map(np.uint64), min_size=1, max_size=8),
    st.lists(st.sampled_from([1.5, 2.0, -0.0]).map(np.float32), min_size=1, max_size=8),
)


@settings(max_examples=25, deadline=None)
@given(ids=_ONE_KIND_IDS, parts=st.integers(1, 3))
def test_dask_object_ids_read_as_pandas_reads_them(ids: list[Any], parts: int) -> None:
    """Float ids stay floats (0.0 and -0.0 one customer, whole ones made
    integers), integers beyond int64 stay integers, as in pandas; they were
    the text Dask made of them, or a bare OverflowError."""
    df = _frame(ids)
    _same_as_pandas(df, _dask(df, min(parts, len(df))))


def test_dask_float_object_ids_example() -> None:
    """The auditor's example: [0, 2, 10] int64, 0 twice."""
    df = _frame([0.0, -0.0, 2.0, 10.0])
    got = _quiet(summarize_frame, _dask(df, 1), as_of=AS_OF, output="pandas")
    assert got.index.tolist() == [0, 2, 10]
    assert got.index.dtype == np.int64
    assert got["frequency"].tolist() == [2, 1, 1]


def test_dask_wide_object_ids_sorted_as_numbers() -> None:
    """Ids beyond 64 bits travel as text but come back integers, sorted as
    numbers (not as text: '18446744073709551615' < '5'), native too."""
    df = _frame([2**64 - 1, 5, 2**63, 5, -(2**65)])
    got = _quiet(summarize_frame, _dask(df), as_of=AS_OF, output="pandas")
    assert got.index.tolist() == [-(2**65), 5, 2**63, 2**64 - 1]
    assert all(type(x) is int for x in got.index)
    assert got["frequency"].tolist() == [1, 2, 1, 1]
    from custseg.engines import collect_facts, engine_facts

    facts = _quiet(collect_facts, _quiet(engine_facts, _dask(df), as_of=AS_OF))
    assert list(facts.customer_id) == [-(2**65), 5, 2**63, 2**64 - 1]


def test_dask_wide_object_ids_convert_string_off() -> None:
    """With Dask's convert-string off, the object ids are read in Dask:
    integers beyond int64 too (they raised OverflowError when computed)."""
    dask = need("dask")
    df = _frame([2**64 - 1, 5, 2**63, 5])
    with dask.config.set({"dataframe.convert-string": False}):
        frame = _dask(df)
        got = _quiet(summarize_frame, frame, as_of=AS_OF, output="pandas")
    want = summarize_frame(df, as_of=AS_OF)
    pd.testing.assert_frame_equal(got, want)


def test_dask_btyd_wide_object_ids() -> None:
    """engine_btyd_summary makes the text ids integers again, in order."""
    from custseg.engines import engine_btyd_summary

    df = _frame([2**64 - 1, 5, 2**63, 5])
    got = _quiet(engine_btyd_summary, _dask(df), observation_end=AS_OF)
    assert list(got.customer_id) == [5, 2**63, 2**64 - 1]


@pytest.mark.parametrize(
    "ids",
    [
        [Decimal("1"), Decimal("2.5")],
        [b"a", b"b"],
        [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
    ],
)
def test_dask_object_ids_pandas_keeps_as_objects_refused(ids: list[Any]) -> None:
    """Ids that would be text in Dask (b'1' and '1' alike) are refused with
    an InputError naming the column, not read as their text."""
    df = _frame(ids)
    with pytest.raises(InputError) as err:
        _quiet(summarize_frame, _dask(df, 1), as_of=AS_OF, output="pandas")
    assert err.value.field == "customer_id"


def test_dask_float_object_order_ids() -> None:
    """Order ids are read alike: 1.0 and -0.0 / 0.0 orders, not texts."""
    df = _frame(["a", "a", "a", "b"]).assign(
        order=pd.Series([0.0, -0.0, 1.0, 2.0], dtype=object)
    )
    want = _quiet(summarize_frame, df, as_of=AS_OF, order="order")
    got = _quiet(
        summarize_frame, _dask(df), as_of=AS_OF, order="order", output="pandas"
    )
    pd.testing.assert_frame_equal(got, want)
    assert got["frequency"].tolist() == [2, 1]


# --------------------------------------------------------------------------
# 6. Dask: object columns of Python datetimes are parsed as in pandas

_TOKYO = ZoneInfo("Asia/Tokyo")
_NAIVE = st.datetimes(
    min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2024, 5, 30)
)


@settings(max_examples=20, deadline=None)
@given(
    dates=st.lists(
        st.one_of(
            _NAIVE,
            _NAIVE.map(lambda d: d.replace(tzinfo=_TOKYO)),
            _NAIVE.map(lambda d: d.date()),
        ),
        min_size=1,
        max_size=8,
    ),
    ids=st.data(),
)
def test_dask_object_datetimes_read_as_pandas(dates: list[Any], ids: Any) -> None:
    """Naive datetimes with microseconds, aware ones, dates beside
    datetimes: the pandas path's facts (or its refusal) on Dask; they were
    text, format-sniffed from the first value, and refused."""
    customers = ids.draw(
        st.lists(st.sampled_from("abc"), min_size=len(dates), max_size=len(dates))
    )
    df = _frame(customers, pd.Series(dates, dtype=object))
    _same_as_pandas(df, _dask(df, min(2, len(df))))


@pytest.mark.parametrize(
    "dates",
    [
        [
            dt.datetime(2024, 3, 1, 10, 0, 0, 500000),
            dt.datetime(2024, 3, 2),
            dt.datetime(2024, 3, 3),
        ],
        [
            dt.datetime(2024, 3, 1, 23, 30, tzinfo=_TOKYO),
            dt.datetime(2024, 3, 2, tzinfo=_TOKYO),
            dt.datetime(2024, 3, 3, tzinfo=_TOKYO),
        ],
        [dt.date(2024, 3, 1), dt.datetime(2024, 3, 2, 12), dt.date(2024, 3, 3)],
    ],
)
def test_dask_object_datetimes_examples(dates: list[Any]) -> None:
    df = _frame(["a", "b", "a"], pd.Series(dates, dtype=object))
    want = summarize_frame(df, as_of=AS_OF)
    got = _quiet(summarize_frame, _dask(df, 1), as_of=AS_OF, output="pandas")
    pd.testing.assert_frame_equal(got, want)


# --------------------------------------------------------------------------
# 2. DuckDB: UHUGEINT ids past 2**127 (and HUGEINT past 10**38)


def _duck(ids: list[int], kind: str) -> Any:
    duckdb = need("duckdb")
    rows = ", ".join(
        f"(({i})::{kind}, DATE '2024-03-0{k % 9 + 1}', {k + 1}.0)"
        for k, i in enumerate(ids)
    )
    return duckdb.sql(f"SELECT * FROM (VALUES {rows}) t(customer_id, date, amount)")


def test_duckdb_uhugeint_ids_exact() -> None:
    """The auditor's example: exact ids, type kept in the native result."""
    rel = _duck([2**128 - 1, 2**127, 2], "UHUGEINT")
    got = summarize_frame(rel, as_of=AS_OF, output="pandas")
    assert got.index.tolist() == [2, 2**127, 2**128 - 1]
    assert got["monetary"].tolist() == [3.0, 2.0, 1.0]
    native = summarize_frame(rel, as_of=AS_OF)
    assert str(native.types[0]) == "UHUGEINT"
    assert [r[0] for r in native.fetchall()] == [2, 2**127, 2**128 - 1]


@settings(max_examples=20, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(["HUGEINT", "UHUGEINT"]),
)
def test_duckdb_128_bit_ids(data: Any, kind: str) -> None:
    """Any 128-bit ids: the customers and order of the pandas path (which
    holds them as Python integers)."""
    lo, hi = (-(2**127), 2**127 - 1) if kind == "HUGEINT" else (0, 2**128 - 1)
    edges = st.sampled_from([lo, hi, 10**38, 2**127 - 1, 0, 2**63, 2**64])
    ids = data.draw(
        st.lists(
            (st.integers(lo, hi) | edges).filter(lambda i: lo <= i <= hi),
            min_size=1,
            max_size=6,
        )
    )
    got = summarize_frame(_duck(ids, kind), as_of=AS_OF, output="pandas")
    assert got.index.tolist() == sorted(set(ids))
    assert got["frequency"].sum() == len(ids)


# --------------------------------------------------------------------------
# 5. PyArrow: date64 columns are dates


@settings(max_examples=20, deadline=None)
@given(
    days=st.lists(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 5, 31)),
        min_size=1,
        max_size=8,
    )
)
def test_arrow_date64_read_as_dates(days: list[dt.date]) -> None:
    """A date64 column gives what its date32 twin (and pandas) gives."""
    pa = need("pyarrow")
    ids = [f"c{i % 3}" for i in range(len(days))]
    amounts = [float(i + 1) for i in range(len(days))]
    t64 = pa.table(
        {"customer_id": ids, "date": pa.array(days, pa.date64()), "amount": amounts}
    )
    t32 = t64.set_column(1, "date", pa.array(days, pa.date32()))
    got = summarize_frame(t64, as_of=AS_OF, output="pandas")
    pd.testing.assert_frame_equal(
        got, summarize_frame(t32, as_of=AS_OF, output="pandas")
    )
    want = summarize_frame(t64.to_pandas(), as_of=AS_OF)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_arrow_date64_missing_dates_refused() -> None:
    pa = need("pyarrow")
    t = pa.table(
        {
            "customer_id": ["a", "b"],
            "date": pa.array([dt.date(2024, 3, 1), None], pa.date64()),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError, match="missing dates"):
        summarize_frame(t, as_of=AS_OF)


# --------------------------------------------------------------------------
# 3. Spark: strftime formats read as Python reads them

_SPARK_CASES = [
    ("%Y-%m-%d %H:%M:%S.%f", ["2024-03-01 10:00:00.123456", "2024-3-1 1:2:3.25"]),
    ("%b %d %Y", ["Mar 01 2024", "OCT 3 2024"]),
    ("%d %B %Y", ["01 March 2024", "1 may 2024"]),
    ("%A %d/%m/%Y", ["Friday 01/03/2024", "Thursday 02/03/2024"]),
    ("%a, %d %b %Y %I:%M %p", ["Tue, 05 Mar 2024 01:05 PM"]),
    ("%d de %B de %Y (%j)", ["01 de March de 2024 (061)"]),
]


def test_spark_date_formats(spark: Any) -> None:
    """Valid dates in these formats were refused on Spark (%f read as one
    digit, no %b / %B, %A as an abbreviation, literals unquoted); they
    give the pandas path's dates, and a text that is no date in the format
    is still refused."""
    from test_engines import spark_frame

    for fmt, texts in _SPARK_CASES:
        df = pd.DataFrame(
            {
                "customer_id": [f"c{i}" for i in range(len(texts))],
                "date": texts,
                "amount": [1.0] * len(texts),
            }
        )
        want = summarize_frame(df, date_format=fmt, as_of="2025-01-01")
        got = _quiet(
            summarize_frame,
            spark_frame(spark, df),
            date_format=fmt,
            as_of="2025-01-01",
            output="pandas",
        )
        pd.testing.assert_series_equal(
            got["first_purchase"], want["first_purchase"], check_dtype=False
        )
    bad = pd.DataFrame(
        {"customer_id": ["a"], "date": ["March 01 2024"], "amount": [1.0]}
    )
    with pytest.raises(InputError, match="not dates in the format"):
        _quiet(
            summarize_frame,
            spark_frame(spark, bad),
            date_format="%b %d %Y",
            as_of=AS_OF,
        )


def test_spark_unreadable_directive_named(spark: Any) -> None:
    """A directive Spark has no pattern for is refused naming it, not
    blamed on the data."""
    from test_engines import spark_frame

    df = pd.DataFrame({"customer_id": ["a"], "date": ["2024-09-1"], "amount": [1.0]})
    with pytest.raises(InputError, match="%G") as err:
        summarize_frame(spark_frame(spark, df), date_format="%G-%V-%u", as_of=AS_OF)
    assert err.value.field == "date_format"


def test_dask_object_datetimes_convert_string_off() -> None:
    """With convert-string off, object dates are parsed per partition, in
    the unit pandas gives them ([s] for dates alone)."""
    dask = need("dask")
    for dates in (
        [
            dt.datetime(2024, 3, 1, 10, 0, 0, 5),
            dt.datetime(2024, 3, 2),
            dt.date(2024, 3, 3),
        ],
        [dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 3, 3)],
    ):
        df = _frame(["a", "b", "a"], pd.Series(dates, dtype=object))
        with dask.config.set({"dataframe.convert-string": False}):
            got = _quiet(summarize_frame, _dask(df), as_of=AS_OF, output="pandas")
        pd.testing.assert_frame_equal(got, summarize_frame(df, as_of=AS_OF))


def test_dask_derived_frame_float_ids_and_datetimes_refused() -> None:
    """A frame computed from dd.from_pandas(df) holds Dask's text of df's
    float ids ('0.0' and '-0.0': two customers) and datetimes: refused, not
    split or blamed on a format; converted in Dask, they are read."""
    df = _frame([0.0, -0.0, 2.0])
    frame = _dask(df)
    derived = frame[frame["amount"] > 0]
    with pytest.raises(InputError, match="computed from") as err:
        _quiet(summarize_frame, derived, as_of=AS_OF)
    assert err.value.field == "customer_id"
    fixed = derived.assign(customer_id=derived["customer_id"].astype("float64"))
    got = _quiet(summarize_frame, fixed, as_of=AS_OF, output="pandas")
    assert got.index.tolist() == [0, 2]
    dates = pd.Series([dt.datetime(2024, 3, 1, 10, 0, 0, 5), dt.datetime(2024, 3, 2)])
    df = _frame(["a", "b"], dates.astype(object))
    frame = _dask(df)
    with pytest.raises(InputError, match="computed from") as err:
        _quiet(summarize_frame, frame[frame["amount"] > 0], as_of=AS_OF)
    assert err.value.field == "date"
