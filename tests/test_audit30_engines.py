"""Audit 30, engines: rules that read an aggregate (mean, min, max, median,
quantile) on a PyArrow table whose other columns are of a type Arrow's
joins cannot carry (``null``, ``string_view``, lists, structs, maps) raised
a raw ``ArrowInvalid``: the one row of aggregates was cross-joined to every
row. The aggregates are now added as columns of their own."""

from __future__ import annotations

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("narwhals")
pytest.importorskip("polars")

import hypothesis.strategies as st  # noqa: E402
import narwhals as nw  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import given, settings  # noqa: E402

from custseg import rules  # noqa: E402
from custseg.engines import compile_rules  # noqa: E402

#: columns of each type Arrow's hash join refuses as a non-key field
_EXTRA = {
    "null": lambda n: pa.nulls(n),
    "string_view": lambda n: pa.array([f"c{i}" for i in range(n)], pa.string_view()),
    "list": lambda n: pa.array([[i] for i in range(n)]),
    "struct": lambda n: pa.array([{"a": i} for i in range(n)]),
    "map": lambda n: pa.array(
        [[("k", i)] for i in range(n)], pa.map_(pa.string(), pa.int64())
    ),
}

_AGGREGATES = ("mean(x)", "min(x)", "max(x)", "median(x)", "quantile(x, 0.25)")


def _rules(aggregate: str) -> rules.RuleSet:
    return rules.loads(
        f"""
format = 1
[fields]
x = {{ type = "number", missing = true }}
[segments.s]
default = "low"
rules = [{{ label = "high", when = "x > {aggregate}" }},
         {{ label = "at", when = "x == {aggregate}" }}]
"""
    )


@settings(max_examples=30, deadline=None)
@given(
    xs=st.lists(
        st.one_of(st.none(), st.integers(-5, 5).map(float)), min_size=1, max_size=12
    ),
    kinds=st.lists(st.sampled_from(sorted(_EXTRA)), max_size=3, unique=True),
    aggregate=st.sampled_from(_AGGREGATES),
    first=st.booleans(),
)
def test_aggregates_beside_columns_joins_refuse(
    xs: list[float | None], kinds: list[str], aggregate: str, first: bool
) -> None:
    """Labels on the table with the extra columns equal the NumPy path's on
    the rules' column alone, and every column comes back as it was, in
    order."""
    rs = _rules(aggregate)
    n = len(xs)
    extra = {f"e_{k}": _EXTRA[k](n) for k in kinds}
    x = {"x": pa.array(xs, pa.float64())}
    columns = {**extra, **x} if first else {**x, **extra}
    table = pa.table(columns)
    out = compile_rules(rs, backend="pyarrow").apply(nw.from_native(table))
    got = out.to_native()
    want = rs.evaluate(pd.DataFrame({"x": pd.array(xs, dtype="Float64")}))["s"]
    assert got.column("s").to_pylist() == want.to_numpy().tolist()
    assert got.column_names[: len(columns)] == list(columns)
    for name, column in columns.items():
        assert got.column(name).combine_chunks().equals(column)


def test_preset_on_a_polars_arrow_export() -> None:
    """The worked example: Polars' newest Arrow export gives ``string_view``
    ids, and every preset's rfm8 reads ``mean(...)``."""
    import polars as pl

    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import label_in_engine

    facts = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [3.0, 400.0],
            "frequency": [12, 1],
            "monetary": [2500.0, 30.0],
            "tenure_days": [700.0, 400.0],
        }
    )
    table = facts.to_arrow(compat_level=pl.CompatLevel.newest())
    assert table.schema.field("customer_id").type == pa.string_view()
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    want = label_in_engine(facts, preset="ecommerce", edges=edges)["rfm8"].to_list()
    got = label_in_engine(table, preset="ecommerce", edges=edges)
    assert got["rfm8"].to_pylist() == want
    assert got["customer_id"].to_pylist() == ["a", "b"]
