"""Customer ids across inputs (audit 3, dtypes #2, #3, #4, #7, #10).

* ``segment(records=)`` / ``segment(contacts=)`` keep integer ids exactly
  whatever the two sides' integer dtypes (int64 with uint64 would otherwise
  meet through float64), and read a Categorical id column by its categories.
* A pandas MultiIndex is read as tuple ids (as an Index of tuples is) by
  ``assign_owners``, ``reassign_neglected``, ``due_contacts`` and
  ``transition_matrix``; results keep it.
* ``transition_matrix`` refuses indexes of two id kinds, and pairs integer
  ids of different dtypes exactly.
* ``contact_summary(first_sale=)`` names ``first_sale`` and the two kinds.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._align import id_kind, same_ids
from custseg.errors import InputError

B = 2**53
#: ids around every edge of the integer dtypes (and of float64's precision)
POOL = (
    -(2**63),
    -129,
    -1,
    0,
    1,
    7,
    127,
    128,
    255,
    256,
    2**31,
    B - 1,
    B,
    B + 1,
    B + 2,
    B + 3,
    2**63 - 1,
    2**63,
    2**63 + 1,
    2**64 - 1,
)
try:
    import pyarrow  # noqa: F401

    HAVE_ARROW = True
except ImportError:  # the [test] extra alone: no Arrow dtypes
    HAVE_ARROW = False
NUMPY_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
INT_DTYPES = tuple(
    d
    for d in (
        *NUMPY_INTS,
        "Int64",
        "UInt64",
        "int64[pyarrow]",
        "uint64[pyarrow]",
        "object",  # Python ints, also past uint64
    )
    if HAVE_ARROW or "[pyarrow]" not in d
)


def _range(dtype: str) -> tuple[int, int]:
    if dtype == "object":
        return -(2**70), 2**70
    base = dtype.split("[")[0].lower()
    info = np.iinfo(np.dtype(base))
    return int(info.min), int(info.max)


def _fits(dtype: str) -> list[int]:
    lo, hi = _range(dtype)
    extra = [2**70, -(2**70)] if dtype == "object" else []
    return [x for x in (*POOL, *extra) if lo <= x <= hi]


def _column(ids: list[int], dtype: str) -> object:
    if dtype == "object":
        return np.array(ids, dtype=object)
    if dtype in NUMPY_INTS:
        return np.array(ids, dtype=dtype)
    return pd.array(np.array(ids, dtype=object), dtype=dtype)


def _segment(tx: pd.DataFrame, **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.segment(tx, preset="base", as_of="2024-07-01", **kw).customers


def _tx(ids: object, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.date_range("2024-01-01", periods=n, freq="D"),
            "amount": np.arange(1, n + 1, dtype=float),
        }
    )


@st.composite
def id_pairs(draw: st.DrawFn, categorical: bool = True) -> tuple:
    """Two integer dtypes and ids fitting each, often shared."""
    tx_dtype = draw(st.sampled_from(INT_DTYPES))
    other = (*INT_DTYPES, "category") if categorical else INT_DTYPES
    rec_dtype = draw(st.sampled_from(other))
    tx_ids = draw(st.lists(st.sampled_from(_fits(tx_dtype)), min_size=1, max_size=6))
    fit = _fits("int64" if rec_dtype == "category" else rec_dtype)
    shared = [x for x in tx_ids if x in fit]
    rec_ids = draw(
        st.lists(st.sampled_from(fit + shared), max_size=6, unique=True)
        if fit + shared
        else st.just([])
    )
    return tx_dtype, tx_ids, rec_dtype, rec_ids


def _rec_column(ids: list[int], dtype: str) -> object:
    if dtype == "category":
        return pd.Categorical(np.array(ids, dtype=np.int64))
    return _column(ids, dtype)


def _ints(index: pd.Index) -> list[int]:
    return [int(x) for x in index]


class TestRecordsIntegerIds:
    @settings(max_examples=60, deadline=None)
    @given(id_pairs())
    def test_ids_kept_exactly_records_on_their_customer(self, pair: tuple) -> None:
        """Any two integer id dtypes: the ids, present and the record values
        are those of the input (int64 with uint64 went through float64)."""
        tx_dtype, tx_ids, rec_dtype, rec_ids = pair
        tx = _tx(_column(tx_ids, tx_dtype), len(tx_ids))
        recs = pd.DataFrame(
            {
                "customer_id": _rec_column(rec_ids, rec_dtype),
                "note": [f"r{x}" for x in rec_ids],
            }
        )
        out = _segment(tx, records=recs)
        buyers = sorted(set(tx_ids))
        expected = buyers + sorted(x for x in rec_ids if x not in set(tx_ids))
        assert _ints(out.index) == expected
        assert out.index.dtype != np.float64
        present = ["both" if x in rec_ids else "transactions_only" for x in buyers] + [
            "records_only"
        ] * (len(expected) - len(buyers))
        assert out["present"].tolist() == present
        notes = [None if pd.isna(x) else x for x in out["note"].tolist()]
        assert notes == [f"r{x}" if x in rec_ids else None for x in expected]

    @settings(max_examples=80, deadline=None)
    @given(id_pairs(categorical=False))
    def test_contacts_ids_kept_exactly(self, pair: tuple) -> None:
        """The same with a contact log: a contact reaches its customer."""
        tx_dtype, tx_ids, con_dtype, con_ids = pair
        if not con_ids:
            return
        tx = _tx(_column(tx_ids, tx_dtype), len(tx_ids))
        tx["date"] = pd.Timestamp("2024-01-01")
        contacts = pd.DataFrame(
            {
                "customer_id": _column(con_ids, con_dtype),
                "date": pd.Timestamp("2024-01-03"),
                "initiator": "company",
                "kind": "follow_up",
            }
        )
        out = _segment(tx, contacts=contacts)
        buyers = sorted(set(tx_ids))
        # customers only in the log follow, in id order (contact_summary's)
        expected = buyers + sorted(set(con_ids) - set(tx_ids))
        assert _ints(out.index) == expected
        # a buyer with a follow-up after the first sale is accountable
        want = ["accountable" if x in con_ids else "basic" for x in buyers] + [
            "no_sale"
        ] * (len(expected) - len(buyers))
        assert out["relationship"].tolist() == want
        assert out["present"].tolist()[: len(buyers)] == [
            "both" if x in con_ids else "transactions_only" for x in buyers
        ]

    def test_audit_example(self) -> None:
        """int64 transactions, uint64 records past 2**53 (the report's case)."""
        tx = _tx(np.array([B + 1, B + 2], np.int64), 2)
        recs = pd.DataFrame(
            {
                "customer_id": np.array([B + 1, B + 2, B + 3], np.uint64),
                "satisfaction": [5, 1, 3],
            }
        )
        out = _segment(tx, records=recs)
        assert _ints(out.index) == [B + 1, B + 2, B + 3]
        assert out["present"].tolist() == ["both", "both", "records_only"]
        assert out["satisfaction"].tolist() == [5, 1, 3]


class TestRecordsCategoricalIds:
    @pytest.mark.parametrize(
        ("tx_ids", "cat"),
        [
            (["a", "b"], pd.Categorical(["a", "b", "c"])),
            (["a", "b"], pd.Categorical(["c", "b", "a"], ordered=True)),
            (["a", "b"], pd.Categorical(["a", "c"], categories=["z", "c", "a"])),
            ([1, 2], pd.Categorical([1, 2, 3])),
            ([1, 2], pd.Categorical([3, 1], categories=[9, 3, 1])),
        ],
    )
    def test_same_as_plain_ids(self, tx_ids: list, cat: pd.Categorical) -> None:
        """A Categorical id column (text or integer categories, unused or
        ordered) joins as its values do."""
        tx = _tx(tx_ids, len(tx_ids))
        recs = pd.DataFrame({"customer_id": cat, "sat": np.arange(len(cat))})
        plain = recs.assign(customer_id=np.asarray(cat).tolist())
        got, want = _segment(tx, records=recs), _segment(tx, records=plain)
        assert got.index.tolist() == want.index.tolist()
        assert got["present"].tolist() == want["present"].tolist()
        pd.testing.assert_series_equal(got["sat"], want["sat"])

    def test_categorical_index(self) -> None:
        """The ids as a CategoricalIndex named like the column."""
        tx = _tx(["a", "b"], 2)
        recs = pd.DataFrame(
            {"sat": [1, 2]}, index=pd.CategoricalIndex(["b", "c"], name="customer_id")
        )
        out = _segment(tx, records=recs)
        assert out.index.tolist() == ["a", "b", "c"]
        assert out["present"].tolist() == ["transactions_only", "both", "records_only"]

    def test_categorical_of_the_other_kind_named(self) -> None:
        """Text categories against integer ids: the kinds are named."""
        tx = _tx([1, 2], 2)
        recs = pd.DataFrame({"customer_id": pd.Categorical(["1", "2"]), "sat": [1, 2]})
        with pytest.raises(
            InputError, match="holds text in the customer records but integers"
        ):
            _segment(tx, records=recs)


MI = pd.MultiIndex.from_arrays(
    [["north", "north", "south", "south"], [1, 2, 1, 2]], names=["region", "customer"]
)


@st.composite
def multi_indexes(draw: st.DrawFn) -> pd.MultiIndex:
    """A MultiIndex of unique (text, int) rows in any order."""
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(["n", "s", "e"]), st.integers(-3, 3)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    return pd.MultiIndex.from_tuples(rows, names=["region", "customer"])


def _flat(index: pd.MultiIndex) -> pd.Index:
    return pd.Index(index.to_flat_index(), name="id")


class TestMultiIndexIds:
    @settings(max_examples=40, deadline=None)
    @given(multi_indexes(), st.data())
    def test_assign_owners(self, mi: pd.MultiIndex, data: st.DataObject) -> None:
        """As an Index of the same tuples; the result keeps the MultiIndex."""
        n = len(mi)
        value = data.draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
        staff = ["s1", "s2", "s3"]
        got = custseg.assign_owners(pd.Series(value, index=mi, dtype=float), staff)
        want = custseg.assign_owners(
            pd.Series(value, index=_flat(mi), dtype=float), staff
        )
        assert got.owner.to_numpy().tolist() == want.owner.to_numpy().tolist()
        assert got.to_pandas().index.equals(mi)

    @settings(max_examples=40, deadline=None)
    @given(multi_indexes(), st.data())
    def test_reassign_neglected(self, mi: pd.MultiIndex, data: st.DataObject) -> None:
        n = len(mi)
        value = data.draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
        flags = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        staff = ["s1", "s2"]
        owners = [staff[i % 2] for i in range(n)]

        def run(index: pd.Index) -> custseg.Assignment:
            return custseg.reassign_neglected(
                pd.Series(value, index=index, dtype=float),
                pd.Series(owners, index=index),
                staff,
                pd.Series(flags, index=index),
            )

        got, want = run(mi), run(_flat(mi))
        assert got.owner.to_numpy().tolist() == want.owner.to_numpy().tolist()
        assert got.to_pandas().index.equals(mi)

    @settings(max_examples=40, deadline=None)
    @given(multi_indexes(), st.data())
    def test_due_contacts(self, mi: pd.MultiIndex, data: st.DataObject) -> None:
        """The due rows of the tuples, indexed by the user's levels again."""
        n = len(mi)
        days = data.draw(st.lists(st.integers(0, 90), min_size=n, max_size=n))
        last = pd.Timestamp("2024-06-01") - pd.to_timedelta(days, unit="D")

        def run(index: pd.Index) -> custseg.DueContacts:
            return custseg.due_contacts(
                pd.Series(last, index=index),
                pd.Series([30] * n, index=index),
                "2024-06-01",
            )

        got, want = run(mi), run(_flat(mi))
        assert got.customer.tolist() == want.customer.tolist()
        frame = got.to_pandas()
        assert list(frame.index.names) == ["region", "customer"]
        assert frame.index.tolist() == want.to_pandas().index.tolist()

    @settings(max_examples=40, deadline=None)
    @given(multi_indexes(), multi_indexes(), st.data())
    def test_transition_matrix(
        self, mi_a: pd.MultiIndex, mi_b: pd.MultiIndex, data: st.DataObject
    ) -> None:
        """Pairs the tuples, also a MultiIndex with an Index of tuples."""
        la = data.draw(
            st.lists(st.sampled_from("xy"), min_size=len(mi_a), max_size=len(mi_a))
        )
        lb = data.draw(
            st.lists(st.sampled_from("xy"), min_size=len(mi_b), max_size=len(mi_b))
        )
        want = custseg.transition_matrix(
            pd.Series(la, index=_flat(mi_a)), pd.Series(lb, index=_flat(mi_b))
        ).counts
        for before, after in ((mi_a, mi_b), (mi_a, _flat(mi_b)), (_flat(mi_a), mi_b)):
            got = custseg.transition_matrix(
                pd.Series(la, index=before), pd.Series(lb, index=after)
            ).counts
            pd.testing.assert_frame_equal(got, want)

    @pytest.mark.parametrize(
        "call",
        [
            lambda v: custseg.assign_owners(v, ["s1"]),
            lambda v: custseg.due_contacts(
                pd.Series(pd.Timestamp("2024-01-01"), index=v.index), 30, "2024-06-01"
            ),
            lambda v: custseg.transition_matrix(v.astype(str), v.astype(str)),
        ],
    )
    def test_repeated_tuples_refused(self, call) -> None:  # type: ignore[no-untyped-def]
        """A repeated row of the MultiIndex is a repeated customer."""
        idx = pd.MultiIndex.from_tuples([("n", 1), ("n", 1)])
        with pytest.raises(InputError, match=r"(?i)repeat|duplicate"):
            call(pd.Series([1.0, 2.0], index=idx))

    def test_audit_example(self) -> None:
        value = pd.Series([10.0, 5.0, 3.0, 1.0], index=MI)
        custseg.assign_owners(value, ["s1", "s2"])
        custseg.reassign_neglected(
            value,
            pd.Series(["s1", "s2", "s1", "s2"], index=MI),
            ["s1", "s2"],
            pd.Series([True, False, True, False], index=MI),
        )
        custseg.due_contacts(
            pd.Series(pd.to_datetime(["2024-01-01"] * 4), index=MI),
            pd.Series([30] * 4, index=MI),
            "2024-06-01",
        )
        tm = custseg.transition_matrix(
            pd.Series(list("xyxy"), index=MI), pd.Series(list("yyxx"), index=MI)
        )
        assert tm.counts.loc["x", "y"] == 1 and tm.counts.loc["(new)"].sum() == 0


#: index makers: ids of one kind in several dtypes, and their kind
KINDS = {
    "int64": ("integers", lambda ids: pd.Index(np.array(ids, np.int64))),
    "uint64": ("integers", lambda ids: pd.Index(np.array(ids, np.uint64))),
    "Int64": ("integers", lambda ids: pd.Index(ids, dtype="Int64")),
    "int64[pyarrow]": ("integers", lambda ids: pd.Index(ids, dtype="int64[pyarrow]")),
    "cat-int": ("integers", lambda ids: pd.CategoricalIndex(ids)),
    "float": ("numbers", lambda ids: pd.Index(np.array(ids, np.float64))),
    "str": ("text", lambda ids: pd.Index([str(x) for x in ids])),
    "object-str": ("text", lambda ids: pd.Index([str(x) for x in ids], dtype=object)),
    "string[pyarrow]": (
        "text",
        lambda ids: pd.Index([str(x) for x in ids], dtype="string[pyarrow]"),
    ),
    "cat-str": ("text", lambda ids: pd.CategoricalIndex([str(x) for x in ids])),
}
if not HAVE_ARROW:
    KINDS = {k: v for k, v in KINDS.items() if "[pyarrow]" not in k}


class TestTransitionMatrixIdKinds:
    @settings(max_examples=150, deadline=None)
    @given(
        st.sampled_from(sorted(KINDS)),
        st.sampled_from(sorted(KINDS)),
        st.lists(st.integers(0, 9), min_size=1, max_size=6, unique=True),
        st.lists(st.integers(0, 9), min_size=1, max_size=6, unique=True),
    )
    def test_kinds_differ_refused_same_kind_paired(
        self, kb: str, ka: str, ids_b: list[int], ids_a: list[int]
    ) -> None:
        """Two kinds (integers and text): an InputError naming both; one
        kind in any dtypes, or integers and whole floats (audit 17: 3.0 is
        customer 3, as summarize groups it): paired by value."""
        kind_b, make_b = KINDS[kb]
        kind_a, make_a = KINDS[ka]
        before = pd.Series(["x"] * len(ids_b), index=make_b(ids_b))
        after = pd.Series(["x"] * len(ids_a), index=make_a(ids_a))
        if {kind_a, kind_b} <= {"integers", "numbers"}:
            kind_a = kind_b
        if kind_a != kind_b:
            msg = f"'after' holds {kind_a} in its index.*'before' holds {kind_b}"
            with pytest.raises(InputError, match=msg):
                custseg.transition_matrix(before, after)
            return
        counts = custseg.transition_matrix(before, after).counts
        both = len(set(ids_a) & set(ids_b))
        assert counts.loc["x", "x"] == both
        assert counts.loc["(new)", "x"] == len(ids_a) - both
        assert counts.loc["x", "(gone)"] == len(ids_b) - both

    @pytest.mark.parametrize(
        "make",
        [
            lambda v: pd.Index(np.array(v, np.uint64)),
            lambda v: pd.Index(v, dtype="UInt64"),
            pytest.param(
                lambda v: pd.Index(v, dtype="uint64[pyarrow]"),
                marks=pytest.mark.skipif(not HAVE_ARROW, reason="needs pyarrow"),
            ),
        ],
    )
    def test_wide_integers_paired_exactly(self, make) -> None:  # type: ignore[no-untyped-def]
        """int64 against unsigned or nullable ids past 2**53: never via float."""
        before = pd.Series(["x", "x"], index=pd.Index(np.array([B + 1, 5], np.int64)))
        after = pd.Series(["y", "y"], index=make([B, 5]))
        counts = custseg.transition_matrix(before, after).counts
        assert counts.loc["x", "y"] == 1  # customer 5 only
        assert counts.loc["x", "(gone)"] == 1 and counts.loc["(new)", "y"] == 1

    def test_audit_example(self) -> None:
        b = pd.Series(["x", "y", "x"], index=[1, 2, 3])
        a = pd.Series(["x", "y", "x"], index=["1", "2", "3"])
        with pytest.raises(InputError, match=r"holds text .* 'before' holds integers"):
            custseg.transition_matrix(b, a)


class TestContactSummaryFirstSaleKinds:
    @pytest.mark.parametrize(
        ("log", "facts", "kinds"),
        [
            (["1", "2", "1"], [1, 2, 3], ("integers", "text")),
            ([1, 2, 1], ["1", "2", "3"], ("text", "integers")),
            (pd.Categorical(["1", "2", "1"]), [1, 2, 3], ("integers", "text")),
        ],
    )
    def test_names_first_sale_and_kinds(self, log, facts, kinds) -> None:  # type: ignore[no-untyped-def]
        first = custseg.summarize(
            facts,
            ["2024-01-10", "2024-01-02", "2024-03-01"],
            [1.0, 2.0, 3.0],
            as_of="2024-04-01",
        )
        with pytest.raises(InputError) as info:
            custseg.contact_summary(
                log,
                pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-01"]),
                ["company", "customer", "customer"],
                ["sale", "complaint", "follow_up"],
                first_sale=first,
                as_of="2024-04-01",
            )
        msg = str(info.value)
        assert msg.startswith("'first_sale'")
        assert f"holds {kinds[0]}" in msg and f"holds {kinds[1]}" in msg
        assert not re.search(r"\brow \d", msg)

    def test_same_kind_other_dtypes_joined(self) -> None:
        """uint64 log ids with int64 facts (one kind): joined exactly."""
        first = custseg.summarize(
            np.array([B + 1, B + 2], np.int64),
            ["2024-01-10", "2024-01-02"],
            [1.0, 2.0],
            as_of="2024-04-01",
        )
        s = custseg.contact_summary(
            np.array([B, B + 1], np.uint64),
            ["2024-02-01", "2024-02-01"],
            ["company", "company"],
            ["follow_up", "follow_up"],
            first_sale=first,
            as_of="2024-04-01",
        )
        assert [int(x) for x in s.customer_id] == [B, B + 1, B + 2]
        assert s.follow_ups.tolist() == [0, 1, 0]


class TestHelpers:
    @settings(max_examples=200, deadline=None)
    @given(
        st.sampled_from(INT_DTYPES),
        st.sampled_from(INT_DTYPES),
        st.data(),
    )
    def test_same_ids_exact(self, da: str, db: str, data: st.DataObject) -> None:
        """Both sides keep every id; equal ids meet, others do not."""
        a = data.draw(st.lists(st.sampled_from(_fits(da)), max_size=5, unique=True))
        b = data.draw(st.lists(st.sampled_from(_fits(db)), max_size=5, unique=True))
        x, y = same_ids(pd.Index(_column(a, da)), pd.Index(_column(b, db)))
        assert _ints(x) == a and _ints(y) == b
        assert x.isin(y).tolist() == [v in b for v in a]
        assert y.get_indexer(x).tolist() == [b.index(v) if v in b else -1 for v in a]

    def test_id_kind(self) -> None:
        kind = "tuples of (text, integers)"  # level by level (audit 8)
        assert id_kind(MI) == kind == id_kind(pd.Index(MI.to_flat_index()))
        for name, (kind, make) in KINDS.items():
            assert id_kind(make([1, 2])) == kind, name
