"""Audit 33, profiles and value tiers (round 3).

- A list, struct or map column (Arrow, Polars, pandas-Arrow) crashed with a
  raw ``ArrowNotImplementedError`` as a chunked Arrow column (a list type
  was taken for a dictionary and cast to its element type), and a Polars
  struct or ``Array`` column was called "not one-dimensional":
  ``profile_completeness`` now reads every kind alike (a cell is missing
  when none of its values is filled), and functions that need one value a
  row refuse such a column with an InputError naming the field and its type.
- An Arrow dictionary column of numbers (a numeric Categorical through
  Parquet, ``ArrowDtype(dictionary<values=int64>)``) was read as unknown
  level words by ``value_tier`` and ``fit_value_tiers``.
- ``profile_completeness`` counted the texts ``"<NA>"`` and ``"NaT"`` (what
  ``str()`` makes of ``pd.NA`` and NaT) as filled while ``value_tier``
  refused them: one list of missing words now serves every field.
- A field named by a number (``hard=[0]``) did not find the column ``0``.
- ``fit_value_tiers`` re-read every revenue for each customer sitting on a
  share's bound (quadratic: 67 s for 5,000 customers with ``b_share=1``).
"""

from __future__ import annotations

import io
import math
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
import custseg.value as value_module
from custseg._categories import YES_NO_MISSING
from custseg.errors import InputError, ThresholdError
from custseg.profile import PLACEHOLDERS, profile_completeness
from custseg.value import (
    ValueTierThresholds,
    conversion_readiness,
    fit_value_tiers,
    value_tier,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pl = pytest.importorskip("polars")

ONE = {"hard": ["x"], "soft": [], "weights": (1, 0)}

# --------------------------------------------------------------------------
# 1. list, struct and map columns


#: values inside a cell: filled ones, and the missing kinds (None, blank,
#: placeholders)
ITEMS = st.sampled_from(["tea", "yoga", "0", "", "  ", "N/A", "未知", "nat", None])


def _item_missing(item: Any) -> bool:
    return item is None or item.strip().casefold() in {
        "",
        *(p.casefold() for p in PLACEHOLDERS),
    }


def _list_missing(cell: list[Any] | None) -> bool:
    """The documented rule: a cell of several values is missing when none
    of its values is filled."""
    return cell is None or all(_item_missing(i) for i in cell)


def _list_kinds(cells: list[Any], arrow_type: Any) -> dict[str, Any]:
    """The same list column as every kind of input."""
    arr = pa.array(cells, type=arrow_type)
    half = len(cells) // 2
    chunked = pa.chunked_array([arr.slice(0, half), arr.slice(half)], type=arr.type)
    series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    return {
        "objects": cells,
        "arrow": arr,
        "chunked": chunked,
        "pandas-arrow": series,
        "polars": pl.from_arrow(chunked),
    }


@settings(max_examples=30, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.none(), st.lists(ITEMS, max_size=3)), min_size=1, max_size=6
    ),
    large=st.booleans(),
)
def test_list_columns_read_alike_in_every_kind(
    cells: list[list[Any] | None], large: bool
) -> None:
    """A list column is read by its values whatever container it comes in
    (PyArrow array, chunked array, pandas-Arrow, Polars, Python lists; as a
    frame too): a cell is missing when none of its values is filled."""
    kind = pa.large_list(pa.string()) if large else pa.list_(pa.string())
    want = [_list_missing(c) for c in cells]
    for name, col in _list_kinds(cells, kind).items():
        got = profile_completeness({"x": col}, **ONE).missing[:, 0].tolist()
        assert got == want, name
    table = pa.table({"x": pa.array(cells, type=kind)})
    for frame in (table, pl.from_arrow(table), table.to_pandas()):
        assert profile_completeness(frame, **ONE).missing[:, 0].tolist() == want


