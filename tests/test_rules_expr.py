"""Conditions of the rules DSL: the allow-list, hostile inputs, types, names,
and what the compiled expressions compute."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import textwrap
import time
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import Diagnostic, RulesError

FIELDS = """format = 1
[fields]
x = { type = "number", missing = true }
y = { type = "number" }
s = { type = "integer", min = 1, max = 5 }
c = { type = "category", values = ["north", "south", "east"], missing = true }
flag = { type = "bool" }
[params]
t = 10
word = "south"
on = true
"""


def file_with(condition: str, extra: str = "") -> str:
    """A rules file whose only rule has *condition* (written as a TOML literal)."""
    assert "'''" not in condition
    return (
        FIELDS
        + extra
        + f"""[segments.seg]
default = "other"
rules = [
  {{ label = "hit", when = '''{condition}''' }},
]
"""
    )


RULE_LINE = len(FIELDS.splitlines()) + 4  # 1-based line of the rule


def errors(condition: str, extra: str = "") -> list[Diagnostic]:
    return [
        d for d in rules.check(file_with(condition, extra)) if d.severity == "error"
    ]


def only_error(condition: str, extra: str = "") -> Diagnostic:
    found = errors(condition, extra)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def highlighted(d: Diagnostic) -> str:
    """The text under the caret."""
    return d.source_line[d.column - 1 : d.end_column - 1]


def evaluate(condition: str, data: dict[str, Any], extra: str = "") -> list[bool]:
    """Whether each row matches *condition*."""
    rs = rules.loads(file_with(condition, extra))
    return (rs.evaluate(data)["seg"].to_numpy() == "hit").tolist()


def column(values: list[Any], n: int) -> list[Any]:
    return (values * n)[:n]


def rows(n: int, **cols: list[Any]) -> dict[str, Any]:
    """Data for FIELDS: defaults for every column not given."""
    data: dict[str, Any] = {
        "x": column([1.0], n),
        "y": column([1.0], n),
        "s": column([1], n),
        "c": column(["north"], n),
        "flag": np.asarray(column([True], n), dtype=bool),
    }
    data.update(cols)
    if "flag" in cols:
        data["flag"] = np.asarray(cols["flag"], dtype=bool)
    return data


# --------------------------------------------------------------------------


REFUSED = [
    # (condition, code, text that must be under the caret, words of the hint)
    ("x > 1 & y < 2", "disallowed-syntax", "&", "& binds tighter than comparisons"),
    ("(x > 1) & (y < 2)", "disallowed-syntax", "&", "use and/or/not"),
    ("(x > 1) | (y < 2)", "disallowed-syntax", "|", "use and/or/not"),
    ("~flag", "disallowed-syntax", "~", "use not"),
    ("(x > 1) ^ flag", "disallowed-syntax", "^", "!="),
    ("x ** 2 > 1", "disallowed-syntax", "**", "x * x"),
    ("x % 2 == 0", "disallowed-syntax", "%", "threshold"),
    ("x // 2 > 1", "disallowed-syntax", "//", "/"),
    ("x << 1 > 1", "disallowed-syntax", "<<", ""),
    ("x.real > 1", "disallowed-syntax", "x.real", "attribute"),
    ("x[0] > 1", "disallowed-syntax", "x[0]", "index"),
    ("(lambda: True)()", "disallowed-syntax", "lambda: True", "mean"),
    ("lambda: True", "disallowed-syntax", "lambda", "plain expressions"),
    ("[v for v in (1, 2)] == x", "disallowed-syntax", "for v in", "tuple"),
    ("{v for v in (1, 2)} == x", "disallowed-syntax", "for v in", "tuple"),
    ("{v: v for v in (1, 2)} == x", "disallowed-syntax", "for v in", "tuple"),
    ("(v for v in (1, 2)) == x", "disallowed-syntax", "for v in", "tuple"),
    ("f'{x}' == 'north'", "disallowed-syntax", "f'{x}'", "plain string"),
    ("(z := x) > 1", "disallowed-syntax", "z := x", "assign"),
    ("x is None", "disallowed-syntax", "is", "missing(x)"),
    ("x is not None", "disallowed-syntax", "is not", "missing(x)"),
    ("x if flag else y", "disallowed-syntax", "if", "separate rules"),
    ("x in [1, 2]", "disallowed-syntax", "[1, 2]", "x in (1, 2)"),
    ("x in {1, 2}", "disallowed-syntax", "{1, 2}", "x in (1, 2)"),
    ("[1, 2] == x", "disallowed-syntax", "[1, 2]", "tuple"),
    ("x in y", "disallowed-syntax", "y", "x in (1, 2)"),
    ("s in (1, 2) in (1,)", "disallowed-syntax", "(1, 2)", "and"),
    ("(x, y) == (1, 2)", "disallowed-syntax", "(x, y)", "x in (1, 2)"),
    ("x > b'1'", "disallowed-syntax", "b'1'", "numbers, strings"),
    ("x > 1j", "disallowed-syntax", "1j", "numbers, strings"),
    ("x > ...", "disallowed-syntax", "...", "numbers, strings"),
    ("__import__('os')", "unknown-function", "__import__", "mean"),
    ("open('/etc/passwd') == 1", "unknown-function", "open", "mean"),
    ("eval('1') > 0", "unknown-function", "eval", "mean"),
    ("exec('1') > 0", "unknown-function", "exec", "mean"),
    ("getattr(x, 'real') > 1", "unknown-function", "getattr", "mean"),
    ("meen(x) > 1", "unknown-function", "meen", "did you mean 'mean'?"),
    ("().__class__.__bases__", "disallowed-syntax", "().__class__", "attribute"),
    (
        "().__class__.__bases__[0].__subclasses__()",
        "disallowed-syntax",
        "().__class__",
        "",
    ),
    ("x.__class__.__mro__ == 1", "disallowed-syntax", "x.__class__", "attribute"),
    ("mean(x=1) > 0", "disallowed-syntax", "1", "mean(x)"),
    ("mean(*x) > 0", "bad-call", "*x", "mean(x)"),
]


class TestAllowList:
    """Everything outside the allow-list is refused with a code, position and hint."""

    @pytest.mark.parametrize(("condition", "code", "under", "hint"), REFUSED)
    def test_refused(self, condition: str, code: str, under: str, hint: str) -> None:
        """The construct is refused at its own position, with a hint."""
        d = only_error(condition)
        assert d.code == code, d.render()
        assert d.line == RULE_LINE
        assert under in highlighted(d), d.render()
        assert highlighted(d) in condition, d.render()
        assert d.hint, d.render()
        assert hint in d.hint, d.render()

    def test_ampersand_hint_is_the_documented_one(self) -> None:
        """'&' gets exactly the hint the issue asks for."""
        d = only_error("x > 1 & y < 2")
        assert d.message == "'&' is not allowed"
        assert d.hint == "use and/or/not: & binds tighter than comparisons"

    def test_nothing_is_executed(self, tmp_path: Any) -> None:
        """A hostile condition neither runs code nor touches files."""
        marker = tmp_path / "pwned"
        condition = f"__import__('pathlib').Path({str(marker)!r}).touch()"
        with pytest.raises(RulesError):
            rules.loads(file_with(condition))
        assert not marker.exists()

    @pytest.mark.parametrize(
        "condition",
        [
            "x > 1 and y < 2 or not flag",
            "1 < x <= 5 < t",
            "c in ('north', 'east') and c not in ('south',)",
            "s in (1, 2) or s not in (5,)",
            "(x + y) / 2 - t * -1 >= +3",
            "missing(x) or missing(c)",
            "x > mean(x) and y <= median(y) and s >= min(s) and s <= max(s)",
            "x >= quantile(x, 0.9) and y < quantile(y, 0)",
            "flag == True and on and c == word",
            "True",
        ],
    )
    def test_allowed(self, condition: str) -> None:
        """Every construct of the documented subset is accepted."""
        assert errors(condition) == []


class TestHostileInputs:
    """Hostile conditions and files are refused quickly, as diagnostics."""

    @staticmethod
    def timed_check(text: str) -> list[Diagnostic]:
        start = time.perf_counter()
        found = rules.check(text)
        assert time.perf_counter() - start < 1.0
        return found

    @pytest.mark.parametrize(
        "condition",
        [
            "(" * 100_000 + "x" + ")" * 100_000 + " > 1",
            "-" * 100_000 + "1 > x",
            "-" * 1_000 + "1 > x",
            "not " * 1_000 + "flag",
            "x > 1 and " * 300 + "flag",
            "x in (" + ", ".join(["1"] * 100_000) + ")",
            "x in (" + ", ".join(["1"] * 300) + ")",
            "x > " + "1" * 1_000_000,
            "x > 1" + " " * 3_000,
            "x" * 1_999 + " > 1",
            "c == '" + "a" * 1_000 + "'",
            "x > 1e999",
        ],
        ids=[
            "1e5-parens",
            "1e5-minus",
            "1e3-minus",
            "1e3-not",
            "300-and",
            "1e5-tuple",
            "300-tuple",
            "1e6-digits",
            "long-blank",
            "long-name",
            "long-string",
            "inf",
        ],
    )
    def test_refused_quickly(self, condition: str) -> None:
        """Refused in under a second with one limit / syntax error, no exception."""
        found = [
            d for d in self.timed_check(file_with(condition)) if d.severity == "error"
        ]
        assert len(found) == 1, [d.message for d in found]
        assert found[0].code in (
            "limit",
            "expr-syntax",
            "unknown-name",
            "unknown-category",
        )
        with pytest.raises(RulesError):
            rules.loads(file_with(condition))

    @pytest.mark.parametrize("digits", [309, 400, 1_900])
    def test_huge_integer_literal(self, digits: int) -> None:
        """A long integer literal in a condition is a limit error, not OverflowError."""
        found = self.timed_check(file_with("x > " + "9" * digits))
        assert [d.code for d in found if d.severity == "error"] == ["limit"]

    @pytest.mark.parametrize(
        "place",
        ["params", "min", "break"],
    )
    @pytest.mark.parametrize("digits", [400, 5_000])
    def test_huge_integer_in_toml(self, place: str, digits: int) -> None:
        """A huge integer as a parameter, bound or break is a diagnostic."""
        big = "9" * digits
        text = {
            "params": f"format = 1\n[params]\nbig = {big}\n",
            "min": f'format = 1\n[fields]\nx = {{ type = "number", min = {big} }}\n',
            "break": (
                'format = 1\n[fields]\nx = { type = "number" }\n[tables.t]\n'
                f'field = "x"\nbreaks = [{big}]\nlabels = ["a", "b"]\n'
            ),
        }[place]
        found = self.timed_check(text)
        assert any(d.severity == "error" for d in found)
        with pytest.raises(RulesError):
            rules.loads(text)

    def test_one_megabyte_condition(self) -> None:
        """A 1 MB condition is refused (the file is too long) in under a second."""
        found = self.timed_check(file_with("x > 1 and " * 100_000 + "flag"))
        assert [d.code for d in found] == ["limit"]

    def test_very_long_file(self) -> None:
        """A file over the size limit is refused without being parsed."""
        text = file_with("x > 1") + ("# " + "a" * 98 + "\n") * 20_000
        found = self.timed_check(text)
        assert [(d.code, d.line) for d in found] == [("limit", 1)]

    def test_deeply_nested_toml(self) -> None:
        """Deeply nested TOML arrays are a diagnostic for check and loads."""
        text = "format = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n"
        assert [d.severity for d in self.timed_check(text)] == ["error"]
        with pytest.raises(RulesError):
            rules.loads(text)

    def test_too_many_rules(self) -> None:
        """More than 1000 rules in one list is a limit error."""
        rule = '{ label = "a", when = "x > 1" },\n'
        text = (
            FIELDS + '[segments.seg]\ndefault = "d"\nrules = [\n' + rule * 1_001 + "]\n"
        )
        found = self.timed_check(text)
        assert [d.code for d in found] == ["limit"]

    def test_many_rules_on_a_large_grid_are_analysed_quickly(self) -> None:
        """400 rules over a 117,649-cell grid are checked in a few seconds (or
        reported as not analysed past the work limit)."""
        fields = "\n".join(
            f'a{i} = {{ type = "integer", min = 0, max = 6 }}' for i in range(6)
        )
        cond = " and ".join(f"a{i} >= 0" for i in range(6))
        rule = f'{{ label = "r", when = "{cond}" }},\n'
        text = (
            f"format = 1\n[fields]\n{fields}\n[segments.s]\ndefault = "
            f'"d"\nrules = [\n{rule * 400}]\n'
        )
        script = textwrap.dedent(
            """
            import sys
            from custseg import rules
            rules.check(sys.stdin.read())
            """
        )
        try:
            subprocess.run(
                [sys.executable, "-c", script],
                input=text,
                text=True,
                check=True,
                timeout=8,
                capture_output=True,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("checking 400 rules took more than 8 s")

    @pytest.mark.parametrize(
        "condition",
        ["x > 1\x00", "x >\n 1", "x > (1", "'north", "x >", "x ++"],
        ids=["nul", "newline", "paren", "quote", "incomplete", "plusplus"],
    )
    def test_syntax_errors_become_diagnostics(self, condition: str) -> None:
        """Parser errors (SyntaxError, ValueError) are diagnostics with a position."""
        text = FIELDS + f"[derived]\nbad = {json.dumps(condition)}\n"
        found = self.timed_check(text)
        assert [d.code for d in found] == ["expr-syntax"], [d.render() for d in found]
        assert found[0].line == len(FIELDS.splitlines()) + 2
        assert found[0].column > len("bad = ")

    @pytest.mark.parametrize(
        ("error", "code"),
        [
            (RecursionError, "limit"),
            (MemoryError, "limit"),
            (ValueError, "expr-syntax"),
        ],
    )
    def test_parser_crashes_become_diagnostics(
        self, monkeypatch: pytest.MonkeyPatch, error: type[Exception], code: str
    ) -> None:
        """RecursionError / MemoryError from ast.parse are limit errors, a
        ValueError a syntax error (never "too deeply nested")."""
        import ast

        def parse(*args: Any, **kwargs: Any) -> Any:
            raise error("boom")

        monkeypatch.setattr(ast, "parse", parse)
        found = rules.check(file_with("x > 1"))
        assert [d.code for d in found] == [code]
        assert found[0].line == RULE_LINE
        assert "nested" not in found[0].message or code == "limit"


class TestBoundedWork:
    """Checking and analysing a file does bounded work, whatever its shape:
    derived values are evaluated once per grid, the analysis has a work and a
    memory limit, did-you-mean has a budget."""

    @staticmethod
    def scores_file(segmentations: int) -> str:
        head = (
            "format = 1\n[fields]\n"
            'r = { type = "integer", min = 1, max = 5, missing = true }\n'
            'f = { type = "integer", min = 1, max = 5 }\n'
            '[derived]\nscore = "r + f"\n'
        )
        return head + "".join(
            f'[segments.s{i}]\ndefault = "d"\n'
            f'rules = [{{ label = "a", when = "score > {i}" }}]\n'
            for i in range(segmentations)
        )

    def test_derived_value_evaluated_once_per_grid(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """30 segmentations reading one derived value evaluate it once in the
        analysis and once in the tabulation, not once per segmentation."""
        from custseg.rules import _expr

        calls: collections.Counter[str] = collections.Counter()
        evaluate = _expr.Compiled.evaluate

        def counting(self: Any, env: Any) -> Any:
            calls[self.text] += 1
            return evaluate(self, env)

        monkeypatch.setattr(_expr.Compiled, "evaluate", counting)
        found = rules.check(self.scores_file(30))
        assert [d for d in found if d.severity == "error"] == []
        assert 1 <= calls["r + f"] <= 2
        assert calls["score > 3"] <= 2

    def test_work_limit_gives_not_analysed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Past the work limit, rule lists are reported as not analysed."""
        from custseg.rules import _analysis

        monkeypatch.setattr(_analysis, "MAX_WORK", 4 * _analysis.LIST_COST)
        found = rules.check(self.scores_file(10))
        limited = [d for d in found if "work limit" in d.message]
        assert limited and all(d.code == "not-analysed" for d in limited)
        assert [d.severity for d in limited] == ["info"] * len(limited)
        assert "segmentation 's0' not analysed" not in " ".join(
            d.message for d in found
        )
        assert "segmentation 's9' not analysed" in " ".join(d.message for d in found)

    def test_memory_limit_gives_not_analysed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A grid needing more cells than the analysis holds is not analysed."""
        from custseg.rules import _analysis

        monkeypatch.setattr(_analysis, "MAX_HELD", 1_000)
        fields = "".join(
            f'a{i} = {{ type = "integer", min = 0, max = 6 }}\n' for i in range(4)
        )
        cond = " and ".join(f"a{i} > 0" for i in range(4))
        text = (
            f"format = 1\n[fields]\n{fields}[segments.s]\ndefault = "
            f'"d"\nrules = [{{ label = "a", when = "{cond}" }}]\n'
        )
        found = rules.check(text)
        assert [d.code for d in found] == ["not-analysed"]
        assert "holds at once" in found[0].message

    def test_unreachable_names_at_most_five(self) -> None:
        """An unreachable rule names at most five earlier rules, then '...'."""
        rule = '{ label = "a", when = "s >= 1" },\n'
        text = FIELDS + '[segments.seg]\ndefault = "d"\nrules = [\n' + rule * 9 + "]\n"
        found = [d for d in rules.check(text) if d.code == "unreachable"]
        assert len(found) == 8
        assert found[-1].message.endswith(
            "(1 ('a'), 2 ('a'), 3 ('a'), 4 ('a'), 5 ('a'), ...)"
        )
        assert found[0].message.endswith("(1 ('a'))")

    def test_suggestions_have_a_budget(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Many unknown names among many declared ones compare a bounded number
        of names with difflib, and typos still get a suggestion."""
        from custseg.rules import _expr

        compared = []
        close = _expr.difflib.get_close_matches

        def counting(word: str, names: Any, *args: Any, **kwargs: Any) -> Any:
            compared.append(len(names))
            return close(word, names, *args, **kwargs)

        monkeypatch.setattr(_expr.difflib, "get_close_matches", counting)
        symbols = {
            f"field_{i:04d}": _expr.Symbol(f"field_{i:04d}", "field", _expr.NUMBER)
            for i in range(3_000)
        }
        hints = []
        for i in range(60):
            _, problems = _expr.check_expr(f"feld_{i:04d} > 1", symbols)
            assert [p.code for p in problems] == ["unknown-name"]
            hints.append(problems[0].hint)
        assert sum(compared) <= _expr.SUGGEST_BUDGET
        assert hints[0] == "did you mean 'field_0000'?"
        assert hints[-1] == "did you mean 'field_0059'?"

    def test_many_category_values(self) -> None:
        """An unknown value of a large category: a short hint, a suggestion."""
        values = ", ".join(f'"v{i:05d}"' for i in range(1_000))
        text = (
            f'format = 1\n[fields]\nk = {{ type = "category", values = [{values}] }}\n'
            '[segments.s]\ndefault = "d"\n'
            "rules = [{ label = \"a\", when = \"k == 'v00123x' or k == 'zzz'\" }]\n"
        )
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert [d.code for d in found] == ["unknown-category"]
        assert found[0].hint == "did you mean 'v00123'?"
        values_hint = rules.check(text.replace("'v00123x' or k == ", ""))
        hint = next(d.hint for d in values_hint if d.code == "unknown-category")
        assert hint.startswith("values: 'v00000'") and "1000 values" in hint
        assert len(hint) < 400

    @pytest.mark.parametrize(
        "condition",
        [
            # (a product past 1e15 is refused: a `limit` error, see
            # test_audit15_rules.py; division by zero gives inf and nan)
            "s > 1 / 0",
            "s < -(1 / 0)",
            "y > 1 / 0 - 1 / 0",
            "s > 0 / 0",
            "s in (0 / 0, 1)",
        ],
        ids=["inf", "minus-inf", "nan", "zero-by-zero", "nan-in-tuple"],
    )
    def test_folded_non_finite_constants(self, condition: str) -> None:
        """Constants folded to inf or nan are analysed without an OverflowError
        (an unbounded integer field cut at inf used to raise one)."""
        text = file_with(condition.replace("s ", "n ", 1)).replace(
            "flag = ", 'n = { type = "integer" }\nflag = ', 1
        )
        found = rules.check(text)
        assert [d for d in found if d.severity == "error"] == []
        # (the file's parameters the one rule does not read are "unused")
        assert {d.code for d in found} <= {
            "never-matches",
            "falls-to-default",
            "unused",
        }


