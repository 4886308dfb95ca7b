"""Audit 35 (dates, round 2): neighbours of the day's date-parsing changes.

1. Float dates (a number column with gaps) in a given all-digit
   ``date_format`` other than ``%Y%m%d`` (``'%d%m%Y'``, ``'%Y%j'``,
   ``'%y%m%d'``): PyArrow, Polars and Dask parsed the stand-in 19700101 of
   a missing date with the format and refused the whole column as "not
   dates in the format '%d%m%Y'", quoting ``'19700101'``, a value nobody
   wrote, where pandas and DuckDB say "missing dates". A Polars NaN (not
   null) gave the engine's own "conversion from f64 to i64 failed".
2. Datetime values in an object or categorical column (Timestamps,
   ``datetime64`` of a year such as 0) were refused as "outside the years 1
   to 9999" by ``parse_date_column`` and ``summarize_frame``, where the same
   values as a datetime column, and ``custseg.summarize`` on that column,
   keep any year (only text and numbers are limited).
3. ISO text of a year outside 1 to 9999 that Python's ``datetime`` or
   pandas cannot read was refused as "not dates", where the other paths
   and ``as_of`` name the year: ``custseg.summarize`` on text with a UTC
   offset (``0000-08-15T10:00+01:00``), ``summarize_frame`` and
   ``parse_date_column`` on a year of 5 digits or signed (``+10000-01-01``,
   ``20240-01-01 10:00-05:00``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._files import parse_date_column
from custseg.errors import CustsegError, InputError
from custseg.frame import summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")
from custseg.engines import engine_btyd_summary

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
dd = pytest.importorskip("dask.dataframe")

from test_audit34_dates import _engine as _in_engine  # noqa: E402

AS_OF = "2100-01-01"
ENGINES = ["pandas", "pyarrow", "polars", "polars-lazy", "duckdb", "dask"]


def _engine(name: str, df: pd.DataFrame) -> Any:
    """The pandas frame *df* in the engine *name* (pandas: *df* itself)."""
    return df if name == "pandas" else _in_engine(name, df)


def _refusal(frame: Any, date_format: str | None) -> tuple[str, str]:
    """The field and the problem (up to its first parenthesis or value) of
    the refusal of *frame*."""
    with pytest.raises(CustsegError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Dask's own warnings
        summarize_frame(frame, as_of=AS_OF, date_format=date_format)
    err = info.value
    assert isinstance(err, InputError), err
    assert "19700101" not in str(err), err
    assert "the engine says" not in str(err), err
    return err.field, err.problem.split(" (")[0].split(", such as")[0]


# (1) float dates with gaps in an all-digit format -------------------------

FORMATS = {  # a day of each format, as a number
    "%d%m%Y": 1012024,
    "%Y%j": 2024001,
    "%y%m%d": 240101,
    "%Y%m%d": 20240101,
    "%m%d%Y%H%M": 10120241230,
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("date_format", sorted(FORMATS))
def test_missing_float_dates_are_missing_on_every_engine(
    engine: str, date_format: str
) -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": [float(FORMATS[date_format]), np.nan, float(FORMATS[date_format])],
            "amount": 1.0,
        }
    )
    field, problem = _refusal(_engine(engine, df), date_format)
    assert field == "date"
    assert problem in ("has missing dates", "contains missing dates")


@settings(max_examples=15, deadline=None)
@given(
    fmt=st.sampled_from(sorted(FORMATS)),
    gaps=st.lists(st.booleans(), min_size=2, max_size=6).filter(
        lambda g: any(g) and not all(g)
    ),
    engine=st.sampled_from(["pyarrow", "polars", "dask"]),
)
def test_gaps_decide_the_refusal_not_the_format(
    fmt: str, gaps: list[bool], engine: str
) -> None:
    """Whatever the all-digit format and wherever the gaps, a float date
    column with gaps is refused for its missing dates, as pandas does."""
    dates = [np.nan if gap else float(FORMATS[fmt]) for gap in gaps]
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(gaps))],
            "date": dates,
            "amount": 1.0,
        }
    )
    assert _refusal(_engine(engine, df), fmt)[1] == "has missing dates"


@pytest.mark.parametrize("date_format", [None, "%d%m%Y"])
@pytest.mark.parametrize("lazy", [False, True])
def test_polars_nan_date_is_a_missing_date(date_format: str | None, lazy: bool) -> None:
    number = 20240101.0 if date_format is None else 1012024.0
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": [number, float("nan")],
            "amount": [1.0, 1.0],
        }
    )
    field, problem = _refusal(frame.lazy() if lazy else frame, date_format)
    assert (field, problem) == ("date", "has missing dates")


def test_whole_float_dates_still_read_in_an_all_digit_format() -> None:
    df = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": [2012024.0, 31122023.0], "amount": 1.0}
    )
    for engine in ENGINES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = summarize_frame(
                _engine(engine, df), as_of=AS_OF, date_format="%d%m%Y", output="pandas"
            )
        days = got["first_purchase"].sort_index().dt.strftime("%Y-%m-%d").tolist()
        assert days == ["2024-01-02", "2023-12-31"], engine


def test_engine_btyd_summary_missing_float_dates() -> None:
    frame = pl.DataFrame(
        {"customer_id": ["a", "b"], "date": [1012024.0, None], "amount": [1.0, 1.0]}
    )
    with pytest.raises(InputError, match="missing dates"):
        engine_btyd_summary(frame, observation_end=AS_OF, date_format="%d%m%Y")


# (2) datetime values in object and categorical columns keep any year -----

YEARS = st.integers(min_value=-50, max_value=12000)


@settings(max_examples=25, deadline=None)
@given(years=st.lists(YEARS, min_size=1, max_size=4))
def test_datetime_values_keep_any_year_in_any_column(years: list[int]) -> None:
    stamps = [
        pd.Timestamp(np.datetime64(f"{y:+06d}-08-15T00:00:00", "s")) for y in years
    ]
    plain = parse_date_column(pd.Series(np.array(stamps, dtype="M8[s]")), "date")
    for col in (
        pd.Series(stamps, dtype=object),
        pd.Series(stamps, dtype=object).astype("category"),
        pd.Series([s.to_datetime64() for s in stamps], dtype=object),
    ):
        got = parse_date_column(col, "date")
        assert got.tolist() == plain.tolist()


def test_year_zero_timestamp_in_object_column_summarize_frame() -> None:
    stamp = pd.Timestamp(np.datetime64("0000-08-15", "s"))
    for col in (
        pd.Series([stamp, pd.Timestamp("2024-01-01")], dtype=object),
        pd.Series([stamp, pd.Timestamp("2024-01-01")]).astype("category"),
        pd.Series([np.datetime64("0000-08-15"), "2024-01-01"], dtype=object),
    ):
        df = pd.DataFrame({"customer_id": ["a", "b"], "date": col, "amount": 1.0})
        got = summarize_frame(df, as_of="2024-06-01")
        direct = custseg.summarize(
            ["a", "b"],
            pd.Series(
                [np.datetime64("0000-08-15", "s"), np.datetime64("2024-01-01", "s")]
            ),
            [1.0, 1.0],
            as_of="2024-06-01",
        )
        assert got["recency_days"].tolist() == list(direct.recency_days)


def test_text_of_year_zero_beside_datetime_values_still_refused() -> None:
    col = pd.Series([pd.Timestamp("2024-01-01"), "0000-08-15"], dtype=object)
    with pytest.raises(InputError, match="outside the years 1 to 9999") as info:
        parse_date_column(col, "date")
    assert "'0000-08-15'" in str(info.value)
    assert "first at row 1" in str(info.value)


# (3) offset text of a far year: named as such by custseg.summarize -------


@pytest.mark.parametrize(
    "text",
    [
        "0000-08-15T10:00+01:00",
        "0000-08-15T10:00Z",
        "20240-01-01 10:00-05:00",
        "+10000-01-01T00:00+00:00",
    ],
)
def test_far_year_with_offset_named_by_summarize(text: str) -> None:
    for dates in ([text], pd.Series(["2024-01-01T10:00+01:00", text])):
        with pytest.raises(InputError, match="outside the years 1 to 9999") as info:
            custseg.summarize(
                ["a"] * len(dates), dates, [1.0] * len(dates), as_of=AS_OF
            )
        assert repr(text) in str(info.value)
    df = pd.DataFrame({"customer_id": ["a"], "date": [text], "amount": [1.0]})
    with pytest.raises(InputError, match="outside the years 1 to 9999"):
        summarize_frame(df, as_of=AS_OF)


@pytest.mark.parametrize("text", ["+10000-01-01", "-0001-01-01", "20240-01-01"])
def test_far_year_text_named_by_parse_date_column(text: str) -> None:
    col = pd.Series(["2024-01-01", text, None])
    with pytest.raises(InputError, match="outside the years 1 to 9999") as info:
        parse_date_column(col, "date")
    assert repr(text) in str(info.value)
    assert "first at row 1" in str(info.value)


def test_bad_offset_text_still_not_a_date() -> None:
    with pytest.raises(InputError, match="not dates") as info:
        custseg.summarize(["a"], ["2024-13-01T10:00+01:00"], [1.0], as_of=AS_OF)
    assert "outside the years" not in str(info.value)
