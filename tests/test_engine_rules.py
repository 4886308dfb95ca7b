"""Labels inside the engine (custseg._engine_rules) against the NumPy path."""

from __future__ import annotations

import math
import os
import shutil
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg._engine_rules import (
    approx_rfm_edges,
    compile_rules,
    label_in_engine,
)
from custseg.errors import CustsegWarning, InputError, RulesError, ThresholdError
from custseg.pareto import AbcEdges
from custseg.rfm import RfmEdges, ScoreEdges, quantile_edges

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals")
duckdb = pytest.importorskip("duckdb")

CI = os.environ.get("CI") == "true"
ENGINES = ("polars", "polars-lazy", "duckdb")
PRESETS = tuple(rules.presets())
AS_OF = "2024-03-15"
FAST = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------
# helpers


def _values(col: Any) -> list[Any]:
    """A column as a list, every missing value as None."""
    out = []
    for x in list(col):
        if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
            out.append(None)
        elif isinstance(x, np.generic):
            out.append(x.item())
        else:
            out.append(x)
    return out


def _collect(native: Any) -> pl.DataFrame:
    """Any engine's result as a Polars frame in row order (column ``row_id``)."""
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    if isinstance(native, pl.DataFrame):
        return native.sort("row_id")
    if isinstance(native, duckdb.DuckDBPyRelation):
        return native.order('"row_id"').pl()
    if type(native).__module__.startswith("dask"):
        return pl.from_pandas(native.compute()).sort("row_id")
    if type(native).__module__.startswith("pyspark"):
        rows = [r.asDict() for r in native.collect()]  # no pandas: no warnings
        return pl.DataFrame(rows, infer_schema_length=None).sort("row_id")
    raise AssertionError(type(native))  # pragma: no cover


def _engines(frame: pl.DataFrame, nan: bool) -> dict[str, Any]:
    """The same data as Polars eager, Polars lazy and a DuckDB relation;
    with *nan*, missing floats are NaN (not null) in Polars and DuckDB."""
    if nan:
        frame = frame.with_columns(
            pl.col(c).fill_null(float("nan"))
            for c, t in frame.schema.items()
            if t == pl.Float64
        )
    table = frame.to_arrow()
    return {
        "polars": frame,
        "polars-lazy": frame.lazy(),
        "duckdb": duckdb.from_arrow(table),
    }


@st.composite
def integer_transactions(draw: st.DrawFn, max_rows: int = 30) -> pd.DataFrame:
    """Transactions with whole amounts (exact sums, so in-engine means are
    bit-equal to NumPy's), refunds and zero amounts, same-day purchases."""
    n = draw(st.integers(1, max_rows))
    n_customers = draw(st.integers(1, n))
    ids = draw(st.lists(st.integers(0, n_customers - 1), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    amounts = draw(
        st.lists(
            st.one_of(st.sampled_from([0, 5, 100, 1000]), st.integers(-50, 3000)),
            min_size=n,
            max_size=n,
        )
    )
    dates = np.datetime64("2023-02-01") + np.asarray(days, dtype="timedelta64[D]")
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in ids],
            "date": dates,
            "amount": np.asarray(amounts, dtype=float),
        }
    )


def _cuts(draw: st.DrawFn, pool: list[float]) -> ScoreEdges:
    """Four non-decreasing cuts, mostly values of the data (values on edges)."""
    picks = draw(
        st.lists(
            st.one_of(st.sampled_from(pool), st.integers(0, 500).map(float)),
            min_size=4,
            max_size=4,
        )
    )
    return ScoreEdges(tuple(sorted(picks)))


def _segment(tx: pd.DataFrame, preset: str, edges: RfmEdges, abc: AbcEdges) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return custseg.segment(
            tx, preset=preset, as_of=AS_OF, edges=edges, abc_edges=abc
        ).customers


