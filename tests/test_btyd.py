"""Tests for :func:`custseg.summary.btyd_summary` and :class:`BtydSummary`.

``reference_btyd`` follows lifetimes' ``summary_data_from_transaction_data``
(with ``include_first_transaction=False``, ``freq_multiplier=1``) step by step
in pandas, so the vectorised function is compared with that algorithm itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import strategies
from custseg.errors import InputError, ThresholdError
from custseg.btyd import BtydSummary, btyd_summary

BASE = dt.date(2024, 1, 1)


def reference_btyd(
    transactions: pd.DataFrame,
    observation_end: Any,
    freq: str,
    with_amount: bool = True,
) -> pd.DataFrame:
    """lifetimes' summary_data_from_transaction_data, literally, in pandas."""
    end = pd.Timestamp(observation_end).to_period(freq).to_timestamp()
    columns = ["customer_id", "date"] + (["amount"] if with_amount else [])
    tx = transactions[columns].sort_values(columns).copy()
    # dates reduced to the start of their period
    tx["date"] = tx["date"].dt.to_period(freq).dt.to_timestamp()
    tx = tx.loc[tx["date"] <= end].reset_index(drop=True)
    by_period = tx.groupby(["date", "customer_id"], sort=False, as_index=False)
    periods = by_period.sum() if with_amount else by_period.head(1)
    periods = periods.sort_values(["customer_id", "date"]).reset_index(drop=True)
    periods["first"] = False
    first_rows = periods.groupby("customer_id", sort=True).head(1).index
    periods.loc[first_rows, "first"] = True

    customers = periods.groupby("customer_id")["date"].agg(["min", "max", "count"])
    customers["frequency"] = customers["count"] - 1
    customers["T"] = (end - customers["min"]) / np.timedelta64(1, freq)
    customers["recency"] = (customers["max"] - customers["min"]) / np.timedelta64(
        1, freq
    )
    columns = ["frequency", "recency", "T"]
    if with_amount:
        periods.loc[periods["first"], "amount"] = np.nan
        customers["monetary_value"] = (
            periods.groupby("customer_id")["amount"].mean().fillna(0)
        )
        columns.append("monetary_value")
    return customers[columns].astype(float)


def assert_matches(got: BtydSummary, ref: pd.DataFrame) -> None:
    assert got.customer_id.tolist() == ref.index.tolist()
    for name in ("frequency", "recency", "T"):
        values = getattr(got, name)
        assert values.dtype == np.float64, name
        np.testing.assert_array_equal(values, ref[name].to_numpy(), err_msg=name)
    if "monetary_value" in ref:
        assert got.monetary_value is not None
        np.testing.assert_allclose(
            got.monetary_value, ref["monetary_value"].to_numpy(), rtol=1e-9, atol=1e-9
        )
    else:
        assert got.monetary_value is None


def last_day(df: pd.DataFrame) -> dt.date:
    return np.datetime64(df["date"].max(), "D").item()


units = st.sampled_from(["D", "W"])


def end_form(day: dt.date, form: str) -> Any:
    if form == "text":
        return day.isoformat()
    if form == "date":
        return day
    if form == "timestamp":
        return pd.Timestamp(day) + pd.Timedelta(hours=20)
    if form == "datetime64":
        return np.datetime64(day, "D")
    raise AssertionError(form)


END_FORMS = ["text", "date", "timestamp", "datetime64"]


