"""The fifth audit's defects fixed by the lead: each customer's sum from its
own amounts, Period dates, ids compared exactly in every pairing, Polars
Series in the classifiers, and no process state left behind by threads."""

from __future__ import annotations

import math
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import lifecycle, playbook, relationship
from custseg._exact import limb_plan, mixed_sums, order_free_sums, row_scales
from custseg._threads import shared
from custseg.errors import InputError
from custseg.segments import segment_summary

# ---------------------------------------------------------------------------
# a customer's sum depends on its own amounts only

CENTS = st.integers(-(10**7), 10**7).map(lambda c: c / 100)
ODD = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    st.sampled_from([10 / 3, 1e-300, 1e300, -1e16, 1e16, 1.0, 2.0**-60, 0.1]),
)


def _own_sum(values: list[float]) -> float:
    """The documented answer: the decimal sum when every amount is a
    decimal of at most 8 places (and their scaled magnitudes stay below
    2**52), else the correctly rounded binary sum."""
    scales = row_scales(np.array(values))
    if (scales < 5).all():
        s = 10 ** [0, 2, 4, 6, 8][int(scales.max())]
        if sum(abs(round(v * s)) for v in values) < 2**52:
            return float(sum(Decimal(repr(v)) for v in values))
    return math.fsum(values)


@settings(max_examples=150, deadline=None)
@given(
    mine=st.lists(st.one_of(CENTS, ODD), min_size=1, max_size=8),
    others=st.lists(st.one_of(CENTS, ODD), max_size=12),
    seed=st.integers(0, 2**32 - 1),
)
@example(mine=[0.1, 0.2], others=[10 / 3], seed=0)
@example(mine=[1e16, 1.0, -1e16], others=[1e-300], seed=0)
@example(mine=[-1.797693134862316e306, 1.5], others=[], seed=0)  # x * 100 is inf
def test_a_customer_s_sum_is_its_own(
    mine: list[float], others: list[float], seed: int
) -> None:
    values = np.array(mine + others)
    codes = np.array([0] * len(mine) + list(range(1, len(others) + 1)))
    alone = order_free_sums(np.array(mine), np.zeros(len(mine), np.intp), 1)[0]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(values))
    beside = order_free_sums(values[order], codes[order], len(others) + 1)[0]
    assert beside == alone or (math.isnan(beside) and math.isnan(alone))
    nonzero = [abs(v) for v in mine if v]
    if not nonzero or limb_plan(max(nonzero), min(nonzero), len(values)):
        assert alone == _own_sum(mine)  # else its own span is too wide: sorted


def test_summarize_monetary_from_the_customer_s_own_amounts() -> None:
    dates = ["2024-01-01"] * 3
    alone = custseg.summarize(["x", "x"], dates[:2], [0.1, 0.2])
    beside = custseg.summarize(["x", "x", "y"], dates, [0.1, 0.2, 10 / 3])
    assert alone.monetary[0] == beside.monetary[0] == 0.3
    assert beside.monetary[1] == 10 / 3


def test_mixed_sums_keep_refunds_exact() -> None:
    codes = np.array([0, 0, 0, 1])
    out = mixed_sums(np.array([19.99, 5.01, -25.0, 1 / 3]), codes, 2)
    assert out.tolist() == [0.0, 1 / 3]


# ---------------------------------------------------------------------------
# Period dates

DAY_OR_LESS = st.sampled_from(["D", "h", "min", "s"])
LONGER = st.sampled_from(["W", "M", "Q", "Y"])


@settings(max_examples=30, deadline=None)
@given(freq=DAY_OR_LESS, start=st.integers(0, 10**6), n=st.integers(1, 6))
def test_short_periods_are_read_from_their_start(freq: str, start: int, n: int) -> None:
    periods = pd.Series(
        pd.period_range("2020-01-01", periods=start % 1000 + n, freq=freq)
    )
    periods = periods.iloc[-n:].reset_index(drop=True)
    ids = [f"c{i % 2}" for i in range(n)]
    got = custseg.summarize(ids, periods, [1.0] * n).to_pandas()
    want = custseg.summarize(ids, periods.dt.start_time, [1.0] * n).to_pandas()
    pd.testing.assert_frame_equal(got, want)
    as_list = custseg.summarize(ids, list(periods), [1.0] * n).to_pandas()
    pd.testing.assert_frame_equal(as_list, want)


@settings(max_examples=20, deadline=None)
@given(freq=LONGER, as_list=st.booleans())
def test_longer_periods_name_no_day(freq: str, as_list: bool) -> None:
    periods = pd.Series(pd.period_range("2024-01", periods=3, freq=freq))
    with pytest.raises(InputError, match="name no day") as err:
        custseg.summarize(
            ["a", "a", "b"], list(periods) if as_list else periods, [1.0] * 3
        )
    assert err.value.field == "date"
    with pytest.raises(InputError, match="names no day"):
        custseg.summarize(["a"], ["2024-01-05"], [1.0], as_of=periods[0])


