"""Audit 36, history: segment_history and the comparison of two runs.

1. ``segment_history`` always counted purchase rows: edges and rules taken
   from a ``segment(..., frequency="days")`` run were applied to counts of
   rows, so at the run's own date customers got other F scores (and rfm8
   classes) than the run gave them, with no way to ask for days. It now
   takes ``frequency=`` as ``summarize`` does.
2. ``custseg migrate`` and ``custseg report --previous`` matched ids that
   are floats past 2**53 (a Parquet double column) with the other run's
   integer or text ids as text: the customer 9007199254740993, stored as
   the double 9007199254740992, counted as gone and as new (or as another
   customer). They are now refused as ``transition_matrix`` refuses them.
3. ``segment_history`` took a dict of dates for its keys, and a set in
   whatever order Python iterates it; both are now a ``ThresholdError``.
4. ``segment_history`` fitted the rules' aggregates on its own first date
   and took none: a history continuing a run labelled its rfm8 types at
   other means than ``run.apply`` did. It now takes ``aggregates=``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError, ThresholdError
from custseg.cli import main
from custseg.datasets import simulate_transactions
from custseg.migration import segment_history

FAST = settings(max_examples=40, deadline=None, database=None)
FACTS = ("customer_id", "recency_days", "frequency", "monetary", "tenure_days")
MONTHS = ["2024-01-10", "2024-01-20", "2024-01-31"]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    na, nb = pd.isna(a), pd.isna(b)
    return bool((na == nb).all() and (a[~na] == b[~nb]).all())


@st.composite
def logs(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 25))
    ids = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    hours = draw(st.lists(st.integers(0, 31 * 24 - 1), min_size=n, max_size=n))
    amounts = draw(
        st.lists(
            st.sampled_from([5.0, 0.0, -2.5, 1 / 3, 12.25]), min_size=n, max_size=n
        )
    )
    zone = draw(st.sampled_from([None, "UTC", "Asia/Tokyo", "America/New_York"]))
    dates = pd.Timestamp("2024-01-01", tz=zone) + pd.to_timedelta(hours, unit="h")
    out: dict[str, object] = {
        "customer_id": ids,
        "date": pd.Series(dates),
        "amount": amounts,
        "zero_amount": draw(st.sampled_from(["purchase", "ignore"])),
    }
    if draw(st.booleans()):  # order lines: orders may span the dates
        out["order_id"] = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    return out


@FAST
@given(logs())
def test_history_of_purchase_days_is_summarize_at_each_date(
    log: dict[str, object],
) -> None:
    """At every date the facts are summarize(..., frequency="days")'s."""
    # a first date with a purchase: edges given, so any log will do
    edges = custseg.RfmEdges(
        custseg.ScoreEdges((10.0,)),
        custseg.ScoreEdges((1.0,)),
        custseg.ScoreEdges((5.0,)),
    )
    h = segment_history(**log, as_of_dates=MONTHS, edges=edges, frequency="days")
    for k, day in enumerate(MONTHS):
        want = custseg.summarize(**log, as_of=day, after_as_of="drop", frequency="days")
        for name in FACTS:
            assert _same(getattr(h.facts[k], name), getattr(want, name)), (day, name)


@functools.cache
def _days_run() -> tuple[pd.DataFrame, custseg.SegmentResult]:
    """300 simulated customers and an ecommerce run of purchase days on
    their rows up to 31 March 2024 (shared: neither is changed)."""
    tx = simulate_transactions(300, seed=3)
    first = custseg.segment(
        tx[tx.date < "2024-04-01"],
        preset="ecommerce",
        as_of="2024-03-31",
        frequency="days",
    )
    return tx, first


def test_history_continues_a_run_of_purchase_days() -> None:
    """The repro: the run's edges and rules, at the run's own date, give
    the run's scores and labels when its frequency is passed on."""
    tx, first = _days_run()
    h = segment_history(
        tx.customer_id,
        tx.date,
        tx.amount,
        ["2024-03-31", "2024-06-30"],
        edges=first.edges,
        rules=first.rules,
        frequency=first.settings["frequency"],
    )
    got = h.to_pandas().xs(pd.Timestamp("2024-03-31"))
    want = first.customers.loc[got.index]
    assert (got["frequency"] == want["frequency"]).all()
    for column in ("f", "rfm8", "rfm11", "lifecycle", "status"):
        assert (got[column].astype(str) == want[column].astype(str)).all(), column


def test_history_frequency_days_repro_and_names() -> None:
    visits = {
        "customer_id": ["ann", "ann", "bob", "ann"],
        "date": ["2024-01-05T10:00", "2024-01-05T16:00", "2024-01-09", "2024-02-02"],
        "amount": [10.0, 20.0, 15.0, 5.0],
        "as_of_dates": ["2024-01-31", "2024-02-29"],
        "bins": 2,
    }
    rows = segment_history(**visits).to_pandas()["frequency"].tolist()
    assert (
        rows
        == segment_history(**visits, frequency="rows").to_pandas()["frequency"].tolist()
    )
    assert rows == [2, 1, 3, 1]
    days = segment_history(**visits, frequency="days").to_pandas()
    assert days["frequency"].tolist() == [1, 1, 2, 1]
    with pytest.raises(ThresholdError, match="frequency"):
        segment_history(**visits, frequency="visits")


