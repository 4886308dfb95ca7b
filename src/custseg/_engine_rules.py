"""Labels computed inside the engine: rules compiled to narwhals expressions.

When even the per-customer table is too big to collect, the scores, the
lifecycle and ABC classes and every table, segmentation and tag set of a rules
file are compiled to narwhals expressions (``when/then`` chains) and computed
by the engine that holds the facts: Polars (eager or lazy), DuckDB, Dask or
Spark. Nothing is collected; the result is a frame of the caller's kind with
the label columns appended.

The expressions follow the NumPy path exactly (see ``docs/engines-in-engine.md``):
half-open intervals, first match wins, three-valued logic with an explicit
label for missing values. A condition is compiled to a pair of boolean masks
that are never null (where it is TRUE, where it is FALSE), so the engine's own
null and NaN rules never decide a label. What needs a global pass over the
data (quantile score edges fitted on it, ABC edges) must be given;
:func:`approx_rfm_edges` computes score edges in the engine.
"""

from __future__ import annotations

import ast
import decimal
import functools
import hashlib
import itertools
import math
import operator
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, NamedTuple

import attrs
import numpy as np

from . import _validate as v
from ._exact import SCALES
from .errors import CustsegWarning, Diagnostic, InputError, RulesError, ThresholdError
from .lifecycle import LifecycleWindows
from .pareto import AbcEdges
from .rfm import RfmEdges, ScoreEdges, _given_bins, _midpoint, rules_bins
from .rules import RuleSet
from .rules._expr import (
    _EXACT_BELOW,
    ARITH,
    MOST_PLACES,
    _ascii_forms,
    _span,
    aggregate_key,
    decimal_places,
    exact_constant,
    places_of,
)
from .rules._model import bare_aliases, field_cuts, nfkc_column, resolve_alias

__all__ = [
    "EngineRules",
    "approx_rfm_edges",
    "compile_rules",
    "label_in_engine",
]

#: engines that rank values exactly (``median(x)`` and ``quantile(x, q)``
#: in conditions run there): the two order statistics around the quantile,
#: combined as NumPy combines them, to the bit (_RankedQuantile)
EXACT_QUANTILES = frozenset({"polars", "duckdb", "pandas", "pyarrow", "modin"})
#: the score columns the spine adds
SCORE_COLUMNS = ("r", "f", "m", "rfm")
#: engines on pandas, whose integer columns cannot hold a missing value: the
#: scores stay floats there (NaN for no score)
PANDAS_LIKE = frozenset({"pandas", "dask", "modin", "cudf"})
#: the engines compile_rules knows by name (:func:`_backend` of a frame)
BACKENDS = PANDAS_LIKE | {"polars", "pyarrow", "duckdb", "spark", "ibis"}
_CODE = "engine-unsupported"
#: how to keep the rules' fixed edges, for label_in_engine's warning
_KEEP_FIXED = (
    "to keep them, fit the edges with approx_rfm_edges(facts, rules=...) "
    "(the dimensions the rules fix keep their edges), or take the .edges of a "
    "custseg.segment result made with these rules; the engine path gives no "
    "note on segments that contradict the lifecycle stage"
)


def _narwhals() -> Any:
    try:
        import narwhals.stable.v2 as nw
    except ImportError:  # pragma: no cover - narwhals is in every engine extra
        raise ImportError(
            "labels inside an engine need narwhals: pip install 'custseg[polars]' "
            "(or [duckdb], [dask], [spark])"
        ) from None
    return nw


def _from_native(frame: Any) -> Any:
    from .engines import _refuse_duplicate_columns

    nw = _narwhals()
    _refuse_duplicate_columns(frame)
    frame = v.arrow_plain(frame)  # (pandas' string_view columns: large_string)
    try:
        return nw.from_native(frame)
    except TypeError:
        raise InputError(
            "facts",
            f"is a {type(frame).__module__}.{type(frame).__name__}, not a "
            "frame narwhals knows",
            fix="pass a Polars, DuckDB, Dask, PySpark, PyArrow or pandas frame",
        ) from None


def _backend(frame: Any) -> str:
    """The engine of a narwhals frame: 'polars', 'duckdb', 'dask', 'spark', ..."""
    name = str(frame.implementation).rsplit(".", 1)[-1].lower()
    return "spark" if name.startswith("pyspark") or name == "sqlframe" else name


def with_columns(frame: Any, columns: list[Any]) -> Any:
    """``frame.with_columns(*columns)``; on Dask, one ``map_partitions`` that
    computes them on each partition (a pandas frame) with the same narwhals
    expressions.

    The columns are computed row by row, so a partition's rows get what the
    whole frame's would. Dask's own expressions for them are a graph of
    thousands of nodes for a preset (every ``when/then`` of every rule, each
    with its meta computed on an empty frame: about 11,800 for
    ``ecommerce``), which Dask builds and optimises in seconds whatever the
    number of rows; one node per level does not (``label_in_engine`` with
    ``ecommerce`` on two rows: 18 to 21 s before, 6 to 9 s with this, on a
    busy 2-core machine).

    >>> import pandas as pd, pytest
    >>> dd = pytest.importorskip("dask.dataframe")
    >>> nw = _narwhals()
    >>> frame = nw.from_native(dd.from_pandas(pd.DataFrame({"x": [1.0, 5.0]}), npartitions=2))
    >>> with_columns(frame, [(nw.col("x") * 2).alias("y")]).to_native().compute()
         x     y
    0  1.0   2.0
    1  5.0  10.0
    """
    if _backend(frame) != "dask":
        return frame.with_columns(*columns)
    nw = _narwhals()
    native = frame.to_native()
    part = partial(_with_columns_here, columns=tuple(columns))
    return nw.from_native(native.map_partitions(part, meta=part(native._meta)))


def _with_columns_here(part: Any, *, columns: tuple[Any, ...]) -> Any:
    """One pandas partition with *columns* appended (:func:`with_columns`)."""
    nw = _narwhals()
    return nw.from_native(part).with_columns(*columns).to_native()


class _Column(NamedTuple):
    """A number column as its frame gives it: the narwhals type, whether the
    engine casts it as Arrow does (a PyArrow table, a pandas
    ``int64[pyarrow]`` or ``decimal128[pyarrow]`` column: integers beyond
    2**53 refused, decimals not correctly rounded), and the engine."""

    dtype: Any
    arrow: bool = False
    backend: str | None = None


#: a cut and the moves a value on it may make: (up, down), as in
#: :func:`custseg._validate.exact_sides`
Sides = Mapping[float, tuple[bool, bool]]
#: beyond this, float64 no longer holds every integer
_EXACT = 2**53


def _exact_type(dtype: Any) -> bool:
    """Whether a column of narwhals type *dtype* holds exact numbers float64
    may round (decimals, integers): read by :func:`_read_number`."""
    nw = _narwhals()
    return isinstance(dtype, nw.Decimal) or bool(dtype.is_integer())


def _columns(
    frame: Any, names: Iterable[str], schema: Any = None
) -> dict[str, _Column]:
    """The schema's :class:`_Column` of each of *names* that is a column of
    *frame* (only the schema is read, and the native dtypes of pandas-like
    frames)."""
    schema = frame.collect_schema() if schema is None else schema
    backend = _backend(frame)
    dtypes = None
    out: dict[str, _Column] = {}
    for name in dict.fromkeys(names):
        dtype = schema.get(name)
        if dtype is None:
            continue
        arrow = backend == "pyarrow"
        if backend in PANDAS_LIKE and _exact_type(dtype):  # Arrow-backed?
            if dtypes is None:
                dtypes = getattr(frame.to_native(), "dtypes", {})
            arrow = str(dtypes.get(name, "")).endswith("[pyarrow]")
        out[name] = _Column(dtype, arrow, backend)
    return out


@functools.cache
def _duckdb_rounds_twice() -> bool:
    """Whether the installed DuckDB casts a decimal to DOUBLE by rounding
    twice (its integer, then the division by the power of ten): DuckDB
    before 2.0.1 reads ``0.016999999999999999`` in ``DECIMAL(38, 18)`` as
    0.017, one double above its correctly rounded 0.016999999999999998."""
    import duckdb

    version = tuple(int(p) for p in re.findall(r"\d+", duckdb.__version__)[:3])
    return version < (2, 0, 1)


def _decimal_cast_rounds(dtype: Any, backend: str | None) -> bool:
    """Whether *backend*'s own cast of a decimal (or 128-bit integer) column
    of narwhals type *dtype* to Float64 may not be correctly rounded, so
    that the column is read through its exact text (whose parse is
    correctly rounded): Arrow's cast (``19.99`` as 19.990000000000002; a
    pandas or Dask ``decimal128[pyarrow]`` column too), and DuckDB's before
    2.0.1 for a decimal of more than 15 digits (one of at most 15 is an
    integer below 2**53 over an exact power of ten: one rounding) and for
    a 128-bit integer (``HUGEINT``: ``-9007199254740994`` as
    ``-9007199254740992.0``)."""
    nw = _narwhals()
    if isinstance(dtype, nw.Int128 | nw.UInt128):  # DuckDB's HUGEINT
        return backend == "duckdb" and _duckdb_rounds_twice()
    if not isinstance(dtype, nw.Decimal):
        return False
    if backend == "pyarrow" or backend in PANDAS_LIKE:  # (pandas: Arrow-backed)
        return True
    return backend == "duckdb" and int(dtype.precision) > 15 and _duckdb_rounds_twice()


def decimal_floats(col: Any, dtype: Any, backend: str | None) -> Any:
    """The decimal (or integer) column expression *col* (narwhals type
    *dtype*) as its correctly rounded Float64 on *backend*
    (:func:`_decimal_cast_rounds`)."""
    nw = _narwhals()
    if _decimal_cast_rounds(dtype, backend):
        col = col.cast(nw.String)
    return col.cast(nw.Float64)


def _sides(*groups: tuple[Iterable[float], str]) -> dict[float, tuple[bool, bool]]:
    """Cuts and the moves their comparisons need (``"up"``: ``x > c``,
    ``"down"``: ``x >= c``, ``"both"``), merged as
    :func:`custseg._validate.exact_sides` merges them."""
    out: dict[float, tuple[bool, bool]] = {}
    for cuts, move in groups:
        for c in cuts:
            if c is None or not math.isfinite(c):
                continue  # no decimal or integer rounds onto an infinity
            up, down = out.get(float(c), (False, False))
            out[float(c)] = (up or move != "down", down or move != "up")
    return out


def _wide_float(col: Any) -> Any:
    """The correctly rounded Float64 of a 64-bit integer column, in two
    halves: Arrow's cast refuses integers beyond 2**53 (``Integer value
    9007199254740993 not in range``). ``hi * 2**32`` and ``lo`` are exact
    doubles; their sum is rounded once."""
    nw = _narwhals()
    hi = col // 4294967296
    lo = col - hi * 4294967296
    return hi.cast(nw.Float64) * 4294967296.0 + lo.cast(nw.Float64)


def _decimal_moves(
    name: str, dtype: Any, sides: Sides, backend: str | None
) -> list[tuple[float, Any, Any]]:
    """Per cut a decimal column of *dtype* can round onto, the masks of its
    values exactly above and below the cut (``None``: none can be), compared
    in the engine's decimal type with the cut written at the column's scale."""
    nw = _narwhals()
    precision, scale = int(dtype.precision), int(dtype.scale)
    ctx = decimal.Context(prec=200)
    step = decimal.Decimal(1).scaleb(-scale)
    top = ctx.subtract(decimal.Decimal(10) ** (precision - scale), step)
    col = nw.col(name)
    cuts = sorted(sides)
    for c1, c2 in itertools.pairwise(cuts):
        if c2 == math.nextafter(c1, math.inf) and sides[c1][0] and sides[c2][1]:
            raise InputError(
                name,
                f"is compared with {c1!r} and {c2!r}, adjacent doubles, and "
                f"its column has type {dtype}: a decimal between them has no "
                "float64 that compares with both as the decimal does",
                fix="use thresholds at least two doubles apart, or cast the "
                f"column in the engine (nw.col({name!r}).cast(nw.Float64)) to "
                "compare its doubles",
            )
    moves = []
    for cut in cuts:
        # digits of a value of this scale near the cut (one more for a value
        # just past a power of ten)
        near = len(str(int(abs(cut)) + 1)) + max(scale, 0)
        if (precision <= 15 or near <= 15) and abs(cut) < _EXACT:
            # a decimal of at most 15 digits is the only one of 15 digits
            # rounding to its double (DBL_DIG), so it rounds onto a cut only
            # when it is the cut as printed: nothing to move (DECIMAL(38, 2)
            # money near a threshold of 50 has 4 or 5)
            continue
        exact = decimal.Decimal(int(cut) if abs(cut) >= _EXACT else repr(cut))
        lo = exact.quantize(step, rounding=decimal.ROUND_FLOOR, context=ctx)
        hi = exact.quantize(step, rounding=decimal.ROUND_CEILING, context=ctx)
        up, down = sides[cut]
        above = below = None
        # a cut beyond the column's range: every value is on one side (the
        # literal would have more digits than the decimal type holds), and
        # those rounding onto it (999.99999999999999 in DECIMAL(17, 14) onto
        # 1000) are moved off it
        if up and hi < -top:
            above = _lit_bool(True)
        elif up and hi <= top:  # decimals of this scale above the cut
            above = col > nw.lit(lo) if lo == hi else col >= nw.lit(hi)
        if down and lo > top:
            below = _lit_bool(True)
        elif down and -top <= lo:
            below = col < nw.lit(lo) if lo == hi else col <= nw.lit(lo)
        if above is None and below is None:
            continue
        if backend == "dask":  # Dask has no decimal literal to compare with
            raise InputError(
                name,
                f"has type {dtype}, whose values can round onto the threshold "
                f"{cut!r}, and Dask cannot compare a decimal column with a "
                "decimal constant",
                fix=f"cast the column (nw.col({name!r}).cast(nw.Float64)) to "
                "compare its doubles, or run on Polars, DuckDB or Spark",
            )
        moves.append((cut, above, below))
    return moves


