"""Condition expressions: parse with ``ast``, check against an allow-list,
compile to NumPy closures.

Nothing here calls ``eval``, ``exec`` or ``compile``: the checked tree is
turned into nested Python closures that call NumPy ufuncs, and names resolve
only through the symbol table the caller passes in.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
import numpy as np

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


@attrs.frozen
class Type:
    """The type of an expression: ``number``, ``bool`` or ``category`` (with values)."""

    kind: Literal["number", "bool", "category"]
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == "category":
            shown = ", ".join(repr(v) for v in self.values[:6])
            more = ", ..." if len(self.values) > 6 else ""
            return f"category ({shown}{more})"
        return self.kind


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


@attrs.frozen
class ExprProblem:
    """A problem in an expression, at character offsets within the expression."""

    start: int
    end: int
    code: str
    message: str
    hint: str = ""
    line: int = 1  # line within the expression (multi-line strings)


class Env:
    """Values for one evaluation: arrays per name plus a cache of aggregates."""

    def __init__(self, n: int, values: Mapping[str, Any]) -> None:
        self.n = n
        self.values = dict(values)
        self.cache: dict[tuple[str, str, float], float] = {}


Fn = Callable[[Env], Any]


@attrs.frozen
class Compiled:
    """A checked, compiled expression.

    ``fn(env)`` returns a scalar or an array of length ``env.n``. ``names`` are
    the symbols it reads. For the static analyser: ``comparisons`` are the
    (name, constant) pairs of comparisons of a name with a constant,
    ``opaque`` the names used in arithmetic (their cells are not induced by
    constants), and ``aggregates`` whether a population aggregate is used.
    """

    text: str
    type: Type
    fn: Fn
    names: frozenset[str]
    comparisons: tuple[tuple[str, Any], ...]
    opaque: frozenset[str]
    aggregates: bool

    def evaluate(self, env: Env) -> np.ndarray:
        """Evaluate to an array of length ``env.n``."""
        out = self.fn(env)
        arr = np.asarray(out)
        if arr.ndim == 0:
            return np.full(env.n, arr[()])
        return arr


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
    "mean": "mean(x): mean of the number x over the customers (missing values skipped)",
    "median": "median(x): median of the number x over the customers",
    "min": "min(x): smallest value of x over the customers",
    "max": "max(x): largest value of x over the customers",
    "quantile": "quantile(x, q): the q-quantile (0 <= q <= 1) of x over the customers",
    "missing": "missing(x): true where the field x has no value",
}


def _aggregate(func: str, name: str, q: float, env: Env) -> float:
    key = (func, name, q)
    if key not in env.cache:
        arr = np.asarray(env.values[name], dtype=np.float64)
        arr = arr[~np.isnan(arr)]
        if not len(arr):
            env.cache[key] = math.nan
        elif func == "mean":
            env.cache[key] = float(arr.mean())
        elif func == "median":
            env.cache[key] = float(np.median(arr))
        elif func == "min":
            env.cache[key] = float(arr.min())
        elif func == "max":
            env.cache[key] = float(arr.max())
        else:
            env.cache[key] = float(np.quantile(arr, q))
    return env.cache[key]


def _is_missing(name: str, typ: Type) -> Fn:
    def fn(env: Env) -> Any:
        arr = env.values[name]
        if typ.kind == "category":
            return arr < 0
        if typ.kind == "number" and np.asarray(arr).dtype.kind == "f":
            return np.isnan(arr)
        return np.zeros(env.n, dtype=bool)

    return fn


# --------------------------------------------------------------------------
# checker / compiler

_CMP = {
    ast.Lt: (np.less, "<"),
    ast.LtE: (np.less_equal, "<="),
    ast.Gt: (np.greater, ">"),
    ast.GtE: (np.greater_equal, ">="),
    ast.Eq: (np.equal, "=="),
    ast.NotEq: (np.not_equal, "!="),
}
_ARITH = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
}
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


class _Checker:
    def __init__(self, text: str, symbols: Mapping[str, Symbol]) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.symbols = symbols
        self.problems: list[ExprProblem] = []
        self.names: set[str] = set()
        self.comparisons: list[tuple[str, Any]] = []
        self.opaque: set[str] = set()
        self.aggregates = False

    def fail(self, node: ast.AST, code: str, message: str, hint: str = "") -> _Failed:
        line, start, end = _span(node, self.lines)
        self.problems.append(ExprProblem(start, end, code, message, hint, line))
        return _Failed()

    # each visit returns (type, fn, constant-or-None)
    def visit(self, node: ast.AST) -> tuple[Type, Fn, Any]:
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

    def visit_boolop(self, node: ast.BoolOp) -> tuple[Type, Fn, Any]:
        fns = []
        for value in node.values:
            typ, sub_fn, _ = self.visit(value)
            if typ != BOOL:
                raise self.fail(
                    value,
                    "type-mismatch",
                    f"'{'and' if isinstance(node.op, ast.And) else 'or'}' "
                    f"needs conditions, got a {typ}",
                    "compare it with something, e.g. x > 0",
                )
            fns.append(sub_fn)
        ufunc = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def fn(env: Env) -> Any:
            out = fns[0](env)
            for f in fns[1:]:
                out = ufunc(out, f(env))
            return out

        return BOOL, fn, None

    def visit_unary(self, node: ast.UnaryOp) -> tuple[Type, Fn, Any]:
        if isinstance(node.op, ast.Invert):
            raise self.fail(
                node,
                "disallowed-syntax",
                "'~' is not allowed",
                "use not: ~ is bitwise, and binds tighter than comparisons",
            )
        typ, inner, const = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            if typ != BOOL:
                raise self.fail(
                    node.operand,
                    "type-mismatch",
                    f"'not' needs a condition, got a {typ}",
                )
            return BOOL, lambda env: np.logical_not(inner(env)), None
        if typ != NUMBER:
            raise self.fail(
                node.operand,
                "type-mismatch",
                f"unary {'-' if isinstance(node.op, ast.USub) else '+'} "
                f"needs a number, got a {typ}",
            )
        self.opaque |= {
            n.id
            for n in ast.walk(node.operand)
            if isinstance(n, ast.Name) and self._is_variable(n.id)
        }
        if isinstance(node.op, ast.USub):
            value = None if const is None else -const
            return NUMBER, lambda env: np.negative(inner(env)), value
        return NUMBER, inner, const

    def visit_binop(self, node: ast.BinOp) -> tuple[Type, Fn, Any]:
        if type(node.op) in _REFUSED:
            message, hint = _REFUSED[type(node.op)]
            raise self.fail(node, "disallowed-syntax", message, hint)
        lt, lf, lc = self.visit(node.left)
        rt, rf, rc = self.visit(node.right)
        for typ, sub in ((lt, node.left), (rt, node.right)):
            if typ != NUMBER:
                raise self.fail(
                    sub, "type-mismatch", f"arithmetic needs numbers, got a {typ}"
                )
        for sub in (node.left, node.right):
            self.opaque |= {
                n.id
                for n in ast.walk(sub)
                if isinstance(n, ast.Name) and self._is_variable(n.id)
            }
        ufunc = _ARITH[type(node.op)]
        const = None
        if lc is not None and rc is not None:
            with np.errstate(all="ignore"):
                const = float(ufunc(lc, rc, dtype=np.float64))

        def fn(env: Env) -> Any:
            # float64 arithmetic: integer fields must not wrap around; overflow
            # and division by zero give inf / nan, which compare false
            with np.errstate(all="ignore"):
                return ufunc(lf(env), rf(env), dtype=np.float64)

        return NUMBER, fn, const

    def _is_variable(self, name: str) -> bool:
        sym = self.symbols.get(name)
        return sym is not None and sym.kind != "param"

    def visit_name(self, node: ast.Name) -> tuple[Type, Fn, Any]:
        name = node.id
        if name in ("True", "False", "None"):  # pragma: no cover - ast makes Constants
            raise self.fail(node, "disallowed-syntax", f"{name} is not a name")
        sym = self.symbols.get(name)
        if sym is None:
            close = difflib.get_close_matches(name, list(self.symbols), n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else ("declare it under [fields], [params] or [derived]")
            )
            if name in FUNCTIONS:
                hint = f"{name} is a function: {FUNCTIONS[name]}"
            raise self.fail(node, "unknown-name", f"unknown name {name!r}", hint)
        self.names.add(name)
        if sym.kind == "param":
            value = sym.value
            return sym.type, lambda env: value, value
        return sym.type, lambda env: env.values[name], None

    def visit_constant(self, node: ast.Constant) -> tuple[Type, Fn, Any]:
        value = node.value
        if isinstance(value, bool):
            return BOOL, lambda env: value, value
        if isinstance(value, int | float):
            # compare before any float conversion: a 400-digit int overflows it
            if abs(value) > MAX_NUMBER or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                shown = f"{str(value)[:20]}..." if len(str(value)) > 20 else str(value)
                raise self.fail(
                    node,
                    "limit",
                    f"number {shown} is too large",
                    f"numbers must be finite and at most {MAX_NUMBER:g}",
                )
            return NUMBER, lambda env: value, value
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise self.fail(
                    node,
                    "limit",
                    "string literal too long",
                    f"at most {MAX_STRING} characters",
                )
            return Type("category", ()), lambda env: value, value
        raise self.fail(
            node,
            "disallowed-syntax",
            f"{type(value).__name__} literals are not allowed",
            "use numbers, strings, True or False",
        )

    def visit_call(self, node: ast.Call) -> tuple[Type, Fn, Any]:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(
                func,
                "disallowed-syntax",
                "only the built-in functions can be called",
                ", ".join(sorted(FUNCTIONS)),
            )
        if func.id not in FUNCTIONS:
            close = difflib.get_close_matches(func.id, list(FUNCTIONS), n=1)
            raise self.fail(
                func,
                "unknown-function",
                f"unknown function {func.id!r}",
                f"did you mean {close[0]!r}?"
                if close
                else "available: " + ", ".join(sorted(FUNCTIONS)),
            )
        if node.keywords:
            raise self.fail(
                node.keywords[0].value,
                "disallowed-syntax",
                "keyword arguments are not allowed",
                FUNCTIONS[func.id],
            )
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
        if (
            not isinstance(arg, ast.Name)
            or arg.id not in self.symbols
            or self.symbols[arg.id].kind == "param"
        ):
            if isinstance(arg, ast.Name) and arg.id not in self.symbols:
                self.visit_name(arg)  # reports unknown-name with a suggestion
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
            return BOOL, _is_missing(name, sym.type), None
        if sym.type != NUMBER:
            raise self.fail(
                arg, "type-mismatch", f"{func.id}() needs a number, got a {sym.type}"
            )
        q = 0.0
        if func.id == "quantile":
            qt, _, qc = self.visit(node.args[1])
            if qt != NUMBER or qc is None or not 0 <= qc <= 1:
                raise self.fail(
                    node.args[1],
                    "bad-call",
                    "quantile(x, q) needs a constant q in [0, 1]",
                    FUNCTIONS["quantile"],
                )
            q = float(qc)
        self.aggregates = True
        agg = func.id
        return NUMBER, lambda env: _aggregate(agg, name, q, env), None

    def visit_compare(self, node: ast.Compare) -> tuple[Type, Fn, Any]:
        parts: list[Fn] = []
        left_node = node.left
        left = self.visit(node.left)  # a tuple here is refused by visit
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                parts.append(self._membership(left_node, left, op, right_node))
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
            left_node, left = right_node, right

        if len(parts) == 1:
            return BOOL, parts[0], None

        def fn(env: Env) -> Any:
            out = parts[0](env)
            for p in parts[1:]:
                out = np.logical_and(out, p(env))
            return out

        return BOOL, fn, None

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

    def _category_code(self, typ: Type, literal: Any, node: ast.AST) -> int:
        if not isinstance(literal, str):
            raise self.fail(
                node,
                "type-mismatch",
                f"a {typ} is compared with {literal!r}, not a string",
                'category values are strings: x == "value"',
            )
        if literal not in typ.values:
            close = difflib.get_close_matches(literal, list(typ.values), n=1)
            raise self.fail(
                node,
                "unknown-category",
                f"{literal!r} is not one of the values of this category",
                f"did you mean {close[0]!r}?"
                if close
                else "values: " + ", ".join(repr(v) for v in typ.values),
            )
        return typ.values.index(literal)

    def _compare(
        self,
        ln: ast.AST,
        left: tuple[Type, Fn, Any],
        op: ast.cmpop,
        rn: ast.AST,
        right: tuple[Type, Fn, Any],
    ) -> Fn:
        (lt, lf, lc), (rt, rf, rc) = left, right
        ufunc, symbol = _CMP[type(op)]
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
                return lambda env: ufunc(lf(env), code)
            if rt.kind == "category" and rt.values and lc is not None:
                code = self._category_code(rt, lc, ln)
                self._record(ln, lc, rn, None)
                return lambda env: ufunc(rf(env), code)
            if lt.values and rt.values and lt.values == rt.values:
                # a missing category (code -1) equals nothing, like NaN
                if symbol == "==":
                    return lambda env: (lf(env) == rf(env)) & (lf(env) >= 0)
                return lambda env: (lf(env) != rf(env)) | (lf(env) < 0)
            raise self.fail(
                rn,
                "type-mismatch",
                f"cannot compare a {lt} with a {rt}",
                "compare a category name with a string literal",
            )
        if lt != rt:
            raise self.fail(rn, "type-mismatch", f"cannot compare a {lt} with a {rt}")
        if lt == BOOL and symbol not in ("==", "!="):
            raise self.fail(
                rn, "type-mismatch", f"'{symbol}' cannot compare conditions"
            )
        self._record(ln, lc, rn, rc)
        return lambda env: ufunc(lf(env), rf(env))

    def _membership(
        self, ln: ast.AST, left: tuple[Type, Fn, Any], op: ast.cmpop, rn: ast.AST
    ) -> Fn:
        lt, lf, _ = left
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
        values = []
        for elt in rn.elts:
            et, _, ec = self.visit(elt)
            if ec is None:
                raise self.fail(
                    elt, "disallowed-syntax", "the values after 'in' must be constants"
                )
            if lt.kind == "category":
                values.append(self._category_code(lt, ec, elt))
            elif et != lt:
                raise self.fail(
                    elt,
                    "type-mismatch",
                    f"{ec!r} is a {et}, but the left side is a {lt}",
                )
            else:
                values.append(ec)
                if isinstance(ln, ast.Name) and self._is_variable(ln.id):
                    self.comparisons.append((ln.id, ec))
        negate = isinstance(op, ast.NotIn)
        allowed = np.asarray(values)

        def fn(env: Env) -> Any:
            return np.isin(lf(env), allowed, invert=negate)

        return fn


def _depth_and_size(tree: ast.AST) -> tuple[int, int]:
    """Depth and node count, iteratively (no recursion on hostile input)."""
    stack = [(tree, 1)]
    depth = nodes = 0
    while stack:
        node, d = stack.pop()
        nodes += 1
        depth = max(depth, d)
        if nodes > MAX_NODES * 4:
            break
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return depth, nodes


def check_expr(
    text: Any, symbols: Mapping[str, Symbol], *, want: Type | None = BOOL
) -> tuple[Compiled | None, list[ExprProblem]]:
    """Parse, check and compile one expression.

    Returns the compiled expression (``None`` when there are problems) and the
    problems found, with character offsets in *text*.
    """
    if not isinstance(text, str) or len(text) > MAX_EXPR_CHARS:
        return _check_body(text, symbols, want=want)  # refused as it is
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
        compiled = attrs.evolve(compiled, text=text)
    return compiled, problems


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
    try:
        tree = ast.parse(text.strip("\n"), mode="eval")
    except SyntaxError as exc:
        line = exc.lineno or 1
        src_lines = text.strip("\n").split("\n")
        src = src_lines[line - 1] if 0 < line <= len(src_lines) else ""
        col = _char_offset(src, max((exc.offset or 1) - 1, 0))
        return None, [
            ExprProblem(
                col, col + 1, "expr-syntax", f"invalid condition: {exc.msg}", "", line
            )
        ]
    except (MemoryError, RecursionError, ValueError) as exc:
        return None, [
            ExprProblem(
                0,
                1,
                "limit",
                f"condition too deeply nested ({type(exc).__name__})",
                f"at most {MAX_DEPTH} levels",
            )
        ]
    depth, nodes = _depth_and_size(tree)
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
    try:
        typ, fn, _ = checker.visit(tree.body)
    except _Failed:
        return None, checker.problems
    if want is not None and typ.kind != want.kind:
        line, start, end = _span(tree.body, checker.lines)
        return None, [
            ExprProblem(
                start,
                end,
                "type-mismatch",
                f"expected a {want.kind}, got a {typ}",
                "compare it with something, e.g. x > 0" if want == BOOL else "",
                line,
            )
        ]
    return Compiled(
        text,
        typ,
        fn,
        frozenset(checker.names),
        tuple(checker.comparisons),
        frozenset(checker.opaque),
        checker.aggregates,
    ), []
