"""Audit 35, round 2 of the ownership changes (ops2): owners given as
numbers that are staff ids written ``"7.0"``, and signed look-alike owners."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import CustsegWarning, assign_owners
from custseg.errors import InputError


def _forced(staff: list, owner: object, n: int) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CustsegWarning)
        return assign_owners([1.0] * n, staff, current_owner=owner).n_forced


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=6, unique=True))
def test_float_owner_is_staff_written_as_float(ids):
    """A staff list written from a float column (ids ``"7.0"``) and owners
    in a float column (7.0, NaN for none) are the same people: nobody is
    forced to move and no look-alike warning fires."""
    staff = [f"{i}.0" for i in ids]
    owners = pd.Series([float(i) for i in ids] + [np.nan])
    assert _forced(staff, owners, len(ids) + 1) == 0
    as_list = [float(i) for i in ids] + [None]  # Python floats: the same
    assert _forced(staff, as_list, len(ids) + 1) == 0


def test_float_owner_repro():
    a = assign_owners(
        [1.0] * 4, ["7.0", "8"], current_owner=pd.Series([7.0, 7.0, 8.0, np.nan])
    )
    assert a.n_forced == 0
    assert list(a.owner)[:3] == ["7.0", "7.0", "8"]


def test_int_owner_is_not_staff_written_as_float():
    """Only numbers Python writes as ``7.0`` match the staff id ``"7.0"``;
    the integer 7 beside it in one object array is still another id."""
    with pytest.warns(CustsegWarning, match="only by a '.0'"):
        a = assign_owners(
            [1.0, 1.0],
            ["7.0", "8"],
            current_owner=np.array([7.0, 7], dtype=object),
        )
    assert a.n_forced == 1


@pytest.mark.parametrize(
    ("staff", "owner", "how"),
    [
        ("-7", "-07", "only by leading zeros"),
        ("-1", "-01", "only by leading zeros"),
        ("0", "-0", "only by a sign"),
        ("1", "+1", "only by a sign"),
        ("00", "-0", "only by a sign and leading zeros"),
    ],
)
def test_signed_look_alike_owners_warned_and_named(staff, owner, how):
    """Negative padded owners were never warned about, and a '+' was
    called leading zeros."""
    with pytest.warns(CustsegWarning, match=f"differs from its id '{staff}' {how},"):
        assign_owners([1.0, 1.0], [staff, "bo"], current_owner=[owner, "bo"])


# --- Spark columns given to per-customer functions ----------------------------

_PER_CUSTOMER = [
    ("assign_owners", lambda c: custseg.assign_owners(c, ["a"]), "value"),
    (
        "assign_owners ids",
        lambda c: custseg.assign_owners([1.0], ["a"], customer_id=c),
        "customer_id",
    ),
    (
        "assign_owners owner",
        lambda c: custseg.assign_owners([1.0], ["a"], current_owner=c),
        "current_owner",
    ),
    (
        "due_contacts",
        lambda c: custseg.due_contacts(c, 30, "2024-07-01"),
        "last_contact",
    ),
    (
        "due_contacts ids",
        lambda c: custseg.due_contacts(
            pd.Series(pd.to_datetime(["2024-01-01"])), 30, "2024-07-01", customer=c
        ),
        "customer",
    ),
    ("abc_classes", lambda c: custseg.abc_classes(c), "values"),
    ("tags_from_values", lambda c: custseg.tags_from_values(c, {1.0: "x"}), "column"),
    ("nps_band", lambda c: custseg.nps_band(c), "scores"),
    ("repurchase_band", lambda c: custseg.repurchase_band(c), None),
]


def _fake_column() -> object:
    """An object typed as pyspark's Column: every attribute is another one,
    as a Spark Column answers ``df.v.dtype`` (no Spark session needed)."""

    class Column:
        __module__ = "pyspark.sql.classic.column"

        def __getattr__(self, name: str) -> Column:
            return Column()

        def __bool__(self) -> bool:
            raise ValueError("Cannot convert column into bool")

        def __iter__(self):
            raise TypeError("Column is not iterable")

    return Column()


@pytest.mark.parametrize(("name", "call", "field"), _PER_CUSTOMER)
def test_spark_like_column_refused_by_name(name, call, field):
    """A Spark Column failed deep inside custseg (``'in <string>' requires
    string``, ``CANNOT_CONVERT_COLUMN_INTO_BOOL``, ``'Column' object is not
    callable``); now an InputError names the argument and says to collect."""
    with pytest.raises(InputError, match="is a Spark Column") as err:
        call(_fake_column())
    if field is not None:
        assert err.value.field == field
    assert "toPandas()" in str(err.value)


def test_real_spark_column_refused():
    pytest.importorskip("pyspark.sql")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("no Java for Spark")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    sdf = spark.createDataFrame(pd.DataFrame({"v": [1.0, 2.0, 3.0]}))
    for _, call, _field in _PER_CUSTOMER:
        with pytest.raises(InputError, match="is a Spark Column"):
            call(sdf.v)


def test_cli_float_owners_keep_staff_written_as_float(tmp_path, monkeypatch):
    """``custseg assign`` with a Parquet float column of owners (7.0, a
    blank) and a staff file whose ids were written ``7.0``: before, both
    customers of ``7.0`` were forced to move and a warning named an owner
    ``'7'``."""
    pytest.importorskip("pyarrow")
    import contextlib
    import io

    from custseg.cli import main

    pd.DataFrame(
        {"id": [1, 2, 3, 4], "monetary": 1.0, "owner": [7.0, 7.0, 8.0, np.nan]}
    ).to_parquet(tmp_path / "c.parquet")
    (tmp_path / "staff.csv").write_text("staff\n7.0\n8\n")
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["assign", "c.parquet", "staff.csv", "--output", "o.csv"])
    assert status == 0
    assert "warning" not in err.getvalue(), err.getvalue()
    out = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert out["change"].tolist()[:3] == ["kept", "kept", "kept"]


# --- text ids held as NumPy strings (np.str_) ---------------------------------


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(-50, 10**4), min_size=2, max_size=12, unique=True),
    st.sampled_from(["list", "series"]),
)
def test_numpy_str_ids_break_ties_as_integers(ids, container):
    """Text ids given as NumPy strings (``list(array)`` yields ``np.str_``,
    as does a pandas object column built from it) broke ties in text order
    (``"10"`` before ``"9"``), where ``str`` ids and integers use numeric
    order: other owners and another due-list order, no error."""
    texts = list(np.array([str(i) for i in ids]))
    assert type(texts[0]) is np.str_
    given_ids = texts if container == "list" else pd.Series(texts, dtype=object)
    n = len(ids)
    staff = ["amy", "bo", "cy"]
    by_int = assign_owners([1.0] * n, staff, customer_id=np.array(ids))
    by_text = assign_owners([1.0] * n, staff, customer_id=given_ids)
    assert list(by_text.owner) == list(by_int.owner)
    never = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    due_int = custseg.due_contacts(never, 30, "2024-07-01", customer=np.array(ids))
    due_text = custseg.due_contacts(never, 30, "2024-07-01", customer=given_ids)
    assert [str(c) for c in due_text.customer] == [str(c) for c in due_int.customer]


def test_numpy_str_ids_repro():
    ids = list(np.array(["8", "9", "10", "11", "12"]))
    never = np.full(5, np.datetime64("NaT"), dtype="datetime64[ns]")
    due = custseg.due_contacts(never, 30, "2024-07-01", customer=ids)
    assert [str(c) for c in due.customer] == ["8", "9", "10", "11", "12"]


def test_reassign_neglected_float_owner_is_staff_written_as_float():
    """reassign_neglected reads owners as assign_owners does: before, the
    customers of staff ``"7.0"`` were forced with a look-alike warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CustsegWarning)
        r = custseg.reassign_neglected(
            [1.0, 1.0, 1.0],
            pd.Series([7.0, 8.0, 7.0]),
            ["7.0", "8"],
            [False, False, False],
        )
    assert r.n_forced == 0
    assert list(r.owner) == ["7.0", "8", "7.0"]
