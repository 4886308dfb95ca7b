"""Tests for custseg.pareto: ABC classes, the Lorenz curve and Pareto figures.

ABC classes are compared with a plain-Python reference that uses exact
fractions: a customer's preceding share is the share (of positive value, or of
customers for ``basis="rank"``) held by customers with a strictly higher value;
A if it is below the first cutoff, B below the second, else C; values <= 0 are
always C. Generated values are whole numbers so float sums are exact too.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from custseg import (
    AbcCutoffs,
    AbcEdges,
    InputError,
    Labels,
    ParetoSummary,
    ThresholdError,
    abc_classes,
    abc_edges,
    lorenz_curve,
    pareto_summary,
)
from strategies import finite_values, integer_amounts

# --------------------------------------------------------------------------
# Reference implementations
# --------------------------------------------------------------------------


def ref_abc(values, a, b, basis="value"):
    """ABC class per customer; *a* and *b* are exact Fractions; NaN -> "unknown"."""
    known = [float(v) for v in values if not math.isnan(v)]
    positive_total = sum(Fraction(v) for v in known if v > 0)
    out = []
    for v in values:
        v = float(v)
        if math.isnan(v):
            out.append("unknown")
            continue
        if v <= 0:
            out.append("C")
            continue
        if basis == "value":
            pre = sum(Fraction(w) for w in known if w > v) / positive_total
        else:
            pre = Fraction(sum(1 for w in known if w > v), len(known))
        out.append("A" if pre < a else "B" if pre < b else "C")
    return out


def ref_lorenz(values):
    """Exact Lorenz ordinates: cumulative share of the clipped, ascending values."""
    xs = sorted(max(Fraction(float(v)), Fraction(0)) for v in values)
    total = sum(xs)
    ys, acc = [Fraction(0)], Fraction(0)
    for v in xs:
        acc += v
        ys.append(acc / total)
    return ys


def ref_gini(values):
    """Standard formula sum((2i - n - 1) x_(i)) / (n * sum x), x ascending, i 1-based."""
    xs = sorted(max(Fraction(float(v)), Fraction(0)) for v in values)
    n = len(xs)
    return sum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1)) / (n * sum(xs))


def ref_top_share(values, customer_share):
    """Share of the total held by the top *customer_share* of customers,
    interpolating linearly inside the customer at the boundary."""
    xs = sorted((max(Fraction(float(v)), Fraction(0)) for v in values), reverse=True)
    n, total = len(xs), sum(xs)
    pos = customer_share * n
    whole = math.floor(pos)
    held = sum(xs[:whole])
    if whole < n:
        held += (pos - whole) * xs[whole]
    return held / total


def ref_customers_for(values, value_share):
    """Smallest share of customers (top first, interpolated) holding *value_share*."""
    xs = sorted((max(Fraction(float(v)), Fraction(0)) for v in values), reverse=True)
    n, total = len(xs), sum(xs)
    need = value_share * total
    acc = Fraction(0)
    for j, x in enumerate(xs):
        if acc + x >= need:
            return (j + (need - acc) / x) / n
        acc += x
    raise AssertionError("unreachable: the whole base holds 100%")


CUTOFF_PAIRS = [(80, 95), (20, 50), (50, 80), (70, 90), (25, 50), (60, 75), (1, 99)]


@st.composite
def cutoffs_st(draw):
    """(a, b) as whole percents, a < b <= 100, often the business defaults."""
    if draw(st.booleans()):
        return draw(st.sampled_from(CUTOFF_PAIRS))
    a = draw(st.integers(1, 99))
    b = draw(st.integers(a + 1, 100))
    return a, b


def with_positive(arrays):
    """Arrays with at least one value > 0 (otherwise ABC raises)."""
    return arrays.filter(lambda x: (x > 0).any())


positive_amounts = with_positive(integer_amounts())
positive_floats = with_positive(finite_values())


# --------------------------------------------------------------------------
# AbcCutoffs
# --------------------------------------------------------------------------


class TestAbcCutoffs:
    """AbcCutoffs: cumulative-share cutoffs and their validation."""

    def test_defaults(self):
        """Default cutoffs are 80% / 95% of value."""
        assert repr(AbcCutoffs()) == "AbcCutoffs(a=0.8, b=0.95, basis='value')"

    def test_b_not_above_a_rejected(self):
        """b <= a raises ThresholdError naming a's value."""
        with pytest.raises(
            ThresholdError, match=r"^'b' must be > 'a' \(0\.9\): got 0\.8$"
        ):
            AbcCutoffs(a=0.9, b=0.8)
        with pytest.raises(
            ThresholdError, match=r"^'b' must be > 'a' \(0\.5\): got 0\.5$"
        ):
            AbcCutoffs(a=0.5, b=0.5)

    @pytest.mark.parametrize(
        ("a", "b", "message"),
        [
            (0.0, 0.5, r"^'a' must be in \(0\.0, 1\]: got 0\.0$"),
            (-0.2, 0.5, r"^'a' must be in \(0\.0, 1\]: got -0\.2$"),
            (0.5, 1.5, r"^'b' must be in \(0\.0, 1\]: got 1\.5$"),
            (float("nan"), 0.5, r"^'a' must be in \(0\.0, 1\]: got nan$"),
        ],
    )
    def test_shares_outside_unit_interval_rejected(self, a, b, message):
        """Shares must lie in (0, 1]; the message uses interval notation."""
        with pytest.raises(ThresholdError, match=message):
            AbcCutoffs(a=a, b=b)

    def test_b_may_be_one(self):
        """b = 1 (no C class among positive values) is allowed."""
        assert AbcCutoffs(0.8, 1.0).b == 1.0

    def test_bad_basis_rejected(self):
        """basis must be "value" or "rank"."""
        with pytest.raises(
            ThresholdError, match=r"^'basis' must be 'value' or 'rank': got 'count'$"
        ):
            AbcCutoffs(basis="count")


