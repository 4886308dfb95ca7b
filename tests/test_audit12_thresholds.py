"""Thresholds read as the data is read (audit 12, U1, U2, U6).

* U1: a threshold given as a NumPy ``float32`` / ``float16`` (a quantile or
  maximum of a float32 column, an item of a float32 array) is read as the
  decimal it prints as, like data of that dtype (``widen_narrow``), so a value
  equal to its own threshold falls on the documented side.
* U2: ``score`` / ``rfm_scores`` / ``abc_classes(edges=)`` compare a
  ``Decimal`` (or an ``int64`` beyond 2**53) that float64 rounds onto a cut
  with the cut exactly (``exact_sides``), as the other classifiers do.
* U6: ``AbcCutoffs.basis`` is stored as plain text; the repr of a threshold
  set with an infinite threshold can be pasted back.
"""

from __future__ import annotations

import math
from decimal import Decimal

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _validate as v

_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_NARROW = {"float32": (np.float32, 32, 1e6), "float16": (np.float16, 16, 6e4)}
_SMALLEST = 2.0**-7  # exact in both widths


def printed(x: np.floating) -> Decimal:
    """The oracle's reading of a narrow float: the decimal NumPy prints."""
    return Decimal(str(x))


@st.composite
def narrow_data(draw: st.DrawFn, min_size: int = 2) -> np.ndarray:
    """Distinct positive float32 or float16 values, as an array of that dtype."""
    dtype, width, top = _NARROW[draw(st.sampled_from(sorted(_NARROW)))]
    values = draw(
        st.lists(
            st.floats(min_value=_SMALLEST, max_value=top, width=width),
            min_size=min_size,
            max_size=12,
            unique_by=lambda x: float(dtype(x)),
        )
    )
    return np.array(values, dtype=dtype)


def _pick(draw: st.DrawFn, arr: np.ndarray, k: int) -> np.ndarray:
    """*k* distinct values of *arr*, ascending, as an array of its dtype."""
    rows = draw(
        st.lists(st.sampled_from(range(len(arr))), min_size=k, max_size=k, unique=True)
    )
    return np.sort(arr[rows])


