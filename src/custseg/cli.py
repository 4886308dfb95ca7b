"""The ``custseg`` command line: ``demo``, ``segment``, ``rules check``, ``presets``.

Errors in the input or the options (missing files or columns, unparseable
dates, undecodable text, bad options, bad rules files) print one line,
``custseg: error: ...``, with the fix, and exit with status 2, no traceback.
``rules check`` exits 1 when a file has errors.

``segment`` and ``demo`` check the options, the rules and the output path
first, then compute, then write the output (atomically), and only then print
the report: a closed pipe (``custseg segment ... | head``) cannot lose the
output file, and stops the printing quietly with status 0; a standard output
that cannot be written otherwise (a full disk) is a one-line error, status 2.
A rules file with errors is reported by its first problem, on one line, with
the number of others (``custseg rules check FILE`` shows them all).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import re
import shlex
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from . import __version__, _display
from . import _validate as v
from . import rules as rules_mod
from ._files import (
    _SURROGATE,
    EMPTY_LINES,
    _check_encoding,
    _need_pyarrow,
    _read_table,
    _write_fix,
    all_empty,
    bare_bytes,
    check_date_format,
    check_number_text,
    in_file,
    lines_of,
    no_folder,
    no_rows,
    of_source,
    output_target,
    parse_date_column,
    parse_date_text,
    refuse_empty_numbers,
    side_sep_fix,
    table_writer,
    temporary_prefix,
    text_dates,
    with_line,
    write_all,
)
from .errors import (
    CustsegError,
    CustsegWarning,
    Diagnostic,
    InputError,
    RulesError,
    ThresholdError,
)
from .frame import (
    _load_preset,
    _record_numbers,
    dropped_customers,
    record_text_columns,
    segment,
    survey_fields,
    survey_number_fields,
    survey_numbers,
    table_format,
)
from .orders import line_amounts, order_amounts, order_lines, order_values
from .pareto import spend_pareto
from .reporting import _class_text, _money, spend_totals
from .rfm import MAX_BINS, rules_bins
from .rules._examples import failures as example_failures
from .segments import segment_summary
from .summary import FACT_COLUMNS, _id_values

__all__ = ["main", "report"]

DEMO_REPORT = "custseg-demo.html"
DEMO_OUTPUT = "custseg-demo.csv"


def _share(x: float) -> str:
    """A share as a percentage, '-' when undefined (a share of a zero total)."""
    return f"{_display.percent(x):>6}"


def _width(text: str) -> int:
    """Columns *text* takes in a terminal (:func:`_display.text_width`)."""
    return _display.text_width(text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


#: The titles of the per-order figures of :func:`_label_table`: orders, or
#: purchase days when F counts days (``frequency="days"``), as the HTML
#: report's summary tables title them.
_PER_F_TITLES = {False: ("avg order", "orders"), True: ("spend/day", "buy days")}


def _label_table(
    seg: pd.DataFrame, column: str, title: str, lang: str | None = None
) -> list[str]:
    """Per class of *column*: customers, their share, the revenue share, the
    average order value, the median days since the last purchase and the
    mean number of orders (:func:`custseg.segment_summary`); when F counts
    purchase days (``seg.attrs["frequency"] == "days"``), the spend per
    purchase day and the mean number of purchase days, titled so. With
    ``lang="zh"`` the spine's own class names (not the rules') are printed
    in Chinese, as the HTML report shows them."""
    labels = seg[column]
    names = [str(c) for c in labels.cat.categories]
    shown = [_class_text(column, n, lang or "") for n in names]
    try:
        table = segment_summary(labels, seg, total=None)
    except InputError as exc:  # amounts so large that their total overflows
        if "so large that their sum" not in exc.problem:
            raise  # anything else is a defect to see, never a row of dashes
        table = None
    width = max([_width(title), *(_width(n) for n in shown)])
    per, count = _PER_F_TITLES[seg.attrs.get("frequency") == "days"]
    lines = [
        f"{_pad(title, width)}  customers   share  revenue share"
        f"  {per:>9}  recency  {count}"
    ]
    wide = max(6, len(count))
    n = len(seg) or 1
    places = _display.money_places(
        seg["monetary"].to_numpy(dtype=np.float64, na_value=0.0)
    )
    counts = labels.value_counts(sort=False)
    for name, text, cat in zip(names, shown, labels.cat.categories, strict=True):
        c = int(counts.get(cat, 0))
        row = f"{_pad(text, width)}  {c:9,d}  {_share(c / n)}"
        if table is None:
            lines.append(
                row + "              -          -        -  " + "-".rjust(wide)
            )
            continue
        figures = table.loc[name, list(_REPORT_FIGURES)].to_numpy(dtype=np.float64)
        r = dict(zip(_REPORT_FIGURES, figures.tolist(), strict=True))
        lines.append(
            f"{row}         {_share(r['revenue_share'])}  "
            f"{_mean_money(r['avg_order_value'], places):>9}"
            f"  {_number(r['recency_median']):>7}  "
            f"{_number(r['frequency_mean'], 1):>{wide}}"
        )
    return lines


_REPORT_FIGURES = (
    "revenue_share",
    "avg_order_value",
    "recency_median",
    "frequency_mean",
)


def _number(x: float, digits: int = 0) -> str:
    """A figure for the report: thousands separators, '-' when undefined."""
    if not np.isfinite(x):
        return "-"
    return _display.rounded(x, digits)


def _mean_money(x: float, places: int) -> str:
    """A mean of money for the report: in whole units, below 1 as the HTML
    report writes it (at the *places* of the amounts, or its first two
    digits: ``0.003`` is not ``0``), '-' when undefined.

    >>> _mean_money(86.9, 2), _mean_money(0.45, 2), _mean_money(0.01 / 3, 2)
    ('87', '0.45', '0.0033')
    """
    if not np.isfinite(x):
        return "-"
    return _display.mean_money(x, 0 if abs(x) >= 1 else places)


def _scores(seg: pd.DataFrame, column: str) -> np.ndarray:
    """A score column as integers, 0 for no score (missing or 0)."""
    col = pd.to_numeric(seg[column], errors="coerce")
    return col.to_numpy(dtype=np.float64, na_value=0.0).astype(np.int64)


def report(
    seg: pd.DataFrame, segments: Sequence[str] = (), *, lang: str | None = None
) -> str:
    """A plain-text summary of the per-customer frame of :func:`custseg.segment`.

    Customers and revenue share per lifecycle stage and ABC class (and per
    label of each column named in *segments*, e.g. rules outputs), the R x F
    grid of customer counts, the M score distribution and the Pareto figures.
    When F counts purchase days (``segment(..., frequency="days")``, which
    the frame's ``.attrs["frequency"]`` says), the figures per order are
    titled per purchase day (``spend/day``, ``buy days``).

    Parameters
    ----------
    seg
        The per-customer frame (``segment(...).customers``).
    segments
        More label columns to summarise (rules outputs).
    lang
        ``"zh"`` prints the class names custseg itself gives (``present``,
        ``relationship``, and ``lifecycle`` without rules) in Chinese, as
        the HTML report does; the rules' labels are printed as they are
        (``segment(..., lang="zh")`` translates those). Default: as they are.

    Examples
    --------
    >>> from custseg.datasets import simulate_transactions
    >>> from custseg import segment
    >>> print(report(segment(simulate_transactions(200, seed=3)).customers))
    ... # doctest: +ELLIPSIS
    200 customers, 2,214 transactions, as of 2025-01-01
    <BLANKLINE>
    lifecycle    customers   share  revenue share
    ...
    """
    rows = seg.attrs.get("n_rows", 0)
    # order lines (--order): the rows counted are orders, and the later rows
    # dropped are lines, one by one
    orders = bool(seg.attrs.get("order_lines"))
    kept, late = ("order", "order line") if orders else ("transaction",) * 2
    lines = [
        f"{len(seg):,d} customer{'s' * (len(seg) != 1)}, "
        f"{rows:,d} {kept}{'s' * (rows != 1)}, "
        f"as of {seg.attrs.get('as_of', '?')}"
    ]
    dropped = seg.attrs.get("n_dropped", 0)
    later = []  # what --missing-customer drop and --after-as-of drop left out
    guests = seg.attrs.get("n_no_customer", 0)
    if guests:
        later.append(
            f"{guests:,d} row{'s' * (guests != 1)} without a customer id dropped"
        )
    if dropped:
        later.append(f"{dropped:,d} later {late}{'s' * (dropped != 1)} dropped")
        gone = seg.attrs.get("n_dropped_customers", 0)
        if gone:
            later[-1] += (
                f", and with {'them' if dropped != 1 else 'it'} {gone:,d} "
                f"customer{'s' * (gone != 1)} who had "
                "no earlier one"
            )
    contacts = seg.attrs.get("n_contacts_dropped", 0)
    if contacts:
        later.append(f"{contacts:,d} later contact{'s' * (contacts != 1)} dropped")
        gone = seg.attrs.get("n_contacts_dropped_customers", 0)
        if gone:
            later[-1] += (
                f", and with {'them' if contacts != 1 else 'it'} {gone:,d} customer{'s' * (gone != 1)} known "
                "only from them"
            )
    if later:
        lines[0] += f" ({'; '.join(later)})"
    lang = v.text_param(lang, "lang") if lang is not None else None
    lines += ["", *_label_table(seg, "lifecycle", "lifecycle", lang)]
    lines += ["", *_label_table(seg, "abc", "abc class", lang)]
    spend = seg["monetary"].to_numpy(dtype=np.float64, na_value=0.0)
    # refunds above purchases: the revenue share (of the net revenue) and the
    # ABC classes and Pareto figures (of the positive spends) are of two totals
    totals = spend_totals(spend)
    n_below = 0 if totals is None else totals[0]
    if totals is not None:
        _, positive, _, net = totals
        lines.append(
            f"(revenue share: of the net revenue, {_money(net)}, refunds "
            f"included; the ABC classes are cut on the positive spends, "
            f"{_money(positive)})"
        )
    for column in segments:
        lines += ["", *_label_table(seg, column, column, lang)]
    r, f, m = (_scores(seg, c) for c in ("r", "f", "m"))
    top = max(int(r.max(initial=0)), int(f.max(initial=0)), int(m.max(initial=0)), 1)
    r_top, f_top = seg.attrs.get("rfm_bins", (top, top, top))[:2]
    grid = pd.crosstab(r, f).reindex(
        index=range(r_top, -1, -1), columns=range(f_top + 1), fill_value=0
    )
    if not grid[0].any() and not grid.loc[0].any():
        grid = grid.drop(index=0, columns=0)
    lines += [
        "",
        f"RFM: customers by R (rows, {r_top} = most recent) and F (columns); "
        "0 = no purchase",
    ]
    lines.append("R\\F " + "".join(f"{c:>9}" for c in grid.columns))
    for score_r, row in grid.iterrows():
        lines.append(f"{score_r!s:>3} " + "".join(f"{int(x):9,d}" for x in row))
    m_values, m_counts = np.unique(m, return_counts=True)
    lines.append(
        "M   "
        + "  ".join(f"{k}: {c:,d}" for k, c in zip(m_values, m_counts, strict=True))
    )
    p = spend_pareto(spend)
    if p is not None:
        of = "revenue"
        if n_below:
            who = "customer" if n_below == 1 else "customers"
            of = (
                f"the positive spends ({n_below:,d} {who} with net spend below 0 "
                "counted as spending 0)"
            )
        lines += [
            "",
            f"Pareto: {_share(p.customers_for_value_share).strip()} of customers "
            f"make 80% of {of}; the top 20% make "
            f"{_share(p.value_of_top_customers).strip()}; Gini {_display.rounded(p.gini, 3)}",
        ]
    return "\n".join(lines)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError on 3.11/3.12)
        return os.path.abspath(a) == os.path.abspath(b)


#: the options and arguments through which a command reads a file: an
#: output may be none of them (it would replace what was just read)
_READ_ARGS = (
    "input",
    "records",
    "contacts",
    "previous",
    "rules",
    "customers",
    "staff",
    "before",
    "after",
)


def _inputs_of(args: argparse.Namespace) -> list[str]:
    """Every file *args* reads (:data:`_READ_ARGS`), for :func:`_check_output`."""
    return [
        p
        for name in _READ_ARGS
        if isinstance(p := getattr(args, name, None), str) and p
    ]


def _check_two_outputs(
    table: str | None, page: str | None, table_option: str, page_option: str
) -> None:
    """Two outputs of one run (a table and a page) that are one file (one a
    link to the other): the second write would replace the first."""
    if table and page and _same_file(Path(table), Path(page)):
        raise InputError(
            table,
            f"is also the {page_option}, the page ({page!r} is the same file)",
            fix=f"write the table ({table_option}) and the page to two files",
        )


def _not_a_stream(output: str, option: str, example: str) -> None:
    """Refuse ``-`` and a path to a device, pipe or terminal (``/dev/stdout``,
    ``/dev/fd/1``) for *option*, before its type is checked: custseg writes
    its outputs to files only (a temporary file then replaces the target)
    and prints its summary on stdout, so ``-`` would be no standard output
    but a file named ``-`` (without a type); *example* is a file name for
    the fix."""
    fix = f"give {option} a file name (e.g. {option} {example})"
    if output.strip() == "-":
        raise InputError(
            output,
            f"is not a file name: {option} writes a file, never standard "
            "output (where custseg prints its summary)",
            fix=fix,
        )
    try:
        mode = os.stat(output).st_mode  # follows links (/dev/stdout)
    except (OSError, ValueError):
        return  # no such file yet (or a name the checks after refuse)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = (
            "a pipe"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device or terminal"
        )
        raise InputError(
            output,
            f"cannot be written: it is not a regular file but {kind}: {option} "
            "writes a file (a temporary file that then replaces it), never a "
            "device, pipe or standard output",
            fix=fix,
        )


def _check_output(
    output: str | None,
    inputs: Sequence[str] = (),
    option: str = "--output",
    *,
    empty: bool = False,
    required: bool = False,
) -> None:
    """Refuse an output path that cannot work, before any computing; the
    messages name *option*, the one the path came from (``--csv``). An empty
    path is refused (an unset ``$OUT`` would lose the results in silence)
    unless *empty* (``custseg demo``, whose default writes a file: ``""``
    is how to write none); *required*: the command cannot do without it."""
    if output is None or (empty and output == ""):
        return
    if not output.strip():  # an empty $OUT: nothing would be written
        raise InputError(
            option.lstrip("-"),
            f"is an empty file name ({output!r}): nothing would be written",
            fix=f"give {option} a file name"
            + ("" if required else f", or leave {option} out"),
        )
    if "\0" in output:
        raise InputError(
            option.lstrip("-"),
            f"is not a usable file name: {output!r} contains a NUL character",
            fix=f"give {option} a file name",
        )
    _not_a_stream(output, option, "customers.csv")
    if table_format(output) == "parquet":
        _need_pyarrow()
    _check_writable(output, inputs, "is the input file", "the results", option)


_HTML = (".html", ".htm")


def _check_page_output(
    output: str,
    inputs: Sequence[str],
    option: str = "--output",
    table_option: str = "--csv",
) -> None:
    """Refuse an HTML report path that cannot work, before any computing; the
    messages name *option* (the page's) and *table_option* (the table's)."""
    if not output or "\0" in output:
        raise InputError(
            option.lstrip("-"),
            f"is not a usable file name: {output!r}",
            fix=f"give {option} a file name ending in .html",
        )
    _not_a_stream(output, option, "report.html")
    if Path(output).suffix.lower() not in _HTML:
        raise InputError(
            output,
            "is not an .html file name",
            fix=f"give {option} a name ending in .html (the per-customer table "
            f"goes to {table_option})",
        )
    _check_writable(output, inputs, "is an input file", "the report", option)


def _check_writable(
    output: str, inputs: Sequence[str], same: str, what: str, option: str = "--output"
) -> None:
    """*output* can be written (a file in an existing folder, not one of the
    *inputs*): tried now, so a bad path shows before any computing. The fixes
    name *option*, the one the path came from."""
    # a link is written through (its target's folder holds the temporary file)
    path = output_target(output)
    # os.path.isdir: False for any error (Path.is_dir raises for a long name)
    if os.path.isdir(path):
        raise InputError(output, "is a folder", fix=f"give {option} a file name")
    folder = path.parent
    if not os.path.isdir(folder):
        raise no_folder(output, folder)
    for name in inputs:
        if _same_file(path, Path(name)):
            raise InputError(
                output,
                same,
                fix=f"write {what} to another file ({option})",
            )
    # the temporary file the output is first written to, tried now: a name
    # too long, no permission or a read-only disk show before the computing
    try:
        fd, trial = tempfile.mkstemp(
            prefix=temporary_prefix(path.name), suffix=".tmp", dir=folder
        )
    except (OSError, ValueError) as exc:
        strerror = getattr(exc, "strerror", None) or str(exc)
        raise InputError(
            output,
            f"cannot be written: {strerror}",
            fix=_write_fix(exc) if isinstance(exc, OSError) else "",
        ) from None
    os.close(fd)
    os.unlink(trial)


def _languages(rs: rules_mod.RuleSet) -> set[str]:
    parts = (*rs.tables.values(), *rs.segments.values(), *rs.tagsets.values())
    return {lang for part in parts for lang in getattr(part, "translations", {})}


def _load_rules(
    preset: str | None, rules: str | None, lang: str | None
) -> rules_mod.RuleSet | None:
    """Load the preset (a shipped name only) or rules file; check --lang:
    ``en`` is the names as written (as ``due`` and ``report`` take it, and
    :meth:`RuleSet.check_lang <custseg.rules.RuleSet.check_lang>`), also
    without rules, unless the rules translate to ``en``."""
    if preset is None and rules is None:
        if lang is not None and lang != "en":
            raise CustsegError(
                f"--lang needs --preset or --rules (got {lang!r}): labels and "
                "their translations come from the rules (without them, only en, "
                "the names as written)"
            )
        return None
    rs = _load_preset(preset) if preset is not None else rules_mod.load(str(rules))
    if lang is not None:
        available = _languages(rs)
        name = rs.name or rs.path
        if lang not in available and lang != "en":
            known = (
                f"available: {', '.join(sorted(available))}, or en (or no "
                "--lang) for the rules' own names"
                if available
                else "they carry no translations; leave out --lang (or give "
                "en) for the rules' own names"
            )
            raise CustsegError(
                f"--lang {lang!r} is not a language of the rules {name!r}: {known}"
            )
    return rs


def _check_columns(
    tx: pd.DataFrame, args: argparse.Namespace, product: bool = False
) -> None:
    """Every column an option names is in *tx* (*product*: the amounts are
    --quantity times --price, a column made afterwards, which must not be
    one of the data already)."""
    flags = (
        ("customer", "date", "quantity", "price")
        if product
        else ("customer", "date", "amount")
    )
    for flag in (*flags, "order"):
        name = getattr(args, flag, None)
        if name is not None and name not in tx.columns:
            field, columns = _display.listed(name, tx.columns)
            fix = (
                f"name the column with --{flag} COLUMN"
                if product and flag in ("quantity", "price")
                else f"name the column with {flag}= (on the command line: "
                f"--{flag} COLUMN)"
            )
            near = _spelled_alike(name, tx.columns)
            if near is not None:
                fix = f"{near!r} differs only in case, blanks or '_': pass --{flag} "
                fix += f"{shlex.quote(near)} to read it"
            raise InputError(
                field, f"is not a column of the data (columns: {columns})", fix=fix
            )
    if product and args.amount in tx.columns:
        raise InputError(
            args.amount,
            "is a column of the data already, and the name of the amounts "
            "--quantity and --price make",
            fix="rename that column",
        )


def _amount_columns(args: argparse.Namespace) -> bool:
    """Resolve --amount against --quantity and --price: True when the
    amounts are the products (``args.amount`` then names the column they go
    to, ``"QUANTITY x PRICE"``), else ``args.amount`` defaults to
    ``amount``."""
    quantity, price = getattr(args, "quantity", None), getattr(args, "price", None)
    if quantity is None and price is None:
        if args.amount is None:
            args.amount = "amount"
        return False
    if quantity is None or price is None:
        given, missing = (
            ("--quantity", "--price") if price is None else ("--price", "--quantity")
        )
        raise InputError(
            str(quantity if price is None else price),
            f"is given as {given}, but {missing} is missing",
            fix="pass both --quantity and --price (each line's amount is their "
            "product), or --amount alone",
        )
    if args.amount is not None:
        raise InputError(
            args.amount,
            "is given as --amount with --quantity and --price, which make the amounts",
            fix="leave out --amount, or --quantity and --price",
        )
    args.amount = f"{quantity} x {price}"
    return True


def _check_rows(tx: pd.DataFrame, path: str, args: argparse.Namespace) -> None:
    """Refuse data that a filter would leave without transactions or purchases."""
    if not len(tx):
        raise InputError(
            path,
            no_rows(path, "transactions"),
            fix="add one line per transaction",
        )
    dates = tx[args.date]
    kept = pd.Series(True, index=tx.index)
    if args.as_of is not None and args.after_as_of == "drop":
        try:
            local = dates.dt.tz_localize(None) if dates.dt.tz is not None else dates
            # the day the shop saw at that instant: an aware --as-of is read
            # in the zone of aware dates, as the core reads it
            day = pd.Timestamp(v.as_datetime_scalar(args.as_of, "as_of", like=dates))
            kept = local < day.normalize() + pd.Timedelta(days=1)
        except (CustsegError, AttributeError, ValueError, TypeError, OverflowError):
            return  # the core names the bad --as-of
        if not kept.any() and dates.notna().all():
            raise InputError(
                "as_of",
                f"leaves no transactions: all {len(tx):,d} are dated after "
                f"{args.as_of_text} and --after-as-of drop drops them",
                fix="pass a later --as-of",
            )
    kept_rows = kept.to_numpy(dtype=bool)
    try:
        kept_amounts = v.as_numeric(tx[args.amount], args.amount, exact=True)[kept_rows]
        what = "transactions"
        if args.order is not None and args.order in tx.columns:
            # a purchase is an order netting above (or at) zero: the orders
            # as the core makes them (a customer's lines sharing an order
            # id: "1" of two customers is two orders) and their exact sums,
            # never a float sum by order id alone
            ids = _id_values(tx[args.customer][kept], args.customer)
            orders = order_values(tx[args.order][kept], len(ids), args.order, args.date)
            lines = order_lines(ids, orders, (args.customer, args.order))
            kept_amounts = order_amounts(lines, kept_amounts, orders, args.amount)
            what = "orders (their lines summed)"
    except CustsegError:
        return  # the core names the bad amounts, ids or orders
    ignore = args.zero_amount == "ignore"
    purchases = kept_amounts > 0 if ignore else kept_amounts >= 0
    if not purchases.any():
        which = "refunds or zero" if ignore else "refunds (amount < 0)"
        product = args.quantity is not None or args.price is not None
        raise InputError(
            args.amount,
            f"has no purchases left: all {len(kept_amounts):,d} {what} "
            f"used are {which}",
            fix="check --quantity and --price and their signs"
            if product
            else "check the amount column (--amount) and its sign",
        )


def _bins_option(
    args: argparse.Namespace, rs: Any = None
) -> int | tuple[int, int, int] | None:
    """--bins and --r/f/m-bins: None (the rules' scores, else 5), or per
    dimension, a dimension not given taking --bins, else the rules'
    ``[scores]`` count for it (*rs*), else 5."""
    per_dim = (args.r_bins, args.f_bins, args.m_bins)
    if args.bins is None and per_dim == (None, None, None):
        return None
    r, f, m = rules_bins(tuple(args.bins if b is None else b for b in per_dim), rs)
    return r if r == f == m else (r, f, m)


_BINS_CLASH = re.compile(r"bins=.+? gives ([rfm]) scores 1\.\.(\d+), (.*)", re.DOTALL)


def _bins_named(exc: ThresholdError, args: argparse.Namespace) -> ThresholdError:
    """*exc* with ``bins=(5, 3, 5)`` said as the option given (``--f-bins
    3``) when it is the rules' refusal of that many scores."""
    found = _BINS_CLASH.fullmatch(str(exc))
    if found is None:
        return exc
    key, n, rest = found.groups()
    option = f"--{key}-bins" if getattr(args, f"{key}_bins", None) else "--bins"
    rest = rest.replace("leave it out of bins", f"leave out {option}")
    return ThresholdError(f"{option} {n} gives {key} scores 1..{n}, {rest}")


def _segment_kwargs(args: argparse.Namespace, rs: Any = None) -> dict[str, Any]:
    """The options of :func:`custseg.segment` that ``segment``'s command line
    sets (all but the rules *rs* and the language), also for ``report``."""
    return {
        "customer": args.customer,
        "date": args.date,
        "amount": args.amount,
        "as_of": args.as_of,
        "after_as_of": args.after_as_of,
        "bins": _bins_option(args, rs),
        "frequency": _FREQUENCY[args.frequency],
        "zero_amount": args.zero_amount,
        "order": getattr(args, "order", None),
        "records": getattr(args, "records_frame", None),
        "contacts": getattr(args, "contacts_frame", None),
    }


def _side_file_named(exc: InputError, args: argparse.Namespace) -> InputError:
    """*exc* from :func:`custseg.segment` with the ``--records`` or
    ``--contacts`` file it is about named (the library saw their frames),
    and the line of its first row there."""
    problem, field = exc.problem, exc.field
    matched = None
    for path, phrases, what in (
        (
            getattr(args, "records", None),
            ("of the customer records", "in the customer records"),
            "records",
        ),
        (getattr(args, "contacts", None), ("of the contacts",), "contacts"),
    ):
        if not path:
            continue
        named = f"the {what} file {os.fspath(path)!r}"
        for phrase in phrases:
            if problem.startswith(phrase) or f" {phrase}" in problem:
                problem = problem.replace(phrase, f"{phrase.split()[0]} {named}", 1)
                frame = getattr(args, f"{what}_frame", None)
                matched = path, getattr(args, f"{what}_encoding", None), frame
                break
        else:
            if field == what:  # about the frame itself: the file
                field = os.fspath(path)
    if (problem, field) == (exc.problem, exc.field):
        return exc
    out = InputError(
        field, problem, first_row=exc.first_row, n_rows=exc.n_rows, fix=exc.fix
    )
    if matched is None:
        return out
    path, encoding, frame = matched
    rows = None if frame is None else len(frame)
    return with_line(out, path, encoding=encoding or args.encoding, rows=rows)


@contextlib.contextmanager
def _files_named(tx: pd.DataFrame, args: argparse.Namespace) -> Iterator[None]:
    """Errors of the library, called on the frames read from the command's
    files, as the command line reports them: an :class:`InputError` about
    rows with the file they are in and the line of the first one (of the
    ``--records`` or ``--contacts`` file, :func:`_side_file_named`; else of
    the transactions, *tx* read from ``args.input``), and a
    :class:`ThresholdError` about the bins with its option
    (:func:`_bins_named`). ``custseg segment`` (:func:`_compute`) and
    ``custseg report`` call the library inside it, so both say the same.
    """
    try:
        yield
    except InputError as exc:
        named = _side_file_named(exc, args)
        side = ("customer records", "contacts")
        if named is exc and not any(w in exc.problem for w in side):
            named = with_line(  # the transactions' rows: their lines
                exc,
                args.input,
                sep=args.sep,
                encoding=args.encoding,
                fields=tx.columns,
                **_tx_lines(tx, args),
            )
        raise named from None
    except ThresholdError as exc:
        raise _bins_named(exc, args) from None


def _compute(
    tx: pd.DataFrame, args: argparse.Namespace, rs: rules_mod.RuleSet | None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Transactions to one row per customer, the label columns and the notes.

    The one place that calls the library (:func:`custseg.segment`); the frame
    carries ``n_rows``, ``as_of``, ``n_dropped`` and ``rfm_bins`` in
    ``.attrs`` for :func:`report`.
    """
    with warnings.catch_warnings(), _files_named(tx, args):
        warnings.simplefilter("ignore", CustsegWarning)  # also in .diagnostics
        result = segment(tx, rules=rs, lang=args.lang, **_segment_kwargs(args, rs))
    seg = result.customers
    seg.attrs["order_lines"] = bool(getattr(args, "order", None))  # orders counted
    seg.attrs["n_no_customer"] = getattr(args, "n_no_customer", 0)
    if seg.attrs.get("n_dropped", 0):  # customers whose every row was dropped
        seg.attrs["n_dropped_customers"] = dropped_customers(
            tx[args.customer], seg.index
        )
    e = result.edges
    seg.attrs["rfm_bins"] = (e.recency.bins, e.frequency.bins, e.monetary.bins)
    # the segmentations computed (those reading absent optional fields are not)
    segments = (
        [n for n in rs.outputs if n in rs.segments and n in seg.columns] if rs else []
    )
    for column in ("relationship", "present"):  # from records and contacts
        if column in seg.columns:
            segments.insert(0, column)
    return seg, segments, list(result.diagnostics)


def _write_outputs(
    seg: pd.DataFrame | None,
    table_path: str | None,
    page: Any = None,
    page_path: str | None = None,
) -> None:
    """Write the per-customer table (*seg* to *table_path*) and the HTML page
    (a :class:`custseg.reporting.Report`, to *page_path*), both or neither:
    each goes to a temporary file first, and the files replace the targets
    only when every write succeeded (a full disk, a file-size limit), so a
    failure never leaves a new page beside an old table. Either may be left
    out (``None`` or ``""``).

    ``custseg report --csv`` writes with it:
    ``_write_outputs(seg, args.csv, page, args.output)``.
    """
    files: list[tuple[str, Callable[[str], object]]] = []
    if page is not None and page_path:
        html = page.html
        files.append(
            (
                page_path,
                lambda tmp: Path(tmp).write_text(html, encoding="utf-8", newline="\n"),
            )
        )
    if seg is not None and table_path:
        files.append((table_path, table_writer(seg, table_path)))
    write_all(files)


def _run(
    tx: pd.DataFrame,
    args: argparse.Namespace,
    rs: rules_mod.RuleSet | None,
    header: str = "",
    page: Callable[[], Any] | None = None,
    page_path: str | None = None,
) -> int:
    """Compute, write the outputs (the table and, when *page* builds one,
    the HTML page to *page_path*: both or neither), then print: the outputs
    are safe before stdout."""
    seg, segments, notes = _compute(tx, args, rs)
    built = page() if page is not None and page_path else None
    _write_outputs(seg, args.output, built, page_path)
    for note in notes:
        _err(f"custseg: warning: {note}")
    text = header + report(seg, segments, lang=getattr(args, "lang", None))
    if args.output:
        text += (
            f"\n\nPer-customer results ({len(seg):,d} row{'s' * (len(seg) != 1)}) "
            f"written to {args.output}"
        )
    _emit(text)
    if built is not None:
        _emit(f"HTML report written to {page_path} (open it in a browser)")
    return 0


_FREQUENCY = {"rows": "transactions", "transactions": "transactions", "days": "days"}


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import simulate_contacts, simulate_customers, simulate_transactions

    _check_output(args.output, empty=True)
    if args.report:
        _check_page_output(args.report, [], option="--report", table_option="--output")
        _check_two_outputs(args.output, args.report, "--output", "--report")
    rs = _load_rules("ecommerce", None, None)
    tx = simulate_transactions(args.customers, seed=args.seed)
    demo = argparse.Namespace(
        customer="customer_id",
        date="date",
        amount="amount",
        as_of=None,
        as_of_text=None,
        after_as_of="raise",
        bins=None,
        r_bins=None,
        f_bins=None,
        m_bins=None,
        frequency="rows",
        zero_amount="purchase",
        lang=None,
        output=args.output,
        records_frame=simulate_customers(tx, seed=args.seed),
        contacts_frame=simulate_contacts(tx, seed=args.seed),
    )
    n, k = args.customers, len(demo.records_frame) - args.customers
    header = (
        f"Simulated store: {n:,d} customer{'s' if n != 1 else ''}, seed "
        f"{args.seed}, with customer records (survey answers, VIP cards, "
        "visits), contacts"
        + (f" and {k:,d} potential customer{'s' if k != 1 else ''}" if k else "")
        + " (custseg.datasets), rules preset 'ecommerce'\n\n"
    )

    def page() -> Any:
        from .reporting import report as html_report

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)  # printed by _run
            return html_report(
                tx,
                rules=rs,
                records=demo.records_frame,
                contacts=demo.contacts_frame,
                title="custseg demo store",
            )

    return _run(tx, demo, rs, header, page, args.report)


def _spelled_alike(name: str, columns: Iterable[Any]) -> str | None:
    """The one column of *columns* that is *name* but for letter case,
    blanks, ``_`` and ``-`` (``Customer ID`` for ``customer_id``, as shop
    exports name their columns), else None.

    >>> _spelled_alike("customer_id", ["Customer ID", "Date"])
    'Customer ID'
    >>> _spelled_alike("date", ["Created at", "Total"]) is None
    True
    """

    key = _display.spelling_key(name, loose=True)
    near = [
        c
        for c in columns
        if isinstance(c, str) and _display.spelling_key(c, loose=True) == key
    ]
    return near[0] if len(near) == 1 else None


def _check_distinct(options: dict[str, str | None]) -> None:
    """Two column options naming one column: the data cannot be both."""
    seen: dict[str, str] = {}
    for flag, column in options.items():
        if column is None:
            continue
        if column in seen:
            raise InputError(
                column,
                f"is named by both {seen[column]} and {flag}",
                fix=f"name a different column with each of {seen[column]} and {flag}",
            )
        seen[column] = flag


def _default_column(
    columns: Sequence[Any], name: str, option: str, path: str
) -> str | None:
    """*name* when a file's *columns* hold it: the column an option reads
    by that name when not given (``owner``, ``capacity``, ``last_contact``);
    None when none does. A column that only reads as *name* (``Owner``,
    ``" owner"``, ``owner`` with a zero-width space) is refused, naming it
    and *option*: taken for no column, it would silently mean "nobody has
    an owner" or "no limits".

    >>> _default_column(["id", "owner"], "owner", "--owner", "c.csv")
    'owner'
    >>> _default_column(["id", "value"], "owner", "--owner", "c.csv") is None
    True
    >>> _default_column(["id", "Owner"], "owner", "--owner", "c.csv")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'c.csv' has a column 'Owner', not 'owner': the column that --owner reads by default: pass --owner Owner to read it, or name it 'owner'
    """
    if name in columns:
        return name
    key = _display.spelling_key(name)
    near = [
        c for c in columns if isinstance(c, str) and _display.spelling_key(c) == key
    ]
    if not near:
        return None
    shown, _ = _display.apart(near[0], [name])
    raise InputError(
        path,
        f"has a column {_display.quoted([shown])}, not {name!r}: the column that "
        f"{option} reads by default",
        fix=f"pass {option} {shlex.quote(near[0])} to read it, or name it {name!r}",
    )


def _side_file(
    path: str,
    what: str,
    args: argparse.Namespace,
    rs: rules_mod.RuleSet | None = None,
) -> pd.DataFrame:
    """A --records or --contacts file: by its extension (a .txt file sniffed;
    --sep is the transactions'), in --records-encoding / --contacts-encoding
    (default: --encoding), the id column as text.

    The records' other columns are text as written too (``00123``,
    ``+86...``, ``1e5``, ``NA``; only an empty cell is missing), so they go
    into the output as read, except those the rules read as numbers, read
    as numbers, and the codes of the survey answers the rules read as
    custseg's (1-5, 0-10), read as numbers too
    (:func:`custseg.frame.survey_numbers`); a field the rules declare with
    values of their own (``"1"`` to ``"5"``) keeps the file's text.
    """
    text: list[str] = [args.customer]
    numbers = _record_numbers(rs) if what == "records" else []
    encoding = getattr(args, f"{what}_encoding", None) or args.encoding
    if what == "records":
        text = record_text_columns(path, args.customer, rs, encoding)
    try:
        frame = _read_table(
            path,
            encoding=encoding,
            text_columns=text,
            sep_fix=side_sep_fix(what),
            exact_numbers=numbers,
            id_columns=[args.customer],
        )
    except InputError as exc:
        raise with_line(in_file(exc, what, path), path, encoding=encoding) from None
    if what != "records":
        return frame
    return survey_numbers(frame, [*survey_fields(rs), *survey_number_fields(rs)])


#: Why a transactions file has rows without a customer id, for the messages.
_GUESTS = "guest checkouts, as in UCI Online Retail"


def _missing_customers(tx: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
    """*tx* without its rows whose --customer cell is empty, with
    ``--missing-customer drop`` (their count in ``args.n_no_customer``, the
    file's rows of those kept in ``args.file_rows``, for :func:`_tx_lines`);
    with ``refuse`` (the default), an :class:`InputError` at the first one.
    Done here, on the file's frame, not in the library: a Python caller
    drops them in pandas (the library's message says how)."""
    args.n_no_customer, args.file_rows = 0, None
    gaps = np.asarray(tx[args.customer].isna(), dtype=bool)
    if not gaps.any():
        return tx
    n = int(np.count_nonzero(gaps))
    if args.missing_customer != "drop":
        first, _ = v.first_offender(gaps)
        fix = (
            f"drop those rows with --missing-customer drop ({_GUESTS}; "
            "the report counts them), or give them an id"
        )
        if all_empty(tx, gaps):
            fix = f"{EMPTY_LINES}: delete them (or drop them with --missing-customer drop)"
        raise InputError(
            args.customer,
            "has missing customer ids (empty cells)",
            first_row=first,
            n_rows=n,
            fix=fix,
        )
    if n == len(tx):
        raise InputError(
            args.customer,
            f"is empty on all {n:,d} rows, and --missing-customer drop drops them "
            "all: no transactions are left",
            fix="check that --customer names the customer id column",
        )
    args.n_no_customer, args.file_rows = n, np.flatnonzero(~gaps)
    return tx.iloc[args.file_rows].reset_index(drop=True)


def _tx_lines(tx: pd.DataFrame, args: argparse.Namespace) -> dict[str, Any]:
    """The ``rows`` and ``positions`` of :func:`custseg._files.with_line`
    for errors about the rows of *tx*, the transactions as the library gets
    them: rows dropped by --missing-customer leave the file's lines apart
    from the frame's positions."""
    dropped = getattr(args, "n_no_customer", 0)
    return {"rows": len(tx) + dropped, "positions": getattr(args, "file_rows", None)}


def _read_inputs(
    args: argparse.Namespace, lang: str | None
) -> tuple[pd.DataFrame, rules_mod.RuleSet | None]:
    """The rules, then the data of ``segment``'s options (and ``report``'s).

    ``args.as_of`` becomes a date (its text kept in ``as_of_text``), the
    records and contacts go to ``args.records_frame`` / ``contacts_frame``.
    Every file is read in ``--encoding`` (the records and contacts in their
    own when given), ids as text (and the dates, with ``--date-format``);
    ``--sep`` and
    ``--date-format`` are the transactions' (the records and contacts go by
    their extension, and contact dates are ISO 8601 or YYYYMMDD).
    """
    product = _amount_columns(args)
    _check_distinct(
        {
            "--customer": args.customer,
            "--date": args.date,
            "--amount": None if product else args.amount,
            "--quantity": args.quantity,
            "--price": args.price,
            "--order": args.order,
        }
    )
    _check_encoding(args.encoding)
    for what in ("records", "contacts"):
        _check_encoding(getattr(args, f"{what}_encoding"), f"{what}_encoding")
    date_format = check_date_format(args.date_format)
    args.as_of_text = args.as_of
    if args.as_of is not None:  # read like the date column: ISO 8601 or YYYYMMDD
        args.as_of = parse_date_text(args.as_of, "as_of", date_format=date_format)
    rs = _load_rules(args.preset, args.rules, lang)
    where = {"sep": args.sep, "encoding": args.encoding}
    with lines_of(args.input, **where):
        tx = _read_table(
            args.input,
            text_columns=[args.customer] + ([args.order] if args.order else []),
            exact_numbers=[args.quantity, args.price] if product else [args.amount],
            date_columns=text_dates(args.date, date_format),
            id_columns=[args.customer] + ([args.order] if args.order else []),
            **where,
        )
    with lines_of(args.input, **where, rows=len(tx)):
        _check_columns(tx, args, product)
        tx = _missing_customers(tx, args)
    lines = _tx_lines(tx, args)
    with lines_of(args.input, **where, **lines):
        refuse_empty_numbers(
            tx,
            [args.quantity, args.price] if product else [args.amount],
            table_format(args.input),
        )
        tx[args.date] = parse_date_column(
            tx[args.date], args.date, date_format=date_format
        )
        if product:
            for name in (args.quantity, args.price):
                check_number_text(tx[name], name)
            tx[args.amount] = line_amounts(
                tx[args.quantity], tx[args.price], fields=(args.quantity, args.price)
            )
        else:
            check_number_text(tx[args.amount], args.amount)
        _check_rows(tx, args.input, args)
    for path, attr, what in (
        (args.records, "records_frame", "records"),
        (args.contacts, "contacts_frame", "contacts"),
    ):
        if path:
            setattr(args, attr, _side_file(path, what, args, rs))
    if args.contacts and "date" in args.contacts_frame:
        frame = args.contacts_frame
        try:
            frame["date"] = parse_date_column(frame["date"], "date")
        except InputError as exc:  # name the file: 'date' is the transactions' too
            fix = (
                "write contact dates as ISO 8601 (2024-01-31) or YYYYMMDD "
                "(20240131); --date-format is for the transactions only"
            )
            named = of_source(exc, f"contacts file {args.contacts!r}", fix)
            encoding = args.contacts_encoding or args.encoding
            raise with_line(
                named, args.contacts, encoding=encoding, rows=len(frame)
            ) from None
    return tx, rs


#: The columns every per-customer table has after the id: the facts, the
#: scores and the labels (``present`` and ``relationship`` come with
#: --records / --contacts, the rules' outputs with the rules).
_OUTPUT_COLUMNS = (*FACT_COLUMNS, "r", "f", "m", "rfm", "lifecycle", "abc")


def _check_id_column(
    args: argparse.Namespace, rs: rules_mod.RuleSet | None, option: str
) -> None:
    """The id column goes into the per-customer file (*option*) under its
    name: one an output column has too (``--customer m``, the M score) is
    refused before computing, as the file cannot hold two columns of one
    name. Without *rs* only the fixed columns are checked; with it, the
    outputs the run leaves out (those reading an ``optional`` field that
    neither the spine nor the records file gives, such as a preset's
    ``status_crm`` without ``--records``) are not in the file, so they are
    no clash."""
    name = args.customer
    fixed = {*_OUTPUT_COLUMNS}
    if args.records or args.contacts:
        fixed.add("present")
    if args.contacts:
        fixed.add("relationship")
    outputs: set[str] = set()
    if rs is not None:
        records = getattr(args, "records_frame", None)
        given = set(fixed)
        if args.records and records is not None:
            given |= {str(c) for c in records.columns}
        absent = frozenset(
            f for f in rs.required_fields() if rs.fields[f].optional and f not in given
        )
        left_out = rs._left_out(absent)
        outputs = {*(o for o in rs.outputs if o not in left_out), *rs.tagsets}
    if name not in fixed and name not in outputs:
        return
    what = "an output column" if name in fixed else "an output of the rules"
    raise InputError(
        name,
        f"is the customer column (--customer) and also the name of {what}, "
        f"and the {option} file cannot hold two columns of one name",
        fix="rename the id column in the input file's header (and give "
        f"--customer its new name), or leave {option} out",
    )


def _cmd_segment(args: argparse.Namespace) -> int:
    # the options first, then the rules, then the data
    _check_output(args.output, _inputs_of(args))
    if args.output:
        _check_id_column(args, None, "--output")
    tx, rs = _read_inputs(args, args.lang)
    if args.lang == "en" and (rs is None or "en" not in _languages(rs)):
        args.lang = None  # the names as written (due and report take en too)
    if args.output:
        _check_id_column(args, rs, "--output")
    return _run(tx, args, rs)


class _Printer:
    """``_emit`` for the checks: once stdout is closed (piped into ``head``),
    the rest is not printed, but the checks still run, so the exit status
    is the check's."""

    def __init__(self) -> None:
        self.closed = False

    def __call__(self, text: str) -> None:
        if self.closed:
            return
        try:
            _emit(text)
            _flush()
        except _StdoutError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self.closed = True
            _quiet_stdout()


def _check_paths(files: Sequence[str]) -> None:
    """An empty FILE is a mistake (an unset shell variable), not TOML text."""
    for path in files:
        if not path.strip():
            raise _UsageError(
                f"FILE {path!r} is empty: give the path of a .toml rules file or "
                "a preset name"
            )


def _cmd_rules_check(args: argparse.Namespace) -> int:
    _check_paths(args.files)
    emit = _Printer()
    status = 0
    for path in args.files:
        diags = rules_mod.check(path)
        shown = [d for d in diags if args.verbose or d.severity != "info"]
        for d in shown:
            emit(d.render())
        errors = sum(d.severity == "error" for d in diags)
        n_warnings = sum(d.severity == "warning" for d in diags)
        emit(
            f"{path}: {errors} error{'s' * (errors != 1)}, "
            f"{n_warnings} warning{'s' * (n_warnings != 1)}"
        )
        if errors or (args.strict and n_warnings):
            status = 1
    return status


def _cmd_rules_test(args: argparse.Namespace) -> int:
    _check_paths(args.files)
    emit = _Printer()
    status = 0
    for path in args.files:
        diags = rules_mod.check(path, text=False)
        problems = [
            d for d in diags if d.severity == "error" and d.code != "example-failed"
        ]
        if problems:  # the file itself is broken: nothing to run
            for d in problems:
                emit(d.render())
            emit(
                f"{path}: {len(problems)} error{'s' * (len(problems) != 1)}; "
                "examples not run"
            )
            status = 1
            continue
        rs = rules_mod.load(path)
        outcomes = rs.run_examples()
        failed = [o for o in outcomes if not o.passed]
        for d in example_failures(failed):
            emit(d.render())
        if args.verbose:
            for o in outcomes:
                if o.passed:
                    emit(f"  ok  {o.describe()}")
        n_examples = len(rs.examples)
        emit(
            f"{path}: {n_examples} example{'s' * (n_examples != 1)}, "
            f"{len(outcomes)} label{'s' * (len(outcomes) != 1)} checked, "
            f"{len(outcomes) - len(failed)} passed, {len(failed)} failed"
            + ("" if n_examples else " (the file has no [[examples]])")
        )
        if failed:
            status = 1
    return status


def _cmd_presets(args: argparse.Namespace) -> int:
    if args.name:
        _emit(rules_mod.preset_text(args.name), end="")
        return 0
    found = rules_mod.presets(lang=args.lang)
    width = max(map(len, found))
    _emit("\n".join(f"{name:<{width}}  {d}" for name, d in found.items()))
    return 0


class _UsageError(CustsegError):
    """A command-line usage error (unknown option, bad option value)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one ``custseg: error:`` line (status 2)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse ignores failed writes; --help and --version on a full disk
        # must fail like any other output
        if not message:
            return
        if file is None or file is sys.stderr:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.write(message)
        else:
            _emit(message, end="")


#: The options whose values are file paths or names of files: a file name
#: may hold any bytes (a lone surrogate stands for one that is not UTF-8,
#: and opens that file), so only the other options' text is checked.
_PATH_OPTIONS = frozenset({
    "input", "output", "records", "contacts", "rules", "previous", "csv",
    "report", "files", "customers", "staff", "before", "after", "name",
    "preset", "playbook",
})  # fmt: skip


#: options whose empty text would read as "not given" and is refused (demo's
#: --output "" and --report "" mean "write none", as documented; an empty
#: input path or --preset "" is refused as a missing file or unknown preset)
_NOT_EMPTY = ("records", "contacts", "rules", "previous", "csv", "name", "playbook")


def _option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each option's dest and how it is written (``--title``), over the
    subcommands too."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for dest, name in _option_names(sub).items():
                    names.setdefault(dest, name)
        elif action.option_strings:
            names.setdefault(action.dest, max(action.option_strings, key=len))
        else:
            names.setdefault(action.dest, str(action.metavar or action.dest).upper())
    return names


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def _check_text_options(parser: argparse.ArgumentParser, args: Any) -> None:
    """Refuse an option whose text is not UTF-8 (typed in a terminal with
    another encoding: Python keeps each such byte as a lone surrogate, which
    no output file can hold), naming the option, before anything is read."""
    names: dict[str, str] | None = None
    for dest in _NOT_EMPTY:
        if getattr(args, dest, None) == "":
            # (an unset shell variable): taken as "not given", a file given
            # would be left out without a word
            names = names or _option_names(parser)
            raise _UsageError(
                f"{names.get(dest, dest)} is empty: give a file or name, or "
                "leave the option out"
            )
    for dest, value in vars(args).items():
        if dest in _PATH_OPTIONS:
            continue
        for text in _texts(value):
            found = _SURROGATE.search(text)
            if found is None:
                continue
            names = names or _option_names(parser)
            raw = text.encode("utf-8", "surrogateescape")
            shown = raw.decode("utf-8", "backslashreplace")
            byte = found.group().encode("utf-8", "surrogateescape")
            raise _UsageError(
                f"{names.get(dest, dest)} '{shown}' is not UTF-8 text (the byte "
                f"0x{byte.hex()} is not UTF-8, and no output can hold it): type "
                "it in a terminal or script set to UTF-8 (e.g. LANG=C.UTF-8), "
                "or convert it first (iconv -f latin1 -t utf-8)"
            )


def _whole_number(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [lo, hi] (no upper bound: None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got {text!r}"
            ) from None
        if hi is not None and not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be in [{lo}, {hi}], got {value}")
        if value < lo:
            word = "at least 1" if lo == 1 else f"{lo} or more"
            raise argparse.ArgumentTypeError(f"must be {word}, got {value}")
        return value

    return parse


_positive_int = _whole_number(1)
#: The most customers ``demo`` simulates: about 10 purchases each, and
#: simulate_transactions makes at most 1,000,000,000
_MOST_DEMO_CUSTOMERS = 100_000_000
_seed = _whole_number(0)
_bins = _whole_number(2, MAX_BINS)


def _segment_options(seg: argparse.ArgumentParser) -> None:
    seg.add_argument(
        "input",
        help="transactions: .csv, .tsv or .txt (optionally .gz/.zip/.bz2/.xz), "
        "or .parquet",
    )
    columns = seg.add_argument_group("columns")
    columns.add_argument(
        "--customer",
        default="customer_id",
        metavar="COLUMN",
        help="customer id column, read as text (default: customer_id)",
    )
    columns.add_argument(
        "--date",
        default="date",
        metavar="COLUMN",
        help="date column: ISO 8601 text, YYYYMMDD, or see --date-format "
        "(default: date)",
    )
    columns.add_argument(
        "--amount",
        default=None,
        metavar="COLUMN",
        help="amount column; refunds are negative (default: amount)",
    )
    columns.add_argument(
        "--quantity",
        default=None,
        metavar="COLUMN",
        help="with --price, instead of --amount: each row's amount is its "
        "quantity times its unit price, as decimals (3 x 0.29 is 0.87), for "
        "exports of order lines without an amount column",
    )
    columns.add_argument(
        "--price",
        default=None,
        metavar="COLUMN",
        help="unit price column, with --quantity",
    )
    columns.add_argument(
        "--order",
        default=None,
        metavar="COLUMN",
        help="order id column, when each row is one line of an order (one row "
        "per product): a customer's lines sharing an order id are one purchase, "
        "dated by the earliest, their amounts summed (read as text; default: "
        "each row is a transaction)",
    )
    columns.add_argument(
        "--records",
        default=None,
        metavar="FILE",
        help="customer records joined by id (survey answers, vip, visits, ...): "
        ".csv/.tsv/.txt or .parquet with the --customer column; customers of "
        "either file are kept",
    )
    columns.add_argument(
        "--contacts",
        default=None,
        metavar="FILE",
        help="contact records, one row per contact (the --customer column, date, "
        "initiator, kind): adds each customer's relationship type",
    )
    reading = seg.add_argument_group("reading the file")
    reading.add_argument(
        "--sep",
        default=None,
        help="separator: one character, 'tab' or 'whitespace' (default: ',' "
        "for .csv, tab for .tsv, sniffed for .txt)",
    )
    reading.add_argument(
        "--encoding",
        default=None,
        help="text encoding, e.g. cp1252, gbk, gb18030, big5 (default: utf-8)",
    )
    for what in ("records", "contacts"):
        reading.add_argument(
            f"--{what}-encoding",
            dest=f"{what}_encoding",
            default=None,
            metavar="ENCODING",
            help=f"text encoding of the --{what} file (default: --encoding)",
        )
    reading.add_argument(
        "--date-format",
        dest="date_format",
        default=None,
        metavar="FORMAT",
        help="strftime format of the dates, e.g. '%%d/%%m/%%Y' (default: "
        "ISO 8601 or YYYYMMDD)",
    )
    reading.add_argument(
        "--missing-customer",
        dest="missing_customer",
        choices=("refuse", "drop"),
        default="refuse",
        help="rows whose --customer cell is empty (guest checkouts): stop with "
        "an error naming the first, or drop them, counted in the report "
        "(default: refuse)",
    )
    period = seg.add_argument_group("period")
    period.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="DAY",
        help="reference day (default: the day after the last transaction)",
    )
    period.add_argument(
        "--after-as-of",
        dest="after_as_of",
        choices=("raise", "drop"),
        default="raise",
        help="transactions and contacts (--contacts) after --as-of: stop with "
        "an error, or drop them, counted in the report (default: raise)",
    )
    scoring = seg.add_argument_group("scoring")
    scoring.add_argument(
        "--bins",
        type=_bins,
        default=None,
        metavar="N",
        help=f"RFM scores per dimension, 2 to {MAX_BINS}, fitted as quantiles "
        "(default: the rules' [scores], else 5); edges the rules fix stay, and "
        "the count must match the scores the rules are written for",
    )
    for dim, what in (("r", "recency"), ("f", "frequency"), ("m", "monetary")):
        scoring.add_argument(
            f"--{dim}-bins",
            dest=f"{dim}_bins",
            type=_bins,
            default=None,
            metavar="N",
            help=f"scores for {what} (default: --bins, else the rules' "
            f"[scores] count for {what}, else 5)",
        )
    scoring.add_argument(
        "--frequency",
        choices=("rows", "transactions", "days"),
        default="rows",
        help="F counts purchase rows or distinct purchase days; "
        "'transactions' = 'rows' (default: rows)",
    )
    scoring.add_argument(
        "--zero-amount",
        dest="zero_amount",
        choices=("purchase", "ignore"),
        default="purchase",
        help="rows with amount 0 count as purchases, or are ignored "
        "(default: purchase)",
    )
    labels = seg.add_argument_group("rules and output")
    which = labels.add_mutually_exclusive_group()
    which.add_argument(
        "--preset",
        default=None,
        metavar="NAME",
        help="apply a shipped rules preset (list them: custseg presets)",
    )
    which.add_argument(
        "--rules", default=None, metavar="FILE", help="apply a rules file (.toml)"
    )
    labels.add_argument(
        "--lang",
        default=None,
        help="label language of the rules, e.g. zh; en: the rules' own names "
        "(the default)",
    )
    labels.add_argument(
        "--output",
        default=None,
        metavar="PATH",
        help="write one row per customer: .csv, .tsv, .txt (optionally "
        ".gz/.zip/.bz2/.xz) or .parquet (default: write nothing)",
    )
    seg.set_defaults(func=_cmd_segment)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="custseg", description="Customer segmentation: RFM, lifecycle, ABC."
    )
    parser.add_argument("--version", action="version", version=f"custseg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole spine on a simulated store")
    demo.add_argument(
        "--customers",
        type=_whole_number(1, _MOST_DEMO_CUSTOMERS),
        default=20_000,
        metavar="N",
        help="customers to simulate, about 10 purchases each: 1 to 100000000 "
        "(default: 20000)",
    )
    demo.add_argument(
        "--seed", type=_seed, default=42, metavar="S", help="random seed (default: 42)"
    )
    demo.add_argument(
        "--output",
        default=DEMO_OUTPUT,
        metavar="PATH",
        help="per-customer results to write: .csv, .tsv, .txt (optionally "
        f".gz/.zip/.bz2/.xz) or .parquet; '' for none "
        f"(default: {DEMO_OUTPUT})",
    )
    demo.add_argument(
        "--report",
        default=DEMO_REPORT,
        metavar="PATH",
        help="the HTML report to write (charts need the plot extra); '' for "
        f"none (default: {DEMO_REPORT})",
    )
    demo.set_defaults(func=_cmd_demo)

    _segment_options(
        sub.add_parser("segment", help="segment the customers of a transaction file")
    )

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
    test = rules_sub.add_parser(
        "test",
        help="run the [[examples]] of rules files; exit 1 if any fails",
    )
    test.add_argument("files", nargs="+", help="rules files (.toml) or preset names")
    test.add_argument(
        "-v", "--verbose", action="store_true", help="also list the passing checks"
    )
    test.set_defaults(func=_cmd_rules_test)

    presets = sub.add_parser("presets", help="list the shipped presets, or show one")
    presets.add_argument("name", nargs="?", help="a preset to print")
    presets.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=None,
        help="the language of the list's descriptions (zh: Chinese)",
    )
    presets.set_defaults(func=_cmd_presets)
    # operations on segmented customers, each in a module of its own
    from . import _cli_assign, _cli_due, _cli_migrate, _cli_report

    for command in (_cli_report, _cli_migrate, _cli_assign, _cli_due):
        command.register(sub)
    _once(parser)
    return parser


#: what to do instead of giving a file option twice
_TWICE_FIX = {
    "--records": "join the files by customer id first, into one file of one "
    "row per customer (pandas: a.merge(b, on='customer_id', how='outer'))",
    "--contacts": "put the contacts of both files in one file (one contact a row)",
}


class _StoreOnce(argparse._StoreAction):
    """An option of one value given twice (``--records crm.csv --records
    survey.csv``) is an error: argparse keeps the last one given, silently
    leaving the first out (a whole file of records, another ``--as-of``).
    The state is on the action, and a parser is built for each run."""

    given: Any = None

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if option_string is not None:
            if self.given is not None:
                fix = _TWICE_FIX.get(self.option_strings[-1], "give it once")
                raise argparse.ArgumentError(
                    self,
                    f"given twice ({self.given!r}, then {values!r}), and only "
                    f"one is read: {fix}",
                )
            self.given = values
        super().__call__(parser, namespace, values, option_string)


def _once(parser: argparse.ArgumentParser) -> None:
    """Make each option of one value of *parser* and its subcommands
    refuse a second value (:class:`_StoreOnce`)."""
    for action in parser._actions:
        if type(action) is argparse._StoreAction and action.option_strings:
            action.__class__ = _StoreOnce
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _once(child)


class _StdoutError(Exception):
    """Standard output cannot be written (a closed pipe, a full disk)."""

    def __init__(self, exc: OSError) -> None:
        super().__init__(exc.strerror or str(exc))
        self.errno = exc.errno
        self.strerror = exc.strerror or str(exc)


def _emit(text: str, end: str = "\n") -> None:
    """Print to stdout; a failed write becomes :class:`_StdoutError`.

    Where stdout is a file descriptor (POSIX), the bytes are written to it
    directly until every one is taken: a write the system takes only part
    of (a nearly full disk, a file-size limit) is written on, and fails
    there, rather than left short by Python's buffered stdout, which lost
    the rest of ``custseg presets NAME > file`` and exited 0. No byte
    order mark (``PYTHONIOENCODING=utf-8-sig``) before each piece: the
    output is one stream."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = getattr(sys.stdout, "errors", None) or "strict"  # surrogateescape?
    try:
        data = bare_bytes(text + end, encoding, errors)
    except UnicodeEncodeError:  # a terminal that cannot show some characters
        data = bare_bytes(text + end, encoding, "backslashreplace")
    except LookupError:
        data = (text + end).encode("utf-8")
    fd = _stdout_fd()
    try:
        if fd is None:  # not a file (captured in tests): its own write
            print(data.decode(encoding, "replace"), end="")
            return
        sys.stdout.flush()  # anything printed before, first
        _write_all(fd, data)
    except OSError as exc:
        raise _StdoutError(exc) from None


def _stdout_fd() -> int | None:
    """The file descriptor of stdout on POSIX, or None (no real file)."""
    if os.name != "posix":  # (Windows: its text mode writes \r\n)
        return None
    try:
        return int(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):  # io.UnsupportedOperation too
        return None


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of *data* to *fd*, or raise ``OSError``."""
    view = memoryview(data)
    while view:
        taken = os.write(fd, view)
        if taken <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[taken:]


def _flush() -> None:
    """Flush stdout: a closed pipe or a full disk shows here, not at exit."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise _StdoutError(exc) from None
    except (AttributeError, ValueError):
        pass  # no stdout, or a closed one: nothing to flush


def _err(text: str) -> None:
    """One line on stderr; an unwritable stderr is ignored (nowhere to say it)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(text, file=sys.stderr)


def _quiet_stdout() -> None:
    """After a failed write: point stdout at /dev/null so the exit flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured in tests): nothing to flush


def _one_line(d: Diagnostic) -> str:
    if d.path.startswith("<"):  # "<preset>", "<argument>": no file to point at
        where = ""
    elif d.line:  # (a file that is not a rules file: its place, no line shown)
        where = f"{d.path}:{d.line}:{d.column}: "
    else:
        where = f"{d.path}: "
    text = where + d.message + (f": {d.hint}" if d.hint else "")
    return " ".join(text.splitlines())


def _message(exc: CustsegError) -> str:
    """The error as one line; for a rules file, its first problem and how many
    more (``custseg rules check FILE`` shows them all, with the source lines)."""
    if isinstance(exc, RulesError) and exc.diagnostics:
        first = exc.diagnostics[0]
        text = _one_line(first)
        more = len(exc.diagnostics) - 1
        if more:
            text += f" ({more} more problem{'s' * (more != 1)}"
            if not first.path.startswith("<"):
                command = f"custseg rules check {shlex.quote(first.path)}"
                quote = '"' if "'" in command else "'"
                text += f"; run {quote}{command}{quote} to see them all"
            text += ")"
        return text
    return str(exc)


_DEVELOPER_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``custseg`` command; returns the exit status.

    Status 0 on success, 1 when ``rules check`` finds errors, 2 for an error in
    the input, the options or the rules, or when standard output cannot be
    written (one line on stderr, ``custseg: error: ...``). It never raises: a
    closed pipe (``custseg ... | head``) ends quietly with 0, once the output
    file is written.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``).

    Examples
    --------
    >>> main(["segment", "no-such-file.csv"])
    2
    """
    previous = _catch_sigterm()
    try:
        parser = _parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version print, then exit 0
            _flush()
            return exc.code if isinstance(exc.code, int) else 0
        _check_text_options(parser, args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status: int = args.func(args)
        for w in caught:  # Python warnings as one line each, never two
            if issubclass(w.category, CustsegWarning):  # ours: the text says it
                _err(f"custseg: warning: {w.message}")
            elif not issubclass(w.category, _DEVELOPER_WARNINGS):
                _err(f"custseg: warning: {w.category.__name__}: {w.message}")
        _flush()  # a closed pipe shows here, not at interpreter exit
    except _StdoutError as exc:
        _quiet_stdout()
        if exc.errno == errno.EPIPE:  # piped into head & co.: the file is written
            return 0
        _err(f"custseg: error: cannot write to standard output: {exc.strerror}")
        return 2
    except CustsegError as exc:
        _err(f"custseg: error: {_message(exc)}")
        return 2
    except MemoryError:
        _err("custseg: error: out of memory; try a smaller input")
        return 2
    except BrokenPipeError:  # output piped into head & co.: the file is written
        _quiet_stdout()
        return 0
    except OSError as exc:  # the system refused something the checks missed
        _err(f"custseg: error: {exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:  # a partial output file was already removed
        _err("custseg: interrupted")
        return 130
    except _Terminated:  # SIGTERM (timeout, systemd, kill): as Ctrl-C
        _err("custseg: terminated")
        return 143
    finally:
        _restore_sigterm(previous)
    return status


class _Terminated(BaseException):
    """SIGTERM received: raised where the program is, so that the temporary
    files of an output being written are removed as on Ctrl-C (a
    BaseException: no ``except Exception`` turns it into an input error)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


def _catch_sigterm() -> Any:
    """Install :func:`_on_sigterm`; the handler it replaces (None where
    signals cannot be set: not the main thread)."""
    import signal

    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError, AttributeError):  # another thread, no SIGTERM
        return None


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
