"""Value tiers A/B/C/D and the conversion readiness of potential customers.

Value tiers (beauty-salon layering, 美业客户分层)
---------------------------------------------
Assets and intent are each put on a three-level scale, then combined:

======== =============================== ===============================
level    assets (资产总量)                  intent (消费意向)
======== =============================== ===============================
2        ``large`` (大)                    ``strong`` (强)
1        ``medium`` (中)                   ``some`` (一般, 有一定意向)
0        ``ordinary`` (一般)                ``unclear`` (不明显)
======== =============================== ===============================

Numbers are put on the scale by half-open intervals: assets below
``assets_medium`` are ordinary, ``[assets_medium, assets_large)`` medium,
``assets_large`` and more large; the same for intent with ``intent_some`` and
``intent_strong``. A value exactly on a threshold belongs to the higher level.

The tier of a customer whose levels are both known:

- **A** when assets are large and intent is strong;
- **B** when assets are large (with less than strong intent), or medium or
  large with at least some intent;
- **C** otherwise (ordinary assets, or medium assets with unclear intent);

and **D** when assets or intent is not known (missing): the source's D are
customers whose assets and intent are not yet known (尚未了解), potential
customers to activate. D is never a guess at A, B or C.

Conversion readiness (furniture-dealer practice)
------------------------------------------------
A potential customer buys when need (潜在需求), motivation (购买动机),
ability to pay (购买能力) and timing (购买时机) are all present. The factors
are read in a fixed order; the first one that is not "yes" decides the label:
``no_<factor>`` (``not_now`` for timing) when it is "no",
``<factor>_unknown`` when it is missing; ``ready`` when all four are "yes".

Layer 1: NumPy and attrs only.
"""

from __future__ import annotations

import decimal
import functools
import itertools
import math
import numbers
import types
import warnings
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_index
from ._categories import MISSING, YES_NO_ALIASES, YES_NO_MISSING, as_category
from ._exact import (
    decimal_scale,
    exact_share_below,
    ordered_sum,
    ordered_sums,
    printed_wholes,
)
from ._validate import exact_sides, require_column
from .errors import CustsegWarning, InputError, ThresholdError
from .labels import Labels

__all__ = [
    "READINESS_APPROACH",
    "READINESS_FACTORS",
    "ValueTierThresholds",
    "conversion_readiness",
    "fit_value_tiers",
    "value_tier",
]

LANGS = ("en", "zh")

# --------------------------------------------------------------------------
# value tiers
# --------------------------------------------------------------------------

#: Tier names per language, best first; the last is the unknown tier D.
TIER_NAMES: Mapping[str, tuple[str, ...]] = types.MappingProxyType(
    {
        "en": ("A", "B", "C", "D"),
        "zh": ("A类客户", "B类客户", "C类客户", "D类客户"),
    }
)

ASSET_LEVELS = ("ordinary", "medium", "large")
INTENT_LEVELS = ("unclear", "some", "strong")

#: Spellings of a missing answer: they give tier D (or ``<factor>_unknown``):
#: the words the yes/no columns and the loyalty answers read as missing
#: (``none`` and ``nan`` too, what ``str()`` makes of a missing value: never
#: a level; ``<NA>`` and ``NaT`` as written,
#: :data:`~custseg._categories.STR_MISSING`)
_UNKNOWN_ALIASES = dict.fromkeys(YES_NO_MISSING, MISSING)

_ASSET_ALIASES = types.MappingProxyType(
    {
        "large": 2,
        "high": 2,
        "大": 2,
        "较大": 2,
        "高": 2,
        "mid": 1,
        "middle": 1,
        "中": 1,
        "中等": 1,
        "一般": 0,
        "普通": 0,
        "small": 0,
        "low": 0,
        "小": 0,
        "低": 0,
        **_UNKNOWN_ALIASES,
    }
)

_INTENT_ALIASES = types.MappingProxyType(
    {
        "high": 2,
        "强": 2,
        "较强": 2,
        "强烈": 2,
        "高": 2,
        "moderate": 1,
        "medium": 1,
        "ordinary": 1,
        "一般": 1,
        "有一定": 1,
        "有一定意向": 1,
        "中": 1,
        "weak": 0,
        "low": 0,
        "不明": 0,
        "不明显": 0,
        "弱": 0,
        "低": 0,
        **_UNKNOWN_ALIASES,
    }
)


def _tier_table() -> np.ndarray:
    """Tier code for every (assets level, intent level), levels -1..2.

    Index ``(a + 1) * 4 + (i + 1)``; -1 (missing) gives D (3).
    """
    table = np.full(16, 3, dtype=np.int8)
    for a in range(3):
        for i in range(3):
            if a == 2 and i == 2:
                tier = 0
            elif a == 2 or (a >= 1 and i >= 1):
                tier = 1
            else:
                tier = 2
            table[(a + 1) * 4 + (i + 1)] = tier
    table.flags.writeable = False
    return table


_TIER_TABLE = _tier_table()


def _threshold(value: Any, name: str) -> float | None:
    if value is None:
        return None
    x = v.number_param(value, name)
    if math.isnan(x):
        raise ThresholdError(f"{name!r} must be a number, not NaN")
    return x


def _assets_medium(value: Any) -> float | None:
    return _threshold(value, "assets_medium")


