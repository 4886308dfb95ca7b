"""Tests for custseg.profile: profile completeness (客户档案).

Reference rule: a value is missing when it is None / NaN / pd.NA / NaT, or
text that is blank once stripped (Python's ``str.strip``) or, stripped and with
A-Z lowered, one of the placeholders. Score = (w_hard * filled share of hard
fields + w_soft * filled share of soft fields) / (w_hard + w_soft).
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd

try:  # the Arrow-backed dtypes are tested where pyarrow is installed
    import pyarrow as pa
except ImportError:  # pragma: no cover - the parquet extra installs it
    pa = None
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._display import INVISIBLE
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels
from custseg.profile import (
    HARD_FIELDS,
    PLACEHOLDERS,
    SOFT_FIELDS,
    ProfileCompleteness,
    ProfileSchema,
    profile_completeness,
)


def _blank(c: str) -> bool:
    """Whitespace, or a character that shows nothing (the documented set)."""
    return c.isspace() or ord(c) in INVISIBLE


def fold(text: str) -> str:
    """Stripped of whitespace and invisible characters, full-width ASCII
    (U+FF01..U+FF5E) narrowed, A-Z lowered (other characters as they are)."""
    start, end = 0, len(text)
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    narrow = (
        chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c
        for c in text[start:end]
    )
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in narrow)


def ref_missing(value, placeholders=PLACEHOLDERS) -> bool:
    """The scalar rule for one value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    if isinstance(value, np.datetime64) and np.isnat(value):
        return True
    if isinstance(value, str):
        t = fold(value)
        return t == "" or t in {fold(p) for p in placeholders}
    if isinstance(value, bytes | bytearray):  # not text: empty, or a value
        return not value
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return all(ref_missing(x, placeholders) for x in np.ravel(list(value)))
    if isinstance(value, dict):
        return all(ref_missing(x, placeholders) for x in value.values())
    return False


def ref_score(rows, hard, soft, weights=(0.2, 0.8), placeholders=PLACEHOLDERS):
    """Completeness per row of a list of dicts (absent keys are missing)."""
    out = []
    for row in rows:
        parts = []
        for names in (hard, soft):
            filled = [f in row and not ref_missing(row[f], placeholders) for f in names]
            parts.append(sum(filled) / len(names) if names else 0.0)
        total = sum(weights)
        out.append(weights[0] / total * parts[0] + weights[1] / total * parts[1])
    return out


SPACES = [" ", "\t", "\n", "\u3000", "\xa0", "\x1c", "\u2028", "\x85"]
holders = st.sampled_from([*PLACEHOLDERS, "N/A", "NULL", "Unknown", "nOnE", "nan"])
padded = st.builds(
    lambda a, p, b: a + p + b,
    st.text(st.sampled_from(SPACES), max_size=3),
    holders,
    st.text(st.sampled_from(SPACES), max_size=3),
)
values = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(pd.NA),
    st.just(pd.NaT),
    st.integers(-5, 5),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    holders,
    padded,
    st.text(max_size=12),
    st.text(st.sampled_from([*SPACES, "a", "未", "知", "N", "/", "-"]), max_size=10),
)


# --------------------------------------------------------------------------
# what counts as filled
# --------------------------------------------------------------------------


