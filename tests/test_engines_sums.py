"""Each customer's sum from its own amounts, in every engine.

The NumPy path decides per customer how to sum (custseg._exact.mixed_sums):
the decimal sum at the customer's own scale when all its amounts are
decimals of few places (magnitudes below 2**52), else the correctly rounded
binary sum. The engines used to decide once for the whole column, so one
customer's ``10 / 3`` turned another's ``0.1 + 0.2`` into
``0.30000000000000004``. These tests mix kinds of amounts *within* a frame
(and within a customer), in several row orders, and ask every engine for
the core's ``monetary`` (facts and BTYD) bit for bit. Frames are tiny.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.frame import summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import engines
from test_engines import CHEAP, spark, spark_frame
from test_engines_audit4 import check_engine, odd_tx, to_dask

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

#: kinds of amounts: decimals of 0, 2, 4 and 8 places, thirds (no decimal
#: scale), 8 places of magnitude near 2e7, large ones (past 2**52 at their scale), and values whose scaled
#: value is a tie m + 1/2 past 2**51 (whether they are decimals at that
#: scale depends on how ties are rounded)
KINDS = {
    "whole": st.integers(-50, 5_000).map(float),
    "cents": st.integers(-5_000, 500_000).map(lambda k: k / 100),
    "four": st.integers(-(10**6), 10**8).map(lambda k: k / 10**4),
    "eight": st.integers(-(10**9), 10**10).map(lambda k: k / 10**8),
    "thirds": st.integers(-30, 3_000).map(lambda k: k / 3),
    # 8 places near 2e7: no tie (|a * 1e8| < 2**51), but three of them pass
    # 2**52 at 1e8, so the decimal sums cannot all share the last scale
    "near": st.integers(19 * 10**14, 22 * 10**14).map(lambda k: k / 10**8),
    "large": st.sampled_from([1e16, -1e16, 4.5e15, 2.0**53, 1.0, 0.1, 0.2]),
    "ties": st.tuples(
        st.integers(2**51, 2**52 - 1), st.sampled_from([1, 100, 10**4, 10**8])
    ).map(lambda t: (t[0] + 0.5) / t[1]),
}
#: one customer's amounts, of one or two kinds
CUSTOMER = st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=2).flatmap(
    lambda kinds: st.lists(
        st.tuples(st.integers(0, 30), st.one_of(*(KINDS[k] for k in kinds))),
        min_size=1,
        max_size=5,
    )
)


def rows_of(customers: list[list[tuple[int, float]]]) -> list[tuple[int, int, float]]:
    return [(c, day, a) for c, rows in enumerate(customers) for day, a in rows]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    customers=st.lists(CUSTOMER, min_size=2, max_size=5),
    extra=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30), KINDS["thirds"])),
    seed=st.integers(0, 2**32 - 1),
)
def test_each_customer_summed_from_its_own_amounts(
    customers: list[list[tuple[int, float]]],
    extra: list[tuple[int, int, float]],
    seed: int,
) -> None:
    """Customers of different kinds of amounts in one frame (and a few thirds
    mixed into some of them): every engine's monetary is the core's."""
    tx = odd_tx(rows_of(customers) + [r for r in extra if r[0] < len(customers)])
    for name, convert in CHEAP.items():
        check_engine(name, convert, tx, seed)


#: the defect's example: one customer's 10/3 beside another's 0.1 + 0.2
EXAMPLE = [(0, 1, 0.1), (0, 2, 0.2), (1, 3, 10 / 3), (2, 4, 0.1), (2, 5, 0.2)]


@pytest.mark.parametrize(
    "rows",
    [
        EXAMPLE,
        # the column's magnitudes pass 2**52 at its scale (no one scale), but
        # the small customers' own do not: their decimal sums
        [(0, 1, 1e16), (0, 2, 1e16), (1, 3, 0.1), (1, 4, 0.2), (2, 5, 0.7)],
        # one customer's own magnitudes pass 2**52: its binary sum
        [(0, 1, 4.5e15), (0, 2, 0.01), (0, 3, 0.02), (1, 4, 0.1), (1, 5, 0.2)],
        # 42042217574165.37 * 100 is the tie 4204221757416536.5: no decimal
        # at 100 with ties to even (NumPy), one with ties away (DuckDB), so
        # the sum with 0.01 is ...165.375 (binary), not ...165.38 (decimal)
        [(0, 1, 42042217574165.37), (0, 2, 0.01), (1, 3, 0.1), (1, 4, 1 / 3)],
    ],
)
def test_mixed_amounts_examples(rows: list[tuple[int, int, float]]) -> None:
    """The examples on every cheap engine, in three orders."""
    tx = odd_tx(rows)
    for name, convert in CHEAP.items():
        check_engine(name, convert, tx, 3)


def test_mixed_amounts_dask() -> None:
    """Dask (two partitions, one order: Dask is slow to start a query): the
    defect's example and a tie past 2**51."""
    tie = [(3, 6, 42042217574165.37), (3, 7, 0.01), (4, 8, 1e16)]
    tx = odd_tx([*EXAMPLE, *tie])
    ref = summarize_frame(tx, as_of="2024-03-01")
    rows = tx.iloc[::-1].reset_index(drop=True)
    got = summarize_frame(to_dask(rows), as_of="2024-03-01", output="pandas")
    np.testing.assert_array_equal(got["monetary"], ref["monetary"])
    assert got["monetary"].tolist()[:3] == [0.3, 10 / 3, 0.3]


