"""custseg's summaries against DuckDB, Polars, pandas and bare NumPy, per id kind.

Every measurement runs in a fresh Python process (``subprocess``) that loads
the data from a cache of ``.npy`` files (built once per size, in a process of
its own), builds the inputs its method wants (not timed), then runs the
method ``--repeat`` times (at least twice). It reports the best and the
median time and a checksum of the answer, which must equal custseg's. The
peak memory comes from a second fresh process that runs the method twice
(the first run warms up lazy imports) and takes the second run's RSS
high-water mark above the RSS before the call (reset through
``/proc/self/clear_refs``), with glibc's mmap threshold fixed at 64 KiB so
that freed arrays go back to the system and the mark is not hidden by memory
kept from the run before (and Arrow allocating through glibc too, not its own
pool). That setting is kept out of the timed process: it makes every
allocation of 64 KiB or more a fresh ``mmap`` with its page faults, which
costs NumPy code (custseg, pandas, bare NumPy) up to 15% and DuckDB and
Polars (their own allocators) nothing, and users do not run with it.

The data, per size ``n`` (seed 0): ``n`` transactions of ``n // 10``
customers (each row's customer drawn uniformly), ``datetime64[s]`` dates
sorted like a transaction log over 2021-2024 (``--dates days``: the same
dates at midnight, as a date column without a time of day reads), amounts
with 3% refunds. The id kinds are the same customers under different ids:

* ``dense``: ``0 .. k-1``;
* ``sparse``: increasing ids with random gaps of 1 to 19 (range about ``n``);
* ``wide``: gaps of 1 to 199 (range about ``10 n``);
* ``str``: ``'C%08d'`` of the dense id, pandas' default (Arrow-backed) ``str``;
* ``object``: the same strings as a NumPy ``object`` array;
* not run unless asked for (``--kinds alnum,hex,email,phone``), varied text ids as
  pandas' ``str``, one random id per customer: ``alnum``, 8 characters from
  ``0-9A-Z`` (``'7QK2M9XA'``), as order or member codes look; ``hex``, 32
  hex digits (a UUID without dashes, a hash); ``email``, an e-mail address
  (5 to 12 letters, half of them with 2 digits, at one of five domains:
  ``'kqzvbe42@qq.com'``), ids of differing lengths; and ``phone``, an
  11-digit mobile number per customer as an ``int64`` (``13xxxxxxxxx``,
  distinct, random: a range far wider than the rows).

Usage::

    python benchmarks/bench_scaling.py --quick          # 100k rows, a few minutes
    python benchmarks/bench_scaling.py                  # the 10M table
    python benchmarks/bench_scaling.py --scaling        # + 1M, 3M, 10M, 30M
    python benchmarks/bench_scaling.py --scaling --with-100m

The output (stdout) is Markdown, ready to paste; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
OBSERVATION_END = "2024-12-31"
KINDS = ("dense", "sparse", "wide", "str", "object")
#: kinds run only when asked for
MORE_KINDS = ("alnum", "hex", "email", "phone")
TASKS = ("summarize", "days", "btyd")
METHODS = ("custseg", "duckdb", "polars", "pandas", "numpy")
#: what each method runs per task (absent: not measured)
PLAN = {
    "summarize": METHODS,
    "days": ("custseg", "duckdb", "polars"),
    "btyd": ("custseg", "duckdb", "polars", "pandas"),
}
TITLES = {
    "summarize": "summarize",
    "days": 'summarize, frequency="days"',
    "btyd": "btyd_summary (daily)",
}
HEADS = {
    "custseg": "custseg",
    "duckdb": "DuckDB",
    "polars": "Polars",
    "pandas": "pandas",
    "numpy": "bare NumPy",
}


# --------------------------------------------------------------------------
# data (cached as .npy files)


def data_dir(cache: Path, n: int) -> Path:
    return cache / f"rows{n}_seed0"


def prepare(cache: Path, n: int) -> None:
    """Build and save the columns of size *n* (once)."""
    out = data_dir(cache, n)
    if (out / "done").exists():
        return
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    k = max(n // 10, 1)
    dense = rng.integers(0, k, n)
    np.save(out / "dense.npy", dense)
    gaps = rng.integers(1, 20, k)
    np.save(out / "sparse.npy", np.cumsum(gaps)[dense])
    gaps = rng.integers(1, 200, k)
    np.save(out / "wide.npy", np.cumsum(gaps)[dense])
    del gaps
    start = np.datetime64("2021-01-01T00:00:00", "s").astype(np.int64)
    end = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    ticks = rng.integers(start, end, n)
    ticks.sort()
    np.save(out / "date.npy", ticks.view("datetime64[s]"))
    del ticks
    amount = np.round(rng.gamma(2.0, 30.0, n), 2)
    amount[rng.random(n) < 0.03] *= -1
    np.save(out / "amount.npy", amount)
    (out / "done").write_text("ok")


def load(
    cache: Path, n: int, kind: str, dates_of: str = "seconds"
) -> tuple[Any, np.ndarray, np.ndarray]:
    """(ids, dates, amounts) of size *n*, ids of *kind*; with *dates_of*
    ``"days"``, the dates at midnight (as a date column without a time of
    day reads), still ``datetime64[s]``."""
    d = data_dir(cache, n)
    dates = np.load(d / "date.npy")
    if dates_of == "days":
        dates -= dates.view(np.int64) % 86_400
    amounts = np.load(d / "amount.npy")
    if kind in ("dense", "sparse", "wide"):
        return np.load(d / f"{kind}.npy"), dates, amounts
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    dense = np.load(d / "dense.npy")
    if kind == "phone":
        rng = np.random.default_rng(1)
        phones = 13_000_000_000 + rng.choice(
            6_000_000_000, max(n // 10, 1), replace=False
        )
        return phones[dense], dates, amounts
    if kind in MORE_KINDS:
        codes = varied_ids(kind, max(n // 10, 1))
        return pd.array(codes.take(pa.array(dense)), dtype="str"), dates, amounts
    # built as large strings (kernels may reserve more than 2 GiB at 100M
    # rows), then the plain Arrow strings pandas' "str" dtype holds
    large = pc.utf8_lpad(pc.cast(pa.array(dense), pa.large_string()), 8, "0")
    text = pc.binary_join_element_wise(
        pa.scalar("C", pa.large_string()), large, pa.scalar("", pa.large_string())
    ).cast(pa.string())
    del dense
    ids: Any = pd.array(text, dtype="str")
    if kind == "object":
        ids = np.asarray(ids, dtype=object)
    return ids, dates, amounts


def varied_ids(kind: str, k: int) -> Any:
    """*k* random ids of a varied text *kind* (see the module docstring), as a
    ``pyarrow`` large string array (seed 1: past 2 GiB of text at 100M rows,
    which 32-bit offsets cannot address)."""
    import pyarrow as pa

    rng = np.random.default_rng(1)
    if kind == "email":
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        domains = ["gmail.com", "qq.com", "163.com", "outlook.com", "example.org"]
        sizes = rng.integers(5, 13, k)
        chars = letters[rng.integers(0, 26, (k, 12))]
        digits = rng.integers(0, 100, k)
        digits[rng.random(k) < 0.5] = -1
        domain = rng.integers(0, len(domains), k)
        return pa.array(
            [
                "".join(chars[i, : sizes[i]])
                + (f"{digits[i]:02d}" if digits[i] >= 0 else "")
                + "@"
                + domains[domain[i]]
                for i in range(k)
            ],
            type=pa.large_string(),
        )
    alphabet, width = {"alnum": (b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8)}.get(
        kind, (b"0123456789abcdef", 32)
    )
    symbols = np.frombuffer(alphabet, np.uint8)
    chars = symbols[rng.integers(0, len(symbols), (k, width))]
    offsets = np.arange(0, width * (k + 1), width, dtype=np.int64)
    return pa.Array.from_buffers(
        pa.large_string(), k, [None, pa.py_buffer(offsets), pa.py_buffer(chars)]
    )


# --------------------------------------------------------------------------
# the methods (run in the child process)


def build(
    method: str, task: str, kind: str, cache: Path, n: int, dates_of: str = "seconds"
) -> Any:
    """The callable to time, with its inputs prepared (not timed)."""
    sys.path.insert(0, str(HERE))
    import pandas as pd

    ids, dates, amounts = load(cache, n, kind, dates_of)
    if method == "custseg":
        import custseg

        if task == "btyd":
            return lambda: custseg.btyd_summary(
                ids, dates, amounts, observation_end=OBSERVATION_END
            )
        freq = "days" if task == "days" else "transactions"
        return lambda: custseg.summarize(ids, dates, amounts, frequency=freq)
    if method == "numpy":
        if kind != "dense":
            return None
        ticks = dates.view(np.int64)
        k = int(ids.max()) + 1

        def bare() -> tuple[np.ndarray, ...]:
            purchase = amounts >= 0
            codes, when = ids[purchase], ticks[purchase]
            last = np.full(k, np.iinfo(np.int64).min)
            first = np.full(k, np.iinfo(np.int64).max)
            np.maximum.at(last, codes, when)
            np.minimum.at(first, codes, when)
            return (
                np.bincount(ids, weights=amounts, minlength=k),
                np.bincount(codes, minlength=k),
                first,
                last,
            )

        return bare
    return build_frame_method(
        method,
        task,
        kind,
        pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts}),
    )


def build_frame_method(method: str, task: str, kind: str, frame: Any) -> Any:
    """The callable of a method that works on a table (pandas, DuckDB, Polars)."""
    if method == "pandas":
        import bench_spine as bs

        return lambda: (bs.pandas_btyd if task == "btyd" else bs.pandas_facts)(frame)
    if method == "duckdb":
        import duckdb

        import bench_spine as bs

        con = duckdb.connect()
        con.register("tx", frame)
        query = {
            "summarize": bs.DUCKDB_SUMMARIZE,
            "days": bs.DUCKDB_SUMMARIZE.replace(
                "count(*) FILTER (WHERE amount >= 0)",
                "count(DISTINCT CAST(date AS DATE)) FILTER (WHERE amount >= 0)",
            ),
            "btyd": bs.DUCKDB_BTYD,
        }[task]
        return lambda: con.sql(query).fetchnumpy()
    if method == "polars":
        import polars as pl

        import bench_spine as bs

        if kind == "object":
            return None  # the same polars frame as for "str"
        pframe = pl.from_pandas(frame)
        del frame
        if task == "btyd":
            return lambda: bs.polars_btyd(pframe)
        if task == "days":
            return lambda: polars_days(pframe)
        return lambda: bs.polars_summarize(pframe)
    raise ValueError(method)


def polars_days(frame: Any) -> dict[str, np.ndarray]:
    import polars as pl

    purchase = pl.col("amount") >= 0
    out = (
        frame.lazy()
        .group_by("customer_id")
        .agg(
            frequency=pl.col("date").dt.truncate("1d").filter(purchase).n_unique(),
            monetary=pl.col("amount").sum(),
            first_purchase=pl.col("date").filter(purchase).min(),
            last_purchase=pl.col("date").filter(purchase).max(),
        )
        .sort("customer_id")
        .collect()
    )
    return {c: out[c].to_numpy() for c in out.columns}


def checksum(result: Any) -> list[float]:
    """(customers, sum of frequency, sum of monetary) of any method's answer."""
    if isinstance(result, tuple):  # bare NumPy: (sums, counts, first, last)
        seen = result[1] > 0
        seen |= result[0] != 0
        return [int(seen.sum()), int(result[1].sum()), float(result[0].sum())]
    if hasattr(result, "to_pandas") and hasattr(result, "customer_id"):
        frame = result.to_pandas()
    elif isinstance(result, dict):
        import pandas as pd

        frame = pd.DataFrame({k: np.asarray(v) for k, v in result.items()})
    else:
        frame = result
    freq = frame["frequency"].to_numpy(dtype=float, na_value=0.0)
    money_col = "monetary" if "monetary" in frame else "monetary_value"
    money = frame[money_col].to_numpy(dtype=float, na_value=0.0)
    return [len(frame), float(np.nansum(freq)), float(np.nansum(money))]


