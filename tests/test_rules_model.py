"""The rules file model: loading and checking the TOML sections, extends,
evaluation inputs and results, presets."""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import Labels, rules
from custseg.errors import Diagnostic, InputError, RulesError, ThresholdError


def error_codes(text: str) -> list[str]:
    return [d.code for d in rules.check(text) if d.severity == "error"]


def only_error(text: str) -> Diagnostic:
    found = [d for d in rules.check(text) if d.severity == "error"]
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing *needle*."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


SHOP = """format = 1
name = "shop"
description = "a test shop"
[fields]
recency = { type = "number", min = 0, missing = true }
spend = { type = "number" }
score = { type = "integer", min = 1, max = 5 }
channel = { type = "category", values = ["store", "online"] }
member = { type = "bool" }
[params]
vip_amount = 1000
lapse = 90
[derived]
rich = "spend >= vip_amount"
[tables.stage]
field = "recency"
breaks = ["lapse", 180]
labels = ["active", "silent", "lost"]
missing = "never"
translations.zh = { active = "活跃", silent = "沉默", lost = "流失", never = "未购买" }
[segments.value]
default = "regular"
rules = [
  { label = "vip", when = "rich and score >= 4" },
  { label = "win-back", when = "rich and stage in ('silent', 'lost')" },
  { label = "online", when = "channel == 'online'" },
]
translations.zh = { vip = "贵宾", "win-back" = "挽回", regular = "普通" }
[tags.flags]
rules = [
  { tag = "big", when = "rich" },
  { tag = "member", when = "member" },
  { tag = "big", when = "score == 5" },
]
"""

SHOP_DATA: dict[str, Any] = {
    "recency": [10.0, 100.0, 200.0, float("nan")],
    "spend": [5000.0, 5000.0, 10.0, 2000.0],
    "score": [5, 1, 2, 3],
    "channel": ["store", "store", "online", "store"],
    "member": np.array([True, False, False, True]),
}


# --------------------------------------------------------------------------
# loading


class TestFormat:
    """format = 1 is required."""

    def test_missing(self) -> None:
        """A file without format is an error with the fix."""
        d = only_error('[fields]\nx = { type = "number" }\n')
        assert d.code == "format"
        assert "format = 1" in d.hint

    @pytest.mark.parametrize("value", ["2", '"1"', "0", "true"])
    def test_wrong(self, value: str) -> None:
        """Any other format value is an error pointing at the key."""
        d = only_error(f"format = {value}\n")
        assert d.code == "format"
        assert (d.line, d.column) == (1, 1)
        assert value.strip('"') in d.message.lower()

    def test_minimal_file(self) -> None:
        """format = 1 alone is a valid (empty) rule set."""
        rs = rules.loads("format = 1\n")
        assert rs.outputs == ()
        assert rs.diagnostics == ()


class TestUnknownKeys:
    """Unknown keys are errors with 'did you mean'."""

    @pytest.mark.parametrize(
        ("text", "key", "suggestion"),
        [
            ("format = 1\nfeilds = 1\n", "feilds", "fields"),
            ("format = 1\n[segment.a]\n", "segment", "segments"),
            (
                'format = 1\n[fields]\nx = { type = "number", mni = 0 }\n',
                "mni",
                "min",
            ),
            (
                'format = 1\n[fields]\nx = { type = "number" }\n[tables.t]\nfield = "x"\n'
                'breaks = [1]\nlables = ["a", "b"]\nlabels = ["a", "b"]\n',
                "lables",
                "labels",
            ),
            (
                'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
                'defualt = "d"\ndefault = "d"\nrules = [{ label = "a", when = "x > 1" }]\n',
                "defualt",
                "default",
            ),
            (
                'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
                'default = "d"\nrules = [{ lable = "a", label = "a", when = "x > 1" }]\n',
                "lable",
                "label",
            ),
        ],
    )
    def test_suggests(self, text: str, key: str, suggestion: str) -> None:
        """The message names the key; the hint suggests the close one."""
        d = only_error(text)
        assert d.code == "unknown-key"
        assert repr(key) in d.message
        assert d.hint == f"did you mean {suggestion!r}?"
        assert d.line == line_of(text, key)

    def test_without_suggestion_lists_keys(self) -> None:
        """A key like nothing allowed lists the allowed keys."""
        d = only_error("format = 1\nzzzzzz = 1\n")
        assert d.code == "unknown-key"
        assert "fields" in d.hint and "segments" in d.hint


class TestFields:
    """Field specs: number (min/max), integer, category (values), bool, missing."""

    def test_all_types(self) -> None:
        """Every field type loads; the specs are kept."""
        rs = rules.loads(SHOP)
        assert {n: f.kind for n, f in rs.fields.items()} == {
            "recency": "number",
            "spend": "number",
            "score": "integer",
            "channel": "category",
            "member": "bool",
        }
        assert (rs.fields["score"].min, rs.fields["score"].max) == (1, 5)
        assert rs.fields["recency"].missing and not rs.fields["spend"].missing
        assert rs.fields["channel"].values == ("store", "online")

    @pytest.mark.parametrize(
        ("spec", "code", "words"),
        [
            ('{ type = "nmber" }', "bad-value", "needs a type"),
            ("{ min = 0 }", "bad-value", "needs a type"),
            ('{ type = "category" }', "bad-value", "needs 'values'"),
            ('{ type = "category", values = [] }', "bad-value", "needs 'values'"),
            ('{ type = "category", values = [1, 2] }', "bad-value", "needs 'values'"),
            ('{ type = "category", values = ["a", "a"] }', "duplicate-name", "twice"),
            ('{ type = "number", values = ["a"] }', "bad-value", "only for categories"),
            ('{ type = "number", min = 5, max = 1 }', "bad-value", "'max' must be >="),
            ('{ type = "number", min = "0" }', "bad-value", "finite number"),
            ('{ type = "number", max = nan }', "bad-value", "finite number"),
            ('{ type = "number", missing = "yes" }', "bad-value", "true or false"),
            ('"number"', "bad-value", "must be a table"),
        ],
    )
    def test_bad_spec(self, spec: str, code: str, words: str) -> None:
        """A malformed field spec is an error naming the problem at its line."""
        text = f"format = 1\n[fields]\nx = {spec}\n"
        d = next(d for d in rules.check(text) if d.severity == "error")
        assert (d.code, d.line) == (code, 3), d.render()
        assert words in d.message

    @pytest.mark.parametrize(
        "name", ["and", "mean", "missing", "True", '"a b"', '"1x"']
    )
    def test_bad_names(self, name: str) -> None:
        """Keywords, function names and non-identifiers cannot be names."""
        d = only_error(f'format = 1\n[fields]\n{name} = {{ type = "number" }}\n')
        assert d.code == "bad-name"
        assert d.line == 3


