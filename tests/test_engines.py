"""Any frame in: the summary in Polars, PyArrow, DuckDB, Dask and Spark, with
exact parity to the pandas path (facts, scores and labels).

Amounts are multiples of 0.25 (dyadic), so every sum is exact whatever order
an engine adds in, and the frames must be equal bit for bit. Each engine's
tests skip when its library is missing, except in CI (``CI=true``), where a
missing engine fails.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.frame import apply_rules, segment_frame, summarize_frame

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")

from custseg import engines

_EXTRA = {
    "polars": "polars",
    "pyarrow": "polars",
    "duckdb": "duckdb",
    "dask": "dask",
    "distributed": "dask",
    "pyspark": "spark",
}


def need(module: str) -> Any:
    """The module, or skip (fail in CI, where every engine is installed)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed (pip install 'custseg[{_EXTRA[module]}]')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI installs every engine, but {message}")
        pytest.skip(message)


# --------------------------------------------------------------------------
# data

#: Text ids that print alike or sort differently by bytes and by case.
TEXT_IDS = ("1", "00001", "01", "a", "A", "ä", "Z", "10", "2", "a b", "zz")


def transactions(
    rows: list[tuple[int, int, int, int]], ids: str = "int"
) -> pd.DataFrame:
    """A pandas frame of (id, day, hour, quarters of a unit) rows.

    Amounts are multiples of 0.25 (exact float sums in any order); negative
    ones are refunds, 0 a free order; days repeat (same-day purchases).
    """
    idx = np.array([r[0] for r in rows], dtype=np.int64)
    if ids == "int":
        id_col: Any = idx * 1000 + 7  # sparse ints
    elif ids == "int32":
        id_col = (idx * 3 - 5).astype(np.int32)
    else:
        id_col = pd.array([TEXT_IDS[i % len(TEXT_IDS)] for i in idx], dtype="str")
    days = np.array([r[1] for r in rows], dtype=np.int64)
    hours = np.array([r[2] for r in rows], dtype=np.int64)
    stamps = (
        np.datetime64("2023-01-01", "us")
        + days.astype("timedelta64[D]")
        + hours.astype("timedelta64[h]")
    )
    return pd.DataFrame(
        {
            "customer_id": id_col,
            "date": stamps.astype("datetime64[us]"),
            "amount": np.array([r[3] for r in rows], dtype=np.float64) * 0.25,
        }
    )


def fixed_transactions(
    n: int = 3000, customers: int = 400, seed: int = 7, ids: str = "int"
) -> pd.DataFrame:
    """A fixed dataset with refunds, zero amounts, same-day rows and ties."""
    rng = np.random.default_rng(seed)
    rows = list(
        zip(
            rng.integers(0, customers, n).tolist(),
            rng.integers(0, 700, n).tolist(),
            rng.integers(0, 24, n).tolist(),
            np.where(
                rng.random(n) < 0.1,
                -rng.integers(1, 200, n),
                rng.integers(0, 2000, n) * (rng.random(n) < 0.95),
            ).tolist(),
            strict=True,
        )
    )
    # a customer with refunds only, one with free orders only (no purchase
    # with zero_amount="ignore"), and one same-day pair of purchases
    rows += [(customers, 3, 1, -40), (customers, 9, 2, -4)]
    rows += [
        (customers + 1, 5, 1, 0),
        (customers + 2, 6, 1, 8),
        (customers + 2, 6, 9, 8),
    ]
    return transactions(rows, ids)


ROWS = st.lists(
    st.tuples(
        st.integers(0, 14),  # customer
        st.integers(0, 40),  # day
        st.integers(0, 23),  # hour
        st.integers(-40, 80),  # amount in quarters
    ),
    min_size=1,
    max_size=40,
)


# --------------------------------------------------------------------------
# engines: pandas -> each kind of frame


def to_polars(df: pd.DataFrame) -> Any:
    return need("polars").from_pandas(df)


def to_polars_lazy(df: pd.DataFrame) -> Any:
    return need("polars").from_pandas(df).lazy()


def to_arrow(df: pd.DataFrame) -> Any:
    return need("pyarrow").Table.from_pandas(df, preserve_index=False)


def to_duckdb(df: pd.DataFrame) -> Any:
    duckdb = need("duckdb")
    return duckdb.from_arrow(to_arrow(df))


CHEAP: dict[str, Callable[[pd.DataFrame], Any]] = {
    "polars": to_polars,
    "polars-lazy": to_polars_lazy,
    "pyarrow": to_arrow,
    "duckdb": to_duckdb,
}