# --------------------------------------------------------------------------
# AbcEdges
# --------------------------------------------------------------------------


class TestAbcEdges:
    """AbcEdges: value thresholds (A if >= a_min, B if >= b_min)."""

    def test_docstring_example(self):
        """Thresholds 500 / 100: 800 -> A, 120 -> B, 5 -> C."""
        edges = AbcEdges(a_min=500.0, b_min=100.0)
        assert abc_classes([800, 120, 5], edges=edges).to_numpy().tolist() == [
            "A",
            "B",
            "C",
        ]

    def test_thresholds_are_inclusive(self):
        """A value equal to a threshold is in the higher class."""
        edges = AbcEdges(a_min=500, b_min=100)
        got = abc_classes([500, 499.99, 100, 99.99], edges=edges).to_numpy().tolist()
        assert got == ["A", "B", "B", "C"]

    @pytest.mark.parametrize(
        ("a_min", "b_min", "message"),
        [
            (0, 0, r"^'a_min' must be > 0: got 0\.0$"),
            (5, -1, r"^'b_min' must be > 0: got -1\.0$"),
            (5, 10, r"^'b_min' must be <= 'a_min' \(5\.0\): got 10\.0$"),
            (float("nan"), 1, r"^'a_min' must be > 0: got nan$"),
        ],
    )
    def test_validation_messages(self, a_min, b_min, message):
        """Non-positive thresholds and b_min above a_min are refused."""
        with pytest.raises(ThresholdError, match=message):
            AbcEdges(a_min=a_min, b_min=b_min)

    def test_equal_thresholds_allowed(self):
        """a_min == b_min leaves B empty, which is valid."""
        edges = AbcEdges(10, 10)
        assert abc_classes([10, 9], edges=edges).to_numpy().tolist() == ["A", "C"]


# --------------------------------------------------------------------------
# abc_edges
# --------------------------------------------------------------------------