class TestNarrowThresholds:
    """U1: a float32/float16 threshold equal to a value of the data."""

    @_SETTINGS
    @given(
        data=st.data(), arr=narrow_data(), better=st.booleans(), as_items=st.booleans()
    )
    def test_score(self, data, arr, better, as_items):
        """score: ``x > c`` (``x < c`` for recency) on the printed decimals,
        the cuts given as an array of the dtype or as a tuple of its items."""
        k = data.draw(st.integers(1, len(arr) - 1))
        cuts = _pick(data.draw, arr, k)
        edges = custseg.ScoreEdges(tuple(cuts) if as_items else cuts)
        got = custseg.score(arr, edges, higher_is_better=better).tolist()
        want = [
            1
            + sum(
                (printed(x) > printed(c)) if better else (printed(x) < printed(c))
                for c in cuts
            )
            for x in arr
        ]
        assert got == want

    @_SETTINGS
    @given(data=st.data(), arr=narrow_data())
    def test_rfm_scores_with_given_edges(self, data, arr):
        """rfm_scores with given edges: each dimension as score."""
        cut = _pick(data.draw, arr, 1)
        e = custseg.ScoreEdges(cut)
        s = custseg.rfm_scores(arr, arr, arr, edges=custseg.RfmEdges(e, e, e))
        c = printed(cut[0])
        assert s.r.tolist() == [1 + (printed(x) < c) for x in arr]
        assert s.m.tolist() == [1 + (printed(x) > c) for x in arr]

    @_SETTINGS
    @given(data=st.data(), arr=narrow_data())
    def test_abc_classes_with_edges(self, data, arr):
        """abc_classes(edges=): A if ``x >= a_min``, B if ``x >= b_min``."""
        b_min, a_min = _pick(data.draw, arr, 2)
        edges = custseg.AbcEdges(a_min=a_min, b_min=b_min)
        got = custseg.abc_classes(arr, edges=edges).to_numpy().tolist()
        want = [
            "A"
            if printed(x) >= printed(a_min)
            else "B"
            if printed(x) >= printed(b_min)
            else "C"
            for x in arr
        ]
        assert got == want

    @_SETTINGS
    @given(data=st.data(), arr=narrow_data(), care=st.booleans())
    def test_lifecycle_stage_and_care_phase(self, data, arr, care):
        """lifecycle_stage / care_phase: a value on a break is in the later
        stage (``breaks[i]`` is the first day of stage ``i + 1``)."""
        k = data.draw(st.integers(1, len(arr) - 1))
        breaks = _pick(data.draw, arr, k)
        labels = tuple(f"s{i}" for i in range(k + 1))
        if care:
            got = custseg.care_phase(arr, custseg.CarePhases(tuple(breaks), labels))
        else:
            got = custseg.lifecycle_stage(
                arr, custseg.LifecycleWindows(tuple(breaks), labels)
            )
        want = [labels[sum(printed(x) >= printed(b) for b in breaks)] for x in arr]
        assert got.to_numpy().tolist() == want

    @_SETTINGS
    @given(data=st.data(), arr=narrow_data(min_size=4))
    def test_value_tier(self, data, arr):
        """value_tier: a value on a threshold takes the higher level, for the
        asset thresholds (strong intent: A, B, C for large, medium, ordinary)
        and the intent thresholds (large assets: A only with strong intent;
        medium assets: C only with unclear intent)."""
        medium, large = _pick(data.draw, arr, 2)
        t = custseg.ValueTierThresholds(assets_medium=medium, assets_large=large)
        got = custseg.value_tier(arr, ["strong"] * len(arr), thresholds=t)
        want = [
            "A"
            if printed(x) >= printed(large)
            else "B"
            if printed(x) >= printed(medium)
            else "C"
            for x in arr
        ]
        assert got.to_numpy().tolist() == want

        # intent as probabilities in [0, 1]: the data scaled into (0, 1]
        with np.errstate(under="ignore"):  # subnormal float16 shares are fine
            p = (arr / arr.max()).astype(arr.dtype)
        some, strong = (
            _pick(data.draw, p, 2)
            if len(set(p.tolist())) == len(p)
            else (p.min(), p.max())
        )
        t = custseg.ValueTierThresholds(intent_some=some, intent_strong=strong)
        large_tiers = custseg.value_tier(["large"] * len(p), p, thresholds=t)
        medium_tiers = custseg.value_tier(["medium"] * len(p), p, thresholds=t)
        assert large_tiers.to_numpy().tolist() == [
            "A" if printed(x) >= printed(strong) else "B" for x in p
        ]
        assert medium_tiers.to_numpy().tolist() == [
            "B" if printed(x) >= printed(some) else "C" for x in p
        ]

    def test_audit_repro(self):
        """The finding's examples: each value on its own threshold."""
        m = pd.Series([19.9, 49.9, 99.9, 199.9, 499.9], dtype="float32").to_numpy()
        e = custseg.ScoreEdges(np.quantile(m, [0.25, 0.5, 0.75], method="lower"))
        assert e.cuts == (49.9, 99.9, 199.9)
        assert custseg.score(m, e).tolist() == [1, 1, 2, 3, 4]
        x = np.array([500.1, 0.1], dtype=np.float32)
        edges = custseg.AbcEdges(a_min=x[0], b_min=x[1])
        assert custseg.abc_classes(x, edges=edges).to_numpy().tolist() == ["A", "B"]
        r = np.array([90.3], dtype=np.float32)
        w = custseg.LifecycleWindows((r[0], 180, 270))
        assert custseg.lifecycle_stage(r, w).to_numpy().tolist() == ["silent"]
        low = custseg.score(x, custseg.ScoreEdges((x[1], x[0])), higher_is_better=False)
        assert low.tolist() == [1, 2]


