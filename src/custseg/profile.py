"""Customer profile (客户档案) completeness: whose file needs work.

The hard profile (硬件档案) holds the facts any shop records: name, gender,
ethnicity, age, address, phone, budget and the product bought. The soft
profile (软件档案) holds what staff learn by talking to the customer:
occupation, family, personality, assets, preferences, hobbies, finances,
years as a customer, reasons to buy and not to buy, purchase frequency. The
sources weight them 20% and 80%: the soft profile is what makes fitting care
possible, so a file with only the hard facts scores 0.2.

What counts as filled
---------------------
A value is **missing** when it is ``None``, NaN, ``pd.NA`` or NaT; text that
is empty or only whitespace (Python's ``str.isspace``, full-width spaces
too) and characters that show nothing (``custseg._display.INVISIBLE``: a zero-width
space, a byte order mark, a soft hyphen, a left-to-right mark; and the
zero-width joiner and non-joiner, which join nothing at a text's end); or text
that, stripped of surrounding whitespace and those, is one of the
*placeholders* (default :data:`PLACEHOLDERS`: 未知, 不详, 不清楚, 待了解, 无,
and 不詳, 待瞭解, 無 in traditional characters, n/a, na, none, null,
unknown, nan, -, --, _, __, ?, ...); and ``<NA>`` and ``NaT`` (what ``str()``
makes of ``pd.NA`` and NaT) whatever the placeholders, but only as pandas
writes them (stripped; case as written: the name ``Nat`` is filled). Case is ignored for the Latin letters A-Z
(``N/A``, ``Unknown`` and ``NULL`` are placeholders), and full-width ASCII
(``Ｎ／Ａ``, ``ｎｕｌｌ``, as a Chinese keyboard types them) reads as ASCII;
other characters must match as written. Every other value is **filled**: numbers (0 too), booleans
(``False`` too), dates, and any other text. A cell holding several values
(a list, tuple, set, dict or array, as a Parquet list column gives) is
missing when none of its values is filled (``[]``, ``{}``, ``[None, ""]``),
whether the column comes as Python objects or as an Arrow, Polars or
pandas list, struct or map column (a struct cell by its fields' values);
so are empty bytes (``b""``, an empty Parquet BINARY cell). Bytes that are
UTF-8 (a NumPy ``S`` array, an Arrow or Polars binary column) are read as
the text they hold: ``"未知".encode()`` is a placeholder; other bytes are
filled values: they are not text, so no placeholder.

Fields absent from the data
---------------------------
A declared field with no column in the data counts as missing for every
customer (the file does not hold it, so nobody's file is complete), and the
result lists it in :attr:`ProfileCompleteness.absent`. When none of the
declared fields has a column, the call is an
:class:`~custseg.errors.InputError`: the columns are surely named otherwise
and need a ``fields=`` mapping. So is a column that only reads as a field
without a column of its own (``Phone``, ``phone `` or ``phone`` behind a
byte order mark, for ``phone``: letter case, blanks at the ends, invisible
characters, full-width letters), unless ``fields=`` names it: read as no
column, the field would count as missing for every customer. A column
feeds one field only: a column mapped to a field is not also read for the
field it is named like. A field
is fed by one column only: two columns mapped onto it, or one mapped onto
it while the data also has a column named like it, is an error.

Exact scores
------------
The score is computed exactly, with each weight taken as the decimal it
prints as (``0.3`` is 3/10, not the binary double next to it), and rounded
once to float64. A score that is exactly a break (4/5 from weights
``(1, 2)`` and 7 of 10 soft fields) is that float (``0.8``), so
:meth:`ProfileCompleteness.band` puts it in the higher band, as promised,
and agrees with ``score >= break``.
"""

from __future__ import annotations

import decimal
import difflib
import math
import operator
import types
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import RESULT_INDEX, common_index, fresh_index, is_pandas
from ._bins import edges_below
from ._categories import STR_MISSING, YES_NO_MISSING
from ._display import BLANKS, fold_chars
from ._display import WIDE as _WIDE
from ._threads import numpy_text
from .errors import InputError, ThresholdError
from .labels import Labels, smallest_int_dtype

__all__ = [
    "HARD_FIELDS",
    "PLACEHOLDERS",
    "SOFT_FIELDS",
    "ProfileCompleteness",
    "ProfileSchema",
    "profile_completeness",
]

HARD_FIELDS: tuple[str, ...] = (
    "name",
    "gender",
    "ethnicity",
    "age",
    "address",
    "phone",
    "budget",
    "product",
)
"""The hard profile (硬件档案): 姓名, 性别, 民族, 年龄, 地址, 电话, 预算, 购买产品."""

SOFT_FIELDS: tuple[str, ...] = (
    "occupation",
    "family",
    "personality",
    "assets",
    "preferences",
    "hobbies",
    "finances",
    "tenure",
    "reasons_to_buy",
    "reasons_not_to_buy",
    "purchase_frequency",
)
"""The soft profile (软件档案): 职业, 家庭, 性格, 资产, 喜好, 爱好, 经济状况, 客户年限,
购买原因, 不购买原因, 购买频率."""

PLACEHOLDERS: tuple[str, ...] = (*YES_NO_MISSING, "无", "無", "-", "--", "_", "__")
"""Text that stands for "not known" in customer files (compared after
stripping whitespace, ignoring the case of A-Z, full-width ASCII read as
ASCII): the words every field reads as missing
(:data:`custseg._categories.YES_NO_MISSING`: 未知, 不详, unknown, n/a,
none, nan, ...), 无 (none) and ``-``, ``--``, ``_``,
``__``; the Chinese words in simplified and traditional characters (不详
and 不詳)."""

_BLANK_CODES = np.array(sorted(map(ord, BLANKS)), dtype=np.uint32)


def _blank_chars(chars: np.ndarray) -> np.ndarray:
    """Whether each one-character text (``""`` for none) is blank."""
    return np.isin(np.asarray(chars).astype("<U1").view(np.uint32), _BLANK_CODES)


#: What ``str()`` makes of the missing values of Python, NumPy and pandas;
#: a value (not text) whose text is one of these is missing.
_MISSING_MARKS = ("None", "nan", "NaN", "<NA>", "NaT")

_TEXT = np.dtypes.StringDType()
#: ``isinstance`` as a ufunc over an object array (a C loop, no Python frames).
_IS_TEXT = np.frompyfunc(isinstance, 2, 1)
_STR_TYPE = np.array(str, dtype=object)
#: ``type()`` of each value of an object array.
_TYPE = np.frompyfunc(type, 1, 1)
_NONE_TYPE = np.array(type(None), dtype=object)
_FLOAT_TYPE = np.array(float, dtype=object)
#: ``text in other`` as a ufunc: which texts hold a NUL (with :data:`_NUL`).
_CONTAINS = np.frompyfunc(operator.contains, 2, 1)
#: NUL as a Python ``str`` (NumPy's own text types drop trailing NULs).
_NUL = np.array("\x00", dtype=object)
_STR = np.frompyfunc(str, 1, 1)
_LAST = np.frompyfunc(operator.itemgetter(-1), 1, 1)


# --------------------------------------------------------------------------
# what counts as filled


