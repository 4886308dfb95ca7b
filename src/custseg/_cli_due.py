"""``custseg due``: who is due for contact on a day, and why.

Reads a per-customer table (for example the ``--output`` of ``custseg
segment``), applies a cadence (one number, or the default playbook of a class
column) and the other contact reasons (birthdays, holidays, points), prints
the first rows of the due list and the count per reason, and writes the whole
list with ``--output``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import shlex
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from ._cli_migrate import _ROW_NUMBER_HEADERS, run_day
from ._display import listed, number_text, one_line, spelling_key
from ._files import (
    _shortest_text,
    lines_of,
    parse_date_column,
    parse_date_text,
    read_checked,
    table_columns,
    write_table,
)
from .errors import CustsegWarning, InputError, ThresholdError
from .playbook import (
    _TEXTS,
    MAX_CADENCE_DAYS,
    PLAYBOOK_NAMES,
    RECENCY_UNKNOWN,
    STOPPED,
    ActionPlan,
    _run_zone,
    actions,
    default_playbook,
    due_contacts,
)

__all__ = ["register"]

#: The fix for dates `due` cannot read (it has no --date-format).
_DUE_DATE_FIX = (
    "write the dates as ISO 8601 (1990-01-25, 2024-01-31 14:05:00) or YYYYMMDD "
    "(19900125)"
)


def _action_text(args: argparse.Namespace, key: str) -> str:
    """The playbook's fixed action text *key* (:data:`~custseg.playbook.STOPPED`,
    :data:`~custseg.playbook.RECENCY_UNKNOWN`), quoted, in the language the
    rows are listed in (--lang)."""
    lang = getattr(args, "lang", None) or "en"
    return repr(_TEXTS.get(lang, _TEXTS["en"])[key])


def _deadline_notes(
    plan: Any, recency_col: str | None, args: argparse.Namespace
) -> str:
    """What the win-back deadlines of an :class:`ActionPlan` did: the
    customers whose deadline could not be checked, and those past it (no
    cadence or holiday contact), with where the deadlines came from ("" for a fixed cadence)."""
    if not isinstance(plan, ActionPlan):
        return ""
    notes = []
    if plan.unchecked:
        where = (
            f"no recency ({recency_col})"
            if recency_col is not None
            else "no recency: the table has no recency_days column (name one "
            "with --recency COLUMN)"
        )
        one = plan.unchecked == 1
        notes.append(
            f"{plan.unchecked:,d} customer{'' if one else 's'} of a class with a "
            f"win-back deadline {'has' if one else 'have'} {where}: their "
            "deadline is not checked, so no cadence or holiday contact for "
            "them; a birthday or points row of theirs is still listed, with "
            f"the action {_action_text(args, RECENCY_UNKNOWN):s}; fill in their recency to "
            "decide"
        )
    stopped = int(np.count_nonzero(plan.stopped))
    if stopped:
        days = plan.class_deadline[np.isfinite(plan.class_deadline)]
        shown = ", ".join(f"{d:,.0f}" for d in np.unique(days))
        note = (
            f"{stopped:,d} {'customer is' if stopped == 1 else 'customers are'} "
            "past their class's win-back deadline "
            f"({shown} days since the last purchase): no cadence or holiday "
            "contact for them; a birthday or points row of theirs is still "
            f"listed, with the action {_action_text(args, STOPPED):s}"
        )
        if args.preset is None and args.rules is None:
            note += (
                "; these are the default playbook's deadlines: if the table was "
                "made with --preset or --rules, give the same here (the presets' "
                "deadlines differ: furniture wins back for 1,825 days)"
            )
        notes.append(note)
    return "\n".join(notes)


def _holiday(text: str) -> tuple[str, str]:
    name, sep, day = text.rpartition("=")
    if not sep or not name.strip() or not day.strip():
        raise argparse.ArgumentTypeError(
            f"expected NAME=DATE, such as 'New Year=2025-01-01': got {text!r}"
        )
    return name.strip(), day.strip()


def _holiday_map(pairs: list[tuple[str, str]] | None) -> dict[str, str] | None:
    """The --holiday options as {name: date}; a name given twice is an error
    (a dict would keep the last one silently)."""
    if not pairs:
        return None
    out: dict[str, str] = {}
    for name, day in pairs:
        if name in out:
            raise ThresholdError(
                f"'--holiday' names {name!r} twice ({out[name]} and {day}): give "
                "each holiday once, or name them apart (e.g. 'Spring Festival 1')"
            )
        out[name] = day
    return out


def _check_cadence(days: float | None) -> None:
    """--cadence is a number of days in (0, MAX_CADENCE_DAYS], refused (in
    the option's terms) before the file is read."""
    if days is None or (math.isfinite(days) and 0 < days <= MAX_CADENCE_DAYS):
        return
    if days > MAX_CADENCE_DAYS:  # (also inf)
        raise ThresholdError(
            f"'--cadence' must be at most {MAX_CADENCE_DAYS:,} days: got "
            f"{number_text(days)}; for customers with no periodic contact, give "
            "--class-column COLUMN with --rules FILE whose [playbook.NAME.LABEL] "
            "entries for them leave cadence_days out"
        )
    raise ThresholdError(
        f"'--cadence' must be a number of days in (0, {MAX_CADENCE_DAYS:,}]: got "
        f"{number_text(days)}"
    )


def _check_holidays(pairs: list[tuple[str, str]] | None, as_of: Any) -> None:
    """Each --holiday date is a day as the library reads it (ISO 8601),
    refused before the file is read in the option's terms: a month and a
    day without a year (``Christmas=12-25``) with the next such day after
    --as-of as the example."""
    for name, day in pairs or ():
        try:
            v.as_datetime_scalar(day, "--holiday")
        except InputError as exc:
            example = _next_day(day, as_of)
            if example is None:
                fix = "write the day as ISO 8601: --holiday " + shlex.quote(
                    f"{name}=YYYY-MM-DD"
                )
            else:
                fix = "write the holiday with its year: --holiday " + shlex.quote(
                    f"{name}={example}"
                )
            raise InputError("--holiday", f"{name!r} {exc.problem}", fix=fix) from None


def _next_day(text: str, as_of: Any) -> str | None:
    """The first day on or after *as_of* that *text*, a month and a day with
    no year (``12-25``, ``25.12``, ``12/25``), names, as ISO 8601; None for
    other text or when that is not one day (``03-04``: March 4 or April 3).

    >>> import pandas as pd
    >>> _next_day("12-25", pd.Timestamp("2025-01-20")), _next_day("01/02", pd.Timestamp("2025-12-30"))
    ('2025-12-25', None)
    >>> _next_day("1-15", pd.Timestamp("2025-12-30")), _next_day("2025-12-25", pd.Timestamp("2025-01-20"))
    ('2026-01-15', None)
    """
    parts = text.strip().replace("/", "-").replace(".", "-").split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 2 for p in parts):
        return None
    a, b = int(parts[0]), int(parts[1])
    start = datetime.date(as_of.year, as_of.month, as_of.day)
    found = []
    for month, day in dict.fromkeys([(a, b), (b, a)]):  # month first, or day
        for year in range(start.year, start.year + 9):  # (29 February: 8 years)
            with contextlib.suppress(ValueError):  # no such day that year
                if (found_day := datetime.date(year, month, day)) >= start:
                    found.append(found_day)
                    break
    return found[0].isoformat() if len(found) == 1 else None


