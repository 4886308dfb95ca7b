"""Why the summary's time grows faster than its rows: the scatter passes.

The four aggregates of ``summarize`` (sums and counts by ``bincount``, last
and first day by ``maximum.at`` / ``minimum.at``) on dense codes: plainly
(one after the other), overlapped (the bincounts in a second thread beside
the ``ufunc.at`` passes, as ``summarize`` runs them from 2**21 customers on),
and after a radix partition of the rows by the top 8 bits of their code (a
stable ``argsort`` of ``uint8`` keys, then gathers), at growing sizes: the
plain passes slow down once the per-customer arrays outgrow the cache,
overlapping them hides part of the wait on memory, and the partition, in
pure NumPy, costs more than it saves (its gathers read the rows out of
order). All give identical results (checked).

When Numba is installed (it is not a custseg dependency: ``pip install
numba``), two compiled variants are timed too, to show what a compiled
kernel buys: one loop over the rows updating a 32-byte record per customer
(sum, count, last, first: one cache miss per row instead of four), and a
radix partition of the rows into 256 buckets before that loop.

    python benchmarks/bench_partition.py            # 10M and 100M rows
    python benchmarks/bench_partition.py --quick    # 1M and 10M rows
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial
from typing import Any

import numpy as np


def _aggregates(codes: np.ndarray, amounts: np.ndarray, days: np.ndarray, k: int):
    sums = np.bincount(codes, weights=amounts, minlength=k)
    counts = np.bincount(codes, minlength=k)
    last = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last, codes, days)
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    return sums, counts, last, first


def _overlapped(codes: np.ndarray, amounts: np.ndarray, days: np.ndarray, k: int):
    """The same four passes, the two bincounts (which release the GIL) in a
    second thread while the two ``ufunc.at`` passes (which hold it) run in
    this one: what ``summarize`` does from 2**21 customers on."""
    from custseg._threads import overlapped as beside

    counted = beside(
        lambda: (
            np.bincount(codes, weights=amounts, minlength=k),
            np.bincount(codes, minlength=k),
        )
    )
    last = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last, codes, days)
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    sums, counts = counted()
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


def _numba_kernels() -> tuple[Any, Any] | None:
    """One-pass aggregation into a record per customer, without and with a
    radix partition of the rows first; None without Numba."""
    try:
        import numba
    except ImportError:
        return None
    lo_, hi_ = np.iinfo(np.int64).min, np.iinfo(np.int64).max

    @numba.njit(nogil=True)
    def records(codes, amounts, days, k):  # type: ignore[no-untyped-def]
        rec = np.empty((k, 4), dtype=np.int64)  # sum (as float64), count, last, first
        sums = rec.view(np.float64)
        for c in range(k):
            rec[c, 0], rec[c, 1], rec[c, 2], rec[c, 3] = 0, 0, lo_, hi_
        for i in range(codes.shape[0]):
            c, d = codes[i], days[i]
            sums[c, 0] += amounts[i]
            rec[c, 1] += 1
            rec[c, 2] = max(rec[c, 2], d)
            rec[c, 3] = min(rec[c, 3], d)
        return rec

    @numba.njit(nogil=True)
    def partitioned(codes, amounts, days, k, shift):  # type: ignore[no-untyped-def]
        n = codes.shape[0]
        starts = np.zeros(((k - 1) >> shift) + 2, dtype=np.int64)
        for i in range(n):
            starts[(codes[i] >> shift) + 1] += 1
        for b in range(1, starts.shape[0]):
            starts[b] += starts[b - 1]
        c2, a2, d2 = np.empty_like(codes), np.empty_like(amounts), np.empty_like(days)
        for i in range(n):  # stable: rows keep their order within a bucket
            b = codes[i] >> shift
            p = starts[b]
            starts[b] = p + 1
            c2[p], a2[p], d2[p] = codes[i], amounts[i], days[i]
        return records(c2, a2, d2, k)

    return records, partitioned


def _from_records(rec: np.ndarray) -> tuple[np.ndarray, ...]:
    return (
        rec[:, 0].view(np.float64).copy(),
        rec[:, 1].copy(),
        rec[:, 2].copy(),
        rec[:, 3].copy(),
    )


def _best(fn, repeat: int) -> tuple[float, Any]:
    """The best time of *repeat* runs and that run's result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        got = fn()
        took = time.perf_counter() - t
        if took < best:
            best, out = took, got
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M and 10M rows")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [1_000_000, 10_000_000] if args.quick else [10_000_000, 100_000_000]
    kernels = _numba_kernels()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; best of {args.repeat}")
    print(
        "| rows | customers | plain s | bincounts in a second thread s "
        "| partitioned s | of which sort + gather s "
        "| Numba, record per customer s | Numba, partitioned first s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for n in sizes:
        k = n // 10
        codes = rng.integers(0, k, n)
        amounts = rng.gamma(2.0, 40.0, n).round(2)
        days = np.sort(rng.integers(19_000, 19_730, n))  # a log in date order
        data = (codes, amounts, days, k)
        plain, ref = _best(partial(_aggregates, *data), args.repeat)
        beside, out = _best(partial(_overlapped, *data), args.repeat)
        assert all(np.array_equal(x, y) for x, y in zip(ref, out, strict=True))
        part, (out, moved) = _best(partial(_partitioned, *data), args.repeat)
        assert all(np.array_equal(x, y) for x, y in zip(ref, out, strict=True))
        compiled = ["—", "—"]
        if kernels is not None:
            records, radix = kernels
            shift = max(0, (k - 1).bit_length() - 8)  # 256 buckets
            records(codes[:10], amounts[:10], days[:10], k)  # compile
            radix(codes[:10], amounts[:10], days[:10], k, shift)
            for i, fn in enumerate(
                (partial(records, *data), partial(radix, *data, shift))
            ):
                took, rec = _best(fn, args.repeat)
                got = _from_records(rec)
                assert all(np.array_equal(x, y) for x, y in zip(ref, got, strict=True))
                compiled[i] = f"{took:.2f}"
        print(
            f"| {n:,d} | {k:,d} | {plain:.2f} | {beside:.2f} | {part:.2f} | {moved:.2f} "
            f"| {compiled[0]} | {compiled[1]} |"
        )


if __name__ == "__main__":
    main()
