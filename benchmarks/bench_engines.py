"""Benchmark the summary pushed down into Polars, DuckDB, Dask and Spark.

For each engine, on the same transactions (written once as Parquet files;
amounts in quarters by default, or ``--amounts cents`` / ``mixed``: cents
with 1% of the rows a third, so that no one decimal scale fits and every
customer's sum is chosen from its own amounts):

* ``group-by``: the engine's own per-customer group-by (count, sum, min,
  max), the way a user writes it (Polars ``group_by().agg``, DuckDB SQL,
  Dask ``groupby().agg``, pandas ``groupby().agg``), result collected;
* ``segment``: ``custseg.segment(frame, preset="ecommerce")`` end to end
  (checks, the summary in the engine, the customer table collected, edges,
  scores and rules in NumPy);
* ``facts``: the per-customer facts through custseg (the checks pass and
  the group-by in the engine, the customer table collected and sorted:
  ``engine_facts`` + ``collect_facts``; ``summarize_frame`` for pandas),
  and ``facts/gb``, its ratio to the plain group-by;
* ``peak RSS``: the peak resident memory of the Python process (each engine
  runs in a fresh subprocess, so the peak is its own; tracemalloc cannot see
  the engines' native memory). The in-memory engines hold the data in the
  process; DuckDB reads the Parquet files lazily, Dask with a LocalCluster
  of worker processes (their memory is not the driver's: reported apart).

Every engine's labels are checked against the pandas path's (exact parity).

Usage::

    python benchmarks/bench_engines.py --quick          # 200k rows, seconds
    python benchmarks/bench_engines.py                  # 10M rows, ~1M customers
    python benchmarks/bench_engines.py --spark          # + PySpark local[2] (slow)
    python benchmarks/bench_engines.py --amounts mixed  # cents and a few thirds
    python benchmarks/bench_engines.py --rows 100000000 --engines duckdb,dask
                                                        # out of core
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ENGINES = ("pandas", "polars", "duckdb", "dask", "spark")
CHUNK = 5_000_000


def rss_mib() -> float:
    """Peak resident set size of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------
# data: Parquet files written in chunks (bounded memory even for 100M rows)


def write_data(
    folder: Path, rows: int, customers: int, ids: str, seed: int, amounts: str
) -> None:
    """*rows* transactions in Parquet files of CHUNK rows each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = None
    if ids == "str":
        names = pa.array([f"C{i:08d}" for i in range(customers)])
    start = np.datetime64("2023-01-01T00:00:00", "us")
    for part, lo in enumerate(range(0, rows, CHUNK)):
        n = min(CHUNK, rows - lo)
        # most ids uniform, a fifth from a few heavy buyers (skewed groups)
        who = np.where(
            rng.random(n) < 0.8,
            rng.integers(0, customers, n),
            rng.zipf(1.5, n) % customers,
        )
        if names is None:
            id_col: Any = pa.array(who * 7919 + 13)  # sparse int ids
        else:
            id_col = names.take(pa.array(who))
        seconds = rng.integers(0, 730 * 86400, n)
        quarters = np.where(
            rng.random(n) < 0.05, -rng.integers(1, 400, n), rng.integers(0, 8000, n)
        )
        if amounts == "quarters":
            values = quarters * 0.25
        else:  # the same draws read as cents, and 1% thirds for "mixed"
            values = quarters / 100
            if amounts == "mixed":
                values[rng.random(n) < 0.01] = 10 / 3
        table = pa.table(
            {
                "customer_id": id_col,
                "date": pa.array(start + seconds.astype("timedelta64[s]")),
                "amount": pa.array(values),
            }
        )
        pq.write_table(table, folder / f"part-{part:04d}.parquet")


# --------------------------------------------------------------------------
# one engine, in a subprocess


def load(engine: str, folder: Path) -> Any:
    """The transactions as the engine's frame (lazy where the engine is)."""
    pattern = str(folder / "*.parquet")
    if engine == "pandas":
        import pandas as pd

        return pd.read_parquet(folder)
    if engine == "polars":
        import polars as pl

        return pl.read_parquet(pattern)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads = 2")
        # bounded memory: DuckDB spills to disk beyond this (out of core)
        con.execute(f"SET memory_limit = '{os.environ.get('DUCKDB_MEMORY', '1GB')}'")
        return con.read_parquet(pattern)
    if engine == "dask":
        import dask.dataframe as dd

        return dd.read_parquet(pattern)
    if engine == "spark":
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        return spark.read.parquet(pattern)
    raise SystemExit(f"unknown engine {engine!r}")


def group_by(engine: str, frame: Any) -> int:
    """The engine's own per-customer aggregate, collected; customers found."""
    if engine == "pandas":
        out = frame.groupby("customer_id").agg(
            n=("amount", "size"),
            monetary=("amount", "sum"),
            first=("date", "min"),
            last=("date", "max"),
        )
        return len(out)
    if engine == "polars":
        import polars as pl

        out = frame.group_by("customer_id").agg(
            pl.len(),
            pl.col("amount").sum(),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
        )
        return out.height
    if engine == "duckdb":
        out = frame.aggregate(
            "customer_id, count(*), sum(amount), min(date), max(date)", "customer_id"
        ).fetchall()
        return len(out)
    if engine == "dask":
        out = (
            frame.groupby("customer_id")
            .agg({"amount": ["size", "sum"], "date": ["min", "max"]})
            .compute()
        )
        return len(out)
    if engine == "spark":
        from pyspark.sql import functions as F

        out = frame.groupBy("customer_id").agg(
            F.count("*"), F.sum("amount"), F.min("date"), F.max("date")
        )
        return len(out.toArrow())
    raise SystemExit(engine)


