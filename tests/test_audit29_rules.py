"""Audit 29, rules DSL and its engine compilation: findings of the
twenty-ninth audit.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from engine_labels import in_engine

ENGINES = ["polars", "duckdb", "pyarrow", "pandas"]


def _in_engine(rs: Any, df: pd.DataFrame, engine: str) -> dict[str, list[Any]]:
    """The label columns of *df* (with its ``customer_id``), labelled inside
    *engine* by ``compile_rules``, in the order of *df*."""
    pytest.importorskip(engine)
    pytest.importorskip("narwhals")
    got = in_engine(rs, df, engine)
    return {name: got[name].tolist() for name in rs.segments}


def _core(rs: Any, df: pd.DataFrame) -> dict[str, list[Any]]:
    out = rs.evaluate({"monetary": df["monetary"].to_numpy()})
    return {name: out[name].to_numpy().tolist() for name in rs.segments}


# --------------------------------------------------------------------------
# 1. An engine's quantile differed from NumPy's linear quantile by rounding
# when it falls between two order statistics: PyArrow and DuckDB
# interpolate as a * (1 - t) + b * t, which is not a when a == b, so every
# customer on a tied amount at the quantile got the other label


def _quantile_rules(*qs: float) -> Any:
    """For each q: whether monetary is at least, equal to or above
    quantile(monetary, q) (segments at_least_i, on_i, above_i), and at
    least the median."""
    params = "".join(f"q{i} = {q!r}\n" for i, q in enumerate(qs))
    segments = "".join(
        f"""
[segments.{name}_{i}]
default = "no"
rules = [{{ label = "yes", when = "monetary {op} quantile(monetary, q{i})" }}]
"""
        for i in range(len(qs))
        for name, op in (("at_least", ">="), ("on", "=="), ("above", ">"))
    )
    return rules.loads(
        f"""
format = 1
[fields]
monetary = {{ type = "number", missing = true }}
[params]
{params}
[segments.middle]
default = "no"
rules = [{{ label = "yes", when = "monetary >= median(monetary)" }}]
{segments}"""
    )


def _frame(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(values))],
            "monetary": pd.array(values, dtype="Float64").astype(float),
        }
    )


@pytest.mark.parametrize(
    ("values", "q", "top"),
    [
        ([648.05] + [874.9] * 10 + [1517.46], 0.3, 11),
        ([648.05] + [874.9] * 10 + [1517.46], 0.2, 11),
        ([29.9, 29.9], 0.2, 2),
        ([29.9, 29.9], 0.3, 2),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_quantile_of_tied_values_is_the_value(
    engine: str, values: list[float], q: float, top: int
) -> None:
    """The worked examples: the quantile is the tied amount itself."""
    rs = _quantile_rules(q)
    df = _frame(values)
    assert rs.aggregates({"monetary": values})[f"quantile(monetary, {q!r})"] in values
    core = _core(rs, df)
    assert core["at_least_0"].count("yes") == top
    assert _in_engine(rs, df, engine) == core


@pytest.mark.parametrize("q", [1.1754943508222875e-38, 1e-17])
@pytest.mark.parametrize("engine", ENGINES)
def test_quantile_with_nulls_keeps_a_tiny_fraction(engine: str, q: float) -> None:
    """Polars' "higher" order statistic rounded the fraction of the
    position away when nulls come first: its quantile was 0.0, NumPy's a
    tiny positive number, so the customer at 0.0 was on it."""
    rs = _quantile_rules(q)
    df = _frame([0.1] * 5 + [0.0, None])
    core = _core(rs, df)
    assert core["on_0"] == ["no"] * 7
    assert _in_engine(rs, df, engine) == core


#: amounts whose a * (1 - t) + a * t is not a for some t of the q below
_AMOUNTS = st.sampled_from([0.1, 19.99, 29.9, 648.05, 874.9, 1517.46])


@st.composite
def _tied(draw: Any) -> list[float | None]:
    """One amount many times, often alone, a few others, perhaps missing
    values: the quantile lands on a tie, or between two close values."""
    tie = draw(_AMOUNTS | st.floats(-1e6, 1e6).map(lambda x: round(x, 2)))
    others = draw(st.lists(_AMOUNTS | st.floats(-1e3, 1e3), max_size=4))
    values: list[float | None] = [tie] * draw(st.integers(2, 15)) + others
    values += [None] * draw(st.integers(0, 2))
    return draw(st.permutations(values))


#: the round q a file is written with, and any other
_Q = st.sampled_from([0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 1 / 3]) | st.floats(0, 1)
_ROUND_Q = st.sampled_from([0.1, 0.15, 0.2, 0.3, 0.7, 0.8, 0.9])


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None)
@given(values=_tied(), qs=st.lists(_Q, min_size=6, max_size=6))
def test_engine_quantile_is_numpys(
    engine: str, values: list[float | None], qs: list[float]
) -> None:
    """Labels read from quantile() and median() inside each engine are the
    NumPy path's, on data with many ties and any q."""
    rs = _quantile_rules(*qs)
    df = _frame(values)
    assert _in_engine(rs, df, engine) == _core(rs, df)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=30, deadline=None)
