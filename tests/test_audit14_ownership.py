"""Audit 14, P7: the value exchange of ``assign_owners`` is not quadratic in
the number of staff, and gives exactly the owners it gave before.

The exchange used to sort every staff member twice per step (``_pair``), and
the number of steps grows with the staff: 10,000 staff with per-staff
capacities took ~40 s. The reference below is that code, copied as it was:
the new one must pick the same pairs, so every result is the same.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import ownership
from custseg.ownership import assign_owners

# --------------------------------------------------------------------------
# the reference: _exchange and _pair as they were before the fix


def ref_pair(
    dev: np.ndarray, slack: np.ndarray, rank: np.ndarray, over: bool
) -> tuple[int, int]:
    if over:
        d = int(np.lexsort((rank, -(dev - slack)))[0])
        room = np.where(dev < dev[d], slack - dev, -np.inf)
        r = int(np.lexsort((rank, -room))[0])
    else:
        r = int(np.lexsort((rank, dev + slack))[0])
        room = np.where(dev > dev[r], dev + slack, -np.inf)
        d = int(np.lexsort((rank, -room))[0])
    return d, r


def ref_exchange(st_, plan, owner_pos, rank, budget):
    made = 0
    vs = st_.vs
    while budget is None or made < budget:
        dev = st_.book - plan.fair_book
        over = dev > plan.value_slack * (1 + 1e-9) + 1e-9
        under = dev < -plan.value_slack * (1 + 1e-9) - 1e-9
        if not (over.any() or under.any()):
            break
        d, r = ref_pair(dev, plan.value_slack, rank, bool(over.any()))
        gap = float(dev[d] - dev[r])
        if d == r or gap <= 0:
            break
        want_carry = min(
            gap / 2,
            max(dev[d] - plan.value_slack[d], -dev[r] - plan.value_slack[r]),
        )
        a = st_.books[d]
        va = vs[a]
        left = None if budget is None else budget - made
        bulk = ownership._bulk(st_, plan, owner_pos, d, r, want_carry, left)
        if bulk:
            made += bulk
            continue
        pick_a, pick_b = -1, -1
        if st_.count[d] > plan.lower[d] and st_.count[r] < plan.upper[r]:
            ok = (va > 0) & (va < gap)
            if ok.any():
                cand = np.flatnonzero(ok)
                pick_a = int(cand[np.argmin(np.abs(va[cand] - want_carry))])
        if pick_a < 0:
            if budget is not None and made + 2 > budget:
                break
            b = st_.books[r]
            vb = vs[b]
            if not len(a) or not len(b):
                break
            want = va - want_carry
            idx = np.searchsorted(-vb, -want)
            best, best_err = (-1, -1), math.inf
            for j in (np.clip(idx - 1, 0, len(vb) - 1), np.clip(idx, 0, len(vb) - 1)):
                delta = va - vb[j]
                good = (delta > 0) & (delta < gap)
                if good.any():
                    err = np.where(good, np.abs(delta - want_carry), np.inf)
                    m = int(np.argmin(err))
                    if err[m] < best_err:
                        best, best_err = (m, int(j[m])), float(err[m])
            if best[0] < 0:
                break
            pick_a, pick_b = best
        x = int(a[pick_a])
        y = int(st_.books[r][pick_b]) if pick_b >= 0 else -1
        ownership._move(st_, owner_pos, x, d, r)
        made += 1
        if y >= 0:
            ownership._move(st_, owner_pos, y, r, d)
            made += 1
    return made


def _run(exchange, kwargs, block=64):
    """The result of ``assign_owners(**kwargs)`` (or its error), with the old
    exchange when *exchange* is given, and blocks of the staff order as small
    as *block* (to split and empty them)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ownership, "_MIN_BLOCK", block, raising=False)
        if exchange is not None:
            m.setattr(ownership, "_exchange", exchange)
        try:
            res = assign_owners(**kwargs)
        except Exception as error:  # the same error either way
            return type(error), str(error)
    return (
        res.owner.codes.tolist(),
        res.change.codes.tolist(),
        res.count_after.tolist(),
        res.book_after.tolist(),
        res.n_moves,
    )


# --------------------------------------------------------------------------
# inputs: values with ties, zeros, decimals that round, now and then one
# large customer; capacities as a number, a sequence or a partial mapping;
# owners none, at random (some departed or missing), or skewed (the largest
# customers with the first staff, or the smallest with one of them: many
# exchanges, with someone above the slack or only someone below it);
# tolerances from 0 to well above 1 (so the slacks of staff with different
# capacities differ)

_VALUES = {
    "small whole": st.integers(0, 10).map(float),
    "cents": st.integers(50, 150).map(lambda c: c / 100),
    "floats": st.floats(0.5, 1.5),
    "wide": st.floats(0, 1e6, allow_nan=False),
}


