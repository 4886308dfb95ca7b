"""A kit for testing business thresholds: hypothesis strategies and invariants.

A team that keeps its segmentation rules in a rules file wants its test
suite to say, in a few lines, what must always hold: every customer gets
exactly one label, spending more never moves a customer down, a buyer from
yesterday is never lost. This module gives the data and the checks:

* strategies (hypothesis): :func:`transactions`, :func:`customer_facts`,
  :func:`scores` and :func:`fields_for` (rows in exactly the domains a rules
  file declares, biased to the values its rules compare against);
* invariants, usable inside a ``@given`` test or on real data:
  :func:`assert_total`, :func:`assert_monotone`, :func:`assert_order_free`,
  :func:`assert_stable` and :func:`assert_reachable`. Each fails with an
  ``AssertionError`` that shows the offending row and the rule that decided.

hypothesis is needed for the strategies only: ``pip install
'custseg[testing]'``. The invariants work without it.
"""

from __future__ import annotations

import ast
import functools
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _display
from . import _validate as v
from .errors import CustsegError, ThresholdError
from .relationship import _NEEDED as _RELATIONSHIP_READS
from .rfm import MAX_BINS
from .rules import RuleSet, load, preset, presets
from .rules._analysis import asks_missing_of_solid
from .rules._expr import condition_tree

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .frame import SegmentResult

__all__ = [
    "assert_monotone",
    "assert_order_free",
    "assert_reachable",
    "assert_stable",
    "assert_total",
    "boundary_values",
    "customer_facts",
    "fields_for",
    "scores",
    "transactions",
]


def _st() -> Any:
    try:
        from hypothesis import strategies
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ImportError(
            "custseg.testing's strategies need hypothesis: pip install "
            "'custseg[testing]'"
        ) from None
    return strategies


def _ruleset(rules: RuleSet | str | os.PathLike[str]) -> RuleSet:
    """*rules* itself, a shipped preset by name (loaded once per process:
    presets are package data, and inside ``@given`` a load per example costs
    more than the check), or a rules file, read on every call (it may change
    on disk: load it once yourself)."""
    if isinstance(rules, RuleSet):
        return rules
    if (
        isinstance(rules, str)
        and rules in _preset_names()
        and not os.path.lexists(rules)
    ):
        return _preset(rules)
    return load(rules)  # a path, or a name load() refuses with a hint


@functools.cache
def _preset_names() -> frozenset[str]:
    return frozenset(presets())


@functools.cache
def _preset(name: str) -> RuleSet:
    return preset(name)


def _count(
    value: Any, field: str, lo: int = 0, hi: int | None = None, why: str = ""
) -> int:
    """A whole-number parameter in [*lo*, *hi*] (ThresholdError otherwise,
    saying *why* the bound is there)."""
    if (
        not v.is_int(value)  # not a bool, nor a np.timedelta64
        or value < lo
        or (hi is not None and value > hi)
    ):
        bound = f">= {lo}" if hi is None else f"in [{lo:,d}, {hi:,d}]"
        raise ThresholdError(
            f"{field!r} must be a whole number {bound}{why}: got {value!r}"
        )
    return int(value)


#: why the strategies' row counts are bounded
_GENERATED = (
    " (the most rows hypothesis generates well: in about a second, passing "
    "its health checks)"
)


def _range(
    lo: Any,
    hi: Any,
    lo_name: str,
    hi_name: str,
    least: int = 0,
    most: int | None = None,
) -> tuple[int, int]:
    """*lo* and *hi* as Python ints (NumPy integers too, which hypothesis
    refuses), each a whole number in [*least*, *most*], *hi* >= *lo*."""
    why = "" if most is None else _GENERATED
    lo = _count(lo, lo_name, least, most, why)
    hi = _count(hi, hi_name, least, most, why)
    if hi < lo:
        raise ThresholdError(f"{hi_name!r} must be >= {lo_name!r} ({lo}): got {hi}")
    return lo, hi


# --------------------------------------------------------------------------
# boundaries


def boundary_values(rules: RuleSet | str | os.PathLike[str]) -> dict[str, list[Any]]:
    """For each declared field, the values the rules' decisions turn on.

    Numbers: every constant and parameter a rule or table compares the field
    with (through derived values that rename it too), and the field's bounds,
    each just below, on and just above (the next float, or +-1 for
    integers), kept within the declared bounds. Categories: every declared
    value. Booleans: true and false. Plus ``None`` (missing) where the field
    may be missing.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path.

    Returns
    -------
    dict of str to list
        For each declared field (by name), its values, sorted, ``None`` first
        where the field may be missing.

    Examples
    --------
    >>> boundary_values("ecommerce")["recency_days"][:7]
    [None, 0.0, 5e-324, 44.99999999999999, 45.0, 45.00000000000001, 89.99999999999999]
    >>> boundary_values("base")["satisfaction"]
    [None, 'very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very_satisfied']
    """
    from .rules._analysis import _Analyser

    rs = _ruleset(rules)
    constants: dict[str, set[float]] = {}
    analyser = _Analyser(rs)
    tag_rules = [r.when for tags in rs.tagsets.values() for r in tags.rules]
    for pairs in [*analyser.constants.values(), analyser._own_constants(tag_rules)]:
        for field, c in pairs:
            constants.setdefault(field, set()).add(c)
    out: dict[str, list[Any]] = {}
    for name, spec in rs.fields.items():
        values: list[Any] = [None] if spec.missing else []
        if spec.kind == "category":
            values += list(spec.values)
        elif spec.kind == "bool":
            values += [False, True]
        else:
            lo = -math.inf if spec.min is None else spec.min
            hi = math.inf if spec.max is None else spec.max
            points = set(constants.get(name, set()))
            points |= {b for b in (spec.min, spec.max) if b is not None}
            values += _near(points or {0.0}, spec.kind == "integer", lo, hi)
        out[name] = values
    return out


def _near(points: set[float], integer: bool, lo: float, hi: float) -> list[Any]:
    """Each point just below, on and just above it (the next float, or the
    whole numbers around it), within [*lo*, *hi*], sorted."""
    near: set[float] = set()
    for c in points:
        if integer:
            near |= {math.floor(c) - 1, math.floor(c), math.ceil(c), math.ceil(c) + 1}
        else:
            near |= {
                # math's: NumPy's signals underflow next to 0 (np.seterr)
                math.nextafter(c, -math.inf),
                float(c),
                math.nextafter(c, math.inf),
            }
    kept = sorted(x for x in near if lo <= x <= hi)
    return [int(x) for x in kept] if integer else kept


# --------------------------------------------------------------------------
# strategies

# The most rows a strategy draws: hypothesis records every choice of an
# example in a buffer of 8,192 choices, discards (after minutes of retries)
# examples that do not fit, and fails its health check large_base_example
# when the smallest example fills half of it; so row counts are bounded
# where one example takes under a second to generate and the smallest
# passes that check (measured on hypothesis 6.170).

#: the most customers of :func:`customer_facts`
_MOST_FACTS = 250
#: the most customers of :func:`scores`
_MOST_SCORES = 500
#: the most rows (and so customers) of :func:`transactions`
_MOST_TRANSACTIONS = 350
#: the most rows of :func:`fields_for`; ``min_rows`` times the number of
#: fields is at most ``_MOST_FIELD_CELLS``
_MOST_FIELD_ROWS = 1000
#: the most values (rows x fields) every example of :func:`fields_for` has
_MOST_FIELD_CELLS = 600
#: the largest integer id of :func:`transactions` (``"C999999"`` as text)
_MOST_ID = 999_999
#: the last day of :func:`transactions` (the last day custseg reads as a date)
_LAST_DAY = np.datetime64("9999-12-31", "D")
#: the most values (rows x fields) :func:`assert_reachable` samples: about
#: 500 MB and 10 s for a preset's 13 fields
_MOST_SAMPLED = 20_000_000

#: the half-width of a numeric field's "whole domain" where a bound is open
_WHOLE_FLOAT = 1e9
_WHOLE_INT = 10**6


def _span(lo: Any, hi: Any, width: Any) -> tuple[Any, Any]:
    """The range drawn for a numeric field's whole domain: its bounds; an
    open side reaches *width* past zero, or ``2 * width`` past the other
    bound when that lies beyond (never outside a declared bound)."""
    if lo is None:
        lo = -width if hi is None or hi > -width else hi - 2 * width
    if hi is None:
        hi = width if lo < width else lo + 2 * width
    return lo, hi


def _whole(name: str, spec: Any) -> tuple[Any, Any]:
    """The bounds of a number or integer field's whole domain, as drawn by
    :func:`fields_for` and :func:`assert_reachable` (see :func:`_span`); an
    integer field whose bounds hold no whole number is a ThresholdError."""
    if spec.kind == "integer":
        ilo, ihi = _span(
            None if spec.min is None else math.ceil(spec.min),
            None if spec.max is None else math.floor(spec.max),
            _WHOLE_INT,
        )
        if ilo > ihi:
            raise ThresholdError(
                f"field {name!r} is declared integer with bounds [{_display.number_text(spec.min)}, "
                f"{_display.number_text(spec.max)}], which hold no whole number, so no row can have "
                "it: widen the bounds or declare the field a number"
            )
        return ilo, ihi
    return _span(spec.min, spec.max, _WHOLE_FLOAT)


