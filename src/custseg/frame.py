"""pandas in, pandas out: the spine on a DataFrame of transactions, and files.

This is an adapter layer: it checks column names, parses text dates and calls
the pure core (:func:`~custseg.summarize`, :func:`~custseg.rfm_scores`,
:func:`~custseg.lifecycle_stage`, :func:`~custseg.abc_classes`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._files import read_table, table_format, write_table
from ._validate import as_datetime
from .errors import InputError
from .lifecycle import LifecycleWindows, lifecycle_stage
from .pareto import abc_classes
from .rfm import RfmEdges, rfm_scores
from .rules import RuleSet, load
from .summary import CustomerFacts, _summarize

__all__ = [
    "apply_rules",
    "read_table",
    "segment_frame",
    "summarize_frame",
    "table_format",
    "write_table",
]

_FIX_COLUMN = "name the column with {arg}= (on the command line: --{arg} COLUMN)"


def _column(df: pd.DataFrame, name: str, arg: str) -> pd.Series:
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            "df",
            f"must be a pandas DataFrame, got {type(df).__name__}",
            fix="read the data with pandas first (custseg.read_table)",
        )
    if name not in df.columns:
        shown = ", ".join(repr(str(c)) for c in list(df.columns)[:20])
        raise InputError(
            name,
            f"is not a column of the data (columns: {shown})",
            fix=_FIX_COLUMN.format(arg=arg),
        )
    col: Any = df[name]
    if isinstance(col, pd.DataFrame):
        raise InputError(
            name, "names more than one column", fix="rename the duplicates"
        )
    return col


def _dates(col: pd.Series, name: str) -> pd.Series:
    """Parse a text date column (ISO 8601), naming the first bad value."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    if pd.api.types.is_numeric_dtype(col.dtype):
        raise InputError(
            name,
            f"holds numbers ({col.dtype}), not dates",
            fix="store dates as ISO 8601 text (2024-01-31) or convert "
            "them first, e.g. pandas.to_datetime(col, unit='s')",
        )
    try:
        parsed = pd.to_datetime(col, format="ISO8601", errors="coerce")
    except ValueError:
        # mixed UTC offsets: pandas refuses them even with errors="coerce"; the
        # core parser reads each as its local wall-clock time
        values = as_datetime(col.to_numpy(dtype=object), name, nan="allow")
        return pd.Series(values, index=col.index, name=col.name)
    bad = (parsed.isna() & col.notna()).to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(
            name,
            f"has values that are not dates, such as {col.iloc[first]!r}",
            first_row=first,
            n_rows=int(bad.sum()),
            fix="use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00)",
        )
    return parsed


def _facts(
    df: pd.DataFrame,
    customer: str,
    date: str,
    amount: str,
    as_of: Any,
    options: dict[str, Any],
) -> CustomerFacts:
    ids = _column(df, customer, "customer")
    dates = _dates(_column(df, date, "date"), date)
    amounts = _column(df, amount, "amount")
    return _summarize(
        ids, dates, amounts, as_of=as_of, fields=(customer, date, amount), **options
    )


