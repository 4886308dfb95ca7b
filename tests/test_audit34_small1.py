"""Audit 34, three small findings: each finding's class, and its example.

A. ``group_summary``: facts on the tags' row numbers sorted
   (``sort_values``), filtered (``query``, a boolean mask) or sorted back
   (``sort_index``) were told they are "indexed by customer ids" and given
   a fix that cannot work (give the tags ids; then ``astype(str)``). They
   are still refused (unnamed integers may be customer ids, audit 33), but
   the message says which row numbers they are, and its fix,
   ``facts.reindex(tags.index)``, runs and pairs them by row.
B. ``abc_classes`` refused values of which none is positive, although the
   rule (and ``segment``) makes every value <= 0 C; ``AbcEdges`` took an
   infinite threshold, which no value reaches, as ``ScoreEdges`` does not.
C. ``assign_owners(capacity=)``: one capacity for everyone given as a
   ``Decimal``, a ``Fraction`` or a 0-d array was refused as "must be an
   array-like"; a bool was told the same.
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError, ThresholdError
from custseg.groups import group_summary, tags_from_values

_SETTINGS = settings(max_examples=30, deadline=None)

# --------------------------------------------------------------------------
# A. facts on the tags' row numbers, moved


def _totals_by_row(interest: list[str], monetary: dict[int, float]) -> dict[str, float]:
    """Each group's total, facts paired with the tags by row number (rows
    without a fact left out)."""
    out: dict[str, float] = {}
    for row, tag in enumerate(interest):
        out[tag] = out.get(tag, 0.0) + monetary.get(row, 0.0)
    return out


@st.composite
def _moved(draw):
    """A shop of n rows, and some of its row numbers moved: all in another
    order, all in order (no RangeIndex), or some of them."""
    n = draw(st.integers(2, 8))
    interest = draw(st.lists(st.sampled_from(["tea", "yoga"]), min_size=n, max_size=n))
    monetary = draw(st.lists(st.integers(1, 99), min_size=n, max_size=n))
    how = draw(st.sampled_from(["sorted", "sort_index", "filtered"]))
    if how == "filtered":
        rows = draw(
            st.lists(st.integers(0, n - 1), min_size=1, max_size=n - 1, unique=True)
        )
    else:
        rows = draw(st.permutations(range(n)))
        if how == "sort_index":
            rows = sorted(rows)
        assume(how == "sort_index" or list(rows) != sorted(rows))
    return interest, [float(m) for m in monetary], how, [int(r) for r in rows]


@_SETTINGS
@given(case=_moved(), mapping=st.booleans())
def test_facts_on_moved_row_numbers_are_named_so_and_the_fix_runs(case, mapping):
    """Facts on the tags' row numbers sorted, sorted back or filtered: the
    error names them row numbers (never "indexed by customer ids"), keeps
    the customer-id reading apart, and its fix pairs them by row."""
    interest, monetary, how, rows = case
    shop = pd.DataFrame({"interest": interest, "monetary": monetary})
    tags = tags_from_values(shop["interest"])
    facts = shop[["monetary"]].loc[rows]
    facts.index = pd.Index(rows, dtype="int64")  # unnamed integers, no RangeIndex
    given_facts = {"monetary": facts["monetary"]} if mapping else facts
    with pytest.raises(InputError) as err:
        group_summary(tags, given_facts)
    text = str(err.value)
    assert text.startswith("'facts' is indexed by ")
    if how == "filtered":
        assert f"{len(rows)} of the tags' {len(shop)} row numbers" in text
    else:
        assert "the tags' row numbers in " in text
    assert "not customer ids" not in text
    assert "or by customer ids that happen to be such numbers" in text
    frame = "pd.DataFrame(facts)" if mapping else "facts"
    assert f"{frame}.reindex(tags.index)" in text
    # the fix, run as written
    fixed = pd.DataFrame(given_facts).reindex(tags.index)
    got = group_summary(tags, fixed).to_pandas()["monetary_total"]
    want = _totals_by_row(interest, dict(zip(rows, facts["monetary"], strict=True)))
    for tag, total in want.items():
        assert got[tag] == pytest.approx(total)


@_SETTINGS
@given(case=_moved())
def test_tags_on_moved_row_numbers_beside_facts_on_row_numbers(case):
    """The other way round: tags made from a sorted or filtered column
    beside facts on row numbers are named so, and the fix runs."""
    interest, monetary, how, rows = case
    shop = pd.DataFrame({"interest": interest, "monetary": monetary})
    column = shop["interest"].loc[rows]
    column.index = pd.Index(rows, dtype="int64")
    tags = tags_from_values(column)
    facts = shop[["monetary"]]
    with pytest.raises(InputError) as err:
        group_summary(tags, facts)
    text = str(err.value)
    assert text.startswith("'facts' is indexed by row numbers, and the tags by ")
    if how == "filtered":
        assert f"the tags by {len(rows)} of the facts' {len(shop)} row numbers" in text
    else:
        assert "the tags by the facts' row numbers in " in text
    assert "not customer ids" not in text
    assert "facts.reindex(tags.index).set_axis(tags.index)" in text
    fixed = facts.reindex(tags.index).set_axis(tags.index)
    got = group_summary(tags, fixed).to_pandas()["monetary_total"]
    want: dict[str, float] = {}
    for r in rows:
        want[interest[r]] = want.get(interest[r], 0.0) + monetary[r]
    for tag, total in want.items():
        assert got[tag] == pytest.approx(total)


def test_a_boolean_mask_leaves_a_range_index_named_row_numbers_only():
    """pandas keeps a stepped RangeIndex through a mask: row numbers, never
    ids, so the error offers no customer-id reading."""
    shop = pd.DataFrame(
        {"interest": ["a", "b", "a", "b"], "monetary": [3.0, 1.0, 2.0, 5.0]}
    )
    tags = tags_from_values(shop["interest"])
    facts = shop[["monetary"]][[True, False, True, False]]
    assert isinstance(facts.index, pd.RangeIndex)
    with pytest.raises(
        InputError,
        match=r"^'facts' is indexed by 2 of the tags' 4 row numbers .*: pairing "
        r"them by position would pair other rows: put the facts in the tags' "
        r"rows: facts\.reindex\(tags\.index\)",
    ):
        group_summary(tags, facts)


def test_worked_example_sorted_facts():
    """The finding's example: sort_values facts beside tags on row numbers."""
    df = pd.DataFrame({"interest": ["a", "b", "a"], "monetary": [3.0, 1.0, 2.0]})
    tags = tags_from_values(df["interest"])
    facts = df[["monetary"]].sort_values("monetary")
    with pytest.raises(InputError) as err:
        group_summary(tags, facts)
    assert str(err.value).startswith(
        "'facts' is indexed by the tags' row numbers in another order (as "
        "sort_values leaves them), or by customer ids"
    )
    assert "facts.reindex(tags.index)" in str(err.value)
    # sort_index gives Index([0, 1, 2]): still refused (it may be ids), told so
    with pytest.raises(InputError, match=r"in their order, but no RangeIndex"):
        group_summary(tags, facts.sort_index())
    for fixed in (facts.reindex(tags.index), facts.sort_index().reset_index(drop=True)):
        got = group_summary(tags, fixed).totals["monetary"].tolist()
        assert got == [5.0, 1.0, 6.0]
    # unnamed integers beyond the row numbers are still customer ids (audit 33)
    ids = pd.DataFrame({"monetary": [1.0, 2.0, 3.0]}, index=[12583, 13047, 17850])
    with pytest.raises(InputError, match="while 'facts' is indexed by customer ids"):
        group_summary(tags, ids)


