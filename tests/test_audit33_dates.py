"""Audit 33: a pandas categorical of YYYYMMDD numbers as the date column.

pandas parsed such a column as text with a format and warned
(``Pandas4Warning``: integers with a format will be read as epochs), an
error under ``-W error`` and noise for every user. Numbers as categories
are now read as the numbers they are, as a column of them is.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg._files import parse_date_column
from custseg.frame import summarize_frame

_DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(st.one_of(_DAYS, st.none()), min_size=1, max_size=8),
    floats=st.booleans(),
)
@example(days=[dt.date(2024, 1, 1), dt.date(2024, 1, 5), None], floats=False)
def test_numbers_as_categories_read_as_the_numbers(
    days: list[dt.date | None], floats: bool
) -> None:
    numbers = [None if d is None else int(d.strftime("%Y%m%d")) for d in days]
    plain = pd.Series(numbers, dtype="float64" if floats else "Int64")
    coded = pd.Series(pd.Categorical(plain.astype("float64" if floats else "Int64")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas warning
        got = parse_date_column(coded, "date")
    want = parse_date_column(plain, "date")
    assert got.tolist() == want.tolist()
    assert [None if pd.isna(t) else t.date() for t in got] == days


def test_the_worked_example() -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": pd.Categorical([20240101, 20240105, 20240109]),
            "amount": [1.0, 2.0, 4.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        facts = summarize_frame(df, as_of="2024-02-01")
    assert facts["recency_days"].tolist() == [23.0, 27.0]
    assert facts["frequency"].tolist() == [2, 1]
