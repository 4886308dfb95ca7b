"""``custseg assign``: give every customer of a file an owner from a staff file.

Layer 3 (a CLI subcommand): reads and writes files, prints the workload.
"""

from __future__ import annotations

import argparse
import decimal
import math
import re
import shlex
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._cli_migrate import _ROW_NUMBER_HEADERS, ids_first
from ._display import Escaped, alike, listed, quoted
from ._files import (
    _money_text,
    cents_text,
    lines_of,
    no_rows,
    read_checked,
    record_line,
    table_columns,
    with_line,
    write_table,
)
from ._validate import as_numeric
from .errors import CustsegWarning, InputError
from .ownership import (
    LOOK_ALIKE_LISTED,
    Assignment,
    _look_alike_note,
    _look_alike_owners,
    assign_owners,
)
from .ownership import _how_differs as _how_differs  # (tests read them here)
from .ownership import _loosely as _loosely

__all__ = ["register", "workload_report"]


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (0 <= value < math.inf):
        raise argparse.ArgumentTypeError(f"must be in [0, inf), got {value}")
    return value


def register(sub: Any) -> None:
    """Add the ``assign`` subcommand to the CLI's subparsers *sub*.

    Parameters
    ----------
    sub
        The object ``ArgumentParser.add_subparsers`` returned.

    Examples
    --------
    >>> p = argparse.ArgumentParser(prog="custseg")
    >>> register(p.add_subparsers(dest="command"))
    >>> args = p.parse_args(["assign", "c.csv", "s.csv", "--output", "o.csv"])
    >>> args.value, args.max_moves, args.tolerance
    ('monetary', None, 0.05)
    """
    p = sub.add_parser(
        "assign",
        help="give every customer one owner, balancing workload and book value",
        description="Give every customer of CUSTOMERS exactly one owner from "
        "STAFF: keep today's owners where possible, assign customers without "
        "one, move the customers of staff who left, and balance the number of "
        "customers and their value across the staff.",
    )
    p.add_argument(
        "customers",
        metavar="CUSTOMERS",
        help="one row per customer (.csv, .tsv, .txt, optionally "
        ".gz/.zip/.bz2/.xz, or .parquet), e.g. the "
        "output of 'custseg segment'; the customer id is the first column",
    )
    p.add_argument(
        "staff",
        metavar="STAFF",
        help="one staff member per row, the id in the first column (a header "
        "line first); optionally a capacity column",
    )
    p.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="write customer id, owner, moved and change (.csv, .tsv, .txt, "
        "optionally .gz/.zip/.bz2/.xz, or .parquet)",
    )
    p.add_argument(
        "--value",
        default="monetary",
        metavar="COLUMN",
        help="column of CUSTOMERS with each customer's value (default: monetary)",
    )
    p.add_argument(
        "--clip-negative",
        action="store_true",
        help="count negative values (customers with net refunds in segment's "
        "monetary) as 0, and say how many (default: an error)",
    )
    p.add_argument(
        "--owner",
        default=None,
        metavar="COLUMN",
        help="column of CUSTOMERS with today's owner; empty cells: no owner "
        "(default: the column 'owner' if there is one, else nobody has an owner, "
        "as a note says)",
    )
    p.add_argument(
        "--capacity",
        default=None,
        metavar="COLUMN",
        help="column of STAFF with the most customers each may have; empty "
        "cells: unlimited (default: the column 'capacity' if there is one)",
    )
    p.add_argument(
        "--max-moves",
        type=_whole,
        default=None,
        metavar="N",
        help="move at most N customers to balance (customers of staff who "
        "left always move; default: no limit)",
    )
    p.add_argument(
        "--tolerance",
        type=_fraction,
        default=0.05,
        metavar="T",
        help="relative tolerance of the balance (default: 0.05, i.e. 5%%)",
    )
    p.add_argument(
        "--sep",
        default=None,
        help="separator of text files (default: by extension; 'tab', 'whitespace')",
    )
    p.add_argument(
        "--encoding", default=None, help="text encoding of the files (default: UTF-8)"
    )
    p.add_argument(
        "--staff-sep",
        default=None,
        help="separator of the STAFF file when it differs (default: --sep)",
    )
    p.add_argument(
        "--staff-encoding",
        default=None,
        help="text encoding of the STAFF file when it differs (default: "
        "--encoding; a staff list saved by Excel on Chinese Windows is gbk)",
    )
    p.set_defaults(func=_cmd)