class TestParamsAndDerived:
    """Parameters are constants; derived values are named expressions."""

    def test_params(self) -> None:
        """Numbers, strings and booleans are parameters."""
        rs = rules.loads('format = 1\n[params]\na = 1\nb = 2.5\nc = "x"\nd = true\n')
        assert rs.params == {"a": 1, "b": 2.5, "c": "x", "d": True}

    @pytest.mark.parametrize(
        "value", ["[1, 2]", "{ a = 1 }", "inf", "nan", "1979-05-27"]
    )
    def test_bad_params(self, value: str) -> None:
        """Lists, tables, non-finite numbers and dates are not parameters."""
        d = only_error(f"format = 1\n[params]\np = {value}\n")
        assert (d.code, d.line) == ("bad-value", 3)

    def test_breaks_may_name_params(self) -> None:
        """A break may be the name of a numeric parameter."""
        rs = rules.loads(SHOP)
        assert rs.tables["stage"].breaks == (90.0, 180.0)

    def test_break_naming_a_string_param(self) -> None:
        """A break naming a string parameter is an error."""
        text = SHOP.replace("lapse = 90", 'lapse = "ninety"')
        d = next(d for d in rules.check(text) if d.severity == "error")
        assert (d.code, d.line) == ("bad-value", line_of(text, "breaks"))

    def test_derived_number_and_condition(self) -> None:
        """Derived numbers and conditions are computed and usable by name."""
        text = """format = 1
[fields]
a = { type = "number" }
b = { type = "number" }
[derived]
avg = "(a + b) / 2"
high = "avg > 10"
[segments.s]
default = "low"
rules = [{ label = "high", when = "high" }]
"""
        out = rules.loads(text).evaluate({"a": [30.0, 1.0], "b": [0.0, 3.0]})
        assert out["s"].to_numpy().tolist() == ["high", "low"]

    def test_derived_category_refused(self) -> None:
        """A derived value must be a number or a condition, not a category."""
        text = 'format = 1\n[fields]\nc = { type = "category", values = ["a"] }\n[derived]\nd = "c"\n'
        d = only_error(text)
        assert (d.code, d.line) == ("type-mismatch", 5)

    def test_derived_not_a_string(self) -> None:
        """A derived value that is not a string is a bad-value."""
        d = only_error("format = 1\n[derived]\nd = 3\n")
        assert (d.code, d.line) == ("bad-value", 3)


TABLE = """format = 1
[fields]
x = { type = "number"MISSING }
[tables.t]
field = "x"
breaks = [10, 20]
labels = ["low", "mid", "high"]
"""


class TestTables:
    """Interval tables: [lo, hi) by default, (lo, hi] with closed = "right"."""

    def labels(self, text: str, values: list[float]) -> list[str]:
        return rules.loads(text).evaluate({"x": values})["t"].to_numpy().tolist()

    def test_closed_left_on_breaks(self) -> None:
        """closed = "left" (default): a value on a break goes up."""
        text = TABLE.replace("MISSING", "")
        got = self.labels(text, [9.999, 10.0, 19.999, 20.0, 20.001, -1e9, 1e9])
        assert got == ["low", "mid", "mid", "high", "high", "low", "high"]
        got = self.labels(text + 'closed = "left"\n', [10.0, 20.0])
        assert got == ["mid", "high"]

    def test_closed_right_on_breaks(self) -> None:
        """closed = "right": a value on a break stays down."""
        text = TABLE.replace("MISSING", "") + 'closed = "right"\n'
        got = self.labels(text, [9.999, 10.0, 10.001, 20.0, 20.001])
        assert got == ["low", "low", "mid", "mid", "high"]

    def test_integer_input_on_breaks(self) -> None:
        """Integer input is binned like float input."""
        text = TABLE.replace("MISSING", "")
        rs = rules.loads(text)
        got = rs.evaluate({"x": np.array([9, 10, 20], dtype=np.int64)})["t"]
        assert got.to_numpy().tolist() == ["low", "mid", "high"]

    def test_labels_are_ordered(self) -> None:
        """Table labels are ordered Labels, lowest interval first, missing last."""
        text = TABLE.replace("MISSING", ", missing = true") + 'missing = "none"\n'
        lab = rules.loads(text).evaluate({"x": [15.0, float("nan")]})["t"]
        assert isinstance(lab, Labels)
        assert lab.ordered
        assert lab.names == ("low", "mid", "high", "none")
        assert lab.to_numpy().tolist() == ["mid", "none"]

    def test_missing_label_required_when_field_may_be_missing(self) -> None:
        """A field that may be missing needs a 'missing' label."""
        d = only_error(TABLE.replace("MISSING", ", missing = true"))
        assert d.code == "missing-key"
        assert d.line == 4
        assert "'missing' label" in d.message

    def test_missing_label_optional_otherwise(self) -> None:
        """A field that cannot be missing may still have a missing label."""
        text = TABLE.replace("MISSING", "") + 'missing = "none"\n'
        assert self.labels(text, [1.0]) == ["low"]

    def test_table_on_derived_needs_missing_label(self) -> None:
        """A table on a derived number works and needs a missing label when
        the number may be missing (a division by a field: 0 / 0), not when
        it cannot (a field never missing, halved)."""
        text = TABLE.replace("MISSING", "").replace('field = "x"', 'field = "half"')
        may_miss = text.replace(
            "[tables.t]", '[derived]\nhalf = "x / x * 10"\n[tables.t]'
        )
        assert error_codes(may_miss) == ["missing-key"]
        assert self.labels(may_miss + 'missing = "none"\n', [3.0, 0.0]) == [
            "mid",
            "none",
        ]
        text = text.replace("[tables.t]", '[derived]\nhalf = "x / 2"\n[tables.t]')
        assert error_codes(text) == []
        assert self.labels(text, [30.0, 50.0]) == ["mid", "high"]

    @pytest.mark.parametrize(
        ("old", "new", "code"),
        [
            ("breaks = [10, 20]", "breaks = [20, 10]", "breaks-order"),
            ("breaks = [10, 20]", "breaks = [10, 10]", "breaks-order"),
            ("breaks = [10, 20]", "breaks = []", "missing-key"),
            ("breaks = [10, 20]", 'breaks = [10, "a"]', "bad-value"),
            ("breaks = [10, 20]", "breaks = [10, inf]", "bad-value"),
            (
                'labels = ["low", "mid", "high"]',
                'labels = ["low", "mid"]',
                "label-count",
            ),
            (
                'labels = ["low", "mid", "high"]',
                'labels = ["a", "b", "c", "d"]',
                "label-count",
            ),
            (
                'labels = ["low", "mid", "high"]',
                'labels = ["a", "b", "a"]',
                "duplicate-name",
            ),
            ('labels = ["low", "mid", "high"]', 'labels = "low"', "missing-key"),
            ('field = "x"', 'field = "xx"', "unknown-name"),
            ('field = "x"', "field = 1", "missing-key"),
        ],
    )
    def test_bad_table(self, old: str, new: str, code: str) -> None:
        """Malformed tables give one error at the offending key."""
        text = TABLE.replace("MISSING", "").replace(old, new)
        d = only_error(text)
        assert d.code == code, d.render()
        assert d.line == line_of(text, new.split(" = ")[0] + " = "), d.render()

    def test_unknown_field_suggests(self) -> None:
        """A misspelt field of a table gets 'did you mean'."""
        d = only_error(
            TABLE.replace("MISSING", "").replace('field = "x"', 'field = "xx"')
        )
        assert d.hint == "did you mean 'x'?"

    def test_closed_bad_value(self) -> None:
        """closed other than left/right is an error."""
        text = TABLE.replace("MISSING", "") + 'closed = "both"\n'
        d = only_error(text)
        assert (d.code, d.line) == ("bad-value", 8)

    def test_table_field_must_be_a_number(self) -> None:
        """A table on a category or bool field is a type error."""
        text = TABLE.replace('type = "number"MISSING', 'type = "bool"')
        assert error_codes(text) == ["type-mismatch"]

    def test_missing_label_clashes(self) -> None:
        """The missing label may not repeat an interval label."""
        text = TABLE.replace("MISSING", "") + 'missing = "low"\n'
        assert error_codes(text) == ["duplicate-name"]