def _days(text: str) -> float:
    return _number(text, "a number of days")


def _points(text: str) -> float:
    return _number(text, "a number (a points balance)")


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}: got {text!r}") from None
    return value


def register(sub: Any) -> None:
    """Add the ``due`` subcommand to *sub* (an argparse subparsers object)."""
    p = sub.add_parser(
        "due",
        help="list the customers due for contact on a day, and why",
        description="List who is due for contact on a day (cadence elapsed, "
        "birthday, holiday, points to redeem), one row per customer and reason, "
        "in priority order.",
    )
    p.add_argument(
        "customers",
        metavar="CUSTOMERS",
        help="one row per customer: .csv, .tsv, .txt (optionally "
        ".gz/.zip/.bz2/.xz) or .parquet "
        "(e.g. the --output of custseg segment)",
    )
    p.add_argument("--as-of", required=True, metavar="DAY", help="the day (2025-01-01)")
    p.add_argument(
        "--customer",
        default=None,
        metavar="COLUMN",
        help="customer id column (default: customer_id when the table has "
        "one, else its first column, where custseg segment writes the ids)",
    )
    p.add_argument(
        "--last-contact",
        metavar="COLUMN",
        help="date of the last contact (empty: never contacted; default: "
        "last_contact, when the table has it); without one nobody has been "
        "contacted",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--cadence",
        type=_days,
        metavar="DAYS",
        help="contact everyone every DAYS days (leave out, with --class-column, "
        "for birthday or points reminders only)",
    )
    how.add_argument(
        "--class-column",
        metavar="COLUMN",
        help="a class column (lifecycle, rfm11, abc, ...): cadence and priority "
        "from the default playbook of that classification",
    )
    p.add_argument(
        "--playbook",
        metavar="NAME",
        help="the classification whose playbook applies to --class-column "
        "(default: the column's name); shipped defaults: " + ", ".join(PLAYBOOK_NAMES),
    )
    own = p.add_mutually_exclusive_group()
    own.add_argument(
        "--rules",
        metavar="FILE",
        help="a rules file whose [playbook.NAME.LABEL] entries replace the "
        "defaults label by label (and give playbooks for its own segmentations)",
    )
    own.add_argument(
        "--preset", metavar="NAME", help="a shipped preset, for its playbooks"
    )
    p.add_argument(
        "--recency",
        metavar="COLUMN",
        help="days since the last purchase, for win-back deadlines "
        "(default: recency_days, when the table has it)",
    )
    p.add_argument("--birthday", metavar="COLUMN", help="date of birth column")
    p.add_argument(
        "--birthday-window",
        type=_days,
        default=None,
        metavar="DAYS",
        help="birthdays from today to DAYS - 1 days ahead (default: 7; "
        "1 is today alone, 0 is refused); "
        "listed on each run in that window, whatever the last contact: for "
        "a job run more often, give the days to the next run",
    )
    p.add_argument(
        "--holiday",
        type=_holiday,
        action="append",
        default=[],
        metavar="NAME=DATE",
        help="a holiday (repeat the option for several)",
    )
    p.add_argument(
        "--holiday-window",
        type=_days,
        default=None,
        metavar="DAYS",
        help="holidays from today to DAYS - 1 days ahead (default: 7; as "
        "for --birthday-window)",
    )
    p.add_argument("--points", metavar="COLUMN", help="points balance column")
    p.add_argument(
        "--min-points",
        type=_points,
        metavar="N",
        help="balance from which points are due (required with --points)",
    )
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the action texts",
    )
    p.add_argument(
        "--head",
        type=int,
        default=20,
        metavar="N",
        help="rows to print (default: 20)",
    )
    p.add_argument(
        "--sep",
        default=None,
        help="separator of text files: one character, 'tab' or 'whitespace' "
        "(default: ',' for .csv, tab for .tsv, sniffed for .txt)",
    )
    p.add_argument(
        "--encoding",
        default=None,
        help="text encoding, e.g. cp1252, gbk, gb18030, big5 (default: utf-8)",
    )
    p.add_argument(
        "--output",
        metavar="PATH",
        help="write the due list: .csv, .tsv, .txt (optionally "
        ".gz/.zip/.bz2/.xz) or .parquet",
    )
    p.set_defaults(func=_cmd)


