"""Tests for custseg.groups: tags, group sizes, overlaps and summaries (分群).

References: a tag matrix is a set of customers per tag; overlaps are
``|A & B|`` and Jaccard ``|A & B| / |A | B|``; life stages are half-open
intervals of days (due date in [0, 280) days ahead, baby age in
[0, 36 * 30.4375) days).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from custseg import rules
from custseg.errors import InputError, ThresholdError
from custseg.groups import (
    SOURCE_TAGS,
    GroupOverlaps,
    GroupSummary,
    LifeStageWindows,
    TagMatrix,
    combine_tags,
    group_overlaps,
    group_sizes,
    group_summary,
    life_stage_tags,
    tags_from_values,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "groups.md"


@st.composite
def tag_matrices(draw, max_rows=40, max_tags=6):
    n = draw(st.integers(0, max_rows))
    k = draw(st.integers(1, max_tags))
    m = draw(hnp.arrays(np.bool_, (n, k)))
    return TagMatrix(tuple(f"t{j}" for j in range(k)), m)


# --------------------------------------------------------------------------
# TagMatrix and combine_tags
# --------------------------------------------------------------------------


class TestTagMatrix:
    """TagMatrix: names, the boolean matrix, index and conversions."""

    def test_copy_and_read_only(self):
        """The matrix is a private read-only copy; 0/1 integers become bool."""
        src = np.array([[1, 0], [0, 1]])
        t = TagMatrix(("a", "b"), src)
        src[0, 0] = 0
        assert t.matrix.dtype == bool and t.matrix[0, 0]
        assert not t.matrix.flags.writeable

    def test_one_tag_from_a_vector(self):
        """A 1-D array is one tag's column."""
        assert TagMatrix(("a",), [True, False]).matrix.shape == (2, 1)

    @pytest.mark.parametrize(
        ("names", "matrix", "error", "message"),
        [
            (("a", "a"), [[1, 0]], ThresholdError, r"'names' must be unique: 'a'"),
            (("a", "b"), [[1, 0, 1]], InputError, r"one column per tag \(2\)"),
            (("a",), [[2]], InputError, r"must be boolean \(or 0/1\)"),
            (("a",), [[0.5]], InputError, r"must be boolean"),
            ("ab", [[1, 0]], ThresholdError, r"'names' must be a sequence of names"),
        ],
    )
    def test_bad_input(self, names, matrix, error, message):
        """Bad names or matrices are refused with the field named."""
        with pytest.raises(error, match=message):
            TagMatrix(names, matrix)

    def test_index_length(self):
        """The index has one entry per row."""
        with pytest.raises(ThresholdError, match=r"one entry per row \(2\): got 3"):
            TagMatrix(("a",), [[1], [0]], index=pd.Index([1, 2, 3]))

    def test_getitem_and_to_pandas(self):
        """t[name] is the tag's column; to_pandas keeps the index and tag order."""
        t = TagMatrix(("b", "a"), [[1, 0], [1, 1]], index=pd.Index(["x", "y"]))
        assert t["a"].tolist() == [False, True]
        with pytest.raises(KeyError):
            t["c"]
        df = t.to_pandas()
        assert df.columns.tolist() == ["b", "a"] and df.index.tolist() == ["x", "y"]

    def test_repr_html(self):
        """repr and the notebook table show each tag's share."""
        t = TagMatrix(("vip",), [[1], [0]])
        assert repr(t) == "TagMatrix(n=2 customers, vip 50.0%)"
        assert "50.0%" in t._repr_html_()


