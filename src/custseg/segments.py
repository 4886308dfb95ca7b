"""What each class is worth: customers, orders, revenue and RFM figures per label.

:func:`segment_summary` is the report every segmentation ends in (R's
``rfm_segment_summary``, extended): one row per class, in the labels' own
order, every class listed (an empty one too), then a total row.

All figures are computed with NumPy: ``np.bincount`` with weights for the
counts and sums, one (radix) sort of the class codes and a partition per
class for the medians. pandas is imported only to build the returned frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _validate as v
from ._align import is_pandas, paired, to_pandas_index
from ._exact import (
    NO_SCALE,
    SCALES,
    decimal_scale,
    ordered_sum,
    ordered_sums,
    row_scales,
)
from .errors import InputError, ThresholdError
from .labels import classes_with_missing, smallest_int_dtype

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SUMMARY_COLUMNS", "segment_summary"]

SUMMARY_COLUMNS = (
    "customers",
    "customer_share",
    "orders",
    "revenue",
    "revenue_share",
    "avg_order_value",
    "recency_mean",
    "recency_median",
    "frequency_mean",
    "frequency_median",
    "monetary_mean",
    "monetary_median",
)
"""The columns of :func:`segment_summary`, in order."""


# --------------------------------------------------------------------------
# classes from any labelling


def _as_classes(
    labels: Any, field: str, missing: str
) -> tuple[np.ndarray, tuple[str, ...], bool, Any, str | None]:
    """Any labelling as (codes, names, ordered, index, name).

    :class:`~custseg.Labels` keep their names; a pandas Categorical keeps its
    categories; a plain array gets its distinct values, sorted. Missing
    values (code -1) get the class *missing*, appended to the names (only
    when some value is missing). Codes are ``intp``.
    """
    codes, names, ordered, _, index, name = classes_with_missing(labels, field, missing)
    return codes, names, ordered, index, None if name is None else str(name)


# --------------------------------------------------------------------------
# facts from CustomerFacts, a frame or a mapping


def _facts_columns(
    facts: Any,
) -> tuple[Any, Any, Any, Any]:
    """(recency_days, frequency, monetary, index-or-ids) of *facts*.

    The last item is a pandas index (frames, Series), a NumPy array of
    customer ids (:class:`~custseg.CustomerFacts`) or ``None``.
    """
    if (  # CustomerFacts (a frame with a customer_id column is read by columns)
        not is_pandas(facts)
        and not isinstance(facts, Mapping)
        and hasattr(facts, "recency_days")
        and hasattr(facts, "customer_id")
    ):
        return facts.recency_days, facts.frequency, facts.monetary, facts.customer_id
    if not (isinstance(facts, Mapping) or hasattr(facts, "columns")):
        raise InputError(
            "facts",
            "must be CustomerFacts, a DataFrame or a mapping of columns: "
            f"got {type(facts).__name__}",
            fix="pass custseg.summarize(...) output or a frame with recency_days, "
            "frequency and monetary columns",
        )
    cols = []
    for key in ("recency_days", "frequency", "monetary"):
        try:
            cols.append(facts[key])
        except (KeyError, IndexError, TypeError):
            raise InputError(
                "facts",
                f"has no column {key!r}",
                fix="pass a frame or mapping with recency_days, frequency and "
                "monetary columns (orders = frequency, revenue = monetary)",
            ) from None
    index = facts.index if is_pandas(facts) else None
    if index is None:
        for c in cols:
            if is_pandas(c):
                index = c.index
                break
    for key, c in zip(("recency_days", "frequency", "monetary"), cols, strict=True):
        if (
            is_pandas(c)
            and index is not None
            and not paired(key, "facts", c.index, index)
        ):
            raise InputError(
                key,
                "has a different index from the other facts",
                fix="align the columns first (reindex), or pass NumPy arrays",
            )
    return cols[0], cols[1], cols[2], index


def _check_aligned(labels_index: Any, facts_index: Any) -> None:
    """Refuse labels and facts that are indexed by different customers, or
    by float32 (float16) ids past the whole numbers they hold exactly (two
    customers can be stored as one id, and paired with each other's facts)."""
    for field, index in (("labels", labels_index), ("facts", facts_index)):
        if index is not None:
            v.refuse_narrow_ids(index, f"{field}.index")
    if labels_index is None or facts_index is None:
        return
    if isinstance(facts_index, np.ndarray):  # CustomerFacts ids
        facts_index = to_pandas_index(facts_index, "customer_id")
    if paired("labels", "facts", labels_index, facts_index):
        return
    raise InputError(
        "labels",
        "has a different index from 'facts' (other customers, or the same in "
        "another order)",
        fix="compute the labels from these facts, or put the labels in the "
        "facts' order: a Series by labels.reindex(ids), Labels by "
        "labels.to_pandas().reindex(ids), ids being facts.index (CustomerFacts: "
        "facts.to_pandas().index); or pass NumPy arrays to pair them by position",
    )


# --------------------------------------------------------------------------
# per-class figures


#: Above this many classes the medians come from one lexsort per column
#: instead of a loop over the classes (see :func:`_group_medians`).
_LOOP_MAX = 512


def _group_medians(
    codes: np.ndarray, columns: Sequence[np.ndarray], k: int
) -> list[np.ndarray]:
    """Median of each column per class (NaN values left out).

    One stable sort of the class codes (a radix sort: they are small
    integers) groups the rows; each class's median is then a partition of
    its slice, so the work is linear in the rows plus a step per class. With
    very many classes, one lexsort (class, value) per column instead.
    """
    if k > _LOOP_MAX:
        return [_lexsort_medians(codes, x, k) for x in columns]
    order = np.argsort(codes.astype(smallest_int_dtype(k)), kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=k))))
    out = []
    for x in columns:
        grouped = x[order]
        medians = np.full(k, np.nan)
        for j in range(k):
            part = grouped[bounds[j] : bounds[j + 1]]
            n = len(part) - int(np.count_nonzero(np.isnan(part)))
            if n:
                lo, hi = (n - 1) // 2, n // 2
                part = np.partition(part, [lo, hi])  # NaN go to the end
                medians[j] = midpoint(part[lo], part[hi])
        out.append(medians)
    return out


