"""Rule sets with long rule lists label in the engines as NumPy does.

Before: a segmentation of about 200 rules or more, a table of as many
breaks, a tag of as many rules, a translation of as many labels, or a
number field compared with as many cuts built one ``when/then/otherwise``
(or ``|``) level per rule, and narwhals' pandas, Dask and PyArrow
evaluators and Polars' planner recursed once per level: ``RecursionError``.
Now chains longer than ``_engine_rules._CHAIN`` are split in halves
(``_first_of``), at most ``_CHAIN + 2 log n`` levels deep.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules

pytest.importorskip("narwhals")
pytest.importorskip("pyarrow")
pytest.importorskip("polars")
pytest.importorskip("duckdb")

from test_audit33_r2 import ENGINES, _default_stack, _frame, dd


def _out(rs: Any, engine: str, df: pd.DataFrame, **kw: Any) -> pd.DataFrame:
    import narwhals as nw

    from custseg.engines import compile_rules

    with warnings.catch_warnings(), _default_stack():
        warnings.simplefilter("ignore", FutureWarning)
        out = compile_rules(rs, backend=engine, **kw).apply(
            nw.from_native(_frame(engine, df))
        )
        native = out.to_native()
        if engine == "dask":
            return native.compute().reset_index(drop=True)
        if engine == "duckdb":
            return native.df()
        return native if engine == "pandas" else nw.from_native(native).to_pandas()


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return [None if pd.isna(v) else v for v in frame[name]]


def _engines() -> list[str]:
    return [e for e in ENGINES if e != "dask" or dd is not None]


_OPS = (">=", ">", "<", "<=", "==", "!=")


def _segmentation(rows: list[tuple[str, float]], kind: str) -> Any:
    listed = ",\n".join(
        f'{{ label = "L{i}", when = "x {op} {cut!r}" }}'
        for i, (op, cut) in enumerate(rows)
    )
    return rules.loads(
        f"""format = 1
[fields]
x = {{ type = "{kind}", missing = true }}
[segments.s]
default = "none"
rules = [
{listed}
]
"""
    )


def test_the_reported_300_rules() -> None:
    """A segmentation of 300 rules ``spend >= 300 - i``: first match wins."""
    rs = _segmentation([(">=", float(300 - i)) for i in range(300)], "number")
    df = pd.DataFrame({"x": [0.5, 1.0, 5.0, 300.0, None]})
    want = ["none", "L299", "L295", "L0", "none"]
    assert list(rs.evaluate(df)["s"]) == want
    for engine in _engines():
        out = _out(rs, engine, df, explain=True)
        assert _column(out, "s") == want, engine
        assert _column(out, "s.rule") == [-1, 299, 295, 0, -1], engine


@settings(max_examples=12, deadline=None)
@given(
    n=st.sampled_from([17, 33, 240, 520]),
    kind=st.sampled_from(["number", "integer"]),
    data=st.data(),
)
def test_long_segmentations_label_as_numpy(n: int, kind: str, data: Any) -> None:
    """n rules of every comparison at whole and half cuts (the integer
    column's cuts are moved to a side, one more chain per cut), the first
    match wins on every engine as in NumPy, with the deciding rule."""
    cut = st.integers(-20, 20).map(float)
    if kind == "number":
        cut = cut | st.integers(-40, 40).map(lambda v: v / 2)
    rows = data.draw(
        st.lists(st.tuples(st.sampled_from(_OPS), cut), min_size=n, max_size=n)
    )
    rs = _segmentation(rows, "number" if kind == "number" else "integer")
    values = st.integers(-21, 21) | st.none()
    column = data.draw(st.lists(values, min_size=1, max_size=8))
    df = pd.DataFrame(
        {"x": pd.array(column, dtype="Int64" if kind == "integer" else "Float64")}
    )
    if kind == "number":
        df["x"] = df["x"].astype("float64") / 2
    want = rs.evaluate(df, explain=True).to_pandas()
    for engine in _engines():
        out = _out(rs, engine, df, explain=True)
        assert _column(out, "s") == list(want["s"]), engine
        assert _column(out, "s.rule") == list(want["s.rule"]), engine


def test_a_table_of_many_breaks_and_translations() -> None:
    """A table of 300 breaks, translated label by label: intervals and
    missing values as NumPy gives them."""
    breaks = list(range(0, 600, 2))
    labels = [f"b{i}" for i in range(len(breaks) + 1)]
    zh = ", ".join(f'{lab} = "区{i}"' for i, lab in enumerate(labels))
    rs = rules.loads(
        f"""format = 1
[fields]
x = {{ type = "number", missing = true }}
[tables.t]
field = "x"
breaks = {breaks}
labels = {[*labels]}
missing = "unknown"
translations.zh = {{ {zh} }}
""".replace("'", '"')
    )
    df = pd.DataFrame({"x": [-1.0, 0.0, 1.9, 2.0, 301.0, 598.0, 599.0, None]})
    for lang in (None, "zh"):
        want = list(rs.evaluate(df, lang=lang)["t"])
        assert want[0] == ("b0" if lang is None else "区0")
        for engine in _engines():
            assert _column(_out(rs, engine, df, lang=lang), "t") == want, (engine, lang)


def test_a_tag_of_many_rules() -> None:
    """One tag given by 300 rules (any of them): held as NumPy holds it."""
    listed = ",\n".join(f'{{ tag = "hit", when = "x == {i * 3}" }}' for i in range(300))
    rs = rules.loads(
        f"""format = 1
[fields]
x = {{ type = "integer", missing = true }}
[tags.f]
rules = [
{listed}
]
"""
    )
    df = pd.DataFrame({"x": pd.array([0, 1, 3, 897, 898, 900, None], dtype="Int64")})
    want = [bool(v) for v in rs.evaluate(df).to_pandas()["f.hit"]]
    assert want == [True, False, True, True, False, False, False]
    for engine in _engines():
        assert [bool(v) for v in _out(rs, engine, df)["f.hit"]] == want, engine