def _facts_frame(customers: pd.DataFrame) -> pl.DataFrame:
    cols = ["recency_days", "frequency", "monetary", "tenure_days"]
    out = pl.from_pandas(customers[cols].reset_index(drop=True))
    return out.with_columns(pl.int_range(pl.len()).alias("row_id"))


def _label_columns(customers: pd.DataFrame, rs: Any) -> list[str]:
    return ["r", "f", "m", "rfm", "lifecycle", "abc", *rs.outputs]


# --------------------------------------------------------------------------
# presets: the whole spine and every rules output, against custseg.segment


@FAST
@given(data=st.data(), tx=integer_transactions(), preset=st.sampled_from(PRESETS))
def test_presets_match_segment(data: Any, tx: pd.DataFrame, preset: str) -> None:
    """Every preset's scores, lifecycle, ABC and labels in Polars (eager,
    lazy, NaN or null for no purchase) and DuckDB equal custseg.segment's with
    the same given edges, values on the edges included."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        facts = custseg.summarize(
            tx["customer_id"], tx["date"], tx["amount"], as_of=AS_OF
        ).to_pandas()
    pools = [
        [float(x) for x in facts[c].dropna()] or [1.0]
        for c in ("recency_days", "frequency", "monetary")
    ]
    edges = RfmEdges(*(_cuts(data.draw, p) for p in pools))
    positive = [x for x in pools[2] if x > 0] or [100.0]
    lo, hi = sorted(
        data.draw(st.lists(st.sampled_from(positive), min_size=2, max_size=2))
    )
    abc = AbcEdges(a_min=hi, b_min=lo)
    customers = _segment(tx, preset, edges, abc)
    rs = rules.load(preset)
    expected = customers.reset_index(drop=True)
    nan = data.draw(st.booleans())
    engine = data.draw(st.sampled_from(ENGINES))
    frame = _engines(_facts_frame(customers), nan)[engine]
    with warnings.catch_warnings():  # random edges replace the preset's fixed r
        warnings.simplefilter("ignore", CustsegWarning)
        out = _collect(
            label_in_engine(frame, preset=preset, edges=edges, abc_edges=abc)
        )
    assert not [c for c in out.columns if c.startswith("__custseg")]
    for col in _label_columns(customers, rs):
        if col not in expected.columns:
            assert col not in out.columns, col
            continue
        assert out[col].to_list() == _values(expected[col]), col


def test_presets_match_segment_in_chinese() -> None:
    """lang='zh' gives the translated names of the NumPy path, in the engine."""
    tx = custseg.datasets.simulate_transactions(300, seed=3)
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 3, 5)),
        ScoreEdges((50, 200, 500, 1500)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, preset="ecommerce", edges=edges, lang="zh")
    customers = res.customers
    facts = _facts_frame(customers)
    out = _collect(
        label_in_engine(facts.lazy(), preset="ecommerce", edges=edges, lang="zh")
    )
    for col in rules.load("ecommerce").outputs:
        if col in customers.columns:
            assert out[col].to_list() == _values(customers[col].reset_index(drop=True))


# --------------------------------------------------------------------------
# the rules compiler on every kind of field and expression


FEATURES = """
format = 1
[fields]
x = { type = "number", missing = true }
y = { type = "number", missing = true }
k = { type = "integer", min = 0, max = 6, missing = true }
c = { type = "category", values = ["a", "b", "c"], missing = true }
d = { type = "category", values = ["a", "b", "c"], missing = true }
flag = { type = "bool", missing = true }
[params]
lim = 2
word = "b"
yes = true
[derived]
ratio = "x / y"
hot = "x >= lim and flag"
s = "x + y * 2 - k"
[tables.band]
field = "x"
breaks = [-1, 0, 2.5]
labels = ["low", "mid", "high", "top"]
missing = "none"
[tables.kband]
field = "k"
breaks = [1, 3]
labels = ["k0", "k1", "k2"]
closed = "right"
missing = "nok"
[segments.seg]
default = "other"
rules = [
  { label = "div", when = "ratio > 1" },
  { label = "divneg", when = "ratio < -1" },
  { label = "zero", when = "missing(ratio) and not missing(x) and not missing(y)" },
  { label = "hot", when = "hot" },
  { label = "nothot", when = "not hot" },
  { label = "cat", when = "c == word or c in ('c',)" },
  { label = "same", when = "c == d" },
  { label = "chain", when = "0 <= x < lim" },
  { label = "kin", when = "k not in (1, 2, 6)" },
  { label = "band", when = "band in ('top', 'low') and kband != 'nok'" },
  { label = "mean", when = "x > mean(x) or y <= min(y) or k == max(k)" },
  { label = "flags", when = "flag == yes or flag in (False,)" },
  { label = "neg", when = "-x > 1 or s != 3" },
  { label = "miss", when = "missing(c) or missing(k) or missing(hot)" },
]
[tags.t]
rules = [
  { tag = "big", when = "x > 1" },
  { tag = "big", when = "y > 1" },
  { tag = "nocat", when = "not (c != 'a')" },
]
"""

NUMBERS = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 7.5]


@st.composite
def feature_data(draw: st.DrawFn) -> dict[str, list[Any]]:
    """Rows of the FEATURES fields: values on every threshold, zeros (for
    division), missing values in every column."""
    n = draw(st.integers(1, 25))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(st.one_of(st.none(), values), min_size=n, max_size=n))

    return {
        "x": column(st.sampled_from(NUMBERS)),
        "y": column(st.sampled_from(NUMBERS)),
        "k": column(st.integers(0, 6)),
        "c": column(st.sampled_from(["a", "b", "c"])),
        "d": column(st.sampled_from(["a", "b", "c"])),
        "flag": column(st.booleans()),
    }


def _numpy_inputs(data: dict[str, list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, col in data.items():
        if name in ("x", "y", "k"):
            out[name] = np.array([np.nan if v is None else v for v in col], dtype=float)
        elif name == "flag":
            out[name] = pd.array(col, dtype="boolean")
        else:
            out[name] = np.array(col, dtype=object)
    return out


def _polars(data: dict[str, list[Any]]) -> pl.DataFrame:
    schema = {
        "x": pl.Float64,
        "y": pl.Float64,
        "k": pl.Int64,
        "c": pl.String,
        "d": pl.String,
        "flag": pl.Boolean,
    }
    frame = pl.DataFrame({k: data[k] for k in schema}, schema=schema)
    return frame.with_columns(pl.int_range(pl.len()).alias("row_id"))


def _expected(
    rs: Any, data: dict[str, Any], lang: str | None = None
) -> dict[str, list[Any]]:
    res = rs.evaluate(_numpy_inputs(data), explain=True, lang=lang)
    out = {name: lab.to_numpy().tolist() for name, lab in res.labels.items()}
    for set_name, (names, matrix) in res.tags.items():
        for j, tag in enumerate(names):
            out[f"{set_name}.{tag}"] = matrix[:, j].tolist()
    for name, idx in res.explain.items():
        out[f"{name}.rule"] = idx.tolist()
    return out


@settings(FAST, max_examples=30)
@given(data=feature_data(), nan=st.booleans(), engine=st.sampled_from(ENGINES))
def test_every_expression_kind_matches_numpy(
    data: dict[str, list[Any]], nan: bool, engine: str
) -> None:
    """Arithmetic (division by zero too), chains, in/not in, categories,
    booleans with missing values (NaN or null), derived values, tables closed
    left and right, aggregates, tags and explain columns equal
    RuleSet.evaluate on Polars (eager, lazy) and DuckDB."""
    rs = rules.loads(FEATURES)
    expected = _expected(rs, data)
    compiled = compile_rules(rs, backend="duckdb", explain=True)
    frame = _engines(_polars(data), nan)[engine]
    out = _collect(compiled.apply(nw.from_native(frame)).to_native())
    for name, values in expected.items():
        assert out[name].to_list() == values, name


RECORDS = {
    "satisfaction": ["very_dissatisfied", "dissatisfied", "neutral", "satisfied"],
    "referral": ["unlikely", "possible", "very_likely"],
    "baby_sex": ["boy", "girl"],
}


@FAST
@given(data=st.data(), preset=st.sampled_from(PRESETS))
def test_preset_record_fields_match_numpy(data: Any, preset: str) -> None:
    """With every optional record field present (survey answers, VIP flags,
    visits, due dates: category, bool and number fields with missing values),
    each preset's outputs and tags equal RuleSet.evaluate's."""
    rs = rules.load(preset)
    n = data.draw(st.integers(1, 20))
    constants = sorted(
        {
            float(c)
            for spec in (*rs.derived.values(),)
            for _, c in spec.expr.comparisons
            if isinstance(c, int | float) and not isinstance(c, bool)
        }
        | {float(b) for t in rs.tables.values() for b in t.breaks}
        | {
            float(c)
            for s in (*rs.segments.values(), *rs.tagsets.values())
            for r in s.rules
            for _, c in r.when.comparisons
            if isinstance(c, int | float) and not isinstance(c, bool)
        }
    )
    numpy_cols: dict[str, Any] = {}
    engine_cols: dict[str, Any] = {}
    for name, spec in rs.fields.items():
        lo = spec.min if spec.min is not None else -1000.0
        hi = spec.max if spec.max is not None else 5000.0
        pool = [c for c in constants if lo <= c <= hi] + [lo, hi]
        if spec.kind == "category":
            values = st.sampled_from(list(spec.values))
        elif spec.kind == "bool":
            values = st.booleans()
        elif spec.kind == "integer":
            values = st.one_of(
                st.sampled_from([int(c) for c in pool if c == int(c)] or [int(lo)]),
                st.integers(int(lo), int(hi)),
            )
        else:
            values = st.one_of(
                st.sampled_from(pool),
                st.integers(int(lo) * 2, int(hi) * 2).map(lambda i: i / 2),
            )
        if spec.missing:
            values = st.one_of(st.none(), values)
        col = data.draw(st.lists(values, min_size=n, max_size=n))
        if spec.kind in ("number", "integer"):
            numpy_cols[name] = np.array(
                [np.nan if v is None else v for v in col], float
            )
            dtype = pl.Int64 if spec.kind == "integer" else pl.Float64
        elif spec.kind == "bool":
            numpy_cols[name] = pd.array(col, dtype="boolean")
            dtype = pl.Boolean
        else:
            numpy_cols[name] = np.array(col, dtype=object)
            dtype = pl.String
        engine_cols[name] = pl.Series(name, col, dtype=dtype)
    if {"recency_days", "tenure_days", "frequency"} <= set(numpy_cols):
        # facts a run can have: a first purchase no later than the last
        # (evaluate refuses a tenure below the recency since audit 40; the
        # engines do not check the data). A one-purchase buyer with one day
        # missing is completed alike on both paths.
        r, t = numpy_cols["recency_days"], numpy_cols["tenure_days"]
        t = np.where(t < r, r, t)
        for name, x in (("recency_days", r), ("tenure_days", t)):
            numpy_cols[name] = x
            engine_cols[name] = pl.Series(
                name, [None if np.isnan(v) else float(v) for v in x], dtype=pl.Float64
            )
    res = rs.evaluate(numpy_cols, lang="zh")
    frame = pl.DataFrame(list(engine_cols.values())).with_columns(
        pl.int_range(pl.len()).alias("row_id")
    )
    compiled = compile_rules(rs, backend="polars", lang="zh")
    out = _collect(compiled.apply(nw.from_native(frame.lazy())).to_native())
    for name, lab in res.labels.items():
        assert out[name].to_list() == lab.to_numpy().tolist(), name
    for set_name, (names, matrix) in res.tags.items():
        for j, tag in enumerate(names):
            assert out[f"{set_name}.{tag}"].to_list() == matrix[:, j].tolist()
    assert compiled.skipped == res.skipped == {}


def test_absent_optional_fields_are_left_out_like_numpy() -> None:
    """Outputs reading an absent optional field are skipped as by evaluate;
    an absent required field is an InputError."""
    rs = rules.load("mother_baby")
    base = ["recency_days", "frequency", "monetary", "tenure_days", "r", "f", "m"]
    compiled = compile_rules(rs, columns=base)
    res = rs.evaluate(
        {
            "recency_days": [1.0],
            "frequency": [1],
            "monetary": [5.0],
            "tenure_days": [3.0],
            "r": [5],
            "f": [1],
            "m": [1],
        }
    )
    assert compiled.skipped == res.skipped
    assert set(compiled.labels) == set(res.labels)
    assert compiled.tags == tuple(f"groups.{t}" for t in res.tags["groups"][0])
    with pytest.raises(InputError, match="'frequency' is not a column"):
        compile_rules(rs, columns=["recency_days"])


# --------------------------------------------------------------------------
# what cannot run in the engine


MEDIAN = """
format = 1
[fields]
monetary = { type = "number" }
[segments.value]
default = "low"
rules = [
  { label = "high", when = "monetary >= {agg}" },
]
"""


@pytest.mark.parametrize("backend", ["dask", "spark", None])
@pytest.mark.parametrize("agg", ["median(monetary)", "quantile(monetary, 0.9)"])
def test_exact_quantiles_need_an_exact_engine(backend: str | None, agg: str) -> None:
    """median() and quantile() in a condition are refused on engines without
    exact quantiles, naming the rule, its line and the feature."""
    text = MEDIAN.replace("{agg}", agg)
    with pytest.raises(RulesError) as info:
        compile_rules(rules.loads(text, path="shop.toml"), backend=backend)
    (diag,) = info.value.diagnostics
    assert diag.code == "engine-unsupported"
    line = text.splitlines()[diag.line - 1]
    assert diag.path == "shop.toml"
    assert line[diag.column - 1 : diag.end_column - 1] == agg  # the caret
    assert "rule 1 of segmentation 'value'" in diag.message
    assert agg in diag.message
    assert "aggregates=" in diag.hint


def test_given_aggregates_replace_engine_quantiles() -> None:
    """With the aggregate's value given, the rule compiles for any engine and
    labels as the NumPy path does."""
    rs = rules.loads(MEDIAN.replace("{agg}", "median(monetary)"))
    money = [1.0, 2.0, 3.0, 10.0]
    compiled = compile_rules(rs, backend="spark", aggregates={"median(monetary)": 2.5})
    frame = pl.DataFrame({"monetary": money, "row_id": range(4)})
    out = _collect(compiled.apply(nw.from_native(frame)).to_native())
    assert (
        out["value"].to_list()
        == rs.evaluate({"monetary": money})["value"].to_numpy().tolist()
    )


def test_quantile_scores_need_edges() -> None:
    """Quantile score edges fitted on the data need a global pass: without
    edges= the call is refused with the fix."""
    frame = pl.LazyFrame({"recency_days": [1.0], "frequency": [1], "monetary": [1.0]})
    with pytest.raises(ThresholdError, match="approx_rfm_edges"):
        label_in_engine(frame, preset="ecommerce")
    with pytest.raises(ThresholdError, match="approx_rfm_edges"):
        label_in_engine(frame)


def test_edges_must_fit_the_rules() -> None:
    """Edges with 3 scores for rules written for 1..5 are refused, as by segment."""
    frame = pl.LazyFrame({"recency_days": [1.0], "frequency": [1], "monetary": [1.0]})
    edges = RfmEdges(ScoreEdges((1, 2)), ScoreEdges((1, 2)), ScoreEdges((1, 2)))
    with pytest.raises(ThresholdError, match=r"1\.\.3"):
        label_in_engine(frame, preset="ecommerce", edges=edges)


def test_fixed_scores_in_the_rules_are_enough() -> None:
    """Rules that fix all three dimensions' edges need no edges=."""
    rs = rules.loads(
        """
format = 1
extends = "ecommerce"
[scores]
f = { edges = [1, 2, 3, 5] }
m = { edges = [10, 20, 30, 50] }
"""
    )
    frame = pl.DataFrame(
        {
            "recency_days": [10.0, None],
            "frequency": [4, 0],
            "monetary": [25.0, 0.0],
            "tenure_days": [50.0, None],
        }
    )
    out = label_in_engine(frame, rules=rs)
    assert out.select("r", "f", "m").rows() == [(5, 4, 3), (None, None, None)]
    assert "abc" not in out.columns  # ABC edges need a global sort: give them


