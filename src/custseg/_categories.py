"""Categorical answers (survey levels, contact kinds) as small integer codes.

Survey and CRM exports spell the same answer many ways: ``"Very satisfied"``,
``"very_satisfied"``, ``"很满意"``, or an ordinal code ``5`` on a 1-5 scale.
:func:`as_category` accepts them all for one field and returns codes
``0 .. k-1`` in the order of the field's levels, with ``-1`` for a missing
answer. An unknown spelling is an :class:`~custseg.errors.InputError` that
names every unknown value and lists the accepted ones: a typo never becomes a
silent "missing". Spellings match in any case and Unicode form, in
full-width ASCII as in ASCII (``Ｙｅｓ`` is yes, ``Ｎ／Ａ`` is n/a, as a
Chinese keyboard types them; :func:`custseg._display.fold_chars`), and the
Chinese words in simplified or traditional characters (滿意 is 满意, 無 is
无).

Text made only of blanks, ``-`` and ``_`` (``""``, ``"  "``, ``"-"``,
``"--"``, ``"_"``, a common export placeholder; full-width ``－－`` and
``＿`` too) is missing in every field.
Yes/no fields (levels ``("no", "yes")`` taking True/False) also read the
words of :data:`YES_NO_MISSING` as missing, unless the field's own spellings
give the word an answer. A whole number written as text is read as
written (stripped of blanks, any Unicode space or invisible character:
:func:`code_text`): ``"-1"`` is the number -1, ``"+1"`` and ``"1.0"`` are 1
(zeros after a point: how pandas writes a flag column with gaps), in
full-width digits too (``"１"`` is 1, as ``Ｙｅｓ`` is yes), and digits with
``-``/``_``/blanks around or inside (``"1-"``, ``"_1"``, ``"- 1"``) are unknown
answers, never a number; so are digits other than ASCII and full-width ones
(Arabic-Indic ``"١"``, ``"²"``, ``"①"``), named as such in the message.

Layer 0: pandas objects are read through their NumPy form; pandas is imported
only to hash text answers (``pandas.factorize``), inside the call.
"""

from __future__ import annotations

import decimal
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ._display import BLANKS, composed, fold_chars
from ._validate import (
    arrow_decoded,
    arrow_plain,
    bytes_as_text,
    describe,
    first_offender,
    is_int,
    is_missing_scalar,
    not_one_column,
    pandas_extension,
    refuse_iterator,
    refuse_several_values,
    refuse_spark,
    unmask,
)
from .errors import InputError

__all__ = [
    "MISSING",
    "STR_MISSING",
    "YES_NO_ALIASES",
    "YES_NO_MISSING",
    "as_category",
    "normalize",
]

#: The code of a missing answer.
MISSING = -1

#: The words that stand for "not known", the one list every field of survey
#: and CRM answers takes them from: a yes/no field, a level of
#: :func:`custseg.value_tier` and an answer of :func:`custseg.loyalty_level`
#: (or :func:`custseg.dick_basu`) read them as missing (matched after
#: :func:`normalize`, so in any case), and :data:`custseg.profile.PLACEHOLDERS`
#: (which ``tags_from_values`` uses too) is these and 无 (none, which answers
#: "no" in a yes/no field: 有/无) and the texts of only ``-``/``_``, which the
#: other fields read by their characters (blank text and text of only
#: ``-``/``_``, ``-``, ``--``, ``___``, are missing in every field). ``none``
#: and ``nan`` are what ``str()`` and ``astype(str)`` make of None and NaN
#: (``<NA>`` and ``NaT`` are matched as written: :data:`STR_MISSING`); the
#: Chinese words in simplified and traditional characters (不详 and 不詳).
YES_NO_MISSING: tuple[str, ...] = (
    "未知",
    "不详",
    "不清楚",
    "待了解",
    "不詳",
    "待瞭解",
    "unknown",
    "n/a",
    "na",
    "none",
    "null",
    "nan",
    "?",
    "？",
    "－",
)

#: What ``str()`` and ``astype(str)`` make of ``pd.NA`` and NaT, missing
#: wherever :data:`YES_NO_MISSING` is (and in a profile), but matched only as
#: pandas writes them (stripped, case and width as written): the name ``Nat``
#: and the answer ``NAT`` are values, never a guess at "not known".
STR_MISSING: tuple[str, ...] = ("<NA>", "NaT")

