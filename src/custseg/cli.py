"""The ``custseg`` command line: ``demo``, ``segment``, ``rules check``, ``presets``.

Errors in the input (missing files or columns, unparseable dates, bad
options, bad rules files) print the problem with the fix and exit with
status 2, no traceback. ``rules check`` exits 1 when a file has errors.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence

import pandas as pd

from . import __version__
from . import rules as rules_mod
from .errors import CustsegError
from .frame import apply_rules, read_table, segment_frame, table_format, write_table
from .pareto import pareto_summary

__all__ = ["main", "report"]

DEMO_OUTPUT = "custseg-demo.csv"


def _share(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _width(text: str) -> int:
    """Columns *text* takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _label_table(seg: pd.DataFrame, column: str, title: str) -> list[str]:
    revenue = seg["monetary"].clip(lower=0)
    total = float(revenue.sum()) or 1.0
    n = len(seg) or 1
    counts = seg[column].value_counts(sort=False)
    sums = revenue.groupby(seg[column], observed=False).sum()
    width = max(_width(str(c)) for c in seg[column].cat.categories)
    width = max(width, _width(title))
    lines = [f"{_pad(title, width)}  customers   share  revenue share"]
    for cat in seg[column].cat.categories:
        c = int(counts.get(cat, 0))
        lines.append(
            f"{_pad(str(cat), width)}  {c:9,d}  {_share(c / n)}  "
            f"{_share(sums[cat] / total)}"
        )
    return lines


def report(seg: pd.DataFrame, segments: Sequence[str] = ()) -> str:
    """A plain-text summary of :func:`~custseg.frame.segment_frame` output.

    Customers and revenue share per lifecycle stage and ABC class (and per
    label of each column named in *segments*, e.g. rules outputs), the R x F
    grid of customer counts, the M score distribution and the Pareto figures.

    Examples
    --------
    >>> from custseg.datasets import simulate_transactions
    >>> print(report(segment_frame(simulate_transactions(200, seed=3))))
    ... # doctest: +ELLIPSIS
    200 customers, 2,214 transactions, as of 2025-01-01
    <BLANKLINE>
    lifecycle    customers   share  revenue share
    ...
    """
    lines = [
        f"{len(seg):,d} customers, {seg.attrs.get('n_rows', 0):,d} transactions, "
        f"as of {seg.attrs.get('as_of', '?')}"
    ]
    dropped = seg.attrs.get("n_dropped", 0)
    if dropped:
        lines[0] += f" ({dropped:,d} later transaction{'s' * (dropped != 1)} dropped)"
    lines += ["", *_label_table(seg, "lifecycle", "lifecycle")]
    lines += ["", *_label_table(seg, "abc", "abc class")]
    for column in segments:
        lines += ["", *_label_table(seg, column, column)]
    bins = int(max(seg["r"].max(), seg["f"].max(), seg["m"].max(), 1))
    grid = pd.crosstab(seg["r"], seg["f"]).reindex(
        index=range(bins, -1, -1), columns=range(bins + 1), fill_value=0
    )
    if not grid[0].any() and not grid.loc[0].any():
        grid = grid.drop(index=0, columns=0)
    lines += [
        "",
        "RFM: customers by R (rows, 5 = most recent) and F (columns); 0 = no purchase",
    ]
    lines.append("R\\F " + "".join(f"{c:>9}" for c in grid.columns))
    for r, row in grid.iterrows():
        lines.append(f"{r!s:>3} " + "".join(f"{int(x):9,d}" for x in row))
    m_counts = seg["m"].value_counts().sort_index()
    lines.append("M   " + "  ".join(f"{k}: {int(c):,d}" for k, c in m_counts.items()))
    monetary = seg["monetary"].to_numpy()
    if (monetary > 0).any():
        p = pareto_summary(monetary)
        lines += [
            "",
            f"Pareto: {_share(p.customers_for_value_share).strip()} of customers "
            f"make 80% of revenue; the top 20% make "
            f"{_share(p.value_of_top_customers).strip()}; Gini {p.gini:.3f}",
        ]
    return "\n".join(lines)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import simulate_transactions

    tx = simulate_transactions(args.customers, seed=args.seed)
    print(
        f"Simulated store: {args.customers:,d} customers, seed {args.seed} "
        "(custseg.datasets.simulate_transactions), rules preset 'ecommerce'\n"
    )
    return _run(
        tx,
        "customer_id",
        "date",
        "amount",
        None,
        args.output,
        "raise",
        rules="ecommerce",
        lang=None,
    )


