"""pandas in, pandas out, aligned: results carry the input's index.

One test group per public function that accepts pandas Series or frames: a
Series on a shuffled, non-default index goes in; the result's pandas form has
the same index, and ``concat`` / ``join`` with the input keeps the row count
and puts each label on its own customer.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegWarning, InputError
from custseg.frame import apply_rules, segment_frame, summarize_frame


@st.composite
def customers(draw: st.DrawFn, min_size: int = 1) -> pd.DataFrame:
    """A per-customer frame on a shuffled, non-default index (string or int)."""
    n = draw(st.integers(min_size, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    labels = rng.permutation(n) * 7 + 1000
    index: pd.Index = (
        pd.Index([f"c{x:05d}" for x in labels], name="member")
        if draw(st.booleans())
        else pd.Index(labels, name="member")
    )
    recency = rng.integers(0, 500, n).astype(float)
    if draw(st.booleans()):
        gaps = rng.random(n) < 0.2
        gaps[0] = False  # at least one known value to fit edges on
        recency[gaps] = np.nan
    return pd.DataFrame(
        {
            "recency_days": recency,
            "frequency": rng.integers(1, 9, n),
            "monetary": rng.gamma(2.0, 100.0, n).round(2),
        },
        index=index,
    )


def _same_rows(frame: pd.DataFrame, result: pd.Series | pd.DataFrame) -> None:
    assert result.index.equals(frame.index)
    joined = pd.concat([frame, result], axis=1)
    assert len(joined) == len(frame)
    assert frame.join(result, suffixes=("", "_r")).shape[0] == len(frame)


class TestLifecycleStage:
    @given(frame=customers())
    def test_index_kept(self, frame: pd.DataFrame) -> None:
        """lifecycle_stage(Series).to_pandas() is on the Series' index, named."""
        out = custseg.lifecycle_stage(frame["recency_days"]).to_pandas()
        _same_rows(frame, out)
        assert out.name == "lifecycle"
        expected = custseg.lifecycle_stage(frame["recency_days"].to_numpy())
        assert out.cat.codes.tolist() == expected.codes.tolist()

    def test_numpy_input_gives_a_range_index(self) -> None:
        """Without pandas input the Series has a RangeIndex."""
        out = custseg.lifecycle_stage(np.array([1.0, 400.0])).to_pandas()
        assert out.index.equals(pd.RangeIndex(2))


class TestAbcClasses:
    @given(frame=customers())
    def test_index_kept(self, frame: pd.DataFrame) -> None:
        """abc_classes(Series).to_pandas() is on the Series' index."""
        out = custseg.abc_classes(frame["monetary"]).to_pandas()
        _same_rows(frame, out)
        assert out.name == "abc"


class TestRfmScores:
    @given(frame=customers(min_size=2))
    def test_index_kept(self, frame: pd.DataFrame) -> None:
        """RfmScores.to_pandas() is on the inputs' index; unknown scores are <NA>."""
        s = custseg.rfm_scores(
            frame["recency_days"],
            frame["frequency"],
            frame["monetary"],
            bins=2,
            nan="unknown",
        )
        out = s.to_pandas()
        _same_rows(frame, out)
        unknown = frame["recency_days"].isna()
        assert out.loc[unknown, "r"].isna().all()
        assert out.loc[unknown, "rfm"].isna().all()
        assert (out.loc[~unknown, "r"] >= 1).all()
        assert str(out["r"].dtype) == "Int8"

    def test_mismatched_indexes_refused(self) -> None:
        """Series on different indexes are an InputError, not a silent shift."""
        a = pd.Series([1.0, 2.0], index=["x", "y"])
        b = pd.Series([3, 4], index=["y", "x"])
        with pytest.raises(InputError, match="different index"):
            custseg.rfm_scores(a, b, a, bins=2)

    def test_the_reported_shift(self) -> None:
        """concat of a customer-indexed frame and the scores has as many rows
        as customers (it had one more, every label shifted by one)."""
        frame = pd.DataFrame(
            {
                "recency_days": [5.0, 50.0, 500.0],
                "frequency": [3, 2, 1],
                "monetary": [300.0, 200.0, 10.0],
            },
            index=pd.Index([101, 102, 103], name="customer_id"),
        )
        s = custseg.rfm_scores(
            frame.recency_days, frame.frequency, frame.monetary, bins=3
        )
        joined = pd.concat([frame, s.to_pandas()], axis=1)
        assert len(joined) == 3
        assert joined.loc[101, "r"] == 3 and joined.loc[103, "r"] == 1


class TestScore:
    @given(frame=customers())
    def test_index_kept(self, frame: pd.DataFrame) -> None:
        """score(Series) is a Series on the same index and name."""
        edges = custseg.ScoreEdges((30, 90, 180, 365))
        out = custseg.score(
            frame["recency_days"], edges, higher_is_better=False, nan="unknown"
        )
        _same_rows(frame, out)
        assert out.name == "recency_days"


