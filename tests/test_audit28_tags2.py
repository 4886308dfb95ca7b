"""Audit 28, second round on tags, groups and names shown: each finding's
class, and its example.

1. A Polars ``Categorical`` of class labels (what ``pl.from_pandas`` makes
   of a pandas categorical) was read as plain text: split on separators and
   its ``unknown`` / ``未知`` class dropped as a placeholder.
2. Arrow dictionary data with unsigned indices (Polars' ``to_arrow()``)
   crashed with a bare ``OverflowError``.
3. An Arrow dictionary of float32 numbers named them by the widened double
   (``0.10000000149011612``), so a mapping key ``0.1`` matched nothing.
4. ``group_summary`` paired tags without ids with facts indexed by customer
   id (``facts.to_pandas()``) by position.
5. A backslash in a name made a literal ``amy\\u000a`` read as ``amy`` and a
   line break, in report tables, charts and notebook tables.
6. Notebook tables turned emoji tags, lone surrogates, private-use and
   unassigned characters into blanks.
7. The ``max_tags`` error of a categorical with unused categories said the
   column "has N distinct values" and gave no way to drop the unused ones.
8. Decimal values were named ``0.00001`` as a list but ``1e-05`` as a
   categorical, and Decimal mapping keys were refused.
"""

from __future__ import annotations

import html
import re
import warnings
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg._display import _html_text, shown_name
from custseg.errors import InputError
from custseg.groups import TagMatrix, group_sizes, group_summary, tags_from_values
from custseg.labels import label_codes
from custseg.reporting import _esc_name
from test_audit28_groups import docs_example_facts

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")


# --------------------------------------------------------------------------
# 1. a Polars Categorical is declared classes, as a pandas categorical is

_CLASS_NAMES = ["未知", "unknown", "A产品、B产品", "tea,yoga", "N/A", "新客", "b", "a"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(_CLASS_NAMES)), max_size=12))
def test_a_polars_categorical_gives_the_tags_of_a_pandas_one(values: list[Any]) -> None:
    """A Polars Categorical was split and lost its placeholder-like classes;
    it now gives the tags of the pandas categorical of the same values
    (whose categories are the sorted values it holds), every row its class."""
    polars = pl.Series(values, dtype=pl.Categorical)
    pandas = pd.Categorical(values)
    got, want = tags_from_values(polars), tags_from_values(pandas)
    assert got.names == want.names
    assert np.array_equal(got.matrix, want.matrix)
    assert got.matrix.sum(axis=1).tolist() == [int(x is not None) for x in values]
    codes, names, ordered, _index, _name = label_codes(polars)
    codes_pd, names_pd, _ordered, _index, _name = label_codes(pandas)
    assert codes.tolist() == codes_pd.tolist()
    assert names == names_pd
    assert ordered is False


def test_customer_status_through_polars_keeps_unknown() -> None:
    """The worked example: a classifier's labels through pl.from_pandas."""
    ids = pd.Index(["c1", "c2", "c3"], name="customer_id")
    nan = np.nan
    status = custseg.customer_status(
        pd.Series([1, nan, 2], index=ids),
        pd.Series([3, nan, 200], index=ids),
        pd.Series([3, nan, 20], index=ids),
        lang="zh",
    )
    frame = pl.from_pandas(pd.DataFrame({"status": status.to_pandas()}))
    assert frame.schema["status"] == pl.Categorical
    sizes = {
        k: n for k, n in group_sizes(tags_from_values(frame["status"])).items() if n
    }
    assert sizes == {"新客": 1, "未知": 1, "重复购买": 1}


# --------------------------------------------------------------------------
# 2. Arrow dictionaries of any index type

