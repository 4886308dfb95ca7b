"""An eleventh audit: the rules DSL (findings M-1 to M-6).

In the engines a ``lang`` translated a label before later rules read it, so
a rule reading two outputs of different depth never matched under
``lang="zh"``; characters that only look like ASCII (``10³``) were read as
ASCII digits; multi-line conditions in CRLF files lost their position; an
override of a preset was blamed on the preset's line; common typos (``=``,
``&&``, ``AND``, ``50%``, ``1,000``) got a bare "invalid syntax"; and a data
column named like a field only once NFKC-normalised got a message where the
two names looked the same.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import RfmEdges, ScoreEdges, rules
from custseg.errors import InputError

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals")
duckdb = pytest.importorskip("duckdb")
from custseg.engines import compile_rules, label_in_engine  # noqa: E402

HEAD = 'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\ndefault = "z"\n'
PREFIX = 'rules = [{ label = "l", when = "'  # the condition starts after it


def _errors(text: str) -> list[rules.Diagnostic]:
    return [d for d in rules.check(text, text=True) if d.severity == "error"]


def _condition_errors(condition: str, head: str = HEAD) -> list[rules.Diagnostic]:
    return _errors(head + PREFIX + condition + '" }]\n')


# --------------------------------------------------------------------------
# M-1: translations in the engine come after every rule


CHAIN = """
format = 1
[fields]
x = { type = "number" }
[tables.a]
field = "x"
breaks = [10, 100]
labels = ["low", "mid", "high"]
translations.zh = { low = "低", mid = "中", high = "高" }
[segments.b]
default = "other"
rules = [{ label = "big", when = "a == 'high' or x > 50" }]
translations.zh = { big = "大", other = "其他" }
[derived]
d = "a == 'high' and x > 500"
[segments.c]
default = "none"
rules = [
  { label = "both", when = "a == 'high' and b == 'big'" },
  { label = "mid_big", when = "a == 'mid' and b == 'big'" },
]
translations.zh = { both = "都", mid_big = "中大", none = "无" }
[segments.e]
default = "no"
rules = [{ label = "huge", when = "d" }, { label = "high", when = "a == 'high'" }]
translations.zh = { huge = "巨", high = "甲高", no = "否" }
"""


def _engine(rs: rules.RuleSet, data: dict[str, list[float]], backend: str) -> dict:
    er = compile_rules(rs, backend=backend, lang="zh")
    if backend == "polars":
        out = er.apply(nw.from_native(pl.DataFrame(data))).to_native()
        return {c: out[c].to_list() for c in er.labels}
    rel = duckdb.from_arrow(pl.DataFrame(data).to_arrow())
    out = er.apply(nw.from_native(rel)).to_native().pl()
    return {c: out[c].to_list() for c in er.labels}


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_engine_translation_never_changes_which_rule_matches(backend: str) -> None:
    """Outputs of different depth and a derived value reading one, lang="zh":
    the engine gives the NumPy path's labels (it gave the defaults)."""
    rs = rules.loads(CHAIN)
    data = {"x": [1.0, 60.0, 200.0, 1000.0]}
    want = rs.evaluate(data, lang="zh")
    got = _engine(rs, data, backend)
    for name in ("a", "b", "c", "e"):
        assert got[name] == [str(v) for v in want[name].to_numpy()], name
    assert got["c"] == ["无", "中大", "都", "都"]
    assert got["e"] == ["否", "否", "甲高", "巨"]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_extend_preset_example_in_the_engine_with_lang(backend: str) -> None:
    """The docs' "Extend a preset" pattern (rfm11 and lifecycle read by a new
    segmentation) under lang="zh": label_in_engine agrees with
    RuleSet.evaluate(lang="zh") on the same scores."""
    rs = rules.loads(
        'format = 1\nextends = "ecommerce"\n[segments.focus]\ndefault = "other"\n'
        'rules = [{ label = "keep", when = "rfm11 == \'Champions\' and '
        "lifecycle == 'active'\" }]\n"
        'translations.zh = { keep = "重点维护", other = "其他" }\n'
    )
    facts = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "recency_days": [3.0, 100.0, 10.0],
            "frequency": [12, 1, 3],
            "monetary": [2500.0, 30.0, 300.0],
            "tenure_days": [700.0, 400.0, 90.0],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 800)),
    )
    native = facts if backend == "polars" else duckdb.from_arrow(facts.to_arrow())

    def run(lang: str | None) -> pl.DataFrame:
        out = label_in_engine(native, rules=rs, edges=edges, lang=lang)
        return out if backend == "polars" else out.pl()

    plain, zh = run(None), run("zh")
    inputs = [c for c in rs.required_fields() if c in plain.columns]
    want = rs.evaluate(plain.select(inputs).to_pandas(), lang="zh")
    for name in ("lifecycle", "rfm11", "focus"):
        assert zh[name].to_list() == [str(v) for v in want[name].to_numpy()], name
    assert zh["focus"].to_list()[0] == "重点维护"


