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


def _records_page(records: pd.DataFrame, **kw: object) -> str:
    tx = pd.DataFrame(
        {
            "customer_id": list(records["customer_id"]),
            "date": "2024-06-01",
            "amount": 10.0,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.report(tx, records=records, as_of="2024-07-01", **kw).html


@settings(max_examples=10, deadline=None)
@given(
    cities=st.lists(st.sampled_from(["Oslo", "Rome", "Lima"]), min_size=1, max_size=6),
    categorical=st.booleans(),
)
def test_records_columns_are_no_segments(cities: list[str], categorical: bool) -> None:
    """A records column gets no summary table, whatever its dtype (a
    Parquet dictionary reads as categorical, a CSV column as text): the
    page is the same either way, and has no segments section without
    rules."""
    ids = list(range(len(cities)))
    text = pd.DataFrame({"customer_id": ids, "city": cities})
    cat = text.assign(city=pd.Categorical(cities))
    page = _records_page(cat if categorical else text, charts=False)
    columns = re.findall(r'<div class="summary" data-column="([^"]+)"', page)
    assert "city" not in columns
    assert 'id="segments"' not in page
    other = _records_page(text if categorical else cat, charts=False)
    assert re.findall(r'<div class="summary" data-column="([^"]+)"', other) == columns


def test_a_migration_of_many_classes_gets_the_reports_note() -> None:
    """A records column of 70 classes in both runs: the migration chart's
    place says so in the page's words (in Chinese too), never the plotting
    function's advice about its parameter."""
    import pytest

    pytest.importorskip("matplotlib")
    ids = list(range(140))
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-06-01", "amount": 10.0})
    rec = pd.DataFrame(
        {"customer_id": ids, "city": pd.Categorical([f"city{i % 70}" for i in ids])}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        june = custseg.segment(tx, as_of="2024-07-01", records=rec)
    for lang, words in (
        ("en", "more than the 60 a chart shows"),
        ("zh", "超过图表可显示的 60 个"),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            page = custseg.report(
                tx, as_of="2024-08-01", records=rec, previous=june, lang=lang
            )
        notes = re.findall(r'<p class="chart-missing" role="note">(.*?)</p>', page.html)
        assert any(words in n for n in notes), notes
        assert not any("matrix" in n for n in notes), notes
