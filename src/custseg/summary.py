"""Transactions in, one row of facts per customer out.

:func:`summarize` gives the facts that RFM, lifecycle and ABC classifiers
need (:mod:`custseg.btyd` gives the table BG/NBD-family models expect).

Customer ids are factorised into codes ``0 .. k-1`` in id order: integer ids
through a presence bitmap of their range (or by hashing, for ranges much
wider than the row count), text from its Arrow buffers (or by hashing); every
aggregate is then one vectorised pass over ``k`` slots (``np.bincount``,
``np.maximum.at``, or, for dates in long runs of one day, an assignment a
run), and distinct purchase days are counted day by day. There is no Python
loop over rows and no ``groupby().apply``. Past the cache (two million
customers and more), the bincounts run in a second thread while the first
and last purchases are found in the caller's. Ids grouped by hashing are sorted
after the aggregates, not before: the aggregates are made per group, the
second thread sorts the groups, and only the ``k`` aggregates are taken in
id order (instead of renumbering every row's code).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
import numpy as np

from . import _display, _threads
from . import _validate as v
from ._align import common_row_index, to_pandas_index
from ._exact import decimal_scale, decimal_sums, mixed_sums, order_sums
from ._factorize import (
    CHUNK,
    arrow_strings_from_objects,
    bitmap_ranks,
    group_arrow_strings,
    hashed_groups,
    hashed_ranks,
)
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .rfm import RfmEdges, RfmScores

__all__ = ["CustomerFacts", "summarize"]

#: The per-customer facts of :class:`CustomerFacts`, in frame order (without
#: the id): the columns every summary (core or engine) gives.
FACT_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "first_purchase",
    "last_purchase",
    "tenure_days",
)

_I64_MIN = np.iinfo(np.int64).min
_I64_MAX = np.iinfo(np.int64).max
_EXACT = 2**53  # float64 holds every integer up to this exactly
AfterPolicy = Literal["raise", "drop"]
_T = TypeVar("_T")


# --------------------------------------------------------------------------
# grouping


@attrs.frozen(eq=False)
class _Groups:
    """Row-to-group codes; aggregates are computed over ``size`` slots and the
    slots in ``keep`` (when not ``None``) are the real groups, in id order;
    or, when ``order`` is given, every slot is a group and ``order()`` gives
    the slots in id order (the groups were not sorted when grouped)."""

    codes: np.ndarray
    size: int
    keep: np.ndarray | None
    #: the distinct ids in slot order (less the empty slots ``keep`` drops),
    #: or a function making them: text ids become Python ``str`` on first
    #: use of :attr:`ids`, by when the caller may have let go of the text
    #: they came from (an Arrow copy of object ids). With an ``order``, the
    #: function is given it, and makes the ids in that order
    distinct: np.ndarray | Callable[..., np.ndarray]
    slot_counts: np.ndarray | None = None  # rows per slot, when already counted
    #: ``codes`` is a fresh array no caller holds (the summary may reuse it);
    #: False when it may be the caller's ids themselves
    owned: bool = False
    #: the slot of each group in id order (made once, in whichever thread
    #: first needs it), for groups not sorted when grouped (see
    #: :func:`_group_ids`); None when the slots are in id order already
    order: Callable[[], np.ndarray] | None = None
    #: what a group is, for messages (``"customer"``; ``"order"`` for the
    #: sums of an order's lines)
    noun: str = "customer"
    _made: list[np.ndarray] = attrs.field(factory=list, init=False)
    _holes: list[np.ndarray] = attrs.field(factory=list, init=False)

    @property
    def ids(self) -> np.ndarray:
        """The distinct ids, in id order (made once, when first used)."""
        if not self._made:
            made, order = self.distinct, self.order
            if order is None:
                made = made() if callable(made) else made
            else:
                made = made(order()) if callable(made) else made[order()]
            self._made.append(made)
        return self._made[0]

    def compact(self, agg: np.ndarray, *, scratch: bool = False) -> np.ndarray:
        """The entries of per-slot *agg* for the real groups, in id order.

        ``scratch=True`` says *agg* is the caller's own temporary: when at
        most one slot in ``_IN_PLACE_HOLES`` is empty, the kept entries are
        moved left within it (see :func:`_close_holes`) instead of copied
        into a new array, whose first touch costs more than the move from
        millions of customers on. With an ``order``, the entries are
        taken in that order.
        """
        if self.order is not None:
            return agg[self.order()]
        if self.keep is None:
            return agg
        if scratch:
            if not self._holes:
                self._holes.append(np.flatnonzero(~self.keep))
            holes = self._holes[0]
            if len(holes) * _IN_PLACE_HOLES <= len(agg):
                return _close_holes(agg, holes)
        return agg[self.keep]

    def count(self, codes: np.ndarray | None = None) -> np.ndarray:
        if codes is None or codes is self.codes:
            if self.slot_counts is not None:
                return self.compact(self.slot_counts)
            codes = self.codes
        return self.compact(np.bincount(codes, minlength=self.size), scratch=True)

    def total(
        self,
        weights: np.ndarray,
        codes: np.ndarray | None = None,
        field: str = "amount",
        scale: int | Literal["find"] | None = "find",
    ) -> np.ndarray:
        """Sum of *weights* per group; InputError when a sum overflows float64.

        Decimal amounts (few places, see :mod:`custseg._exact`) are summed
        exactly as decimals, other floats exactly in binary, each customer's
        way decided by its own amounts (:func:`~custseg._exact.mixed_sums`);
        so the sums are the same whatever the order of the rows. *scale* is the amounts' decimal
        scale when the caller found it already (``decimal_scale``): its pass
        runs a small chunk at a time, taking the GIL between chunks, so it
        is not for a second thread beside ``ufunc.at``.
        """
        c = self.codes if codes is None else codes
        if weights.dtype.kind in "iu" and len(weights):
            self._check_exact_sums(weights, c, field)
        if scale == "find":
            scale = decimal_scale(weights)
        if scale is not None:
            raw = decimal_sums(weights, c, self.size, scale)
        elif weights.dtype.kind == "f":  # each customer's own amounts decide
            raw = mixed_sums(weights, c, self.size)
        else:  # whole numbers, checked above: exact in any order
            raw = np.bincount(c, weights=weights, minlength=self.size)
        return self.summed(raw, field)

    def summed(self, raw: np.ndarray, field: str = "amount") -> np.ndarray:
        """Per-slot sums *raw* (the caller's own) for the real groups, in id
        order; InputError when a sum overflowed float64."""
        sums = self.compact(
            raw.astype(np.float64, copy=False),  # int64 when empty
            scratch=True,
        )
        _refuse_overflow(sums, lambda i: self.ids[i], field, self.noun)
        return sums

    def _check_exact_sums(
        self, weights: np.ndarray, codes: np.ndarray, field: str
    ) -> None:
        """Refuse integer weights whose per-group sum float64 may round.

        Every partial sum is an integer no larger than the sum of the
        absolute values, so sums are exact while that stays below 2**53;
        tested for the whole column first (two reductions), per group only
        when that bound fails.
        """
        big = max(-int(weights.min()), int(weights.max()))
        if big * len(weights) < _EXACT:
            return
        bound = np.bincount(
            codes, weights=np.abs(weights.astype(np.float64)), minlength=self.size
        )
        # a float bound of exactly 2**53 may be 2**53 + 1 rounded down: count
        # those (rare) groups with Python integers
        edge = np.flatnonzero(bound == _EXACT)
        if len(edge):
            rows = np.isin(codes, edge)
            exact: dict[int, int] = {}
            for c, w in zip(codes[rows].tolist(), weights[rows].tolist(), strict=True):
                exact[c] = exact.get(c, 0) + abs(int(w))
            for c, total in exact.items():
                bound[c] = np.inf if total > _EXACT else 0.0
        bad = self.compact(bound) > _EXACT
        if bad.any():
            first, count = v.first_offender(bad)
            raise InputError(
                field,
                f"has integers whose sum for {count} {self.noun}"
                f"{'s' if count != 1 else ''} (the first being {self.noun} "
                f"{v.describe(_plain(self.ids[first]))}) may pass 2**53, beyond which "
                "float64 sums are not exact",
                fix="scale the amounts down (e.g. to thousands), or convert "
                "them to float yourself if rounding them is acceptable",
            )

    def maximum(
        self, values: np.ndarray, codes: np.ndarray | None = None, *, per: int = 1
    ) -> np.ndarray:
        """Per-group maximum; with *per*, a value whose ``// per`` is the
        maximum's (a tick of the latest day), which may be faster."""
        out = np.full(self.size, _I64_MIN, dtype=np.int64)
        codes = self.codes if codes is None else codes
        runs = _tick_runs(values, self.size, per)
        _write_extreme(out, codes, values, True, runs)
        return self.compact(out, scratch=True)

    def minimum_slots(
        self, values: np.ndarray, codes: np.ndarray | None = None, *, per: int = 1
    ) -> np.ndarray:
        """Per-slot minimum, not compacted (index it with ``self.codes``);
        with *per*, a value whose ``// per`` is the minimum's."""
        out = np.full(self.size, _I64_MAX, dtype=np.int64)
        codes = self.codes if codes is None else codes
        runs = _tick_runs(values, self.size, per)
        _write_extreme(out, codes, values, False, runs)
        return out


#: :meth:`_Groups.compact` moves entries in place when at most one slot in
#: this many is empty (a Python step per empty slot: about 1 ns a slot then)
_IN_PLACE_HOLES = 1024


def _close_holes(values: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """*values* without its entries at the ascending positions *holes*: the
    others moved left within *values*, which is returned cut to them (a view).

    >>> values = np.array([10, 11, 12, 13, 14, 15])
    >>> _close_holes(values, np.array([1, 4])).tolist()
    [10, 12, 13, 15]
    >>> values.tolist()  # moved in place; the tail is left as it was
    [10, 12, 13, 15, 14, 15]
    """
    if not len(holes):
        return values
    write = int(holes[0])
    for hole, end in zip(
        holes.tolist(), [*holes[1:].tolist(), len(values)], strict=True
    ):
        part = values[hole + 1 : end]
        # NumPy copies overlapping 1-D slices as memmove does
        values[write : write + len(part)] = part
        write += len(part)
    return values[:write]


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _refuse_overflow(
    sums: np.ndarray, id_at: Callable[[int], Any], field: str, noun: str = "customer"
) -> None:
    """InputError for the customers (or other *noun* groups: orders) whose
    sum of finite amounts *sums* passed what float64 holds (infinite),
    naming the first by its id (*id_at*: the id of a group's position in
    *sums*).

    >>> _refuse_overflow(np.array([1.0, np.inf]), ["a", "b"].__getitem__, "amount")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' sums to more than float64 holds (about 1.8e308) for 1 customer, the first being customer 'b': scale the amounts down (e.g. to thousands) before summarising
    """
    if np.isfinite(sums).all():  # finite amounts: only an overflow is not
        return
    first, count = v.first_offender(~np.isfinite(sums))
    raise InputError(
        field,
        f"sums to more than float64 holds (about 1.8e308) for {count} "
        f"{noun}{'s' if count != 1 else ''}, the first being {noun} "
        f"{v.describe(_plain(id_at(first)))}",
        fix="scale the amounts down (e.g. to thousands) before summarising",
    )


#: The command line's option dropping the rows without an id, per kind of
#: id (none for order ids: ``--order`` has no such option).
_MISSING_ID_OPTIONS = {"customer": "--missing-customer drop"}


def _a(noun: str) -> str:
    """*noun* with its indefinite article (``a customer``, ``an order``)."""
    return f"{'an' if noun.startswith(tuple('aeiou')) else 'a'} {noun}"


def _missing_ids_fix(
    field: str,
    noun: str = "customer",
    option: str | None = None,
) -> str:
    """How to drop rows without *noun* ids: in pandas (the column
    *field*), and on the command line when a command runs the function with
    an *option* for it (``segment`` runs :func:`summarize`:
    :func:`_command_ids_fix`); a function no command runs names none.

    >>> print(_missing_ids_fix("CustomerID", option="--missing-customer drop"))
    drop the rows without a customer id first (pandas: df = df.dropna(subset=['CustomerID'])), or give them an id (on the command line: --missing-customer drop)
    >>> print(_missing_ids_fix("customer_order", "order"))
    drop the rows without an order id first (pandas: df = df.dropna(subset=['customer_order'])), or give them an id
    """
    cli = "" if option is None else f" (on the command line: {option})"
    return (
        f"drop the rows without {_a(noun)} id first (pandas: df = "
        f"df.dropna(subset=[{field!r}])), or give them an id{cli}"
    )


def _command_ids_fix(field: str) -> str:
    """The fix for missing customer ids *field* of :func:`summarize` (and
    of the frame functions that run it), which the ``segment`` and
    ``report`` commands run: with their option."""
    return _missing_ids_fix(field, "customer", _MISSING_ID_OPTIONS["customer"])


def _refuse_missing_ids(
    missing: np.ndarray, field: str, fix: str | None = None, *, noun: str = "customer"
) -> None:
    """Refuse the *noun* ids *field* where *missing*, at the first one
    (*fix*: default :func:`_missing_ids_fix`, which names no command's
    option)."""
    if missing.any():
        first, count = v.first_offender(missing)
        if fix is None:
            fix = _missing_ids_fix(field, noun)
        raise InputError(
            field,
            f"has missing {noun} ids",
            first_row=first,
            n_rows=count,
            fix=fix,
        )


def _refuse_missing_values(values: Any, field: str, fix: str | None = None) -> None:
    """Refuse missing ids (None, NaN, ``pd.NA``, NaT) in *values*, named
    *field* at their first row there: for ids checked before they are
    joined to others (whose rows would be counted instead)."""
    import pandas as pd

    _refuse_missing_ids(np.asarray(pd.isna(values), dtype=bool), field, fix)


_ID_FIX = (
    "read the column as text (pandas: dtype=str; the command line reads ids as "
    "text) or convert every id to one type"
)
#: What :func:`pandas.api.types.infer_dtype` calls an object array whose
#: non-missing values are all of one type (one kind of id).
_ONE_KIND = frozenset(
    {
        "string",
        "bytes",
        "integer",
        "floating",
        "decimal",
        "complex",
        "datetime",
        "datetime64",
        "date",
        "time",
        "timedelta",
        "timedelta64",
        "period",
        "interval",
    }
)


def _id_kind(value: Any) -> str | None:
    """The kind of one id (``"int"``, ``"str"``, ...), or None when missing."""
    if v.is_missing_scalar(value):
        return None
    if isinstance(value, np.datetime64 | np.timedelta64):  # NumPy calls them ints
        return None if np.isnat(value) else type(value).__name__
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, tuple):  # ("s1", 1) and ("s1", True): two kinds
        return f"tuple({', '.join(str(_id_kind(x)) for x in value)})"
    return type(value).__name__


def _refuse_bool_ids(field: str, noun: str = "customer") -> None:
    raise InputError(
        field,
        f"holds True/False values, not {noun} ids",
        fix=f"pass the column of {noun} ids (a mask selects rows: ids[mask])",
    )


def _check_id_kinds(values: np.ndarray, field: str, noun: str = "customer") -> None:
    """Refuse an object array mixing kinds of ids, or holding unhashable ones
    (*noun* ids: what two equal ids are one of, for the messages).

    ``7`` and ``"7"`` (or ``True`` and ``1``, ``b"a"`` and ``"a"``) are
    different values that print alike, and some of them compare equal: no
    grouping of them is right, so the caller is asked to make them one type.
    """
    kinds = [_id_kind(x) for x in values.tolist()]
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
            first.setdefault(kind, i)
    _refuse_unhashable(values, field, noun)
    if len(counts) > 1:
        ranked = sorted(counts, key=lambda k: (-counts[k], first[k]))
        minority = [i for i, k in enumerate(kinds) if k is not None and k != ranked[0]]
        row = minority[0]
        listed = ", ".join(
            f"{k} ({counts[k]} row{'s' if counts[k] != 1 else ''})" for k in ranked
        )
        raise InputError(
            field,
            f"mixes ids of different types: {listed}, the first {kinds[row]} id "
            f"being {v.describe(values[row])}; ids of different types are never one "
            f"{noun}, even when they print alike",
            first_row=row,
            n_rows=len(minority),
            fix=_ID_FIX,
        )
    if "bool" in counts:
        _refuse_bool_ids(field, noun)


def _refuse_unhashable(values: np.ndarray, field: str, noun: str = "customer") -> None:
    """Raise InputError at the first value that cannot be hashed, if any."""
    bad = []
    for i, x in enumerate(values.tolist()):
        try:
            hash(x)
        except TypeError:
            bad.append(i)
    if bad:
        x = values[bad[0]]
        raise InputError(
            field,
            f"holds {type(x).__name__} values, such as {v.describe(x)}, which cannot be "
            f"{noun} ids (they cannot be compared by hashing)",
            first_row=bad[0],
            n_rows=len(bad),
            fix="use a column of single values (ints or text), e.g. join a "
            "list or struct column's parts into one text id",
        )


def _object_ids(values: np.ndarray, field: str, noun: str = "customer") -> Any:
    """Object ids of one kind, in the form that groups them fastest and exactly.

    Text becomes an Arrow string array (exact bytes, fast to factorise), ints
    ``int64`` and floats ``float64`` when they fit; anything else stays an
    object array, after :func:`_check_id_kinds`.
    """
    import pandas as pd

    # Not skipping missing values is 15% faster, and "string" then means
    # every value is a str, which is the answer with skipna too; any other
    # answer is asked again with skipna (NaN alone is "floating" without it).
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    if inferred != "string":
        inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "string":  # str only (and missing values)
        arrow = arrow_strings_from_objects(values, checked=True)
        # not ArrowStringArray, which would cast 32-bit offsets to 64-bit
        return values if arrow is None else pd.arrays.ArrowExtensionArray(arrow)
    if inferred == "boolean":
        _refuse_bool_ids(field, noun)
    if inferred not in ("integer", "string", "bytes", "decimal", "datetime", "date"):
        # np.float32 scalars past 2**24: two ids may be stored as one
        v.refuse_narrow_ids(values, field, noun)
    if inferred not in _ONE_KIND:
        _check_id_kinds(values, field, noun)
    elif inferred in ("integer", "floating"):
        try:
            return values.astype(np.int64 if inferred == "integer" else np.float64)
        except (TypeError, ValueError, OverflowError):
            pass  # missing values (found later) or ints beyond int64: hashed
    return values


def _id_values(ids: Any, field: str, noun: str = "customer") -> Any:
    """The ids as a 1-D NumPy array or pandas extension array, checked
    (*noun* ids, as the messages call them: customer or order ids).

    Never through NumPy fixed-width text (which drops trailing NUL characters
    and turns ``[1, "1"]`` into ``["1", "1"]``); native byte order; object
    arrays are checked by :func:`_object_ids`.
    """
    import pandas as pd

    values: Any
    if isinstance(ids, np.ma.MaskedArray):
        ids = v.unmask(ids)
    ids = v.arrow_plain(ids)  # (Arrow string_view: read as large_string)
    if isinstance(ids, pd.Series | pd.Index):
        values = ids.to_numpy() if isinstance(ids.dtype, np.dtype) else ids.array
    elif isinstance(ids, list | tuple):
        values = np.fromiter(ids, dtype=object, count=len(ids))
    elif isinstance(ids, np.ndarray | pd.api.extensions.ExtensionArray):
        values = ids
    elif type(ids).__module__.split(".")[0] == "pyarrow" and hasattr(ids, "type"):
        values = pd.arrays.ArrowExtensionArray(ids)
    else:
        values = v.as_array(ids)  # (Polars text: objects, NULs kept)
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise v.not_one_column(field, values, ids)
        values = v.native(values)
        kind = values.dtype.kind
        if kind == "O":
            return _object_ids(values, field, noun)
        if kind == "b":
            _refuse_bool_ids(field, noun)
        if kind == "f" and values.dtype.itemsize > 8:  # np.longdouble
            return _wide_ids(values, field, noun)
        if kind == "f" and values.dtype != np.float64:
            # float32 (float16) past 2**24 (2**11): ids written apart may be
            # stored as one number (16777217 as 16777216), refused
            v.refuse_narrow_ids(values, field, noun)
            return values.astype(np.float64)  # exact; pandas hashes float64 only
        if kind in "cV":  # complex numbers, structured records: one kind each
            v.refuse_narrow_ids(values, field, noun)  # complex64: float32 parts
            return _object_ids(values.astype(object), field, noun)
        return values
    return _extension_ids(values, field, noun)


def _wide_ids(values: np.ndarray, field: str, noun: str = "customer") -> np.ndarray:
    """Ids held as floats wider than float64 (``np.longdouble``): as
    ``float64`` when it holds every one exactly, as ``int64`` when every
    one is a whole number within its range (exact), else an
    :class:`InputError`: float64 (which pandas hashes) would make two ids
    one customer (``2**53`` and ``2**53 + 1``, ``0.1`` and
    ``0.1000000000000000001``).

    >>> _wide_ids(np.array([2**53, 2**53], dtype=np.longdouble) + [0, 1], "customer_id")
    array([9007199254740992, 9007199254740993])
    >>> _wide_ids(np.array(["0.1", "0.3"], dtype=np.longdouble), "customer_id")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'customer_id' has customer ids of type float128 that float64 does not hold, such as 0.1, which float64 would read as another id (two such ids can become one customer) (first at row 0, 2 rows affected): give the ids as integers or text (e.g. .astype(str)), not as float128
    """
    with np.errstate(all="ignore"):
        narrow = values.astype(np.float64)
        held = (narrow == values) | np.isnan(values)
        if held.all():
            return narrow
        whole = np.isfinite(values) & (values == np.trunc(values))
        if whole.all() and np.abs(values).max() < 2**63:
            return values.astype(np.int64)
    first, count = v.first_offender(~held)
    raise wide_id_error(field, noun, values[first], first, count)


def wide_id_error(
    field: str, noun: str, value: Any, first: int | None, count: int | None
) -> InputError:
    """The refusal of ids of type ``float128`` that float64 does not hold,
    such as *value* (:func:`_wide_ids`; the Dask engine's too)."""
    dtype = np.asarray(value).dtype
    return InputError(
        field,
        f"has {noun} ids of type {dtype} that float64 does not hold, "
        f"such as {value!s}, which float64 would read as another id "
        f"(two such ids can become one {noun})",
        first_row=first,
        n_rows=count,
        fix=f"give the ids as integers or text (e.g. .astype(str)), not as {dtype}",
    )


def _extension_ids(values: Any, field: str, noun: str = "customer") -> Any:
    """Ids held in a pandas extension array, checked (see :func:`_id_values`)."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(values, pd.Categorical):
        codes = np.asarray(values.codes)
        if (codes < 0).any():  # missing ids refused where grouped (rows used)
            return _id_values(np.asarray(values, dtype=object), field, noun)
        return _id_values(values.categories.take(codes), field, noun)
    if isinstance(dtype, pd.StringDtype):
        return values  # Python str or Arrow strings: exact
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        if pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        ):
            return values
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        _refuse_bool_ids(field, noun)
    if kind in "iuf":  # nullable numbers: NumPy's, or objects beside missing
        # ones (refused where grouped: only on the rows used, as for others)
        v.refuse_narrow_ids(values, field, noun)  # Float32, Arrow float
        if bool(np.asarray(values.isna(), dtype=bool).any()):
            return _id_values(values.to_numpy(dtype=object, na_value=None), field, noun)
        dense = values.to_numpy(dtype=getattr(dtype, "numpy_dtype", None))
        return _id_values(np.asarray(dense), field, noun)
    if kind in "mM":
        return values  # pandas groups its datetimes exactly
    if v.narrow_float_kind(dtype) is not None:  # an Arrow dictionary of float32
        v.refuse_narrow_ids(values, field, noun)
    return _id_values(np.asarray(values, dtype=object), field, noun)


def _group_ids(
    ids: Any,
    field: str,
    *,
    ordered: bool = True,
    noun: str = "customer",
    fix: str | None = None,
) -> _Groups:
    """Factorise customer ids (or other *noun* ids: order ids, as the
    messages call them) into codes, groups sorted by id.

    ``ordered=False`` lets ids grouped by hashing (wide integers, varied
    text) leave their groups unsorted: the codes are slots in no particular
    order and :attr:`_Groups.order` sorts them when first called (a caller
    aggregating by slot then sorts beside its passes, and takes only the
    ``k`` aggregates in order instead of renumbering every row's code).

    Integer ids are ranked through a presence bitmap of their range, or
    hashed when that range is much wider than the row count (see
    :func:`_group_ints`); anything else is hashed by
    :func:`pandas.factorize` (or, for text, keyed exactly from its Arrow
    buffers). Ids are the same customer only when they are equal values of
    one type: object arrays mixing types, holding unhashable values or
    booleans, and missing ids raise :class:`InputError` (*fix*: its fix for
    missing ids, default :func:`_missing_ids_fix`).
    """
    import pandas as pd

    values = _id_values(ids, field, noun)
    if isinstance(values, np.ndarray) and values.dtype.kind in "mM":
        # dates or durations as ids, any unit: grouped exactly by their ticks
        ticks = values.view(np.int64)
        _refuse_missing_ids(ticks == _I64_MIN, field, fix, noun=noun)
        groups = _group_ids(ticks, field, noun=noun)  # sorted: viewed below
        return attrs.evolve(groups, distinct=groups.ids.view(values.dtype))
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        _refuse_missing_ids(np.isnan(values), field, fix, noun=noun)
        if (
            np.array_equal(values, np.trunc(values))
            and np.abs(values).max(initial=0) < 2**63  # whole floats are exact
        ):
            values = values.astype(np.int64)
            dtype = values.dtype
    if (
        isinstance(dtype, np.dtype)
        and dtype.kind in "iu"
        and len(values)
        and int(values.max()) <= _I64_MAX  # uint64 beyond int64: hashed below
    ):
        ints = _group_ints(values, ordered=ordered)
        if ints is not None:
            return ints
    # Arrow-backed strings (pandas' default str dtype, and object arrays of str
    # converted once): exact integer keys from the byte buffers, much faster
    # than hashing; None when it does not apply
    fast = group_arrow_strings(values, ordered=ordered)
    distinct: np.ndarray | Callable[..., np.ndarray]
    order = None
    if fast is not None:
        codes, k, distinct, order = fast  # the ids made as str when first used
    else:
        unordered = False
        try:
            codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        except TypeError:  # unhashable after all, or no order (complex)
            _refuse_unhashable(np.asarray(values, dtype=object), field, noun)
            codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
            unordered = True
        k, distinct = len(uniques), np.asarray(uniques)
        _refuse_missing_ids(np.asarray(codes) < 0, field, fix, noun=noun)
        if distinct.dtype.kind == "f":
            distinct = distinct + 0.0  # 0.0, not the first row's -0.0
        elif distinct.dtype == object:
            codes, distinct = _canonical_ids(
                np.asarray(values, dtype=object), codes, distinct, unordered
            )
    _refuse_missing_ids(np.asarray(codes) < 0, field, fix, noun=noun)
    return _Groups(
        codes.astype(np.intp, copy=False), k, None, distinct, owned=True, order=order
    )


#: types whose equal values may be written differently (0.0 and -0.0,
#: Decimal("1") and Decimal("1.0"), 5 and np.int64(5)), or have no order
_VARIED_IDS = (float, complex, Decimal, np.generic)


def _varied(x: Any) -> bool:
    """Whether the id *x* may equal another written differently."""
    if isinstance(x, tuple):
        return any(_varied(e) for e in x)
    return isinstance(x, _VARIED_IDS)


def _canonical_ids(
    values: np.ndarray, codes: np.ndarray, distinct: np.ndarray, unordered: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's id as one canonical value whatever the row order, and
    customers in an order that does not depend on it either.

    Hashing keeps the first row's value of equal ids: -0.0 or 0.0,
    ``Decimal("1.0")`` or ``Decimal("1")``, ``np.int64(5)`` or ``5``, by row
    order. Among the values of a customer's rows, the one written shortest
    (then by type name and text) is kept, a float plus 0.0 (no -0.0). Ids
    without an order (complex numbers) are sorted by that same key, so the
    customers' order does not follow the rows'. Ids of other types (text,
    ints) are returned as they are.
    """
    if not unordered and not any(_varied(x) for x in distinct.tolist()):
        return codes, distinct
    best: dict[int, tuple[int, str, str]] = {}
    chosen = list(distinct.tolist())
    for c, x in zip(codes.tolist(), values.tolist(), strict=True):
        text = str(x)
        key = (len(text), type(x).__name__, text)
        if c not in best or key < best[c]:
            best[c] = key
            chosen[c] = x + 0.0 if isinstance(x, float) else x
    out = np.empty(len(chosen), dtype=object)
    out[:] = chosen
    if not unordered:
        return codes, out
    order = sorted(range(len(chosen)), key=lambda i: (best[i][1], best[i][2]))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return rank[codes], out[order]


#: Integer ids spanning up to this many values per row (and always up to
#: ``_BITMAP_MIN_SPAN``) are ranked through a presence bitmap; wider ones are
#: hashed. The bitmap is built from a byte per value, so this bounds the
#: temporary memory at this many bytes per row.
_BITMAP_SPAN_PER_ROW = 16
_BITMAP_MIN_SPAN = 1 << 22
#: Ids ``lo .. hi`` (a span no wider than the rows) with at most one id in
#: this many absent are used as slots directly (the empty slots dropped after).
_HOLES_PER_ID = 8


def _group_ints(
    values: np.ndarray,
    *,
    span_per_row: int | None = None,
    min_span: int | None = None,
    ordered: bool = True,
) -> _Groups | None:
    """Group integer ids (``int64`` range) by their rank among the distinct ids
    (hashed ones left unsorted when not ``ordered``: see :func:`_group_ids`).

    Ids ``lo .. hi`` all present are their own codes (``id - lo``, no copy
    when ``lo`` is 0); nearly all present (a span no wider than the rows,
    at most one in ``_HOLES_PER_ID`` absent), they are the slots and the
    empty ones are dropped when compacting. Otherwise, when the span
    ``hi - lo + 1`` is at most ``max(span_per_row * n, min_span)``, a
    presence bitmap of the span is built and each id's code is the number of
    distinct ids below it (:func:`~custseg._factorize.bitmap_ranks`): exact,
    sorted, O(n + span / 32), one memory access per row, with codes over the
    ``k`` customers only; the distinct ids are the bitmap's set bits. Wider
    spans are hashed (:func:`pandas.factorize`, O(n)), the ``k`` distinct ids
    sorted and the codes renumbered. None when *values* is empty.
    """
    n = len(values)
    if not n:
        return None
    if span_per_row is None:
        span_per_row = _BITMAP_SPAN_PER_ROW
    if min_span is None:
        min_span = _BITMAP_MIN_SPAN
    lo, hi = int(values.min()), int(values.max())
    span = hi - lo + 1
    if span > max(span_per_row * n, min_span):
        return _group_hashed_ints(values, ordered=ordered)
    arr = np.ascontiguousarray(values, dtype=np.int64)  # no wrap in `arr - lo`
    # one zeroed buffer for the bitmap and, should the ids be ranked, their
    # ranks: the bitmap becomes its rank table in its first quarter and the
    # ranks are written after it, so neither a table nor the ranks are new
    # arrays (at 100M rows of ids spanning 10**9 values, 1.05 GB instead of
    # 2 GB). Zeroed memory is only mapped when touched: unranked ids cost no
    # more than the bitmap.
    pad = -(-span // 32) * 32
    buffer = np.zeros(max(pad, pad // 4 + 8 * n), dtype=np.uint8)
    present = buffer[:pad].view(bool)
    if lo == 0:
        present[arr] = True
    else:  # offsets chunk by chunk: no array of them unless they are the codes
        offset = np.empty(min(n, CHUNK), dtype=np.int64)
        for start in range(0, n, CHUNK):
            part = offset[: min(CHUNK, n - start)]
            np.subtract(arr[start : start + CHUNK], lo, out=part)
            present[part] = True
    distinct = np.flatnonzero(present)
    k = len(distinct)
    distinct += lo
    uniq = distinct.astype(values.dtype, copy=False)
    del distinct
    if k == span or (span <= n and (span - k) * _HOLES_PER_ID <= span):
        # every id in lo .. hi present, or nearly every one (a span no wider
        # than the rows): the offsets are the codes, the empty slots (if any)
        # left out when compacting
        codes = arr if lo == 0 else arr - lo
        keep = None if k == span else present[:span]
        return _Groups(
            codes.astype(np.intp, copy=False), span, keep, uniq, owned=lo != 0
        )
    ranks = buffer[pad // 4 : pad // 4 + 8 * n].view(np.int64)
    del buffer
    codes = bitmap_ranks(arr, lo, present, out=ranks)
    return _Groups(codes.astype(np.intp, copy=False), k, None, uniq, owned=True)


def _group_hashed_ints(values: np.ndarray, *, ordered: bool = True) -> _Groups:
    """Integer ids grouped by hashing (O(n)), renumbered in id order, or
    left in slots with the order that sorts them (not ``ordered``)."""
    order = None
    if ordered:
        codes, uniques = hashed_ranks(values)
    else:
        codes, uniques, order = hashed_groups(values)
    distinct = uniques.astype(values.dtype, copy=False)
    return _Groups(codes, len(uniques), None, distinct, owned=True, order=order)


# --------------------------------------------------------------------------
# summarize


@attrs.frozen(eq=False)
class CustomerFacts:
    """Facts per customer, as aligned arrays sorted by ``customer_id``.

    Attributes
    ----------
    customer_id
        The customer ids, sorted ascending, one per customer.
    recency_days
        Whole calendar days from the last purchase to ``as_of`` (``float64``;
        NaN for a customer with no purchase, only refunds).
    frequency
        Number of purchases (or of distinct purchase days, see
        :func:`summarize`), ``int64``.
    monetary
        Net sum of all amounts, refunds included (``float64``).
    first_purchase, last_purchase
        Timestamps of the first and last purchase (NaT for no purchase).
    tenure_days
        Whole calendar days from the first purchase to ``as_of`` (NaN for no
        purchase).
    as_of
        The reference day (``datetime64[D]``) used for recency and tenure.
    n_rows
        Transactions used (with ``order_id``, orders).
    n_dropped
        Transactions dropped because they were dated after ``as_of`` (only
        with ``after_as_of="drop"``; with ``order_id``, order lines).
    """

    customer_id: np.ndarray
    recency_days: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray
    first_purchase: np.ndarray
    last_purchase: np.ndarray
    tenure_days: np.ndarray
    as_of: np.datetime64
    n_rows: int
    n_dropped: int = 0

    def __len__(self) -> int:
        return len(self.customer_id)

    def to_pandas(self) -> pd.DataFrame:
        """The facts as a DataFrame, one row per customer, indexed by
        ``customer_id`` (named), as :meth:`custseg.BtydSummary.to_pandas`,
        lifetimes and PyMC-Marketing do; ``.reset_index()`` makes it a column.

        >>> facts = summarize([1, 1, 2], ["2024-01-01", "2024-01-05", "2024-01-03"],
        ...                   [10.0, 5.0, 7.5])
        >>> facts.to_pandas()[["recency_days", "frequency", "monetary"]]
                     recency_days  frequency  monetary
        customer_id
        1                     1.0          2      15.0
        2                     3.0          1       7.5
        """
        import pandas as pd

        index = to_pandas_index(self.customer_id, "customer_id")
        return pd.DataFrame(self.columns(), index=index)

    def rfm_scores(
        self, bins: int | tuple[int, int, int] = 5, edges: RfmEdges | None = None
    ) -> RfmScores:
        """RFM scores of these customers, as :func:`custseg.segment` gives them.

        Only buyers are scored and only they fit the quantile edges: a
        customer with no purchase (refunds only) has no score (0 in the
        arrays, ``<NA>`` in :meth:`RfmScores.to_pandas`), as
        :func:`~custseg.rfm_scores` on the raw columns gives with
        ``nan="unknown"`` (by default it refuses their NaN recency). The
        scores are indexed by customer id.

        Parameters
        ----------
        bins
            Scores per dimension when fitting: one count or ``(recency,
            frequency, monetary)``.
        edges
            Edges to apply instead of fitting (``RfmScores.edges`` of another
            period).

        Examples
        --------
        >>> facts = summarize(["a", "b", "c", "a"],
        ...                   ["2024-01-02", "2024-01-09", "2024-01-05", "2024-01-08"],
        ...                   [10.0, 5.0, -3.0, 20.0])
        >>> facts.rfm_scores(bins=2).to_pandas()
                        r     f     m   rfm
        customer_id
        a               1     2     2   122
        b               2     1     1   211
        c            <NA>  <NA>  <NA>  <NA>
        """
        from ._align import to_pandas_index
        from .rfm import rfm_scores

        buyers = self.frequency > 0
        scores = rfm_scores(
            self.recency_days,
            np.where(buyers, self.frequency, np.nan),
            np.where(buyers, self.monetary, np.nan),
            bins,
            edges,
            nan="unknown",
        )
        return attrs.evolve(
            scores, index=to_pandas_index(self.customer_id, "customer_id")
        )

    def columns(self) -> dict[str, np.ndarray]:
        """The per-customer arrays by name, in frame order (without the id).

        >>> list(summarize([1], ["2024-01-01"], [5.0]).columns())
        ['recency_days', 'frequency', 'monetary', 'first_purchase', 'last_purchase', 'tenure_days']
        """
        return {name: getattr(self, name) for name in FACT_COLUMNS}

    def __repr__(self) -> str:
        return _display.short_repr(
            "CustomerFacts",
            n=len(self),
            noun="customers",
            fields={
                "as_of": self.as_of,
                "recency_days": self.recency_days,
                "frequency": self.frequency,
                "monetary": self.monetary,
                "tenure_days": self.tenure_days,
                "n_rows": self.n_rows,
                "n_dropped": self.n_dropped,
            },
        )

    def _repr_html_(self) -> str:
        return _display.columns_table(
            f"CustomerFacts: {len(self)} customers, "
            f"as of {_display.format_value(self.as_of)}",
            {"customer_id": self.customer_id, **self.columns()},
            note=f"{self.n_rows} transactions used, {self.n_dropped} dropped",
        )


def _coerce_rows(
    customer_id: Any, date: Any, amount: Any | None, fields: tuple[str, str, str]
) -> tuple[Any, np.ndarray, np.ndarray | None]:
    f_id, f_date, f_amount = fields
    # Series must be rows of one table: pairing them by position when their
    # indexes differ (a shuffled column) would mix customers' rows silently
    common_row_index(**{f_id: customer_id, f_date: date, f_amount: amount})
    dates = v.as_datetime(date, f_date)
    # integers beyond 2**53 in any container are refused (summed in float64);
    # sums per customer are checked where they are made (_Groups.total)
    amounts = None if amount is None else v.as_numeric(amount, f_amount, exact=True)
    if isinstance(customer_id, str | bytes | dict | set) or not hasattr(
        customer_id, "__len__"
    ):
        raise InputError(
            f_id,
            f"must be an array-like of ids, got {type(customer_id).__name__}",
            fix="pass a list, NumPy array or pandas Series",
        )
    customer_id = _id_values(customer_id, f_id)
    n_ids = len(customer_id)
    if n_ids != len(dates):
        raise InputError(
            f_id,
            f"has {n_ids} rows but {f_date!r} has {len(dates)}",
            fix="pass columns of the same table",
        )
    if amounts is not None:
        v.check_same_length(**{f_date: dates, f_amount: amounts})
    return customer_id, dates, amounts


def _day_ticks(dates: np.ndarray) -> int:
    """How many ticks of *dates*' unit make one day."""
    unit, count = np.datetime_data(dates.dtype)
    return int(np.timedelta64(1, "D") // np.timedelta64(count, unit))  # type: ignore[call-overload]


def _check_day_span(
    ticks: np.ndarray,
    per_day: int,
    end_day: int,
    field: str,
    end_name: str,
    margin: int = 0,
    *,
    lowest: int | None = None,
    among: Callable[[], np.ndarray] | None = None,
) -> None:
    """Refuse dates so long before *end_day* that the days between them pass
    2**53 - *margin* (beyond 2**53 int64 day counts overflow in differences and
    float64 ones are not exact): only dates in days, hours or minutes reach
    that far. Rows after *end_day* do not matter (only the earliest does).

    *lowest* is the earliest tick that counts, when the caller knows it
    (else ``ticks.min()``); *among* gives the mask of the rows that count
    (called only to report an error).
    """
    if per_day > 1440 or not len(ticks):
        return
    limit = end_day - _EXACT + margin
    if (int(ticks.min()) if lowest is None else lowest) // per_day >= limit:
        return
    bad = np.floor_divide(ticks, per_day) < limit
    first, count = v.first_offender(bad if among is None else bad & among())
    raise InputError(
        field,
        f"has dates more than 2**53 days before {end_name} "
        f"({np.datetime64(end_day, 'D')}): the days between them cannot be counted "
        "exactly",
        first_row=first,
        n_rows=count,
        fix="check the column's unit (pandas.to_datetime(col, unit=...)) or drop "
        "the rows",
    )


def _pair_keys(
    codes: np.ndarray, values: np.ndarray, size: int
) -> tuple[np.ndarray, int]:
    """One int64 key per (code, value) pair, equal exactly when both are, and
    the span such that ``key // span`` is the code: ``code * span + (value -
    min)``, the values factorised first when that product could overflow
    int64 (*size* codes, values spread wider than that allows)."""
    if not len(values):
        return codes.astype(np.int64), 1
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    if span * max(size, 1) > _I64_MAX:
        import pandas as pd

        values, uniques = pd.factorize(values)
        lo, span = 0, len(uniques)
    return codes.astype(np.int64) * span + (values - lo), span


#: Distinct (customer, period) pairs are counted period by period when the
#: periods span fewer values than this (a 16-bit counting sort),
_BLOCK_MAX_SPAN = 1 << 16
#: and at least this many rows per period on average (one NumPy call each).
_BLOCK_MIN_ROWS = 64


def _floor_by(per: int) -> Callable[[np.ndarray], np.ndarray]:
    """``values // per``, as a function."""

    def key(values: np.ndarray) -> np.ndarray:
        return np.floor_divide(values, per)

    return key


def _distinct_counts(
    codes: np.ndarray,
    values: np.ndarray,
    size: int,
    *,
    per: int = 1,
    key: Callable[[np.ndarray], np.ndarray] | None = None,
    max_span: int | None = None,
    min_rows: int | None = None,
) -> np.ndarray:
    """Number of distinct ``values // per`` per code (``int64``, one per slot
    of *size*); ``per`` turns timestamps into days (or periods into weeks)
    chunk by chunk, without a copy of the column. *key*, when given, is used
    instead of ``// per``: a non-decreasing map of ``int64`` arrays to
    ``int64`` arrays (such as timestamps to weeks), applied chunk by chunk.

    Integer values spanning few values (days, weeks) are counted block by
    block: the rows are grouped by value (already in order, as a transaction
    log is, or by a stable 16-bit counting sort), and each block adds one to
    every code it holds once (``out[codes] += 1`` counts a repeated index
    once), O(n) with no hashing. Other values: the (code, value) pairs are
    hashed (:func:`pandas.unique`). The limits default to the module's
    ``_BLOCK_MAX_SPAN`` (at most 2**16) and ``_BLOCK_MIN_ROWS``.
    """
    max_span = min(_BLOCK_MAX_SPAN if max_span is None else max_span, 1 << 16)
    min_rows = _BLOCK_MIN_ROWS if min_rows is None else min_rows
    n = len(values)
    out = np.zeros(size, dtype=np.int64)
    if not n:
        return out
    if key is None and per != 1:
        key = _floor_by(per)
    ends_of = np.asarray([values.min(), values.max()])
    lo, hi = (int(x) for x in (ends_of if key is None else key(ends_of)))
    span = hi - lo + 1
    if span > max_span or span * min_rows > n:
        import pandas as pd

        if key is not None:
            values = key(values)
        keys, key_span = _pair_keys(codes, values, size)
        pairs = pd.unique(keys)
        return np.bincount((pairs // key_span).astype(np.intp), minlength=size)
    small = np.empty(n, dtype=np.uint16)  # 0 .. span - 1 fits
    if key is None:
        np.subtract(values, lo, out=small, casting="unsafe")
    else:
        for start in range(0, n, CHUNK):
            np.subtract(
                key(values[start : start + CHUNK]),
                lo,
                out=small[start : start + CHUNK],
                casting="unsafe",
            )
    ends = np.zeros(span, dtype=np.int64)
    for start in range(0, n, CHUNK):  # bincount casts to intp: 8 bytes a row
        ends += np.bincount(small[start : start + CHUNK], minlength=span)
    np.cumsum(ends, out=ends)
    if n > 1 and not bool((small[1:] >= small[:-1]).all()):
        order = np.argsort(small, kind="stable")  # radix sort: O(n)
        del small
        start = 0
        for end in ends.tolist():
            if end > start:
                out[codes[order[start:end]]] += 1
            start = end
    else:
        del small
        start = 0
        for end in ends.tolist():
            if end > start:
                out[codes[start:end]] += 1
            start = end
    return out


def rows_of(kept: Callable[[], np.ndarray]) -> Callable[[Callable[[], _T]], _T]:
    """Run a call on some rows of the input (those *kept()* gives, by their
    position in the input, made only when needed) so that an
    :class:`InputError` naming one of its rows names that row of the input.

    >>> call = rows_of(lambda: np.array([2, 5]))
    >>> def bad() -> None:
    ...     raise InputError("x", "is bad", fix="fix it", first_row=1)
    >>> try:
    ...     call(bad)
    ... except InputError as exc:
    ...     exc.first_row
    5
    """

    def call(work: Callable[[], _T]) -> _T:
        try:
            return work()
        except InputError as exc:
            if exc.first_row is None:
                raise
            raise InputError(
                exc.field,
                exc.problem,
                fix=exc.fix,
                first_row=int(kept()[exc.first_row]),
                n_rows=exc.n_rows,
            ) from None

    return call


def _after(ticks: np.ndarray, end_tick: int) -> np.ndarray:
    """The rows at or after *end_tick* (every row when it is before them all)."""
    return ticks >= max(end_tick, _I64_MIN + 1)


def _group_kept(
    ids: Any,
    field: str,
    ticks: np.ndarray,
    end_tick: int,
    n_dropped: int,
    fix: str | None = None,
) -> _Groups:
    """:func:`_group_ids` of the *ids* :func:`_apply_cutoff` kept, an error
    naming the row of the input (*ticks*: every row's, *end_tick* the cut;
    *fix*: for missing ids, as :func:`_group_ids` takes it)."""
    if not n_dropped:
        return _group_ids(ids, field, fix=fix)
    kept = rows_of(lambda: np.flatnonzero(~_after(ticks, end_tick)))
    return kept(partial(_group_ids, ids, field, fix=fix))


def _apply_cutoff(
    ids: Any,
    ticks: np.ndarray,
    amounts: np.ndarray | None,
    end_tick: int,
    policy: AfterPolicy,
    field: str,
    cutoff_name: str,
    cutoff: np.datetime64 | str,
) -> tuple[Any, np.ndarray, np.ndarray | None, int]:
    """Refuse or drop rows at or after *end_tick* (the start of the day after)."""
    v.choice(policy, f"after_{cutoff_name}", ("raise", "drop"))
    if not len(ticks) or int(ticks.max()) < end_tick:
        return ids, ticks, amounts, 0
    after = _after(ticks, end_tick)
    first, count = v.first_offender(after)
    if policy == "raise":
        raise InputError(
            field,
            f"has transactions after {cutoff_name} ({cutoff})",
            first_row=first,
            n_rows=count,
            fix=f"pass a later {cutoff_name}, filter the rows, or use "
            f"after_{cutoff_name}='drop'"
            + (
                " (on the command line: --after-as-of drop)"
                if cutoff_name == "as_of"
                else ""
            )
            + " to drop them",
        )
    keep = ~after
    if not hasattr(ids, "dtype"):  # a list: never through NumPy text (see _id_values)
        ids = _id_values(ids, "customer_id")
    ids = ids.iloc[keep] if hasattr(ids, "iloc") else ids[keep]
    return ids, ticks[keep], None if amounts is None else amounts[keep], count


def summarize(
    customer_id: Any,
    date: Any,
    amount: Any,
    *,
    as_of: Any = None,
    frequency: Literal["transactions", "days"] = "transactions",
    zero_amount: Literal["purchase", "ignore"] = "purchase",
    after_as_of: AfterPolicy = "raise",
    order_id: Any = None,
) -> CustomerFacts:
    """Summarise transactions (*customer_id*, *date*, *amount*) into per-customer facts.

    One transaction per row. Positive amounts are purchases; negative amounts
    are refunds, which reduce ``monetary`` but are not purchases (they do not
    count in ``frequency`` and do not move ``first_purchase`` or
    ``last_purchase``). A customer who only has refunds still gets a row, with
    ``frequency`` 0 and NaN recency.

    All day counts are in whole *calendar* days: ``as_of`` and every
    transaction are reduced to their day, so a purchase on the ``as_of`` day has
    recency 0 and one the day before has recency 1.

    Parameters
    ----------
    customer_id
        Customer of each transaction: integers, strings or any hashable values,
        all of one type. Two rows are one customer only when their ids are
        equal values of one type (``"a\\x00"`` is not ``"a"``; ``7`` and
        ``"7"`` in one column are an error). Missing ids are an error.
    date
        Date or timestamp of each transaction (``datetime64`` of any unit and
        byte order, pandas datetime, ISO 8601 text). Time-zone-aware pandas
        data counts in its local time.
    amount
        Amount of each transaction; negative for refunds. NaN is an error, and
        so are integers beyond 2**53 (not exact in ``float64``). Decimals of
        up to 8 places are summed exactly; a ``Decimal`` of more places is
        summed as its ``float64``, in binary (round such amounts first).
        An amount other than 0 that ``float64`` reads as 0
        (``Decimal("1E-400")``) is an error; an ``np.longdouble`` amount is
        read as its ``float64`` when that holds it exactly, else as the
        ``Decimal`` it prints as.
    as_of
        The reference day: ISO 8601 text (``"2024-03-31"``, with a time or
        not), ``YYYYMMDD``, year-first text with ``/`` or ``.``
        (``"2024/03/31 23:00"``), or a date value. Default: the day after
        the last transaction, so
        the most recent customer has recency 1 (with *order_id*, the day
        after the last line: an order is dated by its first line, so its
        customer's recency is more when its lines span days). The day used
        is reported back as ``CustomerFacts.as_of``.
    frequency
        ``"transactions"`` (default) counts purchase rows; ``"days"`` counts
        distinct days with a purchase (several tickets on one visit count once).
    zero_amount
        ``"purchase"`` (default): a row with amount 0 is a purchase (a fully
        discounted order or a free sample is still a visit); ``"ignore"``: it
        is neither a purchase nor a refund.
    after_as_of
        Transactions dated after ``as_of``: ``"raise"`` (default) raises
        :class:`~custseg.errors.InputError`; ``"drop"`` drops them and reports
        how many in ``CustomerFacts.n_dropped`` (customers with nothing left
        are not in the result: they were not customers yet).
    order_id
        The order of each row, when the rows are order lines (one row per
        product of a basket): the lines sharing a customer and an order id
        are then one transaction, dated by its earliest line, its amount
        the sum of its lines (see :func:`custseg.orders_from_lines`); an
        order netting to less than zero is a refund. ``n_rows`` then counts
        orders; lines after ``as_of`` are dropped (or refused) one by one.
        Default: each row is a transaction.

    Returns
    -------
    CustomerFacts
        Aligned arrays, one entry per customer, sorted by id.

    Raises
    ------
    InputError
        Missing ids, ids of mixed types, boolean or unhashable ids, NaT dates,
        dates out of range of their unit, NaN or infinite amounts, a
        customer's sum overflowing ``float64``, columns of unequal length, or
        transactions after ``as_of``.

    Notes
    -----
    ``monetary`` does not depend on the row order: decimal amounts of few
    places (money) are summed exactly, and other amounts to the exactly
    rounded sum (``-1e16 + 1/3 + 1e16`` is ``1/3``; see :mod:`custseg._exact`
    and the docs' *Amounts*).

    When the process may use more than one CPU, large inputs use a second
    thread: from about two million customers on (when the per-customer
    arrays outgrow the CPU cache) the sums and counts run beside the first
    and last dates, and ids ranked through a presence bitmap of more than
    about 16 million values are looked up half in each thread. Each
    aggregate is still one pass in row order, so the answer is the same, bit
    for bit; only the time changes.

    Examples
    --------
    >>> facts = summarize(
    ...     ["ann", "bob", "ann", "ann", "cy"],
    ...     ["2024-03-01", "2024-03-02", "2024-03-20", "2024-03-25", "2024-03-30"],
    ...     [100.0, 40.0, 60.0, -20.0, 0.0],
    ... )
    >>> facts.as_of
    np.datetime64('2024-03-31')
    >>> facts.customer_id.tolist(), facts.frequency.tolist()
    (['ann', 'bob', 'cy'], [2, 1, 1])
    >>> facts.recency_days.tolist(), facts.monetary.tolist()
    ([11.0, 29.0, 1.0], [140.0, 40.0, 0.0])

    The same rows as lines of orders: Ann's first two lines are one basket.

    >>> lines = summarize(
    ...     ["ann", "bob", "ann", "ann", "cy"],
    ...     ["2024-03-01", "2024-03-02", "2024-03-01", "2024-03-25", "2024-03-30"],
    ...     [100.0, 40.0, 60.0, -20.0, 0.0],
    ...     order_id=[1, 2, 1, 3, 4],
    ... )
    >>> lines.frequency.tolist(), lines.monetary.tolist(), lines.n_rows
    ([1, 1, 1], [140.0, 40.0, 0.0], 4)
    """
    return _summarize(
        customer_id,
        date,
        amount,
        as_of=as_of,
        frequency=frequency,
        zero_amount=zero_amount,
        after_as_of=after_as_of,
        fields=("customer_id", "date", "amount"),
        order_id=order_id,
    )


#: From this many slots (customers) on, the summary's per-slot arrays
#: (8 bytes each) outgrow the cache and every scatter pass waits on memory
#: for most rows. Its bincounts release the GIL and ``ufunc.at`` does not, so
#: the bincounts then run in a second thread while the ``ufunc.at`` passes
#: run in the caller's: 100M rows of 10M customers, 4.3 s for the four
#: passes one after the other, 2.6 s overlapped; at 1M customers, in cache,
#: it saves little (0.13 s to 0.12 s), below that nothing
#: (``benchmarks/bench_partition.py``).
_OVERLAP_SLOTS = 1 << 21
#: From this many, when the groups are still to be sorted (hashed ids) and
#: the codes need no copy for it: the second thread then sorts them too
#: (10M rows of 1M ids, best of 7 in one process, without and with the
#: thread: phone numbers 0.375 s and 0.341 s, 8-character codes 0.449 and
#: 0.410, hex digests 0.689 and 0.669)
_OVERLAP_SORT_SLOTS = 1 << 17


def _first_last(
    codes: np.ndarray,
    ticks: np.ndarray,
    slots: int,
    others: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The earliest and the latest of *ticks* per slot of *codes*, leaving out
    the rows *others* marks (``_I64_MAX`` and ``_I64_MIN`` where none).

    Rows left out go to a slot past *slots*, chunk by chunk in a small
    buffer, instead of into a copy of the codes (8 bytes a row). When the
    ticks come in long runs of one value (dates without a time of day, see
    :func:`_tick_runs`), each extreme is written run by run
    (:func:`_write_extreme`); otherwise ``ufunc.at``, which holds the GIL to
    its end, is called chunk by chunk, so that a second thread's passes
    (sums, counts, the sort of the groups) each wait at most one chunk to
    start; past the cache, with the two extremes paired in one table
    (:func:`_paired_extremes`).

    >>> first, last = _first_last(np.array([1, 0, 1]), np.array([5, 7, 3]), 3,
    ...                           np.array([False, False, True]))
    >>> first.tolist(), last.tolist()
    ([7, 5, 9223372036854775807], [7, 5, -9223372036854775808])
    """
    extra = others is not None
    runs = _tick_runs(ticks, slots)
    if runs is None and slots >= _PAIRED_SLOTS:
        return _paired_extremes(codes, ticks, slots, others)
    first = np.full(slots + extra, _I64_MAX, dtype=np.int64)
    last = np.full(slots + extra, _I64_MIN, dtype=np.int64)
    # one table at a time: the two interleaved chunk by chunk took twice as
    # long once both were no longer in cache together (1M slots); past the
    # cache, the two paired in one table (above) miss once a row, not twice
    for largest, out in ((True, last), (False, first)):
        _write_extreme(out, codes, ticks, largest, runs, others, slots)
    return first[:slots], last[:slots]


def _paired_extremes(
    codes: np.ndarray,
    ticks: np.ndarray,
    slots: int,
    others: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_first_last` past the cache, by ``ufunc.at``: each slot's
    earliest and latest side by side in one table (entries ``2 * slot`` and
    ``2 * slot + 1``), both written chunk by chunk, so that a row's two
    updates touch one cache line, which the second finds still in cache.

    Past the last-level cache each update misses on most rows; the two
    extremes in tables of their own miss twice a row. Paired: 8M slots, 84M
    rows of ticks in order, 1.23 s against 1.59 s; 10M slots, 100M rows of
    ticks in no order, 1.39 s against 1.97 s; but 2M slots (32 MB together)
    0.23 s against 0.17 s, and 1M slots 0.069 s against 0.042 s, the two
    tables being in cache there (best of 3, 2 December 2026 machine).

    >>> first, last = _paired_extremes(np.array([1, 0, 1]), np.array([5, 7, 3]),
    ...                                3, np.array([False, False, True]))
    >>> first.tolist(), last.tolist()
    ([7, 5, 9223372036854775807], [7, 5, -9223372036854775808])
    """
    n = len(codes)
    table = np.empty(2 * (slots + 1), dtype=np.int64)
    table[0::2] = _I64_MAX
    table[1::2] = _I64_MIN
    buffer = np.empty(min(n, _PAIRED_CHUNK), dtype=np.intp)
    for start in range(0, n, _PAIRED_CHUNK):
        stop = min(n, start + _PAIRED_CHUNK)
        part = buffer[: stop - start]
        np.multiply(codes[start:stop], 2, out=part)
        if others is not None:  # to the slot past the customers'
            np.copyto(part, 2 * slots, where=others[start:stop])
        values = ticks[start:stop]
        np.minimum.at(table, part, values)
        part += 1
        np.maximum.at(table, part, values)
    last = table[1 : 2 * slots : 2].copy()
    first = table[0 : 2 * slots : 2].copy()
    return first, last


#: slots from which :func:`_first_last` pairs the extremes (two 32 MB
#: tables: past the 32 MB last-level cache of the machines measured), and
#: rows per chunk there (a 128 kB buffer of codes, 16k rows: their lines,
#: 1 MB, stay in cache from one extreme to the other)
_PAIRED_SLOTS = 1 << 22
_PAIRED_CHUNK = 1 << 14


def _tick_runs(ticks: np.ndarray, slots: int, per: int = 1) -> np.ndarray | None:
    """The bounds of the runs of consecutive *ticks* of equal ``ticks //
    per`` (0, the start of each run after the first, then ``len(ticks)``),
    or ``None`` when the runs hold fewer than :data:`_RUN_ROWS` rows on
    average or the extremes are fewer than :data:`_RUN_SLOTS` slots (in
    cache, where ``ufunc.at`` is as fast).

    Dates without a time of day come in such runs when the rows are in date
    order, newest first or last, or in a few blocks of dates (one a store);
    so do timestamps in date order, by day (*per* ticks a day), for callers
    that need only the day of an extreme. The pass stops as soon as there
    are too many runs: timestamps to the second, or rows in no order, cost
    a few chunks.

    >>> _tick_runs(np.repeat([3, 1, 3], 4096), 1 << 20).tolist()
    [0, 4096, 8192, 12288]
    >>> _tick_runs(np.arange(8192), 1 << 20) is None
    True
    >>> _tick_runs(np.arange(8192), 1 << 20, per=4096).tolist()
    [0, 4096, 8192]
    """
    n = len(ticks)
    most = n // _RUN_ROWS  # the runs after the first
    if most < 1 or slots < _RUN_SLOTS:
        return None
    found = [np.zeros(1, dtype=np.intp)]
    count = 0
    for start in range(0, n - 1, CHUNK):
        part = ticks[start : start + CHUNK + 1]
        if per != 1:
            part = np.floor_divide(part, per)
        ends = np.flatnonzero(part[1:] != part[:-1])
        count += len(ends)
        if count > most:
            return None
        ends += start + 1
        found.append(ends)
    found.append(np.array([n], dtype=np.intp))
    return np.concatenate(found)


#: rows a run of equal ticks holds on average, and slots the extremes have,
#: for :func:`_write_extreme` to write run by run: about 3 us a run for the
#: two extremes; 10M rows, best of 5, run by run against ``ufunc.at``: 1M
#: slots (8 MB tables), runs of 1024 rows 0.111-0.116 s vs 0.094-0.146, of
#: 2048 rows 0.080-0.091 vs 0.113-0.136; 2M slots, 0.105 vs 0.204; 300k
#: slots (in cache), 4096 rows 0.052 vs 0.053 and 1024 rows 0.086 vs 0.055
_RUN_ROWS = 1 << 11
_RUN_SLOTS = 1 << 20


def _write_extreme(
    out: np.ndarray,
    codes: np.ndarray,
    ticks: np.ndarray,
    largest: bool,
    runs: np.ndarray | None = None,
    others: np.ndarray | None = None,
    slot: int = 0,
) -> None:
    """Lower (or, *largest*, raise) ``out[codes]`` to *ticks*, sending the
    rows *others* marks to *slot* (chunk by chunk, in a small buffer).

    With the *runs* of :func:`_tick_runs`, each run's rows are assigned its
    first tick, the runs in order of those ticks (ascending for the
    largest): repeated codes in one assignment are given the same value, so
    whichever NumPy writes last does not matter, and each slot keeps the
    tick of the last run it is in, its extreme (or, with runs by ``// per``,
    a tick of the extreme's day: ``// per`` does not decrease with the
    tick). Plain assignments release the GIL and
    skip ``ufunc.at``'s read and compare (100M rows of 10M customers, dates
    without a time of day in 1,461 runs: 1.7-2.3 s for both extremes against
    3.0-3.6 s). Without runs: ``ufunc.at``, chunk by chunk.

    >>> out = np.full(3, -9, dtype=np.int64)
    >>> codes, ticks = np.array([0, 2, 0, 0, 2]), np.array([4, 4, 7, 7, 1])
    >>> _write_extreme(out, codes, ticks, True, np.array([0, 2, 4, 5]))
    >>> out.tolist()
    [7, -9, 4]
    """
    n = len(codes)
    buffer = np.empty(min(n, _EXTREMES_CHUNK) if others is not None else 0, np.intp)
    if runs is None:
        pieces: Any = [(None, 0, n)]
    else:
        order = np.argsort(ticks[runs[:-1]], kind="stable")
        pieces = (
            (ticks[runs[i]], runs[i], runs[i + 1])
            for i in (order if largest else order[::-1]).tolist()
        )
    extreme = np.maximum if largest else np.minimum
    for value, begin, end in pieces:
        for start in range(int(begin), int(end), _EXTREMES_CHUNK):
            stop = min(int(end), start + _EXTREMES_CHUNK)
            part = codes[start:stop]
            if others is not None:
                part = buffer[: stop - start]
                np.copyto(part, codes[start:stop])
                np.copyto(part, slot, where=others[start:stop])
            if value is None:
                extreme.at(out, part, ticks[start:stop])
            else:
                out[part] = value


#: rows per chunk of :func:`_first_last` (a 2 MB buffer of codes)
_EXTREMES_CHUNK = 1 << 18


def _days_to(day: int, ticks: np.ndarray, per_day: int) -> np.ndarray:
    """Whole days from each of *ticks* (``per_day`` to a day) to *day*, as
    ``float64``: counted in ``int64`` chunk by chunk, so the one new array is
    the answer (exact below 2**53 days, which the day-span check ensures,
    however large the day numbers themselves).

    >>> _days_to(10, np.array([0, 86_399, 86_400, -1]), 86_400).tolist()
    [10.0, 10.0, 9.0, 11.0]
    >>> _days_to(2**53 + 1, np.array([2**53]), 1).tolist()  # not 2**53 - 2**53
    [1.0]
    """
    n = len(ticks)
    out = np.empty(n, dtype=np.float64)
    days = np.empty(min(n, CHUNK), dtype=np.int64)
    for start in range(0, n, CHUNK):
        part = days[: min(CHUNK, n - start)]
        np.floor_divide(ticks[start : start + CHUNK], per_day, out=part)
        np.subtract(day, part, out=part)  # wraps only for customers set NaN
        out[start : start + CHUNK] = part
    return out


def _summarize(
    customer_id: Any,
    date: Any,
    amount: Any,
    *,
    as_of: Any = None,
    frequency: Literal["transactions", "days"] = "transactions",
    zero_amount: Literal["purchase", "ignore"] = "purchase",
    after_as_of: AfterPolicy = "raise",
    fields: tuple[str, str, str] = ("customer_id", "date", "amount"),
    order_id: Any = None,
    order_field: str = "order_id",
    command_line: bool = True,
) -> CustomerFacts:
    """Implementation of :func:`summarize` with the field names for errors;
    *command_line*: the fix for missing customer ids names the option of
    the commands that run it (``--missing-customer drop``); False for a
    function no command runs (:func:`custseg.segment_history`)."""
    f_id, f_date, f_amount = fields
    ids_fix = _command_ids_fix(f_id) if command_line else None
    v.choice(frequency, "frequency", ("transactions", "days"))
    v.choice(zero_amount, "zero_amount", ("purchase", "ignore"))
    v.choice(after_as_of, "after_as_of", ("raise", "drop"))
    if amount is None:
        raise InputError(
            f_amount,
            "is required, got None",
            fix="pass one amount per transaction (1.0 for each row to count "
            "purchases only)",
        )
    orders = None
    if order_id is not None:
        from . import orders as _orders

        common_row_index(
            **{f_id: customer_id, f_date: date, f_amount: amount, order_field: order_id}
        )
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    assert amounts is not None
    if order_id is not None:
        orders = _orders.order_values(order_id, len(dates), order_field, f_date)
    per_day = _day_ticks(dates)
    ticks = dates.view(np.int64)
    if as_of is None:
        if not len(ticks):
            raise InputError(
                f_date,
                "is empty, so there is no default as_of",
                fix="pass as_of explicitly",
            )
        as_of_day = int(ticks.max() // per_day) + 1
        if as_of_day >= _I64_MAX:  # datetime64[D] stops at 2**63 - 2 days
            raise InputError(
                f_date,
                "ends on the last day datetime64 holds, so there is no day after "
                "it for the default as_of",
                fix="pass as_of explicitly, or check the column's unit",
            )
    else:
        as_of_day = v.day_number(as_of, "as_of", like=date)
    as_of_d = np.datetime64(as_of_day, "D")
    all_ticks, all_amounts = ticks, amounts
    ids, ticks, amounts, n_dropped = _apply_cutoff(
        ids,
        ticks,
        amounts,
        (as_of_day + 1) * per_day,
        after_as_of,
        f_date,
        "as_of",
        as_of_d,
    )
    assert amounts is not None
    end_tick = (as_of_day + 1) * per_day
    # errors about a row of those kept name its row of the input
    kept = rows_of(lambda: np.flatnonzero(~_after(all_ticks, end_tick)))
    # the lines (ids, amounts) to sum monetary from, when orders' sums round
    line_sums: tuple[Any, np.ndarray] | None = None
    # per-slot monetary summed from the lines with the orders' signs
    raw_monetary: np.ndarray | None = None
    if orders is not None:  # the lines left, collapsed into orders
        if n_dropped:
            orders = _orders.take(orders, ~_after(all_ticks, end_tick))
        # each order's first line and earliest tick (no line counts)
        lines = kept(
            partial(_orders.order_lines, ids, orders, (f_id, order_field), fix=ids_fix)
        )
        ticks = _orders.order_earliest(lines, ticks)
        if amounts.dtype.kind == "f" and decimal_scale(amounts) is None:
            # amounts of many digits: monetary is the exact net of the lines
            # (rounding each order's sum first could lose a unit: 1e16 + 1),
            # summed with the orders' signs once the customers are grouped
            line_sums = ids, amounts
        else:  # each order's exact sum
            amounts = kept(
                partial(_orders.order_amounts, lines, amounts, orders, f_amount)
            )
        ids = _orders.take(ids, lines.rows)
    # hashed ids' groups unsorted: sorted beside the passes below (in the
    # second thread past the cache), only the k aggregates taken in order
    groups = kept(partial(_group_ids, ids, f_id, ordered=False, fix=ids_fix))
    del ids  # (an Arrow copy of object text ids: 17 bytes a row for "C%08d")
    if line_sums is not None:
        # each order's sign and each customer's net from the lines in one
        # pass (the orders' slots are their customers'); past its bounds,
        # each order summed, and the customers' nets from the lines below
        both = order_sums(
            amounts, lines.line, len(lines.rows), groups.codes, groups.size
        )
        if both is None:
            amounts = kept(
                partial(_orders.order_amounts, lines, amounts, orders, f_amount)
            )
        else:
            amounts, raw_monetary = both
            line_sums = None
    if orders is not None:
        del orders, lines

    size = groups.size
    # the other rows (refunds, and zero amounts when ignored), or None; a
    # reduction first, to spare the mask (a byte a row) when there are none
    lowest = amounts.min() if len(amounts) else 1
    ignore = zero_amount == "ignore"
    others = None
    if lowest <= 0 if ignore else lowest < 0:
        others = amounts <= 0 if ignore else amounts < 0
    # past the cache, the bincounts run in a second thread beside the
    # extremes (see _threads), and from fewer customers when their
    # groups are still to be sorted, unless that would cost a copy of the
    # codes (distinct days with other rows, below); each aggregate is still
    # one pass in row order, so the answer is the same either way
    copies = others is not None and frequency == "days"
    sort_beside = groups.order is not None and not copies
    beside_from = _OVERLAP_SORT_SLOTS if sort_beside else _OVERLAP_SLOTS
    overlap = size >= beside_from and _threads.spare_cpu()
    # the decimal check here, in this thread: its chunks would wait for the
    # GIL behind each ufunc.at chunk in the second thread
    scale = decimal_scale(amounts) if raw_monetary is None else None

    def money(groups: _Groups) -> np.ndarray:
        if raw_monetary is not None:
            return groups.summed(raw_monetary, f_amount)
        return groups.total(amounts, field=f_amount, scale=scale)

    if not overlap:
        monetary = money(groups)
    codes, slots = groups.codes, size
    if copies or (others is not None and not overlap):
        # the other rows go to a slot past the customers': written over the
        # codes when they are ours and summed already, else into a copy (the
        # sums beside read them). Past the cache, counting transactions, the
        # rows are left out chunk by chunk instead (see _first_last) and
        # their counts subtracted, sparing that copy (8 bytes a row; 800 MB
        # at 100M rows, which took longer than the chunks)
        codes = codes if groups.owned and not overlap else codes.copy()
        np.copyto(codes, size, where=others)
        slots, others = size + 1, None

    def purchases(codes: np.ndarray, others: np.ndarray | None) -> np.ndarray:
        """Purchases (or distinct purchase days) per slot."""
        if frequency == "days":
            return _distinct_counts(codes, values=ticks, size=slots, per=per_day)
        per = np.bincount(codes, minlength=slots)
        if others is not None:  # exact: counts, not sums
            per -= np.bincount(codes[others], minlength=slots)
        return per

    if overlap:
        # Past the cache the sums, then the purchase counts, run in a second
        # thread beside the extremes; the sums' compaction sorts the
        # groups when they are still to be sorted (hashed ids). Transactions
        # are counted half the rows at a time, so that this thread, once
        # done with its passes, counts one half while the second thread
        # ends the other (100M rows of 10M e-mail ids: 3.2 s of ufunc.at
        # here, 1.5 s of sums and 2.6 s of sorting there; of 8-character
        # codes, 2.8 s here, 0.9 s of sums and 1.7 s of sorting there, then
        # 1.1 s of counts, which this thread waited for when they were one)
        counting = [partial(purchases, codes, others)]
        if frequency == "transactions":
            half = len(codes) // 2
            counting = [
                partial(
                    purchases, codes[rows], None if others is None else others[rows]
                )
                for rows in (slice(0, half), slice(half, None))
            ]
        finish = _threads.shared(partial(money, groups), *counting)
        del counting
    try:
        first_slots, last_slots = _first_last(codes, ticks, slots, others)
    except BaseException:  # an interrupt: nothing left running behind it
        if overlap:
            finish.abandon()
        raise
    if overlap:
        monetary, per_slot, *more = finish()
        for counted in more:  # the other half's counts
            per_slot += counted
        del finish, more  # and the codes, the mask and the results they hold
    else:
        per_slot = purchases(codes, others)
    # each per-slot array let go of once compacted (taken in id order, it
    # is a new array when the groups were sorted after grouping)
    freq = groups.compact(per_slot[:size], scratch=True)
    del per_slot
    last = groups.compact(last_slots[:size], scratch=True)
    del last_slots
    first = groups.compact(first_slots[:size], scratch=True)
    del codes, others, first_slots
    # the ids are made last (Python strings for text, at the peak of memory),
    # without the codes (8 bytes a row), which nothing needs any more
    ids_of = attrs.evolve(groups, codes=np.empty(0, dtype=np.intp))
    del groups
    if len(first):  # the earliest purchase, from the customers' (few) firsts
        _check_day_span(
            all_ticks,
            per_day,
            as_of_day,
            f_date,
            "as_of",
            lowest=int(first.min()),
            # (lines: those of an order are not purchases one by one)
            among=None
            if order_id is not None
            else lambda: (
                all_amounts > 0 if zero_amount == "ignore" else all_amounts >= 0
            ),
        )
    none = freq == 0
    first[none] = _I64_MIN  # NaT
    unit = dates.dtype
    if line_sums is not None:  # the same customers, in id order
        monetary = _group_ids(line_sums[0], f_id).total(line_sums[1], field=f_amount)
    recency = _days_to(as_of_day, last, per_day)
    tenure = _days_to(as_of_day, first, per_day)
    recency[none] = np.nan
    tenure[none] = np.nan
    return CustomerFacts(
        customer_id=ids_of.ids,
        recency_days=recency,
        frequency=freq.astype(np.int64, copy=False),
        monetary=monetary,
        first_purchase=first.view(unit),
        last_purchase=last.view(unit),
        tenure_days=tenure,
        as_of=as_of_d,
        n_rows=len(ticks),
        n_dropped=n_dropped,
    )