def fields_for(
    rules: RuleSet | str | os.PathLike[str], *, min_rows: int = 1, max_rows: int = 30
) -> SearchStrategy[dict[str, list[Any]]]:
    """Rows in exactly the domains a rules file declares, as columns.

    Each value is drawn half the time from :func:`boundary_values` (just
    below, on and above every constant the rules compare with, and missing
    where allowed), with, for a number or integer field a condition reads
    behind arithmetic (``monetary * 2 >= 700``), the values that constant
    sits at (350: the sums, differences, products and quotients of the
    numbers the condition reads, directly or through derived values, and
    the solutions of one affine step: ``monetary - fee >= limit`` at 600
    with a fee of 100 and a limit of 500, ``2 * visits + 1 >= 21`` at 10;
    each just below, on and above, as :func:`assert_monotone` tries them),
    and otherwise from the field's whole domain (its type and
    bounds; categories and booleans from their values). Every value lies
    within the field's declared bounds, so ``evaluate`` accepts every row; a
    bound left open reaches 1e9 (integers: 10**6) past zero, or twice that
    past the other bound when it lies beyond. Every declared field is a
    column, optional ones included, so every output is computed. A
    row's ``tenure_days`` is at least its ``recency_days`` (both given and
    declared alike: the first purchase is never after the last, as in
    every run and as :func:`custseg.customer_status` requires). A
    field's boundary values and values behind arithmetic are one sorted
    pool (missing first), so a failure shrinks to the smallest failing
    value: the boundary of the rule that breaks.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path
        (a file is read once, here; build the strategy outside the test).
    min_rows, max_rows
        How many rows: at most 1,000, and *min_rows* times the number of
        fields at most 600 (hypothesis generates each example in about a
        second and passes its health checks; larger ones it fails, or gives
        up on after minutes).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Draws a dict of columns: each declared field's name to a list of its
        values, all lists of one length (the rows), as
        :meth:`RuleSet.evaluate <custseg.rules.RuleSet.evaluate>` takes them.

    Raises
    ------
    ThresholdError
        An ``integer`` field whose bounds hold no whole number (e.g.
        ``min = 0.5, max = 0.6``): no row could have it; *min_rows* or
        *max_rows* out of bounds (the message gives the largest accepted).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from custseg import rules
    >>> rs = rules.load("ecommerce")
    >>> @settings(max_examples=20, deadline=None)
    ... @given(fields_for(rs))
    ... def test_everyone_gets_a_stage(data):
    ...     assert_total(rs, data)
    >>> test_everyone_gets_a_stage()
    """
    st = _st()
    min_rows, max_rows = _range(
        min_rows, max_rows, "min_rows", "max_rows", most=_MOST_FIELD_ROWS
    )
    rs = _ruleset(rules)
    fewest = _MOST_FIELD_CELLS // max(1, len(rs.fields))
    _count(
        min_rows,
        "min_rows",
        0,
        fewest,
        f" (rows of the rules' {len(rs.fields):,d} fields: hypothesis generates "
        f"well at most {_MOST_FIELD_CELLS:,d} values an example)",
    )
    edges = boundary_values(rs)
    behind = _arithmetic_values(rs)
    columns: dict[str, Any] = {}
    for name, spec in rs.fields.items():
        if spec.kind == "category":
            whole = st.sampled_from(list(spec.values))
        elif spec.kind == "bool":
            whole = st.booleans()
        elif spec.kind == "integer":
            whole = st.integers(*_whole(name, spec))
        else:
            flo, fhi = _whole(name, spec)
            whole = st.floats(flo, fhi, allow_nan=False, allow_infinity=False)
        if spec.missing:
            whole = st.one_of(whole, st.none())
        # one sorted pool (missing first): hypothesis shrinks a choice towards
        # the start of the pool, so a failure shrinks to the smallest failing
        # value, the boundary of a rule, not to one behind arithmetic that
        # happens to precede it in another list
        pool = edges[name]
        if name in behind:
            numbers = sorted({*(x for x in pool if x is not None), *behind[name]})
            pool = [None] * (None in pool) + numbers
        columns[name] = st.one_of(st.sampled_from(pool), whole) if pool else whole
    row = st.fixed_dictionaries(columns)
    first, last = rs.fields.get("tenure_days"), rs.fields.get("recency_days")
    if (
        first is not None
        and last is not None
        and first.kind in ("number", "integer")
        and (first.kind, first.min, first.max) == (last.kind, last.min, last.max)
    ):
        # a tenure (days since the first purchase) is at least the recency
        # (since the last), as every run gives them: the two days of a row
        # drawn the other way round are swapped (the same bounds: both stay
        # in them)
        row = row.map(_first_before_last)
    rows = st.lists(row, min_size=min_rows, max_size=max_rows)
    return rows.map(lambda rs_rows: {k: [r[k] for r in rs_rows] for k in columns})


def _first_before_last(row: dict[str, Any]) -> dict[str, Any]:
    """*row* with ``tenure_days`` and ``recency_days`` swapped when the
    tenure is below the recency (both given).

    >>> _first_before_last({"tenure_days": 5.0, "recency_days": 9.0})
    {'tenure_days': 9.0, 'recency_days': 5.0}
    """
    t, r = row["tenure_days"], row["recency_days"]
    if t is not None and r is not None and t < r:
        return {**row, "tenure_days": r, "recency_days": t}
    return row


