"""Review 7, rules side: category values equal only as Python ``str`` values,
booleans that may be missing, files that are not rules files, presets by name
only, text that is not text and full-width characters in conditions, and the
memory the analysis holds."""

from __future__ import annotations

import gc
import math
import tomllib
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import HAS_PYARROW
from custseg import rules
from custseg.errors import InputError, RulesError
from custseg.rules import _analysis
from rules_reference import Reference, Undeclared, is_missing

# --------------------------------------------------------------------------
# item 2: category values


CATEGORY = """format = 1
[fields]
c = { type = "category", values = ["a", "1", "True"], missing = true }
[segments.seg]
default = "no"
rules = [{ label = "yes", when = "%s" }]
"""

# declared values, near misses of every kind, and missing values
VALUES: list[Any] = [
    "a",
    "1",
    "True",
    np.str_("a"),
    "a\x00",
    "\x00missing",
    "A",
    "a ",
    "１",
    "",
    b"a",
    b"1",
    1,
    0,
    1.0,
    True,
    np.int64(1),
    None,
    math.nan,
    pd.NA,
    pd.NaT,
]
CONDITIONS = [
    "c == 'a'",
    "c == '1'",
    "c in ('1', 'True')",
    "missing(c)",
    "not c == 'a'",
]


def _container(kind: str, values: list[Any]) -> Any:
    if kind == "list":
        return list(values)
    if kind == "object":
        return np.asarray([*values, 0], dtype=object)[:-1]  # never a 2-d array
    if kind == "series":
        return pd.Series([*values, 0], dtype=object).iloc[:-1]
    if kind in ("string", "string[pyarrow]"):
        assume(all(isinstance(x, str) or is_missing(x) for x in values))
        return pd.Series([None if is_missing(x) else x for x in values], dtype=kind)
    try:
        return pd.Categorical(values)
    except (TypeError, ValueError):  # unorderable mixed categories
        assume(False)


def _reference(condition: str, values: list[Any]) -> list[str] | None:
    ref = Reference(tomllib.loads(CATEGORY % condition))
    try:
        return ref.evaluate({"c": values}).labels["seg"]
    except Undeclared:
        return None


class TestCategoryValues:
    """A category value is declared only when it is a str equal to one."""

    @pytest.mark.parametrize(
        ("condition", "values"),
        [
            ("c == 'a'", ["a\x00", "a", "1"]),
            ("c == 'a'", [b"a", "a", "a"]),
            ("missing(c)", ["\x00missing", "a", None]),
            ("c == '1'", [1, "1", "a"]),
            ("c == 'True'", [True, "True", "a"]),
            ("c == 'a'", pd.Categorical([b"a", "a"])),
            ("c == '1'", pd.Categorical([1, 2])),
        ],
    )
    def test_review_examples(self, condition: str, values: Any) -> None:
        """The reported merges (NUL, bytes, sentinel, int, bool) are refused."""
        with pytest.raises(InputError, match="not declared"):
            rules.loads(CATEGORY % condition).evaluate({"c": values})

    @settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much])
    @given(
        condition=st.sampled_from(CONDITIONS),
        values=st.lists(st.sampled_from(VALUES), min_size=1, max_size=8),
        kind=st.sampled_from(
            ["list", "object", "series", "string", "categorical"]
            + (["string[pyarrow]"] if HAS_PYARROW else [])
        ),
    )
    def test_family_matches_reference(
        self, condition: str, values: list[Any], kind: str
    ) -> None:
        """Any mix of values in any container gives the reference's labels, or
        InputError exactly where the reference finds an undeclared value."""
        expected = _reference(condition, values)
        rs = rules.loads(CATEGORY % condition)
        data = _container(kind, values)
        if expected is None:
            with pytest.raises(InputError, match="not declared"):
                rs.evaluate({"c": data})
        else:
            assert rs.evaluate({"c": data})["seg"].to_numpy().tolist() == expected

    def test_labels_of_other_rules(self) -> None:
        """Labels from another rule set (and their numpy/pandas forms) are values."""
        table = (
            'format = 1\n[fields]\nx = { type = "number" }\n'
            '[tables.t]\nfield = "x"\nbreaks = [1]\nlabels = ["a", "True"]\n'
        )
        labels = rules.loads(table).evaluate({"x": [0, 2]})["t"]
        rs = rules.loads(CATEGORY % "c == 'a'")
        for column in (labels, labels.to_numpy(), labels.to_pandas()):
            assert rs.evaluate({"c": column})["seg"].to_numpy().tolist() == [
                "yes",
                "no",
            ]

    def test_large_columns(self) -> None:
        """Large object and Arrow string columns map every row (speed is measured
        in benchmarks, not asserted here)."""
        rs = rules.loads(CATEGORY % "c == 'a'")
        pool = np.asarray(["a", "1", "True", None], dtype=object)
        data = pool[np.random.default_rng(0).integers(0, 4, 200_000)]
        columns = [data, pd.Series(data, dtype=object)]
        if HAS_PYARROW:
            columns.append(pd.Series(data, dtype="string[pyarrow]"))
        for column in columns:
            out = rs.evaluate({"c": column})["seg"].to_numpy()
            assert (out == "yes").sum() == (data == "a").sum()


