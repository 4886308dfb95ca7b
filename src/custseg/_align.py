"""pandas in, pandas out, aligned: the index that results carry.

A function given pandas Series returns results whose pandas form carries the
same index, so ``pd.concat([frame, result], axis=1)`` or ``frame.join(result)``
never shifts a row. All pandas inputs of one call must share one index.

Layer 0: pandas objects are recognised by duck typing; pandas is never
imported here.
"""

from __future__ import annotations

import contextlib
import numbers
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ._display import Escaped, alike
from ._validate import (
    arrow_plain,
    describe,
    refuse_buffer,
    refuse_narrow_ids,
    refuse_spark,
)
from .errors import InputError, ThresholdError

__all__ = [
    "common_index",
    "flat_ids",
    "fresh_index",
    "id_kind",
    "ids_apart",
    "is_pandas",
    "missing_ids",
    "nullable_dtype",
    "other_ids",
    "own_index",
    "same_ids",
    "same_index",
    "to_pandas",
    "to_pandas_index",
    "written_apart",
]


def is_pandas(x: Any) -> bool:
    """Whether *x* is a pandas Series or DataFrame (objects with an index).

    >>> import pandas as pd
    >>> is_pandas(pd.Series([1])), is_pandas(pd.Index([1])), is_pandas([1])
    (True, False, False)
    """
    module = type(x).__module__
    return module.startswith("pandas") and hasattr(x, "index") and hasattr(x, "iloc")


def row_numbers(index: Any) -> bool:
    """Whether *index* is row numbers, not customer ids: an unnamed pandas
    ``RangeIndex`` (a column cut from a flat frame has one), not empty (an
    empty one holds nobody, whom no number can misplace).

    >>> import pandas as pd
    >>> row_numbers(pd.RangeIndex(3)), row_numbers(pd.RangeIndex(3, name="id"))
    (True, False)
    >>> row_numbers(pd.Index([0, 1, 2])), row_numbers(pd.RangeIndex(0))
    (False, False)
    """
    kind = type(index)
    return (
        kind.__name__ == "RangeIndex"
        and kind.__module__.startswith("pandas")
        and index.name is None
        and len(index) > 0
    )


def numbers_left(index: Any) -> bool:
    """Whether *index* may be row numbers: :func:`row_numbers`, or an
    unnamed pandas index of integers, as a filter, a sort or ``iloc`` leaves
    of a RangeIndex. Two periods' frames are two files: their row numbers
    never name one customer, whatever they are.

    >>> import pandas as pd
    >>> numbers_left(pd.Index([0, 2, 3])), numbers_left(pd.Index([0, 2], name="id"))
    (True, False)
    >>> numbers_left(pd.Index(["a", "b"])), numbers_left(pd.RangeIndex(2))
    (False, True)
    """
    if row_numbers(index):
        return True
    dtype = getattr(index, "dtype", None)
    return (
        type(index).__module__.startswith("pandas")
        and getattr(index, "nlevels", 1) == 1
        and index.name is None
        and len(index) > 0
        and getattr(dtype, "kind", "") in ("i", "u")
    )


def rows_moved(index: Any, rows: Any, whose: str = "the") -> str | None:
    """How the unnamed integers *index* (:func:`numbers_left`) hold the row
    numbers *rows* (:func:`row_numbers`, *whose* in the phrase) moved: all
    of them in order but no RangeIndex, all of them in another order, or
    some of them; None when they do not (a value not among them, one twice,
    a named or non-integer index, *rows* no row numbers, or *index* the
    same RangeIndex). Such integers are what ``sort_index``,
    ``sort_values``, ``query`` or a boolean filter leave of a frame's row
    numbers; they may also be customer ids (``index_col=0``), which nothing
    tells apart.

    >>> import pandas as pd
    >>> rows = pd.RangeIndex(3)
    >>> rows_moved(pd.Index([1, 2, 0]), rows)
    'the row numbers in another order (as sort_values leaves them)'
    >>> rows_moved(pd.Index([0, 2]), rows, "the tags'")
    "2 of the tags' 3 row numbers (as query or a boolean filter leaves them)"
    >>> rows_moved(pd.Index([0, 1, 2]), rows)
    'the row numbers in their order, but no RangeIndex (as sort_index gives them back)'
    >>> rows_moved(pd.Index([0, 3]), rows), rows_moved(rows, rows)
    (None, None)
    """
    if not (row_numbers(rows) and numbers_left(index)) or index.has_duplicates:
        return None
    if not index.isin(rows).all() or (row_numbers(index) and index.equals(rows)):
        return None
    if len(index) < len(rows):
        return (
            f"{len(index)} of {whose} {len(rows)} row numbers (as query or a "
            "boolean filter leaves them)"
        )
    if index.equals(rows):
        return (
            f"{whose} row numbers in their order, but no RangeIndex (as "
            "sort_index gives them back)"
        )
    return f"{whose} row numbers in another order (as sort_values leaves them)"


def numbers_beside_ids(a: Any, b: Any) -> bool:
    """Whether one of two equal indexes is row numbers (:func:`row_numbers`)
    and the other names its ids (a named index: ``customer_id``): a column
    of a frame read from a file beside a result indexed by customer, whose
    ids happen to be ``0 .. n-1``. Equal as values, they pair row *i* with
    customer *i*, which is another customer whenever the file's rows are in
    another order (an output sorted by id as text: 0, 1, 10, 11, ..., 2).

    >>> import pandas as pd
    >>> ids = pd.Index([0, 1, 2], name="customer_id")
    >>> numbers_beside_ids(pd.RangeIndex(3), ids), numbers_beside_ids(ids, ids)
    (True, False)
    >>> numbers_beside_ids(pd.RangeIndex(3), pd.Index([0, 1, 2]))  # unnamed: rows
    False
    """

    def named(index: Any) -> bool:
        return any(n is not None for n in getattr(index, "names", [None]))

    return (row_numbers(a) and named(b)) or (row_numbers(b) and named(a))


def refuse_numbers_beside_ids(
    field: str, other: str, index: Any, *, fix: str | None = None
) -> None:
    """The :class:`~custseg.errors.InputError` of :func:`numbers_beside_ids`,
    *field* being the input indexed by row numbers when *index* is; *fix*
    in place of the fix for a Series or frame (``set_axis``), for inputs
    that have none (tags)."""
    if not row_numbers(index):
        field, other = other, field
    raise InputError(
        field,
        f"is indexed by row numbers (an unnamed RangeIndex, as a frame read "
        f"from a file has), not customer ids, while {other!r} is indexed by "
        "customer ids: row 0 would be paired with customer 0, whatever the "
        "order of the rows",
        fix=fix
        or f"index it by customer id ({field}.set_axis(frame['customer_id']) "
        "with the frame it was cut from, or set_index('customer_id') on that "
        "frame first), or pass NumPy arrays to pair the rows by position",
    )


