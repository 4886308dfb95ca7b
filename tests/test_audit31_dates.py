"""Audit 31, round 2: compact date formats and leap seconds.

``%Y%m%d%H%M%S`` text such as ``20200219061600`` (06:16:00) was refused
as a leap second: the leap-second pattern found another reading of the
digits (06:1:60 and a 0 left), though strptime reads only its first. The
engines refused such rows (and ``...061918``) as "not dates".
"""

from __future__ import annotations

import datetime as dt
import importlib.util

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

_FORMATS = ["%Y%m%d%H%M%S", "%d%m%Y%H%M%S", "%Y%m%d %H%M%S", "%H%M%S%Y%m%d"]
_TIMES = st.datetimes(
    min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2030, 12, 31)
).map(lambda t: t.replace(microsecond=0))


def _frame(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(texts))],
            "date": texts,
            "amount": 1.0,
        }
    )


def _days(out: object) -> list[float]:
    return [float(x) for x in out["recency_days"].tolist()]  # type: ignore[index]


@settings(max_examples=40, deadline=None)
@given(times=st.lists(_TIMES, min_size=1, max_size=20), fmt=st.sampled_from(_FORMATS))
@example(times=[dt.datetime(2020, 2, 19, 6, 16, 0)], fmt="%Y%m%d%H%M%S")
@example(times=[dt.datetime(2020, 2, 19, 6, 19, 18)], fmt="%Y%m%d%H%M%S")
def test_compact_times_are_read_as_strptime_reads_them(
    times: list[dt.datetime], fmt: str
) -> None:
    """Every time written with a format without separators is read (as
    pandas reads it), on the pandas path and in every engine at hand."""
    texts = [t.strftime(fmt) for t in times]
    tx = _frame(texts)
    as_of = "2031-01-01"
    want = summarize_frame(
        tx.assign(date=pd.to_datetime(tx["date"], format=fmt)), as_of=as_of
    )
    assert _days(summarize_frame(tx, as_of=as_of, date_format=fmt)) == _days(want)
    if importlib.util.find_spec("polars") is not None:
        import polars as pl

        got = summarize_frame(
            pl.from_pandas(tx), as_of=as_of, date_format=fmt, output="pandas"
        )
        assert _days(got) == _days(want)
    if importlib.util.find_spec("duckdb") is not None:
        import duckdb

        got = summarize_frame(
            duckdb.from_df(tx), as_of=as_of, date_format=fmt, output="pandas"
        )
        assert _days(got) == _days(want)


@pytest.mark.parametrize("fmt", _FORMATS)
def test_a_real_leap_second_is_still_refused(fmt: str) -> None:
    """The control: 23:59:60 written in the format is refused."""
    text = (
        dt.datetime(2016, 12, 31, 23, 59, 0).strftime(fmt).replace("235900", "235960")
    )
    with pytest.raises(InputError, match="date"):
        summarize_frame(_frame([text]), as_of="2031-01-01", date_format=fmt)