def _ascii_lower(text: np.ndarray) -> np.ndarray:
    """A ``<U`` array with full-width ASCII narrowed and A-Z lowered (in
    place on a private copy; every character stays one character)."""
    out = np.array(text, copy=True)
    if out.size and out.dtype.itemsize:
        codes = out.view(np.uint32)
        wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
        codes[wide] -= _WIDE
        upper = (codes >= 65) & (codes <= 90)
        codes[upper] += 32
    return out


def _has_nul(text: np.ndarray) -> np.ndarray:
    """Whether each text holds a NUL character.

    NUL is neither whitespace nor in a placeholder, so such a text is never
    blank nor a placeholder; NumPy's string functions treat a trailing NUL
    as padding (``np.strings.strip("\\x00 ")`` is ``""``), so the texts they
    call blank or a placeholder are checked here, as Python ``str``.
    """
    if not len(text):
        return np.zeros(0, dtype=bool)
    return np.asarray(_CONTAINS(text.astype(object), _NUL), dtype=bool)


def _fold(text: str) -> str:
    """Placeholder form of one text: stripped, full-width ASCII narrowed,
    A-Z lowered."""
    return fold_chars(text.strip(BLANKS))


def _text_missing(
    text: np.ndarray, placeholders: tuple[str, ...], *, marks: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per value of a text array: whether it is blank or a placeholder, and
    (with *marks*) whether it is exactly one of :data:`_MISSING_MARKS`.

    Only rows that can be blank or a placeholder once stripped are looked at:
    those no longer than the longest placeholder, and longer ones that start
    or end with whitespace. They are compared in groups of equal stripped
    length, as fixed-width ``<U`` arrays, so no row is widened beyond the
    placeholder it may equal and lowering A-Z is integer arithmetic on code
    points.
    """
    by_length: dict[int, tuple[list[str], list[str], list[str]]] = {}
    for p in placeholders:
        if p:
            by_length.setdefault(len(p), ([], [], []))[0].append(p)
    if marks:
        for m in _MISSING_MARKS:
            by_length.setdefault(len(m), ([], [], []))[1].append(m)
    for m in STR_MISSING:  # "<NA>", "NaT": as written, whatever the placeholders
        by_length.setdefault(len(m), ([], [], []))[2].append(m)
    longest = max(by_length, default=0)
    length = np.strings.str_len(text)
    short = length <= longest
    if not short.all():
        long_rows = np.flatnonzero(~short)
        sub = text[long_rows]
        end = length[long_rows]
        edge = _blank_chars(np.strings.slice(sub, 0, 1))
        # the last character by its position: NumPy 2.3.0 took slice(sub, -1,
        # None) for the whole text
        edge |= _blank_chars(np.strings.slice(sub, end - 1, end))
        short[long_rows[edge]] = True
    rows = np.flatnonzero(short)
    missing = np.zeros(len(text), dtype=bool)
    mark = np.zeros(len(text), dtype=bool)
    if not rows.size:
        return missing, mark
    stripped = np.strings.strip(text if rows.size == len(text) else text[rows], BLANKS)
    size_of = np.strings.str_len(stripped)
    missing[rows[size_of == 0]] = True
    for size, (holders, marked, exact) in by_length.items():
        at = np.flatnonzero(size_of == size)
        if not at.size:
            continue
        sub = stripped[at].astype(f"<U{size}")
        if marked:
            mark[rows[at]] = np.isin(sub, np.array(marked, dtype=f"<U{size}"))
        hit = np.isin(sub, np.array(exact, dtype=f"<U{size}"))
        if holders:
            hit |= np.isin(_ascii_lower(sub), np.array(holders, dtype=f"<U{size}"))
        missing[rows[at]] = hit
    judged = np.flatnonzero(missing)
    missing[judged[_has_nul(text[judged])]] = False
    return missing, mark


def _values(values: Any, field: str) -> np.ndarray:
    """A column as a 1-D array; lists and tuples as objects, each value as it
    is (NumPy would write ``["a", nan]`` as the text ``'nan'``); a list,
    struct or map column (Arrow, Polars, pandas) as an object array of its
    cells (lists, dicts), each judged by its values."""
    if isinstance(values, list | tuple):
        return np.fromiter(values, dtype=object, count=len(values))
    return v._to_numpy(values, field, cells=True)


def _column_missing(
    values: Any, field: str, placeholders: tuple[str, ...]
) -> np.ndarray:
    """Whether each value of one column is missing (see the module docstring)."""
    if type(values).__module__.startswith("pandas"):
        fast = _pandas_missing(values, field, placeholders)
        if fast is not None:
            return fast
    arr = _values(values, field)
    kind = arr.dtype.kind
    if kind in "iub":
        return np.zeros(len(arr), dtype=bool)
    if kind in "fc":
        return np.isnan(arr)
    if kind in "mM":
        return np.isnat(arr)
    if kind in "US" or isinstance(arr.dtype, np.dtypes.StringDType):
        if kind == "S" or (
            isinstance(arr.dtype, np.dtypes.StringDType)
            and getattr(arr.dtype, "na_object", _TEXT) is not _TEXT
        ):
            arr = arr.astype(object)  # bytes and text with its own NA: as values
        else:
            return _text_missing(arr, placeholders, marks=False)[0]
    if arr.dtype.kind != "O":
        raise InputError(
            field,
            f"has dtype {arr.dtype}, which custseg cannot read as profile values",
            fix="pass text, numbers, booleans or dates",
        )
    return _object_missing_by_value(arr, placeholders)


def _object_missing_by_value(
    arr: np.ndarray, placeholders: tuple[str, ...]
) -> np.ndarray:
    """:func:`_object_missing`, each distinct text judged once.

    Values of type ``str`` itself (not a subclass, whose equality may be its
    own) are factorised with :func:`pandas.factorize`, which hashes them by
    their characters, so equal codes are equal texts; ``None`` is missing and
    a ``float`` is missing when NaN; other values are judged one by one.
    """
    if not len(arr):
        return np.zeros(0, dtype=bool)
    import pandas as pd

    # UTF-8 bytes as their text ("未知".encode() is a placeholder, as "未知"
    # is); other bytes stay as they are: filled values (b"" is missing)
    arr = v.bytes_as_text(arr, "profile", undecodable="keep")
    types = _TYPE(arr)
    missing = np.zeros(len(arr), dtype=bool)
    text = np.asarray(types == _STR_TYPE, dtype=bool)
    rows = np.flatnonzero(text)
    if rows.size:
        codes, uniques = pd.factorize(arr[rows])
        missing[rows] = _object_missing(
            np.asarray(uniques, dtype=object), placeholders
        )[codes]
    missing |= np.asarray(types == _NONE_TYPE, dtype=bool)
    real = np.asarray(types == _FLOAT_TYPE, dtype=bool)
    rows = np.flatnonzero(real)
    if rows.size:
        missing[rows] = np.isnan(arr[rows].astype(np.float64))
    # Decimal NaN of every form (sNaN, -NaN, NaN with a payload): its text
    # is not always "NaN", and a signalling one cannot even be compared
    dec = np.asarray(types == decimal.Decimal, dtype=bool)
    rows = np.flatnonzero(dec)
    if rows.size:
        missing[rows] = [d.is_nan() for d in arr[rows].tolist()]
    rows = np.flatnonzero(~(text | real | dec) & ~missing)
    if rows.size:
        missing[rows] = _object_missing(arr[rows], placeholders)
    return missing


#: cells holding several values: missing when none of them is filled
_CONTAINERS = (list, tuple, set, frozenset, dict, np.ndarray)


def _empty(x: Any, placeholders: tuple[str, ...]) -> bool:
    """Whether a container cell holds no filled value: ``[]``, ``{}``, an
    empty array, ``[None, ""]`` (a dict by its values)."""
    if isinstance(x, dict):
        items = list(x.values())
    else:
        items = list(x.ravel()) if isinstance(x, np.ndarray) else list(x)
    if not items:
        return True
    cells = np.fromiter(items, dtype=object, count=len(items))
    return bool(_object_missing_by_value(cells, placeholders).all())


def _to_text(arr: np.ndarray) -> np.ndarray:
    """Object values as a text array (UTF-8 ``StringDType``; fixed-width
    ``<U`` for text that is not UTF-8, such as lone surrogates)."""
    with numpy_text():  # NumPy numbers' own digits, whatever the print options
        try:
            return arr.astype(_TEXT)
        except (UnicodeError, TypeError, ValueError):
            return np.asarray(_STR(arr)).astype(str)


def _fixed(arr: np.ndarray, width: str) -> np.ndarray:
    """Object values as ``<U`` text of *width*, longer ones cut."""
    with numpy_text():  # NumPy numbers' own digits, whatever the print options
        try:
            return arr.astype(width)
        except (UnicodeError, TypeError, ValueError):  # bytes not ASCII, ...
            return np.asarray(_STR(arr)).astype(width)


#: Multiplier of the key that groups equal short values (any odd constant:
#: equal values get equal keys; rows whose key another value shares are
#: compared on their own).
_KEY_FACTOR = 0x9E3779B97F4A7C15


def _short_missing(
    fixed: np.ndarray, holders: list[str], width: str
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each ``<U`` value is blank or a placeholder once stripped, and
    whether it is exactly a missing mark."""
    stripped = np.strings.strip(fixed, BLANKS)
    hit = np.strings.str_len(stripped) == 0
    hit |= np.isin(stripped, np.array(STR_MISSING, dtype=width))  # as written
    if holders:
        hit |= np.isin(_ascii_lower(stripped), np.array(holders, dtype=width))
    return hit, np.isin(fixed, np.array(_MISSING_MARKS, dtype=width))


def _starts(holders: list[str]) -> np.ndarray:
    """Code points a blank value, a placeholder (any case of A-Z) or a missing
    mark can start with: 0 (empty text), whitespace and their first letters."""
    firsts = {h[0] for h in holders} | {m[0] for m in _MISSING_MARKS}
    firsts |= {c.upper() for c in firsts if "a" <= c <= "z"}
    firsts |= {chr(ord(c) + _WIDE) for c in firsts if "!" <= c <= "~"}
    return np.array(sorted({0, *map(ord, BLANKS), *map(ord, firsts)}), dtype=np.uint32)


def _object_missing(arr: np.ndarray, placeholders: tuple[str, ...]) -> np.ndarray:
    """:func:`_column_missing` of an object array.

    Every value is cut to one character more than the longest placeholder,
    as one fixed-width ``<U`` array. Only values that start like a blank, a
    placeholder or a missing mark are looked at further (a lookup of the
    first code point), and among them only those that fit are compared
    there; longer text only when it starts or ends with whitespace (see
    :func:`_text_missing`). A container (a list cell) is missing when none of
    its values is filled (:func:`_empty`), and so are empty bytes (``b""``,
    as an empty Parquet BINARY cell reads). Only text is blank or a
    placeholder (0, False and other bytes are filled values); other values
    are missing when their text is a missing mark (None, nan, <NA>, NaT).
    """
    box = np.fromiter(
        (
            isinstance(x, _CONTAINERS) or (isinstance(x, bytes | bytearray) and not x)
            for x in arr.tolist()
        ),
        bool,
        len(arr),
    )
    if box.any():  # a list cell (a Parquet list column): by its values
        missing = np.zeros(len(arr), dtype=bool)
        missing[box] = [
            isinstance(x, bytes | bytearray) or _empty(x, placeholders)
            for x in arr[box].tolist()
        ]
        missing[~box] = _object_missing(arr[~box], placeholders)
        return missing
    holders = [p for p in placeholders if p]
    longest = max(len(p) for p in (*holders, *_MISSING_MARKS))
    width = f"<U{longest + 1}"
    fixed = _fixed(arr, width)
    codes = fixed.view(np.uint32).reshape(len(arr), longest + 1)
    # a value using the last slot is longer than any placeholder (or a text
    # with a NUL there, which the check of lengths below settles)
    long = codes[:, longest] != 0
    rows = np.flatnonzero(np.isin(codes[:, 0], _starts(holders)) & ~long)
    missing = np.zeros(len(arr), dtype=bool)
    mark = np.zeros(len(arr), dtype=bool)
    if rows.size:
        # few distinct values among them (blanks, placeholders, None, NaN):
        # compare each distinct one once
        sub = codes[rows]
        key = sub[:, 0].astype(np.uint64)
        for j in range(1, longest + 1):
            key *= np.uint64(_KEY_FACTOR)
            key += sub[:, j]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        hit, marked = _short_missing(fixed[rows[first]], holders, width)
        hit, marked = hit[inverse], marked[inverse]
        clash = np.flatnonzero((sub != sub[first[inverse]]).any(axis=1))
        if clash.size:  # two values with one key: compare those rows themselves
            hit[clash], marked[clash] = _short_missing(
                fixed[rows[clash]], holders, width
            )
        missing[rows] = hit
        mark[rows] = marked
    if long.any():
        # longer text: blank or a placeholder only with whitespace at an end
        long_rows = np.flatnonzero(long)
        long_rows = long_rows[np.asarray(_IS_TEXT(arr[long_rows], _STR_TYPE), bool)]
        lead = np.isin(codes[long_rows, 0], _BLANK_CODES)
        trail = _blank_chars(np.asarray(_LAST(arr[long_rows])))
        edge = long_rows[lead | trail]
        if edge.size:
            missing[edge] = _text_missing(
                _to_text(arr[edge]), placeholders, marks=False
            )[0]
    rows = np.flatnonzero(missing | mark)
    if rows.size:
        sub = arr[rows]
        is_text = np.asarray(_IS_TEXT(sub, _STR_TYPE), dtype=bool)
        # <U drops a text's trailing NULs, and stripping can leave one at the
        # end: a text holding a NUL is neither blank nor a placeholder
        # (long text was checked by _text_missing above)
        short_text = np.flatnonzero(is_text & ~long[rows])
        clean = is_text.copy()
        clean[short_text] = ~_has_nul(sub[short_text])
        missing[rows] = np.where(is_text, missing[rows] & clean, mark[rows])
    return missing


def _pandas_missing(
    values: Any, field: str, placeholders: tuple[str, ...]
) -> np.ndarray | None:
    """:func:`_column_missing` of a pandas text or categorical column, judged
    once per distinct value; None for other columns.

    Missing is a property of each value alone, so the column is factorised
    (text columns by their own ``factorize``, a categorical by its codes),
    the distinct values are judged by the rule for object arrays
    (:func:`_object_missing`, or :func:`_column_missing` of the categories)
    and the verdicts are spread back through the codes; a missing row (code
    -1) is missing. Text is only hashed as text, so equal codes are equal
    values. Arrow-backed text is never turned into Python objects but for the
    distinct values that can be blank or a placeholder (see
    :func:`_arrow_candidates`).
    """
    import pandas as pd

    if isinstance(values, pd.Series | pd.Index):
        array = values.array
    elif isinstance(values, pd.api.extensions.ExtensionArray):
        array = values
    else:
        return None
    if isinstance(array, pd.Categorical):
        codes = np.asarray(array.codes, dtype=np.intp)
        per_value = _column_missing(array.categories, field, placeholders)
    elif _is_text(array, pd):
        codes, uniques = array.factorize()
        codes = np.asarray(codes, dtype=np.intp)
        per_value = np.zeros(len(uniques), dtype=bool)
        rows = _arrow_candidates(uniques, placeholders)
        if rows is None:
            objects = np.asarray(uniques, dtype=object)
            rows = np.arange(len(objects))
        else:
            objects = np.asarray(uniques.take(rows), dtype=object)
        if len(rows):
            per_value[rows] = _object_missing(objects, placeholders)
    else:
        return None
    # a missing value (code -1) takes the last slot: True
    return np.append(per_value, True)[codes]


def _is_text(array: Any, pd: Any) -> bool:
    """Whether a pandas array holds only text and missing values."""
    if isinstance(array.dtype, pd.StringDtype):
        return True
    if isinstance(array.dtype, pd.ArrowDtype):
        import pyarrow as pa

        kind = array.dtype.pyarrow_dtype
        return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
    return False


def _arrow_candidates(uniques: Any, placeholders: tuple[str, ...]) -> Any:
    """Positions of the Arrow-backed texts that may be blank or a placeholder
    (None for text not held by Arrow).

    A text can only be blank or a placeholder once stripped when it is no
    longer than the longest placeholder, or starts or ends with whitespace
    (:data:`WHITESPACE`, Python's set): the others are filled without being
    turned into Python objects. The length is counted in code points, as
    Python counts it.
    """
    import pandas as pd

    if not isinstance(uniques, pd.arrays.ArrowExtensionArray):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    text = uniques.__arrow_array__()
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    spaces = pa.array(list(BLANKS), type=text.type)
    longest = max(len(p) for p in (*placeholders, *STR_MISSING))
    maybe = pc.less_equal(pc.utf8_length(text), longest)
    maybe = pc.or_(maybe, pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), spaces))
    maybe = pc.or_(maybe, pc.is_in(pc.utf8_slice_codeunits(text, -1), spaces))
    return np.flatnonzero(maybe.to_numpy(zero_copy_only=False))


