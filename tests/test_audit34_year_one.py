"""Dates before the year 1 are refused, as the engines refuse them.

Before: pandas reads ``0000-08-15`` (and NumPy ``datetime64`` holds it) at
a resolution coarser than nanoseconds, so ``summarize``, ``segment`` and
``parse_date_column`` (text, ``YYYYMMDD`` numbers in a ``date_format``,
``datetime64`` arrays) gave a customer a recency of 739,176 days, where
every engine refused the date ("outside the years 1 to 9999"). Now each
path refuses it, naming the field, the first date and its row.
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
from custseg.errors import InputError
from custseg.frame import parse_date_column


def _quiet_segment(df: pd.DataFrame, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.segment(df, as_of="2024-06-01", **kw)


def test_the_reported_year_zero() -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["0000-08-15", "2024-01-01"],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(
        InputError,
        match=r"'date' has dates before the year 1, such as '0000-08-15' \(first at row 0",
    ):
        _quiet_segment(df)
    with pytest.raises(InputError, match="before the year 1, such as 815"):
        _quiet_segment(df.assign(date=[815, 20240101]), date_format="%Y%m%d")


_DAY = st.tuples(st.integers(-3, 2030), st.integers(1, 12), st.integers(1, 28))


def _text(year: int, month: int, day: int) -> str:
    sign = "-" if year < 0 else ""
    return f"{sign}{abs(year):04d}-{month:02d}-{day:02d}"


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(_DAY, min_size=1, max_size=6),
    kind=st.sampled_from(["list", "series", "M8[D]", "M8[s]", "M8[us]"]),
    data=st.data(),
)
def test_summarize_refuses_exactly_the_dates_before_year_one(
    days: list[tuple[int, int, int]], kind: str, data: Any
) -> None:
    """Any container, any unit: refused iff a date is before 0001-01-01,
    at the first such row; else the same answer as the dates from year 1
    read alone."""
    texts = [_text(*d) for d in days]
    if kind == "list":
        dates: Any = texts
    elif kind == "series":
        dates = pd.Series(texts)
        if any(y < 0 for y, _, _ in days):  # pandas reads no sign
            dates = pd.Series(np.array(texts, dtype="M8[D]")).astype("M8[s]")
    else:
        dates = np.array(texts, dtype="M8[D]").astype(kind)
    ids = [f"c{i}" for i in range(len(days))]
    early = [y < 1 for y, _, _ in days]
    if any(early):
        with pytest.raises(InputError, match="before the year 1") as info:
            custseg.summarize(ids, dates, [1.0] * len(days), as_of="2031-01-01")
        assert info.value.first_row == early.index(True)
        assert info.value.n_rows == sum(early)
    else:
        got = custseg.summarize(ids, dates, [1.0] * len(days), as_of="2031-01-01")
        want = custseg.summarize(
            ids, np.array(texts, "M8[D]"), [1.0] * len(days), as_of="2031-01-01"
        )
        assert (
            got.to_pandas().recency_days.tolist()
            == want.to_pandas().recency_days.tolist()
        )


@settings(max_examples=20, deadline=None)
@given(
    years=st.lists(st.integers(0, 3), min_size=1, max_size=5),
    fmt=st.sampled_from([None, "%Y-%m-%d", "%Y%m%d"]),
)
def test_parse_date_column_refuses_year_zero(years: list[int], fmt: str | None) -> None:
    """Text (ISO or a format) and YYYYMMDD numbers in a format."""
    if fmt == "%Y%m%d":
        col = pd.Series([y * 10000 + 815 for y in years])
    else:
        col = pd.Series([f"{y:04d}-08-15" for y in years])
    if 0 in years:
        with pytest.raises(InputError, match="before the year 1") as info:
            parse_date_column(col, "date", date_format=fmt)
        assert info.value.first_row == years.index(0)
    else:
        parsed = parse_date_column(col, "date", date_format=fmt)
        assert parsed.dt.year.tolist() == years
