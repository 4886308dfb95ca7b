"""Audit 37, size- and shape-dependent fast paths against a naive oracle.

1. ``assign_owners`` took integer customer ids of a narrow range (fewer
   than ``4 * n + 1024`` values apart) as their own sort key, their offsets
   computed in the ids' own dtype: ``int8`` ids 200 apart (``int16`` ids
   more than 32,767 apart, from about 15,000 customers) wrapped to negative
   offsets and ``np.bincount`` raised a raw ``ValueError``. True/False
   customer ids (a mask) were taken as two customers (three rows: "has
   duplicate customers"), where ``summarize`` refuses them as no ids.
2. A segmentation tabulated over its input cells (``RuleSet.lookups``)
   whose axes' offsets cannot be folded into one ``int32`` subtraction (an
   axis of a large ``min``, such as a ``YYYYMMDD`` or 10**12 id field)
   subtracted each integer axis' ``min`` in the column's own dtype: an
   ``int8`` column of a field from -100 to 100 wrapped 100 to cell -56,
   which indexed the table from its end, so the row got another cell's
   label, with no error (the rules evaluated row by row were right).
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules

FAST = settings(max_examples=40, deadline=None, database=None)


# --------------------------------------------------------------------------
# 1. assign_owners: narrow signed ids


def _owners(value: np.ndarray, ids: np.ndarray) -> tuple[list[str], list[str]]:
    got = custseg.assign_owners(value, ["amy", "bo", "cy"], customer_id=ids)
    return [str(x) for x in got.owner.to_numpy()], [
        str(x) for x in got.change.to_numpy()
    ]


def test_int8_ids_spanning_past_127_are_owned() -> None:
    ids = np.array([-100, 100, 0], dtype=np.int8)
    value = np.array([3.0, 2.0, 1.0])
    assert _owners(value, ids) == _owners(value, ids.astype(np.int64))


@FAST
@given(
    st.sampled_from([np.int8, np.int16, np.int32, np.uint8, np.uint16]),
    st.data(),
)
def test_narrow_integer_ids_own_as_int64_ids_do(
    dtype: type, data: st.DataObject
) -> None:
    info = np.iinfo(dtype)
    ids = data.draw(
        st.lists(
            st.integers(int(info.min), int(info.max)),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    value = data.draw(
        st.lists(st.integers(0, 20).map(float), min_size=len(ids), max_size=len(ids))
    )
    arr = np.array(ids, dtype=dtype)
    assert _owners(np.array(value), arr) == _owners(
        np.array(value), arr.astype(np.int64)
    )


@pytest.mark.parametrize(
    "ids",
    [
        np.array([True, False]),
        [True, False],
        np.array([7, True], dtype=object),
        pd.Series([True, False], dtype="boolean"),
    ],
)
def test_boolean_customer_ids_are_refused(ids: object) -> None:
    with pytest.raises(custseg.InputError, match="True/False values, not customer ids"):
        custseg.assign_owners([2.0, 1.0], ["amy", "bo"], customer_id=ids)


def test_boolean_index_is_refused_naming_value() -> None:
    value = pd.Series([2.0, 1.0], index=[True, False])
    with pytest.raises(custseg.InputError, match="'value' holds True/False"):
        custseg.assign_owners(value, ["amy", "bo"])


# --------------------------------------------------------------------------
# 2. tabulated segmentations: int8 columns on an unfolded axis


def _two_axes(lo: int, hi: int, cut: int) -> rules.RuleSet:
    return rules.loads(
        f"""
format = 1
[fields]
a = {{ type = "integer", min = {lo}, max = {hi} }}
b = {{ type = "integer", min = 1000000000000, max = 1000000000001 }}
[segments.s]
default = "none"
rules = [
  {{ label = "a_hi", when = "a >= {cut} and b == 1000000000000" }},
  {{ label = "a_lo", when = "a < {cut} and b == 1000000000001" }},
]
"""
    )


def _labels(rs: rules.RuleSet, data: dict[str, np.ndarray]) -> list[str]:
    return [str(x) for x in rs.evaluate(data)["s"].to_numpy()]


def test_int8_column_on_an_unfolded_lookup_axis() -> None:
    rs = _two_axes(-100, 100, 50)
    assert "s" in rs.lookups  # tabulated
    data = {
        "a": np.array([100, -100, 60, 0], dtype=np.int8),
        "b": np.array([10**12, 10**12 + 1, 10**12, 10**12 + 1]),
    }
    assert _labels(rs, data) == ["a_hi", "a_lo", "a_hi", "a_lo"]


@FAST
@given(st.integers(-128, -1), st.data())
def test_tabulated_labels_are_those_of_the_rows(lo: int, data: st.DataObject) -> None:
    # a span past 127, its top value (the one int8 offsets wrap) in the data
    hi = data.draw(st.integers(lo + 128, 127))
    cut = data.draw(st.integers(lo, hi))
    rs = _two_axes(lo, hi, cut)
    a = [hi, *data.draw(st.lists(st.integers(lo, hi), max_size=20))]
    b = [
        10**12,
        *data.draw(
            st.lists(
                st.sampled_from([10**12, 10**12 + 1]),
                min_size=len(a) - 1,
                max_size=len(a) - 1,
            )
        ),
    ]
    columns = {"a": np.array(a, dtype=np.int8), "b": np.array(b, dtype=np.int64)}
    plain = attrs.evolve(rs, lookups={}, skip=frozenset())
    want = [
        "a_hi"
        if x >= cut and y == 10**12
        else "a_lo"
        if x < cut and y > 10**12
        else "none"
        for x, y in zip(a, b, strict=True)
    ]
    assert _labels(plain, columns) == want
    assert _labels(rs, columns) == want
