"""Tests for custseg.value: value tiers A/B/C/D and conversion readiness.

Reference rules (plain Python, phrased as the sources phrase them):

- Levels: a number ``x`` is level 2 when ``x >= hi``, 1 when ``lo <= x < hi``,
  0 below ``lo``; missing is None.
- Tier: A = large assets and strong intent; B = medium assets with some or
  strong intent, or large assets with less than strong intent; C = any other
  known pair; D = assets or intent missing.
- Readiness: walk the factors in order; the first that is not yes decides
  (no: its no-label, missing: its unknown-label); all yes: ready.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.labels import Labels
from custseg.value import (
    READINESS_APPROACH,
    READINESS_FACTORS,
    ValueTierThresholds,
    conversion_readiness,
    fit_value_tiers,
    value_tier,
)

TIERS_EN = ("A", "B", "C", "D")
TIERS_ZH = ("A类客户", "B类客户", "C类客户", "D类客户")
NO_LABEL = {
    "need": "no_need",
    "motivation": "no_motivation",
    "ability": "no_ability",
    "timing": "not_now",
}
T = ValueTierThresholds(assets_medium=2000, assets_large=10000)
SETTINGS = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------


def _missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def ref_level(x, lo, hi):
    """0 / 1 / 2 by half-open intervals [.., lo), [lo, hi), [hi, ..); None if missing."""
    if _missing(x):
        return None
    if x >= hi:
        return 2
    if x >= lo:
        return 1
    return 0


def ref_tier(a, i):
    """The source's definitions, one customer, levels 0..2 or None."""
    large, medium = a == 2, a == 1
    strong, some = i == 2, i == 1
    if a is None or i is None:
        return "D"
    if large and strong:
        return "A"
    if (medium and (some or strong)) or (large and not strong):
        return "B"
    return "C"


def ref_tiers(assets, intent, t=T):
    return [
        ref_tier(
            ref_level(a, t.assets_medium, t.assets_large),
            ref_level(i, t.intent_some, t.intent_strong),
        )
        for a, i in zip(assets, intent, strict=True)
    ]


def ref_readiness(rows, order=READINESS_FACTORS):
    """rows: dicts factor -> True / False / None."""
    out = []
    for row in rows:
        label = "ready"
        for f in order:
            if row[f] is True:
                continue
            label = f"{f}_unknown" if row[f] is None else NO_LABEL[f]
            break
        out.append(label)
    return out


def revenue_share(labels, revenue, tiers):
    """Share of the positive revenue carried by customers in *tiers*."""
    w = np.where(np.asarray(revenue, dtype=float) > 0, revenue, 0.0)
    names = labels.to_numpy()
    return float(w[np.isin(names, tiers)].sum()), float(w.sum())


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------

ASSET_POOL = [
    None,
    math.nan,
    0.0,
    1999.0,
    1999.99,
    2000.0,
    2000.01,
    5000.0,
    9999.99,
    10000.0,
    10000.01,
    1e6,
    -5.0,
]
INTENT_POOL = [None, math.nan, 0.0, 0.29, 0.3, 0.31, 0.5, 0.69, 0.7, 0.71, 1.0]
ASSET_SPELLINGS = {
    2: ["large", "Large", "大", "较大", "high"],
    1: ["medium", " MEDIUM ", "中", "中等", "mid"],
    0: ["ordinary", "一般", "普通", "small", "low"],
    None: [None, "", "unknown", "未知", "不详"],
}
INTENT_SPELLINGS = {
    2: ["strong", "STRONG", "强", "较强", "high"],
    1: ["some", "一般", "有一定意向", "moderate"],
    0: ["unclear", "不明显", "不明", "weak"],
    None: [None, "  ", "unknown", "未知", "不清楚"],
}
ANSWER_SPELLINGS = {
    True: [True, 1, 1.0, "yes", "Y", "true", "是", "有"],
    False: [False, 0, 0.0, "no", "N", "false", "否", "无", "没有"],
    None: [None, math.nan, "", "unknown", "未知"],
}


def numbers(pool):
    return st.lists(st.sampled_from(pool), min_size=0, max_size=40)


@st.composite
def spelled(draw, spellings, n):
    """(levels, spellings) lists of length n."""
    levels = draw(st.lists(st.sampled_from(list(spellings)), min_size=n, max_size=n))
    words = [draw(st.sampled_from(spellings[lv])) for lv in levels]
    return levels, words


@st.composite
def readiness_rows(draw, max_size=40):
    n = draw(st.integers(0, max_size))
    rows = [
        {f: draw(st.sampled_from([True, False, None])) for f in READINESS_FACTORS}
        for _ in range(n)
    ]
    return rows