@settings(max_examples=30, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.none(),
            st.fixed_dictionaries({"city": ITEMS, "street": ITEMS}),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_struct_columns_read_alike_in_every_kind(
    cells: list[dict[str, Any] | None],
) -> None:
    """A struct cell (an address of city and street) is missing when none of
    its fields is filled, as the same cell as a dict is: as a PyArrow Table,
    a Polars frame (which was refused as "not one-dimensional") and pandas."""
    kind = pa.struct([("city", pa.string()), ("street", pa.string())])
    want = [c is None or _list_missing(list(c.values())) for c in cells]
    table = pa.table({"x": pa.array(cells, type=kind)})
    for frame in (
        table,
        pl.from_arrow(table),
        table.to_pandas(),
        table.to_pandas(types_mapper=pd.ArrowDtype),
        {"x": cells},
    ):
        got = profile_completeness(frame, **ONE).missing[:, 0].tolist()
        assert got == want, type(frame)


def _nested_columns() -> dict[str, Any]:
    lists = pa.array([["tea"], [], None])
    structs = pa.array([{"city": "杭州"}, {"city": None}, None])
    maps = pa.array([[("a", "1")], [], None], type=pa.map_(pa.string(), pa.string()))
    fixed = pa.array([[1, 2], [3, 4], None], type=pa.list_(pa.int64(), 2))
    out: dict[str, Any] = {}
    for name, arr in {
        "list": lists,
        "struct": structs,
        "map": maps,
        "fixed": fixed,
    }.items():
        out[f"arrow {name}"] = arr
        out[f"chunked {name}"] = pa.chunked_array([arr])
        out[f"pandas {name}"] = pd.Series(pd.arrays.ArrowExtensionArray(arr))
        out[f"polars {name}"] = pl.from_arrow(arr)
    out["polars array"] = pl.Series([[1, 2], [3, 4], None], dtype=pl.Array(pl.Int64, 2))
    return out


NESTED = _nested_columns()
SCALAR_USES = {
    "assets": lambda c: value_tier(c, ["strong"] * 3),
    "intent": lambda c: value_tier(["large"] * 3, c),
    "need": lambda c: conversion_readiness(c, [1] * 3, [1] * 3, [1] * 3),
    "timing": lambda c: conversion_readiness([1] * 3, [1] * 3, [1] * 3, c),
    "revenue": lambda c: fit_value_tiers([3, 2, 1], ["strong"] * 3, c),
}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(NESTED)), use=st.sampled_from(sorted(SCALAR_USES)))
def test_nested_columns_are_refused_where_one_value_is_needed(
    name: str, use: str
) -> None:
    """Where a function needs one value a row, a list, struct or map column
    of any kind is an InputError naming the argument and the column's type
    (never a pyarrow traceback, never "not one-dimensional")."""
    with pytest.raises(InputError, match="holds several values a row") as info:
        SCALAR_USES[use](NESTED[name])
    assert info.value.field == use
    assert "one-dimensional" not in str(info.value)


def test_worked_example_parquet_list_and_polars_struct() -> None:
    """The reports' examples: a Parquet list column read with pyarrow, and a
    Polars frame with an address struct, read as pandas reads them."""
    buf = io.BytesIO()
    pq.write_table(
        pa.table({"name": ["Li", "Wang"], "hobbies": [["tea", "yoga"], []]}), buf
    )
    buf.seek(0)
    table = pq.read_table(buf)
    kw: dict[str, Any] = {"hard": ["name"], "soft": ["hobbies"]}
    want = profile_completeness(table.to_pandas(), **kw).missing.tolist()
    assert want == [[False, False], [False, True]]
    assert profile_completeness(table, **kw).missing.tolist() == want
    df = pl.DataFrame(
        {
            "name": ["Li", "Wang"],
            "address": [
                {"city": "杭州", "street": "文三路"},
                {"city": None, "street": None},
            ],
        }
    )
    kw = {"hard": ["name", "address"], "soft": [], "weights": (1, 0)}
    assert profile_completeness(df, **kw).missing.tolist() == [
        [False, False],
        [False, True],
    ]
    with pytest.raises(InputError, match=r"^'column' has list cells"):
        custseg.tags_from_values(table.column("hobbies"))


