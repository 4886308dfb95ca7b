"""Tests for custseg.ownership: owners for every customer, balanced and stable.

Reference: the guarantees written in ``assign_owners`` (and docs/ownership.md)
are checked by ``check_guarantees`` from first principles: fair counts by
bisection on the water level, the slack rules, capacities, one owner each.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels
from custseg.ownership import (
    CHANGES,
    Assignment,
    assign_owners,
    neglected,
    reassign_neglected,
)

STAFF = ("amy", "bo", "cy", "dee", "eve", "fay")


def ref_fair_counts(cap, n):
    """Water level by bisection: sum(min(cap, L)) == n."""
    cap = [math.inf if c is None else float(c) for c in cap]
    lo, hi = 0.0, float(n) + 1
    for _ in range(200):
        mid = (lo + hi) / 2
        if sum(min(c, mid) for c in cap) < n:
            lo = mid
        else:
            hi = mid
    return [min(c, hi) for c in cap]


def check_guarantees(res, value, staff, current_owner=None, capacity=None, tol=0.05):
    """Every documented invariant of an Assignment, recomputed by hand."""
    n, k = len(value), len(staff)
    owners = res.owner.to_numpy().tolist()
    assert len(owners) == n
    assert set(owners) <= {str(s) for s in staff}
    assert res.owner.names == tuple(str(s) for s in staff)
    assert res.staff == tuple(staff)  # as given
    counts = [owners.count(str(s)) for s in staff]
    books = [
        sum(float(x) for x, o in zip(value, owners, strict=True) if o == str(s))
        for s in staff
    ]
    assert res.count_after.tolist() == counts
    np.testing.assert_allclose(res.book_after, books, rtol=1e-9, atol=1e-6)
    caps = [None] * k if capacity is None else capacity
    for c, cap in zip(counts, caps, strict=True):
        assert cap is None or c <= cap
    # change labels say what happened
    prev = [None] * n if current_owner is None else list(current_owner)
    for i, (o, p, ch) in enumerate(
        zip(owners, prev, res.change.to_numpy().tolist(), strict=True)
    ):
        if p is None:
            assert ch == "assigned", i
        elif str(p) not in {str(s) for s in staff}:
            assert ch == "forced", i
        elif o == str(p):
            assert ch == "kept", i
        else:
            assert ch in ("moved", "forced"), i
    assert res.moved.tolist() == [
        c in ("moved", "forced") for c in res.change.to_numpy().tolist()
    ]
    # the balance figures and the flag agree with the definition
    if n:
        fair = ref_fair_counts(caps, n)
        total = float(sum(value))
        vmax = float(max(value))
        fair_book = [total * f / n for f in fair]
        np.testing.assert_allclose(res.fair_count, fair, atol=1e-6)
        count_ok = all(
            abs(c - f) <= max(tol * f, 1) + 1e-6
            for c, f in zip(counts, fair, strict=True)
        )
        value_ok = all(
            abs(b - g) <= max(tol * g, vmax) * (1 + 1e-9) + 1e-6
            for b, g in zip(books, fair_book, strict=True)
        )
        assert res.count_balanced == count_ok
        assert res.value_balanced == value_ok
        assert res.balanced == (count_ok and value_ok)
    return owners


# --------------------------------------------------------------------------
# strategies


@st.composite
def books(draw, with_owner=True, max_n=40, max_k=5):
    """(value, staff, current_owner, customer_id): integer-valued amounts so
    every sum is exact whatever the order."""
    k = draw(st.integers(1, max_k))
    staff = list(STAFF[:k])
    n = draw(st.integers(0, max_n))
    value = draw(
        st.lists(
            st.one_of(st.integers(0, 1000), st.sampled_from([0, 10, 500])),
            min_size=n,
            max_size=n,
        )
    )
    value = [float(x) for x in value]
    owners = None
    if with_owner:
        pool = [*staff, "gone", None]
        owners = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    ids = draw(st.permutations(list(range(1000, 1000 + n))))
    return value, staff, owners, list(ids)


@st.composite
def capacities(draw, staff, n):
    """Capacities (some unlimited) that together hold *n* customers."""
    caps = draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, max(n, 1))),
            min_size=len(staff),
            max_size=len(staff),
        )
    )
    if sum(math.inf if c is None else c for c in caps) < n:
        caps[0] = None
    return caps


# --------------------------------------------------------------------------
# assign_owners: examples


class TestAssignOwners:
    """assign_owners on small hand-made books."""

    def test_worked_example(self):
        """The docstring example: one left, one new hire, one without an owner."""
        res = assign_owners(
            [120, 110, 100, 90, 80, 70, 60, 50, 40],
            ["amy", "bo", "dee"],
            current_owner=["amy"] * 5 + ["bo", "cy", "cy", None],
            customer_id=[f"c{i}" for i in range(1, 10)],
        )
        assert res.n_forced == 2 and res.n_assigned == 1 and res.n_moves == 2
        assert res.count_after.tolist() == [3, 3, 3]
        assert res.balanced

    def test_fresh_deal_is_even(self):
        """No owners yet: counts differ by at most one, books by at most v_max."""
        rng = np.random.default_rng(3)
        value = rng.gamma(1.0, 100.0, size=1003)
        res = assign_owners(value, list("abcdefg"))
        assert res.count_after.max() - res.count_after.min() <= 1
        assert res.book_after.max() - res.book_after.min() <= value.max()
        assert res.n_assigned == 1003 and res.n_moves == 0 and res.balanced

    def test_owner_who_left_is_forced(self):
        """Customers of someone not on the staff move and are counted as forced."""
        res = assign_owners(
            [5, 5, 5, 5], ["a", "b"], current_owner=["a", "x", "b", "x"]
        )
        assert res.change.to_numpy().tolist() == ["kept", "forced", "kept", "forced"]
        assert res.n_forced == 2 and res.n_moves == 0
        assert res.count_before.tolist() == [1, 1]

    def test_numbers_and_text_are_one_id(self):
        """Staff 7 and owner '7' or 7.0 (a CSV column with blanks) are one id;
        the result holds the staff ids as given."""
        res = assign_owners([1, 1, 1], [7, 8], current_owner=["7", 7.0, np.nan])
        assert res.staff == (7, 8) and res.owner.names == ("7", "8")
        assert res.change.to_numpy().tolist()[:2] == ["kept", "kept"]
        assert res.change.to_numpy().tolist()[2] == "assigned"

    def test_missing_owner_kinds(self):
        """None, NaN and pandas NA all mean no owner; '' is an id (not staff)."""
        res = assign_owners(
            [1, 1, 1, 1], ["a"], current_owner=pd.Series([None, np.nan, pd.NA, ""])
        )
        assert res.change.to_numpy().tolist() == [
            "assigned",
            "assigned",
            "assigned",
            "forced",
        ]

    def test_labels_as_current_owner(self):
        """A previous result's owner Labels is accepted as current_owner."""
        first = assign_owners([3, 2, 1], ["a", "b"])
        again = assign_owners([3, 2, 1], ["a", "b"], current_owner=first.owner)
        assert again.owner == first.owner and again.n_moves == 0

    def test_max_moves_zero_still_places_orphans(self):
        """A budget of 0: nobody is moved to balance, the orphans still get owners."""
        res = assign_owners(
            [1] * 10, ["a", "b"], current_owner=["a"] * 8 + [None, "x"], max_moves=0
        )
        assert res.n_moves == 0 and res.n_assigned == 1 and res.n_forced == 1
        assert res.count_after.tolist() == [8, 2]
        assert not res.balanced

    def test_budget_is_split_over_the_overloaded(self):
        """A budget smaller than needed takes one move from each overloaded in turn."""
        res = assign_owners(
            [1] * 30,
            ["a", "b", "c"],
            current_owner=["a"] * 15 + ["b"] * 15,
            max_moves=4,
        )
        assert res.n_moves == 4
        assert res.count_after.tolist() == [13, 13, 4]

    def test_capacity_is_respected(self):
        """A capacity caps the count; the rest share the remainder evenly."""
        res = assign_owners([1] * 10, ["a", "b", "c"], capacity={"a": 2})
        assert res.count_after.tolist() == [2, 4, 4]
        assert res.fair_count.tolist() == [2, 4, 4]

    def test_over_capacity_is_forced(self):
        """An owner over a new capacity gives the excess up, as forced moves."""
        res = assign_owners(
            [1] * 6, ["a", "b"], current_owner=["a"] * 5 + ["b"], capacity=[3, None]
        )
        assert res.count_after.tolist() == [3, 3]
        assert res.n_forced == 2 and res.n_moves == 0

    def test_capacity_shortfall_says_by_how_much(self):
        """Capacities that cannot hold everyone: an error naming the shortfall."""
        with pytest.raises(
            ThresholdError, match="holds 3 customers in all, 5 to own: 2 short"
        ):
            assign_owners([1] * 5, ["a", "b"], capacity=[1, 2])

    def test_capacity_errors(self):
        """Capacities of unknown staff, negative, fractional or of a wrong length."""
        with pytest.raises(ThresholdError, match="not in 'staff'"):
            assign_owners([1], ["a"], capacity={"zed": 3})
        with pytest.raises(ThresholdError, match=r"\[0, inf\)"):
            assign_owners([1], ["a"], capacity=-1)
        with pytest.raises(ThresholdError, match="whole number"):
            assign_owners([1], ["a"], capacity=1.5)
        with pytest.raises(ThresholdError, match="one entry per staff"):
            assign_owners([1], ["a"], capacity=[1, 2])

    def test_duplicate_staff(self):
        """A staff id listed twice is an error naming it and both rows."""
        with pytest.raises(InputError, match=r"duplicate id 'a' \(rows 0 and 2\)"):
            assign_owners([1], ["a", "b", "a"])

    def test_staff_errors(self):
        """No staff, text instead of a list, a missing staff id."""
        with pytest.raises(InputError, match="is empty"):
            assign_owners([1], [])
        with pytest.raises(InputError, match="sequence of staff ids"):
            assign_owners([1], "amy")
        with pytest.raises(InputError, match="missing ids"):
            assign_owners([1], ["a", None])

    def test_duplicate_customers(self):
        """Duplicate customer ids are an error naming the first repeat."""
        with pytest.raises(InputError, match=r"duplicate customers \(first at row 2"):
            assign_owners([1, 2, 3], ["a"], customer_id=["x", "y", "x"])

    def test_duplicate_index_is_duplicate_customers(self):
        """A pandas value with a repeated index: the index is the customer id."""
        with pytest.raises(InputError, match="duplicate customers"):
            assign_owners(pd.Series([1, 2], index=["x", "x"]), ["a"])

    def test_ids_equal_only_when_equal(self):
        """'a' and 'a\\x00' are two customers; 1 and '1' cannot be ordered."""
        res = assign_owners([1, 2], ["s"], customer_id=["a", "a\x00"])
        assert len(res.owner) == 2
        with pytest.raises(InputError, match="missing ids"):
            assign_owners([1, 2], ["s"], customer_id=pd.Series(["a", None]))

    def test_mixed_id_kinds(self):
        """Ids of kinds that cannot be ordered are refused, not guessed."""
        with pytest.raises(InputError, match="mixes kinds"):
            assign_owners([1, 2], ["a"], customer_id=np.array([1, "x"], dtype=object))

    def test_value_errors(self):
        """Negative, missing, boolean values are refused with the row."""
        with pytest.raises(InputError, match=r"negative values \(first at row 1"):
            assign_owners([1, -1], ["a"])
        with pytest.raises(InputError, match="missing values"):
            assign_owners([1, float("nan")], ["a"])
        with pytest.raises(InputError, match="boolean"):
            assign_owners([True], ["a"])

    def test_parameter_errors(self):
        """Bad tolerance or move budget: ThresholdError in interval notation."""
        with pytest.raises(
            ThresholdError, match=r"'tolerance' must be a number in \[0, inf\)"
        ):
            assign_owners([1], ["a"], tolerance=-0.1)
        with pytest.raises(ThresholdError, match="'tolerance' must be a number"):
            assign_owners([1], ["a"], tolerance="5%")
        with pytest.raises(ThresholdError, match="'max_moves'"):
            assign_owners([1], ["a"], max_moves=-1)
        with pytest.raises(ThresholdError, match="'max_moves'"):
            assign_owners([1], ["a"], max_moves=2.5)

    def test_lengths_and_indexes(self):
        """Inputs of different lengths or indexes are refused."""
        with pytest.raises(InputError, match="rows"):
            assign_owners([1, 2], ["a"], current_owner=["a"])
        with pytest.raises(InputError, match="different index"):
            assign_owners(
                pd.Series([1, 2], index=[1, 2]),
                ["a"],
                current_owner=pd.Series(["a", "a"], index=[2, 1]),
            )

    def test_pandas_index_is_kept(self):
        """owner.to_pandas() and to_pandas() are on the input's index."""
        value = pd.Series([5.0, 1.0], index=pd.Index(["m2", "m1"], name="member"))
        res = assign_owners(value, ["a", "b"])
        assert res.owner.to_pandas().index.equals(value.index)
        frame = res.to_pandas()
        assert frame.index.equals(value.index)
        assert list(frame.columns) == ["owner", "moved", "change"]

    def test_empty(self):
        """No customers: an empty assignment, balanced."""
        res = assign_owners([], ["a", "b"])
        assert len(res.owner) == 0 and res.balanced
        assert res.count_after.tolist() == [0, 0]

    def test_workload_table(self):
        """workload(): one row per staff member, indexed by owner."""
        res = assign_owners([4, 3, 2, 1], ["a", "b"], current_owner=["a"] * 4)
        table = res.workload()
        assert table.index.name == "owner" and table.index.tolist() == ["a", "b"]
        assert table["customers_before"].tolist() == [4, 0]
        assert table["customers"].sum() == 4
        assert table["book"].sum() == 10

    def test_repr(self):
        """The repr names the counts of moves and the balance; HTML escapes."""
        res = assign_owners([1, 2], ["<a>", "b"])
        assert repr(res).startswith("Assignment(n=2 customers, 2 staff, moves=0")
        assert "&lt;a&gt;" in res._repr_html_()

    def test_inputs_not_mutated(self):
        """The inputs are left as they were."""
        value = np.array([3.0, 2.0, 1.0])
        owner = np.array(["a", "a", "a"], dtype=object)
        assign_owners(value, ["a", "b"], current_owner=owner)
        assert value.tolist() == [3.0, 2.0, 1.0] and owner.tolist() == ["a"] * 3

    def test_value_exchange_fixes_skewed_books(self):
        """Equal counts, one book far too rich: swaps restore the value balance."""
        value = [100.0] * 10 + [1.0] * 10
        owner = ["a"] * 10 + ["b"] * 10
        res = assign_owners(value, ["a", "b"], current_owner=owner, tolerance=0.0)
        assert res.balanced
        assert res.n_moves >= 1
        assert abs(res.book_after[0] - res.book_after[1]) <= 2 * 100


