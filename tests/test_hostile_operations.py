"""Hostile and odd input for the classifiers and operations (an adversarial
review's findings, each as a family): misaligned pandas inputs, NaN and pd.NA
hidden in lists, ids in other types, bad parameters of the testing kit."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import testing as kit
from custseg.cli import main
from custseg.errors import InputError, ThresholdError

MISSING = [None, float("nan"), np.nan, pd.NA]


class TestAlignedByLabel:
    @given(st.permutations(["x", "y", "z"]))
    @settings(max_examples=10)
    def test_neglect_flags_on_another_index_refused(self, order: list) -> None:
        """Flags of reassign_neglected must be on the customers' index (they
        were read by position: the wrong customer moved)."""
        value = pd.Series([100.0, 1.0, 50.0], index=["z", "y", "x"])
        owner = pd.Series(["a", "b", "a"], index=["z", "y", "x"])
        flags = pd.Series([o == "x" for o in order], index=order)
        if order == ["z", "y", "x"]:
            out = custseg.reassign_neglected(value, owner, ["a", "b"], flags)
            assert out.change.to_pandas().to_dict() == {
                "z": "kept",
                "y": "kept",
                "x": "moved",
            }
        else:
            with pytest.raises(InputError, match="'flags' has a different index"):
                custseg.reassign_neglected(value, owner, ["a", "b"], flags)

    def test_capacity_series_read_by_staff_id(self) -> None:
        """A Series of capacities is read by its staff-id index, not by position."""
        res = custseg.assign_owners(
            [1.0, 2.0, 3.0], ["a", "b"], capacity=pd.Series([2, 1], index=["b", "a"])
        )
        assert res.workload()["capacity"].to_dict() == {"a": 1.0, "b": 2.0}


class TestMissingInsideLists:
    @given(st.lists(st.sampled_from(["a", "b", *MISSING]), min_size=1, max_size=8))
    @settings(max_examples=40)
    def test_nan_in_a_list_of_labels_is_missing(self, values: list) -> None:
        """['a', nan] is a missing label, never a class called 'nan'."""
        table = custseg.segment_summary(
            values,
            {
                "recency_days": [1.0] * len(values),
                "frequency": [1] * len(values),
                "monetary": [1.0] * len(values),
            },
        )
        assert "nan" not in table.index and "<NA>" not in table.index
        n_missing = sum(1 for x in values if x is None or x is pd.NA or x != x)
        assert (
            table.loc["missing", "customers"] == n_missing
            if n_missing
            else "missing" not in table.index
        )

    @pytest.mark.parametrize("gap", MISSING)
    def test_answers_with_gaps(self, gap: object) -> None:
        """Survey answers, yes/no factors and statuses read a gap as unknown."""
        assert (
            custseg.loyalty_level(
                ["satisfied", gap], [0.5, 0.5], ["possible", gap]
            ).to_numpy()[1]
            == "unknown"
        )
        assert (
            custseg.conversion_readiness(
                [True, gap], [True] * 2, [True] * 2, [True] * 2
            ).to_numpy()[1]
            == "need_unknown"
        )
        assert (
            custseg.transition_matrix(["a", "b"], ["a", gap]).counts.columns.tolist()[
                -1
            ]
            == "missing"
        )

    @pytest.mark.parametrize("gap", MISSING)
    def test_numbers_with_gaps(self, gap: object) -> None:
        """pd.NA (from a nullable column's tolist()) is missing in numeric inputs."""
        assert custseg.lifecycle_stage([5, gap]).to_numpy().tolist() == [
            "active",
            "no_purchase",
        ]


class TestIds:
    def test_due_ids_from_the_index_are_checked(self) -> None:
        """Ids taken from the index: missing or repeated ones are refused."""
        last = ["2024-01-01", None]
        with pytest.raises(InputError, match="missing ids"):
            custseg.due_contacts(
                pd.Series(last, index=[np.nan, np.nan]), 30, "2024-03-01"
            )
        with pytest.raises(InputError, match="repeated ids such as 'a'"):
            custseg.due_contacts(pd.Series(last, index=["a", "a"]), 30, "2024-03-01")

    def test_assign_matches_owner_written_as_float(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """pandas writes an owner column with gaps as 7.0: it is staff 7."""
        customers = tmp_path / "c.csv"
        customers.write_text(
            "customer_id,monetary,owner\nc1,10,7.0\nc2,20,\nc3,30,8.0\n",
            encoding="utf-8",
        )
        staff = tmp_path / "s.csv"
        staff.write_text("staff\n7\n8\n", encoding="utf-8")
        out = tmp_path / "o.csv"
        assert main(["assign", str(customers), str(staff), "--output", str(out)]) == 0
        got = pd.read_csv(out, dtype=str)
        assert got["change"].tolist() == ["kept", "assigned", "kept"]
        assert got["owner"].tolist()[::2] == ["7", "8"]

    def test_migrate_text_and_integer_ids_meet(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A CSV (ids as text) and a Parquet file (integer ids) of the same customers match."""
        pytest.importorskip("pyarrow")
        frame = pd.DataFrame({"customer_id": [1, 2], "lifecycle": ["active", "silent"]})
        frame.to_csv(tmp_path / "a.csv", index=False)
        frame.to_parquet(tmp_path / "b.parquet", index=False)
        assert (
            main(["migrate", str(tmp_path / "a.csv"), str(tmp_path / "b.parquet")]) == 0
        )
        assert (
            "2 customers (2 in both runs, 0 new, 0 gone); of the 2 in both, "
            "100.0% in the same class" in capsys.readouterr().out
        )


class TestHistoryUsesTheRulesEdges:
    def test_fixed_recency_edges(self) -> None:
        """segment_history with a preset scores R on the preset's fixed days, as segment does."""
        from custseg.datasets import simulate_transactions

        tx = simulate_transactions(300, seed=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            hist = custseg.segment_history(
                tx.customer_id,
                tx.date,
                tx.amount,
                ["2025-01-01"],
                rules=custseg.rules.load("ecommerce"),
            )
            seg = custseg.segment(tx, preset="ecommerce", as_of="2025-01-01")
        assert hist.edges.recency == seg.edges.recency


class TestCountsAndNames:
    @pytest.mark.parametrize("freq", [[-1, 2], [1.5, 1], [2**62, 2**62]])
    def test_segment_summary_frequency(self, freq: list) -> None:
        """Orders are whole counts >= 0 whose sum fits: else an InputError."""
        with pytest.raises(InputError, match="'frequency'"):
            custseg.segment_summary(
                ["a", "b"],
                {"recency_days": [1, 2], "frequency": freq, "monetary": [1.0, 2.0]},
            )

    def test_nps_group_named_missing(self) -> None:
        """A group called '(missing)' beside missing groups is refused, not merged."""
        with pytest.raises(ThresholdError, match=r"\(missing\)"):
            custseg.nps([9, 10], by=["(missing)", None])

    def test_actions_language(self) -> None:
        """A language the playbook does not have is refused (was: English)."""
        pb = custseg.default_playbook("lifecycle")
        assert (
            custseg.actions(["silent"], pb, lang="zh").to_pandas()["action"].iloc[0]
            != custseg.actions(["silent"], pb).to_pandas()["action"].iloc[0]
        )
        with pytest.raises(
            ThresholdError, match="'lang' must be one of the playbook's languages"
        ):
            custseg.actions(["silent"], pb, lang="ZH")


class TestKitParameters:
    @pytest.mark.parametrize(
        "call",
        [
            lambda: kit.transactions(ids="bogus"),
            lambda: kit.transactions(min_customers=0),
            lambda: kit.transactions(start="notadate"),
            lambda: kit.customer_facts(min_rows=5, max_rows=2),
            lambda: kit.scores(bins=1),
            lambda: kit.scores(bins=100),  # past rfm_scores' 99 (and Int8)
            lambda: kit.fields_for("ecommerce", max_rows=-1),
            lambda: kit.assert_reachable("ecommerce", rows=0),
            lambda: kit.assert_reachable("ecommerce", rows="5"),
            lambda: kit.assert_monotone("ecommerce", {}, "nope", "recency_days", []),
            lambda: kit.assert_monotone("ecommerce", {}, "lifecycle", "nope", []),
        ],
    )
    def test_bad_parameters_are_threshold_errors(self, call) -> None:
        """Bad parameters of the kit are custseg errors, never bare Python ones."""
        with pytest.raises((ThresholdError, InputError)):
            call()

    def test_assert_stable_arguments(self) -> None:
        """Something other than segment results, or unknown columns: ThresholdError."""
        from custseg.datasets import simulate_transactions

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            res = custseg.segment(simulate_transactions(50, seed=1))
        with pytest.raises(
            ThresholdError, match=r"'before' must be a custseg\.segment result"
        ):
            kit.assert_stable(res.customers, res)  # type: ignore[arg-type]
        with pytest.raises(ThresholdError, match="'nope'"):
            kit.assert_stable(res, res, columns=["nope"])


class TestMoreNamesAndFiles:
    def test_transition_names_must_differ(self) -> None:
        """new, gone and missing are three rows/columns: the same name twice is refused."""
        with pytest.raises(ThresholdError, match="three different names"):
            custseg.transition_matrix(["a"], ["a"], new="x", gone="x")

    def test_due_holiday_named_twice(self, tmp_path: Path) -> None:
        """Two --holiday options with one name: an error, not the last one kept."""
        customers = tmp_path / "c.csv"
        customers.write_text("customer_id\na\n", encoding="utf-8")
        status = main(
            ["due", str(customers), "--as-of", "2024-03-01", "--cadence", "30",
             "--holiday", "x=2024-03-01", "--holiday", "x=2024-03-02"]
        )  # fmt: skip
        assert status == 2

    def test_migrate_warns_when_no_class_is_shared(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """English against Chinese labels: a warning that every customer counts as moved."""
        (tmp_path / "en.csv").write_text(
            "customer_id,lifecycle\n1,active\n2,silent\n", encoding="utf-8"
        )
        (tmp_path / "zh.csv").write_text(
            "customer_id,lifecycle\n1,活跃期\n2,沉默期\n", encoding="utf-8"
        )
        assert (
            main(["migrate", str(tmp_path / "en.csv"), str(tmp_path / "zh.csv")]) == 0
        )
        assert "has no class in common in the two files" in capsys.readouterr().err

    def test_records_error_names_the_customer(self) -> None:
        """A bad answer is reported for its customer, not a row of the joined frame."""
        tx = pd.DataFrame(
            {
                "customer_id": ["c1", "c9"],
                "date": ["2024-01-01"] * 2,
                "amount": [10.0, 20.0],
            }
        )
        rec = pd.DataFrame(
            {"customer_id": ["c9", "c1"], "satisfaction": ["satisfied", "meh"]}
        )
        with (
            pytest.raises(
                InputError,
                match=r"unknown answer 'meh' in the customer records \(first for customer 'c1'",
            ),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            custseg.segment(tx, preset="ecommerce", as_of="2024-02-01", records=rec)

    def test_segment_reads_other_encodings(self, tmp_path: Path) -> None:
        """segment(path, encoding=...) reads a GBK file (ids with Chinese characters)."""
        path = tmp_path / "tx.csv"
        path.write_bytes("customer_id,date,amount\n会员1,2024-01-05,10\n".encode("gbk"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            out = custseg.segment(str(path), encoding="gbk").customers
        assert out.index.tolist() == ["会员1"]
