"""Audit 28, tags, groups and profiles: each finding's class, and its example.

1. ``tags_from_values`` of labels (or a categorical) dropped the classes whose
   names read as placeholders (``unknown``, ``未知``) and split names holding
   a separator: labelled customers were in no group, unseen.
2. ``group_summary`` paired tags without customer ids with the id-sorted
   rows of ``CustomerFacts`` by position.
3. Polars text ending in NUL was cut short by ``np.asarray`` (``"a\\x00"``
   read ``"a"``) wherever a column became a NumPy array.
4. ``TagMatrix`` refused an ``object`` column of True/False (what
   ``df.replace({'是': True, '否': False})`` gives), and its message told the
   user to do just that.
5. ``Labels.from_names`` showed a value that only reads like a name (another
   Unicode form) and the name as the same text.
6. A profile field named ``""`` read, in ``missing_labels``, as a complete
   profile.
7. Text beyond float64's range (``"1e400"``) was called an infinite value.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError, ThresholdError
from custseg.groups import (
    TagMatrix,
    combine_tags,
    group_sizes,
    group_summary,
    tags_from_values,
)
from custseg.labels import Labels, label_codes
from custseg.profile import PLACEHOLDERS, profile_completeness

# --------------------------------------------------------------------------
# 1. labels and categoricals: every class one tag, as named, none dropped

#: class names that read as placeholders, hold separators or blanks
_CLASS_NAMES = [
    *PLACEHOLDERS,
    "unknown",
    "未知",
    "tea,yoga",
    "a|b",
    "n/a",
    "",
    " x ",
    "new",
    "A产品、B产品",
    "1",
]


@st.composite
def _labelled(draw: st.DrawFn) -> Labels:
    names = draw(
        st.lists(st.sampled_from(_CLASS_NAMES), min_size=1, max_size=5, unique=True)
    )
    n = draw(st.integers(0, 8))
    codes = draw(st.lists(st.integers(0, len(names) - 1), min_size=n, max_size=n))
    ids = pd.Index([f"c{i}" for i in draw(st.permutations(range(n)))], name="id")
    return Labels(codes, names, index=ids)


@settings(max_examples=40, deadline=None)
@given(lab=_labelled(), prefix=st.sampled_from(["", "status:"]))
def test_every_class_of_labels_is_one_tag(lab: Labels, prefix: str) -> None:
    """Each class is a tag named after it, in the classes' order (empty ones
    too); each customer carries exactly its own class's tag; a categorical
    (what ``to_pandas()`` gives) is read the same."""
    tags = tags_from_values(lab, prefix=prefix)
    assert tags.names == tuple(prefix + name for name in lab.names)
    assert tags.matrix.sum(axis=1).tolist() == [1] * len(lab)
    assert tags.matrix.argmax(axis=1).tolist() == lab.codes.tolist()
    assert group_sizes(tags) == {prefix + k: c for k, c in lab.counts().items()}
    assert list(tags.index) == list(lab.index)
    for same in (lab.to_pandas(), lab.to_categorical()):
        other = tags_from_values(same, prefix=prefix)
        assert other.names == tags.names
        assert np.array_equal(other.matrix, tags.matrix)


@settings(max_examples=30, deadline=None)
@given(lab=_labelled(), data=st.data())
def test_a_mapping_maps_class_names(lab: Labels, data: st.DataObject) -> None:
    """Keys are class names as written (placeholders and separators too);
    classes it leaves out get no tag."""
    mapped = data.draw(st.lists(st.sampled_from(lab.names), unique=True, min_size=1))
    mapping = {name: f"tag {k % 2}" for k, name in enumerate(mapped)}
    tags = tags_from_values(lab, mapping)
    names = lab.to_numpy().tolist()
    for j, tag in enumerate(tags.names):
        expected = [mapping.get(x) == tag for x in names]
        assert tags.matrix[:, j].tolist() == expected


def test_unknown_class_is_a_group() -> None:
    """The finding's example: customer c2, whose data is missing, is in the
    ``unknown`` group (``未知`` in Chinese), not in none."""
    ids = pd.Index(["c1", "c2", "c3"], name="customer_id")
    nan = float("nan")
    status = custseg.customer_status(
        pd.Series([1, nan, 2], index=ids),
        pd.Series([3, nan, 200], index=ids),
        pd.Series([3, nan, 20], index=ids),
    )
    tags = tags_from_values(status)
    assert tags.names == status.names
    assert tags.to_pandas().loc["c2", "unknown"]
    assert {k: v for k, v in group_sizes(tags).items() if v} == {
        "new": 1,
        "repeat": 1,
        "unknown": 1,
    }
    zh = custseg.customer_status([1, nan], [3, nan], [3, nan], lang="zh")
    assert "未知" in tags_from_values(zh).names
    assert tags_from_values(zh).sizes()["未知"] == 1


def test_missing_labels_of_a_categorical_get_no_tag() -> None:
    cat = pd.Series(
        pd.Categorical(["未知", None, "tea,yoga"], categories=["tea,yoga", "未知"])
    )
    tags = tags_from_values(cat)
    assert tags.names == ("tea,yoga", "未知")
    assert tags.matrix.tolist() == [[False, True], [False, False], [True, False]]
    # plain text still splits and drops placeholders
    assert tags_from_values(cat.astype(object)).names == ("tea", "yoga")


# --------------------------------------------------------------------------
# 2. tags without ids beside CustomerFacts: refused, never paired by position


@settings(max_examples=25, deadline=None)
@given(
    order=st.permutations(["a", "b", "c", "d"]).map(list),
    interest=st.lists(st.sampled_from(["tea", "yoga"]), min_size=4, max_size=4),
)
def test_tags_without_ids_beside_customer_facts(
    order: list[str], interest: list[str]
) -> None:
    """Whatever the order of the customers, tags from a list (or an array)
    are refused beside CustomerFacts; on the customers' ids, in the facts'
    order, the sums are each group's own customers'."""
    amount = {"a": 7.0, "b": 150.0, "c": 1000.0, "d": 2.5}
    tx = pd.DataFrame(
        {
            "customer_id": order,
            "date": pd.to_datetime(["2024-01-01"] * 4),
            "amount": [amount[c] for c in order],
        }
    )
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount, as_of="2024-04-01")
    for tags in (
        tags_from_values(interest),
        TagMatrix(("x",), np.ones((4, 1), bool)),
        combine_tags((("x",), [[1], [0], [1], [0]])),
    ):
        with pytest.raises(InputError, match=r"^'tags' has no customer ids.*index=ids"):
            group_summary(tags, facts)
    by_id = pd.Series(interest, index=order).reindex(facts.customer_id)
    got = group_summary(tags_from_values(by_id), facts)
    for k, name in enumerate(got.names[:-1]):
        want = sum(amount[c] for c, x in zip(order, interest, strict=True) if x == name)
        assert got.totals["monetary"][k] == want


def docs_example_facts() -> custseg.CustomerFacts:
    """The facts of the groups page's example: customers a, b, c."""
    tx = pd.DataFrame(
        {
            "customer_id": ["b", "b", "a", "c"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01"]
            ),
            "amount": [100.0, 50.0, 7.0, 1000.0],
        }
    )
    return custseg.summarize(tx.customer_id, tx.date, tx.amount, as_of="2024-04-01")


