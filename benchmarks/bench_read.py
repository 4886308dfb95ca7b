"""Benchmark reading a transactions file: custseg's checks against pandas.

``custseg.frame.read_table`` reads a CSV file with pandas and then checks it
for what pandas reads silently: a quote mark that swallows lines, numbers
float64 cannot hold, and (audit 22) a line with fewer fields than the
header, which pandas fills with missing values. That last check reads the
file again, but only when the last column has a missing value (which every
short line leaves), so the files here have an optional last column
(``note``) with gaps: the worst case. Two files: without quote marks, and
with one line in a hundred holding a quoted note with a separator (Excel
quotes such fields), counted on the bytes either way; the same files in
GBK, which the csv module counts.

The table gives, per file: ``pandas.read_csv`` with the same options as
custseg (the idiom), ``read_table`` (all checks), and the short-line check
alone. Best of ``--repeat`` runs, in one process.

Usage::

    python benchmarks/bench_read.py            # 1M lines
    python benchmarks/bench_read.py --quick    # 100k lines
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from _timing import best_time
from custseg._files import _short_line
from custseg.frame import read_table


def write(path: Path, n: int, quoted: bool, encoding: str) -> None:
    rng = np.random.default_rng(0)
    ids = rng.integers(0, n // 10 + 1, n)
    days = rng.integers(1, 29, n)
    amounts = rng.random(n) * 100
    lines = ["customer_id,date,amount,note"]
    for k, (i, d, a) in enumerate(zip(ids, days, amounts, strict=True)):
        note = ""
        if k % 100 == 0:
            note = '"gift, wrapped"' if quoted else "gift"
        lines.append(f"C{i:07d},2024-03-{d:02d},{a:.2f},{note}")
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100k lines")
    args = parser.parse_args()
    n = 100_000 if args.quick else args.rows
    print(f"# read_table against pandas.read_csv, {n:,d} lines", flush=True)
    print(
        f"# {platform.platform()}, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, NumPy {np.__version__}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        "| file | MB | pandas.read_csv | read_table | short-line check | check / read_csv |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for quoted in (False, True):
            for encoding in ("utf-8", "gbk"):
                name = ("quoted" if quoted else "plain") + f", {encoding}"
                print(f"  writing {name}", file=sys.stderr, flush=True)
                path = Path(tmp) / "tx.csv"
                write(path, n, quoted, encoding)
                common = {"sep": ",", "encoding": encoding}
                t_pd, df = best_time(
                    lambda path=path, encoding=encoding: pd.read_csv(
                        path, skipinitialspace=True, low_memory=False, encoding=encoding
                    ),
                    args.repeat,
                )
                t_cs, got = best_time(
                    lambda path=path, encoding=encoding: read_table(
                        path, encoding=encoding
                    ),
                    args.repeat,
                )
                t_chk, found = best_time(
                    lambda path=path, common=common: _short_line(path, common, 4),
                    args.repeat,
                )
                assert found is None and len(got) == len(df) == n
                mb = path.stat().st_size / 1e6
                print(
                    f"| {name} | {mb:.0f} | {t_pd:.3f} s | {t_cs:.3f} s | "
                    f"{t_chk:.3f} s | {t_chk / t_pd:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
