"""Simulated transaction data for demos, tests and benchmarks."""

from __future__ import annotations

import decimal
import fractions
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v
from .errors import InputError, ThresholdError

__all__ = ["simulate_contacts", "simulate_customers", "simulate_transactions"]

#: The most purchases per customer asked for (the mean of a Poisson rate).
_MOST_PURCHASES = 1_000_000
#: The most purchases :func:`simulate_transactions` makes, expected
#: (``n_customers * purchases_per_customer``): checked before any array is
#: made. It bounds what is tried, not the machine's memory: making the data
#: peaks at about 80 bytes a row (80 GB at the cap)
_MOST_ROWS = 10**9


def _got(value: Any) -> str:
    return f"{type(value).__name__} {v.describe(value)}"


def _seed(seed: Any) -> int:
    """*seed* as an int: a whole number >= 0 (NumPy's seeds), not a bool."""
    if not v.is_int(seed) or seed < 0:
        raise ThresholdError(
            f"'seed' must be a whole number >= 0 (the same seed gives the same "
            f"data), e.g. seed=0: got {_got(seed)}"
        )
    return int(seed)


def _number(value: Any, name: str, rule: str, ok: Callable[[float], bool]) -> float:
    """*value* (any real number type: int, float, NumPy's, Fraction,
    Decimal) as a float when *ok* holds for it; a ThresholdError naming
    *name* and *rule* otherwise (text, None, NaN and infinities too)."""
    x = float("nan")
    if v._is_real(value) or isinstance(value, decimal.Decimal):
        try:
            x = float(value)
        except OverflowError:  # an int beyond the float range
            x = float("inf")
        except ValueError:  # Decimal("sNaN") has no float
            x = float("nan")
    if not (np.isfinite(x) and ok(x)):
        raise ThresholdError(f"{name!r} must be {rule}: got {_got(value)}")
    return x


def _second_on_or_after(t: np.datetime64) -> np.datetime64:
    """*t* rounded up to a whole second.

    >>> str(_second_on_or_after(np.datetime64("2023-01-01T00:00:00.5")))
    '2023-01-01T00:00:01'
    >>> str(_second_on_or_after(np.datetime64("2023-01-01")))
    '2023-01-01T00:00:00'
    """
    s = t.astype("datetime64[s]")
    return s if s >= t else s + np.timedelta64(1, "s")


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ThresholdError(f"{name!r} must be True or False: got {_got(value)}")
    return bool(value)


