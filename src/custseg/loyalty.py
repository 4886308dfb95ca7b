"""Loyalty from three survey indicators, Dick & Basu's matrix, Net Promoter.

Relationship marketing measures loyalty with three indicators (domain system
8): overall satisfaction in five levels (很满意, 比较满意, 满意, 不满意, 很不满意),
the probability of buying again in three bands (> 70%, 30-70%, < 30%) and the
likelihood of recommending the business in three levels (很大可能, 有可能,
不可能). :func:`loyalty_level` reads the three answers and looks the level up
in a 5 x 3 x 3 table (:data:`LOYALTY_TABLE`, data, printed in the docs).

Every answer goes through :func:`custseg._categories.as_category`: English
or Chinese text (simplified or traditional), ordinal codes, and for the two
probabilities numbers (a probability in [0, 1], a 0-10 recommendation score).
A missing answer is missing, never a guess: the level is then the one every
completion of the missing answers agrees on, else ``"unknown"``.

Layer 1: NumPy and attrs only; pandas is imported inside ``to_pandas``.
"""

from __future__ import annotations

import decimal
import numbers
import re
import unicodedata
from collections.abc import Sequence
from itertools import product
from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import common_index as _common_index
from ._align import to_pandas_index
from ._categories import MISSING, YES_NO_MISSING, _plain, as_category, code_text
from ._categories import from_labels as _from_labels
from ._validate import exact_sides, require_column
from .errors import InputError, ThresholdError
from .labels import Labels, _type_kind, class_parts, whole_numbers_first

__all__ = [
    "DICK_BASU_LEVELS",
    "LOYALTY_LEVELS",
    "LOYALTY_TABLE",
    "NPS_BANDS",
    "REFERRAL",
    "REPURCHASE",
    "SATISFACTION",
    "BehaviourBands",
    "DickBasuThresholds",
    "LoyaltyThresholds",
    "NpsResult",
    "behavioural_loyalty",
    "dick_basu",
    "loyalty_level",
    "nps",
    "nps_band",
    "repurchase_band",
    "repurchase_from_behaviour",
]

# --------------------------------------------------------------------------
# The answers
# --------------------------------------------------------------------------

#: Satisfaction levels, worst first (codes 0-4; survey codes 1-5).
SATISFACTION = (
    "very_dissatisfied",
    "dissatisfied",
    "neutral",
    "satisfied",
    "very_satisfied",
)
#: Repurchase bands, lowest first: < 30%, 30-70%, > 70%.
REPURCHASE = ("low", "medium", "high")
#: Referral likelihood, lowest first.
REFERRAL = ("unlikely", "possible", "very_likely")

# Missing answers: the words of YES_NO_MISSING, read as missing by every
# field of survey and CRM answers (unknown, 未知, n/a; none and nan, what
# astype(str) makes of a missing answer), and <NA> / NaT as pandas writes
# them; "unknown" / 未知 also let labels custseg wrote (the "unknown" of
# repurchase_from_behaviour) be passed back in.
_UNKNOWN = dict.fromkeys(YES_NO_MISSING, MISSING)

# The source's scale, best first: 很满意, 比较满意, 满意, 不满意, 很不满意. Its
# middle level is 满意, so 满意 is code 2 ("neutral") and 比较满意 code 3
# ("satisfied"). The other common Chinese scale (非常满意, 满意, 一般, ...)
# puts 满意 fourth: its words are deliberately not aliases, so such answers
# are refused (the caller maps them) instead of being read one level off.
_SATISFACTION_ALIASES: dict[str, int] = {
    "很不满意": 0,
    "很不滿意": 0,
    "不满意": 1,
    "不滿意": 1,
    "满意": 2,
    "滿意": 2,
    "比较满意": 3,
    "比較滿意": 3,
    "fairly_satisfied": 3,
    "很满意": 4,
    "很滿意": 4,
    **_UNKNOWN,
}
_REPURCHASE_ALIASES: dict[str, int] = {
    "低": 0,
    "中": 1,
    "高": 2,
    "30%以下": 0,
    "<30%": 0,
    "30%-70%": 1,
    "70%-30%": 1,
    "30-70%": 1,
    "70-30%": 1,
    "70%以上": 2,
    ">70%": 2,
    **_UNKNOWN,
}
_REFERRAL_ALIASES: dict[str, int] = {
    "不可能": 0,
    "有可能": 1,
    "很大可能": 2,
    **_UNKNOWN,
}

#: Loyalty levels, lowest first, then the label of an undecided level.
LOYALTY_LEVELS = ("not_loyal", "at_risk", "potentially_loyal", "loyal", "unknown")
_LOYALTY_ZH = ("不忠诚", "有流失风险", "潜在忠诚", "忠诚", "未知")
_UNKNOWN_LEVEL = 4

_LETTERS = {"N": "not_loyal", "R": "at_risk", "P": "potentially_loyal", "L": "loyal"}

#: The loyalty level of every complete answer: ``LOYALTY_TABLE[s][r][f]`` for
#: satisfaction *s* (:data:`SATISFACTION`), repurchase band *r*
#: (:data:`REPURCHASE`) and referral likelihood *f* (:data:`REFERRAL`).
#: Written as letters per satisfaction level, one row per repurchase band
#: (low, medium, high), one letter per referral level (unlikely, possible,
#: very likely): N not loyal, R at risk, P potentially loyal, L loyal.
LOYALTY_TABLE: tuple[tuple[tuple[str, ...], ...], ...] = tuple(
    tuple(tuple(_LETTERS[c] for c in row) for row in rows)
    for rows in (
        ("NNN", "RRR", "RRR"),  # very_dissatisfied
        ("NNN", "RRR", "RRR"),  # dissatisfied
        ("NNR", "RRR", "RRP"),  # neutral (满意)
        ("RPP", "PPP", "PPL"),  # satisfied (比较满意)
        ("PPP", "PPP", "PLL"),  # very_satisfied (很满意)
    )
)


def _labels_lang(
    lang: Any, en: tuple[str, ...], zh: tuple[str, ...]
) -> tuple[str, ...]:
    return zh if v.choice(lang, "lang", ("en", "zh")) == "zh" else en


def _index_of(**inputs: Any) -> Any:
    """:func:`custseg._align.common_index`, also reading the index a
    :class:`Labels` input carries (an earlier custseg result)."""
    return _common_index(**inputs)  # (it reads a Labels' index itself)


def _satisfaction_codes(x: Any) -> np.ndarray:
    require_column(x, "satisfaction")
    return as_category(
        _from_labels(x),
        "satisfaction",
        SATISFACTION,
        aliases=_SATISFACTION_ALIASES,
        integers=1,
    )


def _band_of(
    values: np.ndarray, lo: float, hi: float, *, upper_exclusive: bool
) -> np.ndarray:
    """Codes 0/1/2 of numbers: ``< lo`` low, then middle, then high from *hi*
    (``> hi`` when *upper_exclusive*, else ``>= hi``); NaN -> -1."""
    out = np.where(values >= lo, 1, 0).astype(np.int8)
    high = values > hi if upper_exclusive else values >= hi
    out[high] = 2
    if values.dtype.kind == "f":
        out[np.isnan(values)] = MISSING
    return out


def _numbers(x: Any, field: str) -> np.ndarray:
    return v.as_numeric(x, field, nan="allow")


