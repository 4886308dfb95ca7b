"""Tests for :class:`custseg.labels.Labels` and :func:`smallest_int_dtype`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels, smallest_int_dtype

# NumPy's fixed-width str arrays drop trailing NUL characters, so to_numpy()
# cannot round-trip them; names never contain NUL in practice.
_NAME_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")


@st.composite
def labels_data(draw: st.DrawFn) -> tuple[list[int], tuple[str, ...]]:
    """Codes and unique names, some names possibly unused."""
    names = tuple(
        draw(
            st.lists(
                st.text(_NAME_CHARS, min_size=1, max_size=4),
                min_size=1,
                max_size=8,
                unique=True,
            )
        )
    )
    codes = draw(st.lists(st.integers(0, len(names) - 1), max_size=40))
    return codes, names


class TestSmallestIntDtype:
    @pytest.mark.parametrize(
        ("n_names", "dtype"),
        [
            (0, np.int8),
            (1, np.int8),
            (5, np.int8),
            (126, np.int8),
            (127, np.int16),
            (300, np.int16),
            (32_766, np.int16),
            (32_767, np.int32),
            (2**31 - 2, np.int32),
            (2**31 - 1, np.int64),
        ],
    )
    def test_boundaries(self, n_names: int, dtype: Any) -> None:
        """pandas' own choice for n_names categories (int8 below 127 names, ...)."""
        assert smallest_int_dtype(n_names) == np.dtype(dtype)

    @given(n=st.integers(1, 2**40))
    def test_is_smallest_signed(self, n: int) -> None:
        """The result holds n - 1 with room to spare, as pandas requires, and no
        smaller signed dtype would."""
        dtype = smallest_int_dtype(n)
        assert dtype.kind == "i"
        assert np.iinfo(dtype).max > n
        smaller = [d for d in (np.int8, np.int16, np.int32) if np.dtype(d) < dtype]
        assert all(np.iinfo(d).max <= n for d in smaller)


