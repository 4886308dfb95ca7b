"""A ninth audit: the rules in other engines and on other tables (findings
of 3 December 2026).

Polars divided a column by a constant as a multiplication by its
reciprocal (7 / 10 = 0.7000000000000001: a customer on a threshold crossed
it, depending on the frame's length); an eager Polars frame refused a
constant on the left of an aggregate (``100 > mean(monetary)``); Polars'
median and quantiles were not NumPy's to the bit; and ``apply_rules`` took
a table's quantile ``r`` scores where the preset fixes its recency edges.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions
from custseg.frame import apply_rules, segment_frame

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals")
from custseg.engines import compile_rules  # noqa: E402


def _rules(condition: str, *, missing: bool = False) -> rules.RuleSet:
    opt = ", missing = true" if missing else ""
    return rules.loads(
        f"""format = 1
[fields]
x = {{ type = "number"{opt} }}
y = {{ type = "number" }}
[segments.s]
default = "no"
rules = [{{ label = "yes", when = "{condition}" }}]
"""
    )


def _polars(rs: rules.RuleSet, data: dict[str, list[float | None]]) -> list[list[str]]:
    """The labels of the Polars engine, eager and lazy."""
    er = compile_rules(rs, backend="polars")
    frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.Float64))
    eager = er.apply(nw.from_native(frame)).to_native()["s"].to_list()
    lazy = er.apply(nw.from_native(frame.lazy())).to_native().collect()["s"].to_list()
    return [eager, lazy]


_decimal = st.integers(-1000, 1000).map(lambda k: k / 10)  # 0.1-steps: on thresholds
_divisor = st.sampled_from([3.0, 7.0, 10.0, 0.1, 0.3, 100.0, -3.0])
_op = st.sampled_from([">", ">=", "<", "<=", "==", "!="])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(_decimal, min_size=1, max_size=6),
    _divisor,
    _op,
    st.sampled_from([0.7, 0.3, 1.0, 2.3333333333333335, 0.1]),
    st.booleans(),
)
def test_division_by_a_constant_is_numpys(xs, divisor, op, threshold, flipped):
    """``x / c`` compared with a threshold gives NumPy's label on Polars,
    eager and lazy, whatever the frame's length (one row was right, two
    were not)."""
    left = f"x / {divisor!r}"
    condition = (
        f"{threshold!r} {op} {left}" if flipped else f"{left} {op} {threshold!r}"
    )
    rs = _rules(condition)
    data = {"x": xs, "y": [0.0] * len(xs)}
    want = rs.evaluate(data)["s"].to_numpy().tolist()
    for got in _polars(rs, data):
        assert got == want, condition
    for i in range(len(xs)):  # each row alone: the same label
        one = {"x": [xs[i]], "y": [0.0]}
        assert _polars(rs, one)[0] == [want[i]]


_const_left = st.sampled_from(
    [
        "100 > mean(x)",
        "-1 < min(x)",
        "-1 != min(x)",
        "100 - mean(x) > 0",
        "2 * max(x) >= 10",
        "1 / mean(x) < 0.5",
        "0 <= median(x)",
    ]
)


@settings(max_examples=25, deadline=None)
@given(
    _const_left,
    st.lists(
        st.floats(-50, 200, allow_nan=False).map(lambda v: round(v, 2)),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_constant_left_of_an_aggregate(condition, xs, derived):
    """A constant on the left of an aggregate, in a rule or a derived flag
    used with a row condition, labels as NumPy does on eager Polars (it was
    a bare narwhals error)."""
    if derived:
        rs = rules.loads(
            f"""format = 1
[fields]
x = {{ type = "number" }}
y = {{ type = "number" }}
[derived]
flag = "{condition}"
[segments.s]
default = "no"
rules = [{{ label = "yes", when = "flag and y > 1" }}]
"""
        )
    else:
        rs = _rules(condition)
    data = {"x": xs, "y": [float(i) for i in range(len(xs))]}
    want = rs.evaluate(data)["s"].to_numpy().tolist()
    for got in _polars(rs, data):
        assert got == want


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(0, 1000).map(lambda k: k / 10),
            st.floats(0, 1, allow_nan=False),
        ),
        min_size=1,
        max_size=9,
    ).filter(lambda v: any(x is not None for x in v)),
    st.sampled_from(
        [
            "median(x)",
            "quantile(x, 0.1)",
            "quantile(x, 0.25)",
            "quantile(x, 0.9)",
            "quantile(x, 0.33)",
        ]
    ),
)
def test_polars_quantiles_are_numpys(xs, aggregate):
    """A value exactly at, or one float either side of, NumPy's median or
    quantile gets NumPy's label on Polars (the last bit used to differ)."""
    rs = _rules(f"y >= {aggregate}", missing=True)
    values = [np.nan if v is None else v for v in xs]
    at = next(iter(rs.aggregates({"x": values, "y": [0.0] * len(xs)}).values()))
    near = [at, math.nextafter(at, -math.inf), math.nextafter(at, math.inf)]
    ys = [near[i % 3] for i in range(len(xs))]
    data = {"x": xs, "y": ys}
    want = rs.evaluate({"x": values, "y": ys})["s"].to_numpy().tolist()
    for got in _polars(rs, data):
        assert got == want


# --- apply_rules with the rules' fixed [scores] edges ---


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    return simulate_transactions(600, seed=9)


@pytest.mark.parametrize("preset", ["ecommerce", "beauty_salon", "furniture", "travel"])
def test_apply_rules_scores_with_the_presets_edges(store, preset):
    """apply_rules on segment_frame's table gives segment(preset=...)'s
    scores and labels: the preset's fixed recency edges, not the table's
    quantile scores (the docs' first example contradicted the preset's
    own stages)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = apply_rules(segment_frame(store), preset)
        b = custseg.segment(store, preset=preset).customers.reindex(a.index)
    for column in ["r", "f", "m", *rules.load(preset).outputs]:
        if column in b.columns and column in a.columns:
            assert (a[column].astype(str) == b[column].astype(str)).all(), column


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 2000)), st.integers(0, 9)),
        min_size=1,
        max_size=12,
    ),
    st.permutations(list(range(5))),
)
def test_fixed_scores_made_from_the_facts(rows, _order):
    """Whatever r the table holds, the result's r is the rules' fixed edges
    applied to recency_days, for buyers; missing for non-buyers."""
    rs = rules.load("ecommerce")
    edges = rs.scores["r"].edges
    table = pd.DataFrame(
        {
            "recency_days": [np.nan if d is None else float(d) for d, _ in rows],
            "frequency": [k if d is not None else 0 for d, k in rows],
            "monetary": [10.0 * k for _, k in rows],
            "tenure_days": [np.nan if d is None else float(d) + 5 for d, _ in rows],
            "r": pd.array([3] * len(rows), dtype="Int8"),
            "f": pd.array([3] * len(rows), dtype="Int8"),
            "m": pd.array([3] * len(rows), dtype="Int8"),
        }
    )
    out = apply_rules(table, rs)
    for i, (days, k) in enumerate(rows):
        got = out["r"].iloc[i]
        if days is None or k == 0:
            assert pd.isna(got)
        else:
            assert got == 1 + sum(days < c for c in edges)
    assert out["f"].tolist() == [3] * len(rows)  # quantile scores: the table's