class TestAbcEdgesFit:
    """abc_edges: fit the value thresholds on a customer base."""

    def test_docstring_example_value(self):
        """[50, 30, 20, 0]: 50 + 30 reaches 80%, 20 is preceded by exactly 80% -> B."""
        assert abc_edges([50, 30, 20, 0]) == AbcEdges(a_min=30.0, b_min=20.0)

    def test_docstring_example_rank(self):
        """Rank basis 25% / 50% over 4 customers (the 0 counts as a customer)."""
        got = abc_edges([50, 30, 20, 0], AbcCutoffs(0.25, 0.5, basis="rank"))
        assert got == AbcEdges(a_min=50.0, b_min=30.0)

    def test_nan_ignored(self):
        """NaN values are left out of the fit."""
        assert abc_edges([50, float("nan"), 30, 20]) == abc_edges([50, 30, 20])

    @pytest.mark.parametrize("values", [[0, -5, 0], [float("nan"), 0.0], []])
    def test_no_positive_value_rejected(self, values):
        """Nothing positive to rank raises InputError."""
        with pytest.raises(InputError, match="has no positive value"):
            abc_edges(values)

    @given(positive_amounts, cutoffs_st(), st.sampled_from(["value", "rank"]))
    def test_thresholds_are_the_smallest_value_in_each_class(self, x, ab, basis):
        """a_min is the smallest reference-A value, b_min the smallest A-or-B value."""
        a, b = ab
        edges = abc_edges(x, AbcCutoffs(a / 100, b / 100, basis))
        classes = ref_abc(x.tolist(), Fraction(a, 100), Fraction(b, 100), basis)
        a_vals = [v for v, c in zip(x.tolist(), classes, strict=True) if c == "A"]
        ab_vals = [v for v, c in zip(x.tolist(), classes, strict=True) if c in "AB"]
        assert edges.a_min == min(a_vals)
        assert edges.b_min == min(ab_vals)

    def test_huge_values_do_not_overflow(self):
        """Values near the float maximum (finite, hence accepted) still fit."""
        assert abc_edges([1e308, 1e308]) == AbcEdges(a_min=1e308, b_min=1e308)


# --------------------------------------------------------------------------
# abc_classes
# --------------------------------------------------------------------------