class TestTypes:
    """bool / number / category types are checked."""

    @pytest.mark.parametrize(
        ("condition", "under", "words"),
        [
            ("x and y", "x", "'and' needs conditions, got a number"),
            ("flag or s", "s", "'or' needs conditions, got a number"),
            ("not x", "x", "'not' needs a condition"),
            ("c < 'south'", "'south'", "'<' cannot compare categories"),
            ("c >= word", "word", "cannot compare categories"),
            ("c == 1", "1", "not a string"),
            ("x == 'north'", "'north'", "cannot compare"),
            ("x == flag", "flag", "cannot compare"),
            ("flag < True", "True", "cannot compare conditions"),
            ("c + 1 > 2", "c", "arithmetic needs numbers"),
            ("-c == 'north'", "c", "needs a number"),
            ("-flag", "flag", "needs a number"),
            ("x + 1", "x + 1", "expected a bool"),
            ("c", "c", "expected a bool"),
            ("mean(c) > 1", "c", "mean() needs a number"),
            ("s in ('a',)", "'a'", "cannot compare a number with the text 'a'"),
            ("c in (1,)", "1", "not a string"),
            ("stage == 'north'", "'north'", "not one of the values"),
        ],
    )
    def test_type_mismatch(self, condition: str, under: str, words: str) -> None:
        """A mistyped condition names the types and points at the operand."""
        extra = '[tables.stage]\nfield = "y"\nbreaks = [1]\nlabels = ["low", "high"]\n'
        d = only_error(condition, extra)
        assert d.code in ("type-mismatch", "unknown-category"), d.render()
        assert words in d.message, d.render()
        assert highlighted(d) == under, d.render()

    def test_unknown_category_literal_suggests(self) -> None:
        """A misspelt category value gets 'did you mean'."""
        d = only_error("c == 'sotuh'")
        assert d.code == "unknown-category"
        assert d.hint == "did you mean 'south'?"
        assert highlighted(d) == "'sotuh'"

    def test_unknown_category_in_tuple_suggests(self) -> None:
        """A misspelt value inside 'in (...)' is found and suggested."""
        d = only_error("c in ('north', 'eats')")
        assert d.code == "unknown-category"
        assert d.hint == "did you mean 'east'?"
        assert highlighted(d) == "'eats'"

    def test_category_param_must_be_a_value(self) -> None:
        """A string parameter compared with a category must be one of its values."""
        text = FIELDS.replace('word = "south"', 'word = "west"')
        found = rules.check(
            text
            + '[segments.seg]\ndefault = "d"\nrules = [{ label = "a", when = "c == word" }]\n'
        )
        assert [d.code for d in found if d.severity == "error"] == ["unknown-category"]

    def test_output_labels_are_categories(self) -> None:
        """Tables and segmentations are categories of their labels."""
        extra = (
            '[tables.stage]\nfield = "y"\nbreaks = [1]\nlabels = ["low", "high"]\n'
            '[segments.first]\ndefault = "none"\nrules = [{ label = "big", when = "y > 5" }]\n'
        )
        assert errors("stage == 'high' and first in ('big', 'none')", extra) == []
        d = only_error("first == 'hig'", extra)
        assert d.code == "unknown-category"