# --------------------------------------------------------------------------
# B. ABC: nothing positive is all C; thresholds are finite

_NONPOSITIVE = st.one_of(
    st.floats(-1e6, 0.0, allow_nan=False),
    st.integers(-1000, 0),
    st.decimals(-1000, 0, allow_nan=False, places=2),
)


@_SETTINGS
@given(
    values=st.lists(st.one_of(_NONPOSITIVE, st.just(float("nan"))), max_size=12),
    cutoffs=st.sampled_from([None, (0.8, 0.95), (0.2, 0.5)]),
    basis=st.sampled_from(["value", "rank"]),
    seed=st.integers(0, 2**16),
)
def test_no_positive_value_is_all_c(values, cutoffs, basis, seed):
    """No value above 0: every value <= 0 is C, NaN unknown, on any basis,
    in input order, whatever the order of the rows (as segment classes)."""
    index = [f"c{i}" for i in range(len(values))]
    series = pd.Series(values, index=index, dtype=object)
    got = custseg.abc_classes(series, cutoffs, basis=basis, nan="unknown").to_pandas()
    want = ["unknown" if v != v else "C" for v in values]
    assert list(got.index) == index
    assert got.astype(str).tolist() == want
    perm = np.random.default_rng(seed).permutation(len(values))
    again = custseg.abc_classes(series.iloc[perm], cutoffs, basis=basis, nan="unknown")
    assert again.to_pandas().reindex(index).astype(str).tolist() == want
    known = [v for v in values if v == v]
    if known:
        plain = custseg.abc_classes(known, cutoffs, basis=basis).to_numpy().tolist()
        assert plain == ["C"] * len(known)
    with pytest.raises(InputError, match="has no positive value"):
        custseg.abc_edges(values)  # no thresholds to give: still refused


