"""Fourth audit, rules: averages over the customers typed, explicit labels for
customers who never bought, aggregates frozen across periods, Labels columns
checked by index."""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import InputError, ThresholdError
from custseg.rules import RulesError

PRESETS = tuple(rules.presets())
SPINE = frozenset(
    {"recency_days", "frequency", "monetary", "tenure_days", "r", "f", "m"}
)
# the labels the presets give a customer with no purchase
NON_BUYER_LABELS = {"no_purchase", "Unscored", "potential", "visited_not_bought"}


@functools.cache
def _preset(name: str) -> rules.RuleSet:
    return rules.load(name)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --------------------------------------------------------------------------
# generated customers

BUYER = st.tuples(
    st.integers(1, 40),  # frequency
    st.floats(-200, 20_000, allow_nan=False),  # monetary (net of refunds)
    st.floats(0, 1500, allow_nan=False),  # recency_days
    st.floats(0, 1500, allow_nan=False),  # tenure - recency
    st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)),
)
NON_BUYER = st.tuples(
    st.sampled_from([0.0, -5.0, -80.0, -500.0, -1e4]),  # monetary: refunds only
    st.sampled_from([True, False, None]),  # interested
    st.integers(0, 3),  # visits (store visits without a purchase)
)


def _columns(buyers: list, non_buyers: list, order: list[int] | None = None) -> dict:
    """Spine columns of buyers then non-buyers (frequency 0, no recency,
    tenure or scores), rows permuted by *order*."""
    freq = [b[0] for b in buyers] + [0] * len(non_buyers)
    monetary = [b[1] for b in buyers] + [n[0] for n in non_buyers]
    recency = [b[2] for b in buyers] + [math.nan] * len(non_buyers)
    tenure = [b[2] + b[3] for b in buyers] + [math.nan] * len(non_buyers)
    scores = [b[4] for b in buyers] + [(math.nan,) * 3] * len(non_buyers)
    interested = [False] * len(buyers) + [n[1] for n in non_buyers]
    visits = [b[0] for b in buyers] + [n[2] for n in non_buyers]
    cols = {
        "frequency": np.array(freq, dtype=np.int64),
        "monetary": np.array(monetary, dtype=np.float64),
        "recency_days": np.array(recency, dtype=np.float64),
        "tenure_days": np.array(tenure, dtype=np.float64),
        "r": np.array([s[0] for s in scores], dtype=np.float64),
        "f": np.array([s[1] for s in scores], dtype=np.float64),
        "m": np.array([s[2] for s in scores], dtype=np.float64),
        "interested": np.array(interested, dtype=object),
        "vip": np.zeros(len(freq), dtype=bool),
        "visits": np.array(visits, dtype=np.int64),
    }
    if order is not None:
        cols = {k: v[np.asarray(order, dtype=np.intp)] for k, v in cols.items()}
    return cols


# --------------------------------------------------------------------------
# domain #1: rfm8's averages are over the customers it types


@pytest.mark.parametrize("name", PRESETS)
@given(
    buyers=st.lists(BUYER, min_size=1, max_size=12),
    non_buyers=st.lists(NON_BUYER, min_size=1, max_size=12),
    data=st.data(),
)
@settings(max_examples=40, deadline=None)
def test_non_buyers_never_move_a_buyers_rfm8(
    name: str, buyers: list, non_buyers: list, data: st.DataObject
) -> None:
    """Adding any number of customers who never bought, anywhere in the
    rows, leaves every buyer's 8-type label as it was."""
    rs = _preset(name)
    alone = rs.evaluate(_columns(buyers, []))["rfm8"].to_numpy()
    n = len(buyers) + len(non_buyers)
    order = data.draw(st.permutations(range(n)))
    mixed = rs.evaluate(_columns(buyers, non_buyers, order))["rfm8"].to_numpy()
    where = {row: i for i, row in enumerate(order)}
    got = [mixed[where[i]] for i in range(len(buyers))]
    assert got == alone.tolist()
    assert [mixed[where[i]] for i in range(len(buyers), n)] == ["Unscored"] * len(
        non_buyers
    )


TX = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "b", "c", "c", "d", "e"],
        "date": [
            "2024-03-01",
            "2024-03-05",
            "2024-03-20",
            "2024-01-01",
            "2024-02-01",
            "2024-03-25",
            "2023-06-01",
            "2024-03-29",
        ],
        "amount": [100.0, 100.0, 100.0, 50.0, 300.0, 200.0, 80.0, 60.0],
    }
)


