"""Audit 38 (ops): operations against naive oracles.

1. The sex column of ``life_stage_tags`` is read as its documentation says:
   blanks at the ends (also the characters that show nothing, as tag values
   are stripped), case, full-width letters and the Unicode form do not
   matter; a placeholder is no sex; any other value is an InputError.
2. ``profile_completeness`` refuses a column that only reads as a field
   without a column of its own (``Phone`` for ``phone``), which it took for
   no column: the field counted as missing for every customer, silently.
3. ``group_summary`` reads a ``customer_id`` key of a dict of facts as the
   customer ids (it summed them as a fact and paired the rows by position),
   and refuses a column only spelled like it (``CustomerID``).
4. ``assign_owners`` and ``reassign_neglected`` refuse a ``customer_id=``
   holding the ids of the value's index in another order: the result was
   on the index, the ties broken by the other order's ids.
5. ``actions`` warns of classes the playbook does not cover that read like
   its labels (``Silent`` for ``silent``): their customers fell out of the
   due list without a word.
"""

from __future__ import annotations

import warnings

import hypothesis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import (
    actions,
    assign_owners,
    default_playbook,
    due_contacts,
    reassign_neglected,
)
from custseg.errors import CustsegWarning, InputError
from custseg.groups import (
    LifeStageWindows,
    group_summary,
    life_stage_tags,
    tags_from_values,
)
from custseg.profile import profile_completeness

_BOYS = ("boy", "male", "m", "男", "男宝", "男孩")
_GIRLS = ("girl", "female", "f", "女", "女宝", "女孩")
_BLANKS = (" ", "\u3000", "\u200b", "\ufeff", "\u00ad", "\u2060", "\u200e")


