"""Engine defects found by the fourth audit (row order).

Each test compares an engine with the core on the same data, in several row
orders. Frames are tiny; Dask runs on its local scheduler; Spark (slow to
start) runs one example in one test.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.frame import apply_rules, summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import RfmEdges, ScoreEdges, engines
from test_engines import CHEAP, need, spark, spark_frame

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py


def to_dask(df: pd.DataFrame) -> Any:
    need("dask")
    import dask.dataframe as dd

    return dd.from_pandas(df, npartitions=2)


def quiet(call: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return call(*args, **kw)


# --------------------------------------------------------------------------
# order.md #3: amounts without a decimal scale summed exactly in the engine

#: amounts with no decimal scale of few places: thirds, many digits, huge
#: values beside small ones (1e16 with refunds), mixed magnitudes
ODD = st.one_of(
    st.integers(-30, 300).map(lambda k: k / 3),
    st.sampled_from([1e16, -1e16, 1.0, 1e-3, 2.0**-30, 123456.789012345, 0.1]),
    # within the ~250 binary places the limbs hold (wider: the float sum)
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(
        lambda x: x == 0 or abs(x) > 1e-9
    ),
)
ROWS = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 30), ODD), min_size=1, max_size=25
)


def odd_tx(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": np.datetime64("2024-01-01", "us")
            + np.array([r[1] for r in rows]).astype("timedelta64[D]"),
            "amount": np.array([r[2] for r in rows], dtype=np.float64),
        }
    )


BTYD = {"observation_end": "2024-01-20", "unit": "D", "after_observation_end": "drop"}


def check_engine(
    name: str, convert: Callable[[pd.DataFrame], Any], tx: pd.DataFrame, seed: int
) -> None:
    """*convert*'s monetary (facts and BTYD) is the core's bit for bit, in
    the given, reversed and a shuffled row order."""
    ref = summarize_frame(tx, as_of="2024-03-01")
    ref_btyd = custseg.btyd_summary(tx["customer_id"], tx["date"], tx["amount"], **BTYD)
    shuffled = tx.sample(frac=1, random_state=seed).reset_index(drop=True)
    for rows in (tx, tx.iloc[::-1].reset_index(drop=True), shuffled):
        got = summarize_frame(convert(rows), as_of="2024-03-01", output="pandas")
        np.testing.assert_array_equal(
            got["monetary"].to_numpy(), ref["monetary"].to_numpy(), err_msg=name
        )
        btyd = quiet(engines.engine_btyd_summary, convert(rows), **BTYD)
        np.testing.assert_array_equal(
            btyd.monetary_value, ref_btyd.monetary_value, err_msg=name
        )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, seed=st.integers(0, 2**32 - 1))
def test_odd_amounts_exact_in_any_order(
    rows: list[tuple[int, int, float]], seed: int
) -> None:
    """Thirds, 1e16 with refunds, mixed magnitudes: the core's monetary."""
    tx = odd_tx(rows)
    for name, convert in CHEAP.items():
        check_engine(name, convert, tx, seed)


@pytest.mark.parametrize(
    "amounts",
    [
        [1e16, 1.0, -1e16, 1.0],  # the audit's example: 2.0, not 0.0
        [2 / 3, 20 / 3, 10 / 3, 1 / 3],  # 11.0, not 11.000000000000002
        [1 / 3, 0.1, 0.2, 1e-9, 7.0],
    ],
)
def test_odd_amounts_dask(amounts: list[float]) -> None:
    """Dask, two partitions: the core's monetary in three orders."""
    n = len(amounts)
    rows = [(i % 2, i, a) for i, a in enumerate(amounts)] * 2
    rows += [(0, 25, amounts[0]), (1, 26, amounts[-1])][: max(0, 4 - n)]
    check_engine("dask", to_dask, odd_tx(rows), 7)


