"""Audit 37, input kinds across the public functions (alignment, dtypes).

1. ``Labels == Labels`` compared the codes and names, not the customers:
   the labels of two Series on the same ids in another order (ann active,
   bob lost / bob active, ann lost) compared equal, where comparing with
   the other's ``to_pandas()`` is an InputError.
2. ``Labels(codes, names)`` dropped the index of a Series of codes (the
   labels came out on row numbers), where ``Labels.from_names`` and
   ``TagMatrix`` keep it; an ``index=`` naming other customers was taken.
3. ``due_contacts(holidays=pd.Series({"Easter": ...}))`` read the Series
   as a sequence of dates: the reason said ``holiday: 2024-04-03``, not
   ``holiday: Easter``; a DataFrame was read as its column names.
4. ``rfm_edges`` fitted columns of different lengths, or Series of other
   customers, which ``rfm_scores`` refuses.
5. A ``bytearray`` was read as its bytes (``bytearray(b"ab")`` as the
   recencies 97 and 98, labelled with no error) and a ``memoryview`` was
   called "a scalar".
"""

from __future__ import annotations

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError, Labels, ThresholdError

FAST = settings(max_examples=30, deadline=None, database=None)


def _ids(n: int) -> pd.Index:
    return pd.Index([f"c{i}" for i in range(n)], name="customer_id")


# --------------------------------------------------------------------------
# 1. Labels equality looks at the customers


def test_labels_of_other_customers_are_not_equal() -> None:
    """The reported case: same codes, the customers in another order."""
    a = custseg.lifecycle_stage(
        pd.Series([5.0, 400.0], index=pd.Index(["ann", "bob"], name="customer_id"))
    )
    b = custseg.lifecycle_stage(
        pd.Series([5.0, 400.0], index=pd.Index(["bob", "ann"], name="customer_id"))
    )
    assert a.to_pandas()["ann"] != b.to_pandas()["ann"]
    assert (a == b) is False
    assert a != b


@given(
    data=st.data(),
    n=st.integers(2, 12),
)
@getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=40, deadline=None, database=None
)
def test_labels_equal_only_on_the_same_customers(data: st.DataObject, n: int) -> None:
    """Same codes on the same ids in the same order: equal; on the ids in
    another order (or other ids): not; without ids: equal row by row."""
    codes = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    order = data.draw(st.permutations(range(n)))
    ids = _ids(n)
    names = ("a", "b", "c")
    mine = Labels(codes, names, index=ids)
    same = Labels(np.array(codes), names, index=ids.copy())
    moved = Labels(codes, names, index=ids[list(order)])
    assert mine == same
    assert (mine == moved) == (list(order) == list(range(n)))
    assert mine == Labels(codes, names)  # no ids: rows
    # 1 is the id 1.0 (as every input pairs them), never "1"
    ints = Labels(codes, names, index=pd.Index(range(1, n + 1)))
    assert ints == Labels(codes, names, index=pd.Index(np.arange(1.0, n + 1)))
    assert ints != Labels(
        codes, names, index=pd.Index([str(i) for i in range(1, n + 1)])
    )


def test_owner_labels_compare_their_customers() -> None:
    """Assignment.owner (Labels of staff) likewise."""
    value = pd.Series([3.0, 2.0, 1.0], index=_ids(3))
    a = custseg.assign_owners(value, ["amy", "bo", "cy"]).owner
    b = custseg.assign_owners(value.set_axis(_ids(3)[::-1]), ["amy", "bo", "cy"]).owner
    assert a.to_numpy().tolist() == b.to_numpy().tolist()
    assert a != b


# --------------------------------------------------------------------------
# 2. Labels(codes Series) keeps its index


def test_codes_series_keeps_its_index() -> None:
    codes = pd.Series([1, 0], index=pd.Index(["y", "x"], name="customer_id"))
    out = Labels(codes, ("a", "b")).to_pandas()
    assert out.index.tolist() == ["y", "x"]
    assert out.to_dict() == {"y": "b", "x": "a"}
    # as from_names keeps the index of a Series of names
    named = Labels.from_names(pd.Series(["b", "a"], index=["y", "x"]), ("a", "b"))
    assert named.to_pandas().index.tolist() == ["y", "x"]


def test_codes_series_with_other_ids_refused() -> None:
    codes = pd.Series([1, 0], index=["y", "x"])
    with pytest.raises(InputError, match="differs from the index of 'codes'"):
        Labels(codes, ("a", "b"), index=["x", "y"])
    # the same ids: kept
    assert Labels(codes, ("a", "b"), index=["y", "x"]).to_pandas().index.tolist() == [
        "y",
        "x",
    ]
    # a column of codes cut from a flat frame (row numbers) with index= ids
    # (the frame's customer_id column): the ids are the rows'
    frame = pd.DataFrame({"customer_id": ["c7", "c2"], "code": [1, 0]})
    out = Labels(frame["code"], ("a", "b"), index=frame["customer_id"]).to_pandas()
    assert out.to_dict() == {"c7": "b", "c2": "a"}


# --------------------------------------------------------------------------
# 3. holidays as a Series