def paired(field: str, other: str, a: Any, b: Any) -> bool:
    """Whether the index *a* of *field* and *b* of *other* pair the same
    customers row by row (:func:`same_index`); an
    :class:`~custseg.errors.InputError` when one is row numbers and the
    other names customer ids (:func:`numbers_beside_ids`), which compare
    equal when the ids are ``0 .. n-1`` but pair row *i* with customer *i*.
    Every comparison of two inputs' indexes goes through it.

    >>> import pandas as pd
    >>> ids = pd.Index([0, 1], name="customer_id")
    >>> paired("a", "b", ids, pd.Index([0, 1], name="customer_id"))
    True
    >>> paired("a", "b", pd.RangeIndex(2), ids)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'a' is indexed by row numbers ...
    """
    if a is b:
        return True
    a, b = as_index(a), as_index(b)
    if numbers_beside_ids(a, b):
        refuse_numbers_beside_ids(field, other, a)
    return same_index(a, b)


def index_of(x: Any, field: str = "values") -> Any:
    """The ids *x* carries: a pandas Series' or frame's index, a custseg
    result's (a :class:`~custseg.Labels` made from pandas input), else None
    (NumPy arrays, lists, results made from them). Labels read as arrays
    too, so a function that keeps the index of its input must take it from
    here, never from pandas input alone. A Dask Series is an InputError
    naming *field* (:func:`refuse_uncomputed`).

    >>> import pandas as pd
    >>> from custseg import lifecycle_stage
    >>> list(index_of(lifecycle_stage(pd.Series([5, 400], index=["b", "a"]))))
    ['b', 'a']
    >>> index_of([5, 400]) is None, index_of(lifecycle_stage([5])) is None
    (True, True)
    """
    return fresh_index(_indexed(x, field)[0])


def fresh_index(index: Any) -> Any:
    """A pandas Index as a new Index object holding the same ids (no copy
    of the data, nor of pandas' lookup table): its name is its own. A
    result that kept the caller's Index object, or handed out its own,
    shared its ``name`` (``out.index.name = "member"`` renamed the caller's
    ids, or the frozen result's). Anything else is returned as it is.

    >>> import pandas as pd
    >>> ids = pd.Index(["a", "b"], name="customer_id")
    >>> kept = fresh_index(ids)
    >>> kept.name = "member"
    >>> ids.name, kept.equals(ids)
    ('customer_id', True)
    """
    if index is None or not type(index).__module__.startswith("pandas"):
        return index
    copy = getattr(index, "copy", None)
    if copy is None or not hasattr(index, "names"):
        return index
    if hasattr(index, "codes"):
        # a MultiIndex copies its cache dict: a lookup table the copy builds
        # (get_loc, reindex) would be lost with it and built again on each
        # read, O(rows) each. Its engine object is made here, once (cheap:
        # the table inside it is filled on the first lookup), so that every
        # copy holds the same one
        with contextlib.suppress(Exception):  # (pandas internals)
            index._engine  # noqa: B018
    return copy()


def _own_index_copy(result: Any) -> Any:
    """The ids of the rows (None without them): a new pandas Index
    object on each read (the ids are not copied), so that renaming it
    (``result.index.name = "member"``) leaves the frozen result's own."""
    return fresh_index(result._index)


#: The ``index`` of a frozen result that keeps its ids as ``_index``
#: (``Labels``, ``RfmScores``, ``TagMatrix``, ``ActionPlan``,
#: ``ProfileCompleteness``): :func:`fresh_index` of them on each read.
RESULT_INDEX = property(_own_index_copy)


def uncomputed(x: Any) -> str | None:
    """What *x* is when it is a column or table of a library that holds its
    rows outside memory and keeps an index (``"Dask Series"``, ``"Dask
    DataFrame"``), else None. NumPy computes such a column when it reads it
    and drops its index: a Dask Index is ids by value, and is not named.

    >>> import pandas as pd
    >>> uncomputed(pd.Series([1])) is None, uncomputed([1]) is None
    (True, True)
    >>> import pytest
    >>> dd = pytest.importorskip("dask.dataframe")
    >>> uncomputed(dd.from_pandas(pd.Series([1], index=["c1"]), npartitions=1))
    'Dask Series'
    """
    kind = type(x)
    if kind.__module__.partition(".")[0] != "dask":
        return None
    name = kind.__name__
    if name == "Index" or not (hasattr(kind, "compute") and hasattr(kind, "index")):
        return None
    return f"Dask {name}"


def refuse_uncomputed(x: Any, field: str) -> None:
    """An :class:`~custseg.errors.InputError` naming *field* when *x* is a
    Dask Series (or DataFrame, :func:`uncomputed`): read as NumPy reads it,
    its values would be computed but its index, the customer ids, dropped,
    so the results would be on row numbers (a due list naming customers
    ``0, 1, 2``) and pair other customers when joined by position.

    >>> import pandas as pd, pytest
    >>> dd = pytest.importorskip("dask.dataframe")
    >>> refuse_uncomputed(dd.from_pandas(pd.Series([1], index=["c1"]), npartitions=1), "value")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'value' is a Dask Series: custseg reads its columns in memory, where NumPy would compute it and drop its index (the customer ids), giving results on row numbers: pass value.compute(), a pandas Series on the customer ids
    """
    refuse_spark(x, field)  # a Spark Column answers every attribute asked
    kind = uncomputed(x)
    if kind is None:
        return
    what = "Series" if kind.endswith("Series") else "DataFrame"
    fix = (
        f"pass {field}.compute(), a pandas {what} on the customer ids"
        if field.isidentifier()
        else f"pass the pandas {what} .compute() gives, on the customer ids"
    )
    raise InputError(
        field,
        f"is a {kind}: custseg reads its columns in memory, where NumPy would "
        "compute it and drop its index (the customer ids), giving results on "
        "row numbers",
        fix=fix,
    )


def _indexed(x: Any, field: str | None = None) -> tuple[Any, bool]:
    """The index *x* carries and whether *x* is a custseg result (not pandas),
    or ``(None, False)`` for inputs without one (NumPy arrays, lists, results
    made from them). Ids of Arrow ``string_view`` are read as ``large_string``
    (:func:`~custseg._validate.arrow_plain`): pandas cannot compare them.
    With a *field*, a Dask Series, whose index NumPy would drop, is an
    InputError naming it (:func:`refuse_uncomputed`)."""
    if is_pandas(x):
        return arrow_plain(x.index), False
    if field is not None:
        refuse_uncomputed(x, field)
    if type(x).__module__.startswith("custseg") and hasattr(x, "to_pandas"):
        index = getattr(x, "index", None)  # Labels, RfmScores, TagMatrix, ...
        if index is not None:  # ids given as a list or an array are ids too
            return arrow_plain(as_index(index)), True
    return None, False


