"""Tests for custseg.datasets.simulate_transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg import ThresholdError
from custseg.datasets import simulate_transactions

N = 2_000


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return simulate_transactions(N, seed=7)


class TestSimulateTransactions:
    def test_same_seed_same_data(self) -> None:
        """The same seed and parameters give an identical frame."""
        a = simulate_transactions(500, seed=11)
        b = simulate_transactions(500, seed=11)
        pd.testing.assert_frame_equal(a, b)

    def test_different_seed_different_data(self) -> None:
        """Another seed gives other data."""
        a = simulate_transactions(500, seed=11)
        b = simulate_transactions(500, seed=12)
        assert not a.equals(b)

    def test_global_numpy_state_does_not_matter(self) -> None:
        """Only the seed drives the data, not NumPy's global random state."""
        np.random.seed(1)  # noqa: NPY002 - checking the legacy global state is unused
        a = simulate_transactions(300, seed=5)
        np.random.seed(2)  # noqa: NPY002
        b = simulate_transactions(300, seed=5)
        pd.testing.assert_frame_equal(a, b)

    def test_columns_and_dtypes(self, tx: pd.DataFrame) -> None:
        """Columns customer_id (int64), date (datetime64[s]), amount (float64)."""
        assert list(tx.columns) == ["customer_id", "date", "amount"]
        assert tx["customer_id"].dtype == np.dtype("int64")
        assert tx["date"].dtype == np.dtype("datetime64[s]")
        assert tx["amount"].dtype == np.dtype("float64")

    def test_every_customer_appears(self, tx: pd.DataFrame) -> None:
        """Ids are exactly 0 .. n_customers - 1, each with at least one row."""
        assert sorted(tx["customer_id"].unique().tolist()) == list(range(N))

    def test_default_index_and_no_missing(self, tx: pd.DataFrame) -> None:
        """A fresh RangeIndex and no missing values in any column."""
        assert isinstance(tx.index, pd.RangeIndex)
        assert tx.index.equals(pd.RangeIndex(len(tx)))
        assert not tx.isna().any().any()

    def test_amounts_rounded_to_cents_and_never_zero(self, tx: pd.DataFrame) -> None:
        """Amounts are whole cents and no row is zero."""
        cents = tx["amount"].to_numpy() * 100
        np.testing.assert_allclose(cents, np.round(cents), atol=1e-6)
        assert (tx["amount"] != 0).all()

    def test_first_purchase_is_positive(self, tx: pd.DataFrame) -> None:
        """Each customer's earliest transaction is a purchase (amount > 0)."""
        first = (
            tx.sort_values(["customer_id", "date"], kind="stable")
            .groupby("customer_id")["amount"]
            .first()
        )
        assert len(first) == N
        assert (first > 0).all()

    def test_refunds_follow_a_purchase_of_the_same_customer(
        self, tx: pd.DataFrame
    ) -> None:
        """Every refund is at least a day after a purchase of that customer
        at least as large."""
        refunds = tx[tx["amount"] < 0]
        purchases = tx[tx["amount"] > 0]
        assert len(refunds) > 0
        pairs = refunds.merge(purchases, on="customer_id", suffixes=("_r", "_p"))
        pairs = pairs[
            (pairs["date_p"] <= pairs["date_r"] - pd.Timedelta(days=1))
            & (pairs["amount_p"] >= -pairs["amount_r"])
        ]
        matched = pairs.drop_duplicates(["customer_id", "date_r", "amount_r"])
        assert len(matched) == len(
            refunds.drop_duplicates(["customer_id", "date", "amount"])
        )

    def test_refund_share_near_rate(self) -> None:
        """About refund_rate of the purchases get a refund row."""
        tx = simulate_transactions(5_000, seed=3, refund_rate=0.1)
        share = (tx["amount"] < 0).sum() / (tx["amount"] > 0).sum()
        assert 0.08 < share < 0.11

    def test_dates_within_start_end(self) -> None:
        """Every date falls in [start, end), refunds included."""
        tx = simulate_transactions(
            3_000, seed=4, start="2024-03-01", end="2024-04-01", refund_rate=0.2
        )
        assert tx["date"].min() >= pd.Timestamp("2024-03-01")
        assert tx["date"].max() < pd.Timestamp("2024-04-01")

    def test_default_period_is_2023_2024(self, tx: pd.DataFrame) -> None:
        """The default period is [2023-01-01, 2025-01-01)."""
        assert tx["date"].min() >= pd.Timestamp("2023-01-01")
        assert tx["date"].max() < pd.Timestamp("2025-01-01")

    def test_sorted_by_date_by_default(self, tx: pd.DataFrame) -> None:
        """With sort=True (default) rows are in date order."""
        assert tx["date"].is_monotonic_increasing

    def test_unsorted_is_grouped_by_customer(self) -> None:
        """With sort=False rows are ordered by customer, as documented."""
        tx = simulate_transactions(300, seed=1, sort=False)
        assert tx["customer_id"].is_monotonic_increasing

    def test_sort_only_reorders_rows(self) -> None:
        """sort=False holds the same rows as sort=True."""
        a = simulate_transactions(400, seed=2)
        b = simulate_transactions(400, seed=2, sort=False)
        key = ["customer_id", "date", "amount"]
        pd.testing.assert_frame_equal(
            a.sort_values(key).reset_index(drop=True),
            b.sort_values(key).reset_index(drop=True),
        )

    def test_zero_refund_rate_gives_no_negatives(self) -> None:
        """refund_rate=0 gives only purchases."""
        tx = simulate_transactions(2_000, seed=9, refund_rate=0)
        assert (tx["amount"] > 0).all()

    def test_mean_purchases_per_customer(self) -> None:
        """The mean number of purchases is about purchases_per_customer."""
        tx = simulate_transactions(20_000, seed=0, purchases_per_customer=10)
        mean = (tx["amount"] > 0).sum() / 20_000
        assert 8.5 < mean < 11.5

    def test_one_purchase_per_customer(self) -> None:
        """purchases_per_customer=1 gives each customer exactly one purchase."""
        tx = simulate_transactions(500, seed=0, purchases_per_customer=1)
        counts = tx[tx["amount"] > 0].groupby("customer_id").size()
        assert (counts == 1).all()

    def test_numpy_integer_customer_count(self) -> None:
        """A NumPy integer is accepted as n_customers."""
        tx = simulate_transactions(np.int64(50), seed=0)
        assert tx["customer_id"].nunique() == 50

    @pytest.mark.parametrize("n", [0, -3, 2.5, True, "10", None])
    def test_bad_customer_count(self, n: object) -> None:
        """n_customers must be an integer >= 1 (bools refused)."""
        with pytest.raises(ThresholdError, match="'n_customers'"):
            simulate_transactions(n)  # type: ignore[arg-type]

    @pytest.mark.parametrize("p", [0.5, 0, -1, float("nan")])
    def test_bad_purchases_per_customer(self, p: float) -> None:
        """purchases_per_customer must be >= 1."""
        with pytest.raises(ThresholdError, match="'purchases_per_customer'"):
            simulate_transactions(10, purchases_per_customer=p)

    @pytest.mark.parametrize("rate", [-0.01, 1, 1.5, float("nan")])
    def test_bad_refund_rate(self, rate: float) -> None:
        """refund_rate must be in [0, 1)."""
        with pytest.raises(ThresholdError, match="'refund_rate'"):
            simulate_transactions(10, refund_rate=rate)

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2024-01-01", "2024-01-01"),
            ("2024-01-01", "2024-01-01T12:00"),
            ("2024-02-01", "2024-01-01"),
        ],
    )
    def test_period_shorter_than_a_day(self, start: str, end: str) -> None:
        """end must be at least one day after start."""
        with pytest.raises(ThresholdError, match="'end'"):
            simulate_transactions(10, start=start, end=end)

    def test_threshold_error_is_value_error(self) -> None:
        """Parameter errors can be caught as ValueError."""
        with pytest.raises(ValueError, match="'refund_rate'"):
            simulate_transactions(10, refund_rate=2)


