"""The tabulated evaluation of segmentations (lookup tables over input cells)
against the rule-by-rule evaluation (closures): same labels, same deciding
rules, on random rule sets and data, on every cell of the presets'
segmentations, with missing values, integer and float columns."""

from __future__ import annotations

import itertools
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from custseg import rules
from custseg.rules import _analysis
from test_rules_properties import UNSHRUNK, Spec, _arrays, _load, datasets, rule_sets


def _untabulated(rs: rules.RuleSet) -> rules.RuleSet:
    """*rs* with every segmentation evaluated rule by rule."""
    tables, skip = _analysis.lookups(rs, max_cells=0)
    assert tables == {}
    return attrs.evolve(rs, lookups=tables, skip=skip)


def _assert_same(a: Any, b: Any) -> None:
    assert set(a.labels) == set(b.labels)
    for name in a.labels:
        assert a[name].names == b[name].names, name
        assert a[name].to_numpy().tolist() == b[name].to_numpy().tolist(), name
    assert set(a.explain) == set(b.explain)
    for name in a.explain:
        assert a.explain[name].tolist() == b.explain[name].tolist(), name
    for name, (tags, matrix) in a.tags.items():
        assert b.tags[name][0] == tags
        assert b.tags[name][1].tolist() == matrix.tolist()


def _both(rs: rules.RuleSet, data: Any) -> None:
    _assert_same(
        rs.evaluate(data, explain=True), _untabulated(rs).evaluate(data, explain=True)
    )


class TestRandomRuleSets:
    """Random rule sets: the tabulated and rule-by-rule paths agree."""

    @UNSHRUNK
    @given(data=st.data(), spec=rule_sets())
    def test_any_conditions(self, data: st.DataObject, spec: Spec) -> None:
        """Aggregates, arithmetic, tables, missing values: labels and rules agree."""
        rs = _load(spec.text)
        _both(rs, _arrays(data.draw(datasets(spec))))

    @UNSHRUNK
    @given(data=st.data(), spec=rule_sets(aggregates=False))
    def test_integer_columns(self, data: st.DataObject, spec: Spec) -> None:
        """Whole numbers passed as int64 columns (compared as integers) agree."""
        rs = _load(spec.text)
        rows = data.draw(datasets(spec))
        arrays = _arrays(rows)
        for name, col in list(arrays.items()):
            col = np.asarray(col)
            whole = col.dtype.kind == "f" and not np.isnan(col).any()
            if whole and (col == np.trunc(col)).all():
                arrays[name] = col.astype(np.int64)
        _both(rs, arrays)


# --------------------------------------------------------------------------
# every input cell of the presets' segmentations

_MISSING = math.nan


def _pool(rs: rules.RuleSet, name: str, cuts: dict[str, set[float]]) -> list[Any]:
    """Values of field *name* that reach every slot of every lookup axis."""
    spec = rs.fields[name]
    if spec.kind == "category":
        return [*spec.values, *([None] if spec.missing else [])]
    if spec.kind == "bool":
        return [True, False, *([None] if spec.missing else [])]
    lo = spec.min if spec.min is not None else -1e6
    hi = spec.max if spec.max is not None else 1e6
    pts: set[float] = {lo, hi}
    if spec.kind == "integer" and hi - lo <= 200:
        pts |= {float(x) for x in range(math.ceil(lo), math.floor(hi) + 1)}
    for c in cuts.get(name, ()):
        for x in (c - 1, c - 0.5, c, c + 0.5, c + 1):
            if lo <= x <= hi and (spec.kind != "integer" or x == math.floor(x)):
                pts.add(float(x))
    values: list[Any] = sorted(pts)
    if spec.missing:
        values.append(_MISSING)
    return values


def _columns(rs: rules.RuleSet, rows: list[tuple[Any, ...]], names: list[str]) -> Any:
    data: dict[str, Any] = {}
    for j, name in enumerate(names):
        col = [row[j] for row in rows]
        kind = rs.fields[name].kind
        data[name] = (
            np.asarray(col, dtype=object)
            if kind in ("category", "bool")
            else np.asarray(col, dtype=np.float64)
        )
    return data


def _cuts(rs: rules.RuleSet) -> dict[str, set[float]]:
    out: dict[str, set[float]] = {}
    for lk in rs.lookups.values():
        for name, cut in zip(
            lk.fields, lk.cuts or (None,) * len(lk.fields), strict=True
        ):
            if cut is not None:
                out.setdefault(name, set()).update(c for c in cut if math.isfinite(c))
    for t in rs.tables.values():
        out.setdefault(t.field, set()).update(t.breaks)
    return out