class TestWhatCountsAsFilled:
    """Missing values, blanks and placeholders; everything else is filled."""

    def one(self, values, **kw):
        res = profile_completeness(
            {"x": values}, hard=["x"], soft=[], weights=(1, 0), **kw
        )
        return res.missing[:, 0].tolist()

    def test_default_placeholders_listed(self):
        """The default list is the brief's, in order."""
        assert PLACEHOLDERS == (
            "未知", "不详", "不清楚", "待了解", "不詳", "待瞭解",
            "unknown", "n/a", "na", "none", "null", "nan",
            "?", "？", "－", "无", "無", "-", "--", "_", "__",
        )  # fmt: skip

    def test_every_default_placeholder_is_missing(self):
        """Each default placeholder, upper-cased and padded, is missing."""
        vals = [f" {p.upper()}\u3000" for p in PLACEHOLDERS]
        assert self.one(vals) == [True] * len(vals)

    def test_missing_values_and_blanks(self):
        """None, NaN, pd.NA, NaT, '' and whitespace-only text are missing."""
        vals = [None, float("nan"), pd.NA, pd.NaT, "", "   ", "\u3000\t"]
        assert self.one(vals) == [True] * len(vals)

    def test_lists_keep_each_value(self):
        """A list mixing text and NaN keeps NaN missing (NumPy would write 'nan')."""
        assert self.one(["x", float("nan"), 0]) == [False, True, False]
        assert self.one(("x", float("nan"))) == [False, True]

    def test_numbers_and_booleans_are_filled(self):
        """0, 0.0, False and True count as filled, in object and numeric arrays."""
        assert self.one([0, 0.0, False, True, "x"]) == [False] * 5
        assert self.one(np.array([0, 1])) == [False, False]
        assert self.one(np.array([False, True])) == [False, False]
        assert self.one(np.array([0.0, np.nan])) == [False, True]

    def test_text_that_only_looks_like_a_placeholder_is_filled(self):
        """'无锡' (starts with 无), 'n/a/b' and 'nano' are real values; 'nan'
        (what astype(str) makes of a missing value) is not."""
        assert self.one(["nano", "无锡", "n/a/b", "unknown person", "nan"]) == [
            False
        ] * 4 + [True]

    def test_case_is_ignored_for_ascii_letters_only(self):
        """'UNKNOWN' matches, the Kelvin sign (lower-cases to 'k') does not."""
        assert self.one(["UNKNOWN", "un\u212anown"]) == [True, False]

    def test_custom_placeholders(self):
        """placeholders= replaces the list; () leaves only blanks and missing."""
        assert self.one(["保密", "未知", ""], placeholders=["保密"]) == [
            True,
            False,
            True,
        ]
        assert self.one(["未知", None], placeholders=()) == [False, True]

    def test_dates(self):
        """Dates are filled, NaT missing, also in datetime64 arrays."""
        d = np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")
        assert self.one(d) == [False, True]

    def test_pandas_dtypes(self):
        """str, category, Int64, boolean and Float64 columns: NA is missing."""
        for s in (
            pd.Series(["a", None, " ?"], dtype="str"),
            pd.Series(["a", None, "未知"], dtype="category"),
            pd.Series([0, None, 2], dtype="Int64"),
            pd.Series([False, None, True], dtype="boolean"),
            pd.Series([0.0, None, 1.5], dtype="Float64"),
        ):
            got = self.one(s)
            assert got[1] is True and got[0] is False, s.dtype

    def test_not_utf8_text(self):
        """Lone surrogates are text like any other, in object and str arrays."""
        assert self.one(["\ud800", " ", None]) == [False, True, True]
        assert self.one(np.array(["\ud800", " n/a "])) == [False, True]

    def test_nul_and_odd_values(self):
        """Text ending in NUL is not blank; bytes, lists of values and huge
        ints are values; an empty list is missing (audit 15), and so are
        empty bytes (audit 23: an empty Parquet BINARY cell)."""
        vals = ["\x00", "n/a\x00", b"\xff", b"", [1, 2], [], 10**30, np.str_(" ? ")]
        assert self.one(vals) == [False, False, False, True, False, True, False, True]

    @settings(max_examples=80)
    @given(
        st.lists(
            st.text(
                st.sampled_from([*SPACES, "\x00", "n", "A", "/", "?", "无"]), max_size=6
            ),
            max_size=12,
        ),
        st.sampled_from(["object", "U", "StringDType", "str", "string[python]"]),
    )
    def test_nul_is_never_blank(self, vals, kind):
        """Text holding NUL next to whitespace or a placeholder is filled, in any array."""
        if kind == "object":
            col = np.array(vals, dtype=object)
        elif kind == "U":
            col = np.array(vals, dtype=str) if vals else np.array([], dtype=str)
            vals = col.tolist()  # <U drops trailing NULs: judge what it holds
        elif kind == "StringDType":
            col = np.array(vals, dtype=object).astype(np.dtypes.StringDType())
        else:
            col = pd.Series(vals, dtype=kind)
        assert self.one(col) == [ref_missing(x) for x in vals]

    def test_values_without_len(self):
        """A value whose len() fails (a 0-d array) is judged as text."""
        assert self.one([np.array(5), None, " "]) == [False, True, True]

    def test_long_padded_text(self):
        """Whitespace-only text of any length and padded placeholders are missing."""
        assert self.one([" " * 500, "\u3000" * 30 + "未知" + " " * 40, "x" * 300]) == [
            True,
            True,
            False,
        ]

    def test_values_sharing_a_key(self, monkeypatch):
        """Values whose grouping keys clash are still judged one by one."""
        import custseg.profile as profile

        monkeypatch.setattr(profile, "_KEY_FACTOR", 0)  # key: the last slot only
        vals = ["na", "xa", "未知", "x知", " ", "-", "?", None, "nan", float("nan")]
        assert self.one(vals) == [ref_missing(x) for x in vals]

    @settings(max_examples=150)
    @given(st.lists(values, max_size=30), st.booleans())
    def test_matches_reference(self, vals, as_text):
        """The vectorised rule equals the scalar reference on mixed values."""
        if as_text:
            vals = [x for x in vals if isinstance(x, str)]
            arr = np.array(vals, dtype=str) if vals else np.array([], dtype=str)
            got = self.one(arr)
            vals = arr.tolist()  # <U drops trailing NULs: judge what it holds
        else:
            got = self.one(np.array(vals, dtype=object))
        assert got == [ref_missing(x) for x in vals]

    @settings(max_examples=60)
    @given(
        st.lists(st.text(max_size=8), max_size=20),
        st.lists(
            st.text(st.characters(exclude_characters="\x00"), max_size=6), max_size=5
        ),
    )
    def test_custom_placeholders_match_reference(self, vals, placeholders):
        """Any placeholders: missing iff stripped and folded text is one of them."""
        got = self.one(np.array(vals, dtype=object), placeholders=placeholders)
        assert got == [ref_missing(x, placeholders) for x in vals]


