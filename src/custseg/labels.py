"""The :class:`Labels` value that every classifier returns."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import is_pandas
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
    return tuple(str(x) for x in values)


def _check_names(instance: Labels, attribute: Any, value: tuple[str, ...]) -> None:
    if len(set(value)) != len(value):
        dupes = sorted({v for v in value if value.count(v) > 1})
        raise ThresholdError(f"'names' must be unique: {dupes} repeated")


@attrs.frozen(eq=False, repr=False)
class Labels:
    """One label per input row, stored as integer codes into ordered names.

    Parameters
    ----------
    codes
        Integer array; ``codes[i]`` is the position in *names* of row *i*'s
        label. Stored with the smallest signed integer dtype that fits.
    names
        The label names, in their natural order (for ranked labels, lowest
        rank first). Missing or unknown data has a name of its own here.
    ordered
        Whether the order of *names* is a ranking (lifecycle stages, ABC
        classes) or only a listing.
    index
        The pandas index of the input the labels were computed from, or
        ``None`` (NumPy or list input). :meth:`to_pandas` puts it on the
        Series, so the labels join back onto the input without shifting a row.
        Not part of equality.
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
    ordered: bool = attrs.field(default=False, kw_only=False)
    index: Any = attrs.field(default=None, kw_only=True)
    name: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
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

    def __len__(self) -> int:
        return len(self.codes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Labels):
            return NotImplemented
        return (
            self.names == other.names
            and self.ordered == other.ordered
            and np.array_equal(self.codes, other.codes)
        )

    __hash__ = None  # type: ignore[assignment]

    def to_numpy(self) -> np.ndarray:
        """The label of each row as a NumPy array of ``str``.

        >>> Labels([1, 0], ("new", "old")).to_numpy()
        array(['old', 'new'], dtype='<U3')
        """
        names: np.ndarray = np.asarray(self.names)
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

        return pd.Series(
            self.to_categorical(), index=self.index, name=self.name, copy=False
        )

    def to_categorical(self) -> pd.Categorical:
        """The bare :class:`pandas.Categorical` (no index), on a writable copy
        of the codes.

        >>> cat = Labels([1, 0], ("new", "old"), ordered=True).to_categorical()
        >>> list(cat), list(cat.categories), cat.ordered
        (['old', 'new'], ['new', 'old'], True)
        """
        import pandas as pd

        dtype = pd.CategoricalDtype(list(self.names), ordered=self.ordered)
        # a copy: the codes here are frozen, and a Categorical on them would
        # be one whose cells cannot be set (a bare NumPy "read-only" error)
        return pd.Categorical.from_codes(self.codes.copy(), dtype=dtype, validate=False)

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
            One label name per row.
        names
            Every label name, in order (the codes are positions in it).
        ordered
            Whether the order of *names* is a ranking.

        Examples
        --------
        >>> Labels.from_names(["b", "a", "b"], ("a", "b")).codes.tolist()
        [1, 0, 1]
        """
        names = tuple(names)
        arr = np.asarray(values, dtype=object)
        lookup = {name: i for i, name in enumerate(names)}
        unknown = [v for v in arr.tolist() if v not in lookup]
        if unknown:
            raise ThresholdError(f"label {unknown[0]!r} is not one of {names}")
        codes = np.fromiter(
            (lookup[v] for v in arr.tolist()), dtype=np.int64, count=len(arr)
        )
        return cls(codes, names, ordered)

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


# --------------------------------------------------------------------------
# labels in any form


def _categorical_parts(x: Any) -> tuple[np.ndarray, tuple[str, ...], bool] | None:
    """Codes, category names and orderedness of a pandas Categorical (or a
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
    return codes, tuple(str(c) for c in categories), ordered


def _label_kind(x: Any) -> str:
    """The kind of one label: labels of two kinds are never one class."""
    if isinstance(x, bool | np.bool_):
        return "bool"
    if isinstance(x, numbers.Number):
        return "number"
    if isinstance(x, str):
        return "text"
    return type(x).__name__


def _object_classes(kept: np.ndarray, field: str) -> tuple[np.ndarray, list[Any]]:
    """Codes of known labels of an object array into their sorted distinct
    values. Values are one class only when equal in Python, so labels of
    different kinds (``1`` and ``"1"``, ``True`` and ``1``) are refused rather
    than merged by their text; numbers sort as numbers (2 before 10) and whole
    ones print without ``.0``; other values (tuples, periods) are grouped by
    equality."""
    values = kept.tolist()
    kinds = sorted({_label_kind(x) for x in values})
    if len(kinds) > 1:
        raise InputError(
            field,
            f"mixes labels of different types ({', '.join(kinds)}), which are "
            "never one class (1 and '1' are two)",
            fix="convert them to one type first (e.g. .astype(str)) if they "
            "name the same classes",
        )
    if kinds == ["number"]:
        numbers_ = np.asarray(values)
        if numbers_.dtype.kind in "iuf":
            uniques, inverse = np.unique(numbers_, return_inverse=True)
            if uniques.dtype.kind == "f" and np.array_equal(uniques, np.trunc(uniques)):
                return inverse.reshape(-1), [int(u) for u in uniques.tolist()]
            return inverse.reshape(-1), uniques.tolist()
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
    return np.fromiter((position[x] for x in values), np.intp, len(values)), ordered


def _plain_classes(x: Any, field: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes into the sorted distinct values of a plain array (-1: missing)."""
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
        else np.asarray(values)
    )
    if arr.ndim != 1:
        raise InputError(
            field,
            f"must be one-dimensional, got shape {arr.shape}",
            fix="pass a single column of labels",
        )
    codes = np.full(len(arr), -1, dtype=np.intp)
    if arr.dtype.kind == "f":
        known = ~np.isnan(arr)
    elif arr.dtype.kind == "O":
        known = np.fromiter(
            (not v.is_missing_scalar(x) for x in arr.tolist()), bool, len(arr)
        )
    elif arr.dtype.kind in "mM":
        known = ~np.isnat(arr)
    else:
        known = np.ones(len(arr), dtype=bool)
    kept = arr[known]
    if arr.dtype.kind == "O":
        inverse, objects = _object_classes(kept, field)
        codes[known] = inverse
        return codes, tuple(str(u) for u in objects)
    uniques, inverse = np.unique(kept, return_inverse=True)
    codes[known] = inverse.reshape(-1)
    if uniques.dtype.kind == "f" and np.array_equal(uniques, np.trunc(uniques)):
        # whole numbers (an integer column with a gap, read as float): 2, not 2.0
        return codes, tuple(str(int(u)) for u in uniques.tolist())
    return codes, tuple(str(u) for u in uniques.tolist())


def _number_name(x: Any) -> str:
    """The one name of a number, whatever its type: whole numbers as
    integers (``1.0`` is ``"1"``), others as the shortest text of their
    float (``2.5``, ``Decimal("2.50")`` and ``np.float64(2.5)`` are
    ``"2.5"``), so equal numbers get equal names."""
    if isinstance(x, bool | np.bool_):
        return str(x)
    if isinstance(x, numbers.Integral):
        return str(int(x))
    try:
        whole = bool(x == int(x))
    except (TypeError, ValueError, OverflowError):  # nan, inf, complex
        whole = False
    if whole:
        return str(int(x))
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return str(x)
    return repr(f) if f == x else str(x)


def _class_names(
    labels: Any, codes: np.ndarray, names: tuple[str, ...], field: str
) -> tuple[str, ...]:
    """The class names of a labelling that is not :class:`Labels`, numbers
    named by :func:`_number_name` whatever the container (a categorical's
    categories, a float array, a list); categories of two kinds (``1`` and
    ``"1"``) and two classes of one name are refused."""
    cat = getattr(labels, "cat", None) if is_pandas(labels) else labels
    categories = None if cat is None else getattr(cat, "categories", None)
    if categories is not None and hasattr(cat, "codes"):
        cats = list(categories.tolist())
        kinds = sorted({_label_kind(c) for c in cats})
        if len(kinds) > 1:
            raise InputError(
                field,
                f"has categories of different types ({', '.join(kinds)}), which "
                "are never one class (1 and '1' are two)",
                fix="convert them to one type first (e.g. "
                ".cat.rename_categories(str)) if they name the same classes",
            )
        if kinds == ["number"]:
            names = tuple(_number_name(c) for c in cats)
    else:
        values: Any = labels.to_numpy() if is_pandas(labels) else labels
        if not isinstance(values, list | tuple):
            values = np.asarray(values)
        kind = "O" if isinstance(values, list | tuple) else values.dtype.kind
        if kind == "f":  # the names are the floats' shortest texts
            names = tuple(_number_name(float(n)) for n in names)
        elif kind == "O" and names:  # one row of each class tells its kind
            known = np.flatnonzero(codes >= 0)
            rows = np.empty(len(names), dtype=np.intp)
            rows[codes[known]] = known
            sample = [values[i] for i in rows.tolist()]
            if _label_kind(sample[0]) == "number":
                names = tuple(_number_name(x) for x in sample)
    if len(set(names)) != len(names):
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        raise InputError(
            field,
            f"has two classes both named {dup!r} (values that differ but print "
            "the same), which would be counted as one",
            fix="convert the labels to one type first (e.g. .astype(str))",
        )
    return names


def label_codes(
    labels: Any, field: str = "labels"
) -> tuple[np.ndarray, tuple[str, ...], bool, Any, str | None]:
    """Any labelling as ``(codes, names, ordered, index, name)``; code -1 is
    a missing label.

    :class:`Labels` keep their names; a pandas Categorical (or categorical
    Series) keeps its categories and order; a plain array or Series gets its
    distinct values, sorted (numbers as numbers). ``index`` is the pandas
    index of a Series (``None`` otherwise); codes are ``intp``.

    Examples
    --------
    >>> codes, names, ordered, index, name = label_codes(["b", None, "a", "b"])
    >>> codes.tolist(), names, ordered
    ([1, -1, 0, 1], ('a', 'b'), False)
    """
    if isinstance(labels, Labels):
        return (
            labels.codes.astype(np.intp),
            labels.names,
            labels.ordered,
            labels.index,
            labels.name,
        )
    index = labels.index if is_pandas(labels) else None
    name = getattr(labels, "name", None) if is_pandas(labels) else None
    parts = _categorical_parts(labels)
    if parts is not None:
        codes, names, ordered = parts
        codes = codes.astype(np.intp)
    else:
        codes, names = _plain_classes(labels, field)
        ordered = False
    names = _class_names(labels, codes, names, field)
    return codes, names, ordered, index, None if name is None else str(name)


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
