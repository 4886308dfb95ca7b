"""Tests for custseg.groups: the classes of failure an adversarial audit found.

Each class has the audit's example and a property over its family:

* values equal only when equal in Python (``1`` and ``"1"`` are not one tag);
* whole-number floats and nullable integers are written ``"1"``, not ``"1.0"``;
* cells holding lists, tuples, sets or dicts are refused, naming the fix;
* placeholders are missing whether alone in a cell or among other values;
* a mapping key holding a separator can never match and is refused;
* group_summary refuses fact columns whose names read alike and a tag named
  like the total row;
* a ragged tag matrix is an InputError, not a bare NumPy ValueError;
* a plain string is no sequence of tag names in combine_tags.

References are plain Python: sets of values per cell, built with ``str``,
``split`` and ``strip``.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError, ThresholdError
from custseg.groups import TagMatrix, combine_tags, group_summary, tags_from_values
from custseg.labels import sorted_names
from custseg.profile import PLACEHOLDERS

SEPS = (",", "，", "、", ";", "；", "|")


def is_missing(cell):
    return cell is None or (isinstance(cell, float) and math.isnan(cell))


def fold(text):
    """Stripped, A-Z lowered: how placeholders are compared."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text.strip())


def ref_values(cell, placeholders=PLACEHOLDERS, seps=SEPS):
    """The set of values of one cell (the reference)."""
    if is_missing(cell):
        return set()
    if not isinstance(cell, str):  # a number: one value, whole ones as integers
        return {str(int(cell)) if float(cell).is_integer() else repr(float(cell))}
    held = {fold(p) for p in placeholders}
    if fold(cell) in held:
        return set()
    pieces = [cell]
    for s in seps:
        pieces = [q for p in pieces for q in p.split(s)]
    return {p.strip() for p in pieces if p.strip() and fold(p) not in held}


def tag_sets(t):
    return [{t.names[j] for j in np.flatnonzero(row)} for row in t.matrix]


# --------------------------------------------------------------------------
# 1. values equal only when equal in Python
# --------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-3, 12),
    st.integers(-3, 12).map(float),
    st.sampled_from([0.5, 1.5, -2.25, float("nan")]),
)
texts = st.one_of(
    st.text(st.sampled_from("12a ,|"), max_size=6),
    st.sampled_from(["1", "2", "未知", "none", "tea,未知", " NA |yoga", "1.0"]),
)


class TestKindsOfValues:
    """tags_from_values: numbers and text are different values (audit #1)."""

    def test_audit_example(self):
        """[1, "1", None]: the int 1 and the text "1" are not merged into one tag."""
        with pytest.raises(InputError, match=r"'column' mixes numbers and text") as e:
            tags_from_values([1, "1", None])
        assert e.value.field == "column" and e.value.first_row == 1

    def test_equal_in_python_is_one_value(self):
        """1, 1.0 and np.int64(1) are equal in Python: one tag, named 1."""
        t = tags_from_values([1, 1.0, np.int64(1), np.float32(1.0), None])
        assert t.names == ("1",) and t["1"].tolist() == [True] * 4 + [False]

    def test_numbers_that_read_alike_are_refused(self):
        """A float32 0.1 and a float 0.1 differ in Python but print alike."""
        with pytest.raises(InputError, match=r"different numbers that read alike"):
            tags_from_values(np.array([np.float32(0.1), 0.1], dtype=object))

    @settings(max_examples=150)
    @given(st.lists(st.one_of(st.none(), numbers, texts), max_size=20))
    def test_any_mix(self, cells):
        """Any mix of int, float, text and None: an InputError naming the column
        when numbers and text values meet, otherwise the reference tags, one
        row per cell in order, the input untouched."""
        before = copy.deepcopy(cells)
        ref = [ref_values(c) for c in cells]
        has_number = any(not isinstance(c, str) and not is_missing(c) for c in cells)
        has_text = any(
            isinstance(c, str) and r for c, r in zip(cells, ref, strict=True)
        )
        if has_number and has_text:
            with pytest.raises(InputError, match=r"mixes numbers and text") as e:
                tags_from_values(cells)
            assert e.value.field == "column"
            return
        t = tags_from_values(cells)
        assert len(t) == len(cells) and tag_sets(t) == ref
        found = set().union(*ref)
        # text: numbers written as text first, by value (audit 36)
        order = sorted(found, key=float) if has_number else sorted_names(found)
        assert t.names == tuple(order)
        assert [repr(c) for c in cells] == [repr(c) for c in before]