# --------------------------------------------------------------------------
# edges from the engine


@FAST
@given(
    values=st.lists(st.integers(0, 30).map(float), min_size=1, max_size=60),
    bins=st.integers(2, 7),
)
def test_exact_engines_give_custseg_edges(values: list[float], bins: int) -> None:
    """Polars and DuckDB edges equal custseg.quantile_edges on the buyers,
    ties and midpoints included."""
    n = len(values)
    frame = pl.DataFrame(
        {
            "recency_days": values,
            "frequency": [int(v) % 4 for v in values],
            "monetary": [v * 1.5 - 3 for v in values],
        }
    )
    buyers = frame.filter(pl.col("frequency") > 0)
    if not len(buyers):
        with pytest.raises(InputError, match="frequency"):
            approx_rfm_edges(frame, bins=bins)
        return
    want = RfmEdges(
        *(
            quantile_edges(buyers[c].to_numpy(), bins)
            for c in ("recency_days", "frequency", "monetary")
        )
    )
    assert n
    for native in (frame, frame.lazy(), duckdb.from_arrow(frame.to_arrow())):
        assert approx_rfm_edges(native, bins=bins) == want


def test_edges_keep_the_rules_fixed_scores() -> None:
    """Dimensions the rules fix keep their edges; the others are fitted."""
    frame = pl.DataFrame(
        {
            "recency_days": [1.0, 2, 3, 4],
            "frequency": [1, 2, 3, 4],
            "monetary": [1.0, 2, 3, 4],
        }
    )
    got = approx_rfm_edges(frame, rules=rules.load("ecommerce"), bins=2)
    assert got.recency.cuts == (30.0, 90.0, 180.0, 270.0)
    assert got.frequency == quantile_edges([1, 2, 3, 4], 2)
    own = rules.loads("format = 1\n[scores]\nr = { edges = [7] }\nf = { bins = 3 }\n")
    got = approx_rfm_edges(frame, rules=own)  # the rules' bin counts
    assert (got.recency.cuts, got.frequency.bins, got.monetary.bins) == ((7.0,), 3, 5)