def _cmd_segment(args: argparse.Namespace) -> int:
    rules = args.preset or args.rules
    if args.lang and not rules:
        raise CustsegError(
            "--lang needs --preset or --rules: labels come from the rules"
        )
    tx = read_table(args.input)
    return _run(
        tx,
        args.customer,
        args.date,
        args.amount,
        args.as_of,
        args.output,
        args.after_as_of,
        rules=rules,
        lang=args.lang,
    )


def _run(
    tx: pd.DataFrame,
    customer: str,
    date: str,
    amount: str,
    as_of: str | None,
    output: str | None,
    after_as_of: str,
    *,
    rules: str | None,
    lang: str | None,
) -> int:
    if output:
        table_format(output)  # refuse an unknown extension before the work
    rs = rules_mod.load(rules) if rules else None  # check the rules before the data
    seg = segment_frame(
        tx,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        after_as_of=after_as_of,
    )
    segments: list[str] = []
    if rs is not None:
        seg = apply_rules(seg, rs, lang=lang)
        segments = [name for name in rs.outputs if name in rs.segments]
    print(report(seg, segments))
    if output:
        write_table(seg, output)
        print(f"\nPer-customer results ({len(seg):,d} rows) written to {output}")
    return 0


def _cmd_rules_check(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        diags = rules_mod.check(path)
        shown = [d for d in diags if args.verbose or d.severity != "info"]
        for d in shown:
            print(d.render())
        errors = sum(d.severity == "error" for d in diags)
        warnings = sum(d.severity == "warning" for d in diags)
        print(
            f"{path}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )
        if errors or (args.strict and warnings):
            status = 1
    return status


def _cmd_presets(args: argparse.Namespace) -> int:
    if args.name:
        print(rules_mod.preset_text(args.name), end="")
        return 0
    found = rules_mod.presets()
    width = max(map(len, found))
    for name, description in found.items():
        print(f"{name:<{width}}  {description}")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="custseg", description="Customer segmentation: RFM, lifecycle, ABC."
    )
    parser.add_argument("--version", action="version", version=f"custseg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole spine on a simulated store")
    demo.add_argument(
        "--customers",
        type=_positive_int,
        default=20_000,
        help="customers to simulate (default 20000)",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument(
        "--output",
        default=DEMO_OUTPUT,
        help=f"per-customer CSV/Parquet to write (default {DEMO_OUTPUT})",
    )
    demo.set_defaults(func=_cmd_demo)

    seg = sub.add_parser("segment", help="segment the customers of a transaction file")
    seg.add_argument("input", help="transactions, .csv or .parquet")
    seg.add_argument("--customer", default="customer_id", help="customer id column")
    seg.add_argument(
        "--date", default="date", help="date column (ISO 8601 text or dates)"
    )
    seg.add_argument("--amount", default="amount", help="amount column (refunds < 0)")
    seg.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help="reference day (default: the day after the last transaction)",
    )
    seg.add_argument(
        "--after-as-of",
        dest="after_as_of",
        choices=("raise", "drop"),
        default="raise",
        help="what to do with transactions after --as-of",
    )
    seg.add_argument(
        "--output", default=None, help="write per-customer results (.csv or .parquet)"
    )
    which = seg.add_mutually_exclusive_group()
    which.add_argument(
        "--preset", default=None, help="apply a shipped rules preset (custseg presets)"
    )
    which.add_argument("--rules", default=None, help="apply a rules file (.toml)")
    seg.add_argument("--lang", default=None, help="label language of the rules: zh")
    seg.set_defaults(func=_cmd_segment)

    rules = sub.add_parser("rules", help="work with rules files")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser(
        "check", help="check rules files; exit 1 if any has errors"
    )
    check.add_argument("files", nargs="+", help="rules files (.toml) or preset names")
    check.add_argument("--strict", action="store_true", help="also exit 1 on warnings")
    check.add_argument(
        "-v", "--verbose", action="store_true", help="also show notes (info)"
    )
    check.set_defaults(func=_cmd_rules_check)

    presets = sub.add_parser("presets", help="list the shipped presets, or show one")
    presets.add_argument("name", nargs="?", help="a preset to print")
    presets.set_defaults(func=_cmd_presets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``custseg`` command; returns the exit status.

    >>> main(["segment", "no-such-file.csv"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except CustsegError as exc:
        print(f"custseg: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("custseg: error: out of memory; try a smaller input", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        sys.stderr.close()
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
