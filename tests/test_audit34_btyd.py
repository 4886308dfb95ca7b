"""Audit 34, BTYD round 3: docs that quote messages and computations the
code no longer has, a ``time_scaler`` refused for the wrong reason, and
messages of functions no command runs that named command-line options.

1. docs/errors.md quoted an overflow message nothing produces ("the sum
   overflowed for customer ..."): it now quotes the real one.
2. ``engine_btyd_summary``'s docstring and docs/engines.md said the engine
   sums the spend of the first period (and the total): it sums the rows
   outside the first period, and now they say so.
3. ``time_scaler=Fraction(365, 12)`` (and any Decimal, Fraction or integer
   float64 does not hold as written) was refused as "must be a finite
   number in the range (0, inf)", which it is: ``number_param``'s reason
   (and fix) is kept now; the range text is for zero, negative, NaN,
   infinite values and values that are no numbers.
4. ``engine_btyd_summary`` on a frame without an amount column named
   ``--amount COLUMN``, an option of no BTYD command, and not
   ``amount=None``; its other missing columns, its date_format without a
   year, and the core BTYD functions' missing customer ids named options
   of no BTYD command too. They name none now.
"""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from custseg import _validate as v
from custseg.btyd import btyd_calibration_holdout, btyd_summary
from custseg.errors import InputError, ThresholdError
from custseg.summary import summarize

DOCS = Path(__file__).resolve().parents[1] / "docs"

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

from custseg import engines  # noqa: E402
from custseg.engines import engine_btyd_summary  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402

#: A pandas frame in each engine (DuckDB on a connection of its own)
ENGINES = {
    "pandas": lambda df: df,
    "pyarrow": lambda df: pa.Table.from_pandas(df, preserve_index=False),
    "polars": pl.from_pandas,
    "polars-lazy": lambda df: pl.from_pandas(df).lazy(),
    "duckdb": lambda df: duckdb.connect().from_df(df),
}


def _errors_md_rows() -> list[str]:
    return [
        line for line in (DOCS / "errors.md").read_text().splitlines() if "|" in line
    ]


def _problem(err: InputError) -> str:
    """The message up to its fix (the field quoted, the problem)."""
    return str(err)[: len(str(err)) - len(err.fix or "") - 2]


# ---------------------------------------------------------------------------
# 1. docs/errors.md quotes the overflow message the code gives


def _overflow(summary: str, n: int) -> InputError:
    """The overflow of *n* customers' sums ('a', 'b', ...) in *summary*."""
    ids = [chr(ord("a") + i) for i in range(n) for _ in range(3)]
    days = ["2024-01-01", "2024-01-02", "2024-01-03"] * n
    amounts = [1.0, 1e308, 1e308] * n
    frame = pd.DataFrame(
        {"customer_id": ids, "date": pd.to_datetime(days), "amount": amounts}
    )
    with pytest.raises(InputError) as info:
        if summary == "btyd_summary":
            btyd_summary(ids, days, amounts, observation_end="2024-01-31")
        elif summary == "summarize":
            summarize(ids, days, amounts, as_of="2024-01-31")
        elif summary == "engine_btyd_summary":
            engine_btyd_summary(pl.from_pandas(frame), observation_end="2024-01-31")
        else:
            summarize_frame(pl.from_pandas(frame), as_of="2024-01-31")
    return info.value


@pytest.mark.parametrize(
    "summary", ["btyd_summary", "summarize", "engine_btyd_summary", "engine_facts"]
)
def test_errors_md_quotes_the_overflow_message(summary: str) -> None:
    """The row of errors.md is the real text (2 customers), and its fix."""
    err = _overflow(summary, 2)
    rows = [row for row in _errors_md_rows() if _problem(err) in row]
    assert len(rows) == 1, _problem(err)
    assert "scale the amounts down (e.g. to thousands) before summarising" in rows[0]
    assert err.fix == "scale the amounts down (e.g. to thousands) before summarising"
    assert not [row for row in _errors_md_rows() if "overflowed for" in row]


