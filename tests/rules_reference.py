"""A slow, row-at-a-time reference interpreter for custseg rules files.

It takes the parsed TOML document (``tomllib.loads``; files that ``extends`` a
preset are not supported) and evaluates every row with plain Python: each
condition is parsed with ``ast.parse(mode="eval")`` and its tree is walked
here, with Python operators. It shares no code with ``custseg.rules``.

Missing values: a missing number is ``nan`` (also the ``nan`` of ``0 / 0``),
a missing category or boolean ``None``. A category value is a declared value
only when it is a ``str`` equal to one (bytes, numbers, booleans never are):
otherwise :class:`Undeclared` is raised. Conditions use SQL's three-valued logic: a
comparison with a missing value (``==``, ``!=``, ``in`` and ``not in`` too)
is UNKNOWN, written ``None``; ``not None`` is ``None``; ``and``/``or`` follow
Kleene's tables (``False and None`` is ``False``, ``True or None`` is
``True``); a rule matches only when its condition is ``True``, and
``missing(d)`` of a derived condition is true where it is ``None``.
``x / 0`` is ``inf``, ``-inf`` or ``nan``, as in NumPy, except that a zero
has no sign (docs/rules.md: ``-1 / -0.0`` is ``-inf``, as ``-0.0 == 0``).

Only valid files are supported: the reference does no checking.
"""

from __future__ import annotations

import ast
import bisect
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Reference", "ReferenceResult", "Undeclared", "is_missing"]

NAN = math.nan


def is_missing(value: Any) -> bool:
    """True for ``None``, ``nan`` and pandas' ``NA`` and ``NaT`` (by type name)."""
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or type(value).__name__ in ("NAType", "NaTType")
    )


class Undeclared(ValueError):
    """A category value that is not a declared value (compared as Python
    values: only a ``str`` equal to a declared value is one)."""


def _divide(a: float, b: float) -> float:
    """``a / b`` with NumPy's rules for division by zero and overflow, a
    zero divisor taken without its sign (``-1 / -0.0`` is ``-inf``)."""
    if b == 0:
        if math.isnan(a) or a == 0:
            return NAN
        return math.copysign(math.inf, a)
    try:
        return a / b
    except OverflowError:
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _compare(op: ast.cmpop, a: Any, b: Any) -> bool | None:
    """``a op b``, or ``None`` (unknown) when either side is missing."""
    if is_missing(a) or is_missing(b):
        return None
    if isinstance(op, ast.Eq):
        return bool(a == b)
    if isinstance(op, ast.NotEq):
        return bool(a != b)
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    if isinstance(op, ast.GtE):
        return a >= b
    raise AssertionError(f"unexpected comparison {op!r}")