class TestNames:
    """Names resolve only to declared fields, params, derived values and outputs."""

    def test_unknown_name_suggests(self) -> None:
        """A typo gets 'did you mean' and the caret under the name."""
        d = only_error("flga and x > 1")
        assert (d.code, d.hint, highlighted(d)) == (
            "unknown-name",
            "did you mean 'flag'?",
            "flga",
        )

    def test_every_unknown_name_is_reported(self) -> None:
        """All unknown names of a condition are reported, each once, in order."""
        found = errors("flga and xx > 1 or flga and mean(yy) > zzzzzz")
        assert [highlighted(d) for d in found] == ["flga", "xx", "yy", "zzzzzz"]
        assert {d.code for d in found} == {"unknown-name"}
        assert found[0].hint == "did you mean 'flag'?"
        assert [d.column for d in found] == sorted(d.column for d in found)

    @given(
        unknown=st.lists(
            st.sampled_from(["flga", "xx", "yy", "zz1", "cc", "mena", "ss"]),
            min_size=1,
            max_size=6,
        ),
        ops=st.lists(st.sampled_from(["and", "or"]), min_size=6, max_size=6),
    )
    @settings(max_examples=40, deadline=None)
    def test_every_unknown_name_family(
        self, unknown: list[str], ops: list[str]
    ) -> None:
        """Any mix of known and unknown names: each unknown one reported once."""
        atoms = [f"{name} > 1" for name in unknown] + ["x > 1", "s == 2"]
        cond = atoms[0]
        for op, atom in zip(ops, atoms[1:], strict=False):
            cond += f" {op} {atom}"
        found = errors(cond)
        assert [highlighted(d) for d in found] == list(dict.fromkeys(unknown))

    def test_unknown_name_and_other_error(self) -> None:
        """An unknown name is reported with an error found before it."""
        found = errors("x > 'north' or zz > 1")
        assert [d.code for d in found] == ["type-mismatch", "unknown-name"]

    def test_unknown_name_without_suggestion(self) -> None:
        """A name like nothing declared says where to declare it."""
        d = only_error("zzzzzz > 1")
        assert d.code == "unknown-name"
        assert "[fields]" in d.hint

    def test_builtins_are_not_names(self) -> None:
        """Python builtins and module names are unknown names."""
        for name in ("len", "print", "os", "np", "self", "__builtins__"):
            d = only_error(f"{name} == 1")
            assert d.code == "unknown-name", name

    def test_function_used_as_name(self) -> None:
        """Using a function name as a value explains the function."""
        d = only_error("mean > 1")
        assert d.code == "unknown-name"
        assert "mean(x)" in d.hint

    @pytest.mark.parametrize(
        ("condition", "words"),
        [
            ("mean(x, y) > 1", "takes 1 argument, got 2"),
            ("quantile(x) > 1", "takes 2 arguments, got 1"),
            ("missing() ", "takes 1 argument, got 0"),
            ("mean(3) > 1", "must be a field"),
            ("mean(t) > 1", "must be a field"),
            ("mean(x + 1) > 1", "must be a field"),
            ("quantile(x, 1.5) > 1", "constant q in [0, 1]"),
            ("quantile(x, y) > 1", "constant q in [0, 1]"),
        ],
    )
    def test_bad_calls(self, condition: str, words: str) -> None:
        """Wrong arguments to a function are a bad-call with its signature."""
        d = only_error(condition)
        assert d.code == "bad-call", d.render()
        assert words in d.message
        assert d.hint.startswith(("mean(x)", "quantile(x, q)", "missing(x)"))

    def test_quantile_accepts_a_parameter(self) -> None:
        """q may be a numeric parameter."""
        text = FIELDS.replace("t = 10", "t = 10\nq = 0.5")
        text += '[segments.seg]\ndefault = "d"\nrules = [{ label = "a", when = "x > quantile(x, q)" }]\n'
        assert [d for d in rules.check(text) if d.severity == "error"] == []

    def test_derived_names_resolve(self) -> None:
        """Derived values are names for conditions and for each other."""
        extra = '[derived]\navg = "(x + y) / 2"\nhigh = "avg > t"\n'
        assert evaluate("high", rows(2, x=[30.0, 1.0], y=[0.0, 1.0]), extra) == [
            True,
            False,
        ]

    def test_chinese_names(self) -> None:
        """Names may be Chinese identifiers."""
        text = """format = 1
[fields]
"金额" = { type = "number" }
[derived]
"高价值" = "金额 >= 1000"
[segments."价值"]
default = "普通"
rules = [{ label = "重要", when = "高价值" }]
"""
        out = rules.loads(text).evaluate({"金额": [5000.0, 1.0]})
        assert out["价值"].to_numpy().tolist() == ["重要", "普通"]