#: The spellings of yes and no every yes/no field reads besides yes/no
#: themselves, True/False and 1/0 (matched after :func:`normalize`, so in any
#: case): y/n, true/false, 是/否, 有/无, 是的/不是, 对/不, 没有.
YES_NO_ALIASES: Mapping[str, int] = types.MappingProxyType(
    {
        "y": 1,
        "true": 1,
        "是": 1,
        "有": 1,
        "是的": 1,
        "对": 1,
        "n": 0,
        "false": 0,
        "否": 0,
        "无": 0,
        "没有": 0,
        "不是": 0,
        "不": 0,
    }
)

_SEPARATORS = re.compile(r"[\s_\-]+")
#: A whole number as written: an optional sign, digits, and an optional
#: point with zeros only (``"1.0"``: how pandas writes a flag column with
#: gaps to CSV).
_WHOLE = re.compile(r"([+-]?[0-9]+)(?:\.0*)?")
#: Digits only (a key whose text was digits with '-', '_' or blanks).
_DIGITS = re.compile(r"[0-9]+")


class _OutOfScale(Exception):
    """A whole-number answer outside the field's codes (internal); *number*
    is text only for a number too long to print whole."""

    def __init__(self, number: int | str) -> None:
        super().__init__(number)
        self.number = number


#: Traditional Chinese characters of the built-in answer words and of the
#: default playbooks' Chinese labels, and their simplified forms (無 无,
#: 滿意 满意, 較強 较强, 投訴 投诉, 不詳 不详, 瞭解 了解, 活躍期 活跃期, 複購
#: 复购 ...): every answer word and label reads in either script. Only
#: characters of those words: both sides of a match are mapped, so a pair
#: missing here makes a traditional answer an error (a label: no action),
#: never another answer.
_TRADITIONAL = str.maketrans(
    "業買產夥動諮對強戶損無顯沒滿潛薦虛議訪訴誠詢詳負責貶購較進銷險項顧風瞭"
    "價會關軍發員復複將時機懷點類評轉躍",
    "业买产伙动咨对强户损无显没满潜荐虚议访诉诚询详负责贬购较进销险项顾风了"
    "价会关军发员复复将时机怀点类评转跃",
)


def code_text(text: str) -> str:
    """*text* as a code or score in it is read: stripped of blanks and
    invisible characters (:data:`custseg._display.BLANKS`: the ideographic
    space U+3000, Excel's non-breaking space), full-width digits, signs and
    point as ASCII (a Chinese keyboard's ``５``, as its ``Ｙｅｓ``). The one
    reading of a number written as text for :func:`as_category` and a
    records file's survey codes (:func:`custseg.frame.survey_numbers`);
    other digits (``٣``, ``²``, ``①``) stay as they are.

    >>> code_text("５\u3000"), code_text("\xa0+4 "), code_text("－１．０")
    ('5', '+4', '-1.0')
    """
    return fold_chars(text.strip(BLANKS))


def simplified(text: str) -> str:
    """*text* in NFC with the traditional characters of :data:`_TRADITIONAL`
    in their simplified forms (case and spaces kept).

    >>> simplified("活躍期"), simplified("複購客戶")
    ('活跃期', '复购客户')
    """
    return composed(text).translate(_TRADITIONAL)


def normalize(text: str) -> str:
    """The key a spelling is matched by: stripped (of blanks and invisible
    characters, :data:`custseg._display.BLANKS`), full-width ASCII narrowed
    (:func:`custseg._display.fold_chars`: ``Ｎ／Ａ`` is ``n/a``, as
    :func:`custseg.profile_completeness` reads it), case-folded, in one
    Unicode form (an accent stored apart is the same text: ``très`` either
    way), the traditional Chinese characters of the built-in words in their
    simplified form (:data:`_TRADITIONAL`), and without spaces, hyphens and
    underscores: ``very satisfied``, ``Very-Satisfied`` and ``very_satisfied``
    are one answer, and so are ``< 30%`` and ``<30%``, ``很 满意`` and
    ``很满意`` (blanks do not matter, inside an answer either).

    >>> normalize("  Very-Satisfied "), normalize("< 30%"), normalize("很 满意")
    ('verysatisfied', '<30%', '很满意')
    >>> normalize("很满意"), normalize("很滿意")
    ('很满意', '很满意')
    >>> normalize("TRE\u0300S") == normalize("tr\u00e8s")
    True
    >>> normalize("Ｎ／Ａ"), normalize("Ｌａｒｇｅ"), normalize("－－")
    ('n/a', 'large', '')
    """
    narrow = fold_chars(composed(text).strip(BLANKS))
    folded = composed(narrow.casefold()).translate(_TRADITIONAL)
    return _SEPARATORS.sub("", folded)


