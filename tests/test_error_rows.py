"""Errors about a row name its row of the input, also when rows dated
after the cut (``as_of``, ``observation_end``) were dropped first."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError

DAY0 = np.datetime64("2024-01-01", "D")


@settings(max_examples=80, deadline=None)
@given(
    days=st.lists(st.integers(0, 60), min_size=1, max_size=30),
    where=st.integers(0, 10**6),
    cut=st.integers(0, 60),
    missing=st.sampled_from([None, np.nan]),
)
def test_a_missing_id_after_dropped_rows(
    days: list[int], where: int, cut: int, missing: object
) -> None:
    """A missing customer id on a kept row: summarize, btyd_summary and
    btyd_calibration_holdout name that row of the input."""
    dates = DAY0 + np.array(days, dtype="timedelta64[D]")
    row = where % len(days)
    cut = max(cut, days[row])  # the row itself is kept
    ids = np.array([f"c{i % 4}" for i in range(len(days))], dtype=object)
    ids[row] = missing
    amounts = np.ones(len(days))
    end = DAY0 + np.timedelta64(cut, "D")
    calls = [
        lambda: custseg.summarize(ids, dates, amounts, as_of=end, after_as_of="drop"),
        lambda: custseg.btyd_summary(
            ids, dates, amounts, observation_end=end, after_observation_end="drop"
        ),
        lambda: custseg.btyd_calibration_holdout(
            ids,
            dates,
            amounts,
            calibration_end=end - np.timedelta64(1, "D"),
            observation_end=end,
            after_observation_end="drop",
        ),
    ]
    for call in calls:
        with pytest.raises(InputError) as err:
            call()
        assert (err.value.field, err.value.first_row) == ("customer_id", row)