_INDEX_TYPES = [
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
]


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(_INDEX_TYPES),
    st.lists(st.one_of(st.none(), st.integers(0, 2)), max_size=10),
)
def test_arrow_dictionary_indices_of_any_integer_type(
    index_type: str, codes: list[int | None]
) -> None:
    """Unsigned indices crashed (fill_null(-1) on a uint array); every index
    type now reads as int32 indices do."""
    dictionary = pa.array(["tea", "yoga", "未知"])
    col = pa.DictionaryArray.from_arrays(
        pa.array(codes, getattr(pa, index_type)()), dictionary
    )
    signed = pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), dictionary)
    got, want = label_codes(col), label_codes(signed)
    assert got[1] == want[1] == ("tea", "yoga", "未知")
    assert got[0].tolist() == [-1 if c is None else c for c in codes]
    assert tags_from_values(col).sizes() == tags_from_values(signed).sizes()


def test_polars_enum_to_arrow_reads() -> None:
    """The worked example: Polars writes uint8 indices for an Enum."""
    col = pl.Series(["tea", "yoga", "tea"], dtype=pl.Enum(["tea", "yoga"])).to_arrow()
    assert pa.types.is_unsigned_integer(col.type.index_type)
    assert tags_from_values(col).sizes() == {"tea": 2, "yoga": 1}


# --------------------------------------------------------------------------
# 3. float32 dictionaries named as the decimals they print as

