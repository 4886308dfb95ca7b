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
    with pytest.raises(InputError, match=r"above 1|outside"):
        check(above)
    check(Decimal("1.000000000000000000000"))
    check(1.0)


# --------------------------------------------------------------------------
# Two Series are paired by their index, never by position alone
# --------------------------------------------------------------------------


@_SETTINGS
@given(
    quantities=st.lists(st.integers(-5, 20), min_size=2, max_size=8),
    data=st.data(),
)
def test_line_amounts_pairs_series_by_index(quantities, data):
    """``line_amounts(quantity, price)`` with two Series: the same index
    gives the products; any other order of the same lines is an
    InputError (it paired them by position, silently)."""
    import pandas as pd

    n = len(quantities)
    ids = [f"line-{i}" for i in range(n)]
    prices = data.draw(
        st.lists(st.sampled_from([0.29, 2.55, 10.0]), min_size=n, max_size=n)
    )
    q = pd.Series(quantities, index=ids)
    p = pd.Series(prices, index=ids)
    expect = custseg.line_amounts(quantities, prices)
    assert custseg.line_amounts(q, p).tolist() == expect.tolist()
    perm = data.draw(st.permutations(range(n)))
    shuffled = p.iloc[list(perm)]
    if list(perm) == list(range(n)):
        return
    with pytest.raises(InputError, match="'price' has a different index"):
        custseg.line_amounts(q, shuffled)
    aligned = custseg.line_amounts(q, shuffled.reindex(q.index))
    assert aligned.tolist() == expect.tolist()


# --------------------------------------------------------------------------
# nps(by=): values of two kinds are two groups or an error, never one
# --------------------------------------------------------------------------

_KINDS = {
    "bool": [True, False],
    "number": [1, 1.0, 0, Decimal("1")],
    "text": ["1", "0", "True"],
}


@_SETTINGS
@given(
    kinds=st.lists(
        st.sampled_from(sorted(_KINDS)), min_size=1, max_size=3, unique=True
    ),
    data=st.data(),
)
def test_nps_groups_of_different_kinds_are_refused(kinds, data):
    """``True``, ``1`` and ``1.0`` are equal in Python; as groups they are
    refused together rather than merged (as transition_matrix refuses
    them), and one kind alone groups by Python equality."""
    values = [
        data.draw(st.sampled_from(_KINDS[k]))
        for k in kinds
        for _ in range(data.draw(st.integers(1, 3)))
    ]
    values = data.draw(st.permutations(values))
    scores = [10] * len(values)
    if len(kinds) > 1:
        with pytest.raises(InputError, match="'by' mixes group values of different"):
            custseg.nps(scores, by=list(values))
        return
    r = custseg.nps(scores, by=list(values))
    assert sum(r.n.tolist()) == len(values)
    assert len(r.groups) == len(set(values))


# --------------------------------------------------------------------------
# profile_completeness: a cell of several values
# --------------------------------------------------------------------------

_MISSING_ITEMS = [None, "", "  ", "n/a", "未知", float("nan")]
_FILLED_ITEMS = ["reading", 0, False, "无锡", 3.5]


@_SETTINGS
@given(
    missing=st.lists(st.sampled_from(_MISSING_ITEMS), max_size=3),
    filled=st.lists(st.sampled_from(_FILLED_ITEMS), max_size=2),
    box=st.sampled_from(["list", "tuple", "array", "dict", "nested"]),
    data=st.data(),
)
def test_profile_cell_of_several_values(missing, filled, box, data):
    """A list cell (a Parquet list column) is filled when one of its values
    is, missing when none is (``[]`` too): it was filled whatever it held."""
    import numpy as np

    items = data.draw(st.permutations(missing + filled))
    if box == "list":
        cell = list(items)
    elif box == "tuple":
        cell = tuple(items)
    elif box == "array":
        cell = np.array(items, dtype=object)
    elif box == "dict":
        cell = {f"k{i}": x for i, x in enumerate(items)}
    else:
        cell = [list(items[:1]), list(items[1:])]
    kw = {"hard": ["hobbies"], "soft": [], "weights": (1, 0)}
    got = custseg.profile_completeness({"hobbies": ["x", cell]}, **kw).score.tolist()
    assert got == [1.0, 1.0 if filled else 0.0]