# --------------------------------------------------------------------------
# assign_owners: properties


class TestAssignOwnersProperties:
    """The guarantees, on generated books."""

    @settings(max_examples=150)
    @given(books())
    def test_guarantees_without_capacity(self, case):
        """One owner each, from the staff; balanced with no budget and no capacity."""
        value, staff, owner, ids = case
        res = assign_owners(value, staff, current_owner=owner, customer_id=ids)
        check_guarantees(res, value, staff, owner)
        assert res.balanced

    @settings(max_examples=150)
    @given(books(), st.data())
    def test_guarantees_with_capacity(self, case, data):
        """Capacities are never exceeded and counts are always balanced."""
        value, staff, owner, ids = case
        caps = data.draw(capacities(staff, len(value)))
        res = assign_owners(
            value, staff, current_owner=owner, customer_id=ids, capacity=caps
        )
        check_guarantees(res, value, staff, owner, capacity=caps)
        assert res.count_balanced

    @settings(max_examples=100)
    @given(books(), st.integers(0, 12), st.sampled_from([0.0, 0.05, 0.5]))
    def test_budget_is_respected_and_honest(self, case, budget, tol):
        """At most max_moves voluntary moves; 'balanced' is never claimed falsely."""
        value, staff, owner, ids = case
        res = assign_owners(
            value,
            staff,
            current_owner=owner,
            customer_id=ids,
            max_moves=budget,
            tolerance=tol,
        )
        assert res.n_moves <= budget
        check_guarantees(res, value, staff, owner, tol=tol)
        forced = sum(1 for o in owner if o == "gone")
        assert res.n_forced == forced
        assert res.n_assigned == sum(1 for o in owner if o is None)

    @settings(max_examples=100)
    @given(books(), st.integers(0, 10), st.integers(1, 10))
    def test_more_moves_never_worsen_the_workload(self, case, budget, more):
        """A larger max_moves never leaves more customers beyond the count allowance."""
        value, staff, owner, ids = case

        def beyond(res):
            dev = np.abs(res.count_after - res.fair_count) - res.count_slack
            return float(np.maximum(dev, 0).sum())

        fewer = assign_owners(
            value, staff, current_owner=owner, customer_id=ids, max_moves=budget
        )
        larger = assign_owners(
            value, staff, current_owner=owner, customer_id=ids, max_moves=budget + more
        )
        assert beyond(larger) <= beyond(fewer) + 1e-9
        unlimited = assign_owners(value, staff, current_owner=owner, customer_id=ids)
        assert beyond(unlimited) == 0

    @settings(max_examples=100)
    @given(books(), st.data())
    def test_no_move_when_balanced(self, case, data):
        """Re-running on a balanced result moves nobody and changes nothing."""
        value, staff, owner, ids = case
        caps = data.draw(st.one_of(st.none(), capacities(staff, len(value))))
        first = assign_owners(
            value, staff, current_owner=owner, customer_id=ids, capacity=caps
        )
        if not first.balanced:
            return
        again = assign_owners(
            value,
            staff,
            current_owner=first.owner.to_numpy(),
            customer_id=ids,
            capacity=caps,
        )
        assert again.n_moves == 0 and again.n_forced == 0
        assert set(again.change.to_numpy().tolist()) <= {"kept"}
        assert again.owner == first.owner

    @settings(max_examples=100)
    @given(books(), st.randoms(use_true_random=False), st.data())
    def test_order_equivariance(self, case, rnd, data):
        """Permuting the rows (and the staff list) permutes the result the same way."""
        value, staff, owner, ids = case
        caps = data.draw(st.one_of(st.none(), capacities(staff, len(value))))
        budget = data.draw(st.one_of(st.none(), st.integers(0, 5)))
        res = assign_owners(
            value,
            staff,
            current_owner=owner,
            customer_id=ids,
            capacity=caps,
            max_moves=budget,
        )
        perm = list(range(len(value)))
        rnd.shuffle(perm)
        sperm = list(range(len(staff)))
        rnd.shuffle(sperm)
        res2 = assign_owners(
            [value[i] for i in perm],
            [staff[j] for j in sperm],
            current_owner=[owner[i] for i in perm],
            customer_id=[ids[i] for i in perm],
            capacity=None if caps is None else [caps[j] for j in sperm],
            max_moves=budget,
        )
        got = dict(
            zip([ids[i] for i in perm], res2.owner.to_numpy().tolist(), strict=True)
        )
        want = dict(zip(ids, res.owner.to_numpy().tolist(), strict=True))
        assert got == want
        changes = dict(
            zip([ids[i] for i in perm], res2.change.to_numpy().tolist(), strict=True)
        )
        assert changes == dict(zip(ids, res.change.to_numpy().tolist(), strict=True))

    @settings(max_examples=60)
    @given(books(), st.randoms(use_true_random=False))
    def test_order_without_ids(self, case, rnd):
        """Without ids, customers alike in value and owner get the same owners."""
        value, staff, owner, _ = case
        res = assign_owners(value, staff, current_owner=owner)
        perm = list(range(len(value)))
        rnd.shuffle(perm)
        res2 = assign_owners(
            [value[i] for i in perm], staff, current_owner=[owner[i] for i in perm]
        )

        def groups(vals, owns, got):
            out: dict = {}
            for x, o, g in zip(vals, owns, got, strict=True):
                out.setdefault((x, o), []).append(g)
            return {key: sorted(gs) for key, gs in out.items()}

        assert groups(value, owner, res.owner.to_numpy().tolist()) == groups(
            [value[i] for i in perm],
            [owner[i] for i in perm],
            res2.owner.to_numpy().tolist(),
        )

    @settings(max_examples=60)
    @given(books(with_owner=False))
    def test_fresh_counts_differ_by_one(self, case):
        """Without owners and capacities, counts differ by at most one customer."""
        value, staff, _, ids = case
        res = assign_owners(value, staff, customer_id=ids)
        assert res.count_after.max() - res.count_after.min() <= 1
        assert res.n_assigned == len(value)


