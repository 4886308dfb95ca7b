"""The presets' segmentations of customer records agree with the classifiers.

The rules files carry loyalty, NPS bands, value tiers and conversion
readiness as rules a shop can edit; custseg's functions carry the same tables
in Python. On every combination of answers (and the boundaries) they agree.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.lifecycle import (
    StatusThresholds,
    VisitTiers,
    customer_status,
    store_visit_class,
    visit_tier,
)
from custseg.loyalty import loyalty_level, nps_band
from custseg.value import ValueTierThresholds, conversion_readiness, value_tier

SATISFACTION = [
    None,
    "very_dissatisfied",
    "dissatisfied",
    "neutral",
    "satisfied",
    "very_satisfied",
]
REFERRAL = [None, "unlikely", "possible", "very_likely"]
# the band edges of repurchase, on and either side of them
REPURCHASE = [np.nan, 0.0, 0.29, 0.3, 0.5, 0.7, 0.71, 1.0]


def _spine(n: int) -> dict:
    """The spine's fields, all missing (no purchase): only the records decide."""
    return {
        "recency_days": np.full(n, np.nan),
        "frequency": np.zeros(n, dtype=int),
        "monetary": np.zeros(n),
        "tenure_days": np.full(n, np.nan),
        "r": [None] * n,
        "f": [None] * n,
        "m": [None] * n,
    }


@pytest.mark.parametrize("lang", [None, "zh"])
def test_loyalty_every_combination(lang: str | None) -> None:
    """base's loyalty = loyalty_level on all 6 x 8 x 4 answer combinations."""
    combos = list(itertools.product(SATISFACTION, REPURCHASE, REFERRAL))
    sat, rep, ref = (list(c) for c in zip(*combos, strict=True))
    out = rules.load("base").evaluate(
        {
            **_spine(len(combos)),
            "satisfaction": sat,
            "repurchase": rep,
            "referral": ref,
        },
        lang=lang,
    )
    py = loyalty_level(
        np.array(sat, dtype=object),
        np.array(rep),
        np.array(ref, dtype=object),
        lang=lang or "en",
    )
    assert out["loyalty"].to_numpy().tolist() == py.to_numpy().tolist()
    assert out["loyalty"].names == py.names


def test_nps_band_every_score() -> None:
    """base's nps_band table = nps_band on 0..10 and missing."""
    scores = [np.nan, *range(11)]
    out = rules.load("base").evaluate({**_spine(len(scores)), "nps": scores})
    py = nps_band(np.array(scores))
    assert [str(x) for x in out["nps_band"].to_numpy()] == [
        "no_answer" if x == py.names[-1] else x for x in py.to_numpy().tolist()
    ]


def test_value_tier_salon() -> None:
    """beauty_salon's value_tier = value_tier with the salon's thresholds."""
    assets = [np.nan, 0.0, 2999.0, 3000.0, 9999.0, 10000.0, 50000.0]
    intent = [np.nan, 0.0, 0.29, 0.3, 0.69, 0.7, 1.0]
    combos = list(itertools.product(assets, intent))
    a, i = (np.array(c) for c in zip(*combos, strict=True))
    rs = rules.load("beauty_salon")
    out = rs.evaluate({**_spine(len(a)), "assets": a, "intent": i})
    p = rs.params
    py = value_tier(
        a,
        i,
        thresholds=ValueTierThresholds(
            assets_medium=p["assets_medium"],
            assets_large=p["assets_large"],
            intent_some=p["intent_some"],
            intent_strong=p["intent_strong"],
        ),
    )
    assert out["value_tier"].to_numpy().tolist() == py.to_numpy().tolist()


def test_readiness_furniture() -> None:
    """furniture's readiness = conversion_readiness on all 81 combinations."""
    combos = list(itertools.product([True, False, None], repeat=4))
    cols = [np.array(c, dtype=object) for c in zip(*combos, strict=True)]
    out = rules.load("furniture").evaluate(
        {
            **_spine(len(combos)),
            **dict(zip(("need", "motivation", "ability", "timing"), cols, strict=True)),
        }
    )
    py = conversion_readiness(*cols)
    assert out["readiness"].to_numpy().tolist() == py.to_numpy().tolist()


# --------------------------------------------------------------------------
# status classes: every preset's own windows


