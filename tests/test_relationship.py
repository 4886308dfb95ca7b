"""Tests for custseg.relationship: Kotler's five relationship levels.

Reference rules (plain Python, row by row):

- contact facts: a customer's first sale is the earliest sale contact (or
  first sale given); contacts "after the sale" are non-sale contacts dated on
  or after that day; counts, first/last days and spans follow.
- level: the first of partnership, proactive, accountable, reactive that
  holds, else basic; no sale -> no_sale; unknown contacts -> unknown unless
  partnership.
- recommended: Kotler's 3 x 3 matrix; gap: sign(current - recommended).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, Labels, ThresholdError, summarize
from custseg.relationship import (
    CONTACT_KINDS,
    KOTLER_MATRIX,
    RELATIONSHIP_TYPES,
    ContactSummary,
    RelationshipMatrix,
    RelationshipThresholds,
    contact_summary,
    recommended_relationship,
    relationship_gap,
    relationship_type,
)

BASE = np.datetime64("2024-01-01", "D")
NAN = float("nan")
ZH_TYPES = ("基本型", "被动型", "负责型", "能动型", "伙伴型")

# spellings the strategies draw, with the canonical name each stands for
INITIATOR_SPELLINGS = {
    "customer": "customer",
    "Customer": "customer",
    "客户": "customer",
    "company": "company",
    "公司": "company",
    None: None,
}
KIND_SPELLINGS = {
    **{k: k for k in CONTACT_KINDS},
    "Follow-up": "follow_up",
    "销售": "sale",
    "投诉": "complaint",
    "回访": "follow_up",
    "建议": "suggestion",
    "新品": "new_product",
    "合作项目": "joint_project",
    None: None,
}

SUMMARY_COLUMNS = (
    "first_sale",
    "sales",
    "company_contacts",
    "customer_contacts",
    "follow_ups",
    "suggestions",
    "new_products",
    "days_to_follow_up",
    "joint_projects",
    "first_joint",
    "last_joint",
    "joint_span_days",
    "days_since_joint",
    "unknown_contacts",
    "last_contact",
)


# --------------------------------------------------------------------------
# references


def ref_summary(customer, day, initiator, kind, first_sale=None, as_of=None):
    """Per-customer facts, row by row. Days are ints; returns {id: {...}}."""
    ids = set(customer) | set((first_sale or {}).keys())
    out = {}
    last_any = max(list(day) + list((first_sale or {}).values()))
    as_of = last_any + 1 if as_of is None else as_of
    for c in ids:
        rows = [
            (d, INITIATOR_SPELLINGS[i], KIND_SPELLINGS[k])
            for cc, d, i, k in zip(customer, day, initiator, kind, strict=True)
            if cc == c
        ]
        sales = [d for d, _, k in rows if k == "sale"]
        if first_sale and c in first_sale:
            sales.append(first_sale[c])
        sale = min(sales) if sales else None
        after = [
            (d, i, k)
            for d, i, k in rows
            if k != "sale" and sale is not None and d >= sale
        ]
        known = [(d, i, k) for d, i, k in after if i is not None and k is not None]
        company = [(d, k) for d, i, k in known if i == "company"]
        follow = [d for d, k in company if k == "follow_up"]
        # a joint project whoever started it, a blank initiator too (it is
        # still an unknown contact below: customer or company contact?)
        joint = [d for d, _, k in after if k == "joint_project"]
        out[c] = {
            "first_sale": sale,
            "sales": sum(1 for _, _, k in rows if k == "sale"),
            "company_contacts": len(company),
            "customer_contacts": sum(1 for _, i, _ in known if i == "customer"),
            "follow_ups": len(follow),
            "suggestions": sum(1 for _, k in company if k == "suggestion"),
            "new_products": sum(1 for _, k in company if k == "new_product"),
            "days_to_follow_up": float(min(follow) - sale) if follow else NAN,
            "joint_projects": len(joint),
            "first_joint": min(joint) if joint else None,
            "last_joint": max(joint) if joint else None,
            "joint_span_days": float(max(joint) - min(joint)) if joint else NAN,
            "days_since_joint": float(as_of - max(joint)) if joint else NAN,
            # unknown after the sale, and a contact of unknown kind anywhere
            # else (before the sale, or with no sale: it could be one)
            "unknown_contacts": len(after)
            - len(known)
            + sum(1 for d, _, k in rows if k is None and (sale is None or d < sale)),
            "last_contact": max(d for d, _, _ in rows) if rows else None,
        }
    return out


def ref_type(row, t=None):
    """Relationship level of one customer (a dict of facts), as a name.

    A contact of unknown kind (or a missing count of them) leaves the level
    open unless the known facts make partnership; another missing count,
    span or day count only when filling it in as little or as much as can
    be gives two levels (audit 37: the level is monotone in each).
    """
    t = t or RelationshipThresholds()
    if row["first_sale"] is None:
        # a contact of unknown kind could be the sale, and a missing count of
        # them could hide one
        odd = row.get("unknown_contacts", 0)
        return "unknown" if math.isnan(odd) or odd > 0 else "no_sale"

    def level(high):
        def get(name, most, least):
            x = row.get(name, least)
            return (most if high else least) if math.isnan(x) else x

        inf = math.inf
        if (
            get("joint_projects", inf, 0) >= t.partnership_projects
            and get("joint_span_days", inf, -inf) >= t.partnership_days
            and (
                t.partnership_within_days is None
                or get("days_since_joint", 0, inf) < t.partnership_within_days
            )
        ):
            return "partnership"
        if (
            get("suggestions", inf, 0) + get("new_products", inf, 0)
            >= t.proactive_contacts
        ):
            return "proactive"
        if row["days_to_follow_up"] < t.follow_up_days:
            return "accountable"
        if get("customer_contacts", inf, 0) >= 1:
            return "reactive"
        return "basic"

    low, high = level(False), level(True)
    odd = row.get("unknown_contacts", 0)
    if (math.isnan(odd) or odd > 0) and low != "partnership":
        return "unknown"
    return low if low == high else "unknown"


KOTLER = {
    ("many", "high"): "accountable",
    ("many", "medium"): "reactive",
    ("many", "low"): "basic",
    ("medium", "high"): "proactive",
    ("medium", "medium"): "accountable",
    ("medium", "low"): "reactive",
    ("few", "high"): "partnership",
    ("few", "medium"): "proactive",
    ("few", "low"): "accountable",
}


def ref_recommended(customers, margin):
    """Kotler's matrix from the literature, None -> unknown."""
    if customers is None or margin is None:
        return "unknown"
    return KOTLER[(customers, margin)]


