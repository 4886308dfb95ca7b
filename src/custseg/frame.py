"""pandas in, pandas out: from a DataFrame of transactions to segments.

This is an adapter layer: it checks column names, parses text dates and calls
the pure core (:func:`~custseg.summarize`, :func:`~custseg.rfm_scores`,
:func:`~custseg.lifecycle_stage`, :func:`~custseg.abc_classes`) and the rules
(:mod:`custseg.rules`). :func:`segment` is the one call on top.

Every per-customer frame here is indexed by the customer id, the index named
after the customer column, so it joins onto a customer table without shifting
a row.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import inspect
import math
import os
import re
import warnings
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, Literal, overload

import attrs
import numpy as np
import pandas as pd

from . import _display
from . import _validate as v
from . import engines as _engines
from ._align import id_kind, same_ids, whole_ids, written_apart
from ._files import (
    EMPTY_LINES,
    _check_encoding,
    _read_table,
    all_empty,
    check_date_format,
    check_number_text,
    check_sep,
    in_file,
    members,
    of_source,
    parse_date_column,
    parse_date_text,
    read_checked,
    read_table,
    refuse_empty_numbers,
    side_sep_fix,
    table_columns,
    table_format,
    text_dates,
    with_line,
    write_table,
)
from .errors import CustsegWarning, Diagnostic, InputError, RulesError, ThresholdError
from .labels import Labels
from .lifecycle import LifecycleWindows, lifecycle_stage
from .orders import line_amounts
from .pareto import ABC_NAMES, AbcCutoffs, AbcEdges, abc_classes
from .pareto import abc_edges as abc_edges_fit
from .rfm import (
    _KEEP_FIXED_EDGES,
    _KEEP_FIXED_EDGES_APPLY,
    RfmEdges,
    RfmScores,
    ScoreEdges,
    _edge_notes,
    _quantile_edges,
    _replaced_fixed_edges,
    _score,
    check_bins_of,
    check_scores_fit,
    rules_bins,
)
from .rules import RuleSet, load, presets
from .rules import preset as _shipped_preset
from .rules._model import SPINE_DAYS, nfkc_column
from .summary import FACT_COLUMNS, AfterPolicy, CustomerFacts, _summarize

__all__ = [
    "SegmentResult",
    "apply_rules",
    "parse_date_column",
    "read_table",
    "segment",
    "segment_frame",
    "summarize_frame",
    "table_format",
    "write_table",
]

_FIX_COLUMN = "name the column with {arg}= (on the command line: --{arg} COLUMN)"


_DEFAULTS = {
    "customer": "customer_id",
    "date": "date",
    "amount": "amount",
    "order": "order_id",
    "quantity": "quantity",
    "price": "price",
}

_APART_FIX = (
    "name a different column with each of customer=, date= and amount= "
    "(and order=, quantity=, price= when given)"
)


def _label(name: Any, arg: str) -> Hashable:
    """A column label argument: any hashable value (str, int, ...), never a list."""
    try:
        hash(name)
    except TypeError:
        raise InputError(
            arg,
            f"must be one column label (a string, or another hashable label "
            f"such as 0), got {type(name).__name__} {_short(name)}",
            fix=f"pass a single column label, e.g. {arg}={_DEFAULTS.get(arg, 'name')!r}",
        ) from None
    return name


def check_columns_apart(**columns: Hashable | None) -> None:
    """Refuse two of the column arguments (``customer=``, ``date=``,
    ``amount=``, ...; None: not given) naming one column, as the command
    line does: the ids would be summed as money, or every amount be a
    customer. Each is first checked to be one label.

    >>> check_columns_apart(customer="id", date="day", amount="id")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'id' is named by both customer= and amount=: name a different column with each of customer=, date= and amount= (and order=, quantity=, price= when given)
    """
    given = {arg: _label(c, arg) for arg, c in columns.items() if c is not None}
    v.check_columns_apart(_APART_FIX, **given)


#: The columns of a table of customers (a segment result's ``.customers``)
_FACT_COLUMNS = frozenset({"recency_days", "frequency", "monetary"})


def _check_frame(df: Any, arg: str, fix: str) -> None:
    """InputError when *df* is no frame custseg reads: one naming the
    accepted kinds, and for an Arrow object that is not a table (a record
    batch, a reader, a dataset, a scanner) the conversion, else *fix*.

    >>> import pytest
    >>> pa = pytest.importorskip("pyarrow")
    >>> batch = pa.table({"customer_id": ["a"]}).to_batches()[0]
    >>> _check_frame(batch, "df", "pass a frame")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'df' must be a pandas DataFrame or a frame of another engine (Polars, a PyArrow Table, DuckDB, Dask, PySpark), got a pyarrow RecordBatch: make it a table: pyarrow.Table.from_batches([batch])
    """
    if not isinstance(df, pd.DataFrame):
        arrow = _ARROW_TO_TABLE.get(type(df).__name__)
        if type(df).__module__.split(".", 1)[0] != "pyarrow":
            arrow = None
        raise InputError(
            arg,
            "must be a pandas DataFrame or a frame of another engine (Polars, "
            f"a PyArrow Table, DuckDB, Dask, PySpark), got "
            f"{'a ' + _kind_of(df) if arrow else type(df).__name__}",
            fix=arrow or fix,
        )


_DATASET_TO_TABLE = (
    "read it as a table: dataset.to_table(), or to stay lazy, scan it in an "
    "engine: duckdb.from_arrow(dataset) or polars.scan_pyarrow_dataset(dataset)"
)
#: How to make an Arrow object that is no table one custseg reads, by its
#: class name
_ARROW_TO_TABLE = {
    "RecordBatch": "make it a table: pyarrow.Table.from_batches([batch])",
    "RecordBatchReader": "read it into a table: reader.read_all()",
    "Scanner": "read it into a table: scanner.to_table()",
    "Dataset": _DATASET_TO_TABLE,
    "FileSystemDataset": _DATASET_TO_TABLE,
    "UnionDataset": _DATASET_TO_TABLE,
    "InMemoryDataset": _DATASET_TO_TABLE,
}


def _index_error(name: Hashable, columns: Iterable[Any], frame_arg: str) -> InputError:
    """The error for a column *name* the data holds as its index (a pandas
    frame's, or a Dask one's: ``ddf.set_index("customer_id")``)."""
    return InputError(
        str(name),
        "is the index of the data, not one of its columns "
        f"({_display.listed(str(name), columns)[1]})",
        fix=f"make it a column first: pass {frame_arg}.reset_index()",
    )


def _column(
    df: pd.DataFrame, name: Hashable, arg: str, frame_arg: str = "df"
) -> pd.Series:
    _check_frame(
        df,
        frame_arg,
        "read the file first: custseg.frame.read_table(path, text_columns=[...])"
        " (ids named in text_columns are kept as written), or pandas",
    )
    name = _label(name, arg)
    try:
        present = name in df.columns
    except (TypeError, ValueError):  # a label pandas cannot look up
        present = False
    if not present and {str(c) for c in df.columns} >= _FACT_COLUMNS:
        raise InputError(  # a result's .customers given for transactions
            frame_arg,
            "holds one row per customer (recency_days, frequency, monetary: "
            "the customers of a segment result), not the transactions, and "
            f"has no column {str(name)!r}",
            fix="pass the transactions (one row per purchase); to report on "
            "a result, pass the SegmentResult itself: custseg.report(result)",
        )
    if not present and name in [n for n in df.index.names if n is not None]:
        raise _index_error(name, df.columns, frame_arg)
    if not present:
        field, columns = _display.listed(str(name), df.columns)
        raise InputError(
            field,
            f"is not a column of the data (columns: {columns})",
            fix=_FIX_COLUMN.format(arg=arg),
        )
    col: Any = df[name]
    if isinstance(col, pd.DataFrame):
        raise InputError(
            str(name), "names more than one column", fix="rename the duplicates"
        )
    return col


#: The transactions file a frame given to :func:`_segment` was read from
#: (by :func:`custseg.report`), with its ``sep`` and ``encoding``: errors
#: about the frame's rows then say the file's line. Set by
#: :func:`_transactions_file`; a context variable, so threads do not share it.
_TX_FILE: contextvars.ContextVar[tuple[Any, dict[str, Any]] | None] = (
    contextvars.ContextVar("custseg_tx_file", default=None)
)


@contextlib.contextmanager
def _transactions_file(path: Any, options: Mapping[str, Any]) -> Iterator[None]:
    """Within it, :func:`_segment` given a frame read from the file *path*
    (with the segment *options* ``customer``, ``sep``, ``encoding``) says
    the file's lines in errors about the frame's rows, as it does given
    the path. Nothing is set when *path* is no path.

    >>> with _transactions_file(None, {}):
    ...     _TX_FILE.get() is None
    True
    """
    if not isinstance(path, str | os.PathLike):
        yield
        return
    token = _TX_FILE.set((path, dict(options)))
    try:
        yield
    finally:
        _TX_FILE.reset(token)


@contextlib.contextmanager
def _rows_of_file(path: Any, options: Mapping[str, Any]) -> Iterator[None]:
    """Errors about rows of the transactions file *path* that
    :func:`segment` (or :func:`report`) read itself say the line of the
    file, as the command line's do (``first at line 4 of 'tx.csv'``, not
    the 0-based ``row 2`` of a frame the caller never saw); missing
    customer ids get a fix that works from a path. *options*: the segment
    options ``customer``, ``sep`` and ``encoding``. Nothing is done when
    *path* is a frame.

    >>> with _rows_of_file(None, {}):
    ...     pass
    """
    if not isinstance(path, str | os.PathLike):
        yield
        return
    customer = options.get("customer", "customer_id")
    try:
        yield
    except InputError as exc:
        err = with_line(
            exc, path, sep=options.get("sep"), encoding=options.get("encoding")
        )
        if err.field == customer and err.problem == "has missing customer ids":
            err = InputError(
                err.field,
                err.problem,
                fix=(
                    "read the file, drop the rows without a customer id and "
                    "pass the frame (tx = custseg.frame.read_table(path, "
                    f"text_columns=[{customer!r}]); tx = "
                    f"tx.dropna(subset=[{customer!r}]); custseg.report(tx, "
                    "rows_without_customer=n) counts them), or give them an "
                    "id (on the command line: --missing-customer drop)"
                ),
                first_row=err.first_row,
                n_rows=err.n_rows,
                line=err.line,
            )
        if err is exc:
            raise
        raise err from None


def with_line_amounts(
    df: Any,
    amount: Hashable,
    quantity: Hashable | None,
    price: Hashable | None,
    frame_arg: str = "transactions",
    **others: Hashable | None,
) -> tuple[Any, Hashable]:
    """*df* and the name of its amount column: *amount*, or with *quantity*
    and *price* (*amount* then left at ``"amount"``) a new column
    ``"QUANTITY x PRICE"`` of their :func:`~custseg.line_amounts` (on a
    shallow copy of a pandas frame: *df* is not changed). *others*: the
    other column arguments (``customer=``, ...), which must name other
    columns.

    >>> tx = pd.DataFrame({"q": [3, 2], "p": [0.29, 1.5]})
    >>> out, name = with_line_amounts(tx, "amount", "q", "p")
    >>> name, out[name].tolist(), list(tx.columns)
    ('q x p', [0.87, 3.0], ['q', 'p'])
    >>> with_line_amounts(tx, "paid", None, None)[1]
    'paid'
    """
    if quantity is None and price is None:
        # (a pandas column may be labelled None: then it is that column)
        labelled = isinstance(df, pd.DataFrame) and any(c is None for c in df.columns)
        if amount is None and not labelled:
            raise InputError(
                "amount",
                "is None, and neither quantity= nor price= is given: no column "
                "gives the amounts",
                fix="name the amount column (amount='paid'), or pass quantity= "
                "and price= (each line's amount is their product)",
            )
        return df, amount
    if quantity is None or price is None:
        given, missing = (
            ("quantity", "price") if price is None else ("price", "quantity")
        )
        raise InputError(
            missing,
            f"is not given, but {given} is",
            fix="pass both quantity= and price= (each line's amount is their "
            "product), or amount=",
        )
    if amount is not None and not (isinstance(amount, str) and amount == "amount"):
        raise InputError(
            "amount",
            f"is given ({amount!r}) with quantity= and price=, which make the amounts",
            fix="leave out amount= (or pass amount=None), or quantity= and price=",
        )
    fix = "name the quantity and the unit price columns, each once"
    v.check_column_apart(quantity, "quantity", fix, price=price, **others)
    v.check_column_apart(price, "price", fix, **others)
    if _engines.is_engine_frame(df):
        kind = type(df).__module__.split(".")[0]
        raise InputError(
            "quantity",
            f"makes the amounts of pandas frames and files, not of a {kind} frame",
            fix="add the amounts as a column in the engine (quantity * price, "
            "exact for DECIMAL columns) and pass amount=",
        )
    q = _column(df, quantity, "quantity", frame_arg)
    p = _column(df, price, "price", frame_arg)
    name = f"{quantity} x {price}"
    if name in df.columns:
        raise InputError(
            name,
            "is a column of the data, and the name of the amounts quantity= "
            "and price= make",
            fix="rename that column, or pass it as amount=",
        )
    out = df.copy(deep=False)
    out[name] = line_amounts(q, p, fields=(str(quantity), str(price)))
    return out, name


def _facts(
    df: pd.DataFrame,
    customer: Hashable,
    date: Hashable,
    amount: Hashable,
    as_of: Any,
    options: dict[str, Any],
    *,
    need_rows: bool = False,
    frame_arg: str = "df",
) -> CustomerFacts:
    df = v.arrow_plain(df)  # (Arrow string_view columns: as large_string)
    _label(options.get("order"), "order")  # before it is compared
    v.check_order_column(
        options.get("order"), customer=customer, date=date, amount=amount
    )
    check_columns_apart(customer=customer, date=date, amount=amount)
    given_format = options.get("date_format")
    if given_format is not None and isinstance(as_of, str):
        # written as the dates are: read like them (as the command line
        # reads --as-of), ISO 8601 and YYYYMMDD too; two readings refused
        as_of = parse_date_text(as_of, "as_of", date_format=given_format)
    if _engines.is_engine_frame(df):  # False at once for pandas
        # other engines: the summary runs in the engine (custseg.engines)
        return _engines.native_facts(
            df,
            customer,
            date,
            amount,
            as_of,
            options,
            need_rows=need_rows,
        )
    options = dict(options)
    date_format = options.pop("date_format", None)
    order = options.pop("order", None)
    ids = _column(df, customer, "customer", frame_arg)
    date_col = _column(df, date, "date", frame_arg)
    amounts = _column(df, amount, "amount", frame_arg)
    if need_rows and not len(df):
        raise InputError(
            "transactions",
            "has no transactions (the frame has no rows), so there is nothing "
            "to segment",
            fix="pass one row per transaction",
        )
    dates = parse_date_column(date_col, str(date), date_format=date_format)
    fields = (str(customer), str(date), str(amount))
    if order is not None:
        options["order_id"] = _column(df, order, "order", frame_arg)
        options["order_field"] = str(order)
    return _summarize(ids, dates, amounts, as_of=as_of, fields=fields, **options)


def _facts_frame(facts: CustomerFacts, customer: Hashable) -> pd.DataFrame:
    out = facts.to_pandas()
    out.index.name = customer
    return out


#: ``present``: where a customer of :func:`segment` was found.
PRESENT_NAMES = ("both", "transactions_only", "records_only")
#: the ``present`` classes in Chinese (``segment(..., lang="zh")``, the report)
PRESENT_ZH = {
    "both": "交易与档案",
    "transactions_only": "仅交易",
    "records_only": "仅档案",
}


def _spine_in_lang(out: pd.DataFrame, lang: str | None, ruled: Any) -> pd.DataFrame:
    """*out* with the label columns custseg adds itself (``lifecycle``,
    from *contacts* ``relationship``, from *records* ``present``) named in
    *lang*, as the rules' columns are and as the report shows them
    (``zh``: 活跃期, 基本型, 仅交易); those the rules replaced (*ruled*, a
    preset's ``lifecycle``) are theirs already. Other languages keep the
    English names (the presets carry ``zh`` only). A column whose
    translated names would name two classes alike keeps its own."""
    if lang != "zh":
        return out
    from .lifecycle import _ZH_STAGES as lifecycle_zh
    from .relationship import _ZH as relationship_zh

    for column, names in (
        ("lifecycle", lifecycle_zh),
        ("relationship", relationship_zh),
        ("present", PRESENT_ZH),
    ):
        if column not in out.columns or column in ruled:
            continue
        col = out[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            classes = list(col.cat.categories)
        elif pd.api.types.is_string_dtype(col.dtype):  # (a table read back)
            classes = list(pd.unique(col.dropna()))
        else:
            continue
        # text: custseg's own classes only (in English or translated
        # already), a column of another meaning sharing the name is left
        known = set(names) | set(names.values())
        if not isinstance(col.dtype, pd.CategoricalDtype) and not all(
            isinstance(c, str) and c in known for c in classes
        ):
            continue
        new = [names.get(str(c), c) for c in classes]
        if len(set(new)) < len(new):
            continue
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[column] = col.cat.rename_categories(new)
        else:
            out[column] = col.map(dict(zip(classes, new, strict=True)))
    return out


def _join_relationship(
    out: pd.DataFrame,
    contacts: Any,
    customer: Hashable,
    facts: CustomerFacts,
    *,
    date_format: str | None = None,
    after_as_of: str = "raise",
    encoding: str | None = None,
) -> tuple[pd.DataFrame, pd.Index, pd.Series, Any]:
    """*out* with a ``relationship`` column from the contact log (customers
    found only in the contacts get rows of their own, with no purchase), the
    ids the log names, those of the contacts dropped and the
    :class:`~custseg.ContactSummary` ``relationship`` was computed from.
    Contacts after ``as_of`` are refused, or dropped with
    ``after_as_of="drop"`` (as transactions are)."""
    from .relationship import relationship_type

    summary, contacts, dropped_ids = _contact_summary_of(
        out.index,
        contacts,
        customer,
        facts,
        date_format=date_format,
        after_as_of=after_as_of,
        encoding=encoding,
    )
    labels = relationship_type(summary).to_pandas()
    ids = labels.index
    if "relationship" in out.columns:
        raise InputError(
            "records",
            "has a column 'relationship', which the contacts compute",
            fix="rename or drop it",
        )
    index, ids = same_ids(out.index, ids)
    if index is not out.index:
        out = out.set_axis(index)
    if ids is not labels.index:
        labels = labels.set_axis(ids)
    extra = ids[~members(ids, out.index)]
    if len(extra):
        only = pd.DataFrame(index=extra)
        only.index.name = out.index.name
        out = _join_records(out, only, customer)
    out["relationship"] = labels.reindex(out.index).to_numpy()
    # customers without any contact or sale: explicit, never a guess
    names = list(labels.cat.categories)
    out["relationship"] = pd.Categorical(
        out["relationship"].fillna("no_sale"), categories=names, ordered=True
    )
    return out, pd.Index(contacts[customer].unique()), dropped_ids, summary


def _contact_summary_of(
    index: pd.Index,
    contacts: Any,
    customer: Hashable,
    facts: CustomerFacts,
    *,
    date_format: str | None = None,
    after_as_of: str = "raise",
    encoding: str | None = None,
) -> tuple[Any, pd.DataFrame, pd.Series]:
    """The :class:`~custseg.ContactSummary` of the contact log *contacts* (a
    DataFrame or a file path, as :func:`segment` takes it) for the customers
    of *index* (the ids of the facts), the log as read and the ids of the
    contacts after ``as_of`` dropped (refused unless ``after_as_of="drop"``).
    What ``relationship`` is computed from, and what
    :func:`custseg.testing.assert_stable` compares as the customer's facts
    of it."""
    from .relationship import contact_summary

    contacts = v.arrow_plain(contacts)  # (Arrow string_view: as large_string)
    where = "contacts"
    if isinstance(contacts, str | os.PathLike):
        where = f"contacts file {os.fspath(contacts)!r}"
        text = (customer,) if isinstance(customer, str) else ()
        try:
            contacts = _read_table(
                contacts,
                encoding=encoding,
                text_columns=text,
                sep_fix=side_sep_fix("contacts"),
                date_columns=text_dates("date", date_format),
                id_columns=text,
            )
        except InputError as exc:
            raise in_file(exc, "contacts", contacts) from None
    if not isinstance(contacts, pd.DataFrame):
        raise InputError(
            "contacts",
            f"must be a pandas DataFrame or a file path: got {_kind_of(contacts)}",
            fix="pass one row per contact: customer id, date, initiator, kind"
            + _to_pandas_fix(contacts),
        )
    if customer not in contacts.columns and customer in contacts.index.names:
        # the ids as the index (as records may hold them): a column again
        contacts = contacts.reset_index(level=customer)
    twice = [
        str(c)
        for c in (customer, "date", "initiator", "kind")
        if _names_twice(contacts.columns, c)
    ]
    if twice:
        raise InputError(
            "contacts",
            ("" if where == "contacts" else f"(the {where}) ")
            + "has more than one column named "
            + ", ".join(repr(c) for c in twice),
            fix="rename or drop the duplicates",
        )
    absent = [
        str(c) for c in (customer, "date", "initiator", "kind") if c not in contacts
    ]
    if absent:
        raise InputError(
            "contacts",
            ("" if where == "contacts" else f"(the {where}) ")
            + "has no column "
            + ", ".join(repr(c) for c in absent)
            + " (columns: "
            + ", ".join(repr(str(c)) for c in list(contacts.columns)[:15])
            + ")",
            fix="a contact log has the customer id column (named as in the "
            "transactions) and date, initiator (customer / company) and kind",
        )
    try:  # ISO 8601 or YYYYMMDD, as the command line reads contact dates
        dates = parse_date_column(contacts["date"], "date")
    except InputError as exc:
        if date_format is None:
            raise of_source(exc, where) from None
        try:  # else the transactions' format
            dates = parse_date_column(contacts["date"], "date", date_format=date_format)
        except InputError as again:
            fix = (
                "write contact dates as ISO 8601 (2024-01-31), YYYYMMDD "
                "(20240131) or in the transactions' date_format"
            )
            raise of_source(again, where, fix) from None
    else:
        if date_format is not None:
            _one_reading(contacts["date"], dates, date_format, where)
    # each contact on its local day (aware dates keep their wall time)
    local = v.as_datetime(dates, "date", nan="allow")
    later = local >= (facts.as_of + np.timedelta64(1, "D"))
    n_later = int(np.count_nonzero(later))
    dropped_ids = contacts[customer][:0]
    kept = None  # the contacts' own rows of those kept (None: all)
    if n_later:
        if after_as_of != "drop":
            first, count = _first(later)
            raise InputError(
                "date",
                f"of the {where} has contacts after as_of ({facts.as_of})",
                first_row=first,
                n_rows=count,
                fix="pass a later as_of, or drop them (after_as_of='drop'; on "
                "the command line --after-as-of drop)",
            )
        dropped_ids = contacts[customer][later]
        contacts, dates = contacts[~later], dates[~later]
        kept = np.flatnonzero(~later)
    written = contacts[customer]
    gaps = np.asarray(written.isna())
    if gaps.any():  # before the kinds: a blank cell makes a column of floats
        first, count = _first(gaps)
        raise InputError(
            str(customer),
            f"of the {where} has missing customer ids",
            first_row=int(kept[first]) if kept is not None else first,
            n_rows=count,
            fix="drop those contacts, or give each its customer's id",
        )
    _, contact_ids = whole_ids(index, written)
    if contact_ids is not written:  # 17850.0 is customer 17850
        contacts = contacts.copy(deep=False)
        contacts[customer] = contact_ids
    a, b = id_kind(index), id_kind(contacts[customer])
    if a != b and len(contacts) and not b.startswith("mixed"):
        # before contact_summary, which pairs the log's ids with the facts'
        # (a column mixing kinds is contact_summary's to name, with its row)
        raise InputError(
            str(customer),
            f"holds {b} in the contacts but {a} in the transactions, so no id "
            "would match",
            fix=_same_ids_fix("contacts", customer, a, b),
        )
    try:
        summary = contact_summary(
            contacts[customer].to_numpy(),
            dates,
            contacts["initiator"].to_numpy(),
            contacts["kind"].to_numpy(),
            first_sale=facts,
            as_of=facts.as_of,
        )
    except InputError as exc:  # 'kind' has unknown answers: of the contacts
        # contact_summary's own parameters named as the user's columns
        field = {"customer": str(customer), "first_sale": str(customer)}.get(
            exc.field, exc.field
        )
        problem = exc.problem.replace("the contacts' 'customer'", f"{str(customer)!r}")
        if field != exc.field or problem != exc.problem or kept is not None:
            exc = InputError(
                field,
                problem,
                fix=exc.fix,
                first_row=(
                    int(kept[exc.first_row])  # the log's own row
                    if kept is not None and exc.first_row is not None
                    else exc.first_row
                ),
                n_rows=exc.n_rows,
            )
        raise of_source(exc, where) from None
    return summary, contacts, dropped_ids


def _record_answers(out: pd.DataFrame, rs: RuleSet) -> pd.DataFrame:
    """The records' answers in the values the rules declare.

    Each records column a field of *rs* names is read by the field's
    declared type alone, ``optional`` or not (``optional`` only says what
    happens when the column is absent): a ``bool`` field from yes/no text
    in English and Chinese (``"true"``, ``"yes"``, ``"是"``, 0/1: a file
    holds no booleans), the survey answers the rules read as custseg's
    (:func:`_reads_survey`) as :func:`~custseg.loyalty_level` reads them
    (``"Very satisfied"``, ``"很满意"``, 1-5 codes, 0-10 referral scores).
    Every other category is left as written, for the rules to match
    exactly as :meth:`RuleSet.evaluate <custseg.rules.RuleSet.evaluate>`
    and :func:`apply_rules` do (``'Boy'`` is not ``'boy'``), so a records
    file and a frame get the same labels. An unknown spelling is an
    InputError naming every one and the first customer who has it.
    """
    out = out.copy(deep=False)  # columns are replaced, never written into
    for name, spec in rs.fields.items():
        if name not in out.columns:
            continue
        try:
            _record_answer(out, name, spec)
        except InputError as exc:
            raise _for_customer(exc, out.index) from None
    return out


def _for_customer(exc: InputError, ids: pd.Index) -> InputError:
    """*exc* about a records column, its row (of the joined frame, which
    the caller never sees) told as the first customer who has the problem."""
    if exc.first_row is None:
        return exc
    n = exc.n_rows or 1
    return InputError(
        exc.field,
        f"{exc.problem} in the customer records (first for customer "
        f"{_short(ids[exc.first_row])}, {n} customer{'s' if n != 1 else ''})",
        fix=exc.fix,
    )


def _record_numbers(rs: RuleSet | None) -> list[str]:
    """The fields the rules read as numbers (``optional`` or not): a records
    file's columns of those names are checked as the amounts are."""
    if rs is None:
        return []
    kinds = ("number", "integer")
    return [n for n, spec in rs.fields.items() if spec.kind in kinds]


def _record_answer(out: pd.DataFrame, name: str, spec: Any) -> None:
    """One record column in the spelling the rules declare (in place)."""
    from ._categories import YES_NO_ALIASES, as_category
    from .loyalty import survey_codes

    col = out[name]
    if spec.kind in ("number", "integer") and not pd.api.types.is_numeric_dtype(col):
        if name in _SURVEY_NAMES:  # missing words missing, as loyalty_level reads them
            col = out[name] = _number_answers(col, name)
        # 1,5 or 1.234,50 from a ';' export: said so, not "not a number"
        check_number_text(col, name)
    codes = survey_codes(name, col) if _reads_survey(name, spec) else None
    if codes is not None:  # the survey's level order -> the file's value order
        levels = _survey_levels(name)
        remap = np.array([spec.values.index(x) for x in levels] + [-1])
        codes = remap[codes]
        out[name] = pd.Categorical.from_codes(
            np.asarray(codes, dtype=np.int64),
            categories=pd.Index(list(spec.values)),
        )
    elif spec.kind == "bool" and not pd.api.types.is_bool_dtype(col.dtype):
        codes = as_category(
            col, name, ("no", "yes"), aliases=YES_NO_ALIASES, booleans=True, integers=0
        )
        answers = pd.array(codes == 1, dtype="boolean")
        answers[codes < 0] = pd.NA
        out[name] = answers


#: The survey answers :func:`~custseg.loyalty_level` reads, which a rules
#: file may declare as numbers (the ``base`` preset's ``repurchase``, a
#: probability from 0 to 1)
_SURVEY_NAMES = ("satisfaction", "repurchase", "referral")


def _number_answers(col: pd.Series, name: str) -> pd.Series:
    """A records column of survey answers *name* that the rules read as
    numbers, its missing words missing, as :func:`~custseg.loyalty_level`
    reads them (:data:`custseg._categories.YES_NO_MISSING`: ``不详``,
    ``n/a``, ``？``, and a cell of blanks, ``-``); the repurchase bands
    (``70%以上``, ``high``), which a number field does not hold, refused
    saying so. Other values stay as given, for the number checks.

    >>> _number_answers(pd.Series(["0.5", "不详", " ？", "n/a"]), "repurchase").tolist()
    ['0.5', None, None, None]
    >>> _number_answers(pd.Series(["0.5", "70%以上"]), "repurchase")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'repurchase' has the survey's repurchase bands, such as '70%以上', where the rules read a number (a probability from 0 to 1) (first at row 1, 1 row affected): write each answer as the probability it stands for, or declare 'repurchase' in the rules as a category of the bands (values = ["low", "medium", "high"]); loyalty_level(...) reads the bands as they are
    """
    from ._categories import _YES_NO_MISSING_KEYS, normalize

    cells = col.to_numpy(dtype=object)
    missing = np.zeros(len(cells), dtype=bool)
    bands = np.zeros(len(cells), dtype=bool)
    words = _band_words() if name == "repurchase" else frozenset()
    for i, x in enumerate(cells.tolist()):
        if not isinstance(x, str):
            continue
        key = normalize(x)
        if key in _YES_NO_MISSING_KEYS or ("exact", x.strip()) in _YES_NO_MISSING_KEYS:
            missing[i] = True
        elif key in words:
            bands[i] = True
    if bands.any():
        first, count = v.first_offender(bands)
        raise InputError(
            name,
            "has the survey's repurchase bands, such as "
            f"{_short(cells[first])}, where the rules read a number (a "
            "probability from 0 to 1)",
            first_row=first,
            n_rows=count,
            fix="write each answer as the probability it stands for, or declare "
            f"{name!r} in the rules as a category of the bands (values = "
            '["low", "medium", "high"]); loyalty_level(...) reads the bands as '
            "they are",
        )
    if not missing.any():
        return col
    cells = cells.copy()
    cells[missing] = None
    return pd.Series(cells, index=col.index, name=col.name, dtype=object)


def _band_words() -> frozenset[str]:
    """The repurchase bands as :func:`~custseg.loyalty_level` reads them
    (normalised): ``low``, ``30%以下``, ``高`` ..."""
    from ._categories import MISSING, normalize
    from .loyalty import _REPURCHASE_ALIASES, REPURCHASE

    spelled = [w for w, code in _REPURCHASE_ALIASES.items() if code != MISSING]
    return frozenset(normalize(w) for w in (*REPURCHASE, *spelled))


def survey_number_fields(rs: RuleSet | None) -> list[str]:
    """The records columns *rs* reads as numbers that are custseg's survey
    answers (the ``base`` preset's ``repurchase``, a probability): a
    records file's numbers in them are read as :func:`survey_numbers`
    reads the codes (blanks and full-width digits aside).

    >>> from custseg import rules
    >>> survey_number_fields(rules.preset("base"))
    ['repurchase']
    """
    if rs is None:
        return []
    kinds = ("number", "integer")
    return [
        n for n, spec in rs.fields.items() if n in _SURVEY_NAMES and spec.kind in kinds
    ]


def _survey_levels(name: str) -> tuple[str, ...]:
    from .loyalty import survey_levels

    return survey_levels(name)


def _reads_survey(name: str, spec: Any) -> bool:
    """Whether the rules read the field *name* as custseg's survey answers
    (as :func:`~custseg.loyalty_level` does: codes 1-5, 0-10 scores,
    Chinese): a category field ``satisfaction`` or ``referral`` of the
    survey's levels. Any other declaration takes its own values."""
    levels = _survey_levels(name)
    return bool(levels) and spec.kind == "category" and set(spec.values) == set(levels)


def survey_fields(rs: RuleSet | None) -> list[str]:
    """The records columns *rs* reads as survey answers
    (:func:`_reads_survey`): those a records file's codes are numbers in
    (:func:`survey_numbers`). None without rules.

    >>> from custseg import rules
    >>> survey_fields(rules.preset("base"))
    ['satisfaction', 'referral']
    >>> own = rules.loads('''format = 1
    ... [fields]
    ... satisfaction = { type = "category", values = ["1", "2", "3", "4", "5"] }
    ... [segments.happy]
    ... default = "no"
    ... rules = [{ label = "yes", when = "satisfaction == '5'" }]
    ... ''')
    >>> survey_fields(own)
    []
    """
    if rs is None:
        return []
    return [name for name, spec in rs.fields.items() if _reads_survey(name, spec)]


def read_transactions(
    path: str | os.PathLike[str],
    customer: Hashable,
    order: Hashable | None,
    encoding: str | None,
    amount: Hashable = "amount",
    quantity: Hashable | None = None,
    price: Hashable | None = None,
    *,
    date: Hashable = "date",
    date_format: object = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """A transactions file as a frame, its ids as written (``"00017"`` and
    ``"17"`` two customers, ``"0042"`` and ``"42"`` two orders): the
    customer and order columns read as text, and the *date* column too when
    a *date_format* is given (``03.2024`` in ``'%m.%Y'`` is no number). The
    amount column (or, given
    either, the quantity and price) is checked as the command line checks
    it: numbers float64 would change (``0.99999999999999999``), ``1.500`` in
    a file not separated by commas (thousands or a decimal point?), decimal
    commas and thousands separators are refused. *sep*: as for
    :func:`read_table` (a header separated by another character is
    refused, naming ``sep=``)."""
    text = tuple(c for c in (customer, order) if isinstance(c, str))
    product = quantity is not None or price is not None
    numbers = (quantity, price) if product else (amount,)
    df = read_checked(
        path,
        numbers=numbers,
        sep=check_sep(sep),
        encoding=encoding,
        text_columns=text,
        date_columns=text_dates(date, date_format),
        id_columns=text,
    )
    refuse_empty_numbers(df, numbers, table_format(path))
    return df


def dropped_customers(ids: Any, customers: pd.Index) -> int:
    """How many of the customers *ids* (the ids of the transactions dropped
    after as_of) are not in the result's *customers*: those whose every row
    was dropped and who are not kept by the records or contacts either.

    >>> dropped_customers(["c2", "c4"], pd.Index(["c1", "c2", "c3"]))
    1
    """
    return int(np.count_nonzero(~members(pd.unique(pd.Series(ids)), customers)))


def _no_match(source: str, ids: pd.Index, index: pd.Index) -> str:
    """The warning for side data none of whose ids is a buyer's, with a pair
    of ids that differ only as written (``17850.0`` and ``17850``) if any."""
    a, b = ids[0], index[0]
    flat = not isinstance(ids, pd.MultiIndex) and not isinstance(index, pd.MultiIndex)
    if flat:
        n, x, y = written_apart(ids, index)
        if n:
            a, b = x, y
    return (
        f"none of the {len(ids):,} customer ids of the {source} is an id of the "
        f"transactions (such as {_short(a)} there and {_short(b)} "
        "in the transactions), so each of their customers is counted twice, "
        "once without purchases: ids match only as written (17850.0 and "
        "17850, 00017 and 17 are different ids); write them the same way in "
        "both"
    )


def _some_apart(source: str, ids: pd.Index, buyers: pd.Index) -> str | None:
    """The warning for side data some of whose ids (not a buyer's) equal a
    buyer's without one (not in the side data) once written alike: each is
    one customer counted twice, once without purchases. None if none."""
    if isinstance(ids, pd.MultiIndex) or isinstance(buyers, pd.MultiIndex):
        return None
    n, a, b = written_apart(ids[~members(ids, buyers)], buyers[~members(buyers, ids)])
    if not n:
        return None
    who = "id" if n == 1 else "ids"
    verb = "matches" if n == 1 else "match"
    return (
        f"{n:,} customer {who} of the {source} {verb} a buyer's only once "
        f"written alike (such as {_short(a)} there and {_short(b)} in the "
        "transactions), so each of those customers is counted twice, once "
        f"without purchases and once without their {source}: ids match only as "
        "written (17850.0 and 17850, 00017 and 17 are different ids); write "
        "them the same way in both"
    )


def record_text_columns(
    path: str | os.PathLike[str],
    customer: Hashable,
    rs: RuleSet | None,
    encoding: str | None = None,
) -> list[str]:
    """The columns of a records file read as text exactly as written: all but
    those the rules read as numbers. ``00123``, ``+86...``, ``1e5``, ``NA``
    and ``None`` stay what they are; only an empty cell is missing. Survey
    answers the rules read as custseg's (:func:`survey_fields`) are read as
    text too, then each code as a number (:func:`survey_numbers`): a word
    such as ``None`` or ``N/A`` stays a word, which is then a missing
    answer, as in a frame. The CLI's ``--records`` and ``segment(records=path)``
    read a file alike through this.
    """
    numeric = {
        name
        for name, spec in (rs.fields.items() if rs is not None else ())
        if spec.kind in ("number", "integer")
    }
    names = table_columns(path, encoding=encoding)
    text: list[str] = [customer] if isinstance(customer, str) else []
    return text + [n for n in names if n not in numeric and n != customer]


#: a plain decimal number, as a records file writes a survey code, matched
#: on the text as :func:`custseg._categories.code_text` reads it (blanks
#: stripped, full-width digits as 0-9): what this admits is what
#: :func:`pandas.to_numeric` is given
_CODE_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def survey_numbers(records: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """*records* (read from a file, as text) with the survey answers of the
    columns *names* (:func:`survey_fields`: those the rules read as
    custseg's ``satisfaction`` and ``referral``) that are plain numbers
    (codes 1-5, 0-10 referral scores) as numbers: the whole column when
    every answer given is one, else each such answer, beside the words
    (``possible``) as read. A number is read as
    :func:`~custseg.loyalty_level` reads a code
    (:func:`custseg._categories.code_text`): blanks around it do not matter
    (the ideographic space U+3000, the non-breaking space), nor do
    full-width digits (``９``); a column stored as categories (a Parquet
    dictionary column) is read by its values. A word among numbers stays a
    word: a missing word (``None``, ``N/A``, ``不详``) is then a missing
    answer, as :func:`~custseg.loyalty_level` reads it, and any other word
    is refused as an unknown answer. *names* may hold survey answers the
    rules read as numbers (:func:`survey_number_fields`: ``repurchase``),
    whose probabilities are read alike. Other columns stay as read: a
    rules file that declares ``satisfaction`` with its own values (``"1"``
    to ``"5"``) reads the file's text.

    >>> frame = pd.DataFrame({"satisfaction": ["5", "04", None],
    ...                       "referral": ["９\u3000", "None", " 7"]})
    >>> out = survey_numbers(frame, ["satisfaction", "referral"])
    >>> out["satisfaction"].tolist(), out["referral"].tolist()
    ([5.0, 4.0, nan], [9, 'None', 7])
    >>> survey_numbers(frame, ["referral"])["satisfaction"].tolist()[:2]
    ['5', '04']
    """
    from ._categories import code_text

    out = records
    for name in dict.fromkeys(names):
        if name not in records.columns:
            continue
        col = records[name]
        categories = isinstance(col.dtype, pd.CategoricalDtype)
        if not (
            categories or col.dtype == object or pd.api.types.is_string_dtype(col.dtype)
        ):
            continue
        cells = col.to_numpy(dtype=object)  # (a Categorical's values, NaN missing)
        texts = [code_text(x) if isinstance(x, str) else x for x in cells.tolist()]
        numeric = np.fromiter(
            (isinstance(t, str) and bool(_CODE_TEXT.fullmatch(t)) for t in texts),
            dtype=bool,
            count=len(texts),
        )
        if not numeric.any():
            continue
        out = out.copy() if out is records else out
        read = pd.Series(texts, index=col.index, dtype=object)
        if bool((numeric | pd.isna(cells)).all()):
            out[name] = pd.to_numeric(read)
        else:  # scores and words: each score a number, the words as read
            mixed = pd.Series(cells, index=col.index, dtype=object)
            mixed[numeric] = pd.to_numeric(read[numeric]).astype(object).to_numpy()
            out[name] = mixed
    return out


def _records_frame(
    records: Any,
    customer: Hashable,
    encoding: str | None = None,
    rs: RuleSet | None = None,
) -> pd.DataFrame:
    """Customer records indexed by id (named *customer*): from a path (read
    as :func:`record_text_columns` says; the fields the rules read as
    numbers checked as the amounts are: ``1.234`` in a ';' file is refused)
    or a frame with the id as a column or as its named index."""
    records = v.arrow_plain(records)  # (Arrow string_view: as large_string)
    if isinstance(records, str | os.PathLike):
        text = record_text_columns(records, customer, rs, encoding)
        try:
            records = _read_table(
                records,
                encoding=encoding,
                text_columns=text,
                sep_fix=side_sep_fix("records"),
                exact_numbers=_record_numbers(rs),
                id_columns=[customer],
            )
        except InputError as exc:
            raise in_file(exc, "records", records) from None
        records = survey_numbers(
            records, [*survey_fields(rs), *survey_number_fields(rs)]
        )
    if not isinstance(records, pd.DataFrame):
        raise InputError(
            "records",
            f"must be a pandas DataFrame or a file path: got {_kind_of(records)}",
            fix="pass one row per customer with the customer id column"
            + _to_pandas_fix(records),
        )
    if isinstance(records.columns, pd.MultiIndex):
        raise InputError(
            "records",
            "has column names on several levels (such as "
            f"{_short(records.columns[0])}), which no field of the rules is "
            "named like, so the segmentations that read them would be left out",
            fix="give one name per column, e.g. records.columns = "
            "records.columns.get_level_values(0) (or join the levels)",
        )
    if customer in records.columns and customer in records.index.names:
        raise InputError(
            "records",
            f"has both an index and a column named {str(customer)!r}, so it is "
            "not clear which holds the customer ids",
            fix="drop one of them, or rename it (records.reset_index(drop=True) "
            "keeps the column)",
        )
    if _names_twice(records.columns, customer):
        raise InputError(
            "records",
            f"has more than one column named {str(customer)!r}",
            fix="rename or drop the duplicates",
        )
    if customer in records.columns:
        frame = records.set_index(customer)
    elif records.index.name == customer:
        frame = records
    elif records.index.nlevels > 1 and customer in records.index.names:
        raise InputError(
            "records",
            f"has the customer ids {str(customer)!r} as one level of an index of "
            f"{records.index.nlevels} levels "
            f"({', '.join(repr(str(n)) for n in records.index.names)}), which "
            "holds one row per combination, not per customer",
            fix=f"make the other levels columns: records.reset_index("
            f"{[str(n) for n in records.index.names if n != customer]!r})",
        )
    else:
        unnamed = records.index.nlevels == 1 and records.index.name is None
        index_hint = (
            f", or name its index, if it holds the ids (records.rename_axis("
            f"{str(customer)!r}))"
            if unnamed and not isinstance(records.index, pd.RangeIndex)
            else f", or make it the index, named {str(customer)!r}"
        )
        raise InputError(
            "records",
            f"has no customer id column {str(customer)!r} (columns: "
            + _display.listed(str(customer), records.columns, limit=15)[1]
            + ")",
            fix="name the id column like the transactions' (customer=; on the "
            "command line --customer)" + index_hint,
        )
    ids = frame.index
    if ids.hasnans:
        gaps = np.asarray(ids.isna())
        first, count = _first(gaps)
        raise InputError(
            str(customer),
            "of the customer records has missing ids",
            first_row=first,
            n_rows=count,
            fix=f"{EMPTY_LINES}: delete them"
            if all_empty(frame, gaps) and len(frame.columns)
            else "drop or fill those rows",
        )
    if not ids.is_unique:
        dup = ids.duplicated(keep=False)
        first, count = _first(np.asarray(dup))
        raise InputError(
            str(customer),
            f"of the customer records repeats ids (e.g. {_short(ids[first])})",
            first_row=first,
            n_rows=count,
            fix="keep one row per customer",
        )
    if frame.columns.duplicated().any():
        raise InputError(
            "records",
            "has duplicated column names: "
            + ", ".join(
                repr(str(c)) for c in frame.columns[frame.columns.duplicated()]
            ),
            fix="rename or drop the duplicates",
        )
    return frame


def _names_twice(columns: pd.Index, name: Hashable) -> bool:
    try:
        return int((columns == name).sum()) > 1
    except (TypeError, ValueError):  # labels pandas cannot compare
        return False


def _one_reading(
    col: pd.Series, dates: pd.Series, date_format: str, where: str
) -> None:
    """Refuse contact dates that ISO 8601 / YYYYMMDD and the transactions'
    *date_format* both read, as different days (``20241201`` in ``%Y%d%m``
    is 12 January, as YYYYMMDD 1 December), as ``as_of`` is refused: no
    reading is guessed. *dates* is the ISO / YYYYMMDD reading."""
    try:
        other = parse_date_column(col, "date", date_format=date_format)
    except InputError:
        return  # only one reading fits
    a = dates.to_numpy()
    b = other.to_numpy()
    if a.dtype != b.dtype:
        return  # one of them aware: not the same digits read two ways
    apart = ~((a == b) | (pd.isna(a) & pd.isna(b)))
    if not apart.any():
        return
    first, count = _first(apart)
    one, two = pd.Timestamp(a[first]), pd.Timestamp(b[first])
    raise InputError(
        "contacts",
        ("" if where == "contacts" else f"(the {where}) ")
        + f"date {_short(col.iloc[first])} at row {first} is {one:%Y-%m-%d} read "
        f"as ISO 8601 or YYYYMMDD but {two:%Y-%m-%d} in the date format "
        f"{date_format!r} ({count:,d} contact{'s' if count != 1 else ''} read "
        "apart)",
        fix=f"write contact dates as ISO 8601 ({two:%Y-%m-%d} for the date "
        f"format's day, {one:%Y-%m-%d} for the other), so only one reading fits",
    )


def _first(mask: np.ndarray) -> tuple[int, int]:
    from ._validate import first_offender

    return first_offender(mask)


#: Columns :func:`segment` adds after the facts and scores (``relationship``
#: with contacts): names a customer record may not have.
_COMPUTED = ("present", "lifecycle", "abc", "relationship")


def _same_ids_fix(where: str, customer: Hashable, mine: str, theirs: str) -> str:
    """The fix for ids of the *where* file (records, contacts) holding
    *theirs* while the transactions hold *mine*: the conversion that works,
    on the side that needs it."""
    col = repr(str(customer))
    if theirs == "text":  # convert the transactions' to text
        how = f"tx[{col}] = tx[{col}].astype(str) on the transactions"
    elif mine == "text":
        how = f"{where}[{col}] = {where}[{col}].astype(str)"
    else:
        how = f"convert one column so that both hold {mine}"
    return (
        "store the ids the same way in both: CSV, TSV and TXT files are read "
        "with ids as text, Parquet files keep their stored type, so write the "
        f"Parquet ids as text (or use a CSV file); in Python, {how}"
    )


def _computed_names(rs: RuleSet | None, explain: bool) -> set[str]:
    """Every column :func:`segment` computes besides the facts and scores:
    the lifecycle, ABC, ``present`` and ``relationship`` columns and the
    rules' outputs (and their ``.rule`` columns with *explain*)."""
    names = set(_COMPUTED)
    if rs is not None:
        outputs = {*rs.outputs, *rs.tagsets}
        names |= outputs
        if explain:
            names |= {f"{n}.rule" for n in rs.segments}
    return names


def _join_records(
    out: pd.DataFrame,
    records: pd.DataFrame,
    customer: Hashable,
    computed: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """*out* (one row per customer with transactions) joined with the customer
    records: every customer of either kept, records-only customers with no
    purchase (frequency 0, monetary 0, missing recency and scores), and a
    ``present`` column saying where each was found. A record column named
    like one of *out* or of *computed* is an error."""
    _, record_ids = whole_ids(out.index, records.index)
    if record_ids is not records.index:  # 17850.0 is customer 17850
        records = records.set_axis(record_ids)
    a, b = id_kind(out.index), id_kind(records.index)
    if a != b and len(records):
        raise InputError(
            str(customer),
            f"holds {b} in the customer records but {a} in the transactions, so "
            "no id would match",
            fix=_same_ids_fix("records", customer, a, b),
        )
    clash = [c for c in records.columns if c in out.columns or c in computed]
    if clash:
        raise InputError(
            "records",
            "has columns custseg computes: " + ", ".join(repr(str(c)) for c in clash),
            fix="rename or drop them (they would be overwritten)",
        )
    ids, record_ids = same_ids(out.index, records.index)
    if ids is not out.index:
        out = out.set_axis(ids)
    if record_ids is not records.index:
        records = records.set_axis(record_ids)
    in_tx = members(records.index, out.index)
    # customers only in the records follow the buyers sorted by id (as the
    # summary's customers are), whatever the order of the records' rows
    extra = records.index[~in_tx]
    with contextlib.suppress(TypeError):  # ids that do not compare: as given
        extra = extra.sort_values()
    joined = (
        out.reindex(out.index.append(extra)) if len(extra) else out.copy(deep=False)
    )
    joined.index.name = out.index.name
    if len(extra):  # no purchase: the facts a customer without one has
        joined["frequency"] = (
            joined["frequency"].fillna(0).astype(out["frequency"].dtype)
        )
        joined["monetary"] = joined["monetary"].fillna(0.0)
    if isinstance(records.index, pd.RangeIndex):
        # pandas makes the result of reindexing a RangeIndex a RangeIndex
        # again when it has one value, adding 1 to it: 2**63 - 1 overflows
        records = records.set_axis(
            pd.Index(np.asarray(records.index), name=records.index.name)
        )
    some_missing = not members(joined.index, records.index).all()
    for column in records.columns:
        col = records[column]
        dtype = col.dtype
        if some_missing and isinstance(dtype, np.dtype) and dtype.kind in "iu":
            # a customer without a record has no value: nullable integers,
            # never float64 (card numbers beyond 2**53 would be rounded)
            nullable: Any = (
                f"{'Int' if dtype.kind == 'i' else 'UInt'}{dtype.itemsize * 8}"
            )
            col = col.astype(nullable)
        joined[column] = col.reindex(joined.index)
    return joined


@overload
def summarize_frame(
    df: pd.DataFrame,
    *,
    customer: Hashable = ...,
    date: Hashable = ...,
    amount: Hashable = ...,
    as_of: Any = ...,
    output: Literal["native", "pandas"] = ...,
    date_format: str | None = ...,
    frequency: Literal["transactions", "days"] = ...,
    zero_amount: Literal["purchase", "ignore"] = ...,
    after_as_of: AfterPolicy = ...,
    order: Hashable | None = ...,
) -> pd.DataFrame: ...
@overload
def summarize_frame(
    df: Any,
    *,
    customer: Hashable = ...,
    date: Hashable = ...,
    amount: Hashable = ...,
    as_of: Any = ...,
    output: str = ...,
    date_format: str | None = ...,
    frequency: Literal["transactions", "days"] = ...,
    zero_amount: Literal["purchase", "ignore"] = ...,
    after_as_of: AfterPolicy = ...,
    order: Hashable | None = ...,
) -> Any: ...
def summarize_frame(
    df: Any,
    *,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable = "amount",
    as_of: Any = None,
    output: str = "native",
    date_format: str | None = None,
    frequency: Literal["transactions", "days"] = "transactions",
    zero_amount: Literal["purchase", "ignore"] = "purchase",
    after_as_of: AfterPolicy = "raise",
    order: Hashable | None = None,
) -> Any:
    """:func:`~custseg.summarize` on a DataFrame of transactions.

    Parameters
    ----------
    df
        One row per transaction: a pandas DataFrame, or a Polars (eager or
        lazy), PyArrow, DuckDB, Dask or PySpark frame (summarised in its
        engine, see the "Beyond one machine" page).
    customer
        Customer id column (a column label: a string, or any other hashable
        label such as an integer, as for *date* and *amount*).
    date
        Date column: datetimes, ISO 8601 text, ``YYYYMMDD`` numbers or text
        (see :func:`parse_date_column`).
    amount
        Amount column (refunds negative).
    as_of
        Reference day (default: the day after the last transaction).
    output
        For a frame that is not pandas: ``"native"`` (default) gives the
        result in the caller's kind of frame (eager in, eager out; lazy in,
        a lazy frame of the same engine on the computed result; the customer
        id as the first column), ``"pandas"`` the pandas frame indexed by
        customer id (see the "Beyond one machine" page). Ignored for pandas input.
    date_format
        A ``strptime`` format for the date column (default: guessed, see
        :func:`parse_date_column`).
    frequency, zero_amount, after_as_of
        As for :func:`~custseg.summarize`.
    order
        Order id column, when the rows are order lines (one row per product
        of a basket): each order (a customer's lines sharing an order id)
        is then one transaction, as ``order_id=`` of
        :func:`~custseg.summarize` makes it. In an engine's frame the
        lines are collapsed in the engine, to the same facts.

    Returns
    -------
    pandas.DataFrame
        One row per customer (see :class:`~custseg.CustomerFacts`), indexed by
        customer id (the index named after *customer*); the day used is in
        ``.attrs["as_of"]``.

    Examples
    --------
    >>> tx = pd.DataFrame({"who": ["b", "a", "b"],
    ...                    "when": ["2024-05-01", "2024-05-03", "2024-05-09"],
    ...                    "paid": [20.0, 35.5, 12.0]})
    >>> out = summarize_frame(tx, customer="who", date="when", amount="paid")
    >>> out[["recency_days", "frequency", "monetary"]]
         recency_days  frequency  monetary
    who
    a             7.0          1      35.5
    b             1.0          2      32.0
    >>> summarize_frame(tx)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'customer_id' is not a column of the data (columns: 'who', 'when', 'paid'): name the column with customer= (on the command line: --customer COLUMN)
    """
    options = {
        "date_format": date_format,
        "frequency": frequency,
        "zero_amount": zero_amount,
        "after_as_of": after_as_of,
        "order": order,
    }
    facts = _facts(df, customer, date, amount, as_of, options)
    out = _facts_frame(facts, customer)
    out.attrs["as_of"] = str(facts.as_of)
    out.attrs["n_rows"] = facts.n_rows
    out.attrs["n_dropped"] = facts.n_dropped
    if _engines.is_engine_frame(df):  # the caller's kind of frame
        return _engines.to_native(out, df, output)
    return out


@attrs.frozen(eq=False)
class SegmentResult:
    """What :func:`segment` returns: one row per customer, and how it was made.

    Attributes
    ----------
    customers
        One row per customer, indexed by customer id (the index named after
        the customer column): the facts (``recency_days``, ``frequency``,
        ``monetary``, ``first_purchase``, ``last_purchase``,
        ``tenure_days``), the scores ``r``, ``f``, ``m``, ``rfm`` (nullable
        integers, ``<NA>`` for a customer with no purchase), ``lifecycle``,
        ``abc`` and every table, segmentation and tag of the rules.
    facts
        The :class:`~custseg.CustomerFacts` behind the frame.
    scores
        The :class:`~custseg.RfmScores`.
    edges
        The :class:`~custseg.RfmEdges` used (fixed by the rules, given, or
        fitted here): pass them as ``edges=`` to score a later period on the
        same scale, or call :meth:`apply`.
    abc_edges
        The :class:`~custseg.AbcEdges` used (value thresholds of A and B).
    rules
        The :class:`~custseg.rules.RuleSet` applied, or ``None``.
    aggregates
        The values of the population aggregates the rules read (such as the
        averages ``mean(frequency, ...)`` behind ``rfm8``), by their
        canonical text (:meth:`~custseg.rules.RuleSet.aggregates`): fitted
        here or given. Pass them as ``aggregates=`` to label a later period
        on the same scale, or call :meth:`apply`, which reuses them like the
        edges. Empty without rules or when the rules read no aggregate.
    contact_summary
        The :class:`~custseg.ContactSummary` that ``relationship`` was
        computed from: the ``contacts=`` as they were read when this result
        was made (a frame edited later, or a file rewritten or named by a
        relative path from another directory, does not change it), which
        :func:`custseg.testing.assert_stable` compares as the customers'
        contact facts. None without contacts.
    diagnostics
        Notes about the result (edges fitted on too few customers, empty
        scores, segments that contradict the lifecycle stage, ``edges=``
        that replace edges the rules fix); each was also
        given as a :class:`~custseg.errors.CustsegWarning`.
    settings
        The other options of the :func:`segment` call (columns, windows,
        ``records`` and ``contacts``, ...), which :meth:`apply` reuses;
        ``bins`` and ``abc_cutoffs`` are those the edges were fitted with
        (kept along a chain of :meth:`apply` calls), which a refit uses.
    """

    customers: pd.DataFrame
    facts: CustomerFacts
    scores: RfmScores
    edges: RfmEdges
    abc_edges: AbcEdges | None
    rules: RuleSet | None
    diagnostics: tuple[str, ...]
    settings: dict[str, Any] = attrs.field(factory=dict, repr=False)
    aggregates: dict[str, float] = attrs.field(factory=dict, repr=False)
    contact_summary: Any = attrs.field(default=None, repr=False)

    @property
    def as_of(self) -> np.datetime64:
        """The reference day (``facts.as_of``)."""
        return self.facts.as_of

    @property
    def n_rows(self) -> int:
        """Transactions used (``facts.n_rows``); with ``order=``, the orders
        used (each the lines of a customer sharing an order id)."""
        return self.facts.n_rows

    @property
    def n_dropped(self) -> int:
        """Transactions dropped as later than ``as_of`` (``facts.n_dropped``);
        with ``order=``, the order lines dropped (one by one: an order
        straddling ``as_of`` keeps its earlier lines), so it may exceed
        :attr:`n_rows`, which counts orders."""
        return self.facts.n_dropped

    def __len__(self) -> int:
        return len(self.customers)

    def to_pandas(self) -> pd.DataFrame:
        """The per-customer frame (:attr:`customers`).

        >>> from custseg.datasets import simulate_transactions
        >>> res = segment(simulate_transactions(300, seed=2), preset="ecommerce")
        >>> res.to_pandas() is res.customers
        True
        """
        return self.customers

    def apply(self, transactions: pd.DataFrame, **overrides: Any) -> SegmentResult:
        """Segment another period with the same rules, edges (RFM and ABC) and
        aggregates.

        Column names and options are those of this result unless overridden,
        except ``as_of``, which is not carried over: a new period has its own
        last day, so without ``as_of=`` it is the day after the last
        transaction given, as in :func:`segment` (pass ``as_of=`` to label
        the same period again, or the day the new period ends). The
        rules' population aggregates (the averages the ``rfm8`` types are
        split at, ...) are this result's :attr:`aggregates`, as the edges
        are its edges: a customer whose facts do not change keeps their
        labels. Pass ``edges=None``, ``abc_edges=None`` or
        ``aggregates=None`` to fit them on the new period instead;
        ``abc_cutoffs=`` fits new ABC edges at those cutoffs. A refit uses
        the ``bins`` and ABC cut-offs the edges were fitted with (``bins=``
        given to this call win): those of the first result of a chain of
        ``apply`` calls, which each result keeps in :attr:`settings` (for
        edges given to :func:`segment` as ``edges=``, their own bins; for
        ``abc_edges=`` given there, the default cut-offs).

        The customer data of this result are kept too: ``records=`` and
        ``contacts=`` (the frames, or the files, read again) are joined to
        the new period, with their records-only customers and their
        answers and flags, unless ``records=`` / ``contacts=`` are given to
        this call (``records=None``: none).

        ``preset=`` or ``rules=`` labels with other rules (``rules=None``:
        none): the edges are still this result's (pass ``edges=None`` for
        the new rules' ``[scores]``; a warning names each dimension where
        they replace edges the new rules fix), but the aggregates belong to the
        rules, so the new rules' are fitted on the new period (unless
        ``aggregates=`` is given too). So does a lifecycle table: this
        result's ``windows=`` label the lifecycle only where the new rules
        have no ``lifecycle`` table (``windows=`` given to this call with
        such rules is a :class:`~custseg.ThresholdError`, as in
        :func:`segment`).

        Parameters
        ----------
        transactions
            The transactions of the other period.
        **overrides
            Any option of :func:`segment` (usually ``as_of``).

        Examples
        --------

        >>> from custseg.datasets import simulate_transactions
        >>> tx = simulate_transactions(500, seed=4)
        >>> first = segment(tx[tx.date < "2024-07-01"], as_of="2024-07-01",
        ...                 preset="ecommerce")
        >>> second = first.apply(tx, as_of="2025-01-01")
        >>> second.edges == first.edges, second.aggregates == first.aggregates
        (True, True)

        Other rules, on the same edges: their own aggregates, fitted here.

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # shop edges, salon windows
        ...     third = first.apply(tx, as_of="2025-01-01", preset="beauty_salon")
        >>> third.rules.name, third.edges == first.edges
        ('beauty_salon', True)

        Windows of the first call give way to the lifecycle table of the
        new rules (and ``edges=None`` fits their own edges):

        >>> from custseg import LifecycleWindows
        >>> mine = segment(tx[tx.date < "2024-07-01"], as_of="2024-07-01",
        ...                windows=LifecycleWindows((30, 60, 90)))
        >>> shop = mine.apply(tx, as_of="2025-01-01", preset="ecommerce",
        ...                   edges=None)
        >>> list(shop.customers.lifecycle.cat.categories)
        ['active', 'silent', 'sleeping', 'lost', 'gone', 'no_purchase', 'unknown']

        A refit along a chain uses the first fit's bins and cut-offs:

        >>> from custseg import AbcCutoffs
        >>> jan = segment(tx[tx.date < "2024-04-01"], bins=4,
        ...               abc_cutoffs=AbcCutoffs(basis="rank"))
        >>> feb = jan.apply(tx[tx.date < "2024-07-01"])  # jan's edges
        >>> mar = feb.apply(tx, edges=None, abc_edges=None)  # refitted
        >>> mar.edges.bins, mar.settings["abc_cutoffs"].basis
        (4, 'rank')
        """
        unknown = sorted(set(overrides) - _segment_options())
        if unknown:  # (as segment() would say it)
            raise TypeError(
                f"apply() got an unexpected keyword argument {unknown[0]!r}"
            )
        settings = {**self.settings, **overrides}
        # kept from this result, not given here: recorded in the new result's
        # settings, so that a later edges=None / abc_edges=None refits as the
        # first result was fitted (bins, ABC cut-offs), however long the chain
        carried: dict[str, Any] = {}
        kept = None  # what the messages say was taken from this result
        if "edges" not in overrides:
            settings["edges"] = self.edges
            kept = "edges"
            if "bins" not in overrides:  # (the edges carry theirs)
                carried["bins"] = settings.pop("bins", None)
        elif "bins" in overrides:
            pass
        elif settings["edges"] is not None:  # other edges, with their bins
            settings.pop("bins", None)
        elif settings.get("bins") is not None:
            kept = "bins"  # edges=None refits with this result's bins
        if "abc_cutoffs" in overrides and "abc_edges" not in overrides:
            settings["abc_edges"] = None  # new cutoffs: ABC edges fitted anew
        settings.setdefault("abc_edges", self.abc_edges)
        if settings["abc_edges"] is not None and "abc_cutoffs" not in overrides:
            # (the edges are the cutoffs' fit)
            cutoffs = settings.pop("abc_cutoffs", None)
            if "abc_edges" not in overrides:
                carried["abc_cutoffs"] = cutoffs
        if "preset" in overrides or "rules" in overrides:
            # other rules: their aggregates are theirs, fitted on the new
            # period unless given (this result's belong to its rules); so
            # is their lifecycle table, when they have one: this result's
            # windows (not given here) give way to it
            if "windows" not in overrides and settings.get("windows") is not None:
                rs = _load_rules(settings.get("preset"), settings.get("rules"))
                if rs is not None and "lifecycle" in rs.tables:
                    settings["windows"] = None
        else:
            settings["rules"] = self.rules
            if self.rules is not None:
                settings.setdefault("aggregates", self.aggregates)
        result = _segment(transactions, kept=kept, **settings)
        for note in result.diagnostics:
            warnings.warn(note, CustsegWarning, stacklevel=2)
        if not carried:
            return result
        return attrs.evolve(result, settings={**result.settings, **carried})

    def __repr__(self) -> str:
        e = self.edges
        return _display.short_repr(
            "SegmentResult",
            n=len(self),
            noun="customers",
            fields={
                "as_of": self.as_of,
                "rules": None if self.rules is None else self.rules.name,
                "columns": len(self.customers.columns),
                "bins": (e.recency.bins, e.frequency.bins, e.monetary.bins),
                "n_rows": self.n_rows,
                "n_dropped": self.n_dropped,
            },
            notes=[f"{len(self.diagnostics)} diagnostics"] if self.diagnostics else (),
        )

    def _repr_html_(self) -> str:
        html: Any = self.customers._repr_html_()  # type: ignore[operator]
        return str(html)


def _segment_options() -> set[str]:
    """The keyword options of :func:`segment` (what ``apply`` takes)."""
    return set(inspect.signature(segment).parameters) - {"transactions"}


def _short(value: object) -> str:
    """*value* as a message shows it: its repr, NumPy scalars as the Python
    value they hold (``20``, not ``np.int64(20)``), cut at 60 characters."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _load_preset(name: object) -> RuleSet:
    """The shipped preset *name*: a name from :func:`custseg.rules.presets`
    only, never a path (``preset=`` and ``--preset`` read no user file).

    Raises :class:`~custseg.errors.RulesError` (code ``unknown-preset``)
    listing the presets.
    """
    known = presets()
    if not isinstance(name, str) or name not in known:
        close = (
            difflib.get_close_matches(name[:100], list(known), n=1)
            if isinstance(name, str)
            else []
        )
        hint = (f"did you mean {close[0]!r}? " if close else "") + (
            f"the presets are {', '.join(known)}; a rules file goes to rules= "
            "(on the command line: --rules FILE)"
        )
        raise RulesError(
            [
                Diagnostic(
                    "<preset>",
                    1,
                    1,
                    2,
                    "error",
                    "unknown-preset",
                    f"no preset named {_short(name)}",
                    hint,
                )
            ]
        )
    return _shipped_preset(name)  # by name only, whatever files are about


def _load_rules(preset: Any, rules: Any) -> RuleSet | None:
    if preset is not None and rules is not None:
        raise ThresholdError(
            "give 'preset' or 'rules', not both: a preset is a rules file that "
            "ships with custseg"
        )
    if preset is not None:
        return _load_preset(preset)
    if rules is None or isinstance(rules, RuleSet):
        return rules
    if not isinstance(rules, str | os.PathLike):
        raise ThresholdError(
            f"'rules' must be a RuleSet, a preset name or a file path: got "
            f"{type(rules).__name__}"
        )
    return load(rules)


def _nothing_to_fit(facts: CustomerFacts) -> InputError:
    """No buyer to fit score edges on: say why (rows dropped, or refunds only)."""
    fix = "pass edges= (or rules with fixed [scores] edges)"
    if facts.n_rows == 0 and facts.n_dropped:
        return InputError(
            "date",
            f"every one of the {facts.n_dropped:,d} transactions is dated after "
            "as_of and was dropped (after_as_of='drop'), so there is nothing to "
            "fit score edges on",
            fix="give a later as_of, or check the date column; or " + fix,
        )
    refunds = bool(len(facts.monetary)) and bool((facts.monetary < 0).any())
    why = (
        "only refunds"
        if refunds
        else "no amount above 0: zero amounts are no purchase with zero_amount='ignore'"
    )
    return InputError(
        "frequency",
        f"is 0 for every customer ({why}), so there is nothing to fit score edges on",
        fix=fix,
    )


def _fit_edges(
    facts: CustomerFacts,
    buyers: np.ndarray,
    bins: Any,
    rs: RuleSet | None,
) -> tuple[RfmEdges, list[str]]:
    """Edges per dimension: fixed by the rules' [scores], else quantiles of
    the buyers (*bins* overrides the rules' quantile bin counts, never their
    fixed edges); notes on the fitted ones."""
    specs = dict(rs.scores) if rs is not None else {}
    counts = rules_bins(bins, rs)
    notes: list[str] = []
    dims: list[ScoreEdges] = []
    for i, (key, name, values, better) in enumerate(
        (
            ("r", "recency_days", facts.recency_days, False),
            ("f", "frequency", facts.frequency, True),
            ("m", "monetary", facts.monetary, True),
        )
    ):
        spec = specs.get(key)
        if spec is not None and spec.edges is not None:
            dims.append(ScoreEdges(spec.edges))
            continue
        n_bins = counts[i]
        known = values[buyers]
        if not len(known):
            raise _nothing_to_fit(facts)
        edges = _quantile_edges(known, n_bins, field=name, higher_is_better=better)
        notes += _edge_notes(name, known.astype(np.float64), edges, better)
        dims.append(edges)
    return RfmEdges(*dims), notes


def _reads(rs: RuleSet, names: set[str]) -> set[str]:
    """The fields and values *names* read, through derived values."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in rs.derived:
            todo += rs.derived[name].expr.names
    return seen


def _contradictions(
    rs: RuleSet, out: pd.DataFrame, replaced: Iterable[str] = ()
) -> list[str]:
    """Segments whose customers' lifecycle stage contradicts the label's meaning
    (the segmentation's ``stages``); *replaced*: the scores whose fixed edges
    the caller's ``edges=`` replaced. A label is named as *out* shows it
    (in the result's ``lang``), with the rules' name beside it when that
    differs."""
    notes: list[str] = []
    for name, seg in rs.segments.items():
        stages = getattr(seg, "stages", None)
        source = getattr(seg, "stages_from", None)
        if not stages or source not in out.columns or name not in out.columns:
            continue
        codes = out[name].cat.codes.to_numpy()
        stage_codes = out[source].cat.codes.to_numpy()
        seg_names = list(seg.names)
        stage_names = list(rs.tables[source].names) if source in rs.tables else []
        if not stage_names:
            continue
        allowed = np.ones((len(seg_names), len(stage_names) + 1), dtype=bool)
        table = rs.tables[source]
        # a stage the table's missing_rules give (unknown: a buyer whose
        # recency is missing) contradicts no segment: it says nothing
        told = len(table.labels) + (1 if table.missing else 0)
        for label, ok in stages.items():
            if label in seg_names:
                row = np.zeros(len(stage_names) + 1, dtype=bool)
                row[[stage_names.index(st) for st in ok if st in stage_names]] = True
                row[told : len(stage_names)] = True
                allowed[seg_names.index(label)] = row
        bad = ~allowed[codes, np.minimum(stage_codes, len(stage_names))]
        n_bad = int(np.count_nonzero(bad))
        if n_bad:
            worst = pd.Series(codes[bad]).value_counts().index[0]
            shown = out[name].cat.categories[worst]  # as the frame shows it
            most = repr(shown)
            if shown != seg_names[worst]:
                most += f" ({seg_names[worst]!r} in the rules)"
            reads = _reads(rs, {n for rule in seg.rules for n in rule.when.names})
            fixed_r = rs.scores.get("r")
            if "r" in reads and "r" in replaced:
                why = (
                    f"the recency edges given (edges=) do not fit the {source} "
                    "windows: leave out edges= to keep the rules' fixed recency "
                    "edges"
                )
            elif "r" in reads and (fixed_r is None or fixed_r.edges is None):
                why = (
                    f"the recency score edges do not fit the {source} windows: "
                    "use fixed recency edges ([scores] r = { edges = [...] } in "
                    "the rules)"
                )
            else:
                why = (
                    f"the segment's conditions do not fit the {source} windows: "
                    f"make its day thresholds (parameters, edges) agree with the "
                    f"{source} breaks"
                )
            notes.append(
                f"{name}: {n_bad:,d} customer{'s' * (n_bad != 1)} "
                f"({_display.share(n_bad, len(out))}) "
                f"{'have' if n_bad != 1 else 'has'} a segment that contradicts "
                f"their {source} stage (most in {most}); {why}"
            )
    return notes


def segment(
    transactions: Any,
    *,
    preset: str | None = None,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable = "amount",
    as_of: Any = None,
    date_format: str | None = None,
    bins: int | tuple[int, int, int] | None = None,
    edges: RfmEdges | None = None,
    windows: LifecycleWindows | None = None,
    abc_cutoffs: tuple[float, float] | AbcCutoffs = (0.8, 0.95),
    abc_edges: AbcEdges | None = None,
    frequency: str = "transactions",
    zero_amount: str = "purchase",
    after_as_of: str = "raise",
    lang: str | None = None,
    explain: bool = False,
    records: pd.DataFrame | str | os.PathLike[str] | None = None,
    contacts: pd.DataFrame | str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    records_encoding: str | None = None,
    contacts_encoding: str | None = None,
    aggregates: dict[str, float] | None = None,
    order: Hashable | None = None,
    quantity: Hashable | None = None,
    price: Hashable | None = None,
) -> SegmentResult:
    """From transactions to one row of segments per customer, in one call.

    Summarises the transactions (:func:`~custseg.summarize`), scores R, F and
    M, labels the lifecycle stage and ABC class, and applies a rules preset
    or file: every table, segmentation and tag of the rules becomes a column.

    Parameters
    ----------
    transactions
        One row per transaction: a pandas DataFrame, a Polars (eager or
        lazy), PyArrow, DuckDB, Dask or PySpark frame (summarised in its
        engine, see the "Beyond one machine" page; ``.customers`` is pandas), or the path of a CSV,
        TSV/TXT or Parquet file (read with :func:`read_table`, the customer
        column as text so ids such as ``00017`` keep their zeros).
    preset
        The name of a shipped rules preset (``"ecommerce"``,
        ``"beauty_salon"``, ...; :func:`custseg.rules.presets` and ``custseg
        presets`` list them); never a path.
    rules
        A :class:`~custseg.rules.RuleSet` or a rules file path, instead of a
        preset.
    customer
        Customer id column (any column label: a string, an integer, ...); it
        becomes the index of the result.
    date
        Date column: datetimes, ISO 8601 text, or ``YYYYMMDD`` numbers or
        text (see :func:`parse_date_column`).
    amount
        Amount column (refunds negative). Not with *quantity* and *price*
        (left out, or None, there).
    as_of
        Reference day (default: the day after the last transaction). As
        text with *date_format* given, read like the date column.
    date_format
        A ``strptime`` format for the date column (``"%d/%m/%Y"``), when it is
        neither ISO 8601 nor ``YYYYMMDD``; text *as_of* is read with it too.
    bins
        Quantile scores per dimension, one count or ``(recency, frequency,
        monetary)``, where None is "not given" (``(None, 4, None)``: four
        frequency scores, the default for the others). Default: the rules'
        ``[scores]`` (fixed edges where the preset gives them), else 5
        quantile bins. Giving *bins* fits quantile
        edges with that many bins for every dimension whose edges the rules
        do not fix; edges the rules fix stay (a preset's recency edges
        follow its lifecycle windows). Pass *edges* to replace those too.
        Not with *edges*, which carry their own bins (*bins* equal to
        theirs is allowed).
    edges
        RFM edges to apply instead (from an earlier result: ``result.edges``).
        They are applied as given, also in the dimensions the rules fix in
        ``[scores]``; where their cuts differ from the rules' there, a
        :class:`~custseg.errors.CustsegWarning` names the dimension, both
        cuts and how to keep the rules' (every industry preset fixes the
        recency edges to fit its lifecycle windows).
    windows
        Lifecycle windows when the rules have no ``lifecycle`` table (default
        90/180/270 days); with rules that have one (every preset), a
        :class:`~custseg.ThresholdError`: the windows would be ignored.
    abc_cutoffs
        Cumulative value shares of A and B (``None``: the default). Not
        given with *abc_edges* (a :class:`~custseg.ThresholdError`: the
        edges are fixed spend thresholds, the cutoffs would be ignored).
    abc_edges
        ABC value thresholds to apply instead of fitting them.
    frequency, zero_amount, after_as_of
        As for :func:`~custseg.summarize` (``frequency="rows"`` is
        ``"transactions"``).
    lang
        Label language of the rules (``"zh"``): the rules' segmentations,
        and the label columns custseg adds itself (``lifecycle`` when the
        rules do not replace it: 活跃期, 沉默期, ... as the presets name
        the stages; from *contacts* ``relationship``: 基本型, ... as
        ``relationship_type(..., lang="zh")`` names them; from *records*
        ``present``: 交易与档案, 仅交易, 仅档案), which the rules read in
        English before they are named.
    explain
        Add a ``<segmentation>.rule`` column per segmentation: the index of
        the deciding rule (-1 = the default).
    records
        Customer records, one row per customer (survey answers, VIP flags,
        visits, profile fields, ...): a DataFrame with the customer id column
        (named as in the transactions, or as its index), or the path of a
        CSV/Parquet file, read as ``custseg segment --records`` reads it:
        every column as text exactly as written (``007``, ``NA``, ``None``
        stay what they are; only an empty cell is missing) except the fields
        the rules read as numbers or survey answers. The rules read each
        column by its field's type, ``optional`` or not: a bool field from
        yes/no text (``true``, ``yes``, ``是``, ``1``), survey answers as
        :func:`~custseg.loyalty_level` does (``很满意``, codes 1-5, 0-10
        scores; in a file, a code with blanks around it or in full-width
        digits, ``５``, too), other categories exactly as written (as
        :func:`apply_rules` does). The answers go into ``.customers`` as
        given, so :func:`apply_rules` on that output refuses a survey
        answer not spelled as declared (``很满意``, ``5``); its message
        gives the mapping. They are joined by id,
        keeping every customer of either input: customers with records but no transactions have no
        purchase (frequency 0, monetary 0, missing recency and scores), and
        a ``present`` column says where each customer was found (``both``,
        ``transactions_only``, ``records_only``); records-only customers
        come after the buyers, sorted by id too. Their columns are there
        for the rules: the presets' ``optional`` fields (``satisfaction``,
        ``repurchase``, ``referral``, ``vip``, ``visits``, ...) turn on the
        segmentations that read them. Ids are matched exactly: integers of
        any dtype (int64 with uint64, nullable, Arrow, past ``2**53``) in a
        common integer dtype (Python ints when none holds both), a
        Categorical by its categories; ids of another kind than the
        transactions' (text and integers) are an InputError.
    contacts
        Contact records, one row per contact between the shop and a
        customer: a DataFrame or file with the customer id column (or a
        DataFrame indexed by it, as records may be) and
        ``date``, ``initiator`` (``customer`` / ``company``) and ``kind``
        (``sale``, ``complaint``, ``inquiry``, ``follow_up``, ``suggestion``,
        ``new_product``, ``joint_project``, ``other``; Chinese names too).
        Adds a ``relationship`` column: Kotler's level each customer's
        contacts show (:func:`~custseg.relationship_type`, default
        thresholds; the first purchase counts as the first sale). Customers
        found only in the contacts are kept, like records-only ones. Their
        dates are read as ISO 8601 or ``YYYYMMDD``, else in ``date_format``.
        A contact dated after ``as_of`` is an InputError, or with
        ``after_as_of="drop"`` left out, as later transactions are
        (``.customers.attrs["n_contacts_dropped"]`` counts them, as
        ``attrs["n_dropped"]`` counts the transactions, and
        ``attrs["n_contacts_dropped_customers"]`` the customers known only
        from those contacts, who are then left out).
    encoding
        Text encoding of the files given as paths (``"gbk"``, ``"gb18030"``,
        ``"latin-1"``; default UTF-8): a codec name, checked whether or not
        a path is given.
    sep
        Separator of a *transactions* file given as a path, as for
        :func:`read_table` (``";"``, ``"tab"``, ``"whitespace"``; default:
        by the extension, ``.txt`` sniffed), as ``custseg segment --sep``:
        the file is read with every check of a path (ids as written,
        ``1.234`` in a ``;`` file refused as thousands or decimals). Not
        used for a frame, nor for the *records* and *contacts* files, which
        are read by their extension (name a ``;`` file ``.txt`` to have it
        sniffed).
    records_encoding, contacts_encoding
        Text encoding of a *records* or *contacts* file given as a path,
        when it differs from the transactions' (member records saved from
        Excel as GBK beside a UTF-8 till export), as the command line's
        ``--records-encoding`` / ``--contacts-encoding``. Default: *encoding*.
    aggregates
        Values of the rules' population aggregates to use instead of fitting
        them on these customers (from an earlier result:
        ``result.aggregates``; see :meth:`custseg.rules.RuleSet.aggregates`):
        finite numbers (NaN and infinities are refused).
    order
        Order id column, when the rows are order lines (one row per product
        of a basket, as in most order exports): each order, the lines of a
        customer sharing an order id, is then one transaction, dated by its
        earliest line, its amount the sum of its lines (see
        :func:`custseg.orders_from_lines`); read as text from a file. In
        an engine's frame the lines are collapsed in the engine, to the
        same facts. The result's ``n_rows`` then counts orders, and its
        ``n_dropped`` the lines dropped after ``as_of``.
    quantity, price
        Instead of *amount*: the columns of each line's quantity and unit
        price (order exports such as the UCI "Online Retail" invoices give
        no amount), multiplied as decimals by :func:`~custseg.line_amounts`
        (``3 x 0.29`` is ``0.87``; refunds as negative quantities). Both or
        neither; pandas frames and files only (in an engine, make the
        amounts there). Messages and the report name the amounts
        ``"QUANTITY x PRICE"``.

    Returns
    -------
    SegmentResult
        ``.customers`` is the frame (its ``.attrs`` hold ``as_of``,
        ``n_rows``, ``n_dropped`` and what F counts, ``frequency``:
        ``"transactions"`` or ``"days"``, which a summary of the frame such
        as ``custseg.cli.report`` titles its figures by); ``.edges``,
        ``.abc_edges``, ``.aggregates`` and ``.rules`` score a later period
        on the same scale (``.apply(...)``).

    Raises
    ------
    InputError
        Bad data: a column argument that is not one label, a missing or
        duplicated column, a frame with no rows, dates or amounts the core
        refuses. About a row of a transactions file given as a path, it
        says the row's line in the file (``err.line``, ``first at line 4
        of 'tx.csv'``), as the command line does.
    ThresholdError
        Bad parameters (both *preset* and *rules*, an unknown *lang*, ...).
    RulesError
        An unknown preset name (code ``unknown-preset``) or a rules file with
        errors.

    Warns
    -----
    CustsegWarning
        For each diagnostic (see :attr:`SegmentResult.diagnostics`), among
        them *edges* that replace edges the rules fix.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c2", "c3", "c1"],
    ...     "date": ["2024-06-01", "2024-01-10", "2024-06-20", "2023-05-01",
    ...              "2024-06-25"],
    ...     "amount": [120.0, 35.0, 60.0, 15.0, 80.0]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 3 customers: edges are unstable
    ...     res = segment(tx, preset="ecommerce", as_of="2024-07-01")
    >>> res.customers[["recency_days", "frequency", "r", "lifecycle", "ecom4"]]
                 recency_days  frequency  r lifecycle     ecom4
    customer_id
    c1                    6.0          2  5    active  Ordinary
    c2                   11.0          2  5    active  Ordinary
    c3                  427.0          1  1      gone  Ordinary
    >>> res.diagnostics[0][:40]
    'frequency: only 3 customers to fit 5 sco'
    """
    result = _segment(
        transactions,
        preset=preset,
        rules=rules,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        date_format=date_format,
        bins=bins,
        edges=edges,
        windows=windows,
        abc_cutoffs=abc_cutoffs,
        abc_edges=abc_edges,
        frequency=frequency,
        zero_amount=zero_amount,
        after_as_of=after_as_of,
        lang=lang,
        explain=explain,
        records=records,
        contacts=contacts,
        encoding=encoding,
        sep=sep,
        records_encoding=records_encoding,
        contacts_encoding=contacts_encoding,
        aggregates=aggregates,
        order=order,
        quantity=quantity,
        price=price,
    )
    for note in result.diagnostics:
        warnings.warn(note, CustsegWarning, stacklevel=2)
    return result


def _segment(
    transactions: pd.DataFrame | str | os.PathLike[str],
    *,
    preset: str | None = None,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable = "amount",
    as_of: Any = None,
    date_format: str | None = None,
    bins: int | tuple[int, int, int] | None = None,
    edges: RfmEdges | None = None,
    windows: LifecycleWindows | None = None,
    abc_cutoffs: tuple[float, float] | AbcCutoffs = (0.8, 0.95),
    abc_edges: AbcEdges | None = None,
    frequency: str = "transactions",
    zero_amount: str = "purchase",
    after_as_of: str = "raise",
    lang: str | None = None,
    explain: bool = False,
    records: pd.DataFrame | str | os.PathLike[str] | None = None,
    contacts: pd.DataFrame | str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    records_encoding: str | None = None,
    contacts_encoding: str | None = None,
    aggregates: dict[str, float] | None = None,
    order: Hashable | None = None,
    quantity: Hashable | None = None,
    price: Hashable | None = None,
    frame_arg: str = "transactions",
    edges_arg: str = "edges",
    kept: str | None = None,
) -> SegmentResult:
    """:func:`segment` without warning its diagnostics: they are in the
    result's ``diagnostics`` only (:func:`segment_frame`; no warning filter
    is changed, which several threads would leave behind). *kept*: what
    :meth:`SegmentResult.apply` took from its result rather than from its
    caller (``"edges"``, ``"bins"``), for fixes that work there."""
    _check_encoding(encoding)  # a file's, the records' or the contacts'
    check_sep(sep)
    records_file = _side_encoding(records_encoding, "records", encoding)
    contacts_file = _side_encoding(contacts_encoding, "contacts", encoding)
    _check_options(
        customer=customer,
        date=date,
        amount=amount,
        order=order,
        quantity=quantity,
        price=price,
        bins=bins,
        edges=edges,
        aggregates=aggregates,
        edges_arg=edges_arg,
    )
    # a path's rows are the file's: errors say their lines (so do those of a
    # frame custseg.report read from a file: _TX_FILE)
    tx_file = _TX_FILE.get()
    if isinstance(transactions, str | os.PathLike):
        tx_file = (
            transactions,
            {"customer": customer, "sep": sep, "encoding": encoding},
        )
    with _rows_of_file(*(tx_file or (None, {}))):
        if isinstance(transactions, str | os.PathLike):
            transactions = read_transactions(
                transactions,
                customer,
                order,
                encoding,
                amount,
                quantity,
                price,
                date=date,
                date_format=check_date_format(date_format),
                sep=sep,
            )
        # Arrow string_view / binary_view columns (a Polars export) read as
        # large_string / large_binary: pandas has no kernels for the view types
        transactions = v.arrow_plain(transactions)
        tx, amounts = with_line_amounts(
            transactions,
            amount,
            quantity,
            price,
            frame_arg,
            customer=customer,
            date=date,
            order=order,
        )
        explain = v.flag_param(explain, "explain")
        cutoffs = _abc_cutoffs(abc_cutoffs)
        abc_edges_given = abc_edges is not None
        if abc_edges_given and abc_cutoffs is not None and cutoffs != AbcCutoffs():
            raise ThresholdError(
                f"'abc_cutoffs' ({_short(abc_cutoffs)}) is given with 'abc_edges', "
                "which are fixed spend thresholds: the cutoffs would be ignored; "
                "give one, not both (abc_edges=None fits new ABC edges at these "
                "cutoffs; result.apply(tx, abc_cutoffs=...) on a later period)"
            )
        if isinstance(frequency, str) and frequency == "rows":
            frequency = "transactions"  # the command line's name for it
        rs = _load_rules(preset, rules)
        if lang is not None:
            _check_lang(rs, lang)
        if windows is not None and rs is not None and "lifecycle" in rs.tables:
            breaks = ", ".join(
                _display.number_text(b) for b in rs.tables["lifecycle"].breaks
            )
            raise ThresholdError(
                f"'windows' is given with rules that have their own lifecycle table "
                f"(breaks {breaks} days): the windows would be ignored; give one, not "
                "both (leave windows= out, or a rules file that extends the preset "
                "with [tables.lifecycle] breaks = [...])"
            )
        facts = _facts(
            tx,
            customer,
            date,
            amounts,
            as_of,
            {
                "frequency": frequency,
                "zero_amount": zero_amount,
                "after_as_of": after_as_of,
                "date_format": date_format,
                "order": order,
            },
            need_rows=True,
            frame_arg=frame_arg,
        )
    buyers = facts.frequency > 0
    notes: list[str] = []
    replaced: dict[str, str] = {}  # fixed [scores] edges that edges= replaces
    edges_given = edges is not None
    if edges is None:
        edges, notes = _fit_edges(facts, buyers, bins, rs)
    elif rs is not None:
        # the edges given win, as documented; the note says so and how not to
        keep = _KEEP_FIXED_EDGES_APPLY if kept == "edges" else _KEEP_FIXED_EDGES
        replaced = _replaced_fixed_edges(rs, edges, keep)
        notes += replaced.values()
    if rs is not None:
        check_scores_fit(rs, edges, None if edges_given else bins, kept=kept)
    out = _facts_frame(facts, customer)
    scores = attrs.evolve(
        facts.rfm_scores(edges=edges), diagnostics=tuple(notes), index=out.index
    )
    out = pd.concat([out, scores.to_pandas()], axis=1)
    found: list[pd.Index] = []  # the ids of the records and of the contacts
    contacts_dropped = None  # the ids of contacts after as_of, dropped
    contacts_read = None  # what relationship was computed from
    sources: list[str] = []
    if records is not None:
        frame = _records_frame(records, customer, records_file, rs)
        out = _join_records(out, frame, customer, _computed_names(rs, explain))
        found.append(frame.index)
        sources.append("customer records")
    if contacts is not None:
        out, contact_ids, contacts_dropped, contacts_read = _join_relationship(
            out,
            contacts,
            customer,
            facts,
            date_format=date_format,
            after_as_of=after_as_of,
            encoding=contacts_file,
        )
        found.append(contact_ids)
        sources.append("contacts")
    if found:  # where each customer was found; the buyers are the first rows
        in_tx = np.arange(len(out)) < len(facts)
        in_other = np.zeros(len(out), dtype=bool)
        for ids, source in zip(found, sources, strict=True):
            index, ids = same_ids(out.index, ids)
            hit = members(index, ids)
            in_other |= hit
            if len(ids) and in_tx.any() and not hit[in_tx].any():
                notes.append(_no_match(source, ids, index[in_tx]))
            elif len(ids) and in_tx.any():
                note = _some_apart(source, ids, index[in_tx])
                if note is not None:
                    notes.append(note)
        present = np.where(in_tx, np.where(in_other, 0, 1), 2)
        out["present"] = Labels(present, PRESENT_NAMES).to_categorical()
    recency = out["recency_days"].to_numpy()
    monetary = out["monetary"].to_numpy()
    out["lifecycle"] = lifecycle_stage(recency, windows).to_categorical()
    if abc_edges is None and (facts.monetary > 0).any():
        # every customer of the frame: those only in records= count in a
        # rank cut, with monetary 0, as refund-only customers do
        abc_edges = abc_edges_fit(monetary, cutoffs)
    if abc_edges is not None:
        out["abc"] = abc_classes(monetary, edges=abc_edges).to_categorical()
    else:  # nobody spent anything: there is no A or B
        out["abc"] = Labels(
            np.full(len(out), 2), ABC_NAMES, ordered=True
        ).to_categorical()
    if rs is not None:
        # the rules see the records' answers in their own spellings; the
        # frame keeps the records as they came
        data = _record_answers(out, rs) if records is not None else out
        try:
            evaluated = rs.evaluate(
                data, explain=explain, lang=lang, aggregates=aggregates
            )
        except InputError as exc:  # a records field: out of bounds, not numbers
            if records is None or exc.field not in frame.columns:
                raise
            raise _for_customer(exc, out.index) from None
        aggregates = evaluated.aggregates
        result = evaluated.to_pandas()
        _check_replaced(out, result.columns, rs)
        for column in result.columns:  # replaces earlier outputs (lifecycle)
            out[column] = result[column]
        notes += _contradictions(rs, out, replaced)
        out = _spine_in_lang(out, lang, set(result.columns))
    elif aggregates is not None:
        raise ThresholdError(
            "'aggregates' needs rules (preset= or rules=): they are the values "
            "of the rules' aggregates"
        )
    out.attrs["as_of"] = str(facts.as_of)
    out.attrs["n_rows"] = facts.n_rows
    out.attrs["n_dropped"] = facts.n_dropped
    # what F (frequency, and the summaries' orders) counts: transactions or
    # purchase days, for a summary of the frame to title its figures
    out.attrs["frequency"] = frequency
    out.attrs["n_contacts_dropped"] = (
        0 if contacts_dropped is None else len(contacts_dropped)
    )
    if contacts_dropped is not None and len(contacts_dropped):
        # customers whose every contact was dropped, kept by nothing else
        # (a customer of dropped transactions too is counted with them)
        seen = out.index
        with contextlib.suppress(KeyError, TypeError, ValueError):
            seen = seen.append(pd.Index(pd.unique(tx[customer])))
        out.attrs["n_contacts_dropped_customers"] = dropped_customers(
            contacts_dropped, seen
        )
    # written as read by write_table, whatever their names
    out.attrs["record_columns"] = tuple(frame.columns) if records is not None else ()
    settings = {
        "customer": customer,
        "date": date,
        "amount": amount,
        "quantity": quantity,
        "price": price,
        "date_format": date_format,
        "windows": windows,
        # what edges=None refits with (apply() keeps the first fit's): edges
        # given carry their own bins
        "bins": bins if bins is not None or not edges_given else _bins_of(edges, rs),
        # the cutoffs only when they were used: edges given are not refitted
        # (apply() keeps those the first result's edges were fitted with)
        "abc_cutoffs": None if abc_edges_given else abc_cutoffs,
        "frequency": frequency,
        "zero_amount": zero_amount,
        "after_as_of": after_as_of,
        "order": order,
        "lang": lang,
        "explain": explain,
        "records": records,
        "contacts": contacts,
        "encoding": encoding,
        "sep": sep,
        "records_encoding": records_encoding,
        "contacts_encoding": contacts_encoding,
    }
    return SegmentResult(
        customers=out,
        facts=facts,
        scores=scores,
        edges=edges,
        abc_edges=abc_edges,
        rules=rs,
        diagnostics=tuple(notes),
        settings=settings,
        aggregates=dict(aggregates or {}),
        contact_summary=contacts_read,
    )


def _bins_of(edges: RfmEdges, rs: RuleSet | None) -> Any:
    """The ``bins`` *edges* were fitted with, as :func:`segment` takes them:
    one count when the three agree, else ``(recency, frequency, monetary)``,
    None for a dimension whose edges the rules fix (refitted, the rules'
    edges stand there, or other rules' count)."""
    specs = rs.scores if rs is not None else {}
    counts = tuple(
        None if getattr(specs.get(key), "edges", None) is not None else dim.bins
        for key, dim in zip(
            ("r", "f", "m"),
            (edges.recency, edges.frequency, edges.monetary),
            strict=True,
        )
    )
    known = {c for c in counts if c is not None}
    if not known:
        return None  # every dimension fixed: the rules' edges again
    if len(known) == 1 and None not in counts:
        return counts[0]
    return counts


def _side_encoding(given: str | None, what: str, encoding: str | None) -> str | None:
    """The encoding of the *what* (``"records"``, ``"contacts"``) file:
    *given* (``records_encoding=``, checked), else *encoding*."""
    if given is None:
        return encoding
    return _check_encoding(given, f"{what}_encoding")


def _check_options(
    *,
    customer: Hashable,
    date: Hashable,
    amount: Hashable,
    order: Hashable | None,
    quantity: Hashable | None,
    price: Hashable | None,
    bins: Any,
    edges: Any,
    aggregates: Any,
    edges_arg: str = "edges",
) -> None:
    """The options of :func:`segment` checked before any data is read (the
    RFM edges named *edges_arg*, as the caller calls them): the
    column arguments one label each, customer, date and amount (not used
    with quantity and price) three columns, *bins* not beside *edges* of
    other bins, *aggregates* finite."""
    for arg, column in (("order", order), ("quantity", quantity), ("price", price)):
        _label(column, arg)
    product = quantity is not None or price is not None
    check_columns_apart(
        customer=customer, date=date, amount=None if product else amount
    )
    if edges is not None and not isinstance(edges, RfmEdges):
        raise ThresholdError(
            f"{edges_arg!r} must be an RfmEdges: got {type(edges).__name__}"
        )
    if edges is not None and bins is not None:
        later = "; result.apply(tx, edges=None, bins=...) on a later period"
        check_bins_of(bins, edges, edges_arg, later if edges_arg == "edges" else "")
    if isinstance(aggregates, Mapping):
        for key, value in aggregates.items():
            if not v._is_real(value):
                continue  # the rules say what is wrong with it
            try:
                infinite = math.isinf(value)
            except (OverflowError, ValueError):  # the rules refuse 10**400
                continue
            if infinite:  # (NaN: the rules say it was fitted over nobody)
                raise InputError(
                    "aggregates",
                    f"has {v.describe(value)} for {key!r}, not a finite number: "
                    "every comparison with it would go one way",
                    fix="pass the values RuleSet.aggregates(data) or "
                    "result.aggregates gives, or leave aggregates= out "
                    "(aggregates=None) to fit them on this data",
                )


def _abc_cutoffs(value: Any) -> AbcCutoffs:
    """*abc_cutoffs*: an :class:`AbcCutoffs` or a pair of shares (a, b);
    None for the default (0.8, 0.95)."""
    if value is None:
        return AbcCutoffs()
    if isinstance(value, AbcCutoffs):
        return value
    pair = v.number_tuple_param(value, "abc_cutoffs")
    if len(pair) != 2:
        raise ThresholdError(
            "'abc_cutoffs' must be two shares (a, b), such as (0.8, 0.95), or "
            f"an AbcCutoffs: got {len(pair)} numbers"
        )
    return AbcCutoffs(*pair)


def _check_lang(rs: RuleSet | None, lang: str) -> None:
    """*lang* must be a language of the rules (:meth:`RuleSet.check_lang
    <custseg.rules.RuleSet.check_lang>`); without rules, no language."""
    if rs is None:
        raise ThresholdError(
            f"'lang' ({lang!r}) needs rules: labels and their translations come "
            "from a preset or rules file"
        )
    rs.check_lang(lang)


@overload
def segment_frame(
    df: pd.DataFrame,
    *,
    customer: Hashable = ...,
    date: Hashable = ...,
    amount: Hashable = ...,
    as_of: Any = ...,
    bins: int | tuple[int, int, int] | None = ...,
    rfm_edges: RfmEdges | None = ...,
    windows: LifecycleWindows | None = ...,
    abc_cutoffs: tuple[float, float] | AbcCutoffs = ...,
    output: Literal["native", "pandas"] = ...,
    date_format: str | None = ...,
    frequency: Literal["transactions", "days"] = ...,
    zero_amount: Literal["purchase", "ignore"] = ...,
    after_as_of: AfterPolicy = ...,
    order: Hashable | None = ...,
) -> pd.DataFrame: ...
@overload
def segment_frame(
    df: Any,
    *,
    customer: Hashable = ...,
    date: Hashable = ...,
    amount: Hashable = ...,
    as_of: Any = ...,
    bins: int | tuple[int, int, int] | None = ...,
    rfm_edges: RfmEdges | None = ...,
    windows: LifecycleWindows | None = ...,
    abc_cutoffs: tuple[float, float] | AbcCutoffs = ...,
    output: str = ...,
    date_format: str | None = ...,
    frequency: Literal["transactions", "days"] = ...,
    zero_amount: Literal["purchase", "ignore"] = ...,
    after_as_of: AfterPolicy = ...,
    order: Hashable | None = ...,
) -> Any: ...
def segment_frame(
    df: Any,
    *,
    customer: Hashable = "customer_id",
    date: Hashable = "date",
    amount: Hashable = "amount",
    as_of: Any = None,
    bins: int | tuple[int, int, int] | None = None,
    rfm_edges: RfmEdges | None = None,
    windows: LifecycleWindows | None = None,
    abc_cutoffs: tuple[float, float] | AbcCutoffs = (0.8, 0.95),
    output: str = "native",
    date_format: str | None = None,
    frequency: Literal["transactions", "days"] = "transactions",
    zero_amount: Literal["purchase", "ignore"] = "purchase",
    after_as_of: AfterPolicy = "raise",
    order: Hashable | None = None,
) -> Any:
    """The spine on a DataFrame: facts, RFM scores, lifecycle stage, ABC class.

    :func:`segment` without rules, returning only the frame (its diagnostics
    in ``.attrs["diagnostics"]``, not warned). Customers with no purchase
    (refunds only) have no RFM scores (``<NA>``), are left out when the RFM
    edges are fitted, and get the ``no_purchase`` lifecycle stage; ABC is on
    net ``monetary`` (so they are C).

    Parameters
    ----------
    df
        One row per transaction: a pandas DataFrame, or a Polars (eager or
        lazy), PyArrow, DuckDB, Dask or PySpark frame (summarised in its
        engine, see the "Beyond one machine" page).
    customer
        Customer id column; it becomes the index of the result.
    date
        Date column.
    amount
        Amount column.
    as_of
        Reference day (default: the day after the last transaction).
    bins
        RFM scores per dimension (when *rfm_edges* is not given): one count
        or ``(recency, frequency, monetary)``; default 5.
    rfm_edges
        Fixed RFM edges to apply instead of fitting quantiles (they carry
        their bins: *bins* beside them, other than theirs, is a
        :class:`~custseg.errors.ThresholdError`).
    windows
        Lifecycle windows (default: e-commerce 90/180/270 days).
    abc_cutoffs
        Cumulative value shares for A and B.
    output
        For a frame that is not pandas: ``"native"`` (default) gives the
        result in the caller's kind of frame (eager in, eager out; lazy in,
        a lazy frame of the same engine on the computed result; the customer
        id as the first column), ``"pandas"`` the pandas frame indexed by
        customer id (see the "Beyond one machine" page). Ignored for pandas input.
    date_format
        As for :func:`segment`.
    frequency, zero_amount, after_as_of
        As for :func:`~custseg.summarize`.
    order
        Order id column, when the rows are order lines (one row per product
        of a basket): each order (a customer's lines sharing an order id)
        is then one transaction, as ``order_id=`` of
        :func:`~custseg.summarize` makes it. In an engine's frame the
        lines are collapsed in the engine, to the same facts.

    Returns
    -------
    pandas.DataFrame
        The facts plus ``r``, ``f``, ``m``, ``rfm`` (nullable integers),
        ``lifecycle`` and ``abc`` (categoricals), indexed by customer id.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3, 4],
    ...                    "date": ["2024-01-02", "2023-06-01", "2024-01-01",
    ...                             "2023-03-01", "2023-12-01"],
    ...                    "amount": [100.0, 20.0, 30.0, 5.0, -8.0]})
    >>> seg = segment_frame(tx, bins=3)
    >>> seg[["rfm", "lifecycle", "abc"]]
                  rfm    lifecycle abc
    customer_id
    1             313       active   A
    2             232       active   A
    3             111         lost   C
    4            <NA>  no_purchase   C
    """
    # the diagnostics are collected, not warned: no warning filter is set
    # (several threads would leave one behind for good)
    res = _segment(
        df,
        customer=customer,
        date=date,
        amount=amount,
        as_of=as_of,
        bins=bins,
        edges=rfm_edges,
        windows=windows,
        abc_cutoffs=abc_cutoffs,
        frame_arg="df",
        edges_arg="rfm_edges",
        date_format=date_format,
        frequency=frequency,
        zero_amount=zero_amount,
        after_as_of=after_as_of,
        order=order,
    )
    out = res.customers
    out.attrs["diagnostics"] = list(res.diagnostics)
    e = res.edges  # the scales of r, f, m: apply_rules checks rules against them
    out.attrs["rfm_bins"] = (e.recency.bins, e.frequency.bins, e.monetary.bins)
    if _engines.is_engine_frame(df):  # the caller's kind of frame
        return _engines.to_native(out, df, output)
    return out


SPINE_SCORES = ("r", "f", "m")
#: segment_frame's facts and scores: never replaced by a rules output
_FACT_COLUMNS = frozenset((*FACT_COLUMNS, *SPINE_SCORES, "rfm"))


def _engine_id_column(table: pd.DataFrame, rs: RuleSet | None) -> Any:
    """The customer id column of an engine's customer table (it has no
    index): ``customer_id``, else the first column, which must not be a
    column the rules read or a fact or score (a frame joined so that a field
    comes first would lose it as the id, and the outputs that read it)."""
    columns = list(table.columns)
    if "customer_id" in columns:
        return "customer_id"
    if not columns:
        raise InputError(
            "seg", "has no columns", fix="pass one row per customer with its facts"
        )
    first = columns[0]
    read = set(_FACT_COLUMNS)
    if rs is not None:
        read |= {*rs.fields, *rs.outputs}
    if first in read:
        raise InputError(
            str(first),
            "is the first column of the frame, which is taken as the customer "
            "id when the frame has no 'customer_id' column, but it is a column "
            "the rules read (or a fact or score)",
            fix="name the id column customer_id, or select it first (e.g. "
            "frame.select('member', ...))",
        )
    return first


@overload
def apply_rules(
    seg: pd.DataFrame,
    rules: RuleSet | str | os.PathLike[str],
    *,
    lang: str | None = ...,
    explain: bool = ...,
    output: Literal["native", "pandas"] = ...,
    aggregates: Mapping[str, float] | None = ...,
) -> pd.DataFrame: ...
@overload
def apply_rules(
    seg: Any,
    rules: RuleSet | str | os.PathLike[str],
    *,
    lang: str | None = ...,
    explain: bool = ...,
    output: str = ...,
    aggregates: Mapping[str, float] | None = ...,
) -> Any: ...
def apply_rules(
    seg: Any,
    rules: RuleSet | str | os.PathLike[str],
    *,
    lang: str | None = None,
    explain: bool = False,
    output: str = "native",
    aggregates: Mapping[str, float] | None = None,
) -> Any:
    """Apply a rules file or preset to per-customer facts; add one column per output.

    *seg* is usually :func:`segment_frame` output: its columns ``recency_days``,
    ``frequency``, ``monetary``, ``tenure_days``, ``r``, ``f``, ``m`` are the
    fields the shipped presets declare. Missing scores (``<NA>``, or the 0 of
    frames written by custseg before 0.1, for ``r``, ``f``, ``m`` fields
    declared from 1 up as the presets do) are passed to the rules as missing;
    a field of your own named ``r``, ``f`` or ``m`` keeps its 0 and negative
    values. The scores the rules fix by ``[scores]`` edges (every industry
    preset fixes ``r`` by days) are made again from ``recency_days``,
    ``frequency`` and ``monetary`` with those edges, as :func:`segment`
    makes them (buyers only), and replace the table's in the result; a
    one-purchase buyer's missing recency is the tenure there as in the
    rules (the one purchase is the first and the last), so it is scored
    into ``r`` though the table's ``r`` is missing.

    Parameters
    ----------
    seg
        One row per customer (pandas, or a Polars, PyArrow, DuckDB, Dask or
        PySpark frame). A frame of another engine has no index: its
        ``customer_id`` column is the customer id, else its first column,
        which must not be a fact, a score or a field the rules read (an
        :class:`~custseg.InputError`).
    rules
        A compiled :class:`~custseg.rules.RuleSet`, or a preset name or file
        path for :func:`custseg.rules.load`.
    lang
        Label language (``"zh"`` for the Chinese names the presets carry).
        The label columns of *seg* custseg made itself and the rules leave
        as they are (``segment_frame``'s ``lifecycle``, ``relationship``,
        ``present``) are given in it too, as :func:`segment` gives them.
    explain
        Add a ``<segmentation>.rule`` column: the index of the deciding rule
        (-1 = the default).
    output
        For a frame that is not pandas: ``"native"`` (default) gives the
        result in the caller's kind of frame (eager in, eager out; lazy in,
        a lazy frame of the same engine on the computed result; the customer
        id as the first column), ``"pandas"`` the pandas frame indexed by
        customer id (see the "Beyond one machine" page). Ignored for pandas input.
    aggregates
        Values of the rules' population aggregates (``mean(monetary)``,
        ...) to use instead of fitting them on *seg*: the
        ``.attrs["aggregates"]`` of an earlier result (or
        :meth:`~custseg.rules.RuleSet.aggregates` of a reference period), so
        that a later period is labelled on the same scale.

    Returns
    -------
    pandas.DataFrame
        A copy of *seg* (same index) with a categorical column per table and
        segmentation (and a boolean column per tag). A pandas result's
        ``.attrs["aggregates"]`` holds the aggregate values used (canonical
        text -> value; fitted on *seg* unless given).

    Raises
    ------
    InputError
        *seg* is not a DataFrame, a field the rules need is missing, a
        field or output names more than one column, or an output would
        replace a column of *seg* that is not an earlier output (a fact or
        score, a column of numbers or dates, a field the rules read; label
        columns, such as ``segment_frame``'s ``lifecycle``, are replaced).
    ThresholdError
        *rules* is not a RuleSet, a preset name or a path; an unknown *lang*.
    RulesError
        The rules file has errors.

    Examples
    --------
    >>> seg = pd.DataFrame({"recency_days": [3.0, 400.0], "frequency": [12, 1],
    ...                     "monetary": [2500.0, 30.0], "tenure_days": [700.0, 400.0],
    ...                     "r": [5, 1], "f": [5, 1], "m": [5, 1]},
    ...                    index=pd.Index(["u7", "u2"], name="member"))
    >>> apply_rules(seg, "ecommerce")[["lifecycle", "rfm11", "ecom4"]]
           lifecycle      rfm11            ecom4
    member
    u7        active  Champions  Key Development
    u2          gone       Lost         Ordinary
    >>> apply_rules(seg, "ecommerce", lang="zh")["rfm11"].tolist()
    ['冠军客户', '已流失']

    Aggregates fitted on one period label another on the same scale:

    >>> first = apply_rules(seg, "ecommerce")
    >>> first.attrs["aggregates"]["mean(monetary, where=not missing(recency_days))"]
    1265.0
    >>> later = seg.assign(monetary=[2500.0, 4000.0])
    >>> apply_rules(later, "ecommerce")["rfm8"].tolist()  # refitted: mean 3250
    ['General Value', 'Important Win-back']
    >>> apply_rules(later, "ecommerce", aggregates=first.attrs["aggregates"])["rfm8"].tolist()
    ['Important Value', 'Important Win-back']
    """
    explain = v.flag_param(explain, "explain")
    if _engines.is_engine_frame(seg):  # False at once for pandas
        # another engine's customer table: rules run on it collected, indexed
        # by its customer_id column, else by its first column (as the
        # engines write the id)
        table = _score_types(_engines.to_pandas_frame(seg))
        loaded = _load_rules(None, rules)  # once, for the id and the labels
        out = apply_rules(
            table.set_index(_engine_id_column(table, loaded)),
            rules if loaded is None else loaded,
            lang=lang,
            explain=explain,
            aggregates=aggregates,
        )
        return _engines.to_native(out, seg, output)
    _check_frame(
        seg, "seg", "pass one row per customer, e.g. segment_frame(...) output"
    )
    seg = v.arrow_plain(seg)  # (Arrow string_view columns: as large_string)
    rs = _load_rules(None, rules)
    if rs is None:
        raise ThresholdError(
            "'rules' must be a RuleSet, a preset name or a file path: got None"
        )
    if lang is not None:
        _check_lang(rs, lang)
    data: dict[str, Any] = {}
    duplicated = set(seg.columns[seg.columns.duplicated()])
    for name in (*rs.required_fields(), *rs.outputs):
        if name in duplicated:
            raise InputError(
                name,
                "names more than one column",
                fix="rename or drop the duplicates",
            )
    for name in rs.required_fields():
        if name not in seg.columns and rs.fields[name].optional:
            continue  # the outputs that read it are left out
        if name not in seg.columns:
            raise InputError(
                name,
                "is not a column of the data, but the rules need it",
                fix=nfkc_column(name, seg.columns)
                or "run segment_frame first, or add the column",
            )
        col = seg[name]
        low = rs.fields[name].min
        if (
            name in SPINE_SCORES
            and low is not None
            and low > 0
            and pd.api.types.is_numeric_dtype(col.dtype)
        ):
            # custseg's own scores (1..bins): 0 is "no purchase" in frames
            # written before 0.1; any other value is the rules' to check
            col = col.mask(col == 0)
        data[name] = col
    rescored = _fixed_scores(seg, rs)
    _check_table_scales(seg, rs, rescored)
    code = _rfm_code(seg, rs, rescored) if rescored and "rfm" in seg.columns else None
    if code is not None:  # the code of the scores labelled with
        rescored["rfm"] = code
    data.update((k, c) for k, c in rescored.items() if k in rs.fields)
    # (rules that read no field: still one row per customer)
    given: Any = data if data else pd.DataFrame(index=pd.RangeIndex(len(seg)))
    evaluated = rs.evaluate(given, explain=explain, lang=lang, aggregates=aggregates)
    result = evaluated.to_pandas()
    result.index = seg.index  # rows are in seg's order; align on its labels
    # an earlier run's explain columns (the rule each row's label came from)
    # are replaced with the labels, or, without explain, dropped: they would
    # name the rules of the earlier labels
    explained = {f"{n}.rule" for n in rs.segments if n in result.columns}
    earlier = [
        c
        for c in seg.columns
        if c in explained and pd.api.types.is_integer_dtype(seg[c].dtype)
    ]
    _check_replaced(seg, [c for c in result.columns if c not in earlier], rs)
    out = seg.drop(columns=[c for c in earlier if c not in result.columns])
    for key, col in rescored.items():  # the scores the rules labelled with
        out[key] = col
    for column in result.columns:  # replaces earlier outputs of the same name
        out[column] = result[column]
    # the label columns custseg added itself (segment_frame's lifecycle) in
    # the language of the rules' columns, as segment(lang=) gives them
    out = _spine_in_lang(out, lang, set(result.columns))
    out.attrs["aggregates"] = dict(evaluated.aggregates)
    return out


def _score_types(table: pd.DataFrame) -> pd.DataFrame:
    """*table* (collected from an engine) with its ``r``, ``f``, ``m`` and
    ``rfm`` columns of whole numbers as pandas' nullable integers, as
    :func:`segment_frame` gives them: an engine's integer column with a
    missing value arrives as floats (``1.0``, ``NaN``)."""
    for key in (*SPINE_SCORES, "rfm"):
        if key not in table.columns or table[key].dtype.kind != "f":
            continue
        col = table[key]
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        known = values[~np.isnan(values)]
        if np.any(known != np.trunc(known)) or np.any(np.abs(known) >= 2**31):
            continue  # not scores: left as they are
        top = float(np.abs(known).max()) if len(known) else 0.0
        # the narrowest integer type that holds them (a field of yours named
        # r, f or m may hold 40000)
        kinds: list[tuple[Any, int]] = [
            (pd.Int8Dtype(), 2**7),
            (pd.Int16Dtype(), 2**15),
            (pd.Int32Dtype(), 2**31),
        ]
        if key == "rfm":  # (segment_frame's codes are Int16 at the least)
            kinds = kinds[1:]
        table[key] = col.astype(next(kind for kind, bound in kinds if top < bound))
    return table


def _kind_of(value: Any) -> str:
    """*value*'s type for a message, with its library where that is not
    pandas (``polars DataFrame``, not a bare ``DataFrame``)."""
    kind = type(value)
    package = kind.__module__.split(".", 1)[0]
    if package in ("builtins", "pandas"):
        return kind.__name__
    return f"{package} {kind.__name__}"


def _to_pandas_fix(value: Any) -> str:
    """How to pass an engine's frame as a side table: collected as pandas."""
    if not _engines.is_engine_frame(value):
        return ""
    call = f"frame.{v.to_pandas_call(value) or 'to_pandas()'}"
    return (
        " (side tables are read as pandas: convert this one first, with "
        f"{call}, or write it to a file)"
    )


def _check_table_scales(
    seg: pd.DataFrame, rs: RuleSet, rescored: Mapping[str, Any]
) -> None:
    """ThresholdError when a score of *seg* the rules read as it is (not
    rescored by their ``[scores]`` edges) was cut into another number of
    bins than the rules declare (``segment_frame(bins=2)`` labelled by
    rules for scores 1..5), as :func:`segment` refuses it; the bins are
    those ``segment_frame`` records in ``.attrs["rfm_bins"]``."""
    bins = seg.attrs.get("rfm_bins")
    if not isinstance(bins, tuple) or len(bins) != 3:
        # another table (read from a file, built by hand, or an engine's,
        # whose frames keep no record): said when its scores look cut short
        _warn_short_scales(seg, rs, rescored)
        return
    for key, n in zip(SPINE_SCORES, bins, strict=True):
        spec = rs.fields.get(key)
        top = None if spec is None else spec.max
        if key in rescored or top is None or not isinstance(n, int) or int(top) == n:
            continue
        raise ThresholdError(
            f"the table's {key} scores are 1..{n} (segment_frame's bins), but "
            f"the rules declare field {key!r} from 1 to {int(top)}: segment with "
            f"{int(top)} {key} scores (bins=), or use rules written for {n} (a "
            f"rules file that extends the preset with [scores] {key} = "
            f"{{ bins = {n} }} and its own segment rules)"
        )


#: Customers per declared score from which every score of a quantile cut
#: is expected to be held (a score never held then says: fewer bins)
_FULL_SCALE_PER_SCORE = 10


def _warn_short_scales(
    seg: pd.DataFrame, rs: RuleSet, rescored: Mapping[str, Any]
) -> None:
    """A CustsegWarning when a table without recorded bins holds a score
    the rules read as it is only as ``1 .. k``, every one of them, with
    ``k`` below the top the rules declare, on enough customers that
    quantile scores into the declared number would have held them all: the
    mark of scores cut into ``k`` bins (``segment_frame(bins=k)`` on a
    Polars or DuckDB frame, which keep no ``.attrs``), which the rules would
    read as the low scores of their scale."""
    short = []
    for key in SPINE_SCORES:
        spec = rs.fields.get(key)
        top = None if spec is None else spec.max
        col = seg.get(key)
        if key in rescored or top is None or col is None:
            continue
        if not pd.api.types.is_numeric_dtype(col.dtype):
            continue
        held = pd.to_numeric(col, errors="coerce").dropna()
        held = held[held > 0]
        top = int(top)
        if len(held) < _FULL_SCALE_PER_SCORE * top:
            continue
        seen = sorted({float(x) for x in pd.unique(held)})
        k = len(seen)
        if 1 < k < top and seen == [float(i) for i in range(1, k + 1)]:
            short.append(f"{key} 1..{k} (the rules: 1..{top})")
    if short:
        warnings.warn(
            f"the table's scores are {', '.join(short)}, every one of them held, "
            f"on {len(seg):,d} customers: if they were cut into fewer bins "
            "(segment_frame(bins=...); a Polars or DuckDB table keeps no record "
            "of it), the rules read them as the low scores of their scale; "
            "segment with the rules' number of scores (bins=), or use rules "
            "written for yours",
            CustsegWarning,
            stacklevel=4,
        )


def _rfm_code(
    seg: pd.DataFrame, rs: RuleSet, rescored: Mapping[str, pd.Series]
) -> pd.Series | None:
    """The ``rfm`` code of the scores the rules label with (*rescored*
    where they fix the edges, *seg*'s own elsewhere), as :func:`segment`
    writes it: ``(r * base + f) * base + m``, base 100 when a score has
    more than 9 bins (those of the fixed edges, the table's recorded
    ``attrs["rfm_bins"]``, else the rules' declared bounds or the scores
    seen), missing where a score is. None when a score is not a column of
    numbers (the table's ``rfm`` is kept, and the rules name what is
    wrong with what they read)."""
    scores = []
    for k in SPINE_SCORES:
        col = rescored[k] if k in rescored else seg.get(k)
        if col is None or not pd.api.types.is_numeric_dtype(col.dtype):
            return None
        scores.append(col.astype("Float64"))
    recorded = seg.attrs.get("rfm_bins")
    bins = []
    for i, (k, col) in enumerate(zip(SPINE_SCORES, scores, strict=True)):
        spec, field = rs.scores.get(k), rs.fields.get(k)
        if k in rescored and spec is not None and spec.edges is not None:
            bins.append(len(spec.edges) + 1)
        elif isinstance(recorded, tuple) and len(recorded) == 3:
            bins.append(int(recorded[i]))
        elif field is not None and field.max is not None:
            bins.append(int(field.max))
        else:
            seen = col.max()
            bins.append(0 if pd.isna(seen) else int(seen))
    base = 100 if max(bins) > 9 else 10
    code = (scores[0] * base + scores[1]) * base + scores[2]
    return code.astype("Int16" if base == 10 else "Int32").rename("rfm")


def _fixed_scores(seg: pd.DataFrame, rs: RuleSet) -> dict[str, pd.Series]:
    """The ``r``, ``f``, ``m`` scores of *seg* that the rules fix by
    ``[scores]`` edges, made from the facts (``recency_days``, ``frequency``,
    ``monetary``) as :func:`segment` makes them: buyers only (``frequency``
    above 0 where the table has it), missing for the others and where the
    table's own score is missing (a customer it leaves unscored) but for
    the recency the rules complete (:func:`_one_purchase_recency`). A score
    whose fact is not a column, or that the rules fit by quantiles, is not
    here (the table's own is used)."""
    out: dict[str, pd.Series] = {}
    buyers = None
    if "frequency" in seg.columns and pd.api.types.is_numeric_dtype(
        seg["frequency"].dtype
    ):
        counts = seg["frequency"].to_numpy(dtype=np.float64, na_value=np.nan)
        buyers = counts > 0
    for key, fact, better in (
        ("r", "recency_days", False),
        ("f", "frequency", True),
        ("m", "monetary", True),
    ):
        spec = rs.scores.get(key)
        if spec is None or spec.edges is None or key not in rs.fields:
            continue
        if fact not in seg.columns or not pd.api.types.is_numeric_dtype(
            seg[fact].dtype
        ):
            continue
        values = seg[fact].to_numpy(dtype=np.float64, na_value=np.nan)
        completed = np.zeros(len(values), dtype=bool)
        if key == "r":  # the recency the rules complete (one_purchase_days)
            values, completed = _one_purchase_recency(seg, rs, values)
        if buyers is not None:
            values = np.where(buyers, values, np.nan)
        codes = _score(
            values,
            ScoreEdges(spec.edges),
            higher_is_better=better,
            nan="unknown",
            field=fact,
        )
        unscored = codes == 0
        if key in seg.columns:  # the table's missing scores stay missing
            unscored |= seg[key].isna().to_numpy() & ~completed
        out[key] = pd.Series(
            pd.array(codes, dtype="Int8"), index=seg.index, name=key
        ).mask(unscored)
    return out


def _one_purchase_recency(
    seg: pd.DataFrame, rs: RuleSet, recency: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """*recency* with a one-purchase buyer's missing day count made the
    tenure, as the rules read it (:func:`custseg.rules._model.one_purchase_days`:
    the one purchase is the first and the last), and the rows completed,
    where the rules declare ``frequency``, ``recency_days`` and
    ``tenure_days`` numbers and *seg* has them as number columns."""
    none = np.zeros(len(recency), dtype=bool)
    for name in SPINE_DAYS:
        spec = rs.fields.get(name)
        if spec is None or spec.kind not in ("number", "integer"):
            return recency, none
        if name not in seg.columns or not pd.api.types.is_numeric_dtype(
            seg[name].dtype
        ):
            return recency, none
    once = seg["frequency"].to_numpy(dtype=np.float64, na_value=np.nan) == 1
    tenure = seg["tenure_days"].to_numpy(dtype=np.float64, na_value=np.nan)
    gap = once & np.isnan(recency) & ~np.isnan(tenure)
    if not gap.any():
        return recency, none
    return np.where(gap, tenure, recency), gap


def _check_replaced(
    frame: pd.DataFrame, columns: Iterable[Hashable], rs: RuleSet
) -> None:
    """InputError when an output of the rules would replace a column of
    *frame* that cannot be an earlier output: a fact or score of
    ``segment_frame``, a column of numbers or dates (a record's answer), or
    a field the rules read. Earlier outputs (labels: categorical, text or
    boolean columns, such as ``lifecycle`` from ``segment_frame`` or a
    previous run's segments, also as text after another engine) are
    replaced, as documented."""
    read = set(rs.required_fields())
    for column in columns:
        if column not in frame.columns:
            continue
        dtype = frame[column].dtype
        labels = (
            isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
        )
        if labels and column not in read and column not in _FACT_COLUMNS:
            continue
        what = "a field the rules read" if column in read else f"a {dtype} column"
        raise replaced_column(str(column), what)


def replaced_column(name: str, what: str) -> InputError:
    """The error for an output of the rules that would replace the column
    *name*, *what* it is (``"a float64 column"``): here and in the engines
    (:func:`custseg._engine_rules._check_replaced`)."""
    return InputError(
        name,
        f"is an output of the rules and also {what} of the data, which the "
        "output would replace",
        fix=f"rename the table, segmentation or tag set {name!r} in the rules file",
    )
