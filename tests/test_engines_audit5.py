"""Engine defects found by the fifth audit.

- ``aggregates=`` of the engine rules is checked as the core checks it (a key
  the rules do not read, a missing key, ``{}``: InputError), never silently
  refitted in the engine;
- PyArrow decimal columns are read as the correctly rounded doubles of the
  decimals (Arrow's own decimal -> float64 cast is not correctly rounded);
- the engine functions leave the process-wide warning filters alone (they
  are one list per process: changing them for a moment is not thread-safe).

Frames are tiny and hypothesis runs few examples; Spark is not started.
"""

from __future__ import annotations

import inspect
import threading
import warnings
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import RfmEdges, ScoreEdges, rules
from custseg.errors import InputError, ThresholdError

nw = pytest.importorskip(
    "narwhals", reason="needs narwhals (pip install 'custseg[polars]')"
)

from custseg import engines  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402

FEW = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

RULES = rules.loads(
    """format = 1
[fields]
spend = { type = "number", missing = true }
visits = { type = "number" }
[segments.kind]
default = "small"
rules = [
  { label = "big", when = "spend > mean(spend) and visits >= min(visits)" },
  { label = "mid", when = "spend >= max(spend, where=visits > 1) / 2" },
]
"""
)
DATA = {"spend": [10.0, 20.0, 90.0, None], "visits": [1.0, 2.0, 3.0, 1.0]}


def problem(exc: InputError) -> tuple[str, str]:
    """The kind of problem (the first key named may differ: the core and the
    engine visit the aggregates in different orders)."""
    text = str(exc)
    kind = "missing" if "has no value for" in text else "unknown"
    return (exc.field, kind if "has no value" in text or "not read" in text else text)


def core_or_error(aggs: Any) -> Any:
    try:
        out = RULES.evaluate(pd.DataFrame(DATA), aggregates=aggs)
    except InputError as exc:
        return problem(exc)
    return out["kind"].to_numpy().tolist()


def engine_or_error(frame: Any, aggs: Any) -> Any:
    try:
        compiled = engines.compile_rules(RULES, aggregates=aggs)
    except InputError as exc:
        return problem(exc)
    return compiled.apply(nw.from_native(frame))["kind"].to_list()


# --------------------------------------------------------------------------
# aggregates=


@st.composite
def aggregate_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """The fitted aggregates with keys dropped, renamed or added."""
    fitted = RULES.aggregates(pd.DataFrame(DATA))
    keys = list(fitted)
    kept = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    out: dict[str, Any] = {
        k: fitted[k] + draw(st.sampled_from([0.0, 5.0])) for k in kept
    }
    extra = draw(
        st.lists(
            st.sampled_from(
                [
                    "mean(monetary)",  # another rule set's
                    "mean( spend )x",  # misspelled
                    "mean(spend, where=visits > 1)",  # not read
                    "max(spend)",
                ]
            ),
            unique=True,
            max_size=2,
        )
    )
    for k in extra:
        out[k] = 40.0
    return out


@FEW
@given(aggs=aggregate_dicts())
def test_engine_aggregates_checked_as_the_core(aggs: dict[str, Any]) -> None:
    pl = pytest.importorskip("polars")
    want = core_or_error(aggs)
    assert engine_or_error(pl.DataFrame(DATA), aggs) == want
    if not isinstance(want, tuple):  # frozen values: never refitted
        shifted = dict(DATA)
        shifted["spend"] = [v if v is None else v * 10 for v in DATA["spend"]]
        got = engines.compile_rules(RULES, aggregates=aggs).apply(
            nw.from_native(pl.DataFrame(shifted))
        )
        ref = RULES.evaluate(pd.DataFrame(shifted), aggregates=aggs)
        assert got["kind"].to_list() == ref["kind"].to_numpy().tolist()


@pytest.mark.parametrize(
    "aggs",
    [{}, {"mean(monetary)": 40.0}, {"mean(spend)": 40.0}, {"mean( spend )x": 40.0}],
)
def test_engine_aggregates_refused_examples(aggs: dict[str, float]) -> None:
    pl = pytest.importorskip("polars")
    assert core_or_error(aggs)[0] == "aggregates"
    with pytest.raises(InputError, match="'aggregates'"):
        engines.compile_rules(RULES, aggregates=aggs).apply(
            nw.from_native(pl.DataFrame(DATA))
        )


