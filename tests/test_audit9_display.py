"""Audit 9, area E: what a person sees.

E3: a character no font has (an emoji, a rune) in a PNG plot gives one
warning that names the characters; it says to install a CJK font only when
some of them are CJK and no CJK font was found.

E7: ``custseg assign``'s printed workload table shows a staff id's
unprintable characters as spaces and pads by display width, as the
``segment``, ``migrate`` and ``due`` tables do.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from functools import cache
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custseg import cli
from custseg._cli_assign import workload_report
from custseg._cli_due import _cell_text
from custseg._display import alike
from custseg.ownership import assign_owners

mpl = pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")
mpl.use("Agg")

from custseg import plot  # noqa: E402
from custseg.errors import CustsegWarning  # noqa: E402

FAST = settings(max_examples=12, deadline=None)

#: ideographs any CJK font has
COMMON_CJK = "活跃沉默睡流失未购买客户中文张伟"


def _is_cjk(c: str) -> bool:
    return unicodedata.name(c, "").startswith(("CJK ", "HANGUL ", "HIRAGANA "))


@cache
def _covered() -> frozenset[int]:
    """Code points of every file of the fonts custseg draws with."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    families = {"DejaVu Sans", *plot.cjk_fonts()}
    codes: set[int] = set()
    for entry in font_manager.fontManager.ttflist:
        if entry.name in families:
            codes |= set(FT2Font(entry.fname).get_charmap())
    return frozenset(codes)


@cache
def _lacking() -> str:
    """Printable characters, none of them CJK, that no font of custseg's has:
    runes, emoji, Fraktur letters, Gothic, Linear B (each drawn alone)."""
    ranges = [
        (0x16A0, 0x16EA),
        (0x1F300, 0x1F64F),
        (0x1D504, 0x1D537),
        (0x10330, 0x1034A),
        (0x10000, 0x1005D),
    ]
    covered = _covered()
    out = [
        chr(code)
        for lo, hi in ranges
        for code in range(lo, hi + 1)
        if code not in covered
        # not a modifier (Sk, such as the skin tones): matplotlib's layout
        # reports a modifier's cluster by its first character ('X' of 'X🏻')
        and unicodedata.category(chr(code)) in ("Lu", "Ll", "Lo", "Nd", "No", "So")
        and chr(code).isprintable()
        and not _is_cjk(chr(code))
    ]
    assert len(out) > 20
    return "".join(out)


def _labels(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.text(alphabet, min_size=1, max_size=5), min_size=1, max_size=4, unique=True
    )


