"""Audit 41 (rules): ``rules check``'s analysis of the rules DSL.

1. A rule list that reads a score and its fact (``r`` and
   ``recency_days``) counted a known score beside a missing fact as a case
   a run gives, though a run (``apply_rules``, ``segment``) scores a
   missing fact as missing: ``r == 5 and missing(recency_days)`` passed
   ``--strict`` and never matched. It is now ``never-matches`` ("in a run").
2. An ``in`` (or ``not in``) list wholly outside its field's ``min`` and
   ``max`` inside a condition that can still match through another part of
   an ``or`` was not ``never-true``, as the same comparison by ``==`` is.
3. A dead comparison in a derived value was warned once for every rule
   that reads the value; it is warned once, at the first such rule.
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