# --------------------------------------------------------------------------
# pandas columns: judged once per distinct value
# --------------------------------------------------------------------------

TEXT_DTYPES = [
    "str",
    "string[python]",
    pd.StringDtype("python", na_value=float("nan")),
]
if pa is not None:
    TEXT_DTYPES += [
        "string[pyarrow]",
        pd.ArrowDtype(pa.large_string()),
        pd.ArrowDtype(pa.string()),
    ]
long_padded = st.builds(
    lambda a, p, b: a + p + b,
    st.text(st.sampled_from(SPACES), min_size=6, max_size=12),
    st.one_of(holders, st.just(""), st.text(max_size=4)),
    st.text(st.sampled_from(SPACES), max_size=12),
)
texts = st.one_of(
    holders,
    padded,
    long_padded,
    st.text(max_size=12),
    st.text(
        st.sampled_from([*SPACES, "a", "A", "未", "知", "N", "/", "\x00"]), max_size=12
    ),
)
text_or_missing = st.one_of(texts, st.none(), st.just(float("nan")), st.just(pd.NA))
odd_values = st.one_of(
    st.builds(np.str_, texts),
    st.builds(np.float64, st.floats()),
    st.just(np.datetime64("NaT")),
    st.just(complex(float("nan"), 0)),
    st.just(Decimal("NaN")),
    st.binary(max_size=3),
    st.lists(st.integers(), max_size=2),
)
mixed_values = st.one_of(values, texts, odd_values)