class TestAbcClasses:
    """abc_classes: A / B / C by preceding cumulative share."""

    def test_docstring_examples(self):
        """[50, 30, 20, 0] by value and by rank; NaN as unknown."""
        assert abc_classes([50, 30, 20, 0]).to_numpy().tolist() == ["A", "A", "B", "C"]
        got = abc_classes([50, 30, 20, 0], (0.25, 0.5), basis="rank")
        assert got.to_numpy().tolist() == ["A", "B", "C", "C"]
        got = abc_classes([50, float("nan")], nan="unknown")
        assert got.to_numpy().tolist() == ["A", "unknown"]

    def test_boundary_exactly_on_the_cutoff_is_not_below_it(self):
        """20 is preceded by exactly 80% of [50, 30, 20]: B, not A."""
        assert abc_classes([50, 30, 20]).to_numpy().tolist() == ["A", "A", "B"]

    def test_customer_carrying_the_share_across_the_cutoff_is_a(self):
        """[60, 30, 10]: 30 takes the cumulative share from 60% to 90% -> A."""
        assert abc_classes([60, 30, 10]).to_numpy().tolist() == ["A", "A", "B"]

    def test_domain_pareto_example(self):
        """20% of customers bring 80%: [80, 5, 5, 5, 5] -> only the first is A;
        the 5s are preceded by exactly 80% (B), and tie, so they share a class."""
        got = abc_classes([80, 5, 5, 5, 5]).to_numpy().tolist()
        assert got == ["A", "B", "B", "B", "B"]
        got = abc_classes([80, 5, 5, 5, 5], basis="rank").to_numpy().tolist()
        assert got == ["A", "B", "B", "B", "B"]

    def test_rank_default_cutoffs(self):
        """basis="rank" without cutoffs uses 20% / 50% of customers."""
        x = list(range(10, 0, -1))
        got = abc_classes(x, basis="rank").to_numpy().tolist()
        assert got == ["A", "A", "B", "B", "B", "C", "C", "C", "C", "C"]

    def test_nonpositive_values_count_as_customers_for_rank(self):
        """Rank basis: zeros and refunds count in the number of customers."""
        got = abc_classes([9, 8, 0, 0, -3], (0.2, 0.5), basis="rank")
        assert got.to_numpy().tolist() == ["A", "B", "C", "C", "C"]

    def test_nonpositive_values_do_not_count_in_the_value_total(self):
        """Value basis: a refund does not shrink the total of [70, 20, 10, -100]."""
        got = abc_classes([70, 20, 10, -100]).to_numpy().tolist()
        assert got == ["A", "A", "B", "C"]

    @given(positive_amounts, cutoffs_st(), st.sampled_from(["value", "rank"]))
    def test_matches_reference(self, x, ab, basis):
        """Classes equal the exact-fraction reference for any cutoffs and basis."""
        a, b = ab
        got = abc_classes(x, (a / 100, b / 100), basis).to_numpy().tolist()
        assert got == ref_abc(x.tolist(), Fraction(a, 100), Fraction(b, 100), basis)

    @given(positive_amounts, st.sampled_from(["value", "rank"]))
    def test_default_cutoffs_match_reference(self, x, basis):
        """Default cutoffs: (0.8, 0.95) by value, (0.2, 0.5) by rank."""
        a, b = (
            (Fraction(4, 5), Fraction(19, 20))
            if basis == "value"
            else (
                Fraction(1, 5),
                Fraction(1, 2),
            )
        )
        got = abc_classes(x, basis=basis).to_numpy().tolist()
        assert got == ref_abc(x.tolist(), a, b, basis)

    @given(positive_floats, cutoffs_st(), st.randoms(use_true_random=False))
    def test_permuting_rows_permutes_classes(self, x, ab, rnd):
        """Classes follow their rows and do not depend on row order."""
        perm = list(range(len(x)))
        rnd.shuffle(perm)
        cut = (ab[0] / 100, ab[1] / 100)
        np.testing.assert_array_equal(
            abc_classes(x[perm], cut).codes, abc_classes(x, cut).codes[perm]
        )

    @given(positive_floats, cutoffs_st(), st.sampled_from(["value", "rank"]))
    def test_equal_values_share_a_class_and_order_is_monotone(self, x, ab, basis):
        """Equal values share a class; a higher value is never in a lower class."""
        codes = abc_classes(x, (ab[0] / 100, ab[1] / 100), basis).codes
        by_value = {}
        for v, c in zip(x.tolist(), codes.tolist(), strict=True):
            by_value.setdefault(v, set()).add(c)
        assert all(len(cs) == 1 for cs in by_value.values())
        order = np.argsort(x, kind="stable")
        assert (np.diff(codes[order].astype(int)) <= 0).all()

    @given(positive_floats, cutoffs_st(), st.sampled_from(["value", "rank"]))
    def test_nonpositive_always_c_and_top_always_a(self, x, ab, basis):
        """Values <= 0 are C; the highest value (preceded by nothing) is A."""
        labels = abc_classes(x, (ab[0] / 100, ab[1] / 100), basis).to_numpy()
        assert (labels[x <= 0] == "C").all()
        assert (labels[x == x.max()] == "A").all()

    @given(positive_floats, cutoffs_st(), st.sampled_from(["value", "rank"]))
    def test_fitted_edges_reproduce_the_classes(self, x, ab, basis):
        """abc_edges then abc_classes(edges=...) equals abc_classes with cutoffs."""
        cut = (ab[0] / 100, ab[1] / 100)
        edges = abc_edges(x, AbcCutoffs(*cut, basis=basis))
        assert abc_classes(x, edges=edges) == abc_classes(x, cut, basis)

    @given(positive_amounts, cutoffs_st(), st.data())
    def test_nan_unknown(self, x, ab, data):
        """nan="unknown": NaN rows are "unknown", the rest as if NaN were absent."""
        mask = data.draw(hnp.arrays(np.bool_, len(x)))
        mask[int(np.argmax(x))] = False  # keep a positive value
        with_nan = x.copy()
        with_nan[mask] = np.nan
        cut = (ab[0] / 100, ab[1] / 100)
        labels = abc_classes(with_nan, cut, nan="unknown")
        assert labels.names == ("A", "B", "C", "unknown")
        got = labels.to_numpy()
        assert (got[mask] == "unknown").all()
        np.testing.assert_array_equal(got[~mask], abc_classes(x[~mask], cut).to_numpy())
        assert got.tolist() == ref_abc(
            with_nan.tolist(), Fraction(ab[0], 100), Fraction(ab[1], 100)
        )

    def test_nan_rejected_by_default(self):
        """NaN raises InputError naming values and the first row."""
        with pytest.raises(InputError, match=r"^'values' contains missing") as info:
            abc_classes([5.0, float("nan")])
        assert info.value.first_row == 1

    def test_bad_nan_option(self):
        """An unknown nan option raises ThresholdError."""
        with pytest.raises(
            ThresholdError, match=r"^'nan' must be 'raise' or 'unknown'"
        ):
            abc_classes([5.0], nan="ignore")

    @pytest.mark.parametrize("values", [[0, 0], [-1.0, -2.0], [0.0]])
    def test_all_nonpositive_is_all_c(self, values):
        """No positive value: nothing to split, every value <= 0 is C (as
        in segment(); abc_edges alone refuses to fit)."""
        assert abc_classes(values).to_numpy().tolist() == ["C"] * len(values)

    def test_all_nonpositive_with_edges_is_all_c(self):
        """With given edges nothing is fitted, so zeros are simply C."""
        got = abc_classes([0, -1], edges=AbcEdges(10, 5)).to_numpy().tolist()
        assert got == ["C", "C"]

    def test_edges_must_be_abc_edges(self):
        """A tuple is not an AbcEdges."""
        with pytest.raises(
            ThresholdError, match=r"^'edges' must be an AbcEdges: got tuple$"
        ):
            abc_classes([1.0], edges=(5, 1))

    def test_invalid_cutoffs_rejected(self):
        """Cutoffs are validated like AbcCutoffs."""
        with pytest.raises(ThresholdError, match=r"^'b' must be > 'a'"):
            abc_classes([1.0, 2.0], (0.9, 0.5))

    def test_labels_are_ordered_a_b_c(self):
        """Result is ordered Labels with names A, B, C."""
        labels = abc_classes([10, 1])
        assert isinstance(labels, Labels)
        assert labels.names == ("A", "B", "C")
        assert labels.ordered
        assert labels.counts() == {"A": 1, "B": 1, "C": 0}

    def test_huge_values_do_not_overflow(self):
        """[1.7e308, 1.6e308]: 1.6e308 is preceded by about 51.5% of value -> A."""
        got = abc_classes([1.7e308, 1.6e308]).to_numpy().tolist()
        assert got == ["A", "A"]


