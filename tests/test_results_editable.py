"""Every result's pandas form is the user's to edit: a cell can be set (no
bare NumPy "assignment destination is read-only"), and setting it leaves
the result it came from as it was (no memory shared with the result's own
arrays)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions

TX = simulate_transactions(80, seed=3)
AS_OF = "2025-01-01"


def _facts() -> Any:
    return custseg.summarize(TX.customer_id, TX.date, TX.amount, as_of=AS_OF)


class _Workload:
    """An assignment's workload table, built anew at each call."""

    def __init__(self, assignment: Any) -> None:
        self.assignment = assignment

    def to_pandas(self) -> pd.DataFrame:
        return self.assignment.workload()


RESULTS: dict[str, Callable[[], Any]] = {
    "summarize": _facts,
    "rfm_scores": lambda: _facts().rfm_scores(),
    "lifecycle_stage": lambda: custseg.lifecycle_stage(_facts().recency_days),
    "abc_classes": lambda: custseg.abc_classes(_facts().monetary),
    "btyd_summary": lambda: custseg.btyd_summary(
        TX.customer_id, TX.date, TX.amount, observation_end=AS_OF
    ),
    "assign_owners": lambda: custseg.assign_owners(
        np.arange(12.0), ["amy", "bo", "cy"], current_owner=["amy"] * 12
    ),
    "assign_owners workload": lambda: _Workload(
        custseg.assign_owners(np.arange(12.0), ["amy", "bo"])
    ),
    "neglected": lambda: custseg.neglected(
        [900.0, 10.0, 50.0], [100.0, 5.0, 40.0], window_days=30, min_value=500
    ),
    "transition_matrix": lambda: custseg.transition_matrix(
        ["a", "b", "a"], ["b", "b", "a"]
    ),
    "profile_completeness": lambda: custseg.profile_completeness(
        {"name": ["x", None], "phone": ["1", "2"]}, hard=["name"], soft=["phone"]
    ),
    "profile band": lambda: custseg.profile_completeness(
        {"name": ["x", None], "phone": ["1", "2"]}, hard=["name"], soft=["phone"]
    ).band(),
    "contact_summary": lambda: custseg.contact_summary(
        ["a", "a", "b"],
        pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
        ["company", "customer", "company"],
        ["sale", "complaint", "follow_up"],
        as_of=AS_OF,
    ),
    "due_contacts": lambda: custseg.due_contacts(
        pd.to_datetime(["2024-01-01", "2024-12-20"]), 30, "2024-12-31"
    ),
    "segment_history": lambda: custseg.segment_history(
        TX.customer_id, TX.date, TX.amount, ["2024-06-01", AS_OF]
    ),
    "rules": lambda: rules.load("ecommerce").evaluate(
        {
            "recency_days": [1.0, 50.0],
            "frequency": [1, 3],
            "monetary": [5.0, 500.0],
            "tenure_days": [3.0, 100.0],
            "r": [1, 5],
            "f": [1, 5],
            "m": [1, 5],
        }
    ),
}


def _frame(result: Any) -> pd.DataFrame:
    if hasattr(result, "customers"):
        return result.customers
    out = result.to_pandas()
    return out.to_frame() if isinstance(out, pd.Series) else out


def _other(col: pd.Series) -> Any:
    """A value of the column's kind that differs from its first cell."""
    first = col.iloc[0]
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = list(col.cat.categories)
        return next(c for c in cats if c != first) if len(cats) > 1 else first
    if pd.api.types.is_bool_dtype(col.dtype):
        return not bool(first) if pd.notna(first) else True
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return pd.Timestamp("2000-01-01", tz=getattr(col.dtype, "tz", None))
    if pd.api.types.is_numeric_dtype(col.dtype):
        return 7 if pd.isna(first) else first + 1
    return "edited"


@pytest.mark.parametrize("make", list(RESULTS.values()), ids=list(RESULTS))
def test_every_cell_can_be_set_and_the_result_stays(make: Callable[[], Any]) -> None:
    result = make()
    before = _frame(result).copy(deep=True)
    edited = _frame(result)
    assert len(edited.columns) > 0
    for j, name in enumerate(edited.columns):
        edited.iloc[0, j] = _other(edited[name])
    pd.testing.assert_frame_equal(_frame(result), before)