def test_example_values() -> None:
    """The values themselves: 0.3 (not 0.30000000000000004) beside a 10/3,
    and the tie example's binary sum."""
    pl = pytest.importorskip("polars")
    got = summarize_frame(
        pl.from_pandas(odd_tx(EXAMPLE)), as_of="2024-03-01", output="pandas"
    )
    assert got["monetary"].tolist() == [0.3, 10 / 3, 0.3]
    duckdb = pytest.importorskip("duckdb")
    tx = odd_tx([(0, 1, 42042217574165.37), (0, 2, 0.01), (1, 3, 1 / 3)])
    got = summarize_frame(duckdb.from_df(tx), as_of="2024-03-01", output="pandas")
    assert got["monetary"].tolist() == [42042217574165.375, 1 / 3]


def test_engine_frame_is_exact_for_decimal_customers() -> None:
    """engine_facts' own frame (still in the engine) already has each decimal
    customer's exact sum, the same in any row order; collect_facts gives
    the core's for all."""
    pl = pytest.importorskip("polars")
    tx = odd_tx([*EXAMPLE, (3, 6, 1e16), (3, 7, 1.0), (3, 8, -1e16)])
    ref = summarize_frame(tx, as_of="2024-03-01")["monetary"].tolist()
    assert ref == [0.3, 10 / 3, 0.3, 1.0]
    for rows in (tx, tx.iloc[::-1]):
        ef = engines.engine_facts(pl.from_pandas(rows), as_of="2024-03-01")
        frame = ef.frame.sort("customer_id").collect().to_native()
        own = frame["monetary"].to_list()
        assert [own[0], own[2]] == [0.3, 0.3]
        assert engines.collect_facts(ef).monetary.tolist() == ref


def test_one_scale_is_still_one_query_column() -> None:
    """Amounts of one decimal scale (the common case) keep the lean plan: no
    per-customer columns in engine_facts' frame."""
    pl = pytest.importorskip("polars")
    tx = odd_tx([(0, 1, 0.1), (0, 2, 0.2), (1, 3, 19.99)])
    ef = engines.engine_facts(pl.from_pandas(tx), as_of="2024-03-01")
    assert ef.sums.scale == 100
    assert [c for c in ef.frame.collect_schema() if c.startswith("_")] == []


def test_spark_mixed_amounts(spark: Any) -> None:
    """Spark: the defect's example and a tie past 2**51, one order."""
    rows = [*EXAMPLE, (3, 6, 42042217574165.37), (3, 7, 0.01)]
    tx = odd_tx(rows)
    ref = summarize_frame(tx, as_of="2024-03-01")
    got = summarize_frame(
        spark_frame(spark, tx.iloc[::-1].reset_index(drop=True)),
        as_of="2024-03-01",
        output="pandas",
    )
    np.testing.assert_array_equal(got["monetary"], ref["monetary"])
    assert got["monetary"].tolist()[:3] == [0.3, 10 / 3, 0.3]


def test_thirds_mixed_into_a_decimal_customer() -> None:
    """A customer with cents and one third is summed in binary (its own
    amounts), the other in decimal."""
    pl = pytest.importorskip("polars")
    tx = odd_tx([(0, 1, 0.1), (0, 2, 0.2), (0, 3, 1 / 3), (1, 4, 0.1), (1, 5, 0.2)])
    ref = summarize_frame(tx, as_of="2024-03-01")["monetary"].to_numpy()
    got = summarize_frame(pl.from_pandas(tx), as_of="2024-03-01", output="pandas")
    np.testing.assert_array_equal(got["monetary"].to_numpy(), ref)
    assert ref[1] == 0.3


@pytest.mark.parametrize(
    ("rows", "shared", "ties"),
    [
        # cents, whole amounts and thirds: the decimal customers' sums all
        # at 100 (one sum and one flag a customer)
        (
            [(0, 1, 0.1), (0, 2, 0.2), (1, 3, 10 / 3), (2, 4, 7.0), (2, 5, 1.5)],
            True,
            False,
        ),
        # 8 places near 2e7 (no tie), three of them past 2**52 at 1e8: the
        # sums at each customer's own scale
        (
            [
                (0, 1, 20_000_000.12345678),
                (0, 2, 21_000_000.00000001),
                (0, 3, 19_000_000.5),
                (1, 4, 0.1),
                (1, 5, 0.2),
                (2, 6, 1 / 3),
            ],
            False,
            False,
        ),
        # past 2**51 at 1e8: every scale, ties to even
        (
            [(0, 1, 42042217574165.37), (0, 2, 0.01), (1, 3, 0.1), (1, 4, 1 / 3)],
            False,
            True,
        ),
    ],
)
def test_plans_of_mixed_columns(
    rows: list[tuple[int, int, float]], shared: bool, ties: bool
) -> None:
    """Which per-customer plan a mixed column gets, and the core's sums from
    each, in three orders on every cheap engine."""
    pl = pytest.importorskip("polars")
    tx = odd_tx(rows)
    plan = engines.engine_facts(pl.from_pandas(tx), as_of="2024-03-01").sums
    assert (plan.scale, plan.shared, plan.ties) == (None, shared, ties)
    assert plan.scales == (5 if ties else 2 if shared else 5)
    for name, convert in CHEAP.items():
        check_engine(name, convert, tx, 5)
