"""Grouping (分群): tags per customer, group sizes, overlaps and summaries.

A tag says what a customer cares about or where they are in life: 重点客户
key customer, 孕妇 pregnant, 宝妈 mother, 意向A产品 intends to buy product A,
男宝 / 女宝 boy / girl baby. Unlike a segment, tags are not exclusive: a
customer can carry several, or none. custseg keeps them as a boolean
:class:`TagMatrix` (customers x tags) on the customers' index.

Tags come from customer records (:func:`tags_from_values`: one tag per value
of a column such as product interests; :func:`life_stage_tags`: pregnancy
and baby age from dates), or from a rules file's ``[tags]`` sets
(:meth:`custseg.rules.RuleSet.evaluate`); :func:`combine_tags` puts them side
by side. :func:`group_sizes`, :func:`group_overlaps` and :func:`group_summary`
describe the groups. A customer in several groups counts in each: group
sizes and revenues add up to more than the whole.
"""

from __future__ import annotations

import collections
import decimal
import math
import numbers
import types
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    RESULT_INDEX,
    as_index,
    common_index,
    ids_apart,
    index_of,
    is_pandas,
    kinds_apart,
    numbers_beside_ids,
    own_index,
    paired,
    realign_fix,
    refuse_numbers_beside_ids,
    refuse_uncomputed,
    row_numbers,
    rows_moved,
    to_pandas_index,
)
from ._categories import STR_MISSING
from ._display import BLANKS, fold_chars
from ._exact import decimal_scale
from ._threads import numpy_str
from .errors import CustsegWarning, InputError, ThresholdError
from .labels import _decimal_name, declared_classes, sorted_names
from .profile import (
    PLACEHOLDERS,
    _column_missing,
    _fold,
    _placeholders,
    _to_text,
    _values,
    finite_names,
)
from .segments import decimal_means, sum_and_mean

__all__ = [
    "MAX_TAGS",
    "SOURCE_TAGS",
    "GroupOverlaps",
    "GroupSummary",
    "LifeStageWindows",
    "TagMatrix",
    "combine_tags",
    "group_overlaps",
    "group_sizes",
    "group_summary",
    "life_stage_tags",
    "tags_from_values",
]

SOURCE_TAGS: Mapping[str, Mapping[str, str]] = types.MappingProxyType(
    {
        "key_customer": types.MappingProxyType(
            {"zh": "重点客户", "when": "monetary >= key_amount"}
        ),
        "pregnant": types.MappingProxyType(
            {"zh": "孕妇", "when": "0 <= days_to_due < pregnancy_days"}
        ),
        "mother": types.MappingProxyType(
            {"zh": "宝妈", "when": "0 <= baby_age_days < baby_days"}
        ),
        "intends_product_a": types.MappingProxyType(
            {"zh": "意向A产品", "when": "intends_a"}
        ),
        "boy_baby": types.MappingProxyType(
            {
                "zh": "男宝",
                "when": "0 <= baby_age_days < baby_days and baby_sex in ('boy', '男', '男宝')",
            }
        ),
        "girl_baby": types.MappingProxyType(
            {
                "zh": "女宝",
                "when": "0 <= baby_age_days < baby_days and baby_sex in ('girl', '女', '女宝')",
            }
        ),
    }
)
"""The sources' example groups: tag name -> Chinese name and the rules-DSL
condition that sets it (fields and parameters as in the ``groups`` preset text
of the docs page "Tags and groups")."""

#: Rows per block when tags are multiplied (bounds the float32 temporaries and
#: keeps every partial count exact: a block's counts stay far below 2**24).
_BLOCK = 1 << 16

#: Default most tags :func:`tags_from_values` makes: the tag matrix takes a
#: byte per customer and tag, so a column of one value per customer (ids,
#: free text) would take customers squared bytes.
MAX_TAGS = 1000


# --------------------------------------------------------------------------
# the tag matrix


def _tag_names(values: Any, field: str) -> tuple[str, ...]:
    names = v.text_tuple_param(values, field, numbers=False)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ThresholdError(f"{field!r} must be unique: {name!r} repeated")
        seen.add(name)
    return names


def _as_matrix(values: Any, n_tags: int, field: str = "matrix") -> np.ndarray:
    fix = "pass a customers x tags boolean array"
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):  # ragged rows: NumPy cannot make an array
        raise InputError(
            field,
            f"must be a 2-D array with one column per tag ({n_tags}): got rows "
            "of different lengths",
            fix=fix,
        ) from None
    if arr.ndim == 1 and n_tags == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[1] != n_tags:
        raise InputError(
            field,
            f"must be a 2-D array with one column per tag ({n_tags}): got shape "
            f"{arr.shape}",
            fix=fix,
        )
    if arr.dtype != bool:
        cells = arr.ravel().tolist() if arr.dtype.kind == "O" else []
        if any(map(v.is_missing_scalar, cells)) or (
            arr.dtype.kind == "f" and np.isnan(arr).any()
        ):
            raise InputError(  # (a nullable boolean column with NA)
                field,
                "has missing values (NA, None or NaN) among its true/false tags",
                fix="decide what missing means first: .fillna(False) (or True)",
            )
        flags = [isinstance(x, bool | np.bool_) for x in cells]
        if cells and all(flags):
            # True/False as objects (what df.replace({'是': True, ...}) gives)
            arr = arr.astype(bool)
        elif cells and all(map(_zero_one, cells)):
            # 0/1 as objects (what df.replace({'是': 1, '否': 0}) gives), or
            # True/False among them
            arr = np.array([bool(x) for x in cells], dtype=bool).reshape(arr.shape)
        elif any(flags):  # some words left unmapped
            other = cells[flags.index(False)]
            raise InputError(
                field,
                f"holds {v.describe(other)} ({type(other).__name__}) among its "
                "True/False values",
                fix="map every yes/no word to True/False (e.g. df.replace({'是': "
                "True, '否': False, 'Y': True, 'N': False})), after deciding "
                "what missing means",
            )
        elif arr.dtype.kind not in "iuf" or (
            arr.size and not np.isin(arr, (0, 1)).all()
        ):
            # (floats that are all exactly 0 or 1, as a column read from a
            # file with a blank and then filled, are 0/1)
            odd = arr[~np.isin(arr, (0, 1))].ravel()[:1].tolist()
            raise InputError(
                field,
                f"must be boolean (or 0/1): got dtype {arr.dtype}"
                + (f" ({v.describe(odd[0])} among its values)" if odd else ""),
                fix=(
                    "map its yes/no words to True/False first (e.g. "
                    "df.replace({'是': True, '否': False, 'Y': True, 'N': False})), "
                    "after deciding what missing means; .astype(bool) would make "
                    "every non-empty text True, '否' and 'N' too"
                    if arr.dtype.kind in "US"
                    or (cells and not all(map(v._is_real, cells)))
                    else "convert it to True/False after deciding what missing "
                    "means (e.g. .astype(bool) for numbers, 0 being False)"
                ),
            )
        arr = arr.astype(bool)
    out = np.array(arr, dtype=bool, order="F")  # a private copy, column-major
    out.flags.writeable = False
    return out


def _zero_one(x: Any) -> bool:
    """Whether one cell of an object matrix is a yes/no flag: True/False,
    or a number (not a missing one) equal to 0 or 1."""
    if isinstance(x, bool | np.bool_):
        return True
    return v._is_real(x) and (x == 0 or x == 1)


def _pandas_matrix(values: Any, names: tuple[str, ...], field: str) -> tuple[Any, Any]:
    """(values, index) of a tag matrix: a pandas DataFrame's columns looked
    up by the tag *names* (as text; other columns left out), with its index;
    a Series (one tag) with its index; anything else as it is, index None.

    A DataFrame whose columns are the default ``0 .. k-1`` (no names) is read
    by position, as an array, when no tag name is one of them: a tag called
    ``"1"`` is the column ``1`` whatever the other names are.
    """
    if isinstance(values, TagMatrix):  # renaming its tags or picking some?
        raise InputError(
            field,
            "is a TagMatrix, not a matrix of tags",
            fix="pass its .matrix (with index=its .index) to rename its tags, "
            "or its .to_pandas() to pick tags by name",
        )
    refuse_uncomputed(values, field)  # a Dask DataFrame: its index, the ids
    other = v.other_frame_columns(values, field)
    if other is not None:  # a Polars DataFrame, a PyArrow Table: by name
        absent = [x for x in names if x not in other]
        if absent:
            raise InputError(
                field,
                f"has no column{'s' if len(absent) > 1 else ''} "
                f"{', '.join(repr(x) for x in absent[:5])} (its columns: "
                f"{', '.join(repr(c) for c in list(other)[:10])})",
                fix="name the tags after the frame's columns (they are read by "
                "name, not by position), or rename the columns",
            )
        if not names:
            return np.zeros((len(values), 0), dtype=bool), None
        cols = [np.asarray(other[x].to_numpy()) for x in names]
        try:
            return np.column_stack(cols), None
        except (ValueError, TypeError):
            return np.column_stack([c.astype(object) for c in cols]), None
    if not is_pandas(values):
        return values, None
    if not hasattr(values, "columns"):  # a Series: one tag
        return np.asarray(values), values.index
    columns = list(values.columns)
    where: dict[str, list[int]] = {}
    for j, c in enumerate(columns):
        where.setdefault(str(c), []).append(j)
    absent = [x for x in names if x not in where]
    if not absent:
        twice = [x for x in names if len(where[x]) > 1]
        if twice:
            raise InputError(
                field,
                f"has {len(where[twice[0]])} columns named {twice[0]!r}: "
                "which one is the tag cannot be told",
                fix="give each column of the DataFrame its own name",
            )
        take = [where[x][0] for x in names]
    elif columns == list(range(len(names))) and not any(x in where for x in names):
        # unnamed columns, none of them a tag's name: positions
        take = list(range(len(names)))
    else:
        raise InputError(
            field,
            f"is a DataFrame without the column{'s' if len(absent) > 1 else ''} "
            f"{', '.join(repr(x) for x in absent[:5])} (its columns: "
            f"{', '.join(repr(str(c)) for c in columns[:10])}"
            f"{', ...' if len(columns) > 10 else ''})",
            fix="name the tags after the DataFrame's columns (its columns are "
            "read by name, not by position), or rename the columns",
        )
    if not take:
        return np.zeros((len(values), 0), dtype=bool), values.index
    cols = [np.asarray(values.iloc[:, j]) for j in take]
    try:
        arr = np.column_stack(cols)
    except (ValueError, TypeError):
        arr = np.column_stack([c.astype(object) for c in cols])
    return arr, values.index


def _same_index(
    a: Any, b: Any, field: str, other: str, *, rows_apart: bool = False
) -> bool:
    """Whether two indexes (pandas, or sequences of ids) hold the same ids
    in the same order, compared exactly (:func:`~custseg._align.paired`:
    row numbers beside customer ids refused); ``None`` matches any.
    Sequences are compared as the ids they hold (``1`` is not ``"1"``,
    ``2**53 + 1`` not ``2**53``), never through one NumPy dtype.

    *rows_apart*: row numbers (:func:`~custseg._align.row_numbers`, an
    unnamed RangeIndex) beside any other index are refused too, as the docs
    page "Tags and groups" says: only an unnamed RangeIndex is row numbers,
    any other index (unnamed integers such as ``12583, 13047``, or ``0 ..
    n-1`` read from a file with ``index_col=0``) names customer ids, which
    row numbers equal to them would pair by position."""
    if a is None or b is None or a is b:
        return True
    a, b = as_index(a), as_index(b)
    if numbers_beside_ids(a, b) or (rows_apart and _rows_beside_ids(a, b)):
        rows = field if row_numbers(a) else other
        # a tag source ("tags", "tags[k]") has no set_axis: give it its ids
        fix = _ids_fix(rows) if rows.startswith("tags") else None
        refuse_numbers_beside_ids(field, other, a, fix=fix)
    return paired(field, other, a, b)


def _rows_beside_ids(a: Any, b: Any) -> bool:
    """Whether one of two pandas indexes (neither empty) is row numbers and
    the other is not: customer ids, whatever their name."""
    return bool(len(a) and len(b)) and row_numbers(a) != row_numbers(b)


def _text_ids(source: Any, field: str) -> str:
    """The code that makes the ids of the tag source *field* text (its index
    cannot be set: a TagMatrix is frozen), for :func:`kinds_apart`."""
    if isinstance(source, TagMatrix):
        return (
            f"t = TagMatrix(t.names, t.matrix, index=[str(i) for i in t.index]), "
            f"t being {field}"
        )
    if isinstance(source, tuple):  # (names, frame)
        return f"(names, frame.rename(index=str)) for {field}"
    return f"evaluate the rules of {field} on frame.rename(index=str)"


def _ids_fix(field: str) -> str:
    """The fix for the tag source *field* without customer ids (its rows
    by position, or on row numbers) beside one that has them."""
    return (
        f"give {field} its customer ids: build it from a Series indexed by "
        "customer id (tags_from_values(customers.set_index('customer_id')"
        "['interest'])), or TagMatrix(t.names, t.matrix, index=ids), ids "
        "being the customer of each of its rows (the 'customer_id' column of "
        "the frame its rows come from); evaluate rules on a frame indexed by "
        "customer id"
    )


