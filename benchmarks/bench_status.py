"""Benchmark the status classifiers against the pandas ``np.select`` idiom.

For each of ``customer_status``, ``needs_status``, ``visit_tier``,
``store_visit_class`` and ``care_phase``: custseg on pandas Series (as a user
calls it) versus what people write in pandas: ``np.select`` over boolean
Series giving strings, then a ``pd.Categorical`` of them (``pd.cut`` too for
the care phases). Same process, same data, best of ``--repeat`` runs, then
one run under ``tracemalloc`` for the peak memory. The labels of every peer
are compared with custseg's outside the timed runs.

The data has no missing values, because the idiom has no answer for them
(``np.select`` sends NaN rows silently to whatever rule or default its
comparisons leave them in); custseg's ``unknown`` handling is included in
its time anyway.

Usage::

    python benchmarks/bench_status.py            # 1M customers
    python benchmarks/bench_status.py --quick    # 100k customers
    python benchmarks/bench_status.py --rows 2000000 --repeat 5
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import custseg
from _timing import best_time, peak_mib
from custseg.lifecycle import (
    NEEDS_NAMES,
    STATUS_NAMES,
    STORE_CLASS_NAMES,
    VISIT_TIER_NAMES,
    StoreClasses,
    VisitTiers,
    care_phase,
    customer_status,
    needs_status,
    store_visit_class,
    visit_tier,
)


def customers(n: int, seed: int = 0) -> pd.DataFrame:
    """*n* customers: counts, days (tenure >= recency), spend and flags."""
    rng = np.random.default_rng(seed)
    frequency = rng.poisson(2.0, n)
    tenure = rng.uniform(0, 900, n).round(1)
    recency = (tenure * rng.uniform(0, 1, n)).round(1)
    buyer = frequency > 0
    visits = frequency + rng.poisson(1.0, n)
    return pd.DataFrame(
        {
            "frequency": frequency,
            "tenure_days": np.where(buyer, tenure, np.nan),
            "recency_days": np.where(buyer, recency, np.nan),
            "interested": rng.random(n) < 0.5,
            "vip": rng.random(n) < 0.05,
            "visits": visits,
            "spend": (frequency * rng.gamma(2.0, 400.0, n)).round(2),
        },
        index=pd.RangeIndex(n, name="customer_id"),
    )


def cat(values: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical(values, categories=list(names))


def pandas_status(df: pd.DataFrame) -> pd.Categorical:
    f = df.frequency
    conds = [
        f.eq(0) & df.interested,
        f.eq(0),
        df.recency_days >= 270,
        df.vip | (f >= 3),
        (df.tenure_days < 45) | f.eq(1),
    ]
    choices = ["potential", "no_purchase", "lost", "loyal", "new"]
    return cat(np.select(conds, choices, default="repeat"), STATUS_NAMES)


def pandas_needs(df: pd.DataFrame) -> pd.Categorical:
    f = df.frequency
    conds = [
        f.eq(0) & df.interested,
        f.eq(0),
        df.recency_days >= 270,
        df.vip | (f >= 3),
        f >= 2,
    ]
    choices = ["potential", "no_purchase", "lost", "loyal", "regular"]
    return cat(np.select(conds, choices, default="one_time"), NEEDS_NAMES)


def pandas_tier(df: pd.DataFrame) -> pd.Categorical:
    conds = [df.visits < 2, (df.visits >= 12) | (df.spend >= 5000)]
    return cat(
        np.select(conds, ["walk_in", "vip"], default="ordinary_member"),
        VISIT_TIER_NAMES,
    )


def pandas_store(df: pd.DataFrame) -> pd.Categorical:
    conds = [df.vip | (df.frequency >= 8), df.frequency >= 1, df.visits >= 1]
    choices = ["vip", "visited_bought", "visited_not_bought"]
    return cat(np.select(conds, choices, default="potential"), STORE_CLASS_NAMES)


CARE = ("care", "recommend", "stimulate", "established", "no_purchase")


def pandas_care_select(df: pd.DataFrame) -> pd.Categorical:
    t = df.tenure_days
    conds = [t.isna(), t < 5, t < 30, t < 45]
    choices = ["no_purchase", "care", "recommend", "stimulate"]
    return cat(np.select(conds, choices, default="established"), CARE)


def pandas_care_cut(df: pd.DataFrame) -> pd.Categorical:
    out = pd.cut(
        df.tenure_days,
        [0, 5, 30, 45, np.inf],
        right=False,
        labels=list(CARE[:-1]),
    )
    return out.cat.add_categories("no_purchase").fillna("no_purchase").array


def cases(
    df: pd.DataFrame,
) -> list[tuple[str, Callable[[], Any], list[tuple[str, Any]]]]:
    tiers = VisitTiers(2, 12, 5000, "either")
    return [
        (
            "customer_status",
            lambda: customer_status(
                df.frequency,
                df.tenure_days,
                df.recency_days,
                interested=df.interested,
                vip=df.vip,
            ),
            [("np.select", lambda: pandas_status(df))],
        ),
        (
            "needs_status",
            lambda: needs_status(
                df.frequency, df.recency_days, interested=df.interested, loyal=df.vip
            ),
            [("np.select", lambda: pandas_needs(df))],
        ),
        (
            "visit_tier",
            lambda: visit_tier(df.visits, df.spend, tiers=tiers),
            [("np.select", lambda: pandas_tier(df))],
        ),
        (
            "store_visit_class",
            lambda: store_visit_class(
                df.visits, df.frequency, df.vip, thresholds=StoreClasses(8)
            ),
            [("np.select", lambda: pandas_store(df))],
        ),
        (
            "care_phase",
            lambda: care_phase(df.tenure_days),
            [
                ("np.select", lambda: pandas_care_select(df)),
                ("pd.cut", lambda: pandas_care_cut(df)),
            ],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, best kept")
    parser.add_argument("--quick", action="store_true", help="100k customers")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else args.rows
    df = customers(n)
    print(
        f"custseg {custseg.__version__}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, Python {platform.python_version()}, {n:,} customers, "
        f"best of {args.repeat}"
    )
    header = f"| {'function':<18} | {'method':<10} | {'ms':>8} | {'speedup':>7} | {'peak MiB':>8} | same labels |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for name, ours, peers in cases(df):
        t_ours, labels = best_time(ours, args.repeat)
        mine = labels.to_numpy()
        results = []
        for method, fn in peers:
            t_peer, theirs = best_time(fn, args.repeat)
            same = bool((np.asarray(theirs, dtype=object) == mine).all())
            results.append((method, t_peer, peak_mib(fn), same))
        t_base = results[0][1]
        rows = [("custseg", t_ours, peak_mib(ours), None), *results]
        for method, seconds, peak, same in rows:
            mark = "" if same is None else ("yes" if same else "NO")
            print(
                f"| {name:<18} | {method:<10} | {seconds * 1e3:8.1f} | "
                f"{t_base / seconds:6.1f}x | {peak:8.1f} | {mark:<11} |"
            )
        print(f"  {name} done", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
