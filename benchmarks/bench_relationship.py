"""Benchmark custseg.relationship against the pandas code people write instead.

Three tasks, each on the same in-memory data for every method:

- ``contact_summary`` on a contact log (10M contacts of 1M customers, integer
  ids, dates with times, initiator and kind as pandas categoricals or text)
  versus pandas ``groupby`` aggregations (first sale per customer, a join,
  counts by initiator and kind, first follow-up, joint-project span);
- ``relationship_type`` on the 1M-customer summary versus ``np.select`` over
  the summary's DataFrame;
- ``recommended_relationship`` on 1M customers' levels versus ``np.select``
  over the nine cells of the matrix.

Results of the peers are checked against custseg's outside the timed runs.
Best of ``--repeat`` runs (default 3).

Usage::

    python benchmarks/bench_relationship.py           # 10M contacts, 1M customers
    python benchmarks/bench_relationship.py --quick   # 1M contacts, 100k customers
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
from custseg.relationship import (
    CONTACT_KINDS,
    INITIATORS,
    RELATIONSHIP_TYPES,
    RelationshipThresholds,
    contact_summary,
    recommended_relationship,
    relationship_type,
)

KIND_P = [0.15, 0.1, 0.15, 0.2, 0.1, 0.1, 0.05, 0.15]


def make_contacts(n_rows: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00:00", "s")
    seconds = rng.integers(0, 730 * 86400, n_rows)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, n_customers, n_rows),
            "date": start + seconds.astype("timedelta64[s]"),
            "initiator": pd.Categorical.from_codes(
                rng.choice(2, n_rows, p=[0.4, 0.6]), list(INITIATORS)
            ),
            "kind": pd.Categorical.from_codes(
                rng.choice(len(CONTACT_KINDS), n_rows, p=KIND_P), list(CONTACT_KINDS)
            ),
        }
    )


# --------------------------------------------------------------------------
# contact_summary and the pandas idiom


def custseg_summary(df: pd.DataFrame) -> pd.DataFrame:
    s = contact_summary(df["customer_id"], df["date"], df["initiator"], df["kind"])
    return s.to_pandas()


def pandas_summary(df: pd.DataFrame) -> pd.DataFrame:
    """What one writes with groupby: first sale, join, filter, counts, minima."""
    day = df["date"].dt.floor("D")
    is_sale = df["kind"] == "sale"
    first_sale = day[is_sale].groupby(df["customer_id"][is_sale]).min()
    sale_day = df["customer_id"].map(first_sale)
    after = df[~is_sale & (day >= sale_day)].assign(day=day)
    counts = (
        after.groupby(["customer_id", "initiator", "kind"], observed=True)
        .size()
        .unstack(["initiator", "kind"], fill_value=0)
    )
    company = after[after["initiator"] == "company"]
    follow = company[company["kind"] == "follow_up"].groupby("customer_id")["day"].min()
    joint = (
        after[after["kind"] == "joint_project"]
        .groupby("customer_id")["day"]
        .agg(["min", "max", "size"])
    )
    out = pd.DataFrame(index=pd.Index(np.unique(df["customer_id"]), name="customer_id"))
    out["first_sale"] = first_sale
    out["customer_contacts"] = (
        counts.get("customer", pd.DataFrame(index=counts.index)).sum(axis=1)
        if "customer" in counts.columns.get_level_values(0)
        else 0
    )
    out["customer_contacts"] = out["customer_contacts"].fillna(0).astype("int64")
    for kind, col in (
        ("follow_up", "follow_ups"),
        ("suggestion", "suggestions"),
        ("new_product", "new_products"),
    ):
        key = ("company", kind)
        out[col] = counts[key] if key in counts.columns else 0
        out[col] = out[col].fillna(0).astype("int64")
    out["days_to_follow_up"] = (follow - first_sale).dt.days
    out["joint_projects"] = joint["size"]
    out["joint_projects"] = out["joint_projects"].fillna(0).astype("int64")
    out["joint_span_days"] = (joint["max"] - joint["min"]).dt.days
    out["last_contact"] = df.groupby("customer_id")["date"].max().dt.floor("D")
    return out


def check_summary(ours: pd.DataFrame, theirs: pd.DataFrame) -> str:
    bad = []
    for col in (
        "customer_contacts",
        "follow_ups",
        "suggestions",
        "new_products",
        "days_to_follow_up",
        "joint_projects",
        "joint_span_days",
    ):
        a = ours[col].to_numpy(dtype=np.float64)
        b = theirs[col].reindex(ours.index).to_numpy(dtype=np.float64)
        if not np.array_equal(a, b, equal_nan=True):
            bad.append(col)
    a = ours["first_sale"].to_numpy().astype("datetime64[D]")
    b = theirs["first_sale"].reindex(ours.index).to_numpy().astype("datetime64[D]")
    if not np.array_equal(a, b, equal_nan=True):
        bad.append("first_sale")
    return "same facts" if not bad else "differs: " + ", ".join(bad)


# --------------------------------------------------------------------------
# relationship_type and np.select


def select_type(df: pd.DataFrame, t: RelationshipThresholds) -> np.ndarray:
    conditions = [
        df["first_sale"].isna(),
        (df["joint_projects"] >= t.partnership_projects)
        & (df["joint_span_days"] >= t.partnership_days),
        df["suggestions"] + df["new_products"] >= t.proactive_contacts,
        df["days_to_follow_up"] < t.follow_up_days,
        df["customer_contacts"] >= 1,
    ]
    choices = ["no_sale", "partnership", "proactive", "accountable", "reactive"]
    return np.select(conditions, choices, default="basic")


# --------------------------------------------------------------------------
# recommended_relationship and np.select

MATRIX = {
    ("many", "high"): "accountable",
    ("many", "medium"): "reactive",
    ("many", "low"): "basic",
    ("medium", "high"): "proactive",
    ("medium", "medium"): "accountable",
    ("medium", "low"): "reactive",
    ("few", "high"): "partnership",
    ("few", "medium"): "proactive",
    ("few", "low"): "accountable",
}


def select_recommended(c: pd.Series, m: pd.Series) -> np.ndarray:
    conditions = [(c == a) & (m == b) for a, b in MATRIX]
    return np.select(conditions, list(MATRIX.values()), default="unknown")


def run(
    n_rows: int, n_customers: int, repeat: int
) -> list[tuple[str, str, float, str]]:
    out: list[tuple[str, str, float, str]] = []

    def timed(task: str, method: str, fn: Callable[[], Any]) -> Any:
        seconds, result = best_time(fn, repeat)
        print(f"  {task:<28} {method:<36} {seconds:8.3f} s", file=sys.stderr)
        out.append((task, method, seconds, ""))
        return result

    df = make_contacts(n_rows, n_customers)
    task = f"contact_summary {n_rows:,}"
    ours = timed(task, "custseg (categorical columns)", lambda: custseg_summary(df))
    text = df.assign(initiator=df["initiator"].astype(str), kind=df["kind"].astype(str))
    timed(task, "custseg (text columns)", lambda: custseg_summary(text))
    theirs = timed(task, "pandas groupby", lambda: pandas_summary(df))
    out[-1] = (*out[-1][:3], check_summary(ours, theirs))

    summary = contact_summary(
        df["customer_id"], df["date"], df["initiator"], df["kind"]
    )
    frame = summary.to_pandas()
    t = RelationshipThresholds()
    task = f"relationship_type {len(summary):,}"
    lab = timed(task, "custseg relationship_type", lambda: relationship_type(summary))
    sel = timed(task, "np.select on the frame", lambda: select_type(frame, t))
    same = np.array_equal(lab.to_numpy().astype(object), sel.astype(object))
    out[-1] = (*out[-1][:3], "same labels" if same else "differs")

    rng = np.random.default_rng(1)
    k = len(summary)
    cl = np.array(["many", "medium", "few", None], dtype=object)[rng.integers(0, 4, k)]
    ml = np.array(["high", "medium", "low", None], dtype=object)[rng.integers(0, 4, k)]
    c = pd.Series(cl, dtype="str")
    m = pd.Series(ml, dtype="str")
    task = f"recommended_relationship {k:,}"
    rec = timed(task, "custseg (text levels)", lambda: recommended_relationship(c, m))
    sel = timed(task, "np.select, nine cells", lambda: select_recommended(c, m))
    same = np.array_equal(rec.to_numpy().astype(object), sel.astype(object))
    out[-1] = (*out[-1][:3], "same labels" if same else "differs")
    assert set(RELATIONSHIP_TYPES) >= set(np.unique(sel)) - {"unknown"}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1M contacts, 100k customers")
    p.add_argument("--rows", type=int, default=10_000_000, help="contacts")
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    rows, customers = (
        (1_000_000, 100_000) if args.quick else (args.rows, args.customers)
    )
    print(
        f"# {platform.machine()} {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; best of {args.repeat}"
    )
    results = run(rows, customers, args.repeat)
    print()
    print("| task | method | seconds | speed-up | check |")
    print("|---|---|---:|---:|---|")
    base: dict[str, float] = {}
    for task, method, seconds, _ in results:
        if "pandas" in method or "np.select" in method:
            base[task] = seconds
    for task, method, seconds, note in results:
        speed = base[task] / seconds
        print(f"| {task} | {method} | {seconds:.3f} | {speed:.1f}x | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
