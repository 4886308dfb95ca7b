"""Benchmark custseg.loyalty against the pandas idioms people write instead.

Per function, one run on the same simulated survey (seeded): custseg's
function, then the idiomatic pandas way (``map`` of answer texts,
``pd.cut`` / ``np.select`` for bands and levels, ``groupby`` for NPS),
best of ``--repeat`` runs each. Both sides end in pandas objects on the
customers' index (custseg's ``.to_pandas()`` is inside the timing). The peers' results are checked against
custseg's outside the timed runs.

Usage::

    python benchmarks/bench_loyalty.py            # 1M customers
    python benchmarks/bench_loyalty.py --quick    # 100k customers
    python benchmarks/bench_loyalty.py --rows 2000000
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from _timing import best_time as best
from custseg.loyalty import (
    LOYALTY_LEVELS,
    REFERRAL,
    REPURCHASE,
    SATISFACTION,
    dick_basu,
    loyalty_level,
    nps,
    nps_band,
    repurchase_from_behaviour,
)

SAT_MAP = {name: i for i, name in enumerate(SATISFACTION)}
REP_MAP = {name: i for i, name in enumerate(REPURCHASE)}
REF_MAP = {name: i for i, name in enumerate(REFERRAL)}


def simulate(n: int, seed: int = 8) -> dict[str, Any]:
    """Survey answers and behaviour for *n* customers, ~5% missing answers."""
    rng = np.random.default_rng(seed)
    sat = rng.integers(1, 6, n).astype(float)
    prob = rng.random(n)
    score = rng.integers(0, 11, n).astype(float)
    for a in (sat, prob, score):
        a[rng.random(n) < 0.05] = np.nan
    idx = pd.RangeIndex(n, name="customer_id")
    sat_text = pd.Series(
        np.array([*SATISFACTION, None], dtype=object)[
            np.where(np.isnan(sat), 5, np.nan_to_num(sat) - 1).astype(int)
        ],
        index=idx,
    )
    rep_text = pd.Series(rng.choice(np.array(REPURCHASE, dtype=object), n), index=idx)
    ref_text = pd.Series(rng.choice(np.array(REFERRAL, dtype=object), n), index=idx)
    freq = rng.poisson(2.0, n).astype(float)
    recency = np.where(freq > 0, rng.integers(0, 400, n), np.nan)
    group = pd.Series(
        pd.Categorical(rng.choice(np.array(["north", "south", "east", "west"]), n)),
        index=idx,
    )
    return {
        "sat": pd.Series(sat, index=idx),
        "prob": pd.Series(prob, index=idx),
        "score": pd.Series(score, index=idx),
        "sat_text": sat_text,
        "rep_text": rep_text,
        "ref_text": ref_text,
        "freq": pd.Series(freq, index=idx),
        "recency": pd.Series(recency, index=idx),
        "group": group,
    }


# --- the pandas idioms -------------------------------------------------------


def pandas_level_from_codes(s: pd.Series, r: pd.Series, f: pd.Series) -> pd.Series:
    """Codes 0..k-1 (NaN missing) -> level names with np.select; missing ->
    unknown (the simple rule people write: any missing answer is unknown)."""
    conds_known = s.notna() & r.notna() & f.notna()
    s, r, f = s.fillna(-9), r.fillna(-9), f.fillna(-9)
    c1 = (r >= 1) | (s >= 3) | ((s >= 2) & (f == 2))
    c2 = (
        (s == 4) | ((s >= 3) & ((r >= 1) | (f >= 1))) | ((s >= 2) & (r == 2) & (f == 2))
    )
    c3 = (r == 2) & (((s == 4) & (f >= 1)) | ((s >= 3) & (f == 2)))
    out = np.select(
        [~conds_known, c3, c2, c1],
        ["unknown", "loyal", "potentially_loyal", "at_risk"],
        default="not_loyal",
    )
    return pd.Series(out, index=s.index)


def pandas_numbers(d: dict[str, Any]) -> pd.Series:
    s = d["sat"] - 1
    r = pd.cut(d["prob"], [-np.inf, 0.3, 0.7, np.inf], labels=False, right=False)
    r = r.where(~(d["prob"] == 0.7), 1)  # 0.70 is medium: "> 70%"
    f = pd.cut(d["score"], [-np.inf, 7, 9, np.inf], labels=False, right=False)
    return pandas_level_from_codes(s, r, f)


def pandas_text(d: dict[str, Any]) -> pd.Series:
    return pandas_level_from_codes(
        d["sat_text"].map(SAT_MAP),
        d["rep_text"].map(REP_MAP),
        d["ref_text"].map(REF_MAP),
    )


def pandas_behaviour(d: dict[str, Any]) -> pd.Series:
    k, r = d["freq"], d["recency"]
    out = np.select(
        [k.isna() | r.isna() | (k == 0), (k >= 3) & (r < 90), (k >= 2) & (r < 180)],
        ["unknown", "high", "medium"],
        default="low",
    )
    return pd.Series(out, index=k.index)


def pandas_dick_basu(d: dict[str, Any]) -> pd.Series:
    a, k = d["sat"], d["freq"]
    hi_a, hi_p = a >= 4, k >= 3
    out = np.select(
        [a.isna() | k.isna(), hi_a & hi_p, hi_a, hi_p],
        ["unknown", "true_loyalty", "latent_loyalty", "spurious_loyalty"],
        default="no_loyalty",
    )
    return pd.Series(out, index=a.index)


def pandas_nps_band(d: dict[str, Any]) -> pd.Series:
    s = d["score"]
    out = np.select(
        [s.isna(), s >= 9, s >= 7], ["no_answer", "promoter", "passive"], "detractor"
    )
    return pd.Series(out, index=s.index)


def pandas_nps(d: dict[str, Any]) -> pd.Series:
    s = d["score"]
    frame = pd.DataFrame(
        {
            "g": d["group"],
            "pro": (s >= 9).astype(int),
            "det": (s <= 6).astype(int),
            "ans": s.notna().astype(int),
        }
    )
    agg = frame.groupby("g", observed=False)[["pro", "det", "ans"]].sum()
    return 100 * (agg["pro"] - agg["det"]) / agg["ans"]


# --- run ----------------------------------------------------------------------


def run(n: int, repeat: int) -> list[tuple[str, float, str, float]]:
    d = simulate(n)
    rows = []

    def compare(
        name: str,
        ours: Callable[[], Any],
        peer_name: str,
        peer: Callable[[], Any],
        check: Callable[[Any, Any], None],
    ) -> None:
        t_ours, a = best(ours, repeat)
        t_peer, b = best(peer, repeat)
        check(a, b)
        rows.append((name, t_ours, peer_name, t_peer))

    def same_labels(a: Any, b: Any) -> None:
        assert a.index.equals(b.index)
        assert (a.astype(str).to_numpy() == np.asarray(b, dtype=object)).all()

    def same_complete_levels(a: Any, b: Any) -> None:
        # the peer calls every partial answer unknown; compare where it decides
        assert a.index.equals(b.index)
        got = a.astype(str).to_numpy()
        want = np.asarray(b, dtype=object)
        known = want != "unknown"
        assert (got[known] == want[known]).all()
        assert set(np.unique(got[~known])) <= set(LOYALTY_LEVELS)

    compare(
        "loyalty_level (codes, probabilities, scores)",
        lambda: loyalty_level(d["sat"], d["prob"], d["score"]).to_pandas(),
        "cut + np.select",
        lambda: pandas_numbers(d),
        same_complete_levels,
    )
    compare(
        "loyalty_level (English text)",
        lambda: loyalty_level(d["sat_text"], d["rep_text"], d["ref_text"]).to_pandas(),
        "map + np.select",
        lambda: pandas_text(d),
        same_complete_levels,
    )
    compare(
        "repurchase_from_behaviour",
        lambda: repurchase_from_behaviour(d["freq"], d["recency"]).to_pandas(),
        "np.select",
        lambda: pandas_behaviour(d),
        same_labels,
    )
    compare(
        "dick_basu (satisfaction, frequency)",
        lambda: dick_basu(satisfaction=d["sat"], frequency=d["freq"]).to_pandas(),
        "np.select",
        lambda: pandas_dick_basu(d),
        same_labels,
    )
    compare(
        "nps_band",
        lambda: nps_band(d["score"]).to_pandas(),
        "np.select",
        lambda: pandas_nps_band(d),
        same_labels,
    )

    def same_nps(a: Any, b: Any) -> None:
        np.testing.assert_allclose(a["nps"].to_numpy(), b.to_numpy(dtype=float))

    compare(
        "nps by 4 groups",
        lambda: nps(d["score"], by=d["group"]).to_pandas(),
        "groupby.sum",
        lambda: pandas_nps(d),
        same_nps,
    )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100k customers")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else args.rows
    rows = run(n, args.repeat)
    print(f"custseg.loyalty, {n:,} customers, best of {args.repeat}\n")
    print("| function | custseg (s) | pandas idiom | pandas (s) | speed-up |")
    print("|---|---:|---|---:|---:|")
    for name, ours, peer, theirs in rows:
        print(f"| {name} | {ours:.3f} | {peer} | {theirs:.3f} | {theirs / ours:.1f}x |")


if __name__ == "__main__":
    main()
