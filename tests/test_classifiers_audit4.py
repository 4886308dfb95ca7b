"""Audit 4 fixes in the classifiers: loyalty, value, relationship, playbook,
lifecycle (decimals compared exactly, scalars named, wrong threshold types,
intent range, text scores, first_sale pairing, cadence bound, missing
classes, repeated index ids)."""

from __future__ import annotations

import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import relationship as rel
from custseg.errors import InputError, ThresholdError
from custseg.lifecycle import (
    CarePhases,
    LifecycleWindows,
    StatusThresholds,
    VisitTiers,
    care_phase,
    customer_status,
    lifecycle_stage,
    visit_tier,
)
from custseg.loyalty import (
    DickBasuThresholds,
    dick_basu,
    loyalty_level,
    nps,
    nps_band,
    repurchase_band,
    repurchase_from_behaviour,
)
from custseg.playbook import Action, actions, default_playbook, due_contacts
from custseg.value import ValueTierThresholds, conversion_readiness, value_tier

TINY = Decimal("1e-18")


# ---------------------------------------------------------------- decimals


def _arrow(values: list[Decimal]) -> pd.Series:
    pa = pytest.importorskip("pyarrow")  # the [test] extra has none

    return pd.Series(pd.array(values, dtype=pd.ArrowDtype(pa.decimal128(38, 18))))


def _sides(cut: float) -> list[Decimal]:
    """A decimal just below, on and just above *cut* (read as it prints)."""
    d = Decimal(repr(cut))
    return [d - TINY, d, d + TINY]


def _expect(cut: float, below: str, at_or_above: str, *, above: str | None = None):
    return [below, at_or_above, at_or_above if above is None else above]


# Each case: a classifier of one number column, its cuts, and the class of a
# value just below / on / just above each cut (computed from the float
# answers of values clearly below / on / clearly above).
CASES = {
    "lifecycle_stage": (lambda x: lifecycle_stage(x), LifecycleWindows().breaks),
    "care_phase": (lambda x: care_phase(x), CarePhases().breaks),
    "repurchase_band": (lambda x: repurchase_band(x), (0.3, 0.7)),
    "value_tier assets": (
        lambda x: value_tier(
            x, [0.9] * len(x), thresholds=ValueTierThresholds(2000, 10000)
        ),
        (2000.0, 10000.0),
    ),
    "value_tier intent": (
        lambda x: value_tier(["large"] * len(x), x),
        (0.3, 0.7),
    ),
    "recommended_relationship": (
        lambda x: rel.recommended_relationship(
            x, ["high"] * len(x), customers_breaks=(10, 1000)
        ),
        (10.0, 1000.0),
    ),
    "repurchase_from_behaviour recency": (
        lambda x: repurchase_from_behaviour([5] * len(x), x),
        (90.0, 180.0),
    ),
    "visit_tier spend": (
        lambda x: visit_tier(
            [9] * len(x), x, tiers=VisitTiers(vip_visits=None, vip_spend=5000)
        ),
        (5000.0,),
    ),
    "customer_status recency": (
        lambda x: customer_status([3] * len(x), [400] * len(x), x),
        (StatusThresholds().lost_days,),
    ),
}


def _reference(f, cut: float) -> list[str]:
    """The classes of a value below, on and above *cut*, from floats far
    enough apart to be exact."""
    step = max(abs(cut), 1.0) * 1e-9
    return f([cut - step, cut, cut + step]).to_numpy().tolist()


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("container", ["list", "arrow", "object"])
def test_decimals_on_either_side_of_every_cut(name: str, container: str) -> None:
    f, cuts = CASES[name]
    for cut in cuts:
        values = _sides(float(cut))
        x = {
            "list": values,
            "arrow": _arrow(values),
            "object": np.array(values, dtype=object),
        }[container]
        got = f(x).to_numpy().tolist()
        assert got == _reference(f, float(cut)), (name, cut, got)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(CASES)),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=-3, max_value=3),
)
def test_decimals_compare_like_their_exact_value(name: str, k: int, sign: int) -> None:
    """Any decimal with more digits than a float holds lands on the side of
    each cut its exact value is on (same class as a float clearly there)."""
    f, cuts = CASES[name]
    for cut in cuts:
        d = Decimal(repr(float(cut))) + sign * k * Decimal("1e-20")
        got = f([d]).to_numpy().tolist()[0]
        side = {-1: 0, 0: 1, 1: 2}[int(np.sign(sign))]
        assert got == _reference(f, float(cut))[side], (name, cut, d, got)


def test_decimal_counts_that_are_not_whole_are_refused() -> None:
    for f in (
        lambda x: visit_tier(x),
        lambda x: dick_basu(attitude=["high"], frequency=x),
        lambda x: repurchase_from_behaviour(x, [3]),
        lambda x: nps_band(x),
    ):
        with pytest.raises(InputError):
            f([Decimal("7.000000000000000000001")])