def test_odd_amounts_labels() -> None:
    """The audit's labels example: 11 paid in thirds gets the m score and ABC
    class of 11 paid at once, on every engine."""
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 3, 4, 5],
            "date": ["2024-01-05"] * 8,
            "amount": [2 / 3, 20 / 3, 10 / 3, 1 / 3, 11.0, 1.0, 30.0, 5.0],
        }
    )
    kw: dict[str, Any] = {"as_of": "2024-02-01", "bins": (2, 2, 5)}
    ref = custseg.frame.segment_frame(tx, **kw)
    for name, convert in {**CHEAP, "dask": to_dask}.items():
        for rows in (tx, tx.iloc[::-1].reset_index(drop=True)):
            got = custseg.frame.segment_frame(convert(rows), output="pandas", **kw)
            pd.testing.assert_frame_equal(got, ref, obj=name)


def test_too_wide_amounts_keep_the_float_sum() -> None:
    """Amounts spanning more binary places than the limbs hold (1e300 beside
    1e-300) are still summed (the engine's float sum), not refused."""
    tx = odd_tx([(0, 1, 1e300), (0, 2, 1e-300), (1, 3, 1 / 3)])
    got = summarize_frame(CHEAP["polars"](tx), as_of="2024-03-01", output="pandas")
    assert got["monetary"].tolist() == [1e300, 1 / 3]


def test_engine_facts_frame_is_order_free() -> None:
    """engine_facts' frame (still in the engine) gives the same monetary in
    any row order; collect_facts the core's."""
    pl = need("polars")
    tx = odd_tx([(0, 1, 1e16), (0, 2, 1.0), (0, 3, -1e16), (1, 4, 1 / 3)])
    seen = set()
    for rows in (tx, tx.iloc[::-1]):
        ef = engines.engine_facts(pl.from_pandas(rows), as_of="2024-03-01")
        frame = ef.frame.sort("customer_id").collect().to_native()
        seen.add(tuple(frame["monetary"].to_list()))
        facts = engines.collect_facts(ef)
        assert facts.monetary.tolist() == [1.0, 1 / 3]
    assert len(seen) == 1


# --------------------------------------------------------------------------
# order.md #8: mean() in the engine is the core's


EDGES = RfmEdges(
    ScoreEdges((30, 90, 180, 270)),
    ScoreEdges((1, 2, 4, 8)),
    ScoreEdges((0.15, 0.25, 0.5, 1.0)),
)

#: decimal facts: cents, whole days, counts; and customers without a purchase
FACT_ROWS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 400).map(float)),
        st.integers(1, 9),
        st.integers(-500, 5_000).map(lambda c: c / 100),
    ),
    min_size=1,
    max_size=20,
)


def facts_frame(rows: list[tuple[float | None, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(rows))],
            "recency_days": [np.nan if r[0] is None else r[0] for r in rows],
            "frequency": [0 if r[0] is None else r[1] for r in rows],
            "monetary": [r[2] for r in rows],
            "tenure_days": [np.nan if r[0] is None else r[0] + 10 for r in rows],
        }
    )


def core_labels(facts: pd.DataFrame) -> pd.DataFrame:
    """The core's base preset outputs for *facts*, with the engine's scores
    (their edges are given: the same in both; the means are under test)."""
    scored = engine_labels(CHEAP["polars"], facts).set_index("customer_id")
    frame = facts.set_index("customer_id").assign(
        r=scored["r"], f=scored["f"], m=scored["m"]
    )
    return apply_rules(frame, "base")


def engine_labels(convert: Callable[[pd.DataFrame], Any], facts: pd.DataFrame) -> Any:
    out = custseg.engines.label_in_engine(convert(facts), preset="base", edges=EDGES)
    if hasattr(out, "collect"):
        out = out.collect()
    if hasattr(out, "to_pandas"):
        return out.to_pandas()
    return out.df() if hasattr(out, "df") else out.compute()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=FACT_ROWS, seed=st.integers(0, 2**32 - 1))
