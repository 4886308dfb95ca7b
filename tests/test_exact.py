"""Decimal amounts give the same sums, scores and classes whatever the order
of the rows and whatever the unit (custseg._exact): the class of failure
"float sums depend on the row order" and "boundaries decided by binary
rounding"."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg._exact import (
    RunningSums,
    decimal_scale,
    decimal_sums,
    exact_share_below,
    exact_sums,
    mixed_sums,
    order_sums,
    ordered_sums,
)

# amounts as money is written: up to 2 places (refunds too), or 3-4 places
CENTS = st.integers(-(10**8), 10**8).map(lambda c: c / 100)
PLACES = st.sampled_from([0, 1, 2, 3, 4])


@st.composite
def decimals(draw: st.DrawFn, min_size: int = 1, max_size: int = 40) -> list[float]:
    places = draw(PLACES)
    ints = draw(st.lists(st.integers(-10**9, 10**9), min_size=min_size,
                         max_size=max_size))  # fmt: skip
    return [float(Decimal(i).scaleb(-places)) for i in ints]


def _exact_sum(values: list[float]) -> float:
    """The correctly rounded sum of the decimals the values print as."""
    return float(sum((Fraction(repr(x)) for x in values), Fraction(0)))


class TestDecimalScale:
    @given(decimals())
    def test_a_scale_is_found_for_decimals_of_few_places(self, values) -> None:
        scale = decimal_scale(np.array(values))
        assert scale is not None
        ints = np.rint(np.array(values) * scale)
        assert (ints / scale == np.array(values)).all()

    @pytest.mark.parametrize(
        "values", [[1 / 3], [0.1, np.pi], [np.nan], [np.inf], [1e300], [0.123456789]]
    )
    def test_none_where_no_scale_is_exact(self, values) -> None:
        assert decimal_scale(np.array(values)) is None

    def test_none_past_the_exact_range(self) -> None:
        """Sums whose magnitudes pass 2**52 in the last place: no scale."""
        assert decimal_scale(np.array([2.0**51, 2.0**51])) is None
        assert decimal_scale(np.array([2.0**50, 2.0**50])) == 1


class TestOrderFreeSums:
    @settings(max_examples=200, deadline=None)
    @given(decimals(max_size=60), st.integers(1, 5), st.randoms(use_true_random=False))
    def test_sums_are_exact_and_order_free(self, values, k, rnd) -> None:
        codes = np.array([rnd.randrange(k) for _ in values])
        arr = np.array(values)
        scale = decimal_scale(arr)
        assert scale is not None
        got = decimal_sums(arr, codes, k, scale)
        perm = np.array(rnd.sample(range(len(values)), len(values)))
        again = decimal_sums(arr[perm], codes[perm], k, scale)
        assert got.tolist() == again.tolist()
        for j in range(k):
            assert got[j] == _exact_sum(
                [x for x, c in zip(values, codes, strict=True) if c == j]
            )

    @settings(max_examples=100, deadline=None)
    @given(decimals(max_size=50), st.randoms(use_true_random=False))
    def test_summarize_and_btyd_are_order_free(self, values, rnd) -> None:
        """The same rows in any order: bit-identical monetary (summarize,
        btyd_summary, segment_history), the exact decimal sum."""
        assume(max(values) >= 0)  # a purchase to fit segment_history's edges on
        n = len(values)
        ids = [f"c{rnd.randrange(4)}" for _ in range(n)]
        days = [f"2024-01-{rnd.randrange(1, 28):02d}" for _ in range(n)]
        perm = rnd.sample(range(n), n)

        def run(order: list[int]):
            i = [ids[j] for j in order]
            d = [days[j] for j in order]
            a = [values[j] for j in order]
            facts = custseg.summarize(i, d, a, as_of="2024-02-01")
            btyd = custseg.btyd_summary(i, d, a, observation_end="2024-02-01")
            hist = custseg.segment_history(i, d, a, ["2024-02-01"])
            return (
                facts.monetary.tolist(),
                btyd.monetary_value.tolist(),
                [f.monetary.tolist() for f in hist.facts],
            )

        first = run(list(range(n)))
        assert run(perm) == first
        facts = custseg.summarize(ids, days, values, as_of="2024-02-01")
        for cid, m in zip(
            facts.customer_id.tolist(), facts.monetary.tolist(), strict=True
        ):
            assert m == _exact_sum(
                [x for x, c in zip(values, ids, strict=True) if c == cid]
            )

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.floats(-1e6, 1e6, allow_nan=False),  # many digits: 1/3, pi
                st.sampled_from([1e16, -1e16, 2.0**53, 1 / 3, 0.1, -0.0]),
            ),
            min_size=1,
            max_size=40,
        ),
        st.randoms(use_true_random=False),
    )
    def test_non_decimal_amounts_are_order_free_too(self, values, rnd) -> None:
        """Amounts with no decimal scale (many digits, or past 2**52 in the
        last place): still the same monetary bit for bit in any row order,
        in summarize, btyd_summary, segment_history and fit_value_tiers."""
        assume(max(values) > 0)
        n = len(values)
        ids = [f"c{rnd.randrange(3)}" for _ in range(n)]
        days = [f"2024-01-{rnd.randrange(1, 5):02d}" for _ in range(n)]
        days[values.index(max(values))] = "2024-01-01"  # a purchase by the 2nd
        perm = rnd.sample(range(n), n)

        def run(order: list[int]):
            i = [ids[j] for j in order]
            d = [days[j] for j in order]
            a = [values[j] for j in order]
            facts = custseg.summarize(i, d, a, as_of="2024-02-01")
            btyd = custseg.btyd_summary(i, d, a, observation_end="2024-02-01")
            hist = custseg.segment_history(i, d, a, ["2024-01-02", "2024-02-01"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", custseg.CustsegWarning)
                tiers = custseg.fit_value_tiers(
                    [float(j % 4) for j in order], ["strong"] * n, a, a_share=0.3
                )
            return (
                facts.monetary.tolist(),
                btyd.monetary_value.tolist(),
                [f.monetary.tolist() for f in hist.facts],
                (tiers.assets_large, tiers.assets_medium),
            )

        assert run(perm) == run(list(range(n)))

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.one_of(st.floats(0, 1e6), st.sampled_from([0.1, 0.2, 0.3, 1 / 3])),
            min_size=1,
            max_size=40,
        ),
        st.randoms(use_true_random=False),
    )
    def test_segment_summary_revenue_is_order_free(self, money, rnd) -> None:
        """segment_summary's revenue, shares and means: the same for the
        customers in any order (decimal or not)."""
        n = len(money)
        labels = np.array([rnd.choice("abc") for _ in range(n)])
        facts = pd.DataFrame(
            {"recency_days": [float(j % 7) for j in range(n)],
             "frequency": [1 + j % 3 for j in range(n)], "monetary": money}
        )  # fmt: skip
        perm = rnd.sample(range(n), n)
        a = custseg.segment_summary(labels, facts)
        b = custseg.segment_summary(
            labels[perm], facts.iloc[perm].reset_index(drop=True)
        )
        pd.testing.assert_frame_equal(a, b, check_exact=True)

    def test_the_audit_s_case(self) -> None:
        """[0.1, 0.2, 0.3] and its reverse: 0.6 both; and in segment, two
        customers showing 0.6 share their M score whatever the row order."""
        f1 = custseg.summarize(["a"] * 3, ["2024-03-01"] * 3, [0.1, 0.2, 0.3],
                               as_of="2024-04-01")  # fmt: skip
        f2 = custseg.summarize(["a"] * 3, ["2024-03-01"] * 3, [0.3, 0.2, 0.1],
                               as_of="2024-04-01")  # fmt: skip
        assert f1.monetary.tolist() == f2.monetary.tolist() == [0.6]
        df = pd.DataFrame({
            "customer_id": ["x", "x", "x", "y"],
            "date": ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-03"],
            "amount": [0.1, 0.2, 0.3, 0.6],
        })  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            a = custseg.segment(df, as_of="2024-04-01").customers
            b = custseg.segment(df.iloc[[2, 1, 0, 3]], as_of="2024-04-01").customers
        pd.testing.assert_frame_equal(a, b)
        assert a.loc["x", "m"] == a.loc["y", "m"]


def _abc_reference(values: list[float], a: float, b: float) -> list[str]:
    """The documented rule in exact arithmetic: sort highest first; a
    customer is A when the value before it (ties together) is below a of
    the total, B below b, else C; no positive value: C."""
    exact = [Fraction(repr(x)) for x in values]
    pos = sorted({x for x in exact if x > 0}, reverse=True)
    total = sum((x for x in exact if x > 0), Fraction(0))
    before = {}
    run = Fraction(0)
    for x in pos:
        before[x] = run
        run += x * sum(1 for y in exact if y == x)
    fa, fb = Fraction(repr(a)), Fraction(repr(b))
    out = []
    for x in exact:
        if x <= 0:
            out.append("C")
        elif before[x] < fa * total:
            out.append("A")
        elif before[x] < fb * total:
            out.append("B")
        else:
            out.append("C")
    return out


class TestSharesInAnyUnit:
    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.integers(0, 2000), min_size=1, max_size=30).filter(any),
        st.sampled_from([(0.8, 0.95), (0.5, 0.9), (0.7, 0.8), (0.2, 0.5)]),
        st.sampled_from([1, 100, 1000, 10_000]),
    )
    def test_abc_follows_the_rule_in_any_unit(self, cents, cutoffs, unit) -> None:
        """Values in cents, in currency, in thousands: the same classes, and
        those of the documented rule in exact arithmetic (a customer preceded
        by exactly 80% is B)."""
        values = [float(Decimal(c) / Decimal(unit)) for c in cents]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            got = custseg.abc_classes(values, cutoffs).to_numpy().tolist()
            base = custseg.abc_classes([float(c) for c in cents], cutoffs)
        assert got == base.to_numpy().tolist()
        assert got == _abc_reference(values, *cutoffs)

    def test_the_audit_s_abc_cases(self) -> None:
        assert custseg.abc_classes([0.05, 0.03, 0.02, 0]).to_numpy().tolist() == [
            "A", "A", "B", "C",
        ]  # fmt: skip
        assert custseg.abc_classes(
            [2.2, 0.5, 1.3, 2.1, 0.7, 0.2]
        ).to_numpy().tolist() == ["A", "B", "A", "A", "B", "C"]

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.integers(1, 500), min_size=2, max_size=12),
        st.sampled_from([0.1, 0.2, 0.3, 0.45]),
        st.sampled_from([1, 100, 1000]),
    )
    def test_value_tiers_in_any_unit(self, cents, share, unit) -> None:
        """fit_value_tiers: the same thresholds whatever the revenue's unit."""
        assets = list(range(len(cents), 0, -1))
        revenue = [float(Decimal(c) / Decimal(unit)) for c in cents]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            got = custseg.fit_value_tiers(assets, ["strong"] * len(cents), revenue,
                                          a_share=share)  # fmt: skip
            base = custseg.fit_value_tiers(assets, ["strong"] * len(cents),
                                           [float(c) for c in cents], a_share=share)  # fmt: skip
        assert got.assets_large == base.assets_large
        assert got.assets_medium == base.assets_medium