# --------------------------------------------------------------------------
# 2. whole-number floats and nullable integers
# --------------------------------------------------------------------------


class TestWholeNumbers:
    """Whole numbers are written as integers, so integer keys match (audit #2)."""

    def test_audit_example(self):
        """Int64 with NA and float64 with NaN: tags 1 and 2, and {1: ...} matches."""
        for col in (
            pd.Series([1, None, 2], dtype="Int64"),
            pd.Series([1, None, 2]),
        ):
            t = tags_from_values(col, {1: "one", 2: "two"})
            assert t.matrix.tolist() == [[True, False], [False, False], [False, True]]
            assert tags_from_values(col).names == ("1", "2")

    @settings(max_examples=100)
    @given(
        st.lists(st.one_of(st.none(), st.integers(-50, 10**6)), max_size=25),
        st.sampled_from(["float64", "Int64", "Float64", "object-float", "list"]),
    )
    def test_any_whole_column_with_gaps(self, ints, how):
        """Any whole-number column with gaps (float with NaN, nullable Int64 or
        Float64, Python floats): values as integers in numeric order, and a
        mapping keyed by the integers covers every known cell."""
        floats = [np.nan if x is None else float(x) for x in ints]
        col = {
            "float64": lambda: pd.Series(floats, dtype="float64"),
            "Int64": lambda: pd.Series(ints, dtype="Int64"),
            "Float64": lambda: pd.Series(ints, dtype="Float64"),
            "object-float": lambda: np.array(floats, dtype=object),
            "list": lambda: floats,
        }[how]()
        known = sorted({x for x in ints if x is not None})
        t = tags_from_values(col, prefix="c")
        assert t.names == tuple(f"c{x}" for x in known)
        m = tags_from_values(col, {x: f"t{x}" for x in known}, unmapped="raise")
        assert tag_sets(m) == [set() if x is None else {f"t{x}"} for x in ints]


# --------------------------------------------------------------------------
# 3. containers in cells
# --------------------------------------------------------------------------


class TestContainerCells:
    """Lists, tuples, sets and dicts in cells are refused (audit #3)."""

    def test_audit_example(self):
        """[["tea", "yoga"], ["yoga"]]: an InputError saying how to fix it."""
        with pytest.raises(InputError, match=r"'column' has list cells") as e:
            tags_from_values([["tea", "yoga"], ["yoga"]])
        assert e.value.first_row == 0 and e.value.n_rows == 2
        assert "join the values with a separator" in e.value.fix

    @settings(max_examples=80)
    @given(
        st.lists(st.text(st.sampled_from("ab ,"), max_size=4), max_size=8),
        st.data(),
        st.sampled_from([list, tuple, set, frozenset, dict, np.array]),
    )
    def test_any_container(self, cells, data, kind):
        """One container cell anywhere among text: refused at its row."""
        at = data.draw(st.integers(0, len(cells)))
        items = data.draw(st.lists(st.sampled_from(["tea", "yoga"]), max_size=3))
        box = dict.fromkeys(items, 1) if kind is dict else kind(items)
        column = pd.Series([*cells[:at], box, *cells[at:]], dtype=object)
        with pytest.raises(InputError, match=r"cells .*one text or number") as e:
            tags_from_values(column)
        assert e.value.field == "column" and e.value.first_row == at


# --------------------------------------------------------------------------
# 14. placeholders alone or among other values
# --------------------------------------------------------------------------


