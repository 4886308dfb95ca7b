"""Engine defects found by the third audit, one test per class of defect.

Each test compares an engine with the pandas path on the same data (or asks
for the pandas path's InputError). Frames are tiny; Dask runs on its local
scheduler. Spark is slow to start: one test covers every Spark defect, on
the Spark session of ``tests/test_engines.py``'s fixture.
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.frame import segment_frame, summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import RfmEdges, ScoreEdges, engines
from test_engines import CHEAP, need, spark, spark_frame

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py


def to_dask(df: pd.DataFrame) -> Any:
    need("dask")
    import dask.dataframe as dd

    return dd.from_pandas(df, npartitions=2)


#: every engine but Spark (a fresh frame per call)
ENGINES: dict[str, Callable[[pd.DataFrame], Any]] = {**CHEAP, "dask": to_dask}


def quiet(call: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return call(*args, **kw)


def text_tx(dates: list[str], amounts: list[float] | None = None) -> pd.DataFrame:
    n = len(dates)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i % 3}" for i in range(n)],
            "date": pd.array(dates, dtype="str"),
            "amount": [1.0] * n if amounts is None else amounts,
        }
    )


# --------------------------------------------------------------------------
# 1: decimal amounts summed exactly, whatever the row order


CENTS = st.lists(
    st.tuples(
        st.integers(0, 5),  # customer
        st.integers(0, 30),  # day
        st.integers(-2_000, 100_000),  # cents
    ),
    min_size=1,
    max_size=30,
)


def cents_tx(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": np.datetime64("2024-01-01", "us")
            + np.array([r[1] for r in rows]).astype("timedelta64[D]"),
            "amount": np.array([r[2] for r in rows], dtype=np.float64) / 100,
        }
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=CENTS, seed=st.integers(0, 2**32 - 1))
def test_decimal_monetary_order_free(
    rows: list[tuple[int, int, int]], seed: int
) -> None:
    """Cents in any row order: every engine's monetary (facts, BTYD) is the core's, bit for bit."""
    tx = cents_tx(rows)
    shuffled = tx.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)
    ref = summarize_frame(tx, as_of="2024-03-01")
    kw: dict[str, Any] = {"observation_end": "2024-01-20", "unit": "D"}
    kw["after_observation_end"] = "drop"
    ref_btyd = custseg.btyd_summary(tx["customer_id"], tx["date"], tx["amount"], **kw)
    for name, convert in CHEAP.items():  # Dask: test_decimal_monetary_dask
        got = summarize_frame(convert(shuffled), as_of="2024-03-01", output="pandas")
        np.testing.assert_array_equal(
            got["monetary"].to_numpy(), ref["monetary"].to_numpy(), err_msg=name
        )
        btyd = engines.engine_btyd_summary(convert(shuffled), **kw)
        np.testing.assert_array_equal(
            btyd.monetary_value, ref_btyd.monetary_value, err_msg=name
        )


def test_decimal_monetary_dask() -> None:
    """Dask, 3 partitions, cents in three orders: the core's monetary bit for bit."""
    rng = np.random.default_rng(3)
    rows = [
        (int(c), int(d), int(a))
        for c, d, a in zip(
            rng.integers(0, 20, 300),
            rng.integers(0, 30, 300),
            rng.integers(-2_000, 100_000, 300),
            strict=True,
        )
    ]
    tx = cents_tx(rows)
    ref = summarize_frame(tx, as_of="2024-03-01")
    kw: dict[str, Any] = {"observation_end": "2024-01-20", "unit": "D"}
    kw["after_observation_end"] = "drop"
    ref_btyd = custseg.btyd_summary(tx["customer_id"], tx["date"], tx["amount"], **kw)
    need("dask")
    import dask.dataframe as dd

    for seed in range(3):
        shuffled = tx.sample(frac=1, random_state=seed).reset_index(drop=True)
        frame = dd.from_pandas(shuffled, npartitions=3)
        got = summarize_frame(frame, as_of="2024-03-01", output="pandas")
        np.testing.assert_array_equal(got["monetary"], ref["monetary"])
        btyd = engines.engine_btyd_summary(frame, **kw)
        np.testing.assert_array_equal(btyd.monetary_value, ref_btyd.monetary_value)