# --------------------------------------------------------------------------
# lorenz_curve
# --------------------------------------------------------------------------


class TestLorenzCurve:
    """lorenz_curve: cumulative value share against cumulative customer share."""

    def test_docstring_example(self):
        """[10, 0, 30]: poorest first, ending at (1, 1)."""
        x, y = lorenz_curve([10, 0, 30])
        assert x.tolist() == [0.0, 1 / 3, 2 / 3, 1.0]
        assert y.tolist() == [0.0, 0.0, 0.25, 1.0]

    @given(with_positive(integer_amounts()))
    def test_matches_reference(self, values):
        """Points equal the exact cumulative shares of the clipped, sorted values."""
        x, y = lorenz_curve(values)
        n = len(values)
        assert len(x) == len(y) == n + 1
        assert x.tolist() == [i / n for i in range(n + 1)]
        assert y.tolist() == [float(r) for r in ref_lorenz(values)]

    @given(positive_floats)
    def test_monotone_from_origin_to_one(self, values):
        """Starts at (0, 0), ends exactly at (1, 1), never decreases, below the diagonal."""
        x, y = lorenz_curve(values)
        assert (x[0], y[0], x[-1], y[-1]) == (0.0, 0.0, 1.0, 1.0)
        assert (np.diff(x) > 0).all()
        assert (np.diff(y) >= 0).all()
        assert (y <= x + 1e-12).all()

    @given(positive_floats, st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, values, rnd):
        """Permuting rows gives the same points (up to float rounding)."""
        perm = list(range(len(values)))
        rnd.shuffle(perm)
        np.testing.assert_array_equal(
            lorenz_curve(values[perm])[0], lorenz_curve(values)[0]
        )
        np.testing.assert_allclose(
            lorenz_curve(values[perm])[1], lorenz_curve(values)[1], rtol=0, atol=1e-12
        )

    def test_points_bit_identical_under_row_order(self):
        """Row order must not change the points: [0.1, 0.2, 0.3] and [0.3, 0.2, 0.1]
        have the same sorted values, so the same cumulative shares."""
        _, y1 = lorenz_curve([0.1, 0.2, 0.3])
        _, y2 = lorenz_curve([0.3, 0.2, 0.1])
        assert y1.tolist() == y2.tolist()

    def test_negative_values_count_as_zero(self):
        """A refund balance counts as 0, not as negative value."""
        _, y = lorenz_curve([-50, 10, 30])
        assert y.tolist() == [0.0, 0.0, 0.25, 1.0]

    @pytest.mark.parametrize("values", [[0, 0], [-3.0], []])
    def test_no_positive_total_rejected(self, values):
        """All zero, all negative or empty: InputError."""
        with pytest.raises(InputError, match="has no positive total"):
            lorenz_curve(values)

    def test_nan_rejected(self):
        """NaN raises InputError."""
        with pytest.raises(InputError, match="missing"):
            lorenz_curve([1.0, float("nan")])

    def test_huge_values_do_not_overflow(self):
        """Two equal customers near the float maximum: the diagonal (0, 0.5, 1)."""
        _, y = lorenz_curve([1e308, 1e308])
        assert y.tolist() == [0.0, 0.5, 1.0]