class TestOrderedSums:
    @given(
        st.lists(st.floats(-1e300, 1e300, allow_nan=False), max_size=40),
        st.integers(1, 4),
        st.randoms(use_true_random=False),
    )
    def test_the_same_sums_in_any_order(self, values, k, rnd) -> None:
        codes = np.array([rnd.randrange(k) for _ in values], dtype=np.intp)
        arr = np.array(values, dtype=np.float64)
        perm = np.array(rnd.sample(range(len(values)), len(values)), dtype=np.intp)
        with np.errstate(over="ignore", invalid="ignore"):
            got = ordered_sums(arr, codes, k)
            again = ordered_sums(arr[perm], codes[perm], k)
        np.testing.assert_array_equal(got, again)
        if exact_sums(arr, codes, k) is None:
            return  # too many binary places: the ascending sums
        for c in range(k):  # else each sum is the exact one, rounded once
            part = [x for x, cc in zip(values, codes, strict=True) if cc == c]
            try:  # the exact sum, rounded once (fsum can overflow midway)
                want = float(sum(map(Fraction, part), Fraction(0)))
            except OverflowError:
                want = math.inf
            assert abs(got[c]) == abs(want) if math.isinf(want) else got[c] == want
            assert math.copysign(1.0, got[c]) == 1.0 or got[c] != 0


