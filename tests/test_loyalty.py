"""Tests for custseg.loyalty: loyalty level, behaviour bands, Dick & Basu, NPS.

Reference rules (plain Python, one value at a time):

- repurchase probability ``p``: ``p < 0.30`` low, ``0.30 <= p <= 0.70``
  medium, ``p > 0.70`` high (the source's "> 70%", "30-70%", "< 30%");
- referral score: ``[0, 7)`` unlikely, ``[7, 9)`` possible, ``[9, 10]`` very
  likely (NPS bands);
- level of a complete answer: the number of the three nested conditions
  (at risk or better, potentially loyal or better, loyal) it meets, written
  below as formulas, independently of the table in the module;
- a partial answer: the level all completions share, else unknown.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg._categories import STR_MISSING, YES_NO_MISSING, normalize
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels
from custseg.loyalty import (
    DICK_BASU_LEVELS,
    LOYALTY_LEVELS,
    LOYALTY_TABLE,
    NPS_BANDS,
    REFERRAL,
    REPURCHASE,
    SATISFACTION,
    BehaviourBands,
    DickBasuThresholds,
    LoyaltyThresholds,
    dick_basu,
    loyalty_level,
    nps,
    nps_band,
    repurchase_band,
    repurchase_from_behaviour,
)

FEW = settings(max_examples=40, deadline=None)

SAT_SPELLINGS = {
    0: ["very_dissatisfied", "Very Dissatisfied", "很不满意", "很不滿意", 1],
    1: ["dissatisfied", "不满意", "不滿意", 2],
    2: ["neutral", "满意", "滿意", 3],
    3: ["satisfied", "比较满意", "比較滿意", "fairly satisfied", 4],
    4: ["very_satisfied", "very-satisfied", "很满意", "很滿意", 5],
    -1: [None, float("nan"), "", "unknown", "未知"],
}
REP_SPELLINGS = {
    0: ["low", "低", "30%以下", "<30%"],
    1: ["medium", "中", "30%-70%", "30-70%"],
    2: ["high", "高", "70%以上", ">70%"],
    -1: [None, "", "unknown"],
}
REF_SPELLINGS = {
    0: ["unlikely", "不可能"],
    1: ["possible", "有可能"],
    2: ["very_likely", "Very likely", "很大可能"],
    -1: [None, "", "未知"],
}
ZH_LEVELS = ("不忠诚", "有流失风险", "潜在忠诚", "忠诚", "未知")


# --------------------------------------------------------------------------
# Scalar references
# --------------------------------------------------------------------------


def ref_repurchase(p, lo=0.30, hi=0.70):
    """Band code of one probability (None/NaN -> -1)."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return -1
    return 2 if p > hi else 1 if p >= lo else 0


def ref_referral(score, lo=7, hi=9):
    """Band code of one 0-10 score (None/NaN -> -1)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return -1
    return 2 if score >= hi else 1 if score >= lo else 0


def ref_complete(s, r, f):
    """Level code of a complete answer, from the three nested conditions."""
    at_risk = r >= 1 or s >= 3 or (s >= 2 and f == 2)
    potential = (
        s == 4 or (s >= 3 and (r >= 1 or f >= 1)) or (s >= 2 and r == 2 and f == 2)
    )
    loyal = r == 2 and ((s == 4 and f >= 1) or (s >= 3 and f == 2))
    return int(at_risk) + int(potential) + int(loyal)


def ref_level(s, r, f, complete=ref_complete):
    """Level code of a possibly partial answer (-1 = missing): the level every
    completion shares, else 4 (unknown)."""
    levels = {
        complete(a, b, c)
        for a in (range(5) if s == -1 else [s])
        for b in (range(3) if r == -1 else [r])
        for c in (range(3) if f == -1 else [f])
    }
    return levels.pop() if len(levels) == 1 else 4


def ref_behaviour(k, d, hk=3, hd=90, mk=2, md=180):
    """Repurchase band code from purchase count and recency (3 = unknown).
    One of the two missing: the band every value it may take gives (a
    count of at least 1 beside a recency; any recency), else unknown."""
    k_na, d_na = k is None or math.isnan(k), d is None or math.isnan(d)
    if (k_na and d_na) or k == 0:
        return 3
    if k_na or d_na:
        ends = (
            {ref_behaviour(n, d, hk, hd, mk, md) for n in (1.0, math.inf)}
            if k_na
            else {ref_behaviour(k, x, hk, hd, mk, md) for x in (0.0, math.inf)}
        )
        return ends.pop() if len(ends) == 1 else 3
    if k >= hk and d < hd:
        return 2
    if k >= mk and d < md:
        return 1
    return 0


def ref_dick_basu(a, p):
    """Cell code from attitude and repeat high (1) / low (0) / missing (-1)."""
    if a == -1 or p == -1:
        return 4
    return {(1, 1): 0, (1, 0): 1, (0, 1): 2, (0, 0): 3}[(a, p)]


def ref_nps_band(score):
    """NPS band code of one score (3 = no answer)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return 3
    return 2 if score >= 9 else 1 if score >= 7 else 0


def ref_nps(scores):
    """(n, promoters, passives, detractors, no_answer, nps) of a list of scores."""
    bands = [ref_nps_band(x) for x in scores]
    pro, pas, det, na = (bands.count(i) for i in (2, 1, 0, 3))
    n = pro + pas + det
    return n, pro, pas, det, na, (100.0 * (pro - det) / n if n else math.nan)