class TestCombineTags:
    """combine_tags: TagMatrix values, pairs and rules results side by side."""

    def rules_result(self, visits, index=None):
        rs = rules.loads(
            "format = 1\n[fields]\nvisits = { type = 'integer', min = 0 }\n"
            "[tags.care]\nrules = [{ tag = 'regular', when = 'visits >= 2' },"
            " { tag = 'new', when = 'visits == 1' }]\n"
        )
        data = pd.DataFrame({"visits": visits}, index=index)
        return rs.evaluate(data)

    def test_rules_result_tags_are_set_dot_tag(self):
        """A RulesResult's tag sets come in as 'set.tag', as in its to_pandas."""
        res = self.rules_result([0, 1, 3], index=pd.Index(["a", "b", "c"]))
        vip = TagMatrix(("vip",), [[0], [0], [1]], index=pd.Index(["a", "b", "c"]))
        t = combine_tags(res, vip)
        assert t.names == ("care.regular", "care.new", "vip")
        assert t.to_pandas().index.tolist() == ["a", "b", "c"]
        assert t["care.regular"].tolist() == [False, False, True]

    def test_pairs(self):
        """(names, matrix) pairs, in order."""
        t = combine_tags((("a",), [[1], [0]]), (("b", "c"), [[0, 1], [1, 1]]))
        assert t.names == ("a", "b", "c")
        assert t.matrix.tolist() == [[True, False, True], [False, True, True]]

    def test_duplicate_names(self):
        """A tag name in two sources is refused."""
        with pytest.raises(ThresholdError, match=r"unique across sources: \['a'\]"):
            combine_tags((("a",), [[1]]), (("a",), [[0]]))

    def test_different_lengths(self):
        """Sources with different numbers of customers are refused."""
        with pytest.raises(InputError, match=r"'tags\[1\]' has 1 rows but the first"):
            combine_tags((("a",), [[1], [0]]), (("b",), [[0]]))

    def test_different_indexes(self):
        """Sources on different indexes are refused, never matched by position."""
        a = TagMatrix(("a",), [[1], [0]], index=pd.Index([1, 2]))
        b = TagMatrix(("b",), [[1], [0]], index=pd.Index([2, 1]))
        with pytest.raises(InputError, match=r"different index"):
            combine_tags(a, b)

    def test_not_tags(self):
        """Anything else is an InputError."""
        with pytest.raises(InputError, match=r"cannot be read as tags: int"):
            combine_tags(3)
        with pytest.raises(InputError, match=r"'tags' is empty"):
            combine_tags()


# --------------------------------------------------------------------------
# tags_from_values
# --------------------------------------------------------------------------


def ref_tags(cells, seps=(",", "，", "、", ";", "；", "|")):
    """Set of stripped, non-empty pieces per cell (missing: empty set)."""
    out = []
    for c in cells:
        if c is None or (isinstance(c, float) and math.isnan(c)):
            out.append(set())
            continue
        pieces = [str(c)]
        for s in seps:
            pieces = [q for p in pieces for q in p.split(s)]
        out.append({p.strip() for p in pieces if p.strip()})
    return out


class TestTagsFromValues:
    """tags_from_values: one tag per value, multi-valued cells, mappings."""

    def test_interests_with_mapping(self):
        """The source's 意向A产品 from a product-interest column."""
        t = tags_from_values(
            ["A产品、B产品", None, "B产品", " A产品 ", "C产品"],
            {"A产品": "意向A产品", "B产品": "意向B产品"},
        )
        assert t.names == ("意向A产品", "意向B产品")
        assert t.matrix.tolist() == [
            [True, True], [False, False], [False, True], [True, False], [False, False],
        ]  # fmt: skip

    def test_mapping_several_values_to_one_tag(self):
        """Values sharing a tag name make one tag."""
        t = tags_from_values(["a", "b", "c"], {"a": "x", "b": "x", "c": "y"})
        assert t.names == ("x", "y") and t.sizes() == {"x": 2, "y": 1}

    def test_unmapped(self):
        """Unmapped values are ignored, or raised on request."""
        assert tags_from_values(["a", "z"], {"a": "x"}).sizes() == {"x": 1}
        with pytest.raises(InputError, match=r"does not cover: \['z'\]"):
            tags_from_values(["a", "z"], {"a": "x"}, unmapped="raise")

    def test_prefix_and_sorted_names(self):
        """Without a mapping, tags are the sorted values with the prefix."""
        t = tags_from_values(["yoga;tea", "tea", "", float("nan")], prefix="hobby:")
        assert t.names == ("hobby:tea", "hobby:yoga")
        assert t.matrix.tolist() == [
            [True, True], [True, False], [False, False], [False, False],
        ]  # fmt: skip

    def test_numbers_and_index(self):
        """Numbers are values too; a Series keeps its index."""
        t = tags_from_values(pd.Series([1, 2, 1], index=["a", "b", "c"]), prefix="p")
        assert t.names == ("p1", "p2") and t.to_pandas().index.tolist() == [
            "a",
            "b",
            "c",
        ]

    def test_custom_separator(self):
        """sep= sets the separators; empty ones are refused."""
        assert tags_from_values(["a/b"], sep=["/"]).names == ("a", "b")
        with pytest.raises(ThresholdError, match=r"empty separator"):
            tags_from_values(["a"], sep=[""])

    def test_bad_parameters(self):
        """mapping must be a mapping and unmapped a known choice."""
        with pytest.raises(ThresholdError, match=r"'mapping' must be a mapping"):
            tags_from_values(["a"], ["a"])
        with pytest.raises(ThresholdError, match=r"'unmapped' must be"):
            tags_from_values(["a"], {"a": "b"}, unmapped="drop")

    @settings(max_examples=80)
    @given(
        st.lists(
            st.one_of(
                st.none(),
                st.just(float("nan")),
                st.text(st.sampled_from("ab ,、|x"), max_size=8),
            ),
            max_size=25,
        ),
        st.randoms(use_true_random=False),
    )
    def test_matches_reference_and_order(self, cells, rnd):
        """Tags equal the reference sets; permuting rows permutes the matrix."""
        t = tags_from_values(np.array(cells, dtype=object))
        ref = ref_tags(cells)
        assert t.names == tuple(sorted(set().union(*ref)))
        got = [{t.names[j] for j in np.flatnonzero(row)} for row in t.matrix]
        assert got == ref
        perm = list(range(len(cells)))
        rnd.shuffle(perm)
        p = tags_from_values(np.array([cells[i] for i in perm], dtype=object))
        assert p.names == t.names
        assert np.array_equal(p.matrix, t.matrix[perm].reshape(p.matrix.shape))


