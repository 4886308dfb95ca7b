"""Audit 36 round 2: engines and pandas reading the same ISO text dates.

1. Without ``date_format`` the engines checked the ISO shape they
   recognised with strptime's looser pattern, so text pandas refuses got
   a day: a ``YYYYMMDD`` day of 6 or 7 digits with a time
   (``'2024061T10:00'`` read as 1 June by Polars, DuckDB and Dask) and an
   hour alone of one digit (``'2024-07-01 9'``, every engine).
2. An ISO offset after a blank, with a fraction (``'09:05:59.6 +09'``) or
   beside an offset without one, was refused by every engine (Polars and
   PyArrow blamed a ``date_format`` nobody gave); pandas reads them.
3. The pandas path (and the CLI) refused ISO text in several UTC offsets
   in the shapes its reader takes with one offset (``'2024-6-30T23:30-05:00'``
   beside ``'2024-7-1T00:30+09:00'``, ``2024/06/30 23:30Z``), which every
   engine reads.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._files import parse_date_column
from custseg.errors import InputError

FAST = settings(max_examples=10, deadline=None, database=None)
ENGINES = ["polars", "duckdb", "pyarrow", "dask"]

# the transactions, engine frames and summaries of round 1's tests
from test_audit36_engdates import _frame, _summary, _tx  # noqa: E402


def _days(frame: Any) -> list[Any]:
    out = _summary(frame)
    last = out["last_purchase"].astype("datetime64[us]")
    return [*out["recency_days"].tolist(), *last.tolist()]


# 1 -------------------------------------------------------------------------

NOT_ISO = [
    ["20240630T10:00", "2024061T10:00"],  # read as 1 June
    ["20240630 10", "2024063 10"],  # read as 3 June
    ["20240630T10:00:00Z", "2024063T10:00:00Z"],
    ["2024-07-01 10", "2024-07-01 9"],  # an hour alone of one digit
    ["2024-07-01T10Z", "2024-07-01T9Z"],
    ["2024-07-01 9"],
    ["2024-6-3 9 -05"],
]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_refuse_the_iso_text_pandas_refuses(engine: str) -> None:
    for dates in NOT_ISO if engine != "dask" else NOT_ISO[:1] + NOT_ISO[3:4]:
        df = _tx(dates)
        with pytest.raises(InputError):
            _summary(df)
        with pytest.raises(InputError) as err:
            _summary(_frame(engine, df))
        assert err.value.field == "date", dates


@settings(max_examples=6, deadline=None, database=None)
@given(
    day=st.dates(min_value=pd.Timestamp("2000-01-10").date()),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    tee=st.sampled_from(["T", " "]),
    zone=st.sampled_from(["", "Z", "+09:00", " -05"]),
    short=st.sampled_from(["day", "hour"]),
)
def test_polars_reads_no_other_iso_than_pandas(
    day: Any, hour: int, minute: int, tee: str, zone: str, short: str
) -> None:
    # a first value of a shape pandas reads, then one it refuses: a
    # compact day less a digit (a day of 6 or 7 digits that strptime
    # pairs its own way), or an hour alone of one digit
    pytest.importorskip("polars")
    day = day.replace(day=day.day % 9 + 1)  # 1 to 9: '0D' less its 0 is read
    compact = day.strftime("%Y%m%d")
    if short == "day":
        good = f"{compact}{tee}{hour:02d}:{minute:02d}{zone}"
        bad = f"{compact[:6]}{compact[7]}{tee}{hour:02d}:{minute:02d}{zone}"
    else:
        good = f"{day.isoformat()}{tee}{hour:02d}{zone}"
        bad = f"{day.isoformat()}{tee}{hour % 10}{zone}"
    df = _tx([good, bad])
    with pytest.raises(InputError):
        _summary(df)
    with pytest.raises(InputError) as err:
        _summary(_frame("polars", df))
    assert err.value.field == "date"


# 2 -------------------------------------------------------------------------

BLANK_OFFSETS = [
    ["2024-07-01 09:05:59.600238 +09"],
    ["2024-07-01 09:05:59.6 +09", "2024-07-01 09:05:59 +09"],
    ["2024-07-01 09:05:59 +09", "2024-07-01 09:05:59.6 -05:00"],
    ["2024-06-30T10:00:00+02:00", "2024-06-30T10:00:00 +02:00"],
    ["2024-06-30T23:30:00 -05:00", "2024-07-01T00:30:00+09:00"],
]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_read_an_offset_after_a_blank_as_pandas(engine: str) -> None:
    for dates in BLANK_OFFSETS if engine != "dask" else BLANK_OFFSETS[1:2]:
        df = _tx(dates)
        assert _days(_frame(engine, df)) == _days(df), dates


# 3 -------------------------------------------------------------------------

#: ISO shapes pandas reads with one offset that the core parser does not
SHAPES = [
    "{y}-{m}-{d}T{H}:{M}:00",
    "{y}/{mm}/{dd}T{H}:{M}:00",
    "{y}/{mm}/{dd} {H}:{M}",
    "{y}.{mm}.{dd} {H}:{M}",
    "{y}.{m}.{d} {H}:{M}:00",
    "{y}-{mm}-{dd}T{H}:{M}:0",
]


@FAST
@given(
    when=st.datetimes(
        min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2030-12-31").to_pydatetime(),
    ),
    shape=st.sampled_from(SHAPES),
    zones=st.lists(
        st.sampled_from(["Z", "+09:00", "-05:00", "+0530", " -05", "+14"]),
        min_size=2,
        max_size=2,
        unique=True,
    ),
    later=st.integers(0, 2),
)
def test_pandas_reads_several_offsets_as_one(
    when: Any, shape: str, zones: list[str], later: int
) -> None:
    # each date at the wall-clock time written, as with one offset (one-digit
    # months, days and hours: every shape is one the core parser refuses)
    when = when.replace(month=when.month % 9 + 1, day=when.day % 9 + 1)
    when = when.replace(hour=when.hour % 10)
    texts = []
    for k, zone in enumerate(zones):
        t = when + pd.Timedelta(hours=k * later)
        fields = {
            "y": f"{t.year:04d}",
            "m": str(t.month),
            "d": str(t.day),
            "mm": f"{t.month:02d}",
            "dd": f"{t.day:02d}",
            "H": str(t.hour),
            "M": f"{t.minute:02d}",
        }
        texts.append(shape.format(**fields) + zone)
    both = parse_date_column(pd.Series(texts, dtype=object), "date").tolist()
    alone = [
        parse_date_column(pd.Series([x], dtype=object), "date").iloc[0] for x in texts
    ]
    assert both == alone


def test_near_midnight_offsets_give_the_same_days_everywhere() -> None:
    # the CLI's and summarize's pandas path refused these; engines read them
    dates = ["2024-6-30T23:30:00-05:00", "2024-7-1T00:30:00+09:00"]
    df = _tx(dates)
    df["customer_id"] = ["a", "a"]
    out = _summary(df, frequency="days")
    assert out["recency_days"].tolist() == [184]
    assert out["frequency"].tolist() == [2]
    assert out["first_purchase"].tolist() == [pd.Timestamp("2024-06-30 23:30")]
    assert out["last_purchase"].tolist() == [pd.Timestamp("2024-07-01 00:30")]
    pytest.importorskip("polars")
    got = _summary(_frame("polars", df), frequency="days")
    assert got["recency_days"].tolist() == out["recency_days"].tolist()
    assert got["last_purchase"].tolist() == out["last_purchase"].tolist()


def test_pandas_reads_offsets_one_by_one_on_a_repeated_index() -> None:
    col = pd.Series(
        ["2024/6/30 23:30-05:00", None, "2024/7/1 0:30+09:00", "2024/7/1"],
        index=[5, 5, 1, 1],
        dtype=object,
    )
    got = parse_date_column(col, "date")
    assert got.index.tolist() == [5, 5, 1, 1]
    assert got.tolist()[0] == pd.Timestamp("2024-06-30 23:30")
    assert pd.isna(got.tolist()[1])
    assert got.tolist()[2:] == [
        pd.Timestamp("2024-07-01 00:30"),
        pd.Timestamp("2024-07-01"),
    ]
    # a day that ends as an offset would ('-05') beside times in offsets
    got = parse_date_column(
        pd.Series(["2024-6-05", "2024-6-30T23:30-05", "2024-7-1T00:30+09"]), "date"
    )
    assert got.tolist() == [
        pd.Timestamp("2024-06-05"),
        pd.Timestamp("2024-06-30 23:30"),
        pd.Timestamp("2024-07-01 00:30"),
    ]
    with pytest.raises(InputError) as err:
        parse_date_column(pd.Series(["2024/6/30 10:00Z", "x", "2024/7/1+09"]), "date")
    assert "'x'" in str(err.value)