class TestSummarize:
    @given(frame=customers())
    def test_customer_index(self, frame: pd.DataFrame) -> None:
        """summarize(...).to_pandas() is indexed by customer id and joins a
        customer table one to one."""
        ids = np.repeat(frame.index.to_numpy(), 2)
        dates = np.repeat(np.datetime64("2024-01-01", "D"), len(ids))
        facts = custseg.summarize(pd.Series(ids), dates, np.ones(len(ids)))
        out = facts.to_pandas()
        assert out.index.name == "customer_id"
        joined = frame.join(out, suffixes=("", "_f"))
        assert len(joined) == len(frame)
        assert joined["frequency_f"].eq(2).all()

    def test_btyd_same_shape(self) -> None:
        """CustomerFacts and BtydSummary frames have the same index shape."""
        args = (
            ["b", "a", "b"],
            ["2024-01-01", "2024-01-02", "2024-01-09"],
            [1.0, 2, 3],
        )
        facts = custseg.summarize(*args).to_pandas()
        btyd = custseg.btyd_summary(*args, observation_end="2024-01-31").to_pandas()
        assert facts.index.equals(btyd.index)
        assert facts.index.name == btyd.index.name == "customer_id"


class TestRulesEvaluate:
    @given(frame=customers())
    @settings(max_examples=30)
    def test_index_kept(self, frame: pd.DataFrame) -> None:
        """RulesResult.to_pandas() is on the DataFrame's index."""
        rs = rules.loads(
            """
            format = 1
            [fields]
            recency_days = { type = "number", min = 0, missing = true }
            monetary = { type = "number" }
            [tables.stage]
            field = "recency_days"
            breaks = [90, 180]
            labels = ["active", "silent", "lost"]
            missing = "none"
            [segments.value]
            default = "regular"
            rules = [{ label = "vip", when = "monetary >= 300" }]
            """
        )
        out = rs.evaluate(frame).to_pandas()
        _same_rows(frame, out)
        labels = rs.evaluate(frame)["value"].to_pandas()
        assert labels.index.equals(frame.index) and labels.name == "value"

    def test_facts_and_scores(self) -> None:
        """evaluate takes CustomerFacts, RfmScores and lists of them, by customer."""
        facts = custseg.summarize(
            ["z", "a", "a", "m"],
            ["2024-01-02", "2023-03-01", "2024-01-05", "2023-01-01"],
            [120.0, 80.0, 60.0, -5.0],
        )
        scores = custseg.rfm_scores(
            facts.recency_days,
            facts.frequency,
            facts.monetary,
            bins=2,
            nan="unknown",
        )
        out = rules.load("base").evaluate([facts, scores]).to_pandas()
        assert out.index.tolist() == ["a", "m", "z"]
        assert out.loc["m", "lifecycle"] == "no_purchase"
        assert out.loc["m", "rfm11"] == "Unscored"  # no score is missing, not 0

    @pytest.mark.parametrize("bad", [42, "text", None, [1, 2], ()])
    def test_other_kinds_refused(self, bad: object) -> None:
        """Anything but the documented kinds is a custseg InputError."""
        with pytest.raises(InputError, match="'data'"):
            rules.load("ecommerce").evaluate(bad)


def _transactions(frame: pd.DataFrame) -> pd.DataFrame:
    """Two purchases per customer of *frame*, in shuffled row order."""
    rng = np.random.default_rng(len(frame))
    ids = np.repeat(frame.index.to_numpy(), 2)
    days = rng.integers(0, 400, len(ids))
    tx = pd.DataFrame(
        {
            "member": ids,
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
            "amount": rng.gamma(2.0, 50.0, len(ids)).round(2),
        },
        index=pd.Index(rng.permutation(len(ids)) + 500),
    )
    return tx


class TestFrames:
    @given(frame=customers())
    @settings(max_examples=20)
    def test_segment_is_indexed_by_customer(self, frame: pd.DataFrame) -> None:
        """segment / segment_frame / summarize_frame: one row per customer,
        indexed by the customer column, joining the customer table 1:1."""
        tx = _transactions(frame)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            res = custseg.segment(tx, customer="member", preset="ecommerce")
        for out in (
            res.customers,
            segment_frame(tx, customer="member"),
            summarize_frame(tx, customer="member"),
        ):
            assert out.index.name == "member"
            assert sorted(out.index) == sorted(frame.index)
            joined = frame.join(out, suffixes=("", "_seg"))
            assert len(joined) == len(frame)
            assert joined["frequency_seg"].eq(2).all()

    def test_apply_rules_keeps_the_index(self) -> None:
        """apply_rules adds columns on the frame's own index."""
        seg = pd.DataFrame(
            {
                "recency_days": [3.0, 400.0],
                "frequency": [12, 1],
                "monetary": [2500.0, 30.0],
                "tenure_days": [700.0, 400.0],
                "r": pd.array([5, pd.NA], dtype="Int8"),
                "f": pd.array([5, pd.NA], dtype="Int8"),
                "m": pd.array([5, pd.NA], dtype="Int8"),
            },
            index=pd.Index(["u7", "u2"], name="member"),
        )
        out = apply_rules(seg, "ecommerce")
        assert out.index.equals(seg.index)
        assert out.loc["u2", "rfm11"] == "Unscored"