def _reasons(holidays: object) -> list[str]:
    due = custseg.due_contacts(["2024-03-01"], 30, "2024-04-01", holidays=holidays)
    return [r for r in due.to_pandas()["reason"] if r.startswith("holiday")]


def test_holidays_series_named_by_its_index() -> None:
    """The reported case: a Series {name: date} is the dict it prints as."""
    assert _reasons(pd.Series({"Easter": "2024-04-03"})) == ["holiday: Easter"]
    table = pd.DataFrame(
        {"name": ["Easter", "May Day"], "date": ["2024-04-03", "2024-05-01"]}
    )
    assert _reasons(table.set_index("name")["date"]) == _reasons(
        dict(zip(table["name"], table["date"], strict=True))
    )
    # a column cut from a frame (row numbers, also filtered) is dates
    table = pd.DataFrame({"date": ["2024-04-05", "2024-04-03"]})
    assert _reasons(table["date"]) == ["holiday: 2024-04-03", "holiday: 2024-04-05"]
    assert _reasons(table["date"].iloc[[1]]) == ["holiday: 2024-04-03"]


def test_holidays_frame_refused() -> None:
    table = pd.DataFrame({"name": ["Easter"], "date": ["2024-04-03"]})
    with pytest.raises(ThresholdError, match=r"set_index\('name'\)\['date'\]"):
        _reasons(table)


# --------------------------------------------------------------------------
# 4. rfm_edges: one customer per row in all three


@given(n=st.integers(2, 20), short=st.integers(0, 2), cut=st.integers(1, 5))
@FAST
def test_rfm_edges_refuses_other_lengths(n: int, short: int, cut: int) -> None:
    """Any column shorter than the others is refused, as rfm_scores does."""
    cols = [list(np.linspace(1.0, 300.0, n)) for _ in range(3)]
    cols[short] = cols[short][: max(0, n - cut)]
    with pytest.raises(InputError, match="rows but"):
        custseg.rfm_edges(*cols, bins=2)
    with pytest.raises(InputError, match="rows but"):
        custseg.rfm_scores(*cols, bins=2)


def test_rfm_edges_refuses_other_customers() -> None:
    s = pd.Series([5.0, 40.0, 200.0, 400.0], index=_ids(4))
    for other in (s.iloc[::-1], s.iloc[:3], s.reset_index(drop=True)):
        with pytest.raises(InputError, match=r"different index|by row numbers"):
            custseg.rfm_edges(s, other, s, bins=2)
    # the same customers: fitted as before
    assert custseg.rfm_edges(s, s, s, bins=2).recency.cuts == (120.0,)


# --------------------------------------------------------------------------
# 5. buffers of bytes


_CALLS = {
    "lifecycle_stage": lambda x: custseg.lifecycle_stage(x),
    "abc_classes": lambda x: custseg.abc_classes(x),
    "summarize": lambda x: custseg.summarize(
        x, ["2024-01-01", "2024-01-02"], [1.0, 2.0]
    ),
    "transition_matrix": lambda x: custseg.transition_matrix(x, ["a", "b"]),
    "segment_summary": lambda x: custseg.segment_summary(
        x, {"recency_days": [1, 2], "frequency": [1, 1], "monetary": [1.0, 2.0]}
    ),
    "customer_status": lambda x: custseg.customer_status([1, 2], [1, 2], [1, 2], vip=x),
    "nps_band": lambda x: custseg.nps_band(x),
    "line_amounts": lambda x: custseg.line_amounts(x, [1.0, 2.0]),
}


@pytest.mark.parametrize("call", sorted(_CALLS))
@pytest.mark.parametrize("buffer", [bytearray(b"\x05\x0a"), memoryview(b"\x05\x0a")])
def test_buffers_refused(call: str, buffer: object) -> None:
    """Never read as their bytes, never called a scalar."""
    with pytest.raises(InputError, match=r"got a (bytearray|memoryview) \(a buffer"):
        _CALLS[call](buffer)
    # the fix the message gives works for the buffer of an array
    if call == "lifecycle_stage":
        buf = memoryview(np.array([1.0, 400.0]))
        assert custseg.lifecycle_stage(np.asarray(buf)).to_numpy().tolist() == [
            "active",
            "lost",
        ]


# --------------------------------------------------------------------------
# 6. RuleSet.evaluate names the item of a list, not its type


def test_evaluate_names_the_item_whose_index_differs() -> None:
    """The fix's code ran on the type (``DataFrame.set_axis(...)``): the
    items are named by their place in the list."""
    from custseg import rules

    rs = rules.loads(
        'format = 1\n[fields]\nmonetary = { type = "number" }\n'
        '[segments.s]\ndefault = "low"\n'
        'rules = [{ label = "high", when = "monetary > 5" }]\n'
    )
    ids = _ids(3)
    facts = pd.DataFrame({"monetary": [1.0, 9.0, 3.0]}, index=ids)
    notes = pd.DataFrame({"note": ["x", "y", "z"]}, index=ids)
    with pytest.raises(
        InputError, match=r"'data\[1\]' \(DataFrame\) joins 'data\[0\]'"
    ):
        rs.evaluate([facts, notes.iloc[::-1]])
    with pytest.raises(InputError, match=r"data\[0\]\.set_axis") as caught:
        rs.evaluate([facts.reset_index(drop=True), notes])
    assert "DataFrame.set_axis" not in str(caught.value)