class TestComparisons:
    """Comparisons, chains and membership compute what Python would."""

    def test_chained(self) -> None:
        """a < b <= c is a < b and b <= c, with b evaluated once."""
        data = rows(5, x=[0.0, 1.0, 3.0, 5.0, 6.0])
        assert evaluate("1 < x <= 5", data) == [False, False, True, True, False]
        assert evaluate("0 <= x < 5 != x", data) == [True, True, True, False, False]

    def test_chained_with_names_on_both_sides(self) -> None:
        """y < x < t compares the fields with each other and the parameter."""
        data = rows(3, x=[2.0, 2.0, 20.0], y=[1.0, 3.0, 1.0])
        assert evaluate("y < x < t", data) == [True, False, False]

    def test_in_and_not_in_numbers(self) -> None:
        """in / not in a tuple of numbers; a missing value matches neither."""
        data = rows(4, x=[1.0, 2.0, 3.0, float("nan")])
        assert evaluate("x in (1, 3)", data) == [True, False, True, False]
        assert evaluate("x not in (1, 3)", data) == [False, True, False, False]

    def test_in_and_not_in_categories(self) -> None:
        """in / not in a tuple of category values; missing matches neither."""
        data = rows(4, c=["north", "south", "east", None])
        assert evaluate("c in ('north', 'east')", data) == [True, False, True, False]
        assert evaluate("c not in ('north', 'east')", data) == [
            False,
            True,
            False,
            False,
        ]

    def test_missing_numbers(self) -> None:
        """A comparison with a missing number is unknown: !=, not too."""
        data = rows(2, x=[float("nan"), 5.0])
        assert evaluate("x >= 4", data) == [False, True]
        assert evaluate("x < 4", data) == [False, False]
        assert evaluate("x == x", data) == [False, True]
        assert evaluate("x != 5", data) == [False, False]
        assert evaluate("not (x >= 4)", data) == [False, False]
        assert evaluate("not (x >= 4) or missing(x)", data) == [True, False]

    def test_missing_categories(self) -> None:
        """A comparison with a missing category is unknown, != too."""
        data = rows(2, c=[None, "north"])
        assert evaluate("c == 'north'", data) == [False, True]
        assert evaluate("c != 'north'", data) == [False, False]
        assert evaluate("c != 'north' or missing(c)", data) == [True, False]

    def test_missing_category_equals_nothing(self) -> None:
        """Two missing categories are not equal (as NaN == NaN is false)."""
        text = FIELDS.replace(
            "flag = ",
            'd = { type = "category", values = ["north", "south", "east"], missing = true }\nflag = ',
        )
        text += '[segments.seg]\ndefault = "other"\nrules = [{ label = "hit", when = "c == d" }]\n'
        data = rows(3, c=[None, "north", None])
        data["d"] = [None, "north", "south"]
        out = rules.loads(text).evaluate(data)["seg"].to_numpy().tolist()
        assert out == ["other", "hit", "other"]

    def test_bool_fields(self) -> None:
        """Bool fields are conditions; == True / != False work."""
        data = rows(2, flag=[True, False])
        assert evaluate("flag", data) == [True, False]
        assert evaluate("not flag", data) == [False, True]
        assert evaluate("flag == True", data) == [True, False]
        assert evaluate("flag != False", data) == [True, False]

    def test_and_or_not_precedence(self) -> None:
        """not binds tighter than and, and tighter than or (Python precedence)."""
        data = rows(4, x=[0.0, 0.0, 5.0, 5.0], flag=[True, False, True, False])
        assert evaluate("not flag or x > 1 and flag", data) == [
            False,
            True,
            True,
            True,
        ]

    def test_constant_conditions(self) -> None:
        """A constant condition applies to every row."""
        assert evaluate("True or x > 1", rows(3)) == [True] * 3
        assert evaluate("1 > 2 and x > 0", rows(3)) == [False] * 3
        assert evaluate("on or x > 1", rows(2)) == [True, True]