def test_decimal_probability_just_above_one_is_refused() -> None:
    with pytest.raises(InputError, match="outside"):
        repurchase_band([Decimal("1.000000000000000000001")])
    with pytest.raises(InputError, match="outside"):
        value_tier(["large"], [Decimal("1.000000000000000000001")])


def test_decimal_tiny_negative_is_refused() -> None:
    with pytest.raises(InputError, match="negative"):
        lifecycle_stage([Decimal("-1e-400")])


def test_mixed_bands_and_decimals_keep_the_decimals_exact() -> None:
    got = repurchase_band(["low", Decimal("0.700000000000000001")])
    assert got.to_numpy().tolist() == ["low", "high"]


# ---------------------------------------------------------------- thresholds types

THRESHOLD_ARGS = [
    (lambda t: lifecycle_stage([1], windows=t)),
    (lambda t: care_phase([1], phases=t)),
    (lambda t: customer_status([1], [1], [1], thresholds=t)),
    (lambda t: custseg.needs_status([1], [1], thresholds=t)),
    (lambda t: visit_tier([1], tiers=t)),
    (lambda t: custseg.store_visit_class([1], [1], thresholds=t)),
    (lambda t: loyalty_level(["neutral"], [0.5], [7], thresholds=t)),
    (lambda t: repurchase_band([0.5], thresholds=t)),
    (lambda t: repurchase_from_behaviour([1], [1], bands=t)),
    (lambda t: custseg.behavioural_loyalty([1], [1], bands=t)),
    (lambda t: dick_basu(attitude=["high"], frequency=[1], thresholds=t)),
    (lambda t: value_tier(["large"], ["strong"], thresholds=t)),
    (lambda t: rel.recommended_relationship(["many"], ["high"], matrix=t)),
    (lambda t: actions(["active"], t)),
]


@pytest.mark.parametrize("call", THRESHOLD_ARGS)
@pytest.mark.parametrize("wrong", ["strict", 3, DickBasuThresholds()])
def test_wrong_threshold_objects_are_refused(call, wrong) -> None:
    try:
        call(wrong)
    except ThresholdError as err:
        assert "must be a" in str(err)
    except Exception as err:  # pragma: no cover - the defect
        pytest.fail(f"{type(err).__name__}: {err}")
    else:
        # DickBasuThresholds is the right type for dick_basu only
        assert isinstance(wrong, DickBasuThresholds)


def test_repurchase_band_names_thresholds() -> None:
    with pytest.raises(
        ThresholdError, match="'thresholds' must be a LoyaltyThresholds"
    ):
        repurchase_band([0.5], thresholds="strict")


# ---------------------------------------------------------------- dick_basu


@pytest.mark.parametrize("referral", [["unlikely"], ["garbage"], [0]])
def test_dick_basu_attitude_with_referral_is_refused(referral) -> None:
    with pytest.raises(
        InputError,
        match="'attitude' needs exactly one attitude source: got 'attitude' together",
    ):
        dick_basu(attitude=["high"], referral=referral, frequency=[5])
    with pytest.raises(InputError, match="'referral'"):
        dick_basu(attitude=["high"], referral=referral, frequency=[5])


def test_dick_basu_attitude_with_both_is_refused() -> None:
    with pytest.raises(InputError, match="'satisfaction' and 'referral'"):
        dick_basu(
            attitude=["high"], satisfaction=["neutral"], referral=[9], frequency=[5]
        )


# ---------------------------------------------------------------- intent range


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=1.0, max_value=1e6, exclude_min=True),
        st.floats(max_value=0.0, exclude_max=True, min_value=-1e6),
        st.integers(min_value=2, max_value=100),
    )
)
def test_intent_outside_probabilities_is_refused(x) -> None:
    with pytest.raises(InputError, match="'intent' has numbers outside"):
        value_tier(["large"], [x])
    with pytest.raises(InputError, match="'intent' has numbers outside"):
        custseg.fit_value_tiers([100.0], [x], [10.0])


def test_intent_percentage_hint() -> None:
    with pytest.raises(InputError, match="percentage"):
        value_tier(["large"], [80])


def test_intent_on_another_scale_with_its_thresholds() -> None:
    five = ValueTierThresholds(intent_some=3, intent_strong=4)
    got = value_tier(["large"] * 4, [1, 3, 4, 5], thresholds=five)
    assert got.to_numpy().tolist() == ["B", "B", "A", "A"]


def test_intent_in_range_unchanged() -> None:
    got = value_tier(["large"] * 4, [0.0, 0.3, 0.7, 1.0])
    assert got.to_numpy().tolist() == ["B", "B", "A", "A"]


# ---------------------------------------------------------------- text scores


@pytest.mark.parametrize(
    "scores", [["9", "3"], np.array(["9", "3"]), pd.Series(["9", 3], dtype=object)]
)
def test_nps_refuses_text_scores(scores) -> None:
    with pytest.raises(InputError, match="'scores' has text"):
        nps_band(scores)
    with pytest.raises(InputError, match="'scores' has text"):
        nps(scores)
    # the same score as a referral answer is refused too
    with pytest.raises(InputError, match="'referral'"):
        loyalty_level(["very_satisfied"] * 2, [0.9] * 2, scores)


