"""Audit 31, tags and groups: each finding's class, and its example.

1. ``combine_tags`` gave a source without customer ids the ids of another
   source by position (which got around ``group_summary``'s refusal: tea
   1007.0 instead of 1150.0).
2. Ids given as lists or tuples were compared after ``np.asarray``: the id
   ``1`` and the text ``"1"`` were one customer, and so were ``2**53 + 1``
   and ``2**53`` beside a float.
3. ``TagMatrix(index=...)`` took a 2-D array or a DataFrame of ids: its ids
   became tuples ``('c1',)`` that joined onto nobody.
4. ``own_index`` kept the caller's Series: editing it later changed the ids
   of a frozen result (a TagMatrix, Labels).
5. A tuple of tag matrices (``group_sizes((a, b))``) and ``list(t)`` gave a
   bare ``KeyError: 0``.
6. ``TagMatrix(names, frame, index=frame['customer_id'])`` advised
   ``matrix.reindex(index)``, which finds no id among row numbers.
7. Float tag columns of exact 0/1 were refused; with NaN the advice
   ``.astype(bool)`` made every missing customer tagged.
8. ``combine_tags``' row-numbers error named the field "the sources before
   it" and gave fixes that cannot run (``tags[1].set_axis``).
9. ``life_stage_tags`` refused a sex value in another Unicode form (NFD),
   showing two identical-looking words.
10. A categorical class with blanks at its ends got no mapped tag and no
    warning.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.groups import (
    LifeStageWindows,
    TagMatrix,
    combine_tags,
    group_overlaps,
    group_sizes,
    group_summary,
    life_stage_tags,
    tags_from_values,
)
from custseg.labels import Labels

FAST = settings(max_examples=30, deadline=None)

_TAG_RULES = """
format = 1
[fields]
monetary = { type = "number" }
[tags.value]
rules = [ { tag = "big", when = "monetary >= 1000" } ]
"""


def _ids(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


# --------------------------------------------------------------------------
# 1. a source without ids beside one on customer ids


class TestPositionalBesideIds:
    @FAST
    @given(
        n=st.integers(2, 8),
        seed=st.integers(0, 2**32 - 1),
        named=st.booleans(),
        first=st.booleans(),
    )
    def test_refused_in_either_order(self, n, seed, named, first):
        """Rows by position beside a source on ids: refused, naming the
        source without ids, whichever comes first."""
        rng = np.random.default_rng(seed)
        ids = pd.Index(_ids(n), name="customer_id" if named else None)
        keyed = TagMatrix(("vip",), rng.random((n, 1)) < 0.5, index=ids)
        loose = TagMatrix(("tea",), rng.random((n, 1)) < 0.5)  # no ids
        sources = (keyed, loose) if first else (loose, keyed)
        which = "tags[1]" if first else "tags[0]"
        with pytest.raises(
            InputError, match=rf"'{re.escape(which)}' has no customer ids"
        ):
            combine_tags(*sources)
        pair = (("tea2",), loose.matrix)  # a (names, matrix) pair: no ids either
        with pytest.raises(
            InputError, match=rf"'{re.escape(which)}' has no customer ids"
        ):
            combine_tags(*((keyed, pair) if first else (pair, keyed)))

    @FAST
    @given(n=st.integers(2, 8), seed=st.integers(0, 2**32 - 1))
    def test_positional_beside_positional_or_row_numbers(self, n, seed):
        """Sources that are all by position (or on row numbers) pair by
        position, as before."""
        rng = np.random.default_rng(seed)
        a = rng.random((n, 1)) < 0.5
        b = rng.random((n, 1)) < 0.5
        t = combine_tags(TagMatrix(("a",), a), (("b",), b))
        assert t.matrix.tolist() == np.hstack([a, b]).tolist()
        frame = pd.DataFrame({"b": b[:, 0]})  # a RangeIndex
        t = combine_tags(TagMatrix(("a",), a), (("b",), frame))
        assert t.to_pandas().index.equals(pd.RangeIndex(n))

    @FAST
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
    def test_rules_result_beside_positional(self, seed, n):
        """A rules result evaluated on a frame indexed by customer id beside
        tags made from a list: refused."""
        rng = np.random.default_rng(seed)
        facts = pd.DataFrame(
            {"monetary": rng.integers(0, 2000, n).astype(float)},
            index=pd.Index(_ids(n), name="customer_id"),
        )
        res = rules.loads(_TAG_RULES).evaluate(facts)
        hobby = tags_from_values(rng.choice(["tea", "yoga"], n).tolist())
        for sources in ((res, hobby), (hobby, res)):
            with pytest.raises(InputError, match="has no customer ids"):
                combine_tags(*sources)

    def test_one_customer(self):
        """One customer: no order to get wrong; accepted."""
        t = combine_tags(TagMatrix(("a",), [[1]], index=["c1"]), (("b",), [[0]]))
        assert list(t.index) == ["c1"]

    def test_worked_example_tea(self):
        """The finding: tea 1007.0 instead of 1150.0 through combine_tags."""
        tx = pd.DataFrame(
            {
                "customer_id": ["b", "b", "a", "c"],
                "date": pd.to_datetime(
                    ["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01"]
                ),
                "amount": [100.0, 50.0, 7.0, 1000.0],
            }
        )
        facts = custseg.summarize(
            tx.customer_id, tx.date, tx.amount, as_of="2024-04-01"
        )
        people = pd.DataFrame(
            {"customer_id": ["c", "a", "b"], "interest": ["tea", "yoga", "tea"]}
        )
        hobby = tags_from_values(people["interest"].tolist())
        big = TagMatrix(
            ("big",),
            (facts.to_pandas()[["monetary"]] >= 1000).to_numpy(),
            index=facts.customer_id,
        )
        with pytest.raises(InputError, match=r"'tags\[1\]' has no customer ids") as e:
            combine_tags(big, hobby)
        assert "TagMatrix(t.names, t.matrix, index=ids)" in str(e.value)
        # with its ids, the truth
        hobby = tags_from_values(people.set_index("customer_id")["interest"])
        hobby = TagMatrix(hobby.names, hobby.to_pandas().reindex(facts.customer_id))
        out = group_summary(combine_tags(big, hobby), facts).to_pandas()
        assert out.loc["tea", "monetary_total"] == 1150.0
        assert out.loc["yoga", "monetary_total"] == 7.0


# --------------------------------------------------------------------------
# 2. ids in lists compared as ids


class TestIdsComparedAsIds:
    @FAST
    @given(
        st.lists(st.integers(-3, 12), min_size=2, max_size=5, unique=True), st.data()
    )
    def test_same_only_when_the_same_ids(self, numbers, data):
        """Two sources on lists of ids are paired only when they hold the
        same ids: the id 1 is not the text "1", as in pandas Indexes."""
        n = len(numbers)
        flags = st.lists(st.booleans(), min_size=n, max_size=n)
        as_text_a, as_text_b = data.draw(flags), data.draw(flags)
        a = [str(x) if t else x for x, t in zip(numbers, as_text_a, strict=True)]
        b = [str(x) if t else x for x, t in zip(numbers, as_text_b, strict=True)]
        same = as_text_a == as_text_b
        x = TagMatrix(("x",), [[True]] * n, index=a)
        y = TagMatrix(("y",), [[False]] * n, index=b)
        if same:
            assert combine_tags(x, y).names == ("x", "y")
        else:
            with pytest.raises(InputError, match="different index"):
                combine_tags(x, y)
        facts = pd.DataFrame(
            {"m": [1.0] * n}, index=pd.Index(b, dtype=object, name="cid")
        )
        if same:
            assert group_summary(x, facts).to_pandas()["customers"].iloc[-1] == n
        else:
            with pytest.raises(InputError, match="index"):
                group_summary(x, facts)

    @FAST
    @given(st.integers(1, 2**20), st.sampled_from([0.5, 2.5, -1.5]))
    def test_big_integers_beside_a_float(self, k, other):
        """2**53 + k (k odd) is not the float 2**53 + k - 1 it would become."""
        big = 2**53 + 2 * k - 1  # odd: no float64 holds it
        x = TagMatrix(("x",), [[True], [False]], index=[big, other])
        y = TagMatrix(("y",), [[False], [True]], index=[big - 1, other])
        with pytest.raises(InputError, match="different index"):
            combine_tags(x, y)
        twin = TagMatrix(("y",), [[False], [True]], index=[big, other])
        assert combine_tags(x, twin).index[0] == big

    def test_worked_example(self):
        """The finding's three calls."""
        a = TagMatrix(("x",), [[True], [False]], index=["a", 1])
        b = TagMatrix(("y",), [[False], [True]], index=["a", "1"])
        with pytest.raises(InputError, match="different index"):
            combine_tags(a, b)
        c = TagMatrix(("x",), [[True], [False]], index=[2**53 + 1, 0.5])
        d = TagMatrix(("y",), [[False], [True]], index=[2**53, 0.5])
        with pytest.raises(InputError, match="different index"):
            combine_tags(c, d)
        facts = pd.DataFrame({"m": [1.0, 2.0]}, index=pd.Index(["a", "1"], name="cid"))
        with pytest.raises(InputError, match="different index"):
            group_summary(a, facts)