class TestArithmetic:
    """+ - * / and unary minus on numbers, like NumPy, without warnings."""

    def test_operations(self) -> None:
        """The four operations and unary minus, with Python precedence."""
        data = rows(2, x=[2.0, 4.0], y=[3.0, 1.0])
        assert evaluate("x + y * 2 == 8", data) == [True, False]
        assert evaluate("(x + y) * 2 == 10", data) == [True, True]
        assert evaluate("x / 4 - y == -2.5", data) == [True, False]
        assert evaluate("-x < -3", data) == [False, True]

    def test_division_by_zero(self) -> None:
        """x / 0 is inf, -inf or nan, without a warning."""
        data = rows(4, x=[1.0, -1.0, 0.0, float("nan")], y=[0.0] * 4)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert evaluate("x / y > 1e15", data) == [True, False, False, False]
            assert evaluate("x / y < -1e15", data) == [False, True, False, False]
            # 0 / 0 is nan: missing, so even != is unknown
            assert evaluate("x / 0 != x / 0", data) == [False, False, False, False]

    def test_constant_division_by_zero(self) -> None:
        """1 / 0 in constants is folded to inf without a warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert evaluate("1 / 0 > 1e15 and y == y", rows(1)) == [True]
            assert evaluate("0 / 0 == 0 / 0 or y != y", rows(1)) == [False]

    def test_integer_division_by_zero(self) -> None:
        """Integer data divided by zero is inf too, without a warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert evaluate("s / 0 > 1e15", rows(2, s=[1, 2])) == [True, True]

    def test_overflow_without_warning(self) -> None:
        """A product that overflows is inf, without a RuntimeWarning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert evaluate("y * 1e15 > 1", rows(1, y=[1e300])) == [True]

    def test_integer_arithmetic_does_not_wrap(self) -> None:
        """Integer data times a constant does not wrap around at 2**63."""
        text = """format = 1
