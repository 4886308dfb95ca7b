"""Audit 32 (rules in the engines): aggregates told apart by their whole
text, ``-0.0`` in ``x in (0, ...)``, pandas ``object`` columns of booleans
and Decimals read by their values, an earlier run's ``.rule`` column dropped
without ``explain``, and a pandas or Dask frame's index kept beside
aggregates."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg._engine_rules import compile_rules
from custseg.errors import InputError

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals")
duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dask
        import dask.dataframe as dd
except ImportError:  # pragma: no cover - dask is optional
    dd = None

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ENGINES = ("pandas", "polars", "polars-lazy", "duckdb", "pyarrow")


def _frame(engine: str, df: pd.DataFrame) -> Any:
    if engine == "pandas":
        return df
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


def _apply(rs: Any, engine: str, native: Any, **kw: Any) -> pd.DataFrame:
    """The labelled frame as pandas (index kept for pandas and Dask)."""
    backend = "polars" if engine.startswith("polars") else engine
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = compile_rules(rs, backend=backend, **kw).apply(nw.from_native(native))
        if engine == "dask":
            return out.to_native().compute()
        if hasattr(out, "collect"):
            out = out.collect()
        got = out.to_native()
    if engine == "pandas":
        return got
    return nw.from_native(got).to_pandas()


def _labels(rs: Any, engine: str, df: pd.DataFrame, names: list[str]) -> dict:
    out = _apply(rs, engine, _frame(engine, df))
    return {n: [None if pd.isna(v) else v for v in out[n]] for n in names}


def _numpy(rs: Any, df: pd.DataFrame, names: list[str]) -> dict:
    ref = rs.evaluate(df)
    return {n: list(ref[n]) for n in names}


# 1. aggregates whose where= differ only in an operator --------------------

AGG_RULES = """format = 1
[fields]
x = {{ type = "number" }}
a = {{ type = "number" }}
[segments.one]
default = "none"
rules = [{{ label = "top", when = "x >= {f}(x, where={w1})" }}]
[segments.two]
default = "none"
rules = [{{ label = "top", when = "x >= {f}(x, where={w2})" }}]
"""
OPS = ("<", ">", "<=", ">=", "==", "!=")


def test_worked_example_operators_give_two_aggregates() -> None:
    rs = rules.loads(
        AGG_RULES.format(f="mean", w1="a > 0", w2="a < 0").replace(">=", ">")
    )
    df = pd.DataFrame({"x": [1.0, 2.0, 10.0, 20.0], "a": [1.0, 1.0, -1.0, -1.0]})
    for engine in ENGINES:
        got = _labels(rs, engine, df, ["one", "two"])
        assert got["two"] == ["none", "none", "none", "top"], engine
        assert got == _numpy(rs, df, ["one", "two"]), engine


@FAST
@given(
    func=st.sampled_from(["mean", "min", "max", "median"]),
    ops=st.lists(st.sampled_from(OPS), min_size=2, max_size=2, unique=True),
    arith=st.sampled_from(["", " + 1", " - 1", " * 2", " / 2"]),
    arith2=st.sampled_from(["", " + 1", " - 1", " * 2", " / 2"]),
    xs=st.lists(st.integers(-20, 20), min_size=1, max_size=8),
    data=st.data(),
)
def test_aggregates_differing_in_an_operator_are_two_columns(
    func: str, ops: list[str], arith: str, arith2: str, xs: list[int], data: Any
) -> None:
    a = data.draw(st.lists(st.integers(-2, 2), min_size=len(xs), max_size=len(xs)))
    # every where= must keep a row, or the aggregate is missing on both paths
    a[0], a[-1] = -2, 2
    w1, w2 = f"a{arith} {ops[0]} 0", f"a{arith2} {ops[1]} 0"
    rs = rules.loads(AGG_RULES.format(f=func, w1=w1, w2=w2))
    df = pd.DataFrame({"x": [float(v) for v in xs], "a": [float(v) for v in a]})
    try:
        want = _numpy(rs, df, ["one", "two"])
    except InputError:  # a where= no row passes: not this test's subject
        return
    engines = ENGINES if func != "median" else ("polars", "duckdb", "pyarrow")
    for engine in engines:
        assert _labels(rs, engine, df, ["one", "two"]) == want, (engine, w1, w2)


# 2. -0.0 in (0, ...) ----------------------------------------------------

IN_RULES = """format = 1
[fields]
x = {{ type = "number", missing = true }}
[segments.s]
default = "other"
rules = [{{ label = "hit", when = "x {op} ({values})" }}]
"""


def test_worked_example_negative_zero_is_in_zero() -> None:
    rs = rules.loads(IN_RULES.format(op="in", values="0, 5"))
    df = pd.DataFrame({"x": [-0.0, 0.0, 5.0]})
    want = ["hit", "hit", "hit"]
    assert _numpy(rs, df, ["s"])["s"] == want
    for engine in ENGINES:
        assert _labels(rs, engine, df, ["s"])["s"] == want, engine
    arrow = df.astype("double[pyarrow]")
    assert _labels(rs, "pandas", arrow, ["s"])["s"] == want
    if dd is not None:
        assert _labels(rs, "dask", arrow, ["s"])["s"] == want


@FAST
@given(
    xs=st.lists(
        st.sampled_from([-0.0, 0.0, 1.0, -1.0, 2.5, None]), min_size=1, max_size=6
    ),
    values=st.lists(st.sampled_from(["0", "-0.0", "1", "-1", "2.5"]), min_size=1),
    op=st.sampled_from(["in", "not in"]),
    arrow=st.booleans(),
)
def test_number_in_treats_zeros_alike(
    xs: list[Any], values: list[str], op: str, arrow: bool
) -> None:
    rs = rules.loads(IN_RULES.format(op=op, values=", ".join(values) + ","))
    df = pd.DataFrame({"x": pd.array(xs, dtype="float64")})
    want = _numpy(rs, df, ["s"])
    if arrow:
        df = df.astype("double[pyarrow]")
    for engine in ENGINES:
        assert _labels(rs, engine, df, ["s"]) == want, engine


# 3. a bool field in a pandas object column ------------------------------

BOOL_RULES = rules.loads(
    """format = 1
