"""Benchmark profile completeness and tag overlaps against the pandas way.

Per task, every method runs in the same process on the same data, best of
``--repeat`` runs, then once more under ``tracemalloc`` for its peak traced
memory. Each peer's result is compared with custseg's outside the timed runs
(the ``note`` column).

* ``profile_completeness`` on customers x 19 profile fields (16 text columns
  in pandas' default ``str`` dtype, 3 numeric with NaN; values drawn from a
  pool of names, free text, blanks and placeholders in mixed case and
  padding), against ``df.isna() | df.isin(placeholders)`` (what people write;
  it misses padded and upper-case placeholders and whitespace-only text) and
  against the same with ``.str.strip().str.lower()`` first (the same rule as
  custseg's, up to Unicode case). Then the same data with the text columns as
  ``object`` (Python strings, as read from older files or built by hand),
  against the strip/lower way.
* ``group_overlaps`` on customers x 20 tags, against ``df.T @ df`` on the
  boolean frame cast to int (and the Jaccard index from it).
* ``group_summary`` of one amount over the 20 tags, against a loop of
  ``df.loc[tag, "monetary"].agg(["sum", "mean"])``.

Usage::

    python benchmarks/bench_profile_groups.py            # 1M customers
    python benchmarks/bench_profile_groups.py --quick    # 100k customers
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from _timing import best_time, peak_mib
from custseg.groups import TagMatrix, group_overlaps, group_summary
from custseg.profile import HARD_FIELDS, PLACEHOLDERS, SOFT_FIELDS, profile_completeness

NUMERIC = ("age", "budget", "tenure")
POOL = [
    "王芳", "李娜", "张伟", "未知", "不详", "无", "", "  ", "\u3000", "N/A", "n/a",
    " unknown ", "NULL", "-", "?", "教师", "两个孩子，丈夫经商", "喜欢瑜伽和旅行",
    "想要更好的皮肤状态，预算充足" * 3, "Shanghai, Xuhui District, No. 100",
]  # fmt: skip
N_TAGS = 20


def profile_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    pool = np.array(POOL, dtype=object)
    cols: dict[str, Any] = {}
    for f in (*HARD_FIELDS, *SOFT_FIELDS):
        if f in NUMERIC:
            x = rng.gamma(4.0, 10.0, n)
            x[rng.random(n) < 0.25] = np.nan
            cols[f] = x
        else:
            vals = pool[rng.integers(0, len(pool), n)]
            vals[rng.random(n) < 0.1] = None
            cols[f] = pd.Series(vals, dtype="str")
    return pd.DataFrame(cols)


def pandas_naive(df: pd.DataFrame) -> np.ndarray:
    missing = df.isna() | df.isin([*PLACEHOLDERS, ""])
    filled = ~missing
    hard = filled[list(HARD_FIELDS)].mean(axis=1)
    soft = filled[list(SOFT_FIELDS)].mean(axis=1)
    return (0.2 * hard + 0.8 * soft).to_numpy()


def pandas_stripped(df: pd.DataFrame) -> np.ndarray:
    holders = [*PLACEHOLDERS, ""]
    filled = {}
    for c in df.columns:
        s = df[c]
        if s.dtype.kind == "f":
            filled[c] = s.notna()
        else:
            filled[c] = s.notna() & ~s.str.strip().str.lower().isin(holders)
    f = pd.DataFrame(filled)
    hard = f[list(HARD_FIELDS)].mean(axis=1)
    soft = f[list(SOFT_FIELDS)].mean(axis=1)
    return (0.2 * hard + 0.8 * soft).to_numpy()


PEER_NAMES = {
    "pandas_naive": "pandas isna() or isin()",
    "pandas_stripped": "pandas strip/lower + isin",
}


def tag_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    rates = np.linspace(0.01, 0.5, N_TAGS)
    m = rng.random((n, N_TAGS)) < rates
    return pd.DataFrame(m, columns=[f"tag{j}" for j in range(N_TAGS)])


def pandas_overlaps(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    i = df.astype(np.int64)
    counts = i.T @ i
    sizes = np.diag(counts.to_numpy())
    union = sizes[:, None] + sizes[None, :] - counts.to_numpy()
    return counts.to_numpy(), counts.to_numpy() / union


def pandas_summary(df: pd.DataFrame, amount: pd.Series) -> np.ndarray:
    rows = [amount[df[c]].agg(["sum", "mean"]).to_numpy() for c in df.columns]
    return np.array(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100k customers")
    ap.add_argument("--rows", type=int, default=1_000_000, help="customers")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, best kept")
    ap.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the tracemalloc runs (they trace every Python object pandas "
        "makes of a text column: minutes at 1M customers)",
    )
    args = ap.parse_args(argv)
    n = 100_000 if args.quick else args.rows
    rng = np.random.default_rng(0)
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}",
    )
    print(f"# {n:,} customers, best of {args.repeat}")
    rows: list[tuple[str, str, float, float, str]] = []

    def mem(fn: Callable[[], Any]) -> float:
        return float("nan") if args.no_memory else peak_mib(fn)

    print("building profile data ...", file=sys.stderr)
    df = profile_frame(n, rng)
    ours = profile_completeness(df).score
    objects = df.astype({c: object for c in df.columns if df[c].dtype == "str"})
    for task, data, peers in (
        ("profile 19 fields", df, (pandas_naive, pandas_stripped)),
        ("profile 19 fields, object", objects, (pandas_stripped,)),
    ):
        methods: list[tuple[str, Callable[[], Any]]] = [
            (
                "custseg profile_completeness",
                lambda d=data: profile_completeness(d).score,
            )
        ]
        for peer in peers:
            methods.append((PEER_NAMES[peer.__name__], lambda d=data, f=peer: f(d)))
        for name, fn in methods:
            print(f"  {task}: {name} ...", file=sys.stderr)
            t, out = best_time(fn, args.repeat)
            same = np.allclose(out, ours)
            differ = int(np.count_nonzero(~np.isclose(out, ours)))
            note = "same scores" if same else f"{differ:,} scores differ"
            rows.append((task, name, t, mem(fn), note))

    print("building tag data ...", file=sys.stderr)
    tf = tag_frame(n, rng)
    tags = TagMatrix(tuple(tf.columns), tf.to_numpy())
    ov = group_overlaps(tags)
    for name, fn in (
        ("custseg group_overlaps", lambda: group_overlaps(tags)),
        ("pandas astype(int).T @ df", lambda: pandas_overlaps(tf)),
    ):
        print(f"  {name} ...", file=sys.stderr)
        t, out = best_time(fn, args.repeat)
        counts = out.counts if hasattr(out, "counts") else out[0]
        note = "same counts" if np.array_equal(counts, ov.counts) else "counts differ"
        rows.append((f"overlaps {N_TAGS} tags", name, t, mem(fn), note))

    amount = pd.Series(rng.gamma(2.0, 300.0, n))
    gs = group_summary(tags, {"monetary": amount.to_numpy()})
    for name, fn in (
        ("custseg group_summary", lambda: group_summary(tags, {"monetary": amount})),
        ("pandas loop of .agg", lambda: pandas_summary(tf, amount)),
    ):
        print(f"  {name} ...", file=sys.stderr)
        t, out = best_time(fn, args.repeat)
        if isinstance(out, np.ndarray):
            ok = np.allclose(out[:, 0], gs.totals["monetary"][:-1]) and np.allclose(
                out[:, 1], gs.means["monetary"][:-1]
            )
            note = "same sums, means" if ok else "results differ"
        else:
            note = ""
        rows.append((f"summary {N_TAGS} tags", name, t, mem(fn), note))

    print()
    print("| task | method | seconds | vs first | peak MiB | note |")
    print("|---|---|---:|---:|---:|---|")
    base: dict[str, float] = {}
    for task, name, t, mem, note in rows:
        base.setdefault(task, t)
        print(
            f"| {task} | {name} | {t:.3f} | {t / base[task]:.2f}x | {mem:.0f} | {note} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
