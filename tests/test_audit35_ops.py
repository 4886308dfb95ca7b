"""Audit 35 (ops): ownership, due contacts, tags, groups and profiles.

1. A Dask Series given as a per-customer column was computed by NumPy and
   its index, the customer ids, dropped: the due list named customers
   ``0, 2, 1``, the owners came back on row numbers. Now an ``InputError``
   naming the column and ``.compute()``, in every function that reads its
   ids through ``_align.common_index`` / ``index_of``.
2. A Dask DataFrame (or a DuckDB relation) given as a table to
   ``profile_completeness`` or ``group_summary`` was told "must be a
   DataFrame ..., got DataFrame": now it is named, with its call.
3. Owners that read like a staff id (spaces, invisible characters, Unicode
   form) moved as customers of staff who left with no warning in Python
   (the command line warned): now ``assign_owners`` and
   ``reassign_neglected`` warn, and the command line still once.
4. Owners that differ from a staff id only by letter case (``Amy`` for
   ``amy``) moved unseen everywhere: now they are named too.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError
from custseg.groups import (
    TagMatrix,
    group_summary,
    life_stage_tags,
    tags_from_values,
)
from custseg.ownership import assign_owners, neglected, reassign_neglected
from custseg.playbook import actions, default_playbook, due_contacts
from custseg.profile import profile_completeness

dd = pytest.importorskip("dask.dataframe")

_SETTINGS = settings(max_examples=25, deadline=None)


def _frame(ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "value": np.arange(n, 0, -1, dtype=float),
            "owner": (["amy", None, "bo"] * n)[:n],
            "last_contact": pd.to_datetime((["2024-01-01", None] * n)[:n]),
            "lifecycle": (["active", "silent", "lost"] * n)[:n],
            "interest": (["tea", "yoga"] * n)[:n],
        },
        index=pd.Index(ids, name="customer_id"),
    )


# --------------------------------------------------------------------------
# 1. Dask columns are refused, never read without their ids

#: (function of one per-customer column, the field the error names)
_CALLS: dict[str, tuple[Any, str]] = {
    "assign_owners": (lambda c: assign_owners(c["value"], ["amy", "bo"]), "value"),
    "assign_owners current_owner": (
        lambda c: assign_owners(
            c["value"].compute(), ["amy", "bo"], current_owner=c["owner"]
        ),
        "current_owner",
    ),
    "neglected": (
        lambda c: neglected(
            c["value"], c["last_contact"], "2024-07-01", window_days=30, min_value=1
        ),
        "value",
    ),
    "reassign_neglected": (
        lambda c: reassign_neglected(
            c["value"], c["owner"], ["amy", "bo"], [False] * len(c["value"])
        ),
        "value",
    ),
    "actions": (
        lambda c: actions(c["lifecycle"], default_playbook("lifecycle")),
        "labels",
    ),
    "due_contacts": (
        lambda c: due_contacts(c["last_contact"], 30, "2024-07-01"),
        "last_contact",
    ),
    "tags_from_values": (lambda c: tags_from_values(c["interest"]), "column"),
    "TagMatrix": (lambda c: TagMatrix(("tea",), c["interest"] == "tea"), "matrix"),
    "life_stage_tags": (
        lambda c: life_stage_tags(as_of="2024-07-01", baby_birthday=c["last_contact"]),
        "baby_birthday",
    ),
    "profile_completeness mapping": (
        lambda c: profile_completeness(
            {"name": c["interest"]}, hard=["name"], soft=[], weights=(1, 0)
        ),
        "name",
    ),
    "abc_classes": (lambda c: custseg.abc_classes(c["value"]), "values"),
    "lifecycle_stage": (lambda c: custseg.lifecycle_stage(c["value"]), "recency_days"),
}


@pytest.mark.parametrize("name", sorted(_CALLS))
def test_a_dask_series_is_refused_naming_it(name: str) -> None:
    """Every per-customer function: an InputError naming the column and
    ``.compute()``, never results on row numbers."""
    call, field = _CALLS[name]
    ddf = dd.from_pandas(_frame(["c", "a", "b"]), npartitions=2)
    columns = {c: ddf[c] for c in ddf.columns}
    with pytest.raises(InputError) as info:
        call(columns)
    assert info.value.field == field
    assert "is a Dask Series" in str(info.value)
    assert f"{field}.compute()" in str(info.value)


@_SETTINGS
@given(
    ids=st.lists(
        st.text("abcxyz0", min_size=1, max_size=3), min_size=1, max_size=8, unique=True
    ),
    parts=st.integers(1, 3),
)
def test_the_computed_series_gives_the_pandas_result(
    ids: list[str], parts: int
) -> None:
    """The fix the error gives works: ``.compute()`` is the pandas Series on
    its ids, and the due list names the customers by them, whatever their
    order (Dask sorts the index)."""
    frame = _frame(ids)
    ddf = dd.from_pandas(frame, npartitions=parts)
    with pytest.raises(InputError, match=r"last_contact\.compute"):
        due_contacts(ddf["last_contact"], 30, "2024-07-01")
    got = due_contacts(ddf["last_contact"].compute(), 30, "2024-07-01")
    want = due_contacts(frame["last_contact"], 30, "2024-07-01")
    assert sorted(got.customer.tolist()) == sorted(want.customer.tolist())
    assert set(got.customer.tolist()) <= set(ids)


def test_the_probe_due_list_of_row_numbers() -> None:
    frame = _frame(["c", "a", "b"])
    ddf = dd.from_pandas(frame, npartitions=2)
    due = due_contacts(frame["last_contact"], 30, "2024-07-01")
    assert due.customer.tolist() == ["a", "b", "c"]
    with pytest.raises(InputError) as info:
        due_contacts(ddf["last_contact"], 30, "2024-07-01")  # was row numbers
    assert str(info.value) == (
        "'last_contact' is a Dask Series: custseg reads its columns in memory, "
        "where NumPy would compute it and drop its index (the customer ids), "
        "giving results on row numbers: pass last_contact.compute(), a pandas "
        "Series on the customer ids"
    )
    # still read: a Dask Index holds ids by value (no index of its own to
    # lose), and transactions are keyed by their id column, not their rows
    got = due_contacts(
        ddf["last_contact"].compute().to_numpy(), 30, "2024-07-01", customer=ddf.index
    )
    assert sorted(got.customer.tolist()) == ["a", "b", "c"]
    tx = dd.from_pandas(
        pd.DataFrame(
            {
                "customer_id": ["x", "y", "x"],
                "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                "amount": [1.0, 2.0, 3.0],
            }
        ),
        npartitions=2,
    )
    facts = custseg.summarize(tx["customer_id"], tx["date"], tx["amount"])
    assert facts.customer_id.tolist() == ["x", "y"]


# --------------------------------------------------------------------------
# 2. tables of other libraries named, with their call


def test_a_dask_frame_is_named_with_its_call() -> None:
    frame = _frame(["c", "a", "b"])
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(InputError) as info:
        profile_completeness(
            ddf[["interest"]], hard=["interest"], soft=[], weights=(1, 0)
        )
    assert str(info.value) == (
        "'profile' is a Dask DataFrame, not a pandas DataFrame or a mapping of "
        "columns: pass profile.compute()"
    )
    tags = TagMatrix(("g",), [[True], [False], [True]], index=frame.index)
    with pytest.raises(InputError) as info:
        group_summary(tags, ddf[["value"]])
    assert str(info.value) == (
        "'facts' is a Dask DataFrame, not a pandas DataFrame, CustomerFacts or a "
        "mapping of columns: pass facts.compute()"
    )
    with pytest.raises(InputError, match=r"'matrix' is a Dask DataFrame"):
        TagMatrix(("value",), ddf[["value"]] > 1)  # was on row numbers
    # the fix runs
    facts = ddf[["value"]].compute().reindex(tags.index)  # Dask sorted the ids
    assert group_summary(tags, facts).totals["value"].tolist() == [
        4.0,
        6.0,
    ]


def test_a_duckdb_relation_is_named_with_its_call() -> None:
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.sql("select 'Li' as name")
    with pytest.raises(InputError) as info:
        profile_completeness(rel, hard=["name"], soft=[], weights=(1, 0))
    assert "is a DuckDB relation (DuckDBPyRelation)" in str(info.value)
    assert "pass profile.df()" in str(info.value)


# --------------------------------------------------------------------------
# 3 and 4. look-alike owners are named in Python and on the command line

_BASES = ["amy", "bo", "7", "007", "A1", "José", "li-na"]


def _spellings(base: str) -> list[str]:
    """Spellings of *base* a CRM export gives that are not *base*: spaces,
    an invisible character, letter case, a decomposed accent."""
    out = [f" {base}", f"{base}\u200b", base.upper(), base.title(), base.swapcase()]
    out.append(base.replace("é", "e\u0301"))
    if base.isdigit():  # a staff number whose leading zeros a column dropped
        out += [f"0{base}", f"00{base}.0", base.lstrip("0") or "0"]
    return [s for s in dict.fromkeys(out) if s != base]


@st.composite
def _book(draw: st.DrawFn) -> tuple[list[str], list[str | None], dict[str, int]]:
    """Staff, an owner per customer (staff ids, look-alikes, departed, none)
    and the customers of each look-alike owner."""
    staff = draw(st.lists(st.sampled_from(_BASES), min_size=1, max_size=4, unique=True))
    owners: list[str | None] = []
    near: dict[str, int] = {}
    for _ in range(draw(st.integers(0, 4))):
        base = draw(st.sampled_from(staff))
        spelled = draw(st.sampled_from(_spellings(base)))
        if spelled in staff or spelled.removesuffix(".0") in staff:
            continue  # an owner written as a float ('007.0') is that staff id
        k = draw(st.integers(1, 3))
        near[spelled] = near.get(spelled, 0) + k
        owners += [spelled] * k
    owners += draw(st.lists(st.sampled_from([*staff, "gone", None]), max_size=6))
    if not owners:
        owners = [None]
    return staff, list(draw(st.permutations(owners))), near


def _caught(call: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = call()
    return res, [
        str(w.message)
        for w in caught
        if issubclass(w.category, CustsegWarning) and "differ" in str(w.message)
    ]


@_SETTINGS
@given(case=_book())
def test_assign_owners_names_every_look_alike_owner(
    case: tuple[list[str], list[str | None], dict[str, int]],
) -> None:
    """A warning exactly when customers move away from an owner that reads
    like a staff id, counting them all; the assignment itself unchanged
    (ids are compared exactly as written)."""
    staff, owners, near = case
    values = list(range(len(owners), 0, -1))
    res, notes = _caught(lambda: assign_owners(values, staff, current_owner=owners))
    if not near:
        assert notes == []
        return
    assert len(notes) == 1, notes
    total = sum(near.values())
    assert notes[0].startswith(f"{total} customer{'s' if total != 1 else ''} of ")
    assert "not in the staff list" in notes[0]
    changes = res.change.to_numpy()
    away = [i for i, o in enumerate(owners) if o in near]
    assert all(changes[i] == "forced" for i in away)
    # the same for reassign_neglected (nobody neglected)
    _, again = _caught(
        lambda: reassign_neglected(values, owners, staff, [False] * len(owners))
    )
    assert again == notes


def test_the_probe_owners_moved_unseen() -> None:
    res, notes = _caught(
        lambda: assign_owners(
            [5, 4, 3, 2],
            ["amy", "bo", "cy"],
            current_owner=["amy ", "Bo", "amy\u200b", "cy"],
        )
    )
    assert res.change.to_numpy().tolist() == ["forced", "forced", "forced", "kept"]
    assert len(notes) == 1  # was none
    note = notes[0]
    assert note.startswith("3 customers of 3 owners that are not in the staff list")
    assert (
        "owner 'Bo' (1 customer) differs from its id 'bo' only by letter case" in note
    )
    assert "owner 'amy ' (1 customer) differs from its id 'amy' only by spaces" in note
    assert "'amy\\u200b' (U+200B)" in note
    # never named: ``7.0`` for staff ``7`` (pandas' float), exact ids and
    # missing owners keep their customers
    res, notes = _caught(
        lambda: assign_owners(
            [3, 2, 1, 1], [7, "bo"], current_owner=["7.0", 7.0, "bo", None]
        )
    )
    assert notes == []
    assert res.change.to_numpy().tolist()[:3] == ["kept"] * 3


def _assign_cli(tmp: Path, staff: list[str], owners: list[str]) -> tuple[int, str]:
    lines = ["customer_id,monetary,owner"]
    lines += [f'c{i},{i + 1},"{o}"' for i, o in enumerate(owners)]
    (tmp / "cust.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp / "staff.csv").write_text("staff\n" + "\n".join(staff) + "\n", "utf-8")
    err = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(tmp)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["assign", "cust.csv", "staff.csv", "--output", "o.csv"])
    finally:
        os.chdir(cwd)
    return status, err.getvalue()


def test_the_probe_staff_numbers_without_their_zeros(tmp_path: Path) -> None:
    """Staff numbered ``07`` and ``8`` in the staff file; the owners a
    Parquet column of integers (``7``) or a CSV export (``08``) holds."""
    pytest.importorskip("pyarrow")
    res, notes = _caught(
        lambda: assign_owners([3, 2, 1], ["07", "8"], current_owner=[7, "08", "8"])
    )
    assert res.change.to_numpy().tolist() == ["forced", "forced", "kept"]
    assert len(notes) == 1  # was none
    assert (
        "owner '7' (1 customer) differs from its id '07' only by leading zeros"
        in (notes[0])
    )
    pd.DataFrame(
        {
            "customer_id": ["001", "002"],
            "monetary": [1.0, 2.0],
            "owner": pd.array([7, 8], dtype="Int64"),
        }
    ).to_parquet(tmp_path / "cust.parquet", index=False)
    (tmp_path / "staff.csv").write_text("staff\n07\n8\n", encoding="utf-8")
    err = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["assign", "cust.parquet", "staff.csv", "--output", "o.csv"])
    finally:
        os.chdir(cwd)
    assert status == 0
    assert err.getvalue().startswith(
        "custseg: warning: 1 customer of owner '7', which is not in the staff "
        "file but differs from its id '07' only by leading zeros"
    ), err.getvalue()


def test_the_command_names_case_look_alikes_once(tmp_path: Path) -> None:
    status, err = _assign_cli(tmp_path, ["amy", "bo"], ["AMY", "Bo", "amy", "bo "])
    assert status == 0
    warned = [x for x in err.splitlines() if "differ" in x]
    assert len(warned) == 1, err  # the file's words, not the library's too
    assert warned[0].startswith(
        "custseg: warning: 3 customers of 3 owners that are not in the staff file"
    )
    assert (
        "owner 'AMY' (1 customer) differs from its id 'amy' only by letter case" in err
    )
    assert "owner 'bo ' (1 customer) differs from its id 'bo' only by spaces" in err
    assert "write the owners as the staff file does" in err
