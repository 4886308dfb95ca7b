"""Audit 40, operations: the presets' segmentations never guess a class
where a fact they read is missing, and the shipped playbooks act on it.

A rules file that extends a preset and declares ``frequency`` or
``monetary`` ``missing = true`` (a facts table with gaps) gave a row
whose purchase count or spend was missing a real class that value could
change: ``visit_tier`` fell to its default ``ordinary_member`` (or ``vip``
by spend alone), ``status``/``status_crm`` said ``new`` where the count
could make the customer loyal, mother_baby's ``store_class`` said
``visited_not_bought`` and ``ecom4`` said ``Ordinary``. The Python
classifiers the presets mirror say ``unknown``; so do the presets now
(``Unscored`` in ecom4), and ``default_playbook("visit_tier")`` acts on
``unknown``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
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
from custseg.playbook import actions, default_playbook

NAN = math.nan
GAPS = "frequency = { missing = true }\nmonetary = { missing = true }\n"


@functools.cache
def _with_gaps(name: str) -> rules.RuleSet:
    """The preset *name*, extended by a file whose facts may be missing."""
    return rules.loads(f'extends = "{name}"\n[fields]\n{GAPS}')


# one row: frequency, tenure, recency, monetary; NaN anywhere a facts table
# with gaps may have one (a buyer's recency at most their tenure)
ROW = st.tuples(
    st.sampled_from([NAN, 0.0, 1.0, 2.0, 3.0, 11.0, 12.0, 24.0, 30.0]),
    st.sampled_from([NAN, 0.0, 4.0, 30.0, 45.0, 180.0, 400.0, 2000.0]),
    st.sampled_from([NAN, 0.0, 29.0, 90.0, 135.0, 180.0, 365.0, 1000.0]),
    st.sampled_from([NAN, 0.0, 10.0, 2999.0, 3000.0, 5000.0, 10000.0]),
)
ROWS = st.lists(ROW, min_size=1, max_size=12)


def _facts(rows: list[tuple[float, float, float, float]]) -> dict:
    freq = np.array([r[0] for r in rows])
    none = freq == 0  # no purchase: no recency, tenure; no spend
    tenure = np.where(none, NAN, [r[1] for r in rows])
    recency = np.where(none, NAN, [r[2] for r in rows])
    # recency <= tenure where both are known (a first purchase before the last)
    recency = np.where(recency > tenure, tenure, recency)
    return {
        "frequency": freq,
        "tenure_days": tenure,
        "recency_days": recency,
        "monetary": np.where(none, 0.0, [r[3] for r in rows]),
        "r": [None] * len(rows),
        "f": [None] * len(rows),
        "m": [None] * len(rows),
    }


@given(st.sampled_from(["beauty_salon", "department_store", "restaurant"]), ROWS)
@settings(max_examples=15, deadline=None)
def test_visit_tier_with_gaps_is_visit_tier(name: str, rows: list) -> None:
    """The presets' visit_tier = custseg.visit_tier, missing counts and
    spend included: unknown where they decide the tier."""
    rs = _with_gaps(name)
    facts = _facts(rows)
    out = rs.evaluate(facts)
    p = rs.params
    tiers = VisitTiers(
        member_visits=p["member_visits"],
        vip_visits=p["vip_visits"],
        vip_spend=p["vip_spend"],
    )
    py = visit_tier(facts["frequency"], facts["monetary"], tiers=tiers)
    want = np.where(facts["frequency"] == 0, "no_purchase", py.to_numpy())
    assert out["visit_tier"].to_numpy().tolist() == want.tolist()


@given(st.sampled_from(["base", "furniture", "beauty_salon"]), ROWS, st.data())
@settings(max_examples=15, deadline=None)
def test_status_with_gaps_is_customer_status(
    name: str, rows: list, data: st.DataObject
) -> None:
    """status and status_crm = customer_status, a missing count included."""
    rs = _with_gaps(name)
    facts = _facts(rows)
    n = len(rows)
    flags = st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    interested, vip = data.draw(flags), data.draw(flags)
    out = rs.evaluate({**facts, "interested": interested, "vip": vip})
    p = rs.params
    th = StatusThresholds(
        new_days=p["new_days"], loyal_orders=p["loyal_orders"], lost_days=p["lost_days"]
    )
    args = (facts["frequency"], facts["tenure_days"], facts["recency_days"])
    plain = customer_status(*args, thresholds=th)
    crm = customer_status(
        *args,
        interested=np.array(interested, dtype=object),
        vip=np.array(vip, dtype=object),
        thresholds=th,
    )
    assert out["status"].to_numpy().tolist() == plain.to_numpy().tolist()
    assert out["status_crm"].to_numpy().tolist() == crm.to_numpy().tolist()


@given(ROWS, st.data())
@settings(max_examples=15, deadline=None)
def test_store_class_with_gaps_is_store_visit_class(
    rows: list, data: st.DataObject
) -> None:
    """mother_baby's store_class = store_visit_class, a missing count included."""
    facts = _facts(rows)
    n = len(rows)
    extra = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    freq = facts["frequency"]
    # a purchase is a visit; visits known where the purchase count is not
    visits = np.where(np.isnan(freq), np.array(extra) + 1, freq + np.array(extra))
    vip = data.draw(
        st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    )
    out = _with_gaps("mother_baby").evaluate({**facts, "visits": visits, "vip": vip})
    py = store_visit_class(visits, facts["frequency"], vip=np.array(vip, dtype=object))
    assert out["store_class"].to_numpy().tolist() == py.to_numpy().tolist()


