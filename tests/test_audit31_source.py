"""Audit 31, rules sources: a key quoted inside a multi-line string.

The key index read every line of a rules file, so ``key = ...`` written in
a multi-line ``description`` (a note quoting the file) was taken for the
key itself, and a diagnostic about the real key pointed into the note.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg import rules

#: (lines before the note, what opens the note, the key line the diagnostic
#: is about, its code, the token it highlights, lines after it)
_CASES: dict[str, tuple[list[str], str, str, str, str, list[str]]] = {
    "table-order": (
        ["[tables.t]", 'field = "m"', 'labels = ["a", "b", "c"]'],
        "description",
        "breaks = [3, 2]",
        "breaks-order",
        "breaks",
        [],
    ),
    "table-typo": (
        ["[tables.t]", 'field = "m"', 'labels = ["a", "b"]', "breaks = [1]"],
        "description",
        'lables = ["a"]',
        "unknown-key",
        "lables",
        [],
    ),
    "field-typo": (
        ["[fields.m]", 'type = "number"'],
        "description",
        "mni = 10",
        "unknown-key",
        "mni",
        [],
    ),
    "root-dotted": (
        ['fields.m.type = "number"', 'tables.t.field = "m"'],
        "description",
        "tables.t.breaks = [3, 2]",
        "breaks-order",
        "tables.t.breaks",
        ['tables.t.labels = ["a", "b", "c"]'],
    ),
    "inline": (
        ["[fields]"],
        'n = { type = "number", description',
        'm = { type = "number", mni = 10 }',
        "unknown-key",
        "mni",
        [],
    ),
}


@st.composite
def _docs(draw: Any) -> tuple[str, tuple[str, int, int, str]]:
    case = draw(st.sampled_from(sorted(_CASES)))
    before, opener, key_line, code, token, after = _CASES[case]
    quote = draw(st.sampled_from(['"""', "'''"]))
    indent = draw(st.sampled_from(["", "  ", "\t"]))
    filler = draw(
        st.lists(
            st.sampled_from(["text", "", "# not a comment", "[tables.t]", "x = 1"]),
            max_size=3,
        )
    )
    copies = draw(st.integers(1, 3))
    quoted = [*filler, *[indent + key_line] * copies]
    close = quote + (" }" if case == "inline" else "")
    note = [f"{opener} = {quote}", *quoted, close]
    lines = ["format = 1", *before, *note, key_line, *after]
    mark = 1 + len(before) + len(note) + 1
    column = lines[mark - 1].index(token) + 1
    return "\n".join(lines) + "\n", (code, mark, column, token)


@settings(max_examples=40, deadline=None)
@given(drawn=_docs())
@example(
    drawn=(
        'format = 1\n[fields.m]\ntype = "number"\ndescription = """\nmni = 10\n"""'
        "\nmni = 10\n",
        ("unknown-key", 7, 1, "mni"),
    )
)
def test_a_key_quoted_in_a_multi_line_string_is_not_the_key(
    drawn: tuple[str, tuple[str, int, int, str]],
) -> None:
    """Whatever a multi-line string before it quotes (the same key line,
    indented or not, once or more, with headers and comments), in a table,
    at the top or inside an inline table, the diagnostic is at the key
    written after it."""
    text, (code, line, column, token) = drawn
    lines = text.split("\n")
    found = [
        (d.line, d.column, lines[d.line - 1][d.column - 1 : d.end_column - 1])
        for d in rules.check(text, text=True)
        if d.code == code
    ]
    assert found == [(line, column, token)], text


def test_a_param_quoted_in_a_note_is_not_the_param(tmp_path: Any) -> None:
    """The worked example: a preset's param overridden with a text, after a
    ``[params]`` note quoting the line; the error names the real line."""
    path = tmp_path / "r.toml"
    path.write_text(
        'format = 1\nextends = "ecommerce"\n\n[params]\nnote_x = """\n'
        'key_amount = 5\n"""\nkey_amount = "lots"\n',
        encoding="utf-8",
    )
    try:
        rules.load(path)
    except rules.RulesError as err:
        text = str(err)
    else:
        raise AssertionError("a text key_amount was accepted")
    assert text.startswith(f"{path}:8:1: error[bad-value]"), text
