"""Audit 35 (invariance): the same customers give the same answer.

A decision that falls to the lower customer id (a tie) used the order the
ids are stored in: numbers numerically, text character by character. The
same customers read from a CSV file (ids as text) and from a Parquet file
or an integer column (ids as integers) then got different owners from
``assign_owners`` / ``reassign_neglected`` (``custseg assign``), and
``due_contacts`` (``custseg due``) listed tied customers in another order:
``"10"`` sorts before ``"9"``, 10 after 9. Whole numbers written as text
now tie-break in numeric order, as the integers do; other text ids
(``"007"``, ``"c10"``) follow in text order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.errors import InputError
from custseg.ownership import reassign_neglected

_SETTINGS = settings(max_examples=40, deadline=None)
_STAFF = ["amy", "bo", "cy"]


def _by_int_id(labels: custseg.Labels) -> dict[int, str]:
    s = labels.to_pandas()
    return {int(i): o for i, o in zip(s.index, s.tolist(), strict=True)}


@st.composite
def _book(draw: st.DrawFn) -> tuple[list[int], list[float], list[str | None]]:
    ids = draw(st.lists(st.integers(-30, 2**62), min_size=1, max_size=25, unique=True))
    n = len(ids)
    values = draw(
        st.lists(st.sampled_from([0.0, 5.0, 5.0, 20.0]), min_size=n, max_size=n)
    )
    owners = draw(
        st.lists(st.sampled_from([*_STAFF, "gone", None]), min_size=n, max_size=n)
    )
    return ids, values, owners


# --------------------------------------------------------------------------
# the class: integer ids and the same ids as text


@_SETTINGS
@given(_book(), st.sampled_from([None, 0, 2]), st.sampled_from([None, 12]))
def test_assign_owners_same_owners_for_integer_and_text_ids(
    book: tuple[list[int], list[float], list[str | None]],
    max_moves: int | None,
    capacity: int | None,
) -> None:
    ids, values, owners = book
    as_int = custseg.assign_owners(
        pd.Series(values, index=pd.Index(ids, name="cid")),
        _STAFF,
        current_owner=owners,
        max_moves=max_moves,
        capacity=capacity,
    )
    as_text = custseg.assign_owners(
        pd.Series(values, index=pd.Index([str(i) for i in ids], name="cid")),
        _STAFF,
        current_owner=owners,
        max_moves=max_moves,
        capacity=capacity,
    )
    assert _by_int_id(as_int.owner) == _by_int_id(as_text.owner)
    assert as_int.n_moves == as_text.n_moves


@_SETTINGS
@given(_book(), st.data())
def test_reassign_neglected_same_owners_for_integer_and_text_ids(
    book: tuple[list[int], list[float], list[str | None]], data: st.DataObject
) -> None:
    ids, values, owners = book
    flags = data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
    runs = [
        reassign_neglected(
            pd.Series(values, index=pd.Index(index, name="cid")),
            owners,
            _STAFF,
            flags,
        )
        for index in (ids, [str(i) for i in ids])
    ]
    assert _by_int_id(runs[0].owner) == _by_int_id(runs[1].owner)


@_SETTINGS
@given(
    st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=20, unique=True),
    st.data(),
)
def test_due_contacts_same_order_for_integer_and_text_ids(
    ids: list[int], data: st.DataObject
) -> None:
    n = len(ids)
    last = data.draw(
        st.lists(
            st.sampled_from([None, "2024-11-01", "2024-12-01"]), min_size=n, max_size=n
        )
    )
    lists = [
        custseg.due_contacts(last, 30, "2024-12-28", customer=customer).to_pandas()
        for customer in (ids, [str(i) for i in ids])
    ]
    assert [int(i) for i in lists[0].index] == [int(i) for i in lists[1].index]
    assert lists[0]["reason"].tolist() == lists[1]["reason"].tolist()


# --------------------------------------------------------------------------
# the examples


def test_twelve_equal_customers_example() -> None:
    values = [100.0] * 12
    as_int = custseg.assign_owners(
        pd.Series(values, index=pd.Index(range(1, 13), name="cid")), _STAFF
    )
    as_text = custseg.assign_owners(
        pd.Series(values, index=pd.Index([str(i) for i in range(1, 13)], name="cid")),
        _STAFF,
    )
    # 10, 11 and 12 got bo, cy, amy as text ("10" sorted before "2")
    assert _by_int_id(as_text.owner) == _by_int_id(as_int.owner)
    assert [_by_int_id(as_text.owner)[i] for i in (10, 11, 12)] == [
        "amy",
        "bo",
        "cy",
    ]


def test_due_list_example() -> None:
    due = custseg.due_contacts(
        [None] * 4, 30, "2024-12-28", customer=["8", "9", "10", "11"]
    )
    assert due.to_pandas().index.tolist() == ["8", "9", "10", "11"]


def test_due_list_mixed_ids_keep_numeric_order() -> None:
    # the integers of a list of ids that mixes kinds were ordered as text
    for ids in ([1, 9, 10], [1, 9, 10, "a"], [10, "a", 9, 1]):
        due = custseg.due_contacts([None] * len(ids), 30, "2024-12-28", customer=ids)
        got = [x for x in due.to_pandas().index if isinstance(x, int)]
        assert got == [1, 9, 10]


def test_cli_assign_csv_and_parquet_give_the_same_owners(tmp_path: object) -> None:
    pytest.importorskip("pyarrow")
    from pathlib import Path

    tmp = Path(str(tmp_path))
    customers = pd.DataFrame({"customer_id": range(1, 13), "monetary": [100.0] * 12})
    customers.to_csv(tmp / "c.csv", index=False)
    customers.to_parquet(tmp / "c.parquet", index=False)
    pd.DataFrame({"staff": _STAFF}).to_csv(tmp / "s.csv", index=False)
    owners = []
    for name in ("c.csv", "c.parquet"):
        out = tmp / f"o_{name}.csv"
        assert (
            main(["assign", str(tmp / name), str(tmp / "s.csv"), "--output", str(out)])
            == 0
        )
        got = pd.read_csv(out, dtype=str).set_index("customer_id")["owner"]
        owners.append(got.sort_index().to_dict())
    assert owners[0] == owners[1]


# --------------------------------------------------------------------------
# the order itself


def test_id_order_whole_numbers_first_in_numeric_order() -> None:
    from custseg._validate import id_order

    ids = np.array(["10", "9", "c1", "007", "-2", "+1", " 3", "-0", "１", "0"])
    assert ids[id_order(ids)].tolist() == [
        "-2",
        "0",
        "9",
        "10",
        " 3",
        "+1",
        "-0",
        "007",
        "c1",
        "１",
    ]


def test_id_order_past_int64_and_object_text() -> None:
    from custseg._validate import id_order

    big = str(2**70)
    ids = np.array([big, "5", "x\x00", "-" + big], dtype=object)
    assert ids[id_order(ids)].tolist() == ["-" + big, "5", big, "x\x00"]
    assert id_order(np.array(["a", "b"])) is None
    assert id_order(np.array([3, 1])) is None
    assert id_order(np.array([], dtype=str)) is None
    # repeated ids stay next to each other in that order: still refused
    with pytest.raises(InputError, match="duplicate"):
        custseg.assign_owners(
            pd.Series([1.0, 2.0, 3.0], index=["10", "9", "10"]), _STAFF
        )
    with pytest.raises(InputError, match="repeated"):
        custseg.due_contacts([None] * 3, 30, "2024-12-28", customer=["10", "9", "10"])


def test_cli_due_csv_and_parquet_list_alike(tmp_path: object) -> None:
    pytest.importorskip("pyarrow")
    from pathlib import Path

    tmp = Path(str(tmp_path))
    rng = np.random.default_rng(3)
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, 25),
            "lifecycle": rng.choice(["active", "silent", "lost"], 24),
            "last_contact": rng.choice(["2024-11-01", "2024-12-01", None], 24),
        }
    )
    customers.to_csv(tmp / "d.csv", index=False)
    customers.to_parquet(tmp / "d.parquet", index=False)
    lists = []
    for name in ("d.csv", "d.parquet"):
        out = tmp / f"due_{name}.csv"
        assert (
            main(
                [
                    "due",
                    str(tmp / name),
                    "--as-of",
                    "2024-12-28",
                    "--class-column",
                    "lifecycle",
                    "--output",
                    str(out),
                ]
            )
            == 0
        )
        lists.append(pd.read_csv(out, dtype=str, keep_default_na=False))
    pd.testing.assert_frame_equal(lists[0], lists[1])
