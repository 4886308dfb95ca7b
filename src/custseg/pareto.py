"""ABC classes and Pareto (80/20) concentration figures.

ABC rule
--------
Sort customers by value, highest first. A customer's *preceding share* is the
share of the total held by customers with a strictly higher value (``basis=
"value"``) or the share of customers with a strictly higher value (``basis=
"rank"``). A customer is class A when that preceding share is below the first
cutoff, B when it is below the second, C otherwise. So A is the smallest top
group whose share *reaches* the first cutoff: the boundary customer, whose own
value carries the cumulative share across 80%, is in A; equal values share a
class; the result does not depend on row order.

Values of zero or less bring nothing: they are always class C and do not count
in the total (``basis="value"``); they do count as customers for ``basis="rank"``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_index
from ._exact import (
    decimal_scale,
    exact_share_below,
    order_free_sums,
    printed_wholes,
)
from .errors import InputError, ThresholdError
from .labels import Labels

__all__ = [
    "AbcCutoffs",
    "AbcEdges",
    "ParetoSummary",
    "abc_classes",
    "abc_edges",
    "lorenz_curve",
    "pareto_summary",
]

ABC_NAMES = ("A", "B", "C")
UNKNOWN = "unknown"
Basis = Literal["value", "rank"]


class _ByBasis:
    """The default of :class:`AbcCutoffs`' *a* and *b*: the basis' own
    (:data:`DEFAULT_CUTOFFS`), known once the basis is."""

    def __repr__(self) -> str:
        return "<the basis' default>"


_BY_BASIS: Any = _ByBasis()


def _a(value: Any) -> float:
    return value if value is _BY_BASIS else v.number_param(value, "a")


def _b(value: Any) -> float:
    return value if value is _BY_BASIS else v.number_param(value, "b")


#: the default cut-offs (a, b) of each basis
DEFAULT_CUTOFFS = {"value": (0.8, 0.95), "rank": (0.2, 0.5)}


def _a_min(value: Any) -> float:
    return v.number_param(value, "a_min")


def _b_min(value: Any) -> float:
    return v.number_param(value, "b_min")


def _basis(value: Any) -> str:
    return v.choice(value, "basis", ("value", "rank"))


def _check_share(name: str, x: float, lo_open: float = 0.0) -> None:
    if not v._is_real(x):  # not a bool, nor a np.timedelta64
        raise ThresholdError(
            f"{name!r} must be a number in ({lo_open}, 1]: got {type(x).__name__} {v.describe(x)}"
        )
    if not (lo_open < x <= 1.0):
        raise ThresholdError(f"{name!r} must be in ({lo_open}, 1]: got {v.describe(x)}")


@attrs.frozen
class AbcCutoffs:
    """Cumulative-share cutoffs for ABC classes.

    Parameters
    ----------
    a
        A holds the top customers up to this share (default 0.8 of the
        value; 0.2 of the customers with ``basis="rank"``).
    b
        B holds the next ones up to this share (default 0.95; 0.5 with
        ``basis="rank"``).
    basis
        ``"value"``: shares of the total value; ``"rank"``: shares of the
        number of customers.

    Examples
    --------
    >>> AbcCutoffs()
    AbcCutoffs(a=0.8, b=0.95, basis='value')
    >>> AbcCutoffs(basis="rank")
    AbcCutoffs(a=0.2, b=0.5, basis='rank')
    >>> AbcCutoffs(a=0.9, b=0.8)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'b' must be > 'a' (0.9): got 0.8
    """

    # _BY_BASIS: the basis' default (DEFAULT_CUTOFFS), set once it is known
    a: float = attrs.field(default=_BY_BASIS, converter=_a)
    b: float = attrs.field(default=_BY_BASIS, converter=_b)
    basis: Basis = attrs.field(default="value", converter=_basis)

    def __attrs_post_init__(self) -> None:
        defaults = DEFAULT_CUTOFFS[self.basis]
        given = {"a": self.a is not _BY_BASIS, "b": self.b is not _BY_BASIS}
        for name, x, default in zip("ab", (self.a, self.b), defaults, strict=True):
            if x is _BY_BASIS:
                object.__setattr__(self, name, default)
        _check_share("a", self.a)
        _check_share("b", self.b)
        if self.b <= self.a:
            whose = {
                name: ("" if given[name] else f" (the default of basis={self.basis!r})")
                for name in "ab"
            }
            raise ThresholdError(
                f"'b'{whose['b']} must be > 'a'{whose['a']} ({self.a}): got "
                f"{self.b}" + ("" if all(given.values()) else ": give both a and b")
            )


@attrs.frozen
class AbcEdges:
    """Value thresholds fitted by :func:`abc_edges`: A if ``value >= a_min``,
    B if ``value >= b_min``, else C (values <= 0 are always C). Values are
    compared with them exactly: a :class:`~decimal.Decimal` that float64
    rounds onto a threshold stays on its own side of it.

    Parameters
    ----------
    a_min
        The smallest value of class A (a finite number > 0).
    b_min
        The smallest value of class B (a finite number > 0 and <= *a_min*).

    Raises
    ------
    ThresholdError
        A threshold that is not a number, not above 0 (NaN too) or not
        finite (``inf``, which no value reaches), or *b_min* above *a_min*.

    Examples
    --------
    >>> edges = AbcEdges(a_min=500.0, b_min=100.0)
    >>> abc_classes([800, 120, 5], edges=edges).to_numpy().tolist()
    ['A', 'B', 'C']
    >>> AbcEdges(a_min=float("inf"), b_min=100.0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'a_min' must be a finite number: got inf
    """

    a_min: float = attrs.field(converter=_a_min, repr=_display.number_repr)
    b_min: float = attrs.field(converter=_b_min, repr=_display.number_repr)

    def __attrs_post_init__(self) -> None:
        for name, x in (("a_min", self.a_min), ("b_min", self.b_min)):
            if not x > 0:
                raise ThresholdError(f"{name!r} must be > 0: got {x}")
            if not np.isfinite(x):  # no value reaches it: its class would be empty
                raise ThresholdError(f"{name!r} must be a finite number: got {x}")
        if self.b_min > self.a_min:
            raise ThresholdError(
                f"'b_min' must be <= 'a_min' ({self.a_min}): got {self.b_min}"
            )

    def _repr_html_(self) -> str:
        fmt = _display.format_value
        return _display.html_table(
            "AbcEdges: value thresholds",
            ["class", "value"],
            [
                ["A", f">= {fmt(self.a_min)}"],
                ["B", f">= {fmt(self.b_min)}"],
                ["C", f"< {fmt(self.b_min)}, and every value <= 0"],
            ],
        )


def _values(values: Any, nan: str) -> np.ndarray:
    v.choice(nan, "nan", ("raise", "unknown"))
    return v.as_numeric(values, "values", nan="allow" if nan == "unknown" else "raise")


def abc_edges(values: Any, cutoffs: AbcCutoffs | None = None) -> AbcEdges:
    """Fit the value thresholds of ABC classes on a customer base.

    Parameters
    ----------
    values
        One value per customer (revenue, margin). NaN values are ignored.
    cutoffs
        Shares and basis; default ``AbcCutoffs()`` (80% / 95% of value).

    Returns
    -------
    AbcEdges
        Apply them with :func:`abc_classes` (``edges=``) to this or another base.

    Raises
    ------
    InputError
        When no value is positive (there is nothing to rank).

    Examples
    --------
    Value 50 + 30 = 80 reaches 80%; 20 is preceded by exactly 80%, so it is B:

    >>> abc_edges([50, 30, 20, 0])
    AbcEdges(a_min=30.0, b_min=20.0)
    >>> abc_edges([50, 30, 20, 0], AbcCutoffs(0.25, 0.5, basis="rank"))
    AbcEdges(a_min=50.0, b_min=30.0)
    """
    cutoffs = AbcCutoffs() if cutoffs is None else cutoffs
    if not isinstance(cutoffs, AbcCutoffs):
        raise ThresholdError(
            f"'cutoffs' must be an AbcCutoffs: got {type(cutoffs).__name__} "
            f"{v.describe(cutoffs)} (abc_classes takes a pair of shares)"
        )
    # each value as the largest double abc_classes compares it at or above
    # (a decimal float64 rounds up onto a_min would be below it compared)
    arr = v.exact_doubles(values, v.as_numeric(values, "values", nan="allow"), "floor")
    known = arr[~np.isnan(arr)]
    pos = known[known > 0]
    if not len(pos):
        raise InputError(
            "values",
            "has no positive value, so there is nothing to split into A, B and C",
            fix="pass revenue or margin per customer with at least one positive value",
        )
    uniq, counts = np.unique(pos, return_counts=True)
    uniq, counts = uniq[::-1], counts[::-1]  # highest first
    if cutoffs.basis == "value":
        with np.errstate(over="ignore"):
            weight = uniq * counts
            total = weight.sum()
        if not np.isfinite(total):  # sums beyond float range: rescale (same shares)
            with np.errstate(under="ignore"):  # tiny shares are 0, whatever seterr says
                weight = (uniq / uniq[0]) * counts
            total = weight.sum()
    else:
        weight = counts.astype(np.float64)
        total = float(len(known))
    in_a, in_b = _below_cutoffs(uniq, counts, cutoffs, len(known)) or (None, None)
    if in_a is None or in_b is None:
        with np.errstate(under="ignore"):
            preceding = (np.cumsum(weight) - weight) / total
        each = uniq if cutoffs.basis == "value" else np.ones_like(uniq)
        in_a = _settled(preceding, cutoffs.a, each, counts)
        in_b = _settled(preceding, cutoffs.b, each, counts)
    return AbcEdges(a_min=uniq[in_a][-1], b_min=uniq[in_b][-1])


#: preceding shares (in floats) this close to a cutoff are compared exactly
_NEAR = 1e-9


def _settled(
    preceding: np.ndarray, share: float, each: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """``preceding < share``, from float shares of the weights ``each *
    counts`` (highest value first), with the values whose share
    is within :data:`_NEAR` of *share* compared exactly: each value read as
    the decimal it prints as, in Python ints at the finest decimal place
    among them (:func:`~custseg._exact.printed_wholes`; values of many
    decimal places, or sums past int64, which :func:`_below_cutoffs` does
    not take: a value preceded by exactly 70% is B in any unit, 7, 3 as
    7e-09, 3e-09).

    >>> v = np.array([6e-09, 3e-09])  # 6e-09 twice, then 3e-09
    >>> _settled(np.array([0.0, 0.8]), 0.8, v, np.array([2, 1])).tolist()
    [True, False]
    """
    below = preceding < share
    near = np.flatnonzero(np.abs(preceding - share) <= _NEAR)
    if not len(near):
        return below
    wholes, _ = printed_wholes(each)
    weights = [m * c for m, c in zip(wholes, counts.tolist(), strict=True)]
    cum = np.cumsum(np.array(weights, dtype=object))  # Python ints
    frac = Fraction(repr(float(share)))  # the decimal it prints as
    total = int(cum[-1])
    for i in near.tolist():
        before = int(cum[i]) - weights[i]
        below[i] = before * frac.denominator < frac.numerator * total
    return below


def _below_cutoffs(
    uniq: np.ndarray, counts: np.ndarray, cutoffs: AbcCutoffs, n_known: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Whether each value's preceding share is below *a* and *b*, exactly:
    for decimal values (see :mod:`custseg._exact`) as whole numbers of their
    last place, so that a value preceded by exactly 80% is B in any unit
    (0.05, 0.03, 0.02 as 50, 30, 20); for ranks as counts of the *n_known*
    customers. None when the values are not decimals of few places, or the
    sums pass int64."""
    if cutoffs.basis == "rank":
        weight = counts.astype(np.int64)
    else:
        scale = decimal_scale(uniq)
        if scale is None:
            return None
        ints = np.rint(uniq * scale)
        if float(np.dot(ints, counts)) >= 2**62:
            return None
        weight = ints.astype(np.int64) * counts
    cum = np.cumsum(weight)
    preceding = cum - weight
    total = n_known if cutoffs.basis == "rank" else int(cum[-1])
    in_a = exact_share_below(preceding, total, cutoffs.a)
    in_b = exact_share_below(preceding, total, cutoffs.b)
    if in_a is None or in_b is None:
        return None
    return in_a, in_b


def abc_classes(
    values: Any,
    cutoffs: tuple[float, float] | AbcCutoffs | None = None,
    basis: Basis | None = None,
    *,
    edges: AbcEdges | None = None,
    nan: Literal["raise", "unknown"] = "raise",
) -> Labels:
    """ABC class of each customer: A (key), B (main), C (ordinary).

    Parameters
    ----------
    values
        One value per customer (revenue, margin).
    cutoffs
        ``(a, b)`` cumulative shares, or an :class:`AbcCutoffs` (shares and
        basis, as :func:`segment`'s *abc_cutoffs* takes); default ``(0.8,
        0.95)`` for ``basis="value"`` and ``(0.2, 0.5)`` for ``basis="rank"``.
    basis
        ``"value"`` (share of total value; the default) or ``"rank"`` (share
        of customers). With an :class:`AbcCutoffs`, its own basis; a
        different *basis* beside it is a :class:`~custseg.ThresholdError`.
    edges
        Value thresholds fitted earlier (:func:`abc_edges`); not with
        *cutoffs* or a *basis* other than ``"value"`` (a
        :class:`~custseg.ThresholdError`: they would be ignored). Values are compared with them
        exactly (a ``Decimal`` that float64 rounds onto a threshold stays on
        its side; see :class:`AbcEdges`).
    nan
        ``"raise"`` (default) or ``"unknown"``: NaN values get the label
        ``"unknown"`` (listed after C); when every value is NaN (and no
        *edges* are given), every row is unknown, nothing being known to fit.
        No values at all (a filtered segment that came out empty) give
        labels of no row.

    Returns
    -------
    Labels
        Names ``("A", "B", "C")`` (plus ``"unknown"``), ordered. A value
        <= 0 is always C; when no value is above 0 (a segment of refunds or
        zero spends) there is nothing to split, and every value is C (NaN
        ``"unknown"``), as :func:`segment` classes such customers.

    Raises
    ------
    InputError
        Values that are not numbers; NaN with ``nan="raise"``.
    ThresholdError
        Bad *cutoffs*, *basis*, *edges* or *nan* (checked whatever the
        values).

    Examples
    --------
    >>> abc_classes([50, 30, 20, 0]).to_numpy().tolist()
    ['A', 'A', 'B', 'C']
    >>> abc_classes([50, 30, 20, 0], (0.25, 0.5), basis="rank").to_numpy().tolist()
    ['A', 'B', 'C', 'C']
    >>> abc_classes([50, float("nan")], nan="unknown").to_numpy().tolist()
    ['A', 'unknown']
    >>> abc_classes([50, 30, 20, 0], AbcCutoffs(basis="rank")).to_numpy().tolist()
    ['A', 'B', 'C', 'C']

    Nothing above 0, nothing to split:

    >>> abc_classes([0.0, -20.0, float("nan")], nan="unknown").to_numpy().tolist()
    ['C', 'C', 'unknown']
    """
    if basis is not None:
        v.choice(basis, "basis", ("value", "rank"))
    if isinstance(cutoffs, AbcCutoffs):
        if basis is not None and basis != cutoffs.basis:
            raise ThresholdError(
                f"basis={basis!r} is given with cutoffs of basis "
                f"{cutoffs.basis!r}: give the basis once, in the AbcCutoffs "
                f"(AbcCutoffs({cutoffs.a!r}, {cutoffs.b!r}, basis={basis!r}))"
            )
        basis = cutoffs.basis
        cutoffs = (cutoffs.a, cutoffs.b)
    if basis is None:
        basis = "value"
    if cutoffs is not None and (
        not isinstance(cutoffs, tuple | list) or len(cutoffs) != 2
    ):
        raise ThresholdError(
            f"'cutoffs' must be a pair (a, b) of shares: got {v.describe(cutoffs)}"
        )
    if edges is not None and (cutoffs is not None or basis != "value"):
        given = "'cutoffs'" if cutoffs is not None else f"basis={basis!r}"
        raise ThresholdError(
            f"{given} is given with 'edges', which are fixed value thresholds: "
            "it would be ignored; give one, not both (abc_edges(values, "
            "cutoffs, basis=...) fits the edges that cutoffs give)"
        )
    if edges is not None and not isinstance(edges, AbcEdges):
        raise ThresholdError(f"'edges' must be an AbcEdges: got {type(edges).__name__}")
    arr = _values(values, nan)
    if edges is None:
        # fitted on these values as read (decimals as the largest double at
        # or below them): classed as read, so the shares hold, and as
        # abc_classes(values, edges=abc_edges(values)) classes them
        fit = AbcCutoffs(
            *(DEFAULT_CUTOFFS[basis] if cutoffs is None else cutoffs), basis
        )
        arr = v.exact_doubles(values, arr, "floor")
        # no value above 0 (no customer, a filtered segment of refunds or
        # zero spends, or nothing known): nothing to split, and every value
        # is C by the rule (value <= 0 is C), as segment() classes them
        if np.any(arr > 0):
            edges = abc_edges(arr, fit)
    else:
        arr = v.exact_sides(
            values, arr, (edges.a_min, edges.b_min), move="down", field="values"
        )
        arr = arr.astype(np.float64, copy=False)
    codes = np.full(len(arr), 2, dtype=np.int8)
    if edges is not None:
        codes[arr >= edges.b_min] = 1
        codes[arr >= edges.a_min] = 0
    names: tuple[str, ...] = ABC_NAMES
    if nan == "unknown":
        codes[np.isnan(arr)] = 3
        names = (*ABC_NAMES, UNKNOWN)
    return Labels(
        codes, names, ordered=True, index=common_index(values=values), name="abc"
    )


def lorenz_curve(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Points of the Lorenz curve: share of customers (poorest first) against
    their share of the total value, from (0, 0) to (1, 1).

    Negative values count as 0.

    Parameters
    ----------
    values
        One value per customer (revenue, margin).

    Returns
    -------
    tuple of numpy.ndarray
        ``(x, y)``, two float64 arrays of ``n + 1`` points for ``n`` customers:
        ``x`` the share of customers (0, 1/n, ..., 1) and ``y`` their share of
        the total value, customers sorted poorest first.

    Raises
    ------
    InputError
        No positive total (no values, or none above 0): there is no curve.

    Examples
    --------
    >>> x, y = lorenz_curve([10, 0, 30])
    >>> x.round(3).tolist(), y.tolist()
    ([0.0, 0.333, 0.667, 1.0], [0.0, 0.0, 0.25, 1.0])
    """
    arr = np.sort(np.clip(v.as_numeric(values, "values").astype(np.float64), 0, None))
    n = len(arr)
    with np.errstate(over="ignore"):
        overflow = bool(n) and not np.isfinite(arr.sum())
    if overflow:  # sums beyond float range: rescale
        with np.errstate(under="ignore"):  # tiny shares are 0, whatever seterr says
            arr = arr / arr[-1]
    scale = decimal_scale(arr)
    if scale is not None:  # decimals of few places: summed exactly, as the
        # whole numbers of their last place (100,000 x 0.07 is 7,000.00, not
        # 6,999.999999999; the shares at whole customers are then exact)
        arr = np.rint(arr * scale)
    cum = np.cumsum(arr)
    # the total is the sorted running sum's last value, so the curve does not
    # depend on row order, not even in the last bit
    total = cum[-1] if n else 0.0
    if n == 0 or total <= 0:
        raise InputError(
            "values",
            "has no positive total, so there is no Lorenz curve",
            fix="pass values with at least one positive entry",
        )
    with np.errstate(under="ignore"):
        y = np.concatenate(([0.0], cum / total))
    x = np.arange(n + 1) / n
    return x, y


@attrs.frozen
class ParetoSummary:
    """Concentration of value across customers (see :func:`pareto_summary`).

    Attributes
    ----------
    n_customers
        Number of customers.
    n_nonpositive
        Customers with value <= 0 (counted as 0).
    total
        Sum of the positive values.
    value_share
        The value share asked about (default 0.8).
    customers_for_value_share
        Smallest share of customers (top first) that holds *value_share* of the
        total, interpolated on the Lorenz curve.
    customer_share
        The customer share asked about (default 0.2).
    value_of_top_customers
        Share of the total held by the top *customer_share* of customers.
    gini
        Gini coefficient, 0 (equal) to 1 - 1/n (one customer has all).
    """

    n_customers: int
    n_nonpositive: int
    total: float
    value_share: float
    customers_for_value_share: float
    customer_share: float
    value_of_top_customers: float
    gini: float

    def __repr__(self) -> str:
        share = _display.share
        return _display.short_repr(
            "ParetoSummary",
            n=self.n_customers,
            noun="customers",
            notes=[
                f"{share(self.customers_for_value_share, 1)} of customers hold "
                f"{share(self.value_share, 1)} of the value",
                f"top {share(self.customer_share, 1)} hold "
                f"{share(self.value_of_top_customers, 1)}",
                f"gini={_display.rounded(self.gini, 3)}",
            ],
        )

    def _repr_html_(self) -> str:
        share = _display.share
        return _display.html_table(
            f"ParetoSummary: {self.n_customers} customers",
            ["", "value"],
            [
                [
                    f"share of customers holding {share(self.value_share, 1)} "
                    "of the value",
                    share(self.customers_for_value_share, 1),
                ],
                [
                    f"share of the value held by the top "
                    f"{share(self.customer_share, 1)}",
                    share(self.value_of_top_customers, 1),
                ],
                ["Gini coefficient", _display.Raw(_display.rounded(self.gini, 3))],
                ["total of the positive values", self.total],
                ["customers with value <= 0", self.n_nonpositive],
            ],
        )


def pareto_summary(
    values: Any, *, value_share: float = 0.8, customer_share: float = 0.2
) -> ParetoSummary:
    """How concentrated the value is: the 80/20 figures and the Gini coefficient.

    Figures between customers are interpolated linearly on the Lorenz curve
    (:func:`lorenz_curve`), so they are exact at whole customers and do not
    depend on ties or row order. Values <= 0 count as 0 and are reported in
    ``n_nonpositive``.

    Parameters
    ----------
    values
        One value per customer (revenue, margin).
    value_share
        The share of the value asked about: which share of customers makes
        it (default 0.8, the "80" of 80/20).
    customer_share
        The top share of customers whose share of the value is reported
        (default 0.2).

    Returns
    -------
    ParetoSummary
        ``customers_for_value_share`` (the share of customers, richest first,
        that makes *value_share* of the value), ``value_of_top_customers`` (the
        share of the value the top *customer_share* of customers make),
        ``gini``, and the counts they are read from (``n_customers``,
        ``n_nonpositive``, ``total``).

    Examples
    --------
    >>> s = pareto_summary([80, 5, 5, 5, 5])
    >>> s.customers_for_value_share, s.value_of_top_customers, round(s.gini, 2)
    (0.2, 0.8, 0.6)
    """
    _check_share("value_share", value_share)
    _check_share("customer_share", customer_share)
    # as plain floats; a float32 share (0.8 of a float32 column) as printed
    value_share = v.number_param(value_share, "value_share")
    customer_share = v.number_param(customer_share, "customer_share")
    arr = v.as_numeric(values, "values").astype(np.float64)
    x, y = lorenz_curve(arr)
    # top share s of customers holds 1 - L(1 - s)
    top_value = float(1.0 - np.interp(1.0 - customer_share, x, y))
    # The smallest s with 1 - L(1 - s) >= value_share, i.e. the largest x with
    # L(x) <= 1 - value_share. L is strictly increasing past its leading flat
    # zeros, so the segment is the one after the last point at or below target.
    target = 1.0 - value_share
    # (a target that rounds to 1 is at the last segment)
    i = min(int(np.searchsorted(y, target, side="right")), len(y) - 1)
    y0, y1 = y[i - 1], y[i]
    with np.errstate(under="ignore"):  # tiny areas are 0, whatever seterr says
        cut_x = float(x[i - 1] + (x[i] - x[i - 1]) * (target - y0) / (y1 - y0))
        gini = float(1.0 - np.sum(np.diff(x) * (y[1:] + y[:-1])))
    # (never below 0: equal values sum to 1 up to its last bits)
    gini = max(0.0, round(gini, 12))
    with np.errstate(over="ignore"):  # the same total in any row order:
        # decimals of few places (cents) as their decimal sum (0.1 + 0.2 is
        # 0.3, as summarize and segment_summary total them), else exact
        positive = np.clip(arr, 0, None)
        total = float(order_free_sums(positive, np.zeros(len(arr), np.intp), 1)[0])
    if not np.isfinite(total):
        raise InputError(
            "values",
            "has values whose total passes what float64 holds (about 1.8e308)",
            fix="scale them down (e.g. to thousands); the shares do not change",
        )
    return ParetoSummary(
        n_customers=len(arr),
        n_nonpositive=int(np.count_nonzero(arr <= 0)),
        total=total,
        value_share=value_share,
        customers_for_value_share=round(1.0 - cut_x, 12),
        customer_share=customer_share,
        value_of_top_customers=round(top_value, 12),
        gini=gini,
    )


def spend_pareto(monetary: Any) -> ParetoSummary | None:
    """:func:`pareto_summary` of every customer's net spend, as the printed
    report and the HTML page show it (customers without a purchase count with
    spend 0); None when no customer spent anything.

    The values are divided by their largest first: the shares and the Gini
    do not depend on the scale, and huge amounts cannot overflow the sums.

    >>> spend_pareto([80.0, 10.0, 10.0, 0.0, 0.0]).n_nonpositive
    2
    >>> spend_pareto([0.0, -5.0]) is None
    True
    """
    values = np.nan_to_num(np.asarray(monetary, dtype=np.float64), nan=0.0)
    if not len(values) or not (values > 0).any():
        return None
    return pareto_summary(values / np.nanmax(values))
