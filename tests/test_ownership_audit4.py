"""Audit 4 of ownership: ids by index, capacity by staff id, float owners,
the top share's ties at 0, order-free books and the speed of a new joiner."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.ownership import assign_owners, neglected, reassign_neglected

STAFF = ["amy", "bo", "cy"]


# --------------------------------------------------------------------------
# an owner column that carries an index (a Labels result) is paired by id


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(5)))
def test_labels_owner_is_checked_by_index(perm):
    """A previous Assignment.owner on another row order is refused, as its
    Series form is; on the same order it gives the Series' answer."""
    ids = list("abcde")
    v1 = pd.Series([100.0, 90, 80, 70, 60], index=ids)
    first = assign_owners(v1, ["amy", "bo"])
    v2 = v1.iloc[list(perm)]
    if list(perm) == sorted(perm):
        got = assign_owners(v2, ["amy", "bo"], current_owner=first.owner)
        want = assign_owners(v2, ["amy", "bo"], current_owner=first.owner.to_pandas())
        assert got.owner.to_numpy().tolist() == want.owner.to_numpy().tolist()
        return
    with pytest.raises(InputError, match=r"current_owner.*different index"):
        assign_owners(v2, ["amy", "bo"], current_owner=first.owner)
    with pytest.raises(InputError, match=r"'owner'.*different index"):
        reassign_neglected(v2, first.owner, ["amy", "bo"], [False] * 5)


# --------------------------------------------------------------------------
# capacity: read by staff id, each once


@pytest.mark.parametrize(
    "capacity",
    [
        pd.Series([1, 5, 3], index=["amy", "bo", "amy"]),
        pd.Series([1, 5, 3], index=[7, 8, "7"]),
        {7: 1, "7": 2},
        {7.0: 1, "7": 2},
    ],
)
def test_capacity_naming_staff_twice(capacity):
    staff = ["amy", "bo"] if "amy" in list(getattr(capacity, "index", [])) else [7, 8]
    with pytest.raises(InputError, match=r"'capacity' names staff '(amy|7)' twice"):
        assign_owners([5.0, 4, 3, 2, 1, 0.5], staff, capacity=capacity)


@settings(max_examples=30, deadline=None)
@given(st.permutations([0, 1, 2, 3]))
def test_capacity_column_of_a_staff_table(order):
    """staff_df['capacity'] (row numbers as index) is refused unless the row
    numbers are the staff ids in order; indexed by staff id it is read by id."""
    staff = pd.Series(order, name="staff")
    caps = [1, 9, 9, 9]
    table = pd.DataFrame({"staff": order, "capacity": caps})
    value = [10.0, 9, 8, 7, 6, 5, 4, 3]
    if order == [0, 1, 2, 3]:
        res = assign_owners(value, staff, capacity=table["capacity"])
        assert res.capacity.tolist() == [1.0, 9.0, 9.0, 9.0]
    else:
        with pytest.raises(InputError, match=r"row numbers.*set_index"):
            assign_owners(value, staff, capacity=table["capacity"])
    by_id = table.set_index("staff")["capacity"]
    res = assign_owners(value, staff, capacity=by_id)
    assert dict(zip(res.staff, res.capacity.tolist(), strict=True)) == {
        s: float(c) for s, c in zip(order, caps, strict=True)
    }
    assert res.count_after[res.staff.index(order[0])] <= 1


def test_capacity_series_not_the_staff():
    """An index that is not the set of staff ids is an InputError saying so."""
    with pytest.raises(InputError, match="no capacity for staff \\['bo'\\]"):
        assign_owners([1.0, 2], ["amy", "bo"], capacity=pd.Series([3], index=["amy"]))
    with pytest.raises(InputError, match="not in 'staff'"):
        assign_owners(
            [1.0, 2],
            ["amy", "bo"],
            capacity=pd.Series([3, 3, 3], index=["amy", "bo", "x"]),
        )


# --------------------------------------------------------------------------
# the ids taken from value's index are named as such


def test_repeated_index_of_value_is_named():
    with pytest.raises(InputError) as err:
        assign_owners(pd.Series([5.0, 4, 3], index=["a", "a", "b"]), ["amy", "bo"])
    assert err.value.field == "value"
    assert "'a' repeats" in str(err.value) and "customer_id=" in str(err.value)
    with pytest.raises(InputError) as err:
        reassign_neglected(
            pd.Series([5.0, 4, 3], index=["a", "b", "b"]),
            [None] * 3,
            ["amy"],
            [False] * 3,
        )
    assert err.value.field == "value" and "'b' repeats" in str(err.value)


# --------------------------------------------------------------------------
# float owners: no unchecked cast


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
@pytest.mark.parametrize("how", [list, np.array])
def test_infinite_owner_is_an_error(bad, how):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError, match=r"not ids \(-?inf\)"):
            assign_owners([1.0, 2], ["7"], current_owner=how([bad, np.nan]))
        with pytest.raises(InputError, match=r"not ids \(-?inf\)"):
            reassign_neglected([1.0, 2], how([np.nan, bad]), ["7"], [False, False])