def _integer_moves(name: str, dtype: Any, sides: Sides) -> list[tuple[float, Any, Any]]:
    """As :func:`custseg._validate._exact_int_sides`: per cut at or beyond
    2**53 (only there can a 64-bit or 128-bit integer round onto a cut it
    does not equal), the masks of the integers above it (when a comparison
    needs them moved up) and below it (when one needs them moved down).
    Two adjacent cuts, the lower compared ``x > c`` and the upper
    ``x >= c``, are refused, as for a decimal column: an integer between
    them has no float64 that compares with both as it does."""
    nw = _narwhals()
    bits = {nw.Int64: 64, nw.UInt64: 64, nw.Int128: 128, nw.UInt128: 128}
    width = next((b for t, b in bits.items() if isinstance(dtype, t)), None)
    if width is None:
        return []  # 32 bits and below: exact in float64
    signed = isinstance(dtype, nw.Int64 | nw.Int128)
    low, high = (
        (-(2 ** (width - 1)), 2 ** (width - 1) - 1) if signed else (0, 2**width - 1)
    )
    col = nw.col(name)
    cuts = sorted(c for c in sides if abs(c) >= _EXACT)
    for c1, c2 in itertools.pairwise(cuts):
        adjacent = c2 == math.nextafter(c1, math.inf)
        between = low <= int(c1) + 1 and int(c2) - 1 <= high  # a value may be
        if adjacent and between and sides[c1][0] and sides[c2][1]:
            raise InputError(
                name,
                f"is compared with {c1!r} and {c2!r}, adjacent doubles, "
                f"and its column has type {dtype}: an integer between "
                "them has no float64 that compares with both as the "
                "integer does",
                fix="use thresholds at least two doubles apart",
            )
    moves = []
    for cut in cuts:
        up, down = sides[cut]
        exact = int(cut)  # a float this large is a whole number
        if exact > high:  # above every value: those on it are below
            above, below = None, _lit_bool(True)
        elif exact < low:
            above, below = _lit_bool(True), None
        else:
            value = nw.lit(exact, dtype=dtype)
            above, below = col > value, col < value
        moves.append((cut, above if up else None, below if down else None))
    return moves


def _read_number(name: str, column: _Column | None, sides: Sides | None = None) -> Any:
    """The number column *name* as Float64, null where missing (never NaN),
    compared with *sides*' cuts as the NumPy path compares it
    (:func:`custseg._validate.exact_sides`).

    A float column (or one of unknown type) is cast, NaN made null: no other
    work. A decimal is read as its correctly rounded double (on Arrow-backed
    engines through its exact text: Arrow's own cast reads ``0.05`` in
    ``decimal128(38, 20)`` as 0.049999999999999996) and an integer as its
    double (64-bit ones on Arrow in two halves, as Arrow's cast refuses those
    beyond 2**53); a value whose double is a cut but which is itself above
    (below) it, as the engine compares them exactly in the column's own type,
    is moved one double up (down), so every comparison with the cut is the
    exact one."""
    nw = _narwhals()
    col = nw.col(name)
    if column is not None and _narrow_float(column.dtype):
        return _number(_printed(col, column.dtype))
    if column is None or not _exact_type(column.dtype):
        return _number(col)
    sides = {} if sides is None else sides
    dtype = column.dtype
    if isinstance(dtype, nw.Decimal):
        x = decimal_floats(col, dtype, column.backend)
        moves = _decimal_moves(name, dtype, sides, column.backend)
    else:
        wide = column.arrow and isinstance(dtype, nw.Int64 | nw.UInt64)
        x = _wide_float(col) if wide else decimal_floats(col, dtype, column.backend)
        moves = _integer_moves(name, dtype, sides)
    cases = []  # at most one holds: the cuts differ, and above/below too
    for cut, above, below in moves:
        on = x == cut
        for mask, way in ((below, -math.inf), (above, math.inf)):
            if mask is not None:
                target = nw.lit(math.nextafter(cut, way), dtype=nw.Float64)
                cases.append((on & mask, target))
    return _first_of(cases, x)


# --------------------------------------------------------------------------
# conditions as (TRUE, FALSE) mask pairs that are never null


class _Node(NamedTuple):
    """A compiled sub-expression: kind 'number' / 'category' / 'bool'; for a
    bool, ``expr`` is the (TRUE, FALSE) pair; ``const`` a Python constant."""

    kind: str
    expr: Any
    const: Any = None
    #: the number field a number node reads as it is (``x``, a bare alias
    #: ``d = "x"``): two integer fields are compared in their own type
    field: str | None = None
    #: a number's decimal places when known from the file (as the core's:
    #: :func:`custseg.rules._expr.places_of`)
    places: int | None = None


class _Unsupported(Exception):
    def __init__(self, feature: str, hint: str) -> None:
        super().__init__(feature)
        self.feature = feature
        self.hint = hint
        self.text = ""  # the condition it is in, and where (characters)
        self.span = (0, 1)


def _lit_bool(value: bool) -> Any:
    nw = _narwhals()
    return nw.lit(bool(value), dtype=nw.Boolean)


def _narrow_float(dtype: Any) -> bool:
    """Whether narwhals type *dtype* is Float32 or Float16."""
    nw = _narwhals()
    return isinstance(dtype, nw.Float32 | nw.Float16)


def _printed(e: Any, dtype: Any) -> Any:
    """A Float32 / Float16 column as the decimals it prints as (``19.99``,
    not 19.989999771118164), as the NumPy path reads it
    (:func:`custseg._validate.widen_narrow`) and as the summaries read
    float32 amounts; any other column cast to Float64."""
    nw = _narwhals()
    if isinstance(dtype, nw.Float32):  # engines print the shortest text
        return e.cast(nw.String).cast(nw.Float64)
    if isinstance(dtype, nw.Float16):
        from .engines import _half_as_printed

        return _half_as_printed(e.cast(nw.Float64))
    return e.cast(nw.Float64)


def _number(e: Any) -> Any:
    """*e* as Float64 with NaN made null: after this, missing is null only
    (Polars orders NaN above every number, so a NaN must never be compared)."""
    nw = _narwhals()
    x = e.cast(nw.Float64)
    return nw.when(~x.is_nan()).then(x)


def _to_places(x: Any, places: int) -> Any:
    """The expression *x* (a sum or product of decimals of at most *places*
    decimals) rounded to *places*, half up, where ``|x| * 10**places`` is
    below 2**40, as :func:`custseg.rules._expr.to_places` rounds: the double of
    the exact decimal (an exact integer divided by an exact power of ten,
    per row: Polars would multiply by the reciprocal, which is not one
    rounding)."""
    nw = _narwhals()
    scale = 10.0**places
    shifted = x * scale
    # half up, as the NumPy path (engines round a half either way)
    whole = (shifted + 0.5).floor() / _column_of(scale, x)
    return nw.when(_mask(shifted.abs() < _EXACT_BELOW)).then(whole).otherwise(x)


def _mask(e: Any) -> Any:
    """A boolean expression with null read as FALSE."""
    return e.fill_null(False)


def _balanced(op: Callable[[Any, Any], Any], parts: list[Any]) -> Any:
    """*parts* (at least one) joined by *op* (``operator.or_``,
    ``operator.and_``) as a balanced tree, depth log n: narwhals' pandas,
    Dask and PyArrow evaluators recurse once per level, and a chain of one
    term per level (``x in`` 256 values) overflowed Python's stack.

    >>> _balanced(operator.add, ["a", "b", "c", "d", "e"])
    'abcde'
    """
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return op(_balanced(op, parts[:half]), _balanced(op, parts[half:]))


#: the longest ``when/then/otherwise`` chain built as a chain; longer ones
#: are split in halves (:func:`_first_of`)
_CHAIN = 16


def _first_of(cases: list[tuple[Any, Any]], default: Any) -> Any:
    """The value of the first ``(mask, value)`` case whose mask is TRUE (a
    null mask is not), else *default*: ``when/then/otherwise`` chained as
    far as :data:`_CHAIN` cases; a longer list is split in halves, ``when(any
    mask of the first half) then (the first half's answer) otherwise (the
    second half's)``, so the expression is at most ``_CHAIN + 2 log n``
    levels deep. narwhals' pandas, Dask and PyArrow evaluators and Polars'
    planner recurse once per level, and a chain of one rule per level (a
    segmentation of 300 rules) overflowed Python's stack.

    >>> import pytest
    >>> pl = pytest.importorskip("polars")
    >>> import narwhals as nw
    >>> x = nw.col("x")
    >>> cases = [(x < b, nw.lit(f"below {b}")) for b in range(1, 41)]
    >>> frame = nw.from_native(pl.DataFrame({"x": [0, 7, 39, 40, None]}))
    >>> got = frame.select(_first_of(cases, nw.lit("top")).alias("y"))
    >>> got.to_native()["y"].to_list()
    ['below 1', 'below 8', 'below 40', 'top', 'top']
    """
    nw = _narwhals()
    if len(cases) <= _CHAIN:
        out = default
        for mask, value in reversed(cases):
            out = nw.when(mask).then(value).otherwise(out)
        return out
    half = len(cases) // 2
    first, rest = cases[:half], cases[half:]
    anywhere = _balanced(operator.or_, [_mask(m) for m, _ in first])
    return (
        nw.when(anywhere)
        .then(_first_of(first, default))
        .otherwise(_first_of(rest, default))
    )


TEMP = "__custseg_"


def _numpy_combine(nw: Any, lo: Any, hi: Any, at: Any, func: str) -> Any:
    """``np.median`` / ``np.quantile`` (linear) from the order statistics
    *lo* and *hi* around the virtual index *at* (``(n - 1) * q``): the mean
    of the two middle values for the median, else NumPy's ``_lerp``
    (``a + (b - a) * t``, from the upper side when ``t >= 0.5``). An
    engine's own linear interpolation is not NumPy's: Polars computes
    ``a + (b - a) * t`` throughout (the median of 0.1 and 0.5 is
    0.30000000000000004 there, 0.3 in NumPy), PyArrow and DuckDB
    ``a * (1 - t) + b * t``, which is not *a* when ``a == b`` (the
    0.3-quantile of 648.05, ten times 874.9 and 1517.46 is
    874.9000000000001 there)."""
    if func == "median":
        both = lo + hi
        # near the float maximum the sum overflows: halves first
        return (
            nw.when(both.abs() < math.inf)
            .then(both * 0.5)
            .otherwise(lo * 0.5 + hi * 0.5)
        )
    t = at - at.floor()
    d = hi - lo
    return nw.when(t >= 0.5).then(hi - d * (1.0 - t)).otherwise(lo + d * t)


@attrs.frozen(eq=False)
class _RankedQuantile:
    """``np.median(x)`` / ``np.quantile(x, q)`` (NaN and nulls skipped) on
    every engine of :data:`EXACT_QUANTILES`: the two order statistics
    around ``(n - 1) * q`` picked by rank (:func:`_ranked_quantiles`) and
    combined as NumPy combines them (:func:`_numpy_combine`). Not the
    engines' ``quantile(q, "lower"/"higher")``: DuckDB has none through
    narwhals, and Polars picks the wrong one when nulls come before the
    values (the "higher" statistic of 0.0 and five times 0.1, with a null,
    at q = 1e-17 is 0.0: the null count added to the index rounds the
    fraction away)."""

    x: Any
    q: float
    func: str


def _ranked_quantiles(frame: Any, wanted: list[tuple[str, _RankedQuantile]]) -> Any:
    """A one-row frame of the quantiles *wanted* (column, quantile) of
    *frame*, which :meth:`EngineRules.apply` joins to every row: each value
    ranked (nulls skipped) and counted in one pass over a copy of the rows,
    the two order statistics around ``(n - 1) * q`` picked in one aggregate
    ``select``. The rows of *frame* keep their order (only the copy is
    sorted)."""
    nw = _narwhals()
    one = f"{TEMP}one"
    ranked = frame.select(
        nw.lit(1).alias(one), *(rq.x.alias(f"x{j}") for j, (_, rq) in enumerate(wanted))
    ).with_columns(
        *(
            (nw.col(f"x{j}").rank("ordinal") - 1).alias(f"i{j}")
            for j in range(len(wanted))
        ),
        *(
            nw.col(f"x{j}").count().over(one).cast(nw.Float64).alias(f"n{j}")
            for j in range(len(wanted))
        ),
    )
    picked = []
    for j, (_, rq) in enumerate(wanted):
        x, i = nw.col(f"x{j}"), nw.col(f"i{j}")
        at = (nw.col(f"n{j}") - 1.0) * rq.q
        picked += [
            nw.when(i == at.floor()).then(x).max().alias(f"lo{j}"),
            nw.when(i == at.ceil()).then(x).max().alias(f"hi{j}"),
            at.max().alias(f"at{j}"),
        ]
    return ranked.select(*picked).select(
        *(
            _numpy_combine(
                nw, nw.col(f"lo{j}"), nw.col(f"hi{j}"), nw.col(f"at{j}"), rq.func
            ).alias(column)
            for j, (column, rq) in enumerate(wanted)
        )
    )


def _column_of(value: float, like: Any) -> Any:
    """The number *value* on every row of the expression *like*, computed
    from it (never NaN: ``is_null`` is 0 or 1), so that an engine treats it
    as a column, not as a literal it may fold or broadcast as one value."""
    return like.is_null().cast(_narwhals().Float64) * 0.0 + value


def _operands(left: Any, right: Any) -> tuple[Any, Any]:
    """The expressions of two number operands; a constant on the left of a
    column becomes a column (eager Polars through narwhals takes ``100 >
    col`` for a one-value Series when *col* is an aggregate, and refuses
    to broadcast it)."""
    a, b = left.expr, right.expr
    if left.const is not None and right.const is None:
        a = _column_of(float(left.const), b)
    return a, b


