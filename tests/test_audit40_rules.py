"""Audit 40 (rules): the rules DSL and ``rules check``.

1. A comparison that no value within its field's ``min`` and ``max`` makes
   true, inside a condition that can still match through another part of
   an ``or``, was not reported: ``custseg rules check`` of a file that
   extends ``ecommerce`` with ``recency_days = { max = 200 }`` warned about
   the lifecycle's empty ``lost`` and ``gone`` stages but not that the
   ``status`` rule ``lost``'s ``recency_days >= lost_days`` (270) can never
   hold (the rule still matches a one-purchase buyer with a missing
   recency, so no rule was dead). Each such comparison is now a
   ``never-true`` warning, at the file's key that makes it so.
2. The ``missing_rules`` of a table on a computed derived value were
   analysed on every row, not where the value is missing: a missing rule
   that can never apply there (``x >= 1`` for a table on ``x + 1``) passed
   ``--strict``.
3. ``[scores] "ｒ"`` (a full-width letter, as Chinese input methods type
   it) was an ``unknown-key`` error, while ``[fields] "ｒ"`` is the field
   ``r``: score keys are now NFKC-normalised as declared names are; a key
   in another script that only looks like an allowed one (Cyrillic ``м``)
   is refused naming its code points and the ASCII key meant.
4. The rules ``description`` had no Chinese: ``translations.zh.description``
   (every preset has one) is shown under ``lang="zh"`` (the report, and
   ``custseg presets --lang zh``).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.cli import main
from custseg.errors import RulesError


def _codes(text: str) -> list[tuple[str, int, int, str]]:
    return [
        (d.code, d.line, d.column, d.message)
        for d in rules.check(text, text=True)
        if d.severity != "info"
    ]


# ---------------------------------------------------------------- finding 1

_MAX_200 = """format = 1
extends = "ecommerce"
[fields]
recency_days = { max = 200 }
"""


def test_ecommerce_max_200_warns_that_recency_lost_never_holds() -> None:
    found = [c for c in _codes(_MAX_200) if c[0] == "never-true"]
    assert sorted(m.split(" is never")[0] for *_, m in found) == [
        "part of rule 3 ('lost') of segmentation 'status'",
        "part of rule 4 ('lost') of segmentation 'status_crm'",
    ]
    for _, line, column, message in found:
        # at this file's max, the one place to edit
        assert (line, column) == (4, 18)
        assert "'recency_days >= lost_days'" in message
        assert "declared from 0 to 200" in message
        assert "fields.recency_days.max" in message


_OPS = {
    ">=": lambda x, c: x >= c,
    ">": lambda x, c: x > c,
    "<=": lambda x, c: x <= c,
    "<": lambda x, c: x < c,
    "==": lambda x, c: x == c,
}


@settings(max_examples=30, deadline=None)
@given(
    lo=st.integers(-50, 50),
    width=st.integers(0, 60),
    c=st.integers(-80, 120),
    op=st.sampled_from(sorted(_OPS)),
    flipped=st.booleans(),
    via_param=st.booleans(),
)
def test_never_true_iff_no_value_within_bounds_holds(
    lo: int, width: int, c: int, op: str, flipped: bool, via_param: bool
) -> None:
    # a part of an 'or': the rule itself can match through 'n == 1'
    hi = lo + width
    const = "lim" if via_param else str(c)
    swap = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}
    part = f"{const} {swap[op]} x" if flipped else f"x {op} {const}"
    text = f"""format = 1
[fields]
x = {{ type = "number", min = {lo}, max = {hi}, missing = true }}
n = {{ type = "integer", min = 0, max = 3 }}
[params]
lim = {c}
[segments.s]
default = "d"
rules = [ {{ label = "a", when = "{part} or n == 1" }} ]
"""
    # an oracle of its own: the bounds, the constant and its neighbours
    points = {lo, hi, c, math.nextafter(c, -math.inf), math.nextafter(c, math.inf)}
    holds = any(_OPS[op](x, c) for x in points if lo <= x <= hi)
    found = [d for d in rules.check(text, text=True) if d.code == "never-true"]
    assert bool(found) == (not holds), (part, lo, hi)


def test_never_true_through_a_derived_value_and_in_missing_rules() -> None:
    text = """format = 1