def _ecom4(rec: float, freq: float, mon: float, p: dict) -> str:
    """The e-commerce four classes, from the domain text, one customer."""
    if math.isnan(rec) or math.isnan(mon):
        return "Unscored"
    if mon >= p["key_amount"]:
        return "Key Retention" if rec >= p["lapsing_days"] else "Key Development"
    if math.isnan(freq):
        return "Unscored"  # Ordinary or Ordinary Loyal: the count decides
    return "Ordinary Loyal" if freq >= p["loyal_orders"] else "Ordinary"


@given(st.sampled_from(sorted(rules.presets())), ROWS)
@settings(max_examples=15, deadline=None)
def test_ecom4_with_gaps_never_guesses(name: str, rows: list) -> None:
    """ecom4 = a naive loop: Unscored wherever a missing fact decides."""
    rs = _with_gaps(name)
    facts = _facts(rows)
    out = rs.evaluate(facts)["ecom4"].to_numpy().tolist()
    # one purchase is the first and the last: a missing recency is the
    # tenure (RuleSet.evaluate completes it, as customer_status reads it)
    once = (facts["frequency"] == 1) & np.isnan(facts["recency_days"])
    recency = np.where(once, facts["tenure_days"], facts["recency_days"])
    want = [
        _ecom4(r, f, m, rs.params)
        for r, f, m in zip(recency, facts["frequency"], facts["monetary"], strict=True)
    ]
    assert out == want


def test_repro_salon_with_gaps() -> None:
    """The audit's repro: a salon's facts table with gaps."""
    out = _with_gaps("beauty_salon").evaluate(
        {
            "frequency": [NAN, NAN, 2.0, NAN, 2.0],
            "monetary": [100.0, NAN, NAN, 9000.0, NAN],
            "recency_days": [10.0, 10.0, 10.0, 10.0, 10.0],
            "tenure_days": [30.0, 30.0, 100.0, 30.0, 100.0],
            "r": [None] * 5,
            "f": [None] * 5,
            "m": [None] * 5,
        }
    )
    assert out["visit_tier"].to_numpy().tolist() == ["unknown"] * 5
    assert out["status"].to_numpy().tolist()[:2] == ["unknown", "unknown"]
    # spend at key_amount decides whatever the count: Key Development
    assert out["ecom4"].to_numpy().tolist() == [
        "Unscored",
        "Unscored",
        "Unscored",
        "Key Development",
        "Unscored",
    ]


def test_visit_tier_playbook_covers_unknown() -> None:
    """visit_tier's unknown tier has an action (complete the records), in
    English and as the presets' Chinese name, and no cadence."""
    labels = visit_tier([NAN, 1, 5])
    pb = default_playbook("visit_tier")
    assert pb.uncovered(labels) == ()
    plan = actions(labels, pb, recency_days=[10, 10, 10])
    assert plan.uncovered == ()
    assert plan.to_pandas()["action"].iloc[0].startswith("Complete the customer's")
    assert math.isnan(plan.cadence_days[0])
    zh = _with_gaps("beauty_salon").evaluate(
        {
            "frequency": [NAN],
            "monetary": [1.0],
            "recency_days": [1.0],
            "tenure_days": [1.0],
            "r": [None],
            "f": [None],
            "m": [None],
        },
        lang="zh",
    )
    assert actions(zh["visit_tier"], pb, recency_days=[1]).uncovered == ()


def _warnings(text: str) -> list[str]:
    return [d.code for d in rules.check(text) if d.severity != "info"]


def test_gap_rules_are_no_warning() -> None:
    """A preset's rules for a field it declares never missing are for files
    that declare it missing: no never-matches warning for the preset (see
    test_presets), its printed text or an edited copy; a user's own such
    rule is one."""
    assert _warnings("beauty_salon") == []
    assert _warnings(f'extends = "beauty_salon"\n[fields]\n{GAPS}') == []
    # a file holding the preset's text, as `custseg presets NAME` prints it
    assert _warnings(rules.preset_text("beauty_salon")) == []
    # an edited copy (its rules as the preset's)
    edited = rules.preset_text("beauty_salon").replace(
        'description = "', 'description = "Edited: ', 1
    )
    assert edited != rules.preset_text("beauty_salon")
    assert _warnings(edited) == []
    # a rule of the user's own asking missing(x) of a never-missing field
    text = (
        'extends = "base"\n[segments.mine]\ndefault = "b"\n'
        'rules = [{ label = "a", when = "missing(frequency)" }]\n'
    )
    assert "never-matches" in _warnings(text)


def test_label_from_missing_hint_names_the_lists_own_unknown_label() -> None:
    """The hint of label-from-missing suggests the rule list's own label for
    what is not known (status' ``unknown``), not an ``Unscored`` class the
    list does not have."""
    text = (
        "format = 1\n[fields]\n"
        'x = { type = "number", missing = true }\n'
        'y = { type = "number", min = 0 }\n'
        '[segments.s]\ndefault = "low"\nrules = [\n'
        '  { label = "high", when = "x >= 5" },\n'
        '  { label = "mid", when = "y >= 1" },\n'
        '  { label = "unknown", when = "y > 1000" },\n]\n'
    )
    hints = [d.hint for d in rules.check(text) if d.code == "label-from-missing"]
    assert hints
    assert all('label = "unknown"' in h for h in hints)
