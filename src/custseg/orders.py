"""Order lines in, one transaction per order out.

Many exports hold one row per *line* of an order (a product, a quantity, a
price): the UCI "Online Retail" invoices, a web shop's order export, a
point-of-sale journal. Counted as they are, every line is a purchase, and a
customer who bought five products in one basket has a frequency of five.
:func:`orders_from_lines` collapses the lines into one row per order (the
order's earliest date, its lines' amounts summed exactly), and
:func:`custseg.summarize` and :func:`custseg.segment_history`
(``order_id=``), :func:`custseg.segment` and
:func:`custseg.frame.summarize_frame` (``order=``) and the command line
(``--order``) do the same before they count.

An order is the lines that share a customer and an order id: order ids need
only be unique within a customer (an order id under two customers is two
orders). Its amount is the sum of its lines, so an order whose lines net to
less than zero is a refund (a cancellation invoice of its own, as in Online
Retail, is one), and its date is its earliest line's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_row_index, to_pandas_index
from ._exact import NO_SCALE, SCALES, row_scales
from ._factorize import group_values
from .errors import InputError, ThresholdError
from .summary import (
    _I64_MAX,
    _coerce_rows,
    _group_ids,
    _Groups,
    _id_values,
    _varied,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Orders", "line_amounts", "orders_from_lines"]

#: the per-order columns of :class:`Orders`, in frame order
_COLUMNS = ("customer_id", "order_id", "date", "amount", "n_lines")


@attrs.frozen(eq=False)
class Orders:
    """Order lines collapsed into orders: one entry per order, in the order
    of each order's first line.

    Attributes
    ----------
    customer_id, order_id
        The order's customer and order id (NumPy arrays; text as ``object``).
    date
        The order's earliest line's date (``datetime64``, the input's unit).
    amount
        The sum of the order's lines (``float64``, decimal amounts summed
        exactly, as :func:`custseg.summarize` sums them; ``int64`` for
        integer amounts).
    n_lines
        The number of lines of each order (``int64``).
    n_rows
        The number of lines read.
    """

    customer_id: Any
    order_id: Any
    date: np.ndarray
    amount: np.ndarray
    n_lines: np.ndarray
    n_rows: int

    def __len__(self) -> int:
        return len(self.amount)

    def to_pandas(self) -> pd.DataFrame:
        """The orders as a DataFrame, one row per order (columns
        ``customer_id``, ``order_id``, ``date``, ``amount``, ``n_lines``),
        ready for :func:`custseg.segment` or :func:`custseg.btyd_summary`.

        >>> o = orders_from_lines(["a", "a"], [7, 7], ["2024-01-01"] * 2, [5.0, 2.5])
        >>> o.to_pandas()
          customer_id  order_id       date  amount  n_lines
        0           a         7 2024-01-01     7.5        2
        """
        import pandas as pd

        columns = self._columns()
        for name in ("customer_id", "order_id"):  # lone surrogates: objects
            index = to_pandas_index(columns[name])
            columns[name] = pd.Series(index, index=None, dtype=index.dtype, copy=False)
        return pd.DataFrame(columns)

    def _columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS}

    def __repr__(self) -> str:
        return _display.short_repr(
            "Orders",
            n=len(self),
            noun="orders",
            fields={**self._columns(), "n_rows": self.n_rows},
        )


def orders_from_lines(
    customer_id: Any, order_id: Any, date: Any, amount: Any
) -> Orders:
    """Collapse order lines (one row per product of an order) into orders.

    Parameters
    ----------
    customer_id
        Customer of each line (any ids :func:`custseg.summarize` takes).
    order_id
        Order of each line: integers, text or any hashable values of one
        type. An order is the lines sharing a customer and an order id.
        Missing order ids are an error.
    date
        Date of each line (as :func:`custseg.summarize` reads them).
    amount
        Amount of each line (price times quantity; negative for returns).

    Returns
    -------
    Orders
        One entry per order, in the order of each order's first line: its
        customer, order id, earliest date, summed amount and line count.

    Raises
    ------
    InputError
        What :func:`custseg.summarize` refuses in its columns, and missing,
        mixed-type or unhashable order ids.

    See Also
    --------
    custseg.summarize : ``order_id=`` collapses the lines before counting.
    custseg.segment_history : ``order_id=`` too, over several dates.
    custseg.btyd_summary : takes the orders' columns.

    Examples
    --------
    Two baskets of Ann (three lines, then one return line of its own
    invoice) and one of Bob:

    >>> o = orders_from_lines(
    ...     ["ann", "ann", "bob", "ann", "ann"],
    ...     ["536365", "536365", "536366", "536367", "C536368"],
    ...     ["2024-03-01", "2024-03-01", "2024-03-01", "2024-03-09", "2024-03-10"],
    ...     [15.30, 20.34, 11.10, 22.00, -15.30],
    ... )
    >>> list(o.order_id), o.amount.tolist(), o.n_lines.tolist()
    (['536365', '536366', '536367', 'C536368'], [35.64, 11.1, 22.0, -15.3], [2, 1, 1, 1])
    """
    fields = ("customer_id", "date", "amount")
    if amount is None:  # _coerce_rows reads None as "no amounts"
        raise InputError(
            "amount",
            "is required, got None",
            fix="pass the amount of each line (an order's amount is their sum)",
        )
    common_row_index(
        customer_id=customer_id, order_id=order_id, date=date, amount=amount
    )
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    assert amounts is not None
    orders = order_values(order_id, len(dates), "order_id", "date")
    rows, ticks, sums, lines = collapse(
        ids,
        orders,
        dates.view(np.int64),
        amounts,
        ("customer_id", "order_id", "amount"),
    )
    return Orders(
        _canonical_at(ids, rows, "customer_id"),
        _canonical_at(orders, rows, "order_id"),
        ticks.view(dates.dtype),
        sums,
        lines,
        len(dates),
    )


def _line_fields(fields: Any) -> tuple[str, str]:
    """*fields* of :func:`line_amounts`: two different names (one name
    twice would make the length and index checks compare a column with
    itself).

    >>> _line_fields(["qty", "unit price"])
    ('qty', 'unit price')
    >>> _line_fields(("x", "x"))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'fields' must be two different names (quantity, price): got 'x' twice
    """
    names = v.text_tuple_param(fields, "fields", numbers=False)
    if len(names) != 2:
        raise ThresholdError(
            f"'fields' must be two names (quantity, price), such as "
            f"('quantity', 'price'): got {len(names)}"
        )
    if names[0] == names[1]:
        raise ThresholdError(
            f"'fields' must be two different names (quantity, price): got "
            f"{names[0]!r} twice"
        )
    return names[0], names[1]


def line_amounts(
    quantity: Any, price: Any, *, fields: tuple[str, str] = ("quantity", "price")
) -> np.ndarray:
    """Each line's amount, its quantity times its unit price, as written.

    Exports of order lines (the UCI "Online Retail" invoices, most shop
    systems) give a quantity and a unit price, not the line's amount. In
    floats, ``3 * 0.29`` is ``0.8699999999999999``; here, when a line's
    quantity and price are decimals of few places (up to 8, as
    :func:`custseg.summarize` reads amounts), its product is made of the
    integers of their last places (``3 * 29`` cents) and divided once: the
    nearest double to the decimal product, ``0.87``. A price of many digits
    (such as ``1/3``) gives that line the float product; the other lines
    keep theirs. A product past 2**53 in its last place (``123456789`` x
    ``1234567.89``), or an integer past 2**53, is refused, as such amounts
    are (float64 would round their cents).

    Parameters
    ----------
    quantity, price
        One value per line (list, NumPy array, pandas Series): numbers,
        refunds as negative quantities (or prices). Missing values are
        refused.
    fields
        The names of the two columns, for messages: two different texts.

    Returns
    -------
    numpy.ndarray
        ``float64`` amounts, one per line, in input order.

    Raises
    ------
    InputError
        Values that are not numbers or are missing or infinite, columns
        of different lengths, two Series with different indexes (the
        lines would be paired by position), or products float64 does not
        hold exactly.
    ThresholdError
        *fields* not two different texts.

    Examples
    --------
    >>> import custseg
    >>> custseg.line_amounts([3, 12, -1], [0.29, 2.55, 4.95]).tolist()
    [0.87, 30.6, -4.95]
    >>> 3 * 0.29, 12 * 2.55
    (0.8699999999999999, 30.599999999999998)
    """
    f_quantity, f_price = _line_fields(fields)
    # two Series are paired by index, never by position alone
    common_row_index(**{f_quantity: quantity, f_price: price})
    q = v.as_numeric(quantity, f_quantity)
    p = v.as_numeric(price, f_price)
    v.check_same_length(**{f_quantity: q, f_price: p})
    with np.errstate(over="ignore"):  # refused below
        product = q.astype(np.float64) * p.astype(np.float64)
    if not len(product):
        return product
    if not np.isfinite(product).all():
        first, count = v.first_offender(~np.isfinite(product))
        raise InputError(
            f_price,
            f"times {f_quantity} passes what float64 holds (about 1.8e308)",
            fix="scale the prices down (e.g. to thousands)",
            first_row=first,
            n_rows=count,
        )
    for values, field in ((q, f_quantity), (p, f_price)):
        if (
            values.dtype.kind in "iu"
            and np.abs(values.astype(np.float64)).max() >= 2.0**53
        ):
            first, count = v.first_offender(
                np.abs(values.astype(np.float64)) >= 2.0**53
            )
            v._refuse_inexact(field, first, count)
    iq, sq, fine = _row_integers(q)
    ip, sp, fine_p = _row_integers(p)
    with np.errstate(over="ignore", invalid="ignore"):
        whole = iq * ip
        fine &= fine_p
        past = fine & ~(np.abs(whole) < 2.0**53)  # the product would round
    for i in np.flatnonzero(past).tolist():
        # exactly, in Python integers: trailing zeros of the product (a
        # scale larger than the places written) may bring it below 2**53
        exact, scale = int(iq[i]) * int(ip[i]), int(sq[i]) * int(sp[i])
        while scale > 1 and exact % 10 == 0:
            exact, scale = exact // 10, scale // 10
        if abs(exact) < 2**53:
            whole[i], sq[i], sp[i], past[i] = exact, scale, 1.0, False
    if past.any():
        first, count = v.first_offender(past)
        raise InputError(
            f_price,
            f"times {f_quantity} gives amounts beyond 2**53 in their last place, "
            f"such as {v.describe(q[first])} x {v.describe(p[first])}, which "
            "float64 does not hold exactly",
            first_row=first,
            n_rows=count,
            fix="scale the prices down (e.g. to thousands), or compute the "
            "amounts yourself if rounding them is acceptable",
        )
    # exact products of whole numbers, divided once: correctly rounded
    np.divide(whole, sq * sp, out=product, where=fine)
    return product


def _canonical_at(values: Any, rows: np.ndarray, field: str) -> np.ndarray:
    """*values* at *rows* (each order's first line), equal ids written
    differently (0.0 and -0.0, ``Decimal("1")`` and ``Decimal("1.0")``)
    shown as :func:`custseg.summarize` shows them, whatever line is first."""
    taken = np.asarray(take(values, rows))
    if taken.dtype.kind == "f":
        return taken + 0.0  # 0.0, not a first line's -0.0
    if taken.dtype != object or not any(_varied(x) for x in taken.tolist()):
        return taken
    groups = _group_ids(values, field)  # canonical over every line
    return np.asarray(groups.ids)[np.asarray(groups.codes)[rows]]


def _row_integers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per value, the integer of its last decimal place (as ``float64``), its
    power of ten (from :data:`custseg._exact.SCALES`, 1 for integers) and
    whether it has one (a decimal of up to 8 places, an integer below
    2**53).

    >>> [a.tolist() for a in _row_integers(np.array([0.29, 3.0, 1 / 3]))]
    [[29.0, 3.0, 0.0], [100.0, 1.0, 1.0], [True, True, False]]
    """
    if values.dtype.kind in "iu":
        wide = values.astype(np.float64)
        return wide, np.ones(len(wide)), np.abs(wide) < 2.0**53
    at = row_scales(values)
    fine = at != NO_SCALE
    scale = np.asarray(SCALES, dtype=np.float64)[np.where(fine, at, 0)]
    with np.errstate(over="ignore", invalid="ignore"):
        whole = np.rint(values * scale)
    whole[~fine] = 0.0
    return whole, scale, fine


def order_values(order_id: Any, n: int, field: str, f_date: str) -> Any:
    """The order ids as :func:`custseg.summary._id_values` checks ids, with
    messages about orders, and as many as the *n* dates."""
    if isinstance(order_id, str | bytes | dict | set) or not hasattr(
        order_id, "__len__"
    ):
        raise InputError(
            field,
            f"must be an array-like of order ids, got {type(order_id).__name__}",
            fix="pass a list, NumPy array or pandas Series (one id per line)",
        )
    values = _id_values(order_id, field, "order")
    if len(values) != n:
        raise InputError(
            field,
            f"has {len(values)} rows but {f_date!r} has {n}",
            fix="pass columns of the same table",
        )
    return values


def collapse(
    ids: Any,
    orders: Any,
    ticks: np.ndarray,
    amounts: np.ndarray,
    fields: tuple[str, str, str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, ticks, amounts, n_lines)`` of each order: the row of its
    first line, its earliest tick, its lines' exact sum and their count,
    orders in the order of their first lines. An order is the lines of one
    (customer, order id) pair; *ids* and *orders* are checked values
    (:func:`custseg.summary._id_values`). O(n): the pairs are grouped by
    hashing their two codes."""
    lines = order_lines(ids, orders, fields[:2])
    ticks, sums = order_totals(lines, ticks, amounts, orders, fields[2])
    return lines.rows, ticks, sums, np.bincount(lines.line, minlength=len(sums))


class Lines(NamedTuple):
    """Which order each line is of (see :func:`order_lines`)."""

    #: the order of each line: 0, 1, ... in the order of their first lines
    line: np.ndarray
    #: the row of each order's first line
    rows: np.ndarray
    #: ``(starts, order)``: the first row of each run of lines of one order
    #: and the run's order, when the lines were cut into runs
    runs: tuple[np.ndarray, np.ndarray] | None = None


def order_lines(
    ids: Any, orders: Any, fields: tuple[str, str], *, fix: str | None = None
) -> Lines:
    """Each line's order and each order's first line (:class:`Lines`). An
    order is the lines of one (customer, order id) pair; *ids* and *orders*
    are checked values (:func:`custseg.summary._id_values`); *fix*: for
    missing customer ids, as :func:`custseg.summary._group_ids` takes it.

    Lines of one order usually sit together (an export lists an order's
    lines one after the other): when both columns can be compared with the
    line before cheaply and exactly (integers, text), the lines are cut into
    runs of one (customer, order id) and only each run's first line is
    grouped, then the runs' orders are spread over their lines. A run is
    never more than one order, so this is exact however the lines lie; it
    saves grouping the other lines (10M lines in 2M orders, in an export's
    order: 0.37 s to 0.26 s with integer ids, 0.54 s to 0.36 s with text
    ones). The first :data:`_SAMPLE` lines decide whether to look for runs
    (lines in no order: no comparison of every line)."""
    n = len(orders)
    if n < 2 or not _runs_likely(ids, orders):
        return _pair_lines(ids, orders, fields, fix)
    changes = _changes(ids), _changes(orders)
    if changes[0] is None or changes[1] is None:
        return _pair_lines(ids, orders, fields, fix)
    starts = np.flatnonzero(np.concatenate(([True], changes[0] | changes[1])))
    if len(starts) == n:  # no two lines of an order together
        return _pair_lines(ids, orders, fields, fix)
    try:
        run, first, _ = _pair_lines(
            take(ids, starts), take(orders, starts), fields, fix
        )
    except InputError:  # said again of every line: the rows it names are theirs
        return _pair_lines(ids, orders, fields, fix)
    line = np.repeat(run, np.diff(starts, append=n))
    return Lines(line, starts[first], (starts, run))


def _runs_likely(ids: Any, orders: Any) -> bool:
    """Whether the first :data:`_SAMPLE` lines have two lines of one order
    one after the other (else the comparisons of every line are skipped)."""
    head = _changes(ids[:_SAMPLE]), _changes(orders[:_SAMPLE])
    if head[0] is None or head[1] is None:
        return False
    return not bool(np.all(head[0] | head[1]))


#: lines looked at by :func:`_runs_likely`
_SAMPLE = 1 << 12


def _changes(values: Any) -> np.ndarray | None:
    """Whether each value but the first differs from the one before, when
    that is cheap and says exactly whether the two are one id (integers;
    text, a missing value counted as a change), else None."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu":
            return None
        return np.asarray(values[1:] != values[:-1])
    if values.dtype.name not in _TEXT_DTYPES:
        return None
    changed = values[1:] != values[:-1]
    if isinstance(changed, np.ndarray):
        return changed
    return np.asarray(changed.to_numpy(dtype=bool, na_value=True))


#: the names of the pandas dtypes of text whose ``!=`` is text equality
_TEXT_DTYPES = frozenset({"str", "string", "string[pyarrow]", "large_string[pyarrow]"})


def _pair_lines(
    ids: Any, orders: Any, fields: tuple[str, str], fix: str | None = None
) -> Lines:
    """:func:`order_lines` by grouping every line. O(n): the pairs are
    grouped by hashing their two codes."""
    f_id, f_order = fields
    n = len(orders)
    # slots in no given order (sorting them is not needed here)
    customers = _group_ids(ids, f_id, ordered=False, fix=fix)
    by_order = _group_ids(orders, f_order, ordered=False, noun="order")
    c, o = customers.codes, by_order.codes
    owner = np.empty(by_order.size, dtype=c.dtype)
    owner[o] = c  # a customer of each order id (the last line's)
    if np.array_equal(owner[o], c):  # each order id under one customer: its slot
        pairs, size = o, by_order.size  # (empty slots, if any, left out below)
    elif customers.size * by_order.size < 2**62:  # always below 2**31 rows
        key = c.astype(np.int64) * by_order.size + o
        pairs, distinct = group_values(key, scratch=True)
        size = len(distinct)
    else:
        _, pairs = np.unique(np.stack([c, o]), axis=1, return_inverse=True)
        size = int(pairs.max()) + 1
    del customers, by_order, c, o, owner
    first = np.full(size, n, dtype=np.intp)  # each order's first line
    np.minimum.at(first, pairs, np.arange(n, dtype=np.intp))
    in_order = np.argsort(first)
    size = int(np.count_nonzero(first < n))  # the empty slots sort last
    rank = np.empty(len(first), dtype=np.intp)
    rank[in_order] = np.arange(len(first), dtype=np.intp)
    return Lines(rank[pairs], first[in_order[:size]])


def order_totals(
    lines: Lines, ticks: np.ndarray, amounts: np.ndarray, orders: Any, field: str
) -> tuple[np.ndarray, np.ndarray]:
    """``(ticks, amounts)`` of the orders of :func:`order_lines`: each
    order's earliest tick (:func:`order_earliest`) and its lines' exact sum
    (:func:`order_amounts`)."""
    return order_earliest(lines, ticks), order_amounts(lines, amounts, orders, field)


def order_earliest(lines: Lines, ticks: np.ndarray) -> np.ndarray:
    """Each order's earliest tick, of the orders of :func:`order_lines`."""
    earliest = np.full(len(lines.rows), _I64_MAX, dtype=np.int64)
    if lines.runs is None:
        np.minimum.at(earliest, lines.line, ticks)
    else:  # each run's earliest, then each order's
        starts, run = lines.runs
        if bool(np.all(ticks[1:] >= ticks[:-1])):  # in date order: run's first
            firsts = ticks[starts]
        else:
            firsts = np.minimum.reduceat(ticks, starts)
        np.minimum.at(earliest, run, firsts)
    return earliest


def order_amounts(
    lines: Lines, amounts: np.ndarray, orders: Any, field: str
) -> np.ndarray:
    """Each order's exact sum of its lines' *amounts* (*field* named in an
    error, *orders* the order ids for it), ``int64`` for integer amounts
    (so that the sums of a customer's orders are checked as integers)."""
    rows = lines.rows
    groups = _Groups(
        lines.line, len(rows), None, lambda: take(orders, rows), noun="order"
    )
    sums = groups.total(amounts, field=field)
    if amounts.dtype.kind in "iu":  # whole, and below 2**53 (checked)
        sums = sums.astype(np.int64)
    return sums


def take(values: Any, rows: np.ndarray) -> Any:
    """*values* (a NumPy or pandas array) at *rows* (positions or a mask)."""
    return values[rows]