[fields]
vip = { type = "bool", missing = true }
[segments.s]
default = "regular"
rules = [{ label = "not_vip", when = "not vip" }, { label = "vip", when = "vip" }]
"""
)


def test_worked_example_object_booleans_label() -> None:
    for values in ([True, False, None], [True, False, True]):
        df = pd.DataFrame({"vip": pd.Series(values, dtype=object)})
        out = _apply(BOOL_RULES, "pandas", df)
        assert list(out["s"]) == list(BOOL_RULES.evaluate(df)["s"])
        assert out["vip"].dtype == object  # given back as it came
        assert list(out["vip"]) == values


@FAST
@given(values=st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=8))
def test_object_booleans_label_as_numpy(values: list[Any]) -> None:
    df = pd.DataFrame({"vip": pd.Series(values, dtype=object)})
    want = list(BOOL_RULES.evaluate(df)["s"])
    assert list(_apply(BOOL_RULES, "pandas", df)["s"]) == want
    if dd is not None:
        with dask.config.set({"dataframe.convert-string": False}):
            ddf = dd.from_pandas(df, npartitions=2)
            assert list(_apply(BOOL_RULES, "dask", ddf)["s"]) == want


@pytest.mark.skipif(dd is None, reason="dask is not installed")
def test_dask_text_booleans_refused_with_a_fix_that_works() -> None:
    df = pd.DataFrame({"vip": pd.Series([True, False, None], dtype=object)})
    with dask.config.set({"dataframe.convert-string": True}):
        ddf = dd.from_pandas(df, npartitions=2)
    with pytest.raises(InputError, match="'vip'") as exc:
        _apply(BOOL_RULES, "dask", ddf)
    assert "nw.col('vip') == 'True'" in str(exc.value)
    fixed = nw.from_native(ddf).with_columns(nw.col("vip") == "True").to_native()
    assert list(_apply(BOOL_RULES, "dask", fixed)["s"]) == list(
        BOOL_RULES.evaluate(df)["s"]
    )


# 4. Decimals in a pandas object column ----------------------------------

DEC_RULES = rules.loads(
    """format = 1
[fields]
spend = { type = "number", missing = true }
[segments.s]
default = "low"
rules = [{ label = "big", when = "spend >= 1000" }]
[tables.band]
field = "spend"
breaks = [1000]
labels = ["under", "over"]
missing = "unknown"
"""
)


SIGNED_RULES = rules.loads(
    """format = 1