def spelled(table):
    """A strategy of (code, spelling) pairs from a spelling table."""
    return st.sampled_from([(c, x) for c, xs in table.items() for x in xs])


probabilities = st.one_of(
    st.floats(0, 1, allow_nan=False),
    st.sampled_from([0.0, 0.3, 0.2999999, 0.3000001, 0.7, 0.7000001, 0.6999999, 1.0]),
)
scores_0_10 = st.integers(0, 10)


# --------------------------------------------------------------------------
# LoyaltyThresholds and the level table
# --------------------------------------------------------------------------


class TestLoyaltyThresholds:
    """LoyaltyThresholds: defaults and validation."""

    def test_defaults_are_the_source_bands(self):
        """Defaults: 30% / 70% for repurchase, 7 / 9 for referral scores."""
        t = LoyaltyThresholds()
        assert (t.repurchase_medium_from, t.repurchase_high_above) == (0.30, 0.70)
        assert (t.referral_possible_from, t.referral_very_likely_from) == (7, 9)
        assert t.table == LOYALTY_TABLE

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"repurchase_medium_from": 0.7},
            {"repurchase_medium_from": 0},
            {"repurchase_high_above": 1},
            {"repurchase_high_above": float("nan")},
            {"referral_possible_from": 9},
            {"referral_possible_from": 6.5},
            {"referral_very_likely_from": 11},
            {"repurchase_medium_from": "0.3"},
        ],
    )
    def test_bad_bands_are_refused(self, kwargs):
        """Out-of-range, unordered, fractional or non-numeric bands: ThresholdError."""
        with pytest.raises(ThresholdError):
            LoyaltyThresholds(**kwargs)

    def test_table_must_be_complete_names(self):
        """A table of the wrong shape or with unknown names is refused."""
        with pytest.raises(ThresholdError, match="5 x 3 x 3"):
            LoyaltyThresholds(table=LOYALTY_TABLE[:4])
        bad = [list(map(list, rows)) for rows in LOYALTY_TABLE]
        bad[0][0][0] = "unknown"
        with pytest.raises(ThresholdError, match="must be one of"):
            LoyaltyThresholds(table=bad)

    def test_table_must_be_monotone(self):
        """A table where a better answer lowers the level is refused, naming the cells."""
        bad = [list(map(list, rows)) for rows in LOYALTY_TABLE]
        bad[4][2][2] = "at_risk"
        with pytest.raises(ThresholdError, match="must never lower the level") as err:
            LoyaltyThresholds(table=bad)
        assert "(very_satisfied, high, very_likely) is 'at_risk'" in str(err.value)
        bad = [list(map(list, rows)) for rows in LOYALTY_TABLE]
        bad[2][0][0] = "at_risk"
        with pytest.raises(ThresholdError, match="better referral"):
            LoyaltyThresholds(table=bad)

    def test_own_table_is_used(self):
        """A custom monotone table changes the levels."""
        strict = [list(map(list, rows)) for rows in LOYALTY_TABLE]
        strict[4][2][1] = "potentially_loyal"
        t = LoyaltyThresholds(table=strict)
        out = loyalty_level([5, 5], [0.9, 0.9], [8, 9], thresholds=t)
        assert out.to_numpy().tolist() == ["potentially_loyal", "loyal"]

    def test_html(self):
        """The notebook view lists the bands as intervals."""
        html = LoyaltyThresholds()._repr_html_()
        assert "(0.7, 1]" in html and "[7, 9)" in html


class TestLoyaltyTable:
    """LOYALTY_TABLE: the data behind loyalty_level."""

    def test_table_equals_the_reference_conditions(self):
        """Every one of the 45 cells is the reference level."""
        for s, r, f in itertools.product(range(5), range(3), range(3)):
            assert LOYALTY_TABLE[s][r][f] == LOYALTY_LEVELS[ref_complete(s, r, f)]

    def test_monotone(self):
        """A better answer in any indicator never lowers the level (all pairs)."""
        codes = LoyaltyThresholds().codes()
        cells = list(itertools.product(range(5), range(3), range(3)))
        for a in cells:
            for b in cells:
                if all(x <= y for x, y in zip(a, b, strict=True)):
                    assert codes[a] <= codes[b], (a, b)

    def test_every_level_is_used(self):
        """Each of the four levels labels some cell."""
        used = {c for rows in LOYALTY_TABLE for row in rows for c in row}
        assert used == set(LOYALTY_LEVELS[:4])

    def test_source_anchors(self):
        """Very satisfied + > 70% + very likely is loyal; one visit, not satisfied is not."""
        assert LOYALTY_TABLE[4][2][2] == "loyal"
        for s in (0, 1):
            for f in range(3):
                assert LOYALTY_TABLE[s][0][f] == "not_loyal"


# --------------------------------------------------------------------------
# loyalty_level
# --------------------------------------------------------------------------