def rss_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one method in this (fresh) process; returns the measurements."""
    import gc

    fn = build(
        spec["method"],
        spec["task"],
        spec["kind"],
        Path(spec["cache"]),
        spec["n"],
        spec.get("dates", "seconds"),
    )
    if fn is None:
        return {"skipped": True}
    linux = Path("/proc/self/clear_refs").exists()
    memory = spec.get("memory", False)  # this process measures memory only
    times: list[float] = []
    peak = None
    check: list[float] = []
    for run in range(2 if memory else max(spec["repeat"], 2)):
        gc.collect()
        # the first run warms up (lazy imports)
        watch = memory and run == 1 and linux
        if watch:
            before = rss_kib("VmRSS")
            try:
                Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM
            except OSError:
                watch = False
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if watch:
            peak = (rss_kib("VmHWM") - before) * 1024
        if run == 0:
            check = checksum(result)
        del result
    return {
        "best": min(times),
        "median": statistics.median(times),
        "runs": len(times),
        "peak_bytes": peak,
        "check": check,
    }


# --------------------------------------------------------------------------
# the parent


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "?"
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def spawn(args: list[str], timeout: float, *, memory: bool = False) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    env = dict(os.environ)
    if memory:
        # a fixed glibc mmap threshold: freed arrays go back to the system, so
        # the RSS high-water mark of a run is not hidden by memory kept from
        # the last (never for timing: it costs NumPy code page faults)
        env["MALLOC_MMAP_THRESHOLD_"] = "65536"
        # and Arrow on the same allocator, not its own pool, which keeps
        # what the data loading freed and so moves the figure from run to run
        env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {done.returncode}: {tail[:120]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(
    method: str,
    task: str,
    kind: str,
    n: int,
    cache: Path,
    repeat: int,
    timeout: float,
    *,
    memory: bool,
    dates: str = "seconds",
) -> dict[str, Any]:
    """Time *method* in a fresh process and, when *memory*, take its peak
    memory in another."""
    spec = {
        "method": method,
        "task": task,
        "kind": kind,
        "n": n,
        "cache": str(cache),
        "repeat": repeat,
        "dates": dates,
    }
    load = load_average()
    t0 = time.perf_counter()
    out = spawn(["--child", json.dumps(spec)], timeout)
    if "best" in out and memory:
        mem = spawn(
            ["--child", json.dumps({**spec, "memory": True})], timeout, memory=True
        )
        out["peak_bytes"] = mem.get("peak_bytes")
    out["load"] = load
    out["wall"] = time.perf_counter() - t0
    shown = out.get("error") or (
        "skipped" if out.get("skipped") else f"{out['best']:.3f} s"
    )
    print(
        f"  {n:>11,d} {task:<9} {kind:<7} {method:<8} {shown}  (load {load}, "
        f"{out['wall']:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    return out


def cell(out: dict[str, Any] | None, ref: dict[str, Any] | None) -> str:
    if out is None or out.get("skipped"):
        return "—"
    if "error" in out:
        return "error"
    text = f"{out['best']:.3f} ({out['median']:.3f})"
    if ref is not None and "check" in ref and not same(out["check"], ref["check"]):
        text += " ≠"
    return text


def same(a: list[float], b: list[float]) -> bool:
    return (
        a[0] == b[0]
        and abs(a[1] - b[1]) < 0.5
        and abs(a[2] - b[2]) <= 1e-6 * (1 + abs(b[2]))
    )


def per_row(out: dict[str, Any] | None, n: int) -> str:
    if not out or out.get("peak_bytes") is None:
        return "—"
    return f"{out['peak_bytes'] / n:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--rows", type=int, default=10_000_000, help="rows of the main table"
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="id kinds")
    parser.add_argument(
        "--tasks", default=",".join(TASKS), help="tasks of the main table"
    )
    parser.add_argument(
        "--methods", default=",".join(METHODS), help="methods (custseg always runs)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per method")
    parser.add_argument(
        "--scaling", action="store_true", help="also summarize at 1M, 3M, 10M, 30M"
    )
    parser.add_argument("--with-100m", action="store_true", help="and at 100M rows")
    parser.add_argument("--sizes", help="comma-separated sizes of the scaling table")
    parser.add_argument(
        "--scaling-kinds",
        default="dense,sparse,str",
        help="id kinds of the scaling table",
    )
    parser.add_argument(
        "--dates",
        choices=("seconds", "days"),
        default="seconds",
        help="dates to the second (default) or at midnight (a date column)",
    )
    parser.add_argument("--cache", default="/tmp/custseg-bench", help="data cache")
    parser.add_argument("--timeout", type=float, default=1800, help="per process, s")
    parser.add_argument("--quick", action="store_true", help="100k rows, 2 runs")
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the processes that measure custseg's peak memory",
    )
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    if args.prepare:
        prepare(cache, args.prepare)
        return 0
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0

    if args.quick:
        args.rows, args.repeat = 100_000, 2
    kinds = [k for k in args.kinds.split(",") if k]
    tasks = [t for t in args.tasks.split(",") if t]
    methods = ["custseg"] + [m for m in args.methods.split(",") if m and m != "custseg"]
    bad = (
        set(kinds) - set(KINDS + MORE_KINDS)
        or set(tasks) - set(TASKS)
        or set(methods) - set(METHODS)
    )
    if bad:
        parser.error(f"unknown: {', '.join(sorted(bad))}")
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    elif args.quick:
        sizes = [30_000, 100_000, 300_000]
    else:
        sizes = [1_000_000, 3_000_000, 10_000_000, 30_000_000]
        sizes += [100_000_000] if args.with_100m else []
    t_start = time.perf_counter()
    header = header_lines(args)

    def ready(n: int) -> None:
        t0 = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--prepare",
                str(n),
                "--cache",
                str(cache),
            ],
            check=False,
        )
        if out.returncode:
            raise SystemExit(f"could not build the data of {n} rows")
        print(
            f"data of {n:,d} rows ready ({time.perf_counter() - t0:.0f} s)",
            file=sys.stderr,
        )

    lines = header[:]
    n = args.rows
    ready(n)
    results: dict[tuple[str, str, str], dict[str, Any]] = {}
    t0 = time.perf_counter()
    for task in tasks:
        for kind in kinds:
            for method in methods:
                if method in PLAN[task] and not (method == "numpy" and kind != "dense"):
                    rep = min(args.repeat, 2) if method == "pandas" else args.repeat
                    results[task, kind, method] = measure(
                        method,
                        task,
                        kind,
                        n,
                        cache,
                        rep,
                        args.timeout,
                        memory=method == "custseg" and not args.no_memory,
                        dates=args.dates,
                    )
    lines += main_table(results, tasks, kinds, methods, n, args.repeat)
    lines.append(f"\nMain table: {time.perf_counter() - t0:.0f} s of wall time.")
    if args.scaling:
        t0 = time.perf_counter()
        scale: dict[tuple[int, str, str], dict[str, Any]] = {}
        skinds = [k for k in args.scaling_kinds.split(",") if k]
        smethods = [m for m in ("custseg", "duckdb", "polars") if m in methods]
        for size in sizes:
            ready(size)
            for kind in skinds:
                for method in smethods:
                    if (size, kind, method) in scale:
                        continue
                    if size == n and ("summarize", kind, method) in results:
                        scale[size, kind, method] = results["summarize", kind, method]
                        continue
                    rep = (
                        args.repeat if size <= 10_000_000 else max(2, args.repeat // 2)
                    )
                    scale[size, kind, method] = measure(
                        method,
                        "summarize",
                        kind,
                        size,
                        cache,
                        rep,
                        args.timeout,
                        memory=method == "custseg" and not args.no_memory,
                        dates=args.dates,
                    )
        lines += scaling_table(scale, sizes, skinds, smethods)
        lines.append(f"\nScaling table: {time.perf_counter() - t0:.0f} s of wall time.")
    lines.append(
        f"\nLoad average at the end: {load_average()}; "
        f"total {time.perf_counter() - t_start:.0f} s."
    )
    print("\n".join(lines))
    return 0


def header_lines(args: argparse.Namespace) -> list[str]:
    import custseg

    versions = []
    for name in ("numpy", "pandas", "pyarrow", "duckdb", "polars"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"{name} -")
    sys.path.insert(0, str(HERE))
    from bench_spine import tree_state

    return [
        f"- machine: {platform.machine()} {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"- versions: custseg {custseg.__version__}, " + ", ".join(versions),
        f"- {tree_state()}",
        f"- load average (1 / 5 / 15 min) at start: {load_average()}",
        f"- dates: {'at midnight' if args.dates == 'days' else 'to the second'}",
        f"- each cell: best (median) of {args.repeat} runs in seconds, each method in "
        "a fresh process; ≠ = answer differs from custseg's",
    ]


def main_table(
    results: dict[tuple[str, str, str], dict[str, Any]],
    tasks: list[str],
    kinds: list[str],
    methods: list[str],
    n: int,
    repeat: int,
) -> list[str]:
    cols = list(methods)
    out = [
        "",
        f"### {n:,d} rows, {n // 10:,d} customers",
        "",
        "| task | ids | "
        + " | ".join(HEADS[m] for m in cols)
        + " | custseg / fastest peer | custseg peak B/row |",
        "|---|---|" + "---:|" * (len(cols) + 2),
    ]
    for task in tasks:
        for kind in kinds:
            ref = results.get((task, kind, "custseg"))
            cells = [cell(results.get((task, kind, m)), ref) for m in cols]
            peers = [
                results[task, kind, m]["best"]
                for m in cols
                if m not in ("custseg", "numpy")
                and "best" in results.get((task, kind, m), {})
            ]
            ratio = (
                f"{ref['best'] / min(peers):.2f}"
                if ref and "best" in ref and peers
                else "—"
            )
            out.append(
                f"| {TITLES[task]} | {kind} | "
                + " | ".join(cells)
                + f" | {ratio} | {per_row(ref, n)} |"
            )
    return out


def scaling_table(
    scale: dict[tuple[int, str, str], dict[str, Any]],
    sizes: list[int],
    kinds: list[str],
    methods: list[str],
) -> list[str]:
    def short(size: int) -> str:
        return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"

    out = [
        "",
        "### summarize, scaling (best of runs, seconds; custseg peak B/row)",
        "",
        "| ids | method | "
        + " | ".join(short(s) for s in sizes)
        + " | growth per 10x rows |",
        "|---|---|" + "---:|" * (len(sizes) + 1),
    ]
    for kind in kinds:
        for method in methods:
            cells, best = [], {}
            for size in sizes:
                r = scale.get((size, kind, method))
                if r is None or "best" not in r:
                    cells.append("—" if r is None or r.get("skipped") else "error")
                    continue
                best[size] = r["best"]
                text = f"{r['best']:.3f}"
                if method == "custseg" and r.get("peak_bytes") is not None:
                    text += f" ({r['peak_bytes'] / size:.0f} B)"
                cells.append(text)
            growth = []
            for size in sizes:
                if size * 10 in best and size in best:
                    growth.append(
                        f"{short(size)}→{short(size * 10)} "
                        f"{best[size * 10] / best[size]:.1f}x"
                    )
            out.append(
                f"| {kind} | {HEADS[method]} | "
                + " | ".join(cells)
                + f" | {', '.join(growth) or '—'} |"
            )
    return out


if __name__ == "__main__":
    sys.exit(main())