def _column(rows, f, draw_word):
    return [draw_word(row[f]) for row in rows]


# --------------------------------------------------------------------------
# ValueTierThresholds
# --------------------------------------------------------------------------


class TestValueTierThresholds:
    """ValueTierThresholds: defaults, conversion and validation."""

    def test_defaults(self):
        """No asset thresholds, intent 0.3 / 0.7 (probabilities)."""
        t = ValueTierThresholds()
        assert (t.assets_medium, t.assets_large) == (None, None)
        assert (t.intent_some, t.intent_strong) == (0.3, 0.7)

    def test_repr_prints_the_numbers(self):
        """The repr shows every threshold (fitted ones can be read and reused)."""
        assert repr(T) == (
            "ValueTierThresholds(assets_medium=2000.0, assets_large=10000.0, "
            "intent_some=0.3, intent_strong=0.7)"
        )
        assert eval(repr(T), {"ValueTierThresholds": ValueTierThresholds}) == T

    def test_html_table(self):
        """The notebook view lists each level with its half-open range."""
        html = T._repr_html_()
        assert "2000.0 to &lt; 10000.0" in html and "&gt;= 0.7" in html
        assert "levels only" in ValueTierThresholds()._repr_html_()

    def test_decreasing_assets_rejected(self):
        """assets_large below assets_medium names both."""
        with pytest.raises(
            ThresholdError,
            match=r"^'assets_large' must be >= 'assets_medium' \(10000\.0\): got 2000\.0$",
        ):
            ValueTierThresholds(assets_medium=10000, assets_large=2000)

    def test_decreasing_intent_rejected(self):
        """intent_strong below intent_some is refused."""
        with pytest.raises(
            ThresholdError, match=r"^'intent_strong' must be >= 'intent_some'"
        ):
            ValueTierThresholds(intent_some=0.8, intent_strong=0.5)

    def test_one_asset_threshold_rejected(self):
        """Asset thresholds come in pairs."""
        with pytest.raises(ThresholdError, match="must be given together"):
            ValueTierThresholds(assets_medium=5)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"intent_some": math.nan}, r"^'intent_some' must be a number, not NaN$"),
            ({"intent_strong": "0.7"}, r"^'intent_strong' must be a number: got str"),
            ({"intent_some": None}, r"^'intent_some' must be a number: got None$"),
            (
                {"assets_medium": True, "assets_large": 3},
                r"'assets_medium' must be a number",
            ),
        ],
    )
    def test_bad_values_rejected(self, kwargs, message):
        """NaN, text, None (for intent) and booleans are not thresholds."""
        with pytest.raises(ThresholdError, match=message):
            ValueTierThresholds(**kwargs)

    def test_equal_thresholds_allowed(self):
        """Equal thresholds leave the middle level empty (fitted thresholds may)."""
        t = ValueTierThresholds(assets_medium=5, assets_large=5)
        assert value_tier([4.9, 5], [1, 1], thresholds=t).to_numpy().tolist() == [
            "C",
            "A",
        ]

    def test_frozen(self):
        """Thresholds are immutable."""
        with pytest.raises(AttributeError):
            T.assets_large = 1.0


# --------------------------------------------------------------------------
# value_tier
# --------------------------------------------------------------------------