# --------------------------------------------------------------------------
# 2. float ids past 2**53 beside integer or text ids


def _run(path: object, ids: list[object], classes: list[str]) -> None:
    pd.DataFrame({"customer_id": ids, "lifecycle": classes}).to_parquet(path)


@pytest.mark.parametrize("before_ids", ["int", "text", "csv"])
def test_migrate_refuses_float_ids_past_2_53(
    tmp_path: object, before_ids: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyarrow")
    big = 2**53 + 1  # stored as a double it is 2**53
    after = tmp_path / "after.parquet"  # type: ignore[operator]
    _run(after, [7.0, float(big)], ["active", "lost"])
    if before_ids == "csv":
        before = tmp_path / "before.csv"  # type: ignore[operator]
        before.write_text(f"customer_id,lifecycle\n7,active\n{big},active\n")
    else:
        before = tmp_path / "before.parquet"  # type: ignore[operator]
        ids: list[object] = [7, big] if before_ids == "int" else ["7", str(big)]
        _run(before, ids, ["active", "active"])
    code = main(["migrate", str(before), str(after)])
    err = capsys.readouterr().err
    assert code != 0
    assert "floats past 2**53" in err and "after.parquet" in err
    assert "9007199254740992" in err
    # floats beside floats pair float by float, as in transition_matrix
    floats = tmp_path / "floats.parquet"  # type: ignore[operator]
    _run(floats, [float(big), 7.0], ["lost", "active"])
    assert main(["migrate", str(floats), str(after)]) == 0
    assert "2 in both runs, 0 new, 0 gone" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")  # two customers
def test_report_previous_refuses_float_ids_past_2_53(tmp_path: object) -> None:
    pytest.importorskip("pyarrow")
    big = 2**53 + 1
    tx = pd.DataFrame(
        {
            "customer_id": [big, 7, 7],
            "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-03-01"]),
            "amount": [5.0, 6.0, 7.0],
        }
    )
    previous = tmp_path / "prev.parquet"  # type: ignore[operator]
    pd.DataFrame(
        {
            "customer_id": [7.0, float(big)],
            "lifecycle": ["active", "active"],
        }
    ).to_parquet(previous)
    with pytest.raises(InputError, match=r"floats past 2\*\*53"):
        custseg.report(
            tx,
            preset="ecommerce",
            as_of="2024-03-31",
            previous=str(previous),
            charts=False,
        )


# --------------------------------------------------------------------------
# 3. as_of_dates in no order


@pytest.mark.parametrize(
    "dates",
    [{"2024-01-31": 1}, {"2024-01-31", "2024-02-29"}, frozenset(["2024-01-31"])],
    ids=["dict", "set", "frozenset"],
)
def test_history_refuses_dates_in_no_order(dates: object) -> None:
    """A dict's keys were taken for the dates in silence; a set's order is
    Python's hashing, so the dates' check failed or passed by chance."""
    with pytest.raises(ThresholdError, match="list of dates in order"):
        segment_history(["a"], ["2024-01-01"], [1.0], dates, bins=2)


# --------------------------------------------------------------------------
# 4. an earlier run's aggregates


def test_history_with_a_runs_aggregates_labels_as_apply() -> None:
    """edges, rules, aggregates and frequency of a run: each date of the
    history is labelled as run.apply(the rows up to it, as_of=it)."""
    tx, first = _days_run()
    months = ["2024-06-30", "2024-12-31"]
    h = segment_history(
        tx.customer_id,
        tx.date,
        tx.amount,
        months,
        edges=first.edges,
        rules=first.rules,
        aggregates=first.aggregates,
        frequency="days",
    )
    assert h.aggregates == first.aggregates
    for k, day in enumerate(months):
        rows = tx[tx.date < pd.Timestamp(day) + pd.Timedelta(days=1)]
        want = first.apply(rows, as_of=day).customers
        got = h.to_pandas().xs(pd.Timestamp(day)).loc[want.index]
        for column in h.labels[k]:
            assert (got[column].astype(str) == want[column].astype(str)).all(), (
                day,
                column,
            )


def test_history_checks_the_aggregates_given() -> None:
    tx = simulate_transactions(50, seed=1)
    rs = custseg.rules.load("ecommerce")
    call = (tx.customer_id, tx.date, tx.amount, ["2024-06-30"])
    with pytest.raises(ThresholdError, match="'aggregates' needs rules"):
        segment_history(*call, aggregates={"x": 1.0})
    with pytest.raises(InputError, match="which these rules do not read"):
        segment_history(*call, rules=rs, aggregates={"x": 1.0})
    key = rs.aggregate_keys()[0]
    with pytest.raises(InputError, match="not a finite number"):
        segment_history(*call, rules=rs, aggregates={key: float("inf")})