def _assets_large(value: Any) -> float | None:
    return _threshold(value, "assets_large")


def _intent(name: str, value: Any) -> float:
    x = _threshold(value, name)
    if x is None:
        raise ThresholdError(f"{name!r} must be a number: got None")
    return x


def _intent_some(value: Any) -> float:
    return _intent("intent_some", value)


def _intent_strong(value: Any) -> float:
    return _intent("intent_strong", value)


@attrs.frozen
class ValueTierThresholds:
    """Where numeric assets and intent change level, for :func:`value_tier`.

    Levels are half-open intervals: assets ``< assets_medium`` are ordinary,
    ``[assets_medium, assets_large)`` medium, ``>= assets_large`` large; intent
    ``< intent_some`` is unclear, ``[intent_some, intent_strong)`` some,
    ``>= intent_strong`` strong. A value on a threshold takes the higher level.

    Parameters
    ----------
    assets_medium, assets_large
        Asset thresholds in your unit (spend, declared assets, budget). They
        have no default: a shop's amounts are its own. Give both or neither
        (neither: assets must come as levels, or fit them with
        :func:`fit_value_tiers`). Equal values leave the medium level empty;
        ``inf`` leaves the level above it empty.
    intent_some, intent_strong
        Intent thresholds; the default 0.3 and 0.7 suit a purchase
        probability, at the edges of the repurchase bands (< 30%, 30-70%,
        > 70%). Here a value on a threshold takes the higher level (0.7 is
        strong intent), where :func:`custseg.repurchase_band` puts 0.7 in
        its medium band.

    Examples
    --------
    >>> ValueTierThresholds(assets_medium=2000, assets_large=10000)
    ValueTierThresholds(assets_medium=2000.0, assets_large=10000.0, intent_some=0.3, intent_strong=0.7)
    >>> ValueTierThresholds(assets_medium=10000, assets_large=2000)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'assets_large' must be >= 'assets_medium' (10000.0): got 2000.0
    """

    # number_repr: an infinite threshold (fit_value_tiers with no room for
    # a large level) is written float('inf'), so the repr can be pasted back
    assets_medium: float | None = attrs.field(
        default=None, converter=_assets_medium, repr=_display.number_repr
    )
    assets_large: float | None = attrs.field(
        default=None, converter=_assets_large, repr=_display.number_repr
    )
    intent_some: float = attrs.field(
        default=0.3, converter=_intent_some, repr=_display.number_repr
    )
    intent_strong: float = attrs.field(
        default=0.7, converter=_intent_strong, repr=_display.number_repr
    )

    def __attrs_post_init__(self) -> None:
        if (self.assets_medium is None) != (self.assets_large is None):
            given = "assets_medium" if self.assets_large is None else "assets_large"
            raise ThresholdError(
                f"'assets_medium' and 'assets_large' must be given together: "
                f"only {given!r} was given"
            )
        pairs = [("intent_some", "intent_strong")]
        if self.assets_medium is not None:
            pairs.insert(0, ("assets_medium", "assets_large"))
        for lo_name, hi_name in pairs:
            lo, hi = getattr(self, lo_name), getattr(self, hi_name)
            if hi < lo:
                raise ThresholdError(
                    f"{hi_name!r} must be >= {lo_name!r} ({lo}): got {hi}"
                )

    def _repr_html_(self) -> str:
        fmt = _display.format_value

        def rows(
            lo: float | None, hi: float | None, names: tuple[str, ...]
        ) -> list[list[str]]:
            if lo is None or hi is None:
                return [[n, "levels only (no thresholds)"] for n in names]
            return [
                [names[0], f"< {fmt(lo)}"],
                [names[1], f"{fmt(lo)} to < {fmt(hi)}"],
                [names[2], f">= {fmt(hi)}"],
            ]

        table = [
            ["assets " + n, r]
            for n, r in rows(self.assets_medium, self.assets_large, ASSET_LEVELS)
        ] + [
            ["intent " + n, r]
            for n, r in rows(self.intent_some, self.intent_strong, INTENT_LEVELS)
        ]
        return _display.html_table(
            "ValueTierThresholds: levels of assets and intent",
            ["level", "values"],
            table,
        )


