"""Audit 35 (sd): the Dask and Spark engines.

- a ``date_format`` with blanks at its ends reads as pandas reads it, on
  every engine (it was refused by all of them);
- Dask frames of 16 partitions or more: ``engine_btyd_summary`` and
  ``frequency="days"`` (joins of split group-bys) no longer crash inside
  Dask's optimiser;
- Dask: rules reading an aggregate over ``engine_facts(...).frame`` finish;
- Spark: column names with a dot in rules that read an aggregate (the
  cross join), a ``%f`` format with an apostrophe, collated id columns.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
dd = pytest.importorskip("dask.dataframe")
import dask  # noqa: E402

import custseg  # noqa: E402
from custseg import rules  # noqa: E402
from custseg.engines import (  # noqa: E402
    collect_facts,
    compile_rules,
    engine_btyd_summary,
    engine_facts,
)
from custseg.errors import InputError  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402
from test_engines import spark, spark_frame  # noqa: E402

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

ENGINES = {
    "polars": pl.from_pandas,
    "pyarrow": lambda df: pa.Table.from_pandas(df, preserve_index=False),
    "duckdb": duckdb.from_df,
    "dask": lambda df: dd.from_pandas(df, npartitions=2),
}


def _facts(frame: Any, **options: Any) -> pd.DataFrame:
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # narwhals' hints about its Dask extra
        out = summarize_frame(frame, as_of="2024-07-01", output="pandas", **options)
    return out[["recency_days", "frequency", "monetary"]]


# --- 1. a date_format with blanks at its ends ---------------------------------

_DAYS = ["2024-06-01", "2024-01-10", "2024-06-25"]


def _padded_tx(left: str, right: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c1"],
            "date": [left + d + right for d in _DAYS],
            "amount": [1.0, 2.0, 3.0],
        }
    )


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("fmt", [" %Y-%m-%d", "%Y-%m-%d  ", "\t%Y-%m-%d\u3000"])
def test_format_with_end_blanks_reads_on_every_engine(engine: str, fmt: str) -> None:
    # before: refused on every engine ("not dates in the format ' %Y-%m-%d'")
    tx = _padded_tx(" ", "")
    expected = _facts(tx, date_format="%Y-%m-%d")
    pd.testing.assert_frame_equal(_facts(tx, date_format=fmt), expected)
    pd.testing.assert_frame_equal(
        _facts(ENGINES[engine](tx), date_format=fmt), expected
    )


@settings(max_examples=15, deadline=None)
@given(
    left=st.sampled_from(["", " ", "  ", "\t"]),
    right=st.sampled_from(["", " ", "   "]),
    fmt_left=st.sampled_from(["", " ", "  "]),
    fmt_right=st.sampled_from(["", " ", "\t"]),
    engine=st.sampled_from(["polars", "duckdb", "dask"]),
)
def test_end_blanks_of_format_and_values_read_alike(
    left: str, right: str, fmt_left: str, fmt_right: str, engine: str
) -> None:
    # whatever blanks pad the values and the format: the pandas path and
    # the engine give the unpadded format's facts
    tx = _padded_tx(left, right)
    fmt = fmt_left + "%Y-%m-%d" + fmt_right
    expected = _facts(_padded_tx("", ""), date_format="%Y-%m-%d")
    pd.testing.assert_frame_equal(_facts(tx, date_format=fmt), expected)
    pd.testing.assert_frame_equal(
        _facts(ENGINES[engine](tx), date_format=fmt), expected
    )


def test_blank_format_is_still_refused() -> None:
    from custseg._files import check_date_format

    with pytest.raises(InputError, match="non-empty strftime format"):
        check_date_format("   ")
    assert check_date_format(" %d/%m/%Y ") == "%d/%m/%Y"


# --- 2. Dask frames of 16 partitions or more ----------------------------------


def _many_tx(n: int = 240, customers: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(35)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, customers, n),
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "amount": rng.integers(-5, 100, n).astype(float),
            "order_id": rng.integers(0, 80, n),
        }
    )


@pytest.mark.parametrize("npartitions", [16, 23])
def test_dask_many_partitions_btyd(npartitions: int) -> None:
    # before: KeyError "['_c'] not in index" from inside Dask's optimiser
    tx = _many_tx()
    core = custseg.btyd_summary(
        tx["customer_id"], tx["date"], tx["amount"], observation_end="2025-01-01"
    )
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = engine_btyd_summary(
            dd.from_pandas(tx, npartitions=npartitions), observation_end="2025-01-01"
        )
    np.testing.assert_array_equal(got.customer_id, core.customer_id)
    np.testing.assert_array_equal(got.frequency, core.frequency)
    np.testing.assert_array_equal(got.recency, core.recency)
    np.testing.assert_array_equal(got.T, core.T)
    np.testing.assert_allclose(got.monetary_value, core.monetary_value, rtol=1e-12)


@pytest.mark.parametrize("options", [{"frequency": "days"}])
def test_dask_many_partitions_days(options: dict[str, Any]) -> None:
    # before: TypeError "'tuple' object is not callable" from inside Dask
    tx = _many_tx()
    core_options = dict(options)
    if "order" in core_options:
        core_options["order_id"] = tx[core_options.pop("order")]
    core = custseg.summarize(
        tx["customer_id"], tx["date"], tx["amount"], as_of="2025-01-01", **core_options
    )
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = collect_facts(
            engine_facts(
                dd.from_pandas(tx, npartitions=16), as_of="2025-01-01", **options
            )
        )
    for name in ("customer_id", "frequency", "monetary", "recency_days", "tenure_days"):
        np.testing.assert_array_equal(
            np.asarray(getattr(got, name)),
            np.asarray(getattr(core, name)),
            err_msg=name,
        )


# --- 3. Dask: rules reading an aggregate over engine_facts(...).frame ----------

_MEAN_RULES = """
format = 1
[fields]
monetary = { type = "number" }
frequency = { type = "integer" }
[segments.value]
default = "low"
rules = [{ label = "high", when = "monetary >= mean(monetary) and frequency >= min(frequency)" }]
"""


_HANG_SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
sys.path[:0] = [{tests!r}]
import dask, dask.dataframe as dd, pandas as pd
from custseg import rules
from custseg.engines import compile_rules, engine_facts
from test_audit35_sd import _MEAN_RULES, _many_tx
dask.config.set(scheduler="threads")
tx = _many_tx()
ef = engine_facts(dd.from_pandas(tx, npartitions=2), as_of="2025-01-01")
er = compile_rules(rules.loads(_MEAN_RULES), backend="dask", columns=ef.frame.columns)
out = er.apply(ef.frame).collect().to_pandas()
print(out.sort_values("customer_id")["value"].tolist())
"""