def midpoint(lo: Any, hi: Any) -> Any:
    """``(lo + hi) / 2`` without overflow (arrays or scalars): the median
    of ``[1e308]`` is 1e308, not ``inf`` (``1e308 + 1e308`` passes the
    float range); halves are added only where the sum would overflow.

    >>> float(midpoint(np.float64(1e308), np.float64(1e308)))
    1e+308
    >>> midpoint(np.array([1.0, 1e308]), np.array([2.0, 1.7e308])).tolist()
    [1.5, 1.35e+308]
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add(lo, hi)
        halves = np.add(np.divide(lo, 2), np.divide(hi, 2))
    return np.where(np.isinf(total) & np.isfinite(halves), halves, total / 2)[()]


def _lexsort_medians(codes: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Median of *x* per class (NaN left out), from one lexsort."""
    known = ~np.isnan(x)
    c, vals = codes[known], x[known]
    order = np.lexsort((vals, c))  # by class, then by value
    sorted_vals = vals[order]
    counts = np.bincount(c, minlength=k)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(k, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = midpoint(sorted_vals[lo], sorted_vals[hi])
    return out


def _median(x: np.ndarray) -> float:
    known = x[~np.isnan(x)]
    if not len(known):
        return float("nan")
    lo, hi = (len(known) - 1) // 2, len(known) // 2
    part = np.partition(known, [lo, hi])
    return float(midpoint(part[lo], part[hi]))  # (np.median overflows past 9e307)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 (an empty class has no mean)."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


#: float64 divides whole numbers up to this exactly rounded (both exact).
_EXACT = 2**53


def decimal_means(totals: np.ndarray, scale: Any, counts: np.ndarray) -> np.ndarray:
    """``totals / (scale * counts)`` rounded once (NaN where a count is 0):
    the means of decimal values from their exact totals in units of
    ``1 / scale`` (whole numbers below 2**53, as float64), *scale* an int or
    an array of ints.

    Dividing the decimal total by the scale and then by the count would
    round twice (the mean of 0.1, 0.2 and 0.0 would be
    ``0.09999999999999999``); both operands are exact whole numbers, so one
    float64 division is correctly rounded while ``scale * count`` is below
    2**53, and Python's ``int / int`` (also correctly rounded) takes the
    rest.

    Examples
    --------
    >>> decimal_means(np.array([30.0, 0.0]), 100, np.array([3, 0])).tolist()
    [0.1, nan]
    """
    counts = np.asarray(counts, dtype=np.int64)
    scales = np.broadcast_to(np.asarray(scale, dtype=np.int64), counts.shape)
    # scale * count only where it stays below 2**53 (no int64 overflow)
    fast = (counts > 0) & (counts <= _EXACT // np.maximum(scales, 1))
    den = np.where(fast, scales * np.where(fast, counts, 0), 1)
    out = np.full(np.shape(totals), np.nan)
    np.divide(totals, den.astype(np.float64), out=out, where=fast)
    for i in np.flatnonzero((counts > 0) & ~fast).tolist():
        out[i] = int(totals[i]) / (int(scales[i]) * int(counts[i]))
    return out


def sum_and_mean(x: np.ndarray) -> tuple[float, float]:
    """The sum and mean of float *x*, whatever their order, each rounded
    once for decimals of few places (summed exactly as whole numbers of
    ``1 / scale``, see :mod:`custseg._exact`); other values are summed by
    :func:`custseg._exact.ordered_sum` and divided by their number. The mean
    is the rules' ``mean()`` (``custseg.rules._expr._mean``); NaN for no
    values.

    Examples
    --------
    >>> sum_and_mean(np.array([0.1, 0.2, 0.0]))
    (0.3, 0.1)
    """
    n = len(x)
    if not n:
        return 0.0, float("nan")
    scale = decimal_scale(x)
    if scale is None:
        total = ordered_sum(x)
        return total, total / n
    whole = np.rint(x * scale).sum()  # magnitudes below 2**52: exact
    mean = decimal_means(np.array([whole]), scale, np.array([n]))[0]
    return float(whole / scale), float(mean)


def decimal_wholes(
    values: np.ndarray, codes: np.ndarray, size: int
) -> tuple[int, np.ndarray] | None:
    """``(scale, totals)``: the exact total of float *values* per code in
    whole units of ``1 / scale`` (as float64, below 2**53), when the whole
    column is decimals of few places (see :mod:`custseg._exact`); else None.

    >>> decimal_wholes(np.array([0.1, 0.2, 0.05]), np.array([0, 0, 1]), 2)
    (100, array([30.,  5.]))
    """
    scale = decimal_scale(values)
    if scale is None:
        return None
    t = np.multiply(values, scale)
    np.rint(t, out=t)
    return scale, np.bincount(codes, weights=t, minlength=size)  # exact


def class_wholes(
    values: np.ndarray, codes: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(has, whole, scales)``: per code, whether its values are decimals of
    few places summing exactly (*has*), and then their exact total in whole
    units of ``1 / scales`` (*whole*, float64 below 2**52): each class at
    the largest scale its own values need, as :func:`custseg._exact.mixed_sums`
    decides, so that a class's figures depend on its own values only
    (another class holding ``1/3`` or huge sums changes nothing).

    >>> has, whole, scales = class_wholes(np.array([0.1, 0.2, 1 / 3]), np.array([0, 0, 1]), 2)
    >>> has.tolist(), whole[has].tolist(), scales[has].tolist()
    ([True, False], [30.0], [100])
    """
    need = np.zeros(size, dtype=np.int8)
    np.maximum.at(need, codes, row_scales(values))
    scales = np.array([*SCALES, 0], dtype=np.int64)[need]  # NO_SCALE: 0
    with np.errstate(over="ignore", invalid="ignore"):
        t = np.rint(values * scales[codes].astype(np.float64))
        t[~np.isfinite(t)] = 0.0  # only in classes summed in binary
        magnitude = np.bincount(codes, weights=np.abs(t), minlength=size)
        whole = np.bincount(codes, weights=t, minlength=size)
    has = (need != NO_SCALE) & (magnitude < 2**52)
    return has, whole, scales


def class_sums(
    values: np.ndarray,
    codes: np.ndarray,
    size: int,
    wholes: tuple[int, np.ndarray] | bool | None = True,
    mixed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(count, sum, mean)`` of float *values* per code, each class's as
    :func:`sum_and_mean` gives it from its own values (the same whatever
    the order of the rows, and whatever the other classes hold).

    When the whole column is decimals of few places, one scale serves every
    class (the exact totals are the same rationals whichever scale makes
    them whole), so it is two ``bincount`` passes; otherwise (rare: many
    digits, ``1/3``, huge sums) each class's own scale is found at once for
    all classes from each value's (:func:`custseg._exact.row_scales`), as
    :func:`custseg._exact.mixed_sums` finds it, and the classes without one
    are summed by :func:`custseg._exact.ordered_sums` and divided by their
    count. *wholes*: the :func:`decimal_wholes` of the same values when the
    caller has them (``None``: none), else they are found here; *mixed*:
    their :func:`class_wholes`, when the caller has them too.

    Examples
    --------
    >>> c, s, m = class_sums(np.array([0.1, 0.2, 0.0, 5.0]), np.array([0, 0, 0, 2]), 3)
    >>> c.tolist(), s.tolist(), m.tolist()
    ([3, 0, 1], [0.3, 0.0, 5.0], [0.1, nan, 5.0])
    >>> c, s, m = class_sums(np.array([0.1, 0.2, 1 / 3]), np.array([0, 0, 1]), 2)
    >>> s.tolist(), m.tolist()
    ([0.3, 0.3333333333333333], [0.15, 0.3333333333333333])
    """
    counts = np.bincount(codes, minlength=size)
    if wholes is True:  # else the caller's decimal_wholes of the same values
        wholes = decimal_wholes(values, codes, size)
    if isinstance(wholes, tuple):
        scale, whole = wholes
        return counts, whole / scale, decimal_means(whole, scale, counts)
    has, whole, scales = mixed or class_wholes(values, codes, size)
    sums = np.zeros(size)
    means = np.full(size, np.nan)
    sums[has] = whole[has] / scales[has]
    means[has] = decimal_means(whole[has], scales[has], counts[has])
    if not has.all():
        rows = ~has[codes]
        binary = ordered_sums(values[rows], codes[rows], size)
        sums[~has] = binary[~has]
        with np.errstate(invalid="ignore", divide="ignore"):
            means[~has] = np.where(counts > 0, binary / counts, np.nan)[~has]
    return counts, sums, means


def _summary_columns(
    codes: np.ndarray,
    names: tuple[str, ...],
    recency: np.ndarray,
    frequency: np.ndarray,
    monetary: np.ndarray,
    total_name: str | None,
) -> dict[str, np.ndarray]:
    """The columns of the summary: a row per class of *names* (and a total
    row named *total_name*, unless None)."""
    k, total = len(names), total_name is not None
    n = len(codes)
    freq = frequency.astype(np.float64)
    # sums that do not move with the order of the customers (recency and
    # frequency may be fractional: days from timestamps, a user's own
    # counts), and means divided once from decimal totals (as rules' mean())
    customers, orders, f_mean = class_sums(freq, codes, k)
    wholes = decimal_wholes(monetary, codes, k)  # also for shares and per order
    # else each class's own exact total (also for its revenue per order)
    mixed = class_wholes(monetary, codes, k) if wholes is None else None
    _, revenue, m_mean = class_sums(monetary, codes, k, wholes, mixed)
    known_r = ~np.isnan(recency)
    _, _, r_mean = class_sums(recency[known_r], codes[known_r], k)
    r_med, f_med, m_med = _group_medians(codes, (recency, freq, monetary), k)
    cols = {
        "customers": customers,
        "orders": orders,
        "revenue": revenue,
        "recency_mean": r_mean,
        "recency_median": r_med,
        "frequency_mean": f_mean,
        "frequency_median": f_med,
        "monetary_mean": m_mean,
        "monetary_median": m_med,
    }
    all_revenue_sum, all_m_mean = sum_and_mean(monetary)
    # the sums made (exact, so [1e308, -1e308, 3.0] is 3.0) must fit; a
    # bound of the sum of magnitudes would refuse amounts whose every sum fits
    over = np.isinf(np.append(np.asarray(revenue, dtype=np.float64), all_revenue_sum))
    if over.any():
        j = int(np.flatnonzero(over)[0])
        where = f"class {names[j]!r}" if j < k else "all customers"
        raise InputError(
            "monetary",
            "has values so large that their sum passes what float64 holds "
            f"(about 1.8e308): the revenue of {where}",
            fix="scale them down (e.g. to thousands)",
        )
    if total:
        all_orders, all_f_mean = sum_and_mean(freq)
        _, all_r_mean = sum_and_mean(recency[known_r])
        extra = {
            "customers": n,
            "orders": all_orders,
            "revenue": all_revenue_sum,
            "recency_mean": all_r_mean,
            "recency_median": _median(recency),
            "frequency_mean": all_f_mean,
            "frequency_median": _median(freq),
            "monetary_mean": all_m_mean,
            "monetary_median": _median(monetary),
        }
        cols = {key: np.append(col, extra[key]) for key, col in cols.items()}
    all_customers = np.float64(n)
    cols["customer_share"] = _ratio(
        cols["customers"].astype(np.float64),
        np.full(len(cols["customers"]), all_customers),
    )
    if wholes is None:
        cols["revenue_share"] = _ratio(
            cols["revenue"], np.full(len(cols["revenue"]), all_revenue_sum)
        )
        per_order = _ratio(cols["revenue"], cols["orders"])
        # a class of decimals divided once from its own exact total, as its
        # monetary_mean (whatever another class holds: 1/3, huge sums)
        assert mixed is not None
        has, whole, scales = mixed
        counts = np.asarray(orders, dtype=np.float64).astype(np.int64)
        per_order[:k][has] = decimal_means(whole[has], scales[has], counts[has])
        cols["avg_order_value"] = per_order
    else:
        # decimal revenue: shares and revenue per order divided once from the
        # exact totals (0.02 of 0.03 is 2/3 rounded once; -1.2 over 3 orders
        # is -0.4, as monetary_mean)
        scale, whole = wholes
        everyone = whole.sum()  # whole numbers below 2**53: exact
        if total:
            whole = np.append(whole, everyone)
        cols["revenue_share"] = _ratio(whole, np.full(len(whole), everyone))
        orders = np.asarray(cols["orders"], dtype=np.float64).astype(np.int64)
        cols["avg_order_value"] = decimal_means(whole, scale, orders)
    if frequency.dtype.kind in "iu":
        cols["orders"] = cols["orders"].astype(np.int64)
    cols["customers"] = cols["customers"].astype(np.int64)
    return {key: cols[key] for key in SUMMARY_COLUMNS}


def to_frame(
    columns: dict[str, np.ndarray], rows: tuple[str, ...], name: str | None
) -> pd.DataFrame:
    """The summary as a DataFrame, one row per name in *rows* (pandas only here)."""
    import pandas as pd

    return pd.DataFrame(columns, index=pd.Index(list(rows), dtype=object, name=name))


def segment_summary(
    labels: Any,
    facts: Any,
    *,
    total: str | None = "Total",
    missing: str = "missing",
) -> pd.DataFrame:
    """Customers, orders, revenue and mean and median R, F, M per class of *labels*.

    One row per class, in the labels' order (every class, empty ones too),
    then a total row. *orders* are the customers' ``frequency`` summed,
    *revenue* their ``monetary`` summed.

    Parameters
    ----------
    labels
        One label per customer: :class:`~custseg.Labels` (from any
        classifier or a rules file), a pandas ``Categorical`` or categorical
        Series (its categories are the classes, in their order), or a plain
        array or Series of names (the classes are its distinct values,
        sorted). Missing values (a NaN in a Categorical) get the class
        *missing*, listed last.
    facts
        The same customers' facts, in the same order:
        :class:`~custseg.CustomerFacts` (from :func:`~custseg.summarize`), or
        a DataFrame or mapping with ``recency_days``, ``frequency`` and
        ``monetary`` columns. NaN recency (a customer who never bought) is
        left out of the recency mean and median; NaN frequency or monetary
        is an error. When both *labels* and *facts* carry an index
        (customer ids) it must be the same. Sums and means do not depend on
        the order of the customers, and a class's only on its own
        customers: decimal facts are summed exactly and their means divided
        once from the exact total (the mean of 0.1, 0.2 and 0.0 is 0.1, as
        the rules' ``mean()``), as are revenue shares and revenue per order.
        Medians are NumPy's (of an even count, the two middle values'
        float64 mean, as the rules' ``median()``).
    total
        Name of the total row; ``None`` for no total row.
    missing
        Name of the class of missing labels.

    Returns
    -------
    pandas.DataFrame
        Indexed by class name (the index named after the labelling), columns
        :data:`SUMMARY_COLUMNS`: ``customers`` and ``customer_share``,
        ``orders``, ``revenue`` and ``revenue_share`` (of the total revenue),
        ``avg_order_value`` (revenue per order), then ``recency_mean``,
        ``recency_median``, ``frequency_mean``, ``frequency_median``,
        ``monetary_mean`` and ``monetary_median``. An empty class has 0
        customers, orders and revenue and NaN means, medians and average
        order value; a share of a zero total is NaN.

    Raises
    ------
    InputError
        Labels and facts of different lengths or indexes, facts without one
        of the three columns, negative recency, frequency other than whole
        numbers >= 0, NaN frequency or monetary, integers beyond
        2**53 (or decimals beyond 2**53 in their last place) in any of them,
        integer ``frequency`` or ``monetary`` whose magnitudes add up past
        2**53 (float64 does not hold them, or their sums, so the sums would
        be rounded; as :func:`~custseg.summarize` refuses them).
    ThresholdError
        *total* or *missing* is also a class name.

    Examples
    --------
    >>> import custseg
    >>> facts = custseg.summarize(
    ...     ["ann", "bob", "ann", "cy", "dee", "eve"],
    ...     ["2024-03-01", "2024-03-02", "2024-03-20", "2024-03-30", "2023-12-01",
    ...      "2024-03-10"],
    ...     [100.0, 40.0, 60.0, 10.0, 300.0, -20.0], as_of="2024-03-31")
    >>> stage = custseg.lifecycle_stage(facts.recency_days)
    >>> table = segment_summary(stage, facts)
    >>> table[["customers", "orders", "revenue", "revenue_share", "recency_median"]]
                 customers  orders  revenue  revenue_share  recency_median
    lifecycle
    active               3       4    210.0       0.428571            11.0
    silent               1       1    300.0       0.612245           121.0
    sleeping             0       0      0.0       0.000000             NaN
    lost                 0       0      0.0       0.000000             NaN
    no_purchase          1       0    -20.0      -0.040816             NaN
    Total                5       5    490.0       1.000000            20.0

    Eve only has a refund: she has no recency (left out of the recency
    figures) and her own class, ``no_purchase``.
    """
    if total is not None:
        total = v.label_param(total, "total")
    missing = v.label_param(missing, "missing")
    codes, names, _ordered, labels_index, name = _as_classes(labels, "labels", missing)
    r_raw, f_raw, m_raw, facts_index = _facts_columns(facts)
    recency = v.as_numeric(r_raw, "recency_days", nan="allow", exact=True).astype(
        np.float64
    )
    with np.errstate(invalid="ignore"):
        early = recency < 0  # NaN (no purchase): False
    if early.any():
        first, count = v.first_offender(early)
        raise InputError(
            "recency_days",
            f"has {v.describe(recency[first])}, a last purchase after the day "
            "recency is counted from",
            first_row=first,
            n_rows=count,
            fix="pass days since the last purchase (>= 0; NaN for no purchase), "
            "counted from a day on or after every purchase (summarize's as_of)",
        )
    frequency = v.as_numeric(f_raw, "frequency", sums=True, exact=True)
    bad = (frequency < 0) | (frequency != np.floor(frequency))
    if bad.any():
        first, count = v.first_offender(bad)
        raise InputError(
            "frequency",
            f"has {v.describe(frequency[first])}, not a count of purchases",
            first_row=first,
            n_rows=count,
            fix="pass whole numbers >= 0 (CustomerFacts.frequency)",
        )
    monetary = v.as_numeric(m_raw, "monetary", sums="exact", exact=True).astype(
        np.float64
    )
    v.check_same_length(
        labels=codes, recency_days=recency, frequency=frequency, monetary=monetary
    )
    _check_aligned(labels_index, facts_index)
    if total is not None and total in names:
        raise ThresholdError(
            f"'total' must differ from the class names: {total!r} is one of them; "
            "pass another name (total=...) or total=None"
        )
    cols = _summary_columns(codes, names, recency, frequency, monetary, total)
    rows = names if total is None else (*names, total)
    out = to_frame(cols, rows, name if name is not None else "class")
    # which row is the total (None: none), for plot.segment_sizes: a class
    # may be called "Total" when total=None, and the total row otherwise
    out.attrs["total"] = total
    return out
