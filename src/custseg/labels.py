"""The :class:`Labels` value that every classifier returns."""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    RESULT_INDEX,
    as_index,
    index_of,
    is_pandas,
    own_index,
    to_pandas_index,
)
from ._threads import numpy_str
from .errors import InputError, ThresholdError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["Labels", "smallest_int_dtype"]


def smallest_int_dtype(n_names: int) -> np.dtype[Any]:
    """The signed integer dtype pandas uses for the codes of *n_names* categories.

    That is the smallest one with room to spare (int8 below 127 names, int16
    below 32,767, ...), so :meth:`Labels.to_pandas` copies the codes as they
    are, without a conversion.

    Parameters
    ----------
    n_names
        The number of label names.

    Examples
    --------
    >>> smallest_int_dtype(5), smallest_int_dtype(127), smallest_int_dtype(300)
    (dtype('int8'), dtype('int16'), dtype('int16'))
    """
    for dtype in (np.int8, np.int16, np.int32):
        if n_names < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _to_names(values: Iterable[Any]) -> tuple[str, ...]:
    # one string is not a list of names: "ab" would silently be 'a', 'b'
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ThresholdError(
            f"'names' must be a sequence of label names, such as ('new', 'old'): "
            f"got {type(values).__name__} {values!r:.60}"
        )
    # the codes are positions in the names: a set's order is its hashes'
    # (different from run to run for text), and a dict is keys or values;
    # refused as the other classes with ordered names refuse them
    return v.text_tuple_param(values, "names", numbers=False)


def _to_ordered(value: Any) -> bool:
    return v.flag_param(value, "ordered")


def _check_names(instance: Labels, attribute: Any, value: tuple[str, ...]) -> None:
    if len(set(value)) != len(value):
        raise ThresholdError(f"'names' must be unique: {v.repeated(value)[1]} repeated")


