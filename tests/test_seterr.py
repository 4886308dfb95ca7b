"""The library under ``np.seterr(all="raise")``.

NumPy's error state belongs to the caller: a user who sets
``np.seterr(all="raise")`` to catch their own numerical slips must not get a
``FloatingPointError`` from custseg where custseg's answer is right. A run of
the whole suite under that setting (4 December 2026) found NumPy's
``nextafter`` signalling underflow next to 0 (the testing kit's boundary
values of a cut at 0, Decimal amounts landing on a cut, a lifecycle table's
``gone`` start) and the rules' ``mean``/``median`` of subnormal values; the
pareto fix of the fourteenth audit (R7) was the first of the family. These
tests run each family under the setting, with values next to 0 and at the
float64 extremes.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg import testing as kit
from custseg.errors import InputError

#: 0, subnormals and the smallest normal number, either sign
NEAR_ZERO = st.one_of(
    st.sampled_from([0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-310]),
    st.floats(-1e-300, 1e-300, allow_subnormal=True),
)


@pytest.fixture(autouse=True)
def _raise_on_every_floating_point_error():
    with np.errstate(all="raise"):
        yield


@pytest.mark.parametrize("preset", ["base", "ecommerce", "beauty_salon"])
def test_testing_kit_boundaries_next_to_zero(preset: str) -> None:
    """boundary_values and fields_for give one float either side of a cut at
    0 (a subnormal) without signalling underflow."""
    values = kit.boundary_values(preset)
    assert values
    numbers = [v for vs in values.values() for v in vs if isinstance(v, float)]
    assert 0.0 in numbers, "a preset with a cut at 0 keeps this test honest"
    assert any(0 < abs(v) < 1e-300 for v in numbers)  # the floats next to 0
    kit.fields_for(preset)  # the strategy's bounds: same values, drawn later


@settings(max_examples=30, deadline=None)
@given(st.lists(NEAR_ZERO, min_size=1, max_size=8))
def test_rules_aggregates_of_tiny_values(xs: list[float]) -> None:
    """mean, median and quantiles of values next to 0 (and the labels of the
    values one float either side of them) under the raise setting."""
    for aggregate in ("mean(x)", "median(x)", "quantile(x, 0.25)"):
        rs = rules.loads(
            f"""format = 1
[fields]
x = {{ type = "number" }}
y = {{ type = "number" }}
[segments.s]
default = "no"
rules = [{{ label = "yes", when = "y >= {aggregate}" }}]
"""
        )
        out = rs.evaluate({"x": xs, "y": xs})["s"].to_numpy().tolist()
        assert len(out) == len(xs) and set(out) <= {"yes", "no"}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["1e-400", "-0", "0", "1e-330", "7e-320"]), min_size=1))
def test_decimal_amounts_on_a_cut_at_zero(texts: list[str]) -> None:
    """Decimals that round onto a cut (here 0) are moved one float to their
    exact side, which next to 0 is a subnormal."""
    recency = [Decimal(t) for t in texts]
    got = custseg.lifecycle_stage(recency).to_numpy().tolist()
    assert len(got) == len(texts)
    with pytest.raises(InputError, match="negative"):
        custseg.lifecycle_stage([Decimal("-1e-400")])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), NEAR_ZERO.map(abs)), min_size=1, max_size=12)
)
def test_pipeline_on_tiny_amounts(rows: list[tuple[int, float]]) -> None:
    """summarize, the scores, ABC and Pareto on amounts next to 0."""
    ids = [f"c{i}" for i, _ in rows] + ["big"]  # one positive amount for ABC
    amounts = [a for _, a in rows] + [1.0]
    dates = pd.date_range("2024-01-01", periods=len(ids), freq="D")
    facts = custseg.summarize(ids, dates, amounts, as_of="2024-12-31")
    custseg.rfm_scores(facts.recency_days, facts.frequency, facts.monetary)
    custseg.abc_classes(facts.monetary)
    custseg.pareto_summary(facts.monetary)
    custseg.lifecycle_stage(facts.recency_days)