@given(
    tie=_AMOUNTS | _AMOUNTS | st.floats(-1e6, 1e6).map(lambda x: round(x, 2)),
    n=st.integers(2, 3) | st.integers(1, 6),
    missing=st.integers(0, 1),
    qs=st.lists(_ROUND_Q | _ROUND_Q | st.floats(0, 1), min_size=6, max_size=6),
)
def test_engine_quantile_of_one_amount_is_that_amount(
    engine: str, tie: float, n: int, missing: int, qs: list[float]
) -> None:
    """Every customer on one amount (a new shop, one price): every quantile
    is that amount, inside each engine as in NumPy."""
    rs = _quantile_rules(*qs)
    df = _frame([tie] * n + [None] * missing)
    got = _in_engine(rs, df, engine)
    assert got == _core(rs, df)
    for i in range(len(qs)):
        assert got[f"on_{i}"] == ["yes"] * n + ["no"] * missing


# --------------------------------------------------------------------------
# 2. quantile(x, -0.0) is the 0-quantile (the minimum); DuckDB read the
# negative zero as a quantile from the top, the maximum


@pytest.mark.parametrize("written", ["-0.0", "-0e0", "-0.0e-7", "0.0", "-0"])
@pytest.mark.parametrize("how", ["param", "literal"])
@pytest.mark.parametrize("engine", ENGINES)
def test_quantile_of_negative_zero_is_the_minimum(
    engine: str, how: str, written: str
) -> None:
    q = "q" if how == "param" else written
    rs = rules.loads(
        f"""
format = 1
[fields]
monetary = {{ type = "number" }}
[params]
q = {written}
[segments.value]
default = "low"
rules = [{{ label = "at_least_min", when = "monetary >= quantile(monetary, {q})" }}]
"""
    )
    df = _frame([20.0, 10.0, 30.0])
    # one canonical key, as for 0.0
    assert rs.aggregates({"monetary": [20.0, 10.0, 30.0]}) == {
        "quantile(monetary, 0.0)": 10.0
    }
    assert _core(rs, df)["value"] == ["at_least_min"] * 3
    assert _in_engine(rs, df, engine)["value"] == ["at_least_min"] * 3


# --------------------------------------------------------------------------
# 3. A warning on a preset's rule that only this file's override makes dead
# was located at the preset's line, which the user cannot edit


def _check(tmp_path: Path, text: str) -> list[Any]:
    path = tmp_path / "g.toml"
    path.write_text(text, encoding="utf-8")
    return rules.check(path)


def test_preset_warning_is_at_the_override(tmp_path: Path) -> None:
    """The worked example: ecommerce with monetary narrowed to max = 500."""
    text = 'format = 1\nextends = "ecommerce"\n\n[fields.monetary]\nmax = 500\n'
    warns = [d for d in _check(tmp_path, text) if d.severity == "warning"]
    assert [(d.code, d.line, d.column) for d in warns] == [
        ("never-matches", 5, 1),
        ("never-matches", 5, 1),
    ]
    for d in warns:
        assert d.path.endswith("g.toml")
        assert "fields.monetary.max" in d.message
        assert "preset:base:" in d.message  # the preset's rule, as context