def _text_or_numbers(
    x: Any,
    field: str,
    levels: tuple[str, ...],
    aliases: dict[str, int],
    from_numbers: Any,
    fix: str,
    named: tuple[str, str, str] = ("score", "scores", "words"),
) -> np.ndarray:
    """Codes of answers given as text (through :func:`as_category`), as
    numbers (through *from_numbers*), or mixed in one object column.

    *named* names a number, the numbers and the words of the column in
    messages: ``("score", "scores", "words")`` for referral,
    ``("probability", "probabilities", "bands")`` for repurchase."""
    require_column(x, field)
    x = _from_labels(x)
    kind = getattr(getattr(x, "dtype", None), "kind", "O")
    if kind == "b":
        raise InputError(field, "is boolean", fix=fix)
    if kind in "iuf":  # NumPy and pandas nullable numbers
        return np.asarray(from_numbers(x), dtype=np.int8)
    if isinstance(x, list | tuple):  # NumPy would turn [0.9, "high"] into text
        x = np.array(x, dtype=object)
        if x.ndim != 1:
            raise v.not_one_column(field, x, x)
    # bytes as the text they hold (one refusal of bytes that are not UTF-8,
    # worded as every reader words it), then read as that text is
    arr = v.bytes_as_text(_plain(x, field), field)
    kind = arr.dtype.kind
    if kind == "b":
        raise InputError(field, "is boolean", fix=fix)
    if kind in "iuf":
        return np.asarray(from_numbers(arr), dtype=np.int8)
    if kind not in "OU":  # (a text array: numbers written as text said so)
        return as_category(arr, field, levels, aliases=aliases)
    try:  # the common case, all text: hashed once in as_category
        return as_category(arr, field, levels, aliases=aliases)
    except InputError as error:
        unknown = error
    values = arr.tolist()
    written = np.fromiter(  # "9", "0.7", "９": numbers read from a file as text
        (
            isinstance(e, str) and _NUMBER_TEXT.fullmatch(code_text(e)) is not None
            for e in values
        ),
        dtype=bool,
        count=len(values),
    )
    if written.any():  # as nps_band refuses them: said so, not "unknown"
        one, many, words = named
        first, count = v.first_offender(written)
        example = values[first]
        raise InputError(
            field,
            f"has numbers written as text, such as {v.describe(example)}",
            first_row=first,
            n_rows=count,
            fix=f"pass the {many} as numbers ({_to_numeric_call(example)}; in a "
            f"column of {many} and {words}, each {one} as a number; "
            f"segment(records=path) reads a file's {many} itself); " + fix,
        )
    flags = np.fromiter(
        (isinstance(e, bool | np.bool_) for e in values), dtype=bool, count=len(values)
    )
    if flags.any():
        first, count = v.first_offender(flags)
        raise InputError(field, "has booleans", first_row=first, n_rows=count, fix=fix)
    is_num = np.fromiter(
        (isinstance(e, numbers.Real | decimal.Decimal) for e in values),
        dtype=bool,
        count=len(values),
    )
    if not is_num.any():
        raise unknown
    if not any(isinstance(e, str) for e in values):
        return np.asarray(from_numbers(arr), dtype=np.int8)
    # a column of bands and numbers: each part on its own, rows kept in place
    nums = np.where(is_num, arr, np.array(None))  # objects: decimals stay exact
    texts = arr.copy()
    texts[is_num] = None
    text_codes = as_category(texts, field, levels, aliases=aliases)
    return np.where(is_num, from_numbers(nums), text_codes).astype(np.int8)


def _to_numeric_call(example: str) -> str:
    r"""The pandas call that reads a column of numbers written as text such
    as *example*: ``pd.to_numeric(column)`` for ASCII digits with spaces
    around, else with full-width digits narrowed (NFKC) and *example*'s
    other blanks stripped (U+3000, a non-breaking space, a zero-width
    space), which ``pd.to_numeric`` does not read.

    >>> print(_to_numeric_call(" 9"))
    pd.to_numeric(column)
    >>> print(_to_numeric_call("９\u200b"))
    pd.to_numeric(column.str.normalize('NFKC').str.strip('\u200b'))
    """
    if example.isascii() and example.strip(" \t") == example.strip():
        return "pd.to_numeric(column)"
    narrow = unicodedata.normalize("NFKC", example)
    blanks = "".join(sorted({c for c in narrow if c in _display.BLANKS}))
    strip = f".str.strip({blanks!r})" if blanks else ""
    return f"pd.to_numeric(column.str.normalize('NFKC'){strip})"


#: A number written as text (``"9"``, ``" 0.7 "``, ``"1e-1"``, ``"９"``),
#: matched on the text as codes are read (:func:`custseg._categories.code_text`:
#: blanks stripped, full-width digits as 0-9)
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _probabilities(
    x: Any, t: LoyaltyThresholds, field: str = "repurchase"
) -> np.ndarray:
    p = _numbers(x, field).astype(np.float64)
    p = exact_sides(  # p > 1, p >= medium_from, p > high_above
        x,
        p,
        (1.0, t.repurchase_medium_from, t.repurchase_high_above),
        move=("up", "down", "up"),
        field=field,
    )
    bad = ~np.isnan(p) & ((p < 0) | (p > 1))
    if bad.any():
        first, count = v.first_offender(bad)
        value = float(p[first])
        hint = {
            "noise": " (1 and rounding noise: clip at 1)",
            "percentage": " (it looks like a percentage: divide by 100)",
        }.get(v.above_one(value) if value > 1 else "", "")
        raise InputError(
            field,
            # the value as given (a Decimal as written, not the float that
            # exact_sides moved off 1)
            f"has probabilities outside [0, 1]: {v.describe_at(x, p, first)}{hint}",
            first_row=first,
            n_rows=count,
            fix="pass probabilities in [0, 1] (70% is 0.7), or the bands "
            "'low', 'medium', 'high'",
        )
    return _band_of(
        p, t.repurchase_medium_from, t.repurchase_high_above, upper_exclusive=True
    )


def _repurchase_codes(
    x: Any, t: LoyaltyThresholds, field: str = "repurchase"
) -> np.ndarray:
    return _text_or_numbers(
        x,
        field,
        REPURCHASE,
        _REPURCHASE_ALIASES,
        lambda p: _probabilities(p, t, field),
        "pass a probability in [0, 1] or a band 'low', 'medium', 'high'",
        named=("probability", "probabilities", "bands"),
    )


def _scores_0_10(x: Any, field: str) -> np.ndarray:
    """0-10 scores as float (NaN missing); non-integers and others refused."""
    s = _numbers(x, field).astype(np.float64)
    s = exact_sides(x, s, (10.0,), whole=True, move="up", field=field)  # s > 10
    answered = ~np.isnan(s)
    bad = answered & ((s < 0) | (s > 10) | (s != np.floor(s)))
    if bad.any():
        first, count = v.first_offender(bad)
        raise InputError(
            field,
            f"has {v.describe_at(x, s, first)}, not a whole score from 0 to 10",
            first_row=first,
            n_rows=count,
            fix="pass 'how likely are you to recommend us' scores 0, 1, ..., 10",
        )
    return s


def _referral_codes(x: Any, t: LoyaltyThresholds) -> np.ndarray:
    return _text_or_numbers(
        x,
        "referral",
        REFERRAL,
        _REFERRAL_ALIASES,
        lambda k: _band_of(
            _scores_0_10(k, "referral"),
            t.referral_possible_from,
            t.referral_very_likely_from,
            upper_exclusive=False,
        ),
        "pass a 0-10 score or 'unlikely', 'possible', 'very_likely'",
    )


def survey_codes(field: str, x: Any) -> np.ndarray | None:
    """Codes of the survey answers of *field* in the order of
    :data:`SATISFACTION` / :data:`REFERRAL` (-1: missing), read the way
    :func:`loyalty_level` reads them (Chinese, codes 1-5, 0-10 scores); None
    for other fields. Used to give the rules files' category fields the same
    answers (``custseg.segment(records=...)``)."""
    if field == "satisfaction":
        return _satisfaction_codes(x)
    if field == "referral":
        return _referral_codes(x, LoyaltyThresholds())
    return None


