"""Audit 13 Y1: the reference day of an aware ``as_of`` does not depend on
the other rows.

Dates written with UTC offsets value by value (ISO text with ``+01:00``, a
list of datetimes with fixed offsets) name no zone: a Berlin log holds
``+01:00`` in winter and ``+02:00`` in summer. One offset alone was counted
as a zone (``as_of`` converted to it) and two as "several zones" (``as_of``
kept its wall time), so adding one summer row for another customer moved
everyone's reference day. Now such an ``as_of`` always keeps its own wall
time, as the CLI docs say of offsets; a column of one zone (its dtype, or
datetimes in one named zone) still converts it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

OFFSETS = st.integers(-12 * 4, 14 * 4).map(lambda q: dt.timedelta(minutes=15 * q))
MINUTES = st.integers(0, 60 * 24 * 3)


def _text(day: str, hour: int, offset: dt.timedelta) -> str:
    return pd.Timestamp(f"{day} {hour:02d}:00", tz=dt.timezone(offset)).isoformat()


@settings(max_examples=60, deadline=None)
@given(
    first=OFFSETS,
    other=OFFSETS,
    as_of_offset=OFFSETS,
    minutes=MINUTES,
    as_text=st.booleans(),
)
def test_aware_as_of_day_ignores_other_rows(
    first: dt.timedelta,
    other: dt.timedelta,
    as_of_offset: dt.timedelta,
    minutes: int,
    as_text: bool,
) -> None:
    a = _text("2024-10-28", 10, first)
    b = _text("2024-07-01", 10, other)
    moment = pd.Timestamp("2024-11-23T00:00", tz=dt.timezone(as_of_offset))
    moment += pd.Timedelta(minutes=minutes)
    as_of = moment.isoformat() if as_text else moment
    own_day = str(moment.date())  # its own wall-clock day
    one = custseg.summarize(["a"], [a], [10.0], as_of=as_of)
    two = custseg.summarize(["a", "b"], [a, b], [10.0, 5.0], as_of=as_of)
    assert str(one.as_of) == str(two.as_of) == own_day
    assert one.recency_days[0] == two.recency_days[0]
    d1 = custseg.due_contacts([a], 28, as_of, customer=["a"])
    d2 = custseg.due_contacts([a, b], 28, as_of, customer=["a", "b"])
    assert str(d1.as_of) == str(d2.as_of) == own_day
    assert ("a" in list(d1.customer)) == ("a" in list(d2.customer))


def test_the_audit_example() -> None:
    as_of = "2024-11-24T23:30:00Z"  # 00:30 on 25 November in Berlin
    one = custseg.due_contacts(["2024-10-28T10:00:00+01:00"], 28, as_of, customer=["a"])
    two = custseg.due_contacts(
        ["2024-10-28T10:00:00+01:00", "2024-07-01T10:00:00+02:00"],
        28,
        as_of,
        customer=["a", "b"],
    )
    assert str(one.as_of) == str(two.as_of) == "2024-11-24"


def test_a_named_zone_still_converts_as_of() -> None:
    """Dates in one named zone (a list of ZoneInfo datetimes, or a column of
    that zone) convert an aware as_of to it, with or without summer time in
    the data."""
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    winter = dt.datetime(2024, 10, 28, 10, tzinfo=berlin)
    summer = dt.datetime(2024, 7, 1, 10, tzinfo=berlin)
    as_of = "2024-11-24T23:30:00Z"
    for dates in ([winter], [winter, summer], pd.Series([winter, summer])):
        ids = ["a", "b"][: len(dates)]
        got = custseg.summarize(ids, dates, [10.0] * len(dates), as_of=as_of)
        assert str(got.as_of) == "2024-11-25"