def test_nps_numbers_still_work() -> None:
    assert nps_band(pd.Series([9, None])).to_numpy().tolist() == [
        "promoter",
        "no_answer",
    ]


# ---------------------------------------------------------------- scalars

SCALAR_CALLS = {
    "assets": lambda s: value_tier(s, ["strong"]),
    "intent": lambda s: value_tier(["large"], s),
    "satisfaction": lambda s: loyalty_level(s, [0.5], [7]),
    "repurchase": lambda s: loyalty_level(["neutral"], s, [7]),
    "referral": lambda s: loyalty_level(["neutral"], [0.5], s),
    "n_customers": lambda s: rel.recommended_relationship(s, ["high"]),
    "margin": lambda s: rel.recommended_relationship(["many"], s),
    "current": lambda s: rel.relationship_gap(s, ["basic"]),
    "recommended": lambda s: rel.relationship_gap(["basic"], s),
    "need": lambda s: conversion_readiness(s, [1], [1], [1]),
    "timing": lambda s: conversion_readiness([1], [1], [1], s),
    "attitude": lambda s: dick_basu(attitude=s, frequency=[1]),
    "repeat": lambda s: dick_basu(attitude=["high"], repeat=s),
    "probability": lambda s: repurchase_band(s),
}


@pytest.mark.parametrize("field", sorted(SCALAR_CALLS))
@pytest.mark.parametrize("scalar", ["large", 1, 0.5, np.float64(0.5)])
def test_scalar_columns_name_the_argument(field: str, scalar) -> None:
    with pytest.raises(InputError) as info:
        SCALAR_CALLS[field](scalar)
    assert info.value.field == field, str(info.value)
    assert "'values'" not in str(info.value)


@pytest.mark.parametrize("field", ["assets", "intent", "need", "current"])
def test_none_is_not_a_column(field: str) -> None:
    with pytest.raises(InputError, match=f"'{field}' must be an array-like"):
        SCALAR_CALLS[field](None)


# ---------------------------------------------------------------- first_sale


def test_first_sale_tuple_with_different_indexes_is_refused() -> None:
    log = {
        "customer": ["a", "b"],
        "date": ["2024-03-05", "2024-03-06"],
        "initiator": ["company"] * 2,
        "kind": ["follow_up"] * 2,
    }
    sales = pd.DataFrame(
        {"id": ["a", "b"], "first": pd.to_datetime(["2024-03-01", "2024-04-01"])}
    )
    with pytest.raises(InputError, match="'first_sale'"):
        rel.contact_summary(**log, first_sale=(sales["id"], sales["first"].iloc[::-1]))
    ok = rel.contact_summary(**log, first_sale=(sales["id"], sales["first"]))
    assert ok.to_pandas()["follow_ups"].tolist() == [1, 0]


# ---------------------------------------------------------------- playbook


@pytest.mark.parametrize("cadence", [1e300, 1e19, 2e12])
def test_huge_cadence_is_an_error_not_a_numpy_warning(cadence: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ThresholdError, match="at most"):
            due_contacts(["2024-12-01"], cadence, "2024-12-28")
        with pytest.raises(InputError, match="longer than"):
            due_contacts(["2024-12-01"], [cadence], "2024-12-28")
        with pytest.raises(ThresholdError, match="at most"):
            Action("call", "phone", 1, cadence_days=cadence)


def test_cadence_at_the_bound_is_fine() -> None:
    due = due_contacts(["2024-12-01", None], [1e12, 1e12], "2024-12-28")
    assert len(due) == 1


def test_repeated_index_id_names_its_argument() -> None:
    last = pd.Series(pd.to_datetime(["2024-01-01"] * 3), index=["a", "a", "b"])
    with pytest.raises(InputError) as info:
        due_contacts(last, 30, "2024-06-01")
    assert "the index of 'last_contact'" in str(info.value)
    assert "customer=" in str(info.value)
    plan = actions(
        pd.Series(["silent"] * 3, index=last.index), default_playbook("lifecycle")
    )
    with pytest.raises(InputError, match="the index of 'last_contact'"):
        due_contacts(last, plan, "2024-06-01")
    with pytest.raises(InputError, match="the index of 'cadence'"):
        due_contacts(last.to_numpy(), plan, "2024-06-01")
    with pytest.raises(InputError, match="'customer' has repeated ids"):
        due_contacts(last.to_numpy(), 30, "2024-06-01", customer=["a", "a", "b"])


def test_missing_class_is_counted_and_noted() -> None:
    labels = pd.Series(["silent", None, "active", np.nan])
    plan = actions(labels, default_playbook("lifecycle"))
    assert plan.unclassified == 2
    assert "2 without a class" in repr(plan)
    assert np.isnan(plan.cadence_days[1])
    full = actions(["silent", "churned"], default_playbook("lifecycle"))
    assert full.unclassified == 0
    assert "without a class" not in repr(full)
