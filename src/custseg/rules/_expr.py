"""Condition expressions: parse with ``ast``, check against an allow-list,
compile to NumPy closures.

Nothing here calls ``eval``, ``exec`` or ``compile``: the checked tree is
turned into nested Python closures that call NumPy ufuncs, and names resolve
only through the symbol table the caller passes in.

Conditions use three-valued logic, as SQL and CEL do: a comparison with a
missing value (NaN, a missing category) is UNKNOWN, ``not`` UNKNOWN is
UNKNOWN, ``and``/``or`` follow Kleene's tables (FALSE and UNKNOWN is FALSE,
TRUE or UNKNOWN is TRUE), and a rule matches only where its condition is
TRUE. ``missing(x)`` asks for missing values explicitly. Internally a
condition evaluates to a pair of masks, where it is TRUE and where it is
FALSE; rows in neither are UNKNOWN.
"""

from __future__ import annotations

import ast
import decimal
import difflib
import fractions
import io
import itertools
import math
import re
import sys
import threading
import tokenize
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

import attrs
import numpy as np

from .._display import apart, spelled
from .._exact import decimal_scale, ordered_sum

__all__ = [
    "BOOL",
    "NUMBER",
    "Compiled",
    "Env",
    "ExprProblem",
    "Symbol",
    "Type",
    "category",
    "check_expr",
]

MAX_EXPR_CHARS = 2_000
MAX_NODES = 400
MAX_DEPTH = 40
MAX_TUPLE = 256
MAX_STRING = 200
MAX_NUMBER = 1e15


# the fix for a number float64 does not hold as written
DIGITS_HINT = (
    "write at most 15 significant digits (float64 holds every such decimal "
    "exactly as written), or the number it would be read as, if that is meant"
)


def read_as(written: str, value: float) -> str | None:
    """The decimal the float *value*, read from the number literal *written*,
    prints as, when that is not the number written; else None.

    A number is compared as the decimal it prints as (``0.1`` is 0.1, and
    ``Decimal("0.1")`` in the data is equal to it), so a literal with more
    digits than float64 holds would be compared as another number:
    ``0.30000000000000000001`` as 0.3, below which ``Decimal("0.3")`` is
    not. Such literals are refused, not rounded silently.

    >>> read_as("0.1", 0.1) is None, read_as("1_000.50", 1000.5) is None
    (True, True)
    >>> read_as("0.30000000000000000001", 0.30000000000000000001)
    '0.3'
    >>> read_as("1e-400", 0.0)
    '0.0'
    """
    if not math.isfinite(value):
        return None  # refused as not finite, or a documented inf / nan
    try:
        exact = decimal.Decimal(written.replace("_", ""))
    except decimal.InvalidOperation:  # pragma: no cover - tomllib / ast forms
        return None
    shown = repr(float(value))
    return None if decimal.Decimal(shown) == exact else shown


def inexact_message(written: str, value: float) -> str:
    """The message for a literal :func:`read_as` refuses: one too near zero
    for float64 (``1e-400``, read as 0.0) is said to be, not to have too
    many digits.

    >>> inexact_message("1e-400", 0.0)
    'the number 1e-400 is nearer zero than float64 holds (about 1e-308): it would be compared as 0.0'
    """
    shown = f"{written[:30]}..." if len(written) > 30 else written
    if abs(value) < sys.float_info.min:  # zero or subnormal: digits lost to range
        return (
            f"the number {shown} is nearer zero than float64 holds (about "
            f"1e-308): it would be compared as {read_as(written, value)}"
        )
    return (
        f"the number {shown} has more digits than float64 holds: it would be "
        f"compared as {read_as(written, value)}"
    )


def inexact_hint(value: float) -> str:
    """The fix for a literal :func:`inexact_message` refuses."""
    if abs(value) < sys.float_info.min:
        return "write 0 if zero is meant, or measure the field in a smaller unit"
    return DIGITS_HINT


