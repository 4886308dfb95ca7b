"""Audit 30, rules DSL (area rules4): findings of the thirtieth audit.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules

# --------------------------------------------------------------------------
# 1. A key written as a dotted key (``[tables]`` then ``t.breaks = ...``,
# ``fields.m = { ..., mni = 10 }``) had its diagnostics at the first line
# of its entry (the index kept only the first part of a dotted key)

_TABLE_FORMS = ("header", "section", "root", "inline", "inline-root")
_FIELD_FORMS = ("header", "inline", "dotted", "root-inline", "root-dotted")
_ERRORS = ("none", "typo", "order", "too-large", "no-field", "translation")


def _quote(part: str, how: int) -> str:
    """A key part written bare, "double" or 'single' quoted (a part with a
    dot or a blank is always quoted)."""
    if how == 0 and part.replace("-", "").replace("_", "").isalnum():
        return part
    return f"'{part}'" if how == 2 else f'"{part}"'


@dataclass
class _Doc:
    """A rules text built line by line, with where each expected
    diagnostic's key is written: (code, line, highlighted text)."""

    root: list[str] = field(default_factory=lambda: ["format = 1"])
    body: list[str] = field(default_factory=list)
    #: (code, in root?, line index in its part, column, token)
    marks: list[tuple[str, bool, int, int, str]] = field(default_factory=list)

    def add(self, line: str, *, root: bool = False) -> int:
        part = self.root if root else self.body
        part.append(line)
        return len(part) - 1

    def mark(self, code: str, root: bool, index: int, token: str) -> None:
        line = (self.root if root else self.body)[index]
        self.marks.append((code, root, index, line.index(token) + 1, token))

    def text(self) -> str:
        return "\n".join(self.root + self.body) + "\n"

    def expected(self) -> set[tuple[str, int, int, str]]:
        return {
            (code, index + 1 + (0 if root else len(self.root)), col, token)
            for code, root, index, col, token in self.marks
        }


def _table_items(error: str) -> list[tuple[tuple[str, ...], str, str | None]]:
    """(key path inside the table, value, code of the diagnostic at it)."""
    breaks = {"order": "[3, 2]", "too-large": "[1, 1e16]"}.get(error, "[1, 2]")
    code = {"order": "breaks-order", "too-large": "limit"}.get(error)
    items: list[tuple[tuple[str, ...], str, str | None]] = [
        (("labels",), '["a", "b", "c"]', None),
        (("breaks",), breaks, code),
    ]
    if error != "no-field":
        items.append((("field",), '"m"', None))
    if error == "typo":
        items.append((("lables",), '["a"]', "unknown-key"))
    if error == "translation":
        items.append((("translations", "zh", "x.y"), '"甲"', "unknown-label"))
    return items


def _render_table(
    doc: _Doc,
    form: str,
    name: str,
    error: str,
    order: list[int],
    quoting: int,
    sep: str,
) -> None:
    items = _table_items(error)
    items = [items[i] for i in order if i < len(items)]
    n = _quote(name, quoting)

    def key(path: tuple[str, ...]) -> str:
        return sep.join(_quote(p, quoting) for p in path)

    root = form in ("root", "inline-root")
    where = "tables" + sep + n if root else n
    if form == "header":
        at = doc.add(f"[tables.{n}]")
        table_token = f"[tables.{n}]"
    elif not root and "[tables]" not in doc.body:
        doc.add("[tables]")
    if form in ("inline", "inline-root"):
        inner = ", ".join(f"{key(p)} = {v}" for p, v, _ in items)
        at = doc.add(f"{where} = {{ {inner} }}", root=root)
        table_token = where
        for p, _, code in items:
            if code is not None:
                doc.mark(code, root, at, key(p))
        if error == "no-field":
            doc.mark("missing-key", root, at, table_token)
        return
    first = None
    for p, v, code in items:
        token = key(p) if form == "header" else where + sep + key(p)
        i = doc.add(f"{token} = {v}", root=root)
        first = i if first is None else first
        if code is not None:
            doc.mark(code, root, i, token)
    if error == "no-field":
        if form == "header":
            doc.mark("missing-key", False, at, table_token)
        else:
            assert first is not None
            doc.mark("missing-key", root, first, where)


def _render_field(doc: _Doc, form: str, typo: bool, sep: str) -> None:
    extra = ", mni = 10" if typo else ""
    if form == "header":
        doc.add("[fields.m]")
        doc.add('type = "number"')
        if typo:
            doc.mark("unknown-key", False, doc.add("mni = 10"), "mni")
    elif form in ("inline", "root-inline"):
        root = form == "root-inline"
        head = "fields" + sep + "m" if root else "m"
        if not root:
            doc.add("[fields]")
        at = doc.add(f'{head} = {{ type = "number"{extra} }}', root=root)
        if typo:
            doc.mark("unknown-key", root, at, "mni")
    else:
        root = form == "root-dotted"
        head = "fields" + sep + "m" + sep if root else "m" + sep
        if not root:
            doc.add("[fields]")
        doc.add(f'{head}type = "number"', root=root)
        if typo:
            doc.mark(
                "unknown-key", root, doc.add(f"{head}mni = 10", root=root), head + "mni"
            )


