"""A seventh audit of the operational classifiers, as an analyst uses them.

- ``recommended_relationship`` banded numbers on any scale: a margin of 8
  (meaning 8%) with rate breaks ``(0.1, 0.3)`` was read as high, and
  negative numbers of customers as few.
- ``actions(recency_days=)`` kept a customer of unknown recency on the paid
  win-back of a class with a deadline (NaN compared as "not past it").
- ``segment_summary`` averaged negative recency days.
- ``transition_matrix`` matches classes across the two periods by name (the
  page said labels of two kinds are never one class: true within a period).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.migration import transition_matrix
from custseg.playbook import (
    RECENCY_UNKNOWN,
    STOPPED,
    actions,
    default_playbook,
    due_contacts,
)
from custseg.relationship import recommended_relationship
from custseg.segments import segment_summary

RATES = st.floats(-1.0, 1.0, allow_nan=False)
RATE_BREAKS = st.tuples(RATES, RATES).map(sorted).filter(lambda b: b[0] < b[1])


# --------------------------------------------------------------------------
# recommended_relationship: the scale of the numbers


@given(
    margins=st.lists(
        st.floats(-5.0, 1e6) | st.just(math.nan) | st.integers(-100, 10**6), min_size=1
    ),
    breaks=RATE_BREAKS,
)
def test_margins_above_one_with_rate_breaks_are_refused(
    margins: list[float], breaks: list[float]
) -> None:
    """With breaks within [-1, 1] (rates), a margin above 1 is refused,
    naming the first; margins up to 1 (and NaN: unknown) are banded."""
    n = [50] * len(margins)
    above = [i for i, m in enumerate(margins) if not math.isnan(m) and m > 1]
    if above:
        with pytest.raises(InputError) as info:
            recommended_relationship(
                n, margins, customers_breaks=(100, 1000), margin_breaks=tuple(breaks)
            )
        assert info.value.field == "margin"
        assert info.value.first_row == above[0]
        assert info.value.n_rows == len(above)
        assert "8% is 0.08" in str(info.value)
    else:
        got = recommended_relationship(
            n, margins, customers_breaks=(100, 1000), margin_breaks=tuple(breaks)
        )
        assert len(got) == len(margins)


def test_percent_margin_example() -> None:
    """The audit's example: 8 meant as 8% is refused; 0.08 is low, so few
    customers of low margin are `accountable`; breaks in percent band 8."""
    with pytest.raises(InputError, match=r"looks like a percentage"):
        recommended_relationship(
            [50], [8], customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
        )
    rate = recommended_relationship(
        [50], [0.08], customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
    )
    percent = recommended_relationship(
        [50], [8], customers_breaks=(100, 1000), margin_breaks=(10, 30)
    )
    assert rate.to_numpy().tolist() == percent.to_numpy().tolist() == ["accountable"]


@given(
    counts=st.lists(
        st.integers(-1000, 10**6) | st.floats(-1e6, 1e6) | st.just(math.nan), min_size=1
    )
)
def test_customer_counts_are_not_negative(counts: list[float]) -> None:
    """Numbers of customers are >= 0 (fractions: averages; NaN: unknown);
    negative ones are refused naming the first, never banded as few."""
    bad = [i for i, c in enumerate(counts) if not math.isnan(c) and c < 0]
    margins = [0.2] * len(counts)
    if bad:
        with pytest.raises(InputError) as info:
            recommended_relationship(
                counts, margins, customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
            )
        assert (info.value.field, info.value.first_row) == ("n_customers", bad[0])
        assert info.value.n_rows == len(bad)
    else:
        got = recommended_relationship(
            counts, margins, customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
        ).to_numpy()
        unknown = [math.isnan(c) for c in counts]
        assert [g == "unknown" for g in got] == unknown


# --------------------------------------------------------------------------
# actions: unknown recency in a class with a deadline

STAGES = ["new", "active", "silent", "sleeping", "lost", None]


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(STAGES),
            st.none() | st.floats(0, 2_000, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_unknown_recency_is_its_own_state(
    rows: list[tuple[str | None, float | None]],
) -> None:
    """In a class with a win-back deadline, a missing recency is neither the
    win-back (with its cadence) nor a stop: the check text, no cadence, no
    channel, counted by ``unchecked``; never due. Known recencies are as
    before: stopped from the deadline on, else the class's action."""
    labels = [r[0] for r in rows]
    recency = [np.nan if r[1] is None else r[1] for r in rows]
    pb = default_playbook("lifecycle")
    plan = actions(labels, pb, recency_days=recency)
    df = plan.to_pandas()
    expect_unknown = []
    for i, (label, days) in enumerate(zip(labels, recency, strict=True)):
        found = None if label is None else pb.action_for(label)
        deadline = None if found is None else found.deadline_days
        unknown = deadline is not None and math.isnan(days)
        expect_unknown.append(unknown)
        if unknown:
            assert df["action"].iloc[i] == RECENCY_UNKNOWN
            assert pd.isna(df["channel"].iloc[i])
            assert math.isnan(plan.cadence_days[i])
        elif deadline is not None and days >= deadline:
            assert df["action"].iloc[i] == STOPPED
            assert math.isnan(plan.cadence_days[i])
        elif found is not None:
            assert df["action"].iloc[i] == found.action
            assert plan.cadence_days[i] == (found.cadence_days or np.nan) or (
                found.cadence_days is None and math.isnan(plan.cadence_days[i])
            )
    assert plan.unchecked == sum(expect_unknown)
    due = due_contacts([None] * len(rows), plan, "2024-12-28")
    assert not any(expect_unknown[r] for r in due.row)
    assert ("unknown recency" in repr(plan)) == any(expect_unknown)