SEGMENT = """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "d"
rules = [
  { label = "big", when = "x > 10" },
  { label = "mid", when = "x > 5" },
  { label = "big", when = "x < 0" },
]
"""


class TestSegments:
    """Ordered rules, first match wins, a required default."""

    def test_first_match_wins(self) -> None:
        """Each row gets the label of the first matching rule, else the default."""
        out = rules.loads(SEGMENT).evaluate({"x": [20.0, 7.0, 1.0, -1.0]}, explain=True)
        assert out["s"].to_numpy().tolist() == ["big", "mid", "d", "big"]
        assert out.explain["s"].tolist() == [0, 1, -1, 2]

    def test_label_names(self) -> None:
        """Label names: rule labels in first-use order, then the default; unordered."""
        lab = rules.loads(SEGMENT).evaluate({"x": [1.0]})["s"]
        assert lab.names == ("big", "mid", "d")
        assert not lab.ordered

    def test_default_may_be_a_rule_label(self) -> None:
        """The default may repeat a rule's label: one name."""
        text = SEGMENT.replace('default = "d"', 'default = "mid"')
        lab = rules.loads(text).evaluate({"x": [1.0, 7.0]})["s"]
        assert lab.names == ("big", "mid")
        assert lab.to_numpy().tolist() == ["mid", "mid"]

    def test_default_required(self) -> None:
        """A segmentation without a default is an error at its header."""
        d = only_error(SEGMENT.replace('default = "d"\n', ""))
        assert (d.code, d.line) == ("missing-key", 4)
        assert "'default'" in d.message

    @pytest.mark.parametrize(
        ("old", "new", "code"),
        [
            ('default = "d"', "default = 1", "bad-value"),
            ('default = "d"', 'default = ""', "bad-value"),
            ('label = "mid", ', "", "bad-value"),
            ('label = "mid", ', "label = 2, ", "bad-value"),
            ('label = "mid"', f'label = "{"m" * 101}"', "bad-value"),
            (', when = "x > 5"', "", "missing-key"),
            ('when = "x > 5"', "when = 5", "bad-value"),
            ('when = "x > 5"', 'when = ""', "bad-value"),
        ],
    )
    def test_bad_rules(self, old: str, new: str, code: str) -> None:
        """Malformed rules give one error each."""
        text = SEGMENT.replace(old, new)
        assert text != SEGMENT
        d = only_error(text)
        assert d.code == code, d.render()

    @pytest.mark.parametrize("rules_value", ["[]", '"x > 1"', "[1]"])
    def test_rules_required(self, rules_value: str) -> None:
        """rules must be a non-empty list of tables."""
        text = SEGMENT.split("rules = [")[0] + f"rules = {rules_value}\n"
        assert error_codes(text) in (["missing-key"], ["bad-value"])


class TestNamespace:
    """Fields, params, derived values, tables, segmentations and tag sets share names."""

    @pytest.mark.parametrize(
        "extra",
        [
            "[params]\nx = 1\n",
            '[derived]\nx = "1 > 0"\n',
            '[tables.x]\nfield = "y"\nbreaks = [1]\nlabels = ["a", "b"]\n',
            '[segments.x]\ndefault = "d"\nrules = [{ label = "a", when = "y > 1" }]\n',
            '[tags.x]\nrules = [{ tag = "a", when = "y > 1" }]\n',
        ],
    )
    def test_duplicate_names(self, extra: str) -> None:
        """A name used twice is a duplicate-name error at the second definition."""
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\ny = { type = "number" }\n'
            + extra
        )
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert [d.code for d in found] == ["duplicate-name"], [
            d.render() for d in found
        ]
        assert found[0].line >= 5
        assert "[fields]" in found[0].message


class TestCycles:
    """A derived value, table or segmentation that depends on itself is an error."""

    def test_derived_cycle(self) -> None:
        """a -> b -> a among derived values."""
        text = 'format = 1\n[derived]\na = "b > 1"\nb = "a"\n'
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert [d.code for d in found] == ["cycle"]
        assert "a -> b -> a" in found[0].message
        assert found[0].line == 3

    def test_segment_cycle(self) -> None:
        """s -> t -> s among segmentations."""
        text = """format = 1
[segments.s]
default = "d"
rules = [{ label = "a", when = "t == 'a'" }]
[segments.t]
default = "d"
rules = [{ label = "a", when = "s == 'a'" }]
"""
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert [d.code for d in found] == ["cycle"]
        assert "s -> t -> s" in found[0].message
        assert found[0].line == 2

    def test_cycle_through_derived_and_segment(self) -> None:
        """d -> s -> d across sections."""
        text = """format = 1
[derived]
d = "s == 'a'"
[segments.s]
default = "x"
rules = [{ label = "a", when = "d" }]
"""
        assert error_codes(text) == ["cycle"]

    def test_self_reference(self) -> None:
        """A derived value that uses itself."""
        assert error_codes('format = 1\n[derived]\na = "a"\n') == ["cycle"]

    def test_no_spurious_cycle_for_duplicates(self) -> None:
        """A segmentation named like a field it reads is a duplicate, not a cycle."""
        text = """format = 1
[fields]
x = { type = "number" }
[segments.x]
default = "d"
rules = [{ label = "a", when = "x > 1" }]
"""
        assert error_codes(text) == ["duplicate-name"]

    def test_dependencies_are_evaluated_first(self) -> None:
        """Outputs may be defined after the ones that use them."""
        text = """format = 1
[fields]
x = { type = "number" }
[segments.late]
default = "no"
rules = [{ label = "yes", when = "early == 'big' and half > 2" }]
[segments.early]
default = "small"
rules = [{ label = "big", when = "x > 3" }]
[derived]
half = "x / 2"
"""
        out = rules.loads(text).evaluate({"x": [10.0, 4.0, 1.0]})
        assert out["late"].to_numpy().tolist() == ["yes", "no", "no"]
        assert rules.loads(text).outputs.index("early") < rules.loads(
            text
        ).outputs.index("late")