# --------------------------------------------------------------------------
# 3. Arrow dictionary columns of numbers


def _through_parquet(column: pd.Categorical) -> pd.Series:
    """A Categorical written to Arrow and read back as pandas-Arrow, as
    ``read_parquet(..., dtype_backend="pyarrow")`` may give it."""
    frame = pa.Table.from_pandas(pd.DataFrame({"x": column}))
    out = frame.to_pandas(types_mapper=pd.ArrowDtype)["x"]
    assert "dictionary" in str(out.dtype)
    return out


@settings(max_examples=30, deadline=None)
@given(
    assets=st.lists(
        st.one_of(st.none(), st.sampled_from([500, 5000, 15000, 25000])),
        min_size=1,
        max_size=8,
    ),
    intent=st.data(),
    floats=st.booleans(),
)
def test_numeric_dictionary_reads_as_the_numeric_categorical(
    assets: list[int | None], intent: st.DataObject, floats: bool
) -> None:
    """An Arrow dictionary of numbers (int or float) gives the tiers and the
    fitted thresholds of the Categorical it came from."""
    n = len(assets)
    if floats:
        assets = [None if a is None else a + 0.5 for a in assets]
    probs = intent.draw(
        st.lists(
            st.one_of(st.none(), st.sampled_from([0.1, 0.5, 0.9])),
            min_size=n,
            max_size=n,
        )
    )
    cat_a, cat_i = pd.Categorical(assets), pd.Categorical(probs)
    dict_a, dict_i = _through_parquet(cat_a), _through_parquet(cat_i)
    t = ValueTierThresholds(assets_medium=10000, assets_large=20000)
    want = value_tier(pd.Series(cat_a), pd.Series(cat_i), thresholds=t)
    got = value_tier(dict_a, dict_i, thresholds=t)
    assert got.to_numpy().tolist() == want.to_numpy().tolist()
    revenue = list(range(1, n + 1))
    fit_want = _fitted(pd.Series(cat_a), pd.Series(cat_i), revenue)
    assert _fitted(dict_a, dict_i, revenue) == fit_want