# --------------------------------------------------------------------------
# the schema


def finite_names(values: Any, field: str) -> tuple[str, ...]:
    """*values* as names (:func:`custseg._validate.text_tuple_param`: text,
    or numbers written as text), a NaN or an infinity refused: a gap of a
    spreadsheet would otherwise become the name ``"nan"``.

    >>> finite_names(["name", 7], "hard")
    ('name', '7')
    >>> finite_names(["name", float("nan")], "hard")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'hard[1]' must be text or a finite number: got float nan (a missing value is no name)
    """
    items = v._param_sequence(values, field, "names")  # once: a generator too
    for i, x in enumerate(items):
        if isinstance(x, float | np.floating) and not math.isfinite(x):
            raise ThresholdError(
                f"'{field}[{i}]' must be text or a finite number: got "
                f"{type(x).__name__} {v.describe(x)} (a missing value is no name)"
            )
    return v.text_tuple_param(items, field)


def _names(values: Any, field: str) -> tuple[str, ...]:
    names = finite_names(values, field)
    for i, name in enumerate(names):
        if not name.strip(BLANKS):
            # (its absence would read as a complete profile in missing_labels)
            raise ThresholdError(
                f"'{field}[{i}]' must not be empty or blank: got {name!r}; name "
                "the field after its column (rename an unnamed column first)"
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ThresholdError(f"{field!r} must not repeat a field: {name!r} twice")
        seen.add(name)
    return names


def _hard(values: Any) -> tuple[str, ...]:
    return _names(values, "hard")


def _soft(values: Any) -> tuple[str, ...]:
    return _names(values, "soft")


def _weights(values: Any) -> tuple[float, float]:
    w = v.number_tuple_param(values, "weights")
    if len(w) != 2:
        raise ThresholdError(
            f"'weights' must be two numbers (hard, soft): got {len(w)}"
        )
    for name, x in zip(("hard", "soft"), w, strict=True):
        if not (np.isfinite(x) and x >= 0):
            raise ThresholdError(
                f"'weights' of the {name} profile must be a finite number >= 0: got {x}"
            )
    if w[0] + w[1] <= 0:
        raise ThresholdError(f"'weights' must not both be 0: got {w}")
    return (w[0], w[1])


def _field_weights(values: Any) -> Mapping[str, float]:
    if values is None:
        return types.MappingProxyType({})
    if not isinstance(values, Mapping):
        raise ThresholdError(
            "'field_weights' must be a mapping of field name to weight: got "
            f"{type(values).__name__} {v.describe(values)}"
        )
    out: dict[str, float] = {}
    for key, x in values.items():
        name = v.text_param(key, "field_weights")
        w = v.number_param(x, f"field_weights[{name!r}]")
        if not (np.isfinite(w) and w >= 0):
            raise ThresholdError(
                f"'field_weights[{name!r}]' must be a finite number >= 0: got {w}"
            )
        out[name] = w
    # read-only: a write would skip the checks of ProfileSchema
    return types.MappingProxyType(out)


def _weights_key(table: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """Equality and hash key of the field weights: the items in field order
    (the order of the entries does not count, as for ``dict ==``)."""
    return tuple(sorted(table.items()))


def _names_text(names: tuple[str, ...]) -> _display.Raw:
    """A tuple of names for a repr: the first few, in one clipped piece
    (``('a',)`` for one)."""
    if len(names) == 1:
        return _display.Raw(f"({_display.format_value(names[0])},)")
    return _display.Raw(_display.format_value(names))


def _placeholders(values: Any) -> tuple[str, ...]:
    texts = finite_names(values, "placeholders")
    for i, p in enumerate(texts):
        if "\x00" in p:
            raise ThresholdError(
                f"'placeholders[{i}]' must not contain NUL characters: got {p!r}"
            )
    return tuple(dict.fromkeys(_fold(p) for p in texts))


def _hint(name: str, options: Sequence[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the option closest to *name*, if any
    (*cutoff*: of :func:`difflib.get_close_matches`; lower for short names,
    such as two Chinese characters one of which is mistyped).

    >>> _hint("姓明", ["姓名", "电话"], cutoff=0.5)
    " (did you mean '姓名'?)"
    """
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


@attrs.frozen(repr=False)
class ProfileSchema:
    """The fields of a customer profile, their weights and the placeholders.

    Parameters
    ----------
    hard
        The hard-profile fields (硬件档案); default :data:`HARD_FIELDS`.
        Field names are unique, and neither empty nor blank.
    soft
        The soft-profile fields (软件档案); default :data:`SOFT_FIELDS`.
    weights
        ``(hard, soft)`` weights of the two parts, non-negative, not both 0;
        only their ratio matters (``(1, 4)`` is ``(0.2, 0.8)``). A part with
        no fields must have weight 0.
    field_weights
        Relative weight of a field within its part (default 1 each); a part
        with a positive weight needs a positive field weight somewhere. Kept
        as a read-only table (a write raises a TypeError).
    placeholders
        Text that means "not known" (default :data:`PLACEHOLDERS`); kept
        stripped and with A-Z lowered, as they are compared.

    Examples
    --------
    >>> s = ProfileSchema(hard=("name", "phone"), soft=("hobbies",))
    >>> s.fields, s.field_weight_array().tolist()
    (('name', 'phone', 'hobbies'), [0.1, 0.1, 0.8])
    >>> ProfileSchema(hard=("name",), soft=("name",))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: field 'name' is in both 'hard' and 'soft'

    A schema is a value (equal schemas hash equal) with a short repr:

    >>> s
    ProfileSchema(n=3 fields, hard=('name', 'phone'), soft=('hobbies',), weights=(0.2, 0.8),
        placeholders=('未知', '不详', '不清楚', '待了解', '不詳', '待瞭解', ...))
    >>> s == ProfileSchema(hard=["name", "phone"], soft=["hobbies"]), len({s, s})
    (True, 1)
    """

    hard: tuple[str, ...] = attrs.field(default=HARD_FIELDS, converter=_hard)
    soft: tuple[str, ...] = attrs.field(default=SOFT_FIELDS, converter=_soft)
    weights: tuple[float, float] = attrs.field(default=(0.2, 0.8), converter=_weights)
    field_weights: Mapping[str, float] = attrs.field(
        factory=dict, converter=_field_weights, eq=_weights_key
    )
    placeholders: tuple[str, ...] = attrs.field(
        default=PLACEHOLDERS, converter=_placeholders
    )

    def __attrs_post_init__(self) -> None:
        both = set(self.hard) & set(self.soft)
        if both:
            raise ThresholdError(
                f"field {sorted(both)[0]!r} is in both 'hard' and 'soft'"
            )
        if not self.fields:
            raise ThresholdError("'hard' and 'soft' must not both be empty")
        known = set(self.fields)  # (a property: built once here)
        for key in self.field_weights:
            if key not in known:
                raise ThresholdError(
                    f"'field_weights' names {key!r}, which is not a profile field"
                    + _hint(key, self.fields)
                )
        for part, names, w in (
            ("hard", self.hard, self.weights[0]),
            ("soft", self.soft, self.weights[1]),
        ):
            if w > 0 and sum(self.field_weights.get(f, 1.0) for f in names) <= 0:
                raise ThresholdError(
                    f"the {part} profile has weight {w} but "
                    + ("no fields" if not names else "all its field weights are 0")
                    + ": give it fields, or set its weight to 0"
                )

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field, hard first."""
        return (*self.hard, *self.soft)

    def field_weight_array(self) -> np.ndarray:
        """The weight of each field in the score (in :attr:`fields` order), summing to 1.

        >>> ProfileSchema().field_weight_array()[[0, 8]].round(4).tolist()
        [0.025, 0.0727]
        """
        total = self.weights[0] + self.weights[1]
        out = []
        for names, w in ((self.hard, self.weights[0]), (self.soft, self.weights[1])):
            fw = np.array([self.field_weights.get(f, 1.0) for f in names])
            s = fw.sum()
            out.append(fw * (w / total / s) if s > 0 else fw * 0.0)
        return np.concatenate(out)

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt through the constructor: a read-only table does not pickle
        return (
            ProfileSchema,
            (
                self.hard,
                self.soft,
                self.weights,
                dict(self.field_weights),
                self.placeholders,
            ),
        )

    def __repr__(self) -> str:
        fields: dict[str, Any] = {
            "hard": _names_text(self.hard),
            "soft": _names_text(self.soft),
            "weights": self.weights,
        }
        if self.field_weights:
            # a few entries (clipped), not a table of every field
            fields["field_weights"] = _display.Raw(repr(dict(self.field_weights)))
        fields["placeholders"] = _names_text(self.placeholders)
        return _display.short_repr(
            "ProfileSchema", n=len(self.fields), noun="fields", fields=fields
        )

    def _repr_html_(self) -> str:
        w = self.field_weight_array()
        rows = [
            [f, "hard" if i < len(self.hard) else "soft", _display.percent(w[i])]
            for i, f in enumerate(self.fields)
        ]
        return _display.html_table(
            "ProfileSchema: weight of each field in the score",
            ["field", "part", "weight"],
            rows,
        )


# --------------------------------------------------------------------------
# the result


@attrs.frozen(eq=False, repr=False)
class ProfileCompleteness:
    """What :func:`profile_completeness` returns.

    Attributes
    ----------
    score
        Completeness of each customer's profile, 0 to 1 (float64).
    hard, soft
        Completeness within the hard and the soft part, 0 to 1 (NaN for a
        part without fields).
    missing
        Boolean matrix, customers x :attr:`fields`: ``True`` where the value
        is missing.
    fields
        The fields, hard first (the columns of :attr:`missing`).
    columns
        For each field, the data column it was read from (``None``: absent).
    absent
        The fields with no column in the data (missing for every customer).
    schema
        The :class:`ProfileSchema` used.
    index
        The pandas index of the input, or ``None``.
    """

    score: np.ndarray
    hard: np.ndarray
    soft: np.ndarray
    missing: np.ndarray
    fields: tuple[str, ...]
    columns: dict[str, Any]
    absent: tuple[str, ...]
    schema: ProfileSchema
    _index: Any = attrs.field(default=None, alias="index")

    index = RESULT_INDEX  # a new Index object per read (_align)

    def __len__(self) -> int:
        return len(self.score)

    def fill_rates(self) -> dict[str, float]:
        """Share of customers whose value is filled, per field (NaN with no customers).

        >>> profile_completeness({"name": ["Li", None]}, hard=["name"], soft=[],
        ...                      weights=(1, 0)).fill_rates()
        {'name': 0.5}
        """
        n = len(self)
        filled = n - np.count_nonzero(self.missing, axis=0)
        return {
            f: (float(c) / n if n else float("nan"))
            for f, c in zip(self.fields, filled.tolist(), strict=True)
        }

    def missing_labels(self, sep: str = ", ") -> Labels:
        """The missing fields of each customer as one readable label.

        Each distinct set of missing fields is one name (fields in schema
        order joined by *sep*; ``""`` for a complete profile), so ten million
        customers cost ten million small codes, not strings.

        Parameters
        ----------
        sep
            Put between the names of the missing fields.

        Examples
        --------

        >>> r = profile_completeness({"name": ["Li", ""], "phone": ["1", "?"]},
        ...                          hard=["name", "phone"], soft=[], weights=(1, 0))
        >>> r.missing_labels().to_numpy().tolist()
        ['', 'name, phone']
        """
        sep = v.text_param(sep, "sep")
        if not len(self):
            return Labels(np.zeros(0, np.int8), ("",), index=self.index, name="missing")
        packed = np.packbits(self.missing, axis=1)
        keys = np.ascontiguousarray(packed).view(f"V{packed.shape[1]}").ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        fields = np.asarray(self.fields, dtype=object)
        patterns = [
            np.flatnonzero(self.missing[row]).tolist() for row in first.tolist()
        ]
        # complete first, then fewer missing fields, then in field order
        order = sorted(
            range(len(patterns)), key=lambda i: (len(patterns[i]), patterns[i])
        )
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        names = [sep.join(fields[patterns[i]].tolist()) for i in order]
        if len(set(names)) != len(names):
            raise ThresholdError(
                f"'sep' {sep!r} makes two sets of missing fields read the same: "
                "choose a separator no field name contains"
            )
        codes = rank[inverse.reshape(-1)].astype(smallest_int_dtype(len(names)))
        return Labels(codes, names, index=self.index, name="missing")

    def band(
        self,
        breaks: Sequence[float] = (0.5, 0.8),
        labels: Sequence[str] = ("poor", "fair", "good"),
    ) -> Labels:
        """Completeness bands: half-open intervals of the score, ``[lo, hi)``.

        Parameters
        ----------
        breaks
            Strictly increasing scores in (0, 1]; a score exactly on a break
            belongs to the higher band. Scores are exact fractions rounded
            once (see :func:`profile_completeness`), so a score on a break
            equals it as a float, and ``band()`` agrees with
            ``score >= break``.
        labels
            One more name than *breaks*, lowest band first.

        Raises
        ------
        ThresholdError
            Breaks outside (0, 1] or not strictly increasing, not one more
            label than breaks, or a label repeated (or two that read alike,
            such as an accent stored apart or full-width letters).

        Examples
        --------
        >>> r = profile_completeness({"name": ["Li", None]}, hard=["name"],
        ...                          soft=[], weights=(1, 0))
        >>> r.band((0.5,), ("todo", "ok")).to_numpy().tolist()
        ['ok', 'todo']
        """
        b = v.number_tuple_param(breaks, "breaks")
        names = v.label_tuple_param(labels, "labels")
        if len(set(names)) != len(names):
            raise ThresholdError(
                f"'labels' must be unique: {v.repeated(names)[1]} repeated"
            )
        v.refuse_alike(names, "'labels'")
        if len(names) != len(b) + 1:
            raise ThresholdError(
                f"'labels' must have one more entry than 'breaks' ({len(b)}): "
                f"got {len(names)}"
            )
        for i, x in enumerate(b):
            if not 0 < x <= 1:
                raise ThresholdError(f"'breaks[{i}]' must be in (0, 1]: got {x}")
            if i and x <= b[i - 1]:
                raise ThresholdError(
                    f"'breaks[{i}]' must be > 'breaks[{i - 1}]' ({b[i - 1]}): got {x}"
                )
        codes = edges_below(self.score, b, inclusive=True)
        return Labels(
            codes.astype(smallest_int_dtype(len(names))),
            names,
            ordered=True,
            index=self.index,
            name="completeness_band",
        )

    def to_pandas(self, missing_columns: bool = False, sep: str = ", ") -> Any:
        """A DataFrame on the input's index: ``completeness``, ``hard``,
        ``soft``, ``n_missing`` and ``missing`` (the readable list, a
        categorical).

        Parameters
        ----------
        missing_columns
            Add one boolean ``missing.FIELD`` column per field.
        sep
            The separator of the ``missing`` lists (see
            :meth:`missing_labels`): another one when a field's name holds
            ``", "``.

        Examples
        --------

        >>> r = profile_completeness({"name": ["Li", None], "hobbies": ["tea", "无"]},
        ...                          hard=["name"], soft=["hobbies"])
        >>> r.to_pandas()
           completeness  hard  soft  n_missing          missing
        0           1.0   1.0   1.0          0
        1           0.0   0.0   0.0          2    name, hobbies
        """
        import pandas as pd

        cols: dict[str, Any] = {
            "completeness": self.score,
            "hard": self.hard,
            "soft": self.soft,
            "n_missing": np.count_nonzero(self.missing, axis=1),
            "missing": self.missing_labels(sep).to_categorical(),
        }
        if v.flag_param(missing_columns, "missing_columns"):
            for j, f in enumerate(self.fields):
                cols[f"missing.{f}"] = self.missing[:, j]
        return pd.DataFrame(cols, index=fresh_index(self.index))

    def __repr__(self) -> str:
        return _display.short_repr(
            "ProfileCompleteness",
            n=len(self),
            noun="customers",
            fields={
                "score": self.score,
                "fields": len(self.fields),
                "absent": self.absent,
            },
        )

    def _repr_html_(self) -> str:
        rates = self.fill_rates()
        rows = [
            [
                f,
                "hard" if f in self.schema.hard else "soft",
                _display.NA if self.columns[f] is None else str(self.columns[f]),
                "absent" if self.columns[f] is None else _display.percent(rates[f]),
            ]
            for f in self.fields
        ]
        return _display.html_table(
            f"ProfileCompleteness: {len(self)} customers, fill rate per field",
            ["field", "part", "column", "filled"],
            rows,
        )


# --------------------------------------------------------------------------
# exact scores

#: Integers up to this are exact in float64, and so is one division of two.
_EXACT = 2**53


def _decimal(x: float) -> Fraction:
    """A weight as the decimal number it prints as: ``0.3`` is 3/10, not the
    binary double next to it (which is what the user means by 0.3)."""
    return Fraction(repr(float(x)))


def _scores(
    missing: np.ndarray, schema: ProfileSchema
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, hard, soft) of each row of *missing*: the exact value, with the
    weights read as the decimals they print as, rounded once to float64.

    So a score that is exactly a break, a half or a whole (4/5 from weights
    (1, 2) and 7 of 10 soft fields) is that number (0.8), never one rounding
    step below it (0.7999999999999999), and is the same whatever the order of
    the fields. Each part's filled weight is an integer sum per row (the
    field weights scaled to integers); the score is one integer numerator
    over one common denominator, divided once in float64, which rounds it
    correctly while both are below 2**53; otherwise (weights with many
    digits) the same sums are made in Python integers.
    """
    n = missing.shape[0]
    total = _decimal(schema.weights[0]) + _decimal(schema.weights[1])
    parts: list[tuple[int, list[int], int, Fraction]] = []
    for lo, names, w in (
        (0, schema.hard, schema.weights[0]),
        (len(schema.hard), schema.soft, schema.weights[1]),
    ):
        fw = [_decimal(schema.field_weights.get(f, 1.0)) for f in names]
        if names and sum(fw) <= 0:  # only in a part of weight 0: fields count equally
            fw = [Fraction(1)] * len(names)
        scale = math.lcm(*(x.denominator for x in fw)) if fw else 1
        ints = [int(x * scale) for x in fw]
        parts.append((lo, ints, sum(ints), _decimal(w) / total))
    # score = sum over parts of share * filled / size = numerator / common
    used = [(lo, ints, size, share) for lo, ints, size, share in parts if share > 0]
    common = math.lcm(*((share / size).denominator for _, _, size, share in used))
    if common <= _EXACT and all(size <= _EXACT for _, _, size, _ in parts):
        filled = []
        for lo, ints, _, _ in parts:
            part = np.zeros(n, dtype=np.int64)
            for j, a in enumerate(ints):
                if a:
                    part += a * ~missing[:, lo + j]
            filled.append(part)
        numerator = np.zeros(n, dtype=np.int64)
        for (_, _, size, share), part in zip(parts, filled, strict=True):
            if share > 0:
                numerator += int(share / size * common) * part
        out = [numerator / float(common)]
        for (_, ints, size, _), part in zip(parts, filled, strict=True):
            out.append(part / float(size) if ints else np.full(n, np.nan))
        return out[0], out[1], out[2]
    return _scores_by_row_kind(missing, parts, common)


def _scores_by_row_kind(
    missing: np.ndarray, parts: list[tuple[int, list[int], int, Fraction]], common: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_scores` in Python integers, when they pass 2**53.

    Each part's filled weight is summed once per distinct pattern of that
    part's fields (few: at most 2**fields), spread back to the rows, and the
    score divided once per row (Python's ``int / int`` rounds correctly).
    """
    n = missing.shape[0]
    numerator = np.zeros(n, dtype=object)
    out: list[np.ndarray] = []
    for lo, ints, size, share in parts:
        if not ints or not n:
            out.append(np.full(n, np.nan))
            continue
        block = missing[:, lo : lo + len(ints)]
        packed = np.ascontiguousarray(np.packbits(block, axis=1))
        keys = packed.view(f"V{packed.shape[1]}").ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        got = [
            sum(
                a for a, gone in zip(ints, block[row].tolist(), strict=True) if not gone
            )
            for row in first.tolist()
        ]
        out.append(np.array([g / size for g in got], dtype=np.float64)[inverse])
        if share > 0:
            coef = int(share / size * common)
            numerator += np.array([coef * g for g in got], dtype=object)[inverse]
    score = np.array([x / common for x in numerator.tolist()], dtype=np.float64)
    return score, out[0], out[1]


# --------------------------------------------------------------------------
# the function


def _columns(profile: Any) -> tuple[dict[Any, Any], Any, int | None]:
    """(column name -> values, index, row count or None) of a table."""
    if is_pandas(profile) and hasattr(profile, "columns"):
        profile = v.arrow_plain(profile)  # (string_view: read as large_string)
        names = list(profile.columns)
        dupes, shown = v.repeated(str(c) for c in names)
        if dupes:
            raise InputError(
                "profile",
                f"has duplicate column names: {shown}",
                fix="give every column its own name",
            )
        return {c: profile[c] for c in names}, profile.index, len(profile)
    other = v.other_frame_columns(profile, "profile")
    if other is not None:  # a Polars DataFrame, a PyArrow Table
        return other, None, len(profile)
    if not isinstance(profile, Mapping):
        # a Dask or PySpark DataFrame, a DuckDB relation: said so, with its call
        v.refuse_other_table(
            profile, "profile", "a pandas DataFrame or a mapping of columns"
        )
        raise InputError(
            "profile",
            f"must be a DataFrame or a mapping of column name to values, "
            f"got {type(profile).__name__}",
            fix="pass a pandas DataFrame or a dict such as {'name': [...], ...}",
        )
    return dict(profile), None, None


def _named_like(table: Mapping[Any, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The column of *table* named like each field, None where there is none:
    the column of that name, or the one whose name is a number written as
    the field (field ``"0"``, given as ``hard=[0]``, reads the column ``0``,
    as pandas names the columns of a file read with ``header=None``). Two
    columns that read as one field (a mapping with keys ``0`` and ``"0"``)
    are a :class:`~custseg.errors.ThresholdError`.

    >>> _named_like({0: [], "name": []}, ("name", "0", "phone"))
    {'name': 'name', '0': 0, 'phone': None}
    """
    by_text: dict[str, list[Any]] = {}
    for c in table:
        if not isinstance(c, str | tuple):  # (tuples: column levels)
            by_text.setdefault(str(c), []).append(c)
    out: dict[str, Any] = {}
    for f in fields:
        alike = by_text.get(f, [])
        if len(alike) + (f in table) > 1:
            shown = ", ".join(map(repr, [f, *alike] if f in table else alike))
            raise ThresholdError(
                f"the columns {shown} of 'profile' all read as the field {f!r}: "
                "name them apart, or leave out the ones you do not want"
            )
        out[f] = f if f in table else (alike[0] if alike else None)
    return out


def _refuse_look_alikes(
    table: Mapping[Any, Any], source: Mapping[str, Any], mapped: Sequence[Any]
) -> None:
    """Refuse a column that only reads as a field the data has no column for
    (``Phone`` or ``phone `` for ``phone``, a header behind a byte order
    mark as Excel's "CSV UTF-8" writes the first one, full-width letters, a
    zero-width space): taken for no column, the field would count as missing
    for every customer, silently. Columns that feed a field, or that
    *mapped* (the keys of ``fields=``) names, are not looked at.

    >>> _refuse_look_alikes({"Phone": []}, {"phone": None}, ())
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'profile' has a column 'Phone', not 'phone': the field 'phone' reads the column of its name, so it would count as missing for every customer: map it (fields={'Phone': 'phone'}), or rename it 'phone' (or drop it if it holds something else)
    >>> _refuse_look_alikes({"Phone": []}, {"phone": None}, ("Phone",))
    """
    used = {c for c in source.values() if c is not None} | set(mapped)
    spare = [c for c in table if isinstance(c, str) and c not in used]
    if not spare:
        return

    key = _display.spelling_key
    by_key: dict[str, list[str]] = {}
    for c in spare:
        by_key.setdefault(key(c), []).append(c)
    for field, column in source.items():
        if column is not None:
            continue
        near = by_key.get(key(field))
        if not near:
            continue
        shown, _ = _display.apart(near[0], [field])
        raise InputError(
            "profile",
            f"has a column {_display.quoted([shown])}, not {field!r}: the field "
            f"{field!r} reads the column of its name, so it would count as "
            "missing for every customer",
            fix=f"map it (fields={{{near[0]!r}: {field!r}}}), or rename it "
            f"{field!r} (or drop it if it holds something else)",
        )


def profile_completeness(
    profile: Any,
    *,
    fields: Mapping[Any, str] | None = None,
    hard: Sequence[str] = HARD_FIELDS,
    soft: Sequence[str] = SOFT_FIELDS,
    weights: Sequence[float] = (0.2, 0.8),
    field_weights: Mapping[str, float] | None = None,
    placeholders: Sequence[str] = PLACEHOLDERS,
) -> ProfileCompleteness:
    """How complete each customer's profile is, and which fields are missing.

    Parameters
    ----------
    profile
        The customer records: a DataFrame or a mapping of column name to
        values (lists, arrays, Series), one row per customer. A Dask or
        PySpark DataFrame or a DuckDB relation is refused, naming the call
        that makes it pandas (``profile.compute()``), and so is a Dask
        Series among the values, whose index NumPy would drop.
    fields
        Your column names for the profile fields: ``{"姓名": "name",
        "电话": "phone"}``. A column named like a field is used without a
        mapping; a column named by a number is named like that number
        written as text (``hard=[0]`` reads the column ``0`` of a file read
        with ``header=None``). A column feeds one field only: a column you map to a field
        is not also used for the field it is named like (``{"phone":
        "name"}`` leaves ``phone`` absent unless another column is mapped to
        it). One field is fed by one column only: mapping a column onto a
        field the data also has a column for (``{"tel": "phone"}`` with a
        ``phone`` column, not itself mapped elsewhere) is a
        :class:`~custseg.errors.ThresholdError`, as is mapping two columns
        onto it. Other columns are ignored; a key that is no column of the
        data (a typo) is a :class:`~custseg.errors.ThresholdError` naming
        the closest column.
    hard, soft
        The fields of each part (default :data:`HARD_FIELDS`,
        :data:`SOFT_FIELDS`): your own names work, list them here.
    weights
        ``(hard, soft)`` weights of the parts (the sources' 20% / 80%).
    field_weights
        Relative weights of fields within their part (default: equal).
    placeholders
        Text that means "not known" (default :data:`PLACEHOLDERS`);
        compared after stripping whitespace, ignoring the case of A-Z.

    Returns
    -------
    ProfileCompleteness
        ``score`` (0 to 1), part scores, the ``missing`` matrix, fill rates,
        the readable missing list, and ``to_pandas()`` on the input's index.
        Scores are computed exactly, each weight taken as the decimal it
        prints as (``0.3`` is 3/10), and rounded once to the nearest float:
        a score of exactly 0.8 is ``0.8``, never ``0.7999999999999999``.

    Raises
    ------
    InputError
        Columns of different lengths or indexes, a column that is not one
        value per customer, none of the fields present in the data, or a
        column that only reads as a field the data has no column for
        (``Phone`` or ``phone `` for ``phone``: map it with *fields*).
    ThresholdError
        Bad weights, a field in both parts, an empty or blank field name,
        a mapping onto an unknown field
        or from a column the data does not have, two columns mapped onto one field, or a column mapped onto a field
        whose own column is also in the data (both would feed it).

    Examples
    --------
    Two customers: the first file has the hard facts and two soft ones, the
    second only a name and placeholders:

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "姓名": ["王芳", "李娜"], "phone": ["138...", "未知"],
    ...     "hobbies": ["瑜伽", " "], "family": ["两个孩子", "N/A"]},
    ...     index=pd.Index(["c1", "c2"], name="customer_id"))
    >>> res = profile_completeness(df, fields={"姓名": "name"},
    ...                            hard=["name", "phone"], soft=["hobbies", "family"])
    >>> res.score.tolist()
    [1.0, 0.1]
    >>> res.to_pandas()[["completeness", "missing"]]
                 completeness                  missing
    customer_id
    c1                    1.0
    c2                    0.1  phone, hobbies, family

    With the default fields, the ones the data lacks count as missing for
    everyone and are listed:

    >>> res = profile_completeness(df, fields={"姓名": "name"})
    >>> round(float(res.score[0]), 4), len(res.absent)
    (0.1955, 15)
    """
    schema = ProfileSchema(
        hard=hard,
        soft=soft,
        weights=weights,
        field_weights=field_weights,
        placeholders=placeholders,
    )
    table, index, n = _columns(profile)
    index = fresh_index(index)  # the result's own: never the caller's object
    own = _named_like(table, schema.fields)
    source: dict[str, Any] = dict(own)
    if fields is not None:
        if not isinstance(fields, Mapping):
            raise ThresholdError(
                "'fields' must be a mapping of your column name to a profile "
                f"field: got {type(fields).__name__} {v.describe(fields)}"
            )
        mapped: dict[str, Any] = {}
        claimed: dict[Any, str] = {}  # mapped column -> its field
        for column, field in fields.items():
            field = v.text_param(field, f"fields[{column!r}]")
            if field not in source:
                raise ThresholdError(
                    f"'fields' maps {column!r} to {field!r}, which is not a profile "
                    f"field{_hint(field, schema.fields)}: list your own fields in "
                    "'hard' or 'soft'"
                )
            if field in mapped:
                raise ThresholdError(
                    f"'fields' maps both {mapped[field]!r} and {column!r} to {field!r}"
                )
            mapped[field] = column
            claimed[column] = field
            if column in table:
                source[field] = column
        for field, column in mapped.items():
            if column not in table:  # a typo would leave the field absent
                alike = [c for c in table if str(c) == str(column)]
                if alike:  # 0 (read with header=None) is not "0"
                    raise ThresholdError(
                        f"'fields' maps {column!r} to {field!r}, but the data's "
                        f"column is {alike[0]!r} (a {type(alike[0]).__name__}, "
                        "as pandas names the columns of a file read with "
                        f"header=None): map it by that name, {{{alike[0]!r}: "
                        f"{field!r}}}"
                    )
                shown = _display.listed(str(column), [str(c) for c in table])[1]
                close = _hint(str(column), [str(c) for c in table], cutoff=0.5)
                raise ThresholdError(
                    f"'fields' maps {column!r} to {field!r}, but the data has "
                    f"no column {column!r}{close} (columns: {shown}): map the "
                    "data's own column names, and leave out the ones it does "
                    "not have"
                )
        for field, column in mapped.items():
            # the column named like the field would feed it too: which of
            # the two is meant is not guessed
            named = own[field]
            if (
                column in table
                and named is not None
                and column != named
                and named not in claimed
            ):
                raise ThresholdError(
                    f"'fields' maps {column!r} to {field!r}, but the data also "
                    f"has a column {named!r}: both {column!r} and {named!r} "
                    f"feed {field!r}; choose one: leave out the column you "
                    f"do not want (df.drop(columns=[{named!r}]) keeps "
                    f"{column!r}), map {named!r} to another field, or leave "
                    f"{column!r} unmapped (to use {named!r})"
                )
        # a column mapped to a field is that field's, not also the field it
        # is named like (one value must not fill two fields)
        # (mapped itself to an absent column, it does not take it back either)
        for field, column in source.items():
            if column is not None and claimed.get(column, field) != field:
                source[field] = None
    _refuse_look_alikes(table, source, () if fields is None else tuple(fields))
    present = {f: c for f, c in source.items() if c is not None}
    if not present:
        numbered = [c for c in table if not isinstance(c, str | tuple)]
        tupled = [c for c in table if isinstance(c, tuple)]
        if tupled:  # MultiIndex columns: ("basic", "name")
            raise InputError(
                "profile",
                f"has none of the profile fields ({', '.join(schema.fields[:4])}, "
                f"...); its columns are named by tuples "
                f"({', '.join(map(repr, tupled[:2]))}{', ...' if len(tupled) > 2 else ''}"
                "), as a frame with column levels has them, the fields by text",
                fix="name the columns by their last level: "
                "df.columns = df.columns.get_level_values(-1); or map them: "
                f"fields={{{tupled[0]!r}: 'name', ...}}",
            )
        raise InputError(
            "profile",
            f"has none of the profile fields ({', '.join(schema.fields[:4])}, ...)"
            + (
                f"; its columns are named by numbers ({', '.join(map(repr, numbered[:4]))}"
                f"{', ...' if len(numbered) > 4 else ''}), the fields by text"
                if numbered
                else ""
            ),
            fix="name your columns like the fields, or map them: "
            "fields={'your column': 'name', ...}"
            + (
                "; or name them as text: df.columns = df.columns.astype(str)"
                if numbered
                else ""
            ),
        )
    if index is None:
        index = common_index(**{str(c): table[c] for c in present.values()})
    lengths: dict[str, np.ndarray] = {}
    columns_missing: dict[str, np.ndarray] = {}
    for f, c in present.items():
        m = _column_missing(table[c], str(c), schema.placeholders)
        columns_missing[f] = m
        lengths[str(c)] = m
    n_rows = v.check_same_length(**lengths) if n is None else n
    if n is not None:
        v.check_same_length(profile=np.empty(n), **lengths)
    missing = np.ones((n_rows, len(schema.fields)), dtype=bool, order="F")
    for j, f in enumerate(schema.fields):
        if f in columns_missing:
            missing[:, j] = columns_missing[f]
    score, hard_part, soft_part = _scores(missing, schema)
    absent = tuple(f for f in schema.fields if source[f] is None)
    return ProfileCompleteness(
        score=score,
        hard=hard_part,
        soft=soft_part,
        missing=missing,
        fields=schema.fields,
        columns=source,
        absent=absent,
        schema=schema,
        index=index,
    )
