"""custseg.segment: one call from transactions to segments, and what a new
user hit on the way (each test names the observation it turns into a check)."""

from __future__ import annotations

import subprocess
import sys
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
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.frame import SegmentResult, segment, segment_frame, summarize_frame


def _quiet(*args: object, **kwargs: object) -> SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return segment(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    return simulate_transactions(3_000, seed=11)


class TestSegment:
    def test_one_row_per_customer(self, store: pd.DataFrame) -> None:
        """Facts, scores, spine labels and every rules output, by customer."""
        res = segment(store, preset="ecommerce")
        out = res.customers
        assert out.index.name == "customer_id"
        assert out.index.is_unique
        assert len(out) == store["customer_id"].nunique()
        rs = rules.load("ecommerce")
        optional = {f for f, spec in rs.fields.items() if spec.optional}
        reads = rs.fields_read()
        for column in ("recency_days", "r", "f", "m", "rfm", "abc", *rs.outputs):
            if reads.get(column, frozenset()) & optional:  # needs customer records
                assert column not in out.columns, column
            else:
                assert column in out.columns, column
        assert res.rules is not None and res.rules.outputs == rs.outputs
        assert res.as_of == np.datetime64("2025-01-01")

    def test_matches_the_steps(self, store: pd.DataFrame) -> None:
        """segment = summarize + rfm_scores with the same edges + rules."""
        res = segment(store, preset="ecommerce")
        facts = custseg.summarize(store.customer_id, store.date, store.amount)
        scores = custseg.rfm_scores(
            facts.recency_days,
            np.where(facts.frequency > 0, facts.frequency, np.nan),
            np.where(facts.frequency > 0, facts.monetary, np.nan),
            edges=res.edges,
            nan="unknown",
        )
        assert res.customers["rfm"].tolist() == scores.to_pandas()["rfm"].tolist()
        expected = rules.load("ecommerce").evaluate([facts, scores])
        for name in ("rfm11", "ecom4", "lifecycle"):
            assert res.customers[name].tolist() == expected[name].to_numpy().tolist()

    def test_preset_edges_are_fixed(self, store: pd.DataFrame) -> None:
        """A preset with [scores] edges scores recency on them, not on quantiles."""
        res = segment(store, preset="ecommerce")
        spec = rules.load("ecommerce").scores["r"]
        assert spec.edges is not None
        assert res.edges.recency.cuts == spec.edges

    def test_bins_override_the_preset(self, store: pd.DataFrame) -> None:
        """bins= fits quantile edges on every dimension, per dimension counts too."""
        res = _quiet(store, bins=(3, 4, 5))
        assert (
            res.edges.recency.bins,
            res.edges.frequency.bins,
            res.edges.monetary.bins,
        ) == (3, 4, 5)
        assert res.customers["r"].max() <= 3

    def test_apply_scores_a_later_period_on_the_same_scale(
        self, store: pd.DataFrame
    ) -> None:
        """apply() reuses the rules and the RFM and ABC edges."""
        first = _quiet(
            store[store.date < "2024-07-01"], preset="ecommerce", as_of="2024-07-01"
        )
        second = first.apply(store, as_of="2025-01-01")
        assert second.edges == first.edges
        assert second.abc_edges == first.abc_edges
        assert second.rules is first.rules
        assert second.as_of == np.datetime64("2025-01-01")

    @given(seed=st.integers(0, 2**32 - 1))
    @settings(max_examples=10, deadline=None)
    def test_row_order_does_not_matter(self, seed: int) -> None:
        """Shuffling the transactions gives the same frame."""
        tx = simulate_transactions(200, seed=seed % 1000)
        shuffled = tx.sample(frac=1.0, random_state=seed % 2**31)
        a = _quiet(tx, preset="beauty_salon").customers
        b = _quiet(shuffled, preset="beauty_salon").customers
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)

    def test_refund_only_customers_are_missing_not_zero(self) -> None:
        """A customer with only refunds has <NA> scores and the explicit labels."""
        tx = pd.DataFrame(
            {
                "customer_id": ["a", "b", "c"],
                "date": ["2024-06-01", "2024-06-02", "2024-06-03"],
                "amount": [50.0, 80.0, -20.0],
            }
        )
        out = _quiet(tx, preset="ecommerce").customers
        assert out.loc["c", ["r", "f", "m", "rfm"]].isna().all()
        assert out.loc["c", "lifecycle"] == "no_purchase"
        assert out.loc["c", "rfm11"] == "Unscored"

    def test_readme_evaluate_on_a_frame_with_refund_only_customer(self) -> None:
        """`rs.evaluate(seg)` on segment_frame output works with a refund-only
        customer (it failed: 'r' has values below the declared min 1)."""
        tx = pd.DataFrame(
            {
                "customer_id": [1, 2, 3, 3],
                "date": ["2024-06-01", "2024-06-02", "2024-06-03", "2024-06-05"],
                "amount": [50.0, -80.0, 20.0, 30.0],
            }
        )
        seg = segment_frame(tx, bins=2)
        out = rules.load("ecommerce").evaluate(seg).to_pandas()
        assert out.index.equals(seg.index)
        assert out.loc[2, "rfm11"] == "Unscored"

    def test_evaluate_takes_what_the_library_gives(self) -> None:
        """evaluate(facts) is a custseg error naming the missing scores (it was
        a bare AttributeError); evaluate([facts, scores]) works."""
        facts = custseg.summarize([1, 2], ["2024-01-01", "2024-01-05"], [5.0, 9.0])
        with pytest.raises(InputError, match="'r' is missing"):
            rules.load("ecommerce").evaluate(facts)
        scores = custseg.rfm_scores(
            facts.recency_days, facts.frequency, facts.monetary, bins=2
        )
        out = rules.load("base").evaluate([facts, scores])  # quantile scores
        assert len(out["rfm11"]) == 2

    def test_errors(self, store: pd.DataFrame) -> None:
        """Both preset and rules, an unknown language, a wrong rules type."""
        with pytest.raises(ThresholdError, match="not both"):
            segment(store, preset="ecommerce", rules="ecommerce")
        with pytest.raises(ThresholdError, match="languages the rules carry"):
            segment(store, preset="ecommerce", lang="fr")
        with pytest.raises(ThresholdError, match="needs rules"):
            segment(store, lang="zh")
        with pytest.raises(ThresholdError, match="RuleSet, a preset name"):
            segment(store, rules=42)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="must be a pandas DataFrame"):
            segment(store.to_dict("list"))  # type: ignore[arg-type]

    def test_chinese_labels(self, store: pd.DataFrame) -> None:
        """lang='zh' gives the translated labels."""
        out = segment(store, preset="ecommerce", lang="zh").customers
        assert "冠军客户" in set(out["rfm11"].astype(str))


