"""The frequency / recency / T / monetary table of "buy till you die" models.

:func:`btyd_summary` is the bridge to lifetimes and PyMC-Marketing: exactly the
definitions of their transaction summaries, computed with the same grouping
as :func:`custseg.summarize`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from . import _validate as v
from .errors import ThresholdError
from .summary import AfterPolicy, _apply_cutoff, _coerce_rows, _day_ticks, _group_ids

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BtydSummary", "btyd_summary"]


@attrs.frozen(eq=False)
class BtydSummary:
    """The per-customer table BG/NBD-family models fit on.

    Attributes
    ----------
    customer_id
        Customer ids, sorted ascending.
    frequency
        Number of distinct periods with a purchase, minus one (repeat periods).
    recency
        Periods from the first to the last purchase period.
    T
        Periods from the first purchase period to ``observation_end``'s period.
    monetary_value
        Mean of the per-period spend over the repeat periods (0 for one-time
        buyers); ``None`` when no amounts were given.
    observation_end
        The period (start day) of the end of observation.
    unit
        ``"D"`` for days, ``"W"`` for weeks.
    n_dropped
        Transactions after ``observation_end`` that were dropped.
    """

    customer_id: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray | None
    observation_end: np.datetime64
    unit: str
    n_dropped: int = 0

    def __len__(self) -> int:
        return len(self.customer_id)

    def to_pandas(self) -> pd.DataFrame:
        """A float DataFrame indexed by ``customer_id``, columns ``frequency``,
        ``recency``, ``T`` (and ``monetary_value``): the shape lifetimes and
        PyMC-Marketing produce.

        >>> s = btyd_summary([1, 1], ["2024-01-01", "2024-01-08"], [5.0, 7.0],
        ...                  observation_end="2024-01-31")
        >>> s.to_pandas()
                     frequency  recency     T  monetary_value
        customer_id
        1                  1.0      7.0  30.0             7.0
        """
        import pandas as pd

        cols = {"frequency": self.frequency, "recency": self.recency, "T": self.T}
        if self.monetary_value is not None:
            cols["monetary_value"] = self.monetary_value
        index = pd.Index(self.customer_id, name="customer_id")
        return pd.DataFrame(cols, index=index).astype(float)


def _period_start(days: np.ndarray, unit: str) -> np.ndarray:
    """Start day of each day's period: the day itself, or the Monday of its week
    (pandas' ``W`` = ``W-SUN`` periods run Monday to Sunday)."""
    if unit == "D":
        return days
    monday: np.ndarray = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    return monday


def btyd_summary(
    customer_id: Any,
    date: Any,
    amount: Any = None,
    *,
    observation_end: Any,
    unit: Literal["D", "W"] = "D",
    after_observation_end: AfterPolicy = "raise",
) -> BtydSummary:
    """The frequency / recency / T / monetary_value summary for BTYD models.

    Exactly the definitions of lifetimes' ``summary_data_from_transaction_data``
    and PyMC-Marketing's ``rfm_summary`` (with their defaults
    ``include_first_transaction=False``, ``freq_multiplier`` / ``time_scaler``
    1): dates are reduced to periods (days, or Monday-to-Sunday weeks), and

    * ``frequency`` = number of distinct periods with a transaction, minus one;
    * ``recency`` = periods from the first to the last such period;
    * ``T`` = periods from the first period to ``observation_end``'s period;
    * ``monetary_value`` = mean over the repeat periods of the amount summed
      within each period (0 for customers with no repeat period).

    Use it as the bridge to those libraries: ``btyd_summary(...).to_pandas()``
    is the frame their ``BetaGeoFitter.fit`` / ``BetaGeoModel`` expect.

    Unlike :func:`summarize`, every row counts as a transaction (negative
    amounts included), as in those libraries; filter refunds first if they
    should not count.

    Parameters
    ----------
    customer_id, date, amount
        The transactions; *amount* is optional.
    observation_end
        End of the observation (calibration) period; required.
    unit
        ``"D"`` (days) or ``"W"`` (weeks: day differences / 7 between week starts).
    after_observation_end
        ``"raise"`` (default) or ``"drop"`` for transactions in a period after
        ``observation_end``. lifetimes drops them silently; here dropping is
        asked for and counted in ``n_dropped``.

    Examples
    --------
    >>> s = btyd_summary(
    ...     ["a", "a", "a", "b"],
    ...     ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"],
    ...     [10.0, 5.0, 30.0, 8.0],
    ...     observation_end="2024-01-31",
    ... )
    >>> s.frequency.tolist(), s.recency.tolist(), s.T.tolist()
    ([1.0, 0.0], [10.0, 0.0], [30.0, 26.0])
    >>> s.monetary_value.tolist()
    [30.0, 0.0]
    """
    if unit not in ("D", "W"):
        raise ThresholdError(f"'unit' must be 'D' or 'W': got {unit!r}")
    fields = ("customer_id", "date", "amount")
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    end_day = int(
        v.to_days(
            np.asarray([v.as_datetime_scalar(observation_end, "observation_end")])
        )[0]
    )
    end_period = int(_period_start(np.asarray([end_day]), unit)[0])
    per_day = _day_ticks(dates)
    step = 1 if unit == "D" else 7
    ids, ticks, amounts, n_dropped = _apply_cutoff(
        ids,
        dates.view(np.int64),
        amounts,
        (end_period + step) * per_day,
        after_observation_end,
        "date",
        "observation_end",
        np.datetime64(end_day, "D")
        if unit == "D"
        else f"{np.datetime64(end_day, 'D')}, in the week ending "
        f"{np.datetime64(end_period + 6, 'D')}",
    )
    groups = _group_ids(ids, "customer_id")
    period = _period_start(np.floor_divide(ticks, per_day), unit)
    first_slots = groups.minimum_slots(period)
    first = groups.compact(first_slots)
    last = groups.maximum(period)
    import pandas as pd

    lo = int(period.min()) if len(period) else 0
    span = (int(period.max()) - lo) // step + 1 if len(period) else 1
    pairs = pd.unique(groups.codes.astype(np.int64) * span + (period - lo) // step)
    n_periods = groups.count((pairs // span).astype(np.intp))
    freq = (n_periods - 1).astype(np.float64)
    recency = (last - first) / step
    t = (end_period - first) / step
    monetary = None
    if amounts is not None:
        total = groups.total(amounts)
        in_first = period == first_slots[groups.codes]
        first_spend = groups.total(amounts[in_first], groups.codes[in_first])
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(freq > 0, (total - first_spend) / freq, 0.0)
    return BtydSummary(
        customer_id=groups.ids,
        frequency=freq,
        recency=recency.astype(np.float64),
        T=t.astype(np.float64),
        monetary_value=monetary,
        observation_end=np.datetime64(end_period, "D"),
        unit=unit,
        n_dropped=n_dropped,
    )
