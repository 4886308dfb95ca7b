"""Audit 37 (oracle): brute-force oracles for the newer classifiers.

``relationship_type`` with missing facts: the type is decided when every
way of filling in the missing counts, spans and day counts gives the same
type (as ``loyalty_level`` decides partial answers), never ``unknown``
when the missing fact cannot change it.
"""

from __future__ import annotations

import itertools
import math

import hypothesis
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg.relationship as rel

NAN = float("nan")


def _naive_type(f: dict, t: rel.RelationshipThresholds) -> str:
    """Kotler's five levels, first match from the top, from complete facts."""
    within = t.partnership_within_days
    if (
        f["joint_projects"] >= t.partnership_projects
        and f["joint_span_days"] >= t.partnership_days
        and (within is None or f["days_since_joint"] < within)
    ):
        return "partnership"
    if f["suggestions"] + f["new_products"] >= t.proactive_contacts:
        return "proactive"
    d = f["days_to_follow_up"]
    if not math.isnan(d) and d < t.follow_up_days:
        return "accountable"
    if f["customer_contacts"] >= 1:
        return "reactive"
    return "basic"


#: values a missing fact could have: around every default threshold
FILL = {
    "customer_contacts": (0, 1, 5),
    "suggestions": (0, 1, 2, 5),
    "new_products": (0, 1, 2, 5),
    "joint_projects": (0, 1, 2, 5),
    "joint_span_days": (0.0, 89.0, 90.0, 1000.0),
    "days_since_joint": (0.0, 179.0, 180.0, 1000.0),
}


def _oracle(f: dict, t: rel.RelationshipThresholds) -> str:
    missing = [k for k in FILL if isinstance(f[k], float) and math.isnan(f[k])]
    if t.partnership_within_days is None and "days_since_joint" in missing:
        missing.remove("days_since_joint")
    seen = set()
    for values in itertools.product(*(FILL[k] for k in missing)):
        g = {**f, **dict(zip(missing, values, strict=True))}
        if t.partnership_within_days is None:
            g["days_since_joint"] = 0.0
        seen.add(_naive_type(g, t))
    return seen.pop() if len(seen) == 1 else "unknown"


def _maybe_missing(values):
    return st.one_of(st.sampled_from(values), st.just(NAN))


facts_rows = st.fixed_dictionaries(
    {
        "customer_contacts": _maybe_missing((0, 1, 3)),
        "days_to_follow_up": st.sampled_from((NAN, 0.0, 29.0, 30.0, 45.0)),
        "suggestions": _maybe_missing((0, 1, 2)),
        "new_products": _maybe_missing((0, 1, 2)),
        "joint_projects": _maybe_missing((0, 1, 2, 3)),
        "joint_span_days": _maybe_missing((0.0, 89.0, 90.0, 200.0)),
        "days_since_joint": _maybe_missing((0.0, 179.0, 180.0, 400.0)),
    }
)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=150, deadline=None)
@given(rows=st.lists(facts_rows, min_size=1, max_size=6), within=st.booleans())
def test_relationship_type_decides_what_missing_facts_cannot_change(rows, within):
    t = rel.RelationshipThresholds(partnership_within_days=180 if within else None)
    facts = {"first_sale": ["2024-01-01"] * len(rows)}
    for k in rows[0]:
        facts[k] = [r[k] for r in rows]
    got = rel.relationship_type(facts, t).to_numpy().tolist()
    assert got == [_oracle(r, t) for r in rows]


def test_relationship_type_missing_customer_contacts_repro():
    # called back on day 3: accountable whatever the customer's own calls;
    # two suggestions: proactive whatever they are
    facts = {
        "first_sale": ["2024-01-01"] * 4,
        "customer_contacts": [NAN, NAN, NAN, 0],
        "days_to_follow_up": [3, NAN, NAN, NAN],
        "suggestions": [0, 2, 0, NAN],
        "new_products": [0, 0, 0, 0],
        "joint_projects": [0, 0, 0, 0],
        "joint_span_days": [NAN] * 4,
    }
    got = rel.relationship_type(facts).to_numpy().tolist()
    assert got == ["accountable", "proactive", "unknown", "unknown"]


def test_relationship_type_missing_joint_projects_with_short_span_repro():
    # a span of 30 days is no partnership however many joint projects
    facts = {
        "first_sale": ["2024-01-01"] * 2,
        "customer_contacts": [1, 1],
        "days_to_follow_up": [NAN, NAN],
        "suggestions": [0, 0],
        "new_products": [0, 0],
        "joint_projects": [NAN, NAN],
        "joint_span_days": [30.0, 120.0],
    }
    got = rel.relationship_type(facts).to_numpy().tolist()
    assert got == ["reactive", "unknown"]


