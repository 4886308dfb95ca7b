"""Audit 11: what the first fixes promise, each over its class.

- the report's RFM ranges at the data's decimal places hold exactly the
  values score() gives each score;
- no figure or share is printed as a negative zero;
- text dates with ``%z`` whose offsets differ are read on the pandas path
  as the local time written;
- the engines find a text date column's format past a placeholder;
- every yes/no field reads the same spellings (有/无 included);
- nullable and Arrow integer columns with a gap keep values past 2**53;
- a missing count of contacts of unknown kind makes a no-sale customer
  ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display, cli, reporting
from custseg._categories import YES_NO_ALIASES
from custseg.frame import summarize_frame

# --------------------------------------------------------------------------
# RFM ranges at the data's decimal places


def _holds(text: str, x: float) -> bool:
    import operator

    ops = {"<": operator.lt, "≤": operator.le, ">": operator.gt, "≥": operator.ge}
    if text == "*":
        return True
    return all(
        ops[op](x, float(number.replace(",", "")))
        for op, number in (part.split(" ") for part in text.split(", "))
    )


@settings(max_examples=60, deadline=None)
@given(
    cents=st.lists(st.integers(-(10**7), 10**9), min_size=2, max_size=40),
    places=st.integers(0, 3),
    bins=st.integers(2, 6),
    better=st.booleans(),
)
def test_ranges_at_the_data_places_hold_each_score(cents, places, bins, better):
    """Fitted edges fall between two values of the data (237.70499999999998
    between 237.70 and 237.71); written at the data's places, each score's
    range holds exactly the values of the data score() gives that score."""
    values = np.array(cents, dtype=np.float64) / 10**places
    edges = custseg.quantile_edges(values, bins)
    found = _display.decimal_places(values)
    assert found is not None and found <= places
    ranges = _display.score_ranges(list(edges.cuts), edges.bins, better, found)
    got = custseg.score(values, edges, higher_is_better=better)
    for x, s in zip(values.tolist(), got.tolist(), strict=True):
        inside = [k + 1 for k, text in enumerate(ranges) if _holds(text, x)]
        assert inside == [s], (x, s, ranges)
    for text in ranges:  # no float noise: at most the data's places
        for part in text.replace(",", "").split():
            if part[0].isdigit() or part[0] == "-":
                assert len(part.partition(".")[2]) <= found, ranges


def test_the_demo_edge_reads_at_cents():
    """The demo's first screen showed '> 237.70499999999998'."""
    values = np.array([237.70, 237.71, 1.0, 500.0, 99.99])
    edges = custseg.quantile_edges(values, 5)
    assert 237.70499999999998 in edges.cuts
    ranges = _display.score_ranges(
        list(edges.cuts), 5, True, _display.decimal_places(values)
    )
    assert "> 237.70, ≤ 368.85" in ranges
    assert not any("9999" in r for r in ranges)


@pytest.mark.parametrize(
    "values,expected",
    [
        ([1, 2, 3], 0),
        ([0.5, 2], 1),
        ([0.29, 1.1], 2),
        ([1 / 3], None),
        ([np.nan, 4.0], 0),
    ],
)
def test_places(values, expected):
    assert _display.decimal_places(values) == expected


# --------------------------------------------------------------------------
# no negative zero


@settings(max_examples=60, deadline=None)
@given(st.floats(-0.0499, 0.0, allow_nan=False))
def test_no_negative_zero_is_printed(tiny):
    """A figure or share that rounds to zero is printed without a sign."""
    texts = [
        reporting._share(tiny / 100).text,
        reporting._number(tiny * 10).text,
        reporting._number(tiny, digits=1).text,
        cli._share(tiny / 100),
        cli._number(tiny * 10),
        str(_display.share(tiny, 100)),
    ]
    for text in texts:
        assert not text.strip().startswith("-"), texts


def test_negative_shares_keep_their_sign():
    assert reporting._share(-0.25).text == "-25.0%"
    assert cli._number(-1234.0) == "-1,234"


# --------------------------------------------------------------------------
# %z with offsets that differ


