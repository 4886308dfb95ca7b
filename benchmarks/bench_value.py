"""Benchmark custseg.value against the pandas code people write instead.

Four tasks on the same in-memory data for every method (1M customers by
default):

- ``value_tier`` on numeric assets and intent (float64, 5% missing each)
  versus ``np.select`` over a DataFrame's columns;
- ``value_tier`` on level text (English and Chinese spellings mixed, pandas
  ``str`` columns, 5% missing) versus ``Series.map`` to levels then
  ``np.select``;
- ``conversion_readiness`` on four pandas nullable ``boolean`` columns (5%
  missing each) versus ``np.select`` over the nine outcomes;
- ``conversion_readiness`` on 是/否 text columns versus ``Series.map`` then
  ``np.select``.

custseg returns ``Labels`` (int8 codes); the peers return what ``np.select``
gives (an array of label strings). A second peer row converts that to a
``pandas.Categorical``, the form custseg's ``to_pandas()`` has. Every peer's
labels are checked against custseg's outside the timed runs. Best of
``--repeat`` runs (default 3).

Usage::

    python benchmarks/bench_value.py           # 1M customers
    python benchmarks/bench_value.py --quick   # 100k customers
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from _timing import best_time
from custseg.value import (
    READINESS_FACTORS,
    ValueTierThresholds,
    conversion_readiness,
    value_tier,
)

T = ValueTierThresholds(assets_medium=2000, assets_large=10000)
TIERS = ["A", "B", "C", "D"]
ASSET_WORDS = {"large": 2, "大": 2, "medium": 1, "中": 1, "ordinary": 0, "一般": 0}
INTENT_WORDS = {"strong": 2, "强": 2, "some": 1, "一般": 1, "unclear": 0, "不明显": 0}
YES_NO = {"是": True, "否": False}
NO_LABEL = {
    "need": "no_need",
    "motivation": "no_motivation",
    "ability": "no_ability",
    "timing": "not_now",
}
READINESS_NAMES = [
    name for f in READINESS_FACTORS for name in (NO_LABEL[f], f"{f}_unknown")
] + ["ready"]


def with_missing(
    rng: np.random.Generator, values: np.ndarray, p: float = 0.05
) -> np.ndarray:
    out = values.astype(object) if values.dtype.kind in "OUS" else values.astype(float)
    out[rng.random(len(values)) < p] = None if out.dtype == object else np.nan
    return out


def make_data(n: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    assets = with_missing(rng, rng.lognormal(7.5, 1.2, n).round(2))
    intent = with_missing(rng, rng.random(n))
    a_words = np.asarray(list(ASSET_WORDS))[rng.integers(0, len(ASSET_WORDS), n)]
    i_words = np.asarray(list(INTENT_WORDS))[rng.integers(0, len(INTENT_WORDS), n)]
    frame = pd.DataFrame(
        {
            "assets": assets,
            "intent": intent,
            "asset_level": pd.Series(with_missing(rng, a_words), dtype="str"),
            "intent_level": pd.Series(with_missing(rng, i_words), dtype="str"),
        }
    )
    for f in READINESS_FACTORS:
        b = pd.array(rng.random(n) < 0.8, dtype="boolean")
        b[rng.random(n) < 0.05] = pd.NA
        frame[f] = b
        text = np.where(np.asarray(b.fillna(False), dtype=bool), "是", "否").astype(
            object
        )
        text[np.asarray(b.isna())] = None
        frame[f + "_text"] = pd.Series(text, dtype="str")
    return {"frame": frame}


# --------------------------------------------------------------------------
# the pandas idioms


def select_tier(a: pd.Series, i: pd.Series, t: ValueTierThresholds) -> np.ndarray:
    """Assets and intent as numbers: one condition per tier, first match wins."""
    assert t.assets_large is not None and t.assets_medium is not None
    conditions = [
        a.isna() | i.isna(),
        (a >= t.assets_large) & (i >= t.intent_strong),
        (a >= t.assets_large) | ((a >= t.assets_medium) & (i >= t.intent_some)),
    ]
    return np.select(conditions, ["D", "A", "B"], default="C")


def select_tier_levels(a: pd.Series, i: pd.Series) -> np.ndarray:
    """Levels as text: map the spellings to 0..2, then the same np.select."""
    al, il = a.map(ASSET_WORDS), i.map(INTENT_WORDS)
    conditions = [
        al.isna() | il.isna(),
        (al == 2) & (il == 2),
        (al == 2) | ((al >= 1) & (il >= 1)),
    ]
    return np.select(conditions, ["D", "A", "B"], default="C")


def select_readiness(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """First factor not yes decides: unknown or no, in the documented order."""
    conditions, choices = [], []
    before = pd.Series(True, index=df.index)
    for f, col in zip(READINESS_FACTORS, cols, strict=True):
        x = df[col]
        conditions += [before & x.isna(), before & ~x.fillna(True)]
        choices += [f"{f}_unknown", NO_LABEL[f]]
        before = before & x.fillna(False)
    return np.select(
        [c.to_numpy(dtype=bool) for c in conditions], choices, default="ready"
    )


def select_readiness_text(df: pd.DataFrame) -> np.ndarray:
    mapped = pd.DataFrame(
        {f: df[f + "_text"].map(YES_NO).astype("boolean") for f in READINESS_FACTORS}
    )
    return select_readiness(mapped, list(READINESS_FACTORS))


def as_categorical(labels: np.ndarray, names: list[str]) -> pd.Series:
    return pd.Series(pd.Categorical(labels, categories=names, ordered=True))


# --------------------------------------------------------------------------


def run(n: int, repeat: int) -> list[tuple[str, str, float, str]]:
    data = make_data(n)
    df = data["frame"]
    out: list[tuple[str, str, float, str]] = []

    def timed(task: str, method: str, fn: Callable[[], Any], note: str = "") -> Any:
        seconds, result = best_time(fn, repeat)
        print(f"  {task:<34} {method:<36} {seconds:8.3f} s", file=sys.stderr)
        out.append((task, method, seconds, note))
        return result

    def check(ours: Any, theirs: np.ndarray) -> str:
        return (
            "same labels"
            if np.array_equal(ours.to_numpy(), theirs.astype(str))
            else "DIFFERS"
        )

    task = "value_tier, numbers"
    ours = timed(
        task,
        "custseg.value_tier",
        lambda: value_tier(df["assets"], df["intent"], thresholds=T),
    )
    theirs = select_tier(df["assets"], df["intent"], T)
    note = check(ours, theirs)
    timed(task, "np.select", lambda: select_tier(df["assets"], df["intent"], T), note)
    timed(
        task,
        "np.select + Categorical",
        lambda: as_categorical(select_tier(df["assets"], df["intent"], T), TIERS),
        note,
    )

    task = "value_tier, level text"
    ours = timed(
        task,
        "custseg.value_tier",
        lambda: value_tier(df["asset_level"], df["intent_level"]),
    )
    theirs = select_tier_levels(df["asset_level"], df["intent_level"])
    note = check(ours, theirs)
    timed(
        task,
        "map + np.select",
        lambda: select_tier_levels(df["asset_level"], df["intent_level"]),
        note,
    )
    timed(
        task,
        "map + np.select + Categorical",
        lambda: as_categorical(
            select_tier_levels(df["asset_level"], df["intent_level"]), TIERS
        ),
        note,
    )

    cols = list(READINESS_FACTORS)
    task = "conversion_readiness, boolean"
    ours = timed(
        task,
        "custseg.conversion_readiness",
        lambda: conversion_readiness(*(df[c] for c in cols)),
    )
    theirs = select_readiness(df, cols)
    note = check(ours, theirs)
    timed(task, "np.select", lambda: select_readiness(df, cols), note)
    timed(
        task,
        "np.select + Categorical",
        lambda: as_categorical(select_readiness(df, cols), READINESS_NAMES),
        note,
    )

    text_cols = [c + "_text" for c in cols]
    task = "conversion_readiness, 是/否 text"
    ours = timed(
        task,
        "custseg.conversion_readiness",
        lambda: conversion_readiness(*(df[c] for c in text_cols)),
    )
    theirs = select_readiness_text(df)
    note = check(ours, theirs)
    timed(task, "map + np.select", lambda: select_readiness_text(df), note)
    return out


def table(rows: list[tuple[str, str, float, str]], n: int) -> str:
    lines = [
        f"| task ({n:,} customers) | method | best s | vs custseg | check |",
        "|---|---|---:|---:|---|",
    ]
    base: dict[str, float] = {}
    for task, method, seconds, note in rows:
        if method.startswith("custseg"):
            base[task] = seconds
        ratio = seconds / base[task]
        lines.append(f"| {task} | {method} | {seconds:.3f} | {ratio:.1f}x | {note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="100k customers")
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    n = 100_000 if args.quick else args.customers
    print(
        f"# custseg.value benchmark: Python {platform.python_version()}, "
        f"NumPy {np.__version__}, pandas {pd.__version__}, {platform.machine()}"
    )
    print(table(run(n, args.repeat), n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
