"""Audit 39 (rules): the static checks and the examples reason on the
customers a run gives.

A run scores ``r`` from ``recency_days`` (``f`` from ``frequency``, ``m``
from ``monetary``) with the fixed ``[scores]`` edges, and a customer's
``tenure_days`` (days since the first purchase) is never below the
``recency_days`` (days since the last). ``rules check`` combined every
score with every fact and every tenure with every recency, so a rule that
only such impossible customers match was not reported as dead, and an
example of such a customer was accepted.
"""

from __future__ import annotations

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.testing import fields_for

FAST = settings(max_examples=25, deadline=None, database=None)
SEARCH = getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _warnings(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (d.line, d.column, d.code, d.message)
        for d in rules.check(text, text=True)
        if d.severity != "info"
    ]


SCORED = """format = 1
[fields]
recency_days = {{ type = "number", min = 0, missing = true }}
r = {{ type = "integer", min = 1, max = {top}, missing = true }}
frequency = {{ type = "integer", min = 0 }}
f = {{ type = "integer", min = 1, max = {ftop}, missing = true }}
[scores]
r = {{ edges = [{edges}] }}
f = {{ edges = [{fedges}] }}
[segments.s]
default = "other"
rules = [
{rules}
]
"""


def _scored(edges, fedges, rule_lines):
    return SCORED.format(
        top=len(edges) + 1,
        ftop=len(fedges) + 1,
        edges=", ".join(str(e) for e in edges),
        fedges=", ".join(str(e) for e in fedges),
        rules="\n".join(rule_lines),
    )


def _r(x, edges):
    """The recency score (the docs: 1 + the edges the value is below)."""
    return 1 + sum(x < e for e in edges)


def _f(x, edges):
    """The frequency score (1 + the edges strictly below the value)."""
    return 1 + sum(e < x for e in edges)


def test_repro_rule_dead_by_the_score_edges() -> None:
    text = _scored(
        [30, 90, 180, 365],
        [2, 5],
        ['  { label = "a", when = "recency_days < 30 and r <= 4" },'],
    )
    found = _warnings(text)
    assert [(line, code) for line, _, code, _ in found] == [(13, "never-matches")]
    assert (
        "r is scored from recency_days by the [scores] edges 30, 90, 180, 365"
        in (found[0][3])
    )
    # evaluate still labels whatever it is given (the lookup keeps every cell)
    rs = rules.loads(text)
    out = rs.evaluate(
        {"recency_days": [10.0, 10.0], "r": [3, 5], "frequency": [1, 1], "f": [1, 1]}
    )
    assert out["s"].to_numpy().tolist() == ["a", "other"]


def test_repro_rule_shadowed_through_the_score_edges() -> None:
    # every recency below 30 scores 5, which rule 1 takes
    text = _scored(
        [30, 90, 180, 365],
        [2, 5],
        [
            '  { label = "a", when = "missing(r) or r == 5" },',
            '  { label = "b", when = "recency_days < 30" },',
        ],
    )
    assert [(line, code) for line, _, code, _ in _warnings(text)] == [
        (14, "unreachable")
    ]


def test_repro_frequency_score() -> None:
    text = _scored(
        [30],
        [2, 5],
        ['  { label = "a", when = "frequency >= 6 and f < 3" },'],
    )
    assert [code for _, _, code, _ in _warnings(text)] == ["never-matches"]
    # bounded: every input finite, so the analysis's table is the lookup
    # that labels the data: it still labels the cells no run has
    bounded = text.replace(
        'type = "integer", min = 0 }', 'type = "integer", min = 0, max = 9 }'
    )
    assert [code for _, _, code, _ in _warnings(bounded)] == ["never-matches"]
    rs = rules.loads(bounded)
    assert "s" in rs.lookups
    out = rs.evaluate(
        {
            "recency_days": [1.0] * 3,
            "r": [2] * 3,
            "frequency": [7, 7, 1],
            "f": [1, 3, 1],
        },
        explain=True,
    )
    assert out["s"].to_numpy().tolist() == ["a", "other", "other"]
    assert out.explain["s"].tolist() == [0, -1, -1]


EDGE_SETS = st.sampled_from([(30, 90), (10, 30, 90, 180), (45,), (20, 60, 61)])
CONSTANTS = st.sampled_from([0, 10, 29, 30, 31, 60, 61, 90, 100, 180, 200])
OPS = st.sampled_from(["<", "<=", ">", ">="])


@SEARCH
@given(
    edges=EDGE_SETS,
    op=OPS,
    c=CONSTANTS,
    op2=st.sampled_from(["==", "<=", ">=", "!="]),
    k=st.integers(1, 5),
    first=st.booleans(),
)
def test_never_matches_is_what_a_run_gives(edges, op, c, op2, k, first) -> None:
    """The warning says never-matches exactly when no recency a run can have
    (scored by the edges) matches the rule: a naive search over every cell."""
    cond = f"recency_days {op} {c} and r {op2} {k}"
    lines = [f'  {{ label = "a", when = "{cond}" }},']
    if first:  # the same rule behind one that takes nobody it could take
        lines.insert(0, '  { label = "z", when = "missing(r) and r == 1" },')
    text = _scored(list(edges), [2, 5], lines)
    points = sorted({0.0, *(float(x) for x in (*edges, c))})
    samples = [x + d for x in points for d in (-0.5, 0.0, 0.5) if x + d >= 0]
    ops = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    can = any(ops[op](x, c) and ops[op2](_r(x, edges), k) for x in samples)
    dead = [
        line
        for line, _, code, _ in _warnings(text)
        if code == "never-matches" and line == 13 + first
    ]
    assert bool(dead) == (not can), (cond, edges)