class TestCollected:
    """All problems are collected before raising."""

    def test_all_errors_in_one_error(self) -> None:
        """RulesError carries every error, each structured."""
        text = """format = 1
feilds = 1
[fields]
x = { type = "number" }
[segments.s]
default = "d"
rules = [
  { label = "a", when = "xx > 1" },
  { label = "b", when = "x > 1 & x < 2" },
  { label = "c", when = "x.real > 1" },
]
"""
        with pytest.raises(RulesError) as info:
            rules.loads(text)
        found = info.value.diagnostics
        assert [d.code for d in found] == [
            "unknown-key",
            "unknown-name",
            "disallowed-syntax",
            "disallowed-syntax",
        ]
        assert [d.line for d in found] == [2, 8, 9, 10]
        for d in found:
            assert d.path == "<string>"
            assert d.severity == "error"
            assert d.source_line == text.splitlines()[d.line - 1]
            assert 1 <= d.column < d.end_column <= len(d.source_line) + 1
        assert str(info.value) == "\n".join(d.render() for d in found)

    def test_too_many_entries(self) -> None:
        """More than 500 entries in a section is a limit error."""
        params = "".join(f"p{i} = {i}\n" for i in range(501))
        assert error_codes("format = 1\n[params]\n" + params) == ["limit"]
        assert (
            error_codes("format = 1\n[params]\n" + params[: -len("p500 = 500\n")]) == []
        )

    def test_rules_error_is_a_value_error(self) -> None:
        """RulesError is caught by except ValueError."""
        with pytest.raises(ValueError, match="format"):
            rules.loads("format = 3\n")

    def test_warnings_are_kept(self) -> None:
        """Warnings and notes do not raise; they are in RuleSet.diagnostics."""
        text = SEGMENT.replace("x < 0", "x > 20")
        rs = rules.loads(text)
        assert [d.code for d in rs.diagnostics] == ["unreachable", "falls-to-default"]


# --------------------------------------------------------------------------
# [scores] and stages

SCORED = """format = 1
[fields]
recency_days = { type = "number", min = 0, missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
f = { type = "integer", min = 1, max = 4, missing = true }
[scores]
bins = 4
r = { edges = [30, 90, 180, 365] }
"""


def _scores_text(line: str) -> str:
    return f"format = 1\n[scores]\n{line}\n"


class TestScores:
    """[scores] declares fixed edges or quantile bins per RFM dimension."""

    def test_no_section_is_empty(self) -> None:
        """A file without [scores] leaves the scoring to the caller."""
        assert rules.loads(SHOP).scores == {}

    def test_fixed_and_default_bins(self) -> None:
        """Edges make len + 1 scores; the [scores] bins is the default elsewhere."""
        rs = rules.loads(SCORED)
        assert rs.scores == {
            "r": rules.ScoreSpec((30.0, 90.0, 180.0, 365.0), 5),
            "f": rules.ScoreSpec(None, 4),
            "m": rules.ScoreSpec(None, 4),
        }
        assert [d for d in rs.diagnostics if d.severity != "info"] == []

    def test_edges_with_matching_bins(self) -> None:
        """bins may repeat what the edges say."""
        rs = rules.loads(_scores_text("m = { edges = [10, 100], bins = 3 }"))
        assert rs.scores["m"] == rules.ScoreSpec((10.0, 100.0), 3)

    def test_spec_is_frozen(self) -> None:
        """ScoreSpec is an immutable value."""
        spec = rules.loads(SCORED).scores["r"]
        with pytest.raises(AttributeError):
            spec.bins = 3  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("line", "code", "column", "words"),
        [
            ("x = { bins = 5 }", "unknown-key", 1, "unknown key 'x'"),
            ("rr = { bins = 5 }", "unknown-key", 1, "did you mean 'r'?"),
            ("r = { edges = [30, 20] }", "breaks-order", 7, "edge 1 (20)"),
            ("r = { edges = [30, 30] }", "breaks-order", 7, "strictly increasing"),
            ("r = { edges = [] }", "bad-value", 7, "1 to 98 numbers"),
            ("r = { edges = [1, nan] }", "bad-value", 7, "finite number"),
            ("r = { edges = [1, 'x'] }", "bad-value", 7, "finite number"),
            ("r = { edges = [30, 90], bins = 4 }", "score-bins", 25, "2 edges make 3"),
            ("r = { bins = 1 }", "bad-value", 7, "from 2 to 99"),
            ("r = { bins = 100 }", "bad-value", 7, "from 2 to 99"),
            ("r = { bins = 5.0 }", "bad-value", 7, "from 2 to 99"),
            ("r = { bins = true }", "bad-value", 7, "from 2 to 99"),
            ("r = {}", "missing-key", 1, "'edges' (fixed) or 'bins'"),
            ("r = 5", "bad-value", 1, "must be a table"),
            ("bins = 0", "bad-value", 1, "from 2 to 99"),
            ("r = { edgs = [1] }", "unknown-key", 7, "did you mean 'edges'?"),
        ],
    )
    def test_bad_scores(self, line: str, code: str, column: int, words: str) -> None:
        """Each problem is an error at the [scores] line that causes it, at the
        key inside the inline table where there is one."""
        text = _scores_text(line)
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert code in [d.code for d in found], [d.render() for d in found]
        d = next(d for d in found if d.code == code)
        assert (d.line, d.column) == (3, column)
        assert words in d.message + d.hint

    def test_scores_must_be_a_table(self) -> None:
        """scores = 3 is an error."""
        d = only_error("format = 1\nscores = 3\n")
        assert (d.code, d.line) == ("bad-value", 2)

    @pytest.mark.parametrize(
        ("fields", "scores", "line"),
        [
            (
                'r = { type = "integer", min = 1, max = 5 }',
                "r = { edges = [30, 90, 180] }",
                5,
            ),
            (
                'r = { type = "integer", min = 0, max = 4 }',
                "r = { edges = [30, 90, 180] }",
                5,
            ),
            ('f = { type = "integer", min = 1, max = 5 }', "f = { bins = 4 }", 5),
            ('m = { type = "integer", min = 1, max = 5 }', "bins = 4", 5),
            ('m = { type = "integer", min = 1, max = 5 }', "r = { bins = 5 }", 4),
            ('r = { type = "bool" }', "r = { bins = 5 }", 3),
        ],
    )
    def test_fields_must_agree_with_the_bins(
        self, fields: str, scores: str, line: str
    ) -> None:
        """A declared r / f / m field must run from 1 to the number of scores."""
        text = f"format = 1\n[fields]\n{fields}\n[scores]\n{scores}\n"
        if "bool" not in fields and "bins = 5 }" in scores:  # m defaults to 5: fine
            text = text.replace("max = 5", "max = 4")
        d = only_error(text)
        assert (d.code, d.line) == ("score-bins", line)

    @pytest.mark.parametrize("bins", [2, 3, 7, 10])
    def test_fields_without_bounds_or_with_matching_bounds(self, bins: int) -> None:
        """Fields without max, or with max = bins, are consistent."""
        text = (
            f'format = 1\n[fields]\nr = {{ type = "integer", min = 1, max = {bins} }}\n'
            f'f = {{ type = "number" }}\n[scores]\nbins = {bins}\n'
        )
        assert rules.loads(text).scores["r"].bins == bins

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
            min_size=1,
            max_size=12,
        )
    )
    def test_any_edges(self, edges: list[float]) -> None:
        """Strictly increasing finite edges load with len + 1 scores; any other
        order is a breaks-order error naming the first offending edge."""
        text = _scores_text(f"m = {{ edges = {edges!r} }}")
        ascending = all(a < b for a, b in pairwise(edges))
        if ascending:
            assert rules.loads(text).scores["m"] == rules.ScoreSpec(
                tuple(float(e) for e in edges), len(edges) + 1
            )
        else:
            first = next(i for i in range(1, len(edges)) if edges[i] <= edges[i - 1])
            found = [d for d in rules.check(text) if d.code == "breaks-order"]
            assert found
            assert f"edge {first} (" in found[0].message


