"""Audit 36, engines and pandas reading the same text dates the same way.

1. Without ``date_format`` the engines (Polars, DuckDB, PyArrow, Dask,
   Spark) recognised five ISO shapes only and refused the others pandas
   reads ("whose format custseg does not guess in an engine"): UTC offsets
   (``2024-06-30T10:00:00+02:00``, ``...Z``), ``2024/06/30``,
   ``2024.06.30``, one-digit months and days (``2024-6-3``), ``T10:00``,
   an hour alone, fractions of a second.
2. ``%f``: pandas reads a fraction of 0 to 18 digits (``.123456789``,
   ``10:00:00.``), the engines refused any other than 1 to 6, and PyArrow
   refused every format with ``%f``.
3. Dates outside the years 1 to 9999: the engines quoted no value
   (``'date' has dates outside the years 1 to 9999 (1 row)``), said a
   signed or 5-digit year (``+10000-01-01``) was of a format they do not
   guess, and Dask and Spark gave their parser's words for the year 0 in a
   given format; the pandas path said ``'15.08.0000'`` in ``'%d.%m.%Y'``
   did "not match the date format".
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

AS_OF = "2025-01-01"
FAST = settings(max_examples=12, deadline=None, database=None)


def _tx(dates: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(dates))],
            "date": pd.Series(dates, dtype=object),
            "amount": [1.0] * len(dates),
        }
    )


def _frame(engine: str, df: pd.DataFrame) -> Any:
    if engine == "pandas":
        return df
    if engine == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().from_df(df)
    if engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=1)


def _summary(frame: Any, **kw: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = summarize_frame(frame, as_of=AS_OF, output="pandas", **kw)
    if "customer_id" in out.columns:
        out = out.set_index("customer_id")
    return out.sort_index()


def _days(frame: Any, **kw: Any) -> list[Any]:
    out = _summary(frame, **kw)
    last = out["last_purchase"].astype("datetime64[us]")
    return [*out["recency_days"].tolist(), *last.tolist()]


def _refusal(frame: Any, **kw: Any) -> InputError:
    with pytest.raises(InputError) as err:
        _summary(frame, **kw)
    return err.value


ENGINES = ["polars", "duckdb", "pyarrow", "dask"]

# 1 -------------------------------------------------------------------------

ISO = [
    "2024-06-30T10:00:00+02:00",
    "2024-06-30 23:30:00-05:00",
    "2024-06-30 10:00:00Z",
    "2024-06-30 10:00:00 +0200",
    "2024/06/30",
    "2024.06.30",
    "2024-6-3",
    "2024/6/3 9:05",
    "2024-06-30T10:00",
    "2024-06-30T10",
    "20240630T10:00",
    "2024-06-30 10:00:00.25",
    "2024-06-30T10:00:00.123456789+02:00",
]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_read_the_iso_shapes_pandas_reads(engine: str) -> None:
    # (Dask, slow to start, reads them with pandas' parser: two shapes)
    for text in ISO if engine != "dask" else ISO[-2:]:
        df = _tx([text, text])
        assert _days(_frame(engine, df)) == _days(df), text


@st.composite
def _iso_dates(draw: Any) -> list[str]:
    """Up to three ISO dates of one shape (as a column of an export is)."""
    sep = draw(st.sampled_from(["-", "/", ".", ""]))
    pad = sep == "" or draw(st.booleans())
    time = draw(st.sampled_from(["", "H", "HM", "HMS", "HMSf"]))
    tee = draw(st.sampled_from(["T", " "]))
    digits = draw(st.integers(0, 9))
    zone = draw(st.sampled_from(["", "Z", "+02:00", "-0530", " +01"])) if time else ""
    days = draw(
        st.lists(
            st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2024, 12, 31)),
            min_size=1,
            max_size=3,
        )
    )
    out = []
    for d in days:
        text = (
            f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}"
            if pad
            else f"{d.year:04d}{sep}{d.month}{sep}{d.day}"
        )
        if time:
            text += f"{tee}{d.hour:02d}"
            text += f":{d.minute:02d}" if "M" in time else ""
            text += f":{d.second:02d}" if "S" in time else ""
            text += "." + f"{d.microsecond:06d}999"[:digits] if "f" in time else ""
            text += zone
        out.append(text)
    return out


@FAST
@given(_iso_dates())
def test_polars_and_duckdb_read_iso_text_as_pandas(dates: list[str]) -> None:
    df = _tx(dates)
    want = _days(df)
    assert _days(_frame("polars", df)) == want
    assert _days(_frame("duckdb", df)) == want


@pytest.mark.parametrize("engine", ["polars", "duckdb", "pyarrow"])
def test_engines_read_iso_times_with_and_without_a_fraction(engine: str) -> None:
    # as Python's isoformat() writes them: no fraction when it is 0
    stamps = [
        dt.datetime(2024, 6, 30, 10, 0, 0),
        dt.datetime(2024, 5, 1, 23, 30, 0, 500000),
        dt.datetime(2024, 7, 1, 0, 30, 0, 999999),
    ]
    for zone in (None, dt.timezone(dt.timedelta(hours=2))):
        df = _tx([s.replace(tzinfo=zone).isoformat() for s in stamps])
        assert _days(_frame(engine, df)) == _days(df), zone


# 2 -------------------------------------------------------------------------

FRACTION = "%Y-%m-%d %H:%M:%S.%f"


@pytest.mark.parametrize("engine", ["polars", "duckdb", "pyarrow"])
def test_engines_read_the_fractions_pandas_reads(engine: str) -> None:
    dates = [
        "2024-06-30 10:00:00.123456789",
        "2024-06-30 10:00:00.",
        "2024-06-30 10:00:00.5",
        "2024-06-29 23:59:59.999999999999",
    ]
    df = _tx(dates)
    assert _days(_frame(engine, df), date_format=FRACTION) == _days(
        df, date_format=FRACTION
    )
    zoned = _tx([d + "+05:00" for d in dates])
    fmt = FRACTION + "%z"
    assert _days(_frame(engine, zoned), date_format=fmt) == _days(
        zoned, date_format=fmt
    )


def test_pyarrow_reads_a_fraction_ending_the_format() -> None:
    df = _tx(["30/06/2024 10:00:00.5", "01/07/2024 00:00:00.000001"])
    fmt = "%d/%m/%Y %H:%M:%S.%f"
    out = _summary(_frame("pyarrow", df), date_format=fmt)
    assert out["last_purchase"].tolist() == [
        pd.Timestamp("2024-06-30 10:00:00.5"),
        pd.Timestamp("2024-07-01 00:00:00.000001"),
    ]
    # elsewhere in the format, it is refused as before, naming the way out
    err = _refusal(_frame("pyarrow", _tx(["5 2024-06-30"])), date_format="%f %Y-%m-%d")
    assert err.field == "date_format"
    assert "end the format with '.%f'" in str(err)


# 3 -------------------------------------------------------------------------

FAR = [
    ("0000-08-15", None),
    ("0000-08-15T10:00:00+02:00", None),
    ("+10000-01-01", None),
    ("-2024-01-01", None),
    ("0000-08-15", "%Y-%m-%d"),
    ("15.08.0000", "%d.%m.%Y"),
    ("15.08.0000 10:00", "%d.%m.%Y %H:%M"),
]


@pytest.mark.parametrize(("text", "fmt"), FAR)
def test_far_years_are_refused_alike_naming_the_value(text: str, fmt: Any) -> None:
    df = _tx(["2024-06-30", text] if fmt is None else [text])
    # Dask on one ISO and one formatted case (each Dask run costs seconds of
    # CI's time; every case runs on the other engines)
    dask = ["dask"] if text in ("0000-08-15", "15.08.0000") else []
    for engine in ["pandas", *(e for e in ENGINES if e != "dask"), *dask]:
        err = _refusal(_frame(engine, df), date_format=fmt)
        assert err.field == "date", engine
        assert err.problem.startswith(
            f"has dates outside the years 1 to 9999, such as {text!r}"
        ), (engine, str(err))
        assert "a year has 4 digits" in str(err), engine


# 4 -------------------------------------------------------------------------
# text pandas refuses that engines read: an offset of 24 hours or of 60
# minutes ('+2400', '+0160', '+0100:30', given %z or not), a lower-case 't'
# or 'z' in ISO text (strptime and the engines' parsers ignore case, pandas'
# ISO parser does not)

BAD_OFFSETS = ["+2400", "-2430", "+0160", "+0100:30"]


@pytest.mark.parametrize("engine", ["polars", "duckdb", "pyarrow"])
def test_engines_refuse_the_offsets_pandas_refuses(engine: str) -> None:
    fmt = "%Y-%m-%dT%H:%M:%S%z"
    for offset in BAD_OFFSETS:
        df = _tx(["2024-06-30T10:00:00+0100", f"2024-06-30T10:00:00{offset}"])
        for written in (fmt, None):
            _refusal(df, date_format=written)  # pandas refuses it
            err = _refusal(_frame(engine, df), date_format=written)
            assert err.field == "date", (offset, written)
            assert offset in str(err), (offset, written)


def test_dask_refuses_lower_case_iso_text_as_pandas() -> None:
    for later in ["2024-06-30t10:00:00", "2024-06-30T10:00:00z"]:
        first = "2024-06-30T10:00:00" + ("Z" if later.endswith("z") else "")
        df = _tx([first, later])
        _refusal(df)
        for engine in ("dask", "polars"):
            err = _refusal(_frame(engine, df))
            assert repr(later) in str(err), engine