def _kleene_and(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _kleene_or(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _quantile(values: list[float], q: float) -> float:
    """NumPy's default ("linear") quantile of sorted *values*."""
    n = len(values)
    h = (n - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    a, b, t = values[lo], values[hi], h - lo
    diff = b - a
    # NumPy's _lerp: from the nearer end, so q = 1 gives exactly the maximum
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class ReferenceResult:
    """Per-row results: label strings, deciding rule indices and tag rows."""

    def __init__(self) -> None:
        self.labels: dict[str, list[str]] = {}
        self.explain: dict[str, list[int]] = {}
        self.tags: dict[str, tuple[tuple[str, ...], list[list[bool]]]] = {}


class Reference:
    """Evaluate a parsed rules document on columns of plain values."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.fields: dict[str, dict[str, Any]] = dict(doc.get("fields", {}))
        self.params: dict[str, Any] = dict(doc.get("params", {}))
        self.derived: dict[str, str] = dict(doc.get("derived", {}))
        self.tables: dict[str, dict[str, Any]] = dict(doc.get("tables", {}))
        self.segments: dict[str, dict[str, Any]] = dict(doc.get("segments", {}))
        self.tagsets: dict[str, dict[str, Any]] = dict(doc.get("tags", {}))
        self._trees: dict[str, ast.expr] = {}

    # ------------------------------------------------------------------
    def evaluate(
        self, data: Mapping[str, Sequence[Any]], lang: str | None = None
    ) -> ReferenceResult:
        """Evaluate every table, segmentation and tag set on *data*."""
        run = _Run(self, data)
        out = ReferenceResult()
        for name, spec in self.tables.items():
            out.labels[name] = [
                self._translate(spec, label, lang) for label in run.column(name)
            ]
        for name, spec in self.segments.items():
            out.labels[name] = [
                self._translate(spec, label, lang) for label in run.column(name)
            ]
            out.explain[name] = run.explain[name]
        for name, spec in self.tagsets.items():
            names: list[str] = []
            for rule in spec["rules"]:
                if rule["tag"] not in names:
                    names.append(rule["tag"])
            matrix = [[False] * len(names) for _ in range(run.n)]
            for rule in spec["rules"]:
                j = names.index(rule["tag"])
                for i in range(run.n):
                    if run.truth(rule["when"], i):
                        matrix[i][j] = True
            out.tags[name] = (tuple(names), matrix)
        return out

    def condition(self, text: str, data: Mapping[str, Sequence[Any]]) -> list[bool]:
        """The truth of one condition on every row of *data*."""
        run = _Run(self, data)
        return [run.truth(text, i) for i in range(run.n)]

    @staticmethod
    def _translate(spec: Mapping[str, Any], label: str, lang: str | None) -> str:
        if lang is None:
            return label
        return str(spec.get("translations", {}).get(lang, {}).get(label, label))

    def tree(self, text: str) -> ast.expr:
        """The parsed condition (cached)."""
        if text not in self._trees:
            self._trees[text] = ast.parse(text.strip(), mode="eval").body
        return self._trees[text]


class _Run:
    """One evaluation: the data and lazily computed columns."""

    def __init__(self, ref: Reference, data: Mapping[str, Sequence[Any]]) -> None:
        self.ref = ref
        self.data = data
        lengths = {len(data[f]) for f in ref.fields if f in data}
        self.n = lengths.pop() if lengths else 0
        self.columns: dict[str, list[Any]] = {}
        self.explain: dict[str, list[int]] = {}
        self.aggregates: dict[tuple[str, str, float, str], float] = {}

    # columns -----------------------------------------------------------
    def column(self, name: str) -> list[Any]:
        if name not in self.columns:
            self.columns[name] = self._compute(name)
        return self.columns[name]

    def _compute(self, name: str) -> list[Any]:
        ref = self.ref
        if name in ref.fields:
            return [self._field_value(name, v) for v in self.data[name]]
        if name in ref.derived:
            return [self.value(ref.tree(ref.derived[name]), i) for i in range(self.n)]
        if name in ref.tables:
            return [self._table_label(ref.tables[name], i) for i in range(self.n)]
        if name in ref.segments:
            labels, rules = [], []
            for i in range(self.n):
                label, rule = self._segment_label(ref.segments[name], i)
                labels.append(label)
                rules.append(rule)
            self.explain[name] = rules
            return labels
        raise KeyError(name)

    def _field_value(self, name: str, raw: Any) -> Any:
        spec = self.ref.fields[name]
        kind = spec["type"]
        if kind == "category":
            if is_missing(raw):
                return None
            if not isinstance(raw, str) or raw not in spec["values"]:
                raise Undeclared(f"{name}: {raw!r} is not declared")
            return raw
        if kind == "bool":
            return None if is_missing(raw) else bool(raw)
        return NAN if is_missing(raw) else float(raw)

    def _table_label(self, spec: Mapping[str, Any], i: int) -> str:
        x = self.column(spec["field"])[i]
        if is_missing(x):
            # the first missing rule that holds, else the missing label
            for rule in spec.get("missing_rules", []):
                if self.truth(rule["when"], i):
                    return str(rule["label"])
            return str(spec["missing"])
        breaks = [
            float(self.ref.params[b]) if isinstance(b, str) else float(b)
            for b in spec["breaks"]
        ]
        if spec.get("closed", "left") == "left":  # [lo, hi): a break goes up
            k = bisect.bisect_right(breaks, x)
        else:  # (lo, hi]: a break stays down
            k = bisect.bisect_left(breaks, x)
        return str(spec["labels"][k])

    def _segment_label(self, spec: Mapping[str, Any], i: int) -> tuple[str, int]:
        for k, rule in enumerate(spec["rules"]):
            if self.truth(rule["when"], i):
                return str(rule["label"]), k
        return str(spec["default"]), -1

    # expressions -------------------------------------------------------
    def truth(self, text: str, i: int) -> bool:
        """Whether the condition is TRUE on row *i* (not FALSE, not unknown)."""
        return self.value(self.ref.tree(text), i) is True

    def value(self, node: ast.AST, i: int) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.ref.params:
                return self.ref.params[node.id]
            return self.column(node.id)[i]
        if isinstance(node, ast.BoolOp):
            results = [self.value(v, i) for v in node.values]
            if isinstance(node.op, ast.And):
                return _kleene_and(results)
            return _kleene_or(results)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, i)
            if isinstance(node.op, ast.Not):
                return None if operand is None else not operand
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return +operand
        if isinstance(node, ast.BinOp):
            a = float(self.value(node.left, i))
            b = float(self.value(node.right, i))
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, ast.Div):
                return _divide(a, b)
        if isinstance(node, ast.Compare):
            return self._chain(node, i)
        if isinstance(node, ast.Call):
            return self._call(node, i)
        raise AssertionError(f"the reference does not know {ast.dump(node)}")

    def _chain(self, node: ast.Compare, i: int) -> bool | None:
        """``a < b <= c`` is ``a < b and b <= c`` (Kleene's and)."""
        parts: list[bool | None] = []
        left = self.value(node.left, i)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                assert isinstance(right_node, ast.Tuple)
                options = [self.value(e, i) for e in right_node.elts]
                # x in (a, b) is x == a or x == b, as in SQL; a missing x is
                # in no tuple and out of none, even the empty one
                found = (
                    None
                    if is_missing(left)
                    else _kleene_or([_compare(ast.Eq(), left, e) for e in options])
                )
                if isinstance(op, ast.NotIn):
                    found = None if found is None else not found
                parts.append(found)
                break
            right = self.value(right_node, i)
            parts.append(_compare(op, left, right))
            left = right
        return _kleene_and(parts)

    def _call(self, node: ast.Call, i: int) -> Any:
        assert isinstance(node.func, ast.Name)
        func = node.func.id
        arg = node.args[0]
        assert isinstance(arg, ast.Name)
        if func == "missing":
            if arg.id in self.ref.tables or arg.id in self.ref.segments:
                return False  # outputs always have a label
            return is_missing(self.column(arg.id)[i])
        q = 0.0
        if func == "quantile":
            q = float(self.value(node.args[1], i))
        where = next((k.value for k in node.keywords if k.arg == "where"), None)
        return self._aggregate(func, arg.id, q, where)

    def _aggregate(
        self, func: str, name: str, q: float, where: ast.expr | None = None
    ) -> float:
        """An aggregate over the rows with a value (and where *where* is
        true: unknown rows are left out)."""
        key = (func, name, q, "" if where is None else ast.unparse(where))
        if key not in self.aggregates:
            values = sorted(
                float(v)
                for j, v in enumerate(self.column(name))
                if not is_missing(v) and (where is None or self.value(where, j) is True)
            )
            if not values:
                result = NAN
            elif func == "mean":
                result = sum(values) / len(values)
            elif func == "median":
                result = _quantile(values, 0.5)
            elif func == "min":
                result = values[0]
            elif func == "max":
                result = values[-1]
            elif func == "quantile":
                result = _quantile(values, q)
            else:
                raise AssertionError(func)
            self.aggregates[key] = result
        return self.aggregates[key]
