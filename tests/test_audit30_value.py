"""Audit 30 (probe ``valprof``): value tiers, profile words, customer status.

1. An integer at or above 2**53 (an amount in the smallest currency unit)
   that float64 rounds onto a threshold was moved one double whatever the
   comparison, so ``2**53 + 1`` between the adjacent thresholds ``2**53``
   and ``2**53 + 2`` compared ``>= 2**53 + 2`` (tier A, not B), and a fit
   applied to its own data gave A more than ``a_share``. An ``int64``
   column a classifier cast to floats first (loyalty's counts) lost the
   exact values altogether.
2. A column of numbers written as text with a gap (a CSV column read with
   ``dtype=str``), or a text number beside numbers, lost the "numbers
   written as text" hint.
3. ``fit_value_tiers`` refused the missing words ``value_tier`` reads as D
   (``"N/A"``, ``""`` beside numbers), saying the column "holds levels".
4. The yes/no and level fields refused full-width ASCII (``Ｎ／Ａ``,
   ``－－``, ``Ｙｅｓ``), which ``profile_completeness`` reads as ASCII.
"""

from __future__ import annotations

import io
import itertools
import math
import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import _validate as v
from custseg._categories import YES_NO_ALIASES, YES_NO_MISSING
from custseg.errors import InputError
from custseg.lifecycle import VisitTiers, customer_status, visit_tier
from custseg.loyalty import BehaviourBands, repurchase_from_behaviour
from custseg.pareto import AbcEdges, abc_classes
from custseg.profile import PLACEHOLDERS, profile_completeness
from custseg.rfm import ScoreEdges, score
from custseg.value import (
    ValueTierThresholds,
    conversion_readiness,
    fit_value_tiers,
    value_tier,
)

B = 2**53

# --------------------------------------------------------------------------
# 1. integers beyond 2**53 compared with thresholds exactly


@st.composite
def _big_cuts(draw: Any, n: int) -> list[float]:
    """*n* ascending doubles from 2**53 up, often adjacent or equal."""
    first = float(draw(st.integers(B, 2**60)))
    cuts = [first]
    for _ in range(n - 1):
        step = draw(st.sampled_from(["same", "next", "next", "next2", "far"]))
        c = cuts[-1]
        if step == "next":
            c = math.nextafter(c, math.inf)
        elif step == "next2":
            c = math.nextafter(math.nextafter(c, math.inf), math.inf)
        elif step == "far":
            c = float(draw(st.integers(int(c), 2**61)))
        cuts.append(c)
    return cuts