# --------------------------------------------------------------------------
# item 18: booleans that may be missing


BOOLEAN = """format = 1
[fields]
b = { type = "bool", missing = %s }
c = { type = "category", values = ["x", "y"] }
[segments.s]
default = "d"
rules = [
  { label = "yes", when = "b and c == 'x'" },
  { label = "no", when = "not b" },
  { label = "unknown", when = "missing(b)" },
]
[segments.t]
default = "d"
rules = [{ label = "either", when = "b or c == 'y'" }]
"""

BOOLS: list[Any] = [True, False, np.True_, np.False_, None, math.nan, pd.NA]


class TestMissingBooleans:
    """A bool field with missing = true takes None, NaN and pd.NA as missing."""

    @settings(max_examples=120)
    @given(
        values=st.lists(st.sampled_from(BOOLS), min_size=1, max_size=8),
        kind=st.sampled_from(["list", "object", "boolean", "float"]),
        other=st.lists(st.sampled_from(["x", "y"]), min_size=8, max_size=8),
    )
    def test_family_matches_reference(
        self, values: list[Any], kind: str, other: list[str]
    ) -> None:
        """Evaluator (through its lookup tables) and reference agree on any
        mix of booleans and missing values in object, float and boolean columns."""
        if kind == "float":
            values = [math.nan for _ in values]  # a column with no value at all
        column: Any = {
            "list": lambda: list(values),
            "object": lambda: np.asarray(values, dtype=object),
            "boolean": lambda: pd.array(
                [None if is_missing(v) else v for v in values], dtype="boolean"
            ),
            "float": lambda: np.asarray(values, dtype=np.float64),
        }[kind]()
        c = other[: len(values)]
        rs = rules.loads(BOOLEAN % "true")
        assert set(rs.lookups) == {"s", "t"}  # the lookups see missing values too
        out = rs.evaluate({"b": column, "c": c})
        ref = Reference(tomllib.loads(BOOLEAN % "true")).evaluate({"b": values, "c": c})
        for name in ("s", "t"):
            assert out[name].to_numpy().tolist() == ref.labels[name]

    @pytest.mark.parametrize(
        "column",
        [
            [True, None],
            np.asarray([False, math.nan], dtype=object),
            pd.array([True, None], dtype="boolean"),
        ],
    )
    def test_missing_needs_declaring(self, column: Any) -> None:
        """Without missing = true a missing boolean is an InputError saying so."""
        rs = rules.loads(BOOLEAN % "false")
        with pytest.raises(InputError, match="missing values"):
            rs.evaluate({"b": column, "c": ["x", "x"]})

    @pytest.mark.parametrize(
        "column", [[1, None], np.asarray([1.0, math.nan]), ["True", None], [b"", True]]
    )
    def test_non_booleans_refused(self, column: Any) -> None:
        """Numbers and strings are not booleans, missing allowed or not."""
        rs = rules.loads(BOOLEAN % "true")
        with pytest.raises(InputError, match=r"not a boolean|expected booleans"):
            rs.evaluate({"b": column, "c": ["x", "x"]})

    def test_analysis_sees_missing(self) -> None:
        """The analysis enumerates a missing boolean as a cell of its own."""
        text = (
            'format = 1\n[fields]\nb = { type = "bool", missing = %s }\n'
            '[segments.u]\ndefault = "d"\n'
            'rules = [{ label = "t", when = "b" }, { label = "f", when = "not b" }]\n'
        )
        found = [d.message for d in rules.check(text % "true")]
        assert any("the 1 cells with a missing value fall through" in m for m in found)
        found = [d.message for d in rules.check(text % "false")]
        assert not any("missing value" in m for m in found), found


# --------------------------------------------------------------------------
# item 15: files that are not rules files