@st.composite
def _inputs(draw, max_staff: int, max_customers: int):
    k = draw(st.integers(1, max_staff))
    staff = [f"s{i:03d}" for i in draw(st.permutations(range(k)))]
    n = draw(st.integers(0, max_customers))
    value = draw(
        st.lists(_VALUES[draw(st.sampled_from(list(_VALUES)))], min_size=n, max_size=n)
    )
    if n and draw(st.integers(0, 4)) == 0:  # one customer worth much more
        value[draw(st.integers(0, n - 1))] = draw(st.sampled_from([50.0, 1e4]))
    kwargs = {"value": value, "staff": staff}
    owners = draw(st.sampled_from(["none", "random", "departed", "skewed", "one poor"]))
    by_value = np.argsort(-np.asarray(value), kind="stable")
    if owners in ("random", "departed"):
        pool = [*staff, None] + (["gone"] if owners == "departed" else [])
        kwargs["current_owner"] = draw(
            st.lists(st.sampled_from(pool), min_size=n, max_size=n)
        )
    elif owners == "skewed":  # blocks of customers by value, staff in turn
        owner = np.empty(n, dtype=object)
        owner[by_value] = [staff[i * k // max(n, 1)] for i in range(n)]
        kwargs["current_owner"] = owner.tolist()
    elif owners == "one poor":  # the smallest customers with the first
        owner = np.array(
            draw(st.lists(st.sampled_from(staff), min_size=n, max_size=n)), dtype=object
        )
        owner[by_value[n - n // k :]] = staff[0]
        kwargs["current_owner"] = owner.tolist()
    kind = draw(st.sampled_from(["none", "number", "sequence", "mapping"]))
    if kind == "number":
        kwargs["capacity"] = max(-(-n // k), draw(st.integers(0, n + 1)))
    elif kind != "none":
        caps = draw(st.lists(st.integers(0, 2 * n // k + 2), min_size=k, max_size=k))
        short = n - sum(caps)
        if short > 0:  # enough room for everyone, spread at random
            for _ in range(short):
                caps[draw(st.integers(0, k - 1))] += 1
        if kind == "sequence":
            kwargs["capacity"] = caps
        else:
            unlimited = draw(st.lists(st.booleans(), min_size=k, max_size=k))
            kwargs["capacity"] = {
                s: c for s, c, u in zip(staff, caps, unlimited, strict=True) if not u
            }
    kwargs["tolerance"] = draw(st.sampled_from([0.0, 0.001, 0.01, 0.05, 0.3, 3.0]))
    if draw(st.booleans()):
        kwargs["max_moves"] = draw(st.integers(0, n + 2))
    if draw(st.booleans()):
        kwargs["customer_id"] = draw(st.permutations(range(n)))
    return kwargs


class TestSameOwnersAsBefore:
    @settings(max_examples=300, deadline=None)
    @given(_inputs(max_staff=8, max_customers=120), st.sampled_from([1, 64]))
    def test_small_inputs(self, kwargs, block):
        """Few staff: the new exchange gives the very result of the old one."""
        assert _run(None, kwargs, block) == _run(ref_exchange, kwargs)

    @settings(max_examples=60, deadline=None)
    @given(_inputs(max_staff=100, max_customers=2000), st.sampled_from([1, 64]))
    def test_medium_inputs(self, kwargs, block):
        """Up to 100 staff: the same results as the old exchange."""
        assert _run(None, kwargs, block) == _run(ref_exchange, kwargs)

    @pytest.mark.parametrize("seed", range(3))
    def test_many_staff_with_capacities(self, seed):
        """The shape of the report (40 customers each, capacities 2% above
        them, or a rebalance at 1%) at 400 staff: the same results."""
        rng = np.random.default_rng(seed)
        k, n = 400, 16_000
        value = np.round(rng.random(n) + 0.5, 2)
        staff = [f"s{i}" for i in range(k)]
        cap = rng.integers(1, 2 * n // k, k).astype(float)
        cap = np.ceil(cap * n * 1.02 / cap.sum()).astype(int)
        owner = np.array(staff, dtype=object)[rng.integers(0, k, n)]
        for kwargs in (
            {"value": value, "staff": staff, "capacity": cap},
            {"value": value, "staff": staff, "capacity": cap, "tolerance": 0.5},
            {"value": value, "staff": staff, "current_owner": owner, "tolerance": 0.01},
        ):
            assert _run(None, kwargs) == _run(ref_exchange, kwargs)


# --------------------------------------------------------------------------
# the staff order itself, against the two sorts it replaces


_OFFSETS = [-10.0, -3.0, -1.0, -0.5, -1e-17, 0.0, 1e-17, 0.2, 0.5, 1.0, 3.0, 10.0]


@st.composite
def _books_and_steps(draw):
    """Fair books, slacks, staff ranks, books, then book changes. Few
    distinct values, so every key ties; a slack of 1e6 among small ones (a
    staff member with far more room, on the wrong side of the other one);
    books a tiny amount off (the keys round alike)."""
    k = draw(st.one_of(st.integers(1, 8), st.integers(1, 80)))
    slacks = st.sampled_from([0.5, 1.0, 3.0, 1e6])
    slack = np.array(draw(st.lists(slacks, min_size=k, max_size=k)))
    fairs = st.sampled_from([0.0, 10.0, 10.1])
    fair = np.array(draw(st.lists(fairs, min_size=k, max_size=k)))
    offsets = st.sampled_from(_OFFSETS)
    book = fair + np.array(draw(st.lists(offsets, min_size=k, max_size=k)))
    rank = np.array(draw(st.permutations(range(k))), dtype=np.int64)
    steps = draw(st.lists(st.tuples(st.integers(0, k - 1), offsets), max_size=80))
    return slack, fair, book, rank, steps


def _plan(fair, slack):
    zeros = np.zeros(len(fair), dtype=np.int64)
    return ownership._Plan(fair * 0, fair, zeros, zeros, slack)


def _ref_choice(book, plan, rank):
    dev = book - plan.fair_book
    over = dev > plan.value_slack * (1 + 1e-9) + 1e-9
    under = dev < -plan.value_slack * (1 + 1e-9) - 1e-9
    if not (over.any() or under.any()):
        return None
    d, r = ref_pair(dev, plan.value_slack, rank, bool(over.any()))
    if d == r or float(dev[d] - dev[r]) <= 0:
        return None
    return d, r


class TestStaffOrder:
    @settings(max_examples=300, deadline=None)
    @given(_books_and_steps(), st.sampled_from([1, 2, 64]))
    def test_pairs_as_the_sorts(self, case, block):
        """After any sequence of book changes, the donor and receiver are
        those of the two sorts over every staff member (or none when those
        would stop the exchange); blocks as small as one are split and
        emptied."""
        slack, fair, book, rank, steps = case
        plan = _plan(fair, slack)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(ownership, "_MIN_BLOCK", block)
            order = ownership._StaffOrder(book, plan, rank)
        for j, b in [(None, None), *steps]:
            if j is not None:
                book[j] = fair[j] + b
                order.update(j, book)
            want = _ref_choice(book, plan, rank)
            d, r = order.pair()
            assert (None if d < 0 else (d, r)) == want

    @pytest.mark.parametrize(
        ("dev", "slack", "want"),
        [
            # 0 is above its slack; 1 has the most room below its slack but
            # a larger book than 0: the receiver is 2
            ([5.0, 6.0, -2.0], [1.0, 1e6, 1.0], (0, 2)),
            # nobody above; 0 is furthest below; 1 has the most room above
            # its slack but a smaller book than 0: the donor is 2
            ([-3.0, -10.0, 0.5], [1.0, 1e6, 1.0], (2, 0)),
            # within every slack: no pair
            ([0.5, -0.5, 0.0], [1.0, 1.0, 1.0], None),
            # 0 above its slack, but nobody has a smaller book: no pair
            ([-1.0, -1.0, 5.0], [1.0, 1e6, 1e6], None),
        ],
    )
    def test_partner_on_the_right_side(self, dev, slack, want):
        """The partner with the most room is skipped when its book is on the
        wrong side of the other one (capacities give staff different slacks)."""
        fair = np.full(len(dev), 10.0)
        book = fair + np.array(dev)
        plan = _plan(fair, np.array(slack))
        rank = np.arange(len(dev))
        assert _ref_choice(book, plan, rank) == want
        d, r = ownership._StaffOrder(book, plan, rank).pair()
        assert (None if d < 0 else (d, r)) == want


# --------------------------------------------------------------------------
# time


def _report_shape(k: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = 40 * k
    value = rng.random(n) + 0.5
    staff = [f"s{i}" for i in range(k)]
    cap = rng.integers(1, 2 * n // k, k).astype(float)
    cap = np.ceil(cap * n * 1.02 / cap.sum()).astype(int)
    owner = np.array(staff, dtype=object)[rng.integers(0, k, n)]
    return value, staff, cap, owner


def _cpu_seconds(call) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


class TestTime:
    def test_10000_staff_with_capacities(self):
        """10,000 staff x 40 customers, per-staff capacities: 1-3 s of CPU,
        about 4x the time of 2,500 staff (the old exchange re-sorted every
        staff member at each of its ~16,000 steps: ~18 s, 15-20x)."""
        times = {}
        for k in (2_500, 10_000):
            value, staff, cap, _ = _report_shape(k)
            times[k] = _cpu_seconds(
                lambda v=value, s=staff, c=cap: assign_owners(v, s, capacity=c)
            )
        assert times[10_000] < 12
        assert times[10_000] < 10 * times[2_500]

    def test_20000_staff_rebalance_at_one_percent(self):
        """A rebalance at tolerance 0.01 of 20,000 staff x 40 customers: 1-2 s
        of CPU (the old exchange: ~24 s)."""
        value, staff, _, owner = _report_shape(20_000, seed=1)
        seconds = _cpu_seconds(
            lambda: assign_owners(value, staff, current_owner=owner, tolerance=0.01)
        )
        assert seconds < 12