class TestLoyaltyLevel:
    """loyalty_level: answers in every spelling, bands, partial answers."""

    @FEW
    @given(
        st.lists(
            st.tuples(
                spelled(SAT_SPELLINGS), spelled(REP_SPELLINGS), spelled(REF_SPELLINGS)
            ),
            max_size=30,
        )
    )
    def test_matches_reference_on_spellings(self, rows):
        """Every spelling (English, Chinese, codes, missing) gives the reference level."""
        sat = [x for (_, x), _, _ in rows]
        rep = [x for _, (_, x), _ in rows]
        ref = [x for _, _, (_, x) in rows]
        out = loyalty_level(
            np.array(sat, dtype=object),
            np.array(rep, dtype=object),
            np.array(ref, dtype=object),
        )
        expected = [
            LOYALTY_LEVELS[ref_level(s, r, f)] for (s, _), (r, _), (f, _) in rows
        ]
        assert out.to_numpy().tolist() == expected
        assert out.names == LOYALTY_LEVELS and out.ordered and len(out) == len(rows)

    @FEW
    @given(
        st.lists(
            st.tuples(st.integers(1, 5), probabilities, scores_0_10),
            min_size=1,
            max_size=30,
        )
    )
    def test_matches_reference_on_numbers(self, rows):
        """Survey codes, probabilities and 0-10 scores give the reference level."""
        s, p, k = (list(c) for c in zip(*rows, strict=True))
        out = loyalty_level(s, p, k)
        expected = [
            LOYALTY_LEVELS[ref_level(a - 1, ref_repurchase(b), ref_referral(c))]
            for a, b, c in rows
        ]
        assert out.to_numpy().tolist() == expected

    @FEW
    @given(
        st.lists(
            st.tuples(st.integers(1, 5), probabilities, scores_0_10),
            min_size=1,
            max_size=20,
        ),
        st.randoms(use_true_random=False),
    )
    def test_order_equivariant(self, rows, rnd):
        """Shuffling the customers shuffles the levels the same way."""
        perm = list(range(len(rows)))
        rnd.shuffle(perm)
        s, p, k = (np.array(c) for c in zip(*rows, strict=True))
        a = loyalty_level(s, p, k).codes
        b = loyalty_level(s[perm], p[perm], k[perm]).codes
        assert b.tolist() == a[perm].tolist()

    @FEW
    @given(
        st.integers(1, 5),
        probabilities,
        scores_0_10,
        st.integers(0, 4),
        st.floats(0, 1),
        st.integers(0, 10),
    )
    def test_monotone_in_every_indicator(self, s, p, k, ds, dp, dk):
        """Raising any answer (numbers too) never lowers the level."""
        base = loyalty_level([s], [p], [k]).codes[0]
        for args in (
            ([min(5, s + ds)], [p], [k]),
            ([s], [min(1.0, p + dp)], [k]),
            ([s], [p], [min(10, k + dk)]),
        ):
            assert loyalty_level(*args).codes[0] >= base

    @pytest.mark.parametrize(
        ("p", "band"),
        [
            (0.0, "low"),
            (0.2999, "low"),
            (0.30, "medium"),
            (0.5, "medium"),
            (0.70, "medium"),
            (0.7001, "high"),
            (1.0, "high"),
        ],
    )
    def test_repurchase_boundaries(self, p, band):
        """[0, 0.3) low, [0.3, 0.7] medium, (0.7, 1] high: 0.70 is medium."""
        level = loyalty_level(["very_satisfied"], [p], ["very_likely"]).to_numpy()[0]
        assert (
            level
            == loyalty_level(["very_satisfied"], [band], ["very_likely"]).to_numpy()[0]
        )
        assert repurchase_band([p]).to_numpy()[0] == band

    @pytest.mark.parametrize(
        ("score", "band"),
        [
            (0, "unlikely"),
            (6, "unlikely"),
            (7, "possible"),
            (8, "possible"),
            (9, "very_likely"),
            (10, "very_likely"),
        ],
    )
    def test_referral_boundaries(self, score, band):
        """Scores [0, 7) unlikely, [7, 9) possible, [9, 10] very likely."""
        for s in range(1, 6):
            for p in ("low", "medium", "high"):
                assert loyalty_level([s], [p], [score]) == loyalty_level(
                    [s], [p], [band]
                )

    def test_middle_level_is_manyi(self):
        """满意 is the middle level, 比较满意 the fourth (the source's scale)."""
        a = loyalty_level(
            ["满意", "比较满意"], ["low", "low"], ["possible", "possible"]
        )
        b = loyalty_level(
            ["neutral", "satisfied"], ["low", "low"], ["possible", "possible"]
        )
        assert a == b
        assert a.to_numpy().tolist() == ["not_loyal", "potentially_loyal"]

    def test_partial_rule_is_computed_from_the_table(self):
        """All 96 partial/complete combinations follow the completion rule."""
        S, R, F = ([*names, None] for names in (SATISFACTION, REPURCHASE, REFERRAL))
        rows = list(itertools.product(S, R, F))
        out = loyalty_level(*([row[i] for row in rows] for i in range(3)))
        code = {None: -1}
        expected = [
            LOYALTY_LEVELS[
                ref_level(
                    code.get(s, SATISFACTION.index(s) if s else -1),
                    code.get(r, REPURCHASE.index(r) if r else -1),
                    code.get(f, REFERRAL.index(f) if f else -1),
                )
            ]
            for s, r, f in rows
        ]
        assert out.to_numpy().tolist() == expected
        decided = sum(
            1
            for (s, r, f), e in zip(rows, expected, strict=True)
            if None in (s, r, f) and e != "unknown"
        )
        assert decided == 12

    def test_unasked_question(self):
        """None for a whole question: every row is missing that answer."""
        out = loyalty_level(["dissatisfied", "very_satisfied"], ["low", "medium"], None)
        assert out.to_numpy().tolist() == ["not_loyal", "potentially_loyal"]
        assert loyalty_level(None, ["high"], None).to_numpy().tolist() == ["unknown"]
        with pytest.raises(InputError, match="all None"):
            loyalty_level(None, None, None)

    def test_unknown_answers_are_all_named(self):
        """Unknown spellings: InputError naming each, with the accepted ones."""
        with pytest.raises(InputError) as err:
            loyalty_level(["great", "meh", "neutral"], ["low"] * 3, ["possible"] * 3)
        msg = str(err.value)
        assert "'great'" in msg and "'meh'" in msg and "'very_satisfied'" in msg
        with pytest.raises(InputError, match="'sometimes'"):
            loyalty_level(["neutral"], ["low"], ["sometimes"])
        with pytest.raises(InputError, match="'often'"):
            loyalty_level(["neutral"], ["often"], ["possible"])

    def test_other_chinese_scale_is_refused(self):
        """一般 / 非常满意 (the scale where 满意 is fourth) are refused, not misread."""
        with pytest.raises(InputError, match="'一般'"):
            loyalty_level(["一般"], ["low"], ["possible"])
        with pytest.raises(InputError, match="'非常满意'"):
            loyalty_level(["非常满意"], ["low"], ["possible"])

    @pytest.mark.parametrize("value", [70, 1.5, -0.1, 100.0])
    def test_probabilities_outside_0_1_are_refused(self, value):
        """Percentages and negatives: InputError with the fix."""
        with pytest.raises(InputError, match=r"outside \[0, 1\]") as err:
            loyalty_level([3], [value], [5])
        assert "divide by 100" in str(err.value) or value < 0

    @pytest.mark.parametrize("value", [6.5, 11, -1])
    def test_bad_scores_are_refused(self, value):
        """Fractional or out-of-range referral scores: InputError."""
        with pytest.raises(InputError, match="whole score from 0 to 10"):
            loyalty_level([3], [0.5], [value])

    @pytest.mark.parametrize("codes", [[0], [6]])
    def test_satisfaction_codes_outside_1_5(self, codes):
        """Survey codes outside 1-5: InputError."""
        with pytest.raises(InputError, match=r"outside the scale 1\.\.5"):
            loyalty_level(codes, [0.5], [5])

    def test_booleans_are_refused(self):
        """Booleans are no probability and no score."""
        with pytest.raises(InputError, match="boolean"):
            loyalty_level([3], [True], [5])
        with pytest.raises(InputError, match="boolean"):
            loyalty_level([3], [0.5], [True])

    def test_mixed_numbers_and_bands(self):
        """One column may mix numbers and band names; each row is read by its kind."""
        out = loyalty_level([5, "很满意", 4], [0.9, "高", "low"], [10, "很大可能", 8])
        assert out.to_numpy().tolist() == ["loyal", "loyal", "potentially_loyal"]
        with pytest.raises(InputError, match="first at row 2"):
            loyalty_level([5, 5, 5], ["high", 0.5, 80], [9, 9, 9])

    def test_lengths_must_match(self):
        """Answers of different lengths: InputError."""
        with pytest.raises(InputError):
            loyalty_level([3, 4], [0.5], [5, 6])

    def test_chinese_labels(self):
        """lang='zh' gives the Chinese names, same codes."""
        en = loyalty_level([5, 1, 3, None], [0.9, 0.1, 0.5, 0.5], [10, 0, 7, 7])
        zh = loyalty_level(
            [5, 1, 3, None], [0.9, 0.1, 0.5, 0.5], [10, 0, 7, 7], lang="zh"
        )
        assert zh.names == ZH_LEVELS
        assert zh.codes.tolist() == en.codes.tolist()
        with pytest.raises(ThresholdError, match="'lang'"):
            loyalty_level([5], [0.9], [10], lang="fr")

    def test_pandas_alignment(self):
        """Series in, Series out on the same index; other indexes refused."""
        idx = pd.Index(["c9", "c1", "c5"], name="customer_id")
        s = pd.Series(["很满意", None, "不满意"], index=idx)
        p = pd.Series([0.8, pd.NA, 0.1], index=idx, dtype="Float64")
        k = pd.Series(pd.Categorical(["很大可能", "有可能", "不可能"]), index=idx)
        out = loyalty_level(s, p, k).to_pandas()
        assert out.index.equals(idx)
        assert out.tolist() == ["loyal", "unknown", "not_loyal"]
        with pytest.raises(InputError, match="different index"):
            loyalty_level(s, p.iloc[::-1], k)

    def test_labels_round_trip(self):
        """Output of repurchase_from_behaviour (also zh, also via pandas) is accepted."""
        rep = repurchase_from_behaviour([5, 1, 0], [10, 400, float("nan")])
        zh = repurchase_from_behaviour([5, 1, 0], [10, 400, float("nan")], lang="zh")
        sat = ["very_satisfied", "dissatisfied", "dissatisfied"]
        ref = ["very_likely", "unlikely", "unlikely"]
        # no purchase: repurchase unknown, so the level is open (could be at risk)
        expected = ["loyal", "not_loyal", "unknown"]
        assert loyalty_level(sat, rep, ref).to_numpy().tolist() == expected
        assert loyalty_level(sat, zh, ref).to_numpy().tolist() == expected
        assert loyalty_level(sat, rep.to_pandas(), ref).to_numpy().tolist() == expected

    def test_labels_input_keeps_its_index(self):
        """A Labels input with an index aligns like a Series."""
        idx = pd.Index(["b", "a"], name="customer_id")
        rep = repurchase_from_behaviour(
            pd.Series([5, 1], index=idx), pd.Series([3, 3], index=idx)
        )
        out = loyalty_level(["很满意", "很满意"], rep, None)
        assert out.to_pandas().index.equals(idx)
        with pytest.raises(InputError, match="different index"):
            loyalty_level(pd.Series([5, 5], index=["a", "b"]), rep, None)

    @FEW
    @given(
        st.lists(st.one_of(st.floats(), st.integers(-5, 120), st.none()), max_size=8),
        st.lists(st.one_of(st.floats(), st.integers(-5, 20), st.none()), max_size=8),
    )
    def test_total_on_any_numbers(self, probs, scores):
        """Any numbers: a level per row, or an InputError; never another exception."""
        n = min(len(probs), len(scores))
        try:
            out = loyalty_level([3] * n, probs[:n], scores[:n])
        except InputError:
            return
        assert len(out) == n and set(out.codes.tolist()) <= set(range(5))

    @FEW
    @given(
        st.text(min_size=1, max_size=6).filter(
            lambda t: (
                t.strip()
                and t.strip().casefold().replace(" ", "_")
                not in {"low", "medium", "high", "unknown", "低", "中", "高", "未知"}
                and not any(c in t for c in "%<>-_0123456789")
                # the shared missing words (none, n/a, 不详 ...) are a
                # missing answer, not an unknown one (audit 34)
                and normalize(t) not in {normalize(w) for w in YES_NO_MISSING}
                and t.strip() not in STR_MISSING
            )
        )
    )
    def test_unknown_text_is_named(self, text):
        """Any unknown band text is refused, naming it."""
        with pytest.raises(InputError, match="unknown answer") as err:
            loyalty_level(["neutral"], [text], ["possible"])
        assert str(err.value).startswith("'repurchase' has unknown answer")

    def test_inputs_not_mutated(self):
        """The caller's arrays are left as they were."""
        p = np.array([0.1, np.nan, 0.9])
        before = p.copy()
        loyalty_level([1, 2, 3], p, [1, 2, 3])
        np.testing.assert_array_equal(p, before)