# --------------------------------------------------------------------------
# neglected


def ref_neglected(value, days, window, min_value=None, top_share=None):
    """Per customer: high value and (never contacted or days >= window)."""
    n = len(value)
    if min_value is not None:
        high = [x >= min_value for x in value]
    else:
        m = math.ceil(top_share * n - 1e-9)
        cut = sorted(value, reverse=True)[m - 1] if m else math.inf
        high = [x >= cut and x > 0 for x in value]  # worth 0: never high
    return [
        "neglected" if h and (d is None or math.isnan(d) or d >= window) else "ok"
        for h, d in zip(high, days, strict=True)
    ]


class TestNeglected:
    """neglected: high value and no contact within the window."""

    def test_window_is_half_open(self):
        """A contact window_days ago is outside the window; one day less is inside."""
        got = neglected([1, 1, 1], [29, 30, float("nan")], window_days=30, min_value=0)
        assert got.to_numpy().tolist() == ["ok", "neglected", "neglected"]

    def test_min_value_is_inclusive(self):
        """value == min_value counts as high value."""
        got = neglected([499.99, 500], [99, 99], window_days=30, min_value=500)
        assert got.to_numpy().tolist() == ["ok", "neglected"]

    def test_min_value_compares_decimals_exactly(self):
        """A Decimal book value (or an integer past 2**53) that float64
        rounds onto min_value is high value only when it is at least it."""
        from decimal import Decimal

        value = [Decimal("499.99999999999999999"), Decimal(500)]
        got = neglected(value, [99, 99], window_days=30, min_value=500)
        assert got.to_numpy().tolist() == ["ok", "neglected"]
        big = np.array([2**53 - 1, 2**53 + 1], dtype=np.int64)
        got = neglected(big, [99, 99], window_days=30, min_value=2**53)
        assert got.to_numpy().tolist() == ["ok", "neglected"]

    def test_dates(self):
        """Dates and as_of: days counted by calendar day."""
        got = neglected(
            [10, 10],
            ["2024-03-02T23:00", "2024-03-01"],
            "2024-03-31",
            window_days=30,
            min_value=1,
        )
        assert got.to_numpy().tolist() == ["ok", "neglected"]

    def test_top_share_ties(self):
        """top_share: ties with the last customer in are in too."""
        got = neglected([5, 5, 5, 1], [99] * 4, window_days=1, top_share=0.25)
        assert got.to_numpy().tolist() == ["neglected", "neglected", "neglected", "ok"]

    def test_contact_after_as_of(self):
        """A contact after as_of is an input error."""
        with pytest.raises(InputError, match="after the reference day"):
            neglected([1], ["2024-05-01"], "2024-04-01", window_days=5, min_value=0)

    def test_parameters(self):
        """Exactly one of min_value/top_share; window and share in range."""
        with pytest.raises(ThresholdError, match="exactly one"):
            neglected([1], [1], window_days=5)
        with pytest.raises(ThresholdError, match="exactly one"):
            neglected([1], [1], window_days=5, min_value=1, top_share=0.5)
        with pytest.raises(ThresholdError, match=r"\(0, inf\)"):
            neglected([1], [1], window_days=0, min_value=1)
        with pytest.raises(ThresholdError, match=r"\(0, 1\]"):
            neglected([1], [1], window_days=5, top_share=1.5)

    def test_index(self):
        """pandas in, pandas out: the flags carry the input's index."""
        value = pd.Series([9.0, 1.0], index=["x", "y"])
        got = neglected(
            value,
            pd.Series([100.0, 100.0], index=["x", "y"]),
            window_days=5,
            min_value=5,
        )
        assert got.to_pandas().to_dict() == {"x": "neglected", "y": "ok"}

    @given(
        st.lists(
            st.tuples(st.integers(0, 20), st.one_of(st.none(), st.integers(0, 60))),
            max_size=30,
        ),
        st.integers(1, 60),
        st.one_of(
            st.tuples(st.just("min"), st.integers(0, 20)),
            st.tuples(st.just("top"), st.floats(0.01, 1.0)),
        ),
    )
    def test_matches_reference(self, rows, window, rule):
        """Agrees with the scalar reference on generated customers."""
        value = [float(x) for x, _ in rows]
        days = [float("nan") if d is None else float(d) for _, d in rows]
        kw = {"min_value": rule[1]} if rule[0] == "min" else {"top_share": rule[1]}
        got = neglected(value, days, window_days=window, **kw).to_numpy().tolist()
        assert got == ref_neglected(value, days, window, **kw)