#: The code of a key two levels share (``"A"`` and ``"a"``, ``"無"`` and
#: ``"无"``): such answers match a level as written (:func:`_lookup`).
_AMBIGUOUS = -3


def _lookup(levels: Sequence[str], aliases: Mapping[str, int] | None) -> dict[Any, int]:
    """Each spelling's key (:func:`normalize`) -> its code. Levels that
    share a key (a user's ``"A"`` and ``"a"``) are not merged: their key is
    :data:`_AMBIGUOUS`, and each such level matches as written (stripped, in
    NFC), under the key ``("exact", level)``.

    >>> t = _lookup(["A", "a", "b"], None)
    >>> t["a"] == _AMBIGUOUS, t[("exact", "a")], t["b"]
    (True, 1, 2)
    """
    table: dict[Any, int] = {}
    for code, name in enumerate(levels):
        key = normalize(name)
        table[key] = _AMBIGUOUS if table.get(key, code) != code else code
    for alias, code in (aliases or {}).items():
        table[normalize(alias)] = int(code)
    for code, name in enumerate(levels):
        if table[normalize(name)] == _AMBIGUOUS:
            table[("exact", composed(name.strip()))] = code
    return table


def _accepted(levels: Sequence[str], aliases: Mapping[str, int] | None) -> str:
    shown = list(levels)
    for alias in aliases or {}:
        if alias not in shown:
            shown.append(alias)
    return ", ".join(repr(s) for s in shown)


def from_labels(x: Any) -> Any:
    """A :class:`~custseg.Labels` input (an earlier result) as an object
    array of its names, one per row; anything else as it is."""
    from .labels import Labels

    if isinstance(x, Labels):
        return np.asarray(x.names, dtype=object)[x.codes]
    return x


def _plain(x: Any, field: str) -> np.ndarray:
    """A 1-D NumPy array of the values (pandas categoricals and nullable
    columns become object arrays with ``None`` for missing, a Labels its
    names)."""
    refuse_spark(x, field)  # a Spark Column answers .dtype and .to_numpy
    x = arrow_decoded(from_labels(x))
    if isinstance(x, np.ma.MaskedArray):
        x = unmask(x)
    if hasattr(x, "dtype") and hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        dtype = x.dtype
        if pandas_extension(dtype):
            kind = getattr(dtype, "kind", "O")
            if kind in "iu" and not bool(x.isna().any()):
                return np.asarray(x.to_numpy(dtype=np.int64))
            if kind == "b" and not bool(x.isna().any()):
                return np.asarray(x.to_numpy(dtype=bool))
            if kind == "f":  # nullable or Arrow floats: numbers, NaN missing
                return np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
            return np.asarray(x.to_numpy(dtype=object, na_value=None))
        return np.asarray(x.to_numpy())
    refuse_iterator(x, field)  # (a generator would be read as one answer)
    if isinstance(x, dict | set | frozenset | str | bytes):
        raise _not_answers(x, field)
    if isinstance(x, list | tuple):
        # value by value: NumPy would make ['a', nan] the text 'nan'
        arr = np.empty(len(x), dtype=object)
        arr[:] = list(x)
        kinds = {type(a) for a in x}
        try:
            if kinds and kinds <= {int}:
                return np.asarray(x, dtype=np.int64)
            if kinds and kinds <= {bool}:
                return np.asarray(x, dtype=bool)
            if kinds and kinds <= {float, int}:
                return np.asarray(x, dtype=np.float64)
        except OverflowError:  # an int past int64 (or float): judged as a value
            pass
        return arr
    arr = np.asarray(x) if not isinstance(x, np.ndarray) else x
    if arr.ndim == 0:
        if isinstance(x, Iterable) and not isinstance(x, np.ndarray):
            raise _not_answers(x, field)  # one it does not read (dict.values())
        arr = arr.reshape(1)
    return arr