class TestValueTier:
    """value_tier: A/B/C/D from assets and intent."""

    @pytest.mark.parametrize(
        ("assets", "intent", "tier"),
        [
            ("large", "strong", "A"),
            ("large", "some", "B"),
            ("large", "unclear", "B"),
            ("medium", "strong", "B"),
            ("medium", "some", "B"),
            ("medium", "unclear", "C"),
            ("ordinary", "strong", "C"),
            ("ordinary", "some", "C"),
            ("ordinary", "unclear", "C"),
            (None, "strong", "D"),
            ("large", None, "D"),
            (None, None, "D"),
        ],
    )
    def test_grid(self, assets, intent, tier):
        """Every cell of the 3 x 3 level grid and the unknowns."""
        assert value_tier([assets], [intent]).to_numpy().tolist() == [tier]

    def test_source_definitions(self):
        """The beauty-salon source's four sentences, one customer each."""
        got = value_tier(
            ["大", "中", "较大", "一般", "未知"],
            ["强", "一般", "不明显", "一般", "未知"],
        )
        assert got.to_numpy().tolist() == ["A", "B", "B", "C", "D"]

    @pytest.mark.parametrize(
        ("assets", "level"),
        [
            (1999.99, "ordinary"),
            (2000.0, "medium"),
            (9999.99, "medium"),
            (10000.0, "large"),
            (-1e9, "ordinary"),
        ],
    )
    def test_asset_boundaries(self, assets, level):
        """On a threshold the higher level; just below it the lower."""
        got = value_tier([assets], [0.7], thresholds=T).to_numpy()[0]
        expected = value_tier([level], ["strong"]).to_numpy()[0]
        assert got == expected

    @pytest.mark.parametrize(
        ("intent", "tier"),
        [(0.2999, "B"), (0.3, "B"), (0.6999, "B"), (0.7, "A"), (1.0, "A")],
    )
    def test_intent_boundaries(self, intent, tier):
        """Intent 0.7 is strong (large assets: A), 0.3 some (medium assets: B),
        below 0.3 unclear (large: still B, medium: C)."""
        large_tier = value_tier([10000], [intent], thresholds=T).to_numpy()[0]
        medium_tier = value_tier([2000], [intent], thresholds=T).to_numpy()[0]
        assert large_tier == tier
        assert medium_tier == ("C" if intent < 0.3 else "B")

    def test_integer_inputs(self):
        """Integer amounts and scores are numbers, not level codes."""
        t = ValueTierThresholds(
            assets_medium=2, assets_large=3, intent_some=1, intent_strong=2
        )
        got = value_tier(np.array([3, 2, 1]), np.array([2, 1, 2]), thresholds=t)
        assert got.to_numpy().tolist() == ["A", "B", "C"]

    def test_mixed_kinds(self):
        """Numeric assets with intent levels, and the other way round."""
        assert value_tier(
            [10000, 1], ["strong", "strong"], thresholds=T
        ).to_numpy().tolist() == [
            "A",
            "C",
        ]
        assert value_tier(["large", "medium"], [0.9, 0.1]).to_numpy().tolist() == [
            "A",
            "C",
        ]

    def test_object_numbers(self):
        """Lists of numbers with None are numbers (None is missing)."""
        got = value_tier([None, 10000, 2000], [0.9, 0.9, None], thresholds=T)
        assert got.to_numpy().tolist() == ["D", "A", "D"]

    def test_result(self):
        """Ordered Labels named value_tier, D last, all names counted."""
        got = value_tier(["large"], ["strong"])
        assert isinstance(got, Labels)
        assert got.names == TIERS_EN and got.ordered and got.name == "value_tier"
        assert got.counts() == {"A": 1, "B": 0, "C": 0, "D": 0}

    def test_chinese(self):
        """lang='zh' gives the Chinese names with the same codes."""
        en = value_tier(["大", "中", None], ["强", "强", "强"])
        zh = value_tier(["大", "中", None], ["强", "强", "强"], lang="zh")
        assert zh.names == TIERS_ZH
        np.testing.assert_array_equal(zh.codes, en.codes)
        assert zh.to_numpy().tolist() == ["A类客户", "B类客户", "D类客户"]

    def test_bad_lang(self):
        """Only en and zh."""
        with pytest.raises(
            ThresholdError, match=r"^'lang' must be 'en' or 'zh': got 'fr'$"
        ):
            value_tier(["large"], ["strong"], lang="fr")

    def test_numeric_assets_need_thresholds(self):
        """Default thresholds have no asset cuts: numbers are refused, not guessed."""
        with pytest.raises(ThresholdError, match=r"^numeric 'assets' needs thresholds"):
            value_tier([5000.0], ["strong"])

    def test_unknown_spelling(self):
        """A typo is an InputError naming it and the row, never a silent D."""
        with pytest.raises(
            InputError, match=r"^'intent' has unknown answer 'strnog' \(first at row 1"
        ):
            value_tier(["large", "large"], ["strong", "strnog"])

    def test_booleans_refused(self):
        """Booleans are neither amounts nor levels."""
        with pytest.raises(InputError, match=r"^'assets' is boolean"):
            value_tier([True], ["strong"])

    def test_lengths(self):
        """Columns of different lengths are refused."""
        with pytest.raises(
            InputError, match=r"^'intent' has 1 rows but 'assets' has 2"
        ):
            value_tier(["large", "medium"], ["strong"])

    def test_wrong_thresholds_type(self):
        """A tuple is not a ValueTierThresholds."""
        with pytest.raises(
            ThresholdError, match=r"^'thresholds' must be a ValueTierThresholds"
        ):
            value_tier([1], [1], thresholds=(1, 2))

    def test_empty(self):
        """No customers, no labels (even numeric and without thresholds)."""
        assert len(value_tier([], [])) == 0
        assert len(value_tier(np.array([]), np.array([]))) == 0

    def test_pandas_index(self):
        """Series in, labels on their index; different indexes refused."""
        idx = pd.Index(["c9", "c1"], name="customer_id")
        a = pd.Series(["large", "ordinary"], index=idx)
        i = pd.Series(pd.array([0.9, None], dtype="Float64"), index=idx)
        s = value_tier(a, i).to_pandas()
        assert s.index.equals(idx) and s.tolist() == ["A", "D"]
        with pytest.raises(InputError, match="different index"):
            value_tier(a, i.iloc[::-1])

    def test_pandas_dtypes(self):
        """Categorical levels, nullable numbers and pandas str columns."""
        a = pd.Series(pd.Categorical(["large", None, "medium"]))
        i = pd.Series(["strong", "strong", "some"], dtype="str")
        assert value_tier(a, i).to_numpy().tolist() == ["A", "D", "B"]
        n = pd.Series([10000, None, 1], dtype="Int64")
        assert value_tier(n, i, thresholds=T).to_numpy().tolist() == ["A", "D", "C"]

    def test_pandas_typo_names_the_row(self):
        """A typo in a pandas str or categorical column names its row, as for lists."""
        for a in (
            pd.Series(["large", "large", "huge", "huge"], dtype="str"),
            pd.Series(pd.Categorical(["large", "large", "huge", "huge"])),
        ):
            with pytest.raises(
                InputError,
                match=r"^'assets' has unknown answer 'huge' \(first at row 2, 2 rows affected\)",
            ):
                value_tier(a, ["strong"] * 4)

    @SETTINGS
    @given(
        st.integers(0, 40).flatmap(
            lambda n: st.tuples(
                spelled(ASSET_SPELLINGS, n), spelled(INTENT_SPELLINGS, n)
            )
        )
    )
    def test_pandas_columns_match_lists(self, drawn):
        """str and categorical Series give the same labels as the lists they hold."""
        (_, a_words), (_, i_words) = drawn
        expected = value_tier(a_words, i_words).codes
        a_str = pd.Series(a_words, dtype="object").astype("str")
        i_cat = pd.Series(pd.Categorical(i_words))
        np.testing.assert_array_equal(value_tier(a_str, i_cat).codes, expected)

    def test_inputs_not_mutated(self):
        """The caller's arrays are unchanged."""
        a = np.array([10000.0, np.nan])
        i = np.array([0.9, 0.1])
        value_tier(a, i, thresholds=T)
        np.testing.assert_array_equal(a, [10000.0, np.nan])
        np.testing.assert_array_equal(i, [0.9, 0.1])

    @SETTINGS
    @given(numbers(ASSET_POOL), st.data())
    def test_numbers_match_reference(self, assets, data):
        """Numeric assets and intent: equal to the reference, row by row."""
        intent = data.draw(
            st.lists(
                st.sampled_from(INTENT_POOL), min_size=len(assets), max_size=len(assets)
            )
        )
        got = value_tier(assets, intent, thresholds=T) if assets else None
        if got is not None:
            assert got.to_numpy().tolist() == ref_tiers(assets, intent)

    @SETTINGS
    @given(
        st.integers(0, 40).flatmap(
            lambda n: st.tuples(
                spelled(ASSET_SPELLINGS, n), spelled(INTENT_SPELLINGS, n)
            )
        )
    )
    def test_levels_match_reference(self, drawn):
        """Level spellings (English, Chinese, case, blanks, unknowns) match the reference."""
        (a_levels, a_words), (i_levels, i_words) = drawn
        got = value_tier(a_words, i_words)
        expected = [ref_tier(a, i) for a, i in zip(a_levels, i_levels, strict=True)]
        assert got.to_numpy().tolist() == expected

    @SETTINGS
    @given(numbers(ASSET_POOL[2:]).filter(len), st.data())
    def test_order_equivariance(self, assets, data):
        """Permuting rows permutes the labels the same way."""
        n = len(assets)
        intent = data.draw(
            st.lists(st.sampled_from(INTENT_POOL), min_size=n, max_size=n)
        )
        perm = np.asarray(data.draw(st.permutations(range(n))))
        a, i = np.asarray(assets, dtype=float), np.asarray(intent, dtype=float)
        whole = value_tier(a, i, thresholds=T).codes
        permuted = value_tier(a[perm], i[perm], thresholds=T).codes
        np.testing.assert_array_equal(permuted, whole[perm])

    @SETTINGS
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(ASSET_POOL[2:]),
                st.sampled_from(INTENT_POOL[2:]),
                st.floats(0, 1e4),
                st.floats(0, 1),
            ),
            min_size=1,
            max_size=30,
        )
    )
    def test_monotone(self, rows):
        """More assets or more intent never gives a worse tier (A best, known rows)."""
        a = np.array([r[0] for r in rows])
        i = np.array([r[1] for r in rows])
        more_a = a + np.array([r[2] for r in rows])
        more_i = np.minimum(i + np.array([r[3] for r in rows]), 1.0)  # a probability
        base = value_tier(a, i, thresholds=T).codes
        assert (value_tier(more_a, i, thresholds=T).codes <= base).all()
        assert (value_tier(a, more_i, thresholds=T).codes <= base).all()
        assert (base < 3).all()

    @SETTINGS
    @given(
        st.lists(
            st.tuples(st.sampled_from([0, 1, 2]), st.sampled_from([0, 1, 2])),
            min_size=1,
            max_size=20,
        )
    )
    def test_monotone_levels(self, pairs):
        """On levels too: one level up in assets or intent never lowers the tier."""
        a = [ASSET_SPELLINGS[lv][0] for lv, _ in pairs]
        i = [INTENT_SPELLINGS[lv][0] for _, lv in pairs]
        up_a = [ASSET_SPELLINGS[min(lv + 1, 2)][0] for lv, _ in pairs]
        up_i = [INTENT_SPELLINGS[min(lv + 1, 2)][0] for _, lv in pairs]
        base = value_tier(a, i).codes
        assert (value_tier(up_a, i).codes <= base).all()
        assert (value_tier(a, up_i).codes <= base).all()

    @SETTINGS
    @given(numbers(ASSET_POOL).filter(len), st.data())
    def test_missing_is_d_only(self, assets, data):
        """D exactly where assets or intent is missing; totality (one label per row)."""
        n = len(assets)
        intent = data.draw(
            st.lists(st.sampled_from(INTENT_POOL), min_size=n, max_size=n)
        )
        got = value_tier(assets, intent, thresholds=T).to_numpy()
        missing = [
            _missing(a) or _missing(i) for a, i in zip(assets, intent, strict=True)
        ]
        assert len(got) == n
        assert [g == "D" for g in got] == missing


