"""Audit 3 of the rules: each class of defect found, tested over its family.

mean() whatever the row order; unsigned integer columns; diagnostics at the
condition, not at an equal note; parameters under the limits of literals,
reported once; examples reported once and where written; CR-only files and
conditions over several lines; a file named like a preset; a relabelled
lifecycle table; control characters in labels; NumPy scalars in messages;
duplicate names inherited from a preset; customers with no purchase in
rfm_vignette and ecom4.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import Diagnostic, InputError, RulesError

PRESETS = sorted(rules.presets())


def errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "error"]


def line_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the *occurrence*-th *needle* in *text*."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


# --------------------------------------------------------------------------
# 1. mean(x) does not depend on the order of the rows

MEAN_RULES = """format = 1
[fields]
x = { type = "number", missing = true }
[segments.s]
default = "low"
rules = [
  { label = "none", when = "missing(x)" },
  { label = "high", when = "x > mean(x)" },
  { label = "at", when = "x == mean(x)" },
]
"""

decimals = st.integers(-(10**9), 10**9).map(lambda c: c / 100)
anything = st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)


class TestMeanOrderFree:
    def test_the_reported_example(self) -> None:
        """0.2 is the mean of 0.1, 0.2 and 0.3 in either order."""
        rs = rules.loads(MEAN_RULES)
        for order in ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]):
            out = rs.evaluate({"x": order})["s"].to_numpy().tolist()
            assert out[order.index(0.2)] == "at"

    @settings(max_examples=200, deadline=None)
    @given(
        cents=st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=40),
        others=st.lists(st.one_of(anything, st.just(float("nan"))), max_size=5),
        data=st.data(),
    )
    def test_any_order_same_labels(
        self, cents: list[int], others: list[float], data
    ) -> None:
        """Every customer keeps its label when the rows are shuffled; with
        decimals, a customer at the exact mean is at it in every order."""
        rs = rules.loads(MEAN_RULES)
        cents[-1] -= sum(cents) % len(cents)  # the mean is a whole cent
        at = sum(cents) // len(cents)
        x = np.array([c / 100 for c in [*cents, at]])
        order = data.draw(st.permutations(range(len(x))))
        for values in (x, x[order]):
            out = rs.evaluate({"x": values})["s"].to_numpy().tolist()
            assert {
                lab for v, lab in zip(values, out, strict=True) if v == at / 100
            } == {"at"}
        # any values, missing ones included: the same label per customer
        y = np.array([*x, *others])
        order = data.draw(st.permutations(range(len(y))))
        first = rs.evaluate({"x": y})["s"].to_numpy()
        again = rs.evaluate({"x": y[order]})["s"].to_numpy()
        assert again.tolist() == first[order].tolist()

    @settings(max_examples=60, deadline=None)
    @given(
        cents=st.lists(st.integers(1, 10**7), min_size=2, max_size=30),
        data=st.data(),
    )
    def test_rfm8_any_order(self, cents: list[int], data) -> None:
        """The base preset's rfm8 (above/below the means) ignores row order,
        also for a customer whose spend is the mean."""
        rs = rules.load("base")
        cents[-1] += len(cents) - sum(cents) % len(cents)  # a whole-cent mean
        cents.append(sum(cents) // len(cents))
        n = len(cents)
        cols = {
            "recency_days": np.arange(n, dtype=float),
            "frequency": np.full(n, 2),
            "monetary": np.array([c / 100 for c in cents]),
            "tenure_days": np.full(n, 100.0),
            "r": np.full(n, 3),
            "f": np.full(n, 3),
            "m": np.full(n, 3),
        }
        order = np.array(data.draw(st.permutations(range(n))))
        first = rs.evaluate(cols)["rfm8"].to_numpy()
        again = rs.evaluate({k: v[order] for k, v in cols.items()})["rfm8"].to_numpy()
        assert again.tolist() == first[order].tolist()
        # the customer at the mean spend is not above it: a General type
        assert first[n - 1].startswith("General")


# --------------------------------------------------------------------------
# 4. unsigned integer columns give the labels of signed ones

UINT_RULES = """format = 1
[fields]
i = { type = "integer", min = -3, max = 300, missing = %s }
[segments.s]
default = "zero"
rules = [{ label = "pos", when = "i > 0" }, { label = "neg", when = "i < 0" }]
[segments.t]
default = "d"
rules = [
  { label = "a", when = "-i < -2" },
  { label = "b", when = "i - 5 < -3" },
  { label = "c", when = "i in (-1, 3)" },
]
"""


class TestUnsignedColumns:
    @settings(max_examples=60, deadline=None)
    @given(
        values=st.lists(st.integers(0, 255), min_size=1, max_size=30),
        dtype=st.sampled_from([np.uint8, np.uint16, np.uint32, np.uint64]),
        missing=st.booleans(),
    )
    def test_same_labels_as_int64(self, values: list[int], dtype, missing) -> None:
        rs = rules.loads(UINT_RULES % str(missing).lower())
        signed = rs.evaluate({"i": np.array(values, dtype=np.int64)})
        unsigned = rs.evaluate({"i": np.array(values, dtype=dtype)})
        for name in ("s", "t"):
            assert unsigned[name].to_numpy().tolist() == (
                signed[name].to_numpy().tolist()
            )


# --------------------------------------------------------------------------
# 5. diagnostics at the condition, not at an earlier equal string

BAD = "monetry > 1"
LOCATE_CASES = {
    "note": f"""format = 1