[fields]
x = { type = "number", min = 0, max = 200, missing = true }
n = { type = "integer", min = 0, max = 5, missing = true }
[derived]
old = "x >= 300"
[segments.s]
default = "d"
rules = [ { label = "a", when = "old or n == 2" } ]
[tables.t]
field = "n"
breaks = [2]
labels = ["lo", "hi"]
missing = "none"
missing_rules = [ { label = "far", when = "x > 250 or x < 5" } ]
"""
    found = [(c, line, m) for c, line, _, m in _codes(text) if c == "never-true"]
    assert [(line, "'x >= 300' (in derived value 'old')" in m) for _, line, m in found][
        :1
    ] == [(9, True)]
    assert any(line == 15 and "'x > 250'" in m for _, line, m in found)


# ---------------------------------------------------------------- finding 2

_DERIVED_TABLE = """format = 1
[fields]
x = { type = "integer", min = 0, max = 10, missing = true }
[derived]
d = "x + 1"
[tables.size]
field = "d"
breaks = [5]
labels = ["small", "big"]
missing = "none"
missing_rules = [ { label = "unknown", when = "%s" } ]
"""


def test_missing_rules_of_a_derived_table_analysed_where_it_is_missing() -> None:
    # d is missing only where x is: 'x >= 1' never applies
    found = _codes(_DERIVED_TABLE % "x >= 1")
    assert [(c, line) for c, line, *_ in found] == [("never-matches", 11)]
    assert "d is missing on every row they label" in found[0][3]
    # 'missing(x)' is exactly those rows: nothing to say
    assert _codes(_DERIVED_TABLE % "missing(x)") == []


def test_missing_rules_of_a_ratio_table() -> None:
    # m / f is missing where f is 0 too: a rule for f == 0 applies, one for
    # f >= 1 with m known never does
    text = """format = 1
[fields]
m = { type = "integer", min = 0, max = 4, missing = true }
f = { type = "integer", min = 0, max = 4, missing = true }
[derived]
avg = "m / f"
[tables.size]
field = "avg"
breaks = [2]
labels = ["small", "big"]
missing = "none"
missing_rules = [
  { label = "zero", when = "f == 0" },
  { label = "odd", when = "f >= 1 and not missing(m)" },
]
"""
    found = _codes(text)
    assert [(c, line) for c, line, *_ in found] == [("never-matches", 14)]
    assert "rule 2 ('odd')" in found[0][3]


# ---------------------------------------------------------------- finding 3


def test_full_width_score_key_is_the_score() -> None:
    text = """format = 1
extends = "ecommerce"
[scores]
"ｒ" = { edges = [10, 20, 30, 40] }
"""
    assert [d for d in rules.check(text, text=True) if d.severity == "error"] == []
    assert rules.loads(text).scores["r"].edges == (10.0, 20.0, 30.0, 40.0)


def test_full_width_and_plain_score_key_twice_is_duplicate() -> None:
    text = """format = 1