# --------------------------------------------------------------------------
# recommended_relationship: a missing level the matrix does not need

LEVELS = (("many", "medium", "few"), ("high", "medium", "low"))


def _naive_recommended(cells, customers, margin):
    rows = range(3) if customers is None else [LEVELS[0].index(customers)]
    cols = range(3) if margin is None else [LEVELS[1].index(margin)]
    seen = {cells[i][j] for i in rows for j in cols}
    return seen.pop() if len(seen) == 1 else "unknown"


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=100, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.sampled_from(rel.RELATIONSHIP_TYPES[:2]), min_size=3, max_size=3),
        min_size=3,
        max_size=3,
    ),
    answers=st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(LEVELS[0])),
            st.one_of(st.none(), st.sampled_from(LEVELS[1])),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_recommended_relationship_decides_missing_level_matrix_ignores(cells, answers):
    matrix = rel.RelationshipMatrix(cells)
    got = rel.recommended_relationship(
        [a for a, _ in answers], [b for _, b in answers], matrix=matrix
    ).to_numpy()
    assert got.tolist() == [_naive_recommended(cells, a, b) for a, b in answers]


def test_recommended_relationship_constant_row_repro():
    flat = rel.RelationshipMatrix(
        [
            ["basic"] * 3,
            ["reactive", "accountable", "accountable"],
            ["partnership", "proactive", "accountable"],
        ]
    )
    got = rel.recommended_relationship(
        ["many", "medium", None, None], [None, None, "low", None], matrix=flat
    ).to_numpy()
    assert got.tolist() == ["basic", "unknown", "unknown", "unknown"]
    kotler = rel.recommended_relationship(["many", None], [None, "high"]).to_numpy()
    assert kotler.tolist() == ["unknown", "unknown"]


# --------------------------------------------------------------------------
# customer_status: a missing tenure or recency that cannot change the status

GRID = (0.0, 10.0, 44.0, 45.0, 100.0, 269.0, 270.0, 1000.0)


def _naive_status(f, t, r, vip):
    def one(t, r, v):
        if r >= 270:
            return "lost"
        if v or f >= 3:
            return "loyal"
        return "new" if t < 45 or f == 1 else "repeat"

    if f == 1:  # one purchase: its tenure is its recency (audit 38)
        t, r = (r, r) if math.isnan(t) else (t, t if math.isnan(r) else r)
    tenures = GRID + ((r,) if not math.isnan(r) else ()) if math.isnan(t) else (t,)
    recencies = GRID + ((t,) if not math.isnan(t) else ()) if math.isnan(r) else (r,)
    flags = (False, True) if vip is None else (vip,)
    seen = {
        one(tt, rr, v) for tt in tenures for rr in recencies for v in flags if rr <= tt
    }
    return seen.pop() if len(seen) == 1 else "unknown"


status_rows = st.tuples(
    st.sampled_from((1, 2, 3)),
    st.sampled_from((NAN, 0.0, 44.0, 45.0, 100.0, 269.0, 270.0, 400.0)),
    st.sampled_from((NAN, 0.0, 10.0, 44.0, 45.0, 269.0, 270.0, 400.0)),
    st.sampled_from((None, False, True)),
).filter(lambda x: math.isnan(x[1]) or math.isnan(x[2]) or x[2] <= x[1])


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=150, deadline=None)
@given(rows=st.lists(status_rows, min_size=1, max_size=6))
def test_customer_status_decides_what_missing_days_cannot_change(rows):
    from custseg.lifecycle import customer_status

    f, t, r, vip = (list(c) for c in zip(*rows, strict=True))
    got = customer_status(f, t, r, vip=vip).to_numpy().tolist()
    assert got == [_naive_status(*row) for row in rows]


def test_customer_status_missing_days_repro():
    from custseg.lifecycle import customer_status

    got = customer_status(
        [5, 1, 2, 1, 1, 2, 5],
        [NAN, NAN, NAN, 50, 300, NAN, NAN],
        [10, 300, 50, NAN, NAN, 44, NAN],
    ).to_numpy()
    # loyal whatever the tenure; lost whatever; tenure >= 50: repeat; one
    # purchase: a missing recency is the tenure (50: new, 300: lost, audit
    # 38); a recency of 44 with the tenure unknown, or both unknown: unknown
    assert got.tolist() == [
        "loyal",
        "lost",
        "repeat",
        "new",
        "lost",
        "unknown",
        "unknown",
    ]