STAGED = """format = 1
[fields]
recency_days = { type = "number", min = 0, missing = true }
r = { type = "integer", min = 1, max = 5, missing = true }
[tables.stage]
field = "recency_days"
breaks = [90, 365]
labels = ["active", "lapsing", "lost"]
missing = "never"
[segments.value]
default = "Other"
rules = [
  { label = "Best", when = "r == 5" },
  { label = "Gone", when = "r == 1" },
]
stages_from = "stage"

[segments.value.stages]
"Best" = ["active"]
"Gone" = ["lapsing", "lost"]
"""


class TestStages:
    """A segmentation may name the lifecycle stages each label is meant for."""

    def test_stored(self) -> None:
        """stages and stages_from are kept on the Segmentation."""
        seg = rules.loads(STAGED).segments["value"]
        assert seg.stages == {"Best": ("active",), "Gone": ("lapsing", "lost")}
        assert seg.stages_from == "stage"

    def test_default_none(self) -> None:
        """Without the keys: no stages, no table."""
        seg = rules.loads(SHOP).segments["value"]
        assert (seg.stages, seg.stages_from) == ({}, None)

    def test_inline_table(self) -> None:
        """stages may be an inline table on one line."""
        text = STAGED.replace(
            '[segments.value.stages]\n"Best" = ["active"]\n"Gone" = ["lapsing", "lost"]\n',
            'stages = { "Best" = ["active"] }\n',
        )
        assert rules.loads(text).segments["value"].stages == {"Best": ("active",)}

    def test_the_table_is_compiled_first(self) -> None:
        """stages_from orders the table before the segmentation."""
        text = STAGED.replace("[tables.stage]", "[tables.zstage]").replace(
            '"stage"', '"zstage"'
        )
        rs = rules.loads(text)
        assert rs.order.index("zstage") < rs.order.index("value")

    @pytest.mark.parametrize(
        ("old", "new", "code", "needle", "hint"),
        [
            (
                '"Best" = ["active"]',
                '"Bets" = ["active"]',
                "unknown-label",
                '"Bets"',
                "did you mean 'Best'?",
            ),
            (
                '"Best" = ["active"]',
                '"Best" = ["activ"]',
                "unknown-stage",
                '"activ"',
                "did you mean 'active'?",
            ),
            (
                '"Gone" = ["lapsing", "lost"]',
                '"Gone" = ["lapsing", "los"]',
                "unknown-stage",
                '"los"',
                "did you mean 'lost'?",
            ),
            ('"Best" = ["active"]', '"Best" = []', "bad-value", '"Best"', ""),
            ('"Best" = ["active"]', '"Best" = "active"', "bad-value", '"Best"', ""),
            (
                'stages_from = "stage"',
                'stages_from = "stag"',
                "unknown-name",
                '"stag"',
                "did you mean 'stage'?",
            ),
            (
                'stages_from = "stage"',
                'stages_from = "value"',
                "unknown-name",
                '"value"',
                "",
            ),
            (
                'stages_from = "stage"',
                "stages_from = 3",
                "bad-value",
                "stages_from",
                "",
            ),
        ],
    )
    def test_bad_stages(
        self, old: str, new: str, code: str, needle: str, hint: str
    ) -> None:
        """Unknown labels and stages are errors at their line and column."""
        text = STAGED.replace(old, new)
        d = only_error(text)
        assert (d.code, d.line) == (code, line_of(text, new))
        want = (
            d.source_line.index(needle)
            + 1
            + (code in ("unknown-stage", "unknown-name"))
        )  # inside the quotes
        assert d.column == want
        assert hint in d.hint

    def test_stages_need_stages_from(self) -> None:
        """stages without stages_from is a missing-key error."""
        d = only_error(STAGED.replace('stages_from = "stage"\n', ""))
        assert d.code == "missing-key"
        assert 'stages_from = "lifecycle"' in d.hint

    def test_stages_from_alone_is_allowed(self) -> None:
        """stages_from without stages constrains nothing."""
        text = STAGED.split("[segments.value.stages]")[0]
        seg = rules.loads(text).segments["value"]
        assert (seg.stages, seg.stages_from) == ({}, "stage")

    def test_stages_do_not_change_labels(self) -> None:
        """Stages are metadata: evaluation is unchanged."""
        data = {"recency_days": [10.0, 500.0], "r": [5, 5]}
        plain = STAGED.split("stages_from")[0]
        assert (
            rules.loads(STAGED).evaluate(data)["value"]
            == (rules.loads(plain).evaluate(data)["value"])
        )


# --------------------------------------------------------------------------
# extends