# --------------------------------------------------------------------------
# fit_value_tiers
# --------------------------------------------------------------------------


def _fit(assets, intent, revenue, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fit_value_tiers(assets, intent, revenue, **kw)


class TestFitValueTiers:
    """fit_value_tiers: asset thresholds from A's (and A + B's) revenue share."""

    def test_docstring_example(self):
        """The documented six customers: A = the two richest strong ones,
        20%; the large level goes down to the unclear-intent customer at 600
        (B), above the next strong one."""
        t = fit_value_tiers(
            [900, 800, 600, 500, 300, 100],
            ["strong", "strong", "unclear", "strong", "some", "unclear"],
            [100, 100, 50, 200, 100, 450],
        )
        assert (t.assets_medium, t.assets_large) == (500.0, 600.0)

    def test_large_level_is_any_customers_assets(self):
        """The large level is the smallest known customer's assets within
        both bounds, not only a strong one's: the unclear-intent customer at
        80 has large assets (B), not ordinary ones (C); the doc's rule the
        code did not follow (audit 15)."""
        assets, intent = [100, 80, 50], ["strong", "unclear", "strong"]
        t = fit_value_tiers(assets, intent, [10, 10, 80])
        assert (t.assets_medium, t.assets_large) == (80.0, 80.0)
        got = value_tier(assets, intent, thresholds=t).to_numpy().tolist()
        assert got == ["A", "B", "C"]

    def test_ties_share_a_tier(self):
        """Two strong customers with equal assets are A together or not at all."""
        t = _fit([10, 10, 5], [1.0, 1.0, 1.0], [15, 15, 70], a_share=0.2)
        # together 30% > 20%: neither is large
        assert t.assets_large == math.inf

    def test_no_a_warns(self):
        """When no threshold keeps A within a_share, a warning says why."""
        with pytest.warns(
            CustsegWarning, match=r"no customer can be tier A: the strong-intent"
        ):
            t = fit_value_tiers([10, 5], [0.9, 0.1], [90, 10])
        assert t.assets_large == math.inf

    def test_no_strong_customer_warns(self):
        """No strong-intent customer: no A, said so."""
        with pytest.warns(CustsegWarning, match="there is no strong-intent customer"):
            fit_value_tiers([10, 5], ["some", "unclear"], [90, 10])

    def test_unknowns_never_in_a_or_b(self):
        """Missing assets or intent are D and do not use up the share; they
        count in the total."""
        t = fit_value_tiers(
            [100, math.nan, 50], [0.9, 0.9, None], [20, 60, 20], a_share=0.2
        )
        assert t.assets_large == 100.0

    def test_negative_and_missing_revenue_count_zero(self):
        """Refund-heavy customers (negative net revenue) and NaN revenue weigh 0."""
        t = fit_value_tiers(
            [3, 2, 1], [0.9, 0.9, 0.9], [-50, math.nan, 100], a_share=0.2
        )
        assert t.assets_large == 2.0

    def test_intent_thresholds_kept(self):
        """The intent thresholds used are in the result."""
        t = _fit([3, 2], [5, 1], [10, 90], intent_some=2, intent_strong=4)
        assert (t.intent_some, t.intent_strong) == (2.0, 4.0)
        assert t.assets_large == 3.0

    def test_levels_refused(self):
        """Assets as levels have nothing to fit."""
        with pytest.raises(InputError, match=r"^'assets' holds levels, not numbers"):
            fit_value_tiers(["large"], ["strong"], [1])

    def test_no_revenue(self):
        """Without positive revenue there is no share."""
        with pytest.raises(InputError, match=r"^'revenue' has no positive value"):
            fit_value_tiers([1, 2], [0.9, 0.9], [0, -3])

    @pytest.mark.parametrize(
        ("kw", "message"),
        [
            ({"a_share": 0}, r"^'a_share' must be in \(0, 1\]: got 0$"),
            ({"a_share": 1.5}, r"^'a_share' must be in \(0, 1\]"),
            (
                {"a_share": 0.5, "b_share": 0.4},
                r"^'b_share' must be > 'a_share' \(0\.5\): got 0\.4$",
            ),
            ({"intent_some": 0.9}, r"^'intent_strong' must be >= 'intent_some'"),
        ],
    )
    def test_bad_parameters(self, kw, message):
        """Shares in (0, 1], b above a, intent thresholds ordered."""
        with pytest.raises(ThresholdError, match=message):
            fit_value_tiers([1], [1], [1], **kw)

    def test_index_and_lengths_checked(self):
        """Different indexes or lengths are InputErrors."""
        a = pd.Series([1.0, 2.0], index=["x", "y"])
        with pytest.raises(InputError, match="different index"):
            fit_value_tiers(a, pd.Series([0.9, 0.9], index=["y", "x"]), [1, 1])
        with pytest.raises(InputError, match="rows but"):
            fit_value_tiers([1.0, 2.0], [0.9], [1, 1])

    @SETTINGS
    @given(
        st.lists(
            st.tuples(
                st.one_of(st.integers(0, 20).map(float), st.just(math.nan)),
                st.sampled_from([None, 0.1, 0.5, 0.9]),
                st.integers(-5, 100),
            ),
            min_size=1,
            max_size=40,
        ).filter(lambda rows: any(r[2] > 0 for r in rows)),
        st.sampled_from([(0.1, 0.3), (0.2, 0.5), (0.5, 0.8), (0.9, 1.0)]),
    )
    def test_shares_at_most_and_maximal(self, rows, shares):
        """A carries <= a_share and A + B <= b_share, always (the large level
        holds B customers too: audit 9 found A + B at 100% with b_share 0.5);
        any lower assets_large would pass one of the two bounds, and one more
        medium value would pass b_share."""
        a_share, b_share = shares
        assets = [r[0] for r in rows]
        intent = [r[1] for r in rows]
        revenue = [float(r[2]) for r in rows]
        t = _fit(assets, intent, revenue, a_share=a_share, b_share=b_share)
        labels = value_tier(assets, intent, thresholds=t)
        a_rev, total = revenue_share(labels, revenue, ["A"])
        ab_rev, _ = revenue_share(labels, revenue, ["A", "B"])
        assert a_rev <= a_share * total
        assert ab_rev <= b_share * total
        # below a finite level, any known customer's assets would carry
        # too much; an infinite one (nobody A) is below the strong ones'
        finite = t.assets_large < math.inf
        lower_values = sorted(
            {
                a
                for a, i in zip(assets, intent, strict=True)
                if not math.isnan(a)
                and i is not None
                and (finite or i == 0.9)
                and a < t.assets_large
            }
        )
        if lower_values:  # the next lower threshold would carry too much
            lower = ValueTierThresholds(
                assets_medium=lower_values[-1], assets_large=lower_values[-1]
            )
            lower_labels = value_tier(assets, intent, thresholds=lower)
            more_a, _ = revenue_share(lower_labels, revenue, ["A"])
            more_large, _ = revenue_share(lower_labels, revenue, ["A", "B"])
            assert more_a > a_share * total or more_large > b_share * total
        medium_values = sorted(
            {
                a
                for a, i in zip(assets, intent, strict=True)
                if not math.isnan(a)
                and i is not None
                and i >= 0.3
                and a < t.assets_medium
            }
        )
        if medium_values:
            lower = attrs_evolve(t, medium=medium_values[-1])
            more, _ = revenue_share(
                value_tier(assets, intent, thresholds=lower), revenue, ["A", "B"]
            )
            assert more > b_share * total

    @SETTINGS
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 20), st.sampled_from([0.1, 0.5, 0.9]), st.integers(1, 50)
            ),
            min_size=1,
            max_size=30,
        ),
        st.data(),
    )
    def test_row_order_does_not_matter(self, rows, data):
        """The fit depends on the customers, not their order (ties included)."""
        perm = data.draw(st.permutations(range(len(rows))))
        cols = [list(c) for c in zip(*rows, strict=True)]
        pcols = [[c[j] for j in perm] for c in cols]
        assert _fit(*cols) == _fit(*pcols)

    def test_refit_is_stable(self):
        """Fitting, applying and fitting again on the same base gives the same thresholds."""
        rng = np.random.default_rng(3)
        assets = rng.integers(0, 100, 500).astype(float)
        intent = rng.random(500)
        revenue = rng.integers(0, 1000, 500).astype(float)
        t1 = _fit(assets, intent, revenue)
        t2 = _fit(assets, intent, revenue)
        assert t1 == t2
        a_rev, total = revenue_share(
            value_tier(assets, intent, thresholds=t1), revenue, ["A"]
        )
        assert 0 < a_rev <= 0.2 * total


