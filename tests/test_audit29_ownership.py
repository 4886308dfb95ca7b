"""Audit 29, ownership: staff ids come back as given, and the flags of
reassign_neglected take every form of neglected()'s result.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import Labels, assign_owners, neglected, reassign_neglected
from custseg.errors import InputError

# --------------------------------------------------------------------------
# Finding 1: staff ids given as integers came back as text ('7'), so
# staff.join(res.workload()) and customers.join(staff, on="owner") matched
# nothing (all NaN, without a word)


def test_integer_staff_ids_join_back_worked_example() -> None:
    """The report's example: staff 7 and 8 are 7 and 8 everywhere."""
    staff = pd.DataFrame({"name": ["Amy", "Bo"]}, index=pd.Index([7, 8], name="sid"))
    cust = pd.DataFrame(
        {"value": [900.0, 50, 800, 10]},
        index=pd.Index(["c3", "c1", "c2", "c4"], name="cid"),
    )
    res = assign_owners(cust["value"], staff.index)
    assert res.staff == (7, 8)
    assert res.owner.to_pandas().tolist() == [7, 8, 8, 7]
    assert res.to_pandas()["owner"].tolist() == [7, 8, 8, 7]
    assert res.workload().index.tolist() == [7, 8]
    joined = staff.join(res.workload()[["customers", "book"]])
    assert joined["customers"].tolist() == [2, 2]
    named = cust.assign(owner=res.owner.to_pandas()).join(staff, on="owner")
    assert named["name"].tolist() == ["Amy", "Bo", "Bo", "Amy"]
    # compared as text, as documented: the names of the Labels
    assert res.owner.names == ("7", "8") and (res.owner == "7").sum() == 2


def _text(x: object) -> str:
    return x if isinstance(x, str) else str(int(x))  # type: ignore[call-overload]


_ID = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(0, 120).map(np.int64),
    st.integers(0, 120).map(np.int32),
    st.integers(0, 120).map(np.uint16),
    st.sampled_from(["007", "7", "07", "amy", "8", " 7", "0", "bo"]),
    st.integers(0, 120).map(str),
)


@st.composite
def _staff(draw: st.DrawFn) -> list[object]:
    """Staff ids of every kind, different as text (7 and '7' are one id;
    '007' beside 7 is another)."""
    ids = draw(st.lists(_ID, min_size=1, max_size=5, unique_by=_text))
    return ids


def _as_container(ids: list[object], kind: str) -> object:
    if kind == "list":
        return ids
    if kind == "tuple":
        return tuple(ids)
    if kind == "index":
        return pd.Index(ids, dtype=object)
    return pd.Series(ids, dtype=object, name="staff")


def _check_joins_back(res: object, ids: list[object], cust: pd.DataFrame) -> None:
    """Everything of *res* that names a staff member joins onto a staff table
    keyed by *ids* (the staff's own values), and to the right member."""
    k = len(ids)
    if len({isinstance(x, str) for x in ids}) > 1:
        # numbers and text mixed come back as text: no table is keyed so
        ids = [_text(x) for x in ids]
    staff = pd.DataFrame({"pos": range(k)}, index=pd.Index(ids, dtype=object))
    assert list(res.staff) == ids  # type: ignore[attr-defined]
    for got, want in zip(res.staff, ids, strict=True):  # type: ignore[attr-defined]
        assert isinstance(got, str) == isinstance(want, str)
    load = staff.join(res.workload())  # type: ignore[attr-defined]
    assert load["customers"].notna().all()
    assert load["customers"].tolist() == res.count_after.tolist()  # type: ignore[attr-defined]
    codes = res.owner.codes.tolist()  # type: ignore[attr-defined]
    for owner in (res.owner.to_pandas(), res.to_pandas()["owner"]):  # type: ignore[attr-defined]
        joined = cust.assign(owner=owner).join(staff, on="owner")
        assert joined["pos"].tolist() == codes
        assert [owner.iloc[i] for i in range(len(owner))] == [ids[c] for c in codes]
    # a copy (pickle) keeps the ids as given
    again = pickle.loads(pickle.dumps(res.owner))  # type: ignore[attr-defined]
    assert again.to_pandas().tolist() == res.owner.to_pandas().tolist()  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None)
