"""Audit 15: labels in the engine on decimal columns and integers past 2**53.

The engine path (``compile_rules(...).apply``, ``label_in_engine``) must give
the NumPy path's labels (``RuleSet.evaluate``, ``custseg.score``,
``custseg.lifecycle_stage``, ``custseg.abc_classes``) where a DECIMAL value or a
64-bit integer rounds, in float64, onto a threshold it is not equal to, and
read integers beyond 2**53 from Arrow-backed frames at all.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import RfmEdges, ScoreEdges, rules
from custseg.errors import InputError
from custseg.pareto import AbcEdges

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
nw = pytest.importorskip("narwhals.stable.v2")

from custseg.engines import compile_rules, label_in_engine  # noqa: E402

FEW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEC = pa.decimal128(38, 18)
ULP18 = Decimal("1e-18")
EDGES = RfmEdges(
    ScoreEdges((30, 90, 180, 270)),
    ScoreEdges((1, 2, 4, 8)),
    ScoreEdges((50, 100, 500, 1000)),
)


def _frames(table: Any) -> dict[str, Any]:
    """The Arrow *table* on every engine these tests use."""
    con = duckdb.connect()
    return {
        "polars": pl.from_arrow(table),
        "polars-lazy": pl.from_arrow(table).lazy(),
        "duckdb": con.from_arrow(table),
        "pyarrow": table,
        "pandas-arrow": table.to_pandas(types_mapper=pd.ArrowDtype),
    }


def _column(native: Any, name: str) -> list[Any]:
    """Column *name* of an engine's result as a list (rows in order)."""
    if hasattr(native, "collect"):
        native = native.collect()
    if hasattr(native, "fetchall"):  # DuckDB keeps the insertion order
        native = native.pl()
    if hasattr(native, "column") and hasattr(native, "schema"):
        return list(native.column(name).to_pylist())
    if isinstance(native, pd.DataFrame):
        return native[name].tolist()
    return list(native[name].to_list())


def _apply(rs: rules.RuleSet, native: Any) -> Any:
    return compile_rules(rs).apply(nw.from_native(native)).to_native()


def _labels(rs: rules.RuleSet, data: dict[str, list[Any]]) -> dict[str, list[str]]:
    got = rs.evaluate(data)
    return {k: got[k].to_numpy().tolist() for k in got.labels}


# --------------------------------------------------------------------------
# decimals on a threshold


#: thresholds of few digits (those rules write), and a value near each
cuts = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False).map(
    lambda d: float(d)
)
offsets = st.integers(min_value=-3, max_value=3)


def _near(cut: float, k: int) -> Decimal:
    """The decimal *k* units of the 18th place from *cut* (as printed)."""
    return Decimal(repr(cut)) + k * ULP18


@FEW
@given(
    cut=cuts,
    ks=st.lists(offsets, min_size=1, max_size=6),
    other=st.lists(offsets, min_size=1, max_size=6),
)
@example(cut=1000.0, ks=[-1, 1, 0], other=[0, 0, 0])  # ecommerce's key_amount
@example(cut=0.7, ks=[1, -1], other=[-1, 1])
def test_decimal_fields_compare_as_numpy(
    cut: float, ks: list[int], other: list[int]
) -> None:
    """DECIMAL(38, 18) values that float64 rounds onto a threshold get the
    NumPy path's labels (the decimal's own side) on every engine, in
    conditions, tables and comparisons of two decimal fields."""
    n = min(len(ks), len(other))
    x = [_near(cut, k) for k in ks[:n]]
    y = [_near(cut, k) for k in other[:n]]
    rs = rules.loads(
        f"""format = 1
[fields]
x = {{ type = "number" }}
y = {{ type = "number" }}
[derived]
alias = "x"
[tables.band]
field = "x"
breaks = [{cut!r}]
labels = ["below", "from"]
[segments.ge]
default = "no"
rules = [{{ label = "yes", when = "x >= {cut!r}" }}]
[segments.gt]
default = "no"
rules = [{{ label = "yes", when = "alias > {cut!r}" }}]
[segments.eq]
default = "no"
rules = [{{ label = "yes", when = "{cut!r} == x" }}]
[segments.xy]
default = "no"
rules = [{{ label = "yes", when = "x > y and y <= {cut!r}" }}]
"""
    )
    want = _labels(rs, {"x": x, "y": y})
    table = pa.table({"x": pa.array(x, DEC), "y": pa.array(y, DEC)})
    for engine, native in _frames(table).items():
        out = _apply(rs, native)
        for name, labels in want.items():
            assert _column(out, name) == labels, (engine, name)