def test_a_missing_period_is_a_missing_date() -> None:
    p = pd.Series([pd.Period("2024-12-01", "D"), pd.NaT], dtype="period[D]")
    with pytest.raises(InputError, match="missing dates"):
        custseg.summarize(["a", "b"], p, [1.0, 2.0])


# ---------------------------------------------------------------------------
# ids compared exactly wherever two inputs are paired

BIG = 2**53


@pytest.mark.parametrize("case", ["segment_summary", "actions", "relationship_gap"])
def test_ids_past_2_53_are_not_paired_through_float(case: str) -> None:
    ints = pd.Index([BIG + 1, 5])
    floats = pd.Index([float(BIG), 5.0])
    with pytest.raises(InputError, match="different index"):
        if case == "segment_summary":
            facts = pd.DataFrame(
                {
                    "recency_days": [1.0, 2.0],
                    "frequency": [1, 2],
                    "monetary": [5.0, 6.0],
                },
                index=floats,
            )
            segment_summary(pd.Series(["a", "b"], index=ints), facts)
        elif case == "actions":
            playbook.actions(
                pd.Series(["active", "lost"], index=ints),
                playbook.default_playbook("lifecycle"),
                recency_days=pd.Series([1.0, 400.0], index=floats),
            )
        else:
            relationship.relationship_gap(
                pd.Series(["basic", "basic"], index=ints),
                pd.Series(["basic", "basic"], index=floats),
            )


TEXT_DTYPES = ["object", "str", "string[python]", "category"]


@settings(max_examples=25, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=5, unique=True),
    a=st.sampled_from([*TEXT_DTYPES, "arrow", "large"]),
    b=st.sampled_from([*TEXT_DTYPES, "arrow", "large"]),
)
def test_the_same_text_ids_in_any_dtype_pair(ids: list[str], a: str, b: str) -> None:
    pa = pytest.importorskip("pyarrow")

    def index(kind: str) -> pd.Index:
        if kind == "arrow":
            return pd.Index(ids, dtype=pd.ArrowDtype(pa.string()))
        if kind == "large":
            return pd.Index(ids, dtype=pd.ArrowDtype(pa.large_string()))
        return pd.Index(ids, dtype=kind)

    n = len(ids)
    rec = pd.Series(np.arange(n, dtype=float), index=index(a))
    freq = pd.Series(np.ones(n, dtype=int), index=index(b))
    out = lifecycle.customer_status(freq, rec, rec)
    assert len(out) == n
    shuffled = pd.Series(np.ones(n, dtype=int), index=index(b)[::-1])
    if n > 1:
        with pytest.raises(InputError, match="different index"):
            lifecycle.customer_status(shuffled, rec, rec)


# ---------------------------------------------------------------------------
# Polars Series in the classifiers


def test_polars_series_give_the_pandas_answers() -> None:
    pl = pytest.importorskip("polars")
    from custseg import loyalty, value

    days = [1.0, None, 400.0, 95.0]
    cases = [
        (lifecycle.lifecycle_stage, (days,)),
        (lifecycle.care_phase, ([3.0, 40.0, None, 400.0],)),
        (loyalty.nps_band, ([9, 3, None, 7],)),
        (
            value.conversion_readiness,
            (["yes", "no", None, "yes"], [True] * 4, [True] * 4, [True] * 4),
        ),
    ]
    for fn, columns in cases:
        as_pl = fn(*(pl.Series(c) for c in columns)).to_numpy().tolist()
        as_pd = fn(*(pd.Series(c) for c in columns)).to_numpy().tolist()
        assert as_pl == as_pd, fn.__name__


# ---------------------------------------------------------------------------
# nothing left behind by calls from several threads


def test_text_dates_in_threads_leave_the_warning_filters_alone() -> None:
    before = list(warnings.filters)
    dates = [f"2024-01-{1 + i % 28:02d} 10:00" for i in range(20_000)]
    ids = [i % 500 for i in range(20_000)]

    def run(_: int) -> float:
        return float(custseg.summarize(ids, dates, [1.0] * 20_000).monetary.sum())

    with ThreadPoolExecutor(8) as pool:
        totals = list(pool.map(run, range(16)))
    assert totals == [20_000.0] * 16
    assert warnings.filters == before


def test_abandoned_works_stop_and_leave_no_thread() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []

    def slow() -> int:
        started.set()
        release.wait(5)
        ran.append(1)
        return 1

    finish = shared(slow, lambda: ran.append(2))
    started.wait(5)
    release.set()
    finish.abandon()  # the second work never starts
    assert ran == [1]
    assert not [t for t in threading.enumerate() if t.name.startswith("custseg")]