class TestPlaceholders:
    """A placeholder is missing wherever it stands in a cell (audit #14)."""

    def test_audit_example(self):
        """未知 and none give no tag, alone or next to tea / yoga."""
        t = tags_from_values(["未知", "tea,未知", "none", "none|yoga"])
        assert t.names == ("tea", "yoga")
        assert tag_sets(t) == [set(), {"tea"}, set(), {"yoga"}]

    def test_placeholders_can_be_values(self):
        """placeholders=() keeps a product called NA; a custom list is used."""
        t = tags_from_values(["NA", "tea,NA", "保密"], placeholders=())
        assert t.names == ("NA", "tea", "保密")
        t = tags_from_values(["NA", "tea,保密"], placeholders=["保密"])
        assert tag_sets(t) == [{"NA"}, {"tea"}]

    @settings(max_examples=100)
    @given(
        st.sampled_from(PLACEHOLDERS),
        st.sampled_from(["", " ", "\u3000"]),
        st.booleans(),
        st.text(st.sampled_from("abc"), min_size=1, max_size=4),
        st.sampled_from(SEPS),
    )
    def test_any_placeholder_anywhere(self, holder, pad, upper, value, sep):
        """Any placeholder, in any case of A-Z and with blanks, first, last or
        alone in a cell: no tag; the other value keeps its tag."""
        p = pad + (holder.upper() if upper else holder) + pad
        t = tags_from_values([p, f"{value}{sep}{p}", f"{p}{sep}{value}"])
        assert t.names == (value,)
        assert tag_sets(t) == [set(), {value}, {value}]


# --------------------------------------------------------------------------
# 15. mapping keys that can never match
# --------------------------------------------------------------------------


class TestMappingKeys:
    """A mapping key that can never match is refused (audit #15)."""

    def test_audit_example(self):
        """{"A,B": ...}: a ThresholdError naming the key and the separator."""
        for unmapped in ("ignore", "raise"):
            with pytest.raises(
                ThresholdError, match=r"key 'A,B' holds the separator ','"
            ):
                tags_from_values(
                    ["A,B", "C"], {"A,B": "ab", "C": "c"}, unmapped=unmapped
                )

    @settings(max_examples=100)
    @given(
        st.text(st.sampled_from("ab x"), max_size=3),
        st.text(st.sampled_from("ab x"), max_size=3),
        st.one_of(st.sampled_from(SEPS), st.sampled_from(["/", "\t", "--"])),
    )
    def test_any_separator_in_a_key(self, left, right, sep):
        """Any key holding any of the separators (default or custom)."""
        key = left + sep + right
        seps = SEPS if sep in SEPS else (",", sep)
        with pytest.raises(ThresholdError, match=r"never matches") as e:
            tags_from_values(["a"], {key: "t"}, sep=seps)
        assert repr(key) in str(e.value)

    @pytest.mark.parametrize(
        ("mapping", "message"),
        [
            ({1: "a", "1": "b"}, r"keys 1 and '1' read alike"),
            ({" a": "a"}, r"key ' a' never matches: values are stripped"),
            ({"": "a"}, r"key '' never matches: blank"),
            ({"未知": "a"}, r"key '未知' never matches: it is a placeholder"),
            ({float("nan"): "a"}, r"key nan never matches: missing"),
            ({True: "a"}, r"keys must be text or numbers: got bool"),
            ({"a": None}, r"must be a tag name \(text\): got NoneType"),
        ],
    )
    def test_other_keys_that_never_match(self, mapping, message):
        """Keys that read alike, blank or padded keys, placeholders, NaN, bools."""
        with pytest.raises(ThresholdError, match=message):
            tags_from_values(["a"], mapping)


# --------------------------------------------------------------------------
# 6 and 16. group_summary names
# --------------------------------------------------------------------------


