"""Benchmark segment_history: monthly snapshots in one pass, against the ways
people do it per snapshot.

One simulated store (``custseg.datasets.simulate_transactions(rows // 10)``,
about 1.03 rows per purchase, so "10M" is ~10.3M rows and 1M customers, dates
2023-01-01 to 2024-12-31, sorted by date). Twelve snapshots: the month ends
of 2024. Every method gives, per snapshot, the customers known by then with
their R, F, M scores on edges fitted once on the first snapshot:

* ``custseg.segment_history``: one pass, cumulative aggregates per cut;
* ``custseg.summarize`` + ``rfm_scores`` per snapshot (12 full summaries,
  ``after_as_of="drop"``), the edges fitted on the first;
* pandas ``groupby`` per snapshot (filter rows up to the cut, group, ``pd.cut``
  against the same edges): the idiomatic pandas way.

Each method is timed ``--repeat`` times (best kept); the scores of every
method at the last snapshot are checked against segment_history's outside
the timed runs. A second table times ``custseg.segment_summary`` of the last
snapshot's RFM-11 segments against ``groupby().agg(...)`` with the same
figures (counts, sums, means, medians).

Usage::

    python benchmarks/bench_migration.py --quick        # 200k rows, seconds
    python benchmarks/bench_migration.py                # 10M rows
    python benchmarks/bench_migration.py --rows 2000000 --memory
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

import numpy as np
import pandas as pd

import custseg
from _timing import best_time, peak_mib
from custseg.datasets import simulate_transactions
from custseg.migration import segment_history
from custseg.segments import segment_summary

CUTS = [str(d) for d in pd.date_range("2024-01-31", periods=12, freq="ME").date]


def run_history(tx: pd.DataFrame) -> np.ndarray:
    h = segment_history(tx.customer_id, tx.date, tx.amount, CUTS)
    return h.scores[-1].code


def run_summarize(tx: pd.DataFrame) -> np.ndarray:
    ids, dates, amounts = tx.customer_id, tx.date, tx.amount
    edges = None
    code = np.empty(0)
    for d in CUTS:
        facts = custseg.summarize(ids, dates, amounts, as_of=d, after_as_of="drop")
        scores = facts.rfm_scores(edges=edges) if edges else facts.rfm_scores()
        edges = scores.edges
        code = scores.code
    return code


def _pd_scores(x: pd.Series, cuts: tuple[float, ...], higher: bool) -> np.ndarray:
    """Scores 1..bins by pd.cut, as custseg scores (a value on a cut stays below)."""
    bins = [-np.inf, *cuts, np.inf]
    if higher:
        return pd.cut(x, bins, right=True, labels=False).to_numpy() + 1
    idx = pd.cut(x, bins, right=False, labels=False).to_numpy()
    return len(cuts) + 1 - idx


def run_pandas(tx: pd.DataFrame) -> np.ndarray:
    edges = None
    code = np.empty(0)
    for d in CUTS:
        as_of = pd.Timestamp(d)
        sub = tx[tx["date"] < as_of + pd.Timedelta(days=1)]
        buys = sub[sub["amount"] >= 0]
        agg = buys.groupby("customer_id").agg(
            frequency=("amount", "size"), last=("date", "max")
        )
        facts = sub.groupby("customer_id")["amount"].sum().to_frame("monetary")
        facts = facts.join(agg)
        facts["frequency"] = facts["frequency"].fillna(0).astype(np.int64)
        facts["recency_days"] = (as_of - facts["last"].dt.floor("D")).dt.days
        if edges is None:
            b = facts[facts["frequency"] > 0]
            edges = custseg.rfm_edges(b.recency_days, b.frequency, b.monetary)
        r = _pd_scores(facts["recency_days"], edges.recency.cuts, False)
        f = _pd_scores(facts["frequency"], edges.frequency.cuts, True)
        m = _pd_scores(facts["monetary"], edges.monetary.cuts, True)
        none = (facts["frequency"] == 0).to_numpy()
        code = np.where(none, 0, (r * 10 + f) * 10 + m)
    return code


def pandas_summary(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The segment summary as people write it: groupby + named aggregations."""
    g = frame.groupby(column, observed=False)
    out = g.agg(
        customers=("frequency", "size"),
        orders=("frequency", "sum"),
        revenue=("monetary", "sum"),
        recency_mean=("recency_days", "mean"),
        recency_median=("recency_days", "median"),
        frequency_mean=("frequency", "mean"),
        frequency_median=("frequency", "median"),
        monetary_mean=("monetary", "mean"),
        monetary_median=("monetary", "median"),
    )
    out["customer_share"] = out["customers"] / len(frame)
    out["revenue_share"] = out["revenue"] / frame["monetary"].sum()
    out["avg_order_value"] = out["revenue"] / out["orders"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="target rows")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, best kept")
    ap.add_argument("--quick", action="store_true", help="200k rows")
    ap.add_argument(
        "--memory",
        action="store_true",
        help="also run each method once under tracemalloc for its peak memory",
    )
    args = ap.parse_args(argv)
    rows = 200_000 if args.quick else args.rows
    print(f"simulating {rows:,d} rows ...", file=sys.stderr)
    tx = simulate_transactions(rows // 10, seed=0, purchases_per_customer=10)
    methods = {
        "custseg.segment_history (one pass)": run_history,
        "12 x custseg.summarize + rfm_scores": run_summarize,
        "12 x pandas groupby + pd.cut": run_pandas,
    }
    results: dict[str, tuple[float, np.ndarray]] = {}
    peaks: dict[str, float] = {}
    for name, fn in methods.items():
        print(f"timing {name} ...", file=sys.stderr)
        results[name] = best_time(lambda fn=fn: fn(tx), args.repeat)
        if args.memory:
            peaks[name] = peak_mib(lambda fn=fn: fn(tx))
    base_t, base_code = results["custseg.segment_history (one pass)"]
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, custseg "
        f"{custseg.__version__}, {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"# {len(tx):,d} transactions, {tx.customer_id.nunique():,d} customers, "
        f"{len(CUTS)} month-end snapshots of 2024, best of {args.repeat}"
    )
    print()
    mem = f" {'peak MiB':>9}" if args.memory else ""
    print(f"{'method':<40} {'seconds':>8} {'vs one pass':>12}{mem}  check")
    for name, (t, code) in results.items():
        differ = int(np.count_nonzero(np.asarray(code, np.int64) != base_code))
        # pandas sums with compensation (Kahan): a customer whose monetary
        # value lies within rounding of an edge can land on its other side
        note = (
            "same scores"
            if not differ
            else f"{differ:,d} customer{'s' * (differ != 1)} scored differently"
        )
        mem = f" {peaks[name]:9.0f}" if args.memory else ""
        print(f"{name:<40} {t:8.2f} {t / base_t:11.1f}x{mem}  {note}")

    # the summary of the last snapshot's customers per RFM-11 segment
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount, as_of=CUTS[-1])
    labels = custseg.rules.load("ecommerce").evaluate([facts, facts.rfm_scores()])
    seg = labels["rfm11"]
    frame = facts.to_pandas()
    frame["rfm11"] = seg.to_categorical()
    t_ours, ours = best_time(lambda: segment_summary(seg, facts), args.repeat)
    t_pd, theirs = best_time(lambda: pandas_summary(frame, "rfm11"), args.repeat)
    cols = ["customers", "orders", "revenue", "recency_median", "monetary_median"]
    same = np.allclose(
        ours.drop("Total")[cols].to_numpy(float),
        theirs[cols].to_numpy(float),
        rtol=1e-9,
        equal_nan=True,
    )
    print()
    print(f"# segment summary: {len(facts):,d} customers, {len(seg.names)} classes")
    print(f"{'method':<40} {'seconds':>8} {'vs ours':>12}  check")
    print(f"{'custseg.segment_summary':<40} {t_ours:8.2f} {1:11.1f}x")
    print(
        f"{'pandas groupby().agg(...)':<40} {t_pd:8.2f} {t_pd / t_ours:11.1f}x  "
        f"{'same figures' if same else 'FIGURES DIFFER'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