class _Compiler:
    """Compile the checked conditions of a rule set to narwhals expressions.

    Number fields, derived values and aggregates are computed once into
    temporary columns (``__custseg_*``, in :attr:`steps`), so conditions stay
    small and a window aggregate runs once.
    """

    def __init__(
        self,
        rs: RuleSet,
        backend: str | None,
        aggregates: Mapping[str, float] | None,
        columns: Mapping[str, _Column] | None = None,
    ) -> None:
        self.rs = rs
        self.backend = backend
        # the number columns' types (None: unknown, read as Float64)
        self.columns = dict(columns or {})
        self.cuts = field_cuts(rs) if self.columns else {}
        self.aliases = bare_aliases(rs)
        # None: computed in the engine; a dict (checked): frozen values only
        self.aggregates = None if aggregates is None else dict(aggregates)
        self.derived: dict[str, _Node] = {}
        self.steps: list[tuple[str, Any]] = []
        # the step's level: 1 + the highest level of the columns it reads, so
        # that steps of one level go in one with_columns
        self.levels: list[int] = []
        self.level: dict[str, int] = {}
        self.stack: list[set[str]] = [set()]  # the columns read, per step
        self.temps: dict[str, Any] = {}
        self.temp_names: dict[str, str] = {}
        self.aggregate_ids: dict[str, int] = {}  # aggregate key -> its number
        self.aggregated: list[str] = []
        self.derived_columns: dict[str, tuple[str, ...]] = {}
        self.fields: dict[str, str] = {}  # the fields read: name -> kind
        #: optional fields the data does not have (set by _compile)
        self.absent: set[str] = set()
        self.nw = _narwhals()

    def read(self, column: str) -> None:
        self.stack[-1].add(column)

    def push(self) -> None:
        self.stack.append(set())

    def pop(self) -> set[str]:
        return self.stack.pop()

    def add(self, column: str, expr: Any, reads: set[str]) -> None:
        """A step computing *column*, after the steps of the columns it reads."""
        level = 1 + max((self.level.get(c, -1) for c in reads), default=-1)
        self.level[column] = level
        self.steps.append((column, expr))
        self.levels.append(level)

    def aggregate(self, key: str, expr: Any, reads: set[str]) -> Any:
        """A column holding the aggregate *expr* (one value for every row):
        computed in one ``select`` per level and joined to every row (a
        one-row cross join), so no engine moves the data to one partition
        as a window over the whole frame would."""
        column = self.temp_column(key)
        if column not in self.level:
            self.add(column, expr, reads)
            self.aggregated.append(column)
        self.read(column)
        return self.nw.col(column)

    def temp_column(self, key: str) -> str:
        """The temporary column of *key*, numbered: keys that differ only in
        case (derived values ``Hot`` and ``hot``) are two columns on an
        engine whose names ignore case too."""
        return self.temp_names.setdefault(key, f"{TEMP}{len(self.temp_names)}_{key}")

    def temp(self, key: str, expr: Any, reads: set[str]) -> Any:
        """A temporary column holding *expr*, added once per *key*."""
        column = self.temp_column(key)
        if key not in self.temps:
            self.add(column, expr, reads)
            self.temps[key] = self.nw.col(column)
        self.read(column)
        return self.temps[key]

    # names -------------------------------------------------------------
    def name(self, name: str) -> _Node:
        rs, nw = self.rs, self.nw
        if name in rs.params:
            value = rs.params[name]
            return self.constant(value)
        if name in rs.fields:
            spec = rs.fields[name]
            self.fields[name] = spec.kind
            if spec.kind in ("number", "integer"):
                expr = self.completed(name, _read_number(name, self.columns.get(name)))
                node = self.temp(f"n_{name}", expr, set())
                # whole numbers only when the engine's column holds integers:
                # the engine path does not check an integer field's values
                # (2.5 in a float column), and a fraction is no integer
                stored = self.columns.get(name)
                whole = stored is not None and bool(stored.dtype.is_integer())
                places = 0 if spec.kind == "integer" and whole else None
                return _Node("number", node, field=name, places=places)
            if spec.kind == "category":
                return _Node("category", nw.col(name))
            col = nw.col(name)
            return _Node("bool", (_mask(col), _mask(~col)))
        if name in rs.derived:
            if name not in self.derived:
                self.push()
                node = self.text(rs.derived[name].expr.text)
                reads = self.pop()
                if node.const is not None or node.kind == "category":
                    self.derived_columns[name] = tuple(reads)
                elif node.kind == "number":  # a bare alias keeps its field
                    expr = self.temp(f"d_{name}", node.expr, reads)
                    node = _Node("number", expr, field=node.field, places=node.places)
                    self.derived_columns[name] = (self.temp_column(f"d_{name}"),)
                else:
                    t = self.temp(f"t_{name}", node.expr[0], reads)
                    f = self.temp(f"f_{name}", node.expr[1], reads)
                    node = _Node("bool", (t, f))
                    self.derived_columns[name] = (
                        self.temp_column(f"t_{name}"),
                        self.temp_column(f"f_{name}"),
                    )
                self.derived[name] = node
            for column in self.derived_columns[name]:
                self.read(column)
            return self.derived[name]
        if name in rs.tables or name in rs.segments:
            self.read(name)
            return _Node("category", nw.col(name))  # the untranslated label
        raise _Unsupported(  # pragma: no cover - the checker resolved every name
            f"the name {name!r}", "declare it"
        )

    def constant(self, value: Any) -> _Node:
        nw = self.nw
        if isinstance(value, bool):
            return _Node("bool", (_lit_bool(value), _lit_bool(not value)), value)
        if isinstance(value, int | float):
            number = float(value)
            if math.isnan(number):  # 0 / 0: missing
                return _Node("number", nw.lit(None, dtype=nw.Float64), number)
            return _Node(
                "number",
                nw.lit(number, dtype=nw.Float64),
                value,
                places=decimal_places(value),
            )
        return _Node("category", nw.lit(str(value), dtype=nw.String), str(value))

    # expressions -------------------------------------------------------
    def text(self, text: str) -> _Node:
        body = _ascii_forms(text).strip().strip("\n")
        tree = ast.parse(body, mode="eval")
        try:
            return self.visit(tree.body)
        except _Unsupported as exc:
            if not exc.text:  # the innermost condition: where it is
                exc.text = text
                node = getattr(exc, "node", None)
                if node is not None:
                    _, start, end = _span(node, body.split("\n"))
                    lead = len(text) - len(text.lstrip())
                    exc.span = (start + lead, end + lead)
            raise

    def condition(self, text: str) -> Any:
        """The TRUE mask of a checked condition."""
        node = self.text(text)
        return node.expr[0]

    def visit(self, node: ast.AST) -> _Node:
        if isinstance(node, ast.BoolOp):
            parts = [self.visit(x).expr for x in node.values]
            ts, fs = [t for t, _ in parts], [f for _, f in parts]
            if isinstance(node.op, ast.And):
                both = _balanced(operator.and_, ts), _balanced(operator.or_, fs)
            else:
                both = _balanced(operator.or_, ts), _balanced(operator.and_, fs)
            return _Node("bool", both)
        if isinstance(node, ast.UnaryOp):
            sub = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                t, f = sub.expr
                const = None if sub.const is None else not sub.const
                return _Node("bool", (f, t), const)
            if isinstance(node.op, ast.USub):
                if sub.const is not None:
                    return self.constant(-sub.const)
                return _Node("number", sub.expr * -1.0, places=sub.places)
            return sub
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        raise _Unsupported(  # pragma: no cover - refused by the checker
            type(node).__name__, "the rules checker refuses it"
        )

    def binop(self, node: ast.BinOp) -> _Node:
        nw = self.nw
        self.push()  # the columns the operands read (a rounded step's inputs)
        left, right = self.visit(node.left), self.visit(node.right)
        reads = self.pop()
        for column in reads:
            self.read(column)
        ufunc = ARITH[type(node.op)]
        places = places_of(node.op, left.places, right.places)
        if left.const is not None and right.const is not None:
            with np.errstate(all="ignore"):
                const = float(ufunc(left.const, right.const, dtype=np.float64))
            return self.constant(
                exact_constant(node.op, left.const, right.const, const)
            )
        a, b = _operands(left, right)
        if isinstance(node.op, ast.Add):
            out = a + b
        elif isinstance(node.op, ast.Sub):
            out = a - b
        elif isinstance(node.op, ast.Mult):
            out = a * b
        else:
            if right.const is not None and right.const != 0.0:
                # Polars divides a column by a literal as a multiplication by
                # its reciprocal (7 / 10 = 0.7000000000000001, a customer on a
                # threshold crosses it): a divisor per row keeps IEEE division
                b = _column_of(float(right.const), a)
            # the rules: x / 0 is inf (x > 0), -inf (x < 0), NaN (x == 0 or
            # NaN) whatever the zero's sign (rules._expr.divide); engines
            # give NULL or raise (Spark ANSI): zero is never divided by
            zero = _mask(b == 0.0)
            by_zero = (
                nw.when(_mask(a > 0.0))
                .then(nw.lit(math.inf, dtype=nw.Float64))
                .otherwise(
                    nw.when(_mask(a < 0.0))
                    .then(nw.lit(-math.inf, dtype=nw.Float64))
                    .otherwise(nw.lit(None, dtype=nw.Float64))
                )
            )
            out = nw.when(zero).then(by_zero).otherwise(a / nw.when(~zero).then(b))
        if places and places <= MOST_PLACES:
            # the step held in a column of its own: rounding reads it three
            # times, which nested steps would multiply (Spark plans such
            # trees for minutes)
            key = "a_" + hashlib.sha1(ast.dump(node).encode()).hexdigest()[:12]
            out = _to_places(self.temp(key, _number(out), reads), places)
        return _Node("number", _number(out), places=places)  # inf - inf: missing

    def call(self, node: ast.Call) -> _Node:
        func = node.func.id  # type: ignore[attr-defined]
        name = node.args[0].id  # type: ignore[attr-defined]
        if func == "missing":
            if name in self.rs.tables or name in self.rs.segments:
                return self.constant(False)  # an output always has a label
            sub = self.name(name)
            if sub.kind in ("number", "category"):
                miss = sub.expr.is_null()
            else:
                t, f = sub.expr
                miss = ~(t | f)
            return _Node("bool", (miss, ~miss))
        q = 0.0
        if func == "quantile":  # -0.0 is 0.0 (DuckDB reads a negative q
            # as a quantile from the top: the maximum)
            q = float(self.visit(node.args[1]).const) + 0.0
        where: ast.expr | None = next(
            (k.value for k in node.keywords if k.arg == "where"), None
        )
        where_text = "" if where is None else ast.unparse(where)
        key = aggregate_key(func, name, q, where_text)
        if self.aggregates is not None:  # frozen: never refitted here
            if key not in self.aggregates:
                raise InputError(
                    "aggregates",
                    f"has no value for {key!r}, which the rules read",
                    fix="fit them with RuleSet.aggregates(data) on data holding "
                    "the same fields (an optional field the fitting data lacked "
                    "leaves out the aggregates only its outputs read)",
                )
            return self.constant(self.aggregates[key])
        if func in ("median", "quantile") and self.backend not in EXACT_QUANTILES:
            if self.backend is None:  # compiled for every engine
                exc = _Unsupported(
                    f"{key}: an exact quantile over all customers, which not "
                    "every engine computes (compiled with backend=None, for "
                    "all of them; Spark's and Dask's quantiles are approximate)",
                    f"compile for the engine that holds the data (backend='polars' "
                    f"or 'duckdb'), or give its value: aggregates={{{key!r}: ...}}",
                )
            else:
                exc = _Unsupported(
                    f"{key}: an exact quantile over all customers, which "
                    f"{self.backend} does not compute (its quantiles are approximate)",
                    f"give its value: aggregates={{{key!r}: ...}}, or run on "
                    "Polars or DuckDB",
                )
            exc.node = node  # type: ignore[attr-defined]
            raise exc
        const = self.name(name).const
        if const is not None:  # a derived constant (k = "5"): an engine
            # aggregates no literal; over every row it is itself
            if where is None:
                return self.constant(float(const))
            exc = _Unsupported(
                f"{key}: an aggregate of a constant over the rows where a "
                "condition holds",
                f"give its value: aggregates={{{key!r}: ...}}",
            )
            exc.node = node  # type: ignore[attr-defined]
            raise exc
        self.push()
        x = self.name(name).expr  # NaN is null: skipped, as NumPy skips NaN
        if where is not None:  # only the rows where the condition is TRUE
            cond = self.visit(where)
            if cond.const is not True:
                x = self.nw.when(cond.expr[0]).then(x)
        reads = self.pop()
        # numbered per distinct key: the key's text folded to a column name
        # (``a > 0`` and ``a < 0`` both ``a___0``) would give two aggregates
        # one column
        tag = f"{func}{self.aggregate_ids.setdefault(key, len(self.aggregate_ids))}"
        if func == "mean":
            return self.mean(x, reads, tag)
        if func == "min":
            agg = x.min()
        elif func == "max":
            agg = x.max()
        else:  # an engine of EXACT_QUANTILES
            agg = _RankedQuantile(x, 0.5 if func == "median" else q, func)
        self.push()
        raw = self.aggregate(f"r_{tag}", agg, reads)
        return _Node("number", self.temp(f"a_{tag}", _number(raw), self.pop()))

    def mean(self, x: Any, reads: set[str], tag: str) -> _Node:
        """``mean(x)`` as the core computes it (``custseg.rules._expr._mean``),
        bit for bit and so in any row order, for values that are decimals of
        few places (cents, whole numbers): the first scale of
        :data:`~custseg._exact.SCALES` every value round-trips at gives
        integers whose sum is exact in any order (below 2**52), divided once
        by ``n * scale`` (a correctly rounded division, as Python's
        ``int / int``). Other values (``1/3``, many digits, or sums of the
        integers past 2**52) keep the engine's float mean, summed in the
        engine's order: usually within the last bit of the core's exact
        sum, but large values that cancel (``1e16``, ``1.5``, ``-1e16``)
        can move it far (docs/engines-in-engine.md). One aggregate
        ``select`` (a few sums per scale), then one expression on its row."""
        nw = self.nw
        self.push()
        n = self.aggregate(f"r_{tag}_n", x.count(), reads)
        fallback = self.aggregate(f"r_{tag}", x.mean(), reads)
        levels = []
        for i, scale in enumerate(SCALES):
            k = (x * float(scale)).round()
            # the divisor a column: Polars divides by a literal as a product
            # by its reciprocal, not correctly rounded
            fits = (k / (k * 0.0 + float(scale)) == x).fill_null(False)
            unfit = (~fits & ~x.is_null()).cast(nw.Int64).sum()
            levels.append(
                (
                    scale,
                    self.aggregate(f"r_{tag}_u{i}", unfit, reads),
                    self.aggregate(
                        f"r_{tag}_g{i}", nw.when(fits).then(k.abs()).sum(), reads
                    ),
                    self.aggregate(f"r_{tag}_s{i}", nw.when(fits).then(k).sum(), reads),
                )
            )
        out = fallback.cast(nw.Float64)
        for scale, unfit, magnitude, total in reversed(levels):
            # the first scale every value fits; past 2**52 the sum may round:
            # the float mean, as the core gives up on the decimals there
            exact = total.cast(nw.Float64) / (n.cast(nw.Float64) * float(scale))
            out = (
                nw.when(unfit == 0)
                .then(nw.when(magnitude < float(2**52)).then(exact).otherwise(fallback))
                .otherwise(out)
            )
        # infinities as NumPy means them (+inf and -inf: NaN, missing), not as
        # an engine's partial sums may (Dask skips a partition's NaN sum)
        inf = float("inf")
        pos = self.aggregate(f"r_{tag}_pinf", (x == inf).cast(nw.Int64).sum(), reads)
        neg = self.aggregate(f"r_{tag}_ninf", (x == -inf).cast(nw.Int64).sum(), reads)
        out = (
            nw.when((pos > 0) & (neg > 0))
            .then(nw.lit(None, dtype=nw.Float64))
            .otherwise(
                nw.when(pos > 0)
                .then(nw.lit(inf))
                .otherwise(nw.when(neg > 0).then(nw.lit(-inf)).otherwise(out))
            )
        )
        return _Node("number", self.temp(f"a_{tag}", _number(out), self.pop()))

    def compare(self, node: ast.Compare) -> _Node:
        left_node = node.left
        left = self.visit(left_node)
        pairs: list[tuple[Any, Any]] = []
        consts: list[Any] = []
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                assert isinstance(right_node, ast.Tuple)
                values = [self.visit(e).const for e in right_node.elts]
                t, f = self.member(left, values, self.bare(left_node))
                pairs.append((f, t) if isinstance(op, ast.NotIn) else (t, f))
                consts.append(None)
                break
            right = self.visit(right_node)
            # a number field against a constant reads its exact sides, as
            # the NumPy path's _Checker._sided decides it (by the syntax)
            a = (
                self.sided(left)
                if self.literal(right_node) and self.bare(left_node)
                else left
            )
            b = (
                self.sided(right)
                if self.literal(left_node) and self.bare(right_node)
                else right
            )
            pair, const = self.compare_two(a, op, b)
            pairs.append(pair)
            consts.append(const)
            left, left_node = right, right_node
        if all(c is not None for c in consts):
            return self.constant(all(consts))
        t, f = pairs[0]
        for t2, f2 in pairs[1:]:
            t, f = t & t2, f | f2
        return _Node("bool", (t, f))

    def sided(self, node: _Node) -> _Node:
        """*node*, or for a number field (or a bare alias of one) whose
        column holds exact numbers, the field as comparisons with constants
        and tables read it: values that float64 rounds onto a cut moved to
        their exact side (:func:`_read_number`), for a comparison with a
        constant (:meth:`literal`) or a table. Arithmetic, aggregates and
        comparisons with anything else read the plain rounding, as the NumPy
        path's :meth:`~custseg.rules._expr.Env.compared` does."""
        field = node.field
        if node.kind != "number" or field is None or node.const is not None:
            return node
        column = self.columns.get(field)
        cuts = self.cuts.get(field, ())
        if column is None or not cuts or not _exact_type(column.dtype):
            return node
        sides = _sides((cuts, "both"))
        expr = self.completed(field, _read_number(field, column, sides), sides)
        return node._replace(expr=self.temp(f"s_{field}", expr, set()))

    def completed(self, name: str, expr: Any, sides: Sides | None = None) -> Any:
        """*expr*, the number field *name*, with a one-purchase buyer's
        missing day count completed from the other, as the NumPy path does
        (:func:`custseg.rules._model.one_purchase_days`): one purchase is
        both the first and the last, so a missing ``recency_days`` is the
        ``tenure_days`` and the other way round (where the rules declare all
        three of ``frequency``, ``recency_days`` and ``tenure_days`` numbers
        and the data has them). A tenure below the recency is not refused
        here: the engine path does not check the data."""
        other = {"recency_days": "tenure_days", "tenure_days": "recency_days"}.get(name)
        if other is None:
            return expr
        spine = ("frequency", "recency_days", "tenure_days")
        specs = [self.rs.fields.get(f) for f in spine]
        if any(s is None or s.kind not in ("number", "integer") for s in specs):
            return expr
        if self.absent & set(spine):
            return expr
        nw = self.nw
        once = _read_number("frequency", self.columns.get("frequency")) == 1
        theirs = _read_number(other, self.columns.get(other), sides)
        gap = once & expr.is_null() & ~theirs.is_null()
        return nw.when(gap).then(theirs).otherwise(expr)

    def compare_two(
        self, left: _Node, op: ast.cmpop, right: _Node
    ) -> tuple[tuple[Any, Any], Any]:
        symbol = {
            ast.Lt: "<",
            ast.LtE: "<=",
            ast.Gt: ">",
            ast.GtE: ">=",
            ast.Eq: "==",
            ast.NotEq: "!=",
        }[type(op)]
        negate = symbol == "!="
        if left.kind == "bool":  # == / != between conditions
            (t1, f1), (t2, f2) = left.expr, right.expr
            t, f = (t1 & t2) | (f1 & f2), (t1 & f2) | (f1 & t2)
            const = None
            if left.const is not None and right.const is not None:
                const = (left.const == right.const) != negate
            return ((f, t) if negate else (t, f)), const
        if left.const is not None and right.const is not None:
            missing = any(
                isinstance(c, float) and math.isnan(c)
                for c in (left.const, right.const)
            )
            if missing:  # a comparison with a missing constant is UNKNOWN
                return (_lit_bool(False), _lit_bool(False)), None
            ops: dict[str, Callable[[Any, Any], Any]] = {
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
                "==": lambda a, b: a == b,
                "!=": lambda a, b: a == b,
            }
            value = bool(ops[symbol](left.const, right.const)) != negate
            return (_lit_bool(value), _lit_bool(not value)), value
        a, b = left.expr, right.expr
        if left.kind == "number":
            a, b = _operands(left, right)
            if self.integers(left.field, right.field):
                # int64 against int64 as NumPy compares them: exactly (their
                # doubles are equal beyond 2**53); never null-free NaN here
                a, b = self.nw.col(left.field), self.nw.col(right.field)
        if left.kind == "category":
            if left.const is None and right.const is None:
                # two columns compared as text: Polars compares no Enum with
                # another Enum's categories (or a Categorical) itself
                a, b = a.cast(self.nw.String), b.cast(self.nw.String)
            # pandas-backed engines say None != 'a': ask for known values
            known = self.known(left) & self.known(right)
            t, f = _mask(known & (a == b)), _mask(known & (a != b))
            return ((f, t) if negate else (t, f)), None
        # numbers are null where missing (never NaN): null compares as null
        if symbol in ("==", "!="):
            t, f = _mask(a == b), _mask((a < b) | (a > b))
            return ((f, t) if negate else (t, f)), None
        cmp = {
            "<": (a < b, a >= b),
            "<=": (a <= b, a > b),
            ">": (a > b, a <= b),
            ">=": (a >= b, a < b),
        }[symbol]
        return (_mask(cmp[0]), _mask(cmp[1])), None

    def integers(self, left: str | None, right: str | None) -> bool:
        """Whether the fields *left* and *right* are both integer columns of
        one signedness (Arrow compares no Int64 with a UInt64)."""
        if left is None or right is None:
            return False
        a, b = self.columns.get(left), self.columns.get(right)
        if a is None or b is None:
            return False
        if not (a.dtype.is_integer() and b.dtype.is_integer()):
            return False
        return bool(a.dtype.is_signed_integer() == b.dtype.is_signed_integer())

    def known(self, node: _Node) -> Any:
        if node.const is not None:
            return _lit_bool(
                not (isinstance(node.const, float) and math.isnan(node.const))
            )
        return ~node.expr.is_null()

    def bare(self, node: ast.AST) -> bool:
        """Whether *node* is a number field or a bare name of one (``d =
        "x"``, ``d = "(x)"``), as the NumPy path's ``_Checker._bare``."""
        if not isinstance(node, ast.Name):
            return False
        name = resolve_alias(self.aliases, node.id)
        spec = self.rs.fields.get(name)
        return spec is not None and spec.kind in ("number", "integer")

    def literal(self, node: ast.AST) -> bool:
        """Whether *node* is a constant as the NumPy path's checker finds
        one: a literal, a parameter, a derived value that is a number
        constant (``d = "0.3"``), and +, -, *, / of them (not another derived
        value, nor an aggregate, even when their value is fixed)."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            d = self.rs.derived.get(node.id)
            return node.id in self.rs.params or (
                d is not None and d.expr.const is not None
            )
        if isinstance(node, ast.UnaryOp):
            return self.literal(node.operand)
        if isinstance(node, ast.BinOp):
            return self.literal(node.left) and self.literal(node.right)
        return False

    def member(
        self, left: _Node, values: list[Any], bare: bool = False
    ) -> tuple[Any, Any]:
        if left.kind == "bool":
            t, f = left.expr
            has_true, has_false = True in values, False in values
            return (
                (t & _lit_bool(has_true)) | (f & _lit_bool(has_false)),
                (t & _lit_bool(not has_true)) | (f & _lit_bool(not has_false)),
            )
        known_values = [
            val for val in values if not (isinstance(val, float) and math.isnan(val))
        ]
        if left.kind == "number":
            known_values = [float(val) for val in known_values]
            if bare:
                left = self.sided(left)
        known = self.known(left)
        if left.const is not None:
            hit = _lit_bool(left.const in known_values)
        elif not known_values:
            hit = _lit_bool(False)
        elif left.kind == "number":
            # Arrow's is_in (a hash lookup) takes -0.0 for no 0: a zero among
            # the values is asked with ==, the others with is_in
            others = [val for val in known_values if val != 0]
            same = [left.expr.is_in(others)] if others else []
            if len(others) < len(known_values):
                same.append(left.expr == 0)
            hit = _mask(known & _balanced(operator.or_, same))
        else:  # as == per value: Dask cannot is_in an Arrow dictionary column
            same = [left.expr == val for val in known_values]
            hit = _mask(known & _balanced(operator.or_, same))
        if len(known_values) < len(values):  # a missing value in the tuple
            return hit, _lit_bool(False)
        return hit, _mask(known & ~hit)


# --------------------------------------------------------------------------
# interval chains


def _interval_label(
    x: Any,
    breaks: tuple[float, ...],
    labels: tuple[Any, ...],
    missing: Any,
    *,
    closed: str = "left",
) -> Any:
    """``labels[i]`` for ``breaks[i-1] <= x < breaks[i]`` (closed left) or
    ``breaks[i-1] < x <= breaks[i]`` (closed right); *missing* where x is
    null or NaN."""
    nw = _narwhals()
    missing_value = (
        nw.lit(None, dtype=nw.String) if missing is None else nw.lit(missing)
    )
    cases = [
        (x < b if closed == "left" else x <= b, nw.lit(label))
        for b, label in zip(breaks, labels[:-1], strict=True)
    ]
    out = _first_of(cases, nw.lit(labels[-1]))
    return nw.when(x.is_null()).then(missing_value).otherwise(out)


def _score(x: Any, edges: ScoreEdges, *, higher_is_better: bool) -> Any:
    """``1 + #{c : x > c}`` (or ``x < c`` for recency), null where x is missing,
    as :func:`custseg.score` with ``nan="unknown"``."""
    nw = _narwhals()
    cuts = edges.cuts
    if higher_is_better:  # from the top: x > c_last scores k + 1
        out = nw.lit(1)
        for i, c in enumerate(cuts):
            out = nw.when(x > c).then(nw.lit(i + 2)).otherwise(out)
    else:  # x < c_first scores k + 1; x >= c_last scores 1
        out = nw.lit(1)
        for i, c in enumerate(reversed(cuts)):
            out = nw.when(x < c).then(nw.lit(i + 2)).otherwise(out)
    return nw.when(~x.is_null()).then(out)


# --------------------------------------------------------------------------
# the compiled rule set


@attrs.frozen(eq=False)
class EngineRules:
    """A rules file compiled to narwhals expressions; see :func:`compile_rules`.

    Attributes
    ----------
    steps
        ``(column, expression)`` in evaluation order: each expression may read
        the columns of the steps before it; :meth:`apply` adds them with one
        ``with_columns`` per level of dependency (*levels*).
    labels
        The tables and segmentations computed, in order.
    tags
        The tag columns (``set.tag``).
    temporary
        Columns the steps add for their own use (number fields as Float64,
        derived values, aggregates), dropped by :meth:`apply`.
    levels
        Per step, 1 + the highest level of the steps it reads; the
        translations of labels (``lang=``) come in one level after all
        the others, so every condition reads the untranslated labels.
    renames
        Columns computed under a dot-free name (tags ``set.tag``, explain
        ``name.rule``) and their names, given at the end.
    aggregated
        The steps that are aggregates over all rows (``mean(x)``, ...):
        :meth:`apply` computes them in one ``select`` and joins the row to
        every row.
    skipped
        Outputs left out because they read an ``optional`` field the data
        lacks: name -> the absent fields (as :attr:`RulesResult.skipped`).
    fields
        The fields the steps read and their declared types (``"number"``,
        ``"integer"``, ``"category"``, ``"bool"``): :meth:`apply` checks the
        frame's column types against them (from its schema, without a pass
        over the data).
    optional
        The fields read that are ``optional``: one absent from the frame is
        told to be left out by compiling with the frame's columns.
    stale
        The ``<segmentation>.rule`` columns of the segmentations written: an
        earlier run's (integer columns) are dropped by :meth:`apply` first,
        as :func:`~custseg.apply_rules` drops them.
    build
        The compiler again, given the frame's number columns (internal:
        :meth:`apply` compiles the steps anew for decimal or integer columns,
        whose exact reads need the column types); None once applied so.
    """

    steps: tuple[tuple[str, Any], ...]
    labels: tuple[str, ...]
    tags: tuple[str, ...]
    skipped: dict[str, tuple[str, ...]]
    temporary: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    aggregated: tuple[str, ...] = ()
    renames: dict[str, str] = attrs.field(factory=dict)
    fields: dict[str, str] = attrs.field(factory=dict)
    #: the optional fields read (an absent one: compile with columns=)
    optional: frozenset[str] = attrs.field(factory=frozenset)
    #: the ``<segmentation>.rule`` columns of the segmentations written: an
    #: earlier run's (integers) are dropped first, as ``apply_rules`` drops
    #: them (without explain they would name the rules of the earlier
    #: labels; with it, they are computed anew)
    stale: tuple[str, ...] = ()
    #: the compiler again, for a frame whose number columns are decimals or
    #: integers (:meth:`apply`): their exact reads need the column types
    _build: Callable[[Mapping[str, _Column]], EngineRules] | None = attrs.field(
        default=None, repr=False
    )

    def apply(self, frame: Any) -> Any:
        """Append the columns to a narwhals frame (eager or lazy), in the engine.

        One ``with_columns`` per level of dependency (a step reads only the
        columns of lower levels); the temporary columns (``__custseg_*``) are
        dropped at the end.

        Parameters
        ----------
        frame
            A narwhals DataFrame or LazyFrame (``narwhals.from_native(...)``)
            with the fields the rules read.

        Returns
        -------
        The same kind of narwhals frame with the label columns appended.

        Raises
        ------
        InputError
            A field the rules read is not a column of *frame*, or its column's
            type does not fit the field's declared type (a number field held
            as text or booleans, a ``category`` field held as numbers, a
            ``bool`` field held as 0/1 or text): cast it in the engine first.
            Only the schema is read, not the data. A decimal column of more
            than 15 digits compared with two constants that are adjacent
            doubles (no double compares with both as a decimal between them
            does), or, on Dask (no decimal constants), with one it can land
            on.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... spend = { type = "number", min = 0 }
        ... [segments.tier]
        ... default = "C"
        ... rules = [{ label = "A", when = "spend >= 1000" }]
        ... [tags.flag]
        ... rules = [{ tag = "big_basket", when = "spend >= 500" }]
        ... ''')
        >>> import pytest
        >>> pl = pytest.importorskip("polars")
        >>> import narwhals as nw
        >>> er = compile_rules(rs, backend="polars", explain=True)
        >>> out = er.apply(nw.from_native(pl.DataFrame({"spend": [50.0, 600.0, 1500.0]})))
        >>> out.columns
        ['spend', 'tier', 'tier.rule', 'flag.big_basket']
        >>> out.rows()
        [(50.0, 'C', -1, False), (600.0, 'C', -1, True), (1500.0, 'A', 0, True)]
        >>> er.apply(nw.from_native(pl.DataFrame({"spend": ["50"]})))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        custseg.errors.InputError: 'spend' is declared a number field but its column has type String: cast it in the engine, ...
        """
        _check_reserved(frame.columns)
        frame = _drop_stale(frame, self.stale)
        case_clash(
            frame.columns, [*self.labels, *self.renames.values()], _backend(frame)
        )
        _check_replaced(frame, [*self.labels, *self.renames.values()], self.fields)
        from .engines import _refuse_case_alike

        _refuse_case_alike(frame, self.fields)
        if self.fields:
            nw = _narwhals()
            schema = _check_column_types(frame, self.fields, self.optional)
            nulls = [
                name
                for name, kind in self.fields.items()
                if kind == "bool" and isinstance(schema.get(name), nw.Unknown)
            ]
            if nulls:  # Arrow's null type (all missing): booleans, all null
                frame = _null_booleans(frame, nulls)
            retyped = _object_columns(frame, self.fields)
            if retyped is not frame:  # labelled so; the columns given back
                return _put_back(self.apply(retyped), frame, self.fields)
            frame = _numpy_narrow_floats(frame, self.fields, schema)
            numbers = _columns(
                frame,
                [n for n, kind in self.fields.items() if kind in ("number", "integer")],
                schema,
            )
            if self._build is not None and any(
                _exact_type(c.dtype) or _narrow_float(c.dtype) for c in numbers.values()
            ):
                # decimals and integers are read exactly, float32 as printed:
                # compiled with their types (a float64 column needs no more
                # than its cast)
                return self._build(numbers).apply(frame)
        frame, restore = _bytewise_categories(frame, self.fields)
        levels = self.levels or tuple(range(len(self.steps)))
        for level in sorted(set(levels)):
            here = [
                (column, expr)
                for (column, expr), lv in zip(self.steps, levels, strict=True)
                if lv == level
            ]
            aggs = [
                e.alias(c)
                for c, e in here
                if c in self.aggregated and not isinstance(e, _RankedQuantile)
            ]
            ranked = [(c, e) for c, e in here if isinstance(e, _RankedQuantile)]
            if aggs or ranked:  # one row of aggregates, joined to every row
                row = frame.select(*aggs) if aggs else None
                if ranked:
                    more = _ranked_quantiles(frame, ranked)
                    row = more if row is None else row.join(more, how="cross")
                frame = _beside_every_row(frame, row)
            cols = [e.alias(c) for c, e in here if c not in self.aggregated]
            if cols:
                frame = with_columns(frame, cols)
        if self.temporary:
            frame = frame.drop(*self.temporary)
        if self.renames:  # the tag and explain columns get their dotted names
            old = [c for c in self.renames.values() if c in frame.columns]
            frame = frame.drop(*old) if old else frame
            frame = frame.rename(self.renames)
        return restore(frame)


def _drop_stale(frame: Any, stale: Iterable[str]) -> Any:
    """*frame* without the columns *stale* (``<segmentation>.rule``) that
    hold integers, as an earlier run with ``explain=True`` left them; as
    :func:`custseg.apply_rules` drops them. Only the schema is read."""
    here = [c for c in stale if c in frame.columns]
    if not here:
        return frame
    schema = frame.collect_schema()
    old = [c for c in here if schema[c].is_integer()]
    return frame.drop(*old) if old else frame


def _bytewise_categories(
    frame: Any, fields: Mapping[str, str]
) -> tuple[Any, Callable[[Any], Any]]:
    """*frame* with its ``category`` field columns compared byte for byte,
    as :meth:`RuleSet.evaluate` compares them (``'vip'`` is not ``'VIP'``),
    whatever collation the engine gives them (DuckDB ``NOCASE``, Spark 4
    ``UTF8_LCASE``: :func:`custseg.engines._collated`), and the function
    that gives the labelled frame its columns back as they came (each
    column kept aside meanwhile under a temporary name)."""
    from .engines import _binary_text, _collated

    names = [n for n, kind in fields.items() if kind == "category"]
    collated = _collated(frame, [n for n in names if n in frame.columns])
    if not collated:
        return frame, lambda out: out
    nw = _narwhals()
    kept = {name: f"{TEMP}collated_{i}" for i, name in enumerate(collated)}
    frame = frame.with_columns(*(nw.col(n).alias(t) for n, t in kept.items()))
    frame = _binary_text(frame, collated)

    def restore(out: Any) -> Any:
        out = out.with_columns(*(nw.col(t).alias(n) for n, t in kept.items()))
        return out.drop(*kept.values())

    return frame, restore


def _check_reserved(columns: Iterable[str]) -> None:
    """InputError for a column whose name starts with the prefix of the
    rules' temporary columns (``__custseg_``, in any case: DuckDB's names are
    not case-sensitive): the rules would read it as one of theirs, or
    overwrite it and drop it.

    >>> _check_reserved(["monetary", "__custseg_1_n"])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: '__custseg_1_n' has a name that starts with '__custseg_', the prefix of the temporary columns the rules compute in the engine (dropped at the end): the rules would take it for one of theirs: rename the column
    """
    for name in columns:
        if str(name).lower().startswith(TEMP):
            raise InputError(
                str(name),
                f"has a name that starts with {TEMP!r}, the prefix of the "
                "temporary columns the rules compute in the engine (dropped "
                "at the end): the rules would take it for one of theirs",
                fix="rename the column",
            )


def _beside_every_row(frame: Any, row: Any) -> Any:
    """*frame* with the columns of the one-row frame *row* (the rules'
    aggregates) added, their values on every row: a cross join, except on
    an Arrow table, whose joins refuse to carry columns of some types
    (``null``, ``string_view``, lists, structs, maps) whichever columns the
    rules read; there each value is repeated as an array of its own type.

    >>> import narwhals as nw, pyarrow as pa
    >>> t = nw.from_native(pa.table({"x": [1.0, 3.0], "e": pa.nulls(2)}))
    >>> out = _beside_every_row(t, t.select(nw.col("x").mean().alias("m")))
    >>> out.to_native().column("m").to_pylist(), out.columns
    ([2.0, 2.0], ['x', 'e', 'm'])
    """
    nw = _narwhals()
    backend = _backend(frame)
    if backend in ("pandas", "dask"):
        # a cross join gives pandas a new index 0..n-1 (Dask: 0..k-1 per
        # partition), and the frame's index is its customer ids: the row
        # repeated beside each partition keeps it
        native, values = frame.to_native(), row.to_native()
        if backend == "dask":
            # the one row as it is: Dask's graph optimisation of the
            # aggregate over a computed frame (engine_facts(...).frame, its
            # group-bys and sums) does not finish; the row is one partition
            (one,) = values.repartition(npartitions=1).to_delayed(optimize_graph=False)
            meta = _beside_here(native._meta, values._meta)
            return nw.from_native(native.map_partitions(_beside_here, one, meta=meta))
        return nw.from_native(_beside_here(native, values), eager_only=True)
    if backend == "spark" and hasattr(frame.to_native(), "crossJoin"):
        # Spark's own cross join: narwhals' selects the joined columns by
        # name, and Spark reads a name with a dot ("cust.id", a records
        # column "a.b") as a struct's field, which it cannot find
        return nw.from_native(frame.to_native().crossJoin(row.to_native()))
    if backend != "pyarrow":
        return frame.join(row, how="cross")
    import pyarrow as pa

    native, values = nw.to_native(frame), nw.to_native(row)
    for field in values.schema:
        column = pa.repeat(values.column(field.name)[0], native.num_rows)
        native = native.append_column(field, column)
    return nw.from_native(native, eager_only=True)


def _beside_here(part: Any, row: Any) -> Any:
    """The pandas frame *part*, its index kept, with the columns of the
    one-row pandas frame *row* repeated on each of its rows, in their
    types (:func:`_beside_every_row`)."""
    repeated = row.iloc[np.zeros(len(part), dtype=np.intp)]
    return part.assign(**{name: repeated[name].array for name in row.columns})


def _check_replaced(frame: Any, outputs: Iterable[str], read: Iterable[str]) -> None:
    """InputError when an output of the rules would replace a column of
    *frame* that cannot be an earlier output, as ``apply_rules`` refuses it
    (:func:`custseg.frame._check_replaced`): a fact or score, a column of
    numbers or dates, or a field the rules read (*read*). Columns of labels
    (text, categories, booleans: the spine's ``lifecycle``, an earlier run's
    segments) are replaced. Only the schema is read."""
    from .frame import replaced_column
    from .summary import FACT_COLUMNS

    nw = _narwhals()
    columns = set(frame.columns)
    hit = [name for name in outputs if name in columns]
    if not hit:
        return
    schema = frame.collect_schema()
    read = set(read)
    for name in hit:
        dtype = schema[name]
        labels = isinstance(dtype, nw.String | nw.Categorical | nw.Enum | nw.Boolean)
        if labels and name not in read and name not in (*FACT_COLUMNS, *SCORE_COLUMNS):
            continue
        what = "a field the rules read" if name in read else f"a column of type {dtype}"
        raise replaced_column(name, what)


#: the engine types (narwhals) a field of each declared type accepts
_COLUMN_TYPES = {
    "number": "numeric",
    "integer": "numeric",
    "bool": "Boolean",
    "category": "String, Categorical or Enum",
}
_CASTS = {
    "number": "nw.Float64",
    "integer": "nw.Int64",
    "bool": "nw.Boolean",
    "category": "nw.String",
}


#: engines whose column names ignore case (``RFM11`` is ``rfm11``): DuckDB,
#: and Spark in its default ``spark.sql.caseSensitive=false``
CASELESS = frozenset({"duckdb", "spark"})


def case_clash(columns: Iterable[Any], outputs: Iterable[str], backend: str) -> None:
    """Refuse, on an engine whose column names ignore case (:data:`CASELESS`),
    a column of the input named like an output but for case: DuckDB keeps
    both under the input's name, so the output is hidden behind it (a
    ``select rfm11`` reads the input's old labels), and two outputs named
    alike fail there with a bare error.

    >>> case_clash(["customer_id", "RFM11"], ["rfm11"], "polars")
    >>> case_clash(["customer_id", "RFM11"], ["rfm11"], "duckdb")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'RFM11' is named like the output column 'rfm11' but for case, and duckdb names columns without regard to case: the output would be hidden behind it: rename or drop the column 'RFM11' first (the output replaces a column of its very name)
    """
    if backend not in CASELESS:
        return
    mine: dict[str, str] = {}
    for out in outputs:
        other = mine.setdefault(out.lower(), out)
        if other != out:
            raise InputError(
                out,
                f"and {other!r} are outputs of the rules named alike but for "
                f"case, and {backend} names columns without regard to case",
                fix="rename one of them in the rules (or label on Polars or pandas)",
            )
    for col in columns:
        named = mine.get(str(col).lower())
        if named is not None and named != col:
            raise InputError(
                str(col),
                f"is named like the output column {named!r} but for case, and "
                f"{backend} names columns without regard to case: the output "
                "would be hidden behind it",
                fix=f"rename or drop the column {str(col)!r} first (the output "
                "replaces a column of its very name)",
            )


def _null_booleans(frame: Any, names: list[str]) -> Any:
    """*frame* with the columns *names* (of Arrow's null type: every value
    missing) as booleans that are all missing: pandas' nullable
    ``boolean`` on pandas-like engines (narwhals' Boolean there is NumPy's,
    which has no missing value: the cast would make them False)."""
    nw = _narwhals()
    if _backend(frame) in PANDAS_LIKE:
        native = frame.to_native()
        made = {name: native[name].astype("boolean") for name in names}
        return nw.from_native(native.assign(**made))
    return frame.with_columns(*(nw.col(name).cast(nw.Boolean) for name in names))


def _object_columns(frame: Any, fields: Mapping[str, str]) -> Any:
    """*frame* with its pandas ``object`` columns of fields given types the
    engine reads as the NumPy path reads their values (other frames, and
    other columns, as they are).

    A ``bool`` field's column (``True``/``False``/``None``) becomes pandas'
    nullable ``boolean`` (``~`` on objects is Python's ``~``: ``~True`` is
    -2); on Dask too. A number field's column becomes the Arrow type of its
    values on pandas (``Decimal`` objects from a database cursor: an exact
    ``decimal128[pyarrow]``, compared as the NumPy path compares them, not
    their rounded doubles; Python ints: ``int64[pyarrow]``). Values no Arrow
    type holds exactly (``Fraction``, decimals mixed with floats) or that
    are no numbers are refused.

    >>> import pandas as pd, pytest
    >>> _ = pytest.importorskip("pyarrow")
    >>> from decimal import Decimal
    >>> nw = _narwhals()
    >>> f = nw.from_native(pd.DataFrame({"x": [Decimal("1.25"), None]}, dtype=object))
    >>> str(_object_columns(f, {"x": "number"}).to_native().dtypes["x"])
    'decimal128(3, 2)[pyarrow]'
    """
    nw = _narwhals()
    backend = _backend(frame)
    if backend not in ("pandas", "dask"):
        return frame
    native = frame.to_native()
    objects = [
        name
        for name, kind in fields.items()
        if name in native.columns and native.dtypes[name] == np.dtype("O")
    ]
    made = {}
    for name in objects:
        if fields[name] == "bool":
            made[name] = native[name].astype("boolean")
        elif fields[name] in ("number", "integer") and backend == "pandas":
            made[name] = _exact_objects(name, native[name])
    if not made:
        return frame
    return nw.from_native(native.assign(**made))


def _put_back(out: Any, frame: Any, fields: Mapping[str, str]) -> Any:
    """The labelled frame *out* with the columns of *frame* (pandas or Dask)
    that :func:`_object_columns` retyped given back as they came."""
    nw = _narwhals()
    native, given = out.to_native(), frame.to_native()
    names = [
        n for n in fields if n in given.columns and given.dtypes[n] == np.dtype("O")
    ]
    if _backend(frame) == "dask":
        back = {n: given[n] for n in names}
    else:  # by position: an index may repeat
        back = {n: given[n].array for n in names}
    return nw.from_native(native.assign(**back))


def _exact_objects(name: str, column: Any) -> Any:
    """The pandas ``object`` column *column* of the number field *name* in
    the Arrow type of its values (:func:`_object_columns`); as it is when
    pyarrow is not installed, or when its values are floats (read as
    float64)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is installed in CI
        return column
    import pandas as pd

    try:
        values = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = None
    if values is not None and pa.types.is_floating(values.type):
        return column.astype("float64")
    if values is None or not (
        pa.types.is_integer(values.type)
        or pa.types.is_decimal(values.type)
        or pa.types.is_null(values.type)
    ):
        raise InputError(
            name,
            "is a number field held in an object column whose values are not "
            "all numbers of one exact kind (Decimal, int or float; a "
            "Fraction, a text, a boolean, or decimals mixed with floats), "
            "which the engine cannot compare exactly",
            fix="convert the column first, e.g. to float64 "
            f"(frame[{name!r}].astype('float64')) or to an Arrow decimal "
            f"(frame[{name!r}].astype(pd.ArrowDtype(pa.decimal128(38, 18)))), "
            "or label it with apply_rules",
        )
    if pa.types.is_null(values.type):
        return column.astype("float64")
    return pd.Series(
        pd.arrays.ArrowExtensionArray(values), index=column.index, name=column.name
    )


def _numpy_narrow_floats(frame: Any, fields: Mapping[str, str], schema: Any) -> Any:
    """*frame* with its Arrow-backed float32 number fields as NumPy's
    float32 on Dask, whose text of an Arrow float32 is its double
    (19.989999771118164): :func:`_printed` reads a float32 through its
    text. Other frames as they are."""
    if _backend(frame) != "dask":
        return frame
    from .engines import _arrow_narrow_float

    native = frame.to_native()
    names = [
        name
        for name, kind in fields.items()
        if kind in ("number", "integer")
        and _narrow_float(schema.get(name))
        and _arrow_narrow_float(native.dtypes.get(name))
    ]
    if not names:
        return frame
    nw = _narwhals()
    return nw.from_native(
        native.assign(**{n: native[n].astype("float32") for n in names})
    )


def _type_fits(kind: str, dtype: Any) -> bool:
    """Whether a column of the narwhals type *dtype* can hold a field of the
    declared type *kind*, as the NumPy path accepts it (no booleans as
    numbers, no numbers as categories or booleans)."""
    nw = _narwhals()
    if isinstance(dtype, nw.Unknown | nw.Object):
        # an all-null column, or Python objects (pandas, Dask: booleans with
        # None): the type says nothing, the engine reads the values
        return True
    if kind in ("number", "integer"):
        return bool(dtype.is_numeric())
    if kind == "bool":
        return isinstance(dtype, nw.Boolean)
    return isinstance(dtype, nw.String | nw.Categorical | nw.Enum)


def _check_column_types(
    frame: Any, fields: Mapping[str, str], optional: Iterable[str] = ()
) -> Any:
    """An InputError for the first field read whose column is absent or of a
    type that does not fit the field's declared type (from the schema only);
    else the schema. An absent *optional* field is told to be left out by
    compiling with the frame's columns."""
    nw = _narwhals()
    schema = frame.collect_schema()
    native = None
    for name, kind in fields.items():
        if name not in schema:
            if name in optional:
                raise InputError(
                    name,
                    "is not a column of the data: it is an optional field, but "
                    "the rules were compiled for every field",
                    fix="compile with the frame's columns (compile_rules(..., "
                    "columns=frame.columns)) to leave out the outputs that "
                    "read it, or add the column",
                )
            raise InputError(
                name,
                "is not a column of the data, but the rules need it",
                fix=nfkc_column(name, schema.names())
                or "add the column (the facts and scores custseg computes)",
            )
        dtype = schema[name]
        if isinstance(dtype, nw.String) and _backend(frame) in PANDAS_LIKE:
            # Dask reports an object column as String: it may hold booleans
            if native is None:
                native = frame.to_native()
            dtypes = getattr(native, "dtypes", None)
            if dtypes is not None and dtypes.get(name) == np.dtype("O"):
                dtype = nw.Object()
        if _type_fits(kind, dtype):
            continue
        if kind == "bool" and isinstance(dtype, nw.String):
            # Dask makes an object column of True/False/None the text
            # 'True'/'False' (dataframe.convert-string): no engine casts it
            raise InputError(
                name,
                f"is declared a bool field but its column has type {dtype}",
                fix="cast it in the engine from its text (no engine casts text "
                f"to Boolean), e.g. nw.col({name!r}) == 'True' (nulls stay "
                "missing), or give the column booleans "
                "(pandas' 'boolean'; on Dask, read a pandas object column with "
                "dask.config.set({'dataframe.convert-string': False}))",
            )
        raise InputError(
            name,
            f"is declared a {kind} field but its column has type {dtype}",
            fix=f"cast it in the engine, e.g. with nw.col({name!r}).cast"
            f"({_CASTS[kind]}) ({_COLUMN_TYPES[kind]} columns fit a {kind} field)",
        )
    return schema


def _diagnostic(
    rs: RuleSet, where: str, exc: _Unsupported, rule: Any = None
) -> Diagnostic:
    """At the rule's condition; at the feature itself when it is written in
    the condition (not in a derived value the condition reads)."""
    line = getattr(rule, "line", 1) or 1
    column = getattr(rule, "column", 1) or 1
    end = column + 1
    if rule is not None and exc.text == rule.when.text and "\n" not in exc.text:
        column, end = column + exc.span[0], column + exc.span[1]
    path = getattr(rule, "path", "") or rs.path or "<rules>"
    if "\n" in path:  # pragma: no cover - a path is one line
        path = "<rules>"
    return Diagnostic(
        path,
        line,
        column,
        end,
        "error",
        _CODE,
        f"{where} cannot run inside the engine: it uses {exc.feature}",
        exc.hint,
    )


def compile_rules(
    rules: RuleSet,
    *,
    backend: str | None = None,
    columns: Any = None,
    lang: str | None = None,
    aggregates: Mapping[str, float] | None = None,
    explain: bool = False,
) -> EngineRules:
    """Compile a rule set to narwhals expressions that label rows in the engine.

    Every table and segmentation becomes a string column of label names (the
    names of the NumPy path's :class:`~custseg.Labels`, in *lang* where the
    file translates them) and every tag a boolean column ``set.tag``; the
    semantics are those of :meth:`custseg.rules.RuleSet.evaluate`: half-open
    intervals, first match wins, three-valued logic, the explicit label for a
    missing value. Number fields are read as Float64 (a decimal or integer
    column whose double lands on a constant it is compared with, but which is
    above or below it, moved one double toward its own side, and two integer
    fields compared in their own type, as the NumPy path compares ``Decimal``
    values and ``int64`` arrays: see ``docs/engines-in-engine.md``), category
    fields as strings, bool fields as booleans. :meth:`EngineRules.apply` checks each
    column's type against its field's declared type from the frame's schema
    (an :class:`~custseg.InputError` naming the field, the types and the cast
    to make); the data itself is not checked (bounds, undeclared category
    values, a missing value where the field allows none): that would take a
    pass over it.

    Parameters
    ----------
    rules
        A checked :class:`~custseg.rules.RuleSet`.
    backend
        The engine: ``"polars"``, ``"duckdb"``, ``"dask"``, ``"spark"``,
        ``"pyarrow"``, ``"pandas"``; ``None`` for what every engine supports.
        ``median(x)`` and ``quantile(x, q)`` in conditions need an engine with
        exact quantiles (Polars, DuckDB, PyArrow, pandas: NumPy's values to the
        bit) or their values in *aggregates*.
    columns
        The columns the data has (default: every field). Outputs reading an
        ``optional`` field that is absent are left out
        (:attr:`EngineRules.skipped`); a required field that is absent is an
        :class:`~custseg.InputError`.
    lang
        Label language (``"zh"``), as for ``evaluate``.
    aggregates
        Values of the aggregates in conditions, by their text as
        ``"mean(monetary)"``, ``"quantile(monetary, 0.9)"`` or
        ``"mean(monetary, where=frequency > 0)"`` (the canonical text of
        :meth:`RuleSet.aggregates <custseg.rules.RuleSet.aggregates>`): they
        are used instead of computing them in the engine (for results equal
        to the bit to an earlier run, or for median and quantile on Dask and
        Spark). ``mean(x)`` computed in the engine is the core's bit for bit
        for decimals of few places (cents, whole numbers), else the engine's
        float mean, which large values that cancel can move far from the
        core's exact one (see ``docs/engines-in-engine.md``). Checked as
        :meth:`RuleSet.evaluate <custseg.rules.RuleSet.evaluate>` checks
        them: given (even ``{}``), they are the only values used, never
        refitted in the engine, so every aggregate the compiled outputs read
        must be in it, and nothing else. ``None`` (the default): computed
        in the engine.
    explain
        Also add ``<segmentation>.rule`` columns: the index of the deciding
        rule (-1: the default).

    Returns
    -------
    EngineRules
        The steps; :meth:`EngineRules.apply` appends them to a narwhals frame.

    Raises
    ------
    RulesError
        Code ``engine-unsupported``, one diagnostic per rule (or derived
        value) that uses a feature the engine cannot run, at the rule's line.
    InputError
        A required field is not in *columns*; *aggregates* is not a dict of
        numbers, names an aggregate the rules do not read, lacks one the
        compiled outputs read, or has NaN for one.

    Examples
    --------
    >>> import pytest
    >>> pl = pytest.importorskip("polars")
    >>> import narwhals as nw
    >>> from custseg import rules
    >>> rs = rules.loads('''
    ... format = 1
    ... [fields]
    ... recency_days = { type = "number", min = 0, missing = true }
    ... [tables.stage]
    ... field = "recency_days"
    ... breaks = [90, 180]
    ... labels = ["active", "silent", "lost"]
    ... missing = "no_purchase"
    ... ''')
    >>> lf = pl.LazyFrame({"recency_days": [10.0, 90.0, None]})
    >>> out = compile_rules(rs, backend="polars").apply(nw.from_native(lf))
    >>> out.to_native().collect()["stage"].to_list()
    ['active', 'silent', 'no_purchase']
    >>> compile_rules(rs, aggregates={"mean(monetary)": 40.0})
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'aggregates' has 'mean(monetary)', which these rules do not read: pass the values RuleSet.aggregates(...) gives for the same rules; they read none
    """
    explain = v.flag_param(explain, "explain")
    if not isinstance(rules, RuleSet):
        raise ThresholdError(
            f"'rules' must be a RuleSet (custseg.rules.load): got {type(rules).__name__}"
        )
    lang = rules.check_lang(lang)
    if backend is not None and backend not in BACKENDS:
        raise ThresholdError(
            f"'backend' must be one of {', '.join(sorted(BACKENDS))} or None: "
            f"got {v.describe(backend)}"
        )
    if columns is not None:
        if isinstance(columns, str | bytes) or not isinstance(columns, Iterable):
            raise ThresholdError(
                f"'columns' must be a list of the data's column names: got "
                f"{type(columns).__name__} {v.describe(columns)}"
            )
        columns = list(columns)
    return _compile(rules, backend, columns, lang, aggregates, explain, None)


def _compile(
    rs: RuleSet,
    backend: str | None,
    columns: Any,
    lang: str | None,
    aggregates: Mapping[str, float] | None,
    explain: bool,
    numbers: Mapping[str, _Column] | None,
) -> EngineRules:
    """:func:`compile_rules`; with *numbers* (the number columns' types),
    for a frame of those types (:meth:`EngineRules.apply` compiles it again
    with them when a decimal or integer column needs an exact read)."""
    nw = _narwhals()
    present = set(rs.fields) if columns is None else {str(c) for c in columns}
    absent: set[str] = set()
    for name in rs.required_fields():
        if name in present:
            continue
        if not rs.fields[name].optional:
            raise InputError(
                name,
                "is not a column of the data, but the rules need it",
                fix=nfkc_column(name, present)
                or "add the column (the facts and scores custseg computes)",
            )
        absent.add(name)
    left_out = rs._left_out(absent)
    # checked as RuleSet.evaluate checks them: a key the rules do not read,
    # a non-number or NaN is refused here, a missing key where it is read
    fixed = None if aggregates is None else rs._fixed_aggregates(aggregates)
    comp = _Compiler(rs, backend, fixed, numbers)
    comp.absent = absent
    problems: list[Diagnostic] = []
    labels: list[str] = []
    renames: dict[str, str] = {}

    def dotted(column: str) -> str:
        """A dot-free name to compute *column* under (Spark reads a dot as a
        struct field); :meth:`EngineRules.apply` renames it at the end."""
        internal = f"{TEMP}o{len(renames)}"
        renames[internal] = column
        return internal

    def guarded(where: str, rule: Any, make: Callable[[], Any]) -> Any:
        try:
            return make()
        except _Unsupported as exc:
            problems.append(_diagnostic(rs, where, exc, rule))
            return None

    for name in rs.order:
        if name in left_out:
            continue
        if name in rs.derived:
            guarded(f"derived value {name!r}", None, partial(comp.name, name))
        elif name in rs.tables:
            t = rs.tables[name]
            comp.push()
            field_node = comp.name(t.field)
            if comp.bare(ast.Name(id=t.field)):  # as the NumPy path's sides
                field_node = comp.sided(field_node)
            x = field_node.expr
            expr = _interval_label(x, t.breaks, t.labels, t.missing, closed=t.closed)
            if t.missing_rules:  # a missing field: the first rule that holds
                where = f"missing rule {{}} of table {name!r} ({{!r}})"
                masks = [
                    guarded(
                        where.format(i + 1, rule.when.text),
                        rule,
                        partial(comp.condition, rule.when.text),
                    )
                    for i, rule in enumerate(t.missing_rules)
                ]
                if any(m is None for m in masks):
                    comp.pop()
                    continue
                nulls = x.is_null()
                expr = _first_of(
                    [
                        (nulls & m, nw.lit(r.label))
                        for m, r in zip(masks, t.missing_rules, strict=True)
                    ],
                    expr,
                )
            comp.add(name, expr, comp.pop())
            labels.append(name)
        elif name in rs.segments:
            s = rs.segments[name]
            out = nw.lit(s.default)
            rule_idx = nw.lit(-1)
            masks = []
            comp.push()
            for i, rule in enumerate(s.rules):
                where = f"rule {i + 1} of segmentation {name!r} ({rule.when.text!r})"
                masks.append(
                    guarded(where, rule, partial(comp.condition, rule.when.text))
                )
            reads = comp.pop()
            if any(m is None for m in masks):
                continue
            if len(masks) > _CHAIN:  # each mask read by several levels
                masks = [
                    comp.temp(f"m{i}_{name}", _mask(m), reads)
                    for i, m in enumerate(masks)
                ]
                reads = {comp.temp_column(f"m{i}_{name}") for i in range(len(masks))}
            out = _first_of(
                [(m, nw.lit(r.label)) for m, r in zip(masks, s.rules, strict=True)],
                out,
            )
            rule_idx = _first_of(
                [(m, nw.lit(i)) for i, m in enumerate(masks)], rule_idx
            )
            comp.add(name, out, reads)
            if explain:
                comp.add(dotted(f"{name}.rule"), rule_idx.cast(nw.Int16), reads)
            labels.append(name)
    tags: list[str] = []
    for ts in rs.tagsets.values():
        for tag in ts.tags:
            if f"{ts.name}.{tag}" in left_out:
                continue
            held = []
            comp.push()
            for i, rule in enumerate(ts.rules):
                if rule.label != tag:
                    continue
                where = f"rule {i + 1} of tag set {ts.name!r} ({rule.when.text!r})"
                m = guarded(where, rule, partial(comp.condition, rule.when.text))
                if m is not None:
                    held.append(m)
            reads = comp.pop()
            if held:
                mask = _balanced(operator.or_, held)
                comp.add(dotted(f"{ts.name}.{tag}"), mask, reads)
                tags.append(f"{ts.name}.{tag}")
    if problems:
        raise RulesError(problems)
    if lang is not None:
        # The translations come last, in one level after every other step:
        # a condition reads an output's untranslated label (``_Compiler.name``),
        # so no step may see a translated one; translating changes only the
        # names shown, never which rule matches.
        last = 1 + max(comp.levels, default=-1)
        for name in labels:
            out_table = rs.tables.get(name)
            spec = out_table if out_table is not None else rs.segments[name]
            table = spec.translations.get(lang, {})
            changed = [(k, val) for k, val in table.items() if val != k]
            if not changed:
                continue
            cases = [(nw.col(name) == k, nw.lit(val)) for k, val in changed]
            comp.steps.append((name, _first_of(cases, nw.col(name))))
            comp.levels.append(last)
    skipped = {
        k: f for k, f in left_out.items() if k not in rs.derived and k not in rs.tagsets
    }
    temps = tuple(c for c, _ in comp.steps if c.startswith(TEMP) and c not in renames)
    return EngineRules(
        tuple(comp.steps),
        tuple(labels),
        tuple(tags),
        skipped,
        temps,
        tuple(comp.levels),
        tuple(comp.aggregated),
        renames,
        dict(comp.fields),
        frozenset(n for n in comp.fields if n in rs.fields and rs.fields[n].optional),
        stale=tuple(f"{n}.rule" for n in labels if n in rs.segments),
        build=(
            partial(_compile, rs, backend, columns, lang, aggregates, explain)
            if numbers is None
            else None
        ),
    )


# --------------------------------------------------------------------------
# the spine and the entry point


def spine_steps(
    edges: RfmEdges,
    *,
    windows: LifecycleWindows | None = None,
    abc_edges: AbcEdges | None = None,
    backend: str | None = None,
    columns: Mapping[str, _Column] | None = None,
) -> tuple[tuple[str, Any], ...]:
    """Score, lifecycle and ABC columns as :func:`custseg.segment` adds them.

    ``r`` (1 + the number of recency edges the days are strictly below),
    ``f`` and ``m`` (1 + the number of edges strictly below the value) for
    buyers (``frequency > 0``; null for the others and for a missing recency),
    ``rfm`` (the code, null where a score is), ``lifecycle``
    (:func:`~custseg.lifecycle_stage`: ``[lo, hi)`` windows, ``no_purchase``
    for a missing recency) and, with *abc_edges*, ``abc`` (A from ``a_min``,
    B from ``b_min``, else C). With *columns* (the facts' column types),
    decimals and integers are compared with the edges, windows and ABC
    thresholds exactly, as :func:`custseg.score`, :func:`custseg.lifecycle_stage`
    and :func:`custseg.abc_class` compare them (:func:`_read_number`).
    """
    nw = _narwhals()
    windows = LifecycleWindows() if windows is None else windows
    columns = columns or {}
    abc = () if abc_edges is None else (abc_edges.a_min, abc_edges.b_min)
    cuts = {
        "recency_days": _sides((edges.recency.cuts, "down"), (windows.breaks, "down")),
        "frequency": _sides((edges.frequency.cuts, "up")),
        "monetary": _sides((edges.monetary.cuts, "up"), (abc, "down")),
    }
    recency, frequency, monetary = (
        _read_number(n, columns.get(n), cuts[n]) for n in cuts
    )
    buyer = _mask(frequency > 0)
    base = 10 if edges.bins <= 9 else 100

    def score(name: str) -> Any:  # the code overflows Int8 (DuckDB raises)
        col = nw.col(name)
        return col if backend in PANDAS_LIKE else col.cast(nw.Int32)

    steps: list[tuple[str, Any]] = [
        ("r", _score(recency, edges.recency, higher_is_better=False)),
        (
            "f",
            nw.when(buyer).then(
                _score(frequency, edges.frequency, higher_is_better=True)
            ),
        ),
        (
            "m",
            nw.when(buyer).then(
                _score(monetary, edges.monetary, higher_is_better=True)
            ),
        ),
        (
            "rfm",
            (score("r") * base + score("f")) * base + score("m"),
        ),
        (
            "lifecycle",
            _interval_label(
                recency, windows.breaks, windows.labels, windows.no_purchase
            ),
        ),
    ]
    if backend not in PANDAS_LIKE:  # integers with nulls (pandas: floats)
        steps = [
            (c, e.cast(nw.Int8 if c != "rfm" else nw.Int16 if base == 10 else nw.Int32))
            if c in SCORE_COLUMNS
            else (c, e)
            for c, e in steps
        ]
    if abc_edges is not None:
        abc = (
            nw.when(monetary >= abc_edges.a_min)
            .then(nw.lit("A"))
            .otherwise(
                nw.when(monetary >= abc_edges.b_min)
                .then(nw.lit("B"))
                .otherwise(nw.lit("C"))
            )
        )
        steps.append(("abc", nw.when(~monetary.is_null()).then(abc)))
    return tuple(steps)


def _edges_from_rules(rs: RuleSet | None) -> RfmEdges | None:
    """RfmEdges when the rules fix all three dimensions' edges."""
    if rs is None:
        return None
    specs = [rs.scores.get(k) for k in ("r", "f", "m")]
    if any(s is None or s.edges is None for s in specs):
        return None
    return RfmEdges(*(ScoreEdges(s.edges) for s in specs))  # type: ignore[union-attr]


def _load(preset: Any, rules: Any) -> RuleSet | None:
    from .frame import _load_rules

    rs = _load_rules(preset, rules)
    return rs


def label_in_engine(
    facts: Any,
    *,
    preset: str | None = None,
    rules: Any = None,
    edges: RfmEdges | None = None,
    abc_edges: AbcEdges | None = None,
    windows: LifecycleWindows | None = None,
    lang: str | None = None,
    aggregates: Mapping[str, float] | None = None,
    explain: bool = False,
) -> Any:
    """Append scores and labels to per-customer facts inside their engine.

    Nothing is collected: a Polars LazyFrame, a DuckDB relation, a Dask or
    Spark DataFrame comes back lazy with the columns appended (an eager frame
    comes back eager). The columns are those :func:`custseg.segment` adds:
    ``r``, ``f``, ``m``, ``rfm``, ``lifecycle``, ``abc`` (with *abc_edges*),
    then one string column per table and segmentation of the rules and one
    boolean column per tag (``set.tag``); an output of the rules replaces a
    column of labels of the same name (a preset's ``lifecycle`` table
    replaces the spine's), never a fact, a score, a column of numbers or
    dates or a field the rules read (an :class:`~custseg.InputError`, as
    ``apply_rules`` refuses it). Given the same edges, the labels are those
    of the NumPy path (``custseg.segment(..., edges=...)``).

    Parameters
    ----------
    facts
        One row per customer with ``recency_days`` (null: no purchase),
        ``frequency``, ``monetary`` and the other fields the rules read (e.g.
        ``tenure_days``), in any frame narwhals supports.
    preset, rules
        A shipped preset name, or a :class:`~custseg.rules.RuleSet` / rules
        file; neither: the scores, lifecycle and ABC class only.
    edges
        The RFM score edges (:func:`approx_rfm_edges` with the same *rules*,
        which keeps the dimensions they fix, or ``.edges`` of an earlier
        :func:`custseg.segment` result). Required unless the rules fix all
        three dimensions in ``[scores]``: quantile edges need a pass over all
        customers. Applied as given, as by :func:`custseg.segment`, also in a
        dimension the rules fix; where their cuts differ from the rules' there
        a :class:`~custseg.errors.CustsegWarning` says so (the engine path
        gives no note on segments that contradict the lifecycle stage).
    abc_edges
        ABC thresholds; without them there is no ``abc`` column (fitting them
        needs the cumulative revenue share, a global sort).
    windows
        Lifecycle windows for the spine's ``lifecycle`` (default 90/180/270).
    lang
        Label language of the rules (``"zh"``).
    aggregates
        Values for ``mean(x)``, ``median(x)``, ... in conditions (see
        :func:`compile_rules`); by default the engine computes them. Given,
        they are checked as :meth:`RuleSet.evaluate
        <custseg.rules.RuleSet.evaluate>` checks them (a key the rules do not
        read, a missing key: :class:`~custseg.InputError`) and never refitted.
    explain
        Add ``<segmentation>.rule`` columns.

    Returns
    -------
    The frame of the caller's kind, with the columns appended.

    Raises
    ------
    ThresholdError
        No *edges* where the rules need them, edges whose number of scores
        does not fit the rules' ``r``, ``f``, ``m`` fields, or *aggregates*
        without rules.
    RulesError
        A rule uses a feature the engine cannot run (code
        ``engine-unsupported``).
    InputError
        A column the rules need is missing; an output of the rules would
        replace a fact, a score, a column of numbers or dates or a field the
        rules read; *aggregates* names an aggregate the rules do not read or
        lacks one they read (or is not a dict of numbers, or has NaN).

    Warns
    -----
    CustsegWarning
        *edges* whose cuts differ from those the rules fix in ``[scores]``
        (every industry preset fixes the recency edges): the note names the
        dimension, both cuts and how to keep the rules'.

    Examples
    --------
    >>> import pytest
    >>> pl = pytest.importorskip("polars")
    >>> from custseg import RfmEdges, ScoreEdges
    >>> facts = pl.LazyFrame({"recency_days": [3.0, 400.0, None],
    ...                       "frequency": [12, 1, 0], "monetary": [2500.0, 30.0, 0.0],
    ...                       "tenure_days": [700.0, 400.0, None]})
    >>> edges = RfmEdges(ScoreEdges((30, 90, 180, 270)), ScoreEdges((1, 2, 4, 8)),
    ...                  ScoreEdges((50, 100, 500, 1000)))
    >>> out = label_in_engine(facts, preset="ecommerce", edges=edges)
    >>> type(out).__name__
    'LazyFrame'
    >>> out.collect().select("r", "f", "m", "lifecycle", "rfm11", "ecom4").rows()
    [(5, 5, 5, 'active', 'Champions', 'Key Development'), (1, 1, 1, 'gone', 'Lost', 'Ordinary'), (None, None, None, 'no_purchase', 'Unscored', 'Unscored')]
    """
    explain = v.flag_param(explain, "explain")
    rs = _load(preset, rules)
    given = edges is not None  # else the rules fix all three dimensions
    if edges is None:
        edges = _edges_from_rules(rs)
        if edges is None:
            raise ThresholdError(
                "'edges' must be given to score inside the engine: quantile edges "
                "need a pass over all customers; compute them with "
                + (
                    "approx_rfm_edges(facts)"
                    if rs is None
                    else "approx_rfm_edges(facts, rules=...) (the same rules: it "
                    "keeps the edges they fix)"
                )
                + " or take .edges of an earlier custseg.segment result"
            )
    elif not isinstance(edges, RfmEdges):
        raise ThresholdError(f"'edges' must be an RfmEdges: got {type(edges).__name__}")
    if abc_edges is not None and not isinstance(abc_edges, AbcEdges):
        raise ThresholdError(
            f"'abc_edges' must be an AbcEdges: got {type(abc_edges).__name__}"
        )
    if windows is not None and not isinstance(windows, LifecycleWindows):
        raise ThresholdError(  # as custseg.lifecycle_stage refuses it
            f"'windows' must be a LifecycleWindows: got {type(windows).__name__}"
        )
    if rs is None and aggregates is not None:  # as custseg.segment refuses it
        raise ThresholdError(
            "'aggregates' needs rules (preset= or rules=): they are the values "
            "of the rules' aggregates"
        )
    from .frame import _check_lang

    if lang is not None:  # without rules: no translations (an error)
        _check_lang(rs, lang)
    if rs is not None:
        from .rfm import _replaced_fixed_edges, check_scores_fit

        check_scores_fit(rs, edges, None)
        if given:  # the edges given win, as in custseg.segment: say so
            for note in _replaced_fixed_edges(rs, edges, _KEEP_FIXED).values():
                warnings.warn(note, CustsegWarning, stacklevel=2)
    frame = _from_native(facts)
    from .engines import _refuse_case_alike

    _refuse_case_alike(frame, ("recency_days", "frequency", "monetary"))
    schema = list(frame.columns)
    for name in ("recency_days", "frequency", "monetary"):
        if name not in schema:
            raise InputError(
                name,
                "is not a column of the facts, but the scores need it",
                fix="pass one row per customer with recency_days, frequency and "
                "monetary (custseg's facts)",
            )
    backend = _backend(frame)
    case_clash(schema, [*SCORE_COLUMNS, "lifecycle", "abc"], backend)
    spine = spine_steps(
        edges,
        windows=windows,
        abc_edges=abc_edges,
        backend=backend,
        columns=_columns(frame, ["recency_days", "frequency", "monetary"]),
    )
    first = [e.alias(c) for c, e in spine if c != "rfm"]
    frame = with_columns(frame, first)  # rfm reads r, f and m
    frame = with_columns(frame, [e.alias(c) for c, e in spine if c == "rfm"])
    if rs is not None:
        compiled = compile_rules(
            rs,
            backend=backend,
            columns=[*schema, *SCORE_COLUMNS],
            lang=lang,
            aggregates=aggregates,
            explain=explain,
        )
        frame = compiled.apply(frame)
    return frame.to_native()


# --------------------------------------------------------------------------
# edges from the engine's quantiles


def _wanted_rows(n: int, bins: int) -> tuple[list[int], list[bool]]:
    """The 0-based sorted rows of custseg's quantile edges (Hyndman & Fan 2)."""
    exact = [(k * n) % bins == 0 for k in range(1, bins)]
    rows = [(k * n) // bins for k in range(1, bins)]
    return rows, exact


def _cuts(
    values: Mapping[int, float], rows: list[int], exact: list[bool], name: str
) -> ScoreEdges:
    better = name != "recency_days"  # recency: fewer days is better
    return ScoreEdges(
        tuple(
            _midpoint(values[j - 1], values[j], better) if ex else values[j]
            for j, ex in zip(rows, exact, strict=True)
        )
    )


def approx_rfm_edges(
    facts: Any,
    *,
    bins: int | tuple[int, int, int] | None = None,
    relative_error: float = 1e-4,
    rules: RuleSet | str | os.PathLike[str] | None = None,
) -> RfmEdges:
    """RFM score edges computed by the engine that holds the facts.

    The edges are fitted, as :func:`custseg.segment` fits them, on the buyers
    (``frequency > 0``), by Hyndman & Fan's definition 2
    (:func:`custseg.quantile_edges`). Only the edges come back.

    - Polars, DuckDB, PyArrow and pandas: **exact**, the same edges as
      :func:`custseg.quantile_edges` (the order statistics are picked by the
      engine's sort).
    - Spark: ``DataFrame.approxQuantile`` (Greenwald-Khanna) with
      *relative_error* ``ε``: each order statistic custseg would pick at rank
      ``k`` is replaced by a value whose rank is within ``ε·n`` of ``k``
      (``n`` buyers), so a customer's score can differ from the exact one only
      when the value lies between the exact and the approximate edge.
      ``relative_error=0`` is exact (and costly).
    - Dask: not supported (no quantile with a documented error bound): give
      *edges*, or compute the facts' columns elsewhere.

    Parameters
    ----------
    facts
        One row per customer with ``recency_days``, ``frequency``,
        ``monetary``.
    bins
        Scores per dimension: one count or ``(recency, frequency, monetary)``,
        where None is "not given". Default: the rules' ``[scores]`` bin
        counts, else 5.
    relative_error
        Spark's ``ε`` in ``[0, 1)``; ignored by the exact engines.
    rules
        A rule set (a RuleSet, a preset's name or a rules file's path, as
        :func:`label_in_engine` takes) whose fixed ``[scores]`` edges are kept; the other
        dimensions are fitted (with the rules' ``bins`` unless *bins* is
        given), as :func:`custseg.segment` does.

    Returns
    -------
    RfmEdges
        The edges of ``recency``, ``frequency`` and ``monetary`` (the rules'
        fixed edges kept), to give to :func:`label_in_engine` or
        :func:`custseg.segment` as *edges*.

    Raises
    ------
    InputError
        A column is absent or not of numbers (text, booleans); facts
        without rows (no customers); no buyer;
        or a buyer's ``recency_days``,
        ``frequency`` or ``monetary`` is missing (null or NaN) in a dimension
        to fit: as :func:`custseg.quantile_edges`, missing values are refused,
        never skipped (the edges would be those of other order statistics);
        or infinite, which :func:`custseg.quantile_edges` refuses too.

    Examples
    --------
    >>> import pytest
    >>> pl = pytest.importorskip("polars")
    >>> facts = pl.LazyFrame({"recency_days": [1.0, 5, 9, 20, None],
    ...                       "frequency": [5, 3, 2, 1, 0],
    ...                       "monetary": [50.0, 30, 20, 10, 0]})
    >>> approx_rfm_edges(facts, bins=2)
    RfmEdges(recency=ScoreEdges(cuts=(7.0,)), frequency=ScoreEdges(cuts=(2.5,)), monetary=ScoreEdges(cuts=(25.0,)))
    """
    _given_bins(bins)  # a bad bin count fails before the engine is asked
    err = v.number_param(relative_error, "relative_error")
    if not 0 <= err < 1:
        raise ThresholdError(f"'relative_error' must be in [0, 1): got {err}")
    frame = _from_native(facts)
    backend = _backend(frame)
    if rules is not None:  # a RuleSet, a preset's name or a rules file
        rules = _load(None, rules)
    specs = dict(rules.scores) if rules is not None else {}
    dims = []
    schema = frame.collect_schema()
    for key, name in (("r", "recency_days"), ("f", "frequency"), ("m", "monetary")):
        if name not in schema:
            raise InputError(
                name,
                "is not a column of the facts",
                fix="pass custseg's facts: recency_days, frequency, monetary",
            )
        dtype = schema[name]
        if not _type_fits("number", dtype):  # as label_in_engine refuses them
            raise InputError(
                name,
                f"must be a column of numbers, but has type {dtype}",
                fix=f"cast it in the engine, e.g. with nw.col({name!r}).cast"
                "(nw.Float64), or pass custseg's facts",
            )
        spec = specs.get(key)
        fixed = spec.edges if spec is not None else None
        dims.append((name, fixed, rules_bins(bins, rules)["rfm".index(key)]))
    if backend == "dask":
        raise InputError(
            "facts",
            "is a Dask frame: Dask has no quantile with a documented error bound",
            fix="pass edges= to label_in_engine (e.g. .edges of a custseg.segment "
            "result on a sample), or compute the facts with Polars, DuckDB or Spark",
        )
    wanted = [n for n, fixed, _ in dims if fixed is None]
    fitted: dict[str, ScoreEdges] = {}
    if wanted:  # read as the core reads them (decimals correctly rounded)
        columns = _columns(frame, wanted, schema)
        frame = frame.with_columns(
            *(_read_number(n, columns[n]).alias(n) for n in wanted)
        )
        buyers = frame.filter(_narwhals().col("frequency") > 0)
        fitted = _fit(
            buyers, backend, wanted, {n: b for n, _, b in dims}, err, frame=frame
        )
    return RfmEdges(
        *(
            ScoreEdges(fixed) if fixed is not None else fitted[name]
            for name, fixed, _ in dims
        )
    )


def _row_count(frame: Any, backend: str) -> int:
    """The number of rows of the narwhals *frame* (lazy or not)."""
    counted = frame.select(_narwhals().len().alias("n"))
    if backend == "spark":
        return int(counted.to_native().collect()[0][0])
    if hasattr(counted, "collect"):
        counted = counted.collect()
    return int(counted["n"][0])


def _fit(
    buyers: Any,
    backend: str,
    names: list[str],
    bins: dict[str, int],
    err: float,
    *,
    frame: Any = None,
) -> dict[str, ScoreEdges]:
    """The edges of *names* fitted on the *buyers* (the rows of *frame*,
    the facts, whose frequency is above 0)."""
    nw = _narwhals()
    # one pass: the buyers, and per dimension those without a value (null or
    # NaN), which the order statistics would skip: refused, as the core does
    # (and infinities, which custseg.quantile_edges refuses too)
    counted = buyers.select(
        nw.len().alias("n"),
        *(
            _number(nw.col(name)).is_null().cast(nw.Int64).sum().alias(f"m{i}")
            for i, name in enumerate(names)
        ),
        *(
            (~_number(nw.col(name)).is_finite()).cast(nw.Int64).sum().alias(f"i{i}")
            for i, name in enumerate(names)
        ),
    )
    native = counted.to_native()
    k = len(names)
    if backend == "spark":
        row = native.collect()[0]
        n = int(row[0])
        missing = [int(x or 0) for x in row[1 : 1 + k]]
        infinite = [int(x or 0) for x in row[1 + k :]]
    else:
        if hasattr(counted, "collect"):
            counted = counted.collect()
        n = int(counted["n"][0])
        missing = [int(counted[f"m{i}"][0] or 0) for i in range(k)]
        infinite = [int(counted[f"i{i}"][0] or 0) for i in range(k)]
    for name, count, inf in zip(names, missing, infinite, strict=True):
        if count:
            raise InputError(
                name,
                f"is missing (null or NaN) for {count} of the {n} buyers "
                "(frequency > 0), so the score edges cannot be fitted on them",
                n_rows=count,
                fix="fill or drop those customers first (custseg's facts give "
                "every buyer a recency, frequency and monetary), or pass edges=",
            )
        if inf:
            raise InputError(
                name,
                f"is infinite for {inf} of the {n} buyers (frequency > 0), so "
                "the score edges cannot be fitted on them, as "
                "custseg.quantile_edges refuses them",
                n_rows=inf,
                fix="replace them with finite numbers (or drop those "
                "customers) first, or pass edges=",
            )
    if n == 0 and frame is not None and not _row_count(frame, backend):
        raise InputError(
            "facts",
            "has no customers (no rows), so there is nothing to fit score edges on",
            fix="pass the facts of some transactions (custseg.frame.summarize_frame"
            "), or edges= (or rules with fixed [scores] edges)",
        )
    if n == 0:
        raise InputError(
            "frequency",
            "is 0 for every customer (no purchase: only refunds, or only "
            "amounts of 0 with zero_amount='ignore'), so there is nothing to "
            "fit score edges on",
            fix="pass edges= (or rules with fixed [scores] edges)",
        )
    out: dict[str, ScoreEdges] = {}
    for count in sorted({bins[name] for name in names}):
        group = [name for name in names if bins[name] == count]
        rows, exact = _wanted_rows(n, count)
        need = sorted(
            set(rows) | {j - 1 for j, ex in zip(rows, exact, strict=True) if ex}
        )
        if backend == "spark":  # one pass for the dimensions of this bin count
            # the probability of the middle of row j: rounding cannot move it
            probs = [(j + 0.5) / n for j in need]
            got = buyers.to_native().approxQuantile(group, probs, err)
            schema = buyers.collect_schema()
            for name, values in zip(group, got, strict=True):
                narrow = _narrow_float(schema.get(name))
                picked = {
                    j: v.widen_narrow(np.array([x], np.float32))[0].item()
                    if narrow
                    else float(x)
                    for j, x in zip(need, values, strict=True)
                }
                out[name] = _cuts(picked, rows, exact, name)
        else:
            for name in group:
                out[name] = _cuts(
                    _order_statistics(buyers, name, need), rows, exact, name
                )
    return out


def _order_statistics(frame: Any, name: str, rows: list[int]) -> dict[int, float]:
    """The values at 0-based *rows* of *name* sorted ascending, exactly
    (float32 as the decimals they print as: :func:`_printed`)."""
    nw = _narwhals()
    col = _printed(nw.col(name), frame.collect_schema().get(name))
    picked = (
        frame.select(col.alias("x"))
        .filter(~nw.col("x").is_null())
        .sort("x")
        .with_row_index("i", order_by="x")
        .filter(nw.col("i").is_in(rows))
        .select("i", "x")
    )
    if hasattr(picked, "collect"):
        picked = picked.collect()
    got = dict(zip(picked["i"].to_list(), picked["x"].to_list(), strict=True))
    return {int(i): float(x) for i, x in got.items()}