def ref_gap(current, recommended):
    """Under / matched / over from the rank of the two types."""
    if current not in RELATIONSHIP_TYPES or recommended not in RELATIONSHIP_TYPES:
        return "unknown"
    d = RELATIONSHIP_TYPES.index(current) - RELATIONSHIP_TYPES.index(recommended)
    return "under_served" if d < 0 else "matched" if d == 0 else "over_served"


# --------------------------------------------------------------------------
# strategies


@st.composite
def contact_logs(draw, max_rows=40, unknown=True):
    """A small contact log: ids (ints or text), days within 60 days of BASE,
    initiators and kinds in several spellings (missing ones when *unknown*)."""
    n = draw(st.integers(1, max_rows))
    use_str = draw(st.booleans())
    k = draw(st.integers(1, max(1, n // 2 + 1)))
    pool = [f"c{i:02d}" for i in range(k)] if use_str else list(range(-2, k - 2))
    customer = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    day = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    inits = [s for s in INITIATOR_SPELLINGS if unknown or s is not None]
    kinds = [s for s in KIND_SPELLINGS if unknown or s is not None]
    # sales more often, so most customers have one
    kind_strategy = st.one_of(st.just("sale"), st.sampled_from(kinds))
    initiator = draw(st.lists(st.sampled_from(inits), min_size=n, max_size=n))
    kind = draw(st.lists(kind_strategy, min_size=n, max_size=n))
    return customer, day, initiator, kind


def _dates(days):
    return BASE + np.asarray(days, dtype=np.int64)


def _facts_from_summary(s: ContactSummary):
    """The summary as {id: {...}} with days as ints (None for NaT)."""
    out = {}
    for i, c in enumerate(s.customer_id.tolist()):
        row = {}
        for name in SUMMARY_COLUMNS:
            x = getattr(s, name)[i]
            if isinstance(x, np.datetime64):
                x = None if np.isnat(x) else int((x - BASE).astype(np.int64))
            elif isinstance(x, np.floating):
                x = float(x)
            else:
                x = int(x)
            row[name] = x
        out[c] = row
    return out


def _same(a, b):
    """Equal dicts of facts, NaN equal to NaN."""
    assert a.keys() == b.keys()
    for c in a:
        for k in SUMMARY_COLUMNS:
            x, y = a[c][k], b[c][k]
            if isinstance(x, float) and math.isnan(x):
                assert isinstance(y, float) and math.isnan(y), (c, k, x, y)
            else:
                assert x == y, (c, k, x, y)


# --------------------------------------------------------------------------
# contact_summary


class TestContactSummary:
    """contact_summary: per-customer contact facts."""

    @settings(max_examples=80, deadline=None)
    @given(contact_logs())
    def test_matches_reference(self, log):
        """Every fact equals the row-by-row reference on generated logs."""
        customer, day, initiator, kind = log
        s = contact_summary(customer, _dates(day), initiator, kind)
        _same(_facts_from_summary(s), ref_summary(customer, day, initiator, kind))
        assert s.n_rows == len(day)
        assert s.as_of == BASE + max(day) + 1

    @settings(max_examples=40, deadline=None)
    @given(contact_logs(), st.randoms(use_true_random=False))
    def test_order_equivariance(self, log, rnd):
        """Permuting the contact rows never changes the result."""
        customer, day, initiator, kind = log
        order = list(range(len(day)))
        rnd.shuffle(order)
        a = contact_summary(customer, _dates(day), initiator, kind)
        b = contact_summary(
            [customer[i] for i in order],
            _dates([day[i] for i in order]),
            [initiator[i] for i in order],
            [kind[i] for i in order],
        )
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())

    @settings(max_examples=40, deadline=None)
    @given(
        contact_logs(unknown=False),
        st.dictionaries(st.integers(-2, 6), st.integers(0, 60), max_size=5),
    )
    def test_first_sale_given(self, log, first):
        """A first sale given as (ids, dates) joins the sale contacts: the earliest wins."""
        customer, day, initiator, kind = log
        if isinstance(customer[0], str):
            first = {f"c{abs(k):02d}": d for k, d in first.items()}
        ids = list(first)
        s = contact_summary(
            customer,
            _dates(day),
            initiator,
            kind,
            first_sale=(ids, _dates(list(first.values()))),
        )
        ref = ref_summary(customer, day, initiator, kind, first_sale=first)
        _same(_facts_from_summary(s), ref)

    def test_first_sale_from_facts(self):
        """CustomerFacts gives the first purchase; buyers without contacts get a row (basic)."""
        facts = summarize(
            ["a", "b", "c"],
            ["2024-01-05", "2024-01-03", "2024-02-01"],
            [10.0, 5.0, 1.0],
        )
        s = contact_summary(
            ["a", "b"],
            ["2024-01-20", "2024-01-01"],
            ["company", "customer"],
            ["follow_up", "inquiry"],
            first_sale=facts,
        )
        assert s.customer_id.tolist() == ["a", "b", "c"]
        assert s.days_to_follow_up[0] == 15.0
        # b's inquiry came before b's first purchase: not after the sale
        assert s.customer_contacts.tolist() == [0, 0, 0]
        assert relationship_type(s).to_numpy().tolist() == [
            "accountable",
            "basic",
            "basic",
        ]

    def test_first_sale_series(self):
        """A Series of dates indexed by customer id is a first-sale source; NaT is ignored."""
        first = pd.Series(pd.to_datetime(["2024-01-01", None]), index=[7, 8])
        s = contact_summary(
            [7, 8],
            ["2024-01-02", "2024-01-02"],
            ["customer", "customer"],
            ["complaint", "complaint"],
            first_sale=first,
        )
        assert s.customer_contacts.tolist() == [1, 0]
        assert relationship_type(s).to_numpy().tolist() == ["reactive", "no_sale"]

    def test_first_sale_bad_type(self):
        """Anything else as first_sale is an InputError naming the accepted forms."""
        with pytest.raises(InputError, match="first_sale"):
            contact_summary(
                [1], ["2024-01-01"], ["company"], ["sale"], first_sale=[1, 2, 3]
            )

    def test_first_sale_checked(self):
        """First sales after as_of, or ids and dates of different lengths, are refused."""
        with pytest.raises(
            InputError, match="'first_sale' has first sales after as_of"
        ):
            contact_summary(
                [1],
                ["2024-01-01"],
                ["company"],
                ["sale"],
                first_sale=([2], ["2024-03-01"]),
                as_of="2024-02-01",
            )
        with pytest.raises(InputError, match="'first_sale' has ids and dates"):
            contact_summary(
                [1],
                ["2024-01-01"],
                ["company"],
                ["sale"],
                first_sale=([1, 2], ["2024-01-01"]),
            )

    def test_ids_of_different_types_refused(self):
        """Text ids in the log and int ids in first_sale are never joined by their looks."""
        with pytest.raises(InputError, match="mixes ids"):
            contact_summary(
                ["1"],
                ["2024-01-01"],
                ["company"],
                ["sale"],
                first_sale=([1], ["2024-01-01"]),
            )

    def test_same_day_as_sale_counts_earlier_does_not(self):
        """A contact on the sale day is after the sale (day 0); one the day before is not."""
        s = contact_summary(
            [1, 1, 1],
            ["2024-03-10T15:00", "2024-03-10T09:00", "2024-03-09"],
            ["customer", "company", "company"],
            ["sale", "follow_up", "suggestion"],
        )
        assert s.days_to_follow_up.tolist() == [0.0]
        assert s.suggestions.tolist() == [0]
        assert s.last_contact.tolist() == [np.datetime64("2024-03-10", "D").item()]

    def test_pandas_categoricals_equal_text(self):
        """Categorical initiator / kind columns give the same facts as text columns."""
        customer, day, initiator, kind = (
            [1, 1, 2, 2],
            [0, 3, 1, 9],
            ["customer", "公司", None, "客户"],
            ["销售", "回访", "sale", "新品"],
        )
        a = contact_summary(customer, _dates(day), initiator, kind)
        b = contact_summary(
            pd.Series(customer),
            pd.Series(_dates(day)),
            pd.Series(initiator, dtype="category"),
            pd.Series(kind, dtype="category"),
        )
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())

    @settings(max_examples=30, deadline=None)
    @given(contact_logs())
    def test_column_types_agree(self, log):
        """Lists, object arrays, str Series and categoricals give the same facts."""
        customer, day, initiator, kind = log
        expected = contact_summary(customer, _dates(day), initiator, kind).to_pandas()
        for wrap in (
            lambda x: np.array(x, dtype=object),
            lambda x: pd.Series(x, dtype="str"),
            lambda x: pd.Series(x, dtype=object),
            lambda x: pd.Series(x, dtype="category"),
        ):
            got = contact_summary(customer, _dates(day), wrap(initiator), wrap(kind))
            pd.testing.assert_frame_equal(got.to_pandas(), expected)

    def test_unknown_kind_is_named(self):
        """An unknown kind is an InputError naming it and the row, even from a categorical."""
        for kinds in (["sale", "visit"], pd.Series(["sale", "visit"], dtype="str")):
            with pytest.raises(
                InputError, match=r"'kind' has unknown answer 'visit' \(first at row 1"
            ):
                contact_summary([1, 1], ["2024-01-01"] * 2, ["company"] * 2, kinds)
        with pytest.raises(
            InputError, match=r"'kind' has unknown answer 'visit' \(first at row 1"
        ):
            contact_summary(
                [1, 1],
                ["2024-01-01"] * 2,
                ["company"] * 2,
                pd.Categorical(["sale", "visit"]),
            )

    def test_missing_kind_could_be_the_sale(self):
        """A contact of unknown kind before any known sale, or with none, is
        counted in unknown_contacts (it could be the sale) and makes the
        customer unknown, not no_sale; a known kind before the sale is not
        counted."""
        s = contact_summary(
            ["a", "b", "c", "c", "d"],
            ["2024-03-01", "2024-03-01", "2024-02-01", "2024-03-01", "2024-02-01"],
            ["customer", None, "customer", "company", "customer"],
            [None, "sale", None, "sale", "inquiry"],
        )
        assert s.unknown_contacts.tolist() == [1, 0, 1, 0]
        assert relationship_type(s).to_numpy().tolist() == [
            "unknown",
            "basic",
            "unknown",
            "no_sale",
        ]

    def test_missing_initiator_counted_unknown(self):
        """A contact with no initiator is counted in unknown_contacts, never guessed."""
        s = contact_summary(
            [1, 1],
            ["2024-01-01", "2024-01-02"],
            ["company", None],
            ["sale", "follow_up"],
        )
        assert s.unknown_contacts.tolist() == [1]
        assert s.follow_ups.tolist() == [0]
        assert relationship_type(s).to_numpy().tolist() == ["unknown"]

    def test_missing_date_refused(self):
        """A contact without a date is an InputError naming the row."""
        with pytest.raises(
            InputError, match=r"'date' contains missing dates \(NaT\) \(first at row 1"
        ):
            contact_summary([1, 1], ["2024-01-01", None], ["company"] * 2, ["sale"] * 2)

    def test_missing_customer_refused(self):
        """A contact without a customer id is an InputError."""
        with pytest.raises(InputError, match="missing customer ids"):
            contact_summary(
                ["a", None], ["2024-01-01"] * 2, ["company"] * 2, ["sale"] * 2
            )

    def test_lengths_must_match(self):
        """Columns of different lengths are an InputError."""
        with pytest.raises(InputError, match="'kind' has 1 rows"):
            contact_summary([1, 2], ["2024-01-01"] * 2, ["company"] * 2, ["sale"])

    def test_series_indexes_must_match(self):
        """Series with different indexes are refused (no positional pairing)."""
        with pytest.raises(InputError, match="different index"):
            contact_summary(
                pd.Series([1, 2], index=[0, 1]),
                pd.Series(["2024-01-01"] * 2, index=[1, 0]),
                ["company"] * 2,
                ["sale"] * 2,
            )

    def test_as_of(self):
        """as_of sets days_since_joint; contacts after it are refused; empty needs it."""
        s = contact_summary(
            [1, 1],
            ["2024-01-01", "2024-01-11"],
            ["company"] * 2,
            ["sale", "joint_project"],
            as_of="2024-01-31",
        )
        assert s.days_since_joint.tolist() == [20.0]
        with pytest.raises(
            InputError, match=r"after as_of \(2024-01-05\) \(first at row 1"
        ):
            contact_summary(
                [1, 1],
                ["2024-01-01", "2024-01-11"],
                ["company"] * 2,
                ["sale", "joint_project"],
                as_of="2024-01-05",
            )
        with pytest.raises(InputError, match="no default as_of"):
            contact_summary([], np.array([], "datetime64[D]"), [], [])
        empty = contact_summary(
            [], np.array([], "datetime64[D]"), [], [], as_of="2024-01-01"
        )
        assert len(empty) == 0 and len(relationship_type(empty)) == 0

    def test_to_pandas(self):
        """One row per customer indexed by customer_id; dates in seconds, NaT for none."""
        s = contact_summary(
            ["b", "a"],
            ["2024-01-01", "2024-01-02"],
            ["company", "customer"],
            ["sale", "complaint"],
        )
        df = s.to_pandas()
        assert df.index.name == "customer_id" and df.index.tolist() == ["a", "b"]
        assert list(df.columns) == list(SUMMARY_COLUMNS)
        assert str(df["first_sale"].dtype) == "datetime64[s]"
        assert pd.isna(df.loc["a", "first_sale"]) and df.loc["b", "sales"] == 1
        assert "ContactSummary(n=2 customers" in repr(s)
        assert "<table" in s._repr_html_()


# --------------------------------------------------------------------------
# RelationshipThresholds


class TestRelationshipThresholds:
    """RelationshipThresholds: defaults and validation."""

    def test_defaults(self):
        """30 days to follow up, 2 offers, 2 joint projects over 90 days, no recency."""
        t = RelationshipThresholds()
        assert (
            t.follow_up_days,
            t.proactive_contacts,
            t.partnership_projects,
            t.partnership_days,
        ) == (30.0, 2, 2, 90.0)
        assert t.partnership_within_days is None

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"follow_up_days": 0},
                "'follow_up_days' must be a finite number of days > 0: got 0.0",
            ),
            ({"follow_up_days": float("inf")}, "'follow_up_days' must be a finite"),
            ({"follow_up_days": "7"}, "'follow_up_days' must be a number"),
            (
                {"proactive_contacts": 1.5},
                "'proactive_contacts' must be a whole number >= 1: got 1.5",
            ),
            (
                {"proactive_contacts": 0},
                "'proactive_contacts' must be a whole number >= 1",
            ),
            (
                {"partnership_projects": -1},
                "'partnership_projects' must be a whole number >= 1",
            ),
            (
                {"partnership_days": -1},
                "'partnership_days' must be a finite number of days >= 0",
            ),
            (
                {"partnership_within_days": 0},
                "'partnership_within_days' must be a finite number of days > 0",
            ),
        ],
    )
    def test_bad_values(self, kwargs, message):
        """Each bad parameter is a ThresholdError naming the field and the value."""
        with pytest.raises(
            ThresholdError, match=message.replace("(", r"\(").replace(")", r"\)")
        ):
            RelationshipThresholds(**kwargs)

    def test_frozen_and_html(self):
        """The thresholds cannot change after they are built and render as a table."""
        t = RelationshipThresholds(partnership_within_days=180)
        with pytest.raises(AttributeError):
            t.follow_up_days = 3  # type: ignore[misc]
        html = t._repr_html_()
        assert "days since the last &lt;" in html and ">180.0<" in html