# --------------------------------------------------------------------------
# 3. ids one per row


def _tables(n: int, k: int) -> list[object]:
    values = np.array([[f"c{i}_{j}" for j in range(k)] for i in range(n)], dtype=object)
    frame = pd.DataFrame(values, columns=[f"col{j}" for j in range(k)])
    return [values, values.astype(str), frame, values.tolist()]


class TestIdsOnePerRow:
    @FAST
    @given(n=st.integers(1, 5), k=st.integers(1, 3), which=st.integers(0, 3))
    def test_tables_refused(self, n, k, which):
        """A 2-D array, a DataFrame or a list of rows as index=: refused,
        naming 'index', in TagMatrix and Labels alike."""
        ids = _tables(n, k)[which]
        with pytest.raises(ThresholdError, match=r"'index' must be one id per row"):
            TagMatrix(("vip",), [[True]] * n, index=ids)
        with pytest.raises(ThresholdError, match=r"'index' must be one id per row"):
            Labels(np.zeros(n, np.int8), ("a",), index=ids)

    @FAST
    @given(n=st.integers(1, 5))
    def test_one_column_accepted(self, n):
        """One id per row, however given, joins back onto the frame."""
        df = pd.DataFrame(
            {"customer_id": _ids(n), "monetary": np.arange(n, dtype=float)}
        )
        for ids in (df["customer_id"], df["customer_id"].to_numpy(), _ids(n)):
            t = TagMatrix(("vip",), [[True]] * n, index=ids)
            joined = t.to_pandas().join(df.set_index("customer_id")["monetary"])
            assert joined["monetary"].tolist() == list(range(n))

    def test_worked_example(self):
        """The finding's frames: no tuples ('c1',), an error at once."""
        df = pd.DataFrame(
            {"customer_id": ["c1", "c2", "c3"], "vip": [True, False, True]}
        )
        for ids in (df[["customer_id"]].to_numpy(), df[["customer_id"]]):
            with pytest.raises(ThresholdError, match=r"shape \(3, 1\)"):
                TagMatrix(("vip",), df[["vip"]].to_numpy(), index=ids)
        with pytest.raises(ThresholdError, match=r"MultiIndex\.from_frame"):
            TagMatrix(
                ("vip",),
                [[True], [False]],
                index=pd.DataFrame({"region": [1, 2], "cid": [3, 4]}),
            )