@pytest.fixture(params=list(CHEAP))
def convert(request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    return CHEAP[request.param]


def quiet_segment(tx: Any, **kw: Any) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.segment(tx, **kw)


def assert_same_segments(native: Any, tx: pd.DataFrame, **kw: Any) -> None:
    ref = quiet_segment(tx, **kw)
    got = quiet_segment(native, **kw)
    pd.testing.assert_frame_equal(got.customers, ref.customers)
    assert got.edges == ref.edges
    assert got.abc_edges == ref.abc_edges
    assert got.customers.attrs == ref.customers.attrs
    assert got.diagnostics == ref.diagnostics


# --------------------------------------------------------------------------
# parity on the cheap engines (hypothesis)


@settings(max_examples=25, deadline=None)
@given(
    rows=ROWS,
    ids=st.sampled_from(["int", "int32", "str"]),
    frequency=st.sampled_from(["transactions", "days"]),
    zero_amount=st.sampled_from(["purchase", "ignore"]),
    cut=st.none() | st.integers(0, 45),
)
def test_facts_parity_cheap_engines(
    rows: list[tuple[int, int, int, int]],
    ids: str,
    frequency: str,
    zero_amount: str,
    cut: int | None,
) -> None:
    """Polars (eager, lazy), PyArrow and DuckDB give the pandas path's facts, bit for bit."""
    tx = transactions(rows, ids)
    options: dict[str, Any] = {"frequency": frequency, "zero_amount": zero_amount}
    if cut is not None:
        options["as_of"] = np.datetime64("2023-01-01") + np.timedelta64(cut, "D")
        options["after_as_of"] = "drop"
    try:
        ref = summarize_frame(tx, **options)
    except InputError as exc:  # everything dropped: the engines say so too
        for convert in CHEAP.values():
            with pytest.raises(InputError) as info:
                summarize_frame(convert(tx), **options)
            assert info.value.field == exc.field
        return
    for name, convert in CHEAP.items():
        got = summarize_frame(convert(tx), output="pandas", **options)
        pd.testing.assert_frame_equal(got, ref, obj=name)
        assert got.attrs == ref.attrs, name


@settings(max_examples=6, deadline=None)
@given(rows=ROWS.filter(lambda r: len(r) >= 8), ids=st.sampled_from(["int", "str"]))
def test_segment_parity_cheap_engines(
    rows: list[tuple[int, int, int, int]], ids: str
) -> None:
    """segment with a preset: equal facts, scores, labels, edges on every cheap engine."""
    tx = transactions(rows, ids)
    if not (tx["amount"] >= 0).any():
        return  # nothing to fit edges on: covered by the error tests
    for convert in CHEAP.values():
        assert_same_segments(convert(tx), tx, preset="ecommerce")


def test_segment_parity_fixed(convert: Callable[[pd.DataFrame], Any]) -> None:
    """A fixed dataset (refunds, free orders, ties) segments alike, with a preset and bins."""
    for ids in ("int", "str"):
        tx = fixed_transactions(ids=ids)
        assert_same_segments(convert(tx), tx, preset="ecommerce")
        assert_same_segments(
            convert(tx), tx, bins=(3, 4, 5), frequency="days", as_of="2025-01-01"
        )


# --------------------------------------------------------------------------
# ids


def test_ids_kinds(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Text ids stay text ("00001" and "1" differ), int ids stay ints of their width."""
    rows = [(i, i, 0, 4) for i in range(len(TEXT_IDS))]
    tx = transactions(rows, "str")
    got = summarize_frame(convert(tx), output="pandas")
    assert got.index.tolist() == sorted(TEXT_IDS)
    pd.testing.assert_frame_equal(got, summarize_frame(tx))
    tx32 = transactions(rows, "int32")
    got32 = summarize_frame(convert(tx32), output="pandas")
    assert got32.index.dtype == np.int32
    assert got32.index.tolist() == sorted(tx32["customer_id"].tolist())
    floats = tx32.assign(customer_id=tx32["customer_id"].astype(np.float64))
    pd.testing.assert_frame_equal(
        summarize_frame(convert(floats), output="pandas"), summarize_frame(floats)
    )


def test_categorical_ids_are_text() -> None:
    """Polars categorical ids are read as their text."""
    pl = need("polars")
    tx = fixed_transactions(200, 20, ids="str")
    native = pl.from_pandas(tx).with_columns(pl.col("customer_id").cast(pl.Categorical))
    pd.testing.assert_frame_equal(
        summarize_frame(native, output="pandas"), summarize_frame(tx)
    )


# --------------------------------------------------------------------------
# dates


def test_date_kinds(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Text, YYYYMMDD numbers, date_format text and timestamps of any unit agree with pandas."""
    tx = fixed_transactions(300, 30)
    day = tx["date"].dt.floor("D")
    cases: list[tuple[pd.DataFrame, dict[str, Any]]] = [
        (tx.assign(date=day.dt.strftime("%Y-%m-%d")), {}),
        (tx.assign(date=tx["date"].dt.strftime("%Y-%m-%d %H:%M:%S")), {}),
        (tx.assign(date=tx["date"].dt.strftime("%Y-%m-%dT%H:%M:%S")), {}),
        (tx.assign(date=day.dt.strftime("%Y%m%d").astype(np.int64)), {}),
        (tx.assign(date=day.dt.strftime("%Y%m%d")), {}),
        (
            tx.assign(date=day.dt.strftime("%d/%m/%Y")),
            {"date_format": "%d/%m/%Y"},
        ),
        (tx.assign(date=tx["date"].astype("datetime64[ms]")), {}),
        (tx.assign(date=tx["date"].astype("datetime64[ns]")), {}),
    ]
    for frame, options in cases:
        ref = summarize_frame(frame, **options)
        got = summarize_frame(convert(frame), output="pandas", **options)
        pd.testing.assert_frame_equal(got, ref)


def test_date_types_and_time_zones() -> None:
    """Date columns (as pandas holds Python dates) and zoned timestamps (local time)."""
    pl = need("polars")
    tx = fixed_transactions(300, 30)
    dates = tx.assign(date=[d.date() for d in tx["date"]])
    native = pl.from_pandas(tx).with_columns(pl.col("date").dt.date())
    pd.testing.assert_frame_equal(
        summarize_frame(native, output="pandas"), summarize_frame(dates)
    )
    zoned = tx.assign(date=tx["date"].dt.tz_localize("Asia/Shanghai"))
    native = pl.from_pandas(zoned)
    pd.testing.assert_frame_equal(
        summarize_frame(native, output="pandas"), summarize_frame(zoned)
    )


# --------------------------------------------------------------------------
# errors


def _bad_frames() -> Iterator[tuple[str, pd.DataFrame, dict[str, Any], str]]:
    """(case, frame, options, the field the InputError names)."""
    tx = fixed_transactions(50, 5)
    ids = tx["customer_id"].astype("Int64")
    ids[3] = pd.NA
    yield "null ids", tx.assign(customer_id=ids), {}, "customer_id"
    dates = tx["date"].copy()
    dates[4] = pd.NaT
    yield "null dates", tx.assign(date=dates), {}, "date"
    amounts = tx["amount"].copy()
    amounts[5] = np.nan
    yield "NaN amounts", tx.assign(amount=amounts), {}, "amount"
    amounts = tx["amount"].copy()
    amounts[6] = np.inf
    yield "inf amounts", tx.assign(amount=amounts), {}, "amount"
    text = tx["date"].dt.strftime("%Y-%m-%d")
    text[7] = "2024-13-45"
    yield "bad text dates", tx.assign(date=text), {}, "date"
    yield "missing column", tx, {"amount": "paid"}, "paid"
    yield "bool ids", tx.assign(customer_id=tx["customer_id"] > 3000), {}, "customer_id"
    yield "bool dates", tx.assign(date=tx["amount"] > 0), {}, "date"
    yield (
        "after as_of",
        tx,
        {"as_of": tx["date"].max() - pd.Timedelta(days=3)},
        "date",
    )


@pytest.mark.parametrize("case", [c[0] for c in _bad_frames()])
def test_errors_as_pandas(convert: Callable[[pd.DataFrame], Any], case: str) -> None:
    """Bad data gets the InputError pandas input gets, naming the same field."""
    _, frame, options, field = next(c for c in _bad_frames() if c[0] == case)
    with pytest.raises(InputError) as ref:
        summarize_frame(frame, **options)
    with pytest.raises(InputError) as got:
        summarize_frame(convert(frame), **options)
    assert got.value.field == ref.value.field == field
    assert got.value.fix


def test_text_amounts_refused(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Text amounts are refused with a fix (casting in the engine), not summed as text."""
    tx = fixed_transactions(30, 5)
    text = tx.assign(amount=tx["amount"].astype(str))
    with pytest.raises(InputError, match=r"'amount' holds .* not numbers") as info:
        summarize_frame(convert(text))
    assert "cast" in info.value.fix


def test_empty_frames(convert: Callable[[pd.DataFrame], Any]) -> None:
    """No rows: no default as_of; segment refuses; with as_of, an empty table."""
    tx = fixed_transactions(30, 5).iloc[:0]
    with pytest.raises(InputError, match="no default as_of"):
        summarize_frame(convert(tx))
    with pytest.raises(InputError, match="no transactions"):
        custseg.segment(convert(tx))
    got = summarize_frame(convert(tx), as_of="2024-01-01", output="pandas")
    assert len(got) == 0
    assert list(got.columns) == list(summarize_frame(tx, as_of="2024-01-01").columns)


def test_not_a_frame() -> None:
    """Something that is no frame at all still gets the pandas path's InputError."""
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        summarize_frame([1, 2, 3])  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# output kinds, apply_rules, the in-engine frame


def test_output_kinds() -> None:
    """Eager in, eager out of the same library; lazy in, lazy out; output='pandas'."""
    pl = need("polars")
    pa = need("pyarrow")
    duckdb = need("duckdb")
    tx = fixed_transactions(300, 30, ids="str")
    ref = segment_frame(tx)
    for native, kind in (
        (to_polars(tx), pl.DataFrame),
        (to_polars_lazy(tx), pl.LazyFrame),
        (to_arrow(tx), pa.Table),
        (to_duckdb(tx), duckdb.DuckDBPyRelation),
    ):
        out = segment_frame(native)
        assert isinstance(out, kind)
        back = engines.to_pandas_frame(out).set_index("customer_id")
        assert back.index.tolist() == ref.index.tolist()
        assert back["rfm"].tolist() == ref["rfm"].tolist()
        assert [str(x) for x in back["lifecycle"]] == ref["lifecycle"].astype(
            str
        ).tolist()
        pd.testing.assert_frame_equal(segment_frame(native, output="pandas"), ref)
    with pytest.raises(custseg.ThresholdError, match="output"):
        summarize_frame(to_polars(tx), output="spark")
    import narwhals as nw

    wrapped = summarize_frame(nw.from_native(to_polars(tx)))
    assert isinstance(wrapped, nw.DataFrame)  # narwhals in, narwhals out
    assert wrapped["customer_id"].to_list() == ref.index.tolist()


def test_apply_rules_on_engine_frames(convert: Callable[[pd.DataFrame], Any]) -> None:
    """apply_rules on a customer table of any engine labels as on pandas."""
    tx = fixed_transactions(400, 60)
    seg = segment_frame(tx)
    ref = apply_rules(seg, "ecommerce")
    native = convert(seg.reset_index())
    got = apply_rules(native, "ecommerce", output="pandas")  # indexed by id
    added = [c for c in ref.columns if c not in seg.columns or c == "lifecycle"]
    assert len(added) > 3
    pd.testing.assert_frame_equal(got[added], ref[added])
    assert type(apply_rules(native, "ecommerce")) is type(native)


def test_engine_facts_frame_stays_in_engine() -> None:
    """engine_facts returns a lazy frame whose day counts match the collected facts."""
    pl = need("polars")
    tx = fixed_transactions(500, 80)
    ef = engines.engine_facts(to_polars_lazy(tx), frequency="days")
    assert isinstance(ef.frame.to_native(), pl.LazyFrame)
    in_engine = ef.frame.sort("customer_id").collect().to_pandas()
    ref = summarize_frame(tx, frequency="days")
    for col in ("recency_days", "tenure_days", "frequency", "monetary"):
        np.testing.assert_array_equal(in_engine[col].to_numpy(), ref[col].to_numpy())
    assert ef.n_rows == len(tx)


# --------------------------------------------------------------------------
# Dask on a LocalCluster, Spark in local mode (fixed data: these are slow)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    need("dask")
    distributed = need("distributed")
    with (
        warnings.catch_warnings(),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            # a free port: with None the scheduler's HTTP server still takes
            # 8787, and a second suite on the machine fails to start a cluster
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        warnings.simplefilter("ignore", ResourceWarning)
        yield client


def test_dask_parity(dask_client: Any) -> None:
    """Dask on a 2-worker LocalCluster, 5 partitions: the pandas path's segments and facts."""
    import dask.dataframe as dd

    tx = fixed_transactions()
    assert_same_segments(dd.from_pandas(tx, npartitions=5), tx, preset="ecommerce")
    tx = fixed_transactions(ids="str")
    text = tx.assign(date=tx["date"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    native = dd.from_pandas(text, npartitions=3)
    ref = summarize_frame(text, frequency="days")
    pd.testing.assert_frame_equal(
        summarize_frame(native, frequency="days", output="pandas"), ref
    )
    assert isinstance(engines.to_native(ref, native), dd.DataFrame)


def test_dask_errors(dask_client: Any) -> None:
    """NULL ids and after-as_of rows in Dask get the pandas path's InputErrors."""
    import dask.dataframe as dd

    for case in ("null ids", "after as_of", "missing column"):
        _, frame, options, field = next(c for c in _bad_frames() if c[0] == case)
        with pytest.raises(InputError) as info:
            summarize_frame(dd.from_pandas(frame, npartitions=2), **options)
        assert info.value.field == field


# one Spark session per test process (xdist worker), not per module: its
# start (a JVM) took 12 to 19 s of the CI run's time each module. The
# modules that import this fixture, and test_engine_rules.py's own (same
# settings), get the same session from getOrCreate.
@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    need("pyspark")
    if importlib.util.find_spec("pyspark") and not _has_java():
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs Java for Spark, but java is not on PATH")
        pytest.skip("Spark needs Java (java is not on PATH)")
    from pyspark.sql import SparkSession

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


def _has_java() -> bool:
    import shutil

    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


def spark_frame(spark: Any, df: pd.DataFrame) -> Any:
    """*df* as a Spark DataFrame (missing values as NULL, text as Python str)."""
    plain = df.astype(
        {
            c: object
            for c in df.columns
            if not pd.api.types.is_datetime64_any_dtype(df[c])
        }
    )
    plain = plain.where(df.notna(), None)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support")
        return spark.createDataFrame(plain)


def test_spark_parity(spark: Any) -> None:
    """PySpark in local mode: the pandas path's segments (int ids, distinct days)."""
    tx = fixed_transactions(600, 120)
    assert_same_segments(
        spark_frame(spark, tx), tx, preset="ecommerce", frequency="days"
    )


def test_spark_text_ids_dates_errors(spark: Any) -> None:
    """Spark: text ids and text dates as in pandas; NULL ids get the same InputError."""
    tx = fixed_transactions(300, 40, ids="str")
    text = tx.assign(date=tx["date"].dt.strftime("%Y-%m-%d"))
    out = summarize_frame(spark_frame(spark, text))
    assert hasattr(out, "sparkSession")  # a Spark DataFrame in the same session
    got = engines.to_pandas_frame(out).set_index("customer_id")
    ref = summarize_frame(text)
    assert got.index.tolist() == ref.index.tolist()
    np.testing.assert_array_equal(got["monetary"], ref["monetary"])
    np.testing.assert_array_equal(got["recency_days"], ref["recency_days"])
    _, frame, options, field = next(c for c in _bad_frames() if c[0] == "null ids")
    with pytest.raises(InputError) as info:
        summarize_frame(spark_frame(spark, frame), **options)
    assert info.value.field == field


@contextlib.contextmanager
def session_zone(spark: Any, zone: str) -> Iterator[None]:
    """The Spark session's time zone set to *zone* for a while."""
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        yield
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)


#: Wall-clock rows around the as_of day 2024-11-30: the evening of that day
#: counts; midnight and the first hours of the next day are after it.
_AROUND_AS_OF = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d", "e"],
        "date": [
            "2024-11-20 12:00:00",
            "2024-11-30 20:00:00",
            "2024-11-30 23:59:59",
            "2024-12-01 00:10:00",
            "2024-12-01 07:59:00",
        ],
        "amount": [10.0, 5.0, 2.5, 7.0, 1.0],
    }
)


def test_spark_as_of_cut_in_any_session_zone(spark: Any) -> None:
    """Audit 13 V2: the rows after as_of are those of later wall-clock days
    whatever the session's zone and the driver's (a datetime literal was read
    in the driver's zone: rows of the next morning kept with recency -1, or
    the as_of evening dropped). East and west of the driver, one date type
    each (Spark jobs are slow: the engine-neutral cut is one code path)."""
    rows = _AROUND_AS_OF
    ref = summarize_frame(rows, as_of="2024-11-30", after_as_of="drop")
    assert ref.attrs["n_dropped"] == 2
    assert ref["recency_days"].to_dict() == {"a": 10.0, "b": 0.0, "c": 0.0}
    for zone, kind in (
        ("Asia/Shanghai", "timestamp_ntz"),
        ("America/Los_Angeles", "string"),
        ("+05:30", "timestamp"),
    ):
        with session_zone(spark, zone):
            sdf = spark_frame(spark, rows).selectExpr(
                "customer_id", f"cast(date as {kind}) as date", "amount"
            )
            got = summarize_frame(
                sdf, as_of="2024-11-30", after_as_of="drop", output="pandas"
            )
            assert got["recency_days"].to_dict() == ref["recency_days"].to_dict(), zone
            if zone == "America/Los_Angeles":  # the evening is not refused
                with pytest.raises(InputError, match=r"after as_of .*\(2 rows"):
                    summarize_frame(sdf, as_of="2024-11-30", output="pandas")
            if zone == "Asia/Shanghai":  # the next morning is dropped
                btyd = engines.engine_btyd_summary(
                    sdf, observation_end="2024-11-30", after_observation_end="drop"
                )
                assert btyd.n_dropped == 2


def test_spark_aware_as_of_read_in_the_session_zone(spark: Any) -> None:
    """Audit 13 V1: an aware as_of is read in the zone Spark counts a
    TIMESTAMP column's days in (the session's), as pandas reads it in the
    zone of its dates; narwhals calls every Spark TIMESTAMP "UTC"."""
    wall = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-11-20 12:00", "2024-11-30 22:00"]),
            "amount": [10.0, 4.0],
        }
    )
    for zone, as_of in (
        ("Asia/Shanghai", pd.Timestamp("2024-12-01 00:30", tz="Asia/Shanghai")),
    ):
        aware = wall.assign(date=wall["date"].dt.tz_localize(zone))
        ref = summarize_frame(aware, as_of=as_of)
        with session_zone(spark, zone):
            sdf = spark_frame(spark, wall).selectExpr(
                "customer_id", "cast(date as timestamp) as date", "amount"
            )
            got = summarize_frame(sdf, as_of=as_of, output="pandas")
        assert got["recency_days"].to_dict() == ref["recency_days"].to_dict(), zone


def test_spark_null_columns_are_missing_values(spark: Any) -> None:
    """Audit 13 V4: a NULL literal column (Spark's void type) is missing
    values, as an all-None column of pandas or Arrow, not an unknown type."""
    amount = spark.sql(
        "select 'a' as customer_id, timestamp_ntz'2024-06-01' as date, null as amount"
    )
    with pytest.raises(InputError, match="missing") as info:
        summarize_frame(amount, as_of="2024-07-01")
    assert info.value.field == "amount" and "Unknown" not in str(info.value)


def test_spark_edges_refuse_text_facts(spark: Any) -> None:
    """Audit 13 V3 on Spark: a text column of the facts is an InputError
    naming it (was Spark's IllegalArgumentException from approxQuantile)."""
    facts = pd.DataFrame(
        {"recency_days": [3.0, 40.0], "frequency": ["2", "1"], "monetary": [3.0, 1.0]}
    )
    with pytest.raises(InputError, match="must be a column of numbers") as info:
        engines.approx_rfm_edges(spark_frame(spark, facts))
    assert info.value.field == "frequency"


# --------------------------------------------------------------------------
# BTYD in the engine


@settings(max_examples=15, deadline=None)
@given(
    rows=ROWS,
    ids=st.sampled_from(["int", "str"]),
    unit=st.sampled_from(["D", "W"]),
    scaler=st.sampled_from([1.0, 7.0, 3.5]),
    with_amount=st.booleans(),
    end=st.integers(0, 50),
)
def test_btyd_parity_cheap_engines(
    rows: list[tuple[int, int, int, int]],
    ids: str,
    unit: str,
    scaler: float,
    with_amount: bool,
    end: int,
) -> None:
    """engine_btyd_summary gives btyd_summary's table (dropping later rows) on cheap engines."""
    tx = transactions(rows, ids)
    observation_end = np.datetime64("2023-01-01") + np.timedelta64(end, "D")
    kw: dict[str, Any] = {
        "observation_end": observation_end,
        "unit": unit,
        "time_scaler": scaler,
        "after_observation_end": "drop",
    }
    ref = custseg.btyd_summary(
        tx["customer_id"], tx["date"], tx["amount"] if with_amount else None, **kw
    )
    for name, convert in CHEAP.items():
        got = engines.engine_btyd_summary(
            convert(tx), amount="amount" if with_amount else None, **kw
        )
        pd.testing.assert_frame_equal(got.to_pandas(), ref.to_pandas(), obj=name)
        assert got.n_dropped == ref.n_dropped
        assert got.observation_end == ref.observation_end


def test_btyd_errors(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Later transactions are refused as btyd_summary refuses them; bad units too."""
    tx = fixed_transactions(100, 10)
    with pytest.raises(InputError, match="after observation_end"):
        engines.engine_btyd_summary(convert(tx), observation_end="2023-06-01")
    with pytest.raises(custseg.ThresholdError, match="unit"):
        engines.engine_btyd_summary(
            convert(tx),
            observation_end="2026-06-01",
            unit="M",  # type: ignore[arg-type]
        )


def test_integer_amount_sums_exact(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Integer amounts whose sums per customer may pass 2**53 are refused as in pandas."""
    big = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2],
            "date": pd.to_datetime(["2024-01-01"] * 4).as_unit("us"),
            "amount": [2**52, 2**52, 2**52, 1],
        }
    )
    with pytest.raises(InputError, match=r"2\*\*53"):
        summarize_frame(big)
    with pytest.raises(InputError, match=r"2\*\*53") as info:
        summarize_frame(convert(big))
    assert info.value.field == "amount"
    fine = big.iloc[[0, 1, 3]]  # 2**53 exactly: still exact
    pd.testing.assert_frame_equal(
        summarize_frame(convert(fine), output="pandas"), summarize_frame(fine)
    )