def test_decimal_monetary_labels() -> None:
    """The audit's example: 0.1 + 0.2 + 0.3 in either order gives the core's labels."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c", "d", "e"],
            "date": ["2024-06-01"] * 7,
            "amount": [0.1, 0.2, 0.3, 0.6, 0.6, 0.1, 5.0],
        }
    )
    ref = segment_frame(tx, as_of="2024-07-01", bins=2)
    for order in ([0, 1, 2, 3, 4, 5, 6], [2, 1, 0, 3, 4, 5, 6]):
        rows = tx.iloc[order].reset_index(drop=True)
        for name, convert in ENGINES.items():
            got = segment_frame(
                convert(rows), as_of="2024-07-01", bins=2, output="pandas"
            )
            pd.testing.assert_frame_equal(got, ref, obj=name)


def test_decimal_column_amounts() -> None:
    """Decimal columns (Arrow decimal128, Polars Decimal, DuckDB DECIMAL) are summed exactly."""
    pa = need("pyarrow")
    values = [Decimal("0.10"), Decimal("0.20"), Decimal("0.30"), Decimal("0.60")]
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01"] * 4).as_unit("us"),
            "amount": [float(x) for x in values],
        }
    )
    ref = summarize_frame(tx)
    table = pa.table(
        {
            "customer_id": tx["customer_id"].tolist(),
            "date": pa.array(tx["date"].tolist(), pa.timestamp("us")),
            "amount": pa.array(values, pa.decimal128(10, 2)),
        }
    )
    frames = {
        "pyarrow": table,
        "polars": need("polars").from_arrow(table),
        "duckdb": need("duckdb").from_arrow(table),
    }
    for name, frame in frames.items():
        got = summarize_frame(frame, output="pandas")
        assert got["monetary"].tolist() == [0.6, 0.6], name
        np.testing.assert_array_equal(got["monetary"], ref["monetary"], err_msg=name)


# --------------------------------------------------------------------------
# 2: column names the engine would parse (Polars '*', DuckDB '*')


@pytest.mark.parametrize("odd", ["*", "^amount$"])
def test_pattern_like_names(odd: str) -> None:
    """Names Polars or DuckDB read as a wildcard or a pattern are read as names."""
    tx = text_tx(["2024-01-01", "2024-01-02", "2024-01-05"], [1.0, 2.0, 4.0])
    ref = summarize_frame(tx)
    for role in ("customer_id", "amount"):
        frame = tx.rename(columns={role: odd})
        names = {"customer": "customer_id", "amount": "amount"}
        names["customer" if role == "customer_id" else "amount"] = odd
        for name, convert in ENGINES.items():
            got = summarize_frame(convert(frame), **names, output="pandas")
            np.testing.assert_array_equal(got.to_numpy(), ref.to_numpy())
            assert got.index.tolist() == ref.index.tolist(), name


# --------------------------------------------------------------------------
# 3: dates Python cannot hold


def test_duckdb_infinite_dates_refused() -> None:
    """DuckDB's 'infinity' and '-infinity' dates are refused, not read as real days."""
    duckdb = need("duckdb")
    for kind in ("date", "timestamp"):
        for value in ("-infinity", "infinity"):
            rel = duckdb.sql(
                f"select 'x' as customer_id, '{value}'::{kind} as date, 1.0 as amount "
                f"union all select 'y', '2024-01-01'::{kind}, 1.0"
            )
            with pytest.raises(InputError, match="outside the years") as info:
                summarize_frame(rel)
            assert info.value.field == "date"
            assert info.value.n_rows == 1
            with pytest.raises(InputError, match=r"outside the years|after"):
                engines.engine_btyd_summary(rel, observation_end="2024-02-01")