def common_index(**inputs: Any) -> Any:
    """The index shared by the pandas inputs, or ``None`` when none has one
    (inputs of one value per customer; :func:`common_row_index` for inputs of
    one value per row, such as transactions).

    NumPy arrays and lists carry no index and may be mixed with Series; two
    Series with different indexes (other labels, or the same labels in another
    order) are an :class:`~custseg.errors.InputError`: results could only be
    aligned to one of them. A custseg result made from pandas input (a
    :class:`~custseg.Labels` with an ``index``) counts as the pandas input it
    came from. Ids are compared exactly: integer ids against float ids only
    where each float is that whole number (``2**53 + 1`` is not the float
    ``2**53``), ``1`` never against ``"1"``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([1, 2], index=["x", "y"])
    >>> list(common_index(recency=a, frequency=[3, 4]))
    ['x', 'y']
    >>> common_index(recency=[1, 2]) is None
    True
    >>> common_index(recency=a, frequency=pd.Series([3, 4], index=["y", "x"]))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'frequency' has a different index from 'recency': align them first (frequency.reindex(recency.index)), or pass NumPy arrays to ignore the indexes
    """
    return _common_index(inputs, rows=False)


def common_row_index(**inputs: Any) -> Any:
    """:func:`common_index` for columns of one value per row (transactions,
    order lines, contacts): their index labels rows, so an index that holds
    a label twice is no customer's id twice, and the fix is one row index.

    >>> import pandas as pd
    >>> common_row_index(ids=pd.Series(["a", "b"], index=[0, 0]),
    ...                  dates=pd.Series(["2024-01-01"] * 2, index=[0, 1]))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'dates' has a different index from 'ids' (other row labels, or the same in another order): give the columns one row index (cut them from one frame, or reset_index(drop=True) on each when their rows are in one order), or pass NumPy arrays to ignore the indexes
    """
    return _common_index(inputs, rows=True)


def _common_index(inputs: Mapping[str, Any], rows: bool) -> Any:
    index = None
    first = ""
    for name, x in inputs.items():
        refuse_buffer(x, name)  # (NumPy reads a bytearray as its bytes)
        # per customer, the index holds the ids, which a Dask Series loses;
        # rows (transactions) are keyed by their id column, not their index
        idx, result = _indexed(x, None if rows else name)
        if idx is None:
            continue
        if index is None:
            index, first = idx, name
        elif not paired(name, first, idx, index):
            how = f"{name}.to_pandas()" if result else name
            twice = not (idx.is_unique and index.is_unique)
            if rows and twice and kinds_apart((name, idx), (first, index)) is None:
                # a row label held twice: no reindex, and no customer's id
                raise InputError(
                    name,
                    f"has a different index from {first!r} (other row labels, "
                    "or the same in another order)",
                    fix="give the columns one row index (cut them from one "
                    "frame, or reset_index(drop=True) on each when their rows "
                    "are in one order), or pass NumPy arrays to ignore the indexes",
                )
            raise InputError(
                name,
                f"has a different index from {first!r}",
                fix=realign_fix(
                    f"{how}.reindex({first}.index)",
                    "pass NumPy arrays to ignore the indexes",
                    (name, idx),
                    (first, index),
                ),
            )
    if index is not None and not rows:
        # the ids of the customers: float32 ids past 2**24 (float16: 2**11)
        # can be two customers stored as one number, as own_index refuses
        refuse_narrow_ids(index, "index")
    return fresh_index(index)  # the result's own: never the caller's object


def realign_fix(reindex: str, otherwise: str, *indexes: tuple[str, Any]) -> str:
    """The fix for inputs whose indexes differ: *reindex* (the call that
    aligns them), or, when an index holds an id twice (reindexing refuses
    it), one row per customer first; then *otherwise*.

    >>> import pandas as pd
    >>> realign_fix("b.reindex(a.index)", "pass arrays", ("b", pd.Index(["x", "x"])))
    "give one row per customer first ('b' has the id 'x' more than once), or pass arrays"

    Ids of two kinds (text read from a file, integers elsewhere) are never
    paired by a reindex, which would give missing values only:

    >>> print(realign_fix("b.reindex(a.index)", "pass arrays",
    ...                   ("a", pd.Index(["1", "2"])), ("b", pd.Index([1, 2]))))
    give both the same kind of ids first ('a' is indexed by text, 'b' by integers, which reindexing never pairs: b.index = b.index.astype(str)), or pass arrays
    """
    for name, index in indexes:
        dup = getattr(index, "duplicated", None)
        if dup is None:
            continue
        twice = index[dup()]
        if len(twice):
            return (
                f"give one row per customer first ({name!r} has the id "
                f"{Escaped(twice[0])!r} more than once), or {otherwise}"
            )
    apart = kinds_apart(*indexes)
    if apart is not None:  # reindexing would find nobody
        return f"{apart}, or {otherwise}"
    return f"align them first ({reindex}), or {otherwise}"


def kinds_apart(
    *indexes: tuple[str, Any], as_text: Mapping[str, str] | None = None
) -> str | None:
    """The fix for two indexes of ids of two kinds (text read from a file,
    integers elsewhere), which a reindex never pairs (it would give missing
    values only, silently); None when the named indexes are not so.

    The integers are made text, by ``NAME.index = NAME.index.astype(str)``
    (a Series or frame), or by the code *as_text* gives for that name, for
    inputs whose index cannot be set (a frozen result such as a TagMatrix).

    >>> import pandas as pd
    >>> kinds_apart(("tags", pd.Index(["1"])), ("facts", pd.Index([1])))
    "give both the same kind of ids first ('tags' is indexed by text, 'facts' by integers, which reindexing never pairs: facts.index = facts.index.astype(str))"
    >>> kinds_apart(("tags", pd.Index([1])), ("facts", pd.Index(["1"])),
    ...             as_text={"tags": "tags = rebuilt(tags)"})
    "give both the same kind of ids first ('tags' is indexed by integers, 'facts' by text, which reindexing never pairs: tags = rebuilt(tags))"
    """
    kinds = {
        name: kind for name, index in indexes if (kind := _id_kind(index)) is not None
    }
    if len(set(kinds.values())) < 2:
        return None
    (a, ka), (b, kb) = list(kinds.items())[:2]
    rows = [name for name, index in indexes if name in (a, b) and row_numbers(index)]
    if len(rows) == 1:  # row numbers beside text ids: no conversion pairs them
        (mine,) = rows
        return (
            f"index {mine!r} by customer id first (it is indexed by row numbers, "
            f"an unnamed RangeIndex: {mine}.set_axis(frame['customer_id']) with "
            "the frame it was cut from, or set_index('customer_id') on that frame)"
        )
    other = b if kb == "integers" else a  # the integers made text
    code = (as_text or {}).get(other, f"{other}.index = {other}.index.astype(str)")
    return (
        f"give both the same kind of ids first ({a!r} is indexed by {ka}, "
        f"{b!r} by {kb}, which reindexing never pairs: {code})"
    )