# --------------------------------------------------------------------------
# order lines (order=): collapsed in the engine


def order_frame(lines: list[tuple[int, int, int, int, int]], ids: str) -> pd.DataFrame:
    """Lines (customer, order, day, hour, cents) as a pandas frame: orders
    under one customer or shared by two, amounts in cents (one decimal
    scale), the order ids text written with leading zeros or integers."""
    frame = transactions([(c, d, h, 0) for c, _, d, h, _ in lines], ids)
    orders = [o for _, o, _, _, _ in lines]
    return frame.assign(
        order=pd.array([f"{o:03d}" if o % 2 else str(o) for o in orders], dtype="str")
        if ids == "str"
        else np.array(orders, dtype=np.int64),
        amount=np.array([a for *_, a in lines], dtype=np.float64) / 100,
    )


def random_lines(
    n: int, customers: int, orders: int, *, seed: int, days: int = 200
) -> list[tuple[int, int, int, int, int]]:
    """*n* random lines for :func:`order_frame` (refunds among them)."""
    rng = np.random.default_rng(seed)
    return list(
        zip(
            *(rng.integers(0, k, n).tolist() for k in (customers, orders, days, 24)),
            rng.integers(-2_000, 20_000, n).tolist(),
            strict=True,
        )
    )


ORDER_LINES = st.lists(
    st.tuples(
        st.integers(0, 6),  # customer
        st.integers(0, 9),  # order
        st.integers(0, 40),  # day
        st.integers(0, 23),  # hour
        st.integers(-3_000, 9_000),  # cents
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=25, deadline=None)
@given(
    lines=ORDER_LINES,
    ids=st.sampled_from(["int", "str"]),
    frequency=st.sampled_from(["transactions", "days"]),
    zero_amount=st.sampled_from(["purchase", "ignore"]),
    cut=st.none() | st.integers(0, 45),
)
def test_order_lines_parity_cheap_engines(
    lines: list[tuple[int, int, int, int, int]],
    ids: str,
    frequency: str,
    zero_amount: str,
    cut: int | None,
) -> None:
    """order= collapses the lines in Polars (eager, lazy), PyArrow and DuckDB
    as the pandas path does: the same facts (orders counted, their sums
    exact), n_rows (orders) and n_dropped (lines)."""
    tx = order_frame(lines, ids)
    options: dict[str, Any] = {
        "order": "order",
        "frequency": frequency,
        "zero_amount": zero_amount,
    }
    if cut is not None:
        options["as_of"] = np.datetime64("2023-01-01") + np.timedelta64(cut, "D")
        options["after_as_of"] = "drop"
    try:
        ref = summarize_frame(tx, **options)
    except InputError as exc:  # every line dropped: the engines say so too
        for convert in CHEAP.values():
            with pytest.raises(InputError) as info:
                summarize_frame(convert(tx), **options)
            assert info.value.field == exc.field
        return
    for name, convert in CHEAP.items():
        got = summarize_frame(convert(tx), output="pandas", **options)
        pd.testing.assert_frame_equal(got, ref, obj=name)
        assert got.attrs == ref.attrs, name


#: Amounts whose order sums need more than one decimal scale: decimals that
#: cancel (0.1 + 0.2 - 0.3 is 0 as decimals, not as binary numbers),
#: thirds (no decimals: binary sums), a neighbour of 0.3 that is no decimal
#: of 8 places, and magnitudes far apart. The engine's plans: one decimal
#: sum shared by all customers ("cancelling"), each customer's own scale
#: ("large", sums past 2**52 at 10**8), ties rounded to even ("ties").
ODD_AMOUNTS = {
    "cancelling": [0.1, 0.2, -0.3, 1 / 3, -1 / 3, 2 / 3, -0.30000000000000004, 0.0],
    "large": [0.1, 0.2, -0.3, 2e7, -2e7, 1 / 3, -1 / 3, 1e-8],
    "ties": [1e16, -1e16, 1.0, -1.0, 0.5, 1 / 3, -1 / 3, 2.0**-30],
}


def odd_amounts(tx: pd.DataFrame, pool: str, *, seed: int) -> pd.DataFrame:
    """*tx* with amounts drawn from :data:`ODD_AMOUNTS` [*pool*]."""
    rng = np.random.default_rng(seed)
    return tx.assign(amount=np.array(ODD_AMOUNTS[pool])[rng.integers(0, 8, len(tx))])


@settings(max_examples=25, deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 7), st.integers(0, 30), st.integers(0, 7)
        ),
        min_size=1,
        max_size=30,
    ),
    pool=st.sampled_from(list(ODD_AMOUNTS)),
    zero_amount=st.sampled_from(["purchase", "ignore"]),
    frequency=st.sampled_from(["transactions", "days"]),
)
@example(  # 0.1 + 0.2 - 0.3 (0 as decimals) beside a third: one shared scale
    [(0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 0, 2), (1, 1, 0, 3)],
    "cancelling",
    "ignore",
    "days",
)
@example(  # the same beside 6e7 and 1e-8: each customer's own scale
    [
        (0, 0, 0, 0),
        (0, 0, 0, 1),
        (0, 0, 0, 2),
        *((1, o, 0, 3) for o in (1, 2, 3)),
        (1, 4, 0, 7),
    ],
    "large",
    "ignore",
    "days",
)
@example(  # 1e16 + 1 - 1e16: decimals too large for a decimal sum, binary 1
    [(0, 0, 0, 0), (0, 0, 0, 2), (0, 0, 0, 1), (1, 1, 0, 5)], "ties", "ignore", "days"
)
def test_order_lines_any_floats(
    lines: list[tuple[int, int, int, int]], pool: str, zero_amount: str, frequency: str
) -> None:
    """order= with float amounts of no one decimal scale: each order's sign
    exact in the engine (a decimal sum for orders of decimals, else a binary
    one in limbs), monetary the net of the lines: the pandas path's facts,
    bit for bit."""
    amounts = ODD_AMOUNTS[pool]
    tx = order_frame([(c, o, d, 0, 0) for c, o, d, _ in lines], "int").assign(
        amount=[amounts[a] for *_, a in lines]
    )
    options = {"order": "order", "zero_amount": zero_amount, "frequency": frequency}
    ref = summarize_frame(tx, **options)
    for name, convert in CHEAP.items():
        got = summarize_frame(convert(tx), output="pandas", **options)
        pd.testing.assert_frame_equal(got, ref, obj=name)
        assert got.attrs == ref.attrs, name