def _folded(
    op: type[ast.operator], a: float, b: float, result: float, what: str
) -> tuple[str, str] | None:
    """Why the constant *what*, *a* op *b* computed as *result*, is refused
    (message and hint), or None.

    The operands are read as the decimals they print as; the result obeys
    the limits of a number written in the file: at most :data:`MAX_NUMBER`
    in size, and the decimal float64 prints it as is the exact result
    (``0.1 + 0.2`` is 0.30000000000000004 in float64, not 0.3, and
    ``9007199254740 * 1000 + 993`` is 2**53 + 1, beyond float64's integers).
    Division by zero and a non-finite operand keep float64's inf and nan.

    >>> _folded(ast.Add, 0.1, 0.2, 0.1 + 0.2, "0.1 + 0.2")[0]
    '0.1 + 0.2 is 0.3 exactly, but float64 computes 0.30000000000000004'
    >>> _folded(ast.Mult, 1e15, 10.0, 1e16, "1e15 * 10")[0]
    '1e15 * 10 is 10000000000000000: too large'
    >>> _folded(ast.Div, 1.0, 0.0, math.inf, "1 / 0") is None
    True
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    if op is ast.Div and b == 0:
        return None
    x = fractions.Fraction(decimal.Decimal(repr(a)))
    y = fractions.Fraction(decimal.Decimal(repr(b)))
    if op is ast.Add:
        exact = x + y
    elif op is ast.Sub:
        exact = x - y
    elif op is ast.Mult:
        exact = x * y
    else:
        exact = x / y
    what = what if len(what) <= 40 else what[:37] + "..."
    if abs(exact) > MAX_NUMBER or not math.isfinite(result):
        if exact.denominator == 1 and abs(exact) < 10**30:
            big = str(exact.numerator)
        else:
            big = f"{float(exact):g}" if abs(exact) < 10**300 else "beyond 1e300"
        return (
            f"{what} is {big}: too large",
            f"numbers must be finite and at most {MAX_NUMBER:g}, computed "
            "ones too (larger numbers are not exact)",
        )
    if fractions.Fraction(decimal.Decimal(repr(result))) != exact:
        if exact.denominator == 1 or 10**30 % exact.denominator == 0:
            shown = str(decimal.Decimal(exact.numerator) / exact.denominator)
        else:
            shown = f"{exact.numerator}/{exact.denominator}"
        return (
            f"{what} is {shown} exactly, but float64 computes {result!r}",
            "write the constant as one number of at most 15 significant digits",
        )
    return None


@attrs.frozen
class Type:
    """The type of an expression: ``number``, ``bool`` or ``category`` (with values)."""

    kind: Literal["number", "bool", "category"]
    values: tuple[str, ...] = ()
    # value -> code, built on first use (a category may have many values)
    _codes: dict[str, int] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    def __str__(self) -> str:
        if self.kind == "category":
            shown = ", ".join(repr(v) for v in self.values[:6])
            more = ", ..." if len(self.values) > 6 else ""
            return f"category ({shown}{more})"
        return self.kind

    def code(self, value: str) -> int | None:
        """The code of a category value (its index), or ``None``."""
        if self._codes is None:
            codes: dict[str, int] = {}
            for i, v in enumerate(self.values):
                codes.setdefault(v, i)
            object.__setattr__(self, "_codes", codes)
        assert self._codes is not None
        return self._codes.get(value)


NUMBER = Type("number")
BOOL = Type("bool")


def category(values: tuple[str, ...]) -> Type:
    """A category type with the given values."""
    return Type("category", tuple(values))


@attrs.frozen
class Symbol:
    """A name an expression may use: a field, parameter, derived value or output."""

    name: str
    kind: Literal["field", "param", "derived", "output"]
    type: Type
    value: Any = None  # for params: the constant
    may_be_missing: bool = False
    #: the number field it reads as it is: a field itself, or a derived value
    #: that is a bare name (``d = "x"``, ``d = "(x)"``) of one
    field: str | None = None
    #: the decimal places of its values when known from the file (an integer
    #: field 0, a parameter its own, a derived value its arithmetic's:
    #: :func:`places_of`), else None
    places: int | None = None


@attrs.frozen
class ExprProblem:
    """A problem in an expression, at character offsets within the expression."""

    start: int
    end: int
    code: str
    message: str
    hint: str = ""
    line: int = 1  # line within the expression (multi-line strings)


class _Values(dict[str, Any]):
    """Values by name that computes a name on first read (see :class:`Env`)."""

    def __init__(self, values: Mapping[str, Any], resolve: Callable[[str], Any]):
        super().__init__(values)
        self.resolve = resolve

    def __missing__(self, name: str) -> Any:
        value = self.resolve(name)
        self[name] = value
        return value


class Env:
    """Values for one evaluation: arrays per name plus a cache of aggregates.

    With *resolve*, a name not in *values* is computed by ``resolve(name)`` on
    first read and kept: each derived value or output is evaluated at most
    once per environment, and only if something reads it.
    """

    def __init__(
        self,
        n: int,
        values: Mapping[str, Any],
        resolve: Callable[[str], Any] | None = None,
        fixed: Mapping[str, float] | None = None,
        sides: Mapping[str, np.ndarray] | None = None,
        ints: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.n = n
        # number fields (and bare aliases of them) as comparisons with
        # constants read them: decimals on a cut moved to their exact side
        self.sides: Mapping[str, np.ndarray] = sides or {}
        # integer fields read as floats for a missing value, as int64 (0
        # where missing) when float64 rounds some: compared with each other
        self.ints: Mapping[str, np.ndarray] = ints or {}
        self.values: dict[str, Any] = (
            dict(values) if resolve is None else _Values(values, resolve)
        )
        # aggregates by their canonical text (aggregate_key): those computed
        # on these values, or with *fixed*, the values to use instead
        self.cache: dict[str, float] = {}
        self.fixed = fixed
        # lookup tables over the same inputs share their cells (and axes):
        # key -> cell array, or per axis -> (slots, offset)
        self.cells: dict[tuple[Any, ...], Any] = {}

    def compared(self, name: str) -> Any:
        """*name*'s values as a comparison with a constant (or a table's
        breaks) reads them: exact for decimals that float64 rounds onto a
        cut (:func:`custseg._validate.exact_sides`); arithmetic and
        aggregates read :attr:`values`."""
        sided = self.sides.get(name)
        return self.values[name] if sided is None else sided

    def integers(self, name: str) -> np.ndarray | None:
        """*name*'s values as exact integers (``int64``; 0 where missing),
        or None when its column is not one of integers: its :attr:`ints`
        entry (an integer column read as floats for a gap), or its integer
        array as it is."""
        exact = self.ints.get(name)
        if exact is not None:
            return exact
        arr = np.asarray(self.values[name])
        return arr if arr.dtype.kind in "iu" else None


Fn = Callable[[Env], Any]


class Truth(np.ndarray):
    """The rows where a condition is TRUE, as a boolean array.

    ``false`` holds the rows where it is FALSE (``None``: every other row);
    rows in neither are UNKNOWN. A rule matches where its condition is TRUE,
    so the array itself is the match mask; ``false`` travels with it so that
    a derived condition read by another condition keeps its UNKNOWN rows
    (``not d`` is UNKNOWN where ``d`` is).
    """

    false: np.ndarray | None

    def __array_finalize__(self, obj: Any) -> None:
        false = getattr(obj, "false", None)
        same = false is not None and np.shape(false) == self.shape
        self.false = false if same else None


def _truth(pair: tuple[Any, Any], n: int) -> Truth:
    t, f = pair
    out = _full(t, n).view(Truth)
    out.false = None if f is None else _full(f, n)
    return out


def _full(x: Any, n: int) -> np.ndarray:
    arr = np.asarray(x)
    return np.full(n, arr[()]) if arr.ndim == 0 else arr


def _pair(value: Any) -> tuple[Any, Any]:
    """(TRUE, FALSE) masks of a stored condition: a :class:`Truth` or booleans."""
    return np.asarray(value), getattr(value, "false", None)


@attrs.frozen
class Compiled:
    """A checked, compiled expression.

    ``fn(env)`` returns a scalar or an array of length ``env.n``; for a
    condition, a pair (TRUE mask, FALSE mask or ``None`` when no row is
    UNKNOWN). ``names`` are the symbols it reads. For the static analyser:
    ``comparisons`` are the (name, constant) pairs of comparisons of a name
    with a constant, ``opaque`` the names used in arithmetic (their cells are
    not induced by constants), ``aggregates`` whether a population aggregate
    is used, ``nodes`` the size of the tree (the work per row),
    ``aggregate_keys`` the canonical texts of the aggregates it reads
    (:func:`aggregate_key`) and ``nullable`` whether it may be missing.
    """

    text: str
    type: Type
    fn: Fn
    names: frozenset[str]
    comparisons: tuple[tuple[str, Any], ...]
    opaque: frozenset[str]
    aggregates: bool
    nodes: int = 1
    aggregate_keys: frozenset[str] = frozenset()
    #: whether the value may be missing on rows whose inputs are not (a
    #: missing operand, 0 / 0, inf - inf), as the checker found
    nullable: bool = True
    #: the name it is when it is a bare name (``x``, ``(x)``), else None
    bare: str | None = None
    #: a number's decimal places when known from the file (:func:`places_of`)
    places: int | None = None
    #: its value when it is a finite number constant (``"0.3"``, ``"p"``,
    #: ``"0.1 + 0.2"``), else None: a derived value of such an expression is
    #: a named constant, compared as a parameter is
    const: float | int | None = None
    #: the comparisons of a name with a finite number constant, as
    #: (name, operator, constant, text) with the name on the left
    #: (``lost_days <= recency_days`` is ``(recency_days, ">=", 270, ...)``),
    #: and of a name with a list of them (``x in (1, 2)`` is
    #: ``(x, "in", (1.0, 2.0), ...)``, ``not in`` alike):
    #: the analyser checks each against the field's bounds, so that a dead
    #: part of a condition is reported, not only a dead condition
    bounded: tuple[tuple[str, str, float | tuple[float, ...], str], ...] = ()
    #: the names of the operands when it is one division of names and
    #: number constants (``m / f``: ``("m", "f")``, ``m / 2``: ``("m",)``),
    #: else None: such a value is missing where an operand is, or where
    #: both are 0 (``0 / 0``), which the analyser decides by the operands'
    #: signs alone, whatever their bounds
    ratio: tuple[str, ...] | None = None

    def evaluate(self, env: Env) -> np.ndarray:
        """Evaluate to an array of length ``env.n``.

        A condition gives a :class:`Truth`: where it is TRUE (UNKNOWN rows,
        from missing values, are not TRUE), with the FALSE rows attached.
        """
        out = self.fn(env)
        if self.type.kind == "bool":
            return _truth(out, env.n)
        return _full(out, env.n)


# --------------------------------------------------------------------------
# did you mean

MAX_SUGGEST_LEN = 64  # longer names get no suggestion
SUGGEST_BUDGET = 5_000  # names compared with difflib, per candidate set
MAX_SUGGEST_INDEX = 100_000  # entries of the typo index, per candidate set
MAX_SUGGESTERS = 4  # candidate sets remembered (a file's names, a category's values)


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class _Suggester:
    """Did-you-mean over one collection of names, with bounded work.

    The first lookups compare with every name (``difflib``, as people expect);
    once *SUGGEST_BUDGET* comparisons are spent, a name is only matched with
    names one typo away (a letter added, dropped, changed or two swapped),
    found through an index of single-letter deletions.
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.seen = 0
        self.budget = SUGGEST_BUDGET
        self.index: dict[str, list[str]] | None = None
        self.entries = 0
        self.memo: dict[str, str | None] = {}

    def update(self, candidates: Any) -> None:
        """Take in names added to *candidates* since the last call."""
        if len(candidates) == self.seen:
            return
        if len(candidates) < self.seen:  # not append-only: start again
            self.names, self.seen, self.index, self.entries = [], 0, None, 0
        new = [
            c
            for c in itertools.islice(iter(candidates), self.seen, None)
            if isinstance(c, str) and len(c) <= MAX_SUGGEST_LEN
        ]
        self.seen = len(candidates)
        self.names += new
        self.memo.clear()
        if self.index is not None:
            self._index(new)

    def _index(self, names: list[str]) -> None:
        assert self.index is not None
        for name in names:
            keys = _deletions(name)
            self.entries += len(keys)
            if self.entries > MAX_SUGGEST_INDEX:
                return
            for key in keys:
                self.index.setdefault(key, []).append(name)

    def __call__(self, word: str) -> str | None:
        if len(word) > MAX_SUGGEST_LEN or not self.names:
            return None
        if word in self.memo:
            return self.memo[word]
        if len(self.names) <= self.budget:
            self.budget -= len(self.names)
            close = difflib.get_close_matches(word, self.names, n=1)
            found = close[0] if close else None
        else:
            if self.index is None:
                self.index = {}
                self._index(self.names)
            near: list[str] = []
            for key in sorted(_deletions(word)):
                near += self.index.get(key, ())[:8]
            found = None
            if near:
                ratio = difflib.SequenceMatcher(None, word)
                scores = []
                for name in dict.fromkeys(near[:32]):
                    ratio.set_seq1(name)
                    scores.append((ratio.ratio(), name))
                found = max(scores, key=lambda s: s[0])[1]
        if len(self.memo) < 10_000:
            self.memo[word] = found
        return found


# suggesters by the identity of the candidate collection (the symbol table of
# a file being built, a category's values): one budget and index per file,
# across the many check_expr calls of one build. Each build has its own
# symbol table, so a file's suggestions do not depend on what was checked
# before it; and each thread its own suggesters, so that builds in other
# threads never evict them (a budget started over gave more suggestions).
_LOCAL = threading.local()


def _suggesters() -> dict[int, tuple[Any, _Suggester]]:
    table: dict[int, tuple[Any, _Suggester]] | None = getattr(
        _LOCAL, "suggesters", None
    )
    if table is None:
        table = _LOCAL.suggesters = {}
    return table


def suggest(word: str, candidates: Any) -> str | None:
    """The name in *candidates* closest to *word* (did you mean), or ``None``.

    The work is bounded per collection of candidates, however many names are
    looked up in it (see :class:`_Suggester`).

    Examples
    --------
    >>> suggest("monetry", ["monetary", "recency"])
    'monetary'
    >>> suggest("zzz", ["monetary"]) is None
    True
    """
    key = id(candidates)
    suggesters = _suggesters()
    entry = suggesters.get(key)
    if entry is None or entry[0] is not candidates:
        while len(suggesters) >= MAX_SUGGESTERS:  # forget the oldest
            suggesters.pop(next(iter(suggesters)), None)
        entry = (candidates, _Suggester())
        suggesters[key] = entry
    suggester = entry[1]
    suggester.update(candidates)
    found = suggester(word)
    if found is None or isinstance(candidates, tuple):  # a tuple cannot change
        return found
    return found if found in candidates else None


# --------------------------------------------------------------------------
# offsets