@settings(max_examples=20, deadline=None)
@given(
    top=st.integers(1, 999),
    key=st.none() | st.integers(1, 5000),
    first=st.booleans(),
)
def test_preset_warnings_point_at_this_files_keys(
    tmp_path_factory: Any, top: int, key: int | None, first: bool
) -> None:
    """Whatever the override that kills a preset's rules (a field bound, a
    parameter, or both), each warning is at one of this file's keys and
    names it; a rule this file's values do not touch keeps no warning."""
    field = f"[fields.monetary]\nmax = {top}\n"
    param = "" if key is None else f"[params]\nkey_amount = {key}\n"
    body = field + "\n" + param if first else param + "\n" + field
    text = 'format = 1\nextends = "ecommerce"\n\n' + body
    lines = text.splitlines()
    diags = _check(tmp_path_factory.mktemp("g"), text)
    assert not [d for d in diags if d.severity == "error"]
    warns = [d for d in diags if d.severity == "warning"]
    threshold = 1000 if key is None else key
    assert bool(warns) == (top < threshold)
    for d in warns:
        assert d.path.endswith("g.toml"), d
        written = lines[d.line - 1]
        assert written.startswith(("max", "key_amount")), d
        name = (
            "fields.monetary.max" if written.startswith("max") else "params.key_amount"
        )
        assert name in d.message
        assert "preset:base:" in d.message


def test_own_rules_warnings_stay_at_their_lines(tmp_path: Path) -> None:
    """A rule of this file itself that never matches is warned at its line."""
    text = (
        'format = 1\nextends = "ecommerce"\n\n[fields.monetary]\nmax = 500\n\n'
        '[segments.mine]\ndefault = "x"\n'
        'rules = [{ label = "big", when = "monetary > 600" }]\n'
    )
    warns = [d for d in _check(tmp_path, text) if d.severity == "warning"]
    mine = [d for d in warns if "'mine'" in d.message]
    assert [(d.line, d.code) for d in mine] == [(9, "never-matches")]
    assert "preset:" not in mine[0].message


# --------------------------------------------------------------------------
# 4. An integer of more than 4,300 digits was a whole-text error at 1:1
# with Python's advice (sys.set_int_max_str_digits)


@pytest.mark.parametrize("digits", [3001, 4301])
def test_long_integer_is_too_large_at_its_place(digits: int) -> None:
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n[params]\nok = 1\np = '
        + "1" * digits
        + "\n"
    )
    (d,) = rules.check(text, text=True)
    assert (d.line, d.code) == (6, "limit")
    assert d.message == f"parameter 'p' is too large: an integer of {digits} digits"


@settings(max_examples=25, deadline=None)
@given(
    digits=st.integers(4301, 6000),
    sign=st.sampled_from(["", "-", "+"]),
    underscore=st.booleans(),
    where=st.sampled_from(["param", "bound", "array", "example"]),
    pad=st.sampled_from(["", " ", "  "]),
)
def test_long_integers_are_located(
    digits: int, sign: str, underscore: bool, where: str, pad: str
) -> None:
    written = "1_" + "2" * (digits - 1) if underscore else "3" * digits
    number = sign + written
    head = 'format = 1\n[fields]\nx = { type = "number"'
    if where == "bound":
        text = f"{head}, max ={pad}{number} }}\n"
        key = "'max'"
    else:
        text = head + " }\n[params]\nok = 1\n"
        if where == "param":
            text += f"p ={pad}{number}\n"
            key = "parameter 'p'"
        elif where == "array":
            text += f"p = [1,{pad}{number}]\n"
            key = "parameter 'p'"
        else:
            text += f"[[examples]]\nfacts = {{ x ={pad}{number} }}\nexpect = {{ }}\n"
            key = "'x'"
    diags = rules.check(text, text=True)
    assert diags, text[:200]
    d = diags[0]
    lines = text.splitlines()
    at = lines[d.line - 1].index(number) + 1
    assert (d.code, d.column, d.end_column) == ("limit", at, at + len(number))
    assert d.message == f"{key} is too large: an integer of {digits} digits"
    assert "sys." not in d.message + d.hint
    assert np.isfinite(d.line)
