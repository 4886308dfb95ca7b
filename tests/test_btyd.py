"""Tests for :mod:`custseg.btyd`: ``btyd_summary`` and ``btyd_calibration_holdout``.

``reference_btyd`` follows lifetimes' ``summary_data_from_transaction_data``
and ``reference_calibration_holdout`` its ``calibration_and_holdout_data``
(with ``include_first_transaction=False``, any ``freq_multiplier``) step by
step in pandas, so the vectorised functions are compared with those
algorithms themselves.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies
from custseg.btyd import (
    BtydCalibrationHoldout,
    BtydSummary,
    btyd_calibration_holdout,
    btyd_summary,
)
from custseg.errors import InputError, ThresholdError

BASE = dt.date(2024, 1, 1)


def reference_btyd(
    transactions: pd.DataFrame,
    observation_end: Any,
    freq: str,
    with_amount: bool = True,
    freq_multiplier: float = 1,
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
    customers["T"] = (
        (end - customers["min"]) / np.timedelta64(1, freq) / freq_multiplier
    )
    customers["recency"] = (
        (customers["max"] - customers["min"])
        / np.timedelta64(1, freq)
        / freq_multiplier
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

# what lifetimes' freq_multiplier / PyMC-Marketing's time_scaler may be
scalers = st.one_of(
    st.sampled_from([1, 7, 7.0, 0.5, 24, 30.4375, 365.25]),
    st.floats(0.01, 1000.0),
)


def end_of_day(day: dt.date) -> pd.Timestamp:
    """The last instant of *day*: lifetimes' raw timestamp comparisons with this
    put the whole day on the calibration side, as custseg does."""
    return pd.Timestamp(day) + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")


def reference_calibration_holdout(
    transactions: pd.DataFrame,
    calibration_period_end: Any,
    observation_period_end: Any,
    freq: str,
    with_amount: bool = True,
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """lifetimes' calibration_and_holdout_data, literally, in pandas (except that
    an empty holdout gives zeros, where lifetimes raises ValueError)."""
    columns = ["customer_id", "date"] + (["amount"] if with_amount else [])
    tx = transactions[columns].copy()
    cal_end = pd.Timestamp(calibration_period_end)
    obs_end = pd.Timestamp(observation_period_end)

    cal_tx = tx.loc[tx["date"] <= cal_end]
    if cal_tx.empty:
        cal = pd.DataFrame(
            columns=["frequency", "recency", "T"]
            + (["monetary_value"] if with_amount else []),
            dtype=float,
        )
    else:
        cal = reference_btyd(cal_tx, cal_end, freq, with_amount, freq_multiplier)
    cal.columns = [c + "_cal" for c in cal.columns]

    hold = tx.loc[(obs_end >= tx["date"]) & (tx["date"] > cal_end)].copy()
    hold["date"] = hold["date"].dt.to_period(freq)
    holdout = (
        hold.groupby(["customer_id", "date"], sort=False)
        .size()
        .groupby(level="customer_id")
        .count()
        .rename("frequency_holdout")
        .to_frame()
    )
    if with_amount:
        # the mean over holdout rows (transactions), not over periods
        holdout["monetary_value_holdout"] = hold.groupby("customer_id")["amount"].mean()
    combined = cal.join(holdout, how="left").fillna(0)
    delta = (obs_end.to_period(freq) - cal_end.to_period(freq)).n
    combined["duration_holdout"] = delta / freq_multiplier
    return combined.astype(float)


def assert_matches_holdout(got: BtydCalibrationHoldout, ref: pd.DataFrame) -> None:
    assert got.customer_id.tolist() == ref.index.tolist()
    exact = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout"]
    for name in [*exact, "duration_holdout"]:
        values = getattr(got, name)
        assert values.dtype == np.float64, name
        assert values.shape == (len(ref),), name
        np.testing.assert_array_equal(values, ref[name].to_numpy(), err_msg=name)
    for name in ("monetary_value_cal", "monetary_value_holdout"):
        values = getattr(got, name)
        if name not in ref:
            assert values is None, name
            continue
        assert values is not None, name
        np.testing.assert_allclose(
            values, ref[name].to_numpy(), rtol=1e-9, atol=1e-9, err_msg=name
        )


# The first seven customers of the CDNOW sample (lifetimes'
# datasets/CDNOW_sample.txt: master id, sample id, date, CDs, dollars) and
# their rows of the published summary (cdnow_customers_summary_with_transactions.csv:
# x, t_x, T in weeks, zbar), calibration 1997-01-01 to 1997-09-30.
CDNOW_ROWS = """\
00004 0001 19970101 2 29.33
00004 0001 19970118 2 29.73
00004 0001 19970802 1 14.96
00004 0001 19971212 2 26.48
00021 0002 19970101 3 63.34
00021 0002 19970113 1 11.77
00050 0003 19970101 1 6.79
00071 0004 19970101 1 13.97
00086 0005 19970101 2 23.94
00111 0006 19970101 1 35.99
00111 0006 19970111 1 32.99
00111 0006 19970315 4 77.96
00111 0006 19970416 3 59.30
00111 0006 19970424 2 134.98
00111 0006 19970623 1 91.92
00111 0006 19970722 3 47.08
00111 0006 19970726 2 71.96
00111 0006 19971025 3 78.47
00111 0006 19971206 3 83.47
00111 0006 19980118 4 84.46
00111 0006 19980215 4 123.96
00111 0006 19980221 2 32.98
00111 0006 19980226 2 23.06
00111 0006 19980510 1 72.99
00111 0006 19980620 3 55.47
00112 0007 19970101 1 11.77
00112 0007 19970205 1 11.77
"""
CDNOW_PUBLISHED = {  # ID: (x, t_x, T, zbar)
    1: (2, 30.43, 38.86, 22.35),
    2: (1, 1.71, 38.86, 11.77),
    3: (0, 0.00, 38.86, 0.00),
    4: (0, 0.00, 38.86, 0.00),
    5: (0, 0.00, 38.86, 0.00),
    6: (7, 29.43, 38.86, 73.74),
    7: (1, 5.00, 38.86, 11.77),
}


def cdnow_rows() -> pd.DataFrame:
    rows = [line.split() for line in CDNOW_ROWS.splitlines()]
    return pd.DataFrame(
        {
            "customer_id": [int(r[1]) for r in rows],
            "date": pd.to_datetime([r[2] for r in rows], format="%Y%m%d"),
            "amount": [float(r[4]) for r in rows],
        }
    )


def round_half_up(x: float) -> float:
    """Two decimals, ties away from zero, as the published table rounds."""
    return float(np.floor(x * 100 + 0.5 + 1e-9) / 100)


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

    @given(
        df=strategies.transactions(),
        unit=units,
        extra_days=st.integers(0, 20),
        time_scaler=scalers,
        with_amount=st.booleans(),
    )
    def test_time_scaler_matches_lifetimes_freq_multiplier(
        self,
        df: pd.DataFrame,
        unit: str,
        extra_days: int,
        time_scaler: float,
        with_amount: bool,
    ) -> None:
        """time_scaler equals lifetimes' freq_multiplier bit for bit (D and W)."""
        end = last_day(df) + dt.timedelta(days=extra_days)
        got = btyd_summary(
            df["customer_id"],
            df["date"],
            df["amount"] if with_amount else None,
            observation_end=end,
            unit=unit,  # type: ignore[arg-type]
            time_scaler=time_scaler,
        )
        ref = reference_btyd(df, end, unit, with_amount, freq_multiplier=time_scaler)
        assert_matches(got, ref)
        assert got.time_scaler == float(time_scaler)
        assert type(got.time_scaler) is float

    @given(df=strategies.transactions(), unit=units, time_scaler=scalers)
    def test_time_scaler_divides_recency_and_t_only(
        self, df: pd.DataFrame, unit: str, time_scaler: float
    ) -> None:
        """Scaling divides recency and T; frequency and monetary_value stay."""
        call = {"observation_end": last_day(df), "unit": unit}
        plain = btyd_summary(df["customer_id"], df["date"], df["amount"], **call)
        scaled = btyd_summary(
            df["customer_id"],
            df["date"],
            df["amount"],
            time_scaler=time_scaler,
            **call,
        )
        np.testing.assert_array_equal(scaled.recency, plain.recency / time_scaler)
        np.testing.assert_array_equal(scaled.T, plain.T / time_scaler)
        np.testing.assert_array_equal(scaled.frequency, plain.frequency)
        assert scaled.monetary_value is not None and plain.monetary_value is not None
        np.testing.assert_array_equal(scaled.monetary_value, plain.monetary_value)
        assert plain.time_scaler == 1.0

    def test_cdnow_published_summary(self) -> None:
        """Days / 7 on the CDNOW sample give the published x, t_x, T and zbar."""
        tx = cdnow_rows()
        s = btyd_summary(
            tx["customer_id"],
            tx["date"],
            tx["amount"],
            observation_end="1997-09-30",
            time_scaler=7,
            after_observation_end="drop",
        )
        assert s.n_dropped == 9  # customer 1's and 6's purchases after September
        assert s.customer_id.tolist() == list(CDNOW_PUBLISHED)
        assert s.monetary_value is not None
        for i, (x, t_x, t, zbar) in enumerate(CDNOW_PUBLISHED.values()):
            assert s.frequency[i] == x
            assert round(s.recency[i], 2) == t_x
            assert round(s.T[i], 2) == t
            assert round_half_up(s.monetary_value[i]) == zbar
        assert s.T[0] == 272 / 7  # 1997-01-01 to 1997-09-30
        assert s.recency[0] == 213 / 7  # 1997-01-01 to 1997-08-02

    def test_days_over_seven_are_not_calendar_weeks(self) -> None:
        """unit='D', time_scaler=7 gives fractional weeks; unit='W' whole calendar weeks."""
        call = {
            "customer_id": ["a", "a"],
            "date": ["2024-01-07", "2024-01-08"],  # Sunday, then Monday
            "observation_end": "2024-01-10",
        }
        days7 = btyd_summary(**call, time_scaler=7)
        weeks = btyd_summary(**call, unit="W")
        assert (days7.recency.tolist(), days7.T.tolist()) == ([1 / 7], [3 / 7])
        assert (weeks.recency.tolist(), weeks.T.tolist()) == ([1.0], [1.0])

    @pytest.mark.parametrize(
        "bad", [0, -7, 0.0, float("nan"), float("inf"), True, "7", None]
    )
    def test_bad_time_scaler(self, bad: Any) -> None:
        """time_scaler must be a finite number > 0: ThresholdError naming it."""
        with pytest.raises(ThresholdError) as info:
            btyd_summary(
                [1], ["2024-01-01"], observation_end="2024-01-02", time_scaler=bad
            )
        assert str(info.value) == (
            f"'time_scaler' must be a finite number in the range (0, inf): got {bad!r}"
        )

    def test_numpy_time_scaler(self) -> None:
        """A NumPy scalar time_scaler is accepted and recorded as a float."""
        s = btyd_summary(
            [1, 1],
            ["2024-01-01", "2024-01-15"],
            observation_end="2024-01-29",
            time_scaler=np.float32(7),
        )
        assert (s.recency.tolist(), s.T.tolist(), s.time_scaler) == (
            [2.0],
            [4.0],
            7.0,
        )


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