def test_bad_relative_error_is_refused() -> None:
    """relative_error outside [0, 1) is a ThresholdError."""
    frame = pl.DataFrame({"recency_days": [1.0], "frequency": [1], "monetary": [1.0]})
    with pytest.raises(ThresholdError, match="relative_error"):
        approx_rfm_edges(frame, relative_error=1.5)


# --------------------------------------------------------------------------
# Dask and Spark: one fixed case each

EDGES = RfmEdges(
    ScoreEdges((30, 90, 180, 270)),
    ScoreEdges((1, 2, 3, 5)),
    ScoreEdges((50, 200, 500, 1500)),
)
ABC = AbcEdges(a_min=800.0, b_min=200.0)


def _fixed_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    tx = custseg.datasets.simulate_transactions(400, seed=11)
    # a customer with refunds only: no purchase, missing recency and scores
    tx = pd.concat(
        [
            tx,
            pd.DataFrame(
                {"customer_id": [400], "date": [tx["date"].max()], "amount": [-5.0]}
            ),
        ],
        ignore_index=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        customers = custseg.segment(
            tx, preset="base", edges=EDGES, abc_edges=ABC
        ).customers.reset_index(drop=True)
    facts = customers[["recency_days", "frequency", "monetary", "tenure_days"]].copy()
    facts["row_id"] = np.arange(len(facts))
    return customers, facts


def _check_fixed(native: Any, customers: pd.DataFrame) -> None:
    out = _collect(native)
    assert out["rfm8"].null_count() == 0
    for col in _label_columns(customers, rules.load("base")):
        if col in customers.columns:
            assert out[col].to_list() == _values(customers[col]), col


@pytest.mark.filterwarnings("ignore:Dask support:FutureWarning")
def test_dask_matches_segment() -> None:
    """A fixed base-preset case (means in conditions) on Dask, 3 partitions."""
    dd = pytest.importorskip("dask.dataframe")
    customers, facts = _fixed_case()
    native = dd.from_pandas(facts, npartitions=3)
    out = label_in_engine(native, preset="base", edges=EDGES, abc_edges=ABC)
    assert type(out).__module__.startswith("dask")
    _check_fixed(out, customers)
    with pytest.raises(InputError, match="Dask"):
        approx_rfm_edges(native)


@pytest.fixture(scope="session")  # one per process: see test_engines.py
def spark() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if CI:
            raise
        pytest.skip("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if CI:
            pytest.fail("Java is needed for the Spark tests on CI")
        pytest.skip("no Java for Spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("custseg-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.codegen.wholeStage", "false")  # small data: no compiling
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_matches_segment_and_edges_within_bound(spark: Any) -> None:
    """A fixed base-preset case on Spark (NaN recency for no purchase) equals
    custseg.segment; approxQuantile edges are exact with relative_error=0 and
    within the rank bound otherwise."""
    customers, facts = _fixed_case()
    native = spark.createDataFrame(
        [tuple(row) for row in facts.itertuples(index=False)], list(facts.columns)
    )
    out = label_in_engine(native, preset="base", edges=EDGES, abc_edges=ABC)
    assert type(out).__module__.startswith("pyspark")
    _check_fixed(out, customers)
    buyers = facts[facts["frequency"] > 0]
    exact = RfmEdges(
        *(
            quantile_edges(buyers[c], 5)
            for c in ("recency_days", "frequency", "monetary")
        )
    )
    assert approx_rfm_edges(native, relative_error=0.0) == exact
    eps = 0.05
    approx = approx_rfm_edges(native, relative_error=eps)
    n = len(buyers)
    for c, dim in zip(
        ("recency_days", "frequency", "monetary"),
        (approx.recency, approx.frequency, approx.monetary),
        strict=True,
    ):
        ordered = np.sort(buyers[c].to_numpy(dtype=float))
        for k, cut in enumerate(dim.cuts, start=1):
            lo = ordered[max(0, math.floor((k / 5 - eps) * n) - 1)]
            hi = ordered[min(n - 1, math.ceil((k / 5 + eps) * n))]
            assert lo <= cut <= hi, (c, k, cut, lo, hi)


FIXED_FEATURES = {
    "x": [None, 1.0, 0.0, 2.5, -1.0, 0.0, 7.5],
    "y": [0.0, 0.0, 0.0, None, 2.0, -2.0, 2.5],
    "k": [1, None, 3, 6, 0, 2, 5],
    "c": ["a", None, "b", "c", "a", None, "b"],
    "d": ["a", "b", None, "c", "b", None, "b"],
    "flag": [True, None, False, True, None, False, True],
}
FEATURE_SCHEMA = (
    "x double, y double, k long, c string, d string, flag boolean, row_id long"
)


def _check_features(native: Any) -> None:
    rs = rules.loads(FEATURES)
    expected = _expected(rs, FIXED_FEATURES)
    compiled = compile_rules(rs, backend=None, explain=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Dask support", FutureWarning)
        frame = nw.from_native(native)
    out = _collect(compiled.apply(frame).to_native())
    for name, values in expected.items():
        assert out[name].to_list() == values, name


def test_dask_rules_features_match_numpy() -> None:
    """Every expression kind of FEATURES on Dask (pandas-backed: None != 'a'
    is True there, so categories need their known masks) equals NumPy."""
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame({**FIXED_FEATURES, "row_id": range(7)})
    frame["k"] = frame["k"].astype("Float64").astype(float)
    frame["flag"] = frame["flag"].astype("boolean")
    _check_features(dd.from_pandas(frame, npartitions=2))


def test_spark_rules_features_match_numpy(spark: Any) -> None:
    """Every expression kind of FEATURES on Spark (ANSI mode: no division by
    zero reaches the engine; dotted tag names) equals NumPy."""
    rows = list(zip(*FIXED_FEATURES.values(), range(7), strict=True))
    _check_features(spark.createDataFrame(rows, FEATURE_SCHEMA))


def test_engine_facts_then_labels_match_segment() -> None:
    """Transactions summarised in the engine (custseg.engines.engine_facts)
    and labelled there equal custseg.segment on the same transactions, on a
    Polars LazyFrame and a DuckDB relation."""
    engines = pytest.importorskip("custseg.engines")
    tx = custseg.datasets.simulate_transactions(300, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        expected = custseg.segment(
            tx, preset="base", edges=EDGES, abc_edges=ABC
        ).customers
    expected = expected.sort_index()
    natives = {
        "polars-lazy": pl.from_pandas(tx).lazy(),
        "duckdb": duckdb.from_arrow(pl.from_pandas(tx).to_arrow()),
    }
    for engine, native in natives.items():
        facts = engines.engine_facts(native).frame
        out = label_in_engine(facts, preset="base", edges=EDGES, abc_edges=ABC)
        got = nw.from_native(out).sort("customer_id").lazy().collect().to_polars()
        assert got["customer_id"].to_list() == expected.index.tolist(), engine
        for col in _label_columns(expected, rules.load("base")):
            if col not in expected.columns:  # reads record fields
                assert col not in got.columns, (engine, col)
                continue
            assert got[col].to_list() == _values(expected[col]), (engine, col)


QUANTILES = """
format = 1
[fields]
x = { type = "number", missing = true }
[segments.q]
default = "low"
rules = [
  { label = "top", when = "x >= quantile(x, 0.9)" },
  { label = "high", when = "x > median(x)" },
  { label = "mid", when = "x == median(x) or x == quantile(x, 0.25)" },
  { label = "nan", when = "missing(x)" },
]
"""


@settings(FAST, max_examples=40)
@given(
    values=st.lists(
        st.one_of(st.none(), st.integers(-20, 20).map(lambda i: i / 2)),
        min_size=1,
        max_size=30,
    ),
    engine=st.sampled_from(ENGINES),
)
def test_exact_quantiles_match_numpy(values: list[Any], engine: str) -> None:
    """median() and quantile() computed by Polars and DuckDB (linear
    interpolation, missing values skipped) label as NumPy does, ties and
    values equal to the quantile included."""
    rs = rules.loads(QUANTILES)
    expected = rs.evaluate({"x": np.array(values, dtype=float)})["q"].to_numpy()
    frame = pl.DataFrame({"x": values, "row_id": range(len(values))})
    frame = frame.with_columns(pl.col("x").cast(pl.Float64))
    native = _engines(frame, nan=False)[engine]
    out = _collect(
        compile_rules(rs, backend="duckdb").apply(nw.from_native(native)).to_native()
    )
    assert out["q"].to_list() == expected.tolist()
