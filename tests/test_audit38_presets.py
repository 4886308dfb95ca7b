"""Audit 38, the industry presets against the domain document.

1. Every industry preset carried two rfm8 examples of customers no run can
   produce: ``recency_days = 1`` with ``r = 3`` ("active or silent") and
   with ``r = 2`` ("R = 2 (sleeping)"), although the preset's own
   ``[scores] r`` edges score a purchase one day ago R = 5 (active). The
   examples checker refuses a given derived value that the example's other
   values contradict, but took a given RFM score that the file's fixed
   edges contradict: any file could pin a label with an impossible
   customer. Now an example giving a score and the fact it scores by fixed
   edges must agree (``bad-value`` at the score), and the presets' examples
   sit on each side of the R = 3 / R = 2 edge (the start of the sleeping
   stage, where their rfm8 splits R).
2. docs/testing.md's salon suite moved the lifecycle but not the recency
   edges, lapsing_days and lost_days: every run noted contradictions.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import RulesError, rules
from custseg.rfm import ScoreEdges

FAST = settings(max_examples=40, deadline=None, database=None)
# each draw loads a rules file (a preset and an extension): few of them
FILES = settings(max_examples=15, deadline=None, database=None)

_SCORED = {
    "r": ("recency_days", False),
    "f": ("frequency", True),
    "m": ("monetary", True),
}


def _example_scores(name: str) -> list[tuple[str, str, float, int]]:
    """(note, score, fact value, given score) of each example of preset
    *name* that gives a score with fixed edges and the fact it scores."""
    rs = rules.preset(name)
    out = []
    for ex in rs.examples:
        for key, (fact, _) in _SCORED.items():
            spec = rs.scores.get(key)
            if spec is None or spec.edges is None:
                continue
            if key in ex.given and fact in ex.given:
                out.append((ex.note, key, ex.given[fact], ex.given[key]))
    return out


# base has no fixed edges: the industry presets
@pytest.mark.parametrize("name", sorted(set(rules.presets()) - {"base"}))
def test_preset_examples_give_the_scores_their_edges_give(name: str) -> None:
    rs = rules.preset(name)
    for note, key, value, given_score in _example_scores(name):
        _fact, higher = _SCORED[key]
        edges = ScoreEdges(rs.scores[key].edges)
        want = int(custseg.score([value], edges, higher_is_better=higher)[0])
        assert given_score == want, (name, note, key, value, given_score, want)


@pytest.mark.parametrize("name", sorted(set(rules.presets()) - {"base"}))
def test_preset_rfm8_examples_sit_on_the_sleeping_edge(name: str) -> None:
    # the two rfm8 examples: the last R = 3 day and the first R = 2 day,
    # which is where the lifecycle's sleeping stage starts
    rs = rules.preset(name)
    found = {
        ex.given["r"]: ex.given["recency_days"]
        for ex in rs.examples
        if "rfm8" in ex.expect and "r" in ex.given
    }
    sleeping = rs.tables["lifecycle"].breaks[1]
    assert found == {3: sleeping - 1, 2: sleeping}, (name, found)
    out = rs.evaluate(
        {
            "recency_days": [sleeping - 1, sleeping],
            "frequency": [2, 2],
            "monetary": [10.0, 10.0],
            "tenure_days": [5000.0, 5000.0],
            "r": [3, 2],
            "f": [1, 1],
            "m": [1, 1],
        }
    ).to_pandas()
    assert out["lifecycle"].tolist() == ["silent", "sleeping"]


def _file(key: str, fact: str, value: float, given_score: int) -> str:
    return f"""format = 1
extends = "ecommerce"
name = "shop"

[scores]
f = {{ edges = [1, 2, 4, 8] }}
m = {{ edges = [50, 100, 500, 1000] }}

[[examples]]
note = "a customer"
given = {{ {fact} = {value}, {key} = {given_score}, recency_days = 10 }}
expect = {{ lifecycle = "active" }}
"""


def test_example_with_a_score_its_days_contradict_is_refused() -> None:
    text = """format = 1
extends = "ecommerce"
name = "shop"