@pytest.mark.parametrize("after", ["raise", "drop"])
def test_far_dates(after: str) -> None:
    """Dates past 9999 are dropped with after_as_of='drop' (as in the core) or
    refused; dates before year 1 are refused; never a bare OverflowError."""
    duckdb = need("duckdb")
    pl = need("polars")
    rel = duckdb.sql(
        "select 'x' as customer_id, '20240-01-01'::timestamp as date, 1.0 as amount "
        "union all select 'y', '2024-01-01'::timestamp, 1.0"
    )
    far = pl.DataFrame(
        {
            "customer_id": ["x", "y"],
            "date": [dt.date(2024, 1, 1)] * 2,
            "amount": [1.0] * 2,
        }
    ).with_columns(
        pl.when(pl.col("customer_id") == "x")
        .then(pl.lit(20240 * 365).cast(pl.Date))
        .otherwise(pl.col("date"))
        .alias("date")
    )
    past = far.with_columns(
        pl.when(pl.col("customer_id") == "x")
        .then(pl.lit(-800_000).cast(pl.Date))
        .otherwise(pl.col("date"))
        .alias("date")
    )
    for frame in (rel, far, far.lazy()):
        if after == "drop":
            got = summarize_frame(
                frame, as_of="2024-06-01", after_as_of="drop", output="pandas"
            )
            assert got.index.tolist() == ["y"]
            assert got.attrs["n_dropped"] == 1
            btyd = engines.engine_btyd_summary(
                frame, observation_end="2024-06-01", after_observation_end="drop"
            )
            assert btyd.customer_id.tolist() == ["y"]
        else:
            with pytest.raises(InputError, match="after as_of"):
                summarize_frame(frame, as_of="2024-06-01")
        with pytest.raises(InputError, match="outside the years") as info:
            summarize_frame(frame)  # no as_of: nothing drops them
        assert info.value.field == "date"
    with pytest.raises(InputError, match="outside the years"):
        summarize_frame(past, as_of="2024-06-01", after_as_of=after)


# --------------------------------------------------------------------------
# 4: Arrow types the queries had no kernels for


def test_arrow_uint64_and_string_view() -> None:
    """uint64 amounts past 2**63 get pandas' InputError (past 2**53, audit 32); string_view ids and dates read as text."""
    pa = need("pyarrow")
    dates = ["2024-01-01", "2024-01-05", "2024-01-09", "2024-02-01"]
    big = pa.table(
        {
            "customer_id": ["a", "a", "b", "b"],
            "date": dates,
            "amount": pa.array([2**63, 1, 3, 4], pa.uint64()),
        }
    )
    with pytest.raises(InputError, match=r"beyond 2\*\*53") as info:
        summarize_frame(big)
    assert info.value.field == "amount"
    with pytest.raises(InputError, match=r"beyond 2\*\*53"):
        summarize_frame(big.to_pandas())
    fine = big.set_column(2, "amount", pa.array([2**53 + 2, 1, 3, 4], pa.uint64()))
    with pytest.raises(InputError, match=r"2\*\*53"):
        summarize_frame(fine)
    plain = pa.table(
        {"customer_id": ["b", "a", "b", "c"], "date": dates, "amount": [1.0, 2, 3, 4]}
    )
    ref = summarize_frame(plain.to_pandas())
    for column in ("customer_id", "date"):
        view = plain.set_column(
            plain.schema.get_field_index(column),
            column,
            plain[column].cast(pa.string_view()),
        )
        got = summarize_frame(view, output="pandas")
        pd.testing.assert_frame_equal(got, ref, check_dtype=False)


# --------------------------------------------------------------------------
# 8-11: dates read as pandas reads them


