"""Audit 36, the rules DSL: where a diagnostic points.

1. A warning the analysis gives on a preset's rule because of a file that
   extends the preset stayed at the preset's line (``preset:base:227:28``,
   hint "move it up or narrow the earlier rules") when the file's value was
   read by an *earlier* rule (``loyal_orders = 1`` makes the 'loyal' rule
   take every case of 'new' and 'repeat'), and a ``label-from-missing``
   warning was never moved (``[fields] frequency = { missing = true }``).
   The preset alone has no warnings: each is now at the file's key.
2. An entry declared under a name that NFKC reads otherwise (``"ｘ"`` is
   the field ``x``) had its errors at the section's header (``[fields]``,
   ``[tables."ｔ"]``): the text was searched for the normalised name.
3. An example's ``given`` and ``expect`` keys were not normalised: a field
   declared ``"ｙ"`` and given as ``"ｙ"`` was "not a field or derived value
   of the file".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules

# --------------------------------------------------------------------------
# 1. warnings caused by a file's override are at the file's key


def _check(tmp_path: Path, text: str) -> list[Any]:
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    return rules.check(path)


def _not_info(diags: list[Any]) -> list[Any]:
    return [d for d in diags if d.severity != "info"]


def test_unreachable_through_an_earlier_rule_is_at_the_param(tmp_path: Path) -> None:
    """The repro: loyal_orders = 1 makes the preset's 'loyal' rule take every
    case of 'new' and 'repeat'; the warnings were at preset:base lines."""
    text = 'format = 1\nextends = "ecommerce"\n[params]\nloyal_orders = 1\n'
    warns = _not_info(_check(tmp_path, text))
    assert warns
    for d in warns:
        assert d.severity == "warning" and d.code == "unreachable", d
        assert d.path.endswith("shop.toml"), d
        assert (d.line, d.column) == (4, 1), d
        assert "params.loyal_orders" in d.message
        assert "(the rule is at preset:base:" in d.message
        assert "replace the rules of the preset's list" in d.hint


def test_label_from_missing_is_at_the_field(tmp_path: Path) -> None:
    """A field the preset reads as never missing, made optional by the file:
    the rules that take its missing rows were warned at the preset's lines.

    Since audit 40 the presets' segmentations take a missing purchase count
    with rules of their own (``unknown``, ecom4's ``Unscored``) instead of
    guessing a class, so the same file has nothing to warn of (the
    warnings this test once located were those guesses)."""
    text = (
        'format = 1\nextends = "ecommerce"\n[fields]\nfrequency = { missing = true }\n'
    )
    assert _not_info(_check(tmp_path, text)) == []


_OVERRIDES = st.one_of(
    st.tuples(
        st.just("params"),
        st.sampled_from(
            ["loyal_orders", "lost_days", "new_days", "lapsing_days", "key_amount"]
        ),
        st.one_of(st.integers(0, 3), st.integers(0, 2000)).map(str),
    ),
    st.tuples(
        st.just("fields"),
        st.sampled_from(["frequency", "recency_days", "tenure_days", "monetary"]),
        st.sampled_from(
            ["{ missing = true }", "{ max = 0 }", "{ max = 2 }", "{ min = 5 }"]
        ),
    ),
    st.tuples(
        st.just("derived"),
        st.sampled_from(["fm", "r_high"]),
        st.sampled_from(['"(f + m) / 2 + 10"', '"r >= 6"', '"f"', '"r <= 0"']),
    ),
)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=40, deadline=None)
@given(
    preset=st.sampled_from(["ecommerce", "restaurant", "base"]),
    overrides=st.lists(_OVERRIDES, min_size=1, max_size=3, unique_by=lambda o: o[:2]),
)
def test_no_warning_at_a_presets_line(
    tmp_path_factory: Any, preset: str, overrides: list[tuple[str, str, str]]
) -> None:
    """Property: the presets alone have no warnings, so every warning or
    error a file extending one gets is at one of the file's own lines."""
    text = f'format = 1\nextends = "{preset}"\n'
    for section in dict.fromkeys(s for s, _, _ in overrides):
        text += f"[{section}]\n"
        text += "".join(f"{k} = {v}\n" for s, k, v in overrides if s == section)
    diags = _not_info(_check(tmp_path_factory.mktemp("p"), text))
    for d in diags:
        assert d.path.endswith("shop.toml"), (text, d)


# --------------------------------------------------------------------------
# 2. an entry declared under a name NFKC reads otherwise ("ｘ" is x): its
#    diagnostics are at its keys, not at the section's header

_WIDE = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz", "".join(chr(0xFF41 + i) for i in range(26))
)