class TestLabels:
    def test_docstring_example(self) -> None:
        """The class docstring example: dtype, names, counts, equality."""
        lab = Labels(np.array([2, 0, 0]), ("A", "B", "C"), ordered=True)
        assert lab.codes.dtype == np.int8
        assert lab.to_numpy().tolist() == ["C", "A", "A"]
        assert lab.counts() == {"A": 2, "B": 0, "C": 1}
        assert len(lab) == 3
        assert lab == Labels([2, 0, 0], ("A", "B", "C"), ordered=True)

    @pytest.mark.parametrize(
        ("n_names", "dtype"),
        [(1, np.int8), (126, np.int8), (127, np.int16), (40_000, np.int32)],
    )
    def test_codes_dtype_is_smallest_signed(self, n_names: int, dtype: Any) -> None:
        """Codes are stored in the dtype pandas picks for the number of names."""
        names = [f"n{i}" for i in range(n_names)]
        lab = Labels(np.array([0, n_names - 1], dtype=np.int64), names)
        assert lab.codes.dtype == np.dtype(dtype)
        assert lab.codes.tolist() == [0, n_names - 1]

    @pytest.mark.parametrize(
        "codes",
        [
            [0, 1],
            np.array([0, 1], dtype=np.uint8),
            np.array([0, 1], dtype=np.int64),
            (),
        ],
        ids=["list", "uint8", "int64", "empty"],
    )
    def test_accepted_codes(self, codes: Any) -> None:
        """Lists, signed and unsigned integer arrays and empty input are accepted."""
        lab = Labels(codes, ("a", "b"))
        assert lab.codes.dtype == np.int8
        assert lab.codes.tolist() == list(np.asarray(codes).tolist())

    def test_names_are_strings(self) -> None:
        """Names are text: a number, None or NaN is refused (never turned
        into the names '1', 'None', 'nan'; audit 11 P9)."""
        assert Labels([0, 1], ("a", np.str_("b"))).names == ("a", "b")
        for bad in (1, 2.5, None, float("nan")):
            with pytest.raises(ThresholdError, match=r"'names\[1\]' must be text"):
                Labels([0, 1], ["a", bad])

    @pytest.mark.parametrize("names", ["ab", b"ab", None, 3, 2.5])
    def test_names_not_a_sequence(self, names: Any) -> None:
        """One string is not a list of names (it would be split into its
        letters), and None or a number is no list at all: ThresholdError."""
        with pytest.raises(ThresholdError, match="'names' must be a sequence"):
            Labels([0, 1], names)

    def test_names_unique(self) -> None:
        """Repeated names raise ThresholdError listing them."""
        with pytest.raises(
            ThresholdError, match=r"'names' must be unique: 'a', 'b' repeated"
        ):
            Labels([0], ("a", "b", "a", "c", "b"))

    @pytest.mark.parametrize(
        ("codes", "shown"), [([0, 3], "3"), ([-1, 0], "-1"), ([5, -2], "-2")]
    )
    def test_codes_out_of_range(self, codes: list[int], shown: str) -> None:
        """Codes below 0 or at/after len(names) raise ThresholdError with the value."""
        with pytest.raises(ThresholdError) as info:
            Labels(codes, ("a", "b", "c"))
        assert str(info.value) == f"'codes' must be in [0, 3): got {shown}"

    def test_codes_with_no_names(self) -> None:
        """Any code is out of range when there are no names."""
        with pytest.raises(ThresholdError):
            Labels([0], ())

    @pytest.mark.parametrize(
        "codes",
        [np.array([0.0, 1.0]), np.array([True, False]), np.array([[0, 1]]), ["a"]],
        ids=["float", "bool", "2d", "str"],
    )
    def test_codes_must_be_1d_integers(self, codes: Any) -> None:
        """Non-integer or non-1-D codes raise ThresholdError."""
        with pytest.raises(ThresholdError, match="1-D integer array"):
            Labels(codes, ("a", "b"))

    def test_codes_read_only(self) -> None:
        """The stored codes cannot be written to."""
        lab = Labels(np.array([0, 1, 1]), ("a", "b"))
        assert not lab.codes.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            lab.codes[0] = 1

    def test_frozen(self) -> None:
        """Attributes cannot be reassigned."""
        lab = Labels([0], ("a",))
        with pytest.raises(AttributeError):
            lab.names = ("b",)  # type: ignore[misc]

    @pytest.mark.parametrize("dtype", [np.int64, np.int8])
    def test_caller_array_not_aliased(self, dtype: Any) -> None:
        """The caller's array stays writable and changing it does not change the labels."""
        source = np.array([0, 1, 1], dtype=dtype)
        lab = Labels(source, ("a", "b"))
        assert source.flags.writeable
        source[0] = 1
        assert lab.codes.tolist() == [0, 1, 1]

    def test_to_numpy(self) -> None:
        """to_numpy maps codes to name strings."""
        out = Labels([1, 0, 1], ("new", "old")).to_numpy()
        assert out.dtype.kind == "U"
        assert out.tolist() == ["old", "new", "old"]

    @pytest.mark.parametrize("n_names", [1, 2, 126, 127, 128, 129, 300, 32_767, 32_768])
    def test_to_pandas_is_an_editable_copy(self, n_names: int) -> None:
        """to_categorical and to_pandas hold their own codes, in the codes'
        dtype: a cell can be set (no NumPy "read-only" error) and the labels
        stay as they were."""
        names = [f"n{i}" for i in range(n_names)]
        lab = Labels(np.arange(n_names) % n_names, names, ordered=True)
        cat = lab.to_categorical()
        assert not np.shares_memory(cat.codes, lab.codes)
        assert cat.codes.dtype == lab.codes.dtype
        assert cat.codes.tolist() == lab.codes.tolist()
        s = lab.to_pandas()
        s.iloc[0] = names[-1]
        cat[0] = names[-1]
        assert lab.codes[0] == 0 and lab.to_numpy()[0] == "n0"

    @pytest.mark.parametrize("ordered", [True, False])
    def test_to_pandas_categories(self, ordered: bool) -> None:
        """Categories are the names in order, including unused ones; ordered is kept."""
        cat = Labels([2, 0], ("low", "mid", "high"), ordered=ordered).to_categorical()
        assert isinstance(cat, pd.Categorical)
        assert list(cat.categories) == ["low", "mid", "high"]
        assert cat.ordered is ordered
        assert list(cat) == ["high", "low"]

    @given(data=labels_data())
    def test_counts_match_python(self, data: tuple[list[int], tuple[str, ...]]) -> None:
        """counts() has every name in name order, zero counts included."""
        codes, names = data
        counts = Labels(codes, names).counts()
        assert list(counts) == list(names)
        assert counts == {name: codes.count(i) for i, name in enumerate(names)}
        assert all(type(c) is int for c in counts.values())

    @given(data=labels_data())
    def test_round_trips(self, data: tuple[list[int], tuple[str, ...]]) -> None:
        """from_names(to_numpy()) and to_pandas() both give back the same labels."""
        codes, names = data
        lab = Labels(codes, names, ordered=True)
        assert Labels.from_names(lab.to_numpy().tolist(), names, ordered=True) == lab
        cat = lab.to_categorical()
        assert cat.codes.tolist() == codes
        assert tuple(cat.categories) == names
        series = lab.to_pandas()
        assert series.cat.codes.tolist() == codes
        assert series.index.equals(pd.RangeIndex(len(codes)))

    @given(data=labels_data(), seed=st.integers(0, 2**32 - 1))
    def test_to_pandas_keeps_the_index(
        self, data: tuple[list[int], tuple[str, ...]], seed: int
    ) -> None:
        """to_pandas puts the given (shuffled, non-default) index and name on the Series."""
        codes, names = data
        index = pd.Index(np.random.default_rng(seed).permutation(len(codes)) * 3 + 7)
        series = Labels(codes, names, index=index, name="seg").to_pandas()
        assert series.index.equals(index)
        assert series.name == "seg"
        frame = pd.DataFrame({"x": np.arange(len(codes))}, index=index)
        joined = pd.concat([frame, series], axis=1)
        assert len(joined) == len(codes)
        assert joined["seg"].cat.codes.tolist() == codes

    def test_index_length_is_checked(self) -> None:
        """An index of another length than the codes is refused."""
        with pytest.raises(ThresholdError, match="one entry per row"):
            Labels([0, 1], ("a", "b"), index=pd.Index([1, 2, 3]))

    def test_equality(self) -> None:
        """Labels are equal when codes, names and ordered all agree."""
        lab = Labels([0, 1], ("a", "b"))
        assert lab == Labels(np.array([0, 1], dtype=np.int32), ["a", "b"])
        assert lab != Labels([1, 0], ("a", "b"))
        assert lab != Labels([0, 1], ("a", "c"))
        assert lab != Labels([0, 1], ("a", "b"), ordered=True)
        assert lab != Labels([0, 1, 1], ("a", "b"))
        with pytest.raises(ThresholdError, match="is not a label"):
            _ = lab != "not labels"  # a name: compared row by row
        # one value per row, compared row by row: the names are not 0 and 1
        assert (lab == [0, 1]).tolist() == [False, False]

    def test_unhashable(self) -> None:
        """Labels hold an array, so they are not hashable."""
        with pytest.raises(TypeError):
            hash(Labels([0], ("a",)))

    def test_repr(self) -> None:
        """repr shows the length, ordered flag and each name's share, not the codes."""
        assert repr(Labels([0, 0, 1], ("a", "b"), ordered=True)) == (
            "Labels(n=3, ordered=True, a 66.7%, b 33.3%)"
        )
        named = Labels([0, 0, 1], ("a", "b"), name="tier")
        assert (
            repr(named) == "Labels(n=3, name='tier', ordered=False, a 66.7%, b 33.3%)"
        )

    def test_repr_html_escapes(self) -> None:
        """The notebook table escapes label names from rules files."""
        html = Labels([0, 1], ("<script>", "b&c"), name="x")._repr_html_()
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "b&amp;c" in html