class TestSimulateCustomers:
    def test_one_row_per_customer_plus_potential(self, tx: pd.DataFrame) -> None:
        """Every buyer once, in id order, then potential customers with new ids."""
        from custseg.datasets import simulate_customers

        cust = simulate_customers(tx, seed=3, potential=0.25)
        ids = np.sort(tx["customer_id"].unique())
        assert cust["customer_id"].is_unique
        assert cust["customer_id"].iloc[: len(ids)].tolist() == ids.tolist()
        extra = cust["customer_id"].iloc[len(ids) :]
        assert len(extra) == round(0.25 * len(ids))
        assert not extra.isin(ids).any()
        # potential customers never answered the survey, all are interested
        tail = cust.iloc[len(ids) :]
        assert tail["satisfaction"].isna().all() and tail["interested"].all()
        assert (
            cust.iloc[: len(ids)][["need", "motivation", "ability", "timing"]]
            .isna()
            .all()
            .all()
        )

    def test_answers_follow_behaviour(self, tx: pd.DataFrame) -> None:
        """Satisfied customers buy more often than dissatisfied ones."""
        from custseg import summarize
        from custseg.datasets import simulate_customers

        cust = simulate_customers(tx, seed=3).set_index("customer_id")
        facts = summarize(tx["customer_id"], tx["date"], tx["amount"]).to_pandas()
        joined = facts.join(cust)
        mean = joined.groupby("satisfaction")["frequency"].mean()
        assert mean["very_satisfied"] > mean["neutral"] > mean["very_dissatisfied"]
        assert (
            joined["repurchase"].between(0, 1).all()
            or joined["repurchase"].isna().any()
        )
        assert 0.5 < joined["satisfaction"].notna().mean() < 0.7  # response rate 0.6

    def test_same_seed_same_rows(self, tx: pd.DataFrame) -> None:
        """Deterministic by seed; another seed differs."""
        from custseg.datasets import simulate_customers

        a = simulate_customers(tx, seed=5)
        pd.testing.assert_frame_equal(a, simulate_customers(tx, seed=5))
        assert not a.equals(simulate_customers(tx, seed=6))

    @pytest.mark.parametrize(
        "kw", [{"response_rate": 1.5}, {"potential": -0.1}, {"potential": True}]
    )
    def test_bad_shares(self, tx: pd.DataFrame, kw: dict) -> None:
        """Shares outside [0, 1] are refused."""
        from custseg.datasets import simulate_customers

        with pytest.raises(ThresholdError, match="share"):
            simulate_customers(tx, **kw)