offsets = st.builds(
    lambda h, m, sign: dt.timedelta(hours=h, minutes=m) * sign,
    st.integers(0, 13),
    st.sampled_from([0, 30, 45]),
    st.sampled_from([1, -1]),
)


def _written(day: dt.datetime, offset: dt.timedelta) -> str:
    return day.replace(tzinfo=dt.timezone(offset)).strftime("%Y-%m-%dT%H:%M:%S%z")


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2024, 12, 30)),
            offsets,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_mixed_offsets_read_as_the_local_time_written(rows):
    """Each date counts on the day written before its offset, whatever the
    other rows' offsets (a zone with summer time, several shops)."""
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{c}" for c, _, _ in rows],
            "date": [_written(d, o) for _, d, o in rows],
            "amount": 1.0,
        }
    )
    as_of = dt.date(2024, 12, 31)
    got = summarize_frame(tx, as_of=str(as_of), date_format="%Y-%m-%dT%H:%M:%S%z")
    last: dict[str, dt.date] = {}
    for c, d, _ in rows:
        last[f"c{c}"] = max(last.get(f"c{c}", d.date()), d.date())
    got_days = got["recency_days"].to_dict()
    assert got_days == {c: (as_of - d).days for c, d in last.items()}


def test_mixed_offsets_not_a_date_is_named():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-31T23:30:00+0100", "2024-07-01T00:30:00+0200", "soon"],
            "amount": 1.0,
        }
    )
    with pytest.raises(custseg.InputError, match="'soon' \\(first at row 2"):
        summarize_frame(tx, as_of="2024-12-31", date_format="%Y-%m-%dT%H:%M:%S%z")


# --------------------------------------------------------------------------
# the engines' format past a placeholder


@pytest.mark.parametrize("placeholder", ["N/A", "", "   ", "?", "unknown"])
def test_engine_format_found_past_a_placeholder(placeholder):
    """The bad value is reported as not a date (as on pandas), not as a
    format custseg does not guess."""
    pl = pytest.importorskip("polars")
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": [placeholder, "2024-01-01", "2024-02-01"],
            "amount": 1.0,
        }
    )
    for frame in (pl.from_pandas(tx), pl.from_pandas(tx).lazy()):
        with pytest.raises(custseg.InputError) as err:
            summarize_frame(frame, as_of="2024-06-30")
        # (audit 40: ISO shapes mix, so the message names ISO 8601, not
        # the first date's one format)
        assert "not ISO 8601 dates" in str(err.value)
        assert "does not guess" not in str(err.value)


# --------------------------------------------------------------------------
# one table of yes/no spellings


@pytest.mark.parametrize("word,answer", sorted(YES_NO_ALIASES.items()))
def test_every_yes_no_field_reads_the_same_spellings(word, answer):
    """customer_status, conversion_readiness and a rules file's flag read
    each spelling as its answer."""
    truth = bool(answer)
    for text in (word, word.upper(), f" {word} "):
        status = custseg.customer_status([3], [400], [10], vip=[text])
        assert status.to_numpy().tolist() == (
            custseg.customer_status([3], [400], [10], vip=[truth]).to_numpy().tolist()
        )
        ready = custseg.conversion_readiness([text], [True], [True], [True])
        want = custseg.conversion_readiness([truth], [True], [True], [True])
        assert ready.to_numpy().tolist() == want.to_numpy().tolist()


# --------------------------------------------------------------------------
# integer columns with a gap, past 2**53

