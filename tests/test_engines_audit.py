"""Engine defects found by an adversarial audit, one test per class of defect.

Each test compares an engine with the pandas path on the same data (or asks
for the pandas path's InputError). Frames are tiny; Dask runs on its local
scheduler and Spark is not needed: the fixes are in the queries every engine
shares, which ``tests/test_engines.py`` runs on Spark.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import CustsegWarning, InputError
from custseg.frame import summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import engines
from test_engines import CHEAP, need

#: the private and output column names of the engine queries, past and present
INTERNAL = (
    "_c", "_d", "_a", "_d_null", "_d_rolled", "_p", "_pd", "_day", "_days",
    "_freq", "_per", "_first", "_last", "_total", "_n", "_first_spend", "_abs",
)  # fmt: skip
OUTPUT = (
    "recency_days", "frequency", "monetary", "first_purchase", "last_purchase",
    "tenure_days", "n_rows", "customer_id", "date", "amount",
)  # fmt: skip
NAMES = st.sampled_from(INTERNAL + OUTPUT) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=6,
)


def tiny(
    customer: str = "customer_id", date: str = "date", amount: str = "amount"
) -> pd.DataFrame:
    """Three customers, a refund, a free order and a same-day pair."""
    return pd.DataFrame(
        {
            customer: ["a", "b", "a", "c", "a", "b"],
            date: pd.to_datetime(
                [
                    "2024-01-01 10:00",
                    "2024-02-01",
                    "2024-03-01 09:00",
                    "2024-03-05",
                    "2024-03-01 18:00",
                    "2024-02-10",
                ],
                format="ISO8601",
            ),
            amount: [1.0, 2.0, 3.0, 0.0, 4.5, -1.0],
        }
    )


def quiet(call: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return call(*args, **kw)


# --------------------------------------------------------------------------
# 1 and 7: any column name works as in pandas


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(NAMES, min_size=3, max_size=3, unique=True),
    engine=st.sampled_from(list(CHEAP)),
    frequency=st.sampled_from(["transactions", "days"]),
)
def test_any_column_names(names: list[str], engine: str, frequency: str) -> None:
    """Customer, date and amount columns named like the queries' private or
    output columns (or any text) give the pandas path's facts; a native
    result whose customer column would repeat an output column is an
    InputError naming it."""
    customer, date, amount = names
    tx = tiny(customer, date, amount)
    kw = {"customer": customer, "date": date, "amount": amount}
    ref = summarize_frame(tx, as_of="2024-06-01", frequency=frequency, **kw)
    native = CHEAP[engine](tx)
    got = summarize_frame(
        native, as_of="2024-06-01", frequency=frequency, output="pandas", **kw
    )
    pd.testing.assert_frame_equal(got, ref)
    if customer in ref.columns:
        with pytest.raises(InputError) as info:
            summarize_frame(native, as_of="2024-06-01", **kw)
        assert info.value.field == customer
    else:
        out = engines.to_pandas_frame(summarize_frame(native, as_of="2024-06-01", **kw))
        assert list(out.columns) == [customer, *ref.columns]
    s_ref = custseg.btyd_summary(
        tx[customer], tx[date], tx[amount], observation_end="2024-06-01"
    )
    s_got = engines.engine_btyd_summary(native, observation_end="2024-06-01", **kw)
    for field in ("customer_id", "frequency", "recency", "T", "monetary_value"):
        np.testing.assert_array_equal(getattr(s_got, field), getattr(s_ref, field))


@pytest.mark.parametrize("engine", list(CHEAP))
@pytest.mark.parametrize(
    "names", [["c.x", "d.y", "a.z"], [".", "..", '"'], ['a"b.c', "1.5", "o.k"]]
)
def test_names_an_engine_parses(names: list[str], engine: str) -> None:
    """Names with a dot or a double quote, which DuckDB 1.x's column
    expressions read as a qualified name (``c.x``: column ``x`` of table
    ``c``), as customer, date, amount and order columns: the pandas path's
    facts, with and without order lines, and the BTYD summary."""
    customer, date, amount = names
    tx = tiny(customer, date, amount)
    order = names[2] + "#"
    tx[order] = np.arange(len(tx)) // 2
    native = CHEAP[engine](tx)
    kw: dict[str, Any] = {"customer": customer, "date": date, "amount": amount}
    for extra in ({"frequency": "days"}, {"order": order}):
        ref = summarize_frame(tx, as_of="2024-06-01", **kw, **extra)
        got = summarize_frame(
            native, as_of="2024-06-01", output="pandas", **kw, **extra
        )
        pd.testing.assert_frame_equal(got, ref)
    s_ref = custseg.btyd_summary(
        tx[customer], tx[date], tx[amount], observation_end="2024-06-01"
    )
    s_got = engines.engine_btyd_summary(native, observation_end="2024-06-01", **kw)
    np.testing.assert_array_equal(s_got.frequency, s_ref.frequency)
    np.testing.assert_array_equal(s_got.monetary_value, s_ref.monetary_value)


@pytest.mark.parametrize("engine", list(CHEAP))
def test_amount_none_is_refused(engine: str) -> None:
    """``amount=None`` (no engine column is None) is refused by the summary
    and segment(), which sum amounts, instead of summing nothing (monetary
    0 for everyone); engine_btyd_summary still reads it as "no amounts"."""
    native = CHEAP[engine](tiny())
    for call in (summarize_frame, custseg.segment):
        with pytest.raises(InputError, match="is None") as info:
            quiet(call, native, amount=None, as_of="2024-06-01")
        assert info.value.field == "amount"
    s = engines.engine_btyd_summary(native, amount=None, observation_end="2024-06-01")
    assert s.monetary_value is None


def test_helpers_name_what_they_were_given() -> None:
    """collect_facts and to_native given something else than what they
    convert: an InputError naming the argument (was AttributeError)."""
    pl = need("polars")
    out = summarize_frame(tiny(), as_of="2024-06-01")
    for call, field in (
        (lambda: engines.collect_facts(None), "ef"),
        (lambda: engines.collect_facts(out), "ef"),
        (lambda: engines.to_native(None, pl.DataFrame({"x": [1]})), "out"),
        (lambda: engines.to_native(out, len), "like"),
    ):
        with pytest.raises(InputError) as info:
            call()
        assert info.value.field == field
    assert isinstance(engines.to_native(out, pl.DataFrame({"x": [1]})), pl.DataFrame)


@pytest.mark.parametrize("name", ["_p", "_pd", "_day", "_a", "monetary"])
def test_internal_names_segment_and_days(name: str) -> None:
    """segment() and frequency="days" with the audit's names: as pandas."""
    duckdb = need("duckdb")
    tx = tiny(customer=name)
    for native in (CHEAP["polars-lazy"](tx), duckdb.from_df(tx)):
        got = summarize_frame(
            native, customer=name, frequency="days", as_of="2024-06-01", output="pandas"
        )
        ref = summarize_frame(tx, customer=name, frequency="days", as_of="2024-06-01")
        pd.testing.assert_frame_equal(got, ref)
        res = quiet(custseg.segment, native, customer=name, as_of="2024-06-01")
        ref_res = quiet(custseg.segment, tx, customer=name, as_of="2024-06-01")
        pd.testing.assert_frame_equal(res.customers, ref_res.customers)