def holdout_only_count(df: pd.DataFrame, cal_end: dt.date, obs_end: dt.date) -> int:
    """Customers with rows up to obs_end but none up to cal_end."""
    day = df["date"].dt.floor("D")
    kept = df.loc[day <= pd.Timestamp(obs_end)]
    first = kept.groupby("customer_id")["date"].min().dt.floor("D")
    return int((first > pd.Timestamp(cal_end)).sum())


class TestBtydCalibrationHoldout:
    def test_docstring_example(self) -> None:
        """The docstring example: three CDNOW customers, 39 + 39 weeks."""
        t = btyd_calibration_holdout(
            [1, 1, 1, 1, 2, 2, 7, 7],
            [
                "1997-01-01",
                "1997-01-18",
                "1997-08-02",
                "1997-12-12",
                "1997-01-01",
                "1997-01-13",
                "1997-01-01",
                "1997-02-05",
            ],
            [29.33, 29.73, 14.96, 26.48, 63.34, 11.77, 11.77, 11.77],
            calibration_end="1997-09-30",
            observation_end="1998-06-30",
            time_scaler=7,
        )
        assert t.customer_id.tolist() == [1, 2, 7]
        assert t.frequency_cal.tolist() == [2.0, 1.0, 1.0]
        assert t.recency_cal.tolist() == [213 / 7, 12 / 7, 35 / 7]
        assert t.T_cal.tolist() == [272 / 7] * 3
        assert t.frequency_holdout.tolist() == [1.0, 0.0, 0.0]
        assert t.monetary_value_holdout is not None
        assert t.monetary_value_holdout.tolist() == [26.48, 0.0, 0.0]
        assert t.duration_holdout.tolist() == [39.0] * 3
        assert t.calibration_end == np.datetime64("1997-09-30")
        assert t.observation_end == np.datetime64("1998-06-30")
        assert (t.unit, t.time_scaler, t.n_dropped, t.n_holdout_only) == (
            "D",
            7.0,
            0,
            0,
        )
        assert len(t) == 3

    @given(
        df=strategies.transactions(),
        unit=units,
        cal_offset=st.integers(-3, 62),
        holdout_days=st.integers(1, 40),
        time_scaler=scalers,
        with_amount=st.booleans(),
        form=st.sampled_from(END_FORMS),
    )
    def test_matches_lifetimes_reference(
        self,
        df: pd.DataFrame,
        unit: str,
        cal_offset: int,
        holdout_days: int,
        time_scaler: float,
        with_amount: bool,
        form: str,
    ) -> None:
        """Every column equals lifetimes' calibration_and_holdout_data (D, W, any scaler)."""
        cal_end = BASE + dt.timedelta(days=cal_offset)
        obs_end = cal_end + dt.timedelta(days=holdout_days)
        got = btyd_calibration_holdout(
            df["customer_id"],
            df["date"],
            df["amount"] if with_amount else None,
            calibration_end=end_form(cal_end, form),
            observation_end=end_form(obs_end, form),
            unit=unit,  # type: ignore[arg-type]
            time_scaler=time_scaler,
            after_observation_end="drop",
        )
        ref = reference_calibration_holdout(
            df,
            end_of_day(cal_end),
            end_of_day(obs_end),
            unit,
            with_amount,
            freq_multiplier=time_scaler,
        )
        assert_matches_holdout(got, ref)
        assert got.n_dropped == int((df["date"] > end_of_day(obs_end)).sum())
        assert got.n_holdout_only == holdout_only_count(df, cal_end, obs_end)
        assert got.calibration_end == np.datetime64(cal_end, "D")
        assert got.observation_end == np.datetime64(obs_end, "D")
        assert (got.unit, got.time_scaler) == (unit, float(time_scaler))

    @given(
        df=strategies.transactions(),
        unit=units,
        cal_offset=st.integers(-3, 62),
        holdout_days=st.integers(1, 40),
        time_scaler=st.sampled_from([1, 7]),
    )
    def test_dates_without_time_match_lifetimes_called_with_dates(
        self,
        df: pd.DataFrame,
        unit: str,
        cal_offset: int,
        holdout_days: int,
        time_scaler: int,
    ) -> None:
        """On dates without a time of day, equal to lifetimes given the plain end dates."""
        df = df.assign(date=df["date"].dt.floor("D"))
        cal_end = BASE + dt.timedelta(days=cal_offset)
        obs_end = cal_end + dt.timedelta(days=holdout_days)
        got = btyd_calibration_holdout(
            df["customer_id"],
            df["date"],
            df["amount"],
            calibration_end=cal_end,
            observation_end=obs_end,
            unit=unit,  # type: ignore[arg-type]
            time_scaler=time_scaler,
            after_observation_end="drop",
        )
        ref = reference_calibration_holdout(
            df, cal_end, obs_end, unit, freq_multiplier=time_scaler
        )
        assert_matches_holdout(got, ref)

    @given(
        df=strategies.transactions(),
        unit=units,
        cal_offset=st.integers(-3, 62),
        holdout_days=st.integers(1, 40),
    )
    def test_calibration_columns_are_btyd_summary(
        self, df: pd.DataFrame, unit: str, cal_offset: int, holdout_days: int
    ) -> None:
        """The _cal columns are btyd_summary of the rows up to calibration_end."""
        cal_end = BASE + dt.timedelta(days=cal_offset)
        obs_end = cal_end + dt.timedelta(days=holdout_days)
        got = btyd_calibration_holdout(
            df["customer_id"],
            df["date"],
            df["amount"],
            calibration_end=cal_end,
            observation_end=obs_end,
            unit=unit,  # type: ignore[arg-type]
            after_observation_end="drop",
        )
        cal = df.loc[df["date"] <= end_of_day(cal_end)]
        s = btyd_summary(
            cal["customer_id"],
            cal["date"],
            cal["amount"],
            observation_end=cal_end,
            unit=unit,  # type: ignore[arg-type]
        )
        assert got.customer_id.tolist() == s.customer_id.tolist()
        np.testing.assert_array_equal(got.frequency_cal, s.frequency)
        np.testing.assert_array_equal(got.recency_cal, s.recency)
        np.testing.assert_array_equal(got.T_cal, s.T)
        assert got.monetary_value_cal is not None and s.monetary_value is not None
        np.testing.assert_array_equal(got.monetary_value_cal, s.monetary_value)

    @given(df=strategies.transactions(), unit=units, data=st.data())
    def test_row_order_does_not_matter(
        self, df: pd.DataFrame, unit: str, data: st.DataObject
    ) -> None:
        """Shuffled rows give the same table (monetary up to float rounding)."""
        order = data.draw(st.permutations(range(len(df))))
        shuffled = df.iloc[list(order)]
        call = {
            "calibration_end": BASE + dt.timedelta(days=data.draw(st.integers(0, 59))),
            "observation_end": BASE + dt.timedelta(days=60),
            "unit": unit,
        }
        a = btyd_calibration_holdout(
            df["customer_id"], df["date"], df["amount"], **call
        )
        b = btyd_calibration_holdout(
            shuffled["customer_id"], shuffled["date"], shuffled["amount"], **call
        )
        pd.testing.assert_frame_equal(
            a.to_pandas(), b.to_pandas(), check_exact=False, rtol=1e-9, atol=1e-9
        )
        assert a.n_holdout_only == b.n_holdout_only

    def test_cdnow_published_calibration_and_holdout(self) -> None:
        """CDNOW customers 1-7: the published calibration rows and their holdout."""
        tx = cdnow_rows()
        t = btyd_calibration_holdout(
            tx["customer_id"],
            tx["date"],
            tx["amount"],
            calibration_end="1997-09-30",
            observation_end="1998-06-30",
            time_scaler=7,
        )
        assert t.customer_id.tolist() == list(CDNOW_PUBLISHED)
        published = np.array(list(CDNOW_PUBLISHED.values()))
        np.testing.assert_array_equal(t.frequency_cal, published[:, 0])
        np.testing.assert_array_equal(t.recency_cal.round(2), published[:, 1])
        np.testing.assert_array_equal(t.T_cal.round(2), published[:, 2])
        assert t.monetary_value_cal is not None
        assert [round_half_up(m) for m in t.monetary_value_cal] == list(published[:, 3])
        assert t.frequency_holdout.tolist() == [1, 0, 0, 0, 0, 8, 0]
        assert t.monetary_value_holdout is not None
        holdout_6 = [78.47, 83.47, 84.46, 123.96, 32.98, 23.06, 72.99, 55.47]
        np.testing.assert_allclose(
            t.monetary_value_holdout,
            [26.48, 0, 0, 0, 0, sum(holdout_6) / 8, 0],
            rtol=1e-12,
        )
        assert t.duration_holdout.tolist() == [39.0] * 7

    def test_holdout_spend_is_mean_per_transaction(self) -> None:
        """monetary_value_holdout averages holdout rows, not holdout periods (lifetimes)."""
        t = btyd_calibration_holdout(
            ["a", "a", "a", "a"],
            ["2024-01-01", "2024-01-05", "2024-01-05", "2024-01-07"],
            [1.0, 10.0, 30.0, 50.0],
            calibration_end="2024-01-02",
            observation_end="2024-01-10",
        )
        assert t.frequency_holdout.tolist() == [2.0]  # two holdout days
        assert t.monetary_value_holdout is not None
        assert t.monetary_value_holdout.tolist() == [30.0]  # (10 + 30 + 50) / 3
        assert t.duration_holdout.tolist() == [8.0]

    def test_first_transaction_in_holdout_leaves_customer_out(self) -> None:
        """Customers first seen in the holdout are left out and counted."""
        t = btyd_calibration_holdout(
            ["new", "old", "old", "newer"],
            ["2024-01-05", "2024-01-01", "2024-01-06", "2024-01-09"],
            [1.0, 2.0, 3.0, 4.0],
            calibration_end="2024-01-03",
            observation_end="2024-01-09",
        )
        assert t.customer_id.tolist() == ["old"]
        assert t.n_holdout_only == 2
        assert t.frequency_holdout.tolist() == [1.0]

    def test_whole_calibration_end_day_is_calibration(self) -> None:
        """A purchase late on calibration_end's day is calibration, the next day holdout."""
        t = btyd_calibration_holdout(
            [1, 1, 1],
            ["2024-01-01 08:00", "2024-01-10 23:30", "2024-01-11 00:10"],
            calibration_end=pd.Timestamp("2024-01-10 09:00"),  # reduced to its day
            observation_end="2024-01-20",
        )
        assert t.calibration_end == np.datetime64("2024-01-10")
        assert (t.frequency_cal.tolist(), t.recency_cal.tolist()) == ([1.0], [9.0])
        assert t.T_cal.tolist() == [9.0]
        assert t.frequency_holdout.tolist() == [1.0]
        assert t.monetary_value_cal is None and t.monetary_value_holdout is None

    def test_weeks_split_at_the_calibration_day(self) -> None:
        """With weeks, the rest of calibration_end's week is holdout (lifetimes' split)."""
        t = btyd_calibration_holdout(
            [1, 1, 1, 1],
            # Monday; Wednesday = calibration_end; Friday, same week; next Monday
            ["2024-01-01", "2024-01-03", "2024-01-05", "2024-01-08"],
            [1.0, 2.0, 4.0, 8.0],
            calibration_end="2024-01-03",
            observation_end="2024-01-31",  # a Wednesday, week of 2024-01-29
            unit="W",
        )
        assert t.frequency_cal.tolist() == [0.0]  # Monday and Wednesday: one week
        assert (t.recency_cal.tolist(), t.T_cal.tolist()) == ([0.0], [0.0])
        assert t.frequency_holdout.tolist() == [2.0]  # the Friday's week, the next
        assert t.monetary_value_holdout is not None
        assert t.monetary_value_holdout.tolist() == [6.0]
        assert t.duration_holdout.tolist() == [4.0]

    def test_weeks_after_observation_end_day(self) -> None:
        """With weeks, a row later in observation_end's week is after it (raise or drop)."""
        call = {
            "customer_id": [1, 1, 1],
            "date": ["2024-01-01", "2024-01-10", "2024-01-13"],
            "calibration_end": "2024-01-03",
            "observation_end": "2024-01-10",
            "unit": "W",
        }
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout(**call)  # type: ignore[arg-type]
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "date",
            2,
            1,
        )
        assert "after observation_end (2024-01-10)" in str(info.value)
        t = btyd_calibration_holdout(**call, after_observation_end="drop")  # type: ignore[arg-type]
        assert (t.n_dropped, t.frequency_holdout.tolist()) == (1, [1.0])

    @given(
        df=strategies.transactions(),
        cal_offset=st.integers(-3, 50),
        holdout_days=st.integers(1, 20),
    )
    def test_raise_on_late_rows(
        self, df: pd.DataFrame, cal_offset: int, holdout_days: int
    ) -> None:
        """after_observation_end='raise' names 'date', the first late row and the count."""
        cal_end = BASE + dt.timedelta(days=cal_offset)
        obs_end = cal_end + dt.timedelta(days=holdout_days)
        late = (df["date"] > end_of_day(obs_end)).to_numpy()
        call = {"calibration_end": cal_end, "observation_end": obs_end}
        if not late.any():
            got = btyd_calibration_holdout(
                df["customer_id"], df["date"], df["amount"], **call
            )
            assert got.n_dropped == 0
            return
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout(
                df["customer_id"], df["date"], df["amount"], **call
            )
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "date",
            int(np.argmax(late)),
            int(late.sum()),
        )
        assert f"after observation_end ({obs_end.isoformat()})" in str(info.value)

    def test_empty_holdout_gives_zeros(self) -> None:
        """No holdout transaction at all: zeros (lifetimes raises ValueError here)."""
        t = btyd_calibration_holdout(
            ["a", "b"],
            ["2024-01-01", "2024-01-02"],
            [5.0, 6.0],
            calibration_end="2024-01-05",
            observation_end="2024-01-12",
            time_scaler=7,
        )
        assert t.frequency_holdout.tolist() == [0.0, 0.0]
        assert t.monetary_value_holdout is not None
        assert t.monetary_value_holdout.tolist() == [0.0, 0.0]
        assert t.duration_holdout.tolist() == [1.0, 1.0]

    def test_no_transactions(self) -> None:
        """No rows (or none up to calibration_end) give an empty table."""
        t = btyd_calibration_holdout(
            np.array([], dtype=np.int64),
            np.array([], dtype="datetime64[s]"),
            np.array([], dtype=np.float64),
            calibration_end="2024-01-05",
            observation_end="2024-01-12",
        )
        assert len(t) == 0 and t.n_holdout_only == 0
        frame = t.to_pandas()
        assert frame.shape == (0, 7)
        only_late = btyd_calibration_holdout(
            ["a"],
            ["2024-01-08"],
            calibration_end="2024-01-05",
            observation_end="2024-01-12",
        )
        assert len(only_late) == 0 and only_late.n_holdout_only == 1

    @pytest.mark.parametrize(
        ("cal", "obs"),
        [
            ("2024-01-10", "2024-01-10"),
            ("2024-01-11", "2024-01-10"),
            ("2024-01-10 08:00", "2024-01-10 20:00"),  # the same day
        ],
    )
    def test_calibration_end_must_be_before_observation_end(
        self, cal: str, obs: str
    ) -> None:
        """calibration_end on or after observation_end's day is a ThresholdError."""
        with pytest.raises(ThresholdError) as info:
            btyd_calibration_holdout(
                [1], ["2024-01-01"], calibration_end=cal, observation_end=obs
            )
        assert str(info.value) == (
            "'calibration_end' must be before 'observation_end' (2024-01-10): "
            f"got {cal[:10]}"
        )

    def test_bad_parameters(self) -> None:
        """Unknown unit or policy, bad time_scaler: ThresholdError naming it."""
        call = {
            "customer_id": [1],
            "date": ["2024-01-01"],
            "calibration_end": "2024-01-02",
            "observation_end": "2024-01-05",
        }
        with pytest.raises(ThresholdError, match="'unit' must be 'D' or 'W'"):
            btyd_calibration_holdout(**call, unit="M")  # type: ignore[arg-type]
        with pytest.raises(ThresholdError, match="'time_scaler' must be"):
            btyd_calibration_holdout(**call, time_scaler=-1)  # type: ignore[arg-type]
        with pytest.raises(ThresholdError, match="after_observation_end"):
            btyd_calibration_holdout(**call, after_observation_end="keep")  # type: ignore[arg-type]

    def test_ends_required_and_parsed(self) -> None:
        """Both ends are keyword-required; an unparseable one is an InputError naming it."""
        with pytest.raises(TypeError):
            btyd_calibration_holdout([1], ["2024-01-01"], calibration_end="2024-01-02")  # type: ignore[call-arg]
        for field in ("calibration_end", "observation_end"):
            ends = {"calibration_end": "2024-01-02", "observation_end": "2024-01-05"}
            ends[field] = "someday"
            with pytest.raises(InputError) as info:
                btyd_calibration_holdout([1], ["2024-01-01"], **ends)
            assert info.value.field == field

    def test_input_errors(self) -> None:
        """Missing ids, NaT dates, NaN amounts and unequal lengths are InputErrors."""
        ends = {"calibration_end": "2024-01-05", "observation_end": "2024-02-01"}
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout(["a", None], ["2024-01-01", "2024-01-09"], **ends)
        assert (info.value.field, info.value.first_row) == ("customer_id", 1)
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout([1, 2], ["2024-01-01", None], **ends)
        assert (info.value.field, info.value.first_row) == ("date", 1)
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout(
                [1, 2], ["2024-01-01", "2024-01-09"], [1.0, np.nan], **ends
            )
        assert (info.value.field, info.value.first_row) == ("amount", 1)
        with pytest.raises(InputError) as info:
            btyd_calibration_holdout([1, 2, 3], ["2024-01-01", "2024-01-02"], **ends)
        assert info.value.field == "customer_id"