# --------------------------------------------------------------------------
# relationship_type


def _one(**overrides):
    row = {
        "first_sale": "2024-01-01",
        "customer_contacts": 0,
        "days_to_follow_up": NAN,
        "suggestions": 0,
        "new_products": 0,
        "joint_projects": 0,
        "joint_span_days": NAN,
        "days_since_joint": NAN,
        "unknown_contacts": 0,
    }
    row.update(overrides)
    return {k: [x] for k, x in row.items()}


def _type(t=None, **overrides):
    return relationship_type(_one(**overrides), t).to_numpy().tolist()[0]


count = st.one_of(st.integers(0, 4), st.just(NAN))
days = st.one_of(st.integers(0, 200).map(float), st.just(NAN))


class TestRelationshipType:
    """relationship_type: the level the contacts show."""

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.fixed_dictionaries(
                {
                    "first_sale": st.one_of(st.none(), st.integers(0, 10)),
                    "customer_contacts": count,
                    "days_to_follow_up": days,
                    "suggestions": count,
                    "new_products": count,
                    "joint_projects": count,
                    "joint_span_days": days,
                    "days_since_joint": days,
                    "unknown_contacts": count,
                }
            ),
            min_size=1,
            max_size=20,
        ),
        st.sampled_from(
            [
                None,
                RelationshipThresholds(7, 1, 1, 0, 30),
                RelationshipThresholds(30, 3, 2, 90, None),
            ]
        ),
    )
    def test_matches_reference(self, rows, t):
        """Every label equals the reference on generated facts, NaN counts included."""
        cols = {k: [r[k] for r in rows] for k in rows[0]}
        cols["first_sale"] = [
            None if d is None else str(BASE + d) for d in cols["first_sale"]
        ]
        got = relationship_type(cols, t).to_numpy().tolist()
        assert got == [ref_type(r, t) for r in rows]

    @settings(max_examples=40, deadline=None)
    @given(contact_logs())
    def test_from_contacts_matches_reference(self, log):
        """contact_summary then relationship_type equals the two references chained."""
        customer, day, initiator, kind = log
        ref = ref_summary(customer, day, initiator, kind)
        got = relationship_type(contact_summary(customer, _dates(day), initiator, kind))
        assert got.to_numpy().tolist() == [ref_type(ref[c]) for c in sorted(ref)]

    @settings(max_examples=60, deadline=None)
    @given(
        st.integers(1, 90),
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(0, 200),
    )
    def test_boundaries_family(self, follow, offers, projects, span):
        """On every threshold the level starts; one below it, it does not."""
        t = RelationshipThresholds(follow, offers, projects, span)
        assert _type(t, days_to_follow_up=float(follow)) == "basic"
        assert _type(t, days_to_follow_up=follow - 1.0) == "accountable"
        assert _type(t, suggestions=offers) == "proactive"
        assert _type(t, new_products=offers - 1) == "basic"
        on = {"joint_projects": projects, "joint_span_days": float(span)}
        assert _type(t, **on) == "partnership"
        assert _type(t, **{**on, "joint_projects": projects - 1}) == "basic"
        if span:
            assert _type(t, **{**on, "joint_span_days": span - 1.0}) == "basic"

    @settings(max_examples=40, deadline=None)
    @given(
        contact_logs(unknown=False),
        st.integers(0, 60),
        st.sampled_from(["customer", "company"]),
        st.sampled_from([k for k in CONTACT_KINDS if k != "sale"]),
        st.data(),
    )
    def test_more_contacts_never_lower_the_level(self, log, day, who, what, data):
        """Adding a known non-sale contact never lowers a customer's level."""
        customer, days, initiator, kind = log
        c = data.draw(st.sampled_from(customer))
        before = relationship_type(
            contact_summary(customer, _dates(days), initiator, kind)
        )
        after = relationship_type(
            contact_summary(
                [*customer, c], _dates([*days, day]), [*initiator, who], [*kind, what]
            )
        )
        assert (after.codes >= before.codes).all()
        # no_sale stays no_sale: a contact is not a sale
        assert ((before.codes == 5) == (after.codes == 5)).all()

    def test_follow_up_boundary(self):
        """A follow-up on day 29 is accountable; on day 30 (the threshold) it is not."""
        assert _type(days_to_follow_up=29.0) == "accountable"
        assert _type(days_to_follow_up=29.999) == "accountable"
        assert _type(days_to_follow_up=30.0) == "basic"
        assert (
            _type(RelationshipThresholds(follow_up_days=7), days_to_follow_up=7.0)
            == "basic"
        )
        assert (
            _type(RelationshipThresholds(follow_up_days=7), days_to_follow_up=6.0)
            == "accountable"
        )

    def test_follow_up_boundary_from_contacts(self):
        """End to end: sale on Jan 1, follow-up on Jan 30 (day 29) vs Jan 31 (day 30)."""
        s = contact_summary(
            [1, 1, 2, 2],
            ["2024-01-01", "2024-01-30", "2024-01-01", "2024-01-31"],
            ["customer", "company"] * 2,
            ["sale", "follow_up"] * 2,
        )
        assert relationship_type(s).to_numpy().tolist() == ["accountable", "basic"]

    def test_proactive_boundary(self):
        """Suggestions and new products together: 1 is not enough, 2 is."""
        assert _type(suggestions=1) == "basic"
        assert _type(suggestions=1, new_products=1) == "proactive"
        assert _type(new_products=2) == "proactive"

    def test_partnership_boundary(self):
        """Two joint projects over 90 days is partnership; 89 days or one project is not."""
        assert _type(joint_projects=2, joint_span_days=90.0) == "partnership"
        assert _type(joint_projects=2, joint_span_days=89.0) == "basic"
        assert _type(joint_projects=1, joint_span_days=200.0) == "basic"

    def test_partnership_within(self):
        """With a recency window, the last joint project must be fewer days back than it."""
        t = RelationshipThresholds(partnership_within_days=180)
        assert (
            _type(t, joint_projects=2, joint_span_days=100.0, days_since_joint=179.0)
            == "partnership"
        )
        assert (
            _type(t, joint_projects=2, joint_span_days=100.0, days_since_joint=180.0)
            == "basic"
        )

    def test_within_needs_days_since_joint(self):
        """A recency window on a frame without days_since_joint is an InputError."""
        cols = _one()
        del cols["days_since_joint"]
        assert relationship_type(cols).to_numpy().tolist() == ["basic"]
        with pytest.raises(InputError, match="no column 'days_since_joint'"):
            relationship_type(cols, RelationshipThresholds(partnership_within_days=30))

    def test_precedence(self):
        """The highest level that holds wins: partnership > proactive > accountable > reactive."""
        everything = {
            "customer_contacts": 3,
            "days_to_follow_up": 1.0,
            "suggestions": 2,
            "joint_projects": 2,
            "joint_span_days": 100.0,
        }
        assert _type(**everything) == "partnership"
        assert _type(**{**everything, "joint_projects": 0}) == "proactive"
        assert (
            _type(**{**everything, "joint_projects": 0, "suggestions": 0})
            == "accountable"
        )
        assert _type(customer_contacts=3, days_to_follow_up=40.0) == "reactive"
        assert _type(suggestions=1, days_to_follow_up=45.0) == "basic"

    def test_no_sale_and_unknown(self):
        """No sale is no_sale; unknown contacts make the level unknown unless partnership."""
        assert _type(first_sale=None, customer_contacts=4) == "no_sale"
        assert _type(unknown_contacts=1, suggestions=5) == "unknown"
        assert _type(customer_contacts=NAN) == "unknown"
        assert (
            _type(unknown_contacts=1, joint_projects=2, joint_span_days=90.0)
            == "partnership"
        )

    def test_labels_ordered_both_languages(self):
        """Names ordered basic < ... < partnership, then no_sale, unknown; zh translates."""
        en = relationship_type(_one())
        assert en.ordered and en.names == (*RELATIONSHIP_TYPES, "no_sale", "unknown")
        assert en.name == "relationship"
        zh = relationship_type(_one(), lang="zh")
        assert zh.names == (*ZH_TYPES, "未成交", "未知")
        assert np.array_equal(en.codes, zh.codes)
        with pytest.raises(ThresholdError, match="'lang' must be 'en' or 'zh'"):
            relationship_type(_one(), lang="fr")

    def test_index_alignment(self):
        """A DataFrame's index and a summary's customer ids carry over to the labels."""
        df = pd.DataFrame(
            _one(customer_contacts=2), index=pd.Index(["x7"], name="member")
        )
        assert relationship_type(df).to_pandas().index.tolist() == ["x7"]
        s = contact_summary(
            ["q", "p"], ["2024-01-01"] * 2, ["company"] * 2, ["sale"] * 2
        )
        out = relationship_type(s).to_pandas()
        assert out.index.name == "customer_id" and out.index.tolist() == ["p", "q"]
        joined = s.to_pandas().join(out)
        assert joined["relationship"].tolist() == ["basic", "basic"]
        # the summary's own frame works as input too, on the same index
        assert relationship_type(s.to_pandas()) == relationship_type(s)

    def test_bad_inputs(self):
        """A missing column, negative counts or a wrong type are named errors."""
        cols = _one()
        del cols["suggestions"]
        with pytest.raises(InputError, match="no column 'suggestions'"):
            relationship_type(cols)
        with pytest.raises(InputError, match="'joint_projects' has negative values"):
            relationship_type(_one(joint_projects=-1))
        with pytest.raises(InputError, match="must be a ContactSummary"):
            relationship_type([1, 2])
        with pytest.raises(
            ThresholdError, match="'thresholds' must be a RelationshipThresholds"
        ):
            relationship_type(_one(), thresholds=30)