def test_decimal_ecommerce_key_amount_in_label_in_engine() -> None:
    """999.999999999999999999 is below the ecommerce preset's key amount
    (1000) on every engine, as in RuleSet.evaluate; 1000.000000000000000001
    is above the score edge 1000 (m = 5), as custseg.score says."""
    money = [Decimal("999.999999999999999999"), Decimal("1000.000000000000000001")]
    rs = rules.load("ecommerce")
    facts = {
        "recency_days": [10.0, 10.0],
        "frequency": [1, 1],
        "tenure_days": [10.0, 10.0],
    }
    want_m = (custseg.score(money, EDGES.monetary)).tolist()
    assert want_m == [4, 5]
    want = _labels(
        rs, {**facts, "r": [5, 5], "f": [1, 1], "m": want_m, "monetary": money}
    )
    table = pa.table({**facts, "monetary": pa.array(money, DEC)})
    for engine, native in _frames(table).items():
        out = label_in_engine(native, preset="ecommerce", edges=EDGES)
        assert _column(out, "m") == want_m, engine
        assert _column(out, "ecom4") == want["ecom4"], engine
        assert _column(out, "monetary") == money, engine  # given back as it was


@FEW
@given(
    recency=st.lists(
        st.sampled_from([30, 90, 180]).flatmap(
            lambda c: offsets.map(lambda k: _near(float(c), k))
        ),
        min_size=1,
        max_size=5,
    ),
    money=st.lists(
        st.sampled_from([100.0, 500.0, 1000.0, 2000.0]).flatmap(
            lambda c: offsets.map(lambda k: _near(c, k))
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_decimal_spine_as_numpy(recency: list[Decimal], money: list[Decimal]) -> None:
    """Scores, lifecycle stage and ABC class of DECIMAL facts on the edges:
    those of custseg.score, lifecycle_stage and abc_classes."""
    n = min(len(recency), len(money))
    recency, money = recency[:n], money[:n]
    abc = AbcEdges(2000.0, 500.0)
    want = {
        "r": custseg.score(recency, EDGES.recency, higher_is_better=False).tolist(),
        "m": custseg.score(money, EDGES.monetary).tolist(),
        "lifecycle": custseg.lifecycle_stage(recency).to_numpy().tolist(),
        "abc": custseg.abc_classes(money, edges=abc).to_numpy().tolist(),
    }
    table = pa.table(
        {
            "recency_days": pa.array(recency, DEC),
            "frequency": [1] * n,
            "monetary": pa.array(money, DEC),
        }
    )
    for engine, native in _frames(table).items():
        out = label_in_engine(native, edges=EDGES, abc_edges=abc)
        for name, labels in want.items():
            assert _column(out, name) == labels, (engine, name)


def test_adjacent_thresholds_on_a_decimal_column_refused() -> None:
    """Two thresholds that are adjacent doubles: a decimal between them has
    no float64 comparing with both as it does (the NumPy path refuses such a
    value); the engine, which cannot see the values, refuses the column."""
    low = 999999999999.9999
    assert math.nextafter(low, math.inf) == 1e12
    rs = rules.loads(
        f"""format = 1
[fields]
x = {{ type = "number" }}
[segments.s]
default = "c"
rules = [{{ label = "a", when = "x >= 1e12" }}, {{ label = "b", when = "x > {low!r}" }}]
"""
    )
    between = [Decimal("999999999999.99995")]
    with pytest.raises(InputError, match="'x'"):
        rs.evaluate({"x": between})
    table = pa.table({"x": pa.array(between, DEC)})
    for native in (pl.from_arrow(table), table):
        with pytest.raises(InputError, match=r"'x' .*adjacent doubles.*x.*Float64"):
            _apply(rs, native)
    # a float column compares its doubles: labelled
    assert _column(_apply(rs, pl.DataFrame({"x": [1e12]})), "s") == ["a"]


# --------------------------------------------------------------------------
# integers beyond 2**53

big_ints = st.integers(min_value=2**53 - 4, max_value=2**53 + 8) | st.integers(
    min_value=2**62 - 8, max_value=2**62 + 8
)


@FEW
@given(pairs=st.lists(st.tuples(big_ints, big_ints), min_size=1, max_size=6))
@example(pairs=[(2**53 + 1, 2**53)])
def test_big_integer_fields_compared_exactly(pairs: list[tuple[int, int]]) -> None:
    """Two int64 fields beyond 2**53 compare as NumPy compares int64 arrays
    (exactly: their doubles may be equal), also through a bare alias."""
    rs = rules.loads(
        """format = 1
[fields]
a = { type = "integer" }
b = { type = "integer" }
[derived]
c = "b"
[segments.gt]
default = "no"
rules = [{ label = "yes", when = "a > c" }]
[segments.eq]
default = "no"
rules = [{ label = "yes", when = "a == b" }]
[segments.le]
default = "no"
rules = [{ label = "yes", when = "a <= b" }]
"""
    )
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    want = _labels(rs, {"a": np.array(a), "b": np.array(b)})
    table = pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())})
    for engine, native in _frames(table).items():
        out = _apply(rs, native)
        for name, labels in want.items():
            assert _column(out, name) == labels, (engine, name)


