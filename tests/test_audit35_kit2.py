"""Audit 35, kit2: assert_stable compares labels, never the records' own
columns that no rule declares (a categorical ``region`` carried along)."""

from __future__ import annotations

import warnings

import attrs
import pandas as pd
import pytest

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions
from custseg.testing import assert_stable

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")

_RS = rules.loads(
    """
format = 1
extends = "ecommerce"
[fields]
vip = { type = "bool", missing = false, optional = true }
[segments.crm]
default = "plain"
rules = [ { label = "key", when = "vip" } ]
"""
)
_TX = simulate_transactions(30, seed=1)
_IDS = sorted(_TX.customer_id.unique())


def _segment(records: pd.DataFrame, first: custseg.SegmentResult | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        if first is None:
            return custseg.segment(_TX, rules=_RS, as_of="2025-01-01", records=records)
        return first.apply(_TX, as_of="2025-01-01", records=records)


def _records(region: list[str], vip: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": _IDS,
            "vip": [vip] * len(_IDS),
            "region": pd.Categorical(region),
        }
    )


_FIRST = _segment(_records(["n", "s"] * (len(_IDS) // 2) + ["n"] * (len(_IDS) % 2)))


def test_undeclared_categorical_records_column_is_no_label() -> None:
    # the repro: only the records' 'region' changed, which no rule reads
    after = _segment(_records(["s"] * len(_IDS)), _FIRST)
    assert "region" in after.customers.columns
    assert_stable(_FIRST, after)


@hypothesis.settings(max_examples=10, deadline=None)
@hypothesis.given(
    st.lists(
        st.sampled_from(["n", "s", "e", "w"]), min_size=len(_IDS), max_size=len(_IDS)
    )
)
def test_any_undeclared_records_column_change_passes(region: list[str]) -> None:
    assert_stable(_FIRST, _segment(_records(region), _FIRST))


def test_a_moved_label_is_still_caught() -> None:
    # same facts, same answers: a label that moved fails, in a rules output
    # and in a column segment computes
    after = _segment(_records(["s"] * len(_IDS)), _FIRST)
    moved = after.customers.copy()
    labels = moved["ecom4"].cat.categories
    first = moved.index[0]
    other = next(c for c in labels if c != moved.at[first, "ecom4"])
    moved.loc[first, "ecom4"] = other
    after = attrs.evolve(after, customers=moved)
    with pytest.raises(AssertionError, match="'ecom4' moved 1 customer"):
        assert_stable(_FIRST, after)
