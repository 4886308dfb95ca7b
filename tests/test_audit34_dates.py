"""Audit 34: number dates on the engines, read as the pandas path reads them.

1. Without ``date_format``, the engines (PyArrow, Polars, DuckDB, Dask;
   Spark shares the path) read an integer date of 6 digits or fewer as a
   year 0001-0999 (240101 as 24 January 0024, 10101 as 1 January 0001:
   recency of 730,000 days), where pandas refuses every number that is not
   an 8-digit ``YYYYMMDD`` ("holds numbers that are not YYYYMMDD dates").
   Audit 33's zero-padding of all-digit formats was applied to the default
   ``%Y%m%d`` too; it now applies only to a given ``date_format``.
"""

from __future__ import annotations

import datetime as dt
import re
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

from custseg.errors import CustsegError, InputError  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402
from test_engines import spark, spark_frame  # noqa: E402

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

AS_OF = "2100-01-01"


def _engine(name: str, df: pd.DataFrame) -> Any:
    """The pandas frame *df* in the engine *name*."""
    if name == "dask":
        return dd.from_pandas(df, npartitions=1)
    table = pa.Table.from_pandas(df, preserve_index=False)
    if name == "pyarrow":
        return table
    if name == "polars":
        return pl.from_arrow(table)
    if name == "polars-lazy":
        return pl.from_arrow(table).lazy()
    return duckdb.connect().from_arrow(table)


ENGINES = ["pyarrow", "polars", "polars-lazy", "duckdb", "dask"]


