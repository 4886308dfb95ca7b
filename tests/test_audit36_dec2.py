"""Audit 36, round 2 of exact numbers: number dates and Dask ``float128``.

1. A number date held exactly (a ``Decimal``, an Arrow or engine
   ``DECIMAL``, an ``np.longdouble``) was made float64 before the check
   that it is a whole ``YYYYMMDD`` number, so a fraction float64 rounds
   away (``20240101.0000000001`` is the double ``20240101.0``) was read as
   1 January where ``20240101.5`` is refused: on pandas (``summarize_frame``,
   ``parse_date_column``), Polars, PyArrow, DuckDB and Dask alike. Such a
   value is now refused on every path, as ``20240101.5`` is.
2. A Dask ``float128`` (``np.longdouble``) customer id or date column was
   refused as "holds Dask float128 values" with advice for other engines,
   where the pandas frame is read: ids are now read as the pandas path
   reads them (float64 when it holds every id, integers when every id is
   whole, else refused), number dates as float dates (refused when
   float64 does not hold one). The refusal of float128 ids quotes the id
   itself, not its double (``9007199254740993.0``, not ``...992.0``).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg import InputError
from custseg.frame import parse_date_column, summarize_frame

L = np.longdouble
WIDE = np.finfo(L).nmant > np.finfo(np.float64).nmant
needs_wide = pytest.mark.skipif(not WIDE, reason="np.longdouble is float64 here")
FAST = settings(max_examples=15, deadline=None, database=None)
NOT_A_DATE = (
    r"holds numbers that (are not YYYYMMDD dates|cannot match the date format '%Y%m%d')"
)
AS_OF = "2024-12-31"


def _frame(dates: object) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": dates,
            "amount": [1.0, 2.0, 3.0],
        }
    )


def _table(facts: object) -> pd.DataFrame:
    """An engine's facts as a pandas frame, one row per customer, the
    customer id a column (as the engines give it), in id order."""
    out = facts
    if hasattr(out, "compute"):
        out = out.compute()
    if hasattr(out, "df") and not isinstance(out, pd.DataFrame):
        out = out.df()  # DuckDB
    if hasattr(out, "to_pandas") and not isinstance(out, pd.DataFrame):
        out = out.to_pandas()
    assert isinstance(out, pd.DataFrame)
    if "customer_id" not in out.columns:
        out = out.reset_index()
    return out.sort_values("customer_id").reset_index(drop=True)


def _frequencies(facts: object) -> list[int]:
    return [int(x) for x in _table(facts)["frequency"].tolist()]


# -- 1. number dates whose fraction float64 drops ---------------------------

days = st.dates(
    min_value=pd.Timestamp("2000-01-01").date(),
    max_value=pd.Timestamp("2024-12-30").date(),
)
#: a fraction float64 cannot hold beside an 8-digit number (its step there
#: is about 3.7e-9): 10**-10 .. 9 * 10**-10, and finer ones
fractions_ = st.builds(
    lambda digit, places: Decimal(digit).scaleb(-places),
    st.integers(1, 9),
    st.integers(10, 18),
)


@FAST
@given(day=days, fraction=fractions_, fmt=st.sampled_from([None, "%Y%m%d"]))
@example(day=pd.Timestamp("2024-01-01").date(), fraction=Decimal("1E-10"), fmt=None)
def test_decimal_date_with_a_dropped_fraction_is_refused(
    day: object, fraction: Decimal, fmt: str | None
) -> None:
    """The class: a ``YYYYMMDD`` decimal with a fraction is no date, as
    ``20240101.5`` is none, whether float64 holds the fraction or not."""
    number = Decimal(day.strftime("%Y%m%d")) + fraction  # type: ignore[attr-defined]
    assert float(number).is_integer()  # what made it pass before
    dates = [number, Decimal("20240102"), Decimal("20240103")]
    with pytest.raises(InputError, match=NOT_A_DATE) as caught:
        summarize_frame(_frame(dates), as_of=AS_OF, date_format=fmt)
    assert str(number) in str(caught.value)  # quoted as written
    with pytest.raises(InputError, match=NOT_A_DATE):
        parse_date_column(pd.Series(dates), "date", date_format=fmt)
    pa = pytest.importorskip("pyarrow")
    arrow = pd.array(dates, dtype=pd.ArrowDtype(pa.decimal128(38, 18)))
    with pytest.raises(InputError, match=NOT_A_DATE):
        summarize_frame(_frame(arrow), as_of=AS_OF, date_format=fmt)


def test_decimal_date_repro_and_whole_decimals_still_read() -> None:
    """The repro: customer ``a`` had two purchases, one on a date that is
    no date; whole decimals (any scale or exponent) and ``None`` are still
    read."""
    bad = [Decimal("20240101.0000000001"), Decimal("20240102"), Decimal("20240103")]
    with pytest.raises(
        InputError,
        match=r"'date' holds numbers that are not YYYYMMDD dates, such as "
        r"20240101\.0000000001 \(first at row 0, 1 row affected\)",
    ):
        summarize_frame(_frame(bad), as_of=AS_OF)
    good = [Decimal("20240101.000"), Decimal("20240102"), Decimal("2024010300E-2")]
    assert _frequencies(summarize_frame(_frame(good), as_of=AS_OF)) == [2, 1]
    parsed = parse_date_column(pd.Series([Decimal("20240101.00"), None]), "date")
    assert parsed.iloc[0] == pd.Timestamp("2024-01-01") and pd.isna(parsed.iloc[1])
    pa = pytest.importorskip("pyarrow")
    # Arrow's narrow decimals (no floor kernel of their own), any scale
    for arrow in (pa.decimal32(9, 0), pa.decimal64(18, 2), pa.decimal256(40, 10)):
        days_ = [Decimal("20240101"), Decimal("20240102")]
        column = pd.Series(pd.array(days_, dtype=pd.ArrowDtype(arrow)))
        assert parse_date_column(column, "date").tolist() == [
            pd.Timestamp("2024-01-01"),
            pd.Timestamp("2024-01-02"),
        ]


@needs_wide
def test_longdouble_date_with_a_dropped_fraction_is_refused() -> None:
    """An ``np.longdouble`` date: refused, quoting the number it is (not
    its double, ``20240101``); whole ones still read."""
    dates = np.array([20240101, 20240102, 20240103], dtype=L) + np.array(
        [L("1e-11"), 0, 0], dtype=L
    )
    with pytest.raises(
        InputError, match=NOT_A_DATE + r", such as 20240101\.0000000000"
    ):
        summarize_frame(_frame(dates), as_of=AS_OF)
    whole = np.array([20240101, 20240102, 20240103], dtype=L)
    assert _frequencies(summarize_frame(_frame(whole), as_of=AS_OF)) == [2, 1]


ENGINES = ["polars", "pyarrow", "duckdb", "dask"]


def _on_engine(engine: str, df: pd.DataFrame) -> object:
    if engine == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df)
    if engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        pytest.importorskip("pyarrow")
        return duckdb.from_arrow(
            __import__("pyarrow").Table.from_pandas(df, preserve_index=False)
        )
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=2)


@pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", [None, "%Y%m%d"])
def test_engine_decimal_date_with_a_dropped_fraction_is_refused(
    engine: str, fmt: str | None
) -> None:
    """Every engine refuses it as the pandas path does (the engines read a
    decimal date as its float, then checked that float)."""
    pa = pytest.importorskip("pyarrow")
    decimal = pd.ArrowDtype(pa.decimal128(20, 10))
    bad = pd.array(
        [Decimal("20240101.0000000001"), Decimal("20240102"), Decimal("20240103")],
        dtype=decimal,
    )
    with pytest.raises(
        InputError, match=NOT_A_DATE + r", such as 20240101\.0000000001 \(1 row\)"
    ):
        summarize_frame(_on_engine(engine, _frame(bad)), as_of=AS_OF, date_format=fmt)
    good = pd.array([Decimal("20240101"), Decimal("20240102"), None], dtype=decimal)
    frame = _frame(good).iloc[:2]
    facts = summarize_frame(_on_engine(engine, frame), as_of=AS_OF, date_format=fmt)
    assert _frequencies(facts) == [2]


# -- 2. Dask float128 ids and dates -------------------------------------------


@needs_wide
@pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning")
@pytest.mark.parametrize(
    "ids",
    [
        [1, 1, 2],  # whole, held: as float64 ids (integers when collected)
        [0.1, 0.1, 0.2],  # held fractions
        "wide",  # whole, past 2**53: as integers, kept apart
    ],
)
def test_dask_float128_ids_read_as_pandas_reads_them(ids: object) -> None:
    dd = pytest.importorskip("dask.dataframe")
    if ids == "wide":
        column = np.array([2**53, 2**53, 2**53], dtype=L) + np.array([0, 0, 1], dtype=L)
    else:
        column = np.array(ids, dtype=L)
    df = _frame(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])).assign(
        customer_id=column
    )
    expected = _table(summarize_frame(df, as_of=AS_OF))
    got = _table(summarize_frame(dd.from_pandas(df, npartitions=2), as_of=AS_OF))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert len(got) == 2


@needs_wide
@pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning")
def test_dask_float128_ids_float64_merges_are_refused_quoting_the_id() -> None:
    """Ids float64 does not hold, not all whole: refused on both paths,
    quoting the id itself (its double, ``9007199254740992.0``, is another
    customer's id)."""
    dd = pytest.importorskip("dask.dataframe")
    column = np.array([0.5, 0.5, 2**53], dtype=L) + np.array([0, 0, 1], dtype=L)
    df = _frame(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])).assign(
        customer_id=column
    )
    message = (
        r"'customer_id' has customer ids of type float128 that float64 does not "
        r"hold, such as 9007199254740993\.0,"
    )
    with pytest.raises(InputError, match=message):
        summarize_frame(df, as_of=AS_OF)
    with pytest.raises(InputError, match=message):
        summarize_frame(dd.from_pandas(df, npartitions=2), as_of=AS_OF)


@needs_wide
@pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning")
@pytest.mark.parametrize("fmt", ["%Y%m%d"])
def test_dask_float128_dates_read_as_pandas_reads_them(fmt: str | None) -> None:
    dd = pytest.importorskip("dask.dataframe")
    whole = np.array([20240101, 20240102, 20240103], dtype=L)
    df = _frame(whole)
    expected = _table(summarize_frame(df, as_of=AS_OF, date_format=fmt))
    dask_frame = dd.from_pandas(df, npartitions=2)
    got = _table(summarize_frame(dask_frame, as_of=AS_OF, date_format=fmt))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    for bad in (
        whole + np.array([L("1e-11"), 0, 0], dtype=L),
        whole + np.array([0.5, 0, 0], dtype=L),
    ):
        with pytest.raises(InputError, match=NOT_A_DATE):
            summarize_frame(_frame(bad), as_of=AS_OF, date_format=fmt)
        with pytest.raises(InputError, match=NOT_A_DATE):
            summarize_frame(
                dd.from_pandas(_frame(bad), npartitions=2),
                as_of=AS_OF,
                date_format=fmt,
            )