@pytest.mark.parametrize("dtype", ["float64", "Float64", "double[pyarrow]", "Int64"])
def test_numbers_without_breaks_name_the_breaks_in_any_dtype(dtype: str) -> None:
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    n = pd.Series([42.0, 5.0], dtype=dtype)
    with pytest.raises(InputError, match="customers_breaks") as err:
        relationship.recommended_relationship(n, pd.Series([0.1, 0.5]))
    assert err.value.field == "n_customers"


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 40), st.one_of(CENTS, ODD)),
        min_size=1,
        max_size=25,
    ),
    seed=st.integers(0, 2**32 - 1),
)
@example(rows=[(0, 0, 0.1), (0, 0, 0.2), (1, 20, 10 / 3)], seed=0)
def test_history_monetary_is_summarize_s_at_each_date(
    rows: list[tuple[int, int, float]], seed: int
) -> None:
    from custseg.migration import segment_history

    rows = [r for r in rows if r[2] > 0] + [(0, 0, 5.0)]  # a buyer by the first cut
    rng = np.random.default_rng(seed)
    rows = [rows[i] for i in rng.permutation(len(rows))]
    ids = [r[0] for r in rows]
    dates = pd.to_datetime("2024-01-01") + pd.to_timedelta([r[1] for r in rows], "D")
    amounts = [r[2] for r in rows]
    cuts = ["2024-01-10", "2024-01-25", "2024-02-15"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = segment_history(ids, dates, amounts, cuts, bins=2)
    for day, facts in zip(cuts, history.facts, strict=True):
        keep = dates <= pd.Timestamp(day)
        if not keep.any():
            continue
        alone = custseg.summarize(
            [i for i, k in zip(ids, keep, strict=True) if k],
            dates[keep],
            [a for a, k in zip(amounts, keep, strict=True) if k],
            as_of=day,
        )
        got = dict(
            zip(facts.customer_id.tolist(), facts.monetary.tolist(), strict=True)
        )
        want = dict(
            zip(alone.customer_id.tolist(), alone.monetary.tolist(), strict=True)
        )
        assert {k: got[k] for k in want} == want


# ---------------------------------------------------------------------------
# user digits never made into huge Python ints


@settings(max_examples=200, deadline=None)
@given(digits=st.integers(0, 10**20), exponent=st.integers(-30, 30))
def test_decimal_inexact_matches_the_exact_rule(digits: int, exponent: int) -> None:
    from custseg._validate import decimal_inexact

    d = Decimal(digits).scaleb(exponent)
    text = str(digits).rstrip("0") or "0"
    places = exponent + len(str(digits)) - len(text)
    want = int(text) * 10 ** max(places, 0) > 2**53
    assert decimal_inexact(d) is want


@pytest.mark.parametrize(
    "amount", [Decimal("1e100000000"), Decimal("1" * 5000), Decimal("0." + "1" * 5000)]
)
def test_huge_decimals_are_refused_at_once(amount: Decimal) -> None:
    # (beyond float64's range, 1e308, said so since audit 28)
    with pytest.raises(InputError, match=r"beyond (2\*\*53|the range float64)"):
        custseg.summarize([1, 1], ["2024-01-01"] * 2, [amount, Decimal(1)])


def test_new_ids_after_ids_of_many_digits() -> None:
    from custseg.datasets import simulate_customers

    tx = pd.DataFrame(
        {
            "customer_id": ["P" + "9" * 5000, "P7"],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": [1.0, 2.0],
        }
    )
    out = simulate_customers(tx, seed=1, potential=1.0)
    new = [x for x in out["customer_id"] if x not in set(tx["customer_id"])]
    assert new and len(new) == len(set(new))
    assert all(x.startswith("P1") and len(x) == 5002 for x in new)


@settings(max_examples=20, deadline=None)
@given(ids=st.lists(st.integers(0, 10**6), min_size=1, max_size=6, unique=True))
def test_results_own_their_index(ids: list[int]) -> None:
    from custseg.groups import TagMatrix
    from custseg.labels import Labels

    n = len(ids)
    for given_ids in (np.array(ids), list(ids)):
        labels = Labels(np.zeros(n, np.int8), ("a",), index=given_ids)
        tags = TagMatrix(("t",), np.ones((n, 1), dtype=bool), index=given_ids)
        given_ids[0] = -1  # the caller edits its own array or list
        assert labels.to_pandas().index.tolist() == ids
        assert tags.to_pandas().index.tolist() == ids


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(st.sampled_from(" \tNnAa/-x"), max_size=12),
    pad=st.integers(0, 3),
)
def test_placeholder_check_by_length_first_is_the_same(text: str, pad: int) -> None:
    from custseg.groups import _fold_in
    from custseg.profile import _fold

    placeholders = frozenset({"n/a", "na", "-", "none"})
    padded = " " * pad + text + "\t" * pad
    assert _fold_in(padded, placeholders) is (_fold(padded) in placeholders)


def test_group_overlaps_refuses_more_tags_than_it_computes() -> None:
    from custseg.groups import MAX_TAGS, TagMatrix, group_overlaps

    k = MAX_TAGS + 1
    tags = TagMatrix(tuple(f"t{i}" for i in range(k)), np.eye(3, k, dtype=bool))
    with pytest.raises(InputError, match="at most") as err:
        group_overlaps(tags)
    assert err.value.field == "tags"