class TestBtydCalibrationHoldoutToPandas:
    def test_docstring_example(self) -> None:
        """The to_pandas docstring example: lifetimes' seven columns, floats."""
        frame = btyd_calibration_holdout(
            [1, 1, 1],
            ["2024-01-01", "2024-01-08", "2024-01-20"],
            [5.0, 7.0, 3.0],
            calibration_end="2024-01-10",
            observation_end="2024-01-31",
        ).to_pandas()
        expected = pd.DataFrame(
            {
                "frequency_cal": [1.0],
                "recency_cal": [7.0],
                "T_cal": [9.0],
                "monetary_value_cal": [7.0],
                "frequency_holdout": [1.0],
                "monetary_value_holdout": [3.0],
                "duration_holdout": [21.0],
            },
            index=pd.Index([1], name="customer_id"),
        )
        pd.testing.assert_frame_equal(frame, expected)

    def test_frame_mirrors_arrays(self) -> None:
        """Columns in lifetimes' order, float, index named customer_id, sorted ids."""
        t = btyd_calibration_holdout(
            np.array([30, 10, 30, 20, 30, 10]),
            [
                "2024-01-01",
                "2024-01-03",
                "2024-01-09",
                "2024-01-20",
                "2024-01-22",
                "2024-01-25",
            ],
            [5.0, 1.5, 7.0, 2.0, 3.0, 4.0],
            calibration_end="2024-01-15",
            observation_end="2024-01-31",
            unit="W",
        )
        frame = t.to_pandas()
        names = [
            "frequency_cal",
            "recency_cal",
            "T_cal",
            "monetary_value_cal",
            "frequency_holdout",
            "monetary_value_holdout",
            "duration_holdout",
        ]
        assert list(frame.columns) == names
        assert all(frame[c].dtype == np.float64 for c in names)
        assert frame.index.name == "customer_id"
        assert frame.index.tolist() == [10, 30]
        assert t.n_holdout_only == 1  # customer 20
        assert (
            frame.to_numpy().tolist()
            == np.column_stack([getattr(t, c) for c in names]).tolist()
        )
        assert frame.loc[30].tolist() == [1.0, 1.0, 2.0, 7.0, 1.0, 3.0, 2.0]

    def test_without_amount(self) -> None:
        """amount=None: no monetary columns, both attributes None."""
        t = btyd_calibration_holdout(
            ["x", "y", "x"],
            ["2024-01-01", "2024-01-02", "2024-01-04"],
            calibration_end="2024-01-02",
            observation_end="2024-01-04",
        )
        assert t.monetary_value_cal is None and t.monetary_value_holdout is None
        frame = t.to_pandas()
        assert list(frame.columns) == [
            "frequency_cal",
            "recency_cal",
            "T_cal",
            "frequency_holdout",
            "duration_holdout",
        ]
        assert frame.index.tolist() == ["x", "y"]
        assert frame.to_numpy().tolist() == [
            [0.0, 0.0, 1.0, 1.0, 2.0],
            [0.0, 0.0, 0.0, 0.0, 2.0],
        ]


