"""Audit 23, the engines: names alike but for case, category columns of
different types."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
nw = pytest.importorskip("narwhals")

from custseg import RfmEdges, ScoreEdges, rules  # noqa: E402
from custseg.engines import compile_rules, label_in_engine  # noqa: E402
from custseg.errors import InputError  # noqa: E402
from custseg.frame import apply_rules  # noqa: E402

_EDGES = RfmEdges(
    ScoreEdges((30, 90, 180, 270)),
    ScoreEdges((1, 2, 4, 8)),
    ScoreEdges((50, 100, 500, 1000)),
)
_FACTS = pd.DataFrame(
    {
        "customer_id": ["a", "b"],
        "recency_days": [3.0, 400.0],
        "frequency": [12, 1],
        "monetary": [2500.0, 30.0],
        "tenure_days": [700.0, 400.0],
    }
)


@pytest.mark.parametrize(
    "column",
    ["R", "M", "RFM", "Rfm", "Lifecycle", "RFM11", "Ecom4", "STATUS", "Care_Phase"],
)
def test_an_input_column_named_like_an_output_but_for_case(column: str) -> None:
    """DuckDB names columns without regard to case: an input column
    ``RFM11`` kept its name and hid the computed ``rfm11`` (a ``select
    rfm11`` read the input's old labels), or failed with a bare narwhals
    error. Refused there, naming the column; Polars keeps both."""
    name = column.lower()
    facts = _FACTS.assign(**{column: ["old-a", "old-b"]})
    want = label_in_engine(pl.from_pandas(_FACTS), preset="ecommerce", edges=_EDGES)
    got = label_in_engine(pl.from_pandas(facts), preset="ecommerce", edges=_EDGES)
    assert got[name].to_list() == want[name].to_list()
    assert got[column].to_list() == ["old-a", "old-b"]
    with pytest.raises(InputError, match="but for case") as info:
        label_in_engine(duckdb.from_df(facts), preset="ecommerce", edges=_EDGES)
    assert info.value.field == column
    # apply_rules reads the scores r, f, m (a column R is that name but for
    # case) and adds the rules' outputs (not rfm)
    if name in ("r", "m"):
        scored = facts.assign(f=[5, 1], **{"m" if name == "r" else "r": [5, 1]})
        with pytest.raises(InputError, match=f"the column '{column}' is the name"):
            apply_rules(scored, "ecommerce")
        return
    scored = facts.assign(r=[5, 1], f=[5, 1], m=[5, 1])
    if name == "rfm":
        apply_rules(duckdb.from_df(scored), "ecommerce")  # no output of that name
        return
    with pytest.raises(InputError, match="but for case"):
        apply_rules(duckdb.from_df(scored), "ecommerce")


# a number field and two derived values named alike but for case
_HOT = """
format = 1
[fields]
x = { type = "number" }
[derived]
Hot = "x > 5"
hot = "x > 1"
"""
_CASES = rules.loads(
    _HOT
    + """
[segments.Tier]
default = "low"
rules = [{ label = "HOT", when = "Hot" }]
[segments.tier]
default = "low"
rules = [{ label = "hot", when = "hot" }]
[tags.t]
rules = [{ tag = "Big", when = "x > 5" }, { tag = "big", when = "x > 1" }]
""",
    path="case.toml",
)


def _labels(frame: Any) -> dict[str, list[Any]]:
    out = frame if isinstance(frame, pl.DataFrame) else frame.order("i").pl()
    return {c: out[c].to_list() for c in out.columns if c not in ("x", "i")}


def test_rules_named_alike_but_for_case() -> None:
    """Segmentations ``Tier`` and ``tier``, tags ``Big`` and ``big``: on
    Polars the core's labels; on DuckDB an error naming both (it was a bare
    narwhals DuplicateError)."""
    xs = [0.0, 3.0, 10.0]
    core = _CASES.evaluate({"x": np.array(xs)})
    frame = pl.DataFrame({"x": xs, "i": [0, 1, 2]})
    got = _labels(
        compile_rules(_CASES, backend="polars").apply(nw.from_native(frame)).to_native()
    )
    assert (
        got["Tier"] == core.labels["Tier"].to_numpy().tolist() == ["low", "low", "HOT"]
    )
    assert (
        got["tier"] == core.labels["tier"].to_numpy().tolist() == ["low", "hot", "hot"]
    )
    assert got["t.big"] == [False, True, True] and got["t.Big"] == [False, False, True]
    rel = duckdb.from_arrow(frame.to_arrow())
    with pytest.raises(InputError, match="named alike but for case") as info:
        compile_rules(_CASES, backend="duckdb").apply(nw.from_native(rel))
    assert {info.value.field, "Tier", "tier"} == {"Tier", "tier"} or "Big" in str(
        info.value
    )


def test_derived_values_named_alike_but_for_case_on_duckdb() -> None:
    """Derived values ``Hot`` and ``hot`` (no output of their own) were two
    temporary columns one name apart but for case: a bare
    ColumnNotFoundError on DuckDB. Their temporary columns are numbered."""
    rs = rules.loads(
        _HOT
        + """
[segments.s]
default = "low"
rules = [{ label = "HOT", when = "Hot" }, { label = "hot", when = "hot" }]
""",
        path="derived.toml",
    )
    xs = [0.0, 3.0, 10.0]
    want = rs.evaluate({"x": np.array(xs)}).labels["s"].to_numpy().tolist()
    rel = duckdb.from_arrow(pl.DataFrame({"x": xs, "i": [0, 1, 2]}).to_arrow())
    got = _labels(
        compile_rules(rs, backend="duckdb").apply(nw.from_native(rel)).to_native()
    )
    assert got["s"] == want == ["low", "hot", "HOT"]


_KINDS = {
    "String": lambda v: pl.Series(v, dtype=pl.String),
    "Categorical": lambda v: pl.Series(v, dtype=pl.Categorical),
    "Enum ab": lambda v: pl.Series(v, dtype=pl.Enum(["a", "b"])),
    "Enum ba": lambda v: pl.Series(v, dtype=pl.Enum(["b", "a"])),
}


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("left", sorted(_KINDS))
@pytest.mark.parametrize("right", sorted(_KINDS))
def test_two_category_columns_of_any_types(left: str, right: str, lazy: bool) -> None:
    """``c == d`` of two category fields held as different Enums, or an Enum
    and a Categorical: a bare Polars error ("Enum mismatch"); now compared
    as text, as the core compares them."""
    rs = rules.loads(
        """
format = 1
[fields]
c = { type = "category", values = ["a", "b"], missing = true }
d = { type = "category", values = ["a", "b"], missing = true }
[segments.s]
default = "other"
rules = [{ label = "same", when = "c == d" }, { label = "apart", when = "c != d" }]
""",
        path="cats.toml",
    )
    c, d = ["a", "b", None, "a"], ["a", "a", "b", None]
    want = rs.evaluate({"c": c, "d": d}).labels["s"].to_numpy().tolist()
    frame = pl.DataFrame({"c": _KINDS[left](c), "d": _KINDS[right](d)})
    native = frame.lazy() if lazy else frame
    out = compile_rules(rs, backend="polars").apply(nw.from_native(native)).to_native()
    out = out.collect() if lazy else out
    assert out["s"].to_list() == want == ["same", "apart", "other", "other"]