class TestBtydSummary:
    def test_docstring_example(self) -> None:
        """The docstring example: two rows in one period, a one-time buyer."""
        s = btyd_summary(
            ["a", "a", "a", "b"],
            ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"],
            [10.0, 5.0, 30.0, 8.0],
            observation_end="2024-01-31",
        )
        assert s.customer_id.tolist() == ["a", "b"]
        assert s.frequency.tolist() == [1.0, 0.0]
        assert s.recency.tolist() == [10.0, 0.0]
        assert s.T.tolist() == [30.0, 26.0]
        assert s.monetary_value is not None
        assert s.monetary_value.tolist() == [30.0, 0.0]
        assert s.observation_end == np.datetime64("2024-01-31")
        assert (s.unit, s.n_dropped) == ("D", 0)

    @given(
        df=strategies.transactions(),
        unit=units,
        extra_days=st.integers(0, 20),
        form=st.sampled_from(END_FORMS),
        with_amount=st.booleans(),
    )
    def test_matches_lifetimes_reference(
        self,
        df: pd.DataFrame,
        unit: str,
        extra_days: int,
        form: str,
        with_amount: bool,
    ) -> None:
        """frequency/recency/T/monetary_value equal lifetimes' algorithm (D and W periods)."""
        end = last_day(df) + dt.timedelta(days=extra_days)
        got = btyd_summary(
            df["customer_id"],
            df["date"],
            df["amount"] if with_amount else None,
            observation_end=end_form(end, form),
            unit=unit,  # type: ignore[arg-type]
        )
        ref = reference_btyd(df, end, unit, with_amount)
        assert_matches(got, ref)
        assert got.n_dropped == 0
        assert got.unit == unit
        expected_end = pd.Timestamp(end).to_period(unit).to_timestamp()
        assert got.observation_end == np.datetime64(expected_end, "D")

    @given(
        df=strategies.transactions(),
        unit=units,
        offset=st.integers(-10, 65),
        with_amount=st.booleans(),
    )
    def test_drop_matches_lifetimes_filtering(
        self, df: pd.DataFrame, unit: str, offset: int, with_amount: bool
    ) -> None:
        """after_observation_end='drop' equals lifetimes' silent filter and counts the rows."""
        end = BASE + dt.timedelta(days=offset)
        got = btyd_summary(
            df["customer_id"],
            df["date"],
            df["amount"] if with_amount else None,
            observation_end=end,
            unit=unit,  # type: ignore[arg-type]
            after_observation_end="drop",
        )
        ref = reference_btyd(df, end, unit, with_amount)
        assert_matches(got, ref)
        period_end = pd.Timestamp(end).to_period(unit).end_time
        assert got.n_dropped == int((df["date"] > period_end).sum())

    @given(df=strategies.transactions(), unit=units, offset=st.integers(-10, 65))
    def test_raise_on_late_rows(self, df: pd.DataFrame, unit: str, offset: int) -> None:
        """after_observation_end='raise' names 'date', the first late row and the count."""
        end = BASE + dt.timedelta(days=offset)
        late = (df["date"] > pd.Timestamp(end).to_period(unit).end_time).to_numpy()
        call = {
            "observation_end": end,
            "unit": unit,
        }
        if not late.any():
            got = btyd_summary(df["customer_id"], df["date"], df["amount"], **call)
            assert got.n_dropped == 0
            assert len(got) == df["customer_id"].nunique()
            return
        with pytest.raises(InputError) as info:
            btyd_summary(df["customer_id"], df["date"], df["amount"], **call)
        assert info.value.field == "date"
        assert info.value.first_row == int(np.argmax(late))
        assert info.value.n_rows == int(late.sum())
        assert "after observation_end" in str(info.value)

    @given(df=strategies.transactions(), unit=units, data=st.data())
    def test_row_order_does_not_matter(
        self, df: pd.DataFrame, unit: str, data: st.DataObject
    ) -> None:
        """Shuffled rows give the same summary (monetary up to float rounding)."""
        order = data.draw(st.permutations(range(len(df))))
        shuffled = df.iloc[list(order)]
        end = last_day(df)
        a = btyd_summary(
            df["customer_id"], df["date"], df["amount"], observation_end=end, unit=unit
        )
        b = btyd_summary(
            shuffled["customer_id"],
            shuffled["date"],
            shuffled["amount"],
            observation_end=end,
            unit=unit,
        )
        assert a.customer_id.tolist() == b.customer_id.tolist()
        for name in ("frequency", "recency", "T"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.monetary_value is not None and b.monetary_value is not None
        np.testing.assert_allclose(
            a.monetary_value, b.monetary_value, rtol=1e-9, atol=1e-9
        )

    def test_week_periods_run_monday_to_sunday(self) -> None:
        """Weeks are Monday-Sunday: Sunday and the next Monday are one week apart."""
        s = btyd_summary(
            [1, 1, 1, 2],
            ["2024-01-01", "2024-01-07T23:59", "2024-01-08", "2024-01-10"],
            [1.0, 2.0, 4.0, 8.0],
            observation_end="2024-01-24",  # a Wednesday; its week starts 2024-01-22
            unit="W",
        )
        assert s.frequency.tolist() == [1.0, 0.0]
        assert s.recency.tolist() == [1.0, 0.0]
        assert s.T.tolist() == [3.0, 2.0]
        assert s.monetary_value is not None
        assert s.monetary_value.tolist() == [4.0, 0.0]
        assert s.observation_end == np.datetime64("2024-01-22")
        assert s.unit == "W"

    def test_rest_of_the_end_week_is_kept(self) -> None:
        """With weeks, a row later in observation_end's own week is not 'after' it."""
        s = btyd_summary(
            ["a", "a"],
            ["2024-01-01", "2024-01-14T22:00"],  # Monday, then the next Sunday
            observation_end="2024-01-10",
            unit="W",
        )
        assert (s.frequency.tolist(), s.recency.tolist(), s.T.tolist()) == (
            [1.0],
            [1.0],
            [1.0],
        )
        with pytest.raises(InputError) as info:
            btyd_summary(
                ["a", "a"],
                ["2024-01-01", "2024-01-10T12:00"],
                observation_end="2024-01-09",
                unit="D",
            )
        assert (info.value.first_row, info.value.n_rows) == (1, 1)

    def test_refunds_are_transactions(self) -> None:
        """Negative amounts count as transactions (periods), as in lifetimes."""
        s = btyd_summary(
            [1, 1, 1],
            ["2024-01-01", "2024-01-03", "2024-01-05"],
            [10.0, -4.0, 6.0],
            observation_end="2024-01-05",
        )
        assert s.frequency.tolist() == [2.0]
        assert s.recency.tolist() == [4.0]
        assert s.T.tolist() == [4.0]
        assert s.monetary_value is not None
        assert s.monetary_value.tolist() == [1.0]

    def test_drop_counts_and_removes_late_customers(self) -> None:
        """'drop' removes late rows, customers left without rows, and counts the rows."""
        s = btyd_summary(
            ["a", "b", "a", "c"],
            ["2024-01-01", "2024-02-01", "2024-01-03", "2024-01-20"],
            [1.0, 2.0, 3.0, 4.0],
            observation_end="2024-01-10",
            after_observation_end="drop",
        )
        assert s.customer_id.tolist() == ["a"]
        assert s.n_dropped == 2
        assert s.T.tolist() == [9.0]

    def test_raise_message(self) -> None:
        """The default raise gives field, first row, count and the end period."""
        with pytest.raises(InputError) as info:
            btyd_summary(
                [1, 2, 3],
                ["2024-01-01", "2024-03-01", "2024-02-01"],
                observation_end="2024-01-31",
            )
        err = info.value
        assert (err.field, err.first_row, err.n_rows) == ("date", 1, 2)
        assert str(err).startswith(
            "'date' has transactions after observation_end (2024-01-31) "
            "(first at row 1, 2 rows affected)"
        )

    def test_raise_message_weeks(self) -> None:
        """With weeks, the raise message names the observation_end day given."""
        with pytest.raises(InputError) as info:
            btyd_summary(
                ["a", "a"],
                ["2024-01-01", "2024-01-15"],
                observation_end="2024-01-10",
                unit="W",
            )
        assert (info.value.first_row, info.value.n_rows) == (1, 1)
        assert "2024-01-10" in str(info.value)

    def test_bad_unit(self) -> None:
        """A unit other than D or W raises ThresholdError."""
        with pytest.raises(ThresholdError, match="'unit' must be 'D' or 'W'"):
            btyd_summary([1], ["2024-01-01"], observation_end="2024-01-02", unit="M")  # type: ignore[arg-type]

    def test_bad_policy(self) -> None:
        """An unknown after_observation_end raises ThresholdError."""
        with pytest.raises(ThresholdError, match="after_observation_end"):
            btyd_summary(
                [1],
                ["2024-01-01"],
                observation_end="2024-01-02",
                after_observation_end="keep",  # type: ignore[arg-type]
            )

    def test_observation_end_required_and_parsed(self) -> None:
        """observation_end is keyword-required; an unparseable one is an InputError."""
        with pytest.raises(TypeError):
            btyd_summary([1], ["2024-01-01"])  # type: ignore[call-arg]
        with pytest.raises(InputError) as info:
            btyd_summary([1], ["2024-01-01"], observation_end="someday")
        assert info.value.field == "observation_end"

    def test_input_errors(self) -> None:
        """Missing ids, NaT dates, NaN amounts and unequal lengths are InputErrors."""
        end = {"observation_end": "2024-02-01"}
        with pytest.raises(InputError) as info:
            btyd_summary(["a", None], ["2024-01-01", "2024-01-02"], **end)
        assert (info.value.field, info.value.first_row) == ("customer_id", 1)
        with pytest.raises(InputError) as info:
            btyd_summary([1, 2], ["2024-01-01", None], **end)
        assert (info.value.field, info.value.first_row) == ("date", 1)
        with pytest.raises(InputError) as info:
            btyd_summary([1, 2], ["2024-01-01", "2024-01-02"], [np.nan, 1.0], **end)
        assert (info.value.field, info.value.first_row) == ("amount", 0)
        with pytest.raises(InputError) as info:
            btyd_summary([1, 2, 3], ["2024-01-01", "2024-01-02"], **end)
        assert info.value.field == "customer_id"

    def test_tz_aware_dates_use_local_day(self) -> None:
        """A tz-aware purchase counts on its local day (00:30 Shanghai is not the UTC day)."""
        dates = pd.Series(
            pd.DatetimeIndex(
                ["2024-01-01 10:00", "2024-01-03 00:30"], tz="Asia/Shanghai"
            )
        )
        s = btyd_summary([1, 1], dates, observation_end="2024-01-05")
        assert s.recency.tolist() == [2.0]
        assert s.T.tolist() == [4.0]


class TestBtydSummaryToPandas:
    def test_docstring_example(self) -> None:
        """The to_pandas docstring example: one customer, float columns."""
        frame = btyd_summary(
            [1, 1],
            ["2024-01-01", "2024-01-08"],
            [5.0, 7.0],
            observation_end="2024-01-31",
        ).to_pandas()
        expected = pd.DataFrame(
            {
                "frequency": [1.0],
                "recency": [7.0],
                "T": [30.0],
                "monetary_value": [7.0],
            },
            index=pd.Index([1], name="customer_id"),
        )
        pd.testing.assert_frame_equal(frame, expected)

    @pytest.mark.parametrize("unit", ["D", "W"])
    def test_frame_mirrors_arrays(self, unit: str) -> None:
        """Float columns frequency/recency/T/monetary_value, index named customer_id."""
        summary = btyd_summary(
            np.array([30, 10, 30, 20, 30]),
            ["2024-01-01", "2024-01-03", "2024-01-09", "2024-01-20", "2024-01-22"],
            [5.0, 1.5, 7.0, 2.0, 3.0],
            observation_end="2024-01-31",
            unit=unit,  # type: ignore[arg-type]
        )
        assert summary.monetary_value is not None
        frame = summary.to_pandas()
        assert list(frame.columns) == ["frequency", "recency", "T", "monetary_value"]
        assert all(frame[c].dtype == np.float64 for c in frame.columns)
        assert frame.index.name == "customer_id"
        assert frame.index.tolist() == [10, 20, 30]
        assert (
            frame.to_numpy().tolist()
            == np.column_stack(
                [summary.frequency, summary.recency, summary.T, summary.monetary_value]
            ).tolist()
        )
        if unit == "D":
            assert frame.loc[30].tolist() == [2.0, 21.0, 30.0, 5.0]
        else:
            assert frame.loc[30].tolist() == [2.0, 3.0, 4.0, 5.0]

    def test_without_amount(self) -> None:
        """amount=None gives monetary_value None and no monetary_value column."""
        s = btyd_summary(
            ["x", "y", "x"],
            ["2024-01-01", "2024-01-02", "2024-01-04"],
            observation_end="2024-01-04",
        )
        assert s.monetary_value is None
        frame = s.to_pandas()
        assert list(frame.columns) == ["frequency", "recency", "T"]
        assert frame.index.name == "customer_id"
        assert frame.index.tolist() == ["x", "y"]
        assert frame.to_numpy().tolist() == [[1.0, 3.0, 3.0], [0.0, 0.0, 2.0]]
        assert len(s) == 2
