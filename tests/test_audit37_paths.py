"""Audit 37, size- and shape-dependent fast paths against a naive oracle.

1. ``assign_owners`` took integer customer ids of a narrow range (fewer
   than ``4 * n + 1024`` values apart) as their own sort key, their offsets
   computed in the ids' own dtype: ``int8`` ids 200 apart (``int16`` ids
   more than 32,767 apart, from about 15,000 customers) wrapped to negative
   offsets and ``np.bincount`` raised a raw ``ValueError``. True/False
   customer ids (a mask) were taken as two customers (three rows: "has
   duplicate customers"), where ``summarize`` refuses them as no ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

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