# --------------------------------------------------------------------------
# reassign_neglected


def ref_reassign(value, owner, staff, flags, ids, caps):
    """One customer at a time, highest value then id first: the other staff
    member with room and the smallest book (then fewest customers, then id)."""
    caps = [math.inf if c is None else c for c in (caps or [None] * len(staff))]
    out = [o if o in staff else None for o in owner]
    count = {s: out.count(s) for s in staff}
    book = {s: sum(x for x, o in zip(value, out, strict=True) if o == s) for s in staff}
    order = sorted(range(len(value)), key=lambda i: (-value[i], ids[i]))
    for i in order:
        was = out[i]
        if was is not None and not flags[i]:
            continue
        room = [
            s for s, c in zip(staff, caps, strict=True) if count[s] < c and s != was
        ]
        if not room:
            continue
        best = min(room, key=lambda s: (book[s], count[s], s))
        if was is not None:
            count[was] -= 1
            book[was] -= value[i]
        out[i] = best
        count[best] += 1
        book[best] += value[i]
    return out


class TestReassignNeglected:
    """reassign_neglected: neglected customers go to the least-loaded other owner."""

    def test_least_loaded_other_owner(self):
        """The smallest book among the others with room; ties by count then id."""
        res = reassign_neglected(
            [900, 100, 300, 200],
            ["amy", "amy", "bo", "cy"],
            ["amy", "bo", "cy"],
            [True, False, False, False],
        )
        assert res.owner.to_numpy().tolist() == ["cy", "amy", "bo", "cy"]
        assert res.change.to_numpy().tolist() == ["moved", "kept", "kept", "kept"]

    def test_takes_labels_from_neglected(self):
        """The Labels from neglected() are accepted as flags."""
        flags = neglected([900, 10], [400, 400], window_days=90, min_value=500)
        res = reassign_neglected([900, 10], ["a", "a"], ["a", "b"], flags)
        assert res.owner.to_numpy().tolist() == ["b", "a"]

    def test_capacity_and_nowhere_to_go(self):
        """No other owner with room: the neglected customer stays."""
        res = reassign_neglected(
            [5, 5], ["a", "b"], ["a", "b"], [True, False], capacity=1
        )
        assert res.owner.to_numpy().tolist() == ["a", "b"] and res.n_moves == 0

    @settings(max_examples=100)
    @given(books(), st.data())
    def test_matches_reference(self, case, data):
        """Agrees with the one-at-a-time scalar reference."""
        value, staff, owner, ids = case
        flags = data.draw(
            st.lists(st.booleans(), min_size=len(value), max_size=len(value))
        )
        owner = [o if o != "gone" else None for o in owner]
        caps = [None] * len(staff)
        res = reassign_neglected(
            value, owner, staff, flags, customer_id=ids, capacity=caps
        )
        assert res.owner.to_numpy().tolist() == ref_reassign(
            value, owner, staff, flags, ids, caps
        )

    def test_flags_must_be_boolean(self):
        """Flags that are no yes/no answer are an input error."""
        with pytest.raises(InputError, match=r"'flags' takes two answers.*number 2"):
            reassign_neglected([1], ["a"], ["a"], [2])

    @settings(max_examples=100)
    @given(books(), st.data())
    def test_properties(self, case, data):
        """Only flagged (or orphaned) customers move; every move leaves its owner;
        capacities hold."""
        value, staff, owner, ids = case
        flags = data.draw(
            st.lists(st.booleans(), min_size=len(value), max_size=len(value))
        )
        caps = data.draw(st.one_of(st.none(), capacities(staff, len(value))))
        try:
            res = reassign_neglected(
                value, owner, staff, flags, customer_id=ids, capacity=caps
            )
        except ThresholdError:
            return
        got = res.owner.to_numpy().tolist()
        for o, g, f, ch in zip(
            owner, got, flags, res.change.to_numpy().tolist(), strict=True
        ):
            if o in staff and not f:
                assert g == o and ch == "kept"
            if ch == "moved":
                assert f and g != o
        if caps is not None:
            # capacities hold for every owner who was within them before
            before = [owner.count(s) for s in staff]
            for s, c, b in zip(staff, caps, before, strict=True):
                if c is not None and b <= c:
                    assert got.count(s) <= c


