"""Audit 37, the rules DSL fuzzed against an oracle.

1. A derived value that is a number constant (``lim = "0.3"``, ``lim =
   "p"``, ``lim = "0.1 + 0.2"``) was compared as a derived value, not as
   the constant it is: a ``Decimal`` field that float64 rounds onto it
   (``Decimal("0.29999999999999999999")``) was ``>= lim`` and ``== lim``,
   where ``x >= 0.3`` and ``x >= p`` say no, with no error, on NumPy and on
   every engine. It is now a named constant, compared as a parameter is.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from custseg import rules
from test_audit31_rules import _OPS  # the six comparisons as operators

#: the forms a derived value of the constant 0.3 takes
_FORMS = ["0.3", "p", "(p)", "0.1 + 0.2", "3 * 0.1", "-(-0.3)", "p + 0", "0.6 / 2"]

#: decimals float64 rounds onto 0.3 (or is), and others around it
_VALUES = [
    Decimal("0.29999999999999999999"),
    Decimal("0.3"),
    Decimal("0.30000000000000000001"),
    Decimal("0.2999999999999999"),
    Decimal("0.2"),
    Decimal("0.4"),
]


def _file(form: str, cond: str) -> str:
    return f"""format = 1
[fields]
x = {{ type = "number", missing = true }}
[params]
p = 0.3
[derived]
lim = "{form}"
[segments.s]
default = "no"
rules = [{{ label = "yes", when = "{cond}" }}]
"""


@given(
    form=st.sampled_from(_FORMS),
    op=st.sampled_from(sorted(_OPS)),
    flip=st.booleans(),
    values=st.lists(st.sampled_from([*_VALUES, None]), min_size=1, max_size=6),
)
def test_derived_constant_compares_as_the_number(
    form: str, op: str, flip: bool, values: list[Decimal | None]
) -> None:
    """``x OP lim`` (or ``lim OP x``) labels each Decimal as its exact
    comparison with 0.3 says, as ``x OP 0.3`` does."""
    cond = f"lim {op} x" if flip else f"x {op} lim"
    rs = rules.loads(_file(form, cond))
    out = rs.evaluate({"x": np.array(values, dtype=object)})["s"]
    three = Decimal("0.3")
    expected = [
        "no"
        if v is None
        else ("yes" if (_OPS[op](three, v) if flip else _OPS[op](v, three)) else "no")
        for v in values
    ]
    assert out.to_numpy().tolist() == expected
    literal = rules.loads(_file(form, cond.replace("lim", "0.3")))
    assert (
        literal.evaluate({"x": np.array(values, dtype=object)})["s"].to_numpy().tolist()
        == expected
    )


def test_derived_constant_repro() -> None:
    rs = rules.loads(_file("0.3", "x >= lim"))
    x = np.array(
        [Decimal("0.29999999999999999999"), Decimal("0.3"), None], dtype=object
    )
    assert rs.evaluate({"x": x})["s"].to_numpy().tolist() == ["no", "yes", "no"]
    # a derived value that reads a field is still a derived value
    rs = rules.loads(_file("x + 0", "lim >= 0.3"))
    assert rs.evaluate({"x": np.array([0.2, 0.3])})["s"].to_numpy().tolist() == [
        "no",
        "yes",
    ]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_derived_constant_engines(backend: str) -> None:
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    pytest.importorskip(backend)
    nw = pytest.importorskip("narwhals")
    from custseg.engines import compile_rules

    rs = rules.loads(_file("0.1 + 0.2", "x >= lim"))
    table = pa.table(
        {
            "x": pa.array(
                [Decimal("0.29999999999999999999"), Decimal("0.3"), None],
                type=pa.decimal128(38, 20),
            )
        }
    )
    out = compile_rules(rs, backend=backend).apply(nw.from_native(pl.from_arrow(table)))
    assert out.to_native()["s"].to_list() == ["no", "yes", "no"]


# 2. A carriage return alone in a condition (TOML's "\r" escape) ends a line
#    for Python's parser: the error was placed on a line past the condition
#    (7:1 for a one-line rule at line 6) and a text 'a\rb' was said to be
#    "unterminated". It is refused as the character it is, at its column.

_HEAD = 'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\ndefault = "low"\n'


@given(
    before=st.sampled_from(["x > 1 and", "(x > 1 and", "x > 'a", "x >= 1 or (x <"]),
    after=st.sampled_from([" x >= 5", " x >= 5)", "b' == 1", " y >>= 5)", "\\r 2)"]),
    pad=st.integers(0, 3),
)
def test_lone_carriage_return_is_placed(before: str, after: str, pad: int) -> None:
    prefix = 'rules = [{ label = "h",' + " " * pad + ' when = "'
    line = prefix + before + "\\r" + after + '" }]'
    errors = [
        d for d in rules.check(_HEAD + line + "\n", text=True) if d.severity == "error"
    ]
    assert [(d.line, d.column, d.code) for d in errors] == [
        (6, len(prefix) + len(before) + 1, "expr-syntax")
    ]
    assert "U+000D" in errors[0].message


def test_carriage_return_repro() -> None:
    text = _HEAD + 'rules = [{ label = "h", when = "(x > 1 and\\r y >= 5)" }]\n'
    [d] = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert (d.line, d.column) == (6, 43)
    # a CR before a LF is a line end, as before
    text = _HEAD + 'rules = [{ label = "h", when = "(x > 1 and\\r\\n x >= 5)" }]\n'
    assert not [d for d in rules.check(text, text=True) if d.severity == "error"]


def test_example_cannot_give_a_derived_constant_another_value() -> None:
    """An example that gives a derived constant another value would be
    ignored now that the rules read it as a constant: it is refused at the
    value, and the constant itself may still be given."""
    text = _file("0.3", "x >= lim") + (
        '[[examples]]\ngiven = { x = 0.2, lim = 0.1 }\nexpect = { s = "yes" }\n'
        '[[examples]]\ngiven = { x = 0.3, lim = 0.3 }\nexpect = { s = "yes" }\n'
    )
    errors = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert [(d.line, d.code) for d in errors] == [(12, "bad-value")]
    assert "constant 0.3" in errors[0].message
