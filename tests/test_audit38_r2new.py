"""Audit 38 (round 2, r2new): round 1's float32 id refusal, closed.

1. float32 (float16) ids held in an Arrow dictionary (a PyArrow
   ``DictionaryArray``, a pandas ``ArrowDtype(pa.dictionary(..., float32))``
   column, what a Parquet file's dictionary pages read with
   ``types_mapper=pd.ArrowDtype`` give) were decoded to Python floats
   before the check, so ``16777216`` and ``16777217`` (one float32) were
   counted as one customer on the pandas path, where the engines refuse
   the same column.
2. A pandas MultiIndex with a float32 level was not checked at all
   (a plain float32 Index was refused).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.frame import summarize_frame

pa = pytest.importorskip("pyarrow")

PAST = np.array([16777216, 16777217], dtype=np.float32)
DAYS = ["2024-01-01", "2024-01-02"]


def _dictionary(values: np.ndarray) -> pa.Array:
    return pa.array(values).dictionary_encode()


@pytest.mark.parametrize(
    "make",
    [
        _dictionary,
        lambda x: pa.chunked_array([_dictionary(x)]),
        lambda x: pd.Series(pd.arrays.ArrowExtensionArray(_dictionary(x))),
    ],
    ids=["DictionaryArray", "ChunkedArray", "ArrowDtype"],
)
def test_dictionary_of_float32_ids_refused(make):
    ids = make(PAST)
    with pytest.raises(InputError, match=r"float32 numbers.*16,777,216"):
        custseg.summarize(ids, DAYS, [1.0, 2.0])
    with pytest.raises(InputError, match=r"'order_id'.*float32 numbers"):
        custseg.summarize(["a", "a"], DAYS, [1.0, 2.0], order_id=ids)


def test_arrow_dtype_frame_refused_as_the_engines_refuse_it():
    table = pa.table(
        {"customer_id": _dictionary(PAST), "date": DAYS, "amount": [1.0, 2.0]}
    )
    with pytest.raises(InputError, match="float32 numbers"):
        summarize_frame(table)  # the PyArrow engine (as before)
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    with pytest.raises(InputError, match="float32 numbers"):
        summarize_frame(df)  # the pandas path: one customer of 2 purchases


def test_float16_dictionary_refused():
    ids = _dictionary(np.array([2048, 2049], dtype=np.float16))
    with pytest.raises(InputError, match=r"float16 numbers.*2,048"):
        custseg.summarize(ids, DAYS, [1.0, 2.0])


def test_complex64_ids_refused():
    """complex64 holds two float32 numbers: 16777217+0j is 16777216+0j."""
    ids = np.array([16777216, 16777217], dtype=np.complex64)
    with pytest.raises(InputError, match="float32 numbers"):
        custseg.summarize(ids, DAYS, [1.0, 2.0])
    small = np.array([1, 2 + 1j], dtype=np.complex64)
    assert custseg.summarize(small, DAYS, [1.0, 2.0]).frequency.tolist() == [1, 1]


def test_multiindex_float32_level_refused():
    index = pd.MultiIndex.from_arrays([["s", "s"], PAST])
    with pytest.raises(InputError, match=r"'index'.*float32 numbers"):
        custseg.lifecycle_stage(pd.Series([10.0, 400.0], index=index))
    one_level = pd.MultiIndex.from_arrays([PAST])
    with pytest.raises(InputError, match=r"'index'.*float32 numbers"):
        custseg.lifecycle_stage(pd.Series([10.0, 400.0], index=one_level))
    apart = pd.MultiIndex.from_arrays([["s", "t"], PAST])  # no duplicate
    with pytest.raises(InputError, match="float32 numbers"):
        custseg.assign_owners(pd.Series([1.0, 2.0], index=apart), ["x", "y"])


def test_transition_matrix_multiindex_float32_level_refused():
    """The ids of both periods, keyed by a MultiIndex, are checked level by
    level (a plain float32 index was refused, a MultiIndex passed)."""
    index = pd.MultiIndex.from_arrays([["s", "t"], PAST])
    before = pd.Series(["a", "b"], index=index)
    after = pd.Series(["a", "a"], index=index)
    with pytest.raises(InputError, match=r"'before'.*float32 numbers"):
        custseg.transition_matrix(before, after)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 2**25), min_size=1, max_size=6),
    st.sampled_from(["dictionary", "multiindex"]),
)
def test_float32_ids_refused_past_2_24_read_below(ids, where):
    """Refused when one id is at or past 2**24; else no false alarm: the
    ids read as the int64 ids (dictionary) or are kept (MultiIndex)."""
    narrow = np.array(ids, dtype=np.float32)
    past = max(ids) >= 2**24
    days = ["2024-01-01"] * len(ids)
    amounts = [1.0] * len(ids)
    index = pd.MultiIndex.from_arrays([list(range(len(ids))), narrow])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if past:
            with pytest.raises(InputError, match="float32 numbers"):
                if where == "dictionary":
                    custseg.summarize(_dictionary(narrow), days, amounts)
                else:
                    custseg.lifecycle_stage(pd.Series([10.0] * len(ids), index=index))
        elif where == "dictionary":
            got = custseg.summarize(_dictionary(narrow), days, amounts).to_pandas()
            want = custseg.summarize(np.array(ids), days, amounts).to_pandas()
            assert got["frequency"].tolist() == want["frequency"].tolist()
            assert [int(x) for x in got.index] == want.index.tolist()
        else:
            labels = custseg.lifecycle_stage(pd.Series([10.0] * len(ids), index=index))
            assert labels.to_pandas().index.equals(index)