def test_dask_rules_with_aggregate_over_engine_facts_finish() -> None:
    # before: the apply never finished (Dask's graph optimisation of the
    # aggregate row); run in a child process so a hang fails, not blocks
    import os

    tests = os.path.dirname(__file__)
    script = _HANG_SCRIPT.format(tests=tests)
    env = dict(os.environ)
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            capture_output=True,
            text=True,
            timeout=150,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("rules with mean() over engine_facts(...).frame did not finish")
    assert done.returncode == 0, done.stderr[-2000:]
    tx = _many_tx()
    facts = custseg.summarize(
        tx["customer_id"], tx["date"], tx["amount"], as_of="2025-01-01"
    ).to_pandas()
    labels = rules.loads(_MEAN_RULES).evaluate(facts)["value"]
    expected = [str(x) for x in np.asarray(labels, dtype=object)]
    assert done.stdout.strip().splitlines()[-1] == str(expected)


# --- Spark --------------------------------------------------------------------


def _spark_facts(spark: Any, tx: pd.DataFrame, **options: Any) -> pd.DataFrame:
    out = summarize_frame(
        spark_frame(spark, tx), as_of="2024-07-01", output="pandas", **options
    )
    return out[["recency_days", "frequency", "monetary"]]


@pytest.mark.parametrize("fmt", [" %Y-%m-%d", "%Y-%m-%d  "])
def test_spark_format_with_end_blanks(spark: Any, fmt: str) -> None:
    tx = _padded_tx(" ", " ")
    expected = _facts(tx, date_format="%Y-%m-%d")
    pd.testing.assert_frame_equal(_spark_facts(spark, tx, date_format=fmt), expected)


_MOMENTS = [
    pd.Timestamp("2024-01-01 10:00:00.123"),
    pd.Timestamp("2024-02-01 23:59:00.5"),
]


@settings(max_examples=6, deadline=None)
@given(
    before=st.sampled_from(["", "'", "''", "at '"]),
    between=st.sampled_from(["-", "'", "'-'", " o'"]),
    after=st.sampled_from(["", "'", " o'clock"]),
)
def test_spark_fraction_with_quotes_reads_as_pandas(
    spark: Any, before: str, between: str, after: str
) -> None:
    # before: "%Y'%m'%d %H:%M:%S.%f" gave Spark the pattern yyyy''''M''''d...,
    # which its fraction parser reads with three quotes: every date refused
    fmt = f"{before}%Y{between}%m{between}%d %H:%M:%S.%f{after}"
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "date": [t.strftime(fmt) for t in _MOMENTS],
            "amount": [1.0, 2.0],
        }
    )
    expected = summarize_frame(tx, as_of="2024-07-01", date_format=fmt)
    got = summarize_frame(
        spark_frame(spark, tx), as_of="2024-07-01", date_format=fmt, output="pandas"
    )
    pd.testing.assert_frame_equal(
        got[["recency_days", "first_purchase", "last_purchase"]],
        expected[["recency_days", "first_purchase", "last_purchase"]],
        check_dtype=False,
    )


_DOT_RULES = _MEAN_RULES.replace(" and frequency >= min(frequency)", "")


