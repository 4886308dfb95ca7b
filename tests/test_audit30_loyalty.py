"""Audit 30: findings of the probes of loyalty and relationship.

1. A contact of unknown initiator was ``unknown_contacts`` only, whatever
   its kind (except a sale): a ``joint_project`` of blank initiator was left
   out of ``joint_projects`` and the joint days, though a joint project
   counts whoever started it, so a decided partnership became ``unknown``.
2. ``loyalty_level`` checked the lengths of the answers not given (``None``,
   "not asked") too, through their filler: ``'referral' has 3 rows but
   'satisfaction' has 2`` for ``satisfaction=None``.
3. A missing id in ``contact_summary(first_sale=...)`` was reported as a
   missing id in ``customer``, at a row past the end of the contact log.
4. A probability (or a margin) refused as outside [0, 1] was quoted as the
   float ``exact_sides`` had moved it to (``1.0000000000000002``), not as
   given (``Decimal('1.0000000000000000001')``); below 0 it was not quoted.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg.relationship as rel
from custseg.errors import InputError
from custseg.loyalty import dick_basu, loyalty_level, repurchase_band

# --------------------------------------------------------------------------
# 1. contacts of unknown initiator: a kind that means the same whoever
#    started it (sale, joint_project) is read by its kind alone

#: facts that depend on the kind only, never on who started the contact
_KIND_FACTS = (
    "first_sale",
    "sales",
    "joint_projects",
    "first_joint",
    "last_joint",
    "joint_span_days",
    "days_since_joint",
    "last_contact",
)
#: facts of company-initiated contacts: a blank initiator is not the company
_COMPANY_FACTS = (
    "company_contacts",
    "follow_ups",
    "suggestions",
    "new_products",
    "days_to_follow_up",
)

_DAY0 = np.datetime64("2024-01-01", "D")


@st.composite
def _logs(draw: st.DrawFn) -> tuple[list[str], list[str], list[str | None], list[str]]:
    n = draw(st.integers(1, 10))
    ids = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    offsets = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    kinds = draw(
        st.lists(
            st.sampled_from((*rel.CONTACT_KINDS, "sale", "joint_project")),
            min_size=n,
            max_size=n,
        )
    )
    init = draw(st.lists(st.sampled_from(rel.INITIATORS), min_size=n, max_size=n))
    blanks = draw(st.sets(st.integers(0, n - 1), max_size=3))  # <= 8 completions
    initiators: list[str | None] = [
        None if i in blanks else x for i, x in enumerate(init)
    ]
    dates = [str(_DAY0 + d) for d in offsets]
    return ids, dates, initiators, kinds


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind == "M":
        return bool(np.array_equal(a.view(np.int64), b.view(np.int64)))
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def _completions(initiators: list[str | None]) -> list[list[str]]:
    blanks = [i for i, x in enumerate(initiators) if x is None]
    out = []
    for who in itertools.product(rel.INITIATORS, repeat=len(blanks)):
        filled = list(initiators)
        for i, w in zip(blanks, who, strict=True):
            filled[i] = w
        out.append(filled)
    return out


_WORKED = (
    ["a", "a", "a"],
    ["2024-01-01", "2024-01-02", "2024-05-01"],
    ["customer", "company", None],
    ["sale", "joint_project", "joint_project"],
)


@settings(max_examples=40, deadline=None)
@given(_logs())
@example(_WORKED)
def test_blank_initiator_against_its_completions(
    log: tuple[list[str], list[str], list[str | None], list[str]],
) -> None:
    """Reference: the logs with every blank initiator filled in. Facts of
    the kind alone (sales, joint projects and their days) are those of every
    completion; customer contacts are those of the all-company completion,
    company contacts those of the all-customer one, and the blank contacts
    after the sale are the difference: ``unknown_contacts``. A label other
    than ``unknown`` is every completion's; partnership in every completion
    is partnership."""
    ids, dates, initiators, kinds = log
    s = rel.contact_summary(ids, dates, initiators, kinds)
    filled = [
        rel.contact_summary(ids, dates, c, kinds) for c in _completions(initiators)
    ]
    n = len(initiators)
    all_cu = rel.contact_summary(
        ids, dates, [x or "customer" for x in initiators], kinds
    )
    all_co = rel.contact_summary(
        ids, dates, [x or "company" for x in initiators], kinds
    )
    for f in filled:
        assert _same(f.customer_id, s.customer_id)
        for name in _KIND_FACTS:
            assert _same(getattr(s, name), getattr(f, name)), name
    for name in _COMPANY_FACTS:
        assert _same(getattr(s, name), getattr(all_cu, name)), name
    assert _same(s.customer_contacts, all_co.customer_contacts)
    assert _same(
        s.unknown_contacts, all_cu.customer_contacts - all_co.customer_contacts
    )
    assert s.n_rows == n
    label = rel.relationship_type(s).to_numpy()
    options = np.array([rel.relationship_type(f).to_numpy() for f in filled])
    decided = label != "unknown"
    assert (options[:, decided] == label[decided]).all()
    partner = (options == "partnership").all(axis=0)
    assert (label[partner] == "partnership").all()


def test_blank_initiator_joint_project_worked_example() -> None:
    s = rel.contact_summary(*_WORKED)
    assert s.joint_projects.tolist() == [2]
    assert s.joint_span_days.tolist() == [120.0]
    assert s.last_joint.tolist() == [np.datetime64("2024-05-01", "D").item()]
    assert s.unknown_contacts.tolist() == [1]  # customer or company contact?
    assert s.customer_contacts.tolist() == [0]
    assert s.company_contacts.tolist() == [1]
    assert rel.relationship_type(s).to_numpy().tolist() == ["partnership"]
    # not a partnership by its joint projects: the initiator still decides
    # between basic (company) and reactive (customer), so unknown
    short = rel.contact_summary(
        ["a", "a"], ["2024-01-01", "2024-01-02"], ["company", None],
        ["sale", "joint_project"],
    )  # fmt: skip
    assert short.joint_projects.tolist() == [1]
    assert rel.relationship_type(short).to_numpy().tolist() == ["unknown"]
    # before the first sale it is not counted, as a known joint project
    early = rel.contact_summary(
        ["a", "a"], ["2024-01-01", "2024-01-05"], [None, "company"],
        ["joint_project", "sale"],
    )  # fmt: skip
    assert early.joint_projects.tolist() == [0]
    assert early.unknown_contacts.tolist() == [0]


# --------------------------------------------------------------------------
# 2. loyalty_level: the length check names only the answers given

_ANSWERS = {
    "satisfaction": "satisfied",
    "repurchase": 0.5,
    "referral": 9,
}
_ROWS = re.compile(r"'(\w+)' has (\d+) rows but '(\w+)' has (\d+)")


@settings(max_examples=40, deadline=None)
@given(
    st.fixed_dictionaries(
        {k: st.one_of(st.none(), st.integers(1, 4)) for k in _ANSWERS}
    ).filter(lambda d: any(x is not None for x in d.values()))
)
@example({"satisfaction": None, "repurchase": 2, "referral": 3})
def test_loyalty_level_lengths_name_only_answers_given(
    lengths: dict[str, int | None],
) -> None:
    given_ = {k: n for k, n in lengths.items() if n is not None}
    args = {k: None if n is None else [_ANSWERS[k]] * n for k, n in lengths.items()}
    # the same family in dick_basu: attitude from satisfaction and/or
    # referral, repeat from repurchase
    calls = [lambda: loyalty_level(**args)]
    if lengths["repurchase"] is not None and len(given_) > 1:
        calls.append(lambda: dick_basu(**{k: x for k, x in args.items() if x}))
    for call in calls:
        if len(set(given_.values())) == 1:
            assert len(call()) == next(iter(given_.values()))
            continue
        with pytest.raises(InputError) as caught:
            call()
        m = _ROWS.search(str(caught.value))
        assert m is not None, str(caught.value)
        a, na, b, nb = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
        assert caught.value.field == a
        assert a in given_ and b in given_
        assert (na, nb) == (given_[a], given_[b]) and na != nb


def test_loyalty_level_lengths_worked_example() -> None:
    with pytest.raises(
        InputError, match=r"^'referral' has 3 rows but 'repurchase' has 2: "
    ):
        loyalty_level(None, [0.9, 0.9], [9, 9, 9])
    with pytest.raises(
        InputError, match=r"^'referral' has 3 rows but 'satisfaction' has 2: "
    ):
        loyalty_level(["satisfied"] * 2, None, [9] * 3)


# --------------------------------------------------------------------------
# 3. contact_summary(first_sale=...): a missing id is first_sale's, at its row

_MISSING = (None, float("nan"), pd.NA)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(("a", "b", "c", "d")), st.sampled_from(_MISSING)),
        min_size=1,
        max_size=6,
    ).filter(lambda ids: any(not isinstance(i, str) for i in ids)),
    st.sampled_from(("list", "series", "indexed")),
)
@example([None, "b"], "list")
def test_first_sale_missing_ids_named_first_sale(ids: list[object], form: str) -> None:
    """Any missing id (None, NaN, pd.NA), any position, a tuple of lists or
    of Series, or a Series indexed by id: named first_sale, at its first
    row there, with its count."""
    dates = [str(_DAY0 - 100 + i) for i in range(len(ids))]
    first_sale: object
    if form == "list":
        first_sale = (ids, dates)
    elif form == "series":
        first_sale = (pd.Series(ids, dtype=object), pd.Series(dates))
    else:
        first_sale = pd.Series(pd.to_datetime(dates), index=pd.Index(ids, dtype=object))
    missing = [not isinstance(i, str) for i in ids]
    with pytest.raises(InputError) as caught:
        rel.contact_summary(
            ["a", "a", "b"], ["2024-01-01", "2024-01-05", "2024-01-02"],
            ["customer", "company", "customer"], ["sale", "follow_up", "complaint"],
            first_sale=first_sale,
        )  # fmt: skip
    err = caught.value
    assert err.field == "first_sale"
    assert "missing customer ids" in err.problem
    assert err.first_row == missing.index(True)
    assert err.n_rows == sum(missing)


def test_first_sale_missing_ids_worked_example() -> None:
    log = (
        ["a", "a", "b"], ["2024-01-01", "2024-01-05", "2024-01-02"],
        ["customer", "company", "customer"], ["sale", "follow_up", "complaint"],
    )  # fmt: skip
    with pytest.raises(
        InputError,
        match=r"^'first_sale' has missing customer ids \(first at row 1, 1 row ",
    ):
        rel.contact_summary(
            *log, first_sale=(["b", None], ["2023-01-01", "2023-02-01"])
        )
    # a missing id in the log itself: still 'customer', at its own row
    with pytest.raises(
        InputError,
        match=r"^'customer' has missing customer ids \(first at row 2, 1 row ",
    ):
        rel.contact_summary(
            ["a", "a", None], *log[1:],
            first_sale=(["b", "c"], ["2023-01-01", "2023-02-01"]),
        )  # fmt: skip


# --------------------------------------------------------------------------
# 4. values refused quoted as given: a Decimal as written, never its float


def _bad_decimal(kind: str, k: int) -> Decimal:
    tiny = Decimal(1).scaleb(-k)
    return {"above": 1 + tiny, "below": -tiny, "percent": 70 + tiny}[kind]


_CALLS = {
    "repurchase_band": lambda col: repurchase_band(col),
    "loyalty_level": lambda col: loyalty_level(None, col, None),
    "dick_basu": lambda col: dick_basu(attitude=[1] * len(col), repurchase=col),
    "margin": lambda col: rel.recommended_relationship(
        [5] * len(col), col, customers_breaks=(1, 2), margin_breaks=(0.1, 0.3)
    ),
}


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(_CALLS)),
    st.sampled_from(("above", "below", "percent")),
    st.integers(17, 25),
    st.lists(st.sampled_from(("0.5", "0", "1", "0.25")), max_size=4),
    st.data(),
)
@example("repurchase_band", "above", 19, [], None)
def test_refused_probabilities_quoted_as_given(
    call: str, kind: str, k: int, good: list[str], data: st.DataObject | None
) -> None:
    """A decimal beyond [0, 1] that float64 cannot hold, at any row among
    good ones: the message quotes the Decimal (not its float), at its row."""
    if call == "margin" and kind == "below":
        kind = "above"  # negative margins are losses, not refused
    bad = _bad_decimal(kind, k)
    at = 0 if data is None else data.draw(st.integers(0, len(good)))
    col: list[Decimal] = [Decimal(g) for g in good]
    col.insert(at, bad)
    with pytest.raises(InputError) as caught:
        _CALLS[call](col)
    err = caught.value
    assert repr(bad) in str(err)
    # and no float of it beside: 1.0000000000000002, 70.0, -1e-19
    rest = str(err).replace(repr(bad), "")
    assert not re.search(r"\d\.\d{6,}|\b70\.0\b|e-\d", rest), rest
    assert err.first_row == at


def test_refused_values_quoted_as_given_worked_example() -> None:
    with pytest.raises(InputError) as caught:
        repurchase_band([Decimal("1.0000000000000000001")])
    assert "1.0000000000000002" not in str(caught.value)
    assert str(caught.value).startswith(
        "'probability' has probabilities outside [0, 1]: "
        "Decimal('1.0000000000000000001') (1 and rounding noise: clip at 1)"
    )
    # floats and values below 0 are quoted too
    with pytest.raises(InputError, match=r"outside \[0, 1\]: -0\.5 \(first at row 1"):
        repurchase_band([0.5, -0.5])
    with pytest.raises(
        InputError, match=r"^'n_customers' has negative numbers of customers: Decimal"
    ):
        rel.recommended_relationship(
            [Decimal("-1E-19")],
            [0.5],
            customers_breaks=(1, 2),
            margin_breaks=(0.1, 0.3),
        )
