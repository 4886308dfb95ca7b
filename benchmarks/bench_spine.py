"""Benchmark the custseg spine against the idioms people use instead.

Every comparison runs in the same process on the same data: per size, one
simulated store (``custseg.datasets.simulate_transactions``), plus copies with
string customer ids (``"C0000042"``) as pandas' default ``str`` dtype
(arrow-backed) and as NumPy ``object``.

Each method is timed ``--repeat`` times (best reported), then run once more
under ``tracemalloc`` for its peak traced memory (see README.md for what
tracemalloc sees). Results of every peer are checked against custseg's outside
the timed runs.

Usage::

    python benchmarks/bench_spine.py                 # 1M and 10M rows
    python benchmarks/bench_spine.py --rows 2000000  # one size
    python benchmarks/bench_spine.py --quick         # 100k-row smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import custseg
from _timing import best_time, peak_mib
from custseg.datasets import simulate_transactions

try:
    import duckdb
except ImportError:  # pragma: no cover - depends on the environment
    duckdb = None
try:
    import polars as pl
except ImportError:  # pragma: no cover
    pl = None
try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

OBSERVATION_END = "2024-12-31"  # last day simulated (end is 2025-01-01, exclusive)
PIPELINE_GOAL_S = 0.8
NATIVE = "†"  # peak memory marker: the engine allocates outside tracemalloc's view
LIFECYCLE_BREAKS = [0, 90, 180, 270, np.inf]
LIFECYCLE_NAMES = ["active", "silent", "sleeping", "lost"]


# --------------------------------------------------------------------------
# measurement


@dataclass
class Row:
    task: str
    rows: int
    method: str
    seconds: float | None = None
    speedup: float | None = None
    peak_mib: float | None = None
    native_memory: bool = False
    note: str = ""
    baseline: bool = False


def measure(
    rows: list[Row],
    task: str,
    n_rows: int,
    method: str,
    fn: Callable[[], Any],
    repeat: int,
    *,
    native_memory: bool = False,
) -> tuple[Row, Any]:
    seconds, result = best_time(fn, repeat)
    row = Row(
        task,
        n_rows,
        method,
        seconds,
        peak_mib=peak_mib(fn),
        native_memory=native_memory,
    )
    rows.append(row)
    print(f"  {task:<26} {method:<38} {seconds:8.3f} s", file=sys.stderr)
    return row, result


def missing(rows: list[Row], task: str, n_rows: int, method: str, why: str) -> None:
    rows.append(Row(task, n_rows, method, note=why))


def set_speedups(rows: list[Row], baseline: Row) -> None:
    baseline.baseline = True
    for row in rows:
        if row.task == baseline.task and row.rows == baseline.rows and row.seconds:
            assert baseline.seconds is not None
            row.speedup = baseline.seconds / row.seconds


# --------------------------------------------------------------------------
# data


def string_ids(ids: np.ndarray) -> pd.Series:
    """``f"C{id:07d}"`` for every id, as pandas' default (arrow-backed) ``str``."""
    if pc is not None:
        text = pc.binary_join_element_wise(
            "C", pc.utf8_lpad(pc.cast(pa.array(ids), pa.string()), 7, "0"), ""
        )
        out = pd.Series(pd.array(text, dtype="str"), name="customer_id")
    else:  # pragma: no cover
        out = pd.Series([f"C{i:07d}" for i in ids], dtype="str", name="customer_id")
    sample = ids[:1000]
    assert out.iloc[:1000].tolist() == [f"C{i:07d}" for i in sample]
    return out


# --------------------------------------------------------------------------
# summarize: custseg and its peers; every one returns customer_id, frequency,
# monetary, recency_days, tenure_days, first/last purchase, sorted by id


def custseg_summarize(df: pd.DataFrame) -> dict[str, np.ndarray]:
    f = custseg.summarize(df["customer_id"], df["date"], df["amount"])
    return {
        "customer_id": f.customer_id,
        "frequency": f.frequency,
        "monetary": f.monetary,
        "recency_days": f.recency_days,
        "tenure_days": f.tenure_days,
    }