@given(
    _staff(),
    st.sampled_from(["list", "tuple", "index", "series"]),
    st.lists(st.integers(0, 1000), min_size=1, max_size=8),
    st.data(),
)
def test_staff_ids_of_every_kind_join_back(
    ids: list[object], kind: str, values: list[int], data: st.DataObject
) -> None:
    """Ints, NumPy ints, text such as '007' beside 7, mixed: assign_owners and
    reassign_neglected give them back as given, and the results join."""
    n = len(values)
    cust = pd.DataFrame(
        {"value": [float(x) for x in values]},
        index=pd.Index([f"c{i}" for i in range(n)], name="cid"),
    )
    # current owners by their text, which is how they are compared
    owners = data.draw(
        st.lists(
            st.one_of(st.none(), st.sampled_from([_text(s) for s in ids])),
            min_size=n,
            max_size=n,
        )
    )
    staff = _as_container(ids, kind)
    res = assign_owners(
        cust["value"], staff, current_owner=pd.Series(owners, index=cust.index)
    )
    _check_joins_back(res, ids, cust)
    flags = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    moved = reassign_neglected(
        cust["value"],
        res.owner,
        staff,
        pd.Series(flags, index=cust.index),
    )
    _check_joins_back(moved, ids, cust)


def test_integer_staff_ids_in_a_numpy_array() -> None:
    """A NumPy array of ints: its values (as Python ints) come back."""
    res = assign_owners([3.0, 2, 1], np.array([10, 20], dtype=np.int32))
    assert res.staff == (10, 20)
    assert res.workload().index.dtype.kind == "i"
    assert set(res.owner.to_pandas().tolist()) <= {10, 20}


def test_previous_owner_column_of_ints_is_read_again() -> None:
    """An owner column taken from an earlier result (integers now) keeps
    every customer with their owner."""
    value = pd.Series([5.0, 4, 3, 2], index=["a", "b", "c", "d"])
    first = assign_owners(value, [7, 8])
    column = first.to_pandas()["owner"]
    assert column.cat.categories.dtype.kind == "i"
    again = assign_owners(value, [7, 8], current_owner=column)
    assert again.n_moves == 0 and again.owner == first.owner


# --------------------------------------------------------------------------
# Finding 2: reassign_neglected(flags=...) refused neglected()'s own pandas
# form (a categorical of ok/neglected) with "got object", and booleans held
# as objects, nullable booleans and 1/0


def test_flags_kept_in_a_frame_worked_example() -> None:
    """The report's example: the to_pandas() column of neglected() is read."""
    book = pd.DataFrame(
        {
            "value": [5200.0, 4100.0, 900.0],
            "owner": ["amy", "amy", "bo"],
            "last_contact": pd.to_datetime(["2024-01-10", "2024-06-20", None]),
        },
        index=pd.Index(["c1", "c2", "c3"], name="customer_id"),
    )
    flags = neglected(
        book["value"],
        book["last_contact"],
        "2024-07-01",
        window_days=90,
        min_value=2000,
    )
    book["flag"] = flags.to_pandas()
    got = reassign_neglected(book["value"], book["owner"], ["amy", "bo"], book["flag"])
    want = reassign_neglected(book["value"], book["owner"], ["amy", "bo"], flags)
    assert got.owner == want.owner and got.change == want.change
    assert got.owner.to_pandas().tolist() == ["bo", "amy", "bo"]