def transactions(
    *,
    min_customers: int = 1,
    max_customers: int = 10,
    max_rows: int = 60,
    ids: str = "int",
    start: str = "2023-01-01",
    days: int = 730,
    refunds: bool = True,
) -> SearchStrategy[pd.DataFrame]:
    """Transaction logs as the summary sees real data.

    Customers buy on few distinct days (so same-day purchases and ties in
    recency and frequency are common), amounts repeat (ties in monetary),
    some rows are refunds (negative) and some amounts are 0; with
    *refunds*, some customers have refunds only (no purchase: the summary
    gives them no recency or tenure, as real logs do for a customer whose
    purchase was before the period). Every log has a purchase of more than
    0 (a log without one is no log to segment, under either
    ``zero_amount`` policy). The ids are drawn, not the positions of the
    customers in the summary (which sorts them), and the rows are in a
    drawn order, so customers first appear in any order, not sorted by id:
    a pipeline that takes a customer's position for its id, or pairs
    ``tx.customer_id.unique()`` with the sorted facts, fails.

    Parameters
    ----------
    min_customers, max_customers
        How many distinct customers (at most *max_rows*; *min_customers* at
        most 350).
    max_rows
        At most this many rows, 350 at most (hypothesis generates each
        example in about a second and passes its health checks); each
        customer has at least one, so it must be at least *min_customers*
        (ThresholdError otherwise).
    ids
        ``"int"`` (distinct whole numbers from 0 to 999,999), ``"str"``
        (``"C00012"``, with leading zeros) or ``"mixed"`` (``"7"`` and
        ``"007"``: different customers).
    start, days
        The period: dates are whole days from *start*, within *days*. The
        last day, ``start + days - 1``, must be on or before 9999-12-31
        (the last day custseg reads): *days* at most 2,913,539 from the
        default start (ThresholdError otherwise, giving the largest accepted).
    refunds
        Whether negative amounts occur, and customers with refunds only.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Draws a pandas DataFrame with the columns ``customer_id``, ``date``
        (``datetime64``) and ``amount`` (float64), one row per transaction, as
        :func:`custseg.summarize` and :func:`custseg.segment` take it.

    Raises
    ------
    ThresholdError
        A count or *days* out of bounds, or *max_rows* below
        *min_customers*.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import custseg
    >>> @settings(max_examples=10, deadline=None)
    ... @given(transactions(ids="str"))
    ... def test_one_row_per_customer(tx):
    ...     facts = custseg.summarize(tx.customer_id, tx.date, tx.amount)
    ...     assert len(facts) == tx.customer_id.nunique()
    >>> test_one_row_per_customer()
    >>> transactions(days=10**12)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'days' must be a whole number in [1, 2,913,539] (the days from 2023-01-01 to 9999-12-31, the last day custseg reads): got 1000000000000
    """
    st = _st()
    v.choice(ids, "ids", ("int", "str", "mixed"))
    refunds = v.flag_param(refunds, "refunds")
    min_customers, max_customers = _range(
        min_customers, max_customers, "min_customers", "max_customers", 1
    )
    _count(min_customers, "min_customers", 1, _MOST_TRANSACTIONS, _GENERATED)
    max_rows = _count(max_rows, "max_rows", 1, _MOST_TRANSACTIONS, _GENERATED)
    if max_rows < min_customers:
        raise ThresholdError(
            f"'max_rows' must be >= 'min_customers' ({min_customers}): every "
            f"customer has at least one row; got {max_rows}"
        )
    most = min(max_customers, max_rows)  # customers, so that max_rows holds
    first = v.as_datetime_scalar(start, "start").astype("datetime64[D]")
    if first > _LAST_DAY:
        raise ThresholdError(
            f"'start' must be on or before {_LAST_DAY} (the last day custseg "
            f"reads): got {first}"
        )
    days = _count(
        days,
        "days",
        1,
        int((_LAST_DAY - first).astype(np.int64)) + 1,
        f" (the days from {first} to {_LAST_DAY}, the last day custseg reads)",
    )
    amounts = st.sampled_from([0.0, 5.0, 19.9, 20.0, 100.0, 250.5, 1000.0])
    if refunds:
        amounts = st.one_of(amounts, amounts, amounts, st.sampled_from([-5.0, -20.0]))
    day_pool = st.integers(0, max(0, days - 1))

    @st.composite  # type: ignore[untyped-decorator]
    def build(draw: Any) -> pd.DataFrame:
        k = draw(st.integers(min_customers, most))
        # ids drawn, not 0 .. k-1: summarize sorts the customers, so ids
        # equal to their positions would hide a pipeline that takes a
        # customer's position for its id. Two choices (a first id and a
        # step), not one per customer: the bound of 350 rows holds the
        # smallest example within hypothesis' health check (mixed: step 1,
        # so that "7" and "007" are both drawn often)
        offset = draw(st.integers(0, _MOST_ID // 2))
        step = 1 if ids == "mixed" else draw(st.integers(1, _MOST_ID // (2 * most)))
        numbers = [offset + step * j for j in range(k)]
        if ids == "int":
            names: list[Any] = numbers
        elif ids == "str":
            names = [f"C{i:05d}" for i in numbers]
        else:
            names = [("0" * (i % 3)) + str(i // 3) for i in numbers]
        favourite_days = draw(st.lists(day_pool, min_size=1, max_size=6, unique=True))
        day = st.one_of(st.sampled_from(favourite_days), day_pool)
        rows = draw(
            st.lists(
                st.tuples(st.integers(0, k - 1), day, amounts),
                min_size=k,
                max_size=max_rows,
            )
        )
        # every customer at least once: the first k rows are one per customer,
        # a purchase (>= 0) unless the customer has refunds only
        who = list(range(k)) + [r[0] for r in rows[k:]]
        when = [r[1] for r in rows]
        only: set[int] = set()
        if refunds and k > 1:  # the first customer buys: a log of refunds
            # alone is no log to segment (InputError)
            only = set(draw(st.lists(st.integers(1, k - 1), max_size=k)))
        # the first customer's first row is a purchase of more than 0: a
        # purchase under either zero_amount policy ("ignore" takes 0 for none)
        paid = [
            -(abs(r[2]) or 5.0)
            if who[i] in only
            else (abs(r[2]) or 5.0)
            if i == 0
            else abs(r[2])
            if i < k
            else r[2]
            for i, r in enumerate(rows)
        ]
        # the rows in a drawn order: the customers first appear in any order,
        # not sorted by id. One choice, a seed (0, where it shrinks to: the
        # order above), not one per row as st.permutations draws
        shuffle = draw(st.integers(0, 2**32 - 1))
        order = np.arange(len(rows))
        if shuffle:
            order = np.random.default_rng(shuffle).permutation(len(rows))
        # days as microseconds (pandas' own unit for dates; nanoseconds
        # end in 2262)
        dates = (first + np.asarray(when, dtype="timedelta64[D]")).astype(
            "datetime64[us]"
        )
        return pd.DataFrame(
            {
                "customer_id": [names[who[i]] for i in order.tolist()],
                "date": pd.DatetimeIndex(dates[order]),
                "amount": [paid[i] for i in order.tolist()],
            }
        )

    return build()


def customer_facts(
    *, min_rows: int = 1, max_rows: int = 40, no_purchase: bool = True
) -> SearchStrategy[pd.DataFrame]:
    """Per-customer facts as :func:`custseg.summarize` gives them.

    Only facts some transaction log gives: whole days, ``0 <=
    recency_days <= tenure_days``; one purchase (``frequency`` 1) has
    ``recency_days == tenure_days`` (its first purchase is its last); a
    customer with no purchase (``frequency`` 0: refunds only) has missing
    recency and tenure and ``monetary <= 0`` (0 only when zero amounts are
    ignored, ``zero_amount="ignore"``); a buyer's ``monetary`` is any net sum,
    refunds included. Ties and the values 0 and 1 are common.

    Parameters
    ----------
    min_rows, max_rows
        How many customers, 250 at most (hypothesis generates each example
        in about a second and passes its health checks; ThresholdError
        otherwise).
    no_purchase
        Whether customers without a purchase occur.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Draws a pandas DataFrame of ``recency_days``, ``frequency``,
        ``monetary`` and ``tenure_days``, one row per customer (NaN recency and
        tenure for a customer without a purchase).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import custseg
    >>> @settings(max_examples=10, deadline=None)
    ... @given(customer_facts())
    ... def test_status_is_total(facts):
    ...     status = custseg.customer_status(facts.frequency, facts.tenure_days,
    ...                                      facts.recency_days)
    ...     assert len(status) == len(facts) and (status.codes >= 0).all()
    >>> test_status_is_total()
    >>> customer_facts(max_rows=10_000)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'max_rows' must be a whole number in [0, 250] (the most rows hypothesis generates well: in about a second, passing its health checks): got 10000
    """
    st = _st()
    no_purchase = v.flag_param(no_purchase, "no_purchase")
    min_rows, max_rows = _range(
        min_rows, max_rows, "min_rows", "max_rows", most=_MOST_FACTS
    )
    days = st.one_of(
        st.sampled_from([0, 1, 29, 30, 89, 90, 179, 180, 365]), st.integers(0, 2000)
    )
    row = st.tuples(
        st.one_of(st.sampled_from([1, 2]), st.integers(0 if no_purchase else 1, 30)),
        days,
        days,
        st.one_of(
            st.sampled_from([0.0, 10.0, 1000.0]), st.floats(-100, 1e5, allow_nan=False)
        ),
    )

    def frame(rows: list[tuple[int, int, int, float]]) -> pd.DataFrame:
        freq = np.array([r[0] for r in rows], dtype=np.int64)
        a = np.array([r[1] for r in rows], dtype=np.float64)
        b = np.array([r[2] for r in rows], dtype=np.float64)
        paid = np.array([r[3] for r in rows], dtype=np.float64)
        buy = freq > 0
        # one purchase: first = last, so recency = tenure
        last = np.where(freq == 1, a, np.minimum(a, b))
        first = np.where(freq == 1, a, np.maximum(a, b))
        return pd.DataFrame(
            {
                "recency_days": np.where(buy, last, np.nan),
                "frequency": freq,
                # no purchase: refunds only (+ 0.0 turns -0.0 into 0.0)
                "monetary": np.where(buy, paid, -np.abs(paid)) + 0.0,
                "tenure_days": np.where(buy, first, np.nan),
            }
        )

    return st.lists(row, min_size=min_rows, max_size=max_rows).map(frame)


def scores(
    *, bins: int = 5, missing: bool = True, min_rows: int = 1, max_rows: int = 40
) -> SearchStrategy[pd.DataFrame]:
    """RFM scores ``r``, ``f``, ``m`` from 1 to *bins* (nullable integers),
    with ``<NA>`` where :func:`custseg.rfm_scores` gives it: ``r`` alone for a
    customer without a purchase (``nan="unknown"``: no recency, frequency and
    spend scored), all three for a customer left unscored, and any other
    mix for unknown values in any of the three.

    Parameters
    ----------
    bins
        The top score, 2 to 99 (as for :func:`custseg.rfm_scores`).
    missing
        Whether missing scores occur.
    min_rows, max_rows
        How many customers, 500 at most (hypothesis generates each example
        in about a second and passes its health checks; ThresholdError
        otherwise).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Draws a pandas DataFrame of ``r``, ``f`` and ``m`` (nullable
        integers, ``<NA>`` where a score is missing), one row per customer.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from custseg import rules
    >>> @settings(max_examples=10, deadline=None)
    ... @given(scores(bins=3))
    ... def test_scores_in_range(s):
    ...     assert s.stack().between(1, 3).all()  # missing scores left out
    >>> test_scores_in_range()
    """
    st = _st()
    bins = _count(bins, "bins", 2, MAX_BINS)  # the scores' own bound (Int8 holds them)
    missing = v.flag_param(missing, "missing")
    min_rows, max_rows = _range(
        min_rows, max_rows, "min_rows", "max_rows", most=_MOST_SCORES
    )
    one = st.integers(1, bins)
    row = st.tuples(one, one, one)
    if missing:
        maybe = st.one_of(one, st.none())
        no_purchase = st.tuples(st.none(), one, one)
        unscored = st.just((None, None, None))
        row = st.one_of(row, row, row, no_purchase, unscored, st.tuples(*[maybe] * 3))

    def frame(rows: list[tuple[Any, Any, Any]]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                k: pd.array([r[i] for r in rows], dtype="Int8")
                for i, k in enumerate("rfm")
            }
        )

    return st.lists(row, min_size=min_rows, max_size=max_rows).map(frame)


# --------------------------------------------------------------------------
# invariants


def _evaluate(rules: Any, data: Any) -> Any:
    """A RulesResult (with explain) from a RuleSet, a preset name or path, or
    a callable returning one."""
    if callable(rules) and not isinstance(rules, RuleSet | str):
        return rules(data)
    return _ruleset(rules).evaluate(data, explain=True)


def _row(data: Any, i: int) -> dict[str, Any]:
    if isinstance(data, pd.DataFrame):
        return {str(k): _plain(data[k].iloc[i]) for k in data.columns}
    if isinstance(data, Mapping):
        return {str(k): _plain(np.asarray(v, dtype=object)[i]) for k, v in data.items()}
    return {"row": i}


def _as_frame(data: Any) -> pd.DataFrame:
    """*data* as a DataFrame of the columns ``evaluate`` reads from it (a
    mapping, a DataFrame (copied), :class:`~custseg.CustomerFacts`,
    :class:`~custseg.RfmScores` or a list of them, joined), on the index
    ``evaluate`` gives it; InputError for anything else, as ``evaluate``."""
    from .rules._model import _joined

    if isinstance(data, pd.DataFrame):
        return data.copy()
    # a mapping too: its Series side by side only on one index, as evaluate
    # reads them (pandas would align two orders of the ids, or fill NaN)
    cols, index = _joined(data)
    v.check_same_length(**{str(k): col for k, col in cols.items()})
    frame = pd.DataFrame(
        {
            k: np.asarray(col) if not isinstance(col, pd.Series) else col.to_numpy()
            for k, col in cols.items()
        }
    )
    if index is not None:
        frame.index = index
    return frame


def _index_of(data: Any) -> Any:
    """The pandas index ``evaluate`` puts on *data* (the customer ids of a
    table indexed by them, of ``CustomerFacts``), or None."""
    from .rules._model import _joined

    try:
        return _joined(data)[1]
    except (CustsegError, TypeError, ValueError):
        return None


def _who(data: Any, i: int) -> str:
    """`` (customer_id 'C-1742')``: row *i*'s index value, when *data* is
    indexed by something other than the row positions (a MultiIndex by
    each level's name: `` (customer_id, region ('C-2', 'us'))``).

    >>> idx = pd.MultiIndex.from_tuples([("C-1", "eu"), ("C-2", "us")],
    ...                                 names=["customer_id", "region"])
    >>> _who(pd.DataFrame({"x": [1, 2]}, index=idx), 1)
    " (customer_id, region ('C-2', 'us'))"
    """
    index = _index_of(data)
    if index is None or not 0 <= i < len(index):
        return ""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return ""
    names = [n for n in index.names if n is not None]
    # a MultiIndex names its levels (``customer_id, region``), not "index"
    name = ", ".join(map(str, names)) if len(names) == index.nlevels else "index"
    value = index[i]
    value = tuple(map(_plain, value)) if isinstance(value, tuple) else _plain(value)
    return f" ({name} {value!r})"


def _n_rows(data: Any) -> int | None:
    """How many rows ``evaluate`` sees in *data*, or None when it cannot tell
    (data only a callable understands)."""
    from .rules._model import _joined

    try:
        cols, index = _joined(data)
    except (CustsegError, TypeError, ValueError):
        return None
    if index is not None:
        return len(index)
    for col in cols.values():
        try:
            return len(col)
        except TypeError:
            return None
    return None


def _nothing_compared(message: str) -> None:
    """A check that compared nothing cannot fail, so it does not pass: inside
    a hypothesis test the example is rejected (as ``assume(False)``: it
    tested nothing, and a test whose every example does so fails as
    unsatisfiable); elsewhere an AssertionError."""
    try:
        import hypothesis
    except ImportError:  # pragma: no cover - the test extra installs it
        hypothesis = None  # type: ignore[assignment]
    if hypothesis is not None and hypothesis.currently_in_test_context():
        hypothesis.reject()
    raise AssertionError(message)


def _plain(x: Any) -> Any:
    """*x* as a message shows it: a missing value of any kind (NaN, pandas
    NA, NaT) as None, a NumPy scalar as the Python one."""
    if v.is_missing_scalar(x):
        return None
    return x.item() if isinstance(x, np.generic) else x


def _differ(x: Any, y: Any) -> np.ndarray:
    """Where two columns (or matrices) of one shape hold different values,
    as a boolean array. A missing value (None, NaN, pandas NA, NaT, an Arrow
    null, a categorical's NaN) equals a missing value, whatever the dtype of
    either side, and differs from every value; the values compare as Python
    objects (a score 3 equals 3.0, and is not the text ``"3"``). Never text
    forms: with pandas' ``str`` dtype a missing value stays missing, and two
    of them compared unequal.

    >>> _differ(pd.Series([1, None, 3], dtype="Int8"),
    ...         pd.Series([1.0, float("nan"), 4.0])).tolist()
    [False, False, True]
    >>> _differ(pd.Categorical(["a", None]), np.array(["a", "b"], dtype=object)).tolist()
    [False, True]
    """
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
        kinds = {x.dtype.kind, y.dtype.kind}
        if kinds in ({"U"}, {"S"}) or kinds <= {"b", "i", "u"}:
            return np.asarray(x != y, dtype=bool)  # no missing value possible
    a, b = np.asarray(x, dtype=object), np.asarray(y, dtype=object)
    gap_a, gap_b = pd.isna(a), pd.isna(b)
    out = np.asarray(gap_a != gap_b, dtype=bool)
    both = ~(gap_a | gap_b)
    out[both] = a[both] != b[both]
    return out


def _why(result: Any, rs: RuleSet | None, output: str, i: int) -> str:
    """Which rule (or interval of a table) decided row *i* of *output*."""
    from .rules._examples import _interval

    if rs is not None and output in rs.tables:
        label = str(result[output].to_numpy()[i])
        return f" ({_interval(rs.tables[output], label)})"
    if (
        rs is None
        or output not in rs.segments
        or output not in getattr(result, "explain", {})
    ):
        return ""
    k = int(result.explain[output][i])
    if k < 0:
        return " (the default: no rule matched)"
    rule = rs.segments[output].rules[k]
    # the file too when the rule is not in the rules' own (a preset extended)
    elsewhere = rule.path and rule.path != rs.path
    where = f"line {rule.line}" + (f" of {rule.path}" if elsewhere else "")
    return f" (rule {k + 1}: when = {rule.when.text!r}, {where})"


def assert_total(
    rules: Any, data: Any, *, outputs: str | Sequence[str] | None = None
) -> None:
    """Every row gets exactly one known label in every table and segmentation.

    Each output checked must give one label per row of *data*, each one of
    its names. An output the result does not have (a table or segmentation
    left out because *data* lacks an ``optional = true`` field the output
    reads) fails, as nobody got a label in it; name the outputs to check
    with *outputs* to leave such ones out on purpose.

    Data with no rows checks nothing, so it does not pass: an
    ``AssertionError``, or, inside a hypothesis test, the example is
    rejected (as ``assume(False)``).

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path
        (evaluated on *data*), or a callable returning a ``RulesResult``.
    data
        What ``RuleSet.evaluate`` takes: a mapping of columns, a DataFrame,
        ``CustomerFacts``, ...
    outputs
        The tables and segmentations checked, or one's name. Default: every
        one of the rules (with a callable: every one in its result, which
        must have at least one).

    Raises
    ------
    AssertionError
        A row without a label (or with a code outside the names), naming the
        output and showing the row; an output with more or fewer labels than
        *data* has rows; an output checked that the result does not have
        (saying which absent fields left it out); a result with no outputs;
        data with no rows.
    ThresholdError
        *outputs* is empty or names an output the rules do not have.

    Examples
    --------
    >>> data = {"recency_days": [3.0, None], "frequency": [4, 0],
    ...     "monetary": [120.0, -5.0], "tenure_days": [400.0, None],
    ...     "r": [5, None], "f": [4, None], "m": [3, None]}
    >>> assert_total("ecommerce", data, outputs=["lifecycle", "rfm11", "ecom4"])
    >>> assert_total("ecommerce", data)
    Traceback (most recent call last):
    ...
    AssertionError: 'nps_band', 'status_crm', 'loyalty' gave no label: left out for the absent optional fields ...
    """
    names: list[str] | None = None
    if outputs is not None:
        names = (
            [outputs]
            if isinstance(outputs, str)
            else _sequence_param(
                outputs, "outputs", "table and segmentation names", ordered=False
            )
        )
        if not names:
            raise ThresholdError(
                "'outputs' is empty, so nothing would be checked: name the tables "
                "and segmentations, or leave it out to check every one"
            )
    own = None if callable(rules) and not isinstance(rules, RuleSet | str) else rules
    rs = None if own is None else _ruleset(own)
    if rs is not None and names is not None:
        foreign = [x for x in names if x not in rs.outputs]
        if foreign:
            raise ThresholdError(
                f"'outputs' names what the rules do not have: "
                f"{', '.join(map(repr, foreign))}; choose from "
                f"{', '.join(map(repr, rs.outputs))}"
            )
    result = (
        rs.evaluate(data, explain=True) if rs is not None else _evaluate(rules, data)
    )
    labels = dict(result.labels)
    if names is None:
        names = list(rs.outputs) if rs is not None else list(labels)
    if not names:
        raise AssertionError(
            "the result has no table or segmentation, so no row got a label: "
            "nothing checked"
        )
    absent = [x for x in names if x not in labels]
    if absent:
        skipped = dict(getattr(result, "skipped", {}) or {})
        why = sorted({f for x in absent for f in skipped.get(x, ())})
        raise AssertionError(
            f"{', '.join(map(repr, absent))} gave no label: "
            + (
                f"left out for the absent optional fields {', '.join(map(repr, why))}"
                if why
                else "not in the result"
            )
            + "; add the columns, or pass outputs= naming the ones to check"
        )
    n = _n_rows(data)
    for name in names:
        codes = np.asarray(labels[name].codes)
        n = len(codes) if n is None else n
        if len(codes) != n:
            raise AssertionError(
                f"{name!r} has {len(codes):,d} labels for {n:,d} rows of data"
            )
        bad = (codes < 0) | (codes >= len(labels[name].names))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AssertionError(
                f"{name!r} gives row {i}{_who(data, i)} no label (code "
                f"{int(codes[i])}); the row: {_row(data, i)}"
            )
    if n == 0:
        # no row, so no label was checked: a check that compares nothing
        # cannot fail, so it does not pass
        _nothing_compared(
            "nothing checked: the data has no rows, so no row got a label; "
            "pass at least 1 row"
        )


def assert_monotone(
    rules: RuleSet | str | os.PathLike[str],
    data: Any,
    output: str,
    field: str,
    order: Sequence[str],
    *,
    increase: Sequence[float] | None = None,
) -> None:
    """Raising *field*, the others fixed, never moves a row down in *order*.

    Each row is evaluated as given and again with *field* raised (the row
    alone, the other rows as given, when the rules read a population
    aggregate such as ``mean(monetary)``, which every row moves): to every
    larger value of :func:`boundary_values` and of the values conditions
    with arithmetic compare with, as :func:`fields_for` draws them
    (``monetary / frequency >= 5000``: 5000; the sums, differences, products
    and quotients of the numbers a condition reads and the solutions of one
    affine step such as ``2 * x + 1 >= 701``, for number and integer
    fields), by each step of *increase*
    (when given), to ``x + max(|x|, 1)`` (twice a positive value), and up a
    ladder from the row's own value: ``x`` times 4, 8, ... 2**40 (positive
    values) and ``x`` plus 1, 10, ... 1e15. A threshold behind arithmetic
    on another field of the row (``5000 x frequency``) is passed on the
    way up; a band narrower than one step of the ladder may be stepped
    over, so give such steps with *increase*.
    A raised value is never outside the field's domain: a row whose raise
    would pass the field's ``max`` is not raised, and an ``integer`` field
    is raised to whole numbers (up: a step of 0.5 turns 2 into 3). A row
    that ends lower in *order* (first = lowest) fails, and so does a row
    lower at a larger raised value than at a smaller one, whatever its
    label as given (``ordinary`` as given, ``key`` at 1,000 and ``member``
    at 5,000: raised from 1,000 the customer moves down), so a table whose
    customers are all below a fall still shows it.

    A check that compares no row cannot fail, so it does not pass: when no
    row could be raised with both labels in *order* (every value missing or
    at the field's ``max``), it is an ``AssertionError``, or, inside a
    hypothesis test, the example is rejected (as ``assume(False)``).

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path.
    data
        What ``evaluate`` takes: a mapping of columns, a DataFrame,
        ``CustomerFacts``, ``RfmScores`` or a list of them (one row per
        customer; a failure names the customer by the index).
    output
        The table or segmentation checked.
    field
        The numeric field raised.
    order
        The labels of *output*, lowest first, each once; labels not listed
        (``unknown``, ``no_purchase``) are not compared, so a row that moves
        from a listed label to one left out passes: with ``["ordinary",
        "key"]``, a fall from ``key`` to ``member`` is not seen. List every
        label that has a place in the order. A row whose label as given is
        not listed is still raised: a fall between two listed labels on
        its way up fails (``vip`` as given, ``key`` at 1,000, ``member`` at
        5,000), whether or not the rules read population aggregates.
    increase
        Extra steps to add to *field* (e.g. ``[1, 100]``), each > 0.

    Raises
    ------
    AssertionError
        The first row that moves down: its values, the value raised to, the
        labels before and after and the rules that decided them (for a fall
        between two raised values: both values, their labels and rules, and
        the label as given); or nothing was compared.
    ThresholdError
        *output* or *field* is not one of the rules', *order* lists a
        label *output* never gives (a typo would leave nothing to compare)
        or a label twice, a step of *increase* is not a number > 0, or the
        data lacks *field* or *output* (an optional field left out).

    Examples
    --------
    >>> data = {"recency_days": [10.0, 200.0], "frequency": [2, 5],
    ...         "monetary": [999.0, 50.0], "tenure_days": [300.0, 900.0],
    ...         "r": [5, 2], "f": [3, 5], "m": [5, 2]}
    >>> assert_monotone("ecommerce", data, "ecom4", "monetary",
    ...                 ["Ordinary", "Ordinary Loyal", "Key Development"])
    >>> assert_monotone("ecommerce", data, "lifecycle", "recency_days",
    ...                 ["active", "silent", "sleeping", "lost", "gone"][::-1])
    Traceback (most recent call last):
    ...
    AssertionError: raising 'recency_days' moves row 0 down in 'lifecycle' (raised alone; the rules read population aggregates): 'active' (table lifecycle: recency_days < 90) -> 'silent' (table lifecycle: 90 <= recency_days < 180) at recency_days = 90.0; the row: {'recency_days': 10.0, 'frequency': 2, ...}
    """
    rs = _ruleset(rules)
    if output not in rs.outputs:
        raise ThresholdError(
            f"'output' must be a table or segmentation of the rules "
            f"({', '.join(rs.outputs)}): got {output!r}"
        )
    if field not in rs.fields or rs.fields[field].kind not in ("number", "integer"):
        numeric = [f for f, s in rs.fields.items() if s.kind in ("number", "integer")]
        raise ThresholdError(
            f"'field' must be a numeric field of the rules ({', '.join(numeric)}): "
            f"got {field!r}"
        )
    steps = (
        []
        if increase is None
        else _sequence_param(increase, "increase", "steps (numbers > 0)", ordered=False)
    )
    for step in steps:
        if (
            not v._is_real(step)  # not a bool, nor a np.timedelta64
            or not math.isfinite(step)
            or step <= 0
        ):
            raise ThresholdError(
                f"'increase' must hold numbers > 0 (steps added to {field!r}): "
                f"got {step!r}"
            )
    spec = rs.fields[field]
    integer = spec.kind == "integer"
    frame = _as_frame(data)
    if field not in frame.columns:
        raise ThresholdError(
            f"'field' {field!r} is not in the data ({', '.join(map(str, frame.columns))}): "
            "pass data holding the field raised"
        )
    before = rs.evaluate(frame, explain=True)
    _check_computed(before, output)
    rank = _order_ranks(order, before.labels[output].names, output)
    base = _ranks(before[output], rank)
    base_labels = before[output].to_numpy()
    values = pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=np.float64)
    known = ~np.isnan(values)
    targets = {float(x) for x in boundary_values(rs)[field] if x is not None}
    # the values conditions with arithmetic compare with (``monetary /
    # frequency >= 5000``: 5000, its products and quotients), then a ladder
    # up from each row's own value: a threshold behind arithmetic on another
    # field of the row (5000 x the row's frequency) is passed on the way
    targets |= {float(x) for x in _arithmetic_values(rs).get(field, ())}
    candidates = (
        [("to", t) for t in sorted(targets)]
        + [("by", float(s)) for s in steps]
        + [("past", 0.0)]
        + [("times", 2.0**k) for k in range(2, _LADDER_DOUBLINGS + 1)]
        + [("by", 10.0**k) for k in range(_LADDER_POWERS + 1)]
    )
    trials: list[tuple[np.ndarray, np.ndarray]] = []  # (rows raised, new values)
    for how, amount in candidates:
        with np.errstate(over="ignore", invalid="ignore"):
            if how == "to":
                raised = np.where(values < amount, amount, np.nan)
            elif how == "by":
                raised = values + amount
            elif how == "times":  # the ladder of positive values
                raised = np.where(values > 0, values * amount, np.nan)
            else:
                raised = values + np.maximum(np.abs(values), 1.0)
            if integer:
                raised = np.ceil(raised)
            # only raises, and only within the field's domain
            use = np.isfinite(raised) & (raised > values)
            if spec.max is not None:
                use &= raised <= spec.max
            if integer:
                use &= np.abs(raised) <= 2.0**53
        if use.any():
            trials.append((use, np.where(use, raised, values)))
    n = len(frame)
    if not _row_wise(rs):
        # a population aggregate (mean(x), ...) moves with every row: each
        # row is raised alone, the others as given (raising every row at
        # once would move the aggregate with them and hide a row that falls)
        compared = _monotone_alone(
            rs, frame, output, field, rank, base, before, trials, integer, known
        )
        trials = []
    else:
        compared = False
    # rules that read no population aggregate label each row on its own, so
    # several trials are evaluated as one stacked frame (inside @given each
    # evaluate costs more than the rows it labels)
    per = max(1, _STACK_ROWS // max(n, 1))
    # each trial's ranks (-1: not raised, or a label not in *order*), for the
    # falls between two raised values once no row fell below its own label
    points: list[tuple[np.ndarray, np.ndarray]] = [(values, np.where(known, base, -1))]
    for start in range(0, len(trials), per):
        chunk = trials[start : start + per]
        stacked = pd.concat(
            [
                frame.assign(
                    **{field: new.astype(np.int64) if integer and known.all() else new}
                )
                for _, new in chunk
            ],
            ignore_index=True,
        )
        # (raised rows may pass their tenure: asked, not refused)
        after = rs._evaluate_data(stacked, explain=True, refuse=False)
        moved_all = _ranks(after[output], rank)
        for j, (use, new) in enumerate(chunk):
            moved = moved_all[j * n : (j + 1) * n]
            both = use & (base >= 0) & (moved >= 0)
            compared = compared or bool(both.any())
            down = np.flatnonzero(both & (moved < base))
            if len(down):
                row = int(down[0])
                at = j * n + row
                a, b = str(base_labels[row]), str(after[output].to_numpy()[at])
                raise AssertionError(
                    f"raising {field!r} moves row {row}{_who(frame, row)} down in "
                    f"{output!r}: {a!r}{_why(before, rs, output, row)} -> "
                    f"{b!r}{_why(after, rs, output, at)} at {field} = "
                    f"{int(new[row]) if integer else float(new[row])!r}; the row: "
                    f"{_row(frame, row)}"
                )
            points.append((new, np.where(use, moved, -1)))
    fall = _first_fall(points) if len(points) > 2 else None
    if fall is not None:
        row, high, low = fall
        two = (
            frame.iloc[[row, row]]
            .reset_index(drop=True)
            .assign(**{field: _column([high, low], integer)})
        )
        after = rs._evaluate_data(two, explain=True, refuse=False)
        shown = (int(high), int(low)) if integer else (high, low)
        _fell(
            rs,
            frame,
            output,
            field,
            row,
            base_labels[row],
            (after, 0, shown[0]),
            (after, 1, shown[1]),
        )
    if not compared:
        missing, rest = int((~known).sum()), int(known.sum())
        why = [f"{missing:,d} missing"] if missing else []
        if rest:
            why.append(
                f"{rest:,d} "
                + (
                    ""
                    if spec.max is None
                    else f"at the max {_display.number_text(spec.max)} or "
                )
                + "with labels not in 'order'"
            )
        _nothing_compared(
            f"nothing compared: no row could be raised in {field!r} with its "
            f"label in 'order' before and after ({', '.join(why) or 'no rows'}): "
            "pass rows with room to raise"
        )


#: rows of the frame of stacked trials ``assert_monotone`` evaluates at once
_STACK_ROWS = 100_000


def _column(values: Sequence[float], integer: bool) -> np.ndarray:
    """Raised values as the column evaluated: whole numbers of an integer field
    as int64, as the stacked trials give them."""
    return np.asarray(values, dtype=np.int64 if integer else np.float64)


def _first_fall(
    points: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[int, float, float] | None:
    """The first row that is lower in the order at a larger value than at a
    smaller one, as ``(row, smaller value, larger value)``, or None.

    *points* holds, for each value a row was evaluated at (the row as given,
    then each trial), the values (one per row) and the ranks of the labels
    they gave (-1: not evaluated there, or a label not in the order). Both
    values of a fall were evaluated with the row's other fields as given,
    so the fall is one a customer at the smaller value would make: raising
    the field from it moves the customer down. The larger value reported
    is the smallest one that falls, the smaller one the largest value below
    it that gives the highest label there.

    A row falls when some rank ``q`` is given at a value above the smallest
    value that gives a higher rank, so each row's smallest and largest
    value of each rank (one pass over the points, no sort of each row's
    values) decide it; only the row reported is sorted.

    >>> v = np.array([0.0]); later = [(v + 1000, np.array([2])), (v + 5000, np.array([1]))]
    >>> _first_fall([(v, np.array([0])), *later])
    (0, 1000.0, 5000.0)
    >>> _first_fall([(v, np.array([0])), (v + 5000, np.array([1]))]) is None
    True
    """
    n = len(points[0][0])
    levels = 1 + max((int(r.max()) for _, r in points if len(r)), default=-1)
    if n == 0 or levels < 2:
        return None
    # each row's smallest and largest value of each rank, at rank * n + row;
    # values not compared (rank -1, not finite) go to the last slot, unread
    spare = levels * n
    lowest = np.full(spare + 1, np.inf)
    highest = np.full(spare + 1, -np.inf)
    rows = np.arange(n, dtype=np.int64)
    for x, r in points:
        x = np.asarray(x, dtype=np.float64)
        at = np.where(
            (r >= 0) & np.isfinite(x), np.multiply(r, n, dtype=np.int64) + rows, spare
        )
        lowest[at] = np.minimum(lowest[at], x)
        highest[at] = np.maximum(highest[at], x)
    low = lowest[:spare].reshape(levels, n)
    high = highest[:spare].reshape(levels, n)
    # above[q]: the smallest value giving rank q or higher
    above = np.minimum.accumulate(low[::-1], axis=0)[::-1]
    fell = np.flatnonzero((high[:-1] > above[1:]).any(axis=0))
    if not len(fell):
        return None
    c = int(fell[0])
    xs = np.array([float(x[c]) for x, _ in points])
    rs = np.array([int(r[c]) for _, r in points])
    keep = (rs >= 0) & np.isfinite(xs)
    xs, rs = xs[keep], rs[keep]
    k = min(float(b) for b, q in zip(xs, rs, strict=True) if (rs[xs < b] > q).any())
    below = xs < k
    return c, float(xs[below & (rs == rs[below].max())].max()), k


def _fell(
    rs: RuleSet,
    frame: pd.DataFrame,
    output: str,
    field: str,
    row: int,
    given: Any,
    high: tuple[Any, int, Any],
    low: tuple[Any, int, Any],
    *,
    alone: bool = False,
) -> None:
    """The AssertionError of row *row* that falls between two raised values:
    *high* and *low* are ``(result, position, value)``: the result of
    ``evaluate`` with the row raised to *value* (the smaller one for *high*),
    and the row's position in it; *given* is the row's label as given."""

    def at(point: tuple[Any, int, Any]) -> str:
        result, k, value = point
        label = str(result[output].to_numpy()[k])
        return f"{label!r}{_why(result, rs, output, k)} at {field} = {value!r}"

    raise AssertionError(
        f"raising {field!r} moves row {row}{_who(frame, row)} down in {output!r}"
        + (" (raised alone; the rules read population aggregates)" if alone else "")
        + f": {at(high)} -> {at(low)} (as given: {str(given)!r}); the row: "
        f"{_row(frame, row)}"
    )


def _monotone_alone(
    rs: RuleSet,
    frame: pd.DataFrame,
    output: str,
    field: str,
    rank: Mapping[str, int],
    base: np.ndarray,
    before: Any,
    trials: list[tuple[np.ndarray, np.ndarray]],
    integer: bool,
    known: np.ndarray,
) -> bool:
    """``assert_monotone`` for rules that read population aggregates: each
    row raised alone to each of its distinct new values (the other rows as
    given), one evaluation per row and value; AssertionError for a row that
    moves down. Whether any row was compared."""
    compared = False
    # the first fall between two raised values, reported once no row fell
    # below its label as given (as the row-wise check does)
    fall: tuple[int, Any, Any, Any, Any] | None = None
    # the field as numbers (NaN missing), as the stacked trials give it
    column = pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=np.float64)
    whole = integer and bool(known.all())
    from .rules._model import evaluator_with

    # the other fields coerced once: as rs.evaluate(frame.assign(...)) each time
    run = evaluator_with(rs, frame, field)
    # every row raised, its label as given in *order* or not: a fall between
    # two raised values whose labels are in *order* is a fall whatever the
    # label as given (``vip`` as given, ``key`` at 1,000, ``member`` at
    # 5,000), as in the row-wise check
    for row in np.flatnonzero(known).tolist():
        values = sorted({float(new[row]) for use, new in trials if use[row]})
        # the highest label met on the way up, where, and the result that
        # gave it: a fall below it is a fall too (from there up)
        best: tuple[int, Any, float] | None = None
        for value in values:
            raised = column.astype(np.int64 if whole else np.float64, copy=True)
            raised[row] = int(value) if whole else value
            after = run(pd.Series(raised, index=frame.index, name=field))
            moved = _ranks(after[output], rank)[row]
            if moved < 0:
                continue
            compared = compared or bool(base[row] >= 0)
            if (
                fall is None
                and moved >= base[row]
                and best is not None
                and moved < best[0]
            ):
                shown = (int(best[2]), int(value)) if integer else (best[2], value)
                fall = (row, best[1], shown[0], after, shown[1])
            if best is None or moved >= best[0]:
                best = (int(moved), after, value)
            if 0 <= moved < base[row]:
                a = str(before[output].to_numpy()[row])
                b = str(after[output].to_numpy()[row])
                raise AssertionError(
                    f"raising {field!r} moves row {row}{_who(frame, row)} down in "
                    f"{output!r} (raised alone; the rules read population "
                    f"aggregates): {a!r}{_why(before, rs, output, row)} -> "
                    f"{b!r}{_why(after, rs, output, row)} at {field} = "
                    f"{int(value) if integer else value!r}; the row: "
                    f"{_row(frame, row)}"
                )
    if fall is not None:
        row, high, at_high, low, at_low = fall
        _fell(
            rs,
            frame,
            output,
            field,
            row,
            before[output].to_numpy()[row],
            (high, row, at_high),
            (low, row, at_low),
            alone=True,
        )
    return compared


def _check_computed(result: Any, output: str) -> None:
    """AssertionError-free ``result[output]``: a ThresholdError when the
    output was left out (an optional field absent), as ``assert_total``
    says it."""
    if output in result.labels:
        return
    why = result.skipped.get(output, ())
    raise ThresholdError(
        f"'output' {output!r} was left out of the result for the absent "
        f"optional field(s) {', '.join(map(repr, why))}: pass data holding them"
        if why
        else f"'output' {output!r} is not in the result"
    )


#: ``assert_monotone``'s ladder: each positive value times 4, 8, ... 2**40,
#: and each value plus 1, 10, ... 1e15
_LADDER_DOUBLINGS = 40
_LADDER_POWERS = 15


def _row_wise(rs: RuleSet) -> bool:
    """Whether every row's labels depend on that row alone (no derived value,
    rule or tag reads a population aggregate such as ``mean``)."""
    exprs = [d.expr for d in rs.derived.values()]
    exprs += [r.when for seg in rs.segments.values() for r in seg.rules]
    exprs += [r.when for ts in rs.tagsets.values() for r in ts.rules]
    return not any(e.aggregates for e in exprs)


def _ranks(labels: Any, rank: Mapping[str, int]) -> np.ndarray:
    """Each row's rank in *order* (-1: a label not listed)."""
    of_code = np.array([rank.get(str(x), -1) for x in labels.names] + [-1])
    codes = np.asarray(labels.codes).astype(np.intp)
    return of_code[np.where((codes >= 0) & (codes < len(labels.names)), codes, -1)]


def _sequence_param(value: Any, name: str, what: str, *, ordered: bool) -> list[Any]:
    """Parameter *name*, a list of *what*, as a list: one value, bytes, a
    mapping or (when its order matters, *ordered*) a set is a ThresholdError
    naming the parameter, not a bare TypeError or its characters or bytes
    read as items (``b"ab"`` is the numbers 97 and 98).

    >>> _sequence_param(("a", "b"), "order", "labels", ordered=True)
    ['a', 'b']
    >>> _sequence_param({"b", "a"}, "order", "labels", ordered=True)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'order' must be a list of labels in order: got a set, whose order is not fixed (it may change from one run to the next)
    """
    if isinstance(value, set | frozenset) and ordered:
        raise ThresholdError(
            f"{name!r} must be a list of {what} in order: got a set, whose order "
            "is not fixed (it may change from one run to the next)"
        )
    if isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(
        value, Iterable
    ):
        raise ThresholdError(
            f"{name!r} must be a list of {what}: got {v.describe(value)}"
        )
    return list(value)


def _order_ranks(
    order: Sequence[str], names: Sequence[str], output: str
) -> dict[str, int]:
    """Rank of each label of *order*; a label *output* cannot give (a typo
    would leave the check nothing to compare) or a label listed twice is a
    ThresholdError."""
    if isinstance(order, str):
        raise ThresholdError(
            f"'order' must be a list of the labels of {output!r}, lowest first: "
            f"got the string {order!r}"
        )
    order = _sequence_param(order, "order", f"the labels of {output!r}", ordered=True)
    foreign = [label for label in order if label not in names]
    twice = v.repeated(order)[0]
    if foreign or twice:
        problem = (
            f"labels {output!r} never gives: {', '.join(map(repr, foreign))}"
            if foreign
            else f"labels listed twice: {', '.join(map(repr, twice))}"
        )
        raise ThresholdError(
            f"'order' has {problem}; list each label once, lowest first, from "
            f"{', '.join(map(repr, names))}"
        )
    return {label: i for i, label in enumerate(order)}


def assert_order_free(rules: Any, data: Any, *, seed: int = 0) -> None:
    """Permuting the rows permutes the labels and the tags, nothing else.

    The rows are evaluated as given, again in a random order that moves
    every row (one cycle through all of them), and in the reverse order,
    each row with its index (the customer id of a table indexed by it,
    which a callable may join the customer's other data by). A cycle keeps
    many pairs of rows in their order (a rotation keeps every pair but
    those of the row that wraps round); the reverse order puts every pair the other way round, so a
    label decided by which of two tied rows comes first (the "top"
    customer of a stable sort, ``idxmax``, ``rank(method="first")``,
    ``drop_duplicates``, a cumulative cut through a tie) fails, whatever
    the *seed*. Fewer than two rows cannot be
    reordered: that compares nothing, so it is an ``AssertionError``, or,
    inside a hypothesis test, the example is rejected (as
    ``assume(False)``).

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path, or a
        callable returning a ``RulesResult``, called with a DataFrame of the
        columns ``evaluate`` reads from *data*, on the index it gives them
        (the customer ids of ``CustomerFacts``), once per order.
    data
        What ``evaluate`` takes: a mapping of columns, a DataFrame,
        ``CustomerFacts``, ``RfmScores`` or a list of them (a failure names
        the customer by the index).
    seed
        Seed of the random cycle (the reversed order needs none).

    Raises
    ------
    AssertionError
        The first row whose label changes with its position; an output with
        more or fewer labels (or rows of tags) than *data* has rows, in
        either order; or fewer than two rows.

    Examples
    --------
    >>> assert_order_free("base", {"recency_days": [3.0, 90.0, None],
    ...     "frequency": [4, 1, 0], "monetary": [120.0, 15.0, 0.0],
    ...     "tenure_days": [400.0, 100.0, None], "r": [5, 3, None],
    ...     "f": [4, 1, None], "m": [3, 1, None]})
    """
    seed = _count(seed, "seed")
    frame = _as_frame(data)
    n = len(frame)
    if n < 2:
        _nothing_compared(
            f"nothing compared: {n} row(s) cannot be put in another order; pass "
            "at least 2 rows"
        )
    # a random cycle through every row: no row keeps its position (a random
    # permutation leaves rows in place, and on 2 rows is the identity half
    # the time)
    cycle = np.random.default_rng(seed).permutation(n)
    perm = np.empty(n, dtype=np.intp)
    perm[cycle] = np.roll(cycle, -1)
    # each row moves with its index (the customer id a callable may join
    # the customer's other data by): the rows reordered, nothing else
    a = _evaluate(rules, frame)
    if not a.labels and not a.tags:
        raise AssertionError(
            "the result has no table, segmentation or tag set: nothing compared"
        )
    # a cycle moves every row but keeps many pairs of rows in their order
    # (a rotation keeps all but those of the row that wraps): a tie broken by position (the
    # first of two equal customers is the "top" one) would pass it. The
    # reversed order puts every pair the other way round, so it catches
    # any label decided by which of two tied rows comes first.
    orders = [perm] if n == 2 else [perm, np.arange(n - 1, -1, -1, dtype=np.intp)]
    for order in orders:  # (on two rows the cycle is the reversal)
        _same_moved(a, _evaluate(rules, frame.iloc[order]), order, frame, n)


def _same_moved(a: Any, b: Any, perm: np.ndarray, frame: Any, n: int) -> None:
    """The outputs of *b* (the rows of *frame* in the order *perm*) are those
    of *a* (the given order) moved by *perm*, one per row in either order;
    an AssertionError naming the first row whose label or tag moved
    otherwise."""
    # one output per row in either order, before the rows are paired by
    # position (a result that lost or added rows has no row to pair)
    for result, where in ((a, "the given order"), (b, "another order")):
        for name, labels in result.labels.items():
            _one_per_row(f"{name!r} has", len(np.asarray(labels)), "labels", n, where)
        for name, (_, matrix) in result.tags.items():
            _one_per_row(
                f"tag set {name!r} has", len(np.asarray(matrix)), "rows", n, where
            )
    _same_tags_moved(a, b, perm, frame)
    for name, labels in a.labels.items():
        if name not in b.labels:
            raise AssertionError(
                f"{name!r} is in the result of the given order only: it depends on "
                "the order of the rows"
            )
        want = np.asarray(labels)[perm]
        got = np.asarray(b.labels[name])
        if len(want) != len(got):
            raise AssertionError(
                f"{name!r} has {len(want):,d} labels in the given order but "
                f"{len(got):,d} in another"
            )
        bad = np.flatnonzero(_differ(want, got))
        if len(bad):
            j = int(bad[0])
            i = int(perm[j])
            raise AssertionError(
                f"{name!r} depends on the order of the rows: row {i}{_who(frame, i)} "
                f"is {_plain(want[j])!r} in the given order but {_plain(got[j])!r} "
                f"when moved to position {j}; the row: {_row(frame, i)}"
            )


def _one_per_row(what: str, got: int, unit: str, n: int, where: str) -> None:
    """An AssertionError unless an output has one label (or row of tags),
    *got*, per row of data (*n*), in the words of :func:`assert_total`."""
    if got != n:
        raise AssertionError(
            f"{what} {got:,d} {unit} for {n:,d} rows of data in {where}: every row "
            "must get exactly one label"
        )


def _same_tags_moved(a: Any, b: Any, perm: np.ndarray, frame: pd.DataFrame) -> None:
    """Every tag of *a* (rows in the given order) is the tag of *b* (the
    rows moved by *perm*): tags are outputs too, as labels are."""
    for name, (tags, matrix) in a.tags.items():
        other = b.tags.get(name)
        if other is None or tuple(other[0]) != tuple(tags):
            raise AssertionError(
                f"tag set {name!r} has other tags when the rows are in another "
                "order: it depends on the order of the rows"
            )
        want = np.asarray(matrix)[perm]
        got = np.asarray(other[1])
        if want.shape != got.shape:
            raise AssertionError(
                f"tag set {name!r} has {len(want):,d} rows in the given order but "
                f"{len(got):,d} in another"
            )
        bad = np.argwhere(_differ(want, got))
        if len(bad):
            j, t = (int(x) for x in bad[0])
            i = int(perm[j])
            raise AssertionError(
                f"tag {name}.{tags[t]} depends on the order of the rows: row "
                f"{i}{_who(frame, i)} has it {_plain(want[j, t])!r} in the given "
                f"order but {_plain(got[j, t])!r} when moved to position {j}; the "
                f"row: {_row(frame, i)}"
            )


def assert_stable(
    before: SegmentResult,
    after: SegmentResult,
    *,
    columns: Sequence[str] | None = None,
) -> None:
    """Customers whose facts did not change keep their labels.

    *before* and *after* are :func:`custseg.segment` results of two periods,
    the second made with the first's edges and rules
    (``after = before.apply(...)``). A customer present in both with the
    same ``recency_days``, ``frequency``, ``monetary`` and ``tenure_days``
    must have the same label in every label column (or in *columns*): the
    scores ``r``, ``f``, ``m``, ``rfm``, ``lifecycle``, ``abc`` and every
    table, segmentation and tag of the rules. A missing value is the same
    as a missing value, whatever dtype holds it (NaN, ``<NA>``, ``NaT``,
    ``None``, an Arrow null): a customer with refunds only, unscored in
    both results, has not moved; a fact missing in one result only has
    changed, so that customer is not compared. Values compare as values,
    not as text (a score 3 is 3.0).

    The customer's answers joined from ``records=`` (the columns the rules
    declare as fields, such as ``vip``) are facts too: a customer whose
    answer changed is not compared in the labels that read it (in the
    others they are), and the answers, ``present`` (whether a records
    row was joined) and the records columns no rule declares (a
    categorical ``region`` carried along) are the customer's data, never
    compared as labels. The contacts are facts too: ``relationship`` is
    computed from them, so each result's contacts are taken as
    :func:`custseg.segment` read them when it made the result (its
    ``contact_summary``: a contacts frame edited since, a file rewritten
    or named by a relative path from another directory changes nothing),
    and a customer
    whose contacts differ in what ``relationship`` reads (a sale, the
    customer's own contacts, follow-ups, suggestions, new products, joint
    projects, unknown contacts) is not compared in ``relationship`` nor in
    the outputs of the rules that read it; in the others they are.

    Parameters
    ----------
    before, after
        The two results.
    columns
        The label columns compared, or one column's name (default: every
        label column of both: ``lifecycle``, ``abc``, ``relationship``, the
        scores ``r``, ``f``, ``m``, ``rfm`` and the rules' tables,
        segmentations and tags; not the records answers, ``present`` or
        the records columns no rule declares, categorical or not).

    Raises
    ------
    AssertionError
        How many customers moved in a column, with one of them and its facts
        (and the answers and contact facts the column reads); or no customer
        id is in both results (saying when the ids are of other kinds,
        integers in one and text in the other), or none in both has the same
        facts (nothing to compare, e.g. results made at two different
        ``as_of``), or every such customer has other answers or contacts in
        every label compared.
    ThresholdError
        An argument is not a ``segment`` result, or *columns* is empty,
        names a column the results do not both have, or names a records
        answer or ``present`` (the customer's data, not a label).

    Examples
    --------
    >>> import custseg, warnings
    >>> from custseg.datasets import simulate_transactions
    >>> tx = simulate_transactions(300, seed=2)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     june = custseg.segment(tx[tx.date < "2024-06-01"], preset="ecommerce",
    ...                            as_of="2024-06-01")
    ...     also_june = june.apply(tx[tx.date < "2024-06-01"], as_of="2024-06-01")
    >>> assert_stable(june, also_june)
    """
    for arg, res in (("before", before), ("after", after)):
        if not isinstance(getattr(res, "customers", None), pd.DataFrame):
            raise ThresholdError(
                f"{arg!r} must be a custseg.segment result: got {type(res).__name__}"
            )
    a, b = before.customers, after.customers
    inputs = _input_columns(before, after)
    if columns is not None:
        columns = [columns] if isinstance(columns, str) else list(columns)
        if not columns:
            raise ThresholdError(
                "'columns' is empty, so nothing would be compared: name the label "
                "columns, or leave it out to compare every one"
            )
        absent = [c for c in columns if c not in a.columns or c not in b.columns]
        if absent:
            raise ThresholdError(
                f"'columns' names columns the results do not both have: {absent}"
            )
        given = [c for c in columns if c in inputs]
        if given:
            raise ThresholdError(
                f"'columns' names the customers' own data, not labels: {given} "
                "(records answers and 'present' are inputs: a customer whose "
                "answer changed is not compared); name label columns"
            )
    both = a.index.intersection(b.index)
    fa, fb = a.loc[both, list(_FACTS)], b.loc[both, list(_FACTS)]
    # a missing fact is the same as a missing fact, and changed from a value
    # (pandas' NA == NA is NA, which .all() would skip as the same)
    changed = np.zeros(len(both), dtype=bool)
    for fact in _FACTS:
        changed |= _differ(fa[fact], fb[fact])
    keep = both[~changed]
    if len(keep) == 0:
        # a check that compares nobody cannot fail: say so, and why
        raise AssertionError(_nobody_to_compare(before, after, len(both)))
    # the customers' own data beside the facts (records answers, present):
    # a customer whose answer changed may move in a label that reads it
    moved_input = {
        c: pd.Series(
            _differ(_column_or_missing(a, c, keep), _column_or_missing(b, c, keep)),
            index=keep,
        )
        for c in inputs
    }
    reads = _inputs_read(before, after, inputs)
    contacts_a, contacts_b = _contact_facts(before, keep), _contact_facts(after, keep)
    if contacts_a is not None or contacts_b is not None:
        # relationship reads the contacts, which the results do not hold: a
        # customer whose contacts changed may move in it (and in the rules'
        # outputs that read it), as a customer whose records answer changed
        contacts_a = _no_contacts(keep) if contacts_a is None else contacts_a
        contacts_b = _no_contacts(keep) if contacts_b is None else contacts_b
        other = np.zeros(len(keep), dtype=bool)
        for c in contacts_a.columns:
            other |= _differ(contacts_a[c], contacts_b[c])
        moved_input[_CONTACTS] = pd.Series(other, index=keep)
        for name in _reading_relationship(before, after):
            reads.setdefault(name, set()).add(_CONTACTS)
    names = list(columns) if columns is not None else _label_columns(before, after)
    compared = False
    for name in names:
        own = sorted(reads.get(name, ()))
        same = np.ones(len(keep), dtype=bool)
        for c in own:
            same &= ~moved_input[c].to_numpy()
        ids = keep[same]
        if not len(ids):
            continue
        compared = True
        x, y = a.loc[ids, name], b.loc[ids, name]
        moved = np.flatnonzero(_differ(x, y))
        if len(moved):
            k = int(moved[0])
            cid = ids[k]
            shown = {f: _plain(fa.at[cid, f]) for f in _FACTS}
            shown |= {
                c: _plain(_column_or_missing(a, c, ids[k : k + 1]).iloc[0])
                for c in own
                if c != _CONTACTS
            }
            if _CONTACTS in own and contacts_a is not None:
                shown[_CONTACTS] = {
                    c: _plain(contacts_a.at[cid, c]) for c in contacts_a.columns
                }
            raise AssertionError(
                f"{name!r} moved {len(moved)} customer(s) whose facts did not change, "
                f"e.g. {_plain(cid)!r}: {_plain(x.iloc[k])!r} -> "
                f"{_plain(y.iloc[k])!r}; facts {shown}"
            )
    if not compared:
        raise AssertionError(
            f"nothing to compare: the {len(keep):,d} customer(s) with the same "
            "facts in both results have other answers in their records (or "
            "other contacts) in every label compared ("
            + ", ".join(map(repr, names))
            + "): compare results made from the same records and contacts"
        )


def _nobody_to_compare(before: SegmentResult, after: SegmentResult, n: int) -> str:
    """Why :func:`assert_stable` found no customer to compare: no id in
    both results (ids of other kinds: ``7`` is not ``"7"``), or no customer
    in both with the same facts (as_of moves recency)."""
    from ._align import id_kind

    a, b = before.customers, after.customers
    head = f"nothing to compare: of {len(a):,d} and {len(b):,d} customers, "
    if n == 0:
        kinds = id_kind(a.index), id_kind(b.index)
        why = (
            f": the ids are {kinds[0]} in 'before' but {kinds[1]} in 'after' "
            "(7 is not '7'); make both from ids stored the same way"
            if kinds[0] != kinds[1] and len(a) and len(b)
            else ": compare results of the same customers"
        )
        return head + "no customer id is in both results" + why
    text = head + f"{n:,d} are in both results and none has the same facts in both"
    if before.as_of != after.as_of:
        text += (
            f" (they are made at other as_of, {before.as_of} and {after.as_of}, "
            "and recency_days moves with as_of: make both at one as_of)"
        )
    return text


#: the transaction facts of a customer in a segment result
_FACTS = ("recency_days", "frequency", "monetary", "tenure_days")
#: columns of a segment result computed from the facts (and the contacts),
#: never a records answer
_NOT_INPUTS = (*_FACTS, "r", "f", "m", "rfm", "lifecycle", "abc", "relationship")


def _input_columns(before: SegmentResult, after: SegmentResult) -> list[str]:
    """The columns of either result that hold the customer's own data beside
    the facts, not labels: ``present`` (whether a records row was joined)
    and every records answer, a field of the rules (not a fact or score)."""
    fields: set[str] = set()
    for res in (before, after):
        rs = getattr(res, "rules", None)
        fields |= set(getattr(rs, "fields", {}))
    cols = [*before.customers.columns, *after.customers.columns]
    return list(
        dict.fromkeys(
            c for c in cols if c == "present" or (c in fields and c not in _NOT_INPUTS)
        )
    )


def _inputs_read(
    before: SegmentResult, after: SegmentResult, inputs: Sequence[str]
) -> dict[str, set[str]]:
    """The input columns (:func:`_input_columns`) each output of the rules
    of either result reads (tags as ``set.tag``)."""
    out: dict[str, set[str]] = {}
    for res in (before, after):
        rs = getattr(res, "rules", None)
        if rs is None:
            continue
        for name, fields in rs.fields_read().items():
            out.setdefault(name, set()).update(f for f in fields if f in inputs)
    return out


#: the key of the contacts among the inputs a label reads (no column has
#: this name: the results do not hold the contacts)
_CONTACTS = "contacts"
#: what ``relationship`` is computed from, per customer: the columns of the
#: contact summary ``relationship_type`` reads (whether there is a sale, not
#: its day: the day moves with the facts' first purchase, the counts and
#: day spans do not)
_CONTACT_FACTS = (
    "sale",
    *(name for name in _RELATIONSHIP_READS if name != "first_sale"),
    "unknown_contacts",
)


def _contact_facts(res: SegmentResult, ids: pd.Index) -> pd.DataFrame | None:
    """What ``relationship`` is computed from for the customers *ids* of
    *res*: its contact summary as :func:`custseg.segment` read it when it
    made *res* (:attr:`~custseg.SegmentResult.contact_summary`; never the
    contacts of its ``settings`` read again, which a frame edited since, a
    file rewritten or a relative path from another directory would change)
    (:data:`_CONTACT_FACTS`; missing for a customer the summary does not
    hold), or None when *res* was made without contacts."""
    from ._align import same_ids
    from .frame import _contact_summary_of, _side_encoding

    settings = getattr(res, "settings", None) or {}
    contacts = settings.get("contacts")
    if contacts is None or "relationship" not in res.customers.columns:
        return None
    summary = getattr(res, "contact_summary", None)
    if summary is None:  # (a result made before it was kept: read them)
        summary, _, _ = _contact_summary_of(
            res.customers.index,
            contacts,
            settings.get("customer", "customer_id"),
            res.facts,
            date_format=settings.get("date_format"),
            after_as_of=settings.get("after_as_of", "raise"),
            encoding=_side_encoding(
                settings.get("contacts_encoding"), "contacts", settings.get("encoding")
            ),
        )
    table = summary.to_pandas()
    table["sale"] = table["first_sale"].notna()
    table = table[list(_CONTACT_FACTS)]
    index, own = same_ids(ids, table.index)
    return table.set_axis(own).reindex(index).set_axis(ids)


def _no_contacts(ids: pd.Index) -> pd.DataFrame:
    """:func:`_contact_facts` of a result made without contacts: missing."""
    return pd.DataFrame(
        {c: [None] * len(ids) for c in _CONTACT_FACTS}, index=ids, dtype=object
    )


def _reading_relationship(before: SegmentResult, after: SegmentResult) -> list[str]:
    """``relationship`` and the outputs of the rules of either result that
    read it (a rules field named ``relationship``)."""
    out = ["relationship"]
    for res in (before, after):
        rs = getattr(res, "rules", None)
        if rs is None:
            continue
        out += [n for n, fields in rs.fields_read().items() if "relationship" in fields]
    return list(dict.fromkeys(out))


def _column_or_missing(frame: pd.DataFrame, name: str, ids: Any) -> pd.Series:
    """Column *name* of *frame* at *ids*, or missing values where the result
    has no such column (no records joined)."""
    if name in frame.columns:
        return frame.loc[ids, name]
    return pd.Series([None] * len(ids), index=ids, dtype=object)


#: the RFM score columns of a segment result (nullable integers, not categories)
_SCORES = ("r", "f", "m", "rfm")


#: the label columns ``segment`` computes beside the rules' outputs
_COMPUTED_LABELS = ("lifecycle", "abc", "relationship")


def _label_columns(before: SegmentResult, after: SegmentResult) -> list[str]:
    """The label columns both results have: those ``segment`` computes
    (lifecycle, abc, relationship, the scores ``r``, ``f``, ``m``, ``rfm``)
    and the outputs of the rules (tables, segmentations, tags as
    ``set.tag``). Never a column of the records that no rule declares,
    categorical or not (a ``region`` the records carry along): that is the
    customer's data, not a label."""
    a, b = before.customers, after.customers
    labels: set[str] = {*_COMPUTED_LABELS, *_SCORES}
    for res in (before, after):
        rs = getattr(res, "rules", None)
        labels |= set(getattr(rs, "outputs", ()))
        for ts in getattr(rs, "tagsets", {}).values():
            labels |= {f"{ts.name}.{tag}" for tag in ts.tags}
    inputs = set(_input_columns(before, after))
    return [c for c in a.columns if c in b.columns and c not in inputs and c in labels]


def assert_reachable(
    rules: RuleSet | str | os.PathLike[str], *, rows: int = 20_000, seed: int = 0
) -> None:
    """Every label of every table and segmentation can be given to some customer.

    Exact where the static analysis is (rules comparing fields with
    constants): a rule it finds never matching or unreachable fails. Then
    *rows* rows are sampled from the boundary values of every field and each
    label of every table and segmentation must occur among them. A label
    not reached there is looked for in *rows* more rows, each value drawn
    from the field's boundary values, from its whole declared domain (as
    :func:`fields_for` draws it) or, for a number or integer field, from
    values made of the constants behind arithmetic (for ``monetary /
    frequency >= 50``: 50, and the sums, differences, products and
    quotients of the constants one condition reads, directly or through
    derived values, and the solutions of one affine step such as ``2 * x +
    1 >= 701``), and then in the labels the file's ``[[examples]]``
    give to the field values they name. This catches what the analysis
    cannot decide (aggregates, arithmetic) and a table interval that lies
    beyond its field's bounds (a break above the field's ``max``; a
    ``missing`` label for a field that cannot be missing).

    Sampling finds a reachable label only when the values it needs are
    drawn: a label behind a narrow window of arithmetic (``x * y`` between
    two close constants) may be missed, and fails. Give such a label an
    ``[[examples]]`` entry with field values that reach it: a label an
    example reaches counts as reached (and if it does not come out, the
    rules cannot give it to that customer either). A label that only a
    preset's rules for a field the preset declares never missing give
    (``visit_tier``'s ``unknown`` where ``missing(frequency)``) is not asked
    for: it labels the rows of a file that extends the preset and declares
    the field ``missing = true``.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path.
    rows
        Rows sampled, in each of the two samples: at most 20,000,000 values
        (rows times the number of fields: 1,538,461 rows of a preset's 13
        fields, about 500 MB), ThresholdError otherwise, giving the largest
        accepted.
    seed
        Seed of the samples: the same seed draws the same rows.

    Raises
    ------
    AssertionError
        The labels that cannot be reached, and why.
    ThresholdError
        *rows* or *seed* out of bounds; an ``integer`` field whose bounds
        hold no whole number.

    Examples
    --------
    >>> assert_reachable("ecommerce")
    >>> from custseg import rules
    >>> baskets = rules.loads('''format = 1
    ... [fields]
    ... monetary = { type = "number", min = 0 }
    ... frequency = { type = "integer", min = 1 }
    ... [segments.basket]
    ... default = "small baskets"
    ... rules = [{ label = "big baskets", when = "monetary / frequency >= 50" }]
    ... ''')
    >>> assert_reachable(baskets)
    """
    rows = _count(rows, "rows", 1)
    seed = _count(seed, "seed")
    rs = _ruleset(rules)
    rows = _count(
        rows,
        "rows",
        1,
        max(1, _MOST_SAMPLED // max(1, len(rs.fields))),
        f" (rows of the rules' {len(rs.fields):,d} fields: at most "
        f"{_MOST_SAMPLED:,d} values are sampled, to fit in memory)",
    )
    problems = [
        d.render() for d in rs.diagnostics if d.code in ("never-matches", "unreachable")
    ]
    if problems:
        raise AssertionError("rules that can never decide:\n" + "\n".join(problems))
    edges = boundary_values(rs)
    for name, pool in edges.items():
        if not pool:  # an integer field whose bounds hold no whole number
            _whole(name, rs.fields[name])
    rng = np.random.default_rng(seed)
    data = {}
    for name, pool in edges.items():
        values = np.empty(len(pool), dtype=object)
        values[:] = pool
        data[name] = values[rng.integers(0, len(pool), rows)]
    # (sampled field by field: a tenure below the recency is labelled, not
    # refused, as before the rules refused it from user data)
    lost = _unreached(rs, rs._evaluate_data(data, refuse=False), None)
    del data
    if lost:
        wide = _wide_sample(rs, edges, rows, rng)
        lost = _unreached(rs, rs._evaluate_data(wide, refuse=False), lost)
    if lost:
        lost = _unreached_by_examples(rs, lost)
    if lost:
        lost = _without_gap_labels(rs, lost)
    if lost:
        missing = []
        for name, labels in lost.items():
            kind = "table" if name in rs.tables else "segmentation"
            missing.append(f"{kind} {name}: {', '.join(map(repr, labels))}")
        raise AssertionError(
            f"labels not reached on {rows:,d} rows sampled from the boundary values, "
            f"{rows:,d} more from the whole domains and the constants behind "
            "arithmetic, nor by an [[examples]] entry: " + "; ".join(missing) + ". "
            "A table's interval beyond its field's bounds, or a default no row "
            "reaches, is never given; a rule the analysis cannot decide "
            "(aggregates, arithmetic) may need values the sampler does not draw "
            "(more rows draw the same kinds of values): check with "
            "RuleSet.evaluate on values that should give the label, and if they "
            "do, add them as an [[examples]] entry expecting it (given field "
            "values, no derived ones), which this check counts as reached"
        )


def _unreached(
    rs: RuleSet, out: Any, wanted: dict[str, list[str]] | None
) -> dict[str, list[str]]:
    """The labels of each table and segmentation (of *wanted* only, when
    given) that no row of *out* has, in file order."""
    lost: dict[str, list[str]] = {}
    for name in rs.outputs:  # tables and segmentations, in file order
        if wanted is not None and name not in wanted:
            continue
        if name not in out.labels:  # not computed: nothing reached
            if wanted is not None:
                lost[name] = wanted[name]
            continue
        labels = out[name]
        seen = np.zeros(len(labels.names) + 1, dtype=bool)
        codes = np.asarray(labels.codes).astype(np.intp)
        seen[np.clip(codes, -1, len(labels.names))] = True
        names = labels.names if wanted is None else wanted[name]
        gone = [x for x in names if not seen[list(labels.names).index(x)]]
        if gone:
            lost[name] = gone
    return lost


def _without_gap_labels(
    rs: RuleSet, lost: dict[str, list[str]]
) -> dict[str, list[str]]:
    """*lost* without the labels of a segmentation that only rules asking
    ``missing(x)`` of a field declared never missing give (the presets'
    ``visit_tier`` ``unknown`` for a missing ``frequency``): they label the
    rows of a file that extends the preset and declares the field missing,
    where they are reached. (Such a rule of a file's own is a
    ``never-matches`` diagnostic, which has failed before this.)"""
    kept: dict[str, list[str]] = {}
    for name, labels in lost.items():
        seg = rs.segments.get(name)
        if seg is not None:
            labels = [
                x
                for x in labels
                if x == seg.default
                or not (rules := [r for r in seg.rules if r.label == x])
                or not all(asks_missing_of_solid(rs, r) for r in rules)
            ]
        if labels:
            kept[name] = labels
    return kept


def _unreached_by_examples(
    rs: RuleSet, lost: dict[str, list[str]]
) -> dict[str, list[str]]:
    """*lost* without the labels the file's ``[[examples]]`` give to the
    field values they name (an example that gives a derived value says
    nothing of the fields: not counted)."""
    from .rules._examples import run_examples

    examples = [ex for ex in rs.examples if all(name in rs.fields for name in ex.given)]
    if not examples:
        return lost
    given = {(o.output, o.actual) for o in run_examples(rs, examples)}
    left = {
        name: [label for label in labels if (name, label) not in given]
        for name, labels in lost.items()
    }
    return {name: labels for name, labels in left.items() if labels}


#: the most constants of one condition whose sums, differences, products
#: and quotients are candidate values (their number grows as the square)
_MOST_COMBINED = 40
#: the most constants of one condition whose affine solutions (``(b - a) /
#: k``, ``b / k - a``) are candidate values too (their number grows as the cube)
_MOST_AFFINE = 10
#: the largest whole number a candidate integer value may be (exact in float64)
_MOST_INT = 2**53
#: the field kinds that hold numbers
_NUMBER_KINDS = ("number", "integer")


def _numbers_in(text: str, params: Mapping[str, Any]) -> tuple[set[float], set[str]]:
    """The finite numbers an expression's text holds (its parameters'
    values included) and the names it reads."""
    tree = condition_tree(text)  # as the compiler reads it: x ＞＝ 700 too
    if tree is None:
        return set(), set()
    numbers: set[float] = set()
    names: set[str] = set()
    for node in ast.walk(tree):
        value: Any = None
        if isinstance(node, ast.Constant):
            value = node.value
        elif isinstance(node, ast.Name):
            names.add(node.id)
            value = params.get(node.id)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
        ):
            numbers.add(float(value))
    return numbers, names


def _arithmetic_values(rs: RuleSet) -> dict[str, list[Any]]:
    """Candidate values of each number or integer field for conditions
    whose constant sits behind arithmetic (``monetary / frequency >= 50``),
    which the boundary values cannot reach: per condition, the numbers it
    reads (directly or through the derived values it reads), their
    negations, sums, differences, products and quotients, and the solutions
    of one affine step (``2 * x + 1 >= 701`` at 350, ``(x + 100) * 2 >=
    1000`` at 400), 0 and 1, each just below, on and just above (whole
    numbers for an integer field), within the field's bounds; for each
    number or integer field the condition reads.
    A table on a derived value counts as a condition comparing it with its
    breaks."""
    own = {n: _numbers_in(d.expr.text, rs.params) for n, d in rs.derived.items()}
    texts = [d.expr.text for d in rs.derived.values()]
    texts += [r.when.text for seg in rs.segments.values() for r in seg.rules]
    texts += [r.when.text for ts in rs.tagsets.values() for r in ts.rules]
    reads = [_numbers_in(text, rs.params) for text in texts]
    # a table on a derived value compares it with its breaks, as a condition
    # `per_visit >= 10` would
    reads += [
        ({float(b) for b in t.breaks if math.isfinite(b)}, {t.field})
        for t in rs.tables.values()
        if t.field in rs.derived
    ]
    points: dict[str, set[float]] = {}
    for numbers, names in reads:
        numbers = set(numbers)
        todo, seen = list(names), set(names)
        while todo:  # through the derived values it reads
            got = own.get(todo.pop())
            if got is not None:
                numbers |= got[0]
                todo += [n for n in got[1] if n not in seen]
                seen |= got[1]
        fields = [
            n for n in seen if n in rs.fields and rs.fields[n].kind in _NUMBER_KINDS
        ]
        if not fields or not numbers:
            continue
        cands = {0.0, 1.0} | numbers | {-a for a in numbers}
        if len(numbers) <= _MOST_COMBINED:
            cands |= {a * b for a in numbers for b in numbers}
            cands |= {a / b for a in numbers for b in numbers if b}
            cands |= {a + b for a in numbers for b in numbers}
            cands |= {a - b for a in numbers for b in numbers}
        if len(numbers) <= _MOST_AFFINE:
            for k in numbers - {0.0}:
                for a in numbers:
                    for b in numbers:
                        cands |= {(b - a) / k, (b + a) / k, b / k - a, b / k + a}
        for name in fields:
            points.setdefault(name, set()).update(cands)
    out = {}
    for name, cands in points.items():
        spec = rs.fields[name]
        integer = spec.kind == "integer"
        most = _MOST_INT if integer else math.inf
        lo = max(-most, -math.inf if spec.min is None else spec.min)
        hi = min(most, math.inf if spec.max is None else spec.max)
        out[name] = _near({c for c in cands if math.isfinite(c)}, integer, lo, hi)
    return out


def _wide_sample(
    rs: RuleSet, edges: Mapping[str, list[Any]], rows: int, rng: Any
) -> dict[str, np.ndarray]:
    """*rows* rows, each value drawn from its field's boundary values, its
    whole domain or its candidate values behind arithmetic, one in three
    each (the boundary values where a kind is missing)."""
    arithmetic = _arithmetic_values(rs)
    data = {}
    for name, pool in edges.items():
        spec = rs.fields[name]
        values = np.empty(len(pool), dtype=object)
        values[:] = pool
        column = values[rng.integers(0, len(pool), rows)]
        source = rng.integers(0, 3, rows)
        cands = arithmetic.get(name, [])
        pick = source == 1
        if cands and pick.any():
            more = np.empty(len(cands), dtype=object)
            more[:] = cands
            column[pick] = more[rng.integers(0, len(cands), int(pick.sum()))]
        pick = source == 2
        if spec.kind in _NUMBER_KINDS and pick.any() and _has_whole(spec):
            lo, hi = _whole(name, spec)
            k = int(pick.sum())
            if spec.kind == "integer":
                drawn: list[Any] = [
                    int(x) for x in rng.integers(lo, hi, k, endpoint=True)
                ]
            else:
                u = rng.random(k)
                # lo + (hi - lo) * u overflows for bounds near the float limits
                drawn = np.clip(lo * (1 - u) + hi * u, lo, hi).tolist()
            more = np.empty(k, dtype=object)
            more[:] = drawn
            column[pick] = more
        data[name] = column
    return data


def _has_whole(spec: Any) -> bool:
    """Whether a field's bounds hold a value of its kind (a whole number
    for an integer field)."""
    if spec.kind != "integer" or spec.min is None or spec.max is None:
        return True
    return math.ceil(spec.min) <= math.floor(spec.max)
