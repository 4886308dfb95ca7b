"""Audit 10 leftovers: Decimal NaN of every form is a missing profile value,
and text of only '-' / '_' is a missing value tier answer."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

nan_forms = st.builds(
    lambda sign, signalling, payload: Decimal(
        f"{sign}{'s' if signalling else ''}NaN{payload}"
    ),
    st.sampled_from(["", "-", "+"]),
    st.booleans(),
    st.sampled_from(["", "1", "123"]),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(nan_forms, st.just("Ada"), st.just(Decimal(0))), min_size=1))
def test_decimal_nan_forms_are_missing_profile_values(cells):
    """Every Decimal NaN (signed, signalling, with a payload) is missing, as
    Decimal('NaN') is, in a list and in a DataFrame; other cells are filled."""
    want = [isinstance(c, Decimal) and c.is_nan() for c in cells]
    for table in (
        {"name": cells},
        pd.DataFrame({"name": pd.Series(cells, dtype=object)}),
    ):
        score = custseg.profile_completeness(table).score
        assert [s == 0 for s in score.tolist()] == want


@settings(max_examples=20, deadline=None)
@given(st.text(alphabet="-_ ", min_size=1, max_size=4))
def test_dash_text_is_a_missing_value_tier_answer(dash):
    """Text made only of '-', '_' and blanks is missing (tier D), not refused."""
    got = custseg.value_tier([dash, "large"], ["strong", "strong"]).to_numpy().tolist()
    assert got == ["D", "A"]
