"""Benchmark: rules evaluation after compilation.

Times ``RuleSet.evaluate`` on N customers for the 11-segment R x FM scheme plus
the lifecycle table of the ``ecommerce`` preset (the issue's goal: 1M rows in
under 50 ms after compilation), the whole ``ecommerce`` preset, and the
idiomatic pandas alternative for the same two outputs (``pd.cut`` for the
lifecycle, ``np.select`` over the 11 conditions). Prints a table.

    python benchmarks/bench_rules.py --rows 1000000
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pandas as pd

from custseg import rules


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _data(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    recency = rng.exponential(200, n)
    recency[rng.random(n) < 0.01] = np.nan  # customers with no purchase
    scores = {k: rng.integers(1, 6, n).astype(np.float64) for k in "rfm"}
    for k in "rfm":
        scores[k][np.isnan(recency)] = np.nan
    return {
        "recency_days": recency,
        "frequency": rng.integers(0, 30, n),
        "monetary": rng.lognormal(5, 1.2, n),
        "tenure_days": recency + rng.exponential(300, n),
        **scores,
    }


def _pandas_idiom(df: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    life = pd.cut(
        df["recency_days"],
        [0, 90, 180, 270, 365, np.inf],
        right=False,
        labels=["active", "silent", "sleeping", "lost", "gone"],
    )
    r, fm = df["r"], (df["f"] + df["m"]) / 2
    conds = [
        (r == 5) & (fm >= 3.5),
        (r >= 3) & (fm >= 3.5),
        (r >= 4) & (fm >= 1.5),
        r == 5,
        r == 4,
        (r == 3) & (fm >= 2.5),
        r == 3,
        (r <= 2) & (fm >= 4.5),
        (r <= 2) & (fm >= 2.5),
        (r == 1) & (fm < 1.5),
        r <= 2,
    ]
    names = [
        "Champions",
        "Loyal",
        "Potential Loyalist",
        "New",
        "Promising",
        "Need Attention",
        "About to Sleep",
        "Can't Lose Them",
        "At Risk",
        "Lost",
        "Hibernating",
    ]
    return life, np.select(conds, names, "Unscored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    full = rules.load("ecommerce")
    t0 = time.perf_counter()
    rules.load("ecommerce")
    compile_s = time.perf_counter() - t0
    spine = attrs.evolve(
        full,
        order=("fm", "lifecycle", "rfm11"),
        derived={"fm": full.derived["fm"]},
        tables={"lifecycle": full.tables["lifecycle"]},
        segments={"rfm11": full.segments["rfm11"]},
        tagsets={},
        lookups={"rfm11": full.lookups["rfm11"]},
    )
    print(
        f"custseg rules benchmark — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}, pandas {pd.__version__}"
    )
    print(
        f"compiling the ecommerce preset (parse, check, analyse, tabulate): "
        f"{compile_s * 1000:.0f} ms\n"
    )
    print(f"{'rows':>10}  {'what':<46} {'best ms':>9}")
    for n in (int(x) for x in args.rows.split(",")):
        data = _data(n)
        df = pd.DataFrame(data)
        rows = [
            ("rfm11 + lifecycle (custseg rules)", lambda d=data: spine.evaluate(d)),
            ("whole ecommerce preset (6 outputs)", lambda d=data: full.evaluate(d)),
            (
                "rfm11 + lifecycle (pandas cut + np.select)",
                lambda f=df: _pandas_idiom(f),
            ),
        ]
        for what, fn in rows:
            print(f"{n:>10,d}  {what:<46} {_best(fn, args.repeat) * 1000:9.1f}")
    same = spine.evaluate(data)["rfm11"].to_numpy()
    _, expected = _pandas_idiom(df)
    print(
        f"\nrfm11 labels identical to the pandas idiom: {bool((same == expected).all())}"
    )


if __name__ == "__main__":
    main()