# --------------------------------------------------------------------------
# 4. a result's ids are its own


def _containers(ids: list[str]) -> dict[str, object]:
    return {
        "series": pd.Series(ids, name="customer_id"),
        "index": pd.Index(ids, name="customer_id"),
        "array": np.array(ids, dtype=object),
        "pandas array": pd.array(ids, dtype="string"),
        "categorical series": pd.Series(ids, dtype="category", name="customer_id"),
    }


def _edit(kind: str, ids: object) -> None:
    """The caller edits its own ids after the result is built."""
    if kind == "index":
        ids.name = "edited"  # an Index's values are immutable; its name is not
    elif kind == "categorical series":
        ids.iloc[0] = ids.iloc[-1]
        ids.name = "edited"
    elif kind == "series":
        ids.iloc[0] = "zzz"
        ids.name = "edited"
    else:
        ids[0] = "zzz"


class TestOwnIds:
    @FAST
    @given(
        n=st.integers(2, 6),
        kind=st.sampled_from(
            ["series", "index", "array", "pandas array", "categorical series"]
        ),
        result=st.sampled_from(["tags", "labels"]),
    )
    def test_later_edits_change_no_result(self, n, kind, result):
        """Editing the Series, Index, array or pandas array the ids came from
        never changes a TagMatrix's or Labels' ids (values or name)."""
        ids = _containers(_ids(n))[kind]
        if result == "tags":
            made = TagMatrix(("vip",), [[True]] * n, index=ids)
        else:
            made = Labels(np.zeros(n, np.int8), ("a",), index=ids)
        before = made.to_pandas().index.copy()
        _edit(kind, ids)
        after = made.to_pandas().index
        assert after.tolist() == before.tolist()
        assert after.name == before.name
        assert not hasattr(made.index, "iloc")  # an Index, not the Series

    @FAST
    @given(n=st.integers(1, 5), through=st.sampled_from(["frame", "series", "labels"]))
    def test_index_of_a_pandas_matrix(self, n, through):
        """The index taken from a pandas matrix (or Series) is the result's
        own too: renaming the frame's index later renames nothing."""
        ids = pd.Index(_ids(n), name="customer_id")
        if through == "labels":
            column = pd.Series(["a"] * n, index=ids)
            made = Labels.from_names(column, ("a",))
            owner = column
        else:
            frame = pd.DataFrame({"vip": [True] * n}, index=ids)
            owner = frame if through == "frame" else frame["vip"]
            made = TagMatrix(("vip",), owner)
        owner.index.name = "edited"
        assert made.to_pandas().index.name == "customer_id"

    def test_worked_example(self):
        """The finding: ids.iloc[0] = 'zzz' renamed the frozen matrix's customer."""
        ids = pd.Series(["a", "b", "c"], name="customer_id")
        t = TagMatrix(("vip",), [[True], [False], [True]], index=ids)
        assert type(t.index).__name__ == "Index"
        ids.iloc[0] = "zzz"
        assert list(t.to_pandas().index) == ["a", "b", "c"]
        assert t.to_pandas().index.name == "customer_id"


