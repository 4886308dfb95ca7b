"""Benchmark: rules evaluation after compilation, every preset.

For every shipped preset on N customers: the compile time (``rules.load``:
parse, check, analyse, tabulate) and the time of ``RuleSet.evaluate`` (input
checks included), best and median of several runs, wall and CPU time, and the
peak RSS. Each preset runs in a fresh process. The ``ecommerce`` preset runs
twice: on the RFM facts and scores alone (the survey and CRM outputs are left
out, as in ``segment_frame`` output) and with the optional survey and CRM
fields too (every output). Then the 11-segment R x FM scheme plus the
lifecycle table against the idiomatic pandas way (``pd.cut`` and ``np.select``
over the 11 conditions), same labels checked. The issue's goal: the ecommerce
preset on 1M customers in under 50 ms after compilation.

The machine load at start is printed: on a shared machine wall times are
noisy (the CPU time is less so). ::

    python benchmarks/bench_rules.py               # 1,000,000 customers
    python benchmarks/bench_rules.py --quick       # 100,000 customers
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pandas as pd

from custseg import rules


def _runs(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of *repeat* calls (after one warm-up call)."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return wall, cpu


def _data(n: int, seed: int = 0, survey: bool = False) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    recency = rng.exponential(200, n)
    recency[rng.random(n) < 0.01] = np.nan  # customers with no purchase
    scores = {k: rng.integers(1, 6, n).astype(np.float64) for k in "rfm"}
    for k in "rfm":
        scores[k][np.isnan(recency)] = np.nan
    out: dict[str, Any] = {
        "recency_days": recency,
        "frequency": rng.integers(0, 30, n),
        "monetary": rng.lognormal(5, 1.2, n),
        "tenure_days": recency + rng.exponential(300, n),
        **scores,
    }
    if survey:  # the optional survey answers and CRM flags of the base preset
        levels = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied"]
        levels.append("very_satisfied")
        out["satisfaction"] = pd.Categorical.from_codes(
            rng.integers(-1, 5, n), dtype=pd.CategoricalDtype(levels)
        )
        referral = pd.CategoricalDtype(["unlikely", "possible", "very_likely"])
        out["referral"] = pd.Categorical.from_codes(
            rng.integers(-1, 3, n), dtype=referral
        )
        repurchase = rng.random(n)
        repurchase[rng.random(n) < 0.2] = np.nan
        out["repurchase"] = repurchase
        nps = rng.integers(0, 11, n).astype(np.float64)
        nps[rng.random(n) < 0.2] = np.nan
        out["nps"] = nps
        out["interested"] = rng.random(n) < 0.1
        out["vip"] = rng.random(n) < 0.05
    return out


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


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one(what: str, n: int, repeat: int) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    out: dict[str, Any] = {}
    if what == "pandas":
        df = pd.DataFrame(_data(n))
        wall, cpu = _runs(lambda: _pandas_idiom(df), repeat)
        out["outputs"], out["tabulated"], out["compile_ms"] = 2, 0, None
    else:
        preset, _, variant = what.partition("+")
        t0 = time.perf_counter()
        rs = rules.load(preset)
        out["compile_ms"] = (time.perf_counter() - t0) * 1000
        if variant == "spine":  # rfm11 and the lifecycle table only
            rs = attrs.evolve(
                rs,
                order=("fm", "lifecycle", "rfm11"),
                derived={"fm": rs.derived["fm"]},
                tables={"lifecycle": rs.tables["lifecycle"]},
                segments={"rfm11": rs.segments["rfm11"]},
                tagsets={},
                lookups={"rfm11": rs.lookups["rfm11"]},
            )
        data = _data(n, survey=variant == "survey")
        result = rs.evaluate(data)
        out["outputs"] = len(result.labels) + len(result.tags)
        out["tabulated"] = sum(name in rs.lookups for name in result.labels)
        wall, cpu = _runs(lambda: rs.evaluate(data), repeat)
        if variant == "spine":
            _, expected = _pandas_idiom(pd.DataFrame(data))
            same = result["rfm11"].to_numpy() == expected
            out["same_as_pandas"] = bool(same.all())
    out["best_ms"] = min(wall) * 1000
    out["median_ms"] = statistics.median(wall) * 1000
    out["cpu_best_ms"] = min(cpu) * 1000
    out["peak_mib"] = _peak_mib()
    return out


def _fresh(what: str, n: int, repeat: int) -> dict[str, Any]:
    """:func:`_one` in a fresh Python process."""
    cmd = [sys.executable, __file__, "--one", what, "--rows", str(n)]
    cmd += ["--repeat", str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = 100_000 if args.quick else args.rows
    if args.one:
        print(json.dumps(_one(args.one, n, args.repeat)))
        return
    load = os.getloadavg()
    print(
        f"custseg rules benchmark — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}, pandas {pd.__version__}; "
        f"{n:,d} customers, {args.repeat} runs each in a fresh process"
    )
    print(
        f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(a shared machine: wall times are noisy, CPU times less so)\n"
    )
    cases = [
        ("ecommerce", "ecommerce"),
        ("ecommerce+survey", "ecommerce, survey + CRM fields"),
        *((p, p) for p in sorted(rules.presets()) if p != "ecommerce"),
        ("ecommerce+spine", "rfm11 + lifecycle (custseg rules)"),
        ("pandas", "rfm11 + lifecycle (pandas cut + np.select)"),
    ]
    head = (
        f"| {'what':<44} | outputs | tabulated | compile ms | best ms | "
        "median ms | CPU best ms | peak RSS MiB |"
    )
    print(head)
    print("|" + "---|" * 8)
    same = None
    for what, label in cases:
        r = _fresh(what, n, args.repeat)
        same = r.get("same_as_pandas", same)
        print(
            f"| {label:<44} | {r['outputs']:>7} | {r['tabulated']:>9} | "
            f"{_ms(r['compile_ms']):>10} | {r['best_ms']:>7.1f} | "
            f"{r['median_ms']:>9.1f} | {r['cpu_best_ms']:>11.1f} | "
            f"{r['peak_mib']:>12.0f} |"
        )
    print(f"\nrfm11 labels identical to the pandas idiom: {same}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