class TestRepurchaseBand:
    """repurchase_band: probabilities to bands."""

    @FEW
    @given(st.lists(st.one_of(probabilities, st.just(float("nan"))), max_size=30))
    def test_matches_reference(self, ps):
        """Each probability gets the reference band; NaN is unknown."""
        out = repurchase_band(np.array(ps, dtype=float)).to_numpy().tolist()
        assert out == [(*REPURCHASE, "unknown")[ref_repurchase(p)] for p in ps]

    def test_own_bands(self):
        """Thresholds move the bands, keeping their open/closed ends."""
        t = LoyaltyThresholds(repurchase_medium_from=0.5, repurchase_high_above=0.8)
        out = repurchase_band([0.49, 0.5, 0.8, 0.81], thresholds=t, lang="zh")
        assert out.to_numpy().tolist() == ["低", "中", "中", "高"]


# --------------------------------------------------------------------------
# repurchase_from_behaviour
# --------------------------------------------------------------------------


class TestBehaviourBands:
    """BehaviourBands: defaults and validation."""

    def test_defaults(self):
        """3 purchases within 90 days high; 2 within 180 medium."""
        b = BehaviourBands()
        assert (
            b.high_frequency,
            b.high_within,
            b.medium_frequency,
            b.medium_within,
        ) == (
            3,
            90,
            2,
            180,
        )

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"high_frequency": 1},
            {"medium_frequency": 0},
            {"medium_frequency": 1.5},
            {"high_within": 200},
            {"medium_within": float("inf")},
            {"high_within": 0},
        ],
    )
    def test_bad_bands(self, kwargs):
        """Unordered, fractional, zero or infinite bands: ThresholdError."""
        with pytest.raises(ThresholdError):
            BehaviourBands(**kwargs)