def test_worked_example_nonpositive_abc_matches_segment():
    """The finding's example: abc_classes agrees with segment()."""
    assert custseg.abc_classes([0.0, -20.0]).to_numpy().tolist() == ["C", "C"]
    got = custseg.abc_classes([0.0, float("nan")], nan="unknown").to_numpy().tolist()
    assert got == ["C", "unknown"]
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": "2024-01-01", "amount": [0.0, -20.0]}
    )
    edges = custseg.RfmEdges(
        custseg.ScoreEdges((30,)), custseg.ScoreEdges((1,)), custseg.ScoreEdges((10,))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the finding's run: no spend to score)
        seg = custseg.segment(tx, as_of="2024-02-01", zero_amount="ignore", edges=edges)
    assert seg.customers["abc"].astype(str).tolist() == ["C", "C"]
    # bad cutoffs are refused whatever the values
    with pytest.raises(ThresholdError):
        custseg.abc_classes([0.0], (0.9, 0.8))


_INFINITE = st.sampled_from(
    [float("inf"), np.float64("inf"), np.float32("inf"), Decimal("Infinity")]
)


@_SETTINGS
@given(
    inf=_INFINITE,
    where=st.sampled_from(["a_min", "b_min", "both"]),
    finite=st.floats(1e-3, 1e6),
)
def test_abc_edges_refuse_infinite_thresholds(inf, where, finite):
    """An infinite a_min or b_min (any number type) is a ThresholdError
    naming the field, as ScoreEdges refuses an infinite cut."""
    a_min = inf if where in ("a_min", "both") else finite
    b_min = inf if where in ("b_min", "both") else finite
    field = "b_min" if where == "b_min" else "a_min"
    with pytest.raises(
        ThresholdError, match=rf"^'{field}' must be a finite number: got inf$"
    ):
        custseg.AbcEdges(a_min=a_min, b_min=b_min)


def test_worked_example_infinite_abc_edges():
    """The finding's example, beside ScoreEdges' message."""
    with pytest.raises(
        ThresholdError, match=r"^'a_min' must be a finite number: got inf$"
    ):
        custseg.AbcEdges(a_min=float("inf"), b_min=float("inf"))
    with pytest.raises(
        ThresholdError, match=r"^'cuts\[1\]' must be a finite number: got inf$"
    ):
        custseg.ScoreEdges((1.0, float("inf")))
    with pytest.raises(ThresholdError, match=r"^'a_min' must be > 0: got -inf$"):
        custseg.AbcEdges(a_min=float("-inf"), b_min=1.0)


# --------------------------------------------------------------------------
# C. one capacity for everyone, in any number type

_STAFF = ["amy", "bo", "cy"]


def _as_type(c: float, kind: str):
    return {
        "int": lambda: int(c),
        "float": lambda: float(c),
        "Decimal": lambda: Decimal(repr(c)),
        "Fraction": lambda: Fraction(c),
        "0-d array": lambda: np.array(c),
        "0-d int array": lambda: np.array(int(c)),
        "np.int64": lambda: np.int64(c),
        "np.float32": lambda: np.float32(c),
    }[kind]()


_KINDS = st.sampled_from(
    [
        "Decimal",
        "Fraction",
        "0-d array",
        "0-d int array",
        "np.int64",
        "np.float32",
        "int",
        "float",
    ]
)


def _call(call: str, capacity):
    value = [10.0, 20.0, 30.0, 40.0]
    owner = ["amy", "amy", "bo", "cy"]
    if call == "assign_owners":
        return custseg.assign_owners(
            value, _STAFF, current_owner=owner, capacity=capacity
        )
    return custseg.reassign_neglected(
        value, owner, _STAFF, [True, False, False, False], capacity=capacity
    )


@_SETTINGS
@given(
    c=st.integers(2, 9),
    kind=_KINDS,
    call=st.sampled_from(["assign_owners", "reassign_neglected"]),
)
def test_one_whole_capacity_in_any_number_type(c, kind, call):
    """A whole number of any type is everyone's capacity, as the int is."""
    capacity = _as_type(float(c), kind) if kind != "int" else c
    got = _call(call, capacity)
    assert got.capacity.tolist() == [float(c)] * 3
    assert got.owner.to_numpy().tolist() == _call(call, c).owner.to_numpy().tolist()


@_SETTINGS
@given(
    c=st.integers(2, 9),
    kind=st.sampled_from(["Decimal", "Fraction", "0-d array", "float"]),
    call=st.sampled_from(["assign_owners", "reassign_neglected"]),
)
def test_one_capacity_that_is_not_whole_is_refused(c, kind, call):
    """c + 0.5 of any type: a ThresholdError saying a capacity is a whole
    number of customers, naming 'capacity' (not one staff member)."""
    with pytest.raises(
        ThresholdError,
        match=rf"^'capacity' must be a whole number of customers in \[0, inf\): got {c}\.5$",
    ):
        _call(call, _as_type(c + 0.5, kind))


@_SETTINGS
@given(
    flag=st.sampled_from(
        [True, False, np.True_, np.False_, np.array(True), np.array(False)]
    ),
    call=st.sampled_from(["assign_owners", "reassign_neglected"]),
)
def test_one_bool_capacity_is_no_number_of_customers(flag, call):
    """A bool, in any form, is refused as no whole number of customers."""
    with pytest.raises(
        ThresholdError,
        match=r"^'capacity' must be a whole number of customers in \[0, inf\): got bool (True|False)$",
    ):
        _call(call, flag)


def test_worked_example_decimal_capacity():
    """The finding's example."""
    for capacity in (Decimal("2"), Fraction(2), np.array(2)):
        got = custseg.assign_owners([1, 1, 1], ["a", "b"], capacity=capacity)
        assert got.capacity.tolist() == [2.0, 2.0]
    with pytest.raises(ThresholdError, match=re.escape("got bool True")):
        custseg.assign_owners([1, 1, 1], ["a", "b"], capacity=True)