#: Classes a message names at most; the rest are counted.
_SHOWN_CLASSES = 5


def _uncovered_error(
    column: str, playbook: str, uncovered: tuple[str, ...], missing: np.ndarray
) -> InputError:
    """The error for class values the playbook has no action for: a few of
    them and their count, and the customers with no class at all (an empty
    cell), who would otherwise never be due."""
    parts = []
    if uncovered:
        shown = ", ".join(map(repr, uncovered[:_SHOWN_CLASSES]))
        if len(uncovered) > _SHOWN_CLASSES:
            shown = f"{len(uncovered):,d} classes, such as {shown}, ..."
        parts.append(f"has classes the {playbook!r} playbook does not cover: {shown}")
    n_missing = int(np.count_nonzero(missing))
    fixes = []
    if uncovered:
        fixes.append(
            "pass --playbook with the classification the column holds, or the "
            "class column with --class-column"
        )
    if not n_missing:
        return InputError(column, parts[0], fix=fixes[0])
    # the first empty cell by its row: lines_of names its line in the file
    parts.append(
        f"has an empty cell, no class, for {n_missing:,d} "
        f"customer{'s' * (n_missing != 1)}"
    )
    fixes.append("give every customer a class, or leave those rows out")
    return InputError(
        column,
        "; and ".join(parts),
        fix="; ".join(fixes),
        first_row=int(np.flatnonzero(missing)[0]),
        n_rows=n_missing,
    )