def _glyph_warnings(action: object) -> list[str]:
    """The CustsegWarnings *action* gives; no other warning is allowed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()  # type: ignore[operator]
    assert [w.category for w in caught if w.category is not CustsegWarning] == []
    return [str(w.message) for w in caught]


def _png(ax: object) -> None:
    ax.figure.savefig(io.BytesIO(), format="png", dpi=30)  # type: ignore[attr-defined]


def _named(message: str) -> set[str]:
    return {chr(int(h, 16)) for h in re.findall(r"\(U\+([0-9A-F]{4,6})", message)}


def _check_message(message: str, missing: list[str], *, hint: bool) -> None:
    """*message* counts the *missing* characters, names a few of them (all
    when at most 5), and has the CJK font hint exactly when *hint*."""
    n = len(missing)
    assert message.startswith(f"{n:,d} character{'s' if n > 1 else ''} in this plot")
    named = _named(message)
    assert named <= set(missing)
    assert len(named) == min(n, 5)
    if n > 5:
        assert f"and {n - 5} more." in message
    assert ("fonts-noto-cjk" in message) is hint
    assert ("No CJK font" in message) is hint
    assert "Chinese" not in message
    assert "to_svg" in message


class TestMissingGlyphWarning:
    """E3: the warning for characters without a glyph."""

    @FAST
    @given(data=st.data())
    def test_with_the_fonts_of_this_machine(self, data: st.DataObject) -> None:
        """With a CJK font, Chinese draws silently; characters no font has
        give one warning naming them, never the CJK font hint; SVG is silent;
        a second PNG of the same figure is silent."""
        if not plot.cjk_fonts():
            pytest.skip("no CJK font on this machine")
        cjk = "".join(c for c in COMMON_CJK if ord(c) in _covered())
        labels = data.draw(_labels(st.sampled_from("abc XY" + cjk + _lacking())))
        missing = list(dict.fromkeys(c for t in labels for c in t if c in _lacking()))
        ax = plot.label_counts(pd.Series(labels))
        assert _glyph_warnings(lambda: plot.to_svg(ax)) == []
        got = _glyph_warnings(lambda: _png(ax))
        if not missing:
            assert got == []
        else:
            assert len(got) == 1
            _check_message(got[0], missing, hint=False)
        assert _glyph_warnings(lambda: _png(ax)) == []

    @FAST
    @given(data=st.data())
    def test_without_a_cjk_font(self, data: st.DataObject) -> None:
        """Without a CJK font, the hint to install one comes exactly when
        CJK characters are among the missing ones; emoji and runes alone
        get no such advice."""
        alphabet = st.sampled_from("abc XY" + COMMON_CJK + _lacking())
        labels = data.draw(_labels(alphabet))
        with mock.patch.object(plot, "cjk_fonts", lambda: ()):
            ax = plot.label_counts(pd.Series(labels))
            got = _glyph_warnings(lambda: _png(ax))
        missing = list(
            dict.fromkeys(c for t in labels for c in t if c in _lacking() + COMMON_CJK)
        )
        if not missing:
            assert got == []
            return
        assert len(got) == 1
        cjk = [c for c in missing if _is_cjk(c)]
        _check_message(got[0], missing, hint=bool(cjk))
        if cjk and len(cjk) < len(missing):
            assert f"not the other {len(missing) - len(cjk)}" in got[0]

    @FAST
    @given(
        chars=st.lists(
            st.sampled_from(COMMON_CJK + "한국ひら" + "\U0001f389\u16a0\U0001d518\t"),
            min_size=1,
            max_size=9,
            unique=True,
        ),
        cjk_found=st.booleans(),
    )
    def test_message_text(self, chars: list[str], cjk_found: bool) -> None:
        """The message alone: counts, names at most 5, hint only for CJK
        characters without a CJK font (Hangul and kana count as CJK)."""
        message = plot._missing_glyphs(chars, ["DejaVu Sans"], cjk_found=cjk_found)
        hint = not cjk_found and any(_is_cjk(c) for c in chars)
        _check_message(message, chars, hint=hint)
        assert "(DejaVu Sans)" in message
        assert "\n" not in message and "\t" not in message

    def test_the_audit_example(self) -> None:
        """Runes and an emoji with a CJK font installed: no word of Chinese,
        nor of installing anything."""
        if not plot.cjk_fonts():
            pytest.skip("no CJK font on this machine")
        ax = plot.label_counts(pd.Series(["ᚠᚢᚦ runes", "🎉 party", "x"]))
        (message,) = _glyph_warnings(lambda: _png(ax))
        assert "Chinese" not in message and "Install" not in message
        assert "'🎉' (U+1F389 PARTY POPPER)" in message
        assert "'ᚠ' (U+16A0 RUNIC LETTER FEHU FEOH FE F)" in message

    def test_a_later_draw_names_only_new_characters(self) -> None:
        """A figure warns again only for characters it has not named yet."""
        first, second = _lacking()[0], _lacking()[-1]
        ax = plot.label_counts(pd.Series([f"a{first}"]))
        (message,) = _glyph_warnings(lambda: _png(ax))
        assert _named(message) == {first}
        ax.set_title(f"{first}{second}")
        (message,) = _glyph_warnings(lambda: _png(ax))
        assert _named(message) == {second}
        assert _glyph_warnings(lambda: _png(ax)) == []

    def test_chinese_without_a_font_still_gets_the_hint(self) -> None:
        """The original case: Chinese, no CJK font, one warning with the fix."""
        with mock.patch.object(plot, "cjk_fonts", lambda: ()):
            ax = plot.label_counts(pd.Series(["活跃", "流失"]), lang="zh")
            (message,) = _glyph_warnings(lambda: _png(ax))
        assert "fonts-noto-cjk" in message and "addfont" in message
        assert "'活' (U+6D3B CJK UNIFIED IDEOGRAPH-6D3B)" in message


# --------------------------------------------------------------------------
# E7: the workload table of custseg assign

CONTROLS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00\x1b\u200b\xad"
NAME_CHARS = "ab Zq-_." + CONTROLS + "中文张伟한국ＡＢ🎉жδ"


def _columns(text: str) -> int:
    """Terminal columns of *text* (wide and full-width characters: two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _run_ends(line: str) -> list[int]:
    """The terminal column where each run of non-spaces of *line* ends."""
    ends, col, inside = [], 0, False
    for c in line:
        col += _columns(c)
        if c != " ":
            inside = True
        elif inside:
            ends.append(col - 1)
            inside = False
    if inside:
        ends.append(col)
    return ends


def _check_table(text: str, staff: list[str]) -> None:
    """One line per owner, its id shown with spaces for unprintable
    characters, and every column ending at the same terminal column."""
    lines = text.split("\n")
    k = len(staff)
    assert lines[k + 1] == ""
    header, rows = lines[0], lines[1 : k + 1]
    assert all(line.isprintable() for line in lines)
    head_ends = _run_ends(header)
    # owner, before, customers, fair, book, fair book (two words)
    assert len(head_ends) == 7
    want = [head_ends[i] for i in (1, 2, 3, 4, 6)]
    shown = ["".join(c if c.isprintable() else " " for c in s) for s in staff]
    first = max(5, *(_columns(s) for s in shown))
    for name, row in zip(shown, rows, strict=True):
        assert row.startswith(name)
        # the same cell as the due table's, padded as the segment table's
        assert row.startswith(cli._pad(_cell_text(name), first) + "  ")
        assert _run_ends(row)[-5:] == want
        assert _columns(row) == _columns(header)


class TestWorkloadTable:
    """E7: the table ``custseg assign`` prints."""

    @FAST
    @given(
        staff=st.lists(
            st.text(st.sampled_from(NAME_CHARS), max_size=8),
            min_size=1,
            max_size=5,
            unique=True,
        ),
        values=st.lists(
            st.one_of(st.integers(0, 100), st.integers(0, 10**12)),
            min_size=1,
            max_size=12,
        ),
    )
    def test_any_names_any_values(self, staff: list[str], values: list[int]) -> None:
        """Names with line breaks, tabs, Chinese, Korean, full-width letters
        and emoji; books from 0 to 10**12: one line per owner, columns in
        line by terminal width, and the figures of the assignment."""
        # (staff ids that read alike are warned about: audit 21)
        assume(len({alike(s) for s in staff}) == len(staff))
        res = assign_owners([float(x) for x in values], staff)
        text = workload_report(res)
        _check_table(text, staff)
        for i, row in enumerate(text.split("\n")[1 : len(staff) + 1]):
            before, after, fair, book, fair_book = row.split()[-5:]
            assert int(before) == res.count_before[i]
            assert int(after) == res.count_after[i]
            assert fair == f"{res.fair_count[i]:.1f}"
            assert book == f"{res.book_after[i]:.2f}"
            assert fair_book == f"{res.fair_book[i]:.2f}"

    def test_plain_names_keep_the_old_layout(self) -> None:
        """Short ASCII names and small books print as before."""
        text = workload_report(assign_owners([3, 2, 1], ["amy", "bo"]))
        assert text.split("\n")[:3] == [
            "owner  before  customers    fair      book  fair book",
            "amy         0          1     1.5      3.00       3.00",
            "bo          0          2     1.5      3.00       3.00",
        ]

    def test_the_audit_example(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command on the audit's files: a quoted line break and a
        Chinese staff id."""
        customers, staff = tmp_path / "cust.csv", tmp_path / "staff.csv"
        customers.write_text("customer_id,monetary\nc1,10\nc2,20\nc3,30\n")
        staff.write_text('staff\n"line\nbreak"\n中文\nbo\n', encoding="utf-8")
        out = tmp_path / "a.csv"
        assert (
            cli.main(["assign", str(customers), str(staff), "--output", str(out)]) == 0
        )
        printed = capsys.readouterr().out
        _check_table(printed, ["line\nbreak", "中文", "bo"])
        assert printed.split("\n")[1].startswith("line break  ")
        # the file keeps the ids as they are
        owners = pd.read_csv(out, dtype=str, keep_default_na=False)["owner"]
        assert set(owners) == {"line\nbreak", "中文", "bo"}
