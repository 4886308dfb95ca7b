"""Benchmark: who is due for contact, custseg versus the pandas way.

On N customers (lifecycle class, last contact with 20% never contacted,
birthday with 10% unknown, points), times:

* ``custseg``: ``actions(labels, default_playbook("lifecycle"))`` then
  ``due_contacts(...)`` with a birthday window, one holiday and points, and
  ``.to_pandas()`` of the sorted due list;
* ``pandas``: what people write -- ``Series.map`` for the cadence and
  priority, ``pd.to_datetime`` of year/month/day frames for the next birthday
  (29 February coerced and filled), one frame per reason, ``pd.concat`` and
  ``sort_values`` on priority, reason, due day and id.

Both give the same rows (checked). Best of 3; prints a table.

    python benchmarks/bench_playbook.py            # 1M customers
    python benchmarks/bench_playbook.py --quick    # 100k
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
import pandas as pd

from _timing import best_time as _best
from custseg.playbook import DEFAULTS, actions, default_playbook, due_contacts

AS_OF = pd.Timestamp("2024-12-28")
HOLIDAY = ("New Year", pd.Timestamp("2025-01-01"))
STAGES = ["active", "silent", "sleeping", "lost", "gone", "no_purchase"]


def _data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    last = AS_OF - pd.to_timedelta(rng.integers(0, 400, n), unit="D")
    birthday = pd.Timestamp("1950-01-01") + pd.to_timedelta(
        rng.integers(0, 25_000, n), unit="D"
    )
    df = pd.DataFrame(
        {
            "lifecycle": pd.Categorical(
                rng.choice(STAGES, n, p=[0.4, 0.15, 0.1, 0.1, 0.2, 0.05]),
                categories=STAGES,
            ),
            "last_contact": pd.Series(last).where(rng.random(n) > 0.2).to_numpy(),
            "birthday": pd.Series(birthday).where(rng.random(n) > 0.1).to_numpy(),
            "points": rng.integers(0, 2000, n),
        },
        index=pd.Index(rng.permutation(n), name="customer_id"),
    )
    return df


def _custseg(df: pd.DataFrame) -> pd.DataFrame:
    plan = actions(df["lifecycle"], default_playbook("lifecycle"))
    due = due_contacts(
        df["last_contact"],
        plan,
        AS_OF,
        birthdays=df["birthday"],
        holidays={HOLIDAY[0]: HOLIDAY[1]},
        points=df["points"],
        min_points=1000,
    )
    return due.to_pandas()


def _pandas(df: pd.DataFrame) -> pd.DataFrame:
    table = DEFAULTS["lifecycle"]
    cadence = df["lifecycle"].map(
        {k: a.get("cadence_days", np.nan) for k, a in table.items()}
    )
    cadence = cadence.astype(float)
    priority = df["lifecycle"].map({k: a["priority"] for k, a in table.items()})
    priority = priority.astype(float)
    since = (AS_OF - df["last_contact"]).dt.days
    parts = []
    # birthday: this year's (or next year's) date, 29 Feb -> 28 Feb
    b = df["birthday"]

    def on(year: int) -> pd.Series:
        parts_ = pd.DataFrame({"year": year, "month": b.dt.month, "day": b.dt.day})
        day = pd.to_datetime(parts_, errors="coerce")
        feb = pd.DataFrame({"year": year, "month": 2, "day": 28}, index=b.index)
        leap_fix = (b.dt.month == 2) & (b.dt.day == 29) & day.isna()
        return day.mask(leap_fix, pd.to_datetime(feb))

    this = on(AS_OF.year)
    nxt = this.where(this >= AS_OF, on(AS_OF.year + 1))
    until = (nxt - AS_OF).dt.days
    m = until.between(0, 6)
    parts.append(pd.DataFrame({"reason": "birthday", "due_on": nxt[m], "r": 0}))
    has_cadence = cadence.notna()
    parts.append(
        pd.DataFrame(
            {"reason": f"holiday: {HOLIDAY[0]}", "due_on": HOLIDAY[1], "r": 1},
            index=df.index[has_cadence],
        )
    )
    due = has_cadence & (df["last_contact"].isna() | (since >= cadence))
    due_on = df["last_contact"] + pd.to_timedelta(np.ceil(cadence), unit="D")
    parts.append(pd.DataFrame({"reason": "cadence", "due_on": due_on[due], "r": 2}))
    pts = df["points"] >= 1000
    parts.append(
        pd.DataFrame({"reason": "points", "due_on": AS_OF, "r": 3}, index=df.index[pts])
    )
    out = pd.concat(parts)
    out["priority"] = priority.reindex(out.index).to_numpy()
    out["days_since_contact"] = since.reindex(out.index).to_numpy()
    out["customer"] = out.index
    out = out.sort_values(
        ["priority", "r", "due_on", "customer"], na_position="first", kind="stable"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100k customers")
    args = parser.parse_args()
    n = 100_000 if args.quick else args.customers
    df = _data(n)
    print(
        f"due_contacts: {n:,d} customers; {platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"load {os.getloadavg()[0]:.2f}; best of {args.repeat}"
    )
    t_ours, ours = _best(lambda: _custseg(df), args.repeat)
    t_pd, theirs = _best(lambda: _pandas(df), args.repeat)
    same = sorted(zip(ours.index, ours["reason"].astype(str), strict=True)) == sorted(
        zip(theirs.index, theirs["reason"], strict=True)
    )
    print()
    print(f"{'method':<40} {'seconds':>8} {'rows':>10}")
    print(f"{'custseg actions + due_contacts':<40} {t_ours:>8.3f} {len(ours):>10,d}")
    print(
        f"{'pandas map/to_datetime/concat/sort':<40} {t_pd:>8.3f} {len(theirs):>10,d}"
    )
    print(f"\nspeed-up {t_pd / t_ours:.1f}x; same rows: {same}")


if __name__ == "__main__":
    main()