@settings(max_examples=15, deadline=None)
@given(
    day=st.integers(0, 3000),
    fraction=st.sampled_from([0.5, 0.25, 0.1, 0.999, 1e-6]),
)
def test_fractional_yyyymmdd_refused(day: int, fraction: float) -> None:
    """A float YYYYMMDD that is not whole is refused, as in pandas (never truncated or rounded)."""
    good = np.datetime64("2015-01-01") + np.timedelta64(day, "D")
    number = float(pd.Timestamp(good).strftime("%Y%m%d")) + fraction
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": [20240131.0, number], "amount": [1.0, 2.0]}
    )
    with pytest.raises(InputError):
        summarize_frame(tx, as_of="2024-03-01")
    engines_ = CHEAP if day % 8 else ENGINES  # Dask is slow: some examples
    for name, convert in engines_.items():
        with pytest.raises(InputError) as info:
            summarize_frame(convert(tx), as_of="2024-03-01")
        assert info.value.field == "date", name
    whole = tx.assign(date=[20240131.0, float(int(number))])
    ref = summarize_frame(whole, as_of="2035-03-01")
    for name, convert in engines_.items():
        got = summarize_frame(convert(whole), as_of="2035-03-01", output="pandas")
        np.testing.assert_array_equal(got["recency_days"], ref["recency_days"], name)


@settings(max_examples=15, deadline=None)
@given(
    minutes=st.integers(0, 24 * 60 - 1),
    offset=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
    colon=st.booleans(),
)
def test_offset_dates_count_local_days(minutes: int, offset: int, colon: bool) -> None:
    """'%z' text dates count in the local time written, as pandas counts them."""
    sign = "+" if offset >= 0 else "-"
    hh, mm = divmod(abs(offset), 60)
    zone = f"{sign}{hh:02d}:{mm:02d}" if colon else f"{sign}{hh:02d}{mm:02d}"
    stamp = f"2024-01-01T{minutes // 60:02d}:{minutes % 60:02d}:00{zone}"
    tx = text_tx([stamp, f"2024-01-03T10:00:00{zone}"])  # pandas wants one zone
    kw = {"date_format": "%Y-%m-%dT%H:%M:%S%z", "as_of": "2024-01-10"}
    ref = summarize_frame(tx, **kw)
    engines_ = CHEAP if minutes % 8 else ENGINES  # Dask is slow: some examples
    for name, convert in engines_.items():
        got = summarize_frame(convert(tx), **kw, output="pandas")
        np.testing.assert_array_equal(got["recency_days"], ref["recency_days"], name)
        np.testing.assert_array_equal(
            got["first_purchase"].to_numpy("datetime64[us]"),
            ref["first_purchase"].to_numpy("datetime64[us]"),
            err_msg=name,
        )
    bad = text_tx(["2024-01-01T10:00:00", f"2024-01-03T10:00:00{zone}"])
    for name, convert in engines_.items():  # the offset is not optional
        with pytest.raises(InputError, match="not dates") as info:
            summarize_frame(convert(bad), **kw)
        assert info.value.field == "date", name


def test_two_digit_years() -> None:
    """'%y' puts 69-99 in 1969-1999 and 00-68 in 2000-2068, as Python does."""
    dates = [f"12/31/{y:02d}" for y in range(100)] + ["02/29/72", "02/29/96"]
    tx = text_tx(dates)
    tx["customer_id"] = [f"c{i:03d}" for i in range(len(dates))]
    ref = summarize_frame(tx, date_format="%m/%d/%y", as_of="2069-01-01")
    for name, convert in ENGINES.items():
        got = summarize_frame(
            convert(tx), date_format="%m/%d/%y", as_of="2069-01-01", output="pandas"
        )
        np.testing.assert_array_equal(
            got["first_purchase"].to_numpy("datetime64[us]"),
            ref["first_purchase"].to_numpy("datetime64[us]"),
            err_msg=name,
        )


