"""Tests for custseg.rfm: quantile edges, scores and combined RFM codes.

Every function is checked against a plain-Python reference implementation of
the rules in the module docstring (Hyndman & Fan definition 2 with exact
positions; ``score = 1 + #{cuts passed}``).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from custseg import (
    InputError,
    RfmEdges,
    RfmScores,
    ScoreEdges,
    ThresholdError,
    quantile_edges,
    rfm_edges,
    rfm_scores,
    score,
)
from strategies import distinct_values, finite_values, integer_amounts, small_values

# --------------------------------------------------------------------------
# Reference implementations (plain Python, exact arithmetic)
# --------------------------------------------------------------------------


def ref_quantile_edges(values, bins):
    """Edge k: sorted 1-based position p = k*n/bins (exact Fraction).

    p whole -> midpoint of sorted[p - 1] and sorted[p] (0-based);
    otherwise sorted[floor(p)] (0-based).
    """
    s = sorted(float(v) for v in values)
    n = len(s)
    cuts = []
    for k in range(1, bins):
        pos = Fraction(k * n, bins)
        if pos.denominator == 1:
            j = pos.numerator
            cuts.append(float((Fraction(s[j - 1]) + Fraction(s[j])) / 2))
        else:
            cuts.append(s[math.floor(pos)])
    return tuple(cuts)


def ref_score(values, cuts, higher_is_better=True):
    """1 + number of cuts strictly passed; NaN -> 0 (the "unknown" score)."""
    out = []
    for x in values:
        x = float(x)
        if math.isnan(x):
            out.append(0)
        elif higher_is_better:
            out.append(1 + sum(1 for c in cuts if x > c))
        else:
            out.append(1 + sum(1 for c in cuts if x < c))
    return out


def ref_code(r, f, m, bins):
    base = 10 if bins <= 9 else 100
    return [(ri * base + fi) * base + mi for ri, fi, mi in zip(r, f, m, strict=True)]


def reachable_scores(cuts, higher_is_better):
    """Every score some real value can get, by probing each region of the line."""
    distinct = sorted(set(cuts))
    probes = [distinct[0] - 1.0, distinct[-1] + 1.0, *distinct]
    probes += [(a + b) / 2 for a, b in itertools.pairwise(distinct)]
    return set(ref_score(probes, cuts, higher_is_better))


bins_st = st.integers(2, 12)
values_st = st.one_of(finite_values(), small_values().map(lambda a: a.astype(float)))


@st.composite
def sorted_cuts(draw, max_bins=40):
    """Non-decreasing cuts with frequent equal neighbours."""
    n_cuts = draw(st.one_of(st.integers(1, 11), st.integers(15, max_bins - 1)))
    element = st.one_of(
        st.sampled_from([0.0, 1.0, 2.0, 5.0]), st.floats(-100, 100, allow_nan=False)
    )
    return tuple(sorted(draw(st.lists(element, min_size=n_cuts, max_size=n_cuts))))


# --------------------------------------------------------------------------
# ScoreEdges
# --------------------------------------------------------------------------


class TestScoreEdges:
    """ScoreEdges: validation, bins and empty_scores."""

    def test_bins_is_cuts_plus_one(self):
        """bins counts the scores: one more than the cuts."""
        assert ScoreEdges((1, 2, 4, 8)).bins == 5
        assert ScoreEdges((3,)).bins == 2

    def test_cuts_are_converted_to_float_tuple(self):
        """Integer lists and arrays become a tuple of floats."""
        edges = ScoreEdges(np.array([1, 2, 3]))
        assert edges.cuts == (1.0, 2.0, 3.0)
        assert all(type(c) is float for c in edges.cuts)

    def test_decreasing_cuts_rejected_with_message(self):
        """A cut below its predecessor is refused, naming both and the bad value."""
        with pytest.raises(
            ThresholdError,
            match=r"^'cuts\[1\]' must be >= 'cuts\[0\]' \(3\.0\): got 2\.0$",
        ):
            ScoreEdges((3, 2))

    def test_decrease_later_in_the_list_names_that_position(self):
        """The first decreasing position is the one reported."""
        with pytest.raises(
            ThresholdError,
            match=r"^'cuts\[3\]' must be >= 'cuts\[2\]' \(5\.0\): got 4\.0$",
        ):
            ScoreEdges((1, 2, 5, 4, 3))

    def test_equal_cuts_allowed(self):
        """Equal neighbouring cuts are valid (they leave a score empty)."""
        assert ScoreEdges((1, 1, 1, 3)).cuts == (1.0, 1.0, 1.0, 3.0)

    def test_no_cuts_rejected(self):
        """Zero cuts (one bin) is refused with the [2, 99] bins range."""
        with pytest.raises(
            ThresholdError,
            match=r"^'cuts' must hold between 1 and 98 edges \(2 to 99 bins\): got 0$",
        ):
            ScoreEdges(())

    def test_too_many_cuts_rejected(self):
        """99 cuts (100 bins) is refused; 98 cuts (99 bins) is accepted."""
        assert ScoreEdges(range(98)).bins == 99
        with pytest.raises(ThresholdError, match=r"got 99$"):
            ScoreEdges(range(99))

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
    def test_non_finite_cut_rejected(self, bad):
        """NaN and infinite cuts are refused, naming the position."""
        with pytest.raises(
            ThresholdError, match=r"^'cuts\[1\]' must be a finite number"
        ):
            ScoreEdges((1.0, bad, 5.0))

    def test_empty_scores_docstring_example(self):
        """Cuts (1, 1, 1, 3) leave scores 2 and 3 empty (3 and 4 for recency)."""
        edges = ScoreEdges((1, 1, 1, 3))
        assert edges.empty_scores() == (2, 3)
        assert edges.empty_scores(higher_is_better=False) == (3, 4)

    def test_no_empty_scores_for_distinct_cuts(self):
        """Strictly increasing cuts leave every score reachable, in both directions."""
        edges = ScoreEdges((1, 2, 3))
        assert edges.empty_scores() == ()
        assert edges.empty_scores(higher_is_better=False) == ()

    @given(sorted_cuts(), st.booleans())
    def test_empty_scores_are_exactly_the_unreachable_ones(self, cuts, higher):
        """empty_scores(direction) = the scores no value can get in that direction,
        in ascending order."""
        edges = ScoreEdges(cuts)
        unreachable = set(range(1, edges.bins + 1)) - reachable_scores(cuts, higher)
        got = edges.empty_scores(higher_is_better=higher)
        assert got == tuple(sorted(unreachable))

    def test_empty_scores_lower_is_better_by_probing(self):
        """Recency with cuts (1, 1, 1, 3): x < 1 -> 5, 1 <= x < 3 -> 2, x >= 3 -> 1."""
        edges = ScoreEdges((1, 1, 1, 3))
        got = score([0.0, 1.0, 2.9, 3.0, 50.0], edges, higher_is_better=False)
        assert got.tolist() == [5, 2, 2, 1, 1]
        assert not set(got.tolist()) & set(edges.empty_scores(higher_is_better=False))

    def test_frozen(self):
        """ScoreEdges is immutable (safe to reuse across periods)."""
        edges = ScoreEdges((1, 2))
        with pytest.raises(AttributeError):
            edges.cuts = (0.0, 1.0)


# --------------------------------------------------------------------------
# quantile_edges
# --------------------------------------------------------------------------


class TestQuantileEdges:
    """quantile_edges: H&F definition 2 with exact positions."""

    def test_deciles_docstring_example(self):
        """Ten values, five bins: every position is whole, so every cut is a midpoint."""
        cuts = quantile_edges([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).cuts
        assert cuts == (25.0, 45.0, 65.0, 85.0)

    def test_position_between_rows_takes_the_upper_row(self):
        """n=7, bins=2: position 3.5 -> sorted[3] (0-based), no averaging."""
        assert quantile_edges([7, 1, 6, 2, 5, 3, 4], 2).cuts == (4.0,)

    def test_heavy_ties_docstring_example(self):
        """60% one-time buyers: cuts (1, 1, 1.5, 2.5), score 2 empty."""
        freq = [1] * 6 + [2, 2, 3, 7]
        edges = quantile_edges(freq)
        assert edges.cuts == (1.0, 1.0, 1.5, 2.5)
        assert edges.empty_scores() == (2,)
        assert score(freq, edges).tolist() == [1] * 6 + [4, 4, 5, 5]

    def test_single_value(self):
        """One customer: every cut is that value and scores 2..bins-1 are empty."""
        edges = quantile_edges([42.0])
        assert edges.cuts == (42.0,) * 4
        assert edges.empty_scores() == (2, 3, 4)
        assert score([42.0], edges).tolist() == [1]

    def test_exact_position_where_numpy_float_position_is_inexact(self):
        """n=55, bins=11, k=3: 3*55/11 = 15 exactly -> midpoint 14.5.

        NumPy's averaged_inverted_cdf computes 55 * (3/11) = 15.000000000000002
        and returns 14.0 here; custseg must follow the exact definition.
        """
        x = np.arange(55, dtype=float)
        edges = quantile_edges(x, 11)
        assert edges.cuts == ref_quantile_edges(x, 11)
        assert edges.cuts[2] == 14.5

    @given(values_st, bins_st)
    def test_matches_reference(self, x, bins):
        """Cuts equal the exact-position reference, bit for bit."""
        assert quantile_edges(x, bins).cuts == ref_quantile_edges(x, bins)

    @given(
        hnp.arrays(np.int64, st.integers(1, 250), elements=st.integers(-50, 50)),
        st.integers(2, 99),
    )
    def test_matches_reference_integers_many_bins(self, x, bins):
        """Integer input and up to 99 bins agree with the reference."""
        assert quantile_edges(x, bins).cuts == ref_quantile_edges(x.tolist(), bins)

    @given(values_st, bins_st)
    def test_matches_numpy_where_numpy_positions_are_exact(self, x, bins):
        """Equals np.quantile(averaged_inverted_cdf) when NumPy's float position
        is exact (NumPy's midpoint may differ by an ulp: it computes b - (b-a)/2)."""
        n = len(x)
        s = np.sort(x)
        for k, cut in enumerate(quantile_edges(x, bins).cuts, start=1):
            virtual = n * (k / bins) - 1  # NumPy's float virtual index
            exact = Fraction(k * n, bins) - 1
            if (virtual == math.floor(virtual)) != (exact.denominator == 1) or (
                math.floor(virtual) != math.floor(exact)
            ):
                continue  # NumPy's float position is off; covered by the test above
            expected = np.quantile(x, k / bins, method="averaged_inverted_cdf")
            tol = 2 * math.ulp(max(abs(s[0]), abs(s[-1]), 1.0))
            assert abs(cut - float(expected)) <= tol

    @given(values_st, bins_st, st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, x, bins, rnd):
        """Refitting on the same data in any row order gives the same edges."""
        perm = list(range(len(x)))
        rnd.shuffle(perm)
        assert quantile_edges(x[perm], bins) == quantile_edges(x, bins)

    @given(values_st, bins_st)
    def test_input_not_modified(self, x, bins):
        """Fitting does not reorder the caller's array (np.partition works on a copy)."""
        before = x.copy()
        quantile_edges(x, bins)
        np.testing.assert_array_equal(x, before)

    @given(values_st, bins_st)
    def test_never_over_filled(self, x, bins):
        """At most (bins - s + 1) * n / bins customers score >= s, in both directions."""
        n = len(x)
        edges = quantile_edges(x, bins)
        for higher in (True, False):
            scores = score(x, edges, higher_is_better=higher)
            for s in range(2, bins + 1):
                assert int(np.count_nonzero(scores >= s)) * bins <= (bins - s + 1) * n

    @given(st.integers(2, 12), st.integers(1, 8), st.data())
    def test_distinct_values_fill_every_score_equally(self, bins, per_bin, data):
        """Distinct values, n divisible by bins: each score holds exactly n / bins."""
        n = bins * per_bin
        x = data.draw(distinct_values(n, n))
        edges = quantile_edges(x, bins)
        for higher in (True, False):
            counts = np.bincount(
                score(x, edges, higher_is_better=higher), minlength=bins + 1
            )
            assert counts.tolist() == [0] + [per_bin] * bins

    @given(
        st.one_of(small_values(), integer_amounts(), distinct_values()),
        bins_st,
    )
    def test_tied_block_falls_to_the_lower_score(self, x, bins):
        """Fitted scores are 1 + floor(bins * #{strictly worse customers} / n): a
        tied block gets the score of its lowest-ranked member, in both directions."""
        n = len(x)
        edges = quantile_edges(x, bins)
        values = x.tolist()
        up = [1 + bins * sum(1 for w in values if w < v) // n for v in values]
        down = [1 + bins * sum(1 for w in values if w > v) // n for v in values]
        assert score(x, edges).tolist() == up
        assert score(x, edges, higher_is_better=False).tolist() == down

    def test_tied_block_in_the_middle_can_overfill_its_score(self):
        """A tied block falls to its lowest member's score, so a middle score may
        hold more than 1/bins: [1]*3 + [5]*5 + [9]*2 puts five customers in F = 2."""
        x = [1, 1, 1, 5, 5, 5, 5, 5, 9, 9]
        edges = quantile_edges(x)
        assert edges.cuts == (1.0, 5.0, 5.0, 7.0)
        assert score(x, edges).tolist() == [1, 1, 1, 2, 2, 2, 2, 2, 5, 5]

    @given(
        st.integers(1, 40),
        st.lists(st.floats(1.5, 1e4, allow_nan=False), min_size=0, max_size=26),
        st.integers(2, 9),
    )
    def test_heavy_ties_take_the_lowest_score(self, n_ties, rest, bins):
        """>= 60% of customers tied at 1 (one-time buyers): all get score 1, the
        scale keeps its size, empty_scores lists exactly the unreachable scores and
        a unique top value still reaches the top score."""
        rest = rest[: (n_ties * 4) // 6]
        x = np.asarray([1.0] * n_ties + rest)
        assert n_ties * 10 >= 6 * len(x)
        edges = quantile_edges(x, bins)
        scores = score(x, edges)
        assert edges.bins == bins
        assert (scores[:n_ties] == 1).all()
        unreachable = set(range(1, bins + 1)) - reachable_scores(edges.cuts, True)
        assert set(edges.empty_scores()) == unreachable
        assert not set(scores.tolist()) & set(edges.empty_scores())
        if len(x) >= bins and rest and rest.count(max(rest)) == 1:
            assert scores[len(x) - 1 - rest[::-1].index(max(rest))] == bins

    def test_sixty_percent_ties_five_bins(self):
        """Domain example at scale: 60 one-time buyers of 100, 40 distinct others:
        F = 1 for all 60, score 2 unreachable, score 3 reachable but unheld (only
        values in (1, 1.5] would get it), F = 4 and F = 5 hold 20 each."""
        x = np.asarray([1.0] * 60 + list(range(2, 42)), dtype=float)
        edges = quantile_edges(x)
        assert edges.cuts == (1.0, 1.0, 1.5, 21.5)
        assert edges.empty_scores() == (2,)
        counts = np.bincount(score(x, edges), minlength=6).tolist()
        assert counts == [0, 60, 0, 0, 20, 20]

    def test_nan_rejected_by_default(self):
        """NaN raises InputError naming the field and the first row."""
        with pytest.raises(InputError, match=r"^'x' contains missing values") as info:
            quantile_edges([1.0, 2.0, float("nan"), float("nan")])
        assert info.value.first_row == 2
        assert info.value.n_rows == 2

    @given(values_st, bins_st, st.data())
    def test_nan_ignore_fits_on_known_values(self, x, bins, data):
        """nan="ignore" gives the edges of the non-missing values."""
        mask = data.draw(hnp.arrays(np.bool_, len(x)))
        with_nan = x.copy()
        with_nan[mask] = np.nan
        known = x[~mask]
        if len(known) == 0:
            with pytest.raises(InputError):
                quantile_edges(with_nan, bins, nan="ignore")
        else:
            assert quantile_edges(
                with_nan, bins, nan="ignore"
            ).cuts == ref_quantile_edges(known, bins)

    def test_all_nan_ignored_leaves_nothing_to_fit(self):
        """Only NaN with nan="ignore" raises InputError (no values)."""
        with pytest.raises(InputError, match="has no values to fit quantile edges on"):
            quantile_edges([float("nan")] * 3, nan="ignore")

    def test_empty_input_rejected(self):
        """An empty column raises InputError."""
        with pytest.raises(InputError, match="has no values"):
            quantile_edges([])

    def test_infinite_value_rejected(self):
        """Infinite values cannot be fitted on."""
        with pytest.raises(InputError, match="infinite"):
            quantile_edges([1.0, float("inf")])

    @pytest.mark.parametrize("bins", [0, 1, 100, -5])
    def test_bins_out_of_range(self, bins):
        """bins outside [2, 99] raises ThresholdError in interval notation."""
        with pytest.raises(
            ThresholdError,
            match=rf"^'bins' must be an integer in \[2, 99\]: got {bins}$",
        ):
            quantile_edges([1, 2, 3], bins)

    @pytest.mark.parametrize("bins", [5.0, True, "5"])
    def test_bins_must_be_an_integer(self, bins):
        """Floats, booleans and text are not bin counts."""
        with pytest.raises(ThresholdError, match=r"'bins' must be an integer"):
            quantile_edges([1, 2, 3], bins)

    @pytest.mark.parametrize("bins", [2, 99, np.int64(5)])
    def test_bins_at_the_limits_accepted(self, bins):
        """2, 99 and NumPy integers are valid bin counts."""
        assert quantile_edges(list(range(200)), bins).bins == int(bins)

    def test_midpoint_of_huge_values_does_not_overflow(self):
        """Midpoint of two finite values near the float maximum stays finite."""
        assert quantile_edges([1.7e308] * 4, 2).cuts == (1.7e308,)
        exact = float((Fraction(1.6e308) + Fraction(1.7e308)) / 2)  # correctly rounded
        assert quantile_edges([1.6e308, 1.7e308], 2).cuts == (exact,)


# --------------------------------------------------------------------------
# score
# --------------------------------------------------------------------------


@st.composite
def cuts_and_values(draw, infinities=False):
    """Cuts (sometimes more than 16, the other code path) and values to score:
    values on the cuts, between them, and (when *infinities*) +-inf."""
    cuts = draw(sorted_cuts())
    probes = [st.sampled_from(cuts), st.floats(-150, 150, allow_nan=False)]
    if infinities:
        probes.append(st.sampled_from([float("inf"), -float("inf")]))
    probe = st.one_of(*probes)
    x = draw(hnp.arrays(np.float64, st.integers(0, 40), elements=probe))
    return cuts, x


class TestScore:
    """score: 1 + number of cuts strictly passed."""

    def test_docstring_example_higher_is_better(self):
        """Cuts (1, 2, 4, 8): 1 -> 1, 2 -> 2, 3 -> 3, 9 -> 5."""
        assert score([1, 2, 3, 9], ScoreEdges((1, 2, 4, 8))).tolist() == [1, 2, 3, 5]

    def test_docstring_example_recency(self):
        """Recency cuts (30, 60, 90, 180): 5 -> 5, 30 -> 4, 31 -> 4, 400 -> 1."""
        edges = ScoreEdges((30, 60, 90, 180))
        got = score([5, 30, 31, 400], edges, higher_is_better=False)
        assert got.tolist() == [5, 4, 4, 1]

    def test_value_on_a_cut_does_not_pass_it(self):
        """Equal to a cut is not better than it, in both directions."""
        edges = ScoreEdges((10, 20))
        assert score([10, 20], edges).tolist() == [1, 2]
        assert score([10, 20], edges, higher_is_better=False).tolist() == [2, 1]

    def test_infinities_score_at_the_ends(self):
        """+inf is the best value when higher is better, -inf the worst."""
        edges = ScoreEdges((1, 2, 3))
        inf = float("inf")
        assert score([-inf, inf], edges).tolist() == [1, 4]
        assert score([-inf, inf], edges, higher_is_better=False).tolist() == [4, 1]

    def test_returns_int8(self):
        """Scores are int8."""
        assert score([1.0, 5.0], ScoreEdges((2,))).dtype == np.int8

    @given(cuts_and_values(infinities=True), st.booleans())
    def test_matches_reference(self, cuts_x, higher):
        """Scores equal the plain-Python count of passed cuts."""
        cuts, x = cuts_x
        got = score(x, ScoreEdges(cuts), higher_is_better=higher)
        assert got.tolist() == ref_score(x, cuts, higher)

    @given(cuts_and_values(), st.booleans())
    def test_scores_in_range_and_equal_values_share_a_score(self, cuts_x, higher):
        """Every score is in 1 .. bins and repeated values get one score."""
        cuts, x = cuts_x
        doubled = np.concatenate([x, x])
        got = score(doubled, ScoreEdges(cuts), higher_is_better=higher)
        assert ((got >= 1) & (got <= len(cuts) + 1)).all()
        np.testing.assert_array_equal(got[: len(x)], got[len(x) :])

    @given(cuts_and_values(), st.booleans(), st.randoms(use_true_random=False))
    def test_permuting_rows_permutes_scores(self, cuts_x, higher, rnd):
        """Scores follow their rows: score(x[p]) == score(x)[p]."""
        cuts, x = cuts_x
        perm = list(range(len(x)))
        rnd.shuffle(perm)
        edges = ScoreEdges(cuts)
        np.testing.assert_array_equal(
            score(x[perm], edges, higher_is_better=higher),
            score(x, edges, higher_is_better=higher)[perm],
        )

    @given(cuts_and_values())
    def test_monotone_in_the_value(self, cuts_x):
        """A larger value never scores lower (higher is better) nor higher (lower is better)."""
        cuts, x = cuts_x
        xs = np.sort(x)
        edges = ScoreEdges(cuts)
        up = score(xs, edges)
        down = score(xs, edges, higher_is_better=False)
        assert (np.diff(up.astype(int)) >= 0).all()
        assert (np.diff(down.astype(int)) <= 0).all()

    def test_nan_rejected_by_default(self):
        """NaN raises InputError with the first row."""
        with pytest.raises(InputError, match=r"^'x' contains missing values") as info:
            score([1.0, float("nan")], ScoreEdges((1,)))
        assert info.value.first_row == 1

    @given(cuts_and_values(), st.booleans(), st.data())
    def test_nan_unknown_scores_zero(self, cuts_x, higher, data):
        """nan="unknown": NaN gets 0, every other value its usual score."""
        cuts, x = cuts_x
        mask = data.draw(hnp.arrays(np.bool_, len(x)))
        x = x.copy()
        x[mask] = np.nan
        got = score(x, ScoreEdges(cuts), higher_is_better=higher, nan="unknown")
        assert got.tolist() == ref_score(x, cuts, higher)
        assert (got[mask] == 0).all()
        assert (got[~mask] >= 1).all()

    def test_nan_unknown_with_integer_input(self):
        """Integer input has no NaN and scores normally under nan="unknown"."""
        got = score(np.array([1, 5, 9]), ScoreEdges((2, 6)), nan="unknown")
        assert got.tolist() == [1, 2, 3]

    def test_bad_nan_option(self):
        """An unknown nan option raises ThresholdError."""
        with pytest.raises(
            ThresholdError, match=r"^'nan' must be 'raise' or 'unknown': got 'ignore'$"
        ):
            score([1.0], ScoreEdges((1,)), nan="ignore")

    def test_edges_must_be_score_edges(self):
        """Plain tuples are not accepted as edges."""
        with pytest.raises(
            ThresholdError, match=r"^'edges' must be a ScoreEdges: got tuple$"
        ):
            score([1.0], (1.0, 2.0))

    def test_pandas_series_input(self):
        """A pandas Series (nullable Float64 with NA) scores like a list."""
        s = pd.Series([3.0, None, 10.0], dtype="Float64", index=[9, 4, 7], name="x")
        got = score(s, ScoreEdges((5,)), nan="unknown")
        assert got.tolist() == [1, pd.NA, 2]
        assert str(got.dtype) == "Int8"
        assert got.index.tolist() == [9, 4, 7] and got.name == "x"


# --------------------------------------------------------------------------
# RfmEdges (the class)
# --------------------------------------------------------------------------


class TestRfmEdges:
    """RfmEdges: three ScoreEdges with one bin count."""

    def test_bins_docstring_example(self):
        """Three 3-bin edges make a 3-bin RfmEdges."""
        e = RfmEdges(
            recency=ScoreEdges((30, 90)),
            frequency=ScoreEdges((1, 3)),
            monetary=ScoreEdges((100, 500)),
        )
        assert e.bins == 3

    def test_bins_per_dimension(self):
        """Dimensions may differ in bins (R's recency_bins ...); bins is the largest."""
        e = RfmEdges(ScoreEdges((30, 90)), ScoreEdges((1,)), ScoreEdges((100, 500)))
        assert (e.recency.bins, e.frequency.bins, e.monetary.bins) == (3, 2, 3)
        assert e.bins == 3

    def test_not_score_edges_rejected(self):
        """Each dimension must be a ScoreEdges."""
        with pytest.raises(ThresholdError, match="'recency' must be a ScoreEdges"):
            RfmEdges((30, 90), ScoreEdges((1,)), ScoreEdges((100, 500)))


# --------------------------------------------------------------------------
# rfm_edges
# --------------------------------------------------------------------------


def rfm_columns(min_size=1, max_size=30):
    """Three same-length columns: recency, frequency, monetary."""
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.integers(0, 400).map(float)),
            hnp.arrays(np.int64, n, elements=st.integers(1, 12)),
            hnp.arrays(
                np.float64,
                n,
                elements=st.one_of(
                    st.sampled_from([0.0, 10.0, 99.5]),
                    st.floats(0, 5000, allow_nan=False),
                ),
            ),
        )
    )


class TestRfmEdgesFit:
    """rfm_edges: quantile edges for the three dimensions at once."""

    def test_docstring_example(self):
        """Two bins: each cut is the median of its dimension."""
        e = rfm_edges([1, 5, 30, 200], [9, 3, 1, 1], [900, 300, 50, 10], bins=2)
        assert (e.recency.cuts, e.frequency.cuts, e.monetary.cuts) == (
            (17.5,),
            (2.0,),
            (175.0,),
        )

    @given(rfm_columns(), bins_st)
    def test_each_dimension_matches_reference(self, cols, bins):
        """Each dimension's cuts are that column's reference quantile edges."""
        r, f, m = cols
        e = rfm_edges(r, f, m, bins)
        assert e.bins == bins
        assert e.recency.cuts == ref_quantile_edges(r, bins)
        assert e.frequency.cuts == ref_quantile_edges(f.tolist(), bins)
        assert e.monetary.cuts == ref_quantile_edges(m, bins)

    def test_nan_names_the_column(self):
        """A NaN is reported under the column it is in."""
        with pytest.raises(InputError, match=r"^'monetary' contains missing values"):
            rfm_edges([1, 2], [1, 2], [1.0, float("nan")])


# --------------------------------------------------------------------------
# rfm_scores
# --------------------------------------------------------------------------


class TestRfmScores:
    """rfm_scores: R (reversed), F, M scores and the combined code."""

    def test_docstring_example(self):
        """Five customers, five bins: the documented scores and codes."""
        s = rfm_scores(
            recency_days=[3, 40, 200, 10, 90],
            frequency=[12, 3, 1, 6, 1],
            monetary=[900.0, 150.0, 20.0, 400.0, 35.0],
        )
        assert s.r.tolist() == [5, 3, 1, 4, 2]
        assert s.f.tolist() == [5, 3, 1, 4, 1]
        assert s.m.tolist() == [5, 3, 1, 4, 2]
        assert s.code.tolist() == [555, 333, 111, 444, 212]
        later = rfm_scores([1, 400], [2, 1], [50.0, 10.0], edges=s.edges)
        assert later.code.tolist() == [522, 111]

    @given(rfm_columns(), bins_st)
    def test_matches_reference(self, cols, bins):
        """R, F, M equal reference scores on reference edges (recency reversed), and
        code = r*100 + f*10 + m (bins <= 9) or r*10000 + f*100 + m (bins > 9)."""
        r, f, m = cols
        s = rfm_scores(r, f, m, bins)
        assert s.r.tolist() == ref_score(r, ref_quantile_edges(r, bins), False)
        assert s.f.tolist() == ref_score(f, ref_quantile_edges(f.tolist(), bins))
        assert s.m.tolist() == ref_score(m, ref_quantile_edges(m, bins))
        assert s.code.tolist() == ref_code(
            s.r.tolist(), s.f.tolist(), s.m.tolist(), bins
        )

    @given(rfm_columns(), st.integers(10, 99))
    def test_code_is_two_digits_each_above_nine_bins(self, cols, bins):
        """code = r*10000 + f*100 + m for bins > 9, decodable digit pair by pair."""
        s = rfm_scores(*cols, bins)
        code = s.code.astype(np.int64)
        np.testing.assert_array_equal(code // 10000, s.r)
        np.testing.assert_array_equal(code // 100 % 100, s.f)
        np.testing.assert_array_equal(code % 100, s.m)

    def test_ten_bin_code_example(self):
        """Ten bins: R=10, F=1, M=5 is 100105 (not the ambiguous 1015)."""
        cuts = ScoreEdges(range(1, 10))
        e = RfmEdges(cuts, cuts, cuts)
        s = rfm_scores([0.5], [0.5], [4.5], edges=e)
        assert (s.r.tolist(), s.f.tolist(), s.m.tolist()) == ([10], [1], [5])
        assert s.code.tolist() == [100105]

    @given(rfm_columns(), bins_st)
    def test_fit_then_apply_is_idempotent(self, cols, bins):
        """Applying edges fitted on the same data equals fitting inside rfm_scores."""
        fitted = rfm_scores(*cols, bins)
        edges = rfm_edges(*cols, bins)
        applied = rfm_scores(*cols, edges=edges)
        assert fitted.edges == edges
        for attr in ("r", "f", "m", "code"):
            np.testing.assert_array_equal(getattr(applied, attr), getattr(fitted, attr))
        refitted = rfm_scores(*cols, bins)
        assert refitted.edges == fitted.edges

    @given(rfm_columns(), bins_st)
    def test_recency_is_reversed(self, cols, bins):
        """Fewer days since the last purchase never gives a lower R."""
        r, f, m = cols
        s = rfm_scores(r, f, m, bins)
        order = np.argsort(r, kind="stable")
        assert (np.diff(s.r[order].astype(int)) <= 0).all()
        assert s.r[np.argmin(r)] == s.r.max()

    @given(rfm_columns(), rfm_columns(), st.integers(2, 7))
    def test_edges_reused_across_periods(self, period1, period2, bins):
        """A later period is scored on the earlier period's cuts, which stay unchanged."""
        edges = rfm_edges(*period1, bins)
        s = rfm_scores(*period2, bins=bins + 3, edges=edges)  # bins ignored
        r, f, m = period2
        assert s.edges is edges
        assert s.r.tolist() == ref_score(r, edges.recency.cuts, False)
        assert s.f.tolist() == ref_score(f, edges.frequency.cuts)
        assert s.m.tolist() == ref_score(m, edges.monetary.cuts)
        assert s.code.tolist() == ref_code(
            s.r.tolist(), s.f.tolist(), s.m.tolist(), bins
        )

    def test_fixed_business_thresholds(self):
        """Hand-given thresholds (recency 30/60/90/180 days) are applied as given."""
        e = RfmEdges(
            recency=ScoreEdges((30, 60, 90, 180)),
            frequency=ScoreEdges((1, 2, 4, 8)),
            monetary=ScoreEdges((100, 300, 1000, 5000)),
        )
        s = rfm_scores([10, 30, 400], [10, 1, 2], [6000.0, 100.0, 150.0], edges=e)
        assert s.code.tolist() == [555, 411, 122]

    def test_nan_rejected_by_default(self):
        """NaN recency (no purchase) raises InputError naming recency_days."""
        with pytest.raises(
            InputError, match=r"^'recency_days' contains missing"
        ) as info:
            rfm_scores([1.0, float("nan")], [1, 1], [5.0, 5.0], bins=2)
        assert info.value.first_row == 1

    @given(rfm_columns(min_size=2), bins_st, st.data())
    def test_nan_unknown(self, cols, bins, data):
        """nan="unknown": NaN scores 0 (a 0 digit in the code); edges use known values."""
        r, f, m = cols
        mask = data.draw(hnp.arrays(np.bool_, len(r)))
        mask[0] = False  # keep at least one known recency to fit on
        r = r.copy()
        r[mask] = np.nan
        s = rfm_scores(r, f, m, bins, nan="unknown")
        assert s.edges.recency.cuts == ref_quantile_edges(r[~mask], bins)
        assert (s.r[mask] == 0).all()
        assert s.r.tolist() == ref_score(r, s.edges.recency.cuts, False)
        assert s.code.tolist() == ref_code(
            s.r.tolist(), s.f.tolist(), s.m.tolist(), bins
        )

    def test_unknown_recency_code_example(self):
        """A customer with no purchase and F=2, M=1 has code 21 (R digit 0)."""
        s = rfm_scores(
            [float("nan"), 5, 50], [3, 1, 1], [1.0, 9.0, 2.0], 2, nan="unknown"
        )
        assert s.r.tolist() == [0, 2, 1]
        assert s.code.tolist()[0] == 21

    def test_lengths_must_match(self):
        """Columns of different lengths raise InputError."""
        with pytest.raises(InputError, match=r"rows but 'recency_days' has 3"):
            rfm_scores([1, 2, 3], [1, 2], [1.0, 2.0, 3.0], bins=2)

    def test_edges_must_be_rfm_edges(self):
        """A single ScoreEdges is not an RfmEdges."""
        with pytest.raises(
            ThresholdError, match=r"^'edges' must be an RfmEdges: got ScoreEdges$"
        ):
            rfm_scores([1], [1], [1.0], edges=ScoreEdges((1,)))

    def test_bins_out_of_range(self):
        """bins=1 raises ThresholdError."""
        with pytest.raises(ThresholdError, match=r"\[2, 99\]: got 1$"):
            rfm_scores([1, 2], [1, 2], [1.0, 2.0], bins=1)

    def test_heavy_ties_keep_the_scale(self):
        """60% one-time buyers: F = 1 for all of them, F = 5 still reachable."""
        freq = [1] * 6 + [2, 2, 3, 7]
        s = rfm_scores(list(range(10)), freq, [float(v) for v in range(10)])
        assert s.f.tolist() == [1] * 6 + [4, 4, 5, 5]
        assert s.edges.frequency.empty_scores() == (2,)

    def test_recency_tie_block_and_empty_scores(self):
        """60% bought today (recency 0): the tied block falls to R = 3; the empty R
        score (lower is better) is 4, and R = 2 is held by two customers."""
        s = rfm_scores([0] * 6 + [10, 20, 30, 40], [1] * 10, [1.0] * 10)
        assert s.edges.recency.cuts == (0.0, 0.0, 5.0, 25.0)
        assert s.r.tolist() == [3] * 6 + [2, 2, 1, 1]
        assert s.edges.recency.empty_scores(higher_is_better=False) == (4,)
        assert s.edges.recency.empty_scores() == (2,)

    def test_result_container(self):
        """RfmScores: len, int8 scores, int16 code and to_pandas columns."""
        s = rfm_scores([1, 50], [4, 1], [300.0, 20.0], bins=2)
        assert isinstance(s, RfmScores)
        assert len(s) == 2
        assert s.r.dtype == np.int8
        assert s.code.dtype == np.int16
        df = s.to_pandas()
        assert list(df.columns) == ["r", "f", "m", "rfm"]
        assert df["rfm"].tolist() == [222, 111]


class TestScoreEdgesTypes:
    @pytest.mark.parametrize(
        ("cuts", "message"),
        [
            (b"12", r"^'cuts' must be a sequence of numbers"),
            ("19", r"^'cuts' must be a sequence of numbers"),
            (5, r"^'cuts' must be a sequence of numbers"),
            ("1.5", r"^'cuts' must be a sequence of numbers"),
            ({1.0, 2.0}, r"^'cuts' must be an ordered sequence"),
            ({"a": 1}, r"^'cuts' must be a sequence of numbers"),
            ([[1.0]], r"^'cuts\[0\]' must be a number"),
            (["1", "2"], r"^'cuts\[0\]' must be a number"),
            ((1.0, True), r"^'cuts\[1\]' must be a number"),
            ((10**400,), r"^'cuts\[0\]' must be a number float64 holds"),
            (np.zeros((2, 2)), r"^'cuts' must be a sequence of numbers"),
        ],
    )
    def test_refused_with_threshold_error(self, cuts, message):
        """Text, bytes, scalars, sets, nested lists, non-numbers, huge ints."""
        with pytest.raises(ThresholdError, match=message):
            ScoreEdges(cuts)

    @given(cuts=st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=5))
    def test_any_python_int_in_float_range(self, cuts):
        """Python ints of any size that float64 holds become those floats;
        one it would round (``2**53 + 1`` to ``2**53``) is refused, never
        compared as another number (audit 15: thresholds are not rounded
        silently, as the rules DSL refuses such literals)."""
        cuts = sorted(cuts)
        if all(int(float(c)) == c for c in cuts):
            assert ScoreEdges(cuts).cuts == tuple(float(c) for c in cuts)
        else:
            with pytest.raises(ThresholdError, match="float64 holds as written"):
                ScoreEdges(cuts)

    def test_arrays_and_fractions(self):
        """NumPy arrays, NumPy scalars and Fractions are sequences of numbers."""
        assert ScoreEdges(np.array([1, 2])).cuts == (1.0, 2.0)
        assert ScoreEdges([np.float32(0.5), Fraction(3, 2)]).cuts == (0.5, 1.5)