@settings(max_examples=30, deadline=None)
@given(
    # "q..." is never a keyword or a function name (min, mean, ...)
    name=st.text("abcdefghijklmnopqrstuvwxyz", max_size=5).map("q".__add__),
    wide=st.lists(st.booleans(), min_size=6, max_size=6),
    case=st.sampled_from(["type", "bounds", "breaks", "default"]),
)
def test_a_full_width_name_is_located_where_written(
    name: str, wide: list[bool], case: str
) -> None:
    """Property: whichever letters of a name are full-width, each error
    about its entry is at the line of the key it is about (it was at the
    ``[fields]`` or table header: the text was searched for the name
    NFKC-normalised, which it does not hold)."""
    written = "".join(
        c.translate(_WIDE) if w else c for c, w in zip(name, wide, strict=False)
    )
    head = 'format = 1\n[fields]\nzz_other = { type = "number" }\n'
    if case == "type":
        text = head + f'"{written}" = {{ type = "numbr" }}\n'
        want = (4, 'type = "numbr"')
    elif case == "bounds":
        text = head + f'"{written}" = {{ type = "number", min = 5, max = 1 }}\n'
        want = (4, "max = 1")
    elif case == "breaks":
        text = head + (
            f'[tables."{written}"]\nfield = "zz_other"\nbreaks = [2, 1]\n'
            'labels = ["a", "b", "c"]\n'
        )
        want = (6, "breaks = [2, 1]")
    else:
        text = head + (
            f'[segments."{written}"]\ndefaul = "d"\n'
            'rules = [{ label = "a", when = "zz_other > 1" }]\n'
        )
        want = (5, "defaul")
    lines = text.splitlines()
    errors = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert errors
    first = errors[0]
    assert first.line == want[0], (text, first)
    assert lines[first.line - 1][first.column - 1 :].startswith(want[1]), (text, first)


def test_full_width_field_repro() -> None:
    """The repro: the error was at 2:1, the [fields] line."""
    text = 'format = 1\n[fields]\ny = { type = "number" }\n"ｘ" = { type = "numbr" }\n'
    (d,) = rules.check(text, text=True)
    assert (d.line, d.column, d.code) == (4, 9, "bad-value")


# --------------------------------------------------------------------------
# 3. an example names a field or an output as it was declared ("ｙ")


_FILE = (
    'format = 1\n[fields]\n"{f}" = {{ type = "number" }}\n'
    '[segments."{s}"]\ndefault = "low"\n'
    'rules = [{{ label = "high", when = "{f} > 1" }}]\n'
    '[[examples]]\ngiven = {{ "{gf}" = {v} }}\nexpect = {{ "{gs}" = "{want}" }}\n'
)


@settings(max_examples=30, deadline=None)
@given(
    field_wide=st.booleans(),
    seg_wide=st.booleans(),
    given_wide=st.booleans(),
    expect_wide=st.booleans(),
    value=st.sampled_from([0, 5]),
)
def test_examples_read_names_as_declarations_do(
    field_wide: bool, seg_wide: bool, given_wide: bool, expect_wide: bool, value: int
) -> None:
    """Property: an example that gives the field and expects the output in
    any spelling of their names (plain or full-width) is checked and passes
    when its label is right; a wrong label fails at the expect line. It was
    'not a field or derived value of the file' for a full-width key."""
    wide = "ｙ", "ｓ"
    text = _FILE.format(
        f=wide[0] if field_wide else "y",
        s=wide[1] if seg_wide else "s",
        gf=wide[0] if given_wide else "y",
        gs=wide[1] if expect_wide else "s",
        v=value,
        want="high" if value > 1 else "low",
    )
    assert [d for d in rules.check(text, text=True) if d.severity == "error"] == []
    wrong = text.replace(
        f'"{"high" if value > 1 else "low"}" }}\n',
        f'"{"low" if value > 1 else "high"}" }}\n',
    )
    (d,) = [d for d in rules.check(wrong, text=True) if d.severity == "error"]
    assert (d.code, d.line) == ("example-failed", 9), d


def test_example_given_twice_in_two_spellings() -> None:
    """``given = { "ｙ" = 5, y = 5 }`` gives one field twice: an error at the
    second key, as written."""
    text = _FILE.format(f="y", s="s", gf="ｙ", gs="s", v="5, y = 5", want="high")
    (d,) = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert d.code == "duplicate-name"
    assert text.splitlines()[d.line - 1][d.column - 1 :].startswith("y = 5")