# --------------------------------------------------------------------------
# 5. several sources in one argument


class TestSeveralSourcesInOne:
    @FAST
    @given(k=st.integers(2, 4), as_list=st.booleans())
    def test_refused_with_the_fix(self, k, as_list):
        """A tuple or list of tag matrices: an InputError saying to pass them
        as separate arguments, from every function that takes tags."""
        parts = [TagMatrix((f"t{j}",), [[True], [False]]) for j in range(k)]
        bundle = parts if as_list else tuple(parts)
        for call in (group_sizes, group_overlaps, group_summary, combine_tags):
            with pytest.raises(InputError, match="separate arguments"):
                call(bundle)
        assert combine_tags(*parts).names == tuple(f"t{j}" for j in range(k))

    def test_worked_example(self):
        """list(t) and TagMatrix(names, t): clear errors, no KeyError 0."""
        a = TagMatrix(("vip",), [[True], [False]])
        b = TagMatrix(("mother",), [[True], [True]])
        with pytest.raises(InputError, match=r"combine_tags\(a, b\)"):
            group_sizes((a, b))
        with pytest.raises(TypeError, match="not iterable"):
            list(a)
        with pytest.raises(InputError, match=r"'matrix' is a TagMatrix.*\.matrix"):
            TagMatrix(("key",), a)
        assert TagMatrix(("key",), a.matrix, index=a.index).sizes() == {"key": 1}