@st.composite
def _chains(draw: st.DrawFn) -> str:
    """A few segmentations, each reading x and outputs before it."""
    n = draw(st.integers(2, 4))
    lines = ["format = 1", "[fields]", 'x = { type = "number" }']
    labels: dict[str, list[str]] = {}
    for k in range(n):
        name = f"s{k}"
        rules_ = []
        for j in range(draw(st.integers(1, 3))):
            parts = [f"x > {draw(st.integers(0, 9))}"]
            for prev in draw(st.lists(st.sampled_from(sorted(labels) or ["-"]))):
                if prev != "-":
                    value = draw(st.sampled_from(labels[prev]))
                    op = draw(st.sampled_from(["==", "!="]))
                    parts.append(f"{prev} {op} '{value}'")
            joiner = draw(st.sampled_from([" and ", " or "]))
            rules_.append(f'{{ label = "{name}_{j}", when = "{joiner.join(parts)}" }}')
        names = [f"{name}_{j}" for j in range(len(rules_))] + [f"{name}_d"]
        labels[name] = names
        zh = ", ".join(f'{lab} = "译{lab}"' for lab in names)
        lines += [
            f"[segments.{name}]",
            f'default = "{name}_d"',
            "rules = [" + ", ".join(rules_) + "]",
            f"translations.zh = {{ {zh} }}",
        ]
    return "\n".join(lines) + "\n"


@settings(max_examples=30, deadline=None)
@given(text=_chains())
def test_random_chains_translate_alike(text: str) -> None:
    """Random chains of segmentations reading each other: Polars with
    lang="zh" gives RuleSet.evaluate(lang="zh")'s labels."""
    rs = rules.loads(text)
    data = {"x": [float(v) for v in range(-1, 11)]}
    want = rs.evaluate(data, lang="zh")
    got = _engine(rs, data, "polars")
    for name, values in got.items():
        assert values == [str(v) for v in want[name].to_numpy()], (name, text)


# --------------------------------------------------------------------------
# M-2: only full-width characters read as ASCII

#: characters outside the full-width block whose NFKC form is one printable
#: ASCII character (superscripts, circled digits, small forms, ...); spaces
#: (category Zs: U+3000, the no-break space) are blanks
LOOK_ALIKES = [
    ch
    for ch in map(chr, range(0x80, 0x30000))
    if not (0xFF01 <= ord(ch) <= 0xFF5E or unicodedata.category(ch) == "Zs")
    and len(f := unicodedata.normalize("NFKC", ch)) == 1
    and f.isascii()
    and f.isprintable()
    and not ("a" + ch).isidentifier()  # letters are read in names, as Python does
]


@settings(max_examples=40, deadline=None)
@given(ch=st.sampled_from(LOOK_ALIKES), wide=st.sampled_from(["１", "２", "９"]))
def test_look_alikes_are_refused_full_width_read(ch: str, wide: str) -> None:
    """'x > 10' + a look-alike + '0' is an expr-syntax error naming its code point
    (it was read as the ASCII character: 10³ as 103); full-width digits still
    read as ASCII digits."""
    errors = _condition_errors(f"x > 1{wide} or x > 10{ch}0")
    assert [d.code for d in errors] == ["expr-syntax"], (hex(ord(ch)), errors)
    assert f"U+{ord(ch):04X}" in errors[0].message
    assert errors[0].column == len(PREFIX) + len("x > 1２ or x > 10") + 1
    ok = rules.loads(HEAD + PREFIX + f"x > 1{wide}" + '" }]\n')
    n = int(unicodedata.normalize("NFKC", wide))
    out = ok.evaluate({"x": [10.0 + n, 11.0 + n]})["s"].to_numpy().tolist()
    assert out == ["z", "l"]