def test_the_overflow_worked_example() -> None:
    """The finding's call: one customer, its message found in errors.md
    once the count is the docs' (2 customers)."""
    err = _overflow("btyd_summary", 1)
    assert str(err) == (
        "'amount' sums to more than float64 holds (about 1.8e308) for 1 customer, "
        "the first being customer 'a': scale the amounts down (e.g. to "
        "thousands) before summarising"
    )
    shown = _problem(err).replace("for 1 customer,", "for 2 customers,")
    assert any(shown in row for row in _errors_md_rows())


#: engines that sum without a NumPy warning (pandas through narwhals warns
#: of the overflow before it is refused, as engine_facts does)
_QUIET = ["pyarrow", "polars", "polars-lazy", "duckdb"]
_BIG = st.sampled_from([1.0, -2.5, 1e308, -1e308, 9e307, 1.7976931348623157e308])


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3), _BIG),
        min_size=1,
        max_size=8,
    ),
    engine=st.sampled_from(_QUIET),
    unit=st.sampled_from(["D", "W"]),
)
@example(
    rows=[("a", 0, 1.0), ("a", 1, 1e308), ("a", 2, 1e308)],
    engine="polars",
    unit="D",
)
def test_engine_btyd_summary_refuses_the_overflow_the_core_refuses(
    rows: list[tuple[str, int, float]], engine: str, unit: str
) -> None:
    """A repeat spend past float64: the core's InputError in the engine too
    (it gave monetary_value inf); otherwise the core's numbers."""
    ids = [r[0] for r in rows]
    days = pd.to_datetime("2024-01-01") + pd.to_timedelta([7 * r[1] for r in rows], "D")
    amounts = [r[2] for r in rows]
    df = pd.DataFrame({"customer_id": ids, "date": days, "amount": amounts})
    call = {"observation_end": "2024-03-31", "unit": unit}
    try:
        want: Any = btyd_summary(ids, days, amounts, **call).to_pandas()
    except InputError as err:
        want = str(err)
    try:
        got: Any = engine_btyd_summary(ENGINES[engine](df), **call).to_pandas()
    except InputError as err:
        got = str(err)
    if isinstance(want, str):
        assert got == want
    else:
        pd.testing.assert_frame_equal(got, want)


# ---------------------------------------------------------------------------
# 2. engine_btyd_summary's description says what the engine computes


def test_engine_btyd_summary_is_described_as_computed() -> None:
    """The code sums the rows outside the first period; the docstring and
    docs/engines.md say that, and no longer "the spend in the first period"."""
    source = inspect.getsource(engine_btyd_summary)
    assert '.filter(\n        nw.col("_per") != nw.col("_first")' in source
    doc = " ".join((engine_btyd_summary.__doc__ or "").split())
    page = " ".join((DOCS / "engines.md").read_text().split())
    said = "the spend of the repeat periods, summed from the rows outside the customer's first period"
    assert said in doc
    assert said in page
    for old in ("spend in the first period", "the total spend"):
        assert old not in doc
        assert old not in page


# ---------------------------------------------------------------------------
# 3. time_scaler: number_param's own reason for a value float64 cannot hold


def _scaler_error(call: str, time_scaler: Any) -> str:
    with pytest.raises(ThresholdError) as info:
        if call == "btyd_summary":
            btyd_summary(
                ["a", "a"],
                ["2024-01-01", "2024-03-01"],
                observation_end="2024-03-31",
                time_scaler=time_scaler,
            )
        elif call == "btyd_calibration_holdout":
            btyd_calibration_holdout(
                ["a", "a"],
                ["2024-01-01", "2024-03-01"],
                calibration_end="2024-02-01",
                observation_end="2024-03-31",
                time_scaler=time_scaler,
            )
        else:
            tx = pl.DataFrame(
                {"customer_id": ["a", "a"], "date": ["2024-01-01", "2024-03-01"]}
            )
            engine_btyd_summary(
                tx, amount=None, observation_end="2024-03-31", time_scaler=time_scaler
            )
    return str(info.value)