def test_label_in_engine_aggregates_checked() -> None:
    pl = pytest.importorskip("polars")
    facts = pl.DataFrame(
        {
            "recency_days": [3.0, 400.0, None],
            "frequency": [12, 1, 0],
            "monetary": [2500.0, 30.0, 0.0],
            "tenure_days": [700.0, 400.0, None],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    with pytest.raises(InputError, match="'aggregates' has 'mean\\(monetary\\)'"):
        engines.label_in_engine(
            facts, preset="ecommerce", edges=edges, aggregates={"mean(monetary)": 1.0}
        )
    with pytest.raises(InputError, match="has no value for"):
        engines.label_in_engine(facts, preset="ecommerce", edges=edges, aggregates={})
    with pytest.raises(ThresholdError, match="'aggregates' needs rules"):
        engines.label_in_engine(facts, edges=edges, aggregates={})
    fixed = dict.fromkeys(rules.load("ecommerce").aggregate_keys(), 1.0)
    out = engines.label_in_engine(
        facts, preset="ecommerce", edges=edges, aggregates=fixed
    )
    assert out.height == 3


# --------------------------------------------------------------------------
# decimal amounts


@st.composite
def decimal_columns(draw: st.DrawFn) -> tuple[int, int, list[Decimal]]:
    """A decimal128 type (any precision and scale up to 38) and values of at
    most 15 digits (the core refuses decimals past 2**53 in their last place)."""
    precision = draw(st.integers(1, 38))
    scale = draw(st.integers(0, precision))
    digits = min(precision, 15)
    units = st.integers(-(10**digits - 1), 10**digits - 1)
    values = draw(st.lists(units, min_size=1, max_size=6))
    return precision, scale, [Decimal(k).scaleb(-scale) for k in values]


@FEW
@given(column=decimal_columns())
@example(column=(38, 20, [Decimal("0.05"), Decimal("19.99"), Decimal("-0.05")]))
def test_arrow_decimal_amounts_are_the_core_sums(
    column: tuple[int, int, list[Decimal]],
) -> None:
    pa = pytest.importorskip("pyarrow")
    precision, scale, amounts = column
    ids = ["ab"[i % 2] for i in range(len(amounts))]
    dates = ["2024-01-01"] * len(amounts)
    table = pa.table(
        {
            "customer_id": ids,
            "date": dates,
            "amount": pa.array(amounts, pa.decimal128(precision, scale)),
        }
    )
    core = custseg.summarize(ids, dates, table.column("amount").to_pandas())
    want = dict(zip(core.customer_id.tolist(), core.monetary.tolist(), strict=True))

    def monetary(frame: Any) -> dict[str, float]:
        got = summarize_frame(frame, output="pandas")["monetary"]
        return dict(zip(got.index, got.tolist(), strict=True))

    # each decimal read as its correctly rounded double: the sums of the
    # same engine on those doubles (the engine's own float path)
    doubles = table.set_column(
        2, "amount", pa.array([float(x) for x in amounts], pa.float64())
    )
    assert monetary(table) == monetary(doubles)
    try:
        import polars as pl
    except ImportError:
        return
    assert monetary(pl.from_arrow(table)) == want


def test_arrow_decimal_examples() -> None:
    """The audit's examples: 19.99, and a full refund that is 0, not -1.8e-15."""
    pa = pytest.importorskip("pyarrow")
    amounts = [Decimal(x) for x in ("19.99", "5.01", "-25.00", "0.10", "0.20", "19.99")]
    ids = ["a", "a", "a", "b", "b", "c"]
    dates = ["2024-01-01"] * 6
    for kind in (pa.decimal128(10, 2), pa.decimal128(38, 20)):
        table = pa.table(
            {"customer_id": ids, "date": dates, "amount": pa.array(amounts, kind)}
        )
        got = summarize_frame(table, output="pandas")["monetary"].tolist()
        assert got == [0.0, 0.3, 19.99], kind
        with warnings.catch_warnings():  # few customers to fit edges on
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            seg = custseg.segment(table, preset="ecommerce", as_of="2024-01-02")
        assert seg.customers["monetary"].tolist() == [0.0, 0.3, 19.99]
        summary = engines.engine_btyd_summary(table, observation_end="2024-01-02")
        assert summary.monetary_value.tolist() == [0.0, 0.0, 0.0]  # no repeats


@pytest.mark.filterwarnings("ignore:Dask support:FutureWarning")  # narwhals' notice
def test_duckdb_and_dask_decimal_amounts() -> None:
    pa = pytest.importorskip("pyarrow")
    amounts = pa.array(
        [Decimal("0.05"), Decimal("19.99"), Decimal("0.10")], pa.decimal128(38, 20)
    )
    table = pa.table(
        {"customer_id": ["a", "b", "b"], "date": ["2024-01-01"] * 3, "amount": amounts}
    )
    want = [0.05, 20.09]
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.connect().from_arrow(table)
    assert summarize_frame(rel, output="pandas")["monetary"].tolist() == want
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(table.to_pandas(types_mapper=pd.ArrowDtype), npartitions=1)
    assert summarize_frame(frame, output="pandas")["monetary"].tolist() == want


@FEW
@given(column=decimal_columns())
@example(column=(38, 20, [Decimal("0.05"), Decimal("1")]))  # Arrow: 0.0499...
@example(column=(12, 12, [Decimal("0.003737804350"), Decimal("0")]))
def test_arrow_decimal_fields_in_engine_rules(
    column: tuple[int, int, list[Decimal]],
) -> None:
    """A number field held as an Arrow decimal is compared as the NumPy path
    compares the Decimals (0.05 in decimal128(38, 20) is not below 0.05)."""
    pa = pytest.importorskip("pyarrow")
    precision, scale, values = column
    rs = rules.loads(
        f"""format = 1
[fields]
spend = {{ type = "number" }}
[segments.kind]
default = "small"
rules = [{{ label = "big", when = "spend >= {values[0]}" }}]
"""
    )
    kind = pa.decimal128(precision, scale)
    table = pa.table({"spend": pa.array(values, kind)})
    want = rs.evaluate(table.to_pandas())["kind"].to_numpy().tolist()
    assert want[0] == "big"
    out = engines.compile_rules(rs, backend="pyarrow").apply(nw.from_native(table))
    assert out["kind"].to_list() == want
    assert out.to_native().schema.field("spend").type == kind  # given back
    arrow_backed = table.to_pandas(types_mapper=pd.ArrowDtype)  # cast by Arrow too
    out = engines.compile_rules(rs).apply(nw.from_native(arrow_backed))
    assert out["kind"].to_list() == want
    assert out.to_native()["spend"].dtype == pd.ArrowDtype(kind)


def test_arrow_decimal_facts_in_label_in_engine() -> None:
    pa = pytest.importorskip("pyarrow")
    kind = pa.decimal128(38, 20)
    money = [Decimal("0.05"), Decimal("0.07"), Decimal("0")]
    facts = pa.table(
        {
            "recency_days": [3.0, 400.0, None],
            "frequency": [12, 1, 0],
            "monetary": pa.array(money, kind),
            "tenure_days": [700.0, 400.0, None],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((0.049999999999999996, 0.06, 0.07, 0.08)),
    )
    out = engines.label_in_engine(facts, preset="ecommerce", edges=edges)
    assert out.column("monetary").type == kind
    assert out.column("m").to_pylist() == [2, 3, None]  # as the floats 0.05, 0.07
    got = engines.approx_rfm_edges(facts.slice(0, 2), bins=2)
    assert got.monetary.cuts == ((0.05 + 0.07) / 2,)


# --------------------------------------------------------------------------
# warning filters


def test_engines_leave_warning_filters_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """No engine function saves and restores the process-wide filters (in
    several threads, overlapping calls would leave filters behind for good)."""
    pl = pytest.importorskip("polars")
    real = warnings.catch_warnings
    callers: list[str] = []

    def spy(*args: Any, **kw: Any) -> Any:
        module = inspect.getmodule(inspect.stack()[1].frame)
        name = getattr(module, "__name__", "")
        if name in ("custseg.engines", "custseg._engine_rules"):
            callers.append(name)
        return real(*args, **kw)

    monkeypatch.setattr(warnings, "catch_warnings", spy)
    tx = pl.DataFrame(
        {
            "customer_id": ["a", "b", "b"],
            "date": ["2024-01-01", "2024-01-05", "2024-02-01"],
            "amount": [10.0, 20.0, 5.0],
        }
    )
    summarize_frame(tx, as_of="2024-03-01")
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    facts = pl.DataFrame(
        {
            "recency_days": [3.0, 400.0, None],
            "frequency": [12, 1, 0],
            "monetary": [2500.0, 30.0, 0.0],
            "tenure_days": [700.0, 400.0, None],
        }
    )
    engines.label_in_engine(facts, preset="ecommerce", edges=edges)
    engines.approx_rfm_edges(facts, bins=2)
    engines.engine_btyd_summary(tx, observation_end="2024-03-01")
    assert callers == []


def test_engines_in_threads_keep_filters() -> None:
    pl = pytest.importorskip("polars")
    tx = pl.DataFrame(
        {
            "customer_id": ["a", "b", "b"] * 50,
            "date": ["2024-01-01", "2024-01-05", "2024-02-01"] * 50,
            "amount": [10.0, 20.0, 5.0] * 50,
        }
    )
    before = list(warnings.filters)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                summarize_frame(tx, as_of="2024-03-01")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(warnings.filters) == before
