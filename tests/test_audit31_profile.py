"""Audit 31, profiles (round 2): messages that name the right thing.

- ``ProfileCompleteness.band`` with a label repeated named ``'names'``, a
  parameter it does not have.
- Columns with levels (a MultiIndex: tuples) were called "named by
  numbers", and the advised ``df.columns.astype(str)`` raised pandas'
  own TypeError.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError, ThresholdError
from custseg.profile import profile_completeness


@settings(max_examples=30, deadline=None)
@given(
    names=st.lists(
        st.sampled_from(["low", "mid", "high", "ok"]), min_size=2, max_size=4
    )
)
def test_band_names_its_repeated_labels(names: list[str]) -> None:
    """Whatever labels repeat (and wherever), the error is about
    ``'labels'``, the parameter of ``band``; unique labels are taken."""
    res = profile_completeness(
        {"name": ["Li", None, "Wu"]}, hard=["name"], soft=[], weights=(1, 0)
    )
    breaks = tuple(round(0.1 * (i + 1), 1) for i in range(len(names) - 1))
    if len(set(names)) == len(names):
        assert res.band(breaks, names).names == tuple(names)
        return
    with pytest.raises(ThresholdError, match=r"^'labels' must be unique"):
        res.band(breaks, names)


@settings(max_examples=20, deadline=None)
@given(
    top=st.sampled_from(["basic", "contact", "基本"]),
    fields=st.lists(
        st.sampled_from(["name", "phone", "email", "city"]),
        min_size=1,
        max_size=4,
        unique=True,
    ).filter(lambda f: {"name", "phone"} & set(f)),  # one profile field at least
    levels=st.integers(2, 3),
)
def test_columns_with_levels_get_a_fix_that_works(
    top: str, fields: list[str], levels: int
) -> None:
    """A frame whose columns have levels is told so, and the fix it gives
    (name the columns by their last level) gives the same scores as the
    flat frame."""
    values = [
        ["Li", None, "x", ""][: len(fields)],
        [None, "138", None, "y"][: len(fields)],
    ]
    flat = pd.DataFrame(values, columns=fields)
    tuples = [(top,) * (levels - 1) + (f,) for f in fields]
    leveled = pd.DataFrame(values, columns=pd.MultiIndex.from_tuples(tuples))
    with pytest.raises(InputError, match="named by tuples") as err:
        profile_completeness(leveled)
    assert "get_level_values(-1)" in str(err.value)
    leveled.columns = leveled.columns.get_level_values(-1)  # the advised fix
    assert (
        profile_completeness(leveled).score.tolist()
        == profile_completeness(flat).score.tolist()
    )