def test_engine_facts_order(convert: Callable[[pd.DataFrame], Any]) -> None:
    """engine_facts(order=): the collected facts of summarize(order_id=),
    orders counted in n_rows; an order column that is the customer column
    refused."""
    tx = odd_amounts(
        order_frame(random_lines(200, 20, 60, seed=8), "int"), "large", seed=8
    )
    ef = engines.engine_facts(
        convert(tx), order="order", as_of="2023-08-01", after_as_of="drop"
    )
    got = engines.collect_facts(ef)
    ref = custseg.summarize(
        tx["customer_id"],
        tx["date"],
        tx["amount"],
        order_id=tx["order"],
        as_of="2023-08-01",
        after_as_of="drop",
    )
    pd.testing.assert_frame_equal(got.to_pandas(), ref.to_pandas())
    assert (got.n_rows, got.n_dropped) == (ref.n_rows, ref.n_dropped)
    assert got.n_rows < ef.n_rows == len(tx) - ef.n_dropped  # orders; lines
    with pytest.raises(InputError, match="both customer= and order=") as info:
        engines.engine_facts(convert(tx), order="customer_id")
    assert info.value.field == "customer_id"


def test_order_lines_segment_parity(convert: Callable[[pd.DataFrame], Any]) -> None:
    """segment(order=) with a preset: the same segments as pandas'."""
    n = 600
    lines = random_lines(n, 60, 150, seed=3, days=300)
    for ids in ("int", "str"):
        tx = order_frame(lines, ids)
        assert_same_segments(convert(tx), tx, preset="ecommerce", order="order")
        plain = quiet_segment(convert(tx), preset="ecommerce")
        assert plain.customers.attrs["n_rows"] == n  # without order=: lines