class TestBtydParametersReview7:
    @pytest.mark.parametrize("scaler", [1e-320, 5e-324, 1e-310])
    def test_tiny_time_scaler(self, scaler: float) -> None:
        """A time_scaler that makes T infinite is a ThresholdError, no warning."""
        with pytest.raises(ThresholdError, match="'time_scaler' is so small"):
            btyd_summary([1, 1], ["2024-01-01", "2024-01-05"], [1.0, 1.0],
                         observation_end="2024-02-01", time_scaler=scaler)  # fmt: skip

    @pytest.mark.parametrize("scaler", ["7", np.timedelta64(7, "D"), [7], None, True])
    def test_time_scaler_not_a_number(self, scaler: Any) -> None:
        """A time_scaler that is no finite real number is a ThresholdError."""
        with pytest.raises(ThresholdError, match="'time_scaler' must be a finite"):
            btyd_summary([1], ["2024-01-01"], observation_end="2024-02-01",
                         time_scaler=scaler)  # fmt: skip

    @pytest.mark.parametrize("unit", [["D"], ("W",), {"D": 1}, b"D", 7])
    def test_unit_not_text(self, unit: Any) -> None:
        """unit=['D'] and other non-text units are ThresholdErrors."""
        with pytest.raises(ThresholdError, match="'unit' must be 'D' or 'W'"):
            btyd_summary([1], ["2024-01-01"], observation_end="2024-02-01", unit=unit)

    def test_observation_end_yyyymmdd(self) -> None:
        """observation_end and calibration_end take YYYYMMDD text and ints."""
        s = btyd_summary([1], ["2024-01-01"], observation_end=20240201)
        assert s.observation_end == np.datetime64("2024-02-01")
        t = btyd_calibration_holdout([1, 1], ["2024-01-01", "2024-01-20"],
                                     calibration_end="20240110",
                                     observation_end=20240201)  # fmt: skip
        assert t.frequency_holdout.tolist() == [1.0]