class TestExtends:
    """A file may extend a preset and override only the keys it defines."""

    CHILD = """format = 1
extends = "ecommerce"
name = "my-shop"
[params]
key_amount = 2000
[tables.lifecycle]
breaks = [60, 120, 240, 365]
"""

    DATA: ClassVar[dict[str, Any]] = {
        "recency_days": [30.0, 70.0, 250.0, float("nan")],
        "frequency": [1, 5, 2, 0],
        "monetary": [1500.0, 2500.0, 3000.0, 0.0],
        "tenure_days": [400.0, 100.0, 700.0, float("nan")],  # (>= recency)
        "r": [5, 3, 2, float("nan")],
        "f": [1, 5, 2, float("nan")],
        "m": [4, 5, 5, float("nan")],
    }

    def test_override_works(self) -> None:
        """Overridden params and breaks change the results; the rest is inherited."""
        base = rules.load("ecommerce").evaluate(self.DATA)
        mine = rules.loads(self.CHILD)
        out = mine.evaluate(self.DATA)
        assert mine.name == "my-shop"
        assert mine.params["key_amount"] == 2000
        assert mine.tables["lifecycle"].breaks == (60, 120, 240, 365)
        assert base["ecom4"].to_numpy().tolist() == [
            "Key Development",
            "Key Development",
            "Key Retention",
            "Unscored",
        ]
        assert out["ecom4"].to_numpy().tolist() == [
            "Ordinary",
            "Key Development",
            "Key Retention",
            "Unscored",
        ]
        assert base["lifecycle"].to_numpy().tolist() == [
            "active",
            "active",
            "sleeping",
            "no_purchase",
        ]
        assert out["lifecycle"].to_numpy().tolist() == [
            "active",
            "silent",
            "lost",
            "no_purchase",
        ]
        assert out["rfm11"] == base["rfm11"]
        assert mine.outputs == rules.load("ecommerce").outputs

    def test_unknown_override_points_at_the_child(self, tmp_path: Path) -> None:
        """A key an existing table cannot have is an error at the child file's line."""
        text = self.CHILD.replace("breaks = [60", "brekas = [60")
        path = tmp_path / "shop.toml"
        path.write_text(text, encoding="utf-8")
        found = [d for d in rules.check(path) if d.severity == "error"]
        assert len(found) == 1
        d = found[0]
        assert (d.path, d.line, d.column, d.end_column) == (str(path), 7, 1, 7)
        assert d.code == "unknown-override"
        assert d.hint == "did you mean 'breaks'?"
        assert d.source_line == "brekas = [60, 120, 240, 365]"

    def test_new_param_one_letter_off_warns(self) -> None:
        """A new parameter one letter from the preset's is a near-miss warning."""
        text = self.CHILD.replace("key_amount = 2000", "key_amout = 2000")
        found = [d for d in rules.check(text) if d.severity != "info"]
        assert [(d.code, d.severity, d.line) for d in found] == [
            ("near-miss", "warning", 5)
        ]
        assert found[0].hint.startswith("did you mean 'key_amount'?")

    def test_new_table_one_letter_off_warns(self) -> None:
        """A new table one swap from the preset's warns; its missing keys are errors."""
        text = self.CHILD.replace("[tables.lifecycle]", "[tables.lifecycel]")
        found = [d for d in rules.check(text) if d.severity != "info"]
        warn = [d for d in found if d.severity == "warning"]
        assert [(d.code, d.line) for d in warn] == [("near-miss", 6)]
        assert warn[0].hint.startswith("did you mean 'lifecycle'?")
        assert {d.code for d in found if d.severity == "error"} == {"missing-key"}

    def test_new_section_may_be_added(self) -> None:
        """A tag set the preset does not have is added and evaluated."""
        text = self.CHILD + '[tags.flags]\nrules = [{ tag = "a", when = "r == 5" }]\n'
        assert error_codes(text) == []
        out = rules.loads(text).evaluate(self.DATA)
        assert out.tags["flags"][1][:, 0].tolist() == [True, False, False, False]

    def test_type_change_table_to_value(self) -> None:
        """Replacing a table by a value is an error at the child line."""
        text = self.CHILD + "[segments]\nrfm11 = 3\n"
        d = only_error(text)
        assert (d.code, d.path, d.line) == (
            "bad-value",
            "<string>",
            line_of(text, "rfm11"),
        )
        assert "must be a table" in d.message

    def test_type_change_value_to_table(self) -> None:
        """Replacing a value by a table is an error at the child line."""
        text = self.CHILD.replace("key_amount = 2000", "key_amount = { a = 1 }")
        d = only_error(text)
        assert (d.code, d.line) == ("bad-value", 5)
        assert "must be a value" in d.message

    def test_type_change_of_a_param_points_at_the_child(self) -> None:
        """A number parameter overridden by a string is reported in the child file."""
        text = self.CHILD.replace("key_amount = 2000", 'key_amount = "lots"')
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert found
        assert any(d.path == "<string>" and d.line == 5 for d in found), [
            d.render() for d in found
        ]

    def test_overriding_rules_with_new_labels(self) -> None:
        """A child may replace a segmentation's rules with its own labels."""
        text = """format = 1
extends = "base"
[segments.ecom4]
default = "Other"
rules = [{ label = "Big", when = "monetary >= key_amount" }]
"""
        found = [d for d in rules.check(text) if d.severity == "error"]
        assert found == [], [d.render() for d in found]

    def test_warnings_in_the_child_point_at_the_child(self) -> None:
        """Analysis warnings of overridden rules point at the child's lines."""
        text = """format = 1
extends = "ecommerce"
[segments.ecom4]
rules = [
  { label = "Key Retention", when = "monetary >= 1e9 and recency_days < 0" },
  { label = "Key Development", when = "monetary >= key_amount" },
  { label = "Ordinary Loyal", when = "monetary >= key_amount + 1" },
]
"""
        warn = [d for d in rules.check(text) if d.severity == "warning"]
        assert [(d.code, d.path, d.line) for d in warn] == [
            ("never-matches", "<string>", 5),
            ("unreachable", "<string>", 7),
        ]
        notes = [d for d in rules.check(text) if d.severity == "info"]
        assert all(d.path in ("<string>", "preset:base") for d in notes)

    @pytest.mark.parametrize(
        ("value", "code", "hint"),
        [
            ('"ecommerse"', "unknown-preset", "did you mean 'ecommerce'?"),
            ("1", "bad-value", ""),
            ('"../etc/passwd"', "unknown-preset", ""),
        ],
    )
    def test_bad_extends(self, value: str, code: str, hint: str) -> None:
        """extends must name a shipped preset; the error is at the extends line."""
        d = only_error(f"format = 1\nextends = {value}\n")
        assert (d.code, d.line, d.path) == (code, 2, "<string>")
        assert hint in d.hint

    def test_meta_keys_may_be_set(self) -> None:
        """name and description may be set by a child."""
        rs = rules.loads(
            self.CHILD.replace('name = "my-shop"', 'name = "x"\ndescription = "y"')
        )
        assert (rs.name, rs.description) == ("x", "y")


# --------------------------------------------------------------------------
# evaluation