@FEW
@given(ks=st.lists(big_ints | st.integers(-(2**63), 2**63 - 1), min_size=1))
@example(ks=[2**53 + 1, 5])
def test_big_integers_on_arrow_are_read(ks: list[int]) -> None:
    """PyArrow tables and pandas int64[pyarrow] columns with integers beyond
    2**53: labelled as by the NumPy path (Arrow's cast refused them with a
    bare ArrowInvalid)."""
    rs = rules.loads(
        """format = 1
[fields]
k = { type = "integer" }
[segments.s]
default = "small"
rules = [{ label = "big", when = "k >= 1000" }, { label = "neg", when = "k * 2 < -1e15" }]
[tables.t]
field = "k"
breaks = [0, 1e15]
labels = ["neg", "mid", "top"]
"""
    )
    want = _labels(rs, {"k": np.array(ks, dtype=np.int64)})
    table = pa.table({"k": pa.array(ks, pa.int64())})
    frames = _frames(table)
    for engine in ("pyarrow", "pandas-arrow", "polars"):
        out = _apply(rs, frames[engine])
        for name, labels in want.items():
            assert _column(out, name) == labels, (engine, name)


def test_big_integer_facts_in_label_in_engine() -> None:
    """Integer facts beyond 2**53 on PyArrow (eng3), and score edges beyond
    2**53 on which their doubles land: custseg.score's scores."""
    facts = pa.table(
        {
            "customer_id": ["a", "b", "c"],
            "recency_days": pa.array([3, 400, 3], pa.int64()),
            "frequency": pa.array([12, 1, 2], pa.int64()),
            "monetary": pa.array([2**53 + 1, 30, 2**60 + 1], pa.int64()),
            "tenure_days": pa.array([700, 400, 5], pa.int64()),
        }
    )
    money = facts.column("monetary").to_pylist()
    out = label_in_engine(facts, preset="ecommerce", edges=EDGES)
    assert out.column("m").to_pylist() == [5, 1, 5]
    assert out.column("monetary").to_pylist() == money
    far = RfmEdges(EDGES.recency, EDGES.frequency, ScoreEdges((50, 2.0**53, 2.0**60)))
    want = custseg.score(np.array(money), far.monetary).tolist()
    assert want == [3, 1, 4]
    for engine, native in _frames(facts).items():
        got = label_in_engine(native, edges=far)
        assert _column(got, "m") == want, engine


def test_approx_edges_of_big_integers_on_arrow() -> None:
    """approx_rfm_edges reads integers beyond 2**53 on PyArrow as their
    doubles (as custseg.quantile_edges reads an int64 array)."""
    from custseg.engines import approx_rfm_edges

    money = [2**53 + 1, 10, 20, 30]
    facts = pa.table(
        {
            "recency_days": [1.0, 2.0, 3.0, 4.0],
            "frequency": pa.array([1, 1, 1, 1], pa.int64()),
            "monetary": pa.array(money, pa.int64()),
        }
    )
    got = approx_rfm_edges(facts, bins=2)
    assert got.monetary == custseg.quantile_edges(np.array(money), 2)