# --------------------------------------------------------------------------
# RelationshipMatrix and recommended_relationship


class TestRelationshipMatrix:
    """RelationshipMatrix: Kotler's matrix as a checked parameter."""

    def test_default_is_kotler(self):
        """Every cell of the default matrix is Kotler's."""
        for (c, m), expected in KOTLER.items():
            assert KOTLER_MATRIX.cell(c, m) == expected

    def test_chinese_names_become_english(self):
        """Cells may be written in Chinese; they are stored in English."""
        m = RelationshipMatrix([["基本型"] * 3, ["被动型"] * 3, ["伙伴型"] * 3])
        assert m.cells[2] == ("partnership",) * 3

    @pytest.mark.parametrize(
        ("cells", "message"),
        [
            ([["basic"] * 3] * 2, "'cells' must have 3 rows"),
            (
                [["basic"] * 3, ["basic"] * 2, ["basic"] * 3],
                r"'cells\[1\]' \(medium customers\) must have 3 entries",
            ),
            (
                [["basic"] * 3, ["basic"] * 3, ["basic", None, "basic"]],
                r"cells\[2\]\[1\] \(few customers, medium margin\)' must be one of",
            ),
            ("basic", "'cells' must be a sequence of rows"),
        ],
    )
    def test_validation(self, cells, message):
        """A wrong shape or an unknown type is a ThresholdError naming the cell."""
        with pytest.raises(ThresholdError, match=message):
            RelationshipMatrix(cells)

    def test_with_cell_and_html(self):
        """with_cell returns a changed copy; the original stays; it renders as a table."""
        m = KOTLER_MATRIX.with_cell("少", "低", "能动型")
        assert (
            m.cell("few", "low") == "proactive"
            and KOTLER_MATRIX.cell("few", "low") == "accountable"
        )
        assert "few" in m._repr_html_() and m != KOTLER_MATRIX


