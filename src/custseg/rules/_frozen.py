"""A read-only mapping for compiled rules (a RuleSet and its parts)."""

from __future__ import annotations

from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

__all__ = ["FrozenMap", "frozen_map", "frozen_nested", "name_maps"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

_READ_ONLY = (
    "is read-only: compiled rules are checked once, when they are loaded, so "
    "an edit here would bypass those checks (and the compiled conditions "
    "would not see it); change the rules text (or write a file that extends "
    "it) and load it again. dict(...) gives an editable copy"
)


class FrozenMap(Mapping[K, V]):
    """A read-only mapping that compares and hashes by its items.

    Used for every mapping a compiled :class:`~custseg.rules.RuleSet` and its
    parts hold (``params``, ``tables``, ``translations``, ...): a write
    raises ``TypeError`` instead of being accepted past the checks of the
    loader. It compares equal to a ``dict`` with the same items, and its
    hash is that of its items (values must be hashable to hash it).

    Examples
    --------
    >>> m = FrozenMap({"key_amount": 1000}, what="RuleSet.params")
    >>> m["key_amount"], m == {"key_amount": 1000}, dict(m)
    (1000, True, {'key_amount': 1000})
    >>> hash(m) == hash(FrozenMap({"key_amount": 1000}))
    True
    >>> m["key_amount"] = 2000
    Traceback (most recent call last):
    ...
    TypeError: RuleSet.params is read-only: ...
    """

    __slots__ = ("_data", "_hash", "_what")

    _data: dict[K, V]
    _hash: int | None
    _what: str  # for messages only (not compared): e.g. "RuleSet.params"

    def __init__(
        self, data: Mapping[K, V] | Iterable[tuple[K, V]] = (), what: str = ""
    ) -> None:
        self._data = dict(data)
        self._hash = None
        self._what = what

    # any key may be looked up (a KeyError when absent), as with a dict
    def __getitem__(self, key: object) -> V:
        return self._data[key]  # type: ignore[index]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @overload
    def get(self, key: object, /) -> V | None: ...
    @overload
    def get(self, key: object, default: V, /) -> V: ...
    @overload
    def get(self, key: object, default: T, /) -> V | T: ...
    def get(self, key: object, default: Any = None, /) -> Any:
        return self._data.get(key, default)  # type: ignore[arg-type]

    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data, self._what))

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            f"{self._what or 'this mapping of compiled rules'} {_READ_ONLY}"
        )

    if not TYPE_CHECKING:  # type checkers report writes as unsupported
        # item writes, and the methods of dict that edit in place (a clear
        # message, not an AttributeError saying the method does not exist)
        __setitem__ = __delitem__ = _refuse
        update = pop = popitem = clear = setdefault = __ior__ = _refuse


def frozen_map(
    data: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = (),
) -> FrozenMap[Any, Any]:
    """*data* as a :class:`FrozenMap` (itself when it is one already): an
    attrs converter."""
    return data if isinstance(data, FrozenMap) else FrozenMap(data)


def frozen_nested(
    data: Mapping[Any, Mapping[Any, Any]],
) -> FrozenMap[Any, Any]:
    """A mapping of mappings (``translations``: language -> label -> name),
    read-only at both levels: an attrs converter."""
    if isinstance(data, FrozenMap) and all(
        isinstance(x, FrozenMap) for x in data.values()
    ):
        return data
    return FrozenMap({k: frozen_map(x) for k, x in data.items()})


def name_maps(owner: object, *fields: str) -> None:
    """Name the read-only mappings of *owner* (an attrs instance) after their
    fields, for the message of a refused write: ``RuleSet.params``, and
    ``Table.translations['zh']`` one level down."""
    cls = type(owner).__name__
    for field in fields:
        value = getattr(owner, field)
        if isinstance(value, FrozenMap) and not value._what:
            value._what = f"{cls}.{field}"
            for key, inner in value.items():
                if isinstance(inner, FrozenMap) and not inner._what:
                    inner._what = f"{cls}.{field}[{key!r}]"
