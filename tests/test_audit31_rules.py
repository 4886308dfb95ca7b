"""Audit 31, rules DSL (area rules5): findings of the thirty-first audit.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import Diagnostic
from custseg.rules import _analysis


def _highlighted(d: Diagnostic) -> str:
    """The text under the caret."""
    return d.source_line[d.column - 1 : d.end_column - 1]


def _errors(text: str) -> list[Diagnostic]:
    return [d for d in rules.check(text, text=True) if d.severity == "error"]


# --------------------------------------------------------------------------
# 1. A number field that may be missing, compared with more than 16
# constants, tabulated: a missing value took the slot past the last one
# (searchsorted sorts NaN last, and the missing slot was added on top), so a
# row got another cell's label, or the evaluation raised a bare IndexError

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@attrs.frozen
class _Cut:
    """A segmentation of rules ``x OP constant`` (and optionally ``a == 3``
    and ``missing(x)``), with rows to label."""

    kind: str  # number or integer
    with_a: bool
    missing_at: int | None  # where the missing(x) rule is, or None
    rules: tuple[tuple[str, float], ...]  # (operator, constant)
    xs: tuple[float, ...]
    as_: tuple[int, ...]

    def text(self) -> str:
        lines = ["format = 1", "[fields]"]
        if self.with_a:
            lines.append('a = { type = "integer", min = 1, max = 3 }')
        lines += [
            f'x = {{ type = "{self.kind}", missing = true }}',
            "[segments.s]",
            'default = "low"',
            "rules = [",
        ]
        if self.with_a:
            lines.append('  { label = "a3", when = "a == 3" },')
        for i, (op, c) in enumerate(self.rules):
            if i == self.missing_at:
                lines.append('  { label = "miss", when = "missing(x)" },')
            lines.append(f'  {{ label = "r{i}", when = "x {op} {c!r}" }},')
        if self.missing_at == len(self.rules):
            lines.append('  { label = "miss", when = "missing(x)" },')
        return "\n".join([*lines, "]", ""])

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"x": np.asarray(self.xs, dtype=np.float64)}
        if self.with_a:
            out["a"] = np.asarray(self.as_, dtype=np.int64)
        return out

    def expected(self) -> list[str]:
        """First match wins, in plain Python: a comparison with a missing
        value is not decided (the rule is skipped); missing(x) is true."""
        out = []
        for x, a in zip(self.xs, self.as_ or (0,) * len(self.xs), strict=True):
            got = "low"
            checks: list[tuple[str, bool]] = []
            if self.with_a:
                checks.append(("a3", a == 3))
            for i, (op, c) in enumerate(self.rules):
                if i == self.missing_at:
                    checks.append(("miss", math.isnan(x)))
                checks.append((f"r{i}", not math.isnan(x) and _OPS[op](x, c)))
            if self.missing_at == len(self.rules):
                checks.append(("miss", math.isnan(x)))
            for label, hit in checks:
                if hit:
                    got = label
                    break
            out.append(got)
        return out


@st.composite
def _cuts(draw: st.DrawFn) -> _Cut:
    """12 to 40 distinct constants (the tabulated path changes at 17), a
    few rows of which some are missing."""
    kind = draw(st.sampled_from(["number", "integer"]))
    n = draw(st.integers(12, 40))
    if kind == "integer":
        consts = draw(
            st.lists(st.integers(-60, 60), min_size=n, max_size=n, unique=True)
        )
        values = [float(c + d) for c in consts for d in (-1, 0, 1)]
    else:
        halves = st.integers(-120, 120).map(lambda k: k / 2)
        consts = draw(st.lists(halves, min_size=n, max_size=n, unique=True))
        values = [float(c + d) for c in consts for d in (-0.25, 0, 0.25)]
    ops = draw(st.lists(st.sampled_from(list(_OPS)), min_size=n, max_size=n))
    rows = draw(st.integers(1, 25))
    xs = draw(
        st.lists(
            st.one_of(st.just(math.nan), st.sampled_from(values)),
            min_size=rows,
            max_size=rows,
        )
    )
    with_a = draw(st.booleans())
    as_ = tuple(draw(st.lists(st.integers(1, 3), min_size=rows, max_size=rows)))
    return _Cut(
        kind,
        with_a,
        draw(st.none() | st.integers(0, n)),
        tuple(zip(ops, map(float, consts), strict=True)),
        tuple(xs),
        as_ if with_a else (),
    )


def _untabulated(rs: rules.RuleSet) -> rules.RuleSet:
    """*rs* with every segmentation evaluated rule by rule."""
    tables, skip = _analysis.lookups(rs, max_cells=0)
    return attrs.evolve(rs, lookups=tables, skip=skip)


@settings(max_examples=40, deadline=None)
@given(case=_cuts())
def test_missing_values_beside_many_constants_take_the_missing_cell(case: _Cut) -> None:
    """Labels and deciding rules of the tabulated evaluation are those of
    first match wins, whatever the number of constants (around 16, the
    size at which the slots are found by a binary search) and wherever the
    values are missing; it was a wrong label or an IndexError past 16."""
    rs = rules.loads(case.text())
    assert "s" in rs.lookups  # the tabulated path is the one tested
    got = rs.evaluate(case.data(), explain=True)
    assert got["s"].to_numpy().tolist() == case.expected()
    plain = _untabulated(rs).evaluate(case.data(), explain=True)
    assert got.explain["s"].tolist() == plain.explain["s"].tolist()


def test_missing_beside_seventeen_constants_worked_example() -> None:
    """The finding's two examples: a missing x was labelled 'x >= 17' and
    a = 2 'a == 3'; a weekly recency band over the ecommerce preset raised
    IndexError (16 thresholds were right)."""
    rl = "".join(
        f'  {{ label = "ge{i}", when = "x >= {i}" }},\n' for i in range(17, 0, -1)
    )
    rs = rules.loads(
        "format = 1\n[fields]\n"
        'a = { type = "integer", min = 1, max = 3 }\n'
        'x = { type = "number", missing = true }\n'
        '[segments.s]\ndefault = "low"\nrules = [\n'
        '  { label = "a3", when = "a == 3" },\n'
        '  { label = "miss", when = "missing(x)" },\n'
        f"{rl}]\n"
    )
    out = rs.evaluate({"a": [1, 2], "x": [np.nan, np.nan]}, explain=True)
    assert out["s"].to_numpy().tolist() == ["miss", "miss"]
    assert out.explain["s"].tolist() == [1, 1]

    def weeks(n: int) -> rules.RuleSet:
        rl = "".join(
            f'  {{ label = "under{d}", when = "recency_days < {d}" }},\n'
            for d in range(10, 10 * (n + 1), 10)
        )
        return rules.loads(
            'format = 1\nextends = "ecommerce"\n[segments.weeks]\n'
            'default = "older"\nrules = [\n'
            '  { label = "no_purchase", when = "missing(recency_days)" },\n'
            f"{rl}]\n"
        )

    data = {
        "recency_days": [np.nan, 5.0, 500.0],
        "frequency": [0, 1, 1],
        "monetary": [0.0, 10.0, 10.0],
        "tenure_days": [np.nan, 5.0, 500.0],
        "r": [np.nan, 5, 1],
        "f": [np.nan, 1, 1],
        "m": [np.nan, 1, 1],
    }
    for n in (16, 17, 30):
        labels = weeks(n).evaluate(data, explain=True)["weeks"]
        assert labels.to_numpy().tolist() == ["no_purchase", "under10", "older"], n


# --------------------------------------------------------------------------
# 2. A file's override that breaks an entry of the preset it extends: the
# error was at the preset's line (an inherited 'order' made the documented
# relabelling fail to load, at preset:base:221:1)

_PRESETS = sorted(p for p in rules.presets() if p != "base")


@st.composite
def _overrides(draw: st.DrawFn) -> tuple[str, str]:
    """A file over a preset that sets one to three keys which can break the
    preset's own entries: a score field's bounds, the values of a category,
    the labels of a table, a segmentation's default or rules."""
    preset = draw(st.sampled_from(_PRESETS))
    parts = [f'format = 1\nextends = "{preset}"']
    kinds = draw(
        st.lists(
            st.sampled_from(["score", "category", "table", "default", "rules"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for kind in kinds:
        if kind == "score":
            dim = draw(st.sampled_from(["r", "f", "m"]))
            high = draw(st.integers(2, 9))
            parts.append(f"[fields.{dim}]\nmax = {high}")
        elif kind == "category":
            every = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied"]
            kept = draw(st.lists(st.sampled_from(every), min_size=1, unique=True))
            values = ", ".join(f'"{v}"' for v in [*kept, "meh"])
            parts.append(f"[fields.satisfaction]\nvalues = [{values}]")
        elif kind == "table":
            labels = draw(
                st.permutations(["fresh", "silent", "sleeping", "lost", "gone"])
            )
            listed = ", ".join(f'"{x}"' for x in labels)
            parts.append(f"[tables.lifecycle]\nlabels = [{listed}]")
        elif kind == "default":  # (status is the rules' when both are drawn)
            segs = ["rfm11", "status_crm", *([] if "rules" in kinds else ["status"])]
            seg = draw(st.sampled_from(segs))
            parts.append(f'[segments.{seg}]\ndefault = "Other"')
        else:
            kept = draw(
                st.lists(
                    st.sampled_from(["no_purchase", "lost", "buyer"]),
                    min_size=1,
                    unique=True,
                )
            )
            whens = {
                "no_purchase": "frequency == 0",
                "lost": "recency_days >= lost_days",
                "buyer": "frequency >= 1",
            }
            listed = ",\n".join(
                f'  {{ label = "{x}", when = "{whens[x]}" }}' for x in kept
            )
            parts.append(f"[segments.status]\nrules = [\n{listed},\n]")
    return preset, "\n".join(parts) + "\n"


@settings(max_examples=30, deadline=None)
@given(case=_overrides())
def test_errors_an_override_causes_are_at_the_files_keys(case: tuple[str, str]) -> None:
    """A preset alone has no errors: each error its file's overrides cause
    is at a key of the file, naming the preset's key and place."""
    preset, text = case
    for d in _errors(text):
        assert d.path == "<string>", (preset, d.render())
        if "(the preset's " in d.message:
            assert "with this file's" in d.message, d.render()
            assert "the preset alone has no such error" in d.hint, d.render()


@settings(max_examples=20, deadline=None)
@given(
    preset=st.sampled_from(sorted(rules.presets())),
    seg=st.sampled_from(["rfm11", "status", "status_crm"]),
    how=st.sampled_from(["default", "rules"]),
)
def test_an_inherited_order_no_longer_applies_with_new_labels(
    preset: str, seg: str, how: str
) -> None:
    """Relabelling a segmentation that has an 'order' (a new default, or
    new rules) loads, with one warning at the file's key: the preset's
    order no longer applies, and the labels are in the rules' order."""
    if how == "default":
        body = 'default = "Other"'
    else:
        body = (
            'rules = [\n  { label = "none", when = "frequency == 0" },\n'
            '  { label = "some", when = "frequency >= 1" },\n]'
        )
    text = f'format = 1\nextends = "{preset}"\n[segments.{seg}]\n{body}\n'
    found = rules.check(text, text=True)
    assert [d for d in found if d.severity == "error"] == []
    stale = [d for d in found if "'order'" in d.message]
    assert len(stale) == 1, [d.render() for d in found]
    (d,) = stale
    assert (d.severity, d.code, d.path, d.line) == (
        "warning",
        "unknown-label",
        "<string>",
        4,
    )
    assert _highlighted(d) == how
    assert "inherited (at preset:" in d.message and "no longer applies" in d.message
    rs = rules.loads(text)
    assert rs.segments[seg].order == ()
    names = rs.segments[seg].names
    assert d.hint.endswith("listing " + ", ".join(map(repr, names)))


def test_partial_overrides_worked_examples(tmp_path: Any) -> None:
    """The finding's four files: each problem at the file's key, not at
    preset:base:226:1, preset:base:84:1, preset:ecommerce:42:1 or
    preset:base:55:59."""
    head = 'format = 1\nextends = "ecommerce"\n'
    relabel = (
        head + "[segments.status]\nrules = [\n"
        '  { label = "no_purchase", when = "frequency == 0" },\n'
        '  { label = "lost", when = "recency_days >= lost_days" },\n'
        '  { label = "buyer", when = "frequency >= 1" },\n]\n'
    )
    path = tmp_path / "shop.toml"
    path.write_text(relabel)
    found = rules.check(path)
    assert [d for d in found if d.severity == "error"] == []
    (d,) = [d for d in found if "'order'" in d.message]
    assert (d.path, d.line, d.column) == (str(path), 4, 1)
    assert "preset:base:226:1" in d.message and "it lacks 'buyer'" in d.message
    assert rules.load(path).segments["status"].names == (
        "no_purchase",
        "lost",
        "buyer",
        "unknown",
    )

    (d,) = _errors(head + "[fields.r]\nmax = 4\n")
    assert (d.code, d.line, _highlighted(d)) == ("score-bins", 4, "max")
    assert d.message == (
        "4 edges give r scores 1..5, but field 'r' is declared from 1 to 4, with "
        "this file's fields.r.max (the preset's scores.r is at "
        "preset:ecommerce:42:1)"
    )
    assert "change this file's fields.r.max" in d.hint

    found = _errors(head + '[fields.satisfaction]\nvalues = ["bad", "ok", "good"]\n')
    assert [(d.code, d.line, _highlighted(d)) for d in found] == [
        ("unknown-category", 4, "values")
    ] * 3
    assert "(the preset's derived.at_least_at_risk is at preset:base:55:59)" in (
        found[0].message
    )


# --------------------------------------------------------------------------
# 3. A text compared with a number by an ordering operator said "'>' cannot
# compare categories" and suggested ==, which is an error too, at the
# operator

_KINDS = {
    "number": ('{ type = "number" }', "a number"),
    "integer": ('{ type = "integer" }', "a number"),
    "bool": ('{ type = "bool" }', "a bool"),
}


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(sorted(_KINDS)),
    op=st.sampled_from(list(_OPS)),
    text_first=st.booleans(),
    as_param=st.booleans(),
    word=st.sampled_from(["100", "abc", "2.5", "True", "x"]),
)
def test_a_text_beside_a_number_or_bool_is_named_at_the_text(
    kind: str, op: str, text_first: bool, as_param: bool, word: str
) -> None:
    """With any operator, a quoted text (or a text parameter) compared with
    a number or a bool field is "cannot compare a number with the text
    '...'", under the text."""
    declared, said = _KINDS[kind]
    text_token = "p" if as_param else f"'{word}'"
    cond = f"{text_token} {op} v" if text_first else f"v {op} {text_token}"
    params = f'[params]\np = "{word}"\n' if as_param else ""
    text = (
        f"format = 1\n[fields]\nv = {declared}\n{params}"
        f'[segments.s]\ndefault = "low"\nrules = [{{ label = "a", when = "{cond}" }}]\n'
    )
    (d,) = _errors(text)
    assert d.code == "type-mismatch"
    pair = (f"the text {word!r}", said)
    assert d.message == "cannot compare {} with {}".format(
        *(pair if text_first else pair[::-1])
    )
    assert "categor" not in d.message + d.hint and "use ==" not in d.hint
    assert "no quotes" in d.hint
    if kind != "bool":
        number = word.replace(".", "", 1).isdigit()
        assert (f"write {word} with" if number else f"x {op} 3") in d.hint
    assert _highlighted(d) == text_token


def test_a_text_beside_a_number_worked_example() -> None:
    """x > '100' and x == '100' get the same message, at the text."""
    for cond, col in (("x > '100'", 37), ("x == '100'", 38)):
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
            f'default = "low"\nrules = [{{ label = "a", when = "{cond}" }}]\n'
        )
        (d,) = _errors(text)
        assert (d.line, d.column, d.code) == (6, col, "type-mismatch")
        assert d.message == "cannot compare a number with the text '100'"
        assert d.hint == "compare a number with a number: write 100 with no quotes"


# --------------------------------------------------------------------------
# 4. A key written twice in one table was the bare tomllib "Cannot overwrite
# a value", with the caret after the statement


_NAMES = ["key_amount", "loyal_orders", "vip_visits", "lost_days", "gap"]


@settings(max_examples=40, deadline=None)
@given(
    section=st.sampled_from(["params", "fields", "root"]),
    names=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=5, unique=True),
    data=st.data(),
)
def test_a_key_written_twice_names_both_lines(
    section: str, names: list[str], data: st.DataObject
) -> None:
    """The second key is a duplicate-name error at its first column, with
    the line of the first, however the second is written (bare, quoted, or
    as a dotted key over the first)."""
    twice = data.draw(st.sampled_from(names))
    after = data.draw(st.integers(names.index(twice) + 1, len(names)))
    how = data.draw(st.sampled_from(["bare", "quoted", "dotted"]))
    value = '{ type = "number" }' if section == "fields" else "3"
    lines = ["format = 1"]
    if section != "root":
        lines.append(f"[{section}]")
    first = second = 0
    for i, name in enumerate([*names[:after], None, *names[after:]]):
        if name is None:
            key = {"bare": twice, "quoted": f'"{twice}"', "dotted": f"{twice}.x"}[how]
            lines.append(f"{key} = {value}")
            second = len(lines)
            continue
        if i and data.draw(st.booleans()):
            lines.append("# a note")
        lines.append(f"{name} = {value}")
        if name == twice:
            first = len(lines)
    (d,) = rules.check("\n".join(lines) + "\n", text=True)
    where = f"in [{section}]" if section != "root" else "at the top level"
    assert d.code == "duplicate-name", d.render()
    assert d.message == f"{twice!r} is defined twice {where} (first at line {first})"
    assert (d.line, d.column) == (second, 1)
    assert _highlighted(d).strip('"') == twice
    assert d.hint


def test_a_key_written_twice_worked_examples() -> None:
    """The finding's [params] example, and a table header written twice."""
    text = (
        "format = 1\n[params]\nkey_amount = 1000\nloyal_orders = 3\nkey_amount = 2000\n"
    )
    (d,) = rules.check(text, text=True)
    assert (d.line, d.column, d.code) == (5, 1, "duplicate-name")
    assert d.message == "'key_amount' is defined twice in [params] (first at line 3)"
    assert _highlighted(d) == "key_amount"
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n'
        '[fields]\ny = { type = "number" }\n'
    )
    (d,) = rules.check(text, text=True)
    assert (d.line, d.column, d.code) == (4, 1, "duplicate-name")
    assert d.message == "[fields] is declared twice (first at line 2)"
    assert _highlighted(d) == "[fields]"