TENURE = """format = 1
[fields]
recency_days = { type = "number", min = 0, missing = true }
tenure_days = { type = "number", min = 0, missing = true }
[segments.s]
default = "other"
rules = [{ label = "a", when = "tenure_days < %s and recency_days >= %s" }]
"""


def test_the_warning_names_only_the_reason_that_kills_the_rule() -> None:
    text = """format = 1
extends = "ecommerce"
[segments.mine]
default = "o"
rules = [
 { label = "a", when = "lifecycle == 'gone' and r >= 2" },
 { label = "c", when = "care_phase == 'care' and lifecycle == 'lost'" },
 { label = "d", when = "r >= 3 and r <= 2" },
]
"""
    found = [
        (line, m) for line, _, code, m in _warnings(text) if code == "never-matches"
    ]
    assert [line for line, _ in found] == [6, 7, 8]
    assert found[0][1].endswith(
        "in a run (r is scored from recency_days by the [scores] edges 30, 90, "
        "180, 270)"
    )
    assert found[1][1].endswith("in a run (tenure_days is at least recency_days)")
    assert found[2][1].endswith("can never match")  # dead whatever the run


def test_repro_tenure_below_recency_rule_is_dead() -> None:
    found = _warnings(TENURE % (10, 20))
    assert [code for _, _, code, _ in found] == ["never-matches"]
    assert "tenure_days is at least recency_days" in found[0][3]


@FAST
@given(t=CONSTANTS, r=CONSTANTS)
def test_tenure_property(t, r) -> None:
    """Dead exactly when no tenure below t is at least a recency of r or more."""
    dead = any(code == "never-matches" for _, _, code, _ in _warnings(TENURE % (t, r)))
    can = t > r  # some x with r <= x < t: tenure = recency = x
    assert dead == (not can)


EXAMPLE = """format = 1
extends = "ecommerce"
[[examples]]
given = { recency_days = 300, tenure_days = 20, frequency = 3 }
expect = { status = "lost" }
"""


def test_repro_example_with_tenure_below_recency() -> None:
    errors = [d for d in rules.check(EXAMPLE, text=True) if d.severity == "error"]
    assert [(d.line, d.column, d.code) for d in errors] == [(4, 31, "bad-value")]
    assert "tenure_days = 20 is below recency_days = 300" in errors[0].message
    # equal days (one purchase) and a missing one are fine
    for given_ in (
        "recency_days = 300, tenure_days = 300, frequency = 1",
        "recency_days = 300, frequency = 3",
    ):
        ok = EXAMPLE.replace(
            "recency_days = 300, tenure_days = 20, frequency = 3", given_
        )
        assert not [d for d in rules.check(ok, text=True) if d.severity == "error"]


RS = rules.load("ecommerce")
ROWS = fields_for(RS, max_rows=5)


@getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=60, deadline=None, database=None
)
@given(ROWS)
def test_fields_for_gives_tenure_at_least_recency(data) -> None:
    for t, r in zip(data["tenure_days"], data["recency_days"], strict=True):
        if t is not None and r is not None:
            assert t >= r


TABLE = """format = 1
[fields]
x = {{ type = "{kind}", min = {lo}, max = {hi} }}
[tables.t]
field = "x"
breaks = [{breaks}]
labels = [{labels}]
closed = "{closed}"
"""


def test_repro_table_label_outside_the_field_bounds() -> None:
    text = TABLE.format(
        kind="number",
        lo=0,
        hi=10,
        breaks="20, 30",
        labels='"a", "b", "c"',
        closed="left",
    )
    found = _warnings(text)
    assert [(line, code) for line, _, code, _ in found] == [
        (6, "never-matches"),
        (6, "never-matches"),
    ]
    assert found[0][3] == (
        "label 'b' of table 't' is never given: its interval [20, 30) holds no "
        "value of field 'x', declared from 0 to 10"
    )
    # a file that extends a preset: at its key that makes the labels dead
    ext = 'format = 1\nextends = "ecommerce"\n[fields]\nrecency_days = { max = 200 }\n'
    dead = [(line, m) for line, _, code, m in _warnings(ext) if "table" in m]
    assert [line for line, _ in dead] == [4, 4]
    assert "'lost' of table 'lifecycle'" in dead[0][1]


@FAST
@given(
    kind=st.sampled_from(["number", "integer"]),
    lo=st.sampled_from([0, 1, 5]),
    width=st.sampled_from([0, 1, 4, 20]),
    breaks=st.sets(
        st.sampled_from([-1, 0, 0.5, 1, 1.5, 2, 5, 6, 9, 30]), min_size=1, max_size=4
    ),
    closed=st.sampled_from(["left", "right"]),
)
def test_table_labels_given_iff_some_value_reaches_them(
    kind, lo, width, breaks, closed
):
    """A label is warned of exactly when evaluating every value in the
    bounds (a dense naive sample) never gives it."""
    cuts = sorted(breaks)
    hi = lo + width
    labels = [f"l{i}" for i in range(len(cuts) + 1)]
    text = TABLE.format(
        kind=kind,
        lo=lo,
        hi=hi,
        breaks=", ".join(str(c) for c in cuts),
        labels=", ".join(f'"{x}"' for x in labels),
        closed=closed,
    )
    step = 1 if kind == "integer" else 0.25
    values = [lo + k * step for k in range(int(width / step) + 1)]
    got = set(rules.loads(text).evaluate({"x": values})["t"].to_numpy().tolist())
    warned = {
        m.split("'")[1] for _, _, code, m in _warnings(text) if code == "never-matches"
    }
    assert warned == set(labels) - got