def _not_answers(x: Any, field: str) -> InputError:
    """The error for *x*, an object that is not a column of answers."""
    return InputError(
        field,
        f"must be an array-like of answers, got {type(x).__name__}",
        fix="pass a list, NumPy array or pandas Series",
    )


def as_category(
    x: Any,
    field: str,
    levels: Sequence[str],
    *,
    aliases: Mapping[str, int] | None = None,
    integers: int | None = None,
    booleans: bool = False,
) -> np.ndarray:
    """Codes ``0 .. k-1`` of the answers in *x*, ``-1`` where missing.

    Parameters
    ----------
    x
        The answers: a list, NumPy array or pandas Series / Categorical of
        text, integers or booleans; bytes (a NumPy ``S`` array, an Arrow
        binary column) are the UTF-8 text they hold (others: InputError). Whole numbers of another type (``4.0``,
        ``Decimal("4")``, ``decimal128[pyarrow]``) are integers, and so is
        text that is a whole number as written (stripped; full-width digits
        as 0-9): ``"-1"`` is -1, ``"+1"`` and ``"１"`` are 1, while
        ``"1-"``, ``"_1"`` or ``"- 1"`` are unknown answers. Missing answers (``None``, NaN and ``Decimal`` NaN,
        ``pd.NA``, text of only blanks, ``-`` and ``_``; in a yes/no field
        also the words of :data:`YES_NO_MISSING`, and ``<NA>`` and ``NaT``
        as written, :data:`STR_MISSING`) give ``-1``.
    field
        The argument name, used in error messages.
    levels
        The canonical names, in code order (code ``i`` is ``levels[i]``).
    aliases
        Other accepted spellings (translations, synonyms) and their codes.
        Text is matched after :func:`normalize` (case, blanks, ``-``/``_``).
    integers
        When given, integer answers are ordinal codes on a scale starting at
        this value: answer ``v`` is code ``v - integers`` (``1`` for a 1-5
        survey scale). When ``None``, integers are refused.
    booleans
        Whether ``True``/``False`` are accepted as codes 1 and 0 (for yes/no
        fields with ``levels=("no", "yes")``).

    Returns
    -------
    numpy.ndarray
        ``int8`` codes (``int16`` beyond 127 levels), ``-1`` for missing.

    Raises
    ------
    InputError
        An unknown spelling (every unknown value is named, with the accepted
        ones), an integer outside the scale, or a kind of value the field does
        not take.

    Examples
    --------
    >>> levels = ("very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied")
    >>> as_category(["Very satisfied", None, "neutral"], "satisfaction", levels).tolist()
    [4, -1, 2]
    >>> as_category([1, 5, "+2", " 3 ", "--"], "satisfaction", levels, integers=1).tolist()
    [0, 4, 1, 2, -1]
    >>> as_category(["-5"], "satisfaction", levels, integers=1)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'satisfaction' has code -5 outside the scale 1..5 (first at row 0, 1 row affected): check the survey's scale
    >>> as_category(["yes", "N/A", "-"], "vip", ("no", "yes"), integers=0, booleans=True).tolist()
    [1, -1, -1]
    >>> as_category(["１", "０", "Ｙｅｓ"], "vip", ("no", "yes"), integers=0, booleans=True).tolist()
    [1, 0, 1]
    >>> from decimal import Decimal
    >>> as_category([Decimal("2"), Decimal("5.0")], "satisfaction", levels, integers=1).tolist()
    [1, 4]
    >>> as_category(["great", "meh", "neutral"], "satisfaction", levels)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'satisfaction' has unknown answers 'great', 'meh' (first at row 0, 2 rows affected): use one of 'very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very_satisfied' (case, blanks and '-' / '_' do not matter), or map the answers first
    """
    x = arrow_plain(x)  # (Arrow string_view: factorize has no kernel)
    refuse_several_values(x, field, "answer")  # (a list column: no one answer)
    k = len(levels)
    dtype = np.int8 if k < 127 else np.int16
    xdtype = getattr(x, "dtype", None)
    if (
        xdtype is not None
        and not isinstance(xdtype, np.dtype)
        and hasattr(x, "factorize")
        and getattr(x, "ndim", 1) == 1
    ):
        # a pandas column of an extension dtype (str, categorical, nullable):
        # its own factorize reads only the distinct values as Python objects
        inverse, uniques = x.factorize(use_na_sentinel=True)
        floats = getattr(xdtype, "kind", "O") == "f"  # numbers, as NumPy's are
        try:
            known = as_category(
                np.asarray(uniques, dtype=np.float64 if floats else object),
                field,
                levels,
                aliases=aliases,
                integers=integers,
                booleans=booleans,
            )
        except InputError:  # again on the rows, so the error names the row
            known = None
        if known is not None:
            table = np.append(known, MISSING).astype(dtype)
            return table[np.asarray(inverse)]  # -1 (missing) takes the last entry
    arr = _plain(x, field)
    if arr.ndim != 1:
        raise not_one_column(field, arr, x)
    n = len(arr)
    kind = arr.dtype.kind
    if kind == "b":
        if not booleans:
            raise InputError(
                field,
                "is boolean",
                fix=f"pass one of {_accepted(levels, aliases)}",
            )
        return arr.astype(dtype)
    if kind in "iu":
        return _from_integers(
            arr, field, k, integers, dtype, pair=_pair(levels, booleans)
        )
    if kind == "f":
        missing = np.isnan(arr)
        whole = ~missing & (arr == np.floor(arr)) & np.isfinite(arr)
        if integers is None or not bool((whole | missing).all()):
            bad = ~(whole | missing)
            if integers is None:
                bad = ~missing
            first, count = first_offender(bad) if bad.any() else (0, 0)
            if count:
                raise InputError(
                    field,
                    f"has numbers ({describe(float(arr[first]))}) where answers are expected",
                    first_row=first,
                    n_rows=count,
                    fix=f"pass one of {_accepted(levels, aliases)}"
                    + _codes_hint(integers, levels, booleans),
                )
        out = np.full(n, MISSING, dtype=dtype)
        if (~missing).any():
            assert integers is not None  # (else every number was refused above)
            given = arr[~missing]
            codes = given - integers  # in floats: 1e20 is never cast to int64
            bad = (codes < 0) | (codes >= k)
            if bad.any():
                first, count = first_offender(bad)
                row = int(np.flatnonzero(~missing)[first])
                number = _whole_shown(given[first])
                pair = _pair(levels, booleans)
                raise _scale_error(field, number, k, integers, pair, row, count)
            out[~missing] = codes.astype(dtype)
        return out
    if kind in "OS":
        # bytes (an S array, an Arrow or Polars binary column) as the UTF-8
        # text they hold: b"yes" is the answer "yes", not an unknown one
        arr = bytes_as_text(arr, field)
    if arr.dtype.kind in "US":
        arr = arr.astype(object)
    if kind not in "OUS":
        raise InputError(
            field,
            f"has dtype {arr.dtype}, expected answers as text or codes",
            fix=f"pass one of {_accepted(levels, aliases)}",
        )
    return _from_objects(arr, field, levels, aliases, integers, booleans, dtype)


