"""Audit 21: ``custseg assign`` and owners or staff ids that only read alike.

1. Every owner that is not a staff id but reads like one is counted in one
   warning (it named only the first: the others' customers moved silently).
2. A full-width digit ``７`` against staff ``7`` is not "only by spaces"
   (``\\d`` matched any Unicode digit): ASCII digits only.
3. Two staff ids that read alike (``amy`` and ``amy`` + U+200B, NFC/NFD,
   full-width letters) are two staff members, with a warning naming them by
   their code points, in the Python API and on the command line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._cli_assign import _how_differs, _loosely, _near_miss
from custseg._display import alike
from custseg.cli import main
from custseg.errors import CustsegWarning
from custseg.ownership import assign_owners, reassign_neglected

_SETTINGS = settings(max_examples=40, deadline=None)
_CLI_SETTINGS = settings(max_examples=8, deadline=None)

#: Staff ids, each with a distinct look-alike key.
_BASES = ["amy", "bo", "7", "42", "A1", "José", "Zoë", "Chloé", "li-na", "x9"]
#: Invisible (format) characters: zero-width space, non-joiner, joiner, word
#: joiner, byte order mark, soft hyphen.
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad"]
#: Spaces a reader sees as spaces.
_SPACES = [" ", "  ", "\xa0", "\u3000", "\t"]


def _full_width(c: str) -> str:
    return chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c


@st.composite
def _variant(
    draw: st.DrawFn, base: str, kinds: tuple[str, ...]
) -> tuple[str, set[str]]:
    """*base* spelled another way that reads alike, and how: invisible
    characters, NFD, full-width characters (letters and digits), and with
    "spaces" in *kinds*, spaces around it."""
    chosen = draw(
        st.sets(st.sampled_from(kinds), min_size=1).filter(
            lambda k: "nfd" not in k or unicodedata.normalize("NFD", base) != base
        )
    )
    text = base
    if "full" in chosen:
        at = draw(st.sets(st.integers(0, len(base) - 1), min_size=1))
        text = "".join(_full_width(c) if i in at else c for i, c in enumerate(text))
        if text == base:  # no ASCII character to widen
            chosen.discard("full")
    if "nfd" in chosen:
        text = unicodedata.normalize("NFD", text)
    if "invisible" in chosen:
        for _ in range(draw(st.integers(1, 2))):
            i = draw(st.integers(0, len(text)))
            text = text[:i] + draw(st.sampled_from(_INVISIBLE)) + text[i:]
    if "spaces" in chosen:
        text = draw(st.sampled_from(["", *_SPACES])) + text
        text += draw(st.sampled_from(["", *_SPACES]) if text != base else st.just(" "))
    if text == base:  # e.g. only "full" on a name without ASCII: force a change
        text = base + "\u200b"
        chosen = {"invisible"}
    return text, chosen


_ANY = ("invisible", "nfd", "full", "spaces")
_UNSEEN = ("invisible", "nfd", "full")


# --------------------------------------------------------------------------
# 2. how an owner differs: ASCII digits, spaces only when only spaces


@_SETTINGS
@given(data=st.data(), base=st.sampled_from(_BASES))
def test_only_by_spaces_only_when_only_spaces(data: st.DataObject, base: str) -> None:
    """Whatever the spelling, the owner reads as the staff id, and the
    message says "only by spaces" exactly when spaces are all that differ;
    otherwise it lists the code points (a full-width ``７`` was "only by
    spaces": ``\\d`` matches any Unicode digit)."""
    owner, how = data.draw(_variant(base, _ANY))
    assert _loosely(owner) == _loosely(base)
    text = _how_differs(owner, base)
    if how == {"spaces"}:
        assert text.startswith("only by spaces"), text
    else:
        assert text.startswith("only by how its characters are stored"), text
    for c in owner:  # a no-break space too: which space it is
        if not c.isascii():
            assert f"U+{ord(c):04X}" in text, (owner, text)


@_SETTINGS
@given(
    number=st.integers(0, 10**6).map(str),
    block=st.sampled_from([0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7EC]),  # full-width, math
    data=st.data(),
)
def test_wide_digits_are_not_spaces(
    number: str, block: int, data: st.DataObject
) -> None:
    """Digits of another block (full-width ``７``, mathematical ``𝟕``) read
    as ASCII digits once NFKC-normalised, but differ by how they are
    stored, and a ``.0`` after them is no float pandas wrote."""
    at = data.draw(st.sets(st.integers(0, len(number) - 1), min_size=1))
    owner = "".join(chr(block + int(c)) if i in at else c for i, c in enumerate(number))
    assert _loosely(owner) == number
    text = _how_differs(owner, number)
    assert "only by spaces" not in text
    assert f"U+{ord(owner[min(at)]):04X}" in text
    assert _how_differs(" " + owner, number).startswith("only by how")
    # not staff ``owner`` (no float pandas wrote): warned as a look-alike
    assert _near_miss(pd.Series([owner + ".0"]), (owner,)) is not None


def test_the_probe_full_width_seven() -> None:
    text = _how_differs("\uff17", "7")
    assert "only by spaces" not in text and "'\uff17' (U+FF17)" in text
    assert _how_differs("7 ", "7") == "only by spaces"
    assert "(U+00A0)" in _how_differs("7\xa0", "7")


# --------------------------------------------------------------------------
# 1. every look-alike owner is counted


@st.composite
def _owners(draw: st.DrawFn) -> tuple[list[str], list[str], dict[str, int]]:
    """Staff, owners per customer (staff ids, look-alike owners, departed
    owners) and the customers of each look-alike owner."""
    staff = draw(st.lists(st.sampled_from(_BASES), min_size=1, max_size=5, unique=True))
    m = draw(st.integers(1, 7))
    near: dict[str, int] = {}
    for _ in range(m):
        base = draw(st.sampled_from(staff))
        owner, _how = draw(_variant(base, _ANY))
        if owner not in staff and owner not in near:
            near[owner] = draw(st.integers(1, 3))
    owners = [o for o, n in near.items() for _ in range(n)]
    owners += draw(st.lists(st.sampled_from([*staff, "gone"]), max_size=6))
    return staff, list(draw(st.permutations(owners))), near


def _check_counted(note: str | None, near: dict[str, int]) -> None:
    assert note is not None
    total, m = sum(near.values()), len(near)
    if m == 1:
        (owner,) = near
        assert note.startswith(
            f"{total} customer{'s' if total != 1 else ''} of owner {owner!r}, "
        ), note
        return
    assert note.startswith(f"{total} customers of {m} owners that are not"), note
    named = re.findall(r"owner ('.*?'|\".*?\") \((\d+) customers?\) differs", note)
    assert len(named) == min(m, 3), note
    # the ones named have the most customers
    counts = sorted(near.values(), reverse=True)
    assert sorted((int(n) for _, n in named), reverse=True) == counts[:3]
    if m > 3:
        rest = counts[3:]
        more = f"; and {len(rest)} more owner{'s' if len(rest) != 1 else ''} "
        assert more + f"({sum(rest)} customer{'s' if sum(rest) != 1 else ''})" in note


@_SETTINGS
@given(case=_owners())
def test_every_look_alike_owner_is_counted(
    case: tuple[list[str], list[str], dict[str, int]],
) -> None:
    """One warning counts all look-alike owners and their customers and names
    up to three (it returned at the first)."""
    staff, owners, near = case
    note = _near_miss(pd.Series(owners, dtype=object), tuple(staff))
    _check_counted(note, near)


def _run_assign(
    directory: Path, staff: list[str], owners: list[str]
) -> tuple[int, str, pd.DataFrame | None]:
    with open(directory / "cust.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)  # spaces kept inside quotes
        w.writerow(["customer_id", "monetary", "owner"])
        w.writerows([f"c{i}", i + 1, o] for i, o in enumerate(owners))
    with open(directory / "staff.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerows([["staff"], *([s] for s in staff)])
    err = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(directory)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["assign", "cust.csv", "staff.csv", "--output", "o.csv"])
    finally:
        os.chdir(cwd)
    out = None
    if status == 0:
        out = pd.read_csv(directory / "o.csv", dtype=str, keep_default_na=False)
    return status, err.getvalue(), out


@_CLI_SETTINGS
@given(case=_owners())
def test_the_command_counts_every_look_alike_owner(
    case: tuple[list[str], list[str], dict[str, int]],
) -> None:
    """On the command line: one warning line, and the customers it counts
    are those forced away from look-alike owners."""
    staff, owners, near = case
    with tempfile.TemporaryDirectory() as d:
        status, err, out = _run_assign(Path(d), staff, owners)
    assert status == 0, err
    assert out is not None
    lines = [x for x in err.splitlines() if "not in the staff file" in x]
    assert len(lines) == 1, err
    _check_counted(lines[0].removeprefix("custseg: warning: "), near)
    moved_away = sum(o in near for o in owners)
    assert moved_away == sum(near.values())
    forced = (out["change"] == "forced").sum()
    assert forced == moved_away + owners.count("gone")


def test_the_probe_two_near_miss_owners(tmp_path: Path) -> None:
    status, err, _ = _run_assign(tmp_path, ["amy", "bo"], ["amy\u200b", "bo\xa0", "bo"])
    assert status == 0
    assert "2 customers of 2 owners" in err
    assert "'amy\\u200b' (1 customer) differs from its id 'amy'" in err
    assert "'bo\\xa0' (1 customer) differs from its id 'bo' only by spaces" in err


# --------------------------------------------------------------------------
# 3. staff ids that read alike


@st.composite
def _staff(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A staff list with groups of ids that read alike (a base and one or two
    other spellings), and others that do not (spaces, case, ``.0``)."""
    bases = draw(st.lists(st.sampled_from(_BASES), min_size=1, max_size=6, unique=True))
    groups = []
    for base in bases:
        spellings = [base]
        for _ in range(draw(st.integers(1, 2))):
            other, _how = draw(_variant(base, _UNSEEN))
            if other not in spellings:
                spellings.append(other)
        groups.append(spellings)
    plain = draw(
        st.lists(
            st.sampled_from(["s1", " s1", "s1 ", "S1", "s1.0", "Amy", "AMY", "7.0"]),
            unique=True,
            max_size=4,
        )
    )
    staff = [*(s for g in groups for s in g), *plain]
    order = draw(st.permutations(range(len(staff))))
    return [staff[i] for i in order], groups


@_SETTINGS
@given(case=_staff())
def test_staff_ids_that_read_alike_are_named(
    case: tuple[list[str], list[list[str]]],
) -> None:
    """Every group is counted in one warning naming up to three by their
    code points and rows; they stay different staff members (not merged)."""
    staff, groups = case
    with pytest.warns(CustsegWarning) as caught:
        res = assign_owners([1.0] * 4, staff)
    assert res.staff == tuple(staff)
    assert caught[0].filename == __file__  # the caller's line
    notes = [str(w.message) for w in caught]
    assert len(notes) == 1, notes
    note = notes[0]
    alike_groups = [g for g in groups if len(g) > 1]
    if len(alike_groups) == 1:
        assert note.startswith("staff ids "), note
    else:
        n_ids = sum(map(len, alike_groups))
        assert note.startswith(
            f"{len(alike_groups)} groups of staff ids ({n_ids} ids) read alike"
        ), note
    # groups in the order of their first row; the first three named
    first = sorted(alike_groups, key=lambda g: min(staff.index(s) for s in g))
    for g in first[:3]:
        rows = sorted(staff.index(s) for s in g)
        names = [ascii(staff[i]) for i in rows]
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        numbers = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
        assert f"{listed} (rows {numbers})" in note, (listed, note)
    if len(first) > 3:
        more = len(first) - 3
        assert f"; and {more} more group{'s' if more != 1 else ''}:" in note
    assert note.isascii()


@_SETTINGS
@given(
    staff=st.lists(
        st.text(st.sampled_from([*"ab7 .\t\xa0", "李", "é"]), max_size=4),
        min_size=1,
        max_size=6,
        unique_by=alike,
    )
)
def test_staff_ids_that_read_apart_give_no_warning(staff: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = assign_owners([1.0, 2.0], staff)
    assert res.staff == tuple(staff)


def test_reassign_neglected_warns_too() -> None:
    staff = ["Jos\u00e9", "Jose\u0301"]
    with pytest.warns(CustsegWarning, match=r"'Jos\\xe9' and 'Jose\\u0301'") as caught:
        reassign_neglected([5.0, 1.0], [staff[0], staff[1]], staff, [True, False])
    assert caught[0].filename == __file__


def test_the_command_shows_the_staff_warning(tmp_path: Path) -> None:
    """The probe: a staff file with ``amy`` and ``amy`` + U+200B."""
    status, err, out = _run_assign(
        tmp_path, ["amy", "amy\u200b", "bo"], ["amy", "amy\u200b", "bo"]
    )
    assert status == 0 and out is not None
    assert (
        "custseg: warning: staff ids 'amy' and 'amy\\u200b' (rows 0 and 1) read alike"
        in err
    ), err
    assert out["change"].tolist() == ["kept"] * 3  # still two staff members
