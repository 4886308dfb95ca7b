"""Joins by text customer ids, and the CSV writer's quoting pass.

``custseg segment --records`` (and ``--contacts``, ``--previous``) pairs the
customers of two tables by text id. The pairing is ``_files.members``: Arrow's
hash set (``pyarrow.compute.is_in``) when pandas holds both sides as Arrow
text (pandas 3's default ``str``). Beside it, in the same run: pandas'
``isin`` of Arrow text (which makes a Python list of one side), its
``get_indexer`` (the previous ``members``) and the idiomatic ``merge``. The
writer's quoting pass (``_files._quote_marks``: the values a CSV reader would
alter, a leading blank or a carriage return) is timed beside ``to_csv``.

    python benchmarks/bench_joins.py            # 100k and 1M customers
    python benchmarks/bench_joins.py --quick    # 100k only
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

from _timing import best_time
from custseg._files import _quote_marks, members


def _ids(n: int, step: int = 1) -> pd.Index:
    return pd.Index([f"C{i:08d}" for i in range(0, step * n, step)], dtype="str")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print("| customers | method | best (ms) |")
    print("|---:|---|---:|")
    for n in sizes:
        _table_rows(n, args.repeat)


def _table_rows(n: int, repeat: int) -> None:
    """The rows of *n* customers, half of them in the other table."""
    left, right = _ids(n), _ids(n, 2)
    want = np.asarray(left.isin(right))
    # fresh indexes each call: pandas caches an index's hash table, and a
    # join looks each table up once
    methods = {
        "custseg members (Arrow is_in)": lambda: members(left.copy(), right.copy()),
        "pandas get_indexer (previous)": lambda: right.copy().get_indexer(left) >= 0,
        "pandas isin of Arrow text": lambda: np.asarray(left.isin(right.copy())),
        "pandas merge (idiom)": lambda: pd.DataFrame({"k": left}).merge(
            pd.DataFrame({"k": right, "v": 1}), how="left", on="k"
        ),
    }
    for name, fn in methods.items():
        seconds, got = best_time(fn, repeat)
        if name.startswith("custseg"):
            assert np.array_equal(got, want)
        print(f"| {n:,d} | {name} | {seconds * 1000:.1f} |")
    frame = pd.DataFrame({"customer_id": left, "segment": "Champions"})
    seconds, _ = best_time(lambda: _quote_marks(frame), repeat)
    print(f"| {n:,d} | custseg quoting pass (Arrow kernels) | {seconds * 1000:.1f} |")
    seconds, _ = best_time(lambda: frame.to_csv(os.devnull, index=False), repeat)
    print(f"| {n:,d} | pandas to_csv (for scale) | {seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