def survey_levels(field: str) -> tuple[str, ...]:
    """The levels of custseg's survey answer *field*: :data:`SATISFACTION`
    for ``satisfaction``, :data:`REFERRAL` for ``referral``, else ``()``."""
    return {"satisfaction": SATISFACTION, "referral": REFERRAL}.get(field, ())


def survey_answer(field: str, declared: Sequence[str], value: Any) -> str | None:
    """The level of *declared* (a rules field *field*'s values, when they
    are the survey's levels) that :func:`loyalty_level` and
    ``segment(records=...)`` read *value* as (``"很满意"`` and the code 5:
    ``"very_satisfied"``; a 0-10 referral score: its band), ``""`` for an
    answer they read as missing (``"unknown"``), else None: for a value they
    do not read, or another field. For the messages of the rules, which
    match declared values exactly.

    >>> survey_answer("satisfaction", SATISFACTION, "很满意")
    'very_satisfied'
    >>> survey_answer("referral", REFERRAL, 9), survey_answer("referral", REFERRAL, "x")
    ('very_likely', None)
    """
    levels = survey_levels(field)
    if not levels or set(declared) != set(levels):
        return None
    cell = np.empty(1, dtype=object)
    cell[0] = value
    try:
        codes = survey_codes(field, cell)
    except (InputError, TypeError, ValueError):
        return None
    assert codes is not None  # (a survey field)
    return levels[int(codes[0])] if codes[0] >= 0 else ""


# --------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------


# converters of the threshold classes (named: attrs needs them typed)


def _choice_referral_from(value: Any) -> str:
    return v.choice(value, "referral_from", REFERRAL)


def _choice_repurchase_from(value: Any) -> str:
    return v.choice(value, "repurchase_from", REPURCHASE)


def _choice_satisfaction_from(value: Any) -> str:
    return v.choice(value, "satisfaction_from", SATISFACTION)


def _num_frequency_from(value: Any) -> float:
    return v.number_param(value, "frequency_from")


def _num_high_frequency(value: Any) -> float:
    return v.number_param(value, "high_frequency")


def _num_high_within(value: Any) -> float:
    return v.number_param(value, "high_within")


def _num_medium_frequency(value: Any) -> float:
    return v.number_param(value, "medium_frequency")


def _num_medium_within(value: Any) -> float:
    return v.number_param(value, "medium_within")


def _num_referral_possible_from(value: Any) -> float:
    return v.number_param(value, "referral_possible_from")


def _num_referral_very_likely_from(value: Any) -> float:
    return v.number_param(value, "referral_very_likely_from")


def _num_repurchase_high_above(value: Any) -> float:
    return v.number_param(value, "repurchase_high_above")


def _num_repurchase_medium_from(value: Any) -> float:
    return v.number_param(value, "repurchase_medium_from")


def _table_converter(value: Any) -> tuple[tuple[tuple[str, ...], ...], ...]:
    try:
        table = tuple(
            tuple(tuple(str(c) for c in row) for row in rows) for rows in value
        )
    except TypeError:
        raise ThresholdError(
            f"'table' must be 5 x 3 x 3 nested sequences of level names: got "
            f"{v.describe(value)}"
        ) from None
    return table


@attrs.frozen
class LoyaltyThresholds:
    """Bands of the numeric answers, and the level table.

    Parameters
    ----------
    repurchase_medium_from
        A repurchase probability at or above this is at least ``"medium"``
        (30-70%); below it, ``"low"`` (< 30%). Default 0.30.
    repurchase_high_above
        A probability strictly above this is ``"high"`` (> 70%): the source's
        bands are ``[0, 0.30)``, ``[0.30, 0.70]``, ``(0.70, 1]``. Default 0.70.
    referral_possible_from
        A 0-10 recommendation score at or above this is at least
        ``"possible"``; below, ``"unlikely"``. Default 7 (NPS passives).
    referral_very_likely_from
        A score at or above this is ``"very_likely"``. Default 9 (NPS
        promoters): ``[0, 7)`` unlikely, ``[7, 9)`` possible, ``[9, 10]``
        very likely.
    table
        The level of every complete answer, ``table[s][r][f]``, as level
        names (:data:`LOYALTY_LEVELS` without ``"unknown"``); default
        :data:`LOYALTY_TABLE`. It must be monotone: a better answer never
        lowers the level.

    Examples
    --------
    >>> t = LoyaltyThresholds()
    >>> t.repurchase_medium_from, t.repurchase_high_above
    (0.3, 0.7)
    >>> LoyaltyThresholds(repurchase_medium_from=0.8)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'repurchase_medium_from' must be < 'repurchase_high_above' (0.7): got 0.8
    """

    repurchase_medium_from: float = attrs.field(
        default=0.30, converter=_num_repurchase_medium_from
    )
    repurchase_high_above: float = attrs.field(
        default=0.70, converter=_num_repurchase_high_above
    )
    referral_possible_from: float = attrs.field(
        default=7, converter=_num_referral_possible_from
    )
    referral_very_likely_from: float = attrs.field(
        default=9, converter=_num_referral_very_likely_from
    )
    table: tuple[tuple[tuple[str, ...], ...], ...] = attrs.field(
        default=LOYALTY_TABLE, converter=_table_converter
    )

    def __attrs_post_init__(self) -> None:
        lo, hi = self.repurchase_medium_from, self.repurchase_high_above
        for name, x in (("repurchase_medium_from", lo), ("repurchase_high_above", hi)):
            if not 0 < x < 1:
                raise ThresholdError(f"{name!r} must be in the range (0, 1): got {x}")
        if lo >= hi:
            raise ThresholdError(
                f"'repurchase_medium_from' must be < 'repurchase_high_above' ({hi}): got {lo}"
            )
        a, b = self.referral_possible_from, self.referral_very_likely_from
        for name, x in (
            ("referral_possible_from", a),
            ("referral_very_likely_from", b),
        ):
            if not (0 < x <= 10 and float(x).is_integer()):
                raise ThresholdError(
                    f"{name!r} must be a whole score in the range [1, 10]: got {x}"
                )
        if a >= b:
            raise ThresholdError(
                f"'referral_possible_from' must be < 'referral_very_likely_from' ({b}): got {a}"
            )
        self._check_table()

    def _check_table(self) -> None:
        t = self.table
        if len(t) != 5 or any(
            len(rows) != 3 or any(len(r) != 3 for r in rows) for rows in t
        ):
            raise ThresholdError(
                "'table' must be 5 x 3 x 3 (satisfaction x repurchase x referral)"
            )
        known = LOYALTY_LEVELS[:-1]
        for s, r, f in product(range(5), range(3), range(3)):
            if t[s][r][f] not in known:
                raise ThresholdError(
                    f"'table' [{SATISFACTION[s]}][{REPURCHASE[r]}][{REFERRAL[f]}] "
                    f"must be one of {', '.join(map(repr, known))}: got {t[s][r][f]!r}"
                )
        codes = self.codes()
        for axis, name in enumerate(("satisfaction", "repurchase", "referral")):
            worse = np.diff(codes, axis=axis) < 0
            if worse.any():
                s, r, f = (int(i) for i in np.argwhere(worse)[0])
                at = [s, r, f]
                better = list(at)
                better[axis] += 1
                raise ThresholdError(
                    f"'table' must never lower the level for a better {name}: "
                    f"{_cell_name(at)} is {t[at[0]][at[1]][at[2]]!r} but "
                    f"{_cell_name(better)} is {t[better[0]][better[1]][better[2]]!r}"
                )

    def codes(self) -> np.ndarray:
        """The table as level codes, shape ``(5, 3, 3)``.

        >>> int(LoyaltyThresholds().codes()[4, 2, 2])
        3
        """
        index = {name: i for i, name in enumerate(LOYALTY_LEVELS)}
        return np.array(
            [[[index[c] for c in row] for row in rows] for rows in self.table],
            dtype=np.int8,
        )

    def decided(self) -> np.ndarray:
        """The level code of every answer, partial ones too, shape ``(6, 4, 4)``.

        Index ``-1`` on an axis (5 for satisfaction, 3 for the others) is a
        missing answer; a cell is the level every completion of its missing
        answers has in the table, else ``4`` (``"unknown"``). This is what
        :func:`loyalty_level` looks up.

        >>> d = LoyaltyThresholds().decided()
        >>> LOYALTY_LEVELS[d[1, 0, -1]], LOYALTY_LEVELS[d[-1, 2, 2]]
        ('not_loyal', 'unknown')
        """
        return _decided_table(self.codes())

    def _repr_html_(self) -> str:
        lo, hi = (
            _display.number_text(self.repurchase_medium_from),
            _display.number_text(self.repurchase_high_above),
        )
        a, b = (
            _display.number_text(self.referral_possible_from),
            _display.number_text(self.referral_very_likely_from),
        )
        rows = [
            ["repurchase", "low", f"[0, {lo})"],
            ["repurchase", "medium", f"[{lo}, {hi}]"],
            ["repurchase", "high", f"({hi}, 1]"],
            ["referral", "unlikely", f"[0, {a})"],
            ["referral", "possible", f"[{a}, {b})"],
            ["referral", "very_likely", f"[{b}, 10]"],
        ]
        return _display.html_table(
            "LoyaltyThresholds: bands of the numeric answers",
            ["answer", "band", "values"],
            rows,
        )


