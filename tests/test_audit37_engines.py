"""Audit 37, engines: the pipeline on the engines against pandas, on edge
data.

float32 (and float16) ``YYYYMMDD`` dates: float32 holds whole numbers
exactly only below 2**24, and every ``YYYYMMDD`` date from 1678 on is past
it, so a float32 column keeps every second day number (20240103 is stored
as 20240104). custseg read the rounded number as the day, on pandas and
on every engine, with no error; such values are now refused alike
everywhere, and numbers below the bound (``240103`` in ``'%y%m%d'``) are
read as before.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import parse_date_column, summarize_frame

FAST = settings(max_examples=25, deadline=None, database=None)

_FLOAT32_DAYS = pd.Series(np.array([20240103, 20240105], dtype="float32"))


def _frame(dates: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": dates,
            "amount": [1.0, 2.0],
        }
    )


def _engine(df: pd.DataFrame, engine: str) -> Any:
    if engine == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df)
    if engine == "lazy":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df).lazy()
    if engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().from_df(df)
    assert engine == "dask"
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=1)


@pytest.mark.parametrize(
    "dates",
    [
        _FLOAT32_DAYS,
        _FLOAT32_DAYS.astype("Float32"),
        _FLOAT32_DAYS.astype("category"),
        pd.Series([np.float32(20240103), 20240105.0], dtype=object),
    ],
    ids=["float32", "Float32", "category", "object"],
)
def test_float32_yyyymmdd_dates_refused_on_pandas(dates: pd.Series) -> None:
    """20240103 and 20240105 in float32 are both 20240104: read as
    4 January for both customers (recency 28 each), with no error."""
    with pytest.raises(InputError, match="float32") as info:
        summarize_frame(_frame(dates), as_of="2024-02-01")
    assert info.value.field == "date"
    assert "20240104" in str(info.value)
    with pytest.raises(InputError, match="float32"):
        parse_date_column(dates, "date")


def test_float32_dates_past_the_bound_refused_also_with_a_format() -> None:
    """A given format of digits: numbers below 2**24 are exact and read;
    one past it (30012024, stored as 30012024 or not) is refused."""
    small = pd.Series(np.array([240103, 240105], dtype="float32"))
    got = summarize_frame(_frame(small), as_of="2024-02-01", date_format="%y%m%d")
    assert got["first_purchase"].dt.day.tolist() == [3, 5]
    big = pd.Series(np.array([3012024, 30012024], dtype="float32"))
    with pytest.raises(InputError, match="float32"):
        summarize_frame(_frame(big), as_of="2024-02-01", date_format="%d%m%Y")


@FAST
@given(
    day=st.dates(
        min_value=pd.Timestamp("1678-01-01").date(),
        max_value=pd.Timestamp("2200-12-31").date(),
    ),
    kind=st.sampled_from(["float32", "Float32", "float32[pyarrow]"]),
)
def test_every_float32_yyyymmdd_date_is_refused(day: Any, kind: str) -> None:
    """Whatever the day (past 2**24 as every YYYYMMDD date from 1678 on),
    float32 is refused: an even day number may be an odd one rounded."""
    if kind == "float32[pyarrow]":
        pytest.importorskip("pyarrow")
    number = day.year * 10000 + day.month * 100 + day.day
    dates = pd.Series([float(number), float(number)]).astype(kind)
    with pytest.raises(InputError, match="hold whole numbers exactly only below"):
        summarize_frame(_frame(dates), as_of="2201-01-01")


@pytest.mark.parametrize("engine", ["polars", "lazy", "pyarrow", "duckdb", "dask"])
def test_float32_yyyymmdd_dates_refused_on_the_engines(engine: str) -> None:
    """Every engine read float32 20240103 and 20240105 as 4 January, as
    pandas did; now refused with pandas' words (the count of rows)."""
    df = _frame(_FLOAT32_DAYS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (Dask's own)
        with pytest.raises(InputError, match="float32") as info:
            summarize_frame(_engine(df, engine), as_of="2024-02-01")
    assert info.value.field == "date"
    assert "such as 20240104 (2 rows)" in str(info.value)
    small = _frame(np.array([240103, 240105], dtype="float32"))
    got = summarize_frame(
        _engine(small, engine),
        as_of="2024-02-01",
        date_format="%y%m%d",
        output="pandas",
    )
    assert got["first_purchase"].dt.day.tolist() == [3, 5]


def test_float32_dates_refused_by_engine_btyd_summary() -> None:
    pl = pytest.importorskip("polars")
    from custseg.engines import engine_btyd_summary

    with pytest.raises(InputError, match="float32"):
        engine_btyd_summary(
            pl.from_pandas(_frame(_FLOAT32_DAYS)), observation_end="2024-02-01"
        )


# A NaN id (or date) in an engine: the fix named only NULLs --------------


def _nan_frames() -> dict[str, Any]:
    pl = pytest.importorskip("polars")
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])
    frame = pl.DataFrame(
        {
            "customer_id": [1.0, float("nan"), 2.0],
            "order": [1.0, float("nan"), 2.0],
            "date": dates,
            "amount": [1.0, 2.0, 3.0],
        }
    )
    return {"polars": frame, "lazy": frame.lazy()}