def _pair(levels: Sequence[str], booleans: bool) -> Sequence[str] | None:
    """The two answers of a field that also takes True/False, else None."""
    return levels if booleans and len(levels) == 2 else None


def _codes_hint(integers: int | None, levels: Sequence[str], booleans: bool) -> str:
    """How the numbers a field takes are written in a fix: a two-answer
    field's two codes, a scale's first code, or nothing."""
    if integers is None:
        return ""
    pair = _pair(levels, booleans)
    if pair is not None:
        return f", or {integers} for {pair[0]!r} and {integers + 1} for {pair[1]!r}"
    return f", or whole codes from {integers}"


def _scale_error(
    field: str,
    number: int | str,
    k: int,
    integers: int,
    pair: Sequence[str] | None,
    first_row: int,
    n_rows: int,
) -> InputError:
    """The error of a whole number outside a field's codes, whether it came
    as a number or as text: the same message for ``-1`` and ``"-1"``."""
    if pair is not None:
        return InputError(
            field,
            f"takes two answers but has the number {number}",
            first_row=first_row,
            n_rows=n_rows,
            fix=f"give {integers} for {pair[0]!r} and {integers + 1} for "
            f"{pair[1]!r} (or False/True)",
        )
    return InputError(
        field,
        f"has code {number} outside the scale {integers}..{integers + k - 1}",
        first_row=first_row,
        n_rows=n_rows,
        fix="check the survey's scale",
    )