class TestPresetCells:
    """Every combination of input slots of each preset segmentation."""

    @pytest.mark.parametrize("preset", sorted(rules.presets()))
    def test_every_cell(self, preset: str) -> None:
        """All slot combinations of each lookup's fields, both paths agree."""
        rs = rules.load(preset)
        cuts = _cuts(rs)
        required = [f for f in rs.required_fields() if not rs.fields[f].optional]
        for seg in rs.lookups:
            fields = sorted(rs.fields_read()[seg])
            pools = [_pool(rs, f, cuts) for f in fields]
            assert math.prod(len(p) for p in pools) <= 200_000, seg
            rows = list(itertools.product(*pools))
            data = _columns(rs, rows, fields)
            for other in required:  # the fields the segmentation does not read
                if other not in data:
                    pool = _pool(rs, other, cuts)
                    filler = [pool[i % len(pool)] for i in range(len(rows))]
                    data[other] = np.asarray(filler, dtype=np.float64)
            if {"tenure_days", "recency_days"} <= set(data):
                # cells a run can have: the rules refuse a tenure below the
                # recency (a first purchase after the last) since audit 40
                with np.errstate(invalid="ignore"):
                    keep = ~(
                        np.asarray(data["tenure_days"], dtype=np.float64)
                        < np.asarray(data["recency_days"], dtype=np.float64)
                    )
                data = {k: np.asarray(x)[keep] for k, x in data.items()}
            result = rs.evaluate(data, explain=True)
            plain = _untabulated(rs).evaluate(data, explain=True)
            assert seg in result.labels
            assert result[seg].to_numpy().tolist() == plain[seg].to_numpy().tolist()
            assert result.explain[seg].tolist() == plain.explain[seg].tolist()

    def test_named_segmentations_are_tabulated(self) -> None:
        """The 8-type and e-commerce 4-class segmentations (and status) are
        lookups in every preset; the 8-type reads its aggregate splits as
        inputs of their own."""
        for preset in rules.presets():
            rs = rules.load(preset)
            assert {"rfm11", "rfm_vignette", "rfm8", "ecom4", "status"} <= set(
                rs.lookups
            ), preset
        rs = rules.load("base")
        assert {"r_high", "f_high", "m_high"} <= set(rs.lookups["rfm8"].fields)
        assert rs.lookups["ecom4"].cuts[
            rs.lookups["ecom4"].fields.index("monetary")
        ] == (1000.0,)


# --------------------------------------------------------------------------
# cut axes: constants, dtypes, infinities

CUT = """
format = 1
[fields]
x = { type = "number", missing = true }
n = { type = "integer", min = 0 }
[segments.s]
default = "other"
rules = [
  { label = "huge", when = "x >= 1 / 0" },
  { label = "tiny", when = "x <= -1 / 0" },
  { label = "at", when = "x == 2.5 or n == 3" },
  { label = "between", when = "1 < x < 2.5 and n != 0" },
  { label = "in", when = "n in (1, 7) or x in (-4, 10)" },
  { label = "nan", when = "x == 0 / 0" },
  { label = "unscored", when = "missing(x)" },
]
"""


