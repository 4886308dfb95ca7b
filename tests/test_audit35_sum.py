"""Audit 35, summaries of transactions and orders (core path).

1. ``custseg segment --order`` refused files with purchases ("all 1 orders
   (their lines summed) used are refunds"): its check summed the lines by
   order id alone, in floats, so the order "1" of two customers was one
   order, and ``0.3 - 0.1 - 0.2`` (exactly 0, a purchase) a refund. It now
   refuses a file exactly when the core finds no purchase in it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.summary import summarize

# --------------------------------------------------------------------------
# 1. the command line's "no purchases left" check sums orders as the core does
# --------------------------------------------------------------------------


def _cli(tmp_path: Path, text: str, *options: str) -> tuple[int, str, str]:
    import contextlib
    import io
    import os

    from custseg.cli import main

    (tmp_path / "lines.csv").write_text(text)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["segment", "lines.csv", "--order", "order", *options])
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


def test_an_order_id_of_two_customers_is_two_orders_on_the_command_line(
    tmp_path: Path,
) -> None:
    """Was refused: 'all 1 orders (their lines summed) used are refunds', the
    check summing a's purchase of 5 and b's refund of 10 as one order "1"."""
    status, out, err = _cli(
        tmp_path,
        "customer_id,date,amount,order\na,2024-03-01,5,1\nb,2024-03-01,-10,1\n",
    )
    assert status == 0, err
    assert "2 customers, 2 orders" in out


def test_order_lines_netting_to_zero_are_a_purchase_on_the_command_line(
    tmp_path: Path,
) -> None:
    """Was refused: 0.3 - 0.1 - 0.2 is -2.8e-17 in a float sum; the core
    sums them exactly to 0, a purchase."""
    text = "customer_id,date,amount,order\na,2024-03-01,0.3,1\na,2024-03-01,-0.1,1\n"
    status, out, err = _cli(tmp_path, text + "a,2024-03-01,-0.2,1\n")
    assert status == 0, err
    assert "1 customer, 1 order" in out
    # a file of refunds only is still refused, counting its orders
    status, _, err = _cli(
        tmp_path,
        "customer_id,date,amount,order\na,2024-03-01,-5,1\nb,2024-03-01,-1,1\n",
    )
    assert status != 0
    assert "has no purchases left: all 2 orders (their lines summed)" in err


POOL = [0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0.0, 5.0, -10.0]


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(["1", "2"]),
            st.sampled_from(POOL),
            st.integers(0, 3),  # day
        ),
        min_size=1,
        max_size=7,
    ),
    ignore=st.booleans(),
    drop=st.booleans(),
)
@example(rows=[("a", "1", 5.0, 0), ("b", "1", -10.0, 0)], ignore=False, drop=False)
@example(
    rows=[("a", "1", 0.3, 0), ("a", "1", -0.1, 0), ("a", "1", -0.2, 0)],
    ignore=False,
    drop=False,
)
def test_the_purchase_check_agrees_with_the_core(
    rows: list[tuple[str, str, float, int]], ignore: bool, drop: bool
) -> None:
    """``custseg segment --order`` refuses a file for having no purchases
    exactly when the core finds no purchase in it."""
    import argparse

    from custseg import cli

    tx = pd.DataFrame(rows, columns=["customer_id", "order", "amount", "day"])
    tx["date"] = pd.Timestamp("2024-03-01") + pd.to_timedelta(tx["day"], unit="D")
    zero = "ignore" if ignore else "purchase"
    as_of = "2024-03-02" if drop else None
    kept = tx if as_of is None else tx[tx["date"] <= pd.Timestamp(as_of)]
    args = argparse.Namespace(
        customer="customer_id",
        date="date",
        amount="amount",
        order="order",
        as_of=as_of,
        as_of_text=as_of,
        after_as_of="drop",
        zero_amount=zero,
        quantity=None,
        price=None,
    )
    if not len(kept):
        return  # another refusal ("leaves no transactions")
    facts = summarize(
        kept["customer_id"],
        kept["date"],
        kept["amount"],
        order_id=kept["order"],
        zero_amount=zero,
    )
    if facts.frequency.sum() == 0:
        with pytest.raises(InputError, match="has no purchases left"):
            cli._check_rows(tx, "lines.csv", args)
    else:
        cli._check_rows(tx, "lines.csv", args)