class TestRepurchaseFromBehaviour:
    """repurchase_from_behaviour: counts and recency to repurchase bands."""

    @FEW
    @given(
        st.lists(
            st.tuples(
                st.one_of(st.integers(0, 8).map(float), st.just(math.nan)),
                st.one_of(
                    st.integers(0, 400).map(float),
                    st.sampled_from([89.5, 90.0, 179.9, 180.0, math.nan]),
                ),
            ),
            max_size=30,
        )
    )
    def test_matches_reference(self, rows):
        """Each customer gets the reference band."""
        k = np.array([a for a, _ in rows], dtype=float)
        d = np.array([b for _, b in rows], dtype=float)
        out = repurchase_from_behaviour(k, d).to_numpy().tolist()
        assert out == [(*REPURCHASE, "unknown")[ref_behaviour(a, b)] for a, b in rows]

    def test_boundaries(self):
        """Windows are half-open: day 90 is no longer high, day 180 no longer medium."""
        out = repurchase_from_behaviour([3, 3, 2, 2, 1], [89, 90, 179, 180, 0])
        assert out.to_numpy().tolist() == ["high", "medium", "medium", "low", "low"]

    def test_monotone(self):
        """More purchases or a more recent one never lower the band."""
        ks, ds = np.meshgrid(np.arange(0, 6), np.arange(0, 300, 15))
        codes = repurchase_from_behaviour(ks.ravel(), ds.ravel()).codes.reshape(
            ks.shape
        )
        known = codes[:, 1:]  # frequency 0 is unknown
        assert (np.diff(known, axis=1) >= 0).all()
        assert (np.diff(known, axis=0) <= 0).all()

    def test_bad_input(self):
        """Negative or fractional counts, negative recency: InputError."""
        with pytest.raises(InputError, match="frequency"):
            repurchase_from_behaviour([1.5], [3])
        with pytest.raises(InputError, match="recency_days"):
            repurchase_from_behaviour([1], [-3])
        with pytest.raises(InputError):
            repurchase_from_behaviour([1, 2], [3])

    def test_behaviour_alone_decides_no_level(self):
        """Without satisfaction and referral the table decides nothing."""
        rep = repurchase_from_behaviour([8, 2, 1], [1, 100, 300])
        assert set(loyalty_level(None, rep, None).to_numpy()) == {"unknown"}

    def test_pandas_index(self):
        """Series in: labels on their index."""
        idx = pd.Index([7, 3])
        out = repurchase_from_behaviour(
            pd.Series([4, 1], index=idx), pd.Series([5.0, 5.0], index=idx)
        )
        assert out.to_pandas().index.equals(idx)


