"""Static analysis of rule lists: never-matching rules, unreachable rules and
input cells that fall through to the default.

The analysis is exact when every input a rule list depends on has a finite
domain (categories, booleans, bounded integers such as RFM scores: 5 x 5 x 5 =
125 cells) or is only compared with constants (then one representative point
per cell of the grid those constants induce is enough). A field that may be
missing adds its missing point to the grid. Everything is then evaluated on
the grid with the compiled rules themselves, with the same three-valued logic
as on data (a rule matches where its condition is TRUE). Otherwise (a field
in arithmetic without a finite domain, a population aggregate such as
``mean(m)``, a grid too large, or a file whose analysis would exceed the work
budget) the rule list is reported as not analysed.

The work is bounded per file: every derived value, table and segmentation is
evaluated at most once per grid (grids are shared between rule lists that
have the same one), and the cells times expression nodes evaluated over the
whole file are capped by *MAX_WORK*, the cells held at once by *MAX_HELD*.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .. import _display
from ..errors import Diagnostic
from ..labels import smallest_int_dtype
from ._expr import Compiled, Env, Truth
from ._model import (
    FieldSpec,
    Lookup,
    Rule,
    RuleSet,
    Segmentation,
    _segment_codes,
    bare_aliases,
    resolve_alias,
    table_codes,
)
from ._source import Source

__all__ = ["analyse", "analyse_all", "lookups"]

MAX_FINITE = 200  # integer fields with at most this many values are enumerated
MAX_GRID = 200_000  # cells of one rule list's grid
# Work per file, for analyse() and for lookups() each: the sum over every
# expression evaluated of its nodes x (cells + NODE_COST), plus fixed costs per
# rule list and per item it reads. A NumPy call costs about as much as
# NODE_COST cells, so tiny grids are not free. One unit is about 0.15 ns
# (measured on big and small grids alike): the limit is 0.15-0.3 s.
MAX_WORK = 1_000_000_000
NODE_COST = 10_000
RULE_NODES = 6  # per rule, the analysis's own array operations
LIST_COST = 1_000_000  # per rule list: closure, grid, diagnostics
ITEM_COST = 5_000  # per derived value, table or segmentation a list reads
CONSTANT_COST = 1_000  # per constant that cuts a field's line
# Cells of arrays held at once (grid columns and evaluated values, 8 bytes
# each, plus the temporaries of one evaluation): ~32 MB.
MAX_HELD = 4_000_000
# Lookup tables a RuleSet keeps (4 bytes a cell): at most 65,536 cells each
# and 2,000,000 in all (8 MB); other segmentations are evaluated by closures.
MAX_LOOKUP_CELLS = 65_536
MAX_LOOKUP_TOTAL = 2_000_000


def _show(rs: RuleSet, field: str, value: Any) -> str:
    spec = rs.fields[field]
    if spec.kind == "category":
        return f"{field}={'<missing>' if value < 0 else repr(spec.values[int(value)])}"
    if spec.kind == "bool":
        return f"{field}=<missing>" if value < 0 else f"{field}={bool(value)}"
    if isinstance(value, float) and math.isnan(value):
        return f"{field}=<missing>"
    return f"{field}={_display.number_text(value)}"


def _diag(
    src: Source,
    line: int,
    col: int,
    severity: str,
    code: str,
    message: str,
    hint: str = "",
) -> Diagnostic:
    text = src.line_text(line)
    end = len(text.rstrip()) + 1 if text else col + 1
    return Diagnostic(
        src.path,
        line,
        col,
        max(end, col + 1),
        severity,  # type: ignore[arg-type]
        code,
        message,
        hint,
        text,
    )


def _finite_points(spec: FieldSpec) -> np.ndarray | None:
    if spec.kind == "category":
        codes = list(range(len(spec.values))) + ([-1] if spec.missing else [])
        return np.asarray(codes, dtype=np.int16)
    if spec.kind == "bool":  # with missing: codes 0, 1 and -1 (see _Grid)
        return np.asarray([0, 1, -1] if spec.missing else [False, True])
    if (
        spec.kind == "integer"
        and spec.min is not None
        and spec.max is not None
        and spec.max - spec.min <= MAX_FINITE
    ):
        pts = np.arange(math.ceil(spec.min), math.floor(spec.max) + 1, dtype=np.float64)
        return np.append(pts, np.nan) if spec.missing else pts
    return None


def _cell_points(spec: FieldSpec, constants: set[float]) -> np.ndarray:
    """One point per cell of the line cut by *constants* (within the bounds)."""
    cs = sorted(constants)
    lo = spec.min if spec.min is not None else -math.inf
    hi = spec.max if spec.max is not None else math.inf
    if spec.kind == "integer":  # the whole numbers within the bounds only
        lo = float(math.ceil(lo)) if math.isfinite(lo) else lo
        hi = float(math.floor(hi)) if math.isfinite(hi) else hi
    edges = [c for c in cs if lo <= c <= hi]
    candidates: list[float] = []
    if not edges:
        candidates.append(
            lo if math.isfinite(lo) else (hi if math.isfinite(hi) else 0.0)
        )
    else:
        candidates.append(edges[0] - 1)
        for a, b in itertools.pairwise(edges):
            candidates.append(a)
            candidates.append((a + b) / 2)
        candidates.append(edges[-1])
        candidates.append(edges[-1] + 1)
    pts: set[float] = set()
    for x in candidates:
        if spec.kind == "integer" and math.isfinite(x):
            x = float(math.ceil(x)) if x != math.floor(x) else x
        if lo <= x <= hi:
            pts.add(x)
    pts.update(bound for bound in (lo, hi) if math.isfinite(bound))
    arr = np.asarray(sorted(pts), dtype=np.float64)
    return np.append(arr, np.nan) if spec.missing else arr


def _whatever_missing(
    rs: RuleSet,
    match: np.ndarray,
    axes: dict[str, np.ndarray] | None,
    columns: dict[str, np.ndarray],
) -> np.ndarray:
    """The cells where a rule matching *match* would match whatever values
    the cell's missing fields had: its match there does not depend on the
    values being missing (``f >= 3``, ``not missing(f) and f >= 3`` for a
    missing r), unlike a rule that asks ``missing(r)``. On a grid that is
    not the full mesh of *axes*, every matching cell."""
    if not axes:
        return match
    shape = tuple(len(points) for points in axes.values())
    if math.prod(shape) != match.size:
        return match
    grid = match.reshape(shape)
    for k, (name, points) in enumerate(axes.items()):
        gone = _is_missing_point(rs.fields[name], np.asarray(points))
        if not gone.any() or gone.all():
            continue
        # a missing value of this field is replaced by each known one: the
        # rule matches whatever it was when it matches with every one
        known = np.compress(~gone, grid, axis=k).all(axis=k, keepdims=True)
        cut: list[Any] = [slice(None)] * len(shape)
        cut[k] = gone
        grid = grid.copy()
        grid[tuple(cut)] &= np.broadcast_to(known, grid[tuple(cut)].shape)
    return grid.reshape(-1)


# labels that name what is not known, as the presets spell them: the hint of
# label-from-missing suggests the rule list's own, else "unknown"
_UNKNOWN_LABELS = ("unknown", "Unscored", "missing", "未知")
_ASKS_MISSING = re.compile(r"\bmissing\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)")


def asks_missing_of_solid(rs: RuleSet, rule: Rule) -> bool:
    """Whether *rule* asks ``missing(x)`` of a field *x* declared never
    missing (no ``missing = true``): that part of it never holds."""
    return any(
        (spec := rs.fields.get(name)) is not None and not spec.missing
        for name in _ASKS_MISSING.findall(rule.text)
    )


@functools.cache
def _preset_guards() -> frozenset[tuple[str, str]]:
    """The (label, condition) of every preset rule that asks ``missing(x)``
    of a field its preset declares never missing (``visit_tier``'s
    ``unknown``, ``missing(frequency) or ...``)."""
    from . import load, presets  # (the package imports this module)

    out = set()
    for name in presets():
        rs = load(name)
        for seg in rs.segments.values():
            for rule in seg.rules:
                if asks_missing_of_solid(rs, rule):
                    out.add((rule.label, rule.text))
    return frozenset(out)


def gap_rule(rs: RuleSet, rule: Rule) -> bool:
    """Whether *rule* is a preset's rule for a field the preset declares
    never missing (``visit_tier``'s ``missing(frequency)``): it labels the
    rows of a facts table with gaps, in a file that extends the preset and
    declares the field ``missing = true``, so that it never matches in the
    preset itself by design, not by mistake (no ``never-matches`` warning,
    and :func:`custseg.testing.assert_reachable` does not ask for its
    label). A preset's rule copied as it is (``custseg presets NAME >
    f.toml``, then edited elsewhere) counts as the preset's; a rule of the
    user's own asking ``missing(x)`` of a never-missing field is warned of
    (the field may be meant to be declared ``missing = true``)."""
    if not asks_missing_of_solid(rs, rule):
        return False
    return (
        rule.path.startswith("preset:") or (rule.label, rule.text) in _preset_guards()
    )


def _is_missing_point(spec: FieldSpec, col: np.ndarray) -> np.ndarray:
    if spec.kind == "category":
        return col < 0
    if spec.kind == "bool":
        return col < 0 if spec.missing else np.zeros(len(col), dtype=bool)
    return np.isnan(col)


def _describe(rs: RuleSet, grid: dict[str, np.ndarray], mask: np.ndarray) -> str:
    i = int(np.argmax(mask))
    return ", ".join(_show(rs, f, grid[f][i]) for f in grid)


class _Grid:
    """A grid of input cells, its environment, and the names evaluated on it."""

    def __init__(self, rs: RuleSet, axes: dict[str, np.ndarray]) -> None:
        if axes:
            mesh = np.meshgrid(*axes.values(), indexing="ij")
            self.columns = {k: m.ravel() for k, m in zip(axes, mesh, strict=True)}
        else:
            self.columns = {}
        self.n = n = len(next(iter(self.columns.values()))) if self.columns else 1

        # no reference to self: a grid the analyser forgets is freed at once,
        # not left to the cycle collector (its arrays would pile up)
        def fill(name: str) -> np.ndarray:
            # a field the rule list does not read (never reached in practice)
            spec = rs.fields[name]
            if spec.kind == "category":
                return np.zeros(n, dtype=np.int16)
            if spec.kind == "bool":
                return np.zeros(n, dtype=bool)
            return np.full(n, spec.min if spec.min is not None else 0.0)

        values = dict(self.columns)
        for name, col in self.columns.items():
            if rs.fields[name].kind == "bool" and col.dtype != np.bool_:
                truth = (col == 1).view(Truth)  # a bool that may be missing
                truth.false = col == 0
                values[name] = truth
        self.env = Env(self.n, values, resolve=fill)


# the RFM scores a run computes from the facts before the rules read them:
# (score, the fact it scores, whether a higher fact scores higher)
_SCORED = (
    ("r", "recency_days", False),
    ("f", "frequency", True),
    ("m", "monetary", True),
)
# day counts of one customer a run never gives in the wrong order:
# (first purchase, last purchase): a tenure is at least the recency
_SPANS = (("tenure_days", "recency_days"),)


def _couplings(
    rs: RuleSet,
) -> tuple[list[tuple[str, str, tuple[float, ...], bool]], list[tuple[str, str]]]:
    """What a run makes of the fields together: each score with fixed
    ``[scores]`` edges whose fact the file declares (score, fact, edges,
    higher scores higher), and the day counts a tenure is at least (both
    number fields with the same kind and bounds, so that cut at the same
    points their cells are ordered alike).

    >>> from custseg import rules
    >>> _couplings(rules.load("ecommerce"))
    ([('r', 'recency_days', (30.0, 90.0, 180.0, 270.0), False)], [('tenure_days', 'recency_days')])
    """
    numbers = ("number", "integer")
    scored = []
    for score, fact, higher in _SCORED:
        spec = rs.scores.get(score)
        if (
            spec is not None
            and spec.edges
            and score in rs.fields
            and fact in rs.fields
            and rs.fields[score].kind in numbers
            and rs.fields[fact].kind in numbers
        ):
            scored.append((score, fact, tuple(spec.edges), higher))
    spans = []
    for first, last in _SPANS:
        a, b = rs.fields.get(first), rs.fields.get(last)
        if (
            a is not None
            and b is not None
            and a.kind in numbers
            and (a.kind, a.min, a.max) == (b.kind, b.min, b.max)
        ):
            spans.append((first, last))
    return scored, spans


def _never(
    symbol: str, c: float | tuple[float, ...], lo: float, hi: float, integer: bool
) -> bool:
    """Whether ``x symbol c`` holds for no value *x* from *lo* to *hi*
    (whole values only when *integer*); *c* is a tuple for ``in`` and
    ``not in``.

    >>> _never("in", (20.0, 30.0), 0.0, 10.0, True)
    True
    >>> _never("in", (2.5, 30.0), 0.0, 10.0, True), _never("in", (2.5,), 0, 10, False)
    (True, False)
    >>> _never("not in", (1.0, 2.0, 3.0), 1.0, 3.0, True)
    True
    >>> _never(">=", 270.0, 0.0, 200.0, False)
    True
    """

    def outside(v: float) -> bool:
        return not lo <= v <= hi or (integer and v % 1 != 0)

    if isinstance(c, tuple):
        if symbol == "in":
            return all(outside(v) for v in c)
        # not in: every value the field can take is listed
        if lo == hi:
            return lo in c
        if not (integer and math.isfinite(lo) and math.isfinite(hi)):
            return False
        if hi - lo + 1 > len(c):
            return False
        return set(np.arange(lo, hi + 1).tolist()) <= set(c)
    return {
        ">=": hi < c,
        ">": hi <= c,
        "<=": lo > c,
        "<": lo >= c,
        "==": outside(c),
        "!=": lo == hi == c,
    }[symbol]


def _because(why_not: list[tuple[str, np.ndarray]], cells: np.ndarray) -> str:
    """The reasons no run has the matching *cells* (when a rule matches
    only such cells), as a clause of a warning: each reason that alone rules
    them all out, else every one that rules out some."""
    if not cells.any():  # dead on every cell: nothing of a run's to say
        return ""
    said = [why for why, impossible in why_not if not (cells & ~impossible).any()]
    if not said:
        said = [why for why, impossible in why_not if (impossible & cells).any()]
    return f" in a run ({'; '.join(said)})" if said else ""


def _axes_key(axes: dict[str, np.ndarray]) -> tuple[Any, ...]:
    """A grid's axes as a key (names and points)."""
    return tuple((name, pts.tobytes()) for name, pts in axes.items())


