"""The fourth audit's index and row-order defects fixed in shared code:
``_align.common_index`` (custseg results with an index; ids compared
exactly), ``plot.rf_heatmap`` with CustomerFacts, ``segment_summary``'s
means and the sign of zero quantile edges."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._align import common_index, same_index
from custseg.errors import InputError

big_ids = st.integers(-(2**62), 2**62)


class TestSameIndex:
    @given(st.lists(big_ids, min_size=1, max_size=8, unique=True), st.data())
    def test_ints_against_floats_exactly(
        self, ids: list[int], data: st.DataObject
    ) -> None:
        """An int index equals a float index only where every float is that
        very integer (pandas compared them as floats: 2**53 + 1 == 2**53)."""
        floats = [float(i) for i in ids]
        if data.draw(st.booleans()):
            floats = floats[::-1]
        want = all(f == i and int(f) == i for f, i in zip(floats, ids, strict=True))
        a, b = pd.Index(np.array(ids, dtype=np.int64)), pd.Index(floats)
        assert same_index(a, b) is want
        assert same_index(b, a) is want

    def test_ids_past_2_53_are_told_apart(self) -> None:
        x = 1_800_000_000_000_000_000
        freq = pd.Series([1, 9], index=np.array([x, x + 1], np.int64))
        days = pd.Series([5.0, 400.0], index=np.array([x + 1, x], np.float64))
        with pytest.raises(InputError, match="different index"):
            custseg.behavioural_loyalty(freq, days)

    @pytest.mark.parametrize(
        ("a", "b", "want"),
        [
            (pd.Index([1, 2]), pd.Index([1.0, 2.0]), True),
            (pd.Index([1, 2]), pd.Index([1.5, 2.0]), False),
            (pd.Index([1, 2]), pd.Index(["1", "2"]), False),
            (pd.Index([], dtype=object), pd.RangeIndex(0), True),
            (
                pd.Index(np.array([2**63], np.uint64)),
                pd.Index([2**63], dtype=object),
                True,
            ),
            (pd.MultiIndex.from_arrays([["a"], [1]]), pd.Index([("a", 1)]), True),
            (pd.CategoricalIndex(["a", "b"]), pd.Index(["a", "b"]), True),
        ],
    )
    def test_kinds(self, a: pd.Index, b: pd.Index, want: bool) -> None:
        assert same_index(a, b) is want


class TestResultsWithAnIndex:
    def test_labels_index_is_checked(self) -> None:
        """A Labels made from a Series counts as that Series: another order
        is refused (it was paired by position), the same order passes."""
        days = pd.Series([10.0, 400.0, 40.0], index=["a", "b", "c"])
        stage = custseg.lifecycle_stage(days.iloc[::-1])
        with pytest.raises(InputError) as info:
            common_index(days=days, stage=stage)
        assert "stage.to_pandas().reindex(days.index)" in info.value.fix
        same = custseg.lifecycle_stage(days)
        assert list(common_index(days=days, stage=same)) == ["a", "b", "c"]
        assert list(common_index(stage=same, values=[1, 2, 3])) == ["a", "b", "c"]

    def test_owner_labels_month_to_month(self) -> None:
        v1 = pd.Series([100.0, 90, 80, 70], index=["a", "b", "c", "d"])
        first = custseg.assign_owners(
            v1,
            ["amy", "bo"],
            current_owner=pd.Series(["amy", "amy", "bo", "bo"], index=v1.index),
        )
        with pytest.raises(InputError, match="different index"):
            custseg.assign_owners(
                v1.iloc[::-1], ["amy", "bo"], current_owner=first.owner
            )
        again = custseg.assign_owners(v1, ["amy", "bo"], current_owner=first.owner)
        assert again.owner.to_pandas().to_dict() == first.owner.to_pandas().to_dict()


class TestHeatmapFacts:
    @settings(max_examples=20, deadline=None)
    @given(st.permutations(range(6)))
    def test_facts_paired_by_customer(self, perm: list[int]) -> None:
        """CustomerFacts beside scores of customers in another order are
        refused (their monetary was read by position); in the same order the
        cells are the facts' means."""
        pytest.importorskip("matplotlib")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from custseg import plot

        ids = list("abcdef")
        facts = custseg.summarize(
            ids,
            [
                "2024-03-30",
                "2024-01-01",
                "2024-03-29",
                "2023-12-01",
                "2024-02-01",
                "2024-03-01",
            ],
            [1000.0, 10.0, 900.0, 20.0, 50.0, 70.0],
            as_of="2024-03-31",
        )
        df = facts.to_pandas().iloc[perm]
        scores = custseg.rfm_scores(df.recency_days, df.frequency, df.monetary, bins=2)
        if list(df.index) != sorted(df.index):
            with pytest.raises(InputError, match="another index"):
                plot.rf_heatmap(scores, facts, value="monetary")
        else:
            plot.rf_heatmap(scores, facts, value="monetary")
        plot.rf_heatmap(scores, df.monetary, value="monetary")
        plt.close("all")