def _char_offset(text_line: str, byte_col: int) -> int:
    """ast columns are UTF-8 byte offsets; convert to a character offset."""
    return len(text_line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _span(node: ast.AST, lines: list[str]) -> tuple[int, int, int]:
    """(line, start char, end char) of a node within the expression."""
    lineno = getattr(node, "lineno", 1)
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    start = _char_offset(line, getattr(node, "col_offset", 0))
    end_line = getattr(node, "end_lineno", lineno)
    end_col = getattr(node, "end_col_offset", None)
    if end_col is None or end_line != lineno:
        end = len(line)
    else:
        end = _char_offset(line, end_col)
    return lineno, start, max(end, start + 1)


# --------------------------------------------------------------------------
# functions

_AGGREGATES = {"mean", "median", "min", "max", "quantile"}
FUNCTIONS = {
    "mean": "mean(x): mean of the number x over the customers (missing values "
    "skipped); mean(x, where=condition): over the customers where it is true",
    "median": "median(x): median of the number x over the customers "
    "(where=condition: over those where it is true)",
    "min": "min(x): smallest value of x over the customers "
    "(where=condition: over those where it is true)",
    "max": "max(x): largest value of x over the customers "
    "(where=condition: over those where it is true)",
    "quantile": "quantile(x, q): the q-quantile (0 <= q <= 1) of x over the "
    "customers, interpolated linearly as numpy.quantile (where=condition: over "
    "those where it is true)",
    "missing": "missing(x): true where the field x has no value",
}
#: the function names, one tuple (a suggester is kept per collection)
_FUNCTION_NAMES = tuple(FUNCTIONS)


def aggregate_key(func: str, name: str, q: float = 0.0, where: str = "") -> str:
    """The canonical text of an aggregate: ``mean(frequency)``,
    ``quantile(monetary, 0.9)``, ``mean(frequency, where=frequency > 0)``.

    The same aggregate has the same text however it is written (spaces,
    quotes, a parameter or a constant for q); it keys the values of
    :meth:`RuleSet.aggregates <custseg.rules.RuleSet.aggregates>`.
    """
    args = [name]
    if func == "quantile":
        args.append(repr(float(q) + 0.0))  # -0.0 is 0.0
    if where:
        args.append(f"where={where}")
    return f"{func}({', '.join(args)})"


class AggregateMissing(LookupError):
    """A fixed aggregate the evaluation reads was not given (its key)."""


def _aggregate(
    func: str,
    name: str,
    q: float,
    key: str,
    where: tuple[str, Fn] | None,
    env: Env,
) -> float:
    if env.fixed is not None:
        if key not in env.fixed:
            raise AggregateMissing(key)
        return env.fixed[key]
    if key not in env.cache:
        raw = np.asarray(env.values[name])
        arr = np.asarray(raw, dtype=np.float64)
        keep = None  # the rows to aggregate (None: all of them)
        if where is not None:  # where the condition is TRUE, one mask per text
            cell = ("where", where[0])
            keep = env.cells.get(cell)
            if keep is None:
                mask = np.asarray(where[1](env)[0], dtype=bool)
                keep = env.cells[cell] = np.broadcast_to(mask, arr.shape)
        if raw.dtype.kind not in "iub":  # integers have no missing value
            nan = np.isnan(arr)
            if nan.any():
                keep = ~nan if keep is None else keep & ~nan
        if keep is not None and not keep.all():  # one copy of the rows kept
            arr = arr[keep]
        if not len(arr):
            env.cache[key] = math.nan
        elif func == "min":
            env.cache[key] = float(arr.min())
        elif func == "max":
            env.cache[key] = float(arr.max())
        else:
            env.cache[key] = _central(func, arr, q)
    return env.cache[key]


def _central(func: str, arr: np.ndarray, q: float) -> float:
    """mean / median / quantile of finite-or-infinite values, without overflow:
    values near the float maximum are averaged at a smaller scale."""

    def value(x: np.ndarray) -> float:
        if func == "mean":
            return _mean(x)
        if func == "median":
            return float(np.median(x))
        return float(np.quantile(x, q))

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        out = value(arr)
        if not math.isfinite(out) and np.isfinite(arr).all():
            scale = float(np.abs(arr).max())
            out = value(arr / scale) * scale
    return out


def _mean(x: np.ndarray) -> float:
    """The mean of *x*, the same for every order of the values: decimals of
    few places are summed exactly as integers and divided once (the mean of
    0.1, 0.2 and 0.3 is 0.2), other values are added in ascending order."""
    scale = decimal_scale(x)
    if scale is None:
        return ordered_sum(x) / len(x)
    # integers whose magnitudes add up below 2**52: an exact sum in any order;
    # Python's int / int is correctly rounded
    total = int(np.rint(x * scale).sum())
    return total / (scale * len(x))


def _is_missing(name: str, typ: Type) -> Fn:
    def fn(env: Env) -> Any:
        arr = env.values[name]
        if typ.kind == "category":
            return arr < 0, None
        if typ.kind == "number" and np.asarray(arr).dtype.kind == "f":
            return np.isnan(arr), None
        if typ.kind == "bool":  # a derived condition: missing where UNKNOWN
            t, f = _pair(arr)
            if f is not None:
                return ~(t | f), None
        return False, None

    return fn


# --------------------------------------------------------------------------
# three-valued logic on (TRUE, FALSE) mask pairs; FALSE None: no UNKNOWN row


def _false(t: Any, f: Any) -> Any:
    return np.logical_not(t) if f is None else f


def _not(pair: tuple[Any, Any]) -> tuple[Any, Any]:
    t, f = pair
    return (np.logical_not(t), None) if f is None else (f, t)


def _and(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
    t = np.logical_and(a[0], b[0])
    if a[1] is None and b[1] is None:
        return t, None
    return t, np.logical_or(_false(*a), _false(*b))


def _or(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
    t = np.logical_or(a[0], b[0])
    if a[1] is None and b[1] is None:
        return t, None
    return t, np.logical_and(_false(*a), _false(*b))


def _known_codes(codes: Any) -> Any:
    """Category codes with a value (-1 is missing)."""
    return np.greater_equal(codes, 0)


# --------------------------------------------------------------------------
# checker / compiler

# comparison -> (ufunc, symbol, the comparison FALSE means where both sides
# have a value: NaN makes both false, so a missing value is neither)
_CMP = {
    ast.Lt: (np.less, "<", np.greater_equal),
    ast.LtE: (np.less_equal, "<=", np.greater),
    ast.Gt: (np.greater, ">", np.less_equal),
    ast.GtE: (np.greater_equal, ">=", np.less),
    ast.Eq: (np.equal, "==", None),
    ast.NotEq: (np.not_equal, "!=", None),
}


def divide(a: Any, b: Any, dtype: Any = np.float64) -> Any:
    """``a / b`` as the rules divide: float64, a division by zero infinite
    with the sign of *a* (``0 / 0`` NaN, missing), whatever the sign of the
    zero: ``-0.0`` (``-refunds`` of no refund) is 0, as ``-0.0 == 0`` is.
    The engines divide so too (:mod:`custseg._engine_rules`).

    >>> divide(np.array([100.0, -1.0, 0.0]), np.array([-0.0, -0.0, -0.0])).tolist()
    [inf, -inf, nan]
    >>> float(divide(7.0, -2.0))
    -3.5
    """
    # x + 0.0 is x, but +0.0 for -0.0 (IEEE 754, round to nearest)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, np.add(b, 0.0, dtype=dtype), dtype=dtype)


#: the arithmetic of the rules, shared by the engines' compiler
ARITH: dict[type[ast.operator], Callable[..., Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: divide,
}

#: The most decimal places arithmetic results are rounded to (see
#: :func:`to_places`); and below what size, times ``10**places``: there a
#: result of ``+``, ``-`` and ``*`` is within far less than half its last
#: place of the exact decimal
MOST_PLACES = 12
_EXACT_BELOW = 2.0**40


def decimal_places(value: Any) -> int | None:
    """The decimal places of a number of the file (a constant, a
    parameter) as written: an int 0, a float those of the decimal it prints
    as (``0.25``: 2, ``1e-20``: 20, ``3.0``: 0); None for anything else.

    >>> decimal_places(3), decimal_places(0.25), decimal_places(1e-20), decimal_places(2e20)
    (0, 2, 20, 0)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return 0
    if isinstance(value, float) and math.isfinite(value):
        exponent = decimal.Decimal(repr(value)).as_tuple().exponent
        assert isinstance(exponent, int)  # finite
        return max(0, -exponent)
    return None


def places_of(op: ast.operator, left: int | None, right: int | None) -> int | None:
    """The decimal places of the exact result of *op* on numbers of *left*
    and *right* places (None: unknown): the more of the two for ``+`` and
    ``-``, their sum for ``*``, unknown for ``/`` (``1 / 3`` has none).

    >>> places_of(ast.Mult(), 1, 0), places_of(ast.Add(), 1, 2), places_of(ast.Div(), 0, 0)
    (1, 2, None)
    """
    if left is None or right is None or isinstance(op, ast.Div):
        return None
    return left + right if isinstance(op, ast.Mult) else max(left, right)


def exact_constant(op: ast.operator, a: Any, b: Any, computed: float) -> float:
    """*a* op *b* of two constants of the file (read as the decimals they
    print as) as the double of its exact value when that double prints as
    it (``0.1 + 0.2`` is 0.3, ``4901.427035 * 2.774`` is 13596.55859509),
    else *computed* (float64's, which :func:`_folded` then judges: ``100 /
    3`` is refused).

    >>> exact_constant(ast.Add(), 0.1, 0.2, 0.1 + 0.2)
    0.3
    >>> exact_constant(ast.Mult(), 4901.427035, 2.774, 4901.427035 * 2.774)
    13596.55859509
    """
    x, y = float(a), float(b)
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(computed)):
        return computed
    p = fractions.Fraction(decimal.Decimal(repr(x)))
    q = fractions.Fraction(decimal.Decimal(repr(y)))
    if isinstance(op, ast.Div):
        if q == 0:
            return computed
        exact = p / q
    else:
        exact = (
            p + q
            if isinstance(op, ast.Add)
            else p - q
            if isinstance(op, ast.Sub)
            else p * q
        )
    near = float(exact)
    return (
        near if fractions.Fraction(decimal.Decimal(repr(near))) == exact else computed
    )


def to_places(x: Any, places: int | None) -> Any:
    """Results of ``+``, ``-`` and ``*`` on decimals (integer fields,
    constants and parameters as written) whose exact values have at most
    *places* decimals, as the doubles of those exact values: float64 gives
    ``0.2 * 1 + 0.3 * 3 + 0.5 * 1`` as 1.5999999999999999, which is below a
    threshold of 1.6 the exact 1.6 is on. Rounded to *places* (at most
    :data:`MOST_PLACES`) where ``|x| * 10**places`` is below 2**40 (there
    float64's error is far below half the last place); elsewhere, and for
    other *places* (None, 0: integers are exact in float64), *x* as it is.
    The engines round so too.

    >>> float(to_places(0.2 * 1 + 0.3 * 3 + 0.5 * 1, 1)), float(to_places(3 * 0.1, 1))
    (1.6, 0.3)
    >>> to_places(np.array([1.5999999999999999, np.nan, 1e300]), 1).tolist()
    [1.6, nan, 1e+300]
    """
    if not places or places > MOST_PLACES:
        return x
    scale = 10.0**places
    with np.errstate(all="ignore"):
        shifted = np.multiply(x, scale, dtype=np.float64)
        # an exact integer over an exact power of ten: one rounding; half
        # up, as the engines round (a half is met only past exact decimals)
        whole = np.floor(shifted + 0.5) / scale
        return np.where(np.abs(shifted) < _EXACT_BELOW, whole, x)


_REFUSED = {
    ast.BitAnd: (
        "'&' is not allowed",
        "use and/or/not: & binds tighter than comparisons",
    ),
    ast.BitOr: (
        "'|' is not allowed",
        "use and/or/not: | binds tighter than comparisons",
    ),
    ast.BitXor: ("'^' is not allowed", "use != between two conditions"),
    ast.Pow: ("'**' is not allowed", "multiply explicitly, e.g. x * x"),
    ast.FloorDiv: ("'//' is not allowed", "use / and compare with a threshold"),
    ast.Mod: ("'%' is not allowed", "compare with thresholds instead"),
    ast.LShift: ("'<<' is not allowed", "use * and / for arithmetic"),
    ast.RShift: ("'>>' is not allowed", "use * and / for arithmetic"),
    ast.MatMult: ("'@' is not allowed", "use * for multiplication"),
}
_NODE_NAMES = {
    ast.Attribute: (
        "attribute access",
        "use a declared name; attributes are not allowed",
    ),
    ast.Subscript: ("subscripts", "use a declared name; indexing is not allowed"),
    ast.Lambda: ("lambda", "conditions are plain expressions"),
    ast.ListComp: ("comprehensions", "list the values in a tuple: x in (1, 2)"),
    ast.SetComp: ("comprehensions", "list the values in a tuple: x in (1, 2)"),
    ast.DictComp: ("comprehensions", "list the values in a tuple: x in (1, 2)"),
    ast.GeneratorExp: (
        "generator expressions",
        "list the values in a tuple: x in (1, 2)",
    ),
    ast.JoinedStr: ("f-strings", "use a plain string literal"),
    ast.NamedExpr: ("':=' (walrus)", "conditions cannot assign"),
    ast.IfExp: ("'... if ... else ...'", "write separate rules instead"),
    ast.Dict: ("dict literals", ""),
    ast.Set: ("set literals", "use a tuple: x in (1, 2)"),
    ast.List: ("list literals", "use a tuple: x in (1, 2)"),
    ast.Await: ("await", ""),
    ast.Yield: ("yield", ""),
    ast.YieldFrom: ("yield", ""),
    ast.Starred: ("'*' unpacking", ""),
}


class _Failed(Exception):
    pass


class _Node(NamedTuple):
    """A checked sub-expression: its type, its closure, its value if constant,
    and whether it may be missing (NaN, a missing category, UNKNOWN)."""

    type: Type
    fn: Fn
    const: Any
    nullable: bool
    #: a number's decimal places when known from the file (:func:`places_of`)
    places: int | None = None


def _walk_checked(tree: ast.AST) -> list[ast.Name]:
    """The names the checker would read, in source order: only through
    allowed constructs; an unknown function's name is included (its call is
    not walked into), a known function's is not."""
    out: list[ast.Name] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        children: list[ast.AST] = []
        if isinstance(node, ast.Expression):
            children = [node.body]
        elif isinstance(node, ast.Name):
            out.append(node)
        elif isinstance(node, ast.BoolOp):
            children = list(node.values)
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Invert):
            children = [node.operand]
        elif isinstance(node, ast.BinOp) and type(node.op) in ARITH:
            children = [node.left, node.right]
        elif isinstance(node, ast.Compare):
            children = [node.left, *node.comparators]
        elif isinstance(node, ast.Tuple):  # after 'in'; refused elsewhere
            children = list(node.elts)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS
        ):
            children = [*node.args, *(k.value for k in node.keywords)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in FUNCTIONS
        ):
            out.append(node.func)
        stack.extend(reversed(children))
    return out


class _Checker:
    def __init__(self, text: str, symbols: Mapping[str, Symbol]) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.symbols = symbols
        self.problems: list[ExprProblem] = []
        self.called: set[str] = set()  # unknown functions already reported
        self.names: set[str] = set()
        self.comparisons: list[tuple[str, Any]] = []
        self.bounded: list[tuple[str, str, float | tuple[float, ...], str]] = []
        self.opaque: set[str] = set()
        self.aggregates = False
        self.aggregate_keys: set[str] = set()

    def fail(self, node: ast.AST, code: str, message: str, hint: str = "") -> _Failed:
        line, start, end = _span(node, self.lines)
        self.problems.append(ExprProblem(start, end, code, message, hint, line))
        return _Failed()

    def unknown_function(self, node: ast.Name) -> _Failed:
        """Report a call of a function that is not built in."""
        close = suggest(node.id, _FUNCTION_NAMES)
        return self.fail(
            node,
            "unknown-function",
            f"unknown function {node.id!r}",
            f"did you mean {close!r}?"
            if close
            else "available: " + ", ".join(sorted(FUNCTIONS)),
        )

    def unknown_names(self, tree: ast.AST) -> None:
        """Report every unknown name and function, at its first use, with a
        suggestion."""
        reported: set[str] = set()
        calls = {
            id(n.func)
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        for node in _walk_checked(tree):
            name = node.id
            if id(node) in calls:
                if name not in reported:
                    reported.add(name)
                    self.called.add(name)
                    self.unknown_function(node)
                continue
            if name in self.symbols or name in ("True", "False", "None"):
                continue
            if name in reported:
                continue
            reported.add(name)
            close = None
            if name in FUNCTIONS:
                hint = f"{name} is a function: {FUNCTIONS[name]}"
            else:
                close = suggest(name, self.symbols)
                hint = (
                    f"did you mean {close!r}?"
                    if close
                    else "declare it under [fields], [params] or [derived]"
                )
            if close and close.isascii() and _looks_latin(name):
                # a Cyrillic 'е' in 'frеquency' prints as the name meant:
                # say which characters are not what they look like
                self.fail(
                    node,
                    "unknown-name",
                    f"unknown name {spelled(name)}",
                    f"{hint} (write it in plain ASCII letters: the code "
                    "points listed only look like them)",
                )
                continue
            self.fail(node, "unknown-name", f"unknown name {name!r}", hint)

    def visit(self, node: ast.AST) -> _Node:
        if isinstance(node, ast.BoolOp):
            return self.visit_boolop(node)
        if isinstance(node, ast.UnaryOp):
            return self.visit_unary(node)
        if isinstance(node, ast.Compare):
            return self.visit_compare(node)
        if isinstance(node, ast.BinOp):
            return self.visit_binop(node)
        if isinstance(node, ast.Name):
            return self.visit_name(node)
        if isinstance(node, ast.Constant):
            return self.visit_constant(node)
        if isinstance(node, ast.Call):
            return self.visit_call(node)
        if isinstance(node, ast.Tuple):
            line, start, end = _span(node, self.lines)
            thousands = _thousands(self.lines[line - 1][start:end])
            if thousands is not None:  # x > 1,000
                self.problems.append(
                    attrs.evolve(
                        thousands,
                        start=thousands.start + start,
                        end=thousands.end + start,
                        line=line,
                    )
                )
                raise _Failed
            raise self.fail(
                node,
                "disallowed-syntax",
                "a tuple is only allowed after 'in'",
                "write x in (1, 2)",
            )
        what, hint = _NODE_NAMES.get(type(node), (type(node).__name__, ""))
        raise self.fail(
            node, "disallowed-syntax", f"{what} not allowed in a condition", hint
        )

    def visit_boolop(self, node: ast.BoolOp) -> _Node:
        fns = []
        nullable = False
        for value in node.values:
            sub = self.visit(value)
            if sub.type != BOOL:
                raise self.fail(
                    value,
                    "type-mismatch",
                    f"'{'and' if isinstance(node.op, ast.And) else 'or'}' "
                    f"needs conditions, got a {sub.type}",
                    "compare it with something, e.g. x > 0",
                )
            fns.append(sub.fn)
            nullable |= sub.nullable
        combine = _and if isinstance(node.op, ast.And) else _or

        def fn(env: Env) -> Any:
            out = fns[0](env)
            for f in fns[1:]:
                out = combine(out, f(env))
            return out

        return _Node(BOOL, fn, None, nullable)

    def visit_unary(self, node: ast.UnaryOp) -> _Node:
        if isinstance(node.op, ast.Invert):
            raise self.fail(
                node,
                "disallowed-syntax",
                "'~' is not allowed",
                "use not: ~ is bitwise, and binds tighter than comparisons",
            )
        sub = self.visit(node.operand)
        inner = sub.fn
        if isinstance(node.op, ast.Not):
            if sub.type != BOOL:
                raise self.fail(
                    node.operand,
                    "type-mismatch",
                    f"'not' needs a condition, got a {sub.type}",
                )
            return _Node(BOOL, lambda env: _not(inner(env)), None, sub.nullable)
        if sub.type != NUMBER:
            raise self.fail(
                node.operand,
                "type-mismatch",
                f"unary {'-' if isinstance(node.op, ast.USub) else '+'} "
                f"needs a number, got a {sub.type}",
            )
        self.opaque |= {
            n.id
            for n in ast.walk(node.operand)
            if isinstance(n, ast.Name) and self._is_variable(n.id)
        }
        if isinstance(node.op, ast.USub):
            value = None if sub.const is None else -sub.const
            # in float64, as every arithmetic here and in the engines: an
            # integer field would wrap at -2**63 and compare exactly past 2**53
            return _Node(
                NUMBER,
                lambda env: np.negative(inner(env), dtype=np.float64),
                value,
                sub.nullable,
                sub.places,
            )
        return sub

    def visit_binop(self, node: ast.BinOp) -> _Node:
        if type(node.op) in _REFUSED:
            message, hint = _REFUSED[type(node.op)]
            raise self.fail(node, "disallowed-syntax", message, hint)
        left = self.visit(node.left)
        right = self.visit(node.right)
        for sub, sub_node in ((left, node.left), (right, node.right)):
            if sub.type != NUMBER:
                raise self.fail(
                    sub_node,
                    "type-mismatch",
                    f"arithmetic needs numbers, got a {sub.type}",
                )
        for sub_node in (node.left, node.right):
            self.opaque |= {
                n.id
                for n in ast.walk(sub_node)
                if isinstance(n, ast.Name) and self._is_variable(n.id)
            }
        ufunc = ARITH[type(node.op)]
        lf, rf = left.fn, right.fn
        places = places_of(node.op, left.places, right.places)
        if left.const is not None and right.const is not None:
            with np.errstate(all="ignore"):
                const = float(ufunc(left.const, right.const, dtype=np.float64))
            const = exact_constant(node.op, left.const, right.const, const)
            refused = _folded(
                type(node.op),
                float(left.const),
                float(right.const),
                const,
                ast.get_source_segment(self.text, node) or ast.unparse(node),
            )
            if refused is not None:
                raise self.fail(node, "limit", *refused)
            return _Node(
                NUMBER,
                lambda env: const,
                const,
                math.isnan(const),
                decimal_places(const),
            )

        def fn(env: Env) -> Any:
            # float64 arithmetic: integer fields must not wrap around; overflow
            # and division by zero give inf / nan (nan: missing, as 0 / 0 is);
            # sums and products of decimals as the doubles of their exact
            # values (to_places)
            with np.errstate(all="ignore"):
                return to_places(ufunc(lf(env), rf(env), dtype=np.float64), places)

        # a missing operand gives a missing result; so may 0 / 0 or inf - inf
        # (of values that overflowed), but not +, -, * of fields that are
        # never missing (finite: data refuses infinities) and constants, nor
        # their division by a constant other than 0
        plain = self._finite(node.left, left) and self._finite(node.right, right)
        divides = isinstance(node.op, ast.Div)
        nonzero = right.const is not None and right.const != 0
        return _Node(NUMBER, fn, None, not (plain and (nonzero or not divides)), places)

    def _finite(self, node: ast.expr, checked: _Node) -> bool:
        """Whether *node* (checked as *checked*) is a finite number that is
        never missing: a number constant (``-3``, ``2 * 3`` folded) or
        parameter, or a number field that cannot be missing, or its
        negation."""
        if checked.const is not None and not isinstance(checked.const, bool | str):
            return math.isfinite(float(checked.const))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            node = node.operand
        if isinstance(node, ast.Name):
            sym = self.symbols.get(node.id)
            return (
                sym is not None
                and sym.kind in ("field", "param")
                and sym.type == NUMBER
                and not sym.may_be_missing
                and (sym.kind == "field" or math.isfinite(float(sym.value)))
            )
        return False

    def _is_variable(self, name: str) -> bool:
        sym = self.symbols.get(name)
        return (
            sym is not None
            and sym.kind != "param"
            and not (sym.kind == "derived" and sym.value is not None)
        )

    def visit_name(self, node: ast.Name) -> _Node:
        name = node.id
        if name in ("True", "False", "None"):  # pragma: no cover - ast makes Constants
            raise self.fail(node, "disallowed-syntax", f"{name} is not a name")
        sym = self.symbols.get(name)
        if sym is None:  # reported by unknown_names before the visit
            raise _Failed()
        self.names.add(name)
        if sym.kind == "param" or (sym.kind == "derived" and sym.value is not None):
            # a parameter, or a derived value that is a number constant
            # (d = "0.3", d = "p"): a constant, compared as the number it is
            value = sym.value
            if sym.type == BOOL:
                return _Node(BOOL, lambda env: (value, None), value, False)
            return _Node(
                sym.type, lambda env: value, value, False, decimal_places(value)
            )
        if sym.type == BOOL:
            return _Node(
                BOOL, lambda env: _pair(env.values[name]), None, sym.may_be_missing
            )
        return _Node(
            sym.type, lambda env: env.values[name], None, sym.may_be_missing, sym.places
        )

    def visit_constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool):
            return _Node(BOOL, lambda env: (value, None), value, False)
        if isinstance(value, int | float):
            # compare before any float conversion: a 400-digit int overflows it
            if abs(value) > MAX_NUMBER or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                # as written (1e309, not the inf float64 reads it as)
                line, start, end = _span(node, self.lines)
                text = self.lines[line - 1][start:end] or str(value)
                shown = f"{text[:20]}..." if len(text) > 20 else text
                raise self.fail(
                    node,
                    "limit",
                    f"number {shown} is too large",
                    f"numbers must be finite and at most {MAX_NUMBER:g}",
                )
            if isinstance(value, float):
                line, start, end = _span(node, self.lines)
                written = self.lines[line - 1][start:end]
                if read_as(written, value) is not None:
                    raise self.fail(
                        node,
                        "limit",
                        inexact_message(written, value),
                        inexact_hint(value),
                    )
            return _Node(NUMBER, lambda env: value, value, False, decimal_places(value))
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise self.fail(
                    node,
                    "limit",
                    "string literal too long",
                    f"at most {MAX_STRING} characters",
                )
            return _Node(Type("category", ()), lambda env: value, value, False)
        raise self.fail(
            node,
            "disallowed-syntax",
            f"{type(value).__name__} literals are not allowed",
            "use numbers, strings, True or False",
        )

    def visit_call(self, node: ast.Call) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(
                func,
                "disallowed-syntax",
                "only the built-in functions can be called",
                ", ".join(sorted(FUNCTIONS)),
            )
        if func.id not in FUNCTIONS:
            if func.id in self.called:
                raise _Failed()  # reported by unknown_names
            raise self.unknown_function(func)
        where_kw: ast.keyword | None = None
        for kw in node.keywords:
            if func.id not in _AGGREGATES or kw.arg != "where" or where_kw:
                raise self.fail(
                    kw,
                    "disallowed-syntax",
                    "keyword arguments are not allowed"
                    if func.id not in _AGGREGATES
                    else f"{func.id}() takes one keyword argument: where=",
                    FUNCTIONS[func.id],
                )
            where_kw = kw
        want = 2 if func.id == "quantile" else 1
        if len(node.args) != want:
            raise self.fail(
                node,
                "bad-call",
                f"{func.id}() takes {want} argument"
                f"{'s' if want > 1 else ''}, got {len(node.args)}",
                FUNCTIONS[func.id],
            )
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id not in self.symbols:
            raise _Failed()  # reported by unknown_names
        if not isinstance(arg, ast.Name) or self.symbols[arg.id].kind == "param":
            raise self.fail(
                arg,
                "bad-call",
                f"the argument of {func.id}() must be a "
                "field, derived value or output name",
                FUNCTIONS[func.id],
            )
        name = arg.id
        sym = self.symbols[name]
        self.names.add(name)
        if func.id == "missing":
            return _Node(BOOL, _is_missing(name, sym.type), None, False)
        if sym.type != NUMBER:
            raise self.fail(
                arg, "type-mismatch", f"{func.id}() needs a number, got a {sym.type}"
            )
        q = 0.0
        if func.id == "quantile":
            qn = self.visit(node.args[1])
            if qn.type != NUMBER or qn.const is None or not 0 <= qn.const <= 1:
                raise self.fail(
                    node.args[1],
                    "bad-call",
                    "quantile(x, q) needs a constant q in [0, 1]",
                    FUNCTIONS["quantile"],
                )
            q = float(qn.const) + 0.0  # -0.0 is the 0-quantile
        where: tuple[str, Fn] | None = None
        where_text = ""
        if where_kw is not None:
            cond = self.visit(where_kw.value)
            if cond.type != BOOL:
                raise self.fail(
                    where_kw.value,
                    "type-mismatch",
                    f"where= needs a condition, got a {cond.type}",
                    "e.g. mean(frequency, where=frequency > 0)",
                )
            where_text = ast.unparse(where_kw.value)
            where = (where_text, cond.fn)
        self.aggregates = True
        agg = func.id
        key = aggregate_key(agg, name, q, where_text)
        self.aggregate_keys.add(key)
        # missing when every value is: a comparison with it is then UNKNOWN
        return _Node(
            NUMBER, lambda env: _aggregate(agg, name, q, key, where, env), None, True
        )

    def visit_compare(self, node: ast.Compare) -> _Node:
        parts: list[Fn] = []
        nullable = False
        left_node = node.left
        left = self.visit(node.left)  # a tuple here is refused by visit
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                parts.append(self._membership(left_node, left, op, right_node))
                nullable |= left.nullable
                if right_node is not node.comparators[-1]:
                    raise self.fail(
                        right_node,
                        "disallowed-syntax",
                        "'in' cannot be chained",
                        "split it with 'and'",
                    )
                break
            if isinstance(op, ast.Is | ast.IsNot):
                raise self.fail(
                    node,
                    "disallowed-syntax",
                    "'is' is not allowed",
                    "use missing(x) to test for a missing value, or ==",
                )
            right = self.visit(right_node)
            parts.append(self._compare(left_node, left, op, right_node, right))
            nullable |= left.nullable or right.nullable
            left_node, left = right_node, right

        if len(parts) == 1:
            return _Node(BOOL, parts[0], None, nullable)

        def fn(env: Env) -> Any:
            out = parts[0](env)
            for p in parts[1:]:
                out = _and(out, p(env))
            return out

        return _Node(BOOL, fn, None, nullable)

    def _record(self, a: ast.AST, a_const: Any, b: ast.AST, b_const: Any) -> None:
        """Note name-vs-constant comparisons for the analyser; a name compared
        with anything that is not a constant (another field, an expression)
        does not cut its line at known points, so it becomes opaque."""
        for side, other_const in ((a, b_const), (b, a_const)):
            if isinstance(side, ast.Name) and self._is_variable(side.id):
                if other_const is not None:
                    self.comparisons.append((side.id, other_const))
                else:
                    self.opaque.add(side.id)

    def _bound(self, ln: ast.AST, lc: Any, symbol: str, rn: ast.AST, rc: Any) -> None:
        """Note a comparison of a name with a finite number constant as
        (name, operator, constant, text), the name on the left (see
        :attr:`Compiled.bounded`)."""
        flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        for name, const, sym in ((ln, rc, symbol), (rn, lc, flip[symbol])):
            if (
                isinstance(name, ast.Name)
                and self._is_variable(name.id)
                and isinstance(const, int | float)
                and not isinstance(const, bool)
                and math.isfinite(const)
            ):
                text = f"{ast.unparse(ln)} {symbol} {ast.unparse(rn)}"
                self.bounded.append((name.id, sym, float(const), text))

    def _bare(self, node: ast.AST) -> bool:
        """Whether *node* is a number field, or a bare name of one."""
        if not isinstance(node, ast.Name):
            return False
        sym = self.symbols.get(node.id)
        return sym is not None and sym.field is not None

    def _sided(self, node: ast.AST, fn: Fn, other_const: Any) -> Fn:
        """*fn*, or for a number field (or a bare name of one) compared with
        a constant (a literal, a parameter, an expression of them), its
        values as :meth:`Env.compared` reads them. Compared with anything
        else (another field, a derived value, an aggregate) it reads its
        plain values: their side of a cut says nothing of their order."""
        if not self._bare(node) or other_const is None:
            return fn
        name = node.id  # type: ignore[attr-defined]
        return lambda env: env.compared(name)

    def _category_code(self, typ: Type, literal: Any, node: ast.AST) -> int:
        if not isinstance(literal, str):
            raise self.fail(
                node,
                "type-mismatch",
                f"a {typ} is compared with {literal!r}, not a string",
                'category values are strings: x == "value"',
            )
        code = typ.code(literal)
        if code is None:
            close = suggest(literal, typ.values)
            # a value that reads as the literal is shown by its code points
            said, values = apart(literal, typ.values[:20])
            if close is not None:
                close = apart(literal, [close])[1][0]
            shown = ", ".join(repr(v) for v in values)
            more = f", ... ({len(typ.values)} values)" if len(typ.values) > 20 else ""
            raise self.fail(
                node,
                "unknown-category",
                f"{said!r} is not one of the values of this category",
                f"did you mean {close!r}?" if close else f"values: {shown}{more}",
            )
        return code

    def _compare(
        self, ln: ast.AST, left: _Node, op: ast.cmpop, rn: ast.AST, right: _Node
    ) -> Fn:
        lt, lf, lc = left.type, left.fn, left.const
        rt, rf, rc = right.type, right.fn, right.const
        ufunc, symbol, opposite = _CMP[type(op)]
        negate = symbol == "!="  # computed as not ==: UNKNOWN stays UNKNOWN
        if (lt.kind == "category") != (rt.kind == "category") and not (
            lt.values or rt.values
        ):
            # a text (a string literal or parameter: a category of no
            # values) beside a number or a condition is of the wrong type
            # whatever the operator: said as such, at the text
            text = ln if lt.kind == "category" else rn
            raise self.fail(text, "type-mismatch", *_mismatch(lt, lc, rt, rc, symbol))
        if lt.kind == "category" or rt.kind == "category":
            if symbol not in ("==", "!="):
                raise self.fail(
                    rn,
                    "type-mismatch",
                    f"'{symbol}' cannot compare categories",
                    "use == or != (or in) with category values",
                )
            if lt.kind == "category" and lt.values and rc is not None:
                code = self._category_code(lt, rc, rn)
                self._record(ln, None, rn, rc)
                fn = _category_equals(lf, code, left.nullable)
            elif rt.kind == "category" and rt.values and lc is not None:
                code = self._category_code(rt, lc, ln)
                self._record(ln, lc, rn, None)
                fn = _category_equals(rf, code, right.nullable)
            elif lt.values and rt.values and lt.values == rt.values:
                fn = _categories_equal(lf, rf, left.nullable or right.nullable)
            else:
                raise self.fail(rn, "type-mismatch", *_mismatch(lt, lc, rt, rc))
            return (lambda env: _not(fn(env))) if negate else fn
        if lt != rt:
            raise self.fail(rn, "type-mismatch", f"cannot compare a {lt} with a {rt}")
        if lt == BOOL:
            if symbol not in ("==", "!="):
                raise self.fail(
                    rn, "type-mismatch", f"'{symbol}' cannot compare conditions"
                )
            self._record(ln, lc, rn, rc)

            def same(env: Env) -> Any:
                (t1, f1), (t2, f2) = lf(env), rf(env)
                if f1 is None and f2 is None:
                    return np.equal(t1, t2), None
                f1, f2 = _false(t1, f1), _false(t2, f2)
                return (t1 & t2) | (f1 & f2), (t1 & f2) | (f1 & t2)

            return (lambda env: _not(same(env))) if negate else same
        self._record(ln, lc, rn, rc)
        self._bound(ln, lc, symbol, rn, rc)
        lf, rf = self._sided(ln, lf, rc), self._sided(rn, rf, lc)
        two = self._bare(ln) and self._bare(rn)
        names = (ln.id, rn.id) if two else None  # type: ignore[attr-defined]
        if not (left.nullable or right.nullable):
            if names is None:
                return lambda env: (ufunc(lf(env), rf(env)), None)

            def whole(env: Env) -> Any:
                # two integer fields compare as integers, also when one was
                # read as floats (an object column of ints past 2**53)
                a, b = lf(env), rf(env)
                if _rounds(env, names, a, b):
                    x, y = env.integers(names[0]), env.integers(names[1])
                    if x is not None and y is not None:
                        return ufunc(x, y), None
                return ufunc(a, b), None

            return whole
        truth: Callable[[Any, Any], Any] = ufunc
        against: Callable[[Any, Any], Any] | None = opposite
        if symbol in ("==", "!="):  # != is not ==: UNKNOWN stays UNKNOWN
            truth, against = np.equal, _unequal
        assert against is not None

        def pair(env: Env) -> Any:
            a, b = lf(env), rf(env)
            if names is not None and _rounds(env, names, a, b):
                x, y = env.integers(names[0]), env.integers(names[1])
                if x is not None and y is not None:
                    known = ~(_gaps(a) | _gaps(b))
                    return truth(x, y) & known, against(x, y) & known
            return truth(a, b), against(a, b)

        return (lambda env: _not(pair(env))) if negate else pair

    def _membership(self, ln: ast.AST, left: _Node, op: ast.cmpop, rn: ast.AST) -> Fn:
        lt, lf = left.type, left.fn
        if not isinstance(rn, ast.Tuple):
            raise self.fail(
                rn,
                "disallowed-syntax",
                "'in' needs a literal tuple",
                'write x in (1, 2) or x in ("a", "b")',
            )
        if len(rn.elts) > MAX_TUPLE:
            raise self.fail(
                rn,
                "limit",
                f"tuple of {len(rn.elts)} values is too long",
                f"at most {MAX_TUPLE} values",
            )
        if not rn.elts:  # 'x in ()' is never true, 'x not in ()' always
            word = "not in" if isinstance(op, ast.NotIn) else "in"
            raise self.fail(
                rn,
                "disallowed-syntax",
                f"'{word} ()' lists no value: it is "
                f"{'always' if word == 'not in' else 'never'} true",
                "list the values, or drop the condition",
            )
        values = []
        for elt in rn.elts:
            en = self.visit(elt)
            if en.const is None:
                raise self.fail(
                    elt, "disallowed-syntax", "the values after 'in' must be constants"
                )
            if lt.kind == "category":
                values.append(self._category_code(lt, en.const, elt))
            elif en.type.kind == "category":  # a text among numbers
                raise self.fail(
                    elt, "type-mismatch", *_mismatch(lt, None, en.type, en.const, "==")
                )
            elif en.type != lt:
                raise self.fail(
                    elt,
                    "type-mismatch",
                    f"{en.const!r} is a {en.type}, but the left side is a {lt}",
                )
            else:
                values.append(en.const)
                if isinstance(ln, ast.Name) and self._is_variable(ln.id):
                    self.comparisons.append((ln.id, en.const))
        if (
            lt == NUMBER
            and isinstance(ln, ast.Name)
            and self._is_variable(ln.id)
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values
            )
            and all(_finite(v) for v in values)
        ):
            # for the analyser, as a comparison with a constant is: a list
            # wholly outside the field's bounds is a dead part of a rule
            word = "not in" if isinstance(op, ast.NotIn) else "in"
            text = f"{ast.unparse(ln)} {word} {ast.unparse(rn)}"
            listed = tuple(float(v) for v in values)
            self.bounded.append((ln.id, word, listed, text))
        if lt == NUMBER:
            lf = self._sided(ln, lf, values[0] if values else None)
        fn = _member(lt, lf, values, left.nullable)
        if isinstance(op, ast.NotIn):
            return lambda env: _not(fn(env))
        return fn


def _looks_latin(name: str) -> bool:
    """Whether *name* is not ASCII but each of its other characters is a
    Latin, Greek or Cyrillic letter (one that may look like an ASCII one:
    ``frеquency`` with a Cyrillic ``е``); a Chinese name is not.

    >>> _looks_latin("fr\u0435quency"), _looks_latin("\u6d88\u8d39"), _looks_latin("f")
    (True, False, False)
    """
    if name.isascii():
        return False
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in name if not c.isascii()}
    return scripts <= {"LATIN", "GREEK", "CYRILLIC"}