def pandas_facts(df: pd.DataFrame) -> pd.DataFrame:
    """The idiom: named aggregations, a purchase-only frame for frequency / dates."""
    as_of = df["date"].max().normalize() + pd.Timedelta(days=1)
    purchases = df[df["amount"] >= 0]
    facts = (
        df.groupby("customer_id")
        .agg(monetary=("amount", "sum"))
        .join(
            purchases.groupby("customer_id").agg(
                frequency=("amount", "size"),
                first_purchase=("date", "min"),
                last_purchase=("date", "max"),
            )
        )
    )
    facts["frequency"] = facts["frequency"].fillna(0).astype("int64")
    facts["recency_days"] = (as_of - facts["last_purchase"].dt.normalize()).dt.days
    facts["tenure_days"] = (as_of - facts["first_purchase"].dt.normalize()).dt.days
    return facts


def pandas_summarize(df: pd.DataFrame) -> dict[str, np.ndarray]:
    facts = pandas_facts(df)
    return {
        "customer_id": facts.index.to_numpy(),
        "frequency": facts["frequency"].to_numpy(),
        "monetary": facts["monetary"].to_numpy(),
        "recency_days": facts["recency_days"].to_numpy(dtype=float),
        "tenure_days": facts["tenure_days"].to_numpy(dtype=float),
    }


DUCKDB_SUMMARIZE = """
WITH ref AS (SELECT CAST(max(date) AS DATE) + 1 AS as_of FROM tx)
SELECT customer_id,
       count(*) FILTER (WHERE amount >= 0) AS frequency,
       sum(amount) AS monetary,
       min(date) FILTER (WHERE amount >= 0) AS first_purchase,
       max(date) FILTER (WHERE amount >= 0) AS last_purchase,
       date_diff('day', CAST(max(date) FILTER (WHERE amount >= 0) AS DATE),
                 any_value(ref.as_of)) AS recency_days,
       date_diff('day', CAST(min(date) FILTER (WHERE amount >= 0) AS DATE),
                 any_value(ref.as_of)) AS tenure_days
FROM tx, ref
GROUP BY customer_id
ORDER BY customer_id
"""


def duckdb_summarize(con: Any) -> dict[str, np.ndarray]:
    return con.sql(DUCKDB_SUMMARIZE).fetchnumpy()


def polars_summarize(frame: Any) -> dict[str, np.ndarray]:
    purchase = pl.col("amount") >= 0
    as_of = frame.select(pl.col("date").max().dt.truncate("1d") + pl.duration(days=1))
    as_of = as_of.item()
    out = (
        frame.lazy()
        .group_by("customer_id")
        .agg(
            frequency=purchase.sum(),
            monetary=pl.col("amount").sum(),
            first_purchase=pl.col("date").filter(purchase).min(),
            last_purchase=pl.col("date").filter(purchase).max(),
        )
        .with_columns(
            recency_days=(
                pl.lit(as_of) - pl.col("last_purchase").dt.truncate("1d")
            ).dt.total_days(),
            tenure_days=(
                pl.lit(as_of) - pl.col("first_purchase").dt.truncate("1d")
            ).dt.total_days(),
        )
        .sort("customer_id")
        .collect()
    )
    return {c: out[c].to_numpy() for c in out.columns}


def _compare(
    ref: dict[str, np.ndarray],
    other: dict[str, np.ndarray],
    exact: tuple[str, ...],
    close: str,
    same: str,
) -> str:
    """*same* or what differs: *exact* columns equal (NaN == NaN; other's
    values in ref's dtype), *close* to 1e-9 (float sums in another order)."""
    if len(ref["customer_id"]) != len(other["customer_id"]):
        return f"MISMATCH: {len(other['customer_id'])} customers"
    problems = [
        name
        for name in exact
        if not np.array_equal(
            np.asarray(ref[name]),
            np.asarray(other[name], dtype=np.asarray(ref[name]).dtype),
            equal_nan=name != "customer_id",
        )
    ]
    if not np.allclose(ref[close], other[close], rtol=1e-9, atol=1e-6):
        problems.append(close)
    return same if not problems else "MISMATCH: " + ", ".join(problems)