def test_unknown_recency_in_chinese_and_without_recency() -> None:
    """The check text in Chinese; without recency_days every customer of a
    class with a deadline is unchecked, with a CustsegWarning (audit 9, F3:
    was silently kept on the paid win-back)."""
    import warnings

    from custseg.errors import CustsegWarning

    pb = default_playbook("lifecycle")
    plan = actions(["lost"], pb, recency_days=[float("nan")], lang="zh")
    assert plan.to_pandas()["action"].iloc[0] == "待核实:最近消费未知,无法判断挽回期限"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = actions(["lost", "lost"], pb)
    assert [w.category for w in caught] == [CustsegWarning]
    assert plan.unchecked == 2
    assert np.isnan(plan.cadence_days).all()


def test_cli_due_says_how_many_were_not_checked(
    tmp_path: object, capsys: object
) -> None:
    """``custseg due`` prints the count of customers whose deadline it could
    not check, and does not list them as due."""
    from pathlib import Path

    from custseg.cli import main

    folder = Path(str(tmp_path))
    (folder / "c.csv").write_text(
        "customer_id,lifecycle,recency_days\nc1,lost,100\nc2,lost,\nc3,lost,400\n",
        encoding="utf-8",
    )
    out = folder / "due.csv"
    code = main(
        [
            "due",
            str(folder / "c.csv"),
            "--class-column",
            "lifecycle",
            "--playbook",
            "lifecycle",
            "--as-of",
            "2024-12-28",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "1 customer of a class with a win-back deadline has no recency" in printed
    due = pd.read_csv(out, dtype=str)
    assert due["customer_id"].tolist() == ["c1"]


# --------------------------------------------------------------------------
# segment_summary: negative recency


@given(
    recency=st.lists(
        st.floats(-1_000, 1_000, allow_nan=False) | st.none(), min_size=1, max_size=20
    )
)
def test_segment_summary_refuses_negative_recency(recency: list[float | None]) -> None:
    """A negative recency (a last purchase after the reference day) is
    refused naming the first; NaN (no purchase) and >= 0 are summarised."""
    values = [np.nan if r is None else r for r in recency]
    facts = pd.DataFrame(
        {"recency_days": values, "frequency": [1] * len(values), "monetary": 1.0}
    )
    labels = ["a"] * len(values)
    bad = [i for i, r in enumerate(values) if r < 0]
    if bad:
        with pytest.raises(InputError) as info:
            segment_summary(labels, facts)
        assert (info.value.field, info.value.first_row) == ("recency_days", bad[0])
        assert info.value.n_rows == len(bad)
    else:
        got = segment_summary(labels, facts)
        assert got.loc["a", "customers"] == len(values)


# --------------------------------------------------------------------------
# transition_matrix: by name across the periods, kinds within one


@given(pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1))
def test_periods_of_two_kinds_match_by_name(pairs: list[tuple[int, int]]) -> None:
    """Integers before and their text after (a period read back from a CSV
    file) count as the same classes, as integers on both sides do; within
    one period two kinds stay refused."""
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    ref = transition_matrix(before, after)
    got = transition_matrix(before, [str(a) for a in after])
    pd.testing.assert_frame_equal(got.counts, ref.counts)
    assert got.stayed == ref.stayed
    with pytest.raises(InputError, match="different types"):
        transition_matrix([*before, "0"], [*after, 0])