# --------------------------------------------------------------------------
# 6. and 8. row numbers beside ids: fixes that run


class TestRowNumbersMessages:
    @FAST
    @given(n=st.integers(2, 6), named=st.booleans(), seed=st.integers(0, 2**32 - 1))
    def test_matrix_on_row_numbers_with_ids(self, n, named, seed):
        """A frame on row numbers with index= its id column (a Series, named
        or not, or an Index): the row-numbers message, never a reindex."""
        rng = np.random.default_rng(seed)
        ids = pd.Series(rng.permutation(_ids(n)), name="customer_id" if named else None)
        frame = pd.DataFrame({"vip": rng.random(n) < 0.5})
        for index in (ids, pd.Index(ids)):
            with pytest.raises(InputError, match="indexed by row numbers") as e:
                TagMatrix(("vip",), frame, index=index)
            assert "reindex" not in str(e.value)

    @FAST
    @given(n=st.integers(2, 6), first=st.booleans())
    def test_combine_names_the_source(self, n, first):
        """combine_tags' row-numbers error names the source (tags[k]) and
        gives a fix a tag source has."""
        rows = tags_from_values(pd.Series(["tea"] * n))  # a RangeIndex
        keyed = TagMatrix(
            ("vip",), [[True]] * n, index=pd.Index(_ids(n), name="customer_id")
        )
        sources = (rows, keyed) if first else (keyed, rows)
        which = "tags[0]" if first else "tags[1]"
        with pytest.raises(
            InputError, match=rf"'{re.escape(which)}' is indexed by row"
        ) as e:
            combine_tags(*sources)
        text = str(e.value)
        assert "the sources before it" not in text
        assert "set_axis" not in text
        assert "NumPy arrays" not in text
        assert "TagMatrix(t.names, t.matrix, index=ids)" in text

    def test_worked_examples(self):
        """The findings' files: a Series of ids; tags[0] named."""
        df = pd.read_csv(io.StringIO("customer_id,vip,mother\nc,1,0\na,0,1\nb,1,1\n"))
        with pytest.raises(InputError, match="'matrix' is indexed by row numbers"):
            TagMatrix(("vip", "mother"), df, index=df["customer_id"])
        people = pd.read_csv(
            io.StringIO("customer_id,interest\nc,tea\na,yoga\nb,tea\n")
        )
        hobby = tags_from_values(people["interest"])
        key = TagMatrix(
            ("vip",),
            [[True], [False], [True]],
            index=pd.Index(["a", "b", "c"], name="customer_id"),
        )
        with pytest.raises(InputError, match=r"^'tags\[0\]' is indexed by row numbers"):
            combine_tags(hobby, key)


# --------------------------------------------------------------------------
# 7. float tag columns


class TestFloatTags:
    @FAST
    @given(
        st.lists(
            st.lists(st.booleans(), min_size=2, max_size=2), min_size=1, max_size=6
        )
    )
    def test_exact_zero_one_floats(self, rows):
        """Floats that are all exactly 0 or 1 are the tags they say."""
        flags = np.array(rows, dtype=bool)
        t = TagMatrix(("a", "b"), flags.astype(np.float64))
        assert t.matrix.tolist() == flags.tolist()
        frame = pd.DataFrame(flags.astype(np.float32), columns=["a", "b"])
        assert TagMatrix(("a", "b"), frame).matrix.tolist() == flags.tolist()

    @FAST
    @given(
        st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=1, max_size=6).filter(
            lambda xs: any(x != x for x in xs)
        )
    )
    def test_missing_floats(self, column):
        """NaN among float flags: the missing-values message, not .astype(bool)."""
        with pytest.raises(InputError, match="missing values") as e:
            TagMatrix(("vip",), pd.DataFrame({"vip": column}))
        assert "astype(bool)" not in str(e.value)

    def test_worked_example(self):
        """The finding's CSV: a blank, then fillna(0)."""
        df = pd.read_csv(
            io.StringIO("customer_id,vip\nc1,1\nc2,\nc3,0\n"), index_col="customer_id"
        )
        with pytest.raises(InputError, match="fillna"):
            TagMatrix(("vip",), df)
        t = TagMatrix(("vip",), df.fillna(0))
        assert t.to_pandas()["vip"].tolist() == [True, False, False]
        with pytest.raises(InputError, match=r"0\.5 among its values"):
            TagMatrix(("vip",), [[0.5]])