def test_engine_facts_customer_names() -> None:
    """engine_facts keeps the customer's name; an output's name is refused."""
    pl = need("polars")
    ef = engines.engine_facts(pl.from_pandas(tiny("_p")), customer="_p")
    assert ef.customer == "_p"
    frame = ef.frame.sort("_p").collect().to_native()
    assert frame["_p"].to_list() == ["a", "b", "c"]
    assert engines.collect_facts(ef).frequency.tolist() == [3, 1, 1]
    with pytest.raises(InputError) as info:
        engines.engine_facts(pl.from_pandas(tiny("monetary")), customer="monetary")
    assert info.value.field == "monetary"


# --------------------------------------------------------------------------
# 2: PyArrow's parser rolls impossible days over


@pytest.mark.parametrize(
    ("bad", "good", "options"),
    [
        (["2024-02-30", "2024-01-15"], [" 2024-02-29", "2024-01-05"], {}),
        (["2024-04-31 10:00:00", "2024-01-01 11:00:00"], ["2024-04-30 10:00:00"], {}),
        (["31/04/2024", "15/01/2024"], ["30/04/2024"], {"date_format": "%d/%m/%Y"}),
        (["2024-2-30"], ["2024-2-29", "2024-1-5"], {"date_format": "%Y-%m-%d"}),
        (["Feb 30 2024"], ["Feb 29 2024", "jan 05 2024"], {"date_format": "%b %d %Y"}),
        ([20230229, 20240115], [20240229, 19000101], {}),
        (["20230229", "20240115"], ["20240229"], {}),
    ],
)
def test_pyarrow_impossible_dates(
    bad: list[Any], good: list[Any], options: dict[str, Any]
) -> None:
    """Impossible days are refused as pandas refuses them; real ones (29
    February, unpadded, spaced, month names) are read as pandas reads them."""
    pa = need("pyarrow")

    def table(values: list[Any]) -> Any:
        n = len(values)
        return pa.table(
            {"customer_id": ["a", "b"][:n] + ["c"] * (n - 2), "date": values,
             "amount": [1.0] * n}
        )  # fmt: skip

    tx = table(bad)
    with pytest.raises(InputError) as info:
        summarize_frame(tx.to_pandas(), as_of="2024-07-01", **options)
    assert info.value.field == "date"
    with pytest.raises(InputError) as info:
        summarize_frame(tx, as_of="2024-07-01", **options)
    assert info.value.field == "date"
    tx = table(good)
    got = summarize_frame(tx, as_of="2024-07-01", output="pandas", **options)
    ref = summarize_frame(tx.to_pandas(), as_of="2024-07-01", **options)
    pd.testing.assert_frame_equal(got, ref)