class TestLabelsFromNames:
    def test_docstring_example(self) -> None:
        """Per-row names become their positions."""
        lab = Labels.from_names(["b", "a", "b"], ("a", "b"))
        assert lab.codes.tolist() == [1, 0, 1]
        assert lab.names == ("a", "b")
        assert lab.ordered is False

    def test_ordered_and_array_input(self) -> None:
        """A numpy array of names works and ordered is passed through."""
        lab = Labels.from_names(
            np.array(["high", "low"]), ["low", "high"], ordered=True
        )
        assert lab.codes.tolist() == [1, 0]
        assert lab.ordered is True

    def test_empty(self) -> None:
        """No rows gives empty codes."""
        lab = Labels.from_names([], ("a",))
        assert len(lab) == 0
        assert lab.counts() == {"a": 0}

    def test_unknown_name(self) -> None:
        """A value outside names raises ThresholdError naming it."""
        with pytest.raises(
            ThresholdError, match=r"label 'z' is not one of \('a', 'b'\)"
        ):
            Labels.from_names(["a", "z", "y"], ("a", "b"))

    def test_duplicate_names(self) -> None:
        """Repeated names are refused here too."""
        with pytest.raises(ThresholdError, match="must be unique"):
            Labels.from_names(["a"], ("a", "a"))