@st.composite
def _dotted_docs(draw: Any) -> tuple[_Doc, str]:
    doc = _Doc()
    sep = draw(st.sampled_from([".", " . ", ".\t"]))
    quoting = draw(st.integers(0, 2))
    _render_field(doc, draw(st.sampled_from(_FIELD_FORMS)), draw(st.booleans()), sep)
    form = draw(st.sampled_from(_TABLE_FORMS))
    names = draw(
        st.lists(
            st.sampled_from(["t", "u", "band_2"]), min_size=1, max_size=3, unique=True
        )
    )
    for name in names:
        error = draw(st.sampled_from(_ERRORS))
        order = draw(st.permutations(range(5)))
        _render_table(doc, form, name, error, order, quoting, sep)
    return doc, form


_CODES = {"unknown-key", "breaks-order", "limit", "missing-key", "unknown-label"}


def _where(text: str) -> set[tuple[str, int, int, str]]:
    """(code, line, column, highlighted text) of the diagnostics of *text*
    about keys."""
    lines = text.split("\n")
    out = set()
    for d in rules.check(text, text=True):
        if d.code in _CODES:
            token = lines[d.line - 1][d.column - 1 : d.end_column - 1]
            out.add((d.code, d.line, d.column, token))
    return out


@settings(max_examples=40, deadline=None)
@given(drawn=_dotted_docs())
def test_dotted_keys_are_located_at_their_own_token(drawn: tuple[_Doc, str]) -> None:
    """Whatever form the keys are written in (a ``[tables.t]`` header,
    ``t.key`` under ``[tables]``, ``tables.t.key`` at the top, an inline
    table, quoted parts, blanks around the dots), each diagnostic is at the
    line, column and text of its own key."""
    doc, _ = drawn
    text = doc.text()
    assert _where(text) == doc.expected(), text


def test_dotted_keys_worked_example() -> None:
    """The report's file: ``lables`` at its own line (8), the too-large
    break at ``t.breaks`` (7), not both at ``t.field``."""
    text = (
        'format = 1\n[fields]\nmonetary = { type = "number" }\n[tables]\n'
        't.field = "monetary"\nt.labels = ["a", "b"]\nt.breaks = [1e16]\n'
        't.lables = ["a", "b"]\n'
    )
    assert _where(text) == {
        ("unknown-key", 8, 1, "t.lables"),
        ("limit", 7, 1, "t.breaks"),
    }


def test_keys_inside_inline_tables_of_dotted_keys() -> None:
    """An inline table written after a dotted key (``fields.monetary = {
    ..., mni = 10 }``), a rule of an array after a dotted key, an inline
    table nested in one, and a quoted part holding a dot."""
    text = (
        "format = 1\n"
        'fields.monetary = { type = "number", mni = 10 }\n'
        "[segments]\n"
        's.default = "a"\n'
        "s.rules = [\n"
        '  { label = "b", when = "monetary > 1" },\n'
        '  { label = "c", wen = "monetary > 2" },\n'
        "]\n"
        's.translations = { zh = { a = "甲", "x.y" = "乙" } }\n'
        '"u" . default = "a"\n'
        'u.rules = [{ label = "b", when = "monetary > 1" }]\n'
        'u . translations.zh."p.q" = "丙"\n'
    )
    assert _where(text) == {
        ("unknown-key", 2, 38, "mni"),
        ("unknown-key", 7, 18, "wen"),
        ("missing-key", 7, 3, "{"),
        ("unknown-label", 9, 36, '"x.y"'),
        ("unknown-label", 12, 1, 'u . translations.zh."p.q"'),
    }


# --------------------------------------------------------------------------
# 2. A file that overrides a preset segmentation's stages_from got the
# errors of the preset's stages (the labels of the old table) at the
# preset's lines; so would a table's new missing label or a segmentation's
# new default

_PRESET = """format = 1
[fields]
m = { type = "number", missing = true }
[tables.life]
field = "m"
breaks = [10]
labels = ["new", "old"]
missing = "none"
[tables.other]
field = "m"
breaks = [5]
labels = ["x", "y"]
missing = "none"
[segments.s]
default = "base"
rules = [{ label = "big", when = "m > 100" }]
stages_from = "life"
stages = { big = ["new", "none"], base = ["old"] }
"""

