"""Benchmark: owners for 1M customers across 200 staff (custseg.ownership).

Times, on the same data in one run, best of ``--repeat``:

* **fresh** — nobody has an owner yet: ``assign_owners`` against the pandas
  idiom (sort by value, deal round robin with ``np.arange(n) % k``);
* **rebalance** — (at the default 5% tolerance and at 1%) 90% of customers have an owner, 20 of 220 former owners
  have left, 10% have none: ``assign_owners`` against the pandas idiom (keep
  valid owners, sort the orphans by value and deal them round robin over the
  staff ordered by their ``groupby`` count);
* **new joiner** — three staff own every customer and a fourth joins:
  ``assign_owners`` fills the newcomer from the balanced books;
* **neglected** — ``neglected`` against the pandas boolean expression.

Besides the time, each row gives the balance reached: the largest distance of
a count from the fair count (customers) and of a book from the fair book
(as a share of the fair book), and the peak memory of one run (tracemalloc).

    python benchmarks/bench_ownership.py            # 1M customers x 200 staff
    python benchmarks/bench_ownership.py --quick    # 100k x 20, a few seconds
"""

from __future__ import annotations

import argparse
import os
import platform
from typing import Any

import numpy as np
import pandas as pd

import custseg
from _timing import best_time as _best
from _timing import peak_mib as _peak
from custseg.ownership import assign_owners, neglected, reassign_neglected