[fields]
n = { type = "integer" }
[segments.seg]
default = "no"
rules = [{ label = "hit", when = "n * 4 > 0" }]
"""
        out = rules.loads(text).evaluate({"n": np.asarray([2**62], dtype=np.int64)})
        assert out["seg"].to_numpy().tolist() == ["hit"]

    def test_integer_sum_does_not_wrap(self) -> None:
        """n + n for large integers stays positive."""
        text = """format = 1
[fields]
n = { type = "integer", min = 0 }
[segments.seg]
default = "no"
rules = [{ label = "hit", when = "n + n > 0" }]
"""
        out = rules.loads(text).evaluate({"n": np.asarray([2**62], dtype=np.int64)})
        assert out["seg"].to_numpy().tolist() == ["hit"]


class TestFunctions:
    """Aggregates over the population (missing skipped) and missing()."""

    DATA = rows(
        6,
        x=[1.0, 2.0, 3.0, 10.0, float("nan"), float("nan")],
        y=[4.0, 1.0, 3.0, 2.0, 6.0, 5.0],
        s=[1, 2, 3, 4, 5, 5],
    )

    @pytest.mark.parametrize(
        ("func", "expected"),
        [
            ("mean(x)", 4.0),
            ("median(x)", 2.5),
            ("min(x)", 1.0),
            ("max(x)", 10.0),
            ("quantile(x, 0.25)", 1.75),
            ("quantile(x, 0)", 1.0),
            ("quantile(x, 1)", 10.0),
            ("mean(y)", 3.5),
            ("median(s)", 3.5),
        ],
    )
    def test_aggregates(self, func: str, expected: float) -> None:
        """Each aggregate equals the NumPy value over the present values."""
        assert evaluate(f"{func} == {expected}", self.DATA) == [True] * 6
        assert evaluate(f"x >= {func}", self.DATA) == [
            not np.isnan(v) and v >= expected for v in self.DATA["x"]
        ]

    def test_aggregate_of_derived(self) -> None:
        """Aggregates of a derived number use its values."""
        extra = '[derived]\ndouble = "x * 2"\n'
        assert evaluate("mean(double) == 8", self.DATA, extra) == [True] * 6

    def test_aggregate_of_nothing(self) -> None:
        """With every value missing the aggregate is missing: comparisons unknown."""
        data = rows(2, x=[float("nan")] * 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert evaluate("y > mean(x)", data) == [False, False]
            assert evaluate("y != mean(x)", data) == [False, False]
            assert evaluate("not (y > mean(x))", data) == [False, False]

    def test_aggregates_are_per_evaluation(self) -> None:
        """The population is the data of each call, not the first one."""
        rs = rules.loads(file_with("y > mean(y)"))
        first = rs.evaluate(rows(2, y=[0.0, 10.0]))["seg"].to_numpy().tolist()
        second = rs.evaluate(rows(2, y=[20.0, 30.0]))["seg"].to_numpy().tolist()
        assert first == ["other", "hit"]
        assert second == ["other", "hit"]

    def test_missing_function(self) -> None:
        """missing(x) is true exactly for missing numbers and categories."""
        data = rows(3, x=[float("nan"), 1.0, 2.0], c=["north", None, "east"])
        assert evaluate("missing(x)", data) == [True, False, False]
        assert evaluate("missing(c)", data) == [False, True, False]
        assert evaluate("missing(y)", data) == [False, False, False]

    def test_missing_of_integer_and_derived(self) -> None:
        """missing() works on integer fields with NaN and on derived numbers."""
        text = FIELDS.replace(
            's = { type = "integer", min = 1, max = 5 }',
            's = { type = "integer", min = 1, max = 5, missing = true }',
        )
        text += (
            '[derived]\nhalf = "x / 2"\n[segments.seg]\ndefault = "no"\n'
            'rules = [{ label = "s", when = "missing(s)" }, '
            '{ label = "h", when = "missing(half)" }]\n'
        )
        data = rows(3, s=[float("nan"), 2.0, 3.0], x=[1.0, float("nan"), 2.0])
        out = rules.loads(text).evaluate(data)["seg"].to_numpy().tolist()
        assert out == ["s", "h", "no"]


class TestWhitespace:
    """Whitespace around a condition is harmless."""

    @pytest.mark.parametrize("condition", [" x > 1", "x > 1 ", "\tx > 1", "  x > 1  "])
    def test_surrounding_blanks(self, condition: str) -> None:
        """Leading and trailing blanks do not make a syntax error."""
        assert errors(condition) == []

    def test_multi_line_string_in_parentheses(self) -> None:
        """A TOML multi-line condition in parentheses may span lines."""
        text = (
            FIELDS
            + '[segments.seg]\ndefault = "d"\nrules = [\n  { label = "a", when = """(x > 1\n'
            '     and y < 2)""" },\n]\n'
        )
        assert [d for d in rules.check(text) if d.severity == "error"] == []


