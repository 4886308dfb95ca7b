"""``custseg report INPUT``: the segmentation as one self-contained HTML page.

Takes the options of ``custseg segment`` (columns, reading, period,
scoring, rules, records and contacts), plus ``--previous`` (an earlier
``custseg segment`` or ``custseg report --csv`` output, for the migration
section; read by its extension, in ``--previous-encoding``), ``--title``, ``--lang`` (``en`` or ``zh``: the report's texts and,
with rules that carry it, the class names) and ``--csv`` (also write one row
per customer, for the next run's ``--previous``). The options, the output
paths and the previous run are checked before anything is computed; the
page is written atomically (with ``--csv``, the page and the table as a
pair: both or neither); one line says where they went.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from ._files import _check_encoding, table_writer, write_all
from .errors import CustsegError, CustsegWarning
from .reporting import LANGUAGES, _customers_text, _page_title, _previous_frame, report

__all__ = ["register"]

DEFAULT_OUTPUT = "custseg-report.html"


def _cmd(args: argparse.Namespace) -> int:
    from .cli import (
        _check_id_column,
        _check_output,
        _check_page_output,
        _check_two_outputs,
        _emit,
        _err,
        _files_named,
        _inputs_of,
        _read_inputs,
        _segment_kwargs,
    )

    # the options first, then the rules, then the data
    inputs = _inputs_of(args)
    _check_page_output(args.output, inputs)
    if args.csv:
        _check_output(args.csv, inputs, option="--csv")
        _check_two_outputs(args.csv, args.output, "--csv", "--output")
    lang = args.lang or "en"
    if lang not in LANGUAGES:
        raise CustsegError(
            f"--lang {lang!r} is not a language of the report: use "
            f"{' or '.join(LANGUAGES)} (default: en)"
        )
    title = _page_title(args.title, lang, "--title")
    if args.csv:
        _check_id_column(args, None, "--csv")
    # class names follow --lang where the rules carry it (report() picks it)
    tx, rs = _read_inputs(args, None)
    if args.csv:
        _check_id_column(args, rs, "--csv")
    previous = None
    if args.previous:
        # read here, by its extension and in its own encoding (--sep and
        # --encoding are the transactions'); report() gets it read, so that
        # its errors name the file and the option
        _check_encoding(args.previous_encoding, "--previous-encoding")
        previous = _previous_frame(
            args.previous, encoding=args.previous_encoding, option="--previous"
        )
    elif args.previous_encoding is not None:
        raise CustsegError(
            "--previous-encoding is the encoding of the --previous file: give "
            "--previous FILE too, or leave it out"
        )
    # errors about rows name the file and line, as segment's do
    with warnings.catch_warnings(), _files_named(tx, args):
        warnings.simplefilter("ignore", CustsegWarning)  # printed below, as segment
        page = report(
            tx,
            previous=previous,
            lang=lang,
            title=title,
            charts=not args.no_charts,
            rows_without_customer=args.n_no_customer,
            rules=rs,
            **_segment_kwargs(args, rs),
        )
    assert page.result is not None
    for note in (*page.result.diagnostics, *page.notes):
        _err(f"custseg: warning: {note}")
    seg = page.result.customers
    guests = args.n_no_customer  # --missing-customer drop: said, never silent
    dropped = (
        f"; {guests:,d} row{'s' * (guests != 1)} without a customer id dropped"
        if guests
        else ""
    )
    line = (
        f"Report written to {args.output} ({_customers_text(len(seg))}{dropped}; "
        f"{', '.join(page.sections)})"
    )
    if args.csv:
        # the page and the table as a pair: both written, or neither replaced
        write_all(
            [
                (
                    args.output,
                    lambda tmp: Path(tmp).write_text(
                        page.html, encoding="utf-8", newline="\n"
                    ),
                ),
                (args.csv, table_writer(seg, args.csv)),
            ]
        )
        line += f"; per-customer results written to {args.csv}"
    else:
        page.write(args.output)
    _emit(line)
    return 0


def register(sub: Any) -> None:
    """Add ``report`` to the subcommands *sub* of the ``custseg`` parser.

    >>> p = argparse.ArgumentParser()
    >>> register(p.add_subparsers(dest="command"))
    >>> args = p.parse_args(["report", "tx.csv", "--preset", "ecommerce"])
    >>> args.output, args.previous, args.lang
    ('custseg-report.html', None, None)
    """
    from .cli import _segment_options

    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report of the segmentation",
        description="Segment the customers of a transaction file (the options "
        "of `custseg segment`) and write one HTML page that needs no network: "
        "data quality, rules and edges, segment summaries, the R x F grid, "
        "Pareto and ABC, lifecycle, loyalty and relationship mixes, the "
        "migration from an earlier run (--previous) and the playbook. Charts "
        "need matplotlib: pip install 'custseg[plot]'.",
    )
    _segment_options(p)
    # the segment options' --output and --lang, as the report means them
    output = p._option_string_actions["--output"]
    output.default = DEFAULT_OUTPUT
    output.help = f"the HTML page to write (default: {DEFAULT_OUTPUT})"
    p._option_string_actions["--lang"].help = (
        "language of the report: en or zh (default: en); with rules that "
        "carry it, the class names too"
    )
    group = p.add_argument_group("report")
    group.add_argument(
        "--previous",
        default=None,
        metavar="PATH",
        help="an earlier custseg segment (or report --csv) output: adds the "
        "migration between its classes and this run's, customers matched by id",
    )
    group.add_argument(
        "--previous-encoding",
        dest="previous_encoding",
        default=None,
        metavar="ENCODING",
        help="the encoding of the --previous file (default: utf-8, as custseg "
        "writes it), e.g. gbk when Excel re-saved it; the file is read by its "
        "extension (.txt sniffed), --sep and --encoding being the "
        "transactions'",
    )
    group.add_argument(
        "--title",
        default=None,
        help="the page title (default: 'Customer segmentation report')",
    )
    group.add_argument(
        "--csv",
        default=None,
        metavar="PATH",
        help="also write one row per customer (.csv, .tsv, .txt, optionally "
        ".gz/.zip/.bz2/.xz, or .parquet), "
        "e.g. for the next run's --previous",
    )
    group.add_argument(
        "--no-charts",
        dest="no_charts",
        action="store_true",
        help="leave the charts out (tables only)",
    )
    p.set_defaults(func=_cmd)
