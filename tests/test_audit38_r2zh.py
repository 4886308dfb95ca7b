"""Audit 38, round 2 (zh downstream): segment(lang="zh") names every label
column custseg adds itself in Chinese, not relationship and present only.

Each test fails before its fix.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.frame import PRESENT_ZH
from custseg.lifecycle import _ZH_STAGES
from custseg.relationship import _ZH as RELATIONSHIP_ZH

pytestmark = pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")

#: rules of one's own that read relationship and present, and give no lifecycle
RULES = """format = 1
[fields]
relationship = { type = "category", values = ["basic", "reactive", "accountable", "proactive", "partnership", "no_sale", "unknown"], missing = true }
present = { type = "category", values = ["both", "transactions_only", "records_only"] }
[segments.rel]
rules = [
  { when = "relationship == 'basic'", label = "B" },
  { when = "present == 'records_only'", label = "R" },
]
default = "other"
translations.zh = { B = "乙", R = "档", other = "其他" }
"""


@functools.cache
def _rules():
    return custseg.rules.loads(RULES)


def _inputs(days):
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(days))],
            "date": [
                (pd.Timestamp("2024-12-31") - pd.Timedelta(days=d)).strftime("%Y-%m-%d")
                for d in days
            ],
            "amount": [5.0 + i for i in range(len(days))],
        }
    )
    contacts = pd.DataFrame(
        [("c0", "2024-12-01", "customer", "inquiry")],
        columns=["customer_id", "date", "initiator", "kind"],
    )
    records = pd.DataFrame({"customer_id": ["c0", "r9"], "vip": ["yes", "no"]})
    return tx, contacts, records


def _both(days):
    tx, contacts, records = _inputs(days)
    kw = {
        "records": records,
        "contacts": contacts,
        "rules": _rules(),
        "as_of": "2025-01-01",
    }
    en = custseg.segment(tx, **kw).customers
    zh = custseg.segment(tx, lang="zh", **kw).customers
    return en, zh


def test_segment_zh_own_rules_names_lifecycle_in_chinese_repro():
    """Rules of one's own (no lifecycle segmentation) with lang="zh": the
    lifecycle column custseg adds was in English (active, silent) beside
    relationship and present in Chinese (基本型, 交易与档案)."""
    en, zh = _both([3, 100, 200, 400])
    assert zh.loc["c0", "relationship"] == "基本型"
    assert zh.loc["c0", "lifecycle"] == "活跃期"
    assert zh["lifecycle"].cat.categories.tolist() == [
        _ZH_STAGES[c] for c in en["lifecycle"].cat.categories
    ]


@settings(max_examples=10, deadline=None)
@given(days=st.lists(st.integers(0, 900), min_size=1, max_size=6))
def test_segment_zh_every_spine_column_is_the_english_one_named(days):
    """Row by row, each column custseg adds itself is, in Chinese, the
    English run's label under its Chinese name; the class order, the
    ordering and the rules' outputs (read in English) are the same."""
    en, zh = _both(days)
    assert en.index.equals(zh.index)
    for column, names in (
        ("lifecycle", _ZH_STAGES),
        ("relationship", RELATIONSHIP_ZH),
        ("present", PRESENT_ZH),
    ):
        got, want = zh[column], en[column]
        assert got.cat.ordered == want.cat.ordered
        assert got.cat.categories.tolist() == [names[c] for c in want.cat.categories]
        assert got.cat.codes.tolist() == want.cat.codes.tolist()
        assert all(_has_han(c) for c in got.cat.categories), column
    rel = {"B": "乙", "R": "档", "other": "其他"}
    assert [rel[x] for x in en["rel"]] == zh["rel"].tolist()


def _has_han(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