@pytest.mark.parametrize("name", PRESETS)
def test_refund_only_customers_do_not_move_rfm8(name: str) -> None:
    """The audit's example: four refund-only customers turned b, d and e into
    'Important ...' types in base."""
    first = _quiet(custseg.segment, TX, preset=name, as_of="2024-04-01")
    refunds = pd.DataFrame(
        {
            "customer_id": ["z1", "z2", "z3", "z4"],
            "date": ["2024-03-01"] * 4,
            "amount": [-500.0] * 4,
        }
    )
    both = pd.concat([TX, refunds], ignore_index=True)
    # same RFM edges: only the averages could move the labels
    second = _quiet(
        custseg.segment, both, preset=name, as_of="2024-04-01", edges=first.edges
    )
    buyers = list("abcde")
    assert (
        second.customers.loc[buyers, "rfm8"].tolist()
        == first.customers.loc[buyers, "rfm8"].tolist()
    )
    assert set(second.customers.loc[["z1", "z2", "z3", "z4"], "rfm8"]) == {"Unscored"}


def test_records_only_leads_do_not_move_rfm8() -> None:
    """Leads listed in the records (no purchase) left b, d and e alone."""
    first = _quiet(custseg.segment, TX, preset="ecommerce", as_of="2024-04-01")
    records = pd.DataFrame(
        {"customer_id": [f"lead{i}" for i in range(6)], "interested": [True] * 6}
    )
    second = _quiet(
        custseg.segment, TX, preset="ecommerce", as_of="2024-04-01", records=records
    )
    buyers = list("abcde")
    assert (
        second.customers.loc[buyers, "rfm8"].tolist()
        == first.customers.loc[buyers, "rfm8"].tolist()
    )
    assert first.customers.loc["b", "rfm8"] == "General Development"


# --------------------------------------------------------------------------
# domain #2: customers who never bought get an explicit label everywhere


@pytest.mark.parametrize("name", PRESETS)
@given(non_buyers=st.lists(NON_BUYER, min_size=1, max_size=8), buyers=st.data())
@settings(max_examples=25, deadline=None)
def test_every_segmentation_names_non_buyers(
    name: str, non_buyers: list, buyers: st.DataObject
) -> None:
    """Every table and segmentation that reads purchase facts gives a
    customer without a purchase a no-purchase label (no walk-in, no
    'Ordinary', no 'Others'), in every preset."""
    rs = _preset(name)
    some = buyers.draw(st.lists(BUYER, max_size=4))
    out = rs.evaluate(_columns(some, non_buyers))
    reads = rs.fields_read()
    checked = [o for o in rs.outputs if reads[o] & SPINE]
    assert "rfm8" in checked and "lifecycle" in checked
    for o in checked:
        got = set(out[o].to_numpy()[len(some) :].tolist())
        assert got <= NON_BUYER_LABELS, (name, o, got)


