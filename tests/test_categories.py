"""Tests for custseg._categories.as_category: answers in any spelling as codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._categories import MISSING, as_category, normalize
from custseg.errors import InputError

LEVELS = ("very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied")
ZH = {"很不满意": 0, "不满意": 1, "满意": 2, "比较满意": 3, "很满意": 4}

# every spelling of each level a survey export may carry
SPELLINGS = [
    (name, code)
    for code, level in enumerate(LEVELS)
    for name in (
        level,
        level.upper(),
        level.replace("_", " ").title(),
        "  " + level.replace("_", "-") + " ",
    )
] + list(ZH.items())
MISSINGS = [None, float("nan"), "", "   ", pd.NA, np.nan]


class TestSpellings:
    @given(st.lists(st.sampled_from(SPELLINGS + [(m, MISSING) for m in MISSINGS])))
    @settings(max_examples=60)
    def test_every_spelling_gives_its_code(self, pairs: list) -> None:
        """Case, blanks, '-'/'_', Chinese aliases and missing values map exactly."""
        values = np.array([p[0] for p in pairs], dtype=object)
        expected = [p[1] for p in pairs]
        got = as_category(values, "satisfaction", LEVELS, aliases=ZH)
        assert got.tolist() == expected
        assert got.dtype == np.int8

    @given(st.lists(st.sampled_from(SPELLINGS), min_size=1), st.randoms())
    @settings(max_examples=30)
    def test_order_free(self, pairs: list, rnd) -> None:
        """Permuting the answers permutes the codes."""
        values = [p[0] for p in pairs]
        perm = list(range(len(values)))
        rnd.shuffle(perm)
        a = as_category(values, "s", LEVELS, aliases=ZH)
        b = as_category([values[i] for i in perm], "s", LEVELS, aliases=ZH)
        assert b.tolist() == a[perm].tolist()

    def test_normalize(self) -> None:
        """normalize folds case and separators, keeps other characters."""
        assert normalize(" Very - Satisfied ") == normalize("verysatisfied")
        assert normalize("very_satisfied") == "verysatisfied"
        assert normalize("比较满意") == "比较满意"


class TestCodes:
    @given(st.lists(st.one_of(st.integers(1, 5), st.none())))
    @settings(max_examples=40)
    def test_ordinal_codes(self, values: list) -> None:
        """Codes on a 1-5 scale, as ints, floats, text or nullable ints."""
        expected = [MISSING if v is None else v - 1 for v in values]
        assert as_category(values, "s", LEVELS, integers=1).tolist() == expected
        floats = [np.nan if v is None else float(v) for v in values]
        assert as_category(floats, "s", LEVELS, integers=1).tolist() == expected
        text = [None if v is None else str(v) for v in values]
        assert as_category(text, "s", LEVELS, integers=1).tolist() == expected
        nullable = pd.Series(values, dtype="Int64")
        assert as_category(nullable, "s", LEVELS, integers=1).tolist() == expected

    @pytest.mark.parametrize("bad", [0, 6, -1, 2.5])
    def test_outside_the_scale(self, bad: float) -> None:
        """A code outside the scale or a fraction is refused with the row."""
        with pytest.raises(InputError, match=r"'s' has .*row 1"):
            as_category([3, bad], "s", LEVELS, integers=1)

    def test_integers_refused_without_a_scale(self) -> None:
        """Without a scale, numbers are not answers."""
        with pytest.raises(InputError, match="text"):
            as_category([1, 2], "s", LEVELS)
        with pytest.raises(InputError, match="numbers"):
            as_category([1.0, np.nan], "s", LEVELS)

    def test_booleans(self) -> None:
        """True/False are yes/no only where the field says so."""
        got = as_category([True, False, None], "need", ("no", "yes"), booleans=True)
        assert got.tolist() == [1, 0, MISSING]
        assert as_category(
            np.array([True, False]), "need", ("no", "yes"), booleans=True
        ).tolist() == [1, 0]
        with pytest.raises(InputError, match="boolean"):
            as_category(np.array([True]), "s", LEVELS)

    def test_pandas_categorical(self) -> None:
        """A categorical Series with missing values."""
        s = pd.Series(["很满意", None, "neutral"], dtype="category")
        assert as_category(s, "s", LEVELS, aliases=ZH).tolist() == [4, MISSING, 2]
        s = pd.Series(["很满意", None], dtype="string")
        assert as_category(s, "s", LEVELS, aliases=ZH).tolist() == [4, MISSING]


class TestUnknown:
    @given(
        st.lists(st.sampled_from(SPELLINGS), max_size=5),
        st.lists(
            st.text(min_size=1).filter(
                lambda t: (
                    normalize(t)
                    and normalize(t) not in {normalize(s) for s, _ in SPELLINGS}
                )
            ),
            min_size=1,
            max_size=4,
            unique=True,
        ),
    )
    @settings(max_examples=40)
    def test_every_unknown_answer_is_named(self, good: list, bad: list) -> None:
        """The error names each unknown value (up to ten) and the accepted ones."""
        values = [p[0] for p in good] + bad
        with pytest.raises(InputError) as info:
            as_category(values, "satisfaction", LEVELS, aliases=ZH)
        msg = str(info.value)
        assert msg.startswith("'satisfaction' has unknown answer")
        assert f"first at row {len(good)}" in msg
        assert "'very_satisfied'" in msg and "'很满意'" in msg
        for b in bad[:10]:
            assert repr(b)[1:-1][:20] in msg

    def test_two_dimensional_refused(self) -> None:
        """A matrix is not a column of answers."""
        with pytest.raises(InputError, match="one-dimensional"):
            as_category(np.zeros((2, 2)), "s", LEVELS, integers=1)


_ODD_ANSWER = st.one_of(
    st.integers(-(2**80), 2**80),
    st.lists(st.sampled_from(["yes", "no", 1]), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 1), max_size=1),
    st.sets(st.integers(0, 2), max_size=2),
    st.sampled_from(["yes", "no", None, 0, 1]),
)


class TestOddCells:
    @settings(max_examples=200, deadline=None)
    @given(st.lists(_ODD_ANSWER, min_size=1, max_size=6), st.booleans())
    def test_any_cell_gives_codes_or_an_input_error(self, cells, integers) -> None:
        """Integers of any size and container cells (a Parquet list column)
        give codes or an InputError naming the field, never a bare
        OverflowError or TypeError; valid rows keep their codes."""
        try:
            codes = as_category(
                cells, "need", ["no", "yes"], integers=0 if integers else None,
                booleans=True,
            )  # fmt: skip
        except InputError as e:
            assert e.field == "need"
            return
        assert len(codes) == len(cells)
        for cell, code in zip(cells, codes.tolist(), strict=True):
            if cell in ("no", 0) and not isinstance(cell, bool):
                assert code == 0
            elif cell is None:
                assert code == MISSING

    @pytest.mark.parametrize(
        "cells", [[2**70], [2**64, 1], [["satisfied"]], [{"a": 1}], [10**400]]
    )
    def test_the_audit_s_cells(self, cells) -> None:
        with pytest.raises(InputError, match="'need'"):
            as_category(cells, "need", ["no", "yes"], integers=0)