def _finite(v: float) -> bool:
    """Whether the number constant *v* is a finite float (an int past
    float's range is not)."""
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _rounds(env: Env, names: tuple[str, str], a: Any, b: Any) -> bool:
    """Whether comparing the number fields *names* as read (*a*, *b*) may
    round where their integers would not: one is an integer column read as
    floats (for a gap, or a list or ``object`` column of ints past 2**53:
    :attr:`Env.ints`). Two ``int64`` arrays compare
    exactly as read; a float column against another field compares its
    doubles, in the engines too."""
    return any(n in env.ints for n in names)


def _unequal(a: Any, b: Any) -> Any:
    """Where *a* and *b* are both known and differ (NaN: neither)."""
    return np.less(a, b) | np.greater(a, b)


def _gaps(a: Any) -> Any:
    """The missing rows (NaN) of a number array; none in an integer one."""
    a = np.asarray(a)
    return np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, dtype=bool)


def _mismatch(
    lt: Type, lc: Any, rt: Type, rc: Any, symbol: str = "=="
) -> tuple[str, str]:
    """The message and the fix for comparing a category with a value of
    another type by *symbol*; a string literal (a category of no values) is
    named as the text it is, and the fix fits the other operand's type.

    >>> _mismatch(BOOL, None, Type("category", ()), "True")
    ("cannot compare a bool with the text 'True'", 'a bool field is a condition itself: write its name alone (or not and its name), or compare with True or False, no quotes')
    """

    def said(t: Type, c: Any) -> str:
        if t.kind == "category" and not t.values and isinstance(c, str):
            return f"the text {c!r}"
        return f"a {t}"

    other = lt if rt.kind == "category" else rt
    if other == BOOL:
        fix = (
            "a bool field is a condition itself: write its name alone (or not "
            "and its name), or compare with True or False, no quotes"
        )
    elif other.kind == "number":
        fix = f"compare a number with a number (x {symbol} 3, no quotes)"
        text = lc if rt.kind == "number" else rc
        if isinstance(text, str) and _reads_as_number(text):
            fix = f"compare a number with a number: write {text.strip()} with no quotes"
    else:
        fix = "compare a category name with a string literal"
    return f"cannot compare {said(lt, lc)} with {said(rt, rc)}", fix