[fields]
spend = { type = "number", missing = true }
[segments.s]
default = "mid"
rules = [
  { label = "big", when = "spend >= 1000" },
  { label = "small", when = "spend <= -1000" },
]
[tables.band]
field = "spend"
breaks = [-1000, 1000]
labels = ["under", "within", "over"]
missing = "unknown"
"""
)


def test_worked_example_object_decimals_compared_exactly() -> None:
    values = [Decimal("999.999999999999999999"), Decimal("1000")]
    df = pd.DataFrame({"spend": pd.Series(values, dtype=object)})
    out = _apply(DEC_RULES, "pandas", df)
    assert list(out["s"]) == ["low", "big"]
    assert list(out["band"]) == ["under", "over"]
    assert out["spend"].dtype == object and list(out["spend"]) == values
    # the tightest decimal type of 999.99999999999999 ends below the cut
    tight = pd.DataFrame(
        {"spend": pd.Series([values[0]], dtype=pd.ArrowDtype(pa.decimal128(21, 18)))}
    )
    for engine in ENGINES:
        assert _labels(DEC_RULES, engine, tight, ["s"])["s"] == ["low"], engine


@FAST
@given(
    places=st.lists(st.integers(1, 25), min_size=1, max_size=6),
    signs=st.lists(st.sampled_from([-1, 0, 1]), min_size=6, max_size=6),
    nulls=st.lists(st.booleans(), min_size=6, max_size=6),
    ints=st.booleans(),
)
def test_object_numbers_label_as_numpy(
    places: list[int], signs: list[int], nulls: list[bool], ints: bool
) -> None:
    if ints:  # Python ints around a cut of 1e15
        rs = rules.loads(
            "format = 1\n[fields]\nspend = { type = 'number', missing = true }\n"
            "[segments.s]\ndefault = 'low'\n"
            "rules = [{ label = 'big', when = 'spend > 1000000000000000' }]\n"
        )
        values: list[Any] = [
            10**15 + s * p for p, s in zip(places, signs, strict=False)
        ]
    else:
        rs = DEC_RULES
        values = [
            Decimal(1000) + s * Decimal(1).scaleb(-p)
            for p, s in zip(places, signs, strict=False)
        ]
    values = [None if gone else v for v, gone in zip(values, nulls, strict=False)]
    df = pd.DataFrame({"spend": pd.Series(values, dtype=object)})
    names = [n for n in ("s", "band") if n in rs.outputs]
    want = _numpy(rs, df, names)
    assert _labels(rs, "pandas", df, names) == want


@FAST
@given(
    places=st.integers(8, 25),
    sign=st.sampled_from([-1, 1]),
    side=st.sampled_from([-1, -1, -1, 1]),  # mostly within the cut's digits
    engine=st.sampled_from(ENGINES),
)
def test_tight_decimal_types_near_a_cut_label_as_numpy(
    places: int, sign: int, side: int, engine: str
) -> None:
    """A decimal type just wide enough for a value that rounds onto the cut
    (999.99999999999999 in DECIMAL(17, 14), whose range ends below 1000)."""
    value = sign * (Decimal(1000) + side * Decimal(1).scaleb(-places))
    column = pa.array([value, None])  # its own, tightest decimal type
    df = pd.DataFrame({"spend": pd.Series(column.to_pylist(), dtype=object)})
    want = _numpy(SIGNED_RULES, df, ["s", "band"])
    typed = pd.DataFrame({"spend": pd.Series(column, dtype=pd.ArrowDtype(column.type))})
    assert _labels(SIGNED_RULES, engine, typed, ["s", "band"]) == want, column.type


def test_object_numbers_not_exactly_held_are_refused() -> None:
    for values in ([Fraction(1, 3), 2], [Decimal("1.5"), 2.5], ["a", 1]):
        df = pd.DataFrame({"spend": pd.Series(values, dtype=object)})
        with pytest.raises(InputError, match=r"'spend'.*object column"):
            _apply(DEC_RULES, "pandas", df)


# 5. an earlier run's .rule column without explain -------------------------

V1 = """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "low"
rules = [%s]
"""
BIG, MID = (
    '{ label = "big", when = "x >= 1000" }',
    '{ label = "mid", when = "x >= 10" }',
)


def test_worked_example_stale_rule_column_dropped() -> None:
    v1, v2 = rules.loads(V1 % f"{BIG}, {MID}"), rules.loads(V1 % f"{MID}, {BIG}")
    df = pd.DataFrame({"x": [5.0, 50.0, 5000.0]})
    for engine in ENGINES:
        backend = "polars" if engine.startswith("polars") else engine
        first = compile_rules(v1, backend=backend, explain=True).apply(
            nw.from_native(_frame(engine, df))
        )
        again = compile_rules(v2, backend=backend).apply(first)
        assert again.columns == ["x", "s"], engine
        explained = compile_rules(v2, backend=backend, explain=True).apply(first)
        assert explained.columns == ["x", "s", "s.rule"], engine


@FAST
@given(
    xs=st.lists(st.sampled_from([5.0, 50.0, 5000.0]), min_size=1, max_size=5),
    engine=st.sampled_from(ENGINES),
    order=st.booleans(),
)
def test_relabelled_frame_has_the_columns_of_apply_rules(
    xs: list[float], engine: str, order: bool
) -> None:
    from custseg.frame import apply_rules

    v1 = rules.loads(V1 % (f"{BIG}, {MID}" if order else f"{MID}, {BIG}"))
    v2 = rules.loads(V1 % f"{MID}, {BIG}")
    df = pd.DataFrame({"x": xs})
    backend = "polars" if engine.startswith("polars") else engine
    first = compile_rules(v1, backend=backend, explain=True).apply(
        nw.from_native(_frame(engine, df))
    )
    again = compile_rules(v2, backend=backend).apply(first)
    ref = apply_rules(apply_rules(df, v1, explain=True), v2)
    assert list(again.columns) == list(ref.columns)


# 6. the index of a pandas or Dask frame beside aggregates ---------------

MEAN_RULES = rules.loads(
    """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "low"