def _whole_shown(value: Any) -> int | str:
    """A whole float for a message: an ``int`` within int64 (``7.0`` is
    ``7``), else the float as Python writes it (``1e+20``): never the number
    a cast to int64 makes of it (-9223372036854775808).

    >>> _whole_shown(7.0), _whole_shown(1e20), _whole_shown(-(2.0**63))
    (7, '1e+20', -9223372036854775808)
    """
    number = float(value)
    if -(2.0**63) <= number < 2.0**63:
        return int(number)
    return describe(value)


def _from_integers(
    arr: np.ndarray,
    field: str,
    k: int,
    integers: int | None,
    dtype: Any,
    offset: np.ndarray | None = None,
    pair: Sequence[str] | None = None,
) -> np.ndarray:
    if integers is None:
        raise InputError(
            field,
            "has integer codes, but this field takes answers as text",
            fix="map the codes to the answer names first",
        )
    codes = arr.astype(np.int64) - integers
    bad = (codes < 0) | (codes >= k)
    if bad.any():
        first, count = first_offender(bad)
        row = int(offset[first]) if offset is not None else first
        raise _scale_error(field, int(arr[first]), k, integers, pair, row, count)
    return codes.astype(dtype)


def _unhashable(cell: Any) -> bool:
    try:
        hash(cell)
    except TypeError:
        return True
    return False


def _hashable_cells(arr: np.ndarray, field: str) -> np.ndarray:
    """*arr* (which :func:`pandas.factorize` refused) with signalling-NaN
    Decimals as None (missing, as ``Decimal("NaN")`` is), in a new array;
    an InputError naming the first cell that holds no single answer (a list
    from a Parquet list column, a dict) if any is left."""
    cells = [
        None if isinstance(c, decimal.Decimal) and c.is_snan() else c
        for c in arr.tolist()
    ]
    bad = np.fromiter((_unhashable(c) for c in cells), bool, len(cells))
    if bad.any():
        first, count = first_offender(bad)
        raise InputError(
            field,
            f"has {type(cells[first]).__name__} cells such as {describe(cells[first])}, "
            "but each row holds one answer",
            first_row=first,
            n_rows=count,
            fix="give one answer per row (pick one, or join the list into text "
            "and map it to an answer first)",
        )
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    return out


def _from_objects(
    arr: np.ndarray,
    field: str,
    levels: Sequence[str],
    aliases: Mapping[str, int] | None,
    integers: int | None,
    booleans: bool,
    dtype: Any,
) -> np.ndarray:
    table = _lookup(levels, aliases)
    k = len(levels)
    words = _missing_words(levels, booleans, aliases)
    # Few distinct answers: match each distinct value once, then broadcast
    # (pandas hashes the object array in C; missing values get -1).
    import pandas as pd

    try:
        inverse, uniques = pd.factorize(arr, use_na_sentinel=True)
    except TypeError:  # unhashable cells (a Parquet list column), Decimal sNaN
        inverse, uniques = pd.factorize(
            _hashable_cells(arr, field), use_na_sentinel=True
        )
    values = [None, *uniques.tolist()]  # position 0: the missing values
    inverse = inverse.astype(np.int64) + 1
    codes = np.empty(len(values), dtype=np.int64)
    unknown: list[int] = []
    outside: dict[int, int | str] = {}  # distinct value -> its whole number
    for j, value in enumerate(values):
        try:
            code = _code_of(value, table, k, integers, booleans, words)
        except _OutOfScale as e:
            outside[j] = e.number
            code = MISSING
        if code is None:
            unknown.append(j)
            code = MISSING
        codes[j] = code
    if outside:
        assert integers is not None  # only a field with codes has a scale
        bad = np.isin(inverse, np.asarray(list(outside)))
        first, count = first_offender(bad)
        number = outside[int(inverse[first])]
        pair = _pair(levels, booleans)
        raise _scale_error(field, number, k, integers, pair, first, count)
    if unknown:
        bad = np.isin(inverse, np.asarray(unknown))
        first, count = first_offender(bad)
        shown = [describe(values[j]) for j in unknown[:10]]
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        plural = "s" if len(unknown) != 1 else ""
        foreign = [  # (full-width digits read as 0-9: not named here)
            values[j]
            for j in unknown
            if isinstance(values[j], str)
            and any(c.isdigit() and not c.isascii() for c in fold_chars(values[j]))
        ]
        digits = (
            f" ({describe(foreign[0])} is written with digits other than "
            "ASCII 0-9, such as Arabic-Indic ones: write the codes with 0-9)"
            if foreign and integers is not None
            else ""
        )
        raise InputError(
            field,
            f"has unknown answer{plural} {', '.join(shown)}{more}{digits}",
            first_row=first,
            n_rows=count,
            fix=f"use one of {_accepted(levels, aliases)} (case, blanks and "
            "'-' / '_' do not matter)"
            + _codes_hint(integers, levels, booleans)
            + ", or map the answers first",
        )
    return codes[inverse].astype(dtype)