def _bits(mask: int, names: list[str]) -> list[str]:
    """The names of the set bits of *mask*, lowest first."""
    raw = np.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), np.uint8)
    return [names[i] for i in np.flatnonzero(np.unpackbits(raw, bitorder="little"))]


class _Analyser:
    """Shared state of one analysis pass over a rule set: the work budget,
    what each derived value, table and segmentation reads (transitively, as
    bit masks, computed once), and the grids already evaluated."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs = rs
        self.left = MAX_WORK
        self.grids: dict[tuple[Any, ...], _Grid] = {}
        self.axes_seen: dict[
            tuple[Any, ...], tuple[dict[str, np.ndarray] | None, list[str], str]
        ] = {}
        self.held = 0
        self.field_names = list(rs.fields)
        self.field_bit = {name: 1 << i for i, name in enumerate(self.field_names)}
        self.item_names = list(rs.order)
        # a bare alias (d = "x") passes the comparisons made on it on to x
        self.alias = bare_aliases(rs)
        # per item: (items it needs, itself included; base fields; fields
        # whose cells constants do not describe; whether an aggregate is used)
        self.items: dict[str, tuple[int, int, int, bool]] = {}
        # after rule_list on a grid of finite domains: its axes and the rule
        # that takes each cell (-1: none)
        self.last: tuple[dict[str, np.ndarray], np.ndarray] | None = None
        self.constants: dict[str, list[tuple[str, float]]] = {}
        self.with_constants = 0  # items that compare with constants
        self.scored, self.spans = _couplings(rs)
        # (derived value, comparison) of the dead parts already warned of
        self.dead_said: set[tuple[str, str]] = set()
        # the grids (by _axes_key) cut without the couplings, which would
        # have made them too large: a run's reasoning is left out on them
        self.loose: set[tuple[Any, ...]] = set()
        # the file that extends a preset and the keys it overrides, per name
        self.overrides: (
            tuple[Source, Mapping[str, tuple[tuple[str, ...], ...]]] | None
        ) = None
        for i, name in enumerate(self.item_names):
            exprs = self._exprs(name)
            deps, fields, opaque, agg = self._summary(exprs)
            if name in rs.tables:
                t = rs.tables[name]
                deps, fields, opaque, agg = self._reads(t.reads)
                base = self._resolve(t.field)
                self.constants[name] = [
                    (base, float(b)) for b in t.breaks
                ] + self._own_constants([r.when for r in t.missing_rules])
            else:
                self.constants[name] = self._own_constants(exprs)
            if (
                name in rs.derived
                and name not in self.alias
                and rs.derived[name].expr.type.kind == "number"
            ):
                # a function of its fields: constants on it do not cut theirs
                opaque |= fields
            self.items[name] = (deps | 1 << i, fields, opaque, agg)
            if self.constants[name]:
                self.with_constants |= 1 << i

    def _exprs(self, name: str) -> list[Compiled]:
        rs = self.rs
        if name in rs.derived:
            return [rs.derived[name].expr]
        if name in rs.segments:
            return [r.when for r in rs.segments[name].rules]
        return []

    def _resolve(self, name: str) -> str:
        return resolve_alias(self.alias, name)

    def _reads(self, names: Iterable[str]) -> tuple[int, int, int, bool]:
        deps = fields = opaque = 0
        agg = False
        for n in names:
            if n in self.field_bit:
                fields |= self.field_bit[n]
            elif n in self.items:
                d, f, o, a = self.items[n]
                deps, fields, opaque, agg = deps | d, fields | f, opaque | o, agg or a
        return deps, fields, opaque, agg

    def _summary(self, exprs: list[Compiled]) -> tuple[int, int, int, bool]:
        """What *exprs* read, transitively (see ``items``)."""
        deps, fields, opaque, agg = self._reads({n for e in exprs for n in e.names})
        for e in exprs:
            agg = agg or e.aggregates
            for n in e.opaque:
                base = self._resolve(n)
                if base in self.field_bit:
                    opaque |= self.field_bit[base]
                elif base in self.items:
                    opaque |= self.items[base][1]
        return deps, fields, opaque, agg

    def _own_constants(self, exprs: list[Compiled]) -> list[tuple[str, float]]:
        out = []
        for e in exprs:
            for n, c in e.comparisons:
                # inf / nan constants (folded 1 / 0, 0 / 0) cut no finite cell
                if (
                    isinstance(c, int | float)
                    and not isinstance(c, bool)
                    and math.isfinite(c)
                ):
                    out.append((self._resolve(n), float(c)))
        return out

    def rule_diag(
        self,
        rsrc: Source,
        rule: Rule,
        code: str,
        message: str,
        hint: str,
        causes: Iterable[Rule] = (),
    ) -> Diagnostic:
        """A warning about *rule*, at its line; at the key of the file that
        extends the preset instead when the rule is the preset's and it, or
        one of the earlier rules *causes* (those that take every case of an
        unreachable rule, or leave a case undecided), reads what that file
        overrides (the cause, the one place to edit: a preset alone has no
        such warning), with the rule's place in the message."""
        if self.overrides is None or rsrc.path == self.overrides[0].path:
            return _diag(rsrc, rule.line, rule.column, "warning", code, message, hint)
        root, keys = self.overrides
        read = self.names_read(rule.when)
        for other in causes:
            read |= self.names_read(other.when)
        # a score's cells are limited by its fact's bounds: a file's change
        # of those is a cause too
        read |= {fact for score, fact, _, _ in self.scored if score in read}
        paths = sorted(
            {p for name in read for p in keys.get(name, ())},
            key=root.locate_key,
        )
        if not paths:
            return _diag(rsrc, rule.line, rule.column, "warning", code, message, hint)
        shown = [".".join(p) for p in paths[:3]] + (["..."] if len(paths) > 3 else [])
        effect = (
            "leave the preset's earlier rule undecided for them"
            if code == "label-from-missing"
            else "make the preset's rule dead"
        )
        return root.at_key(
            paths[0],
            code,
            f"{message}, with this file's {', '.join(shown)} (the rule is "
            f"at {rsrc.path}:{rule.line}:{rule.column}: {rule.when.text!r})",
            f"{hint}: this file's values {effect}; "
            "change them, or replace the rules of the preset's list",
            severity="warning",
        )

    def _possible(
        self, columns: dict[str, np.ndarray], *, coupled: bool = True
    ) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
        """The cells of a grid a run can give, and per coupling of fields
        (see :func:`_couplings`) a reason and the cells it rules out; every
        cell when the grid is not *coupled* (cut without the couplings, its
        cells are not each possible or not)."""
        n = len(next(iter(columns.values()))) if columns else 1
        possible = np.ones(n, dtype=bool)
        why_not: list[tuple[str, np.ndarray]] = []
        if not coupled:
            return possible, why_not
        for score, fact, edges, higher in self.scored:
            if score not in columns or fact not in columns:
                continue
            s = np.asarray(columns[score], dtype=np.float64)
            x = np.asarray(columns[fact], dtype=np.float64)
            cut = np.asarray(edges, dtype=np.float64)
            with np.errstate(invalid="ignore"):
                if higher:  # 1 + the number of edges strictly below the value
                    made = 1 + (cut[None, :] < x[:, None]).sum(axis=1)
                else:  # 1 + the number of edges the value is strictly below
                    made = 1 + (x[:, None] < cut[None, :]).sum(axis=1)
            # a score and its fact both known must agree (a missing fact has
            # no score; a buyer-less customer's facts are known, not scored)
            wrong = ~np.isnan(s) & ~np.isnan(x) & (made != s)
            if wrong.any():
                shown = ", ".join(_display.number_text(e) for e in edges)
                why_not.append(
                    (
                        f"{score} is scored from {fact} by the [scores] edges {shown}",
                        wrong,
                    )
                )
                possible &= ~wrong
            # a run scores a missing fact as missing (apply_rules and segment
            # make the score from the fact): no known score beside it
            unscored = ~np.isnan(s) & np.isnan(x)
            if unscored.any():
                why_not.append(
                    (
                        f"{score} is scored from {fact}, so a missing {fact} "
                        f"leaves {score} missing",
                        unscored,
                    )
                )
                possible &= ~unscored
        counts = columns.get("frequency")
        if counts is not None and self.rs.fields["frequency"].kind in (
            "number",
            "integer",
        ):
            # a run scores buyers only: no known score beside a count that
            # is 0 (or missing), as it makes no score of a missing fact
            with np.errstate(invalid="ignore"):
                buyer = np.asarray(counts, dtype=np.float64) > 0
            for score, _, _, _ in self.scored:
                if score not in columns:
                    continue
                s = np.asarray(columns[score], dtype=np.float64)
                idle = ~np.isnan(s) & ~buyer
                if idle.any():
                    why_not.append(
                        (
                            f"{score} is scored for buyers only (frequency "
                            "above 0), so a frequency of 0 or a missing one "
                            f"leaves {score} missing",
                            idle,
                        )
                    )
                    possible &= ~idle
        for score, fact, edges, higher in self.scored:
            # a score read without its fact: the fact's bounds still limit
            # the scores a run gives (recency_days up to 200 with the edges
            # 30, 90, 180, 270 never scores r = 1)
            if score not in columns or fact in columns:
                continue
            spec = self.rs.fields[fact]
            lo = spec.min if spec.min is not None else -math.inf
            hi = spec.max if spec.max is not None else math.inf
            if not (math.isfinite(lo) or math.isfinite(hi)):
                continue
            cut = np.asarray(edges, dtype=np.float64)

            def made(x: float, cut: np.ndarray = cut, higher: bool = higher) -> int:
                return 1 + int((cut < x).sum() if higher else (x < cut).sum())

            least, most = sorted((made(lo), made(hi)))
            s = np.asarray(columns[score], dtype=np.float64)
            with np.errstate(invalid="ignore"):
                wrong = ~np.isnan(s) & ((s < least) | (s > most))
            if wrong.any():
                shown = ", ".join(_display.number_text(e) for e in edges)
                bounds = " to ".join(
                    _display.number_text(b) if math.isfinite(b) else "any"
                    for b in (lo, hi)
                )
                why_not.append(
                    (
                        f"{score} is scored from {fact} by the [scores] edges "
                        f"{shown}, and {fact} is declared from {bounds}",
                        wrong,
                    )
                )
                possible &= ~wrong
        for first, last in self.spans:
            if first not in columns or last not in columns:
                continue
            with np.errstate(invalid="ignore"):
                early = np.asarray(columns[first], dtype=np.float64) < np.asarray(
                    columns[last], dtype=np.float64
                )
            if early.any():
                why_not.append((f"{first} is at least {last}", early))
                possible &= ~early
        return possible, why_not

    def names_read(self, when: Compiled) -> set[str]:
        """Every name *when* reads, transitively: fields, parameters,
        derived values, tables and segmentations."""
        deps, fields, _, _ = self._summary([when])
        names = {*_bits(deps, self.item_names), *_bits(fields, self.field_names)}
        exprs = [when, *(e for n in names for e in self._exprs(n))]
        names.update(n for e in exprs for n in e.names)
        return names

    def cost(self, name: str, cells: int) -> int:
        rs = self.rs
        if name in rs.derived:
            nodes = rs.derived[name].expr.nodes
        elif name in rs.tables:
            nodes = len(rs.tables[name].breaks) + 2
        else:
            nodes = sum(r.when.nodes + RULE_NODES for r in rs.segments[name].rules)
        return nodes * (cells + NODE_COST)

    # ------------------------------------------------------------------
    # the grid

    def axes(
        self,
        exprs: list[Compiled],
        finite_only: bool = False,
        extra: tuple[tuple[str, float], ...] = (),
    ) -> tuple[dict[str, np.ndarray] | None, list[str], str]:
        """The points per field of the grid for *exprs* and the items to
        evaluate on it; ``None`` and why when it cannot be analysed (with
        *finite_only*, also when a field has no finite domain). *extra*:
        (field, constant) cuts of fields the grid reads besides. Rule lists
        that read the same things share the result."""
        deps, fields, opaque, agg = self._summary(exprs)
        for name, _ in extra:
            fields |= self.field_bit[name]
        if agg:
            return None, [], "it uses a population aggregate (mean, quantile, ...)"
        if self.left < LIST_COST:
            return None, [], self._over()
        self.left -= LIST_COST
        own = self._own_constants(exprs) + list(extra)
        key = (deps, fields, opaque, tuple(own), finite_only)
        if key not in self.axes_seen:
            self.axes_seen[key] = self._axes(deps, fields, opaque, own, finite_only)
        return self.axes_seen[key]

    def _axes(
        self, deps: int, fields: int, opaque: int, own: list[Any], finite_only: bool
    ) -> tuple[dict[str, np.ndarray] | None, list[str], str]:
        items = _bits(deps, self.item_names)
        cutting = [own]
        cutting += [
            self.constants[x]
            for x in _bits(deps & self.with_constants, self.item_names)
        ]
        work = len(items) * ITEM_COST
        work += sum(len(c) for c in cutting) * CONSTANT_COST
        if work > self.left:
            return None, [], self._over()
        self.left -= work
        constants: dict[str, set[float]] = {}
        for pairs in cutting:
            for base, c in pairs:
                constants.setdefault(base, set()).add(c)
        # a run scores r from recency_days by the fixed [scores] edges, and a
        # tenure is never below the recency: cut the facts' lines at those
        # edges, and the two day counts at the same points, so that each
        # cell is either possible in a run or not (see _possible)
        read = set(_bits(fields, self.field_names))
        coupled = {k: set(v) for k, v in constants.items()}
        for score, fact, edges, _ in self.scored:
            if score in read and fact in read:
                coupled.setdefault(fact, set()).update(edges)
        for first, last in self.spans:
            if first in read and last in read:
                both = coupled.get(first, set()) | coupled.get(last, set())
                coupled[first], coupled[last] = set(both), set(both)
        axes, why = self._cut(fields, opaque, coupled, finite_only)
        if why.startswith("the grid") and coupled != constants:
            # the couplings' cuts (each day count cut at the other's points
            # too) made the grid too large: cut as the rules alone do and
            # leave a run's reasoning out, rather than analyse nothing
            axes, why = self._cut(fields, opaque, constants, finite_only)
            if axes is not None:
                self.loose.add(_axes_key(axes))
        if axes is None:
            return None, [], why
        return axes, items, ""

    def _cut(
        self,
        fields: int,
        opaque: int,
        constants: dict[str, set[float]],
        finite_only: bool,
    ) -> tuple[dict[str, np.ndarray] | None, str]:
        """The axes of the fields *fields* cut at *constants*, or None and
        why (a field with no finite domain, a grid too large)."""
        rs = self.rs
        axes: dict[str, np.ndarray] = {}
        for name in _bits(fields, self.field_names):
            spec = rs.fields[name]
            pts = _finite_points(spec)
            if pts is None and finite_only:
                return None, "not finite"
            if pts is None:
                if opaque & self.field_bit[name]:
                    why = (
                        f"field {name!r} is used in arithmetic or compared with "
                        "other fields and has no finite domain (declare integer "
                        "bounds min/max to enumerate it)"
                    )
                    return None, why
                pts = _cell_points(spec, constants.get(name, set()))
            axes[name] = pts
        size = math.prod(len(a) for a in axes.values())
        if size > MAX_GRID:
            why = f"the grid of input cells is too large ({size:,d} > {MAX_GRID:,d})"
            return None, why
        return dict(sorted(axes.items())), ""

    def _ratio_cuts(self, name: str | None) -> tuple[tuple[str, float], ...] | None:
        """For a derived value *name* that is one division of number fields
        and constants (:attr:`Compiled.ratio`), the cuts at 0 of those
        fields; None for any other value (or a name not derived)."""
        rs = self.rs
        if name is None or name not in rs.derived:
            return None
        ratio = rs.derived[name].expr.ratio
        if ratio is None:
            return None
        cuts = []
        for operand in ratio:
            base = self._resolve(operand)
            spec = rs.fields.get(base)
            if spec is not None and spec.kind in ("number", "integer"):
                cuts.append((base, 0.0))
            elif base in rs.params or (
                base in rs.derived and rs.derived[base].expr.const is not None
            ):
                continue  # a constant
            else:
                return None
        return tuple(cuts)

    def _over(self) -> str:
        return (
            "the analysis of this file has reached its work limit "
            f"({MAX_WORK:,d} cell evaluations)"
        )

    def grid(
        self, axes: dict[str, np.ndarray], items: list[str], own: int, rules: int
    ) -> tuple[_Grid | None, str]:
        """The grid for *axes* with *items* (in evaluation order) computed on
        it; *own* is the nodes of the rule list itself, *rules* its length (a
        bit row per rule is held). ``None`` and why when over a limit."""
        key = _axes_key(axes)
        n = math.prod(len(a) for a in axes.values()) if axes else 1
        grid = self.grids.get(key)
        todo = [x for x in items if grid is None or x not in grid.env.values]
        held = n * len(todo) + n * rules // 8 + (0 if grid else n * (len(axes) + 1))
        if self.held + held > MAX_HELD and self.grids:  # forget the grids kept
            self.grids.clear()
            self.held = 0
            grid, todo = None, list(items)
            held = n * (len(todo) + len(axes) + 1) + n * rules // 8
        if held > MAX_HELD:
            return None, (
                f"it needs {len(todo)} values on {n:,d} input cells, more than "
                f"the analysis holds at once ({MAX_HELD:,d} cells)"
            )
        work = own * (n + NODE_COST) + sum(self.cost(name, n) for name in todo)
        if work > self.left:
            return None, self._over()
        self.left -= work
        if grid is None:
            grid = _Grid(self.rs, axes)
            self.grids[key] = grid
            self.held += n * (len(axes) + 1)
        rs, env = self.rs, grid.env
        for name in todo:
            if name in rs.derived:
                env.values[name] = rs.derived[name].expr.evaluate(env)
            elif name in rs.tables:
                t = rs.tables[name]
                x = np.asarray(env.values[t.field], dtype=np.float64)
                env.values[name] = table_codes(t, x, env)
            else:
                env.values[name] = _segment_codes(rs.segments[name], env, False)[0]
        self.held += n * len(todo)
        return grid, ""

    # ------------------------------------------------------------------

    def rule_list(
        self,
        sources: dict[str, Source],
        src: Source,
        what: str,
        line: int,
        rules: tuple[Rule, ...],
        default: str | None,
        missing_of: str | None = None,
    ) -> list[Diagnostic]:
        """Warnings about a rule list (first match wins when *default* is
        given): rules that never match, are never reached, label ignorance,
        and the cells left to the default. *missing_of*: a table's field
        whose missing rows alone the rules label (its ``missing_rules``):
        only cells where it is missing count, and the rows no rule takes
        get the table's ``missing`` label by design (no fall-through note).
        """
        rs = self.rs
        self.last = None
        exprs = [r.when for r in rules]
        if missing_of is not None and missing_of in rs.derived:
            # a table on a computed value: its missing rows are where that
            # value is missing, so the grid reads what it is computed from
            exprs.append(rs.derived[missing_of].expr)
        axes, items, why = self.axes(exprs)
        cuts = self._ratio_cuts(missing_of) if axes is None else None
        if cuts is not None:
            # one division of fields (monetary / frequency) is missing where
            # an operand is or both are 0: its operands' signs decide that,
            # whatever their bounds, so cut them at 0 rather than enumerate
            axes, items, why = self.axes(exprs[:-1], extra=cuts)
        grid = None
        if axes is not None:
            own = sum(r.when.nodes + RULE_NODES for r in rules)
            grid, why = self.grid(axes, items, own, len(rules))
        if grid is None:
            dead = [
                d
                for i, rule in enumerate(rules)
                for d in self.dead_parts(sources.get(rule.path, src), rule, i, what)
            ]
            return [
                _diag(
                    src,
                    line,
                    1,
                    "info",
                    "not-analysed",
                    f"{what} not analysed: {why}",
                    "the reachability checks are exact only for finite inputs or "
                    "comparisons with constants",
                ),
                *dead,
            ]
        env, columns = grid.env, grid.columns
        out: list[Diagnostic] = []
        # the cells a run can give (a score agrees with its fact, a tenure is
        # at least the recency): the warnings are about those only, while
        # every cell is still labelled (the lookup table labels any data)
        possible, why_not = self._possible(
            columns, coupled=axes is None or _axes_key(axes) not in self.loose
        )
        gone = None
        if missing_of is not None and missing_of in columns:
            # a missing rule labels rows whose field is missing only
            gone = _is_missing_point(rs.fields[missing_of], columns[missing_of])
        elif missing_of is not None and missing_of in rs.derived:
            # ... or whose computed value is missing (m / f where f is 0)
            value = env.values.get(missing_of)
            if value is None:
                value = rs.derived[missing_of].expr.evaluate(env)
            gone = np.isnan(np.asarray(value, dtype=np.float64))
        if gone is not None and not gone.all():
            why_not.append((f"{missing_of} is missing on every row they label", ~gone))
            possible &= gone
        taken = np.zeros(env.n, dtype=bool)
        first = np.full(env.n, -1, dtype=np.int32)  # the rule that took a cell
        # each rule's matches as bits, to name the earlier rules that overlap
        # an unreachable one
        packed = np.zeros((len(rules), (env.n + 7) // 8), dtype=np.uint8)
        # cells not yet taken where an earlier rule was UNKNOWN (a value it
        # reads is missing): a later rule that takes them labels ignorance
        unknown = np.zeros(env.n, dtype=bool)
        undecided: list[tuple[int, np.ndarray]] = []  # (rule, its UNKNOWN cells)
        for i, rule in enumerate(rules):
            rsrc = sources.get(rule.path, src)
            truth = rule.when.evaluate(env)
            match = np.asarray(truth, dtype=bool)
            false = getattr(truth, "false", None)
            guessed = match & unknown & ~taken & possible  # (tags: each on its own)
            if default is not None and guessed.any():
                # a rule that would take the customer whatever the missing
                # values were labels ignorance; one that takes them only
                # because they are missing (missing(r), directly or through
                # a derived name) is meant for them
                guessed &= _whatever_missing(rs, match, axes, columns)
                if guessed.any():
                    out.append(
                        self.guess(rsrc, rules, i, what, columns, guessed, undecided)
                    )
            if false is not None and match.any():  # (a rule never TRUE decides nobody)
                mine = ~match & ~np.asarray(false, dtype=bool) & ~taken
                unknown |= mine
                undecided.append((i, mine))
            if not (match & possible).any():
                if not gap_rule(rs, rule):
                    out.append(
                        self.rule_diag(
                            rsrc,
                            rule,
                            "never-matches",
                            f"rule {i + 1} ({rule.label!r}) of {what} can never match"
                            + _because(why_not, match),
                            "check the thresholds and the field bounds",
                        )
                    )
                if not match.any():
                    continue
                first[match & ~taken] = i  # (cells no run has: still labelled)
                taken |= match
                continue
            out += self.dead_parts(rsrc, rule, i, what)
            packed[i] = np.packbits(match & possible)
            new = match & ~taken
            if default is not None and not (new & possible).any():
                names = ", ".join(
                    f"{j + 1} ({rules[j].label!r})" if j >= 0 else "..."
                    for j in self.overlapping(packed, i, first[match & possible])
                )
                # the rules that took its cases: a file's value read by one
                # of them (loyal_orders = 1 in an earlier 'loyal' rule) is
                # the cause as much as one the rule itself reads
                takers = np.unique(first[match & possible]).tolist()
                out.append(
                    self.rule_diag(
                        rsrc,
                        rule,
                        "unreachable",
                        f"rule {i + 1} ({rule.label!r}) of {what} is never reached: "
                        f"earlier rules take every case it matches ({names})"
                        + _because(why_not, new),
                        "move it up or narrow the earlier rules",
                        [rules[j] for j in takers if j >= 0],
                    )
                )
            first[new] = i
            taken |= match
        if axes and all(_finite_points(rs.fields[f]) is not None for f in axes):
            self.last = (axes, first)  # the segmentation tabulated, for free
        if default is not None and missing_of is None and not (taken | ~possible).all():
            left = ~taken & possible
            complete = possible.copy()
            for f, col in columns.items():
                complete &= ~_is_missing_point(rs.fields[f], col)
            n_left, n_complete = int(left.sum()), int((left & complete).sum())
            if n_complete == 0:
                message = (
                    f"every input cell of {what} with all values present is "
                    f"covered; the {n_left} cells with a missing value fall "
                    f"through to the default {default!r}"
                )
            else:
                message = (
                    f"{n_complete} of {int(complete.sum())} input cells of {what} "
                    f"fall through to the default {default!r}, e.g. "
                    f"{_describe(rs, columns, left & complete)}"
                )
            out.append(
                _diag(
                    src,
                    line,
                    1,
                    "info",
                    "falls-to-default",
                    message,
                    "intended? otherwise add a rule for them",
                )
            )
        return out

    def dead_parts(
        self, rsrc: Source, rule: Rule, i: int, what: str
    ) -> list[Diagnostic]:
        """A ``never-true`` warning per comparison of *rule*'s condition with
        a constant that no value within its field's ``min`` and ``max``
        makes true (``recency_days >= lost_days`` with ``recency_days``
        declared up to 200 and ``lost_days = 270``) while the condition as
        a whole can still match (through another part of an ``or``): that
        part of the rule is dead, which the rule's own warnings do not say.
        An ``in`` list wholly outside the bounds (``x in (20, 30)`` with
        ``x`` up to 10) is such a part too, and ``not in`` listing every
        value the field can take. A dead part of a derived value is warned
        once, at the first rule that reads it.
        """
        out: list[Diagnostic] = []
        seen: set[str] = set()
        # its own comparisons, then those of the derived values it reads
        derived = self.rs.derived
        parts = [(p, "") for p in rule.when.bounded] + [
            (p, n)
            for n in sorted(self.names_read(rule.when) & derived.keys())
            for p in derived[n].expr.bounded
        ]
        for (name, symbol, c, text), of in parts:
            base = self._resolve(name)
            spec = self.rs.fields.get(base)
            if spec is None or spec.kind not in ("number", "integer") or text in seen:
                continue
            # a derived value's dead part is said once, at the first rule
            # that reads it, not again for every other rule
            if of and (of, text) in self.dead_said:
                continue
            lo = spec.min if spec.min is not None else -math.inf
            hi = spec.max if spec.max is not None else math.inf
            if spec.kind == "integer":
                lo = float(math.ceil(lo)) if math.isfinite(lo) else lo
                hi = float(math.floor(hi)) if math.isfinite(hi) else hi
            if not _never(symbol, c, lo, hi, spec.kind == "integer"):
                continue
            seen.add(text)
            where = f" (in derived value {of!r})" if of else ""
            if of:
                self.dead_said.add((of, text))
            shown = "from {} to {}".format(
                *(
                    _display.number_text(b) if math.isfinite(b) else "any"
                    for b in (lo, hi)
                )
            )
            out.append(
                self.rule_diag(
                    rsrc,
                    rule,
                    "never-true",
                    f"part of rule {i + 1} ({rule.label!r}) of {what} is never "
                    f"true: {text!r}{where} holds for no value of field {base!r}, "
                    f"declared {shown}",
                    "check the thresholds and the field bounds: that part of "
                    "the condition is dead"
                    + (f" (in every rule that reads {of!r})" if of else ""),
                )
            )
        return out

    def guess(
        self,
        src: Source,
        rules: tuple[Rule, ...],
        i: int,
        what: str,
        columns: dict[str, np.ndarray],
        guessed: np.ndarray,
        undecided: list[tuple[int, np.ndarray]],
    ) -> Diagnostic:
        """The warning for rule *i*, which takes *guessed* cells where an
        earlier rule is UNKNOWN: first match wins, so an earlier rule that
        cannot be decided (a missing value) is skipped, and a later rule that
        reads fewer fields names the customer for what is not known. The
        hint names the fields whose missing values left those earlier rules
        undecided (*undecided*: each earlier rule and its UNKNOWN cells)."""
        rs, rule = self.rs, rules[i]
        read = 0
        for j, cells in undecided:
            if (cells & guessed).any():
                read |= self._reads(rules[j].when.names)[1]
        causes = set(_bits(read, self.field_names))
        fields = [
            f
            for f, col in columns.items()
            if f in causes and (_is_missing_point(rs.fields[f], col) & guessed).any()
        ]
        first = " or ".join(f"missing({f})" for f in fields) or "missing(...)"
        # the list's own label for what is not known, if it has one
        own = {r.label for r in rules}
        mark = next((x for x in _UNKNOWN_LABELS if x in own), "unknown")
        return self.rule_diag(
            src,
            rule,
            "label-from-missing",
            f"rule {i + 1} ({rule.label!r}) of {what} takes customers for whom an "
            "earlier rule cannot be decided (a value it reads is missing), e.g. "
            f"{_describe(rs, columns, guessed)}: they get {rule.label!r} because "
            "the earlier rule was skipped, not because they fit it",
            f'put a rule for the missing values first, e.g. {{ label = "{mark}", '
            f'when = "{first}" }}',
            [rules[j] for j, cells in undecided if (cells & guessed).any()],
        )

    def overlapping(
        self, packed: np.ndarray, i: int, takers: np.ndarray, most: int = 5
    ) -> list[int]:
        """The first *most* earlier rules whose matches overlap rule *i*'s
        (-1 at the end: there are more). Over the work limit, the rules that
        took its cells first."""
        found: list[int] = []
        for j0 in range(0, i, 64):
            block = packed[j0 : min(i, j0 + 64)]
            cost = block.size + NODE_COST
            if cost > self.left:
                found = sorted({*found, *np.unique(takers).tolist()})
                break
            self.left -= cost
            found += (np.flatnonzero((block & packed[i]).any(axis=1)) + j0).tolist()
            if len(found) > most:
                break
        return [*found[:most], -1] if len(found) > most else found

    def lookup(self, seg: Segmentation) -> Lookup | None:
        """*seg* tabulated over every input cell, or ``None`` (an input without
        a finite domain, an aggregate, or over a limit)."""
        axes, items, _ = self.axes([r.when for r in seg.rules], finite_only=True)
        if not axes:
            return None
        own = sum(r.when.nodes + RULE_NODES for r in seg.rules)
        grid, _ = self.grid(axes, items, own, 0)
        if grid is None:
            return None
        codes, rules = _segment_codes(seg, grid.env, explain=True)
        return self._lookup(axes, codes, rules)

    def _lookup(
        self, axes: dict[str, np.ndarray], codes: np.ndarray, rules: np.ndarray
    ) -> Lookup:
        specs = [self.rs.fields[name] for name in axes]
        return Lookup(
            fields=tuple(axes),
            lows=tuple(
                math.ceil(s.min) if s.kind == "integer" and s.min is not None else 0
                for s in specs
            ),
            sizes=tuple(len(a) for a in axes.values()),
            missing=tuple(s.missing for s in specs),
            codes=codes,
            rules=rules,
        )


def analyse_all(
    rs: RuleSet,
    sources: dict[str, Source],
    *,
    max_cells: int = MAX_LOOKUP_CELLS,
    overrides: tuple[Source, Mapping[str, tuple[tuple[str, ...], ...]]] | None = None,
) -> tuple[list[Diagnostic], dict[str, Lookup], frozenset[str]]:
    """:func:`analyse` and :func:`lookups` in one pass: each segmentation on
    finite inputs is tabulated from its analysis, without evaluating it again.
    *max_cells* (private) caps one lookup table: 0 tabulates nothing.
    *overrides*: the file that extends a preset and, per name (a field,
    parameter, derived value, table or segmentation), the keys of it the
    file overrides; a warning on a rule of the preset that reads one of them
    is located at the file's key (the preset alone has no such warning).
    """
    out, tabulated = _analyse(
        rs, sources, tabulate=True, max_cells=max_cells, overrides=overrides
    )
    return out, tabulated, _skip(rs, tabulated)


def analyse(rs: RuleSet, sources: dict[str, Source]) -> list[Diagnostic]:
    """Warnings and notes about the rule lists of a compiled rule set."""
    return _analyse(rs, sources, tabulate=False)[0]


def _analyse(
    rs: RuleSet,
    sources: dict[str, Source],
    *,
    tabulate: bool,
    max_cells: int = MAX_LOOKUP_CELLS,
    overrides: tuple[Source, Mapping[str, tuple[tuple[str, ...], ...]]] | None = None,
) -> tuple[list[Diagnostic], dict[str, Lookup]]:
    analyser = _Analyser(rs)
    analyser.overrides = overrides
    out: list[Diagnostic] = []
    tabulated: dict[str, Lookup] = {}
    out += _dead_table_labels(rs, sources, overrides)
    for seg in rs.segments.values():
        src = sources.get(seg.path) or next(iter(sources.values()))
        out += analyser.rule_list(
            sources,
            src,
            f"segmentation {seg.name!r}",
            seg.line,
            seg.rules,
            seg.default,
        )
        if not tabulate:
            continue
        if analyser.last is not None and _tabulate(
            analyser.last[1], tabulated, max_cells
        ):
            axes, first = analyser.last
            names = seg.names
            label = [names.index(r.label) for r in seg.rules]
            label.append(names.index(seg.default))  # first == -1: the default
            codes = np.asarray(label, dtype=smallest_int_dtype(len(names)))[first]
            tabulated[seg.name] = analyser._lookup(axes, codes, first.astype(np.int16))
        elif analyser.last is None:
            found = planned_lookup(analyser, seg, max_cells)
            if found is not None and _tabulate(found.codes, tabulated, max_cells):
                tabulated[seg.name] = found
    for ts in rs.tagsets.values():
        first_rule = ts.rules[0]
        src = sources.get(first_rule.path) or next(iter(sources.values()))
        out += analyser.rule_list(
            sources, src, f"tag set {ts.name!r}", first_rule.line, ts.rules, None
        )
    out += _missing_rules(analyser, sources, overrides)
    return out, tabulated


def _missing_rules(
    analyser: _Analyser,
    sources: dict[str, Source],
    overrides: tuple[Source, Mapping[str, tuple[tuple[str, ...], ...]]] | None,
) -> list[Diagnostic]:
    """The warnings about each table's ``missing_rules``, as about a
    segmentation's rules but on the rows whose field is missing only: a
    rule that never matches there (``when = "x > 1"`` on table ``x``'s
    missing rows, ``y > 1 and y < 0``) or that earlier missing rules
    always take; and one warning when the field is never missing (declared
    without ``missing = true``), so that no missing rule ever applies."""
    rs = analyser.rs
    out: list[Diagnostic] = []
    for name, t in rs.tables.items():
        if not t.missing_rules:
            continue
        first = t.missing_rules[0]
        src = sources.get(first.path) or next(iter(sources.values()))
        base = analyser._resolve(t.field)
        spec = rs.fields.get(base)
        what = f"the missing rules of table {name!r}"
        if spec is not None and not spec.missing:
            path: tuple[str, ...] = ("tables", name, "missing_rules")
            if overrides is not None and len(sources) > 1:
                root, keys = overrides
                mine = [p for p in keys.get(base, ()) if p[-1] == "missing"]
                mine += [p for p in keys.get(name, ()) if p[-1] == "missing_rules"]
                if mine:
                    src, path = root, mine[0]
                elif src.path != root.path:
                    continue  # the preset's own table, unchanged
            out.append(
                src.at_key(
                    path,
                    "never-matches",
                    f"{what} never apply: field {base!r} is never missing "
                    "(declared without missing = true)",
                    f"declare {base} = {{ missing = true }} if it may be "
                    "missing, or remove the missing_rules",
                    severity="warning",
                )
            )
            continue
        out += analyser.rule_list(
            sources,
            src,
            what,
            first.line,
            t.missing_rules,
            t.missing,
            missing_of=base if base in rs.fields or base in rs.derived else None,
        )
    return out


def _reaches(
    lo: float, hi: float, a: float, b: float, closed: str, integer: bool
) -> bool:
    """Whether a value within the bounds [*lo*, *hi*] (whole when *integer*)
    lies in the interval from *a* to *b* (``[a, b)`` when *closed* is
    ``"left"``, ``(a, b]`` when ``"right"``; infinite ends are open).

    >>> _reaches(0, 10, 20, 30, "left", False), _reaches(0, 20, 20, 30, "left", False)
    (False, True)
    >>> _reaches(0, 20, 20, 30, "right", False), _reaches(0, 9, 1.2, 1.5, "left", True)
    (False, False)
    """
    if integer:
        lo = math.ceil(lo) if math.isfinite(lo) else lo
        hi = math.floor(hi) if math.isfinite(hi) else hi
        if closed == "left":  # the least whole number >= a, within the bounds
            least = max(lo, math.ceil(a) if math.isfinite(a) else a)
            return least <= hi and least < b
        least = max(lo, math.floor(a) + 1 if math.isfinite(a) else a)
        return least <= hi and least <= b
    if closed == "left":
        least = max(lo, a)
        return least <= hi and least < b
    most = min(hi, b)
    return most >= lo and most > a


def _dead_table_labels(
    rs: RuleSet,
    sources: dict[str, Source],
    overrides: tuple[Source, Mapping[str, tuple[tuple[str, ...], ...]]] | None,
) -> list[Diagnostic]:
    """A ``never-matches`` warning per table label whose interval holds no
    value the field's declared bounds allow (``breaks = [20, 30]`` on a
    field with ``max = 10``: two of its three labels are never given), at
    the file's key that makes it so: the table's ``breaks``, else the
    field's bound (a preset's own table, unchanged, has none)."""
    out: list[Diagnostic] = []
    for name, t in rs.tables.items():
        spec = rs.fields.get(t.field)
        if spec is None or spec.kind not in ("number", "integer") or not t.breaks:
            continue  # a derived number: its values are not declared
        lo = spec.min if spec.min is not None else -math.inf
        hi = spec.max if spec.max is not None else math.inf
        ends = [-math.inf, *t.breaks, math.inf]
        dead = [
            (label, ends[i], ends[i + 1])
            for i, label in enumerate(t.labels)
            if not _reaches(
                lo, hi, ends[i], ends[i + 1], t.closed, spec.kind == "integer"
            )
        ]
        if not dead:
            continue
        if overrides is None or len(sources) == 1:  # a file that extends nothing
            root = next(iter(sources.values()))
            path: tuple[str, ...] = ("tables", name, "breaks")
        else:
            root, keys = overrides
            mine = [p for p in keys.get(name, ()) if p[-1] in ("breaks", "labels")]
            mine += [
                p for p in keys.get(t.field, ()) if p[-1] in ("min", "max", "type")
            ]
            mine += list(keys.get(name, ())) + list(keys.get(t.field, ()))
            if not mine:
                continue  # the preset's table, unchanged: not this file's doing
            path = mine[0]
        fmt = _display.number_text
        if math.isfinite(lo) and math.isfinite(hi):
            bounds = f"from {fmt(lo)} to {fmt(hi)}"
        else:  # (one bound at least: a field without any holds every value)
            bounds = (
                f"at least {fmt(lo)}" if math.isfinite(lo) else f"at most {fmt(hi)}"
            )
        for label, a, b in dead:
            left, right = ("[", ")") if t.closed == "left" else ("(", "]")
            if not math.isfinite(a):
                left = "("
            if not math.isfinite(b):
                right = ")"
            interval = (
                f"{left}{fmt(a) if math.isfinite(a) else '-inf'}, "
                f"{fmt(b) if math.isfinite(b) else 'inf'}{right}"
            )
            whole = " whole" if spec.kind == "integer" else ""
            out.append(
                root.at_key(
                    path,
                    "never-matches",
                    f"label {label!r} of table {name!r} is never given: its "
                    f"interval {interval} holds no{whole} value of field "
                    f"{t.field!r}, declared {bounds}",
                    "check the breaks and the field bounds",
                    severity="warning",
                )
            )
    return out


def lookups(
    rs: RuleSet, *, max_cells: int = MAX_LOOKUP_CELLS
) -> tuple[dict[str, Lookup], frozenset[str]]:
    """Tabulate every segmentation whose inputs all have few values.

    Inputs of finite domains (categories, booleans, bounded integers) are
    enumerated; number fields compared only with constants are cut by them
    (below, at and between the constants); derived conditions with population
    aggregates and outputs of tables and segmentations are inputs of their
    own (TRUE, FALSE, UNKNOWN; the labels). Returns the lookups and the
    derived values nothing but those lookups reads (they need not be computed
    when evaluating). *max_cells* (private) caps one table: 0 tabulates
    nothing.
    """
    analyser = _Analyser(rs)
    out: dict[str, Lookup] = {}
    for seg in rs.segments.values():
        found = analyser.lookup(seg)
        if found is None:
            found = planned_lookup(analyser, seg, max_cells)
        if found is not None and _tabulate(found.codes, out, max_cells):
            out[seg.name] = found
    return out, _skip(rs, out)


def _tabulate(
    cells: np.ndarray, kept: dict[str, Lookup], max_cells: int = MAX_LOOKUP_CELLS
) -> bool:
    """Whether a lookup of *cells* fits the budget beside those *kept*."""
    total = sum(len(t.codes) for t in kept.values())
    return len(cells) <= max_cells and total + len(cells) <= MAX_LOOKUP_TOTAL


def _skip(rs: RuleSet, tabulated: dict[str, Lookup]) -> frozenset[str]:
    """The derived values only tabulated segmentations read."""
    needed: set[str] = set()
    exprs = [
        r.when for s in rs.segments.values() if s.name not in tabulated for r in s.rules
    ]
    exprs += [r.when for ts in rs.tagsets.values() for r in ts.rules]
    for e in exprs:
        needed |= e.names
    needed |= {n for t in rs.tables.values() for n in t.reads}
    # a lookup's inputs are computed before it (derived conditions it reads
    # as they are, such as those with population aggregates)
    needed |= {f for lk in tabulated.values() for f in lk.fields}
    frontier = list(needed)
    while frontier:
        name = frontier.pop()
        if name in rs.derived:
            for dep in rs.derived[name].expr.names - needed:
                needed.add(dep)
                frontier.append(dep)
    return frozenset(name for name in rs.derived if name not in needed)


# --------------------------------------------------------------------------
# lookups over inputs of few values (beyond the analyser's finite grids)


class _NoPlan(Exception):
    """The segmentation has an input of many values: no lookup."""


# constants beyond this are not exact in float64: comparing int64 values with
# them may differ from comparing with their float (no cut axis then)
_EXACT = 2.0**53


def _between(lo: float, hi: float) -> float:
    """A number strictly between *lo* and *hi* when one exists (else either:
    the cell is empty, its label is never read)."""
    if math.isinf(lo) and math.isinf(hi):
        return 0.0 if lo < 0 < hi else lo
    if math.isinf(lo):
        return hi - 1.0
    if math.isinf(hi):
        return lo + 1.0
    return lo + (hi - lo) / 2


def cut_points(cuts: tuple[float, ...], missing: bool) -> np.ndarray:
    """One point per slot of a cut axis: below ``cuts[0]``, at it, between it
    and ``cuts[1]``, ..., above ``cuts[-1]``; then NaN when *missing*."""
    pts: list[float] = []
    bounds = (-math.inf, *cuts, math.inf)
    for k in range(len(cuts) + 1):
        pts.append(_between(bounds[k], bounds[k + 1]))
        if k < len(cuts):
            pts.append(cuts[k])
    if missing:
        pts.append(math.nan)
    return np.asarray(pts, dtype=np.float64)


def _truth_column(col: np.ndarray) -> Truth:
    """Codes 1 (TRUE), 0 (FALSE), -1 (UNKNOWN) as a :class:`Truth`."""
    truth = (col == 1).view(Truth)
    truth.false = col == 0
    return truth


def planned_lookup(an: _Analyser, seg: Segmentation, max_cells: int) -> Lookup | None:
    """*seg* tabulated over the inputs its rules read, or ``None``.

    Derived values without aggregates are expanded into the fields they read
    (first try) or, when that fails or the grid is too large, derived
    conditions are inputs of their own (TRUE / FALSE / UNKNOWN)."""
    for derived_atoms in (False, True):
        try:
            axes, items = _plan(an, seg, derived_atoms)
        except _NoPlan:
            continue
        cells = math.prod(len(pts) for pts, *_ in axes.values())
        if not axes or cells > max_cells:
            continue
        return _tabulated(an.rs, seg, axes, items)
    return None


_Axis = tuple[np.ndarray, int, bool, "tuple[float, ...] | None", str]


def _plan(
    an: _Analyser, seg: Segmentation, derived_atoms: bool
) -> tuple[dict[str, _Axis], list[str]]:
    """Axes (points, low, missing, cuts, kind) and the derived values to
    compute on the grid, in evaluation order."""
    rs = an.rs
    exprs = [r.when for r in seg.rules]
    atoms: dict[str, _Axis] = {}
    items: set[str] = set()
    fields: set[str] = set()
    seen: set[str] = set()

    def expandable(name: str) -> bool:
        _, fbits, obits, agg = an.items[name]
        if agg:
            return False
        return all(
            _finite_points(rs.fields[f]) is not None or not obits & an.field_bit[f]
            for f in _bits(fbits, an.field_names)
        )

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        if name in rs.params:
            return
        if name in rs.fields:
            fields.add(name)
        elif name in rs.tables or name in rs.segments:
            k = len((rs.tables.get(name) or rs.segments[name]).names)
            atoms[name] = (np.arange(k, dtype=np.int16), 0, False, None, "codes")
        elif name in rs.derived:
            expr = rs.derived[name].expr
            if expr.type.kind == "bool" and (derived_atoms or not expandable(name)):
                pts = np.asarray([0, 1, -1], dtype=np.int8)  # FALSE, TRUE, UNKNOWN
                atoms[name] = (pts, 0, True, None, "truth")
                return
            if not expandable(name):
                raise _NoPlan
            items.add(name)
            exprs.append(expr)
            for n in sorted(expr.names):
                visit(n)
        else:  # pragma: no cover - names resolve to declared things
            raise _NoPlan

    for rule in seg.rules:
        for n in sorted(rule.when.names):
            visit(n)
    if any(e.aggregates for e in exprs):
        raise _NoPlan
    opaque = {an._resolve(n) for e in exprs for n in e.opaque}
    constants: dict[str, set[float]] = {}
    for e in exprs:
        for n, c in e.comparisons:
            base = an._resolve(n)
            if base not in fields or isinstance(c, bool):
                continue
            if not isinstance(c, int | float) or math.isnan(c):
                continue  # a category value; NaN cuts nothing (always UNKNOWN)
            if math.isfinite(c) and abs(c) >= _EXACT:
                raise _NoPlan
            constants.setdefault(base, set()).add(float(c))
    axes: dict[str, _Axis] = dict(atoms)
    for name in fields:
        spec = rs.fields[name]
        pts = _finite_points(spec)
        if pts is not None:
            low = (
                math.ceil(spec.min)
                if spec.kind == "integer" and spec.min is not None
                else 0
            )
            kind = "bool" if spec.kind == "bool" and spec.missing else "field"
            axes[name] = (pts, low, spec.missing, None, kind)
        elif name in opaque:
            raise _NoPlan
        else:
            cuts = tuple(sorted(constants.get(name, ())))
            axes[name] = (cut_points(cuts, spec.missing), 0, spec.missing, cuts, "cut")
    return dict(sorted(axes.items())), [n for n in rs.order if n in items]


def _tabulated(
    rs: RuleSet, seg: Segmentation, axes: dict[str, _Axis], items: list[str]
) -> Lookup:
    mesh = np.meshgrid(*(pts for pts, *_ in axes.values()), indexing="ij")
    n = mesh[0].size
    values: dict[str, Any] = {}
    for (name, (_, _, _, _, kind)), m in zip(axes.items(), mesh, strict=True):
        col = m.ravel()
        values[name] = _truth_column(col) if kind in ("truth", "bool") else col
    env = Env(n, values)
    for name in items:
        env.values[name] = rs.derived[name].expr.evaluate(env)
    codes, rules = _segment_codes(seg, env, explain=True)
    return Lookup(
        fields=tuple(axes),
        lows=tuple(low for _, low, *_ in axes.values()),
        sizes=tuple(len(pts) for pts, *_ in axes.values()),
        missing=tuple(missing for _, _, missing, *_ in axes.values()),
        codes=codes,
        rules=rules,
        cuts=tuple(cut for *_, cut, _ in axes.values()),
    )


def unused_entries(
    rs: RuleSet,
    doc: Mapping[str, Any],
    source: Source,
    origins: Mapping[tuple[str, ...], Source],
    inherited: frozenset[tuple[str, str]] = frozenset(),
) -> list[Diagnostic]:
    """A warning for each parameter and derived value *source* defines or
    sets that no output reads (no table, segmentation or tag set, directly
    or through derived values; a parameter may also be a table's break):
    it changes no label, so it is most likely a misspelt name
    (``lapse_days`` for ``lapsing_days``) or an override of a value the
    preset keeps only for files that extend it (``furniture``'s
    ``new_days``). One read only by derived values nothing reads is
    warned of naming them. A preset's own entries are not warned of.

    *doc* is the merged document (its tables' ``breaks`` name parameters);
    *origins* says which file defined each key; *inherited* holds the
    (section, name) of the entries the presets it extends define."""
    if source.path.startswith("preset:"):
        return []

    def plain(name: str) -> str:
        return name if name.isascii() else unicodedata.normalize("NFKC", name)

    read: set[str] = set()
    for t in rs.tables.values():
        read |= t.reads
    tables = doc.get("tables")
    for spec in tables.values() if isinstance(tables, dict) else ():
        breaks = spec.get("breaks") if isinstance(spec, dict) else None
        if isinstance(breaks, list):
            read.update(plain(b) for b in breaks if isinstance(b, str))
    for seg in rs.segments.values():
        read.update(n for r in seg.rules for n in r.when.names)
    for ts in rs.tagsets.values():
        read.update(n for r in ts.rules for n in r.when.names)
    todo = [n for n in read if n in rs.derived]
    while todo:  # what the derived values the outputs read read
        for n in rs.derived[todo.pop()].expr.names:
            if n not in read:
                read.add(n)
                if n in rs.derived:
                    todo.append(n)

    def origin(path: tuple[str, ...]) -> Source | None:
        for k in range(len(path), -1, -1):
            if path[:k] in origins:
                return origins[path[:k]]
        return None

    out: list[Diagnostic] = []
    for section, kind, what in (
        ("params", "parameter", "no condition, derived value or table break"),
        (
            "derived",
            "derived value",
            "no table, segmentation or tag set, directly or through other "
            "derived values",
        ),
    ):
        entries = doc.get(section)
        known = rs.params if section == "params" else rs.derived
        for written in entries if isinstance(entries, dict) else ():
            name = plain(written)
            if name not in known or name in read:
                continue
            if origin((section, written)) is not source:
                continue  # the preset's: kept for files that extend it
            if (section, name) in inherited:
                message = (
                    f"{kind} {name!r} is read by {what}, so this file's value "
                    "changes no label: the preset keeps it for files that "
                    "extend it, but its own rules do not read it"
                )
                hint = (
                    "read it in a rule of this file (replace the rules that "
                    "should use it), or remove it"
                )
            elif readers := sorted(
                n for n, d in rs.derived.items() if n != name and name in d.expr.names
            ):
                # read, but only by derived values nothing reads: say so
                # (they are warned of too), not "read by nothing"
                listed = ", ".join(repr(n) for n in readers)
                plural = "s" if len(readers) > 1 else ""
                message = (
                    f"{kind} {name!r} is read only by the derived value{plural} "
                    f"{listed}, which no table, segmentation or tag set reads, "
                    "so it changes no label"
                )
                hint = f"use {readers[0]!r} in a condition, or remove it and {name!r}"
            else:
                others = [n for n in known if n != name]
                close = [n for n in others if n.lower() == name.lower()]
                close += difflib.get_close_matches(name, others, n=1, cutoff=0.6)
                message = f"{kind} {name!r} is read by {what}, so it changes no label"
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "use it in a condition, or remove it"
                )
            out.append(
                source.at_key(
                    (section, written), "unused", message, hint, severity="warning"
                )
            )
    return out