rules = [{ label = "hi", when = "x > mean(x)" }]
"""
)


def test_worked_example_preset_keeps_customer_ids() -> None:
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import label_in_engine

    facts = pd.DataFrame(
        {
            "recency_days": [3.0, 400.0, 100.0],
            "frequency": [12, 1, 3],
            "monetary": [2500.0, 30.0, 300.0],
            "tenure_days": [700.0, 400.0, 500.0],
        },
        index=pd.Index([2, 0, 1], name="customer_id"),
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = label_in_engine(facts, preset="ecommerce", edges=edges)
    assert out.index.equals(facts.index) and out.index.name == "customer_id"
    assert list(facts.join(out[["rfm11"]])["rfm11"]) == list(out["rfm11"])
    assert out.loc[2, "rfm11"] == "Champions"


@FAST
@given(
    xs=st.lists(st.integers(0, 50), min_size=1, max_size=8),
    data=st.data(),
)
def test_index_kept_beside_aggregates(xs: list[int], data: Any) -> None:
    ids = data.draw(
        st.lists(st.integers(0, 5), min_size=len(xs), max_size=len(xs))  # repeats
    )
    df = pd.DataFrame({"x": [float(v) for v in xs]}).set_axis(
        pd.Index(ids, name="customer_id")
    )
    want = list(MEAN_RULES.evaluate(df.reset_index(drop=True))["s"])
    out = _apply(MEAN_RULES, "pandas", df)
    assert out.index.equals(df.index) and out.index.name == "customer_id"
    assert list(out["s"]) == want
    assert list(out["x"]) == list(df["x"])


@pytest.mark.skipif(dd is None, reason="dask is not installed")
def test_dask_index_kept_beside_aggregates() -> None:
    df = pd.DataFrame({"x": [1.0, 20.0, 5.0, 30.0]}).set_axis(
        pd.Index([13, 11, 12, 10], name="customer_id")
    )
    ddf = dd.from_pandas(df, npartitions=2, sort=False)
    out = _apply(MEAN_RULES, "dask", ddf)
    given_back = ddf.compute()
    assert out.index.equals(given_back.index)
    assert out.index.name == "customer_id"
    want = MEAN_RULES.evaluate(given_back.reset_index(drop=True))
    assert list(out["s"]) == list(want["s"])


# 7. documented: a null in a field without missing = true ------------------


def test_table_without_missing_label_gives_null_on_a_null() -> None:
    rs = rules.loads(
        """format = 1
[fields]
x = { type = "number" }
[tables.tx]
field = "x"
breaks = [0, 10]
labels = ["lo", "mid", "hi"]
"""
    )
    df = pd.DataFrame({"x": [1.0, None, 20.0]})
    for engine in ("polars", "duckdb"):
        assert _labels(rs, engine, df, ["tx"])["tx"] == ["mid", None, "hi"]
