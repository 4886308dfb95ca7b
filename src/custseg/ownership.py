"""Ownership (分户): every customer has exactly one owner on the staff.

"Everyone manages accounts, every account has a manager" (人人要管户，户户有人管).
:func:`assign_owners` gives every customer one owner, keeps existing
relationships where it can, and balances the workload (number of customers)
and the book value (sum of customer value) across the staff.
:func:`neglected` flags high-value customers nobody has contacted for a
while, and :func:`reassign_neglected` moves them to the least-loaded owner.

Balanced, exactly
-----------------
With ``n`` customers, total value ``V``, staff ``j`` with capacity ``cap_j``
(unlimited by default) and a relative ``tolerance``:

* the *fair count* ``f_j = min(cap_j, L)``, with the water level ``L`` such
  that the fair counts add up to ``n`` (everyone ``n / k`` without capacities);
* the *fair book* ``g_j = V * f_j / n`` (value in proportion to the fair count);
* the workload is balanced when every count is within
  ``max(tolerance * f_j, 1)`` customers of ``f_j`` (never above ``cap_j``);
* the book value is balanced when every book is within
  ``max(tolerance * g_j, largest customer value)`` of ``g_j``.

A customer cannot be split, so one customer (one count, the largest value)
is the finest balance any split can promise; custseg never asks for less.

Layer 1: NumPy and attrs only; pandas is imported only in ``to_frame``.
"""

from __future__ import annotations

import bisect
import contextlib
import decimal
import heapq
import itertools
import math
import numbers
import re
import warnings
from collections.abc import Hashable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    common_index,
    flat_ids,
    is_pandas,
    other_ids,
    row_numbers,
    to_pandas_index,
)
from ._categories import MISSING, YES_NO_ALIASES, as_category
from ._exact import decimal_scale, order_free_sums
from .errors import CustsegWarning, InputError, ThresholdError
from .labels import Labels, _is_rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CHANGES",
    "Assignment",
    "assign_owners",
    "neglected",
    "reassign_neglected",
]

#: The names of :attr:`Assignment.change`, in this order.
CHANGES = ("kept", "assigned", "forced", "moved")
_KEPT, _ASSIGNED, _FORCED, _MOVED = range(4)
_NO_OWNER, _LEFT = -1, -2
#: Share of the value to carry that bulk exchanges carry before the precise
#: one-at-a-time exchanges take over (measured: more moves above it, slower below).
_BULK_SHARE = 0.5
#: Most staff per round for which rounds of a deal run in plain Python (more:
#: one NumPy pass per round is faster).
_PY_ROUNDS = 24
#: Fewest staff per block of :class:`_StaffOrder` (blocks hold about
#: ``sqrt(k)``: a step scans one block and the best of each block).
_MIN_BLOCK = 64


# --------------------------------------------------------------------------
# inputs


_TEXT = np.frompyfunc(v.id_text, 1, 1)


