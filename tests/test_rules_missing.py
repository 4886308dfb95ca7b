"""Missing values in conditions: three-valued logic (as SQL and CEL) in the
compiled evaluator, the reference interpreter (tests/rules_reference.py) and
the static analysis."""

from __future__ import annotations

import math
import tomllib
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import RulesError
from rules_reference import Reference

NAN = math.nan

HEAD = """format = 1
[fields]
x = { type = "number", missing = true }
y = { type = "number", missing = true }
c = { type = "category", values = ["a", "b"], missing = true }
d = { type = "category", values = ["a", "b"], missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
flag = { type = "bool" }
[params]
big = 3
[derived]
hot = "x > 0"
total = "x + y"
[tables.band]
field = "x"
breaks = [0, 10]
labels = ["low", "mid", "high"]
missing = "none"
"""

ROWS = {  # one row with every value missing, one with every value present
    "x": [NAN, 1.0],
    "y": [NAN, 2.0],
    "c": [None, "a"],
    "d": [None, "b"],
    "r": [NAN, 3.0],
    "flag": [True, False],
}

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def file_with(*conditions: str) -> str:
    body = "".join(
        f'  {{ label = "L{i}", when = "{c}" }},\n' for i, c in enumerate(conditions)
    )
    return HEAD + f'[segments.s]\ndefault = "D"\nrules = [\n{body}]\n'


def _arrays(data: dict[str, list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, values in data.items():
        if name == "flag":
            out[name] = np.asarray(values, dtype=bool)
        elif name in ("c", "d"):
            out[name] = np.asarray(values, dtype=object)
        else:
            out[name] = np.asarray(values, dtype=np.float64)
    return out


def matches(condition: str, data: dict[str, list[Any]]) -> list[bool]:
    """Rows the compiled evaluator says *condition* matches (is TRUE on)."""
    rs = rules.loads(file_with(condition))
    return (rs.evaluate(_arrays(data))["s"].to_numpy() == "L0").tolist()


def reference(condition: str, data: dict[str, list[Any]]) -> list[bool]:
    """Rows the reference interpreter says *condition* is TRUE on."""
    return Reference(tomllib.loads(file_with(condition))).condition(condition, data)


def both(condition: str, data: dict[str, list[Any]]) -> list[bool]:
    """The evaluator's rows, after checking that the reference agrees."""
    got = matches(condition, data)
    assert got == reference(condition, data), condition
    return got


def analysis(*conditions: str) -> list[tuple[str, str]]:
    found = rules.check(file_with(*conditions))
    assert [d.render() for d in found if d.severity == "error"] == []
    return [(d.code, d.message) for d in found if "'s'" in d.message]


# --------------------------------------------------------------------------

T, F, U = "T", "F", "U"
# x > 0 (or y > 0) is TRUE for 1, FALSE for -1 and UNKNOWN for a missing value
VALUE = {T: 1.0, F: -1.0, U: NAN}
AND = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}  # fmt: skip
OR = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}  # fmt: skip
PAIRS = [(a, b) for a in (T, F, U) for b in (T, F, U)]


def pair_rows() -> dict[str, list[Any]]:
    n = len(PAIRS)
    return {
        **{k: (v * n)[:n] for k, v in ROWS.items()},
        "x": [VALUE[a] for a, _ in PAIRS],
        "y": [VALUE[b] for _, b in PAIRS],
    }


class TestKleeneTables:
    """and / or / not follow SQL's three-valued tables; a rule matches on TRUE."""

    @pytest.mark.parametrize(("op", "table"), [("and", AND), ("or", OR)])
    def test_binary(self, op: str, table: dict[tuple[str, str], str]) -> None:
        """x > 0 op y > 0 is TRUE / FALSE exactly as the table says."""
        data = pair_rows()
        cond = f"x > 0 {op} y > 0"
        assert both(cond, data) == [table[p] == T for p in PAIRS]
        assert both(f"not ({cond})", data) == [table[p] == F for p in PAIRS]

    def test_not(self) -> None:
        """not TRUE is FALSE, not FALSE is TRUE, not UNKNOWN is UNKNOWN."""
        data = pair_rows()
        expected = {T: F, F: T, U: U}
        assert both("not (x > 0)", data) == [expected[a] == T for a, _ in PAIRS]
        assert both("not not (x > 0)", data) == [a == T for a, _ in PAIRS]

    def test_unknown_or_missing(self) -> None:
        """x > 0 or missing(x) matches the missing rows: TRUE or UNKNOWN is TRUE."""
        data = pair_rows()
        assert both("x > 0 or missing(x)", data) == [a in (T, U) for a, _ in PAIRS]
        assert both("not (x > 0) or missing(x)", data) == [
            a in (F, U) for a, _ in PAIRS
        ]