def _reads_as_number(text: str) -> bool:
    """Whether *text* is a finite number written in quotes (``'100'``).

    >>> _reads_as_number(" 1e3"), _reads_as_number("nan"), _reads_as_number("abc")
    (True, False, False)
    """
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _category_equals(fn: Fn, code: int, nullable: bool) -> Fn:
    """codes == code: UNKNOWN where the category is missing."""
    if not nullable:
        return lambda env: (np.equal(fn(env), code), None)

    def equals(env: Env) -> Any:
        codes = fn(env)
        return np.equal(codes, code), np.not_equal(codes, code) & _known_codes(codes)

    return equals


def _categories_equal(lf: Fn, rf: Fn, nullable: bool) -> Fn:
    """Two categories of the same values: UNKNOWN where either is missing."""
    if not nullable:
        return lambda env: (np.equal(lf(env), rf(env)), None)

    def equal(env: Env) -> Any:
        a, b = lf(env), rf(env)
        known = _known_codes(a) & _known_codes(b)
        return np.equal(a, b) & known, np.not_equal(a, b) & known

    return equal


def _member(typ: Type, fn: Fn, values: list[Any], nullable: bool) -> Fn:
    """x in (values): UNKNOWN where x is missing (or where a value is)."""
    if typ == BOOL:
        has_true, has_false = True in values, False in values

        def member(env: Env) -> Any:
            t, f = fn(env)
            f = _false(t, f)
            return (
                (t & has_true) | (f & has_false),
                (t & (not has_true)) | (f & (not has_false)),
            )

        return member
    known_values = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
    # a missing value in the tuple (0 / 0): x is in it or UNKNOWN, never FALSE
    unknown_value = len(known_values) < len(values)
    allowed = np.asarray(known_values)

    def member_of(env: Env) -> Any:
        x = fn(env)
        hit = np.isin(x, allowed)
        if unknown_value:
            return hit, False
        if not nullable:
            return hit, None
        known = _known_codes(x) if typ.kind == "category" else np.equal(x, x)
        return hit, ~hit & known

    return member_of