#: (entry, key, value): what an override changes; the first three change
#: the labels the stages name (the table's), the last two those they are
#: for (the segmentation's)
_OVERRIDES = (
    ("segments.s", "stages_from", '"other"'),
    ("tables.life", "labels", '["a", "b"]'),
    ("tables.life", "missing", '"nada"'),
    ("segments.s", "rules", '[{ label = "huge", when = "m > 100" }]'),
    ("segments.s", "default", '"plain"'),
)


def _with_preset(text: str) -> tuple[Any, list[Any]]:
    """Compile *text*, which extends ``ecommerce``, with :data:`_PRESET` as
    that preset's text."""
    from custseg.rules import _compile
    from custseg.rules._source import Source

    return _compile(Source("shop.toml", text), {"ecommerce": _PRESET})


@settings(max_examples=30, deadline=None)
@given(
    chosen=st.lists(st.sampled_from(range(len(_OVERRIDES))), min_size=1, unique=True),
    dotted=st.booleans(),
)
def test_overrides_that_orphan_inherited_stages_warn_at_this_file(
    chosen: list[int], dotted: bool
) -> None:
    """Whatever keys a file changes that leave the preset's stages naming
    labels no longer there (a segmentation's stages_from, rules or default;
    its table's labels or missing label), in any order and written as
    headers or dotted keys: one warning, at this file's key that is the
    cause, nothing at the preset's lines, and the stages kept name only
    labels there are."""
    lines = ["format = 1", 'extends = "ecommerce"']
    at: dict[int, int] = {}
    entries = dict.fromkeys(_OVERRIDES[i][0] for i in chosen)
    for entry in entries:
        if not dotted:
            lines.append(f"[{entry}]")
        for i in chosen:
            where, key, value = _OVERRIDES[i]
            if where == entry:
                lines.append(
                    f"{entry}.{key} = {value}" if dotted else f"{key} = {value}"
                )
                at[i] = len(lines)
    rs, diags = _with_preset("\n".join(lines) + "\n")
    shown = [d for d in diags if d.severity != "info"]
    assert all(d.path == "shop.toml" for d in shown), shown
    assert not [d for d in shown if d.severity == "error"], shown
    table_side = [i for i in (0, 1, 2) if i in chosen]
    seg_side = [i for i in (3, 4) if i in chosen]
    cause = table_side[0] if table_side else seg_side[0]
    code = "unknown-stage" if table_side else "unknown-label"
    assert [(d.code, d.line) for d in shown] == [(code, at[cause])]
    seg = rs.segments["s"]
    table = rs.tables[seg.stages_from]
    assert set(seg.stages) <= set(seg.names)
    assert all(x in table.names for xs in seg.stages.values() for x in xs)


def test_stages_from_override_worked_example() -> None:
    """The report's file: ecommerce's ecom4 given stages_from = "care_phase"
    is one warning at that line, naming care_phase's labels, and the
    inherited stages no longer apply."""
    text = 'format = 1\nextends = "ecommerce"\n\n[segments.ecom4]\nstages_from = "care_phase"\n'
    diags = [d for d in rules.check(text, text=True) if d.severity != "info"]
    assert [(d.path, d.line, d.column, d.severity, d.code) for d in diags] == [
        ("<string>", 5, 1, "warning", "unknown-stage")
    ]
    assert "'care', 'recommend'" in diags[0].hint
    seg = rules.loads(text).segments["ecom4"]
    assert (seg.stages_from, dict(seg.stages)) == ("care_phase", {})


# --------------------------------------------------------------------------
# 3. docs: integer-field differences are exact while the operands are
# within 2**53 (float64 reads them first); a comparison of two integer
# fields reads their exact integers, past 2**53 too

_BIG = """format = 1
[fields]
a = { type = "integer" }
b = { type = "integer" }
[params]
k = %d
[segments.step]
default = "below"
rules = [{ label = "at_least", when = "a - b >= k" }]
[segments.order]
default = "no"
rules = [{ label = "yes", when = "a > b" }]
"""


@settings(max_examples=40, deadline=None)
@given(
    b=st.integers(-(2**53), 2**53),
    gap=st.integers(-(2**20), 2**20),
    k=st.integers(-3, 3),
    far=st.integers(2**53, 2**62),
)
def test_integer_difference_exact_within_2_53_and_comparison_past_it(
    b: int, gap: int, k: int, far: int
) -> None:
    """As docs/rules.md says: ``a - b >= k`` is the integers' answer while
    both operands are within 2**53 in size (and the step's result small);
    ``a > b`` is, for int64 operands past 2**53 too."""
    a = max(-(2**53), min(2**53, b + gap))
    out = rules.loads(_BIG % k).evaluate({"a": [a, far + 1], "b": [b, far]})
    assert out["step"].to_numpy().tolist()[0] == ("at_least" if a - b >= k else "below")
    assert out["order"].to_numpy().tolist() == ["yes" if a > b else "no", "yes"]