def _utf8_text(value):
    """*value*, or the text it holds when it is UTF-8 bytes."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value


def object_rule(values, placeholders=PLACEHOLDERS) -> list[bool]:
    """The verdicts of the row-by-row rule on the values as NumPy holds them."""
    from custseg import profile

    folded = ProfileSchema(placeholders=placeholders).placeholders
    arr = np.asarray(values)
    if arr.dtype == object:
        # bytes are read as the UTF-8 text they hold (audit 39); bytes that
        # are not UTF-8 stay bytes (a filled value)
        arr = np.fromiter(map(_utf8_text, arr.tolist()), dtype=object, count=len(arr))
        return profile._object_missing(arr, folded).tolist()
    return profile._column_missing(arr, "x", folded).tolist()


class TestByDistinctValue:
    """Text, object and categorical columns, judged once per distinct value,
    give the row-by-row rule's verdicts."""

    def one(self, values, **kw):
        res = profile_completeness(
            {"x": values}, hard=["x"], soft=[], weights=(1, 0), **kw
        )
        return res.missing[:, 0].tolist()

    def test_fast_path_is_taken(self, monkeypatch):
        """Text, object and categorical columns are judged per distinct value."""
        from custseg import profile

        calls = []
        real = profile._object_missing

        def spy(arr, placeholders):
            calls.append(len(arr))
            return real(arr, placeholders)

        monkeypatch.setattr(profile, "_object_missing", spy)
        vals = ["x", " 未知", None, "x", "N/A", "x" * 40, "x"] * 10
        for dtype in [*TEXT_DTYPES, "category", object]:
            calls.clear()
            got = self.one(pd.Series(vals, dtype=dtype))
            assert got == [ref_missing(x) for x in vals] and got[2], dtype
            assert sum(calls) <= 4, (dtype, calls)  # distinct values only
        calls.clear()
        mixed = [*vals, float("nan"), 1.5, 0, np.str_("x"), pd.NA]
        got = self.one(mixed)
        assert got == [ref_missing(x) for x in mixed]
        assert calls == [4, 3]  # distinct str; then 0, np.str_ and pd.NA one by one

    def test_arrow_long_text(self):
        """Arrow text longer than any placeholder: missing only when blank or padded."""
        vals = ["\u3000" * 20 + "Unknown" + " " * 3, " " * 50, "x" * 30, "x" * 20 + " "]
        for dtype in TEXT_DTYPES:
            assert self.one(pd.Series(vals, dtype=dtype)) == [True, True, False, False]

    def test_arrow_chunks_index_and_arrays(self):
        """Chunked Arrow text, an Index and a bare pandas array read alike."""
        pytest.importorskip("pyarrow")
        vals = ["a", " na ", None, "", "b", "NULL"]
        expect = [False, True, True, True, False, True]
        chunked = pa.chunked_array([vals[:2], vals[2:5], vals[5:]])
        for col in (
            pd.Series(pd.arrays.ArrowStringArray(chunked)),
            pd.Index(vals, dtype="str"),
            pd.array(vals, dtype="string"),
            pd.Categorical(vals),
        ):
            assert self.one(col) == expect, type(col)

    def test_categories_of_any_type(self):
        """A categorical of numbers, dates or mixed values: NaN rows missing."""
        cats = [
            pd.Categorical([1, None, 0]),
            pd.Categorical([True, None, False]),
            pd.Categorical(pd.to_datetime(["2024-01-01", None, "2024-01-02"])),
            pd.Categorical([b"x", None, 0.0], categories=[0.0, b"x"]),
        ]
        for cat in cats:
            assert self.one(pd.Series(cat)) == [False, True, False], cat.categories
        empty = pd.Categorical([b"", None, 0.0], categories=[0.0, b""])
        assert self.one(pd.Series(empty)) == [True, True, False]

    def test_placeholders_apply(self):
        """Custom placeholders, and none, are used on the distinct values."""
        s = pd.Series(["保密", " 未知", None, "x" * 12 + "\u3000"], dtype="str")
        assert self.one(s, placeholders=["保密"]) == [True, False, True, False]
        assert self.one(s, placeholders=[]) == [False, False, True, False]

    @settings(max_examples=80)
    @given(
        st.lists(text_or_missing, max_size=25),
        st.sampled_from([*TEXT_DTYPES, "category"]),
        st.sampled_from([PLACEHOLDERS, ("保密", "x" * 10), ()]),
    )
    def test_text_matches_object_rule(self, vals, dtype, placeholders):
        """Any text column: the same verdicts as its values as an object array."""
        if isinstance(dtype, pd.ArrowDtype):  # Arrow takes None, not NaN
            vals = [x if isinstance(x, str) else None for x in vals]
        s = pd.Series(vals, dtype=dtype)
        got = self.one(s, placeholders=placeholders)
        assert got == object_rule(s, placeholders)
        held = np.asarray(s, dtype=object).tolist()
        assert got == [ref_missing(x, placeholders) for x in held]

    @settings(max_examples=100)
    @given(
        st.lists(mixed_values, max_size=25),
        st.sampled_from(["list", "array", "category", object]),
    )
    def test_mixed_values_match_object_rule(self, vals, kind):
        """Lists, object arrays and columns of mixed values: the row-by-row verdicts."""
        if kind == "category":  # categories are hashable
            vals = [x for x in vals if not isinstance(x, list)]
        arr = np.fromiter(vals, dtype=object, count=len(vals))
        if kind == "list":
            col = vals
        elif kind == "array":
            col = arr
        else:
            col = pd.Series(arr, dtype=kind)
        got = self.one(col)
        assert got == object_rule(arr if kind in ("list", "array") else col)