@st.composite
def _near(draw: Any, cuts: list[float], size: int = 6) -> list[int]:
    """Integers within a few units of the cuts' integers, or halfway
    between two (between adjacent doubles: no double of their own)."""
    halves = [(int(a) + int(b)) // 2 for a, b in itertools.pairwise(cuts)]
    return [
        int(draw(st.sampled_from([*cuts, *halves])))
        + draw(st.one_of(st.just(0), st.integers(-4, 4)))
        for _ in range(draw(st.integers(1, size)))
    ]


def _columns(values: list[int]) -> list[Any]:
    """One set of integers in the containers that reach the comparisons by
    different paths: int64 array, list of Python ints, int64 Series,
    nullable Int64 Series (floats with a gap), object column."""
    return [
        np.array(values, dtype=np.int64),
        list(values),
        pd.Series(values, dtype="int64"),
        pd.Series([*values, None], dtype="Int64"),
        pd.Series(values, dtype=object),
    ]


def _clash(values: list[int], cuts: list[float], moves: list[str]) -> bool:
    """Whether a value lies strictly between two adjacent cuts, the lower
    compared ``x > c`` and the upper ``x >= c``: no double serves both."""
    for c1, m1 in zip(cuts, moves, strict=True):
        for c2, m2 in zip(cuts, moves, strict=True):
            adjacent = c2 == math.nextafter(c1, math.inf)
            between = any(int(c1) < x < int(c2) for x in values)
            if adjacent and between and m1 != "down" and m2 != "up":
                return True
    return False


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 3),
    cast=st.booleans(),
)
def test_exact_sides_integers_compare_as_python_ints(
    data: Any, n: int, cast: bool
) -> None:
    """Every comparison a caller declares (``move``) gives, on the moved
    doubles, the answer of the exact integers; an integer no double can
    serve is refused, and only then. Also when the caller cast its int64
    column to floats first (*cast*)."""
    cuts = data.draw(_big_cuts(n))
    moves = data.draw(
        st.lists(st.sampled_from(["up", "down", "both"]), min_size=n, max_size=n)
    )
    values = data.draw(_near(cuts))
    clash = _clash(values, cuts, moves)
    for x in _columns(values):
        arr = v.as_numeric(x, "spend", nan="allow")
        if cast:
            arr = arr.astype(np.float64)
        try:
            out = v.exact_sides(x, arr, cuts, move=moves, field="spend")
        except InputError as exc:
            assert clash, (type(x), exc)
            assert exc.field == "spend" and "adjacent doubles" in str(exc)
            continue
        assert not clash, type(x)
        out = np.asarray(out)[: len(values)]
        for c, m in zip(cuts, moves, strict=True):
            if m != "up":
                assert (out >= c).tolist() == [e >= int(c) for e in values]
            if m != "down":
                assert (out > c).tolist() == [e > int(c) for e in values]
    # decimals of the same integers take the same decisions
    dec = [Decimal(e) for e in values]
    try:
        v.exact_sides(dec, v.as_numeric(dec, "spend"), cuts, move=moves, field="spend")
    except InputError:
        assert clash
    else:
        assert not clash


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_value_tier_big_integers_as_their_levels(data: Any) -> None:
    """value_tier of big integer assets is value_tier of the levels the
    exact integers have (``>= assets_medium``, ``>= assets_large``)."""
    lo, hi = data.draw(_big_cuts(2))
    values = data.draw(_near([lo, hi]))
    intent = data.draw(
        st.lists(
            st.sampled_from(["strong", "some", "unclear"]),
            min_size=len(values),
            max_size=len(values),
        )
    )
    t = ValueTierThresholds(assets_medium=lo, assets_large=hi)
    names = ("ordinary", "medium", "large")
    levels = [names[(e >= int(lo)) + (e >= int(hi))] for e in values]
    expected = value_tier(levels, intent).to_numpy().tolist()
    for x in _columns(values)[:3]:
        got = value_tier(x, intent, thresholds=t).to_numpy().tolist()
        assert got == expected, type(x)


def _a_b_shares(tiers: list[str], revenue: list[int]) -> tuple[Fraction, Fraction]:
    total = sum(revenue)
    a = sum(r for r, k in zip(revenue, tiers, strict=True) if k == "A")
    b = sum(r for r, k in zip(revenue, tiers, strict=True) if k == "B")
    return Fraction(a, total), Fraction(a + b, total)