# --------------------------------------------------------------------------
# 5. A key after the close of a multi-line string, on its line, inside an
# inline table, was located at the start of the entry


@settings(max_examples=40, deadline=None)
@given(
    quote=st.sampled_from(['"""', "'''"]),
    note=st.lists(
        st.sampled_from(["days since", "max = 3", "the last purchase", "{ a = 1 }"]),
        min_size=1,
        max_size=4,
    ),
    before=st.sampled_from(['type = "number", ', 'min = 0, type = "number", ']),
    bad=st.sampled_from(["max", "mni"]),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_a_key_after_a_multi_line_string_is_located(
    quote: str, note: list[str], before: str, bad: str, spaces: str
) -> None:
    """The key written after a multi-line string closes (on the string's
    last line) is found there, whatever the note holds."""
    value = '"a"' if bad == "max" else "10"
    body = "\n".join(note)
    text = (
        f"format = 1\n[fields]\nx = {{ {before}description = {quote}{body}{quote},"
        f"{spaces}{bad} = {value} }}\n"
    )
    (d,) = _errors(text)
    assert d.code == ("bad-value" if bad == "max" else "unknown-key"), d.render()
    last = text.splitlines()[1 + len(note)]
    assert d.line == 2 + len(note)
    assert d.column == last.rindex(f"{bad} =") + 1
    assert _highlighted(d) == bad


def test_a_key_after_a_multi_line_string_worked_example() -> None:
    """The finding's example: at `max` (4:23), not at `x` (3:1)."""
    text = (
        'format = 1\n[fields]\nx = { type = "number", description = """days since\n'
        'the last purchase""", max = "a" }\n'
    )
    (d,) = _errors(text)
    assert (d.line, d.column, d.code) == (4, 23, "bad-value")


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_a_key_inside_the_table_before_the_note_still_found(quote: str) -> None:
    """A key before the note stays where it is (the note is read past)."""
    text = f'format = 1\n[fields]\nx = {{ type = "number", mni = 1, description = {quote}a\nb{quote} }}\n'
    (d,) = _errors(text)
    assert (d.line, d.column, d.code) == (3, 24, "unknown-key")
