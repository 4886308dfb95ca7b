"""An aware reference day given in another zone than aware dates is read in
the dates' zone everywhere: the command line's ``--after-as-of drop`` check
and ``SegmentHistory``'s ``at`` (as the core's ``as_of`` is); with text
dates carrying UTC offsets (no zone), it keeps its own wall-clock day."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg import segment_history
from custseg.cli import main

offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: dt.timedelta(minutes=15 * q))
minutes = st.integers(0, 3 * 24 * 60 - 1)


def _local_day(instant: pd.Timestamp, zone: dt.tzinfo) -> dt.date:
    return instant.tz_convert(zone).date()


@settings(max_examples=60, deadline=None)
@example(  # rows at 03:00 and 05:00 on 2 April in Shanghai, as_of 20:00Z 1 April
    offset=dt.timedelta(hours=8),
    row_minutes=[19 * 60, 21 * 60],
    as_of_minutes=20 * 60,
    kind="parquet",
)
@example(
    offset=dt.timedelta(hours=8),
    row_minutes=[19 * 60, 21 * 60],
    as_of_minutes=20 * 60,
    kind="csv",
)
@given(
    offset=offsets,
    row_minutes=st.lists(minutes, min_size=1, max_size=4),
    as_of_minutes=minutes,
    kind=st.sampled_from(["parquet", "csv"]),
)
def test_cli_drop_check_reads_as_of_in_the_dates_zone(
    offset: dt.timedelta, row_minutes: list[int], as_of_minutes: int, kind: str
) -> None:
    """The command line refuses '--as-of leaves no transactions' exactly when
    no transaction's day is on or before the --as-of day: for a Parquet
    timestamp column with a zone, the days and the --as-of instant's day in
    that zone; for text with UTC offsets (which name no zone, even when every
    row has the same one), each date's written day and --as-of's own
    wall-clock day."""
    if kind == "parquet":
        pytest.importorskip("pyarrow")
    zone = dt.timezone(offset)
    start = pd.Timestamp("2024-04-01T00:00Z")
    instants = [start + pd.Timedelta(minutes=m) for m in row_minutes]
    as_of = start + pd.Timedelta(minutes=as_of_minutes)
    # text "...Z": --as-of's own wall-clock day, UTC's
    as_of_day = _local_day(as_of, zone) if kind == "parquet" else as_of.date()
    kept = [t for t in instants if _local_day(t, zone) <= as_of_day]
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame(
            {
                "customer_id": [f"c{i}" for i in range(len(instants))],
                "date": [t.tz_convert(zone) for t in instants],
                "amount": [10.0] * len(instants),
            }
        )
        if kind == "parquet":
            path = Path(tmp) / "tx.parquet"
            frame.to_parquet(path)
        else:
            path = Path(tmp) / "tx.csv"
            frame.assign(
                date=[t.tz_convert(zone).isoformat() for t in instants]
            ).to_csv(path, index=False)
        out = Path(tmp) / "out.csv"
        status = main(
            [
                "segment",
                str(path),
                "--as-of",
                as_of.strftime("%Y-%m-%dT%H:%MZ"),
                "--after-as-of",
                "drop",
                "--bins",
                "2",
                "--output",
                str(out),
            ]
        )
        assert status == (0 if kept else 2)
        if kept:
            written = pd.read_csv(out, dtype={"customer_id": str})
            buyers = written.loc[written["frequency"] > 0, "customer_id"]
            want = [f"c{i}" for i, t in enumerate(instants) if t in kept]
            assert sorted(buyers) == sorted(want)


@settings(max_examples=30, deadline=None)
@given(offset=offsets, cut_minutes=st.lists(minutes, min_size=1, max_size=3))
def test_history_at_reads_an_aware_date_in_the_dates_zone(
    offset: dt.timedelta, cut_minutes: list[int]
) -> None:
    """Each aware as_of date passed again as ``at`` finds its own position,
    whatever zone it is written in."""
    zone = dt.timezone(offset)
    start = pd.Timestamp("2024-04-01T00:00Z")
    cuts = sorted(start + pd.Timedelta(minutes=m) for m in cut_minutes)
    days = [_local_day(c, zone) for c in cuts]
    if len(set(days)) != len(days):  # as_of dates must be distinct days
        return
    # a column of one zone (its dtype); offsets value by value name none
    dates = pd.Series([pd.Timestamp("2024-03-01T12:00", tz=zone)] * 2)
    h = segment_history(
        ["a", "b"], dates, [5.0, 7.0], [c.isoformat() for c in cuts], bins=2
    )
    assert h.zone is not None
    assert [str(d) for d in h.as_of] == [str(d) for d in days]
    for k, c in enumerate(cuts):
        assert h._position(c.isoformat()) == k
        assert h._position(c.to_pydatetime()) == k
        # its scores at that date are the ones of position k
        got = h.classes("f", c.isoformat()).to_numpy().tolist()
        assert got == h.classes("f", k).to_numpy().tolist()


def test_naive_history_has_no_zone() -> None:
    h = segment_history([1], ["2024-01-05"], [1.0], ["2024-01-31"], bins=2)
    assert h.zone is None
    assert h._position("2024-01-31") == 0
    with pytest.raises(Exception, match="one of the as_of dates"):
        h._position(np.datetime64("2024-01-30"))