# --------------------------------------------------------------------------
# ProfileSchema
# --------------------------------------------------------------------------


class TestProfileSchema:
    """ProfileSchema: the fields, the weights and their validation."""

    def test_defaults(self):
        """8 hard fields at 20%, 11 soft at 80%, equal within a part."""
        s = ProfileSchema()
        assert s.hard == HARD_FIELDS and s.soft == SOFT_FIELDS
        assert len(HARD_FIELDS) == 8 and len(SOFT_FIELDS) == 11
        w = s.field_weight_array()
        assert np.allclose(w[:8], 0.2 / 8) and np.allclose(w[8:], 0.8 / 11)
        assert math.isclose(w.sum(), 1.0)

    def test_only_the_ratio_of_weights_matters(self):
        """(1, 4) weighs like (0.2, 0.8)."""
        a = ProfileSchema(weights=(1, 4)).field_weight_array()
        assert np.allclose(a, ProfileSchema().field_weight_array())

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"weights": (0.2,)},
                r"'weights' must be two numbers \(hard, soft\): got 1",
            ),
            ({"weights": (-1, 1)}, r"'weights' of the hard profile must be a finite"),
            ({"weights": (0, 0)}, r"'weights' must not both be 0"),
            ({"weights": "ab"}, r"'weights' must be a sequence of numbers"),
            ({"hard": ["a", "a"]}, r"'hard' must not repeat a field: 'a' twice"),
            ({"hard": ["a"], "soft": ["a"]}, r"field 'a' is in both"),
            ({"soft": []}, r"the soft profile has weight 0.8 but no fields"),
            ({"field_weights": {"nmae": 2}}, r"did you mean 'name'\?"),
            ({"field_weights": {"name": -1}}, r"must be a finite number >= 0"),
            ({"field_weights": [1]}, r"'field_weights' must be a mapping"),
            ({"placeholders": "na"}, r"'placeholders' must be a sequence of names"),
            ({"hard": [], "soft": []}, r"must not both be empty"),
            ({"placeholders": ["a\x00"]}, r"'placeholders\[0\]' must not contain NUL"),
        ],
    )
    def test_bad_parameters(self, kwargs, message):
        """Each bad parameter is a ThresholdError naming it."""
        with pytest.raises(ThresholdError, match=message):
            ProfileSchema(**kwargs)

    def test_placeholders_are_folded(self):
        """Placeholders are kept stripped, A-Z lowered, without repeats."""
        assert ProfileSchema(placeholders=[" N/A", "n/a", "未知"]).placeholders == (
            "n/a",
            "未知",
        )

    def test_html(self):
        """The notebook table lists every field and its weight."""
        html = ProfileSchema()._repr_html_()
        assert "gender" in html and "2.5%" in html and "more rows" in html


# --------------------------------------------------------------------------
# profile_completeness
# --------------------------------------------------------------------------


def frame(rows, fields):
    return pd.DataFrame({f: [r.get(f) for r in rows] for f in fields}, dtype=object)