def test_public_names():
    """The module's names: the result class and the change labels."""
    assert CHANGES == ("kept", "assigned", "forced", "moved")
    assert isinstance(assign_owners([1], ["a"]), Assignment)
    assert isinstance(assign_owners([1], ["a"]).owner, Labels)


# --------------------------------------------------------------------------
# custseg assign


def run_assign(argv):
    """Run the subcommand through a parser of our own (as cli.main would)."""
    import argparse

    from custseg._cli_assign import register

    parser = argparse.ArgumentParser(prog="custseg")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["assign", *argv])
    return args.func(args)


@pytest.fixture
def files(tmp_path):
    """A customer file (ids with leading zeros, owners) and a staff file."""
    cust = tmp_path / "customers.csv"
    cust.write_text(
        "customer_id,monetary,owner\n"
        "007,500,amy\n008,400,amy\n009,300,amy\n010,200,cy\n011,100,\n012,50,bo\n"
    )
    staff = tmp_path / "staff.csv"
    staff.write_text("staff,capacity\namy,\nbo,\ndee,2\n")
    return cust, staff, tmp_path


class TestReassignCapacity:
    def test_capacity_only_limits_where_neglected_customers_go(self) -> None:
        """amy (capacity 1) keeps her 3 customers: nobody else moves, the
        workload shows her above capacity, and assign_owners gives the
        excess up as forced moves."""
        res = reassign_neglected([1, 2, 3], ["amy"] * 3, ["amy", "bo"], [False] * 3,
                                 capacity={"amy": 1})  # fmt: skip
        w = res.workload()
        assert res.n_moves == 0
        assert (w.loc["amy", "customers"], w.loc["amy", "capacity"]) == (3, 1.0)
        fixed = assign_owners([1, 2, 3], ["amy", "bo"], current_owner=["amy"] * 3,
                              capacity={"amy": 1})  # fmt: skip
        assert fixed.workload().loc["amy", "customers"] == 1
        assert fixed.n_forced == 2