[[examples]]
note = "sleeping, low R"
given = { recency_days = 1, r = 2, f_high = false, m_high = true }
expect = { rfm8 = "Important Win-back" }
"""
    with pytest.raises(RulesError) as info:
        rules.loads(text, path="shop.toml")
    message = str(info.value)
    assert (
        "shop.toml:7:29: error[bad-value]: example 1: r = 2 is not the score" in message
    )
    assert "recency_days = 1" in message and "give r = 5" in message
    assert "(30, 90, 180, 270)" in message
    assert "a recency_days that scores 2 (from 180 to below 270)" in message
    # the same customer with the days of its score is fine
    rules.loads(text.replace("recency_days = 1,", "recency_days = 180,"))


@FILES
@given(
    key=st.sampled_from(["r", "f", "m"]),
    value=st.integers(0, 1200),
    given_score=st.integers(1, 5),
)
def test_given_score_must_be_the_edges_score(
    key: str, value: int, given_score: int
) -> None:
    fact, higher = _SCORED[key]
    edges = {"r": (30, 90, 180, 270), "f": (1, 2, 4, 8), "m": (50, 100, 500, 1000)}[key]
    if key == "r":
        text = _file(key, fact, value, given_score).replace(", recency_days = 10", "")
    else:
        text = _file(key, fact, value, given_score)
    want = int(custseg.score([value], ScoreEdges(edges), higher_is_better=higher)[0])
    diags = rules.check(text)
    bad = [d for d in diags if d.code == "bad-value" and d.severity == "error"]
    if want == given_score:
        assert not bad, bad
    else:
        assert len(bad) == 1, diags
        assert f"give {key} = {want}" in bad[0].hint


@FAST
@given(score=st.integers(1, 5), key=st.sampled_from(["r", "f", "m"]))
def test_hint_range_gives_the_score(score: int, key: str) -> None:
    # the values the hint names get the score the example gives
    from custseg.rules._examples import _score_range

    _fact, higher = _SCORED[key]
    edges = (30.0, 90.0, 180.0, 270.0)
    text = _score_range(score, edges, higher)
    numbers = [float(w) for w in text.replace(",", "").split() if w[0].isdigit()]
    probe = np.array(sorted({x + d for x in numbers for d in (-1, -0.5, 0, 0.5, 1)}))
    got = custseg.score(probe, ScoreEdges(edges), higher_is_better=higher)

    def inside(x: float) -> bool:
        if text.startswith("below"):
            return x < numbers[0]
        if text.startswith("at least"):
            return x >= numbers[0]
        if text.startswith("from"):
            return numbers[0] <= x < numbers[1]
        if text.startswith("at most"):
            return x <= numbers[0]
        if text.startswith("above") and "and at most" in text:
            return numbers[0] < x <= numbers[1]
        return x > numbers[0]

    for x, s in zip(probe, got, strict=True):
        assert (s == score) == inside(float(x)), (text, x, s)


# 2. docs/testing.md's "suite a team would copy" moved the beauty_salon
#    lifecycle to 30/60/120/180 days but left the preset's recency edges
#    (30/45/90/135), lapsing_days (90) and lost_days (135): every segment run
#    with it noted customers whose segment contradicts their stage (68
#    'Loyal' customers sleeping on simulate_transactions(2000, seed=4)),
#    against docs/rules.md's advice to move them with the breaks.

ROOT = Path(__file__).resolve().parents[1]


def _windows_agree(rs: rules.RuleSet) -> list[str]:
    """What of the day thresholds does not follow the lifecycle breaks, as
    the presets set them: R = 4 ends where active ends, R = 3 silent, R = 2
    sleeping; lapsing_days at the sleeping start, lost_days at the lost start."""
    b = rs.tables["lifecycle"].breaks
    e = rs.scores["r"].edges
    problems = []
    if tuple(e[1:]) != tuple(b[:3]):
        problems.append(f"r edges {e} vs lifecycle {b}")
    if rs.params["lapsing_days"] != b[1]:
        problems.append(f"lapsing_days {rs.params['lapsing_days']} vs {b[1]}")
    if rs.params["lost_days"] != b[2]:
        problems.append(f"lost_days {rs.params['lost_days']} vs {b[2]}")
    return problems


def test_the_salon_of_the_testing_page_moves_its_edges_with_its_lifecycle() -> None:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    start = page.index(">>> SALON = rules.loads('''") + len(
        ">>> SALON = rules.loads('''"
    )
    block = page[start : page.index("''')", start)]
    text = "\n".join(line[4:] for line in block.splitlines()[1:])
    salon = rules.loads(text)
    assert _windows_agree(salon) == []
    # as every industry preset keeps them
    for name in sorted(set(rules.presets()) - {"base"}):
        assert _windows_agree(rules.preset(name)) == [], name
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a contradiction note is a warning
        custseg.segment(
            custseg.datasets.simulate_transactions(400, seed=4), rules=salon
        )