def _threshold_fields():
    """(class name, field, default) of every public threshold set built
    without arguments whose field is a float or a tuple of floats, and the
    sets that need arguments, with a valid value."""
    out = []
    for name in custseg.__all__:
        cls = getattr(custseg, name)
        if not (isinstance(cls, type) and attrs.has(cls)):
            continue
        try:
            obj = cls()
        except Exception:  # needs arguments: listed below
            continue
        for f in attrs.fields(cls):
            value = getattr(obj, f.name)
            if isinstance(value, float) or (
                isinstance(value, tuple)
                and value
                and all(isinstance(x, float) for x in value)
            ):
                out.append((name, f.name, value))
    return out


_FIELDS = _threshold_fields()


def _nudged(value):
    """Candidates near *value* that no float32 or float16 holds exactly."""
    if isinstance(value, tuple):
        return [tuple(x + d for x in value) for d in (0.1, -0.1, 0.3)]
    return [value + 0.1, value - 0.1, value * 0.9 + 0.05]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize(
    ("name", "field", "default"), _FIELDS, ids=[f"{n}.{f}" for n, f, _ in _FIELDS]
)
def test_every_threshold_field_reads_narrow_floats_as_printed(
    dtype, name, field, default
):
    """Each numeric field of each threshold set (number_param and
    number_tuple_param) stores a narrow float as the decimal it prints as."""
    cls = getattr(custseg, name)
    for candidate in _nudged(default):
        narrow = (
            np.array(candidate, dtype=dtype)
            if isinstance(candidate, tuple)
            else dtype(candidate)
        )
        try:
            obj = attrs.evolve(cls(), **{field: narrow})
        except custseg.errors.CustsegError:
            continue  # out of the field's range, or not a whole number
        want = (
            tuple(float(printed(x)) for x in narrow)
            if isinstance(candidate, tuple)
            else float(printed(narrow))
        )
        assert getattr(obj, field) == want
        return
    # a count (whole numbers only): narrow whole numbers are exact anyway
    obj = attrs.evolve(cls(), **{field: dtype(default)})
    assert getattr(obj, field) == default