def _cell_text(value: Any) -> str:
    """One cell of the printed due list: empty when missing, a day as
    2025-01-01, text on one line."""
    if (
        value is None
        or value is pd.NaT
        or (pd.api.types.is_scalar(value) and pd.isna(value))
    ):
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    if isinstance(value, float | np.floating):
        return f"{float(value):.15g}"
    return one_line(str(value))


def _due_table(frame: pd.DataFrame) -> str:
    """The rows of *frame* as a plain table: a header, then one line per
    row, numbers right-aligned, text left-aligned, columns aligned for text
    whose characters take two columns in a terminal (Chinese); missing
    values as empty cells."""
    from .cli import _pad, _width

    names = [str(frame.index.name or "customer"), *map(str, frame.columns)]
    columns = [[_cell_text(x) for x in frame.index]]
    numeric = [False]
    for name in frame.columns:
        col = frame[name]
        columns.append([_cell_text(x) for x in col.tolist()])
        numeric.append(
            pd.api.types.is_numeric_dtype(col.dtype)
            and not pd.api.types.is_bool_dtype(col.dtype)
        )
    widths = [
        max(_width(name), *(_width(x) for x in cells))
        for name, cells in zip(names, columns, strict=True)
    ]

    def line(cells: list[str]) -> str:
        out = []
        for text, width, right in zip(cells, widths, numeric, strict=True):
            pad = " " * max(0, width - _width(text))
            out.append(pad + text if right else _pad(text, width))
        return "  ".join(out).rstrip()

    rows = [line(names)]
    rows += [line([c[i] for c in columns]) for i in range(len(frame))]
    return "\n".join(rows)


def _column(df: pd.DataFrame, name: str, flag: str) -> pd.Series:
    if name not in df.columns:
        field, columns = listed(name, df.columns)
        raise InputError(
            field,
            f"is not a column of the data (columns: {columns})",
            fix=f"name the column with --{flag} COLUMN",
        )
    return df[name]


@contextlib.contextmanager
def _named(names: Mapping[str, str | None]) -> Iterator[None]:
    """Errors the library raises about a parameter (``points``) named as
    the user gave it instead: the column of the table (``--points pts``),
    whose rows the file's lines then name, or the option (``--birthday-
    window``)."""
    try:
        yield
    except InputError as exc:
        column = names.get(exc.field)
        if column is None or column == exc.field:
            raise
        raise InputError(
            column,
            exc.problem,
            fix=exc.fix,
            first_row=exc.first_row,
            n_rows=exc.n_rows,
        ) from None
    except ThresholdError as exc:  # a parameter's message starts with its name
        text = str(exc)
        for field, said in names.items():
            if said is not None and said != field and text.startswith(f"'{field}'"):
                raise ThresholdError(f"'{said}'{text[len(field) + 2 :]}") from None
        raise


def _check_not_truth(points: pd.Series, path: str) -> None:
    """Refuse a points column of true/false values (read as booleans from
    ``TRUE``/``false`` cells, or a Parquet boolean column), named by its
    file and its first row, with the command-line fix: it is no balance
    (``True`` is not 1 point).

    >>> _check_not_truth(pd.Series([None, True, False], name="pts"), "p.csv")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'pts' of 'p.csv' holds true/false values, not a points balance (first at row 1, 2 rows affected): name the column of points balances (numbers) with --points COLUMN
    """
    given = points.notna().to_numpy()
    truth = pd.api.types.is_bool_dtype(points) or (
        pd.api.types.is_object_dtype(points)  # booleans beside blanks
        and all(isinstance(x, bool | np.bool_) for x in points[given].tolist())
    )
    if truth and given.any():
        raise InputError(
            str(points.name),
            f"of {path!r} holds true/false values, not a points balance",
            first_row=int(np.flatnonzero(given)[0]),
            n_rows=int(given.sum()),
            fix="name the column of points balances (numbers) with --points COLUMN",
        )