@pytest.mark.parametrize("engine", ["polars", "lazy"])
def test_nan_id_fix_drops_the_nan_rows_too(engine: str) -> None:
    """Polars keeps NaN apart from NULL: a NaN id is a missing id (as in
    pandas), but the fix said ``df.drop_nulls`` / ``IS NOT NULL``, which
    keep that row, so the same refusal came back. The fix now filters
    the NaN rows too, and following it gives the summary."""
    pl = pytest.importorskip("polars")
    frame = _nan_frames()[engine]
    with pytest.raises(InputError, match="missing customer ids") as info:
        summarize_frame(frame, as_of="2024-02-01")
    fix = info.value.fix or ""
    assert "is_not_nan()" in fix and "isnan(customer_id)" in fix, fix
    kept = frame.filter(
        pl.col("customer_id").is_not_null() & pl.col("customer_id").is_not_nan()
    )
    got = summarize_frame(kept, as_of="2024-02-01", output="pandas")
    assert got.index.tolist() == [1, 2]
    with pytest.raises(InputError, match="missing order ids") as info:
        summarize_frame(
            frame.drop_nulls("customer_id").with_columns(customer_id=pl.lit("a")),
            as_of="2024-02-01",
            order="order",
        )
    assert "is_not_nan()" in (info.value.fix or "")


def test_nan_date_is_not_called_null() -> None:
    """A Polars NaN float date is a missing date, as in pandas; the message
    said ``(NULL)`` of a column that holds none."""
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {"customer_id": ["a", "b"], "date": [20240101.0, float("nan")], "amount": 1.0}
    )
    with pytest.raises(InputError, match=r"missing dates \(NULL or NaN\)"):
        summarize_frame(frame, as_of="2024-02-01")


# Decimal amounts beyond 2**53 in their last place: the engines quoted none


@settings(max_examples=10, deadline=None, database=None)
@given(
    good=st.lists(st.integers(0, 10**6), min_size=0, max_size=2),
    # (ending in 1: no trailing zero to drop, beyond 2**53 in its last place)
    bad=st.lists(
        st.integers(2**53 // 10 + 1, 10**18).map(lambda u: u * 10 + 1),
        min_size=1,
        max_size=2,
    ),
    scale=st.integers(0, 12),
    engine=st.sampled_from(["polars", "pyarrow", "duckdb"]),
)
def test_inexact_decimal_amount_quoted_by_the_engines(
    good: list[int], bad: list[int], scale: int, engine: str
) -> None:
    """pandas quotes such an amount (``such as Decimal('99999999.99999999')``);
    the engines said only how many rows. They now quote one of them, as the
    engine writes it: a value that is beyond 2**53 in its last place."""
    from decimal import Decimal

    pa = pytest.importorskip("pyarrow")
    from custseg._validate import decimal_inexact

    values = [Decimal(u).scaleb(-scale) for u in good + bad]
    table = pa.table(
        {
            "customer_id": [f"c{i % 2}" for i in range(len(values))],
            "date": pa.array([np.datetime64("2024-01-05", "us")] * len(values)),
            "amount": pa.array(values, pa.decimal128(38, scale)),
        }
    )
    frame: Any = table
    if engine == "polars":
        pl = pytest.importorskip("polars")
        frame = pl.from_arrow(table)
    elif engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        frame = duckdb.connect().from_arrow(table)
    with pytest.raises(
        InputError, match="beyond 2\\*\\*53 in their last place"
    ) as info:
        summarize_frame(frame, as_of="2024-02-01")
    problem = info.value.problem
    assert ", such as " in problem, problem
    quoted = Decimal(problem.split(", such as ")[1].split(", which")[0])
    assert quoted in values and decimal_inexact(quoted), problem