def _is_numeric(x: Any) -> bool:
    """Whether *x* holds numbers (amounts, scores) rather than levels:
    integers, floats and decimals (:class:`~decimal.Decimal`,
    ``decimal128[pyarrow]``), also as the categories of a Categorical or the
    values of an Arrow dictionary (``ArrowDtype(dictionary<values=int64>)``,
    a Categorical written to Parquet and read back); a column of no value at
    all is numbers too (none to read as a level)."""
    x = v.arrow_decoded(x)
    dtype = getattr(x, "dtype", None)
    if dtype is not None and not isinstance(x, list | tuple):
        kind = getattr(dtype, "kind", "O")
        if kind in "iuf":
            return True
        categories = getattr(dtype, "categories", None)
        if categories is not None:  # a Categorical: numbers if they are
            return _is_numeric(categories)
        arrow = getattr(dtype, "pyarrow_dtype", None)
        if arrow is not None and hasattr(arrow, "index_type"):
            # an Arrow dictionary (a Categorical through Parquet): numbers if
            # its values are, as a Categorical's categories
            return v.arrow_numbers(arrow.value_type)
        if hasattr(arrow, "precision") and hasattr(arrow, "scale"):
            return True  # an Arrow decimal
        numeric = getattr(dtype, "is_numeric", None)  # a Polars type
        if not isinstance(dtype, np.dtype) and callable(numeric):
            return bool(numeric())
        if kind != "O" or not isinstance(dtype, np.dtype):
            return False  # text, boolean: levels
        arr = x.to_numpy() if hasattr(x, "to_numpy") else np.asarray(x)
    else:
        if isinstance(x, str | bytes) or np.isscalar(x):
            return False  # as_category / as_numeric report the scalar
        try:
            arr = np.asarray(x)
        except (ValueError, TypeError):
            return False
        if arr.dtype.kind in "iuf":
            return True
        if arr.dtype.kind != "O":
            return False
    values = arr.reshape(-1).tolist()
    kinds = set(map(type, values))  # (one C pass: most columns decide here)
    if kinds <= {str}:
        return False  # words (blank ones too): levels
    # one number among the values is a column of numbers (the words among
    # them, such as 未知, are read apart: _mixed_parts), whatever the order;
    # a float may be NaN (missing), any other number is one
    for kind in kinds:
        if _a_number_type(kind) and (
            not issubclass(kind, float | np.floating)
            or any(x == x for x in values if type(x) is kind)
        ):
            return True
    present = any(
        not v.is_missing_scalar(value)
        and not (isinstance(value, str) and not value.strip())
        for value in values
    )
    return not present and str not in kinds  # nothing written, no word


def _a_number(value: object) -> bool:
    """A number (a decimal too), not a boolean."""
    return _a_number_type(type(value))


def _a_number_type(kind: type) -> bool:
    """Whether values of type *kind* are numbers (decimals too), not booleans."""
    if issubclass(kind, bool | np.bool_):
        return False
    return issubclass(kind, numbers.Real | decimal.Decimal)


