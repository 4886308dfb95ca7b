"""Lifecycle stage from recency (active, silent, sleeping, lost), status
classes and new-customer care phases.

Windows are half-open intervals of days since the last purchase,
``[0, b1), [b1, b2), ..., [bk, inf)``: a customer exactly on a break belongs to
the later stage. Customers with no purchase (NaN recency) get a label of their
own, never a stage.

The status classes (domain system 6) are first-match rule lists over a few
facts per customer: :func:`customer_status` (potential, new, repeat,
loyal/VIP, lost), :func:`needs_status` (potential, one-time, regular, loyal,
lost), :func:`visit_tier` (walk-in, ordinary member, VIP) and
:func:`store_visit_class` (the mother-and-baby store classes).
:func:`care_phase` (system 7) is an interval table on days since the first
purchase, the same as the ``base`` preset's ``care_phase`` table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_index
from ._bins import edges_below
from ._categories import MISSING, YES_NO_ALIASES, as_category
from ._validate import exact_sides
from .errors import InputError, ThresholdError
from .labels import Labels, smallest_int_dtype

__all__ = [
    "CarePhases",
    "LifecycleWindows",
    "NeedsThresholds",
    "StatusThresholds",
    "StoreClasses",
    "VisitTiers",
    "care_phase",
    "customer_status",
    "lifecycle_stage",
    "needs_status",
    "store_visit_class",
    "visit_tier",
]


def _floats(values: Any) -> tuple[float, ...]:
    return v.number_tuple_param(values, "breaks")


def _strs(values: Any) -> tuple[str, ...]:
    return v.label_tuple_param(values, "labels")


def _str(value: Any) -> str:
    return v.label_param(value, "no_purchase")


def _windows_html(
    title: str,
    what: str,
    labels: tuple[str, ...],
    breaks: tuple[float, ...],
    missing_row: list[str],
) -> str:
    """The table of half-open day windows ``[lo, hi)`` for notebooks, each
    break as written (:func:`custseg._display.number_text`, as the HTML
    report shows it): a rounded break would misplace a customer on it."""
    fmt = _display.number_text
    starts = (0.0, *breaks)
    ends = (*breaks, None)
    rows = [
        [label, f"{fmt(lo)} to < {fmt(hi)}" if hi is not None else f">= {fmt(lo)}"]
        for label, lo, hi in zip(labels, starts, ends, strict=True)
    ]
    rows.append(missing_row)
    return _display.html_table(title, [what, "days"], rows)


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
        Stage names, one more than *breaks*, most recent first. Each is
        checked as rules files check labels: text that is not blank, of at
        most 100 characters, without control or invisible characters.
    no_purchase
        Label for customers without a purchase (NaN recency); a name as
        *labels* are.

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
    custseg.errors.ThresholdError: 'sleeping' must be > 'silent' (90): got 60
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
                    f"a finite day > 0: got {_display.number_text(b)}"
                )
            if i and b <= self.breaks[i - 1]:
                raise ThresholdError(
                    f"{self.labels[i + 1]!r} must be > {self.labels[i]!r} "
                    f"({_display.number_text(self.breaks[i - 1])}): "
                    f"got {_display.number_text(b)}"
                )
        names = (*self.labels, self.no_purchase)
        if len(set(names)) != len(names):
            raise ThresholdError(
                f"'labels' and 'no_purchase' must be distinct: got {names}"
            )
        # as a rules file checks a table's labels (duplicate-name): two
        # stages that print as one would be counted and written as one
        # (named by the parameters that hold the two: two labels, or one of
        # them and no_purchase)
        v.refuse_alike(self.labels, "'labels'")
        v.refuse_alike(names, "'labels' and 'no_purchase'")

    def _repr_html_(self) -> str:
        return _windows_html(
            "LifecycleWindows: days since the last purchase",
            "stage",
            self.labels,
            self.breaks,
            [self.no_purchase, "no purchase (NaN recency)"],
        )


def lifecycle_stage(
    recency_days: Any,
    windows: LifecycleWindows | None = None,
    *,
    lang: str = "en",
    frequency: Any = None,
    tenure_days: Any = None,
) -> Labels:
    """Lifecycle stage of each customer from days since the last purchase.

    Parameters
    ----------
    recency_days
        Days since the last purchase, one per customer (NaN: no purchase).
    windows
        The breaks and names; default :class:`LifecycleWindows` (e-commerce).
    lang
        ``"en"`` (default) or ``"zh"``: the Chinese names of the stages the
        presets name (active 活跃期, silent 沉默期, sleeping 睡眠期, lost
        流失期, gone 已流失, no_purchase 未购买); other names are kept.
    frequency
        Purchases per customer (optional). Given, a NaN recency is
        ``no_purchase`` only where the frequency is 0: a buyer's (a facts
        table with gaps) is ``unknown`` (未知), as the presets'
        ``lifecycle`` table gives it; without it every NaN recency is
        ``no_purchase``.
    tenure_days
        Days since the first purchase (optional), as :func:`customer_status`
        reads them: a tenure below the recency is an error, and with
        *frequency* a one-purchase buyer's missing recency is the tenure
        (the one purchase is the first and the last), so the stage agrees
        with the status (a single purchase 300 days ago is ``lost``, not
        ``unknown``). A buyer of more purchases (or of a missing count)
        whose recency is missing has one at most the tenure: where every
        such day is in the first stage (a tenure of 20 days, below the
        first break), the stage is that one, as :func:`customer_status`
        deduces ``new`` or ``repeat`` from the bound (the presets'
        ``lifecycle`` table still says ``unknown`` there). Without
        *frequency*, a known tenure is a purchase all the same: a missing
        recency beside it is that stage or ``unknown``, never
        ``no_purchase``.

    Returns
    -------
    Labels
        Ordered names: the stages, then the no-purchase label (then
        ``unknown`` when *frequency* or *tenure_days* is given).

    Raises
    ------
    InputError
        Negative recency (a purchase after the reference day); a
        *tenure_days* below the recency.

    Examples
    --------
    >>> stage = lifecycle_stage([0, 89, 90, 179.5, 180, 270, 400, float("nan")])
    >>> stage.to_numpy().tolist()
    ['active', 'active', 'silent', 'silent', 'sleeping', 'lost', 'lost', 'no_purchase']
    >>> lifecycle_stage([10, 100, float("nan")], lang="zh").to_numpy().tolist()
    ['活跃期', '沉默期', '未购买']

    A buyer with no recency is not a non-buyer:

    >>> lifecycle_stage([10, float("nan"), float("nan")],
    ...                 frequency=[1, 0, 3]).to_numpy().tolist()
    ['active', 'no_purchase', 'unknown']

    One purchase is the first and the last: its tenure is its recency.

    >>> lifecycle_stage([float("nan"), float("nan")], frequency=[1, 2],
    ...                 tenure_days=[300, 300]).to_numpy().tolist()
    ['lost', 'unknown']

    Two purchases within 20 days: the last was at most 20 days ago.

    >>> lifecycle_stage([float("nan")], frequency=[2],
    ...                 tenure_days=[20]).to_numpy().tolist()
    ['active']
    """
    windows = LifecycleWindows() if windows is None else windows
    if not isinstance(windows, LifecycleWindows):
        raise ThresholdError(
            f"'windows' must be a LifecycleWindows: got {type(windows).__name__}"
        )
    bought = frequency is not None or tenure_days is not None
    extra = ("unknown",) if bought else ()
    names = _translate((*windows.labels, windows.no_purchase, *extra), lang, _ZH_STAGES)
    if len(set(names)) < len(names):
        raise ThresholdError(
            f"'lang' {lang!r} gives two stages one name ({', '.join(names)}): "
            "name the windows' stages in that language yourself, with lang='en'"
        )
    r = v.as_numeric(recency_days, "recency_days", nan="allow")
    r = exact_sides(recency_days, r, windows.breaks, move="down", field="recency_days")
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
    codes = codes.astype(smallest_int_dtype(n_names + len(extra)))
    if r.dtype.kind == "f":
        codes[np.isnan(r)] = len(windows.labels)
    index = common_index(
        recency_days=recency_days, frequency=frequency, tenure_days=tenure_days
    )
    if tenure_days is not None:
        t = _amounts(tenure_days, "tenure_days", negative=False, cuts=windows.breaks)
        v.check_same_length(recency_days=r, tenure_days=t)
        v.refuse_early_tenure(t, r)
        if frequency is not None:
            r = _one_purchase_days(codes, frequency, r, t, windows.breaks)
        else:  # a known tenure is a purchase: a count unknown, else none
            frequency = np.where(_nan_mask(t), 0.0, np.nan)
    if frequency is not None:
        _put(codes, _bought_unknown(frequency, r), len(windows.labels) + 1)
        if tenure_days is not None:
            # a missing recency lies in [0, tenure]: one stage when the
            # tenure is in the stage of day 0 (customer_status deduces alike)
            first = int(edges_below(np.zeros(1), windows.breaks, inclusive=True)[0])
            _decided(codes, frequency, r, t, windows.breaks, first)
    return Labels(codes, names, ordered=True, index=index, name="lifecycle")


def _decided(
    codes: np.ndarray,
    frequency: Any,
    days: np.ndarray,
    bound: np.ndarray,
    breaks: tuple[float, ...],
    code: int,
) -> None:
    """Set *codes* in place to *code* where a buyer's *days* are missing
    but the other day count, *bound*, is known and in the class *code* of
    *breaks*: the caller passes the class every day count that bound
    allows falls in (a recency is at most the tenure, a tenure at least
    the recency). A buyer is a frequency above 0 or missing (a frequency
    of 0 is no purchase: kept).

    >>> codes = np.array([5, 5, 5, 5, 0])
    >>> nan = float("nan")
    >>> _decided(codes, [2, 0, 2, 2, 2], np.array([nan, nan, nan, nan, 1.0]),
    ...          np.array([20.0, 20.0, 95.0, nan, 20.0]), (90.0,), 0)
    >>> codes.tolist()
    [0, 5, 5, 5, 0]
    """
    f = _counts(frequency, "frequency")
    bought = ~(f == 0) if f.dtype.kind == "f" else f != 0
    known = ~_nan_mask(bound)
    put = bought & _nan_mask(days) & known
    put[put] = edges_below(bound[put], breaks, inclusive=True) == code
    codes[put] = code


def _one_purchase_days(
    codes: np.ndarray,
    frequency: Any,
    days: np.ndarray,
    other: np.ndarray,
    breaks: tuple[float, ...],
) -> np.ndarray:
    """*days* with those of one purchase that are missing where *other* is
    known made *other* (the one purchase is the first and the last), and
    their *codes* (classes of *breaks*) set in place.

    >>> codes = np.array([9, 9, 9])
    >>> nan = float("nan")
    >>> _one_purchase_days(codes, [1, 2, 1], np.array([nan, nan, 5.0]),
    ...                    np.array([40.0, 40.0, 5.0]), (10.0, 30.0)).tolist()
    [40.0, nan, 5.0]
    >>> codes.tolist()
    [2, 9, 9]
    """
    f = _counts(frequency, "frequency")
    v.check_same_length(frequency=f, days=days)
    gap = (f == 1) & _nan_mask(days) & ~_nan_mask(other)
    if not gap.any():
        return days
    days = np.where(gap, other, days)
    codes[gap] = edges_below(days[gap], breaks, inclusive=True).astype(codes.dtype)
    return days


def _bought_unknown(frequency: Any, days: np.ndarray) -> np.ndarray:
    """Rows whose *days* are NaN but who may have bought: a frequency
    above 0, or missing (no purchase only when the frequency says 0)."""
    f = _counts(frequency, "frequency")
    v.check_same_length(frequency=f, days=days)
    nan = _nan_mask(days)
    if f.dtype.kind == "f":
        return nan & ~(f == 0)
    return nan & (f != 0)


# --------------------------------------------------------------------------
# Status classes and care phases (domain systems 6 and 7)
#
# Every classifier below is a first-match rule list over a few facts per
# customer, computed as integer codes in one pass per rule. Labels come in
# English or Chinese (``lang``); missing inputs get an explicit label
# ("unknown", 未知) wherever the missing value could change the answer, with
# the three-valued logic of the rules DSL: a missing flag cannot make a
# customer VIP, nor rule it out.

_LANGS = ("en", "zh")

#: Chinese names of the built-in labels (status classes and care phases).
_ZH = {
    "potential": "潜在",
    "new": "新客",
    "repeat": "重复购买",
    "loyal": "忠诚VIP",
    "lost": "流失",
    "no_purchase": "未购买",
    "unknown": "未知",
    "one_time": "一次性",
    "regular": "常规",
    "walk_in": "散客",
    "member": "会员",
    "ordinary_member": "普通会员",
    "vip": "VIP",
    "visited_bought": "进店已购",
    "visited_not_bought": "进店未购",
    "care": "关怀",
    "recommend": "推荐活动",
    "stimulate": "刺激活动",
    "established": "老客户",
}
#: Where one English name means something else in one scheme.
_ZH_NEEDS = {**_ZH, "loyal": "忠诚"}
#: The lifecycle stages, as the presets translate them.
_ZH_STAGES = {
    "active": "活跃期",
    "silent": "沉默期",
    "sleeping": "睡眠期",
    "lost": "流失期",
    "gone": "已流失",
    "no_purchase": "未购买",
    "unknown": "未知",  # a buyer whose recency is missing (frequency given)
}

# The English names of each scheme, in code order (lang="zh" translates them).
STATUS_NAMES = ("potential", "new", "repeat", "loyal", "lost", "no_purchase", "unknown")
NEEDS_NAMES = (
    "potential",
    "one_time",
    "regular",
    "loyal",
    "lost",
    "no_purchase",
    "unknown",
)
VISIT_TIER_NAMES = ("walk_in", "ordinary_member", "vip", "unknown")
VISIT_TIER_UNSPLIT_NAMES = ("walk_in", "member", "unknown")
STORE_CLASS_NAMES = (
    "potential",
    "visited_not_bought",
    "visited_bought",
    "vip",
    "unknown",
)


def _translate(
    names: tuple[str, ...], lang: Any, table: dict[str, str] | None = None
) -> tuple[str, ...]:
    """*names* in *lang*; names without a translation are kept as given."""
    lang = v.choice(lang, "lang", _LANGS)
    if lang == "en":
        return names
    table = _ZH if table is None else table
    return tuple(table.get(name, name) for name in names)


def _threshold(
    value: Any, field: str, *, low: float, strict: bool = True, inf: bool = False
) -> float:
    """One numeric threshold, ``> low`` (or ``>= low``); finite unless *inf*."""
    x = v.number_param(value, field)
    if np.isnan(x) or (np.isinf(x) and not (inf and x > 0)):
        raise ThresholdError(
            f"{field!r} must be a finite number"
            + (" (or inf)" if inf else "")
            + f": got {_display.number_text(x)}"
        )
    if x < low or (strict and x == low):
        raise ThresholdError(
            f"{field!r} must be {'>' if strict else '>='} "
            f"{_display.number_text(low)}: got {_display.number_text(x)}"
        )
    return x


def _new_days(value: Any) -> float:
    return _threshold(value, "new_days", low=0)


def _lost_days(value: Any) -> float:
    return _threshold(value, "lost_days", low=0)


def _loyal_orders(value: Any) -> float:
    return _threshold(value, "loyal_orders", low=2, strict=False, inf=True)


def _regular_orders(value: Any) -> float:
    return _threshold(value, "regular_orders", low=2, strict=False)


def _member_visits(value: Any) -> float:
    return _threshold(value, "member_visits", low=1, strict=False)


def _optional_threshold(value: Any, field: str, *, low: float | None) -> float | None:
    if value is None:
        return None
    x = v.number_param(value, field)
    if not np.isfinite(x):
        raise ThresholdError(
            f"{field!r} must be a finite number or None: got {_display.number_text(x)}"
        )
    if low is not None and x <= low:
        raise ThresholdError(
            f"{field!r} must be > {_display.number_text(low)}: "
            f"got {_display.number_text(x)}"
        )
    return x


def _check_type(value: Any, cls: type, field: str) -> Any:
    value = cls() if value is None else value
    if not isinstance(value, cls):
        raise ThresholdError(
            f"{field!r} must be a {cls.__name__}: got {type(value).__name__}"
        )
    return value


def _amounts(
    x: Any,
    field: str,
    *,
    negative: bool,
    cuts: Iterable[float | None] = (),
    whole: bool = False,
) -> np.ndarray:
    """Numbers (NaN allowed); negative ones refused unless *negative*.
    Decimals are compared with *cuts* (and 0) exactly (:func:`exact_sides`)."""
    arr = v.as_numeric(x, field, nan="allow")
    # every caller compares with x >= cut or x < cut
    arr = exact_sides(x, arr, cuts, whole=whole, move="down", field=field)
    if not negative and len(arr) and np.fmin.reduce(arr) < 0:
        first, count = v.first_offender(arr < 0)
        raise InputError(
            field,
            "has negative values",
            first_row=first,
            n_rows=count,
            fix="counts and days are >= 0; check the column",
        )
    return arr


def _counts(x: Any, field: str, cuts: Iterable[float | None] = ()) -> np.ndarray:
    """Whole, non-negative counts (NaN allowed: unknown)."""
    arr = _amounts(x, field, negative=False, cuts=cuts, whole=True)
    if arr.dtype.kind == "f" and len(arr):
        frac = arr != np.trunc(arr)  # NaN != NaN, so mask NaN out below
        frac &= ~np.isnan(arr)
        if frac.any():
            first, count = v.first_offender(frac)
            raise InputError(
                field,
                "has non-integer values",
                first_row=first,
                n_rows=count,
                fix="counts are whole numbers of purchases or visits",
            )
    return arr


_YES_NO = ("no", "yes")


def _flag(x: Any, field: str) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no column with missing values: (true mask, missing mask).

    Answers go through :func:`~custseg._categories.as_category`: True/False,
    1/0, and the texts yes/no and :data:`custseg._categories.YES_NO_ALIASES`
    (true/false, y/n, 是/否, 有/无, ...; any case); None, NaN,
    pd.NA, text of only blanks, ``-`` and ``_``, and the words of
    :data:`custseg._categories.YES_NO_MISSING` (``unknown``, ``n/a``, 未知,
    ...) are missing. Anything else is an InputError naming the unknown
    answers.
    """
    if isinstance(x, str | bytes) or np.isscalar(x) or x is None:
        raise InputError(
            field,
            f"must be an array-like of True/False values, got a scalar {v.describe(x)}",
            fix="pass a list, NumPy array or pandas Series",
        )
    codes = as_category(
        x, field, _YES_NO, aliases=YES_NO_ALIASES, integers=0, booleans=True
    )
    return codes == 1, codes == MISSING