_ANY_LABEL = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(-3, 3),
    st.sampled_from([1.0, 2.0, 2.5, -0.0]),
    st.booleans(),
    st.sampled_from(["1", "2", "a", "1.0", "True", "", "a\x00", "\x00"]),
    st.sampled_from([(1, 2), (1, 2.0), ("a",)]),
    st.sampled_from([b"1", b"a"]),
)


def _kind(x: object) -> str:
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int | float):
        return "number"
    return type(x).__name__


class TestPlainLabelClasses:
    """A plain array of labels (object dtype): one class per Python-equal
    value, never two values merged because they print alike."""

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_ANY_LABEL, max_size=12))
    def test_classes_are_python_equality(self, values: list) -> None:
        from custseg.labels import label_codes

        known = [x for x in values if not (x is None or x != x)]
        kinds = {_kind(x) for x in known}
        if len(kinds) > 1:
            with pytest.raises(InputError, match="mixes labels of different types"):
                label_codes(values)
            return
        codes, names, *_ = label_codes(values)
        assert len(codes) == len(values)
        for i, x in enumerate(values):
            assert (codes[i] == -1) == (x is None or x != x)
        for i, x in enumerate(values):
            for j, y in enumerate(values):
                if codes[i] >= 0 and codes[j] >= 0:
                    assert (codes[i] == codes[j]) == (x == y), (x, y)
        assert len(set(names)) == len(names)

    @pytest.mark.parametrize(
        "values", [["a", "a\x00"], ["\x00", ""], ["x", "x\x00\x00", "x\x00"]]
    )
    def test_text_ending_in_nul_is_its_own_class(self, values: list) -> None:
        """NumPy's str drops trailing NULs; the classes must not."""
        from custseg.labels import label_codes

        codes, names, *_ = label_codes(values)
        assert len(set(codes.tolist())) == len(values)
        assert sorted(names) == sorted(values)

    def test_segment_summary_keeps_1_and_text_1_apart(self) -> None:
        """The audit's case: 1 and '1' were one row of the summary."""
        facts = {"recency_days": [1.0, 2, 3, 4], "frequency": [1, 2, 3, 4],
                 "monetary": [1.0, 2, 3, 4]}  # fmt: skip
        with pytest.raises(InputError, match=r"\(number, text\)"):
            custseg.segment_summary([1, "1", 1, "1"], facts)
        out = custseg.segment_summary([(1, 2), (1, 2), (3, 4), None], facts)
        assert out.customers.tolist() == [2, 1, 1, 4]