# --------------------------------------------------------------------------
# dick_basu
# --------------------------------------------------------------------------


class TestDickBasuThresholds:
    """DickBasuThresholds: levels by name, counts whole."""

    def test_bad_values(self):
        """Unknown level names and fractional counts are refused."""
        for kwargs in (
            {"satisfaction_from": "happy"},
            {"referral_from": 7},
            {"repurchase_from": "High"},
            {"frequency_from": 2.5},
            {"loyalty": "x"},
        ):
            with pytest.raises(ThresholdError):
                DickBasuThresholds(**kwargs)


class TestDickBasu:
    """dick_basu: attitude x repeat patronage."""

    @FEW
    @given(
        st.lists(
            st.tuples(spelled(SAT_SPELLINGS), st.one_of(probabilities, st.none())),
            max_size=30,
        )
    )
    def test_satisfaction_and_repurchase(self, rows):
        """Attitude high from 'satisfied', repeat high from > 70%, as the reference."""
        sat = np.array([x for (_, x), _ in rows], dtype=object)
        rep = np.array([p if p is not None else np.nan for _, p in rows], dtype=float)
        out = dick_basu(satisfaction=sat, repurchase=rep).to_numpy().tolist()
        expected = []
        for (s, _), p in rows:
            a = -1 if s == -1 else int(s >= 3)
            r = ref_repurchase(p)
            expected.append(
                DICK_BASU_LEVELS[ref_dick_basu(a, -1 if r == -1 else int(r == 2))]
            )
        assert out == expected

    def test_four_cells_and_unknown(self):
        """Each cell, and a missing dimension, from explicit high/low."""
        out = dick_basu(
            attitude=["high", "high", "低", False, None, "高"],
            repeat=[True, "low", "高", "low", "high", None],
        )
        assert out.to_numpy().tolist() == [
            "true_loyalty",
            "latent_loyalty",
            "spurious_loyalty",
            "no_loyalty",
            "unknown",
            "unknown",
        ]
        assert not out.ordered

    def test_satisfaction_and_referral_three_valued(self):
        """Both given: high when both are, low when either is (even if one is missing)."""
        out = dick_basu(
            satisfaction=["satisfied", "satisfied", None, None],
            referral=[9, 3, 3, 9],
            frequency=[5, 5, 5, 5],
        )
        assert out.to_numpy().tolist() == [
            "true_loyalty",
            "spurious_loyalty",
            "spurious_loyalty",
            "unknown",
        ]

    def test_frequency_threshold(self):
        """Repeat patronage from counts: >= frequency_from (3) is high."""
        out = dick_basu(attitude=[1, 1, 1, 1], frequency=[2, 3, 0, np.nan])
        assert out.to_numpy().tolist() == [
            "latent_loyalty",
            "true_loyalty",
            "latent_loyalty",
            "unknown",
        ]
        t = DickBasuThresholds(frequency_from=2, repurchase_from="medium")
        assert (
            dick_basu(attitude=[1], frequency=[2], thresholds=t).to_numpy()[0]
            == "true_loyalty"
        )
        assert dick_basu(attitude=[0], repurchase=[0.5], thresholds=t).to_numpy()[
            0
        ] == ("spurious_loyalty")

    def test_sources_must_be_one(self):
        """No or two sources for a dimension: InputError."""
        with pytest.raises(InputError, match="exactly one"):
            dick_basu(attitude=["high"], satisfaction=["satisfied"], repeat=["high"])
        with pytest.raises(InputError, match="exactly one"):
            dick_basu(repeat=["high"])
        with pytest.raises(InputError, match="exactly one"):
            dick_basu(attitude=["high"], repeat=["high"], frequency=[3])
        with pytest.raises(InputError, match="'medium'"):
            dick_basu(attitude=["medium"], repeat=["high"])
        with pytest.raises(InputError, match="frequency"):
            dick_basu(attitude=["high"], frequency=[-1])

    def test_chinese_and_index(self):
        """lang='zh' names; the pandas index is kept."""
        idx = pd.Index(["a", "b"])
        out = dick_basu(
            attitude=pd.Series(["高", "低"], index=idx),
            repeat=pd.Series(["低", "高"], index=idx),
            lang="zh",
        )
        assert out.to_pandas().tolist() == ["潜在忠诚", "虚假忠诚"]
        assert out.to_pandas().index.equals(idx)


