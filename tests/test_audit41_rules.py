"""Audit 41 (rules): ``rules check``'s analysis of the rules DSL.

1. A rule list that reads a score and its fact (``r`` and
   ``recency_days``) counted a known score beside a missing fact as a case
   a run gives, though a run (``apply_rules``, ``segment``) scores a
   missing fact as missing: ``r == 5 and missing(recency_days)`` passed
   ``--strict`` and never matched. It is now ``never-matches`` ("in a run").
   So is a known score beside a ``frequency`` of 0 or a missing one (a run
   scores buyers only).
2. An ``in`` (or ``not in``) list wholly outside its field's ``min`` and
   ``max`` inside a condition that can still match through another part of
   an ``or`` was not ``never-true``, as the same comparison by ``==`` is.
3. A dead comparison in a derived value was warned once for every rule
   that reads the value; it is warned once, at the first such rule.
4. The ``missing_rules`` of a table on ``monetary / frequency`` (the
   documented average basket) were ``not-analysed`` when ``monetary`` is a
   plain ``number`` (no integer bounds): one division is missing where an
   operand is or both are 0, which the operands' signs decide.
5. An unknown name that only looks like a declared one (``frеquency`` with
   a Cyrillic ``е``) was reported as ``unknown name 'frеquency'`` with
   ``did you mean 'frequency'?``: two names that print alike. It now names
   the code points (``(U+0435)``); a Chinese name is shown as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.frame import apply_rules


def _codes(text: str) -> list[tuple[str, int, int, str]]:
    return [
        (d.code, d.line, d.column, d.message)
        for d in rules.check(text, text=True)
        if d.severity != "info"
    ]


# ---------------------------------------------------------------- finding 1

_SCORED = """format = 1
[fields]
recency_days = { type = "number", min = 0, missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
[scores]
r = { edges = [30, 90, 180, 270] }
[segments.s]
default = "d"
rules = [ { label = "a", when = "%s" } ]
"""


def test_known_score_beside_missing_fact_never_matches_in_a_run() -> None:
    text = _SCORED % "r == 5 and missing(recency_days)"
    found = _codes(text)
    assert [(c, line) for c, line, *_ in found] == [("never-matches", 9)]
    assert "a missing recency_days leaves r missing" in found[0][3]
    # and a run agrees: the rule takes no row
    facts = pd.DataFrame({"recency_days": [np.nan, 10.0], "r": [5, 5]})
    assert list(apply_rules(facts, rules.loads(text))["s"]) == ["d", "d"]
    # a missing score beside a missing fact is a case of a run
    assert _codes(_SCORED % "missing(r) and missing(recency_days)") == []
    assert _codes(_SCORED % "r == 5 or missing(recency_days)") == []


def test_known_score_of_a_non_buyer_never_matches_in_a_run() -> None:
    text = """format = 1
[fields]
frequency = { type = "integer", min = 0, missing = true }
recency_days = { type = "number", min = 0, missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
[scores]
r = { edges = [30, 90, 180, 270] }
[segments.s]
default = "d"
rules = [
  { label = "a", when = "r == 5 and frequency == 0" },
  { label = "b", when = "r == 5 and missing(frequency)" },
  { label = "c", when = "missing(r) and frequency == 0" },
]
"""
    found = _codes(text)
    assert [(c, line) for c, line, *_ in found] == [
        ("never-matches", 11),
        ("never-matches", 12),
    ]
    assert all("r is scored for buyers only" in m for *_, m in found)
    facts = pd.DataFrame(
        {
            "frequency": pd.array([0, None, 2], dtype="Int64"),
            "recency_days": [10.0, 10.0, 10.0],
            "r": [5, 5, 5],
        }
    )
    assert list(apply_rules(facts, rules.loads(text))["s"]) == ["c", "d", "d"]


# ---------------------------------------------------------------- finding 2

_IN = """format = 1
[fields]
x = {{ type = "{kind}", min = {lo}, max = {hi}, missing = true }}
n = {{ type = "integer", min = 0, max = 3 }}
[segments.s]
default = "d"
rules = [ {{ label = "a", when = "x {word} ({listed}) or n == 1" }} ]
"""


def test_in_list_outside_the_bounds_is_never_true() -> None:
    text = _IN.format(kind="integer", lo=0, hi=10, word="in", listed="20, 30")
    found = [f for f in _codes(text) if f[0] == "never-true"]
    assert [(line, column) for _, line, column, _ in found] == [(7, 34)]
    assert "'x in (20, 30)' holds for no value of field 'x'" in found[0][3]


@settings(max_examples=25, deadline=None)
@given(
    lo=st.integers(-5, 5),
    width=st.integers(0, 4),
    listed=st.lists(st.integers(-8, 10), min_size=1, max_size=6),
    half=st.booleans(),
    word=st.sampled_from(["in", "not in"]),
    integer=st.booleans(),
)
def test_in_list_never_true_iff_no_value_within_bounds_holds(
    lo: int, width: int, listed: list[int], half: bool, word: str, integer: bool
) -> None:
    hi = lo + width
    values = [v + 0.5 if half and i == 0 else float(v) for i, v in enumerate(listed)]
    shown = ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "")
    kind = "integer" if integer else "number"
    text = _IN.format(kind=kind, lo=lo, hi=hi, word=word, listed=shown)
    # the oracle: the whole values within the bounds, and for a number field
    # also the listed values and points between the whole ones
    points = {float(v) for v in range(lo, hi + 1)}
    if not integer:
        points |= {v for v in values if lo <= v <= hi}
        points |= {v + 0.25 for v in range(lo, hi)}
    holds = any((x in values) == (word == "in") for x in points)
    found = [d for d in rules.check(text, text=True) if d.code == "never-true"]
    assert bool(found) == (not holds), (word, values, lo, hi, kind)


# ---------------------------------------------------------------- finding 3


def test_dead_part_of_a_derived_value_is_warned_once() -> None:
    text = """format = 1
[fields]
x = { type = "number", min = 0, max = 200, missing = true }
n = { type = "integer", min = 0, max = 5, missing = true }
[derived]
old = "x >= 300"
[segments.s]
default = "d"
rules = [
  { label = "a", when = "old or n == 2" },
  { label = "b", when = "old or n == 3" },
]
[segments.t]
default = "d"
rules = [ { label = "a", when = "old or n == 1" } ]
"""
    found = [f for f in _codes(text) if f[0] == "never-true"]
    assert [(line, column) for _, line, column, _ in found] == [(10, 26)]
    assert "'x >= 300' (in derived value 'old')" in found[0][3]
    (d,) = [d for d in rules.check(text, text=True) if d.code == "never-true"]
    assert d.hint.endswith("(in every rule that reads 'old')")


# ---------------------------------------------------------------- finding 4

_BASKET = """format = 1
[fields]
monetary = { type = "number", min = 0, missing = true }
frequency = { type = "integer", min = 0, missing = true }
[derived]
avg = "%s"
[tables.basket]
field = "avg"
breaks = [50, 200]
labels = ["small", "mid", "big"]
missing = "none"
missing_rules = [
  { label = "no_buyer", when = "frequency == 0" },
  { label = "odd", when = "frequency >= 1 and not missing(monetary)" },
  { label = "unknown", when = "missing(monetary) or missing(frequency)" },
]
"""


def test_missing_rules_of_an_unbounded_ratio_are_analysed() -> None:
    found = _codes(_BASKET % "monetary / frequency")
    assert [(c, line) for c, line, *_ in found] == [("never-matches", 14)]
    assert "rule 2 ('odd')" in found[0][3]
    assert not any(
        d.code == "not-analysed"
        for d in rules.check(_BASKET % "monetary / frequency", text=True)
    )
    # and a run agrees: 'odd' takes no row, 'no_buyer' one of 0 / 0
    facts = pd.DataFrame(
        {
            "monetary": [0.0, 30.0, np.nan, 120.0],
            "frequency": pd.array([0, 1, 2, 1], dtype="Int64"),
        }
    )
    got = rules.loads(_BASKET % "monetary / frequency").evaluate(facts)["basket"]
    assert list(got) == ["no_buyer", "small", "unknown", "mid"]
    # another shape of arithmetic is still not analysed (its missing rows
    # are not decided by signs alone)
    assert any(
        d.code == "not-analysed"
        for d in rules.check(_BASKET % "(monetary - 5) / frequency", text=True)
    )


# ---------------------------------------------------------------- finding 5


def test_lookalike_unknown_name_shows_its_code_points() -> None:
    text = """format = 1
[fields]
frequency = { type = "integer", min = 0 }
[segments.s]
default = "d"
rules = [ { label = "a", when = "fr\u0435quency > 3 or \u6d88\u8d39 > 1" } ]
"""
    found = [d for d in rules.check(text, text=True) if d.code == "unknown-name"]
    assert [(d.line, d.column, d.message) for d in found] == [
        (6, 34, "unknown name 'fr\u0435quency' (U+0435)"),
        (6, 51, "unknown name '\u6d88\u8d39'"),
    ]
    assert found[0].hint.startswith("did you mean 'frequency'? (write it in plain")
