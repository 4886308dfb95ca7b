"""Audit 39, round 2 (r2rules): tables' ``missing_rules`` and rules check.

1. The presets' ``lifecycle`` and ``care_phase`` called a customer whose
   frequency is missing too (a file that extends a preset and declares
   ``frequency = { missing = true }``) ``no_purchase``: their missing rule
   ``frequency != 0`` is unknown there, so the ``missing`` label applied.
   ``lifecycle_stage(frequency=)`` / ``care_phase(frequency=)`` and the
   ``status`` segmentation say ``unknown``; so do the presets now.
2. ``rules check`` did not analyse ``missing_rules`` at all: a missing rule
   that can never match (it reads the table's own field, always missing on
   its rows, or a contradiction), one earlier missing rules always take, and
   missing rules of a field that is never missing all passed ``--strict``.
3. ``missing_rules = []`` (a file that extends a preset dropping its missing
   rules) was refused with "needs 'missing_rules', a list of ...": it is
   now no missing rules, and the preset's translations of the labels it
   drops go without a word.
"""

from __future__ import annotations

import math

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.frame import apply_rules

_MISSING_FREQUENCY = """format = 1
extends = "base"
[fields]
frequency = { missing = true }
"""

_NAN = float("nan")


def _frame(recency: list[float], tenure: list[float], frequency: list[float]):
    n = len(recency)
    none = pd.array([None] * n, dtype="Int64")
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "recency_days": np.asarray(recency, dtype=float),
            "frequency": np.asarray(frequency, dtype=float),
            "monetary": np.zeros(n),
            "tenure_days": np.asarray(tenure, dtype=float),
            "r": none,
            "f": none,
            "m": none,
        }
    )


# ---------------------------------------------------------------- finding 1


def test_missing_frequency_is_unknown_not_no_purchase() -> None:
    rs = rules.loads(_MISSING_FREQUENCY)
    df = _frame([_NAN, _NAN, _NAN], [_NAN, _NAN, _NAN], [_NAN, 0.0, 2.0])
    out = apply_rules(df, rs)
    assert list(out["lifecycle"]) == ["unknown", "no_purchase", "unknown"]
    assert list(out["care_phase"]) == ["unknown", "no_purchase", "unknown"]
    zh = apply_rules(df, rs, lang="zh")
    assert list(zh["lifecycle"]) == ["未知", "未购买", "未知"]


# the presets' lifecycle has a gone stage from 365 days
_WINDOWS = custseg.LifecycleWindows(
    breaks=(90, 180, 270, 365),
    labels=("active", "silent", "sleeping", "lost", "gone"),
)
_days = st.one_of(st.just(_NAN), st.integers(0, 500).map(float))
_counts = st.one_of(st.just(_NAN), st.integers(0, 4).map(float))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(_days, st.integers(0, 400), _counts), min_size=1, max_size=6))
def test_presets_agree_with_lifecycle_functions(rows) -> None:
    """The preset's lifecycle and care_phase are lifecycle_stage and
    care_phase with frequency=, whatever is missing."""
    recency = [r for r, _, _ in rows]
    tenure = [_NAN if math.isnan(r) else r + extra for r, extra, _ in rows]
    frequency = [f for _, _, f in rows]
    out = apply_rules(
        _frame(recency, tenure, frequency), rules.loads(_MISSING_FREQUENCY)
    )
    stage = custseg.lifecycle_stage(recency, _WINDOWS, frequency=frequency)
    phase = custseg.care_phase(tenure, frequency=frequency)
    assert list(out["lifecycle"]) == list(stage)
    assert list(out["care_phase"]) == list(phase)


def test_missing_frequency_engines_agree() -> None:
    pl = pytest.importorskip("polars")
    rs = rules.loads(_MISSING_FREQUENCY)
    df = _frame([_NAN, _NAN, 10.0], [_NAN, _NAN, 20.0], [_NAN, 0.0, 1.0])
    out = apply_rules(pl.from_pandas(df), rs, output="pandas")
    assert list(out["lifecycle"]) == ["unknown", "no_purchase", "active"]
    assert list(out["care_phase"]) == ["unknown", "no_purchase", "recommend"]


# ---------------------------------------------------------------- finding 2

_HEAD = """format = 1
[fields]
x = { type = "number", missing = true }
y = { type = "number", missing = true }
[tables.t]
field = "x"
breaks = [1]
labels = ["a", "b"]
missing = "m"
"""