def ids_apart(*indexes: tuple[str, Any]) -> str | None:
    """What two indexes of one kind of ids (no id twice) hold apart: None
    when they hold the same ids, in another order (a reindex pairs them);
    else how many ids each has that the other has not, with the first
    few, and a pair of them written apart (:func:`written_apart`: the
    Unicode form, case, leading zeros), which a reindex would never pair
    either: it would leave those customers' values missing, silently.

    >>> import pandas as pd
    >>> ids_apart(("a", pd.Index(["x", "y"])), ("b", pd.Index(["y", "x"]))) is None
    True
    >>> print(ids_apart(("tags", pd.Index(["Jos\u00e9", "Ana"])),
    ...                 ("facts", pd.Index(["Jose\u0301", "Ana"]))))
    'tags' has 1 id that 'facts' has not ('Jos\xe9') and 'facts' 1 that 'tags' has not ('Jose\u0301'); 'Jos\xe9' and 'Jose\u0301' are written apart (the Unicode form, case, blanks, leading zeros or '.0'), which no reindex pairs
    """
    (na, a), (nb, b) = indexes[:2]
    x, y = same_ids(*whole_ids(a, b))
    # (the ids as given: 1, not the 1.0 it is compared as beside 2.5)
    only_a, only_b = a[~_members(x, y)], b[~_members(y, x)]
    if not len(only_a) and not len(only_b):
        return None

    def shown(ids: Any) -> str:
        # text that reads otherwise than it is stored: by its code points
        first = [
            Escaped(i) if isinstance(i, str) and alike(i) != i else i
            for i in ids[:3].tolist()
        ]
        return ", ".join(map(describe, first)) + (", ..." if len(ids) > 3 else "")

    said = []
    if len(only_a):
        n = len(only_a)
        said.append(
            f"{na!r} has {n:,d} id{'s' if n != 1 else ''} that {nb!r} has not "
            f"({shown(only_a)})"
        )
    if len(only_b):
        n = len(only_b)
        said.append(
            (
                f"{nb!r} {n:,d}"
                if said
                else f"{nb!r} has {n:,d} id{'s' if n != 1 else ''}"
            )
            + f" that {na!r} has not ({shown(only_b)})"
        )
    text = " and ".join(said)
    flat = not _is_multiindex(only_a) and not _is_multiindex(only_b)
    count, p, q = written_apart(only_a, only_b) if flat else (0, None, None)
    if count:
        text += (
            f"; {describe(p)} and {describe(q)} are written apart (the Unicode form, case, "
            "blanks, leading zeros or '.0'), which no reindex pairs"
        )
    return text


def _members(x: Any, y: Any) -> Any:
    """``x.isin(y)`` of two indexes of ids, as a boolean array; indexes of
    other shapes or kinds that pandas cannot look up in each other (a
    ``MultiIndex`` beside flat ids, Arrow text beside tuples or intervals,
    where pandas or pyarrow raise) compared as plain Python objects.

    >>> import pandas as pd
    >>> _members(pd.Index([5, 6]), pd.MultiIndex.from_tuples([(5, "a")])).tolist()
    [False, False]
    >>> _members(pd.Index(["a", "b"]), pd.Index(["b"])).tolist()
    [False, True]
    """
    import numpy as np

    try:
        return np.asarray(x.isin(y), dtype=bool)
    except (TypeError, ValueError):  # (pyarrow's ArrowInvalid is a ValueError)
        keys = set(y.astype(object).tolist())
        return np.fromiter(
            (k in keys for k in x.astype(object).tolist()), dtype=bool, count=len(x)
        )


def _id_kind(index: Any) -> str | None:
    """``"text"`` or ``"integers"`` for a pandas index of ids of that kind
    (pandas' inferred type), None for any other index or object."""
    kind = getattr(index, "inferred_type", None)
    return {"string": "text", "integer": "integers"}.get(str(kind))


def as_index(index: Any) -> Any:
    """An index as a pandas Index: a result's ids given as a list, tuple or
    array (``Labels(..., index=["d", "c"])`` keeps them as such) made one,
    so that they are compared as ids, never ignored; None and pandas
    indexes as they are.

    >>> list(as_index(("d", "c"))), as_index(None)
    (['d', 'c'], None)
    """
    if index is None or type(index).__module__.startswith("pandas"):
        return fresh_index(index)  # its own name: never the result's
    return to_pandas_index(index)


def own_index(index: Any) -> Any:
    """A result's ``index=`` as the result's own: a pandas Index (or a
    Series' or pandas array's values, as an Index named as the Series)
    copied, a NumPy array copied and made read-only, a list or other
    sequence as a tuple; so editing the caller's ids later (their values,
    or the name of their Index or Series) never changes the ids of a
    frozen result.

    Ids are one per row: a DataFrame, a 2-D array or rows of several
    values given as lists are a :class:`~custseg.errors.ThresholdError`
    (their rows would become tuples such as ``('c1',)``, which join onto
    nobody).

    >>> import numpy as np, pandas as pd
    >>> ids = np.array([101, 102])
    >>> kept = own_index(ids)
    >>> ids[0] = 999
    >>> kept.tolist(), kept.flags.writeable, own_index([1, "a"])
    ([101, 102], False, (1, 'a'))
    >>> column = pd.Series(["c1", "c2"], name="customer_id")
    >>> kept = own_index(column)
    >>> column.iloc[0] = "zzz"
    >>> kept.tolist(), kept.name
    (['c1', 'c2'], 'customer_id')
    >>> own_index(pd.DataFrame({"customer_id": ["c1", "c2"]}))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'index' must be one id per row (1-D): got DataFrame of shape (2, 1); pass one column of ids (frame['customer_id']), or pd.MultiIndex.from_frame(frame) for ids of several columns
    """
    import numpy as np

    if index is None:
        return None
    # float32 ids past 2**24 (float16: 2**11): ids written apart may be
    # stored as one number (16777217 as 16777216), joined onto one customer
    refuse_narrow_ids(index, "index")  # (a MultiIndex: level by level)
    if type(index).__module__.startswith("pandas"):
        index = arrow_plain(index)  # (Arrow string_view ids: as large_string)
        shape = getattr(index, "shape", ())
        if len(shape) != 1:  # a DataFrame: a column of ids is meant
            _refuse_2d(index, shape)
        pd = sys.modules["pandas"]
        if isinstance(index, pd.Index):  # a MultiIndex too
            # its values are read-only (pandas >= 3): a view is a new object
            # with its own name, sharing them (a deep copy cost a pass over
            # 10M ids for every result), and ``is_`` the caller's index, so
            # results made from one index pair at once (:func:`same_index`)
            return index.view()
        # a Series (its values, named as it is) or a pandas array: mutable
        return pd.Index(index, copy=True, tupleize_cols=False)
    if isinstance(index, np.ndarray):
        if index.ndim != 1:
            _refuse_2d(index, index.shape)
        kept = index.copy()
        kept.flags.writeable = False
        return kept
    if (
        isinstance(index, str | bytes | set | frozenset | dict)
        or not hasattr(index, "__iter__")
        or not hasattr(index, "__len__")
    ):
        # one string is not its characters' ids, a set has no order, a
        # number no rows
        raise ThresholdError(
            "'index' must be a sequence of ids, one per row (a pandas Index, "
            f"an array, a list or tuple): got {type(index).__name__} "
            f"{str(index)[:60]!r}"
        )
    out = tuple(index)
    # (tuples are ids of several levels; a list or array in a row is a row
    # of a 2-D table, unhashable)
    rows = [x for x in out if isinstance(x, list | np.ndarray)]
    if rows:
        _refuse_2d(index, (len(out), len(rows[0])))
    return out