def _mixed_parts(x: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """An object column of numbers and words (``[0.9, "未知", ""]``, a
    spreadsheet column with a word where no number was known): its values
    and which are numbers; None for any other column. Each part is read on
    its own, so that a word means what it means in a column of words."""
    if isinstance(x, list | tuple):
        arr = np.empty(len(x), dtype=object)
        arr[:] = list(x)
    elif getattr(getattr(x, "dtype", None), "kind", "") == "O":
        arr = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") else x, dtype=object)
    else:
        return None
    if arr.ndim != 1:
        return None
    values = arr.tolist()
    kinds = set(map(type, values))  # (one C pass: most columns stop here)
    if str not in kinds or kinds <= {str, type(None)}:
        return None
    is_num = np.fromiter(map(_a_number, values), dtype=np.bool_, count=len(values))
    if not is_num.any():
        return None
    return arr, is_num


def _numbers_as_text(x: Any) -> bool:
    """Whether every present value of *x* is text that reads as a number
    (a column of amounts read as text: ``"12000"``; gaps, None, NaN and
    blank text, are not present values)."""
    values = [
        t
        for t in np.asarray(x, dtype=object).reshape(-1).tolist()
        if not v.is_missing_scalar(t) and not (isinstance(t, str) and not t.strip())
    ]
    texts = [t for t in values if isinstance(t, str)]
    if not texts or len(texts) != len(values):
        return False
    try:
        for t in texts:
            float(t.replace(",", ""))
    except ValueError:
        return False
    return True


def _words(
    x: Any, field: str, names: tuple[str, ...], aliases: Mapping[str, int]
) -> np.ndarray:
    """Level codes of the words *x* (the words of a column of numbers and
    words too, numbers as None), by :func:`as_category`; unknown answers that
    are all numbers written as text (``"12000"``, beside a gap or a number)
    are refused with that said.

    >>> _words(["12000", None, "500"], "assets", ASSET_LEVELS, _ASSET_ALIASES)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'assets' has unknown answers '12000', '500', which are numbers written as text (first at row 0, 2 rows affected): give them as numbers (pandas.to_numeric(column)) to be compared with the thresholds, or use the level names ('ordinary', 'medium', 'large')
    """
    try:
        return as_category(x, field, names, aliases=aliases)
    except InputError as exc:
        if exc.field != field or not _numbers_as_text(x):
            raise
        raise InputError(
            field,
            exc.problem + ", which are numbers written as text",
            first_row=exc.first_row,
            n_rows=exc.n_rows,
            fix="give them as numbers (pandas.to_numeric(column)) to be "
            f"compared with the thresholds, or use the level names {names}",
        ) from None


def _levels(
    x: Any,
    field: str,
    lo: float | None,
    hi: float | None,
    names: tuple[str, ...],
    aliases: Mapping[str, int],
) -> np.ndarray:
    """Level codes 0..2 of *x* (-1 where missing), numbers or level names.

    Decimals are compared with the thresholds exactly. Intent thresholds in
    [0, 1] are probabilities: intent numbers outside [0, 1] are refused then.
    """
    x = v.arrow_plain(x)  # (Arrow string_view: read as large_string)
    require_column(x, field)
    mixed = _mixed_parts(x)
    if mixed is not None:  # numbers and words: each part read on its own
        arr, is_num = mixed
        nums = np.where(is_num, arr, np.array(None))  # objects: decimals stay
        words = arr.copy()
        words[is_num] = None
        return np.where(
            is_num,
            _levels(nums, field, lo, hi, names, aliases),
            _words(words, field, names, aliases),
        ).astype(np.int8)
    if not _is_numeric(x):
        return _words(x, field, names, aliases)
    arr = v.as_numeric(x, field, nan="allow")
    probability = (
        field == "intent"
        and lo is not None
        and hi is not None
        and 0 <= lo <= 1
        and 0 <= hi <= 1
    )
    # x >= lo, x >= hi; probabilities x > 1 refused
    arr = exact_sides(
        x,
        arr,
        (lo, hi, 1.0) if probability else (lo, hi),
        move=("down", "down", "up") if probability else "down",
        field=field,
    )
    if probability:
        _check_probabilities(arr, lo, hi)
    if lo is None or hi is None:
        if arr.dtype.kind == "f" and np.isnan(arr).all():
            # no answer at all (an empty CSV column): missing, not numbers
            return np.full(len(arr), MISSING, dtype=np.int8)
        raise ThresholdError(
            f"numeric {field!r} needs thresholds: pass thresholds="
            f"ValueTierThresholds({field}_medium=..., {field}_large=...), fit them "
            f"with fit_value_tiers(...), or pass levels {', '.join(map(repr, names))}"
        )
    level = (arr >= lo).view(np.int8) + (arr >= hi).view(np.int8)
    if arr.dtype.kind == "f":
        level[np.isnan(arr)] = MISSING
    return level


def _check_probabilities(arr: np.ndarray, lo: Any, hi: Any) -> None:
    """Refuse intent numbers outside [0, 1] against probability thresholds."""
    with np.errstate(invalid="ignore"):
        bad = (arr < 0) | (arr > 1)  # NaN: False
    if not bad.any():
        return
    first, count = v.first_offender(bad)
    value = float(arr[first])
    hint = {
        "noise": f" ({v.describe(value)} is 1 and rounding noise: clip at 1)",
        "percentage": f" ({v.describe(value)} looks like a percentage or a "
        "score: divide percentages by 100, or give thresholds on your score's "
        "scale)",
    }.get(v.above_one(value) if value > 1 else "", f" (such as {v.describe(value)})")
    raise InputError(
        "intent",
        f"has numbers outside [0, 1] while the intent thresholds ({_display.number_text(lo)}, "
        f"{_display.number_text(hi)}) are probabilities{hint}",
        first_row=first,
        n_rows=count,
        fix="pass purchase probabilities in [0, 1] (70% is 0.7), or thresholds on "
        "the scale of your numbers (ValueTierThresholds(intent_some=3, "
        "intent_strong=4) for a 1-5 score), or the levels 'unclear', 'some', "
        "'strong'",
    )


def _check_lang(lang: Any) -> str:
    return v.choice(lang, "lang", LANGS)


def _check_thresholds(thresholds: Any) -> ValueTierThresholds:
    if thresholds is None:
        return ValueTierThresholds()
    if not isinstance(thresholds, ValueTierThresholds):
        raise ThresholdError(
            f"'thresholds' must be a ValueTierThresholds: got "
            f"{type(thresholds).__name__} {v.describe(thresholds)}"
        )
    return thresholds


def value_tier(
    assets: Any,
    intent: Any,
    *,
    thresholds: ValueTierThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Value tier A/B/C/D of each customer from assets and purchase intent.

    Parameters
    ----------
    assets
        Per customer, a number (spend, declared assets, budget) or a level:
        ``"large"``, ``"medium"``, ``"ordinary"`` (大, 中, 一般, ...).
        Missing (None, NaN, blank or only ``-``/``_``, ``"unknown"``, 未知)
        gives tier D.
    intent
        Per customer, a number (a score or a purchase probability) or a
        level: ``"strong"``, ``"some"``, ``"unclear"`` (强, 一般, 不明显, ...).
        Missing gives tier D. With intent thresholds in [0, 1] (the default)
        numbers are probabilities and must be in [0, 1]; for a score on
        another scale give thresholds on that scale.
    thresholds
        Where numbers change level (half-open intervals, a value on a
        threshold takes the higher level); default
        ``ValueTierThresholds()``: intent 0.3 / 0.7, no asset thresholds
        (numeric assets then need yours or :func:`fit_value_tiers`).
    lang
        ``"en"`` (A, B, C, D) or ``"zh"`` (A类客户 ... D类客户).

    Returns
    -------
    Labels
        Ordered names A, B, C, D (best first, D: not yet known), named
        ``"value_tier"``, on the inputs' pandas index.

    Raises
    ------
    InputError
        An unknown level spelling, a scalar instead of a column, numeric
        intent outside [0, 1] with probability thresholds, different lengths
        or pandas indexes.
    ThresholdError
        Numeric input without thresholds for it; a bad *lang*.

    Examples
    --------
    >>> value_tier(["large", "large", "medium", "ordinary", None],
    ...            ["strong", "unclear", "some", "some", "strong"]).to_numpy().tolist()
    ['A', 'B', 'B', 'C', 'D']
    >>> t = ValueTierThresholds(assets_medium=2000, assets_large=10000)
    >>> value_tier([10000, 9999, 2000, 1999.5, float("nan")],
    ...            [0.7, 0.7, 0.3, 0.9, 0.5], thresholds=t, lang="zh").to_numpy().tolist()
    ['A类客户', 'B类客户', 'B类客户', 'C类客户', 'D类客户']
    """
    lang = _check_lang(lang)
    thresholds = _check_thresholds(thresholds)
    index = common_index(assets=assets, intent=intent)
    a = _levels(
        assets,
        "assets",
        thresholds.assets_medium,
        thresholds.assets_large,
        ASSET_LEVELS,
        _ASSET_ALIASES,
    )
    i = _levels(
        intent,
        "intent",
        thresholds.intent_some,
        thresholds.intent_strong,
        INTENT_LEVELS,
        _INTENT_ALIASES,
    )
    v.check_same_length(assets=a, intent=i)
    key = (a.astype(np.intp) + 1) * 4 + (i + 1)
    codes = _TIER_TABLE[key]
    return Labels(codes, TIER_NAMES[lang], ordered=True, index=index, name="value_tier")


def _share_param(value: Any, name: str) -> float:
    x = v.number_param(value, name)
    if not 0.0 < x <= 1.0:
        raise ThresholdError(f"{name!r} must be in (0, 1]: got {v.describe(value)}")
    return x


def _largest_within(
    values: np.ndarray,
    weights: np.ndarray,
    share: float,
    total: float,
    taken: float = 0.0,
    exact: bool = False,
    *,
    exact_total: Callable[[], Fraction] | None = None,
    taken_from: np.ndarray | None = None,
) -> float | None:
    """The smallest threshold t among *values* such that the weights of
    values >= t, with *taken*, are at most *share* of *total*; None when even
    the largest value's group passes it (or there are no values). With
    *exact*, the weights are whole numbers (decimal revenue in its last
    place, see :mod:`custseg._exact`) compared exactly with *share* read as
    the decimal it prints as. Otherwise the float sums decide, except
    within :data:`_NEAR` of the bound, where the sums are taken exactly
    (:func:`_printed_cumsums`, each weight read once however many values
    sit near the bound: *exact_total* gives *total*'s, and *taken* is the
    sum of *taken_from*): a bound met exactly is met in any unit (revenue
    4, 3, 3 or 4e-09, 3e-09, 3e-09)."""
    if not len(values):
        return None
    uniq, inverse = np.unique(values, return_inverse=True)
    # whole numbers add exactly in any order; other floats are summed sorted
    per = (
        np.bincount(inverse, weights=weights, minlength=len(uniq))
        if exact
        else ordered_sums(weights, inverse, len(uniq))
    )[::-1]
    cum = np.cumsum(per)  # cum[j]: weight of values >= uniq[::-1][j]
    within = (
        exact_share_below(cum + taken, total, share, or_equal=True) if exact else None
    )
    if within is None:
        within = cum <= share * total - taken
        near = np.flatnonzero(np.abs(cum + taken - share * total) <= _NEAR * total)
        if len(near) and exact_total is not None:
            bound = Fraction(repr(float(share))) * exact_total()
            base = Fraction(0) if taken_from is None else _printed_sum(taken_from)
            sums, place = _printed_cumsums(
                weights, len(uniq) - 1 - inverse, int(near[-1])
            )
            limit = (bound - base) * place
            within[near] = [sums[j] <= limit for j in near.tolist()]
    ok = np.flatnonzero(within)
    # cum is non-decreasing: the ok positions are a prefix
    if not len(ok):
        return None
    return float(uniq[::-1][ok[-1]])


#: float sums this close (relative to the total) to a share's bound are
#: compared exactly by :func:`_largest_within`: far above the rounding of a
#: sum of up to 2**30 weights (about 2**30 units of 2**-53), far below any
#: share a user sets
_NEAR = 1e-9


def _printed_cumsums(
    weights: np.ndarray, group: np.ndarray, last: int
) -> tuple[list[int], int]:
    """The exact sums of the *weights* of groups ``0..j``, for each *j* up to
    *last*, each weight read as the decimal it prints as, as whole numbers
    of one decimal place: ``(sums, place)``, ``sums[j] / place`` the sum
    (*group*: each weight's group; groups beyond *last* are left out).

    Each weight is read once (zeros not at all) and the sums are running
    totals of the groups' sums: linear in the rows, however many groups sit
    near a bound (with a share of 1, every group of zero-revenue customers
    below the last buyer does).

    >>> _printed_cumsums(np.array([4e-09, 3e-09, 0.0, 3e-09]), np.array([0, 1, 1, 2]), 2)
    ([4, 7, 10], 1000000000)
    """
    rows = np.flatnonzero((group <= last) & (weights != 0))
    wholes, place = printed_wholes(weights[rows])
    per = [0] * (last + 1)
    for g, whole in zip(group[rows].tolist(), wholes, strict=True):
        per[g] += whole
    return list(itertools.accumulate(per)), place


def _printed_sum(values: np.ndarray) -> Fraction:
    """The exact sum of *values*, each read as the decimal it prints as.

    >>> _printed_sum(np.array([4e-09, 3e-09, 3e-09]))
    Fraction(1, 100000000)
    """
    wholes, place = printed_wholes(values)
    return Fraction(sum(wholes), place)


def _fit_assets(assets: Any) -> Any:
    """*assets* as :func:`fit_value_tiers` reads them: its numbers, with the
    words :func:`value_tier` reads as missing (``"N/A"``, ``""``) as None
    (D, never counted); levels (``"large"``), which no threshold decides,
    and numbers written as text are refused."""
    assets = v.arrow_plain(assets)
    mixed = _mixed_parts(assets)
    if mixed is None and _is_numeric(assets):
        return assets
    words = assets
    if mixed is not None:
        arr, is_num = mixed
        words = np.where(is_num, np.array(None), arr)
    codes = _words(words, "assets", ASSET_LEVELS, _ASSET_ALIASES)
    level = codes != MISSING
    if level.any():
        first, count = v.first_offender(level)
        raise InputError(
            "assets",
            "holds levels, not numbers, so there is no threshold to fit",
            first_row=first,
            n_rows=count,
            fix="pass numeric assets (spend, declared assets, budget; NaN or "
            "a missing word such as 'N/A' where unknown), or use the levels "
            "directly with value_tier",
        )
    if mixed is None:  # no number at all: every customer's assets missing
        return np.full(len(codes), np.nan)
    return np.where(is_num, arr, np.array(None))  # objects: decimals stay


def fit_value_tiers(
    assets: Any,
    intent: Any,
    revenue: Any,
    *,
    a_share: float = 0.2,
    b_share: float = 0.5,
    intent_some: float = 0.3,
    intent_strong: float = 0.7,
) -> ValueTierThresholds:
    """Fit the asset thresholds so that tier A carries a chosen share of revenue.

    The algorithm, exactly (revenue at or below zero and missing revenue
    count as 0; the total is over every customer, D included):

    1. Intent is put on its levels (numbers by *intent_some* and
       *intent_strong*, half-open); customers with missing assets or intent
       (tier D) are never counted in A or B.
    2. ``assets_large`` is the smallest asset value *t* of a customer
       (any who is not D, whatever their intent) such that the strong-intent customers with assets ``>= t`` carry at most
       ``a_share`` of the total revenue (they are A) and all customers with
       assets ``>= t`` at most ``b_share`` (the others among them are B). So
       A's share is at most *a_share* and as large as the bound on A and B
       allows; customers with equal assets share a tier. When no strong-intent
       customer fits (even the richest carry more, or there are none),
       ``assets_large`` is ``inf`` (no customer is large, so none is A) and a
       :class:`~custseg.errors.CustsegWarning` says so. When such a *t*
       exists but no strong-intent customer has assets ``>= t`` (the
       *b_share* bound leaves them all out), A is empty too and a warning
       says so, but ``assets_large`` stays *t*.
    3. ``assets_medium`` is the smallest asset value *t* below
       ``assets_large`` of a customer with at least some intent such that A
       and B (assets ``>= assets_large``, or ``>= t`` with at least some
       intent) carry at most ``b_share`` of the revenue; when no such value
       exists it equals ``assets_large`` (the medium level is empty). A and
       B together never carry more than *b_share*.

    Parameters
    ----------
    assets
        Numeric assets per customer (spend, declared assets, budget); NaN: unknown.
    intent
        Intent per customer, numbers or levels as in :func:`value_tier`.
    revenue
        Revenue per customer, the quantity whose share A and B carry.
    a_share
        The most of the revenue tier A may carry (default 0.2, the source's
        "about 20% of revenue").
    b_share
        The most tiers A and B together may carry (default 0.5, a choice of
        custseg, not of the source); > *a_share*.
    intent_some, intent_strong
        Intent thresholds for numeric intent (kept in the result).

    Returns
    -------
    ValueTierThresholds
        Apply them with :func:`value_tier` to this base or to the next period's.

    Raises
    ------
    InputError
        Assets given as levels (missing words such as ``"N/A"`` are read
        as missing, as :func:`value_tier` reads them), no positive revenue, revenue with integers
        beyond 2**53 (or decimals beyond 2**53 in their last place), or
        whose magnitudes add up past 2**53 (their total would be rounded,
        as :func:`~custseg.summarize` refuses them),
        different lengths or indexes; numeric intent outside [0, 1] when *intent_some* and
        *intent_strong* are in [0, 1] (probabilities).
    ThresholdError
        Shares outside (0, 1] or ``b_share <= a_share``.

    Examples
    --------
    >>> assets = [900, 800, 600, 500, 300, 100]
    >>> intent = ["strong", "strong", "unclear", "strong", "some", "unclear"]
    >>> revenue = [100, 100, 50, 200, 100, 450]
    >>> t = fit_value_tiers(assets, intent, revenue, a_share=0.2, b_share=0.5)
    >>> t
    ValueTierThresholds(assets_medium=500.0, assets_large=600.0, intent_some=0.3, intent_strong=0.7)
    >>> value_tier(assets, intent, thresholds=t).to_numpy().tolist()
    ['A', 'A', 'B', 'B', 'C', 'C']
    """
    a_share = _share_param(a_share, "a_share")
    b_share = _share_param(b_share, "b_share")
    if b_share <= a_share:
        raise ThresholdError(
            f"'b_share' must be > 'a_share' ({a_share}): got {b_share}"
        )
    base = ValueTierThresholds(intent_some=intent_some, intent_strong=intent_strong)
    common_index(assets=assets, intent=intent, revenue=revenue)
    assets = _fit_assets(assets)
    # each asset as the largest double value_tier compares it at or above
    x = v.exact_doubles(assets, v.as_numeric(assets, "assets", nan="allow"), "floor")
    i = _levels(
        intent,
        "intent",
        base.intent_some,
        base.intent_strong,
        INTENT_LEVELS,
        _INTENT_ALIASES,
    )
    # revenue is summed: integers beyond 2**53 are refused, as summarize does
    r = v.as_numeric(revenue, "revenue", nan="allow", sums=True, exact=True).astype(
        np.float64, copy=False
    )
    v.check_same_length(assets=x, intent=i, revenue=r)
    w = np.where(r > 0, r, 0.0)  # NaN > 0 is False
    # decimal revenue as whole numbers of its last place: exact sums and
    # shares, so the thresholds do not move with the unit (0.1, 0.2, 0.7 as
    # 10, 20, 70)
    scale = decimal_scale(w)
    exact = scale is not None
    if exact:
        w = np.rint(w * scale)
    total = float(w.sum()) if exact else ordered_sum(w)  # exact: whole numbers
    if not total > 0:
        raise InputError(
            "revenue",
            "has no positive value, so there is no share for tier A to carry",
            fix="pass revenue per customer with at least one positive value",
        )
    # the exact total, read once and only if a share lands near a bound
    exact_total = functools.cache(lambda: _printed_sum(w))
    known = ~np.isnan(x) & (i >= 0)
    strong = known & (i == 2)
    large = _largest_within(
        x[strong], w[strong], a_share, total, exact=exact, exact_total=exact_total
    )
    if large is not None:
        # any known customer's assets may be the level, not only a strong
        # one's: below the smallest strong value within a_share, down to
        # the next strong value, A is the same customers
        a_weights = np.where(strong[known], w[known], 0.0)
        large = _largest_within(
            x[known], a_weights, a_share, total, exact=exact, exact_total=exact_total
        )
    # large assets with less intent are B: the large level as a whole must
    # stay within b_share, or A and B together would pass it
    whole_level = _largest_within(
        x[known], w[known], b_share, total, exact=exact, exact_total=exact_total
    )
    why = ""
    if large is None:
        top = x[strong].max() if strong.any() else None
        why = (
            "there is no strong-intent customer with known assets"
            if top is None
            else f"the strong-intent customers with the largest assets ({_display.number_text(top)}) "
            f"already carry more than a_share = {_display.number_text(a_share)} of the revenue"
        )
    elif whole_level is None:
        why = (
            f"the customers with the largest assets ({_display.number_text(x[known].max())}) already "
            f"carry more than b_share = {_display.number_text(b_share)} of the revenue"
        )
    else:
        large = max(large, whole_level)
        if not (strong & (x >= large)).any():
            warnings.warn(
                "no customer can be tier A: with any strong-intent customer's "
                "assets as the large level, the customers with large assets "
                f"would carry more than b_share = {_display.number_text(b_share)} of the revenue; "
                f"assets_large is {_display.number_text(large)} (customers above it are B)",
                CustsegWarning,
                stacklevel=2,
            )
    if why or large is None:
        warnings.warn(
            f"no customer can be tier A: {why}; assets_large is inf",
            CustsegWarning,
            stacklevel=2,
        )
        large = math.inf
    in_large = known & (x >= large)
    taken = float(w[in_large].sum()) if exact else ordered_sum(w[in_large])
    candidates = known & (i >= 1) & (x < large)
    medium = _largest_within(
        x[candidates],
        w[candidates],
        b_share,
        total,
        taken,
        exact=exact,
        exact_total=exact_total,
        taken_from=w[in_large],
    )
    if medium is None:
        medium = large
    return attrs.evolve(base, assets_medium=medium, assets_large=large)


# --------------------------------------------------------------------------
# conversion readiness
# --------------------------------------------------------------------------

#: The four factors of a purchase, in the default order of approach.
READINESS_FACTORS = ("need", "motivation", "ability", "timing")

_NO = types.MappingProxyType(
    {
        "en": {
            "need": "no_need",
            "motivation": "no_motivation",
            "ability": "no_ability",
            "timing": "not_now",
        },
        "zh": {
            "need": "无需求",
            "motivation": "无购买动机",
            "ability": "无购买能力",
            "timing": "时机未到",
        },
    }
)
_UNKNOWN = types.MappingProxyType(
    {
        "en": {f: f"{f}_unknown" for f in READINESS_FACTORS},
        "zh": {
            "need": "需求未知",
            "motivation": "动机未知",
            "ability": "购买能力未知",
            "timing": "时机未知",
        },
    }
)
_READY = types.MappingProxyType({"en": "ready", "zh": "可转化"})

#: The suggested approach for each readiness label, per language and label.
READINESS_APPROACH: Mapping[str, Mapping[str, str]] = types.MappingProxyType(
    {
        "en": types.MappingProxyType(
            {
                "no_need": "create the need: show what the product solves for them",
                "need_unknown": "find out the need: ask about their situation and plans",
                "no_motivation": "stimulate the desire: demonstrations, trials, stories of other customers",
                "motivation_unknown": "find out what would move them to buy",
                "no_ability": "offer financing or a payment plan, or a fitting cheaper option",
                "ability_unknown": "find out the budget and the means of payment",
                "not_now": "create urgency: a time-limited offer, an event, a seasonal reason to buy now",
                "timing_unknown": "find out when they plan to buy",
                "ready": "close the sale now",
            }
        ),
        "zh": types.MappingProxyType(
            {
                "无需求": "创造需求：说明产品能为客户解决什么问题",
                "需求未知": "了解需求：询问客户的情况和计划",
                "无购买动机": "激发购买欲望：体验、试用、老客户案例",
                "动机未知": "了解客户的购买动机",
                "无购买能力": "提供分期付款或融资方案，或推荐合适的低价产品",
                "购买能力未知": "了解客户的预算和付款方式",
                "时机未到": "制造购买时机：限时优惠、活动、节日促销",
                "时机未知": "了解客户计划何时购买",
                "可转化": "立即促成交易",
            }
        ),
    }
)

_YES_NO_ALIASES = types.MappingProxyType({**YES_NO_ALIASES, **_UNKNOWN_ALIASES})


def _check_order(order: Any) -> tuple[str, ...]:
    items = v.text_tuple_param(order, "order")
    if sorted(items) != sorted(READINESS_FACTORS):
        listed = ", ".join(repr(f) for f in READINESS_FACTORS)
        raise ThresholdError(f"'order' must list each of {listed} once: got {items}")
    return items


def _readiness_names(
    order: tuple[str, ...] = READINESS_FACTORS, lang: str = "en"
) -> tuple[str, ...]:
    """The readiness label names, in progress order: per factor of *order*
    its "no" label then its unknown label, then ``ready``.

    >>> _readiness_names()
    ('no_need', 'need_unknown', 'no_motivation', 'motivation_unknown', 'no_ability', 'ability_unknown', 'not_now', 'timing_unknown', 'ready')
    """
    order = _check_order(order)
    lang = _check_lang(lang)
    names: list[str] = []
    for f in order:
        names += [_NO[lang][f], _UNKNOWN[lang][f]]
    return (*names, _READY[lang])


def _readiness_table(k: int) -> np.ndarray:
    """Code for every combination of *k* answers (-1, 0, 1 each), indexed by
    ``sum((answer_j + 1) * 3**j)`` over the factors in order: the first
    factor j that is not yes gives 2j (no) or 2j + 1 (unknown); all yes: 2k."""
    table = np.empty(3**k, dtype=np.int8)
    for key in range(3**k):
        code = 2 * k
        for j in range(k):
            answer = (key // 3**j) % 3 - 1
            if answer != 1:
                code = 2 * j + (1 if answer == -1 else 0)
                break
        table[key] = code
    table.flags.writeable = False
    return table


_READINESS_TABLE = _readiness_table(len(READINESS_FACTORS))


def conversion_readiness(
    need: Any,
    motivation: Any,
    ability: Any,
    timing: Any,
    *,
    order: tuple[str, ...] = READINESS_FACTORS,
    lang: str = "en",
) -> Labels:
    """Conversion readiness of each potential customer: ready, or what is missing.

    Parameters
    ----------
    need, motivation, ability, timing
        Per customer, whether the factor is present: booleans, ``0``/``1``,
        or text (``yes``/``no``, ``y``/``n``, ``true``/``false``, 是/否,
        有/无). Missing (None, NaN, blank or only ``-``/``_``, and the words
        ``unknown``, ``n/a``, ``na``, 未知, 不详, ... of the yes/no fields) is
        "unknown".
    order
        The order the factors are read in (a permutation of
        ``("need", "motivation", "ability", "timing")``).
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    Labels
        Named ``"readiness"``, ordered by progress: for each factor in
        *order*, ``no_<factor>`` (``not_now`` for timing) then
        ``<factor>_unknown``; last ``ready``. The first factor in *order*
        that is not "yes" decides: "no" gives its no-label, missing its
        unknown-label, whatever the later factors say. Suggested approaches:
        :data:`READINESS_APPROACH`.

    Raises
    ------
    InputError
        An answer that is not yes, no or missing; different lengths or indexes.
    ThresholdError
        A bad *order* or *lang*.

    Examples
    --------
    >>> r = conversion_readiness(
    ...     need=[True, True, False, True, None],
    ...     motivation=["yes", "yes", "yes", None, "no"],
    ...     ability=[1, 0, 1, 1, 1],
    ...     timing=["是", "是", "否", "否", "是"])
    >>> r.to_numpy().tolist()
    ['ready', 'no_ability', 'no_need', 'motivation_unknown', 'need_unknown']
    >>> READINESS_APPROACH["en"]["no_ability"]
    'offer financing or a payment plan, or a fitting cheaper option'
    """
    order = _check_order(order)
    lang = _check_lang(lang)
    inputs = {
        "need": need,
        "motivation": motivation,
        "ability": ability,
        "timing": timing,
    }
    for f, x in inputs.items():
        require_column(x, f)
    index = common_index(**inputs)
    answers = {
        f: as_category(
            x, f, ("no", "yes"), aliases=_YES_NO_ALIASES, integers=0, booleans=True
        )
        for f, x in inputs.items()
    }
    v.check_same_length(**answers)
    n = len(answers["need"])
    key = np.zeros(n, dtype=np.intp)
    for j, f in enumerate(order):
        key += (answers[f].astype(np.intp) + 1) * 3**j
    codes = _READINESS_TABLE[key]
    return Labels(
        codes,
        _readiness_names(order, lang),
        ordered=True,
        index=index,
        name="readiness",
    )