class TestProfileCompleteness:
    """profile_completeness: scores, missing fields, alignment and errors."""

    def test_hard_only_scores_point_two(self):
        """Every hard field filled, no soft field: 0.2 (the sources' weights)."""
        df = pd.DataFrame({f: ["x"] for f in HARD_FIELDS})
        res = profile_completeness(df)
        assert res.score.tolist() == [pytest.approx(0.2)]
        assert res.absent == SOFT_FIELDS

    def test_everything_filled_scores_one(self):
        """All 19 fields filled: exactly 1.0."""
        df = pd.DataFrame({f: [1] for f in (*HARD_FIELDS, *SOFT_FIELDS)})
        assert profile_completeness(df).score.tolist() == [1.0]

    def test_worked_example(self):
        """Half the hard and a quarter of the soft: 0.2 * 0.5 + 0.8 * 0.25 = 0.3."""
        data = {
            "name": ["李娜"],
            "phone": ["未知"],
            "hobbies": ["瑜伽"],
            "family": [" "],
            "assets": [None],
            "finances": ["N/A"],
        }
        res = profile_completeness(
            data,
            hard=["name", "phone"],
            soft=["hobbies", "family", "assets", "finances"],
        )
        assert res.score.tolist() == [pytest.approx(0.3)]
        assert res.hard.tolist() == [0.5] and res.soft.tolist() == [0.25]
        assert res.missing_labels().to_numpy().tolist() == [
            "phone, family, assets, finances"
        ]

    def test_mapping_user_columns(self):
        """fields= maps Chinese column names onto fields; a mapped column
        beside a column named like its field is refused (audit 9, F9: the
        mapped one silently won)."""
        df = pd.DataFrame(
            {"姓名": ["王芳", None], "name": [None, "x"], "电话": ["1", "2"]}
        )
        kw = {"hard": ["name", "phone"], "soft": [], "weights": (1, 0)}
        with pytest.raises(ThresholdError, match=r"both '姓名' and 'name' feed 'name'"):
            profile_completeness(df, fields={"姓名": "name", "电话": "phone"}, **kw)
        res = profile_completeness(
            df.drop(columns=["name"]), fields={"姓名": "name", "电话": "phone"}, **kw
        )
        assert res.columns == {"name": "姓名", "phone": "电话"}
        assert res.score.tolist() == [1.0, 0.5]

    def test_mapped_column_absent_from_the_data(self):
        """A mapping whose column is not in the data is refused (audit 19: a
        typo left the field absent in silence); a field without a column is
        absent when nothing maps onto it."""
        with pytest.raises(ThresholdError, match="has no column '电话'"):
            profile_completeness(
                {"name": ["a"]}, fields={"电话": "phone"}, hard=["name", "phone"],
                soft=[], weights=(1, 0),
            )  # fmt: skip
        res = profile_completeness(
            {"name": ["a"]}, hard=["name", "phone"], soft=[], weights=(1, 0)
        )
        assert res.absent == ("phone",) and res.columns["phone"] is None
        assert res.fill_rates() == {"name": 1.0, "phone": 0.0}

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"x": "nmae"}, r"maps 'x' to 'nmae', which is not a profile field \(did you mean 'name'\?\)"),
            ({"a": "name", "b": "name"}, r"maps both 'a' and 'b' to 'name'"),
            (["name"], r"'fields' must be a mapping"),
        ],
    )  # fmt: skip
    def test_bad_mapping(self, fields, message):
        """A mapping onto an unknown field or twice onto one field is refused."""
        with pytest.raises(ThresholdError, match=message):
            profile_completeness({"name": ["a"]}, fields=fields)

    def test_no_field_present(self):
        """Data with none of the fields is an InputError asking for a mapping."""
        with pytest.raises(
            InputError, match=r"'profile' has none of the profile fields"
        ):
            profile_completeness(pd.DataFrame({"姓名": ["a"]}))

    def test_not_a_table(self):
        """A list is not a table."""
        with pytest.raises(
            InputError, match=r"'profile' must be a DataFrame or a mapping"
        ):
            profile_completeness([["a"]])

    def test_different_lengths(self):
        """Columns of different lengths name the column."""
        with pytest.raises(InputError, match=r"'phone' has 1 rows but 'name' has 2"):
            profile_completeness({"name": ["a", "b"], "phone": ["1"]})

    def test_different_indexes(self):
        """Series with different indexes are refused, never matched by position."""
        with pytest.raises(InputError, match=r"different index"):
            profile_completeness(
                {
                    "name": pd.Series(["a", "b"], index=[1, 2]),
                    "phone": pd.Series(["1", "2"], index=[2, 1]),
                }
            )

    def test_scalar_column(self):
        """A scalar where a column should be is an InputError naming it."""
        with pytest.raises(InputError, match=r"'name' must be an array-like"):
            profile_completeness({"name": "王芳"})

    def test_duplicate_columns(self):
        """A DataFrame with two columns of one name is refused."""
        df = pd.DataFrame([["a", "b"]], columns=["name", "name"])
        with pytest.raises(InputError, match=r"duplicate column names: 'name'"):
            profile_completeness(df)

    def test_keeps_the_index(self):
        """to_pandas is on the DataFrame's index, joinable without a shift."""
        df = pd.DataFrame(
            {"name": ["a", None], "hobbies": [None, "tea"]},
            index=pd.Index(["c9", "c1"], name="customer_id"),
        )
        out = df.join(profile_completeness(df).to_pandas(missing_columns=True))
        assert out.index.tolist() == ["c9", "c1"]
        assert out["missing.name"].tolist() == [False, True]
        assert out["missing.hobbies"].tolist() == [True, False]
        assert out["n_missing"].tolist() == [18, 18]

    def test_series_index_from_a_mapping(self):
        """A mapping of Series gives results on their index."""
        s = pd.Series(["a", None], index=["x", "y"])
        assert list(profile_completeness({"name": s}).to_pandas().index) == ["x", "y"]

    def test_empty(self):
        """No customers: empty arrays, NaN fill rates, empty labels."""
        res = profile_completeness(pd.DataFrame({"name": pd.Series([], dtype=object)}))
        assert len(res) == 0 and res.missing.shape == (0, 19)
        assert math.isnan(res.fill_rates()["name"])
        assert len(res.missing_labels()) == 0 and len(res.to_pandas()) == 0

    def test_field_weights(self):
        """Within a part, fields weigh by field_weights (phone counts 3x name)."""
        res = profile_completeness(
            {"name": ["a", None], "phone": [None, "1"]},
            hard=["name", "phone"], soft=[], weights=(1, 0), field_weights={"phone": 3},
        )  # fmt: skip
        assert res.score.tolist() == [0.25, 0.75]

    def test_part_of_weight_zero_still_reports(self):
        """A part of weight 0 scores nothing but its own completeness is shown."""
        res = profile_completeness(
            {"name": ["a"], "hobbies": ["x"]}, hard=["name"], soft=["hobbies"],
            weights=(0, 1), field_weights={"name": 0},
        )  # fmt: skip
        assert res.hard.tolist() == [1.0] and res.score.tolist() == [1.0]

    def test_empty_part_is_nan(self):
        """A part without fields has NaN completeness (missing, not 0)."""
        res = profile_completeness(
            {"name": ["a"]}, hard=["name"], soft=[], weights=(1, 0)
        )
        assert math.isnan(res.soft[0])

    def test_fill_rates(self):
        """Fill rate per field, absent fields 0."""
        res = profile_completeness({"name": ["a", "", "b", None]}, hard=["name", "age"],
                                   soft=[], weights=(1, 0))  # fmt: skip
        assert res.fill_rates() == {"name": 0.5, "age": 0.0}

    def test_missing_labels_many_fields(self):
        """More than 8 fields (several packed bytes) and a custom separator."""
        fields = [f"f{i}" for i in range(12)]
        data = {f: ["x", None] for f in fields}
        data["f10"] = [None, "y"]
        res = profile_completeness(data, hard=fields, soft=[], weights=(1, 0))
        lab = res.missing_labels(sep="|")
        assert isinstance(lab, Labels)
        expect = "|".join(f for f in fields if f != "f10")
        assert lab.to_numpy().tolist() == ["f10", expect]

    def test_missing_labels_order_and_ambiguous_sep(self):
        """Labels: complete first, then by count; a separator that merges sets is refused."""
        data = {"a": [None, "x", None, "x"], "b": [None, None, "x", "x"]}
        res = profile_completeness(data, hard=["a", "b"], soft=[], weights=(1, 0))
        assert res.missing_labels().names == ("", "a", "b", "a, b")
        data = {"a": [None, "x"], "b": [None, "x"], "ab": ["x", None]}
        res = profile_completeness(data, hard=["a", "b", "ab"], soft=[], weights=(1, 0))
        with pytest.raises(ThresholdError, match=r"'sep' '' makes two sets"):
            res.missing_labels(sep="")

    def test_band_boundaries(self):
        """Bands are [lo, hi): a score exactly on a break goes up."""
        data = {"a": ["x", "x", None, None], "b": ["x", None, None, "x"]}
        res = profile_completeness(data, hard=["a", "b"], soft=[], weights=(1, 0))
        assert res.score.tolist() == [1.0, 0.5, 0.0, 0.5]
        assert res.band((0.5, 1.0), ("low", "mid", "full")).to_numpy().tolist() == [
            "full", "mid", "low", "mid",
        ]  # fmt: skip
        assert res.band().names == ("poor", "fair", "good")

    @pytest.mark.parametrize(
        ("breaks", "labels", "message"),
        [
            ((0.5,), ("a",), r"one more entry than 'breaks'"),
            ((0.0,), ("a", "b"), r"'breaks\[0\]' must be in \(0, 1\]"),
            ((0.6, 0.5), ("a", "b", "c"), r"'breaks\[1\]' must be > 'breaks\[0\]'"),
        ],
    )
    def test_band_bad_breaks(self, breaks, labels, message):
        """Bad bands are a ThresholdError."""
        res = profile_completeness({"name": ["a"]})
        with pytest.raises(ThresholdError, match=message):
            res.band(breaks, labels)

    def test_repr_and_html(self):
        """The repr is short; the notebook table has fill rates and absent fields."""
        res = profile_completeness({"name": ["a", None]})
        assert repr(res).startswith("ProfileCompleteness(n=2 customers")
        html = res._repr_html_()
        assert "50.0%" in html and "absent" in html
        assert isinstance(res, ProfileCompleteness)

    def test_input_not_mutated(self):
        """The caller's frame is left as it was."""
        df = pd.DataFrame({"name": [" 未知 ", None]})
        before = df.copy()
        profile_completeness(df)
        pd.testing.assert_frame_equal(df, before)

    # -- properties -----------------------------------------------------------

    @settings(max_examples=60)
    @given(st.data())
    def test_score_matches_reference(self, data):
        """Score in [0, 1] and equal to the scalar reference, any weights."""
        fields = ["a", "b", "c", "d", "e"]
        k = data.draw(st.integers(0, 5))
        hard, soft = fields[:k], fields[k:]
        w = (
            data.draw(st.floats(0, 10)) if hard else 0.0,
            data.draw(st.floats(0, 10)) if soft else 0.0,
        )
        if w[0] + w[1] == 0:
            w = (1.0, 0.0) if hard else (0.0, 1.0)
        rows = data.draw(
            st.lists(
                st.dictionaries(st.sampled_from(fields), values, max_size=5),
                min_size=1, max_size=15,
            )
        )  # fmt: skip
        present = sorted({f for r in rows for f in r}) or ["a"]
        df = frame(rows, present)
        res = profile_completeness(df, hard=hard, soft=soft, weights=w)
        ref = ref_score(rows, hard, soft, w)
        assert np.all((res.score >= 0) & (res.score <= 1))
        assert np.allclose(res.score, ref, atol=1e-12)

    @settings(max_examples=60)
    @given(st.lists(st.lists(values, min_size=4, max_size=4), min_size=1, max_size=12),
           st.data())  # fmt: skip
    def test_filling_a_field_never_lowers_the_score(self, rows, data):
        """Monotone: replacing one value by a filled one never lowers any score."""
        fields = ["name", "phone", "hobbies", "family"]
        df = pd.DataFrame(rows, columns=fields, dtype=object)
        kw = {"hard": fields[:2], "soft": fields[2:]}
        before = profile_completeness(df, **kw).score
        i = data.draw(st.integers(0, len(rows) - 1))
        j = data.draw(st.integers(0, 3))
        df.iloc[i, j] = data.draw(st.sampled_from(["x", 0, False, "张三"]))
        after = profile_completeness(df, **kw).score
        assert np.all(after >= before)
        assert after[i] >= before[i]

    @settings(max_examples=40)
    @given(st.lists(st.lists(values, min_size=3, max_size=3), min_size=1, max_size=12),
           st.randoms(use_true_random=False))  # fmt: skip
    def test_order_equivariance(self, rows, rnd):
        """Permuting customers permutes scores and missing rows the same way."""
        df = pd.DataFrame(rows, columns=["name", "hobbies", "family"], dtype=object)
        perm = list(range(len(rows)))
        rnd.shuffle(perm)
        a = profile_completeness(df)
        b = profile_completeness(df.iloc[perm])
        assert np.array_equal(a.score[perm], b.score)
        assert np.array_equal(a.missing[perm], b.missing)
        assert b.to_pandas().index.tolist() == df.index[perm].tolist()

    @settings(max_examples=40)
    @given(st.lists(st.sampled_from(["x", "未知", " ", None, "N/A", 0]), min_size=1,
                    max_size=20))  # fmt: skip
    def test_placeholder_changes_nothing_but_itself(self, vals):
        """Replacing any placeholder by None or '' gives the same result."""
        a = profile_completeness({"name": vals})
        swapped = [None if isinstance(x, str) and ref_missing(x) else x for x in vals]
        b = profile_completeness({"name": swapped})
        assert np.array_equal(a.score, b.score)
        assert np.array_equal(a.missing, b.missing)