def test_threshold_fields_are_covered():
    """The family above reaches the threshold sets of the brief."""
    names = {n for n, _, _ in _FIELDS}
    assert {
        "AbcCutoffs",
        "CarePhases",
        "LifecycleWindows",
        "ValueTierThresholds",
        "StatusThresholds",
        "NeedsThresholds",
        "LoyaltyThresholds",
        "RelationshipThresholds",
        "VisitTiers",
        "LifeStageWindows",
    } <= names


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize(
    ("build", "read"),
    [
        (
            lambda x: custseg.ScoreEdges(np.array([x, 2 * x], dtype=x.dtype)),
            lambda o: o.cuts[0],
        ),
        (lambda x: custseg.AbcEdges(a_min=x, b_min=x), lambda o: o.a_min),
        (lambda x: custseg.AbcEdges(a_min=2 * x, b_min=x), lambda o: o.b_min),
        (
            lambda x: custseg.ValueTierThresholds(assets_medium=x, assets_large=2 * x),
            lambda o: o.assets_medium,
        ),
        (lambda x: custseg.VisitTiers(vip_spend=x), lambda o: o.vip_spend),
    ],
    ids=[
        "ScoreEdges",
        "AbcEdges.a_min",
        "AbcEdges.b_min",
        "ValueTier.assets",
        "VisitTiers.vip_spend",
    ],
)
def test_sets_built_with_arguments_read_narrow_floats_as_printed(dtype, build, read):
    """The threshold sets that need arguments read them the same way."""
    x = dtype(19.9)
    assert read(build(x)) == float(printed(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("values", [[80, 5, 5, 5, 5], [3, 1, 1, 0, 7, 2, 2, 9, 4, 1]])
def test_pareto_summary_reads_narrow_shares_as_printed(dtype, values):
    """pareto_summary: narrow shares give the figures of the printed shares,
    stored as plain floats."""
    narrow = custseg.pareto_summary(
        values, value_share=dtype(0.7), customer_share=dtype(0.3)
    )
    plain = custseg.pareto_summary(values, value_share=0.7, customer_share=0.3)
    assert narrow == plain
    assert type(narrow.value_share) is float and type(narrow.customer_share) is float


def test_narrow_special_values_are_kept():
    """NaN and infinities pass through for the caller to judge."""
    assert v.number_param(np.float32("inf"), "a") == math.inf
    assert math.isnan(v.number_param(np.float16("nan"), "a"))
    assert v.number_tuple_param(np.array([-np.inf, 0.1], np.float32), "c") == (
        -math.inf,
        0.1,
    )


# ---------------------------------------------------------------- U2


@st.composite
def decimals_near(draw: st.DrawFn, cuts: tuple[float, ...]) -> list[Decimal]:
    """Decimals that float64 rounds onto one of *cuts* (a few digits past
    float64's 17), the cuts' printed decimals themselves, and others."""
    out = []
    for _ in range(draw(st.integers(1, 10))):
        c = draw(st.sampled_from(cuts))
        base = Decimal(repr(c))
        kind = draw(st.sampled_from(["near", "on", "far"]))
        if kind == "on":
            out.append(base)
            continue
        exp = (base.adjusted() if c else -20) - draw(st.integers(18, 22))
        step = Decimal(draw(st.integers(1, 9))) * Decimal(10) ** exp
        sign = draw(st.sampled_from([-1, 1]))
        if kind == "far":
            step = Decimal(draw(st.integers(1, 9))) * Decimal(10) ** (exp + 17)
        out.append(base + sign * step)
    return out


_cut_values = st.one_of(
    st.floats(min_value=1e-6, max_value=1e12, allow_subnormal=False),
    st.integers(1, 10**6).map(float),
    st.sampled_from([0.1, 0.7, 29.99, 175.0, 1e-3]),
)


def _above(x, cut):  # the oracle: the cut as the decimal it prints as
    return x > Decimal(repr(cut))


def _below(x, cut):
    return x < Decimal(repr(cut))


class TestExactSides:
    """U2: decimals and big integers that float64 rounds onto a cut."""

    @_SETTINGS
    @given(
        data=st.data(),
        cuts=st.lists(_cut_values, min_size=1, max_size=4, unique=True).map(sorted),
        better=st.booleans(),
        series=st.booleans(),
    )
    def test_score_and_rfm_scores(self, data, cuts, better, series):
        """score (list or object Series) and rfm_scores with given edges."""
        x = data.draw(decimals_near(tuple(cuts)))
        edges = custseg.ScoreEdges(tuple(cuts))
        given_x = pd.Series(x, dtype=object) if series else x
        got = custseg.score(given_x, edges, higher_is_better=better)
        side = _above if better else _below
        want = [1 + sum(side(d, c) for c in cuts) for d in x]
        assert list(got) == want
        s = custseg.rfm_scores(x, x, x, edges=custseg.RfmEdges(edges, edges, edges))
        assert s.r.tolist() == [1 + sum(_below(d, c) for c in cuts) for d in x]
        assert s.f.tolist() == [1 + sum(_above(d, c) for c in cuts) for d in x]

    def test_cuts_one_double_apart(self):
        """Cuts that are adjacent doubles (999999999999.9999 is the double
        below 1e12): a decimal between their decimals has no double of its
        own, and each comparison still gets its exact side."""
        low, high = 999999999999.9999, 1e12
        assert math.nextafter(low, math.inf) == high
        x = [
            Decimal(t)
            for t in (
                "999999999999.9999001",
                "999999999999.999999",
                "999999999999.9999",
                "1000000000000.0",
                "999999999999.99989",
                "1000000000000.0000001",
            )
        ]
        edges = custseg.ScoreEdges((low, high))
        for better, side in ((True, _above), (False, _below)):
            got = custseg.score(x, edges, higher_is_better=better).tolist()
            assert got == [1 + sum(side(d, c) for c in (low, high)) for d in x]
        s = custseg.rfm_scores(x, x, x, edges=custseg.RfmEdges(edges, edges, edges))
        assert s.r.tolist() == [1 + sum(_below(d, c) for c in (low, high)) for d in x]
        assert s.f.tolist() == [1 + sum(_above(d, c) for c in (low, high)) for d in x]
        abc = custseg.abc_classes(x, edges=custseg.AbcEdges(high, low))
        assert abc.to_numpy().tolist() == [
            "A" if not _below(d, high) else "B" if not _below(d, low) else "C"
            for d in x
        ]

    @_SETTINGS
    @given(
        data=st.data(),
        cuts=st.lists(_cut_values, min_size=2, max_size=2, unique=True).map(sorted),
    )
    def test_abc_classes_with_edges(self, data, cuts):
        """abc_classes(edges=): A if ``x >= a_min``, B if ``x >= b_min``."""
        b_min, a_min = cuts
        x = data.draw(decimals_near((b_min, a_min)))
        got = custseg.abc_classes(x, edges=custseg.AbcEdges(a_min, b_min))
        want = [
            "A" if not _below(d, a_min) else "B" if not _below(d, b_min) else "C"
            for d in x
        ]
        assert got.to_numpy().tolist() == want

    @_SETTINGS
    @given(
        data=st.data(),
        cuts=st.lists(st.integers(2**53, 2**62), min_size=1, max_size=3).map(
            lambda c: sorted({float(i) for i in c})
        ),
        better=st.booleans(),
    )
    def test_big_integers(self, data, cuts, better):
        """int64 beyond 2**53: compared with the cuts as integers (Python
        compares an int and a float exactly), in score and abc_classes."""
        x = [
            int(data.draw(st.sampled_from(cuts))) + data.draw(st.integers(-300, 300))
            for _ in range(data.draw(st.integers(1, 8)))
        ]
        arr = np.array(x, dtype=np.int64)
        got = custseg.score(
            arr, custseg.ScoreEdges(tuple(cuts)), higher_is_better=better
        )
        want = [1 + sum((i > c) if better else (i < c) for c in cuts) for i in x]
        assert got.tolist() == want
        b_min, a_min = cuts[0], cuts[-1]
        abc = custseg.abc_classes(arr, edges=custseg.AbcEdges(a_min, b_min))
        assert abc.to_numpy().tolist() == [
            "A" if i >= a_min else "B" if i >= b_min else "C" for i in x
        ]

    def test_audit_repro(self):
        """The finding's examples."""
        e = custseg.ScoreEdges((175.0,))
        x = [Decimal("175.0000000000000001"), Decimal("174.9999999999999999")]
        assert custseg.score(x, e).tolist() == [2, 1]
        assert custseg.score(x, e, higher_is_better=False).tolist() == [1, 2]
        abc = custseg.abc_classes(
            [Decimal("29.99999999999999999")], edges=custseg.AbcEdges(30.0, 10.0)
        )
        assert abc.to_numpy().tolist() == ["B"]
        big = custseg.score(np.array([2**53 + 1]), custseg.ScoreEdges((2.0**53,)))
        assert big.tolist() == [2]

    @_SETTINGS
    @given(
        block=st.lists(
            st.sampled_from(
                [
                    "33.333333333333333333",
                    "0.100000000000000000001",
                    "66.666666666666666667",
                    "5",
                    "175.0000000000000001",
                ]
            ),
            min_size=2,
            max_size=30,
        ),
        bins=st.integers(2, 5),
    )
    def test_fitted_in_the_call_keeps_the_tie_rule(self, block, bins):
        """Edges fitted by rfm_scores itself: the values are scored as the fit
        read them, so equal values share a score and the top score holds at
        most 1/bins of the customers (decimals on a fitted cut included)."""
        x = [Decimal(t) for t in block]
        s = custseg.rfm_scores(x, x, x, bins=bins)
        floats = [float(d) for d in x]
        assert s.m.tolist() == custseg.score(floats, s.edges.monetary).tolist()
        assert (
            s.r.tolist()
            == custseg.score(floats, s.edges.recency, higher_is_better=False).tolist()
        )
        assert (s.m == bins).sum() <= len(x) / bins
        for d in set(x):  # ties share a score
            assert len({m for m, e in zip(s.m.tolist(), x, strict=True) if e == d}) == 1


# ---------------------------------------------------------------- U6


@pytest.mark.parametrize("basis", [np.str_("value"), np.str_("rank")])
def test_abc_cutoffs_basis_is_plain_text(basis):
    """A NumPy string basis is stored as ``str``; its repr pastes back."""
    c = custseg.AbcCutoffs(0.2, 0.5, basis=basis)
    assert type(c.basis) is str
    assert repr(c) == f"AbcCutoffs(a=0.2, b=0.5, basis={str(basis)!r})"
    with pytest.raises(custseg.errors.ThresholdError, match="'basis' must be"):
        custseg.AbcCutoffs(basis=np.str_("values"))


_INF = math.inf


@pytest.mark.parametrize(
    "obj",
    [
        custseg.ValueTierThresholds(assets_medium=1.0, assets_large=_INF),
        custseg.ValueTierThresholds(assets_medium=-_INF, assets_large=_INF),
        custseg.ValueTierThresholds(intent_some=-_INF, intent_strong=_INF),
        custseg.StatusThresholds(loyal_orders=_INF),
        custseg.NeedsThresholds(loyal_orders=_INF),
        # (AbcEdges refuses an infinite threshold since audit 34)
    ],
    ids=[
        "assets_large",
        "assets_both",
        "intent_both",
        "status",
        "needs",
    ],
)
def test_infinite_thresholds_repr_pastes_back(obj):
    """``eval(repr(t)) == t`` with only the public names at hand (no ``inf``)."""
    text = repr(obj)
    assert "float('" in text
    back = eval(text, {n: getattr(custseg, n) for n in custseg.__all__})
    assert back == obj and hash(back) == hash(obj)


def test_fitted_value_tiers_with_no_a_tier_paste_back():
    """fit_value_tiers with no strong intent: assets_large is inf."""
    with pytest.warns(custseg.errors.CustsegWarning):
        t = custseg.fit_value_tiers(
            [900, 500, 100], ["some", "some", "unclear"], [100, 100, 100]
        )
    assert t.assets_large == _INF
    assert "assets_large=float('inf')" in repr(t)
    assert eval(repr(t), {"ValueTierThresholds": custseg.ValueTierThresholds}) == t


def test_finite_reprs_are_unchanged():
    """Finite thresholds print as before (the docs show them)."""
    assert repr(custseg.StatusThresholds()) == (
        "StatusThresholds(new_days=45.0, loyal_orders=3.0, lost_days=270.0)"
    )
    assert repr(custseg.AbcEdges(30, 20)) == "AbcEdges(a_min=30.0, b_min=20.0)"
    assert repr(custseg.ValueTierThresholds()) == (
        "ValueTierThresholds(assets_medium=None, assets_large=None, "
        "intent_some=0.3, intent_strong=0.7)"
    )


# ------------------------------------------------ cuts one double apart


@st.composite
def adjacent_cuts(draw: st.DrawFn, top: float = 1e12) -> tuple[float, float]:
    """Two thresholds that are adjacent doubles (no double between them)."""
    low = draw(
        st.one_of(
            st.floats(min_value=1e-6, max_value=top, allow_subnormal=False),
            st.sampled_from([0.3, 0.7, 30.0, 999999999999.9999]),
        )
    )
    low = min(low, math.nextafter(top, 0))
    return low, math.nextafter(low, math.inf)


@st.composite
def decimals_about(draw: st.DrawFn, cuts: tuple[float, float]) -> list[Decimal]:
    """Decimals near both cuts (:func:`decimals_near`) and strictly between
    their printed decimals, where float64 has no value of its own."""
    low, high = (Decimal(repr(c)) for c in cuts)
    out = draw(decimals_near(cuts))
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(1, 999))
        out.append(low + (high - low) * Decimal(k) / 1000)
    return draw(st.permutations(out))


def _at_least(x: Decimal, cut: float) -> bool:
    return x >= Decimal(repr(cut))


class TestAdjacentCuts:
    """Every classifier that compares decimals with its thresholds exactly
    keeps doing so when two thresholds are adjacent doubles: a decimal
    strictly between them has no float64 of its own, and each classifier
    moves it the way its own comparisons need (``exact_sides(move=)``)."""

    @_SETTINGS
    @given(data=st.data(), cuts=adjacent_cuts())
    def test_value_tier_assets(self, data, cuts):
        """value_tier: A from assets_large, B from assets_medium (``>=``)."""
        x = data.draw(decimals_about(cuts))
        t = custseg.ValueTierThresholds(assets_medium=cuts[0], assets_large=cuts[1])
        got = custseg.value_tier(x, ["strong"] * len(x), thresholds=t)
        want = [
            "A" if _at_least(d, cuts[1]) else "B" if _at_least(d, cuts[0]) else "C"
            for d in x
        ]
        assert got.to_numpy().tolist() == want

    @_SETTINGS
    @given(data=st.data(), cuts=adjacent_cuts(top=1.0))
    def test_value_tier_intent_and_repurchase_band(self, data, cuts):
        """Probabilities: value_tier's intent (``>=`` its thresholds, above 1
        refused) and repurchase_band (medium ``>=``, high ``>``, above 1
        refused), with the cuts adjacent to each other or to 1."""
        x = [d for d in data.draw(decimals_about(cuts)) if 0 <= d <= 1]
        if not x:
            return
        some, strong = cuts
        t = custseg.ValueTierThresholds(intent_some=some, intent_strong=strong)
        got = custseg.value_tier(["large"] * len(x), x, thresholds=t)
        assert got.to_numpy().tolist() == [
            "A" if _at_least(d, strong) else "B" for d in x
        ]
        if strong < 1.0:
            lt = custseg.LoyaltyThresholds(
                repurchase_medium_from=some, repurchase_high_above=strong
            )
            band = custseg.repurchase_band(x, thresholds=lt).to_numpy().tolist()
            assert band == [
                "high"
                if d > Decimal(repr(strong))
                else "medium"
                if _at_least(d, some)
                else "low"
                for d in x
            ]
        above = [d for d in data.draw(decimals_near((1.0,))) if d > 1]
        if above:  # one past 1 by a digit float64 does not hold: refused
            with pytest.raises(custseg.errors.InputError, match="outside"):
                custseg.value_tier(["large"] * len(above), above, thresholds=t)

    @_SETTINGS
    @given(data=st.data(), cuts=adjacent_cuts(top=1e6), care=st.booleans())
    def test_lifecycle_stage_and_care_phase(self, data, cuts, care):
        """A value on a break is in the later stage (``>=``)."""
        x = data.draw(decimals_about(cuts))
        labels = ("s0", "s1", "s2")
        if care:
            got = custseg.care_phase(x, custseg.CarePhases(cuts, labels))
        else:
            got = custseg.lifecycle_stage(x, custseg.LifecycleWindows(cuts, labels))
        want = [labels[sum(_at_least(d, b) for b in cuts)] for d in x]
        assert got.to_numpy().tolist() == want

    @_SETTINGS
    @given(data=st.data(), cuts=adjacent_cuts(top=1e6))
    def test_repurchase_from_behaviour(self, data, cuts):
        """High within ``high_within`` days, medium within ``medium_within``
        (``recency < within``), with enough purchases for both."""
        d = data.draw(decimals_about(cuts))
        bands = custseg.BehaviourBands(
            high_frequency=3,
            high_within=cuts[0],
            medium_frequency=2,
            medium_within=cuts[1],
        )
        got = custseg.repurchase_from_behaviour([5] * len(d), d, bands=bands)
        want = [
            "high"
            if x < Decimal(repr(cuts[0]))
            else "medium"
            if x < Decimal(repr(cuts[1]))
            else "low"
            for x in d
        ]
        assert got.to_numpy().tolist() == want

    @_SETTINGS
    @given(data=st.data(), cuts=adjacent_cuts(top=1e6))
    def test_recommended_relationship(self, data, cuts):
        """Numbers of customers banded by ``customers_breaks``: many from
        ``hi``, medium from ``lo`` (``>=``), as the level names give."""
        x = data.draw(decimals_about(cuts))
        margin = ["high"] * len(x)
        got = custseg.recommended_relationship(x, margin, customers_breaks=cuts)
        named = [
            "many"
            if _at_least(d, cuts[1])
            else "medium"
            if _at_least(d, cuts[0])
            else "few"
            for d in x
        ]
        want = custseg.recommended_relationship(named, margin)
        assert got.to_numpy().tolist() == want.to_numpy().tolist()

    def test_comparisons_no_double_serves(self):
        """``x > low`` and ``x >= high`` for a decimal between two adjacent
        doubles: no float64 answers both, so exact_sides refuses, naming the
        field, the row and the two thresholds."""
        low, high = 999999999999.9999, 1e12
        x = [Decimal("1"), Decimal("999999999999.99995")]
        arr = v.as_numeric(x, "spend")
        for move in ("both", ("up", "down"), ("both", "down"), ("up", "both")):
            with pytest.raises(custseg.errors.InputError) as err:
                v.exact_sides(x, arr, (low, high), move=move, field="spend")
            assert err.value.field == "spend" and err.value.first_row == 1
            assert "999999999999.9999 and 1000000000000.0" in str(err.value)
        # one double serves when the comparisons allow it
        gt, ge = np.greater, np.greater_equal
        for move, at_low, at_high in (
            ("up", gt, gt),
            ("down", ge, ge),
            (("down", "up"), ge, gt),
        ):
            got = v.exact_sides(x, arr, (low, high), move=move, field="spend")
            assert at_low(got[1], low) and not at_high(got[1], high)
            assert got[0] == 1.0


# ------------------------------------------------ the rules DSL


_OPS = {
    ">=": lambda d, c: d >= c,
    ">": lambda d, c: d > c,
    "<=": lambda d, c: d <= c,
    "<": lambda d, c: d < c,
    "==": lambda d, c: d == c,
    "!=": lambda d, c: d != c,
}


@_SETTINGS
@given(
    data=st.data(),
    cuts=st.lists(_cut_values, min_size=1, max_size=3, unique=True).map(sorted),
    ops=st.lists(st.sampled_from(sorted(_OPS)), min_size=3, max_size=3),
    alias=st.booleans(),
)
def test_rules_compare_decimals_exactly(data, cuts, ops, alias):
    """A rules file's comparisons of a number field with constants (through
    a bare alias too) and its tables' breaks see a ``Decimal`` that float64
    rounds onto a constant on its exact side: the rules' answers are those
    of the decimals, whether the segmentation is evaluated or tabulated."""
    from custseg import rules

    name = "y" if alias else "x"
    conds = [f"{name} {op} {c!r}" for op, c in zip(ops, cuts, strict=False)]
    labels = [f"L{i}" for i in range(len(cuts) + 1)]
    src = "\n".join(
        [
            "format = 1",
            'name = "exact"',
            "[fields]",
            'x = { type = "number" }',
            "[derived]",
            'y = "x"',
            "[tables.band]",
            'field = "x"',
            f"breaks = [{', '.join(repr(c) for c in cuts)}]",
            f"labels = [{', '.join(repr(t) for t in labels)}]".replace("'", '"'),
            "[segments.s]",
            'default = "none"',
            "rules = [",
            *[f'  {{ label = "r{i}", when = "{w}" }},' for i, w in enumerate(conds)],
            "]",
        ]
    )
    rs = rules.loads(src)
    assert "s" in rs.lookups  # tabulated; evaluated row by row below too
    plain = attrs.evolve(rs, lookups={}, skip=frozenset())
    x = data.draw(decimals_near(tuple(cuts)))
    out = rs.evaluate({"x": pd.Series(x, dtype=object)})
    by_rows = plain.evaluate({"x": pd.Series(x, dtype=object)})
    assert by_rows["s"].to_numpy().tolist() == out["s"].to_numpy().tolist()
    want_s = [
        next(
            (
                f"r{i}"
                for i, (op, c) in enumerate(zip(ops, cuts, strict=False))
                if _OPS[op](d, Decimal(repr(c)))
            ),
            "none",
        )
        for d in x
    ]
    assert out["s"].to_numpy().tolist() == want_s
    want_t = [labels[sum(not _below(d, c) for c in cuts)] for d in x]
    assert out["band"].to_numpy().tolist() == want_t