class TestCliAssign:
    """custseg assign CUSTOMERS STAFF --output PATH."""

    def test_writes_owners_and_prints_workload(self, files, capsys):
        """One row per customer (ids as written), the workload and the moves printed."""
        cust, staff, tmp = files
        out = tmp / "owners.csv"
        assert run_assign([str(cust), str(staff), "--output", str(out)]) == 0
        frame = pd.read_csv(out, dtype={"customer_id": str})
        assert list(frame.columns) == ["customer_id", "owner", "moved", "change"]
        assert frame.customer_id.tolist() == ["007", "008", "009", "010", "011", "012"]
        assert set(frame.owner) <= {"amy", "bo", "dee"}
        assert (frame.owner == "dee").sum() <= 2
        text = capsys.readouterr().out
        assert "moved to balance" in text and "forced" in text
        assert text.splitlines()[0].split() == [
            "owner",
            "before",
            "customers",
            "fair",
            "book",
            "fair",
            "book",
        ]

    def test_max_moves_zero(self, files, capsys):
        """--max-moves 0: nobody moves to balance; the orphans still get owners."""
        cust, staff, tmp = files
        out = tmp / "o.csv"
        run_assign([str(cust), str(staff), "--output", str(out), "--max-moves", "0"])
        frame = pd.read_csv(out, dtype={"customer_id": str})
        assert "moved" not in set(frame.change)
        assert frame.owner.notna().all()

    def test_no_owner_column(self, tmp_path, capsys):
        """Without an owner column everyone is assigned; --value names the value."""
        cust = tmp_path / "c.tsv"
        cust.write_text("id\tspend\n1\t5\n2\t6\n3\t7\n")
        staff = tmp_path / "s.txt"
        staff.write_text("staff\na\nb\n")
        out = tmp_path / "o.parquet"
        pytest.importorskip("pyarrow")
        run_assign([str(cust), str(staff), "--output", str(out), "--value", "spend"])
        frame = pd.read_parquet(out)
        assert frame.columns[0] == "id" and frame.change.tolist() == ["assigned"] * 3

    def test_missing_value_column(self, files):
        """A value column that is not there: the error names --value and the columns."""
        cust, staff, tmp = files
        with pytest.raises(
            InputError, match=r"has no column 'spend': name one with --value"
        ):
            run_assign(
                [
                    str(cust),
                    str(staff),
                    "--output",
                    str(tmp / "o.csv"),
                    "--value",
                    "spend",
                ]
            )

    def test_value_column_of_text(self, files):
        """A value column of text is refused."""
        cust, staff, tmp = files
        with pytest.raises(InputError, match="not a column of numbers"):
            run_assign(
                [
                    str(cust),
                    str(staff),
                    "--output",
                    str(tmp / "o.csv"),
                    "--value",
                    "owner",
                ]
            )

    @pytest.mark.parametrize(
        ("cell", "problem"), [("", "has missing values"), ("-5", "has negative values")]
    )
    def test_bad_values_name_the_column(self, tmp_path, cell, problem):
        """Missing or negative values: the error names the column and the row."""
        cust = tmp_path / "c.csv"
        cust.write_text(f"id,monetary\n1,5\n2,{cell}\n")
        staff = tmp_path / "s.csv"
        staff.write_text("staff\na\n")
        with pytest.raises(
            InputError, match=f"'monetary' {problem} \\(first at line 3 of"
        ):
            run_assign([str(cust), str(staff), "--output", str(tmp_path / "o.csv")])

    def test_capacity_shortfall(self, files):
        """Capacities too small for everyone: the error says by how much."""
        cust, _, tmp = files
        staff = tmp / "s.csv"
        staff.write_text("staff,cap\namy,2\nbo,1\n")
        with pytest.raises(ThresholdError, match="3 short"):
            run_assign(
                [
                    str(cust),
                    str(staff),
                    "--output",
                    str(tmp / "o.csv"),
                    "--capacity",
                    "cap",
                ]
            )

    def test_duplicate_staff(self, files):
        """A staff file listing someone twice is refused."""
        cust, _, tmp = files
        staff = tmp / "s.csv"
        staff.write_text("staff\namy\namy\n")
        with pytest.raises(InputError, match="duplicate id 'amy'"):
            run_assign([str(cust), str(staff), "--output", str(tmp / "o.csv")])

    def test_output_is_not_an_input(self, files):
        """Writing over the customer file is refused before any work."""
        cust, staff, _ = files
        with pytest.raises(InputError, match="is the input file"):
            run_assign([str(cust), str(staff), "--output", str(cust)])

    @pytest.mark.parametrize("bad", [["--max-moves", "-1"], ["--tolerance", "x"]])
    def test_bad_options(self, files, bad, capsys):
        """Bad option values stop argparse (exit status 2)."""
        cust, staff, tmp = files
        with pytest.raises(SystemExit) as exc:
            run_assign([str(cust), str(staff), "--output", str(tmp / "o.csv"), *bad])
        assert exc.value.code == 2