def _fitted(assets: Any, intent: Any, revenue: list[int]) -> Any:
    """The thresholds :func:`fit_value_tiers` fits, or the error it gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        try:
            return fit_value_tiers(assets, intent, revenue)
        except InputError as e:
            return str(e)


def test_worked_example_numeric_dictionary() -> None:
    src = pd.DataFrame(
        {
            "assets": pd.Categorical([25000, None, 15000]),
            "intent": pd.Categorical([0.9, 0.5, None]),
        }
    )
    df = pa.Table.from_pandas(src).to_pandas(types_mapper=pd.ArrowDtype)
    t = ValueTierThresholds(assets_medium=10000, assets_large=20000)
    assert value_tier(df.assets, ["strong"] * 3, thresholds=t).to_numpy().tolist() == [
        "A",
        "D",
        "B",
    ]
    assert value_tier(["large"] * 3, df.intent).to_numpy().tolist() == ["A", "B", "D"]
    with pytest.warns(custseg.CustsegWarning):
        fitted = fit_value_tiers(df.assets, ["strong"] * 3, [1, 1, 1])
    assert fitted.assets_medium == 25000.0


# --------------------------------------------------------------------------
# 4. one list of missing words


def test_one_list_of_missing_words() -> None:
    """The placeholders are the words every field reads as missing, with 无
    and the dashes (which the other fields read by their characters)."""
    extra = {"无", "無", "-", "--", "_", "__"}
    assert {p for p in PLACEHOLDERS if p not in extra} == set(YES_NO_MISSING)
    assert {"nan", "none"} <= set(YES_NO_MISSING)
    # "<NA>" and "NaT" are matched as written (audit 33, round 2): STR_MISSING
    assert not {"<na>", "nat"} & set(YES_NO_MISSING)


MISSING_VALUES = [None, float("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]


@settings(max_examples=40, deadline=None)
@given(
    value=st.sampled_from(MISSING_VALUES),
    how=st.sampled_from(["str", "upper", "lower", "pad"]),
)
def test_text_of_a_missing_value_is_missing_everywhere(value: Any, how: str) -> None:
    """What ``str()`` makes of any missing value (``None``, ``nan``,
    ``<NA>``, ``NaT``), padded, is missing in a profile, tier D in
    ``value_tier`` and unknown in ``conversion_readiness``, as the value
    itself is; ``None`` and ``nan`` in any case, ``<NA>`` and ``NaT`` only
    as written (``Nat`` is a name: see tests/test_audit33_r2b_round2.py)."""
    if str(value) in ("<NA>", "NaT") and how in ("upper", "lower"):
        how = "str"
    text = {
        "str": str,
        "upper": lambda x: str(x).upper(),
        "lower": lambda x: str(x).lower(),
        "pad": lambda x: f" {x}\u3000",
    }[how](value)
    res = profile_completeness({"x": [text, "filled"]}, **ONE)
    assert res.missing[:, 0].tolist() == [True, False]
    assert value_tier(["large"], [text]).to_numpy().tolist() == ["D"]
    assert value_tier([text], ["strong"]).to_numpy().tolist() == ["D"]
    ready = conversion_readiness([text], [1], [1], [1]).to_numpy().tolist()
    assert ready == ["need_unknown"]
    assert custseg.tags_from_values([text, "tea"]).names == ("tea",)


def test_worked_example_map_str() -> None:
    age = pd.Series([35, None], dtype="Int64")
    seen = pd.Series([pd.Timestamp("2020-01-01"), pd.NaT])
    files = pd.DataFrame({"age": age.map(str), "tenure": seen.map(str)})
    res = profile_completeness(files, hard=["age"], soft=["tenure"], weights=(1, 1))
    assert res.score.tolist() == [1.0, 0.0]


# --------------------------------------------------------------------------
# 5. fields named by numbers


@settings(max_examples=30, deadline=None)
@given(
    numbered=st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True),
    as_text=st.lists(st.booleans(), min_size=3, max_size=3),
    cells=st.lists(st.sampled_from(["138", None, "", "x"]), min_size=6, max_size=6),
)
def test_field_named_by_a_number_finds_its_column(
    numbered: list[int], as_text: list[bool], cells: list[str | None]
) -> None:
    """A frame with columns named by numbers beside named ones (a file read
    with ``header=None`` and some columns renamed) scores as the same frame
    with those columns named as text, whether the fields are given as
    numbers or as their text."""
    data: dict[Any, Any] = {"name": ["Li", "Wang"]}
    for i, c in enumerate(numbered):
        data[c] = cells[2 * i : 2 * i + 2]
    frame = pd.DataFrame(data)
    named = frame.rename(columns=str)
    fields = [str(c) if t else c for c, t in zip(numbered, as_text, strict=False)]
    kw: dict[str, Any] = {"soft": [], "weights": (1, 0)}
    want = profile_completeness(named, hard=["name", *map(str, numbered)], **kw)
    got = profile_completeness(frame, hard=["name", *fields], **kw)
    assert got.score.tolist() == want.score.tolist()
    assert got.absent == ()
    assert [got.columns[str(c)] for c in numbered] == numbered


def test_worked_example_numbered_field() -> None:
    df = pd.DataFrame({"name": ["Li", "Wang"], 0: ["138", None]})
    res = profile_completeness(df, hard=["name", 0], soft=[], weights=(1, 0))
    assert res.score.tolist() == [1.0, 0.5]
    assert res.absent == ()
    # a column mapped elsewhere is that field's only, as for named columns
    res = profile_completeness(
        df, fields={0: "phone"}, hard=["name", 0, "phone"], soft=[], weights=(1, 0)
    )
    assert res.absent == ("0",)
    with pytest.raises(ThresholdError, match=r"the columns '0', 0 of 'profile'"):
        profile_completeness({0: [1], "0": [2]}, hard=["0"], soft=[], weights=(1, 0))


# --------------------------------------------------------------------------
# 6. the exact re-check near a bound, linear


class _Reads:
    """Counts the revenues read as printed decimals."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.n = 0
        real = value_module.printed_wholes

        def counted(values: np.ndarray) -> tuple[list[int], int]:
            self.n += len(values)
            return real(values)

        monkeypatch.setattr(value_module, "printed_wholes", counted)