def test_order_lines_errors(convert: Callable[[pd.DataFrame], Any]) -> None:
    """Missing and boolean order ids, a missing column, and amounts whose
    order sums the engine cannot make exact: InputErrors naming the order
    column (the first three as pandas input gets them)."""
    tx = order_frame([(1, 1, 0, 0, 100), (1, 1, 0, 1, 250), (2, 3, 1, 0, 5)], "int")
    missing = tx.assign(order=pd.array([1, None, 3], dtype="Int64"))
    flags = tx.assign(order=[True, True, False])
    for frame, order, words in (
        (missing, "order", "missing order ids"),
        (flags, "order", "not order ids"),
        (tx, "invoice", "is not a column"),
    ):
        with pytest.raises(InputError, match=words) as ref:
            summarize_frame(frame, order=order)
        with pytest.raises(InputError, match=words) as got:
            summarize_frame(convert(frame), order=order)
        assert got.value.field == ref.value.field == order
    far = tx.assign(amount=[1e300, -1e300, 1e-300])  # more than six limbs
    # audit 39: as many limbs as the span needs, as pandas sums them (Dask,
    # whose carries nest too deep, still refuses: test_audit39_engines)
    pd.testing.assert_frame_equal(
        summarize_frame(convert(far), order="order", output="pandas"),
        summarize_frame(far, order="order"),
    )
    thirds = tx.assign(amount=[1 / 3, -1 / 3, 1.0])  # order 1 nets 0
    pd.testing.assert_frame_equal(
        summarize_frame(convert(thirds), order="order", output="pandas"),
        summarize_frame(thirds, order="order"),
    )
    whole = tx.assign(amount=[100, 250, -5])  # integers: exact sums
    pd.testing.assert_frame_equal(
        summarize_frame(convert(whole), order="order", output="pandas"),
        summarize_frame(whole, order="order"),
    )