def _number_param_reason(value: Any) -> str:
    with pytest.raises(ThresholdError) as info:
        v.number_param(value, "time_scaler")
    return str(info.value)


_CALLS = st.sampled_from(["btyd_summary", "btyd_calibration_holdout", "engine"])
_RANGE = "'time_scaler' must be a finite number in the range (0, inf): got "


def _not_held(value: Any) -> bool:
    try:
        v.number_param(value, "time_scaler")
    except ThresholdError:
        return True
    return False


#: exact positive values float64 does not hold as written: fractions of
#: days, long decimals, integers past 2**53, values past its range
_UNHELD = st.one_of(
    st.fractions(min_value=Fraction(1, 10**4), max_value=10**6, max_denominator=10**4),
    st.decimals(min_value=Decimal("1e-6"), max_value=Decimal(10**6), places=20),
    st.integers(2**53 + 1, 2**60),
    st.integers(10**309, 10**320),
).filter(_not_held)


@settings(max_examples=30, deadline=None)
@given(value=_UNHELD, call=_CALLS)
@example(value=Fraction(365, 12), call="btyd_summary")
@example(value=Decimal(365) / Decimal(12), call="engine")
@example(value=2**53 + 1, call="btyd_calibration_holdout")
@example(value=np.array(2**53 + 1), call="btyd_summary")
def test_unheld_scaler_keeps_number_params_reason(value: Any, call: str) -> None:
    """A positive number float64 cannot hold: number_param's reason and fix;
    zero, negative (held or not), NaN, infinite and no number: the range
    text."""
    got = _scaler_error(call, value)
    assert got == _number_param_reason(value)
    assert "float64 holds" in got
    assert not got.startswith(_RANGE)
    bad: list[Any] = [
        -value,
        0 * value,
        Decimal("NaN"),
        float("inf"),
        Decimal("-Infinity"),
        True,
        "7",
        None,
        [7],
    ]
    for x in bad:
        assert _scaler_error(call, x) == _RANGE + v.describe(x)


def test_the_scaler_worked_example() -> None:
    """The finding's call: months of 365/12 days as a Fraction."""
    assert _scaler_error("btyd_summary", Fraction(365, 12)) == (
        "'time_scaler' must be a number float64 holds as written: got 365/12, "
        "which it holds as 30.416666666666668; give at most 15 significant digits"
    )
    s = btyd_summary(
        ["a", "a"],
        ["2024-01-01", "2024-03-01"],
        observation_end="2024-03-31",
        time_scaler=365 / 12,
    )
    assert s.time_scaler == 365 / 12


# ---------------------------------------------------------------------------
# 4. functions no command runs name no command-line option

_OPTION = re.compile(r"--[a-z]|command line")