[fields]
monetary = {{ type = "number" }}
[segments.s]
default = "d"
rules = [
  {{ label = "a", when = "monetary > 1", note = "{BAD}" }},
  {{ label = "b", when = "{BAD}" }},
]
""",
    "label": f"""format = 1
[fields]
monetary = {{ type = "number" }}
[segments.s]
default = "d"
rules = [
  {{ label = "{BAD}", when = "{BAD}" }},
]
""",
    "tag": f"""format = 1
[fields]
monetary = {{ type = "number" }}
[tags.t]
rules = [
  {{ tag = "{BAD}", when = "monetary > 2" }},
  {{ tag = "b", when = "{BAD}" }},
]
""",
}


class TestLocateTheCondition:
    @pytest.mark.parametrize("case", sorted(LOCATE_CASES))
    def test_error_at_the_when(self, case: str) -> None:
        text = LOCATE_CASES[case]
        (d,) = errors(rules.check(text, text=True))
        assert d.code == "unknown-name"
        line, col = line_of(text, f'when = "{BAD}"')
        assert (d.line, d.column) == (line, col + len('when = "'))

    def test_warning_at_the_when(self) -> None:
        """Unreachable rules are reported at their own condition."""
        text = """format = 1
[fields]
monetary = { type = "number" }
[segments.s]
default = "d"
rules = [
  { label = "a", when = "monetary > 1", note = "same as monetary > 5" },
  { label = "b", when = "monetary > 1.5", note = "monetary > 5" },
  { label = "c", when = "monetary > 5" },
]
"""
        warned = {
            d.message.split(" ")[1]: (d.line, d.column)
            for d in rules.check(text, text=True)
            if d.code == "unreachable"
        }
        assert warned == {
            "2": (8, line_of(text, 'when = "monetary > 1.5"')[1] + 8),
            "3": (9, line_of(text, 'when = "monetary > 5"')[1] + 8),
        }


# --------------------------------------------------------------------------
# 8, 9. parameters: the limits of literals, one error per refused name

PARAM_RULES = """format = 1
[fields]
x = {{ type = "number" }}
[params]
p = {value}
[derived]
d = "x + p"
[segments.s]
default = "no"
rules = [{{ label = "yes", when = "x == p" }}, {{ label = "big", when = "d > 1" }}]
"""


class TestParams:
    @settings(max_examples=40, deadline=None)
    @given(
        value=st.integers(10**15 + 1, 10**30) | st.integers(-(10**30), -(10**15) - 1)
    )
    def test_too_large_is_one_limit_error(self, value: int) -> None:
        """A parameter beyond the literal limit (1e15) is refused, once."""
        found = errors(rules.check(PARAM_RULES.format(value=value), text=True))
        assert [(d.code, d.line) for d in found] == [("limit", 5)]
        assert "too large" in found[0].message

    @pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e301"])
    def test_not_finite_or_huge(self, value: str) -> None:
        (d,) = errors(rules.check(PARAM_RULES.format(value=value), text=True))
        assert d.line == 5
        assert "must be a number, a string" not in d.message

    @pytest.mark.parametrize("value", ["[1]", "{ a = 1 }", "1979-05-27"])
    def test_wrong_kind_reported_once(self, value: str) -> None:
        found = errors(rules.check(PARAM_RULES.format(value=value), text=True))
        assert [(d.code, d.line) for d in found] == [("bad-value", 5)]

    def test_failed_definitions_are_not_unknown(self) -> None:
        """A field, derived value or table that failed is not reported again
        as an unknown name where it is used."""
        text = """format = 1