levels_c = st.sampled_from(["many", "medium", "few", None])
levels_m = st.sampled_from(["high", "medium", "low", None])
ZH_C = {"many": "多", "medium": "中", "few": "少", None: None}
ZH_M = {"high": "高", "medium": "中", "low": "低", None: None}


class TestRecommendedRelationship:
    """recommended_relationship: the fitting level from Kotler's matrix."""

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.tuples(levels_c, levels_m, st.booleans()), min_size=1, max_size=30)
    )
    def test_matches_reference(self, rows):
        """Every label equals the matrix lookup, English and Chinese inputs mixed."""
        c = [ZH_C[a] if zh else a for a, _, zh in rows]
        m = [ZH_M[b] if zh else b for _, b, zh in rows]
        got = recommended_relationship(c, m).to_numpy().tolist()
        assert got == [ref_recommended(a, b) for a, b, _ in rows]

    def test_all_nine_cells(self):
        """The nine cells in order, and unknown for a missing level."""
        c = [c for c, _ in KOTLER] + [None]
        m = [m for _, m in KOTLER] + ["high"]
        lab = recommended_relationship(c, m)
        assert lab.to_numpy().tolist() == [*KOTLER.values(), "unknown"]
        assert lab.names == (*RELATIONSHIP_TYPES, "unknown") and lab.ordered

    def test_custom_matrix(self):
        """A user's matrix replaces Kotler's."""
        m = KOTLER_MATRIX.with_cell("many", "high", "basic")
        assert recommended_relationship(
            ["many"], ["high"], matrix=m
        ).to_numpy().tolist() == ["basic"]
        with pytest.raises(
            ThresholdError, match="'matrix' must be a RelationshipMatrix"
        ):
            recommended_relationship(["many"], ["high"], matrix={"many": "basic"})

    def test_breaks_boundaries(self):
        """Numbers with breaks: below lo low/few, [lo, hi) medium, from hi high/many."""
        got = (
            recommended_relationship(
                [99, 100, 999, 1000, NAN],
                [0.3, 0.3, 0.1, 0.0999, 0.3],
                customers_breaks=(100, 1000),
                margin_breaks=(0.1, 0.3),
            )
            .to_numpy()
            .tolist()
        )
        assert got == ["partnership", "proactive", "accountable", "basic", "unknown"]

    def test_bad_breaks_and_levels(self):
        """Breaks must be two increasing numbers; an unknown level name is an InputError."""
        with pytest.raises(
            ThresholdError, match="'margin_breaks' must be two finite increasing"
        ):
            recommended_relationship(["few"], [0.2], margin_breaks=(0.3, 0.1))
        with pytest.raises(
            InputError, match=r"pass margin_breaks=\(lo, hi\) to band numbers"
        ):
            recommended_relationship(["few"], [0.2])
        with pytest.raises(InputError, match="'margin' has unknown answer 'huge'"):
            recommended_relationship(["many"], ["huge"])
        with pytest.raises(InputError, match="'margin' has 2 rows"):
            recommended_relationship(["many"], ["high", "low"])

    def test_index_and_language(self):
        """A Series' index carries over; lang="zh" gives Chinese names."""
        c = pd.Series(["few", "many"], index=["s1", "s2"])
        lab = recommended_relationship(c, ["high", "low"], lang="zh")
        assert lab.to_pandas().to_dict() == {"s1": "伙伴型", "s2": "基本型"}