def _refuse_2d(index: Any, shape: tuple[int, ...]) -> None:
    """The ThresholdError of :func:`own_index` for ids that are not one
    per row (a table of *shape*)."""
    raise ThresholdError(
        "'index' must be one id per row (1-D): got "
        f"{type(index).__name__} of shape {tuple(shape)}; pass one column of "
        "ids (frame['customer_id']), or pd.MultiIndex.from_frame(frame) for "
        "ids of several columns"
    )


def _one_index(a: Any, b: Any) -> bool:
    """Whether *a* and *b* are views of one pandas Index (``Index.is_``:
    the same values, shared): results made from one input's ids."""
    is_ = getattr(a, "is_", None)
    return callable(is_) and bool(is_(b))


def same_index(a: Any, b: Any) -> bool:
    """Whether two pandas Indexes hold the same ids in the same order, each
    compared exactly (pandas compares int64 with float64 or uint64 ids
    through float64, where ids past 2**53 collapse).

    >>> import numpy as np, pandas as pd
    >>> big = 2**53
    >>> same_index(pd.Index([big + 1]), pd.Index([float(big + 1)]))
    False
    >>> same_index(pd.Index([1, 2]), pd.Index([1.0, 2.0]))
    True
    >>> same_index(pd.Index([1]), pd.Index(["1"]))
    False
    >>> same_index(pd.Index(["a"]), pd.Index(["a"], dtype="category"))
    True
    >>> same_index(pd.MultiIndex.from_arrays([["n"], [7]]),
    ...            pd.MultiIndex.from_arrays([["n"], [7.0]]))
    True
    """
    import numpy as np

    if a is b or _one_index(a, b) or (not len(a) and not len(b)):
        return True
    if len(a) != len(b):
        return False
    kind_a, kind_b = id_kind(a), id_kind(b)
    if (
        kind_a != kind_b
        and _is_multiindex(a)
        and _is_multiindex(b)
        and a.nlevels == b.nlevels
    ):
        # level by level, each as the ids of one level are compared: a level
        # of whole floats (a column with a gap, read as float) is the level
        # of integers it holds, as two flat indexes are
        return all(
            same_index(a.get_level_values(i), b.get_level_values(i))
            for i in range(a.nlevels)
        )
    if {kind_a, kind_b} == {"integers", "numbers"}:
        ints, floats = (a, b) if kind_a == "integers" else (b, a)
        f = np.asarray(floats, dtype=np.float64)
        gaps = np.isnan(f)  # a missing id matches a missing id only
        if not (np.isfinite(f[~gaps]).all() and (f == np.trunc(f))[~gaps].all()):
            return False
        exact = [
            None if gap else int(x)
            for x, gap in zip(f.tolist(), gaps.tolist(), strict=True)
        ]
        mine = _plain_ids(ints)
        missing = np.asarray(mine.isna())
        return [
            None if gap else int(x)
            for x, gap in zip(mine.tolist(), missing.tolist(), strict=True)
        ] == exact
    if kind_a != kind_b:
        return False
    x, y = same_ids(a, b)
    if kind_a.startswith("mixed") and x.dtype == object and y.dtype == object:
        # mixed Python objects: True is not the id 1 (pandas' equals says so)
        return _object_keys(x) == _object_keys(y)
    if x.equals(y):
        return True
    # text held in other dtypes (object, str, Arrow strings, categories):
    # pandas' equals looks at the dtype; the ids are the same text
    return x.dtype != y.dtype and bool(x.astype(object).equals(y.astype(object)))


def _object_keys(ids: Any) -> list[Any]:
    """Python ids compared as ids: a bool apart from the number it equals,
    every missing value (None, NaN, NA, NaT) alike, as pandas' ``equals``
    has them.

    >>> import pandas as pd
    >>> _object_keys(pd.Index(["a", True, None, float("nan")], dtype=object))
    [(False, 'a'), (True, True), (None,), (None,)]
    """
    return [(None,) if _missing_id(v) else (type(v) is bool, v) for v in ids.tolist()]


def _missing_id(x: Any) -> bool:
    """Whether a Python id is a missing value (None, NaN, pandas' NA or
    NaT), without importing pandas."""
    return (
        x is None
        or (isinstance(x, float) and x != x)
        or type(x).__name__ in ("NAType", "NaTType")
    )


def to_pandas(values: Any, index: Any, name: str | None, *, missing: Any = None) -> Any:
    """A pandas Series of *values* on *index* (a RangeIndex when ``None``);
    positions where *missing* is ``True`` become ``<NA>`` in the nullable
    integer dtype of the same width (never a sentinel such as score 0).

    >>> import numpy as np, pandas as pd
    >>> s = to_pandas(np.array([2, 0], np.int8), pd.Index([7, 3]), "r",
    ...               missing=np.array([False, True]))
    >>> s.tolist(), str(s.dtype), s.name, s.index.tolist()
    ([2, <NA>], 'Int8', 'r', [7, 3])
    """
    import pandas as pd

    # a copy: editing the Series must not edit the result it came from
    out = pd.Series(values, index=index, name=name, copy=True)
    if missing is not None:
        out = out.astype(pd.api.types.pandas_dtype(nullable_dtype(values.dtype)))
        out = out.mask(missing)
    return out


def nullable_dtype(dtype: Any) -> str:
    """The pandas nullable dtype name for a NumPy integer dtype.

    >>> import numpy as np
    >>> nullable_dtype(np.dtype(np.int16))
    'Int16'
    """
    return {"i": "Int", "u": "UInt"}.get(dtype.kind, "Float") + str(8 * dtype.itemsize)