def test_dask_order_lines(dask_client: Any) -> None:
    """Dask: order lines collapsed as in pandas; object order ids mixing
    types refused as pandas refuses them."""
    import dask.dataframe as dd

    tx = order_frame(random_lines(400, 30, 80, seed=5), "str")
    for frame in (tx, odd_amounts(tx, "ties", seed=5)):
        ref = summarize_frame(frame, order="order", frequency="days")
        native = dd.from_pandas(frame, npartitions=3)
        got = summarize_frame(native, order="order", frequency="days", output="pandas")
        pd.testing.assert_frame_equal(got, ref)
        assert got.attrs == ref.attrs
    mixed = tx.head(4).assign(order=pd.Series([1, "1", 2, 3], dtype=object))
    with pytest.raises(InputError, match="never one order") as info:
        summarize_frame(dd.from_pandas(mixed, npartitions=2), order="order")
    assert info.value.field == "order"


def test_spark_order_lines(spark: Any) -> None:
    """Spark: order lines collapsed as in pandas (segments with a preset)."""
    tx = order_frame(random_lines(300, 30, 80, seed=6), "int")
    assert_same_segments(spark_frame(spark, tx), tx, preset="ecommerce", order="order")
    odd = odd_amounts(tx, "large", seed=6)  # each order's sign exact
    got = summarize_frame(spark_frame(spark, odd), order="order", output="pandas")
    pd.testing.assert_frame_equal(got, summarize_frame(odd, order="order"))