def simulate_transactions(
    n_customers: int,
    *,
    seed: int = 0,
    start: Any = "2023-01-01",
    end: Any = "2025-01-01",
    purchases_per_customer: float = 10.0,
    refund_rate: float = 0.03,
    sort: bool = True,
) -> pd.DataFrame:
    """A deterministic, realistic store: one row per transaction.

    The customer base is heterogeneous in the ways that matter for
    segmentation:

    * customers arrive uniformly over ``[start, end)`` (the first purchase is
      the arrival);
    * purchase rates are gamma-distributed (shape 0.6: many occasional
      buyers, a few very frequent ones), calibrated so the mean number of
      purchases per customer is about *purchases_per_customer*;
    * every customer may stop buying: an exponential lifetime (median about
      a year) after which no more purchases come, so recency spreads out;
    * spend is lognormal per customer (sigma 0.8) and per ticket (sigma 0.5);
    * a *refund_rate* share of purchases is refunded (a negative row, 1 to
      15 days later, for 30% to 100% of the ticket); a refund that would
      fall on or after *end* is not made, so on periods of weeks fewer are
      refunded (about 0.12 for 0.2 over a month, none over one day).

    Generation is vectorised: 10 million rows take 5 to 10 seconds on two
    cores (most of it the sort by date).

    Parameters
    ----------
    n_customers
        Number of customers (ids ``0 .. n_customers - 1``).
    seed
        Random seed, a whole number >= 0; the same seed gives the same data.
    start, end
        The period simulated (end exclusive), at least one day. Dates are
        whole seconds, all in ``[start, end)``.
    purchases_per_customer
        Target mean number of purchases per customer, 1 to 1,000,000 (any
        real number type). ``n_customers * purchases_per_customer`` (the
        expected purchases) is at most 1,000,000,000; the memory is not
        checked (about 80 bytes a row while the data is made: 80 GB at
        that cap).
    refund_rate
        Share of purchases refunded, in [0, 1) (any real number type).
    sort
        ``True``: sort rows by date, like a transaction log; ``False``: by
        customer.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (int64), ``date`` (datetime64[s]) and
        ``amount`` (float64, rounded to cents; negative for refunds).

    Raises
    ------
    ThresholdError
        A parameter of the wrong type or out of its range (the message
        names it and what it must be), more than 1,000,000,000 expected
        purchases, or a period shorter than a day.
    InputError
        A *start* or *end* that is not a date (as every date parameter).

    Examples
    --------
    >>> tx = simulate_transactions(1000, seed=1)
    >>> list(tx.columns)
    ['customer_id', 'date', 'amount']
    >>> bool(tx["customer_id"].nunique() == 1000), bool((tx["amount"] < 0).any())
    (True, True)
    >>> tx.equals(simulate_transactions(1000, seed=1))
    True
    """
    if not v.is_int(n_customers) or n_customers < 1:
        raise ThresholdError(
            f"'n_customers' must be an integer >= 1: got {_got(n_customers)}"
        )
    seed = _seed(seed)
    purchases_per_customer = _number(
        purchases_per_customer,
        "purchases_per_customer",
        f"a number >= 1 and <= {_MOST_PURCHASES:,d} (the mean purchases per "
        "customer, e.g. 10)",
        lambda x: 1 <= x <= _MOST_PURCHASES,
    )
    if n_customers > _MOST_ROWS:  # before the product: 10**400 has no float
        raise ThresholdError(
            f"'n_customers' times 'purchases_per_customer' ({v.describe(n_customers)} "
            f"x {purchases_per_customer:,.15g}) is more than the {_MOST_ROWS:,d} "
            "purchases simulate_transactions makes at most (each customer makes "
            "one at least): give fewer customers or fewer purchases per customer"
        )
    expected = int(n_customers) * purchases_per_customer
    if expected > _MOST_ROWS:
        raise ThresholdError(
            f"'n_customers' times 'purchases_per_customer' ({int(n_customers):,d} "
            f"x {purchases_per_customer:,.15g}) is {expected:,.0f} purchases, more "
            f"than the {_MOST_ROWS:,d} simulate_transactions makes at most: give "
            "fewer customers or fewer purchases per customer"
        )
    refund_rate = _number(
        refund_rate,
        "refund_rate",
        "a share in [0, 1) (e.g. 0.03 for 3% of the purchases)",
        lambda x: 0 <= x < 1,
    )
    sort = _flag(sort, "sort")
    given = v.as_datetime_scalar(start, "start"), v.as_datetime_scalar(end, "end")
    if given[1] - given[0] < np.timedelta64(1, "D"):
        raise ThresholdError(
            f"'end' must be at least one day after 'start' ({given[0]}): got {given[1]}"
        )
    # dates are whole seconds: those in [start, end) are from the second at
    # or after start to the one before end (both rounded up)
    t0, t1 = (_second_on_or_after(t) for t in given)
    span = int((t1 - t0) // np.timedelta64(1, "s"))
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    day = 86_400.0

    arrival = rng.uniform(0, span, n)
    lifetime = rng.exponential(365 * day / np.log(2), n)
    active = np.minimum(lifetime, span - arrival)
    # Repeat purchases: Poisson with a gamma-distributed rate per active day,
    # calibrated so that E[1 + repeats] ~ purchases_per_customer.
    mean_active = float(active.mean()) or 1.0
    rate = rng.gamma(0.6, 1 / 0.6, n) * (purchases_per_customer - 1) / mean_active
    repeats = rng.poisson(rate * active)
    counts = 1 + repeats
    customer = np.repeat(np.arange(n, dtype=np.int64), counts)
    offsets = rng.uniform(0, 1, len(customer)) * np.repeat(active, counts)
    first_of = np.concatenate(([0], np.cumsum(counts)[:-1]))
    offsets[first_of] = 0.0  # the first purchase is the arrival
    seconds = np.repeat(arrival, counts) + offsets

    spend = rng.lognormal(np.log(40.0), 0.8, n)
    amount = np.round(
        np.repeat(spend, counts) * rng.lognormal(-0.125, 0.5, len(customer)), 2
    )
    amount = np.maximum(amount, 0.01)

    refunded = np.flatnonzero(rng.random(len(customer)) < refund_rate)
    r_seconds = seconds[refunded] + rng.uniform(1, 15, len(refunded)) * day
    keep = r_seconds < span
    refunded, r_seconds = refunded[keep], r_seconds[keep]
    r_amount = -np.round(amount[refunded] * rng.uniform(0.3, 1.0, len(refunded)), 2)

    customer = np.concatenate((customer, customer[refunded]))
    seconds = np.concatenate((seconds, r_seconds))
    amount = np.concatenate((amount, np.minimum(r_amount, -0.01)))
    date = t0 + seconds.astype(np.int64).astype("timedelta64[s]")
    # refunds were appended at the end: order by date, or by customer (stable,
    # so each customer's rows keep their generation order)
    order = np.argsort(date if sort else customer, kind="stable")
    customer, date, amount = customer[order], date[order], amount[order]
    return pd.DataFrame({"customer_id": customer, "date": date, "amount": amount})


def _facts_of(transactions: pd.DataFrame, as_of: Any) -> Any:
    from .summary import summarize

    if not isinstance(transactions, pd.DataFrame) or not {
        "customer_id",
        "date",
        "amount",
    } <= set(transactions.columns):
        raise ThresholdError(
            "'transactions' must be a DataFrame with customer_id, date and amount "
            "columns, e.g. simulate_transactions(...) output"
        )
    try:
        return summarize(
            transactions["customer_id"],
            transactions["date"],
            transactions["amount"],
            as_of=as_of,
        )
    except InputError as err:
        if as_of is None or not err.problem.startswith("has transactions after"):
            raise
        # summarize's fix names its after_as_of option, which the simulators
        # do not have: their own fix
        raise InputError(
            err.field,
            err.problem,
            fix="pass a later as_of (the default is the day after the last "
            "transaction), or keep only the transactions up to as_of",
            first_row=err.first_row,
            n_rows=err.n_rows,
        ) from None


def _p_ids(texts: list[str], k: int) -> list[str]:
    """*k* ids ``P<n>`` none of *texts* has: ``P0000000``, ``P0000001``, ...
    after the largest ``n`` of the texts ``P<n>`` (ASCII digits, leading
    zeros or not). Past 18 digits the numbers are not made as integers
    (Python refuses to print one of more than 4,300 digits): the new ids
    have one digit more than the largest, so they are larger still.

    >>> _p_ids(["P0000007", "P12", "P", "P1x", "Q99", "P٣"], 2)
    ['P0000013', 'P0000014']
    >>> [len(x) for x in _p_ids(["P" + "9" * 5000], 2)]
    [5002, 5002]
    """
    digits = (x[1:] for x in texts if x[:1] == "P")
    top = max(
        (
            (len(d), d)
            for d in (n.lstrip("0") for n in digits if n.isascii() and n.isdigit())
        ),
        default=None,
    )
    if top is not None and top[0] > 18:
        return ["P1" + str(i).zfill(top[0]) for i in range(k)]
    start = 0 if top is None else int(top[1] or "0") + 1
    return [f"P{start + i:07d}" for i in range(k)]


def _new_ids(ids: np.ndarray, k: int) -> np.ndarray:
    """*k* ids none of *ids* has, of their kind, following the largest.

    Numbers (integers, floats, dates): the whole numbers after the largest
    (for integers at the top of their type, the smallest free ones from 0).
    Text (or bytes): ``P0000000``, ``P0000001``, ... after the largest id of
    that form among *ids*. Other ids (tuples, UUIDs, ...) have no next one:
    an InputError.
    """
    kind = ids.dtype.kind
    if kind in "mM":  # numbered in the ids' own unit
        return _new_ids(ids.view(np.int64), k).view(ids.dtype)
    if kind in "iu":
        dtype = np.dtype(np.uint64 if ids.dtype == np.uint64 else np.int64)
        start = int(ids.max()) + 1 if len(ids) else 0
        if start + k - 1 <= int(np.iinfo(dtype).max):
            return np.arange(k, dtype=dtype) + dtype.type(start)
        # no room above the largest: the smallest numbers not taken
        free = np.setdiff1d(np.arange(len(ids) + k, dtype=dtype), ids)
        return free[:k]
    if kind == "f":
        top = int(np.floor(ids.max())) if np.isfinite(ids.max()) else None
        exact = 2 ** (np.finfo(ids.dtype).nmant + 1)
        # top + 1 .. top + k: whole numbers the float type holds exactly
        if top is not None and -exact <= top + 1 and top + k <= exact:
            return np.arange(top + 1, top + k + 1).astype(ids.dtype)
        free = np.setdiff1d(np.arange(len(ids) + k, dtype=ids.dtype), ids)
        return free[:k]
    items = ids.tolist()
    if all(isinstance(x, str) for x in items):
        return np.array(_p_ids(items, k), dtype=object)
    if all(isinstance(x, bytes) for x in items):
        texts = [x.decode("latin-1") for x in items]
        return np.array([x.encode() for x in _p_ids(texts, k)], dtype=object)
    if all(v._is_real(x) or isinstance(x, decimal.Decimal) for x in items):
        # Python ints beyond int64, Fractions, Decimals: of the same type
        top = max(items)
        start = math.floor(top) + 1
        return np.array([type(top)(start + i) for i in range(k)], dtype=object)
    example = next(x for x in items if not isinstance(x, str | bytes))
    raise InputError(
        "customer_id",
        f"holds ids of type {type(example).__name__} ({example!r}), which have "
        "no next id to give the potential customers",
        fix="pass potential=0, or use whole numbers or text as ids",
    )


def _share(value: Any, name: str) -> float:
    """*value* (any real number type) as a float in [0, 1]; a float16 or
    float32 as the decimal it prints as (``np.float16(0.1)`` is 0.1, as
    :func:`custseg._validate.widen_narrow` reads such arrays)."""
    x = _number(
        value, name, "a share in [0, 1] (e.g. 0.1 for 10%)", lambda x: 0 <= x <= 1
    )
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        x = float(v.widen_narrow(np.array([value]))[0])
    return x


def _exact_share(value: Any, share: float) -> fractions.Fraction:
    """The exact number a share *value* (read by :func:`_share` as *share*)
    stands for: a Fraction, a Decimal or an integer itself (``Fraction(1,
    6)`` is 1/6, not the float next to it), a float the decimal *share*
    prints as (``np.float32(0.7)`` is 7/10, as ``0.7`` is), an
    ``np.longdouble`` float64 does not hold the decimal it prints as.

    >>> _exact_share(fractions.Fraction(1, 6), 1 / 6)
    Fraction(1, 6)
    >>> _exact_share(np.float32(0.7), _share(np.float32(0.7), "potential"))
    Fraction(7, 10)
    """
    if isinstance(value, numbers.Rational | decimal.Decimal):
        return fractions.Fraction(value)
    exact = v.wide_number(value)  # np.longdouble float64 does not hold
    if isinstance(exact, decimal.Decimal):  # the decimal it prints as
        return fractions.Fraction(exact)
    return fractions.Fraction(repr(share))


def _answers(known: np.ndarray, values: np.ndarray) -> np.ndarray:
    """*values* where *known*, else ``None`` (an object array)."""
    out = np.full(len(values), None, dtype=object)
    out[known] = values[known]
    return out


def simulate_customers(
    transactions: pd.DataFrame,
    *,
    seed: int = 0,
    response_rate: float = 0.6,
    potential: float = 0.1,
    as_of: Any = None,
) -> pd.DataFrame:
    """Customer records to go with simulated transactions: survey answers,
    VIP flags, store visits, assets and intent, and potential customers.

    One row per customer of *transactions*, plus ``potential`` times as many
    potential customers as there are buyers: people with no purchase who
    showed interest or visited without buying. Their ids are new ones, never a buyer's: the whole
    numbers after the largest id (numeric ids), or ``P0000000``,
    ``P0000001``, ... after the largest id of that form (text ids; ``P0000000``
    when there is none). The answers follow the behaviour, as
    they do in a real base: frequent, recent buyers tend to be satisfied and
    likely to buy again and to recommend; but every answer is noisy, and
    only a *response_rate* share of customers answered the survey (the others'
    answers are missing, as they would be).

    Columns:

    * ``satisfaction``: ``very_dissatisfied`` .. ``very_satisfied`` (five
      levels) or missing;
    * ``repurchase``: stated probability of buying again, 0 to 1, or missing;
    * ``referral``: ``unlikely`` / ``possible`` / ``very_likely``, or missing;
    * ``nps``: "how likely are you to recommend us", 0 to 10, or missing;
    * ``vip``: a VIP card (about the top 5% by spend);
    * ``interested``: interest recorded (all potential customers, some others);
    * ``visits``: store visits, purchases included (potential customers may
      have visited without buying);
    * ``assets`` (a declared budget in the shop's currency) and ``intent``
      (0 to 1, staff's estimate), missing where nobody asked;
    * ``need``, ``motivation``, ``ability``, ``timing``: the four conversion
      factors for potential customers (``True`` / ``False`` / ``<NA>``, a
      pandas ``boolean`` column); missing for the customers of
      *transactions*.

    A customer of *transactions* with refunds only is not a buyer (no
    survey answers, not counted in the buyers *potential* is a share of),
    nor a potential customer (``interested`` drawn as for buyers, no
    conversion factors).

    Parameters
    ----------
    transactions
        The output of :func:`simulate_transactions` (columns ``customer_id``,
        ``date``, ``amount``).
    seed
        Random seed, a whole number >= 0; the same seed and transactions
        give the same rows.
    response_rate
        Share of customers who answered the survey, in [0, 1] (any real
        number type).
    potential
        Potential customers to add, as a share of the buyers, in [0, 1]
        (any real number type): the count is rounded half up from the
        share as given (``Fraction(1, 6)`` of 3 buyers is 1; a float32 read
        as the decimal it prints as: ``np.float32(0.7)`` is 0.7).
    as_of
        Reference day for recency (default: the day after the last
        transaction); no transaction may be later.

    Returns
    -------
    pandas.DataFrame
        One row per customer, ``customer_id`` first, buyers in id order, then
        the potential customers.

    Raises
    ------
    ThresholdError
        A parameter of the wrong type or out of its range, or
        *transactions* without the three columns.
    InputError
        An *as_of* that is not a date, transactions after it, bad
        transactions, or ids with no next
        one for the potential customers (e.g. tuples: pass
        ``potential=0``).

    Examples
    --------
    >>> tx = simulate_transactions(1000, seed=1)
    >>> cust = simulate_customers(tx, seed=1)
    >>> len(cust), list(cust.columns[:5])
    (1100, ['customer_id', 'satisfaction', 'repurchase', 'referral', 'nps'])
    >>> cust["satisfaction"].value_counts(dropna=False).sort_index().to_dict()
    {'dissatisfied': 55, 'neutral': 110, 'satisfied': 171, 'very_dissatisfied': 25, 'very_satisfied': 215, nan: 524}
    >>> cust.equals(simulate_customers(tx, seed=1))
    True

    Text ids: the potential customers' ids follow the largest ``P`` id.

    >>> tx["customer_id"] = tx["customer_id"].map("P{:07d}".format)
    >>> simulate_customers(tx, seed=1)["customer_id"].iloc[[999, 1000]].tolist()
    ['P0000999', 'P0001000']
    """
    seed = _seed(seed)
    rate = _share(response_rate, "response_rate")
    share = _share(potential, "potential")
    facts = _facts_of(transactions, as_of)
    # a stream of its own: the transactions' seed would repeat their draws
    rng = np.random.default_rng([seed, 1])
    ids = np.asarray(facts.customer_id)
    n = len(ids)
    # half up, from the share as given (0.1 of 25 buyers is 3); customers
    # with refunds only are not buyers
    n_buyers = int(np.count_nonzero(facts.frequency > 0))
    k = math.floor(_exact_share(potential, share) * n_buyers + fractions.Fraction(1, 2))
    total = n + k
    extra = _new_ids(ids, k) if k else ids[:0]
    frequency = np.concatenate((facts.frequency.astype(np.float64), np.zeros(k)))
    recency = np.concatenate((facts.recency_days, np.full(k, np.nan)))
    monetary = np.concatenate((facts.monetary, np.zeros(k)))
    buyer = frequency > 0
    # the potential customers added (customers of the transactions with
    # refunds only are customers, not potential ones: no conversion factors)
    prospect = np.arange(total) >= n

    # A latent "how well it goes" per customer: frequent and recent is good.
    engaged = np.where(
        buyer,
        0.6 * np.log1p(frequency) - np.nan_to_num(recency, nan=365.0) / 365.0,
        -0.5,
    )
    mood = engaged + rng.normal(0.0, 0.8, total)
    answered = rng.random(total) < rate

    sat_levels = np.array(
        [
            "very_dissatisfied",
            "dissatisfied",
            "neutral",
            "satisfied",
            "very_satisfied",
        ],
        dtype=object,
    )
    sat_code = np.digitize(mood, [-1.5, -0.8, 0.0, 0.9])
    satisfaction = _answers(answered & buyer, sat_levels[sat_code])

    stated = 1.0 / (1.0 + np.exp(-(1.5 * mood + rng.normal(0.0, 0.5, total))))
    repurchase = np.where(answered & buyer, np.round(stated, 2), np.nan)

    ref_levels = np.array(["unlikely", "possible", "very_likely"], dtype=object)
    ref_mood = mood + rng.normal(0.0, 0.6, total)
    ref_code = np.digitize(ref_mood, [0.0, 1.0])
    referral = _answers(answered & buyer, ref_levels[ref_code])
    nps_score = np.clip(np.round(6.5 + 2.2 * ref_mood), 0, 10)
    # masked explicitly: pd.array(floats, dtype="Int64") would keep NaN as a
    # value under pandas' future.distinguish_nan_and_na option
    nps = pd.arrays.IntegerArray(nps_score.astype(np.int64), ~(answered & buyer))

    top = np.quantile(monetary[buyer], 0.95) if buyer.any() else np.inf
    vip = buyer & (monetary >= top) & (rng.random(total) < 0.9)
    interested = prospect | (rng.random(total) < 0.2)
    browse = rng.poisson(np.where(prospect, 1.5, 1.0), total)
    visits = (frequency + browse).astype(np.int64)

    asked = rng.random(total) < 0.7
    assets = np.round(
        np.where(buyer, np.maximum(monetary, 1.0), 200.0)
        * rng.lognormal(0.5, 0.7, total),
        -1,
    )
    assets = np.where(asked, assets, np.nan)
    intent = np.where(
        asked, np.round(np.clip(stated + rng.normal(0, 0.2, total), 0, 1), 2), np.nan
    )

    factors: dict[str, Any] = {}
    for name, p_yes in (
        ("need", 0.7),
        ("motivation", 0.55),
        ("ability", 0.6),
        ("timing", 0.4),
    ):
        known = prospect & (rng.random(total) < 0.85)
        yes = rng.random(total) < p_yes
        answer = pd.array(yes, dtype="boolean")
        answer[~known] = pd.NA
        factors[name] = answer

    return pd.DataFrame(
        {
            "customer_id": np.concatenate((ids, extra)) if k else ids,
            "satisfaction": satisfaction,
            "repurchase": repurchase,
            "referral": referral,
            "nps": nps,
            "vip": vip,
            "interested": interested,
            "visits": visits,
            "assets": assets,
            "intent": intent,
            **factors,
        }
    )


def simulate_contacts(
    transactions: pd.DataFrame,
    *,
    seed: int = 0,
    as_of: Any = None,
) -> pd.DataFrame:
    """Contact records to go with simulated transactions: one row per contact
    between the shop and a customer, in date order.

    Each buyer's first purchase is a ``sale`` contact. After it, the shop
    keeps one of Kotler's five kinds of relationship with the customer,
    drawn per customer (about 40% basic, 25% reactive, 20% accountable, 12%
    proactive, 3% partnership), and the contacts follow it: customers call
    with questions or complaints (``initiator="customer"``); the company
    follows up a few days after the sale (``follow_up``), sends suggestions
    and new products (``suggestion``, ``new_product``) or works on joint projects
    (``joint_project``). Contacts after *as_of* are not generated.

    Parameters
    ----------
    transactions
        The output of :func:`simulate_transactions`.
    seed
        Random seed, a whole number >= 0; the same seed and transactions
        give the same rows.
    as_of
        Reference day (default: the day after the last transaction); no
        transaction may be later.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``date`` (datetime64[s]), ``initiator``
        (``customer`` / ``company``) and ``kind`` (``sale``, ``complaint``,
        ``inquiry``, ``follow_up``, ``suggestion``, ``new_product``,
        ``joint_project``: the kinds :func:`custseg.relationship.contact_summary`
        reads).

    Raises
    ------
    ThresholdError
        A *seed* that is not a whole number >= 0, or *transactions* without
        the three columns.
    InputError
        An *as_of* that is not a date, transactions after it, or bad
        transactions.

    Examples
    --------
    >>> tx = simulate_transactions(1000, seed=1)
    >>> contacts = simulate_contacts(tx, seed=1)
    >>> list(contacts.columns)
    ['customer_id', 'date', 'initiator', 'kind']
    >>> contacts["kind"].value_counts().to_dict()["sale"]
    1000
    """
    seed = _seed(seed)
    facts = _facts_of(transactions, as_of)
    # a stream of its own: the transactions' seed would repeat their draws
    rng = np.random.default_rng([seed, 2])
    ids = np.asarray(facts.customer_id)
    buyer = facts.frequency > 0
    ids = ids[buyer]
    first = facts.first_purchase[buyer].astype("datetime64[D]")
    span = facts.tenure_days[buyer]
    n = len(ids)
    kind_of = rng.choice(5, size=n, p=[0.40, 0.25, 0.20, 0.12, 0.03])
    rows_c: list[np.ndarray] = [np.arange(n)]
    rows_d: list[np.ndarray] = [np.zeros(n)]
    rows_i: list[np.ndarray] = [np.full(n, "company", dtype=object)]
    rows_k: list[np.ndarray] = [np.full(n, "sale", dtype=object)]

    def add(
        who: np.ndarray, count: np.ndarray, days: Any, initiator: str, kinds: Any
    ) -> None:
        c = np.repeat(who, count)
        if not len(c):
            return
        d = days(c)
        rows_c.append(c)
        rows_d.append(d)
        rows_i.append(np.full(len(c), initiator, dtype=object))
        rows_k.append(
            kinds(len(c)) if callable(kinds) else np.full(len(c), kinds, dtype=object)
        )

    everyone = np.arange(n)
    # customers call with questions and complaints, whatever the relationship
    # (basic: never; the others: a few times)
    calls = np.where(kind_of == 0, 0, rng.poisson(1.2, n))
    add(
        everyone,
        calls,
        lambda c: rng.uniform(0, 1, len(c)) * span[c],
        "customer",
        lambda m: np.where(rng.random(m) < 0.3, "complaint", "inquiry").astype(object),
    )
    # accountable and above: a follow-up within a week of the sale
    up = everyone[kind_of >= 2]
    add(
        up,
        np.ones(len(up), dtype=np.int64),
        lambda c: rng.uniform(1, 7, len(c)),
        "company",
        "follow_up",
    )
    # proactive and partnership: new products and suggestions, several times
    pro = everyone[kind_of >= 3]
    add(
        pro,
        2 + rng.poisson(2.0, len(pro)),
        lambda c: rng.uniform(0, 1, len(c)) * span[c],
        "company",
        lambda m: np.where(rng.random(m) < 0.4, "suggestion", "new_product").astype(
            object
        ),
    )
    # partnership: joint projects over months
    par = everyone[kind_of == 4]
    add(
        par,
        3 + rng.poisson(3.0, len(par)),
        lambda c: rng.uniform(0, 1, len(c)) * span[c],
        "company",
        "joint_project",
    )
    c = np.concatenate(rows_c)
    d = np.concatenate(rows_d)
    d = np.minimum(np.floor(d), np.maximum(span[c] - 1, 0))
    date = (first[c] + d.astype(np.int64)).astype("datetime64[s]")
    initiator = np.concatenate(rows_i)
    kind = np.concatenate(rows_k)
    order = np.lexsort((kind.astype(str), c, date))
    return pd.DataFrame(
        {
            "customer_id": ids[c][order],
            "date": date[order],
            "initiator": initiator[order],
            "kind": kind[order],
        }
    )