@pytest.mark.parametrize("customer", ["cust.id", "customer_id"])
def test_spark_rules_with_aggregate_and_dotted_names(spark: Any, customer: str) -> None:
    # before: AnalysisException "`cust`.`id` cannot be resolved" (the cross
    # join of the aggregate row selected its columns by name)
    tx = pd.DataFrame(
        {
            customer: ["c1", "c2", "c1", "c3"],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
            "amount": [10.0, 20.0, 30.0, 5.0],
            "a.b": ["x", "y", "z", "w"],
        }
    )
    rs = rules.loads(_DOT_RULES)
    ef = engine_facts(
        spark_frame(spark, tx.drop(columns="a.b")),
        customer=customer,
        as_of="2024-07-01",
    )
    got = compile_rules(rs, backend="spark", columns=ef.frame.columns).apply(ef.frame)
    labels = {
        r[0]: r[1] for r in got.to_native().select(f"`{customer}`", "value").collect()
    }
    assert labels == {"c1": "high", "c2": "low", "c3": "low"}
    # a records column with a dot, which the rules do not read
    recs = spark_frame(
        spark,
        pd.DataFrame(
            {"id": [1, 2, 3], "a.b": ["x", "y", "z"], "monetary": [1.0, 5.0, 9.0]}
        ),
    )
    import narwhals.stable.v2 as nw

    out = compile_rules(rs, backend="spark", columns=recs.columns).apply(
        nw.from_native(recs)
    )
    back = [(r["a.b"], r["value"]) for r in out.to_native().orderBy("id").collect()]
    assert back == [("x", "low"), ("y", "high"), ("z", "high")]


def _collated(spark: Any) -> Any:
    frame = spark.sql(
        "select * from values ('A', '2024-01-01', 1.0, 'o1'), "
        "('a', '2024-02-01', 2.0, 'O1'), ('a', '2024-02-03', 2.0, 'o1'), "
        "('b', '2024-03-01', 3.0, 'o1') as t(customer_id, date, amount, oid)"
    )
    try:
        return frame.selectExpr(
            "cast(customer_id as string) collate UTF8_LCASE as customer_id",
            "date",
            "cast(amount as double) as amount",
            "cast(oid as string) collate UTF8_LCASE as oid",
        )
    except Exception as exc:  # Spark 3: no collations
        pytest.skip(f"this Spark has no collations: {exc}")


@pytest.mark.parametrize("options", [{}, {"frequency": "days"}, {"order": "oid"}])
def test_spark_collated_ids_stay_apart(spark: Any, options: dict[str, Any]) -> None:
    # docs/engines.md: a UTF8_LCASE id column is grouped byte for byte, as
    # pandas groups it: 'A' and 'a' are two customers (and 'o1', 'O1' two
    # orders), not one
    frame = _collated(spark)
    plain = pd.DataFrame([r.asDict() for r in frame.collect()])
    got = summarize_frame(frame, as_of="2024-07-01", output="pandas", **options)
    expected = summarize_frame(plain, as_of="2024-07-01", **options)
    assert got.index.tolist() == expected.index.tolist() == ["A", "a", "b"]
    assert got["frequency"].tolist() == expected["frequency"].tolist()
    assert got["monetary"].tolist() == expected["monetary"].tolist()
    btyd = engine_btyd_summary(frame, observation_end="2024-07-01")
    assert list(btyd.customer_id) == ["A", "a", "b"]
    # the result's id column is plain text (docs/engines.md)
    native = summarize_frame(frame, as_of="2024-07-01", **options)
    assert native.schema["customer_id"].dataType.simpleString() == "string"
    ef = engine_facts(frame, as_of="2024-07-01", **options).frame.to_native()
    assert ef.schema["customer_id"].dataType.simpleString() == "string"


# --- PyArrow: a blank of the format reads a run of blanks, as strptime's ------


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2024-06-01  10:00", "2024-01-10 09:00"], "%Y-%m-%d %H:%M"),
        (["01/06/2024\t10:00", "10/01/2024 09:00"], "%d/%m/%Y %H:%M"),
        (["2024-06-01 10:00", "2024-01-10 09:00"], "%Y-%m-%d  %H:%M"),
    ],
)
@pytest.mark.parametrize("engine", ["pyarrow"])  # Polars, DuckDB, Dask read them
def test_runs_of_blanks_read_as_in_pandas(
    engine: str, values: list[str], fmt: str
) -> None:
    # before: PyArrow alone refused them ("not dates in the format")
    tx = pd.DataFrame(
        {"customer_id": ["c1", "c2"], "date": values, "amount": [1.0, 2.0]}
    )
    expected = _facts(tx, date_format=fmt)
    pd.testing.assert_frame_equal(
        _facts(ENGINES[engine](tx), date_format=fmt), expected
    )


def test_pyarrow_impossible_day_between_blanks_still_refused() -> None:
    tx = pd.DataFrame(
        {"customer_id": ["c1"], "date": ["2024-02-30  10:00"], "amount": [1.0]}
    )
    with pytest.raises(InputError):
        _facts(ENGINES["pyarrow"](tx), date_format="%Y-%m-%d %H:%M")
    with pytest.raises(InputError):
        _facts(tx, date_format="%Y-%m-%d %H:%M")