class TestRepeatSpendOfItsOwn:
    """monetary_value is the repeat periods' own sum over their count, not
    the whole total less the first period's: a large first purchase must not
    cancel the repeat spend."""

    @settings(max_examples=100, deadline=None)
    @given(
        first=st.floats(1.0, 1e17),
        repeats=st.lists(st.floats(-100.0, 100.0).filter(bool), min_size=1, max_size=5),
        days=st.lists(st.integers(1, 20), min_size=1, max_size=5),
    )
    def test_against_the_repeat_rows_alone(
        self, first: float, repeats: list[float], days: list[int]
    ) -> None:
        rows = list(zip(days * len(repeats), repeats, strict=False))[: len(repeats)]
        dates = [BASE] + [BASE + dt.timedelta(days=d) for d, _ in rows]
        amounts = [first] + [a for _, a in rows]
        got = btyd_summary(["c"] * len(dates), dates, amounts,
                           observation_end=BASE + dt.timedelta(days=30))  # fmt: skip
        freq = len({d for d, _ in rows})
        expected = math.fsum(a for _, a in rows) / freq
        assert got.frequency.tolist() == [float(freq)]
        assert math.isclose(
            got.monetary_value[0], expected, rel_tol=1e-12, abs_tol=1e-12
        )
        cal = btyd_calibration_holdout(
            ["c"] * len(dates), dates, amounts,
            calibration_end=BASE + dt.timedelta(days=25),
            observation_end=BASE + dt.timedelta(days=30),
        )  # fmt: skip
        assert math.isclose(
            cal.monetary_value_cal[0], expected, rel_tol=1e-12, abs_tol=1e-12
        )

    def test_the_audit_s_cases(self) -> None:
        end = "2024-02-01"
        one = btyd_summary(["a", "a"], ["2024-01-01", "2024-01-02"], [1e16, 1.0],
                           observation_end=end)  # fmt: skip
        assert one.monetary_value.tolist() == [1.0]
        cent = btyd_summary(["a", "a"], ["2024-01-01", "2024-01-02"], [1e8, 0.01],
                            observation_end=end)  # fmt: skip
        assert cent.monetary_value.tolist() == [0.01]