def _forms(mask: list[bool], index: pd.Index) -> dict[str, object]:
    names = np.where(mask, "neglected", "ok")
    labels = Labels(np.asarray(mask, dtype=np.int8), ("ok", "neglected"), index=index)
    forms: dict[str, object] = {
        "labels": labels,
        "labels.to_pandas()": labels.to_pandas(),
        "categorical": pd.Series(pd.Categorical(names), index=index),
        "object bools": pd.Series(mask, dtype=object, index=index),
        "list of bools": list(mask),
        "boolean": pd.Series(mask, dtype="boolean", index=index),
        "0/1": pd.Series(np.asarray(mask, dtype=np.int64), index=index),
        "Int64 0/1": pd.Series(
            np.asarray(mask, dtype=np.int64), dtype="Int64", index=index
        ),
        "yes/no": pd.Series(np.where(mask, "yes", "no"), index=index),
        "text names": list(names),
    }
    try:
        import pyarrow  # noqa: F401

        forms["bool[pyarrow]"] = pd.Series(mask, dtype="bool[pyarrow]", index=index)
    except ImportError:
        pass
    return forms


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 1000), st.sampled_from(["amy", "bo", None])),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_every_form_of_the_flags_gives_the_same_moves(
    rows: list[tuple[int, str | None]], data: st.DataObject
) -> None:
    """neglected()'s Labels and their pandas form, object and nullable
    booleans and 1/0 move the same customers as a plain boolean mask."""
    n = len(rows)
    index = pd.Index([f"c{i}" for i in range(n)], name="cid")
    value = pd.Series([float(r[0]) for r in rows], index=index)
    owner = pd.Series([r[1] for r in rows], index=index, dtype=object)
    mask = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    staff = ["amy", "bo", "cy"]
    want = reassign_neglected(value, owner, staff, np.asarray(mask))
    for name, flags in _forms(mask, index).items():
        got = reassign_neglected(value, owner, staff, flags)
        assert got.owner == want.owner, name
        assert got.change == want.change, name


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.data())
def test_a_missing_flag_is_named_by_row(n: int, data: st.DataObject) -> None:
    """A missing flag (nullable NA, a categorical gap, None among objects) is
    an InputError naming the first missing row, never read as ok."""
    gap = data.draw(st.integers(0, n - 1))
    mask: list[object] = [data.draw(st.booleans()) for _ in range(n)]
    mask[gap] = None
    index = pd.Index([f"c{i}" for i in range(n)])
    value = pd.Series([100.0] * n, index=index)
    owner = pd.Series(["amy"] * n, index=index)
    names = [None if m is None else ("neglected" if m else "ok") for m in mask]
    for flags in (
        pd.Series(mask, dtype="boolean", index=index),
        pd.Series(pd.Categorical(names, categories=["ok", "neglected"]), index=index),
        pd.Series(mask, dtype=object, index=index),
    ):
        with pytest.raises(InputError, match="'flags' has a missing flag") as info:
            reassign_neglected(value, owner, ["amy", "bo"], flags)
        assert info.value.first_row == gap


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (pd.Series(pd.Categorical(["high"])), "unknown answer 'high'"),
        ([0.5], "numbers \\(0.5\\)"),
        (["maybe"], "unknown answer 'maybe'"),
        ([2], "takes two answers but has the number 2"),
    ],
)
def test_flags_that_are_no_answer_say_what_they_are(flags: object, said: str) -> None:
    """The message names what was passed (its values), never 'object' for
    a column that is not."""
    with pytest.raises(InputError, match=said) as info:
        reassign_neglected([1.0], ["amy"], ["amy", "bo"], flags)
    assert "got object" not in str(info.value)


def test_labels_without_neglected_name_their_labels() -> None:
    """Labels of another classifier are refused, naming their labels."""
    other = Labels([0], ("low", "high"))
    with pytest.raises(InputError, match=r"no label 'neglected'.*'low', 'high'"):
        reassign_neglected([1.0], ["amy"], ["amy", "bo"], other)


# --------------------------------------------------------------------------
# comparisons of the owners take staff ids as given (round 2 of audit 29)


@settings(max_examples=30, deadline=None)
@given(_staff(), st.data())
def test_owner_compares_with_ids_as_given(
    ids: list[object], data: st.DataObject
) -> None:
    """With integer staff, res.owner == 7 was a bare False and
    res.owner == res.to_pandas()['owner'] False on every row: the pandas
    forms hold the ids as given, the comparisons took text only."""
    values = data.draw(st.lists(st.integers(1, 1000), min_size=1, max_size=12))
    res = assign_owners(values, ids)
    text = res.owner.to_numpy().tolist()
    for given_id, name in zip(res.staff, res.owner.names, strict=True):
        assert (res.owner == given_id).tolist() == [t == name for t in text]
        assert (res.owner == name).tolist() == [t == name for t in text]
        assert res.owner.isin([given_id]).tolist() == [t == name for t in text]
    assert (res.owner == res.to_pandas()["owner"]).all()
    assert (res.owner == res.owner.to_pandas()).all()
    assert not (res.owner != list(res.owner.to_pandas())).any()


def test_mixed_staff_ids_report() -> None:
    """Staff 7 beside '007' made an owner column of numbers and text, which
    the report's summary refused ("Summary not computed")."""
    import warnings

    import attrs

    import custseg
    from custseg.errors import CustsegWarning

    res = assign_owners([100, 80, 60, 40], [7, "007"])
    assert res.staff == ("7", "007")
    assert res.owner.to_pandas().cat.categories.tolist() == ["7", "007"]
    tx = pd.DataFrame(
        {
            "customer_id": list("abcdefgh") * 3,
            "date": pd.date_range("2024-01-01", periods=24, freq="7D"),
            "amount": np.arange(24) * 1.5 + 1,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        seg = custseg.segment(tx, as_of="2024-12-31")
        owners = assign_owners(seg.customers["monetary"], [7, "007"])
        made = attrs.evolve(
            seg, customers=seg.customers.assign(owner=owners.to_pandas()["owner"])
        )
        page = custseg.report(made, charts=False).html
    assert "Summary not computed" not in page