def test_superscript_threshold_is_not_103() -> None:
    """The audit's repro: x > 10³ was x > 103; now refused, with the hint."""
    errors = _condition_errors("x > 10³")
    assert errors[0].message == "invalid condition: invalid character '³' (U+00B3)"
    assert "write '3'" in errors[0].hint
    assert errors[0].column == len(PREFIX) + len("x > 10") + 1


@pytest.mark.parametrize("name", ["x²", "①a", "v¹"])
def test_declared_name_must_be_an_identifier_as_written(name: str) -> None:
    """A field "x²" was silently the field x2; a condition cannot say x²."""
    text = f'format = 1\n[fields]\n"{name}" = {{ type = "number" }}\n'
    errors = _errors(text + '[segments.s]\ndefault = "z"\nrules = []\n')
    assert errors and errors[0].code == "bad-name"
    assert errors[0].line == 3
    odd = next(c for c in name if not ("a" + c).isidentifier())
    assert f"U+{ord(odd):04X}" in errors[0].message


def test_character_offset_after_cjk() -> None:
    """A syntax error after CJK names is at its character (the offset was
    read as bytes: two columns left per CJK character)."""
    head = HEAD.replace('x = { type = "number" }', '"甲甲" = { type = "number" }')
    errors = _condition_errors("甲甲 ≥ 5", head)
    assert errors[0].column == len(PREFIX) + len("甲甲 ") + 1
    assert errors[0].hint == "write '>='"


# --------------------------------------------------------------------------
# M-3: multi-line conditions keep their position (CRLF, line-ending backslash)


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ('"""(x > 1 and\n    yy > 2)"""', 7, 5),
        ("'''(x > 1 and\n    yy > 2)'''", 7, 5),
        ('"""(x > 1 and\n  \\u0078 > 2 and yy)"""', 7, 18),
        ('"""\n(x > 1 and\n    x > 2 and yy)"""', 8, 15),
        ('"""x > 1 and \\\n    yy > 2"""', 7, 5),
        ('"""x > 1 and \\\n\n  \\\n   yy > 2"""', 9, 4),
    ],
)
def test_multi_line_condition_located(body: str, line: int, column: int) -> None:
    """The unknown name is at its own line and column, with LF and with CRLF
    (CRLF fell back to the key's line, column 1; so did a line-ending
    backslash, with either)."""
    for newline in ("\n", "\r\n"):
        text = HEAD + 'rules = [{ label = "l", when = ' + body + " }]\n"
        (error,) = _errors(text.replace("\n", newline))
        assert (error.line, error.column, error.message) == (
            line,
            column,
            "unknown name 'yy'",
        ), repr(newline)
        assert error.end_column == column + 2
        assert error.source_line.rstrip("\r")[column - 1 : column + 1] == "yy"


# --------------------------------------------------------------------------
# M-4: an override is reported at the user's line


def test_overridden_breaks_blamed_on_the_users_line() -> None:
    """New breaks, the preset's 5 labels: the error is at the user's breaks
    and names the preset's labels (it was at preset:base:65)."""
    text = 'format = 1\nextends = "ecommerce"\n[tables.lifecycle]\nbreaks = [60, 120]\n'
    (error,) = _errors(text)
    assert (error.path, error.line, error.code) == ("<string>", 4, "label-count")
    assert "the preset's 5 labels" in error.message
    assert "preset:base:" in error.message
    assert "give 'labels' with 3" in error.hint


def test_new_default_warned_at_the_users_default() -> None:
    """A new default leaves the preset's translation of the old one: the
    warning is at the user's default, with a hint to translate anew (it was
    at the preset's translations, "remove the entry")."""
    text = (
        'format = 1\nextends = "ecommerce"\n[segments.rfm_vignette]\ndefault = "Rest"\n'
    )
    (warning,) = [d for d in rules.check(text, text=True) if d.code == "unknown-label"]
    assert (warning.path, warning.line, warning.severity) == ("<string>", 4, "warning")
    assert "'Others'" in warning.message and "'default'" in warning.message
    assert "translations.zh anew" in warning.hint and "'Rest'" in warning.hint


# --------------------------------------------------------------------------
# M-5: typos get a specific message at their column

