"""Lifecycle stage from recency: active, silent, sleeping, lost.

Windows are half-open intervals of days since the last purchase,
``[0, b1), [b1, b2), ..., [bk, inf)``: a customer exactly on a break belongs to
the later stage. Customers with no purchase (NaN recency) get a label of their
own, never a stage.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_index
from ._bins import edges_below
from .errors import InputError, ThresholdError
from .labels import Labels, smallest_int_dtype

__all__ = ["LifecycleWindows", "lifecycle_stage"]


def _floats(values: Any) -> tuple[float, ...]:
    return v.number_tuple_param(values, "breaks")


def _strs(values: Any) -> tuple[str, ...]:
    return v.text_tuple_param(values, "labels")


def _str(value: Any) -> str:
    return v.text_param(value, "no_purchase")


@attrs.frozen
class LifecycleWindows:
    """Breaks (in days since the last purchase) between lifecycle stages.

    The default is the e-commerce source: < 90 days active (活跃期), 90-180
    silent (沉默期), 180-270 sleeping (睡眠期), >= 270 lost (流失期).

    Parameters
    ----------
    breaks
        Strictly increasing positive day counts; ``breaks[i]`` is the first day
        of stage ``labels[i + 1]``.
    labels
        Stage names, one more than *breaks*, most recent first.
    no_purchase
        Label for customers without a purchase (NaN recency).

    Examples
    --------
    >>> LifecycleWindows()
    LifecycleWindows(breaks=(90.0, 180.0, 270.0), labels=('active', 'silent', 'sleeping', 'lost'), no_purchase='no_purchase')

    The source's loss period is 270-365 days; a stage beyond it is one more break:

    >>> w = LifecycleWindows((90, 180, 270, 365),
    ...                      ("active", "silent", "sleeping", "lost", "gone"))
    >>> lifecycle_stage([364, 365], w).to_numpy().tolist()
    ['lost', 'gone']
    >>> LifecycleWindows((90, 60, 270))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'sleeping' must be > 'silent' (90.0): got 60.0
    """

    breaks: tuple[float, ...] = attrs.field(default=(90, 180, 270), converter=_floats)
    labels: tuple[str, ...] = attrs.field(
        default=("active", "silent", "sleeping", "lost"), converter=_strs
    )
    no_purchase: str = attrs.field(default="no_purchase", converter=_str)

    def __attrs_post_init__(self) -> None:
        if len(self.labels) != len(self.breaks) + 1:
            raise ThresholdError(
                f"'labels' must have one more entry than 'breaks' ({len(self.breaks)}): "
                f"got {len(self.labels)}"
            )
        for i, b in enumerate(self.breaks):
            if not np.isfinite(b) or b <= 0:
                raise ThresholdError(
                    f"'breaks[{i}]' (the start of {self.labels[i + 1]!r}) must be "
                    f"a finite day > 0: got {b}"
                )
            if i and b <= self.breaks[i - 1]:
                raise ThresholdError(
                    f"{self.labels[i + 1]!r} must be > "
                    f"{self.labels[i]!r} ({self.breaks[i - 1]}): got {b}"
                )
        names = (*self.labels, self.no_purchase)
        if len(set(names)) != len(names):
            raise ThresholdError(
                f"'labels' and 'no_purchase' must be distinct: got {names}"
            )

    def _repr_html_(self) -> str:
        fmt = _display.format_value
        starts = (0.0, *self.breaks)
        ends = (*self.breaks, None)
        rows = [
            [label, f"{fmt(lo)} to < {fmt(hi)}" if hi is not None else f">= {fmt(lo)}"]
            for label, lo, hi in zip(self.labels, starts, ends, strict=True)
        ]
        rows.append([self.no_purchase, "no purchase (NaN recency)"])
        return _display.html_table(
            "LifecycleWindows: days since the last purchase", ["stage", "days"], rows
        )


def lifecycle_stage(
    recency_days: Any, windows: LifecycleWindows | None = None
) -> Labels:
    """Lifecycle stage of each customer from days since the last purchase.

    Parameters
    ----------
    recency_days
        Days since the last purchase, one per customer (NaN: no purchase).
    windows
        The breaks and names; default :class:`LifecycleWindows` (e-commerce).

    Returns
    -------
    Labels
        Ordered names: the stages, then the no-purchase label.

    Raises
    ------
    InputError
        Negative recency (a purchase after the reference day).

    Examples
    --------
    >>> stage = lifecycle_stage([0, 89, 90, 179.5, 180, 270, 400, float("nan")])
    >>> stage.to_numpy().tolist()
    ['active', 'active', 'silent', 'silent', 'sleeping', 'lost', 'lost', 'no_purchase']
    """
    windows = LifecycleWindows() if windows is None else windows
    if not isinstance(windows, LifecycleWindows):
        raise ThresholdError(
            f"'windows' must be a LifecycleWindows: got {type(windows).__name__}"
        )
    r = v.as_numeric(recency_days, "recency_days", nan="allow")
    negative = r < 0
    if negative.any():
        first, count = v.first_offender(negative)
        raise InputError(
            "recency_days",
            "has negative values",
            first_row=first,
            n_rows=count,
            fix="recency counts days since the last "
            "purchase up to the reference day; check as_of",
        )
    n_names = len(windows.labels) + 1
    if n_names < np.iinfo(np.int16).max:
        codes = edges_below(r, windows.breaks, inclusive=True)
    else:  # edges_below counts in int16
        codes = np.searchsorted(np.asarray(windows.breaks), r, side="right")
    codes = codes.astype(smallest_int_dtype(n_names))
    if r.dtype.kind == "f":
        codes[np.isnan(r)] = len(windows.labels)
    return Labels(
        codes,
        (*windows.labels, windows.no_purchase),
        ordered=True,
        index=common_index(recency_days=recency_days),
        name="lifecycle",
    )