def _missing_words(
    levels: Sequence[str], booleans: bool, aliases: Mapping[str, int] | None = None
) -> frozenset[Any]:
    """The words a field reads as missing: those of :data:`YES_NO_MISSING`
    (normalised) and of :data:`STR_MISSING` (as written, ``("exact",
    text)``) for a yes/no field; for another field, only those of
    :data:`STR_MISSING`, when its *aliases* spell a missing answer (the
    levels of :func:`custseg.value_tier`), else none."""
    if booleans and tuple(levels) == ("no", "yes"):
        return _YES_NO_MISSING_KEYS
    if aliases is not None and MISSING in aliases.values():
        return _STR_MISSING_KEYS
    return frozenset()


_STR_MISSING_KEYS = frozenset(("exact", w) for w in STR_MISSING)
_YES_NO_MISSING_KEYS = (
    frozenset(normalize(w) for w in YES_NO_MISSING) | _STR_MISSING_KEYS
)


def _scale_code(number: int, integers: int, k: int) -> int:
    """The code of a whole-number answer; :class:`_OutOfScale` outside."""
    code = number - integers
    if not 0 <= code < k:
        raise _OutOfScale(number)
    return code


def _code_of(
    value: Any,
    table: dict[Any, int],
    k: int,
    integers: int | None,
    booleans: bool,
    words: frozenset[Any] = frozenset(),
) -> int | None:
    """The code of one answer, MISSING, or None for an unknown answer;
    :class:`_OutOfScale` for a whole number outside the field's codes."""
    if is_missing_scalar(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return int(value) if booleans else None
    if isinstance(value, decimal.Decimal):  # a number, as float or int would be
        if value.is_nan():
            return MISSING
        if not value.is_finite() or value != value.to_integral_value():
            return None
        value = int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        if integers is None:
            return None
        try:
            return _scale_code(int(value), integers, k)
        except _OutOfScale:  # quoted as given (1e+20), not as its int
            raise _OutOfScale(_whole_shown(value)) from None
    if is_int(value):
        if integers is None:
            return None
        return _scale_code(int(value), integers, k)
    if isinstance(value, str):
        key = normalize(value)
        if not key:  # blank, or only '-' / '_' (an export's placeholder)
            return MISSING
        raw = value.strip()
        # full-width digits, signs and point as ASCII (a Chinese keyboard's
        # １, as its Ｙｅｓ); other digits (٣, ², ①) stay unknown answers
        narrow = code_text(value)
        whole = _WHOLE.fullmatch(narrow)
        if whole:  # a whole number, read as written
            if integers is not None:
                digits = whole.group(1)
                if len(digits) > 40:  # past any scale (and int()'s digit limit)
                    raise _OutOfScale(f"{digits[:20]}...")
                return _scale_code(int(digits), integers, k)
            if narrow != key:  # a sign: "-1" is no level "1"
                return None
            code = table.get(key)  # a level "1", or "1" and "１" as written
            return table.get(("exact", composed(raw))) if code == _AMBIGUOUS else code
        if _DIGITS.fullmatch(key):  # "1-", "_1", "- 1": the sign is unclear
            return None
        if key in table:
            code = table[key]  # two levels of this key: the one written so
            return table.get(("exact", composed(raw))) if code == _AMBIGUOUS else code
        if key in words or ("exact", raw) in words:  # ("NaT" as written)
            return MISSING
        return None
    return None
