"""Audit 36, the testing kit (round 3), as a team's own suite uses it.

1. ``assert_stable`` compared ``relationship`` whatever the contacts: a
   customer whose contacts changed (a sale, then a complaint) was reported
   as a label that moved although ``relationship`` is computed from the
   contacts, which the results do not hold. The contacts are now facts of
   ``relationship`` (and of rule outputs reading it), as the records'
   answers are facts of the labels that read them.
2. ``assert_order_free`` paired the rows of a result that lost or added a
   row by position: a raw ``IndexError`` (or a count of rows of the wrong
   order) instead of an ``AssertionError`` saying how many labels for how
   many rows.
3. ``assert_stable`` said "recency_days moves with as_of" when no customer
   id was in both results (ids as integers in one, as text in the other),
   though both were made at one as_of.
"""

from __future__ import annotations

import warnings

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions
from custseg.testing import assert_order_free, assert_stable

FAST = settings(max_examples=10, deadline=None, database=None)

_TX = simulate_transactions(30, seed=1)
_IDS = sorted(_TX.customer_id.unique())
_AS_OF = "2025-01-01"
_KINDS = ["sale", "complaint", "inquiry", "follow_up", "suggestion",
          "new_product", "joint_project", "other"]  # fmt: skip


def _contacts(kind: str = "sale", initiator: str = "customer") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": _IDS[:12],
            "date": "2024-01-05",
            "initiator": initiator,
            "kind": kind,
        }
    )


def _quiet(f: object, *args: object, **kw: object) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return f(*args, **kw)  # type: ignore[operator, no-any-return]


_FIRST = _quiet(
    custseg.segment, _TX, preset="ecommerce", as_of=_AS_OF, contacts=_contacts()
)
_SOLD = _IDS[:12]
#: customers whose first purchase is before every contact drawn below
_EARLY = [
    c
    for c in _IDS
    if _FIRST.customers.at[c, "first_purchase"] < pd.Timestamp("2024-01-01")
]


def _relabel(
    res: custseg.SegmentResult, cid: object, label: str, col: str = "relationship"
) -> custseg.SegmentResult:
    out = res.customers.copy()
    out.loc[cid, col] = label
    return attrs.evolve(res, customers=out)


# --------------------------------------------------------------------------
# 1. the contacts are facts of relationship


def test_other_contacts_are_no_moved_relationship() -> None:
    again = _quiet(_FIRST.apply, _TX, as_of=_AS_OF, contacts=_contacts("complaint"))
    moved = _FIRST.customers.relationship != again.customers.relationship
    assert moved.sum() > 0  # they did move, for their contacts
    assert_stable(_FIRST, again)


def test_a_relationship_that_moves_with_the_same_contacts_still_fails() -> None:
    again = _quiet(_FIRST.apply, _TX, as_of=_AS_OF)
    assert_stable(_FIRST, again)
    cid = _IDS[3]
    wrong = _relabel(again, cid, "partnership")
    with pytest.raises(AssertionError, match="'relationship' moved 1 customer") as e:
        assert_stable(_FIRST, wrong)
    # the failure shows the contact facts it read beside the four facts
    assert "'contacts': {'sale': True, 'customer_contacts': 0" in str(e.value)


def test_only_the_customers_whose_contacts_changed_are_left_out() -> None:
    changed = _contacts()
    changed.loc[_SOLD.index(_EARLY[0]), "kind"] = "complaint"  # one customer only
    again = _quiet(_FIRST.apply, _TX, as_of=_AS_OF, contacts=changed)
    assert_stable(_FIRST, again)
    # a customer of unchanged contacts (with or without any) still counts
    for cid in (_IDS[5], _IDS[20]):
        with pytest.raises(AssertionError, match="'relationship' moved 1 customer"):
            assert_stable(_FIRST, _relabel(again, cid, "proactive"))


def test_contacts_given_as_a_file_are_read_as_segment_read_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _contacts().to_csv(a, index=False)
    _contacts("complaint").to_csv(b, index=False)
    tx = _TX.assign(customer_id=_TX.customer_id.astype(str))  # ids read as text
    first = _quiet(custseg.segment, tx, preset="ecommerce", as_of=_AS_OF, contacts=a)
    again = _quiet(first.apply, tx, as_of=_AS_OF, contacts=b)
    assert_stable(first, again)


def test_a_rule_reading_relationship_reads_the_contacts() -> None:
    rs = rules.loads(
        """
format = 1
[fields]
relationship = { type = "category", values = ["basic", "reactive", "accountable", "proactive", "partnership", "no_sale", "unknown"] }
[segments.care]
default = "standard"
rules = [{ label = "listen", when = "relationship == 'reactive'" }]
"""
    )
    first = _quiet(custseg.segment, _TX, rules=rs, as_of=_AS_OF, contacts=_contacts())
    again = _quiet(first.apply, _TX, as_of=_AS_OF, contacts=_contacts("complaint"))
    assert (first.customers.care != again.customers.care).sum() > 0
    assert_stable(first, again)
    with pytest.raises(AssertionError, match="'care' moved 1 customer"):
        assert_stable(
            first,
            _relabel(_quiet(first.apply, _TX, as_of=_AS_OF), _IDS[2], "listen", "care"),
        )