def _read(
    path: str,
    sep: str | None,
    encoding: str | None,
    text: list[str],
    numbers: list[str],
    ids: str = "customer_id",
) -> pd.DataFrame:
    """A table with its ids and the *text* columns read as text, exactly as
    written, and its *numbers* checked as amounts are (``1.000`` in a ';'
    file is refused, not read as 1). The ids are its first column, else,
    after pandas' row numbers, the column *ids*, moved first
    (:func:`~custseg._cli_migrate.ids_first`)."""
    header = table_columns(path, sep, encoding)
    first = header[:1]
    if header and str(header[0]).strip() in _ROW_NUMBER_HEADERS:
        first.append(ids)
    columns = [c for c in [*first, *text] if c in header]
    table = read_checked(
        path,
        numbers=numbers,
        sep=sep,
        encoding=encoding,
        text_columns=columns,
        id_columns=[c for c in first if c in header],
    )
    what = "customer id" if ids == "customer_id" else f"{ids} id"
    return ids_first(table, path, ids, what)


def _staff_options(exc: InputError) -> InputError:
    """*exc* of the staff file naming its own options (``--staff-sep``,
    ``--staff-encoding``): following ``--sep ';'`` for it would misread the
    customers file, and ``--encoding gbk`` its names."""
    fix = re.sub(r"--(sep|encoding) ", r"--staff-\1 ", exc.fix)
    problem = re.sub(r"--(sep|encoding) ", r"--staff-\1 ", exc.problem)
    if (fix, problem) == (exc.fix, exc.problem):
        return exc
    return InputError(
        exc.field, problem, first_row=exc.first_row, n_rows=exc.n_rows, fix=fix
    )


def _column(frame: pd.DataFrame, name: str, path: str, option: str) -> pd.Series:
    if name not in frame.columns:
        said, shown = listed(name, frame.columns)
        raise InputError(
            path,
            f"has no column {said!r}",
            fix=f"name one with {option} (columns: {shown})",
        )
    return frame[name]


def _decimals(value: pd.Series) -> bool:
    """Whether *value* holds decimal numbers as objects (a Parquet
    ``decimal128`` column, read exactly), which ``assign_owners`` takes.

    >>> from decimal import Decimal
    >>> _decimals(pd.Series([Decimal("1.50"), None])), _decimals(pd.Series(["1"]))
    (True, False)
    """
    if value.dtype != object:
        return False
    known = value.dropna()
    return bool(len(known)) and all(isinstance(x, decimal.Decimal) for x in known)


def _check_values(value: pd.Series, name: str) -> None:
    """Missing or negative values, reported under the column's name."""
    for bad, problem, fix in (
        (
            value.isna().to_numpy(),
            "has missing values",
            "fill them (e.g. with 0 for customers without a purchase) or name "
            "another column with --value",
        ),
        (
            (value < 0).fillna(False).to_numpy(dtype=bool),
            "has negative values",
            "a book value is a sum of non-negative values: count them as 0 "
            "with --clip-negative (customers with net refunds carry no value) "
            "or name another column with --value",
        ),
    ):
        if bad.any():
            first = int(np.argmax(bad))
            raise InputError(
                name, problem, first_row=first, n_rows=int(bad.sum()), fix=fix
            )