def other_ids(
    x: Any, carried: Any, values: Any = None
) -> Literal["index", "order"] | None:
    """How the ids *x*, given beside inputs carrying the ids *carried* (a
    pandas index of customer ids), disagree with them: ``"index"`` when *x*
    is a pandas Index other than *carried*, ``"order"`` when it holds the
    same ids in another order (each row would get another customer's), else
    None (the same ids in the same order, or other ids given by position,
    such as names to show). *values*: the ids read from *x* already, if so.

    >>> import pandas as pd
    >>> carried = pd.Index(["a", "b"])
    >>> other_ids(["b", "a"], carried), other_ids(pd.Index(["a", "c"]), carried)
    ('order', 'index')
    >>> other_ids(["a", "b"], carried), other_ids(["x", "y"], carried) is None
    (None, True)
    """
    given = to_pandas_index(x if values is None else values)
    known = as_index(flat_ids(carried))
    if type(x).__module__.startswith("pandas") and type(x).__name__.endswith("Index"):
        return None if same_index(given, known) else "index"
    shuffled = (
        len(given) == len(known)
        # (as objects: Arrow text ids cannot look up tuples of a MultiIndex,
        # pyarrow raised ArrowInvalid)
        and bool(given.astype(object).isin(known.astype(object)).all())
        and not same_index(given, known)
    )
    return "order" if shuffled else None


def to_pandas_index(values: Any, name: str | None = None) -> Any:
    """A :class:`pandas.Index` of *values* (customer ids, class or tag
    names), named *name*, as pandas infers it; text that is not UTF-8
    (which pandas would fail to store as Arrow strings) as ``object``.
    Tuples (groups of several levels, ids of a MultiIndex read by
    :func:`flat_ids`) are one value each, as in a list: an Index of tuples.

    >>> to_pandas_index([3, 1], "customer_id")
    Index([3, 1], dtype='int64', name='customer_id')
    >>> list(to_pandas_index(["a", "\\udc80"])) == ["a", "\\udc80"]
    True
    >>> to_pandas_index((("n", 1), ("s", 1)), "group")
    Index([('n', 1), ('s', 1)], dtype='object', name='group')

    Integers beside floats stay the objects they are when float64 would
    round one (pandas would make ``2**53 + 1`` the id ``2**53``):

    >>> to_pandas_index([2**53 + 1, 0.5])
    Index([9007199254740993, 0.5], dtype='object')
    """
    import pandas as pd

    try:
        out = pd.Index(values, name=name, tupleize_cols=False)
    except UnicodeError:  # text pandas would store as Arrow strings: lone
        # surrogates (a file decoded with errors="surrogateescape") stay objects
        return pd.Index(values, name=name, dtype=object, tupleize_cols=False)
    given = getattr(values, "dtype", None)
    if (
        out.dtype.kind == "f"
        and getattr(given, "kind", "O") == "O"
        and any(map(_rounded, values))
    ):  # floats inferred from Python values: integers among them kept whole
        return pd.Index(values, name=name, dtype=object, tupleize_cols=False)
    return out