def _optional_flag(x: Any, field: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_flag` of *x* checked to have *n* rows; no column (None) is
    all False, nothing missing."""
    if x is None:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    values, missing = _flag(x, field)
    if len(values) != n:
        raise InputError(
            field, f"has {len(values)} rows but the counts have {n}",
            fix="pass columns of the same table",
        )  # fmt: skip
    return values, missing


def _put(codes: np.ndarray, mask: np.ndarray, code: int) -> None:
    """``codes[mask] = code``, in place, without branches.

    Boolean-mask assignment is a branch per row, mispredicted half the time
    on mixed data (about 13 ms per million rows); ``codes += (code - codes) *
    mask`` is a few vectorised passes (under 1 ms). Codes and *code* are
    below the number of names, so their difference fits the codes' dtype.
    """
    diff = np.subtract(code, codes, dtype=codes.dtype)
    np.multiply(diff, mask, out=diff)
    np.add(codes, diff, out=codes)


def _nan_mask(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "f":
        return np.isnan(x)
    return np.zeros(len(x), dtype=bool)


def _interval(lo: float | None, hi: float | None, unit: str = "") -> str:
    fmt = _display.number_text
    if lo is None and hi is None:
        return "any"
    if hi is None:
        return f">= {fmt(lo)}{unit}"
    if lo is None:
        return f"< {fmt(hi)}{unit}"
    return f"[{fmt(lo)}, {fmt(hi)}){unit}"


# ---------------------------------------------------------------- status


@attrs.frozen
class StatusThresholds:
    """Thresholds of :func:`customer_status`: the new-customer window, the
    order count that makes a customer loyal, the silence that makes one lost.

    Intervals are half-open: a customer is *new* while ``tenure_days`` is in
    ``[0, new_days)``, *loyal* from ``frequency >= loyal_orders``, *lost* from
    ``recency_days >= lost_days``.

    *new_days* may pass *lost_days* (a long new-customer window, as a rules
    file that sets ``new_days = 300`` over the ``base`` preset's
    ``lost_days = 270``): lost is tested first, so a customer silent for
    *lost_days* is lost whatever the tenure, and the window's days past
    *lost_days* hold the customers who first bought then but bought again
    recently.

    Parameters
    ----------
    new_days
        Days after the first purchase during which a customer is new. The
        default, 45, is the end of the new-customer care phases
        (:class:`CarePhases`): new customers are those still in their care
        phases (or who have bought only once).
    loyal_orders
        Purchases from which a customer is loyal (besides a VIP or loyalty
        flag); the default 3 is the ``loyal_orders`` of the ``base`` rules
        preset (its 普通忠诚 class). ``inf`` makes loyalty come from the
        flags only. At least 2: loyalty needs a repeat purchase.
    lost_days
        Days since the last purchase from which a customer is lost; the
        default 270 is the start of the lost stage of
        :class:`LifecycleWindows`.

    Examples
    --------
    >>> StatusThresholds()
    StatusThresholds(new_days=45.0, loyal_orders=3.0, lost_days=270.0)

    A 300-day new window with lost from 270 days: two customers who first
    bought 280 days ago, one again 5 days ago, one 275 days ago:

    >>> long = StatusThresholds(new_days=300)
    >>> customer_status([2, 2], [280, 280], [5, 275], thresholds=long).to_numpy().tolist()
    ['new', 'lost']
    """

    new_days: float = attrs.field(default=45, converter=_new_days)
    loyal_orders: float = attrs.field(
        default=3, converter=_loyal_orders, repr=_display.number_repr
    )
    lost_days: float = attrs.field(default=270, converter=_lost_days)

    def _repr_html_(self) -> str:
        fmt = _display.number_text
        rows = [
            ["potential", "no purchase, interest recorded (interested=True)"],
            ["no_purchase", "no purchase, no interest recorded"],
            ["lost", f"recency_days >= {fmt(self.lost_days)}"],
            ["loyal", f"VIP or loyal flag, or frequency >= {fmt(self.loyal_orders)}"],
            ["new", f"tenure_days < {fmt(self.new_days)}, or one purchase"],
            ["repeat", "the other buyers (2 or more purchases)"],
            ["unknown", "a missing input that decides the class"],
        ]
        return _display.html_table(
            "StatusThresholds: first match wins", ["status", "when"], rows
        )


def customer_status(
    frequency: Any,
    tenure_days: Any,
    recency_days: Any,
    *,
    interested: Any = None,
    vip: Any = None,
    loyal: Any = None,
    thresholds: StatusThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Relationship status of each customer: potential, new, repeat, loyal/VIP
    or lost (潜在, 新客, 重复购买, 忠诚VIP, 流失).

    The first matching rule decides:

    1. ``unknown``: frequency missing; or a buyer whose recency or tenure is
       missing where its value would change the status (one purchase is
       new whatever the tenure, a recency of at most a tenure below
       *lost_days* is not lost: recency <= tenure; with one purchase the
       two are equal, so a missing one is the other: a single purchase
       300 days ago, its recency missing, is lost); or a missing flag that
       would decide between loyal and not.
    2. ``potential``: no purchase (frequency 0) and ``interested`` is True.
    3. ``no_purchase``: no purchase and no interest recorded (False, missing
       or not given). Potential customers are defined by a recorded interest,
       so without one a non-buyer is not potential; the label states only the
       fact.
    4. ``lost``: ``recency_days >= lost_days``. Lost comes before loyal: the
       sources call lost "once a customer, no longer buying for a long time",
       whatever the customer was, and the fitting action is a win-back plan,
       not VIP care. It also agrees with :func:`lifecycle_stage`.
    5. ``loyal``: ``vip`` or ``loyal`` is True, or ``frequency >=
       loyal_orders``. Before new: a VIP or a customer with many purchases is
       past the first trial purchase that makes a customer new.
    6. ``new``: ``tenure_days < new_days`` (first purchase within the window)
       or a single purchase (bought once, never again: not a repeat buyer).
    7. ``repeat``: every other buyer (two or more purchases, past the window).

    Parameters
    ----------
    frequency
        Purchases per customer (whole numbers; NaN: unknown).
    tenure_days
        Days since the first purchase (NaN for customers without one).
    recency_days
        Days since the last purchase (NaN for customers without one).
    interested
        Optional yes/no per customer: interest recorded (a lead, an
        enquiry). None (default): no interest data, so nobody is potential.
        Flags take True/False, 1/0 or the texts yes/no, true/false, y/n,
        是/否; None, NaN, blanks, ``-`` and the placeholders ``unknown``,
        ``n/a``, 未知 and the like are missing.
    vip
        Optional yes/no per customer: the customer is a VIP.
    loyal
        Optional True/False per customer from another source of loyalty (a
        survey, a loyalty classification).
    thresholds
        The windows; default :class:`StatusThresholds`.
    lang
        ``"en"`` (default) or ``"zh"`` label names.

    Returns
    -------
    Labels
        Names ``potential, new, repeat, loyal, lost, no_purchase, unknown``
        (not ranked), named ``"status"``.

    Raises
    ------
    InputError
        Negative or fractional counts, negative days, ``tenure_days`` below
        ``recency_days`` (a first purchase after the last), flags that are
        not True/False, columns of different lengths or indexes.

    Examples
    --------
    >>> nan = float("nan")
    >>> customer_status(
    ...     frequency=[0, 0, 1, 2, 2, 5, 4],
    ...     tenure_days=[nan, nan, 3, 10, 200, 300, 400],
    ...     recency_days=[nan, nan, 3, 1, 20, 30, 300],
    ...     interested=[True, False, None, None, None, None, None],
    ... ).to_numpy().tolist()
    ['potential', 'no_purchase', 'new', 'new', 'repeat', 'loyal', 'lost']
    >>> customer_status([1], [3], [3], lang="zh").to_numpy().tolist()
    ['新客']
    >>> customer_status([1, 1], [800, nan], [nan, 800]).to_numpy().tolist()
    ['lost', 'lost']
    """
    th = _check_type(thresholds, StatusThresholds, "thresholds")
    names = _translate(STATUS_NAMES, lang)
    index = common_index(
        frequency=frequency,
        tenure_days=tenure_days,
        recency_days=recency_days,
        interested=interested,
        vip=vip,
        loyal=loyal,
    )
    f = _counts(frequency, "frequency", (th.loyal_orders,))
    # both against both cuts: a Decimal just below one cut, the same in both
    # columns (one purchase), is moved alike, so the two compare as read
    cuts = (th.new_days, th.lost_days)
    t = _amounts(tenure_days, "tenure_days", negative=False, cuts=cuts)
    r = _amounts(recency_days, "recency_days", negative=False, cuts=cuts)
    n = v.check_same_length(frequency=f, tenure_days=t, recency_days=r)
    v.refuse_early_tenure(t, r)
    # one purchase is both the first and the last: its tenure is its
    # recency, so a missing one of the two is the other (a single purchase
    # 800 days ago, its recency missing, is lost, not unknown)
    once = f == 1
    t_gap, r_gap = (
        once & _nan_mask(t) & ~_nan_mask(r),
        once & _nan_mask(r) & ~_nan_mask(t),
    )
    if t_gap.any() or r_gap.any():
        t, r = np.where(t_gap, r, t), np.where(r_gap, t, r)
    vip_yes, vip_na = _optional_flag(vip, "vip", n)
    loyal_yes, loyal_na = _optional_flag(loyal, "loyal", n)
    wants, _ = _optional_flag(interested, "interested", n)
    is_loyal = (f >= th.loyal_orders) | vip_yes | loyal_yes

    def status(in_window: np.ndarray, lost: np.ndarray, rows: Any) -> np.ndarray:
        out = np.full(len(in_window), 2, dtype=np.int8)  # repeat
        _put(out, in_window | (f[rows] < 2), 1)  # new
        # unknown: the flag decides
        _put(out, (vip_na[rows] | loyal_na[rows]) & ~is_loyal[rows], 6)
        _put(out, is_loyal[rows], 3)
        _put(out, lost, 4)
        return out

    codes = status(t < th.new_days, r >= th.lost_days, slice(None))  # NaN: False
    # A missing tenure or recency leaves the status open only where its
    # value would change it: each is read only against its cut (tenure <
    # new_days, recency >= lost_days), and recency <= tenure. So try every
    # side of the two cuts the known facts allow; the status is decided
    # when all of them agree (one purchase is new whatever the tenure).
    # Only buyers with a missing day count are tried (customers without a
    # purchase, whose days are NaN, get their own label below): on the
    # spine's facts, where every buyer has both, this costs one pass.
    t_na, r_na = _nan_mask(t), _nan_mask(r)
    rows = np.flatnonzero((t_na | r_na) & (f >= 1))
    if len(rows):
        tg, rg, tg_na, rg_na = t[rows], r[rows], t_na[rows], r_na[rows]
        in_window = tg < th.new_days  # False where NaN
        lost = rg >= th.lost_days
        gap = np.full(len(rows), -1, dtype=np.int8)
        unknown = np.zeros(len(rows), dtype=bool)
        seen = np.zeros(len(rows), dtype=bool)
        for w_side, l_side in (
            (False, False),
            (False, True),
            (True, False),
            (True, True),
        ):
            w = np.where(tg_na, w_side, in_window)
            lo = np.where(rg_na, l_side, lost)
            # a missing tenure is >= the recency; a missing recency <= the
            # tenure
            possible = np.ones(len(rows), dtype=bool)
            if w_side:
                possible &= ~tg_na | rg_na | (rg < th.new_days)
            if l_side:
                possible &= ~rg_na | tg_na | (tg >= th.lost_days)
            if w_side and l_side:
                possible &= ~(tg_na & rg_na) | (th.lost_days < th.new_days)
            here = status(w, lo, rows)
            unknown |= possible & seen & (here != gap)
            gap = np.where(possible & ~seen, here, gap)
            seen |= possible
        _put(gap, unknown, 6)
        codes[rows] = gap
    buyer = f >= 1
    none = ~buyer & ~_nan_mask(f)
    _put(codes, none, 5)
    _put(codes, none & wants, 0)
    _put(codes, _nan_mask(f), 6)
    return Labels(codes, names, ordered=False, index=index, name="status")


# ---------------------------------------------------------------- needs


@attrs.frozen
class NeedsThresholds:
    """Thresholds of :func:`needs_status`: purchase counts that make a customer
    regular and loyal, and the silence that makes one lost.

    Half-open intervals of purchases: one-time ``[1, regular_orders)``,
    regular ``[regular_orders, loyal_orders)``, loyal ``[loyal_orders, inf)``;
    lost from ``recency_days >= lost_days``.

    Parameters
    ----------
    regular_orders
        Purchases from which a customer is regular (常规); at least 2.
    loyal_orders
        Purchases from which a customer is loyal (忠诚), besides the
        ``loyal`` flag; above *regular_orders*, or ``inf`` (loyalty from the
        flag only, as the source's "always chooses us and recommends us").
        The default 3 is the ``base`` preset's ``loyal_orders``.
    lost_days
        Days since the last purchase from which a customer is lost; default
        270, the lost stage of :class:`LifecycleWindows`.

    Examples
    --------
    >>> NeedsThresholds()
    NeedsThresholds(regular_orders=2.0, loyal_orders=3.0, lost_days=270.0)
    >>> NeedsThresholds(regular_orders=4, loyal_orders=4)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'loyal_orders' must be > 'regular_orders' (4): got 4
    """

    regular_orders: float = attrs.field(default=2, converter=_regular_orders)
    loyal_orders: float = attrs.field(
        default=3, converter=_loyal_orders, repr=_display.number_repr
    )
    lost_days: float = attrs.field(default=270, converter=_lost_days)

    def __attrs_post_init__(self) -> None:
        if not np.isfinite(self.regular_orders):
            raise ThresholdError(
                "'regular_orders' must be a finite number: got "
                f"{_display.number_text(self.regular_orders)}"
            )
        if self.loyal_orders <= self.regular_orders:
            raise ThresholdError(
                "'loyal_orders' must be > 'regular_orders' "
                f"({_display.number_text(self.regular_orders)}): "
                f"got {_display.number_text(self.loyal_orders)}"
            )

    def _repr_html_(self) -> str:
        fmt = _display.number_text
        rows = [
            ["potential", "no purchase, interest recorded (interested=True)"],
            ["no_purchase", "no purchase, no interest recorded"],
            ["lost", f"recency_days >= {fmt(self.lost_days)}"],
            ["loyal", f"loyal flag, or frequency >= {fmt(self.loyal_orders)}"],
            [
                "regular",
                f"frequency in {_interval(self.regular_orders, self.loyal_orders)}",
            ],
            ["one_time", f"frequency in {_interval(1.0, self.regular_orders)}"],
            ["unknown", "a missing input that decides the class"],
        ]
        return _display.html_table(
            "NeedsThresholds: first match wins", ["status", "when"], rows
        )


def needs_status(
    frequency: Any,
    recency_days: Any,
    *,
    interested: Any = None,
    loyal: Any = None,
    thresholds: NeedsThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Status by needs and buying behaviour: potential, one-time, regular,
    loyal or lost (潜在, 一次性, 常规, 忠诚, 流失).

    The first matching rule decides:

    1. ``unknown``: frequency missing; a buyer whose recency is missing; a
       missing ``loyal`` flag that would decide between loyal and not.
    2. ``potential``: no purchase and ``interested`` is True (enquired, did
       not buy); ``no_purchase``: no purchase and no interest recorded.
    3. ``lost``: ``recency_days >= lost_days`` (bought once, long ago; before
       loyal, as in :func:`customer_status`).
    4. ``loyal``: the ``loyal`` flag, or ``frequency >= loyal_orders``.
    5. ``regular``: ``frequency >= regular_orders``.
    6. ``one_time``: the other buyers (fewer than *regular_orders* purchases).

    Parameters
    ----------
    frequency
        Purchases per customer (whole numbers; NaN: unknown).
    recency_days
        Days since the last purchase (NaN for customers without one).
    interested
        Optional True/False per customer: interest recorded. None (default):
        no interest data, so nobody is potential.
    loyal
        Optional True/False per customer: loyalty known from elsewhere (always
        chooses you and recommends you to others).
    thresholds
        The counts and window; default :class:`NeedsThresholds`.
    lang
        ``"en"`` (default) or ``"zh"`` label names.

    Returns
    -------
    Labels
        Names ``potential, one_time, regular, loyal, lost, no_purchase,
        unknown`` (not ranked), named ``"needs_status"``.

    Raises
    ------
    InputError
        Negative or fractional counts, negative days, flags that are not
        True/False, columns of different lengths or indexes.

    Examples
    --------
    >>> nan = float("nan")
    >>> needs_status([0, 1, 2, 7, 1], [nan, 10, 10, 10, 400],
    ...              interested=[True, None, None, None, None]).to_numpy().tolist()
    ['potential', 'one_time', 'regular', 'loyal', 'lost']
    >>> needs_status([1, 2, 7], [10, 10, 10], lang="zh").to_numpy().tolist()
    ['一次性', '常规', '忠诚']
    """
    th = _check_type(thresholds, NeedsThresholds, "thresholds")
    names = _translate(NEEDS_NAMES, lang, _ZH_NEEDS)
    index = common_index(
        frequency=frequency,
        recency_days=recency_days,
        interested=interested,
        loyal=loyal,
    )
    f = _counts(frequency, "frequency", (th.regular_orders, th.loyal_orders))
    r = _amounts(recency_days, "recency_days", negative=False, cuts=(th.lost_days,))
    n = v.check_same_length(frequency=f, recency_days=r)
    loyal_yes, loyal_na = _optional_flag(loyal, "loyal", n)
    wants, _ = _optional_flag(interested, "interested", n)
    codes = np.full(n, 1, dtype=np.int8)  # one_time
    _put(codes, f >= th.regular_orders, 2)
    is_loyal = (f >= th.loyal_orders) | loyal_yes
    _put(codes, loyal_na & ~is_loyal, 6)
    _put(codes, is_loyal, 3)
    _put(codes, r >= th.lost_days, 4)
    _put(codes, _nan_mask(r), 6)
    none = (f < 1) & ~_nan_mask(f)
    _put(codes, none, 5)
    _put(codes, none & wants, 0)
    _put(codes, _nan_mask(f), 6)
    return Labels(codes, names, ordered=False, index=index, name="needs_status")


# ---------------------------------------------------------------- visit tiers


def _vip_rule(value: Any) -> str:
    return v.choice(value, "vip_rule", ("either", "both"))


def _vip_visits(value: Any) -> float | None:
    return _optional_threshold(value, "vip_visits", low=1)


def _vip_purchases(value: Any) -> float | None:
    return _optional_threshold(value, "vip_purchases", low=1)


def _optional_amount(value: Any) -> float | None:
    return _optional_threshold(value, "vip_spend", low=None)


@attrs.frozen
class VisitTiers:
    """Thresholds of :func:`visit_tier`: walk-in (散客) versus member (会员),
    members split ordinary (普通会员) and VIP.

    Half-open intervals: a walk-in has ``visits`` in ``[0, member_visits)``,
    a member ``[member_visits, inf)``. A member is VIP when ``visits >=
    vip_visits`` and/or ``spend >= vip_spend`` (*vip_rule*); a threshold
    set to None takes no part.

    Parameters
    ----------
    member_visits
        Visits (or purchases) from which a customer is a member; >= 1. The
        default 2: a walk-in comes once ("passing by, for a one-off need").
    vip_visits
        Visits from which a member is VIP, above *member_visits*; None: VIP
        by spend only.
    vip_spend
        Spend from which a member is VIP; None (default): VIP by visits only.
    vip_rule
        ``"either"`` (default: one of the VIP thresholds is enough) or
        ``"both"`` (a VIP passes every threshold that is set).

    Examples
    --------
    >>> VisitTiers()
    VisitTiers(member_visits=2.0, vip_visits=12.0, vip_spend=None, vip_rule='either')
    >>> VisitTiers(vip_visits=None)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'vip_visits' and 'vip_spend' cannot both be None: set one, or call visit_tier(..., split_members=False)
    """

    member_visits: float = attrs.field(default=2, converter=_member_visits)
    vip_visits: float | None = attrs.field(default=12, converter=_vip_visits)
    vip_spend: float | None = attrs.field(default=None, converter=_optional_amount)
    vip_rule: str = attrs.field(default="either", converter=_vip_rule)

    def __attrs_post_init__(self) -> None:
        if not np.isfinite(self.member_visits):
            raise ThresholdError(
                "'member_visits' must be a finite number: got "
                f"{_display.number_text(self.member_visits)}"
            )
        if self.vip_visits is None and self.vip_spend is None:
            raise ThresholdError(
                "'vip_visits' and 'vip_spend' cannot both be None: set one, or "
                "call visit_tier(..., split_members=False)"
            )
        if self.vip_visits is not None and self.vip_visits <= self.member_visits:
            raise ThresholdError(
                "'vip_visits' must be > 'member_visits' "
                f"({_display.number_text(self.member_visits)}): "
                f"got {_display.number_text(self.vip_visits)}"
            )

    def _vip_text(self) -> str:
        fmt = _display.number_text
        parts = []
        if self.vip_visits is not None:
            parts.append(f"visits >= {fmt(self.vip_visits)}")
        if self.vip_spend is not None:
            parts.append(f"spend >= {fmt(self.vip_spend)}")
        return f" {'or' if self.vip_rule == 'either' else 'and'} ".join(parts)

    def _repr_html_(self) -> str:
        fmt = _display.number_text
        rows = [
            ["walk_in", f"visits < {fmt(self.member_visits)}"],
            ["ordinary_member", f"visits >= {fmt(self.member_visits)}, not VIP"],
            ["vip", f"visits >= {fmt(self.member_visits)} and ({self._vip_text()})"],
            ["unknown", "a missing input that decides the tier"],
        ]
        return _display.html_table("VisitTiers", ["tier", "when"], rows)


def visit_tier(
    visits: Any,
    spend: Any = None,
    *,
    tiers: VisitTiers | None = None,
    split_members: bool = True,
    lang: str = "en",
) -> Labels:
    """Tier by visit count: walk-in (散客) or member (会员), members split into
    ordinary (普通会员) and VIP.

    ``walk_in`` below ``member_visits``; members are ``vip`` when they pass
    the VIP thresholds (*vip_rule* ``"either"`` or ``"both"``), otherwise
    ``ordinary_member``; with ``split_members=False`` they are all
    ``member``. More visits or more spend never lowers the tier.
    ``unknown``: visits missing, or spend missing where it decides VIP
    (three-valued logic: with ``"either"`` a member over ``vip_visits`` is
    VIP whatever the spend; with ``"both"`` one under it is ordinary).

    Parameters
    ----------
    visits
        Visits (or purchases) per customer, whole numbers; NaN: unknown.
        0 visits is a walk-in tier; for people who never came use
        :func:`store_visit_class`.
    spend
        Spend per customer (NaN: unknown); required when the tiers set
        ``vip_spend``. Checked whenever given (numbers, one per customer,
        the same index as *visits*), also when the tiers do not use it
        (the default ``vip_spend=None``: VIP by visits only).
    tiers
        The thresholds; default :class:`VisitTiers`.
    split_members
        Whether to split members into ordinary and VIP (default True).
    lang
        ``"en"`` (default) or ``"zh"`` label names.

    Returns
    -------
    Labels
        Ranked names ``walk_in, ordinary_member, vip, unknown`` (or
        ``walk_in, member, unknown``), named ``"visit_tier"``.

    Raises
    ------
    InputError
        Negative or fractional visits, *spend* that is not numbers (given,
        whether used or not) or missing while needed, columns of different
        lengths or indexes.

    Examples
    --------
    >>> visit_tier([1, 2, 11, 12]).to_numpy().tolist()
    ['walk_in', 'ordinary_member', 'ordinary_member', 'vip']
    >>> tiers = VisitTiers(vip_visits=6, vip_spend=5000, vip_rule="both")
    >>> visit_tier([6, 6, 20], [4999, 5000, 100], tiers=tiers, lang="zh").to_numpy().tolist()
    ['普通会员', 'VIP', '普通会员']
    """
    tiers = _check_type(tiers, VisitTiers, "tiers")
    split_members = v.flag_param(split_members, "split_members")
    names = _translate(
        VISIT_TIER_NAMES if split_members else VISIT_TIER_UNSPLIT_NAMES, lang
    )
    index = common_index(visits=visits, spend=spend)
    x = _counts(visits, "visits", (tiers.member_visits, tiers.vip_visits))
    n = len(x)
    s: np.ndarray | None = None
    if spend is not None:
        # checked whenever given, also where the tiers do not read it
        s = _amounts(spend, "spend", negative=True, cuts=(tiers.vip_spend,))
        v.check_same_length(visits=x, spend=s)
    member = x >= tiers.member_visits
    unknown = _nan_mask(x)
    if not split_members:
        codes = member.astype(np.int8)
        _put(codes, unknown, 2)
        return Labels(codes, names, ordered=True, index=index, name="visit_tier")
    tests: list[tuple[np.ndarray, np.ndarray]] = []  # (true, missing) per test
    if tiers.vip_visits is not None:
        tests.append((x >= tiers.vip_visits, np.zeros(n, dtype=bool)))
    if tiers.vip_spend is not None:
        if s is None:
            raise InputError(
                "spend",
                f"is needed: the tiers make members VIP by spend (vip_spend="
                f"{_display.number_text(tiers.vip_spend)})",
                fix="pass spend, or VisitTiers(vip_spend=None)",
            )
        tests.append((s >= tiers.vip_spend, _nan_mask(s)))
    # Kleene logic: or = true if any true; and = false if any false
    if tiers.vip_rule == "either" or len(tests) == 1:
        is_vip = np.logical_or.reduce([t for t, _ in tests])
        vip_na = ~is_vip & np.logical_or.reduce([m for _, m in tests])
    else:
        is_false = np.logical_or.reduce([~t & ~m for t, m in tests])
        is_vip = ~is_false & ~np.logical_or.reduce([m for _, m in tests])
        vip_na = ~is_false & ~is_vip
    codes = member.astype(np.int8)
    _put(codes, member & is_vip, 2)
    _put(codes, member & vip_na, 3)
    _put(codes, unknown, 3)
    return Labels(codes, names, ordered=True, index=index, name="visit_tier")


# ---------------------------------------------------------------- store classes


@attrs.frozen
class StoreClasses:
    """Thresholds of :func:`store_visit_class` (mother-and-baby stores):
    visited and bought (进店已购), visited and not bought (进店未购), VIP,
    potential (潜在).

    Parameters
    ----------
    vip_purchases
        Purchases from which a customer is VIP besides the ``vip`` flag,
        ``[vip_purchases, inf)``; None (default): VIP from the flag only (the
        store's own VIP list).

    Examples
    --------
    >>> StoreClasses()
    StoreClasses(vip_purchases=None)
    >>> StoreClasses(vip_purchases=0.5)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'vip_purchases' must be > 1: got 0.5
    """

    vip_purchases: float | None = attrs.field(default=None, converter=_vip_purchases)

    def _repr_html_(self) -> str:
        fmt = _display.number_text
        vip = "vip flag"
        if self.vip_purchases is not None:
            vip += f", or purchases >= {fmt(self.vip_purchases)}"
        rows = [
            ["vip", vip],
            ["visited_bought", "purchases >= 1"],
            ["visited_not_bought", "visits >= 1, no purchase"],
            ["potential", "no visit, no purchase (a known lead)"],
            ["unknown", "a missing input that decides the class"],
        ]
        return _display.html_table(
            "StoreClasses: first match wins", ["class", "when"], rows
        )


def store_visit_class(
    visits: Any,
    purchases: Any,
    vip: Any = None,
    *,
    thresholds: StoreClasses | None = None,
    lang: str = "en",
) -> Labels:
    """Mother-and-baby store classes: potential, visited and not bought,
    visited and bought, VIP (潜在, 进店未购, 进店已购, VIP).

    The first matching rule decides:

    1. ``vip``: the ``vip`` flag, or ``purchases >= vip_purchases``.
    2. ``visited_bought``: at least one purchase (a purchase counts as a
       visit, whatever *visits* says).
    3. ``visited_not_bought``: at least one visit, no purchase.
    4. ``potential``: no visit and no purchase. Potential customers are the
       rows you add for people you know of but who never came (from a member
       or lead list, a referral by an existing customer): give them 0 visits
       and 0 purchases. Customers not in the data are not classified.

    ``unknown``: a missing input (visits, purchases, the ``vip`` flag) makes
    a customer unknown only where its answer would change the class, as in
    the rules DSL: a customer with a purchase is ``visited_bought`` whatever
    their visit count (missing too), a ``vip`` flag True is ``vip`` whatever
    the counts, while missing visits with no purchase (visited or potential?),
    missing purchases of a non-VIP, or a missing flag of a customer the
    counts do not make VIP are ``unknown``. The ``mother_baby`` preset's
    ``store_class`` follows the same rules.

    Parameters
    ----------
    visits
        Store visits per customer, whole numbers (NaN: unknown).
    purchases
        Purchases per customer, whole numbers (NaN: unknown).
    vip
        Optional True/False per customer: on the store's VIP list.
    thresholds
        The VIP purchase count; default :class:`StoreClasses`.
    lang
        ``"en"`` (default) or ``"zh"`` label names.

    Returns
    -------
    Labels
        Ranked names ``potential, visited_not_bought, visited_bought, vip,
        unknown``, named ``"store_class"``.

    Raises
    ------
    InputError
        Negative or fractional counts, flags that are not True/False,
        columns of different lengths or indexes.

    Examples
    --------
    >>> store_visit_class([0, 3, 2, 9], [0, 0, 1, 6],
    ...                   vip=[False, False, False, True]).to_numpy().tolist()
    ['potential', 'visited_not_bought', 'visited_bought', 'vip']
    >>> store_visit_class([0, 3, 2], [0, 0, 1], lang="zh").to_numpy().tolist()
    ['潜在', '进店未购', '进店已购']

    A missing visit count matters only without a purchase or a VIP flag:

    >>> nan = float("nan")
    >>> store_visit_class([nan, nan, nan], [2, 0, 0],
    ...                   vip=[False, True, False]).to_numpy().tolist()
    ['visited_bought', 'vip', 'unknown']
    """
    th = _check_type(thresholds, StoreClasses, "thresholds")
    names = _translate(STORE_CLASS_NAMES, lang)
    index = common_index(visits=visits, purchases=purchases, vip=vip)
    x = _counts(visits, "visits")
    p = _counts(purchases, "purchases", (th.vip_purchases,))
    n = v.check_same_length(visits=x, purchases=p)
    vip_yes, vip_na = _optional_flag(vip, "vip", n)
    x_na, p_na = _nan_mask(x), _nan_mask(p)
    # the rules from the last to the first, so that the first match wins; a
    # missing input is unknown only where its answer would change the class
    codes = (x >= 1).astype(np.int8)  # potential 0, visited_not_bought 1
    _put(codes, x_na, 4)  # visits decide only between these two
    _put(codes, p >= 1, 2)  # a purchase: visited, whatever visits says
    _put(codes, p_na, 4)
    if th.vip_purchases is None:
        is_vip, vip_open = vip_yes, vip_na & ~vip_yes
    else:
        is_vip = vip_yes | (p >= th.vip_purchases)  # NaN >= t is False
        vip_open = ~is_vip & (vip_na | p_na)
    _put(codes, vip_open, 4)
    _put(codes, is_vip, 3)
    return Labels(codes, names, ordered=True, index=index, name="store_class")


# ---------------------------------------------------------------- care phases


@attrs.frozen
class CarePhases:
    """Breaks (in days since the first purchase) between new-customer care
    phases.

    The default is the beauty-salon practice: days ``[0, 5)`` care (关怀),
    ``[5, 30)`` recommend activities (推荐活动), ``[30, 45)`` stimulating
    offers (刺激活动), from 45 established (老客户). The same table as
    ``[tables.care_phase]`` of the ``base`` rules preset.

    Parameters
    ----------
    breaks
        Strictly increasing positive day counts; ``breaks[i]`` is the first
        day of phase ``labels[i + 1]``.
    labels
        Phase names, one more than *breaks*, earliest first; names as
        those of :class:`LifecycleWindows` (not blank, at most 100
        characters, no control or invisible characters).
    no_purchase
        Label for people who are not customers yet (NaN tenure); a name as
        *labels* are.

    Examples
    --------
    >>> CarePhases()
    CarePhases(breaks=(5.0, 30.0, 45.0), labels=('care', 'recommend', 'stimulate', 'established'), no_purchase='no_purchase')
    >>> CarePhases((5, 3, 45))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'stimulate' must be > 'recommend' (5): got 3
    """

    breaks: tuple[float, ...] = attrs.field(default=(5, 30, 45), converter=_floats)
    labels: tuple[str, ...] = attrs.field(
        default=("care", "recommend", "stimulate", "established"), converter=_strs
    )
    no_purchase: str = attrs.field(default="no_purchase", converter=_str)

    def __attrs_post_init__(self) -> None:
        # the same checks as the lifecycle windows
        LifecycleWindows(self.breaks, self.labels, self.no_purchase)

    def _repr_html_(self) -> str:
        return _windows_html(
            "CarePhases: days since the first purchase",
            "phase",
            self.labels,
            self.breaks,
            [self.no_purchase, "not a customer yet (NaN tenure)"],
        )


def _care_names(phases: CarePhases, lang: Any) -> tuple[str, ...]:
    """The phase names then the no-purchase name, in *lang*.

    With ``lang="zh"`` the care-phase names of :class:`CarePhases` (``care``,
    ``recommend``, ``stimulate``, ``established``, ``no_purchase``) are
    translated wherever they stand; other names (``new``, ``welcome``) are
    used as given. A name that then equals another one is a ThresholdError.
    """
    given = (*phases.labels, phases.no_purchase)
    lang = v.choice(lang, "lang", _LANGS)
    if lang == "en":
        return given
    default = CarePhases()
    ours = {*default.labels, default.no_purchase}
    names = tuple(_ZH[g] if g in ours else g for g in given)
    k = len(phases.labels)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        j = seen.setdefault(name, i)
        if j != i:
            which = [
                ("no_purchase" if x == k else f"labels[{x}]")
                + f" {given[x]!r}"
                + (" (translated)" if given[x] != name else " (as given)")
                for x in (j, i)
            ]
            fields = (
                "'phases.labels' and 'phases.no_purchase'"
                if i == k or j == k
                else "'phases.labels'"
            )
            raise ThresholdError(
                f"{fields} give {name!r} twice "
                f"with lang='zh': {which[0]} and {which[1]} (the default "
                "care-phase names are translated, others are used as given): "
                "rename one of them, or pass lang='en'"
            )
    return names


def care_phase(
    days_since_first_purchase: Any,
    phases: CarePhases | None = None,
    *,
    lang: str = "en",
    frequency: Any = None,
    recency_days: Any = None,
) -> Labels:
    """New-customer care phase from days since the first purchase: care
    (关怀), recommend (推荐活动), stimulate (刺激活动), then established
    (老客户).

    Phases are half-open, ``[0, 5), [5, 30), [30, 45), [45, inf)`` by
    default: a customer exactly on a break is in the later phase. People who
    are not customers yet (NaN) get ``no_purchase`` (未购买). The result
    equals the ``care_phase`` table of the ``base`` rules preset (but for
    the tenure deduced from *recency_days* below).

    Parameters
    ----------
    days_since_first_purchase
        Tenure in days (``tenure_days`` from :func:`summarize`); NaN: no
        purchase yet.
    phases
        The breaks and names; default :class:`CarePhases`.
    lang
        ``"en"`` (default) or ``"zh"``: the default names in Chinese; names
        you give in *phases* are used as they are: only the default
        care-phase names (``care``, ``recommend``, ``stimulate``,
        ``established``, ``no_purchase``) are translated, wherever they
        stand, so ``new`` or ``welcome`` stay as given.
    frequency
        Purchases per customer (optional). Given, a NaN tenure is
        ``no_purchase`` only where the frequency is 0: a buyer's is
        ``unknown`` (未知), as the presets' ``care_phase`` table gives it.
    recency_days
        Days since the last purchase (optional), as :func:`customer_status`
        reads them: a recency above the tenure is an error, and with
        *frequency* a one-purchase buyer's missing tenure is the recency
        (the one purchase is the first and the last). Another buyer's
        missing tenure is at least the recency: a recency past the last
        break (100 days, beyond 45) makes the last phase (``established``),
        as :func:`customer_status` deduces from the bound (the presets'
        ``care_phase`` table still says ``unknown`` there). Without
        *frequency*, a known recency is a purchase all the same: a missing
        tenure beside it is that phase or ``unknown``, never
        ``no_purchase``.

    Returns
    -------
    Labels
        Ranked names: the phases, then the no-purchase label (then
        ``unknown`` when *frequency* or *recency_days* is given), named
        ``"care_phase"``.

    Raises
    ------
    InputError
        Negative days (a first purchase after the reference day); a
        *recency_days* above the tenure.
    ThresholdError
        With ``lang="zh"``, a translated default name that equals a name you
        gave.

    Examples
    --------
    >>> care_phase([0, 4.9, 5, 29, 30, 44, 45, float("nan")]).to_numpy().tolist()
    ['care', 'care', 'recommend', 'recommend', 'stimulate', 'stimulate', 'established', 'no_purchase']
    >>> care_phase([2, 40], lang="zh").to_numpy().tolist()
    ['关怀', '刺激活动']
    >>> care_phase([2, float("nan"), float("nan")], frequency=[1, 0, 2]).to_numpy().tolist()
    ['care', 'no_purchase', 'unknown']
    >>> care_phase([float("nan")], frequency=[1], recency_days=[3]).to_numpy().tolist()
    ['care']
    >>> care_phase([float("nan")], frequency=[2], recency_days=[100]).to_numpy().tolist()
    ['established']
    >>> mine = CarePhases(breaks=(5,), labels=("new", "recommend"))
    >>> care_phase([1, 6], mine, lang="zh").to_numpy().tolist()
    ['new', '推荐活动']
    >>> care_phase([1], CarePhases(breaks=(5,), labels=("welcome", "care")), lang="zh").names
    ('welcome', '关怀', '未购买')
    >>> care_phase([1], CarePhases(breaks=(5,), labels=("未购买", "recommend")), lang="zh")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'phases.labels' and 'phases.no_purchase' give '未购买' twice with lang='zh': labels[0] '未购买' (as given) and no_purchase 'no_purchase' (translated) (the default care-phase names are translated, others are used as given): rename one of them, or pass lang='en'
    """
    phases = _check_type(phases, CarePhases, "phases")
    names = _care_names(phases, lang)
    if frequency is not None or recency_days is not None:
        unknown = _ZH["unknown"] if lang == "zh" else "unknown"
        if unknown in names:
            raise ThresholdError(
                f"'phases' names a phase {unknown!r}, the label of a buyer "
                "whose tenure is missing (frequency or recency_days given): "
                "rename the phase"
            )
        names = (*names, unknown)
    t = _amounts(
        days_since_first_purchase,
        "days_since_first_purchase",
        negative=False,
        cuts=phases.breaks,
    )
    n_names = len(names)
    if n_names < np.iinfo(np.int16).max:
        codes = edges_below(t, phases.breaks, inclusive=True)
    else:  # edges_below counts in int16
        codes = np.searchsorted(np.asarray(phases.breaks), t, side="right")
    codes = codes.astype(smallest_int_dtype(n_names))
    index = common_index(
        days_since_first_purchase=days_since_first_purchase,
        frequency=frequency,
        recency_days=recency_days,
    )
    if recency_days is not None:
        r = _amounts(recency_days, "recency_days", negative=False, cuts=phases.breaks)
        v.check_same_length(days_since_first_purchase=t, recency_days=r)
        v.refuse_early_tenure(t, r)
        if frequency is not None:
            t = _one_purchase_days(codes, frequency, t, r, phases.breaks)
        else:  # a known recency is a purchase: a count unknown, else none
            frequency = np.where(_nan_mask(r), 0.0, np.nan)
    _put(codes, _nan_mask(t), len(phases.labels))
    if frequency is not None:
        _put(codes, _bought_unknown(frequency, t), len(phases.labels) + 1)
        if recency_days is not None:
            # a missing tenure is at least the recency: the last phase when
            # the recency is past its break (customer_status deduces alike)
            _decided(codes, frequency, t, r, phases.breaks, len(phases.breaks))
    return Labels(codes, names, ordered=True, index=index, name="care_phase")