def workload_report(res: Assignment) -> str:
    r"""The text the command prints: one line per owner, then the moves.

    The table is printed as the other tables of the command line are: a
    staff id's unprintable characters (a line break, a tab) show as spaces,
    so that every owner takes one line, and the columns are padded by the
    columns a text takes in a terminal (a Chinese character takes two).

    Parameters
    ----------
    res
        The assignment.

    Returns
    -------
    str

    Examples
    --------
    >>> from custseg.ownership import assign_owners
    >>> print(workload_report(assign_owners([3, 2, 1], ["amy", "bo"])))
    owner  before  customers    fair      book  fair book
    amy         0          1     1.5      3.00       3.00
    bo          0          2     1.5      3.00       3.00
    <BLANKLINE>
    3 customers, 2 staff: 0 moved to balance, 0 forced (owner left or over capacity), 3 assigned (had no owner)
    balanced: yes (tolerance 5%; largest distance from the fair share: 0.5 customers and 0.00 of book value)

    >>> text = workload_report(assign_owners([3, 2, 1], ["line\nbreak", "中文"]))
    >>> print(text.split("\n\n")[0].replace(" ", "."))
    owner.......before..customers....fair......book..fair.book
    line.break.......0..........1.....1.5......3.00.......3.00
    中文.............0..........2.....1.5......3.00.......3.00
    """
    from ._display import one_line
    from .cli import _pad, _width
    from .ownership import gap_text

    names = [one_line(s) for s in res.owner.names]  # as compared: text
    heads = ("before", "customers", "fair", "book", "fair book")
    cells = [
        (
            f"{int(res.count_before[i]):d}",
            f"{int(res.count_after[i]):d}",
            f"{res.fair_count[i]:.1f}",
            _money_text(np.array([res.book_after[i]]))[0],
            cents_text(float(res.fair_book[i])),  # a share: to the cent
        )
        for i in range(len(names))
    ]
    first = max([_width("owner"), *map(_width, names)])
    # at least the widths of old (scripts may read the columns), wider for
    # larger numbers: the digits are ASCII, one column each
    widths = [
        max(least, len(head), *(len(row[j]) for row in cells))
        for j, (head, least) in enumerate(zip(heads, (6, 9, 6, 8, 9), strict=True))
    ]

    def line(name: str, row: tuple[str, ...]) -> str:
        parts = (x.rjust(w) for x, w in zip(row, widths, strict=True))
        return "  ".join([_pad(name, first), *parts])

    lines = [line("owner", heads)]
    lines += [line(name, row) for name, row in zip(names, cells, strict=True)]
    lines.append("")
    lines.append(
        f"{len(res.owner):,d} customers, {len(res.staff):,d} staff: "
        f"{res.n_moves:,d} moved to balance, {res.n_forced:,d} forced (owner left "
        f"or over capacity), {res.n_assigned:,d} assigned (had no owner)"
    )
    tol = f"{100 * res.tolerance:g}%"
    lines.append(
        f"balanced: {'yes' if res.balanced else 'no'} (tolerance {tol}; largest "
        f"distance from the fair share: {gap_text(res.count_gap)} customers and "
        f"{cents_text(float(res.value_gap), ',')} of book value)"
    )
    if not res.balanced and res.max_moves is not None:
        lines.append(f"(at most {res.max_moves:,d} moves were allowed: --max-moves)")
    return "\n".join(lines)


def _capacities(cap: pd.Series, staff: pd.Series, path: str) -> list[int | None]:
    """The capacity column as whole numbers (None: no limit), the first value
    that is not one named with its staff member and row."""
    given = cap.notna().to_numpy()
    # true/false cells (a column pandas reads as booleans, or beside
    # numbers) are no count: pd.to_numeric would make them 1 and 0
    truth = np.fromiter(
        (isinstance(x, bool | np.bool_) for x in cap.tolist()), bool, len(cap)
    )
    numbers = pd.to_numeric(cap.mask(truth), errors="coerce")
    values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    for bad, problem in (
        (given & np.isnan(values), "is not a number"),
        (
            given & ~np.isnan(values) & ((values < 0) | (values != np.floor(values))),
            "is not a whole number of customers (0 or more)",
        ),
    ):
        if bad.any():
            i = int(np.argmax(bad))
            value = cap.iloc[i]
            shown = value.item() if isinstance(value, np.generic) else value
            if isinstance(shown, float) and shown.is_integer():
                shown = int(shown)  # -1, as written (a column with gaps is float)
            raise InputError(
                str(cap.name),
                f"of {path!r} holds {shown!r} for {str(staff.iloc[i])!r}, which "
                f"{problem}",
                first_row=i,
                n_rows=int(bad.sum()),
                fix="give each staff member the most customers they may have, "
                "as a whole number, or leave the cell empty (no limit)",
            )
    return [None if np.isnan(x) or np.isinf(x) else int(x) for x in values]