# --------------------------------------------------------------------------
# 7. a table where a sequence parameter is expected


_CELLS = [
    ["accountable", "reactive", "basic"],
    ["proactive", "accountable", "reactive"],
    ["partnership", "proactive", "accountable"],
]


def test_score_edges_from_a_frame_refused() -> None:
    """The reported case: a DataFrame's column labels were the cuts."""
    with pytest.raises(ThresholdError, match="not a table"):
        custseg.ScoreEdges(pd.DataFrame([[30.0, 90.0]]))
    assert custseg.ScoreEdges(pd.DataFrame([[30.0, 90.0]]).iloc[0].tolist()).cuts == (
        30.0,
        90.0,
    )


def test_relationship_cells_from_a_frame_refused() -> None:
    """A Polars frame of the rows was read by column (the matrix
    transposed: few customers, high margin became 'basic'); pandas' by its
    labels."""
    pl = pytest.importorskip("polars")
    for table in (pl.DataFrame(_CELLS, orient="row"), pd.DataFrame(_CELLS)):
        with pytest.raises(ThresholdError, match=r"'cells' .* not a table"):
            custseg.RelationshipMatrix(cells=table)
    assert custseg.RelationshipMatrix(cells=_CELLS).cells[2][0] == "partnership"


@pytest.mark.parametrize(
    "call",
    [
        lambda t: custseg.tags_from_values(["a,b"], sep=t),
        lambda t: custseg.profile_completeness({"name": ["x"]}, hard=t, soft=[]),
        lambda t: custseg.Labels([0], t),
    ],
)
def test_sequence_parameters_refuse_tables(call: object) -> None:
    table = pd.DataFrame({"2024-04-03": ["x"]})
    with pytest.raises(ThresholdError, match="not a table"):
        call(table)  # type: ignore[operator]


def test_as_of_dates_from_a_frame_refused() -> None:
    """A date written as a column's name was taken as the cut."""
    frame = pd.DataFrame({"2024-03-31": ["2024-01-31"]})
    with pytest.raises(ThresholdError, match="not a table"):
        custseg.segment_history(["a"], ["2024-01-03"], [5.0], frame, bins=2)


# --------------------------------------------------------------------------
# 8. due_contacts: ids beside inputs on a MultiIndex


def test_due_contacts_text_ids_beside_a_multiindex() -> None:
    """customer= as text beside inputs on a MultiIndex (store, customer
    number) crashed in pyarrow (ArrowInvalid: Could not convert 'a'), as
    the text ids were looked up among the index's tuples."""
    idx = pd.MultiIndex.from_arrays([[1, 1, 2], ["a", "b", "c"]])
    due = custseg.due_contacts(
        pd.Series(["2024-01-02", None, "2023-01-01"], index=idx),
        30,
        "2024-04-01",
        customer=pd.Series(["c1", "c2", "c3"], index=idx),
    )
    assert sorted(due.to_pandas().index) == ["c1", "c2", "c3"]
    # the same tuples in another order are still refused
    with pytest.raises(InputError, match="gives other ids"):
        custseg.due_contacts(
            pd.Series(["2024-01-02", None, "2023-01-01"], index=idx),
            30,
            "2024-04-01",
            customer=[(1, "b"), (1, "a"), (2, "c")],
        )


# --------------------------------------------------------------------------
# 9. group_summary: tags and facts on ids of other shapes


@pytest.mark.parametrize(
    ("tags_ids", "facts_ids"),
    [
        (pd.Index([5, 6, 7]), pd.MultiIndex.from_arrays([[1, 1, 2], ["a", "b", "c"]])),
        (
            pd.MultiIndex.from_arrays([["x", "x", "y"], ["a", "b", "c"]]),
            pd.Index(["a", "b", "c"]),
        ),
        (
            pd.CategoricalIndex(["a", "b", "c"]),
            pd.Index([(1, "a"), (1, "b"), (2, "c")], tupleize_cols=False),
        ),
        (pd.interval_range(0, 3), pd.Index(["a", "b", "c"])),
    ],
)
def test_group_summary_ids_of_other_shapes(
    tags_ids: pd.Index, facts_ids: pd.Index
) -> None:
    """Tags on one kind of ids beside facts on another (a MultiIndex beside
    flat ids, text beside tuples or intervals) raised pandas' "MultiIndex.isin
    expects an iterable of tuples" or pyarrow's ArrowInvalid while the
    message was being written; now the InputError it was writing."""
    tags = custseg.TagMatrix(("t",), [[1], [0], [1]], index=tags_ids)
    with pytest.raises(InputError, match="'facts' has a different index from the tags"):
        custseg.group_summary(
            tags, pd.DataFrame({"monetary": [1.0, 2.0, 3.0]}, index=facts_ids)
        )