def _facts_rows(draw_rows: list[tuple[int, float, float, float]]) -> dict:
    """frequency, tenure, recency, monetary columns from generated rows (a
    customer with no purchase has missing recency and tenure, as summarize gives)."""
    freq = np.array([r[0] for r in draw_rows])
    buy = freq > 0
    tenure = np.where(buy, [r[1] for r in draw_rows], np.nan)
    recency = np.where(buy, np.minimum([r[2] for r in draw_rows], tenure), np.nan)
    return {
        "frequency": freq,
        "tenure_days": tenure,
        "recency_days": recency,
        "monetary": np.array([r[3] for r in draw_rows]),
        "r": [None] * len(freq),
        "f": [None] * len(freq),
        "m": [None] * len(freq),
    }


ROWS = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(
            [0.0, 4.0, 29.0, 30.0, 44.0, 45.0, 90.0, 180.0, 400.0, 900.0, 2000.0]
        ),
        st.sampled_from(
            [
                0.0,
                29.0,
                30.0,
                89.0,
                90.0,
                134.0,
                135.0,
                179.0,
                180.0,
                269.0,
                270.0,
                364.0,
                365.0,
                729.0,
                730.0,
                2000.0,
            ]
        ),
        st.sampled_from([0.0, 10.0, 2999.0, 3000.0, 4999.0, 5000.0, 9999.0, 10000.0]),
    ),
    min_size=1,
    max_size=40,
)
PRESETS = sorted(rules.presets())


@given(st.sampled_from(PRESETS), ROWS, st.data())
@settings(max_examples=80, deadline=None)
def test_status_in_every_preset(name: str, rows: list, data: st.DataObject) -> None:
    """status and status_crm of each preset = customer_status with its params."""
    rs = rules.load(name)
    facts = _facts_rows(rows)
    n = len(rows)
    interested = data.draw(
        st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    )
    vip = data.draw(
        st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    )
    out = rs.evaluate({**facts, "interested": interested, "vip": vip})
    p = rs.params
    th = StatusThresholds(
        new_days=p["new_days"], loyal_orders=p["loyal_orders"], lost_days=p["lost_days"]
    )
    plain = customer_status(
        facts["frequency"], facts["tenure_days"], facts["recency_days"], thresholds=th
    )
    crm = customer_status(
        facts["frequency"],
        facts["tenure_days"],
        facts["recency_days"],
        interested=np.array(interested, dtype=object),
        vip=np.array(vip, dtype=object),
        thresholds=th,
    )
    assert out["status"].to_numpy().tolist() == plain.to_numpy().tolist()
    assert out["status_crm"].to_numpy().tolist() == crm.to_numpy().tolist()


@given(st.sampled_from(["beauty_salon", "department_store", "restaurant"]), ROWS)
@settings(max_examples=60, deadline=None)
def test_visit_tier_presets(name: str, rows: list) -> None:
    """visit_tier of the membership presets = visit_tier on purchases and spend."""
    rs = rules.load(name)
    facts = _facts_rows(rows)
    out = rs.evaluate(facts)
    p = rs.params
    tiers = VisitTiers(
        member_visits=p["member_visits"],
        vip_visits=p["vip_visits"],
        vip_spend=p["vip_spend"],
    )
    py = visit_tier(facts["frequency"], facts["monetary"], tiers=tiers)
    # customers who never bought are no walk-ins in the presets: no_purchase
    want = np.where(facts["frequency"] == 0, "no_purchase", py.to_numpy())
    assert out["visit_tier"].to_numpy().tolist() == want.tolist()


@given(ROWS, st.data())
@settings(max_examples=60, deadline=None)
def test_store_class_mother_baby(rows: list, data: st.DataObject) -> None:
    """mother_baby's store_class = store_visit_class on visits, purchases and vip."""
    facts = _facts_rows(rows)
    n = len(rows)
    extra = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    visits = facts["frequency"] + np.array(extra)  # a purchase is a visit
    vip = data.draw(
        st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    )
    out = rules.load("mother_baby").evaluate({**facts, "visits": visits, "vip": vip})
    py = store_visit_class(visits, facts["frequency"], vip=np.array(vip, dtype=object))
    assert out["store_class"].to_numpy().tolist() == py.to_numpy().tolist()


@pytest.mark.parametrize("name", PRESETS)
def test_preset_examples_pass_and_cover_every_output(name: str) -> None:
    """Each preset carries examples for every table, segmentation and tag, and
    they all pass (rules.check reports no example-failed)."""
    rs = rules.load(name)
    outcomes = rs.run_examples()
    assert [o.describe() for o in outcomes if not o.passed] == []
    tags = {f"{n}.{t}" for n, ts in rs.tagsets.items() for t in ts.tags}
    assert {o.output for o in outcomes} == set(rs.outputs) | tags
    assert not [d for d in rules.check(name) if d.severity == "error"]