def _near_miss(owner: pd.Series, staff: tuple[str, ...]) -> str | None:
    r"""One warning when owners that the assignment did not read as a staff
    member differ from a staff id only by spaces, invisible characters,
    Unicode form, letter case, leading zeros or a sign, else None: the
    library's look-alike owners
    (:func:`custseg.ownership._look_alike_owners`, read as
    :func:`~custseg.ownership.assign_owners` reads them: ``"7.0"`` where
    the staff have ``7`` is staff ``7``, never named), named by the staff
    file. *staff* are the staff ids as text (the assignment's
    ``owner.names``). It counts every such owner and their customers and
    names the first few, most customers first, each with its staff id and
    how the two differ.

    >>> print(_near_miss(pd.Series(["amy ", "bo", "7"]), ("amy", "bo")))
    1 customer of owner 'amy ', which is not in the staff file but differs from its id 'amy' only by spaces, moved as customers of staff who left (ids are compared exactly as written): write the owners as the staff file does
    >>> owners = pd.Series(["bo\u200b", "amy ", "bo\u200b", "cy", None])
    >>> print(_near_miss(owners, ("amy", "bo")))  # doctest: +ELLIPSIS
    3 customers of 2 owners that are not in the staff file but differ from a staff id ... customers of staff who left (ids are compared exactly as written): owner 'bo\u200b' (2 customers) differs from its id 'bo' only by how its characters are stored (...); owner 'amy ' (1 customer) differs from its id 'amy' only by spaces: write the owners as the staff file does
    >>> _near_miss(pd.Series(["7.0", 8.0, 9]), ("7", "8", "9")) is None  # staff
    True
    >>> print(_near_miss(pd.Series(["Amy"]), ("amy",)))  # doctest: +ELLIPSIS
    1 customer of owner 'Amy', ... differs from its id 'amy' only by letter case, ...
    """
    found = _look_alike_owners(owner.dropna().to_numpy(dtype=object).tolist(), staff)
    if not found:
        return None
    return _look_alike_note(
        found, "in the staff file", "write the owners as the staff file does"
    )


#: Words of a column name that say it may hold today's owners (compared
#: casefolded, as read: :func:`custseg._display.alike`): ``owner_id``,
#: ``OwnerId`` (Salesforce's), ``owners``, ``account_manager``.
_OWNER_WORDS = ("owner", "manager")


def _no_owners(
    columns: list[Any], path: str, read: tuple[str, ...]
) -> tuple[str, str | None]:
    r"""What to say when no column of *path* is read as today's owners (no
    ``--owner``, and no column ``owner``): a note for the report (every
    customer counts as without an owner), and a warning naming the columns
    whose name holds an owner word (:data:`_OWNER_WORDS`), other than those
    *read* as something else (the id, the value), as the likely ``--owner``
    (None when there are none): taken as no owners, their relationships
    would be dropped without a word.

    >>> note, warning = _no_owners(["id", "monetary", "OwnerId"], "c.csv", ("id", "monetary"))
    >>> print(note)
    no current owners (no --owner, and 'c.csv' has no column 'owner'): every customer counts as without an owner; give today's owners with --owner COLUMN to keep them
    >>> print(warning)
    'c.csv' has no column 'owner' but a column 'OwnerId', which may hold today's owners: it was not read, so every customer counts as without an owner and nobody keeps their customers: pass --owner OwnerId to keep them
    >>> _no_owners(["id", "monetary"], "c.csv", ("id", "monetary"))[1] is None
    True
    """
    note = (
        f"no current owners (no --owner, and {path!r} has no column 'owner'): "
        "every customer counts as without an owner; give today's owners with "
        "--owner COLUMN to keep them"
    )
    likely = [
        c
        for c in columns
        if isinstance(c, str)
        and c not in read
        and any(w in alike(c).casefold() for w in _OWNER_WORDS)
    ]
    if not likely:
        return note, None
    # a name with invisible characters shown by its code points
    shown = quoted(Escaped(c) if alike(c) != c else c for c in likely)
    one = len(likely) == 1
    warning = (
        f"{path!r} has no column 'owner' but {'a column' if one else 'columns'} "
        f"{shown}, which may hold today's owners: {'it was' if one else 'they were'} "
        "not read, so every customer counts as without an owner and nobody "
        f"keeps their customers: pass --owner {shlex.quote(likely[0])} to keep them"
    )
    return note, warning


