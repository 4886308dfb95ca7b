"""Audit 38, customer identity: two customers merged or one customer split.

1. A Dask frame's dictionary-encoded Arrow column (``pd.ArrowDtype(
   pa.dictionary(...))``: ``to_pandas(types_mapper=pd.ArrowDtype)`` of
   a dictionary-encoded Arrow table) was read as narwhals'
   ``Categorical``, the text of its values: the ids ``-0.0`` and ``0.0``
   (one customer on every other path) were two customers ``'-0.0'`` and
   ``'0.0'``, integer ids came back as text (``'1'``), one order ``0``
   stored as ``-0.0`` and ``0.0`` was two purchases; a dictionary of dates
   as ids crashed in pyarrow, and one of amounts was refused as
   "Categorical values, not numbers". They are now read as their values,
   as the pandas path and the other engines read them.
2. A Dask column of pandas ``Categorical`` ids whose categories are Python
   objects not all text was read as the text of its categories: ``1`` and
   ``"1"`` (refused by the pandas path, "mixes ids of different types")
   were one customer ``'1'``, as were ``b"1"`` and ``"1"``; integer
   objects came back as text. They are now checked and read as a Dask
   object column of ids is: integers as integers, mixed types refused.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

pa = pytest.importorskip("pyarrow")
dd = pytest.importorskip("dask.dataframe")

FAST = settings(max_examples=2, deadline=None, database=None)


def _frame(ids: object, amount: object = None, order: object = None) -> pd.DataFrame:
    n = len(ids)  # type: ignore[arg-type]
    cols = {
        "customer_id": ids,
        "date": pa.array(
            [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(n)]
        ),
        "amount": amount
        if amount is not None
        else pa.array([float(i + 1) for i in range(n)]),
    }
    if order is not None:
        cols["order_id"] = order
    return pa.table(cols).to_pandas(types_mapper=pd.ArrowDtype)


def _facts(frame: object, **kw: object) -> pd.DataFrame:
    out = summarize_frame(frame, as_of="2024-12-31", output="pandas", **kw)
    if out.index.name != "customer_id":
        out = out.set_index("customer_id")
    return out.sort_index()


def _same(dask_out: pd.DataFrame, pandas_out: pd.DataFrame) -> None:
    assert dask_out.index.tolist() == pandas_out.index.tolist()
    assert [type(i) for i in dask_out.index] == [type(i) for i in pandas_out.index]
    pd.testing.assert_frame_equal(
        dask_out[["frequency", "monetary"]].reset_index(drop=True),
        pandas_out[["frequency", "monetary"]].reset_index(drop=True),
        check_dtype=False,
    )


def test_dask_dictionary_negative_zero_is_one_customer() -> None:
    # the repro: 0 stored once as -0.0 was two customers '-0.0' and '0.0'
    ids = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 2, 0]), pa.array([-0.0, 0.0, 1.0])
    )
    frame = _frame(ids)
    out = _facts(dd.from_pandas(frame, npartitions=2))
    assert out.index.tolist() == [0, 1]
    assert out.monetary.tolist() == [7.0, 3.0]
    _same(out, _facts(frame))


def test_dask_dictionary_order_ids_by_value() -> None:
    # one order 0 (lines stored as -0.0 and 0.0) is one purchase
    order = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 2, 0]), pa.array([-0.0, 0.0, 1.0])
    )
    frame = _frame(pa.array(["c"] * 4), order=order)
    out = _facts(dd.from_pandas(frame, npartitions=2), order="order_id")
    assert out.frequency.tolist() == [2]


def test_dask_dictionary_dates_as_ids_and_amounts() -> None:
    # a dictionary of timestamps as ids crashed in pyarrow (no converter),
    # one of amounts was refused as Categorical values
    stamps = pa.array(
        [dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 2), dt.datetime(2020, 1, 1)]
    ).dictionary_encode()
    amounts = pa.array([1.0, 2.0, 1.0]).dictionary_encode()
    frame = _frame(stamps, amount=amounts)
    out = _facts(dd.from_pandas(frame, npartitions=2))
    assert out.monetary.tolist() == [2.0, 2.0]
    _same(out, _facts(frame))


_NUMBERS = st.one_of(
    st.lists(
        st.sampled_from([-0.0, 0.0, 1.0, 1.5, -2.0, 2.0**53]), min_size=1, max_size=6
    ),
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=6).map(
        lambda xs: [*xs, 2**63 - 1]  # integer ids stay integers, to the edge
    ),
    st.lists(
        st.sampled_from(["1", "01", " 1", "1.0", "-0", "0", "NA", "", "Jos\u00e9"]),
        min_size=1,
        max_size=6,
    ),
)


@FAST
@given(values=_NUMBERS, picks=st.lists(st.integers(0, 5), min_size=1, max_size=8))
def test_dask_dictionary_ids_read_as_the_pandas_path(
    values: list[object], picks: list[int]
) -> None:
    # any dictionary (duplicate values too: -0.0 beside 0.0) gives the
    # customers, their types and their facts of the pandas path
    indices = pa.array([p % len(values) for p in picks], pa.int32())
    ids = pa.DictionaryArray.from_arrays(indices, pa.array(values))
    frame = _frame(ids)
    _same(_facts(dd.from_pandas(frame, npartitions=2)), _facts(frame))


def _categorical_frame(categorical: pd.Categorical) -> pd.DataFrame:
    n = len(categorical)
    return pd.DataFrame(
        {
            "customer_id": categorical,
            "date": pd.date_range("2024-01-01", periods=n),
            "amount": np.arange(1.0, n + 1),
        }
    )


@pytest.mark.parametrize(
    "first", [1, b"1"], ids=["int beside text", "bytes beside text"]
)
def test_dask_object_categories_of_mixed_types_are_refused(first: object) -> None:
    # were one customer '1' (the text of both categories)
    mixed = pd.Categorical(
        [first, "1", first], categories=pd.Index([first, "1"], dtype=object)
    )
    frame = _categorical_frame(mixed)
    with pytest.raises(InputError, match="mixes ids of different types"):
        _facts(frame)
    with pytest.raises(InputError, match="mixes ids of different types"):
        _facts(dd.from_pandas(frame, npartitions=2))


def test_dask_object_categories_of_integers_stay_integers() -> None:
    ints = pd.Categorical([10, 9, 10], categories=pd.Index([9, 10], dtype=object))
    frame = _categorical_frame(ints)
    out = _facts(dd.from_pandas(frame, npartitions=2))
    assert out.index.tolist() == [9, 10]
    _same(out, _facts(frame))