class TestInputs:
    """evaluate() checks the data against [fields] and raises InputError."""

    def evaluate(self, **changes: Any) -> Any:
        data = dict(SHOP_DATA)
        data.update(changes)
        return rules.loads(SHOP).evaluate(data)

    def test_missing_column(self) -> None:
        """A required column that is absent is named."""
        data = {k: v for k, v in SHOP_DATA.items() if k != "score"}
        with pytest.raises(InputError) as info:
            rules.loads(SHOP).evaluate(data)
        assert info.value.field == "score"
        assert "missing from the data" in str(info.value)

    def test_undeclared_category_value(self) -> None:
        """A category value that is not declared is named with its row."""
        with pytest.raises(InputError) as info:
            self.evaluate(channel=["store", "store", "phone", "phone"])
        err = info.value
        assert (err.field, err.first_row, err.n_rows) == ("channel", 2, 2)
        assert "'phone'" in str(err)

    @pytest.mark.parametrize(
        ("column", "values", "row"),
        [
            ("spend", [1.0, float("nan"), 2.0, 3.0], 1),
            ("spend", [1.0, 2.0, None, 3.0], 2),
            ("score", [1, 2, 3, float("nan")], 3),
            ("channel", ["store", None, "store", "store"], 1),
            ("channel", ["store", "store", float("nan"), "store"], 2),
        ],
    )
    def test_missing_not_allowed(
        self, column: str, values: list[Any], row: int
    ) -> None:
        """A missing value where the field does not allow one is refused."""
        with pytest.raises(InputError) as info:
            self.evaluate(**{column: values})
        assert (info.value.field, info.value.first_row) == (column, row)

    def test_missing_allowed(self) -> None:
        """A missing value where allowed is taken as missing."""
        out = self.evaluate(recency=[None, float("nan"), 1.0, 2.0])
        assert out["stage"].to_numpy().tolist() == [
            "never",
            "never",
            "active",
            "active",
        ]

    @pytest.mark.parametrize(
        ("column", "values", "row", "words"),
        [
            ("recency", [1.0, -0.5, 2.0, 3.0], 1, "below the declared min 0"),
            ("score", [1, 2, 6, 3], 2, "above the declared max 5"),
            ("score", [0, 2, 3, 3], 0, "below the declared min 1"),
        ],
    )
    def test_outside_bounds(
        self, column: str, values: list[Any], row: int, words: str
    ) -> None:
        """Values outside min/max are refused with the first row."""
        with pytest.raises(InputError) as info:
            self.evaluate(**{column: values})
        assert (info.value.field, info.value.first_row) == (column, row)
        assert words in str(info.value)

    def test_non_integer(self) -> None:
        """A fractional value for an integer field is refused."""
        with pytest.raises(InputError) as info:
            self.evaluate(score=[1.0, 2.5, 3.0, 4.0])
        assert (info.value.field, info.value.first_row) == ("score", 1)
        assert "non-integer" in str(info.value)

    def test_integral_floats_are_integers(self) -> None:
        """Floats with integral values are fine for an integer field."""
        out = self.evaluate(score=[5.0, 1.0, 2.0, 3.0])
        assert out["value"].to_numpy().tolist()[0] == "vip"

    @pytest.mark.parametrize("values", [[1, 0, 0, 1], ["yes", "no", "no", "yes"]])
    def test_bool_needs_booleans(self, values: list[Any]) -> None:
        """A bool field refuses non-boolean data."""
        with pytest.raises(InputError) as info:
            self.evaluate(member=np.asarray(values))
        assert info.value.field == "member"

    def test_non_numeric(self) -> None:
        """Text in a number field is refused."""
        with pytest.raises(InputError) as info:
            self.evaluate(spend=["a", "b", "c", "d"])
        assert info.value.field == "spend"

    def test_lengths_differ(self) -> None:
        """Columns of different lengths are refused."""
        with pytest.raises(InputError):
            self.evaluate(spend=[1.0, 2.0])

    def test_pandas_categorical(self) -> None:
        """A pandas Categorical (also with unused or reordered categories) works."""
        expected = self.evaluate()["value"].to_numpy().tolist()
        for col in (
            pd.Categorical(SHOP_DATA["channel"]),
            pd.Categorical(
                SHOP_DATA["channel"], categories=["online", "store", "phone"]
            ),
            pd.Series(SHOP_DATA["channel"], dtype="category"),
        ):
            assert self.evaluate(channel=col)["value"].to_numpy().tolist() == expected

    def test_pandas_categorical_with_missing(self) -> None:
        """A missing value in a Categorical is a missing value."""
        with pytest.raises(InputError) as info:
            self.evaluate(channel=pd.Categorical(["store", None, "store", "store"]))
        assert (info.value.field, info.value.first_row) == ("channel", 1)

    def test_pandas_categorical_undeclared(self) -> None:
        """An undeclared category in a Categorical is named."""
        with pytest.raises(InputError) as info:
            self.evaluate(channel=pd.Categorical(["store", "store", "store", "phone"]))
        assert (info.value.field, info.value.first_row) == ("channel", 3)

    @pytest.mark.parametrize("dtype", ["string", "object", "str"])
    def test_pandas_string_missing(self, dtype: str) -> None:
        """pd.NA / None in a string column is a missing category value."""
        text = SHOP.replace(
            'values = ["store", "online"] }',
            'values = ["store", "online"], missing = true }',
        )
        col = pd.Series(["store", None, "online", "store"], dtype=dtype)
        out = rules.loads(text).evaluate({**SHOP_DATA, "channel": col})
        assert out["value"].to_numpy().tolist()[1:3] == ["win-back", "online"]

    def test_dataframe(self) -> None:
        """A DataFrame (extra columns ignored, any index) gives the same result."""
        df = pd.DataFrame(SHOP_DATA, index=[10, 11, 12, 13]).assign(other=1)
        a = rules.loads(SHOP).evaluate(df, explain=True)
        b = rules.loads(SHOP).evaluate(SHOP_DATA, explain=True)
        for name in a.labels:
            assert a[name] == b[name]
        assert a.explain["value"].tolist() == b.explain["value"].tolist()

    def test_pandas_nullable_numbers(self) -> None:
        """pandas Int64 / Float64 with <NA> work where missing is allowed."""
        out = self.evaluate(recency=pd.array([10, None, 200, 5], dtype="Int64"))
        assert out["stage"].to_numpy().tolist() == ["active", "never", "lost", "active"]

    def test_only_required_columns(self) -> None:
        """Columns no output reads may be absent."""
        text = SHOP.split("[tags.flags]")[0]
        data = {k: v for k, v in SHOP_DATA.items() if k != "member"}
        assert "member" not in rules.loads(text).required_fields()
        rules.loads(text).evaluate(data)

    def test_rows_without_required_fields(self) -> None:
        """Rules that read no field still label every row of a mapping."""
        text = 'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\ndefault = "d"\nrules = [{ label = "all", when = "True" }]\n'
        out = rules.loads(text).evaluate({"x": [1.0, 2.0, 3.0]})
        assert out["s"].to_numpy().tolist() == ["all", "all", "all"]

    def test_empty_data(self) -> None:
        """Zero rows give empty results."""
        out = rules.loads(SHOP).evaluate(
            {k: v[:0] for k, v in SHOP_DATA.items()}, explain=True
        )
        assert len(out["value"]) == 0
        assert out.tags["flags"][1].shape == (0, 2)
        assert out.explain["value"].tolist() == []

    def test_integer_field_with_fractional_bounds(self) -> None:
        """An integer field with min = 0.5 is labelled by its values (lookup path)."""
        text = """format = 1
[fields]
s = { type = "integer", min = 0.5, max = 3.5 }
t = { type = "integer", min = 1, max = 2 }
[segments.seg]
default = "d"
rules = [
  { label = "one", when = "s == 1 and t == 1" },
  { label = "two", when = "s == 2" },
  { label = "three", when = "s == 3" },
]
"""
        out = rules.loads(text).evaluate({"s": [1, 2, 3, 1], "t": [1, 1, 1, 2]})
        assert out["seg"].to_numpy().tolist() == ["one", "two", "three", "d"]


class TestResults:
    """RulesResult: labels, tags, explain, to_pandas, translations."""

    def result(self, **kwargs: Any) -> Any:
        return rules.loads(SHOP).evaluate(SHOP_DATA, **kwargs)

    def test_labels(self) -> None:
        """One Labels per table and segmentation."""
        out = self.result()
        assert set(out.labels) == {"stage", "value"}
        assert out["stage"].to_numpy().tolist() == ["active", "silent", "lost", "never"]
        assert out["value"].to_numpy().tolist() == [
            "vip",
            "win-back",
            "online",
            "regular",
        ]

    def test_tags_matrix(self) -> None:
        """A boolean matrix per tag set: every matching tag, columns in first-use order."""
        names, matrix = self.result().tags["flags"]
        assert names == ("big", "member")
        assert matrix.dtype == np.bool_
        assert matrix.tolist() == [
            [True, True],
            [True, False],
            [False, False],
            [True, True],
        ]

    def test_explain(self) -> None:
        """explain=True gives the deciding rule per row, -1 for the default."""
        out = self.result(explain=True)
        assert out.explain["value"].tolist() == [0, 1, 2, -1]
        assert self.result().explain == {}

    def test_to_pandas(self) -> None:
        """One categorical column per output, a bool column per tag, the rule columns."""
        df = self.result(explain=True).to_pandas()
        assert list(df.columns) == [
            "stage",
            "value",
            "flags.big",
            "flags.member",
            "value.rule",
        ]
        assert isinstance(df["stage"].dtype, pd.CategoricalDtype)
        assert df["stage"].cat.ordered
        assert df["value"].tolist() == ["vip", "win-back", "online", "regular"]
        assert df["flags.big"].dtype == bool
        assert df["value.rule"].tolist() == [0, 1, 2, -1]
        assert len(df) == 4

    def test_translations(self) -> None:
        """lang="zh" uses the translations; untranslated labels stay."""
        out = self.result(lang="zh")
        assert out["stage"].to_numpy().tolist() == ["活跃", "沉默", "流失", "未购买"]
        assert out["value"].to_numpy().tolist() == ["贵宾", "挽回", "online", "普通"]
        assert out["stage"].codes.tolist() == self.result()["stage"].codes.tolist()

    def test_unknown_language(self) -> None:
        """A language without translations is refused (it gave the original
        labels without a word); "en" is the names as written."""
        with pytest.raises(ThresholdError, match="'lang' must be one of"):
            self.result(lang="fr")
        assert self.result(lang="en")["value"] == self.result()["value"]

    def test_translation_of_unknown_label(self) -> None:
        """A translation for a label that does not exist is a warning with a
        suggestion (harmless to evaluation, but probably a typo)."""
        text = SHOP.replace('vip = "贵宾"', 'vpi = "贵宾"')
        found = [d for d in rules.check(text) if d.code == "unknown-label"]
        assert len(found) == 1
        assert found[0].severity == "warning"
        assert found[0].hint == "did you mean 'vip'?"
        rules.loads(text)  # loads: warnings do not raise

    def test_colliding_translations(self) -> None:
        """Two labels translated alike are caught when loading, not when evaluating."""
        text = SHOP.replace('silent = "沉默"', 'silent = "活跃"')
        try:
            rs = rules.loads(text)
        except RulesError:
            return
        rs.evaluate(SHOP_DATA, lang="zh")

    def test_result_getitem(self) -> None:
        """result[name] is result.labels[name]; an unknown name is an
        InputError naming the outputs (and still a KeyError)."""
        out = self.result()
        assert out["value"] is out.labels["value"]
        assert "value" in out and "nope" not in out
        with pytest.raises(KeyError):
            out["nope"]
        with pytest.raises(
            InputError, match=r"'nope' is not an output.*'stage', 'value'"
        ):
            out["nope"]

    def test_rule_set_attributes(self) -> None:
        """A RuleSet exposes its name, outputs and required fields."""
        rs = rules.loads(SHOP)
        assert (rs.name, rs.description) == ("shop", "a test shop")
        assert rs.outputs == ("stage", "value")
        assert set(rs.required_fields()) == {
            "recency",
            "spend",
            "score",
            "channel",
            "member",
        }

    def test_evaluate_twice(self) -> None:
        """A RuleSet can be evaluated many times with the same result."""
        rs = rules.loads(SHOP)
        a, b = rs.evaluate(SHOP_DATA), rs.evaluate(SHOP_DATA)
        assert a["value"] == b["value"]