def _cell_name(at: Sequence[int]) -> str:
    return f"({SATISFACTION[at[0]]}, {REPURCHASE[at[1]]}, {REFERRAL[at[2]]})"


def _decided_table(table: np.ndarray) -> np.ndarray:
    """The level of every partial answer, shape ``(6, 4, 4)``.

    Index ``5`` (satisfaction) or ``3`` (repurchase, referral) -- also ``-1``
    -- stands for a missing answer. A cell's level is the level every
    completion of its missing answers has in *table*, else ``"unknown"``.

    >>> ext = _decided_table(LoyaltyThresholds().codes())
    >>> int(ext[0, 0, -1]), int(ext[-1, 0, 0])  # not loyal; unknown
    (0, 4)
    """
    ext = np.full((6, 4, 4), _UNKNOWN_LEVEL, dtype=np.int8)
    for s, r, f in product(range(6), range(4), range(4)):
        cells = table[
            np.ix_(
                range(5) if s == 5 else [s],
                range(3) if r == 3 else [r],
                range(3) if f == 3 else [f],
            )
        ]
        if (cells == cells.flat[0]).all():
            ext[s, r, f] = cells.flat[0]
    return ext


# --------------------------------------------------------------------------
# loyalty_level
# --------------------------------------------------------------------------


def _length_of(**inputs: Any) -> int | None:
    for field, x in inputs.items():
        if x is not None:
            require_column(x, field)
            return len(_plain(_from_labels(x), field))
    return None


