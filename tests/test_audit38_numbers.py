"""Audit 38 (numbers): numeric extremes in sums, shares and edges."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg as cs
from custseg.errors import InputError
from custseg.segments import segment_summary

E = 2**52
#: each float64 holds; three of them pass 2**53 together
BIG = np.array([E, E, 1], dtype=np.int64)

FAST = settings(max_examples=40, deadline=None, database=None)

# integers each exact in float64, many of them large enough for a few to
# add up past 2**53 (odd sums past it are what float64 rounds)
_INTS = st.sampled_from([0, 1, 2, 3, 2**51 + 1, E - 1, E, E + 1, 2**53 - 1])


# --------------------------------------------------------------------------
# 1. integer facts whose sum passes 2**53: refused, never rounded silently


def _facts(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "frequency": values,
            "monetary": values,
            "recency_days": np.arange(len(values), dtype=np.float64),
        }
    )


def test_segment_summary_int_sum_past_2_53_is_refused() -> None:
    lab = cs.Labels(np.zeros(3, dtype=np.int8), ("a",))
    with pytest.raises(
        InputError, match=r"'frequency' has integers whose sum may pass 2\*\*53"
    ):
        segment_summary(lab, _facts(BIG))
    # monetary alone (frequency small): the revenue would be rounded
    facts = _facts(BIG).assign(frequency=[1, 1, 1])
    with pytest.raises(InputError, match=r"'monetary' has integers whose sum"):
        segment_summary(lab, facts)
    # up to 2**53 in all the sums are exact: not refused
    lab = cs.Labels(np.array([0, 0, 1]), ("a", "b"))
    out = segment_summary(lab, _facts(np.array([E, E - 1, 1], dtype=np.int64)))
    assert out["orders"].tolist() == [2**53 - 1, 1, 2**53]
    assert out["revenue"].tolist() == [float(2**53 - 1), 1.0, float(2**53)]


@FAST
@given(st.lists(st.tuples(st.integers(0, 2), _INTS), min_size=1, max_size=5))
def test_segment_summary_int_sums_exact_or_refused(rows: list[tuple[int, int]]) -> None:
    codes = np.array([c for c, _ in rows])
    values = np.array([x for _, x in rows], dtype=np.int64)
    lab = cs.Labels(codes, ("a", "b", "c"))
    try:
        out = segment_summary(lab, _facts(values))
    except InputError as e:
        assert "2**53" in str(e)
        assert sum(abs(int(x)) for x in values) > 2**53  # refused only then
        return
    for k, name in enumerate(("a", "b", "c")):
        exact = sum(int(x) for c, x in rows if c == k)
        assert int(out.loc[name, "orders"]) == exact
        assert out.loc[name, "revenue"] == exact  # float equal to the int
    assert int(out.loc["Total", "orders"]) == sum(int(x) for x in values)


@pytest.mark.parametrize(
    "column",
    [
        BIG,
        pd.Series(BIG, dtype="Int64"),
        pd.Series([E, E, 1, None], dtype="Int64"),
        pd.Series([E, E, 1, None], dtype=object),
        [E, E, 1],
    ],
    ids=["int64", "Int64", "Int64-NA", "object-None", "list"],
)
def test_group_summary_int_sum_past_2_53_is_refused(column: object) -> None:
    n = len(column)  # type: ignore[arg-type]
    tags = cs.TagMatrix(("g",), [[True]] * n)
    with pytest.raises(InputError, match=r"'monetary' has integers whose sum may pass"):
        cs.group_summary(tags, {"monetary": column})
    # the same values as floats are summed to the correctly rounded total
    # (docs/groups.md), not refused
    floats = pd.Series(column, dtype="Float64" if n == 4 else np.float64)
    out = cs.group_summary(tags, {"monetary": floats})
    assert out.totals["monetary"].tolist() == [2.0**53, 2.0**53]


@FAST
@given(st.lists(_INTS, min_size=1, max_size=5))
def test_group_summary_int_totals_exact_or_refused(values: list[int]) -> None:
    tags = cs.TagMatrix(("g",), [[True]] * len(values))
    try:
        out = cs.group_summary(tags, {"monetary": np.array(values, dtype=np.int64)})
    except InputError as e:
        assert "2**53" in str(e)
        assert sum(values) > 2**53
        return
    assert out.totals["monetary"].tolist() == [sum(values), sum(values)]


def test_assign_owners_int_books_past_2_53_are_refused() -> None:
    with pytest.raises(InputError, match=r"'value' has integers whose sum may pass"):
        cs.assign_owners(BIG, ["a"])
    res = cs.assign_owners(np.array([E, E - 1, 1]), ["a"])  # 2**53: exact
    assert res.book_after.tolist() == [2.0**53]


def test_fit_value_tiers_int_revenue_past_2_53_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cs.CustsegWarning)
        with pytest.raises(InputError, match=r"'revenue' has integers whose sum"):
            cs.fit_value_tiers([3, 2, 1], ["strong"] * 3, BIG)


def test_int_sum_bound_does_not_wrap() -> None:
    # one value of 2**53 among 2,000 zeros: the bound max * n passes int64
    # (no RuntimeWarning from a wrapped product), the sum is 2**53: exact
    values = np.zeros(2000, dtype=np.int64)
    values[0] = 2**53
    tags = cs.TagMatrix(("g",), [[True]] * 2000)
    out = cs.group_summary(tags, {"m": values})
    assert out.totals["m"].tolist() == [2.0**53, 2.0**53]
    values[1] = 1  # 2**53 + 1: refused
    with pytest.raises(InputError, match=r"'m' has integers whose sum may pass"):
        cs.group_summary(tags, {"m": values})
