"""Audit 11 / P: hostile input, one test per class of finding (P1-P9).

Each test draws the class's members with hypothesis and checks that the
hostile value gets a clear ``custseg.errors`` exception (or is read as the
same input in another container would be), never a silent guess or a bare
NumPy / Python traceback.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import testing as ct
from custseg.engines import label_in_engine
from custseg.errors import InputError, ThresholdError
from custseg.playbook import due_contacts

pytestmark = pytest.mark.filterwarnings("ignore")

D = dt.datetime(2024, 1, 1)
TX = pd.DataFrame(
    {
        "customer_id": ["c1", "c2"],
        "date": ["2024-06-01", "2024-01-10"],
        "amount": [1.0, 2.0],
    }
)

# --------------------------------------------------------------------------
# P1: numbers among dates are no dates (never 1970-01-01, never NaT)

_NOT_DATES = st.sampled_from(
    [0, -1, 1, False, True, np.int64(0), np.uint64(2**63), 0.5, Decimal(3)]
)
_DATE_READERS = st.sampled_from(
    [
        lambda d: custseg.summarize(["a", "b"], d, [1.0, 2.0], as_of="2024-02-01"),
        lambda d: due_contacts(d, 30, "2024-12-28"),
        lambda d: custseg.neglected(
            [900, 900], d, "2024-06-01", window_days=60, min_value=1
        ),
        lambda d: custseg.life_stage_tags(as_of="2024-06-01", due_date=d),
    ]
)


@settings(max_examples=30, deadline=None)
@given(
    bad=_NOT_DATES,
    first=st.sampled_from([D, pd.Timestamp(D), "2024-01-01"]),
    read=_DATE_READERS,
    last=st.booleans(),
)
def test_p1_numbers_among_dates_are_refused(bad, first, read, last):
    dates = [first, bad] if last else [bad, first]
    with pytest.raises(InputError, match="not dates, such as"):
        read(dates)


def test_p1_missing_values_stay_missing():
    for gone in (None, float("nan"), pd.NaT, pd.NA, Decimal("NaN")):
        out = due_contacts([D, gone], 30, "2024-01-31").to_pandas()
        assert out.sort_index()["days_since_contact"].isna().tolist() == [False, True]


# --------------------------------------------------------------------------
# P2: a bool in a list of numbers is no number


_NUMERIC_READERS = st.sampled_from(
    [
        lambda x: custseg.lifecycle_stage(x),
        lambda x: custseg.summarize(["a"] * len(x), ["2024-01-01"] * len(x), x),
        lambda x: custseg.abc_classes(x),
        lambda x: custseg.nps_band(x),
        lambda x: custseg.score(x, custseg.ScoreEdges((2,))),
        lambda x: custseg.visit_tier(x),
    ]
)


@settings(max_examples=30, deadline=None)
@given(
    flag=st.sampled_from([True, False, np.True_, np.False_]),
    nums=st.lists(st.integers(0, 9) | st.floats(0, 9), min_size=1, max_size=4),
    at=st.integers(0, 4),
    container=st.sampled_from([list, tuple]),
    read=_NUMERIC_READERS,
)
def test_p2_bools_among_numbers_are_refused(flag, nums, at, container, read):
    values = list(nums)
    values.insert(min(at, len(values)), flag)
    with pytest.raises(
        InputError, match=r"boolean|non-numeric values such as (True|False)"
    ):
        read(container(values))


# --------------------------------------------------------------------------
# P3: switches are True or False, never truthy


_SWITCHES = st.sampled_from(
    [
        (
            "higher_is_better",
            lambda f: custseg.score(
                [1, 5], custseg.ScoreEdges((2,)), higher_is_better=f
            ),
        ),
        (
            "explain",
            lambda f: custseg.segment(
                TX, preset="ecommerce", as_of="2024-07-01", explain=f
            ),
        ),
        (
            "explain",
            lambda f: label_in_engine(pd.DataFrame(), preset="ecommerce", explain=f),
        ),
        ("ordered", lambda f: custseg.Labels([0, 1], ["a", "b"], ordered=f)),
        ("refunds", lambda f: ct.transactions(refunds=f)),
        ("missing", lambda f: ct.scores(missing=f)),
        ("no_purchase", lambda f: ct.customer_facts(no_purchase=f)),
        ("split_members", lambda f: custseg.visit_tier([1], split_members=f)),
    ]
)


@settings(max_examples=30, deadline=None)
@given(
    switch=_SWITCHES,
    value=st.sampled_from(["False", "no", None, 0.0, 1, float("nan"), 1e-300, pd.NA]),
)
def test_p3_switches_refuse_non_bools(switch, value):
    name, call = switch
    with pytest.raises(ThresholdError, match=f"'{name}' must be True or False"):
        call(value)


def test_p3_segment_frequency_na():
    with pytest.raises(ThresholdError, match="'frequency'"):
        custseg.segment(TX, preset="ecommerce", as_of="2024-07-01", frequency=pd.NA)


# --------------------------------------------------------------------------
# P4: np.timedelta64 is no integer

_TD_CALLS = st.sampled_from(
    [
        lambda td: custseg.loyalty_level([td], [0.5], [5]),
        lambda td: custseg.customer_status([1], [3], [3], interested=[td]),
        lambda td: custseg.store_visit_class([1], [1], vip=[td]),
        lambda td: custseg.assign_owners([1, 2], ["amy", td]),
        lambda td: custseg.tags_from_values(["a"], max_tags=td),
        lambda td: custseg.pareto_summary([1, 2], value_share=td),
        lambda td: custseg.pareto_summary([1, 2], customer_share=td),
        lambda td: ct.transactions(days=td),
        lambda td: ct.scores(bins=td),
        lambda td: ct.customer_facts(max_rows=td),
        lambda td: ct.assert_order_free("base", {}, seed=td),
        lambda td: custseg.quantile_edges([1, 2, 3], td),
    ]
)


@settings(max_examples=30, deadline=None)
@given(
    call=_TD_CALLS,
    n=st.integers(0, 10**6),
    unit=st.sampled_from(["D", "s", "ns", "h"]),
)
def test_p4_timedelta64_is_no_integer(call, n, unit):
    with pytest.raises((InputError, ThresholdError)):
        call(np.timedelta64(n, unit))


# --------------------------------------------------------------------------
# P5: shapes and options, checked before use

_P5_CALLS = st.sampled_from(
    [
        lambda k: custseg.life_stage_tags(
            as_of="2024-06-01",
            due_date=[None] * (k + 1),
            baby_birthday=[],
            baby_sex=["boy"] * (k + 1),
        ),
        lambda k: custseg.contact_summary(
            np.array(k), ["2024-01-01"], ["customer"], ["sale"]
        ),
        lambda k: custseg.summarize(["a"] * (k + 1), ["2024-01-03"] * (k + 1), None),
        lambda k: custseg.segment(
            TX, preset="ecommerce", as_of="2024-07-01", abc_cutoffs=0.8 + k / 100
        ),
    ]
)


@settings(max_examples=20, deadline=None)
@given(call=_P5_CALLS, k=st.integers(1, 5))
def test_p5_shape_and_option_checks(call, k):
    with pytest.raises((InputError, ThresholdError)):
        call(k)


# --------------------------------------------------------------------------
# P6: NaN in a list of date texts is missing, as in a Series


@settings(max_examples=20, deadline=None)
@given(
    gone=st.sampled_from([float("nan"), np.float64("nan"), Decimal("NaN")]),
    at=st.integers(0, 2),
)
def test_p6_nan_in_a_list_of_date_texts(gone, at):
    dates = ["2024-11-01", "2024-12-01"]
    dates.insert(at, gone)
    listed = due_contacts(dates, 30, "2024-12-28").to_pandas()
    series = due_contacts(pd.Series(dates, dtype=object), 30, "2024-12-28")
    assert listed.equals(series.to_pandas())
    with pytest.raises(InputError, match="missing dates"):
        custseg.summarize(["a", "b", "c"], dates, [1.0, 2.0, 3.0])


# --------------------------------------------------------------------------
# P7: messages name the caller's argument

_P7_CALLS = st.sampled_from(
    [
        ("'probability'", lambda: custseg.repurchase_band([0.2, "x"])),
        ("'probability'.*generator", lambda: custseg.repurchase_band(x for x in [0.2])),
        ("generator", lambda: custseg.loyalty_level((x for x in [5]), [0.5], [5])),
        (
            "'repurchase' has 2 rows but 'satisfaction'",
            lambda: custseg.dick_basu(satisfaction=[], repurchase=[0.9, 0.2]),
        ),
        ("'transactions' must be a pandas DataFrame", lambda: custseg.segment(5)),
        (
            "as_of=",
            lambda: custseg.neglected(
                [900], ["2024-01-02"], window_days=60, min_value=1
            ),
        ),
    ]
)


@settings(max_examples=15, deadline=None)
@given(case=_P7_CALLS)
def test_p7_messages_name_the_argument(case):
    pattern, call = case
    with pytest.raises(InputError, match=pattern):
        call()


# --------------------------------------------------------------------------
# P8: Decimal("NaN") is missing in id, group and date columns

_P8_CALLS = st.sampled_from(
    [
        lambda m: custseg.assign_owners(
            [1, 2], ["amy", "bo"], current_owner=["amy", m]
        ),
        lambda m: custseg.nps([1, 2], by=["a", m]),
        lambda m: custseg.neglected(
            [900, 900], ["2024-01-01", m], "2024-06-01", window_days=60, min_value=1
        ),
        lambda m: due_contacts(["2024-11-01", m], 30, "2024-12-28"),
    ]
)


@settings(max_examples=20, deadline=None)
@given(call=_P8_CALLS, missing=st.sampled_from([Decimal("NaN"), Decimal("-NaN")]))
def test_p8_decimal_nan_is_missing(call, missing):
    call(missing)  # no error: a missing value, as None is


# --------------------------------------------------------------------------
# P9: label names are text

_P9_CALLS = st.sampled_from(
    [
        lambda x: custseg.LifecycleWindows(labels=(x, "silent", "sleeping", "lost")),
        lambda x: custseg.CarePhases(
            labels=(x, "recommend", "stimulate", "established")
        ),
        lambda x: custseg.LifeStageWindows(labels=(x, "b", "c", "d")),
        lambda x: custseg.Labels([0, 1], [x, "b"]),
        lambda x: custseg.TagMatrix([x, "b"], [[True, False]]),
    ]
)


@settings(max_examples=25, deadline=None)
@given(call=_P9_CALLS, name=st.sampled_from([float("nan"), 5, None, 2.5, b"x"]))
def test_p9_label_names_must_be_text(call, name):
    with pytest.raises(ThresholdError, match="must be text"):
        call(name)