def test_engine_mean_is_the_core_mean(
    rows: list[tuple[float | None, int, float]], seed: int
) -> None:
    """The base preset's rfm8 (mean(recency_days), mean(frequency),
    mean(monetary)) on Polars and DuckDB is the core's in any row order."""
    facts = facts_frame(rows)
    ref = core_labels(facts)["rfm8"]
    shuffled = facts.sample(frac=1, random_state=seed).reset_index(drop=True)
    for name in ("polars", "duckdb"):
        for frame in (facts.iloc[::-1].reset_index(drop=True), shuffled):
            got = engine_labels(CHEAP[name], frame).set_index("customer_id")
            assert got["rfm8"].to_dict() == ref.to_dict(), name


def test_engine_mean_audit_example() -> None:
    """The audit's example: monetary 0.1, 0.2, 0.3 (mean exactly 0.2): b is
    not above the mean in either order, on every engine."""
    facts = facts_frame([(10.0, 2, 0.1), (10.0, 2, 0.2), (10.0, 2, 0.3)])
    ref = core_labels(facts)["rfm8"].to_dict()
    for name, convert in {**CHEAP, "dask": to_dask}.items():
        for frame in (facts, facts.iloc[::-1].reset_index(drop=True)):
            got = engine_labels(convert, frame).set_index("customer_id")
            assert got["rfm8"].to_dict() == ref, name


def test_compile_rules_mean_values() -> None:
    """mean(x) and mean(x, where=...) compiled for the engine are the core's
    values bit for bit (read back through a condition on equality)."""
    pl = need("polars")
    import narwhals as nw

    from custseg import rules

    rs = rules.loads(
        """
format = 1
[fields]
x = { type = "number", missing = true }
[segments.eq]
default = "no"
rules = [{ label = "yes", when = "x == mean(x)" }]
[segments.eqw]
default = "no"
rules = [{ label = "yes", when = "x == mean(x, where=x < 1)" }]
"""
    )
    # the exact mean of 0.1, 0.2, 0.3 is 0.2; a float mean gives
    # 0.20000000000000004 or 0.19999999999999998 by the order
    for values in ([0.1, 0.2, 0.3, None], [0.1, 0.2, 0.3, 5.0, None]):
        for order in (values, values[::-1]):
            frame = nw.from_native(pl.DataFrame({"x": order}))
            got = engines.compile_rules(rs, backend="polars").apply(frame).to_native()
            core = rs.evaluate({"x": np.array(order, dtype=float)})
            assert got["eq"].to_list() == core["eq"].to_numpy().tolist()
            assert got["eqw"].to_list() == core["eqw"].to_numpy().tolist()
            at = order.index(0.2)
            assert got["eqw"][at] == "yes"
            assert (got["eq"][at] == "yes") == (len(values) == 4)


# --------------------------------------------------------------------------
# Spark: one example of each


def test_spark_audit4(spark: Any) -> None:
    """Spark: the audit's 1e16-with-refunds sums and the mean example."""
    tx = odd_tx([(1, 1, 1e16), (1, 2, 1.0), (1, 3, -1e16), (2, 4, 1 / 3)])
    ref = summarize_frame(tx, as_of="2024-03-01")
    rows = tx.iloc[::-1].reset_index(drop=True)  # one order (Spark is slow)
    got = summarize_frame(spark_frame(spark, rows), as_of="2024-03-01", output="pandas")
    np.testing.assert_array_equal(got["monetary"], ref["monetary"])
    facts = facts_frame([(10.0, 2, 0.1), (10.0, 2, 0.2), (10.0, 2, 0.3)])
    out = engines.label_in_engine(
        spark_frame(spark, facts.iloc[::-1]), preset="base", edges=EDGES
    )
    got = {
        r["customer_id"]: r["rfm8"] for r in out.select("customer_id", "rfm8").collect()
    }
    assert got == core_labels(facts)["rfm8"].to_dict()