def _data(n: int, k: int, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    staff = [f"s{i:04d}" for i in range(k)]
    former = np.array([f"s{i:04d}" for i in range(k + k // 10)], dtype=object)
    owner = former[rng.integers(0, len(former), n)]
    owner[rng.random(n) < 0.10] = None
    as_of = np.datetime64("2024-07-01")
    days = rng.exponential(60, n).astype(np.int64)
    contact = (as_of - days.astype("timedelta64[D]")).astype("datetime64[ns]")
    df = pd.DataFrame(
        {
            "customer_id": rng.permutation(n) + 10_000_000,
            "value": np.round(rng.lognormal(4.0, 1.2, n), 2),
            "owner": pd.Series(owner, dtype=object),
            "last_contact": pd.Series(contact).where(rng.random(n) > 0.05),
        }
    )
    return df, staff


def _balance(owner: np.ndarray | pd.Series, value: np.ndarray, staff: list[str]) -> str:
    """Largest count distance from fair, largest book distance from fair (%)."""
    codes = pd.Categorical(np.asarray(owner, dtype=object), categories=staff).codes
    counts = np.bincount(codes, minlength=len(staff))
    books = np.bincount(codes, weights=value, minlength=len(staff))
    fair_n = len(value) / len(staff)
    fair_v = value.sum() / len(staff)
    return (
        f"{np.abs(counts - fair_n).max():>7.0f}  "
        f"{100 * np.abs(books - fair_v).max() / fair_v:>6.2f}%"
    )


def _pandas_fresh(df: pd.DataFrame, staff: list[str]) -> pd.Series:
    order = df.sort_values(["value", "customer_id"], ascending=[False, True])
    owners = np.asarray(staff, dtype=object)[np.arange(len(order)) % len(staff)]
    return pd.Series(owners, index=order.index).reindex(df.index)


def _pandas_rebalance(df: pd.DataFrame, staff: list[str]) -> pd.Series:
    owner = df["owner"].where(df["owner"].isin(staff))
    orphans = df.loc[owner.isna(), ["value", "customer_id"]].sort_values(
        ["value", "customer_id"], ascending=[False, True]
    )
    counts = owner.groupby(owner).size().reindex(staff, fill_value=0).sort_values()
    ring = counts.index.to_numpy()
    owner = owner.astype(object)
    owner.loc[orphans.index] = ring[np.arange(len(orphans)) % len(ring)]
    return owner


def _pandas_neglected(
    df: pd.DataFrame, as_of: str, window: int, cut: float
) -> pd.Series:
    days = (pd.Timestamp(as_of) - df["last_contact"]).dt.days
    return (df["value"] >= cut) & ~(days < window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100k customers, 20 staff")
    args = parser.parse_args()
    n, k = (100_000, 20) if args.quick else (args.customers, args.staff)
    df, staff = _data(n, k)
    value = df["value"].to_numpy()
    ids = df["customer_id"].to_numpy()
    owner = df["owner"].to_numpy()

    print(
        f"custseg {custseg.__version__}, numpy {np.__version__}, pandas "
        f"{pd.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{n:,d} customers, {k} staff, best of {args.repeat}\n")
    print(
        f"{'task':<11} {'method':<40} {'time (s)':>9} {'peak MiB':>9}  count gap  book gap"
    )

    def ours_fresh() -> Any:
        return assign_owners(value, staff, customer_id=ids)

    def ours_rebalance() -> Any:
        return assign_owners(value, staff, current_owner=owner, customer_id=ids)

    def ours_tight() -> Any:
        return assign_owners(
            value, staff, current_owner=owner, customer_id=ids, tolerance=0.01
        )

    # a small team with one new joiner: three staff share every customer,
    # a fourth joins and is filled from their balanced books
    team = np.array(["t1", "t2", "t3"], dtype=object)[np.arange(n) % 3]

    def ours_joiner() -> Any:
        return assign_owners(
            value, ["t1", "t2", "t3", "t4"], current_owner=team, customer_id=ids
        )

    team_staff = ["t1", "t2", "t3", "t4"]
    cut = float(np.quantile(value, 0.8))
    # a large team: 30% of the customers flagged, moved to the staff with the
    # smallest books (a heap over the staff since the fifth audit)
    many = [f"m{i}" for i in range(max(k, 10_000))]
    many_owner = np.array(many, dtype=object)[np.arange(n) % len(many)]
    flagged = np.random.default_rng(1).random(n) < 0.3

    def ours_reassign() -> Any:
        return reassign_neglected(value, many_owner, many, flagged, customer_id=ids)

    rows = [
        (
            "new joiner",
            "custseg assign_owners, 3 + 1 staff",
            ours_joiner,
            lambda r: r.owner.to_numpy(),
        ),
        ("fresh", "custseg assign_owners", ours_fresh, lambda r: r.owner.to_numpy()),
        (
            "fresh",
            "pandas sort + round robin",
            lambda: _pandas_fresh(df, staff),
            lambda r: r,
        ),
        (
            "rebalance",
            "custseg assign_owners",
            ours_rebalance,
            lambda r: r.owner.to_numpy(),
        ),
        (
            "rebalance",
            "custseg assign_owners, tolerance 1%",
            ours_tight,
            lambda r: r.owner.to_numpy(),
        ),
        (
            "rebalance",
            "pandas keep + groupby + round robin",
            lambda: _pandas_rebalance(df, staff),
            lambda r: r,
        ),
        (
            "reassign",
            f"custseg reassign_neglected, {len(many):,d} staff",
            ours_reassign,
            None,
        ),
        (
            "neglected",
            "custseg neglected",
            lambda: neglected(
                value,
                df["last_contact"].to_numpy(),
                "2024-07-01",
                window_days=90,
                min_value=cut,
            ),
            None,
        ),
        (
            "neglected",
            "pandas boolean expression",
            lambda: _pandas_neglected(df, "2024-07-01", 90, cut),
            None,
        ),
    ]
    results = {}
    for task, method, fn, owners in rows:
        seconds, out = _best(fn, args.repeat)
        peak = _peak(fn)
        results[(task, method)] = out
        who = team_staff if task == "new joiner" else staff
        balance = _balance(owners(out), value, who) if owners else "      -        -"
        print(f"{task:<11} {method:<40} {seconds:>9.3f} {peak:>9.0f}  {balance}")
    print()
    for method in ("custseg assign_owners", "custseg assign_owners, tolerance 1%"):
        res = results[("rebalance", method)]
        print(
            f"rebalance, {method}: {res.n_moves:,d} moved to balance, "
            f"{res.n_forced:,d} forced, {res.n_assigned:,d} assigned; "
            f"balanced={res.balanced}"
        )
    flags = results[("neglected", "custseg neglected")].codes.astype(bool)
    same = np.array_equal(flags, results[("neglected", "pandas boolean expression")])
    print(f"neglected: {int(flags.sum()):,d} flagged; same as pandas: {same}")


if __name__ == "__main__":
    main()