def _rounded(x: Any) -> bool:
    """Whether the integer *x* (a Python or NumPy integer; False for any
    other value) is not the float64 it would become."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        return False
    try:
        return float(x) != int(x)
    except OverflowError:
        return True


def flat_ids(ids: Any) -> Any:
    """Customer ids with a pandas ``MultiIndex`` read as one id per row: the
    tuple of its levels (an Index of tuples, as a list of tuples is read);
    anything else unchanged.

    A MultiIndex has no ``isna`` and no single name; each row's tuple is
    one customer, as in ``df.groupby(["region", "customer"]).amount.sum()``.

    >>> import pandas as pd
    >>> flat_ids(pd.MultiIndex.from_arrays([["n", "s"], [1, 1]]))
    Index([('n', 1), ('s', 1)], dtype='object')
    >>> flat_ids([3, 4])
    [3, 4]
    """
    if _is_multiindex(ids):
        return ids.to_flat_index()
    return ids


def missing_ids(index: Any) -> bool:
    """Whether a pandas Index of customer ids holds a missing id (NaN,
    None, NA, NaT), or a row with a missing part when the ids are tuples
    (a ``MultiIndex`` level left missing by ``groupby(..., dropna=False)``,
    or an Index of such tuples). ``("south", None)`` names no customer:
    pandas would pair it with the ``("south", None)`` of another period as
    if they were one person, as it would two missing flat ids.

    >>> import pandas as pd
    >>> missing_ids(pd.Index(["c1", None])), missing_ids(pd.Index(["c1", "c2"]))
    (True, False)
    >>> missing_ids(pd.MultiIndex.from_arrays([["n", "s"], ["c1", None]]))
    True
    >>> missing_ids(pd.Index([("n", 1), ("s", float("nan"))], tupleize_cols=False))
    True
    """
    import numpy as np

    if _is_multiindex(index):  # a missing part is code -1 in its level
        return any(bool((np.asarray(codes) < 0).any()) for codes in index.codes)
    if index.hasnans:
        return True
    if index.dtype != object or not len(index):
        return False
    # tuples infer as "mixed" (one C pass): only then look inside them
    pd = sys.modules["pandas"]
    if pd.api.types.infer_dtype(index, skipna=False) != "mixed":
        return False
    return any(isinstance(t, tuple) and any(map(_is_missing, t)) for t in index)


def _is_multiindex(x: Any) -> bool:
    return (
        type(x).__module__.startswith("pandas")
        and hasattr(x, "levels")
        and hasattr(x, "to_flat_index")
    )


#: :func:`id_kind`'s words for pandas' ``inferred_type`` answers.
_KIND_WORDS = {
    "string": "text",
    "empty": "text",
    "integer": "integers",
    "floating": "numbers",
    # integers and floats in one object column (ids from JSON, a spreadsheet
    # or sources put together): one kind, paired by value (whole_ids)
    "mixed-integer-float": "numbers",
    "decimal": "decimals",
    "boolean": "booleans",
    "datetime64": "dates",
    "datetime": "dates",
    "timedelta64": "durations",
    "timedelta": "durations",
}
#: :func:`id_kind`'s words for the type of one id (an object array of one kind).
_TYPE_WORDS = {
    str: "text",
    int: "integers",
    float: "numbers",
    bool: "booleans",
    tuple: "tuples",
    bytes: "bytes",
}


def id_kind(ids: Any) -> str:
    """What a column of customer ids holds, in words: ``"integers"``,
    ``"numbers"``, ``"text"``, ``"tuples"``, ... (pandas' inferred type
    for any other kind).

    Two columns of different kinds share no id (``1`` is not ``"1"``), so
    pairing them by id would silently match nobody. A Categorical is read
    by its categories' kind, a ``MultiIndex`` (or an Index of tuples) as
    tuples; integers of any width, signedness or dtype family (NumPy,
    nullable, Arrow, Python ints past int64) are all ``"integers"``.

    Parameters
    ----------
    ids
        A pandas Index, Series or extension array, or a NumPy array (an
        object array holding one kind of id, as
        :func:`custseg.summary._id_values` returns).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> id_kind(pd.Index([1, 2])), id_kind(np.array([1, 2], np.uint64))
    ('integers', 'integers')
    >>> id_kind(pd.Index(["1", "2"])), id_kind(pd.CategoricalIndex([3, 4]))
    ('text', 'integers')
    >>> id_kind(pd.MultiIndex.from_arrays([["n"], [1]]))
    'tuples of (text, integers)'
    """
    import numpy as np

    if _is_multiindex(ids):  # the kind of each level: ("n", 1) is not ("n", "1")
        return "tuples of (" + ", ".join(id_kind(level) for level in ids.levels) + ")"
    dtype = getattr(ids, "dtype", None)
    if dtype is None:
        ids = np.asarray(ids)
        dtype = ids.dtype
    categories = getattr(dtype, "categories", None)
    if categories is not None:  # a Categorical: its categories' kind
        return id_kind(categories)
    kind = getattr(dtype, "kind", "O")
    words = {
        "b": "booleans",
        "i": "integers",
        "u": "integers",
        "f": "numbers",
        "M": "dates",
        "m": "durations",
    }
    if kind == "M" and getattr(dtype, "tz", None) is not None:
        return "dates with a time zone"  # never equal to a date without one
    if kind in words:  # NumPy, nullable and Arrow numbers alike
        return words[kind]
    if kind == "U" or str(dtype).split("[")[0] in ("str", "string", "large_string"):
        return "text"
    if kind != "O":
        return str(dtype)
    # objects: pandas' inference (a C pass), with the pandas that is loaded
    # whenever pandas objects exist (this layer never imports it)
    pd = sys.modules.get("pandas")
    if pd is None:  # a NumPy object array, checked to hold one kind: its first id
        first = next((x for x in ids.tolist() if not _is_missing(x)), None)
        return _TYPE_WORDS.get(type(first), type(first).__name__)
    inferred = pd.api.types.infer_dtype(ids, skipna=True)
    if inferred == "unknown-array":  # an extension array of objects
        inferred = pd.api.types.infer_dtype(np.asarray(ids, dtype=object))
    if inferred == "mixed" and all(isinstance(x, tuple) for x in ids):
        return _tuple_kind(ids)  # an Index of tuples: object values, rare
    if inferred in ("mixed", "mixed-integer"):  # pandas' words: the types (UUID ...)
        values = list(ids)
        # the types in one C pass, less those of missing values (None, NA,
        # NaT; floats when every one is NaN)
        kept = {
            t
            for t in set(map(type, values))
            if t is not type(None) and t.__name__ not in ("NAType", "NaTType")
        }
        if float in kept and all(x != x for x in values if type(x) is float):
            kept.discard(float)
        found = sorted({_TYPE_WORDS.get(t, t.__name__) for t in kept})
        if len(found) == 1:
            return found[0]
        return "mixed (" + ", ".join(found) + ")"
    return _KIND_WORDS.get(inferred, inferred)


def _tuple_kind(ids: Any) -> str:
    """The kind of tuples of one length: that of the ``MultiIndex`` they make
    (level by level); ``"tuples"`` when their lengths differ."""
    values = list(ids)
    if len({len(t) for t in values}) != 1:
        return "tuples"
    return id_kind(sys.modules["pandas"].MultiIndex.from_tuples(values))


def _is_missing(x: Any) -> bool:
    """None, or a NaN-like value (not equal to itself)."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):  # pd.NA, arrays: not a plain id
        return True


def _plain_ids(index: Any) -> Any:
    """*index* with a Categorical read as its categories and nullable or
    Arrow integers as NumPy integers (any missing id kept, as objects)."""
    import numpy as np

    dtype = index.dtype
    if isinstance(dtype, np.dtype):
        return index
    if index.hasnans:  # refused by the callers; never a guessed value here
        return index.astype(object)
    categories = getattr(dtype, "categories", None)
    if categories is not None:
        values = categories.take(np.asarray(index.codes))
        return _plain_ids(values.rename(index.name))
    if getattr(dtype, "kind", "O") in "iu":
        return index.astype(getattr(dtype, "numpy_dtype", object))
    return index


def whole_ids(a: Any, b: Any) -> tuple[Any, Any]:
    """*a* and *b* (pandas Indexes or Series, or NumPy arrays, of customer
    ids), the one that
    holds numbers as ``int64`` when the other holds integers and every one
    of its ids is a whole number below 2**53: :func:`custseg.summarize`
    groups whole float ids (``17850.0``, a Parquet ``double`` column) as
    the integers they are, so the records, contacts or another period read
    with float ids must meet them. When some float id is not whole, the
    integers become ``float64`` instead (exact below 2**53), so that ``1``
    meets ``1.0`` beside ``2.5``. Any other pair comes back as it is.

    >>> import pandas as pd
    >>> whole_ids(pd.Index([3, 7]), pd.Index([7.0, 3.0], name="id"))[1]
    Index([7, 3], dtype='int64', name='id')
    >>> whole_ids(pd.Index([3]), pd.Index([2.5]))[0]  # 3 as 3.0 then
    Index([3.0], dtype='float64')

    Two ``MultiIndex`` of as many levels are read level by level, so a
    customer level of integers meets the same level read as floats:

    >>> jan = pd.MultiIndex.from_arrays([["n", "s"], [1, 2]])
    >>> whole_ids(jan, pd.MultiIndex.from_arrays([["s", "n"], [2.0, 1.0]]))[1]
    MultiIndex([('s', 2),
                ('n', 1)],
               )
    """
    if _is_multiindex(a) and _is_multiindex(b) and a.nlevels == b.nlevels:
        for level in range(a.nlevels):
            mine, theirs = a.levels[level], b.levels[level]
            new_a, new_b = whole_ids(mine, theirs)
            if new_a is not mine:
                a = a.set_levels(new_a, level=level)
            if new_b is not theirs:
                b = b.set_levels(new_b, level=level)
        return a, b
    a, b = _plain_numbers(a), _plain_numbers(b)
    kinds = id_kind(a), id_kind(b)
    if set(kinds) != {"integers", "numbers"}:
        return a, b
    if kinds[0] == "numbers":
        made = _whole(a)
        return (made, b) if made is not a else (a, _as_floats(b))
    made = _whole(b)
    return (a, made) if made is not b else (_as_floats(a), b)