class TestSimulateContacts:
    def test_contacts(self, tx: pd.DataFrame) -> None:
        """One sale per buyer first; dated from the sale to before as_of, in date order."""
        from custseg import summarize
        from custseg.datasets import simulate_contacts

        contacts = simulate_contacts(tx, seed=2)
        facts = summarize(tx["customer_id"], tx["date"], tx["amount"]).to_pandas()
        sales = contacts[contacts["kind"] == "sale"].set_index("customer_id")
        assert sales.index.is_unique
        assert len(sales) == int((facts["frequency"] > 0).sum())
        assert contacts["date"].is_monotonic_increasing
        first_sale = sales["date"].reindex(contacts["customer_id"]).to_numpy()
        assert (contacts["date"].to_numpy() >= first_sale).all()
        assert contacts["date"].max() < pd.Timestamp(
            facts.attrs.get("as_of", "2025-01-02")
        )
        assert set(contacts["initiator"]) == {"customer", "company"}
        pd.testing.assert_frame_equal(contacts, simulate_contacts(tx, seed=2))

    def test_relationships_follow_the_drawn_mix(self, tx: pd.DataFrame) -> None:
        """Kotler's levels come out near the drawn shares, for old and new
        customers alike (the contacts' random stream is not the transactions')."""
        from custseg.datasets import simulate_contacts
        from custseg.relationship import contact_summary, relationship_type

        contacts = simulate_contacts(tx, seed=7)
        summary = contact_summary(
            contacts["customer_id"],
            contacts["date"],
            contacts["initiator"],
            contacts["kind"],
        )
        kind = relationship_type(summary).to_pandas()
        shares = kind.value_counts(normalize=True)
        assert 0.01 < shares["partnership"] < 0.06
        assert 0.08 < shares["proactive"] < 0.2
        sales = contacts[contacts["kind"] == "sale"].set_index("customer_id")["date"]
        first = sales.reindex(kind.index)
        early = first < first.median()
        partners = kind == "partnership"
        assert 0.25 < (early & partners).sum() / partners.sum() < 0.75

    def test_not_transactions(self) -> None:
        """Something other than a transaction frame is refused."""
        from custseg.datasets import simulate_contacts

        with pytest.raises(ThresholdError, match="customer_id, date and amount"):
            simulate_contacts(pd.DataFrame({"x": [1]}))
