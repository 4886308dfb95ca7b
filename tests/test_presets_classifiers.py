"""The presets' segmentations of customer records agree with the classifiers.

The rules files carry loyalty, NPS bands, value tiers and conversion
readiness as rules a shop can edit; custseg's functions carry the same tables
in Python. On every combination of answers (and the boundaries) they agree.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from custseg import rules
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