class TestExactSums:
    @settings(max_examples=400)
    @given(
        st.lists(
            st.one_of(
                st.floats(-1e6, 1e6).filter(lambda x: x == 0 or abs(x) > 1e-12),
                st.floats(-1e-6, 1e-6).filter(lambda x: x == 0 or abs(x) > 1e-12),
                st.integers(-(2**60), 2**60).map(float),
                st.sampled_from([0.0, -0.0, 1e16, -1e16, 2.0**53, 1 / 3, 0.1]),
            ),
            max_size=50,
        ),
        st.integers(1, 5),
        st.randoms(use_true_random=False),
    )
    def test_fsum_per_code_in_any_order(self, values, k, rnd) -> None:
        """Sums of amounts spanning up to ~150 binary places are exact, rounded
        once (math.fsum's), whatever the order; an empty or zero sum is +0.0."""
        codes = np.array([rnd.randrange(k) for _ in values], dtype=np.intp)
        arr = np.array(values, dtype=np.float64)
        got = exact_sums(arr, codes, k)
        assert got is not None
        perm = np.array(rnd.sample(range(len(values)), len(values)), dtype=np.intp)
        np.testing.assert_array_equal(got, exact_sums(arr[perm], codes[perm], k))
        for c in range(k):
            want = math.fsum(x for x, cc in zip(values, codes, strict=True) if cc == c)
            assert got[c] == want
            if want == 0:
                assert math.copysign(1.0, got[c]) == 1.0
        whole = exact_sums(arr, None, 1)
        assert whole is not None and whole[0] == math.fsum(values)

    def test_large_row_counts_narrow_the_limbs(self) -> None:
        """A million rows of one code: the limbs' sums stay exact."""
        rng = np.random.default_rng(5)
        arr = rng.lognormal(3, 2, 1_000_000) * np.where(
            rng.random(1_000_000) < 0.3, -1, 1
        )
        got = exact_sums(arr, np.zeros(len(arr), dtype=np.intp), 1)
        assert got is not None and got[0] == math.fsum(arr.tolist())

    def test_too_many_places_or_not_finite(self) -> None:
        assert exact_sums(np.array([1e300, 1e-300]), None, 1) is None
        assert exact_sums(np.array([1.0, np.inf]), None, 1) is None
        assert exact_sums(np.array([1.0, np.nan]), None, 1) is None
        assert exact_sums(np.array([5e-324, 1.0]), None, 1) is None
        assert exact_sums(np.array([]), None, 1).tolist() == [0.0]