class TestSummaryNames:
    """group_summary never lets two columns or rows share a name (#6, #16)."""

    def test_audit_example_facts(self):
        """Fact columns 1 and "1": an InputError naming the clash, none dropped."""
        facts = pd.DataFrame({1: [100.0, 200.0], "1": [1.0, 2.0]})
        with pytest.raises(InputError, match=r"columns 1 and '1', whose names read"):
            group_summary(TagMatrix(("vip",), [[1], [0]]), facts)

    @settings(max_examples=60)
    @given(
        st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
        st.booleans(),
    )
    def test_any_names_that_read_alike(self, key, as_frame):
        """Any name and its text, in a DataFrame or a mapping: refused when the
        names as the facts hold them read alike, else both columns summarised
        (pandas turns a None column name into NaN, which reads 'nan')."""
        cols = {key: [1.0, 2.0], str(key): [3.0, 4.0]}
        facts = pd.DataFrame(cols) if as_frame else cols
        names = [str(c) for c in (facts.columns if as_frame else facts)]
        tags = TagMatrix(("a",), [[1], [0]])
        if len(set(names)) < len(names):
            with pytest.raises(InputError, match=r"whose names read alike") as e:
                group_summary(tags, facts)
            assert e.value.field == "facts"
        else:
            s = group_summary(tags, facts)
            assert [s.totals[n][-1] for n in names] == [3.0, 7.0]

    def test_repeated_column(self):
        """A DataFrame with the same column twice is refused too."""
        facts = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["m", "m"])
        with pytest.raises(InputError, match=r"'facts' repeats the column 'm'"):
            group_summary(TagMatrix(("a",), [[1], [0]]), facts)

    def test_audit_example_total(self):
        """A tag named "(all)": refused, and total= renames the last row."""
        t = TagMatrix(("(all)",), [[1], [0]])
        with pytest.raises(ThresholdError, match=r"'total' must differ from the tag"):
            group_summary(t, {"m": [1.0, 2.0]})
        s = group_summary(t, {"m": [1.0, 2.0]}, total="everyone")
        assert s.names == ("(all)", "everyone") and s.customers.tolist() == [1, 2]

    @settings(max_examples=40)
    @given(
        st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4, unique=True),
        st.data(),
    )
    def test_any_tag_named_like_the_total(self, names, data):
        """Whatever the tags and the total, a clash is refused, else one row
        each; a total that is no label name (blank, a control character) is
        refused as a rules file refuses it (audit 31)."""
        from custseg._validate import label_problem

        total = data.draw(st.one_of(st.sampled_from(names), st.text(max_size=5)))
        t = TagMatrix(tuple(names), np.ones((2, len(names)), dtype=bool))
        problem = label_problem(total, "'total'")
        if problem is not None:
            with pytest.raises(ThresholdError, match=re.escape(problem[0])):
                group_summary(t, total=total)
        elif total in names:
            with pytest.raises(ThresholdError, match=r"'total' must differ"):
                group_summary(t, total=total)
        else:
            df = group_summary(t, total=total).to_pandas()
            assert df.index.is_unique and df.index[-1] == total


# --------------------------------------------------------------------------
# 11 and 18. tag matrices and their names
# --------------------------------------------------------------------------


class TestMatrixShapes:
    """A ragged matrix is an InputError (audit #11)."""

    def test_audit_example(self):
        """TagMatrix(("a", "b"), [[1], [1, 0]]): the shape InputError."""
        with pytest.raises(InputError, match=r"'matrix' must be a 2-D array with one"):
            TagMatrix(("a", "b"), [[1], [1, 0]])

    @settings(max_examples=80)
    @given(
        st.lists(
            st.lists(st.sampled_from([0, 1, True, False]), max_size=4),
            min_size=2,
            max_size=6,
        ).filter(lambda rows: len({len(r) for r in rows}) > 1),
        st.integers(1, 4),
    )
    def test_any_ragged_rows(self, rows, n_tags):
        """Rows of different lengths, in TagMatrix and combine_tags pairs."""
        names = tuple(f"t{j}" for j in range(n_tags))
        with pytest.raises(InputError, match=r"one column per tag") as e:
            TagMatrix(names, rows)
        assert e.value.field == "matrix"
        with pytest.raises(InputError, match=r"one column per tag") as e:
            combine_tags((names, rows))
        assert e.value.field == "tags[0]"


class TestCombineNames:
    """A plain string is no sequence of names (audit #18, combine_tags)."""

    def test_audit_example(self):
        """combine_tags(("ab", ...)) is refused like TagMatrix(names="ab")."""
        with pytest.raises(ThresholdError, match=r"must be a sequence of names"):
            TagMatrix("ab", [[1, 0], [0, 1]])
        with pytest.raises(
            ThresholdError, match=r"'tags\[1\] names' must be a sequence of names"
        ):
            combine_tags(TagMatrix(("x",), [[1], [0]]), ("ab", [[1, 0], [0, 1]]))

    @settings(max_examples=40)
    @given(st.text(min_size=1, max_size=6))
    def test_any_string(self, text):
        """Any string as the names of a pair, whatever its length."""
        with pytest.raises(ThresholdError, match=r"must be a sequence of names"):
            combine_tags((text, np.ones((2, len(text)), dtype=bool)))