TYPOS = [
    ("x = 5", "x ", "'=' is not a comparison", "=="),
    ("x => 5", "x ", "'=>' is not an operator", ">="),
    ("x =< 5", "x ", "'=<' is not an operator", "<="),
    ("x <> 5", "x ", "'<>' is not an operator", "!="),
    ("x > 5 && x < 9", "x > 5 ", "'&&' is not an operator", "use and"),
    ("x > 5 || x < 1", "x > 5 ", "'||' is not an operator", "use or"),
    ("!(x > 5)", "", "'!' is not an operator", "use not"),
    ("x > 5 AND x < 9", "x > 5 ", "'AND' is not an operator", "'and'"),
    ("x > 5 Or x < 1", "x > 5 ", "'Or' is not an operator", "'or'"),
    ("NOT (x > 5)", "", "'NOT' is not an operator", "'not'"),
    ("x > 5 和 x < 9", "x > 5 ", "'和' is not an operator", "use and"),
    ("x > 5 或 x < 1", "x > 5 ", "'或' is not an operator", "use or"),
    ("x > 50%", "x > 50", "not a percentage", "write 0.5 for 50%"),
    ("x > 12.5 % and x < 9", "x > 12.5 ", "not a percentage", "0.125 for 12.5%"),
    ("x > 1,000", "x > 1", "thousands separator", "write 1000 or 1_000"),
    ("x > 1,000,000 or x < 0", "x > 1", "thousands", "1000000 or 1_000_000"),
    ("x in (1,050)", "x in (1", "thousands separator", "1050 or 1_050"),
    ("x ＝ 5", "x ", "'=' is not a comparison", "=="),
]


@pytest.mark.parametrize(("condition", "before", "message", "hint"), TYPOS)
def test_typo_has_a_hint_at_its_column(
    condition: str, before: str, message: str, hint: str
) -> None:
    """Each typo: expr-syntax, its own message and fix, the caret on it."""
    (error,) = _condition_errors(condition)
    assert error.code == "expr-syntax"
    assert message in error.message and hint in error.hint, error
    assert error.column == len(PREFIX) + len(before) + 1


def test_typo_words_that_are_names_and_keyword_arguments_stay() -> None:
    """A field named AND is a name; where= is an aggregate's keyword; only the
    real typo is reported."""
    head = HEAD.replace("[fields]", "[params]\nAND = 1\n[fields]")
    ok = rules.loads(
        head + PREFIX + "x > AND and x > mean(x, where = x > 0)" + '" }]\n'
    )
    assert ok.evaluate({"x": [0.5, 3.0]})["s"].to_numpy().tolist() == ["z", "l"]
    (error,) = _condition_errors("x > AND and x = 2", head)
    assert error.message == "'=' is not a comparison"
    assert error.column == len(PREFIX) + len("x > AND and x ") + 1


# --------------------------------------------------------------------------
# M-6: a column named like a field only once NFKC-normalised

NFKC_NAMES = [("\uf900", "\u8c48"), ("ﬁeld", "field"), ("ｖ", "v")]


@pytest.mark.parametrize(("declared", "read"), NFKC_NAMES)
def test_missing_column_names_the_nfkc_spelling(declared: str, read: str) -> None:
    """The data has the column as declared, the rules read its NFKC form: the
    message shows both spellings with their code points (numpy and engine)."""
    rs = rules.loads(
        f'format = 1\n[fields]\n"{declared}" = {{ type = "number" }}\n'
        f'[segments.s]\ndefault = "z"\nrules = [{{ label = "l", when = "{declared} > 1" }}]\n'
    )
    assert rs.required_fields() == (read,)
    code = f"U+{ord(declared[0]):04X}"
    with pytest.raises(InputError, match="NFKC") as info:
        rs.evaluate(pd.DataFrame({declared: [5.0]}))
    assert code in str(info.value) and f"rename the column to {read!r}" in str(
        info.value
    )
    er = compile_rules(rs, backend="polars")
    with pytest.raises(InputError, match="NFKC") as info:
        er.apply(nw.from_native(pl.DataFrame({declared: [5.0]})))
    assert code in str(info.value)
    with pytest.raises(InputError, match="NFKC"):
        compile_rules(rs, columns=[declared])


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2009", "\u202f"])
def test_any_space_is_a_blank(space: str) -> None:
    """A no-break or ideographic space (a condition pasted from a web page
    or typed with a CJK input method) is a blank, not an error."""
    ok = rules.loads(HEAD + PREFIX + f"x{space}>{space}10" + '" }]\n')
    assert ok.evaluate({"x": [5.0, 11.0]})["s"].to_numpy().tolist() == ["z", "l"]