def _matrix_names(values: Any) -> tuple[str, ...]:
    return _tag_names(values, "names")


@attrs.frozen(eq=False, repr=False)
class TagMatrix:
    """Tags per customer: a boolean matrix, customers x tag names.

    Parameters
    ----------
    names
        The tag names, unique.
    matrix
        Boolean (or 0/1) array, one row per customer, one column per name
        (an ``object`` column of True/False, as ``df.replace({'是': True,
        '否': False})`` gives, or of 0/1, as ``df.replace({'是': 1, '否':
        0})`` gives, too; floats that are all exactly 0 or 1, none
        missing). Stored as a private read-only copy. A
        pandas DataFrame is read by
        column name: the column of each tag name (columns compared as text;
        other columns left out; a frame with the default columns ``0 .. k-1``
        is read by position when no tag is named after one of them), and its
        index becomes the matrix's *index*. A
        Series (one tag) keeps its index too.
    index
        The customers' ids, one per row: a pandas Index or Series (its
        values, named as it is), an array or a list, kept as the matrix's
        own copy (editing the caller's ids later changes nothing); or
        ``None`` (the index of a pandas *matrix*, if any).

    Raises
    ------
    InputError
        A matrix that is not 2-D with one column per name (rows of different
        lengths too), or not boolean or 0/1 (missing values too); a
        DataFrame without a column of a tag name, or with two columns of
        that name; an *index* that differs from the index of a pandas
        *matrix* (ids beside a matrix on row numbers too); a TagMatrix as
        *matrix* (pass its ``.matrix``).
    ThresholdError
        Names that are not a sequence of unique names (a plain string is
        refused), an index of another length, or not one id per row (a
        DataFrame, a 2-D array).

    Examples
    --------
    >>> t = TagMatrix(("vip", "mother"), [[True, False], [True, True], [False, False]])
    >>> t.sizes()
    {'vip': 2, 'mother': 1}
    >>> t["mother"].tolist()
    [False, True, False]
    >>> t.to_pandas()
         vip  mother
    0   True   False
    1   True    True
    2  False   False

    A DataFrame's columns are found by name, and its index kept:

    >>> import pandas as pd
    >>> flags = pd.DataFrame({"mother": [True, False], "vip": [False, True]},
    ...                      index=["c1", "c2"])
    >>> t = TagMatrix(("vip", "mother"), flags)
    >>> t.sizes(), list(t.index)
    ({'vip': 1, 'mother': 1}, ['c1', 'c2'])
    >>> t["vip"].tolist()
    [False, True]
    """

    names: tuple[str, ...] = attrs.field(converter=_matrix_names)
    matrix: np.ndarray = attrs.field()
    _index: Any = attrs.field(
        default=None, kw_only=True, converter=own_index, alias="index"
    )

    index = RESULT_INDEX  # a new Index object per read (_align)

    def __attrs_post_init__(self) -> None:
        values, index = _pandas_matrix(self.matrix, self.names, "matrix")
        m = _as_matrix(values, len(self.names))
        object.__setattr__(self, "matrix", m)
        if index is not None:
            if self.index is None:  # (its own copy, as index= is)
                object.__setattr__(self, "_index", own_index(index))
            elif len(self.index) == len(m) and not _same_index(
                index, self.index, "matrix", "index"
            ):
                if row_numbers(index):  # no reindex finds ids among row numbers
                    refuse_numbers_beside_ids("matrix", "index", index)
                raise InputError(
                    "index",
                    "differs from the index of 'matrix' (a pandas object whose "
                    "rows are the customers of its own index)",
                    fix=realign_fix(
                        "matrix.reindex(index)",
                        "leave out index= to keep the matrix's index",
                        ("matrix", index),
                        ("index", as_index(self.index)),
                    ),
                )
        if self.index is not None and len(self.index) != len(m):
            raise ThresholdError(
                f"'index' must have one entry per row ({len(m)}): got {len(self.index)}"
            )

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle, copy and deepcopy rebuild through the constructor, which
        # checks and freezes the matrix again (NumPy does not keep the flag)
        return (_rebuild_tags, (self.names, self.matrix, self.index))

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __iter__(self) -> Any:
        # without it, Python would iterate by t[0], t[1], ...: KeyError(0)
        raise TypeError(
            "a TagMatrix is not iterable: its tags are t.names (t[name] is "
            "one tag's column), its rows t.matrix; pass several tag matrices "
            "to combine_tags(a, b) as separate arguments"
        )

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            j = self.names.index(name)
        except ValueError:
            raise KeyError(name) from None
        return self.matrix[:, j]

    def sizes(self) -> dict[str, int]:
        """Customers per tag (see :func:`group_sizes`).

        Returns
        -------
        dict
            Tag name -> number of customers carrying it, in tag order.

        Examples
        --------
        >>> t = TagMatrix(("孕妇", "宝妈"), [[1, 0], [1, 1], [0, 1], [0, 0]])
        >>> t.sizes()
        {'孕妇': 2, '宝妈': 2}
        """
        counts = np.count_nonzero(self.matrix, axis=0)
        return dict(zip(self.names, (int(c) for c in counts), strict=True))

    def to_pandas(self) -> Any:
        """A DataFrame of boolean columns, one per tag, on the customers' index.

        Examples
        --------
        >>> t = TagMatrix(("vip", "mother"), [[1, 0], [1, 1], [0, 0]],
        ...               index=["c1", "c2", "c3"])
        >>> t.to_pandas()
              vip  mother
        c1   True   False
        c2   True    True
        c3  False   False
        """
        import pandas as pd

        frame = pd.DataFrame(
            {j: self.matrix[:, j] for j in range(len(self.names))},
            # every customer a row, with no tags too
            # (ids given as a list: kept as they are, 2**53 + 1 never the
            # float 2**53, as they are compared)
            index=pd.RangeIndex(len(self))
            if self.index is None
            else as_index(self.index),
        )
        # the names set as an index, not as dict keys pandas would infer
        # again (text that is not UTF-8 stays an object Index)
        return frame.set_axis(to_pandas_index(self.names), axis=1)

    def __repr__(self) -> str:
        return _display.short_repr(
            "TagMatrix", n=len(self), noun="customers", shares=self.sizes()
        )

    def _repr_html_(self) -> str:
        return _display.counts_table(
            f"TagMatrix: {len(self)} customers", self.sizes(), len(self)
        )


def _sources(source: Any, k: int) -> list[tuple[tuple[str, ...], Any, Any]]:
    """(names, matrix, index) of each tag matrix the *k*-th source holds."""
    if isinstance(source, TagMatrix):
        return [(source.names, source.matrix, source.index)]
    tags = getattr(source, "tags", None)
    if isinstance(tags, Mapping):  # a RulesResult: tag sets by name
        out = []
        for set_name, pair in tags.items():
            names, matrix = pair
            out.append(
                (
                    tuple(f"{set_name}.{t}" for t in names),
                    matrix,
                    getattr(source, "index", None),
                )
            )
        return out
    if isinstance(source, tuple | list) and source and _is_source(source[0]):
        # (a, b) as one argument: read as (names, matrix), a would be names
        raise InputError(
            "tags",
            f"is a {type(source).__name__} holding tag sources (a TagMatrix or "
            "rules result), not one source",
            fix="pass several sources as separate arguments: combine_tags(a, b) "
            "(or combine_tags(*sources)), and the TagMatrix it returns to "
            "group_sizes, group_overlaps or group_summary",
        )
    if isinstance(source, tuple) and len(source) == 2:
        # names as TagMatrix reads them: "ab" is no sequence of names
        names = _tag_names(source[0], f"tags[{k}] names")
        matrix, index = _pandas_matrix(source[1], names, f"tags[{k}]")
        return [(names, matrix, index)]
    raise InputError(
        "tags",
        f"cannot be read as tags: {type(source).__name__}",
        fix="pass TagMatrix values, (names, matrix) pairs or rules results",
    )


def _is_source(x: Any) -> bool:
    """Whether *x* is a tag source by itself: a :class:`TagMatrix` or a
    rules result (a ``tags`` mapping)."""
    return isinstance(x, TagMatrix) or isinstance(getattr(x, "tags", None), Mapping)


def combine_tags(*sources: Any) -> TagMatrix:
    """Several tag matrices side by side, as one :class:`TagMatrix`.

    Parameters
    ----------
    *sources
        :class:`TagMatrix` values, ``(names, matrix)`` pairs (a DataFrame
        *matrix* is read as :class:`TagMatrix` reads it: columns by name, its
        index kept), or rules results (anything with a ``tags`` mapping of
        tag set to ``(names, matrix)``, such as
        :class:`custseg.rules.RulesResult`; their tags are named
        ``set.tag``, as in its ``to_pandas``).

    Returns
    -------
    TagMatrix
        All tags, in the order given, on the index the sources share.

    Raises
    ------
    InputError
        Sources with different numbers of customers or different indexes
        (the same customers in another order too; ids compared as ids, ``1``
        never as ``"1"``; other ids named); a source without customer ids
        (its rows by position, or row numbers: an unnamed RangeIndex)
        beside one on customer ids (any other index, unnamed integers and
        ``0 .. n-1`` too), as :func:`group_summary` refuses it beside facts
        on ids; a source on another's row numbers sorted, sorted back
        (``sort_index``) or filtered is named so, as :func:`group_summary`
        names such facts, with a fix that puts it in the other's rows; a
        DataFrame pair without a column of
        one of its names; several sources in one tuple or list (pass them as
        separate arguments).
    ThresholdError
        A tag name in two sources; names of a pair that are not a sequence
        of unique names (a plain string such as ``"ab"`` is refused, not
        split into ``"a"`` and ``"b"``).

    Examples
    --------
    >>> a = TagMatrix(("vip",), [[True], [False]])
    >>> combine_tags(a, (("mother", "pregnant"), [[0, 1], [1, 0]])).names
    ('vip', 'mother', 'pregnant')
    """
    parts = [(k, *p) for k, s in enumerate(sources) for p in _sources(s, k)]
    if not parts:
        raise InputError("tags", "is empty", fix="pass at least one tag matrix")
    names: list[str] = []
    matrices: list[np.ndarray] = []
    index = None
    first = ""  # the first source with customer ids
    first_source: Any = None
    without = ""  # the first source without any (its rows by position)
    n = 0
    for k, part_names, matrix, idx in parts:
        field = f"tags[{k}]"
        m = _as_matrix(matrix, len(part_names), field)
        if not matrices:
            n = len(m)
        elif len(m) != n:
            _refuse_rows_left(field, idx, parts[0][0], parts[0][3], len(m), n)
        if idx is None:
            without = without or field
        elif index is None:
            index, first, first_source = idx, field, sources[k]
        elif _refuse_tags_moved(field, as_index(idx), first, as_index(index)) or (
            not _same_index(idx, index, field, first, rows_apart=True)
        ):
            here, there = (field, as_index(idx)), (first, as_index(index))
            as_text = {
                field: _text_ids(sources[k], field),
                first: _text_ids(first_source, first),
            }
            kinds = kinds_apart(here, there, as_text=as_text)
            apart = None if kinds else ids_apart(here, there)
            raise InputError(
                field,
                f"has a different index from {first!r}"
                + ("" if apart is None else f" ({apart})"),
                fix=kinds
                or (
                    "evaluate every source on the same customers, in the same order"
                    if apart is None
                    else "evaluate every source on the same customers, their "
                    "ids written alike, in the same order"
                ),
            )
        names.extend(part_names)
        matrices.append(m)
    if without and index is not None and n > 1 and not row_numbers(as_index(index)):
        # rows by position beside customer ids: which row is which customer
        # cannot be told (the ids' order is theirs: sorted, filtered, ...)
        raise InputError(
            without,
            f"has no customer ids, but {first!r} is indexed by customer id: "
            "which of its rows is which customer cannot be told, and pairing "
            "the rows by position would tag other customers",
            fix=_ids_fix(without),
        )
    _unique_across(names)
    return TagMatrix(tuple(names), np.concatenate(matrices, axis=1), index=index)


def _refuse_rows_left(
    field: str, idx: Any, k: int, first_idx: Any, n_rows: int, n: int
) -> None:
    """InputError for the tag source *field* of *n_rows* rows beside a
    first source (``tags[k]``, index *first_idx*) of *n*: when one is on
    row numbers and the other on some of them (a filter, ``query``), it is
    said so, with a fix that runs, as :func:`group_summary` says it."""
    first = f"tags[{k}]"
    how, moved, rows = None, field, first
    if idx is not None and first_idx is not None:
        a, b = as_index(idx), as_index(first_idx)
        moved, rows, how = field, first, rows_moved(a, b, f"{first}'s")
        if how is None:
            moved, rows, how = first, field, rows_moved(b, a, f"{field}'s")
    if how is None:
        raise InputError(
            field,
            f"has {n_rows} rows but the first source has {n}",
            fix="tag the same customers in every source",
        )
    raise InputError(
        field,
        f"has {n_rows} rows but the first source has {n}: {moved} is indexed by "
        f"{how}, or by customer ids that happen to be such numbers (a file read "
        "with index_col=0)",
        fix="tag the same customers in every source: if they are the row "
        f"numbers of the frame both come from, put {moved} in {rows}'s rows: "
        "TagMatrix(t.names, pd.DataFrame(t.matrix, index=t.index, "
        f"columns=t.names).reindex(u.index, fill_value=False)), t being {moved} "
        f"and u {rows} (the rows it lacks get none of its tags), or tag {rows}'s "
        f"rows anew; if they are customer ids, {_ids_fix(rows)}",
    )


