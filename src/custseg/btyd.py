"""The frequency / recency / T / monetary tables of "buy till you die" models.

:func:`btyd_summary` and :func:`btyd_calibration_holdout` are the bridge to
lifetimes and PyMC-Marketing: exactly the definitions of their transaction
summaries (``summary_data_from_transaction_data`` / ``rfm_summary`` and
``calibration_and_holdout_data``), computed with the same grouping as
:func:`custseg.summarize`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import to_pandas_index
from ._factorize import CHUNK
from .errors import ThresholdError
from .summary import (
    _I64_MAX,
    _I64_MIN,
    AfterPolicy,
    _apply_cutoff,
    _check_day_span,
    _coerce_rows,
    _day_ticks,
    _distinct_counts,
    _group_kept,
    _missing_ids_fix,
)

if TYPE_CHECKING:
    import pandas as pd

    from .summary import _Groups

__all__ = [
    "BtydCalibrationHoldout",
    "BtydSummary",
    "btyd_calibration_holdout",
    "btyd_summary",
]

_STEP = {"D": 1, "W": 7}


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
        Time from the first to the last purchase period, in periods divided by
        ``time_scaler``.
    T
        Time from the first purchase period to ``observation_end``'s period,
        in periods divided by ``time_scaler``.
    monetary_value
        Mean of the per-period spend over the repeat periods (0 for one-time
        buyers); ``None`` when no amounts were given.
    observation_end
        The period (start day) of the end of observation.
    unit
        ``"D"`` for days, ``"W"`` for weeks.
    n_dropped
        Transactions after ``observation_end`` that were dropped (rows: a
        customer with no earlier transaction leaves with them, uncounted).
    time_scaler
        What ``recency`` and ``T`` were divided by (1 when not scaled).
    """

    customer_id: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray | None
    observation_end: np.datetime64
    unit: str
    n_dropped: int = 0
    time_scaler: float = 1.0

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
        return _frame(self.customer_id, self._arrays())

    def _arrays(self) -> dict[str, np.ndarray]:
        """The per-customer columns in lifetimes' order (monetary when given)."""
        cols = {"frequency": self.frequency, "recency": self.recency, "T": self.T}
        if self.monetary_value is not None:
            cols["monetary_value"] = self.monetary_value
        return cols

    def __repr__(self) -> str:
        return _display.short_repr(
            "BtydSummary",
            n=len(self),
            noun="customers",
            fields={
                "observation_end": self.observation_end,
                "unit": self.unit,
                **self._arrays(),
                "n_dropped": self.n_dropped,
            },
        )

    def _repr_html_(self) -> str:
        return _display.columns_table(
            f"BtydSummary: {len(self)} customers, observation end "
            f"{_display.format_value(self.observation_end)}, unit {self.unit!r}",
            {"customer_id": self.customer_id, **self._arrays()},
            note=f"{self.n_dropped} transactions dropped",
        )