def test_customer_facts_example() -> None:
    """The finding's example: tea was 1007 (c + a), yoga 150 (b)."""
    facts = docs_example_facts()
    cust = pd.DataFrame(
        {"customer_id": ["c", "a", "b"], "interest": ["tea", "yoga", "tea"]}
    )
    with pytest.raises(InputError, match="has no customer ids"):
        group_summary(tags_from_values(cust["interest"].tolist()), facts)
    tags = tags_from_values(
        cust.set_index("customer_id")["interest"].reindex(facts.customer_id)
    )
    assert group_summary(tags, facts).totals["monetary"].tolist() == [
        1150.0,
        7.0,
        1157.0,
    ]
    # one customer: one order only, so nothing to refuse
    one = custseg.summarize(
        ["a"], pd.to_datetime(["2024-01-01"]), [5.0], as_of="2024-04-01"
    )
    assert group_summary(tags_from_values(["tea"]), one).totals[
        "monetary"
    ].tolist() == [5.0, 5.0]


# --------------------------------------------------------------------------
# 3. Polars text with a trailing NUL reads as it is, as a list does

_NUL_TEXT = st.lists(
    st.text(alphabet=["a", "n", "\x00", " ", "/"], min_size=0, max_size=3),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(texts=_NUL_TEXT)
def test_polars_text_with_nul_reads_as_a_list(texts: list[str]) -> None:
    pl = pytest.importorskip("polars")
    series = pl.Series(texts, dtype=pl.String)
    assert tags_from_values(series).names == tags_from_values(texts).names
    codes, names = label_codes(series)[:2]
    assert (codes.tolist(), names) == tuple(
        (c.tolist() if i == 0 else c) for i, c in enumerate(label_codes(texts)[:2])
    )
    kw = {"hard": ["name"], "soft": [], "weights": (1, 0)}
    got = profile_completeness({"name": series}, **kw).missing[:, 0].tolist()
    assert got == profile_completeness({"name": texts}, **kw).missing[:, 0].tolist()
    days = pd.to_datetime(["2024-01-01"] * len(texts))
    amounts = [1.0] * len(texts)
    if all(texts):
        facts = custseg.summarize(series, days, amounts, as_of="2024-02-01")
        plain = custseg.summarize(texts, days, amounts, as_of="2024-02-01")
        assert facts.customer_id.tolist() == plain.customer_id.tolist()
        assert facts.frequency.tolist() == plain.frequency.tolist()


def test_polars_nul_example() -> None:
    pl = pytest.importorskip("polars")
    s = pl.Series(["a\x00", "a"])
    assert tags_from_values(s).names == ("a", "a\x00")
    assert label_codes(s)[1] == ("a", "a\x00")
    kw = {"hard": ["name"], "soft": [], "weights": (1, 0)}
    got = profile_completeness({"name": pl.Series(["na\x00", "\x00"])}, **kw)
    assert got.missing[:, 0].tolist() == [False, False]


# --------------------------------------------------------------------------
# 4. True/False held as objects is a tag matrix


@settings(max_examples=30, deadline=None)
@given(
    flags=st.lists(
        st.lists(st.booleans(), min_size=2, max_size=2), min_size=1, max_size=6
    )
)
def test_object_true_false_is_a_tag_matrix(flags: list[list[bool]]) -> None:
    want = np.array(flags, dtype=bool)
    words = pd.DataFrame(np.where(want, "是", "否"), columns=["vip", "mother"])
    frame = words.replace({"是": True, "否": False}).astype(object)
    assert (frame.dtypes.map(str) == "object").all()
    for got in (
        TagMatrix(("vip", "mother"), frame),
        combine_tags((("vip", "mother"), frame)),
        TagMatrix(("vip", "mother"), want.astype(object)),
    ):
        assert np.array_equal(got.matrix, want)
    assert np.array_equal(TagMatrix(("vip",), frame["vip"]).matrix[:, 0], want[:, 0])


def test_object_true_false_example_and_words_left() -> None:
    flags = pd.DataFrame({"vip": ["是", "否", "是"]}).replace({"是": True, "否": False})
    assert TagMatrix(("vip",), flags).sizes() == {"vip": 2}
    left = pd.DataFrame({"vip": ["是", "Y", "否"]}).replace({"是": True, "否": False})
    with pytest.raises(
        InputError, match=r"^'matrix' holds 'Y' \(str\) among its True/False"
    ):
        TagMatrix(("vip",), left)


# --------------------------------------------------------------------------
# 5. a value that only reads like a label name is shown by its code points

_LOOKALIKES = st.sampled_from(
    [
        ("café", unicodedata.normalize("NFD", "café")),
        ("Åsa", unicodedata.normalize("NFD", "Åsa")),
        ("vip", "vip\u200b"),
        ("vip", "\ufeffvip"),
        ("A1", "Ａ1"),
    ]
)


@settings(max_examples=20, deadline=None)
@given(pair=_LOOKALIKES, others=st.lists(st.sampled_from(["x", "yo"]), unique=True))
def test_from_names_shows_lookalikes_apart(
    pair: tuple[str, str], others: list[str]
) -> None:
    name, value = pair
    with pytest.raises(ThresholdError) as err:
        Labels.from_names([value], (name, *others))
    message = str(err.value)
    assert ascii(value) in message and ascii(name) in message
    assert "reads like" in message
    with pytest.raises(ThresholdError, match=r"^label 'z' is not one of \('x',\)$"):
        Labels.from_names(["z"], ("x",))


# --------------------------------------------------------------------------
# 6. an empty or blank profile field name is refused


@settings(max_examples=25, deadline=None)
@given(
    blank=st.text(alphabet=[" ", "\t", "\u3000", "\u200b", "\ufeff"], max_size=3),
    part=st.sampled_from(["hard", "soft"]),
    at=st.integers(0, 1),
)
def test_blank_field_names_are_refused(blank: str, part: str, at: int) -> None:
    names = ["name", "phone"]
    names.insert(at, blank)
    kw = {"hard": ["age"], "soft": ["hobbies"], part: names}
    with pytest.raises(
        ThresholdError, match=rf"^'{part}\[{at}\]' must not be empty or blank"
    ):
        profile_completeness({"name": ["x"]}, **kw)


def test_empty_field_example() -> None:
    kw = {"hard": ["", "b"], "soft": [], "weights": (1, 0)}
    with pytest.raises(ThresholdError, match=r"'hard\[0\]' must not be empty"):
        profile_completeness({"": ["x", None], "b": [None, "y"]}, **kw)


# --------------------------------------------------------------------------
# 7. a number beyond float64 written as text is too large, not infinite


@settings(max_examples=30, deadline=None)
@given(
    exponent=st.integers(309, 5000),
    sign=st.sampled_from(["", "-", "+"]),
    kind=st.sampled_from(["str", "bytes", "decimal", "array"]),
)
def test_text_beyond_float64_is_too_large(exponent: int, sign: str, kind: str) -> None:
    text = f"{sign}1.5e{exponent}"
    cell: object = {
        "str": text,
        "bytes": text.encode(),
        "decimal": Decimal(text),
        "array": text,
    }[kind]
    column = np.array([text, "1"]) if kind == "array" else [cell, 1]
    with pytest.raises(InputError, match="beyond the range float64 holds") as err:
        group_summary(TagMatrix(("g",), [[1], [1]]), {"m": column})
    assert "infinite" not in str(err.value)
    with pytest.raises(InputError, match="contains infinite values"):
        group_summary(TagMatrix(("g",), [[1], [1]]), {"m": [f"{sign}inf", "1"]})
