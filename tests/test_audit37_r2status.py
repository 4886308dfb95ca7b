"""Audit 37 round 2: the presets' status tables against customer_status.

Round 1 made :func:`custseg.customer_status` decide a buyer's status when a
missing ``tenure_days`` or ``recency_days`` cannot change it (recency <=
tenure; one purchase is new whatever the tenure). Every preset's ``status``
and ``status_crm`` segmentations ("customer_status in Python") still gave
``unknown`` for any buyer with a missing day count, although the presets
declare both fields ``missing = true``: ``base`` gave ``unknown`` for five
purchases 10 days ago (``loyal``) and for one purchase 300 days ago
(``lost``). They now follow the function, with and without missing days,
and are unchanged on complete data.
"""

from __future__ import annotations

import math

import hypothesis
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import customer_status, rules
from custseg.lifecycle import StatusThresholds

NAN = float("nan")
PRESETS = sorted(rules.presets())
LOADED = {name: rules.load(name) for name in PRESETS}


def _thresholds(rs: rules.RuleSet) -> StatusThresholds:
    p = rs.params
    return StatusThresholds(
        new_days=p["new_days"], loyal_orders=p["loyal_orders"], lost_days=p["lost_days"]
    )


def _evaluate(rs: rules.RuleSet, f, t, r, interested, vip) -> dict:
    n = len(f)
    return rs.evaluate(
        {
            "frequency": np.array(f),
            "tenure_days": np.array(t, dtype=float),
            "recency_days": np.array(r, dtype=float),
            "monetary": np.zeros(n),
            "r": [None] * n,
            "f": [None] * n,
            "m": [None] * n,
            "interested": list(interested),
            "vip": list(vip),
        }
    )


def _compare(name: str, rows: list[tuple]) -> None:
    rs = LOADED[name]
    th = _thresholds(rs)
    f, t, r, interested, vip = (list(c) for c in zip(*rows, strict=True))
    out = _evaluate(rs, f, t, r, interested, vip)
    plain = customer_status(f, t, r, thresholds=th)
    crm = customer_status(
        f,
        t,
        r,
        interested=np.array(interested, dtype=object),
        vip=np.array(vip, dtype=object),
        thresholds=th,
    )
    assert out["status"].to_numpy().tolist() == plain.to_numpy().tolist()
    assert out["status_crm"].to_numpy().tolist() == crm.to_numpy().tolist()


@st.composite
def _preset_rows(draw: st.DrawFn) -> tuple[str, list[tuple]]:
    name = draw(st.sampled_from(PRESETS))
    p = LOADED[name].params
    nd, ld, lo = float(p["new_days"]), float(p["lost_days"]), int(p["loyal_orders"])
    # every side of each cut, a missing value, and far beyond
    days = st.sampled_from(
        [NAN, NAN, 0.0, nd - 1, nd, nd + 1, ld - 1, ld, ld + 1, 3 * (nd + ld)]
    )
    flag = st.sampled_from([None, False, True])
    row = st.tuples(
        st.sampled_from(sorted({0, 1, 2, lo - 1, lo, lo + 1})),
        days,
        days,
        flag,
        flag,
    ).filter(lambda x: math.isnan(x[1]) or math.isnan(x[2]) or x[2] <= x[1])
    return name, draw(st.lists(row, min_size=1, max_size=12))


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=120, deadline=None)
@given(case=_preset_rows())
def test_preset_status_equals_customer_status_with_missing_days(case):
    """status and status_crm of every preset = customer_status with the
    preset's params, on facts with and without missing days."""
    name, rows = case
    _compare(name, rows)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_status_missing_days_repro(name):
    """Five purchases 10 days ago, one purchase 300 days ago, a second
    purchase 50 days ago, one purchase in a 50-day tenure, a second purchase
    44 days ago: the preset agrees with customer_status (base: loyal, lost,
    repeat, new, unknown), no longer unknown throughout."""
    rows = [
        (5, NAN, 10.0, None, False),
        (1, NAN, 300.0, None, False),
        (2, NAN, 50.0, None, False),
        (1, 50.0, NAN, None, False),
        (2, NAN, 44.0, None, False),
    ]
    _compare(name, rows)


def test_base_status_missing_days_labels():
    out = _evaluate(
        LOADED["base"],
        [5, 1, 2, 1, 2, 3],
        [NAN, NAN, NAN, 50, NAN, 100],
        [10, 300, 50, NAN, 44, 100],
        [None] * 6,
        [False, False, False, False, False, None],
    )
    assert out["status"].to_numpy().tolist() == [
        "loyal",
        "lost",
        "repeat",
        "new",
        "unknown",
        "loyal",
    ]
    assert out["status_crm"].to_numpy().tolist()[:5] == [
        "loyal",
        "lost",
        "repeat",
        "new",
        "unknown",
    ]


@pytest.mark.parametrize("name", ["ecommerce", "furniture"])
def test_preset_status_in_polars(name):
    """Presets with fixed score edges run their status table in the engine:
    the labels of customer_status for buyers with missing days."""
    pl = pytest.importorskip("polars")
    from custseg.engines import approx_rfm_edges, label_in_engine

    facts = {
        "customer_id": ["a", "b", "c", "d", "e", "f", "g"],
        "frequency": [5, 1, 2, 1, 2, 2, 1],
        "tenure_days": [None, None, None, 50.0, None, 100.0, 800.0],
        "recency_days": [10.0, 300.0, 50.0, None, 44.0, None, None],
        "monetary": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
    }
    df = pl.DataFrame(facts)
    rs = LOADED[name]
    out = label_in_engine(df, preset=name, edges=approx_rfm_edges(df, rules=rs))
    expected = customer_status(
        np.array(facts["frequency"]),
        np.array(facts["tenure_days"], dtype=float),
        np.array(facts["recency_days"], dtype=float),
        thresholds=_thresholds(rs),
    )
    assert out["status"].to_list() == expected.to_numpy().tolist()
    assert "unknown" not in out["status"].to_list()[:4]