@attrs.frozen(eq=False)
class BtydCalibrationHoldout:
    """A calibration summary per customer, with what happened in the holdout.

    One entry per customer with a transaction in the calibration period,
    sorted by id; customers whose first transaction is in the holdout are left
    out (counted in ``n_holdout_only``).

    Attributes
    ----------
    customer_id
        Customer ids, sorted ascending.
    frequency_cal, recency_cal, T_cal, monetary_value_cal
        :func:`btyd_summary` of the calibration transactions (dates up to
        ``calibration_end``) with ``observation_end=calibration_end``;
        ``monetary_value_cal`` is ``None`` when no amounts were given.
    frequency_holdout
        Number of distinct periods with a transaction in the holdout (every
        period counts, there is no "first" to leave out).
    monetary_value_holdout
        Mean amount per holdout *transaction* (row), 0 without holdout
        transactions; ``None`` when no amounts were given.
    duration_holdout
        Periods from ``calibration_end``'s period to ``observation_end``'s,
        divided by ``time_scaler`` (the same for every customer).
    calibration_end, observation_end
        The last day of the calibration period and of the holdout period.
    unit
        ``"D"`` for days, ``"W"`` for weeks.
    time_scaler
        What ``recency_cal``, ``T_cal`` and ``duration_holdout`` were divided by.
    n_dropped
        Transactions after ``observation_end`` that were dropped (rows: a
        customer with no earlier transaction leaves with them, uncounted).
    n_holdout_only
        Customers left out because all their transactions are in the holdout
        (those with transactions only after ``observation_end`` are not
        among them).
    """

    customer_id: np.ndarray
    frequency_cal: np.ndarray
    recency_cal: np.ndarray
    T_cal: np.ndarray
    monetary_value_cal: np.ndarray | None
    frequency_holdout: np.ndarray
    monetary_value_holdout: np.ndarray | None
    duration_holdout: np.ndarray
    calibration_end: np.datetime64
    observation_end: np.datetime64
    unit: str
    time_scaler: float = 1.0
    n_dropped: int = 0
    n_holdout_only: int = 0

    def __len__(self) -> int:
        return len(self.customer_id)

    def _arrays(self) -> dict[str, Any]:
        cols = {
            "frequency_cal": self.frequency_cal,
            "recency_cal": self.recency_cal,
            "T_cal": self.T_cal,
            "monetary_value_cal": self.monetary_value_cal,
            "frequency_holdout": self.frequency_holdout,
            "monetary_value_holdout": self.monetary_value_holdout,
            "duration_holdout": self.duration_holdout,
        }
        return {k: v for k, v in cols.items() if v is not None}

    def __repr__(self) -> str:
        return _display.short_repr(
            "BtydCalibrationHoldout",
            n=len(self),
            noun="customers",
            fields={
                "calibration_end": self.calibration_end,
                "observation_end": self.observation_end,
                "unit": self.unit,
                **self._arrays(),
                "n_holdout_only": self.n_holdout_only,
            },
        )

    def _repr_html_(self) -> str:
        return _display.columns_table(
            f"BtydCalibrationHoldout: {len(self)} customers, calibration to "
            f"{_display.format_value(self.calibration_end)}, observation to "
            f"{_display.format_value(self.observation_end)}, unit {self.unit!r}",
            {"customer_id": self.customer_id, **self._arrays()},
            note=f"{self.n_dropped} transactions dropped, {self.n_holdout_only} "
            "customers first seen in the holdout left out",
        )

    def to_pandas(self) -> pd.DataFrame:
        """A float DataFrame indexed by ``customer_id`` with lifetimes' columns
        ``frequency_cal``, ``recency_cal``, ``T_cal``, (``monetary_value_cal``),
        ``frequency_holdout``, (``monetary_value_holdout``), ``duration_holdout``.

        >>> t = btyd_calibration_holdout(
        ...     [1, 1, 1], ["2024-01-01", "2024-01-08", "2024-01-20"], [5.0, 7.0, 3.0],
        ...     calibration_end="2024-01-10", observation_end="2024-01-31")
        >>> t.to_pandas().T
        customer_id                1
        frequency_cal            1.0
        recency_cal              7.0
        T_cal                    9.0
        monetary_value_cal       7.0
        frequency_holdout        1.0
        monetary_value_holdout   3.0
        duration_holdout        21.0
        """
        return _frame(self.customer_id, self._arrays())


