"""segment_summary: per-class customers, orders, revenue and R/F/M figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import custseg
import custseg.segments
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels
from custseg.segments import SUMMARY_COLUMNS, segment_summary


@st.composite
def labelled_facts(draw: st.DrawFn) -> tuple[Labels, dict[str, np.ndarray]]:
    """Labels over k classes (some empty) and facts with NaN recency and whole
    amounts (sums exact in float64, so totals compare exactly)."""
    n = draw(st.integers(0, 40))
    k = draw(st.integers(1, 6))
    codes = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    recency = draw(
        hnp.arrays(
            np.float64,
            n,
            elements=st.one_of(st.just(float("nan")), st.integers(0, 400).map(float)),
        )
    )
    frequency = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 9)))
    monetary = draw(
        hnp.arrays(np.float64, n, elements=st.integers(-50, 900).map(float))
    )
    names = tuple(f"c{i}" for i in range(k))
    facts = {"recency_days": recency, "frequency": frequency, "monetary": monetary}
    return Labels(codes, names), facts


def _reference(labels: Labels, facts: dict[str, np.ndarray]) -> dict[str, list]:
    """Per class, by plain Python: customers, orders, revenue, means, medians."""
    out: dict[str, list] = {c: [] for c in SUMMARY_COLUMNS}
    for k in range(len(labels.names)):
        rows = [i for i in range(len(labels)) if labels.codes[i] == k]
        r = [facts["recency_days"][i] for i in rows]
        r = [x for x in r if x == x]
        f = [float(facts["frequency"][i]) for i in rows]
        m = [facts["monetary"][i] for i in rows]
        out["customers"].append(len(rows))
        out["orders"].append(sum(f))
        out["revenue"].append(sum(m))
        out["recency_mean"].append(sum(r) / len(r) if r else np.nan)
        out["recency_median"].append(float(np.median(r)) if r else np.nan)
        out["frequency_mean"].append(sum(f) / len(f) if f else np.nan)
        out["frequency_median"].append(float(np.median(f)) if f else np.nan)
        out["monetary_mean"].append(sum(m) / len(m) if m else np.nan)
        out["monetary_median"].append(float(np.median(m)) if m else np.nan)
    return out


class TestSegmentSummary:
    @pytest.mark.parametrize("loop_max", [512, 0])
    @settings(max_examples=60)
    @given(case=labelled_facts())
    def test_matches_reference(self, case, loop_max) -> None:
        """Every class figure equals a plain-Python computation per class, with
        medians by the per-class loop and by the lexsort (many classes)."""
        labels, facts = case
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(custseg.segments, "_LOOP_MAX", loop_max)
            table = segment_summary(labels, facts, total=None)
        ref = _reference(labels, facts)
        for col in (c for c in ref if ref[c]):  # the share columns are not in it
            np.testing.assert_allclose(
                table[col].to_numpy(dtype=float),
                np.asarray(ref[col], dtype=float),
                rtol=1e-12,
                err_msg=col,
            )

    @settings(max_examples=60)
    @given(labelled_facts())
    def test_totals_counts_and_shares(self, case) -> None:
        """Total row = sums over the facts; counts sum to n; shares sum to 1."""
        labels, facts = case
        table = segment_summary(labels, facts)
        body, total = table.iloc[:-1], table.loc["Total"]
        n = len(labels)
        assert int(body["customers"].sum()) == n == int(total["customers"])
        assert int(total["orders"]) == int(facts["frequency"].sum())
        assert total["revenue"] == facts["monetary"].sum()
        assert body["orders"].sum() == total["orders"]
        assert body["revenue"].sum() == total["revenue"]
        if n:
            assert body["customer_share"].sum() == pytest.approx(1.0)
        if facts["monetary"].sum() != 0:
            assert body["revenue_share"].sum() == pytest.approx(1.0)
        known = facts["recency_days"][~np.isnan(facts["recency_days"])]
        if len(known):
            assert total["recency_median"] == np.median(known)
        else:
            assert np.isnan(total["recency_median"])

    @settings(max_examples=40)
    @given(labelled_facts(), st.randoms(use_true_random=False))
    def test_order_free(self, case, rnd) -> None:
        """Permuting the customers gives the same table."""
        labels, facts = case
        perm = np.arange(len(labels))
        rnd.shuffle(perm)
        shuffled = Labels(labels.codes[perm], labels.names)
        facts2 = {k: a[perm] for k, a in facts.items()}
        pd.testing.assert_frame_equal(
            segment_summary(labels, facts),
            segment_summary(shuffled, facts2),
            check_exact=False,
            rtol=1e-12,
        )

    def test_empty_classes_listed(self) -> None:
        """Classes no customer has are rows with 0 counts and NaN figures."""
        lab = Labels([0, 0], ("a", "b", "c"))
        t = segment_summary(
            lab,
            {"recency_days": [1.0, 3.0], "frequency": [1, 2], "monetary": [10.0, 20.0]},
        )
        assert t.index.tolist() == ["a", "b", "c", "Total"]
        assert t.loc["b", "customers"] == 0 and t.loc["b", "orders"] == 0
        assert np.isnan(t.loc["c", "recency_mean"])
        assert np.isnan(t.loc["c", "monetary_median"])
        assert np.isnan(t.loc["c", "avg_order_value"])

    def test_no_customers(self) -> None:
        """No rows at all: every class empty, shares NaN, no error."""
        t = segment_summary(
            Labels([], ("a",)), {"recency_days": [], "frequency": [], "monetary": []}
        )
        assert t["customers"].tolist() == [0, 0]
        assert np.isnan(t.loc["Total", "customer_share"])

    def test_nan_recency(self) -> None:
        """Customers without a purchase are left out of the recency mean only."""
        t = segment_summary(
            ["x", "x", "x"],
            {
                "recency_days": [2.0, np.nan, 4.0],
                "frequency": [1, 0, 1],
                "monetary": [5.0, -1.0, 5.0],
            },
        )
        assert t.loc["x", "recency_mean"] == 3.0
        assert t.loc["x", "recency_median"] == 3.0
        assert t.loc["x", "monetary_mean"] == 3.0

    def test_column_order(self) -> None:
        """The columns are SUMMARY_COLUMNS in order; orders stay integers."""
        t = segment_summary(
            ["a"], {"recency_days": [1.0], "frequency": [2], "monetary": [3.0]}
        )
        assert tuple(t.columns) == SUMMARY_COLUMNS
        assert t["orders"].dtype == np.int64 and t["customers"].dtype == np.int64


FACTS = {
    "recency_days": [1.0, 2.0, 3.0],
    "frequency": [1, 1, 1],
    "monetary": [1.0, 2.0, 3.0],
}


class TestSegmentSummaryInputs:
    def test_plain_strings_sorted(self) -> None:
        """A plain array of names: its distinct values, sorted, are the classes."""
        t = segment_summary(np.array(["b", "a", "b"]), FACTS)
        assert t.index.tolist() == ["a", "b", "Total"]
        assert t.index.name == "class"

    def test_categorical_order_and_missing(self) -> None:
        """A Categorical keeps its category order; NaN gets its own last class."""
        cat = pd.Categorical(["lo", None, "hi"], categories=["hi", "mid", "lo"])
        t = segment_summary(cat, FACTS)
        assert t.index.tolist() == ["hi", "mid", "lo", "missing", "Total"]
        assert t.loc["missing", "customers"] == 1
        t2 = segment_summary(cat, FACTS, missing="unknown")
        assert "unknown" in t2.index

    def test_numbers_sort_as_numbers(self) -> None:
        """Scores with a missing one (nullable ints) sort 2 before 10."""
        s = pd.Series([10, None, 2], dtype="Int64")
        t = segment_summary(s, FACTS)
        assert t.index.tolist() == ["2", "10", "missing", "Total"]

    def test_missing_in_plain_array(self) -> None:
        """None among plain names is the missing class, not a name 'None'."""
        t = segment_summary(["a", None, "a"], FACTS)
        assert t.index.tolist() == ["a", "missing", "Total"]

    def test_series_named(self) -> None:
        """A categorical Series names the index after itself."""
        s = pd.Series(["a", "b", "a"], dtype="category", name="tier")
        assert segment_summary(s, pd.DataFrame(FACTS)).index.name == "tier"

    def test_customer_facts_and_labels_index(self) -> None:
        """Labels computed on CustomerFacts (indexed by id) line up with them."""
        facts = custseg.summarize(["b", "a", "b"], ["2024-01-01"] * 3, [1.0, 2.0, 3.0])
        out = custseg.rules.load("base").evaluate([facts, facts.rfm_scores(bins=2)])
        t = segment_summary(out["lifecycle"], facts)
        assert t.loc["Total", "revenue"] == 6.0

    def test_different_index_refused(self) -> None:
        """Labels and facts on different customers are an InputError."""
        labels = pd.Series(["a", "b", "a"], index=[1, 2, 3], dtype="category")
        facts = pd.DataFrame(FACTS, index=[3, 2, 1])
        with pytest.raises(InputError, match="different index"):
            segment_summary(labels, facts)
        facts_ids = custseg.summarize([1, 2, 3], ["2024-01-01"] * 3, [1.0, 1.0, 1.0])
        with pytest.raises(InputError, match="different index"):
            segment_summary(labels.set_axis([9, 8, 7]), facts_ids)

    def test_lengths_must_match(self) -> None:
        """Labels and facts of different lengths are an InputError."""
        with pytest.raises(InputError, match="rows"):
            segment_summary(["a", "b"], FACTS)

    def test_missing_column(self) -> None:
        """Facts without monetary name the missing column."""
        with pytest.raises(InputError, match="'monetary'"):
            segment_summary(["a"], {"recency_days": [1.0], "frequency": [1]})
        with pytest.raises(InputError, match="CustomerFacts"):
            segment_summary(["a"], 42)

    def test_nan_monetary_refused(self) -> None:
        """NaN monetary is an error naming the field."""
        facts = dict(FACTS, monetary=[1.0, np.nan, 2.0])
        with pytest.raises(InputError, match="'monetary'"):
            segment_summary(["a", "b", "c"], facts)

    def test_total_name_clash(self) -> None:
        """A class named like the total row is refused; total=None drops it."""
        with pytest.raises(ThresholdError, match="total"):
            segment_summary(["Total", "a", "a"], FACTS)
        t = segment_summary(["Total", "a", "a"], FACTS, total=None)
        assert t.index.tolist() == ["Total", "a"]

    def test_missing_name_clash(self) -> None:
        """A missing label named like an existing class is refused."""
        with pytest.raises(ThresholdError, match="missing"):
            segment_summary(["missing", None, "a"], FACTS)

    def test_scalar_labels(self) -> None:
        """A scalar is not a labelling."""
        with pytest.raises(InputError, match="scalar"):
            segment_summary("abc", FACTS)