def _window(days: float | None) -> float:
    """A birthday or holiday window: 7 days when not given."""
    return 7.0 if days is None else days


def _id_column(path: str, sep: str | None, encoding: str | None) -> str:
    """The id column of the table *path* when ``--customer`` is not given:
    ``customer_id`` when the table has one, else its first column, where
    ``custseg segment`` writes the ids whatever ``--customer`` named them
    (``assign`` and ``migrate`` read the ids there too). A first column of
    pandas' row numbers (no name) is no id column, nor is the first column
    when a later one reads as ``customer_id`` (``Customer ID``): then
    ``customer_id``, which the reading reports as missing, offering the
    column spelled alike."""
    header = [str(name) for name in table_columns(path, sep, encoding)]
    if "customer_id" in header or not header:
        return "customer_id"
    if header[0].strip() in _ROW_NUMBER_HEADERS:
        return "customer_id"
    key = spelling_key("customer_id", loose=True)
    if any(spelling_key(name, loose=True) == key for name in header[1:]):
        # ("Customer ID" after another column: the reading offers it, by
        # the same spelling key as cli._spelled_alike)
        return "customer_id"
    return header[0]


def _cmd(args: argparse.Namespace) -> int:
    from .cli import _check_distinct, _check_output, _default_column, _emit, _inputs_of

    _check_output(args.output, _inputs_of(args))
    if args.points is not None and args.min_points is None:
        raise ThresholdError("'--min-points' is required with --points")
    if args.min_points is not None and args.points is None:
        raise ThresholdError(
            "'--min-points' needs --points (the column of points balances): give "
            "both, or neither"
        )
    if args.birthday_window is not None and args.birthday is None:
        raise ThresholdError(
            "'--birthday-window' needs --birthday (the column of dates of "
            "birth): give both, or leave --birthday-window out"
        )
    if args.holiday_window is not None and not args.holiday:
        raise ThresholdError(
            "'--holiday-window' needs --holiday NAME=DATE: give both, or leave "
            "--holiday-window out"
        )
    _check_distinct(
        {
            "--customer": args.customer,
            "--last-contact": args.last_contact,
            "--class-column": args.class_column,
            "--recency": args.recency,
            "--birthday": args.birthday,
            "--points": args.points,
        }
    )
    if args.head < 0:
        raise ThresholdError(f"'--head' must be >= 0: got {args.head}")
    periodic = args.cadence is not None or args.class_column is not None
    if not periodic and args.holiday:
        raise ThresholdError(
            "'--holiday' greets the customers we keep in touch with, those with "
            "a cadence: give --cadence DAYS or --class-column COLUMN too, or "
            "leave --holiday out"
        )
    if not periodic and args.birthday is None and args.points is None:
        raise ThresholdError(
            "'custseg due' needs a reason to contact: give --cadence DAYS or "
            "--class-column COLUMN (contact every so many days), --birthday "
            "COLUMN, or --points COLUMN with --min-points N"
        )
    as_of = parse_date_text(args.as_of, "as_of")
    _check_cadence(args.cadence)
    _check_holidays(args.holiday, as_of)
    name = args.playbook or args.class_column
    playbook = None
    # (said of --cadence when given, else of the reminders without one)
    without = (
        "--cadence does"
        if args.cadence is not None
        else "birthday and points reminders alone do"
    )
    instead = " instead of --cadence" if args.cadence is not None else ""
    if args.class_column is None and args.recency is not None:
        raise ThresholdError(
            "'--recency' gives the win-back deadlines of a class column's "
            f"playbook, which {without} not read: give --class-column "
            f"COLUMN{instead}, or leave --recency out"
        )
    if args.class_column is None and (
        args.rules is not None or args.preset is not None or args.playbook is not None
    ):
        given = (
            "--rules"
            if args.rules is not None
            else ("--preset" if args.preset is not None else "--playbook")
        )
        raise ThresholdError(
            f"{given!r} gives the playbook of a class column, which {without} "
            f"not read: give --class-column COLUMN{instead}, or "
            f"leave {given} out"
        )
    if args.class_column is not None:
        if args.rules is not None or args.preset is not None:
            from .frame import _load_rules

            rs = _load_rules(args.preset, args.rules)
            playbook = rs.playbook(name) if rs is not None else None
        elif name in PLAYBOOK_NAMES:
            playbook = default_playbook(name)
        if playbook is None:
            raise ThresholdError(
                f"no playbook for the column {args.class_column!r}: give "
                f"--playbook, one of {', '.join(PLAYBOOK_NAMES)}, or --rules with "
                f"[playbook.{name}.LABEL] entries"
            )
    # the ids and the classes read exactly as written: a class "None", "NA"
    # or "N/A" stays a class; only an empty cell is missing
    where = {"sep": args.sep, "encoding": args.encoding}
    if args.customer is None:
        args.customer = _id_column(args.customers, args.sep, args.encoding)
        _check_distinct(
            {
                "the customer id (the first column)": args.customer,
                "--last-contact": args.last_contact,
                "--class-column": args.class_column,
                "--recency": args.recency,
                "--birthday": args.birthday,
                "--points": args.points,
            }
        )
    text = [args.customer]
    if args.class_column is not None:
        text.append(args.class_column)
    with lines_of(args.customers, **where):
        df = read_checked(
            args.customers,
            numbers=[args.points] if args.points is not None else [],
            sep=args.sep,
            encoding=args.encoding,
            text_columns=text,
            id_columns=[args.customer],
        )
    if args.last_contact is None and _default_column(
        list(df.columns), "last_contact", "--last-contact", args.customers
    ):
        # the column the docs name, read by its name (as recency_days is)
        if "last_contact" in (args.customer, args.birthday, args.points):
            raise ThresholdError(
                "'last_contact' is the column of the last contacts, read by its "
                "name: give --last-contact, or name the other option's column apart"
            )
        args.last_contact = "last_contact"
    # the rows of that file, by its columns (not --holiday's)
    with lines_of(args.customers, **where, fields=df.columns, rows=len(df)):
        ids = _column(df, args.customer, "customer")
        # float32 past 2**24 first: two customers stored as one id would
        # otherwise be told as one customer given twice
        v.refuse_narrow_ids(ids, args.customer)
        repeated = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
        if repeated.any():
            first = int(np.flatnonzero(repeated)[0])
            twice = ids.iloc[first]
            twice = twice.item() if isinstance(twice, np.generic) else twice
            if isinstance(twice, float):  # as the outputs write it: 17, not 17.0
                twice = str(_shortest_text(np.array([twice]))[0])
            raise InputError(
                args.customer,
                f"has the customer {twice!r} more than once in {args.customers}",
                first_row=first,
                n_rows=int(np.count_nonzero(repeated)),
                fix="give one row per customer (the --output of custseg segment), "
                "or name the id column with --customer COLUMN",
            )
        df = df.set_index(pd.Index(ids.to_numpy(), name=args.customer))
        if args.last_contact is not None:
            last = parse_date_column(
                _column(df, args.last_contact, "last-contact"),
                args.last_contact,
                fix=_DUE_DATE_FIX,
            )
        else:
            last = pd.Series(pd.NaT, index=df.index, dtype="datetime64[s]")
        birthdays = None
        if args.birthday is not None:
            birthdays = parse_date_column(
                _column(df, args.birthday, "birthday"), args.birthday, fix=_DUE_DATE_FIX
            )
        made = run_day(df)
        # the day the list is made for: --as-of's wall clock, or in the zone
        # of a Parquet last-contact or birthday column with one (as
        # due_contacts reads it; two zones are refused)
        dated: dict[str, Any] = {args.last_contact or "last_contact": last}
        if args.birthday is not None:
            dated[args.birthday] = birthdays
        run = _run_zone(as_of, dated)
        zone = None if run is None else run[1]
        day = pd.Timestamp(v.as_datetime_scalar(as_of, "as_of", like=zone))
        if made is not None and made > day:
            said = f"{day:%Y-%m-%d}"
            if run is not None and as_of.tz is not None:
                said = f"{args.as_of} ({said} in the time zone of {run[0]})"
            raise InputError(
                args.customers,
                f"is a segment run of {made:%Y-%m-%d} (a customer's last_purchase "
                f"plus recency_days), after --as-of {said}: "
                "its customers, recency and classes are those of the later day "
                "(customers who had not bought yet would be listed)",
                fix="give the segment output of that day, or segment again with "
                "the same --as-of",
            )
        # no --cadence nor --class-column: birthday or points reminders only,
        # nobody contacted every so many days (NaN: no periodic contact)
        cadence: Any = (
            args.cadence if periodic else np.full(len(df), np.nan, dtype=np.float64)
        )
        recency_col: str | None = None
        if args.class_column is not None:
            labels = _column(df, args.class_column, "class-column").astype(object)
            recency_col = args.recency or (
                "recency_days" if "recency_days" in df else None
            )
            recency = (
                None if recency_col is None else _column(df, recency_col, "recency")
            )
            assert playbook is not None  # checked above
            with warnings.catch_warnings():
                # recency not given: said by the note after the report
                warnings.simplefilter("ignore", CustsegWarning)
                with _named({"recency_days": recency_col}):
                    cadence = actions(
                        labels, playbook, recency_days=recency, lang=args.lang
                    )
            missing = labels.isna().to_numpy()
            if cadence.uncovered or missing.any():
                raise _uncovered_error(
                    args.class_column, str(name), cadence.uncovered, missing
                )
        points = None if args.points is None else _column(df, args.points, "points")
        if points is not None:
            _check_not_truth(points, args.customers)
        with _named(
            {
                "points": args.points,
                "last_contact": args.last_contact,
                "birthdays": args.birthday,
                "customer": args.customer,
                "birthday_window_days": "--birthday-window",
                "holiday_window_days": "--holiday-window",
                "min_points": "--min-points",
                "cadence": None if args.cadence is None else "--cadence",
            }
        ):
            due = due_contacts(
                last,
                cadence,
                as_of,
                birthdays=birthdays,
                birthday_window_days=_window(args.birthday_window),
                holidays=_holiday_map(args.holiday),
                holiday_window_days=_window(args.holiday_window),
                points=points,
                min_points=args.min_points,
            )
    frame = due.to_pandas()
    if args.output:
        # written before anything is printed: a closed stdout (| head) or a
        # full one cannot leave the file unwritten
        write_table(frame, args.output)
    n_customers = len(np.unique(due.row))
    _emit(
        f"{len(frame):,d} contacts due on {np.datetime_as_string(due.as_of)} for "
        f"{n_customers:,d} of {len(df):,d} customers\n"
    )
    notes = _deadline_notes(cadence, recency_col, args)
    if args.last_contact is None and periodic:
        # said, not guessed: a contact log given to segment is not read here
        notes = (notes + "\n" if notes else "") + (
            "no last contacts (no --last-contact, and the table has no "
            "last_contact column): every customer counts as never contacted, "
            "so every customer with a cadence is due; give the date of each "
            "customer's last contact with --last-contact COLUMN"
        )
    if notes:
        _emit(notes + "\n")
    counts = due.counts()
    if counts:
        from .cli import _pad, _width

        width = max(_width("reason"), *map(_width, counts))
        lines = [f"{_pad('reason', width)}  contacts"]
        lines += [f"{_pad(k, width)}  {c:>8,d}" for k, c in counts.items()]
        _emit("\n".join(lines) + "\n")
        shown = frame.head(args.head)
        if len(shown):
            _emit(_due_table(shown))
            if len(frame) > len(shown):
                _emit(f"... {len(frame) - len(shown):,d} more rows")
    else:
        _emit("no customers due")
    if args.output:
        _emit(f"\nwrote {len(frame):,d} rows to {args.output}")
    return 0