@pytest.mark.parametrize("space", [" ", "  ", "\t"])
def test_spaces_around_text_dates(space: str) -> None:
    """Blanks before or after a text date are skipped, with or without a
    date_format, on every engine as in pandas (padded exports; audit 8
    found a trailing blank refused while a leading one was read)."""
    plain = text_tx(["2024-01-01", "2024-01-05"])
    ref = summarize_frame(plain)
    formatted = {"date_format": "%Y-%m-%d"}
    padded = [
        text_tx([space + "2024-01-01", "2024-01-05"]),
        text_tx(["2024-01-01" + space, "2024-01-05" + space]),
        text_tx([space + "2024-01-01" + space, "2024-01-05"]),
    ]
    for frame in padded:
        for kw in ({}, formatted):
            got = summarize_frame(frame, **kw)
            np.testing.assert_array_equal(got["recency_days"], ref["recency_days"])
            for name, convert in ENGINES.items():
                got = summarize_frame(convert(frame), output="pandas", **kw)
                np.testing.assert_array_equal(
                    got["recency_days"], ref["recency_days"], name
                )
    inner = text_tx(["2024-01" + space + "01", "2024-01-05"])  # not padding
    for name, convert in ENGINES.items():
        with pytest.raises(InputError, match="not dates") as info:
            summarize_frame(convert(inner), date_format="%Y-%m-%d")
        assert info.value.field == "date", name


# --------------------------------------------------------------------------
# 12: messages name the user's amount column