@FAST
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_IDS),
            st.integers(0, 300),
            st.sampled_from(["customer", "company"]),
            st.sampled_from(_KINDS),
        ),
        max_size=12,
    ),
    st.lists(st.tuples(st.integers(0, 11), st.sampled_from(_KINDS)), max_size=4),
    st.sampled_from(_EARLY),
)
def test_any_change_of_contacts_never_fails_stability(rows, edits, asks) -> None:  # type: ignore[no-untyped-def]
    """Whatever the contacts of either result, customers are compared only
    where their contacts read the same: no false alarm (the customer *asks*
    asks something in the second period only: a reactive relationship)."""
    day = np.datetime64("2024-01-01")
    log = pd.DataFrame(
        [(c, day + np.timedelta64(d, "D"), who, kind) for c, d, who, kind in rows],
        columns=["customer_id", "date", "initiator", "kind"],
    )
    other = log.copy()
    for i, kind in edits:
        if i < len(other):
            other.loc[i, "kind"] = kind
    other.loc[len(other)] = [asks, np.datetime64("2024-12-01"), "customer", "inquiry"]
    first = _quiet(custseg.segment, _TX, preset="base", as_of=_AS_OF, contacts=log)
    again = _quiet(first.apply, _TX, as_of=_AS_OF, contacts=other)
    assert_stable(first, again)


# --------------------------------------------------------------------------
# 2. assert_order_free: a result that loses or adds rows

_TIER = rules.loads(
    """
format = 1
[fields]
monetary = { type = "number", min = 0 }
[segments.tier]
default = "ordinary"
rules = [{ label = "member", when = "monetary >= 100" }]
[tags.flags]
rules = [{ tag = "big", when = "monetary >= 500" }]
"""
)


@pytest.mark.parametrize(
    ("change", "count"),
    [
        (lambda df: df.iloc[:-1], 2),  # was an IndexError
        (lambda df: pd.concat([df, df.iloc[:1]]), 4),  # was "3 rows ... but 4"
        (lambda df: df.iloc[1:], 2),
    ],
)
def test_order_free_says_how_many_labels_for_how_many_rows(change, count) -> None:  # type: ignore[no-untyped-def]
    data = {"monetary": [5.0, 150.0, 600.0]}
    with pytest.raises(
        AssertionError,
        match=rf"'tier' has {count} labels for 3 rows of data in the given order",
    ):
        assert_order_free(lambda df: _TIER.evaluate(change(df)), data)


def test_order_free_a_lost_row_in_the_other_order_only() -> None:
    calls = []

    def evaluate(df: pd.DataFrame) -> object:
        calls.append(1)
        return _TIER.evaluate(df if len(calls) == 1 else df.iloc[:-1])

    with pytest.raises(AssertionError, match="2 labels for 3 rows of data in another"):
        assert_order_free(evaluate, {"monetary": [5.0, 150.0, 600.0]})


@FAST
@given(st.integers(2, 6), st.integers(0, 5), st.booleans())
def test_order_free_never_an_index_error(n, k, add) -> None:  # type: ignore[no-untyped-def]
    k %= n  # the row lost or doubled
    data = {"monetary": [float(100 * i) for i in range(n)]}

    def evaluate(df: pd.DataFrame) -> object:
        out = pd.concat([df, df.iloc[[k]]]) if add else df.drop(df.index[k])
        return _TIER.evaluate(out)

    with pytest.raises(AssertionError, match=r"labels for \d+ rows of data"):
        assert_order_free(evaluate, data)


# --------------------------------------------------------------------------
# 3. assert_stable: why nobody was compared


def test_ids_of_other_kinds_are_named_not_as_of() -> None:
    first = _quiet(custseg.segment, _TX, preset="ecommerce", as_of=_AS_OF)
    tx = _TX.assign(customer_id=_TX.customer_id.astype(str))
    text = _quiet(
        custseg.segment, tx, preset="ecommerce", as_of=_AS_OF, edges=first.edges
    )
    with pytest.raises(AssertionError) as e:
        assert_stable(first, text)
    msg = str(e.value)
    assert "no customer id is in both results" in msg
    assert "integers in 'before' but text in 'after'" in msg
    assert "as_of" not in msg


def test_other_as_of_is_still_named() -> None:
    first = _quiet(custseg.segment, _TX, preset="ecommerce", as_of=_AS_OF)
    later = _quiet(first.apply, _TX, as_of="2025-03-01")
    with pytest.raises(AssertionError, match="made at other as_of, 2025-01-01 and"):
        assert_stable(first, later)