def _text_ids(x: Any, field: str) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Ids as an array of ``str``, a mask of the missing ones, and the ids
    as given (a list's own items; Python scalars of an array or a column).

    Whole numbers are written as integers (``7.0`` is ``"7"``, as read from a
    CSV column with blanks); text stays as it is.
    """
    if isinstance(x, Labels):
        text = x.to_numpy().astype(object)
        return text, np.zeros(len(x), dtype=bool), text.tolist()
    if isinstance(x, list | tuple):  # NumPy would turn [7.0, "7", None] into text
        arr = np.fromiter(x, dtype=object, count=len(x))
    else:
        arr = v._to_numpy(x, field)
    given = arr.tolist()
    # bytes (a NumPy "S" array, an Arrow binary column) as the UTF-8 text
    # they hold, as customer ids and every other text are read: b"amy" is
    # staff "amy"; bytes that are not UTF-8 are an error saying so
    arr = v.bytes_as_text(arr, field)
    kind = arr.dtype.kind
    if kind in "Uiu":
        text = arr.astype(str).astype(object)
        return text, np.zeros(len(arr), dtype=bool), given
    if kind == "b":
        raise InputError(field, "is boolean, not ids", fix="pass staff ids")
    text = _TEXT(arr.astype(object)) if len(arr) else np.array([], dtype=object)
    bad = np.fromiter((t is False for t in text), dtype=bool, count=len(text))
    if bad.any():
        first, count = v.first_offender(bad)
        raise InputError(
            field,
            f"has values that are not ids ({v.describe(arr[first])})",
            first_row=first,
            n_rows=count,
            fix="use text or whole numbers as staff ids",
        )
    missing = np.fromiter((t is None for t in text), dtype=bool, count=len(text))
    text[missing] = ""
    return text, missing, given


def _staff_names(staff: Any) -> tuple[tuple[str, ...], tuple[Hashable, ...]]:
    """The staff ids as text (how owners are compared: ``7`` and ``"7"`` are
    one id) and as given (what the results hold, so that they join back
    onto the staff table), checked: each once, none missing."""
    if isinstance(staff, set | frozenset):
        raise InputError(
            "staff",
            "must be a list of staff ids: got a set, whose order is not fixed "
            "from run to run (a capacity sequence and the results follow the "
            "staff's order)",
            fix="pass a list, e.g. sorted(staff)",
        )
    if isinstance(staff, Mapping):
        raise InputError(
            "staff",
            "must be a list of staff ids: got a mapping",
            fix="pass its keys, list(staff), and the capacities apart (capacity=staff)",
        )
    if isinstance(staff, Iterator):
        raise InputError(
            "staff",
            "must be a list of staff ids: got an iterator, which is read once",
            fix="pass list(staff)",
        )
    if isinstance(staff, str | bytes) or staff is None:
        raise InputError(
            "staff",
            f"must be a sequence of staff ids: got {v.describe(staff)}",
            fix="pass a list of staff ids, e.g. ['amy', 'bo']",
        )
    names, missing, given = _text_ids(staff, "staff")
    if missing.any():
        first, count = v.first_offender(missing)
        raise InputError(
            "staff",
            "has missing ids",
            first_row=first,
            n_rows=count,
            fix="drop the empty rows",
        )
    if not len(names):
        raise InputError("staff", "is empty", fix="give at least one staff id")
    seen: dict[str, int] = {}
    for i, name in enumerate(names.tolist()):
        if name in seen:
            raise InputError(
                "staff",
                f"has duplicate id {name!r} (rows {seen[name]} and {i})",
                first_row=i,
                fix="list each staff member once",
            )
        seen[name] = i
    note = _alike_staff(list(seen))
    if note is not None:  # _staff_names < _inputs < assign_owners < the caller
        warnings.warn(note, CustsegWarning, stacklevel=4)
    return tuple(names.tolist()), _of_one_kind(tuple(given), tuple(names.tolist()))


def _of_one_kind(
    given: tuple[Hashable, ...], names: tuple[str, ...]
) -> tuple[Hashable, ...]:
    """The staff ids the results hold: as *given* when they are all text or
    all numbers (a staff table keyed by them joins them back), else their
    *names* (text): a column of numbers and text mixed is one no table is
    keyed by, and one pandas summaries refuse.

    >>> _of_one_kind((7, 8), ("7", "8")), _of_one_kind((7, "007"), ("7", "007"))
    ((7, 8), ('7', '007'))
    """
    if all(isinstance(x, str) for x in given):
        return given
    numbers = all(
        isinstance(x, int | float | np.integer | np.floating)
        and not isinstance(x, bool | np.bool_)
        for x in given
    )
    return given if numbers else names


def _staff_index(staff: tuple[Hashable, ...], name: str | None = None) -> Any:
    """The staff ids as given, as a :class:`pandas.Index` named *name*: the
    categories of an :class:`Assignment`'s owners and the index of its
    workload, so that both join back onto a staff table keyed by its own ids
    (integers stay integers; a mix is made text first: :func:`_of_one_kind`).

    >>> _staff_index((7, 8), "owner")
    Index([7, 8], dtype='int64', name='owner')
    >>> _staff_index((7, "007")).tolist()
    [7, '007']
    """
    return to_pandas_index(list(staff), name)


def _same_count(instance: Any, attribute: Any, value: tuple[Hashable, ...]) -> None:
    if len(value) != len(instance.names):
        raise ThresholdError(
            f"'staff' must have one id per name ({len(instance.names)}): "
            f"got {len(value)}"
        )


@attrs.frozen(eq=False, repr=False)
class _Owners(Labels):
    """The owner of every customer: :class:`~custseg.Labels` whose names are
    the staff ids as text (as owners are compared) and whose pandas forms
    (:meth:`to_pandas`, :meth:`to_categorical`) hold the staff ids as given
    (*staff*, in the order of the names), so that they join back onto the
    staff table.

    >>> own = _Owners([1, 0, 1], ("7", "8"), staff=(7, 8), name="owner")
    >>> own.to_numpy().tolist(), own.to_pandas().tolist()
    (['8', '7', '8'], [8, 7, 8])
    """

    staff: tuple[Hashable, ...] = attrs.field(
        default=(), kw_only=True, validator=_same_count
    )

    def _categories(self) -> Any:
        return _staff_index(self.staff)

    def _named(self, value: Any, names: Mapping[Hashable, str]) -> Any:
        """A staff id as given (``7``) as the name the owners compare with
        (``"7"``: *names*, :meth:`_names_of_staff`); text and ids that are no
        staff member's as text writes them
        (:func:`~custseg._validate.id_text`), so an unknown one is named."""
        if isinstance(value, str):
            return value
        try:
            found = names.get(value)
        except TypeError:  # unhashable
            return value
        if found is not None:
            return found
        text = v.id_text(value)
        return text if isinstance(text, str) else value

    def _names_of_staff(self) -> dict[Hashable, str]:
        """Each staff id as given, and the name it is compared by."""
        return dict(zip(self.staff, self.names, strict=True))

    def _as_names(self, other: Any) -> Any:
        """*other* (one id, or one per row) with staff ids as given written
        as the owners' names; rows are checked first (their length, and a
        Series' index against the owners': compared rows must pair the same
        customers)."""
        if isinstance(other, Labels):
            return other
        lookup = self._names_of_staff()  # once, not once a row
        if not _is_rows(other):
            return self._named(other, lookup)
        rows = self._row_names(other)  # its length and index checked here
        names = np.empty(len(rows), dtype=object)
        names[:] = [self._named(x, lookup) for x in rows]
        return names

    def __eq__(self, other: object) -> Any:
        return super().__eq__(self._as_names(other))

    def __ne__(self, other: object) -> Any:
        return super().__ne__(self._as_names(other))

    __hash__ = None

    def isin(self, names: Any) -> np.ndarray:
        """As :meth:`Labels.isin`, the staff ids as given or as text.

        >>> own = _Owners([1, 0, 1], ("7", "8"), staff=(7, 8), name="owner")
        >>> own.isin([8]).tolist(), (own == 7).tolist(), own.isin(["8"]).tolist()
        ([True, False, True], [False, True, False], [True, False, True])
        """
        if isinstance(names, str | bytes) or not isinstance(names, Iterable):
            return super().isin(names)  # type: ignore[arg-type]  # its error
        lookup = self._names_of_staff()
        return super().isin([self._named(n, lookup) for n in names])

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_owners,
            (self.codes, self.names, self.ordered, self.index, self.name, self.staff),
        )


def _rebuild_owners(
    codes: np.ndarray,
    names: tuple[str, ...],
    ordered: bool,
    index: Any,
    name: Any,
    staff: tuple[Hashable, ...],
) -> _Owners:
    """The :class:`_Owners` of a pickle or a copy."""
    return _Owners(codes, names, ordered, index=index, name=name, staff=staff)


#: Most groups of look-alike staff ids a warning names (the rest are counted).
_SHOWN = 3


def _alike_staff(names: list[str]) -> str | None:
    r"""A warning naming the staff ids that read alike but are different
    texts, so different staff members (ids are compared exactly as
    written), by their code points and rows; else None. Alike is
    :func:`custseg._display.alike`: without invisible (format) characters
    such as U+200B, in one Unicode form (NFKC: an accent stored apart joined
    to its letter, full-width ``ａ`` as ``a``). Spaces are not looked
    through: ``' 7'`` and ``'7'`` are two staff members, as documented.

    >>> print(_alike_staff(["amy", "bo", "amy\u200b"]))
    staff ids 'amy' and 'amy\u200b' (rows 0 and 2) read alike but are different staff members (ids are compared exactly as written: they differ only by invisible characters or Unicode form, such as an accent stored apart or full-width letters): list one person once, spelled one way, and give different people ids that read differently
    >>> _alike_staff(["amy", "Amy", "7", " 7", "7.0"]) is None
    True
    """
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(_display.alike(name), []).append(i)
    alike = [rows for rows in groups.values() if len(rows) > 1]
    if not alike:
        return None

    def listed(items: list[str]) -> str:
        return ", ".join(items[:-1]) + " and " + items[-1]

    shown = [
        f"{listed([repr(_display.Escaped(names[i])) for i in rows])} (rows "
        f"{listed([str(i) for i in rows])})"
        for rows in alike[:_SHOWN]
    ]
    why = (
        "but are different staff members (ids are compared exactly as "
        "written: they differ only by invisible characters or Unicode form, "
        "such as an accent stored apart or full-width letters)"
    )
    if len(alike) == 1:
        text = f"staff ids {shown[0]} read alike {why}"
    else:
        more = len(alike) - len(shown)
        ids = sum(len(rows) for rows in alike)
        text = (
            f"{len(alike):,d} groups of staff ids ({ids:,d} ids) read alike "
            f"{why}: " + "; ".join(shown)
        )
        if more:
            text += f"; and {more:,d} more group{'s' if more != 1 else ''}"
    return (
        f"{text}: list one person once, spelled one way, and give different "
        "people ids that read differently"
    )


#: Where the library's look-alike owner warning says the staff ids are
#: (the command line, which names its staff file, sets that warning aside
#: by these words and gives its own).
LOOK_ALIKE_LISTED = "in the staff list"


#: A whole number as pandas may write it, with spaces around: ASCII digits
#: only (``\d`` is any Unicode digit: a full-width ``７`` is not ``7`` as
#: written, it differs by how it is stored), spaces of any kind (a reader
#: sees a no-break space as a space).
_WHOLE = re.compile(r"\s*([+-]?[0-9]+)(?:\.0*)?\s*")


def _loosely(text: str) -> str:
    r"""*text* without surrounding spaces, a ``.0`` after a whole number,
    invisible (format) characters such as U+200B, and in one Unicode form
    (NFKC: an accent stored as its own character, as macOS writes it, joined
    to its letter; full-width ``ａｍｙ`` as ``amy``), as
    :func:`custseg._align.written_apart` compares ids: how two ids may
    differ that a reader sees as one. Case is kept (:func:`_look_alike_key`
    folds it).

    >>> _loosely(" 7.0"), _loosely("A1 "), _loosely("7.5")
    ('7', 'A1', '7.5')
    >>> _loosely("Jose\u0301") == _loosely("Jos\u00e9"), _loosely("A\u200bB")
    (True, 'AB')
    >>> _loosely("\uff41\uff4d\uff59"), _loosely("\uff17.0")
    ('amy', '7')
    """
    text = _display.alike(text)
    m = _WHOLE.fullmatch(text)
    return m.group(1) if m else text.strip()


def _how_differs(value: str, near: str) -> str:
    r"""What sets owner *value* apart from staff id *near* (both loosely
    equal, but for case): spaces (and a ``.0``), letter case, or characters
    a screen does not show, named by their code points when they are not
    ASCII.

    >>> _how_differs(" amy", "amy"), _how_differs(" 7.0", "7"), _how_differs("7.0", "7")
    ('only by spaces', "only by spaces and a '.0'", "only by a '.0'")
    >>> _how_differs("Amy", "amy"), _how_differs(" AMY", "amy")
    ('only by letter case', 'only by letter case and spaces')
    >>> print(_how_differs("bo\u00a0", "bo"))
    only by spaces ('bo\xa0' (U+00A0) against 'bo')
    >>> text = _how_differs("Jose\u0301", "Jos\u00e9")
    >>> text.startswith("only by how its characters are stored"), "U+0301" in text
    (True, True)
    >>> _how_differs("JOSE\u0301", "Jos\u00e9").startswith("only by letter case and how")
    True
    >>> "U+FF17" in _how_differs("\uff17", "7")
    True
    >>> _how_differs("7", "007"), _how_differs("7.0", "07")
    ('only by leading zeros', "only by leading zeros and a '.0'")
    >>> _how_differs("+1", "1"), _how_differs("-07", "-7"), _how_differs("-0", "00")
    ('only by a sign', 'only by leading zeros', 'only by a sign and leading zeros')
    """
    spaced = value != value.strip() or near != near.strip()
    if value.strip() == near.strip():
        how = "only by spaces"
    elif value.strip().casefold() == near.strip().casefold():
        how = "only by letter case" + (" and spaces" if spaced else "")
    else:
        mine, theirs = _WHOLE.fullmatch(value), _WHOLE.fullmatch(near)
        if mine is None or theirs is None or _unpadded(mine[1]) != _unpadded(theirs[1]):
            case = "letter case and " if _loosely(value) != _loosely(near) else ""
            return (
                f"only by {case}how its characters are stored ({_display.spelled(value)} "
                f"against {_display.spelled(near)}: Unicode normal forms, full-width "
                "characters or invisible characters)"
            )
        signs = _sign(mine[1]) != _sign(theirs[1])  # '+1' and '-0': no zeros
        parts = ["a sign"] if signs else []
        parts += (
            ["leading zeros"] if mine[1].lstrip("+-") != theirs[1].lstrip("+-") else []
        )
        parts += ["spaces"] if spaced else []
        parts += ["a '.0'"] if "." in value + near else []
        how = "only by " + " and ".join(parts)
    if not (value + near).isascii():  # a no-break space: which one
        how += f" ({_display.spelled(value)} against {_display.spelled(near)})"
    return how


def _unpadded(digits: str) -> str:
    """A whole number's ASCII digits as ``str(int(digits))`` writes them:
    without a ``+`` and leading zeros (``"007"`` is ``"7"``, ``"000"`` and
    ``"-0"`` are ``"0"``); a ``-`` is kept before a number other than 0
    (``"-07"`` is ``"-7"``).

    >>> _unpadded("007"), _unpadded("+0"), _unpadded("-07"), _unpadded("-00")
    ('7', '0', '-7', '0')
    """
    body = digits.lstrip("+-").lstrip("0") or "0"
    return "-" + body if digits.startswith("-") and body != "0" else body


def _sign(digits: str) -> str:
    """The sign a whole number is written with (``+``, ``-`` or none).

    >>> _sign("+7"), _sign("-7"), _sign("7")
    ('+', '-', '')
    """
    return digits[0] if digits[:1] in ("+", "-") else ""


def _look_alike_key(text: str) -> str:
    """The key owners and staff ids are matched by to find look-alikes:
    :func:`_loosely`, letter case folded (``Amy`` and ``AMY`` for ``amy``,
    the commonest drift between a CRM export and a staff list) and a whole
    number's leading zeros dropped (a staff id ``007`` that a spreadsheet
    or a column of numbers wrote ``7``).

    >>> _look_alike_key(" AMY "), _look_alike_key("Jose\u0301") == _look_alike_key("JOS\u00c9")
    ('amy', True)
    >>> _look_alike_key("007"), _look_alike_key("7.0"), _look_alike_key("A007")
    ('7', '7', 'a007')
    """
    loose = _loosely(text)
    if _DIGITS.fullmatch(loose):
        loose = _unpadded(loose)
    return loose.casefold()


#: A whole number in ASCII digits, as :func:`_loosely` leaves one.
_DIGITS = re.compile(r"[+-]?[0-9]+")


#: Most look-alike owners a warning names (the others are counted).
_EXAMPLES = 3


def _look_alike_owners(
    owners: Iterable[Any], staff: tuple[str, ...]
) -> list[tuple[str, str, int]]:
    r"""``(owner, staff id, customers)`` of each owner that the assignment
    does not read as a staff member (so moves as one who left) but that
    differs from a staff id only by spaces, invisible characters, Unicode
    form, letter case, leading zeros or a sign; most customers first, then as
    first seen. *owners*
    are the customers' owners as given (missing ones skipped), *staff* the
    staff ids as text (``Assignment.owner.names``); an owner is read as
    :func:`assign_owners` reads it: a number by its text (``7.0`` stored as
    a number is ``7``), text exactly as written but for a ``.0`` of
    pandas' (:func:`written_as_float`), so an owner that kept its customers
    is never named. A staff id matched exactly but for case wins over one
    matched only with case folded.

    >>> _look_alike_owners(["amy ", "bo", "Bo", None, "7.0", "Bo"], ("amy", "bo", "7"))
    [('Bo', 'bo', 2), ('amy ', 'amy', 1)]
    """
    lookup = {s: j for j, s in enumerate(staff)}
    loose: dict[str, str] = {}
    for s in staff:
        loose.setdefault(_loosely(s), s)
    folded: dict[str, str] = {}
    for s in staff:
        folded.setdefault(_look_alike_key(s), s)
    raw: dict[Any, int] = {}
    texts: list[Any] = []  # values that are not hashable, one by one
    for value in owners:
        try:
            raw[value] = raw.get(value, 0) + 1
        except TypeError:
            texts.append(value)
    counts: dict[str, int] = {}
    for value, n in [*raw.items(), *((x, 1) for x in texts)]:
        text = v.id_text(value)  # once per distinct value
        if not isinstance(text, str) or text in lookup:
            continue  # missing, or a staff id as written
        if isinstance(value, float | np.floating) and text + ".0" in lookup:
            continue  # the number 7.0 is staff "7.0" (:func:`_owner_codes`)
        counts[text] = counts.get(text, 0) + n
    found: list[tuple[str, str, int]] = []
    for text, n in counts.items():  # distinct, in order
        if written_as_float(text, lookup) is not None:  # read as that staff id
            continue
        near = loose.get(_loosely(text))
        if near is None:
            near = folded.get(_look_alike_key(text))
        if near is not None:
            found.append((text, near, n))
    found.sort(key=lambda x: -x[2])  # stable: most customers, then first seen
    return found


def _look_alike_note(
    found: list[tuple[str, str, int]],
    listed: str = LOOK_ALIKE_LISTED,
    write: str = "write the owners as the staff ids are written",
) -> str:
    r"""The warning for the look-alike owners *found*
    (:func:`_look_alike_owners`): it counts every such owner and their
    customers and names the first few, each with its staff id and how the
    two differ. *listed* says where the staff ids are and *write* is the
    fix (the command line names its staff file).

    >>> print(_look_alike_note([("Amy", "amy", 3)]))
    3 customers of owner 'Amy', which is not in the staff list but differs from its id 'amy' only by letter case, moved as customers of staff who left (ids are compared exactly as written): write the owners as the staff ids are written
    """

    def customers(n: int) -> str:
        return f"{n:,d} customer{'s' if n != 1 else ''}"

    fix = "moved as customers of staff who left (ids are compared exactly as written)"
    if len(found) == 1:
        value, near, n = found[0]
        return (
            f"{customers(n)} of owner {value!r}, which is not {listed} but "
            f"differs from its id {near!r} {_how_differs(value, near)}, "
            f"{fix}: {write}"
        )
    shown = "; ".join(
        f"owner {value!r} ({customers(n)}) differs from its id {near!r} "
        f"{_how_differs(value, near)}"
        for value, near, n in found[:_EXAMPLES]
    )
    rest = found[_EXAMPLES:]
    if rest:
        shown += (
            f"; and {len(rest):,d} more owner{'s' if len(rest) != 1 else ''} "
            f"({customers(sum(n for _, _, n in rest))})"
        )
    total = sum(n for _, _, n in found)
    return (
        f"{customers(total)} of {len(found):,d} owners that are not {listed} "
        "but differ from a staff id only by spaces, invisible characters, "
        f"Unicode form, letter case, leading zeros or a sign, {fix}: {shown}: {write}"
    )


def _warn_look_alike_owners(
    owner: Any, prev: np.ndarray, names: tuple[str, ...]
) -> None:
    """The :class:`~custseg.errors.CustsegWarning` of the customers whose owner
    (*owner*, read into the codes *prev*) moves as one who left but reads
    like a staff id; nothing when there are none."""
    left = np.flatnonzero(prev == _LEFT)
    if not len(left):
        return
    if isinstance(owner, Labels):
        owners = np.asarray(owner.names, dtype=object)[owner.codes[left]].tolist()
    else:
        arr = (
            np.fromiter(owner, dtype=object, count=len(owner))
            if isinstance(owner, list | tuple)
            else v._to_numpy(owner, "owner")
        )
        owners = arr[left].tolist()
    found = _look_alike_owners(owners, names)
    if found:  # _warn_look_alike_owners < _inputs < assign_owners < the caller
        note = _look_alike_note(found)
        warnings.warn(note, CustsegWarning, stacklevel=4)


_UNRESOLVED = -3

#: an integer as pandas writes it from a float column (one with a gap:
#: ``7.0``), in ASCII digits
FLOAT_WRITTEN = re.compile(r"([+-]?[0-9]+)\.0+")


def written_as_float(text: str, lookup: Mapping[str, int]) -> int | None:
    """The code in *lookup* (staff ids as text) of *text* when it is not a
    staff id itself but an integer pandas wrote as a float (``"7.0"``, read
    back from a CSV file as text) whose integer is one; else None.

    >>> written_as_float("7.0", {"7": 0}), written_as_float("7.5", {"7": 0})
    (0, None)
    >>> written_as_float("7.0", {"7": 0, "7.0": 1}) is None  # itself an id
    True
    """
    if text in lookup:
        return None
    m = FLOAT_WRITTEN.fullmatch(text)
    return None if m is None else lookup.get(m.group(1))


def _staff_code(text: str, lookup: Mapping[str, int]) -> int:
    """The staff code of the owner *text* (``"7.0"`` is staff ``7``, as
    :func:`written_as_float`), or ``_LEFT``."""
    code = lookup.get(text)
    if code is None:
        code = written_as_float(text, lookup)
    return _LEFT if code is None else code


def _owner_codes(
    current_owner: Any, names: tuple[str, ...], n: int, field: str = "current_owner"
) -> np.ndarray:
    """Staff code per customer; ``_NO_OWNER`` (missing) or ``_LEFT`` (not staff).

    Owners are looked up in a dict of the staff ids (one hash per row);
    only values that are not already staff text (numbers, missing values,
    departed owners) go through the slower conversion, once per distinct value.
    """
    if current_owner is None:
        return np.full(n, _NO_OWNER, dtype=np.int64)
    lookup = {name: j for j, name in enumerate(names)}
    if isinstance(current_owner, Labels):
        remap = np.array([_staff_code(name, lookup) for name in current_owner.names])
        codes = remap[current_owner.codes].astype(np.int64)
        v.check_same_length(value=np.empty(n), **{field: codes})
        return codes
    if isinstance(current_owner, list | tuple):  # NumPy would make [7.0, None] text
        arr = np.fromiter(current_owner, dtype=object, count=len(current_owner))
    else:
        arr = v._to_numpy(current_owner, field)
    v.check_same_length(value=np.empty(n), **{field: arr})
    arr = v.bytes_as_text(arr, field)  # b"amy" is staff "amy", as for staff
    missing = None
    floats = arr.dtype.kind == "f"  # numbers written "7.0" may be staff ids
    if arr.dtype.kind == "b":
        raise InputError(field, "is boolean, not ids", fix="pass staff ids")
    if floats:
        missing = np.isnan(arr)
        filled = np.where(missing, 0.0, arr)
        # inf (no id) and fractions are refused; whole numbers past int64
        # cannot be cast, so they are read one at a time (as in a list)
        bad = ~np.isfinite(filled) | (np.trunc(filled) != filled)
        if bad.any():
            first, count = v.first_offender(bad)
            raise InputError(
                field,
                f"has values that are not ids ({v.describe(arr[first])})",
                first_row=first,
                n_rows=count,
                fix="use text or whole numbers as staff ids",
            )
        if (np.abs(filled) < 2.0**63).all():
            arr = filled.astype(np.int64)
        else:
            arr = filled.astype(object)
    items = arr.tolist()
    try:
        found = map(lookup.get, items, itertools.repeat(_UNRESOLVED))
        codes = np.fromiter(found, dtype=np.int64, count=n)
    except TypeError:  # an unhashable value: every row the slow way
        codes = np.full(n, _UNRESOLVED, dtype=np.int64)
    memo: dict[Any, int] = {}
    bad_rows: list[int] = []
    for i in np.flatnonzero(codes == _UNRESOLVED).tolist():
        x = items[i]
        try:
            code = memo.get((type(x), x))  # 7.0 and 7 are other ids
        except TypeError:
            code = None
        if code is None:
            text = v.id_text(x)
            if text is False:
                bad_rows.append(i)
                continue
            # ("7.0", a float column read back as text, is staff 7)
            code = _NO_OWNER if text is None else _staff_code(text, lookup)
            if code == _LEFT and (floats or isinstance(x, float | np.floating)):
                # the number 7.0 is the staff id "7.0" (a staff list written
                # from a float column) when "7" is none
                code = lookup.get(text + ".0", _LEFT)
            with contextlib.suppress(TypeError):  # unhashable: not memoised
                memo[type(x), x] = code
        codes[i] = code
    if bad_rows:
        raise InputError(
            field,
            f"has values that are not ids ({v.describe(items[bad_rows[0]])})",
            first_row=bad_rows[0],
            n_rows=len(bad_rows),
            fix="use text or whole numbers as staff ids",
        )
    if missing is not None:
        codes[missing] = _NO_OWNER
    return codes


def _all_text(arr: np.ndarray) -> bool:
    """Whether an object array holds only ``str`` (not ending in NUL, which
    NumPy's fixed-width text would drop)."""
    return all(type(x) is str and not x.endswith("\x00") for x in arr.tolist())


_FROM_INDEX_FIX = (
    "pass the customer ids as customer_id=..., or give one row per customer "
    "(value.groupby(level=0).sum()); value.reset_index(drop=True) drops the ids"
)


def _id_rank(ids: Any, field: str, n: int, *, index_of: str = "") -> np.ndarray:
    """A sort key per customer id, in the order of the ids; duplicates and
    missing ids are an error. *index_of* names the argument whose pandas
    index the ids were taken from (the caller passed none)."""
    v.refuse_spark(ids, field)  # a Spark Column answers .isna()
    ids = flat_ids(ids)  # a MultiIndex: one tuple per customer
    # float32 past 2**24: two customers' ids may be stored as one number
    v.refuse_narrow_ids(ids, index_of or field)
    missing = None
    if hasattr(ids, "isna") and hasattr(ids, "to_numpy"):  # pandas: vectorised
        missing = np.asarray(ids.isna(), dtype=bool)
    if isinstance(ids, list | tuple):  # NumPy would drop trailing NULs of text
        arr = np.fromiter(ids, dtype=object, count=len(ids))
    else:
        arr = v._to_numpy(ids, field)
    v.check_same_length(value=np.empty(n), **{field: arr})
    if arr.dtype.kind == "b" or (
        arr.dtype.kind == "O"
        and any(isinstance(x, bool | np.bool_) for x in arr.tolist())
    ):  # a mask, not ids (True == 1 would be a duplicate of customer 1)
        raise InputError(
            index_of or field,
            "holds True/False values, not customer ids"
            + (" in its index" if index_of else ""),
            fix=_FROM_INDEX_FIX
            if index_of
            else "pass the column of customer ids (a mask selects rows: ids[mask])",
        )
    if arr.dtype.kind == "O" and _all_text(arr):
        arr = arr.astype(str)  # fixed-width text sorts far faster than objects
    if missing is None:
        if arr.dtype.kind == "f":
            missing = np.isnan(arr)
        elif arr.dtype.kind == "O":
            missing = np.fromiter(
                (v.is_missing_scalar(x) for x in arr), dtype=bool, count=len(arr)
            )
        elif arr.dtype.kind == "M":
            missing = np.isnat(arr)
    if missing is not None and missing.any():
        first, count = v.first_offender(missing)
        if index_of:
            raise InputError(
                index_of,
                "has missing customer ids in its index (the ids default to it)",
                first_row=first,
                n_rows=count,
                fix=_FROM_INDEX_FIX,
            )
        raise InputError(
            field,
            "has missing ids",
            first_row=first,
            n_rows=count,
            fix="give every customer an id",
        )
    if arr.dtype.kind in "iu" and len(arr):
        # integer ids in a narrow range: their offsets are the key, no sort
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < 4 * n + 1024:
            # in int64 (unsigned: in their own type, never below lo): int8
            # ids -100 and 100 are 200 apart, which int8 wraps to -56
            offset = (
                arr.astype(np.int64) - lo
                if arr.dtype.kind == "i"
                else (arr - arr.dtype.type(lo)).astype(np.int64)
            )
            if np.bincount(offset).max() <= 1:
                return offset
    try:
        # whole numbers written as text in numeric order, as the same ids
        # stored as integers (a CSV file's and a Parquet file's): same owners
        order = v.id_order(arr)
        if order is None:
            order = np.argsort(arr, kind="stable")
        ordered = arr[order]
        dup = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    except TypeError:
        raise InputError(
            field,
            "mixes kinds of ids that cannot be ordered (e.g. text and numbers)",
            fix="use one kind of id: all text or all numbers",
        ) from None
    if len(dup):
        rows = order[dup]
        if index_of:
            raise InputError(
                index_of,
                "has duplicate customers in its index (the customer ids "
                f"default to it): {v.describe(ordered[dup[0]])} repeats",
                first_row=int(rows.min()),
                n_rows=len(rows),
                fix=_FROM_INDEX_FIX,
            )
        raise InputError(
            field,
            "has duplicate customers",
            first_row=int(rows.min()),
            n_rows=len(rows),
            fix="give one row per customer (summarise transactions first)",
        )
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def _capacities(capacity: Any, names: tuple[str, ...]) -> np.ndarray:
    """Capacity per staff member as floats (``inf``: unlimited).

    One number is everyone's: any real number (an ``int``, a ``float``, a
    :class:`~decimal.Decimal` or :class:`~fractions.Fraction` as a database
    gives, a NumPy number or 0-d array), read by
    :func:`~custseg._validate.number_param` as ``tolerance`` and
    ``max_moves`` are; a bool is no number of customers.

    >>> _capacities(decimal.Decimal("2"), ("amy", "bo")).tolist()
    [2.0, 2.0]
    >>> _capacities(np.array(3), ("amy",)).tolist()
    [3.0]
    >>> _capacities(True, ("amy", "bo"))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'capacity' must be a whole number of customers in [0, inf): got bool True
    """
    k = len(names)
    if capacity is None:
        return np.full(k, np.inf)
    if isinstance(capacity, np.ndarray) and capacity.ndim == 0:
        capacity = capacity[()]  # a 0-d array: the value it holds
    one = isinstance(capacity, numbers.Number | np.bool_)  # everyone's
    if is_pandas(capacity) and not hasattr(capacity, "columns"):
        capacity = _capacity_series(capacity, names)
    if isinstance(capacity, dict):
        looked: dict[str, Any] = {}
        for s, c in capacity.items():
            if v.is_missing_scalar(s):  # a blank row of a staff table
                raise InputError(
                    "capacity",
                    f"has a missing staff id ({v.describe(s)}) among its keys",
                    fix="drop the rows without a staff id before making the mapping",
                )
            text = v.id_text(s)
            if text in looked:
                raise InputError(
                    "capacity",
                    f"names staff {text!r} twice",
                    fix="give each staff member one capacity (7 and '7' are "
                    "one staff id)",
                )
            looked[text if isinstance(text, str) else str(s)] = c
        unknown = sorted(s for s in looked if s not in names)
        if unknown:
            raise ThresholdError(
                f"'capacity' names staff who are not in 'staff': {unknown[:5]}"
            )
        values = [looked.get(name) for name in names]
    elif one:
        values = [capacity] * k
    else:
        arr = v._to_numpy(capacity, "capacity")
        # a list's own items: NumPy reads [True, 3] as [1, 3], and a bool is
        # no capacity (refused below, as in a dict or a Series)
        values = list(capacity) if isinstance(capacity, list | tuple) else list(arr)
        if len(values) != k:
            raise ThresholdError(
                f"'capacity' must have one entry per staff member ({k}): "
                f"got {len(values)}"
            )
    out = np.full(k, np.inf)
    for i, c in enumerate(values):
        field = "capacity" if one else f"capacity[{names[i]}]"
        if isinstance(c, bool | np.bool_):  # (NumPy reads True as 1)
            raise ThresholdError(
                f"{field!r} must be a whole number of customers in [0, inf): "
                f"got bool {c}"
            )
        if v.is_missing_scalar(c):
            continue
        c = v.number_param(c, field)
        if not (c >= 0 and (c == np.inf or float(c).is_integer())):
            raise ThresholdError(
                f"{field!r} must be a whole number of customers in [0, inf): got {c}"
            )
        out[i] = c
    return out


def _capacity_series(capacity: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A pandas Series of capacities as a mapping by staff id: its index must
    hold every staff id once (not row numbers of a staff table)."""
    fix = (
        "index the capacities by staff id: "
        "capacity=dict(zip(staff_df['staff'], staff_df['capacity'])) or "
        "staff_df.set_index('staff')['capacity']"
    )
    index = capacity.index
    labels, missing, _ = _text_ids(list(flat_ids(index)), "capacity")
    if missing.any():
        raise InputError("capacity", "has missing staff ids in its index", fix=fix)
    row_numbers = type(index).__name__ == "RangeIndex" and index.name is None
    if row_numbers and tuple(labels.tolist()) != names:
        # row numbers of a staff table, not staff ids (unless they are the same)
        raise InputError(
            "capacity",
            "is a Series indexed by row numbers (a RangeIndex), not by staff id",
            fix=fix,
        )
    out: dict[str, Any] = {}
    for label, c in zip(labels.tolist(), capacity.tolist(), strict=True):
        if label in out:
            raise InputError(
                "capacity",
                f"names staff {label!r} twice",
                fix="give each staff member one capacity (7 and '7' are one staff id)",
            )
        out[label] = c
    if set(out) != set(names):
        absent = [name for name in names if name not in out]
        unknown = sorted(set(out) - set(names))
        what = (
            f"has no capacity for staff {absent[:5]}"
            if absent
            else f"names staff who are not in 'staff': {unknown[:5]}"
        )
        raise InputError(
            "capacity",
            f"is a Series whose index is not the staff ids: it {what}",
            fix=fix + " (NaN in the Series: unlimited)",
        )
    return out


def _tolerance(tolerance: Any) -> float:
    t = v.number_param(tolerance, "tolerance")
    if not (0 <= t < math.inf):
        raise ThresholdError(f"'tolerance' must be a number in [0, inf): got {t}")
    return t


def _max_moves(max_moves: Any) -> int | None:
    """The move budget: a whole number of moves, an integer read exactly
    (``2**53 + 1`` is a count, however large, not a float64 to round)."""
    if max_moves is None:
        return None
    if isinstance(max_moves, int | np.integer) and not isinstance(
        max_moves, bool | np.bool_
    ):
        if max_moves < 0:
            raise ThresholdError(
                f"'max_moves' must be a whole number in [0, inf) or None: got "
                f"{max_moves}"
            )
        return int(max_moves)
    m = v.number_param(max_moves, "max_moves")
    if not (m >= 0 and m != math.inf and float(m).is_integer()):
        raise ThresholdError(
            f"'max_moves' must be a whole number in [0, inf) or None: got {m}"
        )
    return int(m)


def _values(value: Any) -> np.ndarray:
    val = v.as_numeric(value, "value", sums=True, exact=True).astype(np.float64)
    negative = val < 0
    if negative.any():
        first, count = v.first_offender(negative)
        raise InputError(
            "value",
            "has negative values",
            first_row=first,
            n_rows=count,
            fix="a book value is a sum of non-negative values: clip them at 0 "
            "(customers with net refunds carry no value)",
        )
    return val


# --------------------------------------------------------------------------
# targets


def _fair_counts(cap: np.ndarray, n: int) -> np.ndarray:
    """Water-filling: ``min(cap_j, L)`` adding up to *n* (capacities suffice)."""
    k = len(cap)
    caps = np.sort(cap)
    below = 0.0
    level = 0.0
    for t in range(k):
        level = (n - below) / (k - t)
        if level <= caps[t]:
            break
        below += caps[t]
    return np.minimum(cap, level)


# compared by identity: == and hash of arrays mean nothing for a plan
@attrs.frozen(eq=False)
class _Plan:
    fair_count: np.ndarray
    fair_book: np.ndarray
    lower: np.ndarray  # count band, inclusive
    upper: np.ndarray
    value_slack: np.ndarray


def _books(val: np.ndarray, owner: np.ndarray, k: int) -> np.ndarray:
    """Book value per staff member (owner -1: nobody's), the same for every
    order of the rows (:func:`custseg._exact.order_free_sums`)."""
    has = owner >= 0
    if has.all():
        return order_free_sums(val, owner, k)[:k]
    return order_free_sums(val[has], owner[has], k)[:k]


def _total(val: np.ndarray) -> float:
    """The sum of *val*, whatever the order of the rows."""
    if not len(val):
        return 0.0
    return float(order_free_sums(val, np.zeros(len(val), dtype=np.intp), 1)[0])


def _plan(cap: np.ndarray, val: np.ndarray, tolerance: float) -> _Plan:
    n = len(val)
    # summed whatever the row order (decimals exactly): the fair books, and
    # so every decision taken against them, cannot depend on it
    total = _total(val)
    f = _fair_counts(cap, n) if n else np.zeros(len(cap))
    # each fair book total * f / n rounded once (total * f alone can pass
    # 2**53 and lose the cents: one owner's fair book differed from the total)
    g = (
        np.array([float(Fraction(total) * Fraction(x) / n) for x in f.tolist()])
        if n
        else np.zeros(len(cap))
    )
    slack_c = np.maximum(tolerance * f, 1.0)
    eps = 1e-9
    lower = np.maximum(0, np.ceil(f - slack_c - eps)).astype(np.int64)
    upper_f = np.minimum(cap, np.floor(f + slack_c + eps))
    upper = np.minimum(upper_f, n).astype(np.int64)
    vmax = float(val.max()) if n else 0.0
    return _Plan(f, g, lower, upper, np.maximum(tolerance * g, vmax))


# --------------------------------------------------------------------------
# the result


def to_frame(
    columns: dict[str, Any], index: Any = None, index_name: str | None = None
) -> Any:
    """A :class:`pandas.DataFrame` of *columns* on *index* (named *index_name*).

    The one place this module imports pandas.

    Parameters
    ----------
    columns
        Column name to 1-D array.
    index
        The row labels (default a RangeIndex).
    index_name
        The name of the index.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> to_frame({"n": [1, 2]}, ["amy", "bo"], "owner")
           n
    owner
    amy    1
    bo     2
    """
    import pandas as pd

    # copied: editing the frame must not edit the result it came from
    frame = pd.DataFrame(columns, index=index, copy=True)
    if index_name is not None:
        frame.index.name = index_name
    return frame


def _gap(actual: np.ndarray, fair: np.ndarray) -> float:
    return float(np.max(np.abs(actual - fair))) if len(actual) else 0.0


def gap_text(count: float) -> str:
    """A distance in customers from the fair share (a half, a third of one)
    to one decimal, with thousands separators, whole ones without ``.0``.

    >>> gap_text(1234.5), gap_text(3.0), gap_text(1 / 3), gap_text(0.0)
    ('1,234.5', '3', '0.3', '0')
    """
    return _display.rounded(count, 1).removesuffix(".0")


def _ratio(x: np.ndarray) -> float:
    lo, hi = float(np.min(x)), float(np.max(x))
    if hi == 0:
        return 1.0
    return hi / lo if lo > 0 else math.inf


@attrs.frozen(eq=False, repr=False)
class Assignment:
    """The owner of every customer, what changed, and the balance it reaches.

    Built by :func:`assign_owners` and :func:`reassign_neglected`.

    Parameters
    ----------
    owner
        One staff id per customer (:class:`~custseg.Labels` over the staff,
        in the order given), on the input's index. Its names are the staff
        ids as text, as owners are compared (``owner == "7"``,
        ``owner.to_numpy()``); its pandas forms (``owner.to_pandas()``,
        ``to_pandas()["owner"]``) hold the staff ids as given, so that they
        join back onto the staff table.
    change
        Per customer, one of :data:`CHANGES`: ``kept`` (same owner as
        before), ``assigned`` (had no owner), ``forced`` (the owner left, or
        is over capacity) or ``moved`` (moved to balance, or because neglected).
    staff
        The staff ids as given (an integer stays an integer), in the order
        given; as text when numbers and text are mixed (``7`` beside
        ``"007"``).
    count_before, book_before
        Customers and book value per staff member before (customers whose
        owner left count nowhere).
    count_after, book_after
        The same after the assignment.
    fair_count, fair_book
        The fair shares (see :func:`assign_owners`).
    count_slack, value_slack
        How far from its fair share each count and book may be.
    capacity
        Capacity per staff member (``inf``: unlimited).
    tolerance
        The relative tolerance asked for.
    max_moves
        The move budget asked for (``None``: unlimited).

    Examples
    --------
    >>> res = assign_owners([100, 80, 60, 40], ["amy", "bo"])
    >>> res.owner.to_numpy().tolist(), res.n_moves, res.balanced
    (['amy', 'bo', 'bo', 'amy'], 0, True)

    Staff ids given as integers come back as integers:

    >>> res = assign_owners([100, 80, 60, 40], [7, 8])
    >>> res.staff, res.owner.to_pandas().tolist()
    ((7, 8), [7, 8, 8, 7])
    """

    owner: Labels
    change: Labels
    staff: tuple[Hashable, ...]
    count_before: np.ndarray
    book_before: np.ndarray
    count_after: np.ndarray
    book_after: np.ndarray
    fair_count: np.ndarray
    fair_book: np.ndarray
    count_slack: np.ndarray
    value_slack: np.ndarray
    capacity: np.ndarray
    tolerance: float
    max_moves: int | None

    @property
    def moved(self) -> np.ndarray:
        """Whether each customer changed owner (``forced`` or ``moved``).

        >>> assign_owners([5, 1], ["a"], current_owner=["x", "a"]).moved.tolist()
        [True, False]
        """
        return np.isin(self.change.codes, (_FORCED, _MOVED))

    def _count(self, code: int) -> int:
        return int(np.count_nonzero(self.change.codes == code))

    @property
    def n_moves(self) -> int:
        """Customers moved voluntarily (to balance, or because neglected);
        bounded by ``max_moves``."""
        return self._count(_MOVED)

    @property
    def n_forced(self) -> int:
        """Customers moved because their owner left or is over capacity."""
        return self._count(_FORCED)

    @property
    def n_assigned(self) -> int:
        """Customers who had no owner and got one."""
        return self._count(_ASSIGNED)

    @property
    def count_gap(self) -> float:
        """Largest distance of a staff member's count from its fair count."""
        return _gap(self.count_after, self.fair_count)

    @property
    def value_gap(self) -> float:
        """Largest distance of a staff member's book from its fair book."""
        return _gap(self.book_after, self.fair_book)

    @property
    def count_ratio(self) -> float:
        """Largest count over smallest count (``inf`` when someone has none)."""
        return _ratio(self.count_after)

    @property
    def value_ratio(self) -> float:
        """Largest book over smallest book (``inf`` when a book is empty)."""
        return _ratio(self.book_after)

    @property
    def count_balanced(self) -> bool:
        """Every count within its slack of its fair count, and none above
        its capacity (:func:`reassign_neglected` leaves an owner above a
        new, lower capacity: that workload is not balanced).

        >>> res = reassign_neglected([1] * 4, ["amy"] * 3 + ["bo"], ["amy", "bo"],
        ...                          [False] * 4, capacity={"amy": 2})
        >>> res.count_after.tolist(), res.fair_count.tolist(), res.count_balanced
        ([3, 1], [2.0, 2.0], False)
        """
        dev = np.abs(self.count_after - self.fair_count)
        within = np.all(dev <= self.count_slack + 1e-9)
        return bool(within and np.all(self.count_after <= self.capacity))

    @property
    def value_balanced(self) -> bool:
        """Every book within its slack of its fair book."""
        dev = np.abs(self.book_after - self.fair_book)
        return bool(np.all(dev <= self.value_slack * (1 + 1e-9) + 1e-9))

    @property
    def balanced(self) -> bool:
        """Workload and book value both balanced within the tolerance."""
        return self.count_balanced and self.value_balanced

    def workload(self) -> Any:
        """Per staff member: customers and book value before and after, the
        fair shares and the capacity, as a :class:`pandas.DataFrame` indexed
        by staff id (as given: it joins onto a staff table keyed by its ids).

        >>> res = assign_owners([100, 80, 60, 40], ["amy", "bo"])
        >>> res.workload()[["customers", "book", "fair_book"]]
               customers   book  fair_book
        owner
        amy            2  140.0      140.0
        bo             2  140.0      140.0
        """
        return to_frame(
            {
                "customers_before": self.count_before,
                "customers": self.count_after,
                "fair_customers": self.fair_count,
                "book_before": self.book_before,
                "book": self.book_after,
                "fair_book": self.fair_book,
                "capacity": self.capacity,
            },
            _staff_index(self.staff),
            "owner",
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Customers and book value per owner, with the fair shares:
        :func:`custseg.plot.workload`.

        Needs matplotlib (``pip install 'custseg[plot]'``).

        Parameters
        ----------
        ax
            The matplotlib Axes to draw on; ``None`` makes a new figure.
        **kwargs
            Passed on to :func:`custseg.plot.workload` (``lang``).

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on (the book value is on its twin).

        Examples
        --------
        >>> import pytest; mpl = pytest.importorskip("matplotlib")
        >>> res = assign_owners([100, 80, 60, 40], ["amy", "bo"])
        >>> ax = res.plot()
        >>> [t.get_text() for t in ax.get_xticklabels()]
        ['amy', 'bo']
        """
        from . import plot as _plot

        return _plot.workload(self, ax=ax, **kwargs)

    def to_pandas(self) -> Any:
        """Per customer: ``owner`` (categorical, of the staff ids as given),
        ``moved`` and ``change``, on the input's index.

        >>> assign_owners([5, 1], ["a"], current_owner=["x", "a"]).to_pandas()
          owner  moved  change
        0     a   True  forced
        1     a  False    kept
        """
        return to_frame(
            {
                "owner": self.owner.to_categorical(),
                "moved": self.moved,
                "change": self.change.to_categorical(),
            },
            self.owner.index,
        )

    def __repr__(self) -> str:
        return _display.short_repr(
            "Assignment",
            n=len(self.owner),
            noun="customers",
            notes=[
                f"{len(self.staff)} staff",
                f"moves={self.n_moves}",
                f"forced={self.n_forced}",
                f"assigned={self.n_assigned}",
                f"balanced={self.balanced}",
                # as Python numbers (no thousands separators in a repr)
                f"count_gap={_display.number_text(round(self.count_gap, 1))}",
                f"value_gap={_display.number_text(round(self.value_gap, 2))}",
            ],
        )

    def _repr_html_(self) -> str:
        rows = [
            [
                name,  # the id as text, as the owners are compared
                int(self.count_before[i]),
                int(self.count_after[i]),
                # as custseg assign prints it, and as the row's other
                # numbers (no separators): to one decimal, never 1.235e+04
                _display.Raw(f"{self.fair_count[i]:.1f}"),
                _display.Raw(_display.format_value(self.book_after[i])),
                _display.Raw(_display.format_value(self.fair_book[i])),
            ]
            for i, name in enumerate(self.owner.names)
        ]
        return _display.html_table(
            f"Assignment: {len(self.owner)} customers, {len(self.staff)} staff, "
            f"{self.n_moves} moved, {self.n_forced} forced, {self.n_assigned} "
            f"assigned, balanced={self.balanced}",
            ["owner", "before", "customers", "fair", "book", "fair book"],
            rows,
        )


# --------------------------------------------------------------------------
# the algorithm


def _spread(size: int, take: int) -> np.ndarray:
    """*take* positions evenly spread over ``range(size)`` (a sample of a book
    sorted by value that keeps its average)."""
    if take <= 0:
        return np.empty(0, dtype=np.int64)
    return ((np.arange(take) + 0.5) * size / take).astype(np.int64)


class _State:
    """Counts, books and each staff member's customers (positions in the
    value order, ascending = highest value first)."""

    def __init__(self, k: int, vs: np.ndarray) -> None:
        self.vs = vs
        self.count = np.zeros(k, dtype=np.int64)
        self.book = np.zeros(k, dtype=np.float64)
        self.books: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * k

    def load(self, owner_pos: np.ndarray, k: int) -> None:
        """Fill the books from an owner per position (-1: none)."""
        has = owner_pos >= 0
        pos = np.flatnonzero(has)
        own = owner_pos[has]
        # stable, so positions stay ascending; a radix sort on small codes
        small = own.astype(np.int16) if k < np.iinfo(np.int16).max else own
        order = np.argsort(small, kind="stable")
        pos, own = pos[order], own[order]
        bounds = np.searchsorted(own, np.arange(k + 1))
        self.books = [pos[bounds[j] : bounds[j + 1]] for j in range(k)]
        self.count = np.diff(bounds).astype(np.int64)
        # summed in the order of the positions (value, then customer id),
        # not of the rows; the books reported are summed exactly (_books)
        self.book = np.bincount(own, weights=self.vs[pos], minlength=k)[:k].astype(
            np.float64
        )


def _deal(
    pool: np.ndarray,
    st: _State,
    plan: _Plan,
    cap: np.ndarray,
    rank: np.ndarray,
    owner_pos: np.ndarray,
) -> None:
    """Deal *pool* (positions, highest value first) in rounds: each round
    gives one customer to each eligible staff member, the largest to the one
    furthest below its fair book (ties by staff id). Staff below the count
    band come first when the pool is only just enough for them."""
    vs = st.vs
    perm = np.argsort(rank)  # staff in id order: stable sorts break ties by id
    lower, upper = plan.lower[perm], plan.upper[perm]
    capacity, fair = cap[perm], plan.fair_book[perm]
    count, book = st.count[perm], st.book[perm]
    i, total = 0, len(pool)
    while i < total:
        rem = total - i
        need = np.maximum(lower - count, 0)
        n_need = int(need.sum())
        room = count < upper
        if not room.any():
            room = count < capacity
        if n_need:
            needy = need > 0
            others = np.flatnonzero(room & ~needy)
            q = min(len(others), max(0, rem - n_need))
            if q < len(others):
                others = others[
                    np.argsort(book[others] - fair[others], kind="stable")[:q]
                ]
            needy[others] = True
            chosen = np.flatnonzero(needy)
        else:
            chosen = np.flatnonzero(room)
        rounds = _stable_rounds(chosen, need, count, upper, capacity, rem, n_need)
        if rounds > 1:
            # the same staff get one customer each for `rounds` rounds
            size = rounds * len(chosen)
            _deal_rounds(
                pool[i : i + size], chosen, perm, vs, fair, count, book, owner_pos
            )
            i += size
            continue
        chosen = chosen[np.argsort(book[chosen] - fair[chosen], kind="stable")]
        s = min(rem, len(chosen))
        chosen = chosen[:s]
        take = pool[i : i + s]
        owner_pos[take] = perm[chosen]
        count[chosen] += 1
        book[chosen] += vs[take]
        i += s
    st.count[perm] = count
    st.book[perm] = book


def _stable_rounds(
    chosen: np.ndarray,
    need: np.ndarray,
    count: np.ndarray,
    upper: np.ndarray,
    capacity: np.ndarray,
    rem: int,
    n_need: int,
) -> int:
    """How many rounds of :func:`_deal` in a row (from this one) give one
    customer to each of *chosen* (in ascending order) and to nobody else:
    0 when later rounds could choose otherwise."""
    c = len(chosen)
    if not c:
        return 0
    rounds = rem // c  # every round full
    needy = need[chosen] > 0
    others = chosen[~needy]
    if n_need:
        # those below the band are all chosen (they have room: lower <= upper)
        n_free = int(np.count_nonzero((count < upper) & (need == 0)))
        if len(others):
            if len(others) != n_free:
                return 0  # some of them, by book: may change every round
            # all of them while the customers beyond the needs suffice
            rounds = min(rounds, (rem - n_need) // len(others))
        elif rem > n_need and n_free:
            return 0  # others may join in later rounds
        rounds = min(rounds, int(need[chosen][needy].min()))
    if len(others):
        # staff with room stay in it (counts only grow) until they are full
        limit = upper if bool(np.any(count < upper)) else capacity
        rounds = int(min(float((limit[others] - count[others]).min()), rounds))
    return max(rounds, 0)


def _deal_rounds(
    take: np.ndarray,
    chosen: np.ndarray,
    perm: np.ndarray,
    vs: np.ndarray,
    fair: np.ndarray,
    count: np.ndarray,
    book: np.ndarray,
    owner_pos: np.ndarray,
) -> None:
    """Rounds of :func:`_deal` among the same *chosen* staff: each round the
    next ``len(chosen)`` customers of *take*, the largest to the one furthest
    below their fair book (ties by staff id), books summed as one round at a
    time would."""
    c = len(chosen)
    if c == 1:
        j = int(chosen[0])
        owner_pos[take] = perm[j]
        count[j] += len(take)
        book[j] = np.cumsum(np.concatenate(([book[j]], vs[take])))[-1]
        return
    if c > _PY_ROUNDS:
        for start in range(0, len(take), c):
            ranked = chosen[np.argsort(book[chosen] - fair[chosen], kind="stable")]
            part = take[start : start + c]
            owner_pos[part] = perm[ranked]
            book[ranked] += vs[part]
        count[chosen] += len(take) // c
        return
    # few staff, many rounds: the rounds in plain Python (floats add alike)
    fair_c = fair[chosen].tolist()
    book_c = book[chosen].tolist()
    values = vs[take].tolist()
    got = np.empty(len(take), dtype=np.int64)
    slots = range(c)
    for start in range(0, len(values), c):
        behind = sorted(slots, key=lambda s: book_c[s] - fair_c[s])
        for offset, s in enumerate(behind):
            book_c[s] += values[start + offset]
            got[start + offset] = s
    owner_pos[take] = perm[chosen[got]]
    count[chosen] += len(take) // c
    book[chosen] = book_c


def _exchange(
    st: _State,
    plan: _Plan,
    owner_pos: np.ndarray,
    rank: np.ndarray,
    budget: int | None,
) -> int:
    """Balance book value by single moves and swaps between the staff member
    furthest above its fair book (beyond its slack) and the one furthest
    below; every step lowers the sum of squared distances from the fair
    books, so the loop ends. Returns the number of moves made."""
    made = 0
    vs = st.vs
    order = _StaffOrder(st.book, plan, rank)
    while budget is None or made < budget:
        d, r = order.pair()
        if d < 0:
            break
        dev_d = st.book[d] - plan.fair_book[d]
        dev_r = st.book[r] - plan.fair_book[r]
        gap = float(dev_d - dev_r)
        if d == r or gap <= 0:
            break
        # carry what the worse of the two lacks, at most half the gap
        want_carry = min(
            gap / 2,
            max(dev_d - plan.value_slack[d], -dev_r - plan.value_slack[r]),
        )
        a = st.books[d]
        va = vs[a]
        left = None if budget is None else budget - made
        bulk = _bulk(st, plan, owner_pos, d, r, want_carry, left)
        if bulk:
            made += bulk
            order.update(d, st.book)
            order.update(r, st.book)
            continue
        pick_a, pick_b = -1, -1
        if st.count[d] > plan.lower[d] and st.count[r] < plan.upper[r]:
            ok = (va > 0) & (va < gap)
            if ok.any():
                cand = np.flatnonzero(ok)
                pick_a = int(cand[np.argmin(np.abs(va[cand] - want_carry))])
        if pick_a < 0:
            if budget is not None and made + 2 > budget:
                break
            b = st.books[r]
            vb = vs[b]
            if not len(a) or not len(b):
                break
            # for each x of the donor, the receiver's y nearest x - want_carry
            want = va - want_carry
            idx = np.searchsorted(-vb, -want)  # vb descending
            best, best_err = (-1, -1), math.inf
            for j in (np.clip(idx - 1, 0, len(vb) - 1), np.clip(idx, 0, len(vb) - 1)):
                delta = va - vb[j]
                good = (delta > 0) & (delta < gap)
                if good.any():
                    err = np.where(good, np.abs(delta - want_carry), np.inf)
                    m = int(np.argmin(err))
                    if err[m] < best_err:
                        best, best_err = (m, int(j[m])), float(err[m])
            if best[0] < 0:
                break
            pick_a, pick_b = best
        x = int(a[pick_a])
        y = int(st.books[r][pick_b]) if pick_b >= 0 else -1
        _move(st, owner_pos, x, d, r)
        made += 1
        if y >= 0:
            _move(st, owner_pos, y, r, d)
            made += 1
        order.update(d, st.book)
        order.update(r, st.book)
    return made


class _StaffOrder:
    """The staff ordered for :func:`_exchange`, kept up to date as books change.

    The pair of a step is the donor and the receiver of :meth:`pair`. A step
    changes two books, so instead of sorting every staff member again
    (``O(k log k)`` per step, quadratic over the ``O(k)`` steps of a large
    team) the two are updated: heaps (stale entries skipped) hold the staff
    by room above and below their slack, and the staff sorted by distance
    from their fair book, in blocks of about ``sqrt(k)`` that know their best
    receiver and donor, give the best partner on the right side of the
    other one. Each step costs ``O(sqrt(k))``. The keys are the very floats
    a sort of every staff member compares, ties broken by staff id, so the
    pairs are the same.
    """

    def __init__(self, book: np.ndarray, plan: _Plan, rank: np.ndarray) -> None:
        k = len(book)
        slack = plan.value_slack
        self.fair: list[float] = plan.fair_book.tolist()
        self.slack: list[float] = slack.tolist()
        self.rank: list[int] = rank.tolist()
        # above / below the slack, as :attr:`Assignment.value_balanced` tests
        self.high: list[float] = (slack * (1 + 1e-9) + 1e-9).tolist()
        self.low: list[float] = (-slack * (1 + 1e-9) - 1e-9).tolist()
        dev: list[float] = (book - plan.fair_book).tolist()
        self.dev = dev
        self.over = [x > h for x, h in zip(dev, self.high, strict=True)]
        self.under = [x < lo for x, lo in zip(dev, self.low, strict=True)]
        self.n_over, self.n_under = sum(self.over), sum(self.under)
        self.version = [0] * k
        s, rk = self.slack, self.rank
        # the most room below the slack, to receive; above it, to give
        self.take = [(-(s[j] - dev[j]), rk[j], j) for j in range(k)]
        self.give = [(-(dev[j] + s[j]), rk[j], j) for j in range(k)]
        self.size = max(_MIN_BLOCK, math.isqrt(k))
        self._build()

    def _build(self) -> None:
        """The heaps and the blocks afresh: at the start, and after every
        ``k`` updates (so stale heap entries and blocks split ever smaller
        cost ``O(log k)`` per update, amortised)."""
        k, dev, s, rk, ver = (
            len(self.dev),
            self.dev,
            self.slack,
            self.rank,
            self.version,
        )
        self.donors = [(-(dev[j] - s[j]), rk[j], j, ver[j]) for j in range(k)]
        self.receivers = [(dev[j] + s[j], rk[j], j, ver[j]) for j in range(k)]
        heapq.heapify(self.donors)
        heapq.heapify(self.receivers)
        # (dev, staff), sorted, in blocks
        keys = sorted(zip(dev, range(k), strict=True))
        self.blocks = [keys[i : i + self.size] for i in range(0, k, self.size)]
        self.ids = [[j for _, j in block] for block in self.blocks]
        self.firsts = [block[0] for block in self.blocks]
        self.best_take = [min(map(self.take.__getitem__, ids)) for ids in self.ids]
        self.best_give = [min(map(self.give.__getitem__, ids)) for ids in self.ids]
        self.updates = 0

    def _set(self, j: int, book: np.ndarray) -> float:
        """The keys of staff member *j* from ``book[j]``; returns their dev."""
        x = float(book[j]) - self.fair[j]
        s, rk = self.slack[j], self.rank[j]
        self.dev[j] = x
        over, under = x > self.high[j], x < self.low[j]
        self.n_over += over - self.over[j]
        self.n_under += under - self.under[j]
        self.over[j], self.under[j] = over, under
        self.version[j] += 1
        self.take[j] = (-(s - x), rk, j)
        self.give[j] = (-(x + s), rk, j)
        return x

    def _top(self, heap: list[tuple[float, int, int, int]]) -> int:
        while heap[0][3] != self.version[heap[0][2]]:
            heapq.heappop(heap)
        return heap[0][2]

    def pair(self) -> tuple[int, int]:
        """Donor and receiver: when a book is above its slack, the staff
        member furthest above theirs and the one with the most room below
        theirs among those with a smaller book (relative to fair); when
        nobody is above, the one furthest below and the one with the most
        room above among those with a larger one (ties by staff id).
        ``(-1, -1)`` when every book is within its slack or nobody qualifies
        (then no exchange can help)."""
        if self.n_over:
            d = self._top(self.donors)
            r = self._below(self.dev[d])
            return (d, r) if r >= 0 else (-1, -1)
        if self.n_under:
            r = self._top(self.receivers)
            d = self._above(self.dev[r])
            return (d, r) if d >= 0 else (-1, -1)
        return -1, -1

    def _below(self, x: float) -> int:
        """The best receiver among the staff whose dev is below *x* (-1: none)."""
        t = (x,)  # before every (x, j)
        b = bisect.bisect_left(self.firsts, t)
        if not b:
            return -1
        best = min(self.best_take[: b - 1], default=None)
        off = bisect.bisect_left(self.blocks[b - 1], t)
        part = min(map(self.take.__getitem__, self.ids[b - 1][:off]))
        return (part if best is None or part < best else best)[2]

    def _above(self, x: float) -> int:
        """The best donor among the staff whose dev is above *x* (-1: none)."""
        t = (x, math.inf)  # after every (x, j)
        b = bisect.bisect_right(self.firsts, t)
        best = min(self.best_give[b:], default=None)
        if b:
            off = bisect.bisect_right(self.blocks[b - 1], t)
            ids = self.ids[b - 1][off:]
            if ids:
                part = min(map(self.give.__getitem__, ids))
                if best is None or part < best:
                    best = part
        return -1 if best is None else best[2]

    def update(self, j: int, book: np.ndarray) -> None:
        """Staff member *j*'s book is now ``book[j]``."""
        self.updates += 1
        if self.updates > len(self.dev):
            self._set(j, book)
            self._build()
            return
        old = (self.dev[j], j)
        b = bisect.bisect_right(self.firsts, old) - 1
        block, ids = self.blocks[b], self.ids[b]
        i = bisect.bisect_left(block, old)
        del block[i], ids[i]
        if not block:
            del self.blocks[b], self.ids[b], self.firsts[b]
            del self.best_take[b], self.best_give[b]
        else:
            if not i:
                self.firsts[b] = block[0]
            if self.best_take[b][2] == j:
                self.best_take[b] = min(map(self.take.__getitem__, ids))
            if self.best_give[b][2] == j:
                self.best_give[b] = min(map(self.give.__getitem__, ids))

        x = self._set(j, book)
        s, rk, version = self.slack[j], self.rank[j], self.version[j]
        heapq.heappush(self.donors, (-(x - s), rk, j, version))
        heapq.heappush(self.receivers, (x + s, rk, j, version))
        take, give = self.take[j], self.give[j]
        new = (x, j)
        if not self.blocks:
            self.blocks, self.ids, self.firsts = [[new]], [[j]], [new]
            self.best_take, self.best_give = [take], [give]
            return
        b = max(bisect.bisect_right(self.firsts, new) - 1, 0)
        block, ids = self.blocks[b], self.ids[b]
        i = bisect.bisect_left(block, new)
        block.insert(i, new)
        ids.insert(i, j)
        if not i:
            self.firsts[b] = new
        self.best_take[b] = min(self.best_take[b], take)
        self.best_give[b] = min(self.best_give[b], give)
        if len(block) > 2 * self.size:  # split in two
            half = len(block) // 2
            head, tail = ids[:half], ids[half:]
            self.blocks[b : b + 1] = [block[:half], block[half:]]
            self.ids[b : b + 1] = [head, tail]
            self.firsts.insert(b + 1, block[half])
            self.best_take[b : b + 1] = [
                min(map(self.take.__getitem__, head)),
                min(map(self.take.__getitem__, tail)),
            ]
            self.best_give[b : b + 1] = [
                min(map(self.give.__getitem__, head)),
                min(map(self.give.__getitem__, tail)),
            ]


def _bulk(
    st: _State,
    plan: _Plan,
    owner_pos: np.ndarray,
    d: int,
    r: int,
    half: float,
    left: int | None,
    fraction: float = _BULK_SHARE,
) -> int:
    """Many exchanges at once when no single one can carry *half* (the value
    to carry): the donor's largest customers (against the receiver's
    smallest, as swaps, when the counts leave no room), as many as keep the
    value carried within *half*. Returns the moves made (0: none fit)."""
    vs = st.vs
    a, b = st.books[d], st.books[r]  # positions ascending: values descending
    room = min(st.count[d] - plan.lower[d], plan.upper[r] - st.count[r])
    if room >= 2 and vs[a[0]] < half * (1 - fraction):
        carry = half * fraction
        m = min(int(room), int(np.searchsorted(np.cumsum(vs[a]), carry, side="right")))
        if left is not None:
            m = min(m, left)
        if m < 2:
            return 0
        give = a[:m]
        st.books[d] = a[m:]
        st.books[r] = np.sort(np.concatenate([b, give]))
        owner_pos[give] = r
        st.count[d] -= m
        st.count[r] += m
        carried = float(vs[give].sum())
        st.book[d] -= carried
        st.book[r] += carried
        return m
    if room < 2 and len(a) and len(b) and vs[a[0]] - vs[b[-1]] < half * (1 - fraction):
        top = min(len(a), len(b))
        delta = vs[a[:top]] - vs[b[::-1][:top]]
        carry = half * fraction
        m = int(np.searchsorted(np.cumsum(delta), carry, side="right"))
        m = min(m, int(np.count_nonzero(delta > 0)))
        if left is not None:
            m = min(m, left // 2)
        if m < 2:
            return 0
        give, take = a[:m], b[::-1][:m]
        st.books[d] = np.sort(np.concatenate([a[m:], take]))
        st.books[r] = np.sort(np.concatenate([b[: len(b) - m], give]))
        owner_pos[give] = r
        owner_pos[take] = d
        carried = float(vs[give].sum() - vs[take].sum())
        st.book[d] -= carried
        st.book[r] += carried
        return 2 * m
    return 0


def _status_key(prev: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Ties without customer ids: by the owner's staff id, then departed
    owners, then no owner (never by row)."""
    k = len(rank)
    return np.where(
        prev >= 0, rank[np.maximum(prev, 0)], np.where(prev == _LEFT, k, k + 1)
    )


def _move(st: _State, owner_pos: np.ndarray, x: int, d: int, r: int) -> None:
    """Move the customer at position *x* from staff *d* to staff *r*."""
    # slices, not np.delete / np.insert (their overhead is most of a step)
    src = st.books[d]
    i = int(np.searchsorted(src, x))
    st.books[d] = np.concatenate((src[:i], src[i + 1 :]))
    dst = st.books[r]
    i = int(np.searchsorted(dst, x))
    st.books[r] = np.concatenate((dst[:i], np.array([x], dtype=dst.dtype), dst[i:]))
    st.count[d] -= 1
    st.count[r] += 1
    st.book[d] -= st.vs[x]
    st.book[r] += st.vs[x]
    owner_pos[x] = r


class _Inputs(NamedTuple):
    val: np.ndarray
    names: tuple[str, ...]
    ids: tuple[Hashable, ...]
    cap: np.ndarray
    tol: float
    prev: np.ndarray
    key: np.ndarray
    rank: np.ndarray
    plan: _Plan


def _check_ids_carried(customer_id: Any, index: Any) -> None:
    """Refuse *customer_id* beside pandas inputs on an index of customer ids
    (not row numbers) when it holds those ids in another order, or is a
    pandas Index other than theirs: each row's ids would disagree, the
    result being on the index and the ties broken by *customer_id*, so a
    customer could get the owner meant for another one."""
    if customer_id is None or index is None or row_numbers(index):
        return
    if is_pandas(customer_id) and not hasattr(customer_id, "dtype"):
        return  # (a frame: refused where the ids are read)
    found = other_ids(customer_id, index)
    # (a pandas Index of another length: refused where the lengths are read)
    if found == "order" or (found == "index" and len(customer_id) == len(index)):
        raise InputError(
            "customer_id",
            "holds the ids of the index of the pandas inputs in another order "
            "(or is another index): the result is on that index, and each "
            "row's ties would be broken by another customer's id",
            fix="leave customer_id= out (the index holds the ids), or give them "
            "in the index's order (customer_id=value.index)",
        )


def _inputs(
    value: Any,
    staff: Any,
    owner: Any,
    owner_field: str,
    customer_id: Any,
    capacity: Any,
    tolerance: Any,
    whole_book: bool = True,
) -> _Inputs:
    """The checked inputs shared by :func:`assign_owners` and
    :func:`reassign_neglected` (which checks room for the customers it
    places itself: *whole_book* False)."""
    val = _values(value)
    n = len(val)
    names, given = _staff_names(staff)
    cap = _capacities(capacity, names)
    tol = _tolerance(tolerance)
    if whole_book and float(cap.sum()) < n:
        raise ThresholdError(
            f"'capacity' holds {int(cap.sum())} customers in all, {n} to own: "
            f"{n - int(cap.sum())} short; raise a capacity or add staff"
        )
    prev = _owner_codes(owner, names, n, owner_field)
    if owner is not None:
        _warn_look_alike_owners(owner, prev, names)
    ids, index_of = customer_id, ""
    if ids is None and is_pandas(value):
        ids, index_of = value.index, "value"
    key = (
        _id_rank(ids, "customer_id", n, index_of=index_of)
        if ids is not None
        else np.zeros(n, np.int64)
    )
    rank = np.empty(len(names), dtype=np.int64)
    # staff numbers as customer ids are ordered (v.id_order): 9 before 10,
    # given as integers or as the text "9" and "10" (names are text)
    held = np.empty(len(names), dtype=object)
    held[:] = list(names)
    staff_order = v.id_order(held)
    if staff_order is None:
        staff_order = np.argsort(held, kind="stable")
    rank[staff_order] = np.arange(len(names))
    plan = _plan(cap, val, tol)
    return _Inputs(val, names, given, cap, tol, prev, key, rank, plan)


def assign_owners(
    value: Any,
    staff: Any,
    *,
    current_owner: Any = None,
    customer_id: Any = None,
    capacity: Any = None,
    max_moves: int | None = None,
    tolerance: float = 0.05,
) -> Assignment:
    """Give every customer exactly one owner, balancing workload and book value.

    Parameters
    ----------
    value
        Value of each customer (e.g. ``monetary``), non-negative; one per
        customer.
    staff
        The staff ids (text or whole numbers, compared as text: ``7`` and
        ``"7"`` are one id, ``"007"`` another; bytes, as a binary column
        gives text, are the UTF-8 text they hold: ``b"amy"`` is ``"amy"``,
        held as that text). Each at most once. The
        result holds them as given (``staff``, the pandas forms of
        ``owner``, the index of ``workload()``), so it joins back onto the
        staff table keyed by its own ids.
    current_owner
        The owner of each customer today, or missing (None, NaN, ``""`` is an
        id) for a customer without one. An owner not in *staff* has left:
        their customers must move (``forced``). A number ``7.0`` (a float
        column) is staff ``7``, or staff ``"7.0"`` when there is no ``7``.
        One that reads like a staff
        id but is written otherwise (spaces, an invisible character, another
        Unicode form, letter case, leading zeros or a sign: ``"Amy"`` for
        ``amy``, ``7`` for ``007``, ``+1`` for ``1``) has left too,
        and a :class:`~custseg.errors.CustsegWarning` names it.
    customer_id
        The customer ids, used to break ties and checked for duplicates.
        Default: the index of *value* when it is a pandas Series; none for
        NumPy arrays and lists. Whole numbers break ties in numeric order
        whether stored as integers or written as text (``"9"`` before
        ``"10"``), so ids read from a CSV file and from a Parquet file give
        the same owners; other text ids follow, in text order. True/False
        values (a mask) are an error, and so are the ids of the index of
        the pandas inputs in another order (or another pandas Index): the
        result is on that index, so the ties would be broken by other
        customers' ids.
    capacity
        The most customers each staff member may have: a number for
        everyone (an ``int`` or ``float``, a ``Decimal`` or ``Fraction`` as
        a database gives, a NumPy number or 0-d array), a sequence in the
        order of *staff*, or a mapping from staff id to capacity (missing:
        unlimited). A pandas Series is read by its index, which must hold
        every staff id once: a column of a staff table indexed by row
        numbers is an error (index it by staff id). Each capacity is a
        whole number of customers (``2.5`` is none, nor is ``True`` or
        ``False``, in any of these forms). Default unlimited.
    max_moves
        The most customers moved *voluntarily*, to balance: a whole number
        (an integer of any size is read exactly; ``None``: unlimited).
        Customers without an owner are always assigned and
        customers whose owner left (or is over capacity) always move; those
        are counted apart (``n_assigned``, ``n_forced``).
    tolerance
        Relative tolerance of the balance, in ``[0, inf)``: each count and
        each book may be this share away from its fair share, but never less
        than one customer (count) or the largest customer value (book).

    Returns
    -------
    Assignment
        ``owner`` (Labels over *staff*), ``change``, ``moved``, ``n_moves``,
        the workload before and after (``workload()``) and the balance
        figures (``count_gap``, ``value_gap``, ``count_ratio``,
        ``value_ratio``, ``balanced``).

    Raises
    ------
    InputError
        Negative or missing values, values that are integers beyond 2**53
        (or decimals beyond 2**53 in their last place) or integers adding
        up past 2**53 (float64 books would round them, as
        :func:`~custseg.summarize` refuses them), duplicate
        staff ids, duplicate or missing customer ids, inputs of different
        lengths or indexes.
    ThresholdError
        A bad tolerance, move budget or capacity, or capacities that cannot
        hold every customer (the message says how many are short).

    Warns
    -----
    CustsegWarning
        Staff ids that read alike but are different texts (``amy`` and
        ``amy`` with a zero-width space U+200B, ``José`` with its accent
        stored apart as macOS writes it, full-width letters): they stay two
        staff members, as ids are compared exactly
        as written; the warning names them by their code points and rows.

    Notes
    -----
    *Fair shares.* The fair count of staff member ``j`` is
    ``f_j = min(capacity_j, L)``, the water level ``L`` chosen so the fair
    counts add up to the number of customers; the fair book is
    ``g_j = V * f_j / n`` for total value ``V``. The workload is balanced
    when every count is within ``max(tolerance * f_j, 1)`` of ``f_j``; the
    value when every book is within ``max(tolerance * g_j, v_max)`` of
    ``g_j``, ``v_max`` the largest customer value.

    *Steps.* (1) Keep every customer whose owner is on the staff, except
    where an owner is over capacity (their customers beyond it, spread over
    their book by value, are ``forced`` out). (2) Staff above the count band
    give customers back, spread over their book by value (``moved``); so do
    staff whose count others need to reach the band. (3) The customers
    without an owner are dealt in rounds, highest value first, the largest
    to the staff member furthest below their fair book. (4) While a book is
    outside its slack, the staff member furthest above their slack and the
    one furthest below it exchange customers: one (a move, if both counts
    allow) or two (a swap), the exchange that carries the value closest to
    what the worse of the two lacks (at most half their difference). Each
    exchange lowers the sum of squared distances from the fair books. When
    no single exchange can carry the value, many go at once: the donor's
    largest customers (against the receiver's smallest, as swaps), up to
    half of it.

    *Guarantees.* Every customer has one owner from *staff*; no capacity is
    exceeded; at most *max_moves* voluntary moves. Without a move budget and
    without capacities the result is always balanced (both counts and
    books). With capacities, counts are always balanced and books are
    balanced as far as the exchanges reach; ``balanced`` says whether they
    did. ``balanced`` is always measured on the result, never assumed: a
    budget that stops the repair early shows as ``balanced`` False. A
    larger budget never leaves more customers beyond the count allowance
    (the book value usually improves with it too, but not at every step).
    When the input is already balanced and every owner is on the staff,
    nobody moves.

    *Ties* between customers are broken by value (highest first), then by
    customer id, then (without ids) by current owner: staff in id order,
    then departed owners, then none. Ties between staff members are broken
    by staff id, ordered as customer ids are: whole numbers (``9``, or
    ``"9"`` as text) first, by value, so staff 9 comes before staff 10,
    then other ids in text order. Never by row order: permuting the rows (or
    the staff list) permutes the result the same way. Without customer ids,
    customers with the same value and the same current owner are
    interchangeable: the owners they get are the same, in some order.

    *Cost.* Sorting once, ``O(n log n)``; dealing in rounds of one customer
    per staff member (runs of rounds among the same staff at once); each
    exchange costs the size of two books, and finding its pair
    ``O(sqrt(staff))`` (the staff are kept in order as books change, not
    sorted again), so many staff out of balance are not quadratic. Books and
    the total value are summed whatever the order of the rows (decimal
    amounts exactly).

    Examples
    --------
    ``amy`` owns five customers, ``bo`` one; ``cy`` left, ``dee`` just joined
    and one customer has no owner yet:

    >>> res = assign_owners(
    ...     [120, 110, 100, 90, 80, 70, 60, 50, 40],
    ...     ["amy", "bo", "dee"],
    ...     current_owner=["amy"] * 5 + ["bo", "cy", "cy", None],
    ...     customer_id=[f"c{i}" for i in range(1, 10)],
    ... )
    >>> res
    Assignment(n=9 customers, 3 staff, moves=2, forced=2, assigned=1, balanced=True,
        count_gap=0, value_gap=80)
    >>> res.owner.to_numpy().tolist()
    ['amy', 'amy', 'dee', 'amy', 'dee', 'bo', 'bo', 'dee', 'bo']
    >>> res.change.to_numpy().tolist()
    ['kept', 'kept', 'moved', 'kept', 'moved', 'kept', 'forced', 'forced', 'assigned']
    >>> res.workload()[["customers_before", "customers", "book", "fair_book"]]
           customers_before  customers   book  fair_book
    owner
    amy                   5          3  320.0      240.0
    bo                    1          3  170.0      240.0
    dee                   0          3  230.0      240.0

    Capacities that cannot hold everyone are refused:

    >>> assign_owners([1, 2, 3], ["amy", "bo"], capacity=1)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'capacity' holds 2 customers in all, 3 to own: 1 short; raise a capacity or add staff

    Staff ids that only read alike stay two staff members, with a warning:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = assign_owners([3, 2, 1], ["amy", "amy" + chr(0x200B)])
    >>> len(res.staff)
    2
    >>> print(str(caught[0].message).split(" read alike")[0])
    staff ids 'amy' and 'amy\\u200b' (rows 0 and 1)
    """
    # an owner column from an earlier Assignment (Labels) is checked by its
    # index too: paired by customer id, never by position
    index = common_index(
        value=value, current_owner=current_owner, customer_id=customer_id
    )
    _check_ids_carried(customer_id, index)
    budget = _max_moves(max_moves)
    inp = _inputs(
        value, staff, current_owner, "current_owner", customer_id, capacity, tolerance
    )
    val, names, ids, cap, tol, prev, key, rank, plan = inp
    n, k = len(val), len(names)

    # positions: highest value first, then customer id, then (without ids) the
    # current owner's status; only customers alike in all three keep row order
    order = np.lexsort((_status_key(prev, rank), key, -val))
    vs = val[order]
    prev_pos = prev[order]
    kept_owner = np.where(prev_pos >= 0, prev_pos, -1)

    before = _State(k, vs)
    before.load(kept_owner, k)
    count_before, book_before = before.count.copy(), _books(vs, kept_owner, k)
    change_pos = np.full(n, _KEPT, dtype=np.int8)
    change_pos[prev_pos == _NO_OWNER] = _ASSIGNED
    change_pos[prev_pos == _LEFT] = _FORCED

    # (1) over capacity: forced out, spread over the book
    owner_pos = kept_owner.copy()
    over = np.flatnonzero(before.count > cap)
    for j in over.tolist():
        extra = int(before.count[j] - cap[j])
        out = before.books[j][_spread(int(before.count[j]), extra)]
        owner_pos[out] = -1
        change_pos[out] = _FORCED
    st = before
    if len(over):
        st = _State(k, vs)
        st.load(owner_pos, k)

    # (2) above the count band: give back, spread over the book
    moves_left = budget
    excess = np.maximum(st.count - plan.upper, 0)
    total_excess = int(excess.sum())
    if total_excess:
        if moves_left is not None and total_excess > moves_left:
            excess = _share_budget(excess, rank, moves_left)
        for giver in np.flatnonzero(excess).tolist():
            out = st.books[giver][_spread(int(st.count[giver]), int(excess[giver]))]
            owner_pos[out] = -1
            change_pos[out] = _MOVED
        if moves_left is not None:
            moves_left -= int(excess.sum())
        st.load(owner_pos, k)
    # room for those below the band: the surplus above it must be freed too
    short = int(np.maximum(plan.lower, st.count).sum()) - n
    if short > 0 and (moves_left is None or moves_left > 0):
        freed = _free_room(st, plan, rank, owner_pos, short, moves_left)
        change_pos[freed] = _MOVED
        if moves_left is not None:
            moves_left -= len(freed)

    # (3) deal everyone without an owner
    pool = np.flatnonzero(owner_pos < 0)
    if len(pool):
        _deal(pool, st, plan, cap, rank, owner_pos)
        st.load(owner_pos, k)

    # (4) exchanges for the book value
    moved_before = owner_pos.copy()
    _exchange(st, plan, owner_pos, rank, moves_left)
    exchanged = (owner_pos != moved_before) & (change_pos == _KEPT)
    change_pos[exchanged] = _MOVED
    # given up (to balance, or over a capacity) and dealt to the same owner again
    change_pos[owner_pos == prev_pos] = _KEPT

    owner = np.empty(n, dtype=np.int64)
    owner[order] = owner_pos
    change = np.empty(n, dtype=np.int8)
    change[order] = change_pos
    return Assignment(
        owner=_Owners(owner, names, index=index, name="owner", staff=ids),
        change=Labels(change, CHANGES, index=index, name="change"),
        staff=ids,
        count_before=count_before,
        book_before=book_before,
        count_after=st.count.copy(),
        # summed again, whatever the order: the running books of the steps
        # carry the rounding of every move
        book_after=_books(vs, owner_pos, k),
        fair_count=plan.fair_count,
        fair_book=plan.fair_book,
        count_slack=np.maximum(tol * plan.fair_count, 1.0),
        value_slack=plan.value_slack,
        capacity=cap,
        tolerance=tol,
        max_moves=budget,
    )


def _free_room(
    st: _State,
    plan: _Plan,
    rank: np.ndarray,
    owner_pos: np.ndarray,
    short: int,
    budget: int | None,
) -> np.ndarray:
    """Free *short* customers (at most *budget*) for the staff below the
    count band, one at a time from whoever has the most to spare above
    ``max(fair count, lower)`` (ties by staff id), each time the middle
    customer of their book by value. Returns the positions freed.

    The greedy order is computed at once: the i-th customer freed by staff
    ``j`` has the key ``(-(spare_j - i), rank_j)``, and taking ``t`` middle
    customers one after the other from a book of ``L`` frees the block
    ``[(L - t + 1) // 2, (L - t + 1) // 2 + t)`` of it.
    """
    avail = np.maximum(st.count - plan.lower, 0)
    take = min(short, int(avail.sum()))
    if budget is not None:
        take = min(take, budget)
    if take <= 0:
        return np.empty(0, dtype=np.int64)
    spare = st.count - np.maximum(plan.fair_count, plan.lower)
    # the most any staff member gives is `take`: enumerate that many at most
    avail = np.minimum(avail, take)
    staff = np.repeat(np.arange(len(avail)), avail)
    turn = np.arange(len(staff)) - np.repeat(np.cumsum(avail) - avail, avail)
    pick = np.lexsort((rank[staff], -(spare[staff] - turn)))[:take]
    given = np.bincount(staff[pick], minlength=len(avail))
    freed = []
    for j in np.flatnonzero(given).tolist():
        t, book = int(given[j]), st.books[j]
        size = len(book)
        start = (size - t + 1) // 2
        block = book[start : start + t]
        # the book as the one-at-a-time removals leave it (same rounding):
        # the removal at step i is the last of the lower half (odd sizes)
        # or the first of the upper half (even sizes)
        i = np.arange(t)
        left = size - i
        removed = np.where(left % 2 == 1, (left + 1) // 2 - 1, (left + 1) // 2 + i)
        steps = np.concatenate(([st.book[j]], -st.vs[book[removed]]))
        st.book[j] = np.cumsum(steps)[-1]
        st.books[j] = np.concatenate((book[:start], book[start + t :]))
        st.count[j] -= t
        owner_pos[block] = -1
        freed.append(block)
    return np.concatenate(freed)


def _share_budget(excess: np.ndarray, rank: np.ndarray, budget: int) -> np.ndarray:
    """Split a move budget over the staff above the band: one each in turn,
    the furthest above first (ties by staff id)."""
    j, i = [], []
    for s in np.flatnonzero(excess):
        j.append(np.full(int(excess[s]), s))
        i.append(np.arange(int(excess[s])))
    staff_of = np.concatenate(j)
    turn = np.concatenate(i)
    order = np.lexsort((rank[staff_of], -excess[staff_of], turn))
    take = staff_of[order[:budget]]
    return np.bincount(take, minlength=len(excess)).astype(np.int64)


# --------------------------------------------------------------------------
# neglect


def _window(window_days: Any) -> float:
    w = v.number_param(window_days, "window_days")
    if not (0 < w < math.inf):
        raise ThresholdError(f"'window_days' must be a number in (0, inf): got {w}")
    return w


def _refuse_dates_without_as_of(last_contact: Any, error: InputError) -> None:
    """Days since the last contact that are dates: 'as_of' was forgotten
    (without it the column is a number of days)."""
    try:
        dates = v.as_datetime(last_contact, "last_contact", nan="allow")
    except InputError:
        return  # neither numbers nor dates: the numbers' message stands
    if not np.isnat(dates).all():
        raise InputError(
            "last_contact",
            "holds dates, but no 'as_of' was given (without as_of, "
            "'last_contact' is the number of days since the last contact)",
            fix="pass as_of= to count the days since these dates",
        ) from error


def _days_since(last_contact: Any, as_of: Any) -> np.ndarray:
    """Days since the last contact (NaN: never contacted)."""
    if as_of is None:
        try:
            numbers = v.as_numeric(last_contact, "last_contact", nan="allow")
        except InputError as error:
            _refuse_dates_without_as_of(last_contact, error)
            raise
        days = numbers.astype(np.float64)
        field_fix = "days since the last contact cannot be negative"
    else:
        dates = v.as_datetime(last_contact, "last_contact", nan="allow")
        ref = v.as_datetime_scalar(as_of, "as_of", like=last_contact)
        nat = np.isnat(dates)
        d = v.to_days(dates)
        r = int(v.to_days(np.array([ref]))[0])
        days = (r - d).astype(np.float64)
        days[nat] = np.nan
        field_fix = "a contact after 'as_of': check as_of"
    negative = days < 0
    if negative.any():
        first, count = v.first_offender(negative)
        raise InputError(
            "last_contact",
            "is after the reference day",
            first_row=first,
            n_rows=count,
            fix=field_fix,
        )
    return days


def neglected(
    value: Any,
    last_contact: Any,
    as_of: Any = None,
    *,
    window_days: float,
    min_value: float | None = None,
    top_share: float | None = None,
) -> Labels:
    """Flag customers of high value whom nobody has contacted within a window.

    A customer is ``neglected`` when they are of high value and their last
    contact is *window_days* or more days before *as_of* (or there was
    none). Contacts within ``[0, window_days)`` days count as attended.

    Parameters
    ----------
    value
        Value of each customer (e.g. ``monetary``).
    last_contact
        Date of each customer's last contact (missing: never contacted); or,
        when *as_of* is None, the days since it (NaN: never).
    as_of
        The reference day (text, date, datetime64); None when *last_contact*
        already counts days.
    window_days
        Length of the contact window in days, in ``(0, inf)``.
    min_value
        High value means ``value >= min_value``.
    top_share
        High value means among the top ``ceil(top_share * n)`` customers by
        value (the share as written: 0.3 of 10 customers is 3), in
        ``(0, 1]``; customers tied with the last of them are in
        too, so more than the share can be flagged, except that a customer
        worth 0 (or less) is never of high value. Give exactly one of
        *min_value* and *top_share*.

    Returns
    -------
    Labels
        ``ok`` or ``neglected`` per customer, named ``neglected``, on the
        input's index.

    Raises
    ------
    InputError
        Bad values or dates, a contact after *as_of*.
    ThresholdError
        A bad window, neither or both of *min_value* and *top_share*.

    Examples
    --------
    >>> flags = neglected([900, 800, 50, 700], ["2024-01-02", None, "2023-01-01",
    ...                   "2024-03-30"], "2024-04-01", window_days=60, min_value=500)
    >>> flags.to_numpy().tolist()
    ['neglected', 'neglected', 'ok', 'ok']

    Exactly 60 days is outside a 60-day window:

    >>> neglected([900, 900], [59, 60], window_days=60, top_share=1).to_numpy().tolist()
    ['ok', 'neglected']

    Ties at the cut of *top_share* are in, but customers worth 0 never are:

    >>> flags = neglected([900, 500, 500, 0, 0], [None] * 5, window_days=60,
    ...                   top_share=0.4)
    >>> flags.to_numpy().tolist()
    ['neglected', 'neglected', 'neglected', 'ok', 'ok']
    >>> neglected([900, 0, 0, 0], [None] * 4, window_days=60,
    ...           top_share=0.5).to_numpy().tolist()
    ['neglected', 'ok', 'ok', 'ok']
    """
    read = v.as_numeric(value, "value")
    val = read.astype(np.float64)
    days = _days_since(last_contact, as_of)
    v.check_same_length(value=val, last_contact=days)
    index = common_index(value=value, last_contact=last_contact)
    window = _window(window_days)
    if (min_value is None) == (top_share is None):
        raise ThresholdError(
            "give exactly one of 'min_value' and 'top_share': "
            f"got min_value={min_value!r}, top_share={top_share!r}"
        )
    if min_value is not None:
        cut = v.number_param(min_value, "min_value")
        if math.isnan(cut):
            raise ThresholdError("'min_value' must be a number: got nan")
        # a decimal (or an int past 2**53) rounding onto the cut: its side
        high = v.exact_sides(value, read, (cut,), move="down", field="value") >= cut
    else:
        share = v.number_param(top_share, "top_share")
        if not (0 < share <= 1):
            raise ThresholdError(f"'top_share' must be a number in (0, 1]: got {share}")
        # the share as written (0.3 of 10 is 3, not the 4 of its double's
        # 3.0000000000000004; 1e-12 of 3 is 1, not 0)
        m = math.ceil(Fraction(repr(share)) * len(val))
        if m:
            cut = float(np.partition(val, len(val) - m)[len(val) - m])
            # ties at the cut are in; a customer worth nothing never is
            high = _top_exactly(value, read, val, cut, m) & (val > 0)
        else:
            high = np.zeros(len(val), dtype=bool)
    with np.errstate(invalid="ignore"):
        late = ~(days < window)  # NaN (never contacted) is late
    codes = (high & late).astype(np.int8)
    return Labels(codes, ("ok", "neglected"), index=index, name="neglected")


def _top_exactly(
    x: Any, read: np.ndarray, val: np.ndarray, cut: float, m: int
) -> np.ndarray:
    """The rows among the *m* largest of *x* (ties in), where *cut* is the
    *m*-th largest of *val*, its float64 values: those above *cut*, and of
    those on it the ones whose exact values (decimals, integers past 2**53,
    read as :func:`custseg._validate.exact_sides` reads them) reach the
    *m*-th largest exactly. Two values float64 rounds alike are not a tie.

    >>> from decimal import Decimal as D
    >>> x = [D("0.10000000000000000001"), D("0.1"), D("0.3")]
    >>> _top_exactly(x, np.array([0.1, 0.1, 0.3]), np.array([0.1, 0.1, 0.3]), 0.1, 2)
    array([ True, False,  True])
    """
    high = val >= cut
    tie = np.flatnonzero(val == cut)
    if len(tie) < 2:
        return high
    if read.dtype.kind in "iu":
        if abs(cut) < 2.0**53:
            return high
        exact: list[decimal.Decimal | Fraction] = [
            decimal.Decimal(int(e)) for e in read[tie].tolist()
        ]
    else:
        decimals = v._decimal_values(x, len(read), read)
        if decimals is None:
            return high
        exact = [
            decimal.Decimal(repr(float(val[i]))) if d is None else v.exact_number(d)
            for i, d in zip(tie.tolist(), decimals[tie].tolist(), strict=True)
        ]
    k = m - int(np.count_nonzero(val > cut))  # how many of the tie are in
    least = sorted(exact, reverse=True)[k - 1]
    high[tie] = [e >= least for e in exact]
    return high


#: What *flags* of :func:`reassign_neglected` take besides True/False and
#: 1/0: the names of :func:`neglected` (its ``to_pandas()`` form) and the
#: yes/no answers of every other yes/no input.
_FLAG_ALIASES = {"no": 0, "yes": 1, **YES_NO_ALIASES}


def _flags(flags: Any, n: int) -> np.ndarray:
    """Whether each customer is neglected: the result of :func:`neglected`
    (Labels, or its ``to_pandas()`` categorical of ``ok``/``neglected``), or
    yes/no answers as the other yes/no inputs take them
    (:func:`~custseg._categories.as_category`: True/False, also as objects
    or a nullable column, 1/0, ``yes``/``no``). A missing flag is an error
    naming its row.

    >>> _flags(["neglected", "ok", True, 0, "yes"], 5).tolist()
    [True, False, True, False, True]
    >>> _flags([True, None], 2)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'flags' has a missing flag: a customer is neglected or not (first at row 1, 1 row affected): fill the gaps (flags.fillna(False)), or pass the result of neglected(), which flags every customer
    """
    if isinstance(flags, Labels):
        if "neglected" not in flags.names:
            raise InputError(
                "flags",
                f"has no label 'neglected' (its labels: {', '.join(map(repr, flags.names))})",
                fix="pass the result of neglected(), or a boolean mask such as "
                "labels == 'high'",
            )
        out = flags.codes == flags.names.index("neglected")
    else:
        v.require_column(flags, "flags")
        codes = as_category(
            flags,
            "flags",
            ("ok", "neglected"),
            aliases=_FLAG_ALIASES,
            integers=0,
            booleans=True,
        )
        v.check_same_length(value=np.empty(n), flags=codes)
        missing = codes == MISSING
        if missing.any():
            first, count = v.first_offender(missing)
            raise InputError(
                "flags",
                "has a missing flag: a customer is neglected or not",
                first_row=first,
                n_rows=count,
                fix="fill the gaps (flags.fillna(False)), or pass the result "
                "of neglected(), which flags every customer",
            )
        out = codes == 1
    v.check_same_length(value=np.empty(n), flags=out)
    return np.asarray(out, dtype=bool)


def _place_one_by_one(
    todo: np.ndarray,
    prev: np.ndarray,
    units: np.ndarray,
    rank: np.ndarray,
    cap: np.ndarray,
    count: np.ndarray,
    book: np.ndarray,
    owner_out: np.ndarray,
    change: np.ndarray,
) -> None:
    """Place the customers *todo* (in that order) one by one, each with the
    staff member of the smallest ``(book, count, rank)`` with room under
    their capacity, other than their current owner (*prev*); *count*,
    *book*, *owner_out* and *change* are updated in place.

    The staff with room are kept in a heap keyed by ``(book, count, rank)``
    (ranks are distinct, so the key orders the staff completely, as a
    lexsort of every staff member would): a change of book or count pushes
    a new entry and the old one is skipped when it surfaces (its version is
    stale), and the current owner's entry is set aside while the next one is
    looked at. So each customer costs O(log k), not O(k log k).
    """
    k = len(count)
    counts: list[int] = count.tolist()
    books: list[float] = book.tolist()
    caps: list[float] = cap.tolist()
    ranks: list[int] = rank.tolist()
    version = [0] * k
    heap = [
        (books[j], counts[j], ranks[j], j, 0) for j in range(k) if counts[j] < caps[j]
    ]
    heapq.heapify(heap)
    placed: list[int] = []
    best_of: list[int] = []
    moved: list[int] = []
    # room is kept for the customers without an owner, who must be placed: a
    # neglected one moves only when the room left still holds them all
    free = sum(
        max(int(c) - n, 0) if c != np.inf else len(todo)
        for c, n in zip(caps, counts, strict=True)
    )
    homeless = int((prev[todo] < 0).sum())
    for i, was, u in zip(
        todo.tolist(), prev[todo].tolist(), units[todo].tolist(), strict=True
    ):
        if was >= 0:
            gain = 1 if counts[was] - 1 < caps[was] else 0
            if free - 1 + gain < homeless:
                continue  # stays with their owner: the room is needed
        aside = None
        best = -1
        while heap:
            entry = heap[0]
            j = entry[3]
            if entry[4] != version[j]:  # book or count changed since
                heapq.heappop(heap)
            elif j == was:
                aside = heapq.heappop(heap)
            else:
                best = j
                break
        if aside is not None:
            heapq.heappush(heap, aside)
        if best < 0:
            continue  # nowhere else to go: stays (a forced one cannot: capacity)
        free -= 1
        if was < 0:
            homeless -= 1
        if was >= 0:
            if counts[was] - 1 < caps[was]:
                free += 1
            counts[was] -= 1
            books[was] -= u
            version[was] += 1
            moved.append(i)
            if counts[was] < caps[was]:
                heapq.heappush(
                    heap, (books[was], counts[was], ranks[was], was, version[was])
                )
        placed.append(i)
        best_of.append(best)
        counts[best] += 1
        books[best] += u
        version[best] += 1
        if counts[best] < caps[best]:
            heapq.heappush(
                heap, (books[best], counts[best], ranks[best], best, version[best])
            )
    owner_out[placed] = best_of
    change[moved] = _MOVED
    count[:] = counts
    book[:] = books


def reassign_neglected(
    value: Any,
    owner: Any,
    staff: Any,
    flags: Any,
    *,
    customer_id: Any = None,
    capacity: Any = None,
    tolerance: float = 0.05,
) -> Assignment:
    """Move neglected customers to the best-fitting other owner.

    The best fit is the staff member with the smallest book value among
    those with room under their capacity, other than the current owner (ties:
    fewer customers, then staff id). Neglected customers are placed one by
    one, highest value first (then by customer id), each time with the books
    as they stand. Customers without an owner, or whose owner left, are placed
    the same way (``assigned``, ``forced``). Nobody else moves: run
    :func:`assign_owners` afterwards to rebalance. The staff with room are
    kept in a heap, so each placement costs O(log staff).

    Parameters
    ----------
    value
        Value of each customer, non-negative.
    owner
        The current owner of each customer (missing: none); an owner that
        reads like a staff id but is written otherwise is warned about, as
        in :func:`assign_owners`.
    staff
        The staff ids, each once, as in :func:`assign_owners` (the result
        holds them as given).
    flags
        Which customers are neglected: the result of :func:`neglected` (its
        Labels or their ``to_pandas()`` column of ``ok``/``neglected``), or
        yes/no per customer as the other yes/no inputs take it (True/False,
        also held as objects or in a nullable ``boolean`` column; 1/0;
        ``yes``/``no``). None may be missing.
    customer_id
        Customer ids for ties and duplicate checks (default: the index of a
        pandas *value*); whole numbers in numeric order, also when written
        as text, as in :func:`assign_owners` (and, as there, not the ids of
        the pandas inputs' index in another order).
    capacity
        Most customers per staff member, as in :func:`assign_owners`: a
        neglected customer goes only to someone with room under it. Nobody
        else moves, so an owner already above their capacity keeps their
        other customers (``workload()`` shows them above it, and
        ``count_balanced`` and ``balanced`` are False); run
        :func:`assign_owners` afterwards to give the excess up.
    tolerance
        The tolerance of the balance figures reported, as in
        :func:`assign_owners`.

    Returns
    -------
    Assignment
        Moved neglected customers are ``moved``; a neglected customer for
        whom no other owner has room stays ``kept``.

    Raises
    ------
    InputError, ThresholdError
        As :func:`assign_owners`; *flags* with a missing or unknown answer
        (the message names its row).

    Examples
    --------
    >>> res = reassign_neglected([900, 100, 300, 200], ["amy", "amy", "bo", "cy"],
    ...                          ["amy", "bo", "cy"], [True, False, False, False])
    >>> res.owner.to_numpy().tolist(), res.n_moves
    (['cy', 'amy', 'bo', 'cy'], 1)
    """
    # flags from neglected() and owners from an earlier Assignment carry
    # their input's index: it must be this one
    index = common_index(value=value, owner=owner, customer_id=customer_id, flags=flags)
    _check_ids_carried(customer_id, index)
    inp = _inputs(value, staff, owner, "owner", customer_id, capacity, tolerance, False)
    val, names, ids, cap, tol, prev, key, rank, plan = inp
    n, k = len(val), len(names)
    flag = _flags(flags, n)

    kept = np.where(prev >= 0, prev, -1)
    has = kept >= 0
    count = np.bincount(kept[has], minlength=k).astype(np.int64)
    # nobody else moves: only the customers without an owner need room (a
    # neglected one with nowhere else to go stays with their owner)
    room = float(np.maximum(cap - count, 0).sum())
    homeless = int((~has).sum())
    if room < homeless:
        raise ThresholdError(
            f"'capacity' leaves room for {int(room)} more customers, and "
            f"{homeless} have no owner (none, or one who left): "
            f"{homeless - int(room)} short; raise a capacity or add staff"
        )
    # the books, whatever the order of the rows: for decimals of few places
    # in whole units (exact in any order, so equal books tie exactly), else
    # from the order-free sums, then updated in the order of the customers
    scale = decimal_scale(val)
    units: np.ndarray
    book: np.ndarray
    if scale is not None:
        units = np.rint(val * scale)
        # (float64 also when nobody is kept: bincount of nothing is int64)
        book = np.bincount(kept[has], weights=units[has], minlength=k)[:k]
        book = book.astype(np.float64, copy=False)
        book_before = book / scale
    else:
        units = val
        book_before = _books(val, kept, k)
        book = book_before.copy()
    count_before = count.copy()
    change = np.full(n, _KEPT, dtype=np.int8)
    change[prev == _NO_OWNER] = _ASSIGNED
    change[prev == _LEFT] = _FORCED
    owner_out = kept.copy()
    todo = np.flatnonzero(flag | (prev < 0))
    todo = todo[np.lexsort((_status_key(prev, rank)[todo], key[todo], -val[todo]))]
    _place_one_by_one(todo, prev, units, rank, cap, count, book, owner_out, change)
    return Assignment(
        owner=_Owners(owner_out, names, index=index, name="owner", staff=ids),
        change=Labels(change, CHANGES, index=index, name="change"),
        staff=ids,
        count_before=count_before,
        book_before=book_before,
        count_after=count,
        book_after=book / scale if scale is not None else _books(val, owner_out, k),
        fair_count=plan.fair_count,
        fair_book=plan.fair_book,
        count_slack=np.maximum(tol * plan.fair_count, 1.0),
        value_slack=plan.value_slack,
        capacity=cap,
        tolerance=tol,
        max_moves=None,
    )
