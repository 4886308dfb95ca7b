"""custseg.testing: the kit works on our own presets, and its checks can fail."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions
from custseg.errors import ThresholdError
from custseg.testing import (
    assert_monotone,
    assert_order_free,
    assert_reachable,
    assert_stable,
    assert_total,
    boundary_values,
    customer_facts,
    fields_for,
    scores,
    transactions,
)

PRESETS = sorted(rules.presets())
LIFECYCLE = ["active", "silent", "sleeping", "lost", "gone"]  # later is older

MONOTONE_BAD = """format = 1
[fields]
monetary = { type = "number", min = 0 }
[segments.tier]
default = "low"
rules = [
  { label = "high", when = "monetary >= 1000 and monetary < 5000" },
  { label = "mid", when = "monetary >= 100" },
]
"""


class TestStrategies:
    @pytest.mark.parametrize("name", PRESETS)
    def test_fields_for_every_preset(self, name: str) -> None:
        """Rows in the declared domains evaluate; every row gets one label."""
        rs = rules.load(name)

        @settings(max_examples=15, deadline=None)
        @given(fields_for(rs))
        def check(data: dict) -> None:
            assert set(data) == set(rs.fields)
            assert_total(rs, data)

        check()

    def test_boundaries_are_just_below_on_and_above(self) -> None:
        """Each constant the rules compare with: the float below, itself, the float above."""
        edges = boundary_values("ecommerce")
        for c in (90.0, 180.0, 270.0, 365.0):  # the lifecycle breaks
            assert {np.nextafter(c, 0), c, np.nextafter(c, np.inf)} <= set(
                edges["recency_days"]
            )
        assert {999.0, 1000.0, 1001.0} - set(edges["monetary"]) == {
            999.0,
            1001.0,
        }  # a number field: floats
        assert {2, 3, 4} <= set(
            edges["frequency"]
        )  # integer: -1, on, +1 around loyal_orders = 3
        assert edges["recency_days"][0] is None  # may be missing
        assert (
            min(x for x in edges["recency_days"] if x is not None) >= 0
        )  # min = 0 kept

    @settings(max_examples=30, deadline=None)
    @given(transactions(ids="mixed"))
    def test_transactions_summarise(self, tx: pd.DataFrame) -> None:
        """Generated logs are valid input: one row of facts per distinct id;
        '7' and '007' stay two customers."""
        facts = custseg.summarize(tx["customer_id"], tx["date"], tx["amount"])
        assert len(facts) == tx["customer_id"].nunique()
        assert (facts.frequency >= 0).all()

    @settings(max_examples=30, deadline=None)
    @given(customer_facts())
    def test_customer_facts_are_consistent(self, facts: pd.DataFrame) -> None:
        """recency <= tenure; no purchase: both missing."""
        buy = facts["frequency"] > 0
        assert (facts.loc[buy, "recency_days"] <= facts.loc[buy, "tenure_days"]).all()
        assert facts.loc[~buy, ["recency_days", "tenure_days"]].isna().all().all()

    @settings(max_examples=30, deadline=None)
    @given(scores(bins=4))
    def test_scores(self, s: pd.DataFrame) -> None:
        """Scores 1..bins where not missing."""
        assert s.stack().between(1, 4).all()


class TestInvariantsOnPresets:
    @pytest.mark.parametrize("name", PRESETS)
    def test_reachable(self, name: str) -> None:
        """Every label of every shipped segmentation can be reached."""
        assert_reachable(name, rows=5_000)

    @pytest.mark.parametrize("name", PRESETS)
    def test_monotone_in_recency_and_spend(self, name: str) -> None:
        """A later last purchase never moves a customer to a better stage;
        spending more never moves one to a lower e-commerce class."""
        rs = rules.load(name)

        @settings(max_examples=10, deadline=None)
        @given(fields_for(rs, max_rows=10))
        def check(data: dict) -> None:
            assert_monotone(rs, data, "lifecycle", "recency_days", LIFECYCLE)
            assert_monotone(
                rs,
                data,
                "ecom4",
                "monetary",
                ["Ordinary", "Ordinary Loyal", "Key Development"],
            )

        check()

    def test_order_free_with_aggregates(self) -> None:
        """base's 8-type model reads mean(): still independent of row order."""
        rs = rules.load("base")

        @settings(max_examples=15, deadline=None)
        @given(fields_for(rs, min_rows=2), st.integers(0, 100))
        def check(data: dict, seed: int) -> None:
            assert_order_free(rs, data, seed=seed)

        check()

    def test_stable_with_frozen_edges(self) -> None:
        """Customers whose facts did not change keep every label when the
        second run reuses the first's edges."""
        tx = simulate_transactions(400, seed=5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            first = custseg.segment(tx, preset="ecommerce", as_of="2025-01-01")
            more = pd.concat(
                [
                    tx,
                    pd.DataFrame(
                        {
                            "customer_id": [0],
                            "date": [pd.Timestamp("2024-12-31")],
                            "amount": [50.0],
                        }
                    ),
                ]
            )
            second = first.apply(more, as_of="2025-01-01")
        assert_stable(first, second, columns=["lifecycle", "rfm11", "ecom4", "abc"])


class TestTheChecksCanFail:
    def test_monotone_failure_names_the_rule(self) -> None:
        """Spending past 5000 drops 'high' to 'mid': the message shows the row,
        both labels and the rules that decided."""
        rs = rules.loads(MONOTONE_BAD)
        with pytest.raises(AssertionError) as info:
            assert_monotone(
                rs,
                {"monetary": [10.0, 2000.0]},
                "tier",
                "monetary",
                ["low", "mid", "high"],
            )
        msg = str(info.value)
        assert (
            "moves row 1 down in 'tier': 'high' (rule 1: when = 'monetary >= 1000 and monetary < 5000', line 7)"
            in msg
        )
        assert "'mid' (rule 2" in msg and "at monetary = 5000.0" in msg
        assert "{'monetary': 2000.0}" in msg

    @pytest.mark.parametrize(
        ("order", "match"),
        [
            (["low", "Mid", "high"], "labels 'tier' never gives: 'Mid'"),
            (["low", "mid", "high", "mid"], "labels listed twice: 'mid'"),
            ("low", "got the string 'low'"),
        ],
    )
    def test_monotone_order_with_a_typo_is_an_error(
        self, order: Any, match: str
    ) -> None:
        """An order naming a label the output never gives would make the
        check unable to fail (the misspelt class is never compared): refused."""
        rs = rules.loads(MONOTONE_BAD)
        with pytest.raises(ThresholdError, match=match):
            assert_monotone(rs, {"monetary": [10.0, 2000.0]}, "tier", "monetary", order)
        # leaving a label out stays allowed (it is not compared), and the
        # check still fails on the labels listed
        with pytest.raises(AssertionError, match="moves row 1 down"):
            assert_monotone(
                rs, {"monetary": [10.0, 2000.0]}, "tier", "monetary", ["mid", "high"]
            )

    def test_reachable_failure(self) -> None:
        """A rule shadowed by an earlier one is reported."""
        text = MONOTONE_BAD.replace(
            '{ label = "mid", when = "monetary >= 100" },',
            '{ label = "mid", when = "monetary >= 100" },\n  { label = "dead", when = "monetary >= 2000 and monetary < 3000" },',
        )
        with pytest.raises(AssertionError, match="rules that can never decide"):
            assert_reachable(rules.loads(text))

    def test_reachable_sampling_failure(self) -> None:
        """Where the analysis is not exact, a label the sample never reaches is named."""
        text = """format = 1
[fields]
x = { type = "number", min = 0, max = 10 }
[segments.s]
default = "low"
rules = [{ label = "above_mean_twice", when = "x > 2 * mean(x) + 100" }]
"""
        with pytest.raises(AssertionError, match="s: 'above_mean_twice'"):
            assert_reachable(rules.loads(text), rows=500)

    def test_order_failure(self) -> None:
        """A classifier that looks at row positions is caught."""

        class ByPosition:
            def __call__(self, data: pd.DataFrame) -> object:
                rs = rules.loads(MONOTONE_BAD)
                out = rs.evaluate(data)
                codes = np.arange(len(data)) % 3
                labels = out["tier"]
                return type(out)({"tier": type(labels)(codes, labels.names)}, {}, {})

        with pytest.raises(AssertionError, match="depends on the order of the rows"):
            assert_order_free(
                ByPosition(), {"monetary": [1.0, 2.0, 3.0, 4.0, 5.0]}, seed=1
            )

    def test_total_failure(self) -> None:
        """A result with a row left without a label is caught."""

        def leaves_one_out(data: dict) -> object:
            out = rules.loads(MONOTONE_BAD).evaluate(data)
            labels = out["tier"]
            codes = labels.codes.astype(np.int16)
            codes[1] = -1
            fake = type(labels).__new__(type(labels))
            object.__setattr__(fake, "codes", codes)
            object.__setattr__(fake, "names", labels.names)
            return type(out)({"tier": fake}, {}, {})

        with pytest.raises(AssertionError, match="'tier' gives row 1 no label"):
            assert_total(leaves_one_out, {"monetary": [1.0, 2.0]})

    def test_stable_failure(self) -> None:
        """Refitting the edges on the second period moves customers whose facts did not change."""
        tx = simulate_transactions(400, seed=5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            first = custseg.segment(
                tx[tx.customer_id < 300], preset="base", as_of="2025-01-01"
            )
            refit = custseg.segment(tx, preset="base", as_of="2025-01-01")
        with pytest.raises(AssertionError, match=r"'m' moved \d+ customer"):
            assert_stable(first, refit, columns=["m"])
        # one column's name is that column, not its letters
        with pytest.raises(AssertionError, match=r"'m' moved \d+ customer"):
            assert_stable(first, refit, columns="m")

    def test_stable_refuses_to_compare_nothing(self) -> None:
        """A check that compares nobody cannot fail: no columns, or no customer
        with the same facts in both (another as_of, other customers), is an
        error, not a pass."""
        tx = simulate_transactions(200, seed=6)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            first = custseg.segment(tx, preset="base", as_of="2025-01-01")
            later = first.apply(tx, as_of="2025-03-01")
            others = first.apply(
                tx.assign(customer_id=tx.customer_id + 10_000), as_of="2025-01-01"
            )
        with pytest.raises(ThresholdError, match="'columns' is empty"):
            assert_stable(first, first, columns=[])
        for second in (later, others):
            with pytest.raises(AssertionError, match="nothing to compare"):
                assert_stable(first, second)
        assert_stable(first, first)