def _check_name(instance: Labels, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ThresholdError(
            f"'name' must be text (the Series name in to_pandas) or None: got "
            f"{type(value).__name__} {value!r:.60}"
        )


@attrs.frozen(eq=False, repr=False)
class Labels:
    """One label per input row, stored as integer codes into ordered names.

    Two labellings are equal (``a == b`` is ``True``) when they have the
    same *names*, *ordered*, codes and customers: their ids compared as ids
    (``1`` is ``1.0``, on a level of a MultiIndex too, never ``"1"``; the
    index names are not compared), row numbers (an unnamed RangeIndex)
    never equal to customer ids, even ``0 .. n-1``; labels without an index
    equal any of their codes. ``a == b`` is ``True`` exactly when
    ``a == b.to_pandas()`` pairs every row and is ``True`` on each. Labels
    are not hashable.

    Parameters
    ----------
    codes
        Integer array; ``codes[i]`` is the position in *names* of row *i*'s
        label. Stored with the smallest signed integer dtype that fits. A
        pandas Series keeps its index (as *index*, when that is not given;
        an *index* naming other customers than a Series indexed by customer
        ids is an :class:`~custseg.errors.InputError`; one beside row
        numbers, an unnamed RangeIndex, gives the rows their ids, and so
        does a Series of ids on the same rows as the codes, both cut from
        one frame: ``Labels(kept.code, names, index=kept.customer_id)``).
    names
        The label names, in their natural order (for ranked labels, lowest
        rank first). Missing or unknown data has a name of its own here.
        An ordered sequence (a tuple, a list, an array, ``dict.keys()``): a
        set or frozenset is refused (a :class:`~custseg.errors.ThresholdError`),
        since its order, and so the name each code means, changes from run to
        run, and so is a dict (its keys or its values?).
    ordered
        Whether the order of *names* is a ranking (lifecycle stages, ABC
        classes) or only a listing.
    index
        The pandas index of the input the labels were computed from, or
        ``None`` (NumPy or list input); one id per row, kept as the labels'
        own copy (a Series or array of ids edited later changes nothing).
        :meth:`to_pandas` puts it on the
        Series, so the labels join back onto the input without shifting a row.
        Part of equality: two labellings with the same codes on other
        customers (or the same customers in another order) are not equal;
        labels without an index equal those with one row by row.

    name
        The name of the labelling (``"lifecycle"``, ``"abc"``, a rules
        output); the Series name in :meth:`to_pandas`.

    Examples
    --------
    >>> lab = Labels(np.array([2, 0, 0]), ("A", "B", "C"), ordered=True)
    >>> lab.codes.dtype
    dtype('int8')
    >>> lab.to_numpy().tolist()
    ['C', 'A', 'A']
    >>> lab.counts()
    {'A': 2, 'B': 0, 'C': 1}
    >>> len(lab), lab == Labels([2, 0, 0], ("A", "B", "C"), ordered=True)
    (3, True)

    The same customers, as ids of another dtype, are equal; row numbers are
    no customer's ids:

    >>> import pandas as pd
    >>> on = lambda ids: Labels([1, 0], ("new", "old"), index=ids)
    >>> on(pd.Index([7, 3])) == on(pd.Index([7.0, 3.0]))
    True
    >>> on(pd.Index([7, 3])) == on(pd.Index([3, 7])), on(pd.Index(["7", "3"])) == on([7, 3])
    (False, False)
    >>> on(pd.RangeIndex(2)) == on(pd.Index([0, 1], name="customer_id"))
    False

    Compared with a label name, labels give a boolean array, one entry per
    row (ordered labels also with ``<``, ``<=``, ``>``, ``>=``: by rank);
    with one name per row (a list, an array, a pandas or Polars Series, a
    PyArrow array), row by row, a missing name comparing False; a Series
    beside labels that keep an index must have that index (the same
    customers in the same order), else it is an
    :class:`~custseg.errors.InputError` (``other.reindex(labels.index)``
    aligns it), as pandas refuses two Series labelled apart:

    >>> (lab == "A").tolist(), (lab >= "B").tolist(), lab.isin(["B", "C"]).tolist()
    ([False, True, True], [True, False, False], [True, False, False])
    >>> (lab < ["C", None, "B"]).tolist()
    [False, False, True]
    >>> lab.to_categorical()
    ['C', 'A', 'A']
    Categories (3, str): ['A' < 'B' < 'C']

    With pandas input, the labels keep its index:

    >>> import pandas as pd
    >>> Labels([1, 0], ("new", "old"), index=pd.Index(["c7", "c2"]),
    ...        name="status").to_pandas()
    c7    old
    c2    new
    Name: status, dtype: category
    Categories (2, str): ['new', 'old']
    """

    codes: np.ndarray = attrs.field()
    names: tuple[str, ...] = attrs.field(converter=_to_names, validator=_check_names)
    ordered: bool = attrs.field(default=False, kw_only=False, converter=_to_ordered)
    _index: Any = attrs.field(
        default=None, kw_only=True, converter=own_index, alias="index"
    )
    name: str | None = attrs.field(default=None, kw_only=True, validator=_check_name)

    index = RESULT_INDEX  # a new Index object per read (_align)

    #: NumPy and pandas defer to these labels in ``array == labels`` and
    #: ``series == labels`` (compared row by row here)
    __array_ufunc__ = None
    __pandas_priority__ = 4500

    def __attrs_pre_init__(self, *args: Any, **kwargs: Any) -> None:
        # the index= as given (the converter makes a Series of ids an Index
        # of its values, leaving out the rows that Series is on)
        codes = args[0] if args else kwargs.get("codes")
        _check_codes_index(codes, kwargs.get("index"))

    def __attrs_post_init__(self) -> None:
        self._keep_codes_index()
        codes = np.asarray(self.codes)
        if codes.ndim != 1 or (codes.size and codes.dtype.kind not in "iu"):
            raise ThresholdError(
                f"'codes' must be a 1-D integer array: got {codes.dtype}, "
                f"shape {codes.shape}"
            )
        dtype = smallest_int_dtype(len(self.names))
        if codes.size:
            lo, hi = int(codes.min()), int(codes.max())
            if lo < 0 or hi >= len(self.names):
                raise ThresholdError(
                    f"'codes' must be in [0, {len(self.names)}): got {lo if lo < 0 else hi}"
                )
        # always a private copy: freezing it must not freeze the caller's array
        codes = np.array(codes, dtype=dtype)
        codes.flags.writeable = False
        object.__setattr__(self, "codes", codes)
        if self.index is not None and len(self.index) != len(codes):
            raise ThresholdError(
                f"'index' must have one entry per row ({len(codes)}): "
                f"got {len(self.index)}"
            )

    def _keep_codes_index(self) -> None:
        """A pandas Series of codes keeps its index (its rows are the
        customers of that index), as :meth:`from_names` and
        :class:`~custseg.TagMatrix` keep theirs, when no ``index=`` is
        given (:func:`_check_codes_index` has checked one that is)."""
        codes: Any = self.codes  # (as given: a pandas Series here)
        if self.index is None and is_pandas(codes) and getattr(codes, "ndim", 1) == 1:
            object.__setattr__(self, "_index", own_index(codes.index))

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle, copy and deepcopy rebuild through the constructor, which
        # checks and freezes the codes again (NumPy does not keep the flag)
        return (_rebuild, (self.codes, self.names, self.ordered, self.index, self.name))

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[str]:
        """The label of each row, in row order (as :meth:`to_numpy`)."""
        return iter(self.to_numpy().tolist())

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(labels)``: the label of each row, as :meth:`to_numpy`.

        Like any array, labels put into a DataFrame column this way go by
        position (``df["x"] = labels``); ``labels.to_pandas()`` aligns them
        by the input's index instead.
        """
        if copy is False:
            raise ValueError("Labels are codes: their names are always a new array")
        names = self.to_numpy()
        return names if dtype is None else names.astype(dtype)

    def __eq__(self, other: object) -> Any:
        if isinstance(other, str):  # row by row, as a Series of them compares
            return self.codes == self._code(other, "==")
        if _is_rows(other):
            return self._row_names(other) == self.to_numpy().astype(object)
        if not isinstance(other, Labels):
            return NotImplemented
        return (
            self.names == other.names
            and self.ordered == other.ordered
            and np.array_equal(self.codes, other.codes)
            and _same_customers(self.index, other.index)
        )

    def __ne__(self, other: object) -> Any:
        if isinstance(other, str):
            return self.codes != self._code(other, "!=")
        if _is_rows(other):
            return self._row_names(other) != self.to_numpy().astype(object)
        same = self.__eq__(other)
        return same if same is NotImplemented else not same

    __hash__ = None  # type: ignore[assignment]

    def __lt__(self, other: object) -> Any:
        return self._compared(other, "<", np.less)

    def __le__(self, other: object) -> Any:
        return self._compared(other, "<=", np.less_equal)

    def __gt__(self, other: object) -> Any:
        return self._compared(other, ">", np.greater)

    def __ge__(self, other: object) -> Any:
        return self._compared(other, ">=", np.greater_equal)

    def isin(self, names: Iterable[str]) -> np.ndarray:
        """Whether each row's label is one of *names* (a boolean array in row
        order); a name that is not a label is an error, not a silent False.

        Parameters
        ----------
        names
            Label names (a list, tuple or set); not one name as a string.

        Raises
        ------
        ThresholdError
            A name that is not one of the labels, or *names* a string.

        Examples
        --------
        >>> stage = Labels([0, 2, 1], ("active", "sleeping", "lost"), name="stage")
        >>> stage.isin(["sleeping", "lost"]).tolist()
        [False, True, True]
        """
        if isinstance(names, str | bytes) or not isinstance(names, Iterable):
            raise ThresholdError(
                f"'names' must be a list of label names, such as ['new', 'old']: "
                f"got {type(names).__name__} {names!r:.60}"
            )
        wanted = [self._code(n, "isin") for n in names]
        return np.isin(self.codes, np.array(wanted, dtype=self.codes.dtype))

    def _row_names(self, other: Any) -> np.ndarray:
        """*other* (one name per row: a list, an array, a Series) as an object
        array of the rows' names, its length checked; a Series beside labels
        that carry an index must have that index (the same customers in the
        same order), else the rows would pair other customers: refused, as
        pandas refuses to compare two Series labelled differently."""
        index = getattr(other, "index", None)
        if (
            self.index is not None
            and index is not None
            and not isinstance(other, Labels)
            and type(index).__module__.startswith("pandas")
        ):
            from . import _align

            if not _align.paired("other", "labels", index, self.index):
                raise InputError(
                    "other",
                    "is indexed by other customers than the labels (or the same "
                    "in another order), so comparing row by row would pair "
                    "different customers",
                    fix="align it first: other.reindex(labels.index)",
                )
        names = np.asarray(other, dtype=object)
        if names.ndim != 1 or len(names) != len(self):
            raise ThresholdError(
                f"labels compare with one label name, or with one name per row "
                f"({len(self)}): got {type(other).__name__} of shape {names.shape}"
            )
        return names

    def _code(self, name: object, op: str) -> int:
        """The code of the label *name*, which *op* compares the rows with."""
        if isinstance(name, str) and name in self.names:
            return self.names.index(name)
        of = f" of {self.name!r}" if self.name else ""
        raise ThresholdError(
            f"{name!r} is not a label{of} ({op} compares each row's label with "
            f"a label name): use one of {', '.join(map(repr, self.names))}"
        )

    def _compared(self, other: object, op: str, ufunc: Any) -> Any:
        """``codes <op> code of other``: ordered labels against a name, or
        row by row against one name per row (a missing name compares
        False, as NaN does)."""
        rows = _is_rows(other)
        if not isinstance(other, str) and not rows:
            return NotImplemented
        if not self.ordered:
            of = f" of {self.name!r}" if self.name else ""
            raise ThresholdError(
                f"the labels{of} are not ordered, so '{op}' has no meaning: "
                "select them by name (labels.isin([...]), labels == name)"
            )
        if not rows:
            return ufunc(self.codes, self._code(other, op))
        names = self._row_names(other)
        missing = np.fromiter(map(_missing_label, names), bool, len(names))
        codes = {n: i for i, n in enumerate(self.names)}
        theirs = np.fromiter(
            (
                -1 if gone else codes.get(n) if isinstance(n, str) else None
                for n, gone in zip(names.tolist(), missing.tolist(), strict=True)
            ),
            dtype=object,
            count=len(names),
        )
        unknown = np.flatnonzero(theirs == np.array(None))
        if len(unknown):
            self._code(names[unknown[0]], op)  # raises, naming the labels
        return ufunc(self.codes, theirs.astype(np.intp)) & ~missing

    def to_numpy(self) -> np.ndarray:
        """The label of each row as a NumPy array of ``str``.

        >>> Labels([1, 0], ("new", "old")).to_numpy()
        array(['old', 'new'], dtype='<U3')
        """
        # NumPy's fixed-width text drops trailing NULs ("a\x00" would read
        # "a", another name): such names are kept as objects
        nul = any(name.endswith("\x00") for name in self.names)
        names: np.ndarray = np.asarray(self.names, dtype=object if nul else None)
        return names[self.codes]

    def to_pandas(self) -> pd.Series:
        """A :class:`pandas.Series` of a Categorical on the input's index (a
        RangeIndex for NumPy or list input), named after the labelling.

        The Series has its own copy of the codes (one or two bytes a row), so
        it can be edited like any other (``s.iloc[0] = "old"``) while these
        labels stay as they are.

        >>> s = Labels([1, 0], ("new", "old"), name="status").to_pandas()
        >>> s.tolist(), list(s.cat.categories), s.cat.ordered, s.name
        (['old', 'new'], ['new', 'old'], False, 'status')
        """
        import pandas as pd

        # ids given as a list kept as they are (2**53 + 1 never the float
        # 2**53), as they are compared
        return pd.Series(
            self.to_categorical(),
            index=as_index(self.index),
            name=self.name,
            copy=False,
        )

    def to_categorical(self) -> pd.Categorical:
        """The bare :class:`pandas.Categorical` (no index), on a writable copy
        of the codes.

        >>> cat = Labels([1, 0], ("new", "old"), ordered=True).to_categorical()
        >>> list(cat), list(cat.categories), cat.ordered
        (['old', 'new'], ['new', 'old'], True)
        """
        import pandas as pd

        dtype = pd.CategoricalDtype(self._categories(), ordered=self.ordered)
        # a copy: the codes here are frozen, and a Categorical on them would
        # be one whose cells cannot be set (a bare NumPy "read-only" error)
        return pd.Categorical.from_codes(self.codes.copy(), dtype=dtype, validate=False)

    def _categories(self) -> Any:
        """The categories of :meth:`to_categorical` and :meth:`to_pandas`, in
        the order of the names: the names (labels whose names stand for other
        values, such as an :class:`~custseg.Assignment`'s staff ids, give
        those values here)."""
        return to_pandas_index(self.names)

    def counts(self) -> dict[str, int]:
        """Rows per label, every name included (zero counts too), in name order.

        >>> Labels([0, 0, 2], ("low", "mid", "high"), ordered=True).counts()
        {'low': 2, 'mid': 0, 'high': 1}
        """
        counts = np.bincount(self.codes, minlength=len(self.names))
        return {name: int(c) for name, c in zip(self.names, counts, strict=True)}

    @classmethod
    def from_names(
        cls, values: Sequence[str], names: Sequence[str], ordered: bool = False
    ) -> Labels:
        """Build labels from per-row names; every value must be one of *names*.

        Parameters
        ----------
        values
            One label name per row (a pandas Series keeps its index).
        names
            Every label name, in order (the codes are positions in it): a
            tuple or list (a set or a dict is refused, see :class:`Labels`).
        ordered
            Whether the order of *names* is a ranking.

        Raises
        ------
        ThresholdError
            A value not one of *names* (one that only reads like a name, in
            another Unicode form or with an invisible character, is shown by
            its code points beside it), *names* or *values* not an ordered
            sequence (a set), or *names* repeated.

        Examples
        --------
        >>> Labels.from_names(["b", "a", "b"], ("a", "b")).codes.tolist()
        [1, 0, 1]

        A pandas Series keeps its index:

        >>> import pandas as pd
        >>> Labels.from_names(pd.Series(["b", "a"], index=["c9", "c1"]),
        ...                   ("a", "b")).to_pandas().index.tolist()
        ['c9', 'c1']
        """
        # ordered names only (a set's order changes from run to run), and
        # one label per row of an ordered sequence of rows
        names = tuple(v._param_sequence(names, "names", "names"))
        if isinstance(values, str | bytes | set | frozenset | dict):
            v._param_sequence(values, "values", "label names")
        arr = np.asarray(values, dtype=object)
        if arr.ndim != 1:
            raise ThresholdError(
                f"'values' must be a sequence of label names, one per row: got "
                f"{type(values).__name__} {v.describe(values)}"
            )
        lookup = {name: i for i, name in enumerate(names)}
        unknown = [v for v in arr.tolist() if v not in lookup]
        if unknown:
            # a value that only reads as a name (another Unicode form, a
            # zero-width space): both shown by their code points
            said, shown = _display.apart(unknown[0], names)
            like = [n for n in shown if isinstance(n, _display.Escaped)]
            if not like:
                raise ThresholdError(f"label {unknown[0]!r} is not one of {names}")
            raise ThresholdError(
                f"label {said!r} is not one of ({_display.quoted(shown)}): it "
                f"reads like {like[0]!r} but is written otherwise (an accent "
                "stored apart, an invisible character, full-width letters); "
                "write it as the name is written (for an accent: "
                "unicodedata.normalize('NFC', value))"
            )
        codes = np.fromiter(
            (lookup[v] for v in arr.tolist()), dtype=np.int64, count=len(arr)
        )
        # a Series (or Labels) keeps its index, so to_pandas() joins back to
        # its rows; Labels keep their name too
        index = index_of(values)
        name = values.name if isinstance(values, Labels) else None
        return cls(codes, names, ordered, index=index, name=name)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Rows per label as bars, in label order: :func:`custseg.plot.label_counts`.

        Needs matplotlib (``pip install 'custseg[plot]'``).

        Parameters
        ----------
        ax
            The matplotlib Axes to draw on; ``None`` makes a new figure.
        **kwargs
            Passed on to :func:`custseg.plot.label_counts` (``title``,
            ``lang``, ``missing``).

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.

        Examples
        --------
        >>> import pytest; mpl = pytest.importorskip("matplotlib")
        >>> labels = Labels([0, 1, 1], ("new", "repeat"), name="status")
        >>> ax = labels.plot()
        >>> ax.get_title()
        'Customers per class: status'
        """
        from . import plot as _plot

        return _plot.label_counts(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return _display.short_repr(
            "Labels",
            n=len(self),
            fields={"name": self.name, "ordered": self.ordered}
            if self.name is not None
            else {"ordered": self.ordered},
            shares=self.counts(),
        )

    def _repr_html_(self) -> str:
        title = "Labels" if self.name is None else f"Labels {self.name!r}"
        kind = "ranked" if self.ordered else "not ranked"
        return _display.counts_table(
            f"{title}: {len(self)} rows, {kind}", self.counts(), len(self)
        )


#: Libraries whose sized objects hold one value per row (a pandas Series,
#: Index or Categorical, a Polars Series, a PyArrow Array or ChunkedArray)
_ROW_LIBRARIES = ("pandas", "polars", "pyarrow")


def _is_rows(other: object) -> bool:
    """Whether *other* is one value per row (a list, tuple, NumPy array, or a
    pandas, Polars or PyArrow column) rather than one name or another object.
    Any other library's column would answer the comparison itself, or
    Python's identity would, without an error: only these are compared."""
    if isinstance(other, Labels):
        return False
    return isinstance(other, list | tuple | np.ndarray) or (
        type(other).__module__.partition(".")[0] in _ROW_LIBRARIES
        and hasattr(other, "__len__")
    )


def _check_codes_index(codes: Any, index: Any) -> None:
    """An ``index=`` naming other customers than a pandas Series of *codes*
    (or the same in another order) is an
    :class:`~custseg.errors.InputError`, never a silent relabelling. Given
    beside row numbers (an unnamed RangeIndex), *index* gives the rows
    their ids; a pandas Series of ids on the codes' own rows (both cut from
    one frame, filtered or sorted alike: ``index=frame["customer_id"]``)
    names the customer of each of those rows."""
    if index is None or not (is_pandas(codes) and getattr(codes, "ndim", 1) == 1):
        return
    from . import _align

    rows = codes.index
    if _align.row_numbers(rows) or len(index) != len(codes):
        return  # (row numbers: index= ids; a length apart: refused later)
    series = is_pandas(index) and getattr(index, "ndim", 0) == 1
    if series and hasattr(index, "index") and _align.same_index(index.index, rows):
        return  # a Series (not an Index) of ids on the same rows as the codes
    ids = as_index(own_index(index))
    if _align.same_index(rows, ids):
        return
    fix = _align.realign_fix(
        "codes.reindex(index)",
        "leave out index= to keep the Series' index",
        ("codes", rows),
        ("index", ids),
    )
    if _align.numbers_left(rows):  # row numbers a filter or a sort left
        fix = (
            "give the ids as the column cut from the same frame as the codes "
            "(index=frame['customer_id']: a Series on the same rows), or "
            "codes.to_numpy() to take index= row by row; " + fix
        )
    raise InputError(
        "index",
        "differs from the index of 'codes' (a pandas Series whose rows "
        "are the customers of its own index)",
        fix=fix,
    )


def _same_customers(a: Any, b: Any) -> bool:
    """Whether the ids *a* and *b* of two labellings name the same customers
    in the same order (:func:`custseg._align.same_index`: ``1`` is ``1.0``,
    never ``"1"``); labels without ids (NumPy or list input) are rows, equal
    to any ids of their length. Two labellings with the same codes on
    customers in another order give those customers other labels."""
    if a is None or b is None:
        return True
    from . import _align

    try:
        a, b = as_index(a), as_index(b)
        # row numbers are no customer's ids, even when the ids are 0 .. n-1
        # (as labels compared with the other's to_pandas() say)
        return not _align.numbers_beside_ids(a, b) and _align.same_index(a, b)
    except (InputError, ThresholdError):  # ids no pairing reads: not equal
        return False


def _rebuild(
    codes: np.ndarray, names: tuple[str, ...], ordered: bool, index: Any, name: Any
) -> Labels:
    """The :class:`Labels` of a pickle or a copy (its index and name are
    keyword-only)."""
    return Labels(codes, names, ordered, index=index, name=name)


# --------------------------------------------------------------------------
# labels in any form


def _categorical_parts(x: Any) -> tuple[np.ndarray, list[Any], bool] | None:
    """Codes, categories and orderedness of a pandas Categorical (or a
    categorical Series), recognised by duck typing; ``None`` otherwise."""
    cat: Any = getattr(x, "cat", None) if is_pandas(x) else x
    if is_pandas(x) and cat is None:
        return None
    try:
        codes = cat.codes
        categories = cat.categories
        ordered = bool(cat.ordered)
    except (AttributeError, TypeError):
        return None
    codes = np.asarray(getattr(codes, "to_numpy", lambda: codes)())
    dtype = getattr(categories, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        # float32 categories as NumPy scalars, named in their own type
        return codes.astype(np.intp), list(np.asarray(categories)), ordered
    return codes.astype(np.intp), list(categories.tolist()), ordered


def _polars_parts(x: Any) -> tuple[np.ndarray, list[Any], bool] | None:
    """Codes (-1: missing), classes and orderedness of a Polars ``Enum`` or
    ``Categorical`` Series; ``None`` for anything else.

    An ``Enum``'s declared classes are kept in their order, empty ones too,
    as a Categorical's, and are ordered (an Enum compares by its order). A
    ``Categorical`` declares no list of its own (Polars keeps one mapping
    for every column, and ``pl.from_pandas`` drops a pandas categorical's
    order and empty categories), so its classes are the distinct values it
    holds, sorted, unordered, as a list's are; it still holds classes, not
    text: each value is one class, as an Enum's is."""
    if type(x).__module__.partition(".")[0] != "polars":
        return None
    dtype = getattr(x, "dtype", None)
    kind = type(dtype).__name__
    if kind == "Categorical" and hasattr(x, "to_list"):
        values = x.to_list()  # its text (None for a null), without Polars here
        text = np.fromiter(values, dtype=object, count=len(values))
        known = np.fromiter((t is not None for t in text.tolist()), bool, len(text))
        classes, found = np.unique(text[known], return_inverse=True)
        codes = np.full(len(text), -1, dtype=np.intp)
        codes[known] = found.reshape(-1)
        codes, names = whole_numbers_first(codes, [str(c) for c in classes.tolist()])
        return codes, list(names), False
    categories: Any = getattr(dtype, "categories", None)
    if kind != "Enum" or not hasattr(categories, "to_list"):
        return None
    physical = np.asarray(x.to_physical().to_numpy())  # float, NaN, with nulls
    codes = (
        np.where(np.isnan(physical), -1, physical)
        if physical.dtype.kind == "f"
        else physical
    )
    return np.asarray(codes, dtype=np.intp), list(categories.to_list()), True


def _arrow_dictionary_parts(x: Any) -> tuple[np.ndarray, list[Any], bool] | None:
    """Codes (-1: missing), dictionary values and orderedness of Arrow
    dictionary-encoded labels (a ``pyarrow`` DictionaryArray or ChunkedArray,
    or a pandas Series of an ``ArrowDtype(dictionary<...>)``, as
    ``read_parquet(..., dtype_backend="pyarrow")`` gives); ``None`` otherwise.

    The dictionary is the list of classes, as a Categorical's categories:
    classes no row has are kept. A null in the dictionary is a missing
    label; a value twice in it is one class."""
    if is_pandas(x):
        arrow_type = getattr(getattr(x, "dtype", None), "pyarrow_dtype", None)
        if arrow_type is None or not hasattr(arrow_type, "index_type"):
            return None
    elif not (
        type(x).__module__.startswith("pyarrow")
        and hasattr(getattr(x, "type", None), "index_type")
    ):
        return None
    import pyarrow as pa

    # (pa.array of the pandas array is its Arrow data, as it is)
    data: Any = pa.array(x.array) if is_pandas(x) else x

    chunked = data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
    if not pa.types.is_dictionary(chunked.type):
        return None
    ordered = bool(chunked.type.ordered)
    # one dictionary for every chunk (Parquet row groups may each have one)
    chunked = chunked.unify_dictionaries()
    if chunked.num_chunks == 0:
        return np.zeros(0, dtype=np.intp), [], ordered
    dictionary = chunked.chunk(0).dictionary
    values: list[Any] = (
        # float32 and float16 as NumPy scalars, named by the decimal they
        # print as (0.1), as a Categorical's are, not by their widened bits
        list(dictionary.to_numpy(zero_copy_only=False))
        if pa.types.is_float32(dictionary.type) or pa.types.is_float16(dictionary.type)
        else dictionary.to_pylist()
    )
    # indices of any integer type (Polars writes unsigned ones): as int64
    # first, where -1 marks a missing label
    codes = np.concatenate(
        [
            np.asarray(
                chunk.indices.cast(pa.int64()).fill_null(-1).to_numpy(), dtype=np.intp
            )
            for chunk in chunked.chunks
        ]
    )
    # drop nulls from the dictionary and fold repeated values into one class
    remap = np.full(len(values) + 1, -1, dtype=np.intp)  # [-1] stays -1
    kept: list[Any] = []
    seen: dict[Any, int] = {}
    for i, value in enumerate(values):
        if _missing_label(value):
            continue
        try:
            key: Any = (type(value), value)
            hash(key)
        except TypeError:  # a list or a map: by its text
            key = (type(value), repr(value))
        if key not in seen:
            seen[key] = len(kept)
            kept.append(value)
        remap[i] = seen[key]
    return remap[codes], kept, ordered


def _label_kind(x: Any) -> str:
    """The kind of one label: labels of two kinds are never one class."""
    return _type_kind(type(x))


def _type_kind(t: type) -> str:
    """:func:`_label_kind` of the values of type *t*."""
    if issubclass(t, bool | np.bool_):
        return "bool"
    if issubclass(t, numbers.Number):
        return "number"
    if issubclass(t, str):
        return "text"
    return t.__name__


def _missing_label(x: Any) -> bool:
    """Whether *x* is a missing label: None, pandas NA, NaT, or a NaN of any
    type (float, NumPy, ``Decimal("NaN")`` and ``Decimal("sNaN")``)."""
    if v.is_missing_scalar(x):
        return True
    if isinstance(x, Decimal):
        return x.is_nan()  # (comparing a signalling NaN raises)
    if isinstance(x, np.datetime64 | np.timedelta64):
        return bool(np.isnat(x))
    if isinstance(x, numbers.Number) and not isinstance(x, numbers.Rational):
        try:
            return bool(x != x)
        except (TypeError, ValueError, ArithmeticError):
            return False
    return False


def _object_classes(kept: np.ndarray, field: str) -> tuple[np.ndarray, list[str]]:
    """Codes of known labels of an object array into the names of their
    sorted distinct values. Values are one class only when equal in Python,
    so labels of different kinds (``1`` and ``"1"``, ``True`` and ``1``) are
    refused rather than merged by their text; numbers sort as numbers (2
    before 10) and are named by :func:`_number_name`; other values (tuples,
    periods) are grouped by equality."""
    values = kept.tolist()
    types = set(map(type, values))
    kinds = sorted({_type_kind(t) for t in types})
    if len(kinds) > 1:
        raise InputError(
            field,
            f"mixes labels of different types ({', '.join(kinds)}), which are "
            "never one class (1 and '1' are two)",
            fix="convert them to one type first (e.g. .astype(str)) if they "
            "name the same classes",
        )
    if kinds == ["number"] and types <= {int, float, np.float64, np.int64}:
        numbers_ = np.asarray(values)
        # (ints beside floats become floats: exact only up to 2**53)
        if numbers_.dtype.kind in "iu" or (
            numbers_.dtype.kind == "f"
            and (
                types <= {float, np.float64}
                or all(-(2**53) <= x <= 2**53 for x in values)
            )
        ):
            uniques, inverse = np.unique(numbers_, return_inverse=True)
            names = [_number_name(u) for u in uniques.tolist()]
            return inverse.reshape(-1), names
    if kinds == ["number"] and any(issubclass(t, np.generic) for t in types):
        # as Python numbers: a Decimal cannot be compared with np.int8(10)
        values = [_python_number(x) for x in values]
    if kinds == ["text"] and not any(x.endswith("\x00") for x in values):
        # (NumPy's str drops trailing NULs: "a\x00" would be "a")
        uniques, inverse = np.unique(kept.astype(str), return_inverse=True)
        return inverse.reshape(-1), uniques.tolist()
    try:
        distinct = set(values)
    except TypeError:
        raise InputError(
            field,
            f"must be one-dimensional, one label per row: it holds {kinds[0]} "
            "values, which cannot be labels",
            fix="pass a single column of labels (join a list into one text first)",
        ) from None
    try:
        ordered = sorted(distinct)
    except TypeError:  # not comparable with each other: by the names shown
        ordered = sorted(distinct, key=repr)
    position = {x: i for i, x in enumerate(ordered)}
    codes = np.fromiter((position[x] for x in values), np.intp, len(values))
    if kinds == ["number"]:  # (numbers equal in Python have one name)
        return codes, [_number_name(x) for x in ordered]
    return codes, [_value_name(x) for x in ordered]


def _value_name(x: Any) -> str:
    """The class name of a label that is not a number: its text, but a date
    and time as pandas writes it to a file, so that a class kept as a
    timestamp matches the same class read back from a CSV file: a time of
    midnight without a zone as its date alone (``2024-01-01``, as pandas
    writes a column of dates), NumPy's ``datetime64`` and ``timedelta64``
    as pandas writes its Timestamp and Timedelta (not the integers NumPy's
    ``tolist()`` gives for nanoseconds).

    >>> import datetime
    >>> [_value_name(x) for x in (datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 1, 10, 30))]
    ['2024-01-01', '2024-01-01 10:30:00']
    >>> _value_name(np.datetime64("2024-01-01T00:00:00.000000001"))
    '2024-01-01 00:00:00.000000001'
    >>> _value_name(np.timedelta64(-3600, "s"))
    '-1 days +23:00:00'
    """
    if isinstance(x, np.datetime64):
        day = x.astype("datetime64[D]")
        if x == day:
            return str(day)
        for unit in ("s", "us", "ns"):  # as many decimals as pandas shows
            if x == x.astype(f"datetime64[{unit}]"):
                break
        return np.datetime_as_string(x, unit=unit).replace("T", " ")
    if isinstance(x, np.timedelta64):
        ns = int(x.astype("timedelta64[ns]").astype(np.int64))
        days, rest = divmod(ns, 86_400 * 10**9)
        seconds, part = divmod(rest, 10**9)
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if part:
            clock += f".{part // 1000:06d}" if part % 1000 == 0 else f".{part:09d}"
        return f"{days} days {'+' if days < 0 else ''}{clock}"
    if (
        isinstance(x, datetime.datetime)
        and x.tzinfo is None
        and x.time() == datetime.time()
        and getattr(x, "nanosecond", 0) == 0
    ):
        return x.date().isoformat()
    return str(x)


def _narrow_float(x: np.float16 | np.float32) -> float:
    """A float32 (or float16) label as the float of the decimal it is written
    as in its own type: 0.1, not 0.10000000149011612; a whole one exactly
    (134217728, which float32 writes 1.3421773e+08)."""
    f = float(x)
    return f if f.is_integer() or not math.isfinite(f) else float(numpy_str(x))


def _python_number(x: Any) -> Any:
    """A NumPy number as the Python number it is written as: a float32 0.1
    as the float 0.1 (as :func:`_number_name` names it), not its widened
    bits."""
    if isinstance(x, np.float16 | np.float32):
        return _narrow_float(x)
    return x.item() if isinstance(x, np.generic) else x


# labels whose only missing values are None and NaN, which is not equal to itself
_PLAIN_TYPES = {str, int, float, bool, type(None), np.float64, np.int64}


def whole_numbers_first(
    codes: np.ndarray, names: Sequence[str] | np.ndarray
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Text class *names* (distinct, sorted as text) and their *codes*
    (-1: missing) reordered so that names written as numbers come first,
    in numeric order, then the other names in text order: ``"9"`` before
    ``"10"``, as the numbers 9 and 10 are ordered, so labels read from a
    CSV file (text) list their classes as the same labels held as integers
    (a Parquet file) do. A number is a whole one as ``str(n)`` writes it
    (the order of :func:`custseg._validate.id_order`), or another as
    :func:`label_codes` names a float (``"2.5"``, ``"-0.5"``, ``"inf"``), so
    text ``"0.5"``, ``"1"``, ``"1.5"`` is listed as the floats 0.5, 1, 1.5
    are; ``"007"``, ``"+7"``, ``"1e3"``, ``"2.50"`` and ``"1.0"`` are text.

    >>> codes, names = whole_numbers_first(np.array([0, 1, -1, 2]), ["10", "9", "a"])
    >>> codes.tolist(), names
    ([1, 0, -1, 2], ('9', '10', 'a'))
    >>> whole_numbers_first(np.zeros(0, np.intp), ["1", "1.5", "10", "a"])[1]
    ('1', '1.5', '10', 'a')
    """
    if isinstance(names, np.ndarray) and names.dtype.kind == "U":
        held = names  # one vectorised pass (many classes: one per customer)
    else:
        listed = [str(x) for x in names]
        if any(x.endswith("\x00") for x in listed):  # NumPy's str drops it
            held = np.empty(len(listed), dtype=object)
            held[:] = listed
        else:
            held = np.array(listed, dtype=str)
    order = _numbers_first(held)
    if order is None:
        order = v.id_order(held)
    if order is None:
        return codes, tuple(held.tolist())
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], codes)
    return codes, tuple(held[order].tolist())


def _float_text(text: str) -> float | None:
    """The float a class name is written as, when it is written as
    :func:`label_codes` names a float that is no whole number (``"2.5"``,
    ``"1e-07"``, ``"inf"``); None otherwise (``"2.50"``, ``"1.0"``,
    ``"nan"``, ``" 2.5"``)."""
    try:
        x = float(text)
    except ValueError:
        return None
    if x != x or x.is_integer():  # NaN; a whole float is named as an int
        return None
    return x if _number_name(x) == text else None


# the characters of a float's name ("-2.5", "1e-07", "inf"; 0 pads NumPy
# text) and of a whole number's, as bit flags by code point (one look-up)
_FLOAT_CHAR, _FLOAT_MARK, _WHOLE_CHAR = 1, 2, 4
_CHAR_KINDS = np.zeros(128, dtype=np.uint8)
for _c in "\x000123456789.-+einf":
    _CHAR_KINDS[ord(_c)] |= _FLOAT_CHAR
for _c in ".ef":
    _CHAR_KINDS[ord(_c)] |= _FLOAT_MARK
for _c in "\x000123456789-":
    _CHAR_KINDS[ord(_c)] |= _WHOLE_CHAR


def _numbers_first(held: np.ndarray) -> np.ndarray | None:
    """The order of :func:`whole_numbers_first` when some name is written
    as a float that is not whole (``"2.5"``); None when none is (then
    :func:`custseg._validate.id_order` orders the whole numbers alone)."""
    if not len(held):
        return None
    if held.dtype.kind == "U":
        fast = _numbers_first_text(held)
        if fast is not None:
            return None if len(fast) == 0 else fast
    texts = [str(x) for x in held.tolist()]
    floats = {i: x for i, t in enumerate(texts) if (x := _float_text(t)) is not None}
    if not floats:
        return None
    values: list[tuple[int | float, int]] = []
    others: list[int] = []
    for i, t in enumerate(texts):
        if i in floats:
            values.append((floats[i], i))
        elif v._WHOLE_ID.fullmatch(t):
            values.append((int(t), i))  # (Python compares ints and floats exactly)
        else:
            others.append(i)
    by_value = [i for _, i in sorted(values)]
    rest = np.asarray(others, dtype=np.intp)
    rest = rest[np.argsort(held[rest], kind="stable")] if len(rest) else rest
    return np.concatenate([np.asarray(by_value, dtype=np.intp), rest])


def _numbers_first_text(held: np.ndarray) -> np.ndarray | None:
    """:func:`_numbers_first` of NumPy text in vectorised passes (many
    classes: one per customer): an empty array when no name is a float's,
    None when a name defeats them (whole numbers past 2**53, text NumPy
    does not read as a float), to be ordered one name at a time."""
    # a float's name has a point, an e or an f (inf), and no character but
    # those of _FLOAT_CHARS
    native = np.ascontiguousarray(held, dtype=held.dtype.newbyteorder("="))
    chars = native.view(np.uint32).reshape(len(held), -1)
    kinds = _CHAR_KINDS[np.minimum(chars, 127)]  # (past ASCII: none of them)
    kinds[chars > 127] = 0
    filled = chars[:, 0] != 0
    only = ((kinds & _FLOAT_CHAR) != 0).all(axis=1) & filled
    maybe = np.flatnonzero(only & ((kinds & _FLOAT_MARK) != 0).any(axis=1))
    if not len(maybe):
        return np.zeros(0, dtype=np.intp)
    try:
        f = held[maybe].astype(np.float64)
        whole_f = np.isfinite(f) & (f == np.floor(f))
        # written as repr writes the float (NumPy writes floats as repr does)
        ok = ~np.isnan(f) & ~whole_f & (f.astype(str) == held[maybe])
    except (ValueError, OverflowError):  # "1e", "e-": name by name
        return None
    if not ok.any():
        return np.zeros(0, dtype=np.intp)
    float_rows, float_values = maybe[ok], f[ok]
    digits = np.flatnonzero(((kinds & _WHOLE_CHAR) != 0).all(axis=1) & filled)
    try:
        ints = held[digits].astype(np.int64)
    except (ValueError, OverflowError):  # "-", "--1", past int64
        return None
    exact = ints.astype(str) == held[digits]
    whole_rows, ints = digits[exact], ints[exact]
    if len(ints) and np.abs(ints).max() > 2**53:  # not exact as floats
        return None
    rows = np.concatenate([whole_rows, float_rows])
    keys = np.concatenate([ints.astype(np.float64), float_values])
    by_value = rows[np.argsort(keys, kind="stable")]
    rest = np.ones(len(held), dtype=bool)
    rest[rows] = False
    others = np.flatnonzero(rest)
    others = others[np.argsort(held[others], kind="stable")]
    return np.concatenate([by_value, others]).astype(np.intp, copy=False)


def sorted_names(names: Iterable[str]) -> list[str]:
    """Distinct text *names* sorted as :func:`whole_numbers_first` orders
    classes: numbers written as text first, by value (``"9"``, ``"9.5"``,
    ``"10"``), then the rest in text order.

    >>> sorted_names(["b", "10", "9", "007", "9.5"])
    ['9', '9.5', '10', '007', 'b']
    """
    ordered = sorted(names)
    return list(whole_numbers_first(np.zeros(0, dtype=np.intp), ordered)[1])


def _bytes_as_labels(arr: np.ndarray, field: str) -> np.ndarray:
    """*arr* with bytes labels (an ``S`` array; ``bytes`` among objects, as
    Arrow and Polars binary columns give text) as the UTF-8 text they hold,
    in an object array (``b"a\\x00"`` stays apart from ``b"a"``); bytes that
    are not UTF-8 are an :class:`~custseg.errors.InputError` naming
    *field*. Labels mixing bytes and text stay as they are (two kinds of
    labels, refused as such); other arrays are returned as they are.

    >>> _bytes_as_labels(np.array([b"lost", None], dtype=object), "labels").tolist()
    ['lost', None]
    >>> _bytes_as_labels(np.array([b"1", "1"], dtype=object), "labels").tolist()
    [b'1', '1']
    """
    # (no list of a large object array: text labels stop at the first one)
    if arr.dtype == object and any(isinstance(x, str) for x in arr):
        return arr  # text beside any bytes: two kinds of labels, refused later
    return v.bytes_as_text(arr, field, objects=True)


def _plain_classes(x: Any, field: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes into the names of the sorted distinct values of a plain array
    (-1: missing); numbers named by :func:`_number_name`."""
    v.refuse_buffer(x, field)  # (NumPy reads a bytearray as its bytes)
    values = v.wide_ints(x)  # 19-digit codes with a gap: exact, not via float
    if values is None:
        values = x.to_numpy() if is_pandas(x) else x
    if isinstance(values, str | bytes | dict | set | frozenset) or np.isscalar(values):
        raise InputError(
            field,
            "must be an array-like of labels, got "
            + (
                f"a {type(values).__name__}"
                if isinstance(values, dict | set | frozenset)
                else f"a scalar {v.describe(values)}"
            ),
            fix="pass Labels, a categorical Series, or a list of label names",
        )
    # a list is read value by value: NumPy would make ['a', nan] the text
    # 'nan', and a list of pairs a 2-D array
    arr = (
        np.fromiter(values, dtype=object, count=len(values))
        if isinstance(values, list | tuple)
        else v.as_array(values)  # (Polars text with a trailing NUL kept)
    )
    if arr.ndim != 1:
        raise v.not_one_column(field, arr, values, "pass a single column of labels")
    # bytes (an S array, an Arrow or Polars binary column) are the UTF-8
    # text they hold: b"lost" is the class "lost", as the other period's
    # text names it, never "b'lost'" (str() of the bytes)
    arr = _bytes_as_labels(arr, field)
    codes = np.full(len(arr), -1, dtype=np.intp)
    if arr.dtype.kind in "fc":
        known = ~np.isnan(arr)
    elif arr.dtype.kind == "O":
        items = arr.tolist()
        types = set(map(type, items))
        if types <= {str}:  # text: nothing missing
            known = np.ones(len(arr), dtype=bool)
        elif types <= _PLAIN_TYPES:  # missing: None and NaN (x != x)
            known = np.fromiter(
                (x is not None and x == x for x in items), bool, len(arr)
            )
        else:
            known = np.fromiter((not _missing_label(x) for x in items), bool, len(arr))
    elif arr.dtype.kind in "mM":
        known = ~np.isnat(arr)
    else:
        known = np.ones(len(arr), dtype=bool)
    kept = arr[known]
    if arr.dtype.kind == "O":
        inverse, names = _object_classes(kept, field)
        codes[known] = inverse
        if kept.size and all(isinstance(x, str) for x in kept.tolist()):
            return whole_numbers_first(codes, names)
        return codes, tuple(names)
    uniques, inverse = np.unique(kept, return_inverse=True)
    codes[known] = inverse.reshape(-1)
    if uniques.dtype.kind == "U":
        return whole_numbers_first(codes, uniques)
    if uniques.dtype.kind == "T":  # (NumPy's StringDType)
        return whole_numbers_first(codes, uniques.tolist())
    if uniques.dtype.kind in "iufc":
        # one name per number: 2, not 2.0 (an integer column with a gap,
        # read as float); inf as "inf"; a float32 0.1 as 0.1 (NumPy scalars:
        # tolist() would widen it to 0.10000000149011612)
        narrow = uniques.dtype.kind in "fc" and uniques.dtype.itemsize < 8
        return codes, tuple(
            _number_name(u) for u in (uniques if narrow else uniques.tolist())
        )
    if uniques.dtype.kind in "mM":  # (tolist() gives nanoseconds as ints)
        return codes, tuple(_value_name(u) for u in uniques)
    return codes, tuple(str(u) for u in uniques.tolist())


# numbers with more digits than this are written in exponent form (Python's
# own limit for writing an int as text: int(10**5000) cannot be printed)
_MOST_DIGITS = 4000
_TOO_LONG = 10**_MOST_DIGITS


def _integer_name(n: int) -> str:
    """The name of the integer *n*: its digits (``"10"``), in exponent form
    only when too long to print (``"1e+5000"``)."""
    if -_TOO_LONG < n < _TOO_LONG:
        return str(n)
    return _decimal_name(Decimal(n))


def _float_name(f: float) -> str:
    """The name of a float: whole ones as integers, infinities as ``"inf"``
    and ``"-inf"``, others as their shortest text (:func:`repr`)."""
    if math.isinf(f) or math.isnan(f):
        return repr(f)
    if f.is_integer():
        return str(int(f))
    return repr(f)


def _decimal_name(d: Decimal) -> str:
    """The name of a Decimal: the name of the equal float when there is one,
    else its exact value without trailing zeros, written as :func:`repr`
    writes a float (``0.0001``, ``1e-05``), so that ``Decimal("0.10")`` is
    ``"0.1"``, as ``0.1`` is, and ``Decimal("1E+1")`` is ``"10"``. Reads no
    decimal context (no rounding, no signal)."""
    if d.is_nan():
        return "nan"
    if d.is_infinite():
        return "-inf" if d.is_signed() else "inf"
    sign, digit_tuple, exp = d.as_tuple()
    exponent = int(exp)  # (an int for a finite Decimal)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped
    minus = "-" if sign else ""
    point = len(digits) + exponent  # digits before the decimal point
    if exponent >= 0 and point <= _MOST_DIGITS:  # whole
        return minus + digits + "0" * exponent
    if exponent < 0:
        f = float(d)
        if f == d:  # exactly a float (compared exactly): the float's name
            return _float_name(f)
        if -4 < point <= _MOST_DIGITS:
            if point <= 0:
                return f"{minus}0.{'0' * -point}{digits}"
            return f"{minus}{digits[:point]}.{digits[point:]}"
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{minus}{mantissa}e{point - 1:+03d}"


def _number_name(x: Any) -> str:
    """The one name of a number, whatever its type, so that equal numbers
    get equal names: whole numbers as integers (``1.0``, ``Decimal("1.00")``
    and ``Decimal("1E+0")`` are ``"1"``, ``-0.0`` is ``"0"``), infinities as
    ``"inf"`` and ``"-inf"``, others as the shortest text of their float
    (``2.5``, ``Decimal("2.50")`` and ``np.float64(2.5)`` are ``"2.5"``,
    ``0.1`` and ``Decimal("0.10")`` are ``"0.1"``); a Decimal or Fraction
    that no float holds keeps its exact digits (``"0.10000000000000000001"``)."""
    if isinstance(x, bool | np.bool_):
        return str(x)
    if isinstance(x, numbers.Integral):
        return _integer_name(int(x))
    if isinstance(x, Decimal):
        return _decimal_name(x)
    if isinstance(x, numbers.Rational):  # a Fraction: as the equal Decimal
        num, den = int(x.numerator), int(x.denominator)
        twos = (den & -den).bit_length() - 1
        rest, fives = den >> twos, 0
        while rest % 5 == 0:
            rest, fives = rest // 5, fives + 1
        if rest == 1:  # a finite decimal: num * 10**k / den, k digits after the point
            k = max(twos, fives)
            whole = Decimal(num * 10**k // den).as_tuple()
            exact = Decimal((whole.sign, whole.digits, int(whole.exponent) - k))
            return _decimal_name(exact)
        return str(x)  # 1/3: equal to no float nor Decimal
    if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        return _number_name(x.real) if x.imag == 0 else str(x)
    if isinstance(x, np.float16 | np.float32):
        return _float_name(_narrow_float(x))
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return str(x)
    if f == x:
        return _float_name(f)
    try:  # a wider float (np.longdouble): by its exact value
        return _decimal_name(Decimal(numpy_str(x)))
    except ArithmeticError:
        return str(x)


def _category_names(categories: list[Any], field: str) -> tuple[str, ...]:
    """The class names of a Categorical's categories (or an Arrow
    dictionary's values): numbers named by :func:`_number_name`; categories
    of two kinds (``1`` and ``"1"``) are refused."""
    kinds = sorted({_label_kind(c) for c in categories})
    if len(kinds) > 1:
        raise InputError(
            field,
            f"has categories of different types ({', '.join(kinds)}), which "
            "are never one class (1 and '1' are two)",
            fix="convert them to one type first (e.g. "
            ".cat.rename_categories(str)) if they name the same classes",
        )
    if kinds == ["number"]:
        return tuple(_number_name(c) for c in categories)
    return tuple(_value_name(c) for c in categories)


def _refuse_same_names(names: tuple[str, ...], field: str) -> None:
    """Two classes of one name would be counted as one: refused."""
    if len(set(names)) != len(names):
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        raise InputError(
            field,
            f"has two classes both named {dup!r} (values that differ but print "
            "the same), which would be counted as one",
            fix="convert the labels to one type first (e.g. .astype(str))",
        )


def label_codes(
    labels: Any, field: str = "labels"
) -> tuple[np.ndarray, tuple[str, ...], bool, Any, str | None]:
    """Any labelling as ``(codes, names, ordered, index, name)``; code -1 is
    a missing label.

    :class:`Labels` keep their names; a pandas Categorical (or categorical
    Series) keeps its categories and order, and so does Arrow
    dictionary-encoded data (a ``pyarrow`` DictionaryArray or ChunkedArray,
    or a Series of ``ArrowDtype(dictionary<...>)`` as
    ``pd.read_parquet(..., dtype_backend="pyarrow")`` gives): its dictionary
    is the list of classes, in order, those no row has included. A plain
    array or Series gets its distinct values, sorted (numbers as numbers;
    text written as numbers first, by value, as
    :func:`whole_numbers_first` orders it: ``"9"`` before ``"10"``,
    ``"0.5"`` before ``"1"``, as the numbers themselves are listed).
    Bytes (an ``S`` array, an Arrow or Polars binary column, a
    categorical of bytes) are the UTF-8 text they hold (``b"a"`` is
    ``"a"``, never ``"b'a'"``); bytes that are not UTF-8 are an
    :class:`~custseg.errors.InputError`. ``index`` is the pandas index of
    a Series (``None`` otherwise); codes are ``intp``.

    Numbers are named alike whatever holds them (a float, a NumPy scalar, a
    ``Decimal``): whole ones as integers (``1.0``, ``Decimal("1E+0")``,
    ``Decimal("1.00")`` are ``"1"``), infinities as ``"inf"`` and
    ``"-inf"``, others as their float's shortest text (``0.1`` and
    ``Decimal("0.10")`` are ``"0.1"``), so the classes of two labellings
    match by name. Two values that differ but have one name (``0.1`` and
    ``Decimal("0.1")``, which Python compares exactly) in one labelling are
    refused (an :class:`~custseg.errors.InputError`), never merged. None,
    pandas NA, NaT and every NaN (``Decimal("NaN")`` too) are missing.

    Examples
    --------
    >>> codes, names, ordered, index, name = label_codes(["b", None, "a", "b"])
    >>> codes.tolist(), names, ordered
    ([1, -1, 0, 1], ('a', 'b'), False)
    >>> from decimal import Decimal
    >>> label_codes([Decimal("0.10"), Decimal("Infinity"), Decimal("NaN")])[:2]
    (array([ 0,  1, -1]), ('0.1', 'inf'))
    >>> label_codes(np.array([0.1, np.inf, np.nan]))[:2]
    (array([ 0,  1, -1]), ('0.1', 'inf'))
    """
    if isinstance(labels, Labels):
        return (
            labels.codes.astype(np.intp),
            labels.names,
            labels.ordered,
            labels.index,
            labels.name,
        )
    labels = v.arrow_plain(labels)  # (Arrow string_view: read as large_string)
    index = labels.index if is_pandas(labels) else None
    name = getattr(labels, "name", None) if is_pandas(labels) else None
    declared = declared_classes(labels, field)
    if declared is not None:
        codes, names, ordered, _kind = declared
    else:
        codes, names = _plain_classes(labels, field)
        ordered = False
        _refuse_same_names(names, field)
    return codes, names, ordered, index, None if name is None else str(name)


def class_parts(labels: Any) -> tuple[np.ndarray, list[Any], bool] | None:
    """``(codes, classes, ordered)`` of labels that declare their classes
    (a pandas Categorical or categorical Series, a Polars ``Enum`` or
    ``Categorical``, Arrow dictionary-encoded data), the classes as the
    labels hold them (``1``, not ``"1"``), every one in its order, empty
    ones too; code -1 is a missing label. ``None`` for plain values and
    for :class:`Labels` (whose names are :func:`declared_classes`').

    >>> import pandas as pd
    >>> codes, classes, ordered = class_parts(pd.Categorical([2, None], [2, 1]))
    >>> codes.tolist(), classes, ordered
    ([0, -1], [2, 1], False)
    >>> class_parts([2, 1]) is None
    True
    """
    parts = _arrow_dictionary_parts(labels)
    if parts is None:
        parts = _polars_parts(labels)
    if parts is None:
        parts = _categorical_parts(labels)
    return parts


def declared_classes(
    labels: Any, field: str = "labels"
) -> tuple[np.ndarray, tuple[str, ...], bool, str] | None:
    """``(codes, names, ordered, kind)`` of labels that declare their
    classes: :class:`Labels`, a pandas Categorical (or categorical Series),
    a Polars ``Enum`` or ``Categorical`` (which keeps no list of classes:
    the values it holds, sorted), Arrow dictionary-encoded data (indices of
    any integer type; ``float32`` values named by the decimal they print
    as); ``None`` for plain values (their classes are the values they
    hold).

    Every declared class is kept, in its order, those no row has too; code
    -1 is a missing label. *kind* is what the classes are: ``"text"``,
    ``"number"`` (named as :func:`label_codes` names numbers), or another
    kind (``"bool"``, ``"Timestamp"``, ...); no classes are ``"text"``.

    >>> import pandas as pd
    >>> cat = pd.Categorical(["b", None], categories=["b", "a"])
    >>> codes, names, ordered, kind = declared_classes(cat)
    >>> codes.tolist(), names, kind
    ([0, -1], ('b', 'a'), 'text')
    >>> declared_classes(["b", "a"]) is None
    True
    """
    if isinstance(labels, Labels):
        return labels.codes.astype(np.intp), labels.names, labels.ordered, "text"
    parts = class_parts(labels)
    if parts is None:
        return None
    codes, categories, ordered = parts
    # bytes classes (a categorical of an S column, an Arrow dictionary of
    # binary values) are the UTF-8 text they hold, as plain labels are:
    # b"lost" is the class "lost", never "b'lost'"
    categories = _bytes_as_labels(
        np.fromiter(categories, dtype=object, count=len(categories)), field
    ).tolist()
    names = _category_names(categories, field)
    _refuse_same_names(names, field)
    kinds = {_label_kind(c) for c in categories}
    return codes, names, ordered, kinds.pop() if kinds else "text"


def holds_numbers(labels: Any) -> bool:
    """Whether *labels* hold numbers, not text (nor flags, dates, ...): a
    numeric dtype, a Categorical or Arrow dictionary of numbers, or values
    that are all numbers (missing ones aside). :class:`Labels` hold names.

    >>> import pandas as pd
    >>> holds_numbers(pd.Series([1.0, None])), holds_numbers(["1.0", None])
    (True, False)
    >>> holds_numbers(pd.Categorical([2, 1])), holds_numbers([True])
    (True, False)
    """
    if isinstance(labels, Labels):
        return False
    parts = class_parts(labels)
    if parts is not None:
        values: Any = parts[1]
    else:
        kind = getattr(getattr(labels, "dtype", None), "kind", None)
        if isinstance(kind, str) and kind != "O":
            return kind in "iufc"
        values = (
            labels if isinstance(labels, list | tuple) else v.as_array(labels).tolist()
        )
    kinds = {
        _type_kind(t)
        for t in set(map(type, values))
        if t is not type(None) and t.__name__ not in ("NAType", "NaTType")
    }
    return kinds == {"number"}


def classes_with_missing(
    labels: Any, field: str, missing: str
) -> tuple[np.ndarray, tuple[str, ...], bool, bool, Any, str | None]:
    """:func:`label_codes` with missing values (code -1) given the class
    *missing*, appended to the names only when some value is missing:
    ``(codes, names, ordered, has_missing, index, name)``; a label already
    named *missing* is a :class:`~custseg.errors.ThresholdError`.

    Examples
    --------
    >>> codes, names, ordered, has_missing, index, name = classes_with_missing(
    ...     ["b", None, "a"], "labels", "missing")
    >>> codes.tolist(), names, has_missing
    ([1, 2, 0], ('a', 'b', 'missing'), True)
    """
    codes, names, ordered, index, name = label_codes(labels, field)
    lost = codes < 0
    has_missing = bool(lost.any())
    if has_missing:
        if missing in names:
            raise ThresholdError(
                f"'missing' must differ from the label names of {field!r}: "
                f"{missing!r} is one of them; pass another name (missing=...)"
            )
        codes = np.where(lost, len(names), codes)
        names = (*names, missing)
    return codes, names, ordered, has_missing, index, name