def test_missing_ids_on_dropped_lines(convert: Callable[[pd.DataFrame], Any]) -> None:
    """A missing customer or order id on a row after as_of, dropped: not
    read, as the pandas path drops the row before it groups; on a row
    used: the pandas path's InputError."""
    tx = pd.DataFrame(
        {
            "customer_id": pd.array([1, 1, None], dtype="Int64"),
            "order": pd.array([1, None, 2], dtype="Int64"),
            "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-02"]),
            "amount": [5.0, 1.0, 2.0],
        }
    )
    kw = {"order": "order", "as_of": "2024-01-31", "after_as_of": "drop"}
    ref = summarize_frame(tx, **kw)
    got = summarize_frame(convert(tx), output="pandas", **kw)
    pd.testing.assert_frame_equal(got, ref)
    assert (
        got.attrs == ref.attrs == {"as_of": "2024-01-31", "n_rows": 1, "n_dropped": 2}
    )
    kw["as_of"] = "2024-03-01"  # the missing order id's row is used
    for frame in (tx, convert(tx)):
        with pytest.raises(InputError, match="missing order ids") as err:
            summarize_frame(frame, **kw)
        assert err.value.field == "order"


def test_dask_object_ids_with_missing_ones(dask_client: Any) -> None:
    """Dask keeping object columns: integer ids beside None are missing
    ids (an InputError naming the column), not a TypeError of a cast."""
    import dask
    import dask.dataframe as dd

    tx = pd.DataFrame(
        {
            "customer_id": pd.Series([1, 1, 2], dtype=object),
            "order": pd.Series([1, 1, 2], dtype=object),
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [5.0, 1.0, 2.0],
        }
    )
    with dask.config.set({"dataframe.convert-string": False}):
        for column in ("customer_id", "order"):
            bad = tx.assign(**{column: pd.Series([1, None, 2], dtype=object)})
            native = dd.from_pandas(bad, npartitions=1)
            with pytest.raises(InputError, match="missing") as err:
                summarize_frame(native, order="order")
            assert err.value.field == column
        fine = summarize_frame(
            dd.from_pandas(tx, npartitions=2), order="order", output="pandas"
        )
        pd.testing.assert_frame_equal(fine, summarize_frame(tx, order="order"))