_BIG = 2**53
#: Arrow integers only where pyarrow is installed (not in the [test] extra)
_INT_KINDS = ["Int64", "category"] + (
    ["int64[pyarrow]"] if importlib.util.find_spec("pyarrow") else []
)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(), st.integers(_BIG - 5, _BIG + 5), st.integers(-(2**62), 2**62)
        ),
        min_size=1,
        max_size=12,
    ),
    kind=st.sampled_from(_INT_KINDS),
)
def test_integer_columns_with_gaps_keep_every_digit(values, kind):
    """tags and migration classes of a nullable, Arrow or categorical
    integer column are those of the same Python ints."""
    if kind == "category":
        col = pd.Series(values, dtype="Int64").astype("category")
    elif kind == "int64[pyarrow]":
        import pyarrow as pa

        col = pd.Series(pd.array(values, dtype=pd.ArrowDtype(pa.int64())))
    else:
        col = pd.Series(values, dtype=kind)
    plain = pd.Series(values, dtype=object)
    assert custseg.tags_from_values(col).names == custseg.tags_from_values(plain).names
    want = sorted({str(x) for x in values if x is not None})
    assert sorted(custseg.tags_from_values(col).names) == want
    flipped = list(reversed(values))
    tm = custseg.transition_matrix(col, flipped)
    ref = custseg.transition_matrix(plain, flipped)
    assert tm.counts.equals(ref.counts)


# --------------------------------------------------------------------------
# relationship: a missing count of contacts of unknown kind


@pytest.mark.parametrize("odd", [math.nan, None, 1, 0])
def test_missing_unknown_count_without_a_sale(odd):
    facts = pd.DataFrame(
        {
            "first_sale": [None],
            "customer_contacts": [0],
            "days_to_follow_up": [math.nan],
            "suggestions": [0],
            "new_products": [0],
            "joint_projects": [0],
            "joint_span_days": [math.nan],
            "unknown_contacts": pd.Series([odd], dtype="Float64"),
        }
    )
    got = custseg.relationship_type(facts).to_numpy().tolist()
    assert got == (["no_sale"] if odd == 0 else ["unknown"])


# --------------------------------------------------------------------------
# time (audit 11 K)

zones = st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/Berlin", "UTC"])


@settings(max_examples=25, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(dt.datetime(2023, 1, 1), dt.datetime(2024, 3, 30)),
        min_size=1,
        max_size=8,
    ),
    zone=zones,
)
def test_aware_arrow_and_polars_dates_count_local_days(moments, zone):
    """An aware column as a bare Arrow array, a ChunkedArray or a Polars
    Series counts on the same local days as the pandas Series."""
    pl = pytest.importorskip("polars")
    local = pd.Series(pd.to_datetime(moments)).dt.tz_localize(
        zone, ambiguous="NaT", nonexistent="NaT"
    )
    local = local.dropna().reset_index(drop=True)
    if local.empty:
        return
    ids = [f"c{i % 3}" for i in range(len(local))]
    amounts = [1.0] * len(local)
    as_of = pd.Timestamp("2024-03-31 23:00", tz="UTC")  # converted to the zone
    want = custseg.summarize(ids, local, amounts, as_of=as_of)
    pa = pytest.importorskip("pyarrow")
    arrow = pa.array(local)
    for form in (arrow, pa.chunked_array([arrow]), pl.from_pandas(local)):
        got = custseg.summarize(ids, form, amounts, as_of=as_of)
        assert got.as_of == want.as_of
        assert got.recency_days.tolist() == want.recency_days.tolist()
        assert (got.last_purchase == want.last_purchase).all()


@pytest.mark.parametrize("value", ["2024-03", "2024", "2023-12"])
def test_months_and_years_name_no_day(value):
    """datetime64 months and years are refused (as the text '2024-03' is),
    as as_of and as a date column, never read as their first day."""
    with pytest.raises(custseg.InputError, match="names no day"):
        custseg.summarize([1], ["2024-02-10"], [1.0], as_of=np.datetime64(value))
    column = np.array([value], dtype=np.datetime64(value).dtype)
    with pytest.raises(custseg.InputError, match="name no day"):
        custseg.summarize([1], column, [1.0], as_of="2025-01-01")


@settings(max_examples=40, deadline=None)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
def test_as_of_read_two_ways_is_refused(day):
    """--as-of that ISO/YYYYMMDD and the column's format read as two days
    is refused naming both; one day either way is that day."""
    from custseg._files import parse_date_text

    for fmt, text in (
        ("%Y%d%m", day.strftime("%Y%d%m")),
        ("%Y-%d-%m", day.strftime("%Y-%d-%m")),
    ):
        try:
            standard = dt.date.fromisoformat(
                text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}"
            )
        except ValueError:
            standard = None
        if standard is None or standard == day:
            assert parse_date_text(text, "as_of", date_format=fmt).date() == day
        else:
            with pytest.raises(custseg.InputError) as err:
                parse_date_text(text, "as_of", date_format=fmt)
            assert str(day) in str(err.value) and str(standard) in str(err.value)