class TestSegmentsMeanWhatTheySay:
    def test_two_customers_recent_buyer_is_not_lost(self) -> None:
        """A buyer from two days ago is active and not 'Lost' (with quantile
        edges on a two-customer file it was both)."""
        tx = pd.DataFrame(
            {
                "customer_id": ["new", "old"],
                "date": ["2024-06-28", "2023-01-10"],
                "amount": [40.0, 60.0],
            }
        )
        res = _quiet(tx, preset="ecommerce", as_of="2024-06-30")
        out = res.customers
        assert out.loc["new", "lifecycle"] == "active"
        assert out.loc["new", "rfm11"] != "Lost"
        assert out.loc["new", "r"] == 5

    @pytest.mark.parametrize(
        "preset",
        [
            "ecommerce",
            "beauty_salon",
            "mother_baby",
            "furniture",
            "restaurant",
            "travel",
            "department_store",
        ],
    )
    def test_no_contradiction_with_lifecycle_on_an_old_base(self, preset: str) -> None:
        """Analysed long after the last purchases (CDNOW at its end), no named
        segment contradicts its lifecycle stage (2,459 'Loyal' customers were
        lost or gone)."""
        tx = simulate_transactions(1_500, seed=3)
        res = _quiet(tx, preset=preset, as_of="2026-06-01")
        assert not [d for d in res.diagnostics if "contradicts" in d]

    def test_contradictions_are_reported(self) -> None:
        """With quantile recency edges on an old base, the contradiction share
        is reported as a CustsegWarning and in diagnostics."""
        tx = simulate_transactions(1_500, seed=3)
        quantile_r = rules.loads(
            'format = 1\nextends = "ecommerce"\n[scores]\nr = { bins = 5 }\n'
        )
        with pytest.warns(CustsegWarning, match="contradicts their lifecycle"):
            res = segment(tx, rules=quantile_r, as_of="2026-06-01")
        note = next(d for d in res.diagnostics if "contradicts" in d)
        assert "use fixed recency edges" in note

    def test_bins_keep_the_presets_fixed_edges(self) -> None:
        """bins= changes quantile dimensions only; the preset's R edges stay."""
        tx = simulate_transactions(600, seed=5)
        res = _quiet(tx, preset="ecommerce", bins=5)
        assert res.edges.recency.cuts == rules.preset("ecommerce").scores["r"].edges

    @pytest.mark.parametrize("bins", [3, (5, 3, 5), (5, 5, 7)])
    def test_bins_that_do_not_fit_the_rules_are_refused(
        self, bins: int | tuple[int, int, int]
    ) -> None:
        """Rules written for scores 1..5 refuse 3 or 7 scores (they mislabelled
        silently: the top customers became 'Need Attention')."""
        tx = simulate_transactions(600, seed=5)
        with pytest.raises(ThresholdError, match="the rules declare field"):
            _quiet(tx, preset="ecommerce", bins=bins)

    def test_empty_score_is_explained(self) -> None:
        """An empty F score (ties) is named with its reason, as a warning."""
        rng = np.random.default_rng(0)
        n = 400
        ids = np.concatenate([np.arange(n), rng.integers(0, n // 3, n // 2)])
        tx = pd.DataFrame(
            {
                "customer_id": ids,
                "date": pd.Timestamp("2024-01-01")
                + pd.to_timedelta(rng.integers(0, 300, len(ids)), unit="D"),
                "amount": rng.gamma(2.0, 40.0, len(ids)),
            }
        )
        with pytest.warns(CustsegWarning, match=r"frequency: score.* empty"):
            res = segment(tx, bins=5)
        note = next(d for d in res.diagnostics if d.startswith("frequency: score"))
        assert "have 1" in note and "tie" in note

    def test_too_few_customers(self) -> None:
        """Fewer than 10 customers per score: a warning that says so."""
        tx = simulate_transactions(12, seed=1)
        with pytest.warns(CustsegWarning, match="only 12 customers to fit 5 scores"):
            segment(tx)

    def test_warnings_can_be_errors(self) -> None:
        """Users can turn the warnings into errors with the warnings module."""
        tx = simulate_transactions(12, seed=1)
        with warnings.catch_warnings():
            warnings.simplefilter("error", CustsegWarning)
            with pytest.raises(CustsegWarning):
                segment(tx)


class TestNamespace:
    def test_lazy_submodules(self) -> None:
        """`import custseg` then `custseg.rules.load(...)` works, and importing
        custseg alone does not import pandas or the rules."""
        code = (
            "import sys, custseg\n"
            "assert 'custseg.rules' not in sys.modules\n"
            "assert 'pandas' not in sys.modules\n"
            "print(custseg.rules.load('ecommerce').name)\n"
            "print(custseg.segment.__name__, custseg.frame.__name__)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == ["ecommerce", "segment", "custseg.frame"]

    def test_unknown_attribute(self) -> None:
        """An unknown attribute is still an AttributeError."""
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            custseg.nope  # type: ignore[attr-defined]  # noqa: B018


_LABELS = st.one_of(
    st.integers(-5, 5),
    st.text(max_size=3),
    st.floats(allow_nan=False),
    st.tuples(st.integers(0, 2), st.text(max_size=1)),
    st.booleans(),
    st.none(),
)


class TestColumnArguments:
    @settings(max_examples=25, deadline=None)
    @given(labels=st.lists(_LABELS, min_size=3, max_size=3, unique=True))
    def test_any_hashable_label(self, labels: list[object]) -> None:
        """Columns labelled with any hashable value (0, 1.5, ("a", 1), None)
        give the same segments as the same columns named by strings."""
        tx = simulate_transactions(60, seed=5)
        named = _quiet(tx, preset="ecommerce", as_of="2025-01-01").customers
        relabelled = tx.set_axis(
            pd.Index(labels, dtype=object, tupleize_cols=False), axis=1
        )
        customer, date, amount = labels
        got = _quiet(
            relabelled,
            preset="ecommerce",
            as_of="2025-01-01",
            customer=customer,
            date=date,
            amount=amount,
        ).customers
        assert got.index.name == customer
        pd.testing.assert_frame_equal(got, named, check_names=False)
        frame = segment_frame(
            relabelled, customer=customer, date=date, amount=amount, bins=2
        )
        assert frame["r"].tolist() == segment_frame(tx, bins=2)["r"].tolist()
        summary = summarize_frame(
            relabelled, customer=customer, date=date, amount=amount
        )
        assert summary["frequency"].tolist() == named["frequency"].tolist()

    @pytest.mark.parametrize("arg", ["customer", "date", "amount"])
    @pytest.mark.parametrize(
        "value", [["customer_id"], {"a": 1}, {"date"}, ("amount", [1])]
    )
    def test_unhashable_label(self, arg: str, value: object) -> None:
        """A list, dict or set as a column is an InputError naming the argument."""
        tx = simulate_transactions(20, seed=1)
        for fn in (segment, segment_frame, summarize_frame):
            with pytest.raises(InputError, match=f"'{arg}' must be one column label"):
                fn(tx, **{arg: value})  # type: ignore[operator]

    def test_int_label_missing(self) -> None:
        """A label that is no column is named in the message (as text)."""
        tx = simulate_transactions(20, seed=1).set_axis([0, 1, 2], axis=1)
        with pytest.raises(InputError, match="'7' is not a column"):
            segment(tx, customer=0, date=1, amount=7)


class TestEmptyAndPresets:
    @pytest.mark.parametrize("as_of", [None, "2024-01-01"])
    @pytest.mark.parametrize("preset", [None, "ecommerce"])
    def test_no_rows(self, as_of: str | None, preset: str | None) -> None:
        """A frame without rows: 'has no transactions', before any fitting."""
        tx = simulate_transactions(20, seed=1).iloc[:0]
        with pytest.raises(InputError, match="has no transactions"):
            segment(tx, as_of=as_of, preset=preset)
        with pytest.raises(InputError, match="has no transactions"):
            segment_frame(tx, as_of=as_of)

    def test_missing_column_before_no_rows(self) -> None:
        """An empty frame without the columns names the missing column first."""
        with pytest.raises(InputError, match="'customer_id' is not a column"):
            segment(pd.DataFrame())

    @pytest.mark.parametrize(
        "name",
        ["../../etc/passwd", "/etc/passwd", "RULES", "ecommerce.toml", "", 5, None],
    )
    def test_preset_is_a_name_never_a_path(
        self, tmp_path: object, monkeypatch: pytest.MonkeyPatch, name: object
    ) -> None:
        """preset= takes shipped names only: a path, even of a real rules file,
        is an unknown preset listing the presets; rules= still reads files."""
        monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
        text = rules.preset_text("ecommerce")
        for file in ("RULES", "ecommerce.toml"):
            with open(file, "w", encoding="utf-8") as f:
                f.write(text)
        tx = simulate_transactions(50, seed=1)
        if name is None:
            assert _quiet(tx).rules is None
            return
        with pytest.raises(rules.RulesError) as info:
            segment(tx, preset=name)  # type: ignore[arg-type]
        assert info.value.diagnostics[0].code == "unknown-preset"
        assert "ecommerce, furniture" in str(info.value)
        assert _quiet(tx, rules="ecommerce.toml").rules is not None

    def test_preset_typo_suggests(self) -> None:
        """A near miss of a preset name suggests it."""
        with pytest.raises(rules.RulesError, match="did you mean 'ecommerce'"):
            segment(simulate_transactions(20, seed=1), preset="ecomerce")


class TestSegmentFromAFile:
    @pytest.mark.parametrize("name", ["tx.csv", "tx.tsv", "tx.txt"])
    def test_path_keeps_zero_padded_ids(self, tmp_path: Any, name: str) -> None:
        """segment(path) reads the customer column as text: 00017 is not 17, and
        00017 and 017 stay two customers."""
        sep = "," if name.endswith(".csv") else "\t"
        path = tmp_path / name
        path.write_text(
            sep.join(["member", "date", "amount"])
            + "\n"
            + "\n".join(
                sep.join(row)
                for row in [
                    ("00017", "2024-01-02", "10.5"),
                    ("017", "2024-01-03", "4"),
                    ("00017", "2024-01-09", "1"),
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        res = _quiet(str(path), customer="member")
        assert sorted(res.customers.index) == ["00017", "017"]
        assert res.customers.loc["00017", "frequency"] == 2
        assert _quiet(path, customer="member").customers.index.equals(
            res.customers.index
        )


class TestNothingToFit:
    @given(
        st.lists(st.integers(1, 400), min_size=1, max_size=20),
        st.booleans(),
    )
    @settings(max_examples=30)
    def test_the_error_says_why_there_is_no_buyer(
        self, days: list[int], dropped: bool
    ) -> None:
        """No buyer left: every row dropped after as_of, or refunds only, named as such."""
        as_of = pd.Timestamp("2025-01-01")
        sign = 1.0 if dropped else -1.0
        shift = pd.to_timedelta(days, unit="D")
        tx = pd.DataFrame(
            {
                "customer_id": [f"c{i % 3}" for i in range(len(days))],
                "date": as_of + shift if dropped else as_of - shift,
                "amount": [sign * 10.0] * len(days),
            }
        )
        with pytest.raises(InputError) as err:
            segment(tx, as_of=as_of, after_as_of="drop")
        message = str(err.value)
        if dropped:
            assert f"every one of the {len(days):,d} transactions" in message
            assert "after as_of" in message
            assert "refunds" not in message
        else:
            assert "only refunds" in message

    def test_all_zero_amounts_ignored_say_so(self) -> None:
        """Zero amounts with zero_amount='ignore' are no purchase: the message
        says that, not 'only refunds'."""
        tx = pd.DataFrame({"customer_id": ["a", "b"],
                           "date": ["2024-01-01", "2024-01-02"],
                           "amount": [0.0, 0.0]})  # fmt: skip
        with pytest.raises(InputError) as err:
            segment(tx, as_of="2024-06-01", zero_amount="ignore")
        assert "zero_amount='ignore'" in str(err.value)
        assert "refunds" not in str(err.value)