def loyalty_level(
    satisfaction: Any,
    repurchase: Any,
    referral: Any,
    *,
    thresholds: LoyaltyThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Loyalty level of each customer from satisfaction, repurchase and referral.

    Parameters
    ----------
    satisfaction
        Overall satisfaction, one of :data:`SATISFACTION` (worst first:
        ``very_dissatisfied``, ``dissatisfied``, ``neutral``, ``satisfied``,
        ``very_satisfied``), the source's Chinese 很不满意, 不满意, 满意
        (the middle level), 比较满意, 很满意 (simplified or traditional), or
        survey codes 1-5. ``None``: not asked (every row missing).
    repurchase
        Probability of buying again: a number in [0, 1] (banded by
        *thresholds*: ``[0, 0.3)`` low, ``[0.3, 0.7]`` medium, ``(0.7, 1]``
        high), or a band ``"low"``, ``"medium"``, ``"high"`` (低, 中, 高,
        ``"30%以下"``, ``"30%-70%"``, ``"70%以上"``). Numbers above 1 are
        refused (pass percentages divided by 100). ``None``: not asked.
        Probabilities written as text (``"0.7"``) are refused, as referral
        scores written as text are.
    referral
        Likelihood of recommending: ``"unlikely"``, ``"possible"``,
        ``"very_likely"`` (不可能, 有可能, 很大可能), or a 0-10 "how likely are
        you to recommend us" score: ``[0, 7)`` unlikely, ``[7, 9)`` possible,
        ``[9, 10]`` very likely. ``None``: not asked. Scores written as
        text (``"9"``) are refused, as :func:`nps_band` refuses them (the
        records of :func:`custseg.segment` read a file's scores as numbers).
    thresholds
        Bands and the level table; default :class:`LoyaltyThresholds`.
    lang
        ``"en"`` (default) or ``"zh"`` label names (忠诚, 潜在忠诚, 有流失风险,
        不忠诚, 未知).

    Returns
    -------
    Labels
        Ordered ``not_loyal < at_risk < potentially_loyal < loyal``, then
        ``unknown``, named ``"loyalty"``. A complete answer gets its cell of
        the table; a partial one the level all completions of its missing
        answers share, else ``unknown``. Missing answers are ``None``, NaN,
        ``pd.NA``, text of only blanks, ``-`` and ``_``, the words every
        yes/no field reads as missing
        (:data:`custseg._categories.YES_NO_MISSING`: ``unknown``, ``n/a``,
        ``none``, ``nan``, 未知, ...) and ``<NA>`` / ``NaT`` as pandas
        writes them.

    Raises
    ------
    InputError
        Unknown answers (all named, with the accepted ones), codes outside
        1-5, probabilities outside [0, 1], scores that are not whole numbers
        0-10, different lengths or indexes.

    Examples
    --------
    >>> loyalty_level(["very_satisfied", "很满意", "dissatisfied"],
    ...               ["high", "高", "low"], ["very_likely", "很大可能", "不可能"]
    ...               ).to_numpy().tolist()
    ['loyal', 'loyal', 'not_loyal']

    Probabilities and 0-10 scores; 0.7 is not above 70%, so it is medium:

    >>> loyalty_level([5, 2], [0.7, 0.1], [9, 0]).to_numpy().tolist()
    ['potentially_loyal', 'not_loyal']

    A missing answer: the level every completion shares, else unknown:

    >>> loyalty_level(["dissatisfied", None], [0.1, 0.1], [None, 10],
    ...               lang="zh").to_numpy().tolist()
    ['不忠诚', '未知']

    Missing answers written as text (``astype(str)`` makes ``"nan"`` of
    NaN) are missing too, never an unknown answer:

    >>> loyalty_level(["dissatisfied", "nan"], [0.1, "n/a"], ["none", 10]
    ...               ).to_numpy().tolist()
    ['not_loyal', 'unknown']
    """
    t = LoyaltyThresholds() if thresholds is None else thresholds
    if not isinstance(t, LoyaltyThresholds):
        raise ThresholdError(
            f"'thresholds' must be a LoyaltyThresholds: got {type(t).__name__}"
        )
    names = _labels_lang(lang, LOYALTY_LEVELS, _LOYALTY_ZH)
    n = _length_of(satisfaction=satisfaction, repurchase=repurchase, referral=referral)
    if n is None:
        raise InputError(
            "satisfaction",
            "and repurchase and referral are all None",
            fix="pass at least one of the three answers",
        )
    index = _index_of(
        satisfaction=satisfaction, repurchase=repurchase, referral=referral
    )
    none = np.full(n, MISSING, dtype=np.int8)
    s = none if satisfaction is None else _satisfaction_codes(satisfaction)
    r = none if repurchase is None else _repurchase_codes(repurchase, t)
    f = none if referral is None else _referral_codes(referral, t)
    # only the answers given: a None one is no column, its filler no length
    answers = {
        "satisfaction": (satisfaction, s),
        "repurchase": (repurchase, r),
        "referral": (referral, f),
    }
    v.check_same_length(**{k: c for k, (x, c) in answers.items() if x is not None})
    ext = t.decided()
    # -1 (missing) indexes the last slot of each axis: the "missing" slot
    codes = ext[s, r, f]
    return Labels(codes, names, ordered=True, index=index, name="loyalty")


def repurchase_band(
    probability: Any,
    *,
    thresholds: LoyaltyThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Repurchase band of each probability (or band answer): low, medium, high.

    For a store without surveys, pass a model's probability of a repeat
    purchase or of being alive (:mod:`custseg.btyd`).

    Parameters
    ----------
    probability
        Numbers in [0, 1] (NaN: unknown), or band answers as in
        :func:`loyalty_level`.
    thresholds
        The bands: ``[0, 0.3)`` low, ``[0.3, 0.7]`` medium, ``(0.7, 1]``
        high by default (:class:`LoyaltyThresholds`).
    lang
        ``"en"`` or ``"zh"`` (低, 中, 高, 未知).

    Returns
    -------
    Labels
        Ordered ``low < medium < high``, then ``unknown``.

    Raises
    ------
    InputError
        Numbers outside [0, 1] (percentages: divide by 100), unknown bands.
    ThresholdError
        *thresholds* that is not a :class:`LoyaltyThresholds`.

    Examples
    --------
    >>> repurchase_band([0.29, 0.3, 0.7, 0.71, float("nan")]).to_numpy().tolist()
    ['low', 'medium', 'medium', 'high', 'unknown']
    """
    t = LoyaltyThresholds() if thresholds is None else thresholds
    if not isinstance(t, LoyaltyThresholds):
        raise ThresholdError(
            f"'thresholds' must be a LoyaltyThresholds: got {type(t).__name__}"
        )
    names = _labels_lang(lang, (*REPURCHASE, "unknown"), ("低", "中", "高", "未知"))
    require_column(probability, "probability")
    codes = _repurchase_codes(probability, t, "probability").copy()
    codes[codes == MISSING] = 3
    return Labels(
        codes,
        names,
        ordered=True,
        index=_index_of(probability=probability),
        name="repurchase",
    )


# --------------------------------------------------------------------------
# Repurchase from behaviour
# --------------------------------------------------------------------------


@attrs.frozen
class BehaviourBands:
    """How purchase counts and recency stand in for the repurchase band.

    Half-open windows of days since the last purchase, ``[0, d)``.

    Parameters
    ----------
    high_frequency
        Purchases needed for ``"high"`` (> 70%). Default 3.
    high_within
        ... with the last purchase fewer than this many days ago. Default 90
        (the lifecycle's active window).
    medium_frequency
        Purchases needed for ``"medium"`` (30-70%). Default 2: one purchase
        is ``"low"``, as in the source ("came only once").
    medium_within
        ... with the last purchase fewer than this many days ago. Default 180
        (active or silent).

    Examples
    --------
    >>> BehaviourBands()
    BehaviourBands(high_frequency=3.0, high_within=90.0, medium_frequency=2.0, medium_within=180.0)
    >>> BehaviourBands(high_frequency=1)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'high_frequency' must be >= 'medium_frequency' (2.0): got 1.0
    """

    high_frequency: float = attrs.field(default=3, converter=_num_high_frequency)
    high_within: float = attrs.field(default=90, converter=_num_high_within)
    medium_frequency: float = attrs.field(default=2, converter=_num_medium_frequency)
    medium_within: float = attrs.field(default=180, converter=_num_medium_within)

    def __attrs_post_init__(self) -> None:
        for name in ("high_frequency", "medium_frequency"):
            x = getattr(self, name)
            if not (x >= 1 and float(x).is_integer()):
                raise ThresholdError(f"{name!r} must be a whole count >= 1: got {x}")
        for name in ("high_within", "medium_within"):
            x = getattr(self, name)
            if not (0 < x < np.inf):
                raise ThresholdError(
                    f"{name!r} must be a finite day count > 0: got {x}"
                )
        if self.high_frequency < self.medium_frequency:
            raise ThresholdError(
                f"'high_frequency' must be >= 'medium_frequency' "
                f"({self.medium_frequency}): got {self.high_frequency}"
            )
        if self.high_within > self.medium_within:
            raise ThresholdError(
                f"'high_within' must be <= 'medium_within' ({self.medium_within}): "
                f"got {self.high_within}"
            )


def repurchase_from_behaviour(
    frequency: Any,
    recency_days: Any,
    *,
    bands: BehaviourBands | None = None,
    lang: str = "en",
) -> Labels:
    """Repurchase band from purchase count and recency, for stores without surveys.

    ``high``: at least ``high_frequency`` purchases and the last one within
    ``[0, high_within)`` days; else ``medium``: at least
    ``medium_frequency`` purchases within ``[0, medium_within)`` days; else
    ``low`` (one purchase, or lapsed). No purchase (frequency 0, or both
    missing) is ``unknown``: there is nothing to go on; so is a missing
    count or recency that could change the band. Where the known one
    decides whatever the missing one is, the band is given: one purchase
    (below ``medium_frequency``) with no recency is ``low``, and so is a
    recency past ``medium_within`` with no count (a recency means a
    purchase), as :func:`custseg.customer_status` deduces from what is
    known.

    Parameters
    ----------
    frequency
        Number of purchases per customer (``CustomerFacts.frequency``).
    recency_days
        Days since the last purchase (NaN: no purchase).
    bands
        The counts and windows; default :class:`BehaviourBands`.
    lang
        ``"en"`` or ``"zh"`` (低, 中, 高, 未知).

    Returns
    -------
    Labels
        Ordered ``low < medium < high``, then ``unknown``, named
        ``"repurchase"``; pass it to :func:`loyalty_level` or
        :func:`dick_basu` as the repurchase answer.

    Raises
    ------
    InputError
        Negative or fractional counts, negative recency, different lengths.

    Examples
    --------
    >>> repurchase_from_behaviour([5, 5, 2, 2, 1, 0],
    ...                           [89, 90, 179, 180, 3, float("nan")]).to_numpy().tolist()
    ['high', 'medium', 'medium', 'low', 'low', 'unknown']

    One purchase is ``low`` whenever it was; three need their recency:

    >>> nan = float("nan")
    >>> repurchase_from_behaviour([1, 3, nan, nan], [nan, nan, 400, 10]).to_numpy().tolist()
    ['low', 'unknown', 'low', 'unknown']
    """
    b = BehaviourBands() if bands is None else bands
    if not isinstance(b, BehaviourBands):
        raise ThresholdError(
            f"'bands' must be a BehaviourBands: got {type(b).__name__}"
        )
    names = _labels_lang(lang, (*REPURCHASE, "unknown"), ("低", "中", "高", "未知"))
    index = _index_of(frequency=frequency, recency_days=recency_days)
    k = _numbers(frequency, "frequency").astype(np.float64)
    k = exact_sides(  # k >= cut
        frequency,
        k,
        (b.high_frequency, b.medium_frequency),
        whole=True,
        move="down",
        field="frequency",
    )
    d = _numbers(recency_days, "recency_days").astype(np.float64)
    d = exact_sides(  # d < cut
        recency_days,
        d,
        (b.high_within, b.medium_within),
        move="down",
        field="recency_days",
    )
    v.check_same_length(frequency=k, recency_days=d)
    for field, given, arr, what in (
        ("frequency", frequency, k, "negative or fractional counts"),
        ("recency_days", recency_days, d, "negative days"),
    ):
        bad = ~np.isnan(arr) & (arr < 0)
        if field == "frequency":
            bad |= ~np.isnan(arr) & (arr != np.floor(arr))
        if bad.any():
            first, count = v.first_offender(bad)
            raise InputError(
                field,
                f"has {what} ({v.describe_at(given, arr, first)})",
                first_row=first,
                n_rows=count,
                fix="pass purchase counts >= 0 and days since the last purchase >= 0",
            )

    def band(count: np.ndarray, days: np.ndarray) -> np.ndarray:
        out = np.zeros(len(count), dtype=np.int8)
        out[(count >= b.medium_frequency) & (days < b.medium_within)] = 1
        out[(count >= b.high_frequency) & (days < b.high_within)] = 2
        return out

    k_na, d_na = np.isnan(k), np.isnan(d)
    codes = band(k, d)
    # one of the two missing: the band of every value it may take (a
    # recency means at least one purchase; a count of 0 is no purchase),
    # decided where the lowest and the highest band agree (one purchase,
    # or a lapse past medium_within: low whatever the other value)
    one = k_na ^ d_na
    if one.any():
        lowest = band(np.where(k_na, 1.0, k), np.where(d_na, np.inf, d))
        highest = band(np.where(k_na, np.inf, k), np.where(d_na, 0.0, d))
        codes = np.where(one, lowest, codes).astype(np.int8)
        codes[one & (lowest != highest)] = 3
    codes[(k_na & d_na) | (k == 0)] = 3
    return Labels(codes, names, ordered=True, index=index, name="repurchase")


#: The loyalty level behaviour alone supports, per repurchase band
#: (low, medium, high, unknown): never ``loyal``, which needs an attitude.
_BEHAVIOUR_LEVEL = np.array([0, 1, 2, 4], dtype=np.int8)


def behavioural_loyalty(
    frequency: Any,
    recency_days: Any,
    *,
    bands: BehaviourBands | None = None,
    lang: str = "en",
) -> Labels:
    """A loyalty level from purchases alone, for stores without surveys.

    The repurchase band of :func:`repurchase_from_behaviour` stands in for
    all three indicators, conservatively: ``high`` (frequent and recent) is
    ``potentially_loyal``, ``medium`` is ``at_risk``, ``low`` (one purchase,
    or lapsed) is ``not_loyal``, no purchase is ``unknown``. It never says
    ``loyal``: repeat buying without a known attitude is what Dick & Basu
    call spurious loyalty, and only satisfaction and referral answers can
    show more. The names are those of :func:`loyalty_level`, so the two
    combine: survey answers where a level is decided, behaviour elsewhere.

    Parameters
    ----------
    frequency
        Number of purchases per customer.
    recency_days
        Days since the last purchase (NaN: no purchase).
    bands
        The counts and windows; default :class:`BehaviourBands`.
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    Labels
        The levels of :func:`loyalty_level` (``loyal`` never given), named
        ``"loyalty"``.

    Examples
    --------
    >>> behavioural_loyalty([5, 2, 1, 0], [10, 100, 5, float("nan")]).to_numpy().tolist()
    ['potentially_loyal', 'at_risk', 'not_loyal', 'unknown']

    Survey answers first, behaviour where they leave the level open:

    >>> survey = loyalty_level(["very_satisfied", None, None],
    ...                        [0.9, None, None], ["very_likely", None, None])
    >>> behaviour = behavioural_loyalty([8, 8, 1], [3, 3, 200])
    >>> unknown = survey.names.index("unknown")
    >>> import numpy as np
    >>> codes = np.where(survey.codes == unknown, behaviour.codes, survey.codes)
    >>> [survey.names[c] for c in codes]
    ['loyal', 'potentially_loyal', 'not_loyal']
    """
    band = repurchase_from_behaviour(frequency, recency_days, bands=bands)
    names = _labels_lang(lang, LOYALTY_LEVELS, _LOYALTY_ZH)
    return Labels(
        _BEHAVIOUR_LEVEL[band.codes],
        names,
        ordered=True,
        index=band.index,
        name="loyalty",
    )


# --------------------------------------------------------------------------
# Dick & Basu
# --------------------------------------------------------------------------

#: Dick & Basu's four cells (relative attitude x repeat patronage), then unknown.
DICK_BASU_LEVELS = (
    "true_loyalty",
    "latent_loyalty",
    "spurious_loyalty",
    "no_loyalty",
    "unknown",
)
_DICK_BASU_ZH = ("真忠诚", "潜在忠诚", "虚假忠诚", "不忠诚", "未知")
_HIGH_LOW = ("low", "high")
_HIGH_LOW_ALIASES = {"低": 0, "高": 1, **_UNKNOWN}


@attrs.frozen
class DickBasuThresholds:
    """Where relative attitude and repeat patronage count as high.

    Parameters
    ----------
    satisfaction_from
        Satisfaction at or above this level is a high attitude. Default
        ``"satisfied"`` (比较满意).
    referral_from
        Referral likelihood at or above this is a high attitude. Default
        ``"possible"`` (有可能; a 0-10 score of 7 or more).
    repurchase_from
        Repurchase band at or above this is high repeat patronage. Default
        ``"high"`` (> 70%).
    frequency_from
        A purchase count at or above this is high repeat patronage. Default 3.
    loyalty
        The bands for numeric answers (:class:`LoyaltyThresholds`).

    Examples
    --------
    >>> DickBasuThresholds(repurchase_from="medium").repurchase_from
    'medium'
    >>> DickBasuThresholds(satisfaction_from="happy")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'satisfaction_from' must be 'very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied' or 'very_satisfied': got 'happy'
    """

    satisfaction_from: str = attrs.field(
        default="satisfied",
        converter=_choice_satisfaction_from,
    )
    referral_from: str = attrs.field(
        default="possible", converter=_choice_referral_from
    )
    repurchase_from: str = attrs.field(
        default="high", converter=_choice_repurchase_from
    )
    frequency_from: float = attrs.field(default=3, converter=_num_frequency_from)
    loyalty: LoyaltyThresholds = attrs.field(factory=LoyaltyThresholds)

    def __attrs_post_init__(self) -> None:
        x = self.frequency_from
        if not (x >= 1 and float(x).is_integer()):
            raise ThresholdError(
                f"'frequency_from' must be a whole count >= 1: got {x}"
            )
        if not isinstance(self.loyalty, LoyaltyThresholds):
            raise ThresholdError(
                f"'loyalty' must be a LoyaltyThresholds: got {type(self.loyalty).__name__}"
            )


def _high(codes: np.ndarray, from_code: int) -> np.ndarray:
    """1 where codes >= from_code, 0 below, -1 where missing."""
    out = (codes >= from_code).astype(np.int8)
    out[codes == MISSING] = MISSING
    return out


def _and3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Three-valued and on 1/0/-1: false wins over missing."""
    out = np.where((a == 1) & (b == 1), 1, MISSING).astype(np.int8)
    out[(a == 0) | (b == 0)] = 0
    return out


def _one_of(field: str, **given: Any) -> tuple[str, Any]:
    passed = {k: x for k, x in given.items() if x is not None}
    if len(passed) != 1:
        names = " or ".join(repr(k) for k in given)
        raise InputError(
            field,
            f"needs exactly one of {names}: got "
            + (", ".join(repr(k) for k in passed) or "none"),
            fix=f"pass one of {names}",
        )
    return next(iter(passed.items()))


def dick_basu(
    *,
    attitude: Any = None,
    satisfaction: Any = None,
    referral: Any = None,
    repeat: Any = None,
    repurchase: Any = None,
    frequency: Any = None,
    thresholds: DickBasuThresholds | None = None,
    lang: str = "en",
) -> Labels:
    """Dick & Basu's loyalty cell: relative attitude x repeat patronage.

    High attitude and high repeat: true loyalty; high attitude, low repeat:
    latent loyalty; low attitude, high repeat: spurious loyalty; both low: no
    loyalty. Each missing dimension leaves the cell ``unknown`` (the four
    cells differ in both).

    Parameters
    ----------
    attitude
        Relative attitude as ``"high"``/``"low"`` (高/低), booleans or 1/0.
    satisfaction
        Or from satisfaction answers (as in :func:`loyalty_level`): high at or
        above ``thresholds.satisfaction_from``.
    referral
        Or from referral answers or 0-10 scores: high at or above
        ``thresholds.referral_from``. With *satisfaction* too, attitude is high
        when both are (low when either is, even if the other is missing).
    repeat
        Repeat patronage as ``"high"``/``"low"`` (高/低), booleans or 1/0.
    repurchase
        Or from repurchase probabilities or bands: high at or above
        ``thresholds.repurchase_from``.
    frequency
        Or from purchase counts: high at or above ``thresholds.frequency_from``
        (NaN: unknown).
    thresholds
        Default :class:`DickBasuThresholds`.
    lang
        ``"en"`` or ``"zh"`` (真忠诚, 潜在忠诚, 虚假忠诚, 不忠诚, 未知).

    Returns
    -------
    Labels
        Unordered names :data:`DICK_BASU_LEVELS`, named ``"dick_basu"``.

    Raises
    ------
    InputError
        Not exactly one attitude source (*attitude*, or *satisfaction* and/or
        *referral*: *attitude* with either of them is refused) and one repeat
        source, or bad answers.

    Examples
    --------
    >>> dick_basu(satisfaction=["very_satisfied", "satisfied", "neutral", "很不满意"],
    ...           repurchase=[0.9, 0.2, 0.8, 0.1]).to_numpy().tolist()
    ['true_loyalty', 'latent_loyalty', 'spurious_loyalty', 'no_loyalty']
    >>> dick_basu(attitude=[True, None], frequency=[5, 1], lang="zh").to_numpy().tolist()
    ['真忠诚', '未知']
    """
    t = DickBasuThresholds() if thresholds is None else thresholds
    if not isinstance(t, DickBasuThresholds):
        raise ThresholdError(
            f"'thresholds' must be a DickBasuThresholds: got {type(t).__name__}"
        )
    names = _labels_lang(lang, DICK_BASU_LEVELS, _DICK_BASU_ZH)
    lt = t.loyalty
    index = _index_of(
        attitude=attitude,
        satisfaction=satisfaction,
        referral=referral,
        repeat=repeat,
        repurchase=repurchase,
        frequency=frequency,
    )
    if attitude is not None and (satisfaction is not None or referral is not None):
        also = " and ".join(
            repr(k)
            for k, x in (("satisfaction", satisfaction), ("referral", referral))
            if x is not None
        )
        raise InputError(
            "attitude",
            f"needs exactly one attitude source: got 'attitude' together with "
            f"{also} (the attitude is read either from 'attitude' or from "
            "'satisfaction' and/or 'referral')",
            fix=f"drop 'attitude', or drop {also}",
        )
    # the caller's argument names, for the length check below
    a_name = "attitude" if attitude is not None else "satisfaction"
    if attitude is not None:
        a = _high_low(attitude, "attitude")
    elif satisfaction is None and referral is None:
        _one_of("attitude", attitude=None, satisfaction=None, referral=None)
        raise AssertionError  # pragma: no cover
    else:
        parts = []
        if satisfaction is not None:
            parts.append(
                _high(
                    _satisfaction_codes(satisfaction),
                    SATISFACTION.index(t.satisfaction_from),
                )
            )
        if referral is not None:
            parts.append(
                _high(_referral_codes(referral, lt), REFERRAL.index(t.referral_from))
            )
        if len(parts) == 2:
            v.check_same_length(satisfaction=parts[0], referral=parts[1])
            a = _and3(parts[0], parts[1])
        else:
            a = parts[0]
            a_name = "satisfaction" if satisfaction is not None else "referral"
    source, x = _one_of(
        "repeat", repeat=repeat, repurchase=repurchase, frequency=frequency
    )
    if source == "repeat":
        p = _high_low(x, "repeat")
    elif source == "repurchase":
        p = _high(_repurchase_codes(x, lt), REPURCHASE.index(t.repurchase_from))
    else:
        k = _numbers(x, "frequency").astype(np.float64)
        k = exact_sides(
            x, k, (t.frequency_from,), whole=True, move="down", field="frequency"
        )
        bad = ~np.isnan(k) & ((k < 0) | (k != np.floor(k)))
        if bad.any():
            first, count = v.first_offender(bad)
            raise InputError(
                "frequency",
                f"has {v.describe_at(x, k, first)}, not a purchase count",
                first_row=first,
                n_rows=count,
                fix="pass whole purchase counts >= 0",
            )
        p = (k >= t.frequency_from).astype(np.int8)
        p[np.isnan(k)] = MISSING
    v.check_same_length(**{a_name: a, source: p})
    # (attitude, repeat) -> cell; any -1 -> unknown (the last slot)
    cell = np.array([[3, 2, 4], [1, 0, 4], [4, 4, 4]], dtype=np.int8)
    return Labels(cell[a, p], names, ordered=False, index=index, name="dick_basu")


def _high_low(x: Any, field: str) -> np.ndarray:
    require_column(x, field)
    return as_category(
        _from_labels(x),
        field,
        _HIGH_LOW,
        aliases=_HIGH_LOW_ALIASES,
        integers=0,
        booleans=True,
    )


# --------------------------------------------------------------------------
# Net Promoter
# --------------------------------------------------------------------------

#: Net Promoter bands of 0-10 scores, lowest first, then no answer.
NPS_BANDS = ("detractor", "passive", "promoter", "no_answer")
_NPS_ZH = ("贬损者", "被动者", "推荐者", "未回答")


def _refuse_text(x: Any, field: str) -> None:
    """Refuse text scores (``"9"``): a score is a number, as for the
    *referral* of :func:`loyalty_level`, where text is an answer name."""
    require_column(x, field)
    arr = v.bytes_as_text(_plain(_from_labels(x), field), field)
    kind = arr.dtype.kind
    if kind == "O":
        is_text = np.fromiter(
            (isinstance(e, str | bytes) for e in arr.tolist()),
            dtype=bool,
            count=len(arr),
        )
    elif kind in "US":
        is_text = np.ones(len(arr), dtype=bool)
    else:
        return
    if is_text.any():
        first, count = v.first_offender(is_text)
        raise InputError(
            field,
            f"has text such as {v.describe(arr[first])}, not a score",
            first_row=first,
            n_rows=count,
            fix="pass the 0-10 scores as numbers (e.g. pd.to_numeric(column)); "
            "a text column is not read as numbers",
        )


def _nps_codes(scores: Any) -> np.ndarray:
    _refuse_text(scores, "scores")
    s = _scores_0_10(scores, "scores")
    codes = _band_of(s, 7, 9, upper_exclusive=False)
    codes[codes == MISSING] = 3
    return codes


def nps_band(scores: Any, *, lang: str = "en") -> Labels:
    """Net Promoter band of each 0-10 score: detractor, passive, promoter.

    ``[0, 7)`` (0-6) detractor, ``[7, 9)`` (7-8) passive, ``[9, 10]`` (9-10)
    promoter; a missing score is ``no_answer``.

    Parameters
    ----------
    scores
        Whole "how likely are you to recommend us" scores 0-10 (NaN: no
        answer).
    lang
        ``"en"`` or ``"zh"`` (贬损者, 被动者, 推荐者, 未回答).

    Returns
    -------
    Labels
        Ordered ``detractor < passive < promoter``, then ``no_answer``.

    Raises
    ------
    InputError
        Scores that are not whole numbers from 0 to 10, text (also numeric
        text such as ``"9"``: convert it with ``pd.to_numeric``), booleans.

    Examples
    --------
    >>> nps_band([0, 6, 7, 8, 9, 10, None]).to_numpy().tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter', 'no_answer']
    >>> nps_band([6.5])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'scores' has 6.5, not a whole score from 0 to 10 (first at row 0, 1 row affected): pass 'how likely are you to recommend us' scores 0, 1, ..., 10
    """
    names = _labels_lang(lang, NPS_BANDS, _NPS_ZH)
    return Labels(
        _nps_codes(scores),
        names,
        ordered=True,
        index=_index_of(scores=scores),
        name="nps_band",
    )


_COUNTS = ("n", "promoters", "passives", "detractors", "no_answer")


@attrs.frozen(eq=False)
class NpsResult:
    """Net Promoter Score per group, with the counts behind it.

    Parameters
    ----------
    groups
        The group names (``("all",)`` without groups).
    n
        Answers per group (scores given; no-answers excluded).
    promoters
        Scores 9-10 per group.
    passives
        Scores 7-8 per group.
    detractors
        Scores 0-6 per group.
    no_answer
        Missing scores per group.
    nps
        ``100 * (promoters - detractors) / n``, from -100 to 100; NaN where
        ``n == 0``.
    name
        The name of the grouping (index name in :meth:`to_pandas`).

    Examples
    --------
    >>> r = nps([10, 9, 8, 3])
    >>> float(r)
    25.0
    >>> r.to_pandas()
           n  promoters  passives  detractors  no_answer   nps
    group
    all    4          2         1           1          0  25.0
    """

    groups: tuple[Any, ...]
    n: np.ndarray
    promoters: np.ndarray
    passives: np.ndarray
    detractors: np.ndarray
    no_answer: np.ndarray
    nps: np.ndarray
    name: str = "group"

    def __float__(self) -> float:
        if len(self.groups) != 1:
            raise ThresholdError(
                f"this result has {len(self.groups)} groups, not one NPS: read .nps "
                "or .to_pandas()"
            )
        return float(self.nps[0])

    def to_pandas(self) -> Any:
        """The result as a DataFrame indexed by group.

        >>> nps([9, None], by=["x", "y"]).to_pandas().loc["y", "n"].item()
        0
        """
        import pandas as pd

        frame = pd.DataFrame(
            {c: getattr(self, c) for c in (*_COUNTS, "nps")},
            index=to_pandas_index(self.groups, self.name),
        )
        return frame

    def _repr_html_(self) -> str:
        rows = [
            [
                g,
                *(int(getattr(self, c)[i]) for c in _COUNTS),
                _display.format_value(self.nps[i]),
            ]
            for i, g in enumerate(self.groups)
        ]
        return _display.html_table(
            "Net Promoter Score", [self.name, *_COUNTS, "nps"], rows
        )


def _groups(by: Any, n: int) -> tuple[np.ndarray, tuple[Any, ...], str]:
    """Group codes 0..g-1 for every row, the group names, the grouping name."""
    name = getattr(by, "name", None)
    name = name if isinstance(name, str) else "group"
    if isinstance(by, Labels):
        if len(by) != n:  # one group per score, as for any other grouping
            raise InputError(
                "by",
                f"has {len(by)} rows, 'scores' has {n}",
                fix="pass one group per score",
            )
        return np.asarray(by.codes, dtype=np.int64), by.names, name
    # declared classes (a Categorical, a Polars Enum, Arrow dictionary
    # data): every one, in its order, those without rows too
    parts = class_parts(v.arrow_plain(by))
    if parts is not None:
        codes = np.asarray(parts[0], dtype=np.int64)
        names = tuple(parts[1])
    else:
        arr = _plain(by, "by")
        if arr.ndim != 1:
            raise v.not_one_column("by", arr, by)
        if arr.dtype.kind == "O":
            missing = np.fromiter(
                (v.is_missing_scalar(x) for x in arr.tolist()),
                dtype=bool,
                count=len(arr),
            )
        elif arr.dtype.kind in "fcmM":
            missing = np.isnan(arr)
        else:
            missing = np.zeros(len(arr), dtype=bool)
        if arr.dtype.kind == "O":
            # values of two kinds are two groups, never one: True == 1 == 1.0
            # in Python, so refuse rather than merge them
            kinds = sorted({_type_kind(type(x)) for x in arr[~missing].tolist()})
            if len(kinds) > 1:
                raise InputError(
                    "by",
                    f"mixes group values of different types ({', '.join(kinds)}), "
                    "which are never one group (True, 1 and '1' are three)",
                    fix="convert them to one type first (e.g. .astype(str)) if "
                    "they name the same groups",
                )
        try:
            uniq, inverse = np.unique(arr[~missing], return_inverse=True)
        except TypeError:
            raise InputError(
                "by",
                "mixes values that cannot be ordered (e.g. text and numbers)",
                fix="pass one kind of group value, or a Categorical",
            ) from None
        codes = np.full(len(arr), -1, dtype=np.int64)
        codes[~missing] = inverse
        names = tuple(x.item() if isinstance(x, np.generic) else x for x in uniq)
        if names and all(isinstance(x, str) for x in names):
            # "9" before "10", as the groups 9 and 10 of an integer column
            codes, names = whole_numbers_first(codes, names)
    if (codes < 0).any():
        if "(missing)" in [str(x) for x in names]:
            raise ThresholdError(
                "'by' has a group named '(missing)' and missing values: rename "
                "that group, or fill the missing ones"
            )
        codes = np.where(codes < 0, len(names), codes)
        names = (*names, "(missing)")
    if len(codes) != n:
        raise InputError(
            "by",
            f"has {len(codes)} rows, 'scores' has {n}",
            fix="pass one group per score",
        )
    return codes, names, name


def nps(scores: Any, by: Any = None) -> NpsResult:
    """Net Promoter Score, overall or per group: % promoters - % detractors.

    Parameters
    ----------
    scores
        Whole 0-10 scores (NaN: no answer, counted apart, not in ``n``).
    by
        Optional group of each row: a :class:`~custseg.Labels` (every name is
        listed, also with no rows), a pandas Categorical, a Polars ``Enum``
        or Arrow dictionary-encoded data (every category, in its order), or
        values (each distinct value, sorted, text written as numbers
        first, by value: ``"9"`` before ``"10"``, ``"0.5"`` before ``"1"``;
        a Polars ``Categorical``'s too). Rows with a missing group form the group ``"(missing)"``.

    Returns
    -------
    NpsResult
        Per group: ``n`` answers, promoter / passive / detractor / no-answer
        counts, and the NPS from -100 to 100 (NaN for ``n == 0``).
        ``float(result)`` is the NPS of a result with one group.

    Raises
    ------
    InputError
        Bad scores (as :func:`nps_band`), *by* of another length or index,
        or *by* mixing values of different types (``True``, ``1``, ``"1"``).

    Examples
    --------
    >>> r = nps([10, 10, 3, 8, 0, None], by=["a", "a", "a", "b", "b", "c"])
    >>> r.groups, r.nps.tolist(), r.n.tolist()
    (('a', 'b', 'c'), [33.333333333333336, -50.0, nan], [3, 2, 0])
    """
    index = _index_of(scores=scores, by=by)
    del index  # checked only: the result is per group
    codes = _nps_codes(scores)
    n = len(codes)
    if by is None:
        g = np.zeros(n, dtype=np.int64)
        groups: tuple[Any, ...] = ("all",)
        name = "group"
    else:
        g, groups, name = _groups(by, n)
    k = len(groups)
    counts = np.bincount(g * 4 + codes.astype(np.int64), minlength=4 * k).reshape(k, 4)
    det, pas, pro, na = (counts[:, i].astype(np.int64) for i in range(4))
    answered = det + pas + pro
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(answered > 0, 100.0 * (pro - det) / answered, np.nan)
    return NpsResult(groups, answered, pro, pas, det, na, score, name)