def _tx(with_amount: bool = True) -> pd.DataFrame:
    cols: dict[str, Any] = {
        "customer_id": ["a", "a", "b"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"]),
    }
    if with_amount:
        cols["amount"] = [1.0, 2.0, 3.0]
    return pd.DataFrame(cols)


@settings(max_examples=30, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    arg=st.sampled_from(["customer", "date", "amount"]),
    name=st.text(
        st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=6
    ),
)
@example(engine="pandas", arg="amount", name="amount")
def test_engine_btyd_summary_missing_column_names_no_option(
    engine: str, arg: str, name: str
) -> None:
    """A column not in the data: its argument, no --option; for amount,
    amount=None too (the engine's summary, which the segment command runs,
    keeps naming the option)."""
    default = {"customer": "customer_id", "date": "date", "amount": "amount"}[arg]
    df = _tx().drop(columns=[default])  # the finding's case: the column is not there
    assume(name not in df.columns)
    with pytest.raises(InputError) as info:
        engine_btyd_summary(
            ENGINES[engine](df), observation_end="2024-01-31", **{arg: name}
        )
    fix = info.value.fix or ""
    assert fix.startswith(f"name the column with {arg}=")
    assert not _OPTION.search(fix), fix
    assert ("amount=None" in fix) == (arg == "amount")
    if arg != "amount":  # the summary's refusal of the same column is unchanged
        with pytest.raises(InputError) as summary:
            summarize_frame(ENGINES[engine](df), as_of="2024-01-31", **{arg: name})
        assert summary.value.fix == (
            f"name the column with {arg}= (on the command line: --{arg} COLUMN)"
        )


def test_the_missing_amount_worked_example() -> None:
    """The finding's call: customer_id and date only, amount defaulted."""
    tx = _tx(with_amount=False).iloc[:2]
    with pytest.raises(InputError) as info:
        engine_btyd_summary(tx, observation_end="2024-01-31")
    assert str(info.value) == (
        "'amount' is not a column of the data (columns: 'customer_id', 'date'): "
        "name the column with amount=, or pass amount=None for the table without "
        "monetary_value"
    )
    got = engine_btyd_summary(tx, amount=None, observation_end="2024-01-31")
    want = btyd_summary(tx.customer_id, tx.date, observation_end="2024-01-31")
    assert got.monetary_value is None
    assert got.to_pandas().equals(want.to_pandas())


@settings(max_examples=20, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    fmt=st.sampled_from(["%m/%d", "%d %b", "%H:%M", "%d.%m"]),
)
def test_engine_btyd_summary_format_without_year_names_no_option(
    engine: str, fmt: str
) -> None:
    """A date_format without a year: date_format= only (engine_facts, whose
    command has --date-format, keeps it)."""
    df = _tx()
    df["date"] = ["01/02/2024", "01/05/2024", "01/09/2024"]
    with pytest.raises(InputError) as info:
        engine_btyd_summary(
            ENGINES[engine](df), observation_end="2024-01-31", date_format=fmt
        )
    assert info.value.field == "date_format"
    assert "date_format=" in (info.value.fix or "")
    assert not _OPTION.search(info.value.fix or "")
    with pytest.raises(InputError) as facts:
        engines.engine_facts(
            ENGINES[engine](df),
            customer="customer_id",
            date="date",
            amount="amount",
            date_format=fmt,
        )
    assert "(on the command line: --date-format" in (facts.value.fix or "")


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(
        st.sampled_from(["a", "b", None, np.nan]), min_size=1, max_size=8
    ).filter(lambda ids: any(pd.isna(x) for x in ids)),
    holdout=st.booleans(),
    dropped=st.booleans(),
)
def test_btyd_missing_ids_name_no_option(
    ids: list[Any], holdout: bool, dropped: bool
) -> None:
    """Missing customer ids in btyd_summary / btyd_calibration_holdout: the
    pandas fix, no --missing-customer (summarize, which the segment command
    runs, keeps it); the row is still the input's."""
    n = len(ids)
    dates = [str(np.datetime64("2024-01-01") + i) for i in range(n)]
    if dropped:  # a row after observation_end first, dropped
        ids, dates = ["z", *ids], ["2024-12-01", *dates]
    call = {"observation_end": "2024-03-31", "after_observation_end": "drop"}
    with pytest.raises(InputError) as info:
        if holdout:
            btyd_calibration_holdout(ids, dates, calibration_end="2024-01-03", **call)
        else:
            btyd_summary(ids, dates, **call)
    err = info.value
    first = next(i for i, x in enumerate(ids) if pd.isna(x))
    assert (err.field, err.first_row) == ("customer_id", first)
    assert err.fix == (
        "drop the rows without a customer id first (pandas: df = "
        "df.dropna(subset=['customer_id'])), or give them an id"
    )
    with pytest.raises(InputError) as core:
        summarize(ids, dates, [1.0] * len(ids), as_of="2024-12-31")
    assert (core.value.fix or "").endswith(
        "(on the command line: --missing-customer drop)"
    )