def _plain_rows(index: Any) -> bool:
    """Whether *index* is the row numbers ``0 .. n-1`` in order (an unnamed
    RangeIndex from 0, step 1), as a frame read from a file has them."""
    return (
        row_numbers(index)
        and getattr(index, "start", None) == 0
        and getattr(index, "step", None) == 1
    )


def _refuse_tags_moved(field: str, idx: Any, first: str, index: Any) -> bool:
    """InputError for the tag sources *field* and *first* (pandas indexes
    *idx* and *index*, of as many rows) of which one is on row numbers (an
    unnamed RangeIndex) and the other on those row numbers moved
    (:func:`~custseg._align.rows_moved`: sorted, or sorted back with
    ``sort_index``), as :func:`group_summary` refuses facts and tags so cut
    from one frame: named so (not "customer ids"), with a fix that runs.
    Such integers may also be customer ids (``index_col=0``): never paired
    with row numbers by position. False (no error) otherwise."""
    sides = [(field, idx, first, index), (first, index, field, idx)]
    if _plain_rows(idx):  # (a reversed RangeIndex beside it is the moved one)
        sides.reverse()
    for side in sides:
        how = rows_moved(side[1], side[3], f"{side[2]}'s")
        if how is not None:
            moved, moved_index, rows, _ = side
            break
    else:
        return False
    put = (
        f"put {moved} in {rows}'s rows: TagMatrix(t.names, pd.DataFrame(t.matrix, "
        f"index=t.index, columns=t.names).reindex(u.index)), t being {moved} and "
        f"u {rows}"
    )
    what = f"is indexed by {how}"
    if row_numbers(moved_index):  # a RangeIndex is row numbers, never ids
        raise InputError(
            moved,
            f"{what}: pairing the sources by position would tag other rows",
            fix=put,
        )
    raise InputError(
        moved,
        f"{what}, or by customer ids that happen to be such numbers (a file "
        "read with index_col=0): which cannot be told, and pairing the sources "
        "by position would tag other customers",
        fix=f"if they are the row numbers of the frame both come from, {put}; if "
        f"they are customer ids, {_ids_fix(rows)}",
    )


def _unique_across(names: list[str]) -> None:
    """ThresholdError for tag names given more than once, naming the first
    few (in order of appearance) and how many there are (linear: counted
    once, not searched per name)."""
    dupes = [x for x, c in collections.Counter(names).items() if c > 1]
    if dupes:
        n = len(dupes)
        more = f" and {n - 5:,d} more" if n > 5 else ""
        raise ThresholdError(
            f"tag names must be unique across sources: {dupes[:5]}{more} repeated "
            f"({n:,d} name{'s' if n != 1 else ''} given more than once); "
            "rename them, e.g. with a prefix per source"
        )


def _as_tags(tags: Any) -> TagMatrix:
    return tags if isinstance(tags, TagMatrix) else combine_tags(tags)


def _rebuild_tags(names: tuple[str, ...], matrix: np.ndarray, index: Any) -> TagMatrix:
    """The :class:`TagMatrix` of a pickle or a copy (its index is
    keyword-only)."""
    return TagMatrix(names, matrix, index=index)


# --------------------------------------------------------------------------
# tags from customer records

#: ``type()`` of each value of an object array (a C loop, no Python frames).
_TYPE = np.frompyfunc(type, 1, 1)
#: Cells that hold several values as a Python container, not as text.
_CONTAINERS = (list, tuple, set, frozenset, dict, Mapping, np.ndarray)


def _cell_kind(t: type) -> str:
    """What a cell of type *t* is: text, number, missing, or a kind refused."""
    if issubclass(t, str):
        return "text"
    if t is type(None) or t.__name__ in ("NAType", "NaTType"):
        return "missing"
    if issubclass(t, bool | np.bool_):
        return "bool"
    if issubclass(t, _CONTAINERS):
        return "container"
    if issubclass(t, np.datetime64 | np.timedelta64):  # NumPy calls them integers
        return "other"
    if issubclass(t, numbers.Real | decimal.Decimal):
        return "number"
    return "other"


def _not_itself(x: Any) -> bool:
    """Whether *x* differs from itself, as NaN and NaT do."""
    try:
        return bool(x != x)
    except (TypeError, ValueError):
        return False


def _refuse_cells(arr: np.ndarray, kinds: np.ndarray, kind: str) -> None:
    """InputError for the cells of a refused *kind* (``kinds`` per row)."""
    bad = kinds == kind
    if not bad.any():
        return
    first, count = v.first_offender(bad)
    value = arr[first]
    if kind == "container":
        raise InputError(
            "column",
            f"has {type(value).__name__} cells ({v.describe(value)}), but a cell "
            "holds one text or number",
            first_row=first,
            n_rows=count,
            fix="join the values with a separator first, e.g. "
            "column.map(','.join) for lists of text",
        )
    if kind == "bool":
        raise InputError(
            "column",
            "holds True/False values, which name no tag",
            first_row=first,
            n_rows=count,
            fix="a yes/no column is a tag already: pass it as "
            "TagMatrix(('name',), column)",
        )
    raise InputError(
        "column",
        f"has {'an' if type(value).__name__[:1] in 'AEIOUaeiou' else 'a'} "
        f"{type(value).__name__} value ({v.describe(value)}), neither text "
        "nor a number",
        first_row=first,
        n_rows=count,
        fix="convert the column to text first (e.g. column.astype(str))",
    )


def _number_text(x: Any) -> str | None:
    """One number as a tag value: whole numbers as integers (``7.0`` is
    ``"7"``, as :mod:`custseg.ownership` writes ids), others as printed;
    ``None`` for NaN."""
    if isinstance(x, decimal.Decimal) and x.is_nan():  # sNaN too: never compared
        return None
    text = v.id_text(x)
    if text is None or isinstance(text, str):
        return text
    if x != x:  # NaN of a type id_text does not know (float32, ...)
        return None
    try:
        whole = bool(x == int(x))
    except OverflowError:  # infinite
        whole = False
    if isinstance(x, decimal.Decimal) and not whole:
        # as Labels and categoricals name it: Decimal("1.50") is 1.5, and
        # Decimal("0.00001") is 1e-05, as the float 0.00001 is
        return _decimal_name(x)
    return str(int(x)) if whole else numpy_str(x)  # not the caller's print options


def _number_names(uniq: Sequence[Any]) -> list[str | None]:
    """The tag values of distinct numbers; two that differ but print alike
    (a float32 0.1 and a float 0.1) are an error, never one tag."""
    names = [_number_text(x) for x in uniq]
    seen: dict[str, Any] = {}
    for x, name in zip(uniq, names, strict=True):
        if name is None:
            continue
        if name in seen:
            raise InputError(
                "column",
                f"has different numbers that read alike: {v.describe(seen[name])} "
                f"({type(seen[name]).__name__}) and {v.describe(x)} "
                f"({type(x).__name__}) would both be {name!r}",
                fix="convert the column to one number type (e.g. .astype(float))",
            )
        seen[name] = x
    return names