NULLABLE_CONDITIONS = [
    "x < 1",
    "x <= 1",
    "x > 1",
    "x >= 1",
    "x == 1",
    "x != 1",
    "x == x",
    "x != y",
    "x in (1, 2)",
    "x not in (1, 2)",
    "0 < x < 5",
    "0 < x != 7",
    "x + 1 > 0",
    "-x < 0",
    "x / 2 != 3",
    "x * y >= big",
    "total > 0",
    "total != 1",
    "hot",
    "hot == True",
    "hot != False",
    "hot == (y > 0)",
    "hot in (True,)",
    "hot not in (False,)",
    "c == 'a'",
    "c != 'a'",
    "c in ('a', 'b')",
    "c not in ('a',)",
    "c == d",
    "c != d",
    "r == 3",
    "r != 3",
    "r not in (1, 2, 4, 5)",
    "(x > 0) == (y > 0)",
    "(x > 0) != flag",
    "x > 0 and y > 0",
    "x > 0 or y > 0",
    "not (x > 0 or c == 'a')",
]


class TestComparisons:
    """Every comparison with a missing value is UNKNOWN: it and its negation
    both fail to match; with values present exactly one of them matches."""

    @pytest.mark.parametrize("condition", NULLABLE_CONDITIONS)
    def test_neither_it_nor_its_negation(self, condition: str) -> None:
        """A row with every value missing matches neither C nor not (C)."""
        assert both(condition, ROWS)[0] is False
        assert both(f"not ({condition})", ROWS)[0] is False

    @pytest.mark.parametrize("condition", NULLABLE_CONDITIONS)
    def test_excluded_middle_with_values(self, condition: str) -> None:
        """A row with every value present matches exactly one of C, not (C)."""
        assert both(condition, ROWS)[1] != both(f"not ({condition})", ROWS)[1]

    def test_one_side_missing(self) -> None:
        """Comparing two fields is UNKNOWN when either one is missing."""
        data = {**ROWS, "x": [1.0, NAN, 1.0], "y": [NAN, 2.0, 2.0]}
        data["c"], data["d"] = [None, "a", "a"], ["a", None, "b"]
        data = {k: (v * 3)[:3] if len(v) != 3 else v for k, v in data.items()}
        for cond in ("x != y", "x < y", "c != d", "c == d"):
            assert both(cond, data)[:2] == [False, False], cond
            assert both(f"not ({cond})", data)[:2] == [False, False], cond
        assert both("x != y", data)[2] is True
        assert both("c != d", data)[2] is True

    def test_missing_value_in_the_tuple(self) -> None:
        """x in (0 / 0, 1) is TRUE for 1, else UNKNOWN (never FALSE), as in SQL."""
        data = {**ROWS, "x": [1.0, 2.0], "y": [1.0, 1.0]}
        assert both("x in (0 / 0, 1)", data) == [True, False]
        assert both("not (x in (0 / 0, 1))", data) == [False, False]
        assert both("x not in (0 / 0, 1)", data) == [False, False]

    def test_empty_tuple(self) -> None:
        """x in () is never true and x not in () always: both are refused,
        as a condition that decides nothing (they were UNKNOWN for a missing
        x, though an empty 'or' is FALSE)."""
        data = {**ROWS, "x": [NAN, 1.0], "c": [None, "a"]}
        for condition in ("x in ()", "x not in ()", "c not in ()"):
            with pytest.raises(RulesError, match="lists no value"):
                both(condition, data)

    def test_not_a_number_from_arithmetic_is_missing(self) -> None:
        """0 / 0 (and x / 0 for x = 0) is missing; 1 / 0 is infinite, a value."""
        data = {**ROWS, "x": [0.0, 1.0], "y": [0.0, 0.0]}
        assert both("x / y > 1e9", data) == [False, True]
        assert both("not (x / y > 1e9)", data) == [False, False]
        assert both("x / y != 5", data) == [False, True]

    def test_aggregate_of_nothing_is_missing(self) -> None:
        """mean() over no values is missing: comparisons with it are UNKNOWN."""
        data = {**ROWS, "x": [1.0, 2.0], "y": [NAN, NAN]}
        assert both("x > mean(y)", data) == [False, False]
        assert both("not (x > mean(y))", data) == [False, False]
        assert both("x != mean(y) or x > 1", data) == [False, True]