def _plain_numbers(ids: Any) -> Any:
    """Object ids of integers and floats (``[1, 2.0]``, as JSON, a
    spreadsheet or two sources put together give them) as ``int64`` when
    every one is a whole number below 2**53, else as ``float64`` when every
    one is a float or an integer below 2**53 (exact either way); anything
    else as it is.

    >>> import pandas as pd
    >>> _plain_numbers(pd.Index([1, 2.0], dtype=object))
    Index([1, 2], dtype='int64')
    >>> _plain_numbers(pd.Index([1, 2.5], dtype=object))
    Index([1.0, 2.5], dtype='float64')
    """
    import numpy as np

    if str(getattr(ids, "dtype", "")) != "object" or _is_multiindex(ids):
        return ids
    pd = sys.modules["pandas"]
    if pd.api.types.infer_dtype(ids, skipna=False) not in (
        "mixed-integer-float",
        "floating",
    ):
        return ids
    values = list(ids)
    if any(isinstance(x, bool | np.bool_) for x in values):
        return ids  # (True is no customer number)
    if not all(
        isinstance(x, float | np.floating) or abs(int(x)) <= 2**53 for x in values
    ):
        return ids  # an integer no float holds: left to the kind check
    floats = ids.astype(np.float64)
    return _whole(floats)


def _as_floats(ids: Any) -> Any:
    """Integer ids as ``float64`` when every one is below 2**53 (exact), for
    a column of other ids that are not whole (``2.5``): ``1`` then meets
    ``1.0``; else as they are."""
    import numpy as np

    plain = _plain_ids(ids) if not isinstance(ids, np.ndarray) else ids
    values = np.asarray(plain)
    if values.dtype.kind not in "iu" or (
        len(values) and max(-int(values.min()), int(values.max())) > 2**53
    ):
        return ids
    return ids.astype(np.float64)  # the same container (Series: its index)


def _whole(ids: Any) -> Any:
    """Float ids as ``int64`` when all are whole numbers below 2**53 (none
    missing), else as they are."""
    import numpy as np

    if isinstance(ids, np.ndarray):
        if ids.dtype.kind != "f":
            return ids
        f = ids.astype(np.float64)
    else:
        try:
            f = np.asarray(ids.to_numpy(dtype=np.float64), dtype=np.float64)
        except (TypeError, ValueError):  # missing ids: refused where used
            return ids
    if not (np.isfinite(f).all() and (f == np.trunc(f)).all()):
        return ids
    if len(f) and np.abs(f).max() >= 2**53:
        return ids
    return ids.astype(np.int64)  # the same container (Series: its index)


def same_ids(a: Any, b: Any) -> tuple[Any, Any]:
    """Two pandas Indexes of customer ids in one dtype that holds both
    exactly, so that ``append``, ``isin``, ``get_indexer`` and ``reindex``
    never round an id.

    pandas compares or unions int64 with uint64 (or a nullable or Arrow
    integer dtype) through float64, where ``2**53 + 1`` is ``2**53``: ids
    would change and meet the wrong customer. Integers go to their common
    NumPy integer dtype, else int64 or uint64 when every id fits, else
    Python ints (object); a Categorical is read as its categories. Ids of
    other kinds come back as they are (check :func:`id_kind` first).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> a = pd.Index(np.array([2**53 + 1], np.int64))
    >>> b = pd.Index(np.array([2**53, 2**53 + 1], np.uint64))
    >>> x, y = same_ids(a, b)
    >>> x.dtype, y.dtype, y.get_indexer(x).tolist()
    (dtype('int64'), dtype('int64'), [1])
    >>> same_ids(pd.Index([-1]), pd.Index(np.array([2**64 - 1], np.uint64)))[1]
    Index([18446744073709551615], dtype='object')
    """
    import numpy as np

    a, b = _plain_ids(a), _plain_ids(b)
    if a.dtype == b.dtype or id_kind(a) != "integers" or id_kind(b) != "integers":
        return a, b
    target: Any = np.dtype(object)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        target = np.result_type(a.dtype, b.dtype)
        if target.kind not in "iu":  # int64 with uint64: NumPy says float64
            signed, unsigned = (a, b) if a.dtype.kind == "i" else (b, a)
            if not len(unsigned) or int(unsigned.max()) <= np.iinfo(np.int64).max:
                target = np.dtype(np.int64)
            elif not len(signed) or int(signed.min()) >= 0:
                target = np.dtype(np.uint64)
            else:
                target = np.dtype(object)
    return a.astype(target), b.astype(target)


_WHOLE = re.compile(r"\.0+\Z")


def _loose(x: Any) -> str:
    """An id as text without what exports change: spaces around it, letter
    case, a ``.0`` of a float column, leading zeros (``" C07.0"`` -> ``"c7"``),
    the Unicode form (``José`` composed or decomposed, full-width
    ``１７``: NFKC) and invisible (format) characters such as U+200B."""
    text = alike(str(x)).strip().lower()
    if "." in text:  # (most ids have none: no regular expression for them)
        text = _WHOLE.sub("", text)
    return text.lstrip("0")


def written_apart(ours: Iterable[Any], theirs: Iterable[Any]) -> tuple[int, Any, Any]:
    """How many ids of *ours* equal an id of *theirs* once both are written
    alike (spaces, case, ``.0``, leading zeros, Unicode form), and the
    first such pair.

    Pass the ids that found no exact match on either side (a customer of one
    file written ``17`` and of the other ``00017``): ids match only as
    written, so such a pair is one customer counted twice, or a customer
    who seems to leave and another who seems to arrive. ``(0, None, None)``
    when there is none.

    >>> written_apart(["17", "42", "x"], ["00017", "42.0", "y"])
    (2, '17', '00017')
    >>> written_apart(["a"], ["b"])
    (0, None, None)
    >>> written_apart(["Jos\u00e9"], ["Jose\u0301"])  # two Unicode forms
    (1, 'Jos\xe9', 'Jose\u0301')
    """
    table: dict[str, Any] = {}
    for y in theirs:
        table.setdefault(_loose(y), y)
    count, pair = 0, (None, None)
    a: Any
    b: Any
    for x in ours:
        match = table.get(_loose(x), table)  # (the table itself: no match)
        if match is not table:
            if not count:
                pair = (x, match)
            count += 1
    a, b = pair
    if isinstance(a, str) and isinstance(b, str) and _same_look(a, b):
        a, b = _Escaped(a), _Escaped(b)
    return count, a, b


def _same_look(a: str, b: str) -> bool:
    """Two different texts that read alike (``José`` composed and
    decomposed): the same once in one Unicode form."""
    return a != b and unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


_Escaped = Escaped  # (its name here before it served the other messages)