# --------------------------------------------------------------------------
# life stage
# --------------------------------------------------------------------------


class TestLifeStageWindows:
    """LifeStageWindows: defaults and validation."""

    def test_defaults(self):
        """280 days of pregnancy, babies up to 36 months, English tag names."""
        w = LifeStageWindows()
        assert (w.pregnancy_days, w.baby_months) == (280.0, 36.0)
        assert w.labels == ("pregnant", "mother", "boy", "girl")
        assert "男" in w.boy_values and "女" in w.girl_values

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"pregnancy_days": 0}, r"'pregnancy_days' must be a finite number > 0"),
            ({"baby_months": float("inf")}, r"'baby_months' must be a finite"),
            ({"baby_months": "12"}, r"'baby_months' must be a number"),
            ({"labels": ("a", "b")}, r"'labels' must be 4 names"),
            ({"labels": ("a", "a", "b", "c")}, r"'labels' must be unique"),
            ({"girl_values": ("M",)}, r"share 'm'"),
        ],
    )
    def test_bad(self, kwargs, message):
        """Bad windows are a ThresholdError naming the parameter."""
        with pytest.raises(ThresholdError, match=message):
            LifeStageWindows(**kwargs)

    def test_html(self):
        """The notebook table states the intervals."""
        assert "[0, 280.0)" in LifeStageWindows()._repr_html_()


