"""Audit 41, core: the pure classifiers."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

import custseg

NAN = float("nan")


@settings(max_examples=40, deadline=None)
@given(
    bound=st.one_of(
        st.integers(0, 500).map(float),
        st.sampled_from([0.0, 44.0, 45.0, 89.0, 89.5, 90.0, 91.0, 365.0]),
    ),
    freq=st.sampled_from([2.0, 5.0, NAN]),
)
def test_missing_day_bounded_by_the_other(bound: float, freq: float) -> None:
    """A buyer's missing recency lies in [0, tenure], a missing tenure in
    [recency, inf): the stage / phase is the one every such day has, else
    unknown (naive oracle: the classes of both ends of the bound)."""
    stage = custseg.lifecycle_stage([NAN], frequency=[freq], tenure_days=[bound])
    ends = custseg.lifecycle_stage([0.0, bound]).to_numpy().tolist()
    want = ends[0] if ends[0] == ends[1] else "unknown"
    assert stage.to_numpy().tolist() == [want]
    phase = custseg.care_phase([NAN], frequency=[freq], recency_days=[bound])
    last = custseg.care_phase([bound, 1e9]).to_numpy().tolist()
    want = last[0] if last[0] == last[1] else "unknown"
    assert phase.to_numpy().tolist() == [want]


def test_stage_agrees_with_status_for_two_purchases() -> None:
    """Audit-40 leftover: 2 purchases within 20 days, recency missing:
    status new, stage active (was unknown); a recency of 100 days, tenure
    missing: care phase established (was unknown); non-buyers and missing
    bounds stay as they were."""
    stage = custseg.lifecycle_stage(
        [NAN, NAN, NAN, NAN],
        frequency=[2, 2, 0, 2],
        tenure_days=[20, 200, NAN, NAN],
    )
    assert stage.to_numpy().tolist() == ["active", "unknown", "no_purchase", "unknown"]
    status = custseg.customer_status([2], [20], [NAN]).to_numpy().tolist()
    assert status == ["new"]
    phase = custseg.care_phase(
        [NAN, NAN, NAN], frequency=[2, 2, 0], recency_days=[100, 10, NAN]
    )
    assert phase.to_numpy().tolist() == ["established", "unknown", "no_purchase"]


def test_completed_decimal_day_compared_exactly() -> None:
    """Audit-40 leftover: a one-purchase buyer's missing recency copied
    from a Decimal tenure that float64 rounds onto a lifecycle break
    (89.99999999999999999 -> 90.0) is compared exactly with the recency's
    cuts: active, as lifecycle_stage says (was silent); also through
    evaluator_with (assert_monotone's path)."""
    from decimal import Decimal

    from custseg import rules
    from custseg.rules._model import evaluator_with

    rs = rules.load("base")
    near = [Decimal("89.99999999999999999"), Decimal("179.99999999999999999")]
    facts = {
        "frequency": [1, 1],
        "recency_days": [NAN, NAN],
        "tenure_days": near,
        "monetary": [1.0, 1.0],
        "r": [NAN, NAN],
        "f": [1, 1],
        "m": [1, 1],
    }
    want = custseg.lifecycle_stage([NAN, NAN], frequency=[1, 1], tenure_days=near)
    assert want.to_numpy().tolist() == ["active", "silent"]
    out = rs.evaluate(facts).to_pandas()
    assert out["lifecycle"].tolist() == ["active", "silent"]
    run = evaluator_with(rs, facts, "frequency")
    assert run([1, 1]).to_pandas()["lifecycle"].tolist() == ["active", "silent"]


def test_completed_recency_is_scored_into_r() -> None:
    """Audit-40 leftover: apply_rules completes a one-purchase buyer's
    missing recency from the tenure (lifecycle active), and now scores it
    into the r the preset fixes by days (rfm11 was Unscored): the row is
    labelled as the same buyer with the recency given."""
    import pandas as pd

    from custseg.frame import apply_rules

    df = pd.DataFrame(
        {
            "recency_days": [NAN, 20.0, NAN],
            "frequency": [1, 1, 2],
            "monetary": [10.0, 10.0, 10.0],
            "tenure_days": [20.0, 20.0, 20.0],
            "r": pd.array([None, 5, None], dtype="Int8"),
            "f": pd.array([1, 1, 2], dtype="Int8"),
            "m": pd.array([2, 2, 2], dtype="Int8"),
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    out = apply_rules(df, "ecommerce")
    cols = ["r", "lifecycle", "rfm11", "rfm8", "ecom4"]
    assert out.loc["a", cols].tolist() == out.loc["b", cols].tolist()
    assert out.loc["a", "r"] == 5
    assert pd.isna(out.loc["c", "r"])  # two purchases: the recency is not known


@settings(max_examples=40, deadline=None)
@given(
    k=st.sampled_from([0.0, 1.0, 2.0, 3.0, 7.0, NAN]),
    d=st.sampled_from([0.0, 89.0, 90.0, 179.0, 180.0, 400.0, NAN]),
)
def test_repurchase_band_unknown_only_where_the_missing_value_matters(
    k: float, d: float
) -> None:
    """Naive oracle: a missing count (at least 1 where a recency is known)
    or recency (any day) gives the band every value it may take gives,
    else unknown; frequency 0 and both missing stay unknown (was unknown
    for every missing value: one purchase with no recency, a lapse of 400
    days with no count)."""

    def band(n: float, days: float) -> str:
        if n >= 3 and days < 90:
            return "high"
        return "medium" if n >= 2 and days < 180 else "low"

    if k == 0 or (k != k and d != d):
        want = "unknown"
    elif k != k:
        bands = {band(n, d) for n in (1.0, 2.0, 3.0, 1e9)}
        want = bands.pop() if len(bands) == 1 else "unknown"
    elif d != d:
        bands = {band(k, x) for x in (0.0, 89.0, 90.0, 179.0, 180.0, 1e9)}
        want = bands.pop() if len(bands) == 1 else "unknown"
    else:
        want = band(k, d)
    got = custseg.repurchase_from_behaviour([k], [d]).to_numpy().tolist()
    assert got == [want]
    level = custseg.behavioural_loyalty([k], [d]).to_numpy().tolist()
    assert (level == ["unknown"]) == (want == "unknown")


def test_known_other_day_is_a_purchase_without_frequency() -> None:
    """tenure_days= (recency_days= for care_phase) without frequency: a
    known day count proves a purchase, so a missing one beside it is not
    no_purchase (was: a first purchase 300 days ago, no recency, labelled
    no_purchase); it is deduced from the bound or unknown. Both missing
    stay no_purchase."""
    stage = custseg.lifecycle_stage(
        [NAN, NAN, NAN, 5.0], tenure_days=[20, 300, NAN, NAN]
    )
    assert stage.to_numpy().tolist() == ["active", "unknown", "no_purchase", "active"]
    assert stage.names[-1] == "unknown"
    phase = custseg.care_phase([NAN, NAN, NAN, 2.0], recency_days=[100, 3, NAN, NAN])
    assert phase.to_numpy().tolist() == [
        "established",
        "unknown",
        "no_purchase",
        "care",
    ]