[fields]
x = { type = "number" }
y = { type = "numbr" }
[derived]
k = "x + qq"
[tables.t]
field = "y"
breaks = [1]
labels = ["a", "b"]
[segments.s]
default = "d"
rules = [{ label = "e", when = "k > 1" }, { label = "f", when = "y > 1" }, { label = "g", when = "t == 'a'" }]
"""
        found = errors(rules.check(text, text=True))
        assert sorted((d.line, d.code) for d in found) == [
            (4, "bad-value"),
            (6, "unknown-name"),
        ]


# --------------------------------------------------------------------------
# 10. examples: one error per bad value, keys located where written

EXAMPLE_HEAD = """format = 1
[fields]
x = { type = "number", missing = true }
i = { type = "integer", min = 1, max = 5 }
[segments.s]
default = "d"
rules = [{ label = "A", when = "i >= 3" }]
[[examples]]
"""


class TestExamples:
    @pytest.mark.parametrize("bad", ["3.5", "true", '"3"', "9"])
    def test_bad_given_is_one_error(self, bad: str) -> None:
        text = (
            EXAMPLE_HEAD + f'given = {{ x = 1, i = {bad} }}\nexpect = {{ s = "A" }}\n'
        )
        found = errors(rules.check(text, text=True))
        assert [(d.line, d.code) for d in found] == [(9, "bad-value")]

    @pytest.mark.parametrize(
        "layout",
        [
            'given = { x = 1, i = 3 }\nexpect = { x = "A" }\n',
            'given.x = 1\ngiven.i = 3\nexpect.x = "A"\n',
            '[examples.given]\nx = 1\ni = 3\n[examples.expect]\nx = "A"\n',
        ],
    )
    def test_expect_key_named_like_a_given_key(self, layout: str) -> None:
        text = EXAMPLE_HEAD + layout
        (d,) = errors(rules.check(text, text=True))
        assert d.code == "unknown-name"
        last = len(text.rstrip("\n").split("\n"))
        assert d.line == last  # the expect line, the file's last


# --------------------------------------------------------------------------
# 11. CR-only files and conditions over several lines

ONE_RULE = (
    'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\ndefault = "d"\n'
    'rules = [{ label = "a", when = "x > 1" }]\n'
)


class TestLayout:
    def test_cr_only_file_named_as_such(self) -> None:
        (d,) = errors(rules.check(ONE_RULE.replace("\n", "\r"), text=True))
        assert "CR only" in d.hint
        assert "not TOML" not in d.hint

    @pytest.mark.parametrize("op", ["and", "or", "+ 1 >", "<"])
    def test_condition_over_lines_hint(self, op: str) -> None:
        text = ONE_RULE.replace('"x > 1"', f'"""x > 1 {op}\n  x < 5"""')
        (d,) = errors(rules.check(text, text=True))
        assert d.code == "expr-syntax"
        assert "parentheses" in d.hint
        # the fix the hint gives works
        text = ONE_RULE.replace('"x > 1"', '"""(x > 1 and\n  x < 5)"""')
        out = rules.loads(text).evaluate({"x": [0.0, 2.0, 6.0]})["s"]
        assert out.to_numpy().tolist() == ["d", "a", "d"]


# --------------------------------------------------------------------------
# 12. a file named like a preset

MINE = (
    'format = 1\n[fields]\nfrequency = { type = "integer", min = 0 }\n'
    '[segments.mine]\ndefault = "few"\n'
    'rules = [{ label = "many", when = "frequency >= 3" }]\n'
)


class TestFileNamedLikeAPreset:
    @pytest.mark.parametrize("name", PRESETS)
    def test_ambiguous_name_is_an_error(self, name, tmp_path, monkeypatch) -> None:
        monkeypatch.chdir(tmp_path)
        (tmp_path / name).write_text(MINE, encoding="utf-8")
        with pytest.raises(RulesError) as info:
            rules.load(name)
        (d,) = info.value.diagnostics
        assert d.code == "file"
        assert f"./{name}" in d.hint and "preset" in d.hint
        assert [x.code for x in rules.check(name, text=False)] == ["file"]
        assert rules.load(f"./{name}").outputs == ("mine",)
        assert rules.preset(name).outputs != ("mine",)
        (tmp_path / name).unlink()  # no such file: the name is the preset
        assert rules.load(name).outputs == rules.preset(name).outputs


# --------------------------------------------------------------------------
# 13. a relabelled lifecycle table: inherited stages no longer apply


class TestRelabelledTable:
    TEXT = (
        'format = 1\nextends = "ecommerce"\n[tables.lifecycle]\n'
        'breaks = [90, 365]\nlabels = ["hot", "warm", "cold"]\n'
    )

    def test_warnings_in_the_file_not_errors_in_the_preset(self) -> None:
        diags = rules.check(self.TEXT, text=True)
        assert errors(diags) == []
        warned = [d for d in diags if d.severity == "warning"]
        assert {d.path for d in warned} == {"<string>"}
        assert {d.line for d in warned} == {5}  # the new labels
        # rfm11, rfm_vignette, rfm8, ecom4, status, status_crm
        assert len(warned) == 6
        rs = rules.loads(self.TEXT)
        assert all(
            rs.segments[n].stages == {}
            for n in ("rfm11", "rfm8", "ecom4", "status", "status_crm")
        )

    def test_own_stages_still_checked(self) -> None:
        text = (
            self.TEXT + '[segments.ecom4]\nstages = { "Key Development" = ["hoot"] }\n'
        )
        (d,) = errors(rules.check(text, text=True))
        assert d.code == "unknown-stage"


# --------------------------------------------------------------------------
# 15. control characters in labels

CONTROL = st.sampled_from(
    [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
    + ["\u202e", "\u2066", "\ud800", "\udfff"]
)
PLACES = {
    "rule label": 'rules = [{{ label = "{L}", when = "x > 1" }}]\ndefault = "d"',
    "default": 'rules = [{{ label = "a", when = "x > 1" }}]\ndefault = "{L}"',
    "translation": 'rules = [{{ label = "a", when = "x > 1" }}]\ndefault = "d"\n'
    'translations.zh = {{ a = "{L}" }}',
}


def _escaped(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


class TestControlCharactersInLabels:
    @settings(max_examples=80, deadline=None)
    @given(
        char=CONTROL,
        place=st.sampled_from(sorted(PLACES)),
        head=st.text("ab", max_size=3),
    )
    def test_refused_in_segmentations(self, char: str, place: str, head: str) -> None:
        label = head + _escaped(char) + "x"
        body = PLACES[place].format(L=label)
        text = (
            f'format = 1\n[fields]\nx = {{ type = "number" }}\n[segments.s]\n{body}\n'
        )
        if "\\ud" in label.lower():  # a lone surrogate: TOML itself refuses it
            assert errors(rules.check(text, text=True))
            return
        found = errors(rules.check(text, text=True))
        assert [d.code for d in found] == ["bad-value"]
        assert "control character" in found[0].message

    @settings(max_examples=40, deadline=None)
    @given(char=CONTROL.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF))
    def test_refused_in_tables_and_tags(self, char: str) -> None:
        bad = "a" + _escaped(char)
        table = (
            'format = 1\n[fields]\nx = { type = "number", missing = true }\n'
            f'[tables.t]\nfield = "x"\nbreaks = [1]\nlabels = ["{bad}", "b"]\n'
            'missing = "m"\n'
        )
        missing = table.replace(f'"{bad}"', '"a"').replace('"m"', f'"{bad}"')
        tag = (
            'format = 1\n[fields]\nx = { type = "number" }\n'
            f'[tags.g]\nrules = [{{ tag = "{bad}", when = "x > 1" }}]\n'
        )
        for text in (table, missing, tag):
            assert [d.code for d in errors(rules.check(text, text=True))] == [
                "bad-value"
            ]
        # labels of plain text, Chinese and dashes included, stay fine
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
            'rules = [{ label = "重要价值客户 (A)", when = "x > 1" }]\n'
            'default = "Ordinary — 普通"\n'
        )
        assert errors(rules.check(text, text=True)) == []


# --------------------------------------------------------------------------
# 16. NumPy scalars in messages


class TestPlainValuesInMessages:
    BOOL = (
        'format = 1\n[fields]\nb = { type = "bool", missing = true }\n'
        '[segments.s]\ndefault = "d"\nrules = [{ label = "a", when = "b" }]\n'
    )

    @pytest.mark.parametrize(
        "values, shown",
        [
            (np.array([1.0, 0.0]), "1.0"),
            (np.array([np.int64(1), True], dtype=object), "1"),
        ],
    )
    def test_bool_field(self, values, shown: str) -> None:
        with pytest.raises(InputError) as info:
            rules.loads(self.BOOL).evaluate({"b": values})
        message = str(info.value)
        assert "np." not in message
        assert f"has a value {shown} that is not a boolean" in message

    def test_category_field(self) -> None:
        text = (
            'format = 1\n[fields]\nc = { type = "category", values = ["a"] }\n'
            '[segments.s]\ndefault = "d"\nrules = [{ label = "x", when = "c == \'a\'" }]\n'
        )
        with pytest.raises(InputError) as info:
            rules.loads(text).evaluate({"c": np.array([np.float64(2.5)], dtype=object)})
        assert "np.float64" not in str(info.value)
        assert "2.5" in str(info.value)


# --------------------------------------------------------------------------
# 6. a duplicate of a name the preset defines says so


class TestDuplicateOfAPresetName:
    @pytest.mark.parametrize(
        "section, entry, kind",
        [
            (
                "segments.vip",
                'default = "o"\nrules = [{ label = "v", when = "frequency > 9" }]',
                "field",
            ),
            ("fields", 'rfm11 = { type = "number" }', "segmentation"),
            ("params", "vip = 1", "field"),
            ("derived", 'lifecycle = "frequency + 1"', "table"),
        ],
    )
    def test_message_names_the_preset(
        self, section: str, entry: str, kind: str
    ) -> None:
        text = f'format = 1\nextends = "ecommerce"\n[{section}]\n{entry}\n'
        found = errors(rules.check(text, text=True))
        assert [(d.code, d.path) for d in found] == [("duplicate-name", "<string>")]
        assert "the preset 'ecommerce'" in found[0].message
        assert f"already has a {kind}" in found[0].message


# --------------------------------------------------------------------------
# docs 1. no purchase: "Unscored" in rfm_vignette and ecom4 too


class TestNoPurchaseHasItsOwnLabel:
    @pytest.mark.parametrize("name", PRESETS)
    def test_every_preset(self, name: str) -> None:
        nan = float("nan")
        data = {
            "recency_days": [nan, 10.0],
            "frequency": [0, 4],
            "monetary": [-20.0, 50.0],
            "tenure_days": [nan, 400.0],
            "r": [nan, 5],
            "f": [nan, 3],
            "m": [nan, 2],
        }
        rs = rules.load(name)
        out = rs.evaluate(data)
        zh = rs.evaluate(data, lang="zh")
        for seg in ("rfm11", "rfm_vignette", "rfm8", "ecom4"):
            assert out[seg].to_numpy().tolist()[0] == "Unscored", seg
            assert zh[seg].to_numpy().tolist()[0] == "未评分", seg
            assert out[seg].to_numpy().tolist()[1] != "Unscored", seg