def _outcome(frame: Any, date_format: str | None) -> Any:
    """The first purchase of each customer (in the order of the ids), or
    the refusal: its field, its problem (without the value quoted) and its
    fix."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Dask's own warnings
            got = summarize_frame(
                frame, as_of=AS_OF, date_format=date_format, output="pandas"
            )
    except CustsegError as err:
        assert isinstance(err, InputError), err
        # (engines have no row order: they give the count of rows in the
        # problem, pandas the first row beside it)
        problem = re.sub(r" \(\d[\d,]* rows?\)$", "", err.problem)
        return ("refused", err.field, problem.split(", such as")[0], err.fix)
    return got["first_purchase"].sort_index().tolist()


def _frame(numbers: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(numbers))],
            "date": numbers,
            "amount": 1.0,
        }
    )


# --------------------------------------------------------------------------
# number dates of 1 to 9 digits, with and without date_format

FORMATS = [None, "%Y%m%d", "%d%m%Y", "%y%m%d", "%m%d%Y"]
DAYS = st.dates(dt.date(1970, 1, 1), dt.date(2060, 12, 31))


@st.composite
def numbers(draw: Any) -> int:
    """A number of 1 to 9 digits: any, or a day written in one of the
    formats (its leading zeros lost, as a number loses them), so that
    some of them are dates."""
    if draw(st.booleans()):
        width = draw(st.integers(1, 9))
        low = 0 if width == 1 else 10 ** (width - 1)
        return int(draw(st.integers(low, 10**width - 1)))
    day = draw(DAYS)
    written = draw(st.sampled_from([f for f in FORMATS if f is not None]))
    return int(day.strftime(written))


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(numbers(), min_size=1, max_size=3),
    fmt=st.sampled_from(FORMATS),
    engine=st.sampled_from(ENGINES),
    form=st.sampled_from(["int", "float", "decimal"]),
)
@example(values=[240101, 10101, 20240101], fmt=None, engine="polars", form="int")
@example(values=[815], fmt="%Y%m%d", engine="polars", form="int")
@example(values=[2024011], fmt=None, engine="dask", form="int")
@example(values=[240101], fmt=None, engine="duckdb", form="decimal")
@example(values=[2012024], fmt="%d%m%Y", engine="pyarrow", form="int")
@example(values=[240101], fmt="%Y%m%d", engine="dask", form="float")
@example(values=[10224], fmt="%y%m%d", engine="polars-lazy", form="int")
@example(values=[20241301], fmt=None, engine="pyarrow", form="int")
@example(values=[31022024, 2012024], fmt="%d%m%Y", engine="duckdb", form="float")
@example(values=[10032100], fmt="%d%m%Y", engine="pyarrow", form="int")
def test_number_dates_are_read_as_pandas_reads_them(values, fmt, engine, form):
    """Every engine reads integer, float and decimal dates of 1 to 9 digits
    as the pandas path does: the same days, or the same refusal (field,
    problem and fix); without a date_format, only 8-digit YYYYMMDD numbers
    are dates. A number of the right size that names no day (20241301) is
    refused quoting it, as pandas words it (the engines' parsers raised in
    their own words)."""
    written: list[Any] = list(values)
    if form == "float":
        written = [float(n) for n in values]
    elif form == "decimal":
        written = [Decimal(n) for n in values]
    df = _frame(written)
    want = _outcome(df, fmt)
    got = _outcome(_engine(engine, df), fmt)
    if isinstance(want, tuple) and want[2] == "has dates outside the years 1 to 9999":
        # a year 0 (815 in '%Y%m%d'): refused on both, each in its words
        # (the engines' count the rows, with no value to quote)
        assert got[:2] == want[:2]
        assert got[2].startswith(want[2])
        return
    assert got == want
    if fmt is None and any(not 10_000_000 <= n <= 99_999_999 for n in values):
        assert want[:3] == (
            "refused",
            "date",
            "holds numbers that are not YYYYMMDD dates",
        )


@pytest.mark.parametrize("engine", ENGINES)
def test_short_numbers_are_refused_without_a_format_the_report(engine):
    """The report's example: a YYMMDD key and a typo beside a good date are
    refused as pandas refuses them (they were read as the years 24 and 1:
    recency 730,637 and 739,037 days)."""
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": [240101, 10101, 20240101],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError) as info:
        summarize_frame(df, as_of="2024-06-01")
    assert "holds numbers that are not YYYYMMDD dates, such as 240101" in str(
        info.value
    )
    with warnings.catch_warnings(), pytest.raises(InputError) as info:
        warnings.simplefilter("ignore")
        summarize_frame(_engine(engine, df), as_of="2024-06-01")
    err = info.value
    assert err.field == "date"
    assert err.problem.startswith("holds numbers that are not YYYYMMDD dates, such as")
    assert err.n_rows == 2
    assert "YYYYMMDD numbers (20240131)" in err.fix


@pytest.mark.parametrize("engine", ENGINES)
def test_a_given_all_digit_format_still_pads(engine):
    """With the format given, the zeros a number lost are put back, as
    audit 33 made it (and as pandas pads): 2012024 in '%d%m%Y' is
    2 January 2024, 240101 in '%Y%m%d' is 1 January of the year 24."""
    df = _frame([2012024])
    got = _outcome(_engine(engine, df), "%d%m%Y")
    assert got == [pd.Timestamp("2024-01-02")] == _outcome(df, "%d%m%Y")
    df = _frame([240101])
    assert _outcome(_engine(engine, df), "%Y%m%d") == _outcome(df, "%Y%m%d")


def test_spark_refuses_short_numbers_without_a_format(spark: Any) -> None:
    """Spark shares the path: the report's YYMMDD key is refused there too
    (one query: Spark is slow to start a job)."""
    df = _frame([240101, 20240101])
    with warnings.catch_warnings(), pytest.raises(InputError) as info:
        warnings.simplefilter("ignore")
        summarize_frame(spark_frame(spark, df), as_of="2024-06-01")
    assert info.value.problem.startswith("holds numbers that are not YYYYMMDD dates")


def test_the_year_0_is_no_date():
    """815 in '%Y%m%d' (padded to 00000815) names the year 0, which no
    engine (nor Python) holds; pandas reads it, the pandas path refuses it
    (audit 35; was a known failure)."""
    with pytest.raises(InputError, match="outside the years 1 to 9999, such as 815"):
        summarize_frame(_frame([815]), as_of=AS_OF, date_format="%Y%m%d")