class TestCalibrationHoldoutDisplay:
    def test_repr_and_html_are_short(self) -> None:
        """repr stays a few lines on any size; the notebook table has every column."""
        n = 5_000
        ids = np.arange(n) % 700
        dates = np.datetime64("2024-01-01") + (np.arange(n) % 90).astype("m8[D]")
        r = btyd_calibration_holdout(
            ids,
            dates,
            np.ones(n),
            calibration_end="2024-02-15",
            observation_end="2024-03-31",
        )
        text = repr(r)
        assert text.startswith("BtydCalibrationHoldout(n=")
        assert len(text.splitlines()) <= 5 and len(text) < 600
        html = r._repr_html_()
        for column in ("frequency_cal", "duration_holdout", "monetary_value_holdout"):
            assert column in html


class TestPeriodCountingPaths:
    @pytest.mark.parametrize("blocks", [True, False])
    @given(
        df=strategies.transactions(),
        unit=units,
        with_amount=st.booleans(),
        seed=st.integers(0, 2**16),
        holdout_days=st.integers(1, 40),
    )
    def test_blocks_and_hashing_match_lifetimes_in_any_order(
        self,
        blocks: bool,
        df: pd.DataFrame,
        unit: str,
        with_amount: bool,
        seed: int,
        holdout_days: int,
    ) -> None:
        """Distinct periods counted period by period (rows in date order or not)
        or by hashing give lifetimes' tables, whatever the row order."""
        from custseg import summary

        end = last_day(df)
        shuffled = df.iloc[np.random.default_rng(seed).permutation(len(df))]
        ordered = df.sort_values("date", kind="stable")
        cal_end = end - dt.timedelta(days=holdout_days)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_BLOCK_MIN_ROWS", 0 if blocks else 10**9)
            for rows in (shuffled, ordered):
                got = btyd_summary(
                    rows["customer_id"].to_numpy(),
                    rows["date"].to_numpy(),
                    rows["amount"].to_numpy() if with_amount else None,
                    observation_end=end,
                    unit=unit,  # type: ignore[arg-type]
                )
                assert_matches(got, reference_btyd(df, end, unit, with_amount))
                table = btyd_calibration_holdout(
                    rows["customer_id"].to_numpy(),
                    rows["date"].to_numpy(),
                    rows["amount"].to_numpy() if with_amount else None,
                    calibration_end=cal_end,
                    observation_end=end,
                    unit=unit,  # type: ignore[arg-type]
                )
                ref = reference_calibration_holdout(
                    df, end_of_day(cal_end), end_of_day(end), unit, with_amount
                )
                assert_matches_holdout(table, ref)

    @given(
        span=st.integers(9, 48),
        holes=st.integers(1, 6),
        repeats=st.integers(1, 3),
        unit=units,
        with_amount=st.booleans(),
        seed=st.integers(0, 2**16),
    )
    def test_nearly_dense_ids_with_empty_slots_dropped_in_place(
        self,
        span: int,
        holes: int,
        repeats: int,
        unit: str,
        with_amount: bool,
        seed: int,
    ) -> None:
        """Ids lo .. hi with a few absent are slots; their empty slots dropped
        in place (first periods, period counts) give lifetimes' tables."""
        from custseg import summary

        rng = np.random.default_rng(seed)
        holes = min(holes, span // 8)
        absent = rng.choice(np.arange(1, span - 1), holes, replace=False)
        kept = np.setdiff1d(np.arange(span), absent) + 1000
        ids = rng.permutation(np.repeat(kept, repeats + 1))
        n = len(ids)
        dates = np.datetime64("2024-01-01T00:00:00", "s") + rng.integers(
            0, 60 * 86_400, n
        ).astype("timedelta64[s]")
        amounts = rng.choice([-5.0, 0.0, 2.5, 40.0], n)
        df = pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts})
        groups = summary._group_ints(ids)
        assert groups is not None and groups.keep is not None  # slots with holes
        end = last_day(df)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_IN_PLACE_HOLES", 1)
            got = btyd_summary(
                ids,
                dates,
                amounts if with_amount else None,
                observation_end=end,
                unit=unit,  # type: ignore[arg-type]
            )
        assert_matches(got, reference_btyd(df, end, unit, with_amount))