class TestExactShare:
    @given(st.lists(st.integers(0, 10**6)), st.integers(1, 10**6),
           st.integers(1, 99))  # fmt: skip
    def test_against_fractions(self, nums, total, pct) -> None:
        share = pct / 100
        got = exact_share_below(np.array(nums, dtype=np.int64), total, share)
        assert got is not None
        assert got.tolist() == [Fraction(x, total) < Fraction(pct, 100) for x in nums]


# amounts whose orders and customers mix decimal and binary sums: decimals
# that cancel as decimals (0.1 + 0.2 - 0.3), thirds, neighbours of decimals,
# quantity times price products (3 * 0.29), magnitudes far apart, and
# decimals whose scaled sums pass 2**52
ORDER_POOLS = {
    "cancelling": [0.1, 0.2, -0.3, 1 / 3, -1 / 3, -0.30000000000000004, 0.0, 3 * 0.29],
    "scales": [19.99, -19.99, 0.125, 0.0001, 12.0, 3 * 0.29, -0.87, 1e-8],
    "large": [1e16, -1e16, 1.0, -1.0, 0.5, 1 / 3, 2.0**-30, 4e15],
    "wide decimals": [1e7, -1e7, 0.01, 1e-8, -1e-8, 2.5e7, 0.3, -0.1],
}


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=60
    ),
    owner=st.lists(st.integers(0, 3), min_size=8, max_size=8),
    pool=st.sampled_from(list(ORDER_POOLS)),
)
@example(  # 1e16 + 1 - 1e16: decimals of one order past 2**52, summed in binary
    lines=[(0, 0), (0, 2), (0, 1)], owner=[0] * 8, pool="large"
)
def test_order_sums_are_mixed_sums_at_both_levels(
    lines: list[tuple[int, int]], owner: list[int], pool: str
) -> None:
    """order_sums: each order's sign and each customer's sum as mixed_sums
    gives them per order and per customer from the lines, bit for bit; None
    only past its bounds."""
    amounts = ORDER_POOLS[pool]
    values = np.array([amounts[a] for _, a in lines])
    _, orders = np.unique([o for o, _ in lines], return_inverse=True)
    n_orders = int(orders.max()) + 1
    firsts = [
        next(o for o, _ in lines if u == o) for u in sorted({o for o, _ in lines})
    ]
    _, customers = np.unique([owner[o] for o in firsts], return_inverse=True)
    n_customers = int(customers.max()) + 1
    got = order_sums(values, orders, n_orders, customers, n_customers)
    if got is None:
        assert pool in ("large", "wide decimals")  # past the rescaling bound
        return
    signs, sums = got
    per_order = mixed_sums(values, orders, n_orders)
    assert signs.tolist() == np.sign(per_order).tolist()
    per_customer = mixed_sums(values, customers[orders], n_customers)
    assert sums.tolist() == per_customer.tolist()
    assert [math.copysign(1, x) for x in sums] == [
        math.copysign(1, x) for x in per_customer
    ]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 7)), min_size=0, max_size=60
    ),
    cuts=st.lists(st.integers(0, 60), max_size=5),
    pool=st.sampled_from(list(ORDER_POOLS)),
)
@example(  # 1e16 + 1 - 1e16: decimals past 2**52 together, summed in binary
    rows=[(0, 0), (0, 2), (0, 1)], cuts=[1, 2], pool="large"
)
@example(  # a third arrives after the decimals: the customer turns binary
    rows=[(0, 0), (0, 1), (0, 3), (1, 1)], cuts=[2], pool="cancelling"
)
def test_running_sums_are_mixed_sums_of_the_rows_so_far(
    rows: list[tuple[int, int]], cuts: list[int], pool: str
) -> None:
    """RunningSums: after each batch of rows, the sums are mixed_sums of all
    the rows added so far, bit for bit (the sign of zero too), whatever
    decides each code (scales growing, a binary row arriving late, scaled
    magnitudes passing 2**52 only together)."""
    amounts = ORDER_POOLS[pool]
    codes = np.array([c for c, _ in rows], dtype=np.intp)
    values = np.array([amounts[a] for _, a in rows], dtype=np.float64)
    run = RunningSums.for_values(values, 5)
    assert run is not None
    bounds = sorted({min(c, len(rows)) for c in cuts} | {len(rows)})
    start = 0
    for stop in bounds:
        run.add(values[start:stop], codes[start:stop])
        got, want = run.sums(), mixed_sums(values[:stop], codes[:stop], 5)
        assert got.tolist() == want.tolist()
        assert np.signbit(got).tolist() == np.signbit(want).tolist()
        start = stop