def _frame(customer_id: np.ndarray, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    import pandas as pd

    index = to_pandas_index(customer_id, "customer_id")
    return pd.DataFrame(cols, index=index).astype(float)


# --------------------------------------------------------------------------
# parameters


#: The fix for missing customer ids: no command runs these functions, so no
#: command-line option is named
_IDS_FIX = _missing_ids_fix("customer_id", option=None)


def _check_unit(unit: Any) -> int:
    """Days per period of *unit*."""
    return _STEP[v.choice(unit, "unit", tuple(_STEP))]


def _check_time_scaler(time_scaler: Any) -> float:
    """*time_scaler* as a float: ThresholdError for one that is not a
    number, not in (0, inf), or a number float64 cannot hold (as written,
    or at all: :func:`~custseg._validate.number_param`'s own reason, which
    says how to write it).

    >>> _check_time_scaler(7)
    7.0
    >>> from fractions import Fraction
    >>> _check_time_scaler(Fraction(365, 12))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'time_scaler' must be a number float64 holds as written: got 365/12, which it holds as 30.416666666666668; give at most 15 significant digits
    >>> _check_time_scaler(Fraction(-365, 12))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'time_scaler' must be a finite number in the range (0, inf): got Fraction(-365, 12)
    """
    message = (
        "'time_scaler' must be a finite number in the range (0, inf): "
        f"got {v.describe(time_scaler)}"
    )
    if not v.is_number(time_scaler):
        raise ThresholdError(message)
    try:
        scaler = v.number_param(time_scaler, "time_scaler")
    except ThresholdError:
        # refused only for a finite exact value (an int, Decimal or
        # Fraction), which compares with 0 exactly: out of range says more
        # than "float64 cannot hold it" about zero and negative values
        if not time_scaler > 0:
            raise ThresholdError(message) from None
        raise
    if not math.isfinite(scaler) or scaler <= 0:
        raise ThresholdError(message)
    return scaler


def _check_scaled(*arrays: np.ndarray, time_scaler: float) -> None:
    """Refuse a *time_scaler* so small that scaled times pass the float range."""
    for arr in arrays:
        if len(arr) and not np.isfinite(np.fmax.reduce(arr)):
            raise ThresholdError(
                f"'time_scaler' is so small that recency and T pass what float64 "
                f"holds (about 1.8e308): got {time_scaler!r}; use a scaler near the "
                "length of a period in days (1 or 7)"
            )


def _period_start(days: np.ndarray, unit: str) -> np.ndarray:
    """Start day of each day's period: the day itself, or the Monday of its week
    (pandas' ``W`` = ``W-SUN`` periods run Monday to Sunday)."""
    if unit == "D":
        return days
    # only ever given a chunk of rows or one day per customer: no need to chunk
    monday: np.ndarray = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    return monday


def _scaled(periods: np.ndarray, time_scaler: float) -> np.ndarray:
    # two divisions, periods then scaler, as lifetimes and PyMC-Marketing do
    # (bit-for-bit the same floats)
    out = periods.astype(np.float64, copy=False)
    if time_scaler == 1.0:
        return out
    with np.errstate(over="ignore"):  # refused by _check_scaled
        scaled: np.ndarray = out / time_scaler
    return scaled


# --------------------------------------------------------------------------
# per-period aggregation, shared by both tables


def _periods_of(ticks: np.ndarray, per_day: int, unit: str) -> np.ndarray:
    """The start day of each timestamp's period (non-decreasing in the ticks:
    the minimum or maximum of the periods is the period of the minimum or
    maximum tick)."""
    return _period_start(np.floor_divide(ticks, per_day), unit)


def _distinct_periods(
    groups: _Groups, codes: np.ndarray, ticks: np.ndarray, per_day: int, unit: str
) -> np.ndarray:
    """Number of distinct periods per group (compacted), period by period,
    from the timestamps chunk by chunk: no column of periods, no sort, no
    hashing (see :func:`custseg.summary._distinct_counts`)."""
    step = _check_unit(unit)

    def number(chunk: np.ndarray) -> np.ndarray:  # one per period
        return np.floor_divide(_periods_of(chunk, per_day, unit), step)

    return groups.compact(
        _distinct_counts(codes, ticks, groups.size, key=number), scratch=True
    )


def _btyd_columns(
    groups: _Groups,
    codes: np.ndarray,
    ticks: np.ndarray,
    amounts: np.ndarray | None,
    *,
    per_day: int,
    unit: str,
    end_period: int,
    time_scaler: float,
    present_only: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """lifetimes' frequency, recency, T, monetary_value per group from the rows
    (*codes*, timestamps *ticks* of *per_day* ticks a day, *amounts*), in
    periods of *unit*; the periods are computed chunk by chunk, and per group
    from its first and last tick, never as a column.

    With *present_only*, groups without rows are left out and the mask of the
    groups kept is returned last (otherwise ``None``: every group has rows).
    """
    step = _check_unit(unit)
    # groups without rows get a tick of the data (any: they are left out),
    # which keeps the period arithmetic off the int64 limits
    known = int(ticks[0]) if len(ticks) else 0
    # only the day of each extreme counts here (a faster pass for timestamps
    # in date order, see custseg.summary._tick_runs)
    first_ticks = groups.minimum_slots(ticks, codes, per=per_day)
    np.copyto(first_ticks, known, where=first_ticks == _I64_MAX)
    first_slots = _periods_of(first_ticks, per_day, unit)
    del first_ticks
    repeat_spend = None
    if amounts is not None:  # first: the row-sized temporaries meet fewer arrays
        in_first = np.empty(len(codes), dtype=bool)
        part = np.empty(min(len(codes), CHUNK), dtype=first_slots.dtype)
        for start in range(0, len(codes), CHUNK):  # no gathered column
            chunk = part[: min(CHUNK, len(codes) - start)]
            np.take(first_slots, codes[start : start + CHUNK], out=chunk)
            np.equal(
                _periods_of(ticks[start : start + CHUNK], per_day, unit),
                chunk,
                out=in_first[start : start + CHUNK],
            )
        # the repeat periods' rows summed as such, not the whole total less
        # the first period's (a large first purchase would cancel a small
        # repeat spend: 1e16 then 1.0 gave 0.0)
        np.logical_not(in_first, out=in_first)
        repeat_spend = groups.total(amounts[in_first], codes[in_first])
        del in_first, part
    n_periods = _distinct_periods(groups, codes, ticks, per_day, unit)
    first = groups.compact(first_slots, scratch=True)
    del first_slots
    last_ticks = groups.maximum(ticks, codes, per=per_day)
    np.copyto(last_ticks, known, where=last_ticks == _I64_MIN)
    last = _periods_of(last_ticks, per_day, unit)
    present = None
    if present_only:
        present = n_periods > 0
        n_periods, first, last = n_periods[present], first[present], last[present]
    freq = (n_periods - 1).astype(np.float64)
    recency = _scaled((last - first) / step, time_scaler)
    t = _scaled((end_period - first) / step, time_scaler)
    _check_scaled(recency, t, time_scaler=time_scaler)
    monetary = None
    if repeat_spend is not None:
        if present is not None:
            repeat_spend = repeat_spend[present]
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(freq > 0, repeat_spend / freq, 0.0)
    return freq, recency, t, monetary, present


# --------------------------------------------------------------------------
# public functions


def btyd_summary(
    customer_id: Any,
    date: Any,
    amount: Any = None,
    *,
    observation_end: Any,
    unit: Literal["D", "W"] = "D",
    time_scaler: float = 1.0,
    after_observation_end: AfterPolicy = "raise",
) -> BtydSummary:
    """The frequency / recency / T / monetary_value summary for BTYD models.

    Exactly the definitions of lifetimes' ``summary_data_from_transaction_data``
    and PyMC-Marketing's ``rfm_summary`` (with ``include_first_transaction=False``,
    their default): dates are reduced to periods (days, or Monday-to-Sunday
    weeks), and

    * ``frequency`` = number of distinct periods with a transaction, minus one;
    * ``recency`` = periods from the first to the last such period, divided by
      ``time_scaler``;
    * ``T`` = periods from the first period to ``observation_end``'s period,
      divided by ``time_scaler``;
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
    time_scaler
        Divide ``recency`` and ``T`` by this (a finite number > 0; default 1):
        PyMC-Marketing's ``time_scaler``, lifetimes' ``freq_multiplier``.
        ``unit="D", time_scaler=7`` gives the fractional weeks of the published
        CDNOW summary (days / 7), where ``unit="W"`` counts whole calendar weeks.
    after_observation_end
        ``"raise"`` (default) or ``"drop"`` for transactions in a period after
        ``observation_end``. lifetimes drops them silently; here dropping is
        asked for and counted in ``n_dropped``.

    Returns
    -------
    BtydSummary
        Aligned arrays, one entry per customer, sorted by id.

    Raises
    ------
    InputError
        Missing ids, NaT dates, NaN amounts, columns of unequal length, an
        unparseable ``observation_end``, or (with ``"raise"``) transactions
        after ``observation_end``.
    ThresholdError
        An unknown ``unit`` or ``after_observation_end``, or a ``time_scaler``
        that is not a finite number > 0.

    See Also
    --------
    btyd_calibration_holdout : the same table for a calibration period, with
        the holdout period's frequency and spend.

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

    Three customers of the CDNOW sample (ids 1, 2 and 7 of ``CDNOW_sample.txt``,
    their purchases in the 39-week calibration period ending 1997-09-30), in
    weeks of 7 days as in the published summary:

    >>> cdnow = btyd_summary(
    ...     [1, 1, 1, 2, 2, 7, 7],
    ...     ["1997-01-01", "1997-01-18", "1997-08-02", "1997-01-01", "1997-01-13",
    ...      "1997-01-01", "1997-02-05"],
    ...     [29.33, 29.73, 14.96, 63.34, 11.77, 11.77, 11.77],
    ...     observation_end="1997-09-30",
    ...     time_scaler=7,
    ... )
    >>> cdnow.to_pandas().round({"recency": 2, "T": 2})
                 frequency  recency      T  monetary_value
    customer_id
    1                  2.0    30.43  38.86          22.345
    2                  1.0     1.71  38.86          11.770
    7                  1.0     5.00  38.86          11.770

    These are the first rows of the published table (recency 30.43, T 38.86
    for customer 1; its mean repeat spend 22.345 is printed 22.35 there).
    """
    step = _check_unit(unit)
    scaler = _check_time_scaler(time_scaler)
    fields = ("customer_id", "date", "amount")
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    end_day = v.day_number(observation_end, "observation_end", like=date)
    end_period = int(_period_start(np.asarray([end_day]), unit)[0])
    per_day = _day_ticks(dates)
    # a week starts up to 6 days before its dates: 6 days to spare
    _check_day_span(
        dates.view(np.int64), per_day, end_day, "date", "observation_end", 6
    )
    end_tick = (end_period + step) * per_day
    ids, ticks, amounts, n_dropped = _apply_cutoff(
        ids,
        dates.view(np.int64),
        amounts,
        end_tick,
        after_observation_end,
        "date",
        "observation_end",
        np.datetime64(end_day, "D")
        if unit == "D"
        else f"{np.datetime64(end_day, 'D')}, in the week ending "
        f"{np.datetime64(end_period + 6, 'D')}",
    )
    groups = _group_kept(
        ids, "customer_id", dates.view(np.int64), end_tick, n_dropped, _IDS_FIX
    )
    del ids
    freq, recency, t, monetary, _ = _btyd_columns(
        groups,
        groups.codes,
        ticks,
        amounts,
        per_day=per_day,
        unit=unit,
        end_period=end_period,
        time_scaler=scaler,
    )
    return BtydSummary(
        customer_id=groups.ids,
        frequency=freq,
        recency=recency,
        T=t,
        monetary_value=monetary,
        observation_end=np.datetime64(end_period, "D"),
        unit=unit,
        n_dropped=n_dropped,
        time_scaler=scaler,
    )


def btyd_calibration_holdout(
    customer_id: Any,
    date: Any,
    amount: Any = None,
    *,
    calibration_end: Any,
    observation_end: Any,
    unit: Literal["D", "W"] = "D",
    time_scaler: float = 1.0,
    after_observation_end: AfterPolicy = "raise",
) -> BtydCalibrationHoldout:
    """The BTYD summary of a calibration period, with the holdout that follows.

    Exactly the definitions of lifetimes' ``calibration_and_holdout_data``
    (``include_first_transaction=False``, its default). Each transaction is
    reduced to its calendar day; transactions on days up to ``calibration_end``
    (inclusive) are the *calibration* transactions, those on the days after it
    up to ``observation_end`` (inclusive) the *holdout* transactions. Then,
    per customer with a calibration transaction:

    * ``frequency_cal``, ``recency_cal``, ``T_cal``, ``monetary_value_cal`` =
      :func:`btyd_summary` of the calibration transactions with
      ``observation_end=calibration_end``;
    * ``frequency_holdout`` = number of distinct periods (days or weeks) with
      a holdout transaction;
    * ``monetary_value_holdout`` = mean amount per holdout transaction (row);
      0 without holdout transactions;
    * ``duration_holdout`` = periods from ``calibration_end``'s period to
      ``observation_end``'s period, divided by ``time_scaler``.

    Customers whose first transaction is in the holdout are not in the result
    (lifetimes leaves them out too); ``n_holdout_only`` counts them.

    Parameters
    ----------
    customer_id, date, amount
        The transactions; *amount* is optional.
    calibration_end
        Last day of the calibration period (inclusive); required.
    observation_end
        Last day of the holdout period (inclusive); required, after
        ``calibration_end``.
    unit
        ``"D"`` (days) or ``"W"`` (Monday-to-Sunday weeks).
    time_scaler
        Divide ``recency_cal``, ``T_cal`` and ``duration_holdout`` by this (a
        finite number > 0; default 1): PyMC-Marketing's ``time_scaler``,
        lifetimes' ``freq_multiplier``.
    after_observation_end
        ``"raise"`` (default) or ``"drop"`` for transactions on days after
        ``observation_end`` (lifetimes drops them silently); dropped rows are
        counted in ``n_dropped``.

    Returns
    -------
    BtydCalibrationHoldout
        Aligned arrays, one entry per customer, sorted by id.

    Raises
    ------
    InputError
        Missing ids, NaT dates, NaN amounts, columns of unequal length,
        unparseable dates, or (with ``"raise"``) transactions after
        ``observation_end``.
    ThresholdError
        ``calibration_end`` not before ``observation_end``, an unknown
        ``unit`` or ``after_observation_end``, or a ``time_scaler`` that is not
        a finite number > 0.

    See Also
    --------
    btyd_summary : the table of one observation period.

    Examples
    --------
    Customers 1, 2 and 7 of the CDNOW sample, calibration in the 39 weeks to
    1997-09-30, holdout in the 39 weeks to 1998-06-30, weeks of 7 days:

    >>> t = btyd_calibration_holdout(
    ...     [1, 1, 1, 1, 2, 2, 7, 7],
    ...     ["1997-01-01", "1997-01-18", "1997-08-02", "1997-12-12",
    ...      "1997-01-01", "1997-01-13", "1997-01-01", "1997-02-05"],
    ...     [29.33, 29.73, 14.96, 26.48, 63.34, 11.77, 11.77, 11.77],
    ...     calibration_end="1997-09-30",
    ...     observation_end="1998-06-30",
    ...     time_scaler=7,
    ... )
    >>> t.frequency_cal.tolist(), t.recency_cal.round(2).tolist()
    ([2.0, 1.0, 1.0], [30.43, 1.71, 5.0])
    >>> t.frequency_holdout.tolist(), t.monetary_value_holdout.tolist()
    ([1.0, 0.0, 0.0], [26.48, 0.0, 0.0])
    >>> t.duration_holdout.tolist()
    [39.0, 39.0, 39.0]
    """
    step = _check_unit(unit)
    scaler = _check_time_scaler(time_scaler)
    fields = ("customer_id", "date", "amount")
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    cal_day = v.day_number(calibration_end, "calibration_end", like=date)
    end_day = v.day_number(observation_end, "observation_end", like=date)
    if cal_day >= end_day:
        raise ThresholdError(
            f"'calibration_end' must be before 'observation_end' "
            f"({np.datetime64(end_day, 'D')}): got {np.datetime64(cal_day, 'D')}"
        )
    cal_period, end_period = _period_start(np.asarray([cal_day, end_day]), unit)
    per_day = _day_ticks(dates)
    _check_day_span(
        dates.view(np.int64), per_day, end_day, "date", "observation_end", 6
    )
    end_tick = (end_day + 1) * per_day
    ids, ticks, amounts, n_dropped = _apply_cutoff(
        ids,
        dates.view(np.int64),
        amounts,
        end_tick,
        after_observation_end,
        "date",
        "observation_end",
        np.datetime64(end_day, "D"),
    )
    groups = _group_kept(
        ids, "customer_id", dates.view(np.int64), end_tick, n_dropped, _IDS_FIX
    )
    del ids
    # after the calibration day: from its day's first tick on (no day column)
    holdout = ticks >= (cal_day + 1) * per_day
    calibration = ~holdout
    if holdout.any():
        c_codes, c_ticks = groups.codes[calibration], ticks[calibration]
        c_amounts = None if amounts is None else amounts[calibration]
    else:
        c_codes, c_ticks, c_amounts = groups.codes, ticks, amounts
    freq, recency, t, monetary, present = _btyd_columns(
        groups,
        c_codes,
        c_ticks,
        c_amounts,
        per_day=per_day,
        unit=unit,
        end_period=int(cal_period),
        time_scaler=scaler,
        present_only=True,
    )
    assert present is not None
    del c_codes, c_ticks, c_amounts
    h_codes = groups.codes[holdout]
    h_freq = _distinct_periods(groups, h_codes, ticks[holdout], per_day, unit)[present]
    h_monetary = None
    if amounts is not None:
        h_total = groups.total(amounts[holdout], h_codes)[present]
        h_rows = groups.count(h_codes)[present]
        with np.errstate(invalid="ignore", divide="ignore"):
            h_monetary = np.where(h_rows > 0, h_total / h_rows, 0.0)
    duration = _scaled(
        np.full(len(freq), (int(end_period) - int(cal_period)) / step), scaler
    )
    _check_scaled(duration, time_scaler=scaler)
    return BtydCalibrationHoldout(
        customer_id=groups.ids[present],
        frequency_cal=freq,
        recency_cal=recency,
        T_cal=t,
        monetary_value_cal=monetary,
        frequency_holdout=h_freq.astype(np.float64),
        monetary_value_holdout=h_monetary,
        duration_holdout=duration,
        calibration_end=np.datetime64(cal_day, "D"),
        observation_end=np.datetime64(end_day, "D"),
        unit=unit,
        time_scaler=scaler,
        n_dropped=n_dropped,
        n_holdout_only=int(len(present) - np.count_nonzero(present)),
    )