@pytest.mark.parametrize(
    "written,counted",
    [("2024-03-31T23:30+08:00", True), ("2024-04-01T00:30+08:00", False)],
)
def test_aware_contact_dates_on_their_local_day(written, counted):
    """Contacts with a UTC offset are read (no bare TypeError) and are after
    as_of by their local day, as contact_summary counts them."""
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2024-03-01", "2024-03-05"], "amount": 1.0}
    )
    contacts = pd.DataFrame(
        {
            "customer_id": ["a"],
            "date": [written],
            "initiator": ["company"],
            "kind": ["follow_up"],
        }
    )
    kw = {"contacts": contacts, "as_of": "2024-03-31", "edges": _EDGES}
    if counted:
        custseg.segment(tx, **kw)
    else:
        with pytest.raises(custseg.InputError, match="after as_of"):
            custseg.segment(tx, **kw)
        custseg.segment(tx, after_as_of="drop", **kw)


_EDGES = custseg.RfmEdges(
    custseg.ScoreEdges((30, 90, 180, 270)),
    custseg.ScoreEdges((1, 2, 4, 8)),
    custseg.ScoreEdges((50, 100, 500, 800)),
)


def test_date_messages():
    with pytest.raises(custseg.InputError, match="ISO ordinal"):
        custseg.summarize([1], ["2024-03-01"], [1.0], as_of="2024-091")
    with pytest.raises(custseg.InputError, match="only by summarize_frame"):
        custseg.summarize([1], ["20240331"], [1.0])


# --------------------------------------------------------------------------
# segment_history's inputs (audit 11 P5)


def test_history_reads_a_0d_date_and_needs_amounts():
    ids, dates, amounts = ["a", "b"], ["2024-01-03", "2024-01-20"], [1.0, 2.0]
    one = custseg.segment_history(ids, dates, amounts, np.array("2024-01-31"), bins=2)
    two = custseg.segment_history(ids, dates, amounts, "2024-01-31", bins=2)
    assert one.to_pandas().equals(two.to_pandas())
    with pytest.raises(custseg.InputError, match="'amount' is required"):
        custseg.segment_history(ids, dates, None, ["2024-01-31"])


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(10**6), 10**8).map(lambda c: c / 100),
            st.sampled_from([1e16, 1.0, 0.1]),
        ),
        min_size=1,
        max_size=20,
    ),
    st.randoms(use_true_random=False),
)
def test_pareto_total_is_order_free(values, rnd):
    """pareto_summary's total is the same whatever the row order (it was a
    plain sum in input order: 0.6 or 0.6000000000000001)."""
    values = [*values, 1.0]  # a positive total: a Lorenz curve
    shuffled = list(values)
    rnd.shuffle(shuffled)
    a, b = custseg.pareto_summary(values), custseg.pareto_summary(shuffled)
    assert a.total == b.total


def test_ids_that_are_not_utf8_reach_pandas():
    """Text ids holding a lone surrogate (a file decoded with
    surrogateescape) give frames, not a bare UnicodeEncodeError."""
    ids, dates, amounts = ["\ud800", "b"], ["2024-01-03", "2024-01-20"], [1.0, 2.0]
    assert set(custseg.summarize(ids, dates, amounts).to_pandas().index) == set(ids)
    btyd = custseg.btyd_summary(ids, dates, amounts, observation_end="2024-02-01")
    assert set(btyd.to_pandas().index) == set(ids)


def test_engine_explain_must_be_a_bool():
    from custseg.engines import compile_rules

    with pytest.raises(custseg.ThresholdError, match="'explain' must be True or False"):
        compile_rules(custseg.rules.preset("ecommerce"), explain="no")