class TestDerivedAndOutputs:
    """Derived values keep their missing rows; outputs are never missing."""

    def test_derived_condition_keeps_unknown(self) -> None:
        """hot = "x > 0": not hot does not match a missing x; missing(hot) does."""
        data = {**ROWS, "x": [NAN, -1.0], "y": [1.0, 1.0]}
        assert both("not hot", data) == [False, True]
        assert both("missing(hot)", data) == [True, False]
        assert both("hot or missing(hot)", data) == [True, False]

    def test_derived_number_is_missing_with_an_operand(self) -> None:
        """total = "x + y" is missing where either is."""
        data = {**ROWS, "x": [NAN, 1.0, 1.0], "y": [1.0, NAN, 1.0]}
        data = {k: (v * 3)[:3] if len(v) != 3 else v for k, v in data.items()}
        assert both("missing(total)", data) == [True, True, False]
        assert both("total != 0", data) == [False, False, True]

    def test_table_missing_label_is_a_label(self) -> None:
        """A table's missing label is a real label: comparisons are TRUE/FALSE."""
        data = {**ROWS, "x": [NAN, 5.0], "y": [1.0, 1.0]}
        assert both("band == 'none'", data) == [True, False]
        assert both("band != 'none'", data) == [False, True]
        assert both("not (band == 'none')", data) == [False, True]
        assert both("band in ('low', 'mid')", data) == [False, True]
        assert both("missing(band)", data) == [False, False]

    def test_tags_use_the_same_logic(self) -> None:
        """A tag is set where its condition is TRUE, never where UNKNOWN."""
        text = HEAD + (
            '[tags.t]\nrules = [{ tag = "neg", when = "not (x > 0)" }, '
            '{ tag = "ne", when = "c != \'a\'" }]\n'
        )
        data = {**ROWS, "x": [NAN, -1.0], "c": [None, "b"]}
        tags, matrix = rules.loads(text).evaluate(_arrays(data)).tags["t"]
        assert tags == ("neg", "ne")
        assert matrix.tolist() == [[False, False], [True, True]]


class TestAnalysisAgrees:
    """The static analysis evaluates the grid (with its missing points) with
    the same logic."""

    def test_negation_cannot_match_missing(self) -> None:
        """not (r >= 1) on scores 1..5 never matches: a missing r is UNKNOWN."""
        found = analysis("r >= 1", "not (r >= 1)")
        assert (
            "never-matches",
            "rule 2 ('L1') of segmentation 's' can never match",
        ) in found

    def test_missing_rule_after_a_negation_is_reachable(self) -> None:
        """missing(r) after not (r >= 3) is reachable: the negation leaves the
        missing cells to it (two-valued logic would call it unreachable)."""
        codes = [c for c, _ in analysis("r >= 3", "not (r >= 3)", "missing(r)")]
        assert codes == []

    def test_missing_cells_fall_to_the_default(self) -> None:
        """r != 3 and r == 3 leave only the missing cell to the default."""
        found = analysis("r != 3", "r == 3")
        assert [c for c, _ in found] == ["falls-to-default"]
        assert "with all values present is covered" in found[0][1]

    def test_or_missing_covers_every_cell(self) -> None:
        """r >= 3 or missing(r), then r < 3: every cell is covered."""
        assert analysis("r >= 3 or missing(r)", "r < 3") == []

    def test_category_negation(self) -> None:
        """c not in ('a', 'b') can never match: the missing cell is UNKNOWN."""
        found = analysis("c not in ('a', 'b')")
        assert found[0][0] == "never-matches"


# --------------------------------------------------------------------------
# families

NUMBERS = ["x", "y", "total", "r"]
CONSTS = ["-1", "0", "1", "2.5", "3", "big"]


@st.composite
def comparisons(draw: st.DrawFn) -> str:
    """One comparison that reads at least one nullable value."""
    kind = draw(st.sampled_from(["cmp", "pair", "in", "chain", "cat", "catpair"]))
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    a, b = draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(NUMBERS))
    k = draw(st.sampled_from(CONSTS))
    if kind == "cmp":
        arith = draw(st.sampled_from(["", " + 1", " * 2", " / 2", " - y"]))
        return f"{a}{arith} {op} {k}"
    if kind == "pair":
        return f"{a} {op} {b}"
    if kind == "in":
        word = draw(st.sampled_from(["in", "not in"]))
        # (an empty tuple is refused: test_empty_tuple)
        values = draw(st.sampled_from([f"({k}, 1)", f"({k},)", "(0 / 0, 1)"]))
        return f"{a} {word} {values}"
    if kind == "chain":
        return f"{k} < {a} {op} {b}"
    if kind == "cat":
        word = draw(st.sampled_from(["==", "!=", "in", "not in"]))
        value = draw(st.sampled_from(["a", "b"]))
        return f"c {word} ('{value}',)" if "in" in word else f"c {word} '{value}'"
    return f"c {draw(st.sampled_from(['==', '!=']))} d"