# --------------------------------------------------------------------------
# NPS
# --------------------------------------------------------------------------


class TestNpsBand:
    """nps_band: 0-6 detractor, 7-8 passive, 9-10 promoter."""

    @FEW
    @given(st.lists(st.one_of(scores_0_10, st.none()), max_size=30))
    def test_matches_reference(self, scores):
        """Each score gets the reference band; missing is no_answer."""
        out = nps_band(pd.array(scores, dtype="Int64")).to_numpy().tolist()
        assert out == [NPS_BANDS[ref_nps_band(x)] for x in scores]

    def test_boundaries(self):
        """6 | 7 and 8 | 9 are the band edges."""
        assert nps_band([6, 7, 8, 9]).to_numpy().tolist() == [
            "detractor",
            "passive",
            "passive",
            "promoter",
        ]

    @pytest.mark.parametrize("bad", [[6.5], [11], [-1], [True], ["nine"]])
    def test_refused(self, bad):
        """Non-integers, values outside 0-10, booleans and text: InputError."""
        with pytest.raises(InputError):
            nps_band(bad)

    def test_chinese(self):
        """lang='zh' names."""
        assert nps_band([0, 7, 10, None], lang="zh").to_numpy().tolist() == [
            "贬损者",
            "被动者",
            "推荐者",
            "未回答",
        ]


class TestNps:
    """nps: overall and per group, with counts."""

    @FEW
    @given(st.lists(st.one_of(scores_0_10, st.none()), max_size=40))
    def test_overall_matches_reference(self, scores):
        """The overall result is the reference (n excludes no-answers)."""
        r = nps(pd.array(scores, dtype="Int64"))
        n, pro, pas, det, na, score = ref_nps(scores)
        assert (
            r.n[0],
            r.promoters[0],
            r.passives[0],
            r.detractors[0],
            r.no_answer[0],
        ) == (
            n,
            pro,
            pas,
            det,
            na,
        )
        assert (math.isnan(score) and math.isnan(r.nps[0])) or r.nps[
            0
        ] == pytest.approx(score)
        assert -100 <= float(r) <= 100 or n == 0

    @FEW
    @given(
        st.lists(
            st.tuples(
                st.one_of(scores_0_10, st.none()), st.sampled_from(["a", "b", "c"])
            ),
            max_size=40,
        )
    )
    def test_groups_match_reference(self, rows):
        """Per group of a categorical: every category listed, empty ones NaN with n 0."""
        by = pd.Categorical([g for _, g in rows], categories=["a", "b", "c", "d"])
        r = nps(pd.array([x for x, _ in rows], dtype="Int64"), by=by)
        assert r.groups == ("a", "b", "c", "d")
        for i, g in enumerate(r.groups):
            n, pro, pas, det, na, score = ref_nps([x for x, h in rows if h == g])
            assert (
                r.n[i],
                r.promoters[i],
                r.passives[i],
                r.detractors[i],
                r.no_answer[i],
            ) == (
                n,
                pro,
                pas,
                det,
                na,
            )
            assert (math.isnan(score) and math.isnan(r.nps[i])) or r.nps[
                i
            ] == pytest.approx(score)

    def test_by_labels_lists_every_name(self):
        """A Labels grouping lists all its names, also those without rows."""
        lev = loyalty_level(["very_satisfied", "dissatisfied"], [0.9, 0.1], [10, 2])
        frame = nps([10, 2], by=lev).to_pandas()
        assert frame.index.tolist() == list(LOYALTY_LEVELS)
        assert frame.index.name == "loyalty"
        assert (
            frame.loc["loyal", "nps"] == 100.0
            and frame.loc["not_loyal", "nps"] == -100.0
        )
        assert frame.loc["at_risk", "n"] == 0 and math.isnan(
            frame.loc["at_risk", "nps"]
        )

    def test_by_values_and_missing_group(self):
        """Plain values: sorted distinct groups, missing groups apart."""
        r = nps([10, 0, 8], by=["y", None, "x"])
        assert r.groups == ("x", "y", "(missing)")
        assert r.nps.tolist() == [0.0, 100.0, -100.0]
        with pytest.raises(ThresholdError, match="3 groups"):
            float(r)

    def test_by_series_alignment(self):
        """A Series grouping must have the scores' index."""
        s = pd.Series([10, 0], index=["a", "b"])
        g = pd.Series(["x", "y"], index=["b", "a"], name="shop")
        with pytest.raises(InputError, match="different index"):
            nps(s, by=g)
        frame = nps(s, by=g.reindex(s.index)).to_pandas()
        assert frame.index.name == "shop" and frame.loc["y", "nps"] == 100.0

    def test_bad_by(self):
        """A grouping of another length, or unorderable mixed values: InputError."""
        with pytest.raises(InputError, match="rows"):
            nps([1, 2], by=["a"])
        with pytest.raises(InputError, match="mixes"):
            nps([1, 2], by=np.array(["a", 1], dtype=object))

    def test_html(self):
        """The notebook view has one row per group."""
        assert nps([9], by=["a"])._repr_html_().count("<tr>") >= 2


# --------------------------------------------------------------------------
# The rules DSL version
# --------------------------------------------------------------------------

