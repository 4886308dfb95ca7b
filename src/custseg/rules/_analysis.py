"""Static analysis of rule lists: never-matching rules, unreachable rules and
input cells that fall through to the default.

The analysis is exact when every input a rule list depends on has a finite
domain (categories, booleans, bounded integers such as RFM scores: 5 x 5 x 5 =
125 cells) or is only compared with constants (then one representative point
per cell of the grid those constants induce is enough). Everything is then
evaluated on the grid with the compiled rules themselves. Otherwise (a field
in arithmetic without a finite domain, a population aggregate such as
``mean(m)``, a grid too large) the rule list is reported as not analysed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..errors import Diagnostic
from ._expr import Compiled, Env
from ._model import FieldSpec, Lookup, Rule, RuleSet, _segment_codes
from ._source import Source

__all__ = ["analyse", "lookups"]

MAX_FINITE = 200  # integer fields with at most this many values are enumerated
MAX_GRID = 200_000


def _closure(
    rs: RuleSet, exprs: Iterable[Compiled]
) -> tuple[set[str], list[Compiled], set[str]]:
    """Items reached from *exprs*: (base fields, all expressions, table names)."""
    fields: set[str] = set()
    all_exprs: list[Compiled] = []
    tables: set[str] = set()
    todo = list(exprs)
    seen: set[str] = set()
    while todo:
        expr = todo.pop()
        all_exprs.append(expr)
        for name in expr.names:
            if name in seen:
                continue
            seen.add(name)
            if name in rs.fields:
                fields.add(name)
            elif name in rs.derived:
                todo.append(rs.derived[name].expr)
            elif name in rs.tables:
                tables.add(name)
                t = rs.tables[name]
                if t.field in rs.fields:
                    fields.add(t.field)
                elif t.field in rs.derived and t.field not in seen:
                    seen.add(t.field)
                    todo.append(rs.derived[t.field].expr)
            elif name in rs.segments:
                todo.extend(r.when for r in rs.segments[name].rules)
    return fields, all_exprs, tables


def _finite_points(spec: FieldSpec) -> np.ndarray | None:
    if spec.kind == "category":
        codes = list(range(len(spec.values))) + ([-1] if spec.missing else [])
        return np.asarray(codes, dtype=np.int16)
    if spec.kind == "bool":
        return np.asarray([False, True])
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
    pts: list[float] = []
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
    for x in candidates:
        if spec.kind == "integer":
            x = float(math.ceil(x)) if x != math.floor(x) else x
        if lo <= x <= hi and x not in pts:
            pts.append(x)
    for bound in (lo, hi):
        if math.isfinite(bound) and bound not in pts:
            pts.append(bound)
    arr = np.asarray(sorted(pts), dtype=np.float64)
    return np.append(arr, np.nan) if spec.missing else arr


def _show(rs: RuleSet, field: str, value: Any) -> str:
    spec = rs.fields[field]
    if spec.kind == "category":
        return f"{field}={'<missing>' if value < 0 else repr(spec.values[int(value)])}"
    if spec.kind == "bool":
        return f"{field}={bool(value)}"
    if isinstance(value, float) and math.isnan(value):
        return f"{field}=<missing>"
    return f"{field}={value:g}"


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


def _grid(
    rs: RuleSet, exprs: list[Compiled]
) -> tuple[dict[str, np.ndarray] | None, str]:
    fields, closure, tables = _closure(rs, exprs)
    if any(e.aggregates for e in closure):
        return None, "it uses a population aggregate (mean, quantile, ...)"
    # Derived values: a bare alias (d = "x") passes its comparisons on to x;
    # any other numeric derived value is a function of its fields whose cells
    # constants on the derived value do not describe, so those fields are opaque.
    used = {n for e in closure for n in e.names if n in rs.derived}
    used |= {rs.tables[t].field for t in tables if rs.tables[t].field in rs.derived}
    alias: dict[str, str] = {}
    opaque: set[str] = set()
    for name in used:
        expr = rs.derived[name].expr
        target = expr.text.strip()
        if target.isidentifier() and (target in rs.fields or target in rs.derived):
            alias[name] = target
        elif expr.type.kind == "number":
            opaque |= _closure(rs, [expr])[0]

    def resolve(name: str) -> str:
        seen = set()
        while name in alias and name not in seen:
            seen.add(name)
            name = alias[name]
        return name

    for e in closure:
        for name in e.opaque:
            base = resolve(name)
            if base in rs.fields:
                opaque.add(base)
            elif base in rs.derived:
                opaque |= _closure(rs, [rs.derived[base].expr])[0]
    constants: dict[str, set[float]] = {}
    for e in closure:
        for n, c in e.comparisons:
            if isinstance(c, int | float) and not isinstance(c, bool):
                constants.setdefault(resolve(n), set()).add(float(c))
    for t in tables:
        constants.setdefault(resolve(rs.tables[t].field), set()).update(
            rs.tables[t].breaks
        )
    axes: dict[str, np.ndarray] = {}
    for name in sorted(fields):
        spec = rs.fields[name]
        pts = _finite_points(spec)
        if pts is None:
            if name in opaque:
                return None, (
                    f"field {name!r} is used in arithmetic or compared with other "
                    "fields and has no finite domain (declare integer bounds "
                    "min/max to enumerate it)"
                )
            consts = constants.get(name, set())
            pts = _cell_points(spec, consts)
        axes[name] = pts
    size = math.prod(len(a) for a in axes.values()) if axes else 1
    if size > MAX_GRID:
        return None, f"the grid of input cells is too large ({size:,d} > {MAX_GRID:,d})"
    if not axes:
        return {}, ""
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    return {k: m.ravel() for k, m in zip(axes, mesh, strict=True)}, ""


def _env(rs: RuleSet, grid: dict[str, np.ndarray]) -> Env:
    n = len(next(iter(grid.values()))) if grid else 1
    values: dict[str, Any] = {}
    for name, spec in rs.fields.items():
        if name in grid:
            values[name] = grid[name]
        elif spec.kind == "category":
            values[name] = np.zeros(n, dtype=np.int16)
        elif spec.kind == "bool":
            values[name] = np.zeros(n, dtype=bool)
        else:
            values[name] = np.full(n, spec.min if spec.min is not None else 0.0)
    env = Env(n, values)
    rs._evaluate_env(env)
    return env


def _is_missing_point(spec: FieldSpec, col: np.ndarray) -> np.ndarray:
    if spec.kind == "category":
        return col < 0
    if spec.kind == "bool":
        return np.zeros(len(col), dtype=bool)
    return np.isnan(col)


def _describe(rs: RuleSet, grid: dict[str, np.ndarray], mask: np.ndarray) -> str:
    i = int(np.argmax(mask))
    return ", ".join(_show(rs, f, grid[f][i]) for f in grid)


def _analyse_rules(
    rs: RuleSet,
    sources: dict[str, Source],
    src: Source,
    what: str,
    line: int,
    rules: tuple[Rule, ...],
    default: str | None,
) -> list[Diagnostic]:
    grid, why = _grid(rs, [r.when for r in rules])
    if grid is None:
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
            )
        ]
    env = _env(rs, grid)
    out: list[Diagnostic] = []
    taken = np.zeros(env.n, dtype=bool)
    matches: list[np.ndarray] = []
    for i, rule in enumerate(rules):
        rsrc = sources.get(rule.path, src)
        match = rule.when.evaluate(env).astype(bool)
        matches.append(match)
        if not match.any():
            out.append(
                _diag(
                    rsrc,
                    rule.line,
                    rule.column,
                    "warning",
                    "never-matches",
                    f"rule {i + 1} ({rule.label!r}) of {what} can never match",
                    "check the thresholds and the field bounds",
                )
            )
        elif default is not None and not (match & ~taken).any():
            earlier = [j for j in range(i) if (matches[j] & match).any()]
            names = ", ".join(f"{j + 1} ({rules[j].label!r})" for j in earlier)
            out.append(
                _diag(
                    rsrc,
                    rule.line,
                    rule.column,
                    "warning",
                    "unreachable",
                    f"rule {i + 1} ({rule.label!r}) of {what} is never reached: "
                    f"earlier rules take every case it matches ({names})",
                    "move it up or narrow the earlier rules",
                )
            )
        taken |= match
    if default is not None and not taken.all():
        left = ~taken
        complete = np.ones(env.n, dtype=bool)
        for f, col in grid.items():
            complete &= ~_is_missing_point(rs.fields[f], col)
        n_left, n_complete = int(left.sum()), int((left & complete).sum())
        if n_complete == 0:
            message = (
                f"every input cell of {what} with all values present is covered; "
                f"the {n_left} cells with a missing value fall through to the "
                f"default {default!r}"
            )
        else:
            message = (
                f"{n_complete} of {int(complete.sum())} input cells of {what} "
                f"fall through to the default {default!r}, e.g. "
                f"{_describe(rs, grid, left & complete)}"
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


def analyse(rs: RuleSet, sources: dict[str, Source]) -> list[Diagnostic]:
    """Warnings and notes about the rule lists of a compiled rule set."""
    out: list[Diagnostic] = []
    for seg in rs.segments.values():
        src = sources.get(seg.path) or next(iter(sources.values()))
        out += _analyse_rules(
            rs,
            sources,
            src,
            f"segmentation {seg.name!r}",
            seg.line,
            seg.rules,
            seg.default,
        )
    for ts in rs.tagsets.values():
        first = ts.rules[0]
        src = sources.get(first.path) or next(iter(sources.values()))
        out += _analyse_rules(
            rs, sources, src, f"tag set {ts.name!r}", first.line, ts.rules, None
        )
    return out


def lookups(rs: RuleSet) -> tuple[dict[str, Lookup], frozenset[str]]:
    """Tabulate every segmentation whose inputs all have finite domains.

    Returns the lookups and the derived values nothing but those lookups reads
    (they need not be computed when evaluating).
    """
    out: dict[str, Lookup] = {}
    for seg in rs.segments.values():
        fields, closure, _ = _closure(rs, [r.when for r in seg.rules])
        if not fields or any(e.aggregates for e in closure):
            continue
        axes = {name: _finite_points(rs.fields[name]) for name in sorted(fields)}
        if any(a is None for a in axes.values()):
            continue
        if math.prod(len(a) for a in axes.values() if a is not None) > MAX_GRID:
            continue
        mesh: list[np.ndarray] = list(np.meshgrid(*axes.values(), indexing="ij"))
        grid = {k: m.ravel() for k, m in zip(axes, mesh, strict=True)}
        env = _env(rs, grid)
        codes, rules = _segment_codes(seg, env, explain=True)
        specs = [rs.fields[name] for name in axes]
        out[seg.name] = Lookup(
            fields=tuple(axes),
            lows=tuple(
                math.ceil(s.min) if s.kind == "integer" and s.min is not None else 0
                for s in specs
            ),
            sizes=tuple(len(a) for a in axes.values() if a is not None),
            missing=tuple(s.missing for s in specs),
            codes=codes,
            rules=rules,
        )
    # derived values read only by tabulated segmentations
    needed: set[str] = set()
    readers = [t.field for t in rs.tables.values()]
    exprs = [d.expr for d in rs.derived.values()]
    exprs += [
        r.when for s in rs.segments.values() if s.name not in out for r in s.rules
    ]
    exprs += [r.when for ts in rs.tagsets.values() for r in ts.rules]
    for e in exprs:
        if e not in [d.expr for d in rs.derived.values()]:
            needed |= e.names
    needed |= set(readers)
    frontier = list(needed)
    while frontier:
        name = frontier.pop()
        if name in rs.derived:
            for dep in rs.derived[name].expr.names - needed:
                needed.add(dep)
                frontier.append(dep)
    skip = frozenset(name for name in rs.derived if name not in needed)
    return out, skip