def _distinct_cells(arr: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The distinct cells of a column: a code per row (-1: missing), each
    distinct cell as text, and whether it is a number (not text).

    Cells are told apart as Python tells them apart: ``1``, ``1.0`` and
    ``np.int64(1)`` are one cell, ``"1"`` another. Numbers come in numeric
    order, then text in sorted order.
    """
    n = len(arr)
    codes = np.full(n, -1, dtype=np.intp)
    if isinstance(arr.dtype, np.dtypes.StringDType) and hasattr(arr.dtype, "na_object"):
        arr = arr.astype(object)  # text with its own NA: as values
    if arr.dtype.kind in "OS":
        # bytes (an S array, an Arrow or Polars binary column) as the UTF-8
        # text they hold, as every other reader of text takes them
        arr = v.bytes_as_text(arr, "column")
    kind = arr.dtype.kind
    if kind in "mM":
        raise InputError(
            "column",
            f"holds {'dates' if kind == 'M' else 'durations'} ({arr.dtype}), "
            "neither text nor numbers",
            fix="format them as text first (e.g. column.dt.strftime('%Y-%m'))"
            if kind == "M"
            else "make them numbers or text first (e.g. column.dt.days for "
            "whole days, or column.astype(str))",
        )
    if kind in "iuf":
        known = ~np.isnan(arr) if kind == "f" else np.ones(n, dtype=bool)
        uniq, inverse = np.unique(arr[known], return_inverse=True)
        codes[known] = inverse.reshape(-1)
        names = [str(x) for x in _number_names(list(uniq))]  # no NaN left
        return codes, names, np.ones(len(names), dtype=bool)
    if kind in "UT":
        uniq, inverse = np.unique(arr, return_inverse=True)
        codes[:] = inverse.reshape(-1)
        return codes, [str(x) for x in uniq.tolist()], np.zeros(len(uniq), bool)
    arr = arr.astype(object)
    types = _TYPE(arr) if n else np.empty(0, dtype=object)
    verdict = {t: _cell_kind(t) for t in set(types.tolist())}
    kinds = np.array([verdict[t] for t in types.tolist()], dtype=object)
    for i in np.flatnonzero(kinds == "other").tolist():
        if _not_itself(arr[i]):  # NaT of NumPy, Decimal NaN: missing, not refused
            kinds[i] = "missing"
    if decimal.Decimal in verdict:  # Decimal NaN, signalling ones too: missing
        for i in np.flatnonzero(types == decimal.Decimal).tolist():
            if arr[i].is_nan():  # a signalling NaN cannot be hashed or compared
                kinds[i] = "missing"
    for refused in ("container", "bool", "other"):
        if refused in verdict.values():
            _refuse_cells(arr, kinds, refused)
    texts: list[str] = []
    rows = np.flatnonzero(kinds == "number")
    if rows.size:
        import pandas as pd

        num_codes, uniq = pd.factorize(arr[rows])  # Python equality: 1 == 1.0
        values = list(np.asarray(uniq, dtype=object))
        order = sorted(range(len(values)), key=values.__getitem__)
        as_text = _number_names([values[i] for i in order])
        at = np.full(len(values) + 1, -1, dtype=np.intp)  # the last: missing
        for i, text in zip(order, as_text, strict=True):
            if text is not None:
                at[i] = len(texts)
                texts.append(text)
        codes[rows] = at[num_codes]
    n_numbers = len(texts)
    rows = np.flatnonzero(kinds == "text")
    if rows.size:
        uniq, inverse = np.unique(_to_text(arr[rows]), return_inverse=True)
        codes[rows] = inverse.reshape(-1) + n_numbers
        texts.extend(str(x) for x in uniq.tolist())
    is_number = np.zeros(len(texts), dtype=bool)
    is_number[:n_numbers] = True
    return codes, texts, is_number


def _fold_in(text: str, placeholders: frozenset[str]) -> bool:
    """Whether one text is a placeholder (stripped, A-Z lowered; as in
    :mod:`custseg.profile`), or what ``str()`` makes of ``pd.NA`` and NaT
    (:data:`custseg._categories.STR_MISSING`, stripped but as written:
    ``Nat`` is a value). A text longer than every placeholder is none:
    judged by its length first (folding is a Python pass per character,
    and a cell may hold a megabyte)."""
    if text.strip(BLANKS) in STR_MISSING:
        return True
    if not placeholders or len(text.strip(BLANKS)) > max(map(len, placeholders)):
        return False
    return _fold(text) in placeholders


def _split_keep(cell: str, seps: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """*cell* split on each of *seps* in turn: the pieces, and the separator
    between each two pieces (``len(pieces) - 1`` of them)."""
    parts = [cell]  # piece, separator, piece, ..., piece
    for sep in seps:
        out: list[str] = []
        for k, part in enumerate(parts):
            if k % 2:
                out.append(part)
                continue
            for j, bit in enumerate(part.split(sep)):
                if j:
                    out.append(sep)
                out.append(bit)
        parts = out
    return parts[0::2], parts[1::2]


def _cell_values(
    cell: str,
    seps: tuple[str, ...],
    placeholders: frozenset[str],
    *,
    starts: frozenset[str] | None = None,
) -> list[str]:
    """The values of one text cell: split on *seps*, stripped; blank pieces
    and placeholders dropped, whether alone in the cell or among others.

    With *starts* (a placeholder holds a separator, as ``n/a`` holds ``/``;
    see :func:`_placeholder_starts`), a placeholder is a whole run of
    pieces: from each piece on, the longest run that reads as a placeholder
    (``N/A`` in ``tea/N/A``) is dropped whole, and only the pieces outside
    such runs are values. A placeholder
    counts only between separators (or the cell's ends): ``tean/a`` holds
    the values ``tean`` and ``a``. Runs start at a piece that is not blank.
    """
    if _fold_in(cell, placeholders):  # "N/A" is one placeholder, even with sep "/"
        return []
    if starts is None:
        pieces = [cell]
        for sep in seps:
            pieces = [q for p in pieces for q in p.split(sep)]
        values = (p.strip(BLANKS) for p in pieces)
        return [p for p in values if p and not _fold_in(p, placeholders)]
    pieces, between = _split_keep(cell, seps)
    longest = max(map(len, starts))
    out: list[str] = []
    i = 0
    while i < len(pieces):
        value = pieces[i].strip(BLANKS)
        if not value or value in STR_MISSING:  # blank, "<NA>": no value here
            i += 1
            continue
        end = i
        if len(value) <= longest and _fold(value) in starts:  # one may start here
            end = _placeholder_run(pieces, between, i, placeholders, starts)
        if end > i:
            i = end
            continue
        out.append(value)
        i += 1
    return out


def _placeholder_run(
    pieces: list[str],
    between: list[str],
    i: int,
    placeholders: frozenset[str],
    starts: frozenset[str],
) -> int:
    """Where the longest run of *pieces* from the *i*-th (joined with their
    separators *between*) that reads as a placeholder ends; *i* for none.

    A few steps per piece whatever the cell: the stripped run only grows as
    pieces are added (its text is the start of every longer run's), so the
    run ends as soon as it starts no placeholder (*starts*), and blanks
    between pieces (with a blank separator) longer than every placeholder
    end it too.
    """
    longest = max(map(len, starts))
    end = i + 1 if _fold_in(pieces[i], placeholders) else i
    run = pieces[i]
    blanks: list[str] = []  # blank pieces and separators after the run
    width = 0
    for j in range(i + 1, len(pieces)):
        more = between[j - 1] + pieces[j]
        if not more.strip(BLANKS):  # the run reads as before
            blanks.append(more)
            width += len(more)
            if width > longest:  # inside any longer run: too long
                break
            continue
        run = run + "".join(blanks) + more
        blanks.clear()
        width = 0
        if len(run.strip(BLANKS)) > longest:
            break
        folded = _fold(run)
        if folded not in starts:  # nor does any longer run
            break
        if folded in placeholders:
            end = j + 1
    return end


def _placeholder_starts(
    seps: tuple[str, ...], placeholders: frozenset[str]
) -> frozenset[str] | None:
    """``None`` when no separator occurs inside a placeholder (case of A-Z
    ignored); otherwise every start of a placeholder (``n``, ``n/``,
    ``n/a``), so that a piece that starts none is a value at once."""
    if not any(fold_chars(s) in p for s in seps for p in placeholders):
        return None
    return frozenset(p[:k] for p in placeholders for k in range(1, len(p) + 1))


def _mixed_kinds(
    arr: np.ndarray, codes: np.ndarray, is_number: np.ndarray, has_values: np.ndarray
) -> None:
    """InputError for a column holding both numbers and text values (as the
    ownership functions refuse customer ids of both kinds)."""
    row_number = np.append(is_number, False)[codes]
    row_text = np.append(~is_number & has_values, False)[codes]
    if not (row_number.any() and row_text.any()):
        return
    first_number = int(np.argmax(row_number))
    first_text = int(np.argmax(row_text))
    minority = row_text if first_number < first_text else row_number
    first, count = v.first_offender(minority)
    raise InputError(
        "column",
        f"mixes numbers and text (number {v.describe(arr[first_number])} at row "
        f"{first_number}, text {v.describe(arr[first_text])} at row {first_text})",
        first_row=first,
        n_rows=count,
        fix="give it one kind, all text or all numbers (1 and '1' would "
        "otherwise be one tag)",
    )


def _mapping_keys(
    mapping: Any,
    seps: tuple[str, ...],
    placeholders: frozenset[str],
    *,
    classes: bool = False,
) -> dict[str, str] | None:
    """The *mapping* as value text -> tag name, every key able to match
    (*classes*: keys of class names, which are neither stripped nor split,
    and no placeholder: only a missing key never matches)."""
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise ThresholdError(
            f"'mapping' must be a mapping of value to tag name: got "
            f"{type(mapping).__name__} {v.describe(mapping)}"
        )
    out: dict[str, str] = {}
    source: dict[str, Any] = {}
    for key, tag in mapping.items():
        where = f"'mapping' key {v.describe(key)}"
        if isinstance(key, str):  # in the values' Unicode form
            text: str | None = _display.composed(key)
        elif v._is_real(key) or isinstance(key, decimal.Decimal):
            text = _number_text(key)
        else:
            raise ThresholdError(
                f"'mapping' keys must be text or numbers: got "
                f"{type(key).__name__} {v.describe(key)}"
            )
        if text is None:
            raise ThresholdError(f"{where} never matches: missing values get no tag")
        if not classes:  # (a class name is matched as it is)
            _check_value_key(text, where, seps, placeholders)
        if text in out:
            a, b = source[text], key
            if isinstance(a, str) and isinstance(b, str) and a != b:
                a, b = _display.Escaped(a), _display.Escaped(b)  # forms apart
            raise ThresholdError(
                f"'mapping' keys {v.describe(a)} and {v.describe(b)} "
                f"read alike ({text!r}): keep one of them"
            )
        if isinstance(tag, str):
            name = tag
        elif v.is_missing_scalar(tag):  # NaN of a blank cell too: no name
            raise ThresholdError(
                f"'mapping[{v.describe(key)}]' must be a tag name (text): got "
                f"{type(tag).__name__} {v.describe(tag)}, a missing name (as a "
                "blank cell of a lookup table reads): leave the key out (its "
                "values then get no tag) or give it a name"
            )
        elif v._is_real(tag):
            name = str(tag)
        else:
            raise ThresholdError(
                f"'mapping[{v.describe(key)}]' must be a tag name (text): got "
                f"{type(tag).__name__} {v.describe(tag)}"
            )
        out[text] = name
        source[text] = key
    return out


def _check_value_key(
    text: str, where: str, seps: tuple[str, ...], placeholders: frozenset[str]
) -> None:
    """ThresholdError for a mapping key no value of a column can be: blank,
    with blanks at its ends, holding a separator, or a placeholder."""
    if not text.strip(BLANKS):
        raise ThresholdError(f"{where} never matches: blank values get no tag")
    if text != text.strip(BLANKS):
        raise ThresholdError(
            f"{where} never matches: values are stripped before they are "
            f"looked up; write it as {text.strip(BLANKS)!r}"
        )
    for sep in seps:
        if sep in text:
            raise ThresholdError(
                f"{where} holds the separator {sep!r}, so it never matches: "
                "cells are split on the separators first; map each value on "
                f"its own, or pass sep= without {sep!r}"
            )
    if _fold_in(text, placeholders):
        raise ThresholdError(
            f"{where} never matches: it is a placeholder, which counts as "
            "missing; pass placeholders= without it to make it a value"
        )


def _decimal_of(text: str) -> decimal.Decimal | None:
    """The number a text reads as, exactly (``"1.0"``, ``"01"`` and ``"1e0"``
    read as 1); ``None`` for text that is no number, or NaN."""
    try:
        d = decimal.Decimal(text)
    except (decimal.InvalidOperation, ValueError):
        return None
    return None if d.is_nan() else d


def _number_keys(lookup: dict[str, str], numbers: Sequence[str]) -> dict[str, str]:
    """The *lookup* for a column of numbers (*numbers*: the text of each
    distinct number): a key that is not the text of one of them but reads
    as the same number (``"1.0"``, ``"01"``, ``"1e0"`` for the value
    ``1``; ``"2.50"`` for ``2.5``) is that value's key. Keys that then name
    the same value are a ThresholdError."""
    texts = set(numbers)
    by_value: dict[decimal.Decimal, list[str]] = {}
    for t in numbers:
        d = _decimal_of(t)
        if d is not None:
            by_value.setdefault(d, []).append(t)
    out: dict[str, str] = {}
    source: dict[str, str] = {}
    for key, tag in lookup.items():
        targets = [key]
        if key not in texts:
            d = _decimal_of(key)
            if d is not None and d in by_value:
                targets = by_value[d]
        for t in targets:
            if t in out:
                raise ThresholdError(
                    f"'mapping' keys {source[t]!r} and {key!r} read alike in this "
                    f"column of numbers (both are the value {t!r}): keep one of them"
                )
            out[t] = tag
            source[t] = key
    return out


def tags_from_values(
    column: Any,
    mapping: Mapping[Any, str] | None = None,
    *,
    prefix: str = "",
    sep: Sequence[str] = (",", "，", "、", ";", "；", "|"),
    unmapped: str = "ignore",
    placeholders: Sequence[str] = PLACEHOLDERS,
    max_tags: int | None = MAX_TAGS,
) -> TagMatrix:
    """One tag per value of a column, such as the products a customer is interested in.

    Cells may hold several values separated by any of *sep*
    (``"A产品、B产品"``); values are stripped, empty pieces dropped. Missing
    cells (None, NaN) get no tag, and neither do *placeholders* (``"未知"``,
    ``"none"``), whether alone in a cell or among other values.

    A column holds text or numbers, not both. Numbers are one value each
    (never split) and whole numbers are written as integers: ``1.0``, from
    a code column with blanks read as float, is the value ``"1"``.

    Labels and categoricals (a pandas categorical, a Polars ``Enum`` or
    ``Categorical``, Arrow dictionary-encoded data) name their classes:
    each class is one value, as named, never split nor dropped as a
    placeholder (the ``unknown`` / ``未知`` class of a classifier is a tag
    like any other), and every class is a tag, in the classes' order, empty
    ones too (a Polars ``Categorical`` keeps no list of classes: its
    classes are the values it holds, sorted).

    Parameters
    ----------
    column
        One cell per customer (list, array, Series): text or numbers (bytes,
        as a NumPy ``S`` array or an Arrow binary column gives text, read as
        the UTF-8 text they hold); or :class:`~custseg.Labels` or a
        categorical (one class per customer).
    mapping
        Value -> tag name (several values may share a tag). Keys are text or
        numbers (``Decimal`` too), compared with the values as text, numbers
        named alike whatever holds them (``Decimal("0.00001")`` is
        ``1e-05``, as the float is; whole numbers as integers:
        the key ``1`` matches ``1``, ``1.0`` and ``"1"``). In a column of
        numbers, a text key that reads as a number is that number: ``"1.0"``,
        ``"01"`` and ``"1e0"`` match the value ``1``, ``"2.50"`` matches
        ``2.5`` (in a column of text, text is compared as written). Without
        it, each distinct value is a tag, named *prefix* + value, in sorted
        order (numbers in numeric order; text written as numbers, such as
        a CSV file's codes ``"9"``, ``"10"`` or ``"0.5"``, first and in
        numeric order too).
    prefix
        Put before each tag name made from a value (not before mapped names).
    sep
        The separators of multi-valued cells (text only).
    unmapped
        With a *mapping*: ``"ignore"`` values it does not cover, or
        ``"raise"`` an :class:`~custseg.errors.InputError` naming them.
        Ignored values that read as a key but are written otherwise (a
        zero-width space or a soft hyphen inside, full-width letters) get a
        :class:`~custseg.errors.CustsegWarning` naming them by code points.
        Values and keys are compared in one Unicode form (NFC): ``café``
        with its accent stored apart is ``café``.
    placeholders
        Text that means "not known" and gets no tag (default
        :data:`custseg.profile.PLACEHOLDERS`: 未知, 不详 (不詳), 不清楚, 待了解, 无 (無),
        n/a, na, none, null, unknown, -, --, _, __, ?, nan, ...;
        stripped, case of A-Z ignored); ``<NA>`` and ``NaT`` (what ``str()``
        makes of ``pd.NA`` and NaT) get no tag whatever the placeholders,
        but only as written (``Nat`` is a tag).
        Pass ``()`` to keep a product called ``"NA"``. A placeholder that
        holds a separator (``n/a`` with ``sep="/"``) is dropped whole
        wherever it sits between separators: ``"tea/N/A"`` is ``tea`` only,
        never the values ``N`` and ``A``.
    max_tags
        The most tags made (default :data:`MAX_TAGS`, 1000); more is an
        :class:`~custseg.errors.InputError` raised before any matrix is
        made. The matrix takes a byte per customer and tag, so a column of
        one value per customer (ids, free text: 200,000 customers, 200,000
        tags, 37 GiB) is refused rather than filling the memory. ``None``:
        no limit.

    Returns
    -------
    TagMatrix
        With a mapping: its tags in the order of first appearance in the
        mapping, every one present (empty ones too). On the ids of a Series
        or of Labels that carry them.

    Raises
    ------
    InputError
        A column that mixes numbers and text (``1`` and ``"1"`` would be one
        tag); cells holding lists, sets or dicts (join their values with a
        separator first), booleans, dates or other objects; with
        ``unmapped="raise"``, values the mapping does not cover; more tags
        than *max_tags* (group the values first; a categorical's classes
        no row holds are tags too: drop them first).
    ThresholdError
        Bad parameters; a mapping key that can never match: one holding a
        separator, a placeholder, a blank or missing key, blanks at its ends,
        or two keys that read alike (``1`` and ``"1"``; in a column of
        numbers ``"1.0"`` and ``1`` too); a missing tag name (None, NA, or
        the NaN of a blank cell of a lookup table), never a tag ``"nan"``.

    Examples
    --------
    >>> t = tags_from_values(["A产品、B产品", None, "B产品", " A产品 "],
    ...                      {"A产品": "意向A产品", "B产品": "意向B产品"})
    >>> t.names, t.sizes()
    (('意向A产品', '意向B产品'), {'意向A产品': 2, '意向B产品': 2})
    >>> tags_from_values(["tea,yoga", "yoga", "tea,未知"], prefix="hobby:").names
    ('hobby:tea', 'hobby:yoga')
    >>> tags_from_values([1.0, float("nan"), 2.0], {1: "one", 2: "two"}).sizes()
    {'one': 1, 'two': 1}
    >>> codes = [1.0, float("nan"), 2.0]
    >>> tags_from_values(codes, {"1.0": "one", "2": "two"}).sizes()
    {'one': 1, 'two': 1}
    >>> tags_from_values(["A产品/B产品", "tea/N/A"], sep=("/",)).names
    ('A产品', 'B产品', 'tea')
    >>> tags_from_values(["10", "9", "x"]).names  # as the numbers 9 and 10
    ('9', '10', 'x')
    >>> from custseg import Labels
    >>> status = Labels([0, 2, 1], ("new", "repeat", "unknown"))
    >>> tags_from_values(status).sizes()
    {'new': 1, 'repeat': 1, 'unknown': 1}
    >>> tags_from_values([1, "1"])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'column' mixes numbers and text (number 1 at row 0, text '1' at row 1) (first at row 1, 1 row affected): give it one kind, all text or all numbers (1 and '1' would otherwise be one tag)
    >>> tags_from_values([f"note {i}" for i in range(5)], max_tags=3)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'column' has 5 distinct values, so 5 tags, more than max_tags=3 ...
    """
    prefix = v.text_param(prefix, "prefix")
    max_tags = _max_tags(max_tags)
    seps = v.text_tuple_param(sep, "sep", numbers=False)
    if any(not s for s in seps):
        raise ThresholdError("'sep' must not hold an empty separator")
    unmapped = v.choice(unmapped, "unmapped", ("ignore", "raise"))
    # placeholders, keys and cells in one Unicode form (an accent stored
    # apart is the same text), before any is split or compared
    holders = frozenset(map(_display.composed, _placeholders(placeholders)))
    index = index_of(column, "column")  # a Series', or the ids Labels carry
    # labels and categoricals name their classes: each class is one value
    declared = declared_classes(column, "column")
    if declared is not None and declared[3] not in ("text", "number"):
        declared = None  # dates, booleans: refused below, as values are
    lookup = _mapping_keys(mapping, seps, holders, classes=declared is not None)
    arr = _values(column, "column") if declared is None else np.empty(0, object)
    n = len(arr) if declared is None else len(declared[0])
    names: tuple[str, ...] = ()
    if lookup is not None:
        # a mapping's tags are known before any cell is read: too many are
        # refused at once (_number_keys below changes keys, never tags)
        names = tuple(dict.fromkeys(lookup.values()))
        _check_tag_count(len(names), n, max_tags, mapped=True)
        _warn_alike_tags(names)
    if declared is not None:  # every class a value, as named: none dropped
        codes, class_names, _ordered, kind = declared
        cells = list(class_names)
        is_number = np.full(len(cells), kind == "number")
        per_cell = [[c if kind == "number" else _display.composed(c)] for c in cells]
    else:
        # distinct cells first: splitting and mapping run once per distinct cell
        codes, cells, is_number = _distinct_cells(arr)
        starts = _placeholder_starts(seps, holders)
        per_cell = [
            [cell]
            if number
            else _cell_values(_display.composed(cell), seps, holders, starts=starts)
            for cell, number in zip(cells, is_number.tolist(), strict=True)
        ]
        has_values = np.array([bool(c) for c in per_cell], dtype=bool)
        _mixed_kinds(arr, codes, is_number, has_values)
    if lookup is not None and is_number.any():
        numbers = [
            c for c, number in zip(cells, is_number.tolist(), strict=True) if number
        ]
        lookup = _number_keys(lookup, numbers)
    if lookup is None:
        found = list(dict.fromkeys(x for c in per_cell for x in c))
        # text as text sorts, but numbers first, by value: the tags of
        # a CSV column of codes ("9", "10") in the order of the same codes
        # as integers (a Parquet column)
        values = (
            found if is_number.any() or declared is not None else sorted_names(found)
        )
        names = tuple(prefix + x for x in values)
        in_rows = None  # of declared classes: how many the rows hold
        if declared is not None and max_tags is not None and len(names) > max_tags:
            in_rows = len(np.unique(codes[codes >= 0]))
        _check_tag_count(len(names), n, max_tags, mapped=False, held=in_rows)
        position = {x: j for j, x in enumerate(values)}
    else:
        held = np.bincount(codes[codes >= 0], minlength=len(cells)) > 0
        left = sorted(
            {x for c, h in zip(per_cell, held, strict=True) if h for x in c}
            - set(lookup)
        )
        if left:
            _uncovered(left, lookup, per_cell, codes, raising=unmapped == "raise")
        column_of = {tag: j for j, tag in enumerate(names)}
        position = {x: column_of[tag] for x, tag in lookup.items()}
    pairs = [
        (i, position[x])
        for i, values_of_cell in enumerate(per_cell)
        for x in dict.fromkeys(values_of_cell)
        if x in position
    ]
    return TagMatrix(names, _spread(pairs, codes, len(cells), len(names)), index=index)


def _warn_alike_tags(names: Sequence[str]) -> None:
    """A warning for mapped tag names that differ but read alike (``café``
    in two Unicode forms, a zero-width space): two columns a person reads as
    one tag, shown by their code points."""
    seen: dict[str, str] = {}
    for name in names:
        first = seen.setdefault(_display.alike(name), name)
        if first != name:
            a, b = _display.Escaped(first), _display.Escaped(name)
            warnings.warn(
                f"'mapping' maps values to tags that read alike: {a!r} and {b!r} "
                "are two tags (two columns): map the values to one name",
                CustsegWarning,
                stacklevel=3,
            )
            return


def _uncovered(
    left: list[str],
    lookup: Mapping[str, str],
    per_cell: list[list[str]],
    codes: np.ndarray,
    *,
    raising: bool,
) -> None:
    """The values *left* that no key of *lookup* covers: raising, an
    InputError naming the first five (and how many more), their rows, and
    the keys that read as one of them, by code points; else a warning for
    the values that read as a key but are written otherwise (a zero-width
    space, full-width letters, blanks at the ends of a categorical class,
    which is matched as named), which would otherwise get no tag unseen."""

    def look(text: str) -> str:  # (keys have no blanks at their ends)
        return _display.alike(text).strip(BLANKS)

    keys_by_look: dict[str, list[str]] = {}
    for key in lookup:
        keys_by_look.setdefault(look(key), []).append(key)
    near = left if raising else [x for x in left if look(x) in keys_by_look]
    if not near:
        return
    ends = [x for x in near if x != x.strip(BLANKS) and look(x) in keys_by_look]
    strip = (
        " (a categorical column's classes are matched as named, blanks at "
        "their ends too: column.cat.rename_categories(lambda c: c.strip()))"
        if ends
        else ""
    )
    at = set(near)
    cells = [i for i, values in enumerate(per_cell) if not at.isdisjoint(values)]
    first, count = v.first_offender(np.isin(codes, cells))
    shown, alike = [], []
    for x in near[:5]:  # one that reads as a key: both by code points
        said, keys = _display.apart(x, keys_by_look.get(look(x), []))
        shown.append(said)
        alike += [k for k in keys if isinstance(k, _display.Escaped) and k not in alike]
    more = f" and {len(near) - 5:,d} more" if len(near) > 5 else ""
    listed = f"[{', '.join(map(repr, shown))}]{more}"
    also = f" (the mapping has {_display.quoted(alike)})" if alike else ""
    if raising:
        raise InputError(
            "column",
            f"has values the mapping does not cover: {listed}{also}",
            first_row=first,
            n_rows=count,
            fix=f"add them to the mapping{strip}, or pass unmapped='ignore'",
        )
    warnings.warn(
        f"'column' has {len(near):,d} value{'s' if len(near) != 1 else ''} that "
        f"read{'' if len(near) != 1 else 's'} as a mapping key but "
        f"{'are' if len(near) != 1 else 'is'} written otherwise, so "
        f"{count:,d} row{'s' if count != 1 else ''} (first row {first}) "
        f"get{'' if count != 1 else 's'} no tag "
        f"for {'them' if len(near) != 1 else 'it'}: {listed}{also}; write them "
        f"as the mapping does{strip}, or add them to the mapping",
        CustsegWarning,
        stacklevel=3,
    )


def _max_tags(value: Any) -> int | None:
    """The *max_tags* parameter: a whole number >= 0, or None."""
    if value is None:
        return None
    if not v.is_int(value) or value < 0:  # not a bool, nor a np.timedelta64
        raise ThresholdError(
            f"'max_tags' must be a whole number >= 0 or None: got "
            f"{type(value).__name__} {v.describe(value)}"
        )
    return int(value)


def _check_tag_count(
    k: int, n: int, max_tags: int | None, *, mapped: bool, held: int | None = None
) -> None:
    """InputError, before the matrix is made, for more than *max_tags* tags;
    *held*: of a column that declares its classes, how many some row holds
    (every class is a tag, empty ones too)."""
    if max_tags is None or k <= max_tags:
        return
    size = (
        f"{n * k / 2**30:,.1f} GiB" if n * k >= 2**30 else f"{n * k / 2**20:,.1f} MiB"
    )
    if mapped:
        what = f"its mapping names {k:,} tags"
    elif held is not None:
        what = f"declares {k:,} classes, so {k:,} tags (every class is a tag, empty ones too)"
    else:
        what = f"has {k:,} distinct values, so {k:,} tags"
    why = "a column of one value per customer (ids, free text) is no grouping"
    fix = (
        "group the values first (map them to fewer tags with mapping=..., "
        "or use a coarser column), or pass a larger max_tags (None: no limit) "
        "if that many tags are meant"
    )
    if held is not None and held < k:
        why = (
            f"its rows hold {held:,} of them (a categorical keeps every "
            "category when its rows are filtered)"
        )
        fix = (
            "drop the classes no row holds first (for a pandas categorical, "
            "column.cat.remove_unused_categories()), or pass the values as "
            "text (column.astype(object)); else " + fix
        )
    raise InputError(
        "column",
        f"{what}, more than max_tags={max_tags:,} (a tag matrix of {n:,} "
        f"customers x {k:,} tags takes {size}, a byte per customer "
        f"and tag); {why}",
        fix=fix,
    )


def _spread(
    pairs: list[tuple[int, int]], codes: np.ndarray, n_cells: int, k: int
) -> np.ndarray:
    """The customers x tags matrix from the (cell, tag) *pairs* and each
    row's cell code (-1: missing), without a cells x tags matrix: each
    row's tags are set once, as (row, tag) positions."""
    n = len(codes)
    out = np.zeros((n, k), dtype=bool, order="F")
    if not pairs or not n:
        return out
    cell, tag = np.array(pairs, dtype=np.intp).T
    order = np.argsort(cell, kind="stable")
    cell, tag = cell[order], tag[order]
    per_cell = np.bincount(cell, minlength=n_cells + 1)  # the last: missing, 0
    first = np.cumsum(per_cell) - per_cell  # each cell's first pair
    count = per_cell[codes]  # tags per row (-1 reads the missing cell)
    total = int(count.sum())
    rows = np.repeat(np.arange(n), count)
    step = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    out[rows, tag[np.repeat(first[codes], count) + step]] = True
    return out


# --------------------------------------------------------------------------
# life stage


_DAYS_PER_MONTH = 365.25 / 12


def _positive_days(value: Any, field: str) -> float:
    x = v.number_param(value, field)
    if not (np.isfinite(x) and x > 0):
        raise ThresholdError(f"{field!r} must be a finite number > 0: got {x}")
    return x


def _pregnancy(value: Any) -> float:
    return _positive_days(value, "pregnancy_days")


def _baby(value: Any) -> float:
    return _positive_days(value, "baby_months")


def _sex_values(values: Any, field: str) -> tuple[str, ...]:
    # (a whole float, 1.0, is the code 1, as in the column)
    if isinstance(values, list | tuple):
        column = np.empty(len(values), dtype=object)
        column[:] = values
        values = _whole_as_ints(column).tolist()
    # (one Unicode form, NFC, as the column is compared: "garçon" typed or
    # exported with its accent apart is one value)
    return tuple(
        _display.composed(x.strip().lower()) for x in finite_names(values, field)
    )


def _boys(values: Any) -> tuple[str, ...]:
    return _sex_values(values, "boy_values")


def _girls(values: Any) -> tuple[str, ...]:
    return _sex_values(values, "girl_values")


def _life_labels(values: Any) -> tuple[str, ...]:
    # label names, checked as rules files check theirs (tag names read
    # from the data, by tags_from_values, are not)
    names = _tag_names(v.label_tuple_param(values, "labels"), "labels")
    v.refuse_alike(names, "'labels'")
    if len(names) != 4:
        raise ThresholdError(
            f"'labels' must be 4 names (pregnant, mother, boy, girl): got {len(names)}"
        )
    return names


@attrs.frozen
class LifeStageWindows:
    """When a customer counts as pregnant or as the mother of a baby.

    Intervals are half-open, ``[lo, hi)``:

    * pregnant (孕妇): the due date is ``as_of`` or later, and fewer than
      *pregnancy_days* days away (default 280, 40 weeks): days to the due
      date in ``[0, pregnancy_days)``;
    * mother (宝妈): the baby's age in days is in
      ``[0, baby_months * 30.4375)`` (a month is 365.25 / 12 days; default
      36 months);
    * boy / girl (男宝 / 女宝): the baby's sex is one of *boy_values* /
      *girl_values* (stripped of blanks, also those that show nothing;
      case, full-width letters and Unicode form ignored), and, when
      birthdays are given,
      the customer is a mother by the rule above.

    Parameters
    ----------
    pregnancy_days
        Days before the due date a pregnancy is known (> 0).
    baby_months
        Age in months below which a baby makes its mother a 宝妈 (> 0).
    boy_values, girl_values
        The values of the sex column meaning boy and girl; a missing value
        (empty, or a placeholder such as 未知) gives neither tag, any other
        value is an InputError in :func:`life_stage_tags`.
    labels
        The four tag names: pregnant, mother, boy, girl; names as rules
        files check theirs (not blank, no control or invisible characters,
        no two that read alike).

    Examples
    --------
    >>> LifeStageWindows().labels
    ('pregnant', 'mother', 'boy', 'girl')
    >>> LifeStageWindows(labels=("孕妇", "宝妈", "男宝", "女宝")).baby_months
    36.0
    >>> LifeStageWindows(baby_months=0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'baby_months' must be a finite number > 0: got 0.0
    """

    pregnancy_days: float = attrs.field(default=280, converter=_pregnancy)
    baby_months: float = attrs.field(default=36, converter=_baby)
    boy_values: tuple[str, ...] = attrs.field(
        default=("boy", "male", "m", "男", "男宝", "男孩"),
        converter=_boys,
    )
    girl_values: tuple[str, ...] = attrs.field(
        default=("girl", "female", "f", "女", "女宝", "女孩"),
        converter=_girls,
    )
    labels: tuple[str, ...] = attrs.field(
        default=("pregnant", "mother", "boy", "girl"), converter=_life_labels
    )

    def __attrs_post_init__(self) -> None:
        both = set(self.boy_values) & set(self.girl_values)
        if both:
            raise ThresholdError(
                f"'boy_values' and 'girl_values' share {sorted(both)[0]!r}"
            )

    def _repr_html_(self) -> str:
        fmt = _display.format_value
        rows = [
            [
                self.labels[0],
                f"days to the due date in [0, {fmt(self.pregnancy_days)})",
            ],
            [
                self.labels[1],
                f"baby's age in [0, {fmt(self.baby_months)}) months "
                f"([0, {fmt(self.baby_months * _DAYS_PER_MONTH)}) days)",
            ],
            [self.labels[2], "sex in " + ", ".join(self.boy_values)],
            [self.labels[3], "sex in " + ", ".join(self.girl_values)],
        ]
        return _display.html_table("LifeStageWindows", ["tag", "when"], rows)


def _days(x: Any, field: str) -> np.ndarray:
    """Calendar days of dates (NaT: NaN), as float64."""
    dates = v.as_datetime(x, field, nan="allow")
    days = v.to_days(dates).astype(np.float64)
    days[np.isnat(dates)] = np.nan
    return days


def _whole_as_ints(values: np.ndarray) -> np.ndarray:
    """*values* with each whole float (``1.0``) as the int it is, as text
    makes it ``"1"``; other values, and arrays without floats, as they are.

    >>> _whole_as_ints(np.array([1.0, np.nan, 2.5])).tolist()
    [1, nan, 2.5]
    """
    if values.dtype.kind == "f":  # one vectorised pass: no loop over rows
        with np.errstate(invalid="ignore"):
            whole = (values == np.trunc(values)) & (np.abs(values) < 2.0**63)
        out = values.astype(object)
        out[whole] = values[whole].astype(np.int64).astype(object)
        return out
    if values.dtype.kind != "O":
        return values
    out = values.copy()
    for i, x in enumerate(out.tolist()):  # (objects: read one at a time anyway)
        if isinstance(x, float | np.floating) and math.isfinite(x) and x == int(x):
            out[i] = int(x)
    return out


def _sex_text(sex: np.ndarray) -> np.ndarray:
    """The sex column as text: UTF-8 ``StringDType``, or fixed-width ``<U``
    for text that is not UTF-8 (lone surrogates, from files decoded with
    ``errors="surrogateescape"``), as :mod:`custseg.profile` reads it."""
    if sex.dtype.kind == "U":
        return sex
    if sex.dtype.kind == "O":
        return _to_text(sex)
    try:
        return sex.astype(np.dtypes.StringDType())
    except UnicodeError:  # StringDType with its own NA, holding surrogates
        return _to_text(sex.astype(object))


def _composed_rows(
    text: np.ndarray, rows: np.ndarray, *, loose: bool = False
) -> np.ndarray:
    """*text* with its *rows* (a boolean mask) in Unicode's composed form
    (NFC), as :func:`tags_from_values` compares values; a new array.

    With *loose*, the rows are also stripped of the blanks that show
    nothing (a zero-width space, a byte order mark, ...; ``BLANKS``, as
    :func:`tags_from_values` strips its values), with full-width ASCII read
    as ASCII and lowered (as the placeholders are compared): ``boy`` with a
    zero-width space after it, and a full-width ``Ｂｏｙ``, are ``boy``.
    """
    if loose:
        made = [
            _display.composed(fold_chars(x.strip(BLANKS)).lower())
            for x in text[rows].tolist()
        ]
    else:
        made = [_display.composed(x) for x in text[rows].tolist()]
    if text.dtype.kind == "U":  # (a fixed width could cut a longer form)
        out = text.astype(object)
        out[rows] = made
        return out.astype(str)
    out = text.copy()
    out[rows] = np.array(made, dtype=text.dtype)
    return out


def _texts_like(values: Sequence[str], text: np.ndarray) -> np.ndarray:
    """*values* as an array to compare with *text*: of its dtype when that
    is ``StringDType``; as ``<U`` of their own width otherwise (the width of
    *text* would cut them)."""
    if isinstance(text.dtype, np.dtypes.StringDType):
        try:
            return np.array(values, dtype=text.dtype)
        except UnicodeError:  # a value that is not UTF-8 equals no such text
            return np.array([x for x in values if _is_utf8(x)], dtype=text.dtype)
    return np.array(values, dtype=str)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _as_of_day(as_of: Any, like: Any) -> float:
    """The calendar day of *as_of*, read in the zone of the dates *like*
    (see :func:`custseg._validate.as_datetime_scalar`)."""
    return float(v.day_number(as_of, "as_of", like=like))


def life_stage_tags(
    *,
    as_of: Any,
    due_date: Any = None,
    baby_birthday: Any = None,
    baby_sex: Any = None,
    windows: LifeStageWindows | None = None,
) -> TagMatrix:
    """Pregnant, mother and boy / girl baby tags from dates and a sex column.

    Only the tags the inputs allow are made: pregnant from *due_date*,
    mother from *baby_birthday*, boy and girl from *baby_sex*. A missing date
    or sex gives no tag (never a guess). Dates are compared as calendar
    days. Each tag depends only on its own inputs: a tz-aware *as_of* is
    read in the zone of the due dates for the pregnant tag and in the zone
    of the birthdays for the mother tag (``2024-05-31 20:00 UTC`` is 1 June
    for birthdays in Shanghai, whatever the due dates are).

    Parameters
    ----------
    as_of
        The reference day.
    due_date
        Due date of a pregnancy per customer (NaT / None: none known).
    baby_birthday
        The (youngest) baby's birthday per customer.
    baby_sex
        The baby's sex per customer (see :class:`LifeStageWindows`).
    windows
        The intervals, sex values and tag names; default
        :class:`LifeStageWindows`.

    Returns
    -------
    TagMatrix
        On the inputs' index.

    Raises
    ------
    InputError
        No input given, inputs of different lengths or indexes, values that
        are not dates, a sex that is neither missing nor a boy or girl value.

    Examples
    --------
    >>> t = life_stage_tags(
    ...     as_of="2024-06-01",
    ...     due_date=["2024-09-01", None, "2024-05-01", "2025-03-08"],
    ...     baby_birthday=[None, "2023-01-10", "2024-05-01", "2020-01-01"],
    ...     baby_sex=[None, "女", "boy", "girl"],
    ... )
    >>> t.to_pandas()
       pregnant  mother    boy   girl
    0      True   False  False  False
    1     False    True  False   True
    2     False    True   True  False
    3     False   False  False  False
    """
    windows = LifeStageWindows() if windows is None else windows
    if not isinstance(windows, LifeStageWindows):
        raise ThresholdError(
            f"'windows' must be a LifeStageWindows: got {type(windows).__name__}"
        )
    given = {
        k: x
        for k, x in (
            ("due_date", due_date),
            ("baby_birthday", baby_birthday),
            ("baby_sex", baby_sex),
        )
        if x is not None
    }
    if not given:
        raise InputError(
            "life_stage_tags",
            "has no input",
            fix="pass due_date, baby_birthday or baby_sex",
        )
    index = common_index(**given)
    if due_date is None and baby_birthday is None:
        _as_of_day(as_of, None)  # checked, though no date needs it
    names: list[str] = []
    cols: list[np.ndarray] = []
    lengths: dict[str, np.ndarray] = {}
    mother = None
    # an aware as_of is read in the zone of each column it is compared with:
    # one column's zone never decides another column's day
    if due_date is not None:
        ahead = _days(due_date, "due_date") - _as_of_day(as_of, due_date)
        lengths["due_date"] = ahead
        names.append(windows.labels[0])
        cols.append((ahead >= 0) & (ahead < windows.pregnancy_days))
    if baby_birthday is not None:
        age = _as_of_day(as_of, baby_birthday) - _days(baby_birthday, "baby_birthday")
        lengths["baby_birthday"] = age
        mother = (age >= 0) & (age < windows.baby_months * _DAYS_PER_MONTH)
        names.append(windows.labels[1])
        cols.append(mother)
    if baby_sex is not None:
        sex = _values(baby_sex, "baby_sex")
        lengths["baby_sex"] = sex
        v.check_same_length(**lengths)  # before combining with 'mother'
        known = ~_column_missing(sex, "baby_sex", PLACEHOLDERS)
        # whole numbers as integers: a code column with a blank is read as
        # floats (1.0), which is the code 1, as tags_from_values reads it
        folded = np.strings.lower(np.strings.strip(_sex_text(_whole_as_ints(sex))))
        accepted = _texts_like([*windows.boy_values, *windows.girl_values], folded)
        odd = known & ~np.isin(folded, accepted)
        if odd.any():  # another Unicode form (NFD, as macOS exports) is that value
            folded = _composed_rows(folded, odd)
            odd = known & ~np.isin(folded, accepted)
        if odd.any():  # blanks that show nothing, full-width letters: read through
            folded = _composed_rows(folded, odd, loose=True)
            odd = known & ~np.isin(folded, accepted)
        if odd.any():  # a typo is not "no baby": say so
            first, count = v.first_offender(odd)
            raise InputError(
                "baby_sex",
                f"has {v.describe(sex[first])}, neither a boy nor a girl value",
                first_row=first,
                n_rows=count,
                fix="use one of "
                + ", ".join(
                    repr(x) for x in (*windows.boy_values, *windows.girl_values)
                )
                + " (case and blanks do not matter), or leave it missing, or "
                "pass LifeStageWindows(boy_values=..., girl_values=...)",
            )
        for label, values in (
            (windows.labels[2], windows.boy_values),
            (windows.labels[3], windows.girl_values),
        ):
            hit = known & np.isin(folded, _texts_like(values, folded))
            if mother is not None:
                hit &= mother
            names.append(label)
            cols.append(hit)
    v.check_same_length(**lengths)
    n = len(cols[0])
    matrix = np.column_stack(cols) if cols else np.zeros((n, 0), bool)
    return TagMatrix(tuple(names), matrix, index=index)


# --------------------------------------------------------------------------
# sizes, overlaps, summaries


def group_sizes(tags: Any) -> dict[str, int]:
    """Customers per tag; a customer with several tags counts in each.

    Parameters
    ----------
    tags
        A :class:`TagMatrix`, or one other source :func:`combine_tags`
        takes (a rules result, a ``(names, matrix)`` pair); several sources
        go through ``combine_tags(a, b)`` first.

    Returns
    -------
    dict
        Tag name -> number of customers, in tag order.

    Examples
    --------
    >>> group_sizes(TagMatrix(("a", "b"), [[1, 1], [0, 1]]))
    {'a': 1, 'b': 2}
    """
    return _as_tags(tags).sizes()


def _blocks(n: int) -> Iterable[slice]:
    for lo in range(0, n, _BLOCK):
        yield slice(lo, min(n, lo + _BLOCK))


def _cross(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left.T @ right`` of two 0/1 matrices, exact, as int64, in row blocks."""
    out = np.zeros((left.shape[1], right.shape[1]), dtype=np.int64)
    for rows in _blocks(len(left)):
        a = left[rows].astype(np.float32)
        b = a if right is left else right[rows].astype(np.float32)
        out += np.rint(a.T @ b).astype(np.int64)
    return out


@attrs.frozen(eq=False, repr=False)
class GroupOverlaps:
    """What :func:`group_overlaps` returns.

    Attributes
    ----------
    names
        The tag names (rows and columns of the matrices).
    counts
        Customers carrying both tags (int64, symmetric; the diagonal holds
        the group sizes).
    jaccard
        ``counts / customers carrying either tag`` (float64 in [0, 1],
        symmetric; NaN where neither tag has a customer).
    """

    names: tuple[str, ...]
    counts: np.ndarray
    jaccard: np.ndarray

    def to_pandas(self, kind: str = "counts") -> Any:
        """One of the matrices as a DataFrame, tags on both axes.

        Parameters
        ----------
        kind
            ``"counts"`` or ``"jaccard"``.

        Examples
        --------

        >>> group_overlaps(TagMatrix(("a", "b"), [[1, 1], [0, 1]])).to_pandas("jaccard")
             a    b
        a  1.0  0.5
        b  0.5  1.0
        """
        import pandas as pd

        kind = v.choice(kind, "kind", ("counts", "jaccard"))
        data = self.counts if kind == "counts" else self.jaccard
        names = to_pandas_index(self.names)
        return pd.DataFrame(data, index=names, columns=names)

    def __repr__(self) -> str:
        return f"GroupOverlaps(tags={len(self.names)}, names={self.names!r})"


def group_overlaps(tags: Any) -> GroupOverlaps:
    """How many customers each pair of tags shares, and their Jaccard index.

    Parameters
    ----------
    tags
        A :class:`TagMatrix`, or one other source :func:`combine_tags`
        takes (a rules result, a ``(names, matrix)`` pair); several sources
        go through ``combine_tags(a, b)`` first.

    Returns
    -------
    GroupOverlaps
        ``counts[i, j]``: customers with both tags (the diagonal: the group
        sizes); ``jaccard[i, j]``: that count over the customers with either.

    Raises
    ------
    InputError
        More than :data:`MAX_TAGS` tags (1,000: a million pairs).

    Examples
    --------
    >>> t = TagMatrix(("孕妇", "宝妈", "意向A产品"),
    ...               [[1, 0, 1], [0, 1, 1], [0, 1, 0], [1, 1, 1]])
    >>> ov = group_overlaps(t)
    >>> ov.counts.tolist()
    [[2, 1, 2], [1, 3, 2], [2, 2, 3]]
    >>> ov.jaccard.round(2).tolist()
    [[1.0, 0.25, 0.67], [0.25, 1.0, 0.5], [0.67, 0.5, 1.0]]
    """
    t = _as_tags(tags)
    if len(t.names) > MAX_TAGS:  # k x k matrices and an n x k x k product
        raise InputError(
            "tags",
            f"has {len(t.names):,d} tags; overlaps are computed for at most "
            f"{MAX_TAGS:,d} (every pair of tags: {len(t.names) ** 2:,d} cells)",
            fix="pass a TagMatrix of the tags you compare, or group the rare "
            "values into one tag first",
        )
    counts = _cross(t.matrix, t.matrix)
    sizes = np.diag(counts)
    union = sizes[:, None] + sizes[None, :] - counts
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, counts / np.maximum(union, 1), np.nan)
    return GroupOverlaps(t.names, counts, jaccard)


def _fact_columns(pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """Column name as text -> values; names that read alike are an error
    (one column would silently replace the other)."""
    cols: dict[str, Any] = {}
    source: dict[str, Any] = {}
    for key, values in pairs:
        name = str(key)
        if name in cols:
            same = key == source[name] and type(key) is type(source[name])
            raise InputError(
                "facts",
                f"repeats the column {name!r}"
                if same
                else f"has columns {v.describe(source[name])} and {v.describe(key)}, "
                f"whose names read alike ({name!r})",
                fix="rename one of them (the summary names its columns by their "
                f"text: {name}_total)",
            )
        cols[name] = values
        source[name] = key
    return cols


def _is_customer_facts(facts: Any) -> bool:
    """Whether *facts* is a :class:`~custseg.CustomerFacts` (its rows in the
    library's order, sorted by customer id), recognised as :func:`_facts`
    reads it."""
    return not is_pandas(facts) and (
        hasattr(facts, "customer_id") and hasattr(facts, "monetary")
    )


#: The column of a facts frame that holds the customer ids (the library's
#: name, as :func:`custseg.migration.transition_matrix` reads it).
_ID_COLUMN = "customer_id"


def _refuse_id_alike(columns: Iterable[Any]) -> None:
    """InputError for a column of the facts spelled like ``customer_id``
    but for letter case, blanks, ``_`` and ``-`` (``CustomerID``, as the
    Online Retail files name it, ``Customer ID``, ``customer_id `` with a
    blank; invisible characters and full-width letters too), when none is
    named ``customer_id`` itself: read as a fact, its ids would be summed and
    the facts paired with the tags by position, not by customer.

    >>> _refuse_id_alike(["monetary", "customer_id", "CustomerID"])
    >>> _refuse_id_alike(["CustomerID", "monetary"])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'facts' has a column 'CustomerID', not 'customer_id': a customer_id column holds the customer ids, never a fact, but under another name it would be summed as one and the facts paired with the tags by position: name it 'customer_id' if it holds the customer ids (facts.rename(columns={'CustomerID': 'customer_id'})), or drop it
    """
    names = list(columns)
    if _ID_COLUMN in names:
        return

    key = _display.spelling_key(_ID_COLUMN, loose=True)
    near = [
        c
        for c in names
        if isinstance(c, str) and _display.spelling_key(c, loose=True) == key
    ]
    if not near:
        return
    shown, _ = _display.apart(near[0], [_ID_COLUMN])
    raise InputError(
        "facts",
        f"has a column {_display.quoted([shown])}, not {_ID_COLUMN!r}: a "
        f"{_ID_COLUMN} column holds the customer ids, never a fact, but under "
        "another name it would be summed as one and the facts paired with the "
        "tags by position",
        fix=f"name it {_ID_COLUMN!r} if it holds the customer ids "
        f"(facts.rename(columns={{{near[0]!r}: {_ID_COLUMN!r}}})), or drop it",
    )


def _facts(facts: Any) -> tuple[dict[str, Any], Any]:
    """(column name -> values, index or customer ids) of the facts.

    A ``customer_id`` column holds the customer ids, never a fact: a pandas
    frame on row numbers (an unnamed index) is on that column's ids, as
    :func:`custseg.migration.transition_matrix` reads one (an index with
    another name beside it is an InputError naming both), and so is a
    Polars DataFrame or a PyArrow Table (no index: its rows are otherwise
    in order, paired by position), and so is a mapping of columns (a dict
    of lists or arrays, which has no index either). A column only spelled
    like it (``CustomerID``) is an InputError (:func:`_refuse_id_alike`)."""
    if is_pandas(facts) and hasattr(facts, "columns"):
        from .migration import _id_column

        _refuse_id_alike(facts.columns)
        ids = _id_column(facts, None, "facts")
        if ids is None and _ID_COLUMN in facts.columns:  # (and in the index)
            raise InputError(
                "facts",
                f"has both an index and a column named {_ID_COLUMN!r}",
                fix=f"drop one of them: facts.drop(columns={_ID_COLUMN!r}) if "
                "the index holds the customer ids",
            )
        keep = [j for j, c in enumerate(facts.columns) if c != _ID_COLUMN]
        cols = _fact_columns((facts.columns[j], facts.iloc[:, j]) for j in keep)
        return cols, facts.index if ids is None else ids
    if _is_customer_facts(facts):
        # CustomerFacts: its numeric facts, keyed by customer id
        names = ("recency_days", "frequency", "monetary", "tenure_days")
        # (named: customer ids, never row numbers, even when they are 0 .. n-1)
        ids = to_pandas_index(facts.customer_id, "customer_id")
        return {k: getattr(facts, k) for k in names}, ids
    other = v.other_frame_columns(facts, "facts")
    if other is not None:  # a Polars DataFrame, a PyArrow Table: rows in order
        _refuse_id_alike(other)
        if _ID_COLUMN not in other:
            return _fact_columns(other.items()), None
        ids = to_pandas_index(other.pop(_ID_COLUMN), _ID_COLUMN)
        return _fact_columns(other.items()), ids
    if isinstance(facts, Mapping):
        _refuse_id_alike(facts)
        if _ID_COLUMN in facts:  # the ids of the rows, as a Polars frame's
            rest = {k: x for k, x in facts.items() if k != _ID_COLUMN}
            cols = _fact_columns(rest.items())
            ids = to_pandas_index(facts[_ID_COLUMN], _ID_COLUMN)
            own = common_index(**cols)  # Series on ids of their own: the same
            if own is not None and not row_numbers(own) and not own.equals(ids):
                raise InputError(
                    "facts",
                    f"has a {_ID_COLUMN!r} key whose ids differ from the index "
                    "of its other columns",
                    fix=f"give the ids once: drop the {_ID_COLUMN!r} key, or "
                    "pass the columns as lists or arrays in its order",
                )
            return cols, ids
        cols = _fact_columns(facts.items())
        return cols, common_index(**cols)
    # a Dask or PySpark DataFrame, a DuckDB relation: said so, with its call
    v.refuse_other_table(
        facts, "facts", "a pandas DataFrame, CustomerFacts or a mapping of columns"
    )
    raise InputError(
        "facts",
        f"must be a DataFrame, CustomerFacts or a mapping of columns, got "
        f"{type(facts).__name__}",
        fix="pass per-customer numbers such as {'monetary': [...]}",
    )


def _id_column_of(facts: Any) -> bool:
    """Whether *facts* is a frame whose customer ids :func:`_facts` took
    from its ``customer_id`` column (not its index)."""
    if is_pandas(facts) and hasattr(facts, "columns"):
        return _ID_COLUMN in facts.columns
    other = v.other_frame_columns(facts, "facts")
    if other is None and isinstance(facts, Mapping):
        return _ID_COLUMN in facts
    return other is not None and _ID_COLUMN in other


def _refuse_unpaired(facts: Any, index: Any) -> None:
    """InputError for tags without customer ids beside facts that carry
    them: :class:`~custseg.CustomerFacts` (rows sorted by customer id) or a
    frame or Series on an index of ids (``facts.to_pandas()``: anything but
    row numbers, the unnamed RangeIndex: unnamed integers such as
    ``12583, 13047`` too), whose order the tags' rows need not follow.
    Pairing them by position could pair other customers; facts without ids
    (arrays, row numbers) are paired by position, as given."""
    without = "facts.reset_index(drop=True)"
    if _is_customer_facts(facts):
        what = "the facts are CustomerFacts, whose rows are sorted by customer id"
    elif _id_column_of(facts):
        what = f"the facts hold customer ids in their {_ID_COLUMN!r} column"
        without = (
            f"facts.drop(columns={_ID_COLUMN!r}), a Polars frame's "
            f"facts.drop({_ID_COLUMN!r})"
        )
        if not is_pandas(facts) and v.other_frame_columns(facts, "facts") is None:
            without = f"a dict without its {_ID_COLUMN!r} key"
    elif index is not None and not row_numbers(index):
        names = [x for x in getattr(index, "names", [None]) if x is not None]
        if names:
            named = f" {index.name!r}" if index.name is not None else f" {names!r}"
            what = f"the facts are indexed by customer id (their index{named})"
        else:  # unnamed ids, such as integers read with index_col=0
            first = f", such as {v.describe(index[0])}," if len(index) else ""
            what = (
                f"the facts are indexed by customer id (their index{first} "
                "is no RangeIndex of row numbers)"
            )
    else:
        return
    raise InputError(
        "tags",
        f"has no customer ids, but {what}: which row of the tags is which "
        "customer cannot be told, and pairing them by position would pair "
        "other customers",
        fix="build the tags from a Series indexed by customer id, in the "
        "facts' order (e.g. tags_from_values(customers.set_index("
        "'customer_id')['interest'].reindex(ids))), or give them their ids: "
        "TagMatrix(tags.names, tags.matrix, index=ids), ids being the "
        "customer of each row; facts already in the tags' row order can be "
        f"passed without their ids (NumPy arrays, or {without})",
    )


def _refuse_rows_moved(facts: Any, index: Any, tags: Any) -> None:
    """InputError for facts and tags (pandas indexes *index* and *tags*)
    of which one is on row numbers (an unnamed RangeIndex) and the other on
    unnamed integers that are those row numbers moved
    (:func:`~custseg._align.rows_moved`: sorted, filtered, or sorted back
    with ``sort_index``). Those integers may be customer ids too (a file
    read with ``index_col=0``): they are never paired with row numbers by
    position, and the fix says what to do in either case, in code that
    runs (``reindex`` by the row numbers; ids for the side without)."""
    frame = "pd.DataFrame(facts)" if isinstance(facts, Mapping) else "facts"
    reindex = f"{frame}.reindex(tags.index)"
    how = rows_moved(index, tags, "the tags'")
    if how is not None:  # the facts' rows moved
        moved, what, ids = (
            index,
            f"is indexed by {how}",
            (
                "the tags theirs: TagMatrix(tags.names, tags.matrix, index=ids), "
                "ids being the customer of each row of the tags"
            ),
        )
        if len(index) < len(tags):
            reindex += (
                " (rows the facts lack get missing facts, left out of the "
                "totals and means; or build the tags from the facts' rows)"
            )
    else:
        how = rows_moved(tags, index, "the facts'")
        if how is None:
            return
        moved, what = tags, f"is indexed by row numbers, and the tags by {how}"
        # (pandas makes a reindex by range-like numbers, 2, 1, 0, a
        # RangeIndex: row numbers again, unless given the tags' own index)
        reindex += ".set_axis(tags.index)"
        ids = f"the facts theirs: {frame}.set_axis(ids), ids being the "
        ids += "customer of each row of the facts"
    if row_numbers(moved):  # a RangeIndex is row numbers, never ids
        raise InputError(
            "facts",
            f"{what}: pairing them by position would pair other rows",
            fix=f"put the facts in the tags' rows: {reindex}",
        )
    raise InputError(
        "facts",
        f"{what}, or by customer ids that happen to be such numbers (a file "
        "read with index_col=0): which cannot be told, and pairing them by "
        "position would pair other customers",
        fix="if they are the row numbers of the frame both come from, put the "
        f"facts in the tags' rows: {reindex}; if they are customer ids, give "
        f"{ids}",
    )


def _refuse_apart(facts: Any, index: Any, tags: Any) -> None:
    """InputError for facts on another *index* than the *tags*' (neither
    None): ids of two kinds (the integers made text, by code that runs on
    what holds them), other ids (named; a reindex would leave their
    facts missing, left out of the totals unseen), or the same ids in
    another order (then a reindex pairs them)."""
    if isinstance(facts, Mapping):
        facts_text = "facts = pd.DataFrame(facts).rename(index=str)"
    elif _is_customer_facts(facts):
        facts_text = (
            "facts = facts.to_pandas()[['recency_days', 'frequency', "
            "'monetary', 'tenure_days']].rename(index=str)"
        )
    elif _id_column_of(facts):  # the ids in a column (any engine)
        own = "facts" if is_pandas(facts) else "facts.to_pandas()"
        facts_text = f"facts = {own}.astype({{{_ID_COLUMN!r}: str}})"
    else:  # a frame or Series: its index can be set
        facts_text = "facts.index = facts.index.astype(str)"
    here, there = ("tags", tags), ("facts", index)
    kinds = kinds_apart(
        here,
        there,
        as_text={
            "tags": "tags = TagMatrix(tags.names, tags.matrix, "
            "index=[str(i) for i in tags.index])",
            "facts": facts_text,
        },
    )
    apart = None if kinds is not None else ids_apart(there, here)
    if kinds is not None:
        fix = kinds
    elif apart is not None:
        fix = (
            "tag and describe the same customers, their ids written alike in "
            "both (a reindex would leave the facts of ids it does not find "
            "missing, left out of the totals and means unseen)"
        )
    elif _id_column_of(facts):
        fix = (
            "tag and describe the same customers, in the same order: "
            f"facts.set_index({_ID_COLUMN!r}).reindex(ids) (a Polars or Arrow "
            f"frame after .to_pandas()), ids being tags.index"
        )
    else:
        fix = (
            "tag and describe the same customers, in the same order: a frame "
            "by facts.reindex(ids), CustomerFacts by facts.to_pandas()"
            "[['recency_days', 'frequency', 'monetary']].reindex(ids), ids "
            "being tags.index"
        )
    raise InputError(
        "facts",
        "has a different index from the tags"
        + ("" if apart is None else f" ({apart})"),
        fix=fix,
    )


def _group_sums(
    matrix: np.ndarray, values: list[np.ndarray], has: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group (column of *matrix*) and fact column: the number of known
    values, their sum and their mean, the same whatever the order of the
    rows (three groups x columns arrays).

    A customer may be in several groups, so each group is one pass over the
    rows (vectorised). Decimal amounts (see :mod:`custseg._exact`) become
    exact integers ``x * 10**d`` whose sums stay below 2**52, so a dot
    product adds them exactly, in any order, and each sum is divided once
    by ``10**d``, each mean once by ``10**d`` times the count
    (:func:`custseg.segments.decimal_means`): the correctly rounded decimal
    sum and mean. Other columns (many digits, ``1/3``, huge sums) are taken
    group by group as :func:`custseg.segments.sum_and_mean` takes them (a
    group of decimals exactly, others by
    :func:`custseg._exact.ordered_sum`), as the rules' ``mean()`` does.
    """
    k = matrix.shape[1]
    counts = np.zeros((k, len(values)), dtype=np.int64)
    sums = np.zeros((k, len(values)))
    means = np.full((k, len(values)), np.nan)
    scaled: list[int] = []
    scales: list[int] = []
    ints: list[np.ndarray] = []
    for j, x in enumerate(values):
        known = has[:, j]
        scale = decimal_scale(x[known]) if known.any() else 1
        if scale is None:  # not decimals of few places: per group, exactly
            for g in range(k):
                sums[g, j], means[g, j] = sum_and_mean(x[matrix[:, g] & known])
            continue
        t = np.multiply(x, scale)
        np.rint(t, out=t)
        t[~known] = 0.0
        scaled.append(j)
        scales.append(scale)
        ints.append(t)
    whole = np.asfortranarray(np.stack(ints, axis=1)) if ints else None
    for g in range(k):
        member = matrix[:, g]
        for j in range(len(values)):
            counts[g, j] = np.count_nonzero(member & has[:, j])
        if whole is not None:  # integers below 2**52: exact in any order
            sums[g, scaled] = whole.T @ member.astype(np.float64)
    for j, scale in zip(scaled, scales, strict=True):
        means[:, j] = decimal_means(sums[:, j], scale, counts[:, j])
        sums[:, j] /= scale
    return counts, sums, means


@attrs.frozen(eq=False, repr=False)
class GroupSummary:
    """What :func:`group_summary` returns.

    Attributes
    ----------
    names
        The groups (tag names), then the total row (``"(all)"`` unless
        :func:`group_summary` was given another *total*) for every customer.
    customers
        Customers per group (int64).
    share
        ``customers`` over all customers.
    totals, means
        Per fact column: its sum and mean over each group's customers with
        a value (missing values left out; NaN mean for a group without one).
    """

    names: tuple[str, ...]
    customers: np.ndarray
    share: np.ndarray
    totals: dict[str, np.ndarray]
    means: dict[str, np.ndarray]

    def to_pandas(self) -> Any:
        """A DataFrame, one row per group: ``customers``, ``share`` and
        ``COLUMN_total``, ``COLUMN_mean`` per fact column.

        Examples
        --------
        >>> t = TagMatrix(("key_customer", "mother"), [[1, 0], [1, 1], [0, 1]])
        >>> group_summary(t, {"monetary": [1200.0, 800.0, 150.0]}).to_pandas()
                      customers     share  monetary_total  monetary_mean
        group
        key_customer          2  0.666667          2000.0    1000.000000
        mother                2  0.666667           950.0     475.000000
        (all)                 3  1.000000          2150.0     716.666667
        """
        import pandas as pd

        cols: dict[str, Any] = {"customers": self.customers, "share": self.share}
        for k in self.totals:
            cols[f"{k}_total"] = self.totals[k]
            cols[f"{k}_mean"] = self.means[k]
        return pd.DataFrame(cols, index=to_pandas_index(self.names, "group"))

    def __repr__(self) -> str:
        return f"GroupSummary(groups={len(self.names) - 1}, facts={list(self.totals)})"


def group_summary(
    tags: Any, facts: Any = None, *, total: str = "(all)"
) -> GroupSummary:
    """Per group: how many customers, their share, and totals and means of facts.

    A customer with several tags counts in every one of their groups, so the
    groups' customers and revenue add up to more than the whole; the last
    row, *total* (``"(all)"``), is every customer once.

    Parameters
    ----------
    tags
        A :class:`TagMatrix`, or one other source :func:`combine_tags`
        takes (a rules result, a ``(names, matrix)`` pair); several sources
        go through ``combine_tags(a, b)`` first.
    facts
        Numbers per customer, in the same order (and on the same index):
        a DataFrame or mapping of numeric columns (``monetary`` gives the
        groups' revenue), or :class:`~custseg.CustomerFacts`, whose rows are
        sorted by customer id: the tags must then be on its customer ids, in
        its order (tags without ids, or on row numbers, an unnamed
        RangeIndex, are refused beside it, and beside facts on an index of
        customer ids, such as ``facts.to_pandas()``: any index but row
        numbers, unnamed integers and ids ``0 .. n-1`` too; only facts
        without ids are paired with them by position). A ``customer_id``
        column holds the facts' customer ids, never a fact summed: a
        frame on row numbers (any unnamed index), a Polars DataFrame, a
        PyArrow Table or a mapping of columns with one is on those ids, as
        one indexed by them is (beside an index with another name it is
        refused); a column only spelled like it (``CustomerID``,
        ``Customer ID``) is refused, not summed. Another column
        may have any name, ``tags`` too. Missing values
        are left out of totals and means. Totals do not depend on the order
        of the rows: decimal amounts (``19.99``) are summed exactly and
        rounded once, as :func:`custseg.segment_summary` sums revenue, and
        their means divided once from the exact total (the mean of 0.1,
        0.2 and 0.0 is 0.1, as the rules' ``mean()``). Integers beyond
        2**53 are refused, as :func:`custseg.summarize` refuses them. A
        Dask or PySpark DataFrame or a DuckDB relation is refused, naming
        the call that makes it pandas (``facts.compute()``), and so is a
        Dask Series among the columns, whose index NumPy would drop.
    total
        The name of the last row, every customer once; it must differ from
        the tag names.

    Returns
    -------
    GroupSummary

    Raises
    ------
    InputError
        Facts of another length or index (the ids on one side only named,
        and a reindex advised only for the same ids in another order), tags
        without customer ids or on row numbers beside
        :class:`~custseg.CustomerFacts` or facts indexed by customer id (of
        more than one customer),
        non-numeric facts, values whose
        sum passes what float64 holds (a total would be ``inf``), integers
        beyond 2**53 (or decimals beyond 2**53 in their last place: float64
        does not hold them, so their sum would be rounded), integers whose
        magnitudes add up past 2**53 (a sum float64 would round), two fact
        columns whose names read alike (``1`` and ``"1"``: the summary names
        columns by their text).
    ThresholdError
        A *total* equal to a tag name (two rows would share a name).

    Examples
    --------
    >>> t = TagMatrix(("vip", "mother"), [[1, 1], [1, 0], [0, 1], [0, 0]])
    >>> group_summary(t, {"monetary": [900.0, 600.0, 100.0, float("nan")]}).to_pandas()
            customers  share  monetary_total  monetary_mean
    group
    vip             2    0.5          1500.0     750.000000
    mother          2    0.5          1000.0     500.000000
    (all)           4    1.0          1600.0     533.333333
    >>> one = TagMatrix(("g",), [[True]] * 3)
    >>> group_summary(one, {"monetary": [0.1, 0.2, 0.3]}).totals["monetary"].tolist()
    [0.6, 0.6]
    >>> group_summary(one, {"monetary": [0.1, 0.2, 0.0]}).means["monetary"].tolist()
    [0.1, 0.1]
    """
    t = _as_tags(tags)
    total = v.label_param(total, "total")
    if total in t.names:
        raise ThresholdError(
            f"'total' must differ from the tag names: {total!r} is one of them; "
            "pass another name (total=...) or rename the tag"
        )
    n = len(t)
    matrix = np.ones((n, len(t.names) + 1), dtype=bool, order="F")
    matrix[:, :-1] = t.matrix  # the last column: every customer
    names = (*t.names, total)
    customers = np.count_nonzero(matrix, axis=0).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = customers / n if n else np.full(len(names), np.nan)
    totals: dict[str, np.ndarray] = {}
    means: dict[str, np.ndarray] = {}
    if facts is not None:
        cols, index = _facts(facts)
        if t.index is None and n > 1:
            _refuse_unpaired(facts, index)
        if index is not None and t.index is not None:
            _refuse_rows_moved(facts, as_index(index), as_index(t.index))
        if not _same_index(index, t.index, "facts", "tags", rows_apart=True):
            _refuse_apart(facts, as_index(index), as_index(t.index))
        values = []
        for k, x in cols.items():
            arr = v.as_numeric(x, k, nan="allow", sums=True, exact=True).astype(
                np.float64
            )
            # (a fact column may be called "tags": the matrix then named apart)
            v.check_same_length(
                **{"tags" if k != "tags" else "tag matrix": matrix, k: arr}
            )
            values.append(arr)
        if values:
            has = np.asfortranarray(~np.isnan(np.column_stack(values)))
            _counts, sums, mean = _group_sums(matrix, values, has)
            for j, k in enumerate(cols):
                totals[k] = sums[:, j]
                means[k] = mean[:, j]
    return GroupSummary(
        names, customers, np.asarray(share, dtype=np.float64), totals, means
    )