class TestLifeStageTags:
    """life_stage_tags: pregnant, mother, boy and girl, on exact boundaries."""

    def test_pregnancy_boundaries(self):
        """Due today: pregnant; 279 days ahead: pregnant; 280: not; yesterday: not."""
        t = life_stage_tags(
            as_of="2024-01-01",
            due_date=["2024-01-01", "2024-10-06", "2024-10-07", "2023-12-31", None],
        )
        assert t.names == ("pregnant",)
        assert t["pregnant"].tolist() == [True, True, False, False, False]

    def test_baby_boundaries(self):
        """Born today: mother; 1095 days old: mother; 1096 (36 months): not; future: not."""
        as_of = np.datetime64("2024-01-01")
        born = [as_of, as_of - 1095, as_of - 1096, as_of + 1, np.datetime64("NaT")]
        t = life_stage_tags(as_of=as_of, baby_birthday=np.array(born, "datetime64[D]"))
        assert t["mother"].tolist() == [True, True, False, False, False]

    def test_sex_needs_a_baby_when_birthdays_given(self):
        """Boy and girl only for mothers of a young baby when birthdays are known."""
        t = life_stage_tags(
            as_of="2024-01-01",
            baby_birthday=["2023-06-01", "2010-01-01", "2023-06-01", None],
            baby_sex=[" Boy ", "男", "女宝", "girl"],
        )
        assert t.names == ("mother", "boy", "girl")
        assert t.matrix.tolist() == [
            [True, True, False], [False, False, False], [True, False, True],
            [False, False, False],
        ]  # fmt: skip

    def test_sex_alone_and_unknown(self):
        """Without birthdays, sex alone; missing and placeholders give neither,
        a value that is neither a boy nor a girl value is refused, never dropped."""
        t = life_stage_tags(as_of="2024-01-01", baby_sex=["m", "F", "?", None, "未知"])
        assert t["boy"].tolist() == [True, False, False, False, False]
        assert t["girl"].tolist() == [False, True, False, False, False]
        for typo in (1, "boyy", True):
            with pytest.raises(
                InputError,
                match=r"'baby_sex' has .*neither a boy nor a girl value \(first at row 1",
            ):
                life_stage_tags(as_of="2024-01-01", baby_sex=["m", typo])

    def test_chinese_labels_and_index(self):
        """Tag names from the windows; a Series keeps its index."""
        w = LifeStageWindows(labels=("孕妇", "宝妈", "男宝", "女宝"))
        due = pd.Series(["2024-03-01"], index=["c1"])
        t = life_stage_tags(as_of="2024-01-01", due_date=due, windows=w)
        assert t.names == ("孕妇",) and t.to_pandas().index.tolist() == ["c1"]

    def test_errors(self):
        """No input, different lengths, bad dates and bad windows are refused."""
        with pytest.raises(InputError, match=r"has no input"):
            life_stage_tags(as_of="2024-01-01")
        with pytest.raises(InputError, match=r"'baby_birthday' has 1 rows"):
            life_stage_tags(
                as_of="2024-01-01", due_date=["2024-02-01", None], baby_birthday=[None]
            )
        with pytest.raises(
            InputError, match=r"'due_date' has values that are not dates"
        ):
            life_stage_tags(as_of="2024-01-01", due_date=["soon"])
        with pytest.raises(InputError, match=r"'as_of' is not a date"):
            life_stage_tags(as_of="soon", due_date=["2024-01-01"])
        with pytest.raises(
            ThresholdError, match=r"'windows' must be a LifeStageWindows"
        ):
            life_stage_tags(as_of="2024-01-01", due_date=["2024-01-01"], windows=1)

    @settings(max_examples=60)
    @given(
        st.lists(
            st.one_of(st.none(), st.integers(-400, 1500)), min_size=1, max_size=20
        ),
        st.floats(1, 60),
    )
    def test_mother_matches_reference(self, ages, months):
        """Mother iff the baby's age in days is in [0, months * 30.4375)."""
        as_of = np.datetime64("2024-03-01")
        born = np.array(
            [np.datetime64("NaT") if a is None else as_of - a for a in ages],
            dtype="datetime64[D]",
        )
        t = life_stage_tags(
            as_of=as_of,
            baby_birthday=born,
            windows=LifeStageWindows(baby_months=months),
        )
        ref = [a is not None and 0 <= a < months * 365.25 / 12 for a in ages]
        assert t["mother"].tolist() == ref


# --------------------------------------------------------------------------
# sizes and overlaps
# --------------------------------------------------------------------------


class TestGroupSizes:
    """group_sizes: customers per tag, overlapping customers in each."""

    def test_counts(self):
        """A customer in two groups counts in both."""
        t = TagMatrix(("a", "b"), [[1, 1], [0, 1], [0, 0]])
        assert group_sizes(t) == {"a": 1, "b": 2}
        assert group_sizes((("a",), [[1], [1]])) == {"a": 2}