# --------------------------------------------------------------------------
# pareto_summary
# --------------------------------------------------------------------------

SHARES = st.integers(1, 100).map(lambda p: p / 100)


class TestParetoSummary:
    """pareto_summary: 80/20 figures, Gini, counts."""

    def test_worked_example(self):
        """[80, 5, 5, 5, 5]: 20% of customers hold 80%; Gini 0.6."""
        s = pareto_summary([80, 5, 5, 5, 5])
        assert s.customers_for_value_share == 0.2
        assert s.value_of_top_customers == 0.8
        assert s.gini == pytest.approx(0.6, abs=1e-12)
        assert (s.n_customers, s.n_nonpositive, s.total) == (5, 0, 100.0)
        assert (s.value_share, s.customer_share) == (0.8, 0.2)

    def test_result_type(self):
        """Returns a ParetoSummary."""
        assert isinstance(pareto_summary([1, 2]), ParetoSummary)

    @given(with_positive(integer_amounts()))
    def test_gini_matches_standard_formula(self, values):
        """Gini = sum((2i - n - 1) x_(i)) / (n sum x) on values clipped at 0."""
        got = pareto_summary(values).gini
        assert got == pytest.approx(float(ref_gini(values)), abs=1e-12)

    @given(positive_floats)
    def test_gini_bounds(self, values):
        """0 <= Gini <= 1 - 1/n."""
        n = len(values)
        g = pareto_summary(values).gini
        assert -1e-12 <= g <= 1 - 1 / n + 1e-12

    @given(st.integers(1, 50), st.floats(0.01, 1e6))
    def test_gini_extremes(self, n, v):
        """All equal -> 0; one customer holds everything -> 1 - 1/n."""
        assert pareto_summary([v] * n).gini == pytest.approx(0.0, abs=1e-12)
        one = pareto_summary([0.0] * (n - 1) + [v])
        assert one.gini == pytest.approx(1 - 1 / n, abs=1e-12)

    @given(
        st.integers(1, 12)
        .flatmap(
            lambda k: hnp.arrays(
                np.float64, 5 * k, elements=st.integers(0, 300).map(float)
            )
        )
        .filter(lambda x: (x > 0).any())
    )
    def test_top_fifth_exact_at_whole_customers(self, values):
        """n divisible by 5: top 20% share = (sum of the n/5 largest) / total."""
        top = sorted(values.tolist(), reverse=True)[: len(values) // 5]
        expected = sum(top) / values.sum()
        assert pareto_summary(values).value_of_top_customers == pytest.approx(
            expected, abs=1e-12
        )

    @given(with_positive(integer_amounts()), SHARES, SHARES)
    def test_figures_match_interpolated_reference(self, values, vs, cs):
        """Both share figures equal the exact interpolated reference on the Lorenz curve."""
        s = pareto_summary(values, value_share=vs, customer_share=cs)
        exact_vs = Fraction(round(vs * 100), 100)
        exact_cs = Fraction(round(cs * 100), 100)
        assert s.customers_for_value_share == pytest.approx(
            float(ref_customers_for(values, exact_vs)), abs=1e-9
        )
        assert s.value_of_top_customers == pytest.approx(
            float(ref_top_share(values, exact_cs)), abs=1e-9
        )

    @given(positive_floats, st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, values, rnd):
        """Permuting rows gives the same summary (up to float rounding; the exact
        claim is checked on a fixed example below)."""
        perm = list(range(len(values)))
        rnd.shuffle(perm)
        a, b = pareto_summary(values), pareto_summary(values[perm])
        assert b.total == pytest.approx(a.total, rel=1e-12)
        for name in ("customers_for_value_share", "value_of_top_customers", "gini"):
            assert getattr(b, name) == pytest.approx(getattr(a, name), abs=1e-12)
        assert (b.n_customers, b.n_nonpositive) == (a.n_customers, a.n_nonpositive)

    def test_gini_bit_identical_under_row_order(self):
        """The docstring promises figures that "do not depend on row order": the Gini
        of [0.3, 0.6, 0.1, 0.7] and of the same values sorted must be identical."""
        shuffled = pareto_summary([0.3, 0.6, 0.1, 0.7])
        ordered = pareto_summary([0.7, 0.6, 0.3, 0.1])
        assert shuffled.gini == ordered.gini

    @given(positive_floats, st.integers(0, 10))
    def test_scaling_by_power_of_two_is_exact(self, values, e):
        """Multiplying every value by 2**e changes nothing but the total,
        which is scaled to within one unit in the last place: totals of
        values of few decimals are their correctly rounded decimal sums, and
        the scaled values are other decimals (1.9 and 65534.69069198472
        summed, then scaled by 2**8, and scaled, then summed, differ by one
        ulp)."""
        a, b = pareto_summary(values), pareto_summary(values * 2.0**e)
        scaled = a.total * 2.0**e
        assert abs(b.total - scaled) <= np.spacing(scaled)
        assert (b.customers_for_value_share, b.value_of_top_customers, b.gini) == (
            a.customers_for_value_share,
            a.value_of_top_customers,
            a.gini,
        )

    @given(positive_floats, st.floats(0.001, 1000.0))
    def test_scaling_by_positive_constant(self, values, c):
        """Multiplying every value by c > 0 leaves the shares and Gini unchanged
        (positive values that stay normal floats: a subnormal times 0.5 can
        be 0)."""
        tiny = np.finfo(np.float64).tiny
        positive = values[values > 0]
        assume(np.all(positive >= tiny) and np.all(positive * c >= tiny))
        a, b = pareto_summary(values), pareto_summary(values * c)
        assert b.customers_for_value_share == pytest.approx(
            a.customers_for_value_share, abs=1e-9
        )
        assert b.value_of_top_customers == pytest.approx(
            a.value_of_top_customers, abs=1e-9
        )
        assert b.gini == pytest.approx(a.gini, abs=1e-9)

    def test_negative_values_counted_as_zero(self):
        """Refund balances count as 0 and are reported in n_nonpositive."""
        s = pareto_summary([80, 5, 5, 5, 5, 0, -40])
        assert (s.n_customers, s.n_nonpositive, s.total) == (7, 2, 100.0)
        same = pareto_summary([80, 5, 5, 5, 5, 0, 0])
        assert s.gini == same.gini
        assert s.customers_for_value_share == same.customers_for_value_share

    @given(with_positive(integer_amounts()))
    def test_counts_and_total(self, values):
        """n_customers, n_nonpositive and total of the positive values."""
        s = pareto_summary(values)
        assert s.n_customers == len(values)
        assert s.n_nonpositive == sum(1 for v in values if v <= 0)
        assert s.total == sum(v for v in values.tolist() if v > 0)

    def test_all_value_share_needs_every_positive_customer(self):
        """value_share=1: the share of customers with positive value."""
        s = pareto_summary([10, 0, 5, 0], value_share=1.0)
        assert s.customers_for_value_share == 0.5

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"value_share": 0}, r"^'value_share' must be in \(0\.0, 1\]: got 0$"),
            ({"value_share": 1.2}, r"^'value_share' must be in \(0\.0, 1\]: got 1\.2$"),
            ({"customer_share": -0.1}, r"^'customer_share' must be in \(0\.0, 1\]"),
        ],
    )
    def test_share_validation(self, kwargs, message):
        """Shares outside (0, 1] raise ThresholdError."""
        with pytest.raises(ThresholdError, match=message):
            pareto_summary([1, 2], **kwargs)

    def test_tiny_value_share(self):
        """A value share in (0, 1] so small that 1 - share rounds to 1 still works:
        the top customer alone holds it."""
        s = pareto_summary([1, 2], value_share=1e-17)
        assert 0 <= s.customers_for_value_share <= 1e-12

    @pytest.mark.parametrize("values", [[0, 0], [-1, -2]])
    def test_no_positive_total_rejected(self, values):
        """Nothing positive: InputError."""
        with pytest.raises(InputError, match="has no positive total"):
            pareto_summary(values)

    def test_pandas_series_input(self):
        """A pandas Series is accepted like a list."""
        s = pareto_summary(pd.Series([80, 5, 5, 5, 5]))
        assert s.customers_for_value_share == 0.2


class TestThresholdTypes:
    @pytest.mark.parametrize(
        "make",
        [
            lambda: AbcCutoffs(a="0.5"),
            lambda: AbcCutoffs(a=10**400),
            lambda: AbcCutoffs(b=[0.9]),
            lambda: AbcCutoffs(basis=["value"]),
            lambda: AbcEdges(a_min=None, b_min=1.0),
            lambda: AbcEdges(a_min=2.0, b_min=-(10**400)),
        ],
    )
    def test_refused_with_threshold_error(self, make):
        """Text, lists, None and ints beyond float64 as thresholds: ThresholdError."""
        with pytest.raises(ThresholdError, match="must be"):
            make()


class TestHugeIntValues:
    @pytest.mark.parametrize(
        "fn", [abc_classes, abc_edges, lorenz_curve, pareto_summary]
    )
    def test_input_error_names_the_row(self, fn):
        """An int beyond float64 among the values is an InputError at its row."""
        with pytest.raises(InputError) as info:
            fn([1, 2, 10**400, 3])
        assert info.value.first_row == 2
        assert "beyond the range float64 holds" in info.value.problem
