"""Why the summary's time grows faster than its rows: the scatter passes.

The four aggregates of ``summarize`` (sums and counts by ``bincount``, last
and first day by ``maximum.at`` / ``minimum.at``) on dense codes, plainly and
after a radix partition of the rows by the top 8 bits of their code (a
stable ``argsort`` of ``uint8`` keys, then gathers), at growing sizes: the
plain passes slow down once the per-customer arrays outgrow the cache, and
the partition, in pure NumPy, costs more than it saves (its gathers read the
rows out of order). Both give identical results (checked).

    python benchmarks/bench_partition.py            # 10M and 100M rows
    python benchmarks/bench_partition.py --quick    # 1M and 10M rows
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial

import numpy as np


def _aggregates(codes: np.ndarray, amounts: np.ndarray, days: np.ndarray, k: int):
    sums = np.bincount(codes, weights=amounts, minlength=k)
    counts = np.bincount(codes, minlength=k)
    last = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last, codes, days)
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    return sums, counts, last, first


def _partitioned(codes: np.ndarray, amounts: np.ndarray, days: np.ndarray, k: int):
    """The aggregates after a stable partition of the rows by their code's
    top 8 bits; also the seconds spent partitioning."""
    t = time.perf_counter()
    shift = max(0, (k - 1).bit_length() - 8)  # 256 buckets
    order = np.argsort((codes >> shift).astype(np.uint8), kind="stable")
    c, a, d = codes[order], amounts[order], days[order]
    moved = time.perf_counter() - t
    return _aggregates(c, a, d, k), moved


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M and 10M rows")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [1_000_000, 10_000_000] if args.quick else [10_000_000, 100_000_000]
    print(f"load average at start: {os.getloadavg()[0]:.2f}; best of {args.repeat}")
    print("| rows | customers | plain s | partitioned s | of which sort + gather s |")
    print("|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for n in sizes:
        k = n // 10
        codes = rng.integers(0, k, n)
        amounts = rng.gamma(2.0, 40.0, n).round(2)
        days = np.sort(rng.integers(19_000, 19_730, n))  # a log in date order
        data = (codes, amounts, days, k)
        plain, ref = _best(partial(_aggregates, *data), args.repeat)
        part, (out, moved) = _best(partial(_partitioned, *data), args.repeat)
        assert all(np.array_equal(x, y) for x, y in zip(ref, out, strict=True))
        print(f"| {n:,d} | {k:,d} | {plain:.2f} | {part:.2f} | {moved:.2f} |")


if __name__ == "__main__":
    main()