class TestComments:
    @pytest.mark.parametrize(
        "condition",
        ["x > 1 # and y", "x > 1 #", "x > 1 ＃ and y", "(x > 1 and\n y) # note"],
    )
    def test_hash_outside_quotes_is_refused(self, condition: str) -> None:
        """A '#' would make Python drop the rest of the line: refused, never ignored."""
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\ny = { type = "bool" }\n'
            '[segments.s]\ndefault = "no"\n'
            f"rules = [{{ label = \"yes\", when = '''{condition}''' }}]\n"
        )
        codes = [d.code for d in rules.check(text) if d.severity == "error"]
        assert codes == ["disallowed-syntax"]

    def test_hash_inside_quotes_is_a_value(self) -> None:
        """A '#' inside a quoted category value is part of the value."""
        text = (
            'format = 1\n[fields]\nc = { type = "category", values = ["a#b", "c"] }\n'
            '[segments.s]\ndefault = "no"\n'
            'rules = [{ label = "yes", when = "c == \'a#b\'" }]\n'
        )
        rs = rules.loads(text)
        assert rs.evaluate({"c": ["a#b", "c"]})["s"].to_numpy().tolist() == [
            "yes",
            "no",
        ]


class TestAggregatesNearFloatMax:
    @pytest.mark.parametrize("func", ["mean(m)", "median(m)", "quantile(m, 0.3)"])
    @given(
        values=st.lists(
            st.floats(min_value=-1.7e308, max_value=1.7e308), min_size=1, max_size=6
        )
    )
    def test_no_overflow(self, func: str, values: list[float]) -> None:
        """Aggregates of finite values are finite and within their range, even
        near the float maximum (no RuntimeWarning, no inf)."""
        rs = rules.loads(
            'format = 1\n[fields]\nm = { type = "number" }\n[segments.s]\n'
            f'default = "no"\nrules = [{{ label = "yes", when = "m >= {func}" }}]\n'
        )
        # pytest turns a RuntimeWarning (overflow) into an error
        out = rs.evaluate({"m": values})["s"].to_numpy().tolist()
        assert len(out) == len(values)

    def test_mean_of_huge_values(self) -> None:
        """The mean of values near the float maximum is their mean, not inf."""
        rs = rules.loads(
            'format = 1\n[fields]\nm = { type = "number" }\n[segments.s]\n'
            'default = "no"\nrules = [{ label = "yes", when = "m >= mean(m)" }]\n'
        )
        out = rs.evaluate({"m": [1e308, 1e308, 5e307]})["s"].to_numpy().tolist()
        assert out == ["yes", "yes", "no"]


class TestUnknownFunctionsWithNames:
    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (
                "foo > 1 and goo > 2 and hoo(1)",
                [
                    ("unknown-name", "foo"),
                    ("unknown-name", "goo"),
                    ("unknown-function", "hoo"),
                ],
            ),
            ("hoo(x) and hoo(y)", [("unknown-function", "hoo")]),
            ("meen(x) > zz", [("unknown-function", "meen"), ("unknown-name", "zz")]),
        ],
    )
    def test_all_reported(
        self, condition: str, expected: list[tuple[str, str]]
    ) -> None:
        """Unknown functions are reported with the unknown names, once each."""
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\ny = { type = "number" }\n'
            f'[segments.s]\ndefault = "no"\nrules = [{{ label = "yes", when = "{condition}" }}]\n'
        )
        found = [
            (d.code, d.message.split("'")[1])
            for d in rules.check(text)
            if d.severity == "error"
        ]
        assert found == expected
