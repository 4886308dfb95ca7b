"""Audit 31, datasets (round 2).

- A parameter that has no float (``Decimal("sNaN")``) raised a bare
  ValueError; an ``n_customers`` of thousands of digits too (its message
  printed it whole).
- ``start`` / ``end`` were cut to whole seconds: rows came before a
  ``start`` of ``00:00:00.5``, and a period under a day passed.
"""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.datasets import simulate_customers, simulate_transactions
from custseg.errors import ThresholdError

_NO_FLOAT = [decimal.Decimal("sNaN"), decimal.Decimal("-sNaN"), decimal.Decimal("NaN")]


@pytest.mark.parametrize("value", _NO_FLOAT)
@pytest.mark.parametrize(
    "param", ["refund_rate", "purchases_per_customer", "potential"]
)
def test_numbers_without_a_float_are_threshold_errors(
    param: str, value: decimal.Decimal
) -> None:
    with pytest.raises(ThresholdError, match=f"^'{param}' must be"):
        if param == "potential":
            simulate_customers(simulate_transactions(20, seed=1), potential=value)
        else:
            simulate_transactions(100, **{param: value})


@settings(max_examples=20, deadline=None)
@given(digits=st.integers(4000, 6000), sign=st.sampled_from([-1, 1]))
def test_huge_customer_counts_are_described(digits: int, sign: int) -> None:
    """Any count of thousands of digits, below 1 or above the cap, gets a
    short ThresholdError (not Python's refusal to print the int)."""
    with pytest.raises(ThresholdError, match="'n_customers'") as err:
        simulate_transactions(sign * 10**digits)
    assert len(str(err.value)) < 400


_STARTS = st.datetimes(
    min_value=pd.Timestamp("1950-01-01").to_pydatetime(),
    max_value=pd.Timestamp("2090-01-01").to_pydatetime(),
)


@settings(max_examples=30, deadline=None)
@given(
    start=_STARTS,
    length=st.integers(86_400_000_000, 5 * 86_400_000_000),
    seed=st.integers(0, 5),
)
def test_every_date_is_in_start_to_end(start: object, length: int, seed: int) -> None:
    """Whatever fraction of a second the bounds have, every row's date is
    in [start, end) as given."""
    t0 = pd.Timestamp(start)  # type: ignore[arg-type]
    t1 = t0 + pd.Timedelta(microseconds=length)
    tx = simulate_transactions(
        2000, start=t0, end=t1, seed=seed, purchases_per_customer=1.5
    )
    assert (tx["date"] >= t0).all() and (tx["date"] < t1).all()


@settings(max_examples=20, deadline=None)
@given(short=st.integers(1, 999_999))
def test_a_period_under_a_day_is_refused(short: int) -> None:
    """A period a fraction of a second under one day is refused, as the
    docs say (its floored bounds were one day apart)."""
    t0 = np.datetime64("2023-01-01T00:00:00.999999", "us")
    t1 = t0 + np.timedelta64(86_400_000_000 - short, "us")
    with pytest.raises(ThresholdError, match="at least one day"):
        simulate_transactions(10, start=t0, end=t1)


def test_reported_start_half_a_second_in() -> None:
    """The worked example: 6 of 300,000 rows came before a start of
    00:00:00.5 (the second it was cut to)."""
    t0 = pd.Timestamp("2023-01-01T00:00:00.5")
    tx = simulate_transactions(
        300_000,
        start=t0,
        end="2023-01-02T00:00:00.5",
        purchases_per_customer=1,
        refund_rate=0,
    )
    assert (tx["date"] >= t0).all()