_ROWS = re.compile(r"\(rows (\d+) and (\d+)\)")


def _in_files(
    exc: InputError, files: dict[str, tuple[str | None, str, dict[str, Any]]]
) -> InputError:
    """*exc*, raised by :func:`assign_owners` about its parameter, about the
    column of the file that holds it and the lines of that file (the rows
    a message names too: ``(rows 0 and 2)`` of the staff list)."""
    column, path, lines = files.get(exc.field, (None, "", {}))
    if column is None:
        return exc
    where = {k: v for k, v in lines.items() if k != "rows"}
    rows = lines["rows"]
    problem = exc.problem
    pair = _ROWS.search(problem)
    if pair is not None:
        a, b = (record_line(path, int(r), **where, rows=rows) for r in pair.groups())
        if a is not None and b is not None:
            problem = problem.replace(pair.group(), f"(lines {a} and {b})")
    renamed = InputError(
        column, problem, fix=exc.fix, first_row=exc.first_row, n_rows=exc.n_rows
    )
    return with_line(renamed, path, **where, rows=rows)


def _cmd(args: argparse.Namespace) -> int:
    from .cli import (
        _check_distinct,
        _check_output,
        _default_column,
        _emit,
        _inputs_of,
    )

    _check_output(args.output, _inputs_of(args), required=True)
    owner_col = args.owner
    with lines_of(args.customers, sep=args.sep, encoding=args.encoding):
        customers = _read(
            args.customers,
            args.sep,
            args.encoding,
            [owner_col or "owner"],
            [args.value],
        )
    if owner_col is None:
        owner_col = _default_column(
            list(customers.columns), "owner", "--owner", args.customers
        )
    no_owners = ""
    if owner_col is None:  # said, never silently "nobody has an owner"
        read = (str(customers.columns[0]) if len(customers.columns) else "", args.value)
        no_owners, likely = _no_owners(list(customers.columns), args.customers, read)
        if likely is not None:
            warnings.warn(likely, CustsegWarning, stacklevel=2)
    if not len(customers):
        raise InputError(
            args.customers,
            no_rows(args.customers, "customers"),
            fix="pass an output of custseg segment for a period with customers",
        )
    if len(customers.columns) < 2:
        raise InputError(
            args.customers,
            "needs a customer id column and a value column",
            fix="give one row per customer, the id first (e.g. the output of "
            "'custseg segment')",
        )
    id_name = str(customers.columns[0])
    _check_distinct(
        {
            "the customer id (the first column)": id_name,
            "--value": args.value,
            "--owner": args.owner,
        }
    )
    value = _column(customers, args.value, args.customers, "--value")
    numbers = pd.api.types.is_numeric_dtype(value) or _decimals(value)
    if not numbers or pd.api.types.is_bool_dtype(value):
        numeric = pd.to_numeric(value, errors="coerce").notna()
        if not pd.api.types.is_bool_dtype(value) and numeric.any():
            # numbers with a few cells that are not (a typo, a '$'): the
            # first of them, by its line and value; whole numbers pandas
            # keeps as text (past 2**64) as assign_owners refuses those
            # past 2**53; a column of text is another column than the
            # values (below)
            with lines_of(
                args.customers,
                sep=args.sep,
                encoding=args.encoding,
                rows=len(customers),
            ):
                as_numeric(
                    value.to_numpy(dtype=object), args.value, nan="allow", exact=True
                )
        raise InputError(
            args.value,
            f"is not a column of numbers ({value.dtype})",
            fix="name the value column with --value",
        )
    clipped = ""
    if args.clip_negative:
        negative = int((value < 0).sum())
        if negative:
            value = value.clip(lower=0)
            clipped = (
                f"\n{negative:,} customer{'s' if negative != 1 else ''} with a "
                f"negative {args.value} (net refunds) counted as 0"
            )
    mine = {"sep": args.sep, "encoding": args.encoding, "rows": len(customers)}
    with lines_of(args.customers, **mine):
        _check_values(value, args.value)
    owner = (
        _column(customers, owner_col, args.customers, "--owner")
        if owner_col is not None
        else None
    )
    staff_sep = args.staff_sep if args.staff_sep is not None else args.sep
    staff_encoding = (
        args.staff_encoding if args.staff_encoding is not None else args.encoding
    )
    staff_lines = {"sep": staff_sep, "encoding": staff_encoding}
    with lines_of(args.staff, **staff_lines):
        try:
            staff_frame = _read(
                args.staff,
                staff_sep,
                staff_encoding,
                [],
                [args.capacity or "capacity"],
                ids="staff",
            )
        except InputError as exc:  # its own options: --sep and --encoding are
            raise _staff_options(exc) from None  # the customers file's too
    if not len(staff_frame):
        raise InputError(
            args.staff,
            no_rows(args.staff, "staff"),
            fix="list one staff id per line under the header",
        )
    with lines_of(args.staff, **staff_lines, rows=len(staff_frame)):
        cap_col = args.capacity
        if cap_col is None:
            cap_col = _default_column(
                list(staff_frame.columns), "capacity", "--capacity", args.staff
            )
        capacity = None
        if cap_col is not None:
            cap = _column(staff_frame, cap_col, args.staff, "--capacity")
            capacity = _capacities(cap, staff_frame.iloc[:, 0], args.staff)
    # staff ids and owners exactly as written (as the customer ids): " A1"
    # and "A1" are different ids in a text file; only an owner "7.0" where
    # the staff file has "7" (pandas writes an integer column with a gap so)
    # is that staff member (assign_owners reads it so, and _near_miss too)
    # errors about the inputs name the files' columns and lines
    staff_rows = {**staff_lines, "rows": len(staff_frame)}
    files = {
        "customer_id": (id_name, args.customers, mine),
        "current_owner": (owner_col, args.customers, mine),
        "value": (args.value, args.customers, mine),
        "staff": (str(staff_frame.columns[0]), args.staff, staff_rows),
        "capacity": (cap_col, args.staff, staff_rows),
    }
    try:
        # look-alike owners are named below by the files (not the library's
        # "staff list"), once
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore",
                f".* {LOOK_ALIKE_LISTED} but differ",
                category=CustsegWarning,
            )
            res = assign_owners(
                value.to_numpy(),
                staff_frame.iloc[:, 0].tolist(),
                current_owner=None if owner is None else owner.to_numpy(dtype=object),
                customer_id=customers.iloc[:, 0].to_numpy(),
                capacity=capacity,
                max_moves=args.max_moves,
                tolerance=args.tolerance,
            )
    except InputError as exc:
        raise _in_files(exc, files) from None
    if owner is not None:
        note = _near_miss(owner, res.owner.names)
        if note is not None:
            warnings.warn(note, CustsegWarning, stacklevel=2)
    out = pd.DataFrame(
        {
            # the staff file's own values, as the result holds them (its
            # integers stay integers, so the column joins back to that file)
            "owner": np.asarray(res.owner.to_categorical()),
            "moved": res.moved,
            "change": res.change.to_numpy(),
        },
        index=pd.Index(customers.iloc[:, 0].to_numpy(), name=id_name),
    )
    write_table(out, args.output)
    _emit(
        workload_report(res)
        + f"\n\nOwners of {len(out):,d} customers written to {args.output}"
        + clipped
        + (f"\n{no_owners}" if no_owners else "")
    )
    return 0