def attrs_evolve(t, *, medium):
    return ValueTierThresholds(
        assets_medium=medium,
        assets_large=t.assets_large,
        intent_some=t.intent_some,
        intent_strong=t.intent_strong,
    )


# --------------------------------------------------------------------------
# conversion_readiness
# --------------------------------------------------------------------------

READY_NAMES_EN = (
    "no_need",
    "need_unknown",
    "no_motivation",
    "motivation_unknown",
    "no_ability",
    "ability_unknown",
    "not_now",
    "timing_unknown",
    "ready",
)


def _columns(rows, spell=lambda x: x):
    return [[spell(row[f]) for row in rows] for f in READINESS_FACTORS]


class TestConversionReadiness:
    """conversion_readiness: ready, or the first missing factor."""

    def test_all_yes_is_ready(self):
        """All four present: ready."""
        assert conversion_readiness([1], [1], [1], [1]).to_numpy().tolist() == ["ready"]

    @pytest.mark.parametrize("factor", READINESS_FACTORS)
    def test_single_no(self, factor):
        """One factor missing: its label (timing: not_now)."""
        args = {f: [f != factor] for f in READINESS_FACTORS}
        assert conversion_readiness(**args).to_numpy().tolist() == [NO_LABEL[factor]]

    @pytest.mark.parametrize("factor", READINESS_FACTORS)
    def test_single_unknown(self, factor):
        """One factor unknown, the rest yes: <factor>_unknown."""
        args = {f: [True if f != factor else None] for f in READINESS_FACTORS}
        assert conversion_readiness(**args).to_numpy().tolist() == [f"{factor}_unknown"]

    def test_earlier_unknown_beats_later_no(self):
        """Need unknown and motivation no: need_unknown (the first non-yes decides)."""
        got = conversion_readiness([None], [False], [True], [True])
        assert got.to_numpy().tolist() == ["need_unknown"]

    def test_earlier_no_beats_later_unknown(self):
        """Need yes, motivation no, ability unknown: no_motivation."""
        got = conversion_readiness([True], [False], [None], [None])
        assert got.to_numpy().tolist() == ["no_motivation"]

    def test_result(self):
        """Ordered Labels named readiness: per factor no then unknown, ready last."""
        got = conversion_readiness([1], [1], [1], [1])
        assert got.names == READY_NAMES_EN and got.ordered and got.name == "readiness"

    def test_custom_order(self):
        """order= changes which factor is asked first, and the name order."""
        order = ("ability", "timing", "need", "motivation")
        got = conversion_readiness([False], [True], [False], [False], order=order)
        assert got.to_numpy().tolist() == ["no_ability"]
        assert got.names[:2] == ("no_ability", "ability_unknown")
        got = conversion_readiness([False], [True], [True], [False], order=order)
        assert got.to_numpy().tolist() == ["not_now"]

    @pytest.mark.parametrize(
        "order",
        [
            ("need", "motivation", "ability"),
            ("need", "need", "ability", "timing"),
            ("need", "motivation", "ability", "when"),
            "need",
        ],
    )
    def test_bad_order(self, order):
        """order must be a permutation of the four factors."""
        with pytest.raises(ThresholdError, match="'order'"):
            conversion_readiness([1], [1], [1], [1], order=order)

    def test_chinese(self):
        """lang='zh': Chinese names, same codes."""
        got = conversion_readiness(
            ["有", "否"], ["是", "是"], ["是", "是"], ["否", "是"], lang="zh"
        )
        assert got.to_numpy().tolist() == ["时机未到", "无需求"]
        assert got.names[-1] == "可转化"

    def test_bad_answers(self):
        """Anything but yes / no / missing is an InputError naming the factor."""
        with pytest.raises(InputError, match=r"^'ability' has unknown answer 'maybe'"):
            conversion_readiness([1], [1], ["maybe"], [1])
        with pytest.raises(
            InputError, match=r"^'timing' takes two answers but has the number 2"
        ):
            conversion_readiness([1], [1], [1], [2])
        with pytest.raises(InputError, match=r"^'need' has numbers \(0\.5\)"):
            conversion_readiness([0.5], [1], [1], [1])

    def test_lengths_and_index(self):
        """Lengths must agree; Series share one index, which the result keeps."""
        with pytest.raises(InputError, match="rows but"):
            conversion_readiness([1, 1], [1], [1, 1], [1, 1])
        idx = pd.Index([7, 3], name="customer_id")
        s = pd.Series(pd.array([True, None], dtype="boolean"), index=idx)
        out = conversion_readiness(s, [1, 1], [1, 1], [1, 1]).to_pandas()
        assert out.index.equals(idx) and out.tolist() == ["ready", "need_unknown"]
        with pytest.raises(InputError, match="different index"):
            conversion_readiness(s, s.iloc[::-1], [1, 1], [1, 1])

    def test_approach_table(self):
        """Every label of both languages has an approach; the data is read-only."""
        for lang in ("en", "zh"):
            names = conversion_readiness([1], [1], [1], [1], lang=lang).names
            assert set(READINESS_APPROACH[lang]) == set(names)
        assert "financing" in READINESS_APPROACH["en"]["no_ability"]
        assert "分期" in READINESS_APPROACH["zh"]["无购买能力"]
        with pytest.raises(TypeError):
            READINESS_APPROACH["en"]["ready"] = "x"

    def test_empty(self):
        """No customers, no labels."""
        assert len(conversion_readiness([], [], [], [])) == 0

    @SETTINGS
    @given(readiness_rows(), st.data())
    def test_matches_reference(self, rows, data):
        """Any mix of spellings (bool, 0/1, yes/no, 是/否, 有/无, missing) matches the reference."""
        cols = [
            [data.draw(st.sampled_from(ANSWER_SPELLINGS[row[f]])) for row in rows]
            for f in READINESS_FACTORS
        ]
        cols = [np.array(c, dtype=object) for c in cols]
        got = conversion_readiness(*cols)
        assert got.to_numpy().tolist() == ref_readiness(rows)

    @SETTINGS
    @given(readiness_rows(), st.permutations(READINESS_FACTORS))
    def test_order_matches_reference(self, rows, order):
        """Any factor order matches the reference read in that order."""
        cols = [
            pd.array([row[f] for row in rows], dtype="boolean")
            for f in READINESS_FACTORS
        ]
        got = conversion_readiness(*cols, order=tuple(order))
        assert got.to_numpy().tolist() == ref_readiness(rows, order)

    @SETTINGS
    @given(readiness_rows(max_size=30).filter(len), st.data())
    def test_order_equivariance(self, rows, data):
        """Permuting customers permutes the labels."""
        perm = data.draw(st.permutations(range(len(rows))))
        whole = conversion_readiness(*_columns(rows)).codes
        permuted = conversion_readiness(*_columns([rows[j] for j in perm])).codes
        np.testing.assert_array_equal(permuted, whole[list(perm)])

    @SETTINGS
    @given(
        readiness_rows(max_size=30).filter(len),
        st.sampled_from(READINESS_FACTORS),
        st.permutations(READINESS_FACTORS),
    )
    def test_no_to_yes_never_moves_back(self, rows, factor, order):
        """Turning one factor from no to yes never moves a customer back in the order."""
        order = tuple(order)
        before = conversion_readiness(*_columns(rows), order=order).codes
        after_rows = [
            {**row, factor: True if row[factor] is False else row[factor]}
            for row in rows
        ]
        after = conversion_readiness(*_columns(after_rows), order=order).codes
        assert (after >= before).all()
        changed = [row[factor] is False for row in rows]
        decided = [ref_readiness([row], order)[0] == NO_LABEL[factor] for row in rows]
        assert ((after > before) == np.array(decided)).all()
        assert all(c or not d for c, d in zip(changed, decided, strict=True))

    @SETTINGS
    @given(readiness_rows(max_size=20), st.sampled_from(["en", "zh"]))
    def test_languages_share_codes(self, rows, lang):
        """Both languages give the same codes; every name is one of the approach table."""
        en = conversion_readiness(*_columns(rows))
        other = conversion_readiness(*_columns(rows), lang=lang)
        np.testing.assert_array_equal(en.codes, other.codes)
        assert set(other.to_numpy()) <= set(READINESS_APPROACH[lang])
