"""Label names are checked with bounded messages (audit 32): a label
parameter of a million characters made a message of that size."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import LifecycleWindows, ThresholdError
from custseg._validate import MAX_LABEL, label_param, label_problem


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=MAX_LABEL + 1, max_size=5000))
def test_a_long_label_gives_a_short_message(value):
    problem, fix = label_problem(value, "'no_purchase'")
    assert len(problem) < 400
    assert f"a text of {len(value):,d} characters" in problem
    assert fix is None


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.just(""),
        st.text(alphabet=" \t\n\u3000", max_size=MAX_LABEL),
        st.integers(),
        st.lists(st.integers(), max_size=2000),
        st.none(),
    )
)
def test_other_refusals_are_bounded_and_quote_short_values(value):
    with pytest.raises(ThresholdError) as err:
        label_param(value, "no_purchase")
    message = str(err.value)
    assert len(message) < 700
    if isinstance(value, str):
        assert repr(value) in message  # short texts quoted whole, as before


def test_worked_example():
    with pytest.raises(ThresholdError) as err:
        LifecycleWindows(no_purchase="x" * 1_000_000)
    assert len(str(err.value)) < 400
    assert "a text of 1,000,000 characters, 'xxxx" in str(err.value)