# --------------------------------------------------------------------------
# 9. sex values in another Unicode form


_ACCENTED = st.sampled_from(["garçon", "fille", "niño", "niña", "männlich", "Junge"])


class TestSexUnicodeForms:
    @FAST
    @given(
        boy=_ACCENTED,
        girl=_ACCENTED,
        forms=st.lists(st.sampled_from(["NFC", "NFD"]), min_size=3, max_size=3),
        case=st.booleans(),
    )
    def test_forms_alike(self, boy, girl, forms, case):
        """A sex value (and a window value) in either Unicode form is one
        value, as tags_from_values compares them."""
        assume(boy != girl)
        w = LifeStageWindows(
            boy_values=(unicodedata.normalize(forms[0], boy),),
            girl_values=(unicodedata.normalize(forms[1], girl),),
        )
        boy_cell = unicodedata.normalize(forms[2], boy.upper() if case else boy)
        sex = [boy_cell, girl, None]
        t = life_stage_tags(as_of="2024-06-01", baby_sex=sex, windows=w)
        assert t["boy"].tolist() == [True, False, False]
        assert t["girl"].tolist() == [False, True, False]

    def test_worked_example(self):
        """The finding: NFD garçon refused as neither boy nor girl."""
        w = LifeStageWindows(boy_values=("garçon",), girl_values=("fille",))
        sex = [unicodedata.normalize("NFD", "garçon"), "fille"]
        t = life_stage_tags(as_of="2024-06-01", baby_sex=sex, windows=w)
        assert t.sizes() == {"boy": 1, "girl": 1}
        with pytest.raises(InputError, match="neither a boy nor a girl"):
            life_stage_tags(as_of="2024-06-01", baby_sex=["garcon"], windows=w)


# --------------------------------------------------------------------------
# 10. categorical classes with blanks at their ends


class TestCategoryBlanks:
    @FAST
    @given(
        name=st.sampled_from(["A产品", "B产品", "vip"]),
        blank=st.sampled_from([" ", "\u3000", "\t", "\u00a0"]),
        end=st.sampled_from(["left", "right", "both"]),
    )
    def test_warned(self, name, blank, end):
        """A class that is a key but for blanks at its ends: warned about,
        never left untagged unseen."""
        cls = {
            "left": blank + name,
            "right": name + blank,
            "both": blank + name + blank,
        }[end]
        column = pd.Series([cls, "other"], dtype="category")
        with pytest.warns(CustsegWarning, match="rename_categories"):
            t = tags_from_values(column, {name: "tag"})
        assert t.sizes() == {"tag": 0}

    def test_clean_classes_not_warned(self):
        """Classes written as the keys: no warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            t = tags_from_values(
                pd.Series(["A产品", "B"], dtype="category"), {"A产品": "a"}
            )
        assert t.sizes() == {"a": 1}

    def test_worked_example(self):
        """The finding's CSV: 'A产品 ' as a category."""
        df = pd.read_csv(
            io.StringIO("cid,interest\nc1,A产品 \nc2,B产品\n"),
            dtype={"interest": "category"},
        )
        m = {"A产品": "意向A产品", "B产品": "意向B产品"}
        with pytest.warns(CustsegWarning, match="'A产品 '"):
            tags_from_values(df["interest"], m)