# --------------------------------------------------------------------------
# 3, 9: Dask's object columns (mixed ids, Decimal amounts)


@pytest.fixture(params=[True, False], ids=["convert-string", "objects"])
def dask_frame(request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    """dd.from_pandas with Dask's default (object columns made text) and without."""
    dask = need("dask")
    import dask.dataframe as dd

    def make(df: pd.DataFrame) -> Any:
        with dask.config.set({"dataframe.convert-string": request.param}):
            return dd.from_pandas(df, npartitions=2)

    return make


def test_dask_mixed_ids(dask_frame: Callable[[pd.DataFrame], Any]) -> None:
    tx = tiny().assign(customer_id=pd.Series([1, "1", 1, "a", 1, "1"], dtype=object))
    with pytest.raises(InputError, match="mixes ids of different types"):
        summarize_frame(tx, as_of="2024-06-01")
    with pytest.raises(InputError, match="mixes ids of different types") as info:
        summarize_frame(dask_frame(tx), as_of="2024-06-01")
    assert info.value.field == "customer_id"
    ints = tiny().assign(customer_id=pd.Series([1, 2, 1, 30, 1, 2], dtype=object))
    got = summarize_frame(dask_frame(ints), as_of="2024-06-01", output="pandas")
    pd.testing.assert_frame_equal(got, summarize_frame(ints, as_of="2024-06-01"))


def test_dask_decimal_amounts(dask_frame: Callable[[pd.DataFrame], Any]) -> None:
    tx = tiny().assign(
        amount=[Decimal("1.10"), Decimal("2.20"), Decimal(3), 0, 4.5, -1]
    )
    ref = summarize_frame(tx, as_of="2024-06-01")
    got = summarize_frame(dask_frame(tx), as_of="2024-06-01", output="pandas")
    pd.testing.assert_frame_equal(got, ref)


# --------------------------------------------------------------------------
# 4, 5: time zones


def test_duckdb_timestamptz_warns() -> None:
    """DuckDB keeps instants, not their zone: custseg says in which zone it
    counts; timezone(zone, date) gives the local times pandas counts in."""
    duckdb = need("duckdb")
    tx = tiny()
    tx["date"] = tx["date"].dt.tz_localize("Asia/Tokyo")
    rel = duckdb.from_df(tx)
    with pytest.warns(CustsegWarning, match="TimeZone"):
        summarize_frame(rel, as_of="2024-06-01", output="pandas")
    local = rel.select("customer_id, timezone('Asia/Tokyo', date) AS date, amount")
    got = summarize_frame(local, as_of="2024-06-01", output="pandas")
    pd.testing.assert_frame_equal(got, summarize_frame(tx, as_of="2024-06-01"))


def test_dask_zones() -> None:
    """Zones narwhals does not recognise in Dask's dtypes (America/New_York)
    count in local time as in pandas, as the zones it does (Asia/Tokyo)."""
    need("dask")
    import dask.dataframe as dd

    for zone in ("America/New_York", "Asia/Tokyo"):
        tx = tiny()
        late = tx["date"] + pd.Timedelta(hours=23, minutes=30)
        tx["date"] = late.dt.tz_localize(zone)
        got = summarize_frame(
            dd.from_pandas(tx, npartitions=2), as_of="2024-06-01", output="pandas"
        )
        pd.testing.assert_frame_equal(got, summarize_frame(tx, as_of="2024-06-01"))


# --------------------------------------------------------------------------
# 6: huge integer amounts in Arrow


@pytest.mark.parametrize("kind", ["int64", "uint64"])
def test_pyarrow_huge_integer_amounts(kind: str) -> None:
    pa = need("pyarrow")
    tx = pa.table(
        {
            "customer_id": ["a", "a", "b"],
            "date": pa.array([dt.date(2024, 5, 1)] * 3),
            "amount": pa.array([2**62, 2**62, 3], getattr(pa, kind)()),
        }
    )
    with pytest.raises(InputError) as info:
        summarize_frame(tx, as_of="2024-07-01")
    assert info.value.field == "amount"
    assert "2**53" in str(info.value)


# --------------------------------------------------------------------------
# 10: smaller ones


def test_dask_dates_with_spaces() -> None:
    need("dask")
    import dask.dataframe as dd

    tx = tiny().assign(date=[" 2024-05-01", "2024-05-02", "  2024-05-03"] * 2)
    got = summarize_frame(
        dd.from_pandas(tx, npartitions=2), as_of="2024-06-01", output="pandas"
    )
    pd.testing.assert_frame_equal(got, summarize_frame(tx, as_of="2024-06-01"))


def test_no_buyer_message_names_zero_amounts() -> None:
    pl = need("polars")
    facts = pl.LazyFrame(
        {"recency_days": [None, None], "frequency": [0, 0], "monetary": [0.0, 0.0]}
    )
    with pytest.raises(InputError, match="zero_amount='ignore'"):
        engines.approx_rfm_edges(facts)


class TestEngineRepeatSpend:
    """engine_btyd_summary's monetary_value is the repeat periods' own sum
    over their count, as the core's: a large first purchase does not cancel
    a small repeat spend."""

    @settings(max_examples=15, deadline=None)
    @given(
        first=st.floats(1.0, 1e17),
        repeats=st.lists(
            st.integers(1, 10_000).map(lambda c: c / 100), min_size=1, max_size=4
        ),
        kind=st.sampled_from(sorted(CHEAP)),
    )
    def test_equals_the_core(
        self, first: float, repeats: list[float], kind: str
    ) -> None:
        need("polars" if kind.startswith("polars") else kind)
        days = [dt.date(2024, 1, 1)] + [
            dt.date(2024, 1, 2 + i) for i in range(len(repeats))
        ]
        df = pd.DataFrame({"customer_id": ["a"] * len(days) + ["b"],
                           "date": pd.to_datetime([*days, dt.date(2024, 1, 3)]),
                           "amount": [first, *repeats, 5.0]})  # fmt: skip
        core = custseg.btyd_summary(df.customer_id, df.date, df.amount,
                                    observation_end="2024-02-01")  # fmt: skip
        got = engines.engine_btyd_summary(CHEAP[kind](df), observation_end="2024-02-01")
        assert got.frequency.tolist() == core.frequency.tolist()
        np.testing.assert_allclose(got.monetary_value, core.monetary_value, rtol=1e-12)
        assert got.monetary_value[1] == 0.0