LOYALTY_TOML = """\
format = 1
name = "loyalty"
description = "Loyalty level from satisfaction, repurchase and referral (custseg.loyalty_level)"

# Survey answers; map codes, probabilities and Chinese spellings to these
# names first (custseg.loyalty_level does that for you).
[fields]
satisfaction = { type = "category", values = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied"], missing = true, description = "overall satisfaction (很不满意 .. 很满意)" }
repurchase = { type = "category", values = ["low", "medium", "high"], missing = true, description = "probability of buying again: < 30%, 30-70%, > 70%" }
referral = { type = "category", values = ["unlikely", "possible", "very_likely"], missing = true, description = "likelihood of recommending (不可能, 有可能, 很大可能)" }

# Three nested, monotone conditions: is_loyal implies at_least_potential implies
# at_least_at_risk. A missing answer makes a condition unknown unless the
# known answers already decide it, so each level below needs its condition
# true and the next one false: exactly the levels every completion agrees on.
[derived]
at_least_at_risk = "repurchase in ('medium', 'high') or satisfaction in ('satisfied', 'very_satisfied') or (satisfaction in ('neutral', 'satisfied', 'very_satisfied') and referral == 'very_likely')"
at_least_potential = "satisfaction == 'very_satisfied' or (satisfaction in ('satisfied', 'very_satisfied') and (repurchase in ('medium', 'high') or referral in ('possible', 'very_likely'))) or (satisfaction in ('neutral', 'satisfied', 'very_satisfied') and repurchase == 'high' and referral == 'very_likely')"
is_loyal = "repurchase == 'high' and ((satisfaction == 'very_satisfied' and referral in ('possible', 'very_likely')) or (satisfaction in ('satisfied', 'very_satisfied') and referral == 'very_likely'))"

[segments.loyalty]
description = "Loyalty from three indicators; 'unknown' when missing answers leave the level open"
default = "unknown"
rules = [
  { label = "loyal", when = "is_loyal" },
  { label = "potentially_loyal", when = "at_least_potential and not is_loyal" },
  { label = "at_risk", when = "at_least_at_risk and not at_least_potential" },
  { label = "not_loyal", when = "not at_least_at_risk" },
]
translations.zh = { loyal = "忠诚", potentially_loyal = "潜在忠诚", at_risk = "有流失风险", not_loyal = "不忠诚", unknown = "未知" }
"""


class TestRulesVersion:
    """The rules-DSL text of the level table agrees with loyalty_level."""

    def test_checks_without_errors_or_warnings(self):
        """The file has no errors or warnings (only the falls-to-default info)."""
        found = rules.check(LOYALTY_TOML)
        assert [d.code for d in found if d.severity != "info"] == []

    @pytest.mark.parametrize("lang", [None, "zh"])
    def test_equals_loyalty_level_on_all_answers(self, lang):
        """All 45 complete and 51 partial combinations get the same level."""
        S, R, F = ([*names, None] for names in (SATISFACTION, REPURCHASE, REFERRAL))
        rows = list(itertools.product(S, R, F))
        cols = {
            k: [row[i] for row in rows]
            for i, k in enumerate(("satisfaction", "repurchase", "referral"))
        }
        got = rules.loads(LOYALTY_TOML).evaluate(cols, lang=lang).to_pandas()["loyalty"]
        want = loyalty_level(*cols.values(), lang=lang or "en").to_numpy()
        assert got.astype(str).tolist() == want.tolist()


def test_labels_type():
    """Every function returns Labels named for its scheme."""
    assert isinstance(loyalty_level([3], [0.5], [5]), Labels)
    assert loyalty_level([3], [0.5], [5]).name == "loyalty"
    assert nps_band([3]).name == "nps_band"
    assert dick_basu(attitude=[1], repeat=[1]).name == "dick_basu"


class TestBehaviouralLoyalty:
    @given(
        st.lists(
            st.tuples(st.integers(0, 20), st.floats(0, 1000, allow_nan=False)),
            min_size=1,
            max_size=40,
        )
    )
    @settings(max_examples=60)
    def test_the_band_decides_and_never_loyal(self, rows: list) -> None:
        """high -> potentially_loyal, medium -> at_risk, low -> not_loyal,
        no purchase -> unknown; 'loyal' never (it needs an attitude)."""
        from custseg.loyalty import behavioural_loyalty, repurchase_from_behaviour

        k = np.array([r[0] for r in rows])
        d = np.where(k > 0, [r[1] for r in rows], np.nan)
        band = repurchase_from_behaviour(k, d).to_numpy().tolist()
        got = behavioural_loyalty(k, d).to_numpy().tolist()
        mapping = {
            "high": "potentially_loyal",
            "medium": "at_risk",
            "low": "not_loyal",
            "unknown": "unknown",
        }
        assert got == [mapping[b] for b in band]
        assert "loyal" not in got

    @given(st.integers(1, 20), st.integers(0, 5), st.floats(0, 400, allow_nan=False))
    def test_more_purchases_never_lower(self, k: int, extra: int, d: float) -> None:
        """Buying more often (same recency) never lowers the level."""
        from custseg.loyalty import behavioural_loyalty

        out = behavioural_loyalty([k, k + extra], [d, d])
        assert out.codes[1] >= out.codes[0]

    def test_chinese_and_index(self) -> None:
        """zh names; a pandas index is kept."""
        import pandas as pd

        from custseg.loyalty import behavioural_loyalty

        k = pd.Series([5, 1], index=["a", "b"])
        out = behavioural_loyalty(
            k, pd.Series([3.0, 400.0], index=["a", "b"]), lang="zh"
        )
        assert out.to_pandas().to_dict() == {"a": "潜在忠诚", "b": "不忠诚"}