def run_one(engine: str, folder: Path, repeat: int, check: bool) -> dict[str, Any]:
    import custseg

    warnings.simplefilter("ignore")
    result: dict[str, Any] = {"engine": engine}
    cluster = client = None
    if engine == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    t0 = time.perf_counter()
    frame = load(engine, folder)
    result["load_s"] = time.perf_counter() - t0
    result["rss_loaded"] = rss_mib()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result["customers"] = group_by(engine, frame)
        best = min(best, time.perf_counter() - t0)
    result["group_by_s"] = best
    from custseg import engines
    from custseg.frame import summarize_frame

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        if engine == "pandas":
            summarize_frame(frame)
        else:
            engines.collect_facts(engines.engine_facts(frame))
        best = min(best, time.perf_counter() - t0)
    result["facts_s"] = best
    best = float("inf")
    res = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = custseg.segment(frame, preset="ecommerce")
        best = min(best, time.perf_counter() - t0)
    result["segment_s"] = best
    result["rss_peak"] = rss_mib()
    assert res is not None
    if client is not None:
        mem = client.run(lambda: __import__("resource").getrusage(0).ru_maxrss)
        result["worker_rss"] = max(mem.values()) / 1024
    if check:  # labels against the pandas path (exact parity)
        import pandas as pd

        ref = custseg.segment(pd.read_parquet(folder), preset="ecommerce")
        # the pandas path (Parquet read by pandas) is the reference
        pd.testing.assert_frame_equal(res.customers, ref.customers)
        result["parity"] = "equal"
    if client is not None:
        client.close()
        cluster.close()  # type: ignore[union-attr]
    return result


# --------------------------------------------------------------------------
# the table


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--customers", type=int, default=None)
    p.add_argument("--ids", choices=("int", "str", "both"), default="both")
    p.add_argument(
        "--amounts", choices=("quarters", "cents", "mixed"), default="quarters"
    )
    p.add_argument("--engines", default="pandas,polars,duckdb,dask")
    p.add_argument("--spark", action="store_true", help="add PySpark (slow)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="200k rows, 1 repeat")
    p.add_argument("--check", action="store_true", help="parity with pandas")
    p.add_argument("--data", default=None, help="folder for the Parquet files")
    p.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:  # child process: one engine, JSON on stdout
        out = run_one(args.one, Path(args.data), args.repeat, args.check)
        print(json.dumps(out))
        return
    if args.quick:
        args.rows, args.repeat, args.check = 200_000, 1, True
    customers = args.customers or max(args.rows // 10, 1)
    engines = args.engines.split(",") + (["spark"] if args.spark else [])
    id_kinds = ("int", "str") if args.ids == "both" else (args.ids,)
    print(
        f"# custseg engines benchmark: {args.rows:,} transactions, ~{customers:,} "
        f"customer ids; {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; amounts: {args.amounts}; best of "
        f"{args.repeat}; load "
        f"{os.getloadavg()[0]:.1f}"
    )
    header = (
        f"{'ids':<4} {'engine':<7} {'customers':>10} {'load s':>7} "
        f"{'group-by s':>10} {'facts s':>7} {'segment s':>9} {'facts/gb':>8} "
        f"{'RSS loaded':>10} {'peak RSS':>9} {'workers':>8} parity"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        for ids in id_kinds:
            folder = Path(tmp) / ids
            t0 = time.perf_counter()
            write_data(folder, args.rows, customers, ids, seed=1, amounts=args.amounts)
            print(
                f"# {ids} ids: data written in {time.perf_counter() - t0:.0f} s",
                file=sys.stderr,
            )
            for engine in engines:
                cmd = [
                    sys.executable,
                    __file__,
                    "--one",
                    engine,
                    "--data",
                    str(folder),
                    "--repeat",
                    str(args.repeat),
                ] + (["--check"] if args.check else [])
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode:
                    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
                    print(f"{ids:<4} {engine:<7} failed: {last[:100]}")
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                workers = f"{r['worker_rss']:.0f}" if "worker_rss" in r else "-"
                print(
                    f"{ids:<4} {engine:<7} {r['customers']:>10,} {r['load_s']:>7.2f} "
                    f"{r['group_by_s']:>10.2f} {r['facts_s']:>7.2f} "
                    f"{r['segment_s']:>9.2f} "
                    f"{r['facts_s'] / r['group_by_s']:>7.1f}x "
                    f"{r['rss_loaded']:>10.0f} {r['rss_peak']:>9.0f} {workers:>8} "
                    f"{r.get('parity', '-')}",
                    flush=True,
                )
    print(
        "# RSS in MiB (peak of the driver process, ru_maxrss); workers: peak RSS "
        "of the largest Dask worker process. DuckDB and Dask read the Parquet "
        "files lazily: their 'loaded' RSS holds no data."
    )


if __name__ == "__main__":
    main()