def test_overflow_names_amount_column(
    convert: Callable[[pd.DataFrame], Any],
) -> None:
    """A sum past float64 names the amount column as the user calls it."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-01-01", "2024-01-02"],
            "Betrag": [1e308, 1e308],
        }
    )
    with pytest.raises(InputError) as ref:
        summarize_frame(tx, amount="Betrag")
    with pytest.raises(InputError) as info:
        summarize_frame(convert(tx), amount="Betrag")
    assert info.value.field == ref.value.field == "Betrag"


@pytest.fixture(params=list(CHEAP))
def convert(request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    return CHEAP[request.param]


# --------------------------------------------------------------------------
# 13: DuckDB HUGEINT ids


def test_duckdb_hugeint_ids() -> None:
    """HUGEINT ids come back as integers (HUGEINT in the relation), not Decimals."""
    duckdb = need("duckdb")
    for factor in ("1", "100000000000000000000"):
        rel = duckdb.sql(
            f"select (x::hugeint * {factor}) as customer_id, "
            "date '2024-01-01' + x::int as date, 1.0 as amount from range(3) t(x)"
        )
        ids = summarize_frame(rel, output="pandas").index.tolist()
        assert ids == [i * int(factor) for i in range(3)]
        assert all(type(i) is int for i in ids)
        out = summarize_frame(rel)
        assert str(out.types[0]) == "HUGEINT"
        assert [r[0] for r in out.fetchall()] == ids


# --------------------------------------------------------------------------
# 14: Dask frames computed from dd.from_pandas


def test_dask_derived_frames_refuse_mixed_ids() -> None:
    """A filter or an assign on dd.from_pandas(df) still refuses ids mixing 1 and '1'."""
    need("dask")
    import dask.dataframe as dd

    df = pd.DataFrame(
        {
            "customer_id": pd.array([1, "1", 2], dtype=object),
            "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    d = dd.from_pandas(df, npartitions=1)
    for frame in (
        d[d.amount > 0],
        d.assign(amount=d.amount * 2),
        d[["customer_id", "date", "amount"]],
    ):
        with pytest.raises(InputError, match="mixes ids") as info:
            summarize_frame(frame)
        assert info.value.field == "customer_id"
    ints = df.assign(customer_id=pd.array([1, 3, 2], dtype=object))
    d = dd.from_pandas(ints, npartitions=1)
    got = summarize_frame(d[d.amount > 0], output="pandas")  # one type: fine
    assert len(got) == 3


# --------------------------------------------------------------------------
# 15: Arrow's null type


def test_null_typed_columns() -> None:
    """All-None or empty object columns (Arrow's null type) are missing values, not a type."""
    pa = need("pyarrow")
    duckdb = need("duckdb")
    dates = ["2024-01-01", "2024-01-02"]
    cases = [
        ({"customer_id": pa.array([None, None]), "date": dates, "amount": [1.0, 2.0]}, "customer_id", "missing customer ids"),
        ({"customer_id": ["a", "b"], "date": pa.array([None, None]), "amount": [1.0, 2.0]}, "date", "missing dates"),
        ({"customer_id": ["a", "b"], "date": dates, "amount": pa.array([None, None])}, "amount", "missing values"),
    ]  # fmt: skip
    for columns, field, problem in cases:
        table = pa.table(columns)
        for frame in (table, duckdb.from_arrow(table)):
            with pytest.raises(InputError, match=problem) as info:
                summarize_frame(frame)
            assert info.value.field == field
    empty = pd.DataFrame(
        {
            "customer_id": pd.Series([], dtype=object),
            "date": pd.Series([], dtype=object),
            "amount": pd.Series([], dtype=float),
        }
    )
    table = pa.Table.from_pandas(empty, preserve_index=False)
    for frame in (table, duckdb.from_arrow(table)):
        with pytest.raises(InputError, match="is empty") as info:
            summarize_frame(frame)
        assert info.value.field == "date"


# --------------------------------------------------------------------------
# Spark: 1, 2, 7, 8, 10, 11 in one session


def test_spark_audit3(spark: Any) -> None:
    """Spark: decimal sums order-free, dotted names, a fixed output schema,
    fractional YYYYMMDD refused, '%y' and spaces read as pandas reads them."""
    # 1: cents in two orders, bit for bit the core's
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c"],
            "date": pd.to_datetime(
                ["2024-06-01", "2024-06-02", "2024-06-03", "2024-06-01", "2024-06-01"]
            ).as_unit("us"),
            "amount": [0.1, 0.2, 0.3, 0.6, 5.0],
        }
    )
    ref = summarize_frame(tx)
    kw: dict[str, Any] = {"observation_end": "2024-07-01"}
    ref_btyd = custseg.btyd_summary(tx["customer_id"], tx["date"], tx["amount"], **kw)
    frame = spark_frame(
        spark, tx
    )  # in this order Spark's float sum is 0.6000000000000001
    got = summarize_frame(frame, output="pandas")
    np.testing.assert_array_equal(got["monetary"], ref["monetary"])
    btyd = engines.engine_btyd_summary(frame, **kw)
    np.testing.assert_array_equal(btyd.monetary_value, ref_btyd.monetary_value)
    # 2: dotted column names
    dotted = tx.rename(columns={"customer_id": "c.id", "date": "order.date"})
    got = summarize_frame(
        spark_frame(spark, dotted), customer="c.id", date="order.date", output="pandas"
    )
    np.testing.assert_array_equal(got.to_numpy(), ref.to_numpy())
    # 7: the input's DATE / TIMESTAMP_NTZ kept, integer scores, zero rows
    types = {
        "date": "date'2024-03-10'",
        "timestamp_ntz": "timestamp_ntz'2024-03-10 10:00:00'",
    }
    for kind, literal in types.items():
        rel = spark.sql(
            f"select 'a' as customer_id, {literal} as date, -1.0d as amount"
        )
        edges = RfmEdges(ScoreEdges((30, 90)), ScoreEdges((1, 2)), ScoreEdges((10, 20)))
        out = dict(segment_frame(rel, as_of="2024-03-12", rfm_edges=edges).dtypes)
        assert out["first_purchase"] == kind  # refunds only: no purchase, all NULL
        assert out["last_purchase"] == kind
        assert out["r"] == "tinyint" and out["rfm"] == "smallint"
    empty = summarize_frame(
        spark_frame(spark, tx), as_of="2024-01-01", after_as_of="drop"
    )
    assert empty.count() == 0
    assert dict(empty.dtypes)["monetary"] == "double"
    # 8, 10, 11: dates as pandas reads them
    floats = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": [20240131.0, 20240105.5],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError):
        summarize_frame(spark_frame(spark, floats), as_of="2024-03-01")
    short = text_tx(["12/31/69", "01/02/99", "3/4/05"])
    got = summarize_frame(
        spark_frame(spark, short), date_format="%m/%d/%y", output="pandas"
    )
    want = summarize_frame(short, date_format="%m/%d/%y")
    pd.testing.assert_frame_equal(got, want)
    spaced = text_tx([" 2024-01-01", "2024-01-05", "2024-1-5"])
    got = summarize_frame(spark_frame(spark, spaced), output="pandas")
    pd.testing.assert_frame_equal(got, summarize_frame(spaced))
