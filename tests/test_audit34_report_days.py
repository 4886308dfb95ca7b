"""The report's summary tables title what F counts.

Before: with ``frequency="days"`` the summary tables' "orders", "avg order"
and "mean orders" columns held purchase days (three purchases on one day
were one "order"), titled as orders whatever F counted. Now those three
are titled "purchase days", "spend per day" and "mean days" (in Chinese
too) when F counts days, and as before otherwise.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

_DAYS = ("purchase days", "spend per day", "mean days")
_ORDERS = ("orders", "avg order", "mean orders")


def _headers(html: str, table: str) -> list[str]:
    found = re.search(rf'<table[^>]*id="{re.escape(table)}".*?</thead>', html, re.S)
    assert found is not None, table
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r"<th[^>]*>.*?</th>", found.group(0), re.S)
    ]


def _page(tx: pd.DataFrame, **kw: object) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.report(tx, as_of="2024-07-01", charts=False, **kw).html


def test_the_reported_days() -> None:
    """Three purchases on 1 June and one on 2 June: two purchase days."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "date": [
                "2024-06-01 09:00",
                "2024-06-01 12:00",
                "2024-06-01 18:00",
                "2024-06-02",
            ],
            "amount": [10.0, 20.0, 30.0, 60.0],
        }
    )
    heads = _headers(_page(tx, frequency="days"), "summary-lifecycle")
    assert all(h in heads for h in _DAYS), heads
    assert not any(h in heads for h in _ORDERS), heads
    heads = _headers(_page(tx), "summary-lifecycle")
    assert all(h in heads for h in _ORDERS), heads
    zh = _headers(_page(tx, frequency="days", lang="zh"), "summary-lifecycle")
    assert "购买天数" in zh and "订单数" not in zh, zh


@settings(max_examples=15, deadline=None)
@given(
    frequency=st.sampled_from(["days", "transactions", "rows"]),
    days=st.lists(st.integers(1, 5), min_size=1, max_size=8),
)
def test_every_summary_table_titles_what_f_counts(
    frequency: str, days: list[int]
) -> None:
    """Every summary table of the page (lifecycle, ABC, ...) has the
    titles of what F counts, never the other's."""
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i % 3}" for i in range(len(days))],
            "date": [f"2024-06-0{d}" for d in days],
            "amount": [10.0 + i for i in range(len(days))],
        }
    )
    html = _page(tx, frequency=frequency)
    tables = re.findall(r'<table[^>]*id="(summary-[^"]+)"', html)
    assert tables
    want, other = (_DAYS, _ORDERS) if frequency == "days" else (_ORDERS, _DAYS)
    for table in tables:
        heads = _headers(html, table)
        assert all(h in heads for h in want), (table, heads)
        assert not any(h in heads for h in other), (table, heads)