# --------------------------------------------------------------------------
# 4. a playbook names its classification as the file declares it

_PLAYBOOK = (
    'format = 1\n[fields]\ny = {{ type = "number" }}\n[segments.{s}]\ndefault = "d"\n'
    'rules = [{{ label = "a", when = "y > 1" }}]\n'
    '[playbook.{p}.a]\naction = "call"\nchannel = "phone"\npriority = 1\n'
)


@settings(max_examples=10, deadline=None)
@given(seg_wide=st.booleans(), book_wide=st.booleans())
def test_playbook_reads_names_as_declarations_do(
    seg_wide: bool, book_wide: bool
) -> None:
    """Property: ``[playbook."ｓ".a]`` is the playbook of the segmentation
    ``s`` however either is written (it was "no classification named 'ｓ'")."""
    text = _PLAYBOOK.format(
        s='"ｓ"' if seg_wide else "s", p='"ｓ"' if book_wide else "s"
    )
    assert [d for d in rules.check(text, text=True) if d.severity == "error"] == []
    assert rules.loads(text).playbook("s").actions["a"].action == "call"


def test_playbook_given_twice_in_two_spellings() -> None:
    text = _PLAYBOOK.format(s="s", p='"ｓ"') + (
        '[playbook.s.d]\naction = "wait"\nchannel = "none"\npriority = 2\n'
    )
    (d,) = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert (d.code, d.line) == ("duplicate-name", 11)


# --------------------------------------------------------------------------
# 5. a parameter or derived value nothing reads changes no label: warned


def test_misspelt_override_is_warned(tmp_path: Path) -> None:
    """The repro: ``lapse_days = 120`` meant the preset's ``lapsing_days``;
    the preset's 180 stayed in force, with no word."""
    text = 'format = 1\nextends = "ecommerce"\n[params]\nlapse_days = 120\n'
    (d,) = _not_info(_check(tmp_path, text))
    assert (d.code, d.severity, d.line, d.column) == ("unused", "warning", 4, 1)
    assert "'lapse_days'" in d.message and "changes no label" in d.message
    assert d.hint == "did you mean 'lapsing_days'?"


def test_override_of_a_value_the_preset_does_not_read(tmp_path: Path) -> None:
    """``furniture`` kept ``new_days`` for files that extend it but read it
    nowhere: setting it changed nothing, silently. Audit 39: furniture's
    care phases end at new_days (180), so the value is read, and a value
    that breaks the care phases' order is an error naming the parameter."""
    text = 'format = 1\nextends = "furniture"\n[params]\nnew_days = 365\n'
    assert _not_info(_check(tmp_path, text)) == []
    assert rules.loads(text).tables["care_phase"].breaks == (30.0, 90.0, 365.0)
    short = text.replace("365", "90")
    (d,) = _not_info(_check(tmp_path, short))
    assert d.code == "breaks-order"
    assert "the parameter 'new_days'" in d.hint


@settings(max_examples=25, deadline=None)
@given(
    reads=st.lists(st.sampled_from(["p", "q", "d", "e"]), unique=True),
    via=st.sampled_from(["rule", "break", "where"]),
)
def test_unused_is_exactly_what_no_output_reads(reads: list[str], via: str) -> None:
    """Property: a file declaring parameters p, q and derived values d
    (reads q) and e gets an ``unused`` warning for exactly those no output
    reads, directly, through a derived value, as a table break or inside
    an aggregate's where=."""
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n'
        "[params]\np = 1\nq = 2\n"
        '[derived]\nd = "x > q"\ne = "x * 2"\n'
    )
    conditions = {"p": "x > p", "q": "x > q", "d": "d", "e": "e > 1"}
    if via == "break" and "p" in reads:
        text += '[tables.t]\nfield = "x"\nbreaks = ["p"]\nlabels = ["lo", "hi"]\n'
        reads = [r for r in reads if r != "p"]
    if via == "where" and "p" in reads:
        conditions["p"] = "x > mean(x, where=x > p)"
    text += '[segments.s]\ndefault = "z"\nrules = [\n'
    text += "".join(
        f'  {{ label = "{r}", when = "{conditions[r]}" }},\n' for r in reads
    )
    text += '  { label = "all", when = "True" },\n]\n'
    if via == "break" and "[tables.t]" in text:
        reads = [*reads, "p"]
    read = set(reads) | ({"q"} if "d" in reads else set())
    found = {
        d.message.split("'")[1]
        for d in rules.check(text, text=True)
        if d.code == "unused"
    }
    assert found == {"p", "q", "d", "e"} - read, text
