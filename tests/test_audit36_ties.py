"""Audit 36, order of classes and ties outside the audit-35 functions.

1. Classes written as whole numbers in text were sorted as text: labels
   ``"9"`` and ``"10"`` (a CSV file's codes) listed ``"10"`` first in
   segment_summary, transition_matrix, tags_from_values (and the tag
   functions after it), nps(by=...), a Polars Categorical's classes, the
   ``custseg migrate`` matrices and the report's owners, where the same
   labels as integers (a Parquet file) list 9 first. Now whole numbers
   written as ``str(n)`` come first, by value, then other text, as
   ``_validate.id_order`` orders customer ids since audit 35.
2. Ties between staff went to the staff id first in text order: staff 9 and
   10 (integers, or the text "9" and "10") gave the customer left over after
   even dealing to 10. Now 9, as whole-number ids are ordered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._cli_migrate import _as_classes
from custseg.labels import label_codes
from custseg.reporting import _owner_classes

FAST = settings(max_examples=40, deadline=None, database=None)

_CODES = st.lists(st.integers(-15, 120), min_size=1, max_size=12)


def _facts(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "recency_days": np.arange(n, dtype=float),
            "frequency": np.ones(n, dtype=np.int64),
            "monetary": np.full(n, 10.0),
        }
    )


def _permuted(values: list, seed: int) -> list:
    order = np.random.default_rng(seed).permutation(len(values))
    return [values[i] for i in order]


# 1. whole numbers in text ordered as the numbers ---------------------------


@FAST
@given(_CODES, st.integers(0, 2**16))
def test_label_classes_of_text_numbers_as_of_integers(codes, seed):
    as_text = [str(c) for c in codes]
    want = label_codes(codes)[1]
    assert label_codes(as_text)[1] == want
    assert label_codes(np.array(as_text))[1] == want
    assert label_codes(pd.Series(as_text, dtype=object))[1] == want
    assert label_codes(_permuted(as_text, seed))[1] == want
    got, names = label_codes(as_text)[:2]
    assert [names[c] for c in got.tolist()] == as_text  # each row its own class


@FAST
@given(_CODES, _CODES)
def test_operations_list_text_numbers_as_integers(before, after):
    n = min(len(before), len(after))
    before, after = before[:n], after[:n]
    facts = _facts(n)
    text_b, text_a = [str(c) for c in before], [str(c) for c in after]
    summary = custseg.segment_summary(text_b, facts)
    assert summary.index.tolist() == [
        *(str(c) for c in sorted(set(before))),
        "Total",
    ]
    pd.testing.assert_frame_equal(
        summary, custseg.segment_summary(before, facts), check_index_type=False
    )
    tm_text = custseg.transition_matrix(text_b, text_a)
    tm_ints = custseg.transition_matrix(before, after)
    assert (tm_text.before, tm_text.after) == (tm_ints.before, tm_ints.after)
    np.testing.assert_array_equal(tm_text.matrix, tm_ints.matrix)
    tags_text = custseg.tags_from_values(text_b)
    assert tags_text.names == custseg.tags_from_values(before).names
    scores = np.arange(n) % 11
    assert custseg.nps(scores, by=text_b).groups == tuple(
        str(c) for c in sorted(set(before))
    )


def test_repro_segment_summary_nine_before_ten():
    facts = _facts(4)
    summary = custseg.segment_summary(["10", "9", "2", "9"], facts)
    assert summary.index.tolist() == ["2", "9", "10", "Total"]
    assert summary["customers"].tolist() == [1, 2, 1, 4]


def test_repro_transition_matrix_tags_nps():
    tm = custseg.transition_matrix(["10", "9", "2", "9"], ["9", "10", "10", "2"])
    assert tm.before == ("2", "9", "10")
    tags = custseg.tags_from_values(["10", "9", "2", "9", "a"])
    assert tags.names == ("2", "9", "10", "a")
    assert custseg.group_sizes(tags) == {"2": 1, "9": 2, "10": 1, "a": 1}
    assert custseg.nps([9, 10, 3, 5], by=["10", "9", "2", "9"]).groups == (
        "2",
        "9",
        "10",
    )


def test_other_text_after_the_whole_numbers_in_text_order():
    from custseg.labels import sorted_names, whole_numbers_first

    # "007", "+7", " 7" and "-0" are not how str() writes a number: text
    assert sorted_names(["b", "10", "007", "-3", "9", "+7", "-0", "a"]) == [
        "-3",
        "9",
        "10",
        "+7",
        "-0",
        "007",
        "a",
        "b",
    ]
    codes, names = whole_numbers_first(np.array([0, -1, 1, 2]), ["10", "9", "x"])
    assert names == ("9", "10", "x")
    assert codes.tolist() == [1, -1, 0, 2]
    assert label_codes(["b", "a"])[1] == ("a", "b")  # no number: as before


def test_polars_categorical_classes_nine_before_ten():
    pl = pytest.importorskip("polars")
    column = pl.Series(["10", "9", None, "10"], dtype=pl.Categorical)
    codes, names = label_codes(column)[:2]
    assert names == ("9", "10")
    assert codes.tolist() == [1, 0, -1, 1]


def test_cli_migrate_text_classes_nine_before_ten():
    col = pd.Series(["10", "9", "x", None])
    assert _as_classes(col).cat.categories.tolist() == ["9", "10", "x"]
    cat = pd.Series(["10", "9", "x"], dtype="category")
    assert _as_classes(cat).cat.categories.tolist() == ["9", "10", "x"]
    ordered = pd.Series(pd.Categorical(["10", "9"], ["10", "9"], ordered=True))
    assert _as_classes(ordered).cat.categories.tolist() == ["10", "9"]  # kept


def test_cli_migrate_file_rows_nine_before_ten(tmp_path, capsys):
    from custseg.cli import main

    (tmp_path / "b.csv").write_text("customer_id,seg\n1,9\n2,10\n3,x\n4,10\n")
    (tmp_path / "a.csv").write_text("customer_id,seg\n1,10\n2,9\n3,x\n4,x\n")
    main(["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")])
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("before"))
    assert header.split()[3:6] == ["9", "10", "x"]


def test_report_owner_classes_staff_numbers_as_text():
    owners = pd.Series(["10", "9", "10", None])
    assert _owner_classes(owners).categories.tolist() == ["9", "10"]
    mixed = pd.Series([104, "A12", 9, None])
    assert _owner_classes(mixed).categories.tolist() == ["9", "104", "A12"]


# 2. staff ties by staff id, whole numbers as numbers ------------------------


@pytest.mark.parametrize("staff", [[9, 10], [10, 9], ["9", "10"], ["10", "9"]])
def test_repro_staff_tie_goes_to_staff_nine(staff):
    value = pd.Series([100.0, 100.0, 100.0], index=[1, 2, 3])
    got = custseg.assign_owners(value, staff).owner.to_pandas()
    assert [str(x) for x in got.tolist()] == ["9", "10", "9"]


@FAST
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=5, unique=True),
    st.integers(1, 9),
    st.integers(0, 2**16),
)
def test_staff_ties_as_integers_and_as_text(staff, n, seed):
    value = pd.Series(np.full(n, 50.0), index=np.arange(1, n + 1))
    as_ints = custseg.assign_owners(value, staff).owner.to_pandas()
    text = _permuted([str(s) for s in staff], seed)
    as_text = custseg.assign_owners(value, text).owner.to_pandas()
    assert [str(x) for x in as_ints.tolist()] == as_text.tolist()
    # the customers left over after even dealing go to the lowest staff ids
    lowest = [str(s) for s in sorted(staff)][: n % len(staff)]
    counts = as_text.value_counts()
    assert all(counts.get(s, 0) == n // len(staff) + 1 for s in lowest)


@pytest.mark.parametrize("staff", [[9, 10, 11], ["9", "10", "11"]])
def test_repro_reassign_tie_goes_to_staff_nine(staff):
    # customer 1 (of staff 11) is neglected; staff 9 and 10 hold equal books
    value = pd.Series([100.0, 50.0, 50.0], index=[1, 2, 3])
    owner = pd.Series([staff[2], staff[0], staff[1]], index=[1, 2, 3])
    flags = pd.Series([True, False, False], index=[1, 2, 3])
    got = custseg.reassign_neglected(value, owner, staff, flags).owner.to_pandas()
    assert [str(x) for x in got.tolist()] == ["9", "9", "10"]