@settings(max_examples=40, deadline=None)
@given(st.floats(2.0**63, 1e308) | st.floats(-1e308, -(2.0**63)))
def test_huge_whole_owner_reads_as_in_a_list(x):
    """A whole number past int64 in a float array is an owner who left (as in
    a list), without NumPy's cast warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        arr = assign_owners([1.0, 2], ["7"], current_owner=np.array([x, 7.0]))
        lst = assign_owners([1.0, 2], ["7"], current_owner=[x, 7.0])
    assert arr.change.to_numpy().tolist() == ["forced", "kept"]
    assert lst.change.to_numpy().tolist() == ["forced", "kept"]


# --------------------------------------------------------------------------
# neglected(top_share): ties at the cut, never a customer worth 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from([0.0, 0.0, 0.0, 1.0, 5.0, 50.0, 900.0]), min_size=1, max_size=30
    ),
    st.floats(0.01, 1.0),
)
def test_top_share_never_flags_zero(values, share):
    got = neglected(values, [None] * len(values), window_days=30, top_share=share)
    flagged = np.array(got.to_numpy()) == "neglected"
    val = np.array(values)
    assert not flagged[val <= 0].any()
    m = int(np.ceil(share * len(val) - 1e-9))
    positive = np.sort(val[val > 0])[::-1]
    # the top m positive customers (and their ties) are in, nobody below
    if len(positive):
        cut = positive[min(m, len(positive)) - 1]
        assert (flagged == ((val >= cut) & (val > 0))).all()


def test_top_share_of_a_base_of_zeros():
    got = neglected(
        [900, 500] + [0] * 8, [None] * 10, "2024-07-01", window_days=90, top_share=0.3
    )
    assert got.counts()["neglected"] == 2


# --------------------------------------------------------------------------
# order-free books: every output identical for every row order

_decimals = st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.6, 1 / 3, 2 / 3, 19.99, 5.0, 0.7])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            _decimals, st.sampled_from(["amy", "bo", "cy", "gone", None]), st.booleans()
        ),
        min_size=1,
        max_size=14,
    ),
    st.randoms(use_true_random=False),
    st.sampled_from([0.0, 0.05, 0.5]),
)
def test_shuffled_rows_give_identical_results(rows, rnd, tol):
    ids = [f"c{i}" for i in range(len(rows))]
    value = pd.Series([r[0] for r in rows], index=ids)
    owner = pd.Series([r[1] for r in rows], index=ids, dtype=object)
    flags = pd.Series([r[2] for r in rows], index=ids)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)

    def run(p):
        a = assign_owners(
            value.iloc[p], STAFF, current_owner=owner.iloc[p], tolerance=tol
        )
        r = reassign_neglected(
            value.iloc[p], owner.iloc[p], STAFF, flags.iloc[p], tolerance=tol
        )
        out = []
        for res in (a, r):
            frame = res.to_pandas().sort_index()
            out.append(
                (
                    frame["owner"].astype(str).tolist(),
                    frame["change"].astype(str).tolist(),
                    res.fair_book.tolist(),
                    res.book_before.tolist(),
                    res.book_after.tolist(),
                    res.value_gap,
                    res.value_ratio,
                    res.workload().to_dict(),
                )
            )
        return out

    assert run(list(range(len(rows)))) == run(perm)


def test_reported_report_examples():
    """The audit's examples: the same owner and figures in both orders."""
    ids = ["c0", "c1", "c2", "c3", "c4", "c5"]
    value = pd.Series([0.6, 0.1, 0.6, 0.2, 2 / 3, 0.3], index=ids)
    owner = pd.Series(["c", None, "c", "a", "c", "b"], index=ids, dtype=object)
    p = [3, 2, 5, 4, 0, 1]
    a = assign_owners(value, ["a", "b", "c"], current_owner=owner, tolerance=0.0)
    b = assign_owners(
        value.iloc[p], ["a", "b", "c"], current_owner=owner.iloc[p], tolerance=0.0
    )
    assert a.owner.to_pandas().to_dict() == b.owner.to_pandas().to_dict()
    assert a.fair_book.tolist() == b.fair_book.tolist()
    v = pd.Series([0.1, 0.2, 0.3, 1 / 3], index=list("abcd"))
    r1, r2 = assign_owners(v, ["amy", "bo"]), assign_owners(v.iloc[::-1], ["amy", "bo"])
    assert (r1.fair_book.tolist(), r1.value_gap) == (
        r2.fair_book.tolist(),
        r2.value_gap,
    )
    # reassign: amy 0.1 + 0.2 + 0.3, bo 0.6: equal books tie, then staff id
    val = pd.Series(
        [0.1, 0.2, 0.3, 0.6, 0.0, 0.0, 5.0],
        index=["a1", "a2", "a3", "b1", "b2", "b3", "new"],
    )
    own = pd.Series(["amy"] * 3 + ["bo"] * 3 + [None], index=val.index, dtype=object)
    no = pd.Series([False] * 7, index=val.index)
    for order in ([0, 1, 2, 3, 4, 5, 6], [2, 1, 0, 3, 4, 5, 6]):
        res = reassign_neglected(
            val.iloc[order], own.iloc[order], ["amy", "bo"], no.iloc[order]
        )
        assert res.owner.to_pandas()["new"] == "amy"
        assert res.book_before.tolist() == [0.6, 0.6]


# --------------------------------------------------------------------------
# a new joiner filled from balanced books (batched; speed in benchmarks/)


def test_new_joiner_from_balanced_books():
    n = 30_000
    rng = np.random.default_rng(0)
    val = rng.uniform(1, 100, n)
    owner = np.array(["a"] * (n // 2) + ["b"] * (n - n // 2), dtype=object)
    res = assign_owners(val, ["a", "b", "c"], current_owner=owner, tolerance=0.5)
    assert res.balanced and res.count_after[2] >= res.fair_count[2] / 2