class TestOrderFreeMeans:
    @settings(max_examples=60)
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 2),
                st.floats(0, 1000).map(lambda x: x / 3),
                st.integers(1, 5),
                st.floats(0, 1e6).map(lambda x: x / 7),
            ),
            min_size=1,
            max_size=30,
        ),
        st.randoms(use_true_random=False),
    )
    def test_segment_summary_any_order(self, rows: list, rnd) -> None:
        """Every column of segment_summary, the total row included, is the
        same bit for bit for every order of the customers (recency means of
        fractional days were summed in row order)."""
        labels = np.array(["x", "y", "z"])[[r[0] for r in rows]]
        frame = pd.DataFrame(
            {
                "recency_days": [r[1] for r in rows],
                "frequency": [r[2] for r in rows],
                "monetary": [r[3] for r in rows],
            }
        )
        perm = list(range(len(rows)))
        rnd.shuffle(perm)
        a = custseg.segment_summary(labels, frame)
        b = custseg.segment_summary(
            labels[perm], frame.iloc[perm].reset_index(drop=True)
        )
        pd.testing.assert_frame_equal(a, b, check_exact=True)

    @given(
        st.lists(st.sampled_from([-0.0, 0.0, 1.0, -1.0, 5.0]), min_size=1, max_size=20),
        st.integers(2, 6),
        st.randoms(use_true_random=False),
    )
    def test_zero_edges_have_one_sign(
        self, values: list[float], bins: int, rnd
    ) -> None:
        """Quantile edges at zero are +0.0 whatever the order of -0.0 and 0.0."""
        shuffled = values[:]
        rnd.shuffle(shuffled)
        a = custseg.quantile_edges(values, bins).cuts
        b = custseg.quantile_edges(shuffled, bins).cuts
        assert [math.copysign(1.0, c) for c in a] == [math.copysign(1.0, c) for c in b]
        assert a == b
        assert all(math.copysign(1.0, c) == 1.0 for c in a if c == 0)


class TestClassNamesEverywhere:
    """Numbers get one class name whatever holds them, in every function that
    reads labels (label_codes), not only in transition_matrix."""

    containers: ClassVar[list[Any]] = [
        lambda xs: list(xs),
        lambda xs: np.array(xs, dtype=np.float64),
        lambda xs: pd.Series(xs, dtype="float64").astype("category"),
        lambda xs: pd.Categorical([float(x) for x in xs]),
        lambda xs: pd.Series(xs, dtype="Int64"),
    ]

    @given(
        st.lists(st.integers(0, 4), min_size=1, max_size=12),
        st.sampled_from(range(5)),
        st.sampled_from(range(5)),
    )
    def test_same_names(self, xs: list[int], i: int, j: int) -> None:
        from custseg.labels import label_codes

        a = label_codes(self.containers[i](xs))
        b = label_codes(self.containers[j](xs))
        names_a = [a[1][c] for c in a[0]]
        names_b = [b[1][c] for c in b[0]]
        assert names_a == names_b == [str(x) for x in xs]

    def test_playbook_finds_float_categories(self) -> None:
        from custseg.playbook import Action, Playbook, actions

        jan = pd.Series([1.0, 2.0, np.nan], index=["c1", "c2", "c3"]).astype("category")
        pb = Playbook(
            {
                "1": Action("call", "phone", 1, cadence_days=7),
                "2": Action("sms", "sms", 2, cadence_days=30),
            }
        )
        got = actions(jan, pb).to_pandas()["action"].tolist()
        assert got[:2] == ["call", "sms"]

    def test_categories_of_two_kinds_refused(self) -> None:
        from custseg.playbook import Action, Playbook, actions

        cat = pd.Categorical([1, "1", 1], categories=[1, "1"])
        pb = Playbook({"1": Action("call", "phone", 1, cadence_days=7)})
        with pytest.raises(InputError, match="different types"):
            actions(cat, pb)
        with pytest.raises(InputError, match="different types"):
            custseg.transition_matrix(cat, cat)

    def test_transition_matrix_of_ids_refused_before_allocating(self) -> None:
        ids = np.arange(20_000).astype(str)
        with pytest.raises(InputError, match="20,000 classes"):
            custseg.transition_matrix(ids, ids)


class TestRecordsOnlyOrder:
    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.text("abcxyz", min_size=1, max_size=3),
            min_size=1,
            max_size=8,
            unique=True,
        ),
        st.randoms(use_true_random=False),
    )
    def test_records_only_customers_sorted(self, rec_ids: list[str], rnd) -> None:
        """Customers only in the records come after the buyers sorted by id,
        whatever the order of the records' rows (it was the file's order)."""
        import warnings

        tx = pd.DataFrame(
            {
                "customer_id": ["b", "d"],
                "date": ["2024-01-01", "2024-01-02"],
                "amount": [10.0, 20.0],
            }
        )
        rec = pd.DataFrame({"customer_id": rec_ids, "vip": [True] * len(rec_ids)})
        shuffled = rec.sample(frac=1, random_state=rnd.randrange(1000))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = custseg.segment(tx, as_of="2024-02-01", records=rec).to_pandas()
            b = custseg.segment(tx, as_of="2024-02-01", records=shuffled).to_pandas()
        assert a.index.tolist() == b.index.tolist()
        extra = [i for i in a.index if i not in ("b", "d")]
        assert extra == sorted(extra)
        pd.testing.assert_frame_equal(a, b)
