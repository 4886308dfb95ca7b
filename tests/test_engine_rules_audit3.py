"""Audit 3 (engines #5, #6): column types of rules fields checked from the
schema; missing values among the buyers refused by approx_rfm_edges."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg._engine_rules import approx_rfm_edges, compile_rules, label_in_engine
from custseg.errors import InputError
from custseg.rfm import RfmEdges, ScoreEdges, quantile_edges

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals.stable.v2")
duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dask.dataframe as dd
except ImportError:  # pragma: no cover - dask is optional
    dd = None

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ENGINES = ("polars", "polars-lazy", "duckdb", "pyarrow") + (
    ("dask",) if dd is not None else ()
)

HEAD = """format = 1
[fields]
x = { type = "%s", missing = true%s }
[segments.s]
default = "no"
rules = [ { label = "yes", when = "%s" } ]
"""
CONDITION = {
    "number": ("", "x > 1"),
    "integer": ("", "x > 1"),
    "category": (', values = ["1", "2", "a", "b"]', "x == '1'"),
    "bool": ("", "x"),
}


def _rules(kind: str) -> Any:
    extra, when = CONDITION[kind]
    return rules.loads(HEAD % (kind, extra, when))


def _frame(engine: str, df: pd.DataFrame) -> Any:
    if engine == "polars":
        return pl.from_pandas(df)
    if engine == "polars-lazy":
        return pl.from_pandas(df).lazy()
    if engine == "duckdb":
        return duckdb.from_arrow(pa.Table.from_pandas(df, preserve_index=False))
    if engine == "pyarrow":
        return pa.Table.from_pandas(df, preserve_index=False)
    assert dd is not None
    return dd.from_pandas(df, npartitions=2)


def _backend(engine: str) -> str:
    return "polars" if engine.startswith("polars") else engine


def _labels(engine: str, kind: str, df: pd.DataFrame) -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        er = compile_rules(_rules(kind), backend=_backend(engine))
        out = er.apply(nw.from_native(_frame(engine, df)))
        if hasattr(out, "collect"):
            out = out.collect()
        return list(
            out.to_native()["s"].to_pylist()
            if engine == "pyarrow"
            else nw.from_native(out.to_native()).to_pandas()["s"]
        )


# the column types that do not fit each declared type
WRONG = {
    "number": {
        "text": ["1", "2", "3"],
        "bool": [True, False, True],
    },
    "integer": {
        "text": ["1", "2", "3"],
        "bool": [True, False, True],
    },
    "category": {
        "int": [1, 2, 1],
        "float": [1.0, 2.0, 1.0],
        "bool": [True, False, True],
    },
    "bool": {
        "int": [1, 0, 1],
        "float": [1.0, 0.0, 1.0],
        "text": ["true", "false", "true"],
    },
}
CASES = [(k, t) for k, by in WRONG.items() for t in by]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("kind", "held_as"), CASES)
def test_a_column_type_that_does_not_fit_the_field_is_one_input_error(
    engine: str, kind: str, held_as: str
) -> None:
    df = pd.DataFrame({"x": WRONG[kind][held_as]})
    if held_as == "text":
        df["x"] = df["x"].astype(object)
    with pytest.raises(InputError) as info:
        _labels(engine, kind, df)
    msg = str(info.value)
    assert info.value.field == "x"
    assert f"declared a {kind} field" in msg
    assert "cast it in the engine" in msg


@FAST
@given(
    kind=st.sampled_from(sorted(WRONG)),
    data=st.data(),
)
def test_wrong_types_are_refused_whatever_the_values(kind: str, data: Any) -> None:
    """Hypothesis over the class: any values of a wrong type, any length."""
    held_as = data.draw(st.sampled_from(sorted(WRONG[kind])))
    n = data.draw(st.integers(1, 6))
    values: Any
    if held_as == "int":
        values = data.draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    elif held_as == "float":
        values = data.draw(
            st.lists(st.floats(-3, 3, allow_nan=False), min_size=n, max_size=n)
        )
    elif held_as == "bool":
        values = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    else:
        values = data.draw(
            st.lists(st.sampled_from(["1", "a", "true"]), min_size=n, max_size=n)
        )
    engine = data.draw(st.sampled_from(("polars", "polars-lazy", "duckdb")))
    with pytest.raises(InputError, match=f"declared a {kind} field"):
        _labels(
            engine,
            kind,
            pd.DataFrame(
                {"x": pd.Series(values, dtype=object) if held_as == "text" else values}
            ),
        )


# the column types that fit: labels as the NumPy path gives them
FITS = [
    ("number", pd.Series([0.5, 2.0, None], dtype="float64"), ["no", "yes", "no"]),
    ("integer", pd.Series([1, 2, 3], dtype="int64"), ["no", "yes", "yes"]),
    ("integer", pd.Series([1, 2, None], dtype="Int32"), ["no", "yes", "no"]),
    ("category", pd.Series(["1", "2", None], dtype=object), ["yes", "no", "no"]),
    ("category", pd.Series(["1", "2", "1"], dtype="category"), ["yes", "no", "yes"]),
    ("bool", pd.Series([True, False, True]), ["yes", "no", "yes"]),
    ("bool", pd.Series([True, None, False], dtype="boolean"), ["yes", "no", "no"]),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("kind", "col", "want"), FITS)
def test_fitting_column_types_still_label(
    engine: str, kind: str, col: pd.Series, want: list[str]
) -> None:
    df = pd.DataFrame({"x": col})
    assert _labels(engine, kind, df) == want
    assert _rules(kind).evaluate(df)["s"].to_numpy().tolist() == want


def test_dask_object_booleans_with_none_label_or_are_refused_clearly() -> None:
    """Dask turns an object column to strings (by default): refused with the
    fix; with the conversion off, the booleans label as in NumPy."""
    if dd is None:
        pytest.skip("dask is not installed")
    df = pd.DataFrame({"x": pd.Series([True, None, False], dtype=object)})
    try:
        got = _labels("dask", "bool", df)
    except InputError as exc:
        assert "declared a bool field" in str(exc)
    else:
        assert got == ["yes", "no", "no"]


def test_polars_enum_and_all_null_columns_fit() -> None:
    rs = _rules("category")
    lf = pl.LazyFrame({"x": ["1", "2"]}, schema={"x": pl.Enum(["1", "2"])})
    out = compile_rules(rs, backend="polars").apply(nw.from_native(lf))
    assert out.collect()["s"].to_list() == ["yes", "no"]
    nulls = pl.LazyFrame({"x": [None, None]})  # type Null: says nothing
    out = compile_rules(rs, backend="polars").apply(nw.from_native(nulls))
    assert out.collect()["s"].to_list() == ["no", "no"]


def test_pyarrow_dictionary_column_fits_a_category_field() -> None:
    table = pa.table({"x": pa.array(["1", "2", "1"]).dictionary_encode()})
    out = compile_rules(_rules("category"), backend="pyarrow").apply(
        nw.from_native(table)
    )
    assert out.to_native()["s"].to_pylist() == ["yes", "no", "yes"]


def test_the_check_reads_no_data() -> None:
    """A lazy frame whose data would fail: the schema alone decides."""
    lf = pl.LazyFrame({"x": [1, 2]}).with_columns(pl.col("x").cast(pl.Int64))
    lf = lf.map_batches(lambda _: (_ for _ in ()).throw(AssertionError("read")))
    with pytest.raises(InputError, match="declared a category field"):
        compile_rules(_rules("category"), backend="polars").apply(nw.from_native(lf))


def test_label_in_engine_checks_the_rules_fields() -> None:
    rs = rules.loads(HEAD % ("bool", "", "x"))
    facts = pl.LazyFrame(
        {
            "recency_days": [1.0, 2.0],
            "frequency": [1, 2],
            "monetary": [1.0, 2.0],
            "x": [1, 0],
        }
    )
    edges = RfmEdges(ScoreEdges((1.5,)), ScoreEdges((1.5,)), ScoreEdges((1.5,)))
    with pytest.raises(InputError, match="'x' is declared a bool field"):
        label_in_engine(facts, rules=rs, edges=edges)
    ok = facts.with_columns(pl.col("x").cast(pl.Boolean))
    out = label_in_engine(ok, rules=rs, edges=edges).collect()
    assert out["s"].to_list() == ["yes", "no"]


def test_only_the_fields_read_are_checked() -> None:
    """An output left out (an absent optional field) and an unread field are
    not checked."""
    rs = rules.loads(
        """format = 1