# --------------------------------------------------------------------------
# relationship_gap


types_or_missing = st.sampled_from([*RELATIONSHIP_TYPES, "no_sale", "unknown", None])


class TestRelationshipGap:
    """relationship_gap: under-served, matched, over-served."""

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.tuples(types_or_missing, types_or_missing), min_size=1, max_size=30)
    )
    def test_matches_reference(self, pairs):
        """Every label equals the rank comparison; unknown when either side is unknown."""
        a = [x for x, _ in pairs]
        b = [y for _, y in pairs]
        got = relationship_gap(a, b).to_numpy().tolist()
        assert got == [ref_gap(x, y) for x, y in pairs]

    def test_from_labels_any_language(self):
        """Labels from relationship_type (zh) and recommended_relationship (en) compare."""
        current = relationship_type(
            {
                **_one(),
                "customer_contacts": [0, 1],
                **{
                    k: [x[0]] * 2 for k, x in _one().items() if k != "customer_contacts"
                },
            },
            lang="zh",
        )
        rec = recommended_relationship(["many", "few"], ["low", "high"])
        gap = relationship_gap(current, rec, lang="zh")
        assert gap.to_numpy().tolist() == ["匹配", "服务不足"]
        assert gap.names == ("服务不足", "匹配", "服务过度", "未知") and gap.ordered

    def test_index(self):
        """The index of Labels or Series carries over; two different ones are refused."""
        a = pd.Series(["basic", "partnership"], index=[3, 4])
        assert relationship_gap(a, ["basic", "basic"]).to_pandas().index.tolist() == [
            3,
            4,
        ]
        lab = Labels([0, 1], RELATIONSHIP_TYPES, index=pd.Index([4, 3]))
        with pytest.raises(InputError, match="'recommended' has a different index"):
            relationship_gap(a, lab)

    def test_unknown_names(self):
        """A misspelt type is an InputError naming it."""
        with pytest.raises(InputError, match="'current' has unknown answer 'partner'"):
            relationship_gap(["partner"], ["basic"])
