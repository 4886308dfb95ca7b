"""Exact sums and shares of decimal amounts, whatever the order of the rows.

Amounts are decimals (``19.99``, ``0.1``) stored as the nearest binary
double. Adding such doubles rounds at every step, so the same amounts in
another row order can sum to another double (``0.1 + 0.2 + 0.3`` is
``0.6000000000000001``, ``0.3 + 0.2 + 0.1`` is ``0.6``), and a customer can
change score, class or segment with the row order.

When every amount is a decimal of few places, ``amount * 10**d`` rounds to
an integer that stands for it exactly, and integers add exactly in float64
while every partial sum stays below 2**53. So the sum is computed on those
integers and divided once: the correctly rounded decimal sum, the same for
every row order. :func:`decimal_scale` finds ``10**d`` (or says there is
none). Other amounts (many digits, ``1/3``, or sums too large for the
integers to stay exact) are added by :func:`ordered_sums` in ascending order
of value: not the correctly rounded sum, but the same one for every row
order.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "decimal_scale",
    "decimal_sums",
    "exact_share_below",
    "order_free_sums",
    "ordered_sum",
    "ordered_sums",
]

#: Rows per pass of the check (its temporaries stay in the cache).
CHUNK = 1 << 16
#: The powers of ten tried, fewest places first.
SCALES = (1, 100, 10_000, 10**6, 10**8)
#: Sums of integers below this are exact in float64 (with room to spare).
_EXACT = 2**52


def decimal_scale(values: np.ndarray) -> int | None:
    """The smallest power of ten of :data:`SCALES` that makes every value an
    integer exactly (``fl(round(x * s) / s) == x``) with the sum of their
    magnitudes below 2**52, or None.

    Examples
    --------
    >>> decimal_scale(np.array([19.99, -5.0, 0.1]))
    100
    >>> decimal_scale(np.array([3.0, 4.0])), decimal_scale(np.array([1 / 3]))
    (1, None)
    """
    if values.dtype.kind != "f" or not len(values):
        return None
    scales = list(SCALES)
    buf = np.empty(min(len(values), CHUNK), dtype=np.float64)
    back = np.empty_like(buf)
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: no scale
        return _first_scale(values, scales, buf, back)


def _first_scale(
    values: np.ndarray, scales: list[int], buf: np.ndarray, back: np.ndarray
) -> int | None:
    """:func:`decimal_scale`'s pass, a chunk at a time, restarted with the
    next scale when a chunk does not fit the current one."""
    magnitude, start = 0.0, 0
    while start < len(values) and scales:
        part = values[start : start + CHUNK]
        n = len(part)
        t, b = buf[:n], back[:n]
        np.multiply(part, scales[0], out=t)
        np.rint(t, out=t)
        np.divide(t, scales[0], out=b)
        if not np.array_equal(b, part):  # NaN, inf or more places: a larger scale
            scales.pop(0)
            start, magnitude = 0, 0.0
            continue
        np.abs(t, out=t)
        magnitude += float(t.sum())
        if magnitude >= _EXACT:
            return None  # larger scales only make it larger
        start += n
    return scales[0] if scales else None


def decimal_sums(
    values: np.ndarray, codes: np.ndarray, size: int, scale: int
) -> np.ndarray:
    """Per-code sums of decimal *values* (``scale`` from :func:`decimal_scale`),
    exact and correctly rounded: the same whatever the order of the rows.

    The scaled integers are made an eighth of the rows at a time (memory: a
    byte a row), each eighth counted by one ``bincount``.

    Examples
    --------
    >>> a = np.array([0.1, 0.2, 0.3, 5.0])
    >>> decimal_sums(a, np.array([0, 0, 0, 1]), 2, 100).tolist()
    [0.6, 5.0]
    >>> decimal_sums(a[[2, 1, 0, 3]], np.array([0, 0, 0, 1]), 2, 100).tolist()
    [0.6, 5.0]
    """
    n = len(values)
    step = max(CHUNK, -(-n // 8))
    sums = np.zeros(size, dtype=np.float64)
    buf = np.empty(min(n, step), dtype=np.float64)
    for start in range(0, n, step):
        part = values[start : start + step]
        t = buf[: len(part)]
        np.multiply(part, scale, out=t)
        np.rint(t, out=t)
        # integers below 2**53 add exactly, in any order
        sums += np.bincount(codes[start : start + step], weights=t, minlength=size)
    sums /= scale
    return sums


def ordered_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per-code sums of float *values*, each code's values added in
    ascending order of value: the same sums for every order of the rows
    (the fallback of :func:`decimal_sums` for amounts that are not decimals
    of few places; it costs a sort).

    Equal values are interchangeable, so the sort needs no tie rule; the
    sums start at ``+0.0``, so ``-0.0`` and ``0.0`` cannot change a sign.

    Examples
    --------
    >>> a = np.array([1e16, 1.0, -1e16, 1.0])
    >>> ordered_sums(a, np.zeros(4, dtype=np.intp), 1).tolist()
    [0.0]
    >>> ordered_sums(a[::-1].copy(), np.zeros(4, dtype=np.intp), 1).tolist()
    [0.0]
    """
    order = np.argsort(values)
    return np.bincount(codes[order], weights=values[order], minlength=size)


def order_free_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per-code sums of float *values* that do not depend on the order of the
    rows: exact for decimals of few places (:func:`decimal_sums`), else
    :func:`ordered_sums`.

    Examples
    --------
    >>> order_free_sums(np.array([0.1, 0.2, 0.3]), np.zeros(3, dtype=np.intp), 1)
    array([0.6])
    """
    scale = decimal_scale(values)
    if scale is None:
        return ordered_sums(values, codes, size)
    return decimal_sums(values, codes, size, scale)


def ordered_sum(values: np.ndarray) -> float:
    """The sum of float *values* added in ascending order: the same for
    every order of the rows (see :func:`ordered_sums`).

    Examples
    --------
    >>> ordered_sum(np.array([0.1, 0.2, 0.3])) == ordered_sum(np.array([0.3, 0.2, 0.1]))
    True
    """
    return float(np.add.reduce(np.sort(values)))


def exact_share_below(
    numerator: np.ndarray, total: Any, share: float, *, or_equal: bool = False
) -> np.ndarray | None:
    """``numerator / total < share`` (``<=`` with *or_equal*) exactly, for
    integer *numerator* (an array of whole numbers) and *total*, *share*
    read as the decimal it prints as (``0.8`` is 4/5); None when the
    products could pass int64 (then compare in floats).

    Examples
    --------
    >>> exact_share_below(np.array([0, 5, 8, 10]), 10, 0.8).tolist()
    [True, True, False, False]
    >>> exact_share_below(np.array([8.0]), 10.0, 0.8, or_equal=True).tolist()
    [True]
    """
    frac = Fraction(repr(float(share)))
    p, q = frac.numerator, frac.denominator
    top = int(np.max(np.abs(numerator))) if len(numerator) else 0
    if max(top * q, abs(p * int(total))) >= 2**62:
        return None
    left = np.asarray(numerator).astype(np.int64) * q
    right = p * int(total)
    return left <= right if or_equal else left < right