class TestGroupOverlaps:
    """group_overlaps: pair counts and Jaccard."""

    def test_worked_example(self):
        """Three tags on four customers, by hand."""
        t = TagMatrix(("p", "m", "a"), [[1, 0, 1], [0, 1, 1], [0, 1, 0], [1, 1, 1]])
        ov = group_overlaps(t)
        assert ov.counts.tolist() == [[2, 1, 2], [1, 3, 2], [2, 2, 3]]
        assert ov.jaccard[0, 1] == 0.25 and ov.jaccard[1, 2] == 0.5
        assert ov.to_pandas().loc["p", "a"] == 2
        assert isinstance(ov, GroupOverlaps) and "tags=3" in repr(ov)

    def test_empty_tag_jaccard_is_nan(self):
        """Two empty tags have no Jaccard (NaN), not 0 or 1."""
        ov = group_overlaps(TagMatrix(("a", "b"), [[0, 0], [0, 1]]))
        assert math.isnan(ov.jaccard[0, 0]) and ov.jaccard[0, 1] == 0.0

    def test_more_rows_than_a_block(self):
        """Counts stay exact across row blocks."""
        n = (1 << 16) * 2 + 7
        m = np.zeros((n, 2), dtype=bool)
        m[::3, 0] = True
        m[::2, 1] = True
        ov = group_overlaps(TagMatrix(("a", "b"), m))
        assert ov.counts.tolist() == [
            [len(range(0, n, 3)), len(range(0, n, 6))],
            [len(range(0, n, 6)), len(range(0, n, 2))],
        ]

    @settings(max_examples=80)
    @given(tag_matrices())
    def test_properties(self, t):
        """Symmetric, diagonal = sizes, Jaccard in [0, 1], equal to set reference."""
        ov = group_overlaps(t)
        k = len(t.names)
        assert ov.counts.shape == ov.jaccard.shape == (k, k)
        assert np.array_equal(ov.counts, ov.counts.T)
        assert np.diag(ov.counts).tolist() == list(group_sizes(t).values())
        j = ov.jaccard
        assert np.array_equal(np.isnan(j), np.isnan(j.T))
        ok = ~np.isnan(j)
        assert np.all((j[ok] >= 0) & (j[ok] <= 1)) and np.array_equal(j[ok], j.T[ok])
        sets = [set(np.flatnonzero(t.matrix[:, a]).tolist()) for a in range(k)]
        for a in range(k):
            for b in range(k):
                assert ov.counts[a, b] == len(sets[a] & sets[b])
                union = len(sets[a] | sets[b])
                if union:
                    assert j[a, b] == pytest.approx(len(sets[a] & sets[b]) / union)
                else:
                    assert math.isnan(j[a, b])


# --------------------------------------------------------------------------
# group_summary
# --------------------------------------------------------------------------


class TestGroupSummary:
    """group_summary: customers, share, totals and means per group."""

    def test_worked_example(self):
        """Overlapping groups each count the shared customer; (all) counts once."""
        t = TagMatrix(("vip", "mother"), [[1, 1], [1, 0], [0, 1], [0, 0]])
        s = group_summary(t, {"monetary": [900.0, 600.0, 100.0, np.nan]})
        assert isinstance(s, GroupSummary)
        assert s.names == ("vip", "mother", "(all)")
        assert s.customers.tolist() == [2, 2, 4]
        assert s.totals["monetary"].tolist() == [1500.0, 1000.0, 1600.0]
        assert s.means["monetary"][:2].tolist() == [750.0, 500.0]

    def test_no_facts(self):
        """Without facts: customers and shares only."""
        df = group_summary(TagMatrix(("a",), [[1], [0]])).to_pandas()
        assert df.columns.tolist() == ["customers", "share"]
        assert df["share"].tolist() == [0.5, 1.0]

    def test_group_without_values_has_nan_mean(self):
        """A group whose customers have no value: total 0, mean NaN (missing)."""
        s = group_summary(TagMatrix(("a",), [[1], [0]]), {"x": [np.nan, 2.0]})
        assert s.totals["x"][0] == 0.0 and math.isnan(s.means["x"][0])

    def test_dataframe_index_must_match(self):
        """Facts on another index are refused; the same index is accepted."""
        t = TagMatrix(("a",), [[1], [0]], index=pd.Index(["x", "y"]))
        ok = pd.DataFrame({"m": [1.0, 2.0]}, index=["x", "y"])
        assert group_summary(t, ok).totals["m"].tolist() == [1.0, 3.0]
        with pytest.raises(InputError, match=r"'facts' has a different index"):
            group_summary(t, ok.iloc[::-1])

    def test_bad_facts(self):
        """Wrong length, text facts and non-tables are InputErrors."""
        t = TagMatrix(("a",), [[1], [0]])
        with pytest.raises(InputError, match=r"'m' has 3 rows"):
            group_summary(t, {"m": [1, 2, 3]})
        with pytest.raises(InputError, match=r"'m' has non-numeric values"):
            group_summary(t, {"m": ["a", "b"]})
        with pytest.raises(InputError, match=r"'facts' must be a DataFrame"):
            group_summary(t, [1, 2])

    def test_customer_facts(self):
        """CustomerFacts works: its numeric facts, keyed by customer id."""
        from custseg import summarize

        facts = summarize(
            [1, 1, 2],
            pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01"]),
            [10.0, 20.0, 5.0],
            as_of="2024-03-01",
        )
        t = TagMatrix(("a",), [[1], [0]], index=pd.Index([1, 2]))
        s = group_summary(t, facts)
        assert s.totals["monetary"].tolist() == [30.0, 35.0]
        with pytest.raises(InputError, match=r"different index"):
            group_summary(TagMatrix(("a",), [[1], [0]], index=pd.Index([2, 1])), facts)

    @settings(max_examples=60)
    @given(tag_matrices(max_rows=30), st.data())
    def test_matches_pandas(self, t, data):
        """Totals and means equal a pandas loop over tags (NaN left out)."""
        n = len(t)
        vals = data.draw(
            hnp.arrays(
                np.float64, n, elements=st.one_of(st.just(np.nan), st.floats(-1e3, 1e3))
            )
        )
        s = group_summary(t, {"x": vals})
        x = pd.Series(vals)
        for j in range(len(t.names)):
            sel = x[t.matrix[:, j]]
            assert s.customers[j] == t.matrix[:, j].sum()
            assert s.totals["x"][j] == pytest.approx(sel.sum(), abs=1e-6)
            if sel.notna().any():
                assert s.means["x"][j] == pytest.approx(sel.mean(), abs=1e-6)
            else:
                assert math.isnan(s.means["x"][j])
        assert s.customers[-1] == n


