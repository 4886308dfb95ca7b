"""Order lines: ``summarize(order_id=)`` against the pandas and DuckDB ways.

Line-item data (one row per product of an order, as the UCI Online Retail
invoices) is summarised per customer with each order counted once. The
data: ``--lines`` lines (default 10M) in orders of 1 to 9 lines (about 2M
orders), of ``lines // 50`` customers; each order's lines share its customer
and a date (seconds over 2021-2024, rows in date order like an export),
amounts in cents with 3% of the orders refunds. Order ids are integers
(``int``) or text (``"5" + 8 digits``, pandas' Arrow-backed ``str``), as
``--ids`` says. ``--amounts fx`` converts the cents at a rate of many
digits (``/ 7.1893``): float amounts of no decimal scale, whose exact sums
take the limb path (in DuckDB too).

Methods, each on the same data, best of ``--repeat`` runs:

* ``custseg summarize(order_id=)``: the whole summary from the lines;
* ``custseg orders_from_lines``: only the collapse into orders;
* ``custseg summarize`` on the rows (no orders; what it costs without);
* ``pandas``: the idiom, ``groupby([customer, order]).agg(date=min,
  amount=sum)``, then per customer the purchase orders' count, last and
  first date, and the net sum;
* ``DuckDB`` (if installed): the same two-level ``GROUP BY`` in SQL;
* custseg on the DuckDB table: ``summarize_frame(relation, order=)``, the
  lines collapsed and summarised in DuckDB (exact sums), the customer
  table collected.

Each peer's frequency and monetary per customer are checked against
custseg's (``≠`` marks a difference; the pandas and DuckDB sums are float
sums, compared to the cent).

    python benchmarks/bench_orders.py                 # 10M lines
    python benchmarks/bench_orders.py --quick         # 1M lines
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from _timing import best_time
from custseg import orders_from_lines, summarize
from custseg.frame import summarize_frame

AS_OF = "2025-01-02"


def make_lines(n: int, ids: str, amounts: str = "cents", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 10, n // 4)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    n_orders = len(sizes)
    order_of_line = np.repeat(np.arange(n_orders), sizes)[:n]
    k = max(n // 50, 1)
    customer = rng.integers(0, k, n_orders)
    start = np.datetime64("2021-01-01T00:00:00", "s").astype(np.int64)
    end = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    ticks = np.sort(rng.integers(start, end, n_orders))
    cents = rng.integers(50, 20_000, n)
    refund = rng.random(n_orders) < 0.03
    cents[refund[order_of_line]] *= -1
    order_ids: Any = 500_000_000 + order_of_line
    if ids == "str":
        order_ids = pd.array(order_ids.astype(str), dtype="str")
    return pd.DataFrame(
        {
            "customer_id": customer[order_of_line],
            "order_id": order_ids,
            "date": ticks[order_of_line].view("datetime64[s]"),
            "amount": cents / 100 if amounts == "cents" else cents / 100 / 7.1893,
        }
    )


def by_pandas(df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    orders = df.groupby(["customer_id", "order_id"], sort=False).agg(
        date=("date", "min"), amount=("amount", "sum")
    )
    orders = orders.reset_index()
    bought = orders[orders["amount"] >= 0]
    per = bought.groupby("customer_id").agg(
        frequency=("date", "size"), last=("date", "max"), first=("date", "min")
    )
    out = orders.groupby("customer_id").agg(monetary=("amount", "sum"))
    out = out.join(per, how="left")
    out["frequency"] = out["frequency"].fillna(0).astype(np.int64)
    day = as_of.normalize()
    out["recency_days"] = (day - out["last"].dt.normalize()).dt.days
    return out.sort_index()


def by_duckdb(con: Any, as_of: str) -> pd.DataFrame:
    return con.execute(
        f"""
        WITH orders AS (
            SELECT customer_id, order_id, min(date) AS date, sum(amount) AS amount
            FROM lines GROUP BY customer_id, order_id
        )
        SELECT customer_id,
               count(*) FILTER (WHERE amount >= 0) AS frequency,
               sum(amount) AS monetary,
               max(date) FILTER (WHERE amount >= 0) AS last,
               min(date) FILTER (WHERE amount >= 0) AS first,
               date_diff('day', CAST(max(date) FILTER (WHERE amount >= 0) AS DATE),
                         DATE '{as_of}') AS recency_days
        FROM orders GROUP BY customer_id ORDER BY customer_id
        """
    ).df()


def in_duckdb(con: Any) -> pd.DataFrame:
    """custseg's summary with the lines collapsed in DuckDB (the engine
    path: two group-bys there, the customer table collected)."""
    return summarize_frame(
        con.table("lines"),
        order="order_id",
        as_of=AS_OF,
        output="pandas",
    )


def agrees(peer: pd.DataFrame, facts: Any) -> bool:
    freq = np.asarray(peer["frequency"], dtype=np.int64)
    money = np.round(np.asarray(peer["monetary"], dtype=np.float64), 2)
    return bool(
        np.array_equal(
            np.asarray(peer.get("customer_id", peer.index)), facts.customer_id
        )
        and np.array_equal(freq, facts.frequency)
        and np.array_equal(money, np.round(facts.monetary, 2))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1M lines")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ids", default="int,str", help="order id kinds")
    parser.add_argument(
        "--amounts", default="cents", help="cents (decimals), fx (no decimal scale)"
    )
    args = parser.parse_args(argv)
    n = 1_000_000 if args.quick else args.lines
    print(
        f"# order lines: {n:,d} lines, best of {args.repeat}; Python "
        f"{platform.python_version()}, NumPy {np.__version__}, pandas "
        f"{pd.__version__}, load {os.getloadavg()[0]:.2f}"
    )
    print()
    print("| order ids | amounts | method | seconds | x custseg | agrees |")
    print("|---|---|---|---:|---:|---|")
    for kind, money in (
        (k, a) for a in args.amounts.split(",") for k in args.ids.split(",")
    ):
        df = make_lines(n, kind, money)
        cols = (df["customer_id"], df["date"], df["amount"])
        t_cs, facts = best_time(
            lambda cols=cols, df=df: summarize(
                *cols, order_id=df["order_id"], as_of=AS_OF
            ),
            args.repeat,
        )
        rows: list[tuple[str, float, str]] = [
            ("custseg `summarize(order_id=)`", t_cs, "—")
        ]
        t, _ = best_time(
            lambda df=df: orders_from_lines(
                df["customer_id"], df["order_id"], df["date"], df["amount"]
            ),
            args.repeat,
        )
        rows.append(("custseg `orders_from_lines` (the collapse alone)", t, "—"))
        t, _ = best_time(lambda cols=cols: summarize(*cols, as_of=AS_OF), args.repeat)
        rows.append(("custseg `summarize`, lines as rows (no orders)", t, "—"))
        peers: list[tuple[str, Callable[[], pd.DataFrame]]] = [
            ("pandas two `groupby`s", lambda df=df: by_pandas(df, pd.Timestamp(AS_OF)))
        ]
        try:
            import duckdb

            con = duckdb.connect()
            con.register("lines", df)
            peers.append(
                ("DuckDB two `GROUP BY`s", lambda con=con: by_duckdb(con, AS_OF))
            )
            peers.append(
                (
                    "custseg on the DuckDB table (`summarize_frame(order=)`)",
                    lambda con=con: in_duckdb(con),
                )
            )
        except ImportError:
            pass
        for name, fn in peers:
            t, out = best_time(fn, min(args.repeat, 2))
            rows.append((name, t, "yes" if agrees(out, facts) else "≠"))
        for name, t, ok in rows:
            print(f"| {kind} | {money} | {name} | {t:.3f} | {t / t_cs:.2f} | {ok} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