def conditions(atoms: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.recursive(
        atoms,
        lambda inner: (
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            )
            | inner.map(lambda t: f"not ({t})")
        ),
        max_leaves=5,
    )


ANY_ATOM = (
    comparisons()
    | st.sampled_from(["hot", "flag", "True", "False", "band == 'none'"])
    | st.sampled_from(["missing(x)", "missing(c)", "missing(hot)", "missing(r)"])
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, list[Any]]:
    """Rows with missing values wherever the fields allow them."""
    n = draw(st.integers(1, 12))

    def col(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=n, max_size=n))

    number = st.sampled_from([-1.0, 0.0, 1.0, 2.5, 3.0, 10.0]) | st.just(NAN)
    return {
        "x": col(number),
        "y": col(number),
        "c": col(st.sampled_from(["a", "b", None])),
        "d": col(st.sampled_from(["a", "b", None])),
        "r": col(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, NAN])),
        "flag": col(st.booleans()),
    }


class TestFamilies:
    """Random conditions over fields with missing values."""

    @SETTINGS
    @given(condition=conditions(ANY_ATOM), data=rows())
    def test_evaluator_agrees_with_reference(
        self, condition: str, data: dict[str, list[Any]]
    ) -> None:
        """Compiled evaluator == row-at-a-time reference, for C and not (C)."""
        assert matches(condition, data) == reference(condition, data)
        negated = f"not ({condition})"
        assert matches(negated, data) == reference(negated, data)

    @SETTINGS
    @given(condition=conditions(ANY_ATOM), data=rows())
    def test_negation_is_disjoint(
        self, condition: str, data: dict[str, list[Any]]
    ) -> None:
        """No row matches both C and not (C); rows matching neither are the
        rows where C is UNKNOWN, where C or missing-tests decide nothing."""
        yes = matches(condition, data)
        no = matches(f"not ({condition})", data)
        assert not any(a and b for a, b in zip(yes, no, strict=True))
        # the unknown rows are where "C or not C" fails
        either = matches(f"({condition}) or not ({condition})", data)
        assert either == [a or b for a, b in zip(yes, no, strict=True)]

    @SETTINGS
    @given(condition=conditions(comparisons()))
    def test_negation_never_matches_a_missing_row(self, condition: str) -> None:
        """Without missing() or constants, a row whose values are all missing
        matches neither C nor not (C), however C is built."""
        data = {k: v[:1] for k, v in ROWS.items()}
        assert matches(condition, data) == [False]
        assert matches(f"not ({condition})", data) == [False]

    @SETTINGS
    @given(
        conds=st.lists(
            conditions(
                st.sampled_from(
                    [
                        "r >= 3",
                        "r < 3",
                        "r != 2",
                        "r in (1, 5)",
                        "r not in (4,)",
                        "c == 'a'",
                        "c != 'b'",
                        "c not in ('a',)",
                        "missing(r)",
                        "missing(c)",
                        "flag",
                    ]
                )
            ),
            min_size=1,
            max_size=5,
        )
    )
    def test_analysis_on_every_cell(self, conds: list[str]) -> None:
        """On finite fields with missing values, rules the analysis calls dead
        are never selected on any input cell, and live ones are."""
        text = file_with(*conds)
        rs = rules.loads(text)
        flagged = {
            int(d.message.split()[1]) - 1
            for d in rs.diagnostics
            if d.code in ("never-matches", "unreachable")
        }
        cells = [
            (r, c, f)
            for r in (1.0, 2.0, 3.0, 4.0, 5.0, NAN)
            for c in ("a", "b", None)
            for f in (True, False)
        ]
        n = len(cells)
        data = {
            **{k: (v * n)[:n] for k, v in ROWS.items()},
            "r": [r for r, _, _ in cells],
            "c": [c for _, c, _ in cells],
            "flag": [f for _, _, f in cells],
        }
        chosen = set(rs.evaluate(_arrays(data), explain=True).explain["s"].tolist())
        assert flagged.isdisjoint(chosen)
        assert set(range(len(conds))) - flagged <= chosen