@settings(max_examples=40, deadline=None)
@given(
    offsets=st.lists(st.integers(0, 12), min_size=2, max_size=8),
    revenue_seed=st.lists(st.integers(1, 9), min_size=8, max_size=8),
    a_share=st.sampled_from([0.2, 0.25, 0.3, 0.4]),
)
def test_fit_value_tiers_big_integers_keep_shares(
    offsets: list[int], revenue_seed: list[int], a_share: float
) -> None:
    """Fitted on big integer assets (2**53 and the next few integers, odd
    ones between two doubles) and applied to them, A carries at most
    *a_share* and A and B at most *b_share* (shares as the decimals they
    print as, as the fit reads them)."""
    assets = [B + o for o in offsets]
    revenue = revenue_seed[: len(assets)]
    intent = ["strong"] * len(assets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = fit_value_tiers(assets, intent, revenue, a_share=a_share, b_share=0.6)
    for x in _columns(assets)[:3]:
        tiers = value_tier(x, intent, thresholds=t).to_numpy().tolist()
        a, ab = _a_b_shares(tiers, revenue)
        assert a <= Fraction(str(a_share)) and ab <= Fraction("0.6"), (t, tiers)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_classifiers_compare_big_integers_exactly(data: Any) -> None:
    """The other classifiers' thresholds, on big integers in every
    container, decide as the exact integers do."""
    c1, c2 = data.draw(_big_cuts(2))
    values = data.draw(_near([c1, c2]))
    n = len(values)
    kinds = ["abc", "score", "visit", "repurchase"]
    for kind, x in itertools.product(kinds, _columns(values)[:3]):
        if kind == "abc":
            got = abc_classes(x, edges=AbcEdges(a_min=c2, b_min=c1)).to_numpy()
            want = [
                "A" if e >= int(c2) else "B" if e >= int(c1) else "C" for e in values
            ]
        elif kind == "score":
            up = score(x, ScoreEdges((c1, c2))).tolist()
            down = score(x, ScoreEdges((c1, c2)), higher_is_better=False).tolist()
            got = np.array(up + down)
            want = [1 + (e > int(c1)) + (e > int(c2)) for e in values]
            want += [1 + (e < int(c1)) + (e < int(c2)) for e in values]
        elif kind == "visit":
            tiers = VisitTiers(member_visits=1, vip_visits=None, vip_spend=c1)
            got = visit_tier([3] * n, x, tiers=tiers).to_numpy()
            want = ["vip" if e >= int(c1) else "ordinary_member" for e in values]
        else:
            bands = BehaviourBands(
                high_frequency=c2,
                medium_frequency=c1,
                high_within=90,
                medium_within=180,
            )
            got = repurchase_from_behaviour(x, [10] * n, bands=bands).to_numpy()
            want = [
                "high" if e >= int(c2) else "medium" if e >= int(c1) else "low"
                for e in values
            ]
        assert list(got) == want, (kind, type(x), c1, c2, values)


def test_value_tier_big_integer_reported_example() -> None:
    t = ValueTierThresholds(assets_medium=2**53, assets_large=2**53 + 2)
    x = 2**53 + 1
    for col in ([x], np.array([x]), [Decimal(x)]):
        assert value_tier(col, ["strong"], thresholds=t).to_numpy().tolist() == ["B"]
    assets = [2**53 + 1, 2**53 + 2, 2**53 + 3, 5]
    intent, revenue = ["strong"] * 4, [1, 1, 1, 7]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_value_tiers(assets, intent, revenue, a_share=0.25, b_share=0.5)
    assert (fit.assets_medium, fit.assets_large) == (2.0**53, 2.0**53 + 2)
    tiers = value_tier(assets, intent, thresholds=fit).to_numpy().tolist()
    assert tiers == ["B", "A", "A", "C"]
    assert _a_b_shares(tiers, revenue)[0] == Fraction(1, 5)


def test_integer_between_adjacent_cuts_compared_both_ways_is_refused() -> None:
    """``x > 2**53`` and ``x >= 2**53 + 2``: 2**53 + 1 has no double."""
    arr = np.array([B + 1, B + 4], dtype=np.int64)
    with pytest.raises(InputError, match="adjacent doubles") as exc:
        v.exact_sides(arr, arr, (2.0**53, 2.0**53 + 2), move=("up", "down"), field="n")
    assert exc.value.field == "n" and exc.value.first_row == 0


# --------------------------------------------------------------------------
# 2. numbers written as text: with gaps, beside numbers


_GAPS = st.sampled_from([None, float("nan"), "", "  "])
_TEXT_NUMBERS = st.one_of(
    st.integers(0, 10**9).map(str),
    st.floats(0, 1e9, allow_nan=False).map(repr),
)


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(
        st.one_of(_TEXT_NUMBERS, _GAPS, st.integers(0, 10**6)), min_size=1, max_size=8
    ),
    text=_TEXT_NUMBERS,
    at=st.integers(0, 8),
    series=st.booleans(),
)
def test_numbers_as_text_hint_with_gaps_and_numbers(
    cells: list[Any], text: str, at: int, series: bool
) -> None:
    """Text numbers among gaps and numbers: the error says they are
    numbers written as text, and how to convert them."""
    cells = [*cells[:at], text, *cells[at:]]
    x = pd.Series(cells, dtype=object) if series else cells
    t = ValueTierThresholds(assets_medium=2000, assets_large=10000)
    with pytest.raises(InputError, match="numbers written as text") as exc:
        value_tier(x, [0.9] * len(cells), thresholds=t)
    assert exc.value.field == "assets" and "pandas.to_numeric" in str(exc.value)