class TestCutAxes:
    """Number fields compared only with constants: cut at them, exactly."""

    def test_cut_axes_are_used(self) -> None:
        """x and n are cut by their constants (infinities included, NaN not)."""
        rs = rules.loads(CUT)
        lk = rs.lookups["s"]
        cuts = dict(zip(lk.fields, lk.cuts, strict=True))
        assert cuts["n"] == (0.0, 1.0, 3.0, 7.0)
        assert cuts["x"] == (-math.inf, -4.0, 1.0, 2.5, 10.0, math.inf)

    @given(
        x=st.lists(
            st.one_of(
                st.sampled_from([-4.0, 1.0, 2.5, 10.0, math.nan, 0.0, 2.0]),
                st.floats(-20, 20, allow_nan=False),
            ),
            min_size=1,
            max_size=40,
        ),
        n=st.lists(st.integers(0, 10), min_size=40, max_size=40),
        as_int=st.booleans(),
    )
    def test_values_around_constants(
        self, x: list[float], n: list[int], as_int: bool
    ) -> None:
        """Values at, between and beyond the constants, NaN too; n as int64
        or float64 columns."""
        rs = rules.loads(CUT)
        ncol = np.asarray(n[: len(x)], dtype=np.int64 if as_int else np.float64)
        _both(rs, {"x": np.asarray(x, dtype=np.float64), "n": ncol})

    def test_large_integers(self) -> None:
        """int64 values far beyond 2**53 compared with a constant near 1e15."""
        text = """
format = 1
[fields]
k = { type = "integer" }
[segments.s]
default = "small"
rules = [{ label = "big", when = "k > 999999999999999.5" }]
"""
        rs = rules.loads(text)
        assert "s" in rs.lookups
        k = np.asarray(
            [10**15 - 1, 10**15, 2**53 + 1, 2**62, -(2**62), 0], dtype=np.int64
        )
        out = rs.evaluate({"k": k})
        assert out["s"].to_numpy().tolist() == [
            "small",
            "big",
            "big",
            "big",
            "small",
            "small",
        ]
        _both(rs, {"k": k})

    def test_inexact_constant_is_refused(self) -> None:
        """A folded constant past 1e15 (float64 may not hold it exactly: past
        2**53) is a `limit` error at the product, as a number written so
        large is; it used to be compared rounded, rule by rule."""
        text = """
format = 1
[fields]
k = { type = "integer" }
[segments.s]
default = "small"
rules = [{ label = "big", when = "k > 1000000000000000 * 100" }]
"""
        (d,) = [d for d in rules.check(text) if d.severity == "error"]
        assert (d.code, d.line, d.source_line[d.column - 1 : d.end_column - 1]) == (
            "limit",
            7,
            "1000000000000000 * 100",
        )

    def test_arithmetic_is_not_cut(self) -> None:
        """A number field in arithmetic has no cells: no lookup."""
        text = """
format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "low"
rules = [{ label = "high", when = "x * 2 > 3" }]
"""
        rs = rules.loads(text)
        assert rs.lookups == {}


# --------------------------------------------------------------------------
# derived conditions with aggregates as inputs

ATOMS = """
format = 1
[fields]
m = { type = "number", missing = true }
f = { type = "integer", min = 0, missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
[derived]
m_high = "m > mean(m)"
f_high = "f > median(f)"
r_high = "r >= 3"
both = "m_high and f_high"
[tables.band]
field = "m"
breaks = [10, 100]
labels = ["low", "mid", "top"]
missing = "none"
[segments.s]
default = "rest"
rules = [
  { label = "both", when = "both and r_high" },
  { label = "unknown", when = "missing(m_high) or missing(f_high)" },
  { label = "m", when = "m_high and band != 'top'" },
  { label = "not f", when = "not f_high" },
]
"""


class TestDerivedInputs:
    """Derived conditions with aggregates are read as TRUE / FALSE / UNKNOWN."""

    def test_atoms(self) -> None:
        """The lookup reads m_high, f_high, both, the table and r, not m or f."""
        rs = rules.loads(ATOMS)
        lk = rs.lookups["s"]
        assert set(lk.fields) == {"band", "both", "m_high", "f_high", "r"}
        assert "r_high" in rs.skip and "both" not in rs.skip

    @given(
        m=st.lists(
            st.one_of(st.just(math.nan), st.floats(0, 200, allow_nan=False)),
            min_size=1,
            max_size=30,
        ),
        f=st.lists(
            st.sampled_from([0.0, 1.0, 2.0, 5.0, math.nan]), min_size=30, max_size=30
        ),
        r=st.lists(
            st.sampled_from([1.0, 2.0, 3.0, 5.0, math.nan]), min_size=30, max_size=30
        ),
    )
    def test_agree(self, m: list[float], f: list[float], r: list[float]) -> None:
        """Any mix of values and missing values: both paths agree."""
        rs = rules.loads(ATOMS)
        k = len(m)
        _both(rs, {"m": np.asarray(m), "f": np.asarray(f[:k]), "r": np.asarray(r[:k])})


class TestSharedCells:
    """Lookups over the same inputs share the cells computed for one evaluation."""

    def test_rfm_schemes_share(self) -> None:
        """rfm11 and rfm_vignette read the same score axes: one cell array."""
        from custseg.rules._expr import Env

        rs = rules.load("base")
        a, b = rs.lookups["rfm11"], rs.lookups["rfm_vignette"]
        rng = np.random.default_rng(0)
        values = {
            k: np.where(rng.random(50) < 0.2, np.nan, rng.integers(1, 6, 50))
            for k in "rfm"
        }
        env = Env(50, values)
        a.apply(env, False)
        cells = len(env.cells)
        b.apply(env, False)
        assert len(env.cells) == cells  # nothing new computed