@pytest.mark.parametrize("name", ["beauty_salon", "restaurant", "department_store"])
def test_visit_tier_of_refund_only_and_leads(name: str) -> None:
    """The audit's example: r (a refund only) and lead1 (records only)."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "r"],
            "date": ["2024-01-05", "2024-02-01", "2024-02-10", "2024-02-12"],
            "amount": [200.0, 300.0, 100.0, -80.0],
        }
    )
    records = pd.DataFrame({"customer_id": ["a", "lead1"], "vip": [False, False]})
    res = _quiet(custseg.segment, tx, preset=name, records=records)
    tier = res.customers["visit_tier"]
    assert tier["r"] == "no_purchase" and tier["lead1"] == "no_purchase"
    assert tier["b"] == "walk_in"
    zh = _quiet(custseg.segment, tx, preset=name, records=records, lang="zh")
    assert zh.customers["visit_tier"]["r"] == "未购买"


# --------------------------------------------------------------------------
# domain #10: aggregates, fitted once and reused


def _spend_rules(condition: str) -> rules.RuleSet:
    return rules.loads(
        "format = 1\n"
        "[params]\ntop = 0.9\n"
        "[fields]\n"
        'spend = { type = "number", missing = true }\n'
        'visits = { type = "integer", min = 0 }\n'
        "[segments.kind]\n"
        'default = "small"\n'
        f'rules = [{{ label = "big", when = "{condition}" }}]\n'
    )


def test_aggregate_keys_are_canonical() -> None:
    rs = _spend_rules(
        "spend > mean( spend ,where = visits>0 ) and spend >= quantile(spend, top) "
        "and spend < max(spend)"
    )
    assert rs.aggregate_keys() == (
        "max(spend)",
        "mean(spend, where=visits > 0)",
        "quantile(spend, 0.9)",
    )
    assert rs.aggregates({"spend": [1.0, 2.0, 3.0, 10.0], "visits": [0, 1, 1, 1]}) == {
        "mean(spend, where=visits > 0)": 5.0,
        "quantile(spend, 0.9)": pytest.approx(7.9),
        "max(spend)": 10.0,
    }


def test_where_keeps_the_rows_where_the_condition_is_true() -> None:
    """Rows where the condition is unknown or false, and missing values of x,
    are left out."""
    rs = rules.loads(
        "format = 1\n[fields]\n"
        'x = { type = "number", missing = true }\n'
        'y = { type = "number", missing = true }\n'
        "[derived]\n"
        'm = "x > mean(x, where=y > 0)"\n'
        'm0 = "x > median(x, where=y > 0)"\n'
        'n = "x > mean(x, where=False)"\n'
        '[segments.s]\ndefault = "lo"\nrules = [{ label = "hi", when = "m" }]\n'
        '[segments.t]\ndefault = "lo"\nrules = [{ label = "hi", when = "n" }]\n'
        '[segments.u]\ndefault = "lo"\nrules = [{ label = "hi", when = "m0" }]\n'
    )
    nan = math.nan
    data = {"x": [1.0, 3.0, nan, 100.0, 7.0], "y": [1.0, 1.0, 1.0, nan, -1.0]}
    agg = rs.aggregates(data)
    assert agg["mean(x, where=y > 0)"] == 2.0
    assert agg["median(x, where=y > 0)"] == 2.0
    assert math.isnan(agg["mean(x, where=False)"])  # over no values: missing
    out = rs.evaluate(data)
    assert out["s"].to_numpy().tolist() == ["lo", "hi", "lo", "hi", "hi"]
    assert out["t"].to_numpy().tolist() == ["lo"] * 5  # unknown: no match


@given(
    st.lists(
        st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 3)),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=60, deadline=None)
def test_mean_where_is_the_mean_of_the_selected_rows(rows: list) -> None:
    rs = _spend_rules("spend > mean(spend, where=visits >= 2)")
    spend = np.array([r[0] for r in rows])
    visits = np.array([r[1] for r in rows])
    got = rs.aggregates({"spend": spend, "visits": visits})
    sel = spend[visits >= 2]
    want = math.fsum(sel) / len(sel) if len(sel) else math.nan
    value = got["mean(spend, where=visits >= 2)"]
    assert (math.isnan(value) and math.isnan(want)) or value == pytest.approx(
        want, rel=1e-12, abs=1e-9
    )


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("spend > mean(spend, where=spend)", "type-mismatch"),
        ("spend > mean(spend, when=visits > 0)", "disallowed-syntax"),
        (
            "spend > mean(spend, where=visits > 0, where=visits > 1)",
            "disallowed-syntax",
        ),
        ("missing(spend, where=visits > 0)", "disallowed-syntax"),
        ("spend > mean(spend, where=vistis > 0)", "unknown-name"),
    ],
)
def test_bad_where_is_a_rules_error(condition: str, code: str) -> None:
    with pytest.raises(RulesError) as info:
        _spend_rules(condition)
    assert code in {d.code for d in info.value.diagnostics}


@pytest.mark.parametrize("name", PRESETS)
@given(
    buyers=st.lists(BUYER, min_size=1, max_size=10),
    non_buyers=st.lists(NON_BUYER, max_size=5),
)
@settings(max_examples=25, deadline=None)
def test_aggregates_round_trip(name: str, buyers: list, non_buyers: list) -> None:
    """evaluate(data, aggregates=aggregates(data)) == evaluate(data)."""
    rs = _preset(name)
    data = _columns(buyers, non_buyers)
    plain = rs.evaluate(data).to_pandas()
    agg = rs.aggregates(data)
    assert set(agg) == set(rs.aggregate_keys())
    fixed = rs.evaluate(data, aggregates=agg)
    pd.testing.assert_frame_equal(fixed.to_pandas(), plain)
    assert fixed.aggregates == agg


def test_fixed_aggregates_move_nobody_whose_facts_stay() -> None:
    rs = rules.load("ecommerce")
    jan = _columns(
        [(3, 300.0, 5.0, 20.0, (5, 4, 4)), (1, 50.0, 20.0, 0.0, (4, 1, 1))], []
    )
    feb = _columns(
        [
            (3, 300.0, 5.0, 20.0, (5, 4, 4)),
            (8, 4000.0, 3.0, 10.0, (5, 5, 5)),
            (8, 4000.0, 3.0, 10.0, (5, 5, 5)),
        ],
        [],
    )
    first = rs.evaluate(jan)["rfm8"].to_numpy()[0]
    assert first == "Important Value"
    assert rs.evaluate(feb)["rfm8"].to_numpy()[0] != first  # February's averages
    again = rs.evaluate(feb, aggregates=rs.aggregates(jan))["rfm8"].to_numpy()[0]
    assert again == first


def test_aggregates_errors() -> None:
    rs = _spend_rules("spend > mean(spend)")
    data = {"spend": [1.0, 5.0], "visits": [1, 2]}
    with pytest.raises(
        InputError, match=r"'aggregates' has no value for 'mean\(spend\)'"
    ):
        rs.evaluate(data, aggregates={})
    with pytest.raises(InputError, match=r"do not read.*did you mean 'mean\(spend\)'"):
        rs.evaluate(data, aggregates={"mean(spend)": 1.0, "mean(spnd)": 2.0})
    with pytest.raises(InputError, match="not a number"):
        rs.evaluate(data, aggregates={"mean(spend)": "3"})
    with pytest.raises(InputError, match="not a number"):
        rs.evaluate(data, aggregates={"mean(spend)": True})
    with pytest.raises(InputError, match="must be a dict"):
        rs.evaluate(data, aggregates=[("mean(spend)", 1.0)])  # type: ignore[arg-type]
    plain = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n'
        '[segments.s]\ndefault = "a"\nrules = [{ label = "b", when = "x > 1" }]\n'
    )
    assert plain.aggregate_keys() == () and plain.aggregates({"x": [2.0]}) == {}
    assert plain.evaluate({"x": [2.0]}, aggregates={})["s"].to_numpy().tolist() == ["b"]


def test_segment_apply_reuses_the_aggregates() -> None:
    """The audit's example: x keeps 3 orders, 300 and R = 5 in February; two
    big new buyers must not make x 'General Development'."""
    jan = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x", "y", "z"],
            "date": [
                "2024-01-10",
                "2024-01-20",
                "2024-01-28",
                "2024-01-05",
                "2024-01-15",
            ],
            "amount": [100.0, 100.0, 100.0, 50.0, 60.0],
        }
    )
    feb = pd.DataFrame(
        {
            "customer_id": ["x"] * 3 + ["w"] * 4 + ["v"] * 4,
            "date": ["2024-02-10", "2024-02-20", "2024-02-28"] + ["2024-02-15"] * 8,
            "amount": [100.0] * 3 + [500.0] * 8,
        }
    )
    first = _quiet(custseg.segment, jan, preset="ecommerce", as_of="2024-02-01")
    assert first.aggregates == first.rules.aggregates(first.customers), (
        "the aggregates fitted on the customers"
    )
    second = _quiet(first.apply, feb, as_of="2024-03-01")
    assert second.edges == first.edges and second.aggregates == first.aggregates
    assert first.customers.loc["x", "rfm8"] == "Important Value"
    assert second.customers.loc["x", "rfm8"] == "Important Value"
    refit = _quiet(first.apply, feb, as_of="2024-03-01", aggregates=None)
    assert refit.aggregates != first.aggregates
    assert refit.customers.loc["x", "rfm8"] == "General Development"
    # given directly to segment
    direct = _quiet(
        custseg.segment,
        feb,
        preset="ecommerce",
        as_of="2024-03-01",
        edges=first.edges,
        aggregates=first.aggregates,
    )
    assert direct.customers.loc["x", "rfm8"] == "Important Value"
    with pytest.raises(ThresholdError, match="'aggregates' needs rules"):
        _quiet(custseg.segment, feb, aggregates=first.aggregates)


# --------------------------------------------------------------------------
# align #4: a Labels column of a mapping is checked by its index


def test_labels_column_with_another_index_is_refused() -> None:
    rs = rules.loads(
        "format = 1\n[fields]\n"
        'monetary = { type = "number" }\n'
        'stage = { type = "category", values = '
        '["active", "silent", "sleeping", "lost", "gone", "no_purchase"] }\n'
        '[segments.focus]\ndefault = "other"\n'
        'rules = [{ label = "keep", when = "stage == \'active\' and monetary >= 100" }]\n'
    )
    facts = pd.DataFrame(
        {"recency_days": [10.0, 400.0], "monetary": [500.0, 5.0]}, index=["a", "b"]
    )
    stage = custseg.lifecycle_stage(facts.recency_days)
    stage_rev = custseg.lifecycle_stage(facts.recency_days.iloc[::-1])
    out = rs.evaluate({"monetary": facts.monetary, "stage": stage})
    assert out.to_pandas()["focus"].to_dict() == {"a": "keep", "b": "other"}
    with pytest.raises(InputError, match="different index"):
        rs.evaluate({"monetary": facts.monetary, "stage": stage_rev})
    with pytest.raises(InputError):
        rs.evaluate([facts, {"stage": stage_rev}])