[fields]
x = { type = "number" }
y = { type = "bool" }
[segments.s]
default = "no"
rules = [ { label = "yes", when = "x > 1" } ]
"""
    )
    df = pl.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    out = compile_rules(rs, backend="polars").apply(nw.from_native(df))
    assert out["s"].to_list() == ["no", "yes"]


# --------------------------------------------------------------------------
# approx_rfm_edges: missing values among the buyers


EDGE_ENGINES = ("polars", "polars-lazy", "duckdb", "pyarrow")


def _facts(engine: str, columns: dict[str, list[Any]]) -> Any:
    df = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Float64))
    if engine == "polars":
        return df
    if engine == "polars-lazy":
        return df.lazy()
    if engine == "duckdb":
        return duckdb.from_arrow(df.to_arrow())
    return df.to_arrow()


@pytest.mark.parametrize("engine", EDGE_ENGINES)
@pytest.mark.parametrize("nan", [False, True])
@pytest.mark.parametrize("column", ["recency_days", "monetary"])
@pytest.mark.parametrize("bins", [2, 5])
def test_missing_values_among_buyers_are_an_input_error(
    engine: str, nan: bool, column: str, bins: int
) -> None:
    cols: dict[str, list[Any]] = {
        "recency_days": [1.0, 2, 3, 4, 5, 6],
        "frequency": [1.0, 2, 3, 4, 5, 6],
        "monetary": [1.0, 2, 3, 4, 5, 6],
    }
    cols[column] = list(cols[column])
    cols[column][2] = math.nan if nan else None
    facts = _facts(engine, cols)
    with pytest.raises(InputError) as info:
        approx_rfm_edges(facts, bins=bins)
    assert info.value.field == column
    assert "missing" in str(info.value)


@FAST
@given(
    values=st.lists(
        st.one_of(st.none(), st.just(math.nan), st.floats(0, 100, allow_nan=False)),
        min_size=1,
        max_size=12,
    ),
    bins=st.integers(2, 6),
    engine=st.sampled_from(("polars", "polars-lazy", "duckdb")),
)
def test_edges_are_the_cores_or_its_error(
    values: list[Any], bins: int, engine: str
) -> None:
    """Hypothesis over the class: the engine gives the core's edges, or an
    InputError where the core refuses missing values; never other edges,
    never a KeyError."""
    n = len(values)
    cols = {
        "recency_days": [float(i) for i in range(n)],
        "frequency": [1.0] * n,
        "monetary": values,
    }
    facts = _facts(engine, cols)
    arr = np.array([math.nan if x is None else x for x in values], dtype=float)
    try:
        want = quantile_edges(arr, bins)
    except InputError:
        with pytest.raises(InputError, match="monetary"):
            approx_rfm_edges(facts, bins=bins)
        return
    assert approx_rfm_edges(facts, bins=bins).monetary == want


def test_non_buyers_may_have_missing_values() -> None:
    """Only the buyers' values are fitted: a non-buyer's null is fine."""
    facts = pl.DataFrame(
        {
            "recency_days": [1.0, 2.0, None],
            "frequency": [1, 2, 0],
            "monetary": [1.0, 3.0, None],
        }
    )
    edges = approx_rfm_edges(facts, bins=2)
    assert edges.monetary == quantile_edges(np.array([1.0, 3.0]), 2)
    assert edges.recency == quantile_edges(np.array([1.0, 2.0]), 2)
