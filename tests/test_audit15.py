"""Audit 15 (4 December 2026, night): findings of six adversarial probes.

* Rates and probabilities above 1 are refused however little above: a
  ``Decimal`` that float64 rounds onto 1 is above it (the margin of
  ``recommended_relationship`` with rate breaks missed the cut 1).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.relationship import recommended_relationship

_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

#: decimals float64 rounds to 1.0 from above (and 1 itself)
_NEAR_ONE = st.builds(
    lambda k, d: Decimal("1." + "0" * (k - 1) + str(d)),
    st.integers(17, 40),
    st.integers(1, 9),
)


def _refusers():
    """Each public check of a value in [0, 1] (or a rate up to 1), as a
    function of one value."""
    tiers = custseg.ValueTierThresholds(assets_medium=1, assets_large=2)
    return {
        "margin": lambda x: recommended_relationship(
            [50], [x], customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
        ),
        "margin up to 1": lambda x: recommended_relationship(
            [50], [x], customers_breaks=(100, 1000), margin_breaks=(0.1, 1)
        ),
        "intent": lambda x: custseg.value_tier([5], [x], thresholds=tiers),
        "repurchase": lambda x: custseg.repurchase_band([x]),
    }


@pytest.mark.parametrize("name", sorted(_refusers()))
@_SETTINGS
@given(above=_NEAR_ONE)
def test_just_above_one_is_refused(name, above):
    """Above 1 by less than float64 sees: refused, as 1.0000000000000002
    is; exactly 1 (written with more digits too) is accepted."""
    check = _refusers()[name]
    with pytest.raises(InputError, match="above 1|outside"):
        check(above)
    check(Decimal("1.000000000000000000000"))
    check(1.0)