def test_running_sums_refuse_what_one_plan_cannot_hold() -> None:
    """Not finite, or 1e300 beside 1e-300: None (the caller sums each
    prefix instead)."""
    assert RunningSums.for_values(np.array([1.0, np.inf]), 1) is None
    assert RunningSums.for_values(np.array([1e300, 1e-300]), 1) is None
    zeros = RunningSums.for_values(np.array([0.0, -0.0]), 1)
    assert zeros is not None
    zeros.add(np.array([0.0, -0.0]), np.array([0, 0]))
    assert zeros.sums().tolist() == [0.0]


def test_order_sums_refuse_to_rescale_past_2_50() -> None:
    """An order of cents beside another of 8 places, one customer: the
    cents rescaled by 10**6 would pass 2**50, so order_sums says None (sum
    each level apart) rather than risk a unit."""
    values = np.array([1e-8, 2e7 + 0.01])
    assert order_sums(values, np.array([0, 1]), 2, np.array([0, 0]), 1) is None
    small = np.array([1e-8, 2e3 + 0.01])
    signs, sums = order_sums(small, np.array([0, 1]), 2, np.array([0, 0]), 1)
    assert signs.tolist() == [1.0, 1.0]
    assert sums.tolist() == mixed_sums(small, np.array([0, 0]), 1).tolist()