def test_numbers_as_text_reported_example() -> None:
    csv = "id,assets,intent\n1,12000,0.9\n2,,0.9\n3,500,0.9\n"
    df = pd.read_csv(io.StringIO(csv), dtype={"assets": str})
    t = ValueTierThresholds(assets_medium=2000, assets_large=10000)
    for x, intent in ((df.assets, df.intent), ([12000, "500"], [0.9, 0.9])):
        with pytest.raises(InputError, match="numbers written as text"):
            value_tier(x, intent, thresholds=t)


# --------------------------------------------------------------------------
# 3. fit_value_tiers reads the missing words value_tier reads


_MISSING_WORDS = ["N/A", "", " ", "未知", "unknown", "-", "null", "Ｎ／Ａ", None]


@settings(max_examples=30, deadline=None)
@given(
    assets=st.lists(
        st.one_of(st.integers(0, 1000), st.sampled_from(_MISSING_WORDS)),
        min_size=2,
        max_size=10,
    ),
    data=st.data(),
)
def test_fit_reads_missing_words_as_value_tier_does(
    assets: list[Any], data: Any
) -> None:
    """A fit on numbers with missing words is the fit on the same numbers
    with NaN there, for a list and an object column alike; the thresholds
    then give those customers D, as value_tier reads them."""
    n = len(assets)
    intent = data.draw(
        st.lists(st.sampled_from(["strong", "some"]), min_size=n, max_size=n)
    )
    revenue = data.draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    nan = [float("nan") if isinstance(a, str) or a is None else a for a in assets]

    def fit(x: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fit_value_tiers(x, intent, revenue)

    want = fit(nan)
    assert fit(assets) == want
    assert fit(pd.Series(assets, dtype=object)) == want
    tiers = value_tier(assets, intent, thresholds=want).to_numpy().tolist()
    for a, k in zip(nan, tiers, strict=True):
        assert (k == "D") == (a != a)


def test_fit_missing_words_reported_example() -> None:
    t = ValueTierThresholds(assets_medium=500, assets_large=600)
    got = value_tier([900, "N/A", ""], ["strong"] * 3, thresholds=t)
    assert got.to_numpy().tolist() == ["A", "D", "D"]
    want = fit_value_tiers([900, 800, float("nan")], ["strong"] * 3, [1, 1, 8])
    for x in (
        [900, 800, "N/A"],
        [900, 800, ""],
        pd.Series([900, 800, "N/A"], dtype=object),
    ):
        assert fit_value_tiers(x, ["strong"] * 3, [1, 1, 8]) == want


def test_fit_refuses_levels_among_numbers_naming_the_row() -> None:
    for x in ([900, "large", 300], pd.Series([900, "large", 300], dtype=object)):
        with pytest.raises(InputError, match="holds levels, not numbers") as exc:
            fit_value_tiers(x, ["strong"] * 3, [1, 1, 1])
        assert exc.value.field == "assets" and exc.value.first_row == 1
    with pytest.raises(InputError, match="numbers written as text"):
        fit_value_tiers(["900", "800"], ["strong"] * 2, [1, 1])


# --------------------------------------------------------------------------
# 4. full-width ASCII reads as ASCII in yes/no and level fields


def _wide(text: str, pick: list[bool]) -> str:
    """*text* with the chosen ASCII characters in full width."""
    return "".join(
        chr(ord(c) + 0xFEE0) if p and "!" <= c <= "~" else c
        for c, p in zip(text, pick + [True] * len(text), strict=False)
    )


_YES_NO_WORDS = [*YES_NO_MISSING, *YES_NO_ALIASES, "yes", "no", "--", "_", "__", "-_-"]


@settings(max_examples=40, deadline=None)
@given(
    word=st.sampled_from(_YES_NO_WORDS),
    pick=st.lists(st.booleans(), max_size=6),
    upper=st.booleans(),
)
def test_yes_no_fields_read_full_width_as_ascii(
    word: str, pick: list[bool], upper: bool
) -> None:
    """Every yes/no spelling and missing word, with any of its characters
    full-width (and in either case), is read as the ASCII word."""
    word = word.upper() if upper else word
    wide = _wide(word, pick)
    plain = conversion_readiness([word], [1], [1], [1]).to_numpy().tolist()
    assert conversion_readiness([wide], [1], [1], [1]).to_numpy().tolist() == plain
    status = customer_status([2], [9], [1], vip=[word]).to_numpy().tolist()
    assert customer_status([2], [9], [1], vip=[wide]).to_numpy().tolist() == status


@settings(max_examples=40, deadline=None)
@given(
    word=st.sampled_from([p for p in PLACEHOLDERS if p not in ("无", "無")]),
    pick=st.lists(st.booleans(), max_size=6),
)
def test_profile_missing_words_are_missing_flags(word: str, pick: list[bool]) -> None:
    """The words profile_completeness reads as missing, full-width too, are
    missing answers of the yes/no flags and of the level fields."""
    wide = _wide(word, pick)
    missing = profile_completeness({"x": [wide]}, hard=["x"], soft=[], weights=(1, 0))
    assert np.asarray(missing.missing).tolist() == [[True]]
    assert customer_status([2], [9], [1], vip=[wide]).to_numpy().tolist() == ["unknown"]
    ready = conversion_readiness([wide], [1], [1], [1]).to_numpy().tolist()
    assert ready == conversion_readiness([None], [1], [1], [1]).to_numpy().tolist()
    assert value_tier(["large"], [wide]).to_numpy().tolist() == ["D"]


@settings(max_examples=30, deadline=None)
@given(
    level=st.sampled_from(["large", "medium", "ordinary", "high", "mid", "small"]),
    pick=st.lists(st.booleans(), max_size=8),
)
def test_level_fields_read_full_width_as_ascii(level: str, pick: list[bool]) -> None:
    wide = _wide(level.capitalize(), pick)
    want = value_tier([level], ["strong"]).to_numpy().tolist()
    assert value_tier([wide], ["strong"]).to_numpy().tolist() == want


def test_full_width_reported_example() -> None:
    assert customer_status([2], [9], [1], vip=["Ｎ／Ａ"]).to_numpy().tolist() == [
        "unknown"
    ]
    assert conversion_readiness(["ｎｕｌｌ"], [1], [1], [1]).to_numpy().tolist() == [
        "need_unknown"
    ]
    assert value_tier(["large"], ["－－"]).to_numpy().tolist() == ["D"]
    assert value_tier(["Ｌａｒｇｅ"], ["＿"]).to_numpy().tolist() == ["D"]
    assert customer_status([2], [9], [1], vip=["Ｙｅｓ"]).to_numpy().tolist() == [
        "loyal"
    ]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_engines_read_big_integers_as_numpy_does(data: Any) -> None:
    """The engines' reading of a 64-bit integer column compared with cuts
    beyond 2**53 (ABC thresholds ``>=``, score edges ``>``) gives the exact
    integers' answers, and refuses what NumPy refuses."""
    pl = pytest.importorskip("polars")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg._engine_rules import _Column, _read_number, _sides

    n = data.draw(st.integers(1, 3))
    cuts = data.draw(_big_cuts(n))
    moves = data.draw(st.lists(st.sampled_from(["up", "down"]), min_size=n, max_size=n))
    values = data.draw(_near(cuts))
    sides = _sides(*(([c], m) for c, m in zip(cuts, moves, strict=True)))
    frame = nw.from_native(pl.DataFrame({"x": values}, schema={"x": pl.Int64}))
    column = _Column(frame.collect_schema()["x"], backend="polars")
    try:
        arr = v.exact_sides(None, np.array(values), cuts, move=moves, field="x")
    except InputError:
        numpy_refuses = True
    else:
        numpy_refuses = False
    try:
        read = frame.select(_read_number("x", column, sides).alias("x"))["x"]
    except InputError:
        assert _clash([int(c) + 1 for c in cuts], cuts, moves) or numpy_refuses
        return
    assert not numpy_refuses
    got = np.array(read.to_list(), dtype=np.float64)
    assert got.tolist() == np.asarray(arr, dtype=np.float64).tolist()
    for c, m in zip(cuts, moves, strict=True):
        if m == "down":
            assert (got >= c).tolist() == [e >= int(c) for e in values]
        else:
            assert (got > c).tolist() == [e > int(c) for e in values]