def _depth_and_size(tree: ast.AST) -> tuple[int, int, set[str]]:
    """Depth, node count and the identifiers used, iteratively (no recursion
    on hostile input); stops counting past four times the node limit."""
    stack = [(tree, 1)]
    depth = nodes = 0
    names: set[str] = set()
    node_type = ast.AST
    while stack:
        node, d = stack.pop()
        nodes += 1
        if d > depth:
            depth = d
        if nodes > MAX_NODES * 4:
            break
        if isinstance(node, ast.Name):  # and its context node
            names.add(node.id)
            nodes += 1
            depth = max(depth, d + 1)
            continue
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                stack.append((value, d + 1))
            elif isinstance(value, list):
                stack.extend((x, d + 1) for x in value if isinstance(x, node_type))
    return depth, nodes, names


def _full_width(ch: str) -> str:
    """The ASCII form of a full-width character (U+FF01 to U+FF5E, as typed
    with a CJK input method); a blank for any space (the ideographic space
    U+3000, the no-break space of a pasted web page: Unicode category Zs);
    any other character as it is."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return " " if unicodedata.category(ch) == "Zs" else ch


def condition_tree(text: Any) -> ast.Expression | None:
    """The syntax tree of a condition or derived value as the compiler reads
    it (:func:`_ascii_forms` first: ``x ＞ 1`` is ``x > 1``), for readers of a
    rule's text beside the compiler (the names it reads, the numbers it
    holds, whether it calls ``missing``); None when it does not parse (the
    compiler reports that) or is not text.

    >>> sorted(n.id for n in ast.walk(condition_tree("ｄ２ ＞ １")) if isinstance(n, ast.Name))
    ['d2']
    >>> condition_tree("x >") is None
    True
    """
    if not isinstance(text, str) or len(text) > MAX_EXPR_CHARS:
        return None
    try:
        return ast.parse(_ascii_forms(text).strip("\n"), mode="eval")
    except (SyntaxError, MemoryError, RecursionError, ValueError):
        return None


def _ascii_forms(text: str) -> str:
    """*text* with every full-width character outside string literals (digits,
    letters, operators: U+FF01 to U+FF5E) and the ideographic space (U+3000)
    replaced by its ASCII form, and every other space (the no-break space,
    Unicode category Zs) by a blank, so columns do not move; string literals
    are kept exactly (they are category values).

    Only these: other characters with an ASCII compatibility form (the
    superscript in ``10³``, the circled digit ``①``) are
    left to the parser, which refuses them with their code point, as it
    refuses ``≥``; read as ASCII they would change a number (``10³`` would be
    ``103``).

    A literal opened by a full-width quote (``＇`` or ``＂``) ends at the
    same quote in either width, which is then read as ASCII too; one opened
    by an ASCII quote ends at that ASCII quote only.

    >>> _ascii_forms("ｒ　＞＝　４ and s == 'Ａ'")
    "r >= 4 and s == 'Ａ'"
    >>> _ascii_forms("x > 10³")
    'x > 10³'
    >>> print(_ascii_forms("s == ＂VIP＂ or s == 'Bob＇s'"))
    s == "VIP" or s == 'Bob＇s'
    """
    if text.isascii():
        return text
    out = []
    quote = ""
    wide = False  # the literal was opened by a full-width quote
    escaped = False
    for ch in text:
        if quote:  # inside a literal: kept as written
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote or (wide and _full_width(ch) == quote):
                ch, quote = quote, ""
            out.append(ch)
            continue
        plain = _full_width(ch) if not ch.isascii() else ch
        wide, ch = plain != ch, plain
        if ch in "'\"":
            quote = ch
        out.append(ch)
    return "".join(out)


def _masked(text: str) -> str:
    """*text* with the inside of its string literals blanked (same length,
    lines kept), so a scan for operators does not look into category values."""
    out = []
    quote = ""
    escaped = False
    for ch in text:
        if quote and ch != "\n":
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
                out.append(ch)
                continue
            out.append(" ")
            continue
        quote = ch if ch in "'\"" else ""
        escaped = False
        out.append(ch)
    return "".join(out)


#: habits from SQL, Excel, C and Chinese that are not Python operators:
#: (pattern, message, hint); a word is flagged only where it is not a name
_TYPOS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"&&"), "'&&' is not an operator", "use and: x > 1 and y > 2"),
    (re.compile(r"\|\|"), "'||' is not an operator", "use or: x > 1 or y > 2"),
    (re.compile(r"=>"), "'=>' is not an operator", "use >= (greater or equal)"),
    (re.compile(r"=<"), "'=<' is not an operator", "use <= (less or equal)"),
    (re.compile(r"<>"), "'<>' is not an operator", "use != (not equal)"),
    (re.compile(r"!(?!=)"), "'!' is not an operator", "use not: not (x > 1)"),
    (
        re.compile(r"(?<![<>=!:])=(?![=<>])"),
        "'=' is not a comparison",
        "use == to compare: x == 5",
    ),
)
_WORDS = {
    "和": "and",
    "且": "and",
    "并且": "and",
    "或": "or",
    "或者": "or",
    "非": "not",
}
_KEYWORDS = ("and", "or", "not")
#: maths signs and the Python operator to write instead
_MATHS = {"≥": ">=", "≤": "<=", "≠": "!=", "×": "*", "÷": "/", "−": "-"}
#: quotes a condition cannot use (typographic, CJK corner brackets)
_CURLY_QUOTES = frozenset("“”‘’„‟‚‛«»‹›「」『』〝〞")
_WORD = re.compile(r"[^\W\d]\w*")
_PERCENT = re.compile(
    r"(?<![\w.])(\d[\d_]*(?:\.\d*)?|\.\d+)\s*%"
    r"(?=\s*(?:$|[)\],<>=!]|(?:and|or|not|AND|OR|NOT)\b))",
    re.MULTILINE,
)
_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w.])")


def _typos(
    text: str, names: Mapping[str, Any], *, operators: bool = True
) -> list[ExprProblem]:
    """Operators and words other languages use (``=``, ``=>``, ``<>``, ``&&``,
    ``||``, ``!``, ``AND``, ``和``, ``50%``), each at its column with the
    Python form to write; a word that is a declared name (in *names*) is
    left alone. *operators* false: the words only (the operators are
    looked for in a text Python cannot parse: ``where=`` is a keyword
    argument, ``:=`` is refused with its own message).

    >>> [(p.start, p.message, p.hint) for p in _typos("x = 5 AND y > 50%", {})]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(2, "'=' is not a comparison", 'use == to compare: x == 5'),
     (6, "'AND' is not an operator", "write 'and': and, or, not are lower case"),
     (16, "'%' after a number is not a percentage", 'write 0.5 for 50%')]
    """
    masked = _masked(text)
    found: list[ExprProblem] = []

    def at(i: int, n: int, message: str, hint: str) -> None:
        line = masked.count("\n", 0, i) + 1
        col = i - (masked.rfind("\n", 0, i) + 1)
        found.append(ExprProblem(col, col + n, "expr-syntax", message, hint, line))

    for pattern, message, hint in _TYPOS if operators else ():
        for m in pattern.finditer(masked):
            if message.startswith("'='") and re.search(
                r"\bwhere\s*$", masked[: m.start()]
            ):
                continue  # the keyword argument of an aggregate
            at(m.start(), len(m.group()), message, hint)
    for m in _WORD.finditer(masked):
        word = m.group()
        if word in names:
            continue
        if word.lower() in _KEYWORDS and word not in _KEYWORDS:
            at(
                m.start(),
                len(word),
                f"{word!r} is not an operator",
                f"write {word.lower()!r}: and, or, not are lower case",
            )
        elif word in _WORDS:
            at(
                m.start(),
                len(word),
                f"{word!r} is not an operator",
                f"use {_WORDS[word]}: x > 1 {_WORDS[word]} y > 2"
                if _WORDS[word] != "not"
                else "use not: not (x > 1)",
            )
    for m in _PERCENT.finditer(masked) if operators else ():
        number = m.group(1).replace("_", "")
        value = format((decimal.Decimal(number) / 100).normalize(), "f")
        percent = m.end() - 1
        at(
            percent,
            1,
            "'%' after a number is not a percentage",
            f"write {value} for {number}%",
        )
    return sorted(found, key=lambda p: (p.line, p.start))


def _thousands(text: str) -> ExprProblem | None:
    """A number written with a thousands separator (``1,000``): Python reads
    a tuple, or a syntax error."""
    masked = _masked(text)
    m = _THOUSANDS.search(masked)
    if m is None:
        return None
    comma = m.start() + m.group().index(",")
    line = masked.count("\n", 0, comma) + 1
    col = comma - (masked.rfind("\n", 0, comma) + 1)
    plain = m.group().replace(",", "")
    return ExprProblem(
        col,
        col + 1,
        "expr-syntax",
        f"a comma in {m.group()!r} is not a thousands separator",
        f"write {plain} or {m.group().replace(',', '_')}",
        line,
    )


def _not_text(text: str) -> ExprProblem | None:
    """A lone surrogate or a NUL: not text, refused before parsing; and a
    carriage return not followed by a line feed (``"x > 1 and\\r y"``):
    Python ends a line there, so its positions would count lines the
    condition does not have (and ``'a\\rb'`` would be "unterminated").

    >>> _not_text("x > 1 and\\r y > 2").message
    'invalid character U+000D (a carriage return without a line feed, not a line end)'
    >>> _not_text("(x > 1 and\\r\\n y > 2)") is None
    True
    """
    if "\x00" not in text and "\r" not in text and text.isascii():
        return None
    for i, ch in enumerate(text):
        if ch == "\r" and text[i + 1 : i + 2] != "\n":
            what = "a carriage return without a line feed, not a line end"
            fix = (
                "remove it: a condition over several lines breaks them with "
                'new lines, in parentheses: """(... and <new line> ...)"""'
            )
        elif ch == "\x00" or unicodedata.category(ch) == "Cs":
            what = (
                "a NUL character" if ch == "\x00" else "a lone surrogate"
            ) + ", not text"
            fix = "remove it: conditions are text (a broken copy-paste or decoding?)"
        else:
            continue
        col = i - (text.rfind("\n", 0, i) + 1)
        return ExprProblem(
            col,
            col + 1,
            "expr-syntax",
            f"invalid character U+{ord(ch):04X} ({what})",
            fix,
            text.count("\n", 0, i) + 1,
        )
    return None


def _comment(text: str) -> ExprProblem | None:
    """A ``#`` outside quotes: Python would read the rest of the line as a
    comment and drop it silently (``x > 1 # and y``)."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                line, col = tok.start
                return ExprProblem(
                    col,
                    col + 1,
                    "disallowed-syntax",
                    "'#' is not allowed in a condition: the rest of the line "
                    "would be ignored",
                    "remove it; for a note, write a TOML comment after the "
                    "closing quote",
                    line,
                )
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return None


def check_expr(
    text: Any, symbols: Mapping[str, Symbol], *, want: Type | None = BOOL
) -> tuple[Compiled | None, list[ExprProblem]]:
    """Parse, check and compile one expression.

    Returns the compiled expression (``None`` when there are problems) and the
    problems found, with character offsets in *text*.
    """
    if not isinstance(text, str) or len(text) > MAX_EXPR_CHARS:
        return _check_body(text, symbols, want=want)  # refused as it is
    original = text
    text = _ascii_forms(text)  # same length: columns stay right
    # blanks around a condition are fine (a TOML string may be indented)
    stripped = text.lstrip()
    prefix = text[: len(text) - len(stripped)]
    line_off = prefix.count("\n")
    col_off = len(prefix) - (prefix.rfind("\n") + 1)
    compiled, problems = _check_body(stripped.rstrip(), symbols, want=want)
    if line_off or col_off:
        problems = [
            attrs.evolve(
                p,
                start=p.start + (col_off if p.line == 1 else 0),
                end=p.end + (col_off if p.line == 1 else 0),
                line=p.line + line_off,
            )
            for p in problems
        ]
    if compiled is not None:
        compiled = attrs.evolve(compiled, text=original)
    return compiled, problems


def _parses(text: str) -> bool:
    """Whether *text* is a Python expression (for a hint only)."""
    try:
        ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _check_body(
    text: Any, symbols: Mapping[str, Symbol], *, want: Type | None = BOOL
) -> tuple[Compiled | None, list[ExprProblem]]:
    """Check and compile a condition without surrounding blanks."""
    if not isinstance(text, str):
        return None, [
            ExprProblem(
                0,
                1,
                "bad-value",
                f"a condition must be a string, got {type(text).__name__}",
                'write it in quotes: when = "r >= 4"',
            )
        ]
    if len(text) > MAX_EXPR_CHARS:
        return None, [
            ExprProblem(
                0,
                1,
                "limit",
                f"expression of {len(text)} characters is too long",
                f"at most {MAX_EXPR_CHARS} characters",
            )
        ]
    if not text.strip():
        return None, [
            ExprProblem(
                0,
                1,
                "bad-value",
                "empty condition",
                'write a condition, or "True" for a catch-all',
            )
        ]
    bad = _not_text(text.strip("\n"))
    if bad is not None:
        return None, [bad]
    words = _typos(text.strip("\n"), symbols, operators=False)
    if words:  # AND, 和: not names
        return None, words
    try:
        tree = ast.parse(text.strip("\n"), mode="eval")
    except SyntaxError as exc:
        typos = _typos(text.strip("\n"), symbols)
        if typos:  # x = 5, &&, 50%
            return None, typos
        thousands = _thousands(text.strip("\n"))
        if thousands is not None:  # 1,050: a leading zero in 050
            return None, [thousands]
        line = exc.lineno or 1
        src_lines = text.strip("\n").split("\n")
        src = src_lines[line - 1] if 0 < line <= len(src_lines) else ""
        # a SyntaxError's offset counts characters (an ast node's, bytes)
        col = min(max((exc.offset or 1) - 1, 0), len(src))
        hint = ""
        char = src[col] if col < len(src) else ""
        form = _MATHS.get(char) or unicodedata.normalize("NFKC", char)
        if char in _MATHS:
            hint = f"write {form!r}"
        elif char in _CURLY_QUOTES:
            hint = (
                "quote category values with ASCII quotes, ' or \" (this one is "
                "a typographic quote, as word processors and input methods type "
                "them)"
            )
        elif exc.msg.startswith("unterminated string") and any(
            c in _CURLY_QUOTES or c in "＇＂" for c in src[col + 1 :]
        ):
            hint = (
                f"end the text with the quote it starts with, {char!r}: a "
                "full-width or typographic quote does not end it"
            )
        elif not char.isascii() and form.isascii() and form.isprintable():
            hint = (
                f"write {form!r}: only full-width characters (U+FF01 to U+FF5E) "
                "and spaces are read as ASCII"
            )
        elif len(src_lines) > 1 and _parses("(" + text.strip("\n") + "\n)"):
            hint = (
                "wrap a condition written over several lines in parentheses, "
                'when = """(... and <new line> ...)""", or write it on one line'
            )
        return None, [
            ExprProblem(
                col,
                col + 1,
                "expr-syntax",
                f"invalid condition: {exc.msg}",
                hint,
                line,
            )
        ]
    except (MemoryError, RecursionError) as exc:
        return None, [
            ExprProblem(
                0,
                1,
                "limit",
                f"condition too deeply nested ({type(exc).__name__})",
                f"at most {MAX_DEPTH} levels",
            )
        ]
    except ValueError as exc:  # defensive: text problems are caught above
        return None, [
            ExprProblem(0, 1, "expr-syntax", f"invalid condition: {exc}"[:200], "", 1)
        ]
    comment = _comment(text.strip("\n")) if "#" in text else None
    if comment is not None:
        return None, [comment]
    depth, nodes, names = _depth_and_size(tree)
    if depth > MAX_DEPTH or nodes > MAX_NODES:
        return None, [
            ExprProblem(
                0,
                1,
                "limit",
                f"condition too complex ({nodes} nodes, depth {depth})",
                f"at most {MAX_NODES} nodes and depth {MAX_DEPTH}",
            )
        ]
    checker = _Checker(text.strip("\n"), symbols)
    if not names <= symbols.keys():
        checker.unknown_names(tree)
    try:
        top = checker.visit(tree.body)
    except _Failed:
        return None, sorted(checker.problems, key=lambda p: (p.line, p.start))
    if checker.problems:  # unknown names the visit did not reach
        return None, checker.problems
    if want is not None and top.type.kind != want.kind:
        line, start, end = _span(tree.body, checker.lines)
        return None, [
            ExprProblem(
                start,
                end,
                "type-mismatch",
                f"expected a {want.kind}, got a {top.type}",
                "compare it with something, e.g. x > 0" if want == BOOL else "",
                line,
            )
        ]
    return Compiled(
        text,
        top.type,
        top.fn,
        frozenset(checker.names),
        tuple(checker.comparisons),
        frozenset(checker.opaque),
        checker.aggregates,
        nodes,
        frozenset(checker.aggregate_keys),
        top.nullable,
        tree.body.id if isinstance(tree.body, ast.Name) else None,
        top.places if top.type == NUMBER else None,
        _number_constant(top),
        tuple(checker.bounded),
        _ratio(tree.body),
    ), []


def _ratio(node: ast.AST) -> tuple[str, ...] | None:
    """The operand names of *node* when it is ``a / b`` of names and number
    constants (see :attr:`Compiled.ratio`), else None.

    >>> _ratio(ast.parse("m / f", mode="eval").body)
    ('m', 'f')
    >>> _ratio(ast.parse("(m + 1) / f", mode="eval").body) is None
    True
    """
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
        return None
    names = []
    for side in (node.left, node.right):
        if isinstance(side, ast.Name):
            names.append(side.id)
        elif not (
            isinstance(side, ast.Constant)
            and isinstance(side.value, int | float)
            and not isinstance(side.value, bool)
        ):
            return None
    return tuple(names)


def _number_constant(node: _Node) -> float | int | None:
    """*node*'s value when it is a finite number constant, else None."""
    value = node.const
    if node.type != NUMBER or isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return None