# amounts in cents (what float32 rarely holds exactly), and any float32
_FLOAT32 = st.one_of(
    st.integers(0, 10**6).map(lambda cents: cents / 100),
    st.floats(width=32, allow_nan=False, allow_infinity=False).map(abs),
)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(_FLOAT32, min_size=1, max_size=8),
    st.sampled_from([np.float32, np.float16]),
)
@example([19.99, 0.5], np.float32)
def test_arrow_float_dictionary_names_as_a_categorical(
    values: list[float], dtype: Any
) -> None:
    """An Arrow dictionary of float32 (or float16) numbers named them by the
    widened double; it names them now as the plain array and the pandas
    categorical of the same numbers do, so a mapping keyed by those names
    matches."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # float16 overflow
        x = np.array(values, dtype=np.float32).astype(dtype)
    x = x[np.isfinite(x)]
    if not len(x):
        return
    arrow = pa.array(x).dictionary_encode()
    got = label_codes(arrow)
    want = label_codes(x)  # the plain array (pandas has no float16 categorical)
    if dtype is np.float32:
        categorical = label_codes(pd.Categorical(x))
        assert categorical[1] == want[1]
    assert set(got[1]) == set(want[1])
    assert [got[1][c] for c in got[0]] == [want[1][c] for c in want[0]]
    first = want[1][0]
    mapped = tags_from_values(arrow, {first: "A"}).sizes()["A"]
    assert mapped == int(np.count_nonzero(want[0] == 0))


def test_float32_arrow_dictionary_mapping_matches() -> None:
    """The worked example."""
    x = np.array([0.1, 2.0, 0.1], dtype=np.float32)
    arrow = pa.array(x).dictionary_encode()
    assert tags_from_values(arrow).names == ("0.1", "2")
    assert tags_from_values(arrow, {0.1: "A", 2: "B"}).sizes() == {"A": 2, "B": 1}


# --------------------------------------------------------------------------
# 4. group_summary: tags without ids beside facts on customer ids


@settings(max_examples=25, deadline=None)
@given(
    st.permutations(["a", "b", "c", "d"]),
    st.sampled_from(["frame", "series", "mapping"]),
    st.sampled_from(["customer_id", None]),
    st.booleans(),
)
def test_idless_tags_beside_facts_on_ids_are_refused(
    order: list[str], form: str, index_name: str | None, text_ids: bool
) -> None:
    """Facts indexed by customer id (any index but row numbers) beside tags
    without ids were paired by position; refused now, as CustomerFacts
    are. Facts without ids (a RangeIndex, arrays) are still paired by
    position."""
    ids = order if text_ids else [ord(c) for c in order]
    if not text_ids and index_name is None:
        index_name = "customer_id"  # (an unnamed integer index: row numbers)
    monetary = pd.Series([1.0, 2.0, 3.0, 4.0], index=pd.Index(ids, name=index_name))
    facts: Any = {
        "frame": monetary.to_frame("monetary"),
        "series": {"monetary": monetary},
        "mapping": {"monetary": monetary, "frequency": monetary},
    }[form]
    tags = tags_from_values(["tea", "yoga", "tea", "yoga"])
    with pytest.raises(InputError, match="no customer ids"):
        group_summary(tags, facts)
    by_rows = monetary.reset_index(drop=True)
    summary = group_summary(tags, {"monetary": by_rows})
    assert summary.totals["monetary"].tolist() == [4.0, 6.0, 10.0]
    arrays = group_summary(tags, {"monetary": by_rows.to_numpy()})
    assert arrays.totals["monetary"].tolist() == [4.0, 6.0, 10.0]


def test_facts_to_pandas_beside_idless_tags_is_refused() -> None:
    """The worked example of the docs: facts.to_pandas() gave tea 1007 and
    yoga 150 (the truth: 1150 and 7)."""
    facts = docs_example_facts()
    people = pd.DataFrame(
        {"customer_id": ["c", "a", "b"], "interest": ["tea", "yoga", "tea"]}
    )
    tags = tags_from_values(people["interest"].tolist())
    frame = facts.to_pandas()
    with pytest.raises(
        InputError, match=r"indexed by customer id \(their index 'customer_id'\)"
    ):
        group_summary(tags, frame[["monetary"]])
    with pytest.raises(InputError, match="no customer ids"):
        group_summary(tags, {"monetary": frame["monetary"]})


# --------------------------------------------------------------------------
# 5 and 6. names shown by code points: one reading, nothing blanked

_HEX = re.compile(r"\\u([0-9a-f]{4})|\\U([0-9a-f]{8})")


def _read_back(shown: str) -> str:
    """The name a shown name stands for: ``\\\\`` a backslash, ``\\uXXXX``
    and ``\\UXXXXXXXX`` a code point, any other character itself."""
    out, i = [], 0
    while i < len(shown):
        if shown.startswith("\\\\", i):
            out.append("\\")
            i += 2
            continue
        m = _HEX.match(shown, i)
        if m:
            out.append(chr(int(m.group(1) or m.group(2), 16)))
            i = m.end()
            continue
        out.append(shown[i])
        i += 1
    return "".join(out)


_TRICKY = [
    "\\", "\\u000a", "\\u0020", "\\udce9", "u", "U", "0", "a", "e", " ", "\n", "\t", "\x00", "\u200b", "\u202e",
    "\xa0", "\u200d", "\udce9", "\ue000", "\ue001", "\u0378", "\U000e0067",
    "\U0001f3f4", "<", "&", "\u0301",
]  # fmt: skip
_NAMES = st.lists(st.sampled_from(_TRICKY), max_size=10).map("".join)


@settings(max_examples=40, deadline=None)
@given(_NAMES)
@example("amy\\u000a")
@example("amy\\\n")
@example("x\udce9y")
@example("\U0001f3f4\U000e0067\U000e007f p\ue000")
def test_a_shown_name_reads_back_as_the_name(name: str) -> None:
    """Two different names never read alike: a shown name reads back as the
    name it shows, in a report table, a chart label and a notebook table
    (the literal ``amy\\u000a`` is not ``amy`` and a line break; a lone
    surrogate, a private-use character, an emoji tag are never a blank)."""
    if "\udce9" not in name:
        assert _read_back(shown_name(name)) == name
        assert _read_back(html.unescape(_esc_name(name))) == name
    assert _read_back(shown_name(name, surrogates=True)) == name
    cell = _html_text(name, limit=10_000)
    assert cell == html.escape(shown_name(name, surrogates=True))
    assert _read_back(html.unescape(cell)) == name


def test_backslash_and_blanked_names_worked_examples() -> None:
    """The worked examples: a line break and a literal backslash-u; an emoji
    flag, a lone surrogate and private-use characters in a notebook."""
    assert _esc_name("amy\n") != _esc_name("amy\\u000a")
    assert _esc_name("amy\\u000a") == "amy\\\\u000a"
    assert _esc_name("C:\\data") == "C:\\data"
    cells = re.findall(
        r'text-align: left">(.*?)</td>',
        TagMatrix(("amy\n", "amy\\u000a"), [[1, 0], [0, 1]])._repr_html_(),
    )
    assert cells == ["amy\\u000a", "amy\\\\u000a"]
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    names = (flag + " fans", "x\udce9y", "x y", "p\ue000", "p\ue001")
    t = TagMatrix(names, [[1, 0, 0, 1, 0], [0, 1, 1, 0, 1]])
    cells = re.findall(r'text-align: left">(.*?)</td>', t._repr_html_())
    assert cells == [flag + " fans", "x\\udce9y", "x y", "p\ue000", "p\ue001"]


def test_report_ownership_rows_keep_names_apart() -> None:
    """The worked example in the report: an owner with a line break and one
    written with a backslash-u are two rows that read apart."""
    from custseg.datasets import simulate_transactions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = custseg.segment(simulate_transactions(200, seed=1), preset="ecommerce")
        n = len(res.customers)
        owners = np.array(["amy\n", "amy\\u000a"] * n, dtype=object)[:n]
        import attrs

        page = custseg.report(
            attrs.evolve(res, customers=res.customers.assign(owner=owners)),
            charts=False,
        )
    section = page.html.split('<section id="ownership"')[1].split("</section>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>', section)
    assert "amy\\u000a" in rows and "amy\\\\u000a" in rows


# --------------------------------------------------------------------------
# 7. max_tags on a categorical with unused categories


@settings(max_examples=20, deadline=None)
@given(st.integers(4, 30), st.integers(1, 3), st.integers(0, 3))
def test_max_tags_names_the_declared_classes(k: int, held: int, limit: int) -> None:
    """The message said "has k distinct values" of a column holding far
    fewer; it now says the column declares k classes, how many its rows
    hold, and how to drop the others."""
    categories = [f"city{i}" for i in range(k)]
    values = categories[:held] * 2
    column = pd.Series(pd.Categorical(values, categories=categories))
    with pytest.raises(InputError) as info:
        tags_from_values(column, max_tags=limit)
    text = str(info.value)
    assert f"declares {k:,} classes" in text
    assert f"its rows hold {held:,} of them" in text
    assert "remove_unused_categories()" in text
    fewer = tags_from_values(column.cat.remove_unused_categories(), max_tags=held)
    assert fewer.names == tuple(categories[:held])


def test_max_tags_worked_example() -> None:
    """The worked example: two cities of 1,502 categories."""
    cities = ["Beijing", "Shanghai"] + [f"city{i}" for i in range(1500)]
    column = pd.Series(pd.Categorical(["Beijing", "Shanghai"], categories=cities))
    with pytest.raises(InputError, match=r"declares 1,502 classes.*hold 2 of them"):
        tags_from_values(column)
    plain = [f"note {i}" for i in range(5)]
    with pytest.raises(InputError, match="has 5 distinct values"):
        tags_from_values(plain, max_tags=3)


# --------------------------------------------------------------------------
# 8. Decimal values named alike in every form; Decimal mapping keys


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False),
        min_size=1,
        max_size=6,
    )
)
def test_decimal_tags_named_alike_in_every_form(values: list[Decimal]) -> None:
    """Decimals as a list were named by their fixed-point digits
    (``0.00001``) and as a categorical as floats are (``1e-05``): one
    naming now, and a Decimal key maps them."""
    as_list = tags_from_values(values)
    as_categorical = tags_from_values(pd.Categorical(values))
    assert sorted(as_list.names) == sorted(as_categorical.names)
    assert sorted(as_list.names) == sorted(label_codes(values)[1])
    key = values[0]
    mapped = tags_from_values(values, {key: "x"}).sizes()["x"]
    assert mapped == sum(1 for x in values if x == key)


def test_decimal_worked_example() -> None:
    """The worked example."""
    values = [Decimal("0.00001"), Decimal("2.50")]
    assert tags_from_values(values).names == ("1e-05", "2.5")
    assert (
        tags_from_values(values).names == tags_from_values(pd.Categorical(values)).names
    )
    assert tags_from_values(values, {Decimal("2.50"): "x"}).sizes() == {"x": 1}
