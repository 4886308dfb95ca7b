"""Benchmark custseg.report: the HTML report of a large store, total and per section.

One simulated store (``custseg.datasets.simulate_transactions(customers,
purchases_per_customer=5)``: 1M customers, about 5.2M rows, dates 2023-01-01
to 2024-12-31), with its customer records (``simulate_customers``, 10% more
potential customers) and an earlier run (the first half of the period, the
same rules) as ``previous``. The rules preset is ``ecommerce``.

There is no pandas idiom to compare with (nobody writes a whole report in
one call); the table states ``custseg.segment`` alone, timed in the same
run, so the report's own cost is visible: ``report`` = ``segment`` + the
summaries, grids, playbooks, migration tables, charts and the HTML.

The second table splits one ``report`` call by step (wall time of the
report's internal steps; a chart drawn inside a section counts for that
section). Charts aggregate first (counts per class, per R x F cell); the Lorenz
curve's line through every customer is simplified by matplotlib to what the
picture shows, so the page does not grow with the customers.

Usage::

    python benchmarks/bench_report.py --quick     # 20k customers, seconds
    python benchmarks/bench_report.py             # 1M customers
    python benchmarks/bench_report.py --customers 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import custseg
import custseg.reporting as reporting
from _timing import best_time
from custseg.datasets import simulate_customers, simulate_transactions

# plot function a chart draws -> the section it belongs to
_CHART_SECTION = {
    "rf_heatmap": "rf-grid",
    "score_distribution": "rules",
    "lorenz": "pareto",
}


def _instrument(times: dict[str, float]) -> Callable[[], None]:
    """Wrap the report's internal steps to add their wall time to *times*
    (outermost call only); return a function that undoes it."""
    depth = [0]
    saved: dict[str, Any] = {}

    def wrap(name: str, section: Callable[..., str]) -> None:
        original = getattr(reporting, name)
        saved[name] = original

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    times[section(*args, **kwargs)] += time.perf_counter() - t0

        setattr(reporting, name, timed)

    wrap("_segment", lambda *a, **k: "segment (inside report)")
    wrap(
        "_summary",
        lambda seg, column, *a, **k: reporting._SECTION_OF.get(column, "segments"),
    )
    wrap("_rf_grid", lambda *a, **k: "rf-grid")
    wrap("pareto_summary", lambda *a, **k: "pareto")
    wrap("_migrations", lambda *a, **k: "migration")
    wrap("_playbook_rows", lambda *a, **k: "playbook")
    wrap("_previous_frame", lambda *a, **k: "migration")
    wrap("_page", lambda *a, **k: "HTML (all sections)")

    def chart_section(plot: Any, lang: str, draw: Any, *a: Any, **k: Any) -> str:
        names = getattr(getattr(draw, "__code__", None), "co_names", ())
        for name in names:
            if name in _CHART_SECTION:
                return _CHART_SECTION[name]
        return "other charts"

    wrap("_chart", chart_section)

    def undo() -> None:
        for name, original in saved.items():
            setattr(reporting, name, original)

    return undo


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20k customers")
    p.add_argument("--customers", type=int, default=None)
    p.add_argument(
        "--repeat", type=int, default=None, help="best of N (default 3; 1 at full size)"
    )
    args = p.parse_args()
    n = args.customers or (20_000 if args.quick else 1_000_000)
    repeat = args.repeat or (3 if n <= 200_000 else 1)
    warnings.simplefilter("ignore")  # CustsegWarning notes are part of the page

    t0 = time.perf_counter()
    tx = simulate_transactions(n, seed=42, purchases_per_customer=5)
    records = simulate_customers(tx, seed=42)
    earlier = custseg.segment(
        tx[tx["date"] < "2024-01-01"],
        preset="ecommerce",
        as_of="2024-01-01",
        records=records,
    )
    setup = time.perf_counter() - t0
    print(
        f"custseg {custseg.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"{n:,d} buyers + {len(records) - n:,d} potential customers, "
        f"{len(tx):,d} transactions (made in {setup:.1f} s); best of {repeat}"
    )
    print()

    options = {"preset": "ecommerce", "records": records}
    seg_time, result = best_time(lambda: custseg.segment(tx, **options), repeat)
    plain_time, _ = best_time(
        lambda: reporting.report(tx, previous=earlier, charts=False, **options),
        repeat,
    )
    times: dict[str, float] = defaultdict(float)
    undo = _instrument(times)
    try:
        full_time, page = best_time(
            lambda: reporting.report(tx, previous=earlier, **options), 1
        )
    finally:
        undo()
    size = len(page.html.encode("utf-8"))
    rows = [
        ("custseg.segment (alone)", seg_time),
        ("custseg.report, charts=False", plain_time),
        ("custseg.report (with charts)", full_time),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'call':<{width}}  {'seconds':>8}  {'x segment':>9}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {seconds / seg_time:9.2f}")
    print(
        f"\npage: {size / 2**20:.1f} MiB, {page.html.count('<svg'):d} charts, "
        f"{len(page.sections)} sections ({', '.join(page.sections)}); "
        f"{len(result.customers):,d} customers"
    )
    print()
    total = sum(times.values())
    head = "step of report (with charts)"
    width = max(len(head), *(len(k) for k in times))
    print(f"{head:<{width}}  {'seconds':>8}  {'share':>6}")
    for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"{name:<{width}}  {seconds:8.2f}  {100 * seconds / total:5.1f}%")
    print(f"{'sum':<{width}}  {total:8.2f}")


if __name__ == "__main__":
    sys.exit(main())