extends = "ecommerce"
[scores]
"ｒ" = { edges = [10, 20, 30, 40] }
r = { edges = [10, 20, 30, 40] }
"""
    found = _codes(text)
    assert [(c, line) for c, line, *_ in found] == [("duplicate-name", 5)]


@pytest.mark.parametrize(
    ("key", "meant", "codes"),
    [("м", "m", "U+043C"), ("mах", "max", "U+0430 U+0445"), ("ｍａx", "max", "U+FF4D")],
)
def test_lookalike_key_names_code_points_and_ascii_key(
    key: str, meant: str, codes: str
) -> None:
    text = (
        f'format = 1\nextends = "ecommerce"\n[scores]\n"{key}" = {{ bins = 5 }}\n'
        if meant == "m"
        else f'format = 1\n[fields]\nx = {{ type = "number", "{key}" = 3 }}\n'
    )
    (d,) = [d for d in rules.check(text, text=True) if d.code == "unknown-key"]
    assert codes in d.message
    assert f"looks like {meant!r}" in d.message
    assert d.hint == f"write {meant!r} in plain ASCII letters"


# ---------------------------------------------------------------- finding 4


def test_every_preset_has_a_chinese_description() -> None:
    en, zh = rules.presets(), rules.presets(lang="zh")
    assert list(en) == list(zh)
    for name in en:
        assert zh[name] != en[name]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[name]), name
    rs = rules.load("ecommerce")
    assert rs.describe() == en["ecommerce"] == rs.describe("en")
    assert rs.describe("zh") == zh["ecommerce"]


def test_own_description_is_not_given_the_presets_translation() -> None:
    mine = rules.loads('format = 1\nextends = "ecommerce"\ndescription = "mine"\n')
    assert mine.describe("zh") == "mine"
    both = rules.loads(
        'format = 1\ndescription = "mine"\ntranslations.zh.description = "我的"\n'
    )
    assert both.describe("zh") == "我的"


@pytest.mark.parametrize(
    ("text", "code", "said"),
    [
        ("translations = 3", "bad-value", "must be a table of languages"),
        (
            'translations.zh = { descr = "x" }',
            "unknown-key",
            "'descr' in translations.zh",
        ),
        ("translations.zh.description = 3", "bad-value", "must be a string"),
    ],
)
def test_bad_description_translations(text: str, code: str, said: str) -> None:
    found = _codes(f"format = 1\n{text}\n")
    assert [(c, line) for c, line, *_ in found] == [(code, 2)]
    assert said in found[0][3]


def test_presets_lang_argument() -> None:
    with pytest.raises(RulesError, match="'lang' must be 'en' or 'zh'"):
        rules.presets(lang="fr")


def test_cli_presets_lang_zh(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "ecommerce" in out and "网店" in out


def test_text_among_numbers_after_in_is_said_as_for_equals() -> None:
    text = """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "d"
rules = [ { label = "a", when = "x in (1, 'a')" } ]
"""
    (found,) = _codes(text)
    assert found[0] == "type-mismatch"
    assert found[3] == "cannot compare a number with the text 'a'"


# ------------------------------------- finding 1, through a [scores] edge


def test_ecommerce_max_200_warns_that_r_1_is_never_given() -> None:
    # rfm11's 'Lost' reads r only: recency_days up to 200 never scores 1
    found = [c for c in _codes(_MAX_200) if c[0] == "never-matches"]
    lost = [m for *_, m in found if "('Lost') of segmentation 'rfm11'" in m]
    assert len(lost) == 1
    assert "recency_days is declared from 0 to 200" in lost[0]
    assert "fields.recency_days.max" in lost[0]
    assert {(line, column) for _, line, column, _ in found} == {(4, 18)}


def _score_of(x: float, edges: list[int]) -> int:
    # recency: 1 + the number of edges the value is strictly below
    return 1 + sum(x < e for e in edges)


@settings(max_examples=25, deadline=None)
@given(
    lo=st.integers(0, 300),
    width=st.integers(0, 300),
    k=st.integers(1, 5),
)
def test_score_never_given_iff_no_fact_within_bounds_scores_it(
    lo: int, width: int, k: int
) -> None:
    edges = [30, 90, 180, 270]
    hi = lo + width
    text = f"""format = 1
[fields]
recency_days = {{ type = "number", min = {lo}, max = {hi}, missing = true }}
r = {{ type = "integer", min = 1, max = 5, missing = true }}
[scores]
r = {{ edges = {edges} }}
[segments.s]
default = "d"
rules = [ {{ label = "a", when = "r == {k}" }} ]
"""
    points = {lo, hi, *(e for e in edges if lo <= e <= hi)}
    points |= {math.nextafter(e, -math.inf) for e in edges if lo < e <= hi}
    given_k = any(_score_of(x, edges) == k for x in points)
    found = [d for d in rules.check(text, text=True) if d.code == "never-matches"]
    assert bool(found) == (not given_k), (lo, hi, k)


def test_report_in_chinese_shows_the_chinese_description() -> None:
    from custseg.datasets import simulate_transactions
    from custseg.reporting import report

    page = report(
        simulate_transactions(120, seed=1), preset="ecommerce", lang="zh", charts=False
    )
    assert rules.presets(lang="zh")["ecommerce"] in page.html
    assert rules.presets()["ecommerce"] not in page.html
