"""Errors about a row name its row of the input, also when rows dated
after the cut (``as_of``, ``observation_end``) were dropped first."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


CONTAINERS = {
    "list": lambda xs: list(xs),
    "object": lambda xs: np.array(xs, dtype=object),
    "float": lambda xs: np.array([np.nan if x is None else float(x) for x in xs]),
    "Int64": lambda xs: pd.array(xs, dtype="Int64"),
    "Float64": lambda xs: pd.array(xs, dtype="Float64"),
    "category": lambda xs: pd.Categorical(xs),
    "str": lambda xs: pd.array(
        [None if x is None else str(x) for x in xs], dtype="str"
    ),
}


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_missing_ids_on_dropped_rows_in_any_container(container: str) -> None:
    """A missing id on a row after as_of, dropped, is not read, whatever holds
    the ids; on a row used it is an InputError naming that row."""
    make = CONTAINERS[container]
    ids = make([7, None, 8, 7])
    dates = np.array(["2024-01-01", "2024-03-01", "2024-01-02", "2024-01-05"])
    amounts = [5.0, 1.0, 2.0, 3.0]
    facts = custseg.summarize(
        ids, dates, amounts, as_of="2024-01-31", after_as_of="drop"
    )
    assert [str(x) for x in facts.customer_id.tolist()] == ["7", "8"]
    assert (facts.n_rows, facts.n_dropped) == (3, 1)
    with pytest.raises(InputError) as err:
        custseg.summarize(ids, dates, amounts)
    assert (err.value.field, err.value.first_row) == ("customer_id", 1)