def compare_facts(ref: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> str:
    """'same facts' or what differs (checked outside the timed runs)."""
    exact = ("customer_id", "frequency", "recency_days", "tenure_days")
    return _compare(ref, other, exact, "monetary", "same facts")


# --------------------------------------------------------------------------
# btyd_summary and its peers (daily periods, observation end 2024-12-31)


def custseg_btyd(df: pd.DataFrame) -> dict[str, np.ndarray]:
    s = custseg.btyd_summary(
        df["customer_id"], df["date"], df["amount"], observation_end=OBSERVATION_END
    )
    return {
        "customer_id": s.customer_id,
        "frequency": s.frequency,
        "recency": s.recency,
        "T": s.T,
        "monetary_value": s.monetary_value,
    }


def pandas_btyd(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """lifetimes' algorithm as plain pandas: spend per (customer, day), then per
    customer; the first day's spend is left out of monetary_value."""
    end = pd.Timestamp(OBSERVATION_END)
    per_day = (
        df.assign(day=df["date"].dt.normalize())
        .groupby(["customer_id", "day"], as_index=False)["amount"]
        .sum()
    )
    first_day = ~per_day["customer_id"].duplicated()
    per_day["repeat_spend"] = per_day["amount"].where(~first_day, 0.0)
    c = per_day.groupby("customer_id").agg(
        first=("day", "min"),
        last=("day", "max"),
        periods=("day", "size"),
        repeat_spend=("repeat_spend", "sum"),
    )
    frequency = c["periods"] - 1
    monetary = (c["repeat_spend"] / frequency).where(frequency > 0, 0.0)
    return {
        "customer_id": c.index.to_numpy(),
        "frequency": frequency.to_numpy(dtype=float),
        "recency": (c["last"] - c["first"]).dt.days.to_numpy(dtype=float),
        "T": (end - c["first"]).dt.days.to_numpy(dtype=float),
        "monetary_value": monetary.to_numpy(),
    }


DUCKDB_BTYD = f"""
WITH per_day AS (
    SELECT customer_id, CAST(date AS DATE) AS d, sum(amount) AS spend
    FROM tx GROUP BY ALL
)
SELECT customer_id,
       count(*) - 1 AS frequency,
       date_diff('day', min(d), max(d)) AS recency,
       date_diff('day', min(d), DATE '{OBSERVATION_END}') AS T,
       CASE WHEN count(*) > 1
            THEN (sum(spend) - arg_min(spend, d)) / (count(*) - 1)
            ELSE 0 END AS monetary_value
FROM per_day
GROUP BY customer_id
ORDER BY customer_id
"""


def duckdb_btyd(con: Any) -> dict[str, np.ndarray]:
    return con.sql(DUCKDB_BTYD).fetchnumpy()


def polars_btyd(frame: Any) -> dict[str, np.ndarray]:
    end = pd.Timestamp(OBSERVATION_END).to_pydatetime()
    periods = pl.len()
    out = (
        frame.lazy()
        .group_by("customer_id", pl.col("date").dt.truncate("1d").alias("d"))
        .agg(spend=pl.col("amount").sum())
        .group_by("customer_id")
        .agg(
            periods=periods,
            first=pl.col("d").min(),
            last=pl.col("d").max(),
            total=pl.col("spend").sum(),
            first_spend=pl.col("spend").get(pl.col("d").arg_min()),
        )
        .select(
            "customer_id",
            frequency=pl.col("periods") - 1,
            recency=(pl.col("last") - pl.col("first")).dt.total_days(),
            T=(pl.lit(end) - pl.col("first")).dt.total_days(),
            monetary_value=pl.when(pl.col("periods") > 1)
            .then((pl.col("total") - pl.col("first_spend")) / (pl.col("periods") - 1))
            .otherwise(0.0),
        )
        .sort("customer_id")
        .collect()
    )
    return {c: out[c].to_numpy() for c in out.columns}


def compare_btyd(ref: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> str:
    """'same table' or what differs (checked outside the timed runs)."""
    exact = ("customer_id", "frequency", "recency", "T")
    return _compare(ref, other, exact, "monetary_value", "same table")


# --------------------------------------------------------------------------
# labels: RFM scores, ABC classes, lifecycle stages


def pandas_rfm(facts: pd.DataFrame) -> pd.DataFrame:
    def q(x: pd.Series, ascending: bool = True) -> pd.Series:
        return pd.qcut(x.rank(method="first", ascending=ascending), 5, labels=False) + 1

    return pd.DataFrame(
        {
            "r": q(facts["recency_days"], ascending=False),
            "f": q(facts["frequency"]),
            "m": q(facts["monetary"]),
        }
    )


def pandas_abc(monetary: pd.Series) -> np.ndarray:
    ranked = monetary.sort_values(ascending=False)
    share = ranked.cumsum() / ranked.sum()
    cls = np.select([share <= 0.8, share <= 0.95], ["A", "B"], "C")
    return pd.Series(cls, index=ranked.index).reindex(monetary.index).to_numpy()


def pandas_lifecycle(recency: pd.Series) -> pd.Series:
    return pd.cut(recency, LIFECYCLE_BREAKS, right=False, labels=LIFECYCLE_NAMES)


def custseg_pipeline(df: pd.DataFrame) -> tuple[Any, ...]:
    f = custseg.summarize(df["customer_id"], df["date"], df["amount"])
    return (
        f,
        custseg.rfm_scores(f.recency_days, f.frequency, f.monetary),
        custseg.lifecycle_stage(f.recency_days),
        custseg.abc_classes(f.monetary),
    )


def pandas_pipeline(df: pd.DataFrame) -> pd.DataFrame:
    facts = pandas_facts(df)
    scores = pandas_rfm(facts)
    facts[["r", "f", "m"]] = scores.to_numpy()
    facts["lifecycle"] = pandas_lifecycle(facts["recency_days"])
    facts["abc"] = pandas_abc(facts["monetary"])
    return facts


def share_equal(a: Any, b: Any) -> str:
    same = np.asarray(a) == np.asarray(b)
    if same.all():
        return "100%"
    differ = int(same.size - np.count_nonzero(same))
    return f"{100 * float(np.mean(same)):.2f}% ({differ:,d} differ)"


# --------------------------------------------------------------------------
# the run


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "?"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_size(
    n_rows_target: int, repeat: int, rows: list[Row], loads: list[str]
) -> None:
    n_customers = max(n_rows_target // 10, 1)
    t0 = time.perf_counter()
    tx = simulate_transactions(n_customers, seed=0, purchases_per_customer=10)
    n = len(tx)
    tx_str = tx.assign(customer_id=string_ids(tx["customer_id"].to_numpy()))
    tx_obj = tx_str.assign(customer_id=tx_str["customer_id"].astype(object))
    print(
        f"data: {n:,d} rows, {n_customers:,d} customers "
        f"({time.perf_counter() - t0:.1f} s to build)",
        file=sys.stderr,
    )

    loads.append(f"load average at start of {n:,d} rows: {load_average()}")
    con = None
    if duckdb is not None:
        con = duckdb.connect()
    frames = {}
    if pl is not None:
        frames = {"int": pl.from_pandas(tx), "str": pl.from_pandas(tx_str)}

    # --- summarize, for three kinds of ids
    for kind, df in (("int", tx), ("str", tx_str), ("object", tx_obj)):
        task = f"summarize ({kind} ids)"
        base, ref = measure(
            rows,
            task,
            n,
            "pandas groupby.agg (idiom)",
            lambda d=df: pandas_summarize(d),
            repeat,
        )
        _, got = measure(
            rows,
            task,
            n,
            "custseg.summarize",
            lambda d=df: custseg_summarize(d),
            repeat,
        )
        base.note = compare_facts(got, ref)
        if con is not None:
            con.register("tx", df)
            row, res = measure(
                rows,
                task,
                n,
                "duckdb GROUP BY (registered pandas df)",
                lambda: duckdb_summarize(con),
                repeat,
                native_memory=True,
            )
            row.note = compare_facts(got, res)
            con.unregister("tx")
        else:
            missing(rows, task, n, "duckdb GROUP BY", "not installed")
        if pl is not None and kind in frames:
            row, res = measure(
                rows,
                task,
                n,
                "polars group_by.agg (prebuilt frame)",
                lambda f=frames[kind]: polars_summarize(f),
                repeat,
                native_memory=True,
            )
            row.note = compare_facts(got, res)
        elif pl is None:
            missing(rows, task, n, "polars group_by.agg", "not installed")
        set_speedups(rows, base)
        del ref, got

    # --- btyd_summary (int ids, daily periods)
    task = "btyd_summary (int ids, D)"
    base, ref = measure(
        rows,
        task,
        n,
        "pandas, lifetimes' algorithm (idiom)",
        lambda: pandas_btyd(tx),
        repeat,
    )
    _, got = measure(
        rows, task, n, "custseg.btyd_summary", lambda: custseg_btyd(tx), repeat
    )
    base.note = compare_btyd(got, ref)
    if con is not None:
        con.register("tx", tx)
        row, res = measure(
            rows,
            task,
            n,
            "duckdb GROUP BY x2",
            lambda: duckdb_btyd(con),
            repeat,
            native_memory=True,
        )
        row.note = compare_btyd(got, res)
        con.unregister("tx")
    if pl is not None:
        row, res = measure(
            rows,
            task,
            n,
            "polars group_by x2",
            lambda: polars_btyd(frames["int"]),
            repeat,
            native_memory=True,
        )
        row.note = compare_btyd(got, res)
    for method, module, call in (
        ("pymc-marketing rfm_summary", "pymc_marketing.clv", "rfm_summary"),
        (
            "lifetimes summary_data_from_transaction_data",
            "lifetimes.utils",
            "summary_data_from_transaction_data",
        ),
    ):
        try:
            mod = __import__(module, fromlist=[call])
        except ImportError:
            missing(rows, task, n, method, "not installed")
            continue
        fn = getattr(mod, call)
        row, res = measure(
            rows,
            task,
            n,
            method,
            lambda fn=fn: fn(
                tx,
                "customer_id",
                "date",
                monetary_value_col="amount",
                observation_period_end=OBSERVATION_END,
            ),
            repeat,
        )
        # their frame: float columns indexed by customer id, like ours
        frame = res.sort_index()
        row.note = compare_btyd(
            got,
            {
                "customer_id": frame.index.to_numpy(),
                **{c: frame[c].to_numpy() for c in ("frequency", "recency", "T")},
                "monetary_value": frame["monetary_value"].to_numpy(),
            },
        )
    set_speedups(rows, base)
    del ref, got

    # --- labels on the customers (facts built beforehand, not timed)
    facts = pandas_facts(tx).reset_index()
    rec, freq, mon = facts["recency_days"], facts["frequency"], facts["monetary"]
    m = len(facts)

    task = "rfm_scores (5 bins)"
    base, idiom = measure(
        rows,
        task,
        m,
        "pandas qcut(rank(method='first'))",
        lambda: pandas_rfm(facts),
        repeat,
    )
    _, scores = measure(
        rows,
        task,
        m,
        "custseg.rfm_scores",
        lambda: custseg.rfm_scores(rec, freq, mon),
        repeat,
    )
    base.note = (
        "idiom splits ties by row order; same R/F/M: "
        f"{share_equal(idiom['r'], scores.r)}/{share_equal(idiom['f'], scores.f)}"
        f"/{share_equal(idiom['m'], scores.m)}"
    )
    set_speedups(rows, base)

    task = "abc_classes (80/95%)"
    base, idiom = measure(
        rows, task, m, "pandas sort+cumsum+np.select", lambda: pandas_abc(mon), repeat
    )
    _, labels = measure(
        rows, task, m, "custseg.abc_classes", lambda: custseg.abc_classes(mon), repeat
    )
    base.note = (
        "idiom puts the boundary customer in B, ties by row order; same class: "
        + share_equal(idiom, labels.to_numpy())
    )
    set_speedups(rows, base)

    task = "lifecycle_stage"
    base, idiom = measure(
        rows, task, m, "pandas cut(right=False)", lambda: pandas_lifecycle(rec), repeat
    )
    _, labels = measure(
        rows,
        task,
        m,
        "custseg.lifecycle_stage",
        lambda: custseg.lifecycle_stage(rec),
        repeat,
    )
    base.note = "same stage: " + share_equal(idiom.astype(object), labels.to_numpy())
    set_speedups(rows, base)

    # --- the whole pipeline
    task = "pipeline (summarize+rfm+lc+abc)"
    base, _ = measure(
        rows, task, n, "pandas idioms chained", lambda: pandas_pipeline(tx), repeat
    )
    mine, _ = measure(
        rows, task, n, "custseg spine", lambda: custseg_pipeline(tx), repeat
    )
    if n >= 9_000_000:
        assert mine.seconds is not None
        verdict = "met" if mine.seconds < PIPELINE_GOAL_S else "NOT met"
        mine.note = f"goal < {PIPELINE_GOAL_S} s on 10M rows: {verdict}"
    set_speedups(rows, base)
    if con is not None:
        con.close()
    loads.append(f"load average at end of {n:,d} rows: {load_average()}")


def tree_state() -> str:
    """The commit measured, and which source files differ from it (best effort)."""
    import subprocess
    from pathlib import Path

    root = Path(custseg.__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "custseg tree: unknown (not a git checkout)"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"custseg tree: {head}" + (
        f" + uncommitted changes in {', '.join(changed)}" if changed else " (clean)"
    )


def machine_info() -> list[str]:
    versions = [f"numpy {np.__version__}", f"pandas {pd.__version__}"]
    for name, mod in (("pyarrow", pa), ("duckdb", duckdb), ("polars", pl)):
        versions.append(f"{name} {mod.__version__}" if mod is not None else f"{name} -")
    versions.append(f"custseg {custseg.__version__}")
    return [
        f"machine: {platform.machine()} {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "versions: " + ", ".join(versions),
        tree_state(),
        f"load average (1/5/15 min) at start: {load_average()}",
    ]


def goals(rows: list[Row]) -> list[str]:
    """The performance goals, judged on the largest size of this run."""
    n = max(r.rows for r in rows if r.task.startswith("summarize"))

    def pick(task: str, method: str | None = None) -> list[Row]:
        return [
            r
            for r in rows
            if r.rows == n
            and r.task == task
            and r.seconds is not None
            and (method is None or r.method == method)
        ]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out = [f"goals (on {n:,d} rows):"]
    mine = pick("summarize (int ids)", "custseg.summarize")
    peers = [
        r for r in pick("summarize (int ids)") if not r.method.startswith("custseg")
    ]
    if mine and peers:
        fastest = min(peers, key=lambda r: r.seconds or 0.0)
        out.append(
            f"  summarize, int ids, faster than every peer: "
            f"{verdict((mine[0].seconds or 0) < (fastest.seconds or 0))} "
            f"(custseg {mine[0].seconds:.3f} s, fastest peer {fastest.method} "
            f"{fastest.seconds:.3f} s)"
        )
    for kind in ("str", "object"):
        mine = pick(f"summarize ({kind} ids)", "custseg.summarize")
        if mine and mine[0].speedup is not None:
            out.append(
                f"  summarize, {kind} ids, >= 2x faster than pandas: "
                f"{verdict(mine[0].speedup >= 2)} ({mine[0].speedup:.1f}x)"
            )
    mine = pick("pipeline (summarize+rfm+lc+abc)", "custseg spine")
    if mine:
        out.append(
            f"  whole pipeline < {PIPELINE_GOAL_S} s: "
            f"{verdict((mine[0].seconds or 0) < PIPELINE_GOAL_S)} "
            f"({mine[0].seconds:.3f} s)"
        )
    worse = []
    for r in rows:
        if r.method.startswith("custseg") and r.peak_mib is not None:
            base = [
                b for b in rows if b.baseline and (b.task, b.rows) == (r.task, r.rows)
            ]
            if base and base[0].peak_mib is not None and r.peak_mib > base[0].peak_mib:
                worse.append(
                    f"{r.task} {r.rows:,d}: {r.peak_mib:.0f} > {base[0].peak_mib:.0f}"
                )
    out.append(
        "  peak memory <= pandas idiom's (every task, every size): "
        + verdict(not worse)
        + (f" ({'; '.join(worse)})" if worse else "")
    )
    return out


def format_table(rows: list[Row]) -> str:
    head = ("task", "rows", "method", "best s", "speed-up", "peak MiB", "note")
    body = []
    for r in rows:
        peak = "" if r.peak_mib is None else f"{r.peak_mib:,.0f}"
        if peak and r.native_memory:
            peak += NATIVE
        body.append(
            (
                r.task,
                f"{r.rows:,d}",
                r.method,
                "" if r.seconds is None else f"{r.seconds:.3f}",
                "" if r.speedup is None else f"{r.speedup:.1f}x",
                peak,
                r.note,
            )
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    right = {1, 3, 4, 5}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(head), line(tuple("-" * w for w in widths))]
    prev = None
    for cells, r in zip(body, rows, strict=True):
        if prev is not None and (r.task, r.rows) != prev:
            out.append("")
        prev = (r.task, r.rows)
        out.append(line(cells))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        default="1000000,10000000",
        help="comma-separated target row counts; customers = rows / 10 "
        "(default 1000000,10000000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, best kept")
    parser.add_argument("--quick", action="store_true", help="one 100k-row smoke run")
    args = parser.parse_args(argv)
    sizes = [100_000] if args.quick else [int(x) for x in args.rows.split(",") if x]
    if args.repeat < 1 or not sizes or min(sizes) < 10:
        parser.error("--repeat must be >= 1 and --rows >= 10")

    header = machine_info()
    rows: list[Row] = []
    loads: list[str] = []
    t0 = time.perf_counter()
    for size in sizes:
        run_size(size, args.repeat, rows, loads)
    print("\n".join(header + loads))
    print(
        f"best of {args.repeat} timed runs; peak MiB from one more run under "
        f"tracemalloc; {NATIVE} = engine memory not visible to tracemalloc; "
        f"total {time.perf_counter() - t0:.0f} s"
    )
    print()
    print(format_table(rows))
    print()
    print("\n".join(goals(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