def _warnings(text: str) -> list[tuple[str, int, int, str]]:
    return [
        (d.code, d.line, d.column, d.message)
        for d in rules.check(text, text=True)
        if d.severity != "info"
    ]


@pytest.mark.parametrize(
    ("when", "column"),
    [("x > 1", 41), ("y > 1 and y < 0", 41), ("missing(y) and y > 0", 41)],
)
def test_missing_rule_that_never_matches(when: str, column: int) -> None:
    text = _HEAD + f'missing_rules = [{{ label = "u", when = "{when}" }}]\n'
    got = _warnings(text)
    assert [(c, line, col) for c, line, col, _ in got] == [
        ("never-matches", 10, column)
    ]
    assert "missing rules of table 't'" in got[0][3]


def test_missing_rule_never_reached() -> None:
    text = (
        _HEAD + 'missing_rules = [{ label = "u", when = "y > 1" }, '
        '{ label = "v", when = "y > 2" }]\n'
    )
    assert [(c, line, col) for c, line, col, _ in _warnings(text)] == [
        ("unreachable", 10, 74)
    ]


def test_missing_rules_of_a_field_never_missing() -> None:
    text = _HEAD.replace(
        'x = { type = "number", missing = true }', 'x = { type = "number" }'
    ) + ('missing_rules = [{ label = "u", when = "y > 1" }]\n')
    got = _warnings(text)
    assert [(c, line, col) for c, line, col, _ in got] == [("never-matches", 10, 1)]
    assert "'x' is never missing" in got[0][3]


def test_extending_file_makes_preset_missing_rules_dead() -> None:
    text = (
        'format = 1\nextends = "base"\n[fields]\nrecency_days = { missing = false }\n'
    )
    got = [w for w in _warnings(text) if "missing rules" in w[3]]
    assert [(c, line) for c, line, _, _ in got] == [("never-matches", 4)]


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=30, deadline=None)
@given(st.integers(-3, 3), st.integers(-3, 3))
def test_second_missing_rule_reached_iff_it_adds_rows(a: int, b: int) -> None:
    """`y > a` after `y > b` is never reached exactly when a >= b; no
    missing rule reading y alone never matches."""
    text = (
        _HEAD + f'missing_rules = [{{ label = "u", when = "y > {b}" }}, '
        f'{{ label = "v", when = "y > {a}" }}]\n'
    )
    codes = [c for c, _, _, _ in _warnings(text)]
    assert codes == (["unreachable"] if a >= b else [])


def test_presets_check_clean() -> None:
    for name in ("base", "ecommerce", "furniture"):
        assert _warnings(custseg.rules.preset_text(name)) == []


# ---------------------------------------------------------------- finding 3


def test_empty_missing_rules_drop_the_preset_ones() -> None:
    text = 'format = 1\nextends = "base"\n[tables.lifecycle]\nmissing_rules = []\n'
    assert [d for d in rules.check(text, text=True) if d.severity != "info"] == []
    rs = rules.loads(text)
    assert rs.tables["lifecycle"].missing_rules == ()
    df = _frame([_NAN, _NAN], [_NAN, _NAN], [1.0, 0.0])
    out = apply_rules(df, rs, lang="zh")
    assert list(out["lifecycle"]) == ["未购买", "未购买"]
    assert "unknown" not in rs.tables["lifecycle"].names


# ---------------------------------------------------------------- finding 4


def _errors(text: str) -> list[tuple[int, int, str]]:
    return [
        (d.line, d.column, d.message)
        for d in rules.check(text, text=True)
        if d.severity == "error"
    ]


def test_missing_rule_label_errors_at_the_label() -> None:
    """A missing rule's label that is an interval's, or reads as one, is an
    error at that label, numbered from 1 as the other rule messages."""
    clash = _HEAD + 'missing_rules = [{ label = "b", when = "y > 1" }]\n'
    assert _errors(clash) == [
        (
            10,
            20,
            "the label 'b' of missing rule 1 of table 't' is also the label "
            "of an interval",
        )
    ]
    alike = _HEAD + 'missing_rules = [{ label = "ｍ", when = "y > 1" }]\n'
    assert [(line, col) for line, col, _ in _errors(alike)] == [(10, 20)]