# --------------------------------------------------------------------------
# presets and files


class TestPresets:
    """Shipped presets: listing, text, loading by name."""

    def test_presets_lists_ecommerce(self) -> None:
        """presets() maps names to one-line descriptions."""
        found = rules.presets()
        assert {"base", "ecommerce"} <= set(found)
        assert found["ecommerce"].startswith("Online shop")
        assert all(isinstance(v, str) and v and "\n" not in v for v in found.values())

    def test_preset_text(self) -> None:
        """preset_text gives the TOML of a preset."""
        text = rules.preset_text("ecommerce")
        doc = tomllib.loads(text)
        assert doc["extends"] == "base"
        assert doc["format"] == 1

    @pytest.mark.parametrize("name", sorted(rules.presets()))
    def test_every_preset_is_clean(self, name: str) -> None:
        """Every shipped preset loads without errors or warnings."""
        rs = rules.load(name)
        assert rs.outputs
        assert [d.render() for d in rs.diagnostics if d.severity != "info"] == []

    def test_load_by_name(self) -> None:
        """load("ecommerce") loads the preset; paths are preset:NAME."""
        rs = rules.load("ecommerce")
        assert rs.path == "preset:ecommerce"
        assert rs.tables["lifecycle"].breaks == (90.0, 180.0, 270.0, 365.0)

    @pytest.mark.parametrize(
        ("name", "hint"),
        [("ecomerce", "did you mean 'ecommerce'?"), ("zzzz", "available: ")],
    )
    def test_unknown_preset(self, name: str, hint: str) -> None:
        """An unknown preset name is an unknown-preset error with a suggestion."""
        with pytest.raises(RulesError) as info:
            rules.load(name)
        d = info.value.diagnostics[0]
        assert d.code == "unknown-preset"
        assert d.hint.startswith(hint)
        with pytest.raises(RulesError):
            rules.preset_text(name)
        assert [x.code for x in rules.check(name)] == ["unknown-preset"]

    @pytest.mark.parametrize("name", ["../base", "base.toml", "", "a/b", "__init__"])
    def test_preset_names_are_not_paths(self, name: str) -> None:
        """preset_text refuses anything that is not a shipped preset's name."""
        with pytest.raises(RulesError):
            rules.preset_text(name)


class TestFiles:
    """load() and check() of paths."""

    def test_load_path(self, tmp_path: Path) -> None:
        """A Path and a str path both load; diagnostics name the file."""
        path = tmp_path / "shop.toml"
        path.write_text(SHOP, encoding="utf-8")
        for arg in (path, str(path)):
            rs = rules.load(arg)
            assert rs.path == str(path)
            assert rs.outputs == ("stage", "value")

    def test_path_errors_name_the_file(self, tmp_path: Path) -> None:
        """Errors in a file carry its path."""
        path = tmp_path / "bad.toml"
        path.write_text("format = 2\n", encoding="utf-8")
        with pytest.raises(RulesError) as info:
            rules.load(path)
        assert info.value.diagnostics[0].path == str(path)
        assert str(info.value).startswith(f"{path}:1:1: error[format]")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is a 'file' diagnostic."""
        path = tmp_path / "nope.toml"
        with pytest.raises(RulesError) as info:
            rules.load(path)
        assert info.value.diagnostics[0].code == "file"
        assert [d.code for d in rules.check(path)] == ["file"]

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is a 'file' diagnostic."""
        assert [d.code for d in rules.check(tmp_path)] == ["file"]

    def test_path_with_nul(self) -> None:
        """A path with a NUL byte is a 'file' diagnostic, not a ValueError."""
        assert [d.code for d in rules.check("bad\x00.toml")] == ["file"]
        with pytest.raises(RulesError):
            rules.load("bad\x00.toml")

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file that is not UTF-8 gives diagnostics, not UnicodeDecodeError."""
        path = tmp_path / "latin.toml"
        path.write_bytes(b'format = 1\nname = "caf\xe9"\n')
        found = rules.check(path)
        assert found and all(d.severity == "error" for d in found)

    def test_utf8_bom(self, tmp_path: Path) -> None:
        """A UTF-8 file with a byte-order mark loads."""
        path = tmp_path / "bom.toml"
        path.write_bytes("\ufeff".encode() + SHOP.encode())
        assert rules.load(path).outputs == ("stage", "value")

    def test_crlf_line_endings(self, tmp_path: Path) -> None:
        """Windows line endings load, and columns are unaffected."""
        path = tmp_path / "crlf.toml"
        path.write_bytes(SHOP.replace("x", "x").replace("\n", "\r\n").encode())
        assert rules.load(path).outputs == ("stage", "value")
        bad = SHOP.replace("score >= 4", "scroe >= 4").replace("\n", "\r\n")
        path.write_bytes(bad.encode())
        d = next(d for d in rules.check(path) if d.severity == "error")
        assert d.source_line[d.column - 1 : d.end_column - 1] == "scroe"

    def test_loads_path_argument(self) -> None:
        """loads(text, path=...) uses the path in diagnostics."""
        with pytest.raises(RulesError) as info:
            rules.loads("format = 2\n", path="mine.toml")
        assert info.value.diagnostics[0].path == "mine.toml"
