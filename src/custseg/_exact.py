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
integers to stay exact) are summed by :func:`ordered_sums`: exactly too, as
whole multiples of the last binary place of the smallest amount split into
limbs (:func:`exact_sums`), then rounded once; a customer whose own
amounts span too many binary places for that (``1e300`` beside
``1e-300``) gets :func:`math.fsum`'s sum, the same correctly rounded one.
Only amounts that are not finite are added in ascending order of value.
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "NO_SCALE",
    "RunningSums",
    "decimal_scale",
    "decimal_sums",
    "exact_share_below",
    "exact_sums",
    "limb_plan",
    "limb_signs",
    "limb_sums",
    "mixed_sums",
    "order_free_sums",
    "order_sums",
    "ordered_sum",
    "ordered_sums",
    "printed_wholes",
    "round_limbs",
    "row_scales",
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


#: Most limbs :func:`exact_sums` splits amounts into before it sorts instead.
MAX_LIMBS = 6


def exact_sums(
    values: np.ndarray, codes: np.ndarray | None, size: int
) -> np.ndarray | None:
    """Per-code sums of finite float *values*, correctly rounded from the
    exact sum (as :func:`math.fsum`); None when the values span too many
    binary places for :data:`MAX_LIMBS` limbs, or are not all finite.

    Every double is a whole multiple of its last place, so all of them are
    whole multiples of ``2**p``, the last place of the smallest magnitude.
    Each ``value / 2**p`` is split exactly into limbs of ``w`` bits (``w``
    leaves room for the row count below 2**53), each limb counted by one
    ``bincount`` (exact: whole numbers below 2**53 add exactly, in any
    order), and the limb sums are carried as int64 and rounded once. No
    sort: a few passes over the rows. *codes* None sums all values (one
    code).

    Examples
    --------
    >>> a = np.array([1e16, 1.0, -1e16, 1.0])
    >>> exact_sums(a, np.zeros(4, dtype=np.intp), 1).tolist()
    [2.0]
    >>> exact_sums(np.array([0.1, 0.2, 0.3]), None, 1).tolist()  # math.fsum's
    [0.6]
    >>> exact_sums(np.array([1e300, 1e-300]), None, 1) is None  # 2,000 places
    True
    """
    n = len(values)
    if not n:
        return np.zeros(size, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        mags = np.abs(values)
        top = float(mags.max())
        if not np.isfinite(top):
            return None
        if top == 0.0:
            return np.zeros(size, dtype=np.float64)
        mags[mags == 0.0] = np.inf
        low = float(mags.min())
    del mags
    plan = limb_plan(top, low, n)
    if plan is None:
        return None  # e.g. 1e300 beside 1e-300: sorted instead
    p, w, _ = plan
    return round_limbs(limb_sums(values, codes, size, plan), w, p)


def limb_sums(
    values: np.ndarray, codes: np.ndarray | None, size: int, plan: tuple[int, int, int]
) -> list[np.ndarray]:
    """Per-code sums (int64) of the limbs of *values* under *plan* (see
    :func:`limb_plan`): ``sums[k]`` is the sum of the limbs of weight
    ``2**(k*w + p)``, exact. *codes* None sums all values (one code).

    >>> [s.tolist() for s in limb_sums(np.array([1.0, 2.5]), None, 1, (-1, 2, 2))]
    [[3], [1]]
    """
    p, w, k_limbs = plan
    rest = values * 2.0**-p  # whole numbers below 2**(k_limbs * w), exact
    limb = np.empty_like(rest)
    sums = []
    for k in range(k_limbs - 1, -1, -1):
        if k:
            np.multiply(rest, 2.0 ** -(k * w), out=limb)
            np.trunc(limb, out=limb)  # |limb| < 2**w; same sign as rest
        part = limb if k else rest
        sums.append(_limb_sum(part, codes, size))
        if k:
            np.multiply(limb, 2.0 ** (k * w), out=limb)
            np.subtract(rest, limb, out=rest)  # exact: the bits below k*w
    sums.reverse()  # sums[k]: the limb of weight 2**(k*w + p)
    return sums


def limb_signs(sums: list[np.ndarray], w: int) -> np.ndarray:
    """The sign (-1, 0 or 1, int64) of ``sum(sums[k] * 2**(k*w))`` for int64
    limb sums *sums* (see :func:`limb_plan`): the limbs are carried until
    each but the top is in ``[0, 2**w)``; the value is then the top limb's
    multiple of ``2**(w*(k-1))`` plus less than that power, so its sign is
    the top limb's, or for a zero top, 1 when a lower limb is not 0.

    >>> limb_signs([np.array([1, 0, -1]), np.array([-1, 0, 0])], 10).tolist()
    [-1, 0, -1]
    """
    limbs = [s.copy() for s in sums]
    rest = np.zeros(len(limbs[0]), dtype=bool)
    for k in range(len(limbs) - 1):
        c = limbs[k] >> w
        limbs[k] -= c << w
        limbs[k + 1] += c
        rest |= limbs[k] != 0
    top = limbs[-1]
    return np.where(top != 0, np.sign(top), rest.astype(np.int64))


def limb_plan(top: float, low: float, n: int) -> tuple[int, int, int] | None:
    """``(p, w, k)`` for summing *n* finite values exactly in limbs, given
    the largest magnitude *top* and the smallest nonzero one *low*: every
    value is a whole multiple of ``2**p``; ``value / 2**p`` splits into *k*
    limbs of *w* bits (limb ``j`` is ``trunc(value * 2**-(p + j*w))`` minus
    ``2**w`` times the next one, exact in float64), and any *n* limbs sum
    exactly below 2**53. None past :data:`MAX_LIMBS` limbs.

    Examples
    --------
    >>> limb_plan(100.0, 0.01, 1_000)  # 2**-59 grid, 43-bit limbs
    (-59, 43, 2)
    >>> limb_plan(1e300, 1e-300, 10) is None
    True
    """
    e_top = int(np.frexp(top)[1])  # top < 2**e_top
    p = int(np.frexp(low)[1]) - 53  # every value is a multiple of 2**p
    w = 53 - int(n).bit_length()  # n limbs below 2**w sum below 2**53
    k_limbs = -(-(e_top - p) // w) if w > 0 else MAX_LIMBS + 1
    if k_limbs > MAX_LIMBS or p < -1020:  # 2.0**-p must be finite
        return None
    return p, w, k_limbs


def _limb_sum(part: np.ndarray, codes: np.ndarray | None, size: int) -> np.ndarray:
    """Sums of one limb (whole numbers below 2**53, so exact) as int64."""
    if codes is None:
        return np.array([part.sum()]).astype(np.int64)
    return np.bincount(codes, weights=part, minlength=size).astype(np.int64)


def round_limbs(sums: list[np.ndarray], w: int, p: int | np.ndarray) -> np.ndarray:
    """The doubles nearest ``sum(sums[k] * 2**(k*w + p))`` (ties to even),
    for int64 limb sums *sums* (see :func:`limb_plan`).

    The limbs are carried until each but the top is in ``[0, 2**w)``, made
    positive (the sign kept aside), and the top 62 bits taken as an int64
    whose last bit is set when any bit below is (rounding to odd), so that
    the one conversion to a double rounds correctly.

    Examples
    --------
    >>> round_limbs([np.array([1]), np.array([-1])], 10, 0).tolist()  # 1 - 2**10
    [-1023.0]
    """
    k_limbs = len(sums)
    limbs = [s.copy() for s in sums]

    def carry() -> None:
        for k in range(k_limbs - 1):
            c = limbs[k] >> w
            limbs[k] -= c << w
            limbs[k + 1] += c

    carry()
    sign = np.where(limbs[-1] < 0, -1, 1).astype(np.int64)
    for limb in limbs:
        limb *= sign
    carry()  # now every limb >= 0, the top one below 2**55
    top = np.zeros(len(sign), dtype=np.int64)  # index of the top nonzero limb
    for k in range(1, k_limbs):
        top[limbs[k] != 0] = k
    lead = np.choose(top, limbs) if k_limbs > 1 else limbs[0]
    bits = np.frexp(lead.astype(np.float64))[1].astype(np.int64)  # >= bit length
    shift = top * w + bits - 62  # the weight of the last kept bit, over 2**p
    kept = np.zeros(len(sign), dtype=np.int64)
    sticky = np.zeros(len(sign), dtype=bool)
    for k, limb in enumerate(limbs):
        left = k * w - shift  # where limb k's last bit lands in kept
        up = left >= 0
        kept[up] |= limb[up] << np.minimum(left[up], 62)
        down = ~up
        right = np.minimum(-left[down], 63)
        kept[down] |= limb[down] >> right
        sticky[down] |= (limb[down] & ((np.int64(1) << right) - 1)) != 0
    kept |= sticky
    with np.errstate(over="ignore"):  # past float64: inf, as a float sum
        out = np.ldexp(kept.astype(np.float64), np.asarray(shift + p).astype(np.int32))
    return out * sign


def ordered_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per-code sums of float *values* that do not depend on the order of the
    rows (the fallback of :func:`decimal_sums` for amounts that are not
    decimals of few places).

    Correctly rounded from the exact sum (:func:`exact_sums`, a few passes,
    no sort); when the amounts span too many binary places for one limb
    plan (``1e300`` beside ``1e-300``), each code's own values decide
    (:func:`_wide_sums`): still correctly rounded when they are finite.
    Codes with an infinity or NaN add their values in ascending order of
    value (a sort; equal values are interchangeable, so it needs no tie
    rule; the sums start at ``+0.0``, so ``-0.0`` and ``0.0`` cannot change
    a sign).

    Examples
    --------
    >>> a = np.array([1e16, 1.0, -1e16, 1.0])
    >>> ordered_sums(a, np.zeros(4, dtype=np.intp), 1).tolist()
    [2.0]
    >>> ordered_sums(a[::-1].copy(), np.zeros(4, dtype=np.intp), 1).tolist()
    [2.0]
    """
    sums = exact_sums(values, codes, size)
    if sums is not None:
        return sums
    return _wide_sums(values, codes, size)


def _wide_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """:func:`ordered_sums` when the values as a whole span too many binary
    places for one limb plan (``1e300`` beside ``1e-300``), or some are not
    finite: each code's own values decide. Codes whose own values fit
    :data:`MAX_LIMBS` limbs get their correctly rounded sum (the limbs on a
    grid of their own, ``2**p`` per code); codes whose own values span too
    many places for the limbs (a plan that also depends on the row count)
    get :func:`exact_total`'s, the same correctly rounded sum; codes with a
    value that is not finite add their values in ascending order. So a
    code's sum never depends on another code's values or row count (a
    1e-300 elsewhere does not turn ``1e16 + 1.0 - 1e16`` into 0.0).

    >>> codes = np.array([0, 0, 0, 1])
    >>> _wide_sums(np.array([1e16, 1.0, -1e16, 1e-300]), codes, 2).tolist()
    [1.0, 1e-300]
    """
    n = len(values)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(values)
        mags = np.abs(values)
    nonzero = finite & (mags > 0)
    exps = np.frexp(mags)[1].astype(np.int64)  # |x| < 2**e
    top = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    low = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    np.maximum.at(top, codes[nonzero], exps[nonzero])
    np.minimum.at(low, codes[nonzero], exps[nonzero])
    bad = np.zeros(size, dtype=bool)
    bad[codes[~finite]] = True
    w = 53 - int(n).bit_length()
    p = low - 53  # every value of the code is a whole multiple of 2**p
    spans = np.where(top > low - 1, top - p, 0)
    k_limbs = -(-spans // w) if w > 0 else np.full(size, MAX_LIMBS + 1)
    fits = ~bad & (k_limbs <= MAX_LIMBS)
    out = np.zeros(size, dtype=np.float64)
    rows = fits[codes] & nonzero
    if rows.any():
        k_max = int(max(int(k_limbs[fits].max()), 1))
        c = codes[rows]
        p_row = np.where(fits, p, 0)[c]
        rest = np.ldexp(values[rows], (-p_row).astype(np.int32))  # exact
        limb = np.empty_like(rest)
        sums = []
        for k in range(k_max - 1, -1, -1):
            if k:
                np.multiply(rest, 2.0 ** -(k * w), out=limb)
                np.trunc(limb, out=limb)
            part = limb if k else rest
            sums.append(_limb_sum(part, c, size))
            if k:
                np.multiply(limb, 2.0 ** (k * w), out=limb)
                np.subtract(rest, limb, out=rest)
        sums.reverse()
        exact = round_limbs(sums, w, np.where(fits, p, 0))
        out[fits] = exact[fits]
    wide = ~fits & ~bad
    if wide.any():  # their own values span too many places for the limbs
        rows = wide[codes]
        out[wide] = _fsums(values[rows], codes[rows])[1]
    if bad.any():  # an infinity or NaN: added in ascending order (IEEE)
        rows = bad[codes]
        sub, c = values[rows], codes[rows]
        order = np.argsort(sub)
        sorted_sums = np.bincount(c[order], weights=sub[order], minlength=size)
        out[bad] = sorted_sums[bad]
    return out


def _fsums(values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct *codes* and each one's correctly rounded sum of its
    finite *values* (:func:`exact_total`), one Python call per code: for
    the few codes whose values span more binary places than the limbs hold.

    >>> _fsums(np.array([1e300, 1.0, -1e300, 1e-300]), np.array([0, 0, 0, 1]))
    (array([0, 1]), array([1.e+000, 1.e-300]))
    """
    order = np.argsort(codes, kind="stable")
    c = codes[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    ends = np.r_[starts[1:], len(c)]
    listed = values[order].tolist()
    pairs = zip(starts.tolist(), ends.tolist(), strict=True)
    sums = [exact_total(listed[a:b]) for a, b in pairs]
    return c[starts], np.array(sums, dtype=np.float64)


def printed_wholes(values: np.ndarray) -> tuple[list[int], int]:
    """Finite float *values* read as the decimals they print as (``7e-09``
    is 7/10**9, not the double nearest it), as whole numbers of their
    finest decimal place: ``(wholes, place)`` with ``wholes[i] / place``
    that decimal and ``place`` a power of ten. Sums and shares of them are
    then exact in Python ints whatever the magnitudes (``3e-300`` beside
    ``9.0``), and the same in any unit that is a power of ten (7, 3 as
    7e-09, 3e-09). One Python step a value: for the few comparisons that
    floats cannot settle.

    >>> printed_wholes(np.array([0.5, 3.0, 0.125]))
    ([500, 3000, 125], 1000)
    >>> printed_wholes(np.array([7e-09, 3e-09]))
    ([7, 3], 1000000000)
    >>> printed_wholes(np.array([], dtype=float))
    ([], 1)
    """
    tuples = [decimal.Decimal(repr(x)).as_tuple() for x in values.tolist()]
    ints = [(-1 if t.sign else 1) * int("".join(map(str, t.digits))) for t in tuples]
    exps = [int(t.exponent) for t in tuples]
    low = min([0, *exps])  # the finest place, at most the units'
    wholes = [m * 10 ** (e - low) for m, e in zip(ints, exps, strict=True)]
    return wholes, 10**-low


def exact_total(values: list[float]) -> float:
    """The double nearest the exact sum of finite *values* (ties to even),
    ``±inf`` past the float range: :func:`math.fsum`, or exact fractions
    where an intermediate sum of fsum's overflows.

    >>> exact_total([1e308, 1e308, -1e308]), exact_total([1e308, 1e308])
    (1e+308, inf)
    """
    try:
        return math.fsum(values)
    except OverflowError:
        total = sum((Fraction(x) for x in values), Fraction(0))
        try:
            return float(total)
        except OverflowError:
            return math.inf if total > 0 else -math.inf


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
        return mixed_sums(values, codes, size)
    return decimal_sums(values, codes, size, scale)


#: :func:`row_scales`' index of a value that is no decimal of few places.
NO_SCALE = len(SCALES)
_SCALE_VALUES = np.array([*SCALES, 0], dtype=np.float64)
#: Below this magnitude a decimal of any scale of SCALES is one at 10**8.
_SMALL = _EXACT / SCALES[-1]


def row_scales(values: np.ndarray) -> np.ndarray:
    """Per value, the index in :data:`SCALES` of the smallest power of ten
    that makes it an integer exactly (``fl(round(x * s) / s) == x``), or
    :data:`NO_SCALE` (``1/3``, many digits, not finite).

    >>> row_scales(np.array([3.0, 19.99, 0.125, 1 / 3, np.nan])).tolist()
    [0, 1, 2, 5, 5]
    """
    n = len(values)
    out = np.full(n, NO_SCALE, dtype=np.int8)
    m = min(n, CHUNK)
    buf, back = np.empty(m), np.empty(m)
    hit, small = np.empty(m, dtype=bool), np.empty(m, dtype=bool)
    top = float(SCALES[-1])
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, CHUNK):
            part = values[start : start + CHUNK]
            k = len(part)
            t, b, h, sm = buf[:k], back[:k], hit[:k], small[:k]
            # a screen: a value below _SMALL that is no decimal at 10**8 is
            # none at a smaller scale either (one test for 1/3-like amounts)
            np.multiply(part, top, out=t)
            np.rint(t, out=t)
            np.divide(t, top, out=b)
            np.equal(b, part, out=h)
            np.abs(part, out=b)
            np.less(b, _SMALL, out=sm)  # NaN and infinities: False
            if h.all() or not (h.any() or not sm.all()):
                if not h.any():
                    continue  # none of the chunk is a decimal
                open_ = h.copy()
            else:
                open_ = h | (~sm & np.isfinite(part))
            found = out[start : start + CHUNK]
            for i, scale in enumerate(SCALES):
                np.multiply(part, float(scale), out=t)
                np.rint(t, out=t)
                np.divide(t, float(scale), out=b)
                np.equal(b, part, out=h)
                h &= open_
                found[h] = i
                open_ &= ~h
                if not open_.any():
                    break
    return out


def mixed_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per-code sums of float *values*, each code's decided by its own
    values only: the correctly rounded decimal sum (as :func:`decimal_sums`)
    for a code all of whose values are decimals of few places (at the
    largest scale its values need, magnitudes summing below 2**52), else the
    correctly rounded binary sum (:func:`ordered_sums`).

    :func:`order_free_sums` calls it when the values as a whole have no
    decimal scale; then one customer's ``10 / 3`` must not turn another's
    ``0.1 + 0.2`` from ``0.3`` into ``0.30000000000000004``.

    Examples
    --------
    >>> mixed_sums(np.array([0.1, 0.2, 10 / 3]), np.array([0, 0, 1]), 2).tolist()
    [0.3, 3.3333333333333335]
    >>> order_free_sums(np.array([0.1, 0.2]), np.array([0, 0]), 1).tolist()
    [0.3]
    """
    j = row_scales(values)
    no_rows = j == NO_SCALE
    if no_rows.all():  # 1/3-like amounts only: every code in binary
        return ordered_sums(values, codes, size)
    none = np.zeros(size, dtype=bool)
    none[codes[no_rows]] = True
    del no_rows
    if none.all():  # every code has an amount of another kind
        return ordered_sums(values, codes, size)
    # the decimal sums, over the rows of the codes with decimals only
    mine = ~none[codes]
    if mine.all():
        v, c, jj = values, codes, j
    else:
        v, c, jj = values[mine], codes[mine], j[mine]
    del j
    need = np.zeros(size, dtype=np.int8)  # the largest scale index per code
    for level in np.unique(jj[jj > 0]).tolist():  # a few levels
        need[c[jj == level]] = level  # ascending: the largest is kept
    need[none] = NO_SCALE
    scale = _SCALE_VALUES[need]  # 0 for codes with other values
    with np.errstate(over="ignore", invalid="ignore"):
        k = np.rint(v * scale[c])
        past = ~np.isfinite(k)  # past the float range at the code's scale
        if past.any():
            none[c[past]] = True  # summed in binary below
            k[past] = 0.0
        magnitude = np.bincount(c, weights=np.abs(k), minlength=size)
        total = np.bincount(c, weights=k, minlength=size)
        decimal = ~none & (magnitude < _EXACT)
        out = np.where(decimal, total / np.where(decimal, scale, 1.0), 0.0)
    del v, c, jj, k
    if not decimal.all():
        rows = ~decimal[codes]
        if 2 * int(np.count_nonzero(rows)) >= len(rows):  # most: no copy
            binary = ordered_sums(values, codes, size)
        else:
            binary = ordered_sums(values[rows], codes[rows], size)
        out[~decimal] = binary[~decimal]
    return out


class RunningSums:
    """:func:`mixed_sums` of every row added so far, carried from one batch
    of rows to the next: after each :meth:`add`, :meth:`sums` is bit for bit
    ``mixed_sums`` of all the rows added, in one pass over each row.

    Per code it keeps whether any of its rows has no decimal scale, the
    largest scale its rows need, per scale the sum and the magnitude of its
    rows' integers at their own scale (rescaled by a power of ten when
    asked: exact below 2**52, where ``mixed_sums`` takes the decimal sum),
    and the int64 limb sums of all its rows under one limb plan for every
    row to come (:func:`limb_plan`; exact for any subset of them). Make it
    with :meth:`for_values` from all the rows that will be added.

    >>> v = np.array([0.1, 0.2, 10 / 3, 0.25])
    >>> c = np.array([0, 0, 1, 0])
    >>> run = RunningSums.for_values(v, 2)
    >>> run.add(v[:2], c[:2]); run.sums().tolist()
    [0.3, 0.0]
    >>> run.add(v[2:], c[2:]); run.sums().tolist() == mixed_sums(v, c, 2).tolist()
    True
    """

    def __init__(self, size: int, plan: tuple[int, int, int]) -> None:
        self.size = size
        self.plan = plan
        self.binary = np.zeros(size, dtype=bool)  # a row of no decimal scale
        self.level = np.zeros(size, dtype=np.int8)  # the largest scale index
        self.totals: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.limbs = [np.zeros(size, dtype=np.int64) for _ in range(plan[2])]

    @classmethod
    def for_values(cls, values: np.ndarray, size: int) -> RunningSums | None:
        """A :class:`RunningSums` for rows among *values*, or None when they
        are not all finite or span too many binary places for one plan."""
        mags = np.abs(values)
        top = float(mags.max(initial=0.0))
        if not math.isfinite(top):
            return None
        mags[mags == 0.0] = np.inf
        low = float(mags.min(initial=np.inf))
        plan = limb_plan(1.0, 1.0, len(values)) if top == 0.0 else None
        if top != 0.0:
            plan = limb_plan(top, low, len(values))
        return None if plan is None else cls(size, plan)

    def add(self, values: np.ndarray, codes: np.ndarray) -> None:
        """Add rows: float *values* of *codes* (``0 .. size - 1``)."""
        if not len(values):
            return
        levels = row_scales(values)
        self.binary[codes[levels == NO_SCALE]] = True
        for level in np.unique(levels[levels != NO_SCALE]).tolist():
            rows = levels == level
            c = codes[rows]
            k = np.rint(values[rows] * float(SCALES[level]))
            if level not in self.totals:
                self.totals[level] = (np.zeros(self.size), np.zeros(self.size))
            total, magnitude = self.totals[level]
            total += np.bincount(c, weights=k, minlength=self.size)
            magnitude += np.bincount(c, weights=np.abs(k), minlength=self.size)
            self.level[c] = np.maximum(self.level[c], level)
        for mine, new in zip(
            self.limbs, limb_sums(values, codes, self.size, self.plan), strict=True
        ):
            mine += new

    def sums(self) -> np.ndarray:
        """Per code, :func:`mixed_sums` of the rows added so far."""
        scale = _SCALE_VALUES[self.level]
        total = np.zeros(self.size)
        magnitude = np.zeros(self.size)
        with np.errstate(over="ignore", invalid="ignore"):
            for level, (t, m) in self.totals.items():
                # 10**(code's scale - this one): exact where the code has rows
                # of this scale (its scale is at least this one); else t = 0
                ratio = scale / float(SCALES[level])
                total += t * ratio
                magnitude += m * ratio
            decimal = ~self.binary & (magnitude < _EXACT)
            out = np.where(decimal, total / scale, 0.0)
        if not decimal.all():
            p, w, _ = self.plan
            out[~decimal] = round_limbs(self.limbs, w, p)[~decimal]
        return out


def _largest(levels: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Per code, the largest of the small non-negative int8 *levels* of its
    rows, every code having rows: a pass per level present but the lowest
    (one level: every code's)."""
    present = np.flatnonzero(np.bincount(levels, minlength=1)).tolist()
    out = np.full(size, present[0] if present else 0, dtype=np.int8)
    for level in present[1:]:  # ascending: the largest is written last
        out[codes[levels == level]] = level
    return out


def _decimal_levels(
    values: np.ndarray,
    orders: np.ndarray,
    customers: np.ndarray,
    need_o: np.ndarray,
    need_c: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`order_sums`' decimal sums: per order and per customer the sum
    of the integers at its scale (*need_o*, *need_c*: indexes in
    :data:`SCALES`, :data:`NO_SCALE` for none), and which of them are
    summed as decimals (all values decimals, magnitudes below 2**52); None
    when a rescaled integer could pass 2**50."""
    n, n_orders, n_customers = len(values), len(need_o), len(need_c)
    decimal_o = need_o < NO_SCALE
    decimal_c = need_c < NO_SCALE
    scale_o = _SCALE_VALUES[need_o]  # 0 for orders in binary: k = 0
    rows = decimal_o[orders]
    few = 2 * int(np.count_nonzero(rows)) < n
    v, o = (values[rows], orders[rows]) if few else (values, orders)
    k = np.rint(v * scale_o[o])
    del v, rows
    t_o = np.bincount(o, weights=k, minlength=n_orders)
    np.abs(k, out=k)
    m_o = np.bincount(o, weights=k, minlength=n_orders)
    del k, o
    decimal_o &= m_o < _EXACT
    # a customer's integers at its own scale: its orders' times a power
    # of ten (exact below 2**50 a line; a magnitude past 2**52 is past it
    # however rounded, and the customer is then summed in binary)
    ratio = np.where(
        decimal_c[customers],
        _SCALE_VALUES[need_c[customers]] / np.where(scale_o > 0, scale_o, 1.0),
        0.0,
    )
    # an order's largest integer is at most its magnitude (plus the
    # half a rounding): rescaled, below 2**50 it is the customer's
    if np.any((ratio > 1.0) & ((m_o + 1.0) * ratio >= _RESCALE)):
        return None
    t_c = np.bincount(customers, weights=t_o * ratio, minlength=n_customers)
    m_c = np.bincount(customers, weights=m_o * ratio, minlength=n_customers)
    decimal_c &= m_c < _EXACT
    del ratio, m_o, m_c
    return t_o, t_c, decimal_o, decimal_c


#: :func:`order_sums` rescales decimal sums from an order's scale to its
#: customer's, exact while every scaled amount stays below this.
_RESCALE = 2.0**50


def order_sums(
    values: np.ndarray,
    orders: np.ndarray,
    n_orders: int,
    customers: np.ndarray,
    n_customers: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Order lines summed at two levels in one pass over the lines: the sign
    of each order's sum and each customer's sum, as :func:`mixed_sums` gives
    them per order and per customer (*values* the lines' float amounts,
    *orders* their order codes, *customers* each order's customer code).

    Each level is decided as :func:`mixed_sums` decides it: the decimal sum
    for a group all of whose values are decimals of few places (at the
    largest scale they need, magnitudes summing below 2**52), else the
    binary sum, exact. The lines are read once: each line's integer at its
    order's scale and its limbs are summed per order, and the customers'
    sums come from the orders' (a decimal sum rescaled to the customer's
    scale by a power of ten, exact while the scaled amounts stay below
    2**50; limb sums added, exact for any *n* limbs). Returns ``(signs,
    sums)``: ``signs`` -1.0, 0.0 or 1.0 per order (the correctly rounded
    sum has the exact sum's sign), ``sums`` per customer; or None where
    this does not apply (amounts beyond the rescaling bound, spanning more
    binary places than one limb plan holds, or not finite): then sum each
    level with :func:`mixed_sums`.

    Examples
    --------
    >>> lines = np.array([0.1, 0.2, -0.3, 1 / 3, -1 / 3, 1e16, 1.0, -1e16])
    >>> orders = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    >>> signs, sums = order_sums(lines, orders, 3, np.array([0, 0, 1]), 2)
    >>> signs.tolist(), sums.tolist()  # customer 0 holds 1/3: binary, exact
    ([0.0, 0.0, 1.0], [2.7755575615628914e-17, 1.0])
    """
    n = len(values)
    if not n:
        return np.zeros(n_orders), np.zeros(n_customers)
    top = float(np.abs(values).max())
    if not np.isfinite(top):
        return None
    j = row_scales(values)
    need_o = _largest(j, orders, n_orders)  # NO_SCALE: an order in binary
    del j
    need_c = _largest(need_o, customers, n_customers)
    decimal_o = need_o < NO_SCALE
    decimal_c = need_c < NO_SCALE
    t_o = np.zeros(n_orders)
    t_c = np.zeros(n_customers)
    if decimal_o.any():
        with np.errstate(over="ignore", invalid="ignore"):  # past float64: binary
            got = _decimal_levels(values, orders, customers, need_o, need_c)
        if got is None:
            return None
        t_o, t_c, decimal_o, decimal_c = got
    signs = np.sign(t_o)
    sums = np.divide(
        t_c, _SCALE_VALUES[need_c], out=np.zeros(n_customers), where=decimal_c
    )
    binary = ~decimal_o | ~decimal_c[customers]  # orders whose limbs are needed
    if not binary.any():
        return signs, sums
    v, o = values, orders
    if not binary.all():
        rows = binary[orders]
        v, o = values[rows], orders[rows]
        del rows
    mags = np.abs(v)
    mags[mags == 0.0] = np.inf
    low = float(mags.min())
    del mags
    if not np.isfinite(low):  # only zeros: every sum in binary is 0
        return np.where(decimal_o, signs, 0.0), sums
    plan = limb_plan(top, low, n)
    if plan is None:
        return None
    p, w, _ = plan
    per_order = limb_sums(v, o, n_orders, plan)
    del v, o
    signs = np.where(decimal_o, signs, limb_signs(per_order, w))
    per_customer = [
        np.bincount(customers, weights=s, minlength=n_customers).astype(np.int64)
        for s in per_order
    ]
    sums = np.where(decimal_c, sums, round_limbs(per_customer, w, p))
    return signs.astype(np.float64), sums


def ordered_sum(values: np.ndarray) -> float:
    """The sum of float *values*, the same for every order of the rows (see
    :func:`ordered_sums`).

    Examples
    --------
    >>> ordered_sum(np.array([0.1, 0.2, 0.3])) == ordered_sum(np.array([0.3, 0.2, 0.1]))
    True
    """
    sums = exact_sums(values, None, 1)
    if sums is not None:
        return float(sums[0])
    if np.isfinite(values).all():  # too many binary places for the limbs
        return exact_total(values.tolist())
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