def _wide(text: str) -> str:
    """Full-width ASCII, as a Chinese keyboard types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _oracle(value: str | None) -> tuple[bool, bool]:
    """(boy, girl) of one sex value, by the documented rule (no birthdays)."""
    if value is None:
        return (False, False)
    return (value in _BOYS, value in _GIRLS)


@st.composite
def _spelled(draw: st.DrawFn) -> tuple[str, str]:
    """A boy or girl value and one way a CRM export may write it."""
    value = draw(st.sampled_from(_BOYS + _GIRLS))
    text = draw(st.sampled_from([value, value.upper(), value.title()]))
    if draw(st.booleans()):
        text = _wide(text)
    before = draw(st.lists(st.sampled_from(_BLANKS), max_size=2))
    after = draw(st.lists(st.sampled_from(_BLANKS), max_size=2))
    return value, "".join(before) + text + "".join(after)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), _spelled()), min_size=1, max_size=6))
def test_sex_values_read_through_blanks_case_and_width(cells: list) -> None:
    values = [None if c is None else c[0] for c in cells]
    written = [None if c is None else c[1] for c in cells]
    tags = life_stage_tags(as_of="2024-06-01", baby_sex=written)
    got = [tuple(row) for row in tags.matrix.tolist()]
    assert got == [_oracle(x) for x in values]


def test_repro_zero_width_space_and_full_width() -> None:
    tags = life_stage_tags(
        as_of="2024-06-01",
        baby_sex=["boy\u200b", "Ｇｉｒｌ", "\ufeff男", None, "未知", "Ｎ／Ａ"],
    )
    assert tags.names == ("boy", "girl")
    assert tags.matrix.tolist() == [
        [True, False],
        [False, True],
        [True, False],
        [False, False],
        [False, False],
        [False, False],
    ]
    # other values are still refused, not read as "no baby"
    for odd in ("U", "boys", "b oy", "Ｕ\u200b"):
        with pytest.raises(InputError, match="neither a boy nor a girl value"):
            life_stage_tags(as_of="2024-06-01", baby_sex=["boy\u200b", odd])


def test_with_birthdays_and_own_values() -> None:
    windows = LifeStageWindows(boy_values=("1",), girl_values=("2",))
    tags = life_stage_tags(
        as_of="2024-06-01",
        baby_birthday=["2024-01-01", "2024-01-01", None],
        baby_sex=["１", "2\u200b", "1"],
        windows=windows,
    )
    assert tags.matrix.tolist() == [
        [True, True, False],
        [True, False, True],
        [False, False, False],
    ]


def _look_alike(name: str, how: str) -> str:
    return {
        "upper": name.upper(),
        "title": name.title(),
        "space": name + " ",
        "lead": " " + name,
        "bom": "\ufeff" + name,
        "zwsp": name + "\u200b",
        "wide": _wide(name),
    }[how]


_HOWS = ("upper", "title", "space", "lead", "bom", "zwsp", "wide")


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=20, deadline=None)
@given(
    st.sampled_from(["name", "phone", "age", "hobbies", "budget"]),
    st.sampled_from(_HOWS),
    st.lists(st.sampled_from(["x", None, "", "未知", "12"]), min_size=1, max_size=4),
)
def test_look_alike_column_refused_or_read_when_mapped(
    field: str, how: str, cells: list
) -> None:
    column = _look_alike(field, how)
    other = "family" if field != "family" else "assets"
    data = {column: cells, other: ["y"] * len(cells)}
    with pytest.raises(InputError, match="reads the column of its name"):
        profile_completeness(data)
    # mapped, it is read as the column named like the field would be
    mapped = profile_completeness(data, fields={column: field})
    named = profile_completeness({field: cells, other: ["y"] * len(cells)})
    assert mapped.score.tolist() == named.score.tolist()
    assert mapped.missing.tolist() == named.missing.tolist()


def test_repro_capitalised_header() -> None:
    crm = {"Phone": ["13800000001", "13800000002"], "name": ["王芳", "李娜"]}
    with pytest.raises(InputError) as caught:
        profile_completeness(crm, hard=["name", "phone"], soft=[], weights=(1, 0))
    assert "'Phone', not 'phone'" in str(caught.value)
    assert "fields={'Phone': 'phone'}" in str(caught.value)
    res = profile_completeness(
        crm, fields={"Phone": "phone"}, hard=["name", "phone"], soft=[], weights=(1, 0)
    )
    assert res.score.tolist() == [1.0, 1.0]
    # a look-alike mapped to another field, or beside the field's own
    # column, is no look-alike of a field without a column
    both = {"phone": ["1", None], "Phone": ["2", "3"], "name": ["a", "b"]}
    kw = {"hard": ["name", "phone"], "soft": ["tel"], "weights": (1, 1)}
    assert profile_completeness(both, **kw).score.tolist() == [0.5, 0.25]
    res = profile_completeness(crm, fields={"Phone": "tel"}, **kw)
    assert res.score.tolist() == [0.75, 0.75]


def _id_alike(how: str) -> str:
    return {
        "camel": "CustomerID",
        "spaced": "Customer ID",
        "upper": "CUSTOMER_ID",
        "blank": "customer_id ",
        "dash": "customer-id",
        "bom": "\ufeffcustomer_id",
        "wide": _wide("customer_id"),
    }[how]


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=20, deadline=None)
@given(
    st.sampled_from(["camel", "spaced", "upper", "blank", "dash", "bom", "wide"]),
    st.sampled_from(["frame", "dict"]),
    st.booleans(),
)
def test_customer_id_spelled_otherwise_is_refused(
    how: str, kind: str, ids: bool
) -> None:
    column = _id_alike(how)
    data = {column: [30, 10, 20], "monetary": [1.0, 2.0, 4.0]}
    facts = pd.DataFrame(data) if kind == "frame" else data
    values = ["tea", "yoga", "tea"]
    tags = (
        tags_from_values(pd.Series(values, index=pd.Index([30, 10, 20], name="cid")))
        if ids
        else tags_from_values(values)
    )
    with pytest.raises(InputError, match="never a fact"):
        group_summary(tags, facts)


def test_repro_dict_of_facts_with_customer_id() -> None:
    by_id = tags_from_values(
        pd.Series(
            ["tea", "yoga", "tea"], index=pd.Index([30, 10, 20], name="customer_id")
        )
    )
    facts = {"customer_id": [30, 10, 20], "monetary": [1.0, 2.0, 4.0]}
    got = group_summary(by_id, facts).to_pandas()
    assert list(got.columns) == [
        "customers",
        "share",
        "monetary_total",
        "monetary_mean",
    ]
    assert got["monetary_total"].tolist() == [5.0, 2.0, 7.0]
    # in another order: refused, never paired by position
    shuffled = {"customer_id": [10, 20, 30], "monetary": [2.0, 4.0, 1.0]}
    with pytest.raises(InputError, match="different index"):
        group_summary(by_id, shuffled)
    # text ids: read as ids, not refused as a column of non-numbers
    text = tags_from_values(pd.Series(["tea", "yoga"], index=pd.Index(["b", "a"])))
    got = group_summary(text, {"customer_id": ["b", "a"], "monetary": [1.0, 2.0]})
    assert got.totals["monetary"].tolist() == [1.0, 2.0, 3.0]
    # Series on other ids beside the key: refused, not paired by position
    other = {"customer_id": [30, 10, 20], "monetary": pd.Series([1.0, 2.0, 4.0])}
    other["monetary"].index = [10, 20, 30]
    with pytest.raises(InputError, match="differ from the index"):
        group_summary(by_id, other)
    # tags without ids beside them: refused, with a fix that fits a dict
    with pytest.raises(InputError, match="a dict without its 'customer_id' key"):
        group_summary(tags_from_values(["tea", "yoga", "tea"]), facts)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=20, deadline=None)
@given(st.permutations(["c1", "c2", "c3", "c4"]), st.permutations(range(4)))
def test_customer_id_against_the_index(order: list, perm: list) -> None:
    index = pd.Index(order, name="customer_id")
    value = pd.Series([5.0, 5.0, 5.0, 5.0], index=index)
    owner = pd.Series(["x", None, "x", None], index=index, dtype=object)
    flags = pd.Series([True, False, True, False], index=index)
    ids = [order[i] for i in perm]
    calls = [
        lambda c: assign_owners(value, ["x", "y"], current_owner=owner, customer_id=c),
        lambda c: reassign_neglected(value, owner, ["x", "y"], flags, customer_id=c),
    ]
    for call in calls:
        plain = call(None).owner.to_pandas()
        if ids == order:  # the index's own ids: the same owners
            assert call(ids).owner.to_pandas().equals(plain)
        else:
            with pytest.raises(InputError, match="in another order"):
                call(ids)
        with pytest.raises(InputError, match="in another order"):
            call(pd.Index([*order[1:], order[0]]))


def test_repro_customer_id_in_another_order() -> None:
    value = pd.Series([1, 1], index=pd.Index(["b", "a"], name="customer_id"))
    # the ties went by customer_id (a first), the result by the index: 'b'
    # got the owner of the customer tied first, 'a'
    with pytest.raises(InputError, match=r"customer_id=value\.index"):
        assign_owners(value, ["x", "y"], customer_id=["a", "b"])
    res = assign_owners(value, ["x", "y"])
    assert res.owner.to_pandas().to_dict() == {"b": "y", "a": "x"}
    # on row numbers, customer_id= gives the ids
    rows = assign_owners(pd.Series([1, 1]), ["x", "y"], customer_id=["b", "a"])
    assert rows.owner.to_numpy().tolist() == ["y", "x"]


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["active", "silent", "lost", "沉默期"]),
            st.sampled_from(["same", "title", "upper", "space", "zwsp", "wide"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_look_alike_classes_warned(cells: list) -> None:
    how = {
        "same": lambda x: x,
        "title": str.title,
        "upper": str.upper,
        "space": lambda x: x + " ",
        "zwsp": lambda x: x + "\u200b",
        "wide": _wide,
    }
    labels = [how[h](x) for x, h in cells]
    pb = default_playbook("lifecycle")
    # the oracle: customers whose class is only spelled like a covered one
    odd = sum(1 for x in labels if pb.action_for(x) is None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = actions(labels, pb, recency_days=[1.0] * len(labels))
    said = [w for w in caught if issubclass(w.category, CustsegWarning)]
    if odd:
        assert len(said) == 1
        assert f"{odd:,d} customer" in str(said[0].message)
    else:
        assert not said
    assert len(plan.uncovered) == len({x for x in labels if pb.action_for(x) is None})


def test_repro_capitalised_class_drops_out_of_the_due_list() -> None:
    pb = default_playbook("lifecycle")
    with pytest.warns(CustsegWarning, match=r"'Silent' \(like 'silent'\)"):
        plan = actions(["Silent", "active"], pb, recency_days=[10, 10])
    due = due_contacts([None, None], plan, "2024-12-28")
    assert due.counts() == {"cadence": 1}  # still not guessed: only warned
    # a class the playbook lacks altogether is not warned of
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert actions(["churned"], pb, recency_days=[10]).uncovered == ("churned",)