def _oracle_within(values: list[float], weights: list[float], share: float) -> Any:
    """The smallest value whose group and larger ones carry at most *share*
    of the total, every weight as the decimal it prints as; None if none."""
    w = [Fraction(repr(x)) for x in weights]
    bound = Fraction(repr(share)) * sum(w)
    best = None
    for t in sorted(set(values), reverse=True):
        if sum(x for v, x in zip(values, w, strict=True) if v >= t) > bound:
            break
        best = t
    return best


@settings(max_examples=30, deadline=None)
@given(
    buyers=st.lists(st.integers(10, 499), min_size=1, max_size=6),
    prospects=st.integers(8, 30),
    share=st.sampled_from([1.0, 0.5]),
)
def test_exact_recheck_reads_each_revenue_a_bounded_number_of_times(
    buyers: list[int], prospects: int, share: float
) -> None:
    """Customers without revenue below the last buyer all sit on a share's
    bound of 1; the bound is still met exactly (the answer of a Fraction
    oracle), and each revenue is read a bounded number of times however many
    of them there are (it was once per customer on the bound: quadratic)."""
    mp = pytest.MonkeyPatch()
    try:
        reads = _Reads(mp)
        nb = len(buyers)
        values = np.array(
            [1000.0 + i for i in range(nb)] + [float(i) for i in range(prospects)]
        )
        # list prices times a discount: floats of many digits, no short decimals
        weights = np.array([b * 19.99 * 0.87 for b in buyers] + [0.0] * prospects)
        if share == 0.5:  # the buyers' half exactly: a bound met
            weights = np.concatenate([weights, [math.fsum(weights)]])
            values = np.append(values, -1.0)
        total = float(weights.sum())
        exact_total = value_module.functools.cache(
            lambda: value_module._printed_sum(weights)
        )
        got = value_module._largest_within(
            values, weights, share, total, exact_total=exact_total
        )
        want = _oracle_within(values.tolist(), weights.tolist(), share)
        assert got == want
        assert reads.n <= 2 * len(values)
    finally:
        mp.undo()


def test_worked_example_many_prospects_fit_in_linear_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report's case (fewer prospects): the thresholds of the exact
    re-check, each revenue read at most twice."""
    reads = _Reads(monkeypatch)
    rng = np.random.default_rng(0)
    nb, npro = 1000, 500
    assets = np.concatenate(
        [rng.integers(100_000, 1_000_000, nb), rng.integers(1_000, 100_000, npro)]
    ).astype(float)
    intent = rng.choice(["strong", "some", "unclear"], nb + npro)
    revenue = np.concatenate([rng.integers(10, 500, nb) * 19.99 * 0.87, np.zeros(npro)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        t = fit_value_tiers(assets, intent, revenue, a_share=0.2, b_share=1.0)
    assert (t.assets_medium, t.assets_large) == (1263.0, 441571.0)
    assert reads.n <= 3 * (nb + npro)


def test_printed_cumsums_are_running_exact_sums() -> None:
    """Every prefix of groups, exactly, as :func:`_printed_sum` gives it."""
    weights = np.array([4e-09, 3e-09, 0.0, 3e-09, 0.1, 0.2])
    group = np.array([0, 1, 1, 2, 3, 3])
    sums, place = value_module._printed_cumsums(weights, group, 3)
    for j, s in enumerate(sums):
        assert Fraction(s, place) == value_module._printed_sum(weights[group <= j])
