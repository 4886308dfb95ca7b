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
from ._align import is_pandas, same_index, to_pandas_index
from ._exact import order_free_sums
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
    if hasattr(facts, "recency_days") and hasattr(facts, "customer_id"):
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
        if is_pandas(c) and index is not None and not same_index(c.index, index):
            raise InputError(
                key,
                "has a different index from the other facts",
                fix="align the columns first (reindex), or pass NumPy arrays",
            )
    return cols[0], cols[1], cols[2], index


def _check_aligned(labels_index: Any, facts_index: Any) -> None:
    """Refuse labels and facts that are indexed by different customers."""
    if labels_index is None or facts_index is None:
        return
    if isinstance(facts_index, np.ndarray):  # CustomerFacts ids
        facts_index = to_pandas_index(facts_index, "customer_id")
    if labels_index is facts_index or same_index(labels_index, facts_index):
        return
    raise InputError(
        "labels",
        "has a different index from 'facts' (other customers, or the same in "
        "another order)",
        fix="align them first (labels.reindex(facts.index)), or pass NumPy arrays "
        "to pair them by position",
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
                medians[j] = (part[lo] + part[hi]) / 2
        out.append(medians)
    return out


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
    out[has] = (sorted_vals[lo] + sorted_vals[hi]) / 2
    return out


def _median(x: np.ndarray) -> float:
    known = x[~np.isnan(x)]
    return float(np.median(known)) if len(known) else float("nan")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 (an empty class has no mean)."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _summary_columns(
    codes: np.ndarray,
    k: int,
    recency: np.ndarray,
    frequency: np.ndarray,
    monetary: np.ndarray,
    total: bool,
) -> dict[str, np.ndarray]:
    """The columns of the summary: *k* class rows (and a total row)."""
    n = len(codes)
    customers = np.bincount(codes, minlength=k)
    freq = frequency.astype(np.float64)
    # sums that do not move with the order of the customers (recency and
    # frequency may be fractional: days from timestamps, a user's own counts)
    orders = order_free_sums(freq, codes, k)
    revenue = order_free_sums(monetary, codes, k)
    everyone = np.zeros(n, np.intp)
    all_revenue_sum = order_free_sums(monetary, everyone, 1)[0]
    known_r = ~np.isnan(recency)
    r_count = np.bincount(codes[known_r], minlength=k)
    r_sum = order_free_sums(recency[known_r], codes[known_r], k)
    r_med, f_med, m_med = _group_medians(codes, (recency, freq, monetary), k)
    cols = {
        "customers": customers,
        "orders": orders,
        "revenue": revenue,
        "recency_mean": _ratio(r_sum, r_count),
        "recency_median": r_med,
        "frequency_mean": _ratio(orders, customers),
        "frequency_median": f_med,
        "monetary_mean": _ratio(revenue, customers),
        "monetary_median": m_med,
    }
    if total:
        all_orders = float(order_free_sums(freq, everyone, 1)[0])
        all_revenue = float(all_revenue_sum)
        n_r = int(np.count_nonzero(known_r))
        r_total = order_free_sums(recency[known_r], everyone[known_r], 1)[0]
        extra = {
            "customers": n,
            "orders": all_orders,
            "revenue": all_revenue,
            "recency_mean": float(r_total) / n_r if n_r else np.nan,
            "recency_median": _median(recency),
            "frequency_mean": all_orders / n if n else np.nan,
            "frequency_median": _median(freq),
            "monetary_mean": all_revenue / n if n else np.nan,
            "monetary_median": _median(monetary),
        }
        cols = {key: np.append(col, extra[key]) for key, col in cols.items()}
    all_customers = np.float64(n)
    cols["customer_share"] = _ratio(
        cols["customers"].astype(np.float64),
        np.full(len(cols["customers"]), all_customers),
    )
    cols["revenue_share"] = _ratio(
        cols["revenue"], np.full(len(cols["revenue"]), all_revenue_sum)
    )
    cols["avg_order_value"] = _ratio(cols["revenue"], cols["orders"])
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
        (customer ids) it must be the same.
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
        of the three columns, NaN frequency or monetary.
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
        total = v.text_param(total, "total")
    missing = v.text_param(missing, "missing")
    codes, names, _ordered, labels_index, name = _as_classes(labels, "labels", missing)
    r_raw, f_raw, m_raw, facts_index = _facts_columns(facts)
    recency = v.as_numeric(r_raw, "recency_days", nan="allow").astype(np.float64)
    frequency = v.as_numeric(f_raw, "frequency", sums=True)
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
    monetary = v.as_numeric(m_raw, "monetary", sums=True).astype(np.float64)
    v.check_same_length(
        labels=codes, recency_days=recency, frequency=frequency, monetary=monetary
    )
    _check_aligned(labels_index, facts_index)
    if total is not None and total in names:
        raise ThresholdError(
            f"'total' must differ from the class names: {total!r} is one of them; "
            "pass another name (total=...) or total=None"
        )
    cols = _summary_columns(
        codes, len(names), recency, frequency, monetary, total is not None
    )
    rows = names if total is None else (*names, total)
    return to_frame(cols, rows, name if name is not None else "class")