def summarize_frame(
    df: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    as_of: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """:func:`~custseg.summarize` on a DataFrame of transactions.

    Parameters
    ----------
    df
        One row per transaction.
    customer, date, amount
        Column names. Text dates are parsed as ISO 8601.
    as_of
        Reference day (default: the day after the last transaction).
    **options
        Passed to :func:`~custseg.summarize` (``frequency``, ``zero_amount``,
        ``after_as_of``).

    Returns
    -------
    pandas.DataFrame
        One row per customer (see :class:`~custseg.CustomerFacts`); the day used
        is in ``.attrs["as_of"]``.

    Examples
    --------
    >>> tx = pd.DataFrame({"who": ["b", "a", "b"],
    ...                    "when": ["2024-05-01", "2024-05-03", "2024-05-09"],
    ...                    "paid": [20.0, 35.5, 12.0]})
    >>> out = summarize_frame(tx, customer="who", date="when", amount="paid")
    >>> out[["customer_id", "recency_days", "frequency", "monetary"]]
      customer_id  recency_days  frequency  monetary
    0           a           7.0          1      35.5
    1           b           1.0          2      32.0
    >>> summarize_frame(tx)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'customer_id' is not a column of the data (columns: 'who', 'when', 'paid'): name the column with customer= (on the command line: --customer COLUMN)
    """
    facts = _facts(df, customer, date, amount, as_of, options)
    out = facts.to_pandas()
    out.attrs["as_of"] = str(facts.as_of)
    out.attrs["n_dropped"] = facts.n_dropped
    return out


def segment_frame(
    df: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    as_of: Any = None,
    bins: int = 5,
    rfm_edges: RfmEdges | None = None,
    windows: LifecycleWindows | None = None,
    abc_cutoffs: tuple[float, float] = (0.8, 0.95),
    **options: Any,
) -> pd.DataFrame:
    """The whole spine on a DataFrame: facts, RFM scores, lifecycle stage, ABC class.

    Customers with no purchase (refunds only) get RFM scores 0 (unknown), are
    left out when the RFM edges are fitted, and get the ``no_purchase``
    lifecycle stage; ABC is on net ``monetary`` (so they are C).

    Parameters
    ----------
    df, customer, date, amount, as_of, **options
        As for :func:`summarize_frame`.
    bins
        RFM scores per dimension (when *rfm_edges* is not given).
    rfm_edges
        Fixed RFM edges to apply instead of fitting quantiles.
    windows
        Lifecycle windows (default: e-commerce 90/180/270 days).
    abc_cutoffs
        Cumulative value shares for A and B.

    Returns
    -------
    pandas.DataFrame
        The facts plus ``r``, ``f``, ``m``, ``rfm``, ``lifecycle`` and ``abc``
        (categoricals for the labels).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3],
    ...                    "date": ["2024-01-02", "2023-06-01", "2024-01-01",
    ...                             "2023-03-01"],
    ...                    "amount": [100.0, 20.0, 30.0, 5.0]})
    >>> seg = segment_frame(tx, bins=3)
    >>> seg[["customer_id", "rfm", "lifecycle", "abc"]]
       customer_id  rfm lifecycle abc
    0            1  313    active   A
    1            2  232    active   A
    2            3  111      lost   C
    """
    facts = _facts(df, customer, date, amount, as_of, options)
    out = facts.to_pandas()
    has_purchase = facts.frequency > 0
    # customers without a purchase have no RFM scores (0) and do not move the
    # buyers' edges: their refunds are not spending
    scores = rfm_scores(
        facts.recency_days,
        np.where(has_purchase, facts.frequency, np.nan),
        np.where(has_purchase, facts.monetary, np.nan),
        bins=bins,
        edges=rfm_edges,
        nan="unknown",
    )
    out["r"] = scores.r
    out["f"] = scores.f
    out["m"] = scores.m
    out["rfm"] = scores.code
    out["lifecycle"] = lifecycle_stage(facts.recency_days, windows).to_pandas()
    out["abc"] = abc_classes(facts.monetary, abc_cutoffs).to_pandas()
    out.attrs["as_of"] = str(facts.as_of)
    out.attrs["n_rows"] = facts.n_rows
    out.attrs["n_dropped"] = facts.n_dropped
    return out


SPINE_SCORES = ("r", "f", "m")


def apply_rules(
    seg: pd.DataFrame,
    rules: RuleSet | str,
    *,
    lang: str | None = None,
    explain: bool = False,
) -> pd.DataFrame:
    """Apply a rules file or preset to per-customer facts; add one column per output.

    *seg* is usually :func:`segment_frame` output: its columns ``recency_days``,
    ``frequency``, ``monetary``, ``tenure_days``, ``r``, ``f``, ``m`` are the
    fields the shipped presets declare. RFM scores of 0 (no purchase) are
    passed to the rules as missing.

    Parameters
    ----------
    seg
        One row per customer.
    rules
        A compiled :class:`~custseg.rules.RuleSet`, or a preset name or file
        path for :func:`custseg.rules.load`.
    lang
        Label language (``"zh"`` for the Chinese names the presets carry).
    explain
        Add a ``<segmentation>.rule`` column: the index of the deciding rule
        (-1 = the default).

    Returns
    -------
    pandas.DataFrame
        A copy of *seg* with a categorical column per table and segmentation
        (and a boolean column per tag).

    Examples
    --------
    >>> seg = pd.DataFrame({"recency_days": [3.0, 400.0], "frequency": [12, 1],
    ...                     "monetary": [2500.0, 30.0], "tenure_days": [700.0, 400.0],
    ...                     "r": [5, 1], "f": [5, 1], "m": [5, 1]})
    >>> apply_rules(seg, "ecommerce")[["lifecycle", "rfm11", "ecom4"]]
      lifecycle      rfm11            ecom4
    0    active  Champions  Key Development
    1      gone       Lost         Ordinary
    >>> apply_rules(seg, "ecommerce", lang="zh")["rfm11"].tolist()
    ['冠军客户', '已流失']
    """
    rs = rules if isinstance(rules, RuleSet) else load(rules)
    data: dict[str, Any] = {}
    for name in rs.required_fields():
        if name not in seg.columns:
            raise InputError(
                name,
                "is not a column of the data, but the rules need it",
                fix="run segment_frame first, or add the column",
            )
        col = seg[name]
        if name in SPINE_SCORES:
            col = col.where(col > 0)  # 0 = no purchase = missing score
        data[name] = col
    result = rs.evaluate(data, explain=explain, lang=lang).to_pandas()
    result.index = seg.index  # rows are in seg's order; align on its labels
    out = seg.copy()
    for column in result.columns:  # replaces earlier outputs of the same name
        out[column] = result[column]
    return out