class TestNotRulesFile:
    """TOML that is not a rules file is one diagnostic that echoes nothing."""

    @settings(max_examples=80)
    @given(
        keys=st.lists(
            st.from_regex(r"[A-Z][A-Z_]{2,12}", fullmatch=True),
            min_size=1,
            max_size=12,
            unique=True,
        ),
        with_format=st.booleans(),
    )
    def test_family(self, keys: list[str], with_format: bool) -> None:
        """No 'format' (or mostly unknown keys): one 'format' error, no echo."""
        secrets = [f"s3cr3t{i}_{k.lower()}" for i, k in enumerate(keys)]
        lines = [f'{k} = "{v}"' for k, v in zip(keys, secrets, strict=True)]
        if with_format:
            assume(len(keys) >= 2)
            lines.insert(len(lines) // 2, "format = 1")
        found = rules.check("\n".join(lines) + "\n", text=True)
        assert [d.code for d in found] == ["format"]
        assert "not a custseg rules file" in found[0].message
        shown = found[0].render()
        assert found[0].source_line == ""
        assert not any(
            s in shown or k in shown for s, k in zip(secrets, keys, strict=True)
        )

    def test_review_example(self, tmp_path: Path) -> None:
        """The env-file example gives one diagnostic, for load and check."""
        env = tmp_path / "env.toml"
        env.write_text(
            'DB_PASSWORD = "hunter2hunter2"\nAPI_TOKEN = "tok_live_abcdef"\nOTHER="x"\n',
            encoding="utf-8",
        )
        with pytest.raises(RulesError) as exc:
            rules.load(env)
        assert len(exc.value.diagnostics) == 1
        assert "hunter2" not in str(exc.value) and "DB_PASSWORD" not in str(exc.value)
        assert len(rules.check(env)) == 1

    def test_rules_files_unaffected(self) -> None:
        """A rules file with one unknown key still gets the usual diagnostic."""
        text = 'format = 1\nname = "x"\ntypo = 1\n[fields]\nx = { type = "number" }\n'
        assert [d.code for d in rules.check(text)] == ["unknown-key"]


# --------------------------------------------------------------------------
# item 16: presets by name only


class TestPresetByName:
    """rules.preset(name) loads shipped presets and never reads a path."""

    def test_every_preset(self) -> None:
        """Each shipped preset loads by name, as load(name) does."""
        for name in rules.presets():
            assert rules.preset(name).outputs == rules.load(name).outputs

    @settings(max_examples=80)
    @given(
        st.lists(
            st.sampled_from([*"./\\~:-_", "ecommerce", "etc", "passwd", "..", "\x00"]),
            min_size=1,
            max_size=8,
        ).map("".join)
    )
    def test_paths_refused(self, name: str) -> None:
        """Anything but a preset name is unknown-preset, read or not."""
        assume(name not in rules.presets())
        with pytest.raises(RulesError) as exc:
            rules.preset(name)
        assert exc.value.diagnostics[0].code == "unknown-preset"
        assert exc.value.diagnostics[0].source_line == ""

    def test_existing_file_not_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file named like a preset in the working directory is not read."""
        (tmp_path / "ecomerce").write_text("format = 1\n", encoding="utf-8")
        (tmp_path / "shop.toml").write_text("format = 1\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        assert rules.load("ecomerce").outputs == ()  # load() reads paths
        for name in ("ecomerce", "shop.toml", str(tmp_path / "shop.toml")):
            with pytest.raises(RulesError, match="unknown-preset"):
                rules.preset(name)

    @pytest.mark.parametrize("name", [None, 3, b"ecommerce", Path("ecommerce")])
    def test_non_strings(self, name: Any) -> None:
        """A name that is not a str is an argument error."""
        with pytest.raises(RulesError, match="argument"):
            rules.preset(name)


# --------------------------------------------------------------------------
# items 19 and 23: characters in conditions


NUMBER = """format = 1
[fields]
x = { type = "number" }
c = { type = "category", values = ["Ａ", "a"] }
[segments.s]
default = "n"
rules = [{ label = "y", when = "%s" }]
"""
RULE_LINE = 7
PREFIX = len('rules = [{ label = "y", when = "')


def _wide(ch: str) -> str:
    if ch == " ":
        return "\u3000"
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


class TestNotText:
    """A lone surrogate or NUL in a condition is reported as not text."""

    @settings(max_examples=60)
    @given(
        at=st.integers(0, len("x > 1 and x < 9")),
        ch=st.sampled_from(["\ud800", "\udfff", "\udc80"]),
    )
    def test_family(self, at: int, ch: str) -> None:
        """The character is named at its column, never as a nesting limit."""
        cond = "x > 1 and x < 9"
        cond = cond[:at] + ch + cond[at:]
        found = rules.check(NUMBER % cond, text=True)
        assert [d.code for d in found] == ["expr-syntax"], found
        d = found[0]
        assert "not text" in d.message and "nested" not in d.message
        assert f"U+{ord(ch):04X}" in d.message
        assert (d.line, d.column) == (RULE_LINE, PREFIX + at + 1)


class TestFullWidth:
    """Full-width forms outside string literals read as their ASCII forms."""

    @settings(max_examples=100)
    @given(
        cond=st.sampled_from(
            [
                "x > 3",
                "x >= 10 and x < 20",
                "x * 2 + 1 != 7",
                "not (x <= 3) or c == 'a'",
            ]
        ),
        mask=st.lists(st.booleans(), min_size=30, max_size=30),
        xs=st.lists(st.integers(0, 25), min_size=1, max_size=6),
    )
    def test_same_result_as_ascii(
        self, cond: str, mask: list[bool], xs: list[int]
    ) -> None:
        """Any mix of full-width characters outside quotes gives the ASCII labels."""
        quoted = cond.find("'")
        wide = "".join(
            _wide(ch) if m and (quoted < 0 or i < quoted) else ch
            for i, (ch, m) in enumerate(
                zip(cond, mask + [False] * len(cond), strict=False)
            )
        )
        data = {"x": xs, "c": ["a"] * len(xs)}
        ascii_out = rules.loads(NUMBER % cond).evaluate(data)["s"].to_numpy().tolist()
        assert (
            rules.loads(NUMBER % wide).evaluate(data)["s"].to_numpy().tolist()
            == ascii_out
        )

    @settings(max_examples=60)
    @given(mask=st.lists(st.booleans(), min_size=12, max_size=12))
    def test_columns_stay_right(self, mask: list[bool]) -> None:
        """An error after full-width characters points at the same column."""
        cond = "x > 3 and y < 1"  # y is unknown
        wide = "".join(
            _wide(ch) if m else ch
            for ch, m in zip(cond, [*mask, False, False, False], strict=True)
        )
        (ascii_d,) = rules.check(NUMBER % cond, text=True)
        (wide_d,) = rules.check(NUMBER % wide, text=True)
        assert wide_d.code == ascii_d.code == "unknown-name"
        assert (wide_d.line, wide_d.column, wide_d.end_column) == (
            ascii_d.line,
            ascii_d.column,
            ascii_d.end_column,
        )

    def test_string_literals_kept(self) -> None:
        """Category values in quotes are exact: 'Ａ' is not 'A'."""
        rs = rules.loads(NUMBER % "x ＞ ３ ａｎｄ c == 'Ａ'")
        out = rs.evaluate({"x": [5, 5], "c": ["Ａ", "a"]})["s"].to_numpy().tolist()
        assert out == ["y", "n"]
        codes = [d.code for d in rules.check(NUMBER % "c == 'A'", text=True)]
        assert codes == ["unknown-category"]


# --------------------------------------------------------------------------
# item 7: memory held by the analysis and by a RuleSet


def _grids(n_segments: int) -> str:
    out = ["format = 1", "[fields]"]
    out += [f'f{i} = {{ type = "integer", min = 0, max = 199 }}' for i in range(8)]
    out += ["[derived]"] + [
        f'd{i} = "f{i % 8} * 2 + {i}"' for i in range(n_segments + 1)
    ]
    for k in range(n_segments):
        out += [
            f"[segments.s{k}]",
            'default = "d"',
            f'rules = [{{ label = "a", when = "d{k} > 5 and d{k + 1} < 100" }}]',
        ]
    return "\n".join(out) + "\n"


class TestMemoryBounds:
    """Grids are freed when forgotten; lookup tables have a budget."""

    def test_grids_freed_without_cycle_collector(self) -> None:
        """With the cycle collector off, checking leaves no grid arrays behind."""
        text = _grids(120)
        gc.collect()
        gc.disable()
        tracemalloc.start()
        try:
            rules.check(text)
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            gc.enable()
        assert current < 8 * 2**20, (current, peak)
        assert peak < 80 * 2**20, (current, peak)

    def test_lookup_budget(self) -> None:
        """Lookups stay within their cell budget, and evaluation is unchanged."""
        rs = rules.loads(_grids(120))
        cells = [len(t.codes) for t in rs.lookups.values()]
        assert cells and max(cells) <= _analysis.MAX_LOOKUP_CELLS
        assert sum(cells) <= _analysis.MAX_LOOKUP_TOTAL
        assert len(rs.lookups) < 120  # some are evaluated by closures
        rng = np.random.default_rng(1)
        data = {f"f{i}": rng.integers(0, 200, 50) for i in range(8)}
        ref = Reference(tomllib.loads(_grids(120))).evaluate(data)
        out = rs.evaluate(data)
        for k in range(120):
            assert out[f"s{k}"].to_numpy().tolist() == ref.labels[f"s{k}"]
