"""Per-customer sums that do not depend on the row order, and what they cost.

``summarize`` adds each customer's amounts so that the same rows in any
order give the same ``monetary`` (custseg._exact). Decimal amounts of few
places are summed as whole numbers of their last place (one scaled
``bincount``); other floats (``1/3``, binary fractions such as ``x / 100``)
exactly in limbs of their last binary place, rounded once (a few
``bincount`` passes, the result ``math.fsum`` gives). Beside them: the plain
``bincount`` in row order (fast, but the last bit moves with the order), the
ascending-order sum used before the limbs (one ``argsort``), and pandas'
idiomatic ``groupby().sum()`` (row order). Ids are ``0 .. k-1`` with 10 rows
per customer, rows shuffled; each method on the same arrays, best of
*repeat*; the limb and decimal results are checked against ``math.fsum`` on
a sample of customers, and against the shuffled rows.

    python benchmarks/bench_sums.py            # 1M and 10M rows
    python benchmarks/bench_sums.py --quick    # 100k and 1M rows
"""

from __future__ import annotations

import argparse
import math
import os
from fractions import Fraction
from functools import partial

import numpy as np
import pandas as pd

from _timing import best_time
from custseg._exact import decimal_scale, decimal_sums, exact_sums


def _amounts(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    cents = rng.integers(-2_000, 50_000, n)
    if kind == "cents / 100 (decimal)":
        return cents / 100
    if kind == "cents / 3":
        return cents / 3
    return rng.lognormal(3, 1.5, n)  # full binary fractions


def _ascending(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(values)
    return np.bincount(codes[order], weights=values[order], minlength=k)


def _pandas_sum(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("c")["a"].sum()


def _order_free(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    scale = decimal_scale(values)
    if scale is not None:
        return decimal_sums(values, codes, k, scale)
    out = exact_sums(values, codes, k)
    assert out is not None
    return out


def _matches(
    sums: np.ndarray,
    values: np.ndarray,
    codes: np.ndarray,
    sample: np.ndarray,
    *,
    decimal: bool,
) -> bool:
    """Whether *sums* of the *sample* customers are the exact sums rounded
    once: of the decimals the amounts print as, or of the binary amounts."""
    by = pd.Series(values).groupby(codes)
    for c in sample:
        rows = by.get_group(c).tolist()
        if decimal:
            want = float(sum((Fraction(repr(x)) for x in rows), Fraction(0)))
        else:
            want = math.fsum(rows)
        if sums[c] != want:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = (100_000, 1_000_000) if args.quick else (1_000_000, 10_000_000)
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} (cores: {os.cpu_count()})\n")
    print(
        "| rows | amounts | custseg order-free | bincount (row order) "
        "| argsort + bincount | pandas groupby.sum | order-free = fsum |"
    )
    print("|---:|---|---:|---:|---:|---:|---|")
    rng = np.random.default_rng(0)
    for n in sizes:
        k = n // 10
        codes = rng.permutation(np.arange(n) % k).astype(np.intp)
        for kind in ("cents / 100 (decimal)", "cents / 3", "lognormal"):
            values = _amounts(kind, n, rng)
            frame = pd.DataFrame({"c": codes, "a": values})
            t_free, free = best_time(
                partial(_order_free, values, codes, k), args.repeat
            )
            t_bin, _ = best_time(
                partial(np.bincount, codes, weights=values, minlength=k), args.repeat
            )
            t_asc, _ = best_time(partial(_ascending, values, codes, k), args.repeat)
            t_pd, _ = best_time(partial(_pandas_sum, frame), args.repeat)
            # checks: the exact sums of 200 customers, and the rows shuffled
            sample = rng.choice(k, 200, replace=False)
            exact = _matches(free, values, codes, sample, decimal=kind.endswith("l)"))
            perm = rng.permutation(n)
            same = np.array_equal(_order_free(values[perm], codes[perm], k), free)
            print(
                f"| {n:,} | {kind} | {t_free:.3f} s | {t_bin:.3f} s | {t_asc:.3f} s "
                f"| {t_pd:.3f} s | {'yes' if exact and same else 'NO'} |"
            )


if __name__ == "__main__":
    main()
