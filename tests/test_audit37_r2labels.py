"""Audit 37 round 2 (r2labels): Labels equality with ids, Labels(Series).

1. ``Labels == Labels`` took row numbers (an unnamed RangeIndex, a column of
   a frame read from a file) for the ids ``0 .. n-1``: labels on rows equal
   labels on customers 0, 1, 2 (but not on customers "x", "y", "z"), while
   comparing with the other's ``to_pandas()`` is an InputError.
2. A MultiIndex with a level of whole floats (a column with a gap, read as
   float) never equalled the same MultiIndex of integers (and a Series on it
   was refused beside labels), where flat indexes of ``1`` and ``1.0`` are
   the same customers and ``transition_matrix`` pairs them.
3. ``Labels(frame.code, names, index=frame.customer_id)`` on a filtered or
   sorted frame (codes on the row numbers left, ids in a Series on the same
   rows) was an InputError whose fix spoke of ``astype(str)``.
"""

from __future__ import annotations

import copy
import pickle

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, Labels
from custseg._align import same_index

NAMES = ("a", "b")
CODES = [0, 1, 1]


def _mi(level: list[object]) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([["n", "n", "s"], level])


#: ids of three rows, of every kind equality reads
KINDS: dict[str, object] = {
    "none": None,
    "rows": pd.RangeIndex(3),
    "ints": pd.Index([0, 1, 2], name="customer_id"),
    "floats": pd.Index([0.0, 1.0, 2.0], name="customer_id"),
    "unnamed ints": pd.Index([0, 1, 2]),
    "list": [0, 1, 2],
    "text": pd.Index(["0", "1", "2"], name="customer_id"),
    "moved": pd.Index([1, 0, 2], name="customer_id"),
    "mi ints": _mi([0, 1, 2]),
    "mi floats": _mi([0.0, 1.0, 2.0]),
    "mi text": _mi(["0", "1", "2"]),
}


def _labels(kind: str) -> Labels:
    return Labels(CODES, NAMES, index=KINDS[kind])


def _rows_equal(a: Labels, b: Labels) -> bool:
    """Whether *a* compared row by row with *b*'s pandas form pairs every
    row (no InputError) and finds every label equal."""
    try:
        return bool(np.all(a == b.to_pandas()))
    except InputError:
        return False


def test_equality_agrees_with_comparing_the_pandas_form() -> None:
    # a == b exactly when a == b.to_pandas() pairs every row (b with ids)
    for left in KINDS:
        a = _labels(left)
        for right in KINDS:
            b = _labels(right)
            assert (a == b) == (b == a), (left, right)
            if b.index is not None:
                assert (a == b) == _rows_equal(a, b), (left, right)


def test_row_numbers_are_not_the_customers_0_to_n() -> None:
    rows = Labels(CODES, NAMES, index=pd.RangeIndex(3))
    ids = Labels(CODES, NAMES, index=pd.Index([0, 1, 2], name="customer_id"))
    assert rows != ids and (rows == ids) is False
    assert rows == Labels(CODES, NAMES)  # no ids: row by row
    assert rows == Labels(pd.Series(CODES), NAMES)
    # unnamed integers may be row numbers (as pairing reads them)
    assert rows == Labels(CODES, NAMES, index=pd.Index([0, 1, 2]))


def test_whole_float_level_is_the_integer_level() -> None:
    ints, floats = _labels("mi ints"), _labels("mi floats")
    assert ints == floats and floats == ints
    assert (ints == floats.to_pandas()).all()
    assert same_index(_mi([0, 1, 2]), _mi([0.0, 1.0, np.nan])) is False
    assert same_index(_mi([0, 1, 2]), _mi([0.0, 1.0, 2.5])) is False
    assert same_index(_mi([0, 1, None]), _mi([0.0, 1.0, np.nan]))
    assert ints != _labels("mi text") and ints != Labels(
        CODES, NAMES, index=_mi([1, 0, 2])
    )
    # the ids past 2**53 stay exact on a level too
    big = 2**53 + 1
    assert not same_index(_mi([big, 1, 2]), _mi([float(big), 1.0, 2.0]))
    for lab in (ints, floats):
        assert pickle.loads(pickle.dumps(lab)) == lab == copy.deepcopy(lab)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["x", "y", "z", "w", "v"],
            "code": [0, 1, 1, 0, 1],
            "keep": [True, False, True, True, False],
        }
    )


def test_codes_and_ids_cut_from_one_filtered_frame() -> None:
    f = _frame()
    kept = f[f.keep]
    lab = Labels(kept.code, NAMES, index=kept.customer_id)
    assert list(lab.index) == ["x", "z", "w"] and lab.index.name == "customer_id"
    assert lab.to_pandas().to_dict() == {"x": "a", "z": "b", "w": "a"}
    s = f.sort_values("customer_id")
    lab = Labels(s.code, NAMES, index=s.customer_id)
    assert lab.to_pandas().to_dict() == dict(zip(f.customer_id, "abbab", strict=True))


@given(
    mask=st.lists(st.booleans(), min_size=5, max_size=5).filter(any),
    order=st.permutations(range(5)),
)
@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=25, deadline=None)
def test_codes_with_their_id_column_label_each_customer(
    mask: list[bool], order: list[int]
) -> None:
    f = _frame().iloc[order]
    f = f[np.asarray(mask)]
    lab = Labels(f.code, NAMES, index=f.customer_id).to_pandas()
    assert list(lab.index) == list(f.customer_id)
    want = {i: NAMES[c] for i, c in zip(f.customer_id, f.code, strict=True)}
    assert lab.to_dict() == want


def test_ids_on_other_rows_still_refused_and_the_fix_names_the_column() -> None:
    f = _frame()
    kept = f[f.keep]
    on_ids = f.set_index("customer_id").code
    # a Series of ids on other rows than the codes: other customers
    with pytest.raises(InputError, match="differs from the index of 'codes'"):
        Labels(on_ids, NAMES, index=pd.Series(list("pqrst"), index=list("pqrst")))
    with pytest.raises(InputError, match="differs from the index of 'codes'"):
        Labels(kept.code, NAMES, index=f.customer_id.iloc[:3])
    # the ids without their rows: the fix names the column of the same frame
    with pytest.raises(InputError, match=r"index=frame\['customer_id'\]"):
        Labels(kept.code, NAMES, index=pd.Index(kept.customer_id))