# --------------------------------------------------------------------------
# the source preset
# --------------------------------------------------------------------------


class TestSourceTags:
    """SOURCE_TAGS and the preset text of the docs page agree and run."""

    def preset_text(self):
        text = DOCS.read_text(encoding="utf-8")
        m = re.search(
            r"```toml\n(# custseg rules preset: the customer groups.*?)```", text, re.S
        )
        assert m, "the docs page has the preset text"
        return m.group(1)

    def test_constant(self):
        """The six groups of the sources, with their Chinese names."""
        assert {k: v["zh"] for k, v in SOURCE_TAGS.items()} == {
            "key_customer": "重点客户",
            "pregnant": "孕妇",
            "mother": "宝妈",
            "intends_product_a": "意向A产品",
            "boy_baby": "男宝",
            "girl_baby": "女宝",
        }
        with pytest.raises(TypeError):
            SOURCE_TAGS["x"] = {}  # type: ignore[index]

    def test_docs_preset_matches_the_constant(self):
        """Every rule of the preset text is the constant's condition, and it loads."""
        text = self.preset_text()
        rs = rules.loads(text)
        assert rs.name == "groups" and not [
            d for d in rs.diagnostics if d.severity == "error"
        ]
        found = dict(re.findall(r'\{ tag = "(\w+)", when = "([^"]+)" \}', text))
        assert found == {k: v["when"] for k, v in SOURCE_TAGS.items()}

    def test_preset_agrees_with_life_stage_tags(self):
        """On whole days, the preset's pregnant / mother / boy / girl = life_stage_tags."""
        rs = rules.loads(self.preset_text())
        as_of = np.datetime64("2024-01-01")
        due = np.array(
            [as_of, as_of + 279, as_of + 280, as_of - 1, "NaT"], "datetime64[D]"
        )
        born = np.array(
            [as_of, as_of - 1095, as_of - 1096, as_of + 1, "NaT"], "datetime64[D]"
        )
        sex = np.array(["boy", "girl", "boy", "girl", None], dtype=object)
        out = rs.evaluate(
            {
                "monetary": np.zeros(5),
                "days_to_due": (due - as_of).astype(float),
                "baby_age_days": (as_of - born).astype(float),
                "baby_sex": sex,
                "intends_a": np.zeros(5, dtype=bool),
            }
        )
        names, matrix = out.tags["groups"]
        dsl = dict(zip(names, matrix.T, strict=True))
        t = life_stage_tags(as_of=as_of, due_date=due, baby_birthday=born, baby_sex=sex)
        assert dsl["pregnant"].tolist() == t["pregnant"].tolist()
        assert dsl["mother"].tolist() == t["mother"].tolist()
        assert dsl["boy_baby"].tolist() == t["boy"].tolist()
        assert dsl["girl_baby"].tolist() == t["girl"].tolist()
